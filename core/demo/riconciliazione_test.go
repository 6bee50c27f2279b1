package demo

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

// The demo's FdR API is the sandbox's: its address follows the GPD one,
// so a restart on a new port stores nothing new; the key is stored once.
func TestSyncFdR(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := core.Open(ctx, core.Options{DBPath: filepath.Join(dir, "d.db"), Secrets: &secrets.File{Path: filepath.Join(dir, "s.json")}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	admin, err := a.Operatori.CreaAmministratore(ctx, operatori.Nuovo{Username: "admin", Nome: "Anna Esposito", Password: Password})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // two runs, two ports
		sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: Seed, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		gpd, fdr := sb.GPDCredentials(), sb.FdRCredentials()
		if err := a.Impostazioni.SalvaGPD(ctx, admin, gpd.BaseURL, gpd.Key); err != nil {
			t.Fatal(err)
		}
		if err := syncFdR(ctx, a, admin, sb); err != nil {
			t.Fatal(err)
		}
		c, err := a.Impostazioni.FdR(ctx)
		if err != nil || !c.Configurato || !c.Derivato || c.URL != fdr.BaseURL || c.Chiave != fdr.Key {
			t.Fatalf("FdR after sync: %+v %v (sandbox %+v)", c, err, fdr)
		}
		sb.Close()
	}
	if h, _ := a.DB.History(ctx, "pagopa", "fdr"); len(h) != 1 || h[0].Campo != "chiave_fdr" {
		t.Fatalf("settings written: %+v", h)
	}
}

// Two anomalies flagged, one flag closed; a demo without them is left alone.
func TestSeedSegnalazioni(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := core.Open(ctx, core.Options{DBPath: filepath.Join(dir, "d.db"), Secrets: &secrets.File{Path: filepath.Join(dir, "s.json")}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := seedSegnalazioni(ctx, a); err != nil {
		t.Fatalf("no anomalies: %v", err)
	}
	// A receipt never reported (RT_NO_IUF) and a flow credited for less
	// than its total (IUF_TES_DIV_IMP).
	if err := a.DB.Write(ctx, "test", func(tx *store.Tx) error {
		var tc riconciliazione.Toccate
		id, err := tx.InsertRicFile(ctx, store.RicFile{Tipo: "RT", Nome: "rt.xml", SHA256: "aa"})
		if err != nil {
			return err
		}
		if err := tx.InsertRicevute(ctx, id, []store.RicRicevuta{{IUV: "01000000000000001", IUR: "R1", Importo: 1000, Esito: "OK"},
			{IUV: "01000000000000002", IUR: "R2", Importo: 2000, Esito: "OK"}}, &tc); err != nil {
			return err
		}
		if err := tx.InsertRicFlusso(ctx, id, store.RicFlusso{IUF: "2026-11-21POSTE-1", NPagamenti: 1, ImportoTotale: 2000}, &tc); err != nil {
			return err
		}
		if err := tx.InsertRicPagamenti(ctx, "2026-11-21POSTE-1", []store.RicPagamento{{IUV: "01000000000000002", IUR: "R2", Importo: 2000}}, &tc); err != nil {
			return err
		}
		if err := tx.InsertRicMovimenti(ctx, id, []store.RicMovimento{{Chiave: "2026/1", Esercizio: 2026, Importo: 1900,
			IUF: "2026-11-21POSTE-1"}}, &tc); err != nil {
			return err
		}
		return riconciliazione.IncrementaleTx(ctx, tx, tc)
	}); err != nil {
		t.Fatal(err)
	}
	if err := seedSegnalazioni(ctx, a); err != nil {
		t.Fatal(err)
	}
	tutte, _ := a.Riconciliazione.Segnalazioni(ctx, store.FiltroRicSegnalazioni{}, 0, 10)
	if len(tutte) != 3 || tutte[0].Stato != store.SegnalazioneChiusa || tutte[0].Classe != "IUF_TES_DIV_IMP" ||
		tutte[0].CreataDa != "m.colombo" || tutte[2].Classe != "RT_NO_IUF" || tutte[2].Chiave != "01000000000000001" {
		t.Fatalf("flags: %+v", tutte)
	}
}
