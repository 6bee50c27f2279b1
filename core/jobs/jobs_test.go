package jobs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/ratelimit"
	"github.com/sportello/sportello/store"
)

const op = "m.rossi"

func openDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func keys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("k%05d", i)
	}
	return out
}

// remote stands for a remote system: it counts the calls per key, the
// calls in progress, and answers as behave says.
type remote struct {
	mu        sync.Mutex
	calls     map[string]int
	active    int
	maxActive int
	starts    []time.Time
	ends      []time.Time
	delay     time.Duration
	behave    func(key string, call int) (string, error)
	onCall    func(total int) // after each call, with the total so far
	total     int
}

func newRemote() *remote {
	return &remote{calls: map[string]int{}, behave: func(key string, _ int) (string, error) { return "id-" + key, nil }}
}

func (rm *remote) call(ctx context.Context, key string) (string, error) {
	rm.mu.Lock()
	rm.calls[key]++
	n := rm.calls[key]
	rm.active++
	rm.maxActive = max(rm.maxActive, rm.active)
	rm.starts = append(rm.starts, time.Now())
	rm.mu.Unlock()
	if rm.delay > 0 {
		select {
		case <-time.After(rm.delay):
		case <-ctx.Done():
		}
	}
	res, err := rm.behave(key, n)
	rm.mu.Lock()
	rm.active--
	rm.total++
	total := rm.total
	rm.ends = append(rm.ends, time.Now())
	rm.mu.Unlock()
	if rm.onCall != nil {
		rm.onCall(total)
	}
	return res, err
}

func (rm *remote) count(key string) int {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return rm.calls[key]
}

type sendHandler struct {
	NoRecover
	*remote
}

func (sendHandler) Kind() string { return "test.invio" }
func (h sendHandler) Do(ctx context.Context, it Item) (string, error) {
	return h.call(ctx, it.Key)
}

func fastOptions() Options {
	return Options{Concurrency: 4, BatchSize: 32, FlushSize: 32, FlushEvery: 5 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond, MaxAttempts: 3, LeaseTTL: time.Second}
}

func create(t *testing.T, e *Engine, n int) uuid.UUID {
	t.Helper()
	id, err := e.Create(context.Background(), op, "test.invio", "flusso-1", keys(n))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func status(t *testing.T, e *Engine, id uuid.UUID) Job {
	t.Helper()
	j, err := e.Status(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func items(t *testing.T, e *Engine, id uuid.UUID, s ItemState) map[string]Item {
	t.Helper()
	its, err := e.Items(context.Background(), id, s, 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Item{}
	for _, it := range its {
		out[it.Key] = it
	}
	return out
}

func TestAllItemsDoneExactlyOnce(t *testing.T) {
	db := openDB(t)
	e := New(db, fastOptions())
	id := create(t, e, 1000)
	rm := newRemote()
	var last Progress
	var reports int
	if err := e.Run(context.Background(), id, sendHandler{remote: rm}, func(p Progress) { last = p; reports++ }); err != nil {
		t.Fatal(err)
	}
	j := status(t, e, id)
	if j.State != Done || j.Counts.Done != 1000 || j.Counts.Total() != 1000 || j.Active {
		t.Fatalf("job after run: %+v", j)
	}
	if j.Operatore != op || j.Kind != "test.invio" || j.Ref != "flusso-1" || j.Total != 1000 {
		t.Errorf("job fields: %+v", j)
	}
	for _, k := range keys(1000) {
		if n := rm.count(k); n != 1 {
			t.Fatalf("%s called %d times", k, n)
		}
	}
	done := items(t, e, id, ItemDone)
	if it := done["k00042"]; it.Result != "id-k00042" || it.Attempts != 1 || it.UpdatedAt.IsZero() {
		t.Errorf("item: %+v", it)
	}
	if last.State != Done || last.Done != 1000 || last.Total != 1000 || reports < 2 {
		t.Errorf("last progress %+v after %d reports", last, reports)
	}
	// Running a finished job again does nothing.
	if err := e.Run(context.Background(), id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	if rm.total != 1000 {
		t.Errorf("%d calls after a second run", rm.total)
	}
	hist, err := db.History(context.Background(), "job", id.String())
	if err != nil || len(hist) == 0 || hist[len(hist)-1].Operatore != op {
		t.Errorf("creation not audited: %v %v", hist, err)
	}
}

func TestCreateRefusesBadKeys(t *testing.T) {
	e := New(openDB(t), fastOptions())
	ctx := context.Background()
	for _, ks := range [][]string{nil, {"a", ""}, {"a", "b", "a"}} {
		if _, err := e.Create(ctx, op, "test.invio", "", ks); err == nil {
			t.Errorf("keys %q accepted", ks)
		}
	}
	if _, err := e.Create(ctx, "", "test.invio", "", []string{"a"}); !errors.Is(err, store.ErrNoOperator) {
		t.Errorf("no operator: %v", err)
	}
	if _, err := e.Status(ctx, uuid.New()); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown job: %v", err)
	}
}

func TestPermanentFailureKeepsTheReason(t *testing.T) {
	e := New(openDB(t), fastOptions())
	id := create(t, e, 100)
	rm := newRemote()
	rm.behave = func(key string, _ int) (string, error) {
		if key[len(key)-1] == '7' {
			return "", Permanent(fmt.Errorf("codice fiscale %s non valido", key))
		}
		return "ok", nil
	}
	if err := e.Run(context.Background(), id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	j := status(t, e, id)
	if j.State != Done || j.Counts.Failed != 10 || j.Counts.Done != 90 {
		t.Fatalf("counts %+v", j.Counts)
	}
	for k, it := range items(t, e, id, ItemFailed) {
		if it.LastError != "codice fiscale "+k+" non valido" || it.Attempts != 1 || rm.count(k) != 1 {
			t.Errorf("%s: %+v, %d calls", k, it, rm.count(k))
		}
	}
}

func TestTemporaryErrorsRetriedThenFailed(t *testing.T) {
	e := New(openDB(t), fastOptions()) // MaxAttempts 3
	id, err := e.Create(context.Background(), op, "test.invio", "", []string{"ok", "flaky", "broken"})
	if err != nil {
		t.Fatal(err)
	}
	rm := newRemote()
	rm.behave = func(key string, call int) (string, error) {
		switch {
		case key == "flaky" && call < 3:
			return "", fmt.Errorf("connessione rifiutata (%d)", call)
		case key == "broken":
			return "", fmt.Errorf("servizio non disponibile (%d)", call)
		}
		return "r-" + key, nil
	}
	if err := e.Run(context.Background(), id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	all := items(t, e, id, "")
	want := map[string]struct {
		state    ItemState
		attempts int
		lastErr  string
	}{
		"ok":     {ItemDone, 1, ""},
		"flaky":  {ItemDone, 3, "connessione rifiutata (2)"},
		"broken": {ItemFailed, 3, "servizio non disponibile (3)"},
	}
	for k, w := range want {
		it := all[k]
		if it.State != w.state || it.Attempts != w.attempts || it.LastError != w.lastErr || rm.count(k) != w.attempts {
			t.Errorf("%s: %+v after %d calls, want %+v", k, it, rm.count(k), w)
		}
	}
}

func TestRetryAfterHoldsTheLimiter(t *testing.T) {
	opts := fastOptions()
	opts.Concurrency = 1
	opts.Limiter = ratelimit.New(1000, time.Second)
	e := New(openDB(t), opts)
	id := create(t, e, 6)
	const wait = 150 * time.Millisecond
	rm := newRemote()
	var throttledAt time.Time
	rm.behave = func(key string, call int) (string, error) {
		if key == "k00002" && call == 1 {
			throttledAt = time.Now()
			return "", RetryAfter(wait, errors.New("429 troppe richieste"))
		}
		return "ok", nil
	}
	var held bool
	err := e.Run(context.Background(), id, sendHandler{remote: rm}, func(p Progress) { held = held || !p.HeldUntil.IsZero() })
	if err != nil {
		t.Fatal(err)
	}
	if j := status(t, e, id); j.Counts.Done != 6 {
		t.Fatalf("counts %+v", j.Counts)
	}
	if rm.count("k00002") != 2 {
		t.Errorf("throttled item called %d times", rm.count("k00002"))
	}
	for _, s := range rm.starts {
		if s.After(throttledAt) && s.Sub(throttledAt) < wait {
			t.Errorf("a call started %v after the 429, before the %v the server asked", s.Sub(throttledAt), wait)
		}
	}
	if it := items(t, e, id, ItemDone)["k00002"]; it.Attempts != 2 || it.LastError != "429 troppe richieste" {
		t.Errorf("throttled item: %+v", it)
	}
	_ = held // reported only if a progress tick fell inside the hold: not asserted
}

func TestConcurrencyBound(t *testing.T) {
	opts := fastOptions()
	opts.Concurrency = 3
	e := New(openDB(t), opts)
	id := create(t, e, 150)
	rm := newRemote()
	rm.delay = 2 * time.Millisecond
	if err := e.Run(context.Background(), id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	if rm.maxActive > 3 || rm.maxActive < 2 {
		t.Errorf("at most %d calls at once, want 2..3", rm.maxActive)
	}
	if rm.total != 150 {
		t.Errorf("%d calls", rm.total)
	}
}

// partialHandler's Recover finds a call that took effect, never one that
// did not (a PEC send and its acceptance receipt); each call looks at how
// many items the database has in flight.
type partialHandler struct {
	PartialRecover
	*remote
	e        *Engine
	id       uuid.UUID
	inFlight int // the most seen
}

func (*partialHandler) Kind() string { return "test.invio" }
func (h *partialHandler) Do(ctx context.Context, it Item) (string, error) {
	j, err := h.e.Status(ctx, h.id)
	if err != nil {
		return "", Uncertain(err)
	}
	h.mu.Lock()
	h.inFlight = max(h.inFlight, j.Counts.InFlight)
	h.mu.Unlock()
	return h.call(ctx, it.Key)
}
func (h *partialHandler) Recover(_ context.Context, it Item) (string, error) {
	if h.count(it.Key) > 0 {
		return "id-" + it.Key, nil
	}
	return "", Uncertain(errInterrupted)
}

// A handler whose check may answer Uncertain gets the window of NoRecover:
// the items claimed but not started, which a crash would leave to its
// Recover, are never more than Concurrency in all.
func TestPartialRecoverBoundsItemsInFlight(t *testing.T) {
	e := New(openDB(t), fastOptions())
	id := create(t, e, 200)
	h := &partialHandler{remote: newRemote(), e: e, id: id}
	h.delay = time.Millisecond
	if err := e.Run(context.Background(), id, h, nil); err != nil {
		t.Fatal(err)
	}
	if c := status(t, e, id).Counts; c.Done != 200 || h.total != 200 {
		t.Fatalf("%+v, %d calls", c, h.total)
	}
	if h.inFlight > fastOptions().Concurrency {
		t.Errorf("%d items in flight at once, more than the concurrency %d", h.inFlight, fastOptions().Concurrency)
	}
}

// stopAfter calls stop once, from another goroutine, when the remote has
// answered n calls.
func stopAfter(rm *remote, n int, stop func()) {
	var once sync.Once
	rm.onCall = func(total int) {
		if total >= n {
			once.Do(func() { go stop() })
		}
	}
}

func TestPauseThenResume(t *testing.T) {
	e := New(openDB(t), fastOptions())
	id := create(t, e, 400)
	rm := newRemote()
	rm.delay = time.Millisecond
	ctx := context.Background()
	stopAfter(rm, 60, func() {
		if err := e.Pause(ctx, "a.bianchi", id); err != nil {
			t.Error(err)
		}
	})
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); !errors.Is(err, ErrPaused) {
		t.Fatalf("Run = %v, want ErrPaused", err)
	}
	j := status(t, e, id)
	if j.State != Paused || j.Active || j.Counts.InFlight != 0 || j.Counts.Done != rm.total || j.Counts.Pending != 400-rm.total {
		t.Fatalf("after pause: %+v, %d calls", j, rm.total)
	}
	if rm.total >= 400 {
		t.Fatal("pause came too late to test anything")
	}
	// A paused job is not resumed at start-up.
	if un, err := e.Unfinished(ctx); err != nil || len(un) != 0 {
		t.Fatalf("unfinished = %v, %v", un, err)
	}
	if h, _ := db(e).History(ctx, "job", id.String()); len(h) == 0 || h[0].Operatore != "a.bianchi" || h[0].Dopo != "paused" {
		t.Errorf("pause not audited: %+v", h)
	}
	rm.onCall = nil
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	if j := status(t, e, id); j.State != Done || j.Counts.Done != 400 {
		t.Fatalf("after resume: %+v", j)
	}
	for _, k := range keys(400) {
		if n := rm.count(k); n != 1 {
			t.Fatalf("%s called %d times", k, n)
		}
	}
}

func db(e *Engine) *store.DB { return e.db }

func TestCancel(t *testing.T) {
	e := New(openDB(t), fastOptions())
	id := create(t, e, 400)
	rm := newRemote()
	rm.delay = time.Millisecond
	ctx := context.Background()
	stopAfter(rm, 60, func() {
		if err := e.Cancel(ctx, op, id); err != nil {
			t.Error(err)
		}
	})
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); !errors.Is(err, ErrCancelled) {
		t.Fatalf("Run = %v, want ErrCancelled", err)
	}
	j := status(t, e, id)
	c := j.Counts
	if j.State != Cancelled || c.Pending != 0 || c.InFlight != 0 || c.Done != rm.total || c.Done+c.Cancelled != 400 || c.Cancelled == 0 {
		t.Fatalf("after cancel: %+v, %d calls", j, rm.total)
	}
	for k := range items(t, e, id, ItemCancelled) {
		if rm.count(k) != 0 {
			t.Errorf("cancelled %s was called", k)
		}
	}
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); !errors.Is(err, ErrCancelled) {
		t.Errorf("Run on a cancelled job = %v", err)
	}
	if _, err := e.RetryFailed(ctx, op, id); err == nil {
		t.Error("retry on a cancelled job accepted")
	}
	if err := e.Pause(ctx, op, id); !errors.Is(err, ErrCancelled) {
		t.Errorf("pause of a cancelled job = %v", err)
	}
}

func TestUncertainWaitsForTheOperator(t *testing.T) {
	e := New(openDB(t), fastOptions())
	id := create(t, e, 50)
	ctx := context.Background()
	rm := newRemote()
	firstRun := true
	rm.behave = func(key string, call int) (string, error) {
		switch {
		case !firstRun:
		case key == "k00003" || key == "k00004":
			return "", Uncertain(errors.New("timeout dopo l'invio"))
		case key == "k00005":
			return "", Permanent(errors.New("profilo inesistente"))
		}
		return "ok", nil
	}
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	if c := status(t, e, id).Counts; c.Uncertain != 2 || c.Failed != 1 || c.Done != 47 {
		t.Fatalf("counts %+v", c)
	}
	if it := items(t, e, id, ItemUncertain)["k00003"]; it.LastError != "timeout dopo l'invio" {
		t.Errorf("uncertain item %+v", it)
	}
	// Running again re-sends nothing.
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil || rm.total != 50 {
		t.Fatalf("second run: %v, %d calls", err, rm.total)
	}
	firstRun = false
	n, err := e.Retry(ctx, op, id, "k00003", "k00010" /* done: ignored */)
	if err != nil || n != 1 {
		t.Fatalf("Retry = %d, %v", n, err)
	}
	if j := status(t, e, id); j.State != Pending || j.Counts.Pending != 1 {
		t.Fatalf("after retry: %+v", j)
	}
	if n, err := e.RetryFailed(ctx, op, id); err != nil || n != 1 {
		t.Fatalf("RetryFailed = %d, %v", n, err)
	}
	if un, _ := e.Unfinished(ctx); len(un) != 1 || un[0].ID != id {
		t.Errorf("unfinished = %+v", un)
	}
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	c := status(t, e, id).Counts
	if c.Done != 49 || c.Uncertain != 1 || rm.count("k00003") != 2 || rm.count("k00005") != 2 || rm.count("k00004") != 1 {
		t.Fatalf("after the retried run: %+v", c)
	}
	if it := items(t, e, id, ItemDone)["k00003"]; it.Attempts != 1 {
		t.Errorf("a re-queued item starts counting again: %+v", it)
	}
}

// leaveInFlight claims items as a run that then dies would.
func leaveInFlight(t *testing.T, e *Engine, id uuid.UUID, n int) []string {
	t.Helper()
	ctx := context.Background()
	j, err := e.db.JobByUUID(ctx, id.String())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	err = e.db.Write(ctx, op, func(tx *store.Tx) error {
		e.attach(tx, j)
		its, err := tx.ClaimJobItems(ctx, j.ID, tx.Now, n)
		for _, it := range its {
			out = append(out, it.Key)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkHandler can ask the remote whether a call took effect.
type checkHandler struct {
	*remote
	effective map[string]bool // calls that reached the remote before the crash
	checks    map[string]int
	flaky     bool // the first check of every item fails
}

func (checkHandler) Kind() string { return "test.invio" }
func (h checkHandler) Do(ctx context.Context, it Item) (string, error) {
	return h.call(ctx, it.Key)
}
func (h checkHandler) Recover(_ context.Context, it Item) (string, error) {
	h.mu.Lock()
	h.checks[it.Key]++
	n := h.checks[it.Key]
	h.mu.Unlock()
	if h.flaky && n == 1 {
		return "", errors.New("verifica non riuscita")
	}
	if h.effective[it.Key] {
		return "trovato-" + it.Key, nil
	}
	return "", ErrNotSent
}

type idemHandler struct {
	Idempotent
	*remote
}

func (idemHandler) Kind() string { return "test.invio" }
func (h idemHandler) Do(ctx context.Context, it Item) (string, error) {
	return h.call(ctx, it.Key)
}

func TestRecoveryOfItemsLeftInFlight(t *testing.T) {
	ctx := context.Background()
	t.Run("checked", func(t *testing.T) {
		for _, flaky := range []bool{false, true} {
			e := New(openDB(t), fastOptions())
			id := create(t, e, 100)
			left := leaveInFlight(t, e, id, 10)
			h := checkHandler{remote: newRemote(), effective: map[string]bool{}, checks: map[string]int{}, flaky: flaky}
			for _, k := range left[:4] {
				h.effective[k] = true
			}
			if err := e.Run(ctx, id, h, nil); err != nil {
				t.Fatal(err)
			}
			done := items(t, e, id, ItemDone)
			if len(done) != 100 {
				t.Fatalf("%d done", len(done))
			}
			for i, k := range left {
				wantCalls, wantChecks := 1, 1
				if i < 4 {
					wantCalls = 0
					if done[k].Result != "trovato-"+k {
						t.Errorf("%s: %+v", k, done[k])
					}
				}
				if flaky {
					wantChecks = 2
				}
				if h.count(k) != wantCalls || h.checks[k] != wantChecks {
					t.Errorf("%s (flaky %v): %d calls, %d checks", k, flaky, h.count(k), h.checks[k])
				}
			}
		}
	})
	t.Run("not checkable", func(t *testing.T) {
		e := New(openDB(t), fastOptions())
		id := create(t, e, 100)
		left := leaveInFlight(t, e, id, 10)
		rm := newRemote()
		if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil {
			t.Fatal(err)
		}
		unc := items(t, e, id, ItemUncertain)
		if len(unc) != 10 || rm.total != 90 {
			t.Fatalf("%d uncertain, %d calls", len(unc), rm.total)
		}
		for _, k := range left {
			if unc[k].LastError != errInterrupted.Error() {
				t.Errorf("%s: %+v", k, unc[k])
			}
		}
	})
	t.Run("idempotent", func(t *testing.T) {
		e := New(openDB(t), fastOptions())
		id := create(t, e, 100)
		leaveInFlight(t, e, id, 10)
		rm := newRemote()
		if err := e.Run(ctx, id, idemHandler{remote: rm}, nil); err != nil {
			t.Fatal(err)
		}
		if c := status(t, e, id).Counts; c.Done != 100 || rm.total != 100 {
			t.Fatalf("%+v, %d calls", c, rm.total)
		}
	})
	t.Run("cancelled while interrupted", func(t *testing.T) {
		e := New(openDB(t), fastOptions())
		id := create(t, e, 20)
		leaveInFlight(t, e, id, 5)
		if err := e.Cancel(ctx, op, id); err != nil {
			t.Fatal(err)
		}
		if c := status(t, e, id).Counts; c.Uncertain != 5 || c.Cancelled != 15 {
			t.Fatalf("%+v", c)
		}
	})
}

func TestContextCancelLeavesTheJobResumable(t *testing.T) {
	e := New(openDB(t), fastOptions())
	id := create(t, e, 300)
	rm := newRemote()
	rm.delay = 2 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	stopAfter(rm, 40, cancel)
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	j := status(t, e, id)
	if j.State != Running || j.Active {
		t.Fatalf("after shutdown: %+v", j)
	}
	if un, _ := e.Unfinished(context.Background()); len(un) != 1 {
		t.Errorf("unfinished = %+v", un)
	}
	rm.onCall = nil
	if err := e.Run(context.Background(), id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	c := status(t, e, id).Counts
	if c.Done+c.Uncertain != 300 || c.Uncertain > fastOptions().Concurrency {
		t.Fatalf("counts %+v", c)
	}
	for k, it := range items(t, e, id, "") {
		if n := rm.count(k); n > 1 || (it.State == ItemDone && n != 1) {
			t.Errorf("%s (%s) called %d times", k, it.State, n)
		}
	}
}

func TestLeaseKeepsASecondRunOut(t *testing.T) {
	dbx := openDB(t)
	a, b := New(dbx, fastOptions()), New(dbx, fastOptions())
	id := create(t, a, 200)
	rm := newRemote()
	rm.delay = time.Millisecond
	ctx := context.Background()
	secondRun := make(chan error, 1)
	stopAfter(rm, 20, func() {
		secondRun <- b.Run(ctx, id, sendHandler{remote: rm}, nil)
	})
	if err := a.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	if second := <-secondRun; !errors.Is(second, ErrInUse) {
		t.Errorf("second run = %v, want ErrInUse", second)
	}
	if rm.total != 200 {
		t.Errorf("%d calls", rm.total)
	}
}

func TestHandlerPanicMakesTheItemUncertain(t *testing.T) {
	e := New(openDB(t), fastOptions())
	id := create(t, e, 20)
	rm := newRemote()
	rm.behave = func(key string, _ int) (string, error) {
		if key == "k00007" {
			panic("indice fuori intervallo")
		}
		return "ok", nil
	}
	if err := e.Run(context.Background(), id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	unc := items(t, e, id, ItemUncertain)
	if it, ok := unc["k00007"]; !ok || !strings.Contains(it.LastError, "indice fuori intervallo") || len(unc) != 1 {
		t.Fatalf("uncertain items: %+v", unc)
	}
}

// A pause from another session reaches the run through the database alone.
func TestPauseFromAnotherSession(t *testing.T) {
	dbx := openDB(t)
	a, b := New(dbx, fastOptions()), New(dbx, fastOptions())
	id := create(t, a, 400)
	rm := newRemote()
	rm.delay = time.Millisecond
	ctx := context.Background()
	stopAfter(rm, 30, func() {
		if err := b.Pause(ctx, op, id); err != nil {
			t.Error(err)
		}
	})
	if err := a.Run(ctx, id, sendHandler{remote: rm}, nil); !errors.Is(err, ErrPaused) {
		t.Fatalf("Run = %v, want ErrPaused", err)
	}
	if j := status(t, b, id); j.State != Paused || j.Counts.InFlight != 0 || j.Counts.Done != rm.total || rm.total == 400 {
		t.Fatalf("after pause: %+v, %d calls", j, rm.total)
	}
	rm.onCall = nil
	if err := b.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	if j := status(t, a, id); j.State != Done || j.Counts.Done != 400 || rm.total != 400 {
		t.Fatalf("after resume: %+v, %d calls", j, rm.total)
	}
}

// A second writer (another Sportello, the CLI) holding the database past
// the busy timeout does not end the job: the cycle is tried again and every
// item is still done exactly once.
func TestBusyDatabaseDoesNotStopTheJob(t *testing.T) {
	old := store.BusyTimeout
	store.BusyTimeout = 50 * time.Millisecond
	t.Cleanup(func() { store.BusyTimeout = old })
	path := filepath.Join(t.TempDir(), "jobs.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	other, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })

	e := New(db, fastOptions())
	id := create(t, e, 300)
	rm := newRemote()
	var once sync.Once
	held := make(chan struct{})
	err = e.Run(context.Background(), id, sendHandler{remote: rm}, func(p Progress) {
		once.Do(func() {
			go func() {
				// Hold the write lock for 6 busy timeouts.
				other.Write(context.Background(), "altro", func(tx *store.Tx) error {
					close(held)
					time.Sleep(300 * time.Millisecond)
					return nil
				})
			}()
			<-held
		})
	})
	if err != nil {
		t.Fatalf("run ended with %v", err)
	}
	select {
	case <-held:
	default:
		t.Fatal("the database was never held")
	}
	j := status(t, e, id)
	if j.State != Done || j.Counts.Done != 300 {
		t.Fatalf("job after run: %+v", j.Counts)
	}
	for _, k := range keys(300) {
		if n := rm.count(k); n != 1 {
			t.Fatalf("%s called %d times", k, n)
		}
	}
}
