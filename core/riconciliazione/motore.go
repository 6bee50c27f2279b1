// Package riconciliazione matches the ente's debt records, the receipts,
// the reporting flows and the treasury credits stored by the importers
// (MyPivot model) and records the labels of classi.go in ric_classi.
//
// The matching is set-based: a few INSERT ... SELECT over the indexed
// keys inside one write transaction, with temporary tables for the
// intermediate results; a full run and an incremental one (restricted to
// the keys an import touched, widened to everything depending on them) run
// the same statements.
package riconciliazione

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sportello/sportello/store"
)

// Toccate are the keys an import changed, as the store's insert methods
// collect them.
type Toccate = store.Toccate

// Riepilogo is the outcome of a full run.
type Riepilogo struct {
	Classi    map[string]int // rows per label
	Pagamenti int            // payments classified (IUV + IUR)
	Flussi    int
	Movimenti int
	Durata    time.Duration
}

// sogliaIncrementale is how many touched keys make an incremental run a
// full one: past it, the widening and the deletes by key cost more than
// rebuilding everything.
const sogliaIncrementale = 200_000

// Esegui classifies everything again.
func Esegui(ctx context.Context, db *store.DB, operatore string) (Riepilogo, error) {
	start := time.Now()
	var r Riepilogo
	err := db.WriteMassivo(ctx, operatore, func(tx *store.Tx) error {
		var err error
		r, err = classifica(ctx, tx, nil)
		return err
	})
	if err != nil {
		return r, err
	}
	r.Classi, err = Stato(ctx, db)
	r.Durata = time.Since(start)
	return r, err
}

// Incrementale classifies again only what depends on the touched keys;
// the result is the one Esegui would give.
func Incrementale(ctx context.Context, db *store.DB, operatore string, chiavi Toccate) error {
	if chiavi.Len() == 0 {
		return nil
	}
	return db.WriteMassivo(ctx, operatore, func(tx *store.Tx) error { return IncrementaleTx(ctx, tx, chiavi) })
}

// IncrementaleTx is Incrementale inside the importer's own transaction,
// so that the rows and their classification commit together.
func IncrementaleTx(ctx context.Context, tx *store.Tx, chiavi Toccate) error {
	if chiavi.Len() == 0 {
		return nil
	}
	c := &chiavi
	if chiavi.Len() > sogliaIncrementale {
		c = nil
	}
	_, err := classifica(ctx, tx, c)
	return err
}

// Stato counts the classification's rows per label.
func Stato(ctx context.Context, db *store.DB) (map[string]int, error) {
	return db.ConteggiRicClassi(ctx)
}

// modo writes the restriction of a statement to the touched keys: nothing
// in a full run.
type modo struct{ tutto bool }

func (m modo) in(col, set string) string {
	if m.tutto {
		return ""
	}
	return " AND " + col + " IN (SELECT k FROM " + set + ")"
}

const eseguito = "IN (" + store.RicEsitiEseguiti + ")"

// euro formats an integer SQL expression of cents as the clerk reads it,
// "1.234,56 euro" (tracciato.EuroIT): printf's ',' flag groups the
// thousands with commas, made dots.
func euro(x string) string {
	return fmt.Sprintf(`(CASE WHEN %[1]s < 0 THEN '-' ELSE '' END || replace(printf('%%,d', abs(%[1]s) / 100), ',', '.') || `+
		`printf(',%%02d euro', abs(%[1]s) %% 100))`, x)
}

// sorgenti are where the payment labels come from, in key order: rc_pag
// holds one row per payment with rt (an OK receipt for IUV + IUR),
// rt_importo, iud (its debt record found), fdr (above 0: reported by an
// executed line not revoked; above 1: twice) and tes (reported in a flow
// fully credited); rc_doppi the IUVs paid more than once. The costly
// tests (a movement naming the IUV, a debt record of the IUV) come last,
// for the few rows that reach them.
var sorgenti = map[string]string{
	"IUD_RT_IUF_TES": `SELECT iuv, iur, '' FROM rc_pag WHERE rt AND iud AND fdr > 0 AND tes`,
	"RT_IUF_TES":     `SELECT iuv, iur, '' FROM rc_pag WHERE rt AND fdr > 0 AND tes`,
	"IUD_RT_IUF":     `SELECT iuv, iur, '' FROM rc_pag WHERE rt AND iud AND fdr > 0`,
	"RT_IUF":         `SELECT iuv, iur, '' FROM rc_pag WHERE rt AND fdr > 0`,
	"RT_TES":         `SELECT iuv, iur, '' FROM rc_pag p WHERE rt AND iuv IN (SELECT iuv FROM ric_tesoreria WHERE iuv != '') AND ` + accreditataRT,
	"RT_NO_IUF":      `SELECT iuv, iur, '' FROM rc_pag p WHERE rt AND fdr = 0 AND NOT ` + accreditataRT,
	"RT_NO_IUD":      `SELECT iuv, iur, '' FROM rc_pag WHERE rt AND NOT iud`,
	"IUD_NO_RT": `SELECT iuv, iur, '' FROM rc_pag p WHERE NOT rt AND NOT EXISTS (SELECT 1 FROM rc_pag q WHERE q.iuv = p.iuv AND q.rt)
		AND EXISTS (SELECT 1 FROM ric_dovuti d WHERE d.iuv = p.iuv)`,
	"IUV_NO_RT": `SELECT iuv, iur, '' FROM rc_pag WHERE fdr > 0 AND NOT rt`,
	"DOPPI": `SELECT p.iuv, p.iur, 'ricevute con IUR diversi: ' || d.n_rt || ', rendicontazioni non revocate: ' || d.max_fdr
		FROM rc_doppi d CROSS JOIN rc_pag p ON p.iuv = d.iuv`,
}

// accreditataRT: a single-payment movement names the payment's IUV, with
// its amount if the causale carries one.
const accreditataRT = `EXISTS (SELECT 1 FROM ric_tesoreria t WHERE t.iuv = p.iuv AND (t.iuv_importo IS NULL OR t.iuv_importo = p.rt_importo))`

// ordinate are the labels in code order, that of ric_classi's key.
func ordinate() []Classe {
	out := slices.Clone(Classi)
	slices.SortFunc(out, func(a, b Classe) int { return strings.Compare(a.Codice, b.Codice) })
	return out
}

// The INSERTs below are OR IGNORE although their rows are unique by
// construction: a statement that may ABORT half-way needs a statement
// journal, which copied every page the statement wrote (a fifth of a run).

// temporanee are dropped before and after a run: they live on the writer
// connection, which outlives the transaction.
var temporanee = []string{"rc_iuv", "rc_iuf", "rc_tes", "rc_iud", "rc_flusso", "rc_pag", "rc_doppi", "rc_mov"}

func classifica(ctx context.Context, tx *store.Tx, t *Toccate) (Riepilogo, error) {
	var r Riepilogo
	m := modo{tutto: t == nil}
	execN := func(q string, args ...any) (int64, error) {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("riconciliazione: %w\n%s", err, q)
		}
		return res.RowsAffected()
	}
	exec := func(q string, args ...any) error {
		_, err := execN(q, args...)
		return err
	}
	drop := func() error {
		for _, n := range temporanee {
			if err := exec(`DROP TABLE IF EXISTS temp.` + n); err != nil {
				return err
			}
		}
		return nil
	}
	if err := drop(); err != nil {
		return r, err
	}
	for _, n := range temporanee[:4] {
		if err := exec(`CREATE TEMP TABLE ` + n + ` (k TEXT PRIMARY KEY) WITHOUT ROWID`); err != nil {
			return r, err
		}
	}
	if t != nil {
		if err := allarga(ctx, tx, t, exec); err != nil {
			return r, err
		}
	}

	steps := []string{
		// Flows, with what the treasury credited them: the touched ones
		// and those reporting a touched IUV.
		`CREATE TEMP TABLE rc_flusso (iuf TEXT PRIMARY KEY, importo_totale INTEGER, n_tes INTEGER, tot_tes INTEGER,
			accreditato INTEGER, classe TEXT) WITHOUT ROWID`,
		`INSERT OR IGNORE INTO rc_flusso SELECT iuf, importo_totale, n, tot, n > 0 AND tot = importo_totale,
			CASE WHEN n = 0 THEN 'IUF_NO_TES' WHEN tot != importo_totale THEN 'IUF_TES_DIV_IMP' ELSE 'IUF_TES' END FROM (
			SELECT f.iuf, f.importo_totale, (SELECT COUNT(*) FROM ric_tesoreria t WHERE t.iuf = f.iuf) AS n,
				(SELECT COALESCE(SUM(t.importo), 0) FROM ric_tesoreria t WHERE t.iuf = f.iuf) AS tot
			FROM ric_fdr f WHERE true` + filtroFlussi(m) + `)`,

		// Payments: one row per IUV + IUR with an OK receipt or reported,
		// plus IUV + '' for a debt record with neither.
		`CREATE TEMP TABLE rc_pag (iuv TEXT NOT NULL, iur TEXT NOT NULL, rt INTEGER NOT NULL DEFAULT 0,
			rt_importo INTEGER NOT NULL DEFAULT 0, iud INTEGER NOT NULL DEFAULT 0, fdr INTEGER NOT NULL DEFAULT 0,
			tes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (iuv, iur)) WITHOUT ROWID`,
		// The debt record is found on the receipt's IUD, or on its IUV
		// when it has none; every transfer must find one. The IUD is
		// looked for first under the receipt's IUV, where it nearly always
		// is: the receipts come in IUV order, so the index is walked in
		// order too instead of being sought at random.
		`INSERT OR IGNORE INTO rc_pag (iuv, iur, rt, rt_importo, iud)
		SELECT r.iuv, r.iur, 1, SUM(r.importo), MIN(CASE
			WHEN r.iud = '' THEN EXISTS (SELECT 1 FROM ric_dovuti d WHERE d.iuv = r.iuv)
			WHEN EXISTS (SELECT 1 FROM ric_dovuti d INDEXED BY ric_dovuti_iuv WHERE d.iuv = r.iuv AND d.iud = r.iud) THEN 1
			ELSE EXISTS (SELECT 1 FROM ric_dovuti d WHERE d.iud = r.iud) END)
		FROM ric_rt r WHERE r.esito = 'OK'` + m.in("r.iuv", "rc_iuv") + ` GROUP BY r.iuv, r.iur`,
		// Per transfer (indice), the executed lines less the revocations:
		// above 0 it is reported, above 1 reported twice; a payment takes
		// the most of its transfers.
		`INSERT INTO rc_pag (iuv, iur, fdr, tes)
		SELECT p.iuv, p.iur, SUM(CASE WHEN p.esito ` + eseguito + ` THEN 1 WHEN p.esito = 3 THEN -1 ELSE 0 END) AS netto,
			MAX(p.esito ` + eseguito + ` AND p.iuf IN (SELECT iuf FROM rc_flusso WHERE accreditato))
		FROM ric_fdr_pagamenti p WHERE true` + m.in("p.iuv", "rc_iuv") + `
		GROUP BY p.iuv, p.iur, p.indice HAVING netto > 0
		ON CONFLICT (iuv, iur) DO UPDATE SET fdr = max(fdr, excluded.fdr), tes = max(tes, excluded.tes)`,
		`INSERT OR IGNORE INTO rc_pag (iuv, iur)
		SELECT DISTINCT d.iuv, '' FROM ric_dovuti d WHERE d.iuv != ''` + m.in("d.iuv", "rc_iuv") + `
			AND NOT EXISTS (SELECT 1 FROM rc_pag p WHERE p.iuv = d.iuv)`,
		`CREATE TEMP TABLE rc_doppi (iuv TEXT PRIMARY KEY, n_rt INTEGER, max_fdr INTEGER) WITHOUT ROWID`,
		`INSERT OR IGNORE INTO rc_doppi SELECT iuv, SUM(rt), MAX(fdr) FROM rc_pag GROUP BY iuv HAVING SUM(rt) > 1 OR MAX(fdr) > 1`,
		// Movements: what the causale names must exist.
		`CREATE TEMP TABLE rc_mov AS
		SELECT chiave, CASE WHEN iuf = '' AND iuv = '' THEN 'TES_NO_MATCH'
			WHEN no_iuf OR no_iuv THEN 'TES_NO_IUF_OR_IUV' ELSE 'TES_IUF_OR_IUV' END AS classe,
			CASE WHEN no_iuf THEN 'flusso ' || iuf || ' non importato' ELSE '' END ||
			CASE WHEN no_iuf AND no_iuv THEN '; ' ELSE '' END ||
			CASE WHEN no_iuv THEN 'nessuna ricevuta positiva per lo IUV ' || iuv ELSE '' END AS dettaglio
		FROM (SELECT t.chiave, t.iuf, t.iuv,
			t.iuf != '' AND NOT EXISTS (SELECT 1 FROM ric_fdr f WHERE f.iuf = t.iuf) AS no_iuf,
			t.iuv != '' AND NOT EXISTS (SELECT 1 FROM ric_rt r WHERE r.iuv = t.iuv AND r.esito = 'OK') AS no_iuv
			FROM ric_tesoreria t WHERE true` + m.in("t.chiave", "rc_tes") + `)`,
	}
	for _, q := range steps {
		if err := exec(q); err != nil {
			return r, err
		}
	}

	// Old labels out, new ones in, label by label in key order: a full run
	// only appends to ric_classi. The counts follow.
	delta := map[string]int64{}
	if m.tutto {
		if err := exec(`DELETE FROM ric_classi`); err != nil {
			return r, err
		}
	}
	for _, c := range ordinate() {
		var set, sel string
		switch c.Tipo {
		case pagamento: // rc_pag holds the touched IUVs only
			set, sel = "rc_iuv", sorgenti[c.Codice]
		case flusso:
			set, sel = "rc_iuf", `SELECT iuf, '', CASE WHEN classe = 'IUF_TES_DIV_IMP' THEN 'totale del flusso ' || `+
				euro("importo_totale")+` || ', accreditato ' || `+euro("tot_tes")+` || ' in ' || n_tes ||
				CASE n_tes WHEN 1 THEN ' movimento' ELSE ' movimenti' END ELSE '' END
				FROM rc_flusso WHERE classe = '`+c.Codice+`'`+m.in("iuf", "rc_iuf")
		case tesoreria:
			set, sel = "rc_tes", `SELECT chiave, '', dettaglio FROM rc_mov WHERE classe = '`+c.Codice+`'`
		}
		if !m.tutto {
			n, err := execN(`DELETE FROM ric_classi WHERE classe = ? AND chiave_tipo = ? AND chiave IN (SELECT k FROM `+set+`)`, c.Codice, c.Tipo)
			if err != nil {
				return r, err
			}
			delta[c.Codice] -= n
		}
		n, err := execN(`INSERT OR IGNORE INTO ric_classi (classe, chiave_tipo, chiave, iur, dettaglio)
			SELECT ?, ?, * FROM (`+sel+`)`, c.Codice, c.Tipo)
		if err != nil {
			return r, err
		}
		delta[c.Codice] += n
	}
	if m.tutto {
		if err := exec(`DELETE FROM ric_classi_conteggi`); err != nil {
			return r, err
		}
	}
	for c, n := range delta {
		if err := exec(`INSERT INTO ric_classi_conteggi (classe, n) VALUES (?, ?)
			ON CONFLICT (classe) DO UPDATE SET n = n + excluded.n`, c, n); err != nil {
			return r, err
		}
	}
	if m.tutto {
		err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM rc_pag), (SELECT COUNT(*) FROM rc_flusso),
			(SELECT COUNT(*) FROM ric_tesoreria)`).Scan(&r.Pagamenti, &r.Flussi, &r.Movimenti)
		if err != nil {
			return r, err
		}
	}
	return r, drop()
}

// filtroFlussi restricts the flows to the touched ones and to those with a
// line of a touched IUV, whose credit the IUV's labels need.
func filtroFlussi(m modo) string {
	if m.tutto {
		return ""
	}
	return ` AND (f.iuf IN (SELECT k FROM rc_iuf) OR f.iuf IN (SELECT p.iuf FROM ric_fdr_pagamenti p WHERE p.iuv IN (SELECT k FROM rc_iuv)))`
}

// allarga loads the touched keys and widens them to everything whose
// labels depend on them: a payment depends on its receipts, lines, debt
// records (by IUV, or by IUD through the receipt), the credit of the flows
// reporting it and the single-payment movements naming its IUV; a flow on
// the movements naming it; a movement on the flow and receipts it names.
func allarga(ctx context.Context, tx *store.Tx, t *Toccate, exec func(string, ...any) error) error {
	for _, s := range []struct {
		set  string
		keys map[string]struct{}
	}{{"rc_iuv", t.IUV}, {"rc_iuf", t.IUF}, {"rc_tes", t.Tesoreria}, {"rc_iud", t.IUD}} {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO `+s.set+` (k) VALUES (?)`)
		if err != nil {
			return err
		}
		for k := range s.keys {
			if _, err := stmt.ExecContext(ctx, k); err != nil {
				stmt.Close()
				return err
			}
		}
		stmt.Close()
	}
	for _, q := range []string{
		`INSERT OR IGNORE INTO rc_iuv SELECT iuv FROM ric_rt WHERE iud != '' AND iud IN (SELECT k FROM rc_iud)`,
		`INSERT OR IGNORE INTO rc_iuv SELECT iuv FROM ric_dovuti WHERE iuv != '' AND iud IN (SELECT k FROM rc_iud)`,
		`INSERT OR IGNORE INTO rc_iuf SELECT iuf FROM ric_tesoreria WHERE iuf != '' AND chiave IN (SELECT k FROM rc_tes)`,
		`INSERT OR IGNORE INTO rc_iuv SELECT iuv FROM ric_tesoreria WHERE iuv != '' AND chiave IN (SELECT k FROM rc_tes)`,
		`INSERT OR IGNORE INTO rc_iuv SELECT iuv FROM ric_fdr_pagamenti WHERE iuf IN (SELECT k FROM rc_iuf)`,
		`INSERT OR IGNORE INTO rc_tes SELECT chiave FROM ric_tesoreria WHERE iuf IN (SELECT k FROM rc_iuf)`,
		`INSERT OR IGNORE INTO rc_tes SELECT chiave FROM ric_tesoreria WHERE iuv IN (SELECT k FROM rc_iuv)`,
	} {
		if err := exec(q); err != nil {
			return err
		}
	}
	return nil
}
