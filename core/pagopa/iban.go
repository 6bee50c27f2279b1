package pagopa

import (
	"fmt"
	"math/big"
	"strings"
)

// NormalizzaIBAN removes blanks and upper-cases, as people copy an IBAN
// from a letter: "IT60 X054 2811 1010 0000 0123 456".
func NormalizzaIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ValidaIBAN checks an IBAN after NormalizzaIBAN: country letters, length
// (27 for Italy), characters and the ISO 13616 check digits (mod 97). The
// message is Italian, without the field name.
func ValidaIBAN(s string) error {
	if len(s) < 15 || len(s) > 34 {
		return fmt.Errorf("lunghezza %d: un IBAN ha da 15 a 34 caratteri (27 in Italia)", len(s))
	}
	if s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return fmt.Errorf("deve iniziare con il codice del paese e due cifre di controllo (es. IT60…)")
	}
	if s[:2] == "IT" && len(s) != 27 {
		return fmt.Errorf("un IBAN italiano ha 27 caratteri, trovati %d", len(s))
	}
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			fmt.Fprint(&digits, int(r-'A')+10)
		default:
			return fmt.Errorf("carattere non ammesso «%c»: solo lettere e cifre", r)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	if new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return fmt.Errorf("cifre di controllo errate: controllare di averlo copiato per intero")
	}
	return nil
}
