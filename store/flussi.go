package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Queries of App IO flows and notifications (core/flussi). Times use the
// sortable layout of the job engine (jobTime).

// Flusso is a row of flussi, with its service's name.
type Flusso struct {
	ID           int64
	UUID         string
	ServizioID   int64
	Servizio     string
	CreatoIl     time.Time
	Note         string
	Stato        string
	Contesto     string
	Chiave       string
	Errore       string
	FileOrigine  string
	Totale       int
	JobUUID      string
	ModificatoIl time.Time
	ModificatoDa string
}

// Notifica is a row of notifiche, with its service's name and its flow's UUID.
type Notifica struct {
	ID               int64
	UUID             string
	FlussoID         int64
	FlussoUUID       string
	Riga             int
	ServizioID       int64
	Servizio         string
	CodiceFiscale    string
	Oggetto          string
	Contenuto        string
	Scadenza         time.Time
	Importo          int64
	CodiceAvviso     string
	PagaDopoScadenza bool
	Impronta         string

	StatoInvio  string
	IDMessaggio string
	Tentativi   int
	InviataIl   time.Time
	Errore      string

	StatoConsegna  string
	StatoMail      string
	StatoWebhook   string
	StatoLettura   string
	StatoPagamento string
	VerificataIl   time.Time

	CreataIl     time.Time
	ModificatoIl time.Time
	ModificatoDa string
}

// FiltroFlussi selects flows; zero fields do not filter.
type FiltroFlussi struct {
	ServizioID int64
	Stato      string
	Dal, Al    time.Time // creation time, Al exclusive
	Note       string    // substring, case-insensitive
	UUID       string    // prefix
}

// FiltroNotifiche selects notifications; zero fields do not filter.
type FiltroNotifiche struct {
	FlussoID      int64
	Singole       bool // only notifications outside any flow
	ServizioID    int64
	CodiceFiscale string
	StatoInvio    string
	StatoConsegna string
	Dal, Al       time.Time // creation time, Al exclusive
	Oggetto       string    // substring, case-insensitive
	UUID          string    // prefix
}

const flussoCols = `f.id, f.uuid, f.servizio_id, s.nome, f.creato_il, f.note, f.stato, f.contesto, f.chiave, f.errore,
	f.file_origine, f.totale, f.job_uuid, f.modificato_il, f.modificato_da`

func scanFlusso(row interface{ Scan(...any) error }) (Flusso, error) {
	var f Flusso
	var creato, mod string
	err := row.Scan(&f.ID, &f.UUID, &f.ServizioID, &f.Servizio, &creato, &f.Note, &f.Stato, &f.Contesto, &f.Chiave,
		&f.Errore, &f.FileOrigine, &f.Totale, &f.JobUUID, &mod, &f.ModificatoDa)
	if err == sql.ErrNoRows {
		return f, ErrNotFound
	}
	f.CreatoIl, f.ModificatoIl = parseJobTime(creato), parseJobTime(mod)
	return f, err
}

const notificaCols = `n.id, n.uuid, COALESCE(n.flusso_id, 0), COALESCE(f.uuid, ''), n.riga, n.servizio_id, s.nome,
	n.codice_fiscale, n.oggetto, n.contenuto, n.scadenza, n.importo, n.codice_avviso, n.paga_dopo_scadenza, n.impronta,
	n.stato_invio, n.id_messaggio, n.tentativi, n.inviata_il, n.errore,
	n.stato_consegna, n.stato_mail, n.stato_webhook, n.stato_lettura, n.stato_pagamento, n.verificata_il,
	n.creata_il, n.modificato_il, n.modificato_da`

const notificaFrom = ` FROM notifiche n JOIN servizi_io s ON s.id = n.servizio_id LEFT JOIN flussi f ON f.id = n.flusso_id`

func scanNotifica(row interface{ Scan(...any) error }) (Notifica, error) {
	var n Notifica
	var scad, inviata, verif, creata, mod string
	var paga int
	err := row.Scan(&n.ID, &n.UUID, &n.FlussoID, &n.FlussoUUID, &n.Riga, &n.ServizioID, &n.Servizio,
		&n.CodiceFiscale, &n.Oggetto, &n.Contenuto, &scad, &n.Importo, &n.CodiceAvviso, &paga, &n.Impronta,
		&n.StatoInvio, &n.IDMessaggio, &n.Tentativi, &inviata, &n.Errore,
		&n.StatoConsegna, &n.StatoMail, &n.StatoWebhook, &n.StatoLettura, &n.StatoPagamento, &verif,
		&creata, &mod, &n.ModificatoDa)
	if err == sql.ErrNoRows {
		return n, ErrNotFound
	}
	n.PagaDopoScadenza = paga == 1
	n.Scadenza, n.InviataIl, n.VerificataIl = parseJobTime(scad), parseJobTime(inviata), parseJobTime(verif)
	n.CreataIl, n.ModificatoIl = parseJobTime(creata), parseJobTime(mod)
	return n, err
}

// scanValue reads a one-column row: scanAll(scanValue[string]).
func scanValue[T any](row interface{ Scan(...any) error }) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}

// scanAll turns a row scanner into a reader of whole results:
// scanAll(scanFlusso)(db.QueryContext(...)).
func scanAll[T any](scan func(interface{ Scan(...any) error }) (T, error)) func(*sql.Rows, error) ([]T, error) {
	return func(rows *sql.Rows, err error) ([]T, error) {
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []T
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, rows.Err()
	}
}

// where builds a WHERE clause from conditions with their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

func flussiWhere(fl FiltroFlussi) *where {
	w := &where{}
	if fl.ServizioID != 0 {
		w.add("f.servizio_id = ?", fl.ServizioID)
	}
	if fl.Stato != "" {
		w.add("f.stato = ?", fl.Stato)
	}
	if !fl.Dal.IsZero() {
		w.add("f.creato_il >= ?", jobTime(fl.Dal))
	}
	if !fl.Al.IsZero() {
		w.add("f.creato_il < ?", jobTime(fl.Al))
	}
	if fl.Note != "" {
		w.add(`LOWER(f.note) LIKE ? ESCAPE '\'`, likeArg(fl.Note))
	}
	if fl.UUID != "" {
		w.add("f.uuid >= ? AND f.uuid < ?", strings.ToLower(fl.UUID), strings.ToLower(fl.UUID)+"\uffff")
	}
	return w
}

// CountFlussi counts the flows matching fl.
func (db *DB) CountFlussi(ctx context.Context, fl FiltroFlussi) (int, error) {
	w := flussiWhere(fl)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM flussi f`+w.String(), w.args...).Scan(&n)
	return n, err
}

// Flussi pages through the flows matching fl, newest first.
func (db *DB) Flussi(ctx context.Context, fl FiltroFlussi, offset, limit int) ([]Flusso, error) {
	w := flussiWhere(fl)
	return scanAll(scanFlusso)(db.r.QueryContext(ctx, `SELECT `+flussoCols+` FROM flussi f JOIN servizi_io s ON s.id = f.servizio_id`+
		w.String()+` ORDER BY f.creato_il DESC, f.id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...))
}

// FlussoByUUID reads a flow.
func (db *DB) FlussoByUUID(ctx context.Context, uuid string) (Flusso, error) {
	return scanFlusso(db.r.QueryRowContext(ctx, `SELECT `+flussoCols+` FROM flussi f JOIN servizi_io s ON s.id = f.servizio_id
		WHERE f.uuid = ?`, uuid))
}

// FlussoByUUID reads a flow inside the transaction.
func (tx *Tx) FlussoByUUID(ctx context.Context, uuid string) (Flusso, error) {
	return scanFlusso(tx.QueryRowContext(ctx, `SELECT `+flussoCols+` FROM flussi f JOIN servizi_io s ON s.id = f.servizio_id
		WHERE f.uuid = ?`, uuid))
}

// FlussiInStato lists the flows in one state (e.g. those being sent, to resume them).
func (db *DB) FlussiInStato(ctx context.Context, stato string) ([]Flusso, error) {
	return scanAll(scanFlusso)(db.r.QueryContext(ctx, `SELECT `+flussoCols+` FROM flussi f JOIN servizi_io s ON s.id = f.servizio_id
		WHERE f.stato = ? ORDER BY f.creato_il`, stato))
}

func flussoFields(f Flusso) map[string]string {
	return map[string]string{"servizio": strconv.FormatInt(f.ServizioID, 10), "note": f.Note, "stato": f.Stato,
		"contesto": f.Contesto, "chiave": f.Chiave, "errore": f.Errore, "file_origine": f.FileOrigine,
		"totale": strconv.Itoa(f.Totale), "job": f.JobUUID}
}

// InsertFlusso creates a flow and audits it; its notifications follow with InsertNotifiche.
func (tx *Tx) InsertFlusso(ctx context.Context, f Flusso) (int64, error) {
	now := jobTime(tx.Now)
	res, err := tx.ExecContext(ctx, `INSERT INTO flussi (uuid, servizio_id, creato_il, note, stato, contesto, chiave, errore,
		file_origine, totale, job_uuid, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.UUID, f.ServizioID, now, f.Note, f.Stato, f.Contesto, f.Chiave, f.Errore, f.FileOrigine, f.Totale, f.JobUUID, now, tx.Operator)
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
	return id, tx.Audit(ctx, "flusso", f.UUID, Crea, Diff(nil, flussoFields(f)))
}

// UpdateFlusso saves a flow's state, error, notes, context and job, auditing what changed.
func (tx *Tx) UpdateFlusso(ctx context.Context, before, after Flusso) error {
	changes := Diff(flussoFields(before), flussoFields(after))
	if len(changes) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE flussi SET stato = ?, errore = ?, note = ?, contesto = ?, chiave = ?, job_uuid = ?,
		modificato_il = ?, modificato_da = ? WHERE id = ?`,
		after.Stato, after.Errore, after.Note, after.Contesto, after.Chiave, after.JobUUID, jobTime(tx.Now), tx.Operator, before.ID)
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "flusso", before.UUID, Modifica, changes)
}

// notificheInsertRows keeps one multi-row INSERT under SQLite's 32766 parameters (16 each).
const notificheInsertRows = 400

// InsertNotifiche stores new notifications (of a flow, or a single one with
// FlussoID 0) in multi-row INSERTs. Not audited one by one: the flow's
// creation, or the single notification's, is.
func (tx *Tx) InsertNotifiche(ctx context.Context, ns []Notifica) error {
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM notifiche`).Scan(&last); err != nil {
		return err
	}
	if err := tx.insertNotifiche(ctx, ns); err != nil {
		return err
	}
	// The subjects enter the trigram index in one statement: a trigger
	// doing it row by row would make a 100,000-row import 2 s slower. This
	// is the only way notifications are inserted; triggers follow updates
	// and deletes.
	_, err := tx.ExecContext(ctx, `INSERT INTO notifiche_oggetto (rowid, oggetto) SELECT id, oggetto FROM notifiche WHERE id > ?`, last)
	return err
}

func (tx *Tx) insertNotifiche(ctx context.Context, ns []Notifica) error {
	now := jobTime(tx.Now)
	args := make([]any, 0, 16*notificheInsertRows)
	var stmt *sql.Stmt
	for start := 0; start < len(ns); start += notificheInsertRows {
		chunk := ns[start:min(start+notificheInsertRows, len(ns))]
		args = args[:0]
		for _, n := range chunk {
			var flusso any
			if n.FlussoID != 0 {
				flusso = n.FlussoID
			}
			stato := n.StatoInvio
			if stato == "" {
				stato = "DA_INVIARE"
			}
			args = append(args, n.UUID, flusso, n.Riga, n.ServizioID, n.CodiceFiscale, n.Oggetto, n.Contenuto,
				jobTime(n.Scadenza), n.Importo, n.CodiceAvviso, boolInt(n.PagaDopoScadenza), n.Impronta, stato, now, now, tx.Operator)
		}
		q := `INSERT INTO notifiche (uuid, flusso_id, riga, servizio_id, codice_fiscale, oggetto, contenuto, scadenza,
			importo, codice_avviso, paga_dopo_scadenza, impronta, stato_invio, creata_il, modificato_il, modificato_da) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), `, len(chunk)), ", ")
		var err error
		if len(chunk) == notificheInsertRows {
			if stmt == nil {
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
				defer stmt.Close()
			}
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if isUniqueViolation(err) {
			return ErrDuplicate
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func notificheWhere(fl FiltroNotifiche) *where {
	w := &where{}
	switch {
	case fl.FlussoID != 0:
		w.add("n.flusso_id = ?", fl.FlussoID)
	case fl.Singole:
		w.add("n.flusso_id IS NULL")
	}
	if fl.ServizioID != 0 {
		w.add("n.servizio_id = ?", fl.ServizioID)
	}
	if fl.CodiceFiscale != "" {
		w.add("n.codice_fiscale = ?", strings.ToUpper(strings.TrimSpace(fl.CodiceFiscale)))
	}
	if fl.StatoInvio != "" {
		w.add("n.stato_invio = ?", fl.StatoInvio)
	}
	if fl.StatoConsegna != "" {
		w.add("n.stato_consegna = ?", fl.StatoConsegna)
	}
	if !fl.Dal.IsZero() {
		w.add("n.creata_il >= ?", jobTime(fl.Dal))
	}
	if !fl.Al.IsZero() {
		w.add("n.creata_il < ?", jobTime(fl.Al))
	}
	switch {
	case usaIndiceOggetto(fl):
		w.add(`n.id IN (SELECT rowid FROM notifiche_oggetto WHERE notifiche_oggetto MATCH ?)`, matchOggetto(fl.Oggetto))
	case fl.Oggetto != "":
		w.add(`LOWER(n.oggetto) LIKE ? ESCAPE '\'`, likeArg(fl.Oggetto))
	}
	if fl.UUID != "" {
		w.add("n.uuid >= ? AND n.uuid < ?", strings.ToLower(fl.UUID), strings.ToLower(fl.UUID)+"\uffff")
	}
	return w
}

// usaIndiceOggetto: the trigram index answers substrings of 3 characters
// or more.
func usaIndiceOggetto(fl FiltroNotifiche) bool { return utf8.RuneCountInString(fl.Oggetto) >= 3 }

// matchOggetto is the FTS5 query of a substring: one quoted phrase.
func matchOggetto(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// CountNotifiche counts the notifications matching fl.
func (db *DB) CountNotifiche(ctx context.Context, fl FiltroNotifiche) (int, error) {
	var n int
	if usaIndiceOggetto(fl) && (fl == FiltroNotifiche{Oggetto: fl.Oggetto}) {
		// Subject alone: the index counts without visiting the rows.
		err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifiche_oggetto WHERE notifiche_oggetto MATCH ?`,
			matchOggetto(fl.Oggetto)).Scan(&n)
		return n, err
	}
	w := notificheWhere(fl)
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifiche n`+w.String(), w.args...).Scan(&n)
	return n, err
}

// Notifiche pages through the notifications matching fl: a flow's in file
// order, the archive newest first.
func (db *DB) Notifiche(ctx context.Context, fl FiltroNotifiche, offset, limit int) ([]Notifica, error) {
	w := notificheWhere(fl)
	order := " ORDER BY n.id DESC"
	if fl.FlussoID != 0 {
		order = " ORDER BY n.id"
	}
	return scanAll(scanNotifica)(db.r.QueryContext(ctx, `SELECT `+notificaCols+notificaFrom+w.String()+order+` LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...))
}

// EachNotifica calls fn for every notification matching fl in page order,
// reading in pages of size so that any number of rows streams in constant memory.
func (db *DB) EachNotifica(ctx context.Context, fl FiltroNotifiche, fn func(Notifica) error) error {
	const size = 2000
	w := notificheWhere(fl)
	desc := fl.FlussoID == 0
	var last int64
	for {
		page := *w
		page.args = append([]any(nil), w.args...)
		order := " ORDER BY n.id"
		if desc {
			if last != 0 {
				page.add("n.id < ?", last)
			}
			order = " ORDER BY n.id DESC"
		} else if last != 0 {
			page.add("n.id > ?", last)
		}
		ns, err := scanAll(scanNotifica)(db.r.QueryContext(ctx, `SELECT `+notificaCols+notificaFrom+page.String()+order+` LIMIT ?`,
			append(page.args, size)...))
		if err != nil {
			return err
		}
		for _, n := range ns {
			if err := fn(n); err != nil {
				return err
			}
		}
		if len(ns) < size {
			return nil
		}
		last = ns[len(ns)-1].ID
	}
}

// NotificaByUUID reads a notification.
func (db *DB) NotificaByUUID(ctx context.Context, uuid string) (Notifica, error) {
	return scanNotifica(db.r.QueryRowContext(ctx, `SELECT `+notificaCols+notificaFrom+` WHERE n.uuid = ?`, uuid))
}

// NotificaByUUID reads a notification inside the transaction.
func (tx *Tx) NotificaByUUID(ctx context.Context, uuid string) (Notifica, error) {
	return scanNotifica(tx.QueryRowContext(ctx, `SELECT `+notificaCols+notificaFrom+` WHERE n.uuid = ?`, uuid))
}

// ConteggiNotifiche counts a flow's notifications per transmission state and per delivery state.
func (db *DB) ConteggiNotifiche(ctx context.Context, flussoID int64) (perInvio, perConsegna map[string]int, err error) {
	perInvio, perConsegna = map[string]int{}, map[string]int{}
	rows, err := db.r.QueryContext(ctx, `SELECT stato_invio, stato_consegna, COUNT(*) FROM notifiche WHERE flusso_id = ?
		GROUP BY stato_invio, stato_consegna`, flussoID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var si, sc string
		var n int
		if err := rows.Scan(&si, &sc, &n); err != nil {
			return nil, nil, err
		}
		perInvio[si] += n
		if sc != "" {
			perConsegna[sc] += n
		}
	}
	return perInvio, perConsegna, rows.Err()
}

// NotificheDaInviare lists the UUIDs of a flow's notifications waiting to be sent.
func (tx *Tx) NotificheDaInviare(ctx context.Context, flussoID int64) ([]string, error) {
	return scanAll(scanValue[string])(tx.QueryContext(ctx, `SELECT uuid FROM notifiche WHERE flusso_id = ? AND stato_invio = 'DA_INVIARE' ORDER BY id`, flussoID))
}

// Destinatari lists the distinct fiscal codes of a flow's notifications waiting to be sent.
func (db *DB) Destinatari(ctx context.Context, flussoID int64) ([]string, error) {
	return scanAll(scanValue[string])(db.r.QueryContext(ctx, `SELECT DISTINCT codice_fiscale FROM notifiche
		WHERE flusso_id = ? AND stato_invio IN ('DA_INVIARE', 'NON_RAGGIUNGIBILE') ORDER BY codice_fiscale`, flussoID))
}

// InvioNotifica is the transmission state of one notification, as the send job records it.
type InvioNotifica struct {
	UUID        string
	Stato       string
	Tentativi   int
	IDMessaggio string // kept when empty
	InviataIl   time.Time
	Errore      string
}

// SaveInvii records transmission states, 100 per statement.
func (tx *Tx) SaveInvii(ctx context.Context, us []InvioNotifica) error {
	const per = 100 // 6 parameters each
	now := jobTime(tx.Now)
	for start := 0; start < len(us); start += per {
		chunk := us[start:min(start+per, len(us))]
		args := make([]any, 0, 6*len(chunk)+2)
		args = append(args, now, tx.Operator)
		for _, u := range chunk {
			args = append(args, u.UUID, u.Stato, u.Tentativi, u.IDMessaggio, jobTime(u.InviataIl), u.Errore)
		}
		// Attempts 0 is an item (re)queued: its past calls become the base
		// the next round's attempts add to.
		q := `UPDATE notifiche SET stato_invio = v.column2,
			tentativi_precedenti = CASE WHEN v.column3 = 0 THEN notifiche.tentativi ELSE notifiche.tentativi_precedenti END,
			tentativi = CASE WHEN v.column3 = 0 THEN notifiche.tentativi ELSE notifiche.tentativi_precedenti + v.column3 END,
			id_messaggio = CASE WHEN v.column4 = '' THEN notifiche.id_messaggio ELSE v.column4 END,
			inviata_il = CASE WHEN v.column5 = '' THEN notifiche.inviata_il ELSE v.column5 END,
			errore = v.column6, modificato_il = ?, modificato_da = ?
			FROM (VALUES ` + strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?), `, len(chunk)), ", ") +
			`) AS v WHERE notifiche.uuid = v.column1`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// SegnaRaggiungibilita marks a flow's notifications to a fiscal code as not
// reachable, with the reason, or (a citizen who joined IO since) back as to
// be sent.
//
// Both go through the fiscal-code index: left to itself (no statistics)
// SQLite prefers (flusso_id, stato_invio), two equalities, and reads every
// waiting notification of the flow for each recipient — 40 s holding the
// write lock for a 10,000-row flow.
func (tx *Tx) SegnaRaggiungibilita(ctx context.Context, flussoID int64, cf string, raggiungibile bool, motivo string) error {
	if raggiungibile {
		_, err := tx.ExecContext(ctx, `UPDATE notifiche INDEXED BY notifiche_cf SET stato_invio = 'DA_INVIARE', errore = '',
			modificato_il = ?, modificato_da = ? WHERE codice_fiscale = ? AND flusso_id = ? AND stato_invio = 'NON_RAGGIUNGIBILE'`,
			jobTime(tx.Now), tx.Operator, cf, flussoID)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE notifiche INDEXED BY notifiche_cf SET stato_invio = 'NON_RAGGIUNGIBILE', errore = ?,
		modificato_il = ?, modificato_da = ? WHERE codice_fiscale = ? AND flusso_id = ? AND stato_invio = 'DA_INVIARE'`,
		motivo, jobTime(tx.Now), tx.Operator, cf, flussoID)
	return err
}

// Consegna is the delivery state of a sent notification, from getMessage.
type Consegna struct {
	UUID           string
	Stato          string
	StatoMail      string
	StatoWebhook   string
	StatoLettura   string
	StatoPagamento string
}

// SaveConsegna records what IO says of a sent notification.
func (tx *Tx) SaveConsegna(ctx context.Context, c Consegna) error {
	_, err := tx.ExecContext(ctx, `UPDATE notifiche SET stato_consegna = ?, stato_mail = ?, stato_webhook = ?, stato_lettura = ?,
		stato_pagamento = ?, verificata_il = ?, modificato_il = ?, modificato_da = ? WHERE uuid = ?`,
		c.Stato, c.StatoMail, c.StatoWebhook, c.StatoLettura, c.StatoPagamento, jobTime(tx.Now), jobTime(tx.Now), tx.Operator, c.UUID)
	return err
}

// DaVerificare lists sent notifications whose delivery IO may still change,
// least recently checked first, not checked since before.
func (db *DB) DaVerificare(ctx context.Context, before time.Time, limit int) ([]Notifica, error) {
	return scanAll(scanNotifica)(db.r.QueryContext(ctx, `SELECT `+notificaCols+notificaFrom+`
		WHERE n.stato_invio = 'INVIATA' AND n.stato_consegna NOT IN ('PROCESSED', 'REJECTED', 'FAILED') AND n.verificata_il < ?
		ORDER BY n.verificata_il, n.id LIMIT ?`, jobTime(before), limit))
}

// ImpronteInAttesa reports which of the fingerprints belong to notifications
// of the service not yet sent (DA_INVIARE, IN_INVIO, ESITO_INCERTO): a new
// identical message would be a duplicate. It reads the fingerprints of the
// waiting notifications through the state index (few, next to a large sent
// archive) rather than keeping an index on fingerprints: random 64-character
// keys made a 100,000-row import half again slower.
func (db *DB) ImpronteInAttesa(ctx context.Context, servizioID int64, impronte []string) (map[string]bool, error) {
	cercate := make(map[string]bool, len(impronte))
	for _, im := range impronte {
		cercate[im] = true
	}
	out := map[string]bool{}
	// "+servizio_id": filter on the service without its index, which would
	// walk the service's whole archive.
	rows, err := db.r.QueryContext(ctx, `SELECT impronta FROM notifiche INDEXED BY notifiche_stato
		WHERE stato_invio IN ('DA_INVIARE', 'IN_INVIO', 'ESITO_INCERTO') AND +servizio_id = ?`, servizioID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var im string
		if err := rows.Scan(&im); err != nil {
			return nil, err
		}
		if cercate[im] {
			out[im] = true
		}
	}
	return out, rows.Err()
}

// ProfiloIO is a cached getProfile answer.
type ProfiloIO struct {
	ServizioID    int64
	CodiceFiscale string
	Esito         string // RAGGIUNGIBILE, NON_ISCRITTO, SERVIZIO_DISATTIVATO
	VerificatoIl  time.Time
}

// ProfiliIO reads the cached answers for the fiscal codes that are newer than since.
func (db *DB) ProfiliIO(ctx context.Context, servizioID int64, since time.Time) (map[string]ProfiloIO, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT codice_fiscale, esito, verificato_il FROM profili_io
		WHERE servizio_id = ? AND verificato_il >= ?`, servizioID, jobTime(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]ProfiloIO{}
	for rows.Next() {
		p := ProfiloIO{ServizioID: servizioID}
		var at string
		if err := rows.Scan(&p.CodiceFiscale, &p.Esito, &at); err != nil {
			return nil, err
		}
		p.VerificatoIl = parseJobTime(at)
		out[p.CodiceFiscale] = p
	}
	return out, rows.Err()
}

// SaveProfiloIO caches a getProfile answer.
func (tx *Tx) SaveProfiloIO(ctx context.Context, p ProfiloIO) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO profili_io (servizio_id, codice_fiscale, esito, verificato_il) VALUES (?, ?, ?, ?)
		ON CONFLICT (servizio_id, codice_fiscale) DO UPDATE SET esito = excluded.esito, verificato_il = excluded.verificato_il`,
		p.ServizioID, p.CodiceFiscale, p.Esito, jobTime(tx.Now))
	return err
}
