package store

import "context"

// SetRicFile records what reading an imported file found: its format and
// how many rows it stored.
func (tx *Tx) SetRicFile(ctx context.Context, id int64, formato string, righe int) error {
	_, err := tx.ExecContext(ctx, `UPDATE ric_file SET formato = ?, righe = ? WHERE id = ?`, formato, righe, id)
	return err
}

// SincronizzaDovutiAvvisi makes Sportello's own notices with a debt
// position on GPD (stato GENERATO, whatever GPD says now) debt records of
// the reconciliation: fonte SPORTELLO, IUD the position's IUPD. Only new or
// changed records are written, and their IUVs touched; a notice cancelled
// (INVALID on GPD) stops being a debt record.
func (tx *Tx) SincronizzaDovutiAvvisi(ctx context.Context, t *Toccate) (int, error) {
	t = t.orNop()
	n := 0
	rows, err := tx.QueryContext(ctx, `INSERT INTO ric_dovuti (iud, iuv, importo, tipo_dovuto, cf, anagrafica, causale, scadenza,
			ufficio, capitolo, accertamento, fonte)
		SELECT a.iupd, a.iuv, a.centesimi, td.codice,
			CASE WHEN a.codice_fiscale != '' THEN a.codice_fiscale ELSE a.partita_iva END, a.intestazione, a.causale,
			l.scadenza, td.ufficio, td.capitolo, td.accertamento, 'SPORTELLO'
		FROM avvisi a JOIN avvisi_lotti l ON l.id = a.lotto_id JOIN tipi_dovuto td ON td.id = l.tipo_dovuto_id
		WHERE a.stato = 'GENERATO' AND a.stato_gpd != 'INVALID' AND true
		ON CONFLICT (iud) DO UPDATE SET iuv = excluded.iuv, importo = excluded.importo, tipo_dovuto = excluded.tipo_dovuto,
			cf = excluded.cf, anagrafica = excluded.anagrafica, causale = excluded.causale, scadenza = excluded.scadenza,
			ufficio = excluded.ufficio, capitolo = excluded.capitolo, accertamento = excluded.accertamento
		WHERE ric_dovuti.fonte = 'SPORTELLO' AND (ric_dovuti.iuv != excluded.iuv OR ric_dovuti.importo != excluded.importo
			OR ric_dovuti.ufficio != excluded.ufficio OR ric_dovuti.capitolo != excluded.capitolo
			OR ric_dovuti.accertamento != excluded.accertamento
			OR ric_dovuti.tipo_dovuto != excluded.tipo_dovuto OR ric_dovuti.cf != excluded.cf
			OR ric_dovuti.anagrafica != excluded.anagrafica OR ric_dovuti.causale != excluded.causale
			OR ric_dovuti.scadenza != excluded.scadenza)
		RETURNING iud, iuv`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var iud, iuv string
		if err := rows.Scan(&iud, &iuv); err != nil {
			rows.Close()
			return n, err
		}
		aggiungi(&t.IUD, iud)
		aggiungi(&t.IUV, iuv)
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return n, err
	}
	gone, err := tx.QueryContext(ctx, `DELETE FROM ric_dovuti WHERE fonte = 'SPORTELLO' AND iud IN
		(SELECT iupd FROM avvisi WHERE stato_gpd = 'INVALID') RETURNING iud, iuv`)
	if err != nil {
		return n, err
	}
	defer gone.Close()
	for gone.Next() {
		var iud, iuv string
		if err := gone.Scan(&iud, &iuv); err != nil {
			return n, err
		}
		aggiungi(&t.IUD, iud)
		aggiungi(&t.IUV, iuv)
		n++
	}
	return n, gone.Err()
}
