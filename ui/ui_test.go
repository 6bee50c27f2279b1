package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/secrets"
)

// newTestUI opens a real temporary database and a UI over it.
func newTestUI(t *testing.T) *UI {
	t.Helper()
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	c, err := core.Open(context.Background(), core.Options{DBPath: filepath.Join(dir, "ui.db"),
		Secrets: &secrets.File{Path: filepath.Join(dir, "secrets.json")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	u := New(fa, c, Options{DBPath: c.DB.Path})
	u.statoInSottofondo = false // see the field: TestStatusBarGestorePEC turns it on
	return u
}

func createAdmin(t *testing.T, u *UI) operatori.Operatore {
	t.Helper()
	o, err := u.Core.Operatori.CreaAmministratore(context.Background(), operatori.Nuovo{
		Username: "admin", Nome: "Anna Esposito", Password: "Comune-di-Prova-1"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestFirstRunCreatesAdministrator(t *testing.T) {
	u := newTestUI(t)
	u.Start()
	f := u.primoAvvio
	if f == nil {
		t.Fatal("first-run window not shown on an empty database")
	}
	test.Type(f.Username, "admin")
	test.Type(f.Nome, "Anna Esposito")
	test.Type(f.Password, "Comune-di-Prova-1")
	test.Type(f.Conferma, "Comune-di-Prova-2")
	test.Tap(f.Crea)
	if !f.Errore.Visible() || f.Errore.Text != "Le due password non coincidono" {
		t.Fatalf("mismatch not reported: %q", f.Errore.Text)
	}
	f.Conferma.SetText("Comune-di-Prova-1")
	test.Tap(f.Crea)
	if u.main == nil || u.main.Current != "home" {
		t.Fatal("main window not shown after creating the administrator")
	}
	if got := u.Core.Operatore(); got.Username != "admin" || got.Ruolo != operatori.RuoloAmministratore {
		t.Fatalf("logged in as %+v", got)
	}
}

func TestLoginAndRoleFilteredMenu(t *testing.T) {
	u := newTestUI(t)
	admin := createAdmin(t, u)
	if _, err := u.Core.Operatori.Crea(context.Background(), admin, operatori.Nuovo{Username: "l.ricci", Nome: "Laura Ricci",
		Ruolo: operatori.RuoloOperatore, Password: "Sportello-2026", Attivo: true}); err != nil {
		t.Fatal(err)
	}
	u.Start()
	f := u.loginForm
	if f == nil {
		t.Fatal("login window not shown")
	}
	test.Type(f.Username, "l.ricci")
	test.Type(f.Password, "sbagliata-99")
	test.Tap(f.Accedi)
	if u.main != nil || !f.Errore.Visible() || f.Errore.Text != operatori.ErrCredenziali.Error() {
		t.Fatalf("wrong password: main=%v error=%q", u.main != nil, f.Errore.Text)
	}
	if f.Password.Text != "" {
		t.Fatal("password left in the field after a failed login")
	}
	test.Type(f.Password, "Sportello-2026")
	f.Password.OnSubmitted(f.Password.Text) // Enter in the password field logs in
	if u.main == nil {
		t.Fatal("main window not shown after login")
	}
	for _, id := range []string{"home", "account", "ente", "flussi", "notifiche", "cruscotto"} {
		if _, ok := u.main.screens[id]; !ok {
			t.Errorf("operator does not see %q", id)
		}
	}
	for _, id := range []string{"servizi-io", "tipi-dovuto", "operatori", "database"} {
		if _, ok := u.main.screens[id]; ok {
			t.Errorf("operator sees the administrator's screen %q", id)
		}
	}
	u.Open("operatori") // not allowed: nothing happens
	if u.main.Current != "home" {
		t.Fatalf("current = %q", u.main.Current)
	}
	menu := u.Win.MainMenu()
	var titoli []string
	for _, m := range menu.Items {
		titoli = append(titoli, m.Label)
	}
	if want := "Sportello|Amministrazione del Sistema|Pagamenti|Registro PEC|Riconciliazione|Impostazioni"; strings.Join(titoli, "|") != want {
		t.Fatalf("main menu: %v, want %s", titoli, want)
	}
}

func TestEveryScreenOpensForAdministrator(t *testing.T) {
	u := newTestUI(t)
	u.Core.SetOperatore(createAdmin(t, u))
	u.ShowMain()
	for _, s := range screens() {
		u.Open(s.ID)
		if u.main.Current != s.ID || len(u.main.Content.Objects) != 1 {
			t.Errorf("screen %q did not open", s.ID)
		}
	}
}
