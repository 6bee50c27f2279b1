package main

// Reconciliation (MyPivot model) from the command line: import receipts,
// reporting flows, treasury journals and debt records; classify; count;
// export the rows of a label; in demo mode, simulate a day of payments on
// the embedded sandbox.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/store"
)

func init() {
	const cmd, desc = "\n  ", "\n                               "
	register(command{
		name: "riconciliazione",
		usage: "riconciliazione importa FILE|CARTELLA..." +
			desc + "importa ricevute (paSendRT), flussi di rendicontazione (FlussoRiversamento), giornali di cassa" +
			desc + "(OPI XML, XLS, XLSX, CSV), dovuti e pagati (CSV MyPay/MyPivot): il tipo si riconosce dal contenuto;" +
			desc + "una cartella si importa tutta; un file errato non salva nulla (\"riga N / elemento X: motivo\", esce con 1);" +
			desc + "lo stesso file importato due volte non cambia nulla" +
			cmd + "riconciliazione esegui" +
			desc + "classifica di nuovo tutti i pagamenti, i flussi e i movimenti di tesoreria" +
			cmd + "riconciliazione stato [--json]" +
			desc + "quante righe per classificazione" +
			cmd + "riconciliazione esporta --classificazione C --out FILE.xlsx|FILE.csv" +
			desc + "le righe con quella classificazione (IUV, IUF o movimento con bolletta, importi, date)" +
			cmd + "riconciliazione statistiche --per anno|mese|giorno|ufficio|tipo|capitolo|accertamento [--dal AAAA-MM-GG] [--al AAAA-MM-GG] [--json] [--png FILE]" +
			desc + "numero e importo pagato (data esito), rendicontato (data regolamento), incassato (data valuta) per gruppo" +
			cmd + "riconciliazione simula --out CARTELLA [--quota 0.7] [--giorno AAAA-MM-GG] [--anomalie demo|nessuna] [--importa]" +
			desc + "(solo con --demo) i cittadini pagano una parte degli avvisi nella sandbox: ricevute, flussi e giornale" +
			desc + "di cassa del giorno scritti nella cartella (e importati con --importa)",
		run: runRiconciliazione,
	})
}

var runRiconciliazione = sottocomandi("riconciliazione",
	sottocomando{"importa", ricImporta}, sottocomando{"esegui", ricEsegui}, sottocomando{"stato", ricStato},
	sottocomando{"esporta", ricEsporta}, sottocomando{"statistiche", ricStatistiche}, sottocomando{"simula", ricSimula})

// fileDa expands folders into the files they hold (recursively, sorted).
func fileDa(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var dentro []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				dentro = append(dentro, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(dentro)
		out = append(out, dentro...)
	}
	return out, nil
}

func ricImporta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("riconciliazione importa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	paths, err := parseArgs(fs, args, "FILE")
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return exitError{code: 2, msg: "riconciliazione importa: indicare almeno un file o una cartella"}
	}
	files, err := fileDa(paths)
	if err != nil {
		return exitError{code: 1, msg: "riconciliazione importa: " + err.Error()}
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	return importaTutti(ctx, a.Riconciliazione, by.Username, files, stdout)
}

func importaTutti(ctx context.Context, s *riconciliazione.Service, operatore string, files []string, stdout io.Writer) error {
	var falliti []string
	for _, f := range files {
		es, err := riconciliazione.Importa(ctx, s.DB, operatore, f)
		if err != nil {
			var errs tracciato.Errori
			if errors.As(err, &errs) {
				fmt.Fprintf(stdout, "%s: NON importato, %d %s:\n", f, len(errs), plural(len(errs), "errore", "errori"))
				for _, e := range errs {
					fmt.Fprintf(stdout, "  %s\n", e.Error())
				}
			} else {
				fmt.Fprintf(stdout, "%s: NON importato: %v\n", f, err)
			}
			falliti = append(falliti, f)
			continue
		}
		fmt.Fprintf(stdout, "%s: %s, %s\n", f, riconciliazione.NomeTipo[es.Tipo], es.Descrizione)
	}
	if len(falliti) > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("riconciliazione importa: %d %s su %d non %s", len(falliti),
			plural(len(falliti), "file", "file"), len(files), plural(len(falliti), "importato", "importati"))}
	}
	return nil
}

func ricEsegui(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("riconciliazione esegui", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := a.Riconciliazione.Esegui(ctx, by)
	if err != nil {
		return domain("riconciliazione esegui", err)
	}
	fmt.Fprintf(stdout, "classificati %d pagamenti, %d flussi, %d movimenti di tesoreria in %s\n", r.Pagamenti, r.Flussi,
		r.Movimenti, r.Durata.Round(time.Millisecond))
	stampaStato(stdout, r.Classi)
	return nil
}

func stampaStato(w io.Writer, m map[string]int) {
	for _, c := range riconciliazione.Classi {
		if n := m[c.Codice]; n > 0 {
			fmt.Fprintf(w, "%-18s %9d  %s\n", c.Codice, n, c.Descrizione)
		}
	}
}

func ricStato(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("riconciliazione stato", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "conteggi in JSON")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	m, err := a.Riconciliazione.Stato(ctx)
	if err != nil {
		return domain("riconciliazione stato", err)
	}
	if *asJSON {
		out := map[string]int{}
		for _, c := range riconciliazione.Classi {
			out[c.Codice] = m[c.Codice]
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(m) == 0 {
		fmt.Fprintln(stdout, "nessun dato riconciliato: importare ricevute, flussi e giornale di cassa")
		return nil
	}
	stampaStato(stdout, m)
	return nil
}

func ricEsporta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("riconciliazione esporta", flag.ContinueOnError)
	fs.SetOutput(stderr)
	classe := fs.String("classificazione", "", "classificazione (es. RT_NO_IUF)")
	out := fs.String("out", "", "file .xlsx o .csv")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	*classe = strings.ToUpper(strings.TrimSpace(*classe))
	if _, ok := riconciliazione.ClasseDi(*classe); !ok {
		var codici []string
		for _, c := range riconciliazione.Classi {
			codici = append(codici, c.Codice)
		}
		return exitError{code: 2, msg: fmt.Sprintf("riconciliazione esporta: --classificazione %q sconosciuta: %s", *classe,
			strings.Join(codici, ", "))}
	}
	formato := strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	if *out == "" || formato != "xlsx" && formato != "csv" {
		return exitError{code: 2, msg: "riconciliazione esporta: indicare --out FILE.xlsx o FILE.csv"}
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	var n int
	if err := scriviFile(*out, func(w io.Writer) (err error) {
		n, err = a.Riconciliazione.Esporta(ctx, store.FiltroRicClassi{Classe: *classe}, formato, w)
		return err
	}); err != nil {
		return domain("riconciliazione esporta", err)
	}
	fmt.Fprintf(stdout, "%d %s in %s\n", n, plural(n, "riga esportata", "righe esportate"), *out)
	return nil
}

func ricSimula(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("riconciliazione simula", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "cartella dei file del giorno")
	quota := fs.String("quota", "0.7", "parte degli avvisi aperti pagata, da 0 a 1")
	giorno := fs.String("giorno", "", "giorno dei pagamenti, AAAA-MM-GG (predefinito: ieri)")
	anomalie := fs.String("anomalie", "demo", "demo (una per tipo) o nessuna")
	importa := fs.Bool("importa", false, "importa subito i file prodotti")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if !g.demo {
		return exitError{code: 2, msg: "riconciliazione simula: solo in modalità dimostrativa (--demo)"}
	}
	if *out == "" {
		return exitError{code: 2, msg: "riconciliazione simula: indicare --out CARTELLA"}
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	q := url.Values{"dir": {dir}, "quota": {*quota}, "anomalie": {*anomalie}}
	if *giorno != "" {
		q.Set("giorno", *giorno)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.SandboxURL+"/__sandbox/pagopa/paga?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return domain("riconciliazione simula", err)
	}
	defer resp.Body.Close()
	var es struct {
		Pagate   int      `json:"pagate"`
		Importo  int64    `json:"importo"`
		Ricevute []string `json:"ricevute"`
		Flussi   []string `json:"flussi"`
		Giornale string   `json:"giornale"`
		Detail   string   `json:"detail"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&es); err != nil {
		return domain("riconciliazione simula", err)
	}
	if resp.StatusCode != http.StatusOK {
		return exitError{code: 1, msg: "riconciliazione simula: " + es.Detail}
	}
	fmt.Fprintf(stdout, "pagati %d avvisi per %s euro: %d ricevute, %d flussi, giornale %s\n", es.Pagate,
		tracciato.EuroIT(es.Importo), len(es.Ricevute), len(es.Flussi), es.Giornale)
	if !*importa {
		return nil
	}
	files, err := fileDa([]string{dir})
	if err != nil {
		return err
	}
	return importaTutti(ctx, a.Riconciliazione, by.Username, files, stdout)
}
