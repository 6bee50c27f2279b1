package widgets

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ConfirmDialog is a yes/no question worded as in the manuals: "SI", "NO".
type ConfirmDialog struct {
	Dialog  *dialog.CustomDialog
	Message *widget.Label
	Si, No  *widget.Button
}

// Confirm asks a question; onYes runs (on the UI goroutine) only on "SI".
func Confirm(win fyne.Window, title, message string, onYes func()) *ConfirmDialog {
	c := &ConfirmDialog{Message: widget.NewLabel(message)}
	c.Message.Wrapping = fyne.TextWrapWord
	c.Dialog = dialog.NewCustomWithoutButtons(title, c.Message, win)
	c.No = widget.NewButtonWithIcon(lang.L("NO"), theme.CancelIcon(), c.Dialog.Hide)
	c.Si = widget.NewButtonWithIcon(lang.L("SI"), theme.ConfirmIcon(), func() {
		c.Dialog.Hide()
		if onYes != nil {
			onYes()
		}
	})
	c.Si.Importance = widget.HighImportance
	c.Dialog.SetButtons([]fyne.CanvasObject{c.No, c.Si})
	c.Dialog.Resize(fyne.NewSize(420, c.Dialog.MinSize().Height))
	c.Dialog.Show()
	return c
}

// ErrorDialog shows an error to the clerk.
type ErrorDialog struct {
	Dialog  *dialog.CustomDialog
	Message *widget.Label
	Chiudi  *widget.Button
}

// ShowError shows err in Italian. Call it on the UI goroutine.
func ShowError(win fyne.Window, err error) *ErrorDialog {
	e := &ErrorDialog{Message: widget.NewLabel(ErrorText(err))}
	e.Message.Wrapping = fyne.TextWrapWord
	e.Dialog = dialog.NewCustomWithoutButtons(lang.L("Errore"), e.Message, win)
	e.Dialog.SetIcon(theme.ErrorIcon())
	e.Chiudi = widget.NewButton(lang.L("Chiudi"), e.Dialog.Hide)
	e.Dialog.SetButtons([]fyne.CanvasObject{e.Chiudi})
	e.Dialog.Resize(fyne.NewSize(420, e.Dialog.MinSize().Height))
	e.Dialog.Show()
	return e
}

// ErrorText is what the clerk reads for err. Errors from the core are
// already Italian; only the context errors of the standard library need
// wording.
func ErrorText(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return lang.L("Operazione annullata")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("Tempo scaduto: il servizio non ha risposto in tempo")
	}
	return err.Error()
}
