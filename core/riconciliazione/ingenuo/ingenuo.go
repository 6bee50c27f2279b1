// Package ingenuo is the reconciliation done the obvious way: every table
// read into memory and matched with nested loops. Quadratic, it is the
// naive baseline of the benchmarks (go test -bench and sportello-cli bench
// riconciliazione) and, being written independently of the engine's SQL,
// the oracle the engine is checked against on generated populations.
package ingenuo

import (
	"context"
	"database/sql"
	"slices"

	"github.com/sportello/sportello/store"
)

// Dati are the tables the matcher reads.
type Dati struct {
	rt     []store.RicRicevuta
	righe  []rigaIngenua
	flussi []store.RicFlusso
	mov    []store.RicMovimento
	dov    []store.RicDovuto
}

type rigaIngenua struct {
	iuf string
	store.RicPagamento
}

// Carica reads every table of the reconciliation into memory.
func Carica(ctx context.Context, db *store.DB) (Dati, error) {
	var x Dati
	r := db.Reader()
	leggi := func(q string, scan func(*sql.Rows) error) error {
		rows, err := r.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := leggi(`SELECT iuv, iur, indice, iud, importo, esito FROM ric_rt`, func(rows *sql.Rows) error {
		var v store.RicRicevuta
		err := rows.Scan(&v.IUV, &v.IUR, &v.Indice, &v.IUD, &v.Importo, &v.Esito)
		x.rt = append(x.rt, v)
		return err
	})
	if err == nil {
		err = leggi(`SELECT iuf, iuv, iur, indice, importo, esito FROM ric_fdr_pagamenti`, func(rows *sql.Rows) error {
			var v rigaIngenua
			err := rows.Scan(&v.iuf, &v.IUV, &v.IUR, &v.Indice, &v.Importo, &v.Esito)
			x.righe = append(x.righe, v)
			return err
		})
	}
	if err == nil {
		err = leggi(`SELECT iuf, importo_totale FROM ric_fdr`, func(rows *sql.Rows) error {
			var v store.RicFlusso
			err := rows.Scan(&v.IUF, &v.ImportoTotale)
			x.flussi = append(x.flussi, v)
			return err
		})
	}
	if err == nil {
		err = leggi(`SELECT chiave, importo, iuf, iuv, iuv_importo FROM ric_tesoreria`, func(rows *sql.Rows) error {
			var v store.RicMovimento
			var imp sql.NullInt64
			err := rows.Scan(&v.Chiave, &v.Importo, &v.IUF, &v.IUV, &imp)
			v.ImportoIUV, v.ConImportoIUV = imp.Int64, imp.Valid
			x.mov = append(x.mov, v)
			return err
		})
	}
	if err == nil {
		err = leggi(`SELECT iud, iuv FROM ric_dovuti`, func(rows *sql.Rows) error {
			var v store.RicDovuto
			err := rows.Scan(&v.IUD, &v.IUV)
			x.dov = append(x.dov, v)
			return err
		})
	}
	return x, err
}

func eseguitoIngenuo(esito int) bool { return esito == 0 || esito == 4 || esito == 8 || esito == 9 }

// Classi gives every label, one "classe tipo chiave/iur" per row, sorted:
// the form in which the tests compare it with the engine's ric_classi.
func (x Dati) Classi() []string {
	var out []string
	accreditato := map[string]bool{}
	for _, f := range x.flussi {
		n, tot := 0, int64(0)
		for _, m := range x.mov {
			if m.IUF == f.IUF {
				n++
				tot += m.Importo
			}
		}
		c := "IUF_TES"
		switch {
		case n == 0:
			c = "IUF_NO_TES"
		case tot != f.ImportoTotale:
			c = "IUF_TES_DIV_IMP"
		default:
			accreditato[f.IUF] = true
		}
		out = append(out, Riga(c, "FLUSSO", f.IUF, ""))
	}

	// The payments: every IUV + IUR of an OK receipt or a line.
	type chiave struct{ iuv, iur string }
	var chiavi []chiave
	for _, r := range x.rt {
		if r.Esito == "OK" && !slices.Contains(chiavi, chiave{r.IUV, r.IUR}) {
			chiavi = append(chiavi, chiave{r.IUV, r.IUR})
		}
	}
	for _, p := range x.righe {
		if !slices.Contains(chiavi, chiave{p.IUV, p.IUR}) {
			chiavi = append(chiavi, chiave{p.IUV, p.IUR})
		}
	}
	type stato struct {
		rt, iud, tes, rtTes bool
		netto               int
	}
	st := map[chiave]stato{}
	for _, k := range chiavi {
		var s stato
		s.iud = true
		var importo int64
		for _, r := range x.rt {
			if r.IUV != k.iuv || r.IUR != k.iur || r.Esito != "OK" {
				continue
			}
			s.rt = true
			importo += r.Importo
			trovato := false
			for _, d := range x.dov {
				if r.IUD != "" && d.IUD == r.IUD || r.IUD == "" && d.IUV == r.IUV {
					trovato = true
				}
			}
			s.iud = s.iud && trovato
		}
		// Per transfer, executed lines less revocations; credited when a
		// transfer still reported has an executed line in a credited flow.
		for _, p := range x.righe {
			if p.IUV != k.iuv || p.IUR != k.iur {
				continue
			}
			n := 0
			for _, q := range x.righe {
				if q.IUV == p.IUV && q.IUR == p.IUR && q.Indice == p.Indice {
					if eseguitoIngenuo(q.Esito) {
						n++
					} else if q.Esito == 3 {
						n--
					}
				}
			}
			s.netto = max(s.netto, n)
			if n > 0 && eseguitoIngenuo(p.Esito) && accreditato[p.iuf] {
				s.tes = true
			}
		}
		for _, m := range x.mov {
			if s.rt && m.IUV == k.iuv && (!m.ConImportoIUV || m.ImportoIUV == importo) {
				s.rtTes = true
			}
		}
		if s.rt || s.netto > 0 {
			st[k] = s
		}
	}
	for _, d := range x.dov {
		if d.IUV == "" {
			continue
		}
		if !slices.ContainsFunc(chiavi, func(k chiave) bool { _, ok := st[k]; return ok && k.iuv == d.IUV }) {
			if _, ok := st[chiave{d.IUV, ""}]; !ok {
				chiavi = append(chiavi, chiave{d.IUV, ""})
				st[chiave{d.IUV, ""}] = stato{}
			}
		}
	}
	for _, k := range chiavi {
		s, ok := st[k]
		if !ok {
			continue
		}
		nRT, maxNetto := 0, 0
		for _, q := range chiavi {
			if t, ok := st[q]; ok && q.iuv == k.iuv {
				if t.rt {
					nRT++
				}
				maxNetto = max(maxNetto, t.netto)
			}
		}
		dovIUV := false
		for _, d := range x.dov {
			dovIUV = dovIUV || d.IUV == k.iuv
		}
		iuf := s.netto > 0
		for c, ok := range map[string]bool{
			"IUD_RT_IUF_TES": s.rt && s.iud && iuf && s.tes,
			"RT_IUF_TES":     s.rt && iuf && s.tes,
			"IUD_RT_IUF":     s.rt && s.iud && iuf,
			"RT_IUF":         s.rt && iuf,
			"RT_TES":         s.rtTes,
			"RT_NO_IUF":      s.rt && !iuf && !s.rtTes,
			"RT_NO_IUD":      s.rt && !s.iud,
			"IUD_NO_RT":      dovIUV && nRT == 0,
			"IUV_NO_RT":      iuf && !s.rt,
			"DOPPI":          nRT > 1 || maxNetto > 1,
		} {
			if ok {
				out = append(out, Riga(c, "PAGAMENTO", k.iuv, k.iur))
			}
		}
	}

	for _, m := range x.mov {
		noIUF := m.IUF != "" && !slices.ContainsFunc(x.flussi, func(f store.RicFlusso) bool { return f.IUF == m.IUF })
		noIUV := m.IUV != "" && !slices.ContainsFunc(x.rt, func(r store.RicRicevuta) bool { return r.IUV == m.IUV && r.Esito == "OK" })
		c := "TES_IUF_OR_IUV"
		switch {
		case m.IUF == "" && m.IUV == "":
			c = "TES_NO_MATCH"
		case noIUF || noIUV:
			c = "TES_NO_IUF_OR_IUV"
		}
		out = append(out, Riga(c, "TESORERIA", m.Chiave, ""))
	}
	slices.Sort(out)
	return out
}

// Riga is one label as Classi lists it.
func Riga(classe, tipo, chiave, iur string) string {
	return classe + " " + tipo + " " + chiave + "/" + iur
}
