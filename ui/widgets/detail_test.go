package widgets

import (
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func newTestDetail(t *testing.T, onSave func(map[string]string) error) *DetailForm {
	t.Helper()
	d := NewDetailForm([]Section{
		{Title: "Dati anagrafici", Fields: []Field{
			{Key: "cognome", Label: "Cognome", Required: true},
			{Key: "nome", Label: "Nome"},
			{Key: "nascita", Label: "Data di nascita", Kind: FieldDate},
		}},
		{Title: "Pratica", Fields: []Field{
			{Key: "stato", Label: "Stato", Kind: FieldSelect, Options: []string{"Aperta", "Chiusa"}},
			{Key: "note", Label: "Note", Kind: FieldMultiline},
			{Key: "urgente", Label: "Urgente", Kind: FieldCheck},
		}},
	}, onSave)
	newWindow(t, d)
	return d
}

func enabled(d *DetailForm) (on, off int) {
	for _, e := range d.Entries {
		if e.Disabled() {
			off++
		} else {
			on++
		}
	}
	for _, s := range d.Selects {
		if s.Disabled() {
			off++
		} else {
			on++
		}
	}
	for _, c := range d.Checks {
		if c.Disabled() {
			off++
		} else {
			on++
		}
	}
	return on, off
}

func TestDetailFormEditAndSave(t *testing.T) {
	var saved []map[string]string
	fail := errors.New("Cognome: contiene caratteri non ammessi")
	d := newTestDetail(t, func(v map[string]string) error {
		saved = append(saved, v)
		if v["cognome"] == "R0ssi" {
			return fail
		}
		return nil
	})
	d.SetValues(map[string]string{"cognome": "Rossi", "nascita": "1980-04-25", "stato": "Aperta", "urgente": "true"})
	if on, _ := enabled(d); on != 0 || d.Editing() {
		t.Fatalf("%d fields editable before Abilita", on)
	}
	if d.Toggle.Text != "Abilita campi editabili" || d.Entries["nascita"].Text != "25/04/1980" {
		t.Fatalf("toggle %q, date shown %q", d.Toggle.Text, d.Entries["nascita"].Text)
	}

	test.Tap(d.Toggle)
	if on, off := enabled(d); off != 0 || on != 6 || !d.Editing() {
		t.Fatalf("after Abilita: %d enabled, %d disabled", on, off)
	}
	if d.Toggle.Text != "Disabilita campi editabili" {
		t.Fatalf("toggle says %q", d.Toggle.Text)
	}

	d.Entries["cognome"].SetText("")
	test.Type(d.Entries["cognome"], "R0ssi")
	test.Type(d.Entries["nome"], "Maria")
	d.Selects["stato"].SetSelected("Chiusa")
	test.Type(d.Entries["note"], "Richiesta del 3 marzo")
	test.Tap(d.Checks["urgente"])
	test.Tap(d.Toggle)
	if len(saved) != 1 || !d.Editing() || !d.Errore.Visible() || d.Errore.Text != fail.Error() {
		t.Fatalf("save error: saved %d, editing %v, error %q", len(saved), d.Editing(), d.Errore.Text)
	}
	if on, _ := enabled(d); on != 6 || d.Toggle.Text != "Disabilita campi editabili" {
		t.Fatal("form locked after a failed save")
	}

	d.Entries["cognome"].SetText("Rossi")
	test.Tap(d.Toggle)
	want := map[string]string{"cognome": "Rossi", "nome": "Maria", "nascita": "1980-04-25", "stato": "Chiusa",
		"note": "Richiesta del 3 marzo", "urgente": "false"}
	if len(saved) != 2 || !mapsEqual(saved[1], want) {
		t.Fatalf("saved %v\nwant  %v", saved[len(saved)-1], want)
	}
	if d.Editing() || d.Errore.Visible() || d.Toggle.Text != "Abilita campi editabili" {
		t.Fatal("form not locked after saving")
	}
	if on, _ := enabled(d); on != 0 {
		t.Fatalf("%d fields still editable", on)
	}
	if !mapsEqual(d.Values(), want) {
		t.Fatalf("Values() = %v", d.Values())
	}
}

func TestDetailFormValidatesBeforeSaving(t *testing.T) {
	calls := 0
	d := newTestDetail(t, func(map[string]string) error { calls++; return nil })
	test.Tap(d.Toggle)
	test.Tap(d.Toggle)
	if calls != 0 || !d.Editing() || d.Errore.Text != "Cognome: campo obbligatorio" {
		t.Fatalf("required: calls %d, error %q", calls, d.Errore.Text)
	}
	test.Type(d.Entries["cognome"], "Bianchi")
	test.Type(d.Entries["nascita"], "30/02/1990")
	test.Tap(d.Toggle)
	if calls != 0 || d.Errore.Text != "Data di nascita: data non valida, usare gg/mm/aaaa" {
		t.Fatalf("date: calls %d, error %q", calls, d.Errore.Text)
	}
	d.Entries["nascita"].SetText("1/3/1990")
	test.Tap(d.Toggle)
	if calls != 1 || d.Editing() || d.Values()["nascita"] != "1990-03-01" {
		t.Fatalf("valid: calls %d, editing %v, %v", calls, d.Editing(), d.Values())
	}
}

func TestDetailFormCancelRestores(t *testing.T) {
	d := newTestDetail(t, func(map[string]string) error { t.Fatal("saved on Annulla"); return nil })
	d.SetValues(map[string]string{"cognome": "Verdi", "stato": "Sospesa"})
	if d.Selects["stato"].Selected != "Sospesa" {
		t.Fatal("a value outside the options was lost")
	}
	test.Tap(d.Toggle)
	if !d.Annulla.Visible() {
		t.Fatal("no Annulla modifiche while editing")
	}
	test.Type(d.Entries["cognome"], "xxx")
	test.Tap(d.Annulla)
	if d.Editing() || d.Entries["cognome"].Text != "Verdi" || d.Annulla.Visible() {
		t.Fatalf("after Annulla: editing %v, cognome %q", d.Editing(), d.Entries["cognome"].Text)
	}
}

func TestDetailFormFooter(t *testing.T) {
	d := newTestDetail(t, nil)
	if d.Footer.Visible() {
		t.Fatal("footer shown without data")
	}
	d.SetLastChange(time.Date(2026, 3, 15, 8, 30, 0, 0, time.UTC), "Giulia Ferrari") // 09:30 in Italy
	if !d.Footer.Visible() || d.Footer.Text != "Ultima modifica: 15/03/2026 09:30 — Effettuata da: Giulia Ferrari" {
		t.Fatalf("footer %q", d.Footer.Text)
	}
}

// StackButtons: while editing «Annulla modifiche» goes under the toggle,
// so the form needs no more width than its widest button.
func TestDetailFormStackButtons(t *testing.T) {
	test.NewTempApp(t)
	d := NewDetailForm([]Section{{Fields: []Field{{Key: "codice", Label: "Codice"}}}}, nil)
	d.StackButtons = true
	w := test.NewWindow(d)
	t.Cleanup(w.Close)
	prima := d.MinSize().Width
	d.Edit()
	w.Resize(w.Canvas().Size().AddWidthHeight(1, 0)) // lay the window out again
	if !d.Annulla.Visible() || d.Annulla.Position().Y <= d.Toggle.Position().Y || d.Annulla.Position().X != d.Toggle.Position().X {
		t.Fatalf("Annulla at %v, the toggle at %v", d.Annulla.Position(), d.Toggle.Position())
	}
	if dopo, serve := d.MinSize().Width, max(d.Toggle.MinSize().Width, d.Annulla.MinSize().Width, prima); dopo > serve {
		t.Fatalf("editing, the form needs %v, its widest part %v", dopo, serve)
	}
}
