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
	// pagoPA's taxonomy of incomes: type, code, slash-terminated (9/0101108TS/).
	tassonomiaPattern = regexp.MustCompile(`^[0-9]/[0-9A-Z]{6,12}/$`)
	contoPattern      = regexp.MustCompile(`^[0-9]{1,12}$`)
)

func validaTipoDovuto(t store.TipoDovuto) error {
	switch {
	case !codiceTipoPattern.MatchString(t.Codice):
		return ErrValidazione{Campo: "Codice", Motivo: "obbligatorio: lettere maiuscole, cifre, - e _ (al massimo 35)"}
	case strings.TrimSpace(t.Descrizione) == "" || utf8.RuneCountInString(t.Descrizione) > 140:
		return ErrValidazione{Campo: "Descrizione", Motivo: "obbligatoria, al massimo 140 caratteri (va nella causale del pagamento)"}
	case !tassonomiaPattern.MatchString(t.Tassonomia):
		return ErrValidazione{Campo: "Tassonomia", Motivo: "codice della tassonomia pagoPA, es. 9/0101108TS/"}
	case t.Segregazione < 0 || t.Segregazione > 99:
		return ErrValidazione{Campo: "Codice segregazione", Motivo: "da 0 a 99"}
	case t.ContoPostale != "" && !contoPattern.MatchString(t.ContoPostale):
		return ErrValidazione{Campo: "Conto corrente postale", Motivo: "solo cifre, al massimo 12"}
	}
	if err := pagopa.ValidaIBAN(t.IBAN); err != nil {
		return ErrValidazione{Campo: "IBAN", Motivo: err.Error()}
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
