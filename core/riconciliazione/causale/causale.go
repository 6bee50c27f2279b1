// Package causale finds, in the causale of a treasury credit, what the
// credit pays: a pagoPA reporting flow (/PUR/LGPE-RIVERSAMENTO/URI/<IUF>) or
// a single payment (/RFS/<IUV>/<importo>, /RFB/<IUV>[/<importo>]), written
// the way banks actually write them: any case, blanks inside the keywords
// and inside the date of the IUF, prefixes ("RI1", "ACCREDITO ...") and
// trailing text (" DATA 15/01/2024", "/TXT/...").
//
// It is a hand-written scanner: one pass over the string, no regexp, no
// allocation except the returned IUF.
package causale

import (
	"strings"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Tipo is what a causale refers to.
type Tipo int

const (
	Nessuno   Tipo = iota // no recognisable reference
	Flusso                // a reporting flow: IUF
	Pagamento             // a single payment: IUV, maybe the amount
)

func (t Tipo) String() string {
	switch t {
	case Flusso:
		return "flusso"
	case Pagamento:
		return "pagamento"
	}
	return "nessuno"
}

// Riferimento is the reference found in a causale. IUF and IUV keep the
// case of the causale (banks upper- or lower-case whole lines): compare them
// with strings.EqualFold.
type Riferimento struct {
	Tipo       Tipo
	IUF        string // Flusso: blanks removed
	IUV        string // Pagamento
	Importo    int64  // Pagamento: cents, 0 if absent
	ConImporto bool   // Pagamento: the causale carries the amount
}

// maxIUF is the length limit of identificativoFlusso (stIdentificativoFlusso:
// [a-zA-Z0-9\-_]{1,35}).
const maxIUF = 35

// Leggi returns the reference in causale s. A reporting flow wins over a
// single payment when a causale names both.
func Leggi(s string) Riferimento {
	if iuf, ok := cercaFlusso(s); ok {
		return Riferimento{Tipo: Flusso, IUF: iuf}
	}
	if r, ok := cercaPagamento(s); ok {
		return r
	}
	return Riferimento{}
}

// IUVValido reports whether s is an IUV: 15 or 17 digits, or an RF creditor
// reference (ISO 11649: RF, 2 check digits, 1 to 21 letters or digits) with
// correct check digits.
func IUVValido(s string) bool {
	if (len(s) == 15 || len(s) == 17) && cifre(s) {
		return true
	}
	if len(s) < 5 || len(s) > 25 || !prefisso(s, 0, "RF") || !cifre(s[2:4]) {
		return false
	}
	// Check: the reference, then "RF" and the check digits, letters as
	// 10..35, must be 1 modulo 97.
	resto := 0
	for _, c := range []byte(s[4:] + s[:4]) {
		switch {
		case c >= '0' && c <= '9':
			resto = (resto*10 + int(c-'0')) % 97
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			resto = (resto*100 + int(c|0x20-'a') + 10) % 97
		default:
			return false
		}
	}
	return resto == 1
}

// cercaFlusso looks for LGPE <sep> RIVERSAMENTO <sep> [URI <sep>] IUF, or
// for /URI/ IUF when the bank dropped the first part.
func cercaFlusso(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		var j int
		switch {
		case prefisso(s, i, "LGPE"):
			j = salta(s, i+4, " \t\r\n-_/")
			if !prefisso(s, j, "RIVERSAMENTO") {
				continue
			}
			j = salta(s, j+len("RIVERSAMENTO"), " \t\r\n/-")
			if prefisso(s, j, "URI") {
				j = salta(s, j+3, " \t\r\n/:-")
			}
		case s[i] == '/':
			j = salta(s, i+1, spazi)
			if !prefisso(s, j, "URI") {
				continue
			}
			j = salta(s, j+3, spazi)
			if j == len(s) || s[j] != '/' {
				continue
			}
			j = salta(s, j+1, spazi)
		default:
			continue
		}
		if iuf, ok := leggiIUF(s, j); ok {
			return iuf, true
		}
	}
	return "", false
}

// leggiIUF reads an IUF at s[i:]: the settlement date YYYY-MM-DD, where
// banks may have put blanks anywhere, then the PSP id and a free part
// ([A-Za-z0-9_-], no blanks: the first blank ends the IUF).
func leggiIUF(s string, i int) (string, bool) {
	var data [10]byte
	n := 0
	for ; i < len(s) && n < len(data); i++ {
		c := s[i]
		switch {
		case spazio(c) && n > 0:
			continue
		case n == 4 || n == 7:
			if c != '-' {
				return "", false
			}
		case c < '0' || c > '9':
			return "", false
		}
		data[n] = c
		n++
	}
	if n < len(data) || !dataValida(data) {
		return "", false
	}
	i = salta(s, i, spazi)
	inizio := i
	for i < len(s) && carattereIUF(s[i]) {
		i++
	}
	resto := s[inizio:i]
	if resto == "" || resto[0] == '-' || resto[0] == '_' || len(data)+len(resto) > maxIUF {
		return "", false
	}
	return string(data[:]) + resto, true
}

// cercaPagamento looks for /RFS/ or /RFB/ followed by an IUV and maybe the
// amount.
func cercaPagamento(s string) (Riferimento, bool) {
	for i := 0; i+3 <= len(s); i++ {
		if !prefisso(s, i, "RFS") && !prefisso(s, i, "RFB") {
			continue
		}
		if i > 0 && s[i-1] != '/' && !spazio(s[i-1]) {
			continue
		}
		j := salta(s, i+3, spazi)
		if j == len(s) || s[j] != '/' {
			continue
		}
		j = salta(s, j+1, spazi)
		k := j
		for k < len(s) && alfanumerico(s[k]) {
			k++
		}
		iuv := s[j:k]
		if !IUVValido(iuv) || (k < len(s) && s[k] != '/' && !spazio(s[k])) {
			continue
		}
		r := Riferimento{Tipo: Pagamento, IUV: iuv}
		r.Importo, r.ConImporto = leggiImporto(s, k)
		return r, true
	}
	return Riferimento{}, false
}

// leggiImporto reads "/150.00" or "/150,00" (also without decimals) after
// the IUV; anything else ("/TXT/...", a malformed number) is no amount.
func leggiImporto(s string, i int) (int64, bool) {
	i = salta(s, i, spazi)
	if i == len(s) || s[i] != '/' {
		return 0, false
	}
	i = salta(s, i+1, spazi)
	inizio := i
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		i++
	}
	num := s[inizio:i]
	if num == "" || i < len(s) && s[i] != '/' && !spazio(s[i]) {
		return 0, false
	}
	if sep := strings.IndexAny(num, ".,"); sep >= 0 && (sep == 0 || len(num)-sep-1 < 1 || len(num)-sep-1 > 2) {
		return 0, false
	}
	c, err := tracciato.Centesimi(num)
	if err != nil {
		return 0, false
	}
	return c, true
}

const spazi = " \t\r\n"

func spazio(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func salta(s string, i int, set string) int {
	for i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
		i++
	}
	return i
}

// prefisso reports whether s[i:] starts with w (upper case ASCII),
// ignoring case.
func prefisso(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	for k := 0; k < len(w); k++ {
		c := s[i+k]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

func cifre(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func alfanumerico(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
}

func carattereIUF(c byte) bool { return alfanumerico(c) || c == '-' || c == '_' }

// dataValida checks YYYY-MM-DD (shape already checked) for a real day of
// this century.
func dataValida(d [10]byte) bool {
	num := func(a, b int) int {
		n := 0
		for _, c := range d[a:b] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	anno, mese, giorno := num(0, 4), num(5, 7), num(8, 10)
	if anno < 2000 || anno > 2099 || mese < 1 || mese > 12 || giorno < 1 {
		return false
	}
	giorni := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mese]
	if mese == 2 && anno%4 == 0 { // 2000 is a leap year: the %100 rule never applies here
		giorni = 29
	}
	return giorno <= giorni
}
