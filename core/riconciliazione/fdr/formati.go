package fdr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// The checks of the schema's simple types. Each returns "" when s is
// valid, else the reason in Italian.

// maxImporto is the schema's maxInclusive 999999999.99, in cents.
const maxImporto = 99999999999

// testo checks a stText (min..max characters).
func testo(s string, min, max int) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return "vuoto"
	case n < min || n > max:
		return fmt.Sprintf("%d caratteri: ne sono ammessi da %d a %d", n, min, max)
	}
	return ""
}

// identificativoFlusso checks stIdentificativoFlusso: [a-zA-Z0-9\-_]{1,35}.
func identificativoFlusso(s string) string {
	if s == "" {
		return "vuoto"
	}
	if len(s) > 35 {
		return fmt.Sprintf("%d caratteri: ne sono ammessi al massimo 35", utf8.RuneCountInString(s))
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Sprintf("%q contiene %q: ammessi solo lettere, cifre, '-' e '_'", s, r)
		}
	}
	return ""
}

// cifre reports whether s is a non-empty run of ASCII digits.
func cifre(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// importo parses stImporto / stImportoTotalePagamenti ("\d+\.\d{2}", at
// most 999999999.99); negativo admits a leading minus.
func importo(s string, negativo bool) (int64, string) {
	t := s
	if negativo && strings.HasPrefix(t, "-") {
		t = t[1:]
	}
	i, f, ok := strings.Cut(t, ".")
	if !ok || !cifre(i) || len(f) != 2 || !cifre(f) {
		return 0, fmt.Sprintf("%q non è un importo con due decimali separati dal punto (es. 12.30)", s)
	}
	if len(strings.TrimLeft(i, "0")) > 9 {
		return 0, fmt.Sprintf("%s supera l'importo massimo 999999999.99", s)
	}
	c, err := tracciato.Centesimi(s)
	if err != nil {
		return 0, err.Error()
	}
	return c, ""
}

// intero parses a non-negative xsd:integer written with at most max
// digits (an optional '+' and leading zeros allowed, as the schema does).
func intero(s string, max int) (int64, bool) {
	s = strings.TrimPrefix(s, "+")
	if !cifre(s) {
		return 0, false
	}
	t := strings.TrimLeft(s, "0")
	if len(t) > max {
		return 0, false
	}
	if t == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(t, 10, 64)
	return n, err == nil
}

// forma reports whether s has the shape of pattern, where '9' stands for
// a digit and any other byte for itself.
func forma(s, pattern string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if pattern[i] == '9' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != pattern[i] {
			return false
		}
	}
	return true
}

// fuso checks an xsd timezone suffix: "", "Z" or ±hh:mm.
func fuso(z string) (*time.Location, bool) {
	switch {
	case z == "":
		return nil, true
	case z == "Z":
		return time.UTC, true
	case forma(z[1:], "99:99") && (z[0] == '+' || z[0] == '-'):
		h, _ := strconv.Atoi(z[1:3])
		m, _ := strconv.Atoi(z[4:6])
		if h > 14 || m > 59 {
			return nil, false
		}
		off := (h*60 + m) * 60
		if z[0] == '-' {
			off = -off
		}
		return time.FixedZone(z, off), true
	}
	return nil, false
}

// data parses an xsd:date (AAAA-MM-GG, an optional zone ignored) into the
// civil date at midnight UTC.
func data(s string) (time.Time, string) {
	bad := fmt.Sprintf("%q non è una data AAAA-MM-GG", s)
	if len(s) < 10 || !forma(s[:10], "9999-99-99") {
		return time.Time{}, bad
	}
	if _, ok := fuso(s[10:]); !ok {
		return time.Time{}, bad
	}
	t, err := time.Parse("2006-01-02", s[:10])
	if err != nil || t.Year() < 1 {
		return time.Time{}, fmt.Sprintf("%q non è una data valida", s)
	}
	return t, ""
}

// dataOra parses an xsd:dateTime (AAAA-MM-GGThh:mm:ss, optional fraction
// and zone); without a zone the time is Italian.
func dataOra(s string) (time.Time, string) {
	bad := fmt.Sprintf("%q non è una data e ora AAAA-MM-GGThh:mm:ss", s)
	if len(s) < 19 || !forma(s[:19], "9999-99-99T99:99:99") {
		return time.Time{}, bad
	}
	rest := s[19:]
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 || i > 10 {
			return time.Time{}, bad
		}
		rest = rest[i:]
	}
	loc, ok := fuso(rest)
	if !ok {
		return time.Time{}, bad
	}
	if loc == nil {
		loc = roma
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", s[:len(s)-len(rest)], loc)
	if err != nil || !annoValido(t.In(roma)) {
		return time.Time{}, fmt.Sprintf("%q non è una data e ora valida", s)
	}
	return t, ""
}

// annoValido reports whether t has a year the schema admits (xsd forbids
// 0000) with four digits, as it is written in Italian time.
func annoValido(t time.Time) bool {
	return t.Year() >= 1 && t.Year() <= 9999
}

// civile is the civil date of t, at midnight UTC.
func civile(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
