package store

import (
	"context"
	"database/sql"
	"errors"
)

// SaveRecapitoAvviso sets where the notice of a one-row batch (a payment
// made at the counter) goes, before it is first sent: the address and the
// batch's kind of sending (PEC or EMAIL). The caller audits the change.
func (tx *Tx) SaveRecapitoAvviso(ctx context.Context, lottoID int64, iupd, spedizione, indirizzo string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE avvisi_lotti SET spedizione = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`,
		spedizione, tx.Stamp(), tx.Operator, lottoID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE avvisi SET indirizzo_pec = ?, modificato_il = ?, modificato_da = ? WHERE iupd = ? AND lotto_id = ?`,
		indirizzo, tx.Stamp(), tx.Operator, iupd, lottoID)
	return err
}

// UltimoAvvisoDi is the IUV of the newest notice of the batches made from
// file (their file_origine); ErrNotFound when there is none.
func (db *DB) UltimoAvvisoDi(ctx context.Context, file string) (string, error) {
	var iuv string
	err := db.r.QueryRowContext(ctx, `SELECT a.iuv FROM avvisi a JOIN avvisi_lotti l ON l.id = a.lotto_id
		WHERE l.file_origine = ? ORDER BY a.id DESC LIMIT 1`, file).Scan(&iuv)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return iuv, err
}
