package registro

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

const (
	mittenteConferme = "ufficio.tributi@comune-demo.it" // the sandbox's ordinary mailbox
	titolareConferme = "titolare@posta-demo.it"         // an ordinary sandbox mailbox added for the owner
)

// nuovoConferme is nuovoSync with an ordinary sandbox mailbox for the owner.
func nuovoConferme(t *testing.T) (syncFixture, impostazioni.Casella) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	caselle := append(sandbox.DemoPEC(7), sandbox.CasellaPEC{Indirizzo: titolareConferme, Password: "segreta"})
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 7, ProviderDelay: ritardoProvider, PEC: caselle,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cr := sb.ProviderCredentials()
	s := New(db)
	if _, err := s.RegistraDominio(ctx, postmaster, store.Dominio{Dominio: cr.Domains[0], Certificato: true, Stato: "CERTIFIED"}); err != nil {
		t.Fatal(err)
	}
	f := syncFixture{s: s, sb: sb, c: &provider.Client{BaseURL: cr.BaseURL, Key: cr.Key, HTTP: &http.Client{Timeout: 5 * time.Second}},
		dominio: cr.Domains[0]}
	if _, err := s.Sincronizza(ctx, f.c); err != nil {
		t.Fatal(err)
	}
	p := sb.PECCredentials()
	var pw string
	for _, c := range p.Caselle {
		if c.Indirizzo == mittenteConferme {
			pw = c.Password
		}
	}
	posta := impostazioni.Casella{CasellaPosta: store.CasellaPosta{Tipo: impostazioni.CasellaEmail, Indirizzo: mittenteConferme,
		Utente: mittenteConferme, SMTPHost: p.Host, SMTPPorta: p.SubmissionPort, SMTPSicurezza: impostazioni.SicurezzaSTARTTLS,
		CAPEM: p.CAPEM}, Password: pw, Configurata: true}
	return f, posta
}

func (f syncFixture) casellaTitolare(t *testing.T, nome, cf string) int64 {
	t.Helper()
	n := form(nome, f.dominio, cf)
	n.Titolare.Email = titolareConferme
	id, err := f.s.InserisciCasella(context.Background(), postmaster, n)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func conferma(t *testing.T, s *Service, casellaID int64) store.ConfermaAttivazione {
	t.Helper()
	c, err := s.DB.ConfermaByCasella(context.Background(), casellaID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConfermaAttivazioneDalProvider(t *testing.T) {
	ctx := context.Background()
	f, posta := nuovoConferme(t)
	id := f.casellaTitolare(t, "mario.rossi", "RSSMRA80A01L219M")
	if _, err := f.s.DB.ConfermaByCasella(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("conferma prima dell'attivazione: %v", err)
	}
	deadline := time.Now().Add(30 * ritardoProvider)
	for {
		f.giro(t)
		c, err := f.s.Casella(ctx, postmaster, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stato == store.CasellaAttiva {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("casella non attivata: %+v", c)
		}
		time.Sleep(ritardoProvider / 2)
	}
	c := conferma(t, f.s, id)
	if c.Stato != store.ConfermaDaInviare || c.Destinatari != titolareConferme || c.MessageID == "" ||
		!strings.Contains(c.Testo, "La casella PEC mario.rossi@"+f.dominio+" è attiva dal ") {
		t.Fatalf("conferma %+v", c)
	}
	prima := f.sb.Stats().PEC.Inviati
	for i, want := range []int{1, 0} {
		n, e, err := f.s.InviaConferme(ctx, posta)
		if err != nil || n != want || e != 0 {
			t.Fatalf("giro %d: inviate %d errori %d %v", i, n, e, err)
		}
	}
	if got := f.sb.Stats().PEC.Inviati - prima; got != 1 {
		t.Fatalf("messaggi inviati %d, attesi 1", got)
	}
	msgs, err := f.sb.MessaggiPEC(titolareConferme)
	if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Oggetto, "mario.rossi@"+f.dominio) ||
		!strings.Contains(string(msgs[0].Raw), c.MessageID) {
		t.Fatalf("casella del titolare: %+v %v", msgs, err)
	}
	// The reseller (the sending mailbox) has the copy.
	copie, err := f.sb.MessaggiPEC(mittenteConferme)
	if err != nil || len(copie) != 1 || !strings.Contains(string(copie[0].Raw), c.MessageID) ||
		!strings.Contains(string(copie[0].Raw), "Cc: <"+mittenteConferme+">") && !strings.Contains(string(copie[0].Raw), "Cc: "+mittenteConferme) {
		t.Fatalf("copia al rivenditore: %+v %v", copie, err)
	}
	c = conferma(t, f.s, id)
	if c.Stato != store.ConfermaInviata || c.InviataIl.IsZero() || c.Destinatari != titolareConferme+", "+mittenteConferme {
		t.Fatalf("dopo l'invio %+v", c)
	}
	// A later sync round does not queue it again.
	f.giro(t)
	if c2 := conferma(t, f.s, id); c2.ID != c.ID || c2.Stato != store.ConfermaInviata {
		t.Fatalf("conferma ripetuta %+v", c2)
	}
}

func TestConfermaAttivaEInVolo(t *testing.T) {
	ctx := context.Background()
	f, posta := nuovoConferme(t)
	uno := f.casellaTitolare(t, "uno", "RSSMRA80A01L219M")
	due := f.casellaTitolare(t, "due", "RSSMRA80A01L219M")
	for _, id := range []int64{uno, due} {
		if err := f.s.Attiva(ctx, postmaster, id, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	if c := conferma(t, f.s, uno); !strings.Contains(c.Testo, "è attiva dal 02/03/2026") {
		t.Fatalf("testo %q", c.Testo)
	}
	// Already ATTIVA: nothing more.
	if err := f.s.Attiva(ctx, postmaster, uno, time.Time{}); err != nil {
		t.Fatal(err)
	}
	// Not configured: an error, nothing sent.
	if _, _, err := f.s.InviaConferme(ctx, impostazioni.Casella{}); !errors.Is(err, ErrPostaNonConfigurata) {
		t.Fatalf("casella non configurata: %v", err)
	}
	// "due" was in flight when a previous run stopped.
	d := conferma(t, f.s, due)
	d.Stato = store.ConfermaInvio
	if err := f.s.DB.Write(ctx, "test", func(tx *store.Tx) error {
		ok, err := tx.AggiornaConferma(ctx, store.ConfermaDaInviare, d)
		if err == nil && !ok {
			err = errors.New("non aggiornata")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	prima := f.sb.Stats().PEC.Inviati
	if n, e, err := f.s.InviaConferme(ctx, posta); err != nil || n != 1 || e != 0 {
		t.Fatalf("inviate %d errori %d %v", n, e, err)
	}
	if n, _, err := f.s.InviaConferme(ctx, posta); err != nil || n != 0 {
		t.Fatalf("secondo giro: inviate %d %v", n, err)
	}
	if got := f.sb.Stats().PEC.Inviati - prima; got != 1 {
		t.Fatalf("messaggi inviati %d, atteso 1", got)
	}
	if c := conferma(t, f.s, uno); c.Stato != store.ConfermaInviata {
		t.Fatalf("uno %+v", c)
	}
	if c := conferma(t, f.s, due); c.Stato != store.ConfermaIncerta || c.Errore == "" {
		t.Fatalf("due %+v", c)
	}
	msgs, err := f.sb.MessaggiPEC(titolareConferme)
	if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Oggetto, "uno@") {
		t.Fatalf("casella del titolare: %+v %v", msgs, err)
	}
}

func TestConfermeNelCicloSync(t *testing.T) {
	f, posta := nuovoConferme(t)
	id := f.casellaTitolare(t, "ciclo", "RSSMRA80A01L219M")
	f.s.Posta = func(context.Context) (impostazioni.Casella, bool, error) { return posta, true, nil }
	stop := f.s.AvviaSync(f.c, ritardoProvider/3)
	defer stop.Close()
	deadline := time.Now().Add(40 * ritardoProvider)
	for {
		c, err := f.s.DB.ConfermaByCasella(context.Background(), id)
		if err == nil && c.Stato == store.ConfermaInviata {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("conferma non inviata dal ciclo: %+v %v", c, err)
		}
		time.Sleep(ritardoProvider / 3)
	}
}
