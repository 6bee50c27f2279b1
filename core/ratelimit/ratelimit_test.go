package ratelimit

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"
)

func TestNoWindowHoldsMoreThanN(t *testing.T) {
	const n, per = 5, 120 * time.Millisecond
	l := New(n, per)
	var grants []time.Time
	l.granted = func(at time.Time) { grants = append(grants, at) } // called under l.mu
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				if err := l.Wait(context.Background()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if len(grants) != 20 {
		t.Fatalf("%d grants, want 20", len(grants))
	}
	sort.Slice(grants, func(i, j int) bool { return grants[i].Before(grants[j]) })
	// n+1 consecutive grants never fit in one window.
	for i := n; i < len(grants); i++ {
		if d := grants[i].Sub(grants[i-n]); d < per {
			t.Fatalf("grants %d and %d are %v apart: %d calls inside a %v window", i-n, i, d, n+1, per)
		}
	}
}

func TestHoldBlocksEveryCallerUntilTheTime(t *testing.T) {
	l := New(1000, time.Second)
	until := time.Now().Add(150 * time.Millisecond)
	l.Hold(until)
	l.Hold(until.Add(-100 * time.Millisecond)) // an earlier hold does not shorten it
	if got := l.HeldUntil(); !got.Equal(until) {
		t.Fatalf("HeldUntil = %v, want %v", got, until)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if err := l.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			if now := time.Now(); now.Before(until) {
				t.Errorf("Wait returned %v before the hold ended", until.Sub(now))
			}
		})
	}
	wg.Wait()
	if !l.HeldUntil().IsZero() {
		t.Error("still held after the time")
	}
}

func TestWaitStopsWithContext(t *testing.T) {
	l := New(1, time.Hour)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want deadline exceeded", err)
	}
	// The cancelled wait did not take the token: the window still holds one call.
	l.mu.Lock()
	used := 0
	for _, s := range l.spent {
		if !s.IsZero() {
			used++
		}
	}
	l.mu.Unlock()
	if used != 1 {
		t.Errorf("%d tokens spent, want 1", used)
	}
}

func TestNilAndUnpacedLimiters(t *testing.T) {
	var l *Limiter
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.Hold(time.Now().Add(time.Hour))
	if !l.HeldUntil().IsZero() {
		t.Error("nil limiter reports a hold")
	}
	u := New(0, 0)
	for range 1000 {
		if err := u.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
