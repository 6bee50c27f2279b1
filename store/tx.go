package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"
)

// Action is what a change did to an entity, as recorded in the audit trail.
type Action string

const (
	Crea     Action = "crea"
	Modifica Action = "modifica"
	Elimina  Action = "elimina"
)

// FieldChange is one field's value before and after a change.
type FieldChange struct {
	Field, Before, After string
}

// Tx is a write transaction that knows who is writing and when, so every
// business change can be audited in the same transaction.
type Tx struct {
	*sql.Tx
	Operator string
	Now      time.Time

	itemHook func(ctx context.Context, items []JobItem) error
}

// OnJobItems has every change of job items' states in this transaction
// reported to fn, with the items as they now are, before the transaction
// commits: so that a domain table kept in step with the items (a
// notification's transmission state) can never disagree with them.
func (tx *Tx) OnJobItems(fn func(ctx context.Context, items []JobItem) error) { tx.itemHook = fn }

func (tx *Tx) reportItems(ctx context.Context, items []JobItem) error {
	if tx.itemHook == nil || len(items) == 0 {
		return nil
	}
	return tx.itemHook(ctx, items)
}

// ErrNoOperator guards the rule that every change to business data records who made it.
var ErrNoOperator = errors.New("nessun operatore: ogni modifica deve indicare chi la effettua")

// Write runs fn in one immediate transaction on the writer connection and
// commits it when fn returns nil.
func (db *DB) Write(ctx context.Context, operator string, fn func(tx *Tx) error) error {
	if operator == "" {
		return ErrNoOperator
	}
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{Tx: sqlTx, Operator: operator, Now: time.Now().UTC()}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	return sqlTx.Commit()
}

// Stamp is the "modificato_il" value for rows written in this transaction.
func (tx *Tx) Stamp() string { return tx.Now.Format(time.RFC3339) }

// Audit records a change to entity/id. For Crea and Elimina with no field
// changes a single row without field is written.
func (tx *Tx) Audit(ctx context.Context, entity, id string, action Action, changes []FieldChange) error {
	const q = `INSERT INTO audit (at, operatore, entita, entita_id, azione, campo, prima, dopo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	at := tx.Now.Format(time.RFC3339Nano)
	if len(changes) == 0 {
		if action == Modifica {
			return nil // nothing changed, nothing to record
		}
		_, err := tx.ExecContext(ctx, q, at, tx.Operator, entity, id, string(action), "", nil, nil)
		return err
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, q, at, tx.Operator, entity, id, string(action), c.Field, nullable(c.Before), nullable(c.After)); err != nil {
			return err
		}
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Diff lists the fields whose value differs between before and after, in
// field-name order. A field missing on one side counts as empty.
func Diff(before, after map[string]string) []FieldChange {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		if before[k] != after[k] {
			out = append(out, FieldChange{Field: k, Before: before[k], After: after[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}
