package store

import (
	"context"
	"strings"
	"time"
)

// The lists of the reconciliation windows (Ricevute telematiche,
// Rendicontazione pagoPA, Giornale di Cassa, a flow's lines), paged in SQL
// with the file each row came from and the labels it carries.

// RicFonte is the imported file a row came from.
type RicFonte struct {
	File        string
	ImportatoIl time.Time
}

// RicRicevutaRiga is a receipt transfer with its file; Classi are the
// labels of its payment (IUV + IUR), comma separated, in the lists.
type RicRicevutaRiga struct {
	RicRicevuta
	Fonte  RicFonte
	Classi string
}

// RicFlussoRiga is a reporting flow's header with its file and labels.
type RicFlussoRiga struct {
	RicFlusso
	Fonte  RicFonte
	Classi string
}

// RicMovimentoRiga is a treasury credit with its file and labels.
type RicMovimentoRiga struct {
	RicMovimento
	Fonte  RicFonte
	Classi string
}

// RicRigaFlusso is a line of a reporting flow (N from 1, in file order);
// ConRicevuta tells whether an OK receipt of its IUV and IUR is stored.
type RicRigaFlusso struct {
	IUF string
	N   int
	RicPagamento
	ConRicevuta bool
}

// classiDi is the correlated subquery of the labels of a key, each label's
// range of ric_classi's key looked up once.
func classiDi(tipo, chiave, iur string) string {
	return `(SELECT COALESCE(GROUP_CONCAT(c.classe), '') FROM ric_classi c WHERE c.classe IN (SELECT classe FROM ric_classi_conteggi)
		AND c.chiave_tipo = '` + tipo + `' AND c.chiave = ` + chiave + ` AND c.iur = ` + iur + `)`
}

// prefisso adds "col starts with p" as a range of col's index.
func (w *where) prefisso(col, p string) {
	if p = strings.TrimSpace(p); p != "" {
		w.add(col+" >= ? AND "+col+" < ?", p, p+"\uffff")
	}
}

// giorni adds "col between dal and al" (YYYY-MM-DD, inclusive; "" open).
func (w *where) giorni(col, dal, al string) {
	if dal != "" {
		w.add(col+" >= ?", dal)
	}
	if al != "" {
		w.add(col+" <= ?", al)
	}
}

func scanFonte(il string, f *RicFonte) {
	f.ImportatoIl, _ = time.Parse(time.RFC3339, il)
}

// FiltroRicRicevute selects receipt transfers; zero fields do not filter.
type FiltroRicRicevute struct {
	IUV      string // prefix
	IUR      string
	Pagatore string // the payer's fiscal code, or part of the name
	Dal, Al  string // data_esito, YYYY-MM-DD, inclusive
	Esito    string // OK or KO
}

func ricRicevuteWhere(f FiltroRicRicevute) *where {
	w := &where{}
	w.prefisso("r.iuv", f.IUV)
	if s := strings.TrimSpace(f.IUR); s != "" {
		w.add("r.iur = ?", s)
	}
	if s := strings.TrimSpace(f.Pagatore); s != "" {
		w.add(`(r.cf_pagatore = ? OR LOWER(r.pagatore) LIKE ? ESCAPE '\')`, strings.ToUpper(s), likeArg(s))
	}
	w.giorni("r.data_esito", f.Dal, f.Al)
	if f.Esito != "" {
		w.add("r.esito = ?", f.Esito)
	}
	return w
}

// CountRicRicevute counts the receipt transfers matching f.
func (db *DB) CountRicRicevute(ctx context.Context, f FiltroRicRicevute) (int, error) {
	w := ricRicevuteWhere(f)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_rt r`+w.String(), w.args...).Scan(&n)
	return n, err
}

const ricRicevutaCols = `r.iuv, r.iur, r.indice, r.iud, r.cf_ente, r.importo, r.esito, r.data_esito, r.cf_pagatore,
	r.pagatore, r.psp, r.tipo_dovuto, r.causale, f.nome, f.importato_il`

func scanRicRicevuta(row interface{ Scan(...any) error }, extra ...any) (RicRicevutaRiga, error) {
	var x RicRicevutaRiga
	var il string
	err := row.Scan(append([]any{&x.IUV, &x.IUR, &x.Indice, &x.IUD, &x.CFEnte, &x.Importo, &x.Esito, &x.DataEsito,
		&x.CFPagatore, &x.Pagatore, &x.PSP, &x.TipoDovuto, &x.Causale, &x.Fonte.File, &il}, extra...)...)
	scanFonte(il, &x.Fonte)
	return x, err
}

// RicRicevute pages through the receipt transfers matching f in key order
// (IUV, IUR, indice), each with the labels of its payment.
func (db *DB) RicRicevute(ctx context.Context, f FiltroRicRicevute, offset, limit int) ([]RicRicevutaRiga, error) {
	w := ricRicevuteWhere(f)
	q := `SELECT ` + ricRicevutaCols + `, ` + classiDi("PAGAMENTO", "r.iuv", "r.iur") + `
		FROM ric_rt r JOIN ric_file f ON f.id = r.file_id` + w.String() + `
		ORDER BY r.iuv, r.iur, r.indice LIMIT ? OFFSET ?`
	return scanAll(func(row interface{ Scan(...any) error }) (RicRicevutaRiga, error) {
		var classi string
		x, err := scanRicRicevuta(row, &classi)
		x.Classi = classi
		return x, err
	})(db.r.QueryContext(ctx, q, append(w.args, limit, offset)...))
}

// FiltroRicFlussi selects reporting flows; zero fields do not filter.
type FiltroRicFlussi struct {
	IUF     string // prefix
	PSP     string // part of the PSP's name
	Dal, Al string // data_regolamento, YYYY-MM-DD, inclusive
}

func ricFlussiWhere(f FiltroRicFlussi) *where {
	w := &where{}
	w.prefisso("x.iuf", f.IUF)
	if s := strings.TrimSpace(f.PSP); s != "" {
		w.add(`LOWER(x.psp) LIKE ? ESCAPE '\'`, likeArg(s))
	}
	w.giorni("x.data_regolamento", f.Dal, f.Al)
	return w
}

// CountRicFlussi counts the reporting flows matching f.
func (db *DB) CountRicFlussi(ctx context.Context, f FiltroRicFlussi) (int, error) {
	w := ricFlussiWhere(f)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_fdr x`+w.String(), w.args...).Scan(&n)
	return n, err
}

var ricFlussoCols = `x.iuf, x.data_flusso, x.iur_regolamento, x.data_regolamento, x.psp, x.n_pagamenti, x.importo_totale,
	f.nome, f.importato_il, ` + classiDi("FLUSSO", "x.iuf", "''")

func scanRicFlusso(row interface{ Scan(...any) error }) (RicFlussoRiga, error) {
	var x RicFlussoRiga
	var il string
	err := row.Scan(&x.IUF, &x.DataFlusso, &x.IURRegolamento, &x.DataRegolamento, &x.PSP, &x.NPagamenti, &x.ImportoTotale,
		&x.Fonte.File, &il, &x.Classi)
	scanFonte(il, &x.Fonte)
	return x, err
}

// RicFlussi pages through the reporting flows matching f, the latest
// settled first.
func (db *DB) RicFlussi(ctx context.Context, f FiltroRicFlussi, offset, limit int) ([]RicFlussoRiga, error) {
	w := ricFlussiWhere(f)
	// The page is cut first: the labels are looked up for its rows only.
	q := `SELECT ` + ricFlussoCols + ` FROM (SELECT * FROM ric_fdr x` + w.String() + `
		ORDER BY x.data_regolamento DESC, x.iuf LIMIT ? OFFSET ?) x JOIN ric_file f ON f.id = x.file_id
		ORDER BY x.data_regolamento DESC, x.iuf`
	return scanAll(scanRicFlusso)(db.r.QueryContext(ctx, q, append(w.args, limit, offset)...))
}

// FiltroRicMovimenti selects treasury credits; zero fields do not filter.
type FiltroRicMovimenti struct {
	Bolletta string // the bolletta number, exactly
	Causale  string // part of the causale
	Dal, Al  string // data_valuta, YYYY-MM-DD, inclusive
}

func ricMovimentiWhere(f FiltroRicMovimenti) *where {
	w := &where{}
	if s := strings.TrimSpace(f.Bolletta); s != "" {
		w.add("x.bolletta = ?", s)
	}
	if s := strings.TrimSpace(f.Causale); s != "" {
		w.add(`LOWER(x.causale) LIKE ? ESCAPE '\'`, likeArg(s))
	}
	w.giorni("x.data_valuta", f.Dal, f.Al)
	return w
}

// CountRicMovimenti counts the treasury credits matching f.
func (db *DB) CountRicMovimenti(ctx context.Context, f FiltroRicMovimenti) (int, error) {
	w := ricMovimentiWhere(f)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_tesoreria x`+w.String(), w.args...).Scan(&n)
	return n, err
}

var ricMovimentoCols = `x.chiave, x.esercizio, x.bolletta, x.data_contabile, x.data_valuta, x.importo, x.causale, x.cliente,
	x.iuf, x.iuv, x.iuv_importo, f.nome, f.importato_il, ` + classiDi("TESORERIA", "x.chiave", "''")

func scanRicMovimento(row interface{ Scan(...any) error }) (RicMovimentoRiga, error) {
	var x RicMovimentoRiga
	var il string
	var imp *int64
	err := row.Scan(&x.Chiave, &x.Esercizio, &x.Bolletta, &x.DataContabile, &x.DataValuta, &x.Importo, &x.Causale, &x.Cliente,
		&x.IUF, &x.IUV, &imp, &x.Fonte.File, &il, &x.Classi)
	if imp != nil {
		x.ImportoIUV, x.ConImportoIUV = *imp, true
	}
	scanFonte(il, &x.Fonte)
	return x, err
}

// RicMovimenti pages through the treasury credits matching f, the latest
// value date first.
func (db *DB) RicMovimenti(ctx context.Context, f FiltroRicMovimenti, offset, limit int) ([]RicMovimentoRiga, error) {
	w := ricMovimentiWhere(f)
	q := `SELECT ` + ricMovimentoCols + ` FROM (SELECT * FROM ric_tesoreria x` + w.String() + `
		ORDER BY x.data_valuta DESC, x.chiave LIMIT ? OFFSET ?) x JOIN ric_file f ON f.id = x.file_id
		ORDER BY x.data_valuta DESC, x.chiave`
	return scanAll(scanRicMovimento)(db.r.QueryContext(ctx, q, append(w.args, limit, offset)...))
}

// CountRicRigheFlusso counts a flow's lines.
func (db *DB) CountRicRigheFlusso(ctx context.Context, iuf string) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_fdr_pagamenti WHERE iuf = ?`, iuf).Scan(&n)
	return n, err
}

const ricRigaCols = `p.iuf, p.n, p.iuv, p.iur, p.indice, p.importo, p.esito, p.data_esito,
	EXISTS (SELECT 1 FROM ric_rt r WHERE r.iuv = p.iuv AND r.iur = p.iur AND r.esito = 'OK')`

func scanRicRiga(row interface{ Scan(...any) error }) (RicRigaFlusso, error) {
	var x RicRigaFlusso
	err := row.Scan(&x.IUF, &x.N, &x.IUV, &x.IUR, &x.Indice, &x.Importo, &x.Esito, &x.DataEsito, &x.ConRicevuta)
	return x, err
}

// RicRigheFlusso pages through a flow's lines in file order.
func (db *DB) RicRigheFlusso(ctx context.Context, iuf string, offset, limit int) ([]RicRigaFlusso, error) {
	return scanAll(scanRicRiga)(db.r.QueryContext(ctx, `SELECT `+ricRigaCols+` FROM ric_fdr_pagamenti p
		WHERE p.iuf = ? ORDER BY p.n LIMIT ? OFFSET ?`, iuf, limit, offset))
}
