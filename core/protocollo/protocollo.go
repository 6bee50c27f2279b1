// Package protocollo registers outgoing (and incoming) documents in a
// protocol register: the ente's own system through an adapter, or the
// built-in local register.
package protocollo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the register's year and date are Italy's

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// Registro is what Sportello needs of a protocol system. The local
// register implements it; an adapter to the ente's own system would too.
type Registro interface {
	Registra(ctx context.Context, by operatori.Operatore, r Richiesta) (Registrazione, error)
}

// Verso of a registration.
const (
	Uscita  = "USCITA"
	Entrata = "ENTRATA"
)

// Richiesta is a document to register.
type Richiesta struct {
	Verso          string
	Oggetto        string
	Corrispondente string // the other party: name, fiscal code, address
	// Riferimento is the caller's key for this registration (e.g. batch and
	// row): registering it again returns the first registration, so a rerun
	// after a crash never takes a second number.
	Riferimento string
	Allegati    []Allegato // the first is the main document
}

// Allegato is a document registered by its fingerprint.
type Allegato struct {
	Nome string
	Dati []byte
}

// Registrazione is the register's answer.
type Registrazione struct {
	Anno      int
	Numero    int
	Data      time.Time
	Segnatura string // XML
}

// Etichetta prints the number as it goes on a cover letter: 2026/0000123.
func (r Registrazione) Etichetta() string { return fmt.Sprintf("%d/%07d", r.Anno, r.Numero) }

var roma = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // time/tzdata is embedded
	}
	return l
}()

// Locale is the built-in register, kept in Sportello's database.
type Locale struct {
	DB  *store.DB
	Imp *impostazioni.Service
	Now func() time.Time // nil: time.Now
}

// Registra takes the next number of the year and stores the registration,
// its attachments' SHA-256 and its segnatura in one transaction: a failure
// or a crash before the commit leaves no number used, so numbers never
// repeat and never skip.
func (l *Locale) Registra(ctx context.Context, by operatori.Operatore, r Richiesta) (Registrazione, error) {
	if !by.Ruolo.Almeno(operatori.RuoloOperatoreInvio) {
		return Registrazione{}, operatori.ErrNonAutorizzato
	}
	if err := r.valida(); err != nil {
		return Registrazione{}, err
	}
	ente, err := l.Imp.Ente(ctx)
	if err != nil {
		return Registrazione{}, err
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	allegati := make([]store.AllegatoProtocollo, len(r.Allegati))
	for i, a := range r.Allegati {
		sum := sha256.Sum256(a.Dati)
		allegati[i] = store.AllegatoProtocollo{Nome: a.Nome, SHA256: hex.EncodeToString(sum[:]), Dimensione: int64(len(a.Dati))}
	}
	var out Registrazione
	err = l.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if r.Riferimento != "" {
			p, err := tx.ProtocolloByRiferimento(ctx, r.Riferimento)
			if err == nil {
				out = Registrazione{Anno: p.Anno, Numero: p.Numero, Data: p.RegistratoIl, Segnatura: p.Segnatura}
				return nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		at := now().In(roma)
		n, err := tx.ProssimoNumero(ctx, at.Year())
		if err != nil {
			return err
		}
		out = Registrazione{Anno: at.Year(), Numero: n, Data: at}
		out.Segnatura, err = segnatura(ente, out, r, allegati)
		if err != nil {
			return err
		}
		id, err := tx.InsertProtocollo(ctx, store.Protocollo{Anno: out.Anno, Numero: n, RegistratoIl: at, Verso: r.Verso,
			Oggetto: r.Oggetto, Corrispondente: r.Corrispondente, Riferimento: r.Riferimento, Segnatura: out.Segnatura,
			Allegati: allegati})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, "protocollo", fmt.Sprint(id), store.Crea, []store.FieldChange{
			{Field: "numero", After: out.Etichetta()}, {Field: "oggetto", After: r.Oggetto}})
	})
	return out, err
}

func (r Richiesta) valida() error {
	var errs []error
	if r.Verso != Uscita && r.Verso != Entrata {
		errs = append(errs, fmt.Errorf("verso: %s o %s", Uscita, Entrata))
	}
	if strings.TrimSpace(r.Oggetto) == "" {
		errs = append(errs, errors.New("oggetto: obbligatorio"))
	}
	if strings.TrimSpace(r.Corrispondente) == "" {
		errs = append(errs, errors.New("corrispondente: obbligatorio"))
	}
	nomi := map[string]bool{}
	for _, a := range r.Allegati {
		if a.Nome == "" || nomi[a.Nome] {
			errs = append(errs, fmt.Errorf("allegato «%s»: nome mancante o ripetuto", a.Nome))
		}
		nomi[a.Nome] = true
	}
	return errors.Join(errs...)
}

// The segnatura, after the structure of AgID's guidelines on protocol
// stamps: the registration's identifier, the parties, the subject and the
// documents with their SHA-256 fingerprints. (The XSD is not bundled, so
// it is not validated against it.)
type segnaturaXML struct {
	XMLName      xml.Name `xml:"Segnatura"`
	Xmlns        string   `xml:"xmlns,attr"`
	Intestazione struct {
		Identificatore struct {
			CodiceAmministrazione string
			CodiceAOO             string
			CodiceRegistro        string
			NumeroRegistrazione   string
			DataRegistrazione     string
		}
		Origine struct {
			Mittente struct {
				Denominazione string `xml:"Amministrazione>Denominazione"`
				CodiceFiscale string `xml:"Amministrazione>CodiceFiscale"`
			}
		}
		Destinazione struct {
			Destinatario string `xml:"Destinatario>Denominazione"`
		}
		Oggetto string
	}
	Descrizione struct {
		Documento documentoXML
		Allegati  []documentoXML `xml:"Allegati>Documento,omitempty"`
	}
}

type documentoXML struct {
	Nome     string `xml:"nome,attr"`
	Impronta struct {
		Algoritmo string `xml:"algoritmo,attr"`
		Codifica  string `xml:"codifica,attr"`
		Valore    string `xml:",chardata"`
	}
}

func segnatura(ente impostazioni.Ente, reg Registrazione, r Richiesta, allegati []store.AllegatoProtocollo) (string, error) {
	var s segnaturaXML
	s.Xmlns = "http://www.agid.gov.it/protocollo/"
	id := &s.Intestazione.Identificatore
	id.CodiceAmministrazione, id.CodiceAOO, id.CodiceRegistro = ente.CodiceIPA, "AOO", "PROTOCOLLO_GENERALE"
	id.NumeroRegistrazione = fmt.Sprintf("%07d", reg.Numero)
	id.DataRegistrazione = reg.Data.Format("2006-01-02")
	s.Intestazione.Origine.Mittente.Denominazione, s.Intestazione.Origine.Mittente.CodiceFiscale = ente.Denominazione, ente.CodiceFiscale
	s.Intestazione.Destinazione.Destinatario = r.Corrispondente
	if r.Verso == Entrata { // the other party sends, the ente receives
		s.Intestazione.Origine.Mittente.Denominazione, s.Intestazione.Destinazione.Destinatario = r.Corrispondente, ente.Denominazione
		s.Intestazione.Origine.Mittente.CodiceFiscale = ""
	}
	s.Intestazione.Oggetto = r.Oggetto
	doc := func(a store.AllegatoProtocollo) documentoXML {
		raw, _ := hex.DecodeString(a.SHA256)
		d := documentoXML{Nome: a.Nome}
		d.Impronta.Algoritmo, d.Impronta.Codifica, d.Impronta.Valore = "SHA-256", "base64", base64.StdEncoding.EncodeToString(raw)
		return d
	}
	for i, a := range allegati {
		if i == 0 {
			s.Descrizione.Documento = doc(a)
		} else {
			s.Descrizione.Allegati = append(s.Descrizione.Allegati, doc(a))
		}
	}
	b, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return "", err
	}
	return xml.Header + string(b), nil
}
