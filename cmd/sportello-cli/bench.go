package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/misura"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

func init() {
	register(command{
		name: "bench",
		usage: "bench flussi [--righe 100000] [--invii 20000] [--base 200] [--limitati 450] [--archivio 1000000] [--dir DIR] [--cpuprofile F]\n" +
			"  bench riconciliazione [--ricevute 1000000] [--ingenuo 10000] [--giornata 1000] [--opi-mb 100] [--dir DIR] [--cpuprofile F]",
		run: sottocomandi("bench", sottocomando{"flussi", runBenchFlussi}, sottocomando{"riconciliazione", runBenchRiconciliazione}),
	})
}

// benchRow is one line of the results table.
type benchRow struct {
	what, measure, value, baseline, ratio, target string
	peak                                          int64
}

func runBenchFlussi(ctx context.Context, _ globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench flussi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	righe := fs.Int("righe", 100_000, "righe del file importato ed esportato")
	invii := fs.Int("invii", 20_000, "notifiche inviate con il limite disattivato")
	base := fs.Int("base", 200, "notifiche inviate dal riferimento sequenziale")
	limitati := fs.Int("limitati", 450, "notifiche inviate con il limite 150/5s (due chiamate ciascuna)")
	archivio := fs.Int("archivio", 1_000_000, "notifiche dell'archivio per la ricerca (0: salta)")
	comuni := flagComuni(fs)
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	work, stop, err := comuni.avvia()
	if err != nil {
		return err
	}
	defer stop()
	b := &bench{ctx: ctx, dir: work, log: stderr}
	rows, err := runSteps(
		func() ([]benchRow, error) { return b.importExport(*righe) },
		func() ([]benchRow, error) { return b.send(*invii, *base) },
		func() ([]benchRow, error) { return b.rateLimited(*limitati) },
		func() ([]benchRow, error) { return b.archive(*archivio) },
	)
	if err != nil {
		return err
	}
	return printBench(stdout, rows)
}

// benchComune holds the flags every bench has: where to work and where
// to write a CPU profile.
type benchComune struct{ dir, cpuprofile *string }

func flagComuni(fs *flag.FlagSet) benchComune {
	return benchComune{
		dir:        fs.String("dir", "", "cartella di lavoro (vuoto: temporanea, rimossa alla fine)"),
		cpuprofile: fs.String("cpuprofile", "", "scrive il profilo CPU dell'intera prova in questo file (go tool pprof)"),
	}
}

// avvia starts the CPU profile, if asked, and gives the working directory
// (a temporary one unless --dir); stop ends the profile and removes what
// is temporary.
func (c benchComune) avvia() (work string, stop func(), err error) {
	stopProfilo := func() {}
	if *c.cpuprofile != "" {
		pf, err := os.Create(*c.cpuprofile)
		if err != nil {
			return "", nil, err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			pf.Close()
			return "", nil, err
		}
		stopProfilo = func() { pprof.StopCPUProfile(); pf.Close() }
	}
	if work = *c.dir; work != "" {
		return work, stopProfilo, os.MkdirAll(work, 0o755)
	}
	if work, err = os.MkdirTemp("", "sportello-bench-"); err != nil {
		stopProfilo()
		return "", nil, err
	}
	return work, func() { stopProfilo(); os.RemoveAll(work) }, nil
}

// runSteps runs the steps in order and gathers their rows; a step whose
// size is 0 returns none.
func runSteps(steps ...func() ([]benchRow, error)) ([]benchRow, error) {
	var rows []benchRow
	for _, step := range steps {
		r, err := step()
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

func printBench(stdout io.Writer, rows []benchRow) error {
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MISURA\tGRANDEZZA\tVALORE\tRIFERIMENTO INGENUO\tRAPPORTO\tOBIETTIVO\tPICCO RSS")
	for _, r := range rows {
		peak := "—"
		if r.peak > 0 {
			peak = fmt.Sprintf("%d MB", r.peak>>20)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.what, r.measure, r.value, r.baseline, r.ratio, r.target, peak)
	}
	return tw.Flush()
}

type bench struct {
	ctx context.Context
	dir string
	log io.Writer
}

var benchOp = operatori.Operatore{Username: "bench", Nome: "Benchmark", Ruolo: operatori.RuoloAmministratore, Attivo: true}

func (b *bench) logf(format string, a ...any) { fmt.Fprintf(b.log, "bench: "+format+"\n", a...) }

// env opens a new database with the sandbox's first STANDARD service configured.
func (b *bench) env(name string, sb *sandbox.Sandbox, opt flussi.Options) (*core.App, flussi.Servizio, error) {
	path := filepath.Join(b.dir, name+".db")
	a, err := core.Open(b.ctx, core.Options{DBPath: path, Secrets: &secrets.File{Path: filepath.Join(b.dir, name+"-secrets.json")},
		Flussi: opt})
	if err != nil {
		return nil, flussi.Servizio{}, err
	}
	var c sandbox.Service
	for _, s := range sb.Credentials().Services {
		if s.FeatureLevel == sandbox.FeatureStandard {
			c = s
			break
		}
	}
	if _, err := a.Impostazioni.SalvaServizioIO(b.ctx, benchOp, store.ServizioIO{Nome: c.Name, ServiceID: c.ServiceID,
		BaseURL: sb.IOBaseURL(), Livello: "STANDARD", ImportoMassimo: c.MaxAmount, Attivo: true}, c.Key); err != nil {
		a.Close()
		return nil, flussi.Servizio{}, err
	}
	sv, err := a.Flussi.ServizioByNome(b.ctx, c.Name)
	if err != nil {
		a.Close()
	}
	return a, sv, err
}

// citizens are n distinct valid fiscal codes, all on IO with the service on.
func citizens(sb *sandbox.Sandbox, n int) []string {
	cognomi := []string{"Rossi", "Bianchi", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "Costa", "Fontana", "Moretti"}
	nomi := []string{"Marco", "Giulia", "Luca", "Francesca", "Paolo", "Chiara", "Andrea", "Sara", "Matteo", "Elena", "Davide", "Laura"}
	comuni := []string{"F704", "H501", "F205", "L219", "A794", "D969", "G273", "B157"}
	out := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for i := 0; len(out) < n; i++ {
		sesso := byte('M' + (i%2)*('F'-'M'))
		nascita := time.Date(1930+i%75, time.Month(1+(i/75)%12), 1+(i/900)%28, 0, 0, 0, 0, time.UTC)
		cf, err := anagrafe.GeneraCodiceFiscale(cognomi[(i/25200)%12], nomi[(i/302400)%12], nascita, sesso, comuni[(i/8)%8])
		if err != nil || seen[cf] || (sb != nil && sb.Citizen(cf) != sandbox.CitizenEnabled) {
			continue
		}
		seen[cf] = true
		out = append(out, cf)
	}
	return out
}

const benchText = "Gentile contribuente, è disponibile l'avviso di pagamento della TARI 2026 del Comune. " +
	"Può pagarlo dall'app IO entro la scadenza indicata."

// writeXLSX writes a flow file of the given fiscal codes with excelize's StreamWriter.
func writeXLSX(path string, cfs []string) error {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	header := []any{"codice_fiscale", "oggetto", "contenuto", "scadenza", "importo", "codice_avviso", "paga_dopo_scadenza"}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, cf := range cfs {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{cf, fmt.Sprintf("Avviso TARI 2026 n. %d", i+1), benchText, "31/03/2027", "", "", ""}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.SaveAs(path)
}

func measure(fn func() error) (time.Duration, int64, error) {
	debug.FreeOSMemory()
	misura.AzzeraPicco()
	start := time.Now()
	err := fn()
	return time.Since(start), misura.PiccoRSS(), err
}

func secs(d time.Duration) string {
	return strings.Replace(fmt.Sprintf("%.2f s", d.Seconds()), ".", ",", 1)
}

func ratio(a, b float64) string {
	if b == 0 || math.IsNaN(a/b) {
		return "—"
	}
	return strings.Replace(fmt.Sprintf("%.1f×", a/b), ".", ",", 1)
}

// importExport: a file of n rows imported (validated and stored), then its
// notifications exported; baselines load the whole sheet or build the whole
// workbook in memory.
func (b *bench) importExport(n int) ([]benchRow, error) {
	if n <= 0 {
		return nil, nil
	}
	sb, err := sandbox.Start(b.ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026})
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	a, sv, err := b.env("import", sb, flussi.Options{Calls: -1})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	b.logf("genero un file di %d righe", n)
	file := filepath.Join(b.dir, "flusso.xlsx")
	if err := writeXLSX(file, citizens(nil, n)); err != nil {
		return nil, err
	}
	var f flussi.Flusso
	dImp, pImp, err := measure(func() error {
		in, err := os.Open(file)
		if err != nil {
			return err
		}
		defer in.Close()
		var l *flussi.Lettura
		f, l, err = a.Flussi.Importa(b.ctx, benchOp, sv, "flusso.xlsx", bufio.NewReader(in), flussi.OpzioniImport{}, flussi.DatiFlusso{})
		if err != nil && l != nil && len(l.Errori) > 0 {
			return fmt.Errorf("%w: %v", err, l.Errori[0])
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	b.logf("importate %d righe in %s", f.Totale, dImp)
	dImpBase, pImpBase, err := measure(func() error { return naiveImport(b.ctx, a, sv, file) })
	if err != nil {
		return nil, err
	}
	out := filepath.Join(b.dir, "export.xlsx")
	dExp, pExp, err := measure(func() error {
		w, err := os.Create(out)
		if err != nil {
			return err
		}
		defer w.Close()
		bw := bufio.NewWriter(w)
		if err := a.Flussi.EsportaNotifiche(b.ctx, flussi.FiltroNotifiche{FlussoID: f.ID}, bw, "xlsx", nil); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return nil, err
	}
	dExpBase, pExpBase, err := measure(func() error { return naiveExport(b.ctx, a, f.ID, filepath.Join(b.dir, "export-naive.xlsx")) })
	if err != nil {
		return nil, err
	}
	return []benchRow{
		{what: fmt.Sprintf("importazione xlsx %d righe (validazione + salvataggio)", n), measure: "tempo", value: secs(dImp),
			baseline: secs(dImpBase) + fmt.Sprintf(", %d MB (GetRows, una INSERT per riga)", pImpBase>>20), ratio: ratio(dImpBase.Seconds(), dImp.Seconds()), target: "≤ 5 s, ≤ 300 MB", peak: pImp},
		{what: fmt.Sprintf("esportazione xlsx %d notifiche", n), measure: "tempo", value: secs(dExp),
			baseline: secs(dExpBase) + fmt.Sprintf(", %d MB (cartella in memoria)", pExpBase>>20), ratio: ratio(dExpBase.Seconds(), dExp.Seconds()), target: "≤ 4 s, ≤ 150 MB", peak: pExp},
	}, nil
}

// naiveImport is a first attempt: the whole sheet in memory (GetRows), each
// row validated, duplicates found with a map, and each row stored with its
// own INSERT (one prepared statement, one transaction).
func naiveImport(ctx context.Context, a *core.App, sv flussi.Servizio, path string) error {
	x, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		return err
	}
	return a.DB.Write(ctx, benchOp.Username, func(tx *store.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO notifiche (uuid, servizio_id, codice_fiscale, oggetto, contenuto, impronta,
			creata_il, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, '', '', ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		visti := make(map[string]bool, len(rows))
		for i, r := range rows[1:] {
			riga := flussi.Riga{Numero: i + 2, CodiceFiscale: r[0], Oggetto: r[1], Contenuto: r[2]}
			if errs, _ := flussi.ValidaRiga(riga, sv, time.Now(), ""); len(errs) > 0 {
				return errs[0]
			}
			imp := "naive-" + flussi.Impronta(sv.ID, riga)
			if visti[imp] {
				return fmt.Errorf("riga %d duplicata", riga.Numero)
			}
			visti[imp] = true
			if _, err := ins.ExecContext(ctx, uuid.NewString(), sv.ID, riga.CodiceFiscale, riga.Oggetto, riga.Contenuto, imp,
				benchOp.Username); err != nil {
				return err
			}
		}
		return nil
	})
}

// naiveExport loads every notification, then sets cell by cell in an in-memory workbook.
func naiveExport(ctx context.Context, a *core.App, flussoID int64, path string) error {
	ns, err := a.Flussi.Notifiche(ctx, flussi.FiltroNotifiche{FlussoID: flussoID}, 0, math.MaxInt32)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	for i, n := range ns {
		vals := []any{n.UUID.String(), n.CodiceFiscale, n.Oggetto, n.StatoInvio.Label(), n.IDMessaggio, n.Errore}
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if err := x.SetCellValue("Sheet1", cell, v); err != nil {
				return err
			}
		}
	}
	return x.SaveAs(path)
}

// send: the whole pipeline (profile checks, durable states, concurrent
// sends) with the rate limit off, against a one-at-a-time baseline that
// commits each state change on its own.
//
// The sandbox answers after 20–40 ms, as the real gateway does across the
// internet: on bare loopback both would measure only the local CPU.
func (b *bench) send(n, nBase int) ([]benchRow, error) {
	if n <= 0 {
		return nil, nil
	}
	sb, err := sandbox.Start(b.ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026,
		Faults: sandbox.Faults{LatencyMin: 20 * time.Millisecond, LatencyMax: 40 * time.Millisecond}})
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	a, sv, err := b.env("send", sb, flussi.Options{Calls: -1, Concurrency: 128})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	cfs := citizens(sb, n+nBase)
	f, err := importCSV(b.ctx, a, sv, cfs[:n])
	if err != nil {
		return nil, err
	}
	if err := a.Flussi.Attiva(b.ctx, benchOp, f.UUID); err != nil {
		return nil, err
	}
	b.logf("invio di %d notifiche senza limite", n)
	d, peak, err := measure(func() error { return a.Flussi.Invia(b.ctx, benchOp, f.UUID, nil) })
	if err != nil {
		return nil, err
	}
	f, _ = a.Flussi.Flusso(b.ctx, f.UUID)
	sent := f.Conteggi.PerStato[flussi.Inviata]
	rate := float64(sent) / d.Seconds()

	b.logf("riferimento sequenziale: %d notifiche", nBase)
	fb, err := importCSV(b.ctx, a, sv, cfs[n:])
	if err != nil {
		return nil, err
	}
	dBase, _, err := measure(func() error { return naiveSend(b.ctx, a, sb, sv, fb.ID) })
	if err != nil {
		return nil, err
	}
	rateBase := float64(nBase) / dBase.Seconds()
	st := sb.Stats()
	if st.IO.Duplicates != 0 {
		return nil, fmt.Errorf("la sandbox ha ricevuto %d duplicati", st.IO.Duplicates)
	}
	return []benchRow{{what: fmt.Sprintf("invio %d notifiche, limite disattivato, latenza 20–40 ms, stato durevole", sent), measure: "msg/s",
		value: fmt.Sprintf("%.0f", rate), baseline: fmt.Sprintf("%.0f (sequenziale)", rateBase), ratio: ratio(rate, rateBase),
		target: "≥ 1.000 msg/s, ≥ 20×", peak: peak}}, nil
}

func importCSV(ctx context.Context, a *core.App, sv flussi.Servizio, cfs []string) (flussi.Flusso, error) {
	var sb strings.Builder
	sb.WriteString("codice_fiscale;oggetto;contenuto\n")
	for i, cf := range cfs {
		fmt.Fprintf(&sb, "%s;Avviso TARI 2026 n. %d;%s\n", cf, i+1, benchText)
	}
	f, _, err := a.Flussi.Importa(ctx, benchOp, sv, "bench.csv", strings.NewReader(sb.String()), flussi.OpzioniImport{}, flussi.DatiFlusso{})
	return f, err
}

// naiveSend: for each notification, one profile check and one send, each
// state change committed in its own transaction, one request at a time.
func naiveSend(ctx context.Context, a *core.App, sb *sandbox.Sandbox, sv flussi.Servizio, flussoID int64) error {
	var key string
	for _, c := range sb.Credentials().Services {
		if c.Name == sv.Nome {
			key = c.Key
		}
	}
	client, err := appio.New(appio.Config{BaseURL: sb.IOBaseURL(), Key: key, Concurrency: 1})
	if err != nil {
		return err
	}
	ns, err := a.Flussi.Notifiche(ctx, flussi.FiltroNotifiche{FlussoID: flussoID}, 0, math.MaxInt32)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if _, err := client.GetProfile(ctx, n.CodiceFiscale); err != nil {
			return err
		}
		if err := setState(ctx, a, n.UUID, "IN_INVIO", ""); err != nil {
			return err
		}
		id, err := client.SubmitMessage(ctx, n.CodiceFiscale, n.AsRiga().Messaggio(sv.Livello))
		if err != nil {
			return err
		}
		if err := setState(ctx, a, n.UUID, "INVIATA", id); err != nil {
			return err
		}
	}
	return nil
}

func setState(ctx context.Context, a *core.App, id uuid.UUID, stato, msg string) error {
	return a.DB.Write(ctx, benchOp.Username, func(tx *store.Tx) error {
		return tx.SaveInvii(ctx, []store.InvioNotifica{{UUID: id.String(), Stato: stato, IDMessaggio: msg}})
	})
}

// rateLimited: the real gateway policy in both the sandbox and the client.
func (b *bench) rateLimited(n int) ([]benchRow, error) {
	if n <= 0 {
		return nil, nil
	}
	sb, err := sandbox.Start(b.ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026, Rate: sandbox.DefaultRate})
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	a, sv, err := b.env("rate", sb, flussi.Options{})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	f, err := importCSV(b.ctx, a, sv, citizens(sb, n))
	if err != nil {
		return nil, err
	}
	if err := a.Flussi.Attiva(b.ctx, benchOp, f.UUID); err != nil {
		return nil, err
	}
	b.logf("invio di %d notifiche con il limite %s (circa %s)", n, sandbox.DefaultRate, time.Duration(2*n/30)*time.Second)
	d, _, err := measure(func() error { return a.Flussi.Invia(b.ctx, benchOp, f.UUID, nil) })
	if err != nil {
		return nil, err
	}
	st := sb.Stats()
	calls := 0
	for op, c := range st.Calls {
		if strings.HasPrefix(op, "io.") {
			calls += int(c)
		}
	}
	per := sandbox.DefaultRate.Per
	windows := math.Ceil(d.Seconds() / per.Seconds())
	allowed := windows * float64(sandbox.DefaultRate.N)
	return []benchRow{{what: fmt.Sprintf("invio %d notifiche al limite %s (%d chiamate in %s)", n, sandbox.DefaultRate, calls, secs(d)),
		measure: "chiamate ÷ consentite", value: strings.Replace(fmt.Sprintf("%.3f", float64(calls)/allowed), ".", ",", 1),
		baseline: fmt.Sprintf("%d risposte 429", st.RateLimited), ratio: "—", target: "≥ 0,95, nessuna raffica di 429"}}, nil
}

// archive: the first page of an archive search (count + first rows) over n notifications.
func (b *bench) archive(n int) ([]benchRow, error) {
	if n <= 0 {
		return nil, nil
	}
	sb, err := sandbox.Start(b.ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026})
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	a, sv, err := b.env("archivio", sb, flussi.Options{Calls: -1})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	b.logf("popolo l'archivio con %d notifiche", n)
	cfs := citizens(nil, 50_000)
	const batch = 20_000
	stati := []string{"INVIATA", "INVIATA", "INVIATA", "INVIATA", "NON_RAGGIUNGIBILE", "ERRORE", "DA_INVIARE"}
	for start := 0; start < n; start += batch {
		rows := make([]store.Notifica, 0, batch)
		for i := start; i < min(start+batch, n); i++ {
			rows = append(rows, store.Notifica{UUID: uuid.NewString(), ServizioID: sv.ID, CodiceFiscale: cfs[i%len(cfs)],
				Oggetto: fmt.Sprintf("Avviso TARI 2026 n. %d", i+1), Contenuto: benchText, Impronta: fmt.Sprint(i), StatoInvio: stati[i%len(stati)]})
		}
		if err := a.DB.Write(b.ctx, benchOp.Username, func(tx *store.Tx) error { return tx.InsertNotifiche(b.ctx, rows) }); err != nil {
			return nil, err
		}
	}
	var out []benchRow
	cases := []struct {
		name string
		f    flussi.FiltroNotifiche
	}{
		{"nessun filtro", flussi.FiltroNotifiche{}},
		{"codice fiscale", flussi.FiltroNotifiche{CodiceFiscale: cfs[123]}},
		{"stato invio Errore", flussi.FiltroNotifiche{StatoInvio: "ERRORE"}},
		{"oggetto contiene, 11 righe", flussi.FiltroNotifiche{Oggetto: "n. 99999"}},
		{"oggetto contiene, 111.111 righe", flussi.FiltroNotifiche{Oggetto: "n. 9"}},
	}
	for _, c := range cases {
		best := time.Duration(math.MaxInt64)
		for range 3 {
			start := time.Now()
			if _, err := a.Flussi.ContaNotifiche(b.ctx, c.f); err != nil {
				return nil, err
			}
			if _, err := a.Flussi.Notifiche(b.ctx, c.f, 0, 200); err != nil {
				return nil, err
			}
			best = min(best, time.Since(start))
		}
		row := benchRow{what: fmt.Sprintf("archivio di %d notifiche, prima pagina (%s)", n, c.name), measure: "conteggio + 200 righe",
			value: fmt.Sprintf("%d ms", best.Milliseconds()), baseline: "—", ratio: "—", target: "≤ 100 ms"}
		if c.f.Oggetto != "" {
			base, err := likeScan(b.ctx, a, c.f.Oggetto)
			if err != nil {
				return nil, err
			}
			row.baseline = fmt.Sprintf("%d ms (LIKE '%%…%%')", base.Milliseconds())
			row.ratio = ratio(base.Seconds(), best.Seconds())
		}
		out = append(out, row)
	}
	return out, nil
}

// likeScan is the subject search without the trigram index: LIKE reads
// every subject, for the count and for a page of rare matches.
func likeScan(ctx context.Context, a *core.App, term string) (time.Duration, error) {
	arg := "%" + strings.ToLower(term) + "%"
	start := time.Now()
	var n int
	if err := a.DB.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifiche WHERE LOWER(oggetto) LIKE ?`, arg).Scan(&n); err != nil {
		return 0, err
	}
	rows, err := a.DB.Reader().QueryContext(ctx, `SELECT id, oggetto FROM notifiche WHERE LOWER(oggetto) LIKE ? ORDER BY id DESC LIMIT 200`, arg)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return time.Since(start), rows.Err()
}
