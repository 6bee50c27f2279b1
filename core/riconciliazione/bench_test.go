package riconciliazione

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/store"
)

// ingenuo is the reconciliation done the obvious way: every table read
// into memory and matched with nested loops. Quadratic, it is the baseline
// of the benchmark and, being written independently of the SQL, the
// oracle the engine is checked against on a generated population.
type ingenuo struct {
	rt     []store.RicRicevuta
	righe  []rigaIngenua
	flussi []store.RicFlusso
	mov    []store.RicMovimento
	dov    []store.RicDovuto
}

type rigaIngenua struct {
	iuf string
	store.RicPagamento
}

func caricaIngenuo(ctx context.Context, db *store.DB) (ingenuo, error) {
	var x ingenuo
	r := db.Reader()
	leggi := func(q string, scan func(*sql.Rows) error) error {
		rows, err := r.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := leggi(`SELECT iuv, iur, indice, iud, importo, esito FROM ric_rt`, func(rows *sql.Rows) error {
		var v store.RicRicevuta
		err := rows.Scan(&v.IUV, &v.IUR, &v.Indice, &v.IUD, &v.Importo, &v.Esito)
		x.rt = append(x.rt, v)
		return err
	})
	if err == nil {
		err = leggi(`SELECT iuf, iuv, iur, indice, importo, esito FROM ric_fdr_pagamenti`, func(rows *sql.Rows) error {
			var v rigaIngenua
			err := rows.Scan(&v.iuf, &v.IUV, &v.IUR, &v.Indice, &v.Importo, &v.Esito)
			x.righe = append(x.righe, v)
			return err
		})
	}
	if err == nil {
		err = leggi(`SELECT iuf, importo_totale FROM ric_fdr`, func(rows *sql.Rows) error {
			var v store.RicFlusso
			err := rows.Scan(&v.IUF, &v.ImportoTotale)
			x.flussi = append(x.flussi, v)
			return err
		})
	}
	if err == nil {
		err = leggi(`SELECT chiave, importo, iuf, iuv, iuv_importo FROM ric_tesoreria`, func(rows *sql.Rows) error {
			var v store.RicMovimento
			var imp sql.NullInt64
			err := rows.Scan(&v.Chiave, &v.Importo, &v.IUF, &v.IUV, &imp)
			v.ImportoIUV, v.ConImportoIUV = imp.Int64, imp.Valid
			x.mov = append(x.mov, v)
			return err
		})
	}
	if err == nil {
		err = leggi(`SELECT iud, iuv FROM ric_dovuti`, func(rows *sql.Rows) error {
			var v store.RicDovuto
			err := rows.Scan(&v.IUD, &v.IUV)
			x.dov = append(x.dov, v)
			return err
		})
	}
	return x, err
}

func eseguitoIngenuo(esito int) bool { return esito == 0 || esito == 4 || esito == 8 || esito == 9 }

// classi gives the labels as fotografia lists them.
func (x ingenuo) classi() []string {
	var out []string
	accreditato := map[string]bool{}
	for _, f := range x.flussi {
		n, tot := 0, int64(0)
		for _, m := range x.mov {
			if m.IUF == f.IUF {
				n++
				tot += m.Importo
			}
		}
		c := "IUF_TES"
		switch {
		case n == 0:
			c = "IUF_NO_TES"
		case tot != f.ImportoTotale:
			c = "IUF_TES_DIV_IMP"
		default:
			accreditato[f.IUF] = true
		}
		out = append(out, riga4(c, "FLUSSO", f.IUF, ""))
	}

	// The payments: every IUV + IUR of an OK receipt or a line.
	type chiave struct{ iuv, iur string }
	var chiavi []chiave
	for _, r := range x.rt {
		if r.Esito == "OK" && !slices.Contains(chiavi, chiave{r.IUV, r.IUR}) {
			chiavi = append(chiavi, chiave{r.IUV, r.IUR})
		}
	}
	for _, p := range x.righe {
		if !slices.Contains(chiavi, chiave{p.IUV, p.IUR}) {
			chiavi = append(chiavi, chiave{p.IUV, p.IUR})
		}
	}
	type stato struct {
		rt, iud, tes, rtTes bool
		netto               int
	}
	st := map[chiave]stato{}
	for _, k := range chiavi {
		var s stato
		s.iud = true
		var importo int64
		for _, r := range x.rt {
			if r.IUV != k.iuv || r.IUR != k.iur || r.Esito != "OK" {
				continue
			}
			s.rt = true
			importo += r.Importo
			trovato := false
			for _, d := range x.dov {
				if r.IUD != "" && d.IUD == r.IUD || r.IUD == "" && d.IUV == r.IUV {
					trovato = true
				}
			}
			s.iud = s.iud && trovato
		}
		// Per transfer, executed lines less revocations; credited when a
		// transfer still reported has an executed line in a credited flow.
		for _, p := range x.righe {
			if p.IUV != k.iuv || p.IUR != k.iur {
				continue
			}
			n := 0
			for _, q := range x.righe {
				if q.IUV == p.IUV && q.IUR == p.IUR && q.Indice == p.Indice {
					if eseguitoIngenuo(q.Esito) {
						n++
					} else if q.Esito == 3 {
						n--
					}
				}
			}
			s.netto = max(s.netto, n)
			if n > 0 && eseguitoIngenuo(p.Esito) && accreditato[p.iuf] {
				s.tes = true
			}
		}
		for _, m := range x.mov {
			if s.rt && m.IUV == k.iuv && (!m.ConImportoIUV || m.ImportoIUV == importo) {
				s.rtTes = true
			}
		}
		if s.rt || s.netto > 0 {
			st[k] = s
		}
	}
	for _, d := range x.dov {
		if d.IUV == "" {
			continue
		}
		if !slices.ContainsFunc(chiavi, func(k chiave) bool { _, ok := st[k]; return ok && k.iuv == d.IUV }) {
			if _, ok := st[chiave{d.IUV, ""}]; !ok {
				chiavi = append(chiavi, chiave{d.IUV, ""})
				st[chiave{d.IUV, ""}] = stato{}
			}
		}
	}
	for _, k := range chiavi {
		s, ok := st[k]
		if !ok {
			continue
		}
		nRT, maxNetto := 0, 0
		for _, q := range chiavi {
			if t, ok := st[q]; ok && q.iuv == k.iuv {
				if t.rt {
					nRT++
				}
				maxNetto = max(maxNetto, t.netto)
			}
		}
		dovIUV := false
		for _, d := range x.dov {
			dovIUV = dovIUV || d.IUV == k.iuv
		}
		iuf := s.netto > 0
		for c, ok := range map[string]bool{
			"IUD_RT_IUF_TES": s.rt && s.iud && iuf && s.tes,
			"RT_IUF_TES":     s.rt && iuf && s.tes,
			"IUD_RT_IUF":     s.rt && s.iud && iuf,
			"RT_IUF":         s.rt && iuf,
			"RT_TES":         s.rtTes,
			"RT_NO_IUF":      s.rt && !iuf && !s.rtTes,
			"RT_NO_IUD":      s.rt && !s.iud,
			"IUD_NO_RT":      dovIUV && nRT == 0,
			"IUV_NO_RT":      iuf && !s.rt,
			"DOPPI":          nRT > 1 || maxNetto > 1,
		} {
			if ok {
				out = append(out, riga4(c, "PAGAMENTO", k.iuv, k.iur))
			}
		}
	}

	for _, m := range x.mov {
		noIUF := m.IUF != "" && !slices.ContainsFunc(x.flussi, func(f store.RicFlusso) bool { return f.IUF == m.IUF })
		noIUV := m.IUV != "" && !slices.ContainsFunc(x.rt, func(r store.RicRicevuta) bool { return r.IUV == m.IUV && r.Esito == "OK" })
		c := "TES_IUF_OR_IUV"
		switch {
		case m.IUF == "" && m.IUV == "":
			c = "TES_NO_MATCH"
		case noIUF || noIUV:
			c = "TES_NO_IUF_OR_IUV"
		}
		out = append(out, riga4(c, "TESORERIA", m.Chiave, ""))
	}
	slices.Sort(out)
	return out
}

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
		x, err := caricaIngenuo(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		got := fotografia(t, db)
		confronta(t, fmt.Sprint("seed ", seme), got, x.classi())
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
	x, err := caricaIngenuo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	confronta(t, "scenario", x.classi(), atteseScenario())
}

// picco is the process's peak resident memory (VmHWM) in MiB.
func picco() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// cpu is the process's user and system time from /proc/self/stat (clock
// ticks of 10 ms); 0 where there is no /proc. On a shared machine it tells
// the work done from the time waited.
func cpu() time.Duration {
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

// azzeraPicco resets VmHWM, so that the peak is the measured run's.
func azzeraPicco() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

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
			start, c0 := time.Now(), cpu()
			if err := Genera(ctx, db, c.n, 1); err != nil {
				b.Fatal(err)
			}
			b.Logf("Genera(%d): %v, cpu %v", c.n, time.Since(start), cpu()-c0)
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
			azzeraPicco()
			c0 := cpu()
			for b.Loop() {
				if _, err := Esegui(ctx, db, "bench"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpu()-c0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(righe*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(picco(), "peak-MiB")
		})
		if !c.ingenuo {
			continue
		}
		b.Run(fmt.Sprintf("ingenuo-%d", c.n), func(b *testing.B) {
			prepara(b)
			azzeraPicco()
			c0 := cpu()
			for b.Loop() {
				x, err := caricaIngenuo(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				x.classi()
			}
			b.ReportMetric((cpu()-c0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(righe*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(picco(), "peak-MiB")
		})
	}
}
