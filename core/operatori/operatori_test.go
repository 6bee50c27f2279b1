package operatori

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/store"
)

func newService(t *testing.T) *Service {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "op.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Service{DB: db}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("Segreta-2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	h2, _ := HashPassword("Segreta-2026")
	if h == h2 {
		t.Fatal("two hashes of the same password are equal: salt missing")
	}
	if ok, err := CheckPassword(h, "Segreta-2026"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := CheckPassword(h, "segreta-2026"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := CheckPassword("$2a$10$abc", "x"); err == nil {
		t.Fatal("foreign hash format accepted")
	}
}

func TestFirstRunAndLogin(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	primo, err := s.PrimoAvvio(ctx)
	if err != nil || !primo {
		t.Fatalf("PrimoAvvio = %v, %v", primo, err)
	}
	_, err = s.CreaAmministratore(ctx, Nuovo{Username: "admin", Nome: "Anna Esposito", Password: "corta"})
	var ve ErrValidazione
	if !errors.As(err, &ve) || ve.Campo != "Password" {
		t.Fatalf("short password: got %v", err)
	}
	admin, err := s.CreaAmministratore(ctx, Nuovo{Username: "admin", Nome: "Anna Esposito", Password: "Comune-di-Prova-1"})
	if err != nil {
		t.Fatal(err)
	}
	if admin.Ruolo != RuoloAmministratore {
		t.Fatalf("role %q", admin.Ruolo)
	}
	if _, err := s.CreaAmministratore(ctx, Nuovo{Username: "admin2", Nome: "Altro", Password: "Comune-di-Prova-1"}); err == nil {
		t.Fatal("a second first-run administrator was created")
	}
	if primo, _ := s.PrimoAvvio(ctx); primo {
		t.Fatal("still first run after creating the administrator")
	}
	if _, err := s.Login(ctx, "admin", "sbagliata-123"); !errors.Is(err, ErrCredenziali) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.Login(ctx, "nessuno", "Comune-di-Prova-1"); !errors.Is(err, ErrCredenziali) {
		t.Fatalf("unknown user: %v", err)
	}
	o, err := s.Login(ctx, "admin", "Comune-di-Prova-1")
	if err != nil || o.Username != "admin" || !o.AccessoPrecedente.IsZero() {
		t.Fatalf("login: %+v %v", o, err)
	}
	o, _ = s.Login(ctx, "admin", "Comune-di-Prova-1")
	if o.AccessoPrecedente.IsZero() {
		t.Fatal("second login does not report the previous access")
	}
}

func TestRolesAndAccounts(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	admin, err := s.CreaAmministratore(ctx, Nuovo{Username: "admin", Nome: "Anna Esposito", Password: "Comune-di-Prova-1"})
	if err != nil {
		t.Fatal(err)
	}
	op, err := s.Crea(ctx, admin, Nuovo{Username: "g.ferrari", Nome: "Giulia Ferrari", Email: "g.ferrari@comune.example.it",
		Ruolo: RuoloOperatoreInvio, Password: "Notifiche-2026", Attivo: true})
	if err != nil {
		t.Fatal(err)
	}
	// An operator cannot create accounts.
	if _, err := s.Crea(ctx, op, Nuovo{Username: "x.y", Nome: "X", Ruolo: RuoloOperatore, Password: "Abcdefghij-1", Attivo: true}); !errors.Is(err, ErrNonAutorizzato) {
		t.Fatalf("operator created an account: %v", err)
	}
	// Duplicate username and bad username are field errors.
	_, err = s.Crea(ctx, admin, Nuovo{Username: "g.ferrari", Nome: "Altra", Ruolo: RuoloOperatore, Password: "Abcdefghij-1", Attivo: true})
	var ve ErrValidazione
	if !errors.As(err, &ve) || ve.Campo != "Nome utente" {
		t.Fatalf("duplicate: %v", err)
	}
	_, err = s.Crea(ctx, admin, Nuovo{Username: "G Ferrari", Nome: "Altra", Ruolo: RuoloOperatore, Password: "Abcdefghij-1", Attivo: true})
	if !errors.As(err, &ve) || ve.Campo != "Nome utente" {
		t.Fatalf("bad username: %v", err)
	}
	// The last administrator cannot be demoted.
	err = s.Modifica(ctx, admin, admin.ID, Nuovo{Username: "admin", Nome: "Anna Esposito", Ruolo: RuoloSupervisore, Attivo: true})
	if !errors.As(err, &ve) || ve.Campo != "Ruolo" {
		t.Fatalf("demoted last admin: %v", err)
	}
	// Disabling an account blocks its login; the change is audited with the old and new value.
	if err := s.Modifica(ctx, admin, op.ID, Nuovo{Username: "g.ferrari", Nome: "Giulia Ferrari", Email: "g.ferrari@comune.example.it", Ruolo: RuoloOperatoreInvio, Attivo: false}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "g.ferrari", "Notifiche-2026"); !errors.Is(err, ErrDisattivato) {
		t.Fatalf("disabled account logged in: %v", err)
	}
	h, _ := s.DB.History(ctx, "operatore", "g.ferrari")
	if len(h) == 0 || h[0].Campo != "attivo" || h[0].Prima != "true" || h[0].Dopo != "false" || h[0].Operatore != "admin" {
		t.Fatalf("history %+v", h)
	}
	// Password change by the owner.
	if err := s.Modifica(ctx, admin, op.ID, Nuovo{Username: "g.ferrari", Nome: "Giulia Ferrari", Email: "g.ferrari@comune.example.it", Ruolo: RuoloOperatoreInvio, Attivo: true}); err != nil {
		t.Fatal(err)
	}
	op.Attivo = true
	if err := s.CambiaPassword(ctx, op, "sbagliata", "Nuova-password-1"); err == nil {
		t.Fatal("password changed without the current one")
	}
	if err := s.CambiaPassword(ctx, op, "Notifiche-2026", "Nuova-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "g.ferrari", "Nuova-password-1"); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Elenco(ctx, admin); err != nil || len(list) != 2 {
		t.Fatalf("elenco %d %v", len(list), err)
	}
}

func TestRuoloOrder(t *testing.T) {
	if !RuoloAmministratore.Almeno(RuoloSupervisore) || RuoloOperatore.Almeno(RuoloOperatoreInvio) || Ruolo("boh").Almeno(RuoloOperatore) {
		t.Fatal("role order broken")
	}
	if r, ok := RuoloByLabel("Operatore abilitato all'invio"); !ok || r != RuoloOperatoreInvio {
		t.Fatal("label lookup")
	}
}
