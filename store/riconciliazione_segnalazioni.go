package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Segnalazioni: an operator flags a classified row with a note; every
// flag, later note and closing is one row, so the table is its own
// history (Storico Segnalazioni).

// Stati of a flag event.
const (
	SegnalazioneAperta = "APERTA"
	SegnalazioneChiusa = "CHIUSA"
)

// RicSegnalazione is one flag event on a row of the classification.
type RicSegnalazione struct {
	ID         int64
	ChiaveTipo string // PAGAMENTO, FLUSSO, TESORERIA
	Chiave     string
	IUR        string
	Classe     string
	Nota       string
	Stato      string // SegnalazioneAperta or SegnalazioneChiusa
	CreataIl   time.Time
	CreataDa   string
}

// InsertRicSegnalazione records a flag event, stamped with the
// transaction's operator and time, and audits it.
func (tx *Tx) InsertRicSegnalazione(ctx context.Context, s RicSegnalazione) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO ric_segnalazioni (chiave_tipo, chiave, iur, classe, nota, stato, creata_il, creata_da)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.ChiaveTipo, s.Chiave, s.IUR, s.Classe, s.Nota, s.Stato, tx.Stamp(), tx.Operator)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	chiave := s.Chiave
	if s.IUR != "" {
		chiave += "/" + s.IUR
	}
	return id, tx.Audit(ctx, "ric_segnalazioni", fmt.Sprint(id), Crea, []FieldChange{
		{Field: "riga", After: strings.ToLower(s.ChiaveTipo) + " " + chiave}, {Field: "classe", After: s.Classe},
		{Field: "stato", After: s.Stato}, {Field: "nota", After: s.Nota}})
}

// UltimaRicSegnalazione is the last flag event of a row (ok false if it
// was never flagged), read inside tx so that a decision on it holds.
func (tx *Tx) UltimaRicSegnalazione(ctx context.Context, chiaveTipo, chiave, iur string) (RicSegnalazione, bool, error) {
	s, err := scanRicSegnalazione(tx.QueryRowContext(ctx, `SELECT `+ricSegnalazioneCols+` FROM ric_segnalazioni s
		WHERE s.chiave_tipo = ? AND s.chiave = ? AND s.iur = ? ORDER BY s.id DESC LIMIT 1`, chiaveTipo, chiave, iur))
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	return s, err == nil, err
}

// RicHaClasse tells whether a row of the classification carries a label.
func (tx *Tx) RicHaClasse(ctx context.Context, classe, chiaveTipo, chiave, iur string) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ric_classi WHERE classe = ? AND chiave_tipo = ? AND chiave = ? AND iur = ?)`,
		classe, chiaveTipo, chiave, iur).Scan(&ok)
	return ok, err
}

const ricSegnalazioneCols = `s.id, s.chiave_tipo, s.chiave, s.iur, s.classe, s.nota, s.stato, s.creata_il, s.creata_da`

func scanRicSegnalazione(row interface{ Scan(...any) error }) (RicSegnalazione, error) {
	var s RicSegnalazione
	var il string
	err := row.Scan(&s.ID, &s.ChiaveTipo, &s.Chiave, &s.IUR, &s.Classe, &s.Nota, &s.Stato, &il, &s.CreataDa)
	s.CreataIl, _ = time.Parse(time.RFC3339, il)
	return s, err
}

// RicSegnalazioniRiga is the flag history of one row, oldest first.
func (db *DB) RicSegnalazioniRiga(ctx context.Context, chiaveTipo, chiave, iur string) ([]RicSegnalazione, error) {
	return scanAll(scanRicSegnalazione)(db.r.QueryContext(ctx, `SELECT `+ricSegnalazioneCols+` FROM ric_segnalazioni s
		WHERE s.chiave_tipo = ? AND s.chiave = ? AND s.iur = ? ORDER BY s.id`, chiaveTipo, chiave, iur))
}

// RicSegnalazioniChiave is the flag history of every row with a key (the
// receipts of one IUV, say), oldest first.
func (db *DB) RicSegnalazioniChiave(ctx context.Context, chiaveTipo, chiave string) ([]RicSegnalazione, error) {
	return scanAll(scanRicSegnalazione)(db.r.QueryContext(ctx, `SELECT `+ricSegnalazioneCols+` FROM ric_segnalazioni s
		WHERE s.chiave_tipo = ? AND s.chiave = ? ORDER BY s.id`, chiaveTipo, chiave))
}

// FiltroRicSegnalazioni selects flag events; zero fields do not filter.
type FiltroRicSegnalazioni struct {
	Classe    string
	Stato     string    // of the event
	Chiave    string    // prefix of the IUV, IUF or movement
	Operatore string    // username, exactly
	Nota      string    // part of the note
	Dal, Al   time.Time // creata_il in [Dal, Al); zero: open
}

func ricSegnalazioniWhere(f FiltroRicSegnalazioni) *where {
	w := &where{}
	if f.Classe != "" {
		w.add("s.classe = ?", f.Classe)
	}
	if f.Stato != "" {
		w.add("s.stato = ?", f.Stato)
	}
	w.prefisso("s.chiave", f.Chiave)
	if s := strings.TrimSpace(f.Operatore); s != "" {
		w.add("s.creata_da = ?", s)
	}
	if s := strings.TrimSpace(f.Nota); s != "" {
		w.add(`LOWER(s.nota) LIKE ? ESCAPE '\'`, likeArg(s))
	}
	if !f.Dal.IsZero() {
		w.add("s.creata_il >= ?", f.Dal.UTC().Format(time.RFC3339))
	}
	if !f.Al.IsZero() {
		w.add("s.creata_il < ?", f.Al.UTC().Format(time.RFC3339))
	}
	return w
}

// CountRicSegnalazioni counts the flag events matching f.
func (db *DB) CountRicSegnalazioni(ctx context.Context, f FiltroRicSegnalazioni) (int, error) {
	w := ricSegnalazioniWhere(f)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_segnalazioni s`+w.String(), w.args...).Scan(&n)
	return n, err
}

// RicSegnalazioni pages through the flag events matching f, newest first.
func (db *DB) RicSegnalazioni(ctx context.Context, f FiltroRicSegnalazioni, offset, limit int) ([]RicSegnalazione, error) {
	w := ricSegnalazioniWhere(f)
	return scanAll(scanRicSegnalazione)(db.r.QueryContext(ctx, `SELECT `+ricSegnalazioneCols+` FROM ric_segnalazioni s`+
		w.String()+` ORDER BY s.id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...))
}
