package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func TestPECDemoMailboxes(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 4})
	cr := sb.PECCredentials()
	var pec, ordinarie int
	for _, c := range cr.Caselle {
		if c.Password != demoKey(4, "pec", c.Indirizzo) {
			t.Errorf("%s: password not derived from the seed", c.Indirizzo)
		}
		if c.PEC {
			pec++
		} else {
			ordinarie++
		}
	}
	if pec < 2 || ordinarie < 1 || casellaDemo(t, sb, protocollo).PEC != true || casellaDemo(t, sb, tributi).PEC {
		t.Fatalf("mailboxes %+v", cr.Caselle)
	}
	if cr.Host != "127.0.0.1" || cr.SMTPPort == 0 || cr.IMAPPort == 0 || cr.SubmissionPort == 0 || !strings.Contains(cr.CAPEM, "BEGIN CERTIFICATE") {
		t.Fatalf("credentials %+v", cr)
	}
	// The same, over HTTP, for a client of a sandbox in another process.
	var got Credentials
	newClient(t, sb).do("GET", "/__sandbox/credentials", "", nil).decode(t, &got)
	if got.PEC.SMTPPort != cr.SMTPPort || got.PEC.CAPEM != cr.CAPEM || len(got.PEC.Caselle) != len(cr.Caselle) ||
		got.Endpoints.PECFaults == "" {
		t.Fatalf("credentials over HTTP %+v", got.PEC)
	}
	var listed []MessaggioPEC
	newClient(t, sb).do("GET", "/__sandbox/pec/caselle/"+protocollo, "", nil).decode(t, &listed)
	if len(listed) != 0 {
		t.Errorf("new mailbox lists %v", listed)
	}
	newClient(t, sb).do("GET", "/__sandbox/pec/caselle/nessuno@pec.esempio.it", "", nil).wantProblem(t, 404)
	if other := startSandbox(t, Config{Seed: 5}); casellaDemo(t, other, protocollo).Password == casellaDemo(t, sb, protocollo).Password {
		t.Error("two seeds, one password")
	}
}

func TestPECReceipts(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 7})
	from := casellaDemo(t, sb, protocollo)
	pdf := bytes.Repeat([]byte("%PDF-1.4 avviso di pagamento "), 300)
	rcpts := []string{
		rossi,                           // sandbox PEC mailbox: envelope, then consegna
		"studio.bianchi@pec.esempio.it", // another provider's PEC: consegna
		"inesistente.verdi@pec.esempio.it",
		"ufficio@pec.inesistente.it",
		"silenzio.neri@pec.esempio.it",
		"cittadino@example.com", // not PEC: accettazione only
		tributi,                 // sandbox ordinary mailbox: gets the envelope
	}
	m := testMail{from: from.Indirizzo, to: rcpts, subject: "Avviso TARI 2026 - città", msgID: "tari.1@comune-demo.it", text: "Gentile contribuente, è in allegato l'avviso.", attach: pdf}
	if err := submit(t, sb, from, rcpts, m.raw()); err != nil {
		t.Fatal(err)
	}

	msgs, _ := inbox(t, sb, from)
	if len(msgs) != 5 {
		t.Fatalf("sender's INBOX has %d messages, want accettazione + 2 consegne + 2 mancate consegne", len(msgs))
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(sb.PECCredentials().CAPEM))
	byKind := map[string][]parsed{}
	var identificativo string
	for i, f := range msgs {
		if f.uid != uint32(i+1) {
			t.Errorf("UID %d at %d", f.uid, i)
		}
		p := parseReceipt(t, f.raw)
		if err := verifyCMS(p.p7s, p.signed, roots); err != nil {
			t.Fatalf("signature of %q: %v", p.header.Get("Subject"), err)
		}
		kind := p.header.Get("X-Ricevuta")
		byKind[kind] = append(byKind[kind], p)
		if got := p.header.Get("X-Riferimento-Message-ID"); got != "<tari.1@comune-demo.it>" {
			t.Errorf("%s: X-Riferimento-Message-ID %q", kind, got)
		}
		d := p.daticert
		if d.Tipo != kind || d.Dati.MsgID != "<tari.1@comune-demo.it>" || d.Dati.Gestore == "" ||
			d.Intestazione.Mittente != protocollo || d.Intestazione.Oggetto != m.subject || len(d.Intestazione.Destinatari) != len(rcpts) {
			t.Errorf("%s: daticert %+v", kind, d)
		}
		if _, err := time.Parse("02/01/2006 15:04:05 -0700", d.Dati.Data.Giorno+" "+d.Dati.Data.Ora+" "+d.Dati.Data.Zona); err != nil {
			t.Errorf("daticert date: %v", err)
		}
		if identificativo == "" {
			identificativo = d.Dati.Identificativo
		}
		if d.Dati.Identificativo != identificativo || !strings.HasPrefix(identificativo, "opec") || !strings.HasSuffix(identificativo, "@pec.sandbox.it") {
			t.Errorf("identificativo %q, first %q", d.Dati.Identificativo, identificativo)
		}
		if !strings.Contains(p.text, "Identificativo messaggio: "+identificativo) {
			t.Errorf("%s: text %q", kind, p.text)
		}
	}
	acc := byKind["accettazione"]
	if len(acc) != 1 || len(byKind["avvenuta-consegna"]) != 2 || len(byKind["errore-consegna"]) != 2 {
		t.Fatalf("receipts by kind: %v", mapLens(byKind))
	}
	if got := acc[0].header.Get("Subject"); !strings.HasPrefix(got, "=?UTF-8?q?ACCETTAZIONE:") {
		t.Errorf("subject %q", got)
	}
	tipi := map[string]string{}
	for _, d := range acc[0].daticert.Intestazione.Destinatari {
		tipi[d.Indirizzo] = d.Tipo
	}
	if tipi[rossi] != "certificato" || tipi["cittadino@example.com"] != "esterno" || tipi[tributi] != "esterno" ||
		tipi["studio.bianchi@pec.esempio.it"] != "certificato" {
		t.Errorf("destinatari %v", tipi)
	}
	if acc[0].postacert != nil || acc[0].daticert.Dati.Consegna != "" || acc[0].daticert.Errore != "nessuno" {
		t.Errorf("accettazione %+v", acc[0].daticert)
	}
	if !strings.Contains(acc[0].text, "è stato accettato dal sistema") {
		t.Errorf("accettazione text %q", acc[0].text)
	}
	consegne := map[string]parsed{}
	for _, p := range byKind["avvenuta-consegna"] {
		consegne[p.daticert.Dati.Consegna] = p
		if !strings.HasPrefix(decodeSubject(t, p), "CONSEGNA: ") || p.daticert.Dati.Ricevuta == nil || p.daticert.Dati.Ricevuta.Tipo != "completa" {
			t.Errorf("consegna %q %+v", decodeSubject(t, p), p.daticert.Dati)
		}
		if !bytes.Equal(p.postacert, m.raw()[:len(p.postacert)]) || len(p.postacert) < len(m.raw())-2 {
			t.Errorf("postacert.eml is not the original (%d bytes)", len(p.postacert))
		}
	}
	if _, ok := consegne[rossi]; !ok {
		t.Errorf("no consegna for %s: %v", rossi, consegne)
	}
	if _, ok := consegne["studio.bianchi@pec.esempio.it"]; !ok {
		t.Errorf("no consegna for the other provider's address")
	}
	errori := map[string]string{}
	for _, p := range byKind["errore-consegna"] {
		errori[p.daticert.Dati.Consegna] = p.daticert.Errore
		if !strings.HasPrefix(decodeSubject(t, p), "AVVISO DI MANCATA CONSEGNA: ") || p.daticert.Dati.ErroreEsteso == "" || p.postacert != nil {
			t.Errorf("mancata consegna %q %+v", decodeSubject(t, p), p.daticert.Dati)
		}
	}
	if errori["inesistente.verdi@pec.esempio.it"] != "no-dest" || errori["ufficio@pec.inesistente.it"] != "no-dominio" {
		t.Errorf("errors %v", errori)
	}

	for _, addr := range []string{rossi, tributi} {
		got, _ := inbox(t, sb, casellaDemo(t, sb, addr))
		if len(got) != 1 {
			t.Fatalf("%s: %d messages", addr, len(got))
		}
		p := parseReceipt(t, got[0].raw)
		if p.header.Get("X-Trasporto") != "posta-certificata" || !strings.HasPrefix(decodeSubject(t, p), "POSTA CERTIFICATA: ") ||
			p.header.Get("Reply-To") != protocollo || p.daticert.Tipo != "posta-certificata" || len(p.postacert) == 0 {
			t.Errorf("%s: envelope %v %+v", addr, p.header, p.daticert)
		}
		if err := verifyCMS(p.p7s, p.signed, roots); err != nil {
			t.Errorf("envelope signature: %v", err)
		}
	}

	st := sb.Stats().PEC
	if st.Inviati != 1 || st.Ricevute["accettazione"] != 1 || st.Ricevute["avvenuta-consegna"] != 2 ||
		st.Ricevute["errore-consegna"] != 2 || st.Buste != 2 || st.Duplicati != 0 || st.InAttesa != 0 {
		t.Errorf("stats %+v", st)
	}
	listed, err := sb.MessaggiPEC(protocollo)
	if err != nil || len(listed) != 5 || listed[0].Ricevuta != "accettazione" || listed[0].Riferimento != "tari.1@comune-demo.it" ||
		!strings.HasPrefix(listed[0].Oggetto, "ACCETTAZIONE: Avviso TARI 2026 - città") {
		t.Errorf("listing %v %+v", err, listed)
	}
}

func decodeSubject(t testing.TB, p parsed) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mapLens(m map[string][]parsed) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}

// TestPECSignatureOpenSSL checks the S/MIME signature with an independent
// implementation, where the machine has one.
func TestPECSignatureOpenSSL(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	sb := startSandbox(t, Config{Seed: 7})
	from := casellaDemo(t, sb, protocollo)
	m := testMail{from: from.Indirizzo, to: []string{rossi}, subject: "Verifica firma", msgID: "firma@comune-demo.it", text: "prova"}
	if err := submit(t, sb, from, m.to, m.raw()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, []byte(sb.PECCredentials().CAPEM), 0o600)
	for _, msg := range waitMessages(t, sb, protocollo, 2) {
		eml := filepath.Join(dir, "r.eml")
		os.WriteFile(eml, msg.Raw, 0o600)
		out, err := exec.Command(bin, "smime", "-verify", "-in", eml, "-CAfile", ca, "-purpose", "smimesign", "-out", os.DevNull).CombinedOutput()
		if err != nil {
			t.Errorf("openssl rejects %q: %v\n%s", msg.Oggetto, err, out)
		}
	}
}

func TestPECDelayAndIdle(t *testing.T) {
	clk := newFakeClock()
	sb := startSandbox(t, Config{Seed: 9, ProcessingDelay: time.Hour, clock: clk.Now})
	from := casellaDemo(t, sb, protocollo)

	// A client waits in IDLE on the sender's INBOX while the receipt is due.
	updates := make(chan uint32, 16)
	cl, err := imapLogin(t, sb, from, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				updates <- *d.NumMessages
			}
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if !cl.Caps().Has(imap.CapIdle) {
		t.Fatal("IDLE not advertised")
	}
	if _, err := cl.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := cl.Idle()
	if err != nil {
		t.Fatal(err)
	}

	m := testMail{from: from.Indirizzo, to: []string{"ufficio.protocollo@pec.esempio.it"}, subject: "Convocazione", msgID: "conv.1@comune-demo.it", text: "In allegato."}
	if err := submit(t, sb, from, m.to, m.raw()); err != nil {
		t.Fatal(err)
	}
	if got := waitUpdate(t, updates); got != 1 {
		t.Fatalf("EXISTS %d after the accettazione", got)
	}
	if msgs, _ := sb.MessaggiPEC(protocollo); len(msgs) != 1 || sb.Stats().PEC.InAttesa != 1 {
		t.Fatalf("before the delay: %d messages, stats %+v", len(msgs), sb.Stats().PEC)
	}
	clk.Advance(time.Hour)
	sb.pec.wake <- struct{}{}
	if got := waitUpdate(t, updates); got != 2 {
		t.Fatalf("EXISTS %d after the delay", got)
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	msgs := waitMessages(t, sb, protocollo, 2)
	if msgs[1].Ricevuta != "avvenuta-consegna" || !msgs[1].Data.Equal(clk.Now().UTC().Truncate(time.Second)) {
		t.Errorf("second message %+v at %v", msgs[1], clk.Now())
	}
	if st := sb.Stats().PEC; st.InAttesa != 0 {
		t.Errorf("stats %+v", st)
	}
}

func waitUpdate(t *testing.T, ch <-chan uint32) uint32 {
	t.Helper()
	select {
	case n := <-ch:
		return n
	case <-time.After(20 * time.Second):
		t.Fatal("no unilateral update from IDLE")
		return 0
	}
}

func TestPECNonAccettazione(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	from := casellaDemo(t, sb, protocollo)
	cases := []struct {
		name string
		m    testMail
		rcpt []string
		want string
	}{
		{"no Message-ID", testMail{from: from.Indirizzo, to: []string{rossi}, subject: "Senza id", text: "x"}, nil, "Message-ID mancante"},
		{"From of another", testMail{from: "sindaco@pec.comune-demo.it", to: []string{rossi}, subject: "Altro mittente", msgID: "a.1@x", text: "x"}, nil, "mittente (From)"},
		{"Bcc", testMail{from: from.Indirizzo, to: []string{rossi}, subject: "Ccn", msgID: "a.2@x", text: "x"}, []string{rossi, "nascosto@pec.esempio.it"}, "nascosto@pec.esempio.it"},
	}
	for i, c := range cases {
		rcpt := c.rcpt
		if rcpt == nil {
			rcpt = c.m.to
		}
		if err := submit(t, sb, from, rcpt, c.m.raw()); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		msgs := waitMessages(t, sb, protocollo, i+1)
		p := parseReceipt(t, msgs[i].Raw)
		if p.header.Get("X-Ricevuta") != "non-accettazione" || !strings.HasPrefix(decodeSubject(t, p), "AVVISO DI NON ACCETTAZIONE: ") ||
			p.daticert.Tipo != "non-accettazione" || p.daticert.Errore != "altro" || !strings.Contains(p.daticert.Dati.ErroreEsteso, c.want) ||
			!strings.Contains(p.text, "non è stato accettato") {
			t.Errorf("%s: %v %+v", c.name, p.header, p.daticert)
		}
	}
	if msgs, _ := sb.MessaggiPEC(rossi); len(msgs) != 0 {
		t.Errorf("a refused message reached %s", rossi)
	}
	if st := sb.Stats().PEC; st.Inviati != 3 || st.NonAccettati != 3 || st.Ricevute["non-accettazione"] != 3 || st.Ricevute["accettazione"] != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestPECAuthAndSender(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	from := casellaDemo(t, sb, protocollo)
	_, err := smtpDial(t, sb, from.Indirizzo, "sbagliata")
	var tpe *textproto.Error
	if !errors.As(err, &tpe) || tpe.Code != 535 {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := imapLogin(t, sb, CasellaPEC{Indirizzo: from.Indirizzo, Password: "sbagliata"}, nil); err == nil {
		t.Fatal("IMAP login with a wrong password")
	}
	c, err := smtpDial(t, sb, from.Indirizzo, from.Password)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Mail(rossi)
	if !errors.As(err, &tpe) || tpe.Code != 553 {
		t.Fatalf("MAIL FROM another mailbox: %v", err)
	}
	m := testMail{from: from.Indirizzo, to: []string{rossi}, subject: "Dopo l'errore", msgID: "dopo@x", text: "x"}
	if err := transact(c, from.Indirizzo, m.to, m.raw()); err != nil {
		t.Fatalf("the connection stays usable: %v", err)
	}

	// Without AUTH: 530.
	cr := sb.PECCredentials()
	conn, err := tls.Dial("tcp", net.JoinHostPort(cr.Host, strconv.Itoa(cr.SMTPPort)), pecTLS(t, sb))
	if err != nil {
		t.Fatal(err)
	}
	anon, _ := smtp.NewClient(conn, cr.Host)
	defer anon.Close()
	if err := anon.Mail(from.Indirizzo); !errors.As(err, &tpe) || tpe.Code != 530 {
		t.Fatalf("MAIL without AUTH: %v", err)
	}
	if st := sb.Stats().PEC; st.AuthFallite != 2 || st.Inviati != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestPECStartTLS(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	from := casellaDemo(t, sb, protocollo)
	cr := sb.PECCredentials()
	c, err := smtp.Dial(net.JoinHostPort(cr.Host, strconv.Itoa(cr.SubmissionPort)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not offered")
	}
	cfg := pecTLS(t, sb)
	cfg.ServerName = cr.Host
	if err := c.StartTLS(cfg); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", from.Indirizzo, from.Password, cr.Host)); err != nil {
		t.Fatal(err)
	}
	m := testMail{from: from.Indirizzo, to: []string{rossi}, subject: "Via STARTTLS", msgID: "starttls@x", text: "x"}
	if err := transact(c, from.Indirizzo, m.to, m.raw()); err != nil {
		t.Fatal(err)
	}
	waitMessages(t, sb, rossi, 1)
}

func TestPECOrdinaryMailbox(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	from := casellaDemo(t, sb, tributi)
	m := testMail{from: from.Indirizzo, to: []string{"cittadino@example.com", tributi}, subject: "Informazioni", text: "Senza Message-ID, nessun problema"}
	if err := submit(t, sb, from, m.to, m.raw()); err != nil {
		t.Fatal(err)
	}
	msgs := waitMessages(t, sb, tributi, 1)
	if msgs[0].Ricevuta != "" || msgs[0].Trasporto != "" || !bytes.Equal(msgs[0].Raw, m.raw()) {
		t.Errorf("ordinary mail delivered as %+v", msgs[0])
	}
	if st := sb.Stats().PEC; st.Inviati != 1 || len(st.Ricevute) != 0 || st.Buste != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestPECFaults(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	from := casellaDemo(t, sb, protocollo)
	sb.InjectPECFaults(PECFault451, PECFault554, PECFaultDrop, PECFaultDropAfter)
	send := func(n int) error {
		m := testMail{from: from.Indirizzo, to: []string{rossi}, subject: "Guasto " + strconv.Itoa(n), msgID: "guasto." + strconv.Itoa(n) + "@x", text: "x"}
		return submit(t, sb, from, m.to, m.raw())
	}
	var tpe *textproto.Error
	if err := send(1); !errors.As(err, &tpe) || tpe.Code != 451 {
		t.Errorf("451: %v", err)
	}
	if err := send(2); !errors.As(err, &tpe) || tpe.Code != 554 {
		t.Errorf("554: %v", err)
	}
	if err := send(3); err == nil || errors.As(err, &tpe) {
		t.Errorf("drop: %v", err)
	}
	if err := send(4); err == nil || errors.As(err, &tpe) {
		t.Errorf("drop:after: %v", err)
	}
	if err := send(5); err != nil {
		t.Errorf("after the faults: %v", err)
	}
	st := sb.Stats().PEC
	if st.Inviati != 2 || st.Guasti["451"] != 1 || st.Guasti["554"] != 1 || st.Guasti["drop"] != 1 || st.Guasti["drop:after"] != 1 {
		t.Errorf("stats %+v", st)
	}
	// drop:after lost only the reply: message 4 went, with its receipts.
	var riferimenti []string
	for _, m := range waitMessages(t, sb, protocollo, 4) {
		riferimenti = append(riferimenti, m.Riferimento)
	}
	if !slices.Contains(riferimenti, "guasto.4@x") || slices.Contains(riferimenti, "guasto.3@x") || slices.Contains(riferimenti, "guasto.1@x") {
		t.Errorf("receipts for %v", riferimenti)
	}

	// Over HTTP too.
	newClient(t, sb).do("POST", "/__sandbox/pec/faults?next=451", "", nil).wantStatus(t, 200)
	if err := send(6); !errors.As(err, &tpe) || tpe.Code != 451 {
		t.Errorf("451 queued over HTTP: %v", err)
	}
	newClient(t, sb).do("POST", "/__sandbox/pec/faults?next=boh", "", nil).wantProblem(t, 400)
}

// outcomes sends n messages to a sandbox with random faults and returns
// what each got.
func outcomes(t *testing.T, cfg Config, n int) []string {
	sb := startSandbox(t, cfg)
	from := casellaDemo(t, sb, protocollo)
	var out []string
	for i := range n {
		m := testMail{from: from.Indirizzo, to: []string{"a@pec.esempio.it"}, subject: "Casuale", msgID: "c." + strconv.Itoa(i) + "@x", text: strconv.Itoa(i)}
		err := submit(t, sb, from, m.to, m.raw())
		var tpe *textproto.Error
		switch {
		case err == nil:
			out = append(out, "ok")
		case errors.As(err, &tpe):
			out = append(out, strconv.Itoa(tpe.Code))
		default:
			out = append(out, "drop")
		}
	}
	return out
}

func TestPECRandomFaultsDeterministic(t *testing.T) {
	cfg := Config{Seed: 21, Faults: Faults{Error5xx: 0.3, Reset: 0.2}}
	a, b := outcomes(t, cfg, 30), outcomes(t, cfg, 30)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	count := map[string]int{}
	for _, o := range a {
		count[o]++
	}
	if count["ok"] == 0 || count["451"] == 0 || count["drop"] == 0 {
		t.Errorf("outcomes %v", count)
	}
}

func TestPECSilenzioShare(t *testing.T) {
	run := func() []string {
		sb := startSandbox(t, Config{Seed: 5, Faults: Faults{Silenzio: 0.3}})
		from := casellaDemo(t, sb, protocollo)
		var rcpts []string
		for i := range 40 {
			rcpts = append(rcpts, "utente"+strconv.Itoa(i)+"@pec.esempio.it")
		}
		m := testMail{from: from.Indirizzo, to: rcpts, subject: "Quota", msgID: "quota@x", text: "x"}
		if err := submit(t, sb, from, rcpts, m.raw()); err != nil {
			t.Fatal(err)
		}
		msgs, _ := sb.MessaggiPEC(protocollo)
		var consegnati []string
		for _, p := range msgs[1:] {
			consegnati = append(consegnati, parseReceipt(t, p.Raw).daticert.Dati.Consegna)
		}
		return consegnati
	}
	a, b := run(), run()
	if !slices.Equal(a, b) || len(a) == 0 || len(a) >= 40 {
		t.Fatalf("delivered %d then %d: %v", len(a), len(b), a)
	}
}

func TestPECDuplicates(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	from := casellaDemo(t, sb, protocollo)
	pdf := []byte("%PDF-1.4 avviso 1")
	send := func(id, to string, attach []byte) {
		t.Helper()
		m := testMail{from: from.Indirizzo, to: []string{to}, subject: "Avviso di pagamento", msgID: id, text: "testo " + id, attach: attach}
		if err := submit(t, sb, from, m.to, m.raw()); err != nil {
			t.Fatal(err)
		}
	}
	send("d.1@x", "a@pec.esempio.it", pdf)
	send("d.1@x", "a@pec.esempio.it", pdf)                         // resent: same Message-ID, same content
	send("d.2@x", "a@pec.esempio.it", pdf)                         // new Message-ID, same content: still a duplicate e-mail
	send("d.3@x", "b@pec.esempio.it", pdf)                         // other recipient
	send("d.4@x", "a@pec.esempio.it", []byte("%PDF-1.4 avviso 2")) // other attachment
	st := sb.Stats().PEC
	if st.Inviati != 5 || st.DuplicatiMessageID != 1 || st.Duplicati != 2 {
		t.Fatalf("stats %+v", st)
	}
	if err := sb.Reset(); err != nil {
		t.Fatal(err)
	}
	send("d.1@x", "a@pec.esempio.it", pdf)
	if st := sb.Stats().PEC; st.Inviati != 1 || st.Duplicati != 0 || st.DuplicatiMessageID != 0 {
		t.Fatalf("after reset %+v", st)
	}
}

func TestPECResetChangesUIDValidity(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	from := casellaDemo(t, sb, protocollo)
	m := testMail{from: from.Indirizzo, to: []string{"a@example.com"}, subject: "Prima", msgID: "r.1@x", text: "x"}
	if err := submit(t, sb, from, m.to, m.raw()); err != nil {
		t.Fatal(err)
	}
	before, v1 := inbox(t, sb, from)
	if err := sb.Reset(); err != nil {
		t.Fatal(err)
	}
	after, v2 := inbox(t, sb, from)
	if len(before) != 1 || len(after) != 0 || v2 <= v1 {
		t.Fatalf("before %d (validity %d), after %d (validity %d)", len(before), v1, len(after), v2)
	}
}

func TestPECPersistence(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock()
	cfg := Config{Seed: 12, StateDir: dir, ProcessingDelay: time.Hour, clock: clk.Now, Logger: quietLogger}
	sb, err := Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	from := casellaDemo(t, sb, protocollo)
	m := testMail{from: from.Indirizzo, to: []string{rossi, "x@pec.esempio.it"}, subject: "Persistente", msgID: "p.1@x", text: "x"}
	if err := submit(t, sb, from, m.to, m.raw()); err != nil {
		t.Fatal(err)
	}
	if err := submit(t, sb, from, m.to, m.raw()); err != nil { // a duplicate
		t.Fatal(err)
	}
	msgs1, v1 := inbox(t, sb, from)
	ca := sb.PECCredentials().CAPEM
	st1 := sb.Stats().PEC
	if len(msgs1) != 2 || st1.InAttesa != 4 || st1.DuplicatiMessageID != 1 {
		t.Fatalf("before restart: %d messages, %+v", len(msgs1), st1)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}

	clk.Advance(2 * time.Hour) // the receipts fall due while the sandbox is down
	sb2 := startSandbox(t, cfg)
	if sb2.PECCredentials().CAPEM != ca {
		t.Error("the CA changed across a restart")
	}
	msgs2 := waitMessages(t, sb2, protocollo, 6)
	got, v2 := inbox(t, sb2, from)
	if v2 != v1 || len(got) != 6 {
		t.Fatalf("after restart: validity %d→%d, %d messages", v1, v2, len(got))
	}
	for i := range msgs1 {
		if got[i].uid != msgs1[i].uid || !bytes.Equal(got[i].raw, msgs1[i].raw) {
			t.Errorf("message %d changed across the restart", i)
		}
	}
	if msgs2[5].Ricevuta != "avvenuta-consegna" {
		t.Errorf("last %+v", msgs2[5])
	}
	if rs, _ := sb2.MessaggiPEC(rossi); len(rs) != 2 {
		t.Errorf("%s has %d envelopes", rossi, len(rs))
	}
	st2 := sb2.Stats().PEC
	if st2.Inviati != 2 || st2.DuplicatiMessageID != 1 || st2.Duplicati != 2 || st2.InAttesa != 0 || st2.Ricevute["avvenuta-consegna"] != 4 {
		t.Errorf("after restart %+v", st2)
	}
	// The third start has nothing left to deliver.
	sb2.Close()
	sb3 := startSandbox(t, cfg)
	if msgs, _ := sb3.MessaggiPEC(protocollo); len(msgs) != 6 {
		t.Errorf("third start: %d messages", len(msgs))
	}
	var lines int
	b, _ := os.ReadFile(filepath.Join(dir, "pec.jsonl"))
	for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var r pecRecord
		if err := json.Unmarshal(l, &r); err != nil {
			t.Fatalf("journal line %q: %v", l, err)
		}
		lines++
	}
	if lines == 0 {
		t.Error("empty journal")
	}
}

func TestParsePECFaults(t *testing.T) {
	f, err := ParseFaults("5xx=2%,silenzio=1%")
	if err != nil || f.Silenzio != 0.01 || f.Error5xx != 0.02 || f.String() != "5xx=0.02,silenzio=0.01" || f.Off() {
		t.Fatalf("%+v %q %v", f, f.String(), err)
	}
	if _, err := ParseFaults("silenzio=2"); err == nil {
		t.Error("silenzio=2 accepted")
	}
	for _, s := range []string{"451", "554", "drop", "DROP:after"} {
		if _, err := ParsePECFault(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := ParsePECFault("503"); err == nil {
		t.Error("503 is not an SMTP fault")
	}
}
