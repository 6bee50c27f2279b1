// Package avvisi: mass pagoPA payment notices, from the list a municipality
// loads (the tracciato) to the notices generated and sent.
package avvisi

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/tabelle"
)

// Columns of the tracciato, as the manual's TracciatoInvioMassivo.xlsx
// names them. Header cells match ignoring case, spaces and punctuation.
const (
	ColIntestazione      = "Intestazione"
	ColCodiceFiscale     = "CodiceFiscale"
	ColPartitaIva        = "PartitaIva"
	ColImporto           = "Importo"
	ColOggettoProt       = "OggettoProt"
	ColCausaleBollettino = "CausaleBollettino"
	ColIndirizzoPec      = "IndirizzoPec"
	ColIndirizzo         = "Indirizzo"
	ColCAP               = "CAP"
	ColComune            = "Comune"
	ColProvincia         = "Provincia"
)

var colonne = []string{ColIntestazione, ColCodiceFiscale, ColPartitaIva, ColImporto, ColOggettoProt,
	ColCausaleBollettino, ColIndirizzoPec, ColIndirizzo, ColCAP, ColComune, ColProvincia}

// Riga is one debtor of the list, validated.
type Riga struct {
	Numero        int // line of the file
	Intestazione  string
	CodiceFiscale string
	PartitaIVA    string
	Centesimi     int64
	OggettoProt   string // empty: the batch's
	Causale       string // empty: the batch's
	IndirizzoPec  string // e-mail or PEC address
	Indirizzo     string
	CAP           string
	Comune        string
	Provincia     string
}

// Debitore is the fiscal code, or the partita IVA when there is none.
func (r Riga) Debitore() string {
	if r.CodiceFiscale != "" {
		return r.CodiceFiscale
	}
	return r.PartitaIVA
}

// Lettura is a list read whole: its rows when clean, every problem
// otherwise ("riga N, colonna X: motivo").
type Lettura struct {
	Righe  []Riga
	Errori []flussi.ErroreRiga
}

// MaxRighe bounds a list: beyond it, split the batch.
const MaxRighe = 50_000

// Leggi reads and checks a tracciato (.xlsx or CSV): required columns,
// then every row (intestazione, fiscal code and/or partita IVA with their
// check digits, amount above zero in Italian or plain notation, e-mail or
// PEC address, duplicates). Nothing of a file with problems is usable.
func Leggi(r io.Reader) (*Lettura, error) {
	sh, err := tabelle.Read(r, tabelle.ReadOptions{MaxRows: MaxRighe + 1})
	if err != nil {
		return nil, err
	}
	defer sh.Close()
	l := &Lettura{}
	if !sh.Next() {
		if err := sh.Err(); err != nil {
			return nil, err
		}
		return l.errore(0, "", "il file è vuoto: manca la riga di intestazione"), nil
	}
	pos := map[string]int{}
	for i, h := range sh.Row() {
		k := chiave(h)
		for _, c := range colonne {
			if k == chiave(c) {
				if _, dup := pos[c]; dup {
					l.errore(sh.Line(), h, "colonna ripetuta")
				}
				pos[c] = i
			}
		}
	}
	for _, c := range []string{ColIntestazione, ColImporto, ColIndirizzoPec} {
		if _, ok := pos[c]; !ok {
			l.errore(0, c, "colonna obbligatoria mancante")
		}
	}
	_, cf := pos[ColCodiceFiscale]
	_, piva := pos[ColPartitaIva]
	if !cf && !piva {
		l.errore(0, ColCodiceFiscale, "serve la colonna CodiceFiscale o PartitaIva")
	}
	if len(l.Errori) > 0 {
		return l, nil
	}
	visti := map[string]int{}
	for sh.Next() {
		row, n := sh.Row(), sh.Line()
		cell := func(c string) string {
			if i, ok := pos[c]; ok && i < len(row) {
				if sh.Formula(i) {
					l.errore(n, c, "la cella contiene una formula: incollare solo i valori")
				}
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		r := Riga{Numero: n, Intestazione: cell(ColIntestazione), CodiceFiscale: strings.ToUpper(anagrafe.NormalizzaCodiceFiscale(cell(ColCodiceFiscale))),
			PartitaIVA: strings.ReplaceAll(cell(ColPartitaIva), " ", ""), OggettoProt: cell(ColOggettoProt),
			Causale: cell(ColCausaleBollettino), IndirizzoPec: strings.ToLower(cell(ColIndirizzoPec)),
			Indirizzo: cell(ColIndirizzo), CAP: cell(ColCAP), Comune: cell(ColComune), Provincia: strings.ToUpper(cell(ColProvincia))}
		if r.Intestazione == "" {
			l.errore(n, ColIntestazione, "obbligatoria: nome e cognome o ragione sociale")
		}
		switch {
		case r.CodiceFiscale == "" && r.PartitaIVA == "":
			l.errore(n, ColCodiceFiscale, "indicare il codice fiscale o la partita IVA")
		default:
			if r.CodiceFiscale != "" {
				if err := anagrafe.ValidaCodiceFiscale(r.CodiceFiscale); err != nil {
					l.errore(n, ColCodiceFiscale, anagrafe.Dettaglio(err))
				}
			}
			if r.PartitaIVA != "" {
				if err := anagrafe.ValidaPartitaIVA(r.PartitaIVA); err != nil {
					l.errore(n, ColPartitaIva, anagrafe.Dettaglio(err))
				}
			}
		}
		if c, err := flussi.ParseImporto(cell(ColImporto)); err != nil {
			l.errore(n, ColImporto, err.Error())
		} else if c <= 0 {
			l.errore(n, ColImporto, "deve essere maggiore di zero")
		} else {
			r.Centesimi = c
		}
		if err := anagrafe.ValidaEmail(r.IndirizzoPec); err != nil {
			l.errore(n, ColIndirizzoPec, anagrafe.Dettaglio(err))
		}
		if utf8.RuneCountInString(r.Causale) > 140 {
			l.errore(n, ColCausaleBollettino, fmt.Sprintf("al massimo 140 caratteri, trovati %d", utf8.RuneCountInString(r.Causale)))
		}
		if r.CAP != "" && (len(r.CAP) != 5 || strings.IndexFunc(r.CAP, func(c rune) bool { return !unicode.IsDigit(c) }) >= 0) {
			l.errore(n, ColCAP, "il CAP ha 5 cifre")
		}
		key := strings.Join([]string{r.Debitore(), fmt.Sprint(r.Centesimi), r.OggettoProt, r.Causale}, "\x00")
		if prima, ok := visti[key]; ok {
			l.errore(n, "", fmt.Sprintf("duplicato della riga %d (stesso debitore, importo, oggetto e causale)", prima))
		} else {
			visti[key] = n
		}
		l.Righe = append(l.Righe, r)
	}
	if err := sh.Err(); err != nil {
		if errors.Is(err, tabelle.ErrTooManyRows) {
			return &Lettura{Errori: []flussi.ErroreRiga{{Motivo: fmt.Sprintf("il file ha più di %d righe: dividerlo in più invii", MaxRighe)}}}, nil
		}
		return nil, err
	}
	if len(l.Righe) == 0 && len(l.Errori) == 0 {
		l.errore(0, "", "nessuna riga di dati")
	}
	if len(l.Errori) > 0 {
		l.Righe = nil
	}
	return l, nil
}

func (l *Lettura) errore(riga int, colonna, motivo string) *Lettura {
	l.Errori = append(l.Errori, flussi.ErroreRiga{Riga: riga, Colonna: colonna, Motivo: motivo})
	return l
}

// chiave matches header cells: lower case letters and digits only.
func chiave(s string) string {
	return strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// ScriviTracciato writes TracciatoInvioMassivo.xlsx: the columns, with two
// example rows (a person and a company) that Leggi accepts.
func ScriviTracciato(w io.Writer) error {
	cols := make([]tabelle.Column, len(colonne))
	for i, c := range colonne {
		cols[i] = tabelle.Column{Title: c}
	}
	esempi := [][]string{
		{"Giulia Brambilla", "BRMGLI85M41M052S", "", "234,50", "", "", "giulia.brambilla@example.it",
			"Via Vittorio Emanuele 12", "20871", "Vimercate", "MB"},
		{"Autotrasporti Colombo S.r.l.", "", "02026620969", "1.250,00", "Occupazione suolo pubblico 2027",
			"COSAP 2027 passo carraio", "autotrasporticolombo@pec.example.it", "Via Milano 8", "20871", "Vimercate", "MB"},
	}
	return tabelle.WriteXLSX(w, "TracciatoInvioMassivo", cols, tabelle.SliceRows(esempi))
}
