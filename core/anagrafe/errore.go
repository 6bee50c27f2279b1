package anagrafe

import (
	"errors"
	"fmt"
)

// Motivo classifies why a value was rejected. It implements error, so
// callers can test the reason with errors.Is(err, anagrafe.MotivoControllo).
type Motivo string

// Reasons shared by every validator of this package.
const (
	MotivoVuoto      Motivo = "vuoto"      // nothing but blanks
	MotivoLunghezza  Motivo = "lunghezza"  // wrong length
	MotivoCarattere  Motivo = "carattere"  // a character not allowed (at that position)
	MotivoControllo  Motivo = "controllo"  // wrong check character / digit
	MotivoMese       Motivo = "mese"       // codice fiscale: month letter
	MotivoGiorno     Motivo = "giorno"     // codice fiscale: day of birth
	MotivoLuogo      Motivo = "luogo"      // codice fiscale: Belfiore code not in the bundled data
	MotivoUfficio    Motivo = "ufficio"    // partita IVA: office code (digits 8-10)
	MotivoSintassi   Motivo = "sintassi"   // e-mail: malformed address
	MotivoDati       Motivo = "dati"       // GeneraCodiceFiscale: unusable input
	MotivoSoliZeri   Motivo = "solizeri"   // 11-digit code made of zeros only
	MotivoPrefissoIT Motivo = "prefissoIT" // partita IVA written with the "IT" VAT prefix
)

func (m Motivo) Error() string { return string(m) }

// Campo names, used as the first part of Errore.Error().
const (
	campoCodiceFiscale = "Codice fiscale"
	campoPartitaIVA    = "Partita IVA"
	campoEmail         = "Indirizzo e-mail"
	campoPEC           = "Indirizzo PEC"
)

// Errore is a validation failure. Error() is the complete Italian message
// for the user ("Codice fiscale: lunghezza 15, attesi 16 caratteri");
// Dettaglio is the same without the field name, for forms that already
// show the field's label.
type Errore struct {
	Campo     string // "Codice fiscale", "Partita IVA", "Indirizzo e-mail", "Indirizzo PEC"
	Motivo    Motivo
	Dettaglio string // Italian, lower case, without the field name
}

func (e *Errore) Error() string { return e.Campo + ": " + e.Dettaglio }

// Unwrap exposes the reason to errors.Is.
func (e *Errore) Unwrap() error { return e.Motivo }

func newErrore(campo string, m Motivo, format string, args ...any) *Errore {
	return &Errore{Campo: campo, Motivo: m, Dettaglio: fmt.Sprintf(format, args...)}
}

// Dettaglio is err's message without the field name when err is an
// *Errore, for callers that report the field themselves.
func Dettaglio(err error) string {
	var e *Errore
	if errors.As(err, &e) {
		return e.Dettaglio
	}
	return err.Error()
}
