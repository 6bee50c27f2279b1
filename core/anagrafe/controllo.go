// Package anagrafe validates Italian personal and company identifiers:
// codice fiscale (with omocodia and birthplace), partita IVA, 11-digit
// fiscal codes of legal entities, e-mail and PEC addresses, and looks up
// comuni from the bundled ISTAT data.
package anagrafe

// oddValues maps a character at an odd (1-based) position of a codice
// fiscale to its value in the check-character sum; digits share the value
// of the letter with the same index (0/A, 1/B, ...).
var oddValues = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// CarattereControllo computes the 16th character of a codice fiscale from
// the first 15 (upper case, as written: omocodic digits stay letters).
// ok is false when first15 is not 15 characters of A-Z/0-9.
func CarattereControllo(first15 string) (check byte, ok bool) {
	if len(first15) != 15 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := first15[i]
		var idx int
		switch {
		case c >= '0' && c <= '9':
			idx = int(c - '0')
		case c >= 'A' && c <= 'Z':
			idx = int(c - 'A')
		default:
			return 0, false
		}
		if i%2 == 0 { // 1-based odd position
			sum += oddValues[idx]
		} else {
			sum += idx
		}
	}
	return byte('A' + sum%26), true
}
