package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// TipoDovuto is a kind of payment the ente bills through pagoPA.
type TipoDovuto struct {
	ID                int64
	Codice            string // short code, e.g. TRASPORTO
	Descrizione       string
	Tassonomia        string // pagoPA taxonomy, e.g. 9/0101108TS/
	IBAN              string
	Segregazione      int    // the ente's segregation code, 0..99
	ContoPostale      string // optional
	IntestatarioConto string
	Attivo            bool
	// The catalogue of spontaneous payments (paid at the counter or
	// online without a notice sent first): ImportoFisso in cents, 0 when
	// the amount is stated each time; Ufficio, Capitolo and Accertamento
	// are where the revenue is booked (the reconciliation's statistics).
	ImportoFisso int64
	Spontaneo    bool
	Ufficio      string
	Capitolo     string
	Accertamento string
	ModificatoIl time.Time
	ModificatoDa string
}

func tipoDovutoFields(t TipoDovuto) map[string]string {
	return map[string]string{"codice": t.Codice, "descrizione": t.Descrizione, "tassonomia": t.Tassonomia, "iban": t.IBAN,
		"segregazione": strconv.Itoa(t.Segregazione), "conto_postale": t.ContoPostale,
		"intestatario_conto": t.IntestatarioConto, "attivo": strconv.FormatBool(t.Attivo),
		"importo_fisso": strconv.FormatInt(t.ImportoFisso, 10), "spontaneo": strconv.FormatBool(t.Spontaneo),
		"ufficio": t.Ufficio, "capitolo": t.Capitolo, "accertamento": t.Accertamento}
}

const tipoDovutoCols = `id, codice, descrizione, tassonomia, iban, segregazione, conto_postale, intestatario_conto, attivo,
	importo_fisso, spontaneo, ufficio, capitolo, accertamento, modificato_il, modificato_da`

func scanTipoDovuto(row interface{ Scan(...any) error }) (TipoDovuto, error) {
	var t TipoDovuto
	var attivo, spontaneo int
	var mod string
	err := row.Scan(&t.ID, &t.Codice, &t.Descrizione, &t.Tassonomia, &t.IBAN, &t.Segregazione, &t.ContoPostale,
		&t.IntestatarioConto, &attivo, &t.ImportoFisso, &spontaneo, &t.Ufficio, &t.Capitolo, &t.Accertamento, &mod, &t.ModificatoDa)
	if err == sql.ErrNoRows {
		return t, ErrNotFound
	}
	t.Attivo, t.Spontaneo = attivo == 1, spontaneo == 1
	t.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return t, err
}

// TipiDovuto lists the kinds of payment by code.
func (db *DB) TipiDovuto(ctx context.Context) ([]TipoDovuto, error) {
	return scanAll(scanTipoDovuto)(db.r.QueryContext(ctx, `SELECT `+tipoDovutoCols+` FROM tipi_dovuto ORDER BY codice`))
}

// TipoDovutoByCodice finds a kind of payment by its code.
func (db *DB) TipoDovutoByCodice(ctx context.Context, codice string) (TipoDovuto, error) {
	return scanTipoDovuto(db.r.QueryRowContext(ctx, `SELECT `+tipoDovutoCols+` FROM tipi_dovuto WHERE codice = ?`, codice))
}

// TipoDovutoByID reads a kind of payment.
func (db *DB) TipoDovutoByID(ctx context.Context, id int64) (TipoDovuto, error) {
	return scanTipoDovuto(db.r.QueryRowContext(ctx, `SELECT `+tipoDovutoCols+` FROM tipi_dovuto WHERE id = ?`, id))
}

// SaveTipoDovuto inserts (ID 0) or updates a kind of payment, auditing the change.
func (tx *Tx) SaveTipoDovuto(ctx context.Context, t TipoDovuto) (int64, error) {
	args := []any{t.Codice, t.Descrizione, t.Tassonomia, t.IBAN, t.Segregazione, t.ContoPostale, t.IntestatarioConto,
		boolInt(t.Attivo), t.ImportoFisso, boolInt(t.Spontaneo), t.Ufficio, t.Capitolo, t.Accertamento, tx.Stamp(), tx.Operator}
	if t.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO tipi_dovuto (codice, descrizione, tassonomia, iban, segregazione, conto_postale,
			intestatario_conto, attivo, importo_fisso, spontaneo, ufficio, capitolo, accertamento, modificato_il, modificato_da)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
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
		return id, tx.Audit(ctx, "tipo_dovuto", strconv.FormatInt(id, 10), Crea, Diff(nil, tipoDovutoFields(t)))
	}
	before, err := scanTipoDovuto(tx.QueryRowContext(ctx, `SELECT `+tipoDovutoCols+` FROM tipi_dovuto WHERE id = ?`, t.ID))
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE tipi_dovuto SET codice = ?, descrizione = ?, tassonomia = ?, iban = ?, segregazione = ?,
		conto_postale = ?, intestatario_conto = ?, attivo = ?, importo_fisso = ?, spontaneo = ?, ufficio = ?, capitolo = ?,
		accertamento = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`, append(args, t.ID)...)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	return t.ID, tx.Audit(ctx, "tipo_dovuto", strconv.FormatInt(t.ID, 10), Modifica, Diff(tipoDovutoFields(before), tipoDovutoFields(t)))
}
