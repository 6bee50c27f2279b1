package store

import (
	"context"
	"database/sql"
	"errors"
)

// ProviderURL is the configured provisioning API address ("" when not configured).
func (db *DB) ProviderURL(ctx context.Context) (string, error) {
	var u string
	err := db.r.QueryRowContext(ctx, `SELECT url FROM provider_config WHERE id = 1`).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return u, err
}

// SaveProviderURL stores the provisioning API address, auditing the change.
func (tx *Tx) SaveProviderURL(ctx context.Context, u string) error {
	var before string
	err := tx.QueryRowContext(ctx, `SELECT url FROM provider_config WHERE id = 1`).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO provider_config (id, url, modificato_il, modificato_da) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET url = excluded.url, modificato_il = excluded.modificato_il,
		modificato_da = excluded.modificato_da`, u, tx.Stamp(), tx.Operator); err != nil {
		return err
	}
	return tx.Audit(ctx, "provider", "1", Modifica, Diff(map[string]string{"url": before}, map[string]string{"url": u}))
}
