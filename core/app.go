// Package core wires the store, the secret store and one service per area
// into an App that the GUI and the CLI share. It never imports Fyne.
package core

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"sync"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/protocollo"
	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

// Options say where the App keeps its data.
type Options struct {
	DBPath string
	// Secrets overrides the secret store; nil means the OS keyring with a
	// fallback file next to the database.
	Secrets secrets.Store
	// Flussi tunes App IO sending (rate limit, concurrency).
	Flussi flussi.Options
	// Avvisi tunes sending notices by PEC and e-mail.
	Avvisi avvisi.Opzioni
}

// App is one open Sportello: the database, the secrets, the services and
// the operator at work.
type App struct {
	DB           *store.DB
	Secrets      secrets.Store
	Operatori    *operatori.Service
	Impostazioni *impostazioni.Service
	Flussi       *flussi.Service
	Avvisi       *avvisi.Service
	Registro     *registro.Service // the PEC reseller panel
	// Riconciliazione crosses receipts, reporting flows and the treasury journal.
	Riconciliazione *riconciliazione.Service
	Demo            bool
	// SandboxURL is the embedded sandbox's address in demo mode.
	SandboxURL string

	mu        sync.RWMutex
	operatore operatori.Operatore
	closers   []io.Closer
}

// Open opens the database at opts.DBPath and builds the services.
func Open(ctx context.Context, opts Options) (*App, error) {
	db, err := store.Open(ctx, opts.DBPath)
	if err != nil {
		return nil, err
	}
	sec := opts.Secrets
	if sec == nil {
		sec = secrets.Open(filepath.Dir(opts.DBPath))
	}
	imp := &impostazioni.Service{DB: db, Secrets: sec}
	reg := registro.New(db)
	reg.Posta = func(ctx context.Context) (impostazioni.Casella, bool, error) {
		return registro.CasellaConferme(ctx, imp)
	}
	return &App{
		DB:              db,
		Secrets:         sec,
		Operatori:       &operatori.Service{DB: db},
		Impostazioni:    imp,
		Flussi:          flussi.New(db, imp, opts.Flussi),
		Avvisi:          avvisi.New(db, imp, &protocollo.Locale{DB: db, Imp: imp}, opts.Avvisi),
		Registro:        reg,
		Riconciliazione: riconciliazione.New(db),
	}, nil
}

// ProviderAdapter is the client of the PEC provider's provisioning API the
// registro syncs with; ok is false while no provider is configured.
func (a *App) ProviderAdapter(ctx context.Context) (provider.Adapter, bool, error) {
	cfg, err := a.Impostazioni.Provider(ctx)
	if err != nil || !cfg.Configurato {
		return nil, false, err
	}
	return &provider.Client{BaseURL: cfg.URL, Key: cfg.Chiave}, true, nil
}

// OnClose registers something (an embedded sandbox, a poller) to close with the App.
func (a *App) OnClose(c io.Closer) { a.closers = append(a.closers, c) }

// Close stops what the App started and closes the database.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i].Close())
	}
	errs = append(errs, a.DB.Close())
	return errors.Join(errs...)
}

// SetOperatore records who is working (after login).
func (a *App) SetOperatore(o operatori.Operatore) {
	a.mu.Lock()
	a.operatore = o
	a.mu.Unlock()
}

// Operatore is who is working; the zero value before login.
func (a *App) Operatore() operatori.Operatore {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.operatore
}

// Backup writes a consistent copy of the database to out while the App keeps working.
func (a *App) Backup(ctx context.Context, out string) error { return a.DB.Backup(ctx, out) }

// SchemaVersion is the schema version of the open database.
func (a *App) SchemaVersion() int { return store.SchemaVersion() }

// Storico is the change history of a record, newest first ("Visualizzazione storico").
func (a *App) Storico(ctx context.Context, entity, id string) ([]store.AuditEntry, error) {
	return a.DB.History(ctx, entity, id)
}

// UltimaModifica is the newest change of a record ("Ultima modifica … Effettuata da").
func (a *App) UltimaModifica(ctx context.Context, entity, id string) (store.AuditEntry, bool, error) {
	return a.DB.LastChange(ctx, entity, id)
}
