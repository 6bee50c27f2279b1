package ui

import (
	"context"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecAgentiScreen is Registro PEC › Gestione agenti commerciali: the
// agents searched by ragione sociale, nome, cognome and e-mail; the one
// selected shows its data (editable), can be activated or deactivated,
// and has its domains, to associate or remove. Changes are the reseller's
// only (core refuses them to an assistant, who reads).
type pecAgentiScreen struct {
	Panel       *widgets.SearchPanel
	Form        *widgets.DetailForm
	Stato       *widget.Label
	Attiva      *widget.Button
	Disattiva   *widget.Button
	Domini      *widget.List
	Dominio     *widget.Select // a domain to associate
	Associa     *widget.Button
	Rimuovi     *widget.Button // «Rimuovi dominio» the selected one, after SI/NO
	Conferma    *widgets.ConfirmDialog
	Esito       *widget.Label
	Nota        *widget.Label
	rivenditore bool

	// «Inserisci nuovo agente commerciale»: the form opens in a dialog.
	Nuovo *widget.Button
	Nuova *nuovoAgenteForm // nil until Nuovo is tapped

	// Schede: «Domini associati» and «Pacchetti» of the selected agent.
	Schede *container.AppTabs
	// «Pacchetti» of the selected agent, and «Nuovo pacchetto».
	Pacchetti       *widget.List
	PacchettoNome   *widget.Entry
	PacchettoQuant  *widget.Entry
	PacchettoDurata *widget.Entry
	NuovoPacchetto  *widget.Button
	ErrorePacchetto *widget.Label
	pacchetti       []store.Pacchetto

	agente  store.Agente
	loaded  bool
	domini  []store.Dominio
	dominio int // selected in domini, -1 none
}

const (
	colAgenteRagione = iota
	colAgenteNome
	colAgenteCognome
	colAgenteEmail
	colAgenteStato
	colAgenteID // not shown
)

func attivoLabel(b bool) string {
	if b {
		return lang.L("Attivo")
	}
	return lang.L("Disattivato")
}

func pecAgentiView(u *UI) fyne.CanvasObject {
	s := &pecAgentiScreen{dominio: -1}
	if acc, err := u.Core.Registro.Accesso(u.ctx, u.Core.Operatore()); err == nil {
		s.rivenditore = acc.Rivenditore()
	}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "ragione_sociale", Label: lang.L("Ragione sociale")},
			{Key: "nome", Label: lang.L("Nome")},
			{Key: "cognome", Label: lang.L("Cognome")},
			{Key: "email", Label: lang.L("E-mail")},
		},
		Columns: []widgets.Column{{Title: lang.L("Ragione sociale"), Width: 220}, {Title: lang.L("Nome"), Width: 130},
			{Title: lang.L("Cognome"), Width: 130}, {Title: lang.L("E-mail"), Width: 220}, {Title: lang.L("Stato"), Width: 100}},
		Source: listSource(func(ctx context.Context, f widgets.Filter) ([][]string, error) {
			list, err := u.Core.Registro.Agenti(ctx, u.Core.Operatore(), store.FiltroAgenti{RagioneSociale: f["ragione_sociale"],
				Nome: f["nome"], Cognome: f["cognome"], Email: f["email"]})
			rows := make([][]string, len(list))
			for i, a := range list {
				rows[i] = []string{a.RagioneSociale, a.Nome, a.Cognome, a.Email, attivoLabel(a.Attivo), strconv.FormatInt(a.ID, 10)}
			}
			return rows, err
		}),
	})
	s.Panel.OnSelect = func(row []string) { u.apriAgente(s, row[colAgenteID]) }
	s.Panel.OnOpen = s.Panel.OnSelect
	s.Form = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Dati dell'agente commerciale"),
		Fields: []widgets.Field{
			{Key: "ragione_sociale", Label: lang.L("Ragione sociale"), Required: true},
			{Key: "nome", Label: lang.L("Nome"), Required: true},
			{Key: "cognome", Label: lang.L("Cognome"), Required: true},
			{Key: "email", Label: lang.L("E-mail"), Required: true},
		},
	}}, func(v map[string]string) error { return u.salvaPecAgente(s, v) })
	s.Stato = widget.NewLabel("")
	s.Stato.TextStyle.Bold = true
	s.Attiva = widget.NewButtonWithIcon(lang.L("Attiva"), theme.ConfirmIcon(), func() { u.attivaPecAgente(s, true) })
	s.Disattiva = widget.NewButtonWithIcon(lang.L("Disattiva"), theme.CancelIcon(), func() { u.attivaPecAgente(s, false) })
	s.Domini = widget.NewList(func() int { return len(s.domini) },
		func() fyne.CanvasObject { return widget.NewLabel("dominio-di-esempio.it — CERTIFICATO") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			d := s.domini[i]
			o.(*widget.Label).SetText(d.Dominio + " — " + d.Stato)
		})
	s.Domini.OnSelected = func(i widget.ListItemID) {
		s.dominio = i
		setEnabled(s.Rimuovi, s.rivenditore)
	}
	s.Dominio = widget.NewSelect(nil, func(string) { setEnabled(s.Associa, s.loaded && s.rivenditore && s.Dominio.Selected != "") })
	s.Dominio.PlaceHolder = lang.L("(scegliere)")
	s.Associa = widget.NewButtonWithIcon(lang.L("Salva"), theme.ContentAddIcon(), func() { u.associaDominioAgente(s) })
	s.Rimuovi = widget.NewButtonWithIcon(lang.L("Rimuovi dominio"), theme.DeleteIcon(), func() { u.rimuoviDominioAgente(s) })
	s.Rimuovi.Importance = widget.DangerImportance
	s.Esito = esitoLabel()
	s.Nota = widget.NewLabel(lang.L("Selezionare un agente nell'elenco per i suoi dati e i suoi domini."))
	s.Nota.Wrapping = fyne.TextWrapWord
	s.Nota.Importance = widget.LowImportance
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Inserisci nuovo agente commerciale"), theme.ContentAddIcon(), func() { u.nuovoAgente(s) })
	s.Nuovo.Importance = widget.HighImportance
	u.pacchettiAgenteWidgets(s)
	if !s.rivenditore {
		s.Nuovo.Hide()
		s.PacchettoNome.Disable()
		s.PacchettoQuant.Disable()
		s.PacchettoDurata.Disable()
		s.NuovoPacchetto.Hide()
		s.Form.Toggle.Hide()
		s.Attiva.Hide()
		s.Disattiva.Hide()
		s.Associa.Hide()
		s.Dominio.Hide()
		s.Rimuovi.Hide()
	}
	u.pecAgenti = s
	u.mostraAgente(s)
	s.Panel.Search()

	dati := container.NewBorder(container.NewVBox(container.NewHBox(s.Nuovo, layout.NewSpacer()), s.Nota,
		pulsanti(container.NewHBox(s.Stato, layout.NewSpacer(), s.Attiva, s.Disattiva))), nil, nil, nil, s.Form)
	// The reseller's actions on domains and packages; an assistant reads
	// the lists only.
	azioniDomini := container.NewVBox(pulsanti(container.NewBorder(nil, nil, widget.NewLabel(lang.L("Associa dominio")), s.Associa, s.Dominio)),
		pulsanti(container.NewHBox(s.Rimuovi, layout.NewSpacer())))
	nuovoPacchetto := container.NewVBox(widget.NewForm(
		widget.NewFormItem(lang.L("Nome pacchetto"), s.PacchettoNome),
		widget.NewFormItem(lang.L("Quantità caselle"), s.PacchettoQuant),
		widget.NewFormItem(lang.L("Durata del canone (anni)"), s.PacchettoDurata)),
		s.ErrorePacchetto, pulsanti(container.NewHBox(layout.NewSpacer(), s.NuovoPacchetto)))
	setVisible(azioniDomini, s.rivenditore)
	setVisible(nuovoPacchetto, s.rivenditore)
	domini := container.NewBorder(nil, azioniDomini, nil, nil, s.Domini)
	pacchetti := container.NewBorder(nil, nuovoPacchetto, nil, nil, s.Pacchetti)
	s.Schede = container.NewAppTabs(container.NewTabItem(lang.L("Domini associati"), domini),
		container.NewTabItem(lang.L("Pacchetti"), pacchetti))
	bottom := container.NewHSplit(container.NewPadded(dati), s.Schede)
	bottom.Offset = 0.55
	split := container.NewVSplit(s.Panel, container.NewBorder(s.Esito, nil, nil, nil, bottom))
	split.Offset = 0.45
	return split
}

func (u *UI) apriAgente(s *pecAgentiScreen, idText string) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return
	}
	u.caricaAgente(s, id)
}

// caricaAgente reads the agent and its domains again.
func (u *UI) caricaAgente(s *pecAgentiScreen, id int64) {
	op := u.Core.Operatore()
	list, err := u.Core.Registro.Agenti(u.ctx, op, store.FiltroAgenti{})
	var domini []store.Dominio
	var pacchetti []store.Pacchetto
	if err == nil {
		domini, err = u.Core.Registro.DominiAgente(u.ctx, op, id)
	}
	if err == nil {
		pacchetti, err = u.Core.Registro.PacchettiAgente(u.ctx, op, id)
	}
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	i := slices.IndexFunc(list, func(a store.Agente) bool { return a.ID == id })
	if i < 0 {
		return
	}
	if s.Form.Editing() {
		s.Form.Cancel()
	}
	s.agente, s.loaded, s.domini, s.pacchetti = list[i], true, domini, pacchetti
	u.mostraAgente(s)
}

func (u *UI) mostraAgente(s *pecAgentiScreen) {
	a := s.agente
	s.dominio = -1
	s.Domini.UnselectAll()
	s.Domini.Refresh()
	s.Rimuovi.Disable()
	s.Associa.Disable()
	s.Dominio.ClearSelected()
	s.Pacchetti.Refresh()
	setEsito(s.ErrorePacchetto, "", widget.DangerImportance)
	setEnabled(s.NuovoPacchetto, s.loaded && s.rivenditore)
	setVisible(s.Nota, !s.loaded)
	if s.rivenditore {
		attivaModifica(s.Form, s.loaded)
	}
	if !s.loaded {
		s.Form.SetValues(nil)
		s.Stato.SetText("")
		s.Attiva.Disable()
		s.Disattiva.Disable()
		s.Dominio.SetOptions(nil)
		return
	}
	s.Form.SetValues(map[string]string{"ragione_sociale": a.RagioneSociale, "nome": a.Nome, "cognome": a.Cognome, "email": a.Email})
	s.Stato.SetText(lang.L("Stato") + ": " + attivoLabel(a.Attivo))
	setEnabled(s.Attiva, !a.Attivo)
	setEnabled(s.Disattiva, a.Attivo)
	var opts []string
	if s.rivenditore {
		tutti, err := u.Core.Registro.Domini(u.ctx, u.Core.Operatore())
		if err != nil {
			setEsito(s.Esito, widgets.ErrorText(err), widget.DangerImportance)
		}
		for _, d := range tutti {
			if !slices.ContainsFunc(s.domini, func(x store.Dominio) bool { return x.ID == d.ID }) {
				opts = append(opts, d.Dominio)
			}
		}
	}
	s.Dominio.SetOptions(opts)
}

func (u *UI) salvaPecAgente(s *pecAgentiScreen, v map[string]string) error {
	a := s.agente
	a.RagioneSociale, a.Nome, a.Cognome, a.Email = v["ragione_sociale"], v["nome"], v["cognome"], v["email"]
	if _, err := u.Core.Registro.SalvaAgente(u.ctx, u.Core.Operatore(), a, nil); err != nil {
		return err
	}
	u.caricaAgente(s, a.ID)
	s.Panel.Reload()
	setEsito(s.Esito, lang.L("Dati dell'agente salvati."), widget.SuccessImportance)
	return nil
}

func (u *UI) attivaPecAgente(s *pecAgentiScreen, attivo bool) {
	if !s.loaded {
		return
	}
	a := s.agente
	a.Attivo = attivo
	if _, err := u.Core.Registro.SalvaAgente(u.ctx, u.Core.Operatore(), a, nil); err != nil {
		setEsito(s.Esito, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	u.caricaAgente(s, a.ID)
	s.Panel.Reload()
	msg := lang.L("Agente {{.Nome}} attivato.", map[string]any{"Nome": a.RagioneSociale})
	if !attivo {
		msg = lang.L("Agente {{.Nome}} disattivato: non può ricevere nuove caselle.", map[string]any{"Nome": a.RagioneSociale})
	}
	setEsito(s.Esito, msg, widget.SuccessImportance)
}

func (u *UI) associaDominioAgente(s *pecAgentiScreen) {
	dom := s.Dominio.Selected
	if !s.loaded || dom == "" {
		return
	}
	if _, err := u.Core.Registro.SalvaAgente(u.ctx, u.Core.Operatore(), s.agente, []string{dom}); err != nil {
		setEsito(s.Esito, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	u.caricaAgente(s, s.agente.ID)
	setEsito(s.Esito, lang.L("Dominio {{.Dominio}} associato all'agente.", map[string]any{"Dominio": dom}), widget.SuccessImportance)
}

func (u *UI) rimuoviDominioAgente(s *pecAgentiScreen) {
	if !s.loaded || s.dominio < 0 || s.dominio >= len(s.domini) {
		return
	}
	dom, a := s.domini[s.dominio].Dominio, s.agente
	s.Conferma = widgets.Confirm(u.Win, lang.L("Rimuovi dominio"),
		lang.L("Rimuovere il dominio {{.Dominio}} dall'agente {{.Agente}}?", map[string]any{"Dominio": dom, "Agente": a.RagioneSociale}),
		func() {
			if err := u.Core.Registro.RimuoviDominioAgente(u.ctx, u.Core.Operatore(), a.ID, dom); err != nil {
				setEsito(s.Esito, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			u.caricaAgente(s, a.ID)
			setEsito(s.Esito, lang.L("Dominio {{.Dominio}} rimosso dall'agente.", map[string]any{"Dominio": dom}), widget.SuccessImportance)
		})
}
