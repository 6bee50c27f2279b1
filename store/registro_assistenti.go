package store

import (
	"context"
	"database/sql"
	"strconv"
)

// Assistente is an assistant of the reseller: a Sportello operator account
// (Username) that works on its own share of the records.
type Assistente struct {
	ID                 int64
	Username           string
	Nome               string
	Cognome            string
	CodiceFiscale      string
	EmailPEC           string
	Attivo             bool
	GestioneAPacchetti bool
}

func (a Assistente) fields() map[string]string {
	return map[string]string{"username": a.Username, "nome": a.Nome, "cognome": a.Cognome, "codice_fiscale": a.CodiceFiscale,
		"email_pec": a.EmailPEC, "attivo": strconv.FormatBool(a.Attivo),
		"gestione_a_pacchetti": strconv.FormatBool(a.GestioneAPacchetti)}
}

const assistenteCols = `id, username, nome, cognome, codice_fiscale, email_pec, attivo, gestione_a_pacchetti`

func scanAssistente(row interface{ Scan(...any) error }) (Assistente, error) {
	var a Assistente
	var attivo, pacchetti int
	err := row.Scan(&a.ID, &a.Username, &a.Nome, &a.Cognome, &a.CodiceFiscale, &a.EmailPEC, &attivo, &pacchetti)
	if err == sql.ErrNoRows {
		return a, ErrNotFound
	}
	a.Attivo, a.GestioneAPacchetti = attivo == 1, pacchetti == 1
	return a, err
}

// Assistenti lists the assistants by surname.
func (db *DB) Assistenti(ctx context.Context) ([]Assistente, error) {
	return scanAll(scanAssistente)(db.r.QueryContext(ctx, `SELECT `+assistenteCols+` FROM assistenti
		ORDER BY cognome COLLATE NOCASE, nome COLLATE NOCASE, id`))
}

// AssistenteByUsername finds the assistant row of an operator account.
func (db *DB) AssistenteByUsername(ctx context.Context, username string) (Assistente, error) {
	return scanAssistente(db.r.QueryRowContext(ctx, `SELECT `+assistenteCols+` FROM assistenti WHERE username = ?`, username))
}

// AssistenteByUsername finds the assistant row of an operator account inside the transaction.
func (tx *Tx) AssistenteByUsername(ctx context.Context, username string) (Assistente, error) {
	return scanAssistente(tx.QueryRowContext(ctx, `SELECT `+assistenteCols+` FROM assistenti WHERE username = ?`, username))
}

// AssistenteByID reads an assistant inside the transaction.
func (tx *Tx) AssistenteByID(ctx context.Context, id int64) (Assistente, error) {
	return scanAssistente(tx.QueryRowContext(ctx, `SELECT `+assistenteCols+` FROM assistenti WHERE id = ?`, id))
}

// SaveAssistente inserts (ID 0) or updates an assistant.
func (tx *Tx) SaveAssistente(ctx context.Context, a Assistente) (int64, error) {
	args := []any{a.Username, a.Nome, a.Cognome, a.CodiceFiscale, a.EmailPEC, boolInt(a.Attivo), boolInt(a.GestioneAPacchetti),
		tx.Stamp(), tx.Operator}
	if a.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO assistenti (username, nome, cognome, codice_fiscale, email_pec, attivo,
			gestione_a_pacchetti, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if isUniqueViolation(err) {
			return 0, ErrDuplicate
		}
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "assistente", id, Crea, nil, a.fields())
	}
	before, err := tx.AssistenteByID(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE assistenti SET username = ?, nome = ?, cognome = ?, codice_fiscale = ?, email_pec = ?,
		attivo = ?, gestione_a_pacchetti = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`, append(args, a.ID)...)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	return a.ID, tx.registra(ctx, "assistente", a.ID, Modifica, before.fields(), a.fields())
}

// DominiAssistente lists an assistant's domains.
func (db *DB) DominiAssistente(ctx context.Context, assistenteID int64) ([]Dominio, error) {
	return scanAll(scanDominio)(db.r.QueryContext(ctx, `SELECT d.id, d.dominio, d.certificato, d.stato, d.richiesto_il,
		d.certificato_il FROM assistenti_domini ad JOIN domini d ON d.id = ad.dominio_id WHERE ad.assistente_id = ?
		ORDER BY d.dominio`, assistenteID))
}

// HaDominio reports whether a domain is assigned to an assistant.
func (tx *Tx) HaDominio(ctx context.Context, assistenteID, dominioID int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM assistenti_domini WHERE assistente_id = ? AND dominio_id = ?`,
		assistenteID, dominioID).Scan(&n)
	return n > 0, err
}

// SetDominioAssistente adds (on) or removes a domain of an assistant.
func (tx *Tx) SetDominioAssistente(ctx context.Context, assistenteID, dominioID int64, on bool) error {
	return tx.setLegame(ctx, "assistenti_domini", "assistente_id", "assistente", assistenteID, dominioID, on)
}

// PacchettoAssistente is a package of an assistant.
type PacchettoAssistente struct {
	ID           int64
	AssistenteID int64
	Nome         string
	Quantita     int
	DurataAnni   int
	Stato        string // ATTIVO, SOSPESO
}

func (p PacchettoAssistente) fields() map[string]string {
	return map[string]string{"assistente": idString(p.AssistenteID), "nome": p.Nome, "quantita": strconv.Itoa(p.Quantita),
		"durata_anni": strconv.Itoa(p.DurataAnni), "stato": p.Stato}
}

const pacchettoAssistenteCols = `id, assistente_id, nome, quantita, durata_anni, stato`

func scanPacchettoAssistente(row interface{ Scan(...any) error }) (PacchettoAssistente, error) {
	var p PacchettoAssistente
	err := row.Scan(&p.ID, &p.AssistenteID, &p.Nome, &p.Quantita, &p.DurataAnni, &p.Stato)
	if err == sql.ErrNoRows {
		return p, ErrNotFound
	}
	return p, err
}

// PacchettiAssistente lists an assistant's packages.
func (db *DB) PacchettiAssistente(ctx context.Context, assistenteID int64) ([]PacchettoAssistente, error) {
	return scanAll(scanPacchettoAssistente)(db.r.QueryContext(ctx, `SELECT `+pacchettoAssistenteCols+` FROM pacchetti_assistente
		WHERE assistente_id = ? ORDER BY id`, assistenteID))
}

// PacchettoAssistenteByID reads an assistant's package inside the transaction.
func (tx *Tx) PacchettoAssistenteByID(ctx context.Context, id int64) (PacchettoAssistente, error) {
	return scanPacchettoAssistente(tx.QueryRowContext(ctx, `SELECT `+pacchettoAssistenteCols+` FROM pacchetti_assistente WHERE id = ?`, id))
}

// QuantitaAssistenti is the total quantity of the ATTIVO assistants'
// packages, leaving one out (0: none).
func (tx *Tx) QuantitaAssistenti(ctx context.Context, escluso int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(quantita), 0) FROM pacchetti_assistente WHERE stato = 'ATTIVO' AND id <> ?`,
		escluso).Scan(&n)
	return n, err
}

// CapacitaAssistente is the total quantity of an assistant's ATTIVO packages.
func (tx *Tx) CapacitaAssistente(ctx context.Context, assistenteID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(quantita), 0) FROM pacchetti_assistente WHERE stato = 'ATTIVO'
		AND assistente_id = ?`, assistenteID).Scan(&n)
	return n, err
}

// SavePacchettoAssistente inserts (ID 0) or updates an assistant's package.
func (tx *Tx) SavePacchettoAssistente(ctx context.Context, p PacchettoAssistente) (int64, error) {
	now := jobTime(tx.Now)
	if p.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO pacchetti_assistente (assistente_id, nome, quantita, durata_anni, stato,
			creato_il, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.AssistenteID, p.Nome, p.Quantita, p.DurataAnni, p.Stato, now, now, tx.Operator)
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "pacchetto_assistente", id, Crea, nil, p.fields())
	}
	before, err := tx.PacchettoAssistenteByID(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	p.AssistenteID = before.AssistenteID
	if _, err := tx.ExecContext(ctx, `UPDATE pacchetti_assistente SET nome = ?, quantita = ?, durata_anni = ?, stato = ?,
		modificato_il = ?, modificato_da = ? WHERE id = ?`, p.Nome, p.Quantita, p.DurataAnni, p.Stato, now, tx.Operator, p.ID); err != nil {
		return 0, err
	}
	return p.ID, tx.registra(ctx, "pacchetto_assistente", p.ID, Modifica, before.fields(), p.fields())
}

// RiepilogoRegistro is the "Info Servizio" summary within a scope.
type RiepilogoRegistro struct {
	Caselle         map[string]int // by state
	PacchettiTotale int            // slots of the agents' packages (reseller) or the assistant's ATTIVO packages
	PacchettiUsati  int
	OutboxPendenti  int // changes waiting to go to the provider, of the records in scope
}

// Riepilogo computes the "Info Servizio" summary within the scope.
func (db *DB) Riepilogo(ctx context.Context, amb Ambito) (RiepilogoRegistro, error) {
	r := RiepilogoRegistro{Caselle: map[string]int{}}
	w := &where{}
	amb.filtra(w, "assistente_id")
	rows, err := db.r.QueryContext(ctx, `SELECT stato, COUNT(*) FROM caselle`+w.String()+` GROUP BY stato`, w.args...)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return r, err
		}
		r.Caselle[s] = n
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	if amb.Rivenditore() {
		err = db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(quantita), 0), (SELECT COUNT(*) FROM caselle_pacchetti)
			FROM pacchetti WHERE agente_id IS NOT NULL`).Scan(&r.PacchettiTotale, &r.PacchettiUsati)
	} else {
		err = db.r.QueryRowContext(ctx, `SELECT (SELECT COALESCE(SUM(quantita), 0) FROM pacchetti_assistente
			WHERE assistente_id = ? AND stato = 'ATTIVO'), (SELECT COUNT(*) FROM caselle WHERE assistente_id = ? AND stato <> 'CESSATA')`,
			amb.AssistenteID, amb.AssistenteID).Scan(&r.PacchettiTotale, &r.PacchettiUsati)
	}
	if err != nil {
		return r, err
	}
	r.OutboxPendenti, err = db.ContaOutboxAmbito(ctx, amb, "PENDING")
	return r, err
}

// ContaOutboxAmbito counts the outbox rows in stato of the records in the
// scope: all of them for the reseller, an assistant's own (owners,
// addresses, companies, mailboxes and their documents) for an assistant.
func (db *DB) ContaOutboxAmbito(ctx context.Context, amb Ambito, stato string) (int, error) {
	var n int
	if amb.Rivenditore() {
		err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE stato = ?`, stato).Scan(&n)
		return n, err
	}
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox o WHERE o.stato = ?2 AND (
		(o.entita = 'titolare' AND o.entita_id IN (SELECT CAST(id AS TEXT) FROM titolari WHERE assistente_id = ?1)) OR
		(o.entita = 'indirizzo' AND o.entita_id IN (SELECT CAST(id AS TEXT) FROM indirizzi WHERE assistente_id = ?1)) OR
		(o.entita = 'attivita' AND o.entita_id IN (SELECT CAST(id AS TEXT) FROM attivita WHERE assistente_id = ?1)) OR
		(o.entita = 'casella' AND o.entita_id IN (SELECT CAST(id AS TEXT) FROM caselle WHERE assistente_id = ?1)) OR
		(o.entita = 'documento' AND o.entita_id IN (SELECT CAST(d.id AS TEXT) FROM documenti d
			JOIN caselle c ON c.id = d.casella_id WHERE c.assistente_id = ?1)))`, amb.AssistenteID, stato).Scan(&n)
	return n, err
}

// ContaConflittiApertiAmbito counts the open conflicts on the records in
// the scope (conflicts are about owners and mailboxes).
func (db *DB) ContaConflittiApertiAmbito(ctx context.Context, amb Ambito) (int, error) {
	if amb.Rivenditore() {
		return db.ContaConflittiAperti(ctx)
	}
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM registro_conflitti WHERE stato = 'APERTO' AND (
		(entita = 'titolare' AND id_locale IN (SELECT id FROM titolari WHERE assistente_id = ?1)) OR
		(entita = 'casella' AND id_locale IN (SELECT id FROM caselle WHERE assistente_id = ?1)))`, amb.AssistenteID).Scan(&n)
	return n, err
}
