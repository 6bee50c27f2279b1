package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// The edge cases of the statistics on rows written by hand: a receipt of
// two transfers is one payment for their sum; a receipt naming an IUD no
// debt record has is unattributed (not looked up by IUV); a receipt without
// IUD and a line with no receipt find the debt record by IUV; a revocation
// subtracts; a flow credited in two parts is collected on the later value
// date, one credited short is not collected; a single credit follows the
// IUV's first receipt; bounds are inclusive; a receipt without date is
// "" when no range is asked and left out when one is.
func TestRicStatisticheCasiLimite(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Write(ctx, "test", func(tx *Tx) error {
		file := func(tipo string) int64 {
			id, err := tx.InsertRicFile(ctx, RicFile{Tipo: tipo, Nome: tipo, SHA256: fmt.Sprintf("%064d", len(tipo))})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		rt, fdr, cassa := file("RT"), file("FDR"), file("CASSA")
		if err := tx.InsertRicDovuti(ctx, 0, []RicDovuto{
			{IUD: "D1", IUV: "V1", Importo: 300, TipoDovuto: "TARI", Ufficio: "TRIBUTI", Fonte: "CSV"},
			{IUD: "D2", IUV: "V2", Importo: 500, TipoDovuto: "MENSA", Ufficio: "SCUOLA", Fonte: "CSV"},
			{IUD: "D4", IUV: "V4", Importo: 700, TipoDovuto: "MENSA", Ufficio: "SCUOLA", Fonte: "CSV"},
			{IUD: "D5", IUV: "V5", Importo: 900, TipoDovuto: "TARI", Ufficio: "", Fonte: "CSV"},
		}, nil); err != nil {
			return err
		}
		if err := tx.InsertRicevute(ctx, rt, []RicRicevuta{
			{IUV: "V1", IUR: "R1", Indice: 1, IUD: "D1", Importo: 100, Esito: "OK", DataEsito: "2026-01-10"},
			{IUV: "V1", IUR: "R1", Indice: 2, IUD: "D1", Importo: 200, Esito: "OK", DataEsito: "2026-01-10"},
			{IUV: "V2", IUR: "R2", Indice: 1, IUD: "", Importo: 500, Esito: "OK", DataEsito: "2026-01-31"},
			{IUV: "V3", IUR: "R3", Indice: 1, IUD: "NESSUNO", Importo: 600, Esito: "OK", DataEsito: "2026-02-01"},
			{IUV: "V5", IUR: "R5", Indice: 1, IUD: "D5", Importo: 900, Esito: "OK", DataEsito: ""},
			{IUV: "V5", IUR: "R5B", Indice: 1, IUD: "D5", Importo: 900, Esito: "OK", DataEsito: "2026-03-01"},
			{IUV: "V6", IUR: "", Indice: 1, IUD: "D1", Importo: 50, Esito: "KO", DataEsito: "2026-01-10"},
		}, nil); err != nil {
			return err
		}
		flussi := []struct {
			f RicFlusso
			p []RicPagamento
		}{
			{RicFlusso{IUF: "F1", DataRegolamento: "2026-01-11", NPagamenti: 3, ImportoTotale: 1500}, []RicPagamento{
				{IUV: "V1", IUR: "R1", Importo: 300}, {IUV: "V2", IUR: "R2", Importo: 500}, {IUV: "V4", IUR: "R4", Importo: 700}}},
			{RicFlusso{IUF: "F2", DataRegolamento: "2026-02-02", NPagamenti: 2, ImportoTotale: 300}, []RicPagamento{
				{IUV: "V3", IUR: "R3", Importo: 600}, {IUV: "V2", IUR: "R2", Importo: -300, Esito: 3}}},
		}
		for _, f := range flussi {
			if err := tx.InsertRicFlusso(ctx, fdr, f.f, nil); err != nil {
				return err
			}
			if err := tx.InsertRicPagamenti(ctx, f.f.IUF, f.p, nil); err != nil {
				return err
			}
		}
		return tx.InsertRicMovimenti(ctx, cassa, []RicMovimento{
			{Chiave: "M1", Esercizio: 2026, DataValuta: "2026-01-12", Importo: 1000, IUF: "F1"},
			{Chiave: "M2", Esercizio: 2026, DataValuta: "2026-02-03", Importo: 500, IUF: "F1"},
			{Chiave: "M3", Esercizio: 2026, DataValuta: "2026-02-03", Importo: 299, IUF: "F2"},
			{Chiave: "M4", Esercizio: 2026, DataValuta: "2026-03-02", Importo: 900, IUV: "V5", ImportoIUV: 900, ConImportoIUV: true},
			{Chiave: "M5", Esercizio: 2026, DataValuta: "2026-03-02", Importo: 70, IUV: "V9"}, // no receipt
		}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		per     RicDimensione
		dal, al string
		want    []RicStatistica
	}{
		{RicPerMese, "", "", []RicStatistica{
			{Chiave: "", Attribuito: true, NPagati: 1, Pagato: 900},
			{Chiave: "2026-01", Attribuito: true, NPagati: 2, Pagato: 800, Rendicontato: 1500},
			{Chiave: "2026-02", Attribuito: true, NPagati: 1, Pagato: 600, Rendicontato: 300, Incassato: 1500},
			{Chiave: "2026-03", Attribuito: true, NPagati: 1, Pagato: 900, Incassato: 900},
		}},
		{RicPerGiorno, "2026-01-31", "2026-02-02", []RicStatistica{
			{Chiave: "2026-01-31", Attribuito: true, NPagati: 1, Pagato: 500},
			{Chiave: "2026-02-01", Attribuito: true, NPagati: 1, Pagato: 600},
			{Chiave: "2026-02-02", Attribuito: true, Rendicontato: 300},
		}},
		{RicPerUfficio, "", "", []RicStatistica{
			{Chiave: "", Attribuito: true, NPagati: 2, Pagato: 1800, Incassato: 900}, // D5: no office, TARI not in the catalogue
			{Chiave: "SCUOLA", Attribuito: true, NPagati: 1, Pagato: 500, Rendicontato: 900, Incassato: 1200},
			{Chiave: "TRIBUTI", Attribuito: true, NPagati: 1, Pagato: 300, Rendicontato: 300, Incassato: 300},
			{Chiave: "", Attribuito: false, NPagati: 1, Pagato: 600, Rendicontato: 600},
		}},
		{RicPerTipo, "2026-02-01", "", []RicStatistica{
			{Chiave: "MENSA", Attribuito: true, Rendicontato: -300, Incassato: 1200},
			{Chiave: "TARI", Attribuito: true, NPagati: 1, Pagato: 900, Incassato: 300 + 900},
			{Chiave: "", Attribuito: false, NPagati: 1, Pagato: 600, Rendicontato: 600},
		}},
	} {
		got, err := db.RicStatistiche(ctx, c.per, c.dal, c.al)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("per %d %s..%s:\n got  %+v\n want %+v", c.per, c.dal, c.al, got, c.want)
		}
	}
}
