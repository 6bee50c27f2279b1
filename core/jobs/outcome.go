package jobs

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"
)

type outcomeKind int

const (
	temporary outcomeKind = iota
	permanent
	uncertain
	retryAfter
)

type outcomeError struct {
	kind  outcomeKind
	after time.Duration
	err   error
}

func (e *outcomeError) Error() string { return e.err.Error() }
func (e *outcomeError) Unwrap() error { return e.err }

// Permanent marks err as a definitive failure of the item.
func Permanent(err error) error { return &outcomeError{kind: permanent, err: orUnknown(err)} }

// Uncertain marks err as leaving the call's effect unknown.
func Uncertain(err error) error { return &outcomeError{kind: uncertain, err: orUnknown(err)} }

// RetryAfter is the server's "retry after d" (HTTP 429 or 503 with Retry-After).
func RetryAfter(d time.Duration, err error) error {
	return &outcomeError{kind: retryAfter, after: max(d, 0), err: orUnknown(err)}
}

func orUnknown(err error) error {
	if err == nil {
		return errors.New("errore non specificato")
	}
	return err
}

func classify(err error) (outcomeKind, time.Duration) {
	var oe *outcomeError
	if errors.As(err, &oe) {
		return oe.kind, oe.after
	}
	return temporary, 0
}

// ErrNotSent is what Recover returns when the remote system shows no trace
// of the interrupted call: the item goes back to the queue and Do is called again.
var ErrNotSent = errors.New("la chiamata interrotta non risulta eseguita: verrà ripetuta")

// errInterrupted is the reason recorded on items found in flight after an
// interruption whose outcome nobody can check.
var errInterrupted = errors.New("elaborazione interrotta durante la chiamata: esito sconosciuto, da verificare")

type recovery int

const (
	recoverCheck recovery = iota
	recoverUncertain
	recoverRequeue
	recoverPartial
)

type recoveryMode interface{ recoveryMode() recovery }

// NoRecover is embedded by handlers whose calls can be neither checked nor
// safely repeated (App IO send): an item interrupted in flight becomes uncertain.
type NoRecover struct{}

// Recover reports that the outcome is unknown.
func (NoRecover) Recover(context.Context, Item) (string, error) { return "", Uncertain(errInterrupted) }

func (NoRecover) recoveryMode() recovery { return recoverUncertain }

// Idempotent is embedded by handlers whose calls can be repeated without
// harm (an upsert with a key derived from the item): an item interrupted in
// flight goes back to the queue.
type Idempotent struct{}

// Recover reports that the call can simply be made again.
func (Idempotent) Recover(context.Context, Item) (string, error) { return "", ErrNotSent }

func (Idempotent) recoveryMode() recovery { return recoverRequeue }

// PartialRecover is embedded by handlers whose Recover can find that an
// interrupted call took effect but not always that it did not, and then
// answers Uncertain (a PEC send: the acceptance receipt proves it left, its
// absence proves nothing). To such a check an item claimed but never
// started looks like one cut mid-call, so the engine keeps at most
// Concurrency items in flight, as for NoRecover: a crash leaves at most that
// many to the operator. The handler still implements Recover.
type PartialRecover struct{}

func (PartialRecover) recoveryMode() recovery { return recoverPartial }

func modeOf(h Handler) recovery {
	if m, ok := h.(recoveryMode); ok {
		return m.recoveryMode()
	}
	return recoverCheck
}

// maxErrorLen bounds last_error: enough for a ProblemJson title and detail.
const maxErrorLen = 1000

func errorText(err error) string {
	s := err.Error()
	if len(s) <= maxErrorLen {
		return s
	}
	s = s[:maxErrorLen]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
