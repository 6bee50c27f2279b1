package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Anagrafiche capitoli of the reconciliation (MyPivot's Accertamento menu):
// the ente's offices, their budget chapters, the assessments of a chapter
// and the payments (IUV + IUR of an OK receipt) counted in an assessment.
// Anno 0 on a chapter or an assessment means "any year".

// States of an assessment.
const (
	RicAccertamentoAperto = "APERTO"
	RicAccertamentoChiuso = "CHIUSO"
)

// RicUfficio is an office of the ente.
type RicUfficio struct {
	Codice        string
	Denominazione string
	Attivo        bool
	ModificatoIl  time.Time
	ModificatoDa  string
}

// RicCapitolo is a budget chapter of an office for a year (0: any).
type RicCapitolo struct {
	Ufficio      string
	Codice       string
	Anno         int
	Descrizione  string
	Attivo       bool
	ModificatoIl time.Time
	ModificatoDa string
}

// RicCapitoloID is how a chapter is named in the audit trail.
func RicCapitoloID(ufficio, codice string, anno int) string {
	return ufficio + " / " + codice + " / " + strconv.Itoa(anno)
}

// RicAccertamento is an assessment with what is associated to it.
type RicAccertamento struct {
	ID           int64
	Ufficio      string
	Capitolo     string
	Anno         int
	Codice       string
	Descrizione  string
	Importo      int64 // expected, cents (0: not stated)
	Stato        string
	CreatoIl     time.Time
	CreatoDa     string
	ModificatoIl time.Time
	ModificatoDa string

	ImportoAssociato int64 // sum of the associated payments, cents
	NPagamenti       int
}

// RicTotaliAccertamenti are the totals of the assessments matching a filter.
type RicTotaliAccertamenti struct {
	N                int
	ImportoPrevisto  int64
	ImportoAssociato int64
	NPagamenti       int
}

// RicPagamentoAcc is a paid payment (IUV + IUR, amount the sum of its
// receipt's transfers) with its debt record's data, as the association
// windows show it.
type RicPagamentoAcc struct {
	IUV, IUR   string
	Importo    int64
	DataEsito  string // YYYY-MM-DD
	Pagatore   string
	CFPagatore string
	TipoDovuto string // the debt record's, else the receipt's
	IUD        string
	// Ufficio, Capitolo and Accertamento are what the debt record's
	// bilancio names.
	Ufficio, Capitolo, Accertamento string

	// Of an association.
	AssociatoIl time.Time
	AssociatoDa string
}

// FiltroRicUffici selects offices; zero fields do not filter.
type FiltroRicUffici struct {
	Testo      string // in the code or the name
	SoloAttivi bool
}

// FiltroRicCapitoli selects the chapters of an office.
type FiltroRicCapitoli struct {
	Ufficio    string
	Testo      string // in the code or the description
	Anno       int    // 0: every year; else that year's and the ones of any year
	SoloAttivi bool
}

// FiltroRicAccertamenti selects assessments; zero fields do not filter.
type FiltroRicAccertamenti struct {
	Ufficio  string
	Capitolo string
	Anno     int    // 0: every year
	Codice   string // contained in the code
	Stato    string
}

// FiltroRicPagamentiLiberi selects the paid payments no assessment counts yet.
type FiltroRicPagamentiLiberi struct {
	IUV        string // prefix
	Pagatore   string // in the payer's name or fiscal code
	DataDal    string // outcome date from, YYYY-MM-DD
	DataAl     string
	TipoDovuto string
}

// ErrRicGiaAssociato refuses a payment that an assessment already counts.
type ErrRicGiaAssociato struct {
	IUV, IUR     string
	Accertamento RicAccertamento
}

func (e ErrRicGiaAssociato) Error() string {
	a := e.Accertamento
	return fmt.Sprintf("il pagamento IUV %s (IUR %s) è già associato all'accertamento %s (ufficio %s, capitolo %s, anno %d)",
		e.IUV, e.IUR, a.Codice, a.Ufficio, a.Capitolo, a.Anno)
}

// ErrRicPagamentoIgnoto is a payment with no successful receipt.
var ErrRicPagamentoIgnoto = errors.New("nessuna ricevuta con esito positivo per questo IUV e IUR")

// ricAccAnnoSQL is the budget year of a debt record: its due date's year, 0 without one.
const ricAccAnnoSQL = `(CASE WHEN %[1]s GLOB '[0-9][0-9][0-9][0-9]*' THEN CAST(substr(%[1]s, 1, 4) AS INTEGER) ELSE 0 END)`

func ricAccAnnoDi(col string) string { return fmt.Sprintf(ricAccAnnoSQL, col) }

// ricAccDovutoDi is the debt record of the receipt r: by its IUD, else by
// the IUV, as the classification joins them.
const ricAccDovutoDi = `(CASE WHEN r.iud != '' THEN r.iud ELSE (SELECT MIN(x.iud) FROM ric_dovuti x WHERE x.iuv = r.iuv) END)`

// ricAccPrimoTrasferimento keeps, of the OK receipt rows r, the first
// transfer of each payment: a payment is one row, and a scan of ric_rt in
// key order is in payment order (no sort, a page stops early).
const ricAccPrimoTrasferimento = `r.esito = 'OK' AND NOT EXISTS (SELECT 1 FROM ric_rt w
	WHERE w.iuv = r.iuv AND w.iur = r.iur AND w.indice < r.indice AND w.esito = 'OK')`

// ricAccImporto is the amount of the payment of r: its transfers' sum.
const ricAccImporto = `(SELECT SUM(y.importo) FROM ric_rt y WHERE y.iuv = r.iuv AND y.iur = r.iur AND y.esito = 'OK')`

// ricAccNonAssociato holds for a payment no assessment counts.
const ricAccNonAssociato = `NOT EXISTS (SELECT 1 FROM ric_accertamenti_pagamenti ap WHERE ap.iuv = r.iuv AND ap.iur = r.iur)`

// ---- offices

const ricAccUfficioCols = `codice, denominazione, attivo, modificato_il, modificato_da`

func scanRicUfficio(row interface{ Scan(...any) error }) (RicUfficio, error) {
	var u RicUfficio
	var attivo int
	var mod string
	err := row.Scan(&u.Codice, &u.Denominazione, &attivo, &mod, &u.ModificatoDa)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	u.Attivo = attivo == 1
	u.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return u, err
}

func ricAccUfficiWhere(f FiltroRicUffici) *where {
	w := &where{}
	if t := strings.TrimSpace(f.Testo); t != "" {
		w.add(`(LOWER(codice) LIKE ? ESCAPE '\' OR LOWER(denominazione) LIKE ? ESCAPE '\')`, likeArg(t), likeArg(t))
	}
	if f.SoloAttivi {
		w.add("attivo = 1")
	}
	return w
}

// CountRicUffici counts the offices matching f.
func (db *DB) CountRicUffici(ctx context.Context, f FiltroRicUffici) (int, error) {
	w := ricAccUfficiWhere(f)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_uffici`+w.String(), w.args...).Scan(&n)
	return n, err
}

// RicUffici pages through the offices matching f by code.
func (db *DB) RicUffici(ctx context.Context, f FiltroRicUffici, offset, limit int) ([]RicUfficio, error) {
	w := ricAccUfficiWhere(f)
	return scanAll(scanRicUfficio)(db.r.QueryContext(ctx, `SELECT `+ricAccUfficioCols+` FROM ric_uffici`+w.String()+
		` ORDER BY codice LIMIT ? OFFSET ?`, append(w.args, limit, offset)...))
}

func ricAccUfficio(ctx context.Context, q querier, codice string) (RicUfficio, error) {
	return scanRicUfficio(q.QueryRowContext(ctx, `SELECT `+ricAccUfficioCols+` FROM ric_uffici WHERE codice = ?`, codice))
}

// RicUfficio reads an office (ErrNotFound).
func (db *DB) RicUfficio(ctx context.Context, codice string) (RicUfficio, error) {
	return ricAccUfficio(ctx, db.r, codice)
}

// RicUfficio reads an office inside the transaction.
func (tx *Tx) RicUfficio(ctx context.Context, codice string) (RicUfficio, error) {
	return ricAccUfficio(ctx, tx, codice)
}

func ricAccUfficioFields(u RicUfficio) map[string]string {
	return map[string]string{"codice": u.Codice, "denominazione": u.Denominazione, "attivo": strconv.FormatBool(u.Attivo)}
}

// InsertRicUfficio adds an office (ErrDuplicate if its code exists).
func (tx *Tx) InsertRicUfficio(ctx context.Context, u RicUfficio) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ric_uffici (`+ricAccUfficioCols+`) VALUES (?, ?, ?, ?, ?)`,
		u.Codice, u.Denominazione, boolInt(u.Attivo), tx.Stamp(), tx.Operator)
	if isUniqueViolation(err) {
		return ErrDuplicate
	}
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "ric_ufficio", u.Codice, Crea, Diff(nil, ricAccUfficioFields(u)))
}

// UpdateRicUfficio changes an office's name and state (ErrNotFound).
func (tx *Tx) UpdateRicUfficio(ctx context.Context, u RicUfficio) error {
	before, err := tx.RicUfficio(ctx, u.Codice)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ric_uffici SET denominazione = ?, attivo = ?, modificato_il = ?, modificato_da = ?
		WHERE codice = ?`, u.Denominazione, boolInt(u.Attivo), tx.Stamp(), tx.Operator, u.Codice); err != nil {
		return err
	}
	return tx.Audit(ctx, "ric_ufficio", u.Codice, Modifica, Diff(ricAccUfficioFields(before), ricAccUfficioFields(u)))
}

// ---- chapters

const ricAccCapitoloCols = `ufficio, codice, anno, descrizione, attivo, modificato_il, modificato_da`

func scanRicCapitolo(row interface{ Scan(...any) error }) (RicCapitolo, error) {
	var c RicCapitolo
	var attivo int
	var mod string
	err := row.Scan(&c.Ufficio, &c.Codice, &c.Anno, &c.Descrizione, &attivo, &mod, &c.ModificatoDa)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.Attivo = attivo == 1
	c.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return c, err
}

func ricAccCapitoliWhere(f FiltroRicCapitoli) *where {
	w := &where{}
	w.add("ufficio = ?", f.Ufficio)
	if t := strings.TrimSpace(f.Testo); t != "" {
		w.add(`(LOWER(codice) LIKE ? ESCAPE '\' OR LOWER(descrizione) LIKE ? ESCAPE '\')`, likeArg(t), likeArg(t))
	}
	if f.Anno != 0 {
		w.add("anno IN (?, 0)", f.Anno)
	}
	if f.SoloAttivi {
		w.add("attivo = 1")
	}
	return w
}

// CountRicCapitoli counts the chapters matching f.
func (db *DB) CountRicCapitoli(ctx context.Context, f FiltroRicCapitoli) (int, error) {
	w := ricAccCapitoliWhere(f)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_capitoli`+w.String(), w.args...).Scan(&n)
	return n, err
}

// RicCapitoli pages through the chapters matching f by code and year.
func (db *DB) RicCapitoli(ctx context.Context, f FiltroRicCapitoli, offset, limit int) ([]RicCapitolo, error) {
	w := ricAccCapitoliWhere(f)
	return scanAll(scanRicCapitolo)(db.r.QueryContext(ctx, `SELECT `+ricAccCapitoloCols+` FROM ric_capitoli`+w.String()+
		` ORDER BY codice, anno LIMIT ? OFFSET ?`, append(w.args, limit, offset)...))
}

func ricAccCapitolo(ctx context.Context, q querier, ufficio, codice string, anno int) (RicCapitolo, error) {
	return scanRicCapitolo(q.QueryRowContext(ctx, `SELECT `+ricAccCapitoloCols+` FROM ric_capitoli
		WHERE ufficio = ? AND codice = ? AND anno = ?`, ufficio, codice, anno))
}

// RicCapitolo reads a chapter (ErrNotFound).
func (db *DB) RicCapitolo(ctx context.Context, ufficio, codice string, anno int) (RicCapitolo, error) {
	return ricAccCapitolo(ctx, db.r, ufficio, codice, anno)
}

// RicCapitolo reads a chapter inside the transaction.
func (tx *Tx) RicCapitolo(ctx context.Context, ufficio, codice string, anno int) (RicCapitolo, error) {
	return ricAccCapitolo(ctx, tx, ufficio, codice, anno)
}

// RicCapitoloPer finds, inside the transaction, the chapter an assessment
// of year anno belongs to: the chapter of that year, else the one of any
// year (ErrNotFound).
func (tx *Tx) RicCapitoloPer(ctx context.Context, ufficio, codice string, anno int) (RicCapitolo, error) {
	return scanRicCapitolo(tx.QueryRowContext(ctx, `SELECT `+ricAccCapitoloCols+` FROM ric_capitoli
		WHERE ufficio = ? AND codice = ? AND anno IN (?, 0) ORDER BY anno DESC LIMIT 1`, ufficio, codice, anno))
}

func ricAccCapitoloFields(c RicCapitolo) map[string]string {
	return map[string]string{"ufficio": c.Ufficio, "codice": c.Codice, "anno": strconv.Itoa(c.Anno),
		"descrizione": c.Descrizione, "attivo": strconv.FormatBool(c.Attivo)}
}

// InsertRicCapitolo adds a chapter to an existing office (ErrDuplicate if
// the office has it for that year, ErrNotFound without the office).
func (tx *Tx) InsertRicCapitolo(ctx context.Context, c RicCapitolo) error {
	if _, err := tx.RicUfficio(ctx, c.Ufficio); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ric_capitoli (`+ricAccCapitoloCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.Ufficio, c.Codice, c.Anno, c.Descrizione, boolInt(c.Attivo), tx.Stamp(), tx.Operator)
	if isUniqueViolation(err) {
		return ErrDuplicate
	}
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "ric_capitolo", RicCapitoloID(c.Ufficio, c.Codice, c.Anno), Crea, Diff(nil, ricAccCapitoloFields(c)))
}

// UpdateRicCapitolo changes a chapter's description and state (ErrNotFound).
func (tx *Tx) UpdateRicCapitolo(ctx context.Context, c RicCapitolo) error {
	before, err := tx.RicCapitolo(ctx, c.Ufficio, c.Codice, c.Anno)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ric_capitoli SET descrizione = ?, attivo = ?, modificato_il = ?, modificato_da = ?
		WHERE ufficio = ? AND codice = ? AND anno = ?`, c.Descrizione, boolInt(c.Attivo), tx.Stamp(), tx.Operator,
		c.Ufficio, c.Codice, c.Anno); err != nil {
		return err
	}
	return tx.Audit(ctx, "ric_capitolo", RicCapitoloID(c.Ufficio, c.Codice, c.Anno), Modifica,
		Diff(ricAccCapitoloFields(before), ricAccCapitoloFields(c)))
}

// ---- assessments

const ricAccCols = `a.id, a.ufficio, a.capitolo, a.anno, a.codice, a.descrizione, a.importo, a.stato,
	a.creato_il, a.creato_da, a.modificato_il, a.modificato_da`

// ricAccTotali are the associated amount and count of the assessment a.
const ricAccTotali = `COALESCE((SELECT SUM(ap.importo) FROM ric_accertamenti_pagamenti ap WHERE ap.accertamento_id = a.id), 0),
	(SELECT COUNT(*) FROM ric_accertamenti_pagamenti ap WHERE ap.accertamento_id = a.id)`

func scanRicAccertamento(row interface{ Scan(...any) error }) (RicAccertamento, error) {
	var a RicAccertamento
	var creato, mod string
	err := row.Scan(&a.ID, &a.Ufficio, &a.Capitolo, &a.Anno, &a.Codice, &a.Descrizione, &a.Importo, &a.Stato,
		&creato, &a.CreatoDa, &mod, &a.ModificatoDa, &a.ImportoAssociato, &a.NPagamenti)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	a.CreatoIl, _ = time.Parse(time.RFC3339, creato)
	a.ModificatoIl, _ = time.Parse(time.RFC3339, mod)
	return a, err
}

func ricAccWhere(f FiltroRicAccertamenti) *where {
	w := &where{}
	if f.Ufficio != "" {
		w.add("a.ufficio = ?", f.Ufficio)
	}
	if f.Capitolo != "" {
		w.add("a.capitolo = ?", f.Capitolo)
	}
	if f.Anno != 0 {
		w.add("a.anno = ?", f.Anno)
	}
	if c := strings.TrimSpace(f.Codice); c != "" {
		w.add(`LOWER(a.codice) LIKE ? ESCAPE '\'`, likeArg(c))
	}
	if f.Stato != "" {
		w.add("a.stato = ?", f.Stato)
	}
	return w
}

// TotaliRicAccertamenti counts the assessments matching f and sums their
// expected and associated amounts and their payments.
func (db *DB) TotaliRicAccertamenti(ctx context.Context, f FiltroRicAccertamenti) (RicTotaliAccertamenti, error) {
	w := ricAccWhere(f)
	var t RicTotaliAccertamenti
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(a.importo), 0),
		COALESCE(SUM((SELECT SUM(ap.importo) FROM ric_accertamenti_pagamenti ap WHERE ap.accertamento_id = a.id)), 0),
		COALESCE(SUM((SELECT COUNT(*) FROM ric_accertamenti_pagamenti ap WHERE ap.accertamento_id = a.id)), 0)
		FROM ric_accertamenti a`+w.String(), w.args...).Scan(&t.N, &t.ImportoPrevisto, &t.ImportoAssociato, &t.NPagamenti)
	return t, err
}

// RicAccertamenti pages through the assessments matching f, newest year
// first, then by office, chapter and code, with their totals.
func (db *DB) RicAccertamenti(ctx context.Context, f FiltroRicAccertamenti, offset, limit int) ([]RicAccertamento, error) {
	w := ricAccWhere(f)
	return scanAll(scanRicAccertamento)(db.r.QueryContext(ctx, `SELECT `+ricAccCols+`, `+ricAccTotali+`
		FROM ric_accertamenti a`+w.String()+` ORDER BY a.anno DESC, a.ufficio, a.capitolo, a.codice LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...))
}

func ricAccGet(ctx context.Context, q querier, id int64) (RicAccertamento, error) {
	return scanRicAccertamento(q.QueryRowContext(ctx, `SELECT `+ricAccCols+`, `+ricAccTotali+`
		FROM ric_accertamenti a WHERE a.id = ?`, id))
}

// RicAccertamento reads an assessment with its totals (ErrNotFound).
func (db *DB) RicAccertamento(ctx context.Context, id int64) (RicAccertamento, error) {
	return ricAccGet(ctx, db.r, id)
}

// RicAccertamento reads an assessment inside the transaction.
func (tx *Tx) RicAccertamento(ctx context.Context, id int64) (RicAccertamento, error) {
	return ricAccGet(ctx, tx, id)
}

func ricAccFields(a RicAccertamento) map[string]string {
	return map[string]string{"ufficio": a.Ufficio, "capitolo": a.Capitolo, "anno": strconv.Itoa(a.Anno), "codice": a.Codice,
		"descrizione": a.Descrizione, "importo": strconv.FormatInt(a.Importo, 10), "stato": a.Stato}
}

// InsertRicAccertamento adds an assessment, APERTO unless a.Stato says
// otherwise (ErrDuplicate if the chapter has one with that code and year).
func (tx *Tx) InsertRicAccertamento(ctx context.Context, a RicAccertamento) (int64, error) {
	if a.Stato == "" {
		a.Stato = RicAccertamentoAperto
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO ric_accertamenti (ufficio, capitolo, anno, codice, descrizione, importo, stato,
		creato_il, creato_da, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Ufficio, a.Capitolo, a.Anno, a.Codice, a.Descrizione, a.Importo, a.Stato, tx.Stamp(), tx.Operator, tx.Stamp(), tx.Operator)
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
	return id, tx.Audit(ctx, "ric_accertamento", strconv.FormatInt(id, 10), Crea, Diff(nil, ricAccFields(a)))
}

// UpdateRicAccertamento changes an assessment's description, expected
// amount and state (ErrNotFound); its office, chapter, year and code stay.
func (tx *Tx) UpdateRicAccertamento(ctx context.Context, a RicAccertamento) error {
	before, err := tx.RicAccertamento(ctx, a.ID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ric_accertamenti SET descrizione = ?, importo = ?, stato = ?, modificato_il = ?,
		modificato_da = ? WHERE id = ?`, a.Descrizione, a.Importo, a.Stato, tx.Stamp(), tx.Operator, a.ID); err != nil {
		return err
	}
	after := before
	after.Descrizione, after.Importo, after.Stato = a.Descrizione, a.Importo, a.Stato
	return tx.Audit(ctx, "ric_accertamento", strconv.FormatInt(a.ID, 10), Modifica,
		Diff(ricAccFields(before), ricAccFields(after)))
}

// ---- payments

// ricAccLiberi is the FROM and WHERE of the free payments matching
// f (receipt rows r, debt record d joined when dovuto): see
// ricAccPrimoTrasferimento.
func ricAccLiberi(f FiltroRicPagamentiLiberi, dovuto bool) (string, []any) {
	w := &where{}
	w.add(ricAccPrimoTrasferimento)
	w.add(ricAccNonAssociato)
	if p := strings.TrimSpace(f.IUV); p != "" {
		w.add("r.iuv >= ? AND r.iuv < ?", p, p+"\uffff")
	}
	if t := strings.TrimSpace(f.Pagatore); t != "" {
		w.add(`(LOWER(r.pagatore) LIKE ? ESCAPE '\' OR LOWER(r.cf_pagatore) LIKE ? ESCAPE '\')`, likeArg(t), likeArg(t))
	}
	if f.DataDal != "" {
		w.add("r.data_esito >= ?", f.DataDal)
	}
	if f.DataAl != "" {
		w.add("r.data_esito <= ?", f.DataAl)
	}
	from := ` FROM ric_rt r`
	if dovuto || f.TipoDovuto != "" {
		from += ` LEFT JOIN ric_dovuti d ON d.iud = ` + ricAccDovutoDi
	}
	if f.TipoDovuto != "" {
		w.add(ricAccTipoDovuto+" = ?", f.TipoDovuto)
	}
	return from + w.String(), w.args
}

// ricAccTipoDovuto is the kind of the payment of r: its debt record's, else
// the receipt's.
const ricAccTipoDovuto = `COALESCE(NULLIF(d.tipo_dovuto, ''), r.tipo_dovuto)`

func scanRicPagamentoAcc(row interface{ Scan(...any) error }) (RicPagamentoAcc, error) {
	var p RicPagamentoAcc
	err := row.Scan(&p.IUV, &p.IUR, &p.Importo, &p.DataEsito, &p.Pagatore, &p.CFPagatore, &p.TipoDovuto, &p.IUD,
		&p.Ufficio, &p.Capitolo, &p.Accertamento)
	return p, err
}

// CountRicPagamentiLiberi counts the paid payments matching f that no
// assessment counts yet.
func (db *DB) CountRicPagamentiLiberi(ctx context.Context, f FiltroRicPagamentiLiberi) (int, error) {
	q, args := ricAccLiberi(f, false)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*)`+q, args...).Scan(&n)
	return n, err
}

// RicPagamentiLiberi pages through them by IUV and IUR.
func (db *DB) RicPagamentiLiberi(ctx context.Context, f FiltroRicPagamentiLiberi, offset, limit int) ([]RicPagamentoAcc, error) {
	q, args := ricAccLiberi(f, true)
	return scanAll(scanRicPagamentoAcc)(db.r.QueryContext(ctx, `SELECT r.iuv, r.iur, `+ricAccImporto+`, r.data_esito,
		r.pagatore, r.cf_pagatore, `+ricAccTipoDovuto+`, COALESCE(d.iud, ''), COALESCE(d.ufficio, ''), COALESCE(d.capitolo, ''),
		COALESCE(d.accertamento, '')`+q+` ORDER BY r.iuv, r.iur LIMIT ? OFFSET ?`, append(args, limit, offset)...))
}

// CountRicAssociazioni counts the payments associated to an assessment.
func (db *DB) CountRicAssociazioni(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_accertamenti_pagamenti WHERE accertamento_id = ?`, id).Scan(&n)
	return n, err
}

// RicAssociazioni pages through the payments associated to an assessment,
// by IUV and IUR, with the amount stored at association and the receipt's
// and debt record's data.
func (db *DB) RicAssociazioni(ctx context.Context, id int64, offset, limit int) ([]RicPagamentoAcc, error) {
	q := `WITH pg AS (SELECT iuv, iur, importo, associato_il, associato_da FROM ric_accertamenti_pagamenti
		WHERE accertamento_id = ? ORDER BY iuv, iur LIMIT ? OFFSET ?)
	SELECT pg.iuv, pg.iur, pg.importo, COALESCE(r.data_esito, ''), COALESCE(r.pagatore, ''), COALESCE(r.cf_pagatore, ''),
		COALESCE(` + ricAccTipoDovuto + `, ''), COALESCE(d.iud, ''), COALESCE(d.ufficio, ''), COALESCE(d.capitolo, ''),
		COALESCE(d.accertamento, ''), pg.associato_il, pg.associato_da
	FROM pg LEFT JOIN ric_rt r ON r.iuv = pg.iuv AND r.iur = pg.iur AND r.indice = (SELECT MIN(w.indice) FROM ric_rt w
		WHERE w.iuv = pg.iuv AND w.iur = pg.iur AND w.esito = 'OK')
	LEFT JOIN ric_dovuti d ON d.iud = ` + ricAccDovutoDi + `
	ORDER BY pg.iuv, pg.iur`
	return scanAll(func(row interface{ Scan(...any) error }) (RicPagamentoAcc, error) {
		var p RicPagamentoAcc
		var il string
		err := row.Scan(&p.IUV, &p.IUR, &p.Importo, &p.DataEsito, &p.Pagatore, &p.CFPagatore, &p.TipoDovuto, &p.IUD,
			&p.Ufficio, &p.Capitolo, &p.Accertamento, &il, &p.AssociatoDa)
		p.AssociatoIl, _ = time.Parse(time.RFC3339, il)
		return p, err
	})(db.r.QueryContext(ctx, q, id, limit, offset))
}

// ricAccAssociatoA tells which assessment counts the payment, if any.
func (tx *Tx) ricAccAssociatoA(ctx context.Context, iuv, iur string) (int64, bool, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT accertamento_id FROM ric_accertamenti_pagamenti WHERE iuv = ? AND iur = ?`,
		iuv, iur).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// AssociaRicPagamento counts a paid payment in the assessment id for its
// amount (the sum of its receipt's transfers), which it returns. A payment
// counts in one assessment only: ErrRicGiaAssociato otherwise;
// ErrRicPagamentoIgnoto without an OK receipt. The assessment's state is
// the caller's to check.
func (tx *Tx) AssociaRicPagamento(ctx context.Context, id int64, iuv, iur string) (int64, error) {
	if altro, ok, err := tx.ricAccAssociatoA(ctx, iuv, iur); err != nil {
		return 0, err
	} else if ok {
		a, err := tx.RicAccertamento(ctx, altro)
		if err != nil {
			return 0, err
		}
		return 0, ErrRicGiaAssociato{IUV: iuv, IUR: iur, Accertamento: a}
	}
	var importo sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT SUM(importo) FROM ric_rt WHERE iuv = ? AND iur = ? AND esito = 'OK'`,
		iuv, iur).Scan(&importo); err != nil {
		return 0, err
	}
	if !importo.Valid {
		return 0, ErrRicPagamentoIgnoto
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ric_accertamenti_pagamenti (accertamento_id, iuv, iur, importo, associato_il,
		associato_da) VALUES (?, ?, ?, ?, ?, ?)`, id, iuv, iur, importo.Int64, tx.Stamp(), tx.Operator); err != nil {
		return 0, err
	}
	return importo.Int64, tx.Audit(ctx, "ric_accertamento", strconv.FormatInt(id, 10), Modifica, []FieldChange{
		{Field: "pagamento associato", After: ricAccPagamentoTesto(iuv, iur, importo.Int64)}})
}

func ricAccPagamentoTesto(iuv, iur string, importo int64) string {
	return fmt.Sprintf("IUV %s IUR %s, %s euro", iuv, iur, euroStorico(importo))
}

// AssociaRicPagamentiLiberi counts in the assessment id every free payment
// matching f, and returns how many and their amount.
func (tx *Tx) AssociaRicPagamentiLiberi(ctx context.Context, id int64, f FiltroRicPagamentiLiberi) (int, int64, error) {
	q, args := ricAccLiberi(f, false)
	rows, err := tx.QueryContext(ctx, `INSERT INTO ric_accertamenti_pagamenti (accertamento_id, iuv, iur, importo, associato_il,
		associato_da) SELECT ?, r.iuv, r.iur, `+ricAccImporto+`, ?, ?`+q+` ON CONFLICT DO NOTHING RETURNING importo`,
		append([]any{id, tx.Stamp(), tx.Operator}, args...)...)
	if err != nil {
		return 0, 0, err
	}
	n, tot, err := ricAccSomma(rows)
	if err != nil || n == 0 {
		return n, tot, err
	}
	return n, tot, tx.Audit(ctx, "ric_accertamento", strconv.FormatInt(id, 10), Modifica, []FieldChange{
		{Field: "pagamenti associati", After: fmt.Sprintf("%d pagamenti, %s euro", n, euroStorico(tot))}})
}

// ricAccSomma counts and sums the one-column amounts of rows, closing them.
func ricAccSomma(rows *sql.Rows) (int, int64, error) {
	defer rows.Close()
	var n int
	var tot int64
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return n, tot, err
		}
		n++
		tot += c
	}
	return n, tot, rows.Err()
}

// RimuoviRicAssociazione takes a payment out of the assessment id
// (ErrNotFound if it was not there).
func (tx *Tx) RimuoviRicAssociazione(ctx context.Context, id int64, iuv, iur string) error {
	var importo int64
	err := tx.QueryRowContext(ctx, `DELETE FROM ric_accertamenti_pagamenti WHERE accertamento_id = ? AND iuv = ? AND iur = ?
		RETURNING importo`, id, iuv, iur).Scan(&importo)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "ric_accertamento", strconv.FormatInt(id, 10), Modifica, []FieldChange{
		{Field: "pagamento associato", Before: ricAccPagamentoTesto(iuv, iur, importo)}})
}

// ---- created on import

// RicAnagraficheCreate is what CreaAnagraficheMancanti did.
type RicAnagraficheCreate struct {
	Uffici, Capitoli, Accertamenti int
	Associati                      int // payments associated
}

// Totale is every record written.
func (c RicAnagraficheCreate) Totale() int {
	return c.Uffici + c.Capitoli + c.Accertamenti + c.Associati
}

// CreaAnagraficheMancanti creates, as MyPivot 5.7 does on import, the
// offices, chapters and assessments that the debt records' bilancio names
// and that do not exist yet (year: the due date's, 0 without one; a
// chapter or assessment of any year, anno 0, counts as existing), stamped
// with tx's operator and time; then associates every paid payment whose
// debt record names an assessment to it, unless the payment is associated
// already or the assessment is closed. A record without its office (the
// bilancio's codUfficio is optional) creates nothing: there is no office
// to put it under. It returns how many records it wrote; running it again
// writes none. It reads every debt record: after an import,
// CreaAnagraficheMancantiToccate does the same for the keys it touched.
func (tx *Tx) CreaAnagraficheMancanti(ctx context.Context) (int, error) {
	c, err := tx.creaAnagrafiche(ctx, nil)
	return c.Totale(), err
}

// CreaAnagraficheMancantiToccate is CreaAnagraficheMancanti for the debt
// records and payments of the IUVs and IUDs in t (an import's keys).
func (tx *Tx) CreaAnagraficheMancantiToccate(ctx context.Context, t Toccate) (int, error) {
	if len(t.IUV) == 0 && len(t.IUD) == 0 {
		return 0, nil
	}
	c, err := tx.creaAnagrafiche(ctx, &t)
	return c.Totale(), err
}

// CreaAnagraficheDettaglio is CreaAnagraficheMancanti telling what it wrote.
func (tx *Tx) CreaAnagraficheDettaglio(ctx context.Context) (RicAnagraficheCreate, error) {
	return tx.creaAnagrafiche(ctx, nil)
}

// creaAnagrafiche works on every debt record and payment, or on those of
// t's keys (widened as the engine does: an IUD brings its IUVs).
func (tx *Tx) creaAnagrafiche(ctx context.Context, t *Toccate) (RicAnagraficheCreate, error) {
	var out RicAnagraficheCreate
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	scopeDovuti, scopeRT := " AND true", ""
	if t != nil {
		for _, q := range []string{`DROP TABLE IF EXISTS temp.ric_acc_iuv`, `DROP TABLE IF EXISTS temp.ric_acc_iud`,
			`CREATE TEMP TABLE ric_acc_iuv (k TEXT PRIMARY KEY) WITHOUT ROWID`,
			`CREATE TEMP TABLE ric_acc_iud (k TEXT PRIMARY KEY) WITHOUT ROWID`} {
			if err := exec(q); err != nil {
				return out, err
			}
		}
		defer func() {
			ctx := context.WithoutCancel(ctx)
			tx.ExecContext(ctx, `DROP TABLE IF EXISTS temp.ric_acc_iuv`)
			tx.ExecContext(ctx, `DROP TABLE IF EXISTS temp.ric_acc_iud`)
		}()
		for set, keys := range map[string]map[string]struct{}{"ric_acc_iuv": t.IUV, "ric_acc_iud": t.IUD} {
			for k := range keys {
				if err := exec(`INSERT OR IGNORE INTO temp.`+set+` (k) VALUES (?)`, k); err != nil {
					return out, err
				}
			}
		}
		for _, q := range []string{
			`INSERT OR IGNORE INTO temp.ric_acc_iuv SELECT iuv FROM ric_dovuti WHERE iuv != '' AND iud IN (SELECT k FROM temp.ric_acc_iud)`,
			`INSERT OR IGNORE INTO temp.ric_acc_iuv SELECT iuv FROM ric_rt WHERE iud != '' AND iud IN (SELECT k FROM temp.ric_acc_iud)`,
		} {
			if err := exec(q); err != nil {
				return out, err
			}
		}
		scopeDovuti = ` AND (d.iud IN (SELECT k FROM temp.ric_acc_iud) OR d.iuv IN (SELECT k FROM temp.ric_acc_iuv))`
		scopeRT = ` AND r.iuv IN (SELECT k FROM temp.ric_acc_iuv)`
	}
	anno := ricAccAnnoDi("d.scadenza")
	src := `SELECT DISTINCT d.ufficio, d.capitolo, d.accertamento, ` + anno + ` AS anno FROM ric_dovuti d
		WHERE d.ufficio != ''` + scopeDovuti
	stamp := tx.Stamp()

	// Offices.
	uffici, err := scanAll(scanValue[string])(tx.QueryContext(ctx, `INSERT INTO ric_uffici (codice, denominazione, attivo,
		modificato_il, modificato_da) SELECT DISTINCT d.ufficio, '', 1, ?, ? FROM ric_dovuti d WHERE d.ufficio != ''`+scopeDovuti+`
		ON CONFLICT DO NOTHING RETURNING codice`, stamp, tx.Operator))
	if err != nil {
		return out, err
	}
	for _, c := range uffici {
		if err := tx.Audit(ctx, "ric_ufficio", c, Crea, Diff(nil, ricAccUfficioFields(RicUfficio{Codice: c, Attivo: true}))); err != nil {
			return out, err
		}
	}
	out.Uffici = len(uffici)

	// Chapters: one of any year already there will do.
	capitoli, err := scanAll(func(row interface{ Scan(...any) error }) (RicCapitolo, error) {
		c := RicCapitolo{Attivo: true}
		return c, row.Scan(&c.Ufficio, &c.Codice, &c.Anno)
	})(tx.QueryContext(ctx, `INSERT INTO ric_capitoli (ufficio, codice, anno, descrizione, attivo, modificato_il, modificato_da)
		SELECT DISTINCT s.ufficio, s.capitolo, s.anno, '', 1, ?, ? FROM (`+src+`) s
		WHERE s.capitolo != '' AND NOT EXISTS (SELECT 1 FROM ric_capitoli c
			WHERE c.ufficio = s.ufficio AND c.codice = s.capitolo AND c.anno IN (s.anno, 0))
		ON CONFLICT DO NOTHING RETURNING ufficio, codice, anno`, stamp, tx.Operator))
	if err != nil {
		return out, err
	}
	for _, c := range capitoli {
		if err := tx.Audit(ctx, "ric_capitolo", RicCapitoloID(c.Ufficio, c.Codice, c.Anno), Crea, Diff(nil, ricAccCapitoloFields(c))); err != nil {
			return out, err
		}
	}
	out.Capitoli = len(capitoli)

	// Assessments.
	acc, err := scanAll(func(row interface{ Scan(...any) error }) (RicAccertamento, error) {
		a := RicAccertamento{Stato: RicAccertamentoAperto}
		return a, row.Scan(&a.ID, &a.Ufficio, &a.Capitolo, &a.Anno, &a.Codice)
	})(tx.QueryContext(ctx, `INSERT INTO ric_accertamenti (ufficio, capitolo, anno, codice, descrizione, importo, stato,
		creato_il, creato_da, modificato_il, modificato_da)
		SELECT s.ufficio, s.capitolo, s.anno, s.accertamento, '', 0, 'APERTO', ?, ?, ?, ? FROM (`+src+`) s
		WHERE s.capitolo != '' AND s.accertamento != '' AND NOT EXISTS (SELECT 1 FROM ric_accertamenti a
			WHERE a.ufficio = s.ufficio AND a.capitolo = s.capitolo AND a.codice = s.accertamento AND a.anno IN (s.anno, 0))
		ON CONFLICT DO NOTHING RETURNING id, ufficio, capitolo, anno, codice`, stamp, tx.Operator, stamp, tx.Operator))
	if err != nil {
		return out, err
	}
	for _, a := range acc {
		if err := tx.Audit(ctx, "ric_accertamento", strconv.FormatInt(a.ID, 10), Crea, Diff(nil, ricAccFields(a))); err != nil {
			return out, err
		}
	}
	out.Accertamenti = len(acc)

	// Payments: to the assessment of their year, else of any year, if open.
	rows, err := tx.QueryContext(ctx, `INSERT INTO ric_accertamenti_pagamenti (accertamento_id, iuv, iur, importo, associato_il,
		associato_da)
		SELECT a.id, x.iuv, x.iur, x.importo, ?, ? FROM (
			SELECT r.iuv, r.iur, `+ricAccImporto+` AS importo, (SELECT a.id FROM ric_accertamenti a
				WHERE a.ufficio = d.ufficio AND a.capitolo = d.capitolo AND a.codice = d.accertamento
				AND a.anno IN (`+anno+`, 0) ORDER BY a.anno DESC LIMIT 1) AS acc
			FROM ric_rt r JOIN ric_dovuti d ON d.iud = `+ricAccDovutoDi+`
			WHERE `+ricAccPrimoTrasferimento+scopeRT+` AND d.ufficio != '' AND d.capitolo != '' AND d.accertamento != ''
				AND `+ricAccNonAssociato+`) x
		JOIN ric_accertamenti a ON a.id = x.acc
		WHERE a.stato = 'APERTO'
		ON CONFLICT DO NOTHING RETURNING accertamento_id, importo`, stamp, tx.Operator)
	if err != nil {
		return out, err
	}
	per := map[int64][2]int64{}
	func() {
		defer rows.Close()
		for rows.Next() {
			var id, imp int64
			if err = rows.Scan(&id, &imp); err != nil {
				return
			}
			v := per[id]
			per[id] = [2]int64{v[0] + 1, v[1] + imp}
			out.Associati++
		}
		err = rows.Err()
	}()
	if err != nil {
		return out, err
	}
	for id, v := range per {
		if err := tx.Audit(ctx, "ric_accertamento", strconv.FormatInt(id, 10), Modifica, []FieldChange{{Field: "pagamenti associati",
			After: fmt.Sprintf("%d pagamenti, %s euro (dal bilancio dei dovuti)", v[0], euroStorico(v[1]))}}); err != nil {
			return out, err
		}
	}
	return out, nil
}

// euroStorico writes cents as the history shows amounts to the clerk:
// "1.234,56".
func euroStorico(c int64) string {
	segno := ""
	if c < 0 {
		segno, c = "-", -c
	}
	intero := strconv.FormatInt(c/100, 10)
	for i := len(intero) - 3; i > 0; i -= 3 {
		intero = intero[:i] + "." + intero[i:]
	}
	return fmt.Sprintf("%s%s,%02d", segno, intero, c%100)
}
