package demo

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
)

func TestDemoSeedsAndSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Demo || a.Operatore().Username != Operatore {
		t.Fatalf("demo=%v operatore=%+v", a.Demo, a.Operatore())
	}
	e, err := a.Impostazioni.Ente(ctx)
	if err != nil || e.Denominazione != Ente.Denominazione {
		t.Fatalf("ente %+v %v", e, err)
	}
	first, err := a.Impostazioni.ServiziIO(ctx)
	if err != nil || len(first) == 0 {
		t.Fatalf("services %v %v", first, err)
	}
	if tipi, err := a.Impostazioni.TipiDovuto(ctx); err != nil || len(tipi) != len(TipiDovuto)+len(Catalogo) || tipi[1].Codice != "DEMO" {
		t.Fatalf("tipi dovuto %v %v", tipi, err)
	}
	if n, err := a.Avvisi.ContaAvvisi(ctx, avvisi.FiltroAvvisi{Stato: avvisi.StatoGenerato, StatoGPD: "VALID"}); err != nil || n != 24 {
		t.Fatalf("demo notices generated on GPD: %d %v", n, err)
	}
	// ...and sent by PEC, protocolled: the receipts arrive from the sandbox.
	if n, err := a.Avvisi.ContaAvvisi(ctx, avvisi.FiltroAvvisi{StatoInvio: "NON_INVIATO"}); err != nil || n != 0 {
		t.Fatalf("demo notices not sent: %d %v", n, err)
	}
	if r, err := a.Avvisi.AggiornaRicevute(ctx, operatori.Operatore{Username: "sistema"}); err != nil || r < 24 {
		t.Fatalf("acceptance receipts of the demo batch: %d %v", r, err)
	}
	// Accepted, or already delivered if the seeding took long enough.
	acc, err := a.Avvisi.ContaAvvisi(ctx, avvisi.FiltroAvvisi{StatoInvio: "ACCETTATO"})
	cons, err2 := a.Avvisi.ContaAvvisi(ctx, avvisi.FiltroAvvisi{StatoInvio: "CONSEGNATO"})
	if err != nil || err2 != nil || acc+cons < 20 {
		t.Fatalf("demo notices accepted by the provider: %d+%d %v %v", acc, cons, err, err2)
	}
	// Three days of payments reconciled: every MyPivot label is there.
	stato, err := a.Riconciliazione.Stato(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range riconciliazione.Classi {
		if stato[c.Codice] == 0 {
			t.Errorf("demo reconciliation lacks %s: %v", c.Codice, stato)
		}
	}
	// Demo flows: one sent, one ready, one in preparation, plus a single notification.
	fs, err := a.Flussi.Flussi(ctx, flussi.FiltroFlussi{}, 0, 10)
	if err != nil || len(fs) != len(demoFlussi) {
		t.Fatalf("demo flows: %d, %v", len(fs), err)
	}
	stati := map[flussi.StatoFlusso]int{}
	for _, f := range fs {
		stati[f.Stato]++
	}
	if stati[flussi.Inviato] != 1 || stati[flussi.Attivo] != 1 || stati[flussi.Inattivo] != 1 {
		t.Errorf("demo flow states: %v", stati)
	}
	if n, _ := a.Flussi.ContaNotifiche(ctx, flussi.FiltroNotifiche{Singole: true}); n != 1 {
		t.Errorf("%d single notifications, want 1", n)
	}
	firstURL := a.SandboxURL
	a.Close()

	// Second start: same accounts, services re-pointed at the new sandbox, keys accepted by it.
	a, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	list, err := a.DB.Operatori(ctx)
	if err != nil || len(list) != 1+len(accounts)+len(assistentiDemo) {
		t.Fatalf("operators after restart: %d %v", len(list), err)
	}
	if fs, _ := a.Flussi.Flussi(ctx, flussi.FiltroFlussi{}, 0, 10); len(fs) != len(demoFlussi) {
		t.Errorf("demo flows seeded again on restart: %d", len(fs))
	}
	servizi, _ := a.Impostazioni.ServiziIO(ctx)
	if len(servizi) != len(first) {
		t.Fatalf("services duplicated or lost: %d vs %d", len(servizi), len(first))
	}
	if a.SandboxURL == firstURL {
		t.Log("sandbox reused the same port; re-pointing not exercised")
	}
	for _, s := range servizi {
		if s.BaseURL != a.SandboxURL+"/api/v1" {
			t.Errorf("%s points at %s, sandbox is %s", s.Nome, s.BaseURL, a.SandboxURL)
		}
		key, err := a.Impostazioni.Chiave(s.ServiceID)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL+"/profiles/RSSMRA80A01H501U", nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			t.Errorf("%s: sandbox refused the stored key (%d)", s.Nome, resp.StatusCode)
		}
	}
}

// The demo list is a clean tracciato: every row passes the importer's checks.
func TestListaAvvisi(t *testing.T) {
	var b bytes.Buffer
	if err := ListaAvvisi(&b, 1000, Seed); err != nil {
		t.Fatal(err)
	}
	l, err := avvisi.Leggi(&b)
	if err != nil || len(l.Errori) != 0 || len(l.Righe) != 1000 {
		t.Fatalf("%v, %d rows, errors %v", err, len(l.Righe), l.Errori)
	}
	aziende, email := 0, 0
	for _, r := range l.Righe {
		if r.PartitaIVA != "" {
			aziende++
		}
		if !strings.Contains(r.IndirizzoPec, "pec") && !strings.Contains(r.IndirizzoPec, "legalmail") {
			email++
		}
	}
	if aziende < 20 || email < 60 || email > 200 {
		t.Fatalf("companies %d, ordinary e-mail %d", aziende, email)
	}
}

// The reseller panel: every state, an assistant's strict share, nothing added on restart.
func TestDemoRegistro(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	riv := a.Operatore()
	info, err := a.Registro.InfoServizio(ctx, riv)
	if err != nil {
		t.Fatal(err)
	}
	for stato, n := range CaselleDemoPerStato {
		if info.Caselle[stato] != n {
			t.Errorf("%s: %d mailboxes, want %d (all: %v)", stato, info.Caselle[stato], n, info.Caselle)
		}
	}
	if info.PacchettiUsati == 0 {
		t.Error("no mailbox in an agent's package")
	}
	nTit, _, err := a.Registro.CercaTitolari(ctx, riv, store.FiltroTitolari{}, 0, 1)
	if err != nil || nTit != 50 {
		t.Fatalf("%d owners %v", nTit, err)
	}
	_, tutte, err := a.Registro.CercaCaselle(ctx, riv, store.FiltroCaselle{}, 0, 1000)
	if err != nil || len(tutte) != 100 {
		t.Fatalf("%d mailboxes %v", len(tutte), err)
	}
	perID := map[int64]store.Casella{}
	contratti := 0
	for _, c := range tutte {
		perID[c.ID] = c
		docs, err := a.Registro.Documenti(ctx, riv, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Tipo != store.DocContratto || c.Stato == store.CasellaInAttesa {
				t.Errorf("%s (%s): document %s %q", c.Indirizzo, c.Stato, d.Tipo, d.Nome)
			}
			contratti++
		}
	}
	if contratti < 10 {
		t.Errorf("%d signed contracts among the mailboxes, want a good number to show «Gestione documentazione»", contratti)
	}
	for _, as := range assistentiDemo {
		op, err := a.Operatori.Login(ctx, as.username, Password)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := a.Registro.Accesso(ctx, op)
		if err != nil || acc.Rivenditore() {
			t.Fatalf("%s is not an assistant: %v", as.username, err)
		}
		_, sue, err := a.Registro.CercaCaselle(ctx, op, store.FiltroCaselle{}, 0, 1000)
		if err != nil || len(sue) == 0 || len(sue) >= len(tutte) {
			t.Fatalf("%s sees %d of %d mailboxes: %v", as.username, len(sue), len(tutte), err)
		}
		stati := map[string]bool{}
		for _, c := range sue {
			if _, ok := perID[c.ID]; !ok || c.AssistenteID != acc.Assistente.ID {
				t.Fatalf("%s sees %s, not theirs", as.username, c.Indirizzo)
			}
			stati[c.Stato] = true
		}
		if len(stati) < 3 {
			t.Errorf("%s's mailboxes are in too few states: %v", as.username, stati)
		}
		nSuoi, _, _ := a.Registro.CercaTitolari(ctx, op, store.FiltroTitolari{}, 0, 1)
		if nSuoi == 0 || nSuoi >= nTit {
			t.Errorf("%s sees %d of %d owners", as.username, nSuoi, nTit)
		}
	}
	dom, _ := a.Registro.Domini(ctx, riv)
	certificati := 0
	for _, d := range dom {
		if d.Certificato {
			certificati++
		}
	}
	if len(dom) != len(DominiPEC)+1 || certificati != len(DominiPEC) {
		t.Errorf("domains %+v", dom)
	}
	var csv bytes.Buffer
	if err := a.Registro.EsportaCaselle(ctx, riv, store.FiltroCaselle{}, &csv); err != nil || strings.Count(csv.String(), "\n") < 101 {
		t.Fatalf("export: %v\n%s", err, csv.String())
	}
	outbox, _ := a.DB.Outbox(ctx, "PENDING", 100000)
	a.Close()

	a, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n, _, _ := a.Registro.CercaCaselle(ctx, a.Operatore(), store.FiltroCaselle{}, 0, 1); n != len(tutte) {
		t.Errorf("restart: %d mailboxes, was %d", n, len(tutte))
	}
	if n, _, _ := a.Registro.CercaTitolari(ctx, a.Operatore(), store.FiltroTitolari{}, 0, 1); n != nTit {
		t.Errorf("restart: %d owners, was %d", n, nTit)
	}
	if ag, _ := a.Registro.Agenti(ctx, a.Operatore(), store.FiltroAgenti{}); len(ag) != len(agentiDemo) {
		t.Errorf("restart: %d agents", len(ag))
	}
	if o, _ := a.DB.Outbox(ctx, "PENDING", 100000); len(o) != len(outbox) {
		t.Errorf("restart: outbox %d, was %d", len(o), len(outbox))
	}
}
