package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// nuovoAgenteForm is «Inserisci nuovo agente commerciale»: the agent's
// data and domains, saved at once; errors stay in the dialog.
type nuovoAgenteForm struct {
	Dialog         *dialog.CustomDialog
	RagioneSociale *widget.Entry
	Nome           *widget.Entry
	Cognome        *widget.Entry
	Email          *widget.Entry
	Domini         *widget.CheckGroup
	Errore         *widget.Label
	Salva, Annulla *widget.Button
}

func (u *UI) nuovoAgente(s *pecAgentiScreen) {
	f := &nuovoAgenteForm{RagioneSociale: widget.NewEntry(), Nome: widget.NewEntry(), Cognome: widget.NewEntry(),
		Email: widget.NewEntry(), Errore: esitoLabel()}
	var nomi []string
	domini, err := u.Core.Registro.Domini(u.ctx, u.Core.Operatore())
	for _, d := range domini {
		nomi = append(nomi, d.Dominio)
	}
	f.Domini = widget.NewCheckGroup(nomi, nil)
	if err != nil {
		setEsito(f.Errore, widgets.ErrorText(err), widget.DangerImportance)
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Ragione sociale"), f.RagioneSociale),
		widget.NewFormItem(lang.L("Nome"), f.Nome),
		widget.NewFormItem(lang.L("Cognome"), f.Cognome),
		widget.NewFormItem(lang.L("E-mail"), f.Email))
	domLabel := widget.NewLabel(lang.L("Domini associati"))
	domLabel.TextStyle.Bold = true
	content := container.NewBorder(container.NewVBox(form, domLabel), f.Errore, nil, nil, container.NewVScroll(f.Domini))
	f.Dialog = dialog.NewCustomWithoutButtons(lang.L("Inserisci nuovo agente commerciale"), content, u.Win)
	f.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), f.Dialog.Hide)
	f.Salva = widget.NewButtonWithIcon(lang.L("Salva"), theme.DocumentSaveIcon(), func() { u.salvaNuovoAgente(s, f) })
	f.Salva.Importance = widget.HighImportance
	f.Dialog.SetButtons([]fyne.CanvasObject{f.Annulla, f.Salva})
	f.Dialog.Resize(fyne.NewSize(520, 480))
	s.Nuova = f
	f.Dialog.Show()
}

// salvaNuovoAgente stores the agent with its domains; the list then shows
// it (searched by its ragione sociale) and its data below.
func (u *UI) salvaNuovoAgente(s *pecAgentiScreen, f *nuovoAgenteForm) {
	a := store.Agente{RagioneSociale: f.RagioneSociale.Text, Nome: f.Nome.Text, Cognome: f.Cognome.Text,
		Email: f.Email.Text, Attivo: true}
	id, err := u.Core.Registro.SalvaAgente(u.ctx, u.Core.Operatore(), a, f.Domini.Selected)
	if err != nil {
		setEsito(f.Errore, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	setEsito(f.Errore, "", widget.DangerImportance)
	f.Dialog.Hide()
	s.Panel.Clear()
	s.Panel.Entries["ragione_sociale"].SetText(strings.TrimSpace(a.RagioneSociale))
	s.Panel.Search()
	u.caricaAgente(s, id)
	setEsito(s.Esito, lang.L("Agente {{.Nome}} inserito.", map[string]any{"Nome": strings.TrimSpace(a.RagioneSociale)}),
		widget.SuccessImportance)
}

// pacchettiAgenteWidgets builds the «Pacchetti» panel of the selected agent.
func (u *UI) pacchettiAgenteWidgets(s *pecAgentiScreen) {
	s.Pacchetti = widget.NewList(func() int { return len(s.pacchetti) },
		func() fyne.CanvasObject {
			return widget.NewLabel("Pacchetto di esempio — 1000 caselle (usate 1000) — 10 anni")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := s.pacchetti[i]
			o.(*widget.Label).SetText(lang.L("{{.Nome}} — {{.Caselle}} (usate {{.Usate}}) — {{.Durata}}",
				map[string]any{"Nome": p.Nome, "Caselle": nCaselle(p.Quantita), "Usate": p.Usate, "Durata": nAnni(p.DurataAnni)}))
		})
	s.PacchettoNome = widget.NewEntry()
	s.PacchettoQuant = widget.NewEntry()
	s.PacchettoDurata = widget.NewEntry()
	s.ErrorePacchetto = esitoLabel()
	s.NuovoPacchetto = widget.NewButtonWithIcon(lang.L("Nuovo pacchetto"), theme.ContentAddIcon(), func() { u.nuovoPacchettoAgente(s) })
}

func (u *UI) nuovoPacchettoAgente(s *pecAgentiScreen) {
	if !s.loaded {
		return
	}
	quantita, err := numeroIntero(lang.L("Quantità caselle"), s.PacchettoQuant.Text)
	var durata int
	if err == nil {
		durata, err = numeroIntero(lang.L("Durata del canone"), s.PacchettoDurata.Text)
	}
	if err == nil {
		_, err = u.Core.Registro.SalvaPacchetto(u.ctx, u.Core.Operatore(), store.Pacchetto{AgenteID: s.agente.ID,
			Nome: s.PacchettoNome.Text, Quantita: quantita, DurataAnni: durata})
	}
	if err != nil {
		setEsito(s.ErrorePacchetto, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	nome := strings.TrimSpace(s.PacchettoNome.Text)
	s.PacchettoNome.SetText("")
	s.PacchettoQuant.SetText("")
	s.PacchettoDurata.SetText("")
	u.caricaAgente(s, s.agente.ID)
	setEsito(s.Esito, lang.L("Pacchetto {{.Nome}} assegnato all'agente.", map[string]any{"Nome": nome}), widget.SuccessImportance)
}

// numeroIntero reads a whole number typed in the field named campo; an
// empty field reads as 0, left to core's checks.
func numeroIntero(campo, testo string) (int, error) {
	testo = strings.TrimSpace(testo)
	if testo == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(testo)
	if err != nil {
		return 0, registro.ErrValidazione{Campo: campo, Motivo: lang.L("indicare un numero intero")}
	}
	return n, nil
}
