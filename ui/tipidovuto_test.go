package ui

import (
	"context"
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

// The counter's catalogue in Tipi dovuto: a fixed amount typed the Italian
// way, the accounts, refused with the field named when the chain ufficio ›
// capitolo is broken or the amount unreadable; reopened as saved.
func TestTipiDovutoCatalogo(t *testing.T) {
	u := newTestUI(t)
	u.Core.SetOperatore(createAdmin(t, u))
	u.ShowMain()
	u.Open("tipi-dovuto")
	s := u.tipiDovuto
	s.Panel.Wait()
	test.Tap(s.Nuovo)
	e := s.Form.Entries
	test.Type(e["codice"], "LOCULI")
	test.Type(e["descrizione"], "Concessione cimiteriale - loculo trentennale")
	test.Type(e["tassonomia"], "9/0101112SP/")
	test.Type(e["iban"], "IT61G0306934070100000046011")
	test.Type(e["segregazione"], "1")
	s.Form.Checks["spontaneo"].SetChecked(true)
	test.Type(e["importo_fisso"], "1.850,0x")
	test.Type(e["capitolo"], "3010.05")
	test.Tap(s.Form.Toggle)
	if !s.Form.Editing() || !strings.HasPrefix(s.Form.Errore.Text, "Importo fisso: ") {
		t.Fatalf("bad amount: %q", s.Form.Errore.Text)
	}
	e["importo_fisso"].SetText("1.850,00")
	test.Tap(s.Form.Toggle)
	if !s.Form.Editing() || !strings.HasPrefix(s.Form.Errore.Text, "Ufficio: obbligatorio quando è indicato il capitolo") {
		t.Fatalf("chapter without office: %q", s.Form.Errore.Text)
	}
	test.Type(e["ufficio"], "CIMITERI")
	test.Tap(s.Form.Toggle)
	if s.Form.Editing() {
		t.Fatalf("not saved: %q", s.Form.Errore.Text)
	}
	td, err := u.Core.DB.TipoDovutoByCodice(context.Background(), "LOCULI")
	if err != nil || !td.Spontaneo || td.ImportoFisso != 185000 || td.Ufficio != "CIMITERI" || td.Capitolo != "3010.05" {
		t.Fatalf("stored %+v %v", td, err)
	}
	s.Panel.Wait()
	row, _ := s.Panel.Row(0)
	if row[6] != "sì" || row[7] != "1.850,00 €" || row[8] != "3010.05" {
		t.Fatalf("list: %v", row)
	}
	u.showTipoDovuto(s, row[colTipoID])
	if v := s.Form.Values(); v["importo_fisso"] != "1.850,00" || v["spontaneo"] != "true" || v["ufficio"] != "CIMITERI" {
		t.Fatalf("reopened: %v", v)
	}
}
