// Package flussi is App IO messaging as the municipality's operators see
// it: a Flusso (a mass mailing imported from a spreadsheet) made of
// Notifiche, single notifications, their validation, the send job, the
// delivery tracking and the exports.
package flussi

import (
	"strconv"
	"time"

	"github.com/google/uuid"
)

// StatoFlusso is the life of a flow:
//
//	INATTIVO (in preparazione) ──Attiva──► ATTIVO (pronto per l'invio)
//	ATTIVO ──Invia──► IN_INVIO ──► INVIATO | INVIO_INCOMPLETO
//	INVIO_INCOMPLETO ──Riprova──► IN_INVIO
//	ATTIVO ──Disattiva──► INATTIVO
//
// IN_INVIO, INVIATO and INVIO_INCOMPLETO are derived from the send job:
// while it runs or has work queued the flow is IN_INVIO; when every
// notification was accepted by IO (or found unreachable beforehand) it is
// INVIATO; when some failed, are uncertain or were cancelled, INVIO_INCOMPLETO.
type StatoFlusso string

const (
	Inattivo        StatoFlusso = "INATTIVO"
	Attivo          StatoFlusso = "ATTIVO"
	InInvio         StatoFlusso = "IN_INVIO"
	Inviato         StatoFlusso = "INVIATO"
	InvioIncompleto StatoFlusso = "INVIO_INCOMPLETO"
)

// StatiFlusso lists the states in the order the filters show them.
var StatiFlusso = []StatoFlusso{Inattivo, Attivo, InInvio, Inviato, InvioIncompleto}

// Label is the state as the manual names it.
func (s StatoFlusso) Label() string {
	switch s {
	case Inattivo:
		return "Inattivo"
	case Attivo:
		return "Attivo"
	case InInvio:
		return "In invio"
	case Inviato:
		return "Inviato"
	case InvioIncompleto:
		return "Invio incompleto"
	}
	return string(s)
}

// StatoFlussoByLabel is the inverse of Label ("" when unknown).
func StatoFlussoByLabel(l string) StatoFlusso {
	for _, s := range StatiFlusso {
		if s.Label() == l {
			return s
		}
	}
	return ""
}

// StatoInvio is where a notification's transmission stands.
type StatoInvio string

const (
	DaInviare        StatoInvio = "DA_INVIARE"        // saved, not yet sent (or queued)
	InTrasmissione   StatoInvio = "IN_INVIO"          // the request is going out now
	Inviata          StatoInvio = "INVIATA"           // IO accepted it and gave its ID
	NonRaggiungibile StatoInvio = "NON_RAGGIUNGIBILE" // not on IO or service turned off: not sent
	Errore           StatoInvio = "ERRORE"            // refused or failed for good, with the reason
	EsitoIncerto     StatoInvio = "ESITO_INCERTO"     // the request left, no answer recorded
	Annullata        StatoInvio = "ANNULLATA"         // the send was cancelled before it went out
)

// StatiInvio lists the transmission states in the order the filters show them.
var StatiInvio = []StatoInvio{DaInviare, InTrasmissione, Inviata, NonRaggiungibile, Errore, EsitoIncerto, Annullata}

// Label is the state as the archive shows it.
func (s StatoInvio) Label() string {
	switch s {
	case DaInviare:
		return "Da inviare"
	case InTrasmissione:
		return "In invio"
	case Inviata:
		return "Inviata"
	case NonRaggiungibile:
		return "Destinatario non raggiungibile"
	case Errore:
		return "Errore"
	case EsitoIncerto:
		return "Esito incerto — da verificare"
	case Annullata:
		return "Annullata"
	}
	return string(s)
}

// StatoInvioByLabel is the inverse of Label ("" when unknown).
func StatoInvioByLabel(l string) StatoInvio {
	for _, s := range StatiInvio {
		if s.Label() == l {
			return s
		}
	}
	return ""
}

// Stati di consegna, as App IO's getMessage reports them.
const (
	ConsegnaAccettata  = "ACCEPTED"
	ConsegnaRallentata = "THROTTLED"
	ConsegnaRecapitata = "PROCESSED"
	ConsegnaRifiutata  = "REJECTED"
	ConsegnaFallita    = "FAILED"
)

// StatiConsegna lists the delivery states in filter order.
var StatiConsegna = []string{ConsegnaAccettata, ConsegnaRallentata, ConsegnaRecapitata, ConsegnaRifiutata, ConsegnaFallita}

// ConsegnaFinale reports whether IO will not change a delivery state again.
func ConsegnaFinale(s string) bool {
	return s == ConsegnaRecapitata || s == ConsegnaRifiutata || s == ConsegnaFallita
}

// Flusso is a mass mailing to citizens through one IO service.
type Flusso struct {
	ID           int64
	UUID         uuid.UUID
	ServizioID   int64
	Servizio     string // the service's name
	CreatoIl     time.Time
	Note         string
	Stato        StatoFlusso
	Contesto     string // contesto applicativo
	Chiave       string // chiave applicativo
	Errore       string
	FileOrigine  string
	Totale       int
	JobUUID      string
	Conteggi     Conteggi
	Modificato   time.Time
	ModificatoDa string
}

// Conteggi counts a flow's notifications by transmission state and, for
// the sent ones, by delivery state.
type Conteggi struct {
	PerStato    map[StatoInvio]int
	PerConsegna map[string]int
}

// Notifica is one message to one citizen.
type Notifica struct {
	ID               int64
	UUID             uuid.UUID
	FlussoID         int64     // 0 for a single notification
	FlussoUUID       uuid.UUID // uuid.Nil for a single notification
	Riga             int       // row of the imported file, 0 for a single one
	ServizioID       int64
	Servizio         string
	CodiceFiscale    string
	Oggetto          string
	Contenuto        string    // markdown
	Scadenza         time.Time // zero: none
	Importo          int64     // euro cents; 0: no payment data
	CodiceAvviso     string    // 18 digits; "" with Importo 0
	PagaDopoScadenza bool      // inverse of invalid_after_due_date

	StatoInvio  StatoInvio
	IDMessaggio string // ID consegna App IO
	Tentativi   int
	InviataIl   time.Time
	Errore      string

	StatoConsegna  string
	StatoMail      string
	StatoWebhook   string
	StatoLettura   string
	StatoPagamento string
	VerificataIl   time.Time

	CreataIl     time.Time
	Modificato   time.Time
	ModificatoDa string
}

// Riga is one notification as read from an imported file (or typed in the
// "Nuovo" form), before it is stored: templates already applied.
type Riga struct {
	Numero           int // 1-based row in the file, header included; 0 for a form
	CodiceFiscale    string
	Oggetto          string
	Contenuto        string
	Scadenza         time.Time // zero: none
	Importo          int64     // euro cents, 0: none
	CodiceAvviso     string
	PagaDopoScadenza bool
}

// ErroreRiga is one problem of one row: "riga N, colonna X: motivo".
type ErroreRiga struct {
	Riga    int    // 0: the file as a whole (or the form)
	Colonna string // the column (or field) name as the file spells it
	Motivo  string // Italian, says what to fix
}

func (e ErroreRiga) Error() string {
	switch {
	case e.Riga == 0 && e.Colonna == "":
		return e.Motivo
	case e.Riga == 0:
		return e.Colonna + ": " + e.Motivo
	case e.Colonna == "":
		return "riga " + strconv.Itoa(e.Riga) + ": " + e.Motivo
	}
	return "riga " + strconv.Itoa(e.Riga) + ", colonna " + e.Colonna + ": " + e.Motivo
}

// Avviso is a warning that does not stop an import (e.g. a subject that
// seems to carry personal data).
type Avviso = ErroreRiga
