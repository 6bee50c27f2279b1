package pec

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/sportello/sportello/core/sandbox"
)

const (
	protocollo = "protocollo@pec.comune-demo.it"
	rossi      = "mario.rossi@pec.sandbox.it"
)

func avviaSandbox(t testing.TB, cfg sandbox.Config) *sandbox.Sandbox {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	sb, err := sandbox.Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func password(t testing.TB, sb *sandbox.Sandbox, addr string) string {
	t.Helper()
	for _, c := range sb.PECCredentials().Caselle {
		if c.Indirizzo == addr {
			return c.Password
		}
	}
	t.Fatalf("no mailbox %s", addr)
	return ""
}

func configSMTP(t testing.TB, sb *sandbox.Sandbox, utente string) ConfigSMTP {
	cr := sb.PECCredentials()
	return ConfigSMTP{Host: cr.Host, Porta: cr.SMTPPort, Sicurezza: TLSImplicito, Utente: utente,
		Password: password(t, sb, utente), CAPEM: []byte(cr.CAPEM)}
}

func configIMAP(t testing.TB, sb *sandbox.Sandbox, utente string) ConfigIMAP {
	cr := sb.PECCredentials()
	return ConfigIMAP{Host: cr.Host, Porta: cr.IMAPPort, Sicurezza: TLSImplicito, Utente: utente,
		Password: password(t, sb, utente), CAPEM: []byte(cr.CAPEM)}
}

func mittente(t testing.TB, cfg ConfigSMTP) *Mittente {
	t.Helper()
	m, err := NuovoMittente(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func lettore(t testing.TB, cfg ConfigIMAP) *Lettore {
	t.Helper()
	l, err := NuovoLettore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// pdf is a small stand-in for a payment notice.
var pdf = append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789 avviso di pagamento\n"), 2000)...)

func messaggio(a, oggetto string) Messaggio {
	return Messaggio{MessageID: NuovoMessageID("comune-demo.it"), Da: protocollo, A: a, Oggetto: oggetto,
		Testo: "Gentile contribuente,\nin allegato l'avviso.", Allegati: []Allegato{{Nome: "avviso.pdf", Tipo: "application/pdf", Dati: pdf}}}
}

// tutti reads every message after dopo, batch by batch.
func tutti(t testing.TB, l *Lettore, dopo, validity uint32) ([]MessaggioIMAP, uint32) {
	t.Helper()
	var out []MessaggioIMAP
	for {
		msgs, v, err := l.Nuovi(context.Background(), dopo, validity)
		if err != nil {
			t.Fatal(err)
		}
		if v != validity {
			validity, dopo = v, 0
		}
		if len(msgs) == 0 {
			return out, validity
		}
		out = append(out, msgs...)
		dopo = msgs[len(msgs)-1].UID
	}
}

// attendiRicevute reads the mailbox until it holds n messages, waiting
// with Attendi in between (the bound only keeps a broken build from hanging).
func attendiRicevute(t testing.TB, l *Lettore, n int) []Ricevuta {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var msgs []MessaggioIMAP
	var dopo, validity uint32
	for len(msgs) < n {
		nuovi, v, err := l.Nuovi(ctx, dopo, validity)
		if err != nil {
			t.Fatal(err)
		}
		validity = v
		msgs = append(msgs, nuovi...)
		if len(nuovi) > 0 {
			dopo = nuovi[len(nuovi)-1].UID
			continue
		}
		if len(msgs) < n {
			if _, err := l.Attendi(ctx, time.Second); err != nil {
				t.Fatalf("waiting for %d messages (got %d): %v", n, len(msgs), err)
			}
		}
	}
	out := make([]Ricevuta, len(msgs))
	for i, m := range msgs {
		r, err := LeggiRicevuta(m.Raw)
		if err != nil {
			t.Fatalf("message %d: %v", m.UID, err)
		}
		out[i] = r
	}
	return out
}
