// Package appio is the client of the App IO Services API
// (https://api.io.pagopa.it/api/v1, spec in shared/specs/io): citizen
// profiles, message submission and message status.
//
// The client makes exactly one HTTP request per call and never retries:
// the job engine owns retries, backoff and the shared rate limiter, and
// decides with IsRetryable, IsPermanent, MaybeDelivered and RetryAfter
// (see errors.go for the classification). Every call first waits on the
// optional Limiter, so profile lookups and submissions share one budget.
//
// Messages and fiscal codes are validated before anything is sent, with
// the server's own rules, so an invalid message never reaches IO.
package appio

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ProductionBaseURL is App IO's base URL.
const ProductionBaseURL = "https://api.io.pagopa.it/api/v1"

// KeyHeader carries the service's subscription key.
const KeyHeader = "Ocp-Apim-Subscription-Key"

// Defaults of Config.
const (
	DefaultConcurrency = 16
	DefaultTimeout     = 30 * time.Second
)

// maxResponseBody bounds what is read of any answer; IO's are a few KB.
const maxResponseBody = 1 << 20

// Limiter paces calls. The IO gateway counts every call of an account (the
// ente: all its services) in one budget, getProfile included, so every
// Client of the same account should share one Limiter.
// *ratelimit.Limiter (core/ratelimit) implements it.
type Limiter interface {
	// Wait blocks until one more call may start, or ctx is done.
	Wait(ctx context.Context) error
	// Hold pauses every caller until the given time: the server answered
	// "retry after".
	Hold(until time.Time)
}

// Config configures a Client.
type Config struct {
	// BaseURL is ProductionBaseURL or the sandbox's IOBaseURL().
	BaseURL string
	// Key is the IO service's subscription key (each service has its own).
	Key string
	// Version goes in the User-Agent, "Sportello/<Version>".
	Version string
	// Concurrency is how many calls may run at once; it sizes the pool of
	// kept-alive connections. 0 means DefaultConcurrency.
	Concurrency int
	// Timeout bounds one call, from dialling to the end of the answer.
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// Limiter, when set, is waited on before every request and told about
	// the server's retry-after hints.
	Limiter Limiter
	// Logger receives one record per call; nil means slog.Default().
	Logger *slog.Logger
	// HTTPClient replaces the built-in one (Concurrency and Timeout are then
	// ignored). Redirects are never followed: a POST must not turn into a GET.
	HTTPClient *http.Client
}

// Client calls App IO on behalf of one service. It is safe for concurrent use.
type Client struct {
	base    string // no trailing slash
	key     string
	ua      string
	hc      *http.Client
	limiter Limiter
	log     *slog.Logger
}

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	key, err := checkKey(cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency < 0 || cfg.Timeout < 0 {
		return nil, errors.New("App IO: concorrenza e tempo limite non possono essere negativi")
	}
	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	c := &Client{base: base, key: key, ua: "Sportello/" + version, limiter: cfg.Limiter, log: cfg.Logger}
	if c.log == nil {
		c.log = slog.Default()
	}
	if cfg.HTTPClient != nil {
		hc := *cfg.HTTPClient
		hc.CheckRedirect = noRedirects
		c.hc = &hc
	} else {
		c.hc = newHTTPClient(orDefault(cfg.Concurrency, DefaultConcurrency), orDefault(cfg.Timeout, DefaultTimeout))
	}
	return c, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

func parseBaseURL(s string) (string, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	u, err := url.Parse(s)
	if s == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("App IO: indirizzo del servizio %q non valido (atteso ad es. %s)", s, ProductionBaseURL)
	}
	return s, nil
}

func checkKey(k string) (string, error) {
	k = strings.TrimSpace(k)
	if k == "" {
		return "", errors.New("App IO: chiave API del servizio mancante")
	}
	for _, r := range k {
		if r <= ' ' || r == 0x7f {
			return "", errors.New("App IO: la chiave API contiene spazi o caratteri di controllo")
		}
	}
	return k, nil
}

// WithKey returns a Client for another service of the same ente: same base
// URL, connections, limiter and logger, different subscription key.
func (c *Client) WithKey(key string) (*Client, error) {
	k, err := checkKey(key)
	if err != nil {
		return nil, err
	}
	d := *c
	d.key = k
	return &d, nil
}

// BaseURL is the App IO base URL the client calls.
func (c *Client) BaseURL() string { return c.base }

// CloseIdleConnections closes the kept-alive connections not in use.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func newHTTPClient(concurrency int, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		DialContext:       dialer.DialContext,
		ForceAttemptHTTP2: true,
		TLSClientConfig:   &tls.Config{MinVersion: tls.VersionTLS12},
		MaxIdleConns:      max(100, 2*concurrency),
		// Without this the transport keeps 2 idle connections per host and
		// every other worker dials (and handshakes TLS) for each call.
		MaxIdleConnsPerHost: concurrency,
		// Shorter than the gateway's idle timeout (Azure: 4 min): a POST on a
		// connection the server is closing fails after being written, which
		// would have to be reported as "maybe delivered".
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: noRedirects}
}

// operation is one API operation, as named by the spec.
type operation struct {
	name string
	// effect: the operation changes state on IO (submit), so an answer lost
	// after the request left leaves the outcome unknown.
	effect bool
}

var (
	opGetProfile       = operation{name: "getProfile"}
	opGetProfileByPost = operation{name: "getProfileByPOST"}
	opSubmitMessage    = operation{name: "submitMessage", effect: true}
	opGetMessage       = operation{name: "getMessage"}
)

// answer is an HTTP response, read whole.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	bodyErr error // the body could not be read whole
}

// sendState follows a request through the transport (the httptrace hooks
// run on the transport's goroutines).
type sendState struct {
	mu    sync.Mutex
	state int
}

const (
	stateNone        = iota // nothing written: no connection, or HTTP/1.1 before the headers
	stateMaybe              // bytes may have left: headers written, or an HTTP/2 stream opened
	stateWriteFailed        // writing failed: the server has at most part of the request
	stateWritten            // the whole request was written
)

func (s *sendState) set(st int) {
	s.mu.Lock()
	// Written is sticky: the transport may resend a request on a new
	// connection (for a POST only when nothing was written), and once a
	// whole copy left, the outcome stays unknown.
	if s.state != stateWritten {
		s.state = st
	}
	s.mu.Unlock()
}

func (s *sendState) maybeSent() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == stateMaybe || s.state == stateWritten
}

func (s *sendState) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) {
			// The HTTP/1.1 transport waits for its write loop before
			// returning an error, so its hooks are exact. HTTP/2 may return
			// on cancellation before they run: from the stream on, assume sent.
			if tc, ok := i.Conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
				s.set(stateMaybe)
			}
		},
		WroteHeaders: func() { s.set(stateMaybe) },
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err != nil {
				s.set(stateWriteFailed)
			} else {
				s.set(stateWritten)
			}
		},
	}
}

// call waits on the limiter and makes one request. body, when not nil, is
// sent as JSON. The error is a *TransportError or the limiter's.
func (c *Client) call(ctx context.Context, op operation, method, path string, body []byte) (*answer, error) {
	if err := ctx.Err(); err != nil {
		return nil, &TransportError{Op: op.name, Err: err}
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, fmt.Errorf("App IO (%s): attesa del limite di chiamate: %w", op.name, err)
		}
	}
	st := &sendState{}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body) // NewRequest sets GetBody: the transport may resend it only if nothing was written
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, st.trace()), method, c.base+path, rd)
	if err != nil {
		return nil, &TransportError{Op: op.name, Err: err, permanent: true}
	}
	req.Header.Set(KeyHeader, c.key)
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// url.Error repeats the URL, which holds fiscal codes.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &TransportError{Op: op.name, Err: err, Sent: st.maybeSent(), effect: op.effect}
	}
	defer resp.Body.Close()
	a := &answer{status: resp.StatusCode, header: resp.Header}
	a.body, a.bodyErr = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if a.bodyErr == nil && len(a.body) > maxResponseBody {
		a.bodyErr = fmt.Errorf("risposta oltre %d byte", maxResponseBody)
	}
	return a, nil
}

// failure turns a non-success answer into an *APIError and passes the
// server's retry-after hint to the limiter.
func (c *Client) failure(op operation, a *answer) *APIError {
	e := newAPIError(op, a, time.Now())
	if e.RetryAfter > 0 && c.limiter != nil {
		c.limiter.Hold(time.Now().Add(e.RetryAfter))
	}
	return e
}

// decodeJSON reads a success body into v.
func decodeJSON(op operation, a *answer, v any) error {
	if a.bodyErr != nil {
		return &ResponseError{Op: op.name, Status: a.status, Err: a.bodyErr, effect: op.effect}
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		return &ResponseError{Op: op.name, Status: a.status, Err: fmt.Errorf("JSON non valido: %w", err), effect: op.effect}
	}
	return nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// logCall records the outcome of one call; never the full fiscal code,
// never the key.
func (c *Client) logCall(ctx context.Context, op operation, cf string, start time.Time, err error, attrs ...slog.Attr) {
	level := slog.LevelDebug
	msg := "app io call"
	attrs = append(attrs, slog.String("op", op.name), slog.String("cf", MaskFiscalCode(cf)),
		slog.Duration("duration", time.Since(start)))
	if err != nil {
		msg = "app io call failed"
		var ae *APIError
		var ve ValidationErrors
		switch {
		case errors.As(err, &ve):
			msg = "app io call not made: invalid input"
		case errors.Is(err, ErrProfileNotFound), errors.Is(err, ErrMessageNotFound):
		case errors.Is(err, ErrRateLimited):
			level = slog.LevelInfo
		case errors.Is(err, context.Canceled):
			level = slog.LevelInfo
		default:
			level = slog.LevelWarn
		}
		if errors.As(err, &ae) {
			attrs = append(attrs, slog.Int("status", ae.Status))
		}
		attrs = append(attrs, slog.String("err", err.Error()), slog.Bool("retryable", IsRetryable(err)),
			slog.Bool("maybe_delivered", MaybeDelivered(err)))
		if d := RetryAfter(err); d > 0 {
			attrs = append(attrs, slog.Duration("retry_after", d))
		}
	}
	c.log.LogAttrs(ctx, level, msg, attrs...)
}

// MaskFiscalCode keeps the first 6 characters (surname and name letters)
// for logs: "RSSMRA**********".
func MaskFiscalCode(cf string) string {
	r := []rune(cf)
	if len(r) <= 6 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-6)
}
