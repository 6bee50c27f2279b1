package jobs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/store"
)

// The crash test runs a job in a child process (this test binary again,
// with TestCrashChild selected and the environment below), kills it with
// SIGKILL at random moments, resumes the job in-process for a while (and
// interrupts that too), and checks the end state against the remote's
// journal: a file where every call that takes effect appends its key, with
// O_APPEND and fsync, before the call returns.

const (
	envDB   = "SPORTELLO_JOBS_CRASH_DB"
	envLog  = "SPORTELLO_JOBS_CRASH_LOG"
	envJob  = "SPORTELLO_JOBS_CRASH_JOB"
	envMode = "SPORTELLO_JOBS_CRASH_MODE"
)

func crashOptions() Options {
	return Options{Concurrency: 4, BatchSize: 16, FlushSize: 16, FlushEvery: 10 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond, MaxAttempts: 10, LeaseTTL: 300 * time.Millisecond}
}

// journal is the remote system of the crash test.
type journal struct {
	f    *os.File
	path string
}

func openJournal(path string) (*journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	return &journal{f: f, path: path}, err
}

func (jr *journal) record(key string) error {
	if _, err := jr.f.WriteString(key + "\n"); err != nil {
		return err
	}
	return jr.f.Sync()
}

func readJournal(path string) (map[string]int, int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]int{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	out := map[string]int{}
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out[sc.Text()]++
		n++
	}
	return out, n, sc.Err()
}

// crashHandler makes a call take effect (journal line), then waits for the
// "response"; one key in seven first fails with a temporary error that has
// no effect. In "check" mode Recover reads the journal.
type crashHandler struct {
	jr    *journal
	check bool
	mu    sync.Mutex
	tries map[string]int
}

func (*crashHandler) Kind() string { return "test.crash" }

// uncheckableHandler is the crash handler as an App IO send: NoRecover.
type uncheckableHandler struct {
	NoRecover
	h *crashHandler
}

func (u uncheckableHandler) Kind() string { return u.h.Kind() }
func (u uncheckableHandler) Do(ctx context.Context, it Item) (string, error) {
	return u.h.Do(ctx, it)
}

func handlerFor(h *crashHandler) Handler {
	if h.check {
		return h
	}
	return uncheckableHandler{h: h}
}

func (h *crashHandler) Do(ctx context.Context, it Item) (string, error) {
	h.mu.Lock()
	h.tries[it.Key]++
	first := h.tries[it.Key] == 1
	h.mu.Unlock()
	if first && it.Attempts == 1 && len(it.Key)%7 == 0 {
		return "", errors.New("servizio momentaneamente non disponibile")
	}
	if err := h.jr.record(it.Key); err != nil {
		return "", Uncertain(err)
	}
	select {
	case <-time.After(time.Duration(rand.IntN(1500)) * time.Microsecond):
	case <-ctx.Done():
		return "", Uncertain(ctx.Err())
	}
	return "id-" + it.Key, nil
}

func (h *crashHandler) Recover(_ context.Context, it Item) (string, error) {
	if !h.check {
		return "", Uncertain(errInterrupted)
	}
	seen, _, err := readJournal(h.jr.path)
	if err != nil {
		return "", err
	}
	if seen[it.Key] > 0 {
		return "id-" + it.Key, nil
	}
	return "", ErrNotSent
}

func TestCrashChild(t *testing.T) {
	path := os.Getenv(envDB)
	if path == "" {
		t.Skip("runs only as the child process of TestCrashResume")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	jr, err := openJournal(os.Getenv(envLog))
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.MustParse(os.Getenv(envJob))
	h := handlerFor(&crashHandler{jr: jr, check: os.Getenv(envMode) == "check", tries: map[string]int{}})
	if err := New(db, crashOptions()).Run(ctx, id, h, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCrashResume(t *testing.T) {
	if os.Getenv(envDB) != "" {
		t.Skip("child process")
	}
	for _, mode := range []string{"uncheckable", "check"} {
		t.Run(mode, func(t *testing.T) { crashResume(t, mode) })
	}
}

func crashKeys(n int) []string {
	out := make([]string, n)
	for i := range out {
		// Varying lengths so that len%7 picks some keys for a temporary error.
		out[i] = fmt.Sprintf("n%d-%s", i, strings.Repeat("x", i%9))
	}
	return out
}

func crashResume(t *testing.T, mode string) {
	const total, rounds = 1500, 4
	dir := t.TempDir()
	dbPath, logPath := filepath.Join(dir, "crash.db"), filepath.Join(dir, "remote.log")
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	opts := crashOptions()
	e := New(db, opts)
	id, err := e.Create(ctx, op, "test.crash", "", crashKeys(total))
	if err != nil {
		t.Fatal(err)
	}
	jr, err := openJournal(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer jr.f.Close()
	h := handlerFor(&crashHandler{jr: jr, check: mode == "check", tries: map[string]int{}})

	interruptions := 0
	for round := range rounds {
		_, before, _ := readJournal(logPath)
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envDB+"="+dbPath, envLog+"="+logPath, envJob+"="+id.String(), envMode+"="+mode)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Kill once the child has made some calls, a random moment later.
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, n, _ := readJournal(logPath)
			if n > before+20 || time.Now().After(deadline) {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		killed := cmd.Process.Kill() == nil
		if err := <-exited; err == nil {
			t.Logf("round %d: the child finished before the kill", round)
		} else if killed {
			interruptions++
		}
		if st, _ := e.Status(ctx, id); st.State == Done {
			break
		}

		// Resume here, and interrupt this run too (ctx cancelled mid-call).
		rctx, cancel := context.WithTimeout(ctx, time.Duration(20+rand.IntN(60))*time.Millisecond)
		for {
			err = e.Run(rctx, id, h, nil)
			if !errors.Is(err, ErrInUse) {
				break
			}
			time.Sleep(opts.LeaseTTL / 4) // the killed child's lease has to expire
			if rctx.Err() != nil {
				cancel()
				rctx, cancel = context.WithTimeout(ctx, time.Duration(20+rand.IntN(60))*time.Millisecond)
			}
		}
		cancel()
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			interruptions++
		case err != nil:
			t.Fatalf("round %d: in-process run: %v\nchild output:\n%s", round, err, out.String())
		}
	}
	for {
		err = e.Run(ctx, id, h, nil)
		if !errors.Is(err, ErrInUse) {
			break
		}
		time.Sleep(opts.LeaseTTL / 4)
	}
	if err != nil {
		t.Fatal(err)
	}

	calls, _, err := readJournal(logPath)
	if err != nil {
		t.Fatal(err)
	}
	j := status(t, e, id)
	c := j.Counts
	t.Logf("%s: %d interruptions, counts %+v", mode, interruptions, c)
	if j.State != Done || c.Pending != 0 || c.InFlight != 0 || c.Cancelled != 0 || c.Done+c.Failed+c.Uncertain != total {
		t.Fatalf("end state %+v", j)
	}
	its, err := e.Items(ctx, id, "", 0, total)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range its {
		n := calls[it.Key]
		if n > 1 {
			t.Errorf("%s took effect %d times (%s)", it.Key, n, it.State)
		}
		if it.State == ItemDone && (n != 1 || it.Result != "id-"+it.Key) {
			t.Errorf("%s done with %d effects, result %q", it.Key, n, it.Result)
		}
	}
	// Uncheckable calls run in a window of Concurrency items: each
	// interruption leaves at most that many uncertain.
	bound := max(interruptions, 1) * opts.Concurrency
	if mode == "check" {
		bound *= opts.BatchSize
	}
	if c.Uncertain > bound {
		t.Errorf("%d uncertain items after %d interruptions, bound %d", c.Uncertain, interruptions, bound)
	}
	if mode == "check" && c.Uncertain != 0 {
		t.Errorf("%d uncertain items although every call can be checked", c.Uncertain)
	}
	if interruptions == 0 {
		t.Error("nothing was interrupted: the test tested nothing")
	}
}
