package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
	_ "time/tzdata" // receipts carry Italy's time, also where the OS has no zone database
)

const (
	pecGestore         = "Gestore PEC Sandbox"
	pecDominioGestore  = "pec.sandbox.it"
	pecMittenteGestore = "posta-certificata@" + pecDominioGestore
)

// Receipt types (X-Ricevuta) and the envelope's X-Trasporto, as in the
// technical rules of PEC (DM 2 novembre 2005).
const (
	pecAccettazione     = "accettazione"
	pecNonAccettazione  = "non-accettazione"
	pecAvvenutaConsegna = "avvenuta-consegna"
	pecErroreConsegna   = "errore-consegna"
	pecPostaCertificata = "posta-certificata"
)

// Values of postacert's errore attribute.
const (
	pecErroreNessuno   = "nessuno"
	pecErroreNoDest    = "no-dest"
	pecErroreNoDominio = "no-dominio"
	pecErroreAltro     = "altro"
)

var romaPEC = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // time/tzdata is embedded: cannot happen
	}
	return loc
}()

// pecOriginale is a submitted message as the receipts describe it.
type pecOriginale struct {
	Mittente       string // the authenticated mailbox (envelope sender)
	Destinatari    []pecDestinatario
	Risposte       string // Reply-To, or the sender
	Oggetto        string
	MsgID          string // the original Message-ID without <>; "" if it had none
	Identificativo string // the provider's id of the message
	TipoRicevuta   string // completa, breve or sintetica (X-TipoRicevuta)
	To, Cc         string // the original headers, repeated on the envelope
	Raw            []byte
}

type pecDestinatario struct {
	Indirizzo   string
	Certificato bool // a PEC address; false: "esterno"
}

// pecAvviso is one receipt or envelope to compose.
type pecAvviso struct {
	tipo         string // an X-Ricevuta value, or pecPostaCertificata for the envelope
	errore       string
	erroreEsteso string
	consegna     string // the recipient the receipt is about
	a            string // the mailbox the receipt goes to
	data         time.Time
	messageID    string // without <>
}

func (a pecAvviso) oggetto(o *pecOriginale) string {
	prefix := map[string]string{
		pecAccettazione:     "ACCETTAZIONE: ",
		pecNonAccettazione:  "AVVISO DI NON ACCETTAZIONE: ",
		pecAvvenutaConsegna: "CONSEGNA: ",
		pecErroreConsegna:   "AVVISO DI MANCATA CONSEGNA: ",
		pecPostaCertificata: "POSTA CERTIFICATA: ",
	}[a.tipo]
	return prefix + o.Oggetto
}

// conOriginale: envelopes and full delivery receipts carry the original
// message as postacert.eml. A real "breve" receipt carries it with the
// attachments replaced by their hashes; the sandbox sends it like a
// "sintetica", without it.
func (a pecAvviso) conOriginale(o *pecOriginale) bool {
	return a.tipo == pecPostaCertificata || a.tipo == pecAvvenutaConsegna && o.TipoRicevuta == "completa"
}

// testo is the human-readable notice, worded like the real providers'.
func (a pecAvviso) testo(o *pecOriginale) string {
	t := a.data.In(romaPEC)
	quando := fmt.Sprintf("Il giorno %s alle ore %s (%s)", t.Format("02/01/2006"), t.Format("15:04:05"), t.Format("-0700"))
	var elenco strings.Builder
	for _, d := range o.Destinatari {
		tipo := "posta certificata"
		if !d.Certificato {
			tipo = "posta ordinaria"
		}
		fmt.Fprintf(&elenco, "%s (\"%s\")\n", d.Indirizzo, tipo)
	}
	var b strings.Builder
	switch a.tipo {
	case pecAccettazione:
		fmt.Fprintf(&b, "Ricevuta di accettazione\n\n%s il messaggio\n\"%s\" proveniente da \"%s\"\ned indirizzato a:\n%sè stato accettato dal sistema ed inoltrato.\n",
			quando, o.Oggetto, o.Mittente, elenco.String())
	case pecNonAccettazione:
		fmt.Fprintf(&b, "Avviso di non accettazione\n\n%s il messaggio\n\"%s\" proveniente da \"%s\"\ned indirizzato a:\n%snon è stato accettato dal sistema per eccezioni formali:\n%s\n",
			quando, o.Oggetto, o.Mittente, elenco.String(), a.erroreEsteso)
	case pecAvvenutaConsegna:
		fmt.Fprintf(&b, "Ricevuta di avvenuta consegna\n\n%s il messaggio\n\"%s\" proveniente da \"%s\"\ned indirizzato a \"%s\"\nè stato consegnato nella casella di destinazione.\n",
			quando, o.Oggetto, o.Mittente, a.consegna)
	case pecErroreConsegna:
		fmt.Fprintf(&b, "Avviso di mancata consegna\n\n%s nel messaggio\n\"%s\" proveniente da \"%s\"\ned indirizzato a \"%s\"\nè stato rilevato un problema che ne impedisce la consegna (%s).\nIl messaggio non è stato consegnato.\n",
			quando, o.Oggetto, o.Mittente, a.consegna, a.erroreEsteso)
	case pecPostaCertificata:
		fmt.Fprintf(&b, "Messaggio di posta certificata\n\n%s il messaggio\n\"%s\" è stato inviato da \"%s\"\nindirizzato a:\n%sIl messaggio originale è incluso in allegato.\n",
			quando, o.Oggetto, o.Mittente, elenco.String())
	}
	fmt.Fprintf(&b, "Identificativo messaggio: %s\n", o.Identificativo)
	return b.String()
}

// daticert is the XML certification data (daticert.xml).
type daticert struct {
	XMLName      xml.Name `xml:"postacert"`
	Tipo         string   `xml:"tipo,attr"`
	Errore       string   `xml:"errore,attr"`
	Intestazione struct {
		Mittente    string `xml:"mittente"`
		Destinatari []struct {
			Tipo      string `xml:"tipo,attr"`
			Indirizzo string `xml:",chardata"`
		} `xml:"destinatari"`
		Risposte string `xml:"risposte"`
		Oggetto  string `xml:"oggetto"`
	} `xml:"intestazione"`
	Dati struct {
		Gestore string `xml:"gestore-emittente"`
		Data    struct {
			Zona   string `xml:"zona,attr"`
			Giorno string `xml:"giorno"`
			Ora    string `xml:"ora"`
		} `xml:"data"`
		Identificativo string `xml:"identificativo"`
		MsgID          string `xml:"msgid,omitempty"`
		Ricevuta       *struct {
			Tipo string `xml:"tipo,attr"`
		} `xml:"ricevuta"`
		Consegna     string `xml:"consegna,omitempty"`
		ErroreEsteso string `xml:"errore-esteso,omitempty"`
	} `xml:"dati"`
}

func (a pecAvviso) daticert(o *pecOriginale) ([]byte, error) {
	var d daticert
	d.Tipo, d.Errore = a.tipo, a.errore
	d.Intestazione.Mittente = o.Mittente
	for _, dst := range o.Destinatari {
		tipo := "certificato"
		if !dst.Certificato {
			tipo = "esterno"
		}
		d.Intestazione.Destinatari = append(d.Intestazione.Destinatari, struct {
			Tipo      string `xml:"tipo,attr"`
			Indirizzo string `xml:",chardata"`
		}{tipo, dst.Indirizzo})
	}
	d.Intestazione.Risposte = o.Risposte
	d.Intestazione.Oggetto = o.Oggetto
	t := a.data.In(romaPEC)
	d.Dati.Gestore = pecGestore
	d.Dati.Data.Zona, d.Dati.Data.Giorno, d.Dati.Data.Ora = t.Format("-0700"), t.Format("02/01/2006"), t.Format("15:04:05")
	d.Dati.Identificativo = o.Identificativo
	if o.MsgID != "" {
		d.Dati.MsgID = "<" + o.MsgID + ">"
	}
	if a.tipo == pecAvvenutaConsegna || a.tipo == pecErroreConsegna {
		d.Dati.Ricevuta = &struct {
			Tipo string `xml:"tipo,attr"`
		}{o.TipoRicevuta}
		d.Dati.Consegna = a.consegna
	}
	d.Dati.ErroreEsteso = a.erroreEsteso
	body, err := xml.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	out := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE postacert SYSTEM \"Postacert.dtd\">\n")
	return append(append(out, body...), '\n'), nil
}

// componi writes the receipt or envelope: multipart/signed (S/MIME) around
// multipart/mixed [text notice, daticert.xml, postacert.eml when due].
func (p *pecSystem) componi(o *pecOriginale, a pecAvviso) ([]byte, error) {
	xmlBody, err := a.daticert(o)
	if err != nil {
		return nil, err
	}
	mixed, signed := mimeBoundary(), mimeBoundary()

	var in bytes.Buffer
	fmt.Fprintf(&in, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", mixed)
	fmt.Fprintf(&in, "This is a multi-part message in MIME format.\r\n--%s\r\n", mixed)
	in.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&in)
	qp.Write([]byte(a.testo(o)))
	qp.Close()
	fmt.Fprintf(&in, "\r\n--%s\r\n", mixed)
	in.WriteString("Content-Type: application/xml; name=\"daticert.xml\"\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: inline; filename=\"daticert.xml\"\r\n\r\n")
	writeBase64Lines(&in, xmlBody)
	if a.conOriginale(o) {
		fmt.Fprintf(&in, "--%s\r\n", mixed)
		cte := "7bit"
		if has8bit(o.Raw) {
			cte = "8bit"
		}
		fmt.Fprintf(&in, "Content-Type: message/rfc822; name=\"postacert.eml\"\r\nContent-Transfer-Encoding: %s\r\n"+
			"Content-Disposition: inline; filename=\"postacert.eml\"\r\n\r\n", cte)
		in.Write(o.Raw)
		if !bytes.HasSuffix(o.Raw, []byte("\r\n")) {
			in.WriteString("\r\n")
		}
	}
	fmt.Fprintf(&in, "--%s--\r\n", mixed)

	sig, err := p.pki.signDetached(in.Bytes(), a.data)
	if err != nil {
		return nil, err
	}

	var m bytes.Buffer
	date := a.data.In(romaPEC)
	header := func(k, v string) { m.WriteString(foldHeader(k, v)) }
	header("Return-Path", "<"+pecMittenteGestore+">")
	header("Date", date.Format(time.RFC1123Z))
	if a.tipo == pecPostaCertificata {
		header("From", mime.QEncoding.Encode("UTF-8", "\"Per conto di: "+o.Mittente+"\"")+" <"+pecMittenteGestore+">")
		header("Reply-To", o.Risposte)
		header("To", o.To)
		if o.Cc != "" {
			header("Cc", o.Cc)
		}
		header("X-Trasporto", pecPostaCertificata)
		header("X-TipoRicevuta", o.TipoRicevuta)
	} else {
		header("From", pecMittenteGestore)
		header("To", a.a)
		header("X-Ricevuta", a.tipo)
	}
	header("Subject", mime.QEncoding.Encode("UTF-8", a.oggetto(o)))
	header("Message-ID", "<"+a.messageID+">")
	if o.MsgID != "" {
		header("X-Riferimento-Message-ID", "<"+o.MsgID+">")
	}
	if a.tipo == pecPostaCertificata || a.tipo == pecAccettazione || a.tipo == pecNonAccettazione {
		header("X-Verificasicurezza", "normale")
	}
	header("MIME-Version", "1.0")
	header("Content-Type", fmt.Sprintf("multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=\"sha-256\"; boundary=\"%s\"", signed))
	fmt.Fprintf(&m, "\r\nThis is an S/MIME signed message\r\n\r\n--%s\r\n", signed)
	m.Write(in.Bytes())
	fmt.Fprintf(&m, "\r\n--%s\r\n", signed)
	m.WriteString("Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=\"smime.p7s\"\r\nContent-Description: S/MIME Cryptographic Signature\r\n\r\n")
	writeBase64Lines(&m, sig)
	fmt.Fprintf(&m, "--%s--\r\n", signed)
	return bytes.Clone(m.Bytes()), nil // without the buffer's spare capacity: mailboxes keep it
}

func mimeBoundary() string {
	var b [12]byte
	rand.Read(b[:])
	return "----=_Part_" + hex.EncodeToString(b[:])
}

func writeBase64Lines(w *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		w.WriteString(enc[:76])
		w.WriteString("\r\n")
		enc = enc[76:]
	}
	w.WriteString(enc)
	w.WriteString("\r\n")
}

func has8bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// foldHeader writes "Name: value\r\n", folding long values at spaces and
// dropping line breaks a value must not carry.
func foldHeader(name, value string) string {
	value = strings.NewReplacer("\r", " ", "\n", " ").Replace(value)
	var b strings.Builder
	b.WriteString(name)
	b.WriteString(":")
	lineLen := len(name) + 1
	for i, word := range strings.Split(value, " ") {
		if i > 0 && lineLen+1+len(word) > 76 {
			b.WriteString("\r\n")
			lineLen = 0
		}
		b.WriteString(" ")
		b.WriteString(word)
		lineLen += 1 + len(word)
	}
	b.WriteString("\r\n")
	return b.String()
}
