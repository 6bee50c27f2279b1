package store

import (
	"context"
	"path/filepath"
	"testing"
)

func openRicAcc(t *testing.T) (*DB, context.Context) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "acc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, ctx
}

// An office, chapter or assessment of any year (anno 0) stands for every
// year: the import creates no twin for a dated debt record and counts its
// payment there; free payments page and filter on the receipt's data.
func TestRicAnagraficheAnnoQualsiasi(t *testing.T) {
	db, ctx := openRicAcc(t)
	err := db.Write(ctx, "g.ferrari", func(tx *Tx) error {
		if err := tx.InsertRicUfficio(ctx, RicUfficio{Codice: "TRIB", Denominazione: "Tributi", Attivo: true}); err != nil {
			return err
		}
		if err := tx.InsertRicCapitolo(ctx, RicCapitolo{Ufficio: "TRIB", Codice: "1010", Descrizione: "TARI", Attivo: true}); err != nil {
			return err
		}
		if _, err := tx.InsertRicAccertamento(ctx, RicAccertamento{Ufficio: "TRIB", Capitolo: "1010", Codice: "A1", Descrizione: "TARI"}); err != nil {
			return err
		}
		if err := tx.InsertRicDovuti(ctx, 0, []RicDovuto{
			{IUD: "D1", IUV: "01000000000000001", Importo: 1000, TipoDovuto: "TARI", Ufficio: "TRIB", Capitolo: "1010",
				Accertamento: "A1", Scadenza: "2026-05-31", Fonte: "CSV"},
			{IUD: "D2", IUV: "01000000000000002", Importo: 700, TipoDovuto: "TARI", Ufficio: "TRIB", Capitolo: "1010",
				Accertamento: "A2", Scadenza: "2025-05-31", Fonte: "CSV"},
			{IUD: "D3", IUV: "01000000000000003", Importo: 500, TipoDovuto: "MENSA", Fonte: "CSV"},
		}, nil); err != nil {
			return err
		}
		file, err := tx.InsertRicFile(ctx, RicFile{Tipo: "PAGATI", Nome: "pagati.csv", SHA256: "ab12"})
		if err != nil {
			return err
		}
		return tx.InsertRicevute(ctx, file, []RicRicevuta{
			{IUV: "01000000000000001", IUR: "R1", Indice: 1, Importo: 600, Esito: "OK", DataEsito: "2026-03-01", Pagatore: "Mario Rossi"},
			{IUV: "01000000000000001", IUR: "R1", Indice: 2, Importo: 400, Esito: "OK", DataEsito: "2026-03-01", Pagatore: "Mario Rossi"},
			{IUV: "01000000000000002", IUR: "R2", Indice: 1, Importo: 700, Esito: "OK", DataEsito: "2026-03-02", Pagatore: "Anna Verdi"},
			{IUV: "01000000000000003", IUR: "R3", Indice: 1, Importo: 500, Esito: "OK", DataEsito: "2026-03-03", Pagatore: "Luca Bianchi",
				CFPagatore: "BNCLCU80A01F205X"},
			{IUV: "01000000000000003", IUR: "R4", Indice: 1, Importo: 500, Esito: "KO", DataEsito: "2026-03-03"},
		}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	var c RicAnagraficheCreate
	if err := db.Write(ctx, "import", func(tx *Tx) error {
		c, err = tx.CreaAnagraficheDettaglio(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The 2026 record goes to A1 of any year; the 2025 one needs A2 of 2025
	// under chapter 1010 of any year: one assessment created.
	if c != (RicAnagraficheCreate{Accertamenti: 1, Associati: 2}) {
		t.Fatalf("created %+v", c)
	}
	all, err := db.RicAccertamenti(ctx, FiltroRicAccertamenti{}, 0, 10)
	if err != nil || len(all) != 2 || all[0].Codice != "A2" || all[0].Anno != 2025 || all[0].CreatoDa != "import" ||
		all[1].Codice != "A1" || all[1].ImportoAssociato != 1000 || all[1].NPagamenti != 1 {
		t.Fatalf("%+v %v", all, err)
	}
	if n, _ := db.CountRicCapitoli(ctx, FiltroRicCapitoli{Ufficio: "TRIB"}); n != 1 {
		t.Fatalf("%d chapters", n)
	}

	// One free payment (the KO receipt is not a payment).
	for _, c := range []struct {
		f FiltroRicPagamentiLiberi
		n int
	}{
		{FiltroRicPagamentiLiberi{}, 1},
		{FiltroRicPagamentiLiberi{Pagatore: "bianchi"}, 1},
		{FiltroRicPagamentiLiberi{Pagatore: "bnclcu"}, 1},
		{FiltroRicPagamentiLiberi{Pagatore: "rossi"}, 0},
		{FiltroRicPagamentiLiberi{IUV: "010000000000000"}, 1},
		{FiltroRicPagamentiLiberi{IUV: "02"}, 0},
		{FiltroRicPagamentiLiberi{DataDal: "2026-03-03", DataAl: "2026-03-03"}, 1},
		{FiltroRicPagamentiLiberi{DataAl: "2026-03-02"}, 0},
		{FiltroRicPagamentiLiberi{TipoDovuto: "MENSA"}, 1},
		{FiltroRicPagamentiLiberi{TipoDovuto: "TARI"}, 0},
	} {
		n, err := db.CountRicPagamentiLiberi(ctx, c.f)
		page, err2 := db.RicPagamentiLiberi(ctx, c.f, 0, 10)
		if err != nil || err2 != nil || n != c.n || len(page) != c.n {
			t.Errorf("%+v: %d %d %v %v", c.f, n, len(page), err, err2)
		}
	}
	page, _ := db.RicPagamentiLiberi(ctx, FiltroRicPagamentiLiberi{}, 0, 10)
	if p := page[0]; p.IUV != "01000000000000003" || p.IUR != "R3" || p.Importo != 500 || p.IUD != "D3" || p.TipoDovuto != "MENSA" {
		t.Fatalf("%+v", p)
	}
	// A closed assessment of the year is not passed over for the one of any year.
	err = db.Write(ctx, "g.ferrari", func(tx *Tx) error {
		a := all[0]
		a.Stato = RicAccertamentoChiuso
		if err := tx.UpdateRicAccertamento(ctx, a); err != nil {
			return err
		}
		if err := tx.RimuoviRicAssociazione(ctx, a.ID, "01000000000000002", "R2"); err != nil {
			return err
		}
		if _, err := tx.InsertRicAccertamento(ctx, RicAccertamento{Ufficio: "TRIB", Capitolo: "1010", Codice: "A2"}); err != nil {
			return err
		}
		n, err := tx.CreaAnagraficheMancanti(ctx)
		if err == nil && n != 0 {
			t.Errorf("%d written with A2 closed", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
