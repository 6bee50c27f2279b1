package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sportello/sportello/core/misura"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/riconciliazione/cassa"
	"github.com/sportello/sportello/core/riconciliazione/ingenuo"
	"github.com/sportello/sportello/store"
)

// runBenchRiconciliazione measures the reconciliation against naive
// baselines in the same run: the engine against nested loops (which must
// also agree with it), the engine on a million receipts, the incremental
// import of one day against a full rerun, and a large OPI journal imported
// against decoding the whole document at once.
func runBenchRiconciliazione(ctx context.Context, _ globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench riconciliazione", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ricevute := fs.Int("ricevute", 1_000_000, "ricevute (e righe di rendicontazione) della popolazione grande (0: salta)")
	nIngenuo := fs.Int("ingenuo", 10_000, "ricevute della popolazione su cui gira anche il confronto a cicli annidati (0: salta)")
	giornata := fs.Int("giornata", 1_000, "pagamenti della giornata importata in modo incrementale nella popolazione grande")
	opiMB := fs.Int("opi-mb", 100, "megabyte del giornale OPI importato (0: salta)")
	comuni := flagComuni(fs)
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	work, stop, err := comuni.avvia()
	if err != nil {
		return err
	}
	defer stop()
	b := &benchRic{bench: bench{ctx: ctx, dir: work, log: stderr}}
	rows, err := runSteps(
		func() ([]benchRow, error) { return b.confronto(*nIngenuo) },
		func() ([]benchRow, error) { return b.grande(*ricevute, *giornata) },
		func() ([]benchRow, error) { return b.giornaleOPI(*opiMB) },
	)
	if err != nil {
		return err
	}
	return printBench(stdout, rows)
}

type benchRic struct {
	bench
	secIngenuo float64 // nested loops on nIngenuo receipts, for the estimate at scale
	nIngenuo   int
}

// popolazione opens a new database holding Genera's population of n.
func (b *benchRic) popolazione(name string, n int) (*store.DB, benchRow, error) {
	db, err := store.Open(b.ctx, filepath.Join(b.dir, name+".db"))
	if err != nil {
		return nil, benchRow{}, err
	}
	b.logf("genero %s ricevute e altrettante righe di rendicontazione", migliaia(n))
	d, peak, err := measure(func() error { return riconciliazione.Genera(b.ctx, db, n, 1) })
	if err != nil {
		db.Close()
		return nil, benchRow{}, err
	}
	return db, benchRow{what: fmt.Sprintf("popolazione di %s ricevute generata e memorizzata", migliaia(n)), measure: "righe scritte",
		value: secs(d), baseline: "—", ratio: "—", target: "—", peak: peak}, nil
}

// esegui is a full reconciliation with its wall and CPU time.
func (b *benchRic) esegui(db *store.DB) (rp riconciliazione.Riepilogo, wall, cpu time.Duration, peak int64, err error) {
	c0 := misura.CPU()
	wall, peak, err = measure(func() error { rp, err = riconciliazione.Esegui(b.ctx, db, "bench"); return err })
	return rp, wall, misura.CPU() - c0, peak, err
}

// confronto runs the engine and the nested loops on the same n receipts
// and checks that they give the same labels.
func (b *benchRic) confronto(n int) ([]benchRow, error) {
	if n <= 0 {
		return nil, nil
	}
	db, gen, err := b.popolazione("confronto", n)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	_, wall, cpu, peak, err := b.esegui(db)
	if err != nil {
		return nil, err
	}
	motore, err := riconciliazione.Stato(b.ctx, db)
	if err != nil {
		return nil, err
	}
	b.logf("riconciliazione a cicli annidati su %s ricevute", migliaia(n))
	var classi []string
	wallIng, peakIng, err := measure(func() error {
		x, err := ingenuo.Carica(b.ctx, db)
		classi = x.Classi()
		return err
	})
	if err != nil {
		return nil, err
	}
	conta := map[string]int{}
	for _, c := range classi {
		conta[strings.Fields(c)[0]]++
	}
	if !maps.Equal(conta, motore) {
		return nil, fmt.Errorf("il motore e il confronto ingenuo non danno le stesse classificazioni:\nmotore  %v\ningenuo %v", motore, conta)
	}
	b.secIngenuo, b.nIngenuo = wallIng.Seconds(), n
	return []benchRow{gen,
		{what: fmt.Sprintf("riconciliazione completa, %s ricevute + %s righe (stesse classificazioni)", migliaia(n), migliaia(n)),
			measure: "tempo", value: fmt.Sprintf("%s (CPU %s)", secs(wall), secs(cpu)), peak: peak,
			baseline: fmt.Sprintf("%s cicli annidati (picco %d MB)", secs(wallIng), peakIng>>20),
			ratio:    ratio(wallIng.Seconds(), wall.Seconds()), target: "—"}}, nil
}

// grande runs the engine on n receipts, then imports one day of giornata
// payments incrementally and compares with a full rerun.
func (b *benchRic) grande(n, giornata int) ([]benchRow, error) {
	if n <= 0 {
		return nil, nil
	}
	db, gen, err := b.popolazione("grande", n)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	b.logf("riconciliazione completa")
	rp, wall, cpu, peak, err := b.esegui(db)
	if err != nil {
		return nil, err
	}
	stima := "(quadratico: non eseguito)"
	if b.nIngenuo > 0 {
		k := float64(n) / float64(b.nIngenuo)
		stima = fmt.Sprintf("stima %s a cicli annidati (%s × %.0f², quadratico)", durataLunga(b.secIngenuo*k*k), secs(time.Duration(b.secIngenuo*float64(time.Second))), k)
	}
	rows := []benchRow{gen, {what: fmt.Sprintf("riconciliazione completa, %s ricevute + %s righe: %s pagamenti, %s flussi, %s accrediti",
		migliaia(n), migliaia(n), migliaia(rp.Pagamenti), migliaia(rp.Flussi), migliaia(rp.Movimenti)),
		measure: "tempo", value: fmt.Sprintf("%s (CPU %s)", secs(wall), secs(cpu)), baseline: stima, ratio: "—",
		target: "≤ 30 s, ≤ 1 GB", peak: peak}}
	if giornata <= 0 {
		return rows, nil
	}
	dirG := filepath.Join(b.dir, "giornata")
	if err := os.MkdirAll(dirG, 0o755); err != nil {
		return nil, err
	}
	files, err := riconciliazione.GeneraGiornata(dirG, giornata, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	b.logf("importo una giornata: %d ricevute, il loro flusso, il giornale che lo accredita", giornata)
	c0 := misura.CPU()
	wallInc, peakInc, err := measure(func() error {
		for _, f := range files {
			if _, err := riconciliazione.Importa(b.ctx, db, "bench", f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	cpuInc := misura.CPU() - c0
	b.logf("la stessa giornata riclassificando tutto")
	_, wallFull, cpuFull, _, err := b.esegui(db)
	if err != nil {
		return nil, err
	}
	return append(rows, benchRow{what: fmt.Sprintf("importazione incrementale di una giornata (%s ricevute, flusso, giornale) nella popolazione di %s",
		migliaia(giornata), migliaia(n)), measure: "3 file importati e riclassificati",
		value:    fmt.Sprintf("%s (CPU %s)", secs(wallInc), secs(cpuInc)),
		baseline: fmt.Sprintf("%s (CPU %s) riclassificando tutto", secs(wallFull), secs(cpuFull)),
		ratio:    ratio(wallFull.Seconds(), wallInc.Seconds()), target: "≤ 1 s", peak: peakInc}), nil
}

// giornaleOPI imports an OPI journal of mb megabytes into a new database,
// then reads it with the streaming parser alone and, as the baseline,
// decodes the whole document into structs.
func (b *benchRic) giornaleOPI(mb int) ([]benchRow, error) {
	if mb <= 0 {
		return nil, nil
	}
	path := filepath.Join(b.dir, fmt.Sprintf("giornale-%dMB.xml", mb))
	b.logf("scrivo un giornale OPI 1.8 di %d MB", mb)
	n, err := riconciliazione.GeneraGiornaleOPI(path, int64(mb)<<20, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	size := float64(st.Size()) / (1 << 20)
	db, err := store.Open(b.ctx, filepath.Join(b.dir, "opi.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	b.logf("importo il giornale (%s movimenti)", migliaia(n))
	var es riconciliazione.Esito
	wall, peak, err := measure(func() error { es, err = riconciliazione.Importa(b.ctx, db, "bench", path); return err })
	if err != nil {
		return nil, err
	}
	wallLeggi, peakLeggi, err := measure(func() error {
		_, err := cassa.LeggiFile(path, func(cassa.Movimento) error { return nil })
		return err
	})
	if err != nil {
		return nil, err
	}
	b.logf("lo stesso giornale con xml.Unmarshal dell'intero documento")
	var intero int
	wallBase, peakBase, err := measure(func() error { intero, err = unmarshalOPI(path); return err })
	if err != nil {
		return nil, err
	}
	if intero != n {
		return nil, fmt.Errorf("xml.Unmarshal ha letto %d movimenti, il giornale ne ha %d", intero, n)
	}
	mbs := func(d time.Duration) string {
		return strings.Replace(fmt.Sprintf("%.1f MB/s", size/d.Seconds()), ".", ",", 1)
	}
	return []benchRow{
		{what: fmt.Sprintf("giornale OPI di %.0f MB (%s movimenti) letto e memorizzato", size, migliaia(n)),
			measure: fmt.Sprintf("%s accrediti, %s storni", migliaia(es.Righe), migliaia(es.Stornati)),
			value:   fmt.Sprintf("%s, %s", secs(wall), mbs(wall)), baseline: "—", ratio: "—", target: "≤ 10 s, memoria costante", peak: peak},
		{what: fmt.Sprintf("giornale OPI di %.0f MB, sola lettura in streaming", size), measure: "tempo",
			value: fmt.Sprintf("%s, %s", secs(wallLeggi), mbs(wallLeggi)), peak: peakLeggi,
			baseline: fmt.Sprintf("%s xml.Unmarshal del documento intero (picco %d MB)", secs(wallBase), peakBase>>20),
			ratio:    ratio(wallBase.Seconds(), wallLeggi.Seconds()), target: "—"},
	}, nil
}

// unmarshalOPI is the naive reading of a journal: the whole file in
// memory, decoded into structs, the movements counted.
func unmarshalOPI(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	movimenti, err := ingenuo.GiornaleOPI(data)
	return len(movimenti), err
}

// migliaia writes n with the Italian thousands separator.
func migliaia(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// durataLunga writes an estimate in the unit a person reads best.
func durataLunga(sec float64) string {
	switch {
	case sec < 120:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 2*3600:
		return fmt.Sprintf("%.0f min", sec/60)
	}
	return fmt.Sprintf("%.0f ore", sec/3600)
}
