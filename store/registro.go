package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Queries of the PEC reseller panel (core/registro). Every change goes
// through registra: the audit rows and the outbox row of the change are
// written in the transaction of the change, so the history, the queue of
// the sync engine and the data never disagree.
//
// Ambito scopes the queries of titolari, indirizzi, attivita and caselle:
// an assistant reads and changes only the rows inserted from their own
// account. The scope is a WHERE condition of the query itself, so a row of
// another account is ErrNotFound even when asked for by ID.

// Ambito is who a query works for: the zero value is the reseller (every
// record), AssistenteID the assistant whose own records are visible.
type Ambito struct{ AssistenteID int64 }

// Rivenditore reports whether the scope is the whole reseller's data.
func (a Ambito) Rivenditore() bool { return a.AssistenteID == 0 }

func (a Ambito) filtra(w *where, col string) {
	if a.AssistenteID != 0 {
		w.add(col+" = ?", a.AssistenteID)
	}
}

// cond is the scope as an extra "AND …" with its arguments.
func (a Ambito) cond(col string) (string, []any) {
	if a.AssistenteID == 0 {
		return "", nil
	}
	return " AND " + col + " = ?", []any{a.AssistenteID}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// registra audits a change of entity id and queues it in the outbox. For
// Modifica with nothing changed it writes nothing.
func (tx *Tx) registra(ctx context.Context, entita string, id int64, azione Action, before, after map[string]string) error {
	changes := Diff(before, after)
	if azione == Modifica && len(changes) == 0 {
		return nil
	}
	sid := strconv.FormatInt(id, 10)
	if err := tx.Audit(ctx, entita, sid, azione, changes); err != nil {
		return err
	}
	payload := after
	if azione == Elimina {
		payload = before
	}
	return tx.Accoda(ctx, entita, sid, azione, payload)
}

// Accoda queues a change for the provider (the outbox of the sync engine).
func (tx *Tx) Accoda(ctx context.Context, entita, id string, azione Action, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (entita, entita_id, operazione, payload, creato_il) VALUES (?, ?, ?, ?, ?)`,
		entita, id, string(azione), string(b), jobTime(tx.Now))
	return err
}

// OutboxItem is a row of outbox.
type OutboxItem struct {
	ID         int64
	Entita     string
	EntitaID   string
	Operazione string
	Payload    string
	CreatoIl   time.Time
	Stato      string
	Tentativi  int
	Errore     string
}

// Outbox lists the queued changes in one state, oldest first.
func (db *DB) Outbox(ctx context.Context, stato string, limit int) ([]OutboxItem, error) {
	return scanAll(func(row interface{ Scan(...any) error }) (OutboxItem, error) {
		var o OutboxItem
		var creato string
		err := row.Scan(&o.ID, &o.Entita, &o.EntitaID, &o.Operazione, &o.Payload, &creato, &o.Stato, &o.Tentativi, &o.Errore)
		o.CreatoIl = parseJobTime(creato)
		return o, err
	})(db.r.QueryContext(ctx, `SELECT id, entita, entita_id, operazione, payload, creato_il, stato, tentativi, errore
		FROM outbox WHERE stato = ? ORDER BY id LIMIT ?`, stato, limit))
}

// ---- domini

// Dominio is a domain whose certification the reseller requested.
type Dominio struct {
	ID            int64
	Dominio       string
	Certificato   bool
	Stato         string
	RichiestoIl   string
	CertificatoIl string
}

func (d Dominio) fields() map[string]string {
	return map[string]string{"dominio": d.Dominio, "certificato": strconv.FormatBool(d.Certificato), "stato": d.Stato,
		"richiesto_il": d.RichiestoIl, "certificato_il": d.CertificatoIl}
}

const dominioCols = `id, dominio, certificato, stato, richiesto_il, certificato_il`

func scanDominio(row interface{ Scan(...any) error }) (Dominio, error) {
	var d Dominio
	var cert int
	err := row.Scan(&d.ID, &d.Dominio, &cert, &d.Stato, &d.RichiestoIl, &d.CertificatoIl)
	if err == sql.ErrNoRows {
		return d, ErrNotFound
	}
	d.Certificato = cert == 1
	return d, err
}

// Domini lists the reseller's domains by name.
func (db *DB) Domini(ctx context.Context) ([]Dominio, error) {
	return scanAll(scanDominio)(db.r.QueryContext(ctx, `SELECT `+dominioCols+` FROM domini ORDER BY dominio`))
}

// DominioByNome finds a domain by name (lower case).
func (tx *Tx) DominioByNome(ctx context.Context, nome string) (Dominio, error) {
	return scanDominio(tx.QueryRowContext(ctx, `SELECT `+dominioCols+` FROM domini WHERE dominio = ?`, nome))
}

// SaveDominio inserts (ID 0) or updates a domain. Domains are the
// provider's: the sync engine and the demo write them.
func (tx *Tx) SaveDominio(ctx context.Context, d Dominio) (int64, error) {
	args := []any{d.Dominio, boolInt(d.Certificato), d.Stato, d.RichiestoIl, d.CertificatoIl, tx.Stamp(), tx.Operator}
	if d.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO domini (dominio, certificato, stato, richiesto_il, certificato_il,
			modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?)`, args...)
		if isUniqueViolation(err) {
			return 0, ErrDuplicate
		}
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "dominio", id, Crea, nil, d.fields())
	}
	before, err := scanDominio(tx.QueryRowContext(ctx, `SELECT `+dominioCols+` FROM domini WHERE id = ?`, d.ID))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE domini SET dominio = ?, certificato = ?, stato = ?, richiesto_il = ?,
		certificato_il = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`, append(args, d.ID)...); err != nil {
		return 0, err
	}
	return d.ID, tx.registra(ctx, "dominio", d.ID, Modifica, before.fields(), d.fields())
}

// ---- titolari

// Titolare is the owner of certified mailboxes.
type Titolare struct {
	ID            int64
	Nome          string
	Cognome       string
	CodiceFiscale string
	Tipo          string
	Email         string
	Telefono      string
	Cellulare     string
	AssistenteID  int64 // 0: inserted by the reseller
	InseritoDa    string
	InseritoIl    time.Time
	ModificatoIl  time.Time
	ModificatoDa  string
}

func (t Titolare) fields() map[string]string {
	return map[string]string{"nome": t.Nome, "cognome": t.Cognome, "codice_fiscale": t.CodiceFiscale, "tipo": t.Tipo,
		"email": t.Email, "telefono": t.Telefono, "cellulare": t.Cellulare, "assistente": idString(t.AssistenteID)}
}

const titolareCols = `t.id, t.nome, t.cognome, t.codice_fiscale, t.tipo, t.email, t.telefono, t.cellulare,
	COALESCE(t.assistente_id, 0), t.inserito_da, t.inserito_il, t.modificato_il, t.modificato_da`

func scanTitolare(row interface{ Scan(...any) error }) (Titolare, error) {
	var t Titolare
	var ins, mod string
	err := row.Scan(&t.ID, &t.Nome, &t.Cognome, &t.CodiceFiscale, &t.Tipo, &t.Email, &t.Telefono, &t.Cellulare,
		&t.AssistenteID, &t.InseritoDa, &ins, &mod, &t.ModificatoDa)
	if err == sql.ErrNoRows {
		return t, ErrNotFound
	}
	t.InseritoIl, t.ModificatoIl = parseJobTime(ins), parseJobTime(mod)
	return t, err
}

// FiltroTitolari selects owners; zero fields do not filter.
type FiltroTitolari struct {
	Nome, Cognome string // prefix, case-insensitive
	CodiceFiscale string // exact
}

func titolariWhere(amb Ambito, fl FiltroTitolari) *where {
	w := &where{}
	amb.filtra(w, "t.assistente_id")
	if fl.Nome != "" {
		w.add(`LOWER(t.nome) LIKE ? ESCAPE '\'`, prefixArg(fl.Nome))
	}
	if fl.Cognome != "" {
		// LIKE is case-insensitive (ASCII, as LOWER): on the bare column it
		// is a range of the COLLATE NOCASE indexes of cognome.
		w.add(`t.cognome LIKE ? ESCAPE '\'`, prefixArg(fl.Cognome))
	}
	if fl.CodiceFiscale != "" {
		w.add("t.codice_fiscale = ?", strings.ToUpper(strings.TrimSpace(fl.CodiceFiscale)))
	}
	return w
}

func prefixArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.ToLower(strings.TrimSpace(s))) + "%"
}

// CountTitolari counts the owners matching fl within the scope.
func (db *DB) CountTitolari(ctx context.Context, amb Ambito, fl FiltroTitolari) (int, error) {
	w := titolariWhere(amb, fl)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM titolari t`+w.String(), w.args...).Scan(&n)
	return n, err
}

// Titolari pages through the owners matching fl within the scope, by surname and name.
func (db *DB) Titolari(ctx context.Context, amb Ambito, fl FiltroTitolari, offset, limit int) ([]Titolare, error) {
	w := titolariWhere(amb, fl)
	return scanAll(scanTitolare)(db.r.QueryContext(ctx, `SELECT `+titolareCols+` FROM titolari t`+w.String()+
		` ORDER BY t.cognome COLLATE NOCASE, t.nome COLLATE NOCASE, t.id LIMIT ? OFFSET ?`, append(w.args, limit, offset)...))
}

// TitolareByID reads an owner within the scope.
func (db *DB) TitolareByID(ctx context.Context, amb Ambito, id int64) (Titolare, error) {
	c, a := amb.cond("t.assistente_id")
	return scanTitolare(db.r.QueryRowContext(ctx, `SELECT `+titolareCols+` FROM titolari t WHERE t.id = ?`+c, append([]any{id}, a...)...))
}

// TitolareByID reads an owner within the scope inside the transaction.
func (tx *Tx) TitolareByID(ctx context.Context, amb Ambito, id int64) (Titolare, error) {
	c, a := amb.cond("t.assistente_id")
	return scanTitolare(tx.QueryRowContext(ctx, `SELECT `+titolareCols+` FROM titolari t WHERE t.id = ?`+c, append([]any{id}, a...)...))
}

// TitolareByCF finds an owner by fiscal code whatever the scope (the code
// is unique across accounts): callers must check the scope before showing it.
func (tx *Tx) TitolareByCF(ctx context.Context, cf string) (Titolare, error) {
	return scanTitolare(tx.QueryRowContext(ctx, `SELECT `+titolareCols+` FROM titolari t WHERE t.codice_fiscale = ?`, cf))
}

// SaveTitolare inserts (ID 0, owned by amb) or updates within amb an owner.
func (tx *Tx) SaveTitolare(ctx context.Context, amb Ambito, t Titolare) (int64, error) {
	now := jobTime(tx.Now)
	if t.ID == 0 {
		t.AssistenteID = amb.AssistenteID
		res, err := tx.ExecContext(ctx, `INSERT INTO titolari (nome, cognome, codice_fiscale, tipo, email, telefono, cellulare,
			assistente_id, inserito_da, inserito_il, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.Nome, t.Cognome, t.CodiceFiscale, t.Tipo, t.Email, t.Telefono, t.Cellulare, nullID(t.AssistenteID),
			tx.Operator, now, now, tx.Operator)
		if isUniqueViolation(err) {
			return 0, ErrDuplicate
		}
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "titolare", id, Crea, nil, t.fields())
	}
	before, err := tx.TitolareByID(ctx, amb, t.ID)
	if err != nil {
		return 0, err
	}
	t.AssistenteID = before.AssistenteID
	_, err = tx.ExecContext(ctx, `UPDATE titolari SET nome = ?, cognome = ?, codice_fiscale = ?, tipo = ?, email = ?,
		telefono = ?, cellulare = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`,
		t.Nome, t.Cognome, t.CodiceFiscale, t.Tipo, t.Email, t.Telefono, t.Cellulare, now, tx.Operator, t.ID)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	return t.ID, tx.registra(ctx, "titolare", t.ID, Modifica, before.fields(), t.fields())
}

// ---- indirizzi

// Indirizzo is an address of an owner.
type Indirizzo struct {
	ID           int64
	TitolareID   int64
	Via          string
	Civico       string
	CAP          string
	Comune       string
	Provincia    string
	Telefono     string
	Fax          string
	Cellulare    string
	AssistenteID int64
	InseritoDa   string
}

func (i Indirizzo) fields() map[string]string {
	return map[string]string{"titolare": idString(i.TitolareID), "via": i.Via, "civico": i.Civico, "cap": i.CAP,
		"comune": i.Comune, "provincia": i.Provincia, "telefono": i.Telefono, "fax": i.Fax, "cellulare": i.Cellulare,
		"assistente": idString(i.AssistenteID)}
}

const indirizzoCols = `i.id, i.titolare_id, i.via, i.civico, i.cap, i.comune, i.provincia, i.telefono, i.fax, i.cellulare,
	COALESCE(i.assistente_id, 0), i.inserito_da`

func scanIndirizzo(row interface{ Scan(...any) error }) (Indirizzo, error) {
	var i Indirizzo
	err := row.Scan(&i.ID, &i.TitolareID, &i.Via, &i.Civico, &i.CAP, &i.Comune, &i.Provincia, &i.Telefono, &i.Fax,
		&i.Cellulare, &i.AssistenteID, &i.InseritoDa)
	if err == sql.ErrNoRows {
		return i, ErrNotFound
	}
	return i, err
}

// Indirizzi lists an owner's addresses within the scope.
func (db *DB) Indirizzi(ctx context.Context, amb Ambito, titolareID int64) ([]Indirizzo, error) {
	c, a := amb.cond("i.assistente_id")
	return scanAll(scanIndirizzo)(db.r.QueryContext(ctx, `SELECT `+indirizzoCols+` FROM indirizzi i WHERE i.titolare_id = ?`+c+
		` ORDER BY i.id`, append([]any{titolareID}, a...)...))
}

// IndirizzoByID reads an address within the scope inside the transaction.
func (tx *Tx) IndirizzoByID(ctx context.Context, amb Ambito, id int64) (Indirizzo, error) {
	c, a := amb.cond("i.assistente_id")
	return scanIndirizzo(tx.QueryRowContext(ctx, `SELECT `+indirizzoCols+` FROM indirizzi i WHERE i.id = ?`+c, append([]any{id}, a...)...))
}

// SaveIndirizzo inserts (ID 0, owned by amb) or updates within amb an address.
func (tx *Tx) SaveIndirizzo(ctx context.Context, amb Ambito, i Indirizzo) (int64, error) {
	now := jobTime(tx.Now)
	if i.ID == 0 {
		i.AssistenteID = amb.AssistenteID
		res, err := tx.ExecContext(ctx, `INSERT INTO indirizzi (titolare_id, via, civico, cap, comune, provincia, telefono, fax,
			cellulare, assistente_id, inserito_da, inserito_il, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			i.TitolareID, i.Via, i.Civico, i.CAP, i.Comune, i.Provincia, i.Telefono, i.Fax, i.Cellulare, nullID(i.AssistenteID),
			tx.Operator, now, now, tx.Operator)
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "indirizzo", id, Crea, nil, i.fields())
	}
	before, err := tx.IndirizzoByID(ctx, amb, i.ID)
	if err != nil {
		return 0, err
	}
	i.TitolareID, i.AssistenteID = before.TitolareID, before.AssistenteID
	if _, err := tx.ExecContext(ctx, `UPDATE indirizzi SET via = ?, civico = ?, cap = ?, comune = ?, provincia = ?, telefono = ?,
		fax = ?, cellulare = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`,
		i.Via, i.Civico, i.CAP, i.Comune, i.Provincia, i.Telefono, i.Fax, i.Cellulare, now, tx.Operator, i.ID); err != nil {
		return 0, err
	}
	return i.ID, tx.registra(ctx, "indirizzo", i.ID, Modifica, before.fields(), i.fields())
}

// ---- attività

// Attivita is a company of an owner, tied to one of the owner's addresses.
type Attivita struct {
	ID             int64
	TitolareID     int64
	IndirizzoID    int64
	RagioneSociale string
	PartitaIVA     string
	AssistenteID   int64
	InseritoDa     string
}

func (a Attivita) fields() map[string]string {
	return map[string]string{"titolare": idString(a.TitolareID), "indirizzo": idString(a.IndirizzoID),
		"ragione_sociale": a.RagioneSociale, "partita_iva": a.PartitaIVA, "assistente": idString(a.AssistenteID)}
}

const attivitaCols = `a.id, a.titolare_id, a.indirizzo_id, a.ragione_sociale, a.partita_iva, COALESCE(a.assistente_id, 0), a.inserito_da`

func scanAttivita(row interface{ Scan(...any) error }) (Attivita, error) {
	var a Attivita
	err := row.Scan(&a.ID, &a.TitolareID, &a.IndirizzoID, &a.RagioneSociale, &a.PartitaIVA, &a.AssistenteID, &a.InseritoDa)
	if err == sql.ErrNoRows {
		return a, ErrNotFound
	}
	return a, err
}

// AttivitaTitolare lists an owner's companies within the scope.
func (db *DB) AttivitaTitolare(ctx context.Context, amb Ambito, titolareID int64) ([]Attivita, error) {
	c, a := amb.cond("a.assistente_id")
	return scanAll(scanAttivita)(db.r.QueryContext(ctx, `SELECT `+attivitaCols+` FROM attivita a WHERE a.titolare_id = ?`+c+
		` ORDER BY a.id`, append([]any{titolareID}, a...)...))
}

// AttivitaByID reads a company within the scope inside the transaction.
func (tx *Tx) AttivitaByID(ctx context.Context, amb Ambito, id int64) (Attivita, error) {
	c, a := amb.cond("a.assistente_id")
	return scanAttivita(tx.QueryRowContext(ctx, `SELECT `+attivitaCols+` FROM attivita a WHERE a.id = ?`+c, append([]any{id}, a...)...))
}

// SaveAttivita inserts (ID 0, owned by amb) or updates within amb a company.
func (tx *Tx) SaveAttivita(ctx context.Context, amb Ambito, a Attivita) (int64, error) {
	now := jobTime(tx.Now)
	if a.ID == 0 {
		a.AssistenteID = amb.AssistenteID
		res, err := tx.ExecContext(ctx, `INSERT INTO attivita (titolare_id, indirizzo_id, ragione_sociale, partita_iva,
			assistente_id, inserito_da, inserito_il, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.TitolareID, a.IndirizzoID, a.RagioneSociale, a.PartitaIVA, nullID(a.AssistenteID), tx.Operator, now, now, tx.Operator)
		if err != nil {
			return 0, err
		}
		id, _ := res.LastInsertId()
		return id, tx.registra(ctx, "attivita", id, Crea, nil, a.fields())
	}
	before, err := tx.AttivitaByID(ctx, amb, a.ID)
	if err != nil {
		return 0, err
	}
	a.TitolareID, a.AssistenteID = before.TitolareID, before.AssistenteID
	if _, err := tx.ExecContext(ctx, `UPDATE attivita SET indirizzo_id = ?, ragione_sociale = ?, partita_iva = ?,
		modificato_il = ?, modificato_da = ? WHERE id = ?`, a.IndirizzoID, a.RagioneSociale, a.PartitaIVA, now, tx.Operator, a.ID); err != nil {
		return 0, err
	}
	return a.ID, tx.registra(ctx, "attivita", a.ID, Modifica, before.fields(), a.fields())
}
