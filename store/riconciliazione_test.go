package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func ricFile(t *testing.T, db *DB, tipo, sha string) int64 {
	t.Helper()
	var id int64
	err := db.Write(context.Background(), "test", func(tx *Tx) error {
		var err error
		id, err = tx.InsertRicFile(context.Background(), RicFile{Tipo: tipo, Nome: sha + ".xml", SHA256: sha, Formato: "TEST"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func chiavi(m map[string]struct{}) []string { return slices.Sorted(maps.Keys(m)) }

func contaRighe(t *testing.T, db *DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.r.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The same content is imported once: the second time the sentinel, with
// when and by whom, and nothing written.
func TestRicFileGiaImportato(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	ricFile(t, db, "RT", "ABCDEF")
	err := db.Write(ctx, "mario", func(tx *Tx) error {
		_, err := tx.InsertRicFile(ctx, RicFile{Tipo: "FDR", Nome: "altro.xml", SHA256: "abcdef"})
		return err
	})
	if !errors.Is(err, ErrGiaImportato) {
		t.Fatalf("err = %v, want ErrGiaImportato", err)
	}
	if want := "ABCDEF.xml"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "test") {
		t.Errorf("message %q does not name the earlier file and operator", err)
	}
	if n := contaRighe(t, db, `SELECT COUNT(*) FROM ric_file`); n != 1 {
		t.Errorf("%d files, want 1", n)
	}
	f, err := db.RicFileBySHA(ctx, "AbCdEf")
	if err != nil || f.Tipo != "RT" || f.ImportatoDa != "test" || f.ImportatoIl.IsZero() {
		t.Errorf("RicFileBySHA = %+v, %v", f, err)
	}
	if _, err := db.RicFileBySHA(ctx, "00"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown sha: %v", err)
	}
	if n := contaRighe(t, db, `SELECT COUNT(*) FROM audit WHERE entita = 'ric_file'`); n != 2 {
		t.Errorf("%d audit rows for the file, want 2 (sha256, nome)", n)
	}
}

// Batches of every size around the chunk of the multi-row statement are
// stored whole, and a receipt already stored is replaced.
func TestInsertRicevuteLotti(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	id := ricFile(t, db, "RT", "01")
	tot := 0
	for _, n := range []int{0, 1, 63, 64, 65, 129, 200} {
		rr := make([]RicRicevuta, n)
		for i := range rr {
			rr[i] = RicRicevuta{IUV: fmt.Sprintf("%d-%03d", n, i), IUR: "R", IUD: "D", Importo: int64(i), Esito: "OK"}
		}
		var tc Toccate
		if err := db.Write(ctx, "test", func(tx *Tx) error { return tx.InsertRicevute(ctx, id, rr, &tc) }); err != nil {
			t.Fatalf("%d rows: %v", n, err)
		}
		tot += n
		if got := contaRighe(t, db, `SELECT COUNT(*) FROM ric_rt`); got != tot {
			t.Fatalf("after a batch of %d: %d rows, want %d", n, got, tot)
		}
		if len(tc.IUV) != n {
			t.Errorf("batch of %d touched %d IUVs", n, len(tc.IUV))
		}
	}
	// Indice 0 is stored as 1; the same key again replaces the row.
	again := []RicRicevuta{{IUV: "1-000", IUR: "R", Importo: 99, Esito: "KO", Pagatore: "NUOVO"}}
	if err := db.Write(ctx, "test", func(tx *Tx) error { return tx.InsertRicevute(ctx, id, again, nil) }); err != nil {
		t.Fatal(err)
	}
	var imp int64
	var esito, pag, iud string
	var ind int
	if err := db.r.QueryRowContext(ctx, `SELECT indice, importo, esito, pagatore, iud FROM ric_rt WHERE iuv = '1-000'`).Scan(&ind, &imp, &esito, &pag, &iud); err != nil {
		t.Fatal(err)
	}
	if ind != 1 || imp != 99 || esito != "KO" || pag != "NUOVO" || iud != "" {
		t.Errorf("replaced receipt: indice %d importo %d esito %s pagatore %s iud %q", ind, imp, esito, pag, iud)
	}
	if got := contaRighe(t, db, `SELECT COUNT(*) FROM ric_rt`); got != tot {
		t.Errorf("%d rows after the replacement, want %d", got, tot)
	}
	// A wrong outcome is refused by the schema and the batch rolls back.
	bad := []RicRicevuta{{IUV: "X", IUR: "R", Esito: "FORSE"}}
	if err := db.Write(ctx, "test", func(tx *Tx) error { return tx.InsertRicevute(ctx, id, bad, nil) }); err == nil {
		t.Error("esito FORSE accepted")
	}
}

// A flow imported again replaces its lines; the IUVs it reported before
// and after are touched, and lines keep the file order across batches.
func TestInsertRicFlussoSostituisce(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	id := ricFile(t, db, "FDR", "02")
	carica := func(righe ...string) Toccate {
		var tc Toccate
		err := db.Write(ctx, "test", func(tx *Tx) error {
			if err := tx.InsertRicFlusso(ctx, id, RicFlusso{IUF: "F1", NPagamenti: len(righe), ImportoTotale: 10}, &tc); err != nil {
				return err
			}
			for _, iuv := range righe { // one batch per line
				if err := tx.InsertRicPagamenti(ctx, "F1", []RicPagamento{{IUV: iuv, IUR: "R", Importo: 1}}, &tc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return tc
	}
	carica("A", "B", "C")
	tc := carica("C", "D")
	if got, want := chiavi(tc.IUV), []string{"A", "B", "C", "D"}; !slices.Equal(got, want) {
		t.Errorf("touched IUVs %v, want %v", got, want)
	}
	if got := chiavi(tc.IUF); !slices.Equal(got, []string{"F1"}) {
		t.Errorf("touched IUFs %v", got)
	}
	got, err := scanAll(scanValue[string])(db.r.QueryContext(ctx, `SELECT iuv FROM ric_fdr_pagamenti WHERE iuf = 'F1' ORDER BY n`))
	if err != nil || !slices.Equal(got, []string{"C", "D"}) {
		t.Errorf("lines %v, %v; want [C D]", got, err)
	}
	// Lines need their flow first.
	err = db.Write(ctx, "test", func(tx *Tx) error { return tx.InsertRicPagamenti(ctx, "F9", []RicPagamento{{IUV: "A"}}, nil) })
	if err == nil {
		t.Error("lines of a flow never stored accepted")
	}
}

// A movement stored again touches what it named before; STORNATO deletes
// it, touching what it named, and an unknown chiave is ErrNotFound.
func TestRicMovimentiStornato(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	id := ricFile(t, db, "CASSA", "03")
	ins := func(m RicMovimento) Toccate {
		var tc Toccate
		if err := db.Write(ctx, "test", func(tx *Tx) error { return tx.InsertRicMovimenti(ctx, id, []RicMovimento{m}, &tc) }); err != nil {
			t.Fatal(err)
		}
		return tc
	}
	ins(RicMovimento{Chiave: "2024/1", Esercizio: 2024, Importo: 100, IUF: "F1"})
	tc := ins(RicMovimento{Chiave: "2024/1", Esercizio: 2024, Importo: 100, IUV: "V1", ImportoIUV: 100, ConImportoIUV: true})
	if !slices.Equal(chiavi(tc.IUF), []string{"F1"}) || !slices.Equal(chiavi(tc.IUV), []string{"V1"}) ||
		!slices.Equal(chiavi(tc.Tesoreria), []string{"2024/1"}) {
		t.Errorf("touched %+v", tc)
	}
	var imp *int64
	if err := db.r.QueryRowContext(ctx, `SELECT iuv_importo FROM ric_tesoreria WHERE chiave = '2024/1'`).Scan(&imp); err != nil || imp == nil || *imp != 100 {
		t.Errorf("iuv_importo %v, %v", imp, err)
	}
	ins(RicMovimento{Chiave: "2024/2", Esercizio: 2024, Importo: 5})
	if err := db.r.QueryRowContext(ctx, `SELECT iuv_importo FROM ric_tesoreria WHERE chiave = '2024/2'`).Scan(&imp); err != nil || imp != nil {
		t.Errorf("iuv_importo without an amount in the causale: %v, %v", imp, err)
	}

	var del Toccate
	err := db.Write(ctx, "test", func(tx *Tx) error { return tx.DeleteRicMovimento(ctx, "2024/1", &del) })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(chiavi(del.IUV), []string{"V1"}) || !slices.Equal(chiavi(del.Tesoreria), []string{"2024/1"}) || len(del.IUF) != 0 {
		t.Errorf("deletion touched %+v", del)
	}
	if n := contaRighe(t, db, `SELECT COUNT(*) FROM ric_tesoreria`); n != 1 {
		t.Errorf("%d movements left, want 1", n)
	}
	err = db.Write(ctx, "test", func(tx *Tx) error { return tx.DeleteRicMovimento(ctx, "2024/1", nil) })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("second deletion: %v", err)
	}
}

// A debt record replaced under a new IUV touches both IUVs and its IUD.
func TestInsertRicDovuti(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	ins := func(d RicDovuto) Toccate {
		var tc Toccate
		if err := db.Write(ctx, "test", func(tx *Tx) error { return tx.InsertRicDovuti(ctx, 0, []RicDovuto{d}, &tc) }); err != nil {
			t.Fatal(err)
		}
		return tc
	}
	ins(RicDovuto{IUD: "D1", IUV: "V1", Importo: 10, Fonte: "SPORTELLO"})
	tc := ins(RicDovuto{IUD: "D1", IUV: "V2", Importo: 10, Fonte: "SPORTELLO"})
	if !slices.Equal(chiavi(tc.IUV), []string{"V1", "V2"}) || !slices.Equal(chiavi(tc.IUD), []string{"D1"}) {
		t.Errorf("touched %+v", tc)
	}
	var iuv string
	var file *int64
	if err := db.r.QueryRowContext(ctx, `SELECT iuv, file_id FROM ric_dovuti WHERE iud = 'D1'`).Scan(&iuv, &file); err != nil || iuv != "V2" || file != nil {
		t.Errorf("stored %s, file %v, %v", iuv, file, err)
	}
}

func TestToccateUnisci(t *testing.T) {
	var a, b Toccate
	aggiungi(&a.IUV, "1")
	aggiungi(&a.IUV, "")
	aggiungi(&b.IUV, "2")
	aggiungi(&b.Tesoreria, "T")
	aggiungi(&b.IUD, "D")
	a.Unisci(b)
	if a.Len() != 4 || !slices.Equal(chiavi(a.IUV), []string{"1", "2"}) {
		t.Errorf("%+v", a)
	}
}

// The pages of the classification come by label and key, each row with
// the three sides it links to.
func TestRicClassiPagine(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	f := ricFile(t, db, "RT", "04")
	err := db.Write(ctx, "test", func(tx *Tx) error {
		if err := tx.InsertRicDovuti(ctx, f, []RicDovuto{{IUD: "D1", IUV: "V1", Importo: 1000, Anagrafica: "ROSSI", TipoDovuto: "TARI", Fonte: "CSV"}}, nil); err != nil {
			return err
		}
		if err := tx.InsertRicevute(ctx, f, []RicRicevuta{
			{IUV: "V1", IUR: "R1", Indice: 1, IUD: "D1", Importo: 600, Esito: "OK", DataEsito: "2024-01-02", Pagatore: "ROSSI"},
			{IUV: "V1", IUR: "R1", Indice: 2, IUD: "D1", Importo: 400, Esito: "OK"},
			{IUV: "V2", IUR: "R2", Importo: 50, Esito: "OK"},
		}, nil); err != nil {
			return err
		}
		if err := tx.InsertRicFlusso(ctx, f, RicFlusso{IUF: "F1", DataRegolamento: "2024-01-05", NPagamenti: 1, ImportoTotale: 1000}, nil); err != nil {
			return err
		}
		if err := tx.InsertRicPagamenti(ctx, "F1", []RicPagamento{{IUV: "V1", IUR: "R1", Importo: 1000}}, nil); err != nil {
			return err
		}
		if err := tx.InsertRicMovimenti(ctx, f, []RicMovimento{
			{Chiave: "T1", Esercizio: 2024, Bolletta: "7", DataValuta: "2024-01-06", Importo: 1000, IUF: "F1", Causale: "/PUR/LGPE-RIVERSAMENTO/URI/F1"},
			{Chiave: "T2", Esercizio: 2024, Importo: 50, IUV: "V2"},
		}, nil); err != nil {
			return err
		}
		for _, c := range [][4]string{
			{"IUD_RT_IUF_TES", "PAGAMENTO", "V1", "R1"}, {"RT_IUF", "PAGAMENTO", "V1", "R1"}, {"RT_TES", "PAGAMENTO", "V2", "R2"},
			{"IUF_TES", "FLUSSO", "F1", ""}, {"TES_IUF_OR_IUV", "TESORERIA", "T1", ""}, {"TES_IUF_OR_IUV", "TESORERIA", "T2", ""},
		} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ric_classi (classe, chiave_tipo, chiave, iur) VALUES (?, ?, ?, ?)`, c[0], c[1], c[2], c[3]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ric_classi_conteggi (classe, n) VALUES (?, 1) ON CONFLICT (classe) DO UPDATE SET n = n + 1`, c[0]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.RicClassi(ctx, FiltroRicClassi{}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range all {
		keys = append(keys, r.Classe+"/"+r.Chiave)
	}
	want := []string{"IUD_RT_IUF_TES/V1", "IUF_TES/F1", "RT_IUF/V1", "RT_TES/V2", "TES_IUF_OR_IUV/T1", "TES_IUF_OR_IUV/T2"}
	if !slices.Equal(keys, want) {
		t.Fatalf("rows %v, want %v", keys, want)
	}
	p := all[0] // the payment V1/R1
	if p.ImportoRT != 1000 || p.DataEsito != "2024-01-02" || p.Pagatore != "ROSSI" || p.IUD != "D1" || p.Anagrafica != "ROSSI" ||
		p.TipoDovuto != "TARI" || p.ImportoDovuto != 1000 || p.IUF != "F1" || p.DataRegolamento != "2024-01-05" ||
		p.ImportoFlusso != 1000 || p.Movimento != "T1" || p.Bolletta != "7" || p.DataValuta != "2024-01-06" || p.ImportoMovimento != 1000 {
		t.Errorf("payment row %+v", p)
	}
	if fl := all[1]; fl.IUF != "F1" || fl.Movimento != "T1" || fl.ImportoRT != 0 {
		t.Errorf("flow row %+v", fl)
	}
	if d := all[3]; d.Movimento != "T2" || d.ImportoRT != 50 || d.IUF != "" {
		t.Errorf("RT_TES row %+v", d)
	}
	if m := all[5]; m.Chiave != "T2" || m.ImportoRT != 50 || m.IUR != "" || m.ImportoMovimento != 50 {
		t.Errorf("movement naming an IUV %+v", m)
	}
	for _, c := range []struct {
		f    FiltroRicClassi
		want int
	}{
		{FiltroRicClassi{}, 6},
		{FiltroRicClassi{Classe: "TES_IUF_OR_IUV"}, 2},
		{FiltroRicClassi{ChiaveTipo: "PAGAMENTO"}, 3},
		{FiltroRicClassi{Chiave: "V1"}, 2},
		{FiltroRicClassi{ChiaveTipo: "TESORERIA", Chiave: "T"}, 2},
		{FiltroRicClassi{Classe: "DOPPI"}, 0},
	} {
		n, err := db.CountRicClassi(ctx, c.f)
		page, err2 := db.RicClassi(ctx, c.f, 0, 100)
		if err != nil || err2 != nil || n != c.want || len(page) != c.want {
			t.Errorf("%+v: count %d, page %d, want %d (%v, %v)", c.f, n, len(page), c.want, err, err2)
		}
	}
	page, err := db.RicClassi(ctx, FiltroRicClassi{}, 4, 1)
	if err != nil || len(page) != 1 || page[0].Chiave != "T1" {
		t.Errorf("offset 4 limit 1: %+v, %v", page, err)
	}
	cnt, err := db.ConteggiRicClassi(ctx)
	if err != nil || cnt["TES_IUF_OR_IUV"] != 2 || len(cnt) != 5 {
		t.Errorf("counts %v, %v", cnt, err)
	}
}

// BenchmarkInsertRicevute stores receipts in batches as an importer does,
// their IUVs in the order of a real file (growing, shuffled within a few
// thousand), and reports rows/s.
func BenchmarkInsertRicevute(b *testing.B) {
	const n = 100_000
	db, err := Open(context.Background(), b.TempDir()+"/b.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rr := make([]RicRicevuta, 1000)
	for i := 0; b.Loop(); i++ {
		err := db.WriteMassivo(ctx, "bench", func(tx *Tx) error {
			id, err := tx.InsertRicFile(ctx, RicFile{Tipo: "RT", Nome: "b", SHA256: fmt.Sprint(i)})
			if err != nil {
				return err
			}
			for k := 0; k < n; k += len(rr) {
				for j := range rr {
					x := k + j
					rr[j] = RicRicevuta{IUV: fmt.Sprintf("%03d%014d", i, x&^4095|(x*2654435761)&4095), IUR: fmt.Sprintf("R%012d", x),
						IUD: fmt.Sprintf("IUD%012d", x), CFEnte: "00000000001", Importo: 1234, Esito: "OK", DataEsito: "2024-01-01",
						CFPagatore: "RSSMRA80A01H501U", Pagatore: "ROSSI MARIO", PSP: "BCITITMM", TipoDovuto: "TARI",
						Causale: "/RFB/000000000000/12.34/TXT/TARI 2024"}
				}
				if err := tx.InsertRicevute(ctx, id, rr, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
