package misura

import (
	"runtime"
	"testing"
	"time"
)

// On Linux the figures move with the work: memory touched raises the peak,
// a busy loop adds CPU time.
func TestMisure(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc only on Linux")
	}
	c0, p0 := CPU(), PiccoRSS()
	if p0 <= 0 {
		t.Fatalf("PiccoRSS %d", p0)
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	if p := PiccoRSS(); p < p0+32<<20 {
		t.Errorf("peak %d MB after touching 64 MB, was %d MB", p>>20, p0>>20)
	}
	runtime.KeepAlive(buf)
	// Busy until the clock ticks a few times: how long that takes depends
	// on the machine's load, so only a minute without a tick fails.
	for start := time.Now(); CPU()-c0 < 50*time.Millisecond; {
		if time.Since(start) > time.Minute {
			t.Fatalf("CPU still %v after a minute of busy loop", CPU()-c0)
		}
	}
}
