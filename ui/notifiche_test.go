package ui

import (
	"fmt"
	"github.com/sportello/sportello/core/appio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/sandbox"
)

func TestArchivioNuovaNotificaInviataEVerificata(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{})
	u := e.u
	u.Open("notifiche")
	s := u.notifiche
	if s == nil {
		t.Fatal("Archivio Notifiche not opened")
	}
	e.wait(s.Panel)
	if !s.Nuovo.Visible() {
		t.Fatal("an operator allowed to send does not see Nuovo")
	}
	test.Tap(s.Nuovo)
	f := s.Form
	if f == nil {
		t.Fatal("form not shown")
	}
	if f.Servizio.Value() != e.sv.Nome {
		t.Fatalf("the only service is not preselected: %q", f.Servizio.Value())
	}
	f.Servizio.Entry.SetText("")
	cf := e.cittadini(t, 1, sandbox.CitizenEnabled)[0]
	test.Type(f.CodiceFiscale, strings.ToLower(cf))
	test.Type(f.Oggetto, "TARI")
	if f.ContaOggetto.Text != "Oggetto: 4/120" {
		t.Fatalf("subject counter %q", f.ContaOggetto.Text)
	}
	f.Contenuto.SetText(testoAvviso)
	if want := fmt.Sprintf("Contenuto: %d/10000 (min 80)", appio.JSLength(testoAvviso)); f.ContaContenuto.Text != want {
		t.Fatalf("content counter %q, want %q", f.ContaContenuto.Text, want)
	}
	if f.AnteprimaOggetto.Text != "TARI" || len(f.Anteprima.Segments) == 0 {
		t.Fatal("preview not updated")
	}
	test.Type(f.Somma, "12,5")
	test.Tap(f.Aggiungi)
	e.wait()
	if s.Detail != nil {
		t.Fatal("an invalid notification was sent")
	}
	if l := f.Errori[flussi.ColOggetto]; !l.Visible() || !strings.HasPrefix(l.Text, "Minimo 10 caratteri") {
		t.Fatalf("subject error %q", l.Text)
	}
	if l := f.Errori[flussi.ColCodiceAvviso]; !l.Visible() || !strings.Contains(l.Text, "codice avviso") {
		t.Fatalf("notice number error %q", l.Text)
	}
	if f.Errori[flussi.ColCodiceFiscale].Visible() {
		t.Fatalf("a valid fiscal code reported: %q", f.Errori[flussi.ColCodiceFiscale].Text)
	}
	if l := f.Errori[campoServizio]; !l.Visible() || !strings.Contains(l.Text, "servizio") {
		t.Fatalf("service error %q", l.Text)
	}
	test.Tap(f.Servizio.Lentina)
	f.Servizio.Panel.Wait()
	if f.Servizio.Panel.Status.Text != "1 risultato" {
		t.Fatalf("service lookup: %q", f.Servizio.Panel.Status.Text)
	}
	test.DoubleTap(f.Servizio.Panel.CellAt(0, 0))
	if f.Servizio.Value() != e.sv.Nome || f.Servizio.Entry.Text != e.sv.Nome {
		t.Fatalf("service picked: %q", f.Servizio.Value())
	}

	f.Oggetto.SetText("Avviso di pagamento TARI 2026")
	f.Somma.SetText("")
	test.Tap(f.Aggiungi)
	e.wait()
	d := s.Detail
	if d == nil {
		t.Fatalf("detail not shown after Aggiungi: %q", f.Errore.Text)
	}
	v := d.Form.Entries
	if v["stato_invio"].Text != "Inviata" || v["cf"].Text != cf || v["id_consegna"].Text == "" || v["flusso"].Text != "notifica singola" {
		t.Fatalf("detail: stato %q, cf %q, id %q", v["stato_invio"].Text, v["cf"].Text, v["id_consegna"].Text)
	}
	if d.Oggetto.Text != "Avviso di pagamento TARI 2026" || !d.Form.Footer.Visible() || d.VerificaStato.Disabled() {
		t.Fatal("detail incomplete")
	}
	if v["consegna"].Text != "" {
		t.Fatalf("delivery state before Verifica Stato: %q", v["consegna"].Text)
	}
	test.Tap(d.VerificaStato)
	e.wait()
	if v["consegna"].Text != "Recapitata (PROCESSED)" || v["verificata"].Text == "" {
		t.Fatalf("after Verifica Stato: %q (%s)", v["consegna"].Text, d.Esito.Text)
	}

	// Back to the list: the new notification is there; it opens again.
	test.Tap(d.TornaElenco)
	e.wait(s.Panel)
	if s.Panel.Total() != 1 {
		t.Fatalf("archive rows %d", s.Panel.Total())
	}
	row, _ := s.Panel.Row(0)
	if row[colArchivioCF] != cf || row[colArchivioInvio] != "Inviata" || row[colArchivioConsegna] != "Recapitata" || row[colArchivioFlusso] != "singola" {
		t.Fatalf("row %v", row)
	}
	s.Panel.Entries["cf"].SetText("RSSMRA80A01F205X")
	test.Tap(s.Panel.Elenca)
	e.wait(s.Panel)
	if s.Panel.Total() != 0 {
		t.Fatal("fiscal code filter ignored")
	}
	s.Panel.Entries["cf"].SetText(strings.ToLower(cf))
	test.Tap(s.Panel.Elenca)
	e.wait(s.Panel)
	if s.Panel.Total() != 1 {
		t.Fatal("fiscal code filter is case-sensitive")
	}

	// Esporta Excel writes the rows found.
	out := filepath.Join(t.TempDir(), "notifiche.xlsx")
	s.Panel.ChooseFile = func(_ string, chosen func(string)) { chosen(out) }
	test.Tap(s.Panel.Esporta)
	e.wait(s.Panel)
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("export: %v (%s)", err, s.Panel.ExportStatus.Text)
	}
	// Named .csv, the same export is a CSV for spreadsheets (BOM, ';').
	outCSV := filepath.Join(t.TempDir(), "notifiche.csv")
	s.Panel.ChooseFile = func(_ string, chosen func(string)) { chosen(outCSV) }
	test.Tap(s.Panel.Esporta)
	e.wait(s.Panel)
	b, err := os.ReadFile(outCSV)
	if err != nil || !strings.HasPrefix(string(b), "\ufeffUUID;") || !strings.Contains(string(b), cf) {
		t.Fatalf("CSV export: %v %.80q", err, b)
	}
}

func TestArchivioDestinatarioNonRaggiungibile(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{})
	u := e.u
	u.Open("notifiche")
	s := u.notifiche
	test.Tap(s.Nuovo)
	f := s.Form
	test.Type(f.CodiceFiscale, e.cittadini(t, 1, sandbox.CitizenNotOnIO)[0])
	test.Type(f.Oggetto, "Avviso di pagamento TARI 2026")
	f.Contenuto.SetText(testoAvviso)
	test.Tap(f.Aggiungi)
	e.wait()
	d := s.Detail
	if d == nil {
		t.Fatalf("detail not shown: %q", f.Errore.Text)
	}
	if got := d.Form.Entries["stato_invio"].Text; got != flussi.NonRaggiungibile.Label() || !d.VerificaStato.Disabled() {
		t.Fatalf("state %q", got)
	}
	if !strings.Contains(d.Esito.Text, "non inviata") {
		t.Fatalf("esito %q", d.Esito.Text)
	}
}
