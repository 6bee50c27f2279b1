package store

import (
	"context"
	"database/sql"
	"time"
)

// Confirmation e-mails of activated mailboxes (core/registro/conferme.go,
// table in migrations/0015_registro_conferme.sql).

// States of a ConfermaAttivazione.
const (
	ConfermaDaInviare = "DA_INVIARE"
	ConfermaInvio     = "INVIO" // in flight
	ConfermaInviata   = "INVIATA"
	ConfermaErrore    = "ERRORE"
	ConfermaIncerta   = "INCERTA"
)

// ConfermaAttivazione is the confirmation e-mail of one activated mailbox.
type ConfermaAttivazione struct {
	ID          int64
	CasellaID   int64
	Destinatari string // comma-separated
	Oggetto     string
	Testo       string
	MessageID   string // without <>
	Stato       string
	Tentativi   int
	Errore      string
	CreataIl    time.Time
	InviataIl   time.Time
}

const colonneConferma = `id, casella_id, destinatari, oggetto, testo, message_id, stato, tentativi, errore, creata_il, inviata_il`

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func scanConferma(sc interface{ Scan(...any) error }) (ConfermaAttivazione, error) {
	var c ConfermaAttivazione
	var creata, inviata string
	err := sc.Scan(&c.ID, &c.CasellaID, &c.Destinatari, &c.Oggetto, &c.Testo, &c.MessageID, &c.Stato, &c.Tentativi, &c.Errore,
		&creata, &inviata)
	c.CreataIl, c.InviataIl = parseJobTime(creata), parseJobTime(inviata)
	return c, err
}

func conferme(q queryer, ctx context.Context, where string, args ...any) ([]ConfermaAttivazione, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+colonneConferma+` FROM registro_conferme WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConfermaAttivazione
	for rows.Next() {
		c, err := scanConferma(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InserisciConferma queues the confirmation of a mailbox, DA_INVIARE; a
// mailbox that has one already keeps it (false).
func (tx *Tx) InserisciConferma(ctx context.Context, c ConfermaAttivazione) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO registro_conferme (casella_id, destinatari, oggetto, testo, message_id, stato, creata_il)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (casella_id) DO NOTHING`,
		c.CasellaID, c.Destinatari, c.Oggetto, c.Testo, c.MessageID, ConfermaDaInviare, jobTime(tx.Now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ConfermeInStato lists the confirmations in stato, oldest first.
func (db *DB) ConfermeInStato(ctx context.Context, stato string) ([]ConfermaAttivazione, error) {
	return conferme(db.r, ctx, `stato = ?`, stato)
}

// ConfermaByCasella reads the confirmation of a mailbox (ErrNotFound: none).
func (db *DB) ConfermaByCasella(ctx context.Context, casellaID int64) (ConfermaAttivazione, error) {
	c, err := scanConferma(db.r.QueryRowContext(ctx, `SELECT `+colonneConferma+` FROM registro_conferme WHERE casella_id = ?`, casellaID))
	if err == sql.ErrNoRows {
		return c, ErrNotFound
	}
	return c, err
}

// AggiornaConferma writes c's state, destinatari, tentativi, errore and
// inviata_il, only if the row is still in stato da; it reports whether it did.
func (tx *Tx) AggiornaConferma(ctx context.Context, da string, c ConfermaAttivazione) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE registro_conferme SET stato = ?, destinatari = ?, tentativi = ?, errore = ?, inviata_il = ?
		WHERE id = ? AND stato = ?`, c.Stato, c.Destinatari, c.Tentativi, c.Errore, jobTime(c.InviataIl), c.ID, da)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ConfermeDa moves every confirmation in stato da to stato a with errore;
// it returns how many.
func (tx *Tx) ConfermeDa(ctx context.Context, da, a, errore string) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE registro_conferme SET stato = ?, errore = ? WHERE stato = ?`, a, errore, da)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
