package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// envPassword carries a mailbox's password: never on the command line.
const envPassword = "SPORTELLO_PASSWORD"

func init() {
	const desc = "\n                               "
	register(command{
		name: "posta",
		usage: "posta configura --tipo pec|email --indirizzo ADDR --smtp HOST:PORTA [--smtp-sicurezza tls|starttls|nessuna]" +
			desc + "[--imap HOST:PORTA] [--imap-sicurezza …] [--utente U] [--ca FILE.pem]" +
			desc + "la casella da cui partono gli avvisi (PEC, con IMAP per le ricevute, o e-mail ordinaria);" +
			desc + "la password si legge da " + envPassword + " o dallo standard input, mai dagli argomenti",
		run: runPosta,
	})
}

func runPosta(ctx context.Context, g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "configura" {
		return exitError{code: 2, msg: "posta: indicare configura"}
	}
	fs := flag.NewFlagSet("posta configura", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tipo := fs.String("tipo", "pec", "pec o email")
	var c store.CasellaPosta
	fs.StringVar(&c.Indirizzo, "indirizzo", "", "indirizzo della casella, es. protocollo@pec.comune.esempio.it")
	fs.StringVar(&c.Utente, "utente", "", "nome utente per SMTP e IMAP (se diverso dall'indirizzo)")
	smtp := fs.String("smtp", "", "server SMTP, es. smtps.pec.aruba.it:465")
	smtpSic := fs.String("smtp-sicurezza", "tls", "tls, starttls o nessuna")
	imap := fs.String("imap", "", "server IMAP per le ricevute PEC, es. imaps.pec.aruba.it:993")
	imapSic := fs.String("imap-sicurezza", "tls", "tls, starttls o nessuna")
	ca := fs.String("ca", "", "certificato PEM da considerare affidabile oltre a quelli del sistema")
	if _, err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	c.Tipo = strings.ToUpper(*tipo)
	var err error
	if c.SMTPHost, c.SMTPPorta, err = hostPorta(*smtp); err != nil {
		return exitError{code: 2, msg: "posta configura: --smtp " + err.Error()}
	}
	if *imap != "" {
		if c.IMAPHost, c.IMAPPorta, err = hostPorta(*imap); err != nil {
			return exitError{code: 2, msg: "posta configura: --imap " + err.Error()}
		}
	}
	c.SMTPSicurezza, c.IMAPSicurezza = strings.ToUpper(*smtpSic), strings.ToUpper(*imapSic)
	if *ca != "" {
		b, err := os.ReadFile(*ca)
		if err != nil {
			return exitError{code: 1, msg: "posta configura: " + err.Error()}
		}
		c.CAPEM = string(b)
	}
	pw, err := readSecret(envPassword, "password della casella")
	if err != nil {
		return err
	}
	a, by, err := appOperatore(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	err = a.Impostazioni.SalvaCasella(ctx, by, c, pw)
	var ve impostazioni.ErrValidazione
	switch {
	case errors.As(err, &ve):
		return exitError{code: 1, msg: "posta configura: " + err.Error()}
	case errors.Is(err, operatori.ErrNonAutorizzato):
		return exitError{code: 1, msg: fmt.Sprintf("posta configura: l'operatore %s non è amministratore", by.Username)}
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "casella %s configurata (password salvata nell'archivio delle credenziali)\n", c.Tipo)
	return nil
}

func hostPorta(s string) (string, int, error) {
	h, p, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, fmt.Errorf("nel formato HOST:PORTA (%q)", s)
	}
	n, err := strconv.Atoi(p)
	if err != nil || n <= 0 || n > 65535 {
		return "", 0, fmt.Errorf("porta non valida in %q", s)
	}
	return h, n, nil
}
