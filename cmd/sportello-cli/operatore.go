package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/demo"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// envOperatore names the operator when --operatore is not given.
const envOperatore = "SPORTELLO_OPERATORE"

// operatore resolves who a data-changing command acts as: --operatore,
// then $SPORTELLO_OPERATORE, then "demo" in demo mode, then the only active
// administrator when the database has exactly one. The account must exist
// and be active, otherwise the command stops with exit status 2. The
// operator is also recorded on the App.
func operatore(ctx context.Context, g globals, a *core.App) (operatori.Operatore, error) {
	username := strings.TrimSpace(g.operatore)
	if username == "" {
		username = strings.TrimSpace(os.Getenv(envOperatore))
	}
	if username == "" && g.demo {
		username = demo.Operatore
	}
	if username == "" {
		list, err := a.DB.Operatori(ctx)
		if err != nil {
			return operatori.Operatore{}, err
		}
		var admins []store.Operatore
		for _, o := range list {
			if o.Attivo && operatori.Ruolo(o.Ruolo) == operatori.RuoloAmministratore {
				admins = append(admins, o)
			}
		}
		if len(admins) != 1 {
			return operatori.Operatore{}, exitError{code: 2, msg: "indicare l'operatore che esegue il comando con --operatore USERNAME " +
				"o con la variabile " + envOperatore}
		}
		username = admins[0].Username
	}
	o, err := a.DB.OperatoreByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return operatori.Operatore{}, exitError{code: 2, msg: fmt.Sprintf("operatore %q inesistente (vedere: sportello-cli operatori elenco)", username)}
	}
	if err != nil {
		return operatori.Operatore{}, err
	}
	if !o.Attivo {
		return operatori.Operatore{}, exitError{code: 2, msg: fmt.Sprintf("l'operatore %q è disattivato: rivolgersi all'amministratore", username)}
	}
	op := operatori.Operatore{ID: o.ID, Username: o.Username, Nome: o.Nome, Email: o.Email, Ruolo: operatori.Ruolo(o.Ruolo),
		Attivo: o.Attivo, AccessoPrecedente: o.UltimoAccesso}
	a.SetOperatore(op)
	return op, nil
}
