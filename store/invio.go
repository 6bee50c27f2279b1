package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"time"
)

// States of sending a notice (avvisi.stato_invio). The job engine moves a
// notice up to INVIATO; PEC receipts take it further, and a state set by a
// receipt is never overwritten by the job.
const (
	InvioDaInviare       = "DA_INVIARE"
	InvioInCorso         = "IN_INVIO"
	InvioInviato         = "INVIATO"
	InvioAccettato       = "ACCETTATO"
	InvioConsegnato      = "CONSEGNATO"
	InvioNonAccettato    = "NON_ACCETTATO"
	InvioErroreConsegna  = "ERRORE_CONSEGNA"
	InvioPreavvisoErrore = "PREAVVISO_ERRORE"
	InvioErrore          = "ERRORE_INVIO"
	InvioIncerto         = "INCERTO"
	InvioAnnullato       = "ANNULLATO"
)

// statiDaRicevuta are set only by receipts.
const statiDaRicevuta = `('ACCETTATO', 'CONSEGNATO', 'NON_ACCETTATO', 'ERRORE_CONSEGNA', 'PREAVVISO_ERRORE')`

// DaAccodare is a notice about to be queued for sending with a new Message-ID.
type DaAccodare struct {
	IUPD, MessageID string
}

// AvvisiDaInviare are the IUPDs of a batch's generated notices never queued.
func (tx *Tx) AvvisiDaInviare(ctx context.Context, lottoID int64) ([]string, error) {
	return scanAll(scanValue[string])(tx.QueryContext(ctx, `SELECT iupd FROM avvisi
		WHERE lotto_id = ? AND stato = 'GENERATO' AND stato_invio = '' ORDER BY riga`, lottoID))
}

// AccodaInvii gives each notice its Message-ID and puts it DA_INVIARE.
func (tx *Tx) AccodaInvii(ctx context.Context, rows []DaAccodare) error {
	upd, err := tx.PrepareContext(ctx, `UPDATE avvisi SET stato_invio = 'DA_INVIARE', message_id = ?, errore_invio = '',
		consegnato_il = '', modificato_il = ?, modificato_da = ? WHERE iupd = ? RETURNING id`)
	if err != nil {
		return err
	}
	defer upd.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO avvisi_messaggi (message_id, avviso_id, creato_il) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, r := range rows {
		var id int64
		if err := upd.QueryRowContext(ctx, r.MessageID, tx.Stamp(), tx.Operator, r.IUPD).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if _, err := ins.ExecContext(ctx, r.MessageID, id, tx.Stamp()); err != nil {
			return err
		}
	}
	return nil
}

// SaveJobInvio records a batch's send job.
func (tx *Tx) SaveJobInvio(ctx context.Context, lottoID int64, job string) error {
	_, err := tx.ExecContext(ctx, `UPDATE avvisi_lotti SET job_invio = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`,
		job, tx.Stamp(), tx.Operator, lottoID)
	return err
}

// StatoInvio is a send job's view of one notice.
type StatoInvio struct {
	IUPD, Stato, Errore string
	Tentativi           int
	InviatoIl           time.Time // set when Stato is INVIATO
}

// SaveStatiInvio records the send job's states, leaving alone the notices
// a receipt has already moved further.
func (tx *Tx) SaveStatiInvio(ctx context.Context, ss []StatoInvio) error {
	stmt, err := tx.PrepareContext(ctx, `UPDATE avvisi SET stato_invio = ?, errore_invio = ?, tentativi_invio = ?,
		inviato_il = CASE WHEN ? != '' THEN ? ELSE inviato_il END,
		consegnato_il = CASE WHEN ? = 'CONSEGNATO' THEN ? ELSE consegnato_il END, modificato_il = ?, modificato_da = ?
		WHERE iupd = ? AND stato_invio NOT IN `+statiDaRicevuta)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, s := range ss {
		var at string
		if !s.InviatoIl.IsZero() {
			at = s.InviatoIl.UTC().Format(time.RFC3339)
		}
		if _, err := stmt.ExecContext(ctx, s.Stato, s.Errore, s.Tentativi, at, at, s.Stato, at, tx.Stamp(), tx.Operator, s.IUPD); err != nil {
			return err
		}
	}
	return nil
}

// ConteggiInvio counts a batch's notices by sending state.
func (db *DB) ConteggiInvio(ctx context.Context, lottoID int64) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT stato_invio, COUNT(*) FROM avvisi WHERE lotto_id = ? GROUP BY stato_invio`, lottoID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// CasellaPosta is one of the ente's outgoing mailboxes (the password is
// kept in the keyring).
type CasellaPosta struct {
	Tipo              string // PEC or EMAIL
	Indirizzo, Utente string
	SMTPHost          string
	SMTPPorta         int
	SMTPSicurezza     string
	IMAPHost          string
	IMAPPorta         int
	IMAPSicurezza     string
	CAPEM             string
	ModificatoIl      time.Time
	ModificatoDa      string
}

// CasellaPosta reads a mailbox's configuration (ErrNotFound if none).
func (db *DB) CasellaPosta(ctx context.Context, tipo string) (CasellaPosta, error) {
	var c CasellaPosta
	var mod string
	err := db.r.QueryRowContext(ctx, `SELECT tipo, indirizzo, utente, smtp_host, smtp_porta, smtp_sicurezza, imap_host, imap_porta,
		imap_sicurezza, ca_pem, modificato_il, modificato_da FROM posta_caselle WHERE tipo = ?`, tipo).Scan(&c.Tipo, &c.Indirizzo,
		&c.Utente, &c.SMTPHost, &c.SMTPPorta, &c.SMTPSicurezza, &c.IMAPHost, &c.IMAPPorta, &c.IMAPSicurezza, &c.CAPEM, &mod, &c.ModificatoDa)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return c, err
}

func casellaFields(c CasellaPosta) map[string]string {
	itoa := strconv.Itoa
	digest := func(s string) string { // the certificate's fingerprint, not its text, in the audit trail
		if s == "" {
			return ""
		}
		sum := sha256.Sum256([]byte(s))
		return "sha256:" + hex.EncodeToString(sum[:8])
	}
	return map[string]string{"indirizzo": c.Indirizzo, "utente": c.Utente, "smtp": c.SMTPHost + ":" + itoa(c.SMTPPorta) + " " + c.SMTPSicurezza,
		"imap": c.IMAPHost + ":" + itoa(c.IMAPPorta) + " " + c.IMAPSicurezza, "ca_pem": digest(c.CAPEM)}
}

// SaveCasellaPosta stores a mailbox's configuration, audited.
func (tx *Tx) SaveCasellaPosta(ctx context.Context, c CasellaPosta) error {
	var before CasellaPosta
	action := Modifica
	err := tx.QueryRowContext(ctx, `SELECT indirizzo, utente, smtp_host, smtp_porta, smtp_sicurezza, imap_host, imap_porta, imap_sicurezza,
		ca_pem FROM posta_caselle WHERE tipo = ?`, c.Tipo).Scan(&before.Indirizzo, &before.Utente, &before.SMTPHost, &before.SMTPPorta,
		&before.SMTPSicurezza, &before.IMAPHost, &before.IMAPPorta, &before.IMAPSicurezza, &before.CAPEM)
	if errors.Is(err, sql.ErrNoRows) {
		action = Crea
	} else if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO posta_caselle (tipo, indirizzo, utente, smtp_host, smtp_porta, smtp_sicurezza,
		imap_host, imap_porta, imap_sicurezza, ca_pem, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tipo) DO UPDATE SET indirizzo = excluded.indirizzo, utente = excluded.utente, smtp_host = excluded.smtp_host,
		smtp_porta = excluded.smtp_porta, smtp_sicurezza = excluded.smtp_sicurezza, imap_host = excluded.imap_host,
		imap_porta = excluded.imap_porta, imap_sicurezza = excluded.imap_sicurezza, ca_pem = excluded.ca_pem,
		modificato_il = excluded.modificato_il, modificato_da = excluded.modificato_da`,
		c.Tipo, c.Indirizzo, c.Utente, c.SMTPHost, c.SMTPPorta, c.SMTPSicurezza, c.IMAPHost, c.IMAPPorta, c.IMAPSicurezza, c.CAPEM,
		tx.Stamp(), tx.Operator); err != nil {
		return err
	}
	var changes []FieldChange
	if action == Crea {
		changes = Diff(map[string]string{}, casellaFields(c))
	} else {
		changes = Diff(casellaFields(before), casellaFields(c))
	}
	return tx.Audit(ctx, "casella_posta", c.Tipo, action, changes)
}

// RicevutaPEC is a receipt read from the PEC mailbox.
type RicevutaPEC struct {
	ID                      int64
	Casella                 string
	UIDValidity, UID        uint32
	Tipo, Riferimento       string
	Destinatario            string
	Errore, ErroreEsteso    string
	Oggetto, Identificativo string
	Data, LettaIl           time.Time
	SHA256                  string
	EML                     []byte // only when read with RicevutaEML
	IUV                     string // of the notice it is about, if any
}

// LetturaPEC is how far a mailbox has been read.
func (db *DB) LetturaPEC(ctx context.Context, casella string) (uidValidity, ultimoUID uint32, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT uid_validity, ultimo_uid FROM pec_letture WHERE casella = ?`, casella).Scan(&uidValidity, &ultimoUID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return uidValidity, ultimoUID, err
}

// SaveLetturaPEC records how far a mailbox has been read.
func (tx *Tx) SaveLetturaPEC(ctx context.Context, casella string, uidValidity, ultimoUID uint32) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO pec_letture (casella, uid_validity, ultimo_uid) VALUES (?, ?, ?)
		ON CONFLICT (casella) DO UPDATE SET uid_validity = excluded.uid_validity,
		ultimo_uid = CASE WHEN uid_validity = excluded.uid_validity THEN MAX(ultimo_uid, excluded.ultimo_uid) ELSE excluded.ultimo_uid END`,
		casella, uidValidity, ultimoUID)
	return err
}

// InsertRicevuta stores a receipt; false if that message of the mailbox was stored already.
func (tx *Tx) InsertRicevuta(ctx context.Context, r RicevutaPEC) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO pec_ricevute (casella, uid_validity, uid, tipo, riferimento, destinatario, errore,
		errore_esteso, oggetto, identificativo, data, letta_il, sha256, eml) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (casella, uid_validity, uid) DO NOTHING`, r.Casella, r.UIDValidity, r.UID, r.Tipo, r.Riferimento, r.Destinatario,
		r.Errore, r.ErroreEsteso, r.Oggetto, r.Identificativo, r.Data.UTC().Format(time.RFC3339), tx.Stamp(), r.SHA256, r.EML)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ApplicaRicevuta moves the notice whose current Message-ID is messageID
// to stato, unless it is already in a state that comes later; it returns
// the notice's IUPD ("" if the receipt is not about a current send).
func (tx *Tx) ApplicaRicevuta(ctx context.Context, messageID, stato, errore string, at time.Time) (string, error) {
	// Receipts may be read out of order: a delivery is never undone by a
	// late acceptance, and a delivery error by nothing but a delivery.
	var iupd, attuale string
	err := tx.QueryRowContext(ctx, `SELECT iupd, stato_invio FROM avvisi WHERE message_id = ?`, messageID).Scan(&iupd, &attuale)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if rangoInvio[stato] <= rangoInvio[attuale] {
		return iupd, nil
	}
	consegnato := ""
	if stato == InvioConsegnato {
		consegnato = at.UTC().Format(time.RFC3339)
	}
	_, err = tx.ExecContext(ctx, `UPDATE avvisi SET stato_invio = ?, errore_invio = ?, consegnato_il = ?, modificato_il = ?,
		modificato_da = ? WHERE message_id = ?`, stato, errore, consegnato, tx.Stamp(), tx.Operator, messageID)
	if err != nil {
		return "", err
	}
	return iupd, tx.Audit(ctx, "avviso", iupd, Modifica, []FieldChange{{Field: "stato_invio", Before: attuale, After: stato}})
}

// rangoInvio orders the states a receipt can move a notice through.
var rangoInvio = map[string]int{
	"": 0, InvioDaInviare: 0, InvioInCorso: 1, InvioIncerto: 1, InvioErrore: 1, InvioAnnullato: 1, InvioInviato: 2,
	InvioAccettato: 3, InvioPreavvisoErrore: 4, InvioNonAccettato: 5, InvioErroreConsegna: 5, InvioConsegnato: 6,
}

// RicevuteAvviso lists the receipts of every send of a notice, oldest first (without the raw message).
func (db *DB) RicevuteAvviso(ctx context.Context, avvisoID int64) ([]RicevutaPEC, error) {
	return scanAll(scanRicevuta)(db.r.QueryContext(ctx, `SELECT `+ricevutaColumns+` FROM pec_ricevute r
		JOIN avvisi_messaggi m ON m.message_id = r.riferimento JOIN avvisi a ON a.id = m.avviso_id
		WHERE m.avviso_id = ? ORDER BY r.data, r.id`, avvisoID))
}

// RicevutaEML reads a stored receipt with its raw message.
func (db *DB) RicevutaEML(ctx context.Context, id int64) (RicevutaPEC, error) {
	var r RicevutaPEC
	var eml []byte
	err := db.r.QueryRowContext(ctx, `SELECT eml FROM pec_ricevute WHERE id = ?`, id).Scan(&eml)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	r, err = scanRicevuta(db.r.QueryRowContext(ctx, `SELECT `+ricevutaColumns+` FROM pec_ricevute r
		LEFT JOIN avvisi_messaggi m ON m.message_id = r.riferimento LEFT JOIN avvisi a ON a.id = m.avviso_id WHERE r.id = ?`, id))
	r.EML = eml
	return r, err
}

const ricevutaColumns = `r.id, r.casella, r.uid_validity, r.uid, r.tipo, r.riferimento, r.destinatario, r.errore, r.errore_esteso,
	r.oggetto, r.identificativo, r.data, r.letta_il, r.sha256, COALESCE(a.iuv, '')`

func scanRicevuta(row interface{ Scan(...any) error }) (RicevutaPEC, error) {
	var r RicevutaPEC
	var data, letta string
	err := row.Scan(&r.ID, &r.Casella, &r.UIDValidity, &r.UID, &r.Tipo, &r.Riferimento, &r.Destinatario, &r.Errore, &r.ErroreEsteso,
		&r.Oggetto, &r.Identificativo, &data, &letta, &r.SHA256, &r.IUV)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	r.Data, _ = time.Parse(time.RFC3339, data)
	r.LettaIl, _ = time.Parse(time.RFC3339, letta)
	return r, err
}

// SpedizioneLotto is how a batch goes out: PEC or EMAIL.
func (tx *Tx) SpedizioneLotto(ctx context.Context, lottoUUID string) (string, error) {
	var sped string
	err := tx.QueryRowContext(ctx, `SELECT spedizione FROM avvisi_lotti WHERE uuid = ?`, lottoUUID).Scan(&sped)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return sped, err
}
