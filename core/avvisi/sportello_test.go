package avvisi_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

var (
	sportellista = operatori.Operatore{Username: "l.ricci", Ruolo: operatori.RuoloOperatore}
	inviante     = operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloOperatoreInvio}
)

// catalogo adds two kinds of the counter's catalogue: one of fixed amount, one free.
func (a *ambiente) catalogo(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, td := range []store.TipoDovuto{
		{Codice: "LOCULI", Descrizione: "Concessione cimiteriale loculo trentennale", Tassonomia: "9/0101112SP/",
			IBAN: "IT28X0306909606100000063185", Segregazione: 1, Attivo: true, ImportoFisso: 185000, Spontaneo: true,
			Ufficio: "SERV-CIMITERIALI", Capitolo: "3010.05"},
		{Codice: "DIRITTI_SEGRETERIA", Descrizione: "Diritti di segreteria", Tassonomia: "9/0101103TS/",
			IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true, Spontaneo: true},
	} {
		_, err := a.imp.SalvaTipoDovuto(ctx, a.admin, td)
		must(t, err)
	}
}

// testoPDF is the text of a PDF as pdftotext (poppler) reads it; the test
// is skipped where poppler-utils is not installed.
func testoPDF(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	in := filepath.Join(t.TempDir(), "avviso.pdf")
	must(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	must(t, err)
	return string(out)
}

// A spontaneous payment at the counter: a request with problems is
// refused whole, naming every field, with nothing stored and nothing sent
// to pagoPA; a good one becomes a one-row batch whose position is VALID on
// GPD with the catalogue's amount, taxonomy and IBAN, listed by the
// dashboard, audited, never offered for resuming, and printable.
func TestCreaSpontaneo(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 2026})
	a.catalogo(t)
	cf := sandbox.SampleCodes(2026, 2).Enabled

	_, err := a.s.CreaSpontaneo(ctx, sportellista, avvisi.RichiestaSpontaneo{TipoDovuto: "LOCULI",
		CodiceFiscale: cf[0][:15] + ribalta(cf[0][15]), Importo: "1.000,00", Email: "mario@", CAP: "2087"})
	for _, want := range []string{"Codice fiscale: ", "Intestatario: obbligatorio", "Importo: per «Concessione cimiteriale loculo trentennale» l'importo è fisso: 1.850,00 euro",
		"E-mail: ", "CAP: il CAP ha 5 cifre"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad request: %v, want %q", err, want)
		}
	}
	for _, c := range []struct {
		r    avvisi.RichiestaSpontaneo
		want string
	}{
		{avvisi.RichiestaSpontaneo{TipoDovuto: "TRASPORTO", CodiceFiscale: cf[0], Intestazione: "Mario Rossi", Importo: "10"},
			"Tipo dovuto: «TRASPORTO» non è nel catalogo dei pagamenti spontanei"},
		{avvisi.RichiestaSpontaneo{TipoDovuto: "DIRITTI_SEGRETERIA", CodiceFiscale: cf[0], Intestazione: "Mario Rossi"},
			"Importo: obbligatorio: per «Diritti di segreteria» l'importo si indica ogni volta"},
		{avvisi.RichiestaSpontaneo{TipoDovuto: "LOCULI", CodiceFiscale: cf[0], Intestazione: "Mario Rossi", Scadenza: time.Now().AddDate(0, 0, -2)},
			"Scadenza: è già passata"},
		{avvisi.RichiestaSpontaneo{TipoDovuto: "NESSUNO", CodiceFiscale: "", Intestazione: "Mario Rossi", Importo: "5"},
			"Tipo dovuto: «NESSUNO» non esiste"},
	} {
		if _, err := a.s.CreaSpontaneo(ctx, sportellista, c.r); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.r, err, c.want)
		}
	}
	if n, _ := a.s.ContaAvvisi(ctx, avvisi.FiltroAvvisi{}); n != 0 || a.sb.Stats().Calls["gpd.createPosition"] != 0 {
		t.Fatalf("refused requests stored %d notices or called GPD: %v", n, a.sb.Stats().Calls)
	}
	if _, err := a.s.CreaSpontaneo(ctx, operatori.Operatore{Username: "x"}, avvisi.RichiestaSpontaneo{}); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Fatalf("no role: %v", err)
	}

	// The fixed amount is taken when none is typed.
	x, err := a.s.CreaSpontaneo(ctx, sportellista, avvisi.RichiestaSpontaneo{TipoDovuto: "loculi", CodiceFiscale: strings.ToLower(cf[0]),
		Intestazione: "  Mario   Rossi ", Indirizzo: "Via Cavour 3", CAP: "20871", Comune: "Vimercate", Provincia: "mb"})
	if err != nil {
		t.Fatal(err)
	}
	av := x.Avviso
	if av.Stato != avvisi.StatoGenerato || av.StatoGPD != pagopa.StatoValida || av.Centesimi != 185000 || av.CodiceFiscale != cf[0] ||
		av.Intestazione != "Mario Rossi" || av.Causale != "Concessione cimiteriale loculo trentennale" || av.Provincia != "MB" ||
		x.Lotto.FileOrigine != avvisi.FileSportello || x.Lotto.Stato != avvisi.LottoSportello || x.TipoDovuto.Codice != "LOCULI" {
		t.Fatalf("created %+v / %+v", av, x.Lotto)
	}
	cred := a.sb.GPDCredentials()
	gpd := &pagopa.GPD{BaseURL: cred.BaseURL, Key: cred.Key}
	p, err := gpd.Leggi(ctx, cred.OrganizationFiscalCode, av.IUPD)
	must(t, err)
	o := p.OpzioniPagamento[0]
	if p.Stato != pagopa.StatoValida || p.CodiceFiscale != cf[0] || p.Tipo != "F" || o.Centesimi != 185000 || o.CodiceAvviso != av.CodiceAvviso ||
		o.Trasferimenti[0].Tassonomia != "9/0101112SP/" || o.Trasferimenti[0].IBAN != "IT28X0306909606100000063185" ||
		o.Scadenza.Before(time.Now().AddDate(0, 0, avvisi.GiorniScadenza-1)) {
		t.Fatalf("position on GPD: %+v", p)
	}
	// The same amount typed is accepted too; a free one is taken as typed,
	// and an 11-digit code makes a company's position.
	if _, err := a.s.CreaSpontaneo(ctx, sportellista, avvisi.RichiestaSpontaneo{TipoDovuto: "LOCULI", CodiceFiscale: cf[1],
		Intestazione: "Anna Verdi", Importo: "1.850,00 €"}); err != nil {
		t.Fatal(err)
	}
	y, err := a.s.CreaSpontaneo(ctx, sportellista, avvisi.RichiestaSpontaneo{TipoDovuto: "DIRITTI_SEGRETERIA", CodiceFiscale: "02026620969",
		Intestazione: "Autotrasporti Colombo S.r.l.", Importo: "12,50", Causale: "Diritti di segreteria pratica SUAP 2026/41"})
	must(t, err)
	p, err = gpd.Leggi(ctx, cred.OrganizationFiscalCode, y.Avviso.IUPD)
	if err != nil || p.Tipo != "G" || p.OpzioniPagamento[0].Centesimi != 1250 || p.OpzioniPagamento[0].Trasferimenti[0].Tassonomia != "9/0101103TS/" ||
		p.OpzioniPagamento[0].Descrizione != "Diritti di segreteria pratica SUAP 2026/41" {
		t.Fatalf("free amount on GPD: %+v %v", p, err)
	}
	if y.Avviso.CodiceAvviso == av.CodiceAvviso || y.Avviso.IUV != pagopa.IUV(y.Avviso.CodiceAvviso) {
		t.Fatalf("notice numbers: %s %s", av.CodiceAvviso, y.Avviso.CodiceAvviso)
	}

	// The dashboard lists them; the batch is not a mass batch left half done.
	if n, _ := a.s.ContaAvvisi(ctx, avvisi.FiltroAvvisi{TipoDovutoID: x.TipoDovuto.ID, StatoGPD: pagopa.StatoValida}); n != 2 {
		t.Fatalf("dashboard: %d LOCULI notices", n)
	}
	if ls, err := a.s.DaRiprendere(ctx); err != nil || len(ls) != 0 {
		t.Fatalf("offered for resuming: %v %v", ls, err)
	}
	hist, err := a.db.History(ctx, "avviso", av.IUPD)
	var creato bool
	for _, h := range hist {
		creato = creato || h.Azione == store.Crea && h.Operatore == "l.ricci" && h.Campo == "importo" && h.Dopo == "1.850,00"
	}
	if err != nil || !creato {
		t.Fatalf("audit: %+v %v", hist, err)
	}
	var pdf bytes.Buffer
	must(t, a.s.StampaPDF(ctx, av.CodiceAvviso, &pdf))
	if txt := testoPDF(t, pdf.Bytes()); !strings.Contains(txt, pagopa.FormattaCodiceAvviso(av.CodiceAvviso)) || !strings.Contains(txt, "1.850,00") ||
		!strings.Contains(txt, "Mario Rossi") {
		t.Fatalf("notice PDF text:\n%s", txt)
	}
}

// ribalta changes a check character into a wrong one.
func ribalta(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// GPD unreachable: the notice is stored, not payable, and said so; once
// GPD answers, publishing again makes it payable, with one position.
func TestPubblicaSpontaneoDopoGuasto(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 2026})
	a.catalogo(t)
	cred := a.sb.GPDCredentials()
	must(t, a.imp.SalvaGPD(ctx, a.admin, "http://127.0.0.1:1/gpd/api/v1", cred.Key))
	cf := sandbox.SampleCodes(2026, 1).Enabled
	x, err := a.s.CreaSpontaneo(ctx, sportellista, avvisi.RichiestaSpontaneo{TipoDovuto: "LOCULI", CodiceFiscale: cf[0], Intestazione: "Mario Rossi"})
	if err == nil || !strings.Contains(err.Error(), "l'avviso è salvato ma non ancora pagabile") || x.Avviso.Stato != avvisi.StatoDaGenerare {
		t.Fatalf("GPD down: %+v %v", x.Avviso, err)
	}
	must(t, a.imp.SalvaGPD(ctx, a.admin, cred.BaseURL, cred.Key))
	y, err := a.s.PubblicaSpontaneo(ctx, sportellista, pagopa.FormattaCodiceAvviso(x.Avviso.CodiceAvviso))
	if err != nil || y.Avviso.Stato != avvisi.StatoGenerato || y.Avviso.IUV != x.Avviso.IUV {
		t.Fatalf("published again: %+v %v", y.Avviso, err)
	}
	if _, err := a.s.PubblicaSpontaneo(ctx, sportellista, x.Avviso.IUV); err != nil || a.sb.Stats().Calls["gpd.createPosition"] != 1 {
		t.Fatalf("published twice: %v %v", err, a.sb.Stats().Calls)
	}
}

// The front desk finds a notice only with its number (or IUV) and its
// debtor's code, and says clearly which one is wrong; it tells where the
// notice stands: generated, sent, paid (asked to GPD there and then, and
// recorded), and how the reconciliation labels it.
func TestCercaAvviso(t *testing.T) {
	ctx := context.Background()
	a := nuovoAmbiente(t, sandbox.Config{Seed: 2026})
	a.catalogo(t)
	cf := sandbox.SampleCodes(2026, 2).Enabled
	x, err := a.s.CreaSpontaneo(ctx, sportellista, avvisi.RichiestaSpontaneo{TipoDovuto: "DIRITTI_SEGRETERIA", CodiceFiscale: cf[0],
		Intestazione: "Mario Rossi", Importo: "16,00", Email: "mario.rossi@pec.it"})
	must(t, err)
	codice := x.Avviso.CodiceAvviso
	sbagliato := codice[:17] + string('0'+(codice[17]-'0'+1)%10)
	for _, c := range []struct {
		codice, cf, want string
		causa            error
	}{
		{sbagliato, cf[0], "Codice avviso: cifre di controllo errate", nil},
		{"12345", cf[0], "Codice avviso: ha 5 cifre: il codice avviso ne ha 18, lo IUV 17", nil},
		{pagopa.CodiceAvviso(1, 999_999), cf[0], "Codice avviso: nessun avviso con il numero 3010 0000 0099 9999", avvisi.ErrAvvisoNonTrovato},
		{codice, "", "Codice fiscale: obbligatorio", nil},
		{codice, cf[0][:15] + ribalta(cf[0][15]), "Codice fiscale: ", nil},
		{codice, cf[1], "Codice fiscale: l'avviso " + pagopa.FormattaCodiceAvviso(codice) + " non è intestato a " + cf[1], avvisi.ErrAltroIntestatario},
	} {
		_, err := a.s.CercaAvviso(ctx, sportellista, c.codice, c.cf)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || c.causa != nil && !errors.Is(err, c.causa) {
			t.Errorf("%s / %s: %v, want %q", c.codice, c.cf, err, c.want)
		}
	}
	trovato, err := a.s.CercaAvviso(ctx, sportellista, pagopa.FormattaCodiceAvviso(codice), strings.ToLower(cf[0]))
	if err != nil || trovato.Fase != avvisi.FaseGenerato || !trovato.GPDLetto || trovato.Avviso.IUV != x.Avviso.IUV || len(trovato.Riconciliazione) != 0 {
		t.Fatalf("found: %+v %v", trovato, err)
	}
	if _, err := a.s.CercaAvviso(ctx, sportellista, x.Avviso.IUV, cf[0]); err != nil {
		t.Fatalf("by IUV: %v", err)
	}

	// Sent by e-mail (only by an operator allowed to send; here from the
	// PEC mailbox, the only one configured).
	if err := a.s.InviaSpontaneo(ctx, sportellista, codice, "", nil); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Fatalf("send by a plain operator: %v", err)
	}
	must(t, a.s.InviaSpontaneo(ctx, inviante, codice, "", nil))
	trovato, err = a.s.CercaAvviso(ctx, sportellista, codice, cf[0])
	if err != nil || trovato.Fase != avvisi.FaseInviato || trovato.Lotto.Spedizione != avvisi.PEC || trovato.Avviso.IndirizzoPec != "mario.rossi@pec.it" {
		t.Fatalf("after sending: %s %+v %v", trovato.Fase, trovato.Avviso.Invio, err)
	}

	// Sent again to a corrected address: a new message, the change audited.
	primoMessaggio := trovato.Avviso.Invio.MessageID
	must(t, a.s.InviaSpontaneo(ctx, inviante, codice, "Mario.Rossi@Example.it", nil))
	trovato, err = a.s.CercaAvviso(ctx, sportellista, codice, cf[0])
	if err != nil || trovato.Avviso.IndirizzoPec != "Mario.Rossi@example.it" || trovato.Avviso.Invio.MessageID == primoMessaggio {
		t.Fatalf("sent again: %+v %v", trovato.Avviso, err)
	}
	if hist, _ := a.db.History(ctx, "avviso", x.Avviso.IUPD); !slices.ContainsFunc(hist, func(h store.AuditEntry) bool {
		return h.Campo == "indirizzo_pec" && h.Dopo == "Mario.Rossi@example.it" && h.Operatore == "g.ferrari"
	}) {
		t.Fatalf("address change not audited: %+v", hist)
	}

	// The citizen pays (a simulated day of payments): GPD says so at the
	// counter, and the state is recorded by the clerk who asked.
	dir := t.TempDir()
	if _, err := a.sb.SimulaPagamenti(sandbox.ConfigPagamenti{Quota: 1, Seed: 1}, dir); err != nil {
		t.Fatal(err)
	}
	trovato, err = a.s.CercaAvviso(ctx, sportellista, codice, cf[0])
	if err != nil || trovato.Fase != avvisi.FasePagato || trovato.Avviso.StatoGPD != pagopa.StatoPagata || trovato.PagatoIl.IsZero() {
		t.Fatalf("after payment: %s %s %v", trovato.Fase, trovato.Avviso.StatoGPD, err)
	}
	if n, _ := a.s.ContaAvvisi(ctx, avvisi.FiltroAvvisi{StatoGPD: pagopa.StatoPagata}); n != 1 {
		t.Fatalf("paid state not recorded: %d", n)
	}
	hist, _ := a.db.History(ctx, "avviso", x.Avviso.IUPD)
	if len(hist) == 0 || hist[0].Campo != "stato_gpd" || hist[0].Dopo != pagopa.StatoPagata || hist[0].Operatore != "l.ricci" {
		t.Fatalf("audit of the state read: %+v", hist)
	}

	// Its receipt, flow and treasury credit imported and reconciled: the
	// counter shows the most complete label.
	must(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, err = riconciliazione.Importa(ctx, a.db, "admin", path)
		return err
	}))
	ric := riconciliazione.New(a.db)
	if _, err := ric.Esegui(ctx, a.admin); err != nil {
		t.Fatal(err)
	}
	trovato, err = a.s.CercaAvviso(ctx, sportellista, codice, cf[0])
	if err != nil || len(trovato.Riconciliazione) == 0 || len(trovato.Segnalazioni) != 0 {
		t.Fatalf("reconciliation: %+v %+v %v", trovato.Riconciliazione, trovato.Segnalazioni, err)
	}
	q := trovato.Riconciliazione[0]
	if q.Classe.Codice != "IUD_RT_IUF_TES" || q.IUF == "" || q.ImportoRT != 1600 || q.Classe.Descrizione == "" {
		t.Fatalf("most complete label: %+v", q)
	}

	// A flag on the payment, open: the counter shows it, with the note
	// added later; closed, it shows no more.
	must(t, ric.Segnala(ctx, a.admin, q.ChiaveTipo, q.Chiave, q.IUR, q.Classe.Codice, "Importo da verificare con la tesoreria"))
	must(t, ric.Segnala(ctx, sportellista, q.ChiaveTipo, q.Chiave, q.IUR, q.Classe.Codice, "Il cittadino ha portato la quietanza"))
	trovato, err = a.s.CercaAvviso(ctx, sportellista, codice, cf[0])
	if err != nil || len(trovato.Segnalazioni) != 1 {
		t.Fatalf("open flag: %+v %v", trovato.Segnalazioni, err)
	}
	if f := trovato.Segnalazioni[0]; f.Apertura.Nota != "Importo da verificare con la tesoreria" || f.Apertura.CreataDa != a.admin.Username ||
		f.Apertura.Classe != "IUD_RT_IUF_TES" || f.Apertura.CreataIl.IsZero() || len(f.Note) != 1 || f.Note[0].CreataDa != "l.ricci" {
		t.Fatalf("open flag: %+v", f)
	}
	must(t, ric.ChiudiSegnalazione(ctx, a.admin, q.ChiaveTipo, q.Chiave, q.IUR, "Verificato"))
	if trovato, err = a.s.CercaAvviso(ctx, sportellista, codice, cf[0]); err != nil || len(trovato.Segnalazioni) != 0 {
		t.Fatalf("closed flag still shown: %+v %v", trovato.Segnalazioni, err)
	}
}
