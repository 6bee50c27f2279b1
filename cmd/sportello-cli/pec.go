package main

// The PEC reseller panel from the command line.
//
// pec esporta writes the mailboxes of the current search as CSV (the
// panel's "Esporta Dati"): columns Casella, Dominio, Stato, Titolare,
// Codice fiscale, Data inserimento, Data attivazione, Inserita da.
//
// pec importa migrates a reseller's mailbox list from the old panel's CSV
// export (';' or ',' separated, UTF-8, header row; .xlsx accepted too).
// Columns, by header name, in any order:
//
//	Casella;Dominio;CodiceFiscale;Nome;Cognome;RagioneSociale;PartitaIva;Indirizzo;Civico;CAP;
//	Comune;Provincia;Telefono;Email;Stato;DataAttivazione;Agente[;Tipo]
//
// Casella is nome@dominio (or the local part with Dominio); Stato is
// IN_ATTESA (default), ATTIVA, SOSPESA or CESSATA; DataAttivazione is
// AAAA-MM-GG or GG/MM/AAAA, required for ATTIVA and SOSPESA; Agente is the
// ragione sociale or e-mail of an existing agent; RagioneSociale and
// PartitaIva, optional, are the owner's company; Provincia and CAP are
// checked against the comune. The whole layout is documented in
// core/registro/importa.go. Every row is checked first ("riga N, colonna
// X: motivo", exit status 1, nothing stored); then all are stored in one
// transaction.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
)

func init() {
	const cmd, desc = "\n  ", "\n                               "
	register(command{
		name: "pec",
		usage: "pec esporta --out FILE.csv [--dominio D] [--casella C] [--dal AAAA-MM-GG] [--al AAAA-MM-GG] [--stato S]" +
			desc + "le caselle PEC della ricerca (data di inserimento dal/al inclusi; stato IN_ATTESA, ATTIVA, SOSPESA," +
			desc + "CESSATA) in CSV; stampa il numero di righe; un assistente esporta solo le proprie" +
			cmd + "pec importa FILE.csv" +
			desc + "migra l'elenco delle caselle dall'esportazione del vecchio pannello; colonne (intestazione, separatore ;):" +
			desc + "Casella;Dominio;CodiceFiscale;Nome;Cognome;RagioneSociale;PartitaIva;Indirizzo;Civico;CAP;" +
			desc + "Comune;Provincia;Telefono;Email;Stato;DataAttivazione;Agente[;Tipo]" +
			desc + "Casella nome@dominio; Stato IN_ATTESA (predefinito), ATTIVA, SOSPESA, CESSATA; DataAttivazione" +
			desc + "AAAA-MM-GG o GG/MM/AAAA, obbligatoria se ATTIVA o SOSPESA; Agente: ragione sociale o e-mail di un agente;" +
			desc + "controlla ogni riga (\"riga N, colonna X: motivo\", esce con 1 e non salva nulla), poi salva tutto insieme" +
			cmd + "pec configura --url URL" +
			desc + "l'indirizzo della API di provisioning del gestore PEC; la chiave si legge da SPORTELLO_API_KEY o" +
			desc + "dallo standard input, mai dagli argomenti" +
			cmd + "pec sincronizza" +
			desc + "un giro di sincronizzazione con il gestore: invia le modifiche in coda, riceve attivazioni e modifiche;" +
			desc + "esce con 1 se il gestore non è raggiungibile o restano conflitti aperti" +
			cmd + "pec sospendi|riattiva|cessa CASELLA" +
			desc + "sospende una casella ATTIVA, riattiva una SOSPESA, cessa per sempre una ATTIVA o SOSPESA;" +
			desc + "il gestore la applica alla prossima sincronizzazione",
		run: runPEC,
	})
}

var runPEC = sottocomandi("pec", sottocomando{"esporta", pecEsporta}, sottocomando{"importa", pecImporta},
	sottocomando{"configura", pecConfigura}, sottocomando{"sincronizza", pecSincronizza},
	sottocomando{"sospendi", pecStato("sospendi", "sospesa", (*registro.Service).Sospendi)},
	sottocomando{"riattiva", pecStato("riattiva", "riattivata", (*registro.Service).Riattiva)},
	sottocomando{"cessa", pecStato("cessa", "cessata", (*registro.Service).Cessa)})

// pecStato changes the state of the mailbox named by its address, as the
// window's Sospendi, Riattiva and Cessa do.
func pecStato(nome, fatto string, cambia func(*registro.Service, context.Context, operatori.Operatore, int64) error) runFunc {
	comando := "pec " + nome
	return func(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
		return conOperatore(ctx, g, comando, args, stderr, "CASELLA", func(a *core.App, by operatori.Operatore, pos []string) error {
			indirizzo := strings.ToLower(strings.TrimSpace(pos[0]))
			_, list, err := a.Registro.CercaCaselle(ctx, by, store.FiltroCaselle{Casella: indirizzo}, 0, 100)
			if err != nil {
				return domain(comando, err)
			}
			i := slices.IndexFunc(list, func(c store.Casella) bool { return strings.EqualFold(c.Indirizzo, indirizzo) })
			if i < 0 {
				return exitError{code: 1, msg: fmt.Sprintf("%s: casella %s non trovata", comando, indirizzo)}
			}
			if err := cambia(a.Registro, ctx, by, list[i].ID); err != nil {
				return domain(comando, err)
			}
			fmt.Fprintf(stdout, "casella %s %s: il gestore la aggiorna alla prossima sincronizzazione\n", list[i].Indirizzo, fatto)
			return nil
		})
	}
}

func pecEsporta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pec esporta", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file CSV di destinazione")
	var fl store.FiltroCaselle
	fs.StringVar(&fl.Dominio, "dominio", "", "dominio")
	fs.StringVar(&fl.Casella, "casella", "", "parte dell'indirizzo della casella")
	dal := fs.String("dal", "", "inserite dal giorno, AAAA-MM-GG")
	al := fs.String("al", "", "inserite fino al giorno (incluso), AAAA-MM-GG")
	stato := fs.String("stato", "", "IN_ATTESA, ATTIVA, SOSPESA o CESSATA")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return exitError{code: 2, msg: "pec esporta: indicare --out FILE.csv"}
	}
	giorno := func(flag, v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, time.Local)
		if err != nil {
			return t, exitError{code: 2, msg: fmt.Sprintf("pec esporta: --%s nel formato AAAA-MM-GG", flag)}
		}
		return t, nil
	}
	var err error
	if fl.Dal, err = giorno("dal", *dal); err != nil {
		return err
	}
	if fl.Al, err = giorno("al", *al); err != nil {
		return err
	}
	if !fl.Al.IsZero() {
		fl.Al = fl.Al.AddDate(0, 0, 1) // --al is inclusive, the filter exclusive
	}
	if !fl.Dal.IsZero() && !fl.Al.IsZero() && !fl.Dal.Before(fl.Al) {
		return exitError{code: 2, msg: "pec esporta: --dal è dopo --al"}
	}
	fl.Stato = strings.ToUpper(strings.TrimSpace(*stato))
	stati := []string{store.CasellaInAttesa, store.CasellaAttiva, store.CasellaSospesa, store.CasellaCessata}
	if fl.Stato != "" && !slices.Contains(stati, fl.Stato) {
		return exitError{code: 2, msg: fmt.Sprintf("pec esporta: --stato %q sconosciuto: %s", *stato, strings.Join(stati, ", "))}
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	n, _, err := a.Registro.CercaCaselle(ctx, by, fl, 0, 0)
	if err != nil {
		return domain("pec esporta", err)
	}
	if err := scriviFile(*out, func(w io.Writer) error { return a.Registro.EsportaCaselle(ctx, by, fl, w) }); err != nil {
		return domain("pec esporta", err)
	}
	fmt.Fprintf(stdout, "%d %s in %s\n", n, plural(n, "riga esportata", "righe esportate"), *out)
	return nil
}

func pecImporta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pec importa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pos, err := parseArgs(fs, args, "FILE")
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("pec importa: impossibile leggere %s: %v", pos[0], err)}
	}
	defer f.Close()
	righe, errLettura, err := registro.LeggiImport(f)
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("pec importa: %s: %v", filepath.Base(pos[0]), err)}
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	non := func(errs []registro.ErroreRiga) error {
		slices.SortStableFunc(errs, func(a, b registro.ErroreRiga) int { return a.Riga - b.Riga })
		for _, e := range errs {
			fmt.Fprintln(stderr, e.Error())
		}
		return exitError{code: 1, msg: fmt.Sprintf("pec importa: %s non importato, %d %s da correggere: non è stato salvato nulla",
			filepath.Base(pos[0]), len(errs), plural(len(errs), "problema", "problemi"))}
	}
	if len(errLettura) > 0 {
		// Rows that could not be read: report them with every other problem, store nothing.
		var altri []registro.ErroreRiga
		if len(righe) > 0 {
			if altri, err = a.Registro.VerificaImport(ctx, by, righe); err != nil {
				return domain("pec importa", err)
			}
		}
		return non(append(errLettura, altri...))
	}
	n, errs, err := a.Registro.Importa(ctx, by, righe)
	if errors.Is(err, registro.ErrImportNonValido) {
		return non(errs)
	}
	if err != nil {
		return domain("pec importa", err)
	}
	fmt.Fprintf(stdout, "%d %s da %s\n", n, plural(n, "casella importata", "caselle importate"), filepath.Base(pos[0]))
	return nil
}

func pecConfigura(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pec configura", flag.ContinueOnError)
	fs.SetOutput(stderr)
	u := fs.String("url", "", "es. https://api.gestore.it/provider/api/v1")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	key, err := readSecret(envAPIKey, "chiave del gestore PEC")
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Impostazioni.SalvaProvider(ctx, by, *u, key); err != nil {
		return domain("pec configura", err)
	}
	fmt.Fprintln(stdout, "gestore PEC configurato (chiave salvata nell'archivio delle credenziali)")
	return nil
}

func pecSincronizza(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pec sincronizza", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	ad, ok, err := a.ProviderAdapter(ctx)
	if err != nil {
		return domain("pec sincronizza", err)
	}
	if !ok {
		return exitError{code: 1, msg: "pec sincronizza: gestore PEC non configurato (sportello-cli pec configura --url URL)"}
	}
	e, err := a.Registro.Sincronizza(ctx, ad)
	st, serr := a.Registro.StatoSync(ctx)
	if serr != nil {
		return domain("pec sincronizza", serr)
	}
	line := fmt.Sprintf("inviate %d, ricevute %d, conflitti nuovi %d, in errore %d; in coda %d, conflitti aperti %d",
		e.Inviate, e.Ricevute, e.Conflitti, e.Fallite, st.Pendenti, st.Conflitti)
	switch {
	case e.Occupato:
		return exitError{code: 1, msg: "pec sincronizza: un'altra sessione di Sportello sta già sincronizzando questo database; riprovare tra poco — " + line}
	case e.Limitato > 0:
		return exitError{code: 1, msg: fmt.Sprintf("pec sincronizza: il gestore chiede di rallentare, riprovare tra %s — %s", e.Limitato.Round(time.Second), line)}
	case e.Offline:
		return exitError{code: 1, msg: "pec sincronizza: gestore non raggiungibile, le modifiche restano in coda — " + line}
	case err != nil:
		return exitError{code: 1, msg: "pec sincronizza: " + err.Error() + " — " + line}
	case st.Conflitti > 0:
		return exitError{code: 1, msg: "pec sincronizza: " + line + " (risolvere i conflitti in Registro PEC › Sincronizzazione)"}
	}
	fmt.Fprintln(stdout, line)
	return nil
}
