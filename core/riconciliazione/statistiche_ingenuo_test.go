package riconciliazione

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sportello/sportello/store"
)

// The set-based statistics equal a naive reading of the tables in Go,
// written from the definitions in statistiche.go, on the generator's
// population (receipts with and without IUD, KO ones, a second receipt
// for the same IUV, lines reported twice, revoked and reported again,
// lines with no receipt, flows not credited, credited for another amount
// or in two parts, single-payment credits), with a few payments
// associated to an assessment by hand; for every grouping, with and
// without a range.
func TestStatisticheComeIngenuo(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Genera(ctx, db, 4000, 7); err != nil {
		t.Fatal(err)
	}
	// Every 97th paid payment goes to assessment A (id 1), every 89th to
	// B; one payment to both (A, the first, wins).
	if err := db.Write(ctx, "test", func(tx *store.Tx) error {
		for _, c := range []string{"ACC-A", "ACC-B"} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ric_accertamenti (ufficio, capitolo, codice, creato_il, creato_da,
				modificato_il, modificato_da) VALUES ('TRIBUTI', '1000', ?, 'x', 'test', 'x', 'test')`, c); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`INSERT INTO ric_accertamenti_pagamenti SELECT 1, iuv, iur, SUM(importo), 'x', 'test' FROM ric_rt WHERE esito = 'OK'
				GROUP BY iuv, iur HAVING abs(random()) % 97 = 0 OR iuv = (SELECT MIN(iuv) FROM ric_rt)`,
			`INSERT INTO ric_accertamenti_pagamenti SELECT 2, iuv, iur, SUM(importo), 'x', 'test' FROM ric_rt WHERE esito = 'OK'
				GROUP BY iuv, iur HAVING abs(random()) % 89 = 0 OR iuv = (SELECT MIN(iuv) FROM ric_rt)`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	in := leggiStatIngenuo(t, db)
	if len(in.ricevute) < 3000 || len(in.righe) < 3000 || len(in.associati) < 20 {
		t.Fatalf("population too small: %d %d %d", len(in.ricevute), len(in.righe), len(in.associati))
	}
	s := New(db)
	for _, rng := range [][2]string{{"", ""}, {"2024-03-05", "2024-07-20"}, {"2024-06-01", ""}} {
		var dal, al time.Time
		if rng[0] != "" {
			dal = dataISO(rng[0])
		}
		if rng[1] != "" {
			al = dataISO(rng[1])
		}
		for _, per := range Raggruppamenti {
			got, err := s.Statistiche(ctx, per, dal, al)
			if err != nil {
				t.Fatal(err)
			}
			confrontaStatistiche(t, string(per)+" "+rng[0]+".."+rng[1], got, in.statistiche(per, rng[0], rng[1]))
		}
	}
}

type statIngenuo struct {
	ricevute   map[[2]string]*statRicevutaIngenua // OK receipts by IUV + IUR
	primoIUR   map[string]string                  // the first IUR of an IUV's OK receipts
	dovuti     map[string]map[string]string       // by IUD: its columns
	dovutoIUV  map[string]string                  // by IUV: the first IUD
	righe      []store.RicPagamento
	flussoRiga []string // the IUF of each line
	flussi     map[string]store.RicFlusso
	movimenti  []store.RicMovimento
	associati  map[[2]string]string // payment -> the first assessment's code
}

type statRicevutaIngenua struct {
	importo   int64
	data, iud string
}

func leggiStatIngenuo(t testing.TB, db *store.DB) *statIngenuo {
	t.Helper()
	in := &statIngenuo{ricevute: map[[2]string]*statRicevutaIngenua{}, primoIUR: map[string]string{}, dovuti: map[string]map[string]string{},
		dovutoIUV: map[string]string{}, flussi: map[string]store.RicFlusso{}, associati: map[[2]string]string{}}
	q := func(query string, scan func(sc func(...any) error) error) {
		rows, err := db.Reader().Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows.Scan); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT iuv, iur, importo, esito, data_esito, iud FROM ric_rt`, func(sc func(...any) error) error {
		var iuv, iur, esito, data, iud string
		var imp int64
		if err := sc(&iuv, &iur, &imp, &esito, &data, &iud); err != nil || esito != "OK" {
			return err
		}
		k := [2]string{iuv, iur}
		r := in.ricevute[k]
		if r == nil {
			r = &statRicevutaIngenua{data: data, iud: iud}
			in.ricevute[k] = r
		}
		r.importo += imp
		r.data = min(r.data, data)
		if iud != "" && (r.iud == "" || iud < r.iud) {
			r.iud = iud
		}
		if p, ok := in.primoIUR[iuv]; !ok || iur < p {
			in.primoIUR[iuv] = iur
		}
		return nil
	})
	q(`SELECT iud, iuv, tipo_dovuto, ufficio, capitolo, accertamento FROM ric_dovuti`, func(sc func(...any) error) error {
		var iud, iuv, tipo, uff, cap, acc string
		if err := sc(&iud, &iuv, &tipo, &uff, &cap, &acc); err != nil {
			return err
		}
		in.dovuti[iud] = map[string]string{"tipo": tipo, "ufficio": uff, "capitolo": cap, "accertamento": acc}
		if p, ok := in.dovutoIUV[iuv]; !ok || iud < p {
			in.dovutoIUV[iuv] = iud
		}
		return nil
	})
	q(`SELECT iuf, iuv, iur, importo FROM ric_fdr_pagamenti`, func(sc func(...any) error) error {
		var r store.RicPagamento
		var iuf string
		err := sc(&iuf, &r.IUV, &r.IUR, &r.Importo)
		in.righe, in.flussoRiga = append(in.righe, r), append(in.flussoRiga, iuf)
		return err
	})
	q(`SELECT iuf, data_regolamento, importo_totale FROM ric_fdr`, func(sc func(...any) error) error {
		var f store.RicFlusso
		err := sc(&f.IUF, &f.DataRegolamento, &f.ImportoTotale)
		in.flussi[f.IUF] = f
		return err
	})
	q(`SELECT iuf, iuv, importo, data_valuta FROM ric_tesoreria`, func(sc func(...any) error) error {
		var m store.RicMovimento
		err := sc(&m.IUF, &m.IUV, &m.Importo, &m.DataValuta)
		in.movimenti = append(in.movimenti, m)
		return err
	})
	q(`SELECT ap.iuv, ap.iur, a.codice FROM ric_accertamenti_pagamenti ap JOIN ric_accertamenti a ON a.id = ap.accertamento_id
		ORDER BY ap.accertamento_id DESC`, func(sc func(...any) error) error {
		var iuv, iur, c string
		err := sc(&iuv, &iur, &c)
		in.associati[[2]string{iuv, iur}] = c // the lowest id is read last
		return err
	})
	return in
}

// statistiche is the naive computation: every receipt, line and credit
// put in its group, one at a time.
func (in *statIngenuo) statistiche(per Raggruppamento, dal, al string) map[string]Riga {
	dentro := func(d string) bool {
		if dal == "" && al == "" {
			return true
		}
		return d != "" && (dal == "" || d >= dal) && (al == "" || d <= al)
	}
	chiave := func(iuv, iur, data string) string {
		switch per {
		case PerAnno, PerMese, PerGiorno:
			n := map[Raggruppamento]int{PerAnno: 4, PerMese: 7, PerGiorno: 10}[per]
			if data == "" {
				return SenzaData
			}
			return data[:n]
		}
		if per == PerAccertamento {
			if c, ok := in.associati[[2]string{iuv, iur}]; ok {
				return c
			}
		}
		iud := in.dovutoIUV[iuv]
		if r, ok := in.ricevute[[2]string{iuv, iur}]; ok && r.iud != "" {
			iud = r.iud
		}
		d, ok := in.dovuti[iud]
		if !ok {
			return NonAttribuito
		}
		col := map[Raggruppamento]string{PerUfficio: "ufficio", PerTipo: "tipo", PerCapitolo: "capitolo", PerAccertamento: "accertamento"}[per]
		if d[col] == "" {
			return NonIndicato
		}
		return d[col]
	}
	out := map[string]Riga{}
	add := func(k string, f func(r *Riga)) {
		r := out[k]
		r.Chiave = k
		f(&r)
		out[k] = r
	}
	for k, r := range in.ricevute {
		if dentro(r.data) {
			add(chiave(k[0], k[1], r.data), func(x *Riga) { x.NumeroPagati++; x.ImportoPagato += r.importo })
		}
	}
	credito := map[string]int64{}
	valuta := map[string]string{}
	for _, m := range in.movimenti {
		if m.IUF != "" {
			credito[m.IUF] += m.Importo
			valuta[m.IUF] = max(valuta[m.IUF], m.DataValuta)
		} else if iur, ok := in.primoIUR[m.IUV]; ok && m.IUV != "" && dentro(m.DataValuta) {
			add(chiave(m.IUV, iur, m.DataValuta), func(x *Riga) { x.ImportoIncassato += m.Importo })
		}
	}
	for i, r := range in.righe {
		f := in.flussi[in.flussoRiga[i]]
		if dentro(f.DataRegolamento) {
			add(chiave(r.IUV, r.IUR, f.DataRegolamento), func(x *Riga) { x.ImportoRendicontato += r.Importo })
		}
		if v, ok := valuta[f.IUF]; ok && credito[f.IUF] == f.ImportoTotale && dentro(v) {
			add(chiave(r.IUV, r.IUR, v), func(x *Riga) { x.ImportoIncassato += r.Importo })
		}
	}
	return out
}
