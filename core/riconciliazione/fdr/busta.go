package fdr

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// The Nodo's SOAP answer to nodoChiediFlussoRendicontazione carries the
// flow base64-encoded in xmlRendicontazione (pagoPA SANP, "Rendicontazione
// e Cashflow"). The text is decoded as it is read, straight from the
// input: the decoder has no buffer of its own (see nuovoLettore), so after
// the start tag of xmlRendicontazione the input is at its first byte.

const nsPPT = "http://ws.pagamenti.telematici.gov/"

// busta walks the envelope up to xmlRendicontazione and returns the
// decoded flow.
func (l *lettore) busta() (io.Reader, error) {
	risposta := ""
	for {
		tok, err := l.dec.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("%w: busta SOAP non leggibile (riga %d: %v)", tracciato.ErrFormato, l.riga(), err)
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			if e, ok := tok.(xml.EndElement); ok && e.Name.Local == "Envelope" {
				return nil, fmt.Errorf("%w: la busta SOAP non contiene xmlRendicontazione", tracciato.ErrFormato)
			}
			continue
		}
		switch {
		case risposta == "" && t.Name.Space == nsPPT:
			risposta = t.Name.Local
			if risposta != "nodoChiediFlussoRendicontazioneRisposta" {
				return nil, fmt.Errorf("%w: la busta SOAP contiene %s, attesa una risposta nodoChiediFlussoRendicontazione", tracciato.ErrFormato, risposta)
			}
		case t.Name.Local == "fault":
			var fault struct {
				Codice      string `xml:"faultCode"`
				Testo       string `xml:"faultString"`
				Descrizione string `xml:"description"`
			}
			if err := l.dec.DecodeElement(&fault, &t); err != nil {
				return nil, fmt.Errorf("%w: busta SOAP non leggibile (riga %d: %v)", tracciato.ErrFormato, l.riga(), err)
			}
			return nil, fmt.Errorf("%w: la risposta del Nodo non contiene un flusso ma l'errore %s: %s %s", tracciato.ErrFormato,
				fault.Codice, fault.Testo, fault.Descrizione)
		case t.Name.Local == "xmlRendicontazione" && risposta != "":
			return base64.NewDecoder(base64.StdEncoding, &testoBase64{r: l.br}), nil
		}
	}
}

// base64Errato is a problem of the text of xmlRendicontazione.
type base64Errato string

func (e base64Errato) Error() string { return string(e) }

// testoBase64 reads the text of xmlRendicontazione up to its end tag,
// dropping blanks and line breaks (also written as character references).
type testoBase64 struct {
	r    io.ByteReader
	fine bool
}

func (t *testoBase64) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if t.fine {
			return n, io.EOF
		}
		b, err := t.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = base64Errato("il file finisce dentro xmlRendicontazione")
			}
			return n, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
		case '&':
			ref, err := t.fino(';', 8)
			if err != nil {
				return n, err
			}
			switch strings.ToLower(ref) {
			case "#13", "#10", "#9", "#32", "#xd", "#xa", "#x9", "#x20":
			default:
				return n, base64Errato("xmlRendicontazione contiene &" + ref + ";: non è testo base64")
			}
		case '<':
			tag, err := t.fino('>', 256)
			if err != nil {
				return n, err
			}
			if _, nome, _ := strings.Cut(tag, ":"); !strings.HasPrefix(tag, "/") || tag != "/xmlRendicontazione" && nome != "xmlRendicontazione" {
				return n, base64Errato("xmlRendicontazione contiene <" + tag + ">: è ammesso solo testo base64")
			}
			t.fine = true
		default:
			p[n] = b
			n++
		}
	}
	return n, nil
}

// fino reads up to stop (excluded), at most max bytes.
func (t *testoBase64) fino(stop byte, max int) (string, error) {
	var sb strings.Builder
	for sb.Len() <= max {
		b, err := t.r.ReadByte()
		if err != nil {
			return "", base64Errato("il file finisce dentro xmlRendicontazione")
		}
		if b == stop {
			return sb.String(), nil
		}
		sb.WriteByte(b)
	}
	return "", base64Errato("xmlRendicontazione contiene markup non ammesso")
}

// errBase64 explains a corrupt base64 text.
func errBase64(err error) (string, bool) {
	var ce base64.CorruptInputError
	if errors.As(err, &ce) {
		return fmt.Sprintf("xmlRendicontazione non è base64 valido (byte %d del testo)", int64(ce)), true
	}
	return "", false
}
