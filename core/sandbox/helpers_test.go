package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for lifecycle and rate-limit tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var quietLogger = slog.New(slog.DiscardHandler)

// startSandbox starts a sandbox on a free loopback port, closed at cleanup.
func startSandbox(t testing.TB, cfg Config) *Sandbox {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger
	}
	sb, err := Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// exchange is one request/response pair, kept for the contract test.
type exchange struct {
	method, path string
	reqBody      []byte
	status       int
	header       http.Header
	body         []byte
}

type client struct {
	t       testing.TB
	sb      *Sandbox
	hc      *http.Client
	mu      sync.Mutex
	seen    []exchange
	discard bool // benchmarks: keep nothing
}

func newClient(t testing.TB, sb *Sandbox) *client {
	return &client{t: t, sb: sb, hc: &http.Client{Timeout: 10 * time.Second}}
}

// do sends a request to path (relative to the sandbox root) with the
// subscription key (if any). body: nil, a string or []byte (sent as JSON
// as is), or a value to marshal.
func (c *client) do(method, path, key string, body any) exchange {
	c.t.Helper()
	ex, err := c.try(method, path, key, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return ex
}

func (c *client) try(method, path, key string, body any) (exchange, error) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.t.Fatal(err)
		}
	}
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.sb.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set(subscriptionKeyHeader, key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return exchange{}, err
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		return exchange{}, err
	}
	ex := exchange{method: method, path: req.URL.Path, reqBody: raw, status: resp.StatusCode, header: resp.Header, body: rb}
	if !c.discard {
		c.mu.Lock()
		c.seen = append(c.seen, ex)
		c.mu.Unlock()
	}
	return ex, nil
}

func (ex exchange) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(ex.body, v); err != nil {
		t.Fatalf("%s %s: body %q: %v", ex.method, ex.path, ex.body, err)
	}
}

// wantProblem checks a ProblemJson error answer and returns it.
func (ex exchange) wantProblem(t testing.TB, status int) problem {
	t.Helper()
	if ex.status != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", ex.method, ex.path, ex.status, status, ex.body)
	}
	if ct := ex.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s %s: Content-Type %q, want application/problem+json", ex.method, ex.path, ct)
	}
	var p problem
	ex.decode(t, &p)
	if p.Status != status || p.Title == "" || p.Detail == "" || p.Type == "" || !strings.HasPrefix(p.Instance, "urn:uuid:") {
		t.Fatalf("%s %s: incomplete ProblemJson %+v", ex.method, ex.path, p)
	}
	return p
}

func (ex exchange) wantStatus(t testing.TB, status int) {
	t.Helper()
	if ex.status != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", ex.method, ex.path, ex.status, status, ex.body)
	}
}

const testMarkdown = "Gentile cittadina, gentile cittadino,\n\nè disponibile l'avviso di pagamento relativo al servizio richiesto. **Grazie.**"

// newMsg is a valid NewMessage without recipient; opts edit it.
func newMsg(subject string, opts ...func(m map[string]any)) map[string]any {
	m := map[string]any{"content": map[string]any{"subject": subject, "markdown": testMarkdown}}
	for _, o := range opts {
		o(m)
	}
	return m
}

func withCF(cf string) func(map[string]any) { return func(m map[string]any) { m["fiscal_code"] = cf } }

func withContent(k string, v any) func(map[string]any) {
	return func(m map[string]any) { m["content"].(map[string]any)[k] = v }
}

func withField(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }

func payment(amount any, notice string) map[string]any {
	return map[string]any{"amount": amount, "notice_number": notice}
}

// svcByLevel returns the first configured service of the feature level.
func svcByLevel(t testing.TB, sb *Sandbox, level string) Service {
	for _, s := range sb.Services() {
		if s.FeatureLevel == level {
			return s
		}
	}
	t.Fatalf("no %s service", level)
	return Service{}
}

func sample(t testing.TB, sb *Sandbox, k CitizenKind) string {
	codes := sb.Credentials().FiscalCodes.Of(k)
	if len(codes) == 0 {
		t.Fatalf("no sample fiscal code of kind %s", k)
	}
	return codes[0]
}

func itoa(i int) string { return strconv.Itoa(i) }
