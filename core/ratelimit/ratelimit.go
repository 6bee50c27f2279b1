// Package ratelimit paces the calls to one remote account: at most N calls
// in any window of a given length, and a pause for every caller when the
// server answers "retry after".
//
// It is a token bucket of N tokens in which each token comes back one
// window after it was spent. Unlike a bucket refilled at a steady rate it
// never lets more than N calls into any window, which is how the remote
// gateways (and core/sandbox) count.
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Limiter is safe for concurrent use; share one per remote account. A nil
// *Limiter lets every call through.
type Limiter struct {
	n   int
	per time.Duration

	mu    sync.Mutex
	spent []time.Time // ring of the last n grants; spent[next] is the oldest
	next  int
	hold  time.Time

	granted func(time.Time) // test hook, called under mu
}

// New allows n calls in any window of length per. n <= 0 or per <= 0 means
// no pacing: only Hold applies.
func New(n int, per time.Duration) *Limiter {
	l := &Limiter{n: n, per: per}
	if n > 0 && per > 0 {
		l.spent = make([]time.Time, n)
	}
	return l
}

// Wait blocks until a call may start, or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.mu.Lock()
		now := time.Now()
		var wake time.Time
		switch {
		case now.Before(l.hold):
			wake = l.hold
		case l.spent == nil:
		case !l.spent[l.next].IsZero() && now.Sub(l.spent[l.next]) < l.per:
			wake = l.spent[l.next].Add(l.per)
		default:
			l.spent[l.next] = now
			l.next = (l.next + 1) % len(l.spent)
		}
		if wake.IsZero() && l.granted != nil {
			l.granted(now)
		}
		l.mu.Unlock()
		if wake.IsZero() {
			return nil
		}
		d := time.Until(wake)
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// Hold makes every caller wait until the given time (the server said
// "retry after"). A later Hold extends the pause, an earlier one is ignored.
func (l *Limiter) Hold(until time.Time) {
	if l == nil {
		return
	}
	l.mu.Lock()
	if until.After(l.hold) {
		l.hold = until
	}
	l.mu.Unlock()
}

// HeldUntil is the end of the current pause, or the zero time when callers
// are not held.
func (l *Limiter) HeldUntil() time.Time {
	if l == nil {
		return time.Time{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if time.Now().Before(l.hold) {
		return l.hold
	}
	return time.Time{}
}
