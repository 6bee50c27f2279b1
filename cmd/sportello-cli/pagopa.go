package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
)

func init() {
	register(command{
		name: "pagopa",
		usage: "pagopa configura --gpd-url URL" +
			"\n                               indirizzo di GPD (posizioni debitorie) dell'ente; la chiave si legge da SPORTELLO_API_KEY" +
			"\n                               o dallo standard input, mai dagli argomenti",
		run: runPagoPA,
	})
}

func runPagoPA(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "configura" {
		return exitError{code: 2, msg: "pagopa: indicare configura"}
	}
	fs := flag.NewFlagSet("pagopa configura", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gpdURL := fs.String("gpd-url", "", "es. https://api.platform.pagopa.it/gpd/debt-positions-service/v1")
	if _, err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	key, err := readSecret(envAPIKey, "chiave GPD")
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	err = a.Impostazioni.SalvaGPD(ctx, by, *gpdURL, key)
	var ve impostazioni.ErrValidazione
	switch {
	case errors.As(err, &ve):
		return exitError{code: 1, msg: "pagopa configura: " + ve.Error()}
	case errors.Is(err, operatori.ErrNonAutorizzato):
		return exitError{code: 1, msg: fmt.Sprintf("pagopa configura: l'operatore %s non è amministratore", by.Username)}
	case err != nil:
		return err
	}
	fmt.Fprintln(stdout, "GPD configurato (chiave salvata nell'archivio delle credenziali)")
	return nil
}
