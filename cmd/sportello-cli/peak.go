package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
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
