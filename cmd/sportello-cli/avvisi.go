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
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/demo"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
)

func init() {
	const cmd, desc = "\n  ", "\n                               "
	register(command{
		name: "avvisi",
		usage: "avvisi importa FILE --tipo-dovuto CODICE --scadenza AAAA-MM-GG --causale \"…\" [--spedizione pec|email] [--protocollo --oggetto \"…\"]" +
			desc + "controlla la lista e la salva come nuovo lotto, con codice avviso e IUPD per ogni riga; stampa l'UUID del lotto;" +
			desc + "se la lista o le opzioni hanno problemi li elenca tutti e non salva nulla" +
			cmd + "avvisi genera UUID" +
			desc + "crea e pubblica su GPD la posizione debitoria di ogni riga del lotto; interrompibile, si riprende rieseguendolo" +
			cmd + "avvisi invia UUID" +
			desc + "invia ogni avviso generato, con la lettera di accompagnamento, per PEC o e-mail (protocollandolo prima," +
			desc + "se il lotto lo chiede); interrompibile, si riprende rieseguendolo; non reinvia mai da solo un messaggio" +
			desc + "dall'esito incerto" +
			cmd + "avvisi ricevute [--attendi DURATA]" +
			desc + "legge le ricevute PEC nuove dalla casella e aggiorna lo stato di consegna degli avvisi;" +
			desc + "con --attendi continua ad ascoltare (IMAP IDLE) per la durata indicata, es. 2m" +
			cmd + "avvisi reinvia IUV…" +
			desc + "invia di nuovo gli avvisi indicati (dello stesso lotto), con un nuovo Message-ID" +
			cmd + "avvisi annulla IUV" +
			desc + "annulla l'avviso su pagoPA (posizione debitoria invalidata: non è più pagabile)" +
			cmd + "avvisi stato UUID [--json]" +
			desc + "il lotto e i suoi avvisi per stato" +
			cmd + "avvisi pdf IUV|CODICE_AVVISO --out FILE.pdf" +
			desc + "l'avviso di pagamento pagoPA di una riga di un lotto, in PDF" +
			cmd + "avvisi tracciato --out FILE.xlsx" +
			desc + "il modello della lista per la generazione massiva di avvisi pagoPA, con due righe di esempio" +
			cmd + "avvisi esempio --righe N --out FILE.xlsx [--seme S]" +
			desc + "una lista realistica di N avvisi (famiglie di Vimercate, qualche azienda, indirizzi PEC ed e-mail)," +
			desc + "per provare la generazione massiva con la sandbox" +
			cmd + "avvisi verifica FILE" +
			desc + "controlla una lista (.xlsx o .csv) riga per riga senza salvare nulla: elenca ogni problema" +
			desc + "(\"riga N, colonna X: motivo\") ed esce con 1 se ce n'è almeno uno",
		run: runAvvisi,
	})
}

var runAvvisi = sottocomandi("avvisi", sottocomando{"importa", avvisiImporta}, sottocomando{"genera", avvisiGenera},
	sottocomando{"invia", avvisiInvia}, sottocomando{"ricevute", avvisiRicevute}, sottocomando{"reinvia", avvisiReinvia},
	sottocomando{"annulla", avvisiAnnulla}, sottocomando{"stato", avvisiStato}, sottocomando{"pdf", avvisiPDF},
	sottocomando{"tracciato", avvisiTracciato}, sottocomando{"esempio", avvisiEsempio}, sottocomando{"verifica", avvisiVerifica})

func avvisiTracciato(_ context.Context, _ globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi tracciato", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file di destinazione .xlsx")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return exitError{code: 2, msg: "avvisi tracciato: indicare --out FILE.xlsx"}
	}
	if err := scriviFile(*out, avvisi.ScriviTracciato); err != nil {
		return domain("avvisi tracciato", err)
	}
	fmt.Fprintf(stdout, "tracciato della lista scritto in %s\n", *out)
	return nil
}

func avvisiVerifica(_ context.Context, _ globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi verifica", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rest, err := parseArgs(fs, args, "FILE")
	if err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return domain("avvisi verifica", err)
	}
	defer f.Close()
	l, err := avvisi.Leggi(bufio.NewReader(f))
	if err != nil {
		return domain("avvisi verifica", err)
	}
	if len(l.Errori) > 0 {
		for _, e := range l.Errori {
			fmt.Fprintln(stderr, e.Error())
		}
		return exitError{code: 1, msg: fmt.Sprintf("avvisi verifica: %d %s da correggere", len(l.Errori), plural(len(l.Errori), "problema", "problemi"))}
	}
	var totale int64
	for _, r := range l.Righe {
		totale += r.Centesimi
	}
	fmt.Fprintf(stdout, "%d %s corrette, importo totale %s euro\n", len(l.Righe), plural(len(l.Righe), "riga", "righe"), pagopa.FormattaImporto(totale))
	return nil
}

func avvisiImporta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi importa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o avvisi.OpzioniLotto
	fs.StringVar(&o.TipoDovuto, "tipo-dovuto", "", "codice del tipo dovuto (Impostazioni → Tipi dovuto)")
	scadenza := fs.String("scadenza", "", "scadenza standard, AAAA-MM-GG")
	fs.StringVar(&o.Causale, "causale", "", "causale standard (se la riga non ha CausaleBollettino)")
	spedizione := fs.String("spedizione", "pec", "pec o email")
	fs.BoolVar(&o.Protocollazione, "protocollo", false, "protocollare ogni avviso in uscita")
	fs.StringVar(&o.OggettoProtocollo, "oggetto", "", "oggetto del protocollo (se la riga non ha OggettoProt)")
	lettera := fs.String("lettera", "", "nome del modello di lettera di accompagnamento (Impostazioni → Lettere); se manca, quello predefinito")
	pos, err := parseArgs(fs, args, "FILE")
	if err != nil {
		return err
	}
	if *scadenza != "" {
		t, err := time.ParseInLocation("2006-01-02", *scadenza, time.Local)
		if err != nil {
			return exitError{code: 2, msg: "avvisi importa: --scadenza nel formato AAAA-MM-GG"}
		}
		o.Scadenza = t
	}
	o.Spedizione = strings.ToUpper(*spedizione)
	f, err := os.Open(pos[0])
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("avvisi importa: impossibile leggere %s: %v", pos[0], err)}
	}
	defer f.Close()
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if *lettera != "" {
		m, err := a.Impostazioni.ModelloLettera(ctx, *lettera)
		if err != nil {
			return exitError{code: 1, msg: fmt.Sprintf("avvisi importa: lettera %q: %v", *lettera, err)}
		}
		o.Lettera = &m
	}
	l, lettura, err := a.Avvisi.ImportaLotto(ctx, by, filepath.Base(pos[0]), bufio.NewReader(f), o)
	var ie *flussi.ErrImport
	if errors.As(err, &ie) {
		for _, e := range lettura.Errori {
			fmt.Fprintln(stderr, e.Error())
		}
		return exitError{code: 1, msg: fmt.Sprintf("avvisi importa: %s non importato, %d %s da correggere: non è stato salvato nulla",
			filepath.Base(pos[0]), len(ie.Errori), plural(len(ie.Errori), "problema", "problemi"))}
	}
	if err != nil {
		return domain("avvisi importa", err)
	}
	fmt.Fprintln(stdout, l.UUID)
	fmt.Fprintf(stderr, "lotto importato: %d %s per %s euro\n", l.Totale, plural(l.Totale, "avviso", "avvisi"), pagopa.FormattaImporto(l.Centesimi))
	return nil
}

func avvisiStato(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi stato", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "uscita JSON")
	pos, err := parseArgs(fs, args, "UUID")
	if err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	l, conta, err := a.DB.ConteggiLotto(ctx, pos[0])
	if errors.Is(err, store.ErrNotFound) {
		return exitError{code: 1, msg: fmt.Sprintf("avvisi stato: lotto %s non trovato", pos[0])}
	}
	if err != nil {
		return domain("avvisi stato", err)
	}
	invio, err := a.DB.ConteggiInvio(ctx, l.ID)
	if err != nil {
		return domain("avvisi stato", err)
	}
	delete(invio, "")
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"uuid": l.UUID, "stato": l.Stato, "file": l.FileOrigine,
			"totale": l.Totale, "centesimi": l.Centesimi, "scadenza": l.Scadenza, "spedizione": l.Spedizione, "per_stato": conta,
			"per_stato_invio": invio})
	}
	fmt.Fprintf(stdout, "Lotto      %s\nFile       %s\nStato      %s\nAvvisi     %d\nImporto    %s euro\nScadenza   %s\nSpedizione %s\n\n",
		l.UUID, l.FileOrigine, l.Stato, l.Totale, pagopa.FormattaImporto(l.Centesimi), l.Scadenza, l.Spedizione)
	stati := make([]string, 0, len(conta))
	for s := range conta {
		stati = append(stati, s)
	}
	sort.Strings(stati)
	for _, s := range stati {
		fmt.Fprintf(stdout, "%-16s %d\n", s, conta[s])
	}
	if len(invio) > 0 {
		fmt.Fprintln(stdout, "\nInvio")
		stati = stati[:0]
		for s := range invio {
			stati = append(stati, s)
		}
		sort.Strings(stati)
		for _, s := range stati {
			fmt.Fprintf(stdout, "%-16s %d\n", s, invio[s])
		}
	}
	return nil
}

func avvisiPDF(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi pdf", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file PDF di destinazione")
	pos, err := parseArgs(fs, args, "IUV")
	if err != nil {
		return err
	}
	if *out == "" {
		return exitError{code: 2, msg: "avvisi pdf: indicare --out FILE.pdf"}
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := scriviFile(*out, func(w io.Writer) error { return a.Avvisi.StampaPDF(ctx, pos[0], w) }); err != nil {
		if errors.Is(err, avvisi.ErrAvvisoNonTrovato) {
			return exitError{code: 1, msg: "avvisi pdf: " + err.Error()}
		}
		return domain("avvisi pdf", err)
	}
	fmt.Fprintf(stdout, "avviso scritto in %s\n", *out)
	return nil
}

func avvisiGenera(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	return conOperatore(ctx, g, "avvisi genera", args, stderr, "UUID", func(a *core.App, by operatori.Operatore, pos []string) error {
		av, err := a.Avvisi.Genera(ctx, by, a.Impostazioni, pos[0], func(p avvisi.Avanzamento) {
			if (p.Fatti+p.Errori)%100 == 0 || p.Fatti+p.Errori == p.Totale {
				fmt.Fprintf(stderr, "posizioni %d/%d (errori %d)\n", p.Fatti+p.Errori, p.Totale, p.Errori)
			}
		})
		if err != nil {
			return domain("avvisi genera", err)
		}
		fmt.Fprintf(stdout, "posizioni debitorie pubblicate: %d, con errore o da riprovare: %d\n", av.Fatti, av.Errori)
		if av.Errori > 0 {
			return exitError{code: 1, msg: "avvisi genera: alcune righe non sono state generate (avvisi stato per i dettagli; rieseguire per riprovare)"}
		}
		return nil
	})
}

func avvisiInvia(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	return conOperatore(ctx, g, "avvisi invia", args, stderr, "UUID", func(a *core.App, by operatori.Operatore, pos []string) error {
		p := &progresso{ctx: ctx, eng: a.Avvisi.Engine(), w: stderr, kinds: map[uuid.UUID]string{}}
		runErr := a.Avvisi.Invia(ctx, by, pos[0], p.report)
		p.flush()
		return esitoInvio(ctx, a.DB, "avvisi invia", pos[0], runErr, stdout)
	})
}

// esitoInvio prints a batch's sending states after a send: stdout and exit
// 0 when every notice left, exit 1 otherwise.
func esitoInvio(ctx context.Context, db *store.DB, cmd, lottoUUID string, runErr error, stdout io.Writer) error {
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return domain(cmd, runErr)
	}
	l, _, err := db.ConteggiLotto(ctx, lottoUUID)
	if err != nil {
		return domain(cmd, err)
	}
	conta, err := db.ConteggiInvio(ctx, l.ID)
	if err != nil {
		return domain(cmd, err)
	}
	delete(conta, "")
	stati := make([]string, 0, len(conta))
	for s := range conta {
		stati = append(stati, fmt.Sprintf("%s %d", strings.ToLower(s), conta[s]))
	}
	sort.Strings(stati)
	line := fmt.Sprintf("lotto %s: %s — %s", l.UUID, l.Stato, strings.Join(stati, ", "))
	if l.Stato == avvisi.LottoInviato && runErr == nil {
		fmt.Fprintln(stdout, line)
		return nil
	}
	if runErr != nil {
		line += "; invio interrotto: rieseguire per riprenderlo"
	}
	return exitError{code: 1, msg: line}
}

func avvisiRicevute(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi ricevute", flag.ContinueOnError)
	fs.SetOutput(stderr)
	attendi := fs.Duration("attendi", 0, "resta in ascolto per questa durata, es. 2m")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Avvisi.AggiornaRicevute(ctx, by)
	if err != nil {
		return domain("avvisi ricevute", err)
	}
	if *attendi > 0 {
		wctx, cancel := context.WithTimeout(ctx, *attendi)
		defer cancel()
		lr := a.Avvisi.AvviaLettoreRicevute(by, 30*time.Second, func(k int) {
			n += k
			fmt.Fprintf(stderr, "ricevute lette: %d\n", n)
		})
		<-wctx.Done()
		lr.Close()
		if err, _ := lr.Esito(); err != nil && !errors.Is(err, context.Canceled) {
			return domain("avvisi ricevute", err)
		}
	}
	fmt.Fprintf(stdout, "ricevute PEC nuove: %d\n", n)
	return nil
}

func avvisiReinvia(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi reinvia", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	if fs.NArg() == 0 {
		return exitError{code: 2, msg: "avvisi reinvia: indicare almeno un IUV o codice avviso"}
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	x, err := a.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(fs.Arg(0)))
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("avvisi reinvia: avviso %s non trovato", fs.Arg(0))}
	}
	p := &progresso{ctx: ctx, eng: a.Avvisi.Engine(), w: stderr, kinds: map[uuid.UUID]string{}}
	runErr := a.Avvisi.Reinvia(ctx, by, fs.Args(), p.report)
	p.flush()
	return esitoInvio(ctx, a.DB, "avvisi reinvia", x.Lotto.UUID, runErr, stdout)
}

func avvisiAnnulla(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	return conOperatore(ctx, g, "avvisi annulla", args, stderr, "IUV", func(a *core.App, by operatori.Operatore, pos []string) error {
		if err := a.Avvisi.Annulla(ctx, by, pos[0]); err != nil {
			return domain("avvisi annulla", err)
		}
		fmt.Fprintf(stdout, "avviso %s annullato su pagoPA\n", pos[0])
		return nil
	})
}

func avvisiEsempio(_ context.Context, _ globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("avvisi esempio", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("righe", 1000, "numero di righe")
	out := fs.String("out", "", "file .xlsx di destinazione")
	seme := fs.Int64("seme", demo.Seed, "seme: lo stesso seme dà la stessa lista")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *out == "" || *n <= 0 || *n > avvisi.MaxRighe {
		return exitError{code: 2, msg: fmt.Sprintf("avvisi esempio: indicare --out FILE.xlsx e --righe tra 1 e %d", avvisi.MaxRighe)}
	}
	if err := scriviFile(*out, func(w io.Writer) error { return demo.ListaAvvisi(w, *n, *seme) }); err != nil {
		return domain("avvisi esempio", err)
	}
	fmt.Fprintf(stdout, "lista di %d avvisi scritta in %s\n", *n, *out)
	return nil
}

// conOperatore runs a subcommand whose only arguments are positional: it
// checks them, opens the database as the operator and closes it after fn.
func conOperatore(ctx context.Context, g globals, name string, args []string, stderr io.Writer, positional string,
	fn func(a *core.App, by operatori.Operatore, pos []string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	pos, err := parseArgs(fs, args, positional)
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a, by, pos)
}
