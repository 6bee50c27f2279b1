package avvisi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/pec"
	"github.com/sportello/sportello/store"
)

// ErrInvioInCorso: the batch is being sent; a re-send waits for the end.
var ErrInvioInCorso = errors.New("l'invio del lotto è in corso: attenderne la fine o sospenderlo")

// Reinvia sends notices again, each with a new Message-ID (the receipts
// of the earlier sends stay with the notice as evidence): for a send that
// failed, was uncertain or not delivered, or on a citizen's request. The
// notices must belong to one batch; Reinvia queues them and runs the send.
func (s *Service) Reinvia(ctx context.Context, by operatori.Operatore, iuvs []string, progress func(jobs.Progress)) error {
	if !by.Ruolo.Almeno(operatori.RuoloOperatoreInvio) {
		return operatori.ErrNonAutorizzato
	}
	if len(iuvs) == 0 {
		return errors.New("nessun avviso da reinviare")
	}
	var lotto store.Lotto
	var iupds []string
	for _, iuv := range iuvs {
		x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: %s", ErrAvvisoNonTrovato, iuv)
		}
		if err != nil {
			return err
		}
		switch {
		case lotto.UUID != "" && x.Lotto.UUID != lotto.UUID:
			return errors.New("si possono reinviare insieme solo avvisi dello stesso lotto")
		case x.Avviso.Stato != StatoGenerato:
			return fmt.Errorf("avviso %s: non è stato generato su pagoPA, non si può inviare", x.Avviso.IUV)
		case x.Avviso.Invio.Stato == "":
			return fmt.Errorf("avviso %s: non è ancora stato inviato (usare Esegui invio massivo)", x.Avviso.IUV)
		case x.Avviso.Invio.Stato == store.InvioDaInviare || x.Avviso.Invio.Stato == store.InvioInCorso:
			return fmt.Errorf("avviso %s: %w", x.Avviso.IUV, ErrInvioInCorso)
		}
		lotto = x.Lotto
		iupds = append(iupds, x.Avviso.IUPD)
	}
	if lotto.JobInvio != "" {
		j, err := s.eng.Status(ctx, uuid.MustParse(lotto.JobInvio))
		if err != nil {
			return err
		}
		if j.Active || j.Counts.Pending+j.Counts.InFlight > 0 {
			return ErrInvioInCorso
		}
	}
	casella, err := s.Imp.Casella(ctx, lotto.Spedizione)
	if err != nil {
		return err
	}
	if !casella.Configurata {
		return fmt.Errorf("%w (%s)", ErrCasellaNonConfigurata, etichettaSpedizione(lotto.Spedizione))
	}
	dominio := casella.Indirizzo[strings.LastIndexByte(casella.Indirizzo, '@')+1:]
	err = s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		rows := make([]store.DaAccodare, len(iupds))
		for i, iupd := range iupds {
			rows[i] = store.DaAccodare{IUPD: iupd, MessageID: pec.NuovoMessageID(dominio)}
		}
		if err := tx.AccodaInvii(ctx, rows); err != nil {
			return err
		}
		job, err := s.eng.CreateIn(ctx, tx, KindInvio, lotto.UUID, iupds)
		if err != nil {
			return err
		}
		if err := tx.SaveJobInvio(ctx, lotto.ID, job.String()); err != nil {
			return err
		}
		for _, iupd := range iupds {
			if err := tx.Audit(ctx, "avviso", iupd, store.Modifica, []store.FieldChange{{Field: "reinvio", After: "richiesto"}}); err != nil {
				return err
			}
		}
		return tx.SaveStatoLotto(ctx, lotto.ID, LottoInInvio)
	})
	if err != nil {
		return err
	}
	return s.Invia(ctx, by, lotto.UUID, progress)
}

// Annulla cancels a notice: its debt position is invalidated on GPD, so
// it can no longer be paid. A paid notice cannot be cancelled.
func (s *Service) Annulla(ctx context.Context, by operatori.Operatore, iuv string) error {
	if !by.Ruolo.Almeno(operatori.RuoloSupervisore) {
		return operatori.ErrNonAutorizzato
	}
	x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrAvvisoNonTrovato, iuv)
	}
	if err != nil {
		return err
	}
	switch x.Avviso.StatoGPD {
	case pagopa.StatoPagata, pagopa.StatoRendiconta:
		return errors.New("l'avviso risulta pagato: non si può annullare")
	case pagopa.StatoAnnullata:
		return errors.New("l'avviso è già annullato")
	}
	if x.Avviso.Stato != StatoGenerato {
		return errors.New("l'avviso non è stato generato su pagoPA: non c'è nulla da annullare")
	}
	cfg, err := s.Imp.GPD(ctx)
	if err != nil {
		return err
	}
	if !cfg.Configurato {
		return errors.New("GPD non configurato: indicare indirizzo e chiave (sportello-cli pagopa configura)")
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return err
	}
	p, err := (&pagopa.GPD{BaseURL: cfg.URL, Key: cfg.Chiave}).Invalida(ctx, ente.CodiceFiscale, x.Avviso.IUPD)
	if err != nil {
		return fmt.Errorf("annullamento su pagoPA: %w", err)
	}
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if err := tx.SaveStatoGPD(ctx, x.Avviso.IUPD, p.Stato); err != nil {
			return err
		}
		return tx.Audit(ctx, "avviso", x.Avviso.IUPD, store.Modifica,
			[]store.FieldChange{{Field: "stato_gpd", Before: x.Avviso.StatoGPD, After: p.Stato}})
	})
}
