package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/assets"
	"github.com/sportello/sportello/core/operatori"
)

// loginForm is the login window's content; fields are kept for tests.
type loginForm struct {
	Username *widget.Entry
	Password *widget.Entry
	Accedi   *widget.Button
	Errore   *widget.Label
}

func brand(subtitle string) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(fyne.NewStaticResource("icon.png", assets.Icon))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(72))
	title := widget.NewLabelWithStyle("Sportello", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabelWithStyle(subtitle, fyne.TextAlignCenter, fyne.TextStyle{})
	return container.NewVBox(container.NewCenter(icon), title, sub)
}

func (u *UI) newLoginForm() *loginForm {
	f := &loginForm{
		Username: widget.NewEntry(),
		Password: widget.NewPasswordEntry(),
		Errore:   widget.NewLabel(""),
	}
	f.Username.SetPlaceHolder(lang.L("Nome utente"))
	f.Password.SetPlaceHolder(lang.L("Password"))
	f.Errore.Importance = widget.DangerImportance
	f.Errore.Wrapping = fyne.TextWrapWord
	f.Errore.Hide()
	f.Accedi = widget.NewButtonWithIcon(lang.L("Accedi"), theme.LoginIcon(), func() { u.login(f) })
	f.Accedi.Importance = widget.HighImportance
	f.Password.OnSubmitted = func(string) { u.login(f) }
	f.Username.OnSubmitted = func(string) { u.Win.Canvas().Focus(f.Password) }
	return f
}

func (u *UI) login(f *loginForm) {
	o, err := u.Core.Operatori.Login(u.ctx, f.Username.Text, f.Password.Text)
	if err != nil {
		msg := err.Error()
		if !errors.Is(err, operatori.ErrCredenziali) && !errors.Is(err, operatori.ErrDisattivato) {
			msg = lang.L("Accesso non riuscito") + ": " + msg
		}
		f.Errore.SetText(msg)
		f.Errore.Show()
		f.Password.SetText("")
		return
	}
	u.Core.SetOperatore(o)
	u.ShowMain()
}

func (u *UI) showLogin() {
	f := u.newLoginForm()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Nome utente"), f.Username),
		widget.NewFormItem(lang.L("Password"), f.Password),
	)
	card := widget.NewCard("", "", container.NewVBox(
		brand(lang.L("Accesso operatore")),
		form, f.Errore,
		container.NewHBox(layout.NewSpacer(), f.Accedi),
	))
	u.Win.SetTitle(lang.L("Sportello - Accesso"))
	u.Win.SetMainMenu(nil)
	u.Win.SetContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 400), card)))
	u.Win.Resize(fyne.NewSize(1100, 720))
	u.Win.Canvas().Focus(f.Username)
	u.Win.Show()
	u.loginForm = f
}

// primoAvvioForm creates the administrator on first run.
type primoAvvioForm struct {
	Username *widget.Entry
	Nome     *widget.Entry
	Email    *widget.Entry
	Password *widget.Entry
	Conferma *widget.Entry
	Crea     *widget.Button
	Errore   *widget.Label
}

func (u *UI) showPrimoAvvio() {
	f := &primoAvvioForm{
		Username: widget.NewEntry(), Nome: widget.NewEntry(), Email: widget.NewEntry(),
		Password: widget.NewPasswordEntry(), Conferma: widget.NewPasswordEntry(), Errore: widget.NewLabel(""),
	}
	f.Username.SetPlaceHolder("es. admin")
	f.Errore.Importance = widget.DangerImportance
	f.Errore.Wrapping = fyne.TextWrapWord
	f.Errore.Hide()
	f.Crea = widget.NewButtonWithIcon(lang.L("Crea amministratore"), theme.ConfirmIcon(), func() {
		if f.Password.Text != f.Conferma.Text {
			f.Errore.SetText(lang.L("Le due password non coincidono"))
			f.Errore.Show()
			return
		}
		o, err := u.Core.Operatori.CreaAmministratore(u.ctx, operatori.Nuovo{
			Username: f.Username.Text, Nome: f.Nome.Text, Email: f.Email.Text, Password: f.Password.Text})
		if err != nil {
			f.Errore.SetText(err.Error())
			f.Errore.Show()
			return
		}
		u.Core.SetOperatore(o)
		u.ShowMain()
	})
	f.Crea.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Nome utente"), f.Username),
		widget.NewFormItem(lang.L("Nome e cognome"), f.Nome),
		widget.NewFormItem(lang.L("E-mail"), f.Email),
		widget.NewFormItem(lang.L("Password"), f.Password),
		widget.NewFormItem(lang.L("Conferma password"), f.Conferma),
	)
	intro := widget.NewLabel(lang.L("Primo avvio: create l'account dell'amministratore, che potrà poi configurare l'ente, i servizi e gli altri operatori. La password deve avere almeno 10 caratteri, con lettere e cifre o simboli."))
	intro.Wrapping = fyne.TextWrapWord
	card := widget.NewCard("", "", container.NewVBox(brand(lang.L("Primo avvio")), intro, form, f.Errore,
		container.NewHBox(layout.NewSpacer(), f.Crea)))
	u.Win.SetTitle(lang.L("Sportello - Primo avvio"))
	u.Win.SetContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(520, 560), card)))
	u.Win.Resize(fyne.NewSize(1100, 720))
	u.Win.Show()
	u.primoAvvio = f
}

func (u *UI) showFatal(err error) {
	l := widget.NewLabel(lang.L("Impossibile avviare Sportello") + ":\n" + err.Error())
	l.Wrapping = fyne.TextWrapWord
	u.Win.SetContent(container.NewPadded(l))
	u.Win.Resize(fyne.NewSize(600, 300))
	u.Win.Show()
}
