package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Lotto is an imported list of mass payment notices.
type Lotto struct {
	ID                int64
	UUID              string
	TipoDovutoID      int64
	Scadenza          string // YYYY-MM-DD
	Causale           string
	Protocollazione   bool
	OggettoProtocollo string
	Spedizione        string // PEC or EMAIL
	FileOrigine       string
	Stato             string
	Totale            int
	Centesimi         int64
	CreatoIl          time.Time
	// The cover letter, copied from its template at import.
	LetteraOggetto, LetteraTesto, LetteraFirma string
	JobInvio                                   string // the send job, once sending started
}

// AvvisoLotto is one row of a batch with its notice identifiers.
type AvvisoLotto struct {
	Riga                                     int
	Intestazione, CodiceFiscale, PartitaIVA  string
	Centesimi                                int64
	Causale, OggettoProtocollo, IndirizzoPec string
	Indirizzo, CAP, Comune, Provincia        string
	IUV, CodiceAvviso, IUPD                  string
	Stato                                    string
	ID                                       int64
	StatoGPD, Errore                         string
	Invio                                    InvioAvviso
}

// InvioAvviso is where sending a notice by PEC or e-mail stands.
type InvioAvviso struct {
	Stato, MessageID, Errore string
	Tentativi                int
	InviatoIl, ConsegnatoIl  time.Time
}

// ProssimeBasiIUV reserves n consecutive bases of the notice numbers of a
// segregation code and returns the first; the writer's transaction makes
// the reservation exclusive.
func (tx *Tx) ProssimeBasiIUV(ctx context.Context, segregazione, n int) (uint64, error) {
	var ultimo uint64
	err := tx.QueryRowContext(ctx, `INSERT INTO sequenze_iuv (segregazione, ultimo) VALUES (?, ?)
		ON CONFLICT (segregazione) DO UPDATE SET ultimo = ultimo + excluded.ultimo RETURNING ultimo`, segregazione, n).Scan(&ultimo)
	return ultimo - uint64(n) + 1, err
}

// InsertLotto stores a batch and its rows.
func (tx *Tx) InsertLotto(ctx context.Context, l Lotto, righe []AvvisoLotto) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO avvisi_lotti (uuid, tipo_dovuto_id, scadenza, causale, protocollazione, oggetto_protocollo,
		spedizione, file_origine, stato, totale, centesimi, creato_il, modificato_il, modificato_da, lettera_oggetto, lettera_testo, lettera_firma)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.UUID, l.TipoDovutoID, l.Scadenza, l.Causale, boolInt(l.Protocollazione), l.OggettoProtocollo, l.Spedizione, l.FileOrigine,
		l.Stato, len(righe), l.Centesimi, tx.Stamp(), tx.Stamp(), tx.Operator, l.LetteraOggetto, l.LetteraTesto, l.LetteraFirma)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO avvisi (lotto_id, riga, intestazione, codice_fiscale, partita_iva, centesimi, causale,
		oggetto_protocollo, indirizzo_pec, indirizzo, cap, comune, provincia, iuv, codice_avviso, iupd, stato, modificato_il, modificato_da)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	for _, r := range righe {
		if _, err := stmt.ExecContext(ctx, id, r.Riga, r.Intestazione, r.CodiceFiscale, r.PartitaIVA, r.Centesimi, r.Causale,
			r.OggettoProtocollo, r.IndirizzoPec, r.Indirizzo, r.CAP, r.Comune, r.Provincia, r.IUV, r.CodiceAvviso, r.IUPD, r.Stato,
			tx.Stamp(), tx.Operator); err != nil {
			if isUniqueViolation(err) {
				return 0, ErrDuplicate
			}
			return 0, err
		}
	}
	return id, nil
}

// ConteggiLotto counts a batch's notices by state.
func (db *DB) ConteggiLotto(ctx context.Context, uuid string) (Lotto, map[string]int, error) {
	l, err := scanLotto(db.r.QueryRowContext(ctx, `SELECT `+lottoColumns+` FROM avvisi_lotti l WHERE l.uuid = ?`, uuid))
	if err != nil {
		return l, nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT stato, COUNT(*) FROM avvisi WHERE lotto_id = ? GROUP BY stato`, l.ID)
	if err != nil {
		return l, nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return l, nil, err
		}
		out[s] = n
	}
	return l, out, rows.Err()
}

// AvvisiLotto reads a batch's rows in file order.
func (db *DB) AvvisiLotto(ctx context.Context, lottoID int64) ([]AvvisoLotto, error) {
	return db.avvisiLotto(ctx, lottoID, "")
}

// avvisiLotto reads a batch's rows in file order, those in stato only when given.
func (db *DB) avvisiLotto(ctx context.Context, lottoID int64, stato string) ([]AvvisoLotto, error) {
	return scanAll(scanAvviso)(db.r.QueryContext(ctx, `SELECT `+avvisoColumns+` FROM avvisi a
		WHERE a.lotto_id = ? AND (? = '' OR a.stato = ?) ORDER BY a.riga`, lottoID, stato, stato))
}

const avvisoColumns = `a.id, a.riga, a.intestazione, a.codice_fiscale, a.partita_iva, a.centesimi, a.causale, a.oggetto_protocollo,
	a.indirizzo_pec, a.indirizzo, a.cap, a.comune, a.provincia, a.iuv, a.codice_avviso, a.iupd, a.stato, a.stato_gpd, a.errore,
	a.stato_invio, a.message_id, a.errore_invio, a.tentativi_invio, a.inviato_il, a.consegnato_il`

type avvisoScan struct {
	a                   AvvisoLotto
	inviato, consegnato string
}

func (x *avvisoScan) dest() []any {
	a := &x.a
	return []any{&a.ID, &a.Riga, &a.Intestazione, &a.CodiceFiscale, &a.PartitaIVA, &a.Centesimi, &a.Causale, &a.OggettoProtocollo,
		&a.IndirizzoPec, &a.Indirizzo, &a.CAP, &a.Comune, &a.Provincia, &a.IUV, &a.CodiceAvviso, &a.IUPD, &a.Stato, &a.StatoGPD, &a.Errore,
		&a.Invio.Stato, &a.Invio.MessageID, &a.Invio.Errore, &a.Invio.Tentativi, &x.inviato, &x.consegnato}
}

func (x *avvisoScan) avviso() AvvisoLotto {
	x.a.Invio.InviatoIl, _ = time.Parse(time.RFC3339, x.inviato)
	x.a.Invio.ConsegnatoIl, _ = time.Parse(time.RFC3339, x.consegnato)
	return x.a
}

func scanAvviso(row interface{ Scan(...any) error }) (AvvisoLotto, error) {
	var x avvisoScan
	err := row.Scan(x.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return x.avviso(), err
}

// AvvisoStampa is what printing a notice needs: the row, its batch and
// its kind of payment.
type AvvisoStampa struct {
	Avviso     AvvisoLotto
	Lotto      Lotto
	TipoDovuto TipoDovuto
}

// AvvisoByIUV finds a notice by its IUV (or its 18-digit notice number).
func (db *DB) AvvisoByIUV(ctx context.Context, iuv string) (AvvisoStampa, error) {
	return db.avvisoStampa(ctx, `a.iuv = ? OR a.codice_avviso = ?`, iuv, iuv)
}

// AvvisoByIUPD finds a notice by its debt position's identifier.
func (db *DB) AvvisoByIUPD(ctx context.Context, iupd string) (AvvisoStampa, error) {
	return db.avvisoStampa(ctx, `a.iupd = ?`, iupd)
}

func (db *DB) avvisoStampa(ctx context.Context, cond string, args ...any) (AvvisoStampa, error) {
	var s AvvisoStampa
	var err error
	row := db.r.QueryRowContext(ctx, `SELECT `+avvisoColumns+`, `+lottoColumns+`
		FROM avvisi a JOIN avvisi_lotti l ON l.id = a.lotto_id WHERE `+cond, args...)
	s.Avviso, s.Lotto, err = scanAvvisoLotto(row)
	if err != nil {
		return s, err
	}
	s.TipoDovuto, err = db.TipoDovutoByID(ctx, s.Lotto.TipoDovutoID)
	return s, err
}

// scanAvvisoLotto scans avvisoColumns followed by lottoColumns.
func scanAvvisoLotto(row interface{ Scan(...any) error }) (AvvisoLotto, Lotto, error) {
	var x avvisoScan
	var y lottoScan
	err := row.Scan(append(x.dest(), y.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return x.avviso(), y.lotto(), err
}

// GPDURL is the configured GPD base URL ("" when not configured).
func (db *DB) GPDURL(ctx context.Context) (string, error) {
	var u string
	err := db.r.QueryRowContext(ctx, `SELECT gpd_url FROM pagopa_config WHERE id = 1`).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return u, err
}

// SaveGPDURL stores the GPD base URL, auditing the change.
func (tx *Tx) SaveGPDURL(ctx context.Context, u string) error {
	var before string
	err := tx.QueryRowContext(ctx, `SELECT gpd_url FROM pagopa_config WHERE id = 1`).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO pagopa_config (id, gpd_url, modificato_il, modificato_da) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET gpd_url = excluded.gpd_url, modificato_il = excluded.modificato_il,
		modificato_da = excluded.modificato_da`, u, tx.Stamp(), tx.Operator); err != nil {
		return err
	}
	return tx.Audit(ctx, "pagopa", "1", Modifica, Diff(map[string]string{"gpd_url": before}, map[string]string{"gpd_url": u}))
}

// AvvisiDaGenerare are a batch's rows whose debt position is not yet on GPD.
func (db *DB) AvvisiDaGenerare(ctx context.Context, lottoID int64) ([]AvvisoLotto, error) {
	return db.avvisiLotto(ctx, lottoID, "DA_GENERARE")
}

// SaveStatoAvviso records a row's state after a remote call.
func (tx *Tx) SaveStatoAvviso(ctx context.Context, iupd, stato, statoGPD, errore string) error {
	_, err := tx.ExecContext(ctx, `UPDATE avvisi SET stato = ?, stato_gpd = ?, errore = ?, modificato_il = ?, modificato_da = ? WHERE iupd = ?`,
		stato, statoGPD, errore, tx.Stamp(), tx.Operator, iupd)
	return err
}

// SaveStatoLotto sets a batch's state.
func (tx *Tx) SaveStatoLotto(ctx context.Context, id int64, stato string) error {
	_, err := tx.ExecContext(ctx, `UPDATE avvisi_lotti SET stato = ?, modificato_il = ?, modificato_da = ? WHERE id = ?`,
		stato, tx.Stamp(), tx.Operator, id)
	return err
}

// FiltroAvvisi selects notices for the payments dashboard.
type FiltroAvvisi struct {
	TipoDovutoID int64
	Stato        string // DA_GENERARE, GENERATO, ERRORE
	StatoGPD     string // VALID, PAID, EXPIRED, INVALID…
	StatoInvio   string // NON_INVIATO for '', or a stato_invio
	ScadenzaDal  string // YYYY-MM-DD, inclusive
	ScadenzaAl   string // YYYY-MM-DD, inclusive
	Debitore     string // fiscal code or partita IVA
	Codice       string // notice number or IUV, prefix
	Intestatario string // contains, case-insensitive
	LottoUUID    string // prefix
}

// RigaCruscotto is a notice as the dashboard lists it.
type RigaCruscotto struct {
	AvvisoLotto
	Scadenza   string
	TipoDovuto string
	LottoUUID  string
}

func avvisiWhere(f FiltroAvvisi) *where {
	w := &where{}
	if f.TipoDovutoID != 0 {
		w.add("l.tipo_dovuto_id = ?", f.TipoDovutoID)
	}
	if f.Stato != "" {
		w.add("a.stato = ?", f.Stato)
	}
	if f.StatoGPD != "" {
		w.add("a.stato_gpd = ?", f.StatoGPD)
	}
	if f.ScadenzaDal != "" {
		w.add("l.scadenza >= ?", f.ScadenzaDal)
	}
	if f.ScadenzaAl != "" {
		w.add("l.scadenza <= ?", f.ScadenzaAl)
	}
	switch f.StatoInvio {
	case "":
	case "NON_INVIATO":
		w.add("a.stato_invio = ''")
	default:
		w.add("a.stato_invio = ?", f.StatoInvio)
	}
	if f.Debitore != "" {
		d := strings.ToUpper(strings.TrimSpace(f.Debitore))
		w.add("(a.codice_fiscale = ? OR a.partita_iva = ?)", d, d)
	}
	if c := strings.Join(strings.Fields(f.Codice), ""); c != "" {
		w.add("(a.codice_avviso >= ? AND a.codice_avviso < ? OR a.iuv >= ? AND a.iuv < ?)", c, c+"\uffff", c, c+"\uffff")
	}
	if f.Intestatario != "" {
		w.add(`LOWER(a.intestazione) LIKE ? ESCAPE '\'`, likeArg(f.Intestatario))
	}
	if f.LottoUUID != "" {
		p := strings.ToLower(f.LottoUUID)
		w.add("l.uuid >= ? AND l.uuid < ?", p, p+"\uffff")
	}
	return w
}

const cruscottoFrom = ` FROM avvisi a JOIN avvisi_lotti l ON l.id = a.lotto_id JOIN tipi_dovuto t ON t.id = l.tipo_dovuto_id`

// CountAvvisi counts the notices matching f.
func (db *DB) CountAvvisi(ctx context.Context, f FiltroAvvisi) (int, error) {
	w := avvisiWhere(f)
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*)`+cruscottoFrom+w.String(), w.args...).Scan(&n)
	return n, err
}

// Avvisi pages through the notices matching f, newest first.
func (db *DB) Avvisi(ctx context.Context, f FiltroAvvisi, offset, limit int) ([]RigaCruscotto, error) {
	w := avvisiWhere(f)
	return scanAll(func(row interface{ Scan(...any) error }) (RigaCruscotto, error) {
		var x avvisoScan
		var r RigaCruscotto
		err := row.Scan(append(x.dest(), &r.Scadenza, &r.TipoDovuto, &r.LottoUUID)...)
		r.AvvisoLotto = x.avviso()
		return r, err
	})(db.r.QueryContext(ctx, `SELECT `+avvisoColumns+`, l.scadenza, t.codice, l.uuid`+cruscottoFrom+w.String()+
		` ORDER BY a.id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...))
}

// AvvisiPubblicati are the notices whose position may still change on GPD
// (published, not yet paid, expired or cancelled), oldest first.
func (db *DB) AvvisiPubblicati(ctx context.Context, limit int) ([]string, error) {
	return scanAll(scanValue[string])(db.r.QueryContext(ctx, `SELECT iupd FROM avvisi WHERE stato = 'GENERATO' AND stato_gpd IN ('VALID', 'PUBLISHED', 'PARTIALLY_PAID')
		ORDER BY modificato_il LIMIT ?`, limit))
}

// SaveStatoGPD records a position's state read from GPD.
func (tx *Tx) SaveStatoGPD(ctx context.Context, iupd, statoGPD string) error {
	_, err := tx.ExecContext(ctx, `UPDATE avvisi SET stato_gpd = ?, modificato_il = ?, modificato_da = ? WHERE iupd = ? AND stato_gpd != ?`,
		statoGPD, tx.Stamp(), tx.Operator, iupd, statoGPD)
	return err
}

const lottoColumns = `l.id, l.uuid, l.tipo_dovuto_id, l.scadenza, l.causale, l.protocollazione, l.oggetto_protocollo, l.spedizione,
	l.file_origine, l.stato, l.totale, l.centesimi, l.creato_il, l.lettera_oggetto, l.lettera_testo, l.lettera_firma, l.job_invio`

type lottoScan struct {
	l      Lotto
	prot   int
	creato string
}

func (y *lottoScan) dest() []any {
	l := &y.l
	return []any{&l.ID, &l.UUID, &l.TipoDovutoID, &l.Scadenza, &l.Causale, &y.prot, &l.OggettoProtocollo, &l.Spedizione,
		&l.FileOrigine, &l.Stato, &l.Totale, &l.Centesimi, &y.creato, &l.LetteraOggetto, &l.LetteraTesto, &l.LetteraFirma, &l.JobInvio}
}

func (y *lottoScan) lotto() Lotto {
	y.l.Protocollazione = y.prot == 1
	y.l.CreatoIl, _ = time.Parse(time.RFC3339, y.creato)
	return y.l
}

func scanLotto(row interface{ Scan(...any) error }) (Lotto, error) {
	var y lottoScan
	err := row.Scan(y.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return y.lotto(), err
}

// LottiInStato lists the batches in any of the states, oldest first.
func (db *DB) LottiInStato(ctx context.Context, stati ...string) ([]Lotto, error) {
	if len(stati) == 0 {
		return nil, nil
	}
	args := make([]any, len(stati))
	for i, s := range stati {
		args[i] = s
	}
	return scanAll(scanLotto)(db.r.QueryContext(ctx, `SELECT `+lottoColumns+` FROM avvisi_lotti l
		WHERE l.stato IN (?`+strings.Repeat(", ?", len(stati)-1)+`) ORDER BY l.id`, args...))
}
