package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/ui/widgets"
)

// enteScreen is Impostazioni → Ente: everyone reads it, administrators edit it.
type enteScreen struct {
	Form    *widgets.DetailForm
	Storico *widget.Button
}

func enteView(u *UI) fyne.CanvasObject {
	s := &enteScreen{}
	s.Form = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Dati dell'ente"),
		Fields: []widgets.Field{
			{Key: "denominazione", Label: lang.L("Denominazione"), Required: true},
			{Key: "codice_fiscale", Label: lang.L("Codice fiscale"), Required: true},
			{Key: "codice_ipa", Label: lang.L("Codice IPA")},
			{Key: "settore", Label: lang.L("Settore / ufficio")},
			{Key: "indirizzo", Label: lang.L("Indirizzo")},
		},
	}}, func(v map[string]string) error {
		err := u.Core.Impostazioni.SalvaEnte(u.ctx, u.Core.Operatore(), impostazioni.Ente{
			Denominazione: v["denominazione"], CodiceFiscale: v["codice_fiscale"], CodiceIPA: v["codice_ipa"],
			Settore: v["settore"], Indirizzo: v["indirizzo"]})
		if err == nil {
			u.refreshEnte(s)
		}
		return err
	})
	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		u.showStorico(lang.L("Ente"), "ente", "1")
	})
	if !u.Core.Operatore().Ruolo.Almeno(operatori.RuoloAmministratore) {
		s.Form.Toggle.Hide()
	}
	u.refreshEnte(s)
	u.ente = s
	return container.NewPadded(container.NewBorder(container.NewHBox(s.Storico, layout.NewSpacer()), nil, nil, nil, s.Form))
}

func (u *UI) refreshEnte(s *enteScreen) {
	e, err := u.Core.Impostazioni.Ente(u.ctx)
	if err != nil {
		// Not configured yet: an administrator starts editing straight away.
		if u.Core.Operatore().Ruolo.Almeno(operatori.RuoloAmministratore) && !s.Form.Editing() {
			s.Form.Edit()
		}
		return
	}
	s.Form.SetValues(map[string]string{"denominazione": e.Denominazione, "codice_fiscale": e.CodiceFiscale,
		"codice_ipa": e.CodiceIPA, "settore": e.Settore, "indirizzo": e.Indirizzo})
	s.Form.SetLastChange(e.ModificatoIl, e.ModificatoDa)
}
