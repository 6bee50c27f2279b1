package store

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"
)

func TestJobTimesSortAsText(t *testing.T) {
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	ts := []time.Time{base, base.Add(100 * time.Millisecond), base.Add(time.Nanosecond), base.Add(time.Second),
		base.Add(-time.Hour).In(time.FixedZone("CET", 3600))}
	texts := make([]string, len(ts))
	for i, tm := range ts {
		texts[i] = jobTime(tm)
		if back := parseJobTime(texts[i]); !back.Equal(tm) {
			t.Errorf("%v came back as %v", tm, back)
		}
	}
	sort.Strings(texts)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	for i := range ts {
		if texts[i] != jobTime(ts[i]) {
			t.Fatalf("text order %v differs from time order", texts)
		}
	}
	if jobTime(time.Time{}) != "" || !parseJobTime("").IsZero() {
		t.Error("zero time is not ''")
	}
}

func TestJobItemsClaimAndGuard(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	keys := make([]string, 1203) // more than two insert chunks
	for i := range keys {
		keys[i] = string(rune('a'+i%26)) + time.Duration(i).String()
	}
	var jobID int64
	err := db.Write(ctx, "m.rossi", func(tx *Tx) error {
		var err error
		jobID, err = tx.InsertJob(ctx, Job{UUID: "u-1", Kind: "prova", Ref: "r"}, keys)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, "m.rossi", func(tx *Tx) error {
		_, err := tx.InsertJob(ctx, Job{UUID: "u-2", Kind: "prova"}, []string{"x", "x"})
		return err
	})
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate keys: %v", err)
	}
	if js, _ := db.JobsInState(ctx, "pending"); len(js) != 1 || js[0].Total != len(keys) || js[0].Operatore != "m.rossi" {
		t.Fatalf("jobs: %+v", js)
	}

	var claimed []JobItem
	now := time.Now()
	err = db.Write(ctx, "m.rossi", func(tx *Tx) error {
		var err error
		claimed, err = tx.ClaimJobItems(ctx, jobID, now, 3)
		return err
	})
	if err != nil || len(claimed) != 3 || claimed[0].Key != keys[0] || claimed[0].Attempts != 1 {
		t.Fatalf("claimed %+v, %v", claimed, err)
	}
	later := now.Add(time.Hour)
	var applied int
	err = db.Write(ctx, "m.rossi", func(tx *Tx) error {
		var err error
		applied, err = tx.SaveJobOutcomes(ctx, []JobOutcome{
			{ID: claimed[0].ID, Claimed: 1, Attempts: 1, State: "done", Result: "r0"},
			{ID: claimed[1].ID, Claimed: 1, Attempts: 1, State: "pending", NextTry: later, LastError: "503"},
			{ID: claimed[2].ID, Claimed: 7, Attempts: 7, State: "done"}, // stale: not applied
		})
		return err
	})
	if err != nil || applied != 2 {
		t.Fatalf("applied %d, %v", applied, err)
	}
	counts, _ := db.JobItemCounts(ctx, jobID)
	if counts["done"] != 1 || counts["in_flight"] != 1 || counts["pending"] != len(keys)-2 {
		t.Fatalf("counts %v", counts)
	}
	// The retried item is not due: claiming everything due leaves it, and it comes last.
	err = db.Write(ctx, "m.rossi", func(tx *Tx) error {
		all, err := tx.ClaimJobItems(ctx, jobID, now, len(keys))
		if err != nil {
			return err
		}
		if len(all) != len(keys)-3 {
			t.Errorf("claimed %d due items", len(all))
		}
		next, ok, err := tx.NextJobTry(ctx, jobID)
		if !ok || !next.Equal(later) {
			t.Errorf("next try %v %v, want %v", next, ok, later)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.JobItems(ctx, jobID, "pending", 0, 10)
	if err != nil || len(page) != 1 || page[0].LastError != "503" || !page[0].NextTry.Equal(later) {
		t.Fatalf("pending page %+v, %v", page, err)
	}
}
