package anagrafe

import (
	"strings"
	"unicode"
)

const (
	maxEmail = 254 // RFC 5321 path limit minus the angle brackets
	maxLocal = 64
	maxLabel = 63
)

// atextSymbols are the non-alphanumeric characters RFC 5322 allows in a
// dot-atom local part.
const atextSymbols = "!#$%&'*+-/=?^_`{|}~"

// NormalizzaEmail trims surrounding blanks and lower-cases the domain (the
// local part is left alone: in principle it is case-sensitive). It is
// idempotent.
func NormalizzaEmail(s string) string {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	return s[:at+1] + strings.ToLower(s[at+1:])
}

// ValidaEmail checks the syntax of an e-mail address, surrounding blanks
// ignored. It accepts the common form of RFC 5321/5322 and nothing
// exotic: a dot-atom local part (letters, digits, ! # $ % & ' * + - / = ?
// ^ _ ` { | } ~, dots not first, last or doubled) of at most 64
// characters, "@", a domain of at least two labels (letters, digits,
// hyphens, not at a label's ends, at most 63 each) whose last label is
// 2+ letters (or an IDNA "xn--" label), at most 254 characters in all.
// Quoted local parts, IP literals, comments, display names
// ("Mario <m@x.it>") and non-ASCII addresses are refused.
func ValidaEmail(s string) error {
	if e := checkEmail(campoEmail, strings.TrimSpace(s)); e != nil {
		return e
	}
	return nil
}

// ValidaPEC checks a PEC address. A PEC address is an ordinary address on
// a certified domain, so the syntax is that of ValidaEmail; whether the
// domain is certified cannot be told from the address.
func ValidaPEC(s string) error {
	if e := checkEmail(campoPEC, strings.TrimSpace(s)); e != nil {
		return e
	}
	return nil
}

func checkEmail(campo, s string) *Errore {
	fail := func(format string, args ...any) *Errore {
		return newErrore(campo, MotivoSintassi, format, args...)
	}
	if s == "" {
		return newErrore(campo, MotivoVuoto, "non indicato")
	}
	if strings.ContainsAny(s, "<>\"") {
		return fail("indicare solo l'indirizzo, senza nome, virgolette o parentesi angolari (es. nome@comune.it)")
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			return fail("l'indirizzo contiene spazi")
		case r < 0x20 || r == 0x7f:
			return fail("l'indirizzo contiene caratteri di controllo")
		case r >= 0x80:
			return fail("carattere %q non ammesso: sono ammessi solo caratteri ASCII", r)
		}
	}
	if len(s) > maxEmail {
		return fail("l'indirizzo supera %d caratteri (%d)", maxEmail, len(s))
	}
	at := strings.IndexByte(s, '@')
	switch {
	case at < 0:
		return fail("manca il simbolo @")
	case strings.Count(s, "@") > 1:
		return fail("contiene più di un simbolo @")
	}
	local, domain := s[:at], s[at+1:]
	if e := checkLocal(fail, local); e != nil {
		return e
	}
	return checkDomain(fail, domain)
}

type failFunc func(format string, args ...any) *Errore

func checkLocal(fail failFunc, local string) *Errore {
	switch {
	case local == "":
		return fail("manca la parte prima di @")
	case len(local) > maxLocal:
		return fail("la parte prima di @ supera %d caratteri (%d)", maxLocal, len(local))
	case local[0] == '.' || local[len(local)-1] == '.':
		return fail("la parte prima di @ non può iniziare o finire con un punto")
	case strings.Contains(local, ".."):
		return fail("la parte prima di @ contiene due punti consecutivi")
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isAlnum(c) && c != '.' && strings.IndexByte(atextSymbols, c) < 0 {
			return fail("carattere %q non ammesso prima di @", c)
		}
	}
	return nil
}

func checkDomain(fail failFunc, domain string) *Errore {
	switch {
	case domain == "":
		return fail("manca il dominio dopo @")
	case domain[0] == '.' || domain[len(domain)-1] == '.':
		return fail("il dominio non può iniziare o finire con un punto")
	case strings.Contains(domain, ".."):
		return fail("il dominio contiene due punti consecutivi")
	case !strings.Contains(domain, "."):
		return fail("il dominio %q deve contenere almeno un punto (es. comune.it)", domain)
	}
	labels := strings.Split(domain, ".")
	for _, l := range labels {
		if len(l) > maxLabel {
			return fail("la parte %q del dominio supera %d caratteri", l, maxLabel)
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isAlnum(c) && c != '-' {
				return fail("carattere %q non ammesso nel dominio", c)
			}
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fail("la parte %q del dominio non può iniziare o finire con un trattino", l)
		}
	}
	if tld := labels[len(labels)-1]; !validTLD(tld) {
		return fail("il dominio di primo livello %q non è valido (attese almeno due lettere, es. .it)", tld)
	}
	return nil
}

// validTLD accepts 2+ ASCII letters, or an internationalised TLD in its
// ASCII form ("xn--p1ai").
func validTLD(tld string) bool {
	if len(tld) > 4 && strings.EqualFold(tld[:4], "xn--") {
		return true // the label characters were checked already
	}
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		c := tld[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
