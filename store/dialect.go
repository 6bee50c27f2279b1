package store

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// This file holds what is specific to SQLite; business queries elsewhere
// stay in the portable subset (bind variables aside) so that a PostgreSQL
// store can follow.

// Backup writes a consistent online copy of the database to out, which
// must not exist yet. Readers and the writer keep working meanwhile.
func (db *DB) Backup(ctx context.Context, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("il file %s esiste già: scegliere un altro nome", out)
	}
	if _, err := db.w.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return fmt.Errorf("copia di sicurezza: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsBusy reports a write that gave up waiting for another connection (in
// this process or another) to release the database: SQLITE_BUSY after the
// busy timeout. Retrying later is safe; the transaction was rolled back.
func IsBusy(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked"))
}
