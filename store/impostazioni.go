package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// Ente is the municipality (or company) Sportello works for.
type Ente struct {
	Denominazione string
	CodiceFiscale string
	CodiceIPA     string
	Settore       string
	Indirizzo     string
	ModificatoIl  time.Time
	ModificatoDa  string
}

func enteFields(e Ente) map[string]string {
	return map[string]string{"denominazione": e.Denominazione, "codice_fiscale": e.CodiceFiscale,
		"codice_ipa": e.CodiceIPA, "settore": e.Settore, "indirizzo": e.Indirizzo}
}

// Ente reads the configured ente; ErrNotFound before the first configuration.
func (db *DB) Ente(ctx context.Context) (Ente, error) {
	return scanEnte(db.r.QueryRowContext(ctx, `SELECT denominazione, codice_fiscale, codice_ipa, settore, indirizzo, modificato_il, modificato_da FROM ente WHERE id = 1`))
}

func scanEnte(row *sql.Row) (Ente, error) {
	var e Ente
	var mod string
	err := row.Scan(&e.Denominazione, &e.CodiceFiscale, &e.CodiceIPA, &e.Settore, &e.Indirizzo, &mod, &e.ModificatoDa)
	if err == sql.ErrNoRows {
		return e, ErrNotFound
	}
	e.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return e, err
}

// SaveEnte creates or updates the single ente row, auditing the fields that changed.
func (tx *Tx) SaveEnte(ctx context.Context, e Ente) error {
	before, err := scanEnte(tx.QueryRowContext(ctx, `SELECT denominazione, codice_fiscale, codice_ipa, settore, indirizzo, modificato_il, modificato_da FROM ente WHERE id = 1`))
	action := Modifica
	switch err {
	case nil:
	case ErrNotFound:
		action = Crea
	default:
		return err
	}
	var beforeFields map[string]string
	if action == Modifica {
		beforeFields = enteFields(before)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ente (id, denominazione, codice_fiscale, codice_ipa, settore, indirizzo, modificato_il, modificato_da)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET denominazione = excluded.denominazione, codice_fiscale = excluded.codice_fiscale,
		codice_ipa = excluded.codice_ipa, settore = excluded.settore, indirizzo = excluded.indirizzo,
		modificato_il = excluded.modificato_il, modificato_da = excluded.modificato_da`,
		e.Denominazione, e.CodiceFiscale, e.CodiceIPA, e.Settore, e.Indirizzo, tx.Stamp(), tx.Operator); err != nil {
		return err
	}
	return tx.Audit(ctx, "ente", "1", action, Diff(beforeFields, enteFields(e)))
}

// ServizioIO is an App IO service of the ente. Its API key is kept in the
// secret store under SecretKey(), never in the database.
type ServizioIO struct {
	ID             int64
	Nome           string
	ServiceID      string
	BaseURL        string
	Livello        string // STANDARD or ADVANCED
	ImportoMassimo int64  // cents; 0 = no limit configured
	Attivo         bool
	ModificatoIl   time.Time
	ModificatoDa   string
}

func servizioFields(s ServizioIO) map[string]string {
	return map[string]string{"nome": s.Nome, "service_id": s.ServiceID, "base_url": s.BaseURL, "livello": s.Livello,
		"importo_massimo": strconv.FormatInt(s.ImportoMassimo, 10), "attivo": strconv.FormatBool(s.Attivo)}
}

const servizioCols = `id, nome, service_id, base_url, livello, importo_massimo, attivo, modificato_il, modificato_da`

func scanServizio(row interface{ Scan(...any) error }) (ServizioIO, error) {
	var s ServizioIO
	var attivo int
	var mod string
	err := row.Scan(&s.ID, &s.Nome, &s.ServiceID, &s.BaseURL, &s.Livello, &s.ImportoMassimo, &attivo, &mod, &s.ModificatoDa)
	if err == sql.ErrNoRows {
		return s, ErrNotFound
	}
	s.Attivo = attivo == 1
	s.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return s, err
}

// ServiziIO lists the configured services by name.
func (db *DB) ServiziIO(ctx context.Context) ([]ServizioIO, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+servizioCols+` FROM servizi_io ORDER BY nome`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ServizioIO
	for rows.Next() {
		s, err := scanServizio(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ServizioIOByNome finds a service by its name.
func (db *DB) ServizioIOByNome(ctx context.Context, nome string) (ServizioIO, error) {
	return scanServizio(db.r.QueryRowContext(ctx, `SELECT `+servizioCols+` FROM servizi_io WHERE nome = ?`, nome))
}

// SaveServizioIO inserts (ID 0) or updates a service, auditing the change.
func (tx *Tx) SaveServizioIO(ctx context.Context, s ServizioIO) (int64, error) {
	if s.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO servizi_io (nome, service_id, base_url, livello, importo_massimo, attivo, modificato_il, modificato_da)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.Nome, s.ServiceID, s.BaseURL, s.Livello, s.ImportoMassimo, boolInt(s.Attivo), tx.Stamp(), tx.Operator)
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
		return id, tx.Audit(ctx, "servizio_io", strconv.FormatInt(id, 10), Crea, Diff(nil, servizioFields(s)))
	}
	before, err := scanServizio(tx.QueryRowContext(ctx, `SELECT `+servizioCols+` FROM servizi_io WHERE id = ?`, s.ID))
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE servizi_io SET nome = ?, service_id = ?, base_url = ?, livello = ?, importo_massimo = ?, attivo = ?,
		modificato_il = ?, modificato_da = ? WHERE id = ?`, s.Nome, s.ServiceID, s.BaseURL, s.Livello, s.ImportoMassimo, boolInt(s.Attivo), tx.Stamp(), tx.Operator, s.ID)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	return s.ID, tx.Audit(ctx, "servizio_io", strconv.FormatInt(s.ID, 10), Modifica, Diff(servizioFields(before), servizioFields(s)))
}

// DeleteServizioIO removes a service, auditing it.
func (tx *Tx) DeleteServizioIO(ctx context.Context, id int64) error {
	before, err := scanServizio(tx.QueryRowContext(ctx, `SELECT `+servizioCols+` FROM servizi_io WHERE id = ?`, id))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM servizi_io WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Audit(ctx, "servizio_io", strconv.FormatInt(id, 10), Elimina, Diff(servizioFields(before), nil))
}
