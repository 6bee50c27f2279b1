package cassa

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // Windows may lack the zone database
	"unicode/utf8"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// The XML Schema simple types of the OPI journal. A tipo checks an
// element's text and returns why it is not valid, "" when it is.
type tipo func(v string) string

// spazi are XML's blanks: the schema ignores them around numbers and
// dates (whiteSpace collapse), not in strings.
const spazi = " \t\r\n"

func collassa(v string) string { return strings.Trim(v, spazi) }

// mostra quotes a value for a message, cut when long.
func mostra(v string) string {
	if utf8.RuneCountInString(v) > 40 {
		r := []rune(v)
		v = string(r[:37]) + "…"
	}
	return fmt.Sprintf("«%s»", v)
}

func stringa(string) string { return "" }

// lunghezza is a string of min to max characters (max 0: no limit).
func lunghezza(min, max int) tipo {
	return func(v string) string {
		n := utf8.RuneCountInString(v)
		switch {
		case n == 0 && min > 0:
			return "valore vuoto"
		case n < min:
			return fmt.Sprintf("valore %s di %d caratteri: ne servono almeno %d", mostra(v), n, min)
		case max > 0 && n > max:
			return fmt.Sprintf("valore %s di %d caratteri: al massimo %d", mostra(v), n, max)
		}
		return ""
	}
}

// modello is a string matching a pattern of the schema (anchored, as XML
// Schema patterns are), described for the operator, of at most max
// characters (0: no limit).
func modello(pattern, descr string, max int) tipo {
	re := regexp.MustCompile(`^(?:` + pattern + `)$`)
	return func(v string) string {
		if !re.MatchString(v) || max > 0 && utf8.RuneCountInString(v) > max {
			return fmt.Sprintf("valore %s non valido: %s", mostra(v), descr)
		}
		return ""
	}
}

// elenco is a string out of a list (exact match: no blanks around).
func elenco(valori ...string) tipo {
	ok := make(map[string]bool, len(valori))
	for _, v := range valori {
		ok[v] = true
	}
	return func(v string) string {
		if ok[v] {
			return ""
		}
		return fmt.Sprintf("valore %s non ammesso: %s", mostra(v), elencaValori(valori))
	}
}

func elencaValori(valori []string) string {
	if len(valori) > 8 {
		return fmt.Sprintf("vedere i %d valori del tracciato OPI", len(valori))
	}
	return "ammessi " + strings.Join(valori, ", ")
}

// intero is an xs:nonNegativeInteger from min to max (max "": no limit),
// bounds written as plain digits.
func intero(min, max string) tipo {
	return func(v string) string {
		n, motivo := leggiIntero(v)
		switch {
		case motivo != "":
			return motivo
		case confrontaCifre(n, min) < 0:
			return fmt.Sprintf("valore %s inferiore al minimo %s", mostra(collassa(v)), min)
		case max != "" && confrontaCifre(n, max) > 0:
			return fmt.Sprintf("valore %s superiore al massimo %s", mostra(collassa(v)), max)
		}
		return ""
	}
}

// leggiIntero reads an xs:nonNegativeInteger into its digits without
// leading zeros ("0" for zero).
func leggiIntero(v string) (string, string) {
	s := collassa(v)
	d := strings.TrimPrefix(s, "+")
	neg := false
	if d == s {
		d, neg = strings.CutPrefix(s, "-")
	}
	if d == "" || strings.Trim(d, "0123456789") != "" {
		return "", fmt.Sprintf("valore %s non valido: serve un numero intero senza segno", mostra(s))
	}
	d = strings.TrimLeft(d, "0")
	if d == "" {
		d = "0"
	}
	if neg && d != "0" {
		return "", fmt.Sprintf("valore %s non valido: il numero non può essere negativo", mostra(s))
	}
	return d, ""
}

// confrontaCifre compares two non-negative integers written as digits
// without leading zeros.
func confrontaCifre(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// importo is an xs:decimal of at most 15 digits, 2 of them decimal, as
// every amount of the journal, not below minimo cents unless senzaMinimo.
func importo(minimo int64, senzaMinimo bool) tipo {
	return func(v string) string {
		c, motivo := leggiImporto(v)
		if motivo == "" && !senzaMinimo && c < minimo {
			return fmt.Sprintf("importo %s inferiore al minimo %s", mostra(collassa(v)), euro(minimo))
		}
		return motivo
	}
}

func euro(c int64) string { return strings.Replace(tracciato.Euro(c), ".", ",", 1) }

// leggiImporto reads an xs:decimal amount (totalDigits 15, fractionDigits
// 2) in cents. Like the schema it looks at the value, so "10.500" is fine.
func leggiImporto(v string) (int64, string) {
	s := collassa(v)
	d := s
	neg := false
	if d != "" && (d[0] == '+' || d[0] == '-') {
		neg, d = d[0] == '-', d[1:]
	}
	intPart, frac, _ := strings.Cut(d, ".")
	if intPart+frac == "" || strings.Trim(intPart+frac, "0123456789") != "" {
		return 0, fmt.Sprintf("importo %s non valido: serve un numero con il punto come separatore decimale", mostra(s))
	}
	intPart = strings.TrimLeft(intPart, "0")
	frac = strings.TrimRight(frac, "0")
	switch {
	case len(frac) > 2:
		return 0, fmt.Sprintf("importo %s con più di 2 decimali", mostra(s))
	case len(intPart)+len(frac) > 15:
		return 0, fmt.Sprintf("importo %s con più di 15 cifre", mostra(s))
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var c int64
	for _, r := range intPart + frac {
		c = c*10 + int64(r-'0')
	}
	if neg {
		c = -c
	}
	return c, ""
}

func data(v string) string {
	if _, ok := leggiData(v); !ok {
		return fmt.Sprintf("data %s non valida: serve AAAA-MM-GG", mostra(collassa(v)))
	}
	return ""
}

// leggiData reads an xs:date as a civil date at midnight UTC; a time zone,
// which the schema admits, is checked and dropped.
func leggiData(v string) (time.Time, bool) {
	s := collassa(v)
	if len(s) < 10 {
		return time.Time{}, false
	}
	t, ok := giorno(s[:10])
	if !ok || !fuso(s[10:]) {
		return time.Time{}, false
	}
	return t, true
}

// giorno reads "AAAA-MM-GG".
func giorno(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y, ok1 := cifre(s[0:4])
	m, ok2 := cifre(s[5:7])
	d, ok3 := cifre(s[8:10])
	if !ok1 || !ok2 || !ok3 || y == 0 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 April, 29 February of a common year
		return time.Time{}, false
	}
	return t, true
}

// fuso checks an optional time zone: "", "Z" or ±hh:mm up to ±14:00.
func fuso(s string) bool {
	switch {
	case s == "" || s == "Z":
		return true
	case len(s) != 6 || s[0] != '+' && s[0] != '-' || s[3] != ':':
		return false
	}
	h, ok1 := cifre(s[1:3])
	m, ok2 := cifre(s[4:6])
	return ok1 && ok2 && m < 60 && (h < 14 || h == 14 && m == 0)
}

func cifre(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}

func dataOra(v string) string {
	if _, ok := leggiDataOra(v); !ok {
		return fmt.Sprintf("data e ora %s non valide: serve AAAA-MM-GGThh:mm:ss", mostra(collassa(v)))
	}
	return ""
}

// roma is the zone of a date-time written without one.
var roma = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // time/tzdata is embedded
	}
	return l
}()

// leggiDataOra reads an xs:dateTime ("2022-09-30T02:31:45", with optional
// fraction of second and time zone; without one it is Italian time).
func leggiDataOra(v string) (time.Time, bool) {
	s := collassa(v)
	if len(s) < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	d, ok := giorno(s[:10])
	h, ok1 := cifre(s[11:13])
	m, ok2 := cifre(s[14:16])
	sec, ok3 := cifre(s[17:19])
	if !ok || !ok1 || !ok2 || !ok3 || m > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := s[19:]
	nanos := 0
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			if i <= 9 {
				nanos = nanos*10 + int(rest[i]-'0')
			}
			i++
		}
		if i == 1 {
			return time.Time{}, false
		}
		for k := min(i, 10); k < 10; k++ {
			nanos *= 10
		}
		rest = rest[i:]
	}
	if h > 24 || h == 24 && (m != 0 || sec != 0 || nanos != 0) || !fuso(rest) {
		return time.Time{}, false
	}
	loc := roma
	switch {
	case rest == "Z":
		loc = time.UTC
	case rest != "":
		oh, _ := cifre(rest[1:3])
		om, _ := cifre(rest[4:6])
		off := oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone(rest, off)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, sec, nanos, loc), true
}
