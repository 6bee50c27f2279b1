package tabelle

import "regexp"

// plainNumber matches what a clerk reads as a number: an optional sign,
// digits with an optional decimal part in either notation ("-12,50",
// "-3", "+1.234,56", "-0.5").
var plainNumber = regexp.MustCompile(`^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$|^[+-]?\d+\.\d+$`)

// SafeCell neutralises spreadsheet formula injection (CSV/formula
// injection): a value that a spreadsheet could read as a formula, i.e. one
// starting with '=', '+', '-', '@', a tab or a carriage return, gets a
// leading apostrophe, which Excel and LibreOffice treat as "this is text".
//
// Values that are plain numbers ("-12,50", "-3", "+1.234,56") are left
// alone: a signed amount is not a formula, and an apostrophe would turn it
// into text and break sums in the clerk's spreadsheet.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if plainNumber.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}
