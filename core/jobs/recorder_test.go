package jobs

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/sportello/sportello/store"
)

// mirror keeps a table of its own in step with the items, as the App IO
// notifications do, and counts how often it was called.
type mirror struct{ calls int }

func (m *mirror) Record(ctx context.Context, tx *store.Tx, items []Item) error {
	m.calls++
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mirror (k, state, attempts, result) VALUES (?, ?, ?, ?)
			ON CONFLICT (k) DO UPDATE SET state = excluded.state, attempts = excluded.attempts, result = excluded.result`,
			it.Key, string(it.State), it.Attempts, it.Result); err != nil {
			return err
		}
	}
	return nil
}

func mirrorState(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.Write(context.Background(), op, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(context.Background(), `SELECT k, state, attempts, result FROM mirror`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, s, r string
			var a int
			if err := rows.Scan(&k, &s, &a, &r); err != nil {
				return err
			}
			out[k] = s + "/" + r
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func assertMirrored(t *testing.T, e *Engine, id uuid.UUID, m map[string]string) {
	t.Helper()
	all, err := e.Items(context.Background(), id, "", 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range all {
		if it.State == ItemPending && it.Attempts == 0 {
			continue // never touched since creation: nothing to mirror
		}
		if got, want := m[it.Key], string(it.State)+"/"+it.Result; got != want {
			t.Errorf("%s: mirror %q, items %q", it.Key, got, want)
		}
	}
}

func TestRecorderFollowsEveryItemChange(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if err := db.Write(ctx, op, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE mirror (k TEXT PRIMARY KEY, state TEXT, attempts INTEGER, result TEXT)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	e := New(db, fastOptions())
	m := &mirror{}
	e.Record("test.invio", m)
	id := create(t, e, 300)

	// Outcomes of every kind, then a cancellation part-way.
	rm := newRemote()
	rm.behave = func(key string, call int) (string, error) {
		switch {
		case strings.HasSuffix(key, "7"):
			return "", Permanent(errors.New("rifiutato"))
		case strings.HasSuffix(key, "3"):
			return "", Uncertain(errors.New("nessuna risposta"))
		}
		return "id-" + key, nil
	}
	stopAfter(rm, 150, func() {
		if err := e.Cancel(ctx, op, id); err != nil {
			t.Error(err)
		}
	})
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); !errors.Is(err, ErrCancelled) {
		t.Fatalf("Run = %v", err)
	}
	got := mirrorState(t, db)
	if len(got) != 300 {
		t.Fatalf("mirror has %d items, want all 300 (cancelled ones included)", len(got))
	}
	assertMirrored(t, e, id, got)
	if m.calls == 0 {
		t.Fatal("recorder never called")
	}
}

func TestRecorderSeesRequeueAndRecovery(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if err := db.Write(ctx, op, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE mirror (k TEXT PRIMARY KEY, state TEXT, attempts INTEGER, result TEXT)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	e := New(db, fastOptions())
	e.Record("test.invio", &mirror{})
	id := create(t, e, 50)
	left := leaveInFlight(t, e, id, 10) // a run that died: 10 items claimed in flight
	got := mirrorState(t, db)
	for _, k := range left {
		if got[k] != "in_flight/" {
			t.Fatalf("%s after the claim: %q", k, got[k])
		}
	}
	rm := newRemote()
	rm.behave = func(key string, call int) (string, error) {
		if strings.HasSuffix(key, "1") {
			return "", Permanent(errors.New("rifiutato"))
		}
		return "id-" + key, nil
	}
	if err := e.Run(ctx, id, sendHandler{remote: rm}, nil); err != nil {
		t.Fatal(err)
	}
	assertMirrored(t, e, id, mirrorState(t, db)) // the 10 became uncertain, the rest done or failed
	if n, err := e.RetryFailed(ctx, op, id); err != nil || n == 0 {
		t.Fatalf("RetryFailed = %d, %v", n, err)
	}
	got = mirrorState(t, db)
	assertMirrored(t, e, id, got)
	for k, v := range got {
		if strings.HasSuffix(k, "1") && !strings.HasPrefix(v, "pending/") && !strings.HasPrefix(v, "uncertain/") {
			t.Errorf("%s re-queued but mirrored as %q", k, v)
		}
	}
}
