package anagrafe

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// GeneraCodiceFiscale computes the codice fiscale (without omocodia) of a
// person: 3 letters from the surname, 3 from the name, year, month letter,
// day (+40 for women), birthplace, check character.
//
// Surname: its first three consonants, then its vowels in order, then X
// up to three letters. Name: the same, except that a name with four or
// more consonants gives its 1st, 3rd and 4th. Accents are removed and
// everything but letters (blanks, apostrophes, hyphens) is ignored:
// "D'Angelo" counts as DANGELO. Vowels are A E I O U; every other letter,
// Y, J, K, W and X included, is a consonant.
//
// The date is taken in its own location; sesso is 'M' or 'F' (either
// case); belfiore must be a comune (current or suppressed) or foreign
// state of the bundled data. Errors are *Errore with MotivoDati.
func GeneraCodiceFiscale(cognome, nome string, nascita time.Time, sesso byte, belfiore string) (string, error) {
	fail := func(format string, args ...any) (string, error) {
		return "", newErrore(campoCodiceFiscale, MotivoDati, format, args...)
	}
	sur, err := nameLetters(cognome)
	if err != "" {
		return fail("cognome %s", err)
	}
	giv, err := nameLetters(nome)
	if err != "" {
		return fail("nome %s", err)
	}
	female := false
	switch sesso {
	case 'M', 'm':
	case 'F', 'f':
		female = true
	default:
		return fail("sesso %q non valido: indicare M o F", sesso)
	}
	if nascita.IsZero() {
		return fail("data di nascita non indicata")
	}
	belfiore = upperASCII(strings.TrimSpace(belfiore))
	if !belfioreRe.MatchString(belfiore) {
		return fail("codice catastale %q non valido: attesi una lettera e tre cifre", belfiore)
	}
	if !luogoNoto(belfiore) {
		return fail("codice catastale %s sconosciuto", belfiore)
	}
	y, m, d := nascita.Date()
	if female {
		d += 40
	}
	var b strings.Builder
	b.WriteString(surnameCode(sur))
	b.WriteString(givenNameCode(giv))
	fmt.Fprintf(&b, "%02d%c%02d%s", ((y%100)+100)%100, monthLetters[m-1], d, belfiore)
	check, _ := CarattereControllo(b.String())
	b.WriteByte(check)
	return b.String(), nil
}

// nameLetters returns the upper-case ASCII letters of a name, accents
// removed; the second result is an Italian complaint when none is left or
// the name holds letters that have no Latin spelling.
func nameLetters(s string) (string, string) {
	var b strings.Builder
	for _, r := range s {
		f := foldRune(r)
		if f == "" {
			if unicode.IsLetter(r) {
				return "", fmt.Sprintf("con lettera %q non traslitterabile", r)
			}
			continue
		}
		for i := 0; i < len(f); i++ {
			switch c := f[i]; {
			case c >= 'a' && c <= 'z':
				b.WriteByte(c - ('a' - 'A'))
			case c >= 'A' && c <= 'Z':
				b.WriteByte(c)
			}
		}
	}
	if b.Len() == 0 {
		return "", "non indicato"
	}
	return b.String(), ""
}

func splitLetters(s string) (consonants, vowels string) {
	var c, v strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("AEIOU", s[i]) >= 0 {
			v.WriteByte(s[i])
		} else {
			c.WriteByte(s[i])
		}
	}
	return c.String(), v.String()
}

func surnameCode(s string) string {
	c, v := splitLetters(s)
	return (c + v + "XXX")[:3]
}

func givenNameCode(s string) string {
	c, v := splitLetters(s)
	if len(c) >= 4 {
		return string([]byte{c[0], c[2], c[3]})
	}
	return (c + v + "XXX")[:3]
}

// GeneraPartitaIVA builds a valid partita IVA from a 7-digit serial
// number and a 3-digit office code (1-100): for demo and test data.
func GeneraPartitaIVA(matricola, ufficio int) string {
	first10 := fmt.Sprintf("%07d%03d", matricola%10_000_000, 1+(ufficio-1+100)%100)
	return first10 + string(checkDigit11(first10))
}
