// Command sportello-cli is the headless twin of Sportello: the API sandbox,
// batch jobs, maintenance and benchmarks over the same core, without Fyne.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// globals are the options accepted before the subcommand name.
type globals struct {
	db   string // --db PATH; empty means the default per-OS location
	demo bool   // --demo: demo database and in-process sandbox
	// operatore is --operatore USERNAME, who data-changing commands act as
	// (resolved by operatore.go: env SPORTELLO_OPERATORE, demo, sole admin).
	operatore string
	// limiteIO is --limite-io: the App IO gateway policy the sender keeps to
	// ("150/5s", the default, or "off" against a sandbox without limits).
	limiteIO string
}

// command is one subcommand. Run receives the arguments after its name.
type command struct {
	name  string
	usage string // one line: "sandbox --listen ADDR [--rate R] ..."
	run   func(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// exitError carries a specific exit status (1 = bad input, 2 = usage).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sportello-cli", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var g globals
	fs.StringVar(&g.db, "db", "", "percorso del database SQLite (predefinito: cartella dati utente)")
	fs.BoolVar(&g.demo, "demo", false, "usa il database dimostrativo e la sandbox integrata")
	fs.StringVar(&g.operatore, "operatore", "", "operatore che esegue i comandi che modificano dati (predefinito: $SPORTELLO_OPERATORE)")
	fs.StringVar(&g.limiteIO, "limite-io", "150/5s", "chiamate consentite dal gateway App IO per account, N/DURATA oppure off")
	fs.Usage = func() { printUsage(stderr) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		printUsage(stderr)
		return 2
	}
	c, ok := commands[rest[0]]
	if !ok {
		fmt.Fprintf(stderr, "comando sconosciuto: %q\n", rest[0])
		printUsage(stderr)
		return 2
	}
	if err := c.run(ctx, g, rest[1:], stdout, stderr); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(stderr, ee.msg)
			}
			return ee.code
		}
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "errore:", err)
		return 1
	}
	return 0
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "uso: sportello-cli [--db PATH] [--demo] [--operatore USERNAME] [--limite-io 150/5s|off] COMANDO [argomenti]")
	fmt.Fprintln(w, "comandi:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %s\n", commands[n].usage)
	}
}

// runFunc runs a command or subcommand.
type runFunc = func(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error

// sottocomando is one subcommand of a command.
type sottocomando struct {
	nome string
	run  runFunc
}

// sottocomandi is a command that dispatches its first argument among subs,
// named in the usage error in their order ("pec: indicare esporta,
// importa, configura o sincronizza").
func sottocomandi(comando string, subs ...sottocomando) runFunc {
	nomi := make([]string, len(subs))
	for i, s := range subs {
		nomi[i] = s.nome
	}
	elenco := nomi[len(nomi)-1]
	if len(nomi) > 1 {
		elenco = strings.Join(nomi[:len(nomi)-1], ", ") + " o " + elenco
	}
	return func(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
		if len(args) == 0 {
			return exitError{code: 2, msg: comando + ": indicare " + elenco}
		}
		for _, s := range subs {
			if s.nome == args[0] {
				return s.run(ctx, g, args[1:], stdout, stderr)
			}
		}
		return exitError{code: 2, msg: fmt.Sprintf("%s: sottocomando %q sconosciuto", comando, args[0])}
	}
}
