package provider_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/core/sandbox"
)

const ritardo = 100 * time.Millisecond

func avvia(t *testing.T, cfg sandbox.Config) (*sandbox.Sandbox, *provider.Client) {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	if cfg.ProviderDelay == 0 {
		cfg.ProviderDelay = ritardo
	}
	sb, err := sandbox.Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cr := sb.ProviderCredentials()
	return sb, &provider.Client{BaseURL: cr.BaseURL, Key: cr.Key, HTTP: &http.Client{Timeout: 5 * time.Second}}
}

func titolare(sb *sandbox.Sandbox) provider.Titolare {
	return provider.Titolare{TipoUtente: provider.Privato, Nome: "Maria", Cognome: "Rossi",
		CodiceFiscale: sb.Credentials().FiscalCodes.Enabled[0], Email: "maria.rossi@example.it",
		Indirizzo: &provider.Indirizzo{Via: "Via Roma 1", Comune: "Bologna", Provincia: "BO", CAP: "40121", Nazione: "IT"}}
}

// attendi polls until cond or fails after a few delays.
func attendi(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * ritardo); time.Now().Before(deadline); time.Sleep(ritardo / 5) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached")
}

func TestAttivazioneECambiamenti(t *testing.T) {
	sb, c := avvia(t, sandbox.Config{Seed: 3})
	ctx := context.Background()
	dominio := sb.ProviderCredentials().Domains[0]

	tit, err := c.CreaTitolare(ctx, titolare(sb))
	if err != nil {
		t.Fatal(err)
	}
	if tit.ID == "" || tit.Versione != 1 {
		t.Fatalf("titolare %+v", tit)
	}
	if _, err := c.CreaTitolare(ctx, titolare(sb)); !errors.Is(err, provider.ErrGiaPresente) {
		t.Fatalf("duplicate owner: %v", err)
	}
	disp, err := c.IndirizzoDisponibile(ctx, "maria.rossi@"+dominio)
	if err != nil || !disp.Disponibile {
		t.Fatalf("disponibilità %+v %v", disp, err)
	}
	cas, err := c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "maria.rossi@" + dominio, IDTitolare: tit.ID})
	if err != nil {
		t.Fatal(err)
	}
	if cas.Stato != provider.StatoInAttesa {
		t.Fatalf("new mailbox %+v", cas)
	}
	// Duplicate address: 409, not a version conflict.
	_, err = c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "maria.rossi@" + dominio, IDTitolare: tit.ID})
	if !errors.Is(err, provider.ErrGiaPresente) || errors.Is(err, provider.ErrConflitto) || provider.Temporaneo(err) {
		t.Fatalf("duplicate address: %v", err)
	}
	attendi(t, func() bool {
		cas, err = c.LeggiCasella(ctx, cas.ID)
		return err == nil && cas.Stato == provider.StatoAttiva
	})
	if cas.AttivataIl == nil || cas.Versione != 2 {
		t.Fatalf("active mailbox %+v", cas)
	}

	// The feed, page by page.
	var tutti []provider.Cambiamento
	cursore := ""
	for {
		p, err := c.Cambiamenti(ctx, cursore, 2)
		if err != nil {
			t.Fatal(err)
		}
		tutti = append(tutti, p.Cambiamenti...)
		cursore = p.Cursore
		if !p.Altri {
			break
		}
	}
	if len(tutti) != 3 {
		t.Fatalf("changes %+v", tutti)
	}
	att := tutti[2]
	if !att.DelProvider() || att.Evento != "ACTIVATED" || att.Casella == nil || att.Casella.Stato != provider.StatoAttiva || att.Casella.ID != cas.ID {
		t.Fatalf("activation %+v", att)
	}
	if p, err := c.Cambiamenti(ctx, cursore, 0); err != nil || len(p.Cambiamenti) != 0 || p.Cursore != cursore {
		t.Fatalf("no news: %+v %v", p, err)
	}
	if err := sb.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cambiamenti(ctx, cursore, 0); !errors.Is(err, provider.ErrCursoreScaduto) {
		t.Fatalf("cursor after reset: %v", err)
	}
	if _, err := c.LeggiCasella(ctx, cas.ID); !errors.Is(err, provider.ErrNonTrovato) {
		t.Fatalf("after reset: %v", err)
	}
}

func TestCercaEDomini(t *testing.T) {
	sb, c := avvia(t, sandbox.Config{Seed: 3})
	ctx := context.Background()
	tit, err := c.CreaTitolare(ctx, titolare(sb))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := c.CercaTitolari(ctx, provider.FiltroTitolari{CodiceFiscale: tit.CodiceFiscale})
	if err != nil || len(ts) != 1 || ts[0].ID != tit.ID {
		t.Fatalf("search owners %+v %v", ts, err)
	}
	if ts, _ = c.CercaTitolari(ctx, provider.FiltroTitolari{Cognome: "Bianchi"}); len(ts) != 0 {
		t.Fatalf("search Bianchi %+v", ts)
	}
	ver, err := c.VerificaDominio(ctx, "comune-esempio.it")
	if err != nil || !ver.Certificabile {
		t.Fatalf("verify %+v %v", ver, err)
	}
	d, err := c.CertificaDominio(ctx, "comune-esempio.it")
	if err != nil || d.Stato != provider.DominioInCertificazione {
		t.Fatalf("certify %+v %v", d, err)
	}
	if _, err := c.CertificaDominio(ctx, "comune-esempio.it"); !errors.Is(err, provider.ErrGiaPresente) {
		t.Fatalf("certify twice: %v", err)
	}
	attendi(t, func() bool {
		d, err = c.LeggiDominio(ctx, "comune-esempio.it")
		return err == nil && d.Stato == provider.DominioCertificato
	})
	ds, err := c.Domini(ctx)
	if err != nil || len(ds) != 4 {
		t.Fatalf("domains %+v %v", ds, err)
	}
	if _, err := c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "protocollo@comune-esempio.it", IDTitolare: tit.ID, Tipo: "PRO"}); err != nil {
		t.Fatal(err)
	}
	cs, err := c.CaselleDelDominio(ctx, "comune-esempio.it")
	if err != nil || len(cs) != 1 || cs[0].Tipo != "PRO" {
		t.Fatalf("domain mailboxes %+v %v", cs, err)
	}
	cs, err = c.CercaCaselle(ctx, provider.FiltroCaselle{IDTitolare: tit.ID, Dal: time.Now().Add(-time.Hour)})
	if err != nil || len(cs) != 1 {
		t.Fatalf("search mailboxes %+v %v", cs, err)
	}
}

func TestDocumenti(t *testing.T) {
	sb, c := avvia(t, sandbox.Config{Seed: 3})
	ctx := context.Background()
	tit, _ := c.CreaTitolare(ctx, titolare(sb))
	cas, err := c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "doc@" + sb.ProviderCredentials().Domains[1], IDTitolare: tit.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CaricaDocumento(ctx, cas.ID, provider.Contratto, "contratto.pdf", []byte("PK\x03\x04 not a pdf"))
	var e *provider.ErroreProvider
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Temporaneo() || provider.Offline(err) {
		t.Fatalf("non-PDF: %v", err)
	}
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	doc, err := c.CaricaDocumento(ctx, cas.ID, provider.Contratto, "contratto.pdf", pdf)
	if err != nil || doc.Byte != int64(len(pdf)) || doc.Tipo != provider.Contratto || len(doc.SHA256) != 64 {
		t.Fatalf("upload %+v %v", doc, err)
	}
	docs, err := c.Documenti(ctx, cas.ID)
	if err != nil || len(docs) != 1 || docs[0].ID != doc.ID {
		t.Fatalf("documents %+v %v", docs, err)
	}
}

func TestOffline(t *testing.T) {
	sb, c := avvia(t, sandbox.Config{Seed: 3})
	ctx := context.Background()
	sb.SetProviderOffline(true)
	_, err := c.CreaTitolare(ctx, titolare(sb))
	var e *provider.ErroreProvider
	if !provider.Offline(err) || !provider.Temporaneo(err) || !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable || e.RetryAfter <= 0 {
		t.Fatalf("offline: %v", err)
	}
	sb.SetProviderOffline(false)
	if _, err := c.CreaTitolare(ctx, titolare(sb)); err != nil {
		t.Fatalf("back online: %v", err)
	}

	// Nobody listening: network error, offline too.
	url := sb.ProviderCredentials().BaseURL
	sb.Close()
	c2 := &provider.Client{BaseURL: url, Key: "x", HTTP: &http.Client{Timeout: time.Second}}
	_, err = c2.Domini(ctx)
	if !provider.Offline(err) || !errors.As(err, &e) || e.Status != 0 {
		t.Fatalf("closed: %v", err)
	}
	// A caller's cancellation is not the provider being offline.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c2.Domini(cctx); provider.Offline(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestConflitto(t *testing.T) {
	sb, c := avvia(t, sandbox.Config{Seed: 3})
	ctx := context.Background()
	tit, err := c.CreaTitolare(ctx, titolare(sb))
	if err != nil {
		t.Fatal(err)
	}
	// The provider changes the e-mail; our offline edit is based on v1.
	if _, err := sb.EditProvider(sandbox.ProviderEdit{Kind: "owner", ID: tit.ID, Field: "email", Value: "nuova@example.it"}); err != nil {
		t.Fatal(err)
	}
	locale := tit
	locale.Telefono = "051123456"
	_, err = c.AggiornaTitolare(ctx, locale)
	var conf *provider.ErroreConflitto
	if !errors.Is(err, provider.ErrConflitto) || !errors.As(err, &conf) || errors.Is(err, provider.ErrGiaPresente) {
		t.Fatalf("stale update: %v", err)
	}
	if conf.Titolare == nil || conf.Titolare.Email != "nuova@example.it" || conf.VersioneCorrente() != 2 || conf.Entita != provider.EntitaTitolare {
		t.Fatalf("current record %+v", conf)
	}
	// The user merges: both edits, on the current version.
	unito := *conf.Titolare
	unito.Telefono = locale.Telefono
	got, err := c.AggiornaTitolare(ctx, unito)
	if err != nil || got.Versione != 3 || got.Email != "nuova@example.it" || got.Telefono != "051123456" {
		t.Fatalf("merged %+v %v", got, err)
	}
	p, err := c.Cambiamenti(ctx, "", 0)
	if err != nil || len(p.Cambiamenti) != 3 || !p.Cambiamenti[1].DelProvider() || p.Cambiamenti[1].Titolare.Email != "nuova@example.it" {
		t.Fatalf("feed %+v %v", p, err)
	}

	// A mailbox the provider suspended: our suspension on the old version conflicts.
	cas, err := c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "conflitto@" + sb.ProviderCredentials().Domains[0], IDTitolare: tit.ID})
	if err != nil {
		t.Fatal(err)
	}
	attendi(t, func() bool {
		cas, err = c.LeggiCasella(ctx, cas.ID)
		return err == nil && cas.Stato == provider.StatoAttiva
	})
	if _, err := sb.EditProvider(sandbox.ProviderEdit{Kind: "account", ID: cas.ID, Field: "status", Value: "SUSPENDED"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AggiornaCasella(ctx, cas.ID, cas.Versione, "PLUS", "")
	if !errors.As(err, &conf) || conf.Casella == nil || conf.Casella.Stato != provider.StatoSospesa {
		t.Fatalf("stale mailbox update: %v", err)
	}
	if _, err := c.SospendiCasella(ctx, cas.ID, 0); !errors.Is(err, provider.ErrConflitto) {
		t.Fatalf("suspend a suspended mailbox: %v", err)
	}
	got2, err := c.RiattivaCasella(ctx, cas.ID, conf.VersioneCorrente())
	if err != nil || got2.Stato != provider.StatoAttiva {
		t.Fatalf("reactivate %+v %v", got2, err)
	}
	if got2, err = c.CessaCasella(ctx, cas.ID, got2.Versione); err != nil || got2.Stato != provider.StatoCessata {
		t.Fatalf("cancel %+v %v", got2, err)
	}
}

func TestRiavvioConservaIDati(t *testing.T) {
	dir := t.TempDir()
	cfg := sandbox.Config{Seed: 3, StateDir: dir}
	sb, c := avvia(t, cfg)
	ctx := context.Background()
	tit, err := c.CreaTitolare(ctx, titolare(sb))
	if err != nil {
		t.Fatal(err)
	}
	cas, err := c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "riavvio@" + sb.ProviderCredentials().Domains[0], IDTitolare: tit.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	sb, c = avvia(t, cfg)
	got, err := c.LeggiTitolare(ctx, tit.ID)
	if err != nil || got.CodiceFiscale != tit.CodiceFiscale {
		t.Fatalf("owner after restart %+v %v", got, err)
	}
	// Still pending after the restart, activated after the delay.
	attendi(t, func() bool {
		cas, err = c.LeggiCasella(ctx, cas.ID)
		return err == nil && cas.Stato == provider.StatoAttiva
	})
	if _, err := c.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: "riavvio@" + sb.ProviderCredentials().Domains[0], IDTitolare: tit.ID}); !errors.Is(err, provider.ErrGiaPresente) {
		t.Fatalf("address free after restart: %v", err)
	}
}
