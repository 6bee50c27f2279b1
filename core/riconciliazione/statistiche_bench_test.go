package riconciliazione

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/sportello/sportello/store"
)

// BenchmarkStatistiche computes the statistics on a generated population
// of n receipts and n reporting lines (Genera), set-based, and naively
// (every row read into Go maps, statistiche_ingenuo_test.go) as the
// baseline. The million is skipped with -short; it takes minutes to
// generate, so STATISTICHE_BENCH_DB names a file to keep it in between
// runs (generated when missing).
func BenchmarkStatistiche(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{20_000, 1_000_000} {
		var db *store.DB
		prepara := func(sub *testing.B) {
			if n > 100_000 && testing.Short() {
				sub.Skip("un milione di ricevute: senza -short")
			}
			if db != nil {
				return
			}
			path := filepath.Join(b.TempDir(), "stat.db")
			if p := os.Getenv("STATISTICHE_BENCH_DB"); p != "" && n > 100_000 {
				path = p
			}
			_, esiste := os.Stat(path)
			var err error
			if db, err = store.Open(ctx, path); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if esiste != nil {
				st := time.Now()
				if err := Genera(ctx, db, n, 1); err != nil {
					b.Fatal(err)
				}
				b.Logf("Genera(%d): %v", n, time.Since(st))
			}
		}
		for _, c := range []struct {
			nome    string
			per     Raggruppamento
			dal, al string
		}{
			{"mese", PerMese, "", ""}, {"giorno", PerGiorno, "", ""}, {"ufficio", PerUfficio, "", ""},
			{"accertamento", PerAccertamento, "", ""}, {"ufficio-un-mese", PerUfficio, "2024-03-01", "2024-03-31"},
		} {
			b.Run(fmt.Sprintf("%s-%d", c.nome, n), func(b *testing.B) {
				prepara(b)
				s := New(db)
				var dal, al time.Time
				if c.dal != "" {
					dal, al = dataISO(c.dal), dataISO(c.al)
				}
				c0 := statCPU()
				for b.Loop() {
					if _, err := s.Statistiche(ctx, c.per, dal, al); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((statCPU()-c0).Seconds()/float64(b.N), "cpu-s/op")
			})
		}
		b.Run(fmt.Sprintf("ingenuo-ufficio-%d", n), func(b *testing.B) {
			prepara(b)
			c0 := statCPU()
			for b.Loop() {
				leggiStatIngenuo(b, db).statistiche(PerUfficio, "", "")
			}
			b.ReportMetric((statCPU()-c0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// statCPU is the process's CPU time so far, user and system: on a shared
// machine it tells the work done from the waiting.
func statCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
