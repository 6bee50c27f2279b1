package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// peakRSS is the process's resident-set high-water mark in bytes (Linux
// VmHWM); 0 where /proc is not available.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// resetPeakRSS starts a new high-water mark from the current RSS (Linux ≥ 4.0,
// "echo 5 > /proc/self/clear_refs"); it reports whether it could.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// cpuTime is the process's user and system time (Linux /proc/self/stat,
// clock ticks of 10 ms); 0 where /proc is not available. On a shared
// machine it tells the work done from the time waited.
func cpuTime() time.Duration {
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
