package riconciliazione

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// The loop closed on the sandbox: positions published on GPD, paid, their
// receipts, flows and journal imported as files: every MyPivot label shows
// up where the sandbox put its anomaly, importing again changes nothing,
// and the incremental result equals a full rerun.
func TestImportaGiornataSandbox(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 5, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cr := sb.GPDCredentials()
	g := &pagopa.GPD{BaseURL: cr.BaseURL, Key: cr.Key}
	var pos []pagopa.Posizione
	var dovuti []store.RicDovuto
	for i := range 40 {
		avviso := pagopa.CodiceAvviso(1, uint64(100+i))
		iuv := pagopa.IUV(avviso)
		c := int64(2000 + 137*i)
		pos = append(pos, pagopa.Posizione{IUPD: fmt.Sprintf("SPORTELLO-T-%02d", i), Tipo: "F", CodiceFiscale: "RSSMRA80A01F205X",
			Nome: "Mario Rossi", Ente: "Comune di Vimercate", OpzioniPagamento: []pagopa.Opzione{{IUV: iuv, Centesimi: c,
				Descrizione: "Refezione scolastica", Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
				Trasferimenti: []pagopa.Trasferimento{{ID: "1", Centesimi: c, Causale: "Refezione scolastica",
					Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456"}}}}})
		if i < 30 { // the last ten have no debt record here: RT_NO_IUD
			dovuti = append(dovuti, store.RicDovuto{IUD: pos[i].IUPD, IUV: iuv, Importo: c, TipoDovuto: "MENSA", Fonte: "SPORTELLO"})
		}
	}
	if err := g.CreaMolte(ctx, cr.OrganizationFiscalCode, pos, true); err != nil {
		t.Fatal(err)
	}
	// Two debt records nobody paid: IUD_NO_RT.
	dovuti = append(dovuti, store.RicDovuto{IUD: "NONPAGATO-1", IUV: "01000000000009901", Importo: 1000, Fonte: "SPORTELLO"},
		store.RicDovuto{IUD: "NONPAGATO-2", IUV: "01000000000009902", Importo: 1000, Fonte: "SPORTELLO"})
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Write(ctx, "test", func(tx *store.Tx) error {
		var tc Toccate
		if err := tx.InsertRicDovuti(ctx, 0, dovuti, &tc); err != nil {
			return err
		}
		return IncrementaleTx(ctx, tx, tc)
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	es, err := sb.SimulaPagamenti(sandbox.ConfigPagamenti{Quota: 1, Giorno: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Seed: 2, Anomalie: sandbox.AnomalieDemo()}, dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	files = append(files, es.Ricevute...)
	for _, iuf := range es.Flussi {
		files = append(files, filepath.Join(dir, "rendicontazione", iuf+".xml"))
	}
	files = append(files, es.Giornale)
	for _, f := range files {
		r, err := Importa(ctx, db, "test", f)
		if err != nil || r.GiaImportato || r.Righe == 0 || r.Descrizione == "" {
			t.Fatalf("%s: %+v %v", f, r, err)
		}
	}
	incr, err := Stato(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"IUV_NO_RT": 1, "RT_NO_IUF": 1, "RT_TES": 1, "DOPPI": 1, "IUF_NO_TES": 1, "IUF_TES_DIV_IMP": 1,
		"TES_NO_IUF_OR_IUV": 1, "TES_NO_MATCH": 2, "IUD_NO_RT": 2,
		"RT_NO_IUD": 10} // RT_NO_IUD: nine of the last ten (one has no receipt) and the spontaneous payment
	for k, n := range want {
		if incr[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, incr[k], n, incr)
		}
	}
	for _, k := range []string{"IUD_RT_IUF_TES", "RT_IUF_TES", "IUD_RT_IUF", "RT_IUF", "RT_NO_IUD", "IUF_TES", "TES_IUF_OR_IUV"} {
		if incr[k] == 0 {
			t.Errorf("%s missing: %v", k, incr)
		}
	}
	// Again: nothing changes.
	r, err := Importa(ctx, db, "test", es.Giornale)
	if err != nil || !r.GiaImportato {
		t.Fatalf("second import: %+v %v", r, err)
	}
	full, err := Esegui(ctx, db, "test")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(full.Classi) != fmt.Sprint(incr) {
		t.Fatalf("incremental %v, full %v", incr, full.Classi)
	}
}

// A bad file stores nothing, and says which line and element.
func TestImportaFileErrato(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fixture := filepath.Join("..", "..", "..", "shared", "fixtures", "treasury", "OPI_GIORNALE_DI_CASSA_V_1_4.INVALID.xml")
	if _, err := os.Stat(fixture); err != nil {
		t.Skip("../shared is not here")
	}
	if _, err := Importa(ctx, db, "test", fixture); err == nil {
		t.Fatal("an invalid journal was imported")
	} else if msg := err.Error(); !contains(msg, "riga ") {
		t.Fatalf("no line in %q", msg)
	}
	var n int
	db.Reader().QueryRow(`SELECT COUNT(*) FROM ric_file`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d files recorded", n)
	}
	valid := filepath.Join("..", "..", "..", "shared", "fixtures", "treasury", "OPI_GIORNALE_DI_CASSA_V_1_4.VALID.xml")
	if r, err := Importa(ctx, db, "test", valid); err != nil || r.Tipo != TipoCassa {
		t.Fatalf("%+v %v", r, err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
