package tabelle

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSVOptions tune WriteCSV. The zero value is what Italian Excel opens
// correctly with a double click: ';' separator, UTF-8 with BOM, CRLF.
type CSVOptions struct {
	Comma rune // 0 = ';'
	NoBOM bool
	LF    bool // line ends with "\n" instead of "\r\n"
}

// WriteCSV streams a CSV file: the header row, then the rows, every cell
// through SafeCell. Number and Integer values are rewritten with a decimal
// comma and no thousands separator ("1234,50"), dates as dd/mm/yyyy, so
// an Italian Excel reads them as numbers and dates.
func WriteCSV(w io.Writer, cols []Column, rows Rows, opts CSVOptions) error {
	defer closeRows(rows)
	if !opts.NoBOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if opts.Comma != 0 {
		cw.Comma = opts.Comma
	}
	cw.UseCRLF = !opts.LF
	if len(cols) > 0 {
		header := make([]string, len(cols))
		for i, c := range cols {
			header[i] = SafeCell(c.Title)
		}
		if err := cw.Write(header); err != nil {
			return err
		}
	}
	var out []string
	for rows.Next() {
		out = out[:0]
		for i, v := range rows.Row() {
			out = append(out, SafeCell(csvValue(kindAt(cols, i), v)))
		}
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func csvValue(k Kind, v string) string {
	switch k {
	case Number:
		if f, ok := ParseNumber(v); ok {
			return strings.Replace(strconv.FormatFloat(f, 'f', 2, 64), ".", ",", 1)
		}
	case Integer:
		if f, ok := ParseNumber(v); ok && f == float64(int64(f)) {
			return strconv.FormatInt(int64(f), 10)
		}
	case Date:
		if t, ok := ParseDate(v); ok {
			return t.Format("02/01/2006")
		}
	case DateTime:
		if t, ok := ParseDateTime(v); ok {
			return t.Format("02/01/2006 15:04")
		}
	}
	return v
}
