package fdr

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Leggi reads a FlussoRiversamento XML (schema 1.0.4 or p4pa, detected
// from the content; also base64 inside a SOAP nodoChiediFlussoRendicontazione
// response), calling fn for each payment, in file order, as soon as it is
// read: nothing but the header is kept, whatever the file's size.
//
// Every schema rule is checked except the order of the elements; the
// declared count and total are checked against the payments at the end.
// One tolerance: a revoked payment (esito 3) may have a negative amount,
// which both schemas forbid but flows carry (it then counts negative in
// the total).
// On any problem Leggi returns tracciato.Errori (or an error wrapping
// tracciato.ErrFormato for a file that is not a reporting flow): the
// payments already passed to fn must then be discarded. Once a problem is
// found fn is not called any more, but reading goes on to report the
// others. An error from fn stops reading and is returned as is.
//
// The Flusso is returned also with an error, filled as far as read.
func Leggi(r io.Reader, fn func(Pagamento) error) (Flusso, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	l := nuovoLettore(br, fn)
	start, err := l.radice()
	if err != nil {
		return Flusso{}, err
	}
	switch {
	case start.Name.Local == "FlussoRiversamento" && start.Name.Space == Namespace:
		return l.leggi(start)
	case start.Name.Local == "FlussoRiversamento":
		return Flusso{}, fmt.Errorf("%w: <FlussoRiversamento> ha namespace %q, atteso %q", tracciato.ErrFormato, start.Name.Space, Namespace)
	case start.Name.Local == "Envelope" && (start.Name.Space == nsSOAP11 || start.Name.Space == nsSOAP12):
		if l.convertito != "" {
			return Flusso{}, fmt.Errorf("%w: busta SOAP in codifica %s: è ammessa solo UTF-8", tracciato.ErrFormato, l.convertito)
		}
		inner, err := l.busta()
		if err != nil {
			return Flusso{}, err
		}
		li := nuovoLettore(bufio.NewReaderSize(inner, 64<<10), fn)
		li.busta64 = true
		start, err := li.radice()
		if err != nil {
			return Flusso{}, fmt.Errorf("flusso in base64 nella risposta SOAP: %w", err)
		}
		if start.Name.Local != "FlussoRiversamento" || start.Name.Space != Namespace {
			return Flusso{}, fmt.Errorf("%w: xmlRendicontazione contiene <%s> (namespace %q), atteso <FlussoRiversamento> di %q",
				tracciato.ErrFormato, start.Name.Local, start.Name.Space, Namespace)
		}
		return li.leggi(start)
	}
	return Flusso{}, fmt.Errorf("%w: l'elemento radice è <%s>, atteso <FlussoRiversamento> (flusso di rendicontazione pagoPA)", tracciato.ErrFormato, start.Name.Local)
}

const (
	spaziXML = " \t\r\n"
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
	// maxTesto bounds the text kept of one element: the longest the
	// schema admits is 140 characters.
	maxTesto = 1024
)

// errStop ends reading once MaxErrori problems are collected or the XML
// cannot be read further; the problems are in lettore.errs.
var errStop = errors.New("stop")

type lettore struct {
	dec        *xml.Decoder
	br         *bufio.Reader
	fn         func(Pagamento) error
	errs       tracciato.Errori
	convertito string // the charset converted from, if not UTF-8
	busta64    bool   // the flow comes from a SOAP envelope's base64

	f            Flusso
	p4pa         bool  // a p4pa-only element or code was seen
	n            int64 // datiSingoliPagamenti read
	somma        int64
	sommaValida  bool    // every amount read was valid
	pag          []campo // the fields of one payment, reused
	totaleValido bool
	rigaRadice   int
	testoBuffer  []byte
}

func nuovoLettore(br *bufio.Reader, fn func(Pagamento) error) *lettore {
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		br.Discard(3) // the decoder does not expect a byte order mark
	}
	// br is an io.ByteReader, so the decoder reads from it directly with
	// no buffer of its own: busta relies on it.
	l := &lettore{dec: xml.NewDecoder(br), br: br, fn: fn, sommaValida: true}
	l.dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		var cm *charmap.Charmap
		switch strings.ToLower(label) {
		case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
			cm = charmap.ISO8859_1
		case "iso-8859-15", "iso8859-15", "latin9":
			cm = charmap.ISO8859_15
		case "windows-1252", "cp1252":
			cm = charmap.Windows1252
		default:
			return nil, fmt.Errorf("codifica %q non supportata (ammesse UTF-8, ISO-8859-1, ISO-8859-15, windows-1252)", label)
		}
		l.convertito = label
		return cm.NewDecoder().Reader(in), nil
	}
	l.pag = []campo{
		{nome: "identificativoUnivocoVersamento"},
		{nome: "identificativoUnivocoRiscossione"},
		{nome: "indiceDatiSingoloPagamento"},
		{nome: "singoloImportoPagato"},
		{nome: "codiceEsitoSingoloPagamento"},
		{nome: "dataEsitoSingoloPagamento"},
	}
	return l
}

func (l *lettore) riga() int {
	line, _ := l.dec.InputPos()
	return line
}

// errore records a problem; it returns errStop when there are too many.
func (l *lettore) errore(riga int, elemento, motivo string) error {
	if l.errs.Aggiungi(riga, elemento, motivo) {
		return errStop
	}
	return nil
}

// sintassi turns an error of the decoder into the reason reading stops.
func (l *lettore) sintassi(err error) error {
	var se *xml.SyntaxError
	var ce base64Errato
	if msg, ok := errBase64(err); ok {
		err = base64Errato(msg)
	}
	switch {
	case errors.As(err, &se):
		msg := se.Msg
		switch msg {
		case "unexpected EOF":
			msg = "il file è troncato"
		case "invalid UTF-8":
			msg = "testo non in UTF-8: un file in un'altra codifica (es. ISO-8859-1) deve dichiararla in <?xml … encoding=\"…\"?>"
		}
		l.errs = append(l.errs, tracciato.ErrRiga{Riga: se.Line, Motivo: "XML non valido: " + msg})
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		l.errs = append(l.errs, tracciato.ErrRiga{Riga: l.riga(), Motivo: "il file è troncato"})
	case errors.As(err, &ce):
		l.errs = append(l.errs, tracciato.ErrRiga{Elemento: "xmlRendicontazione", Motivo: ce.Error()})
	default:
		return fmt.Errorf("lettura del flusso di rendicontazione: %w", err)
	}
	return errStop
}

// radice skips the prolog up to the root element.
func (l *lettore) radice() (xml.StartElement, error) {
	for {
		tok, err := l.dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: il file è vuoto", tracciato.ErrFormato)
		}
		var be base64Errato
		if msg, ok := errBase64(err); ok {
			return xml.StartElement{}, fmt.Errorf("%w: %s", tracciato.ErrFormato, msg)
		} else if errors.As(err, &be) {
			return xml.StartElement{}, fmt.Errorf("%w: %s", tracciato.ErrFormato, be)
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w: non è un file XML leggibile (riga %d: %v)", tracciato.ErrFormato, l.riga(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(bytes.Trim(t, spaziXML)) > 0 {
				return xml.StartElement{}, fmt.Errorf("%w: non è un file XML (testo prima dell'elemento radice)", tracciato.ErrFormato)
			}
		}
	}
}

// campo is an element of a sequence: a simple one keeps its text, a
// complex one is read by leggi.
type campo struct {
	nome        string
	leggi       func(xml.StartElement, int) error
	ripetibile  bool
	testo       string
	controllato bool
	riga        int
	visto       bool
}

func trova(campi []campo, nome string) *campo {
	for i := range campi {
		if campi[i].nome == nome {
			return &campi[i]
		}
	}
	return nil
}

// figli reads the content of padre, already opened, up to its end tag:
// each child must be one of campi, at most once unless ripetibile.
func (l *lettore) figli(padre xml.StartElement, campi []campo) error {
	for {
		tok, err := l.dec.Token()
		if err != nil {
			return l.sintassi(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			riga := l.riga()
			c := trova(campi, t.Name.Local)
			if c == nil || t.Name.Space != Namespace {
				motivo := "elemento non previsto in <" + padre.Name.Local + ">"
				if c != nil || t.Name.Space != Namespace && t.Name.Space != "" {
					motivo += fmt.Sprintf(" (namespace %q, atteso %q)", t.Name.Space, Namespace)
				}
				if err := l.errore(riga, t.Name.Local, motivo); err != nil {
					return err
				}
				if err := l.dec.Skip(); err != nil {
					return l.sintassi(err)
				}
				continue
			}
			if c.visto && !c.ripetibile {
				if err := l.errore(riga, c.nome, fmt.Sprintf("ripetuto: compare già alla riga %d", c.riga)); err != nil {
					return err
				}
				if err := l.dec.Skip(); err != nil {
					return l.sintassi(err)
				}
				continue
			}
			c.visto, c.riga = true, riga
			if c.leggi != nil {
				err = c.leggi(t, riga)
			} else {
				c.testo, err = l.testo(t)
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return nil // the decoder checks it closes padre
		case xml.CharData:
			if len(bytes.Trim(t, spaziXML)) > 0 {
				if err := l.errore(l.riga(), padre.Name.Local, "testo non previsto: sono ammessi solo elementi"); err != nil {
					return err
				}
			}
		}
	}
}

// testo reads the text of a simple element, trimmed.
func (l *lettore) testo(start xml.StartElement) (string, error) {
	l.testoBuffer = l.testoBuffer[:0]
	for {
		tok, err := l.dec.Token()
		if err != nil {
			return "", l.sintassi(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(l.testoBuffer) <= maxTesto {
				l.testoBuffer = append(l.testoBuffer, t...)
			}
		case xml.StartElement:
			if err := l.errore(l.riga(), start.Name.Local, "contiene l'elemento <"+t.Name.Local+">: è ammesso solo testo"); err != nil {
				return "", err
			}
			if err := l.dec.Skip(); err != nil {
				return "", l.sintassi(err)
			}
		case xml.EndElement:
			return string(bytes.Trim(l.testoBuffer, spaziXML)), nil
		}
	}
}

// obbligatorio reports a missing required child of padre.
func (l *lettore) obbligatorio(c *campo, padre string, rigaPadre int) error {
	if c.visto {
		return nil
	}
	return l.errore(rigaPadre, c.nome, "obbligatorio: manca in <"+padre+">")
}

// controlla records reason (if any) against c.
func (l *lettore) controlla(c *campo, motivo string) error {
	if motivo == "" {
		return nil
	}
	return l.errore(c.riga, c.nome, motivo)
}

// leggi reads the flow whose root start was just read.
func (l *lettore) leggi(start xml.StartElement) (Flusso, error) {
	l.rigaRadice = l.riga()
	err := l.flusso(start)
	if err == nil {
		err = l.coda(start.Name.Local)
	}
	if err != nil && err != errStop {
		return l.f, err
	}
	if l.p4pa {
		l.f.Variante = VarianteP4PA
	} else {
		l.f.Variante = Variante104
	}
	slices.SortStableFunc(l.errs, func(a, b tracciato.ErrRiga) int { return a.Riga - b.Riga })
	if len(l.errs) > 0 && l.busta64 {
		l.errs = append(tracciato.Errori{{Elemento: "xmlRendicontazione",
			Motivo: "il flusso è in base64 in una risposta SOAP: le righe indicate sono quelle del flusso decodificato"}}, l.errs...)
	}
	return l.f, l.errs.Err()
}

// coda checks nothing but blanks and comments follow the root.
func (l *lettore) coda(radice string) error {
	for {
		tok, err := l.dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return l.sintassi(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return l.errore(l.riga(), t.Name.Local, "contenuto dopo la chiusura di </"+radice+">")
		case xml.CharData:
			if len(bytes.Trim(t, spaziXML)) > 0 {
				return l.errore(l.riga(), "", "testo dopo la chiusura di </"+radice+">")
			}
		}
	}
}

func (l *lettore) flusso(start xml.StartElement) error {
	campi := []campo{
		{nome: "versioneOggetto"},
		{nome: "identificativoFlusso"},
		{nome: "revisioneFlusso"},
		{nome: "dataOraFlusso"},
		{nome: "identificativoUnivocoRegolamento"},
		{nome: "dataRegolamento"},
		{nome: "istitutoMittente", leggi: func(s xml.StartElement, riga int) error {
			return l.istituto(s, riga, &l.f.IstitutoMittente, "Mittente")
		}},
		{nome: "codiceBicBancaDiRiversamento"},
		{nome: "istitutoRicevente", leggi: func(s xml.StartElement, riga int) error {
			return l.istituto(s, riga, &l.f.IstitutoRicevente, "Ricevente")
		}},
		{nome: "numeroTotalePagamenti"},
		{nome: "importoTotalePagamenti"},
		{nome: "datiSingoliPagamenti", ripetibile: true},
	}
	// The header comes before the payments in the schema's sequence: what
	// of it is read is checked when the first payment begins, so that the
	// problems come in file order; what follows the payments, at the end.
	intestazione := func() error {
		for i := range campi {
			if x := &campi[i]; x.visto && !x.controllato && x.leggi == nil && !x.ripetibile {
				x.controllato = true
				if err := l.campo(x); err != nil {
					return err
				}
			}
		}
		return nil
	}
	campi[len(campi)-1].leggi = func(s xml.StartElement, riga int) error {
		if l.n == 0 {
			if err := intestazione(); err != nil {
				return err
			}
		}
		return l.pagamento(s, riga)
	}
	if err := l.figli(start, campi); err != nil {
		return err
	}
	if err := intestazione(); err != nil {
		return err
	}
	for i := range campi {
		if x := &campi[i]; x.nome != "revisioneFlusso" && x.nome != "codiceBicBancaDiRiversamento" {
			if err := l.obbligatorio(x, "FlussoRiversamento", l.rigaRadice); err != nil {
				return err
			}
		}
	}
	f := &l.f
	if x := trova(campi, "numeroTotalePagamenti"); x.visto && f.NumeroTotalePagamenti > 0 && f.NumeroTotalePagamenti != l.n {
		if err := l.errore(x.riga, x.nome, fmt.Sprintf("dichiara %d pagamenti ma il flusso ne contiene %d", f.NumeroTotalePagamenti, l.n)); err != nil {
			return err
		}
	}
	if x := trova(campi, "importoTotalePagamenti"); x.visto && l.totaleValido && l.sommaValida && f.ImportoTotale != l.somma {
		if err := l.errore(x.riga, x.nome, fmt.Sprintf("dichiara %s ma la somma dei pagamenti è %s", tracciato.Euro(f.ImportoTotale), tracciato.Euro(l.somma))); err != nil {
			return err
		}
	}
	return nil
}

// campo checks a simple header element and stores its value.
func (l *lettore) campo(x *campo) error {
	f := &l.f
	var motivo string
	switch x.nome {
	case "versioneOggetto":
		f.VersioneOggetto = x.testo
		if x.testo != "1.0" && x.testo != "1.1" {
			motivo = fmt.Sprintf("%q non ammessa: i valori ammessi sono 1.0 e 1.1", x.testo)
		}
	case "identificativoFlusso":
		f.IUF, motivo = x.testo, identificativoFlusso(x.testo)
	case "revisioneFlusso":
		l.p4pa = true
		n, ok := intero(x.testo, 10)
		if !ok || n < 1 || n > 2147483647 {
			motivo = fmt.Sprintf("%q non valida: intero da 1 a 2147483647", x.testo)
		}
		f.Revisione = n
	case "dataOraFlusso":
		f.DataOraFlusso, motivo = dataOra(x.testo)
	case "identificativoUnivocoRegolamento":
		f.IURRegolamento, motivo = x.testo, testo(x.testo, 1, 35)
	case "dataRegolamento":
		f.DataRegolamento, motivo = data(x.testo)
	case "codiceBicBancaDiRiversamento":
		f.BicRiversamento, motivo = x.testo, testo(x.testo, 1, 35)
	case "numeroTotalePagamenti":
		n, ok := intero(x.testo, 15)
		if !ok || n < 1 {
			motivo = fmt.Sprintf("%q non valido: intero da 1 a 15 cifre", x.testo)
			n = 0
		}
		f.NumeroTotalePagamenti = n
	case "importoTotalePagamenti":
		f.ImportoTotale, motivo = importo(x.testo, false)
		l.totaleValido = motivo == ""
	}
	return l.controlla(x, motivo)
}

// istituto reads istitutoMittente or istitutoRicevente (quale).
func (l *lettore) istituto(start xml.StartElement, riga int, ist *Istituto, quale string) error {
	var id []campo
	campi := []campo{
		{nome: "identificativoUnivoco" + quale, leggi: func(s xml.StartElement, _ int) error {
			id = []campo{{nome: "tipoIdentificativoUnivoco"}, {nome: "codiceIdentificativoUnivoco"}}
			return l.figli(s, id)
		}},
		{nome: "denominazione" + quale},
	}
	if err := l.figli(start, campi); err != nil {
		return err
	}
	if err := l.obbligatorio(&campi[0], start.Name.Local, riga); err != nil {
		return err
	}
	if id != nil {
		tipo, codice := &id[0], &id[1]
		for _, x := range []*campo{tipo, codice} {
			if err := l.obbligatorio(x, campi[0].nome, campi[0].riga); err != nil {
				return err
			}
		}
		ist.Tipo, ist.Codice = tipo.testo, codice.testo
		if tipo.visto {
			ammessi := "G"
			if quale == "Mittente" {
				ammessi = "GAB"
			}
			if len(tipo.testo) != 1 || !strings.Contains(ammessi, tipo.testo) {
				motivo := fmt.Sprintf("%q non ammesso: G (persona giuridica), A (codice ABI) o B (codice BIC)", tipo.testo)
				if quale == "Ricevente" {
					motivo = fmt.Sprintf("%q non ammesso: per l'ente ricevente solo G (persona giuridica)", tipo.testo)
				}
				if err := l.controlla(tipo, motivo); err != nil {
					return err
				}
			}
		}
		if codice.visto {
			if err := l.controlla(codice, testo(codice.testo, 1, 35)); err != nil {
				return err
			}
		}
	}
	if den := &campi[1]; den.visto {
		ist.Denominazione = den.testo
		min, max := 3, 70 // stText70
		if quale == "Ricevente" {
			min, max = 1, 140 // stText140
		}
		if err := l.controlla(den, testo(den.testo, min, max)); err != nil {
			return err
		}
	}
	return nil
}

// pagamento reads one datiSingoliPagamenti and hands it to fn.
func (l *lettore) pagamento(start xml.StartElement, riga int) error {
	l.n++
	for i := range l.pag {
		l.pag[i].visto = false
	}
	if err := l.figli(start, l.pag); err != nil {
		return err
	}
	for i := range l.pag {
		if l.pag[i].nome != "indiceDatiSingoloPagamento" {
			if err := l.obbligatorio(&l.pag[i], start.Name.Local, riga); err != nil {
				return err
			}
		}
	}
	iuv, iur, indice, imp, esito, dataEsito := &l.pag[0], &l.pag[1], &l.pag[2], &l.pag[3], &l.pag[4], &l.pag[5]
	p := Pagamento{Riga: riga, IUV: iuv.testo, IUR: iur.testo}
	for _, x := range []*campo{iuv, iur} {
		if x.visto {
			if err := l.controlla(x, testo(x.testo, 1, 35)); err != nil {
				return err
			}
		}
	}
	if indice.visto {
		n, ok := intero(indice.testo, 1)
		if !ok || n < 1 || n > 5 {
			if err := l.controlla(indice, fmt.Sprintf("%q non valido: intero da 1 a 5", indice.testo)); err != nil {
				return err
			}
		}
		p.Indice = int(n)
	}
	esitoValido := false
	if esito.visto {
		switch esito.testo {
		case "0", "3", "4", "8", "9":
			n, _ := strconv.Atoi(esito.testo)
			p.Esito, esitoValido = Esito(n), true
			if p.Esito.soloP4PA() {
				l.p4pa = true
			}
		default:
			if err := l.controlla(esito, fmt.Sprintf("%q non ammesso: 0 eseguito, 3 revocato, 9 eseguito senza RPT, 4 e 8 eseguito in stand-in (variante p4pa)", esito.testo)); err != nil {
				return err
			}
		}
	}
	if imp.visto {
		// The schema admits no negative amounts; revoked payments written
		// negative are accepted all the same (and count so in the total).
		revocato := esitoValido && p.Esito == EsitoRevocato
		v, motivo := importo(imp.testo, true)
		switch {
		case motivo != "":
		case v == 0:
			motivo = "importo zero non ammesso: il minimo è 0.01"
		case v < 0 && !revocato:
			motivo = fmt.Sprintf("importo negativo %s ammesso solo per un pagamento revocato (esito 3)", imp.testo)
		}
		if motivo != "" {
			l.sommaValida = false
			if err := l.controlla(imp, motivo); err != nil {
				return err
			}
		}
		p.Importo = v
		l.somma += v
	} else {
		l.sommaValida = false
	}
	if dataEsito.visto {
		var motivo string
		p.DataEsito, motivo = data(dataEsito.testo)
		if err := l.controlla(dataEsito, motivo); err != nil {
			return err
		}
	}
	if len(l.errs) > 0 {
		return nil
	}
	return l.fn(p)
}
