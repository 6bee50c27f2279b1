package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/sportello/sportello/store"
)

func TestLeaseOfADeadLocalProcessIsVoid(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process probing is unix-only; the TTL decides elsewhere")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no `true` command:", err)
	}
	dead := cmd.Process.Pid // reaped: no process has this pid now (barring reuse in these microseconds)
	now := time.Now()
	until := now.Add(time.Minute)
	cases := []struct {
		runner string
		live   bool
	}{
		{fmt.Sprintf("%s/%d/x", hostname, dead), false},
		{fmt.Sprintf("%s/%d/x", hostname, os.Getppid()), true},
		{fmt.Sprintf("%s/%d/x", hostname, os.Getpid()), true},
		{fmt.Sprintf("altro-host/%d/x", dead), true},
		{"", false},
	}
	for _, c := range cases {
		if got := leaseLive(store.Job{Runner: c.runner, LeaseUntil: until}, now); got != c.live {
			t.Errorf("leaseLive(%q) = %v, want %v", c.runner, got, c.live)
		}
	}
	if leaseLive(store.Job{Runner: fmt.Sprintf("%s/%d/x", hostname, os.Getpid()), LeaseUntil: now.Add(-time.Second)}, now) {
		t.Error("an expired lease is live")
	}
}

func TestLeaseExcludesASecondHolder(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := AcquireLease(ctx, db, "registro.sync", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	b, err := AcquireLease(ctx, db, "registro.sync", time.Minute)
	if !errors.Is(err, ErrLeaseHeld) || b.Holder != a.runner {
		t.Fatalf("second holder: %v %+v", err, b)
	}
	if _, err := AcquireLease(ctx, db, "altro", time.Minute); err != nil {
		t.Fatalf("another name is another lease: %v", err)
	}
	if err := a.Renew(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	b, err = AcquireLease(ctx, db, "registro.sync", 20*time.Millisecond)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	// b forgets to renew: once expired, c takes it and b may not renew.
	time.Sleep(40 * time.Millisecond)
	c, err := AcquireLease(ctx, db, "registro.sync", time.Minute)
	if err != nil {
		t.Fatalf("expired lease not taken over: %v", err)
	}
	if err := b.Renew(ctx); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("renew of a lost lease: %v", err)
	}
	if err := b.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := AcquireLease(ctx, db, "registro.sync", time.Minute); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("b's release must not free c's lease: %v", err)
	}
	c.Release(ctx)
}
