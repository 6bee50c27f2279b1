package sandbox

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]Rate{
		"150/5s": {150, 5 * time.Second}, "30/s": {30, time.Second}, " 250 / 5s ": {250, 5 * time.Second},
		"1000/1m": {1000, time.Minute}, "off": {}, "OFF": {},
	} {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "150", "x/5s", "-1/5s", "150/0s", "150/abc", "150/-5s"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	if s := DefaultRate.String(); s != "150/5s" {
		t.Errorf("DefaultRate.String() = %q", s)
	}
	if r, _ := ParseRate("10/2m"); r.String() != "10/2m" {
		t.Errorf("round trip: %s", r)
	}
}

func TestRateLimit(t *testing.T) {
	clk := newFakeClock()
	sb := startSandbox(t, Config{Seed: 1, Rate: DefaultRate, clock: clk.Now})
	c := newClient(t, sb)
	svcs := sb.Services() // one ente: one account shared by all its services
	cf := sample(t, sb, CitizenEnabled)
	for i := range 150 {
		ex := c.do("GET", "/api/v1/profiles/"+cf, svcs[i%2].Key, nil)
		ex.wantStatus(t, 200)
		if got := ex.header.Get("x-rate-limit-remaining"); got != strconv.Itoa(149-i) {
			t.Fatalf("call %d: x-rate-limit-remaining %q", i+1, got)
		}
		if i == 0 {
			clk.Advance(2 * time.Second) // the window slides from the first call
		}
	}
	ex := c.do("GET", "/api/v1/profiles/"+cf, svcs[2].Key, nil)
	p := ex.wantProblem(t, 429)
	if ex.header.Get("x-rate-limit-retry-after") != "3" || ex.header.Get("x-rate-limit-remaining") != "0" {
		t.Fatalf("429 headers: %v", ex.header)
	}
	if ex.header.Get("Retry-After") != "" {
		t.Error("the IO gateway does not send Retry-After")
	}
	if !strings.Contains(p.Detail, "3 seconds") {
		t.Errorf("429 detail %q", p.Detail)
	}
	// Messages count too; 401s do not.
	c.do("POST", "/api/v1/messages", svcs[0].Key, newMsg("Oggetto di prova", withCF(cf))).wantProblem(t, 429)
	c.do("GET", "/api/v1/profiles/"+cf, "", nil).wantProblem(t, 401)

	// Another account has its own budget.
	other := startSandbox(t, Config{Seed: 1, Rate: DefaultRate, clock: clk.Now, Services: []Service{
		{Name: "A", ServiceID: "A", Key: "ka", OrganizationFiscalCode: "00000000001"},
		{Name: "B", ServiceID: "B", Key: "kb", OrganizationFiscalCode: "00000000002"},
	}})
	oc := newClient(t, other)
	for range 150 {
		oc.do("GET", "/api/v1/profiles/"+cf, "ka", nil).wantStatus(t, 200)
	}
	oc.do("GET", "/api/v1/profiles/"+cf, "ka", nil).wantProblem(t, 429)
	oc.do("GET", "/api/v1/profiles/"+cf, "kb", nil).wantStatus(t, 200)

	// The first call leaves the window 5 s after it was made: one call free.
	clk.Advance(3 * time.Second)
	c.do("GET", "/api/v1/profiles/"+cf, svcs[0].Key, nil).wantStatus(t, 200)
	ex = c.do("GET", "/api/v1/profiles/"+cf, svcs[0].Key, nil)
	ex.wantProblem(t, 429)
	if ex.header.Get("x-rate-limit-retry-after") != "2" {
		t.Errorf("retry after %q, want 2", ex.header.Get("x-rate-limit-retry-after"))
	}
	clk.Advance(5 * time.Second)
	if ex := c.do("GET", "/api/v1/profiles/"+cf, svcs[0].Key, nil); ex.header.Get("x-rate-limit-remaining") != "149" {
		t.Errorf("after a full window: remaining %q", ex.header.Get("x-rate-limit-remaining"))
	}
	if st := sb.Stats(); st.RateLimited != 3 {
		t.Errorf("rate_limited = %d, want 3", st.RateLimited)
	}
}

func TestRateLimitOff(t *testing.T) {
	off, err := ParseRate("off")
	if err != nil {
		t.Fatal(err)
	}
	sb := startSandbox(t, Config{Rate: off})
	c := newClient(t, sb)
	cf := sample(t, sb, CitizenEnabled)
	for range 400 {
		c.do("GET", "/api/v1/profiles/"+cf, sb.Services()[0].Key, nil).wantStatus(t, 200)
	}
	if sb.Stats().RateLimited != 0 {
		t.Fatal("429 with the limit off")
	}
}

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("5xx=0.02,reset=0.01,latency=20ms..200ms")
	if err != nil || f != (Faults{Error5xx: 0.02, Reset: 0.01, LatencyMin: 20 * time.Millisecond, LatencyMax: 200 * time.Millisecond}) {
		t.Fatalf("ParseFaults = %+v, %v", f, err)
	}
	if g, err := ParseFaults(f.String()); err != nil || g != f {
		t.Errorf("round trip %q: %+v, %v", f.String(), g, err)
	}
	if f, err := ParseFaults("5xx=5%, latency=50ms"); err != nil || f.Error5xx != 0.05 || f.LatencyMin != 50*time.Millisecond || f.LatencyMax != f.LatencyMin {
		t.Errorf("percent and fixed latency: %+v, %v", f, err)
	}
	for _, s := range []string{"", "off"} {
		if f, err := ParseFaults(s); err != nil || !f.Off() {
			t.Errorf("ParseFaults(%q) = %+v, %v", s, f, err)
		}
	}
	for _, bad := range []string{"5xx", "5xx=2", "5xx=-0.1", "reset=x", "boom=0.1", "5xx=0.1,5xx=0.2",
		"5xx=0.6,reset=0.6", "latency=200ms..20ms", "latency=fast"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
	if f, err := ParseFault("503:after"); err != nil || f != (Fault{Fault503, true}) {
		t.Errorf("ParseFault = %+v, %v", f, err)
	}
	if _, err := ParseFault("504"); err == nil {
		t.Error("ParseFault(504) accepted")
	}
}

// faultSequence sends n profile lookups over fresh connections and
// records each outcome: a status code or "reset".
func faultSequence(t *testing.T, seed int64, n int) ([]string, Stats) {
	sb := startSandbox(t, Config{Seed: seed, Faults: Faults{Error5xx: 0.25, Reset: 0.15}})
	c := newClient(t, sb)
	c.hc.Transport = &http.Transport{DisableKeepAlives: true}
	cf := sample(t, sb, CitizenEnabled)
	var out []string
	for range n {
		ex, err := c.try("GET", "/api/v1/profiles/"+cf, sb.Services()[0].Key, nil)
		if err != nil {
			out = append(out, "reset")
			continue
		}
		if ex.status != 200 {
			ex.wantProblem(t, ex.status)
		}
		out = append(out, strconv.Itoa(ex.status))
	}
	return out, sb.Stats()
}

func TestFaultsReproducible(t *testing.T) {
	a, sa := faultSequence(t, 77, 60)
	b, _ := faultSequence(t, 77, 60)
	c, _ := faultSequence(t, 78, 60)
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if strings.Join(a, " ") == strings.Join(c, " ") {
		t.Error("different seeds, same faults")
	}
	count := map[string]int{}
	for _, o := range a {
		count[o]++
	}
	if count["reset"] == 0 || count["200"] == 0 || count["500"]+count["502"]+count["503"] == 0 {
		t.Errorf("outcomes %v", count)
	}
	if int(sa.Faults["reset"]) != count["reset"] || int(sa.Faults["500"]) != count["500"] || int(sa.Faults["503"]) != count["503"] {
		t.Errorf("stats faults %v vs outcomes %v", sa.Faults, count)
	}
}

func TestForcedFaults(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 4})
	c := newClient(t, sb)
	// Go's transport silently retries a GET that fails on a reused connection.
	c.hc.Transport = &http.Transport{DisableKeepAlives: true}
	svc := sb.Services()[0]
	cf := sample(t, sb, CitizenEnabled)

	// reset: the connection is closed without any response.
	sb.InjectFaults(Fault{Kind: FaultReset})
	if ex, err := c.try("POST", "/api/v1/messages", svc.Key, newMsg("Oggetto di prova", withCF(cf))); err == nil {
		t.Fatalf("reset fault answered %d %s", ex.status, ex.body)
	}
	if sb.Stats().IO.Messages != 0 {
		t.Fatal("a reset before processing created a message")
	}
	c.do("GET", "/api/v1/profiles/"+cf, svc.Key, nil).wantStatus(t, 200) // next request is fine

	// 503 after processing: the message exists although the client saw an error.
	sb.InjectFaults(Fault{Kind: Fault503, AfterProcessing: true}, Fault{Kind: Fault429})
	c.do("POST", "/api/v1/messages", svc.Key, newMsg("Oggetto di prova", withCF(cf))).wantProblem(t, 503)
	ex := c.do("POST", "/api/v1/messages", svc.Key, newMsg("Oggetto di prova", withCF(cf)))
	ex.wantProblem(t, 429)
	if ex.header.Get("x-rate-limit-retry-after") != "1" {
		t.Errorf("forced 429 headers %v", ex.header)
	}
	c.do("POST", "/api/v1/messages", svc.Key, newMsg("Oggetto di prova", withCF(cf))).wantStatus(t, 201)
	st := sb.Stats()
	if st.IO.Messages != 2 || st.IO.Duplicates != 1 || st.Faults["after_processing"] != 1 || st.Faults["reset"] != 1 || st.RateLimited != 1 {
		t.Errorf("stats %+v", st)
	}

	// The same over HTTP, for clients outside Go.
	c.do("POST", "/__sandbox/faults?next=500,reset:after", "", nil).wantStatus(t, 200)
	c.do("GET", "/api/v1/profiles/"+cf, svc.Key, nil).wantProblem(t, 500)
	if _, err := c.try("GET", "/api/v1/profiles/"+cf, svc.Key, nil); err == nil {
		t.Error("queued reset did not reset")
	}
	c.do("POST", "/__sandbox/faults?next=504", "", nil).wantProblem(t, 400)
}

func TestLatency(t *testing.T) {
	sb := startSandbox(t, Config{Faults: Faults{LatencyMin: 30 * time.Millisecond, LatencyMax: 40 * time.Millisecond}})
	c := newClient(t, sb)
	start := time.Now()
	c.do("GET", "/api/v1/profiles/"+sample(t, sb, CitizenEnabled), sb.Services()[0].Key, nil).wantStatus(t, 200)
	if el := time.Since(start); el < 30*time.Millisecond {
		t.Errorf("answered in %v with 30ms..40ms latency", el)
	}
	if sb.Stats().Faults["latency"] != 1 {
		t.Error("latency not counted")
	}
}

func TestResetIsHardClose(t *testing.T) {
	sb := startSandbox(t, Config{})
	sb.InjectFaults(Fault{Kind: FaultReset})
	c := newClient(t, sb)
	c.hc.Transport = &http.Transport{DisableKeepAlives: true}
	_, err := c.try("GET", "/api/v1/profiles/"+sample(t, sb, CitizenEnabled), sb.Services()[0].Key, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "EOF") && !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("unexpected error kind: %v", err)
	}
}
