package store

import (
	"context"
	"database/sql"
	"iter"
	"strconv"
	"strings"
	"time"
)

// Stati of a certified mailbox.
const (
	CasellaInAttesa = "IN_ATTESA"
	CasellaAttiva   = "ATTIVA"
	CasellaSospesa  = "SOSPESA"
	CasellaCessata  = "CESSATA"
)

// Casella is a certified mailbox sold by the reseller, with the names of
// what it refers to.
type Casella struct {
	ID            int64
	Indirizzo     string // nome@dominio
	DominioID     int64
	Dominio       string
	TitolareID    int64
	Titolare      string // cognome nome
	CodiceFiscale string
	IndirizzoID   int64
	AttivitaID    int64
	AgenteID      int64
	// AgenteInRichiesta: AgenteID is only requested (the mailbox is not
	// active yet); activation turns the request into the association.
	AgenteInRichiesta bool
	PacchettoID       int64 // the agent's package it belongs to, 0 if none
	Stato             string
	InseritaIl        time.Time
	AttivataIl        time.Time
	InseritaDa        string
	AssistenteID      int64
	ModificatoIl      time.Time
	ModificatoDa      string
}

func (c Casella) fields() map[string]string {
	return map[string]string{"indirizzo": c.Indirizzo, "dominio": idString(c.DominioID), "titolare": idString(c.TitolareID),
		"indirizzo_titolare": idString(c.IndirizzoID), "attivita": idString(c.AttivitaID), "agente": idString(c.AgenteID),
		"richiesta_agente": siNo(c.AgenteInRichiesta), "stato": c.Stato, "attivata_il": jobTime(c.AttivataIl), "assistente": idString(c.AssistenteID)}
}

const casellaCols = `c.id, c.indirizzo, c.dominio_id, d.dominio, c.titolare_id, t.cognome || ' ' || t.nome, t.codice_fiscale,
	c.indirizzo_id, COALESCE(c.attivita_id, 0), COALESCE(c.agente_id, 0), c.agente_in_richiesta, COALESCE(cp.pacchetto_id, 0), c.stato,
	c.inserita_il, c.attivata_il, c.inserita_da, COALESCE(c.assistente_id, 0), c.modificato_il, c.modificato_da`

const casellaFrom = ` FROM caselle c JOIN domini d ON d.id = c.dominio_id JOIN titolari t ON t.id = c.titolare_id
	LEFT JOIN caselle_pacchetti cp ON cp.casella_id = c.id`

func scanCasella(row interface{ Scan(...any) error }) (Casella, error) {
	var c Casella
	var ins, att, mod string
	err := row.Scan(&c.ID, &c.Indirizzo, &c.DominioID, &c.Dominio, &c.TitolareID, &c.Titolare, &c.CodiceFiscale,
		&c.IndirizzoID, &c.AttivitaID, &c.AgenteID, &c.AgenteInRichiesta, &c.PacchettoID, &c.Stato, &ins, &att, &c.InseritaDa, &c.AssistenteID,
		&mod, &c.ModificatoDa)
	if err == sql.ErrNoRows {
		return c, ErrNotFound
	}
	c.InseritaIl, c.AttivataIl, c.ModificatoIl = parseJobTime(ins), parseJobTime(att), parseJobTime(mod)
	return c, err
}

// FiltroCaselle selects mailboxes; zero fields do not filter.
type FiltroCaselle struct {
	Dominio    string    // exact domain name
	Casella    string    // substring of the address, case-insensitive
	Dal, Al    time.Time // insertion time, Al exclusive
	Stato      string
	TitolareID int64
	AgenteID   int64
}

// caselleWhere is the condition of fl within amb. righe: for a query that
// reads the rows (not a COUNT), the substring of the address is matched on
// the index of indirizzo (a full scan of a narrow index, then the matching
// rows only) rather than on every row of the table.
func caselleWhere(amb Ambito, fl FiltroCaselle, righe bool) *where {
	w := &where{}
	amb.filtra(w, "c.assistente_id")
	if fl.Dominio != "" {
		w.add("c.dominio_id = (SELECT id FROM domini WHERE dominio = ?)", strings.ToLower(strings.TrimSpace(fl.Dominio)))
	}
	if fl.Casella != "" && righe {
		c, a := amb.cond("assistente_id")
		w.add(`c.id IN (SELECT id FROM caselle WHERE indirizzo LIKE ? ESCAPE '\'`+c+`)`, append([]any{likeArg(strings.TrimSpace(fl.Casella))}, a...)...)
	} else if fl.Casella != "" {
		w.add(`c.indirizzo LIKE ? ESCAPE '\'`, likeArg(strings.TrimSpace(fl.Casella)))
	}
	if !fl.Dal.IsZero() {
		w.add("c.inserita_il >= ?", jobTime(fl.Dal))
	}
	if !fl.Al.IsZero() {
		w.add("c.inserita_il < ?", jobTime(fl.Al))
	}
	if fl.Stato != "" {
		w.add("c.stato = ?", fl.Stato)
	}
	if fl.TitolareID != 0 {
		w.add("c.titolare_id = ?", fl.TitolareID)
	}
	if fl.AgenteID != 0 {
		w.add("c.agente_id = ?", fl.AgenteID)
	}
	return w
}

// CountCaselle counts the mailboxes matching fl within the scope.
func (db *DB) CountCaselle(ctx context.Context, amb Ambito, fl FiltroCaselle) (int, error) {
	w := caselleWhere(amb, fl, false)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM caselle c`+w.String(), w.args...).Scan(&n)
	return n, err
}

// Caselle pages through the mailboxes matching fl within the scope, newest first.
func (db *DB) Caselle(ctx context.Context, amb Ambito, fl FiltroCaselle, offset, limit int) ([]Casella, error) {
	w := caselleWhere(amb, fl, true)
	return scanAll(scanCasella)(db.r.QueryContext(ctx, `SELECT `+casellaCols+casellaFrom+w.String()+
		` ORDER BY c.id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...))
}

// EachCasella streams every mailbox matching fl within the scope, newest
// first (for exports: constant memory).
func (db *DB) EachCasella(ctx context.Context, amb Ambito, fl FiltroCaselle) iter.Seq2[Casella, error] {
	return func(yield func(Casella, error) bool) {
		w := caselleWhere(amb, fl, true)
		rows, err := db.r.QueryContext(ctx, `SELECT `+casellaCols+casellaFrom+w.String()+` ORDER BY c.id DESC`, w.args...)
		if err != nil {
			yield(Casella{}, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCasella(rows)
			if !yield(c, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(Casella{}, err)
		}
	}
}

// CasellaByID reads a mailbox within the scope.
func (db *DB) CasellaByID(ctx context.Context, amb Ambito, id int64) (Casella, error) {
	c, a := amb.cond("c.assistente_id")
	return scanCasella(db.r.QueryRowContext(ctx, `SELECT `+casellaCols+casellaFrom+` WHERE c.id = ?`+c, append([]any{id}, a...)...))
}

// CasellaByID reads a mailbox within the scope inside the transaction.
func (tx *Tx) CasellaByID(ctx context.Context, amb Ambito, id int64) (Casella, error) {
	c, a := amb.cond("c.assistente_id")
	return scanCasella(tx.QueryRowContext(ctx, `SELECT `+casellaCols+casellaFrom+` WHERE c.id = ?`+c, append([]any{id}, a...)...))
}

// CasellaEsiste reports whether an address is taken, whatever the scope.
func (tx *Tx) CasellaEsiste(ctx context.Context, indirizzo string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM caselle WHERE indirizzo = ?`, indirizzo).Scan(&n)
	return n > 0, err
}

// InsertCasella stores a new mailbox, owned by amb.
func (tx *Tx) InsertCasella(ctx context.Context, amb Ambito, c Casella) (int64, error) {
	now := jobTime(tx.Now)
	c.AssistenteID = amb.AssistenteID
	if c.Stato == "" {
		c.Stato = CasellaInAttesa
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO caselle (indirizzo, dominio_id, titolare_id, indirizzo_id, attivita_id, agente_id,
		agente_in_richiesta, stato, inserita_il, attivata_il, inserita_da, assistente_id, modificato_il, modificato_da)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Indirizzo, c.DominioID, c.TitolareID, c.IndirizzoID, nullID(c.AttivitaID), nullID(c.AgenteID), c.AgenteInRichiesta, c.Stato, now,
		jobTime(c.AttivataIl), tx.Operator, nullID(c.AssistenteID), now, tx.Operator)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	return id, tx.registra(ctx, "casella", id, Crea, nil, c.fields())
}

// UpdateCasella saves a mailbox's state, activation time, agent and company, auditing what changed.
func (tx *Tx) UpdateCasella(ctx context.Context, before, after Casella) error {
	if _, err := tx.ExecContext(ctx, `UPDATE caselle SET stato = ?, attivata_il = ?, agente_id = ?, agente_in_richiesta = ?,
		attivita_id = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`, after.Stato, jobTime(after.AttivataIl), nullID(after.AgenteID),
		after.AgenteInRichiesta && after.AgenteID != 0,
		nullID(after.AttivitaID), jobTime(tx.Now), tx.Operator, before.ID); err != nil {
		return err
	}
	return tx.registra(ctx, "casella", before.ID, Modifica, before.fields(), after.fields())
}

// CountCaselleAssistente counts the mailboxes an assistant inserted that
// still use a slot of their packages (all but CESSATA).
func (tx *Tx) CountCaselleAssistente(ctx context.Context, assistenteID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM caselle WHERE assistente_id = ? AND stato <> 'CESSATA'`, assistenteID).Scan(&n)
	return n, err
}

// AssociaPacchetto puts a mailbox in a package (replacing any previous one).
func (tx *Tx) AssociaPacchetto(ctx context.Context, casellaID, pacchettoID, prima int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO caselle_pacchetti (casella_id, pacchetto_id, associata_il) VALUES (?, ?, ?)
		ON CONFLICT (casella_id) DO UPDATE SET pacchetto_id = excluded.pacchetto_id, associata_il = excluded.associata_il`,
		casellaID, pacchettoID, jobTime(tx.Now)); err != nil {
		return err
	}
	return tx.registra(ctx, "casella", casellaID, Modifica, map[string]string{"pacchetto": idString(prima)},
		map[string]string{"pacchetto": idString(pacchettoID)})
}

// RimuoviPacchetto takes a mailbox out of its package.
func (tx *Tx) RimuoviPacchetto(ctx context.Context, casellaID, prima int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM caselle_pacchetti WHERE casella_id = ?`, casellaID); err != nil {
		return err
	}
	return tx.registra(ctx, "casella", casellaID, Modifica, map[string]string{"pacchetto": idString(prima)},
		map[string]string{"pacchetto": ""})
}

// CountCasellePacchetto counts the mailboxes in a package.
func (tx *Tx) CountCasellePacchetto(ctx context.Context, pacchettoID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM caselle_pacchetti WHERE pacchetto_id = ?`, pacchettoID).Scan(&n)
	return n, err
}

// ---- agenti

// Agente is a sales agent of the reseller.
type Agente struct {
	ID             int64
	RagioneSociale string
	Nome           string
	Cognome        string
	Email          string
	Attivo         bool
}

func (a Agente) fields() map[string]string {
	return map[string]string{"ragione_sociale": a.RagioneSociale, "nome": a.Nome, "cognome": a.Cognome, "email": a.Email,
		"attivo": strconv.FormatBool(a.Attivo)}
}

const agenteCols = `id, ragione_sociale, nome, cognome, email, attivo`

func scanAgente(row interface{ Scan(...any) error }) (Agente, error) {
	var a Agente
	var attivo int
	err := row.Scan(&a.ID, &a.RagioneSociale, &a.Nome, &a.Cognome, &a.Email, &attivo)
	if err == sql.ErrNoRows {
		return a, ErrNotFound
	}
	a.Attivo = attivo == 1
	return a, err
}

// FiltroAgenti selects agents (substrings, case-insensitive); zero fields do not filter.
type FiltroAgenti struct{ RagioneSociale, Nome, Cognome, Email string }

// Agenti lists the agents matching fl by ragione sociale.
func (db *DB) Agenti(ctx context.Context, fl FiltroAgenti) ([]Agente, error) {
	w := &where{}
	for col, v := range map[string]string{"ragione_sociale": fl.RagioneSociale, "nome": fl.Nome, "cognome": fl.Cognome, "email": fl.Email} {
		if v != "" {
			w.add(`LOWER(`+col+`) LIKE ? ESCAPE '\'`, likeArg(strings.TrimSpace(v)))
		}
	}
	return scanAll(scanAgente)(db.r.QueryContext(ctx, `SELECT `+agenteCols+` FROM agenti`+w.String()+
		` ORDER BY ragione_sociale COLLATE NOCASE, id`, w.args...))
}

// AgenteByID reads an agent inside the transaction.
func (tx *Tx) AgenteByID(ctx context.Context, id int64) (Agente, error) {
	return scanAgente(tx.QueryRowContext(ctx, `SELECT `+agenteCols+` FROM agenti WHERE id = ?`, id))
}

// SaveAgente inserts (ID 0) or updates an agent.
func (tx *Tx) SaveAgente(ctx context.Context, a Agente) (int64, error) {
	args := []any{a.RagioneSociale, a.Nome, a.Cognome, a.Email, boolInt(a.Attivo), tx.Stamp(), tx.Operator}
	if a.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO agenti (ragione_sociale, nome, cognome, email, attivo, modificato_il,
			modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "agente", id, Crea, nil, a.fields())
	}
	before, err := tx.AgenteByID(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE agenti SET ragione_sociale = ?, nome = ?, cognome = ?, email = ?, attivo = ?,
		modificato_il = ?, modificato_da = ? WHERE id = ?`, append(args, a.ID)...); err != nil {
		return 0, err
	}
	return a.ID, tx.registra(ctx, "agente", a.ID, Modifica, before.fields(), a.fields())
}

// DominiAgente lists an agent's domains.
func (db *DB) DominiAgente(ctx context.Context, agenteID int64) ([]Dominio, error) {
	return scanAll(scanDominio)(db.r.QueryContext(ctx, `SELECT d.id, d.dominio, d.certificato, d.stato, d.richiesto_il,
		d.certificato_il FROM agenti_domini ad JOIN domini d ON d.id = ad.dominio_id WHERE ad.agente_id = ? ORDER BY d.dominio`, agenteID))
}

// SetDominioAgente adds (on) or removes a domain of an agent; nothing is
// written when it is already so.
func (tx *Tx) SetDominioAgente(ctx context.Context, agenteID, dominioID int64, on bool) error {
	return tx.setLegame(ctx, "agenti_domini", "agente_id", "agente", agenteID, dominioID, on)
}

// setLegame adds or removes a (owner, dominio) row of a link table, audited
// on the owner as field "dominio.<id>".
func (tx *Tx) setLegame(ctx context.Context, table, col, entita string, id, dominioID int64, on bool) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+col+` = ? AND dominio_id = ?`, id, dominioID).Scan(&n); err != nil {
		return err
	}
	if (n > 0) == on {
		return nil
	}
	var err error
	if on {
		_, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (`+col+`, dominio_id) VALUES (?, ?)`, id, dominioID)
	} else {
		_, err = tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+col+` = ? AND dominio_id = ?`, id, dominioID)
	}
	if err != nil {
		return err
	}
	campo := "dominio." + strconv.FormatInt(dominioID, 10)
	return tx.registra(ctx, entita, id, Modifica, map[string]string{campo: strconv.FormatBool(!on)},
		map[string]string{campo: strconv.FormatBool(on)})
}

// ---- pacchetti (of agents, and of the reseller when AgenteID is 0)

// Pacchetto is a package of mailboxes of an agent (AgenteID 0: the reseller's own).
type Pacchetto struct {
	ID         int64
	AgenteID   int64
	Nome       string
	Quantita   int
	DurataAnni int
	Usate      int // mailboxes associated (read only)
}

func (p Pacchetto) fields() map[string]string {
	return map[string]string{"agente": idString(p.AgenteID), "nome": p.Nome, "quantita": strconv.Itoa(p.Quantita),
		"durata_anni": strconv.Itoa(p.DurataAnni)}
}

const pacchettoCols = `p.id, COALESCE(p.agente_id, 0), p.nome, p.quantita, p.durata_anni,
	(SELECT COUNT(*) FROM caselle_pacchetti cp WHERE cp.pacchetto_id = p.id)`

func scanPacchetto(row interface{ Scan(...any) error }) (Pacchetto, error) {
	var p Pacchetto
	err := row.Scan(&p.ID, &p.AgenteID, &p.Nome, &p.Quantita, &p.DurataAnni, &p.Usate)
	if err == sql.ErrNoRows {
		return p, ErrNotFound
	}
	return p, err
}

// Pacchetti lists an agent's packages (agenteID 0: the reseller's own).
func (db *DB) Pacchetti(ctx context.Context, agenteID int64) ([]Pacchetto, error) {
	q := `SELECT ` + pacchettoCols + ` FROM pacchetti p WHERE p.agente_id = ? ORDER BY p.id`
	args := []any{agenteID}
	if agenteID == 0 {
		q, args = `SELECT `+pacchettoCols+` FROM pacchetti p WHERE p.agente_id IS NULL ORDER BY p.id`, nil
	}
	return scanAll(scanPacchetto)(db.r.QueryContext(ctx, q, args...))
}

// PacchettoByID reads a package inside the transaction.
func (tx *Tx) PacchettoByID(ctx context.Context, id int64) (Pacchetto, error) {
	return scanPacchetto(tx.QueryRowContext(ctx, `SELECT `+pacchettoCols+` FROM pacchetti p WHERE p.id = ?`, id))
}

// CapacitaRivenditore is the total quantity and the longest duration of the
// reseller's own packages.
func (tx *Tx) CapacitaRivenditore(ctx context.Context) (quantita, durata int, err error) {
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(quantita), 0), COALESCE(MAX(durata_anni), 0) FROM pacchetti
		WHERE agente_id IS NULL`).Scan(&quantita, &durata)
	return
}

// SavePacchetto inserts (ID 0) or updates a package.
func (tx *Tx) SavePacchetto(ctx context.Context, p Pacchetto) (int64, error) {
	now := jobTime(tx.Now)
	if p.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO pacchetti (agente_id, nome, quantita, durata_anni, creato_il, modificato_il,
			modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?)`, nullID(p.AgenteID), p.Nome, p.Quantita, p.DurataAnni, now, now, tx.Operator)
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "pacchetto", id, Crea, nil, p.fields())
	}
	before, err := tx.PacchettoByID(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	p.AgenteID = before.AgenteID
	if _, err := tx.ExecContext(ctx, `UPDATE pacchetti SET nome = ?, quantita = ?, durata_anni = ?, modificato_il = ?,
		modificato_da = ? WHERE id = ?`, p.Nome, p.Quantita, p.DurataAnni, now, tx.Operator, p.ID); err != nil {
		return 0, err
	}
	return p.ID, tx.registra(ctx, "pacchetto", p.ID, Modifica, before.fields(), p.fields())
}

func siNo(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}
