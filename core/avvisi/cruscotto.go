package avvisi

import (
	"context"

	"github.com/sportello/sportello/store"
)

// FiltroAvvisi selects notices for the payments dashboard.
type FiltroAvvisi = store.FiltroAvvisi

// RigaCruscotto is a notice as the dashboard lists it.
type RigaCruscotto = store.RigaCruscotto

// ContaAvvisi counts the notices matching f.
func (s *Service) ContaAvvisi(ctx context.Context, f FiltroAvvisi) (int, error) {
	return s.DB.CountAvvisi(ctx, f)
}

// Avvisi pages through the notices matching f, newest first.
func (s *Service) Avvisi(ctx context.Context, f FiltroAvvisi, offset, limit int) ([]RigaCruscotto, error) {
	return s.DB.Avvisi(ctx, f, offset, limit)
}

// TipiDovuto are the kinds of payment, for the dashboard's filter.
func (s *Service) TipiDovuto(ctx context.Context) ([]store.TipoDovuto, error) {
	return s.DB.TipiDovuto(ctx)
}

// RigheLotto reads a batch's rows in file order, with their states.
func (s *Service) RigheLotto(ctx context.Context, lottoUUID string) ([]store.AvvisoLotto, error) {
	l, _, err := s.DB.ConteggiLotto(ctx, lottoUUID)
	if err != nil {
		return nil, err
	}
	return s.DB.AvvisiLotto(ctx, l.ID)
}

// ConteggiInvio counts a batch's notices by sending state ("" : never queued).
func (s *Service) ConteggiInvio(ctx context.Context, lottoUUID string) (map[string]int, error) {
	l, _, err := s.DB.ConteggiLotto(ctx, lottoUUID)
	if err != nil {
		return nil, err
	}
	return s.DB.ConteggiInvio(ctx, l.ID)
}
