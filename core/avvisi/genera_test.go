package avvisi_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

// A batch generated against the sandbox's GPD: every row's position is
// published; a position left there by an interrupted run (created, state
// not recorded) is read back, not created twice; a second run does nothing.
func TestGenera(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cred := sb.GPDCredentials()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	imp := &impostazioni.Service{DB: db, Secrets: &secrets.File{Path: filepath.Join(t.TempDir(), "s.json")}}
	admin := operatori.Operatore{Username: "admin", Ruolo: operatori.RuoloAmministratore}
	if err := imp.SalvaEnte(ctx, admin, impostazioni.Ente{Denominazione: "Comune di Vimercate", CodiceFiscale: cred.OrganizationFiscalCode,
		CodiceIPA: "c_m052"}); err != nil {
		t.Fatal(err)
	}
	if err := imp.SalvaGPD(ctx, admin, cred.BaseURL, cred.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := imp.SalvaTipoDovuto(ctx, admin, store.TipoDovuto{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico",
		Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true}); err != nil {
		t.Fatal(err)
	}
	s := &avvisi.Service{DB: db}
	var buf bytes.Buffer
	if err := avvisi.ScriviTracciato(&buf); err != nil {
		t.Fatal(err)
	}
	l, _, err := s.ImportaLotto(ctx, admin, "lista.xlsx", &buf, avvisi.OpzioniLotto{TipoDovuto: "TRASPORTO",
		Scadenza: time.Now().AddDate(0, 1, 0), Causale: "Trasporto scolastico 2026/27", Spedizione: avvisi.PEC})
	if err != nil {
		t.Fatal(err)
	}
	righe, _ := db.AvvisiLotto(ctx, l.ID)
	// An interrupted run created the second row's position but did not record it.
	gpd := &pagopa.GPD{BaseURL: cred.BaseURL, Key: cred.Key}
	if _, err := gpd.Crea(ctx, cred.OrganizationFiscalCode, pagopa.Posizione{IUPD: righe[1].IUPD, Tipo: "G", CodiceFiscale: righe[1].PartitaIVA,
		Nome: righe[1].Intestazione, Ente: "Comune di Vimercate", ScadeDaSola: true,
		OpzioniPagamento: []pagopa.Opzione{{IUV: righe[1].IUV, Centesimi: righe[1].Centesimi, Descrizione: "x", Scadenza: time.Now().AddDate(0, 1, 0),
			Trasferimenti: []pagopa.Trasferimento{{ID: "1", Centesimi: righe[1].Centesimi, Causale: "x", Tassonomia: "9/0101108TS/",
				IBAN: "IT60X0542811101000000123456"}}}}}, true); err != nil {
		t.Fatal(err)
	}
	av, err := s.Genera(ctx, admin, imp, l.UUID, nil)
	if err != nil || av.Fatti != 2 || av.Errori != 0 {
		t.Fatalf("genera: %+v %v", av, err)
	}
	// The block of two was refused (the second row is there already) and
	// done row by row: the first created, the second read back.
	if st := sb.Stats().Calls; st["gpd.createMultiplePositions"] != 1 || st["gpd.createPosition"] != 3 {
		t.Fatalf("calls: %v", st)
	}
	creates := sb.Stats().Calls["gpd.createPosition"]
	for _, r := range righe {
		p, err := gpd.Leggi(ctx, cred.OrganizationFiscalCode, r.IUPD)
		if err != nil || p.Stato != pagopa.StatoValida || p.OpzioniPagamento[0].CodiceAvviso != r.CodiceAvviso {
			t.Errorf("%s: %+v %v", r.IUPD, p, err)
		}
	}
	lotto, conta, _ := db.ConteggiLotto(ctx, l.UUID)
	if lotto.Stato != "GENERATO" || conta[avvisi.StatoGenerato] != 2 {
		t.Fatalf("batch %s %v", lotto.Stato, conta)
	}
	if av, err := s.Genera(ctx, admin, imp, l.UUID, nil); err != nil || av.Totale != 0 || sb.Stats().Calls["gpd.createPosition"] != creates {
		t.Fatalf("second run: %+v %v", av, err)
	}
	// A citizen pays the first notice: the refresh finds it.
	if err := sb.PagaPosizione(righe[0].IUPD); err != nil {
		t.Fatal(err)
	}
	if n, err := s.AggiornaStati(ctx, admin, imp, 100); err != nil || n != 1 {
		t.Fatalf("refresh: %d %v", n, err)
	}
	if n, _ := s.ContaAvvisi(ctx, avvisi.FiltroAvvisi{StatoGPD: pagopa.StatoPagata}); n != 1 {
		t.Fatalf("paid notices: %d", n)
	}
	if n, err := s.AggiornaStati(ctx, admin, imp, 100); err != nil || n != 0 {
		t.Fatalf("second refresh: %d %v", n, err)
	}
}
