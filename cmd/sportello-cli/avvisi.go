package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/pagopa"
)

func init() {
	const cmd, desc = "\n  ", "\n                               "
	register(command{
		name: "avvisi",
		usage: "avvisi tracciato --out FILE.xlsx" +
			desc + "il modello della lista per la generazione massiva di avvisi pagoPA, con due righe di esempio" +
			cmd + "avvisi verifica FILE" +
			desc + "controlla una lista (.xlsx o .csv) riga per riga senza salvare nulla: elenca ogni problema" +
			desc + "(\"riga N, colonna X: motivo\") ed esce con 1 se ce n'è almeno uno",
		run: runAvvisi,
	})
}

func runAvvisi(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return exitError{code: 2, msg: "avvisi: indicare tracciato o verifica"}
	}
	switch args[0] {
	case "tracciato":
		return avvisiTracciato(args[1:], stdout, stderr)
	case "verifica":
		return avvisiVerifica(args[1:], stdout, stderr)
	}
	return exitError{code: 2, msg: fmt.Sprintf("avvisi: sottocomando %q sconosciuto", args[0])}
}

func avvisiTracciato(args []string, stdout, stderr io.Writer) error {
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

func avvisiVerifica(args []string, stdout, stderr io.Writer) error {
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
