package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// envAPIKey carries a service's API key: never on the command line.
const envAPIKey = "SPORTELLO_API_KEY"

func init() {
	register(command{
		name: "servizi",
		usage: "servizi elenco | aggiungi --nome N --service-id ID --io-url URL [--livello STANDARD|ADVANCED] [--importo-massimo 2000,00]\n" +
			"                               servizi App IO; la chiave API si legge da " + envAPIKey + " o dallo standard input,\n" +
			"                               mai dagli argomenti. Con il nome di un servizio esistente lo aggiorna",
		run: runServizi,
	})
}

var runServizi = sottocomandi("servizi", sottocomando{"elenco", serviziElenco}, sottocomando{"aggiungi", serviziAggiungi})

func serviziElenco(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("servizi elenco", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Impostazioni.ServiziIO(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NOME\tSERVICE ID\tLIVELLO\tIMPORTO MASSIMO\tURL\tCHIAVE\tATTIVO")
	for _, s := range list {
		chiave := "mancante"
		if s.ChiavePresente {
			chiave = "presente"
		}
		importo := flussi.FormatImporto(s.ImportoMassimo)
		if importo == "" {
			importo = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Nome, s.ServiceID, s.Livello, importo, s.BaseURL, chiave, siNo(s.Attivo))
	}
	return tw.Flush()
}

func serviziAggiungi(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("servizi aggiungi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nome := fs.String("nome", "", "nome del servizio come lo vedono i cittadini in App IO")
	serviceID := fs.String("service-id", "", "ID del servizio nel back office di App IO")
	url := fs.String("io-url", "", "URL base delle API (in produzione https://api.io.pagopa.it/api/v1)")
	livello := fs.String("livello", "", "STANDARD (predefinito) o ADVANCED")
	importo := fs.String("importo-massimo", "", "importo massimo di un avviso, in euro (es. 2000,00)")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if strings.TrimSpace(*nome) == "" {
		return exitError{code: 2, msg: "servizi aggiungi: indicare --nome"}
	}
	var cents int64
	if set["importo-massimo"] {
		var err error
		if cents, err = parseImporto(*importo); err != nil {
			return exitError{code: 2, msg: "servizi aggiungi: --importo-massimo " + err.Error()}
		}
	}
	lv := strings.ToUpper(strings.TrimSpace(*livello))
	if set["livello"] && lv != "STANDARD" && lv != "ADVANCED" {
		return exitError{code: 2, msg: "servizi aggiungi: --livello STANDARD o ADVANCED"}
	}

	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	by, err := operatore(ctx, g, a)
	if err != nil {
		return err
	}
	list, err := a.Impostazioni.ServiziIO(ctx)
	if err != nil {
		return err
	}
	sv := store.ServizioIO{Nome: strings.TrimSpace(*nome), Livello: "STANDARD", Attivo: true}
	for _, s := range list {
		if s.Nome == sv.Nome {
			sv = s.ServizioIO
		}
	}
	creating := sv.ID == 0
	if creating && (*serviceID == "" || *url == "") {
		return exitError{code: 2, msg: "servizi aggiungi: per un nuovo servizio indicare --service-id e --io-url"}
	}
	if set["service-id"] {
		sv.ServiceID = *serviceID
	}
	if set["io-url"] {
		sv.BaseURL = *url
	}
	if set["livello"] {
		sv.Livello = lv
	}
	if set["importo-massimo"] {
		sv.ImportoMassimo = cents
	}
	sv.Attivo = true

	var key string
	if creating {
		if key, err = readSecret(envAPIKey, "chiave API"); err != nil {
			return err
		}
	} else if key, err = readOptionalSecret(envAPIKey); err != nil {
		return err
	}
	_, err = a.Impostazioni.SalvaServizioIO(ctx, by, sv, key)
	var ve impostazioni.ErrValidazione
	switch {
	case errors.As(err, &ve):
		return exitError{code: 1, msg: "servizi aggiungi: " + ve.Error()}
	case errors.Is(err, operatori.ErrNonAutorizzato):
		return exitError{code: 1, msg: fmt.Sprintf("servizi aggiungi: l'operatore %s non è amministratore: %v", by.Username, err)}
	case err != nil:
		return err
	}
	verbo := "aggiornato"
	if creating {
		verbo = "creato"
	}
	chiave := "chiave API invariata"
	if key != "" {
		chiave = "chiave API salvata nell'archivio delle credenziali"
	}
	fmt.Fprintf(stdout, "servizio %q %s (%s)\n", sv.Nome, verbo, chiave)
	return nil
}

// readOptionalSecret is readSecret for a secret that may be left as it is:
// the environment, else a line piped on stdin; a terminal is not asked and
// an empty answer means "no change".
func readOptionalSecret(env string) (string, error) {
	if v := os.Getenv(env); v != "" {
		return v, nil
	}
	st, err := os.Stdin.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice != 0 {
		return "", nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// parseImporto reads an amount in euro as Italians write it ("2000",
// "2000,00", "2.000,50"; "2000.50" too) and returns cents.
func parseImporto(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "€"))
	bad := fmt.Errorf("%q non è un importo in euro (es. 2000,00)", s)
	if s == "" {
		return 0, bad
	}
	intPart, dec := s, ""
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		intPart, dec = s[:i], s[i+1:]
		intPart = strings.ReplaceAll(intPart, ".", "")
	} else if i := strings.LastIndexByte(s, '.'); i >= 0 && len(s)-i-1 != 3 {
		intPart, dec = s[:i], s[i+1:]
	} else {
		intPart = strings.ReplaceAll(intPart, ".", "")
	}
	if intPart == "" || len(dec) > 2 || strings.ContainsAny(intPart+dec, ".,+-") {
		return 0, bad
	}
	for len(dec) < 2 {
		dec += "0"
	}
	euro, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || euro > 1e12 {
		return 0, bad
	}
	c, err := strconv.ParseInt(dec, 10, 64)
	if err != nil {
		return 0, bad
	}
	return euro*100 + c, nil
}

func siNo(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}

// parseArgs parses flags wherever they appear among the arguments (so
// "flussi esporta UUID --out F" works) and returns the positional ones,
// which must be exactly those named (e.g. "UUID"). A bad flag is exit 2.
func parseArgs(fs *flag.FlagSet, args []string, names ...string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, exitError{code: 2}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			pos = append(pos, rest...) // after "--" everything is positional
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	switch {
	case len(pos) < len(names):
		return nil, exitError{code: 2, msg: fmt.Sprintf("%s: indicare %s", fs.Name(), strings.Join(names[len(pos):], " "))}
	case len(pos) > len(names):
		return nil, exitError{code: 2, msg: fmt.Sprintf("%s: argomenti non previsti: %s", fs.Name(), strings.Join(pos[len(names):], " "))}
	}
	return pos, nil
}
