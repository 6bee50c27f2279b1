package demo

import (
	"context"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/sandbox"
)

// syncFdR points the FdR API for organizations at this run's sandbox. Its
// address follows the GPD one (same host, re-pointed just before), so only
// the key is stored, once: a new port is no new setting.
func syncFdR(ctx context.Context, a *core.App, admin operatori.Operatore, sb *sandbox.Sandbox) error {
	cfg, err := a.Impostazioni.FdR(ctx)
	if err != nil {
		return err
	}
	cr := sb.FdRCredentials()
	if cfg.URL == cr.BaseURL && cfg.Chiave == cr.Key {
		return nil
	}
	u, chiave := cr.BaseURL, cr.Key
	if cfg.Derivato && cfg.URL == cr.BaseURL {
		u = ""
	}
	if cfg.Chiave == cr.Key {
		chiave = ""
	}
	return a.Impostazioni.SalvaFdR(ctx, admin, u, chiave)
}

// seedSegnalazioni flags two of the demo's anomalies, one flag still open
// and one closed by a supervisor, so that Storico Segnalazioni and the
// detail's flags have a story to show. Labels the demo lacks are skipped.
func seedSegnalazioni(ctx context.Context, a *core.App) error {
	ufficio := operatori.Operatore{Username: "demo", Ruolo: operatori.RuoloOperatoreInvio}
	capo := operatori.Operatore{Username: "m.colombo", Ruolo: operatori.RuoloSupervisore}
	for _, s := range []struct{ classe, nota, chiusura string }{
		{"RT_NO_IUF", "Pagamento con ricevuta non ancora rendicontato: scritto al PSP per il flusso mancante.", ""},
		{"IUF_TES_DIV_IMP", "Il tesoriere ha accreditato un importo diverso dal totale del flusso: chiesto il dettaglio alla banca.",
			"La banca ha trattenuto commissioni non dovute: stornate con un accredito successivo."},
	} {
		c, _ := riconciliazione.ClasseDi(s.classe)
		rr, err := a.Riconciliazione.Elenco(ctx, riconciliazione.FiltroElenco{Positive: c.Positiva, Classe: s.classe}, 0, 1)
		if err != nil {
			return err
		}
		if len(rr) == 0 {
			continue
		}
		r := rr[0]
		if err := a.Riconciliazione.Segnala(ctx, ufficio, r.ChiaveTipo, r.Chiave, r.IUR, r.Classe, s.nota); err != nil {
			return err
		}
		if s.chiusura != "" {
			if err := a.Riconciliazione.ChiudiSegnalazione(ctx, capo, r.ChiaveTipo, r.Chiave, r.IUR, s.chiusura); err != nil {
				return err
			}
		}
	}
	return nil
}
