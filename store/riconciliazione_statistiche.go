package store

import (
	"context"
	"fmt"
)

// The statistics of the reconciliation (core/riconciliazione,
// statistiche.go, says what each measure and grouping means). Every
// measure is a set-based pass over its own table, filtered on its own
// date: receipts on data_esito, reporting lines on their flow's
// data_regolamento, treasury credits on data_valuta.

// RicDimensione is what RicStatistiche groups by: a date (the measure's
// own, cut to year, month or day) or a field of the payment's debt record.
type RicDimensione int

const (
	RicPerAnno RicDimensione = iota
	RicPerMese
	RicPerGiorno
	RicPerUfficio
	RicPerTipo
	RicPerCapitolo
	RicPerAccertamento
)

// RicStatistica is one group: Chiave is the date ("2026", "2026-11",
// "2026-11-20", "" when the record has none) or the field's value;
// Attribuito is false for the payments with no debt record (Chiave "").
type RicStatistica struct {
	Chiave       string
	Descrizione  string // the office, chapter, assessment or tipo dovuto's name, when registered
	Attribuito   bool
	NPagati      int
	Pagato       int64
	Rendicontato int64
	Incassato    int64
}

// ricLunghezzaData is how much of a YYYY-MM-DD date a time grouping keeps.
var ricLunghezzaData = map[RicDimensione]int{RicPerAnno: 4, RicPerMese: 7, RicPerGiorno: 10}

// ricCampoDovuto is the debt record's column of a grouping, and the
// tipo dovuto's column that stands in for an empty one (Sportello's own
// notices carry no bilancio: their tipo dovuto in the catalogue does).
var ricCampoDovuto = map[RicDimensione]string{RicPerUfficio: "ufficio", RicPerTipo: "tipo_dovuto",
	RicPerCapitolo: "capitolo", RicPerAccertamento: "accertamento"}

// ricFlussi are the flows with their settlement date (dr) and, when the
// treasury credited them in full (the reconciliation's own test: the
// credits naming the IUF add up to the flow's total), the latest value
// date of those credits (dv, NULL otherwise).
const ricFlussi = `flussi AS MATERIALIZED (
	SELECT f.iuf, f.data_regolamento AS dr, a.dv FROM ric_fdr f LEFT JOIN (
		SELECT iuf, MAX(data_valuta) AS dv, SUM(importo) AS tot FROM ric_tesoreria WHERE iuf != '' GROUP BY iuf) a
		ON a.iuf = f.iuf AND a.tot = f.importo_totale)`

// ricSingoli are the single-payment credits (/RFS/ or /RFB/ naming an
// IUV, no IUF) of an IUV with an OK receipt.
const ricSingoli = `FROM ric_tesoreria t WHERE t.iuf = '' AND t.iuv != ''
	AND EXISTS (SELECT 1 FROM ric_rt r WHERE r.iuv = t.iuv AND r.esito = 'OK')`

// RicStatistiche computes the measures per group, the payments' dates
// within [dal, al] (YYYY-MM-DD, "" for no bound), groups in key order.
func (db *DB) RicStatistiche(ctx context.Context, per RicDimensione, dal, al string) ([]RicStatistica, error) {
	lo, hi := "", "\uffff"
	if dal != "" || al != "" {
		lo, hi = "0000-00-00", "9999-99-99"
	}
	if dal != "" {
		lo = dal
	}
	if al != "" {
		hi = al
	}
	if n, ok := ricLunghezzaData[per]; ok {
		return db.ricStatistichePerData(ctx, n, lo, hi)
	}
	campo, ok := ricCampoDovuto[per]
	if !ok {
		return nil, fmt.Errorf("raggruppamento %d sconosciuto", per)
	}
	return db.ricStatistichePerDovuto(ctx, per, campo, lo, hi)
}

func scanRicStatistiche(ctx context.Context, db *DB, q string, args ...any) ([]RicStatistica, error) {
	return scanAll(func(row interface{ Scan(...any) error }) (RicStatistica, error) {
		var s RicStatistica
		err := row.Scan(&s.Chiave, &s.Descrizione, &s.Attribuito, &s.NPagati, &s.Pagato, &s.Rendicontato, &s.Incassato)
		return s, err
	})(db.r.QueryContext(ctx, q, args...))
}

// ricStatistichePerData groups each measure by its own date, cut to n
// characters. The lines are summed per flow first (in key order), so only
// the receipts and the flows are sorted by date.
func (db *DB) ricStatistichePerData(ctx context.Context, n int, lo, hi string) ([]RicStatistica, error) {
	q := `WITH ` + ricFlussi + `,
	perflusso AS (SELECT fl.dr, fl.dv, SUM(p.importo) AS imp FROM flussi fl CROSS JOIN ric_fdr_pagamenti p ON p.iuf = fl.iuf
		WHERE fl.dr BETWEEN ?2 AND ?3 OR fl.dv BETWEEN ?2 AND ?3 GROUP BY fl.iuf),
	parti (k, n, pagato, rend, inc) AS (
		SELECT substr(d, 1, ?1), COUNT(*), SUM(imp), 0, 0 FROM (
			SELECT MIN(data_esito) AS d, SUM(importo) AS imp FROM ric_rt WHERE esito = 'OK' GROUP BY iuv, iur)
		WHERE d BETWEEN ?2 AND ?3 GROUP BY 1
		UNION ALL
		SELECT substr(dr, 1, ?1), 0, 0, SUM(imp), 0 FROM perflusso WHERE dr BETWEEN ?2 AND ?3 GROUP BY 1
		UNION ALL
		SELECT substr(dv, 1, ?1), 0, 0, 0, SUM(imp) FROM perflusso WHERE dv BETWEEN ?2 AND ?3 GROUP BY 1
		UNION ALL
		SELECT substr(t.data_valuta, 1, ?1), 0, 0, 0, SUM(t.importo) ` + ricSingoli + `
			AND t.data_valuta BETWEEN ?2 AND ?3 GROUP BY 1)
	SELECT k, '', 1, SUM(n), SUM(pagato), SUM(rend), SUM(inc) FROM parti GROUP BY k ORDER BY k`
	return scanRicStatistiche(ctx, db, q, n, lo, hi)
}

// ricStatistichePerDovuto groups by a field of the payment's debt record.
// No big table is sought at random (on a million payments the random
// seeks of the debt records alone cost several times sorting the rows):
// the receipts are read in key order with their IUD; the reporting lines
// are summed per payment (IUV + IUR), which sorts them, and then find
// their receipt's IUD in key order; the debt record by IUV, for those with
// none, is found in the same order; the rows are then summed per IUD,
// which sorts them, and meet the debt records in IUD order.
func (db *DB) ricStatistichePerDovuto(ctx context.Context, per RicDimensione, campo, lo, hi string) ([]RicStatistica, error) {
	return scanRicStatistiche(ctx, db, ricQueryPerDovuto(per, campo), lo, hi)
}

func ricQueryPerDovuto(per RicDimensione, campo string) string {
	// The key: the debt record's field, else its tipo dovuto's in the
	// catalogue (the code itself for the tipo).
	chiave := `COALESCE(NULLIF(g.campo, ''), td.` + campo + `, '')`
	if per == RicPerTipo {
		chiave = `g.campo`
	}
	descr := map[RicDimensione]string{
		RicPerUfficio:      `(SELECT u.denominazione FROM ric_uffici u WHERE u.codice = x.k)`,
		RicPerTipo:         `(SELECT t.descrizione FROM tipi_dovuto t WHERE t.codice = x.k)`,
		RicPerCapitolo:     `(SELECT MIN(c.descrizione) FROM ric_capitoli c WHERE c.codice = x.k AND c.descrizione != '')`,
		RicPerAccertamento: `(SELECT MIN(a.descrizione) FROM ric_accertamenti a WHERE a.codice = x.k AND a.descrizione != '')`,
	}[per]
	// An assessment a payment was associated to by hand wins over its
	// debt record's (the first one, if associated to several).
	associato := `NULL`
	if per == RicPerAccertamento {
		associato = `(SELECT a.codice FROM ric_accertamenti_pagamenti ap JOIN ric_accertamenti a ON a.id = ap.accertamento_id
			WHERE ap.iuv = y.iuv AND ap.iur = y.iur ORDER BY ap.accertamento_id LIMIT 1)`
	}
	q := `WITH ` + ricFlussi + `,
	-- the reporting lines in range, summed per payment (IUV + IUR)
	righe AS (SELECT p.iuv, p.iur, SUM(CASE WHEN fl.dr BETWEEN ?1 AND ?2 THEN p.importo ELSE 0 END) AS rend,
			SUM(CASE WHEN fl.dv BETWEEN ?1 AND ?2 THEN p.importo ELSE 0 END) AS inc
		FROM flussi fl CROSS JOIN ric_fdr_pagamenti p ON p.iuf = fl.iuf
		WHERE fl.dr BETWEEN ?1 AND ?2 OR fl.dv BETWEEN ?1 AND ?2 GROUP BY p.iuv, p.iur),
	-- one row per payment and side, with the IUD its OK receipt carries
	y (iuv, iur, iud, n, pagato, rend, inc) AS (
		SELECT iuv, iur, iud, 1, imp, 0, 0 FROM (
			SELECT iuv, iur, MIN(data_esito) AS d, SUM(importo) AS imp, MIN(NULLIF(iud, '')) AS iud
			FROM ric_rt WHERE esito = 'OK' GROUP BY iuv, iur)
		WHERE d BETWEEN ?1 AND ?2
		UNION ALL
		SELECT l.iuv, l.iur, (SELECT MIN(NULLIF(r.iud, '')) FROM ric_rt r WHERE r.iuv = l.iuv AND r.iur = l.iur AND r.esito = 'OK'),
			0, 0, l.rend, l.inc FROM righe l
		UNION ALL
		SELECT c.iuv, c.iur, (SELECT MIN(NULLIF(r.iud, '')) FROM ric_rt r WHERE r.iuv = c.iuv AND r.iur = c.iur AND r.esito = 'OK'),
			0, 0, 0, c.importo FROM (
			SELECT t.iuv, (SELECT MIN(r.iur) FROM ric_rt r WHERE r.iuv = t.iuv AND r.esito = 'OK') AS iur, t.importo ` + ricSingoli + `
				AND t.data_valuta BETWEEN ?1 AND ?2) c),
	-- the debt record: that IUD, else the one with the IUV
	di AS (SELECT iud, acc, SUM(n) AS n, SUM(pagato) AS pagato, SUM(rend) AS rend, SUM(inc) AS inc FROM (
			SELECT COALESCE(y.iud, (SELECT MIN(d.iud) FROM ric_dovuti d WHERE d.iuv = y.iuv), '') AS iud, ` + associato + ` AS acc,
				y.n, y.pagato, y.rend, y.inc FROM y)
		GROUP BY iud, acc),
	g AS (SELECT COALESCE(di.acc, d.` + campo + `) AS campo, d.tipo_dovuto, di.acc IS NOT NULL OR d.iud IS NOT NULL AS attribuito,
			SUM(di.n) AS n, SUM(di.pagato) AS pagato, SUM(di.rend) AS rend, SUM(di.inc) AS inc
		FROM di LEFT JOIN ric_dovuti d ON d.iud = di.iud GROUP BY 1, 2, 3),
	x AS (SELECT CASE WHEN g.attribuito THEN ` + chiave + ` ELSE '' END AS k, g.attribuito,
			SUM(g.n) AS n, SUM(g.pagato) AS pagato, SUM(g.rend) AS rend, SUM(g.inc) AS inc
		FROM g LEFT JOIN tipi_dovuto td ON td.codice = g.tipo_dovuto GROUP BY 1, 2)
	SELECT x.k, COALESCE(CASE WHEN x.attribuito THEN ` + descr + ` END, ''), x.attribuito, x.n, x.pagato, x.rend, x.inc
	FROM x ORDER BY x.attribuito DESC, x.k`
	return q
}
