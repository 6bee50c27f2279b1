package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Queries of the reconciliation (core/riconciliazione): imported files,
// the normalised rows of receipts, reporting flows, treasury and debt
// records, and the pages of the classification. The importers store rows
// in batches inside one Tx and collect in a Toccate what they changed.

// RicEsitiEseguiti are the outcomes of a reporting line whose money was
// paid to the ente: executed, stand-in, stand-in without RPT and "eseguito
// in assenza di RPT" (9). 3 (revoked) cancels one of them.
const RicEsitiEseguiti = "0, 4, 8, 9"

// ErrGiaImportato is returned when a file with the same content (SHA-256)
// was already imported: importing it again would change nothing.
var ErrGiaImportato = errors.New("file già importato")

// RicFile is an imported file. Tipo is RT, FDR, CASSA, DOVUTI or PAGATI.
type RicFile struct {
	ID          int64
	Tipo        string
	Nome        string
	SHA256      string
	Formato     string
	Righe       int
	ImportatoIl time.Time
	ImportatoDa string
}

// RicRicevuta is one transfer (Indice, from 1) of a receipt; Esito OK or KO.
type RicRicevuta struct {
	IUV, IUR   string
	Indice     int
	IUD        string
	CFEnte     string
	Importo    int64
	Esito      string
	DataEsito  string // YYYY-MM-DD
	CFPagatore string
	Pagatore   string
	PSP        string
	TipoDovuto string
	Causale    string
}

// RicFlusso is a reporting flow's header.
type RicFlusso struct {
	IUF             string
	DataFlusso      string
	IURRegolamento  string
	DataRegolamento string
	PSP             string
	NPagamenti      int
	ImportoTotale   int64
}

// RicPagamento is a line of a reporting flow: Esito 0 executed, 3 revoked
// (Importo negative), 4 stand-in, 8 stand-in without RPT, 9 without RPT.
type RicPagamento struct {
	IUV, IUR  string
	Indice    int
	Importo   int64
	Esito     int
	DataEsito string
}

// RicMovimento is a treasury credit. Chiave identifies it across files
// (STORNATO deletes by it); IUF and IUV are what its causale names, empty
// when none; ConImportoIUV tells whether the causale carried ImportoIUV
// (/RFS/<IUV>/<importo>).
type RicMovimento struct {
	Chiave        string
	Esercizio     int
	Bolletta      string
	DataContabile string
	DataValuta    string
	Importo       int64
	Causale       string
	Cliente       string
	IUF, IUV      string
	ImportoIUV    int64
	ConImportoIUV bool
}

// RicDovuto is a debt record of the ente; Fonte SPORTELLO or CSV.
type RicDovuto struct {
	IUD          string
	IUV          string
	Importo      int64
	TipoDovuto   string
	CF           string
	Anagrafica   string
	Causale      string
	Ufficio      string
	Capitolo     string
	Accertamento string
	Scadenza     string
	Fonte        string
}

// Toccate are the keys an import or a deletion changed: what the
// reconciliation must classify again. The zero value is ready to use.
type Toccate struct {
	IUV, IUF, Tesoreria, IUD map[string]struct{}
}

func aggiungi(m *map[string]struct{}, k string) {
	if k == "" {
		return
	}
	if *m == nil {
		*m = map[string]struct{}{}
	}
	(*m)[k] = struct{}{}
}

// Unisci adds o's keys to t.
func (t *Toccate) Unisci(o Toccate) {
	for _, p := range []struct{ dst, src *map[string]struct{} }{
		{&t.IUV, &o.IUV}, {&t.IUF, &o.IUF}, {&t.Tesoreria, &o.Tesoreria}, {&t.IUD, &o.IUD},
	} {
		for k := range *p.src {
			aggiungi(p.dst, k)
		}
	}
}

// Len is how many keys t holds.
func (t *Toccate) Len() int { return len(t.IUV) + len(t.IUF) + len(t.Tesoreria) + len(t.IUD) }

// orNop stands in for a nil *Toccate, so that callers not interested in
// the keys can pass nil.
func (t *Toccate) orNop() *Toccate {
	if t == nil {
		return &Toccate{}
	}
	return t
}

// WriteMassivo is Write for bulk work (importing millions of rows, the
// reconciliation). Before the transaction begins, where its statement
// journals go is fixed, so the writer connection is set up first: journals
// and temporary tables in memory (on disk, every multi-row INSERT into a
// big index wrote the pages it touched twice), and a 64 MiB page cache (at
// 2 MiB a million-row import spilled its dirty pages to the WAL and read
// them back, a quarter of its time). The settings stay on the connection:
// giving the cache back costs a system call per page with this driver.
func (db *DB) WriteMassivo(ctx context.Context, operator string, fn func(tx *Tx) error) error {
	if _, err := db.w.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return err
	}
	if _, err := db.w.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return err
	}
	return db.Write(ctx, operator, fn)
}

// InsertRicFile records an imported file, stamped with the transaction's
// operator and time. A file with the same SHA-256 gives ErrGiaImportato
// (wrapped with when and by whom).
func (tx *Tx) InsertRicFile(ctx context.Context, f RicFile) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO ric_file (tipo, nome, sha256, formato, righe, importato_il, importato_da)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, f.Tipo, f.Nome, strings.ToLower(f.SHA256), f.Formato, f.Righe, tx.Stamp(), tx.Operator)
	if isUniqueViolation(err) {
		var nome, il, da string
		if e := tx.QueryRowContext(ctx, `SELECT nome, importato_il, importato_da FROM ric_file WHERE sha256 = ?`,
			strings.ToLower(f.SHA256)).Scan(&nome, &il, &da); e != nil {
			return 0, ErrGiaImportato
		}
		return 0, fmt.Errorf("%w: lo stesso contenuto (%s) è stato importato il %s da %s", ErrGiaImportato, nome, il, da)
	}
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, "ric_file", fmt.Sprint(id), Crea, []FieldChange{{Field: "sha256", After: f.SHA256}, {Field: "nome", After: f.Nome}})
}

// SetRigheRicFile records how many rows a file had, known once read.
func (tx *Tx) SetRigheRicFile(ctx context.Context, id int64, righe int) error {
	_, err := tx.ExecContext(ctx, `UPDATE ric_file SET righe = ? WHERE id = ?`, righe, id)
	return err
}

// RicFileBySHA finds an imported file by its SHA-256 (ErrNotFound when new).
func (db *DB) RicFileBySHA(ctx context.Context, sha string) (RicFile, error) {
	var f RicFile
	var il string
	err := db.r.QueryRowContext(ctx, `SELECT id, tipo, nome, sha256, formato, righe, importato_il, importato_da
		FROM ric_file WHERE sha256 = ?`, strings.ToLower(sha)).Scan(&f.ID, &f.Tipo, &f.Nome, &f.SHA256, &f.Formato, &f.Righe, &il, &f.ImportatoDa)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	f.ImportatoIl, _ = time.Parse(time.RFC3339, il)
	return f, err
}

// insertMany inserts n rows of cols columns with "head VALUES (...), ...
// tail": SQLite's cost is per statement more than per row, so full chunks
// go through one prepared statement of ricChunk rows.
func (tx *Tx) insertMany(ctx context.Context, head, tail string, cols, n int, row func(i int, args []any) []any) error {
	const ricChunk = 64
	ph := "(?" + strings.Repeat(", ?", cols-1) + ")"
	text := func(k int) string { return head + " VALUES " + ph + strings.Repeat(", "+ph, k-1) + " " + tail }
	args := make([]any, 0, ricChunk*cols)
	i := 0
	if n >= ricChunk {
		stmt, err := tx.PrepareContext(ctx, text(ricChunk))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for ; i+ricChunk <= n; i += ricChunk {
			args = args[:0]
			for j := i; j < i+ricChunk; j++ {
				args = row(j, args)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
	}
	if i == n {
		return nil
	}
	args = args[:0]
	for j := i; j < n; j++ {
		args = row(j, args)
	}
	_, err := tx.ExecContext(ctx, text(n-i), args...)
	return err
}

// InsertRicevute stores receipts of a file. A receipt already stored
// (same IUV, IUR and indice) is replaced by the newer one.
func (tx *Tx) InsertRicevute(ctx context.Context, fileID int64, rr []RicRicevuta, t *Toccate) error {
	t = t.orNop()
	for _, r := range rr {
		aggiungi(&t.IUV, r.IUV)
		aggiungi(&t.IUD, r.IUD)
	}
	return tx.insertMany(ctx, `INSERT INTO ric_rt (iuv, iur, indice, iud, cf_ente, importo, esito, data_esito,
		cf_pagatore, pagatore, psp, tipo_dovuto, causale, file_id)`, `ON CONFLICT (iuv, iur, indice) DO UPDATE SET
		iud = excluded.iud, cf_ente = excluded.cf_ente, importo = excluded.importo, esito = excluded.esito,
		data_esito = excluded.data_esito, cf_pagatore = excluded.cf_pagatore, pagatore = excluded.pagatore, psp = excluded.psp,
		tipo_dovuto = excluded.tipo_dovuto, causale = excluded.causale, file_id = excluded.file_id`, 14, len(rr),
		func(i int, a []any) []any {
			r := &rr[i]
			return append(a, r.IUV, r.IUR, max(r.Indice, 1), r.IUD, r.CFEnte, r.Importo, r.Esito, r.DataEsito,
				r.CFPagatore, r.Pagatore, r.PSP, r.TipoDovuto, r.Causale, fileID)
		})
}

// InsertRicFlusso stores a flow's header; its lines follow with
// InsertRicPagamenti. A flow with the same IUF is replaced, its lines
// deleted.
func (tx *Tx) InsertRicFlusso(ctx context.Context, fileID int64, f RicFlusso, t *Toccate) error {
	t = t.orNop()
	aggiungi(&t.IUF, f.IUF)
	old, err := scanAll(scanValue[string])(tx.QueryContext(ctx, `SELECT DISTINCT iuv FROM ric_fdr_pagamenti WHERE iuf = ?`, f.IUF))
	if err != nil {
		return err
	}
	for _, iuv := range old {
		aggiungi(&t.IUV, iuv)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ric_fdr WHERE iuf = ?`, f.IUF); err != nil { // lines cascade
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ric_fdr (iuf, data_flusso, iur_regolamento, data_regolamento, psp,
		n_pagamenti, importo_totale, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		f.IUF, f.DataFlusso, f.IURRegolamento, f.DataRegolamento, f.PSP, f.NPagamenti, f.ImportoTotale, fileID)
	return err
}

// InsertRicPagamenti appends lines to the flow iuf, stored just before
// with InsertRicFlusso; batches keep the file order.
func (tx *Tx) InsertRicPagamenti(ctx context.Context, iuf string, pp []RicPagamento, t *Toccate) error {
	t = t.orNop()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) FROM ric_fdr_pagamenti WHERE iuf = ?`, iuf).Scan(&n); err != nil {
		return err
	}
	for _, p := range pp {
		aggiungi(&t.IUV, p.IUV)
	}
	return tx.insertMany(ctx, `INSERT INTO ric_fdr_pagamenti (iuf, n, iuv, iur, indice, importo, esito, data_esito)`, ``, 8, len(pp),
		func(i int, a []any) []any {
			p := &pp[i]
			return append(a, iuf, n+i+1, p.IUV, p.IUR, max(p.Indice, 1), p.Importo, p.Esito, p.DataEsito)
		})
}

// InsertRicMovimenti stores treasury credits; a movement with the same
// chiave is replaced (and what it named before is touched too).
func (tx *Tx) InsertRicMovimenti(ctx context.Context, fileID int64, mm []RicMovimento, t *Toccate) error {
	t = t.orNop()
	old, err := tx.PrepareContext(ctx, `SELECT iuf, iuv FROM ric_tesoreria WHERE chiave = ?`)
	if err != nil {
		return err
	}
	defer old.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO ric_tesoreria (chiave, esercizio, bolletta, data_contabile, data_valuta,
		importo, causale, cliente, iuf, iuv, iuv_importo, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (chiave) DO UPDATE SET esercizio = excluded.esercizio, bolletta = excluded.bolletta,
		data_contabile = excluded.data_contabile, data_valuta = excluded.data_valuta, importo = excluded.importo,
		causale = excluded.causale, cliente = excluded.cliente, iuf = excluded.iuf, iuv = excluded.iuv,
		iuv_importo = excluded.iuv_importo, file_id = excluded.file_id`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, m := range mm {
		var iuf, iuv string
		switch err := old.QueryRowContext(ctx, m.Chiave).Scan(&iuf, &iuv); {
		case err == nil:
			aggiungi(&t.IUF, iuf)
			aggiungi(&t.IUV, iuv)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var imp any
		if m.ConImportoIUV {
			imp = m.ImportoIUV
		}
		if _, err := ins.ExecContext(ctx, m.Chiave, m.Esercizio, m.Bolletta, m.DataContabile, m.DataValuta, m.Importo,
			m.Causale, m.Cliente, m.IUF, m.IUV, imp, fileID); err != nil {
			return err
		}
		aggiungi(&t.Tesoreria, m.Chiave)
		aggiungi(&t.IUF, m.IUF)
		aggiungi(&t.IUV, m.IUV)
	}
	return nil
}

// DeleteRicMovimento deletes a treasury credit reversed by the bank
// (STORNATO); ErrNotFound when no movement has that chiave.
func (tx *Tx) DeleteRicMovimento(ctx context.Context, chiave string, t *Toccate) error {
	t = t.orNop()
	var iuf, iuv string
	err := tx.QueryRowContext(ctx, `DELETE FROM ric_tesoreria WHERE chiave = ? RETURNING iuf, iuv`, chiave).Scan(&iuf, &iuv)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	aggiungi(&t.Tesoreria, chiave)
	aggiungi(&t.IUF, iuf)
	aggiungi(&t.IUV, iuv)
	return tx.Audit(ctx, "ric_tesoreria", chiave, Elimina, nil)
}

// InsertRicDovuti stores debt records (fileID 0 for Sportello's own); a
// record with the same IUD is replaced, and its former IUV touched.
func (tx *Tx) InsertRicDovuti(ctx context.Context, fileID int64, dd []RicDovuto, t *Toccate) error {
	t = t.orNop()
	var file any
	if fileID != 0 {
		file = fileID
	}
	// The records replaced, looked up a chunk at a time.
	for start := 0; start < len(dd); start += 500 {
		chunk := dd[start:min(start+500, len(dd))]
		args := make([]any, len(chunk))
		for i, d := range chunk {
			args[i] = d.IUD
			aggiungi(&t.IUD, d.IUD)
			aggiungi(&t.IUV, d.IUV)
		}
		old, err := scanAll(scanValue[string])(tx.QueryContext(ctx, `SELECT iuv FROM ric_dovuti WHERE iud IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`, args...))
		if err != nil {
			return err
		}
		for _, iuv := range old {
			aggiungi(&t.IUV, iuv)
		}
	}
	return tx.insertMany(ctx, `INSERT INTO ric_dovuti (iud, iuv, importo, tipo_dovuto, cf, anagrafica, causale, ufficio,
		capitolo, accertamento, scadenza, fonte, file_id)`, `ON CONFLICT (iud) DO UPDATE SET iuv = excluded.iuv,
		importo = excluded.importo, tipo_dovuto = excluded.tipo_dovuto, cf = excluded.cf, anagrafica = excluded.anagrafica,
		causale = excluded.causale, ufficio = excluded.ufficio, capitolo = excluded.capitolo,
		accertamento = excluded.accertamento, scadenza = excluded.scadenza, fonte = excluded.fonte, file_id = excluded.file_id`,
		13, len(dd), func(i int, a []any) []any {
			d := &dd[i]
			return append(a, d.IUD, d.IUV, d.Importo, d.TipoDovuto, d.CF, d.Anagrafica, d.Causale, d.Ufficio,
				d.Capitolo, d.Accertamento, d.Scadenza, d.Fonte, file)
		})
}

// ConteggiRicClassi counts the classification's rows per label (labels
// with none left out).
func (db *DB) ConteggiRicClassi(ctx context.Context) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT classe, n FROM ric_classi_conteggi WHERE n > 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// FiltroRicClassi selects classification rows; zero fields do not filter.
type FiltroRicClassi struct {
	ChiaveTipo string // PAGAMENTO, FLUSSO, TESORERIA
	Classe     string
	Chiave     string // prefix of the IUV, IUF or movement's chiave
}

// RicRigaClasse is a label with what the UI shows of the three sides. A
// payment shows its receipt, debt record, the first flow reporting it and
// the movement crediting that flow (or the payment itself); a flow shows
// its first crediting movement; a movement the flow or receipt it names.
type RicRigaClasse struct {
	ChiaveTipo, Chiave, IUR, Classe, Dettaglio string

	ImportoRT            int64 // sum of the OK receipt's transfers
	DataEsito, Pagatore  string
	CFPagatore           string
	IUD, Anagrafica      string
	TipoDovuto           string
	ImportoDovuto        int64
	IUF, DataRegolamento string
	ImportoFlusso        int64
	Movimento, Bolletta  string
	DataValuta           string
	ImportoMovimento     int64
	CausaleMovimento     string
}

func ricClassiWhere(f FiltroRicClassi) *where {
	w := &where{}
	// The key leads with the label: without one, every label known is
	// walked, so that the type and the key prefix still use it.
	if f.Classe != "" {
		w.add("c.classe = ?", f.Classe)
	} else {
		w.add("c.classe IN (SELECT classe FROM ric_classi_conteggi)")
	}
	if f.ChiaveTipo != "" {
		w.add("c.chiave_tipo = ?", f.ChiaveTipo)
	} else {
		w.add("c.chiave_tipo IN ('PAGAMENTO', 'FLUSSO', 'TESORERIA')")
	}
	if p := strings.TrimSpace(f.Chiave); p != "" {
		w.add("c.chiave >= ? AND c.chiave < ?", p, p+"\uffff")
	}
	return w
}

// CountRicClassi counts the classification rows matching f; by label
// alone, from the counts the engine keeps.
func (db *DB) CountRicClassi(ctx context.Context, f FiltroRicClassi) (int, error) {
	var n int
	if f.ChiaveTipo == "" && strings.TrimSpace(f.Chiave) == "" {
		err := db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM ric_classi_conteggi WHERE ? IN ('', classe)`, f.Classe).Scan(&n)
		return n, err
	}
	w := ricClassiWhere(f)
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ric_classi c`+w.String(), w.args...).Scan(&n)
	return n, err
}

// RicClassi pages through the classification rows matching f, by label
// and key, each joined with the three sides.
func (db *DB) RicClassi(ctx context.Context, f FiltroRicClassi, offset, limit int) ([]RicRigaClasse, error) {
	w := ricClassiWhere(f)
	// The page is cut first, then each of its rows finds its links (l_*)
	// and the sides are joined on them.
	q := `WITH pg AS (
		SELECT c.chiave_tipo, c.chiave, c.iur, c.classe, c.dettaglio FROM ric_classi c` + w.String() + `
		ORDER BY c.classe, c.chiave_tipo, c.chiave, c.iur LIMIT ? OFFSET ?),
	l1 AS (SELECT pg.*,
		CASE pg.chiave_tipo WHEN 'PAGAMENTO' THEN pg.chiave
			WHEN 'TESORERIA' THEN (SELECT t.iuv FROM ric_tesoreria t WHERE t.chiave = pg.chiave) ELSE '' END AS l_iuv,
		CASE pg.chiave_tipo WHEN 'FLUSSO' THEN pg.chiave
			WHEN 'TESORERIA' THEN (SELECT t.iuf FROM ric_tesoreria t WHERE t.chiave = pg.chiave)
			ELSE COALESCE((SELECT MIN(p.iuf) FROM ric_fdr_pagamenti p WHERE p.iuv = pg.chiave AND p.iur = pg.iur
				AND p.esito IN (` + RicEsitiEseguiti + `)), '') END AS l_iuf
		FROM pg),
	l2 AS (SELECT l1.*,
		CASE WHEN l1.chiave_tipo = 'TESORERIA' THEN l1.chiave
			ELSE COALESCE((SELECT MIN(t.chiave) FROM ric_tesoreria t WHERE l1.l_iuf != '' AND t.iuf = l1.l_iuf),
				(SELECT MIN(t.chiave) FROM ric_tesoreria t WHERE l1.l_iuv != '' AND t.iuv = l1.l_iuv), '') END AS l_tes,
		CASE WHEN l1.chiave_tipo = 'PAGAMENTO' THEN l1.iur
			ELSE COALESCE((SELECT MIN(r.iur) FROM ric_rt r WHERE r.iuv = l1.l_iuv AND r.esito = 'OK'), '') END AS l_iur
		FROM l1),
	l3 AS (SELECT l2.*, (SELECT MIN(r.indice) FROM ric_rt r WHERE r.iuv = l2.l_iuv AND r.iur = l2.l_iur AND r.esito = 'OK') AS l_ind
		FROM l2)
	SELECT l3.chiave_tipo, l3.chiave, l3.iur, l3.classe, l3.dettaglio,
		COALESCE((SELECT SUM(r.importo) FROM ric_rt r WHERE r.iuv = l3.l_iuv AND r.iur = l3.l_iur AND r.esito = 'OK'), 0),
		COALESCE(r.data_esito, ''), COALESCE(r.pagatore, ''), COALESCE(r.cf_pagatore, ''),
		COALESCE(d.iud, ''), COALESCE(d.anagrafica, ''), COALESCE(d.tipo_dovuto, ''), COALESCE(d.importo, 0),
		COALESCE(f.iuf, ''), COALESCE(f.data_regolamento, ''), COALESCE(f.importo_totale, 0),
		COALESCE(t.chiave, ''), COALESCE(t.bolletta, ''), COALESCE(t.data_valuta, ''), COALESCE(t.importo, 0), COALESCE(t.causale, '')
	FROM l3
	LEFT JOIN ric_rt r ON r.iuv = l3.l_iuv AND r.iur = l3.l_iur AND r.indice = l3.l_ind
	LEFT JOIN ric_dovuti d ON d.iud = (CASE WHEN r.iud != '' THEN r.iud
		ELSE (SELECT MIN(x.iud) FROM ric_dovuti x WHERE l3.l_iuv != '' AND x.iuv = l3.l_iuv) END)
	LEFT JOIN ric_fdr f ON f.iuf = l3.l_iuf
	LEFT JOIN ric_tesoreria t ON t.chiave = l3.l_tes
	ORDER BY l3.classe, l3.chiave_tipo, l3.chiave, l3.iur`
	return scanAll(func(row interface{ Scan(...any) error }) (RicRigaClasse, error) {
		var x RicRigaClasse
		err := row.Scan(&x.ChiaveTipo, &x.Chiave, &x.IUR, &x.Classe, &x.Dettaglio,
			&x.ImportoRT, &x.DataEsito, &x.Pagatore, &x.CFPagatore,
			&x.IUD, &x.Anagrafica, &x.TipoDovuto, &x.ImportoDovuto,
			&x.IUF, &x.DataRegolamento, &x.ImportoFlusso,
			&x.Movimento, &x.Bolletta, &x.DataValuta, &x.ImportoMovimento, &x.CausaleMovimento)
		return x, err
	})(db.r.QueryContext(ctx, q, append(w.args, limit, offset)...))
}

// RicFileFlusso is the imported file (or FdR API revision) the stored flow
// iuf came from; ErrNotFound when no flow iuf is stored.
func (tx *Tx) RicFileFlusso(ctx context.Context, iuf string) (RicFile, error) {
	var f RicFile
	var il string
	err := tx.QueryRowContext(ctx, `SELECT f.id, f.tipo, f.nome, f.sha256, f.formato, f.righe, f.importato_il, f.importato_da
		FROM ric_fdr x JOIN ric_file f ON f.id = x.file_id WHERE x.iuf = ?`, iuf).Scan(&f.ID, &f.Tipo, &f.Nome, &f.SHA256,
		&f.Formato, &f.Righe, &il, &f.ImportatoDa)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	f.ImportatoIl, _ = time.Parse(time.RFC3339, il)
	return f, err
}

// RicFlussoUguale tells whether the flow h, with lines righe, is stored
// already with the same content: settlement, count and total, and the same
// lines in the same order. The time of the flow and the PSP's name are not
// compared: a file and the API may write them differently.
func (tx *Tx) RicFlussoUguale(ctx context.Context, h RicFlusso, righe []RicPagamento) (bool, error) {
	var f RicFlusso
	err := tx.QueryRowContext(ctx, `SELECT iur_regolamento, data_regolamento, n_pagamenti, importo_totale FROM ric_fdr
		WHERE iuf = ?`, h.IUF).Scan(&f.IURRegolamento, &f.DataRegolamento, &f.NPagamenti, &f.ImportoTotale)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil || f.IURRegolamento != h.IURRegolamento || f.DataRegolamento != h.DataRegolamento ||
		f.NPagamenti != h.NPagamenti || f.ImportoTotale != h.ImportoTotale {
		return false, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT iuv, iur, indice, importo, esito, data_esito FROM ric_fdr_pagamenti
		WHERE iuf = ? ORDER BY n`, h.IUF)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var p RicPagamento
		if err := rows.Scan(&p.IUV, &p.IUR, &p.Indice, &p.Importo, &p.Esito, &p.DataEsito); err != nil {
			return false, err
		}
		if i >= len(righe) || p != righe[i] {
			return false, rows.Err()
		}
		i++
	}
	return i == len(righe), rows.Err()
}
