package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/ui/widgets"
)

// showStorico is "Visualizzazione storico": who changed what and when.
func (u *UI) showStorico(title, entity, id string) {
	hist, err := u.Core.Storico(u.ctx, entity, id)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	headers := []string{lang.L("Data e ora"), lang.L("Operatore"), lang.L("Azione"), lang.L("Campo"), lang.L("Prima"), lang.L("Dopo")}
	widths := []float32{140, 110, 90, 130, 180, 180}
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(hist), len(headers) },
		func() fyne.CanvasObject { l := widget.NewLabel(""); l.Truncation = fyne.TextTruncateEllipsis; return l },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			e := hist[id.Row]
			v := []string{e.At.In(widgets.Zone).Format("02/01/2006 15:04:05"), e.Operatore, string(e.Azione), e.Campo, e.Prima, e.Dopo}
			o.(*widget.Label).SetText(v[id.Col])
		})
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(headers[id.Col])
		} else {
			o.(*widget.Label).SetText("")
		}
	}
	t.ShowHeaderColumn = false
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	var content fyne.CanvasObject = t
	if len(hist) == 0 {
		content = widget.NewLabel(lang.L("Nessuna modifica registrata."))
	}
	d := dialog.NewCustom(lang.L("Visualizzazione storico")+" — "+title, lang.L("Chiudi"), container.NewStack(content), u.Win)
	d.Resize(fyne.NewSize(900, 480))
	d.Show()
}
