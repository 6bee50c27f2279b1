package riconciliazione

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/misura"
	"github.com/sportello/sportello/core/riconciliazione/ingenuo"
	"github.com/sportello/sportello/store"
)

// The engine and the nested loops agree on generated populations, which
// hold a few per cent of every anomaly, and on the hand-made scenario.
func TestIngenuoComeMotore(t *testing.T) {
	ctx := context.Background()
	for _, seme := range []uint64{1, 2} {
		db := apri(t)
		if err := Genera(ctx, db, 1500, seme); err != nil {
			t.Fatal(err)
		}
		if _, err := Esegui(ctx, db, "test"); err != nil {
			t.Fatal(err)
		}
		x, err := ingenuo.Carica(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		got := fotografia(t, db)
		confronta(t, fmt.Sprint("seed ", seme), got, x.Classi())
		conta := map[string]int{}
		for _, g := range got {
			conta[strings.Fields(g)[0]]++
		}
		for _, c := range Classi {
			if conta[c.Codice] == 0 {
				t.Errorf("seed %d: the generated population has no %s", seme, c.Codice)
			}
		}
	}
	db := apri(t)
	importa(t, db, scenario())
	x, err := ingenuo.Carica(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	confronta(t, "scenario", x.Classi(), atteseScenario())
}

// BenchmarkRiconciliazione runs the full reconciliation on a generated
// population of n receipts and n reporting lines (with n/50 flows and
// about as many treasury movements), and the nested loops on the same
// data where they finish. rows/s counts receipts, lines and movements;
// peak-MiB is VmHWM during the runs. The million is skipped with -short.
func BenchmarkRiconciliazione(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		n       int
		ingenuo bool
	}{{10_000, true}, {1_000_000, false}} {
		var db *store.DB
		var righe float64
		prepara := func(sub *testing.B) {
			if c.n > 100_000 && testing.Short() {
				sub.Skip("un milione di ricevute: senza -short")
			}
			if db != nil {
				return
			}
			db = apri(b) // the parent's: shared by the sub-benchmarks
			start, c0 := time.Now(), misura.CPU()
			if err := Genera(ctx, db, c.n, 1); err != nil {
				b.Fatal(err)
			}
			b.Logf("Genera(%d): %v, cpu %v", c.n, time.Since(start), misura.CPU()-c0)
			for _, tab := range []string{"ric_rt", "ric_fdr_pagamenti", "ric_tesoreria"} {
				var k int
				if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+tab).Scan(&k); err != nil {
					b.Fatal(err)
				}
				righe += float64(k)
			}
		}
		b.Run(fmt.Sprintf("insieme-%d", c.n), func(b *testing.B) {
			prepara(b)
			misura.AzzeraPicco()
			c0 := misura.CPU()
			for b.Loop() {
				if _, err := Esegui(ctx, db, "bench"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((misura.CPU()-c0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(righe*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(misura.PiccoRSS())/(1<<20), "peak-MiB")
		})
		if !c.ingenuo {
			continue
		}
		b.Run(fmt.Sprintf("ingenuo-%d", c.n), func(b *testing.B) {
			prepara(b)
			misura.AzzeraPicco()
			c0 := misura.CPU()
			for b.Loop() {
				x, err := ingenuo.Carica(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				x.Classi()
			}
			b.ReportMetric((misura.CPU()-c0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(righe*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(misura.PiccoRSS())/(1<<20), "peak-MiB")
		})
	}
}
