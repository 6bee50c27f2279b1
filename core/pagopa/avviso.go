// Package pagopa: pagoPA identifiers (the notice number, codice avviso, and
// the IUV inside it) and their check digits.
package pagopa

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LunghezzaCodiceAvviso is how many digits a notice number has.
const LunghezzaCodiceAvviso = 18

// maxBase is the first value that does not fit the 13 digits of the base.
const maxBase = 10_000_000_000_000

// ValidaCodiceAvviso checks a notice number exactly as written (call
// NormalizzaCodiceAvviso first for input typed by people): 18 digits, aux
// digit 3 (the only one pagoPA still issues: 3 + segregation code (2) +
// base (13) + check digits (2)), and check digits equal to the first 16
// digits, read as an integer, modulo 93. The message is Italian, lower case,
// without the field name.
func ValidaCodiceAvviso(s string) error {
	if s == "" {
		return errors.New("mancante")
	}
	for i, r := range s {
		if r < '0' || r > '9' {
			return fmt.Errorf("sono ammesse solo cifre: trovato «%c» in posizione %d", r, utf8.RuneCountInString(s[:i])+1)
		}
	}
	if len(s) != LunghezzaCodiceAvviso {
		return fmt.Errorf("deve avere %d cifre, trovate %d", LunghezzaCodiceAvviso, len(s))
	}
	switch aux := s[0]; aux {
	case '3':
	case '0', '1', '2':
		return fmt.Errorf("la prima cifra (aux digit) è %c: i codici avviso con prima cifra 0, 1 o 2 non sono più emessi da pagoPA, è ammessa solo la 3", aux)
	default:
		return fmt.Errorf("la prima cifra (aux digit) deve essere 3, trovata %c", aux)
	}
	n, _ := strconv.ParseUint(s[:16], 10, 64) // 16 digits always fit
	if want := fmt.Sprintf("%02d", n%93); want != s[16:] {
		return fmt.Errorf("cifre di controllo errate: attese %s, trovate %s", want, s[16:])
	}
	return nil
}

// CodiceAvviso builds the notice number of aux digit 3 with the given
// segregation code (0..99) and base (13 digits, below 10^13), check digits
// included. It panics when an argument is out of range: callers generate
// these numbers, they do not read them from users.
func CodiceAvviso(segregazione int, base uint64) string {
	if segregazione < 0 || segregazione > 99 || base >= maxBase {
		panic(fmt.Sprintf("pagopa.CodiceAvviso: segregazione %d (0..99) o base %d (13 cifre) fuori intervallo", segregazione, base))
	}
	first16 := fmt.Sprintf("3%02d%013d", segregazione, base)
	n, _ := strconv.ParseUint(first16, 10, 64)
	return fmt.Sprintf("%s%02d", first16, n%93)
}

// IUV is the Identificativo Univoco di Versamento inside a notice number:
// the 17 digits after the aux digit. It returns "" when codiceAvviso is not
// 18 characters long; it does not validate the digits.
func IUV(codiceAvviso string) string {
	if len(codiceAvviso) != LunghezzaCodiceAvviso {
		return ""
	}
	return codiceAvviso[1:]
}

// FormattaCodiceAvviso writes a notice number the way the printed notice
// does, in groups of four: "3010 0000 0000 0001 44".
func FormattaCodiceAvviso(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	n := 0
	for _, r := range s {
		if n > 0 && n%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// NormalizzaCodiceAvviso removes what people put between the digits when
// they copy a notice number from a printed notice or a web page: blanks
// (including non-breaking spaces), dots and dashes. Everything else is kept,
// so that ValidaCodiceAvviso can report it. It is idempotent.
func NormalizzaCodiceAvviso(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\u00a0', '\u202f', '\u2007', '.', '-', '\u2010', '\u2011', '\u2012', '\u2013':
			return -1
		}
		return r
	}, s)
}

// FormattaImporto writes cents the Italian way: 123456 → "1.234,56".
func FormattaImporto(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-(cents+1))+1
	}
	units := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i := range len(units) {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(units[i])
	}
	fmt.Fprintf(&b, ",%02d", u%100)
	return b.String()
}
