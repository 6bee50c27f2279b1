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
