package appio

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// How a failed call is classified. The client never retries; the caller
// decides with these helpers, in this order:
//
//  1. MaybeDelivered(err): the message may exist on IO. Never send it
//     again automatically: mark it "Esito incerto — da verificare".
//  2. IsRetryable(err): transient and certainly without effect; try again
//     after RetryAfter(err) (the server's hint; 0: use your own backoff).
//  3. IsPermanent(err): retrying cannot help (invalid data, refused key,
//     missing permission, citizen not on IO).
//  4. none of them: the caller cancelled before anything was sent.
//
// A request "surely not processed" is one that never fully left this
// process (no connection, or writing it failed: the server cannot act on
// half a request), or one the gateway refused before the backend (401,
// 429) or the backend refused (4xx). Once the whole request was written,
// only an answer tells what happened: a reset, EOF or timeout before the
// answer, a cancellation at that point, or a 5xx (IO's 500 "The message
// cannot be delivered" may come after the message was stored; a 502/503/504
// from the gateway may hide a backend that did the work) leave a submission
// uncertain. A reset at the server before it read the body looks the same
// from here, so it is uncertain too: no guessing in favour of resending.
//
//	failure                                      retryable permanent maybe delivered (submit)
//	ValidationErrors (nothing sent)              no        yes       no
//	context cancelled before sending             no        no        no
//	Limiter.Wait failed (deadline / cancel)      deadline  no        no
//	DNS, connection refused, dial/TLS timeout    yes       no        no
//	TLS certificate rejected                     no        yes       no
//	writing the request failed                   yes       no        no
//	reset, EOF, timeout after the request left   yes       no        yes
//	context cancelled after the request left     no        no        yes
//	3xx (redirects are not followed)             no        yes       no
//	400, 401, 403, 404, other 4xx                no        yes       no
//	408                                          yes       no        no
//	429 (RetryAfter from x-rate-limit-retry-after / Retry-After)
//	                                             yes       no        no
//	500, 502, 503, 504, other 5xx                yes       no        yes
//	2xx whose id cannot be read                  no        no        yes
//
// MaybeDelivered is false for every read (getProfile, getMessage): they
// change nothing, so they are simply retryable.
//
// In a core/jobs handler: MaybeDelivered → jobs.Uncertain(err);
// RetryAfter > 0 → jobs.RetryAfter(d, err); IsPermanent → jobs.Permanent(err);
// anything else → err as is (temporary, surely without effect).

// Kinds of refusal, matched with errors.Is on an *APIError.
var (
	ErrProfileNotFound = errors.New("cittadino non iscritto") // getProfile 404
	ErrMessageNotFound = errors.New("messaggio non trovato")  // getMessage 404
	ErrUnauthorized    = errors.New("chiave API del servizio non valida o mancante")
	ErrForbidden       = errors.New("operazione non consentita al servizio")
	ErrRateLimited     = errors.New("troppe richieste")
)

// ProblemJson is the RFC 7807 error body of the IO API.
type ProblemJson struct {
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// APIError is an HTTP answer other than the operation's success.
type APIError struct {
	Op      string // spec operation, e.g. "submitMessage"
	Status  int
	Problem ProblemJson
	// RetryAfter is the server's hint (429, or Retry-After on any answer);
	// 0 when none was given.
	RetryAfter time.Duration

	kind   error
	effect bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("App IO: ")
	b.WriteString(e.summary())
	if e.Status == http.StatusTooManyRequests && e.RetryAfter > 0 {
		fmt.Fprintf(&b, ", riprovare tra %s", e.RetryAfter.Round(time.Second))
	}
	fmt.Fprintf(&b, " (HTTP %d", e.Status)
	if t := e.Problem.Title; t != "" {
		b.WriteString(" " + t)
	}
	if d := e.Problem.Detail; d != "" && d != e.Problem.Title {
		b.WriteString(": " + d)
	}
	b.WriteString(")")
	if e.maybeDelivered() {
		b.WriteString(": il messaggio potrebbe essere stato accettato, da verificare")
	}
	return redactFiscalCodes(b.String())
}

func (e *APIError) summary() string {
	switch {
	case e.kind != nil:
		return e.kind.Error()
	case e.Status == http.StatusBadRequest:
		return "richiesta rifiutata come non valida"
	case e.Status == http.StatusNotFound:
		return "risorsa inesistente, verificare l'indirizzo del servizio"
	case e.Status == http.StatusRequestTimeout:
		return "richiesta non ricevuta per intero dal server"
	case e.Status >= 300 && e.Status < 400:
		return "reindirizzamento inatteso, verificare l'indirizzo del servizio"
	case e.Status >= 500:
		return "errore del server"
	}
	return "risposta inattesa"
}

// Unwrap exposes the kind (ErrProfileNotFound, ErrUnauthorized, ...).
func (e *APIError) Unwrap() error { return e.kind }

func (e *APIError) retryable() bool {
	return e.Status == http.StatusRequestTimeout || e.Status == http.StatusTooManyRequests || e.Status >= 500
}
func (e *APIError) permanent() bool      { return !e.retryable() }
func (e *APIError) maybeDelivered() bool { return e.effect && e.Status >= 500 }

// TransportError is a call that got no HTTP answer.
type TransportError struct {
	Op  string
	Err error // net, TLS or context error (never the URL, which holds fiscal codes)
	// Sent: the request may have reached the server (a connection was in
	// hand and writing did not fail). False: it surely did not.
	Sent bool

	effect    bool
	permanent bool
}

func (e *TransportError) Error() string {
	var s string
	switch {
	case errors.Is(e.Err, context.Canceled) && e.Sent:
		s = "chiamata annullata dopo l'invio della richiesta"
	case errors.Is(e.Err, context.Canceled):
		s = "chiamata annullata prima dell'invio"
	case !e.Sent && isTimeout(e.Err):
		s = fmt.Sprintf("tempo scaduto prima dell'invio della richiesta (%v)", e.Err)
	case !e.Sent:
		s = fmt.Sprintf("servizio non raggiungibile (%v)", e.Err)
	case isTimeout(e.Err):
		s = fmt.Sprintf("nessuna risposta entro il tempo limite (%v)", e.Err)
	default:
		s = fmt.Sprintf("connessione interrotta prima della risposta (%v)", e.Err)
	}
	if e.maybeDelivered() {
		s += ": il messaggio potrebbe essere stato accettato, da verificare"
	}
	return redactFiscalCodes("App IO: " + s)
}

func (e *TransportError) Unwrap() error { return e.Err }

func (e *TransportError) retryable() bool {
	return !e.permanent && !errors.Is(e.Err, context.Canceled) && !isCertError(e.Err)
}
func (e *TransportError) isPermanent() bool    { return e.permanent || isCertError(e.Err) }
func (e *TransportError) maybeDelivered() bool { return e.effect && e.Sent }

// ResponseError is a success status whose body cannot be used. After a
// submission it means the message exists but its id is unknown.
type ResponseError struct {
	Op     string
	Status int
	Err    error

	effect bool
}

func (e *ResponseError) Error() string {
	s := fmt.Sprintf("App IO: risposta %d illeggibile (%v)", e.Status, e.Err)
	if e.effect {
		s += ": il messaggio è stato accettato ma il suo identificativo non è noto, da verificare"
	}
	return redactFiscalCodes(s)
}

func (e *ResponseError) Unwrap() error { return e.Err }

func (e *ResponseError) retryable() bool      { return !e.effect }
func (e *ResponseError) isPermanent() bool    { return false }
func (e *ResponseError) maybeDelivered() bool { return e.effect }

// IsRetryable reports a transient failure that certainly had no effect
// unless MaybeDelivered says otherwise: 429, 408, 5xx, connection errors,
// resets, EOF, timeouts. A cancelled context is not retryable.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var ae *APIError
	var te *TransportError
	var re *ResponseError
	switch {
	case errors.As(err, &ae):
		return ae.retryable()
	case errors.As(err, &te):
		return te.retryable()
	case errors.As(err, &re):
		return re.retryable()
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && !isCertError(err)
}

// IsPermanent reports a failure that repeating the same call cannot fix:
// invalid input (ValidationErrors), 400, 401, 403, 404, other 4xx and 3xx,
// a rejected TLS certificate.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	var ve ValidationErrors
	var ae *APIError
	var te *TransportError
	switch {
	case errors.As(err, &ve):
		return true
	case errors.As(err, &ae):
		return ae.permanent()
	case errors.As(err, &te):
		return te.isPermanent()
	}
	return false
}

// MaybeDelivered reports that a submission failed in a way that leaves it
// unknown whether IO accepted the message: the request left whole and no
// answer came, or the answer was a 5xx, or a 2xx without a readable id.
// It is always false for reads and for errors that surely had no effect.
func MaybeDelivered(err error) bool {
	var ae *APIError
	var te *TransportError
	var re *ResponseError
	switch {
	case errors.As(err, &ae):
		return ae.maybeDelivered()
	case errors.As(err, &te):
		return te.maybeDelivered()
	case errors.As(err, &re):
		return re.maybeDelivered()
	}
	return false
}

// RetryAfter is the wait the server asked for, 0 when it gave none.
func RetryAfter(err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func isCertError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
		rh  tls.RecordHeaderError // https spoken to a plain-HTTP port
	)
	return errors.As(err, &cve) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci) || errors.As(err, &rh)
}

// newAPIError reads the problem and the retry hints of a failed answer.
func newAPIError(op operation, a *answer, now time.Time) *APIError {
	e := &APIError{Op: op.name, Status: a.status, effect: op.effect}
	// ProblemJson from IO; the APIM gateway answers its own errors
	// (401, 429) with {"statusCode", "message"}.
	var body struct {
		ProblemJson
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
	}
	if a.bodyErr == nil && len(a.body) > 0 {
		_ = json.Unmarshal(a.body, &body) // best effort: fields that decode are kept
	}
	e.Problem = body.ProblemJson
	if e.Problem.Status == 0 {
		e.Problem.Status = body.StatusCode
	}
	if e.Problem.Detail == "" {
		e.Problem.Detail = body.Message
	}
	if e.Problem.Title == "" && e.Problem.Detail == "" && a.bodyErr == nil && len(a.body) > 0 && !json.Valid(a.body) {
		e.Problem.Detail = snippet(a.body)
	}
	e.RetryAfter = parseRetryAfter(a.header, now)
	if e.RetryAfter == 0 && a.status == http.StatusTooManyRequests {
		if m := tryAgainRE.FindStringSubmatch(e.Problem.Detail); m != nil {
			e.RetryAfter, _ = seconds(m[1])
		}
	}
	title := strings.ToLower(e.Problem.Title)
	switch a.status {
	case http.StatusUnauthorized:
		e.kind = ErrUnauthorized
	case http.StatusForbidden:
		e.kind = ErrForbidden
	case http.StatusTooManyRequests:
		e.kind = ErrRateLimited
	case http.StatusNotFound:
		// Only IO's own "Profile not found" / "Message not found": a 404 of
		// the gateway for an unknown path (a wrong base URL) must not turn
		// every citizen into "not on IO".
		switch {
		case (op == opGetProfile || op == opGetProfileByPost) && strings.Contains(title, "profile"):
			e.kind = ErrProfileNotFound
		case op == opGetMessage && strings.Contains(title, "message"):
			e.kind = ErrMessageNotFound
		}
	}
	return e
}

var tryAgainRE = regexp.MustCompile(`(?i)try again in (\d+(?:\.\d+)?) seconds?`)

// parseRetryAfter reads the IO gateway's x-rate-limit-retry-after (seconds)
// and the standard Retry-After (seconds or HTTP date); the longer wins.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	var d time.Duration
	if s, ok := seconds(h.Get("X-Rate-Limit-Retry-After")); ok {
		d = s
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, ok := seconds(v); ok {
			d = max(d, s)
		} else if t, err := http.ParseTime(v); err == nil {
			d = max(d, t.Sub(now))
		}
	}
	return d
}

func seconds(v string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 7*24*3600 {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// fiscalCodeLikeRE finds personal fiscal codes in server texts (a 400
// detail repeats the rejected value) so that error strings, which end up
// in logs, carry them masked.
var fiscalCodeLikeRE = regexp.MustCompile(`(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b`)

func redactFiscalCodes(s string) string {
	return fiscalCodeLikeRE.ReplaceAllStringFunc(s, MaskFiscalCode)
}
