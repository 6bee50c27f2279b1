package registro

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// ---- domini

// Domini lists the reseller's domains (an assistant: the ones assigned to them).
func (s *Service) Domini(ctx context.Context, op operatori.Operatore) ([]store.Dominio, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return nil, err
	}
	if !acc.Rivenditore() {
		return s.DB.DominiAssistente(ctx, acc.Assistente.ID)
	}
	return s.DB.Domini(ctx)
}

// RegistraDominio records a domain as the provider reports it (sync, demo).
func (s *Service) RegistraDominio(ctx context.Context, op operatori.Operatore, d store.Dominio) (int64, error) {
	d.Dominio = strings.ToLower(strings.TrimSpace(d.Dominio))
	if err := obbligatorio("Dominio", d.Dominio); err != nil {
		return 0, err
	}
	if err := validaPECCasella("postmaster@" + d.Dominio); err != nil {
		return 0, ErrValidazione{"Dominio", d.Dominio + " non è un nome di dominio valido"}
	}
	var id int64
	err := s.rivenditore(ctx, op, func(tx *store.Tx) error {
		if d.ID == 0 {
			if old, err := tx.DominioByNome(ctx, d.Dominio); err == nil {
				d.ID = old.ID
			}
		}
		var err error
		id, err = tx.SaveDominio(ctx, d)
		return err
	})
	return id, err
}

func dominioByNome(ctx context.Context, tx *store.Tx, nome string) (store.Dominio, error) {
	d, err := tx.DominioByNome(ctx, strings.ToLower(strings.TrimSpace(nome)))
	if errors.Is(err, store.ErrNotFound) {
		return d, ErrValidazione{"Dominio", fmt.Sprintf("%q non è un dominio del rivenditore", nome)}
	}
	return d, err
}

// ---- agenti

// Agenti lists the agents matching fl.
func (s *Service) Agenti(ctx context.Context, op operatori.Operatore, fl store.FiltroAgenti) ([]store.Agente, error) {
	if _, err := s.Accesso(ctx, op); err != nil {
		return nil, err
	}
	return s.DB.Agenti(ctx, fl)
}

// SalvaAgente inserts (ID 0) or updates an agent, with the domains given
// (nil: domains unchanged). Activate / deactivate with Attivo.
func (s *Service) SalvaAgente(ctx context.Context, op operatori.Operatore, a store.Agente, domini []string) (int64, error) {
	if err := validaAgente(&a); err != nil {
		return 0, err
	}
	var id int64
	err := s.rivenditore(ctx, op, func(tx *store.Tx) (err error) {
		if a.ID != 0 {
			if _, err := tx.AgenteByID(ctx, a.ID); err != nil {
				return nonTrovato(err)
			}
		}
		if id, err = tx.SaveAgente(ctx, a); err != nil {
			return err
		}
		for _, nome := range domini {
			d, err := dominioByNome(ctx, tx, nome)
			if err != nil {
				return err
			}
			if err := tx.SetDominioAgente(ctx, id, d.ID, true); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// DominiAgente lists an agent's domains.
func (s *Service) DominiAgente(ctx context.Context, op operatori.Operatore, agenteID int64) ([]store.Dominio, error) {
	if _, err := s.Accesso(ctx, op); err != nil {
		return nil, err
	}
	return s.DB.DominiAgente(ctx, agenteID)
}

// RimuoviDominioAgente takes a domain away from an agent ("Rimuovi dominio").
func (s *Service) RimuoviDominioAgente(ctx context.Context, op operatori.Operatore, agenteID int64, dominio string) error {
	return s.rivenditore(ctx, op, func(tx *store.Tx) error {
		if _, err := tx.AgenteByID(ctx, agenteID); err != nil {
			return nonTrovato(err)
		}
		d, err := dominioByNome(ctx, tx, dominio)
		if err != nil {
			return err
		}
		return tx.SetDominioAgente(ctx, agenteID, d.ID, false)
	})
}

// PacchettiAgente lists an agent's packages with their usage (agenteID 0:
// the reseller's own packages).
func (s *Service) PacchettiAgente(ctx context.Context, op operatori.Operatore, agenteID int64) ([]store.Pacchetto, error) {
	if _, err := s.Accesso(ctx, op); err != nil {
		return nil, err
	}
	return s.DB.Pacchetti(ctx, agenteID)
}

// SalvaPacchetto inserts (ID 0) or updates a package of an agent (AgenteID
// 0: of the reseller). The agent must exist; a package cannot shrink below
// the mailboxes already in it.
func (s *Service) SalvaPacchetto(ctx context.Context, op operatori.Operatore, p store.Pacchetto) (int64, error) {
	p.Nome = strings.TrimSpace(p.Nome)
	if err := validaPacchetto(p.Nome, p.Quantita, p.DurataAnni); err != nil {
		return 0, err
	}
	var id int64
	err := s.rivenditore(ctx, op, func(tx *store.Tx) (err error) {
		if p.ID != 0 {
			prima, err := tx.PacchettoByID(ctx, p.ID)
			if err != nil {
				return nonTrovato(err)
			}
			if p.Quantita < prima.Usate {
				return ErrValidazione{"Quantità caselle", fmt.Sprintf("il pacchetto contiene già %d caselle", prima.Usate)}
			}
		} else if p.AgenteID != 0 {
			if _, err := tx.AgenteByID(ctx, p.AgenteID); errors.Is(err, store.ErrNotFound) {
				return ErrValidazione{"Agente", "agente inesistente: inserirlo prima in anagrafica"}
			} else if err != nil {
				return err
			}
		}
		id, err = tx.SavePacchetto(ctx, p)
		return err
	})
	return id, err
}

// ---- assistenti

// Assistenti lists the assistants (reseller only).
func (s *Service) Assistenti(ctx context.Context, op operatori.Operatore) ([]store.Assistente, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return nil, err
	}
	if !acc.Rivenditore() {
		return nil, ErrPermesso
	}
	return s.DB.Assistenti(ctx)
}

// NuovoAssistente is the "Gestione assistenti" insert form.
type NuovoAssistente struct {
	Assistente store.Assistente
	Domini     []string
	// Pacchetto is the first package when Assistente.GestioneAPacchetti.
	Pacchetto *store.PacchettoAssistente
}

// InserisciAssistente stores an assistant with their domains and, with
// "gestione a pacchetti", their first package. The username must be an
// existing Sportello operator.
func (s *Service) InserisciAssistente(ctx context.Context, op operatori.Operatore, n NuovoAssistente) (int64, error) {
	a := n.Assistente
	a.ID, a.Attivo = 0, true
	if err := validaAssistente(&a); err != nil {
		return 0, err
	}
	if len(n.Domini) == 0 {
		return 0, ErrValidazione{"Domini", "indicare almeno un dominio"}
	}
	if a.GestioneAPacchetti && n.Pacchetto == nil {
		return 0, ErrValidazione{"Pacchetto", "obbligatorio con la gestione a pacchetti"}
	}
	if n.Pacchetto != nil {
		if err := validaPacchetto(strings.TrimSpace(n.Pacchetto.Nome), n.Pacchetto.Quantita, n.Pacchetto.DurataAnni); err != nil {
			return 0, err
		}
	}
	if _, err := s.DB.OperatoreByUsername(ctx, a.Username); errors.Is(err, store.ErrNotFound) {
		return 0, ErrValidazione{"Nome utente", fmt.Sprintf("%q non è un account di Sportello: crearlo prima in Operatori", a.Username)}
	} else if err != nil {
		return 0, err
	}
	var id int64
	err := s.rivenditore(ctx, op, func(tx *store.Tx) (err error) {
		id, err = tx.SaveAssistente(ctx, a)
		if errors.Is(err, store.ErrDuplicate) {
			return ErrValidazione{"Nome utente", a.Username + " è già un assistente"}
		}
		if err != nil {
			return err
		}
		for _, nome := range n.Domini {
			d, err := dominioByNome(ctx, tx, nome)
			if err != nil {
				return err
			}
			if !d.Certificato { // as ImpostaDominiAssistente
				return ErrValidazione{"Dominio", fmt.Sprintf("%s non è un dominio certificato del rivenditore", d.Dominio)}
			}
			if err := tx.SetDominioAssistente(ctx, id, d.ID, true); err != nil {
				return err
			}
		}
		if n.Pacchetto != nil {
			p := *n.Pacchetto
			p.ID, p.AssistenteID = 0, id
			_, err = salvaPacchettoAssistente(ctx, tx, p)
			return err
		}
		return nil
	})
	return id, err
}

// AttivaAssistente activates (true) or deactivates an assistant.
func (s *Service) AttivaAssistente(ctx context.Context, op operatori.Operatore, id int64, attivo bool) error {
	return s.rivenditore(ctx, op, func(tx *store.Tx) error {
		a, err := tx.AssistenteByID(ctx, id)
		if err != nil {
			return nonTrovato(err)
		}
		a.Attivo = attivo
		_, err = tx.SaveAssistente(ctx, a)
		return err
	})
}

// PacchettiAssistente lists an assistant's packages (the reseller, or the assistant themselves).
func (s *Service) PacchettiAssistente(ctx context.Context, op operatori.Operatore, assistenteID int64) ([]store.PacchettoAssistente, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return nil, err
	}
	if !acc.Rivenditore() && acc.Assistente.ID != assistenteID {
		return nil, ErrPermesso
	}
	return s.DB.PacchettiAssistente(ctx, assistenteID)
}

// SalvaPacchettoAssistente assigns a new package (ID 0) or changes one
// (suspend with Stato SOSPESO). The ATTIVO packages of all assistants
// together never exceed the reseller's own packages, nor last longer.
func (s *Service) SalvaPacchettoAssistente(ctx context.Context, op operatori.Operatore, p store.PacchettoAssistente) (int64, error) {
	p.Nome = strings.TrimSpace(p.Nome)
	if err := validaPacchetto(p.Nome, p.Quantita, p.DurataAnni); err != nil {
		return 0, err
	}
	var id int64
	err := s.rivenditore(ctx, op, func(tx *store.Tx) (err error) {
		if p.ID != 0 {
			prima, err := tx.PacchettoAssistenteByID(ctx, p.ID)
			if err != nil {
				return nonTrovato(err)
			}
			p.AssistenteID = prima.AssistenteID
		} else if _, err := tx.AssistenteByID(ctx, p.AssistenteID); err != nil {
			return nonTrovato(err)
		}
		id, err = salvaPacchettoAssistente(ctx, tx, p)
		return err
	})
	return id, err
}

func salvaPacchettoAssistente(ctx context.Context, tx *store.Tx, p store.PacchettoAssistente) (int64, error) {
	if p.Stato == "" {
		p.Stato = "ATTIVO"
	}
	if p.Stato != "ATTIVO" && p.Stato != "SOSPESO" {
		return 0, ErrValidazione{"Stato pacchetto", "ATTIVO o SOSPESO"}
	}
	if p.Stato == "ATTIVO" {
		quantita, durata, err := tx.CapacitaRivenditore(ctx)
		if err != nil {
			return 0, err
		}
		altri, err := tx.QuantitaAssistenti(ctx, p.ID)
		if err != nil {
			return 0, err
		}
		if altri+p.Quantita > quantita {
			return 0, ErrValidazione{"Quantità caselle", fmt.Sprintf("supera il pacchetto del rivenditore: disponibili %d caselle", max(0, quantita-altri))}
		}
		if p.DurataAnni > durata {
			return 0, ErrValidazione{"Durata del canone", fmt.Sprintf("supera quella del pacchetto del rivenditore (%d anni)", durata)}
		}
	}
	return tx.SavePacchettoAssistente(ctx, p)
}
