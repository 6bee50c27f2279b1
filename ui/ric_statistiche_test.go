package ui

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/ui/widgets"
)

// statRighe are the table's rows as shown.
func statRighe(s *ricStatistiche) [][]string {
	n, c := s.Tabella.Length()
	out := make([][]string, n)
	for i := range n {
		for j := range c {
			out[i] = append(out[i], s.cella(widget.TableCellID{Row: i, Col: j}))
		}
	}
	return out
}

// Totali ripartiti over an imported sandbox day: it opens on the months,
// regroups by day when the select changes, the range selects on each
// measure's date, a bad date names its field, the chart fills its place,
// Excel and PNG exports write what is shown.
func TestRicStatistiche(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	u.ShowMain()
	u.Open("ric-statistiche")
	s, ok := statSchermo(u)
	if !ok {
		t.Fatal("Totali ripartiti not opened")
	}
	s.bg.Wait()
	var pagato int64
	for _, p := range f.es.Ricevute {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, resto, _ := strings.Cut(string(b), "<paymentAmount>")
		importo, _, _ := strings.Cut(resto, "<")
		pagato += statCentesimiTesto(t, importo)
	}
	nRT := len(f.es.Ricevute)
	righe := statRighe(s)
	if s.Per.Selected != "Mese" || len(righe) != 2 || righe[0][0] != "11/2026" || righe[1][0] != "Totale" ||
		righe[0][1] != widgets.FormatInt(nRT) || righe[0][2] != pagopa.FormattaImporto(pagato) || !slices.Equal(righe[0], append([]string{"11/2026"}, righe[1][1:]...)) {
		t.Fatalf("months: %q (receipts %d for %d cents)", righe, nRT, pagato)
	}
	if !strings.HasPrefix(s.Stato.Text, "1 gruppo · pagati "+widgets.FormatInt(nRT)) || s.EsportaExcel.Disabled() {
		t.Fatalf("status %q", s.Stato.Text)
	}

	s.Per.SetSelected("Giorno")
	s.bg.Wait()
	righe = statRighe(s)
	// Payments on 20/11; settled, reported and credited (value date =
	// settlement date) on 21/11.
	if len(righe) != 3 || righe[0][0] != "20/11/2026" || righe[1][0] != "21/11/2026" || righe[2][0] != "Totale" ||
		righe[1][1] != "0" || righe[1][3] != righe[2][3] || righe[1][4] != righe[2][4] || righe[2][4] == "0,00" {
		t.Fatalf("days: %q", righe)
	}
	rendicontato := righe[2][3]
	// The settlement day alone: what was reported, nothing paid.
	test.Type(s.Dal, "21/11/2026")
	test.Type(s.Al, "21/11/2026")
	test.Tap(s.Elenca)
	s.bg.Wait()
	if righe = statRighe(s); len(righe) != 2 || righe[0][0] != "21/11/2026" || righe[1][1] != "0" || righe[1][3] != rendicontato {
		t.Fatalf("21/11 only: %q", righe)
	}
	if s.Grafico.titolo != "Importi per giorno dal 21/11/2026 al 21/11/2026" {
		t.Fatalf("chart title %q", s.Grafico.titolo)
	}
	s.Dal.SetText("32/11/2026")
	test.Tap(s.Elenca)
	s.bg.Wait()
	if s.Stato.Text != "Dal: data non valida, usare gg/mm/aaaa" || s.Stato.Importance != widget.DangerImportance {
		t.Fatalf("bad date: %q", s.Stato.Text)
	}
	s.Dal.SetText("")
	s.Al.SetText("")

	// By office: the debt records' SCUOLA, and the payments without one.
	ricStatisticheDeep(u, "ufficio")
	s.bg.Wait()
	righe = statRighe(s)
	if s.Per.Selected != "Ufficio" || len(righe) != 3 || righe[0][0] != "SCUOLA" || righe[1][0] != "(non attribuito: nessun dovuto)" ||
		righe[2][1] != widgets.FormatInt(nRT) || righe[2][2] != pagopa.FormattaImporto(pagato) {
		t.Fatalf("offices: %q", righe)
	}
	img := s.Grafico.immagine()
	if sz := s.Grafico.Size(); img == nil || sz.Width < 300 || img.Bounds().Dx() != int(sz.Width) || img.Bounds().Dy() != int(sz.Height) {
		t.Fatalf("chart %v for a place of %v", img, s.Grafico.Size())
	}

	dir := t.TempDir()
	xlsx, pngFile := filepath.Join(dir, "uffici.xlsx"), filepath.Join(dir, "uffici.png")
	var suggeriti []string
	s.ChooseFile = func(suggested string, _ []string, chosen func(string)) {
		suggeriti = append(suggeriti, suggested)
		chosen(map[bool]string{true: xlsx, false: pngFile}[strings.HasSuffix(suggested, ".xlsx")])
	}
	test.Tap(s.EsportaExcel)
	s.bg.Wait()
	if s.Esito.Text != "File salvato: "+xlsx {
		t.Fatalf("excel: %q", s.Esito.Text)
	}
	b, err := os.ReadFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := tabelle.Read(bytes.NewReader(b), tabelle.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var letto [][]string
	for sh.Next() {
		letto = append(letto, slices.Clone(sh.Row()))
	}
	if len(letto) != 4 || letto[0][0] != "Ufficio" || letto[1][0] != "SCUOLA" || letto[3][0] != "Totale" || letto[3][2] != widgets.FormatInt(nRT) {
		t.Fatalf("excel rows: %q", letto)
	}
	test.Tap(s.EsportaPNG)
	s.bg.Wait()
	pf, err := os.Open(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if im, err := png.Decode(pf); err != nil || im.Bounds().Dx() != statPNGLarghezza || im.Bounds().Dy() != statPNGAltezza {
		t.Fatalf("png: %v", err)
	}
	if !slices.Equal(suggeriti, []string{"statistiche-per-ufficio.xlsx", "statistiche-per-ufficio.png"}) {
		t.Fatalf("suggested names %q", suggeriti)
	}
	if info := statInformazioni(t, xlsx); info["Statistiche"] != "Statistiche per ufficio" || info["Periodo"] != "tutto l'archivio" ||
		info["Esportato da"] != "Anna Esposito (admin)" || info["Gruppi"] != "2" || info["Esportato il"] == "" {
		t.Fatalf("what the export covers: %q", info)
	}

	// A period: in the suggested name and on the sheet «Informazioni».
	test.Type(s.Dal, "21/11/2026")
	test.Tap(s.Elenca)
	s.bg.Wait()
	suggeriti = nil
	test.Tap(s.EsportaExcel)
	s.bg.Wait()
	if !slices.Equal(suggeriti, []string{"statistiche-per-ufficio-dal-2026-11-21.xlsx"}) {
		t.Fatalf("suggested names %q", suggeriti)
	}
	if info := statInformazioni(t, xlsx); info["Periodo"] != "dal 21/11/2026" {
		t.Fatalf("what the export covers: %q", info)
	}
}

// statInformazioni reads the sheet «Informazioni» of an export of the
// statistics, value by item.
func statInformazioni(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := tabelle.Read(bytes.NewReader(b), tabelle.ReadOptions{Sheet: "Informazioni"})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	out := map[string]string{}
	for sh.Next() {
		if r := sh.Row(); len(r) == 2 {
			out[r[0]] = r[1]
		}
	}
	if sh.Name() != "Informazioni" {
		t.Fatalf("sheet %q", sh.Name())
	}
	return out
}

func statCentesimiTesto(t *testing.T, s string) int64 {
	t.Helper()
	intero, dec, _ := strings.Cut(strings.TrimSpace(s), ".")
	dec = (dec + "00")[:2]
	var c int64
	for _, ch := range intero + dec {
		if ch < '0' || ch > '9' {
			t.Fatalf("amount %q", s)
		}
		c = c*10 + int64(ch-'0')
	}
	return c
}
