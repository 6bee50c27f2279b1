package flussi

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/tabelle"
)

// MaxRigheDefault is how many data rows a flow may have when
// OpzioniImport.MaxRighe is 0.
const MaxRigheDefault = 200_000

// maxSegnalazioni caps the errors (and, apart, the warnings) a reading
// lists; a last entry counts the others.
const maxSegnalazioni = 1000

// FoglioNotifiche is the sheet read from a workbook that has one of this
// name; otherwise the first sheet is read.
const FoglioNotifiche = "notifiche"

// OpzioniImport tune Leggi.
type OpzioniImport struct {
	// ModelloOggetto and ModelloContenuto, when not empty, build the
	// subject and the markdown of every row from its cells: {{colonna}} is
	// replaced by the row's value in that column (names matched like the
	// header: case, blanks and accents ignored). Empty: the oggetto and
	// contenuto columns are used.
	ModelloOggetto, ModelloContenuto string
	// MaxRighe is how many data rows the file may have; 0 means
	// MaxRigheDefault. Reading stops as soon as the file has more.
	MaxRighe int
	Servizio Servizio
	// Oggi is today, for past due dates; zero means now.
	Oggi time.Time
}

// Lettura is a file read and checked, not yet stored.
type Lettura struct {
	Formato string   // "xlsx" or "csv"
	Foglio  string   // the worksheet read; "" for a CSV file
	Colonne []string // the header as the file writes it
	// Righe are all the data rows, templates applied, in file order, with
	// or without errors (the preview shows any of them). None when the file
	// as a whole has a problem (missing columns, too many rows, ...).
	Righe []Riga
	// RigheErrate are the Numero of the rows with at least one error,
	// ascending.
	RigheErrate []int
	// Errori and Avvisi are at most 1,000 each, the last saying how many
	// more there are. Colonna is the file's own header (or "oggetto
	// (modello)" for a templated field); Riga 0 is the file as a whole.
	Errori []ErroreRiga
	Avvisi []Avviso
}

// Errata reports whether the row numbered n has errors.
func (l *Lettura) Errata(n int) bool {
	_, found := slices.BinarySearch(l.RigheErrate, n)
	return found
}

// Valide returns the rows without errors.
func (l *Lettura) Valide() []Riga {
	out := make([]Riga, 0, len(l.Righe)-len(l.RigheErrate))
	for _, r := range l.Righe {
		if !l.Errata(r.Numero) {
			out = append(out, r)
		}
	}
	return out
}

// Leggi reads a flow from an Excel workbook (.xlsx) or a CSV file (UTF-8,
// ';' or ',' separated), recognised from the content: the header names
// the columns (see Tracciato), then one notification per row. Every row is
// checked with ValidaRiga and against the rows before it (duplicates), and
// every problem is collected, not only the first.
//
// The error is for a file that cannot be read as a table at all (not a
// spreadsheet, damaged, not UTF-8, malformed CSV); name, the file's name,
// only serves its message. Any other problem, of the file as a whole or of
// a row, is in Lettura.Errori.
func Leggi(name string, r io.Reader, opt OpzioniImport) (*Lettura, error) {
	if opt.MaxRighe <= 0 {
		opt.MaxRighe = MaxRigheDefault
	}
	if opt.Oggi.IsZero() {
		opt.Oggi = time.Now()
	}
	fail := func(err error) (*Lettura, error) {
		if name != "" {
			err = fmt.Errorf("%s: %w", filepath.Base(name), err)
		}
		return nil, err
	}
	l := &Lettura{}
	sh, err := tabelle.Read(r, tabelle.ReadOptions{MaxRows: opt.MaxRighe + 1, Sheet: FoglioNotifiche})
	switch {
	case errors.Is(err, tabelle.ErrEmpty):
		return l.fileError("il file è vuoto"), nil
	case err != nil:
		return fail(err)
	}
	defer sh.Close()
	l.Formato, l.Foglio = sh.Format(), sh.Name()
	if !sh.Next() {
		if err := sh.Err(); err != nil {
			return fail(err)
		}
		return l.fileError("il file è vuoto"), nil
	}
	lt, problemi := newLettore(sh, opt)
	l.Colonne = lt.colonne
	if len(problemi) > 0 {
		for _, p := range problemi {
			l.fileError(p)
		}
		return l, nil
	}
	lt.leggiRighe(l)
	switch err := sh.Err(); {
	case errors.Is(err, tabelle.ErrTooManyRows):
		*l = Lettura{Formato: l.Formato, Foglio: l.Foglio, Colonne: l.Colonne}
		return l.fileError(troppeRighe(opt.MaxRighe)), nil
	case err != nil:
		return fail(err)
	case len(l.Righe) == 0 && len(l.Errori) == 0:
		return l.fileError("nessuna riga di dati"), nil
	}
	return l, nil
}

func (l *Lettura) fileError(motivo string) *Lettura {
	l.Errori = append(l.Errori, ErroreRiga{Motivo: motivo})
	return l
}

func troppeRighe(max int) string {
	return fmt.Sprintf("il file ha più di %s righe di dati: dividerlo in più flussi", migliaia(max))
}

// migliaia writes n with Italian thousands separators: 200000 → "200.000".
func migliaia(n int) string {
	s := FormattaImporto(int64(n) * 100)
	return s[:len(s)-3]
}

// ---- header and templates ----

// sinonimi maps the normalised header names accepted for each field.
var sinonimi = map[string]string{
	"cf": ColCodiceFiscale, "codicefiscale": ColCodiceFiscale, "codice_fiscale": ColCodiceFiscale,
	"c_f": ColCodiceFiscale, "codice_fiscale_destinatario": ColCodiceFiscale, "fiscal_code": ColCodiceFiscale,
	"oggetto": ColOggetto, "titolo": ColOggetto, "subject": ColOggetto,
	"contenuto": ColContenuto, "testo": ColContenuto, "messaggio": ColContenuto, "markdown": ColContenuto,
	"scadenza": ColScadenza, "data_scadenza": ColScadenza, "data_di_scadenza": ColScadenza, "due_date": ColScadenza,
	"importo": ColImporto, "importo_euro": ColImporto, "importo_in_euro": ColImporto, "somma": ColImporto, "amount": ColImporto,
	"codice_avviso": ColCodiceAvviso, "numero_avviso": ColCodiceAvviso, "avviso": ColCodiceAvviso,
	"codice_avviso_pagopa": ColCodiceAvviso, "numero_avviso_pagopa": ColCodiceAvviso, "notice_number": ColCodiceAvviso,
	"paga_dopo_scadenza": ColPagaDopoScadenza, "paga_dopo_la_scadenza": ColPagaDopoScadenza,
	"pagabile_dopo_scadenza": ColPagaDopoScadenza, "pagabile_dopo_la_scadenza": ColPagaDopoScadenza,
	"paga_dopo": ColPagaDopoScadenza, "paga": ColPagaDopoScadenza,
}

// chiave is the name a header cell or a {{placeholder}} is matched by:
// lower case, without accents, other characters turned into single
// underscores, synonyms resolved ("Codice Fiscale", "CODICE_FISCALE", "CF"
// → codice_fiscale; "Città" → citta).
func chiave(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range piega(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
	}
	k := b.String()
	if c, ok := sinonimi[k]; ok {
		return c
	}
	return k
}

// Extra columns that name the recipient, for the personal-data warning.
const (
	colNominativo    = "nominativo"
	colNome          = "nome"
	colCognome       = "cognome"
	colDenominazione = "denominazione"
	colRagione       = "ragione_sociale"
)

// segmento is a piece of a template: literal text, or a column's value.
type segmento struct {
	testo   string
	colonna int // -1: testo
}

type modello []segmento

// parseModello splits a template at its {{colonna}} placeholders.
func parseModello(s, campo string, colonne map[string]int) (modello, []string) {
	var m modello
	var problemi []string
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			m = append(m, segmento{testo: s, colonna: -1})
			break
		}
		if i > 0 {
			m = append(m, segmento{testo: s[:i], colonna: -1})
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			problemi = append(problemi, fmt.Sprintf("il modello %s ha «{{» senza «}}»", campo))
			break
		}
		nome := s[i+2 : i+j]
		s = s[i+j+2:]
		switch c, ok := colonne[chiave(nome)]; {
		case strings.TrimSpace(nome) == "":
			problemi = append(problemi, fmt.Sprintf("il modello %s ha un segnaposto vuoto «{{}}»", campo))
		case !ok:
			problemi = append(problemi, fmt.Sprintf("il modello %s usa {{%s}}, ma il file non ha la colonna «%s»", campo, strings.TrimSpace(nome), strings.TrimSpace(nome)))
		default:
			m = append(m, segmento{colonna: c})
		}
	}
	return m, problemi
}

// lettore turns the rows of a sheet into checked Righe.
type lettore struct {
	sh      *tabelle.Sheet
	opt     OpzioniImport
	colonne []string       // header as written
	indice  map[string]int // chiave → column
	col     [7]int         // column of each Col* field, -1 when absent (order of campi)
	nomi    []int          // columns naming the recipient
	oggetto modello        // nil: the oggetto column
	testo   modello        // nil: the contenuto column
	usate   []int          // columns whose formulas matter
}

// campi is the order of lettore.col.
var campi = [7]string{ColCodiceFiscale, ColOggetto, ColContenuto, ColScadenza, ColImporto, ColCodiceAvviso, ColPagaDopoScadenza}

const (
	iCF = iota
	iOggetto
	iContenuto
	iScadenza
	iImporto
	iAvviso
	iPaga
)

// newLettore maps the header (the sheet's current row) and the templates;
// the problems it returns concern the whole file.
func newLettore(sh *tabelle.Sheet, opt OpzioniImport) (*lettore, []string) {
	lt := &lettore{sh: sh, opt: opt, indice: make(map[string]int)}
	var problemi []string
	for i, h := range sh.Row() {
		h = strings.TrimSpace(h)
		lt.colonne = append(lt.colonne, h)
		k := chiave(h)
		if k == "" {
			continue
		}
		if j, dup := lt.indice[k]; dup {
			if slices.Contains(campi[:], k) {
				problemi = append(problemi, fmt.Sprintf("le colonne «%s» e «%s» indicano entrambe %s: lasciarne una", lt.colonne[j], h, k))
			}
			continue
		}
		lt.indice[k] = i
	}
	for i, c := range campi {
		lt.col[i] = -1
		if j, ok := lt.indice[c]; ok {
			lt.col[i] = j
		}
	}
	var mancanti []string
	if lt.col[iCF] < 0 {
		mancanti = append(mancanti, ColCodiceFiscale)
	}
	var p []string
	if opt.ModelloOggetto != "" {
		lt.oggetto, p = parseModello(opt.ModelloOggetto, "dell'oggetto", lt.indice)
		problemi = append(problemi, p...)
	} else if lt.col[iOggetto] < 0 {
		mancanti = append(mancanti, ColOggetto)
	}
	if opt.ModelloContenuto != "" {
		lt.testo, p = parseModello(opt.ModelloContenuto, "del contenuto", lt.indice)
		problemi = append(problemi, p...)
	} else if lt.col[iContenuto] < 0 {
		mancanti = append(mancanti, ColContenuto)
	}
	if lt.col[iImporto] >= 0 && lt.col[iAvviso] < 0 {
		mancanti = append(mancanti, ColCodiceAvviso+" (serve con la colonna importo)")
	}
	if lt.col[iAvviso] >= 0 && lt.col[iImporto] < 0 {
		mancanti = append(mancanti, ColImporto+" (serve con la colonna codice_avviso)")
	}
	if len(mancanti) > 0 {
		problemi = append([]string{"colonne mancanti: " + strings.Join(mancanti, ", ")}, problemi...)
	}
	for _, k := range []string{colNominativo, colNome, colCognome, colDenominazione, colRagione} {
		if j, ok := lt.indice[k]; ok {
			lt.nomi = append(lt.nomi, j)
		}
	}
	for i, c := range lt.col {
		if c >= 0 && (i != iOggetto || lt.oggetto == nil) && (i != iContenuto || lt.testo == nil) {
			lt.usate = append(lt.usate, c)
		}
	}
	for _, m := range []modello{lt.oggetto, lt.testo} {
		for _, s := range m {
			if s.colonna >= 0 && !slices.Contains(lt.usate, s.colonna) {
				lt.usate = append(lt.usate, s.colonna)
			}
		}
	}
	return lt, problemi
}

// nomeColonna is how errors name a field: the file's header, or the
// template it comes from.
func (lt *lettore) nomeColonna(key string) string {
	switch {
	case key == ColOggetto && lt.oggetto != nil:
		return "oggetto (modello)"
	case key == ColContenuto && lt.testo != nil:
		return "contenuto (modello)"
	}
	if i := slices.Index(campi[:], key); i >= 0 && lt.col[i] >= 0 {
		return lt.colonne[lt.col[i]]
	}
	return key
}

// ---- rows ----

// segnalazioni collects errors or warnings up to maxSegnalazioni.
type segnalazioni struct {
	list  []ErroreRiga
	altri int
}

func (s *segnalazioni) add(e ...ErroreRiga) {
	for _, x := range e {
		if len(s.list) < maxSegnalazioni {
			s.list = append(s.list, x)
		} else {
			s.altri++
		}
	}
}

// prepend puts e before the entries collected, within the cap.
func (s *segnalazioni) prepend(e []ErroreRiga) {
	s.list = append(e, s.list...)
	if over := len(s.list) - maxSegnalazioni; over > 0 {
		s.list, s.altri = s.list[:maxSegnalazioni], s.altri+over
	}
}

func (s *segnalazioni) done(nome string) []ErroreRiga {
	if s.altri > 0 {
		return append(s.list, ErroreRiga{Motivo: fmt.Sprintf("… e altri %s %s", migliaia(s.altri), nome)})
	}
	return s.list
}

func (lt *lettore) leggiRighe(l *Lettura) {
	var errori, avvisi segnalazioni
	viste := make(map[[sha256.Size]byte]int)
	for lt.sh.Next() {
		r, nominativo, errs := lt.riga()
		ve, va := ValidaRiga(r, lt.opt.Servizio, lt.opt.Oggi, nominativo)
		for _, e := range ve {
			// A cell that did not parse is reported once, not again as missing.
			if !slices.ContainsFunc(errs, func(x ErroreRiga) bool { return x.Colonna == e.Colonna }) {
				errs = append(errs, e)
			}
		}
		slices.SortStableFunc(errs, func(a, b ErroreRiga) int { return rango(a.Colonna) - rango(b.Colonna) })
		if len(errs) == 0 {
			k := impronta(lt.opt.Servizio.ID, r)
			if prima, dup := viste[k]; dup {
				errs = append(errs, ErroreRiga{Riga: r.Numero, Motivo: fmt.Sprintf("duplicato della riga %d", prima)})
			} else {
				viste[k] = r.Numero
			}
		}
		for i := range errs {
			errs[i].Colonna = lt.nomeColonna(errs[i].Colonna)
		}
		for i := range va {
			va[i].Colonna = lt.nomeColonna(va[i].Colonna)
		}
		errori.add(errs...)
		avvisi.add(va...)
		if len(errs) > 0 {
			l.RigheErrate = append(l.RigheErrate, r.Numero)
		}
		l.Righe = append(l.Righe, r)
	}
	errori.prepend(lt.celleUnite(l))
	l.Errori, l.Avvisi = errori.done("errori"), avvisi.done("avvisi")
}

// rango orders a row's errors as the template's columns go.
func rango(key string) int {
	if i := slices.Index(campi[:], key); i >= 0 {
		return i
	}
	return len(campi)
}

// celleUnite reports the merged ranges, which a workbook stores after its
// rows, and marks the data rows they start on.
func (lt *lettore) celleUnite(l *Lettura) []ErroreRiga {
	var errs []ErroreRiga
	for _, ref := range lt.sh.Merged() {
		row := 0
		if _, r, err := excelize.CellNameToCoordinates(strings.Split(ref, ":")[0]); err == nil {
			row = r
		}
		errs = append(errs, ErroreRiga{Riga: row, Motivo: fmt.Sprintf("celle unite (%s) non ammesse: separarle", ref)})
		_, dati := slices.BinarySearchFunc(l.Righe, row, func(r Riga, n int) int { return r.Numero - n })
		if i, errata := slices.BinarySearch(l.RigheErrate, row); dati && !errata {
			l.RigheErrate = slices.Insert(l.RigheErrate, i, row)
		}
	}
	return errs
}

// cella is the trimmed value of column i of the current row ("" when the
// column is absent or the row shorter).
func (lt *lettore) cella(i int) string {
	if row := lt.sh.Row(); i >= 0 && i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// riga reads the current row: the Riga, the recipient's name when the file
// has it, and the problems of its cells (those ValidaRiga cannot see once
// the cells are parsed).
func (lt *lettore) riga() (Riga, string, []ErroreRiga) {
	n := lt.sh.Line()
	r := Riga{Numero: n, PagaDopoScadenza: true}
	var errs []ErroreRiga
	e := func(key, motivo string) { errs = append(errs, ErroreRiga{Riga: n, Colonna: key, Motivo: motivo}) }
	for _, c := range lt.usate {
		if lt.sh.Formula(c) {
			key := lt.colonne[c]
			if i := slices.Index(lt.col[:], c); i >= 0 {
				key = campi[i]
			}
			e(key, "la cella contiene una formula: incollare solo i valori")
		}
	}

	r.CodiceFiscale = anagrafe.NormalizzaCodiceFiscale(lt.cella(lt.col[iCF]))
	if v := lt.cella(lt.col[iScadenza]); v != "" {
		t, err := ParseScadenza(v)
		if err != nil {
			e(ColScadenza, err.Error())
		}
		r.Scadenza = t
	}
	if v := lt.cella(lt.col[iImporto]); v != "" {
		c, err := lt.importo(v, lt.sh.Kind(lt.col[iImporto]))
		if err != nil {
			e(ColImporto, err.Error())
		}
		r.Importo = c
	}
	if v := lt.cella(lt.col[iAvviso]); v != "" {
		if lt.sh.Kind(lt.col[iAvviso]) == tabelle.Number {
			e(ColCodiceAvviso, "la cella è un numero ed Excel ne ha perso le ultime cifre: formattare la colonna come Testo e reinserire i codici")
		}
		r.CodiceAvviso = pagopa.NormalizzaCodiceAvviso(v)
	}
	if v := lt.cella(lt.col[iPaga]); v != "" {
		paga, _, err := ParseSiNo(v)
		switch {
		case err != nil:
			e(ColPagaDopoScadenza, err.Error())
		case !paga && r.Importo == 0 && r.CodiceAvviso == "":
			e(ColPagaDopoScadenza, "«no» vale solo per le notifiche con importo e codice avviso")
		default:
			r.PagaDopoScadenza = paga
		}
	}
	if lt.oggetto != nil {
		r.Oggetto = lt.render(lt.oggetto, r)
	} else {
		r.Oggetto = lt.cella(lt.col[iOggetto])
	}
	if lt.testo != nil {
		r.Contenuto = lt.render(lt.testo, r)
	} else {
		r.Contenuto = lt.cella(lt.col[iContenuto])
	}
	var nomi []string
	for _, c := range lt.nomi {
		if v := lt.cella(c); v != "" {
			nomi = append(nomi, v)
		}
	}
	return r, strings.Join(nomi, " "), errs
}

// importo reads an amount cell: a number cell as the number it holds, a
// text cell with ParseImporto.
func (lt *lettore) importo(v string, k tabelle.Kind) (int64, error) {
	if k != tabelle.Number {
		return ParseImporto(v)
	}
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil:
		return ParseImporto(v)
	case f < 0:
		return 0, fmt.Errorf("«%s» è negativo: l'importo deve essere positivo", v)
	case f*100 > 1e17:
		return 0, fmt.Errorf("«%s» è troppo grande", v)
	}
	c := int64(f*100 + 0.5)
	if d := f*100 - float64(c); d > 1e-6 || d < -1e-6 {
		return 0, fmt.Errorf("«%s» ha più di 2 decimali", strings.Replace(v, ".", ",", 1))
	}
	return c, nil
}

// render fills a template for the current row: amounts and dates the
// Italian way, the fields already read as in r.
func (lt *lettore) render(m modello, r Riga) string {
	var b strings.Builder
	for _, s := range m {
		if s.colonna < 0 {
			b.WriteString(s.testo)
			continue
		}
		b.WriteString(lt.valore(s.colonna, r))
	}
	return strings.TrimSpace(b.String())
}

func (lt *lettore) valore(c int, r Riga) string {
	v := lt.cella(c)
	switch {
	case v == "":
		return ""
	case c == lt.col[iImporto] && r.Importo > 0:
		return FormattaImporto(r.Importo)
	case c == lt.col[iScadenza] && !r.Scadenza.IsZero():
		return r.Scadenza.In(Roma).Format("02/01/2006")
	case c == lt.col[iAvviso]:
		return r.CodiceAvviso
	case c == lt.col[iCF]:
		return r.CodiceFiscale
	}
	switch lt.sh.Kind(c) {
	case tabelle.Date:
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t.Format("02/01/2006")
		}
	case tabelle.DateTime:
		if t, err := time.Parse("2006-01-02 15:04:05", v); err == nil {
			return t.Format("02/01/2006 15:04")
		}
	case tabelle.Number:
		return strings.Replace(v, ".", ",", 1)
	}
	return v
}

// ---- the template file ----

// Tracciato writes the file clerks download to prepare a flow ("xlsx" or
// "csv"): the header with the canonical columns and two example rows; the
// workbook has a second sheet, "Istruzioni", that explains every column.
// The file imports as it is.
func Tracciato(w io.Writer, formato string) error {
	esempi, err := righeEsempio(time.Now().Year() + 1)
	if err != nil {
		return err
	}
	switch formato {
	case "xlsx":
		return tracciatoXLSX(w, esempi)
	case "csv":
		cols := make([]tabelle.Column, len(campi))
		for i, c := range campi {
			cols[i] = tabelle.Column{Title: c}
		}
		cols[iScadenza].Kind, cols[iImporto].Kind = tabelle.Date, tabelle.Number
		rows := make([][]string, len(esempi))
		for i, r := range esempi {
			rows[i] = []string{r.CodiceFiscale, r.Oggetto, r.Contenuto, "", "", r.CodiceAvviso, ""}
			if !r.Scadenza.IsZero() {
				rows[i][iScadenza] = r.Scadenza.Format("2006-01-02")
			}
			if r.Importo > 0 {
				rows[i][iImporto], rows[i][iPaga] = FormattaImporto(r.Importo), siNo(r.PagaDopoScadenza)
			}
		}
		return tabelle.WriteCSV(w, cols, tabelle.SliceRows(rows), tabelle.CSVOptions{})
	}
	return fmt.Errorf("formato %q non previsto: xlsx o csv", formato)
}

func siNo(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}

// righeEsempio are two realistic notifications: a TARI payment notice and
// a reminder without payment, with due dates in the given year.
func righeEsempio(anno int) ([]Riga, error) {
	cf1, err := anagrafe.GeneraCodiceFiscale("Rossi", "Maria", time.Date(1980, 5, 12, 0, 0, 0, 0, time.UTC), 'F', "H501")
	if err != nil {
		return nil, err
	}
	cf2, err := anagrafe.GeneraCodiceFiscale("Bianchi", "Giuseppe", time.Date(1975, 11, 3, 0, 0, 0, 0, time.UTC), 'M', "F205")
	if err != nil {
		return nil, err
	}
	return []Riga{{
		CodiceFiscale: cf1,
		Oggetto:       fmt.Sprintf("TARI %d: avviso di pagamento della prima rata", anno),
		Contenuto: fmt.Sprintf("Gentile contribuente,\n\nè disponibile l'avviso di pagamento della **TARI %d**, prima rata.\n\n"+
			"Può pagarlo dall'app IO con pagoPA entro la scadenza, oppure presso banche, uffici postali e tabaccherie "+
			"con il codice avviso indicato.", anno),
		Scadenza:         time.Date(anno, 3, 31, 0, 0, 0, 0, time.UTC),
		Importo:          12345,
		CodiceAvviso:     pagopa.CodiceAvviso(1, uint64(anno)*1_000_000+1),
		PagaDopoScadenza: true,
	}, {
		CodiceFiscale: cf2,
		Oggetto:       "Carta d'identità in scadenza: prenota il rinnovo",
		Contenuto: "Gentile cittadina, gentile cittadino,\n\nla sua carta d'identità scadrà nei prossimi mesi. " +
			"Può prenotare l'appuntamento per il rinnovo sul sito del Comune o chiamando l'Ufficio Anagrafe.",
		PagaDopoScadenza: true,
	}}, nil
}

// istruzioni are the rows of the "Istruzioni" sheet: column, required,
// what to write.
var istruzioni = [][3]string{
	{ColCodiceFiscale, "sì", "Codice fiscale del destinatario: 16 caratteri, persona fisica. Anche «cf» o «codice fiscale»."},
	{ColOggetto, "sì, se non si usa un modello", "Da 10 a 120 caratteri. Niente dati personali (nome, codice fiscale): l'oggetto compare nelle notifiche del telefono."},
	{ColContenuto, "sì, se non si usa un modello", "Da 80 a 10.000 caratteri, in Markdown: **grassetto**, elenchi con «- », link [testo](https://…). Anche «testo» o «messaggio»."},
	{ColScadenza, "no", "Data gg/mm/aaaa (o cella data di Excel): vale fino alle 23:59 di quel giorno, ora italiana; con l'orario (gg/mm/aaaa hh:mm) fino a quell'ora."},
	{ColImporto, "no, ma insieme a codice_avviso", "Importo in euro: 1.234,56 oppure 1234,56 (o cella numerica), al massimo 2 decimali."},
	{ColCodiceAvviso, "no, ma insieme a importo", "Codice avviso pagoPA: 18 cifre che iniziano con 3 (spazi e punti ignorati). Tenere la colonna in formato Testo: Excel arrotonda i numeri di 18 cifre."},
	{ColPagaDopoScadenza, "no", "sì (se vuota) oppure no: con «no» l'avviso non si può pagare dopo la scadenza; richiede scadenza, importo e codice avviso."},
}

var noteIstruzioni = []string{
	"Una riga per notifica; la prima riga è l'intestazione: maiuscole, spazi e accenti non contano. Le righe vuote sono ignorate.",
	"Niente formule (incollare solo i valori) né celle unite. Al massimo 200.000 righe per file.",
	"Due righe identiche (stesso destinatario, oggetto, contenuto e pagamento) sono rifiutate.",
	"Modelli: all'importazione si può scrivere l'oggetto e il contenuto una volta sola, con {{colonna}} al posto dei dati di ogni riga, " +
		"ad esempio «Gentile {{nome}}, l'importo di {{importo}} euro scade il {{scadenza}}». Si può usare qualunque colonna del file, " +
		"anche aggiunta (nome, indirizzo, anno…); {{importo}} è scritto come 1.234,56 e {{scadenza}} come gg/mm/aaaa.",
	"Le colonne nominativo, nome, cognome e denominazione, se presenti, servono a segnalare un oggetto che contiene il nome del destinatario.",
	"Salvare come Excel (.xlsx) o CSV UTF-8 (separatore ; oppure ,).",
}

func tracciatoXLSX(w io.Writer, esempi []Riga) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	sh := FoglioNotifiche
	if err := f.SetSheetName(f.GetSheetName(0), sh); err != nil {
		return err
	}
	st, err := stiliTracciato(f)
	if err != nil {
		return err
	}
	larghezze := [7]float64{20, 45, 70, 13, 12, 24, 20}
	stili := [7]int{st.testo, st.wrap, st.wrap, st.data, st.importo, st.testo, 0}
	for i := range campi {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sh, col, col, larghezze[i]); err != nil {
			return err
		}
		if stili[i] != 0 {
			if err := f.SetColStyle(sh, col, stili[i]); err != nil {
				return err
			}
		}
		if err := f.SetCellStr(sh, col+"1", campi[i]); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, "A1", "G1", st.intestazione); err != nil {
		return err
	}
	for i, r := range esempi {
		row := []any{r.CodiceFiscale, r.Oggetto, r.Contenuto, nil, nil, nil, nil}
		if !r.Scadenza.IsZero() {
			row[iScadenza] = r.Scadenza
		}
		if r.Importo > 0 {
			row[iImporto], row[iAvviso], row[iPaga] = float64(r.Importo)/100, r.CodiceAvviso, siNo(r.PagaDopoScadenza)
		}
		if err := f.SetSheetRow(sh, "A"+strconv.Itoa(i+2), &row); err != nil {
			return err
		}
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = "G2:G200001"
	if err := dv.SetDropList([]string{"sì", "no"}); err != nil {
		return err
	}
	if err := f.AddDataValidation(sh, dv); err != nil {
		return err
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := istruzioniXLSX(f, st); err != nil {
		return err
	}
	return f.Write(w)
}

func istruzioniXLSX(f *excelize.File, st stiliXLSX) error {
	const sh = "Istruzioni"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	for col, w := range map[string]float64{"A": 22, "B": 28, "C": 100} {
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}
	rows := [][]any{{"Colonna", "Obbligatoria", "Cosa scrivere"}}
	for _, r := range istruzioni {
		rows = append(rows, []any{r[0], r[1], r[2]})
	}
	rows = append(rows, []any{})
	for _, n := range noteIstruzioni {
		rows = append(rows, []any{nil, nil, n})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(sh, "A"+strconv.Itoa(i+1), &r); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, "A1", "C1", st.intestazione); err != nil {
		return err
	}
	return f.SetCellStyle(sh, "A2", "C"+strconv.Itoa(len(rows)), st.wrap)
}

type stiliXLSX struct{ intestazione, testo, wrap, data, importo int }

func stiliTracciato(f *excelize.File) (stiliXLSX, error) {
	var s stiliXLSX
	var err error
	add := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	data := "dd/mm/yyyy"
	top := excelize.Alignment{Vertical: "top"}
	add(&s.intestazione, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}})
	add(&s.testo, &excelize.Style{NumFmt: 49, Alignment: &top}) // "@": what is typed stays text
	add(&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	add(&s.data, &excelize.Style{CustomNumFmt: &data, Alignment: &top})
	add(&s.importo, &excelize.Style{NumFmt: 4, Alignment: &top}) // #,##0.00
	return s, err
}
