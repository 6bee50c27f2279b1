package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
)

func init() {
	const (
		cmd  = "\n  "                              // another flussi subcommand, aligned with the other commands
		desc = "\n                               " // its description
	)
	register(command{
		name: "flussi",
		usage: "flussi importa --servizio NOME [--note T] [--contesto T] [--chiave T] [--modello-oggetto T] [--modello-contenuto T] FILE" +
			desc + "importa un file .xlsx o .csv come nuovo flusso inattivo e ne stampa l'UUID; se il file ha errori" +
			desc + "li elenca tutti (\"riga N, colonna X: motivo\") e non salva nulla" +
			cmd + "flussi elenco [--stato S] [--servizio NOME]" +
			cmd + "flussi attiva UUID | invia UUID | riprova UUID" +
			desc + "invia attende la fine dell'invio (interrompibile con Ctrl+C: un nuovo invia riprende da dove era rimasto);" +
			desc + "riprova rimette in coda le notifiche in errore e le invia" +
			cmd + "flussi stato UUID [--json]" +
			cmd + "flussi esporta UUID --out FILE.xlsx|FILE.csv" +
			cmd + "flussi aggiorna [--ogni 10m] [--max 5000]" +
			desc + "chiede una volta ad App IO lo stato di consegna delle notifiche inviate" +
			cmd + "flussi tracciato --out FILE.xlsx|FILE.csv" +
			desc + "il modello del file da importare, con due righe di esempio",
		run: runFlussi,
	})
}

var runFlussi = sottocomandi("flussi",
	sottocomando{"importa", flussiImporta}, sottocomando{"elenco", flussiElenco}, sottocomando{"attiva", flussiAttiva},
	sottocomando{"invia", flussiInvia}, sottocomando{"stato", flussiStato}, sottocomando{"riprova", flussiRiprova},
	sottocomando{"esporta", flussiEsporta}, sottocomando{"aggiorna", flussiAggiorna}, sottocomando{"tracciato", flussiTracciato})

// appOperatore opens the App and resolves the acting operator; close the App when done.
func appOperatore(ctx context.Context, g globals) (*core.App, operatori.Operatore, error) {
	a, err := openApp(ctx, g)
	if err != nil {
		return nil, operatori.Operatore{}, err
	}
	by, err := operatore(ctx, g, a)
	if err != nil {
		a.Close()
		return nil, operatori.Operatore{}, err
	}
	return a, by, nil
}

func parseUUID(cmd, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil {
		return uuid.Nil, exitError{code: 2, msg: fmt.Sprintf("%s: %q non è l'UUID di un flusso", cmd, s)}
	}
	return id, nil
}

// domain turns the errors an operator can act on into exit status 1 with
// the core's Italian message, prefixed by the command.
func domain(cmd string, err error) error {
	if err == nil {
		return nil
	}
	var ee exitError
	if errors.As(err, &ee) {
		return err
	}
	return exitError{code: 1, msg: cmd + ": " + err.Error()}
}

func flussiImporta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi importa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	servizio := fs.String("servizio", "", "nome del servizio App IO (vedere: servizi elenco)")
	var dati flussi.DatiFlusso
	var opt flussi.OpzioniImport
	fs.StringVar(&dati.Note, "note", "", "note del flusso")
	fs.StringVar(&dati.Contesto, "contesto", "", "contesto applicativo")
	fs.StringVar(&dati.Chiave, "chiave", "", "chiave applicativo")
	fs.StringVar(&opt.ModelloOggetto, "modello-oggetto", "", "modello dell'oggetto, con i campi del file tra {{ }}")
	fs.StringVar(&opt.ModelloContenuto, "modello-contenuto", "", "modello del testo (markdown), con i campi del file tra {{ }}")
	pos, err := parseArgs(fs, args, "FILE")
	if err != nil {
		return err
	}
	if strings.TrimSpace(*servizio) == "" {
		return exitError{code: 2, msg: "flussi importa: indicare --servizio NOME (vedere: sportello-cli servizi elenco)"}
	}
	path := pos[0]
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return exitError{code: 1, msg: fmt.Sprintf("flussi importa: il file %s non esiste", path)}
	}
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("flussi importa: impossibile leggere %s: %v", path, err)}
	}
	defer f.Close()

	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	sv, err := a.Flussi.ServizioByNome(ctx, strings.TrimSpace(*servizio))
	if err != nil {
		return domain("flussi importa", err)
	}
	fl, l, err := a.Flussi.Importa(ctx, by, sv, filepath.Base(path), bufio.NewReader(f), opt, dati)
	if l != nil {
		for _, av := range l.Avvisi {
			fmt.Fprintln(stderr, "avviso: "+av.Error())
		}
	}
	var ie *flussi.ErrImport
	if errors.As(err, &ie) {
		for _, e := range ie.Errori {
			fmt.Fprintln(stderr, e.Error())
		}
		return exitError{code: 1, msg: fmt.Sprintf("flussi importa: %s non importato, %d %s da correggere: non è stato salvato nulla",
			filepath.Base(path), len(ie.Errori), plural(len(ie.Errori), "problema", "problemi"))}
	}
	if err != nil {
		return domain("flussi importa", err)
	}
	fmt.Fprintln(stdout, fl.UUID)
	fmt.Fprintf(stderr, "flusso importato: %d %s per %q, stato %s (per inviarlo: flussi attiva %s, poi flussi invia %s)\n",
		fl.Totale, plural(fl.Totale, "notifica", "notifiche"), sv.Nome, fl.Stato.Label(), fl.UUID, fl.UUID)
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// statoFlusso reads a state as its code (INVIO_INCOMPLETO) or its label (Invio incompleto).
func statoFlusso(s string) (flussi.StatoFlusso, bool) {
	s = strings.TrimSpace(s)
	for _, st := range flussi.StatiFlusso {
		if strings.EqualFold(s, string(st)) || strings.EqualFold(s, st.Label()) {
			return st, true
		}
	}
	return "", false
}

var rome = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Rome"); err == nil {
		return l
	}
	return time.Local
}()

func fmtOra(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(rome).Format("02/01/2006 15:04")
}

func flussiElenco(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi elenco", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stato := fs.String("stato", "", "INATTIVO | ATTIVO | IN_INVIO | INVIATO | INVIO_INCOMPLETO")
	servizio := fs.String("servizio", "", "nome del servizio App IO")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	var filtro flussi.FiltroFlussi
	if *stato != "" {
		st, ok := statoFlusso(*stato)
		if !ok {
			names := make([]string, len(flussi.StatiFlusso))
			for i, s := range flussi.StatiFlusso {
				names[i] = string(s)
			}
			return exitError{code: 2, msg: fmt.Sprintf("flussi elenco: stato %q sconosciuto (%s)", *stato, strings.Join(names, ", "))}
		}
		filtro.Stato = string(st)
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if *servizio != "" {
		ss, err := a.Impostazioni.ServiziIO(ctx)
		if err != nil {
			return err
		}
		for _, s := range ss {
			if s.Nome == strings.TrimSpace(*servizio) {
				filtro.ServizioID = s.ID
			}
		}
		if filtro.ServizioID == 0 {
			return exitError{code: 1, msg: fmt.Sprintf("flussi elenco: servizio %q non configurato (vedere: servizi elenco)", *servizio)}
		}
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UUID\tCREATO IL\tSERVIZIO\tSTATO\tNOTIFICHE\tNOTE")
	const page = 500
	for off := 0; ; off += page {
		list, err := a.Flussi.Flussi(ctx, filtro, off, page)
		if err != nil {
			return err
		}
		for _, f := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", f.UUID, fmtOra(f.CreatoIl), f.Servizio, f.Stato.Label(), f.Totale, oneLine(f.Note))
		}
		if len(list) < page {
			break
		}
	}
	return tw.Flush()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

func flussiAttiva(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi attiva", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pos, err := parseArgs(fs, args, "UUID")
	if err != nil {
		return err
	}
	id, err := parseUUID("flussi attiva", pos[0])
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Flussi.Attiva(ctx, by, id); err != nil {
		return domain("flussi attiva", err)
	}
	fmt.Fprintf(stdout, "flusso %s attivo: pronto per l'invio\n", id)
	return nil
}

func flussiInvia(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi invia", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pos, err := parseArgs(fs, args, "UUID")
	if err != nil {
		return err
	}
	id, err := parseUUID("flussi invia", pos[0])
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	return invia(ctx, a, by, id, "flussi invia", stdout, stderr)
}

func flussiRiprova(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi riprova", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pos, err := parseArgs(fs, args, "UUID")
	if err != nil {
		return err
	}
	id, err := parseUUID("flussi riprova", pos[0])
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Flussi.RiprovaFalliti(ctx, by, id)
	if err != nil {
		return domain("flussi riprova", err)
	}
	if n == 0 {
		fmt.Fprintln(stderr, "nessuna notifica in errore da ritentare (quelle con esito incerto non vengono reinviate automaticamente)")
	} else {
		fmt.Fprintf(stderr, "%d %s in errore %s in coda\n", n, plural(n, "notifica", "notifiche"), plural(n, "rimessa", "rimesse"))
	}
	return invia(ctx, a, by, id, "flussi riprova", stdout, stderr)
}

// invia sends (or resumes sending) a flow until it ends, reporting progress
// on stderr about once a second. A cancelled ctx (SIGINT, SIGTERM) stops
// it: the engine records what was in flight and a later run resumes. The
// exit status is 0 when the flow ends Inviato, 1 otherwise.
func invia(ctx context.Context, a *core.App, by operatori.Operatore, id uuid.UUID, cmd string, stdout, stderr io.Writer) error {
	f, err := a.Flussi.Flusso(ctx, id)
	if err != nil {
		return domain(cmd, err)
	}
	if f.Stato == flussi.Inviato || f.Stato == flussi.InvioIncompleto {
		// Nothing queued: Invia would refuse; say where the flow stands instead.
		idle, err := nullaInCoda(ctx, a, f)
		if err != nil {
			return err
		}
		if idle {
			return esito(f, cmd, stdout)
		}
	}
	p := &progresso{ctx: context.WithoutCancel(ctx), eng: a.Flussi.Engine(), w: stderr, kinds: map[uuid.UUID]string{}}
	runErr := a.Flussi.Invia(ctx, by, id, p.report)
	p.flush()
	f, err = a.Flussi.Flusso(context.WithoutCancel(ctx), id)
	if err != nil {
		return errors.Join(runErr, err)
	}
	switch {
	case ctx.Err() != nil:
		return exitError{code: 1, msg: fmt.Sprintf("%s: invio interrotto (%s); riprenderlo con: sportello-cli flussi invia %s",
			cmd, riepilogo(f), id)}
	case errors.Is(runErr, jobs.ErrPaused):
		return exitError{code: 1, msg: fmt.Sprintf("%s: invio sospeso (%s); riprenderlo con: sportello-cli flussi invia %s",
			cmd, riepilogo(f), id)}
	case errors.Is(runErr, jobs.ErrCancelled):
		// The flow is Invio incompleto: reported below.
	case runErr != nil:
		return domain(cmd, runErr)
	}
	return esito(f, cmd, stdout)
}

// nullaInCoda reports whether a sent flow's job has nothing pending or in flight.
func nullaInCoda(ctx context.Context, a *core.App, f flussi.Flusso) (bool, error) {
	if f.JobUUID == "" {
		return true, nil
	}
	jid, err := uuid.Parse(f.JobUUID)
	if err != nil {
		return false, err
	}
	j, err := a.Flussi.Engine().Status(ctx, jid)
	if err != nil {
		return false, err
	}
	return j.Counts.Pending == 0 && j.Counts.InFlight == 0, nil
}

// esito is the one-line summary of a flow after a send: stdout and exit 0
// when Inviato, stderr and exit 1 otherwise.
func esito(f flussi.Flusso, cmd string, stdout io.Writer) error {
	line := fmt.Sprintf("flusso %s: %s — %s", f.UUID, f.Stato.Label(), riepilogo(f))
	switch f.Stato {
	case flussi.Inviato:
		fmt.Fprintln(stdout, line)
		return nil
	case flussi.InvioIncompleto:
		hint := ""
		if f.Conteggi.PerStato[flussi.Errore] > 0 {
			hint = fmt.Sprintf("; ritentare gli errori con: sportello-cli flussi riprova %s", f.UUID)
		}
		return exitError{code: 1, msg: line + hint}
	}
	return exitError{code: 1, msg: fmt.Sprintf("%s: %s; l'invio non è concluso", cmd, line)}
}

// riepilogo counts a flow's notifications by transmission state, the empty ones left out.
func riepilogo(f flussi.Flusso) string {
	var parts []string
	for _, s := range flussi.StatiInvio {
		if n := f.Conteggi.PerStato[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(s.Label()), n))
		}
	}
	if len(parts) == 0 {
		return "nessuna notifica"
	}
	return fmt.Sprintf("%d notifiche: %s", f.Totale, strings.Join(parts, ", "))
}

// progresso prints a job's progress about once a second, e.g.
// "inviate 1234/10000 (errori 3, incerte 0) 28,5/s".
type progresso struct {
	ctx   context.Context
	eng   *jobs.Engine
	w     io.Writer
	last  time.Time
	job   uuid.UUID // the job of the last line: a new one prints at once
	line  string    // the last line, not repeated
	kinds map[uuid.UUID]string
	held  jobs.Progress // the last report not printed
	owed  bool
}

func (p *progresso) report(pr jobs.Progress) {
	finished := pr.Pending == 0 && pr.InFlight == 0
	if !finished && pr.Job == p.job && time.Since(p.last) < time.Second {
		p.held, p.owed = pr, true
		return
	}
	p.print(pr)
}

// flush prints the last report if it was held back.
func (p *progresso) flush() {
	if p.owed {
		p.print(p.held)
	}
}

func (p *progresso) print(pr jobs.Progress) {
	p.last, p.job, p.owed = time.Now(), pr.Job, false
	kind, ok := p.kinds[pr.Job]
	if !ok {
		if j, err := p.eng.Status(p.ctx, pr.Job); err == nil {
			kind = j.Kind
		}
		p.kinds[pr.Job] = kind
	}
	var line string
	if kind == flussi.KindProfili {
		line = fmt.Sprintf("verifica destinatari %d/%d (errori %d)", pr.Done+pr.Failed+pr.Uncertain, pr.Total, pr.Failed+pr.Uncertain)
	} else {
		line = fmt.Sprintf("inviate %d/%d (errori %d, incerte %d)", pr.Done, pr.Total, pr.Failed, pr.Uncertain)
	}
	line += " " + strings.Replace(strconv.FormatFloat(pr.Rate, 'f', 1, 64), ".", ",", 1) + "/s"
	if pr.HeldUntil.After(time.Now()) {
		line += " — App IO chiede di attendere fino alle " + pr.HeldUntil.In(rome).Format("15:04:05")
	}
	if line != p.line {
		fmt.Fprintln(p.w, line)
		p.line = line
	}
}

// statoJSON is `flussi stato --json`: stable keys, every known state present.
type statoJSON struct {
	UUID        string         `json:"uuid"`
	Servizio    string         `json:"servizio"`
	Stato       string         `json:"stato"`
	Errore      string         `json:"errore"`
	Totale      int            `json:"totale"`
	PerStato    map[string]int `json:"per_stato"`
	PerConsegna map[string]int `json:"per_consegna"`
}

func flussiStato(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi stato", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "risultato in JSON")
	pos, err := parseArgs(fs, args, "UUID")
	if err != nil {
		return err
	}
	id, err := parseUUID("flussi stato", pos[0])
	if err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	f, err := a.Flussi.Flusso(ctx, id)
	if err != nil {
		return domain("flussi stato", err)
	}
	out := statoJSON{UUID: f.UUID.String(), Servizio: f.Servizio, Stato: string(f.Stato), Errore: f.Errore, Totale: f.Totale,
		PerStato: map[string]int{}, PerConsegna: map[string]int{}}
	for _, s := range flussi.StatiInvio {
		out.PerStato[string(s)] = f.Conteggi.PerStato[s]
	}
	for s, n := range f.Conteggi.PerStato { // a state this binary does not know
		out.PerStato[string(s)] = n
	}
	for _, s := range flussi.StatiConsegna {
		out.PerConsegna[s] = 0
	}
	verificate := 0
	for s, n := range f.Conteggi.PerConsegna {
		out.PerConsegna[s] = n
		verificate += n
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Flusso\t%s\n", f.UUID)
	fmt.Fprintf(tw, "Servizio\t%s\n", f.Servizio)
	fmt.Fprintf(tw, "Stato\t%s\n", f.Stato.Label())
	if f.Errore != "" {
		fmt.Fprintf(tw, "Esito\t%s\n", f.Errore)
	}
	fmt.Fprintf(tw, "Notifiche\t%d\n", f.Totale)
	if f.Note != "" {
		fmt.Fprintf(tw, "Note\t%s\n", oneLine(f.Note))
	}
	fmt.Fprintf(tw, "Ultima modifica\t%s (%s)\n", fmtOra(f.Modificato), f.ModificatoDa)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "STATO INVIO\tNOTIFICHE")
	for _, s := range flussi.StatiInvio {
		fmt.Fprintf(tw, "%s\t%d\n", s.Label(), f.Conteggi.PerStato[s])
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "STATO CONSEGNA\tNOTIFICHE")
	for _, s := range flussi.StatiConsegna {
		fmt.Fprintf(tw, "%s\t%d\n", s, out.PerConsegna[s])
	}
	if n := f.Conteggi.PerStato[flussi.Inviata] - verificate; n > 0 {
		fmt.Fprintf(tw, "non ancora verificate\t%d\n", n)
	}
	return tw.Flush()
}

// formatoDi is the export format named by a file's extension.
func formatoDi(cmd, path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return "xlsx", nil
	case ".csv":
		return "csv", nil
	}
	return "", exitError{code: 2, msg: fmt.Sprintf("%s: --out deve terminare in .xlsx o .csv", cmd)}
}

// scriviFile writes path through a temporary file in the same folder,
// renamed at the end: an interrupted export leaves no half file. The file
// is readable by its owner only (it holds citizens' fiscal codes).
func scriviFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func flussiEsporta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi esporta", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file di destinazione, .xlsx o .csv")
	pos, err := parseArgs(fs, args, "UUID")
	if err != nil {
		return err
	}
	id, err := parseUUID("flussi esporta", pos[0])
	if err != nil {
		return err
	}
	if *out == "" {
		return exitError{code: 2, msg: "flussi esporta: indicare --out FILE.xlsx o --out FILE.csv"}
	}
	formato, err := formatoDi("flussi esporta", *out)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	f, err := a.Flussi.Flusso(ctx, id)
	if err != nil {
		return domain("flussi esporta", err)
	}
	righe := 0
	err = scriviFile(*out, func(w io.Writer) error {
		return a.Flussi.EsportaNotifiche(ctx, flussi.FiltroNotifiche{FlussoID: f.ID}, w, formato, func(done, total int) { righe = done })
	})
	if err != nil {
		return domain("flussi esporta", err)
	}
	fmt.Fprintf(stdout, "%d %s del flusso %s esportate in %s\n", righe, plural(righe, "notifica", "notifiche"), f.UUID, *out)
	return nil
}

func flussiAggiorna(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi aggiorna", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ogni := fs.Duration("ogni", 10*time.Minute, "verifica le notifiche non verificate da almeno questo tempo")
	limite := fs.Int("max", 5000, "numero massimo di notifiche da verificare")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *ogni < 0 || *limite <= 0 {
		return exitError{code: 2, msg: "flussi aggiorna: --ogni non negativo e --max maggiore di zero"}
	}
	a, _, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Flussi.AggiornaStati(ctx, *ogni, *limite)
	fmt.Fprintf(stdout, "stato di consegna aggiornato per %d %s\n", n, plural(n, "notifica", "notifiche"))
	return domain("flussi aggiorna", err)
}

func flussiTracciato(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flussi tracciato", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file di destinazione, .xlsx o .csv")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return exitError{code: 2, msg: "flussi tracciato: indicare --out FILE.xlsx o --out FILE.csv"}
	}
	formato, err := formatoDi("flussi tracciato", *out)
	if err != nil {
		return err
	}
	if err := scriviFile(*out, func(w io.Writer) error { return flussi.Tracciato(w, formato) }); err != nil {
		return domain("flussi tracciato", err)
	}
	fmt.Fprintf(stdout, "tracciato del file di importazione scritto in %s\n", *out)
	return nil
}
