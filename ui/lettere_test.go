package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/operatori"
)

func openLettere(t *testing.T, u *UI) *lettereScreen {
	t.Helper()
	u.Open("lettere")
	s, ok := u.main.Content.Objects[0].(*lettereScreen)
	if !ok {
		t.Fatalf("Lettere di accompagnamento not opened: %T", u.main.Content.Objects[0])
	}
	s.Panel.Wait()
	return s
}

// campo is the button of a merge field.
func (s *lettereScreen) campo(t *testing.T, nome string) int {
	t.Helper()
	for i, c := range lettere.Campi() {
		if c.Nome == nome {
			if s.Campi[i].Text != "{{"+nome+"}}" {
				t.Fatalf("button %d reads %q", i, s.Campi[i].Text)
			}
			return i
		}
	}
	t.Fatalf("no field %s", nome)
	return -1
}

func TestLettere(t *testing.T) {
	u := newTestUI(t)
	u.Core.SetOperatore(createAdmin(t, u))
	u.ShowMain()
	s := openLettere(t, u)

	// An empty table: the built-in template, shown as such.
	row, ok := s.Panel.Row(0)
	if s.Panel.Total() != 1 || !ok || row[colLetteraNome] != lettere.NomePredefinito || row[colLetteraTipo] != "predefinito" {
		t.Fatalf("list: %d %v", s.Panel.Total(), row)
	}
	s.Panel.OnSelect(row)
	if s.Form.Values()["testo"] != lettere.ModelloPredefinito().Testo || !s.Esito.Visible() || !s.Storico.Disabled() {
		t.Fatalf("built-in not shown: %q %v", s.Esito.Text, s.Storico.Disabled())
	}

	// A new template, fields inserted where the clerk is writing.
	test.Tap(s.Nuovo)
	e := s.Form.Entries
	test.Type(e["nome"], "Solleciti TARI")
	test.Type(e["oggetto"], "Sollecito ")
	test.Tap(s.Campi[s.campo(t, "TipoDovuto")])
	test.Type(e["testo"], "Gentile ")
	test.Tap(s.Campi[s.campo(t, "Intestazione")])
	test.Type(e["testo"], ", entro il {{Scadnza}} ")
	if e["oggetto"].Text != "Sollecito {{TipoDovuto}}" || e["testo"].Text != "Gentile {{Intestazione}}, entro il {{Scadnza}} " {
		t.Fatalf("fields inserted: %q %q", e["oggetto"].Text, e["testo"].Text)
	}
	// The mistake shows as it is typed, then on saving, and nothing is stored.
	if !s.Controllo.Visible() || s.Controllo.Text != "Testo, riga 1, colonna 36: campo sconosciuto {{Scadnza}} (forse {{Scadenza}}?)" {
		t.Fatalf("live check: %v %q", s.Controllo.Visible(), s.Controllo.Text)
	}
	test.Tap(s.Form.Toggle)
	if !s.Form.Editing() || !strings.HasPrefix(s.Form.Errore.Text, "Testo, riga 1, colonna 36: campo sconosciuto {{Scadnza}} (forse {{Scadenza}}?); campi ammessi: Intestazione,") {
		t.Fatalf("bad template saved or not explained: %v %q", s.Form.Editing(), s.Form.Errore.Text)
	}
	test.Tap(s.AnteprimaTesto)
	if !strings.HasPrefix(s.Esito.Text, "Anteprima non possibile:\nTesto, riga 1") {
		t.Fatalf("preview of a bad template: %q", s.Esito.Text)
	}
	e["testo"].SetText("Gentile {{Intestazione}},\nentro il {{Scadenza}} ")
	if s.Controllo.Visible() || s.Form.Errore.Visible() {
		t.Fatalf("still reported: %q %q", s.Controllo.Text, s.Form.Errore.Text)
	}
	// The cursor is where SetText left it, at the end: the field goes there.
	e["testo"].CursorRow, e["testo"].CursorColumn = 1, len("entro il {{Scadenza}} ")
	test.Tap(s.Campi[s.campo(t, "Importo")])
	if e["testo"].Text != "Gentile {{Intestazione}},\nentro il {{Scadenza}} {{Importo}}" {
		t.Fatalf("%q", e["testo"].Text)
	}

	// A click in the subject moves its cursor: the next field goes there.
	e["oggetto"].CursorColumn = len("Sollecito ")
	e["oggetto"].Refresh()
	test.Tap(s.Campi[s.campo(t, "Comune")])
	if e["oggetto"].Text != "Sollecito {{Comune}}{{TipoDovuto}}" {
		t.Fatalf("%q", e["oggetto"].Text)
	}
	e["oggetto"].SetText("Sollecito {{TipoDovuto}}")

	// Anteprima testo: the sample debtor's letter.
	test.Tap(s.AnteprimaTesto)
	if s.Dialogo == nil || s.OggettoAnteprima.Text != "Oggetto: Sollecito Trasporto scolastico" ||
		!strings.HasPrefix(s.TestoAnteprima.Text, "Gentile Giulia Brambilla,\nentro il ") || !strings.HasSuffix(s.TestoAnteprima.Text, " 234,50 €") {
		t.Fatalf("text preview: %q / %q", s.OggettoAnteprima.Text, s.TestoAnteprima.Text)
	}
	s.Dialogo.Hide()

	// Anteprima PDF, written where the clerk chooses.
	out := filepath.Join(t.TempDir(), "anteprima.pdf")
	s.ChooseFile = func(suggested string, chosen func(string)) {
		if suggested != "anteprima-lettera.pdf" {
			t.Errorf("suggested %q", suggested)
		}
		chosen(out)
	}
	test.Tap(s.AnteprimaPDF)
	s.bg.Wait()
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF-") || !strings.Contains(string(b), "Oggetto: Sollecito Trasporto scolastico") {
		t.Fatalf("PDF preview: %v", err)
	}
	if s.Esito.Text != "Anteprima salvata: "+out {
		t.Fatalf("%q", s.Esito.Text)
	}

	// Saved: listed after the built-in one, with its history.
	test.Tap(s.Form.Toggle)
	if s.Form.Editing() || s.Form.Errore.Visible() && s.Form.Errore.Text != "" {
		t.Fatalf("not saved: %q", s.Form.Errore.Text)
	}
	s.Panel.Wait()
	row, _ = s.Panel.Row(1)
	if s.Panel.Total() != 2 || row[colLetteraNome] != "Solleciti TARI" || row[colLetteraOggetto] != "Sollecito {{TipoDovuto}}" || row[colLetteraTipo] != "" {
		t.Fatalf("list: %d %v", s.Panel.Total(), row)
	}
	if s.Storico.Disabled() || !s.Form.Footer.Visible() {
		t.Fatal("the saved template has no history or last change")
	}
	if m := u.modelliLettera(); len(m) != 2 || m[0].Nome != lettere.NomePredefinito || m[1].Testo != "Gentile {{Intestazione}},\nentro il {{Scadenza}} {{Importo}}" {
		t.Fatalf("wizard's choice: %+v", m)
	}

	// Locked, a field button copies the field.
	test.Tap(s.Campi[s.campo(t, "CodiceAvviso")])
	if got := u.Fyne.Clipboard().Content(); got != "{{CodiceAvviso}}" || s.Esito.Text != "Campo {{CodiceAvviso}} copiato negli appunti." {
		t.Fatalf("clipboard %q, %q", got, s.Esito.Text)
	}

	// The built-in template changed and saved takes the original's place.
	row, _ = s.Panel.Row(0)
	s.Panel.OnSelect(row)
	test.Tap(s.Form.Toggle)
	e["firma"].SetText("Il Responsabile dell'Ufficio Tributi")
	test.Tap(s.Form.Toggle)
	if s.Form.Editing() {
		t.Fatalf("not saved: %q", s.Form.Errore.Text)
	}
	s.Panel.Wait()
	row, _ = s.Panel.Row(0)
	if s.Panel.Total() != 2 || row[colLetteraNome] != lettere.NomePredefinito || row[colLetteraTipo] != "" || row[colLetteraID] == "0" {
		t.Fatalf("list: %d %v", s.Panel.Total(), row)
	}
	if m, err := u.Core.Impostazioni.ModelloLettera(u.ctx, ""); err != nil || m.Firma != "Il Responsabile dell'Ufficio Tributi" {
		t.Fatalf("%+v %v", m, err)
	}
}

// Only administrators see the screen, as the other pagoPA settings.
func TestLettereSoloAmministratori(t *testing.T) {
	for _, s := range visibleScreens(operatori.RuoloSupervisore) {
		if s.ID == "lettere" {
			t.Fatal("an operator sees Lettere di accompagnamento")
		}
	}
}
