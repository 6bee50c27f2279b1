package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// The reads behind the detail of a reconciliation row: every side of a
// payment, a flow or a treasury credit, by the keys that link them. Each
// is bounded (maxRicDettaglio): a key with more rows than that is a data
// problem the lists show anyway.

const maxRicDettaglio = 200

// RicRicevuteIUV are the receipt transfers of an IUV, every IUR.
func (db *DB) RicRicevuteIUV(ctx context.Context, iuv string) ([]RicRicevutaRiga, error) {
	return scanAll(func(row interface{ Scan(...any) error }) (RicRicevutaRiga, error) {
		return scanRicRicevuta(row)
	})(db.r.QueryContext(ctx, `SELECT `+ricRicevutaCols+` FROM ric_rt r JOIN ric_file f ON f.id = r.file_id
		WHERE r.iuv = ? ORDER BY r.iur, r.indice LIMIT ?`, iuv, maxRicDettaglio))
}

// RicRigheIUV are the reporting lines of an IUV, in any flow.
func (db *DB) RicRigheIUV(ctx context.Context, iuv string) ([]RicRigaFlusso, error) {
	return scanAll(scanRicRiga)(db.r.QueryContext(ctx, `SELECT `+ricRigaCols+` FROM ric_fdr_pagamenti p
		WHERE p.iuv = ? ORDER BY p.iur, p.indice, p.iuf, p.n LIMIT ?`, iuv, maxRicDettaglio))
}

// RicFlussoIUF is a flow's header (ErrNotFound if not imported).
func (db *DB) RicFlussoIUF(ctx context.Context, iuf string) (RicFlussoRiga, error) {
	x, err := scanRicFlusso(db.r.QueryRowContext(ctx, `SELECT `+ricFlussoCols+` FROM ric_fdr x
		JOIN ric_file f ON f.id = x.file_id WHERE x.iuf = ?`, iuf))
	if errors.Is(err, sql.ErrNoRows) {
		return x, ErrNotFound
	}
	return x, err
}

// RicMovimentiIUF are the treasury credits whose causale names the flow.
func (db *DB) RicMovimentiIUF(ctx context.Context, iuf string) ([]RicMovimentoRiga, error) {
	return scanAll(scanRicMovimento)(db.r.QueryContext(ctx, `SELECT `+ricMovimentoCols+` FROM ric_tesoreria x
		JOIN ric_file f ON f.id = x.file_id WHERE x.iuf = ? ORDER BY x.data_valuta, x.chiave LIMIT ?`, iuf, maxRicDettaglio))
}

// RicMovimentiIUV are the treasury credits whose causale names the IUV
// (single-payment credits, /RFS/ or /RFB/).
func (db *DB) RicMovimentiIUV(ctx context.Context, iuv string) ([]RicMovimentoRiga, error) {
	return scanAll(scanRicMovimento)(db.r.QueryContext(ctx, `SELECT `+ricMovimentoCols+` FROM ric_tesoreria x
		JOIN ric_file f ON f.id = x.file_id WHERE x.iuv = ? ORDER BY x.data_valuta, x.chiave LIMIT ?`, iuv, maxRicDettaglio))
}

// RicMovimentoChiave is one treasury credit (ErrNotFound if none).
func (db *DB) RicMovimentoChiave(ctx context.Context, chiave string) (RicMovimentoRiga, error) {
	x, err := scanRicMovimento(db.r.QueryRowContext(ctx, `SELECT `+ricMovimentoCols+` FROM ric_tesoreria x
		JOIN ric_file f ON f.id = x.file_id WHERE x.chiave = ?`, chiave))
	if errors.Is(err, sql.ErrNoRows) {
		return x, ErrNotFound
	}
	return x, err
}

const ricDovutoCols = `d.iud, d.iuv, d.importo, d.tipo_dovuto, d.cf, d.anagrafica, d.causale, d.ufficio, d.capitolo,
	d.accertamento, d.scadenza, d.fonte`

func scanRicDovuto(row interface{ Scan(...any) error }) (RicDovuto, error) {
	var d RicDovuto
	err := row.Scan(&d.IUD, &d.IUV, &d.Importo, &d.TipoDovuto, &d.CF, &d.Anagrafica, &d.Causale, &d.Ufficio, &d.Capitolo,
		&d.Accertamento, &d.Scadenza, &d.Fonte)
	return d, err
}

// RicDovuti are the debt records with one of the IUDs or with the IUV.
func (db *DB) RicDovuti(ctx context.Context, iuds []string, iuv string) ([]RicDovuto, error) {
	var conds []string
	var args []any
	if len(iuds) > 0 {
		conds = append(conds, "d.iud IN (?"+strings.Repeat(", ?", len(iuds)-1)+")")
		for _, k := range iuds {
			args = append(args, k)
		}
	}
	if iuv != "" {
		conds = append(conds, "d.iuv = ?")
		args = append(args, iuv)
	}
	if len(conds) == 0 {
		return nil, nil
	}
	return scanAll(scanRicDovuto)(db.r.QueryContext(ctx, `SELECT `+ricDovutoCols+` FROM ric_dovuti d WHERE `+
		strings.Join(conds, " OR ")+` ORDER BY d.iud LIMIT ?`, append(args, maxRicDettaglio)...))
}

// RicEtichetta is a label a key carries, with the engine's detail.
type RicEtichetta struct {
	Classe, Dettaglio string
}

// RicEtichette are the labels of one key (a payment: IUV and IUR; a flow
// or a credit: IUR ""), in code order.
func (db *DB) RicEtichette(ctx context.Context, chiaveTipo, chiave, iur string) ([]RicEtichetta, error) {
	return scanAll(func(row interface{ Scan(...any) error }) (RicEtichetta, error) {
		var e RicEtichetta
		err := row.Scan(&e.Classe, &e.Dettaglio)
		return e, err
	})(db.r.QueryContext(ctx, `SELECT c.classe, c.dettaglio FROM ric_classi c
		WHERE c.classe IN (SELECT classe FROM ric_classi_conteggi) AND c.chiave_tipo = ? AND c.chiave = ? AND c.iur = ?
		ORDER BY c.classe`, chiaveTipo, chiave, iur))
}
