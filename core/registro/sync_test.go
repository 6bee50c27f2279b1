package registro

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

const ritardoProvider = 150 * time.Millisecond

type syncFixture struct {
	s       *Service
	sb      *sandbox.Sandbox
	c       *provider.Client
	dominio string
}

func nuovoSync(tb testing.TB) syncFixture {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "s.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 7, ProviderDelay: ritardoProvider, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sb.Close() })
	cr := sb.ProviderCredentials()
	s := New(db)
	if _, err := s.RegistraDominio(ctx, postmaster, store.Dominio{Dominio: cr.Domains[0], Certificato: true, Stato: "CERTIFIED"}); err != nil {
		tb.Fatal(err)
	}
	f := syncFixture{s: s, sb: sb, c: &provider.Client{BaseURL: cr.BaseURL, Key: cr.Key, HTTP: &http.Client{Timeout: 5 * time.Second}},
		dominio: cr.Domains[0]}
	// The domain's own outbox row is local data: the first round clears it.
	if es, err := s.Sincronizza(ctx, f.c); err != nil || es.Inviate != 1 {
		tb.Fatalf("primo giro %+v %v", es, err)
	}
	return f
}

func (f syncFixture) giro(t *testing.T) Esito {
	t.Helper()
	es, err := f.s.Sincronizza(context.Background(), f.c)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func (f syncFixture) pendenti(t *testing.T) int {
	t.Helper()
	st, err := f.s.StatoSync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Pendenti
}

func (f syncFixture) casella(t *testing.T, nome, cf string) int64 {
	t.Helper()
	id, err := f.s.InserisciCasella(context.Background(), postmaster, form(nome, f.dominio, cf))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSyncOfflinePoiOnline(t *testing.T) {
	f := nuovoSync(t)
	ctx := context.Background()
	f.sb.SetProviderOffline(true)
	id := f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	es := f.giro(t)
	if !es.Offline || es.Inviate != 0 || f.pendenti(t) != 4 {
		t.Fatalf("offline: %+v, pendenti %d", es, f.pendenti(t))
	}
	if st, _ := f.s.StatoSync(ctx); st.Online || st.UltimoErrore == "" {
		t.Fatalf("stato offline %+v", st)
	}
	f.sb.SetProviderOffline(false)
	es = f.giro(t)
	if es.Offline || es.Inviate != 4 || es.Fallite != 0 || f.pendenti(t) != 0 {
		t.Fatalf("online: %+v, pendenti %d", es, f.pendenti(t))
	}
	remote, err := f.c.CercaCaselle(ctx, provider.FiltroCaselle{Indirizzo: "mario.rossi@" + f.dominio})
	if err != nil || len(remote) != 1 || remote[0].Stato != provider.StatoInAttesa {
		t.Fatalf("provider: %+v %v", remote, err)
	}
	// The provider activates it after its delay: the feed makes it ATTIVA here.
	deadline := time.Now().Add(20 * ritardoProvider)
	for {
		time.Sleep(ritardoProvider / 2)
		f.giro(t)
		c, err := f.s.Casella(ctx, postmaster, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stato == store.CasellaAttiva {
			if c.AttivataIl.IsZero() {
				t.Fatal("attivata_il vuota")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("casella non attivata: %+v", c)
		}
	}
	st, err := f.s.StatoSync(ctx)
	if err != nil || !st.Online || st.Pendenti != 0 || st.UltimoOK.IsZero() {
		t.Fatalf("stato %+v %v", st, err)
	}
	h, err := f.s.DB.History(ctx, "casella", fmt.Sprint(id))
	if err != nil {
		t.Fatal(err)
	}
	if last := h[0]; last.Operatore != OperatoreProvider {
		t.Fatalf("attivazione registrata da %q", last.Operatore)
	}
	// Nothing is sent back: the activation came from the provider.
	if es := f.giro(t); es.Inviate != 0 || es.Ricevute != 0 {
		t.Fatalf("giro a vuoto %+v", es)
	}
}

func TestSyncConflitto(t *testing.T) {
	f := nuovoSync(t)
	ctx := context.Background()
	id := f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	f.giro(t)
	dett, err := f.s.Casella(ctx, postmaster, id)
	if err != nil {
		t.Fatal(err)
	}
	tid := dett.TitolareID
	rem, err := f.s.DB.Remoto(ctx, "titolare", tid)
	if err != nil {
		t.Fatal(err)
	}
	modificaLocale := func(email string) {
		t.Helper()
		d, err := f.s.Titolare(ctx, postmaster, tid)
		if err != nil {
			t.Fatal(err)
		}
		d.Titolare.Email = email
		if _, err := f.s.SalvaTitolare(ctx, postmaster, d.Titolare); err != nil {
			t.Fatal(err)
		}
	}
	conflitto := func() Conflitto {
		t.Helper()
		cs, err := f.s.Conflitti(ctx, postmaster)
		if err != nil || len(cs) != 1 {
			t.Fatalf("conflitti %+v %v", cs, err)
		}
		return cs[0]
	}

	// 1. Both sides change the e-mail: a conflict with both versions; keep the provider's.
	if _, err := f.sb.EditProvider(sandbox.ProviderEdit{Kind: "owner", ID: rem.IDRemoto, Field: "email", Value: "dal.provider@example.it"}); err != nil {
		t.Fatal(err)
	}
	modificaLocale("locale@example.it")
	es := f.giro(t)
	if es.Conflitti != 1 {
		t.Fatalf("esito %+v", es)
	}
	c := conflitto()
	var email *CampoConflitto
	for i := range c.Campi {
		if c.Campi[i].Campo == "email" {
			email = &c.Campi[i]
		}
	}
	if email == nil || email.Locale != "locale@example.it" || email.Remoto != "dal.provider@example.it" || !email.Diverso {
		t.Fatalf("campi %+v", c.Campi)
	}
	if st, _ := f.s.StatoSync(ctx); st.Conflitti != 1 {
		t.Fatalf("stato %+v", st)
	}
	// A new round neither overwrites nor duplicates it.
	if es := f.giro(t); es.Conflitti != 0 || es.Inviate != 0 {
		t.Fatalf("secondo giro %+v", es)
	}
	if err := f.s.RisolviConflitto(ctx, postmaster, c.ID, TieniRemoto); err != nil {
		t.Fatal(err)
	}
	d, _ := f.s.Titolare(ctx, postmaster, tid)
	if d.Titolare.Email != "dal.provider@example.it" {
		t.Fatalf("email locale %q", d.Titolare.Email)
	}
	if es := f.giro(t); es.Inviate != 0 || es.Conflitti != 0 || f.pendenti(t) != 0 {
		t.Fatalf("dopo REMOTO %+v pendenti %d", es, f.pendenti(t))
	}

	// 2. Again, keeping the local version: sent based on the provider's.
	if _, err := f.sb.EditProvider(sandbox.ProviderEdit{Kind: "owner", ID: rem.IDRemoto, Field: "phone", Value: "0511234567"}); err != nil {
		t.Fatal(err)
	}
	modificaLocale("ancora.locale@example.it")
	if es := f.giro(t); es.Conflitti != 1 {
		t.Fatalf("esito %+v", es)
	}
	c = conflitto()
	if err := f.s.RisolviConflitto(ctx, postmaster, c.ID, TieniLocale); err != nil {
		t.Fatal(err)
	}
	if err := f.s.RisolviConflitto(ctx, postmaster, c.ID, TieniLocale); err != ErrConflittoChiuso {
		t.Fatalf("seconda risoluzione: %v", err)
	}
	if es := f.giro(t); es.Inviate == 0 || es.Conflitti != 0 {
		t.Fatalf("dopo LOCALE %+v", es)
	}
	got, err := f.c.LeggiTitolare(ctx, rem.IDRemoto)
	if err != nil || got.Email != "ancora.locale@example.it" {
		t.Fatalf("provider %+v %v", got, err)
	}
	if cs, _ := f.s.Conflitti(ctx, postmaster); len(cs) != 0 || f.pendenti(t) != 0 {
		t.Fatalf("conflitti %d pendenti %d", len(cs), f.pendenti(t))
	}
	h, _ := f.s.DB.History(ctx, "conflitto_registro", fmt.Sprint(c.ID))
	if len(h) < 2 {
		t.Fatalf("storico del conflitto %+v", h)
	}

	// 3. The provider edits an owner with no local change: applied, audited as "provider".
	if _, err := f.sb.EditProvider(sandbox.ProviderEdit{Kind: "owner", ID: rem.IDRemoto, Field: "lastName", Value: "Rossini"}); err != nil {
		t.Fatal(err)
	}
	if es := f.giro(t); es.Ricevute == 0 || es.Conflitti != 0 || es.Inviate != 0 {
		t.Fatalf("modifica del provider %+v", es)
	}
	d, _ = f.s.Titolare(ctx, postmaster, tid)
	if d.Titolare.Cognome != "Rossini" || d.Titolare.ModificatoDa != OperatoreProvider {
		t.Fatalf("titolare %+v", d.Titolare)
	}

	// 4. The provider renames the owner's company: the first company follows,
	// and nothing goes back to the provider.
	if _, err := f.sb.EditProvider(sandbox.ProviderEdit{Kind: "owner", ID: rem.IDRemoto, Field: "companyName", Value: "Rossini & Figli Srl"}); err != nil {
		t.Fatal(err)
	}
	if es := f.giro(t); es.Ricevute == 0 || es.Conflitti != 0 {
		t.Fatalf("ragione sociale del provider %+v", es)
	}
	d, _ = f.s.Titolare(ctx, postmaster, tid)
	if len(d.Attivita) == 0 || d.Attivita[0].RagioneSociale != "Rossini & Figli Srl" {
		t.Fatalf("attività %+v", d.Attivita)
	}
	if es := f.giro(t); es.Inviate != 0 || es.Conflitti != 0 || f.pendenti(t) != 0 {
		t.Fatalf("the provider's own change went back: %+v, pendenti %d", es, f.pendenti(t))
	}
}

func TestSyncRipresaDopoCrash(t *testing.T) {
	f := nuovoSync(t)
	ctx := context.Background()
	f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	// The previous run marked the rows in flight, created owner and
	// mailbox on the provider, and died before recording the outcome.
	righe, err := f.s.DB.OutboxDaInviare(ctx, time.Now(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range righe {
		ids = append(ids, r.ID)
	}
	if err := f.s.DB.Write(ctx, OperatoreSync, func(tx *store.Tx) error { return tx.OutboxInVolo(ctx, ids) }); err != nil {
		t.Fatal(err)
	}
	_, page, _ := f.s.CercaTitolari(ctx, postmaster, store.FiltroTitolari{CodiceFiscale: "DLCGUO68P15D969U"}, 0, 1)
	full, err := f.s.DB.DatiTitolare(ctx, page[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	tit, err := f.c.CreaTitolare(ctx, recordTitolare(full))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "mario.rossi@" + f.dominio, IDTitolare: tit.ID}); err != nil {
		t.Fatal(err)
	}
	es := f.giro(t)
	if es.Inviate != 4 || es.Fallite != 0 || f.pendenti(t) != 0 {
		t.Fatalf("ripresa %+v pendenti %d", es, f.pendenti(t))
	}
	tt, err := f.c.CercaTitolari(ctx, provider.FiltroTitolari{CodiceFiscale: "DLCGUO68P15D969U"})
	if err != nil || len(tt) != 1 {
		t.Fatalf("titolari sul provider %d %v", len(tt), err)
	}
	cc, err := f.c.CercaCaselle(ctx, provider.FiltroCaselle{Indirizzo: "mario.rossi@" + f.dominio})
	if err != nil || len(cc) != 1 {
		t.Fatalf("caselle sul provider %d %v", len(cc), err)
	}
	if rem, err := f.s.DB.Remoto(ctx, "titolare", page[0].ID); err != nil || rem.IDRemoto != tit.ID {
		t.Fatalf("identità %+v %v", rem, err)
	}
}

func TestAvviaSync(t *testing.T) {
	f := nuovoSync(t)
	f.sb.SetProviderOffline(true)
	f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	cl := f.s.AvviaSync(f.c, 20*time.Millisecond)
	defer cl.Close()
	time.Sleep(100 * time.Millisecond)
	if f.pendenti(t) != 4 {
		t.Fatal("inviato mentre offline")
	}
	f.sb.SetProviderOffline(false)
	for deadline := time.Now().Add(5 * time.Second); f.pendenti(t) != 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("il ciclo non ha sincronizzato")
		}
	}
	if err := cl.Close(); err != nil {
		t.Fatal(err)
	}
}

// seminaCaselle writes n owners, each with an address and a mailbox (3n
// outbox rows), straight through the store in one transaction.
func seminaCaselle(tb testing.TB, f syncFixture, n int) {
	tb.Helper()
	ctx := context.Background()
	lettere := func(i int) string {
		b := make([]byte, 6)
		for j := 5; j >= 0; j-- {
			b[j] = byte('A' + i%26)
			i /= 26
		}
		return string(b)
	}
	if err := f.s.DB.Write(ctx, "bench", func(tx *store.Tx) error {
		d, err := tx.DominioByNome(ctx, f.dominio)
		if err != nil {
			return err
		}
		for i := range n {
			tid, err := tx.SaveTitolare(ctx, store.Ambito{}, store.Titolare{Nome: "Nome", Cognome: "Cognome", Tipo: TipoPrivato,
				CodiceFiscale: lettere(i) + "80A01H501Z", Email: fmt.Sprintf("t%d@example.it", i)})
			if err != nil {
				return err
			}
			iid, err := tx.SaveIndirizzo(ctx, store.Ambito{}, store.Indirizzo{TitolareID: tid, Via: "Via Roma", Civico: "1",
				CAP: "40121", Comune: "Bologna", Provincia: "BO", Telefono: "051123456"})
			if err != nil {
				return err
			}
			if _, err := tx.InsertCasella(ctx, store.Ambito{}, store.Casella{Indirizzo: fmt.Sprintf("u%d@%s", i, f.dominio),
				DominioID: d.ID, TitolareID: tid, IndirizzoID: iid}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkSincronizza pushes 10,002 pending changes (3,334 owners with
// address and mailbox) to the sandbox provider over loopback, in batches
// and naively (one row per transaction). Run with -benchtime=1x.
func BenchmarkSincronizza(b *testing.B) {
	for _, tc := range []struct {
		nome  string
		lotto int
	}{{"lotti", lottoSync}, {"ingenuo", 1}} {
		b.Run(tc.nome, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				f := nuovoSync(b)
				seminaCaselle(b, f, 3334)
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				var picco atomic.Uint64
				stop := make(chan struct{})
				done := make(chan struct{})
				go func() {
					defer close(done)
					var ms runtime.MemStats
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > picco.Load() {
							picco.Store(ms.HeapInuse)
						}
						select {
						case <-stop:
							return
						case <-time.After(5 * time.Millisecond):
						}
					}
				}()
				b.StartTimer()
				t0 := time.Now()
				es, err := f.s.sincronizza(context.Background(), f.c, tc.lotto)
				dur := time.Since(t0)
				b.StopTimer()
				close(stop)
				<-done
				if err != nil || es.Inviate != 10002 || es.Offline {
					b.Fatalf("%+v %v", es, err)
				}
				b.ReportMetric(float64(es.Inviate)/dur.Seconds(), "righe/s")
				b.ReportMetric(float64(picco.Load()-min(picco.Load(), base.HeapInuse))/(1<<20), "MiB-heap-picco")
				b.ReportMetric(float64(base.HeapInuse)/(1<<20), "MiB-heap-base")
			}
		})
	}
}

// A 429 stops the round without counting an attempt; the next round waits
// the provider's Retry-After, then sends everything.
func TestSyncRispettaRetryAfter(t *testing.T) {
	f := nuovoSync(t)
	ctx := context.Background()
	f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	f.casella(t, "anna.verdi", "DMCNCL03L31L219Y")
	f.sb.InjectFaults(sandbox.Fault{Kind: sandbox.Fault429})
	es := f.giro(t)
	if es.Limitato < time.Second || es.Inviate != 0 || es.Fallite != 0 || f.pendenti(t) != 8 {
		t.Fatalf("429: %+v, pendenti %d", es, f.pendenti(t))
	}
	righe, err := f.s.DB.OutboxDaInviare(ctx, time.Now().Add(time.Hour), 0, 100)
	if err != nil || len(righe) != 8 {
		t.Fatalf("%d rows %v", len(righe), err)
	}
	for _, r := range righe {
		if r.Tentativi != 0 {
			t.Fatalf("a 429 counted as an attempt: %+v", r)
		}
	}
	if st, _ := f.s.StatoSync(ctx); !strings.Contains(st.UltimoErrore, "rallentare") {
		t.Fatalf("status: %+v", st)
	}
	chiamate := func() (n int64) {
		for _, c := range f.sb.Stats().Calls {
			n += c
		}
		return n
	}
	before := chiamate()
	if es := f.giro(t); es.Limitato <= 0 || es.Inviate != 0 {
		t.Fatalf("round before Retry-After: %+v", es)
	}
	if n := chiamate() - before; n != 0 {
		t.Fatalf("the provider was called %d times before Retry-After", n)
	}
	f.s.Now = func() time.Time { return time.Now().Add(es.Limitato) }
	if es := f.giro(t); es.Limitato != 0 || es.Inviate != 8 || f.pendenti(t) != 0 {
		t.Fatalf("after Retry-After: %+v, pendenti %d", es, f.pendenti(t))
	}
}

// While another process holds the sync lease, a round does nothing.
func TestSyncUnProcessoAllaVolta(t *testing.T) {
	f := nuovoSync(t)
	ctx := context.Background()
	f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	altro, err := jobs.AcquireLease(ctx, f.s.DB, "registro.sync", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if es := f.giro(t); !es.Occupato || es.Inviate != 0 || f.pendenti(t) != 4 {
		t.Fatalf("lease held elsewhere: %+v, pendenti %d", es, f.pendenti(t))
	}
	if err := altro.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if es := f.giro(t); es.Occupato || es.Inviate != 4 {
		t.Fatalf("after release: %+v", es)
	}
}
