package jobs

import (
	"fmt"
	"os"
	"os/exec"
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
