package registro

// The reseller's changes of a mailbox's state: suspension, reactivation and
// cessation. Each one is a change of the mailbox (audited, queued in the
// outbox in the same transaction, like every other), which the sync engine
// pushes to the provider as SospendiCasella, RiattivaCasella or CessaCasella
// (motore.casella sends the local state the provider does not have yet).
//
//	ATTIVA  → SOSPESA (Sospendi) → ATTIVA (Riattiva)
//	ATTIVA or SOSPESA → CESSATA (Cessa); CESSATA is final.
//
// A mailbox still IN_ATTESA is the provider's to activate: none of these
// applies. Asking for the state the mailbox already has changes nothing.

import (
	"context"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// Sospendi suspends an ATTIVA mailbox in op's scope.
func (s *Service) Sospendi(ctx context.Context, op operatori.Operatore, casellaID int64) error {
	return s.cambiaStato(ctx, op, casellaID, store.CasellaSospesa, store.CasellaAttiva)
}

// Riattiva reactivates a SOSPESA mailbox in op's scope.
func (s *Service) Riattiva(ctx context.Context, op operatori.Operatore, casellaID int64) error {
	return s.cambiaStato(ctx, op, casellaID, store.CasellaAttiva, store.CasellaSospesa)
}

// Cessa ceases an ATTIVA or SOSPESA mailbox in op's scope, for good.
func (s *Service) Cessa(ctx context.Context, op operatori.Operatore, casellaID int64) error {
	return s.cambiaStato(ctx, op, casellaID, store.CasellaCessata, store.CasellaAttiva, store.CasellaSospesa)
}

var azioneStato = map[string]string{store.CasellaSospesa: "sospesa", store.CasellaAttiva: "riattivata", store.CasellaCessata: "cessata"}

// cambiaStato moves a mailbox to stato from one of da.
func (s *Service) cambiaStato(ctx context.Context, op operatori.Operatore, id int64, stato string, da ...string) error {
	return s.modificaCasella(ctx, op, id, func(_ *store.Tx, c *store.Casella) error {
		if c.Stato == stato {
			return nil
		}
		for _, x := range da {
			if c.Stato == x {
				c.Stato = stato
				return nil
			}
		}
		motivo := "una casella " + c.Stato + " non può essere " + azioneStato[stato]
		switch c.Stato {
		case store.CasellaCessata:
			motivo = "la casella è CESSATA: lo stato non può più cambiare"
		case store.CasellaInAttesa:
			motivo = "la casella è in attesa di attivazione da parte del gestore"
		}
		return ErrValidazione{"Stato", motivo}
	})
}
