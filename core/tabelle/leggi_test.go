package tabelle

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

type readRow struct {
	line  int
	cells []string
	kinds string // one letter per cell: t n d D(ate-time)
	forms string // one letter per cell: f = formula, . = value
}

func readAll(t *testing.T, data []byte, opts ReadOptions) (*Sheet, []readRow, error) {
	t.Helper()
	s, err := Read(bytes.NewReader(data), opts)
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	var rows []readRow
	for s.Next() {
		r := readRow{line: s.Line(), cells: append([]string(nil), s.Row()...)}
		for i := range s.Row() {
			r.kinds += map[Kind]string{Text: "t", Number: "n", Date: "d", DateTime: "D"}[s.Kind(i)]
			r.forms += map[bool]string{true: "f", false: "."}[s.Formula(i)]
		}
		rows = append(rows, r)
	}
	return s, rows, s.Err()
}

func xlsxBytes(t testing.TB, build func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, "Sheet1")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadXLSXTypes(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File, sh string) {
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		custom := `dd/mm/yyyy hh:mm;@`
		dateTime, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
		money, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
		f.SetSheetRow(sh, "A1", &[]any{"testo", "numero", "data", "ora", "bool", "formula"})
		f.SetSheetRow(sh, "A2", &[]any{"ciao", 1234.5, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 29, 10, 30, 0, 0, time.UTC), true})
		f.SetCellStyle(sh, "B2", "B2", money)
		f.SetCellStyle(sh, "C2", "C2", date)
		f.SetCellStyle(sh, "D2", "D2", dateTime)
		f.SetCellValue(sh, "F2", 2469)
		f.SetCellFormula(sh, "F2", "B2*2")
		// excelize writes formula results as t="str". Row 3 is missing on purpose; row 4 has float noise and an 18-digit number.
		f.SetCellValue(sh, "B4", 0.1+0.2)
		f.SetCellValue(sh, "C4", 301000000000000144.0)
		f.SetCellValue(sh, "A5", "   ")
		f.SetCellValue(sh, "A6", "fine")
		f.MergeCell(sh, "A6", "C6")
	})
	s, rows, err := readAll(t, data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []readRow{
		{1, []string{"testo", "numero", "data", "ora", "bool", "formula"}, "tttttt", "......"},
		{2, []string{"ciao", "1234.5", "2026-01-01", "2026-03-29 10:30:00", "TRUE", "2469"}, "tndDtt", ".....f"},
		{4, []string{"", "0.3", "301000000000000000"}, "tnn", "..."},
		{6, []string{"fine"}, "t", "."},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows\n got %v\nwant %v", rows, want)
	}
	if s.Format() != "xlsx" || s.Name() != "Sheet1" || fmt.Sprint(s.Merged()) != "[A6:C6]" {
		t.Errorf("format %q name %q merged %v", s.Format(), s.Name(), s.Merged())
	}
}

func TestReadXLSXChoosesSheet(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File, sh string) {
		f.SetCellValue(sh, "A1", "primo")
		f.NewSheet("Notifiche ")
		f.SetCellValue("Notifiche ", "A1", "notifiche")
	})
	for want, opts := range map[string]ReadOptions{"primo": {}, "notifiche": {Sheet: "notifiche"}, "primo ": {Sheet: "altro"}} {
		_, rows, err := readAll(t, data, opts)
		if err != nil || len(rows) != 1 || rows[0].cells[0] != strings.TrimSpace(want) {
			t.Errorf("opts %+v: rows %v err %v", opts, rows, err)
		}
	}
}

func TestReadXLSXStopsEarly(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File, sh string) {
		sw, _ := f.NewStreamWriter(sh)
		for i := 1; i <= 5000; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i)
			sw.SetRow(cell, []any{i})
		}
		sw.Flush()
	})
	s, rows, err := readAll(t, data, ReadOptions{MaxRows: 1000})
	if !errors.Is(err, ErrTooManyRows) || len(rows) != 1000 || s.Line() != 1001 {
		t.Fatalf("%d rows, stopped at line %d, err %v; want ErrTooManyRows at line 1001", len(rows), s.Line(), err)
	}
	_, rows, err = readAll(t, data, ReadOptions{MaxRows: 5000})
	if err != nil || len(rows) != 5000 {
		t.Fatalf("%d rows, err %v", len(rows), err)
	}
}

func TestReadCSV(t *testing.T) {
	in := "\uFEFFcf;testo;importo\r\n" +
		"AAA;\"due\r\nrighe\";1,50\r\n" +
		"\r\n" +
		";;\r\n" +
		"BBB;\"con \"\"virgolette\"\"\";2\r\n"
	s, rows, err := readAll(t, []byte(in), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []readRow{
		{1, []string{"cf", "testo", "importo"}, "ttt", "..."},
		{2, []string{"AAA", "due\nrighe", "1,50"}, "ttt", "..."},
		{5, []string{"BBB", `con "virgolette"`, "2"}, "ttt", "..."},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) || s.Format() != "csv" {
		t.Errorf("rows\n got %v\nwant %v", rows, want)
	}
	for in, comma := range map[string]rune{"a;b,c;d\n": ';', "a,b,c\n": ',', "a\tb\tc\n": '\t', "\"x;y\",b,c": ',', "solo": ';'} {
		if got := sniffComma([]byte(in)); got != comma {
			t.Errorf("sniffComma(%q) = %q, want %q", in, got, comma)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	var ods bytes.Buffer
	zw := zip.NewWriter(&ods)
	w, _ := zw.Create("mimetype")
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	zw.Close()
	for name, tc := range map[string]struct {
		in   []byte
		want error
	}{
		"empty":      {nil, ErrEmpty},
		"bom only":   {utf8BOM, ErrEmpty},
		"blank":      {[]byte(" \r\n\r\n"), ErrEmpty},
		"xls":        {append(append([]byte{}, oleMagic...), make([]byte, 600)...), ErrNotSpreadsheet},
		"encrypted":  {append(append([]byte{}, oleMagic...), utf16LE("EncryptedPackage")...), ErrEncrypted},
		"ods":        {ods.Bytes(), ErrNotSpreadsheet},
		"broken zip": {[]byte("PK\x03\x04garbage"), ErrNotSpreadsheet},
		"binary":     {[]byte("cf;nome\n\x00\x01\x02"), ErrNotSpreadsheet},
		"pdf":        {[]byte("%PDF-1.7\n\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14"), ErrNotSpreadsheet},
		"html":       {[]byte("<html><table><tr><td>cf</td></tr></table></html>"), ErrNotSpreadsheet},
		"cp1252":     {[]byte("cf;citt\xe0\nX;Y\n"), ErrNotUTF8},
		"utf16":      {[]byte("\xff\xfec\x00f\x00"), ErrNotUTF8},
	} {
		_, _, err := readAll(t, tc.in, ReadOptions{})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", name, err, tc.want)
		}
	}
	// Non-UTF-8 text far from the start is caught row by row.
	late := "cf;nome\n" + strings.Repeat("AAA;bbb\n", 20000) + "CCC;citt\xe0\n"
	if _, _, err := readAll(t, []byte(late), ReadOptions{}); !errors.Is(err, ErrNotUTF8) {
		t.Errorf("late cp1252: err %v", err)
	}
	// Quotes inside an unquoted field are text, as Excel shows them.
	if _, rows, err := readAll(t, []byte("a;b\nComunicazione \"importante\";b\n"), ReadOptions{}); err != nil ||
		len(rows) != 2 || rows[1].cells[0] != `Comunicazione "importante"` {
		t.Errorf("bare quote: %v, %v", rows, err)
	}
}

func TestDateFormatCode(t *testing.T) {
	for code, want := range map[string]bool{
		"dd/mm/yyyy": true, "[$-410]d mmmm yyyy": true, "h:mm AM/PM": true, "[h]:mm": true,
		"General": false, "#,##0.00 \"€\"": false, "0.00E+00": false, `"giorni" 0`: false,
		"[Red]#,##0": false, "@": false, "#,##0;[Red]-#,##0;\"d\"": false, `\d0`: false,
	} {
		if got := dateFormatCode(code); got != want {
			t.Errorf("dateFormatCode(%q) = %v, want %v", code, got, want)
		}
	}
}

// handmade builds a workbook from raw parts, for what excelize does not
// write: prefixed namespaces, cells without references, rich and phonetic
// runs, escapes, the 1904 date system.
func handmade(t testing.TB, sheet, sst, workbookPr string) []byte {
	t.Helper()
	const ns = `xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<x:workbook ` + ns + `>` + workbookPr + `<x:sheets><x:sheet name="Dati" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml": `<x:styleSheet ` + ns + `><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="d/m/yyyy"/></x:numFmts>` +
			`<x:cellXfs count="2"><x:xf numFmtId="0"/><x:xf numFmtId="164"/></x:cellXfs></x:styleSheet>`,
		"xl/sharedStrings.xml":     `<x:sst ` + ns + `>` + sst + `</x:sst>`,
		"xl/worksheets/sheet1.xml": `<x:worksheet ` + ns + `><x:sheetData>` + sheet + `</x:sheetData></x:worksheet>`,
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

func TestReadXLSXHandmade(t *testing.T) {
	sst := `<x:si><x:t>semplice</x:t></x:si>` +
		`<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>ric</x:t></x:r><x:r><x:t xml:space="preserve">co </x:t></x:r><x:rPh sb="0" eb="1"><x:t>フリ</x:t></x:rPh></x:si>` +
		`<x:si><x:t>a &amp; b &lt;c&gt; &#232;&#x20AC; riga_x000D_
due</x:t></x:si><x:si/>`
	sheet := `<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c></x:row>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>in linea</x:t></x:is></x:c><x:c s="1"><x:v>1</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c>` +
		`<x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="str"><x:f>A1&amp;"x"</x:f><x:v>semplicex</x:v></x:c></x:row>` +
		`<x:row r="5" spans="1:2"><x:c r="B5" t="b"><x:v>0</x:v></x:c></x:row>`
	_, rows, err := readAll(t, handmade(t, sheet, sst, `<x:workbookPr date1904="1"/>`), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []readRow{
		{1, []string{"semplice", "ricco ", "a & b <c> è€ riga\r\ndue"}, "ttt", "..."},
		{2, []string{"in linea", "1904-01-02", "", "#N/A", "semplicex"}, "tdttt", "....f"},
		{5, []string{"", "FALSE"}, "tt", ".."},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows\n got %v\nwant %v", rows, want)
	}
}

func TestXMLText(t *testing.T) {
	for in, want := range map[string]string{
		"semplice": "semplice", "a&amp;b": "a&b", "&#10;": "\n", "&bogus; &": "&bogus; &", "_x000D_": "\r",
		"_x005F_x000D_": "_x000D_", "a\r\nb\rc": "a\nb\nc", "_xZZZZ_": "_xZZZZ_", "&#xD800;": "&#xD800;",
	} {
		if got := xmlText([]byte(in)); got != want {
			t.Errorf("xmlText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReadXLSXSheet feeds the tag scanner arbitrary sheet and shared
// strings XML: no panics, rows in ascending order, cells as many as kinds.
func FuzzReadXLSXSheet(f *testing.F) {
	f.Add(`<x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c s="1"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>`, `<x:si><x:t>a&amp;b</x:t></x:si>`)
	f.Add(`<row><c t="inlineStr"><is><r><t>x</t></r><rPh><t>y</t></rPh></is></c></row><mergeCells><mergeCell ref="A1:B1"/></mergeCells>`, ``)
	f.Add(`<row r="9999999999"><c r="XFE1"><v>1e308</v></c><c t="b"><v>1</v></c></row><row r="3"/>`, `<si/>`)
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		s, err := Read(bytes.NewReader(handmade(t, sheet, sst, "")), ReadOptions{MaxRows: 100})
		if err != nil {
			return
		}
		defer s.Close()
		prev := 0
		for s.Next() {
			if s.Line() <= prev {
				t.Fatalf("line %d after %d", s.Line(), prev)
			}
			prev = s.Line()
			for i := range s.Row() {
				_, _ = s.Kind(i), s.Formula(i)
			}
		}
		_ = s.Merged()
	})
}
