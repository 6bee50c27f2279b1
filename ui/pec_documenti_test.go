package ui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/store"
)

// contrattoPDF is a real one-page PDF.
func contrattoPDF(t *testing.T) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.SetFont("Helvetica", "", 14)
	p.Cell(40, 10, "Contratto di attivazione firmato")
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func scriviFile(t *testing.T, nome string, dati []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), nome)
	if err := os.WriteFile(path, dati, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// selezionaCasellaIndirizzo lists and selects one mailbox by address.
func (s *pecCaselleScreen) selezionaIndirizzo(t *testing.T, indirizzo string) {
	t.Helper()
	s.elenca(t, func() { test.Type(s.Panel.Entries["casella"], indirizzo) })
	s.Panel.SelectRow(0)
	if s.casella.Indirizzo != indirizzo {
		t.Fatalf("selected %q, want %q", s.casella.Indirizzo, indirizzo)
	}
}

func TestPecDocumenti(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	f.open(t, f.admin, "pec-caselle")
	s := f.u.pecCaselle
	s.Panel.Wait()
	if !s.CaricaDoc.Disabled() || !s.GestDoc.Disabled() {
		t.Fatal("document buttons enabled before a choice")
	}
	s.selezionaIndirizzo(t, "mario.rossi@pec-b.it")
	if s.CaricaDoc.Disabled() || s.GestDoc.Disabled() {
		t.Fatal("document buttons disabled on a selected mailbox")
	}
	d := s.Documenti
	var aperti []string
	d.OpenPDF = func(path string) error { aperti = append(aperti, path); return nil }

	// The list starts empty.
	test.Tap(s.GestDoc)
	g := d.Gestione
	if len(g.docs) != 0 || !g.Vuoto.Visible() || !g.Apri.Disabled() || !g.Salva.Disabled() {
		t.Fatalf("empty list: %d docs, vuoto %v", len(g.docs), g.Vuoto.Visible())
	}

	// A PNG renamed .pdf is refused inline, naming the reason.
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	finto := scriviFile(t, "contratto.pdf", img.Bytes())
	test.Tap(g.Carica)
	k := d.Carica
	if k.Tipo.Selected != "Contratto di attivazione firmato" || len(k.Tipo.Options) != 5 {
		t.Fatalf("kinds: %q %v", k.Tipo.Selected, k.Tipo.Options)
	}
	test.Tap(k.Carica)
	if !k.Errore.Visible() || k.Errore.Text != "Scegliere il file PDF da caricare." {
		t.Fatalf("no file: %q", k.Errore.Text)
	}
	d.ChooseOpen = func(chosen func(string)) { chosen(finto) }
	test.Tap(k.Sfoglia)
	if k.File.Text != finto {
		t.Fatalf("Sfoglia: %q", k.File.Text)
	}
	test.Tap(k.Carica)
	s.bg.Wait()
	if !k.Errore.Visible() || !strings.Contains(k.Errore.Text, "il file non è un PDF") || k.Carica.Disabled() {
		t.Fatalf("PNG as PDF: %q", k.Errore.Text)
	}
	if docs, _ := f.u.Core.Registro.Documenti(ctx, f.admin, s.casella.ID); len(docs) != 0 {
		t.Fatalf("PNG stored: %+v", docs)
	}

	// A real PDF is stored and listed.
	pdf := contrattoPDF(t)
	vero := scriviFile(t, "contratto firmato.pdf", pdf)
	k.File.SetText(vero)
	k.Tipo.SetSelected("Subentro")
	test.Tap(k.Carica)
	s.bg.Wait()
	if k.Errore.Visible() {
		t.Fatalf("real PDF refused: %q", k.Errore.Text)
	}
	if len(g.docs) != 1 || g.docs[0].Nome != "contratto firmato.pdf" || g.docs[0].Tipo != store.DocSubentro ||
		g.docs[0].Dimensione != int64(len(pdf)) || g.Vuoto.Visible() || !strings.Contains(s.Esito.Text, "contratto firmato.pdf") {
		t.Fatalf("list after upload: %+v, esito %q", g.docs, s.Esito.Text)
	}
	cella := func(row, col int) string {
		o := g.Elenco.CreateCell()
		g.Elenco.UpdateCell(widget.TableCellID{Row: row, Col: col}, o)
		return o.(*widget.Label).Text
	}
	if cella(0, 0) != "Subentro" || cella(0, 1) != "contratto firmato.pdf" || !strings.HasSuffix(cella(0, 2), "KB") ||
		!strings.HasPrefix(g.docs[0].SHA256, strings.TrimSuffix(cella(0, 4), "…")) || cella(0, 3) == "" {
		t.Fatalf("row: %q %q %q %q %q", cella(0, 0), cella(0, 1), cella(0, 2), cella(0, 3), cella(0, 4))
	}

	// «Salva…» writes the same bytes; «Apri» hands a copy to the viewer.
	g.Elenco.Select(widget.TableCellID{Row: 0, Col: 1})
	if g.Salva.Disabled() || g.Apri.Disabled() {
		t.Fatal("Apri/Salva disabled on a chosen document")
	}
	dest := filepath.Join(t.TempDir(), "copia")
	var suggerito string
	d.ChooseSave = func(s string, chosen func(string)) { suggerito = s; chosen(dest) }
	test.Tap(g.Salva)
	s.bg.Wait()
	if b, err := os.ReadFile(dest + ".pdf"); err != nil || !bytes.Equal(b, pdf) || suggerito != "contratto firmato.pdf" {
		t.Fatalf("saved: %v, same bytes %v, suggested %q (%q)", err, bytes.Equal(b, pdf), suggerito, g.Errore.Text)
	}
	test.Tap(g.Apri)
	s.bg.Wait()
	if len(aperti) != 1 {
		t.Fatalf("opened: %v (%q)", aperti, g.Errore.Text)
	}
	if b, _ := os.ReadFile(aperti[0]); !bytes.Equal(b, pdf) || !strings.HasSuffix(aperti[0], ".pdf") {
		t.Fatalf("temporary copy %q differs", aperti[0])
	}
	_ = os.Remove(aperti[0])

	// No viewer: «Apri» offers to save the file instead.
	d.OpenPDF = func(string) error { return errors.New("nessun programma") }
	dest2 := filepath.Join(t.TempDir(), "senza-visore.pdf")
	d.ChooseSave = func(_ string, chosen func(string)) { chosen(dest2) }
	test.Tap(g.Apri)
	s.bg.Wait()
	if d.Conferma == nil || !strings.Contains(d.Conferma.Message.Text, "nessun programma") {
		t.Fatal("no offer to save without a viewer")
	}
	test.Tap(d.Conferma.Si)
	s.bg.Wait()
	if b, _ := os.ReadFile(dest2); !bytes.Equal(b, pdf) {
		t.Fatal("fallback save differs")
	}

	// A content altered behind the database's back is neither opened nor saved.
	if err := f.u.Core.DB.Write(ctx, "test", func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE documenti SET contenuto = ? WHERE id = ?`, []byte("%PDF-1.4\nfalso\n%%EOF\n"), g.docs[0].ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dest3 := filepath.Join(t.TempDir(), "alterato.pdf")
	d.ChooseSave = func(_ string, chosen func(string)) { chosen(dest3) }
	test.Tap(g.Salva)
	s.bg.Wait()
	if !g.Errore.Visible() || !strings.Contains(g.Errore.Text, "risulta alterato") {
		t.Fatalf("altered: %q", g.Errore.Text)
	}
	if _, err := os.Stat(dest3); err == nil {
		t.Fatal("altered document saved")
	}
	test.Tap(g.Chiudi)
	if d.Gestione != nil {
		t.Fatal("Gestione still referenced after Chiudi")
	}
}

func TestPecDocumentiAssistente(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	// A document of the reseller's mailbox, which anna cannot see.
	f.open(t, f.admin, "pec-caselle")
	s := f.u.pecCaselle
	s.Panel.Wait()
	s.selezionaIndirizzo(t, "mario.rossi@pec-b.it")
	mario := s.casella.ID
	docID, err := f.u.Core.Registro.CaricaDocumento(ctx, f.admin, mario, store.DocContratto, "mario.pdf", contrattoPDF(t))
	if err != nil {
		t.Fatal(err)
	}

	f.open(t, f.anna, "pec-caselle")
	s = f.u.pecCaselle
	s.Panel.Wait()
	s.selezionaIndirizzo(t, "giulia@pec-a.it")
	test.Tap(s.GestDoc)
	g := s.Documenti.Gestione
	if len(g.docs) != 0 || !g.Vuoto.Visible() || g.Errore.Visible() {
		t.Fatalf("anna's mailbox: %+v %q", g.docs, g.Errore.Text)
	}
	// Her own upload is listed.
	test.Tap(g.Carica)
	s.Documenti.Carica.File.SetText(scriviFile(t, "giulia.pdf", contrattoPDF(t)))
	test.Tap(s.Documenti.Carica.Carica)
	s.bg.Wait()
	if len(g.docs) != 1 || g.docs[0].Nome != "giulia.pdf" {
		t.Fatalf("anna's upload: %+v %q", g.docs, s.Documenti.Carica.Errore.Text)
	}
	// The reseller's mailbox and document stay out of reach, through the screen too.
	if _, err := f.u.Core.Registro.Documenti(ctx, f.anna, mario); err == nil {
		t.Fatal("anna lists the documents of the reseller's mailbox")
	}
	if _, _, err := f.u.Core.Registro.Documento(ctx, f.anna, docID); err == nil {
		t.Fatal("anna reads the reseller's document")
	}
	g.casella.ID = mario
	f.u.elencaDocumenti(s, g)
	if len(g.docs) != 0 || !g.Errore.Visible() {
		t.Fatalf("forced on the reseller's mailbox: %+v %q", g.docs, g.Errore.Text)
	}
}
