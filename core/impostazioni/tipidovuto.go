package impostazioni

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
)

// TipiDovuto lists the kinds of payment, active or not.
func (s *Service) TipiDovuto(ctx context.Context) ([]store.TipoDovuto, error) {
	return s.DB.TipiDovuto(ctx)
}

var (
	codiceTipoPattern = regexp.MustCompile(`^[A-Z0-9_-]{1,35}$`)
	// pagoPA's taxonomy of incomes (transferCategory): the prefix 9/, the
	// kind of creditor (2 digits), the macro area (2), the kind of service
	// (3), the legal reason (IM imposta, TS tassa, SP servizio pubblico,
	// SA sanzione, AP altro) and a slash: 9/0101108TS/.
	tassonomiaPattern = regexp.MustCompile(`^9/[0-9]{7}(IM|TS|SP|SA|AP)/$`)
	contoPattern      = regexp.MustCompile(`^[0-9]{1,12}$`)
	// Codes of the ente's accounts (ufficio, capitolo, accertamento), as
	// its accounting software writes them: 3010, 3010.01, 2026/125.
	codiceContabilePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,63}$`)
)

// MaxImportoFisso is the largest fixed amount of a tipo dovuto, in cents.
const MaxImportoFisso = 99_999_999_999

func validaTipoDovuto(t store.TipoDovuto) error {
	switch {
	case !codiceTipoPattern.MatchString(t.Codice):
		return ErrValidazione{Campo: "Codice", Motivo: "obbligatorio: lettere maiuscole, cifre, - e _ (al massimo 35)"}
	case strings.TrimSpace(t.Descrizione) == "" || utf8.RuneCountInString(t.Descrizione) > 140:
		return ErrValidazione{Campo: "Descrizione", Motivo: "obbligatoria, al massimo 140 caratteri (va nella causale del pagamento)"}
	case !tassonomiaPattern.MatchString(t.Tassonomia):
		return ErrValidazione{Campo: "Tassonomia", Motivo: "codice della tassonomia pagoPA: 9/, sette cifre, il motivo giuridico " +
			"(IM, TS, SP, SA o AP) e /, es. 9/0101108TS/"}
	case t.Segregazione < 0 || t.Segregazione > 99:
		return ErrValidazione{Campo: "Codice segregazione", Motivo: "da 0 a 99"}
	case t.ContoPostale != "" && !contoPattern.MatchString(t.ContoPostale):
		return ErrValidazione{Campo: "Conto corrente postale", Motivo: "solo cifre, al massimo 12"}
	case t.ImportoFisso < 0 || t.ImportoFisso > MaxImportoFisso:
		return ErrValidazione{Campo: "Importo fisso", Motivo: "da 0 (importo libero) a 999.999.999,99 euro"}
	}
	if err := validaContabilita(t); err != nil {
		return err
	}
	if err := pagopa.ValidaIBAN(t.IBAN); err != nil {
		return ErrValidazione{Campo: "IBAN", Motivo: err.Error()}
	}
	return nil
}

// validaContabilita checks where the revenue is booked: each code is
// optional, but an accertamento belongs to a capitolo and a capitolo to an
// ufficio, as in the ente's accounts (Anagrafiche capitoli).
func validaContabilita(t store.TipoDovuto) error {
	for _, c := range []struct{ campo, v string }{{"Ufficio", t.Ufficio}, {"Capitolo", t.Capitolo}, {"Accertamento", t.Accertamento}} {
		if c.v != "" && !codiceContabilePattern.MatchString(c.v) {
			return ErrValidazione{Campo: c.campo, Motivo: "al massimo 64 caratteri tra lettere, cifre, spazi e . / _ - (es. 3010.01)"}
		}
	}
	switch {
	case t.Capitolo != "" && t.Ufficio == "":
		return ErrValidazione{Campo: "Ufficio", Motivo: "obbligatorio quando è indicato il capitolo: il capitolo è di un ufficio"}
	case t.Accertamento != "" && t.Capitolo == "":
		return ErrValidazione{Campo: "Capitolo", Motivo: "obbligatorio quando è indicato l'accertamento: l'accertamento è di un capitolo"}
	}
	return nil
}

// SalvaTipoDovuto creates (ID 0) or updates a kind of payment; the
// administrator only. A kind in use is switched off, never deleted.
func (s *Service) SalvaTipoDovuto(ctx context.Context, by operatori.Operatore, t store.TipoDovuto) (int64, error) {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return 0, operatori.ErrNonAutorizzato
	}
	t.Codice = strings.ToUpper(strings.TrimSpace(t.Codice))
	t.Descrizione, t.Tassonomia = strings.TrimSpace(t.Descrizione), strings.ToUpper(strings.TrimSpace(t.Tassonomia))
	t.IBAN, t.ContoPostale = pagopa.NormalizzaIBAN(t.IBAN), strings.TrimSpace(t.ContoPostale)
	t.IntestatarioConto = strings.TrimSpace(t.IntestatarioConto)
	t.Ufficio, t.Capitolo, t.Accertamento = strings.TrimSpace(t.Ufficio), strings.TrimSpace(t.Capitolo), strings.TrimSpace(t.Accertamento)
	if err := validaTipoDovuto(t); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		var err error
		id, err = tx.SaveTipoDovuto(ctx, t)
		return err
	})
	if errors.Is(err, store.ErrDuplicate) {
		return 0, ErrValidazione{Campo: "Codice", Motivo: "esiste già un tipo dovuto con questo codice"}
	}
	return id, err
}
