package ui

import (
	"context"
	"fmt"
	"image/color"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// accUIFixture is a UI over a database with a day of payments imported:
// the debt records come from a MyPay CSV whose bilancio names TRIB / 1010
// / ACC-TARI (positions 0-2, due in 2026) and SCUOLA / 2020 / ACC-MENSA
// (3); positions 4 and 5 have no bilancio. Every position is paid.
type accUIFixture struct {
	u     *UI
	admin operatori.Operatore
	op    operatori.Operatore // an operatore
	cent  []int64
}

func newAccUIFixture(t *testing.T) *accUIFixture {
	t.Helper()
	u := newTestUI(t)
	f := &accUIFixture{u: u, admin: createAdmin(t, u)}
	ctx := context.Background()
	var err error
	f.op, err = u.Core.Operatori.Crea(ctx, f.admin, operatori.Nuovo{Username: "l.ricci", Nome: "Laura Ricci",
		Ruolo: operatori.RuoloOperatore, Password: "Sportello-2026", Attivo: true})
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 21, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cr := sb.GPDCredentials()
	var pos []pagopa.Posizione
	csv := "IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;civicoPagatore;" +
		"capPagatore;localitaPagatore;provinciaPagatore;nazionePagatore;mailPagatore;dataEsecuzionePagamento;importoDovuto;" +
		"commissioneCaricoPa;tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;azione\n"
	for i := range 6 {
		iuv := pagopa.IUV(pagopa.CodiceAvviso(1, uint64(700+i)))
		c := int64(3000 + 500*i)
		f.cent = append(f.cent, c)
		pos = append(pos, pagopa.Posizione{IUPD: fmt.Sprintf("ACC-UI-%02d", i), Tipo: "F", CodiceFiscale: "RSSMRA85T10A562S",
			Nome: "Mario Rossi", Ente: "Comune di Vimercate", OpzioniPagamento: []pagopa.Opzione{{IUV: iuv, Centesimi: c,
				Descrizione: "TARI 2026", Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
				Trasferimenti: []pagopa.Trasferimento{{ID: "1", Centesimi: c, Causale: "TARI 2026", Tassonomia: "9/0101100IM/",
					IBAN: "IT60X0542811101000000123456"}}}}})
		bil, scad := "", "2026-12-31"
		switch {
		case i <= 2:
			bil = "<bilancio><capitolo><codCapitolo>1010</codCapitolo><codUfficio>TRIB</codUfficio><accertamento>" +
				"<codAccertamento>ACC-TARI</codAccertamento><importo>" + euroPunto(c) + "</importo></accertamento></capitolo></bilancio>"
		case i == 3:
			bil = "<bilancio><capitolo><codCapitolo>2020</codCapitolo><codUfficio>SCUOLA</codUfficio><accertamento>" +
				"<codAccertamento>ACC-MENSA</codAccertamento><importo>" + euroPunto(c) + "</importo></accertamento></capitolo></bilancio>"
		}
		csv += fmt.Sprintf("TARI-2026-%03d;%s;F;RSSMRA85T10A562S;Mario Rossi;;;;;;;;%s;%s;;TARI;ALL;TARI 2026;;%s;I\n",
			i, iuv, scad, euroPunto(c), bil)
	}
	if err := (&pagopa.GPD{BaseURL: cr.BaseURL, Key: cr.Key}).CreaMolte(ctx, cr.OrganizationFiscalCode, pos, true); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dovuti := filepath.Join(dir, "dovuti.csv")
	if err := os.WriteFile(dovuti, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	files := []string{dovuti}
	es, err := sb.SimulaPagamenti(sandbox.ConfigPagamenti{Quota: 1, Giorno: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Seed: 4}, dir)
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, es.Ricevute...)
	for _, iuf := range es.Flussi {
		files = append(files, filepath.Join(dir, "rendicontazione", iuf+".xml"))
	}
	for _, p := range append(files, es.Giornale) {
		if _, err := riconciliazione.Importa(ctx, u.Core.DB, "admin", p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if _, err := u.Core.Riconciliazione.CreaAnagraficheMancanti(ctx, f.admin); err != nil {
		t.Fatal(err)
	}
	return f
}

func euroPunto(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// open shows window id to op. The shell is built once (its status bar's
// goroutine is not meant to be rebuilt under a running test); the
// windows read the operator when they open.
func (f *accUIFixture) open(t *testing.T, op operatori.Operatore, id string) {
	t.Helper()
	f.u.Core.SetOperatore(op)
	if f.u.main == nil {
		f.u.ShowMain()
	}
	f.u.Open(id)
	if f.u.main.Current != id {
		t.Fatalf("%s not opened for %s", id, op.Username)
	}
}

func (f *accUIFixture) somma(idx ...int) int64 {
	var s int64
	for _, i := range idx {
		s += f.cent[i]
	}
	return s
}

// Anagrafiche capitoli: offices, chapters and assessments created from the
// debt records by the button, then by hand, edited, deactivated.
func TestAccAnagraficheCapitoli(t *testing.T) {
	f := newAccUIFixture(t)
	ctx := context.Background()
	// Start from nothing, as a database imported before the rule.
	if err := f.u.Core.DB.Write(ctx, "test", func(tx *store.Tx) error {
		for _, q := range []string{`DELETE FROM ric_accertamenti_pagamenti`, `DELETE FROM ric_accertamenti`,
			`DELETE FROM ric_capitoli`, `DELETE FROM ric_uffici`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	f.open(t, f.op, "ric-capitoli")
	s, ok := accSchermo[*accAnagrafiche](f.u)
	if !ok {
		t.Fatal("Anagrafiche capitoli not on screen")
	}
	s.Uffici.Wait()
	if s.Uffici.Total() != 0 || !s.NuovoCapitolo.Disabled() || !s.Ufficio.Toggle.Disabled() {
		t.Fatalf("empty: %d offices", s.Uffici.Total())
	}
	test.Tap(s.CreaMancanti)
	f.u.appIO().bg.Wait()
	s.Uffici.Wait()
	if want := "Creati 2 uffici, 2 capitoli, 2 accertamenti; 4 pagamenti associati."; s.Esito.Text != want || s.Uffici.Total() != 2 {
		t.Fatalf("crea mancanti: %q, %d offices", s.Esito.Text, s.Uffici.Total())
	}

	// The office TRIB, its chapter, its assessment.
	s.Uffici.SelectRow(1)
	if s.ufficio == nil || s.ufficio.Codice != "TRIB" || s.NuovoCapitolo.Disabled() {
		t.Fatalf("office: %+v", s.ufficio)
	}
	s.Capitoli.Wait()
	s.Capitoli.SelectRow(0)
	if s.capitolo == nil || s.capitolo.Codice != "1010" || s.capitolo.Anno != 2026 || s.Capitolo.Entries["descrizione"].Text != "" {
		t.Fatalf("chapter: %+v", s.capitolo)
	}
	s.Accertamenti.Wait()
	s.Accertamenti.SelectRow(0)
	if s.acc == nil || s.acc.Codice != "ACC-TARI" || s.Accertamento.Entries["associato"].Text != "105,00 € (3 pagamenti)" {
		t.Fatalf("assessment: %+v %q", s.acc, s.Accertamento.Entries["associato"].Text)
	}

	// The office's name, the code staying as it is.
	s.Ufficio.Edit()
	if !s.Ufficio.Entries["codice"].Disabled() || s.Ufficio.Entries["denominazione"].Disabled() {
		t.Fatal("the code is editable, or the name is not")
	}
	s.Ufficio.Entries["denominazione"].SetText("Ufficio Tributi")
	if err := s.Ufficio.Save(); err != nil {
		t.Fatal(err)
	}
	if x, _ := f.u.Core.Riconciliazione.Ufficio(ctx, "TRIB"); x.Denominazione != "Ufficio Tributi" || x.ModificatoDa != "l.ricci" {
		t.Fatalf("saved: %+v", x)
	}

	// A new office: the code is required, then it is listed and selected.
	test.Tap(s.NuovoUfficio)
	d := s.Nuovo
	test.Tap(d.Salva)
	if !strings.HasPrefix(d.Errore.Text, "Codice: obbligatorio") {
		t.Fatalf("empty office: %q", d.Errore.Text)
	}
	test.Type(d.Entries["codice"], "TRIB")
	test.Type(d.Entries["denominazione"], "Doppione")
	test.Tap(d.Salva)
	if d.Errore.Text != "Codice: l'ufficio TRIB esiste già" {
		t.Fatalf("duplicate office: %q", d.Errore.Text)
	}
	d.Entries["codice"].SetText("CULT")
	d.Entries["denominazione"].SetText("Cultura")
	test.Tap(d.Salva)
	s.Uffici.Wait()
	if d.Errore.Visible() || s.ufficio == nil || s.ufficio.Codice != "CULT" || s.Uffici.Total() != 1 || s.Esito.Text != "Ufficio CULT creato." {
		t.Fatalf("new office: %q %+v", d.Errore.Text, s.ufficio)
	}

	// Its chapter: a bad year is named.
	test.Tap(s.NuovoCapitolo)
	d = s.Nuovo
	test.Type(d.Entries["codice"], "4040")
	test.Type(d.Entries["anno"], "26")
	test.Type(d.Entries["descrizione"], "Biblioteca")
	test.Tap(d.Salva)
	if !strings.HasPrefix(d.Errore.Text, "Anno: 26 non è un anno valido") {
		t.Fatalf("bad year: %q", d.Errore.Text)
	}
	d.Entries["anno"].SetText("2026")
	test.Tap(d.Salva)
	if s.capitolo == nil || s.capitolo.Codice != "4040" || s.capitolo.Ufficio != "CULT" || s.NuovoAccertamento.Disabled() {
		t.Fatalf("new chapter: %q %+v", d.Errore.Text, s.capitolo)
	}

	// Its assessment, from the form of Crea Nuovo with office and chapter set.
	test.Tap(s.NuovoAccertamento)
	n := s.NuovoAcc
	if n.Form.Ufficio.Value() != "CULT" || n.Form.Anno.Text != "2026" {
		t.Fatalf("prefilled: %q %q", n.Form.Ufficio.Value(), n.Form.Anno.Text)
	}
	test.Type(n.Form.Codice, "ACC-BIB")
	test.Type(n.Form.Descrizione, "Sale studio")
	test.Type(n.Form.Importo, "2.000,00")
	test.Tap(n.Form.Salva)
	s.Accertamenti.Wait()
	if n.Form.Errore.Visible() || s.acc == nil || s.acc.Codice != "ACC-BIB" || s.acc.Importo != 200000 || s.Accertamenti.Total() != 1 {
		t.Fatalf("new assessment: %q %+v", n.Form.Errore.Text, s.acc)
	}
	test.Tap(s.NuovoAccertamento)
	n = s.NuovoAcc
	test.Type(n.Form.Codice, "ACC-BIB")
	test.Type(n.Form.Descrizione, "Ancora")
	test.Tap(n.Form.Salva)
	if !strings.Contains(n.Form.Errore.Text, "l'accertamento ACC-BIB esiste già") {
		t.Fatalf("duplicate assessment: %q", n.Form.Errore.Text)
	}
	test.Tap(n.Annulla)

	// Deactivate the office (SI): no more chapters under it.
	test.Tap(s.AttivaUfficio)
	test.Tap(s.Conferma.Si)
	if s.ufficio.Attivo || !s.NuovoCapitolo.Disabled() || s.AttivaUfficio.Text != "Riattiva" {
		t.Fatalf("deactivated: %+v, button %q", s.ufficio, s.AttivaUfficio.Text)
	}
	h, err := f.u.Core.Storico(ctx, "ric_ufficio", "CULT")
	if err != nil || len(h) == 0 || h[0].Campo != "attivo" || h[0].Dopo != "false" || h[0].Operatore != "l.ricci" {
		t.Fatalf("history: %+v %v", h, err)
	}
}

// Crea Nuovo: office and chapter picked from their lookups, the year from
// the chapter; errors name the field; the new assessment opens in
// Gestione Accertamenti.
func TestAccCreaNuovo(t *testing.T) {
	f := newAccUIFixture(t)
	f.open(t, f.op, "ric-accertamento-nuovo")
	s, ok := accSchermo[*accNuovo](f.u)
	if !ok {
		t.Fatal("Crea Nuovo not on screen")
	}
	n := s.Form
	if !n.Capitolo.Disabled() {
		t.Fatal("chapter lookup open before the office")
	}
	test.Tap(n.Salva)
	if n.Errore.Text != "Ufficio: obbligatorio" {
		t.Fatalf("empty: %q", n.Errore.Text)
	}
	test.Tap(n.Ufficio.Lentina)
	n.Ufficio.Panel.Wait()
	row, ok := n.Ufficio.Panel.Row(1)
	if n.Ufficio.Panel.Total() != 2 || !ok || row[colAccUfficioCodice] != "TRIB" {
		t.Fatalf("offices: %d %v", n.Ufficio.Panel.Total(), row)
	}
	n.Ufficio.Pick(row)
	if n.Ufficio.Value() != "TRIB" || n.Capitolo.Disabled() {
		t.Fatalf("office picked: %q", n.Ufficio.Value())
	}
	n.Anno.SetText("")
	test.Tap(n.Capitolo.Lentina)
	n.Capitolo.Panel.Wait()
	row, ok = n.Capitolo.Panel.Row(0)
	if n.Capitolo.Panel.Total() != 1 || !ok {
		t.Fatalf("chapters of TRIB: %d", n.Capitolo.Panel.Total())
	}
	n.Capitolo.Pick(row)
	if n.Capitolo.Entry.Text != "1010" || n.Anno.Text != "2026" {
		t.Fatalf("chapter picked: %q, year %q", n.Capitolo.Entry.Text, n.Anno.Text)
	}
	test.Type(n.Codice, "ACC-NUOVO")
	test.Type(n.Descrizione, "TARI 2026 — ruolo suppletivo")
	test.Type(n.Importo, "quindici")
	test.Tap(n.Salva)
	if !strings.HasPrefix(n.Errore.Text, "Importo previsto:") {
		t.Fatalf("bad amount: %q", n.Errore.Text)
	}
	n.Importo.SetText("1.500,00")
	test.Tap(n.Salva)
	if n.Errore.Visible() || s.Esito.Text != "Accertamento ACC-NUOVO creato: ufficio TRIB, capitolo 1010, anno 2026." ||
		!s.Apri.Visible() || n.Codice.Text != "" {
		t.Fatalf("created: %q / %q", n.Errore.Text, s.Esito.Text)
	}
	// The same again: refused, and nothing added.
	test.Type(n.Codice, "ACC-NUOVO")
	test.Type(n.Descrizione, "Doppione")
	test.Tap(n.Salva)
	if n.Errore.Text != "Codice: l'accertamento ACC-NUOVO esiste già per l'ufficio TRIB, capitolo 1010, anno 2026" {
		t.Fatalf("duplicate: %q", n.Errore.Text)
	}
	test.Tap(s.Apri)
	g, ok := accSchermo[*accGestione](f.u)
	if !ok || g.Detail == nil || g.Detail.a.Codice != "ACC-NUOVO" || g.Detail.a.Importo != 150000 ||
		g.Detail.Form.Entries["descrizione"].Text != "TARI 2026 — ruolo suppletivo" {
		t.Fatal("the new assessment did not open in Gestione Accertamenti")
	}
}

// Anagrafiche capitoli at 1366×768: the three columns keep their width
// while a form is being edited, and its buttons stay within its column.
func TestAccAnagraficheColonneStabili(t *testing.T) {
	f := newAccUIFixture(t)
	f.open(t, f.admin, "ric-capitoli")
	s, ok := accSchermo[*accAnagrafiche](f.u)
	if !ok {
		t.Fatal("Anagrafiche capitoli not on screen")
	}
	s.Uffici.Wait()
	s.Uffici.SelectRow(0)
	s.Capitoli.Wait()
	s.Capitoli.SelectRow(0)
	s.Accertamenti.Wait()
	s.Accertamenti.SelectRow(0)
	if s.acc == nil {
		t.Fatal("no assessment selected")
	}
	// The window laid out again from the top, as the driver does when a
	// minimum size changes.
	ridisponi := func() {
		f.u.Win.Resize(fyne.NewSize(1367, 768))
		f.u.Win.Resize(fyne.NewSize(1366, 768))
	}
	// Rounded to the pixel: the grid's thirds differ in the last float bit.
	larghezze := func() [3]int {
		return [3]int{int(s.Uffici.Size().Width + 0.5), int(s.Capitoli.Size().Width + 0.5), int(s.Accertamenti.Size().Width + 0.5)}
	}
	ridisponi()
	prima := larghezze()
	if prima[0] < 300 || prima[0] != prima[1] || prima[1] != prima[2] {
		t.Fatalf("columns %v", prima)
	}
	for _, form := range []*widgets.DetailForm{s.Ufficio, s.Capitolo, s.Accertamento} {
		form.Edit()
		ridisponi()
		if dopo := larghezze(); dopo != prima {
			t.Errorf("editing %q: columns %v, before %v", form.Entries["codice"].Text, dopo, prima)
		}
		for _, b := range []*widget.Button{form.Toggle, form.Annulla} {
			if !b.Visible() || b.Position().X+b.Size().Width > form.Size().Width {
				t.Errorf("editing %q: «%s» at %v, %v wide, in a form %v wide", form.Entries["codice"].Text, b.Text, b.Position(),
					b.Size().Width, form.Size().Width)
			}
		}
		form.Cancel()
	}
}

// Gestione Accertamenti: search with totals, the detail, payments
// associated one at a time and all at once, one removed, closing and
// reopening (a supervisor's).
func TestAccGestioneAccertamenti(t *testing.T) {
	f := newAccUIFixture(t)
	ctx := context.Background()
	f.open(t, f.admin, "ric-accertamenti")
	s, ok := accSchermo[*accGestione](f.u)
	if !ok {
		t.Fatal("Gestione Accertamenti not on screen")
	}
	bg := f.u.appIO().bg
	s.Panel.Wait()
	bg.Wait()
	if s.Panel.Total() != 2 || !strings.Contains(s.Totali.Text, "2 accertamenti") ||
		!strings.Contains(s.Totali.Text, "associato "+accEuro(f.somma(0, 1, 2, 3))+" €") {
		t.Fatalf("list: %d, %q", s.Panel.Total(), s.Totali.Text)
	}
	s.Panel.Entries["anno"].SetText("duemila")
	s.Panel.Search()
	s.Panel.Wait()
	bg.Wait()
	if !strings.Contains(s.Panel.Status.Text, "Anno: «duemila» non è un anno") || s.Totali.Text != "" {
		t.Fatalf("bad year: %q, totals %q", s.Panel.Status.Text, s.Totali.Text)
	}
	s.Panel.Entries["anno"].SetText("2026")
	s.Panel.Selects["ufficio"].SetSelected("TRIB")
	s.Panel.Search()
	s.Panel.Wait()
	bg.Wait()
	row, ok := s.Panel.Row(0)
	if s.Panel.Total() != 1 || !ok || row[colAccCodice] != "ACC-TARI" || row[colAccNPagamenti] != "3" ||
		row[colAccAssociato] != accEuro(f.somma(0, 1, 2)) || row[colAccStato] != "Aperto" {
		t.Fatalf("filtered: %d %v", s.Panel.Total(), row)
	}
	// Esporta Excel: the search as shown.
	xlsx := filepath.Join(t.TempDir(), "accertamenti.xlsx")
	s.Panel.ChooseFile = func(_ string, chosen func(string)) { chosen(xlsx) }
	test.Tap(s.Panel.Esporta)
	s.Panel.Wait()
	bg.Wait()
	if st, err := os.Stat(xlsx); err != nil || st.Size() == 0 || !strings.HasPrefix(s.Panel.ExportStatus.Text, "File salvato") {
		t.Fatalf("export: %v %q", err, s.Panel.ExportStatus.Text)
	}
	s.Panel.OnOpen(row)
	x := s.Detail
	if x == nil || x.a.Codice != "ACC-TARI" || x.Associa.Disabled() || !x.Rimuovi.Disabled() || x.Riapri.Visible() {
		t.Fatal("detail of an open assessment wrong")
	}
	x.Pagamenti.Wait()
	if x.Pagamenti.Total() != 3 {
		t.Fatalf("%d payments", x.Pagamenti.Total())
	}

	// Associa pagamenti: the two without bilancio are free; one by double click...
	test.Tap(x.Associa)
	d := x.Associazione
	d.Panel.Wait()
	if d.Panel.Total() != 2 {
		t.Fatalf("free payments: %d", d.Panel.Total())
	}
	// The buttons follow the list and the selection, and look disabled
	// when they are.
	pulsantiAssocia := func(quando string, tutti, selezionato bool) {
		t.Helper()
		for _, b := range []struct {
			b  *widget.Button
			on bool
		}{{d.AssociaTutti, tutti}, {d.Associa, selezionato}} {
			if b.b.Disabled() == b.on || accSembraDisabilitato(b.b) == b.on {
				t.Fatalf("%s: «%s» enabled %v, looks disabled %v", quando, b.b.Text, !b.b.Disabled(), accSembraDisabilitato(b.b))
			}
		}
	}
	pulsantiAssocia("two found", true, false)
	d.Panel.SelectRow(1)
	pulsantiAssocia("one selected", true, true)
	d.Panel.Entries["iuv"].SetText("99999")
	test.Tap(d.Panel.Elenca)
	d.Panel.Wait()
	pulsantiAssocia("none found", false, false)
	test.Tap(d.Panel.Pulisci)
	test.Tap(d.Panel.Elenca)
	d.Panel.Wait()
	libero, _ := d.Panel.Row(0)
	d.Panel.OnOpen(libero)
	d.Panel.Wait()
	x.Pagamenti.Wait()
	if !strings.HasPrefix(d.Esito.Text, "Pagamento IUV "+libero[colAccLibIUV]+" associato per") || d.Panel.Total() != 1 ||
		x.a.NPagamenti != 4 || x.Pagamenti.Total() != 4 {
		t.Fatalf("one: %q, %d free, %+v", d.Esito.Text, d.Panel.Total(), x.a)
	}
	pulsantiAssocia("after associating one", true, false)
	// ...the rest with «Associa tutti i risultati», after SI: those listed,
	// whatever was typed in the filters since.
	d.Panel.Entries["iuv"].SetText("99999")
	test.Tap(d.AssociaTutti)
	bg.Wait()
	if d.Conferma == nil || !strings.Contains(d.Conferma.Message.Text, "tutti i 1 pagamenti") {
		t.Fatalf("confirmation: %+v", d.Conferma)
	}
	test.Tap(d.Conferma.Si)
	bg.Wait()
	d.Panel.Wait()
	if d.Esito.Text != "1 pagamenti associati per "+accEuro(f.cent[5])+" €." || d.Panel.Total() != 0 ||
		x.a.ImportoAssociato != f.somma(0, 1, 2, 4, 5) {
		t.Fatalf("all: %q, %d free, %+v", d.Esito.Text, d.Panel.Total(), x.a)
	}
	pulsantiAssocia("all associated", false, false)
	test.Tap(d.Chiudi)

	// Remove one (SI): it is free again.
	x.Pagamenti.Wait()
	x.Pagamenti.SelectRow(0)
	if x.Rimuovi.Disabled() {
		t.Fatal("Rimuovi disabled with a payment selected")
	}
	test.Tap(x.Rimuovi)
	test.Tap(x.Conferma.Si)
	x.Pagamenti.Wait()
	if x.a.NPagamenti != 4 || x.Pagamenti.Total() != 4 {
		t.Fatalf("after removal: %+v", x.a)
	}
	if n, _ := f.u.Core.Riconciliazione.ContaPagamentiLiberi(ctx, store.FiltroRicPagamentiLiberi{}); n != 1 {
		t.Fatalf("%d free after removal", n)
	}

	// The description and expected amount.
	x.Form.Edit()
	if err := x.Form.Save(); err == nil || err.Error() != "Descrizione: campo obbligatorio" {
		t.Fatalf("made by the import without description: %v", err)
	}
	x.Form.Entries["descrizione"].SetText("TARI 2026")
	x.Form.Entries["importo"].SetText("200,00")
	if err := x.Form.Save(); err != nil {
		t.Fatal(err)
	}
	if x.a.Importo != 20000 || !strings.Contains(x.Riepilogo.Text, "da riscuotere") {
		t.Fatalf("modified: %+v %q", x.a, x.Riepilogo.Text)
	}

	// Chiudi accertamento (SI): nothing can change, the administrator may reopen.
	test.Tap(x.Chiudi)
	test.Tap(x.Conferma.Si)
	if x.a.Stato != store.RicAccertamentoChiuso || x.Stato.Text != "Stato: Chiuso" || !x.Associa.Disabled() ||
		!x.Form.Toggle.Disabled() || x.Chiudi.Visible() || !x.Riapri.Visible() {
		t.Fatalf("closed: %+v", x.a)
	}
	id := x.a.ID
	test.Tap(x.TornaElenco)
	s.Panel.Wait()
	if row, _ := s.Panel.Row(0); row[colAccStato] != "Chiuso" {
		t.Fatalf("list after closing: %v", row)
	}

	// An operatore cannot reopen it.
	f.open(t, f.op, "ric-accertamenti")
	s, _ = accSchermo[*accGestione](f.u)
	f.u.accApriDettaglio(s, id)
	if x = s.Detail; x.Riapri.Visible() || !x.Associa.Disabled() {
		t.Fatal("an operatore is offered to reopen a closed assessment")
	}
	// The administrator reopens it.
	f.open(t, f.admin, "ric-accertamenti")
	s, _ = accSchermo[*accGestione](f.u)
	f.u.accApriDettaglio(s, id)
	x = s.Detail
	test.Tap(x.Riapri)
	test.Tap(x.Conferma.Si)
	if x.a.Stato != store.RicAccertamentoAperto || x.Associa.Disabled() || !x.Chiudi.Visible() {
		t.Fatalf("reopened: %+v", x.a)
	}
	h, _ := f.u.Core.Storico(ctx, "ric_accertamento", fmt.Sprint(id))
	if len(h) == 0 || h[0].Campo != "stato" || h[0].Dopo != "APERTO" || h[0].Operatore != "admin" {
		t.Fatalf("history: %+v", h)
	}
}

// accSembraDisabilitato tells whether a button's text is drawn in Fyne's
// grey for disabled (the Sportello theme draws disabled text dark).
func accSembraDisabilitato(b *widget.Button) bool {
	grigio := theme.DefaultTheme().Color(theme.ColorNameDisabled, theme.VariantLight)
	var cerca func(o fyne.CanvasObject) (color.Color, bool)
	cerca = func(o fyne.CanvasObject) (color.Color, bool) {
		switch w := o.(type) {
		case *canvas.Text:
			return w.Color, w.Text != ""
		case *fyne.Container:
			for _, c := range w.Objects {
				if col, ok := cerca(c); ok {
					return col, true
				}
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				if col, ok := cerca(c); ok {
					return col, true
				}
			}
		}
		return nil, false
	}
	col, ok := cerca(b)
	return ok && col == grigio
}
