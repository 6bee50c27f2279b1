package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// ioEnv is a UI over a temp database with one App IO service pointing at
// an in-process sandbox, and an operator of the given role at work.
type ioEnv struct {
	u  *UI
	sb *sandbox.Sandbox
	sv flussi.Servizio
	op operatori.Operatore
}

func newIOEnv(t *testing.T, ruolo operatori.Ruolo, cfg sandbox.Config) *ioEnv {
	t.Helper()
	ctx := context.Background()
	cfg.Seed = 2026
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	u := newTestUI(t)
	admin := createAdmin(t, u)
	var saved bool
	for _, c := range sb.Credentials().Services {
		if c.FeatureLevel == sandbox.FeatureStandard && c.MaxAmount > 0 {
			if _, err := u.Core.Impostazioni.SalvaServizioIO(ctx, admin, store.ServizioIO{Nome: c.Name, ServiceID: c.ServiceID,
				BaseURL: sb.IOBaseURL(), Livello: "STANDARD", ImportoMassimo: c.MaxAmount, Attivo: true}, c.Key); err != nil {
				t.Fatal(err)
			}
			saved = true
			break
		}
	}
	if !saved {
		t.Fatal("no STANDARD service in the sandbox")
	}
	ss, err := u.Core.Flussi.Servizi(ctx)
	if err != nil || len(ss) != 1 {
		t.Fatalf("Servizi = %v, %v", ss, err)
	}
	op := admin
	if ruolo != operatori.RuoloAmministratore {
		op, err = u.Core.Operatori.Crea(ctx, admin, operatori.Nuovo{Username: "g.ferrari", Nome: "Giulia Ferrari",
			Ruolo: ruolo, Password: "Sportello-2026", Attivo: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	u.Core.SetOperatore(op)
	u.ShowMain()
	return &ioEnv{u: u, sb: sb, sv: ss[0], op: op}
}

// wait lets the background work of the App IO windows, and the searches
// of the given panels, finish and show.
func (e *ioEnv) wait(panels ...*widgets.SearchPanel) {
	for range 3 {
		e.u.appIO().bg.Wait()
		for _, p := range panels {
			if p != nil {
				p.Wait()
			}
		}
	}
}

// cittadini are n valid fiscal codes of the given sandbox kind.
func (e *ioEnv) cittadini(t *testing.T, n int, kind sandbox.CitizenKind) []string {
	t.Helper()
	cognomi := []string{"Brambilla", "Colombo", "Galli", "Mariani", "Villa", "Sala", "Fumagalli", "Cattaneo"}
	nomi := []string{"Giuseppe", "Luigi", "Alessandro", "Stefano", "Roberto", "Davide"}
	var out []string
	for i := 0; len(out) < n && i < 10000; i++ {
		cf, err := anagrafe.GeneraCodiceFiscale(cognomi[i%len(cognomi)], nomi[(i/8)%len(nomi)],
			time.Date(1950+i%50, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), 'M', "F704")
		if err != nil || e.sb.Citizen(cf) != kind {
			continue
		}
		out = append(out, cf)
	}
	if len(out) < n {
		t.Fatalf("only %d citizens of kind %v", len(out), kind)
	}
	return out
}

const testoAvviso = "Gentile contribuente, è disponibile l'**avviso di pagamento** della TARI 2026. " +
	"Può pagarlo dall'app IO entro la scadenza indicata, oppure presso gli sportelli abilitati."

func scriviCSV(t *testing.T, righe [][2]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto\n")
	for _, r := range righe {
		fmt.Fprintf(&b, "%s;%s;%s\n", r[0], r[1], testoAvviso)
	}
	path := filepath.Join(t.TempDir(), "flusso.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGestioneFlussiImportaAttivaInvia(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{})
	u := e.u
	u.Open("flussi")
	s := u.flussi
	if s == nil {
		t.Fatal("Gestione Flussi not opened")
	}
	e.wait(s.Panel)
	if s.Panel.Total() != 0 {
		t.Fatalf("flows on an empty database: %d", s.Panel.Total())
	}

	// The wizard: a small CSV, four citizens on IO and one not.
	cfs := append(e.cittadini(t, 4, sandbox.CitizenEnabled), e.cittadini(t, 1, sandbox.CitizenNotOnIO)...)
	var righe [][2]string
	for i, cf := range cfs {
		righe = append(righe, [2]string{cf, fmt.Sprintf("Avviso TARI 2026 n. %d", i+1)})
	}
	test.Tap(s.Nuovo)
	w := s.Wizard
	if w == nil {
		t.Fatal("wizard not shown")
	}
	if w.Servizio.Selected != e.sv.Nome {
		t.Fatalf("the only service is not preselected: %q", w.Servizio.Selected)
	}
	test.Type(w.Note, "TARI 2026 prima rata")
	w.File.SetText(scriviCSV(t, righe))
	if !w.Importa.Disabled() {
		t.Fatal("Importa enabled before Verifica")
	}
	test.Tap(w.Verifica)
	e.wait()
	if w.Lettura == nil || len(w.Lettura.Righe) != 5 || w.Importa.Disabled() {
		t.Fatalf("reading %+v, Importa disabled %v, esito %q", w.Lettura, w.Importa.Disabled(), w.Esito.Text)
	}
	if !strings.Contains(w.Esito.Text, "5 righe valide") {
		t.Fatalf("summary %q", w.Esito.Text)
	}
	if w.AnteprimaOggetto.Text != "Avviso TARI 2026 n. 1" || w.Riga.Text != "2" {
		t.Fatalf("preview of the first row: %q (riga %q)", w.AnteprimaOggetto.Text, w.Riga.Text)
	}
	test.Tap(w.Successiva)
	if w.AnteprimaOggetto.Text != "Avviso TARI 2026 n. 2" || w.Riga.Text != "3" || !strings.Contains(w.RigaInfo.Text, cfs[1]) {
		t.Fatalf("preview of the second row: %q (riga %q) %q", w.AnteprimaOggetto.Text, w.Riga.Text, w.RigaInfo.Text)
	}
	// A change of the templates calls for a new check.
	w.ModelloOggetto.SetText("Avviso TARI")
	if !w.Importa.Disabled() {
		t.Fatal("Importa still enabled after the template changed")
	}
	w.ModelloOggetto.SetText("")
	if w.Importa.Disabled() {
		t.Fatal("Importa not enabled again with the inputs checked")
	}
	test.Tap(w.Importa)
	e.wait()
	d := s.Detail
	if d == nil {
		t.Fatal("the new flow's detail is not shown after Importa")
	}
	if d.Flusso.Stato != flussi.Inattivo || d.Form.Entries["note"].Text != "TARI 2026 prima rata" || d.Invio[flussi.DaInviare].Text != "5" {
		t.Fatalf("new flow: %+v", d.Flusso)
	}
	if !d.Attiva.Visible() || d.Attiva.Disabled() || !d.Invia.Visible() || !d.Invia.Disabled() {
		t.Fatal("inactive flow: Attiva must be enabled, Invia disabled")
	}

	// The flow is in the list after Elenca.
	test.Tap(d.TornaElenco)
	test.Tap(s.Panel.Elenca)
	e.wait(s.Panel)
	if s.Panel.Total() != 1 {
		t.Fatalf("flows listed: %d", s.Panel.Total())
	}
	row, ok := s.Panel.Row(0)
	if !ok || row[colFlussoNote] != "TARI 2026 prima rata" || row[colFlussoStato] != "Inattivo" || row[colFlussoTotale] != "5" ||
		row[colFlussoServizio] != e.sv.Nome || row[colFlussoUUID] != d.ID.String() {
		t.Fatalf("row %v", row)
	}
	// Filters: another state finds nothing.
	s.Panel.Selects["stato"].SetSelected("Inviato")
	test.Tap(s.Panel.Elenca)
	e.wait(s.Panel)
	if s.Panel.Total() != 0 {
		t.Fatalf("state filter: %d", s.Panel.Total())
	}
	s.Panel.Clear()
	test.Tap(s.Panel.Elenca)
	e.wait(s.Panel)

	// Double-click opens the detail; Attiva, then Invia with its confirmation.
	s.Panel.OnOpen(row)
	e.wait()
	d = s.Detail
	if d == nil || d.ID.String() != row[colFlussoUUID] {
		t.Fatal("double-click did not open the flow")
	}
	test.Tap(d.Attiva)
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.Attivo || d.Invia.Disabled() || !d.Disattiva.Visible() || d.Attiva.Visible() {
		t.Fatalf("after Attiva: %s, Invia disabled %v", d.Flusso.Stato, d.Invia.Disabled())
	}
	test.Tap(d.Invia)
	e.wait()
	if d.Conferma == nil {
		t.Fatal("no confirmation before sending")
	}
	if want := "Inviare 4 notifiche? 1 destinatario non raggiungibile non riceverà il messaggio."; d.Conferma.Message.Text != want {
		t.Fatalf("confirmation %q", d.Conferma.Message.Text)
	}
	test.Tap(d.Conferma.Si)
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.Inviato {
		t.Fatalf("after sending: %s (%s)", d.Flusso.Stato, d.Esito.Text)
	}
	for st, want := range map[flussi.StatoInvio]string{flussi.Inviata: "4", flussi.NonRaggiungibile: "1", flussi.DaInviare: "0", flussi.Errore: "0"} {
		if got := d.Invio[st].Text; got != want {
			t.Errorf("count %s = %q, want %q", st.Label(), got, want)
		}
	}
	if d.Esito.Text != "Invio concluso." || d.ProgressoBox.Visible() {
		t.Fatalf("esito %q, progress visible %v", d.Esito.Text, d.ProgressoBox.Visible())
	}
	if !d.Invia.Disabled() || !d.RiprovaFalliti.Disabled() || !d.ReinviaIncerte.Disabled() || d.Attiva.Visible() && !d.Attiva.Disabled() {
		t.Fatal("actions of a sent flow still enabled")
	}

	// The analytic list, searched when its tab is shown: five notifications;
	// one opens with its detail.
	d.Tabs.SelectIndex(1)
	e.wait(d.Notifiche)
	if d.Notifiche.Total() != 5 {
		t.Fatalf("notifications of the flow: %d", d.Notifiche.Total())
	}
	d.Notifiche.Selects["invio"].SetSelected(flussi.Inviata.Label())
	test.Tap(d.Notifiche.Elenca)
	e.wait(d.Notifiche)
	if d.Notifiche.Total() != 4 {
		t.Fatalf("sent notifications of the flow: %d", d.Notifiche.Total())
	}
	d.Notifiche.CellAt(0, 0)
	e.wait(d.Notifiche)
	nrow, ok := d.Notifiche.Row(0)
	if !ok || nrow[colFlussoNotInvio] != "Inviata" {
		t.Fatalf("first sent notification: %v", nrow)
	}
	d.Notifiche.OnOpen(nrow)
	e.wait()
	n := s.Notifica
	if n == nil || n.Form.Entries["stato_invio"].Text != "Inviata" || n.Form.Entries["flusso"].Text != d.ID.String() ||
		n.Form.Entries["riga"].Text != nrow[colFlussoNotRiga] || n.VerificaStato.Disabled() {
		t.Fatalf("notification detail: %+v", n)
	}
	// Torna Elenco keeps the search, Altra Ricerca clears it.
	test.Tap(n.TornaElenco)
	e.wait(d.Notifiche)
	if s.Notifica != nil || d.Notifiche.Selects["invio"].Selected == "" || d.Notifiche.Total() != 4 {
		t.Fatal("Torna Elenco lost the search")
	}
	d.Notifiche.OnOpen(nrow)
	e.wait()
	test.Tap(s.Notifica.AltraRicerca)
	e.wait(d.Notifiche)
	if d.Notifiche.Selects["invio"].Selected != "" || d.Notifiche.Total() != 5 {
		t.Fatal("Altra Ricerca did not clear the filters")
	}
}

func TestNuovoFlussoConErroriNonImportabile(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatore, sandbox.Config{})
	u := e.u
	u.Open("flussi")
	s := u.flussi
	e.wait(s.Panel)
	cfs := e.cittadini(t, 3, sandbox.CitizenEnabled)
	path := scriviCSV(t, [][2]string{
		{cfs[0], "Avviso TARI 2026 n. 1"},
		{"RSSMRA80A01F205Z", "Avviso TARI 2026 n. 2"}, // wrong check character
		{cfs[2], "TARI"},                              // subject too short
	})
	test.Tap(s.Nuovo)
	w := s.Wizard
	w.File.SetText(path)
	test.Tap(w.Verifica)
	e.wait()
	if w.Lettura == nil || len(w.Lettura.Errori) != 2 {
		t.Fatalf("reading: %+v", w.Lettura)
	}
	if !w.Importa.Disabled() {
		t.Fatal("Importa enabled for a file with errors")
	}
	if w.Esito.Importance != widget.DangerImportance || !strings.Contains(w.Esito.Text, "Righe con errori: 2 di 3") {
		t.Fatalf("esito %q", w.Esito.Text)
	}
	if w.Segnalazioni.Length() != 2 {
		t.Fatalf("problems listed: %d", w.Segnalazioni.Length())
	}
	var testi []string
	for _, p := range w.segnalazioni {
		testi = append(testi, p.Error())
	}
	if !strings.HasPrefix(testi[0], "riga 3, colonna codice_fiscale: ") || !strings.HasPrefix(testi[1], "riga 4, colonna oggetto: minimo 10 caratteri") {
		t.Fatalf("problems %q", testi)
	}
	// A click on a problem previews its row.
	w.Segnalazioni.Select(1)
	if w.Riga.Text != "4" || w.AnteprimaOggetto.Text != "TARI" || w.RigaInfo.Importance != widget.DangerImportance {
		t.Fatalf("preview of the wrong row: %q %q", w.Riga.Text, w.AnteprimaOggetto.Text)
	}
	test.Tap(w.Importa)
	e.wait()
	if s.Detail != nil {
		t.Fatal("a file with errors was imported")
	}
	if n, _ := u.Core.Flussi.ContaFlussi(context.Background(), flussi.FiltroFlussi{}); n != 0 {
		t.Fatalf("%d flows stored", n)
	}
}

func TestTracciatoScaricato(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatore, sandbox.Config{})
	e.u.Open("flussi")
	s := e.u.flussi
	test.Tap(s.Nuovo)
	w := s.Wizard
	path := filepath.Join(t.TempDir(), "tracciato.xlsx")
	w.ChooseSave = func(suggested string, chosen func(string)) {
		if !strings.HasSuffix(suggested, ".xlsx") {
			t.Errorf("suggested %q", suggested)
		}
		chosen(path)
	}
	test.Tap(w.ScaricaTracciato)
	e.wait()
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("template not written: %v", err)
	}
	// The template imports as it is.
	w.ChooseOpen = func(chosen func(string)) { chosen(path) }
	test.Tap(w.Sfoglia)
	test.Tap(w.Verifica)
	e.wait()
	if w.Lettura == nil || len(w.Lettura.Errori) != 0 || w.Importa.Disabled() {
		t.Fatalf("template: %q", w.Esito.Text)
	}
}

func TestOperatoreSenzaInvio(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatore, sandbox.Config{})
	u := e.u
	ctx := context.Background()
	cfs := e.cittadini(t, 2, sandbox.CitizenEnabled)
	f, _, err := u.Core.Flussi.Importa(ctx, e.op, e.sv, "f.csv", strings.NewReader("codice_fiscale;oggetto;contenuto\n"+
		cfs[0]+";Avviso TARI 2026 n. 1;"+testoAvviso+"\n"+cfs[1]+";Avviso TARI 2026 n. 2;"+testoAvviso+"\n"),
		flussi.OpzioniImport{}, flussi.DatiFlusso{Note: "prova"})
	if err != nil {
		t.Fatal(err)
	}
	u.Open("flussi")
	s := u.flussi
	e.wait(s.Panel)
	if !s.Nuovo.Visible() {
		t.Fatal("an operator prepares flows: Nuovo flusso must be there")
	}
	u.showFlusso(s, f.UUID)
	e.wait()
	d := s.Detail
	if d.Invia.Visible() || d.AnnullaInvio.Visible() || d.RiprovaFalliti.Visible() || d.ReinviaIncerte.Visible() {
		t.Fatal("an operator without the sending role sees the send actions")
	}
	test.Tap(d.Attiva)
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.Attivo {
		t.Fatalf("Attiva: %s", d.Flusso.Stato)
	}

	u.Open("notifiche")
	if u.notifiche.Nuovo.Visible() {
		t.Fatal("an operator without the sending role sees Nuovo in the archive")
	}
}

func TestRipresaInvioInterrotto(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{Faults: sandbox.Faults{LatencyMin: 40 * time.Millisecond, LatencyMax: 40 * time.Millisecond}})
	u := e.u
	ctx := context.Background()
	cfs := e.cittadini(t, 40, sandbox.CitizenEnabled)
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto\n")
	for i, cf := range cfs {
		fmt.Fprintf(&b, "%s;Avviso TARI 2026 n. %d;%s\n", cf, i+1, testoAvviso)
	}
	f, _, err := u.Core.Flussi.Importa(ctx, e.op, e.sv, "f.csv", strings.NewReader(b.String()), flussi.OpzioniImport{}, flussi.DatiFlusso{Note: "da riprendere"})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Core.Flussi.Attiva(ctx, e.op, f.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Core.Flussi.VerificaDestinatari(ctx, e.op, f.UUID, nil); err != nil {
		t.Fatal(err)
	}
	// A session that paused the send at its first report.
	var once sync.Once
	err = u.Core.Flussi.Invia(ctx, e.op, f.UUID, func(jobs.Progress) {
		once.Do(func() {
			if err := u.Core.Flussi.Pausa(ctx, e.op, f.UUID); err != nil {
				t.Error(err)
			}
		})
	})
	if !errors.Is(err, jobs.ErrPaused) {
		t.Skipf("the send was not paused in time (%v)", err)
	}

	u.Open("flussi")
	s := u.flussi
	e.wait(s.Panel)
	if s.Riprendi == nil || !strings.Contains(s.Riprendi.Message.Text, "da riprendere") {
		t.Fatal("no offer to resume the interrupted flow")
	}
	test.Tap(s.Riprendi.Si)
	e.wait(s.Panel)
	d := s.Detail
	if d == nil || d.ID != f.UUID {
		t.Fatal("the resumed flow is not shown")
	}
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.Inviato || d.Invio[flussi.Inviata].Text != "40" {
		t.Fatalf("after resuming: %s, inviate %s (%s)", d.Flusso.Stato, d.Invio[flussi.Inviata].Text, d.Esito.Text)
	}
	// Asked once per session.
	u.Open("home")
	u.Open("flussi")
	e.wait(u.flussi.Panel)
	if u.flussi.Riprendi != nil {
		t.Fatal("resume offered twice")
	}
}

// Notifications whose send failed with a 5xx end "Esito incerto"; the
// flow is "Invio incompleto" and, only after the operator confirms,
// «Reinvia incerte» sends them again.
func TestReinviaIncerte(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{})
	d := e.flussoAttivo(t, 10, "incerte")
	test.Tap(d.Invia)
	e.wait()
	if d.Conferma == nil {
		t.Fatal("no confirmation")
	}
	// The recipients are checked; the first three sends get a 500.
	e.sb.InjectFaults(sandbox.Fault{Kind: sandbox.Fault500}, sandbox.Fault{Kind: sandbox.Fault500}, sandbox.Fault{Kind: sandbox.Fault500})
	test.Tap(d.Conferma.Si)
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.InvioIncompleto || d.Invio[flussi.EsitoIncerto].Text != "3" || d.Invio[flussi.Inviata].Text != "7" {
		t.Fatalf("after the send: %s, incerte %s, inviate %s", d.Flusso.Stato, d.Invio[flussi.EsitoIncerto].Text, d.Invio[flussi.Inviata].Text)
	}
	if e.sb.Stats().IO.Messages != 7 {
		t.Fatalf("sandbox has %d messages", e.sb.Stats().IO.Messages)
	}
	if d.ReinviaIncerte.Disabled() || !d.RiprovaFalliti.Disabled() {
		t.Fatal("Reinvia incerte not offered (or Riprova falliti offered with no failures)")
	}
	test.Tap(d.ReinviaIncerte)
	if d.Conferma == nil || !strings.HasPrefix(d.Conferma.Message.Text, "Reinviare le 3 notifiche con esito incerto?") ||
		!strings.Contains(d.Conferma.Message.Text, "due volte") {
		t.Fatalf("re-send asked without the warning: %+v", d.Conferma)
	}
	test.Tap(d.Conferma.Si)
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.Inviato || d.Invio[flussi.Inviata].Text != "10" || d.Invio[flussi.EsitoIncerto].Text != "0" {
		t.Fatalf("after Reinvia incerte: %s, inviate %s (%s)", d.Flusso.Stato, d.Invio[flussi.Inviata].Text, d.Esito.Text)
	}
	if st := e.sb.Stats(); st.IO.Messages != 10 || st.IO.Duplicates != 0 {
		t.Fatalf("sandbox: %d messages, %d duplicates", st.IO.Messages, st.IO.Duplicates)
	}
}

// «Pausa» stops a send after the calls in flight; «Riprendi» finishes it,
// sending nothing twice.
func TestPausaRiprendi(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{Faults: sandbox.Faults{LatencyMin: 100 * time.Millisecond, LatencyMax: 100 * time.Millisecond}})
	d := e.flussoAttivo(t, 60, "pausa")
	test.Tap(d.Invia)
	e.wait()
	test.Tap(d.Conferma.Si)
	// Pause once the first messages have arrived.
	for deadline := time.Now().Add(10 * time.Second); e.sb.Stats().IO.Messages == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the send did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if d.Pausa.Disabled() {
		t.Fatal("Pausa disabled while sending")
	}
	test.Tap(d.Pausa)
	e.wait(d.Notifiche)
	inviate := e.sb.Stats().IO.Messages
	if d.Flusso.Stato != flussi.InInvio || !strings.HasPrefix(d.Esito.Text, "Invio sospeso") || inviate >= 60 {
		t.Fatalf("after Pausa: %s, %q, %d sent", d.Flusso.Stato, d.Esito.Text, inviate)
	}
	if !d.Riprendi.Visible() || d.Riprendi.Disabled() {
		t.Fatal("Riprendi not offered")
	}
	test.Tap(d.Riprendi)
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.Inviato || d.Invio[flussi.Inviata].Text != "60" {
		t.Fatalf("after Riprendi: %s, inviate %s (%s)", d.Flusso.Stato, d.Invio[flussi.Inviata].Text, d.Esito.Text)
	}
	if st := e.sb.Stats(); st.IO.Messages != 60 || st.IO.Duplicates != 0 {
		t.Fatalf("sandbox: %d messages, %d duplicates", st.IO.Messages, st.IO.Duplicates)
	}
}

// flussoAttivo imports a flow of n reachable citizens, activates it and
// opens its detail in Gestione Flussi.
func (e *ioEnv) flussoAttivo(t *testing.T, n int, note string) *flussoDetail {
	t.Helper()
	u, ctx := e.u, context.Background()
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto\n")
	for i, cf := range e.cittadini(t, n, sandbox.CitizenEnabled) {
		fmt.Fprintf(&b, "%s;Avviso TARI 2026 n. %d;%s\n", cf, i+1, testoAvviso)
	}
	f, _, err := u.Core.Flussi.Importa(ctx, e.op, e.sv, "f.csv", strings.NewReader(b.String()), flussi.OpzioniImport{}, flussi.DatiFlusso{Note: note})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Core.Flussi.Attiva(ctx, e.op, f.UUID); err != nil {
		t.Fatal(err)
	}
	u.Open("flussi")
	e.wait(u.flussi.Panel)
	u.showFlusso(u.flussi, f.UUID)
	e.wait()
	if u.flussi.Detail == nil {
		t.Fatal("flow detail not shown")
	}
	return u.flussi.Detail
}

// «Annulla invio» stops a send for good: what was not sent is "Annullata".
func TestAnnullaInvio(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{Faults: sandbox.Faults{LatencyMin: 100 * time.Millisecond, LatencyMax: 100 * time.Millisecond}})
	d := e.flussoAttivo(t, 60, "annulla")
	test.Tap(d.Invia)
	e.wait()
	test.Tap(d.Conferma.Si)
	for deadline := time.Now().Add(10 * time.Second); e.sb.Stats().IO.Messages == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the send did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	test.Tap(d.AnnullaInvio)
	if d.Conferma == nil || !strings.Contains(d.Conferma.Message.Text, "«Annullata»") {
		t.Fatal("no confirmation before cancelling")
	}
	test.Tap(d.Conferma.Si)
	e.wait(d.Notifiche)
	inviate := e.sb.Stats().IO.Messages
	if d.Flusso.Stato != flussi.InvioIncompleto || !strings.HasPrefix(d.Esito.Text, "Invio annullato") {
		t.Fatalf("after Annulla: %s, %q", d.Flusso.Stato, d.Esito.Text)
	}
	if got, want := d.Invio[flussi.Inviata].Text, strconv.Itoa(inviate); got != want || inviate >= 60 {
		t.Fatalf("inviate %s, sandbox %d", got, inviate)
	}
	if got, want := d.Invio[flussi.Annullata].Text, strconv.Itoa(60-inviate); got != want {
		t.Fatalf("annullate %s, want %s", got, want)
	}
	if !d.Invia.Disabled() || d.Riprendi.Visible() {
		t.Fatal("a cancelled flow can be sent again")
	}
}

// «Riprova falliti» sends again the notifications IO refused, after
// asking; here IO refuses them again and the reason stays.
func TestRiprovaFallitiDalDettaglio(t *testing.T) {
	e := newIOEnv(t, operatori.RuoloOperatoreInvio, sandbox.Config{})
	u, ctx := e.u, context.Background()
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto;scadenza;importo;codice_avviso\n")
	for i, cf := range e.cittadini(t, 4, sandbox.CitizenEnabled) {
		importo := "12,50"
		if i < 2 {
			importo = "99.999,00" // over the service's maximum on IO
		}
		fmt.Fprintf(&b, "%s;Avviso TARI 2026 n. %d;%s;31/03/2027;%s;%s\n", cf, i+1, testoAvviso, importo, pagopa.CodiceAvviso(1, uint64(2026000000000+i)))
	}
	sv := e.sv
	sv.ImportoMassimo = 0 // the settings do not know IO's limit
	f, _, err := u.Core.Flussi.Importa(ctx, e.op, sv, "f.csv", strings.NewReader(b.String()), flussi.OpzioniImport{}, flussi.DatiFlusso{Note: "riprova"})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Core.Flussi.Attiva(ctx, e.op, f.UUID); err != nil {
		t.Fatal(err)
	}
	u.Open("flussi")
	e.wait(u.flussi.Panel)
	u.showFlusso(u.flussi, f.UUID)
	e.wait()
	d := u.flussi.Detail
	test.Tap(d.Invia)
	e.wait()
	test.Tap(d.Conferma.Si)
	e.wait(d.Notifiche)
	if d.Flusso.Stato != flussi.InvioIncompleto || d.Invio[flussi.Errore].Text != "2" || d.RiprovaFalliti.Disabled() {
		t.Fatalf("after the send: %s, errori %s", d.Flusso.Stato, d.Invio[flussi.Errore].Text)
	}
	submits := e.sb.Stats().Calls["io.submitMessageforUserWithFiscalCodeInBody"]
	test.Tap(d.RiprovaFalliti)
	if !strings.HasPrefix(d.Conferma.Message.Text, "Ritentare l'invio delle 2 notifiche in errore?") {
		t.Fatalf("confirmation %q", d.Conferma.Message.Text)
	}
	test.Tap(d.Conferma.Si)
	e.wait(d.Notifiche)
	if got := e.sb.Stats().Calls["io.submitMessageforUserWithFiscalCodeInBody"]; got != submits+2 {
		t.Fatalf("submits after Riprova falliti: %d, want %d", got, submits+2)
	}
	if d.Flusso.Stato != flussi.InvioIncompleto || d.Invio[flussi.Errore].Text != "2" || d.Invio[flussi.Inviata].Text != "2" {
		t.Fatalf("after Riprova falliti: %s, errori %s, inviate %s", d.Flusso.Stato, d.Invio[flussi.Errore].Text, d.Invio[flussi.Inviata].Text)
	}
}
