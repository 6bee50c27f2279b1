package causale

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"testing"
)

// causaliRealistiche is a deterministic mix of what a treasury journal
// carries: flows (clean and mangled), single payments and plain credits.
func causaliRealistiche(n int) []string {
	rnd := rand.New(rand.NewPCG(1, 2))
	iuf := func() string {
		return fmt.Sprintf("2024-%02d-%02dABI%05d-S%09d", 1+rnd.IntN(12), 1+rnd.IntN(28), rnd.IntN(99999), rnd.IntN(999999999))
	}
	iuv := func() string { return fmt.Sprintf("01%015d", rnd.Int64N(1e15)) }
	modelli := []func() string{
		func() string { return "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf() },
		func() string { return "RI1 /PUR/LGPE- RIVERSAMENTO/ URI /" + iuf() + " DATA 15/01/2024" },
		func() string {
			return "accredito bonifico /pur/lgpe-riversamento/uri/" + iuf() + "/TXT/RIVERSAMENTO PAGOPA"
		},
		func() string { s := iuf(); return "/PUR/LGPE-RIVERSAMENTO/URI/" + s[:4] + " " + s[4:] },
		func() string { return "/RFB/" + iuv() + "/150.00/TXT/TARI 2024 ROSSI MARIO" },
		func() string { return "BONIFICO DA ROSSI MARIO /RFS/" + iuv() + "/75,50" },
		func() string { return "RIVERSAMENTO QUOTE DI COMPETENZA ANNO 2024 RIF. DETERMINA 123/2024" },
		func() string {
			return "GIROFONDO DA CONTO DI TESORERIA UNICA - TRASFERIMENTO ERARIALE IMU QUOTA COMUNE 3912"
		},
	}
	out := make([]string, n)
	for i := range out {
		out[i] = modelli[rnd.IntN(len(modelli))]()
	}
	return out
}

// The naive baseline: one big case-insensitive regexp per form, tried in
// order on every causale.
var naive = []*regexp.Regexp{
	regexp.MustCompile(`(?i)LGPE[\s\-_/]*RIVERSAMENTO[\s/\-]*(?:URI[\s/:\-]*)?(\d\s*\d\s*\d\s*\d\s*-\s*\d\s*\d\s*-\s*\d\s*\d)\s*([A-Za-z0-9][A-Za-z0-9_\-]*)`),
	regexp.MustCompile(`(?i)/\s*URI\s*/\s*(\d\s*\d\s*\d\s*\d\s*-\s*\d\s*\d\s*-\s*\d\s*\d)\s*([A-Za-z0-9][A-Za-z0-9_\-]*)`),
	regexp.MustCompile(`(?i)(?:^|[/\s])RF[SB]\s*/\s*([A-Za-z0-9]+)(?:\s*/\s*(\d+(?:[.,]\d{1,2})?))?`),
}

func leggiNaive(s string) (string, bool) {
	for _, re := range naive {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}

func benchCausali(b *testing.B, leggi func(string) bool) {
	causali := causaliRealistiche(1000)
	dim := 0
	for _, c := range causali {
		dim += len(c)
	}
	b.SetBytes(int64(dim))
	b.ReportAllocs()
	trovate := 0
	for b.Loop() {
		for _, c := range causali {
			if leggi(c) {
				trovate++
			}
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(causali))/b.Elapsed().Seconds(), "causali/s")
	if trovate == 0 {
		b.Fatal("nothing recognised")
	}
}

func BenchmarkLeggi(b *testing.B) {
	benchCausali(b, func(s string) bool { return Leggi(s).Tipo != Nessuno })
}

func BenchmarkLeggiNaiveRegexp(b *testing.B) {
	benchCausali(b, func(s string) bool { _, ok := leggiNaive(s); return ok })
}

// The baseline finds the same references on the benchmark mix (up to blanks
// and validation it does not do), so the two benchmarks do the same work.
func TestBaselineConcorda(t *testing.T) {
	for _, c := range causaliRealistiche(200) {
		_, ok := leggiNaive(c)
		if got := Leggi(c).Tipo != Nessuno; got != ok {
			t.Errorf("%q: scanner %v, regexp %v", c, got, ok)
		}
	}
}
