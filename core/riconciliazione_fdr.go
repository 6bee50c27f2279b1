package core

import (
	"context"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione"
)

// ScaricaFdR downloads from pagoPA the reporting flows published for the
// ente after dal through the FdR API configured in the settings, and
// stores the new ones as imported flows (riconciliazione.Service.ScaricaFdR).
func (a *App) ScaricaFdR(ctx context.Context, op operatori.Operatore, dal time.Time, report func(done, total int)) (int, error) {
	cfg, err := a.Impostazioni.FdR(ctx)
	if err != nil {
		return 0, err
	}
	if !cfg.Configurato {
		return 0, riconciliazione.ErrFdRNonConfigurato
	}
	return a.Riconciliazione.ScaricaFdR(ctx, op, riconciliazione.ConfigFdR{URL: cfg.URL, Chiave: cfg.Chiave}, dal, report)
}
