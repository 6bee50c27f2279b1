package riconciliazione

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// giornataTest is a real database with a day of the sandbox imported: 40
// positions paid (the last ten without a debt record, every third debt
// record with its bilancio), two debt records never paid, and one of each
// anomaly of sandbox.AnomalieDemo.
type giornataTest struct {
	db  *store.DB
	s   *Service
	sb  *sandbox.Sandbox
	es  sandbox.EsitoPagamenti
	dir string
	op  operatori.Operatore
	cf  string // the ente's fiscal code
}

var giornoTest = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// preparaGiornata simulates the day and imports its files: receipts and
// journal always, the flows only with flussi (else they wait on the
// sandbox's FdR API).
func preparaGiornata(t *testing.T, flussi bool) *giornataTest {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 5, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
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
		if i < 30 {
			d := store.RicDovuto{IUD: pos[i].IUPD, IUV: iuv, Importo: c, TipoDovuto: "MENSA", CF: "RSSMRA80A01F205X",
				Anagrafica: "Mario Rossi", Causale: "Refezione scolastica", Fonte: "SPORTELLO"}
			if i%3 == 0 {
				d.Ufficio, d.Capitolo, d.Accertamento = "SCUOLA", "3010", "2026/15"
			}
			dovuti = append(dovuti, d)
		}
	}
	if err := g.CreaMolte(ctx, cr.OrganizationFiscalCode, pos, true); err != nil {
		t.Fatal(err)
	}
	dovuti = append(dovuti, store.RicDovuto{IUD: "NONPAGATO-1", IUV: "01000000000009901", Importo: 1000, Fonte: "SPORTELLO"},
		store.RicDovuto{IUD: "NONPAGATO-2", IUV: "01000000000009902", Importo: 1000, Fonte: "SPORTELLO"})
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Write(ctx, "test", func(tx *store.Tx) error {
		if err := tx.SaveEnte(ctx, store.Ente{Denominazione: "Comune di Vimercate", CodiceFiscale: cr.OrganizationFiscalCode}); err != nil {
			return err
		}
		var tc Toccate
		if err := tx.InsertRicDovuti(ctx, 0, dovuti, &tc); err != nil {
			return err
		}
		return IncrementaleTx(ctx, tx, tc)
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	es, err := sb.SimulaPagamenti(sandbox.ConfigPagamenti{Quota: 1, Giorno: giornoTest, Seed: 2, Anomalie: sandbox.AnomalieDemo()}, dir)
	if err != nil {
		t.Fatal(err)
	}
	files := append([]string{}, es.Ricevute...)
	if flussi {
		for _, iuf := range es.Flussi {
			files = append(files, filepath.Join(dir, "rendicontazione", iuf+".xml"))
		}
	}
	files = append(files, es.Giornale)
	for _, f := range files {
		if _, err := Importa(ctx, db, "test", f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return &giornataTest{db: db, s: New(db), sb: sb, es: es, dir: dir, cf: cr.OrganizationFiscalCode,
		op: operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloOperatore}}
}
