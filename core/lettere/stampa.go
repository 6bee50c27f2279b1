package lettere

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/sportello/sportello/core/internal/pdfcaratteri"
)

// Ente is the sender as the letter's header prints it.
type Ente struct {
	Nome          string // "Comune di Vimercate"
	CodiceFiscale string
	Settore       string // "Servizi scolastici"
	Indirizzo     string // one line: "Piazza Unità d'Italia 1, 20871 Vimercate (MB)"
	PEC           string
	// Luogo is the place of the date line ("Vimercate, 01/12/2026");
	// empty: Nome without "Comune di".
	Luogo string
}

func (e Ente) luogo() string {
	if e.Luogo != "" {
		return e.Luogo
	}
	for _, p := range []string{"Comune di ", "Città di ", "Citta di ", "Comune della ", "Città della "} {
		if len(e.Nome) > len(p) && strings.EqualFold(e.Nome[:len(p)], p) {
			return strings.TrimSpace(e.Nome[len(p):])
		}
	}
	return ""
}

// Destinatario is who the letter goes to.
type Destinatario struct {
	Nome      string
	Indirizzo string
	CAP       string
	Comune    string
	Provincia string
	PEC       string // the letter goes by PEC to this address…
	Email     string // …or by ordinary e-mail to this one
}

// Lettera is one cover letter ready to print.
type Lettera struct {
	Ente         Ente
	Destinatario Destinatario
	// NumeroProtocollo ("2026/0000123") and DataProtocollo fill the
	// protocol box; no box when empty.
	NumeroProtocollo string
	DataProtocollo   time.Time
	Data             time.Time // of the letter; zero: today
	Oggetto          string
	Testo            string // paragraphs on their lines; lines starting "- " are a list
	Firma            string // one or more lines; empty: FirmaPredefinita
}

// Prepara composes the letter of one debtor: the template filled with d,
// the ente, the recipient and the protocol from d.
func Prepara(m Modello, d Dati) (Lettera, error) {
	oggetto, testo, err := Componi(m, d)
	if err != nil {
		return Lettera{}, err
	}
	dest := Destinatario{Nome: d.Intestazione, Indirizzo: d.Indirizzo, CAP: d.CAP, Comune: d.Comune, Provincia: d.Provincia}
	if viaPEC(d.Spedizione, d.IndirizzoPec) {
		dest.PEC = d.IndirizzoPec
	} else {
		dest.Email = d.IndirizzoPec
	}
	return Lettera{Ente: d.Ente, Destinatario: dest, NumeroProtocollo: d.NumeroProtocollo, DataProtocollo: d.DataProtocollo,
		Data: d.oggi(), Oggetto: oggetto, Testo: testo, Firma: m.firma(d)}, nil
}

// viaPEC: the batch's way of sending, or, unsaid, a PEC domain.
func viaPEC(spedizione, indirizzo string) bool {
	switch strings.ToUpper(spedizione) {
	case "PEC":
		return true
	case "EMAIL", "E-MAIL", "MAIL":
		return false
	}
	_, dominio, _ := strings.Cut(strings.ToLower(indirizzo), "@")
	return strings.Contains(dominio, "pec") || strings.Contains(dominio, "legalmail") || strings.Contains(dominio, "postacert")
}

func (l Lettera) valida() error {
	var errs []error
	if strings.TrimSpace(l.Ente.Nome) == "" {
		errs = append(errs, errors.New("ente: denominazione obbligatoria (Impostazioni → Ente)"))
	}
	if strings.TrimSpace(l.Destinatario.Nome) == "" {
		errs = append(errs, errors.New("destinatario: nome obbligatorio"))
	}
	if strings.TrimSpace(l.Oggetto) == "" {
		errs = append(errs, errors.New("oggetto: obbligatorio"))
	}
	if strings.TrimSpace(l.Testo) == "" {
		errs = append(errs, errors.New("testo: obbligatorio"))
	}
	return errors.Join(errs...)
}

const (
	margine      = 20.0
	margineAlto  = 15.0
	margineBasso = 20.0
	larghezza    = 210.0 - 2*margine
	altezzaA4    = 297.0
	interlinea   = 5.5 // mm, for the 11-point body
	colonnaDest  = 110.0
	larghezzaDx  = 210.0 - margine - colonnaDest
	font         = pdfcaratteri.Famiglia
)

var (
	blu         = [3]int{0x0B, 0x5F, 0xA5}
	grigioTesto = [3]int{0x3A, 0x3F, 0x45}
	nero        = [3]int{0, 0, 0}
)

// StampaLettera writes the letter as an A4 PDF (as many pages as the
// body needs) with its fonts embedded: the ente's header, the protocol
// box, the recipient, place and date, the subject, the body and the
// signature; pages numbered when more than one. The fonts are prepared
// once per process, so that letters of a large batch print quickly, also
// from several goroutines at once.
func StampaLettera(w io.Writer, l Lettera) error {
	return StampaLetteraCon(w, l, nil)
}

// StampaLetteraCon is StampaLettera with more pages after the letter:
// allegati draws them (a payment notice: pagopa.DisegnaAvviso) with the
// same fonts, so that one PDF holds the letter and what it accompanies.
func StampaLetteraCon(w io.Writer, l Lettera, allegati func(p *fpdf.Fpdf, tr func(string) string) error) error {
	c, err := pdfcaratteri.Windows1252()
	if err != nil {
		return err
	}
	return stampa(w, l, c, allegati)
}

func stampa(w io.Writer, l Lettera, c *pdfcaratteri.Caratteri, allegati func(p *fpdf.Fpdf, tr func(string) string) error) error {
	return stampaCon(w, l, func(p *fpdf.Fpdf) func(string) string {
		c.Aggiungi(p)
		return c.Traduci
	}, allegati)
}

// stampaCon prints with the fonts that caratteri adds to the document
// (regular and bold of family font) and their text encoder.
func stampaCon(w io.Writer, l Lettera, caratteri func(p *fpdf.Fpdf) func(string) string,
	allegati func(p *fpdf.Fpdf, tr func(string) string) error) error {
	if err := l.valida(); err != nil {
		return err
	}
	if l.Data.IsZero() {
		l.Data = time.Now()
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle(l.Oggetto, true)
	p.SetAuthor(l.Ente.Nome, true)
	p.SetCreator("Sportello", true)
	p.SetLang("it-IT")
	tr := caratteri(p)
	p.SetMargins(margine, margineAlto, margine)
	p.SetAutoPageBreak(true, margineBasso)
	// Deflating the page content costs a compressor per document (most of
	// a letter's time, as for the notices) to save a few kilobytes on
	// the font.
	p.SetCompression(false)
	s := &lettera{p: p, l: l, tr: tr}
	p.SetFooterFuncLpi(s.piede)
	p.AddPage()
	s.intestazione()
	s.protocolloEDestinatario()
	s.oggetto()
	s.corpo()
	s.firma()
	s.pagine = p.PageNo()
	p.RegisterAlias(aliasPagine, strconv.Itoa(s.pagine))
	if allegati != nil {
		if err := allegati(p, tr); err != nil {
			return err
		}
	}
	if err := p.Error(); err != nil {
		return err
	}
	return p.Output(w)
}

type lettera struct {
	p  *fpdf.Fpdf
	l  Lettera
	tr func(string) string // UTF-8 → the fonts' code page
	// pagine are the letter's own pages, once it is drawn: attachments
	// may follow, whose pages are not the letter's to number.
	pagine int
}

// aliasPagine stands for the letter's page count until it is known.
const aliasPagine = "{pl}"

func (s lettera) testo(size float64, bold bool, c [3]int) {
	style := ""
	if bold {
		style = "B"
	}
	s.p.SetFont(font, style, size)
	s.p.SetTextColor(c[0], c[1], c[2])
}

// righe writes lines in a column starting at x, each wrapped to w.
func (s lettera) righe(x, w, h float64, righe ...string) {
	for _, r := range righe {
		if strings.TrimSpace(r) == "" {
			continue
		}
		s.p.SetX(x)
		s.p.MultiCell(w, h, s.tr(r), "", "L", false)
	}
}

func (s lettera) intestazione() {
	p, e := s.p, s.l.Ente
	p.SetXY(margine, margineAlto)
	s.testo(15, true, blu)
	s.righe(margine, larghezza, 7, e.Nome)
	s.testo(10, true, grigioTesto)
	s.righe(margine, larghezza, 5, e.Settore)
	s.testo(9, false, grigioTesto)
	var dati []string
	if e.CodiceFiscale != "" {
		dati = append(dati, "C.F. "+e.CodiceFiscale)
	}
	if e.PEC != "" {
		dati = append(dati, "PEC "+e.PEC)
	}
	s.righe(margine, larghezza, 4.5, e.Indirizzo, strings.Join(dati, "  ·  "))
	y := p.GetY() + 2
	p.SetDrawColor(blu[0], blu[1], blu[2])
	p.SetLineWidth(0.4)
	p.Line(margine, y, margine+larghezza, y)
	p.SetY(y + 8)
}

// protocolloEDestinatario puts the protocol box on the left and the
// recipient on the right, then the place and date under both.
func (s lettera) protocolloEDestinatario() {
	p, l := s.p, s.l
	y := p.GetY()
	yFine := y
	if l.NumeroProtocollo != "" {
		etichetta := "Prot. n. " + l.NumeroProtocollo
		if !l.DataProtocollo.IsZero() {
			etichetta += " del " + l.DataProtocollo.In(roma).Format(formatoData)
		}
		s.testo(10, true, nero)
		p.SetDrawColor(grigioTesto[0], grigioTesto[1], grigioTesto[2])
		p.SetLineWidth(0.2)
		p.SetXY(margine, y)
		p.CellFormat(min(p.GetStringWidth(s.tr(etichetta))+6, colonnaDest-margine-8), 8, s.tr(etichetta), "1", 2, "L", false, 0, "")
		yFine = p.GetY()
	}

	d := l.Destinatario
	p.SetXY(colonnaDest, y)
	s.testo(8, false, grigioTesto)
	s.righe(colonnaDest, larghezzaDx, 4, "Spett.le")
	s.testo(11, true, nero)
	s.righe(colonnaDest, larghezzaDx, 5.5, d.Nome)
	s.testo(10, false, nero)
	luogo := strings.TrimSpace(d.CAP + " " + d.Comune)
	if d.Provincia != "" {
		luogo = strings.TrimSpace(luogo + " (" + d.Provincia + ")")
	}
	recapito := ""
	switch {
	case d.PEC != "":
		recapito = "PEC: " + d.PEC
	case d.Email != "":
		recapito = "E-mail: " + d.Email
	}
	s.righe(colonnaDest, larghezzaDx, 5, d.Indirizzo, luogo, recapito)
	yFine = max(yFine, p.GetY())

	p.SetY(yFine + 10)
	data := l.Data.In(roma).Format(formatoData)
	if luogo := l.Ente.luogo(); luogo != "" {
		data = luogo + ", " + data
	}
	s.testo(10, false, nero)
	s.righe(margine, larghezza, 5, data)
	p.Ln(6)
}

func (s lettera) oggetto() {
	s.testo(11, true, nero)
	s.righe(margine, larghezza, interlinea, "Oggetto: "+s.l.Oggetto)
	s.p.Ln(5)
}

// corpo writes the body: one paragraph per line (justified), a blank
// line as a gap, "- " or "• " items as a bulleted list.
func (s lettera) corpo() {
	p := s.p
	s.testo(11, false, nero)
	testo := strings.NewReplacer("\r\n", "\n", "\t", "    ").Replace(s.l.Testo)
	for _, r := range strings.Split(testo, "\n") {
		r = strings.TrimRight(r, " \r")
		if strings.TrimSpace(r) == "" {
			p.Ln(interlinea * 0.6)
			continue
		}
		voce, ok := strings.CutPrefix(strings.TrimLeft(r, " \t"), "- ")
		if !ok {
			voce, ok = strings.CutPrefix(strings.TrimLeft(r, " \t"), "• ")
		}
		if ok {
			p.SetX(margine + 3)
			p.CellFormat(5, interlinea, s.tr("•"), "", 0, "L", false, 0, "")
			p.MultiCell(larghezza-8, interlinea, s.tr(strings.TrimSpace(voce)), "", "J", false)
			continue
		}
		p.SetX(margine)
		p.MultiCell(larghezza, interlinea, s.tr(r), "", "J", false)
	}
}

// firma writes the signature lines centred in the right column, moving
// them whole to a new page when they do not fit under the body.
func (s lettera) firma() {
	p := s.p
	firma := strings.TrimSpace(s.l.Firma)
	if firma == "" {
		firma = FirmaPredefinita
	}
	righe := strings.Split(firma, "\n")
	serve := 10 + float64(len(righe))*interlinea
	if p.GetY()+serve > altezzaA4-margineBasso {
		p.AddPage()
	}
	p.Ln(10)
	s.testo(11, false, nero)
	x := margine + larghezza - 80
	for _, r := range righe {
		p.SetX(x)
		p.MultiCell(80, interlinea, s.tr(strings.TrimSpace(r)), "", "C", false)
	}
}

// piede numbers the pages of a letter longer than one.
func (s *lettera) piede(ultima bool) {
	p := s.p
	n := p.PageNo()
	if s.pagine > 0 && n > s.pagine || s.pagine == 1 || ultima && n == 1 {
		return // an attachment's page, or a one-page letter
	}
	p.SetY(-12)
	s.testo(8, false, grigioTesto)
	p.CellFormat(larghezza/2, 4, s.tr(s.l.Ente.Nome), "", 0, "L", false, 0, "")
	p.CellFormat(larghezza/2, 4, s.tr("Pagina ")+strconv.Itoa(p.PageNo())+s.tr(" di "+aliasPagine), "", 0, "R", false, 0, "")
}
