package impostazioni

import (
	"context"
	"net/url"
	"strings"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// secretGPD names the GPD subscription key in the secret store.
const secretGPD = "pagopa/gpd"

// GPD is how to reach pagoPA's debt positions service.
type GPD struct {
	URL         string
	Chiave      string // subscription key, from the secret store
	Configurato bool
}

// GPD reads the configuration and the key.
func (s *Service) GPD(ctx context.Context) (GPD, error) {
	u, err := s.DB.GPDURL(ctx)
	if err != nil || u == "" {
		return GPD{}, err
	}
	k, err := s.Secrets.Get(secretGPD)
	if err != nil {
		return GPD{URL: u}, nil
	}
	return GPD{URL: u, Chiave: k, Configurato: k != ""}, nil
}

// SalvaGPD stores the GPD base URL and, when given, a new key (to the
// secret store, never the database); administrator only.
func (s *Service) SalvaGPD(ctx context.Context, by operatori.Operatore, baseURL, chiave string) error {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return operatori.ErrNonAutorizzato
	}
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ErrValidazione{Campo: "URL GPD", Motivo: "indirizzo non valido (es. https://api.platform.pagopa.it/gpd/debt-positions-service/v1)"}
	}
	chiave = strings.TrimSpace(chiave)
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if err := tx.SaveGPDURL(ctx, baseURL); err != nil {
			return err
		}
		if chiave == "" {
			return nil
		}
		if err := tx.Audit(ctx, "pagopa", "1", store.Modifica,
			[]store.FieldChange{{Field: "chiave_gpd", Before: "(riservata)", After: "(sostituita)"}}); err != nil {
			return err
		}
		return s.Secrets.Set(secretGPD, chiave)
	})
}
