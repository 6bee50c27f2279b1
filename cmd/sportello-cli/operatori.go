package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/sportello/sportello/core/operatori"
)

func init() {
	register(command{
		name: "operatori",
		usage: "operatori elenco | aggiungi --username U --nome \"Nome Cognome\" --ruolo R [--email E] [--admin-username A]\n" +
			"                               (password da SPORTELLO_PASSWORD o dallo standard input, mai dagli argomenti;\n" +
			"                               sul database vuoto il primo account è l'amministratore)",
		run: runOperatori,
	})
}

var runOperatori = sottocomandi("operatori", sottocomando{"elenco", operatoriElenco}, sottocomando{"aggiungi", operatoriAggiungi})

func operatoriElenco(ctx context.Context, g globals, _ []string, stdout, _ io.Writer) error {
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.DB.Operatori(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNOME\tRUOLO\tATTIVO")
	for _, o := range list {
		attivo := "sì"
		if !o.Attivo {
			attivo = "no"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Username, o.Nome, operatori.Ruolo(o.Ruolo).Label(), attivo)
	}
	return tw.Flush()
}

func operatoriAggiungi(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("operatori aggiungi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var n operatori.Nuovo
	var ruolo, by string
	fs.StringVar(&n.Username, "username", "", "nome utente")
	fs.StringVar(&n.Nome, "nome", "", "nome e cognome")
	fs.StringVar(&n.Email, "email", "", "e-mail")
	fs.StringVar(&ruolo, "ruolo", "operatore", "operatore | operatore_invio | supervisore | amministratore")
	fs.StringVar(&by, "admin-username", "", "amministratore che crea l'account (registrato nello storico)")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	r, ok := operatori.RuoloByLabel(ruolo)
	if !ok {
		return exitError{code: 2, msg: fmt.Sprintf("ruolo %q sconosciuto", ruolo)}
	}
	n.Ruolo, n.Attivo = r, true
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if n.Password, err = readSecret("SPORTELLO_PASSWORD", "password"); err != nil {
		return err
	}
	primo, err := a.Operatori.PrimoAvvio(ctx)
	if err != nil {
		return err
	}
	if primo {
		if r != operatori.RuoloAmministratore {
			return exitError{code: 1, msg: "il database non ha ancora operatori: il primo account deve essere --ruolo amministratore"}
		}
		_, err = a.Operatori.CreaAmministratore(ctx, n)
	} else {
		admin, lerr := a.DB.OperatoreByUsername(ctx, by)
		if lerr != nil || operatori.Ruolo(admin.Ruolo) != operatori.RuoloAmministratore || !admin.Attivo {
			return exitError{code: 1, msg: "indicare con --admin-username un amministratore attivo"}
		}
		_, err = a.Operatori.Crea(ctx, operatori.Operatore{ID: admin.ID, Username: admin.Username, Ruolo: operatori.RuoloAmministratore}, n)
	}
	var ve operatori.ErrValidazione
	if errors.As(err, &ve) {
		return exitError{code: 1, msg: ve.Error()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "operatore %s creato (%s)\n", n.Username, r.Label())
	return nil
}

// readSecret takes a secret from the environment or the first line of
// stdin, never from the command line (argv is visible to every user).
func readSecret(env, what string) (string, error) {
	if v := os.Getenv(env); v != "" {
		return v, nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", exitError{code: 1, msg: fmt.Sprintf("%s mancante: impostare %s o passarla sullo standard input", what, env)}
	}
	return strings.TrimRight(line, "\r\n"), nil
}
