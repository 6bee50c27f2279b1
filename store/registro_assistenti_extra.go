package store

import "context"

// ConsumoAssistente counts the mailboxes an assistant inserted that are
// not CESSATA (what their packages are consumed by).
func (db *DB) ConsumoAssistente(ctx context.Context, assistenteID int64) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM caselle WHERE assistente_id = ? AND stato <> 'CESSATA'`,
		assistenteID).Scan(&n)
	return n, err
}

// DominiAssistenteIDs lists the ids of an assistant's domains inside the transaction.
func (tx *Tx) DominiAssistenteIDs(ctx context.Context, assistenteID int64) ([]int64, error) {
	return scanAll(func(row interface{ Scan(...any) error }) (int64, error) {
		var id int64
		err := row.Scan(&id)
		return id, err
	})(tx.QueryContext(ctx, `SELECT dominio_id FROM assistenti_domini WHERE assistente_id = ? ORDER BY dominio_id`, assistenteID))
}
