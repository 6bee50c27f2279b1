package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
)

// Usage of "riconciliazione statistiche", for the command's usage text.
const usageRicStatistiche = "riconciliazione statistiche --per anno|mese|giorno|ufficio|tipo|capitolo|accertamento" +
	"\n                               [--dal AAAA-MM-GG] [--al AAAA-MM-GG] [--json] [--png FILE]" +
	"\n                               numero e importo dei pagati (data esito), rendicontato (data regolamento) e" +
	"\n                               incassato (data valuta) per gruppo, con il totale; --png salva il grafico"

// Size of the chart --png writes.
const statisticheLarghezza, statisticheAltezza = 1200, 600

// statisticheJSON is what --json prints (amounts in cents).
type statisticheJSON struct {
	Per    string                 `json:"per"`
	Dal    string                 `json:"dal,omitempty"`
	Al     string                 `json:"al,omitempty"`
	Righe  []riconciliazione.Riga `json:"righe"`
	Totale riconciliazione.Riga   `json:"totale"`
}

func ricStatistiche(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	const cmd = "riconciliazione statistiche"
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	per := fs.String("per", "", "anno, mese, giorno, ufficio, tipo, capitolo o accertamento")
	dalS := fs.String("dal", "", "dal giorno (AAAA-MM-GG), per ciascuna misura la sua data")
	alS := fs.String("al", "", "al giorno (AAAA-MM-GG) compreso")
	asJSON := fs.Bool("json", false, "righe e totale in JSON (importi in centesimi)")
	pngOut := fs.String("png", "", "salva il grafico in questo file PNG")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	r, ok := riconciliazione.RaggruppamentoDi(*per)
	if !ok {
		return exitError{code: 2, msg: fmt.Sprintf("%s: --per %q: usare anno, mese, giorno, ufficio, tipo, capitolo o accertamento", cmd, *per)}
	}
	dal, err := dataFlag(cmd, "--dal", *dalS)
	if err != nil {
		return err
	}
	al, err := dataFlag(cmd, "--al", *alS)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	righe, err := a.Riconciliazione.Statistiche(ctx, r, dal, al)
	if err != nil {
		return domain(cmd, err)
	}
	if *pngOut != "" {
		b, err := riconciliazione.GraficoPNG(r, righe, riconciliazione.TitoloGrafico(r, dataIT(dal), dataIT(al)),
			statisticheLarghezza, statisticheAltezza)
		if err == nil {
			err = scriviFile(*pngOut, func(w io.Writer) error { _, err := w.Write(b); return err })
		}
		if err != nil {
			return domain(cmd, err)
		}
	}
	if *asJSON {
		if righe == nil {
			righe = []riconciliazione.Riga{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(statisticheJSON{Per: string(r), Dal: *dalS, Al: *alS, Righe: righe, Totale: riconciliazione.Totale(righe)})
	}
	stampaStatistiche(stdout, r, righe)
	if *pngOut != "" {
		fmt.Fprintf(stdout, "grafico salvato in %s\n", *pngOut)
	}
	return nil
}

// dataFlag reads an optional AAAA-MM-GG flag.
func dataFlag(cmd, nome, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, exitError{code: 2, msg: fmt.Sprintf("%s: %s %q: data non valida, usare AAAA-MM-GG", cmd, nome, s)}
	}
	return t, nil
}

func dataIT(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// stampaStatistiche writes the rows and their total as a table.
func stampaStatistiche(w io.Writer, per riconciliazione.Raggruppamento, righe []riconciliazione.Riga) {
	if len(righe) == 0 {
		fmt.Fprintln(w, "nessun pagamento, flusso o accredito nel periodo")
		return
	}
	tot := riconciliazione.Totale(righe)
	larga := utf8.RuneCountInString(per.Nome())
	for _, r := range append(righe, tot) {
		larga = max(larga, utf8.RuneCountInString(r.Etichetta(per)))
	}
	riga := func(k, n, pag, rend, inc string) {
		fmt.Fprintf(w, "%s%s  %9s  %16s  %16s  %16s\n", k, strings.Repeat(" ", larga-utf8.RuneCountInString(k)), n, pag, rend, inc)
	}
	riga(per.Nome(), "pagati", "importo pagato", "rendicontato", "incassato")
	for _, r := range append(righe, tot) {
		riga(r.Etichetta(per), fmt.Sprint(r.NumeroPagati), pagopa.FormattaImporto(r.ImportoPagato),
			pagopa.FormattaImporto(r.ImportoRendicontato), pagopa.FormattaImporto(r.ImportoIncassato))
	}
}
