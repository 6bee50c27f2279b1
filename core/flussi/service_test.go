package flussi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

var (
	admin = operatori.Operatore{Username: "admin", Nome: "Anna Esposito", Ruolo: operatori.RuoloAmministratore, Attivo: true}
	invio = operatori.Operatore{Username: "g.ferrari", Nome: "Giulia Ferrari", Ruolo: operatori.RuoloOperatoreInvio, Attivo: true}
	base  = operatori.Operatore{Username: "l.ricci", Nome: "Luca Ricci", Ruolo: operatori.RuoloOperatore, Attivo: true}
)

type env struct {
	db  *store.DB
	sb  *sandbox.Sandbox
	svc *flussi.Service
	sv  flussi.Servizio
}

// newEnv is a temp database with the sandbox's STANDARD TARI service
// configured, and the flussi service over it.
func newEnv(t testing.TB, cfg sandbox.Config, opt flussi.Options) *env {
	t.Helper()
	ctx := context.Background()
	if cfg.Seed == 0 {
		cfg.Seed = 2026
	}
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "flussi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	imp := &impostazioni.Service{DB: db, Secrets: &secrets.File{Path: filepath.Join(t.TempDir(), "secrets.json")}}
	var id int64
	for _, c := range sb.Credentials().Services {
		if c.FeatureLevel == sandbox.FeatureStandard && c.MaxAmount > 0 {
			id, err = imp.SalvaServizioIO(ctx, admin, store.ServizioIO{Nome: c.Name, ServiceID: c.ServiceID,
				BaseURL: sb.IOBaseURL(), Livello: "STANDARD", ImportoMassimo: c.MaxAmount, Attivo: true}, c.Key)
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if id == 0 {
		t.Fatal("no STANDARD service with a maximum amount in the sandbox")
	}
	if opt.Jobs.RetryBase == 0 {
		opt.Jobs = jobs.Options{RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond, FlushEvery: 5 * time.Millisecond}
	}
	svc := flussi.New(db, imp, opt)
	ss, err := svc.Servizi(ctx)
	if err != nil || len(ss) != 1 {
		t.Fatalf("Servizi = %v, %v", ss, err)
	}
	return &env{db: db, sb: sb, svc: svc, sv: ss[0]}
}

// codici are n valid, distinct fiscal codes of invented citizens.
func codici(t *testing.T, n int) []string {
	t.Helper()
	cognomi := []string{"Rossi", "Bianchi", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "Costa"}
	nomi := []string{"Marco", "Giulia", "Luca", "Francesca", "Paolo", "Chiara", "Andrea", "Sara", "Matteo", "Elena"}
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n; i++ {
		sesso := byte('M')
		if i%2 == 1 {
			sesso = 'F'
		}
		nascita := time.Date(1940+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		cf, err := anagrafe.GeneraCodiceFiscale(cognomi[i%10], nomi[(i/10)%10], nascita, sesso, "F704")
		if err != nil {
			t.Fatal(err)
		}
		if !seen[cf] {
			seen[cf] = true
			out = append(out, cf)
		}
	}
	return out
}

const testo = "Gentile contribuente, è disponibile l'avviso di pagamento della TARI 2026. " +
	"Può pagarlo dall'app IO entro la scadenza indicata, oppure presso gli sportelli abilitati."

func csvFlusso(cfs []string) string {
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto;scadenza;importo;codice_avviso;paga_dopo_scadenza\n")
	for i, cf := range cfs {
		fmt.Fprintf(&b, "%s;Avviso TARI 2026 n. %d;%s;31/03/2027;;;\n", cf, i+1, testo)
	}
	return b.String()
}

func importa(t *testing.T, e *env, cfs []string) flussi.Flusso {
	t.Helper()
	f, l, err := e.svc.Importa(context.Background(), invio, e.sv, "tari.csv", strings.NewReader(csvFlusso(cfs)),
		flussi.OpzioniImport{}, flussi.DatiFlusso{Note: "TARI 2026 prima rata"})
	if err != nil {
		if l != nil {
			t.Fatalf("import: %v (%v)", err, l.Errori)
		}
		t.Fatalf("import: %v", err)
	}
	return f
}

func TestFlussoImportedActivatedSentTracked(t *testing.T) {
	e := newEnv(t, sandbox.Config{}, flussi.Options{Calls: -1})
	ctx := context.Background()
	cfs := codici(t, 300)
	f := importa(t, e, cfs)
	if f.Stato != flussi.Inattivo || f.Totale != 300 || f.Conteggi.PerStato[flussi.DaInviare] != 300 {
		t.Fatalf("imported flow: %+v", f)
	}
	if err := e.svc.Invia(ctx, invio, f.UUID, nil); err == nil {
		t.Fatal("an inactive flow was sent")
	}
	if err := e.svc.Attiva(ctx, base, f.UUID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Invia(ctx, base, f.UUID, nil); !errors.Is(err, flussi.ErrPermesso) {
		t.Fatalf("an operator without the send role sent: %v", err)
	}
	if err := e.svc.Invia(ctx, invio, f.UUID, nil); err != nil {
		t.Fatal(err)
	}
	f, err := e.svc.Flusso(ctx, f.UUID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[flussi.StatoInvio]int{}
	for _, cf := range cfs {
		if e.sb.Citizen(cf) == sandbox.CitizenEnabled {
			want[flussi.Inviata]++
		} else {
			want[flussi.NonRaggiungibile]++
		}
	}
	if want[flussi.NonRaggiungibile] == 0 || want[flussi.Inviata] == 0 {
		t.Fatalf("the population has no mix: %v", want)
	}
	for _, s := range flussi.StatiInvio {
		if f.Conteggi.PerStato[s] != want[s] {
			t.Errorf("%s: %d, want %d", s, f.Conteggi.PerStato[s], want[s])
		}
	}
	if f.Stato != flussi.Inviato {
		t.Errorf("flow %s after the send, want Inviato", f.Stato)
	}
	st := e.sb.Stats()
	if st.IO.Messages != want[flussi.Inviata] || st.IO.Duplicates != 0 {
		t.Errorf("sandbox received %d messages (%d duplicates), want %d", st.IO.Messages, st.IO.Duplicates, want[flussi.Inviata])
	}
	// Unreachable ones say why; sent ones carry IO's id.
	ns, err := e.svc.Notifiche(ctx, flussi.FiltroNotifiche{FlussoID: f.ID}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		switch n.StatoInvio {
		case flussi.Inviata:
			if n.IDMessaggio == "" || n.Tentativi != 1 || n.InviataIl.IsZero() {
				t.Errorf("sent %s: %+v", n.CodiceFiscale, n)
			}
		case flussi.NonRaggiungibile:
			if !strings.Contains(n.Errore, "non raggiungibile") {
				t.Errorf("unreachable %s without reason: %q", n.CodiceFiscale, n.Errore)
			}
		}
	}
	// Tracking: the sandbox processes at once, so one pass reaches PROCESSED.
	n, err := e.svc.AggiornaStati(ctx, 0, 10_000)
	if err != nil || n != want[flussi.Inviata] {
		t.Fatalf("AggiornaStati = %d, %v; want %d", n, err, want[flussi.Inviata])
	}
	f, _ = e.svc.Flusso(ctx, f.UUID)
	pc := f.Conteggi.PerConsegna
	if pc[flussi.ConsegnaRecapitata]+pc[flussi.ConsegnaRifiutata]+pc[flussi.ConsegnaFallita] != want[flussi.Inviata] ||
		pc[flussi.ConsegnaRecapitata] < want[flussi.Inviata]*9/10 {
		t.Errorf("delivery: %v for %d sent", pc, want[flussi.Inviata])
	}
	if n, _ := e.svc.AggiornaStati(ctx, 0, 10_000); n != 0 {
		t.Errorf("final states asked again: %d", n)
	}
}

func TestDuplicatesOfUnsentNotificationsRefused(t *testing.T) {
	e := newEnv(t, sandbox.Config{}, flussi.Options{Calls: -1})
	cfs := codici(t, 5)
	importa(t, e, cfs)
	_, _, err := e.svc.Importa(context.Background(), invio, e.sv, "tari.csv", strings.NewReader(csvFlusso(cfs)),
		flussi.OpzioniImport{}, flussi.DatiFlusso{})
	var ie *flussi.ErrImport
	if !errors.As(err, &ie) || len(ie.Errori) != 5 || ie.Errori[0].Riga != 2 {
		t.Fatalf("second import of the same rows: %v", err)
	}
	n, _ := e.svc.ContaNotifiche(context.Background(), flussi.FiltroNotifiche{})
	if n != 5 {
		t.Errorf("%d notifications stored, want 5: the refused file was half-saved", n)
	}
}

func TestFaultsEndInTheRightState(t *testing.T) {
	e := newEnv(t, sandbox.Config{Faults: sandbox.Faults{Error5xx: 0.1, Reset: 0.05}, Seed: 7},
		flussi.Options{Calls: -1, Jobs: jobs.Options{RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
			FlushEvery: 5 * time.Millisecond, MaxAttempts: 6}})
	ctx := context.Background()
	f := importa(t, e, codici(t, 200))
	if err := e.svc.Attiva(ctx, invio, f.UUID); err != nil {
		t.Fatal(err)
	}
	// The profiles first (5xx and resets on getProfile are simply retried),
	// then a storm of 429 on the first sends.
	if _, err := e.svc.VerificaDestinatari(ctx, invio, f.UUID, nil); err != nil {
		t.Fatal(err)
	}
	storm := make([]sandbox.Fault, 12)
	for i := range storm {
		storm[i] = sandbox.Fault{Kind: sandbox.Fault429}
	}
	e.sb.InjectFaults(storm...)
	if err := e.svc.Invia(ctx, invio, f.UUID, nil); err != nil {
		t.Fatal(err)
	}
	f, _ = e.svc.Flusso(ctx, f.UUID)
	c := f.Conteggi.PerStato
	if c[flussi.DaInviare]+c[flussi.InTrasmissione] != 0 || c[flussi.NonRaggiungibile] == 0 {
		t.Fatalf("after the send: %v", c)
	}
	st := e.sb.Stats()
	if st.IO.Duplicates != 0 {
		t.Errorf("%d duplicates", st.IO.Duplicates)
	}
	// Accepted by the sandbox: every Inviata, plus uncertain ones whose request was processed.
	if st.IO.Messages < c[flussi.Inviata] || st.IO.Messages > c[flussi.Inviata]+c[flussi.EsitoIncerto] {
		t.Errorf("sandbox has %d messages; flow %v", st.IO.Messages, c)
	}
	if c[flussi.EsitoIncerto] == 0 {
		t.Error("no uncertain outcome although 5xx and resets were injected on sends")
	}
	ns, _ := e.svc.Notifiche(ctx, flussi.FiltroNotifiche{FlussoID: f.ID}, 0, 1000)
	throttled := 0
	for _, n := range ns {
		switch n.StatoInvio {
		case flussi.Inviata:
			if n.Tentativi > 1 {
				throttled++
			}
		case flussi.EsitoIncerto:
			if n.Errore == "" || n.Tentativi < 1 {
				t.Errorf("uncertain %s: attempts %d, error %q", n.CodiceFiscale, n.Tentativi, n.Errore)
			}
		}
	}
	if throttled == 0 {
		t.Error("no notification was sent again after a 429")
	}
	if f.Stato != flussi.InvioIncompleto || !strings.Contains(f.Errore, "esito incerto") {
		t.Errorf("flow %s (%q) with %v", f.Stato, f.Errore, c)
	}
}

func TestRateLimitedSendHonoursTheQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds")
	}
	// 20 calls per 500 ms in both the sandbox and the client: no 429 at all.
	e := newEnv(t, sandbox.Config{Rate: sandbox.Rate{N: 20, Per: 500 * time.Millisecond}},
		flussi.Options{Calls: 20, Per: 500 * time.Millisecond})
	ctx := context.Background()
	f := importa(t, e, codici(t, 60))
	if err := e.svc.Attiva(ctx, invio, f.UUID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Invia(ctx, invio, f.UUID, nil); err != nil {
		t.Fatal(err)
	}
	// The client's window runs from when a call leaves, the gateway's from
	// when it arrives: a call delayed on its way (a loaded CI machine) may
	// meet an isolated 429, which is then honoured. A storm is a failure.
	if st := e.sb.Stats(); st.RateLimited > 2 {
		t.Errorf("%d answers 429 with the client's limiter matching the gateway's", st.RateLimited)
	}
	f, _ = e.svc.Flusso(ctx, f.UUID)
	if f.Stato != flussi.Inviato {
		t.Errorf("flow %s: %v", f.Stato, f.Conteggi.PerStato)
	}
}

func TestPauseResumeAndCancel(t *testing.T) {
	e := newEnv(t, sandbox.Config{Faults: sandbox.Faults{LatencyMin: 2 * time.Millisecond, LatencyMax: 4 * time.Millisecond}},
		flussi.Options{Calls: -1, Concurrency: 2})
	ctx := context.Background()
	f := importa(t, e, codici(t, 200))
	if err := e.svc.Attiva(ctx, invio, f.UUID); err != nil {
		t.Fatal(err)
	}
	paused := false
	err := e.svc.Invia(ctx, invio, f.UUID, func(p jobs.Progress) {
		if cur, _ := e.svc.Flusso(ctx, f.UUID); !paused && cur.JobUUID == p.Job.String() && p.Done > 20 {
			paused = true
			go e.svc.Pausa(ctx, invio, f.UUID)
		}
	})
	if !errors.Is(err, jobs.ErrPaused) {
		t.Fatalf("Invia = %v, want paused", err)
	}
	f, _ = e.svc.Flusso(ctx, f.UUID)
	if f.Stato != flussi.InInvio || f.Conteggi.PerStato[flussi.DaInviare] == 0 {
		t.Fatalf("paused flow: %s %v", f.Stato, f.Conteggi.PerStato)
	}
	// Cancel: what is left becomes Annullata, the flow Invio incompleto.
	if err := e.svc.Annulla(ctx, invio, f.UUID); err != nil {
		t.Fatal(err)
	}
	f, _ = e.svc.Flusso(ctx, f.UUID)
	if f.Stato != flussi.InvioIncompleto || f.Conteggi.PerStato[flussi.Annullata] == 0 || f.Conteggi.PerStato[flussi.DaInviare] != 0 {
		t.Fatalf("cancelled flow: %s %v", f.Stato, f.Conteggi.PerStato)
	}
	if !strings.Contains(f.Errore, "annullate") {
		t.Errorf("flow error %q does not say what happened", f.Errore)
	}
}

func TestAggiungiSingleNotification(t *testing.T) {
	e := newEnv(t, sandbox.Config{}, flussi.Options{Calls: -1})
	ctx := context.Background()
	cf := e.sb.Credentials().FiscalCodes.Enabled[0]
	r := flussi.Riga{CodiceFiscale: cf, Oggetto: "Ritiro carta d'identità elettronica", Contenuto: testo}
	if _, _, err := e.svc.Aggiungi(ctx, base, e.sv, r, ""); !errors.Is(err, flussi.ErrPermesso) {
		t.Fatalf("sent without the role: %v", err)
	}
	bad := r
	bad.Oggetto = "Ritiro"
	_, _, err := e.svc.Aggiungi(ctx, invio, e.sv, bad, "")
	var ve *flussi.ErrValidazione
	if !errors.As(err, &ve) || !strings.Contains(ve.Error(), "minimo 10 caratteri, trovati 6") {
		t.Fatalf("short subject: %v", err)
	}
	n, _, err := e.svc.Aggiungi(ctx, invio, e.sv, r, "")
	if err != nil {
		t.Fatal(err)
	}
	if n.StatoInvio != flussi.Inviata || n.IDMessaggio == "" || n.FlussoUUID != uuid.Nil {
		t.Fatalf("single notification: %+v", n)
	}
	n, err = e.svc.VerificaStato(ctx, base, n.UUID)
	if err != nil || n.StatoConsegna != flussi.ConsegnaRecapitata || n.VerificataIl.IsZero() {
		t.Fatalf("Verifica Stato: %+v, %v", n, err)
	}
	// Not on IO: saved as such, never sent.
	r.CodiceFiscale = e.sb.Credentials().FiscalCodes.NotOnIO[0]
	n, _, err = e.svc.Aggiungi(ctx, invio, e.sv, r, "")
	if err != nil || n.StatoInvio != flussi.NonRaggiungibile {
		t.Fatalf("not on IO: %+v, %v", n, err)
	}
	if st := e.sb.Stats(); st.IO.Messages != 1 {
		t.Errorf("sandbox has %d messages, want 1", st.IO.Messages)
	}
}

func TestExportNeutralisesFormulas(t *testing.T) {
	e := newEnv(t, sandbox.Config{}, flussi.Options{Calls: -1})
	ctx := context.Background()
	cfs := codici(t, 3)
	csv := strings.Replace(csvFlusso(cfs), "Avviso TARI 2026 n. 2", "=1+2 Avviso TARI", 1)
	f, l, err := e.svc.Importa(ctx, invio, e.sv, "f.csv", strings.NewReader(csv), flussi.OpzioniImport{}, flussi.DatiFlusso{})
	if err != nil {
		t.Fatal(err, l)
	}
	var buf bytes.Buffer
	if err := e.svc.EsportaNotifiche(ctx, flussi.FiltroNotifiche{FlussoID: f.ID}, &buf, "xlsx", nil); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Notifiche")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want header + 3", len(rows))
	}
	if got := rows[2][5]; strings.HasPrefix(got, "=") {
		t.Errorf("formula exported as is: %q", got)
	}
	if formula, _ := x.GetCellFormula("Notifiche", "F3"); formula != "" {
		t.Errorf("cell F3 has formula %q", formula)
	}
}

func TestAggiornatoreRefreshesInTheBackground(t *testing.T) {
	e := newEnv(t, sandbox.Config{}, flussi.Options{Calls: -1})
	ctx := context.Background()
	cf := e.sb.Credentials().FiscalCodes.Enabled[1]
	n, _, err := e.svc.Aggiungi(ctx, invio, e.sv, flussi.Riga{CodiceFiscale: cf, Oggetto: "Avviso di prova del Comune", Contenuto: testo}, "")
	if err != nil || n.StatoConsegna != "" {
		t.Fatalf("%+v, %v", n, err)
	}
	a := e.svc.AvviaAggiornatore(20*time.Millisecond, 100)
	defer a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for n.StatoConsegna != flussi.ConsegnaRecapitata && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n, _ = e.svc.Notifica(ctx, n.UUID)
	}
	if n.StatoConsegna != flussi.ConsegnaRecapitata {
		t.Fatalf("the refresher did not update the delivery state: %+v", n)
	}
}

// A permanent refusal (400: amount over the service's maximum on IO, which
// the settings did not know) is "Errore" with App IO's reason; "Riprova
// falliti" puts exactly those back in the queue and sends them again.
func TestRiprovaFalliti(t *testing.T) {
	e := newEnv(t, sandbox.Config{}, flussi.Options{Calls: -1})
	ctx := context.Background()
	var max int64
	for _, c := range e.sb.Credentials().Services {
		if c.Name == e.sv.Nome {
			max = c.MaxAmount
		}
	}
	var cfs []string
	for _, cf := range codici(t, 60) {
		if e.sb.Citizen(cf) == sandbox.CitizenEnabled && len(cfs) < 6 {
			cfs = append(cfs, cf)
		}
	}
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto;scadenza;importo;codice_avviso\n")
	for i, cf := range cfs {
		importo := int64(1250)
		if i%2 == 0 {
			importo = max + 100 // over IO's maximum
		}
		fmt.Fprintf(&b, "%s;Avviso TARI 2026 n. %d;%s;31/03/2027;%s;%s\n", cf, i+1, testo,
			flussi.FormatImporto(importo), pagopa.CodiceAvviso(1, uint64(2026000000000+i)))
	}
	sv := e.sv
	sv.ImportoMassimo = 0 // the settings do not know IO's limit
	f, _, err := e.svc.Importa(ctx, invio, sv, "f.csv", strings.NewReader(b.String()), flussi.OpzioniImport{}, flussi.DatiFlusso{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Attiva(ctx, invio, f.UUID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Invia(ctx, invio, f.UUID, nil); err != nil {
		t.Fatal(err)
	}
	f, _ = e.svc.Flusso(ctx, f.UUID)
	if f.Stato != flussi.InvioIncompleto || f.Conteggi.PerStato[flussi.Errore] != 3 || f.Conteggi.PerStato[flussi.Inviata] != 3 {
		t.Fatalf("after the send: %s %v", f.Stato, f.Conteggi.PerStato)
	}
	falliti, err := e.svc.Notifiche(ctx, flussi.FiltroNotifiche{FlussoID: f.ID, StatoInvio: string(flussi.Errore)}, 0, 10)
	if err != nil || len(falliti) != 3 || !strings.Contains(falliti[0].Errore, "maximum") || falliti[0].Tentativi != 1 {
		t.Fatalf("failed notifications: %+v %v", falliti, err)
	}
	submits := e.sb.Stats().Calls["io.submitMessageforUserWithFiscalCodeInBody"]

	n, err := e.svc.RiprovaFalliti(ctx, invio, f.UUID)
	if err != nil || n != 3 {
		t.Fatalf("RiprovaFalliti = %d, %v", n, err)
	}
	if err := e.svc.Invia(ctx, invio, f.UUID, nil); err != nil {
		t.Fatal(err)
	}
	if got := e.sb.Stats().Calls["io.submitMessageforUserWithFiscalCodeInBody"]; got != submits+3 {
		t.Fatalf("submits after the retry: %d, want %d", got, submits+3)
	}
	falliti, _ = e.svc.Notifiche(ctx, flussi.FiltroNotifiche{FlussoID: f.ID, StatoInvio: string(flussi.Errore)}, 0, 10)
	if len(falliti) != 3 || !strings.Contains(falliti[0].Errore, "maximum") || falliti[0].Tentativi != 2 {
		t.Fatalf("after the retry: %d failed, attempts %d", len(falliti), falliti[0].Tentativi)
	}
	if st := e.sb.Stats(); st.IO.Messages != 3 || st.IO.Duplicates != 0 {
		t.Fatalf("sandbox: %d messages, %d duplicates", st.IO.Messages, st.IO.Duplicates)
	}
}
