package tabelle

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// sampleRows is how many rows are read ahead to size the columns.
const sampleRows = 100

// WriteXLSX streams an Excel workbook with one sheet to w: a bold, frozen
// header row, then the rows. Memory stays constant: excelize's
// StreamWriter spills to a temporary file past a few megabytes.
//
// Text cells go through SafeCell. Number, Integer, Date and DateTime cells
// are written typed when their value parses (see ParseNumber, ParseDate,
// ParseDateTime) and as safe text otherwise, so nothing is lost.
func WriteXLSX(w io.Writer, sheet string, cols []Column, rows Rows) error {
	return WriteXLSXSheets(w, XLSXSheet{Name: sheet, Columns: cols, Rows: rows})
}

// XLSXSheet is one sheet of a workbook WriteXLSXSheets writes.
type XLSXSheet struct {
	Name    string
	Columns []Column
	Rows    Rows
}

// WriteXLSXSheets is WriteXLSX with several sheets, in order, each laid out
// and neutralised the same way: the table in the first, say, and what it
// covers in a second, so that the table stays a header row and its rows.
// Sheet names are made acceptable to Excel (and unique).
func WriteXLSXSheets(w io.Writer, sheets ...XLSXSheet) (err error) {
	for _, sh := range sheets {
		defer closeRows(sh.Rows)
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, sh := range sheets {
		name := sheetName(sh.Name)
		for n := 2; used[strings.ToLower(name)]; n++ {
			name = sheetName(fmt.Sprintf("%s (%d)", sh.Name, n))
		}
		used[strings.ToLower(name)] = true
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(f, st, name, sh.Columns, sh.Rows); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func writeSheet(f *excelize.File, st styles, sheet string, cols []Column, rows Rows) error {
	if rows == nil {
		rows = SliceRows(nil)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	p := peek(rows, sampleRows)
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c, i, p.head)); err != nil {
			return err
		}
	}
	if len(cols) > 0 {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
			return err
		}
		header := make([]any, len(cols))
		for i, c := range cols {
			header[i] = excelize.Cell{StyleID: st.header, Value: SafeCell(c.Title)}
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
	}
	n := 1
	values := make([]any, 0, len(cols))
	for p.Next() {
		n++
		values = values[:0]
		for i, v := range p.Row() {
			values = append(values, st.cell(kindAt(cols, i), v))
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return fmt.Errorf("riga %d: %w", n, err)
		}
		if err := sw.SetRow(cell, values); err != nil {
			return err
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return sw.Flush()
}

type styles struct{ header, number, integer, date, dateTime int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	add := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	add(&s.header, &excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}})
	add(&s.number, &excelize.Style{NumFmt: 4}) // #,##0.00
	add(&s.integer, &excelize.Style{NumFmt: 1})
	fmtDate, fmtDateTime := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	add(&s.date, &excelize.Style{CustomNumFmt: &fmtDate})
	add(&s.dateTime, &excelize.Style{CustomNumFmt: &fmtDateTime})
	return s, err
}

func (s styles) cell(k Kind, v string) any {
	if v == "" {
		return nil
	}
	switch k {
	case Number:
		if f, ok := ParseNumber(v); ok {
			return excelize.Cell{StyleID: s.number, Value: f}
		}
	case Integer:
		if f, ok := ParseNumber(v); ok && f == float64(int64(f)) {
			return excelize.Cell{StyleID: s.integer, Value: int64(f)}
		}
	case Date:
		if t, ok := ParseDate(v); ok {
			return excelize.Cell{StyleID: s.date, Value: t}
		}
	case DateTime:
		if t, ok := ParseDateTime(v); ok {
			return excelize.Cell{StyleID: s.dateTime, Value: t}
		}
	}
	return SafeCell(v)
}

func kindAt(cols []Column, i int) Kind {
	if i < len(cols) {
		return cols[i].Kind
	}
	return Text
}

// columnWidth is the explicit width, or one fitting the title and the
// sampled values, within sane bounds.
func columnWidth(c Column, i int, sample [][]string) float64 {
	if c.Width > 0 {
		return min(c.Width, excelize.MaxColumnWidth)
	}
	w := utf8.RuneCountInString(c.Title) + 2
	switch c.Kind {
	case Date:
		w = max(w, 12)
	case DateTime:
		w = max(w, 17)
	}
	for _, r := range sample {
		if i < len(r) {
			w = max(w, utf8.RuneCountInString(r[i])+2)
		}
	}
	return float64(min(max(w, 8), 60))
}

// sheetName makes s acceptable to Excel: no []:*?/\ and at most 31 characters.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.Trim(strings.TrimSpace(s), "'"))
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if s == "" {
		return "Foglio1"
	}
	return s
}
