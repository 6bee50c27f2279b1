// Package ricevute reads what tells the ente that a payment happened and
// what it was owed: pagoPA receipts (paSendRT, LeggiRT), the MyPay "export
// pagati" CSV (LeggiPagati, ScriviPagati) and the ente's debt records in
// the MyPay import layout (LeggiDovuti).
//
// Every reader checks the whole file and reports each problem as
// tracciato.ErrRiga ("riga N / elemento X: motivo"; for CSV files the
// element is the column name). The CSV readers stream: one row in memory at
// a time, handed to a callback.
package ricevute

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Soggetto is a party of a payment: debtor (pagatore), payer (versante),
// PSP (attestante) or beneficiary ente. Fields a party does not have stay
// empty (only PSP and ente have an operating unit, only people an e-mail).
type Soggetto struct {
	Tipo           string // F persona fisica, G persona giuridica; a PSP also A (ABI) or B (BIC)
	Codice         string // codice fiscale, partita IVA (or ABI/BIC code of a PSP)
	Nome           string // name or company name (anagrafica, denominazione)
	CodiceUnitOper string
	DenomUnitOper  string
	Indirizzo      string
	Civico         string
	CAP            string
	Localita       string
	Provincia      string
	Nazione        string // ISO 3166 alpha-2
	Email          string
}

// VoceBilancio is one budget line of a payment: how much of it goes to a
// chapter (capitolo) of an office and to an assessment (accertamento).
type VoceBilancio struct {
	Capitolo     string
	Ufficio      string
	Accertamento string
	Importo      int64 // cents
}

// Testata is what a CSV reader learns about the whole file.
type Testata struct {
	Versione        string   // tracciato version: "1.2", "1.3"
	Righe           int      // data rows
	Totale          int64    // sum of the row amounts, cents
	ColonneIgnorate []string // columns of a later version that are not read
}

// Date layouts of the MyPay CSV files.
const (
	layoutData    = "2006-01-02"
	layoutDataOra = "2006-01-02T15:04:05"
)

// campo is one column of a CSV layout for rows of type T.
type campo[T any] struct {
	nome   string
	alias  []string // other header names MyPay has used for the column
	obbl   bool
	max    int                     // max length in characters, 0 = no limit
	leggi  func(*T, string) string // stores a non-empty trimmed value; returns the reason it is invalid
	scrivi func(*T) string         // "" writes an empty field
}

func (c campo[T]) chiama(n string) bool {
	if strings.EqualFold(c.nome, n) {
		return true
	}
	for _, a := range c.alias {
		if strings.EqualFold(a, n) {
			return true
		}
	}
	return false
}

func testo[T any](nome string, max int, obbl bool, f func(*T) *string, valori ...string) campo[T] {
	return campo[T]{nome: nome, obbl: obbl, max: max,
		leggi: func(r *T, v string) string {
			if len(valori) > 0 {
				v = strings.ToUpper(v)
				for _, ok := range valori {
					if v == ok {
						*f(r) = v
						return ""
					}
				}
				return fmt.Sprintf("valore %q non ammesso: valori validi %s", v, strings.Join(valori, ", "))
			}
			*f(r) = v
			return ""
		},
		scrivi: func(r *T) string { return *f(r) },
	}
}

// importo is an amount column; con, when not nil, records whether an
// optional amount was there.
func importo[T any](nome string, obbl, positivo bool, f func(*T) *int64, con func(*T) *bool) campo[T] {
	return campo[T]{nome: nome, obbl: obbl, max: 16,
		leggi: func(r *T, v string) string {
			c, err := tracciato.Centesimi(v)
			switch {
			case err != nil:
				return fmt.Sprintf("importo %q non valido: atteso un numero con al più due decimali, come 150.00", v)
			case c < 0 || positivo && c == 0:
				return fmt.Sprintf("importo %s non ammesso: deve essere maggiore di zero", v)
			case c > 99999999999:
				return fmt.Sprintf("importo %s troppo grande (massimo 999999999.99)", v)
			}
			*f(r) = c
			if con != nil {
				*con(r) = true
			}
			return ""
		},
		scrivi: func(r *T) string {
			if con != nil && !*con(r) {
				return ""
			}
			return tracciato.Euro(*f(r))
		},
	}
}

func data[T any](nome string, obbl bool, layout string, f func(*T) *time.Time) campo[T] {
	return campo[T]{nome: nome, obbl: obbl, max: len(layout),
		leggi: func(r *T, v string) string {
			t, err := time.Parse(layout, v)
			if err != nil || len(v) != len(layout) {
				esempio := "2024-01-15"
				if layout == layoutDataOra {
					esempio = "2024-01-15T10:30:00"
				}
				return fmt.Sprintf("data %q non valida: formato atteso %s", v, esempio)
			}
			if t.Year() < 1900 || t.Year() > 2999 {
				return fmt.Sprintf("data %q fuori intervallo (anni 1900-2999)", v)
			}
			*f(r) = t
			return ""
		},
		scrivi: func(r *T) string {
			if f(r).IsZero() {
				return ""
			}
			return f(r).Format(layout)
		},
	}
}

func intero[T any](nome string, obbl bool, min, max int, f func(*T) *int) campo[T] {
	return campo[T]{nome: nome, obbl: obbl, max: 9,
		leggi: func(r *T, v string) string {
			n, err := strconv.Atoi(v)
			if err != nil || n < min || n > max || strings.Trim(v, "0123456789") != "" {
				return fmt.Sprintf("valore %q non valido: atteso un numero intero da %d a %d", v, min, max)
			}
			*f(r) = n
			return ""
		},
		scrivi: func(r *T) string {
			if *f(r) == 0 && min > 0 {
				return ""
			}
			return strconv.Itoa(*f(r))
		},
	}
}

func bilancio[T any](nome string, f func(*T) *[]VoceBilancio) campo[T] {
	return campo[T]{nome: nome,
		leggi: func(r *T, v string) string {
			voci, err := leggiBilancio(v)
			if err != nil {
				return err.Error()
			}
			*f(r) = voci
			return ""
		},
		scrivi: func(r *T) string { return scriviBilancio(*f(r)) },
	}
}

// tracciatoCSV describes a CSV layout and the checks across its columns.
type tracciatoCSV[T any] struct {
	nome      string // for messages: "export pagati MyPay 1.2"
	campi     []campo[T]
	opzionali map[string]string // columns that may be missing from the header -> version when present
	versione  string            // version when no optional column is present
	ignote    []string          // known columns of later versions, read past
	verifica  func(*T, func(colonna, motivo string))
	importo   func(*T) int64
}

// erroriCSV collects the row errors of a CSV file up to tracciato.MaxErrori.
type erroriCSV struct {
	tracciato.Errori
	stop bool
}

func (e *erroriCSV) add(riga int, col, motivo string) {
	if !e.stop {
		e.stop = e.Aggiungi(riga, col, motivo)
	}
}

// leggi streams a CSV file of layout t, calling fn for each valid row as
// long as the file has no error at all.
func (t *tracciatoCSV[T]) leggi(r io.Reader, fn func(T) error) (Testata, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true // hand-edited files put bare quotes in unquoted text (TARI "2024")

	var testa Testata
	var errs erroriCSV
	header, err := cr.Read()
	switch {
	case err == io.EOF:
		return testa, tracciato.Errori{{Motivo: "il file è vuoto"}}
	case err != nil:
		return testa, fmt.Errorf("%w: %s illeggibile: %v", tracciato.ErrFormato, t.nome, err)
	}
	pos, presenti, err := t.intestazione(header, &testa, &errs)
	if err != nil {
		return testa, err
	}
	valori := make([]string, len(t.campi))
	var row T // reused: the callback gets a copy
	for !errs.stop {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			riga := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				riga, err = pe.StartLine, pe.Err
			}
			errs.add(riga, "", fmt.Sprintf("riga CSV non valida: %v", err))
			continue
		}
		riga, _ := cr.FieldPos(0)
		testa.Righe++
		if len(rec) != len(pos) {
			errs.add(riga, "", fmt.Sprintf("la riga ha %d campi, l'intestazione %d", len(rec), len(pos)))
			continue
		}
		for i := range valori {
			valori[i] = ""
		}
		for i, v := range rec {
			switch {
			case pos[i] >= 0:
				valori[pos[i]] = v
			case pos[i] == senzaNome && strings.TrimSpace(v) != "":
				errs.add(riga, fmt.Sprintf("colonna %d", i+1), "valore in una colonna senza intestazione")
			}
		}
		row = *new(T)
		prima := len(errs.Errori)
		t.riga(&row, valori, presenti, func(col, motivo string) { errs.add(riga, col, motivo) })
		if len(errs.Errori) == prima && t.verifica != nil {
			t.verifica(&row, func(col, motivo string) { errs.add(riga, col, motivo) })
		}
		testa.Totale += t.importo(&row)
		if len(errs.Errori) == 0 {
			if err := fn(row); err != nil {
				return testa, err
			}
		}
	}
	return testa, errs.Err()
}

// riga checks the values of one row, in layout order, into row; columns
// not in the file (presenti[i] false) are skipped.
func (t *tracciatoCSV[T]) riga(row *T, valori []string, presenti []bool, errore func(col, motivo string)) {
	for i, c := range t.campi {
		if !presenti[i] {
			continue
		}
		v := strings.TrimSpace(valori[i])
		if v == "" {
			if c.obbl {
				errore(c.nome, "valore obbligatorio mancante")
			}
			continue
		}
		if motivo := controllaTesto(v, c.max); motivo != "" {
			errore(c.nome, motivo)
			continue
		}
		if motivo := c.leggi(row, v); motivo != "" {
			errore(c.nome, motivo)
		}
	}
}

// controllaTesto refuses what no column may hold: invalid UTF-8, control
// characters, more than max characters.
func controllaTesto(v string, max int) string {
	if !utf8.ValidString(v) {
		return "testo non in UTF-8: salvare il file con codifica UTF-8"
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Sprintf("carattere di controllo %U non ammesso", r)
		}
	}
	if n := utf8.RuneCountInString(v); max > 0 && n > max {
		return fmt.Sprintf("lungo %d caratteri, massimo %d", n, max)
	}
	return ""
}

// senzaNome marks a header position without a name.
const senzaNome = -2

// intestazione maps header positions to columns (-1: a column read past),
// tells which columns are there and fills testa.Versione. A header with less
// than half the columns, or more unknown columns than known ones, is not
// this layout at all.
func (t *tracciatoCSV[T]) intestazione(header []string, testa *Testata, errs *erroriCSV) ([]int, []bool, error) {
	pos := make([]int, len(header))
	visto := make([]bool, len(t.campi))
	trovate, sconosciute := 0, 0
	testa.Versione = t.versione
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		pos[i] = -1
		if h == "" { // a trailing ';' (spreadsheets add them): its cells must stay empty
			pos[i] = senzaNome
			continue
		}
		k := -1
		for j, c := range t.campi {
			if c.chiama(h) {
				k = j
				break
			}
		}
		switch {
		case k >= 0 && visto[k]:
			errs.add(1, h, "colonna ripetuta nell'intestazione")
		case k >= 0:
			pos[i], visto[k] = k, true
			trovate++
			if v, ok := t.opzionali[t.campi[k].nome]; ok {
				testa.Versione = v
			}
		case contiene(t.ignote, h):
			testa.ColonneIgnorate = append(testa.ColonneIgnorate, h)
		default:
			sconosciute++
			errs.add(1, h, fmt.Sprintf("colonna non prevista dal tracciato %s", t.nome))
		}
	}
	if trovate*2 < len(t.campi) || sconosciute > trovate {
		return nil, nil, fmt.Errorf("%w: l'intestazione non è quella del tracciato %s (riconosciute %d colonne su %d)",
			tracciato.ErrFormato, t.nome, trovate, len(t.campi))
	}
	for j, c := range t.campi {
		if _, opz := t.opzionali[c.nome]; !visto[j] && !opz {
			errs.add(1, c.nome, "colonna mancante nell'intestazione")
		}
	}
	if len(errs.Errori) > 0 {
		return nil, nil, errs.Errori
	}
	return pos, visto, nil
}

func contiene(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// scrittoreCSV writes rows of layout t, checking each with the reader's
// rules so that what is written can always be read back.
type scrittoreCSV[T any] struct {
	t        *tracciatoCSV[T]
	w        *csv.Writer
	rec      []string
	presenti []bool
	righe    int
	testata  bool // header written
	errore   error
}

func nuovoScrittore[T any](w io.Writer, t *tracciatoCSV[T]) *scrittoreCSV[T] {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true // the MyPivot loader splits rows on \r\n
	s := &scrittoreCSV[T]{t: t, w: cw, rec: make([]string, len(t.campi)), presenti: make([]bool, len(t.campi))}
	for i := range s.presenti {
		s.presenti[i] = true
	}
	return s
}

func (s *scrittoreCSV[T]) intestazione() error {
	if s.testata {
		return nil
	}
	for i, c := range s.t.campi {
		s.rec[i] = c.nome
	}
	s.testata = true
	s.errore = s.w.Write(s.rec)
	return s.errore
}

func (s *scrittoreCSV[T]) scrivi(row *T) error {
	if s.errore != nil {
		return s.errore
	}
	if s.intestazione() != nil {
		return s.errore
	}
	s.righe++
	var errs tracciato.Errori
	errore := func(col, motivo string) {
		errs = append(errs, tracciato.ErrRiga{Riga: s.righe + 1, Elemento: col, Motivo: motivo})
	}
	var back T
	for i, c := range s.t.campi {
		s.rec[i] = c.scrivi(row)
	}
	s.t.riga(&back, s.rec, s.presenti, errore)
	if len(errs) == 0 && s.t.verifica != nil {
		s.t.verifica(&back, errore)
	}
	if len(errs) > 0 {
		s.righe--
		return errs
	}
	s.errore = s.w.Write(s.rec)
	return s.errore
}

func (s *scrittoreCSV[T]) chiudi() error {
	if s.errore != nil {
		return s.errore
	}
	if s.intestazione() != nil { // a file without rows still says what it is
		return s.errore
	}
	s.w.Flush()
	return s.w.Error()
}
