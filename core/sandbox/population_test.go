package sandbox

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/anagrafe"
)

// randomPatternCode is a code that matches the server's pattern (check
// character not necessarily right).
func randomPatternCode(r *rand.Rand) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const omo = "0123456789LMNPQRSTUV"
	const months = "ABCDEHLMPRST"
	pick := func(set string, n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(set[r.IntN(len(set))])
		}
		return b.String()
	}
	return pick(letters, 6) + pick(omo, 2) + pick(months, 1) + pick(omo, 2) + pick(letters, 1) + pick(omo, 3) + pick(letters, 1)
}

func TestPopulationDistribution(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 10000
	counts := map[CitizenKind]int{}
	differ := 0
	for range n {
		cf := randomPatternCode(r)
		k := citizenKind(42, cf)
		if k == CitizenInvalid {
			t.Fatalf("%s: pattern-valid code classified invalid", cf)
		}
		if k != citizenKind(42, cf) {
			t.Fatalf("%s: not deterministic", cf)
		}
		if k != citizenKind(43, cf) {
			differ++
		}
		counts[k]++
	}
	within := func(k CitizenKind, want, tol float64) {
		if got := float64(counts[k]) / n; got < want-tol || got > want+tol {
			t.Errorf("%s: %.3f of the population, want %.2f±%.3f", k, got, want, tol)
		}
	}
	within(CitizenEnabled, 0.85, 0.02)
	within(CitizenNotOnIO, 0.08, 0.015)
	within(CitizenServiceDisabled, 0.07, 0.015)
	if differ == 0 {
		t.Error("seeds 42 and 43 give the same population")
	}
	for _, bad := range []string{"", "RSSMRA80A01H501", "rssmra80a01h501u", "RSSMRA80A01H501UU", "RSSMRA80F01H501U", "RSSMRA8OA01H501U"} {
		if k := citizenKind(42, bad); k != CitizenInvalid {
			t.Errorf("%q: %s, want invalid", bad, k)
		}
	}
	// Only the pattern matters: a wrong check character still gets an answer.
	if k := citizenKind(42, "RSSMRA80A01H501A"); k == CitizenInvalid {
		t.Error("wrong check character rejected: the real server does not check it")
	}
}

func TestSampleCodes(t *testing.T) {
	a, b := SampleCodes(2026, 5), SampleCodes(2026, 5)
	for _, k := range []CitizenKind{CitizenEnabled, CitizenNotOnIO, CitizenServiceDisabled} {
		codes := a.Of(k)
		if len(codes) != 5 {
			t.Fatalf("%s: %d samples", k, len(codes))
		}
		for i, cf := range codes {
			if b.Of(k)[i] != cf {
				t.Fatalf("samples not deterministic: %v vs %v", a, b)
			}
			check, ok := anagrafe.CarattereControllo(cf[:15])
			if !ok || check != cf[15] {
				t.Errorf("%s: check character %c, want %c", cf, cf[15], check)
			}
			if got := citizenKind(2026, cf); got != k {
				t.Errorf("%s: sample of %s classified %s", cf, k, got)
			}
		}
	}
	if c := SampleCodes(2027, 5); c.Enabled[0] == a.Enabled[0] && c.NotOnIO[0] == a.NotOnIO[0] {
		t.Error("another seed gives the same samples")
	}
	// The classic example code, built by the same rules.
	if got := buildFiscalCode("ROSSI", "MARIO", 1980, 0, 1, false, "H501"); got != "RSSMRA80A01H501U" {
		t.Errorf("buildFiscalCode = %s", got)
	}
	if got := buildFiscalCode("BO", "EVA", 1999, 11, 31, true, "F205"); got[:11] != "BOXVEA99T71" {
		t.Errorf("short names: %s", got)
	}
}

// Over HTTP, the same seed gives the same answers on two sandboxes.
func TestPopulationOverHTTP(t *testing.T) {
	a, b := startSandbox(t, Config{Seed: 99}), startSandbox(t, Config{Seed: 99})
	ca, cb := newClient(t, a), newClient(t, b)
	ka, kb := a.Services()[0].Key, b.Services()[0].Key
	if ka != kb || a.Services()[0].ServiceID != b.Services()[0].ServiceID {
		t.Fatal("same seed, different services")
	}
	r := rand.New(rand.NewPCG(9, 9))
	for range 100 {
		cf := randomPatternCode(r)
		ea, eb := ca.do("GET", "/api/v1/profiles/"+cf, ka, nil), cb.do("GET", "/api/v1/profiles/"+cf, kb, nil)
		want := map[CitizenKind]int{CitizenEnabled: 200, CitizenServiceDisabled: 200, CitizenNotOnIO: 404}[a.Citizen(cf)]
		if ea.status != want || eb.status != want {
			t.Fatalf("%s (%s): status %d and %d, want %d", cf, a.Citizen(cf), ea.status, eb.status, want)
		}
		if ea.status == 200 && string(ea.body) != string(eb.body) {
			t.Fatalf("%s: %s vs %s", cf, ea.body, eb.body)
		}
	}
	if c := DemoServices(100); c[0].Key == ka {
		t.Error("another seed gives the same keys")
	}
}

func TestDemoServices(t *testing.T) {
	svcs := DemoServices(2026)
	names := map[string]bool{}
	adv := 0
	for _, s := range svcs {
		names[s.Name] = true
		if len(s.Key) != 32 || strings.Trim(s.Key, "0123456789abcdef") != "" {
			t.Errorf("%s: key %q is not 32 hex", s.Name, s.Key)
		}
		if !organizationFiscalCodeRE.MatchString(s.OrganizationFiscalCode) ||
			partitaIVACheck(s.OrganizationFiscalCode[:10]) != int(s.OrganizationFiscalCode[10]-'0') {
			t.Errorf("%s: organization fiscal code %q", s.Name, s.OrganizationFiscalCode)
		}
		if s.FeatureLevel == FeatureAdvanced {
			adv++
		}
	}
	if !names["TARI - Tassa rifiuti"] || !names["Servizi scolastici"] || !names["Anagrafe e stato civile"] || adv == 0 {
		t.Errorf("demo services %+v", svcs)
	}
	if _, err := normalizeServices(1, "", []Service{{Name: "a", ServiceID: "1", Key: "k"}, {Name: "b", ServiceID: "2", Key: "k"}}); err == nil {
		t.Error("duplicate key accepted")
	}
	if _, err := normalizeServices(1, "", []Service{{Name: "a", ServiceID: "1", Key: "k", FeatureLevel: "PREMIUM"}}); err == nil {
		t.Error("bad feature level accepted")
	}
	if got, err := normalizeServices(1, "02066170966", nil); err != nil || got[0].OrganizationFiscalCode != "02066170966" {
		t.Errorf("ente fiscal code not applied: %v %v", got, err)
	}
	if _, err := normalizeServices(1, "0206617096", nil); err == nil {
		t.Error("bad ente fiscal code accepted")
	}
}
