// Package sandbox is a loopback simulator of the remote systems Sportello
// talks to, faithful to their public specifications: what the GUI's demo
// mode, the tests and the benchmarks run against.
//
// One Sandbox serves every simulated HTTP system over one listener; each
// system mounts its routes under its own prefix, the same path as on the
// real host, so a client needs only a different base URL:
//
//	App IO Services API   {URL}/api/v1/...   (Ocp-Apim-Subscription-Key)
//	pagoPA GPD            {URL}/gpd/api/v1/...
//	PEC provider          {URL}/provider/api/v1/...  (Authorization: Bearer)
//	sandbox control       {URL}/__sandbox/stats, /reset, /faults, /credentials,
//	                      /pec/faults, /pec/caselle/{indirizzo},
//	                      /provider/offline, /provider/change
//
// Shared middleware in front of every system route: fault injection,
// subscription-key authentication, the gateway's per-account rate limit
// and call statistics.
//
// A simulated PEC provider (posta elettronica certificata) runs beside
// them on its own loopback listeners: SMTP submission with implicit TLS and
// with STARTTLS (AUTH PLAIN), and IMAP with implicit TLS, under a CA made
// for the sandbox (in the credentials). A message from a PEC mailbox gets
// its receipts (accettazione at once; avvenuta or mancata consegna after
// ProcessingDelay; none for some addresses) as PECRules tells.
//
// The same PEC provider's provisioning API for resellers (owners,
// mailboxes, domains, documents, a feed of changes) activates pending
// mailboxes after ProviderDelay, can go offline on demand and can change
// records by itself to produce conflicts with a client's stale versions
// (ProviderRules).
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultProcessingDelay is how long App IO takes, in the sandbox's default
// CLI configuration, to move a message out of ACCEPTED.
const DefaultProcessingDelay = 2 * time.Second

// Config configures a Sandbox. The zero value is a valid, fault-free,
// unlimited, in-memory sandbox with the demo services of seed 0.
type Config struct {
	// Seed drives everything derived: the citizen population, the demo
	// services' IDs and keys, message outcomes, injected faults.
	Seed int64
	// Rate is the per-account budget; the zero value is no limit,
	// DefaultRate is the real gateway's.
	Rate   Rate
	Faults Faults
	// ProcessingDelay is how long a message stays ACCEPTED; later steps
	// (read, paid) come at multiples of it. PEC delivery receipts come
	// after it. 0 = everything immediate.
	ProcessingDelay time.Duration
	// StateDir, when set, keeps the messages, the PEC mailboxes, the
	// PEC provider's CA and its provisioning records across restarts.
	StateDir string
	// Services are the App IO services; nil means DemoServices(Seed).
	Services []Service
	// OrganizationFiscalCode is the ente of the services that do not name
	// one (the demo services included); "" derives one from Seed.
	OrganizationFiscalCode string
	// PEC are the simulated PEC provider's mailboxes; nil means DemoPEC(Seed).
	PEC      []CasellaPEC
	PECPorts PECPorts
	// ProviderDelay is how long the simulated PEC provider takes to
	// activate a mailbox or certify a domain; 0 means ProcessingDelay.
	ProviderDelay time.Duration
	// Logger receives request and lifecycle logs; nil means slog.Default().
	Logger *slog.Logger

	clock func() time.Time // tests: a fake clock
}

// Sandbox is a running simulator. It is an io.Closer.
type Sandbox struct {
	cfg  Config
	log  *slog.Logger
	ln   net.Listener
	srv  *http.Server
	base string
	// now is the clock of every time-dependent answer; tests replace it.
	now func() time.Time

	limiter *limiter
	faults  *faultInjector
	counts  counters
	samples SampleFiscalCodes

	io      *ioSystem
	gpd     *gpdSystem
	pec     *pecSystem
	prov    *providerSystem
	fdr     *FdrAPI
	systems []system

	closeOnce sync.Once
	closeErr  error
	stopWatch func() bool
}

// system is one simulated remote system (App IO, GPD, PEC).
type system interface {
	// mount registers the system's routes, each through Sandbox.route.
	mount(mux *http.ServeMux)
	reset() error
	close() error
}

// Start listens on listen ("127.0.0.1:0" picks a free port) and serves
// until Close or until ctx is cancelled.
func Start(ctx context.Context, listen string, cfg Config) (*Sandbox, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	services, err := normalizeServices(cfg.Seed, cfg.OrganizationFiscalCode, cfg.Services)
	if err != nil {
		return nil, err
	}
	cfg.Services = services
	if cfg.ProcessingDelay < 0 {
		return nil, errors.New("sandbox: il ritardo di elaborazione non può essere negativo")
	}
	s := &Sandbox{
		cfg:     cfg,
		log:     cfg.Logger,
		now:     time.Now,
		limiter: newLimiter(cfg.Rate),
		faults:  newFaultInjector(cfg.Faults, cfg.Seed),
		samples: SampleCodes(cfg.Seed, 5),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if cfg.clock != nil {
		s.now = cfg.clock
	}
	s.counts.init()
	if s.io, err = newIOSystem(s); err != nil {
		return nil, err
	}
	if s.gpd, err = newGPDSystem(s); err != nil {
		s.io.close()
		return nil, err
	}
	if s.prov, err = newProviderSystem(s); err != nil {
		s.io.close()
		s.gpd.close()
		return nil, err
	}
	s.systems = []system{s.io, s.gpd, s.prov}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		s.closeSystems()
		return nil, fmt.Errorf("sandbox: ascolto su %s: %w", listen, err)
	}
	s.ln = ln
	s.base = "http://" + dialableAddr(ln.Addr())
	if s.pec, err = newPECSystem(s, ln.Addr().(*net.TCPAddr).IP.String()); err != nil {
		ln.Close()
		s.closeSystems()
		return nil, err
	}
	s.systems = append(s.systems, s.pec)

	mux := http.NewServeMux()
	for _, sys := range s.systems {
		sys.mount(mux)
	}
	s.fdr = NewFdrAPI(demoKey(cfg.Seed, "fdr", "primary"))
	s.fdr.now = func() time.Time { return s.now() }
	mux.Handle(FdrBasePath+"/", s.fdr)
	s.mountControl(mux)
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox server stopped", "err", err)
		}
	}()
	s.stopWatch = context.AfterFunc(ctx, func() { s.Close() })
	s.log.Info("sandbox started", "url", s.base, "rate", cfg.Rate.String(), "faults", cfg.Faults.String(),
		"processing_delay", cfg.ProcessingDelay, "state_dir", cfg.StateDir, "services", len(services),
		"pec_smtp", s.pec.port(s.pec.lnSMTPS), "pec_imap", s.pec.port(s.pec.lnIMAP))
	return s, nil
}

// dialableAddr turns a wildcard listen address into one a client can dial
// (wildcard listeners are dual-stack, so IPv4 loopback reaches them).
func dialableAddr(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := ta.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(ta.Port))
}

// URL is the sandbox's root, e.g. "http://127.0.0.1:8787".
func (s *Sandbox) URL() string { return s.base }

// IOBaseURL is the App IO base URL, the counterpart of
// https://api.io.pagopa.it/api/v1.
func (s *Sandbox) IOBaseURL() string { return s.base + ioBasePath }

// Services returns the configured App IO services.
func (s *Sandbox) Services() []Service { return append([]Service(nil), s.cfg.Services...) }

// GPDCredentials are the simulated GPD's base URL, key and ente.
func (s *Sandbox) GPDCredentials() GPD {
	return GPD{BaseURL: s.base + gpdBasePath, Key: s.gpd.key, OrganizationFiscalCode: s.gpd.org}
}

// PagaPosizione marks a published debt position as paid, as if the citizen
// had paid its notice.
func (s *Sandbox) PagaPosizione(iupd string) error { return s.gpd.Paga(iupd) }

// InjectFaults queues faults for the next requests to any simulated API,
// ahead of the random ones.
func (s *Sandbox) InjectFaults(f ...Fault) { s.faults.force(f...) }

// InjectPECFaults queues faults for the next SMTP submissions (one each,
// at their DATA), ahead of the random ones.
func (s *Sandbox) InjectPECFaults(f ...PECFault) { s.pec.faults.force(f...) }

// PECCredentials are the simulated PEC provider's addresses, CA and mailboxes.
func (s *Sandbox) PECCredentials() PEC { return s.pec.credentials() }

// MessaggiPEC lists what a sandbox mailbox received, oldest first.
func (s *Sandbox) MessaggiPEC(indirizzo string) ([]MessaggioPEC, error) {
	return s.pec.messaggi(indirizzo)
}

// Close stops the server and flushes the state. It is safe to call twice.
func (s *Sandbox) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWatch != nil {
			s.stopWatch()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		if err != nil {
			err = errors.Join(err, s.srv.Close())
		}
		s.closeErr = errors.Join(err, s.closeSystems())
		s.log.Info("sandbox stopped", "url", s.base)
	})
	return s.closeErr
}

func (s *Sandbox) closeSystems() error {
	var errs []error
	for _, sys := range s.systems {
		errs = append(errs, sys.close())
	}
	return errors.Join(errs...)
}

// Reset forgets messages, statistics, rate-limit windows and queued faults,
// and restarts the fault sequence from the seed.
func (s *Sandbox) Reset() error {
	var errs []error
	for _, sys := range s.systems {
		errs = append(errs, sys.reset())
	}
	s.fdr.Reset()
	s.limiter.reset()
	s.faults.reset()
	s.counts.reset()
	return errors.Join(errs...)
}

// Endpoints are the sandbox's addresses.
type Endpoints struct {
	IO        string `json:"io"`         // App IO base URL
	KeyHeader string `json:"key_header"` // where the subscription key goes
	Stats     string `json:"stats"`
	Reset     string `json:"reset"`
	Faults    string `json:"faults"`
	PECFaults string `json:"pec_faults"`
}

// Credentials is everything a client needs to use the sandbox; the CLI
// prints it as its first line.
type Credentials struct {
	URL         string            `json:"url"`
	Endpoints   Endpoints         `json:"endpoints"`
	Seed        int64             `json:"seed"`
	Services    []Service         `json:"services"`
	GPD         GPD               `json:"gpd"`
	PEC         PEC               `json:"pec"`
	Provider    Provider          `json:"provider"`
	FdR         FdR               `json:"fdr"`
	FiscalCodes SampleFiscalCodes `json:"fiscal_codes"`
}

// FdR is how to reach the sandbox's FdR API for organizations.
type FdR struct {
	BaseURL                string `json:"base_url"`
	Key                    string `json:"key"`
	OrganizationFiscalCode string `json:"organization_fiscal_code"`
}

// FdRCredentials are the FdR API's address and subscription key.
func (s *Sandbox) FdRCredentials() FdR {
	return FdR{BaseURL: s.base + FdrBasePath, Key: s.fdr.key, OrganizationFiscalCode: s.gpd.org}
}

// Credentials returns the endpoints, the services with their keys and
// sample fiscal codes of each kind.
func (s *Sandbox) Credentials() Credentials {
	return Credentials{
		URL: s.base,
		Endpoints: Endpoints{
			IO:        s.IOBaseURL(),
			KeyHeader: subscriptionKeyHeader,
			Stats:     s.base + "/__sandbox/stats",
			Reset:     s.base + "/__sandbox/reset",
			Faults:    s.base + "/__sandbox/faults",
			PECFaults: s.base + "/__sandbox/pec/faults",
		},
		Seed:        s.cfg.Seed,
		Services:    s.Services(),
		GPD:         s.GPDCredentials(),
		PEC:         s.PECCredentials(),
		Provider:    s.ProviderCredentials(),
		FdR:         s.FdRCredentials(),
		FiscalCodes: s.samples,
	}
}

// Stats is the sandbox's view of what clients did.
type Stats struct {
	// Calls per simulated operation, e.g. "io.getProfile", whatever the outcome.
	Calls        map[string]int64 `json:"calls"`
	Unauthorized int64            `json:"unauthorized"`
	RateLimited  int64            `json:"rate_limited"` // 429s returned, injected ones included
	// Faults injected by kind ("500", "502", "503", "429", "reset",
	// "latency"), plus "after_processing" for those that lost a real response.
	Faults map[string]int64 `json:"faults"`
	IO     IOStats          `json:"io"`
	PEC    PECStats         `json:"pec"`
}

// Stats returns a snapshot.
func (s *Sandbox) Stats() Stats {
	st := s.counts.snapshot()
	st.IO = s.io.stats()
	st.PEC = s.pec.stats()
	return st
}

type counters struct {
	mu                        sync.Mutex
	calls                     map[string]int64
	faults                    map[string]int64
	unauthorized, rateLimited int64
}

func (c *counters) init() {
	c.calls, c.faults = map[string]int64{}, map[string]int64{}
}

func (c *counters) reset() {
	c.mu.Lock()
	c.init()
	c.unauthorized, c.rateLimited = 0, 0
	c.mu.Unlock()
}

func (c *counters) add(f func(c *counters)) {
	c.mu.Lock()
	f(c)
	c.mu.Unlock()
}

func (c *counters) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Stats{Calls: map[string]int64{}, Faults: map[string]int64{}, Unauthorized: c.unauthorized, RateLimited: c.rateLimited}
	for k, v := range c.calls {
		st.Calls[k] = v
	}
	for k, v := range c.faults {
		st.Faults[k] = v
	}
	return st
}

// mountControl adds the sandbox's own endpoints (no auth, no faults).
func (s *Sandbox) mountControl(mux *http.ServeMux) {
	mux.HandleFunc("GET /__sandbox/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	mux.HandleFunc("GET /__sandbox/credentials", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Credentials())
	})
	mux.HandleFunc("POST /__sandbox/reset", func(w http.ResponseWriter, r *http.Request) {
		if err := s.Reset(); err != nil {
			writeProblem(w, newProblem(http.StatusInternalServerError, "Reset failed", err.Error()))
			return
		}
		s.log.Info("sandbox reset")
		w.WriteHeader(http.StatusNoContent)
	})
	// POST /__sandbox/faults?next=503,reset,503:after queues faults.
	mux.HandleFunc("POST /__sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		var fs []Fault
		for _, item := range strings.Split(r.URL.Query().Get("next"), ",") {
			if item = strings.TrimSpace(item); item == "" {
				continue
			}
			f, err := ParseFault(item)
			if err != nil {
				writeProblem(w, newProblem(http.StatusBadRequest, "Invalid fault", err.Error()))
				return
			}
			fs = append(fs, f)
		}
		s.InjectFaults(fs...)
		writeJSON(w, http.StatusOK, map[string]any{"queued": fs})
	})
	// POST /__sandbox/pagopa/paga?dir=D[&quota=0.7][&giorno=YYYY-MM-DD][&seed=N][&anomalie=demo|nessuna]
	// pays the open positions and writes receipts, flows and journal under D.
	mux.HandleFunc("POST /__sandbox/pagopa/paga", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		cfg := ConfigPagamenti{Anomalie: AnomalieDemo()}
		var err error
		if v := q.Get("quota"); v != "" {
			cfg.Quota, err = strconv.ParseFloat(v, 64)
		}
		if v := q.Get("giorno"); v != "" && err == nil {
			cfg.Giorno, err = time.Parse(time.DateOnly, v)
		}
		if v := q.Get("seed"); v != "" && err == nil {
			cfg.Seed, err = strconv.ParseUint(v, 10, 64)
		}
		switch q.Get("anomalie") {
		case "", "demo":
		case "nessuna":
			cfg.Anomalie = AnomaliePagamenti{}
		default:
			err = errors.New("anomalie: demo or nessuna")
		}
		if err == nil && q.Get("dir") == "" {
			err = errors.New("dir is required")
		}
		if err != nil {
			writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", err.Error()))
			return
		}
		es, err := s.SimulaPagamenti(cfg, q.Get("dir"))
		if err != nil {
			writeProblem(w, newProblem(http.StatusUnprocessableEntity, "Payments not simulated", err.Error()))
			return
		}
		writeJSON(w, http.StatusOK, es)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		pec := s.PECCredentials()
		fmt.Fprintf(w, "Sportello API sandbox\n\nApp IO:      %s\nGPD:         %s\nPEC:         SMTP %s:%d (TLS), %s:%d (STARTTLS), IMAP %s:%d (TLS)\nProvider:    %s\nStatistics:  %s/__sandbox/stats\nCredentials: %s/__sandbox/credentials\n\n%s\n\n%s\n",
			s.IOBaseURL(), s.base+gpdBasePath, pec.Host, pec.SMTPPort, pec.Host, pec.SubmissionPort, pec.Host, pec.IMAPPort, s.base+providerBasePath, s.base, s.base, PECRules, ProviderRules)
	})
}

// endpoint is one simulated operation behind the shared middleware.
type endpoint struct {
	name string // statistics key, "<system>.<operationId>"
	// auth finds the caller's account and principal (e.g. *Service);
	// nil means the route needs no authentication.
	auth    func(r *http.Request) (account string, principal any, p *problem)
	handler func(w http.ResponseWriter, r *http.Request, principal any)
}

// route registers ep on mux behind faults, auth, rate limit and stats.
func (s *Sandbox) route(mux *http.ServeMux, pattern string, ep endpoint) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.counts.add(func(c *counters) { c.calls[ep.name]++ })
		plan := s.faults.next()
		if plan.latency > 0 {
			s.counts.add(func(c *counters) { c.faults["latency"]++ })
			t := time.NewTimer(plan.latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if plan.fault.Kind != "" && !plan.fault.AfterProcessing {
			s.fail(w, r, ep.name, plan.fault)
			return
		}
		var principal any
		if ep.auth != nil {
			account, p, prob := ep.auth(r)
			if prob != nil {
				s.counts.add(func(c *counters) { c.unauthorized++ })
				s.log.Debug("unauthorized", "endpoint", ep.name, "status", prob.Status, "detail", prob.Detail)
				writeProblem(w, prob)
				return
			}
			principal = p
			if !s.cfg.Rate.Off() {
				ok, remaining, wait := s.limiter.allow(account, s.now())
				if !ok {
					s.counts.add(func(c *counters) { c.rateLimited++ })
					s.log.Debug("rate limited", "endpoint", ep.name, "account", account)
					writeTooManyRequests(w, retryAfterSeconds(wait))
					return
				}
				w.Header().Set("x-rate-limit-remaining", strconv.Itoa(remaining))
			}
		}
		if plan.fault.Kind != "" {
			ep.handler(discardWriter{h: http.Header{}}, r, principal)
			s.counts.add(func(c *counters) { c.faults["after_processing"]++ })
			s.fail(w, r, ep.name, plan.fault)
			return
		}
		ep.handler(w, r, principal)
	})
}

// fail answers with an injected fault.
func (s *Sandbox) fail(w http.ResponseWriter, r *http.Request, name string, f Fault) {
	s.counts.add(func(c *counters) {
		c.faults[string(f.Kind)]++
		if f.Kind == Fault429 {
			c.rateLimited++
		}
	})
	s.log.Debug("fault injected", "endpoint", name, "kind", f.Kind, "after_processing", f.AfterProcessing)
	switch f.Kind {
	case FaultReset:
		io.Copy(io.Discard, io.LimitReader(r.Body, maxBody))
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler) // closes the connection without a response
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST rather than FIN, like a dropped proxy
		}
		conn.Close()
	case Fault429:
		w.Header().Set("x-rate-limit-remaining", "0")
		writeTooManyRequests(w, 1)
	case Fault500:
		writeProblem(w, newProblem(http.StatusInternalServerError, "Internal server error", "An unexpected error occurred while processing the request"))
	case Fault502:
		writeProblem(w, newProblem(http.StatusBadGateway, "Bad Gateway", "The backend did not answer correctly"))
	case Fault503:
		writeProblem(w, newProblem(http.StatusServiceUnavailable, "Service Unavailable", "The service is temporarily unavailable, retry later"))
	}
}

func writeTooManyRequests(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("x-rate-limit-retry-after", strconv.Itoa(retryAfter))
	w.Header().Set("x-rate-limit-remaining", "0")
	writeProblem(w, newProblem(http.StatusTooManyRequests, "Too many requests",
		fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", retryAfter)))
}

// discardWriter receives the response of a request whose answer a fault loses.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, newProblem(http.StatusInternalServerError, "Internal server error", err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// maskKey shows enough of a key to recognise it in logs.
func maskKey(k string) string {
	if len(k) <= 4 {
		return "****"
	}
	return k[:4] + "…"
}
