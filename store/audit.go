package store

import (
	"context"
	"database/sql"
	"time"
)

// AuditEntry is one row of an entity's history ("Visualizzazione storico").
type AuditEntry struct {
	At        time.Time
	Operatore string
	Azione    Action
	Campo     string
	Prima     string
	Dopo      string
}

// History returns the changes of one entity, newest first.
func (db *DB) History(ctx context.Context, entity, id string) ([]AuditEntry, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT at, operatore, azione, campo, prima, dopo
		FROM audit WHERE entita = ? AND entita_id = ? ORDER BY id DESC`, entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		var prima, dopo sql.NullString
		if err := rows.Scan(&at, &e.Operatore, &e.Azione, &e.Campo, &prima, &dopo); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		e.Prima, e.Dopo = prima.String, dopo.String
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastChange is the newest audit entry of an entity ("Ultima modifica ...
// Effettuata da"); ok is false when the entity has no history.
func (db *DB) LastChange(ctx context.Context, entity, id string) (e AuditEntry, ok bool, err error) {
	var at string
	err = db.r.QueryRowContext(ctx, `SELECT at, operatore, azione FROM audit
		WHERE entita = ? AND entita_id = ? ORDER BY id DESC LIMIT 1`, entity, id).Scan(&at, &e.Operatore, &e.Azione)
	if err == sql.ErrNoRows {
		return e, false, nil
	}
	if err != nil {
		return e, false, err
	}
	e.At, _ = time.Parse(time.RFC3339Nano, at)
	return e, true, nil
}
