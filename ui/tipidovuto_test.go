package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestTipiDovuto(t *testing.T) {
	u := newTestUI(t)
	u.Core.SetOperatore(createAdmin(t, u))
	u.ShowMain()
	u.Open("tipi-dovuto")
	s := u.tipiDovuto
	if s == nil {
		t.Fatal("Tipi dovuto not opened")
	}
	s.Panel.Wait()
	test.Tap(s.Nuovo)
	e := s.Form.Entries
	test.Type(e["codice"], "trasporto")
	test.Type(e["descrizione"], "Trasporto scolastico")
	test.Type(e["tassonomia"], "9/0101108TS/")
	test.Type(e["iban"], "IT61 X054 2811 1010 0000 0123 456") // wrong check digits
	test.Type(e["segregazione"], "1")
	test.Tap(s.Form.Toggle)
	if !s.Form.Editing() || !strings.Contains(s.Form.Errore.Text, "IBAN: cifre di controllo errate") {
		t.Fatalf("bad IBAN accepted or not explained: editing %v, %q", s.Form.Editing(), s.Form.Errore.Text)
	}
	e["iban"].SetText("IT60 X054 2811 1010 0000 0123 456")
	test.Tap(s.Form.Toggle)
	if s.Form.Editing() || s.Form.Errore.Visible() && s.Form.Errore.Text != "" {
		t.Fatalf("not saved: %q", s.Form.Errore.Text)
	}
	s.Panel.Wait()
	row, ok := s.Panel.Row(0)
	if s.Panel.Total() != 1 || !ok || row[colTipoCodice] != "TRASPORTO" || row[4] != "IT60X0542811101000000123456" {
		t.Fatalf("list: %d %v", s.Panel.Total(), row)
	}
	if s.Storico.Disabled() || !s.Form.Footer.Visible() {
		t.Fatal("the saved kind has no history or last change")
	}
}
