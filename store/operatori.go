package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"
)

// Operatore is a local account. PasswordHash is an encoded argon2id hash.
type Operatore struct {
	ID            int64
	Username      string
	Nome          string
	Email         string
	Ruolo         string
	PasswordHash  string
	Attivo        bool
	UltimoAccesso time.Time
	ModificatoIl  time.Time
	ModificatoDa  string
}

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("record non trovato")

// ErrDuplicate is returned when a unique field already has that value.
var ErrDuplicate = errors.New("valore già presente")

const operatoreCols = `id, username, nome, email, ruolo, password_hash, attivo, ultimo_accesso, modificato_il, modificato_da`

func scanOperatore(row interface{ Scan(...any) error }) (Operatore, error) {
	var o Operatore
	var attivo int
	var ultimo sql.NullString
	var mod string
	err := row.Scan(&o.ID, &o.Username, &o.Nome, &o.Email, &o.Ruolo, &o.PasswordHash, &attivo, &ultimo, &mod, &o.ModificatoDa)
	if err == sql.ErrNoRows {
		return o, ErrNotFound
	}
	o.Attivo = attivo == 1
	o.UltimoAccesso, _ = time.Parse(time.RFC3339, ultimo.String)
	o.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return o, err
}

// CountOperatori counts the accounts; zero means first run.
func (db *DB) CountOperatori(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM operatori`).Scan(&n)
	return n, err
}

// OperatoreByUsername finds an account by its (case-sensitive) username.
func (db *DB) OperatoreByUsername(ctx context.Context, username string) (Operatore, error) {
	return scanOperatore(db.r.QueryRowContext(ctx, `SELECT `+operatoreCols+` FROM operatori WHERE username = ?`, username))
}

// Operatori lists every account by username.
func (db *DB) Operatori(ctx context.Context) ([]Operatore, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+operatoreCols+` FROM operatori ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Operatore
	for rows.Next() {
		o, err := scanOperatore(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func operatoreFields(o Operatore) map[string]string {
	return map[string]string{
		"username": o.Username, "nome": o.Nome, "email": o.Email, "ruolo": o.Ruolo,
		"attivo": strconv.FormatBool(o.Attivo),
	}
}

// InsertOperatore creates an account and audits it (never the hash).
func (tx *Tx) InsertOperatore(ctx context.Context, o Operatore) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO operatori (username, nome, email, ruolo, password_hash, attivo, modificato_il, modificato_da)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.Username, o.Nome, o.Email, o.Ruolo, o.PasswordHash, boolInt(o.Attivo), tx.Stamp(), tx.Operator)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, "operatore", o.Username, Crea, Diff(nil, operatoreFields(o)))
}

// UpdateOperatore rewrites the descriptive fields and role of an account.
// A non-empty PasswordHash replaces the password (audited as "password", no values).
func (tx *Tx) UpdateOperatore(ctx context.Context, o Operatore) error {
	before, err := scanOperatore(tx.QueryRowContext(ctx, `SELECT `+operatoreCols+` FROM operatori WHERE id = ?`, o.ID))
	if err != nil {
		return err
	}
	hash := before.PasswordHash
	changes := Diff(operatoreFields(before), operatoreFields(o))
	if o.PasswordHash != "" && o.PasswordHash != before.PasswordHash {
		hash = o.PasswordHash
		changes = append(changes, FieldChange{Field: "password", Before: "(riservato)", After: "(modificata)"})
	}
	_, err = tx.ExecContext(ctx, `UPDATE operatori SET username = ?, nome = ?, email = ?, ruolo = ?, password_hash = ?, attivo = ?,
		modificato_il = ?, modificato_da = ? WHERE id = ?`,
		o.Username, o.Nome, o.Email, o.Ruolo, hash, boolInt(o.Attivo), tx.Stamp(), tx.Operator, o.ID)
	if isUniqueViolation(err) {
		return ErrDuplicate
	}
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "operatore", o.Username, Modifica, changes)
}

// TouchAccesso records a successful login (not business data: not audited).
func (db *DB) TouchAccesso(ctx context.Context, id int64, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE operatori SET ultimo_accesso = ? WHERE id = ?`, at.UTC().Format(time.RFC3339), id)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
