package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecInfoScreen is Registro PEC › Info Servizio: the summary of the
// services activated, within what the operator may see (an assistant: the
// records inserted from their own account).
type pecInfoScreen struct {
	Accesso   *widget.Label // "Rivenditore" or "Assistente: …"
	Stati     map[string]*widget.Label
	Totale    *widget.Label
	Pacchetti *widget.Label
	Outbox    *widget.Label
	Errore    *widget.Label
	Aggiorna  *widget.Button
	cards     *fyne.Container
}

// statiCasella are the states of a mailbox, in their life order.
var statiCasella = []string{store.CasellaInAttesa, store.CasellaAttiva, store.CasellaSospesa, store.CasellaCessata}

func statoCasellaLabel(s string) string {
	switch s {
	case store.CasellaInAttesa:
		return lang.L("In attesa di attivazione")
	case store.CasellaAttiva:
		return lang.L("Attiva")
	case store.CasellaSospesa:
		return lang.L("Sospesa")
	case store.CasellaCessata:
		return lang.L("Cessata")
	}
	return s
}

func pecInfoView(u *UI) fyne.CanvasObject {
	s := &pecInfoScreen{Accesso: widget.NewLabel(""), Stati: map[string]*widget.Label{}, Totale: widget.NewLabel(""),
		Pacchetti: widget.NewLabel(""), Outbox: widget.NewLabel(""), Errore: widget.NewLabel("")}
	s.Accesso.TextStyle.Bold = true
	s.Accesso.Wrapping = fyne.TextWrapWord
	s.Errore.Importance = widget.DangerImportance
	s.Errore.Wrapping = fyne.TextWrapWord
	s.Errore.Hide()
	s.Pacchetti.Wrapping = fyne.TextWrapWord
	s.Outbox.Wrapping = fyne.TextWrapWord
	caselle := widget.NewForm()
	for _, st := range statiCasella {
		s.Stati[st] = widget.NewLabel("0")
		caselle.Append(statoCasellaLabel(st), s.Stati[st])
	}
	s.Totale.TextStyle.Bold = true
	caselle.Append(lang.L("Totale"), s.Totale)
	op := u.Core.Operatore()
	utente := widget.NewForm(widget.NewFormItem(lang.L("Nome utente"), widget.NewLabel(op.Username)),
		widget.NewFormItem(lang.L("Profilo"), s.Accesso))
	s.cards = container.NewGridWithColumns(2,
		widget.NewCard(lang.L("Accesso al registro"), "", utente),
		widget.NewCard(lang.L("Caselle PEC per stato"), "", caselle),
		widget.NewCard(lang.L("Pacchetti"), "", s.Pacchetti),
		widget.NewCard(lang.L("Sincronizzazione con il gestore"), "", s.Outbox),
	)
	s.Aggiorna = widget.NewButtonWithIcon(lang.L("Aggiorna"), theme.ViewRefreshIcon(), func() { u.refreshPecInfo(s) })
	u.pecInfo = s
	u.refreshPecInfo(s)
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		container.NewHBox(s.Aggiorna, layout.NewSpacer()), s.Errore, s.cards)))
}

// refreshPecInfo reads the summary again (a quick local count).
func (u *UI) refreshPecInfo(s *pecInfoScreen) {
	op := u.Core.Operatore()
	acc, err := u.Core.Registro.Accesso(u.ctx, op)
	var info store.RiepilogoRegistro
	if err == nil {
		info, err = u.Core.Registro.InfoServizio(u.ctx, op)
	}
	if err != nil {
		s.Errore.SetText(widgets.ErrorText(err))
		s.Errore.Show()
		s.cards.Hide()
		return
	}
	s.Errore.Hide()
	s.cards.Show()
	if acc.Rivenditore() {
		s.Accesso.SetText(lang.L("Rivenditore (postmaster): tutte le caselle del registro"))
	} else {
		a := acc.Assistente
		s.Accesso.SetText(lang.L("Assistente: {{.Nome}}, solo i record inseriti da questo account",
			map[string]any{"Nome": a.Nome + " " + a.Cognome}))
	}
	tot := 0
	for _, st := range statiCasella {
		s.Stati[st].SetText(widgets.FormatInt(info.Caselle[st]))
		tot += info.Caselle[st]
	}
	s.Totale.SetText(widgets.FormatInt(tot))
	switch {
	case acc.Rivenditore():
		s.Pacchetti.SetText(lang.L("Caselle nei pacchetti degli agenti: {{.Usate}} su {{.Totale}}.",
			map[string]any{"Usate": widgets.FormatInt(info.PacchettiUsati), "Totale": widgets.FormatInt(info.PacchettiTotale)}))
	case acc.Assistente.GestioneAPacchetti:
		s.Pacchetti.SetText(lang.L("Caselle usate dei pacchetti attivi: {{.Usate}} su {{.Totale}}.",
			map[string]any{"Usate": widgets.FormatInt(info.PacchettiUsati), "Totale": widgets.FormatInt(info.PacchettiTotale)}))
	default:
		s.Pacchetti.SetText(lang.L("Senza gestione a pacchetti: le richieste non hanno limite numerico.") + " " +
			fmt.Sprintf("%s: %s", lang.L("Caselle in uso"), widgets.FormatInt(info.PacchettiUsati)))
	}
	s.Outbox.SetText(plurale(info.OutboxPendenti, lang.L("Modifiche da sincronizzare: 1, in attesa di invio al gestore."),
		lang.L("Modifiche da sincronizzare: {{.N}}, in attesa di invio al gestore.", map[string]any{"N": widgets.FormatInt(info.OutboxPendenti)})))
}
