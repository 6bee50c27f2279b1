package ricevute

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Ricevuta is a pagoPA receipt: the body of paSendRTReq (Versione 1) or
// paSendRTV2Request (Versione 2), paForNode.xsd.
type Ricevuta struct {
	Versione           int
	IDPA               string
	IDBrokerPA         string
	IDStazione         string
	ReceiptID          string // IUR: identificativoUnivocoRiscossione in the reporting flow
	NoticeNumber       string // codice avviso, 18 digits
	CFEnte             string // fiscalCode of the creditor ente
	Outcome            string // OK, KO
	IUV                string // creditorReferenceId
	Importo            int64  // paymentAmount, cents: the sum of the transfers
	Descrizione        string
	Ente               string // companyName
	Ufficio            string // officeName
	Debitore           Soggetto
	Versante           *Soggetto // payer, when given
	PSP                PSP
	Canale             string // idChannel
	DescrizioneCanale  string
	MetodoPagamento    string
	NotaPagamento      string // v2 paymentNote
	Commissione        int64  // fee, cents
	ConCommissione     bool
	CommissioneEnte    int64 // v2 primaryCiIncurredFee, cents
	ConCommissioneEnte bool
	IDBundle           string    // v2
	IDCiBundle         string    // v2
	DataPagamento      time.Time // paymentDateTime; zero if absent; without a zone it is the wall clock as written (UTC)
	DataApplicazione   time.Time // applicationDate
	DataTrasferimento  time.Time // transferDate
	StandIn            bool
	Trasferimenti      []Trasferimento
	Metadata           map[string]string
}

// PSP is the payment service provider that collected the payment.
type PSP struct {
	ID            string
	CodiceFiscale string
	PartitaIVA    string
	Nome          string
}

// Trasferimento is one transfer of a receipt: the share of one ente.
type Trasferimento struct {
	IDTransfer   int   // 1-5
	Importo      int64 // cents
	CFEnte       string
	Ente         string // v2 companyName
	IBAN         string
	MarcaDaBollo string // v2 MBDAttachment (base64), instead of the IBAN
	Causale      string // remittanceInformation
	Categoria    string // transferCategory (taxonomy code)
	MetaDati     map[string]string
}

const (
	nsPaForNode = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"
	nsSOAP11    = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12    = "http://www.w3.org/2003/05/soap-envelope"
	// maxTestoXML bounds the text of one element (an MBDAttachment is
	// the largest expected).
	maxTestoXML = 1 << 20
)

// LeggiRT reads one receipt: paSendRTReq or paSendRTV2Request, bare or in a
// SOAP envelope. It checks the structure against paForNode.xsd (order,
// required and repeated elements, formats), that paymentAmount is the sum
// of the transfers, that idTransfer is not repeated and that
// creditorReferenceId is the IUV inside noticeNumber. Problems are
// tracciato.Errori; a document that is not a receipt is
// tracciato.ErrFormato.
func LeggiRT(r io.Reader) (Ricevuta, error) {
	l := &lettoreRT{d: xml.NewDecoder(r)}
	el, err := l.primoElemento()
	if err != nil {
		return Ricevuta{}, err
	}
	busta := el.Name.Local == "Envelope"
	if busta {
		if el.Name.Space != nsSOAP11 && el.Name.Space != nsSOAP12 {
			return Ricevuta{}, fmt.Errorf("%w: busta SOAP con namespace %q sconosciuto", tracciato.ErrFormato, el.Name.Space)
		}
		req := l.corpo()
		if req == nil {
			if l.errs.Err() != nil {
				return Ricevuta{}, l.errs
			}
			return Ricevuta{}, fmt.Errorf("%w: la busta SOAP non contiene una richiesta paSendRT", tracciato.ErrFormato)
		}
		el = *req
	}
	schema := map[string]*nodo{"paSendRTReq": richiestaV1, "paSendRTV2Request": richiestaV2}[el.Name.Local]
	if schema == nil || el.Name.Space != "" && el.Name.Space != nsPaForNode {
		return Ricevuta{}, fmt.Errorf("%w: il documento non è una ricevuta pagoPA (paSendRTReq o paSendRTV2Request) ma %s",
			tracciato.ErrFormato, el.Name.Local)
	}
	l.r.Versione = map[string]int{"paSendRTReq": 1, "paSendRTV2Request": 2}[el.Name.Local]
	l.complesso(schema, "")
	if busta {
		l.fineElemento("Body")
		l.fineElemento("Envelope")
	}
	l.fineDocumento()
	if len(l.errs) == 0 {
		l.controlliFinali()
	}
	if err := l.errs.Err(); err != nil {
		return Ricevuta{}, err
	}
	return l.r, nil
}

// nodo is an element of the schema: a leaf (valore), a complex type
// (figli, a sequence) or an xsd:choice (alt).
type nodo struct {
	nome     string
	min, max int
	alt      []*nodo
	figli    []*nodo
	inizio   func(*lettoreRT)
	valore   func(*lettoreRT, string) string // checks and stores; returns the reason it is invalid
}

func (n *nodo) trova(nome string) *nodo {
	for _, a := range n.alt {
		if a.nome == nome {
			return a
		}
	}
	if n.alt == nil && n.nome == nome {
		return n
	}
	return nil
}

func (n *nodo) etichetta() string {
	if n.alt == nil {
		return n.nome
	}
	nomi := make([]string, len(n.alt))
	for i, a := range n.alt {
		nomi[i] = a.nome
	}
	return strings.Join(nomi, " o ")
}

type lettoreRT struct {
	d      *xml.Decoder
	r      Ricevuta
	errs   tracciato.Errori
	stop   bool
	buf    []byte
	meta   map[string]string // metadata being read
	chiave string
	riga   int // line of the leaf being stored
	// lines of the values the final checks talk about
	rigaImporto, rigaIUV int
}

func (l *lettoreRT) errore(riga int, elemento, motivo string) {
	if !l.stop {
		l.stop = l.errs.Aggiungi(riga, elemento, motivo)
	}
}

func (l *lettoreRT) linea() int {
	riga, _ := l.d.InputPos()
	return riga
}

// token is the next token; on malformed XML it records the error and stops.
func (l *lettoreRT) token() (xml.Token, bool) {
	if l.stop {
		return nil, false
	}
	tok, err := l.d.Token()
	if err == io.EOF {
		l.errore(l.linea(), "", "documento XML troncato")
		l.stop = true
		return nil, false
	}
	if err != nil {
		riga := l.linea()
		if se, ok := err.(*xml.SyntaxError); ok {
			riga = se.Line
		}
		l.errore(riga, "", "XML non valido: "+err.Error())
		l.stop = true
		return nil, false
	}
	return tok, true
}

func (l *lettoreRT) salta() {
	if err := l.d.Skip(); err != nil {
		l.errore(l.linea(), "", "XML non valido: "+err.Error())
		l.stop = true
	}
}

// primoElemento returns the root element, or ErrFormato for what is not XML.
func (l *lettoreRT) primoElemento() (xml.StartElement, error) {
	for {
		tok, err := l.d.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: file vuoto o senza elementi XML", tracciato.ErrFormato)
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w: non è un documento XML valido: %v", tracciato.ErrFormato, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return xml.StartElement{}, fmt.Errorf("%w: non è un documento XML", tracciato.ErrFormato)
			}
		}
	}
}

// corpo walks a SOAP envelope to the first element of its Body.
func (l *lettoreRT) corpo() *xml.StartElement {
	inBody := false
	for {
		tok, ok := l.token()
		if !ok {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case inBody:
				return &t
			case t.Name.Local == "Header":
				l.salta()
			case t.Name.Local == "Body":
				inBody = true
			default:
				l.errore(l.linea(), t.Name.Local, "elemento non previsto nella busta SOAP (attesi Header e Body)")
				l.salta()
			}
		case xml.EndElement:
			return nil
		}
	}
}

// fineElemento reads to the end of the enclosing element nome: nothing but
// blanks and comments may come first.
func (l *lettoreRT) fineElemento(nome string) {
	for {
		tok, ok := l.token()
		if !ok {
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			l.errore(l.linea(), t.Name.Local, fmt.Sprintf("elemento non previsto dopo la ricevuta in %s", nome))
			l.salta()
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				l.errore(l.linea(), nome, "testo non previsto")
			}
		case xml.EndElement:
			return
		}
	}
}

// fineDocumento checks that nothing but blanks and comments follows the root.
func (l *lettoreRT) fineDocumento() {
	for !l.stop {
		tok, err := l.d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			l.errore(l.linea(), "", "XML non valido dopo la fine del documento: "+err.Error())
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			l.errore(l.linea(), t.Name.Local, "elemento dopo la fine del documento: un file contiene una sola ricevuta")
			l.salta()
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				l.errore(l.linea(), "", "testo dopo la fine del documento")
			}
		}
	}
}

func percorso(padre, figlio string) string {
	if padre == "" {
		return figlio
	}
	return padre + "/" + figlio
}

// complesso reads the children of the element just opened against the
// sequence n.figli, up to its end tag.
func (l *lettoreRT) complesso(n *nodo, dove string) {
	conta := make([]int, len(n.figli))
	pos := 0
	mancanti := func(fino int, prima string) {
		for j := pos; j < fino; j++ {
			if conta[j] < n.figli[j].min {
				motivo := "elemento obbligatorio mancante"
				if prima != "" {
					motivo += " (prima di " + prima + ")"
				}
				l.errore(l.linea(), percorso(dove, n.figli[j].etichetta()), motivo)
			}
		}
	}
	for !l.stop {
		tok, ok := l.token()
		if !ok {
			return
		}
		switch t := tok.(type) {
		case xml.CharData:
			if s := strings.TrimSpace(string(t)); s != "" {
				l.errore(l.linea(), dove, fmt.Sprintf("testo %q non previsto", tronca(s)))
			}
		case xml.EndElement:
			mancanti(len(n.figli), "")
			return
		case xml.StartElement:
			riga, nome := l.linea(), t.Name.Local
			qui := percorso(dove, nome)
			k := -1
			for j := pos; j < len(n.figli) && k < 0; j++ {
				if n.figli[j].trova(nome) != nil {
					k = j
				}
			}
			switch {
			case t.Name.Space != "" && t.Name.Space != nsPaForNode:
				l.errore(riga, qui, fmt.Sprintf("namespace %q non previsto", t.Name.Space))
				l.salta()
				continue
			case k < 0:
				motivo := "elemento non previsto in " + n.nome
				for j := 0; j < pos; j++ {
					if n.figli[j].trova(nome) != nil {
						motivo = "elemento fuori posto o ripetuto in " + n.nome
					}
				}
				atteso := pos
				if atteso < len(n.figli) && conta[atteso] > 0 {
					atteso++
				}
				if atteso < len(n.figli) {
					motivo += " (atteso " + n.figli[atteso].etichetta() + ")"
				}
				l.errore(riga, qui, motivo)
				l.salta()
				continue
			}
			mancanti(k, nome)
			pos = k
			if conta[k] == n.figli[k].max {
				motivo := "elemento ripetuto: ammesso una sola volta"
				if n.figli[k].max > 1 {
					motivo = fmt.Sprintf("elemento ripetuto: ammesso al più %d volte", n.figli[k].max)
				}
				l.errore(riga, qui, motivo)
				l.salta()
				continue
			}
			conta[k]++
			f := n.figli[k].trova(nome)
			if f.max > 1 {
				qui = fmt.Sprintf("%s[%d]", qui, conta[k])
			}
			if f.valore != nil {
				l.foglia(f, qui, riga)
				continue
			}
			if f.inizio != nil {
				f.inizio(l)
			}
			l.complesso(f, qui)
		}
	}
}

// foglia reads the text of the leaf element just opened and stores it.
func (l *lettoreRT) foglia(n *nodo, dove string, riga int) {
	l.buf = l.buf[:0]
	troppo := false
	for !l.stop {
		tok, ok := l.token()
		if !ok {
			return
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(l.buf)+len(t) > maxTestoXML {
				troppo = true
			} else {
				l.buf = append(l.buf, t...)
			}
		case xml.StartElement:
			l.errore(l.linea(), dove, fmt.Sprintf("l'elemento non può contenere altri elementi (trovato %s)", t.Name.Local))
			l.salta()
		case xml.EndElement:
			v := strings.TrimSpace(string(l.buf))
			switch {
			case troppo:
				l.errore(riga, dove, fmt.Sprintf("testo troppo lungo (oltre %d byte)", maxTestoXML))
			case v == "":
				l.errore(riga, dove, "valore vuoto")
			default:
				l.riga = riga
				if motivo := n.valore(l, v); motivo != "" {
					l.errore(riga, dove, motivo)
				}
			}
			return
		}
	}
}

func tronca(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// controlliFinali checks what spans elements.
func (l *lettoreRT) controlliFinali() {
	var somma int64
	for _, t := range l.r.Trasferimenti {
		somma += t.Importo
	}
	if somma != l.r.Importo {
		l.errore(l.rigaImporto, "receipt/paymentAmount", fmt.Sprintf("l'importo pagato (%s) è diverso dalla somma dei trasferimenti (%s)",
			tracciato.Euro(l.r.Importo), tracciato.Euro(somma)))
	}
	// The notice number is the aux digit and the IUV (aux 0: also a
	// 2-digit application code before it).
	n := l.r.NoticeNumber
	var iuv string
	switch n[0] {
	case '0':
		iuv = n[3:]
	case '1', '2', '3':
		iuv = n[1:]
	default:
		l.errore(l.rigaIUV, "receipt/noticeNumber", fmt.Sprintf("codice avviso %s non valido: la prima cifra (aux digit) deve essere 0, 1, 2 o 3", n))
		return
	}
	if iuv != l.r.IUV {
		l.errore(l.rigaIUV, "receipt/creditorReferenceId", fmt.Sprintf("lo IUV %s non corrisponde al codice avviso %s (atteso %s)", l.r.IUV, n, iuv))
	}
}
