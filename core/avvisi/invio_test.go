package avvisi_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/protocollo"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

const casellaEnte = "protocollo@pec.comune-demo.it"

// ambiente is a database configured against a running sandbox: ente,
// GPD, a tipo dovuto and the ente's PEC mailbox.
type ambiente struct {
	sb    *sandbox.Sandbox
	db    *store.DB
	imp   *impostazioni.Service
	s     *avvisi.Service
	admin operatori.Operatore
}

func nuovoAmbiente(t *testing.T, cfg sandbox.Config) *ambiente {
	t.Helper()
	ctx := context.Background()
	cfg.Logger = slog.New(slog.DiscardHandler)
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := &ambiente{sb: sb, db: db, admin: operatori.Operatore{Username: "admin", Ruolo: operatori.RuoloAmministratore}}
	a.imp = &impostazioni.Service{DB: db, Secrets: &secrets.File{Path: filepath.Join(t.TempDir(), "s.json")}}
	cred := sb.GPDCredentials()
	must(t, a.imp.SalvaEnte(ctx, a.admin, impostazioni.Ente{Denominazione: "Comune di Vimercate", CodiceFiscale: cred.OrganizationFiscalCode,
		CodiceIPA: "c_m052", Settore: "Servizi scolastici", Indirizzo: "Piazza Unità d'Italia 1, 20871 Vimercate (MB)"}))
	must(t, a.imp.SalvaGPD(ctx, a.admin, cred.BaseURL, cred.Key))
	_, err = a.imp.SalvaTipoDovuto(ctx, a.admin, store.TipoDovuto{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico",
		Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true})
	must(t, err)
	pec := sb.PECCredentials()
	var pw string
	for _, c := range pec.Caselle {
		if c.Indirizzo == casellaEnte {
			pw = c.Password
		}
	}
	must(t, a.imp.SalvaCasella(ctx, a.admin, store.CasellaPosta{Tipo: impostazioni.CasellaPEC, Indirizzo: casellaEnte,
		SMTPHost: pec.Host, SMTPPorta: pec.SMTPPort, SMTPSicurezza: impostazioni.SicurezzaTLS, IMAPHost: pec.Host,
		IMAPPorta: pec.IMAPPort, IMAPSicurezza: impostazioni.SicurezzaTLS, CAPEM: pec.CAPEM}, pw))
	a.s = avvisi.New(db, a.imp, &protocollo.Locale{DB: db, Imp: a.imp}, avvisi.Opzioni{Jobs: jobs.Options{RetryBase: 10 * time.Millisecond}})
	return a
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// lotto imports and generates a batch of the rows "Intestazione;CF;indirizzo".
func (a *ambiente) lotto(t *testing.T, protocollare bool, righe ...[3]string) avvisi.Lotto {
	t.Helper()
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("Intestazione;CodiceFiscale;Importo;IndirizzoPec;Indirizzo;CAP;Comune;Provincia\n")
	for i, r := range righe {
		fmt.Fprintf(&csv, "%s;%s;%d,50;%s;Via Roma %d;20871;Vimercate;MB\n", r[0], r[1], 100+i, r[2], i+1)
	}
	l, lettura, err := a.s.ImportaLotto(ctx, a.admin, "lista.csv", strings.NewReader(csv.String()), avvisi.OpzioniLotto{
		TipoDovuto: "TRASPORTO", Scadenza: time.Now().AddDate(0, 1, 0), Causale: "Trasporto scolastico 2026/27",
		Protocollazione: protocollare, OggettoProtocollo: "Avviso di pagamento trasporto scolastico", Spedizione: avvisi.PEC})
	if err != nil {
		t.Fatalf("import: %v %+v", err, lettura)
	}
	if av, err := a.s.Genera(ctx, a.admin, a.imp, l.UUID, nil); err != nil || av.Errori > 0 {
		t.Fatalf("genera: %+v %v", av, err)
	}
	return l
}

func (a *ambiente) statiInvio(t *testing.T, l avvisi.Lotto) map[string]store.AvvisoLotto {
	t.Helper()
	righe, err := a.s.RigheLotto(context.Background(), l.UUID)
	must(t, err)
	out := map[string]store.AvvisoLotto{}
	for _, r := range righe {
		out[r.IndirizzoPec] = r
	}
	return out
}

// A batch sent by PEC: each notice is protocolled (numbers 1..n of the
// year, no gap), sent once with letter and notice attached, and the
// receipts read from the mailbox take each to its outcome: delivered,
// not delivered (with the provider's reason), accepted only (a non-PEC
// address, or a provider that never answers).
func TestInviaPEC(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 2026})
	cf := sandbox.SampleCodes(2026, 4).Enabled
	l := a.lotto(t, true,
		[3]string{"Giulia Brambilla", cf[0], "giulia.brambilla@pec.it"},
		[3]string{"Marco Colombo", cf[1], "inesistente.colombo@pec.it"},
		[3]string{"Anna Ferrari", cf[2], "silenzio.ferrari@pec.it"},
		[3]string{"Luca Galli", cf[3], "luca.galli@gmail.com"})
	var ultimo jobs.Progress
	if err := a.s.Invia(ctx, a.admin, l.UUID, func(p jobs.Progress) { ultimo = p }); err != nil {
		t.Fatal(err)
	}
	if ultimo.Done != 4 || ultimo.Total != 4 {
		t.Fatalf("progress: %+v", ultimo)
	}
	st := a.sb.Stats().PEC
	if st.Inviati != 4 || st.DuplicatiMessageID != 0 || st.Duplicati != 0 {
		t.Fatalf("sandbox: %+v", st)
	}
	numeri, err := a.db.NumeriProtocollo(ctx, time.Now().In(protocolloZona()).Year())
	if err != nil || fmt.Sprint(numeri) != "[1 2 3 4]" {
		t.Fatalf("protocol numbers: %v %v", numeri, err)
	}
	// The sent message: the letter (with its protocol number) and the notice.
	msgs, err := a.sb.MessaggiPEC("giulia.brambilla@pec.it")
	if err == nil && len(msgs) > 0 {
		t.Logf("unexpected: an external provider's mailbox is simulated: %d", len(msgs))
	}
	// Receipts: acceptance at once, delivery with ProcessingDelay 0.
	deadline := time.Now().Add(10 * time.Second)
	var stati map[string]store.AvvisoLotto
	for {
		if _, err := a.s.AggiornaRicevute(ctx, a.admin); err != nil {
			t.Fatal(err)
		}
		stati = a.statiInvio(t, l)
		if stati["giulia.brambilla@pec.it"].Invio.Stato == store.InvioConsegnato &&
			stati["inesistente.colombo@pec.it"].Invio.Stato == store.InvioErroreConsegna || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	want := map[string]string{
		"giulia.brambilla@pec.it":    store.InvioConsegnato,
		"inesistente.colombo@pec.it": store.InvioErroreConsegna,
		"silenzio.ferrari@pec.it":    store.InvioAccettato,
		"luca.galli@gmail.com":       store.InvioAccettato,
	}
	for addr, w := range want {
		if got := stati[addr].Invio; got.Stato != w {
			t.Errorf("%s: %+v, want %s", addr, got, w)
		}
	}
	if e := stati["inesistente.colombo@pec.it"].Invio.Errore; e == "" {
		t.Error("the delivery error carries no reason")
	}
	if c := stati["giulia.brambilla@pec.it"].Invio; c.ConsegnatoIl.IsZero() || c.InviatoIl.IsZero() {
		t.Errorf("dates: %+v", c)
	}
	lotto, _, _ := a.db.ConteggiLotto(ctx, l.UUID)
	if lotto.Stato != avvisi.LottoInviato {
		t.Errorf("batch state %s", lotto.Stato)
	}

	// The detail: protocol, receipts kept with their raw message, story.
	d, err := a.s.Dettaglio(ctx, stati["giulia.brambilla@pec.it"].IUV)
	must(t, err)
	if d.Protocollo == nil || d.Protocollo.Numero == 0 || len(d.Ricevute) != 2 {
		t.Fatalf("detail: %+v %d receipts", d.Protocollo, len(d.Ricevute))
	}
	eml, err := a.s.RicevutaEML(ctx, d.Ricevute[1].ID)
	if err != nil || !strings.Contains(string(eml.EML), "X-Ricevuta: avvenuta-consegna") {
		t.Fatalf("raw receipt: %v", err)
	}
	if len(d.Storia) < 4 {
		t.Fatalf("story: %+v", d.Storia)
	}

	// Sending again does nothing; a re-send of the failed one is a new message.
	must(t, a.s.Invia(ctx, a.admin, l.UUID, nil))
	if n := a.sb.Stats().PEC.Inviati; n != 4 {
		t.Fatalf("a second Invia sent again: %d", n)
	}
	prima := stati["inesistente.colombo@pec.it"]
	must(t, a.s.Reinvia(ctx, a.admin, []string{prima.IUV}, nil))
	dopo := a.statiInvio(t, l)["inesistente.colombo@pec.it"]
	if a.sb.Stats().PEC.Inviati != 5 || dopo.Invio.MessageID == prima.Invio.MessageID || dopo.Invio.Stato != store.InvioInviato {
		t.Fatalf("re-send: %+v", dopo.Invio)
	}
	if numeri, _ := a.db.NumeriProtocollo(ctx, time.Now().In(protocolloZona()).Year()); len(numeri) != 4 {
		t.Fatalf("a re-send took a new protocol number: %v", numeri)
	}
}

func protocolloZona() *time.Location {
	l, _ := time.LoadLocation("Europe/Rome")
	return l
}

// SMTP faults: a temporary refusal is retried, a permanent one fails the
// row with the server's reason, a connection dropped while the message was
// being handed over leaves the row uncertain (never re-sent by itself),
// and a wrong password stops nothing but explains itself.
func TestInviaGuasti(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 7})
	cf := sandbox.SampleCodes(7, 3).Enabled
	l := a.lotto(t, false,
		[3]string{"Giulia Brambilla", cf[0], "giulia.brambilla@pec.it"},
		[3]string{"Marco Colombo", cf[1], "marco.colombo@pec.it"},
		[3]string{"Anna Ferrari", cf[2], "anna.ferrari@pec.it"})
	a.sb.InjectPECFaults(sandbox.PECFault451, sandbox.PECFault554, sandbox.PECFaultDropAfter)
	err := a.s.Invia(ctx, a.admin, l.UUID, nil)
	must(t, err)
	stati := a.statiInvio(t, l)
	conta := map[string]int{}
	for _, r := range stati {
		conta[r.Invio.Stato]++
	}
	if conta[store.InvioInviato] != 1 || conta[store.InvioErrore] != 1 || conta[store.InvioIncerto] != 1 {
		t.Fatalf("states: %v", conta)
	}
	for _, r := range stati {
		if r.Invio.Stato == store.InvioErrore && !strings.Contains(r.Invio.Errore, "554") {
			t.Errorf("the permanent refusal does not say why: %q", r.Invio.Errore)
		}
	}
	lotto, _, _ := a.db.ConteggiLotto(ctx, l.UUID)
	if lotto.Stato != avvisi.LottoInvioIncompleto {
		t.Errorf("batch state %s", lotto.Stato)
	}
	// The uncertain one had in fact left: its acceptance receipt settles it.
	if _, err := a.s.AggiornaRicevute(ctx, a.admin); err != nil {
		t.Fatal(err)
	}
	for _, r := range a.statiInvio(t, l) {
		if r.Invio.Stato == store.InvioIncerto {
			t.Errorf("%s still uncertain after its receipts were read", r.IndirizzoPec)
		}
	}

	// A wrong password: a clear error, nothing marked as sent.
	pec := a.sb.PECCredentials()
	must(t, a.imp.SalvaCasella(ctx, a.admin, store.CasellaPosta{Tipo: impostazioni.CasellaPEC, Indirizzo: casellaEnte,
		SMTPHost: pec.Host, SMTPPorta: pec.SMTPPort, SMTPSicurezza: impostazioni.SicurezzaTLS, IMAPHost: pec.Host,
		IMAPPorta: pec.IMAPPort, IMAPSicurezza: impostazioni.SicurezzaTLS, CAPEM: pec.CAPEM}, "sbagliata"))
	if err := a.s.VerificaCasella(ctx, impostazioni.CasellaPEC); err == nil || !strings.Contains(err.Error(), "utente e password") {
		t.Fatalf("wrong password: %v", err)
	}
	// ...and a send says so once, queueing nothing, instead of failing every row.
	cf2 := sandbox.SampleCodes(8, 1).Enabled
	l2 := a.lotto(t, false, [3]string{"Luca Galli", cf2[0], "luca.galli@pec.it"})
	if err := a.s.Invia(ctx, a.admin, l2.UUID, nil); err == nil || !strings.Contains(err.Error(), "utente e password") {
		t.Fatalf("send with a wrong password: %v", err)
	}
	if r := a.statiInvio(t, l2)["luca.galli@pec.it"]; r.Invio.Stato != "" {
		t.Fatalf("a refused login queued the row: %+v", r.Invio)
	}
}

// One reading files every receipt waiting in the mailbox, however many
// pages the IMAP reader takes to fetch them.
func TestAggiornaRicevuteLeggeTutto(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 11})
	cf := sandbox.SampleCodes(11, 80).Enabled
	righe := make([][3]string, 80)
	for i := range righe {
		righe[i] = [3]string{fmt.Sprintf("Cittadino %d", i), cf[i], fmt.Sprintf("cittadino.%d@pec.it", i)}
	}
	l := a.lotto(t, false, righe...)
	if c := a.sb.Stats().Calls; c["gpd.createMultiplePositions"] != 1 || c["gpd.createPosition"] != 0 {
		t.Fatalf("80 positions should be one GPD call: %v", c)
	}
	must(t, a.s.Invia(ctx, a.admin, l.UUID, nil))
	for a.sb.Stats().PEC.InAttesa > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	n, err := a.s.AggiornaRicevute(ctx, a.admin)
	if err != nil || n != 160 {
		t.Fatalf("receipts filed in one reading: %d %v", n, err)
	}
	for _, r := range a.statiInvio(t, l) {
		if r.Invio.Stato != store.InvioConsegnato {
			t.Fatalf("%s: %s", r.IndirizzoPec, r.Invio.Stato)
		}
	}
	if n, err := a.s.AggiornaRicevute(ctx, a.admin); err != nil || n != 0 {
		t.Fatalf("second reading: %d %v", n, err)
	}
}

// The story of a notice tells things in the order they happened, also
// within one second: imported, protocolled, sent, accepted, delivered.
func TestStoriaInOrdine(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 5})
	cf := sandbox.SampleCodes(5, 1).Enabled
	l := a.lotto(t, true, [3]string{"Giulia Brambilla", cf[0], "giulia.brambilla@pec.it"})
	must(t, a.s.Invia(ctx, a.admin, l.UUID, nil))
	for a.sb.Stats().PEC.InAttesa > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	_, err := a.s.AggiornaRicevute(ctx, a.admin)
	must(t, err)
	r := a.statiInvio(t, l)["giulia.brambilla@pec.it"]
	d, err := a.s.Dettaglio(ctx, r.IUV)
	must(t, err)
	var got []string
	for _, e := range d.Storia {
		got = append(got, strings.Fields(e.Cosa)[0])
	}
	if strings.Join(got, " ") != "Importato Protocollato Inviato Ricevuta Ricevuta" {
		t.Fatalf("story: %v", got)
	}
}

// By ordinary e-mail there are no receipts: a notice the server accepted
// is delivered, as far as anyone can know.
func TestInviaEmail(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 3})
	pec := a.sb.PECCredentials()
	for _, c := range pec.Caselle {
		if !c.PEC && strings.HasSuffix(c.Indirizzo, "@comune-demo.it") {
			must(t, a.imp.SalvaCasella(ctx, a.admin, store.CasellaPosta{Tipo: impostazioni.CasellaEmail, Indirizzo: c.Indirizzo,
				SMTPHost: pec.Host, SMTPPorta: pec.SMTPPort, SMTPSicurezza: impostazioni.SicurezzaTLS, CAPEM: pec.CAPEM}, c.Password))
		}
	}
	cf := sandbox.SampleCodes(3, 2).Enabled
	csv := "Intestazione;CodiceFiscale;Importo;IndirizzoPec\nGiulia Brambilla;" + cf[0] + ";180,00;giulia.brambilla@gmail.com\n" +
		"Marco Colombo;" + cf[1] + ";220,00;marco.colombo@libero.it\n"
	l, _, err := a.s.ImportaLotto(ctx, a.admin, "email.csv", strings.NewReader(csv), avvisi.OpzioniLotto{TipoDovuto: "TRASPORTO",
		Scadenza: time.Now().AddDate(0, 1, 0), Causale: "Trasporto scolastico", Spedizione: avvisi.Email})
	must(t, err)
	_, err = a.s.Genera(ctx, a.admin, a.imp, l.UUID, nil)
	must(t, err)
	must(t, a.s.Invia(ctx, a.admin, l.UUID, nil))
	for addr, r := range a.statiInvio(t, l) {
		if r.Invio.Stato != store.InvioConsegnato || r.Invio.ConsegnatoIl.IsZero() {
			t.Errorf("%s: %+v", addr, r.Invio)
		}
	}
	if st := a.sb.Stats().PEC; st.Inviati != 2 || st.Ricevute["accettazione"] != 0 {
		t.Fatalf("sandbox: %+v", st)
	}
}
