package anagrafe

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// Fuzz targets. `go test` runs only their seeds; explore with e.g.
//
//	go test -run '^$' -fuzz FuzzValidaCodiceFiscale -fuzztime 30s ./core/anagrafe/

var motivi = map[Motivo]bool{
	MotivoVuoto: true, MotivoLunghezza: true, MotivoCarattere: true, MotivoControllo: true,
	MotivoMese: true, MotivoGiorno: true, MotivoLuogo: true, MotivoUfficio: true,
	MotivoSintassi: true, MotivoDati: true, MotivoSoliZeri: true, MotivoPrefissoIT: true,
}

// wellFormed fails unless err is nil or a complete *Errore for campo.
func wellFormed(t *testing.T, err error, campo string) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Errore
	if !errors.As(err, &e) || e.Campo != campo || e.Dettaglio == "" || !motivi[e.Motivo] ||
		err.Error() != campo+": "+e.Dettaglio {
		t.Fatalf("malformed error %#v", err)
	}
}

const cfAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func FuzzValidaCodiceFiscale(f *testing.F) {
	for _, s := range []string{
		"RSSMRA80A01H501U", "rssmra80a01h501u ", "RSSMRA80A01H50MM", "RSSMRAULALMHRLMD",
		"BNCLRA85T50F205A", "CLMGFR90E50Z404T", "RSSMRA80A01I879D", "RSSMRA00B69H501C",
		"RSSMRA80A01H501X", "RSSMRA81B29H501R", "RSSMRA80A01Z999Y", "RSSMRA80F01H501G",
		"", " ", "RSSMRÀ80A01H501U", "\xff\xfe", "ıſ", "RSS MRA80A01H501",
	} {
		f.Add(s)
	}
	ref := time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizzaCodiceFiscale(s)
		if NormalizzaCodiceFiscale(n) != n {
			t.Fatalf("normalisation not idempotent: %q -> %q -> %q", s, n, NormalizzaCodiceFiscale(n))
		}
		err := ValidaCodiceFiscale(s)
		wellFormed(t, err, campoCodiceFiscale)
		if errN := ValidaCodiceFiscale(n); (err == nil) != (errN == nil) || (err != nil && err.Error() != errN.Error()) {
			t.Fatalf("%q and its normal form %q disagree: %v / %v", s, n, err, errN)
		}
		d, perr := ParseCodiceFiscale(s, ref)
		if (err == nil) != (perr == nil) {
			t.Fatalf("Valida and Parse disagree on %q: %v / %v", s, err, perr)
		}
		if err != nil {
			return
		}
		// A valid code.
		if len(n) != 16 || d.Codice != n {
			t.Fatalf("valid %q: normal form %q, parsed %q", s, n, d.Codice)
		}
		if c, _ := CarattereControllo(n[:15]); c != n[15] {
			t.Fatalf("valid %q with check %c", n, c)
		}
		if ValidaCodiceFiscaleOPartitaIVA(s) != nil {
			t.Fatalf("ValidaCodiceFiscaleOPartitaIVA refuses %q", s)
		}
		b, err := ParseCodiceFiscale(d.CodiceBase, ref)
		if err != nil || b.Omocodico || b.DataNascita != d.DataNascita || b.Sesso != d.Sesso || b.Belfiore != d.Belfiore {
			t.Fatalf("CodiceBase %q of %q: %+v, %v", d.CodiceBase, n, b, err)
		}
		if d.DataNascita.After(ref) || d.DataNascita.Year() < 1900 {
			t.Fatalf("%q: born %v", n, d.DataNascita)
		}
		// Any single substitution makes it invalid: the odd-position table
		// is a permutation, and letters and digits of equal value never
		// share a position.
		for i := 0; i < 16; i++ {
			for j := 0; j < len(cfAlphabet); j++ {
				if cfAlphabet[j] == n[i] {
					continue
				}
				m := n[:i] + cfAlphabet[j:j+1] + n[i+1:]
				if ValidaCodiceFiscale(m) == nil {
					t.Fatalf("%q valid, and so is %q", n, m)
				}
			}
		}
	})
}

var (
	knownCodesOnce sync.Once
	knownCodes     []string
)

// allBirthplaces lists every Belfiore code of the data, sorted.
func allBirthplaces() []string {
	knownCodesOnce.Do(func() {
		ix := dati()
		for c := range ix.byBelfiore {
			knownCodes = append(knownCodes, c)
		}
		for c := range ix.soppressi {
			knownCodes = append(knownCodes, c)
		}
		for c := range ix.stati {
			knownCodes = append(knownCodes, c)
		}
		sort.Strings(knownCodes)
	})
	return knownCodes
}

func FuzzGeneraCodiceFiscale(f *testing.F) {
	f.Add("Rossi", "Mario", int64(3652), false, uint16(0))
	f.Add("D'Amico", "Niccolò", int64(37832), true, uint16(9000))
	f.Add("", "Al", int64(-1), false, uint16(7))
	f.Add("Иванов", "Ivan", int64(0), false, uint16(1))
	f.Add("Ø Æ ß", "ĳ", int64(36583), true, uint16(65535))
	f.Add("O'", "Y", int64(73000), true, uint16(42))
	f.Fuzz(func(t *testing.T, cognome, nome string, days int64, female bool, pick uint16) {
		// a birth date between 1900-01-01 and 2099-12-31
		const span = 73049
		days = ((days % span) + span) % span
		nascita := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
		codes := allBirthplaces()
		belfiore := codes[int(pick)%len(codes)]
		sesso := byte('M')
		if female {
			sesso = 'F'
		}
		cf, err := GeneraCodiceFiscale(cognome, nome, nascita, sesso, belfiore)
		_, e1 := nameLetters(cognome)
		_, e2 := nameLetters(nome)
		if err != nil {
			wellFormed(t, err, campoCodiceFiscale)
			if !errors.Is(err, MotivoDati) || (e1 == "" && e2 == "") {
				t.Fatalf("GeneraCodiceFiscale(%q, %q, %v, %c, %s): %v", cognome, nome, nascita, sesso, belfiore, err)
			}
			return
		}
		if e1 != "" || e2 != "" {
			t.Fatalf("generated %q from unusable names %q %q", cf, cognome, nome)
		}
		if err := ValidaCodiceFiscale(cf); err != nil {
			t.Fatalf("generated %q does not validate: %v", cf, err)
		}
		// With a reference at the end of the birth's century, the century
		// resolves to the right one (19yy: reference 1999-12-31).
		ref := time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
		if nascita.Year() < 2000 {
			ref = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)
		}
		d, err := ParseCodiceFiscale(cf, ref)
		if err != nil || d.Belfiore != belfiore || d.Sesso != sesso || d.Omocodico || d.CodiceBase != cf {
			t.Fatalf("ParseCodiceFiscale(%q): %+v, %v", cf, d, err)
		}
		if !d.DataNascita.Equal(nascita) {
			t.Fatalf("%q: born %v, want %v (reference %v)", cf, d.DataNascita, nascita, ref)
		}
		for i := 0; i < 6; i++ {
			if !unicode.IsUpper(rune(cf[i])) {
				t.Fatalf("%q: name part %q", cf, cf[:6])
			}
		}
	})
}

func FuzzValidaEmail(f *testing.F) {
	for _, s := range []string{
		"mario.rossi@comune.roma.it", " Mario@Example.COM ", "a@b.co", "x!#$%&'*+-/=?^_`{|}~y@example.org",
		"user@example.xn--p1ai", "", "@", "a@b", "a@@b.it", "a..b@c.it", "a@-b.it", "a@b.i",
		"Mario <m@x.it>", "mario@città.it", "a@b.it\x00", strings.Repeat("a", 65) + "@b.it",
		"a@" + strings.Repeat("b.", 130) + "it",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizzaEmail(s)
		if NormalizzaEmail(n) != n {
			t.Fatalf("normalisation not idempotent: %q -> %q -> %q", s, n, NormalizzaEmail(n))
		}
		err := ValidaEmail(s)
		wellFormed(t, err, campoEmail)
		pec := ValidaPEC(s)
		wellFormed(t, pec, campoPEC)
		if (err == nil) != (pec == nil) || (err != nil && err.(*Errore).Dettaglio != pec.(*Errore).Dettaglio) {
			t.Fatalf("ValidaEmail and ValidaPEC disagree on %q: %v / %v", s, err, pec)
		}
		if errN := ValidaEmail(n); (err == nil) != (errN == nil) {
			t.Fatalf("%q and its normal form %q disagree: %v / %v", s, n, err, errN)
		}
		if err != nil {
			return
		}
		v := strings.TrimSpace(s)
		at := strings.IndexByte(v, '@')
		local, domain := v[:max(at, 0)], v[at+1:]
		switch {
		case len(v) > 254, strings.Count(v, "@") != 1, len(local) == 0, len(local) > 64,
			strings.ContainsFunc(v, func(r rune) bool { return r > 0x7e || r <= ' ' }),
			strings.Contains(v, ".."), !strings.Contains(domain, "."),
			strings.HasPrefix(domain, "."), strings.HasSuffix(domain, "."),
			strings.HasPrefix(local, "."), strings.HasSuffix(local, "."),
			strings.ContainsAny(v, "<>\"()[],;:\\"):
			t.Fatalf("accepted %q", s)
		}
	})
}

func FuzzValidaPartitaIVA(f *testing.F) {
	for _, s := range []string{
		"00488410010", "06363391001", "80012345676", "12345671205", "12345670009", "00488410011",
		"IT00488410010", "00000000000", "", "0048841001", "0048841O010", " 01114601006\n", "١٢٣٤٥٦٧٨٩٠١",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		piva := ValidaPartitaIVA(s)
		wellFormed(t, piva, campoPartitaIVA)
		num := ValidaCodiceFiscaleNumerico(s)
		wellFormed(t, num, campoCodiceFiscale)
		either := ValidaCodiceFiscaleOPartitaIVA(s)
		wellFormed(t, either, campoCodiceFiscale)
		if piva == nil && num != nil {
			t.Fatalf("%q: a valid partita IVA refused as codice fiscale numerico: %v", s, num)
		}
		if num != nil {
			return
		}
		if piva != nil && !errors.Is(piva, MotivoUfficio) {
			t.Fatalf("%q: valid codice fiscale numerico, partita IVA refused for %v", s, piva)
		}
		if either != nil {
			t.Fatalf("%q: refused by ValidaCodiceFiscaleOPartitaIVA: %v", s, either)
		}
		// The check digit catches every single-digit error.
		v := strings.TrimSpace(s)
		for i := 0; i < 11; i++ {
			for c := byte('0'); c <= '9'; c++ {
				if c == v[i] {
					continue
				}
				m := v[:i] + string(c) + v[i+1:]
				if ValidaCodiceFiscaleNumerico(m) == nil {
					t.Fatalf("%q valid, and so is %q", v, m)
				}
			}
		}
	})
}
