package tabelle

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var evil = [][]string{
	{"=SUM(A1:A9)", "-12,50", "02/01/2026", "+39 333 1234567"},
	{"@cmd", "1.234,56", "2026-03-15", "\t=1+1"},
	{"Mario Rossi", "non è un importo", "domani", "-3"},
	{"=HYPERLINK(\"http://evil\",\"clic\")", "", "", "-"},
}

var evilCols = []Column{{Title: "Nome"}, {Title: "Importo", Kind: Number}, {Title: "Data", Kind: Date}, {Title: "Note"}}

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteXLSXNeutralisesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Elenco: prova/1", evilCols, SliceRows(evil)); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, buf.Bytes())
	sheet := f.GetSheetName(0)
	if sheet != "Elenco- prova-1" {
		t.Errorf("sheet name %q", sheet)
	}
	want := map[string]string{
		"A1": "Nome", "B1": "Importo",
		"A2": "'=SUM(A1:A9)", "D2": "'+39 333 1234567",
		"A3": "'@cmd", "D3": "'\t=1+1",
		"A4": "Mario Rossi", "B4": "non è un importo", "C4": "domani", "D4": "-3",
		"A5": `'=HYPERLINK("http://evil","clic")`, "D5": "'-",
	}
	for cell, v := range want {
		got, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || got != v {
			t.Errorf("%s = %q (%v), want %q", cell, got, err, v)
		}
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if fo, err := f.GetCellFormula(sheet, ref); err != nil || fo != "" {
				t.Errorf("%s has formula %q (%v)", ref, fo, err)
			}
		}
	}
	// Typed columns: amounts and dates are numeric cells (no "t" attribute
	// in OOXML), the rest inline strings.
	for cell, want := range map[string]excelize.CellType{"B2": excelize.CellTypeUnset, "B3": excelize.CellTypeUnset,
		"C2": excelize.CellTypeUnset, "A2": excelize.CellTypeInlineString, "B4": excelize.CellTypeInlineString} {
		if got, _ := f.GetCellType(sheet, cell); got != want {
			t.Errorf("%s type %v, want %v", cell, got, want)
		}
	}
	if v, _ := f.GetCellValue(sheet, "B2", excelize.Options{RawCellValue: true}); v != "-12.5" {
		t.Errorf("B2 raw %q", v)
	}
	if v, _ := f.GetCellValue(sheet, "B3", excelize.Options{RawCellValue: true}); v != "1234.56" {
		t.Errorf("B3 raw %q", v)
	}
	if v, _ := f.GetCellValue(sheet, "C2"); v != "02/01/2026" {
		t.Errorf("C2 shown as %q", v)
	}
	if v, _ := f.GetCellValue(sheet, "C3"); v != "15/03/2026" {
		t.Errorf("C3 shown as %q", v)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	st, _ := f.GetCellStyle(sheet, "A1")
	if s, err := f.GetStyle(st); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header not bold: %+v %v", s, err)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 20 || w > 60 {
		t.Errorf("column A width %v does not fit its values", w)
	}
}

func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, evilCols, SliceRows(evil), CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 BOM")
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("lines do not end with CRLF")
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Nome", "Importo", "Data", "Note"},
		{"'=SUM(A1:A9)", "-12,50", "02/01/2026", "'+39 333 1234567"},
		{"'@cmd", "1234,56", "15/03/2026", "'\t=1+1"},
		{"Mario Rossi", "non è un importo", "domani", "-3"},
		{`'=HYPERLINK("http://evil","clic")`, "", "", "'-"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	in := [][]string{
		{"Bianchi; Anna", "riga 1\nriga 2", `citazione "doppia"`, "àèéìòù €", ""},
		{"  spazi  ", "x", "", "", "ultima"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, Titles("A", "B", "C", "D", "E"), SliceRows(in), CSVOptions{Comma: ',', NoBOM: true, LF: true}); err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) || bytes.Contains(buf.Bytes(), []byte("\r\n")) {
		t.Error("options ignored")
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || fmt.Sprint(got[1:]) != fmt.Sprint(in) {
		t.Errorf("round trip: %q", got)
	}
}

// counted yields n generated rows without ever holding them.
func counted(n int) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		for i := range n {
			if !yield([]string{fmt.Sprintf("ID%06d", i), "=A1", fmt.Sprintf("%d,%02d", i, i%100), "2026-01-31"}, nil) {
				return
			}
		}
	}
}

func TestWriteXLSX100kRows(t *testing.T) {
	const n = 100_000
	path := filepath.Join(t.TempDir(), "grande.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cols := []Column{{Title: "ID"}, {Title: "Formula"}, {Title: "Importo", Kind: Number}, {Title: "Data", Kind: Date}}
	if err := WriteXLSX(out, "Grande", cols, SeqRows(counted(n))); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows("Grande")
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	var last []string
	for rows.Next() {
		count++
		if last, err = rows.Columns(); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if count != n+1 {
		t.Fatalf("%d rows read back, want %d", count, n+1)
	}
	if last[0] != fmt.Sprintf("ID%06d", n-1) || last[1] != "'=A1" {
		t.Errorf("last row %q", last)
	}
}

func TestWriteCSV100kRows(t *testing.T) {
	const n = 100_000
	var buf bytes.Buffer
	if err := WriteCSV(&buf, Titles("ID", "Formula", "Importo", "Data"), SeqRows(counted(n)), CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(buf.String(), "\r\n"); lines != n+1 {
		t.Errorf("%d lines, want %d", lines, n+1)
	}
}

func TestRowsErrorStopsExport(t *testing.T) {
	boom := errors.New("database chiuso")
	seq := func(yield func([]string, error) bool) {
		if yield([]string{"uno"}, nil) {
			yield(nil, boom)
		}
	}
	if err := WriteXLSX(&bytes.Buffer{}, "x", Titles("A"), SeqRows(seq)); !errors.Is(err, boom) {
		t.Errorf("xlsx: %v", err)
	}
	if err := WriteCSV(&bytes.Buffer{}, Titles("A"), SeqRows(seq), CSVOptions{}); !errors.Is(err, boom) {
		t.Errorf("csv: %v", err)
	}
}

// Several sheets: each with its header and frozen first row, names made
// acceptable and unique, every text cell neutralised; the first sheet is
// the one a reader opens.
func TestWriteXLSXSheets(t *testing.T) {
	var buf bytes.Buffer
	err := WriteXLSXSheets(&buf,
		XLSXSheet{Name: "Statistiche per mese", Columns: evilCols, Rows: SliceRows(evil)},
		XLSXSheet{Name: "Informazioni", Columns: Titles("Voce", "Valore"),
			Rows: SliceRows([][]string{{"Periodo", "dal 01/12/2026"}, {"Esportato da", "=cmd|' /C calc'!A0"}})},
		XLSXSheet{Name: "informazioni", Columns: Titles("Voce")})
	if err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, buf.Bytes())
	if got := f.GetSheetList(); fmt.Sprint(got) != "[Statistiche per mese Informazioni informazioni (2)]" {
		t.Fatalf("sheets %q", got)
	}
	for cell, v := range map[string]string{"A1": "Voce", "B2": "dal 01/12/2026", "A3": "Esportato da", "B3": "'=cmd|' /C calc'!A0"} {
		if got, err := f.GetCellValue("Informazioni", cell, excelize.Options{RawCellValue: true}); err != nil || got != v {
			t.Errorf("Informazioni!%s = %q (%v), want %q", cell, got, err, v)
		}
	}
	if got, _ := f.GetCellValue("Statistiche per mese", "A2", excelize.Options{RawCellValue: true}); got != "'=SUM(A1:A9)" {
		t.Errorf("first sheet A2 = %q", got)
	}
	sh, err := Read(bytes.NewReader(buf.Bytes()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	if !sh.Next() || sh.Row()[0] != "Nome" || sh.Name() != "Statistiche per mese" {
		t.Fatalf("read: %q %q", sh.Name(), sh.Row())
	}
}
