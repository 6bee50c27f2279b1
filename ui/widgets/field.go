package widgets

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// FieldKind is the kind of input a Field gets.
type FieldKind int

const (
	FieldText FieldKind = iota
	FieldMultiline
	FieldSelect
	FieldDate // typed dd/mm/yyyy, exchanged as yyyy-mm-dd
	FieldCheck
	FieldPassword // hidden while typed; an empty one means "unchanged"
)

// Field is one input of a search filter or of a detail form.
//
// Values are exchanged as strings: dates as yyyy-mm-dd (shown and typed
// as dd/mm/yyyy), checks as "true"/"false", selects as the chosen option.
type Field struct {
	Key         string
	Label       string
	Kind        FieldKind
	Options     []string // FieldSelect
	Required    bool
	Placeholder string
}

// isoDate is how dates travel between widgets and the core.
const isoDate = "2006-01-02"

// itDate is how clerks read and type dates.
const itDate = "02/01/2006"

// ParseItalianDate reads a dd/mm/yyyy date (one-digit day and month allowed).
func ParseItalianDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range []string{itDate, "2/1/2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var errDate = errors.New("invalid date")

// input is the widget behind one Field.
type input struct {
	field Field
	entry *widget.Entry
	sel   *widget.Select
	check *widget.Check
}

func newInput(f Field) *input {
	in := &input{field: f}
	switch f.Kind {
	case FieldSelect:
		in.sel = widget.NewSelect(f.Options, nil)
		in.sel.PlaceHolder = f.Placeholder
		if in.sel.PlaceHolder == "" {
			in.sel.PlaceHolder = lang.L("(scegliere)")
		}
	case FieldCheck:
		in.check = widget.NewCheck("", nil)
	default:
		switch f.Kind {
		case FieldMultiline:
			in.entry = widget.NewMultiLineEntry()
			in.entry.Wrapping = fyne.TextWrapWord
			in.entry.SetMinRowsVisible(3)
		case FieldPassword:
			in.entry = widget.NewPasswordEntry()
		default:
			in.entry = widget.NewEntry()
		}
		in.entry.SetPlaceHolder(f.Placeholder)
		if f.Kind == FieldDate {
			if f.Placeholder == "" {
				in.entry.SetPlaceHolder(lang.L("gg/mm/aaaa"))
			}
			in.entry.Validator = func(s string) error {
				if strings.TrimSpace(s) == "" {
					return nil
				}
				if _, ok := ParseItalianDate(s); !ok {
					return errors.New(lang.L("data non valida, usare gg/mm/aaaa"))
				}
				return nil
			}
		}
	}
	return in
}

func (in *input) object() fyne.CanvasObject {
	switch {
	case in.sel != nil:
		return in.sel
	case in.check != nil:
		return in.check
	}
	return in.entry
}

// value is the field's value in exchange format; err is errDate for an
// unreadable date.
func (in *input) value() (string, error) {
	switch {
	case in.sel != nil:
		return in.sel.Selected, nil
	case in.check != nil:
		if in.check.Checked {
			return "true", nil
		}
		return "false", nil
	}
	s := strings.TrimSpace(in.entry.Text)
	if in.field.Kind == FieldDate && s != "" {
		t, ok := ParseItalianDate(s)
		if !ok {
			return in.entry.Text, errDate
		}
		return t.Format(isoDate), nil
	}
	if in.field.Kind == FieldMultiline {
		return strings.TrimRight(in.entry.Text, " \n\t"), nil
	}
	return s, nil
}

// empty tells whether the clerk left the field blank (an unchecked box
// counts as blank).
func (in *input) empty() bool {
	switch {
	case in.sel != nil:
		return in.sel.Selected == ""
	case in.check != nil:
		return !in.check.Checked
	}
	return strings.TrimSpace(in.entry.Text) == ""
}

func (in *input) set(v string) {
	switch {
	case in.sel != nil:
		in.sel.Selected = v // also values no longer among the options
		in.sel.Refresh()
	case in.check != nil:
		in.check.SetChecked(v == "true" || v == "1" || v == "si" || v == "sì")
	default:
		if in.field.Kind == FieldDate {
			if t, err := time.Parse(isoDate, v); err == nil {
				v = t.Format(itDate)
			} else if t, err := time.Parse(time.RFC3339, v); err == nil {
				v = t.Local().Format(itDate)
			}
		}
		in.entry.SetText(v)
	}
}

func (in *input) clear() {
	switch {
	case in.sel != nil:
		in.sel.ClearSelected()
	case in.check != nil:
		in.check.SetChecked(false)
	default:
		in.entry.SetText("")
	}
}

func (in *input) setEnabled(on bool) {
	w := in.object().(fyne.Disableable)
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// inputs is an ordered set of inputs with the handles tests need.
type inputs struct {
	list    []*input
	Entries map[string]*widget.Entry
	Selects map[string]*widget.Select
	Checks  map[string]*widget.Check
}

func newInputs(fields []Field) inputs {
	is := inputs{Entries: map[string]*widget.Entry{}, Selects: map[string]*widget.Select{}, Checks: map[string]*widget.Check{}}
	for _, f := range fields {
		in := newInput(f)
		is.list = append(is.list, in)
		switch {
		case in.sel != nil:
			is.Selects[f.Key] = in.sel
		case in.check != nil:
			is.Checks[f.Key] = in.check
		default:
			is.Entries[f.Key] = in.entry
		}
	}
	return is
}
