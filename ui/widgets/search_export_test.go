package widgets

import (
	"context"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"
)

func TestSearchPanelExport(t *testing.T) {
	src := &fakeSource{n: 2_500}
	var gotFilter Filter
	var gotPath string
	cfg := SearchConfig{Export: func(ctx context.Context, f Filter, path string) error {
		gotFilter, gotPath = f, path
		return ExportFile(src, "Pratiche", testColumns)(ctx, f, path)
	}}
	p, _ := newTestPanel(t, src, cfg)
	if p.Esporta == nil {
		t.Fatal("no Esporta Excel button")
	}
	path := filepath.Join(t.TempDir(), "pratiche.xlsx")
	var suggested string
	p.ChooseFile = func(s string, chosen func(string)) { suggested = s; chosen(path) }
	test.Type(p.Entries["cognome"], "Bianchi")
	test.Tap(p.Elenca)
	p.Wait()
	test.Type(p.Entries["cognome"], " (non cercato)")
	test.Tap(p.Esporta)
	p.Wait()
	if suggested != "elenco.xlsx" || gotPath != path || !mapsEqual(gotFilter, Filter{"cognome": "Bianchi"}) {
		t.Fatalf("export called with %v %q (suggested %q)", gotFilter, gotPath, suggested)
	}
	if p.ExportStatus.Text != "File salvato: "+path {
		t.Fatalf("export status %q", p.ExportStatus.Text)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Pratiche")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2_501 || rows[0][1] != "Cognome" || rows[2_500][0] != "002499" {
		t.Fatalf("%d rows, first %v", len(rows), rows[0])
	}
	if v, _ := f.GetCellValue("Pratiche", "C3", excelize.Options{RawCellValue: true}); v != "1,50" {
		// Importo is a text column here: written as typed.
		t.Fatalf("C3 = %q", v)
	}
}

func TestSearchPanelWithoutExporterHasNoButton(t *testing.T) {
	p, _ := newTestPanel(t, &fakeSource{}, SearchConfig{})
	if p.Esporta != nil {
		t.Fatal("Esporta Excel without an exporter")
	}
}

// Esporta Excel without a replaced ChooseFile opens Fyne's real save
// dialog (it once crashed the app: resized before shown).
func TestSearchPanelExportOpensTheSaveDialog(t *testing.T) {
	p, w := newTestPanel(t, &fakeSource{n: 10}, SearchConfig{Export: ExportFile(&fakeSource{n: 10}, "Pratiche", testColumns)})
	test.Tap(p.Elenca)
	p.Wait()
	test.Tap(p.Esporta)
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no save dialog shown")
	}
	d := ShowFileOpen(w, []string{".xlsx"}, func(string) {})
	if d == nil || w.Canvas().Overlays().Top() == nil {
		t.Fatal("no open dialog shown")
	}
}
