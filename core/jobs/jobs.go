// Package jobs is the engine for every long, remote, resumable piece of
// work: sending an App IO flow, generating pagoPA debt positions, sending
// PEC, syncing an outbox. A job is a list of items (one remote call each)
// whose states live in SQLite, so that a job survives a crash and resumes
// without calling anything twice unless an operator asks for it.
//
// Item states:
//
//	pending ──claim──► in_flight ──► done | failed(reason) | uncertain
//	   ▲                   │
//	   └───────────────────┘ temporary error or retry-after (at next_try_at),
//	                         or claimed but released unstarted (pause, stop)
//	pending ──Cancel──► cancelled        failed, uncertain ──Retry──► pending
//
// An item is committed in_flight (attempts+1) before its call starts, in
// batches claimed in one transaction; outcomes are committed in groups
// (every FlushEvery or FlushSize outcomes). A run that dies leaves its items
// in_flight; the next Run hands them to the handler's Recover (NoRecover:
// uncertain; Idempotent: back to the queue; otherwise a check of the remote
// system). Uncertain and failed items are never retried automatically: Retry
// and RetryFailed re-queue them on an operator's request.
//
// Pause lets the calls in progress finish, records them, puts the claimed
// but unstarted items back in the queue and leaves the job paused: nothing
// restarts it but an explicit Run. Cancel does the same and also marks
// every pending item cancelled; items in flight still get their outcome.
//
// A handler tells the engine what happened to a call through the error it
// returns:
//
//	nil                  done; the returned string is kept as the item's result
//	Permanent(err)       failed for good (invalid data, refused): not retried
//	Uncertain(err)       the call may or may not have taken effect (a timeout
//	                     after the request left): the operator decides
//	RetryAfter(d, err)   the server asked to wait: every caller of the same
//	                     limiter waits d, then the item is tried again
//	any other error      temporary, and certainly without effect: retried with
//	                     exponential backoff and jitter up to MaxAttempts calls,
//	                     then failed with the last error
//
// A handler must return Uncertain, not a plain error, whenever the request
// may have reached the remote system: a plain error means "send it again".
//
// After a crash, the items left in flight are at most the claimed queue
// (sized to about two flush intervals of calls, at most BatchSize), the calls
// in progress or waiting for the limiter (Concurrency) and the outcomes not
// yet committed (at most FlushSize, at most FlushEvery old); for a handler
// whose Recover may answer Uncertain (NoRecover, PartialRecover), at most
// Concurrency in all.
//
// A run holds a lease on its job (renewed at every commit, LeaseTTL long),
// so two sessions of Sportello on one database never work the same job; Run
// answers ErrInUse meanwhile, including for LeaseTTL after a crash.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/ratelimit"
	"github.com/sportello/sportello/store"
)

// State is the state of a job.
type State string

const (
	Pending   State = "pending"   // created, never run or re-opened by a retry
	Running   State = "running"   // being worked, or interrupted (crash, shutdown): resumable
	Paused    State = "paused"    // stopped by an operator; only an explicit Run resumes it
	Cancelled State = "cancelled" // stopped for good
	Done      State = "done"      // no item left pending or in flight
)

// ItemState is the state of one item.
type ItemState string

const (
	ItemPending   ItemState = "pending"
	ItemInFlight  ItemState = "in_flight"
	ItemDone      ItemState = "done"
	ItemFailed    ItemState = "failed"
	ItemUncertain ItemState = "uncertain"
	ItemCancelled ItemState = "cancelled"
)

// Counts are the items of a job per state.
type Counts struct {
	Pending, InFlight, Done, Failed, Uncertain, Cancelled int
}

// Total is the number of items counted.
func (c Counts) Total() int {
	return c.Pending + c.InFlight + c.Done + c.Failed + c.Uncertain + c.Cancelled
}

func (c *Counts) field(s ItemState) *int {
	switch s {
	case ItemPending:
		return &c.Pending
	case ItemInFlight:
		return &c.InFlight
	case ItemDone:
		return &c.Done
	case ItemFailed:
		return &c.Failed
	case ItemUncertain:
		return &c.Uncertain
	case ItemCancelled:
		return &c.Cancelled
	}
	return new(int)
}

func countsOf(m map[string]int) Counts {
	var c Counts
	for s, n := range m {
		*c.field(ItemState(s)) += n
	}
	return c
}

// Job is a job and its items' counts.
type Job struct {
	ID        uuid.UUID
	Kind      string // e.g. "appio.invio"
	Ref       string // what the job works on, e.g. the flow's UUID
	State     State
	Operatore string // who created it
	Total     int
	Counts    Counts
	CreatedAt time.Time
	UpdatedAt time.Time
	// Active is true while a run (in this or another session) holds the job.
	Active bool
}

// Item is one unit of work, as handlers receive it and lists show it.
type Item struct {
	Job       uuid.UUID
	Ref       string
	Key       string // unique within the job, e.g. the notification's UUID
	State     ItemState
	Attempts  int // calls made, the current one included
	NextTry   time.Time
	LastError string
	Result    string // e.g. the remote id
	UpdatedAt time.Time
}

// Handler makes the remote calls of one kind of job. Embed NoRecover or
// Idempotent, or write Recover to check the remote system.
type Handler interface {
	Kind() string
	// Do makes the call for one item; see the package's outcome errors.
	Do(ctx context.Context, it Item) (result string, err error)
	// Recover decides an item found in flight after an interruption: nil
	// (done, with result), Permanent, Uncertain, ErrNotSent (call Do again),
	// or any other error to check again later (after MaxAttempts checks the
	// item becomes uncertain).
	Recover(ctx context.Context, it Item) (result string, err error)
}

// Limited is implemented by handlers that bring the limiter of their
// remote account; the others use Options.Limiter. The engine waits on it
// before every Do and Recover and holds it on RetryAfter. Give a limiter to
// the engine or to the handler's client, not both (each would spend a token
// per call); the engine is the better place: a pause interrupts its wait,
// and an item still waiting for its turn goes back to the queue instead of
// being left in flight.
type Limited interface {
	Limiter() *ratelimit.Limiter
}

// Progress is what a run reports while it works.
type Progress struct {
	Job   uuid.UUID
	State State
	Counts
	Total     int
	Rate      float64       // items concluded per second over the last 15 seconds
	Elapsed   time.Duration // since this Run started
	HeldUntil time.Time     // the remote asked to wait until then (zero if not)
}

// Options tune the engine; zero fields take the defaults in brackets.
type Options struct {
	Concurrency   int                // calls in parallel per run [4]
	BatchSize     int                // most items claimed in one transaction [256]
	FlushEvery    time.Duration      // longest wait before outcomes are committed [50ms]
	FlushSize     int                // outcomes that trigger a commit at once [256]
	MaxAttempts   int                // calls before a temporary error fails the item [5]; RetryAfter never fails it
	RetryBase     time.Duration      // first backoff, doubled at each attempt [2s]
	RetryMax      time.Duration      // longest backoff [5m]
	LeaseTTL      time.Duration      // how long a silent run keeps its job [15s]
	ProgressEvery time.Duration      // least interval between progress reports [250ms]
	Limiter       *ratelimit.Limiter // shared pacing, unless the handler is Limited [none]
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Concurrency, 4)
	def(&o.BatchSize, 256)
	def(&o.FlushSize, 256)
	def(&o.MaxAttempts, 5)
	defD(&o.FlushEvery, 50*time.Millisecond)
	defD(&o.RetryBase, 2*time.Second)
	defD(&o.RetryMax, 5*time.Minute)
	defD(&o.LeaseTTL, 15*time.Second)
	defD(&o.ProgressEvery, 250*time.Millisecond)
	return o
}

var (
	ErrNotFound  = errors.New("lavoro non trovato")
	ErrInUse     = errors.New("il lavoro è già in esecuzione (in questa o in un'altra sessione di Sportello)")
	ErrPaused    = errors.New("il lavoro è stato sospeso")
	ErrCancelled = errors.New("il lavoro è stato annullato")
	ErrConcluded = errors.New("il lavoro è già concluso")
	ErrLeaseLost = errors.New("il lavoro è stato ripreso da un'altra sessione di Sportello")
)

// Engine runs jobs over one database. It is safe for concurrent use.
type Engine struct {
	db      *store.DB
	opt     Options
	session string

	mu        sync.Mutex
	runs      map[uuid.UUID]*run
	recorders map[string]Recorder
}

// Recorder keeps a domain table in step with the items of one kind of job
// (a notification's transmission state). Record runs inside every
// transaction that changes items' states, claims and outcomes included,
// with the items as they now are: the two commit or roll back together.
type Recorder interface {
	Record(ctx context.Context, tx *store.Tx, items []Item) error
}

// Record registers the recorder of a kind of job.
func (e *Engine) Record(kind string, r Recorder) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.recorders[kind] = r
}

// attach hands the item changes of tx on job j to the recorder of j's kind.
func (e *Engine) attach(tx *store.Tx, j store.Job) {
	e.mu.Lock()
	rec := e.recorders[j.Kind]
	e.mu.Unlock()
	if rec == nil {
		return
	}
	id, _ := uuid.Parse(j.UUID)
	tx.OnJobItems(func(ctx context.Context, items []store.JobItem) error {
		out := make([]Item, len(items))
		for i, it := range items {
			out[i] = toItem(id, j.Ref, it)
		}
		return rec.Record(ctx, tx, out)
	})
}

// New makes an engine over db.
func New(db *store.DB, opt Options) *Engine {
	host := hostname
	return &Engine{db: db, opt: opt.withDefaults(), runs: map[uuid.UUID]*run{}, recorders: map[string]Recorder{},
		session: fmt.Sprintf("%s/%d", host, os.Getpid())}
}

// Create records a new pending job with one pending item per key, in one
// transaction. Keys must be non-empty and distinct.
func (e *Engine) Create(ctx context.Context, operator, kind, ref string, keys []string) (id uuid.UUID, err error) {
	err = e.db.Write(ctx, operator, func(tx *store.Tx) error {
		id, err = e.CreateIn(ctx, tx, kind, ref, keys)
		return err
	})
	if err != nil {
		return uuid.Nil, err
	}
	return id, nil
}

// CreateIn is Create inside the caller's transaction, so that a domain
// change (a flow marked as being sent) and its job commit together.
func (e *Engine) CreateIn(ctx context.Context, tx *store.Tx, kind, ref string, keys []string) (uuid.UUID, error) {
	if strings.TrimSpace(kind) == "" {
		return uuid.Nil, errors.New("tipo di lavoro mancante")
	}
	if len(keys) == 0 {
		return uuid.Nil, errors.New("nessun elemento da elaborare")
	}
	seen := make(map[string]struct{}, len(keys))
	for i, k := range keys {
		if k == "" {
			return uuid.Nil, fmt.Errorf("elemento %d senza chiave", i+1)
		}
		if _, dup := seen[k]; dup {
			return uuid.Nil, fmt.Errorf("chiave ripetuta: %s", k)
		}
		seen[k] = struct{}{}
	}
	id := uuid.New()
	if _, err := tx.InsertJob(ctx, store.Job{UUID: id.String(), Kind: kind, Ref: ref}, keys); err != nil {
		return uuid.Nil, err
	}
	return id, nil
}

func (e *Engine) load(ctx context.Context, id uuid.UUID) (store.Job, error) {
	j, err := e.db.JobByUUID(ctx, id.String())
	if errors.Is(err, store.ErrNotFound) {
		return j, ErrNotFound
	}
	return j, err
}

func toJob(j store.Job, c Counts, now time.Time) Job {
	id, _ := uuid.Parse(j.UUID)
	return Job{ID: id, Kind: j.Kind, Ref: j.Ref, State: State(j.State), Operatore: j.Operatore, Total: j.Total,
		Counts: c, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, Active: leaseLive(j, now)}
}

func leaseLive(j store.Job, now time.Time) bool {
	return j.Runner != "" && j.LeaseUntil.After(now) && !runnerGone(j.Runner)
}

// runnerGone reports a runner known to be dead: a process of this host
// ("host/pid/…") that no longer exists. A crashed session is then resumed at
// once instead of after LeaseTTL; runners of other hosts wait for the TTL.
func runnerGone(runner string) bool {
	parts := strings.SplitN(runner, "/", 3)
	if len(parts) < 3 || parts[0] != hostname {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid == os.Getpid() {
		return false
	}
	return !processAlive(pid)
}

var hostname, _ = os.Hostname()

// Status reads a job and counts its items from the database.
func (e *Engine) Status(ctx context.Context, id uuid.UUID) (Job, error) {
	j, err := e.load(ctx, id)
	if err != nil {
		return Job{}, err
	}
	return e.withCounts(ctx, j)
}

func (e *Engine) withCounts(ctx context.Context, j store.Job) (Job, error) {
	m, err := e.db.JobItemCounts(ctx, j.ID)
	if err != nil {
		return Job{}, err
	}
	return toJob(j, countsOf(m), time.Now()), nil
}

func (e *Engine) list(ctx context.Context, js []store.Job, err error) ([]Job, error) {
	if err != nil {
		return nil, err
	}
	out := make([]Job, 0, len(js))
	for _, j := range js {
		job, err := e.withCounts(ctx, j)
		if err != nil {
			return nil, err
		}
		out = append(out, job)
	}
	return out, nil
}

// Unfinished lists the jobs to resume when Sportello starts: pending or
// interrupted while running. Paused jobs wait for an operator.
func (e *Engine) Unfinished(ctx context.Context) ([]Job, error) {
	js, err := e.db.JobsInState(ctx, string(Pending), string(Running))
	js = slices.DeleteFunc(js, func(j store.Job) bool { return j.Kind == leaseKind })
	return e.list(ctx, js, err)
}

// Find lists the jobs of a kind about one reference, oldest first.
func (e *Engine) Find(ctx context.Context, kind, ref string) ([]Job, error) {
	js, err := e.db.JobsByRef(ctx, kind, ref)
	return e.list(ctx, js, err)
}

// Items pages through a job's items in one state ("" for all).
func (e *Engine) Items(ctx context.Context, id uuid.UUID, state ItemState, offset, limit int) ([]Item, error) {
	j, err := e.load(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := e.db.JobItems(ctx, j.ID, string(state), offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Item, len(rows))
	for i, r := range rows {
		out[i] = toItem(id, j.Ref, r)
	}
	return out, nil
}

func toItem(id uuid.UUID, ref string, r store.JobItem) Item {
	return Item{Job: id, Ref: ref, Key: r.Key, State: ItemState(r.State), Attempts: r.Attempts, NextTry: r.NextTry,
		LastError: r.LastError, Result: r.Result, UpdatedAt: r.UpdatedAt}
}

// change runs fn on the job in one transaction and then wakes its run, if
// it runs in this engine.
func (e *Engine) change(ctx context.Context, operator string, id uuid.UUID, reconcile bool, fn func(tx *store.Tx, j store.Job) error) error {
	err := e.db.Write(ctx, operator, func(tx *store.Tx) error {
		j, err := tx.JobByUUID(ctx, id.String())
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		e.attach(tx, j)
		return fn(tx, j)
	})
	if err == nil {
		e.mu.Lock()
		r := e.runs[id]
		e.mu.Unlock()
		if r != nil {
			r.wake(reconcile)
		}
	}
	return err
}

// Pause stops the job from claiming new items; its run records the calls in
// progress and returns ErrPaused. The job stays paused until Run is called.
func (e *Engine) Pause(ctx context.Context, operator string, id uuid.UUID) error {
	return e.change(ctx, operator, id, false, func(tx *store.Tx, j store.Job) error {
		switch State(j.State) {
		case Pending, Running:
			return tx.ChangeJobState(ctx, j, string(Paused))
		case Paused:
			return nil
		case Cancelled:
			return ErrCancelled
		}
		return ErrConcluded
	})
}

// Cancel stops the job for good: pending items become cancelled, calls in
// progress get their outcome recorded, and the run returns ErrCancelled.
// Items left in flight by an interrupted run nobody resumes become uncertain.
func (e *Engine) Cancel(ctx context.Context, operator string, id uuid.UUID) error {
	return e.change(ctx, operator, id, true, func(tx *store.Tx, j store.Job) error {
		switch State(j.State) {
		case Cancelled:
			return nil
		case Done:
			return ErrConcluded
		}
		if err := tx.ChangeJobState(ctx, j, string(Cancelled)); err != nil {
			return err
		}
		if _, err := tx.MoveJobItems(ctx, j.ID, string(ItemPending), string(ItemCancelled), ""); err != nil {
			return err
		}
		if !leaseLive(j, tx.Now) {
			_, err := tx.MoveJobItems(ctx, j.ID, string(ItemInFlight), string(ItemUncertain), errInterrupted.Error())
			return err
		}
		return nil
	})
}

// Retry puts back in the queue the items with the given keys that are
// failed or uncertain, and reports how many. A concluded job becomes
// pending again: call Run to work it.
func (e *Engine) Retry(ctx context.Context, operator string, id uuid.UUID, keys ...string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	return e.requeue(ctx, operator, id, keys, ItemFailed, ItemUncertain)
}

// RetryFailed puts back in the queue every failed item of the job.
func (e *Engine) RetryFailed(ctx context.Context, operator string, id uuid.UUID) (int, error) {
	return e.requeue(ctx, operator, id, nil, ItemFailed)
}

func (e *Engine) requeue(ctx context.Context, operator string, id uuid.UUID, keys []string, from ...ItemState) (int, error) {
	states := make([]string, len(from))
	for i, s := range from {
		states[i] = string(s)
	}
	var n int
	err := e.change(ctx, operator, id, true, func(tx *store.Tx, j store.Job) error {
		if State(j.State) == Cancelled {
			return errors.New("il lavoro è stato annullato: non si possono ritentare i suoi elementi")
		}
		var err error
		if n, err = tx.RequeueJobItems(ctx, j, keys, states...); err != nil || n == 0 {
			return err
		}
		if State(j.State) == Done {
			return tx.ChangeJobState(ctx, j, string(Pending))
		}
		return nil
	})
	return n, err
}
