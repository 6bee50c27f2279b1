package impostazioni

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

var admin = operatori.Operatore{Username: "admin", Ruolo: operatori.RuoloAmministratore}

func newService(t *testing.T, sec secrets.Store) *Service {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "imp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if sec == nil {
		sec = &secrets.File{Path: filepath.Join(t.TempDir(), "secrets.json")}
	}
	return &Service{DB: db, Secrets: sec}
}

func TestEnte(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	if _, err := s.Ente(ctx); !errors.Is(err, ErrEnteNonConfigurato) {
		t.Fatalf("got %v", err)
	}
	var ve ErrValidazione
	err := s.SalvaEnte(ctx, admin, Ente{Denominazione: "Comune di Vimercate", CodiceFiscale: "02066170965"})
	if !errors.As(err, &ve) || ve.Campo != "Codice fiscale" {
		t.Fatalf("wrong check digit accepted: %v", err)
	}
	err = s.SalvaEnte(ctx, admin, Ente{Denominazione: "Comune di Vimercate", CodiceFiscale: "02066170966", CodiceIPA: "C M052"})
	if !errors.As(err, &ve) || ve.Campo != "Codice IPA" {
		t.Fatalf("bad IPA code accepted: %v", err)
	}
	op := operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloOperatoreInvio}
	if err := s.SalvaEnte(ctx, op, Ente{Denominazione: "X", CodiceFiscale: "02066170966"}); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Fatalf("operator changed the ente: %v", err)
	}
	if err := s.SalvaEnte(ctx, admin, Ente{Denominazione: " Comune di Vimercate ", CodiceFiscale: "02066170966", CodiceIPA: "c_m052"}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Ente(ctx)
	if err != nil || e.Denominazione != "Comune di Vimercate" || e.ModificatoDa != "admin" {
		t.Fatalf("%+v %v", e, err)
	}
}

func TestServizioKeyNeverInDatabase(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	const key = "5f3c2a9d8e7b41c0a6f1d2e3b4c5a697"
	sv := store.ServizioIO{Nome: "TARI - Tassa rifiuti", ServiceID: "01HZX4TARI0000000000000001", BaseURL: "https://api.io.pagopa.it/api/v1/", Livello: "STANDARD", Attivo: true}
	var ve ErrValidazione
	if _, err := s.SalvaServizioIO(ctx, admin, sv, ""); !errors.As(err, &ve) || ve.Campo != "Chiave API" {
		t.Fatalf("new service without key: %v", err)
	}
	id, err := s.SalvaServizioIO(ctx, admin, sv, key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Chiave(sv.ServiceID)
	if err != nil || got != key {
		t.Fatalf("key %q %v", got, err)
	}
	list, _ := s.ServiziIO(ctx)
	if len(list) != 1 || !list[0].ChiavePresente || list[0].BaseURL != "https://api.io.pagopa.it/api/v1" {
		t.Fatalf("%+v", list)
	}
	// Update without key keeps the key.
	sv.ID, sv.Livello = id, "ADVANCED"
	if _, err := s.SalvaServizioIO(ctx, admin, sv, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Chiave(sv.ServiceID); got != key {
		t.Fatal("update without key lost the key")
	}
	// The key is nowhere in the database files (WAL included).
	s.DB.Close()
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(s.DB.Path + suffix)
		if bytes.Contains(b, []byte(key)) {
			t.Fatalf("API key found in %s", filepath.Base(s.DB.Path+suffix))
		}
	}
}

// refusingStore is a secret store whose backend refuses writes, as a locked keyring does.
type refusingStore struct{ secrets.File }

func (r *refusingStore) Set(string, string) error { return errors.New("portachiavi bloccato") }

func TestKeyringFailureSavesNothing(t *testing.T) {
	s := newService(t, &refusingStore{})
	ctx := context.Background()
	sv := store.ServizioIO{Nome: "Anagrafe", ServiceID: "01HZX4ANAG", BaseURL: "https://api.io.pagopa.it/api/v1", Livello: "STANDARD", Attivo: true}
	if _, err := s.SalvaServizioIO(ctx, admin, sv, "0123456789abcdef0123456789abcdef"); err == nil {
		t.Fatal("no error with a refusing keyring")
	}
	if list, _ := s.ServiziIO(ctx); len(list) != 0 {
		t.Fatalf("service half-saved: %+v", list)
	}
}
