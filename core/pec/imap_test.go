package pec

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sportello/sportello/core/sandbox"
)

func TestNuoviALotti(t *testing.T) {
	sb := avviaSandbox(t, sandbox.Config{Seed: 21})
	m := mittente(t, configSMTP(t, sb, protocollo))
	for range 5 {
		if err := m.Invia(context.Background(), messaggio("cittadino@example.com", "Lotti")); err != nil {
			t.Fatal(err)
		}
	}
	l := lettore(t, configIMAP(t, sb, protocollo))
	l.Lotto = 2
	ctx := context.Background()
	primi, validity, err := l.Nuovi(ctx, 0, 0)
	if err != nil || len(primi) != 2 || primi[0].UID != 1 || primi[1].UID != 2 || validity == 0 {
		t.Fatalf("first batch %v %d %v", uids(primi), validity, err)
	}
	resto, _ := tutti(t, l, 2, validity)
	if len(resto) != 3 || resto[0].UID != 3 || resto[2].UID != 5 {
		t.Fatalf("rest %v", uids(resto))
	}
	if nessuno, _, err := l.Nuovi(ctx, 5, validity); err != nil || len(nessuno) != 0 {
		t.Fatalf("after the last: %v %v", uids(nessuno), err)
	}
	for _, msg := range append(primi, resto...) {
		if r, err := LeggiRicevuta(msg.Raw); err != nil || r.Tipo != TipoAccettazione {
			t.Errorf("UID %d: %+v %v", msg.UID, r, err)
		}
	}

	// The sandbox starts the mailbox anew: the server drops the session,
	// the reader reconnects and, seeing another UIDVALIDITY, reads from the start.
	if err := sb.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := m.Invia(ctx, messaggio("cittadino@example.com", "Dopo il reset")); err != nil {
		t.Fatal(err)
	}
	dopo, v2, err := l.Nuovi(ctx, 5, validity)
	if err != nil || v2 == validity || len(dopo) != 1 || dopo[0].UID != 1 {
		t.Fatalf("after reset: %v validity %d→%d %v", uids(dopo), validity, v2, err)
	}
}

func uids(msgs []MessaggioIMAP) (out []uint32) {
	for _, m := range msgs {
		out = append(out, m.UID)
	}
	return out
}

func TestAttendiIDLE(t *testing.T) {
	sb := avviaSandbox(t, sandbox.Config{Seed: 22, ProcessingDelay: 50 * time.Millisecond})
	l := lettore(t, configIMAP(t, sb, protocollo))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, _, err := l.Nuovi(ctx, 0, 0); err != nil {
		t.Fatal(err)
	}
	if !l.idle {
		t.Fatal("the sandbox advertises IDLE")
	}
	// Nothing arrives: Attendi gives up after max.
	if nuovi, err := l.Attendi(ctx, 10*time.Millisecond); err != nil || nuovi {
		t.Fatalf("empty wait: %v %v", nuovi, err)
	}
	msg := messaggio("studio.bianchi@pec.esempio.it", "In attesa")
	if err := mittente(t, configSMTP(t, sb, protocollo)).Invia(ctx, msg); err != nil {
		t.Fatal(err)
	}
	var letti []MessaggioIMAP
	var dopo uint32
	for len(letti) < 2 {
		// An hour-long wait returns only because the server announced a message.
		nuovi, err := l.Attendi(ctx, time.Hour)
		if err != nil || !nuovi {
			t.Fatalf("Attendi: %v %v", nuovi, err)
		}
		msgs, _, err := l.Nuovi(ctx, dopo, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) > 0 {
			dopo = msgs[len(msgs)-1].UID
		}
		letti = append(letti, msgs...)
	}
	r, err := LeggiRicevuta(letti[1].Raw)
	if err != nil || r.Tipo != TipoAvvenutaConsegna || r.Riferimento != msg.MessageID {
		t.Fatalf("receipt %+v %v", r, err)
	}

	// Close ends a wait in progress.
	done := make(chan error, 1)
	go func() {
		_, err := l.Attendi(context.Background(), time.Hour)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let it start waiting; either order is correct
	l.Close()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		var ei *ErroreIMAP
		if !errors.As(err, &ei) {
			t.Errorf("Attendi after Close: %v", err)
		}
	}
}

func TestErroriIMAP(t *testing.T) {
	sb := avviaSandbox(t, sandbox.Config{Seed: 23})
	cfg := configIMAP(t, sb, protocollo)
	cfg.Password = "sbagliata"
	_, _, err := lettore(t, cfg).Nuovi(context.Background(), 0, 0)
	var ei *ErroreIMAP
	if !errors.As(err, &ei) || Temporaneo(err) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := lettore(t, cfg).Verifica(context.Background()); !errors.As(err, &ei) {
		t.Fatalf("Verifica with a wrong password: %v", err)
	}
	if err := lettore(t, configIMAP(t, sb, protocollo)).Verifica(context.Background()); err != nil {
		t.Fatalf("Verifica: %v", err)
	}
	cfg = configIMAP(t, sb, protocollo)
	cfg.Porta = sb.PECCredentials().SubmissionPort // an SMTP server
	cfg.Timeout = 5 * time.Second
	if _, _, err := lettore(t, cfg).Nuovi(context.Background(), 0, 0); err == nil {
		t.Fatal("IMAP against SMTP worked")
	}
}
