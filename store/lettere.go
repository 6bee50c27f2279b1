package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// ModelloLettera is a stored template of the cover letter that goes with
// each pagoPA notice (core/lettere.Modello and its record data).
type ModelloLettera struct {
	ID           int64
	Nome         string
	Oggetto      string
	Testo        string
	Firma        string
	Attivo       bool
	CreatoIl     time.Time
	CreatoDa     string
	ModificatoIl time.Time
	ModificatoDa string
}

func modelloLetteraFields(m ModelloLettera) map[string]string {
	return map[string]string{"nome": m.Nome, "oggetto": m.Oggetto, "testo": m.Testo, "firma": m.Firma,
		"attivo": strconv.FormatBool(m.Attivo)}
}

const modelloLetteraCols = `id, nome, oggetto, testo, firma, attivo, creato_il, creato_da, modificato_il, modificato_da`

func scanModelloLettera(row interface{ Scan(...any) error }) (ModelloLettera, error) {
	var m ModelloLettera
	var attivo int
	var creato, mod string
	err := row.Scan(&m.ID, &m.Nome, &m.Oggetto, &m.Testo, &m.Firma, &attivo, &creato, &m.CreatoDa, &mod, &m.ModificatoDa)
	if err == sql.ErrNoRows {
		return m, ErrNotFound
	}
	m.Attivo = attivo == 1
	m.CreatoIl, _ = time.Parse(time.RFC3339, creato)
	m.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return m, err
}

// ModelliLettera lists the letter templates by name.
func (db *DB) ModelliLettera(ctx context.Context) ([]ModelloLettera, error) {
	return scanAll(scanModelloLettera)(db.r.QueryContext(ctx, `SELECT `+modelloLetteraCols+` FROM modelli_lettera ORDER BY nome`))
}

// ModelloLetteraByNome finds a letter template by its name.
func (db *DB) ModelloLetteraByNome(ctx context.Context, nome string) (ModelloLettera, error) {
	return scanModelloLettera(db.r.QueryRowContext(ctx, `SELECT `+modelloLetteraCols+` FROM modelli_lettera WHERE nome = ?`, nome))
}

// ModelloLetteraByID reads a letter template.
func (db *DB) ModelloLetteraByID(ctx context.Context, id int64) (ModelloLettera, error) {
	return scanModelloLettera(db.r.QueryRowContext(ctx, `SELECT `+modelloLetteraCols+` FROM modelli_lettera WHERE id = ?`, id))
}

// SaveModelloLettera inserts (ID 0) or updates a letter template, auditing
// the change ("modello_lettera"). ErrDuplicate when the name is taken.
func (tx *Tx) SaveModelloLettera(ctx context.Context, m ModelloLettera) (int64, error) {
	if m.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO modelli_lettera (nome, oggetto, testo, firma, attivo, creato_il, creato_da,
			modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.Nome, m.Oggetto, m.Testo, m.Firma, boolInt(m.Attivo), tx.Stamp(), tx.Operator, tx.Stamp(), tx.Operator)
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
		return id, tx.Audit(ctx, "modello_lettera", strconv.FormatInt(id, 10), Crea, Diff(nil, modelloLetteraFields(m)))
	}
	before, err := scanModelloLettera(tx.QueryRowContext(ctx, `SELECT `+modelloLetteraCols+` FROM modelli_lettera WHERE id = ?`, m.ID))
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE modelli_lettera SET nome = ?, oggetto = ?, testo = ?, firma = ?, attivo = ?,
		modificato_il = ?, modificato_da = ? WHERE id = ?`,
		m.Nome, m.Oggetto, m.Testo, m.Firma, boolInt(m.Attivo), tx.Stamp(), tx.Operator, m.ID)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	return m.ID, tx.Audit(ctx, "modello_lettera", strconv.FormatInt(m.ID, 10), Modifica,
		Diff(modelloLetteraFields(before), modelloLetteraFields(m)))
}
