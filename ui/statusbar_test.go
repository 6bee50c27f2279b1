package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/registro"
)

func TestTestoStatoPEC(t *testing.T) {
	for _, c := range []struct {
		st   registro.StatoSync
		want string
	}{
		{registro.StatoSync{Online: true}, "Gestore PEC: primo collegamento in corso  ·  0 modifiche da sincronizzare"},
		{registro.StatoSync{Online: true, UltimoOK: time.Now()}, "Gestore PEC: online  ·  0 modifiche da sincronizzare"},
		{registro.StatoSync{Online: true, UltimoOK: time.Now(), Pendenti: 1, Conflitti: 1}, "Gestore PEC: online  ·  1 modifica da sincronizzare  ·  1 conflitto"},
		{registro.StatoSync{Pendenti: 12, Conflitti: 3, UltimoErrore: "503"}, "Gestore PEC: non raggiungibile  ·  12 modifiche da sincronizzare  ·  3 conflitti"},
	} {
		if got := testoStatoPEC(c.st); got != c.want {
			t.Errorf("%+v: %q, want %q", c.st, got, c.want)
		}
	}
}

// The status bar shows the PEC provider's part only once one is
// configured, and its goroutine stops on logout.
func TestStatusBarGestorePEC(t *testing.T) {
	ctx := context.Background()
	u := newTestUI(t)
	u.statoInSottofondo = true
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	u.ShowMain()
	m := u.main
	m.stopStato()
	<-m.statoFatto // the first refresh, if it started, is over
	base := m.Status.Text
	if !strings.HasPrefix(base, "Operatore: Anna Esposito") || strings.Contains(base, "Gestore PEC") {
		t.Fatalf("no provider: %q", base)
	}
	if got := u.statoPEC(ctx); got != "" {
		t.Fatalf("no provider, PEC part %q", got)
	}
	if err := u.Core.Impostazioni.SalvaProvider(ctx, admin, "http://127.0.0.1:1/provider/api/v1", "chiave-di-prova"); err != nil {
		t.Fatal(err)
	}
	m.setStatoPEC(u.statoPEC(ctx))
	if want := base + "  ·  Gestore PEC: primo collegamento in corso  ·  0 modifiche da sincronizzare"; m.Status.Text != want {
		t.Fatalf("provider configured: %q, want %q", m.Status.Text, want)
	}
	// A new main window (login again) starts its own refresh and stops on logout.
	u.ShowMain()
	m2 := u.main
	u.logout()
	<-m2.statoFatto
}
