package pagopa_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
)

func gpdSandbox(t *testing.T) (*pagopa.GPD, *sandbox.Sandbox, string) {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), "127.0.0.1:0", sandbox.Config{Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	c := sb.GPDCredentials()
	return &pagopa.GPD{BaseURL: c.BaseURL, Key: c.Key}, sb, c.OrganizationFiscalCode
}

func posizione(iupd string, base uint64) pagopa.Posizione {
	avviso := pagopa.CodiceAvviso(1, base)
	return pagopa.Posizione{IUPD: iupd, Tipo: "F", CodiceFiscale: "RSSMRA80A01F205X", Nome: "Mario Rossi",
		Ente: "Comune di Vimercate", Email: "mario.rossi@example.it",
		OpzioniPagamento: []pagopa.Opzione{{IUV: pagopa.IUV(avviso), Centesimi: 23450, Descrizione: "Trasporto scolastico 2026/27",
			Scadenza: time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC),
			Trasferimenti: []pagopa.Trasferimento{{ID: "1", Centesimi: 23450, Causale: "Trasporto scolastico 2026/27",
				Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456"}}}}}
}

// The life of a position on GPD (the sandbox, over HTTP): created and
// published at once, read back, a second create is "already there",
// paid, and a draft published then invalidated.
func TestGPDCicloDiVita(t *testing.T) {
	g, sb, org := gpdSandbox(t)
	ctx := context.Background()
	p, err := g.Crea(ctx, org, posizione("SPORTELLO-B1-R2", 1), true)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stato != pagopa.StatoValida || p.OpzioniPagamento[0].CodiceAvviso != pagopa.CodiceAvviso(1, 1) {
		t.Fatalf("created %+v", p)
	}
	if _, err := g.Crea(ctx, org, posizione("SPORTELLO-B1-R2", 1), true); !errors.Is(err, pagopa.ErrPosizioneEsistente) {
		t.Fatalf("second create: %v", err)
	}
	if err := sb.PagaPosizione("SPORTELLO-B1-R2"); err != nil {
		t.Fatal(err)
	}
	got, err := g.Leggi(ctx, org, "SPORTELLO-B1-R2")
	if err != nil || got.Stato != pagopa.StatoPagata || got.PagataIl == nil || got.OpzioniPagamento[0].Centesimi != 23450 {
		t.Fatalf("read back %+v %v", got, err)
	}

	bozza, err := g.Crea(ctx, org, posizione("SPORTELLO-B1-R3", 2), false)
	if err != nil || bozza.Stato != pagopa.StatoBozza {
		t.Fatalf("draft %+v %v", bozza, err)
	}
	if p, err := g.Pubblica(ctx, org, "SPORTELLO-B1-R3"); err != nil || p.Stato != pagopa.StatoValida {
		t.Fatalf("publish %+v %v", p, err)
	}
	if p, err := g.Invalida(ctx, org, "SPORTELLO-B1-R3"); err != nil || p.Stato != pagopa.StatoAnnullata {
		t.Fatalf("invalidate %+v %v", p, err)
	}
	var ge *pagopa.ErroreGPD
	if _, err := g.Invalida(ctx, org, "SPORTELLO-B1-R3"); !errors.As(err, &ge) || ge.Status != 409 {
		t.Fatalf("invalidate twice: %v", err)
	}
	if _, err := g.Leggi(ctx, org, "NON-ESISTE"); !errors.Is(err, pagopa.ErrPosizioneNonTrovata) {
		t.Fatalf("unknown position: %v", err)
	}
}

func TestGPDRifiuti(t *testing.T) {
	g, _, org := gpdSandbox(t)
	ctx := context.Background()
	var ge *pagopa.ErroreGPD

	bad := posizione("SPORTELLO-B1-R9", 9)
	bad.OpzioniPagamento[0].Trasferimenti[0].Centesimi = 100 // does not add up
	bad.Ente = ""
	_, err := g.Crea(ctx, org, bad, true)
	if !errors.As(err, &ge) || ge.Status != 400 || !strings.Contains(ge.Dettaglio, "companyName must not be blank") ||
		!strings.Contains(ge.Dettaglio, "differs from the sum of the transfers") || ge.Temporanea() {
		t.Fatalf("invalid body: %v", err)
	}
	if _, err := g.Crea(ctx, "00000000000", posizione("X", 10), true); !errors.As(err, &ge) || ge.Status != 403 {
		t.Fatalf("another ente: %v", err)
	}
	wrong := *g
	wrong.Key = "0123456789abcdef0123456789abcdef"
	if _, err := wrong.Leggi(ctx, org, "X"); !errors.As(err, &ge) || ge.Status != 401 {
		t.Fatalf("wrong key: %v", err)
	}
}

// With a state directory the sandbox's positions survive a restart, paid
// ones included, and their IUVs stay taken.
func TestGPDStatoPersistente(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	start := func() (*pagopa.GPD, *sandbox.Sandbox, string) {
		sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026, StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		c := sb.GPDCredentials()
		return &pagopa.GPD{BaseURL: c.BaseURL, Key: c.Key}, sb, c.OrganizationFiscalCode
	}
	g, sb, org := start()
	if _, err := g.Crea(ctx, org, posizione("SPORTELLO-B2-R2", 21), true); err != nil {
		t.Fatal(err)
	}
	if err := sb.PagaPosizione("SPORTELLO-B2-R2"); err != nil {
		t.Fatal(err)
	}
	sb.Close()

	g, sb, org = start()
	defer sb.Close()
	p, err := g.Leggi(ctx, org, "SPORTELLO-B2-R2")
	if err != nil || p.Stato != pagopa.StatoPagata || p.PagataIl == nil {
		t.Fatalf("after restart: %+v %v", p, err)
	}
	other := posizione("SPORTELLO-B2-R3", 21) // same IUV
	if _, err := g.Crea(ctx, org, other, true); !errors.Is(err, pagopa.ErrPosizioneEsistente) {
		t.Fatalf("IUV reused after restart: %v", err)
	}
}

// Many positions in one call (API v2): all created and published, or —
// when one is already there, or one is invalid — none.
func TestGPDCreaMolte(t *testing.T) {
	g, sb, org := gpdSandbox(t)
	ctx := context.Background()
	var ps []pagopa.Posizione
	for i := range 3 {
		ps = append(ps, posizione(fmt.Sprintf("MOLTE-%d", i), uint64(500+i)))
	}
	if err := g.CreaMolte(ctx, org, ps, true); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		got, err := g.Leggi(ctx, org, p.IUPD)
		if err != nil || got.Stato != pagopa.StatoValida {
			t.Fatalf("%s: %+v %v", p.IUPD, got, err)
		}
	}
	if n := sb.Stats().Calls["gpd.createMultiplePositions"]; n != 1 {
		t.Fatalf("calls: %d", n)
	}
	// One already there: 409, and the new one is not created either.
	nuova := posizione("MOLTE-NUOVA", 600)
	if err := g.CreaMolte(ctx, org, []pagopa.Posizione{nuova, ps[1]}, true); !errors.Is(err, pagopa.ErrPosizioneEsistente) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := g.Leggi(ctx, org, nuova.IUPD); !errors.Is(err, pagopa.ErrPosizioneNonTrovata) {
		t.Fatalf("a refused block left a position: %v", err)
	}
	// One invalid: 400 naming it, none created.
	bad := posizione("MOLTE-BAD", 601)
	bad.OpzioniPagamento[0].Trasferimenti[0].Centesimi = 1
	var ge *pagopa.ErroreGPD
	if err := g.CreaMolte(ctx, org, []pagopa.Posizione{nuova, bad}, true); !errors.As(err, &ge) || ge.Status != 400 ||
		!strings.Contains(ge.Dettaglio, "paymentPositions[1]") {
		t.Fatalf("invalid: %v", err)
	}
	if _, err := g.Leggi(ctx, org, nuova.IUPD); !errors.Is(err, pagopa.ErrPosizioneNonTrovata) {
		t.Fatalf("an invalid block left a position: %v", err)
	}
}

// A published position that asked to expire by itself is EXPIRED once
// its due date has passed; one that did not ask stays payable.
func TestGPDScadenza(t *testing.T) {
	g, _, org := gpdSandbox(t)
	ctx := context.Background()
	scaduta := posizione("SCADUTA", 700)
	scaduta.ScadeDaSola = true
	scaduta.OpzioniPagamento[0].Scadenza = time.Now().Add(-time.Hour)
	ancora := posizione("ANCORA", 701)
	ancora.OpzioniPagamento[0].Scadenza = time.Now().Add(-time.Hour)
	for _, p := range []pagopa.Posizione{scaduta, ancora} {
		if _, err := g.Crea(ctx, org, p, true); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := g.Leggi(ctx, org, "SCADUTA"); err != nil || p.Stato != pagopa.StatoScaduta {
		t.Fatalf("expired: %+v %v", p.Stato, err)
	}
	if p, err := g.Leggi(ctx, org, "ANCORA"); err != nil || p.Stato != pagopa.StatoValida {
		t.Fatalf("not switching to expired: %+v %v", p.Stato, err)
	}
}
