package widgets

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Section is a titled group of fields of a DetailForm.
type Section struct {
	Title  string
	Fields []Field
}

// DetailForm is the detail of a record as in the manuals: read-only until
// "Abilita campi editabili"; the same button, now "Disabilita campi
// editabili", saves through OnSave and locks the form again. On error the
// message shows under the fields and the form stays editable.
//
// Entries, Selects and Checks hold the inputs by Field.Key.
type DetailForm struct {
	widget.BaseWidget
	inputs
	Toggle  *widget.Button // "Abilita campi editabili" / "Disabilita campi editabili"
	Annulla *widget.Button // discards the changes; shown while editing
	Errore  *widget.Label
	Footer  *widget.Label // "Ultima modifica: … — Effettuata da: …"

	// OnSave stores the values; its error (Italian, may name the field)
	// is shown. It runs on the UI goroutine: keep it to a quick write.
	OnSave func(values map[string]string) error
	// OnEditing is told when the form becomes editable or locked.
	OnEditing func(editing bool)
	// StackButtons, set before the form is shown, puts «Annulla
	// modifiche» under the toggle rather than beside it: a form in a
	// narrow column then stays as narrow while editing.
	StackButtons bool

	sections []Section
	root     *fyne.Container
	editing  bool
	before   map[string]string
}

// NewDetailForm builds a locked form.
func NewDetailForm(sections []Section, onSave func(values map[string]string) error) *DetailForm {
	var all []Field
	for _, s := range sections {
		all = append(all, s.Fields...)
	}
	d := &DetailForm{inputs: newInputs(all), OnSave: onSave, sections: sections,
		Errore: widget.NewLabel(""), Footer: widget.NewLabel("")}
	d.Errore.Importance = widget.DangerImportance
	d.Errore.Wrapping = fyne.TextWrapWord
	d.Errore.Hide()
	d.Footer.Importance = widget.LowImportance
	d.Footer.Hide()
	d.Toggle = widget.NewButtonWithIcon(lang.L("Abilita campi editabili"), theme.DocumentCreateIcon(), d.toggle)
	d.Annulla = widget.NewButtonWithIcon(lang.L("Annulla modifiche"), theme.CancelIcon(), d.Cancel)
	d.Annulla.Hide()
	d.lock()
	d.ExtendBaseWidget(d)
	return d
}

// CreateRenderer lays the sections out one under the other.
func (d *DetailForm) CreateRenderer() fyne.WidgetRenderer {
	body := container.NewVBox()
	i := 0
	for _, s := range d.sections {
		form := container.New(layout.NewFormLayout())
		for range s.Fields {
			in := d.list[i]
			i++
			label := in.field.Label
			if in.field.Required {
				label += " *"
			}
			form.Add(widget.NewLabel(label))
			form.Add(in.object())
		}
		if s.Title != "" {
			body.Add(widget.NewCard("", s.Title, form))
		} else {
			body.Add(form)
		}
	}
	buttons := container.NewHBox(d.Toggle, d.Annulla, layout.NewSpacer())
	if d.StackButtons {
		buttons = container.New(stackLeft{}, d.Toggle, d.Annulla)
	}
	bottom := container.NewVBox(d.Errore, buttons, d.Footer)
	d.root = container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(body))
	return widget.NewSimpleRenderer(d.root)
}

// stackLeft lays the visible objects out one under the other, each as
// wide as it needs, on the left.
type stackLeft struct{}

func (stackLeft) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	n := 0
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
		n++
	}
	if n > 1 {
		s.Height += theme.Padding() * float32(n-1)
	}
	return s
}

func (stackLeft) Layout(objects []fyne.CanvasObject, _ fyne.Size) {
	y := float32(0)
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		o.Resize(m)
		o.Move(fyne.NewPos(0, y))
		y += m.Height + theme.Padding()
	}
}

// relayout makes room for the error, Annulla or the footer just shown or
// hidden.
func (d *DetailForm) relayout() {
	if d.root != nil {
		d.root.Refresh()
	}
}

// SetValues fills the fields; keys not in the form are ignored and
// fields without a key in v are emptied. It does not change the mode.
func (d *DetailForm) SetValues(v map[string]string) {
	for _, in := range d.list {
		if val, ok := v[in.field.Key]; ok {
			in.set(val)
		} else {
			in.clear()
		}
	}
}

// Values returns every field's value (dates yyyy-mm-dd, checks
// "true"/"false"); an unreadable date is returned as typed.
func (d *DetailForm) Values() map[string]string {
	out := make(map[string]string, len(d.list))
	for _, in := range d.list {
		out[in.field.Key], _ = in.value()
	}
	return out
}

// Editing tells whether the fields are enabled.
func (d *DetailForm) Editing() bool { return d.editing }

// Edit enables the fields, as "Abilita campi editabili" does.
func (d *DetailForm) Edit() {
	if d.editing {
		return
	}
	d.before = d.Values()
	d.editing = true
	for _, in := range d.list {
		in.setEnabled(true)
	}
	d.Toggle.SetText(lang.L("Disabilita campi editabili"))
	d.Toggle.SetIcon(theme.DocumentSaveIcon())
	d.Toggle.Importance = widget.HighImportance
	d.Toggle.Refresh()
	d.Annulla.Show()
	d.setError("")
	d.relayout()
	if d.OnEditing != nil {
		d.OnEditing(true)
	}
}

// Cancel restores the values from before editing and locks the form.
func (d *DetailForm) Cancel() {
	if !d.editing {
		return
	}
	d.SetValues(d.before)
	d.lock()
}

// Save validates the fields and calls OnSave, as the toggle button does
// while editing; on success the form locks. It returns the error shown.
func (d *DetailForm) Save() error {
	if err := d.validate(); err != nil {
		d.setError(err.Error())
		return err
	}
	if d.OnSave != nil {
		if err := d.OnSave(d.Values()); err != nil {
			d.setError(ErrorText(err))
			return err
		}
	}
	d.lock()
	return nil
}

// SetLastChange fills the footer; a zero time hides it.
func (d *DetailForm) SetLastChange(when time.Time, operatore string) {
	defer d.relayout()
	if when.IsZero() {
		d.Footer.Hide()
		return
	}
	d.Footer.SetText(lang.L("Ultima modifica: {{.Data}} — Effettuata da: {{.Operatore}}",
		map[string]any{"Data": when.In(Zone).Format("02/01/2006 15:04"), "Operatore": operatore}))
	d.Footer.Show()
}

func (d *DetailForm) toggle() {
	if d.editing {
		_ = d.Save()
		return
	}
	d.Edit()
}

func (d *DetailForm) validate() error {
	for _, in := range d.list {
		if in.field.Required && in.empty() {
			return fieldError(in.field.Label, lang.L("campo obbligatorio"))
		}
		if _, err := in.value(); err != nil {
			return fieldError(in.field.Label, lang.L("data non valida, usare gg/mm/aaaa"))
		}
	}
	return nil
}

func (d *DetailForm) lock() {
	wasEditing := d.editing
	d.editing = false
	for _, in := range d.list {
		in.setEnabled(false)
	}
	d.Toggle.SetText(lang.L("Abilita campi editabili"))
	d.Toggle.SetIcon(theme.DocumentCreateIcon())
	d.Toggle.Importance = widget.MediumImportance
	d.Toggle.Refresh()
	d.Annulla.Hide()
	d.setError("")
	d.relayout()
	if wasEditing && d.OnEditing != nil {
		d.OnEditing(false)
	}
}

func (d *DetailForm) setError(msg string) {
	d.Errore.SetText(strings.TrimSpace(msg))
	if msg == "" {
		d.Errore.Hide()
	} else {
		d.Errore.Show()
	}
	d.relayout()
}
