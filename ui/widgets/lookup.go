package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// LookupField is an entry with the magnifier button ("lentina") that opens
// a search over a Source; double-clicking a row, or "Seleziona", picks it.
// The field keeps a value (e.g. a code) and shows a display text (e.g. a
// name), each taken from a column of the picked row. Text typed by hand
// becomes both value and display.
type LookupField struct {
	widget.DisableableWidget
	Entry   *widget.Entry
	Lentina *widget.Button

	// While the dialog is open: its search panel and buttons.
	Panel     *SearchPanel
	Seleziona *widget.Button
	Chiudi    *widget.Button
	Dialog    *dialog.CustomDialog

	// OnChanged is called after a pick or a change typed by hand.
	OnChanged func(value, display string)

	win                  fyne.Window
	title                string
	cfg                  SearchConfig
	valueCol, displayCol int
	value, display       string
	setting              bool
}

// NewLookupField builds a lookup over cfg (its Source, Fields and Columns;
// OnOpen and Export are ignored). valueCol and displayCol are the columns
// of the picked row that become the value and the text shown.
func NewLookupField(win fyne.Window, title string, cfg SearchConfig, valueCol, displayCol int) *LookupField {
	cfg.OnOpen, cfg.Export = nil, nil
	l := &LookupField{win: win, title: title, cfg: cfg, valueCol: valueCol, displayCol: displayCol,
		Entry: widget.NewEntry()}
	l.Entry.OnChanged = func(s string) {
		if l.setting {
			return
		}
		l.value, l.display = s, s
		if l.OnChanged != nil {
			l.OnChanged(s, s)
		}
	}
	l.Entry.OnSubmitted = func(string) { l.Open() }
	l.Lentina = widget.NewButtonWithIcon("", theme.SearchIcon(), l.Open)
	l.ExtendBaseWidget(l)
	return l
}

func (l *LookupField) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, l.Lentina, l.Entry))
}

// Value is the picked value (or the text typed).
func (l *LookupField) Value() string { return l.value }

// Display is the text shown.
func (l *LookupField) Display() string { return l.display }

// SetValue sets value and display text without calling OnChanged.
func (l *LookupField) SetValue(value, display string) {
	l.value, l.display = value, display
	l.setting = true
	l.Entry.SetText(display)
	l.setting = false
}

// Open shows the search dialog and lists at once (the count only: rows
// come as they are shown).
func (l *LookupField) Open() {
	if l.Disabled() {
		return
	}
	l.Panel = NewSearchPanel(l.win, l.cfg)
	l.Panel.OnOpen = l.Pick
	l.Seleziona = widget.NewButtonWithIcon(lang.L("Seleziona"), theme.ConfirmIcon(), func() {
		if row, ok := l.Panel.Selected(); ok {
			l.Pick(row)
		}
	})
	l.Seleziona.Importance = widget.HighImportance
	l.Seleziona.Disable()
	l.Panel.OnSelect = func([]string) { l.Seleziona.Enable() }
	l.Dialog = dialog.NewCustomWithoutButtons(l.title, l.Panel, l.win)
	l.Dialog.SetOnClosed(l.Panel.Cancel)
	l.Chiudi = widget.NewButtonWithIcon(lang.L("Chiudi"), theme.CancelIcon(), l.Dialog.Hide)
	l.Dialog.SetButtons([]fyne.CanvasObject{l.Chiudi, l.Seleziona})
	l.Dialog.Resize(fyne.NewSize(760, 520))
	l.Dialog.Show()
	l.Panel.Search()
}

// Pick fills the field from a row of the search and closes the dialog.
func (l *LookupField) Pick(row []string) {
	col := func(i int) string {
		if i >= 0 && i < len(row) {
			return row[i]
		}
		return ""
	}
	l.SetValue(col(l.valueCol), col(l.displayCol))
	if l.Dialog != nil {
		l.Dialog.Hide()
	}
	if l.OnChanged != nil {
		l.OnChanged(l.value, l.display)
	}
}

// Enable and Disable switch both the entry and the lentina.
func (l *LookupField) Enable() {
	l.DisableableWidget.Enable()
	l.Entry.Enable()
	l.Lentina.Enable()
}

func (l *LookupField) Disable() {
	l.DisableableWidget.Disable()
	l.Entry.Disable()
	l.Lentina.Disable()
}
