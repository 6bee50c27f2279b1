package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Protocollo is a registration in the ente's protocol register.
type Protocollo struct {
	ID             int64
	Anno           int
	Numero         int
	RegistratoIl   time.Time
	Verso          string // USCITA or ENTRATA
	Oggetto        string
	Corrispondente string
	Riferimento    string
	Segnatura      string
	Operatore      string
	Allegati       []AllegatoProtocollo
}

// AllegatoProtocollo is the fingerprint of a registered document.
type AllegatoProtocollo struct {
	Nome       string
	SHA256     string
	Dimensione int64
}

// ProtocolloByRiferimento finds the registration made for a caller's key.
func (tx *Tx) ProtocolloByRiferimento(ctx context.Context, rif string) (Protocollo, error) {
	return protocolloByRiferimento(ctx, tx, rif)
}

// ProtocolloByRiferimento finds the registration made for a caller's key.
func (db *DB) ProtocolloByRiferimento(ctx context.Context, rif string) (Protocollo, error) {
	return protocolloByRiferimento(ctx, db.r, rif)
}

func protocolloByRiferimento(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, rif string) (Protocollo, error) {
	var p Protocollo
	var at string
	err := q.QueryRowContext(ctx, `SELECT id, anno, numero, registrato_il, verso, oggetto, corrispondente, riferimento, segnatura, operatore
		FROM protocollo WHERE riferimento = ?`, rif).Scan(&p.ID, &p.Anno, &p.Numero, &at, &p.Verso, &p.Oggetto,
		&p.Corrispondente, &p.Riferimento, &p.Segnatura, &p.Operatore)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.RegistratoIl, _ = time.Parse(time.RFC3339Nano, at)
	return p, err
}

// ProssimoNumero is the next number of the year's register, read inside
// the writing transaction: the single writer makes it gap- and repeat-free.
func (tx *Tx) ProssimoNumero(ctx context.Context, anno int) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(numero), 0) + 1 FROM protocollo WHERE anno = ?`, anno).Scan(&n)
	return n, err
}

// InsertProtocollo stores a registration and its attachments' fingerprints.
func (tx *Tx) InsertProtocollo(ctx context.Context, p Protocollo) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO protocollo (anno, numero, registrato_il, verso, oggetto, corrispondente, riferimento,
		segnatura, operatore) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Anno, p.Numero, p.RegistratoIl.UTC().Format(time.RFC3339Nano),
		p.Verso, p.Oggetto, p.Corrispondente, p.Riferimento, p.Segnatura, tx.Operator)
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
	for _, a := range p.Allegati {
		if _, err := tx.ExecContext(ctx, `INSERT INTO protocollo_allegati (protocollo_id, nome, sha256, dimensione) VALUES (?, ?, ?, ?)`,
			id, a.Nome, a.SHA256, a.Dimensione); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// NumeriProtocollo lists the numbers of a year's register in order (for checks).
func (db *DB) NumeriProtocollo(ctx context.Context, anno int) ([]int, error) {
	return scanAll(scanValue[int])(db.r.QueryContext(ctx, `SELECT numero FROM protocollo WHERE anno = ? ORDER BY numero`, anno))
}
