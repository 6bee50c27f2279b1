package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// configuraPagamenti points the UI's database at a fresh sandbox: ente,
// GPD, the TRASPORTO tipo dovuto and the ente's PEC mailbox.
func configuraPagamenti(t *testing.T, u *UI, admin operatori.Operatore) *sandbox.Sandbox {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	gpd := sb.GPDCredentials()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(u.Core.Impostazioni.SalvaEnte(ctx, admin, impostazioni.Ente{Denominazione: "Comune di Vimercate",
		CodiceFiscale: gpd.OrganizationFiscalCode, CodiceIPA: "c_m052", Indirizzo: "Piazza Unità d'Italia 1, 20871 Vimercate (MB)"}))
	check(u.Core.Impostazioni.SalvaGPD(ctx, admin, gpd.BaseURL, gpd.Key))
	_, err = u.Core.Impostazioni.SalvaTipoDovuto(ctx, admin, store.TipoDovuto{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico",
		Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true})
	check(err)
	pec := sb.PECCredentials()
	for _, c := range pec.Caselle {
		if c.Indirizzo == "protocollo@pec.comune-demo.it" {
			check(u.Core.Impostazioni.SalvaCasella(ctx, admin, store.CasellaPosta{Tipo: impostazioni.CasellaPEC, Indirizzo: c.Indirizzo,
				SMTPHost: pec.Host, SMTPPorta: pec.SMTPPort, SMTPSicurezza: impostazioni.SicurezzaTLS, IMAPHost: pec.Host,
				IMAPPorta: pec.IMAPPort, IMAPSicurezza: impostazioni.SicurezzaTLS, CAPEM: pec.CAPEM}, c.Password))
		}
	}
	return sb
}

// Utility → Generazione massiva Pagamenti, the manual's way: the three
// screens, «Visualizza anteprima» (a problem named by row and column,
// then the clean list and a row's PDF), «Genera avvisi PagoPA», «Esegui
// invio massivo» with its confirmation; every notice generated, protocolled
// and sent once.
func TestGenerazioneMassiva(t *testing.T) {
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	sb := configuraPagamenti(t, u, admin)
	cf := sandbox.SampleCodes(2026, 3).Enabled
	dir := t.TempDir()
	scrivi := func(nome string, righe ...string) string {
		p := filepath.Join(dir, nome)
		testo := "Intestazione;CodiceFiscale;Importo;IndirizzoPec;Indirizzo;CAP;Comune;Provincia\n" + strings.Join(righe, "\n") + "\n"
		if err := os.WriteFile(p, []byte(testo), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sporco := scrivi("sporco.csv", "Giulia Brambilla;"+cf[0]+";180,00;giulia.brambilla@pec.it;Via Cavour 3;20871;Vimercate;MB",
		"Marco Colombo;"+cf[1]+";zero;marco.colombo@pec.it;Via Milano 5;20871;Vimercate;MB")
	pulito := scrivi("pulito.csv", "Giulia Brambilla;"+cf[0]+";180,00;giulia.brambilla@pec.it;Via Cavour 3;20871;Vimercate;MB",
		"Marco Colombo;"+cf[1]+";220,00;marco.colombo@pec.it;Via Milano 5;20871;Vimercate;MB",
		"Anna Ferrari;"+cf[2]+";260,00;anna.ferrari@gmail.com;Via Garibaldi 7;20871;Vimercate;MB")

	u.ShowMain()
	u.Open("generazione")
	g := u.generazione
	if g == nil {
		t.Fatal("wizard not opened")
	}
	u.appIO().bg.Wait()
	if g.Passo != 0 || g.Indietro.Visible() || !g.Avanti.Visible() || !g.Genera.Disabled() || !g.InviaTutti.Disabled() {
		t.Fatalf("start: step %d, buttons enabled", g.Passo)
	}
	// Step 1, with protocollazione: step 2 follows, then step 3.
	test.Type(g.File, sporco)
	g.Protocollazione.SetSelected("Sì")
	test.Tap(g.Avanti)
	if g.Passo != 1 {
		t.Fatalf("with protocollazione the second step is %d", g.Passo)
	}
	test.Type(g.OggettoProtocollo, "Avviso di pagamento trasporto scolastico")
	test.Tap(g.Avanti)
	if g.Passo != 2 || !strings.Contains(g.Titolo.Text, "Dati per PagoPA") || g.Avanti.Visible() {
		t.Fatalf("third step: %d %q", g.Passo, g.Titolo.Text)
	}
	g.TipoDovuto.SetSelectedIndex(0)
	test.Type(g.Scadenza, time.Now().AddDate(0, 2, 0).Format("02/01/2006"))
	test.Type(g.Causale, "Trasporto scolastico a.s. 2026/27")
	// A dirty list: the problem by row and column, nothing to generate.
	test.Tap(g.VisualizzaAnteprima)
	u.appIO().bg.Wait()
	if len(g.errori) != 1 || !strings.Contains(g.errori[0].Error(), "riga 3") || !strings.Contains(g.errori[0].Error(), "Importo") ||
		!g.Genera.Disabled() {
		t.Fatalf("dirty list: %v, genera enabled %v", g.errori, !g.Genera.Disabled())
	}
	// The clean one: every row, and the PDF of one (letter + notice, marked as a preview).
	g.File.SetText(pulito)
	test.Tap(g.VisualizzaAnteprima)
	u.appIO().bg.Wait()
	if g.numeroRighe() != 3 || g.Genera.Disabled() || !strings.Contains(g.Esito.Text, "3 avvisi per 660,00 euro") {
		t.Fatalf("clean list: %d rows, %q", g.numeroRighe(), g.Esito.Text)
	}
	var aperto string
	g.OpenPDF = func(path string) error { aperto = path; return nil }
	g.Righe.Select(widgetCell(1, 0))
	test.Tap(g.ApriPDF)
	u.appIO().bg.Wait()
	pdf, err := os.ReadFile(aperto)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("FAC-SIMILE")) || !bytes.Contains(pdf, []byte("Marco Colombo")) {
		t.Fatalf("preview PDF %q: %v", aperto, err)
	}
	// Genera: positions on GPD, the codes in the table.
	test.Tap(g.Genera)
	u.appIO().bg.Wait()
	if g.lotto == "" || len(g.stato) != 3 || g.InviaTutti.Disabled() {
		t.Fatalf("after Genera: batch %q, %d rows", g.lotto, len(g.stato))
	}
	for _, r := range g.stato {
		if r.Stato != "GENERATO" || r.StatoGPD != "VALID" {
			t.Fatalf("row %d: %s %s %s", r.Riga, r.Stato, r.StatoGPD, r.Errore)
		}
	}
	if !strings.Contains(g.Esito.Text, "Avvisi generati: 3 di 3") {
		t.Fatalf("esito: %q", g.Esito.Text)
	}
	// Esegui invio massivo: asked first, then sent once each.
	test.Tap(g.InviaTutti)
	if g.Conferma == nil || !strings.Contains(g.Conferma.Message.Text, "Inviare 3 avvisi per PEC") ||
		!strings.Contains(g.Conferma.Message.Text, "protocollato") {
		t.Fatalf("confirmation: %+v", g.Conferma)
	}
	test.Tap(g.Conferma.Si)
	u.appIO().bg.Wait()
	if st := sb.Stats().PEC; st.Inviati != 3 || st.DuplicatiMessageID != 0 || st.Duplicati != 0 {
		t.Fatalf("sandbox: %+v", st)
	}
	for _, r := range g.stato {
		if r.Invio.Stato != store.InvioInviato {
			t.Fatalf("row %d: %+v", r.Riga, r.Invio)
		}
	}
	if !strings.Contains(g.Esito.Text, "Inviato 3") {
		t.Fatalf("esito: %q", g.Esito.Text)
	}
	if got := fmt.Sprint(g.cella(widgetCell(0, 4))); got != "Inviato" {
		t.Fatalf("sending column: %q", got)
	}
}

func widgetCell(row, col int) widget.TableCellID { return widget.TableCellID{Row: row, Col: col} }

// A batch generated and not sent is offered again when the wizard opens
// (the clerk closed Sportello in between): SI loads it, ready to send.
func TestGenerazioneRiprendeLotto(t *testing.T) {
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	configuraPagamenti(t, u, admin)
	ctx := context.Background()
	cf := sandbox.SampleCodes(2026, 2).Enabled
	csv := "Intestazione;CodiceFiscale;Importo;IndirizzoPec\nGiulia Brambilla;" + cf[0] + ";180,00;giulia.brambilla@pec.it\n" +
		"Marco Colombo;" + cf[1] + ";220,00;marco.colombo@gmail.com\n"
	l, _, err := u.Core.Avvisi.ImportaLotto(ctx, admin, "iscritti.csv", strings.NewReader(csv), avvisi.OpzioniLotto{TipoDovuto: "TRASPORTO",
		Scadenza: time.Now().AddDate(0, 2, 0), Causale: "Trasporto scolastico", Spedizione: avvisi.PEC, Protocollazione: true,
		OggettoProtocollo: "Avviso di pagamento"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Core.Avvisi.Genera(ctx, admin, u.Core.Impostazioni, l.UUID, nil); err != nil {
		t.Fatal(err)
	}
	u.ShowMain()
	u.Open("generazione")
	g := u.generazione
	u.appIO().bg.Wait()
	if g.Conferma == nil || !strings.Contains(g.Conferma.Message.Text, "«iscritti.csv» (2 avvisi) è generato ma non ancora inviato") {
		t.Fatalf("offer: %+v", g.Conferma)
	}
	test.Tap(g.Conferma.Si)
	u.appIO().bg.Wait()
	if g.lotto != l.UUID || g.numeroRighe() != 2 || g.InviaTutti.Disabled() || !g.protocollare() {
		t.Fatalf("loaded: %q %d rows, send enabled %v", g.lotto, g.numeroRighe(), !g.InviaTutti.Disabled())
	}
	test.Tap(g.InviaTutti)
	if g.Conferma == nil || !strings.Contains(g.Conferma.Message.Text, "Inviare 2 avvisi per PEC") {
		t.Fatalf("confirmation: %+v", g.Conferma)
	}
}

// The notice's detail after a PEC send: its receipts (saved as they
// arrived), its protocol, and «Reinvia», which sends a new message.
func TestDettaglioAvvisoInviato(t *testing.T) {
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	sb := configuraPagamenti(t, u, admin)
	ctx := context.Background()
	cf := sandbox.SampleCodes(2026, 1).Enabled
	csv := "Intestazione;CodiceFiscale;Importo;IndirizzoPec\nGiulia Brambilla;" + cf[0] + ";180,00;giulia.brambilla@pec.it\n"
	l, _, err := u.Core.Avvisi.ImportaLotto(ctx, admin, "uno.csv", strings.NewReader(csv), avvisi.OpzioniLotto{TipoDovuto: "TRASPORTO",
		Scadenza: time.Now().AddDate(0, 2, 0), Causale: "Trasporto scolastico", Spedizione: avvisi.PEC, Protocollazione: true,
		OggettoProtocollo: "Avviso di pagamento"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Core.Avvisi.Genera(ctx, admin, u.Core.Impostazioni, l.UUID, nil); err != nil {
		t.Fatal(err)
	}
	if err := u.Core.Avvisi.Invia(ctx, admin, l.UUID, nil); err != nil {
		t.Fatal(err)
	}
	for sb.Stats().PEC.InAttesa > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	u.ShowMain()
	u.Open("cruscotto")
	s := u.cruscotto
	s.Panel.Wait()
	test.Tap(s.Ricevute)
	u.appIO().bg.Wait()
	s.Panel.Wait()
	if !strings.Contains(s.Esito.Text, "Ricevute PEC lette: 2 nuove") {
		t.Fatalf("receipts: %q", s.Esito.Text)
	}
	row, _ := s.Panel.Row(0)
	if row[colCruscottoInvio] != "Consegnato" {
		t.Fatalf("row: %v", row)
	}
	s.Panel.OnOpen(row)
	u.appIO().bg.Wait()
	x := s.Detail
	if x == nil || x.Ricevute.Length() != 2 || x.d.Protocollo == nil || x.Reinvia.Disabled() {
		t.Fatalf("detail: %+v", x)
	}
	// The delivery receipt, saved as it arrived.
	x.Ricevute.Select(1)
	out := filepath.Join(t.TempDir(), "consegna.eml")
	u.salvaRicevuta(x, x.d.Ricevute[1].ID, out)
	u.appIO().bg.Wait()
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte("X-Ricevuta: avvenuta-consegna")) {
		t.Fatalf("saved receipt: %v", err)
	}
	prima := x.d.Avviso.Invio.MessageID
	test.Tap(x.Reinvia)
	if x.Conferma == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(x.Conferma.Si)
	u.appIO().bg.Wait()
	u.appIO().bg.Wait() // the detail, read again
	if sb.Stats().PEC.Inviati != 2 || s.Detail == x || s.Detail.d.Avviso.Invio.MessageID == prima ||
		!strings.Contains(s.Detail.Esito.Text, "inviato di nuovo") {
		t.Fatalf("re-send: %d sent, esito %q", sb.Stats().PEC.Inviati, s.Detail.Esito.Text)
	}
}

// At 1366×768 the rows of the preview show up to the sending state, on
// every step of the wizard, without dragging the split; «Da generare» and
// the column titles are whole.
func TestGenerazioneColonneStato(t *testing.T) {
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	configuraPagamenti(t, u, admin)
	cf := sandbox.SampleCodes(2026, 2).Enabled
	file := filepath.Join(t.TempDir(), "lista.csv")
	if err := os.WriteFile(file, []byte("Intestazione;CodiceFiscale;Importo;IndirizzoPec\nGiovanni Fumagalli;"+cf[0]+
		";1.320,00;giovanni.fumagalli@pec.it\nMonica Damico;"+cf[1]+";120,00;monica.damico@pec.it\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u.ShowMain()
	u.Win.Resize(fyne.NewSize(1366, 768))
	u.Open("generazione")
	g := u.generazione
	u.appIO().bg.Wait()
	test.Type(g.File, file)
	g.Protocollazione.SetSelected("Sì")
	test.Type(g.OggettoProtocollo, "Avviso di pagamento trasporto scolastico")
	g.TipoDovuto.SetSelectedIndex(0)
	test.Type(g.Scadenza, time.Now().AddDate(0, 2, 0).Format("02/01/2006"))
	test.Type(g.Causale, "Trasporto scolastico a.s. 2026/27")
	test.Tap(g.VisualizzaAnteprima)
	u.appIO().bg.Wait()
	if g.numeroRighe() != 2 || len(g.errori) != 0 {
		t.Fatalf("preview: %d rows, %v", g.numeroRighe(), g.errori)
	}
	// Where «Invio» ends: the row numbers, then each column and the gap
	// after it.
	cols := colonneGenerazione()
	fineInvio := float32(larghezzaNumeroRiga)
	for _, c := range cols[:5] {
		fineInvio += theme.Padding() + c.Width
	}
	for passo := range 3 {
		g.vaiA(passo)
		g.View.Refresh()
		if w := g.Righe.Size().Width; fineInvio > w {
			t.Errorf("step %d: «Invio» ends at %v, the table is %v wide", passo+1, fineInvio, w)
		}
		testi := testiVisibili(g.Righe)
		for _, want := range []string{"Intestazione", "Importo", "Codice avviso", "Generazione", "Invio", "Giovanni Fumagalli",
			"1.320,00", "(alla generazione)", "Da generare"} {
			if !slices.Contains(testi, want) {
				t.Errorf("step %d: %q not whole on screen (table %v wide): %q", passo+1, want, g.Righe.Size().Width, testi)
			}
		}
	}
	// The states a row takes fit their columns.
	for col, stati := range map[int][]string{3: {statoAvvisoLabel(avvisi.StatoDaGenerare), statoAvvisoLabel(avvisi.StatoGenerato),
		statoAvvisoLabel(avvisi.StatoErrore)}, 4: {statoInvioLabel(""), statoInvioLabel(store.InvioDaInviare),
		statoInvioLabel(store.InvioInviato), statoInvioLabel(store.InvioAccettato), statoInvioLabel(store.InvioConsegnato)}} {
		for _, s := range stati {
			if w := fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding(); w > cols[col].Width {
				t.Errorf("%q needs %v, column %q is %v wide", s, w, cols[col].Title, cols[col].Width)
			}
		}
	}
}

// testiVisibili are the texts drawn whole within o's bounds (a truncated
// label draws its text shortened, «Da gener…»).
func testiVisibili(o fyne.CanvasObject) []string {
	var out []string
	limite := o.Size()
	var visita func(c fyne.CanvasObject, off fyne.Position)
	visita = func(c fyne.CanvasObject, off fyne.Position) {
		if !c.Visible() {
			return
		}
		pos := off.Add(c.Position())
		switch w := c.(type) {
		case *canvas.Text:
			fine := pos.Add(fyne.NewPos(fyne.MeasureText(w.Text, w.TextSize, w.TextStyle).Width, 0))
			if w.Text != "" && pos.X >= 0 && fine.X <= limite.Width+0.5 && pos.Y >= 0 && pos.Y < limite.Height {
				out = append(out, w.Text)
			}
		case *fyne.Container:
			for _, x := range w.Objects {
				visita(x, pos)
			}
		case fyne.Widget:
			for _, x := range test.WidgetRenderer(w).Objects() {
				visita(x, pos)
			}
		}
	}
	for _, x := range test.WidgetRenderer(o.(fyne.Widget)).Objects() {
		visita(x, fyne.Position{})
	}
	return out
}
