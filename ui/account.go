package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// accountForm lets operators change their own password.
type accountForm struct {
	Attuale, Nuova, Conferma *widget.Entry
	Salva                    *widget.Button
	Esito                    *widget.Label
}

func accountView(u *UI) fyne.CanvasObject {
	op := u.Core.Operatore()
	f := &accountForm{Attuale: widget.NewPasswordEntry(), Nuova: widget.NewPasswordEntry(),
		Conferma: widget.NewPasswordEntry(), Esito: widget.NewLabel("")}
	f.Esito.Wrapping = fyne.TextWrapWord
	f.Salva = widget.NewButtonWithIcon(lang.L("Cambia password"), theme.ConfirmIcon(), func() {
		if f.Nuova.Text != f.Conferma.Text {
			f.Esito.Importance = widget.DangerImportance
			f.Esito.SetText(lang.L("Le due password non coincidono"))
			return
		}
		if err := u.Core.Operatori.CambiaPassword(u.ctx, op, f.Attuale.Text, f.Nuova.Text); err != nil {
			f.Esito.Importance = widget.DangerImportance
			f.Esito.SetText(err.Error())
			return
		}
		f.Attuale.SetText("")
		f.Nuova.SetText("")
		f.Conferma.SetText("")
		f.Esito.Importance = widget.SuccessImportance
		f.Esito.SetText(lang.L("Password cambiata."))
	})
	f.Salva.Importance = widget.HighImportance
	u.account = f
	info := widget.NewForm(
		widget.NewFormItem(lang.L("Nome utente"), widget.NewLabel(op.Username)),
		widget.NewFormItem(lang.L("Nome e cognome"), widget.NewLabel(op.Nome)),
		widget.NewFormItem(lang.L("E-mail"), widget.NewLabel(op.Email)),
		widget.NewFormItem(lang.L("Ruolo"), widget.NewLabel(op.Ruolo.Label())),
	)
	pw := widget.NewForm(
		widget.NewFormItem(lang.L("Password attuale"), f.Attuale),
		widget.NewFormItem(lang.L("Nuova password"), f.Nuova),
		widget.NewFormItem(lang.L("Conferma password"), f.Conferma),
	)
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewCard(lang.L("Dati dell'account"), "", info),
		widget.NewCard(lang.L("Cambio password"), "", container.NewVBox(pw, f.Esito, container.NewHBox(layout.NewSpacer(), f.Salva))),
	)))
}
