// Package cassa reads the treasury cash journal (giornale di cassa) an ente
// receives from its treasurer bank, in every form it comes in: the OPI XML
// of SIOPE+ (schema 1.4, 1.6.1, 1.7.1 and 1.8), or a bank statement table
// as an old Excel .xls, an Excel .xlsx or a CSV file. The format is
// recognised from the content, never from the file name.
//
// Only the credits the reconciliation needs are handed on: in OPI the
// movements ENTRATA / SOSPESO ENTRATA, ESEGUITO (insert) or STORNATO
// (delete the ESEGUITO with the same Chiave); in a table the rows with
// SEGNO "+". Everything else is validated too, and counted as discarded.
//
// Leggi streams: one Movimento at a time, in constant memory for XML and
// CSV. (A workbook is a zip or OLE2 container that must be read whole
// before its rows can be streamed.)
package cassa

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/core/tabelle"
)

// Operazione is what a kept movement does to the treasury side.
type Operazione int

const (
	// Eseguito inserts the movement.
	Eseguito Operazione = iota + 1
	// Stornato deletes the ESEGUITO movement with the same Chiave, whether
	// it comes earlier or later (in this journal or another).
	Stornato
)

func (o Operazione) String() string {
	switch o {
	case Eseguito:
		return "ESEGUITO"
	case Stornato:
		return "STORNATO"
	}
	return fmt.Sprintf("Operazione(%d)", int(o))
}

// Movimento is one kept credit of the journal.
//
// Dates are civil dates at midnight UTC.
type Movimento struct {
	// Riga is the line of <movimento_conto_evidenza> in the XML file, or
	// the sheet row (as the spreadsheet numbers it) of a table.
	Riga       int
	Operazione Operazione
	// Chiave identifies the movement across journals, so that a STORNATO
	// finds its ESEGUITO: "<esercizio>/<numero bolletta>" in OPI (the
	// bolletta without leading zeros, as SIOPE+ and MyPivot identify a
	// treasury credit); in a table, which has no bolletta,
	// "<anno>/R<hash of the row's identifying cells>".
	Chiave    string
	Esercizio int
	// NumeroBolletta is numero_bolletta_quietanza without leading zeros;
	// empty for a table.
	NumeroBolletta string
	// NumeroDocumento is numero_documento, the number of the sospeso;
	// empty for a table.
	NumeroDocumento string
	DataContabile   time.Time // data_movimento, DATA CONTABILE
	// DataValuta is data_valuta_ente (DATA VALUTA); when the journal has
	// none, DataContabile.
	DataValuta time.Time
	Importo    int64 // cents, always positive (a storno's too)
	// Causale is the full free text: causale, DESCRIZIONE ESTESA.
	Causale string
	// Cliente is who paid: anagrafica_cliente; in a table the ordering
	// party named in DESCRIZIONE ESTESA, when it names one.
	Cliente string
	// CodiceFiscaleCliente is codice_fiscale_cliente, or else
	// partita_iva_cliente (OPI only).
	CodiceFiscaleCliente string
	// ContoEvidenza is conto_evidenza (OPI) or CONTO (table).
	ContoEvidenza string
	ABI, CAB      string // CAB only in a table; ABI of the journal in OPI

	// What else identifies the movement as the bank wrote it.
	NumeroMovimento      string // numero_movimento (OPI 1.6.1 and later)
	IdentificativoFlusso string // identificativo_flusso (OPI 1.6.1 and later)
	BollettaStorno       string // numero_bolletta_quietanza_storno (OPI)
	TipoEsecuzione       string // tipo_esecuzione (OPI)
	EndToEndID           string // end_to_end_id (OPI)
	RiferimentoBanca     string // codice_riferimento_operazione (OPI), RIF. BANCA
	RiferimentoCliente   string // codice_riferimento_interno (OPI), RIF. CLIENTE
	CodiceCausale        string // CAUSALE, the bank's operation code (table)
	Descrizione          string // DESCRIZIONE, the short text (table)
	NumeroAssegno        string // NUM. ASSEGNO (table)
}

// Giornale is what a journal says about itself, and what reading it found.
type Giornale struct {
	// Formato is "OPI 1.4", "OPI 1.6.1", "OPI 1.7.1", "OPI 1.8", "XLS",
	// "XLSX" or "CSV". OPI 1.6.1, 1.7.1 and 1.8 differ only in the values
	// tipo_esecuzione admits: a journal whose values all three admit is
	// "OPI 1.6.1/1.7.1/1.8" (see Versioni).
	Formato string
	// Versioni are the OPI schema versions the journal is valid for.
	Versioni []string
	Foglio   string // the worksheet read (XLS, XLSX)

	// From the OPI header (testata_messaggio and what follows it).
	ABI                  string // codice_ABI_BT
	DataOraFlusso        time.Time
	Ente                 string // codice_ente (IPA)
	DescrizioneEnte      string
	IstatEnte            string
	CodiceFiscaleEnte    string
	TramiteEnte          string // codice_tramite_ente
	TramiteBT            string // codice_tramite_BT
	EnteBT               string // codice_ente_BT
	IdentificativoFlusso string // identificativo_flusso_BT
	Pagina, PagineTotali int    // 0 when absent (OPI 1.4)
	Esercizio            int
	DataRiferimento      time.Time // data_riferimento_GdC (1.6.1 and later)
	DataInizio, DataFine time.Time // periodo di riferimento (1.4)

	// RigheLette counts the movements (OPI) or data rows (table) read.
	RigheLette int
	// Eseguiti and Stornati count the movements handed to the callback;
	// their Totale* sum their amounts.
	Eseguiti, Stornati             int
	TotaleEseguiti, TotaleStornati int64
	// Scartate counts the movements not kept, by kind: "USCITA MANDATO
	// ESEGUITO", "ENTRATA SOSPESO ENTRATA REGOLARIZZATO", "USCITA" (a
	// table row with SEGNO "-")...
	Scartate map[string]int
}

// Tenute is how many movements were handed to the callback.
func (g Giornale) Tenute() int { return g.Eseguiti + g.Stornati }

func (g *Giornale) scarta(tipo string) {
	if g.Scartate == nil {
		g.Scartate = map[string]int{}
	}
	g.Scartate[tipo]++
}

func (g *Giornale) tieni(m Movimento) {
	if m.Operazione == Stornato {
		g.Stornati++
		g.TotaleStornati += m.Importo
	} else {
		g.Eseguiti++
		g.TotaleEseguiti += m.Importo
	}
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// Leggi reads a cash journal in any of its formats, recognised from the
// content, and calls fn for each kept movement in file order. It checks
// the whole file, so a nil error means every movement handed to fn is
// good; otherwise it returns tracciato.Errori naming the lines (or rows)
// and elements at fault, an error wrapping tracciato.ErrFormato for a file
// that is no cash journal at all, or the error fn returned (which stops
// the reading). The caller keeps fn's work only when Leggi returns nil.
func Leggi(r io.Reader, fn func(Movimento) error) (Giornale, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(len(oleMagic))
	if err != nil && err != io.EOF {
		return Giornale{}, err
	}
	switch {
	case len(head) == 0:
		return Giornale{}, fmt.Errorf("%w: il file è vuoto", tracciato.ErrFormato)
	case bytes.Equal(head, oleMagic):
		return leggiXLS(br, fn)
	case bytes.HasPrefix(head, zipMagic):
		return leggiTabella(br, "XLSX", fn)
	case sembraXML(br):
		return leggiOPI(br, fn)
	}
	return leggiTabella(br, "CSV", fn)
}

// LeggiFile is Leggi on a file.
func LeggiFile(path string, fn func(Movimento) error) (Giornale, error) {
	f, err := os.Open(path)
	if err != nil {
		return Giornale{}, err
	}
	defer f.Close()
	return Leggi(f, fn)
}

// sembraXML reports whether the text starts, after a byte order mark and
// blanks, with a tag.
func sembraXML(br *bufio.Reader) bool {
	b, _ := br.Peek(4096)
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// formato wraps a reason for refusing the whole file.
func formato(motivo string, args ...any) error {
	return fmt.Errorf("%w: %s", tracciato.ErrFormato, fmt.Sprintf(motivo, args...))
}

// tronca keeps the first tracciato.MaxErrori errors (a row or an element
// may add a few past the limit).
func tronca(e tracciato.Errori) tracciato.Errori {
	if len(e) > tracciato.MaxErrori {
		return e[:tracciato.MaxErrori]
	}
	return e
}

// tabelleFormato turns what tabelle.Read refuses into a format error.
func tabelleFormato(err error) error {
	switch {
	case errors.Is(err, tabelle.ErrEmpty):
		return formato("il file è vuoto")
	case errors.Is(err, tabelle.ErrNotSpreadsheet), errors.Is(err, tabelle.ErrNotUTF8), errors.Is(err, tabelle.ErrEncrypted):
		return fmt.Errorf("%w: %v", tracciato.ErrFormato, err)
	}
	return err
}
