package impostazioni

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

// Names of the FdR organization API's settings in the secret store. The
// subscription key is a secret; the address is not, but no table of the
// schema holds it yet (pagopa_config has only the GPD address), so it
// waits there, its changes audited in the database with their values.
const (
	secretFdR    = "pagopa/fdr"
	secretFdRURL = "pagopa/fdr-url"
)

// PercorsoFdR is where pagoPA serves the FdR API for organizations on the
// host of its other APIs (https://api.platform.pagopa.it/fdr-org/service/v1).
const PercorsoFdR = "/fdr-org/service/v1"

// FdR is how to reach pagoPA's FdR API for organizations (the reporting
// flows published for the ente).
type FdR struct {
	URL    string
	Chiave string // subscription key, from the secret store
	// Derivato: no address was saved, URL is PercorsoFdR on the host of
	// the GPD address (the same gateway).
	Derivato    bool
	Configurato bool
}

// FdR reads the configuration and the key.
func (s *Service) FdR(ctx context.Context) (FdR, error) {
	var c FdR
	u, err := s.Secrets.Get(secretFdRURL)
	switch {
	case err == nil && u != "":
		c.URL = u
	case err == nil, errors.Is(err, secrets.ErrNotFound):
		g, err := s.DB.GPDURL(ctx)
		if err != nil {
			return c, err
		}
		if p, perr := url.Parse(g); g != "" && perr == nil && p.Host != "" {
			c.URL, c.Derivato = p.Scheme+"://"+p.Host+PercorsoFdR, true
		}
	default:
		return c, err
	}
	if k, err := s.Secrets.Get(secretFdR); err == nil {
		c.Chiave = k
	}
	c.Configurato = c.URL != "" && c.Chiave != ""
	return c, nil
}

// SalvaFdR stores the FdR API address ("" keeps the one derived from the
// GPD address) and, when given, a new key (to the secret store, never the
// database); administrator only.
func (s *Service) SalvaFdR(ctx context.Context, by operatori.Operatore, baseURL, chiave string) error {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return operatori.ErrNonAutorizzato
	}
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if baseURL != "" {
		if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return ErrValidazione{Campo: "URL FdR", Motivo: "indirizzo non valido (es. https://api.platform.pagopa.it" + PercorsoFdR + ")"}
		}
	}
	chiave = strings.TrimSpace(chiave)
	prima, err := s.Secrets.Get(secretFdRURL)
	if err != nil && !errors.Is(err, secrets.ErrNotFound) {
		return err
	}
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		changes := store.Diff(map[string]string{"url_fdr": prima}, map[string]string{"url_fdr": baseURL})
		if chiave != "" {
			changes = append(changes, store.FieldChange{Field: "chiave_fdr", Before: "(riservata)", After: "(sostituita)"})
		}
		if len(changes) == 0 {
			return nil
		}
		if err := tx.Audit(ctx, "pagopa", "fdr", store.Modifica, changes); err != nil {
			return err
		}
		// Written last, inside the transaction: a refused write rolls the
		// audit back.
		if baseURL != prima {
			if err := s.Secrets.Set(secretFdRURL, baseURL); err != nil {
				return err
			}
		}
		if chiave != "" {
			return s.Secrets.Set(secretFdR, chiave)
		}
		return nil
	})
}
