package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/sportello/sportello/core/demo"
	"github.com/sportello/sportello/core/sandbox"
)

func init() {
	register(command{
		name:  "sandbox",
		usage: "sandbox --listen ADDR [--rate 150/5s|off] [--faults SPEC] [--seed N] [--state DIR] [--delay 2s]",
		run:   runSandbox,
	})
}

// runSandbox serves the API sandbox until ctx is cancelled. Its first
// stdout line is the credentials JSON; logs go to stderr.
func runSandbox(ctx context.Context, _ globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8787", "indirizzo di ascolto host:porta (porta 0: una libera)")
	rate := fs.String("rate", sandbox.DefaultRate.String(), "limite di chiamate per account, N/DURATA oppure off")
	faults := fs.String("faults", "", "guasti simulati, es. 5xx=0.02,reset=0.01,latency=20ms..200ms")
	seed := fs.Int64("seed", demo.Seed, "seme di popolazione, chiavi, esiti e guasti (predefinito: quello della modalità dimostrativa)")
	state := fs.String("state", "", "cartella in cui conservare i messaggi tra un avvio e l'altro (vuoto: solo in memoria)")
	delay := fs.Duration("delay", sandbox.DefaultProcessingDelay, "tempo di elaborazione di un messaggio (0: immediato)")
	verbose := fs.Bool("v", false, "registra ogni richiesta su stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "uso: sportello-cli sandbox [opzioni]")
		fmt.Fprintln(stderr, "Simula in locale App IO, pagoPA (GPD) e un gestore PEC (SMTP e IMAP). La prima riga su stdout è un")
		fmt.Fprintln(stderr, "oggetto JSON con indirizzi e credenziali (caselle PEC e certificato della CA compresi).")
		fs.PrintDefaults()
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, sandbox.PECRules)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{code: 2}
	}
	if fs.NArg() > 0 {
		return exitError{code: 2, msg: fmt.Sprintf("sandbox: argomento inatteso %q", fs.Arg(0))}
	}
	r, err := sandbox.ParseRate(*rate)
	if err != nil {
		return exitError{code: 2, msg: "sandbox: " + err.Error()}
	}
	f, err := sandbox.ParseFaults(*faults)
	if err != nil {
		return exitError{code: 2, msg: "sandbox: " + err.Error()}
	}
	if *delay < 0 {
		return exitError{code: 2, msg: "sandbox: --delay non può essere negativo"}
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if !loopback(*listen) {
		log.Warn("listening on a non-loopback address: the sandbox has no real security and prints its keys", "listen", *listen)
	}

	sb, err := sandbox.Start(ctx, *listen, sandbox.Config{
		Seed: *seed, Rate: r, Faults: f, ProcessingDelay: *delay, StateDir: *state, Logger: log,
	})
	if err != nil {
		return err
	}
	line, err := json.Marshal(sb.Credentials())
	if err != nil {
		sb.Close()
		return err
	}
	if _, err := stdout.Write(append(line, '\n')); err != nil {
		sb.Close()
		return err
	}
	for _, s := range sb.Services() {
		log.Info("io service", "name", s.Name, "service_id", s.ServiceID, "level", s.FeatureLevel)
	}
	pec := sb.PECCredentials()
	log.Info("sandbox ready", "io", sb.IOBaseURL(), "gpd", sb.GPDCredentials().BaseURL, "pec_smtp", pec.SMTPPort,
		"pec_imap", pec.IMAPPort, "stats", sb.URL()+"/__sandbox/stats")
	<-ctx.Done()
	return sb.Close()
}

// loopback reports whether listen binds only a loopback interface.
func loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
