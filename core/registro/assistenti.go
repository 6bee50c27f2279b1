package registro

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// EntitaPacchettoAssistente is the audit entity of an assistant's package.
const EntitaPacchettoAssistente = "pacchetto_assistente"

// ModificaAssistente changes an assistant's PEC for communications and
// their «Gestione a pacchetti» (reseller only); audited and queued for
// the provider like every change.
func (s *Service) ModificaAssistente(ctx context.Context, op operatori.Operatore, id int64, pec string, gestioneAPacchetti bool) error {
	pec = anagrafe.NormalizzaEmail(pec)
	if err := obbligatorio("PEC per le comunicazioni", pec); err != nil {
		return err
	}
	if err := anagrafe.ValidaPEC(pec); err != nil {
		return ErrValidazione{"PEC per le comunicazioni", anagrafe.Dettaglio(err)}
	}
	return s.rivenditore(ctx, op, func(tx *store.Tx) error {
		a, err := tx.AssistenteByID(ctx, id)
		if err != nil {
			return nonTrovato(err)
		}
		a.EmailPEC, a.GestioneAPacchetti = pec, gestioneAPacchetti
		_, err = tx.SaveAssistente(ctx, a)
		return err
	})
}

// dellAssistente lets the reseller read any assistant, an assistant only
// their own records.
func (s *Service) dellAssistente(ctx context.Context, op operatori.Operatore, id int64) error {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return err
	}
	if !acc.Rivenditore() && acc.Assistente.ID != id {
		return ErrPermesso
	}
	return nil
}

// DominiAssistente lists an assistant's domains (the reseller, or the
// assistant themselves).
func (s *Service) DominiAssistente(ctx context.Context, op operatori.Operatore, id int64) ([]store.Dominio, error) {
	if err := s.dellAssistente(ctx, op, id); err != nil {
		return nil, err
	}
	return s.DB.DominiAssistente(ctx, id)
}

// ImpostaDominiAssistente makes domini the assistant's domains: at least
// one, each a certified domain of the reseller (reseller only).
func (s *Service) ImpostaDominiAssistente(ctx context.Context, op operatori.Operatore, id int64, domini []string) error {
	if len(domini) == 0 {
		return ErrValidazione{"Domini", "indicare almeno un dominio"}
	}
	return s.rivenditore(ctx, op, func(tx *store.Tx) error {
		if _, err := tx.AssistenteByID(ctx, id); err != nil {
			return nonTrovato(err)
		}
		voluti := map[int64]bool{}
		for _, nome := range domini {
			d, err := dominioByNome(ctx, tx, nome)
			if err != nil {
				return err
			}
			if !d.Certificato {
				return ErrValidazione{"Dominio", fmt.Sprintf("%s non è un dominio certificato del rivenditore", d.Dominio)}
			}
			voluti[d.ID] = true
		}
		attuali, err := tx.DominiAssistenteIDs(ctx, id)
		if err != nil {
			return err
		}
		for _, d := range attuali {
			if !voluti[d] {
				if err := tx.SetDominioAssistente(ctx, id, d, false); err != nil {
					return err
				}
			}
		}
		ids := make([]int64, 0, len(voluti))
		for d := range voluti {
			ids = append(ids, d)
		}
		slices.Sort(ids)
		for _, d := range ids {
			if err := tx.SetDominioAssistente(ctx, id, d, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// ConsumoAssistente is how many mailboxes the assistant inserted that are
// not CESSATA: what counts against their packages (the reseller, or the
// assistant themselves).
func (s *Service) ConsumoAssistente(ctx context.Context, op operatori.Operatore, id int64) (int, error) {
	if err := s.dellAssistente(ctx, op, id); err != nil {
		return 0, err
	}
	return s.DB.ConsumoAssistente(ctx, id)
}

// VoceStoricoPacchetto is a change of one of an assistant's packages.
type VoceStoricoPacchetto struct {
	Pacchetto store.PacchettoAssistente
	store.AuditEntry
}

// StoricoPacchettiAssistente is the history of all an assistant's
// packages, newest first (the reseller, or the assistant themselves).
func (s *Service) StoricoPacchettiAssistente(ctx context.Context, op operatori.Operatore, id int64) ([]VoceStoricoPacchetto, error) {
	pacchetti, err := s.PacchettiAssistente(ctx, op, id)
	if err != nil {
		return nil, err
	}
	var out []VoceStoricoPacchetto
	for _, p := range pacchetti {
		h, err := s.DB.History(ctx, EntitaPacchettoAssistente, strconv.FormatInt(p.ID, 10))
		if err != nil {
			return nil, err
		}
		for _, e := range h {
			out = append(out, VoceStoricoPacchetto{Pacchetto: p, AuditEntry: e})
		}
	}
	slices.SortStableFunc(out, func(a, b VoceStoricoPacchetto) int { return b.At.Compare(a.At) })
	return out, nil
}
