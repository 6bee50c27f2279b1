package appio_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/sandbox"
)

var quiet = slog.New(slog.DiscardHandler)

func startSandbox(t testing.TB, cfg sandbox.Config) *sandbox.Sandbox {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	sb, err := sandbox.Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// newClient is a client of sb for the service key, closed at cleanup.
func newClient(t testing.TB, sb *sandbox.Sandbox, key string, edit ...func(*appio.Config)) *appio.Client {
	t.Helper()
	cfg := appio.Config{BaseURL: sb.IOBaseURL(), Key: key, Version: "test", Logger: quiet}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := appio.New(cfg)
	if err != nil {
		t.Fatalf("appio.New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func service(t testing.TB, sb *sandbox.Sandbox, level string) sandbox.Service {
	t.Helper()
	for _, s := range sb.Services() {
		if s.FeatureLevel == level {
			return s
		}
	}
	t.Fatalf("no %s service", level)
	return sandbox.Service{}
}

func sample(t testing.TB, sb *sandbox.Sandbox, k sandbox.CitizenKind) string {
	t.Helper()
	codes := sb.Credentials().FiscalCodes.Of(k)
	if len(codes) == 0 {
		t.Fatalf("no sample fiscal code of kind %s", k)
	}
	if got := sb.Citizen(codes[0]); got != k {
		t.Fatalf("sample %s is %s, want %s", codes[0], got, k)
	}
	return codes[0]
}

const testMarkdown = "Gentile contribuente,\n\nè disponibile l'avviso di pagamento della **TARI 2026**. " +
	"Può pagarlo dall'app IO entro la scadenza indicata."

func message(subject string) appio.NewMessage {
	return appio.NewMessage{Content: appio.Content{Subject: subject, Markdown: testMarkdown}}
}

func paymentMessage(subject string, amount int64, notice string) appio.NewMessage {
	m := message(subject)
	m.Content.PaymentData = &appio.PaymentData{Amount: amount, NoticeNumber: notice}
	return m
}

// calls is the number of requests the sandbox received for App IO operations.
func calls(sb *sandbox.Sandbox) int64 {
	var n int64
	for op, c := range sb.Stats().Calls {
		if strings.HasPrefix(op, "io.") {
			n += c
		}
	}
	return n
}

// recLimiter records how the client uses its Limiter.
type recLimiter struct {
	mu    sync.Mutex
	waits int
	holds []time.Time
	err   error // returned by Wait when set
}

func (l *recLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits++
	if l.err != nil {
		return l.err
	}
	return ctx.Err()
}

func (l *recLimiter) Hold(until time.Time) {
	l.mu.Lock()
	l.holds = append(l.holds, until)
	l.mu.Unlock()
}

func (l *recLimiter) counts() (waits, holds int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waits, len(l.holds)
}

// class is how the helpers classify an error.
type class struct {
	retryable, permanent, maybeDelivered bool
	retryAfter                           time.Duration
}

func classOf(err error) class {
	return class{appio.IsRetryable(err), appio.IsPermanent(err), appio.MaybeDelivered(err), appio.RetryAfter(err)}
}

func wantClass(t testing.TB, what string, err error, want class) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	if got := classOf(err); got != want {
		t.Errorf("%s: %v\n  classified %+v, want %+v", what, err, got, want)
	}
}

func apiError(t testing.TB, err error) *appio.APIError {
	t.Helper()
	var ae *appio.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %T %v is not an *APIError", err, err)
	}
	return ae
}
