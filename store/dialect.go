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
