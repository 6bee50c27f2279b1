package ui

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// sportelloUI is a UI on a temporary database configured against a
// sandbox (ente, GPD) with the counter's catalogue: LOCULI of fixed
// amount, DIRITTI_SEGRETERIA free.
func sportelloUI(t *testing.T) (*UI, *sandbox.Sandbox) {
	t.Helper()
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	gpd := sb.GPDCredentials()
	if err := u.Core.Impostazioni.SalvaEnte(ctx, admin, impostazioni.Ente{Denominazione: "Comune di Vimercate",
		CodiceFiscale: gpd.OrganizationFiscalCode, CodiceIPA: "c_m052"}); err != nil {
		t.Fatal(err)
	}
	if err := u.Core.Impostazioni.SalvaGPD(ctx, admin, gpd.BaseURL, gpd.Key); err != nil {
		t.Fatal(err)
	}
	for _, td := range []store.TipoDovuto{
		{Codice: "LOCULI", Descrizione: "Concessione cimiteriale - loculo trentennale", Tassonomia: "9/0101112SP/",
			IBAN: "IT61G0306934070100000046011", Segregazione: 1, Attivo: true, ImportoFisso: 185000, Spontaneo: true,
			Ufficio: "CIMITERI", Capitolo: "3010.05"},
		{Codice: "DIRITTI_SEGRETERIA", Descrizione: "Diritti di segreteria e di rogito", Tassonomia: "9/0101103TS/",
			IBAN: "IT07L0569634070000010100027", Segregazione: 1, Attivo: true, Spontaneo: true},
		{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico", Tassonomia: "9/0101108TS/",
			IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true},
	} {
		if _, err := u.Core.Impostazioni.SalvaTipoDovuto(ctx, admin, td); err != nil {
			t.Fatal(err)
		}
	}
	u.ShowMain()
	return u, sb
}

// pdfText is a PDF file's text as pdftotext reads it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Pagamento spontaneo: only the catalogue's kinds are offered; a fixed
// amount is filled and locked; a request with problems is refused naming
// each field and creates nothing; a good one creates a VALID position and
// shows the notice, which prints and saves; without a mailbox the e-mail
// is not offered, with one it is sent.
func TestPagamentoSpontaneoWindow(t *testing.T) {
	u, sb := sportelloUI(t)
	ctx := context.Background()
	u.Open("pagamenti-spontaneo")
	u.appIO().bg.Wait()
	s := u.sportello().spontaneo
	if s == nil || len(s.Tipo.Options) != 2 {
		t.Fatalf("catalogue offered: %v", s.Tipo.Options)
	}
	s.Tipo.SetSelected("LOCULI — Concessione cimiteriale - loculo trentennale")
	imp := s.Entries["importo"]
	if !imp.Disabled() || imp.Text != "1.850,00" || s.Entries["causale"].Text != "Concessione cimiteriale - loculo trentennale" ||
		!strings.Contains(s.TipoInfo.Text, "capitolo 3010.05") {
		t.Fatalf("fixed amount: %v %q %q %q", imp.Disabled(), imp.Text, s.Entries["causale"].Text, s.TipoInfo.Text)
	}
	cf := sandbox.SampleCodes(2026, 1).Enabled[0]
	test.Type(s.Entries["cf"], cf[:15]+"X")
	if !s.CFInfo.Visible() || s.CFInfo.Importance != widget.DangerImportance {
		t.Fatalf("wrong code not flagged while typing: %q", s.CFInfo.Text)
	}
	test.Tap(s.Crea)
	s.Attesa.Wait()
	u.appIO().bg.Wait()
	if !strings.Contains(s.Errore.Text, "Codice fiscale: ") || !strings.Contains(s.Errore.Text, "Intestatario: obbligatorio") || s.Esito.Visible() {
		t.Fatalf("bad request: %q", s.Errore.Text)
	}
	if n, _ := u.Core.Avvisi.ContaAvvisi(ctx, avvisi.FiltroAvvisi{}); n != 0 {
		t.Fatalf("refused request stored %d notices", n)
	}
	s.Entries["cf"].SetText(cf)
	if s.CFInfo.Text != "Codice corretto" {
		t.Fatalf("cf info: %q", s.CFInfo.Text)
	}
	test.Type(s.Entries["nome"], "Mario Rossi")
	test.Tap(s.Crea)
	s.Attesa.Wait()
	u.appIO().bg.Wait()
	a := s.creato.Avviso
	if !s.Esito.Visible() || s.Modulo.Visible() || a.Stato != avvisi.StatoGenerato ||
		!strings.Contains(s.EsitoTitolo.Text, pagopa.FormattaCodiceAvviso(a.CodiceAvviso)) {
		t.Fatalf("not created: %q %q %+v", s.Errore.Text, s.EsitoMsg.Text, a)
	}
	cred := sb.GPDCredentials()
	p, err := (&pagopa.GPD{BaseURL: cred.BaseURL, Key: cred.Key}).Leggi(ctx, cred.OrganizationFiscalCode, a.IUPD)
	if err != nil || p.Stato != pagopa.StatoValida || p.OpzioniPagamento[0].Centesimi != 185000 ||
		p.OpzioniPagamento[0].Trasferimenti[0].Tassonomia != "9/0101112SP/" {
		t.Fatalf("position: %+v %v", p, err)
	}
	// Printed (opened in the viewer) and saved.
	var aperto string
	s.OpenPDF = func(path string) error { aperto = path; return nil }
	test.Tap(s.Stampa)
	u.appIO().bg.Wait()
	if txt := pdfText(t, aperto); !strings.Contains(txt, pagopa.FormattaCodiceAvviso(a.CodiceAvviso)) || !strings.Contains(txt, "1.850,00") {
		t.Fatalf("printed notice:\n%s", txt)
	}
	salvato := filepath.Join(t.TempDir(), "avviso.pdf")
	s.ChooseSave = func(_ string, chosen func(string)) { chosen(salvato) }
	test.Tap(s.SalvaPDF)
	u.appIO().bg.Wait()
	if b, err := os.ReadFile(salvato); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("saved PDF: %v", err)
	}
	if !s.Invia.Disabled() || !strings.Contains(s.Invia.Text, "nessuna casella") {
		t.Fatalf("e-mail offered without a mailbox: %q", s.Invia.Text)
	}
	if err := u.Core.Avvisi.InviaSpontaneo(ctx, u.Core.Operatore(), a.IUV, "mario@example.it", nil); !errors.Is(err, avvisi.ErrNessunaCasella) {
		t.Fatalf("send without a mailbox: %v", err)
	}
	// «Nuovo pagamento» goes back to an empty form.
	test.Tap(s.Nuovo)
	if !s.Modulo.Visible() || s.Esito.Visible() || s.Entries["nome"].Text != "" || s.Crea.Disabled() {
		t.Fatal("Nuovo pagamento did not reset the form")
	}

	// With the ente's ordinary mailbox, a free amount paid and e-mailed.
	pec := sb.PECCredentials()
	for _, c := range pec.Caselle {
		if c.Indirizzo == "ufficio.tributi@comune-demo.it" {
			if err := u.Core.Impostazioni.SalvaCasella(ctx, u.Core.Operatore(), store.CasellaPosta{Tipo: impostazioni.CasellaEmail,
				Indirizzo: c.Indirizzo, Utente: c.Indirizzo, SMTPHost: pec.Host, SMTPPorta: pec.SMTPPort,
				SMTPSicurezza: impostazioni.SicurezzaTLS, CAPEM: pec.CAPEM}, c.Password); err != nil {
				t.Fatal(err)
			}
		}
	}
	u.Open("pagamenti-spontaneo")
	u.appIO().bg.Wait()
	s = u.sportello().spontaneo
	s.Tipo.SetSelected("DIRITTI_SEGRETERIA — Diritti di segreteria e di rogito")
	if s.Entries["importo"].Disabled() {
		t.Fatal("free amount locked")
	}
	test.Type(s.Entries["cf"], cf)
	test.Type(s.Entries["nome"], "Mario Rossi")
	test.Type(s.Entries["importo"], "12,50")
	test.Tap(s.Crea)
	s.Attesa.Wait()
	u.appIO().bg.Wait()
	if s.creato.Avviso.Centesimi != 1250 || s.Invia.Disabled() {
		t.Fatalf("free amount: %+v, invia disabled %v (%q)", s.creato.Avviso, s.Invia.Disabled(), s.EsitoMsg.Text)
	}
	test.Tap(s.Invia)
	test.Type(s.EmailInvio, "mario.rossi@example.it")
	test.Tap(s.ConfermaInvio)
	s.Attesa.Wait()
	u.appIO().bg.Wait()
	if !strings.Contains(s.EsitoMsg.Text, "mario.rossi@example.it") || !strings.Contains(s.EsitoMsg.Text, "Consegnato") {
		t.Fatalf("e-mail: %q", s.EsitoMsg.Text)
	}
}

// Cerca avviso: both the number and the fiscal code are needed and a
// wrong one is named; the notice found shows its state from pagoPA
// (paid once the citizen pays), and prints.
func TestCercaAvvisoWindow(t *testing.T) {
	u, sb := sportelloUI(t)
	ctx := context.Background()
	cfs := sandbox.SampleCodes(2026, 2).Enabled
	x, err := u.Core.Avvisi.CreaSpontaneo(ctx, u.Core.Operatore(), avvisi.RichiestaSpontaneo{TipoDovuto: "DIRITTI_SEGRETERIA",
		CodiceFiscale: cfs[0], Intestazione: "Mario Rossi", Importo: "16,00"})
	if err != nil {
		t.Fatal(err)
	}
	codice := x.Avviso.CodiceAvviso
	u.Open("pagamenti-cerca")
	s := u.sportello().cerca
	cerca := func(c, cf string) {
		t.Helper()
		s.Codice.SetText(c)
		s.CF.SetText(cf)
		test.Tap(s.Cerca)
		s.Attesa.Wait()
		u.appIO().bg.Wait()
	}
	cerca(codice, "")
	if !strings.HasPrefix(s.Errore.Text, "Codice fiscale: obbligatorio") || s.Risultato.Visible() {
		t.Fatalf("without fiscal code: %q", s.Errore.Text)
	}
	cerca(codice, cfs[1])
	if !strings.Contains(s.Errore.Text, "non è intestato a "+cfs[1]) || s.Risultato.Visible() {
		t.Fatalf("someone else's code: %q", s.Errore.Text)
	}
	cerca(codice[:17]+string('0'+(codice[17]-'0'+1)%10), cfs[0])
	if !strings.HasPrefix(s.Errore.Text, "Codice avviso: cifre di controllo errate") || s.Risultato.Visible() {
		t.Fatalf("wrong check digits: %q", s.Errore.Text)
	}
	cerca(pagopa.FormattaCodiceAvviso(codice), strings.ToLower(cfs[0]))
	if !s.Risultato.Visible() || s.Errore.Visible() || s.Fase.Text != "Generato, da pagare" || !strings.Contains(s.StatoPA.Text, "(letto ora)") {
		t.Fatalf("found: %q %q %q", s.Errore.Text, s.Fase.Text, s.StatoPA.Text)
	}
	if !strings.Contains(s.Riconciliazione.Text, "Nessuna classificazione") || s.Stampa.Disabled() {
		t.Fatalf("reconciliation / print: %q", s.Riconciliazione.Text)
	}
	var aperto string
	s.OpenPDF = func(path string) error { aperto = path; return nil }
	test.Tap(s.Stampa)
	u.appIO().bg.Wait()
	if txt := pdfText(t, aperto); !strings.Contains(txt, pagopa.FormattaCodiceAvviso(codice)) {
		t.Fatalf("reprint:\n%s", txt)
	}
	if err := sb.PagaPosizione(x.Avviso.IUPD); err != nil {
		t.Fatal(err)
	}
	cerca(x.Avviso.IUV, cfs[0])
	if s.Fase.Text != "Pagato" || !strings.Contains(s.StatoPA.Text, "Pagato il ") {
		t.Fatalf("after payment: %q %q", s.Fase.Text, s.StatoPA.Text)
	}
	if n, _ := u.Core.Avvisi.ContaAvvisi(ctx, avvisi.FiltroAvvisi{StatoGPD: pagopa.StatoPagata}); n != 1 {
		t.Fatalf("paid state recorded: %d", n)
	}

	// An open flag on the payment (core finds it: core/avvisi
	// TestCercaAvviso) is told under the reconciliation, with the notes
	// added since; none, nothing.
	if s.Segnalazione.Visible() {
		t.Fatalf("a flag shown without one: %q", s.Segnalazione.Text)
	}
	trovato := s.trovato
	quando := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	trovato.Segnalazioni = []riconciliazione.SegnalazioneAperta{{
		Apertura: store.RicSegnalazione{CreataIl: quando, CreataDa: "g.ferrari", Classe: "IUV_NO_RT", Stato: store.SegnalazioneAperta,
			Nota: "Rendicontato ma senza ricevuta: chiesta la RT al PSP."},
		Note: []store.RicSegnalazione{{CreataIl: quando.Add(24 * time.Hour), CreataDa: "m.colombo", Stato: store.SegnalazioneAperta,
			Nota: "Il PSP la rimanda entro venerdì."}}}}
	u.mostraAvvisoTrovato(s, trovato)
	want := "Segnalazione aperta del 01/12/2026 di g.ferrari (IUV_NO_RT): Rendicontato ma senza ricevuta: chiesta la RT al PSP.\n" +
		"Nota del 02/12/2026 di m.colombo: Il PSP la rimanda entro venerdì."
	if !s.Segnalazione.Visible() || s.Segnalazione.Text != want || s.Segnalazione.Importance != widget.WarningImportance {
		t.Fatalf("open flag: %v %q", s.Segnalazione.Visible(), s.Segnalazione.Text)
	}
	cerca(x.Avviso.IUV, cfs[0])
	if s.Segnalazione.Visible() {
		t.Fatalf("the flag of another search still shown: %q", s.Segnalazione.Text)
	}
}

// The front desk says which side a payment still lacks: a flow reported
// but not yet credited is told as such; a credited one names its bolletta.
func TestRiconciliazioneSportelloTesoreria(t *testing.T) {
	c, _ := riconciliazione.ClasseDi("IUD_RT_IUF")
	q := avvisi.Quadratura{Classe: c, RicRigaClasse: store.RicRigaClasse{Chiave: "01000000000003376", IUF: "2026-12-02BCITITMMXXX-0003",
		DataRegolamento: "2026-12-02", DataEsito: "2026-12-01", Pagatore: "Giulia Brambilla", ImportoRT: 9500}}
	if got := riconciliazioneSportello([]avvisi.Quadratura{q}); !strings.Contains(got, "flusso 2026-12-02BCITITMMXXX-0003") ||
		!strings.Contains(got, "l'accredito del flusso non è ancora nel giornale di cassa") {
		t.Fatalf("not credited:\n%s", got)
	}
	q.Movimento, q.Bolletta, q.DataValuta, q.ImportoMovimento = "2026/7759", "7759", "2026-12-02", 108000
	if got := riconciliazioneSportello([]avvisi.Quadratura{q}); !strings.Contains(got, "bolletta 7759") || strings.Contains(got, "non è ancora") {
		t.Fatalf("credited:\n%s", got)
	}
}
