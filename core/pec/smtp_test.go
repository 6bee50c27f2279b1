package pec

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/sandbox"
)

func TestInviaERicevute(t *testing.T) {
	sb := avviaSandbox(t, sandbox.Config{Seed: 11})
	m := mittente(t, configSMTP(t, sb, protocollo))
	msgs := []Messaggio{
		messaggio("studio.bianchi@pec.esempio.it", "Avviso TARI 2026 – città"),
		messaggio("errore.verdi@pec.esempio.it", "Avviso TARI 2026"),
		messaggio("cittadino@example.com", "Avviso TARI 2026"),
		messaggio(rossi, "Avviso TARI 2026"),
	}
	msgs[0].Intestazioni = map[string]string{"X-TipoRicevuta": "completa"}
	for _, msg := range msgs {
		if err := m.Invia(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	if m.connessioni != 1 {
		t.Errorf("%d connections for %d messages", m.connessioni, len(msgs))
	}

	// 4 accettazioni, consegna, mancata consegna, consegna to the sandbox mailbox.
	ricevute := attendiRicevute(t, lettore(t, configIMAP(t, sb, protocollo)), 7)
	perID := map[string][]Ricevuta{}
	for _, r := range ricevute {
		perID[r.Riferimento] = append(perID[r.Riferimento], r)
	}
	tipi := func(id string) (out []string) {
		for _, r := range perID[id] {
			out = append(out, r.Tipo)
		}
		return out
	}
	if got := tipi(msgs[0].MessageID); len(got) != 2 || got[0] != TipoAccettazione || got[1] != TipoAvvenutaConsegna {
		t.Errorf("first message: %v", got)
	}
	cons := perID[msgs[0].MessageID][1]
	if cons.Destinatario != "studio.bianchi@pec.esempio.it" || cons.Oggetto != "Avviso TARI 2026 – città" || len(cons.Postacert) == 0 ||
		cons.Daticert.Ricevuta != "completa" || cons.Identificativo == "" || cons.Data.IsZero() || cons.Errore != "nessuno" {
		t.Errorf("consegna %+v", cons)
	}
	if orig, err := LeggiRicevuta(cons.Postacert); !errors.Is(err, ErrNonRicevuta) {
		t.Errorf("the original inside is not a receipt: %+v %v", orig, err)
	}
	if got := tipi(msgs[1].MessageID); len(got) != 2 || got[1] != TipoErroreConsegna || perID[msgs[1].MessageID][1].Errore != "no-dest" ||
		perID[msgs[1].MessageID][1].ErroreEsteso == "" {
		t.Errorf("second message: %v %+v", got, perID[msgs[1].MessageID])
	}
	if got := tipi(msgs[2].MessageID); len(got) != 1 || got[0] != TipoAccettazione {
		t.Errorf("not PEC: %v", got)
	}
	if got := tipi(msgs[3].MessageID); len(got) != 2 || got[1] != TipoAvvenutaConsegna {
		t.Errorf("sandbox mailbox: %v", got)
	}
	// The recipient's mailbox holds the envelope, with the original.
	busta := attendiRicevute(t, lettore(t, configIMAP(t, sb, rossi)), 1)[0]
	if busta.Tipo != TipoPostaCertificata || busta.Riferimento != msgs[3].MessageID || len(busta.Postacert) == 0 ||
		!strings.Contains(string(busta.Postacert), "avviso.pdf") {
		t.Errorf("envelope %+v", busta)
	}
	if st := sb.Stats().PEC; st.Inviati != 4 || st.Duplicati != 0 || st.DuplicatiMessageID != 0 {
		t.Errorf("sandbox stats %+v", st)
	}
}

func TestErroriSMTP(t *testing.T) {
	sb := avviaSandbox(t, sandbox.Config{Seed: 12})
	ctx := context.Background()

	bad := configSMTP(t, sb, protocollo)
	bad.Password = "sbagliata"
	if err := mittente(t, bad).Verifica(ctx); Temporaneo(err) || !strings.Contains(err.Error(), "controllare utente e password") {
		t.Fatalf("Verifica with a wrong password: %v", err)
	}
	err := mittente(t, bad).Invia(ctx, messaggio(rossi, "Prova"))
	var es *ErroreSMTP
	if !errors.As(err, &es) || es.Codice != 535 || es.Fase != FaseAutenticazione || Temporaneo(err) || Incerto(err) ||
		!strings.Contains(err.Error(), "controllare utente e password") {
		t.Fatalf("wrong password: %#v %v", es, err)
	}

	m := mittente(t, configSMTP(t, sb, protocollo))
	if err := m.Verifica(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Verifica(ctx); err != nil { // on the open connection
		t.Fatal(err)
	}
	sb.InjectPECFaults(sandbox.PECFault451)
	err = m.Invia(ctx, messaggio(rossi, "Guasto 451"))
	if !errors.As(err, &es) || es.Codice != 451 || !Temporaneo(err) || Incerto(err) || !strings.Contains(err.Error(), "temporaneamente") {
		t.Fatalf("451: %#v %v", es, err)
	}
	sb.InjectPECFaults(sandbox.PECFault554)
	err = m.Invia(ctx, messaggio(rossi, "Guasto 554"))
	if !errors.As(err, &es) || es.Codice != 554 || Temporaneo(err) || Incerto(err) {
		t.Fatalf("554: %#v %v", es, err)
	}
	if m.connessioni != 1 {
		t.Errorf("a reply code closed the connection: %d connections", m.connessioni)
	}

	sb.InjectPECFaults(sandbox.PECFaultDrop)
	err = m.Invia(ctx, messaggio(rossi, "Caduta durante DATA"))
	if !errors.As(err, &es) || !Incerto(err) || es.Fase != FaseTrasmissione || !strings.Contains(err.Error(), "incerto") {
		t.Fatalf("drop: %#v %v", es, err)
	}
	sb.InjectPECFaults(sandbox.PECFaultDropAfter)
	dopo := messaggio(rossi, "Caduta dopo l'accettazione")
	if err := m.Invia(ctx, dopo); !Incerto(err) {
		t.Fatalf("drop:after: %v", err)
	}
	if err := m.Invia(ctx, messaggio(rossi, "Dopo i guasti")); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
	if m.connessioni != 3 {
		t.Errorf("%d connections, want a new one after each drop", m.connessioni)
	}
	// The uncertain one did go: its accettazione is there.
	var trovata bool
	for _, r := range attendiRicevute(t, lettore(t, configIMAP(t, sb, protocollo)), 2) {
		trovata = trovata || r.Riferimento == dopo.MessageID && r.Tipo == TipoAccettazione
	}
	if !trovata {
		t.Error("no accettazione for the message whose reply was lost")
	}
}

func TestConnessioneRiusata(t *testing.T) {
	sb := avviaSandbox(t, sandbox.Config{Seed: 13})
	m := mittente(t, configSMTP(t, sb, protocollo))
	ctx := context.Background()
	if err := m.Invia(ctx, messaggio(rossi, "Primo")); err != nil {
		t.Fatal(err)
	}
	// The link dies while idle: the next message goes on a new connection.
	m.mu.Lock()
	m.raw.Close()
	m.mu.Unlock()
	if err := m.Invia(ctx, messaggio(rossi, "Secondo")); err != nil {
		t.Fatalf("after an idle drop: %v", err)
	}
	if m.connessioni != 2 {
		t.Errorf("%d connections", m.connessioni)
	}
	if st := sb.Stats().PEC; st.Inviati != 2 || st.Duplicati != 0 {
		t.Errorf("stats %+v", st)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := m.Invia(cctx, messaggio(rossi, "Annullato")); !errors.Is(err, context.Canceled) || Incerto(err) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestSicurezzaSMTP(t *testing.T) {
	sb := avviaSandbox(t, sandbox.Config{Seed: 14})
	ctx := context.Background()
	cfg := configSMTP(t, sb, protocollo)
	cfg.Sicurezza, cfg.Porta = STARTTLS, sb.PECCredentials().SubmissionPort
	if err := mittente(t, cfg).Invia(ctx, messaggio(rossi, "Via STARTTLS")); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}

	cfg = configSMTP(t, sb, protocollo)
	cfg.CAPEM = nil // the system roots do not know the sandbox's CA
	err := mittente(t, cfg).Invia(ctx, messaggio(rossi, "CA ignota"))
	if Temporaneo(err) || !strings.Contains(err.Error(), "certificato") {
		t.Errorf("unknown CA: %v", err)
	}

	cfg = configSMTP(t, sb, protocollo)
	cfg.Porta = sb.PECCredentials().SubmissionPort // TLS on the STARTTLS port
	if err := mittente(t, cfg).Invia(ctx, messaggio(rossi, "Porta sbagliata")); Temporaneo(err) || !strings.Contains(err.Error(), "TLS") {
		t.Errorf("implicit TLS on the STARTTLS port: %v", err)
	}

	for _, msg := range []Messaggio{
		{MessageID: "<x@y>", Da: protocollo, A: rossi},
		{MessageID: "senza-dominio", Da: protocollo, A: rossi},
		{MessageID: "a@b", Da: "non un indirizzo", A: rossi},
		{MessageID: "a@b", Da: protocollo, A: rossi, Intestazioni: map[string]string{"Subject": "x"}},
	} {
		if err := mittente(t, configSMTP(t, sb, protocollo)).Invia(ctx, msg); err == nil || Temporaneo(err) {
			t.Errorf("%+v: %v", msg, err)
		}
	}
}

func TestNuovoMessageID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NuovoMessageID("comune-demo.it")
		if seen[id] || !validoMessageID(id) || !strings.HasSuffix(id, "@comune-demo.it") {
			t.Fatalf("id %q", id)
		}
		seen[id] = true
	}
	if id := NuovoMessageID(""); !validoMessageID(id) {
		t.Errorf("without domain: %q", id)
	}
}
