package impostazioni

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sportello/sportello/core/operatori"
)

func TestFdR(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	if c, err := s.FdR(ctx); err != nil || c.Configurato || c.URL != "" {
		t.Fatalf("nothing configured: %+v %v", c, err)
	}
	// With GPD configured the address follows it: same gateway.
	if err := s.SalvaGPD(ctx, admin, "https://api.uat.platform.pagopa.it/gpd/debt-positions-service/v1", "gpd-key"); err != nil {
		t.Fatal(err)
	}
	c, err := s.FdR(ctx)
	if err != nil || !c.Derivato || c.URL != "https://api.uat.platform.pagopa.it/fdr-org/service/v1" || c.Configurato {
		t.Fatalf("derived: %+v %v", c, err)
	}
	var ve ErrValidazione
	if err := s.SalvaFdR(ctx, admin, "ftp://x", ""); !errors.As(err, &ve) || ve.Campo != "URL FdR" {
		t.Fatalf("bad address accepted: %v", err)
	}
	op := operatori.Operatore{Username: "l.ricci", Ruolo: operatori.RuoloSupervisore}
	if err := s.SalvaFdR(ctx, op, "", "k"); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Fatalf("a supervisor changed the FdR key: %v", err)
	}
	const key = "9d1f0c3b7a6e45d2b8c4f1e0a9b8c7d6"
	if err := s.SalvaFdR(ctx, admin, "", key); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.FdR(ctx); !c.Configurato || !c.Derivato || c.Chiave != key {
		t.Fatalf("with key: %+v", c)
	}
	if err := s.SalvaFdR(ctx, admin, "https://fdr.example.it/fdr-org/service/v1/", ""); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.FdR(ctx); c.Derivato || c.URL != "https://fdr.example.it/fdr-org/service/v1" || c.Chiave != key {
		t.Fatalf("explicit address: %+v", c)
	}
	h, err := s.DB.History(ctx, "pagopa", "fdr")
	if err != nil || len(h) != 2 {
		t.Fatalf("audit: %+v %v", h, err)
	}
	// The key is nowhere in the database files (WAL included).
	s.DB.Close()
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(s.DB.Path + suffix)
		if bytes.Contains(b, []byte(key)) {
			t.Fatalf("FdR key found in %s", filepath.Base(s.DB.Path+suffix))
		}
	}
}

func TestFdRKeyringFailureSavesNothing(t *testing.T) {
	s := newService(t, &refusingStore{})
	ctx := context.Background()
	if err := s.SalvaFdR(ctx, admin, "https://fdr.example.it/v1", "k"); err == nil {
		t.Fatal("no error with a refusing keyring")
	}
	if h, _ := s.DB.History(ctx, "pagopa", "fdr"); len(h) != 0 {
		t.Fatalf("audit of a change not made: %+v", h)
	}
}
