package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults are random failures injected in front of every simulated API,
// drawn from a source seeded by Config.Seed: the same seed and the same
// sequence of requests give the same failures. The PEC provider draws its
// SMTP faults from the same probabilities (its own stream): Error5xx is a 451
// at the end of DATA, Reset a connection dropped during DATA or after the
// message was accepted (half each).
type Faults struct {
	Error5xx float64 // probability of a 500, 502 or 503 ProblemJson
	Reset    float64 // probability of a connection closed with no response
	// Latency added to every request, uniform in [LatencyMin, LatencyMax].
	LatencyMin, LatencyMax time.Duration
	// Silenzio is the share of PEC recipients whose delivery receipt never
	// comes (the "timeout" case), drawn by hashing seed, Message-ID and
	// recipient: the same message to the same address always fares alike.
	Silenzio float64
}

// Off reports whether f injects nothing.
func (f Faults) Off() bool {
	return f.Error5xx <= 0 && f.Reset <= 0 && f.LatencyMax <= 0 && f.Silenzio <= 0
}

func (f Faults) String() string {
	if f.Off() {
		return "off"
	}
	var parts []string
	if f.Error5xx > 0 {
		parts = append(parts, "5xx="+strconv.FormatFloat(f.Error5xx, 'g', -1, 64))
	}
	if f.Reset > 0 {
		parts = append(parts, "reset="+strconv.FormatFloat(f.Reset, 'g', -1, 64))
	}
	if f.LatencyMax > 0 {
		if f.LatencyMin == f.LatencyMax {
			parts = append(parts, "latency="+f.LatencyMin.String())
		} else {
			parts = append(parts, "latency="+f.LatencyMin.String()+".."+f.LatencyMax.String())
		}
	}
	if f.Silenzio > 0 {
		parts = append(parts, "silenzio="+strconv.FormatFloat(f.Silenzio, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

// ParseFaults reads a comma-separated list such as
// "5xx=0.02,reset=0.01,latency=20ms..200ms,silenzio=1%"; probabilities may
// also be written as percentages ("5xx=2%"), latency as a single duration.
// "" and "off" mean no faults.
func ParseFaults(s string) (Faults, error) {
	var f Faults
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") || strings.EqualFold(s, "none") {
		return f, nil
	}
	seen := map[string]bool{}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		k, v, ok := strings.Cut(item, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		if !ok || v == "" {
			return Faults{}, fmt.Errorf("guasti %q: voce %q non valida, atteso chiave=valore (5xx, reset, latency, silenzio)", s, item)
		}
		if seen[k] {
			return Faults{}, fmt.Errorf("guasti %q: %q ripetuto", s, k)
		}
		seen[k] = true
		var err error
		switch k {
		case "5xx":
			f.Error5xx, err = parseProbability(v)
		case "reset":
			f.Reset, err = parseProbability(v)
		case "latency":
			f.LatencyMin, f.LatencyMax, err = parseLatency(v)
		case "silenzio":
			f.Silenzio, err = parseProbability(v)
		default:
			return Faults{}, fmt.Errorf("guasti %q: tipo %q sconosciuto (ammessi: 5xx, reset, latency, silenzio)", s, k)
		}
		if err != nil {
			return Faults{}, fmt.Errorf("guasti %q: %s: %w", s, k, err)
		}
	}
	if f.Error5xx+f.Reset > 1 {
		return Faults{}, fmt.Errorf("guasti %q: la somma delle probabilità di 5xx e reset supera 1", s)
	}
	return f, nil
}

func parseProbability(v string) (float64, error) {
	pct := strings.HasSuffix(v, "%")
	p, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil {
		return 0, fmt.Errorf("probabilità %q non numerica", v)
	}
	if pct {
		p /= 100
	}
	if p < 0 || p > 1 {
		return 0, fmt.Errorf("probabilità %q fuori da 0..1", v)
	}
	return p, nil
}

func parseLatency(v string) (lo, hi time.Duration, err error) {
	a, b, isRange := strings.Cut(v, "..")
	if lo, err = time.ParseDuration(strings.TrimSpace(a)); err != nil {
		return 0, 0, fmt.Errorf("durata %q non valida (es. 20ms..200ms)", a)
	}
	hi = lo
	if isRange {
		if hi, err = time.ParseDuration(strings.TrimSpace(b)); err != nil {
			return 0, 0, fmt.Errorf("durata %q non valida (es. 20ms..200ms)", b)
		}
	}
	if lo < 0 || hi < lo {
		return 0, 0, fmt.Errorf("intervallo %q non valido", v)
	}
	return lo, hi, nil
}

// FaultKind is one kind of injected failure.
type FaultKind string

const (
	FaultReset FaultKind = "reset" // read the request, then close the TCP connection (RST), no response
	Fault500   FaultKind = "500"
	Fault502   FaultKind = "502"
	Fault503   FaultKind = "503"
	Fault429   FaultKind = "429" // a rate-limit answer regardless of the budget
)

// Fault is one failure to inject. With AfterProcessing the request is
// handled first (a message really gets created) and its response is lost:
// the ambiguous failure that makes careless clients send duplicates.
type Fault struct {
	Kind            FaultKind `json:"kind"`
	AfterProcessing bool      `json:"after_processing,omitempty"`
}

// ParseFault reads "503", "reset" or "503:after".
func ParseFault(s string) (Fault, error) {
	k, after, hasAfter := strings.Cut(strings.TrimSpace(s), ":")
	f := Fault{Kind: FaultKind(strings.ToLower(k))}
	switch f.Kind {
	case FaultReset, Fault500, Fault502, Fault503, Fault429:
	default:
		return Fault{}, fmt.Errorf("guasto %q sconosciuto (ammessi: reset, 500, 502, 503, 429, con :after facoltativo)", s)
	}
	if hasAfter {
		if after != "after" {
			return Fault{}, fmt.Errorf("guasto %q: suffisso %q non valido (solo :after)", s, after)
		}
		f.AfterProcessing = true
	}
	return f, nil
}

// faultPlan is what happens to one request.
type faultPlan struct {
	fault   Fault // zero Kind: none
	latency time.Duration
}

type faultInjector struct {
	mu     sync.Mutex
	cfg    Faults
	seed   int64
	rng    *rand.Rand
	forced []Fault
}

func newFaultInjector(cfg Faults, seed int64) *faultInjector {
	fi := &faultInjector{cfg: cfg, seed: seed}
	fi.reseed()
	return fi
}

func (fi *faultInjector) reseed() {
	fi.rng = rand.New(rand.NewPCG(uint64(fi.seed), 0xfa017))
}

// next plans the next request. Forced faults go first and do not consume
// random draws; otherwise every request consumes exactly four draws, so the
// sequence of outcomes depends only on the seed and the request order.
func (fi *faultInjector) next() faultPlan {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if len(fi.forced) > 0 {
		f := fi.forced[0]
		fi.forced = fi.forced[1:]
		return faultPlan{fault: f}
	}
	if fi.cfg.Off() {
		return faultPlan{}
	}
	u, pick, after, lat := fi.rng.Float64(), fi.rng.IntN(3), fi.rng.IntN(2) == 1, fi.rng.Float64()
	var p faultPlan
	switch {
	case u < fi.cfg.Reset:
		p.fault = Fault{Kind: FaultReset, AfterProcessing: after}
	case u < fi.cfg.Reset+fi.cfg.Error5xx:
		p.fault = Fault{Kind: [...]FaultKind{Fault500, Fault502, Fault503}[pick], AfterProcessing: after}
	}
	if fi.cfg.LatencyMax > 0 {
		p.latency = fi.cfg.LatencyMin + time.Duration(lat*float64(fi.cfg.LatencyMax-fi.cfg.LatencyMin))
	}
	return p
}

func (fi *faultInjector) force(f ...Fault) {
	fi.mu.Lock()
	fi.forced = append(fi.forced, f...)
	fi.mu.Unlock()
}

func (fi *faultInjector) reset() {
	fi.mu.Lock()
	fi.forced = nil
	fi.reseed()
	fi.mu.Unlock()
}

// PECFault is a failure of one SMTP submission to the PEC provider.
type PECFault string

const (
	PECFault451 PECFault = "451" // the message is read, then refused as a temporary failure
	PECFault554 PECFault = "554" // the message is read, then refused for good
	// PECFaultDrop closes the connection during DATA: the message is not accepted.
	PECFaultDrop PECFault = "drop"
	// PECFaultDropAfter accepts the message (receipts and all), then closes
	// the connection before the reply: the client cannot know it went.
	PECFaultDropAfter PECFault = "drop:after"
)

// ParsePECFault reads "451", "554", "drop" or "drop:after".
func ParsePECFault(s string) (PECFault, error) {
	f := PECFault(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case PECFault451, PECFault554, PECFaultDrop, PECFaultDropAfter:
		return f, nil
	}
	return "", fmt.Errorf("guasto PEC %q sconosciuto (ammessi: 451, 554, drop, drop:after)", s)
}

type pecFaultPlan struct {
	fault   PECFault // "": none
	latency time.Duration
}

// pecFaultInjector plans the submissions' faults like faultInjector the
// requests', from its own stream of the seed.
type pecFaultInjector struct {
	mu     sync.Mutex
	cfg    Faults
	seed   int64
	rng    *rand.Rand
	forced []PECFault
}

func newPECFaultInjector(cfg Faults, seed int64) *pecFaultInjector {
	fi := &pecFaultInjector{cfg: cfg, seed: seed}
	fi.reseed()
	return fi
}

func (fi *pecFaultInjector) reseed() {
	fi.rng = rand.New(rand.NewPCG(uint64(fi.seed), 0x5e7c))
}

// next plans the next submission: forced faults first; otherwise exactly
// three draws each, so outcomes depend only on the seed and the order.
func (fi *pecFaultInjector) next() pecFaultPlan {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if len(fi.forced) > 0 {
		f := fi.forced[0]
		fi.forced = fi.forced[1:]
		return pecFaultPlan{fault: f}
	}
	if fi.cfg.Error5xx <= 0 && fi.cfg.Reset <= 0 && fi.cfg.LatencyMax <= 0 {
		return pecFaultPlan{}
	}
	u, after, lat := fi.rng.Float64(), fi.rng.IntN(2) == 1, fi.rng.Float64()
	var p pecFaultPlan
	switch {
	case u < fi.cfg.Reset && after:
		p.fault = PECFaultDropAfter
	case u < fi.cfg.Reset:
		p.fault = PECFaultDrop
	case u < fi.cfg.Reset+fi.cfg.Error5xx:
		p.fault = PECFault451
	}
	if fi.cfg.LatencyMax > 0 {
		p.latency = fi.cfg.LatencyMin + time.Duration(lat*float64(fi.cfg.LatencyMax-fi.cfg.LatencyMin))
	}
	return p
}

func (fi *pecFaultInjector) force(f ...PECFault) {
	fi.mu.Lock()
	fi.forced = append(fi.forced, f...)
	fi.mu.Unlock()
}

func (fi *pecFaultInjector) reset() {
	fi.mu.Lock()
	fi.forced = nil
	fi.reseed()
	fi.mu.Unlock()
}
