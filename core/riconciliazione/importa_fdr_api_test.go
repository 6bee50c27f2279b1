package riconciliazione

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/fdr"
)

// The day's flows downloaded from the sandbox's FdR API reconcile exactly
// as the same flows imported as files; a second download stores nothing.
func TestScaricaFdR(t *testing.T) {
	ctx := context.Background()
	daFile := preparaGiornata(t, true)
	want, err := daFile.s.Stato(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The same flows, already imported as files, are no new ones: only
	// their revision is recorded, and nothing changes.
	crf := daFile.sb.FdRCredentials()
	if n, err := daFile.s.ScaricaFdR(ctx, daFile.op, ConfigFdR{URL: crf.BaseURL, Chiave: crf.Key}, time.Time{}, nil); err != nil || n != 0 {
		t.Fatalf("flows imported as files, then downloaded: %d new, %v", n, err)
	}
	if got, _ := daFile.s.Stato(ctx); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the download %v, before %v", got, want)
	}
	var uguali int
	if err := daFile.db.Reader().QueryRow(`SELECT COUNT(*) FROM ric_file WHERE formato = ? AND nome LIKE '%uguale%'`,
		FormatoFdRAPI).Scan(&uguali); err != nil || uguali != len(daFile.es.Flussi) {
		t.Fatalf("revisions recorded as the same flow: %d of %d, %v", uguali, len(daFile.es.Flussi), err)
	}
	if n, err := daFile.s.ScaricaFdR(ctx, daFile.op, ConfigFdR{URL: crf.BaseURL, Chiave: crf.Key}, time.Time{}, nil); err != nil || n != 0 {
		t.Fatalf("second download: %d new, %v", n, err)
	}

	g := preparaGiornata(t, false)
	cr := g.sb.FdRCredentials()
	if _, err := g.s.ScaricaFdR(ctx, g.op, ConfigFdR{URL: cr.BaseURL}, time.Time{}, nil); !errors.Is(err, ErrFdRNonConfigurato) {
		t.Fatalf("without a key: %v", err)
	}
	if _, err := g.s.ScaricaFdR(ctx, g.op, ConfigFdR{URL: cr.BaseURL, Chiave: "sbagliata"}, time.Time{}, nil); !errors.Is(err, fdr.ErrChiave) {
		t.Fatalf("wrong key: %v", err)
	}
	cfg := ConfigFdR{URL: cr.BaseURL, Chiave: cr.Key}
	var fatti, totale int
	n, err := g.s.ScaricaFdR(ctx, g.op, cfg, time.Now().AddDate(0, 0, -1), func(done, total int) { fatti, totale = done, total })
	if err != nil || n != len(g.es.Flussi) || fatti != n || totale != n {
		t.Fatalf("downloaded %d of %d flows (report %d/%d): %v", n, len(g.es.Flussi), fatti, totale, err)
	}
	got, _ := g.s.Stato(ctx)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("from the API %v, from files %v", got, want)
	}
	var formato, nome string
	if err := g.db.Reader().QueryRow(`SELECT formato, nome FROM ric_file WHERE tipo = 'FDR' LIMIT 1`).Scan(&formato, &nome); err != nil ||
		formato != FormatoFdRAPI || nome == "" {
		t.Fatalf("file of a downloaded flow: %q %q %v", formato, nome, err)
	}
	if n, err := g.s.ScaricaFdR(ctx, g.op, cfg, time.Now().AddDate(0, 0, -1), nil); err != nil || n != 0 {
		t.Fatalf("second download: %d new, %v", n, err)
	}
	// Cancelled before it starts: nothing more.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.s.ScaricaFdR(cctx, g.op, cfg, time.Time{}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
