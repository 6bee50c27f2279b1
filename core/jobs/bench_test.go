package jobs

import (
	"context"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/misura"
	"github.com/sportello/sportello/store"
)

// noop's calls can be checked after a crash: the engine pipelines freely.
type noop struct{}

func (noop) Kind() string                                  { return "bench.noop" }
func (noop) Do(context.Context, Item) (string, error)      { return "", nil }
func (noop) Recover(context.Context, Item) (string, error) { return "", nil }

// noopUncheckable's calls cannot be checked (an App IO send): the engine
// keeps at most Concurrency items in flight.
type noopUncheckable struct{ NoRecover }

func (noopUncheckable) Kind() string                             { return "bench.noop" }
func (noopUncheckable) Do(context.Context, Item) (string, error) { return "", nil }

// BenchmarkEngine works a job of 20,000 items with a no-op handler: "engine"
// is the job engine with its defaults, "naive" the baseline that commits
// every state change in its own transaction, one item after the other.
// Metrics: items/s; peak-heap-MB, the most Go heap in use during the runs;
// VmHWM-MB, the process's resident high-water mark so far (Linux only, and
// cumulative across sub-benchmarks: SQLite's own memory shows only there).
func BenchmarkEngine(b *testing.B) {
	const n = 20_000
	ks := keys(n)
	b.Run("engine", func(b *testing.B) {
		benchItems(b, n, func(e *Engine, id uuid.UUID) error {
			return e.Run(context.Background(), id, noop{}, nil)
		}, ks)
	})
	b.Run("engine-uncheckable", func(b *testing.B) {
		benchItems(b, n, func(e *Engine, id uuid.UUID) error {
			return e.Run(context.Background(), id, noopUncheckable{}, nil)
		}, ks)
	})
	b.Run("naive", func(b *testing.B) {
		benchItems(b, n, naiveRun, ks)
	})
}

func benchItems(b *testing.B, n int, run func(*Engine, uuid.UUID) error, ks []string) {
	e := New(openDB(b), Options{})
	ctx := context.Background()
	peak := samplePeak()
	var elapsed time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		id, err := e.Create(ctx, op, "bench.noop", "", ks)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := run(e, id); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		if j, _ := e.Status(ctx, id); j.Counts.Done != n {
			b.Fatalf("counts %+v", j.Counts)
		}
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "items/s")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	if hwm := misura.PiccoRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "VmHWM-MB")
	}
}

// naiveRun is the baseline: claim one item, call, record its outcome, each
// change in its own transaction.
func naiveRun(e *Engine, id uuid.UUID) error {
	ctx := context.Background()
	j, err := e.db.JobByUUID(ctx, id.String())
	if err != nil {
		return err
	}
	h := noop{}
	for {
		var claimed []store.JobItem
		err := e.db.Write(ctx, op, func(tx *store.Tx) error {
			var err error
			claimed, err = tx.ClaimJobItems(ctx, j.ID, tx.Now, 1)
			return err
		})
		if err != nil {
			return err
		}
		if len(claimed) == 0 {
			return nil
		}
		it := claimed[0]
		res, _ := h.Do(ctx, toItem(id, j.Ref, it))
		err = e.db.Write(ctx, op, func(tx *store.Tx) error {
			_, err := tx.SaveJobOutcomes(ctx, []store.JobOutcome{{ID: it.ID, Claimed: it.Attempts, Attempts: it.Attempts,
				State: string(ItemDone), Result: res}})
			return err
		})
		if err != nil {
			return err
		}
	}
}

// BenchmarkCreate records jobs of 100,000 items.
func BenchmarkCreate(b *testing.B) {
	const n = 100_000
	ks := keys(n)
	e := New(openDB(b), Options{})
	b.ResetTimer()
	for range b.N {
		if _, err := e.Create(context.Background(), op, "bench.noop", "", ks); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}

// samplePeak samples the Go heap in use until the returned function is
// called, which reports the highest value seen.
func samplePeak() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	read := func() {
		metrics.Read(s)
		mu.Lock()
		peak = max(peak, s[0].Value.Uint64())
		mu.Unlock()
	}
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		read()
		return peak
	}
}
