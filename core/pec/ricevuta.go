package pec

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // notices in ISO-8859-x, Windows-125x
	"github.com/emersion/go-message/mail"
)

// Receipt types (X-Ricevuta) and, for envelopes, the X-Trasporto values.
const (
	TipoAccettazione            = "accettazione"
	TipoNonAccettazione         = "non-accettazione"
	TipoPresaInCarico           = "presa-in-carico"
	TipoAvvenutaConsegna        = "avvenuta-consegna"
	TipoErroreConsegna          = "errore-consegna"
	TipoPreavvisoErroreConsegna = "preavviso-errore-consegna"
	TipoRilevazioneVirus        = "rilevazione-virus"
	TipoPostaCertificata        = "posta-certificata" // the envelope of a message received
	TipoAnomalia                = "errore"            // "ANOMALIA MESSAGGIO:": a message the provider could not certify
)

// ErrNonRicevuta is the error for an ordinary message in a PEC mailbox:
// neither a receipt nor an envelope.
var ErrNonRicevuta = errors.New("pec: il messaggio non è una ricevuta né una busta PEC")

// Ricevuta is a receipt, or an envelope, taken apart.
type Ricevuta struct {
	Tipo string // one of the Tipo constants
	// Riferimento is the Message-ID of the message it is about, without <>:
	// what to match on.
	Riferimento    string
	Destinatario   string // the recipient a delivery receipt is about
	Errore         string
	ErroreEsteso   string
	Data           time.Time
	Identificativo string
	Oggetto        string // the original subject
	MessageID      string // the receipt's own Message-ID, without <>
	Daticert       Daticert
	// Postacert is the original message (postacert.eml) that envelopes and
	// full delivery receipts carry; nil otherwise.
	Postacert []byte
}

// Limits against hostile messages: receipts nest two levels deep.
const (
	maxProfondita = 8
	maxParti      = 200
)

var prefissiOggetto = []string{
	"ACCETTAZIONE:", "AVVISO DI NON ACCETTAZIONE:", "PRESA IN CARICO:", "CONSEGNA:",
	"AVVISO DI MANCATA CONSEGNA:", "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO:",
	"AVVISO DI MANCATA CONSEGNA PER VIRUS:", "AVVISO DI RILEVAZIONE VIRUS:",
	"POSTA CERTIFICATA:", "ANOMALIA MESSAGGIO:",
}

// LeggiRicevuta parses a message read from a PEC mailbox: signed
// (multipart/signed around multipart/mixed) or not, at any nesting. The
// type comes from X-Ricevuta or X-Trasporto, else from daticert.xml; the
// reference from X-Riferimento-Message-ID, else from daticert's msgid.
func LeggiRicevuta(raw []byte) (Ricevuta, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		return Ricevuta{}, errors.Join(ErrNonRicevuta, err)
	}
	h := mail.Header{Header: e.Header}
	r := Ricevuta{
		Tipo:        strings.ToLower(strings.TrimSpace(h.Get("X-Ricevuta"))),
		Riferimento: idSenzaParentesi(h.Get("X-Riferimento-Message-ID")),
		MessageID:   idSenzaParentesi(h.Get("Message-Id")),
	}
	if r.Tipo == "" {
		r.Tipo = strings.ToLower(strings.TrimSpace(h.Get("X-Trasporto")))
	}

	var daticert []byte
	var parti int
	var walk func(ent *message.Entity, depth int)
	walk = func(ent *message.Entity, depth int) {
		parti++
		if depth > maxProfondita || parti > maxParti {
			return
		}
		ct, params, _ := ent.Header.ContentType()
		if mr := ent.MultipartReader(); mr != nil {
			for {
				p, err := mr.NextPart()
				if p == nil || err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
					return
				}
				walk(p, depth+1)
			}
		}
		_, dparams, _ := ent.Header.ContentDisposition()
		name := strings.ToLower(dparams["filename"])
		if name == "" {
			name = strings.ToLower(params["name"])
		}
		switch {
		case daticert == nil && (name == "daticert.xml" || (ct == "application/xml" || ct == "text/xml") && name == ""):
			daticert, _ = io.ReadAll(io.LimitReader(ent.Body, maxDaticert+1))
		case r.Postacert == nil && (name == "postacert.eml" || ct == "message/rfc822"):
			r.Postacert, _ = io.ReadAll(ent.Body)
		}
	}
	walk(e, 0)

	if daticert != nil {
		d, err := LeggiDaticert(daticert)
		if err != nil && r.Tipo == "" {
			return Ricevuta{}, errors.Join(ErrNonRicevuta, err)
		}
		if err == nil {
			r.Daticert = d
		}
	}
	if r.Tipo == "" {
		r.Tipo = r.Daticert.Tipo
	}
	if r.Tipo == "" {
		return Ricevuta{}, ErrNonRicevuta
	}
	d := r.Daticert
	if r.Riferimento == "" {
		r.Riferimento = d.MsgID
	}
	r.Destinatario, r.Errore, r.ErroreEsteso, r.Identificativo, r.Oggetto, r.Data =
		d.Consegna, d.Errore, d.ErroreEsteso, d.Identificativo, d.Oggetto, d.Data
	if r.Oggetto == "" {
		r.Oggetto = oggettoOriginale(h)
	}
	if r.Data.IsZero() {
		if t, err := h.Date(); err == nil {
			r.Data = t.In(Roma)
		}
	}
	return r, nil
}

func idSenzaParentesi(v string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "<>"))
}

// oggettoOriginale is the subject without the provider's prefix.
func oggettoOriginale(h mail.Header) string {
	s, _ := h.Subject()
	for _, p := range prefissiOggetto {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return strings.TrimSpace(s[len(p):])
		}
	}
	return strings.TrimSpace(s)
}
