package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

func init() {
	register(command{
		name:  "backup",
		usage: "backup --out FILE            copia di sicurezza coerente del database, anche mentre è in uso",
		run:   runBackup,
	})
}

func runBackup(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file di destinazione (non deve esistere)")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	if *out == "" {
		return exitError{code: 2, msg: "backup: indicare --out FILE"}
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.DB.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copia di sicurezza di %s scritta in %s\n", a.DB.Path, *out)
	return nil
}
