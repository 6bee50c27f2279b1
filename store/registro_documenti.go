package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// Documents of a certified mailbox (table documenti, migrations/0011_registro.sql):
// the signed activation contract and the other PDFs of the manual's
// "Carica documentazione PDF". The content is kept in the database; it is
// validated by core/registro. The scope of a document is the scope of its
// mailbox.

// Kinds of a document (documenti.tipo).
const (
	DocContratto        = "CONTRATTO"         // contratto di attivazione firmato
	DocNuoveCredenziali = "NUOVE_CREDENZIALI" // richiesta nuove credenziali
	DocSubentro         = "SUBENTRO"
	DocCessazione       = "CESSAZIONE" // richiesta di cessazione
	DocAltro            = "ALTRO"
)

// Documento is the metadata of a document (its content is read apart).
type Documento struct {
	ID         int64
	CasellaID  int64
	Tipo       string
	Nome       string // file name, without path
	SHA256     string // hex
	Dimensione int64  // bytes
	CaricatoIl time.Time
	CaricatoDa string
}

func (d Documento) fields() map[string]string {
	return map[string]string{"casella": idString(d.CasellaID), "tipo": d.Tipo, "nome": d.Nome, "sha256": d.SHA256,
		"dimensione": strconv.FormatInt(d.Dimensione, 10)}
}

const documentoCols = `doc.id, doc.casella_id, doc.tipo, doc.nome, doc.sha256, doc.dimensione, doc.caricato_il, doc.caricato_da`

const documentoFrom = ` FROM documenti doc JOIN caselle c ON c.id = doc.casella_id`

func scanDocumento(row interface{ Scan(...any) error }, extra ...any) (Documento, error) {
	var d Documento
	var il string
	err := row.Scan(append([]any{&d.ID, &d.CasellaID, &d.Tipo, &d.Nome, &d.SHA256, &d.Dimensione, &il, &d.CaricatoDa}, extra...)...)
	if err == sql.ErrNoRows {
		return d, ErrNotFound
	}
	d.CaricatoIl = parseJobTime(il)
	return d, err
}

// InsertDocumento stores a document of a mailbox (the caller checked the
// mailbox is in its scope), auditing it and queueing it for the provider
// (entita "documento", payload the metadata, not the content).
func (tx *Tx) InsertDocumento(ctx context.Context, d Documento, dati []byte) (int64, error) {
	d.Dimensione = int64(len(dati))
	res, err := tx.ExecContext(ctx, `INSERT INTO documenti (casella_id, tipo, nome, sha256, dimensione, contenuto, caricato_il, caricato_da)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.CasellaID, d.Tipo, d.Nome, d.SHA256, d.Dimensione, dati, jobTime(tx.Now), tx.Operator)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	return id, tx.registra(ctx, "documento", id, Crea, nil, d.fields())
}

// Documenti lists the documents of a mailbox within the scope, newest first.
func (db *DB) Documenti(ctx context.Context, amb Ambito, casellaID int64) ([]Documento, error) {
	c, a := amb.cond("c.assistente_id")
	return scanAll(func(row interface{ Scan(...any) error }) (Documento, error) { return scanDocumento(row) })(
		db.r.QueryContext(ctx, `SELECT `+documentoCols+documentoFrom+` WHERE doc.casella_id = ?`+c+` ORDER BY doc.id DESC`,
			append([]any{casellaID}, a...)...))
}

// DocumentoByID reads a document with its content within the scope.
func (db *DB) DocumentoByID(ctx context.Context, amb Ambito, id int64) (Documento, []byte, error) {
	c, a := amb.cond("c.assistente_id")
	var dati []byte
	d, err := scanDocumento(db.r.QueryRowContext(ctx, `SELECT `+documentoCols+`, doc.contenuto`+documentoFrom+` WHERE doc.id = ?`+c,
		append([]any{id}, a...)...), &dati)
	return d, dati, err
}
