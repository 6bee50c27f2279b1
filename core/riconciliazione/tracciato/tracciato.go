// Package tracciato holds what the reconciliation parsers share: the error
// naming the row (or XML line) and element at fault, and amounts in cents.
package tracciato

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrRiga is one problem in an imported file: "riga N / elemento X: motivo".
// Riga is the 1-based line of a text or XML file, or the sheet row.
type ErrRiga struct {
	Riga     int
	Elemento string
	Motivo   string
}

func (e ErrRiga) Error() string {
	switch {
	case e.Riga > 0 && e.Elemento != "":
		return fmt.Sprintf("riga %d / elemento %s: %s", e.Riga, e.Elemento, e.Motivo)
	case e.Riga > 0:
		return fmt.Sprintf("riga %d: %s", e.Riga, e.Motivo)
	case e.Elemento != "":
		return fmt.Sprintf("elemento %s: %s", e.Elemento, e.Motivo)
	}
	return e.Motivo
}

// MaxErrori is how many row errors a parser collects before it gives up:
// enough to fix a file in one go, not so many that a wrong file floods the
// screen.
const MaxErrori = 100

// Errori is every row error of a file, in file order.
type Errori []ErrRiga

func (e Errori) Error() string {
	lines := make([]string, len(e))
	for i, r := range e {
		lines[i] = r.Error()
	}
	return strings.Join(lines, "\n")
}

// Aggiungi records a row error and reports whether the parser should stop.
func (e *Errori) Aggiungi(riga int, elemento, motivo string) bool {
	*e = append(*e, ErrRiga{riga, elemento, motivo})
	return len(*e) >= MaxErrori
}

// Err is nil without errors, else the Errori.
func (e Errori) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// ErrFormato means the file is not of the expected kind at all (wrong root
// element, unknown version, not a spreadsheet).
var ErrFormato = errors.New("formato non riconosciuto")

// Centesimi parses an amount with at most two decimals ("30.00", "1234.5",
// "-12.30", also with a decimal comma "12,30") into cents.
func Centesimi(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("importo mancante")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	s = strings.Replace(s, ",", ".", 1)
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" || len(frac) > 2 || hasFrac && frac == "" {
		return 0, fmt.Errorf("importo non valido %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var c int64
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("importo non valido %q", s)
		}
		if c > (1<<62)/10 {
			return 0, fmt.Errorf("importo troppo grande %q", s)
		}
		c = c*10 + int64(r-'0')
	}
	if neg {
		c = -c
	}
	return c, nil
}

// Euro formats cents as "1234.56" (the XML and CSV form).
func Euro(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// EuroIT formats cents as the clerk reads them, "1.234,56": dots group
// the thousands, a comma before the cents. For texts only: files and
// exports write Euro.
func EuroIT(c int64) string {
	u := uint64(c)
	sign := ""
	if c < 0 {
		sign, u = "-", -u
	}
	intero := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i := range len(intero) {
		if i > 0 && (len(intero)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(intero[i])
	}
	fmt.Fprintf(&b, ",%02d", u%100)
	return b.String()
}
