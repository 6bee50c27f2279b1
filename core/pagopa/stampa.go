package pagopa

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/boombuler/barcode"
	"github.com/sportello/sportello/core/internal/pdfcaratteri"
)

// Ente is the creditor as the notice prints it.
type Ente struct {
	Nome          string // "Comune di Vimercate"
	CodiceFiscale string // 11 digits
	Settore       string // "Ufficio Tributi"
	Info          string // web site, e-mail, phone: one line
	CBILL         string // the ente's CBILL code, if it has one
	Logo          []byte // PNG or JPEG, optional
}

// Debitore is the person or company the notice is addressed to.
type Debitore struct {
	Nome          string
	CodiceFiscale string   // or partita IVA
	Indirizzo     []string // up to three lines
}

// Avviso is one pagoPA payment notice to print.
type Avviso struct {
	Ente         Ente
	Debitore     Debitore
	Oggetto      string
	Centesimi    int64
	Scadenza     time.Time
	CodiceAvviso string
	// ContoPostale, when set, adds the Poste section with its DataMatrix.
	ContoPostale      string
	IntestatarioConto string
	// Emesso dates the PDF; the same notice printed twice is then the same
	// bytes (its fingerprint is registered in the protocol). Zero: now.
	Emesso time.Time
}

func (a Avviso) valida() error {
	var errs []error
	if err := ValidaCodiceAvviso(a.CodiceAvviso); err != nil {
		errs = append(errs, fmt.Errorf("codice avviso: %w", err))
	}
	if len(a.Ente.CodiceFiscale) != 11 {
		errs = append(errs, errors.New("codice fiscale dell'ente: servono 11 cifre"))
	}
	if a.Centesimi <= 0 {
		errs = append(errs, errors.New("importo: deve essere maggiore di zero"))
	}
	if strings.TrimSpace(a.Debitore.Nome) == "" || strings.TrimSpace(a.Debitore.CodiceFiscale) == "" {
		errs = append(errs, errors.New("destinatario: nome e codice fiscale obbligatori"))
	}
	return errors.Join(errs...)
}

const (
	margine   = 12.0
	larghezza = 210.0 - 2*margine
	latoQR    = 25.0 // mm, as pagoPA asks
	latoDM    = 22.0
	font      = pdfcaratteri.Famiglia
)

var (
	bluPA       = [3]int{0x0B, 0x5F, 0xA5}
	grigioTesto = [3]int{0x3A, 0x3F, 0x45}
)

// StampaAvviso writes the notice as a one-page A4 PDF with its fonts
// embedded, the QR code (and the Poste DataMatrix with a postal account)
// drawn as vectors so that they print sharp at any resolution.
func StampaAvviso(w io.Writer, a Avviso) error {
	c, err := pdfcaratteri.Windows1252()
	if err != nil {
		return err
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle("Avviso di pagamento "+FormattaCodiceAvviso(a.CodiceAvviso), true)
	p.SetAuthor(a.Ente.Nome, true)
	p.SetCreator("Sportello", true)
	if !a.Emesso.IsZero() {
		p.SetCreationDate(a.Emesso)
		p.SetModificationDate(a.Emesso)
		p.SetCatalogSort(true) // fonts and images in a fixed order, not a map's
	}
	c.Aggiungi(p)
	// Deflating the page content costs a compressor per document, most of
	// a notice's time, to save a few kilobytes.
	p.SetCompression(false)
	if err := DisegnaAvviso(p, c.Traduci, a); err != nil {
		return err
	}
	return p.Output(w)
}

// DisegnaAvviso adds the notice as a page of p, whose fonts are
// pdfcaratteri's (added by the caller) and tr their encoder: so that a
// cover letter and its notice can make one document.
func DisegnaAvviso(p *fpdf.Fpdf, tr func(string) string, a Avviso) error {
	if err := a.valida(); err != nil {
		return err
	}
	p.SetMargins(margine, margine, margine)
	p.SetAutoPageBreak(false, 0)
	p.AddPage()
	s := stampa{p: p, a: a, tr: tr}
	s.intestazione()
	s.parti()
	s.quantoQuando()
	s.banche()
	if a.ContoPostale != "" {
		s.poste()
	}
	return p.Error()
}

type stampa struct {
	p  *fpdf.Fpdf
	a  Avviso
	tr func(string) string // UTF-8 → the fonts' code page
}

func (s stampa) testo(size float64, bold bool, c [3]int) {
	style := ""
	if bold {
		style = "B"
	}
	s.p.SetFont(font, style, size)
	s.p.SetTextColor(c[0], c[1], c[2])
}

func (s stampa) etichetta(x, y, w float64, label, value string, size float64) {
	s.p.SetXY(x, y)
	s.testo(7, false, grigioTesto)
	s.p.CellFormat(w, 3.5, s.tr(label), "", 2, "L", false, 0, "")
	s.p.SetX(x)
	s.testo(size, true, [3]int{0, 0, 0})
	s.p.MultiCell(w, size*0.45, s.tr(value), "", "L", false)
}

func (s stampa) intestazione() {
	p, a := s.p, s.a
	s.testo(18, true, bluPA)
	p.SetXY(margine, margine)
	p.CellFormat(120, 9, s.tr("AVVISO DI PAGAMENTO"), "", 2, "L", false, 0, "")
	s.testo(11, true, [3]int{0, 0, 0})
	p.MultiCell(130, 5, s.tr(a.Oggetto), "", "L", false)
	// The pagoPA mark: a blue box with the name.
	p.SetFillColor(bluPA[0], bluPA[1], bluPA[2])
	p.Rect(margine+larghezza-32, margine, 32, 11, "F")
	s.testo(14, true, [3]int{255, 255, 255})
	p.SetXY(margine+larghezza-32, margine+1.5)
	p.CellFormat(32, 8, s.tr("pagoPA"), "", 0, "C", false, 0, "")
}

// col is the width of each of the two columns of the upper half.
const col = larghezza/2 - 3

// colonne heads the two columns of the upper half at y and returns where
// the right one starts.
func (s stampa) colonne(y float64, sinistra, destra string) (xDestra float64) {
	xDestra = margine + larghezza/2 + 3
	s.testo(8, true, bluPA)
	s.p.SetXY(margine, y)
	s.p.CellFormat(col, 5, s.tr(sinistra), "B", 0, "L", false, 0, "")
	s.p.SetXY(xDestra, y)
	s.p.CellFormat(col, 5, s.tr(destra), "B", 0, "L", false, 0, "")
	return xDestra
}

func (s stampa) parti() {
	p, a := s.p, s.a
	y := 42.0
	xDest := s.colonne(y, "ENTE CREDITORE", "DESTINATARIO AVVISO")

	x := margine
	if len(a.Ente.Logo) > 0 {
		opt := fpdf.ImageOptions{ImageType: tipoImmagine(a.Ente.Logo), ReadDpi: true}
		p.RegisterImageOptionsReader("logo", opt, bytes.NewReader(a.Ente.Logo))
		p.ImageOptions("logo", margine, y+8, 16, 0, false, opt, 0, "")
		x += 19
	}
	p.SetXY(x, y+8)
	s.testo(11, true, [3]int{0, 0, 0})
	p.MultiCell(col-(x-margine), 5, s.tr(a.Ente.Nome), "", "L", false)
	s.testo(9, false, grigioTesto)
	for _, l := range []string{a.Ente.Settore, a.Ente.Info, "Codice fiscale " + a.Ente.CodiceFiscale} {
		if l != "" {
			p.SetX(x)
			p.MultiCell(col-(x-margine), 4.5, s.tr(l), "", "L", false)
		}
	}

	p.SetXY(xDest, y+8)
	s.testo(11, true, [3]int{0, 0, 0})
	p.MultiCell(col, 5, s.tr(a.Debitore.Nome), "", "L", false)
	s.testo(9, false, grigioTesto)
	p.SetX(xDest)
	p.MultiCell(col, 4.5, s.tr("Codice fiscale "+a.Debitore.CodiceFiscale), "", "L", false)
	for _, l := range a.Debitore.Indirizzo {
		p.SetX(xDest)
		p.MultiCell(col, 4.5, s.tr(l), "", "L", false)
	}
}

func (s stampa) quantoQuando() {
	p, a := s.p, s.a
	y := 88.0
	xDove := s.colonne(y, "QUANTO E QUANDO PAGARE?", "DOVE PAGARE?")

	p.SetXY(margine, y+8)
	s.testo(20, true, [3]int{0, 0, 0})
	p.CellFormat(col, 9, s.tr(FormattaImporto(a.Centesimi)+" Euro"), "", 2, "L", false, 0, "")
	s.testo(11, true, [3]int{0, 0, 0})
	p.CellFormat(col, 6, s.tr("entro il "+a.Scadenza.Format("02/01/2006")), "", 2, "L", false, 0, "")
	p.Ln(2)
	s.testo(8, false, grigioTesto)
	p.MultiCell(col, 3.8, s.tr("Puoi pagare l'avviso in un'unica soluzione. L'importo è aggiornato automaticamente dal "+
		"sistema e potrebbe subire variazioni per eventuali sgravi, note di credito, indennità di mora, sanzioni o "+
		"interessi. Un operatore, il sito o l'app che userai potrebbero quindi chiederti una cifra diversa da quella "+
		"qui indicata."), "", "L", false)

	p.SetXY(xDove, y+8)
	s.testo(9, true, [3]int{0, 0, 0})
	p.MultiCell(col, 4.5, s.tr("PAGA SUL SITO O CON LE APP"), "", "L", false)
	s.testo(8, false, grigioTesto)
	p.SetX(xDove)
	p.MultiCell(col, 3.8, s.tr("dell'ente creditore, di Poste Italiane, della tua banca o degli altri canali di pagamento. "+
		"Potrai pagare con carte, conto corrente, CBILL."), "", "L", false)
	p.Ln(2)
	p.SetX(xDove)
	s.testo(9, true, [3]int{0, 0, 0})
	p.MultiCell(col, 4.5, s.tr("PAGA SUL TERRITORIO"), "", "L", false)
	s.testo(8, false, grigioTesto)
	p.SetX(xDove)
	p.MultiCell(col, 3.8, s.tr("in tutti gli uffici postali, in banca, in ricevitoria, dal tabaccaio, al bancomat, al supermercato. "+
		"Potrai pagare in contanti, con carte o conto corrente."), "", "L", false)

	p.SetXY(margine, 150)
	s.testo(9, true, bluPA)
	p.CellFormat(larghezza, 6, s.tr("Utilizza la porzione di avviso relativa al canale di pagamento che preferisci."), "", 0, "C", false, 0, "")
}

func (s stampa) banche() {
	a := s.a
	y := 160.0
	s.sezione(y, 62, "BANCHE E ALTRI CANALI", "Qui accanto trovi il codice QR e il codice interbancario CBILL per pagare attraverso il circuito bancario e gli altri canali di pagamento abilitati.")
	s.simbolo(codiceQR, StringaQR(a.CodiceAvviso, a.Ente.CodiceFiscale, a.Centesimi), margine+4, y+16, latoQR)

	x := margine + latoQR + 12
	w := larghezza - (x - margine) - 4
	s.etichetta(x, y+14, w*0.7, "Destinatario", a.Debitore.Nome, 9)
	s.etichetta(x+w*0.7, y+14, w*0.3, "Euro", FormattaImporto(a.Centesimi), 11)
	s.etichetta(x, y+24, w, "Ente creditore", a.Ente.Nome, 9)
	s.etichetta(x, y+34, w, "Oggetto del pagamento", a.Oggetto, 9)
	third := w / 3
	cbill := a.Ente.CBILL
	if cbill == "" {
		cbill = "—"
	}
	s.etichetta(x, y+48, third, "Codice CBILL", cbill, 10)
	s.etichetta(x+third, y+48, third+6, "Codice avviso", FormattaCodiceAvviso(a.CodiceAvviso), 10)
	s.etichetta(x+2*third+6, y+48, third-6, "Cod. fiscale ente creditore", a.Ente.CodiceFiscale, 10)
}

func (s stampa) poste() {
	a := s.a
	y := 226.0
	s.sezione(y, 60, "BOLLETTINO POSTALE PA", "Il bollettino postale si può pagare in tutti gli uffici postali, con l'app di Poste Italiane e sul sito poste.it.")
	dm := StringaDataMatrix(DatiPoste{CodiceAvviso: a.CodiceAvviso, ContoPostale: a.ContoPostale, Centesimi: a.Centesimi,
		CFEnte: a.Ente.CodiceFiscale, CFDebitore: a.Debitore.CodiceFiscale, Debitore: a.Debitore.Nome, Oggetto: a.Oggetto})
	s.simbolo(codiceDataMatrix, dm, margine+5, y+16, latoDM)

	x := margine + latoQR + 12
	w := larghezza - (x - margine) - 4
	intestatario := a.IntestatarioConto
	if intestatario == "" {
		intestatario = a.Ente.Nome
	}
	s.etichetta(x, y+14, w*0.7, "sul C/C n.", a.ContoPostale, 10)
	s.etichetta(x+w*0.7, y+14, w*0.3, "Euro", FormattaImporto(a.Centesimi), 11)
	s.etichetta(x, y+24, w, "Intestato a", intestatario, 9)
	s.etichetta(x, y+34, w*0.7, "Destinatario", a.Debitore.Nome, 9)
	s.etichetta(x+w*0.7, y+34, w*0.3, "Tipo", "P.A.", 9)
	third := w / 3
	s.etichetta(x, y+46, third+6, "Codice avviso", FormattaCodiceAvviso(a.CodiceAvviso), 10)
	s.etichetta(x+third+6, y+46, third, "Tipo documento", "896", 10)
	s.etichetta(x+2*third+6, y+46, third-6, "Cod. fiscale ente creditore", a.Ente.CodiceFiscale, 10)
}

// sezione draws a framed section with its title band.
func (s stampa) sezione(y, h float64, titolo, nota string) {
	p := s.p
	p.SetDrawColor(bluPA[0], bluPA[1], bluPA[2])
	p.SetLineWidth(0.3)
	p.Rect(margine, y, larghezza, h, "D")
	p.SetFillColor(0xE6, 0xEF, 0xF7)
	p.Rect(margine, y, larghezza, 10, "F")
	p.SetXY(margine+3, y+1)
	s.testo(10, true, bluPA)
	p.CellFormat(70, 8, s.tr(titolo), "", 0, "L", false, 0, "")
	p.SetXY(margine+75, y+1.2)
	s.testo(7, false, grigioTesto)
	p.MultiCell(larghezza-78, 3.3, s.tr(nota), "", "L", false)
}

// simbolo draws a 2D barcode as filled squares, side mm wide, with a
// white quiet zone around it.
func (s stampa) simbolo(encode func(string) (barcode.Barcode, error), content string, x, y, side float64) {
	p := s.p
	code, err := encode(content)
	if err != nil {
		p.SetError(fmt.Errorf("codice a barre: %w", err))
		return
	}
	b := code.Bounds()
	n := b.Dx()
	m := side / float64(n)
	p.SetFillColor(0, 0, 0)
	for j := b.Min.Y; j < b.Max.Y; j++ {
		// One rectangle per run of dark modules on a row: a tenth of the
		// drawing operations of one square per module.
		for i := b.Min.X; i < b.Max.X; {
			if !scuro(code, i, j) {
				i++
				continue
			}
			start := i
			for i < b.Max.X && scuro(code, i, j) {
				i++
			}
			p.Rect(x+float64(start-b.Min.X)*m, y+float64(j-b.Min.Y)*m, float64(i-start)*m, m, "F")
		}
	}
}

func scuro(code barcode.Barcode, x, y int) bool {
	r, _, _, _ := code.At(x, y).RGBA()
	return r < 0x8000
}

func tipoImmagine(b []byte) string {
	if bytes.HasPrefix(b, []byte("\x89PNG")) {
		return "PNG"
	}
	return "JPG"
}
