package anagrafe

import (
	"strings"
	"unicode/utf8"
)

// Omocodia: when two people would get the same code, the Agenzia delle
// Entrate replaces digits at these 0-based indexes (1-based positions 7,
// 8, 10, 11, 13, 14, 15) with the letters of omocodiaLetters, 0 -> L ...
// 9 -> V.
var omocodiaIndexes = [...]int{6, 7, 9, 10, 12, 13, 14}

const omocodiaLetters = "LMNPQRSTUV"

// monthLetters are the month codes, January to December.
const monthLetters = "ABCDEHLMPRST"

var monthNames = [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
	"luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// NormalizzaCodiceFiscale trims surrounding blanks and upper-cases ASCII
// letters; nothing else is changed (inner blanks stay, and are then an
// error). It is idempotent.
func NormalizzaCodiceFiscale(cf string) string {
	return upperASCII(strings.TrimSpace(cf))
}

// ValidaCodiceFiscale checks a 16-character codice fiscale of a person
// after NormalizzaCodiceFiscale: shape, omocodia, month, day (women +40,
// against the month's length), check character and birthplace (a current
// or suppressed comune, or a foreign state, of the bundled data). The
// error is an *Errore; its Motivo tells which check failed. A code whose
// only fault is a birthplace missing from the data (e.g. a state that no
// longer exists) fails with MotivoLuogo, every other check having passed.
func ValidaCodiceFiscale(cf string) error {
	if _, err := analizza(NormalizzaCodiceFiscale(cf)); err != nil {
		return err
	}
	return nil
}

// fields is what the code says, before the century is known.
type fields struct {
	code      string // normalised, as written
	base      string // omocodia undone, check character recomputed
	yy        int    // two-digit year
	month     int    // 1-12
	day       int    // 1-31 (the +40 of women removed)
	female    bool
	belfiore  string // letter + 3 digits, omocodia undone
	omocodico bool
}

// analizza runs every check on a normalised code. It returns *Errore
// rather than error so that callers never see a typed nil.
func analizza(cf string) (fields, *Errore) {
	var f fields
	if err := checkShape(cf); err != nil {
		return f, err
	}
	f.code = cf
	plain := []byte(cf)
	for _, i := range omocodiaIndexes {
		if k := strings.IndexByte(omocodiaLetters, plain[i]); k >= 0 {
			plain[i] = byte('0' + k)
			f.omocodico = true
		}
	}
	f.yy = int(plain[6]-'0')*10 + int(plain[7]-'0')
	f.month = strings.IndexByte(monthLetters, plain[8]) + 1
	if f.month == 0 {
		return f, newErrore(campoCodiceFiscale, MotivoMese,
			"mese di nascita non valido (lettera %c; ammesse A B C D E H L M P R S T)", plain[8])
	}
	raw := int(plain[9]-'0')*10 + int(plain[10]-'0')
	f.day, f.female = raw, false
	if raw > 40 {
		f.day, f.female = raw-40, true
	}
	if f.day < 1 || f.day > 31 {
		return f, newErrore(campoCodiceFiscale, MotivoGiorno,
			"giorno di nascita non valido (%02d; ammessi 01-31 per gli uomini, 41-71 per le donne)", raw)
	}
	if f.day > daysIn(f.month, f.yy) {
		extra := ""
		if f.month == 2 && f.day == 29 {
			extra = " in un anno non bisestile"
		}
		return f, newErrore(campoCodiceFiscale, MotivoGiorno,
			"giorno di nascita non valido (%d %s%s)", f.day, monthNames[f.month-1], extra)
	}
	want, _ := CarattereControllo(cf[:15])
	if cf[15] != want {
		return f, newErrore(campoCodiceFiscale, MotivoControllo,
			"carattere di controllo errato: atteso %c, trovato %c", want, cf[15])
	}
	f.belfiore = string(plain[11:15])
	if !luogoNoto(f.belfiore) {
		if f.belfiore[0] == 'Z' {
			return f, newErrore(campoCodiceFiscale, MotivoLuogo,
				"codice dello stato estero di nascita %s sconosciuto", f.belfiore)
		}
		return f, newErrore(campoCodiceFiscale, MotivoLuogo,
			"codice del comune di nascita %s sconosciuto", f.belfiore)
	}
	check, _ := CarattereControllo(string(plain[:15]))
	f.base = string(plain[:15]) + string(check)
	return f, nil
}

// checkShape checks length, alphabet and which positions hold letters
// and which digits (or their omocodia letters).
func checkShape(cf string) *Errore {
	if cf == "" {
		return newErrore(campoCodiceFiscale, MotivoVuoto, "non indicato")
	}
	if n := utf8.RuneCountInString(cf); n != 16 {
		return newErrore(campoCodiceFiscale, MotivoLunghezza, "lunghezza %d, attesi 16 caratteri", n)
	}
	for i, r := range cf { // i is a byte offset: equal to the position while all is ASCII
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			what := "carattere"
			if r == ' ' || r == '\t' || r == '\u00a0' {
				what = "spazio"
			}
			return newErrore(campoCodiceFiscale, MotivoCarattere,
				"%s non ammesso in posizione %d (%q): sono ammesse solo lettere e cifre", what, i+1, r)
		}
	}
	for i := 0; i < 16; i++ {
		c := cf[i]
		digit := isOmocodiaIndex(i)
		switch {
		case digit && !isDigit(c) && strings.IndexByte(omocodiaLetters, c) < 0:
			return newErrore(campoCodiceFiscale, MotivoCarattere,
				"carattere %c in posizione %d non valido: attesa una cifra (o una lettera di omocodia L M N P Q R S T U V)", c, i+1)
		case !digit && isDigit(c):
			return newErrore(campoCodiceFiscale, MotivoCarattere,
				"carattere %c in posizione %d non valido: attesa una lettera", c, i+1)
		}
	}
	return nil
}

func isOmocodiaIndex(i int) bool {
	for _, j := range omocodiaIndexes {
		if i == j {
			return true
		}
	}
	return false
}

// daysIn is the length of the month. The century of a two-digit year is
// unknown, but 19yy and 20yy are both leap years or both not, except for
// 00 (2000 was, 1900 was not): 29 February is accepted for 00.
func daysIn(month, yy int) int {
	switch month {
	case 2:
		if yy%4 == 0 {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// luogoNoto reports whether a Belfiore code is a comune (current or
// suppressed) or a foreign state of the bundled data.
func luogoNoto(code string) bool {
	ix := dati()
	if code[0] == 'Z' {
		_, ok := ix.stati[code]
		return ok
	}
	_, ok := ix.byBelfiore[code]
	return ok || len(ix.soppressi[code]) > 0
}
