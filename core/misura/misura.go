// Package misura reads what the benchmarks report about the process itself:
// its peak resident memory and its CPU time. Both come from Linux's /proc;
// elsewhere they are 0 and the benchmarks print "—".
package misura

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// PiccoRSS is the process's resident-set high-water mark in bytes (VmHWM).
func PiccoRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// AzzeraPicco starts a new high-water mark from the current RSS (Linux ≥
// 4.0, "echo 5 > /proc/self/clear_refs"), so that the next PiccoRSS is the
// measured run's; it reports whether it could.
func AzzeraPicco() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// CPU is the process's user and system time (clock ticks of 10 ms). On a
// shared machine it tells the work done from the time waited.
func CPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	_, after, _ := strings.Cut(string(b), ") ") // the command may hold spaces
	f := strings.Fields(after)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}
