package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/ratelimit"
	"github.com/sportello/sportello/store"
)

// One goroutine (the loop) owns every write of a run: in each transaction
// it commits the buffered outcomes, claims the next items, renews the lease
// and reads the job's state (so a Pause or Cancel from another session is
// seen within one cycle). Workers only make calls: they take claimed items
// from a channel and hand results back.

type task struct {
	it     store.JobItem // as claimed: in_flight, Attempts already counting this call
	check  bool          // a Recover call for an item found in flight
	checks int           // Recover calls already made for it
	due    time.Time     // when a delayed check may go
}

type result struct {
	task
	value       string
	err         error
	skipped     bool // never called: the run was stopping
	interrupted bool // failed because the run was cancelled: outcome unknown
}

type stopReason int

// maxBusyCycles bounds how many times in a row a cycle is retried when the
// database stays locked by another process (each try waits the store's
// busy timeout first).
const maxBusyCycles = 12

const (
	going stopReason = iota
	stopPaused
	stopCancelled
	stopContext
)

type run struct {
	e        *Engine
	opt      Options
	h        Handler
	lim      *ratelimit.Limiter
	id       uuid.UUID
	job      store.Job
	token    string
	progress func(Progress)

	kick      chan struct{}
	mu        sync.Mutex
	reconcile bool // set by Retry/Cancel: recount the items at the next commit

	// Owned by the loop goroutine.
	work        chan task
	results     chan result
	stopWorkers context.CancelFunc
	state       State
	counts      Counts
	stop        stopReason
	inWork      int // tasks sent to workers and not yet back
	// window, when not 0, caps the items in flight (claimed, being called,
	// or answered but not committed). Handlers whose interrupted calls
	// become (NoRecover) or may become (PartialRecover) uncertain get
	// window = Concurrency, so a crash leaves at most that many uncertain
	// items, whatever the limiter or the batch sizes.
	window      int
	delayed     []task             // checks waiting to be tried again
	buf         []store.JobOutcome // outcomes not yet committed
	flushBy     time.Time
	nextClaim   time.Time // no claim before this; zero means now
	target      int       // claimed items the work queue should hold
	lastClaim   time.Time
	backSince   int // results received since lastClaim
	heartbeatBy time.Time
	started     time.Time
	lastEmit    time.Time
	samples     []sample
}

type sample struct {
	at time.Time
	n  int
}

// never is a claim time that does not come: no item is pending.
var never = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func (r *run) wake(reconcile bool) {
	if reconcile {
		r.mu.Lock()
		r.reconcile = true
		r.mu.Unlock()
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *run) takeReconcile() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	v := r.reconcile
	r.reconcile = false
	return v
}

// Run works the job until no item is left pending or in flight (nil), the
// job is paused (ErrPaused) or cancelled (ErrCancelled), or ctx is done
// (ctx.Err(): the calls in progress are interrupted, their items stay in
// flight and the job stays running, to be resumed by the next Run). Run
// resumes a paused or interrupted job, first deciding through
// h.Recover what happened to the items a previous run left in flight.
//
// progress, if not nil, is called from Run's goroutine at most every
// ProgressEvery and once at the end; it must not block (the UI hands it to
// fyne.Do).
func (e *Engine) Run(ctx context.Context, id uuid.UUID, h Handler, progress func(Progress)) error {
	j, err := e.load(ctx, id)
	if err != nil {
		return err
	}
	if j.Kind != h.Kind() {
		return fmt.Errorf("il lavoro %s è di tipo %q, non %q", id, j.Kind, h.Kind())
	}
	r := &run{e: e, opt: e.opt, h: h, lim: e.opt.Limiter, id: id, job: j, progress: progress,
		token: e.session + "/" + uuid.NewString(), kick: make(chan struct{}, 1), started: time.Now()}
	if l, ok := h.(Limited); ok {
		r.lim = l.Limiter()
	}
	if m := modeOf(h); m == recoverUncertain || m == recoverPartial {
		r.window = r.opt.Concurrency
	}
	e.mu.Lock()
	if e.runs[id] != nil {
		e.mu.Unlock()
		return ErrInUse
	}
	e.runs[id] = r
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.runs, id)
		e.mu.Unlock()
	}()

	done, err := r.acquire(ctx)
	if err != nil || done {
		return err
	}
	return r.loop(ctx)
}

// acquire takes the job's lease and settles the items a previous run left
// in flight. done reports a job with nothing left to do.
func (r *run) acquire(ctx context.Context) (done bool, err error) {
	var checks []store.JobItem
	var counts map[string]int
	cancelled := false
	err = r.e.db.Write(ctx, r.job.Operatore, func(tx *store.Tx) error {
		j, err := tx.JobByUUID(ctx, r.job.UUID)
		if err != nil {
			return err
		}
		r.job = j
		r.e.attach(tx, j)
		if leaseLive(j, tx.Now) {
			return ErrInUse
		}
		if State(j.State) == Cancelled {
			// Settle what a run that died before seeing the cancellation left behind.
			cancelled = true
			_, err := tx.MoveJobItems(ctx, j.ID, string(ItemInFlight), string(ItemUncertain), errInterrupted.Error())
			return err
		}
		// Whoever left items in flight is gone: its lease has expired.
		switch modeOf(r.h) {
		case recoverUncertain:
			_, err = tx.MoveJobItems(ctx, j.ID, string(ItemInFlight), string(ItemUncertain), errInterrupted.Error())
		case recoverRequeue:
			_, err = tx.MoveJobItems(ctx, j.ID, string(ItemInFlight), string(ItemPending), "")
		default:
			checks, err = tx.JobItemsInState(ctx, j.ID, string(ItemInFlight))
		}
		if err != nil {
			return err
		}
		if counts, err = tx.JobItemCounts(ctx, j.ID); err != nil {
			return err
		}
		if State(j.State) == Done && counts[string(ItemPending)] == 0 && counts[string(ItemInFlight)] == 0 {
			done = true
			return nil
		}
		return tx.SaveJobRun(ctx, j.ID, string(Running), r.token, tx.Now.Add(r.opt.LeaseTTL))
	})
	if err != nil {
		return false, err
	}
	if cancelled {
		return false, ErrCancelled
	}
	r.counts = countsOf(counts)
	r.state = Running
	if done {
		r.state = Done
		r.emit(true)
		return true, nil
	}
	now := time.Now()
	for _, it := range checks {
		r.delayed = append(r.delayed, task{it: it, check: true, due: now})
	}
	r.heartbeatBy = now.Add(r.opt.LeaseTTL / 3)
	r.target = min(2*r.opt.Concurrency, r.opt.BatchSize)
	r.emit(true)
	return false, nil
}

func (r *run) loop(ctx context.Context) error {
	// Calls get callCtx: cancelled with ctx (or on a failed commit), not by
	// Pause or Cancel, which let them finish. Limiter waits and unstarted
	// items also stop with stopCtx.
	callCtx, cancelCalls := context.WithCancel(ctx)
	defer cancelCalls()
	stopCtx, stopWorkers := context.WithCancel(callCtx)
	defer stopWorkers()
	r.stopWorkers = stopWorkers
	r.work = make(chan task, r.opt.BatchSize)
	r.results = make(chan result, r.opt.BatchSize+r.opt.Concurrency)
	var wg sync.WaitGroup
	for range r.opt.Concurrency {
		wg.Go(func() { r.worker(callCtx, stopCtx) })
	}
	// Writes outlive ctx: what was done before a shutdown must be recorded.
	wctx := context.WithoutCancel(ctx)
	finish := func(err error) error {
		if err != nil {
			cancelCalls()
		}
		close(r.work)
		go func() { wg.Wait(); close(r.results) }()
		for range r.results {
		}
		return err
	}

	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	ctxDone := ctx.Done()
	kicked := true
	busy := 0
	for {
		now := time.Now()
		r.dispatchDelayed(now)
		if kicked || r.needCycle(now) {
			kicked = false
			final, err := r.cycle(wctx, now)
			if store.IsBusy(err) && busy < maxBusyCycles {
				// Another process (a second Sportello, the CLI) held the
				// database past the busy timeout: what is done is still in
				// r.buf, so try the same cycle again rather than give up.
				busy++
				time.Sleep(time.Duration(busy) * 100 * time.Millisecond)
				kicked = true
				continue
			}
			if err != nil {
				return finish(fmt.Errorf("lavoro %s interrotto: %w", r.id, err))
			}
			busy = 0
			if final {
				finish(nil)
				switch {
				case r.state == Done:
					return nil
				case r.stop == stopContext:
					return ctx.Err()
				case r.state == Cancelled:
					return ErrCancelled
				}
				return ErrPaused
			}
			continue
		}
		timer.Reset(r.nextWake(now))
		select {
		case res := <-r.results:
			r.receive(res)
		drain:
			for len(r.buf) < r.opt.FlushSize {
				select {
				case res := <-r.results:
					r.receive(res)
				default:
					break drain
				}
			}
		case <-r.kick:
			kicked = true
			r.nextClaim = time.Time{}
		case <-ctxDone:
			ctxDone = nil
			r.beginStop(stopContext)
		case <-timer.C:
		}
	}
}

func (r *run) worker(callCtx, stopCtx context.Context) {
	for t := range r.work {
		res := result{task: t}
		if stopCtx.Err() != nil || r.lim.Wait(stopCtx) != nil {
			res.skipped = true
			r.results <- res
			continue
		}
		res.value, res.err = r.call(callCtx, t)
		res.interrupted = res.err != nil && callCtx.Err() != nil
		if kind, after := classify(res.err); res.err != nil && kind == retryAfter {
			r.lim.Hold(time.Now().Add(after))
		}
		r.results <- res
	}
}

// call runs the handler. A panic is a bug in the handler, but it must not
// take the application down with it, nor let the item be sent again.
func (r *run) call(ctx context.Context, t task) (res string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = Uncertain(fmt.Errorf("errore interno del gestore %s: %v", r.h.Kind(), p))
		}
	}()
	it := toItem(r.id, r.job.Ref, t.it)
	if t.check {
		return r.h.Recover(ctx, it)
	}
	return r.h.Do(ctx, it)
}

func (r *run) beginStop(why stopReason) {
	if r.stop != going {
		return
	}
	r.stop = why
	r.stopWorkers()
	r.delayed = nil // still in flight: the next run checks them
}

func (r *run) dispatchDelayed(now time.Time) {
	if len(r.delayed) == 0 || r.stop != going {
		return
	}
	kept := r.delayed[:0]
	for _, t := range r.delayed {
		if !now.Before(t.due) && len(r.work) < cap(r.work) {
			r.work <- t
			r.inWork++
		} else {
			kept = append(kept, t)
		}
	}
	r.delayed = kept
}

func (r *run) backoff(attempt int) time.Duration {
	d := r.opt.RetryBase << min(max(attempt-1, 0), 30)
	if d <= 0 || d > r.opt.RetryMax {
		d = r.opt.RetryMax
	}
	return d/2 + rand.N(d/2+1)
}

// receive turns a worker's result into an outcome to commit.
func (r *run) receive(res result) {
	r.inWork--
	r.backSince++
	it := res.it
	if res.interrupted || (res.skipped && res.check) {
		return // still in flight: decided by the next run's recovery
	}
	now := time.Now()
	o := store.JobOutcome{ID: it.ID, Claimed: it.Attempts, Attempts: it.Attempts, LastError: it.LastError, Result: it.Result}
	switch kind, after := classify(res.err); {
	case res.skipped:
		o.State, o.Attempts, o.NextTry = string(ItemPending), it.Attempts-1, it.NextTry
	case res.err == nil:
		o.State, o.Result = string(ItemDone), res.value
	case kind == permanent:
		o.State, o.LastError = string(ItemFailed), errorText(res.err)
	case kind == uncertain:
		o.State, o.LastError = string(ItemUncertain), errorText(res.err)
	case res.check && errors.Is(res.err, ErrNotSent):
		o.State = string(ItemPending)
	case res.check:
		if res.checks+1 >= r.opt.MaxAttempts {
			o.State, o.LastError = string(ItemUncertain), errorText(res.err)
			break
		}
		t := res.task
		t.checks++
		t.due = now.Add(max(after, r.backoff(t.checks)))
		r.delayed = append(r.delayed, t)
		return
	case kind == retryAfter:
		o.State, o.LastError, o.NextTry = string(ItemPending), errorText(res.err), now.Add(after)
	case it.Attempts >= r.opt.MaxAttempts:
		o.State, o.LastError = string(ItemFailed), errorText(res.err)
	default:
		o.State, o.LastError, o.NextTry = string(ItemPending), errorText(res.err), now.Add(r.backoff(it.Attempts))
	}
	if o.State == string(ItemPending) && o.NextTry.Before(r.nextClaim) {
		r.nextClaim = o.NextTry
	}
	if len(r.buf) == 0 {
		r.flushBy = now.Add(r.opt.FlushEvery)
	}
	r.buf = append(r.buf, o)
}

func (r *run) idle() bool { return r.inWork == 0 && len(r.delayed) == 0 }

func (r *run) wantClaim(now time.Time) bool {
	return r.stop == going && r.state == Running && r.counts.Pending > 0 &&
		!now.Before(r.nextClaim) && len(r.work) <= r.target/2 && (r.window == 0 || r.inWork < r.window)
}

func (r *run) needCycle(now time.Time) bool {
	switch {
	case len(r.buf) >= r.opt.FlushSize, len(r.buf) > 0 && !now.Before(r.flushBy):
		return true
	case len(r.buf) > 0 && r.window > 0:
		return true // a worker waits for this commit to get its next item
	case r.wantClaim(now), !now.Before(r.heartbeatBy):
		return true
	case r.stop != going:
		return r.inWork == 0 // the last commit
	}
	return r.idle() && r.counts.Pending == 0 && r.state == Running // maybe finished
}

func (r *run) nextWake(now time.Time) time.Duration {
	at := r.heartbeatBy
	if len(r.buf) > 0 && r.flushBy.Before(at) {
		at = r.flushBy
	}
	// A claim or a check that waits for room in the queue is woken by results.
	if r.stop == going && r.state == Running && r.counts.Pending > 0 && len(r.work) <= r.target/2 && r.nextClaim.Before(at) {
		at = r.nextClaim
	}
	if len(r.work) < cap(r.work) {
		for _, t := range r.delayed {
			if t.due.Before(at) {
				at = t.due
			}
		}
	}
	return max(at.Sub(now), 0)
}

// claimSize sizes the next claim so that the queue covers about two flush
// intervals of calls at the current pace: enough to keep the workers busy,
// few enough that a crash leaves few claimed-but-unstarted items uncertain.
func (r *run) claimSize(now time.Time) int {
	if !r.lastClaim.IsZero() {
		if dt := now.Sub(r.lastClaim).Seconds(); dt > 0 {
			pace := float64(r.backSince) / dt
			want := int(pace*2*r.opt.FlushEvery.Seconds()) + r.opt.Concurrency
			r.target = max(want, r.target/2)
		}
	}
	r.target = min(max(r.target, min(r.opt.Concurrency, r.opt.BatchSize)), r.opt.BatchSize)
	r.lastClaim, r.backSince = now, 0
	if r.window > 0 {
		// The outcomes in r.buf commit in the same transaction as the claim.
		return min(r.target-len(r.work), r.window-r.inWork)
	}
	return r.target - len(r.work)
}

// cycle is one write transaction of the loop. final reports that the run is over.
func (r *run) cycle(ctx context.Context, now time.Time) (final bool, err error) {
	outs := r.buf
	claimN := 0
	if r.wantClaim(now) {
		claimN = r.claimSize(now)
	}
	reconcile := r.takeReconcile()
	var (
		claimed   []store.JobItem
		counts    map[string]int
		state     State
		nextClaim = r.nextClaim
	)
	err = r.e.db.Write(ctx, r.job.Operatore, func(tx *store.Tx) error {
		j, err := tx.JobByUUID(ctx, r.job.UUID)
		if err != nil {
			return err
		}
		if j.Runner != r.token {
			return ErrLeaseLost
		}
		r.e.attach(tx, j)
		state = State(j.State)
		if state == Cancelled {
			for i := range outs {
				if outs[i].State == string(ItemPending) {
					outs[i].State, outs[i].NextTry = string(ItemCancelled), time.Time{}
				}
			}
		}
		applied, err := tx.SaveJobOutcomes(ctx, outs)
		if err != nil {
			return err
		}
		reconcile = reconcile || applied != len(outs)
		stopping := r.stop != going || state == Paused || state == Cancelled
		if !stopping && claimN > 0 {
			if claimed, err = tx.ClaimJobItems(ctx, j.ID, tx.Now, claimN); err != nil {
				return err
			}
			if len(claimed) < claimN {
				t, ok, err := tx.NextJobTry(ctx, j.ID)
				if err != nil {
					return err
				}
				nextClaim = never
				if ok {
					nextClaim = t
				}
				reconcile = true
			}
		}
		idle := r.idle() && len(claimed) == 0
		if reconcile || (idle && !stopping && r.counts.Pending == 0) {
			if counts, err = tx.JobItemCounts(ctx, j.ID); err != nil {
				return err
			}
		}
		switch {
		case stopping && r.inWork == 0:
			final = true
			if state == Cancelled {
				if _, err := tx.MoveJobItems(ctx, j.ID, string(ItemPending), string(ItemCancelled), ""); err != nil {
					return err
				}
			}
			return tx.SaveJobRun(ctx, j.ID, string(state), "", time.Time{})
		case !stopping && idle && counts != nil && counts[string(ItemPending)] == 0:
			if counts[string(ItemInFlight)] > 0 {
				// Nothing of this run is in flight, and it holds the lease:
				// these are nobody's. Never call them again blindly.
				if _, err := tx.MoveJobItems(ctx, j.ID, string(ItemInFlight), string(ItemUncertain), errInterrupted.Error()); err != nil {
					return err
				}
				if counts, err = tx.JobItemCounts(ctx, j.ID); err != nil {
					return err
				}
			}
			final, state = true, Done
			return tx.SaveJobRun(ctx, j.ID, string(Done), "", time.Time{})
		}
		return tx.SaveJobRun(ctx, j.ID, string(state), r.token, tx.Now.Add(r.opt.LeaseTTL))
	})
	if err != nil {
		if reconcile {
			r.mu.Lock()
			r.reconcile = true
			r.mu.Unlock()
		}
		return false, err
	}

	r.buf = r.buf[:0]
	r.nextClaim = nextClaim
	r.heartbeatBy = time.Now().Add(r.opt.LeaseTTL / 3)
	if counts != nil {
		r.counts = countsOf(counts)
	} else {
		for _, o := range outs {
			r.counts.InFlight--
			*r.counts.field(ItemState(o.State))++
		}
		r.counts.Pending -= len(claimed)
		r.counts.InFlight += len(claimed)
	}
	for _, it := range claimed {
		r.work <- task{it: it}
	}
	r.inWork += len(claimed)
	r.state = state
	switch state {
	case Paused:
		r.beginStop(stopPaused)
	case Cancelled:
		r.beginStop(stopCancelled)
	}
	r.emit(final)
	return final, nil
}

func (r *run) emit(force bool) {
	if r.progress == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(r.lastEmit) < r.opt.ProgressEvery {
		return
	}
	r.lastEmit = now
	n := r.counts.Done + r.counts.Failed + r.counts.Uncertain
	r.samples = append(r.samples, sample{now, n})
	// Over 15 s: a rate-limited send goes in bursts (a window's worth of
	// calls, then a wait), which a shorter window shows as 0 or 200 a second.
	for len(r.samples) > 2 && now.Sub(r.samples[0].at) > 15*time.Second {
		r.samples = r.samples[1:]
	}
	var rate float64
	if first := r.samples[0]; now.Sub(first.at) > 0 {
		rate = float64(n-first.n) / now.Sub(first.at).Seconds()
	}
	r.progress(Progress{Job: r.id, State: r.state, Counts: r.counts, Total: r.counts.Total(), Rate: rate,
		Elapsed: now.Sub(r.started), HeldUntil: r.lim.HeldUntil()})
}
