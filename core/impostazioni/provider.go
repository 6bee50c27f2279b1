package impostazioni

import (
	"context"
	"net/url"
	"strings"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// secretProvider names the reseller's provisioning API key in the secret store.
const secretProvider = "pec/provider"

// Provider is how to reach the PEC provider's provisioning API.
type Provider struct {
	URL         string
	Chiave      string // from the secret store
	Configurato bool
}

// Provider reads the configuration and the key.
func (s *Service) Provider(ctx context.Context) (Provider, error) {
	u, err := s.DB.ProviderURL(ctx)
	if err != nil || u == "" {
		return Provider{}, err
	}
	k, err := s.Secrets.Get(secretProvider)
	if err != nil {
		return Provider{URL: u}, nil
	}
	return Provider{URL: u, Chiave: k, Configurato: k != ""}, nil
}

// SalvaProvider stores the provisioning API address and, when given, a
// new key (to the secret store, never the database); administrator only.
func (s *Service) SalvaProvider(ctx context.Context, by operatori.Operatore, baseURL, chiave string) error {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return operatori.ErrNonAutorizzato
	}
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ErrValidazione{Campo: "URL del gestore PEC", Motivo: "indirizzo non valido (es. https://api.gestore.it/provider/api/v1)"}
	}
	chiave = strings.TrimSpace(chiave)
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if err := tx.SaveProviderURL(ctx, baseURL); err != nil {
			return err
		}
		if chiave == "" {
			return nil
		}
		if err := tx.Audit(ctx, "provider", "1", store.Modifica,
			[]store.FieldChange{{Field: "chiave", Before: "(riservata)", After: "(sostituita)"}}); err != nil {
			return err
		}
		return s.Secrets.Set(secretProvider, chiave)
	})
}
