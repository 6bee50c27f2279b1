package anagrafe

import (
	"strings"
	"unicode/utf8"
)

// ValidaPartitaIVA checks an Italian partita IVA: 11 digits, check digit
// (see checkDigit11) and office code, digits 8-10, between 001 and 100 or
// one of 120, 121, 888, 999. Surrounding blanks are ignored; the "IT"
// prefix of EU VAT numbers is refused with a message saying to drop it.
func ValidaPartitaIVA(s string) error {
	s = strings.TrimSpace(s)
	if len(s) == 13 && strings.EqualFold(s[:2], "IT") && allDigits(s[2:]) {
		return newErrore(campoPartitaIVA, MotivoPrefissoIT, "indicare le 11 cifre senza il prefisso IT")
	}
	if e := checkNumeric11(campoPartitaIVA, s); e != nil {
		return e
	}
	switch office := s[7:10]; {
	case office >= "001" && office <= "100", office == "120", office == "121", office == "888", office == "999":
	default:
		return newErrore(campoPartitaIVA, MotivoUfficio,
			"codice ufficio %s (cifre 8-10) non valido: ammessi 001-100, 120, 121, 888, 999", office)
	}
	return nil
}

// ValidaCodiceFiscaleNumerico checks the 11-digit codice fiscale of a
// legal entity (ente, associazione, società: often equal to its partita
// IVA) or the temporary one of a person: 11 digits and check digit.
// Surrounding blanks are ignored.
func ValidaCodiceFiscaleNumerico(s string) error {
	if e := checkNumeric11(campoCodiceFiscale, strings.TrimSpace(s)); e != nil {
		return e
	}
	return nil
}

// ValidaCodiceFiscaleOPartitaIVA accepts either a person's 16-character
// codice fiscale (ValidaCodiceFiscale) or an 11-digit code
// (ValidaCodiceFiscaleNumerico, which every valid partita IVA passes).
func ValidaCodiceFiscaleOPartitaIVA(s string) error {
	n := NormalizzaCodiceFiscale(s)
	switch {
	case n != "" && allDigits(n):
		return ValidaCodiceFiscaleNumerico(n)
	case utf8.RuneCountInString(n) == 16 || n == "":
		return ValidaCodiceFiscale(n)
	}
	return newErrore(campoCodiceFiscale, MotivoLunghezza,
		"lunghezza %d, attesi 16 caratteri (persona fisica) o 11 cifre (ente, società o partita IVA)",
		utf8.RuneCountInString(n))
}

// checkNumeric11 checks length, digits, not all zeros, and check digit.
func checkNumeric11(campo, s string) *Errore {
	if s == "" {
		return newErrore(campo, MotivoVuoto, "non indicato")
	}
	if n := utf8.RuneCountInString(s); n != 11 {
		return newErrore(campo, MotivoLunghezza, "lunghezza %d, attese 11 cifre", n)
	}
	for i, r := range s {
		if r < '0' || r > '9' {
			return newErrore(campo, MotivoCarattere,
				"carattere %q in posizione %d non valido: sono ammesse solo cifre", r, i+1)
		}
	}
	if s == "00000000000" {
		return newErrore(campo, MotivoSoliZeri, "composto da soli zeri")
	}
	if want := checkDigit11(s[:10]); s[10] != want {
		return newErrore(campo, MotivoControllo,
			"cifra di controllo errata: attesa %c, trovata %c", want, s[10])
	}
	return nil
}

// checkDigit11 computes the 11th digit from the first 10: digits at odd
// positions (1st, 3rd, ... 9th) are added; those at even positions are
// doubled, minus 9 when above 9, and added; the check digit is
// (10 - sum mod 10) mod 10.
func checkDigit11(first10 string) byte {
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(first10[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
