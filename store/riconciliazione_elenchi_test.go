package store

import (
	"context"
	"fmt"
	"testing"
)

// riempiRic stores, as the importers do, 7 receipts (the first with two
// transfers; the sixth paid on another day, the seventh KO), one flow
// reporting the first five, a movement crediting it, two debt records.
func riempiRic(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	if err := db.Write(ctx, "test", func(tx *Tx) error {
		id, err := tx.InsertRicFile(ctx, RicFile{Tipo: "RT", Nome: "rt.xml", SHA256: "aa"})
		if err != nil {
			return err
		}
		var rr []RicRicevuta
		for i := range 7 {
			r := RicRicevuta{IUV: fmt.Sprintf("0100000000000%04d", i), IUR: fmt.Sprintf("R%d", i), Indice: 1, Importo: 1000,
				Esito: "OK", DataEsito: "2026-11-20", CFPagatore: "RSSMRA80A01F205X", Pagatore: "Mario Rossi", PSP: "Poste"}
			switch i {
			case 0:
				r.IUD = "IUD-0"
				rr = append(rr, r)
				r.Indice, r.Importo = 2, 500
			case 3:
				r.Pagatore, r.CFPagatore = "Bianchi 100% Srl", "02066170966"
			case 5:
				r.DataEsito = "2026-11-21"
			case 6:
				r.Esito = "KO"
			}
			rr = append(rr, r)
		}
		if err := tx.InsertRicevute(ctx, id, rr, nil); err != nil {
			return err
		}
		fid, err := tx.InsertRicFile(ctx, RicFile{Tipo: "FDR", Nome: "fdr.xml", SHA256: "bb"})
		if err != nil {
			return err
		}
		if err := tx.InsertRicFlusso(ctx, fid, RicFlusso{IUF: "2026-11-21POSTE-1", DataRegolamento: "2026-11-21", PSP: "Poste Italiane",
			NPagamenti: 5, ImportoTotale: 5500}, nil); err != nil {
			return err
		}
		var pp []RicPagamento
		for _, r := range rr[:6] {
			pp = append(pp, RicPagamento{IUV: r.IUV, IUR: r.IUR, Indice: r.Indice, Importo: r.Importo, DataEsito: r.DataEsito})
		}
		if err := tx.InsertRicPagamenti(ctx, "2026-11-21POSTE-1", pp, nil); err != nil {
			return err
		}
		tid, err := tx.InsertRicFile(ctx, RicFile{Tipo: "CASSA", Nome: "gdc.xml", SHA256: "cc"})
		if err != nil {
			return err
		}
		if err := tx.InsertRicMovimenti(ctx, tid, []RicMovimento{{Chiave: "2026/1", Esercizio: 2026, Bolletta: "1", DataValuta: "2026-11-23",
			Importo: 5500, Causale: "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-21POSTE-1", IUF: "2026-11-21POSTE-1"}}, nil); err != nil {
			return err
		}
		return tx.InsertRicDovuti(ctx, 0, []RicDovuto{
			{IUD: "IUD-0", IUV: rr[0].IUV, Importo: 1500, Capitolo: "3010", Ufficio: "SCUOLA", Fonte: "SPORTELLO"},
			{IUD: "IUD-1", IUV: rr[2].IUV, Importo: 1000, Fonte: "SPORTELLO"}}, nil)
	}); err != nil {
		t.Fatal(err)
	}
}

func TestRicElenchi(t *testing.T) {
	db := openTemp(t)
	riempiRic(t, db)
	ctx := context.Background()
	for _, c := range []struct {
		f    FiltroRicRicevute
		want int
	}{
		{FiltroRicRicevute{}, 8},
		{FiltroRicRicevute{IUV: "01000000000000000"}, 2},
		{FiltroRicRicevute{IUR: "R3"}, 1},
		{FiltroRicRicevute{Pagatore: "100%"}, 1}, // % is a character, not a wildcard
		{FiltroRicRicevute{Pagatore: "rssmra80a01f205x"}, 7},
		{FiltroRicRicevute{Dal: "2026-11-21"}, 1},
		{FiltroRicRicevute{Al: "2026-11-20"}, 7},
		{FiltroRicRicevute{Esito: "KO"}, 1},
	} {
		n, err := db.CountRicRicevute(ctx, c.f)
		rr, err2 := db.RicRicevute(ctx, c.f, 0, 100)
		if err != nil || err2 != nil || n != c.want || len(rr) != n {
			t.Errorf("%+v: %d counted, %d listed, want %d (%v %v)", c.f, n, len(rr), c.want, err, err2)
		}
	}
	rr, _ := db.RicRicevute(ctx, FiltroRicRicevute{}, 1, 2)
	if len(rr) != 2 || rr[0].Indice != 2 || rr[0].Fonte.File != "rt.xml" || rr[0].Fonte.ImportatoIl.IsZero() {
		t.Fatalf("second page: %+v", rr)
	}

	ff, err := db.RicFlussi(ctx, FiltroRicFlussi{PSP: "poste", Dal: "2026-11-21", Al: "2026-11-21"}, 0, 10)
	if err != nil || len(ff) != 1 || ff[0].NPagamenti != 5 || ff[0].Fonte.File != "fdr.xml" {
		t.Fatalf("flows: %+v %v", ff, err)
	}
	if n, _ := db.CountRicFlussi(ctx, FiltroRicFlussi{IUF: "2026-11-22"}); n != 0 {
		t.Fatalf("IUF prefix of another day: %d", n)
	}
	righe, _ := db.RicRigheFlusso(ctx, "2026-11-21POSTE-1", 5, 10)
	if n, _ := db.CountRicRigheFlusso(ctx, "2026-11-21POSTE-1"); n != 6 || len(righe) != 1 || righe[0].N != 6 || !righe[0].ConRicevuta {
		t.Fatalf("lines: %d, last page %+v", n, righe)
	}
	mm, _ := db.RicMovimenti(ctx, FiltroRicMovimenti{Causale: "riversamento", Dal: "2026-11-23"}, 0, 10)
	if len(mm) != 1 || mm[0].IUF != "2026-11-21POSTE-1" || mm[0].ConImportoIUV {
		t.Fatalf("movements: %+v", mm)
	}
	if m, err := db.RicMovimentoChiave(ctx, "2026/9"); err != ErrNotFound {
		t.Fatalf("unknown movement: %+v %v", m, err)
	}
	dd, _ := db.RicDovuti(ctx, []string{"IUD-1"}, rr[0].IUV)
	if len(dd) != 2 {
		t.Fatalf("debt records by IUD or IUV: %+v", dd)
	}
}

// The export pages by key: pages of two give every OK transfer of the
// period once, with the receipt's total, debt record and reporting line.
func TestRicPagatiPeriodo(t *testing.T) {
	db := openTemp(t)
	riempiRic(t, db)
	ctx := context.Background()
	var tutti []RicPagato
	var dopo RicChiaveRT
	for {
		page, err := db.RicPagatiPeriodo(ctx, "2026-11-20", "2026-11-20", dopo, 2)
		if err != nil {
			t.Fatal(err)
		}
		tutti = append(tutti, page...)
		if len(page) < 2 {
			break
		}
		l := page[len(page)-1]
		dopo = RicChiaveRT{IUV: l.IUV, IUR: l.IUR, Indice: l.Indice}
	}
	if len(tutti) != 6 {
		t.Fatalf("%d transfers paid on the 20th, want 6: %+v", len(tutti), tutti)
	}
	p := tutti[1]
	if p.Indice != 2 || p.ImportoTotale != 1500 || p.Dovuto.IUD != "IUD-0" || p.Dovuto.Capitolo != "3010" || p.IUF != "2026-11-21POSTE-1" || p.NumRiga != 2 {
		t.Fatalf("second transfer of the first receipt: %+v", p)
	}
	if p := tutti[2]; p.Dovuto.IUD != "IUD-1" {
		t.Fatalf("debt record found on the IUV: %+v", p)
	}
	if p := tutti[3]; p.Dovuto.IUD != "" || p.IUF == "" {
		t.Fatalf("a receipt without debt record: %+v", p)
	}
}

func TestRicSegnalazioniStore(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	err := db.Write(ctx, "g.ferrari", func(tx *Tx) error {
		if _, ok, err := tx.UltimaRicSegnalazione(ctx, "FLUSSO", "X", ""); ok || err != nil {
			return fmt.Errorf("a flag on nothing: %v %v", ok, err)
		}
		if _, err := tx.InsertRicSegnalazione(ctx, RicSegnalazione{ChiaveTipo: "FLUSSO", Chiave: "X", Classe: "IUF_NO_TES",
			Nota: "accredito atteso", Stato: SegnalazioneAperta}); err != nil {
			return err
		}
		s, ok, err := tx.UltimaRicSegnalazione(ctx, "FLUSSO", "X", "")
		if !ok || err != nil || s.CreataDa != "g.ferrari" || s.Stato != SegnalazioneAperta || s.CreataIl.IsZero() {
			return fmt.Errorf("last flag: %+v %v", s, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := db.History(ctx, "ric_segnalazioni", "1")
	if len(h) != 4 {
		t.Fatalf("audit rows: %+v", h)
	}
	ss, _ := db.RicSegnalazioniRiga(ctx, "FLUSSO", "X", "")
	if len(ss) != 1 || ss[0].Nota != "accredito atteso" {
		t.Fatalf("%+v", ss)
	}
}
