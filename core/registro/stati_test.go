package registro

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/store"
)

func TestStatiCasella(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	id, err := f.s.InserisciCasella(ctx, bruno, form("mario.rossi", "pec-b.it", "DLCGUO68P15D969U"))
	if err != nil {
		t.Fatal(err)
	}
	stato := func(want string) {
		t.Helper()
		c, err := f.s.Casella(ctx, bruno, id)
		if err != nil || c.Stato != want {
			t.Fatalf("stato %q %v, want %q", c.Stato, err, want)
		}
	}
	righe := func() int {
		t.Helper()
		out, err := f.s.DB.Outbox(ctx, "PENDING", 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, o := range out {
			if o.Entita == "casella" && o.EntitaID == fmt.Sprint(id) {
				n++
			}
		}
		return n
	}
	// IN_ATTESA: activation is the provider's.
	campo(t, f.s.Sospendi(ctx, bruno, id), "Stato")
	campo(t, f.s.Cessa(ctx, bruno, id), "Stato")
	if err := f.s.Attiva(ctx, postmaster, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Riattiva(ctx, bruno, id); err != nil { // already ATTIVA: nothing to do
		t.Fatal(err)
	}
	// Another assistant cannot touch it.
	for _, fn := range []func() error{
		func() error { return f.s.Sospendi(ctx, anna, id) },
		func() error { return f.s.Riattiva(ctx, anna, id) },
		func() error { return f.s.Cessa(ctx, anna, id) },
	} {
		if err := fn(); !errors.Is(err, ErrNonTrovato) {
			t.Fatalf("fuori ambito: %v", err)
		}
	}
	prima := righe()
	if err := f.s.Sospendi(ctx, bruno, id); err != nil {
		t.Fatal(err)
	}
	stato(store.CasellaSospesa)
	if righe() != prima+1 {
		t.Fatalf("sospensione non accodata: %d righe", righe())
	}
	// Again: nothing changes, nothing is queued.
	if err := f.s.Sospendi(ctx, bruno, id); err != nil || righe() != prima+1 {
		t.Fatalf("di nuovo: %v, %d righe", err, righe())
	}
	if err := f.s.Riattiva(ctx, bruno, id); err != nil {
		t.Fatal(err)
	}
	stato(store.CasellaAttiva)
	if err := f.s.Sospendi(ctx, bruno, id); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Cessa(ctx, bruno, id); err != nil { // from SOSPESA
		t.Fatal(err)
	}
	stato(store.CasellaCessata)
	if righe() != prima+4 {
		t.Fatalf("righe outbox %d, want %d", righe(), prima+4)
	}
	// CESSATA is final.
	campo(t, f.s.Riattiva(ctx, bruno, id), "Stato")
	campo(t, f.s.Sospendi(ctx, bruno, id), "Stato")
	if err := f.s.Cessa(ctx, bruno, id); err != nil {
		t.Fatal(err)
	}
	campo(t, f.s.Attiva(ctx, postmaster, id, time.Time{}), "Stato")
	// The history tells who changed the state, and how.
	h, err := f.s.StoricoCasella(ctx, bruno, id)
	if err != nil {
		t.Fatal(err)
	}
	var passi []string
	for _, e := range h {
		if e.Campo == "stato" && e.Operatore == "bruno" && e.Prima != "" {
			passi = append(passi, e.Prima+">"+e.Dopo)
		}
	}
	if got := fmt.Sprint(passi); got != "[SOSPESA>CESSATA ATTIVA>SOSPESA SOSPESA>ATTIVA ATTIVA>SOSPESA]" {
		t.Fatalf("storico %s", got)
	}
}

// From ATTIVA straight to CESSATA, and the sync pushing each change.
func TestSyncStatiCasella(t *testing.T) {
	f := nuovoSync(t)
	ctx := context.Background()
	id := f.casella(t, "mario.rossi", "DLCGUO68P15D969U")
	f.giro(t)
	deadline := time.Now().Add(20 * ritardoProvider)
	for {
		time.Sleep(ritardoProvider / 2)
		f.giro(t)
		if c, err := f.s.Casella(ctx, postmaster, id); err != nil {
			t.Fatal(err)
		} else if c.Stato == store.CasellaAttiva {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("casella non attivata")
		}
	}
	rem, err := f.s.DB.Remoto(ctx, "casella", id)
	if err != nil {
		t.Fatal(err)
	}
	passo := func(fn func() error, want string) {
		t.Helper()
		if err := fn(); err != nil {
			t.Fatal(err)
		}
		if es := f.giro(t); es.Inviate != 1 || es.Fallite != 0 || es.Conflitti != 0 || f.pendenti(t) != 0 {
			t.Fatalf("giro %+v, pendenti %d", es, f.pendenti(t))
		}
		x, err := f.c.LeggiCasella(ctx, rem.IDRemoto)
		if err != nil || x.Stato != want {
			t.Fatalf("provider %+v %v, want %s", x, err, want)
		}
	}
	passo(func() error { return f.s.Sospendi(ctx, postmaster, id) }, provider.StatoSospesa)
	passo(func() error { return f.s.Riattiva(ctx, postmaster, id) }, provider.StatoAttiva)
	passo(func() error { return f.s.Cessa(ctx, postmaster, id) }, provider.StatoCessata)
	// The provider's own feed entries for our calls change nothing here.
	if es := f.giro(t); es.Inviate != 0 || es.Ricevute != 0 {
		t.Fatalf("giro a vuoto %+v", es)
	}
	if c, _ := f.s.Casella(ctx, postmaster, id); c.Stato != store.CasellaCessata {
		t.Fatalf("stato locale %s", c.Stato)
	}
}
