package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/sandbox"
)

// seedRiconciliazione has citizens pay the demo's notices over three days
// on the sandbox (the last day with one of each MyPivot anomaly) and
// imports the receipts, flows and journals the sandbox wrote, so the
// Riconciliazione windows open on living data. The files stay under
// dir/pagopa, for the import window to be tried on them again.
func seedRiconciliazione(ctx context.Context, a *core.App, admin operatori.Operatore, sb *sandbox.Sandbox, dir string) error {
	oggi := time.Now()
	// The last day pays more, so that its anomalies leave regular payments
	// for each of the three PSPs' flows.
	for i, giorni := range []int{-6, -4, -2} {
		giorno := oggi.AddDate(0, 0, giorni)
		cfg := sandbox.ConfigPagamenti{Quota: []float64{0.3, 0.3, 0.6}[i], Giorno: giorno, Seed: uint64(Seed) + uint64(i)}
		if i == 2 {
			cfg.Anomalie = sandbox.AnomalieDemo()
		}
		out := filepath.Join(dir, "pagopa", giorno.Format(time.DateOnly))
		if _, err := sb.SimulaPagamenti(cfg, out); err != nil {
			return fmt.Errorf("pagamenti del %s: %w", giorno.Format("02/01/2006"), err)
		}
		var files []string
		if err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return err
		}); err != nil {
			return err
		}
		sort.Strings(files)
		for _, f := range files {
			if _, err := a.Riconciliazione.Importa(ctx, admin, f); err != nil {
				return err
			}
		}
	}
	return nil
}
