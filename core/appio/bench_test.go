package appio_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/sandbox"
)

// BenchmarkSubmit measures submissions per second against the sandbox over
// loopback, rate limit off: one goroutine, then N in parallel sharing one
// Client (as the flow sender's workers do).
func BenchmarkSubmit(b *testing.B) {
	for _, workers := range []int{1, 4, 16, 64} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			sb := startSandbox(b, sandbox.Config{Seed: 1})
			c := newClient(b, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.Concurrency = workers })
			codes := sb.Credentials().FiscalCodes.Enabled
			msg := paymentMessage("Avviso di pagamento TARI 2026", 12000, "301000000000000001")
			ctx := context.Background()
			var next atomic.Int64
			var failed atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						if _, err := c.SubmitMessage(ctx, codes[i%int64(len(codes))], msg); err != nil {
							failed.Add(1)
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d submissions failed", n)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
		})
	}
}
