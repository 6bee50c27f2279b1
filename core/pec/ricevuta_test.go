package pec

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"

	"github.com/sportello/sportello/core/sandbox"
)

var aggiorna = flag.Bool("aggiorna", false, "rigenera testdata/ricevute dalle ricevute della sandbox")

// TestAggiornaCampioni saves receipts of the sandbox as test data:
// go test ./core/pec -run TestAggiornaCampioni -aggiorna
func TestAggiornaCampioni(t *testing.T) {
	if !*aggiorna {
		t.Skip("solo con -aggiorna")
	}
	sb := avviaSandbox(t, sandbox.Config{Seed: 2026})
	m := mittente(t, configSMTP(t, sb, protocollo))
	ctx := context.Background()
	for i, a := range []string{"studio.bianchi@pec.esempio.it", "inesistente@pec.esempio.it", "ufficio@pec.inesistente.it", rossi} {
		msg := Messaggio{MessageID: fmt.Sprintf("campione.%d@comune-demo.it", i+1), Da: protocollo, A: a,
			Oggetto: "Avviso di pagamento TARI 2026 – città", Testo: "Gentile contribuente, in allegato l'avviso.",
			Allegati: []Allegato{{Nome: "avviso.pdf", Tipo: "application/pdf", Dati: []byte("%PDF-1.4\n% avviso di prova\n")}}}
		if err := m.Invia(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	// A formal error (no Message-ID) needs a client that lets it through.
	cr := sb.PECCredentials()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(cr.CAPEM))
	conn, err := tls.Dial("tcp", net.JoinHostPort(cr.Host, strconv.Itoa(cr.SMTPPort)), &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := smtp.NewClient(conn, cr.Host)
	if err := c.Auth(smtp.PlainAuth("", protocollo, password(t, sb, protocollo), cr.Host)); err != nil {
		t.Fatal(err)
	}
	raw := "From: " + protocollo + "\r\nTo: " + rossi + "\r\nSubject: Senza identificativo\r\n\r\nTesto\r\n"
	if err := c.Mail(protocollo); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(rossi); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(raw))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	c.Quit()

	nomi := map[string]string{
		"accettazione.1": "accettazione", "avvenuta-consegna.1": "avvenuta-consegna",
		"errore-consegna.2": "errore-consegna-no-dest", "errore-consegna.3": "errore-consegna-no-dominio",
		"non-accettazione.": "non-accettazione",
	}
	l := lettore(t, configIMAP(t, sb, protocollo))
	msgs, _ := tutti(t, l, 0, 0)
	for _, msg := range msgs {
		r, err := LeggiRicevuta(msg.Raw)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.TrimSuffix(strings.TrimPrefix(r.Riferimento, "campione."), "@comune-demo.it")
		if nome, ok := nomi[r.Tipo+"."+n]; ok {
			scrivi(t, nome, msg.Raw)
		}
		if r.Tipo == TipoAvvenutaConsegna && n == "1" {
			// The same receipt after a client that drops the X- headers.
			scrivi(t, "senza-intestazioni", regexp.MustCompile(`(?m)^X-[A-Za-z-]+: .*\r\n`).ReplaceAll(msg.Raw, nil))
		}
	}
	buste, _ := tutti(t, lettore(t, configIMAP(t, sb, rossi)), 0, 0)
	scrivi(t, "posta-certificata", buste[0].Raw)
}

func scrivi(t *testing.T, nome string, raw []byte) {
	if err := os.WriteFile(filepath.Join("testdata", "ricevute", nome+".eml"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

func leggiCampione(t testing.TB, nome string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ricevute", nome+".eml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRicevuteCampione(t *testing.T) {
	cases := []struct {
		nome                                    string
		tipo, riferimento, destinatario, errore string
		postacert                               bool
		oggetto                                 string
	}{
		{"accettazione", TipoAccettazione, "campione.1@comune-demo.it", "", "nessuno", false, "Avviso di pagamento TARI 2026 – città"},
		{"avvenuta-consegna", TipoAvvenutaConsegna, "campione.1@comune-demo.it", "studio.bianchi@pec.esempio.it", "nessuno", true, "Avviso di pagamento TARI 2026 – città"},
		{"errore-consegna-no-dest", TipoErroreConsegna, "campione.2@comune-demo.it", "inesistente@pec.esempio.it", "no-dest", false, "Avviso di pagamento TARI 2026 – città"},
		{"errore-consegna-no-dominio", TipoErroreConsegna, "campione.3@comune-demo.it", "ufficio@pec.inesistente.it", "no-dominio", false, "Avviso di pagamento TARI 2026 – città"},
		{"non-accettazione", TipoNonAccettazione, "", "", "altro", false, "Senza identificativo"},
		{"posta-certificata", TipoPostaCertificata, "campione.4@comune-demo.it", "", "nessuno", true, "Avviso di pagamento TARI 2026 – città"},
		{"senza-intestazioni", TipoAvvenutaConsegna, "campione.1@comune-demo.it", "studio.bianchi@pec.esempio.it", "nessuno", true, "Avviso di pagamento TARI 2026 – città"},
		{"non-firmata", TipoErroreConsegna, "abc.1@comune.esempio.it", "nessuno@pec.esempio.it", "no-dest", false, "Avviso è scaduto"},
	}
	for _, c := range cases {
		t.Run(c.nome, func(t *testing.T) {
			r, err := LeggiRicevuta(leggiCampione(t, c.nome))
			if err != nil {
				t.Fatal(err)
			}
			if r.Tipo != c.tipo || r.Riferimento != c.riferimento || r.Destinatario != c.destinatario || r.Errore != c.errore ||
				(r.Postacert != nil) != c.postacert || r.Oggetto != c.oggetto || r.Data.IsZero() || r.Data.Location() != Roma ||
				r.MessageID == "" || r.Identificativo == "" {
				t.Errorf("%+v", r)
			}
			if c.errore != "nessuno" && r.ErroreEsteso == "" {
				t.Errorf("no errore-esteso: %+v", r.Daticert)
			}
		})
	}
	if _, err := LeggiRicevuta(leggiCampione(t, "ordinaria")); !errors.Is(err, ErrNonRicevuta) {
		t.Errorf("ordinary message: %v", err)
	}
	for _, raw := range []string{"", "non è una mail", "Subject: x\r\n\r\ncorpo"} {
		if _, err := LeggiRicevuta([]byte(raw)); !errors.Is(err, ErrNonRicevuta) {
			t.Errorf("%q: %v", raw, err)
		}
	}
}

func TestLeggiDaticert(t *testing.T) {
	leggi := func(nome string) Daticert {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", "daticert", nome))
		if err != nil {
			t.Fatal(err)
		}
		d, err := LeggiDaticert(b)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := leggi("gestore-reale.xml")
	want := time.Date(2026, 5, 14, 11, 33, 27, 0, Roma)
	if d.Tipo != "avvenuta-consegna" || d.Errore != "nessuno" || d.Gestore != "ARUBA PEC S.p.A." || !d.Data.Equal(want) ||
		d.Data.Location() != Roma || d.MsgID != "sportello.20260514093320.0a1b2c3d4e5f60718293@comune.esempio.it" ||
		d.Ricevuta != "completa" || d.Consegna != "studio.legale@pec.avvocati.esempio.it" ||
		d.Oggetto != "Notifica atto n. 1234/2026 – Ufficio Tributi" || len(d.Destinatari) != 2 ||
		d.Destinatari[1] != (Destinatario{Indirizzo: "info@esempio.it", Tipo: "esterno"}) {
		t.Errorf("%+v", d)
	}
	d = leggi("latin1-spazi.xml")
	if d.Tipo != "errore-consegna" || d.Errore != "no-dest" || d.Mittente != "protocollo@pec.comune.esempio.it" ||
		d.Oggetto != "Avviso di pagamento è scaduto - città" || d.Gestore != "Gestore «prova»" || d.MsgID != "abc.1@comune.esempio.it" ||
		d.Destinatari[0].Indirizzo != "nessuno@pec.esempio.it" || d.ErroreEsteso != "5.1.1 - Utente sconosciuto" ||
		!d.Data.Equal(time.Date(2026, 12, 2, 9, 5, 1, 0, Roma)) || d.Ricevuta != "sintetica" {
		t.Errorf("%+v", d)
	}
	// Without a zone the time is Italy's: summer time in July.
	if d := leggi("senza-zona.xml"); !d.Data.Equal(time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("no zone: %v", d.Data)
	}
	for _, bad := range []string{"", "<postacert/>", "<altro tipo=\"x\"/>", "<postacert tipo=\"x\"><dati><data><giorno>31/02/2026</giorno></data></dati></postacert>",
		`<?xml version="1.0" encoding="EBCDIC"?><postacert tipo="x"/>`} {
		if _, err := LeggiDaticert([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// seeds are the test data files of a folder.
func seeds(f *testing.F, dir string) [][]byte {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in %s: %v", dir, err)
	}
	var out [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func FuzzLeggiRicevuta(f *testing.F) {
	for _, b := range seeds(f, "ricevute") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := LeggiRicevuta(raw)
		if err != nil {
			if !errors.Is(err, ErrNonRicevuta) {
				t.Fatalf("error outside ErrNonRicevuta: %v", err)
			}
			return
		}
		if r.Tipo == "" {
			t.Fatal("a receipt without type")
		}
		if !r.Data.IsZero() && r.Data.Location() != Roma {
			t.Fatalf("date in %v", r.Data.Location())
		}
	})
}

func FuzzLeggiDaticert(f *testing.F) {
	for _, b := range seeds(f, "daticert") {
		f.Add(b)
	}
	// And the daticert.xml inside the sandbox's receipts.
	for _, raw := range seeds(f, "ricevute") {
		e, err := message.Read(bytes.NewReader(raw))
		if err != nil {
			continue
		}
		e.Walk(func(_ []int, part *message.Entity, _ error) error {
			if _, p, _ := part.Header.ContentDisposition(); p["filename"] == "daticert.xml" {
				var b bytes.Buffer
				b.ReadFrom(part.Body)
				f.Add(b.Bytes())
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := LeggiDaticert(b)
		if err != nil {
			return
		}
		if d.Tipo == "" {
			t.Fatal("parsed without type")
		}
		if !d.Data.IsZero() && d.Data.Location() != Roma {
			t.Fatalf("date in %v", d.Data.Location())
		}
	})
}
