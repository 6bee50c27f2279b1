// Package impostazioni holds the ente's configuration: its identity and
// its App IO services. Service API keys go to the secret store, never to
// the database.
package impostazioni

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

// Service reads and changes the configuration.
type Service struct {
	DB      *store.DB
	Secrets secrets.Store
}

// Ente is the configured municipality.
type Ente = store.Ente

// ErrValidazione names the field and the reason, in Italian.
type ErrValidazione = operatori.ErrValidazione

// ErrEnteNonConfigurato is returned before the ente has been set up.
var ErrEnteNonConfigurato = errors.New("ente non ancora configurato: aprire Impostazioni → Ente")

// Ente returns the configured ente.
func (s *Service) Ente(ctx context.Context) (Ente, error) {
	e, err := s.DB.Ente(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return e, ErrEnteNonConfigurato
	}
	return e, err
}

var ipaPattern = regexp.MustCompile(`^[a-z0-9_]{2,20}$`)

// SalvaEnte validates and stores the ente; administrators only.
func (s *Service) SalvaEnte(ctx context.Context, by operatori.Operatore, e Ente) error {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return operatori.ErrNonAutorizzato
	}
	e.Denominazione = strings.TrimSpace(e.Denominazione)
	e.CodiceFiscale = strings.TrimSpace(e.CodiceFiscale)
	e.CodiceIPA = strings.TrimSpace(e.CodiceIPA)
	if e.Denominazione == "" {
		return ErrValidazione{Campo: "Denominazione", Motivo: "obbligatoria"}
	}
	if err := anagrafe.ValidaCodiceFiscaleNumerico(e.CodiceFiscale); err != nil {
		return ErrValidazione{Campo: "Codice fiscale", Motivo: anagrafe.Dettaglio(err)}
	}
	if e.CodiceIPA != "" && !ipaPattern.MatchString(e.CodiceIPA) {
		return ErrValidazione{Campo: "Codice IPA", Motivo: "da 2 a 20 caratteri tra minuscole, cifre e trattino basso (es. c_h501)"}
	}
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error { return tx.SaveEnte(ctx, e) })
}

// ServizioIO is a configured App IO service and whether its key is stored.
type ServizioIO struct {
	store.ServizioIO
	ChiavePresente bool
}

// SecretName is the name of a service's API key in the secret store.
func SecretName(serviceID string) string { return "appio/" + serviceID }

// ServiziIO lists the configured services.
func (s *Service) ServiziIO(ctx context.Context) ([]ServizioIO, error) {
	list, err := s.DB.ServiziIO(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ServizioIO, len(list))
	for i, sv := range list {
		_, kerr := s.Secrets.Get(SecretName(sv.ServiceID))
		out[i] = ServizioIO{ServizioIO: sv, ChiavePresente: kerr == nil}
	}
	return out, nil
}

// Chiave returns the API key of a service.
func (s *Service) Chiave(serviceID string) (string, error) {
	k, err := s.Secrets.Get(SecretName(serviceID))
	if errors.Is(err, secrets.ErrNotFound) {
		return "", fmt.Errorf("chiave API del servizio %s non configurata: inserirla in Impostazioni → Servizi IO", serviceID)
	}
	return k, err
}

var serviceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func validateServizio(sv store.ServizioIO, apiKey string, creating bool) error {
	if strings.TrimSpace(sv.Nome) == "" {
		return ErrValidazione{Campo: "Nome", Motivo: "obbligatorio"}
	}
	if !serviceIDPattern.MatchString(sv.ServiceID) {
		return ErrValidazione{Campo: "ID servizio", Motivo: "obbligatorio, solo lettere, cifre, - e _ (come indicato nel portale IO)"}
	}
	u, err := url.Parse(sv.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ErrValidazione{Campo: "URL base", Motivo: "indirizzo non valido (es. https://api.io.pagopa.it/api/v1)"}
	}
	if sv.Livello != "STANDARD" && sv.Livello != "ADVANCED" {
		return ErrValidazione{Campo: "Livello", Motivo: "STANDARD o ADVANCED"}
	}
	if sv.ImportoMassimo < 0 {
		return ErrValidazione{Campo: "Importo massimo", Motivo: "non può essere negativo"}
	}
	if creating && apiKey == "" {
		return ErrValidazione{Campo: "Chiave API", Motivo: "obbligatoria per un nuovo servizio"}
	}
	if apiKey != "" && (len(apiKey) < 16 || len(apiKey) > 128 || strings.ContainsAny(apiKey, " \t\r\n")) {
		return ErrValidazione{Campo: "Chiave API", Motivo: "formato non valido (da 16 a 128 caratteri senza spazi)"}
	}
	return nil
}

// SalvaServizioIO creates (ID 0) or updates a service. A non-empty apiKey
// replaces the stored key; the key itself is never written to the database
// or the audit trail (only that it changed).
func (s *Service) SalvaServizioIO(ctx context.Context, by operatori.Operatore, sv store.ServizioIO, apiKey string) (int64, error) {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return 0, operatori.ErrNonAutorizzato
	}
	sv.Nome, sv.ServiceID, sv.BaseURL = strings.TrimSpace(sv.Nome), strings.TrimSpace(sv.ServiceID), strings.TrimRight(strings.TrimSpace(sv.BaseURL), "/")
	apiKey = strings.TrimSpace(apiKey)
	if err := validateServizio(sv, apiKey, sv.ID == 0); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		var err error
		if id, err = tx.SaveServizioIO(ctx, sv); err != nil {
			return err
		}
		if apiKey == "" {
			return nil
		}
		if err := tx.Audit(ctx, "servizio_io", fmt.Sprint(id), store.Modifica,
			[]store.FieldChange{{Field: "chiave_api", Before: "(riservata)", After: "(sostituita)"}}); err != nil {
			return err
		}
		// Written last inside the transaction: if the keyring refuses, nothing is saved.
		return s.Secrets.Set(SecretName(sv.ServiceID), apiKey)
	})
	if errors.Is(err, store.ErrDuplicate) {
		return 0, ErrValidazione{Campo: "Nome / ID servizio", Motivo: "esiste già un servizio con questo nome o ID"}
	}
	return id, err
}

// EliminaServizioIO removes a service and its key.
func (s *Service) EliminaServizioIO(ctx context.Context, by operatori.Operatore, id int64) error {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return operatori.ErrNonAutorizzato
	}
	var serviceID string
	err := s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT service_id FROM servizi_io WHERE id = ?`, id).Scan(&serviceID); err != nil {
			return err
		}
		return tx.DeleteServizioIO(ctx, id)
	})
	if err != nil {
		return err
	}
	return s.Secrets.Delete(SecretName(serviceID))
}
