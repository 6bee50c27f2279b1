package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// Queries of the PEC panel's sync engine (core/registro/sync.go, tables in
// migrations/0012_registro_sync.sql): the provider's identity of local
// records, the outbox rows' sending state, the feed cursor and the
// conflicts.

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ---- identità remota

// Remoto is the provider's identity of a local titolare or casella.
type Remoto struct {
	Entita   string // titolare, casella
	IDLocale int64
	IDRemoto string
	Versione int64
	Impronta string // the content last sent or received
	Stato    string // casella: the provider's status as last known
}

func remoto(q queryRower, ctx context.Context, where string, args ...any) (Remoto, error) {
	var r Remoto
	err := q.QueryRowContext(ctx, `SELECT entita, id_locale, id_remoto, versione, impronta, stato FROM registro_remoti WHERE `+where,
		args...).Scan(&r.Entita, &r.IDLocale, &r.IDRemoto, &r.Versione, &r.Impronta, &r.Stato)
	if err == sql.ErrNoRows {
		return r, ErrNotFound
	}
	return r, err
}

// Remoto reads the provider's identity of a local record (ErrNotFound: never sent).
func (db *DB) Remoto(ctx context.Context, entita string, idLocale int64) (Remoto, error) {
	return remoto(db.r, ctx, `entita = ? AND id_locale = ?`, entita, idLocale)
}

// Remoto reads the provider's identity of a local record inside the transaction.
func (tx *Tx) Remoto(ctx context.Context, entita string, idLocale int64) (Remoto, error) {
	return remoto(tx, ctx, `entita = ? AND id_locale = ?`, entita, idLocale)
}

// RemotoByID finds the local record of a provider's id.
func (tx *Tx) RemotoByID(ctx context.Context, entita, idRemoto string) (Remoto, error) {
	return remoto(tx, ctx, `entita = ? AND id_remoto = ?`, entita, idRemoto)
}

// SalvaRemoto inserts or replaces the provider's identity of a local record.
func (tx *Tx) SalvaRemoto(ctx context.Context, r Remoto) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO registro_remoti (entita, id_locale, id_remoto, versione, impronta, stato)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (entita, id_locale) DO UPDATE SET id_remoto = excluded.id_remoto,
		versione = excluded.versione, impronta = excluded.impronta, stato = excluded.stato`,
		r.Entita, r.IDLocale, r.IDRemoto, r.Versione, r.Impronta, r.Stato)
	return err
}

// ---- outbox: invio

// OutboxInvio is an outbox row with its sending state.
type OutboxInvio struct {
	OutboxItem
	InVolo bool // a previous round started its remote call and never recorded the outcome
}

// OutboxDaInviare lists up to limit PENDING rows after id dopo whose backoff
// is over at now, oldest first.
func (db *DB) OutboxDaInviare(ctx context.Context, now time.Time, dopo int64, limit int) ([]OutboxInvio, error) {
	return scanAll(func(row interface{ Scan(...any) error }) (OutboxInvio, error) {
		var o OutboxInvio
		var creato, volo string
		err := row.Scan(&o.ID, &o.Entita, &o.EntitaID, &o.Operazione, &o.Payload, &creato, &o.Stato, &o.Tentativi, &o.Errore, &volo)
		o.CreatoIl, o.InVolo = parseJobTime(creato), volo != ""
		return o, err
	})(db.r.QueryContext(ctx, `SELECT id, entita, entita_id, operazione, payload, creato_il, stato, tentativi, errore, in_volo_dal
		FROM outbox WHERE stato = 'PENDING' AND id > ? AND prossimo_tentativo <= ? ORDER BY id LIMIT ?`,
		dopo, jobTime(now), limit))
}

// OutboxInVolo marks rows as being sent (committed before the remote calls).
func (tx *Tx) OutboxInVolo(ctx context.Context, ids []int64) error {
	now := jobTime(tx.Now)
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET in_volo_dal = ? WHERE id = ? AND in_volo_dal = ''`, now, id); err != nil {
			return err
		}
	}
	return nil
}

// OutboxNonInviata clears the in-flight mark of a row whose call never started.
func (tx *Tx) OutboxNonInviata(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET in_volo_dal = '' WHERE id = ?`, id)
	return err
}

// EsitoOutbox is the outcome of a row's sending.
type EsitoOutbox struct {
	ID        int64
	Stato     string // PENDING (retry after Prossimo), SENT, FAILED, CONFLICT
	Tentativi int
	Errore    string
	Prossimo  time.Time
	InVolo    bool // PENDING after a call that may have had effect: keep the mark
}

// OutboxEsito records a row's outcome.
func (tx *Tx) OutboxEsito(ctx context.Context, e EsitoOutbox) error {
	volo := ""
	if e.InVolo {
		volo = jobTime(tx.Now)
	}
	prossimo := ""
	if !e.Prossimo.IsZero() {
		prossimo = jobTime(e.Prossimo)
	}
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET stato = ?, tentativi = ?, errore = ?, prossimo_tentativo = ?, in_volo_dal = ?
		WHERE id = ?`, e.Stato, e.Tentativi, e.Errore, prossimo, volo, e.ID)
	return err
}

// OutboxPendenti reports whether a record has changes not yet accepted by
// the provider (PENDING or CONFLICT rows).
func (tx *Tx) OutboxPendenti(ctx context.Context, entita string, id int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE entita = ? AND entita_id = ? AND stato IN ('PENDING', 'CONFLICT')`,
		entita, strconv.FormatInt(id, 10)).Scan(&n)
	return n > 0, err
}

// OutboxSposta moves a record's rows from one state to another (tentativi
// reset, in-flight mark cleared) with a note; it returns how many.
func (tx *Tx) OutboxSposta(ctx context.Context, entita string, id int64, da, a, nota string) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET stato = ?, errore = ?, tentativi = 0, prossimo_tentativo = '', in_volo_dal = ''
		WHERE entita = ? AND entita_id = ? AND stato = ?`, a, nota, entita, strconv.FormatInt(id, 10), da)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// OutboxUltimoID is the highest outbox id.
func (tx *Tx) OutboxUltimoID(ctx context.Context) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&id)
	return id, err
}

// OutboxAssorbi marks SENT the rows after id dopo: changes that came from
// the provider and must not be sent back to it.
func (tx *Tx) OutboxAssorbi(ctx context.Context, dopo int64, nota string) error {
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET stato = 'SENT', errore = ? WHERE id > ? AND stato = 'PENDING'`, nota, dopo)
	return err
}

// ContaOutbox counts the rows in a state.
func (db *DB) ContaOutbox(ctx context.Context, stato string) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE stato = ?`, stato).Scan(&n)
	return n, err
}

// ---- stato della sincronizzazione

// StatoRegistroSync is the row of registro_sync.
type StatoRegistroSync struct {
	Cursore         string
	UltimoOK        time.Time
	UltimoErrore    string
	UltimoTentativo time.Time
	Online          bool
}

// RegistroSync reads the sync state.
func (db *DB) RegistroSync(ctx context.Context) (StatoRegistroSync, error) {
	var s StatoRegistroSync
	var ok, tent string
	var on int
	err := db.r.QueryRowContext(ctx, `SELECT cursore, ultimo_ok, ultimo_errore, ultimo_tentativo, online FROM registro_sync WHERE id = 1`).
		Scan(&s.Cursore, &ok, &s.UltimoErrore, &tent, &on)
	s.UltimoOK, s.UltimoTentativo, s.Online = parseJobTime(ok), parseJobTime(tent), on == 1
	return s, err
}

// SalvaCursore stores the feed cursor (in the transaction of the page applied).
func (tx *Tx) SalvaCursore(ctx context.Context, cursore string) error {
	_, err := tx.ExecContext(ctx, `UPDATE registro_sync SET cursore = ? WHERE id = 1`, cursore)
	return err
}

// FineGiro records the outcome of a sync round: errore "" is a success.
func (tx *Tx) FineGiro(ctx context.Context, online bool, errore string) error {
	now := jobTime(tx.Now)
	if errore == "" {
		_, err := tx.ExecContext(ctx, `UPDATE registro_sync SET ultimo_ok = ?, ultimo_tentativo = ?, ultimo_errore = '', online = 1
			WHERE id = 1`, now, now)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE registro_sync SET ultimo_tentativo = ?, ultimo_errore = ?, online = ? WHERE id = 1`,
		now, errore, boolInt(online))
	return err
}

// ---- conflitti

// Stati of a conflict.
const (
	ConflittoAperto = "APERTO"
	ConflittoLocale = "LOCALE" // resolved keeping Sportello's version
	ConflittoRemoto = "REMOTO" // resolved keeping the provider's version
)

// ConflittoRegistro is a record changed both locally and by the provider.
type ConflittoRegistro struct {
	ID             int64
	Entita         string
	IDLocale       int64
	IDRemoto       string
	OutboxID       int64
	Locale         string // JSON, provider format
	Remoto         string // JSON, provider format
	VersioneRemota int64
	RilevatoIl     time.Time
	Stato          string
	RisoltoIl      time.Time
	RisoltoDa      string
}

const conflittoCols = `id, entita, id_locale, id_remoto, outbox_id, locale, remoto, versione_remota, rilevato_il, stato, risolto_il, risolto_da`

func scanConflitto(row interface{ Scan(...any) error }) (ConflittoRegistro, error) {
	var c ConflittoRegistro
	var ril, ris string
	err := row.Scan(&c.ID, &c.Entita, &c.IDLocale, &c.IDRemoto, &c.OutboxID, &c.Locale, &c.Remoto, &c.VersioneRemota, &ril,
		&c.Stato, &ris, &c.RisoltoDa)
	if err == sql.ErrNoRows {
		return c, ErrNotFound
	}
	c.RilevatoIl, c.RisoltoIl = parseJobTime(ril), parseJobTime(ris)
	return c, err
}

// InserisciConflitto records a new open conflict.
func (tx *Tx) InserisciConflitto(ctx context.Context, c ConflittoRegistro) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO registro_conflitti (entita, id_locale, id_remoto, outbox_id, locale, remoto,
		versione_remota, rilevato_il) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Entita, c.IDLocale, c.IDRemoto, c.OutboxID, c.Locale, c.Remoto, c.VersioneRemota, jobTime(tx.Now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// AggiornaRemotoConflitto replaces an open conflict's provider record with a newer one.
func (tx *Tx) AggiornaRemotoConflitto(ctx context.Context, id int64, remoto string, versione int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE registro_conflitti SET remoto = ?, versione_remota = ? WHERE id = ? AND versione_remota < ?`,
		remoto, versione, id, versione)
	return err
}

// ConflittoAperto finds a record's open conflict.
func (tx *Tx) ConflittoAperto(ctx context.Context, entita string, idLocale int64) (ConflittoRegistro, error) {
	return scanConflitto(tx.QueryRowContext(ctx, `SELECT `+conflittoCols+` FROM registro_conflitti
		WHERE entita = ? AND id_locale = ? AND stato = 'APERTO' ORDER BY id DESC LIMIT 1`, entita, idLocale))
}

// HaConflittoAperto reports whether a record has an open conflict.
func (db *DB) HaConflittoAperto(ctx context.Context, entita string, idLocale int64) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM registro_conflitti WHERE entita = ? AND id_locale = ? AND stato = 'APERTO'`,
		entita, idLocale).Scan(&n)
	return n > 0, err
}

// ConflittoByID reads a conflict inside the transaction.
func (tx *Tx) ConflittoByID(ctx context.Context, id int64) (ConflittoRegistro, error) {
	return scanConflitto(tx.QueryRowContext(ctx, `SELECT `+conflittoCols+` FROM registro_conflitti WHERE id = ?`, id))
}

// ConflittiRegistro lists the conflicts, open only or all, oldest first.
func (db *DB) ConflittiRegistro(ctx context.Context, soloAperti bool) ([]ConflittoRegistro, error) {
	q := `SELECT ` + conflittoCols + ` FROM registro_conflitti`
	if soloAperti {
		q += ` WHERE stato = 'APERTO'`
	}
	return scanAll(scanConflitto)(db.r.QueryContext(ctx, q+` ORDER BY id`))
}

// ContaConflittiAperti counts the open conflicts.
func (db *DB) ContaConflittiAperti(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM registro_conflitti WHERE stato = 'APERTO'`).Scan(&n)
	return n, err
}

// ChiudiConflitto records the operator's choice.
func (tx *Tx) ChiudiConflitto(ctx context.Context, id int64, stato string) error {
	_, err := tx.ExecContext(ctx, `UPDATE registro_conflitti SET stato = ?, risolto_il = ?, risolto_da = ? WHERE id = ?`,
		stato, jobTime(tx.Now), tx.Operator, id)
	return err
}

// ---- dati del titolare per il provider

// DatiTitolare is an owner with its first address and company: what the
// provider's owner record is built from.
type DatiTitolare struct {
	Titolare  Titolare
	Indirizzo *Indirizzo
	Attivita  *Attivita
}

func datiTitolare(q queryRower, ctx context.Context, id int64) (DatiTitolare, error) {
	var d DatiTitolare
	var err error
	if d.Titolare, err = scanTitolare(q.QueryRowContext(ctx, `SELECT `+titolareCols+` FROM titolari t WHERE t.id = ?`, id)); err != nil {
		return d, err
	}
	i, err := scanIndirizzo(q.QueryRowContext(ctx, `SELECT `+indirizzoCols+` FROM indirizzi i WHERE i.titolare_id = ? ORDER BY i.id LIMIT 1`, id))
	switch {
	case err == nil:
		d.Indirizzo = &i
	case err != ErrNotFound:
		return d, err
	}
	a, err := scanAttivita(q.QueryRowContext(ctx, `SELECT `+attivitaCols+` FROM attivita a WHERE a.titolare_id = ? ORDER BY a.id LIMIT 1`, id))
	switch {
	case err == nil:
		d.Attivita = &a
	case err != ErrNotFound:
		return d, err
	}
	return d, nil
}

// DatiTitolare reads an owner with its first address and company, whatever the scope.
func (db *DB) DatiTitolare(ctx context.Context, id int64) (DatiTitolare, error) {
	return datiTitolare(db.r, ctx, id)
}

// DatiTitolare reads an owner with its first address and company inside the transaction.
func (tx *Tx) DatiTitolare(ctx context.Context, id int64) (DatiTitolare, error) {
	return datiTitolare(tx, ctx, id)
}

// TitolareDiRiga is the owner an indirizzo or attivita row belongs to.
func (db *DB) TitolareDiRiga(ctx context.Context, entita string, id int64) (int64, error) {
	table := map[string]string{"indirizzo": "indirizzi", "attivita": "attivita"}[entita]
	if table == "" {
		return 0, ErrNotFound
	}
	var t int64
	err := db.r.QueryRowContext(ctx, `SELECT titolare_id FROM `+table+` WHERE id = ?`, id).Scan(&t)
	if err == sql.ErrNoRows {
		return 0, ErrNotFound
	}
	return t, err
}

// CasellaPerSync reads a mailbox whatever the scope.
func (db *DB) CasellaPerSync(ctx context.Context, id int64) (Casella, error) {
	return db.CasellaByID(ctx, Ambito{}, id)
}
