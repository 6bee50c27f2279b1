package widgets

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestLookupFieldPicksARow(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	src := &fakeSource{n: 8_000}
	l := NewLookupField(w, "Cerca pratica", SearchConfig{Source: src, Columns: testColumns,
		Fields: []Field{{Key: "cognome", Label: "Cognome"}}}, 0, 1)
	w.SetContent(l)
	w.Resize(testSize)
	var changes [][2]string
	l.OnChanged = func(v, d string) { changes = append(changes, [2]string{v, d}) }

	test.Tap(l.Lentina)
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}
	l.Panel.Wait()
	if l.Panel.Status.Text != "8.000 risultati" || !l.Seleziona.Disabled() {
		t.Fatalf("dialog: %q, Seleziona enabled %v", l.Panel.Status.Text, !l.Seleziona.Disabled())
	}
	test.DoubleTap(l.Panel.CellAt(7, 2))
	if l.Value() != "000007" || l.Display() != "Cognome 7" || l.Entry.Text != "Cognome 7" {
		t.Fatalf("after double tap: %q %q %q", l.Value(), l.Display(), l.Entry.Text)
	}
	if !slices.Equal(changes, [][2]string{{"000007", "Cognome 7"}}) {
		t.Fatalf("OnChanged %v", changes)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("dialog not closed")
	}

	// Second way: select, then Seleziona, on a far row.
	test.Tap(l.Lentina)
	l.Panel.Wait()
	l.Panel.ShowRow(6_543)
	l.Panel.Wait()
	test.Tap(l.Panel.CellAt(6_543, 0))
	if l.Seleziona.Disabled() {
		t.Fatal("Seleziona disabled with a row selected")
	}
	test.Tap(l.Seleziona)
	if l.Value() != "006543" || l.Display() != "Cognome 6543" || len(changes) != 2 {
		t.Fatalf("after Seleziona: %q %q (%d changes)", l.Value(), l.Display(), len(changes))
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("dialog not closed")
	}
	if got := src.fetched(); !slices.Equal(got, []int{0, 0, 6_400}) {
		t.Fatalf("lookup fetched %v", got)
	}

	// Typing by hand sets both value and display.
	l.Entry.SetText("")
	test.Type(l.Entry, "F205")
	if l.Value() != "F205" || changes[len(changes)-1] != [2]string{"F205", "F205"} {
		t.Fatalf("typed: %q %v", l.Value(), changes[len(changes)-1])
	}
	l.Disable()
	if !l.Entry.Disabled() || !l.Lentina.Disabled() {
		t.Fatal("Disable left the lookup usable")
	}
}
