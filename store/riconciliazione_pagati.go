package store

import "context"

// RicPagato is an OK receipt transfer as the paid-items export (MyPay
// export pagati) writes it: with its receipt's total, its debt record (IUD
// "" when none is stored) and the first executed line reporting it (IUF ""
// when not reported yet).
type RicPagato struct {
	RicRicevuta
	ImportoTotale int64
	Dovuto        RicDovuto
	IUF           string
	NumRiga       int
}

// RicChiaveRT is the key of a receipt transfer, for paging by key.
type RicChiaveRT struct {
	IUV, IUR string
	Indice   int
}

// RicPagatiPeriodo returns up to limit OK receipt transfers paid from dal
// to al (YYYY-MM-DD, inclusive), in key order after dopo (the zero value:
// from the first). The debt record is the receipt's IUD or, when it has
// none, the first of its IUV.
func (db *DB) RicPagatiPeriodo(ctx context.Context, dal, al string, dopo RicChiaveRT, limit int) ([]RicPagato, error) {
	const riga = `FROM ric_fdr_pagamenti p WHERE p.iuv = r.iuv AND p.iur = r.iur AND p.indice = r.indice
		AND p.esito IN (` + RicEsitiEseguiti + `) ORDER BY p.iuf, p.n LIMIT 1`
	q := `SELECT r.iuv, r.iur, r.indice, r.iud, r.cf_ente, r.importo, r.esito, r.data_esito, r.cf_pagatore, r.pagatore, r.psp,
			r.tipo_dovuto, r.causale,
			(SELECT SUM(x.importo) FROM ric_rt x WHERE x.iuv = r.iuv AND x.iur = r.iur AND x.esito = 'OK'),
			COALESCE(d.iud, ''), COALESCE(d.iuv, ''), COALESCE(d.importo, 0), COALESCE(d.tipo_dovuto, ''), COALESCE(d.cf, ''),
			COALESCE(d.anagrafica, ''), COALESCE(d.causale, ''), COALESCE(d.ufficio, ''), COALESCE(d.capitolo, ''),
			COALESCE(d.accertamento, ''), COALESCE(d.scadenza, ''), COALESCE(d.fonte, ''),
			COALESCE((SELECT p.iuf ` + riga + `), ''), COALESCE((SELECT p.n ` + riga + `), 0)
		FROM ric_rt r
		LEFT JOIN ric_dovuti d ON d.iud = (CASE WHEN r.iud != '' THEN r.iud
			ELSE (SELECT MIN(x.iud) FROM ric_dovuti x WHERE x.iuv = r.iuv) END)
		WHERE r.esito = 'OK' AND r.data_esito >= ? AND r.data_esito <= ? AND (r.iuv, r.iur, r.indice) > (?, ?, ?)
		ORDER BY r.iuv, r.iur, r.indice LIMIT ?`
	return scanAll(func(row interface{ Scan(...any) error }) (RicPagato, error) {
		var x RicPagato
		d := &x.Dovuto
		err := row.Scan(&x.IUV, &x.IUR, &x.Indice, &x.IUD, &x.CFEnte, &x.Importo, &x.Esito, &x.DataEsito, &x.CFPagatore,
			&x.Pagatore, &x.PSP, &x.TipoDovuto, &x.Causale, &x.ImportoTotale,
			&d.IUD, &d.IUV, &d.Importo, &d.TipoDovuto, &d.CF, &d.Anagrafica, &d.Causale, &d.Ufficio, &d.Capitolo,
			&d.Accertamento, &d.Scadenza, &d.Fonte, &x.IUF, &x.NumRiga)
		return x, err
	})(db.r.QueryContext(ctx, q, dal, al, dopo.IUV, dopo.IUR, dopo.Indice, limit))
}
