package cassa

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/core/tabelle"
)

// A table journal is the treasurer's account statement: one row per
// movement, the columns named in the first non-blank row, in any order.

type colonna int

const (
	colABI colonna = iota
	colCAB
	colConto
	colDivisa
	colDataContabile
	colDataValuta
	colImporto
	colSegno
	colCausale
	colNumAssegno
	colRifBanca
	colRifCliente
	colDescrizione
	colDescrizioneEstesa
	numColonne
)

// nomiColonne are the headers as the banks write them; all are needed.
var nomiColonne = [numColonne]string{"ABI", "CAB", "CONTO", "DIVISA", "DATA CONTABILE", "DATA VALUTA",
	"IMPORTO", "SEGNO", "CAUSALE", "NUM. ASSEGNO", "RIF. BANCA", "RIF. CLIENTE", "DESCRIZIONE", "DESCRIZIONE ESTESA"}

// sinonimi are other spellings of a header, already normalised.
var sinonimi = map[string]colonna{
	"numeroassegno":      colNumAssegno,
	"riferimentobanca":   colRifBanca,
	"riferimentocliente": colRifCliente,
	"datavaluta":         colDataValuta,
}

var colonnePerNome = func() map[string]colonna {
	m := map[string]colonna{}
	for c, n := range nomiColonne {
		m[normalizza(n)] = colonna(c)
	}
	for n, c := range sinonimi {
		m[n] = c
	}
	return m
}()

// normalizza makes a header comparable: lower case, accents and
// everything but letters and digits dropped ("Num. Assegno" → "numassegno").
func normalizza(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("àáâä", r):
			b.WriteByte('a')
		case strings.ContainsRune("èéêë", r):
			b.WriteByte('e')
		case strings.ContainsRune("ìíîï", r):
			b.WriteByte('i')
		case strings.ContainsRune("òóôö", r):
			b.WriteByte('o')
		case strings.ContainsRune("ùúûü", r):
			b.WriteByte('u')
		}
	}
	return b.String()
}

// foglio is a sheet read row by row: a tabelle.Sheet, or an .xls sheet.
type foglio interface {
	Next() bool
	Row() []string
	Kind(i int) tabelle.Kind
	Line() int
	Err() error
}

func leggiTabella(r io.Reader, tipo string, fn func(Movimento) error) (Giornale, error) {
	s, err := tabelle.Read(r, tabelle.ReadOptions{Sheet: "MOVIMENTI"})
	if err != nil {
		return Giornale{}, tabelleFormato(err)
	}
	defer s.Close()
	return leggiRighe(s, Giornale{Formato: strings.ToUpper(s.Format()), Foglio: s.Name()}, false, fn)
}

type lettoreRighe struct {
	f        foglio
	g        Giornale
	errs     tracciato.Errori
	idx      [numColonne]int
	intest   []string
	date1904 bool
}

func leggiRighe(f foglio, g Giornale, date1904 bool, fn func(Movimento) error) (Giornale, error) {
	l := &lettoreRighe{f: f, g: g, date1904: date1904}
	if !f.Next() {
		if err := f.Err(); err != nil {
			return l.g, tabelleFormato(err)
		}
		motivo := "il file è vuoto: manca la riga di intestazione con i nomi delle colonne"
		if g.Foglio != "" {
			motivo = fmt.Sprintf("il foglio %s è vuoto: manca la riga di intestazione con i nomi delle colonne", mostra(g.Foglio))
		}
		l.errs.Aggiungi(0, "", motivo)
		return l.g, l.errs
	}
	if !l.intestazione() {
		return l.g, l.errs
	}
	for f.Next() {
		l.g.RigheLette++
		m, ok := l.riga()
		if !ok {
			if len(l.errs) >= tracciato.MaxErrori {
				return l.g, tronca(l.errs)
			}
			continue
		}
		if m.Operazione == 0 {
			l.g.scarta("USCITA")
			continue
		}
		l.g.tieni(m)
		if len(l.errs) == 0 {
			if err := fn(m); err != nil {
				return l.g, err
			}
		}
	}
	if err := f.Err(); err != nil {
		if e := tabelleFormato(err); e != err {
			return l.g, e
		}
		l.errs.Aggiungi(0, "", err.Error()) // the message names the row
	}
	return l.g, tronca(l.errs).Err()
}

// intestazione maps the columns named in the first row.
func (l *lettoreRighe) intestazione() bool {
	riga := l.f.Line()
	for i := range l.idx {
		l.idx[i] = -1
	}
	l.intest = append([]string(nil), l.f.Row()...)
	trovate := 0
	for i, h := range l.intest {
		c, ok := colonnePerNome[normalizza(h)]
		if !ok {
			continue
		}
		if l.idx[c] >= 0 {
			l.errs.Aggiungi(riga, strings.TrimSpace(h), fmt.Sprintf("colonna ripetuta (colonne %s e %s)", lettera(l.idx[c]), lettera(i)))
			continue
		}
		l.idx[c] = i
		trovate++
	}
	var mancano []string
	for c, i := range l.idx {
		if i < 0 {
			mancano = append(mancano, nomiColonne[c])
		}
	}
	switch {
	case trovate == 0:
		l.errs.Aggiungi(riga, "", "manca la riga di intestazione: la prima riga deve avere i nomi delle colonne ("+strings.Join(nomiColonne[:], ", ")+")")
	case len(mancano) > 0:
		l.errs.Aggiungi(riga, "", "mancano le colonne "+strings.Join(mancano, ", "))
	}
	return len(l.errs) == 0
}

// lettera is a column's letter as the spreadsheet shows it (0 → "A").
func lettera(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// cella is column c of the current row, blanks trimmed.
func (l *lettoreRighe) cella(c colonna) (string, tabelle.Kind) {
	i, row := l.idx[c], l.f.Row()
	if i >= len(row) {
		return "", tabelle.Text
	}
	return strings.TrimSpace(row[i]), l.f.Kind(i)
}

func (l *lettoreRighe) errore(c colonna, motivo string) {
	l.errs.Aggiungi(l.f.Line(), fmt.Sprintf("%s (colonna %s)", strings.TrimSpace(l.intest[l.idx[c]]), lettera(l.idx[c])), motivo)
}

// riga reads the current row: ok false when it has errors (reported);
// Operazione 0 for a debit.
func (l *lettoreRighe) riga() (Movimento, bool) {
	prima := len(l.errs)
	v := func(c colonna) string { s, _ := l.cella(c); return s }
	m := Movimento{
		Riga:               l.f.Line(),
		ABI:                v(colABI),
		CAB:                v(colCAB),
		ContoEvidenza:      v(colConto),
		CodiceCausale:      v(colCausale),
		NumeroAssegno:      v(colNumAssegno),
		RiferimentoBanca:   v(colRifBanca),
		RiferimentoCliente: v(colRifCliente),
		Descrizione:        v(colDescrizione),
		Causale:            v(colDescrizioneEstesa),
	}
	for _, c := range []colonna{colABI, colCAB} {
		if s := v(c); s != "" && (len(s) != 5 || strings.Trim(s, "0123456789") != "") {
			l.errore(c, fmt.Sprintf("codice %s non valido: servono 5 cifre (se Excel ha tolto gli zeri iniziali, formattare la colonna come testo)", mostra(s)))
		}
	}
	if s := v(colDivisa); s != "" && !strings.EqualFold(s, "EUR") {
		l.errore(colDivisa, fmt.Sprintf("divisa %s non ammessa: il giornale di cassa è in euro (EUR)", mostra(s)))
	}
	var ok bool
	if s, k := l.cella(colDataContabile); s == "" {
		l.errore(colDataContabile, "data contabile mancante")
	} else if m.DataContabile, ok = l.data(s, k); !ok {
		l.errore(colDataContabile, fmt.Sprintf("data contabile %s non valida: serve GG/MM/AAAA", mostra(s)))
	}
	m.DataValuta = m.DataContabile
	if s, k := l.cella(colDataValuta); s != "" {
		if m.DataValuta, ok = l.data(s, k); !ok {
			l.errore(colDataValuta, fmt.Sprintf("data valuta %s non valida: serve GG/MM/AAAA", mostra(s)))
		}
	}
	s, k := l.cella(colImporto)
	imp, motivo := importoCella(s, k)
	if motivo != "" {
		l.errore(colImporto, motivo)
	}
	switch segno := v(colSegno); {
	case segno == "+" && imp < 0, segno == "-" && imp < 0:
		l.errore(colImporto, fmt.Sprintf("importo negativo %s con SEGNO %q: il segno va solo nella colonna SEGNO", mostra(s), segno))
	case segno == "+", segno == "" && imp > 0:
		m.Operazione = Eseguito
	case segno == "-", segno == "":
	default:
		l.errore(colSegno, fmt.Sprintf("segno %s non valido: ammessi + (accredito) e - (addebito)", mostra(segno)))
	}
	m.Importo = imp
	if imp < 0 {
		m.Importo = -imp
	}
	if m.Causale == "" {
		l.errore(colDescrizioneEstesa, "descrizione estesa mancante: è la causale dell'accredito, che lo collega al flusso di rendicontazione")
	}
	if len(l.errs) > prima {
		return m, false
	}
	m.Esercizio = m.DataContabile.Year()
	m.Cliente = ordinante(m.Causale)
	m.Chiave = fmt.Sprintf("%d/R%s", m.Esercizio, impronta(m))
	return m, true
}

// impronta identifies a row that has no bolletta: a hash of the cells
// that describe the movement.
func impronta(m Movimento) string {
	h := sha256.New()
	for _, s := range []string{m.DataContabile.Format(time.DateOnly), m.DataValuta.Format(time.DateOnly),
		strconv.FormatInt(m.Importo, 10), m.ABI, m.CAB, m.ContoEvidenza, m.CodiceCausale, m.NumeroAssegno,
		m.RiferimentoBanca, m.RiferimentoCliente, m.Descrizione, m.Causale} {
		h.Write([]byte(s))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// data reads a date cell: a workbook date, a serial day number (an .xls
// cell or an unformatted one), or text as GG/MM/AAAA or AAAA-MM-GG.
func (l *lettoreRighe) data(s string, k tabelle.Kind) (time.Time, bool) {
	switch k {
	case tabelle.Date, tabelle.DateTime:
		return giorno(s[:min(len(s), 10)])
	case tabelle.Number:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f >= 2958466 { // 2958466 is 10000-01-01
			return time.Time{}, false
		}
		t, err := excelize.ExcelDateToTime(math.Floor(f), l.date1904)
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
	}
	if t, ok := giorno(s); ok {
		return t, true
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// importoCella reads an amount in cents: a number cell, or text written
// the Italian way ("1.234,56") or the machine way ("1234.56").
func importoCella(s string, k tabelle.Kind) (int64, string) {
	if s == "" {
		return 0, "importo mancante"
	}
	t := strings.NewReplacer("€", "", " ", "", "\u00a0", "").Replace(s)
	if k != tabelle.Number && strings.Contains(t, ",") {
		t = strings.Replace(strings.ReplaceAll(t, ".", ""), ",", ".", 1)
	}
	c, err := tracciato.Centesimi(t)
	switch {
	case err != nil && strings.Contains(err.Error(), "grande"):
		return 0, fmt.Sprintf("importo %s troppo grande", mostra(s))
	case err != nil && len(t) > 0 && strings.Count(t, ".") == 1 && strings.Trim(strings.TrimLeft(t, "+-"), "0123456789.") == "":
		return 0, fmt.Sprintf("importo %s con più di 2 decimali", mostra(s))
	case err != nil:
		return 0, fmt.Sprintf("importo %s non valido: serve un numero come 1234,56", mostra(s))
	case c == 0:
		return 0, "importo zero: un movimento ha un importo"
	}
	return c, ""
}

// ordinante finds who ordered the transfer in the bank's extended
// description: "Descrizione Ordinante: NAME   ADDRESS" or ":OR1:NAME :XX:".
func ordinante(s string) string {
	for _, p := range []string{"Descrizione Ordinante:", ":OR1:"} {
		i := strings.Index(s, p)
		if i < 0 {
			continue
		}
		rest := s[i+len(p):]
		for _, stop := range []string{"   ", " :", ";"} {
			if j := strings.Index(rest, stop); j >= 0 {
				rest = rest[:j]
			}
		}
		if rest = strings.TrimSpace(rest); rest != "" {
			return rest
		}
	}
	return ""
}
