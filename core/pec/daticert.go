// Package pec sends messages through a PEC provider (posta elettronica
// certificata) over SMTP and reads its receipts over IMAP: the client side
// of what core/sandbox simulates. It holds no state: the caller fixes each
// message's Message-ID, stores it, and matches the receipts on it.
package pec

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	_ "time/tzdata" // receipts carry Italy's time, also where the OS has no zone database

	"golang.org/x/text/encoding/charmap"
)

// Roma is the zone of the dates in receipts that carry none.
var Roma = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // time/tzdata is embedded: cannot happen
	}
	return loc
}()

// Daticert is the certification data of a receipt or envelope (daticert.xml).
type Daticert struct {
	Tipo        string // accettazione, avvenuta-consegna, ..., posta-certificata
	Errore      string // nessuno, no-dest, no-dominio, virus, altro
	Mittente    string
	Destinatari []Destinatario
	Risposte    string
	Oggetto     string
	Gestore     string // gestore-emittente
	// Data is when the provider issued it, in Roma.
	Data           time.Time
	Identificativo string // the provider's id of the message
	MsgID          string // the original Message-ID, without <>
	Ricevuta       string // completa, breve or sintetica
	Consegna       string // the recipient the receipt is about
	ErroreEsteso   string
}

// Destinatario is a recipient as daticert lists it.
type Destinatario struct {
	Indirizzo string
	Tipo      string // certificato or esterno
}

type daticertXML struct {
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
		MsgID          string `xml:"msgid"`
		Ricevuta       struct {
			Tipo string `xml:"tipo,attr"`
		} `xml:"ricevuta"`
		Consegna     string `xml:"consegna"`
		ErroreEsteso string `xml:"errore-esteso"`
	} `xml:"dati"`
}

// maxDaticert bounds what LeggiDaticert reads: real ones are a few KB.
const maxDaticert = 1 << 20

// LeggiDaticert parses a daticert.xml, in UTF-8 or ISO-8859-1 (or
// Windows-1252, ISO-8859-15) as its declaration says.
func LeggiDaticert(b []byte) (Daticert, error) {
	if len(b) > maxDaticert {
		return Daticert{}, errors.New("daticert.xml troppo grande")
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var x daticertXML
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = charsetReader
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&x); err != nil {
		return Daticert{}, fmt.Errorf("daticert.xml non valido: %w", err)
	}
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	d := Daticert{
		Tipo:           clean(x.Tipo),
		Errore:         clean(x.Errore),
		Mittente:       clean(x.Intestazione.Mittente),
		Risposte:       clean(x.Intestazione.Risposte),
		Oggetto:        strings.TrimSpace(x.Intestazione.Oggetto),
		Gestore:        clean(x.Dati.Gestore),
		Identificativo: clean(x.Dati.Identificativo),
		MsgID:          strings.Trim(clean(x.Dati.MsgID), "<>"),
		Ricevuta:       clean(x.Dati.Ricevuta.Tipo),
		Consegna:       clean(x.Dati.Consegna),
		ErroreEsteso:   strings.TrimSpace(x.Dati.ErroreEsteso),
	}
	for _, dst := range x.Intestazione.Destinatari {
		d.Destinatari = append(d.Destinatari, Destinatario{Indirizzo: clean(dst.Indirizzo), Tipo: clean(dst.Tipo)})
	}
	if d.Tipo == "" {
		return Daticert{}, errors.New("daticert.xml non valido: manca il tipo (postacert tipo=\"...\")")
	}
	if giorno := clean(x.Dati.Data.Giorno); giorno != "" {
		t, err := parseData(giorno, clean(x.Dati.Data.Ora), clean(x.Dati.Data.Zona))
		if err != nil {
			return Daticert{}, err
		}
		d.Data = t
	}
	return d, nil
}

// parseData reads giorno dd/mm/yyyy, ora hh:mm:ss and zona ±hhmm; without
// a zone the time is Italy's.
func parseData(giorno, ora, zona string) (time.Time, error) {
	if ora == "" {
		ora = "00:00:00"
	}
	var t time.Time
	var err error
	if zona != "" {
		t, err = time.Parse("2/1/2006 15:04:05 -0700", giorno+" "+ora+" "+zona)
	} else {
		t, err = time.ParseInLocation("2/1/2006 15:04:05", giorno+" "+ora, Roma)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("daticert.xml: data %q ora %q zona %q non valida", giorno, ora, zona)
	}
	return t.In(Roma), nil
}

func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii", "":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return charmap.ISO8859_1.NewDecoder().Reader(input), nil
	case "iso-8859-15", "iso8859-15", "latin9", "latin-9":
		return charmap.ISO8859_15.NewDecoder().Reader(input), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(input), nil
	}
	return nil, fmt.Errorf("codifica %q non supportata", label)
}
