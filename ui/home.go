package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/ui/widgets"
)

// homeView greets the operator and says what is set up and what is missing.
func homeView(u *UI) fyne.CanvasObject {
	op := u.Core.Operatore()
	var cards []fyne.CanvasObject

	ente, err := u.Core.Impostazioni.Ente(u.ctx)
	if err != nil {
		msg := widget.NewLabel(err.Error())
		msg.Wrapping = fyne.TextWrapWord
		var action fyne.CanvasObject = widget.NewLabel("")
		if _, ok := u.main.screens["ente"]; ok {
			action = widget.NewButtonWithIcon(lang.L("Configura l'ente"), theme.SettingsIcon(), func() { u.Open("ente") })
		}
		cards = append(cards, widget.NewCard(lang.L("Ente"), "", container.NewVBox(msg, action)))
	} else {
		cards = append(cards, widget.NewCard(ente.Denominazione, lang.L("Ente"), widget.NewForm(
			widget.NewFormItem(lang.L("Codice fiscale"), widget.NewLabel(ente.CodiceFiscale)),
			widget.NewFormItem(lang.L("Codice IPA"), widget.NewLabel(ente.CodiceIPA)),
			widget.NewFormItem(lang.L("Settore"), widget.NewLabel(ente.Settore)),
		)))
	}

	accesso := lang.L("primo accesso")
	if !op.AccessoPrecedente.IsZero() {
		accesso = op.AccessoPrecedente.In(widgets.Zone).Format("02/01/2006 15:04")
	}
	cards = append(cards, widget.NewCard(op.Nome, lang.L("Operatore"), widget.NewForm(
		widget.NewFormItem(lang.L("Nome utente"), widget.NewLabel(op.Username)),
		widget.NewFormItem(lang.L("Ruolo"), widget.NewLabel(op.Ruolo.Label())),
		widget.NewFormItem(lang.L("Accesso precedente"), widget.NewLabel(accesso)),
	)))

	servizi, err := u.Core.Impostazioni.ServiziIO(u.ctx)
	if err == nil {
		box := container.NewVBox()
		if len(servizi) == 0 {
			box.Add(widget.NewLabel(lang.L("Nessun servizio App IO configurato.")))
		}
		for _, s := range servizi {
			stato := lang.L("chiave API presente")
			imp := widget.MediumImportance
			if !s.ChiavePresente {
				stato, imp = lang.L("chiave API mancante"), widget.DangerImportance
			}
			l := widget.NewLabel(fmt.Sprintf("%s (%s) — %s", s.Nome, s.Livello, stato))
			l.Importance = imp
			box.Add(l)
		}
		backend := widget.NewLabel(lang.L("Segreti custoditi in") + ": " + u.Core.Secrets.Backend())
		backend.Wrapping = fyne.TextWrapWord
		backend.Importance = widget.LowImportance
		box.Add(backend)
		cards = append(cards, widget.NewCard(lang.L("Servizi App IO"), "", box))
	}

	if u.Core.Demo {
		l := widget.NewLabel(lang.L("Modalità dimostrativa: database separato con dati di esempio e sandbox locale che simula App IO, pagoPA (GPD) e un gestore PEC. Nessun messaggio raggiunge cittadini reali e nessun avviso è pagabile."))
		l.Wrapping = fyne.TextWrapWord
		cards = append([]fyne.CanvasObject{widget.NewCard(lang.L("Modalità dimostrativa"), u.Core.SandboxURL, l)}, cards...)
	}
	return container.NewVScroll(container.NewPadded(container.NewGridWithColumns(2, cards...)))
}
