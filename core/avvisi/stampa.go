package avvisi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
)

// ErrAvvisoNonTrovato: no notice of Sportello's batches has that IUV.
var ErrAvvisoNonTrovato = errors.New("avviso non trovato")

// StampaPDF writes the payment notice of a batch's row, by its IUV or
// notice number, as a PDF. It can be printed again at any time: the
// notice is made of the stored data.
func (s *Service) StampaPDF(ctx context.Context, iuv string, w io.Writer) error {
	x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrAvvisoNonTrovato, iuv)
	}
	if err != nil {
		return err
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return fmt.Errorf("dati dell'ente (Impostazioni → Ente): %w", err)
	}
	return pagopa.StampaAvviso(w, avvisoDaStampare(ente, x))
}

func avvisoDaStampare(ente store.Ente, x store.AvvisoStampa) pagopa.Avviso {
	a, l := x.Avviso, x.Lotto
	scadenza, _ := time.Parse("2006-01-02", l.Scadenza)
	oggetto := a.Causale
	if oggetto == "" {
		oggetto = l.Causale
	}
	debitore := pagopa.Debitore{Nome: a.Intestazione, CodiceFiscale: a.CodiceFiscale}
	if debitore.CodiceFiscale == "" {
		debitore.CodiceFiscale = a.PartitaIVA
	}
	if a.Indirizzo != "" {
		debitore.Indirizzo = append(debitore.Indirizzo, a.Indirizzo)
	}
	if luogo := strings.TrimSpace(strings.Join([]string{a.CAP, a.Comune}, " ")); luogo != "" {
		if a.Provincia != "" {
			luogo += " (" + a.Provincia + ")"
		}
		debitore.Indirizzo = append(debitore.Indirizzo, luogo)
	}
	return pagopa.Avviso{
		Ente:     pagopa.Ente{Nome: ente.Denominazione, CodiceFiscale: ente.CodiceFiscale, Settore: ente.Settore, Info: ente.Indirizzo},
		Debitore: debitore, Oggetto: oggetto, Centesimi: a.Centesimi, Scadenza: scadenza, CodiceAvviso: a.CodiceAvviso,
		ContoPostale: x.TipoDovuto.ContoPostale, IntestatarioConto: x.TipoDovuto.IntestatarioConto,
	}
}
