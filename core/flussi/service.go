package flussi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/ratelimit"
	"github.com/sportello/sportello/store"
)

// Job kinds of this package.
const (
	KindInvio   = "appio.invio"   // one item per notification: submitMessage
	KindProfili = "appio.profili" // one item per fiscal code of a flow: getProfile
)

// Options tune the service; zero fields take the defaults in brackets.
type Options struct {
	// Calls and Per are the gateway's policy per IO service account
	// [150 per 5s]; getProfile and getMessage calls count. Calls < 0: no limit.
	Calls int
	Per   time.Duration
	// Concurrency is how many calls run at once per flow [8].
	Concurrency int
	// ProfileTTL is how long a getProfile answer is trusted [24h].
	ProfileTTL time.Duration
	// Jobs tunes the engine (its Concurrency is replaced by the one above).
	Jobs jobs.Options
	// Version goes in the User-Agent.
	Version string
	// Now is the clock [time.Now].
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Calls == 0 {
		o.Calls = 150
	}
	if o.Per <= 0 {
		o.Per = 5 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.ProfileTTL <= 0 {
		o.ProfileTTL = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Jobs.Concurrency = o.Concurrency
	return o
}

// Service is App IO messaging over one database: flows, notifications,
// sending, tracking.
type Service struct {
	db       *store.DB
	imp      *impostazioni.Service
	eng      *jobs.Engine
	opt      Options
	mu       sync.Mutex
	acct     map[int64]*account
	limiters map[string]*ratelimit.Limiter // by base URL
}

// account is one IO service's client and the limiter of its gateway quota.
type account struct {
	servizio Servizio
	apiKey   string
	client   *appio.Client
	limiter  *ratelimit.Limiter
}

// New builds the service and registers its job kinds with a new engine.
func New(db *store.DB, imp *impostazioni.Service, opt Options) *Service {
	opt = opt.withDefaults()
	s := &Service{db: db, imp: imp, opt: opt, acct: map[int64]*account{}, limiters: map[string]*ratelimit.Limiter{}}
	s.eng = jobs.New(db, opt.Jobs)
	s.eng.Record(KindInvio, invioRecorder{})
	s.eng.Record(KindProfili, profiliRecorder{s})
	return s
}

// Engine is the job engine the service runs its sends on.
func (s *Service) Engine() *jobs.Engine { return s.eng }

// ErrPermesso is returned when the operator's role does not allow the action.
var ErrPermesso = errors.New("operazione non consentita al ruolo dell'operatore")

func require(by operatori.Operatore, r operatori.Ruolo) error {
	if by.Username == "" {
		return store.ErrNoOperator
	}
	if !by.Ruolo.Almeno(r) {
		return fmt.Errorf("%w: serve almeno %s", ErrPermesso, r.Label())
	}
	return nil
}

// Servizi lists the IO services notifications can be sent through.
func (s *Service) Servizi(ctx context.Context) ([]Servizio, error) {
	ss, err := s.imp.ServiziIO(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Servizio, 0, len(ss))
	for _, sv := range ss {
		if sv.Attivo {
			out = append(out, servizioOf(sv.ServizioIO))
		}
	}
	return out, nil
}

func servizioOf(sv store.ServizioIO) Servizio {
	return Servizio{ID: sv.ID, Nome: sv.Nome, Livello: sv.Livello, ImportoMassimo: sv.ImportoMassimo}
}

// ServizioByNome finds an active service by its name.
func (s *Service) ServizioByNome(ctx context.Context, nome string) (Servizio, error) {
	ss, err := s.Servizi(ctx)
	if err != nil {
		return Servizio{}, err
	}
	for _, sv := range ss {
		if sv.Nome == nome {
			return sv, nil
		}
	}
	return Servizio{}, fmt.Errorf("servizio App IO %q non configurato o non attivo (Impostazioni → Servizi App IO)", nome)
}

// account is the client and limiter of a service, made on first use; a
// changed key or URL (settings saved meanwhile) makes a new client. The
// gateway counts calls per developer account, which usually holds all of an
// ente's services: so the services behind one base URL share one limiter.
func (s *Service) account(ctx context.Context, servizioID int64) (*account, error) {
	ss, err := s.imp.ServiziIO(ctx)
	if err != nil {
		return nil, err
	}
	var sv *store.ServizioIO
	for i := range ss {
		if ss[i].ID == servizioID {
			sv = &ss[i].ServizioIO
		}
	}
	if sv == nil {
		return nil, fmt.Errorf("servizio App IO %d non trovato", servizioID)
	}
	key, err := s.imp.Chiave(sv.ServiceID)
	if err != nil {
		return nil, fmt.Errorf("chiave API del servizio %q: %w", sv.Nome, err)
	}
	if key == "" {
		return nil, fmt.Errorf("il servizio %q non ha una chiave API (Impostazioni → Servizi App IO)", sv.Nome)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.acct[servizioID]
	if a != nil && a.client.BaseURL() == sv.BaseURL && a.servizio == servizioOf(*sv) && a.apiKey == key {
		return a, nil
	}
	c, err := appio.New(appio.Config{BaseURL: sv.BaseURL, Key: key, Version: s.opt.Version, Concurrency: s.opt.Concurrency})
	if err != nil {
		return nil, err
	}
	lim, ok := s.limiters[sv.BaseURL]
	if !ok && s.opt.Calls > 0 {
		// A token comes back one window after the call left; the gateway
		// frees its slot one window after the call arrived. A small margin
		// keeps the two clocks from disagreeing at the window's edge.
		lim = ratelimit.New(s.opt.Calls, s.opt.Per+max(s.opt.Per/40, 50*time.Millisecond))
		s.limiters[sv.BaseURL] = lim
	}
	a = &account{servizio: servizioOf(*sv), apiKey: key, client: c, limiter: lim}
	s.acct[servizioID] = a
	return a, nil
}

// wait spends one call of the account's quota.
func (a *account) wait(ctx context.Context) error {
	if a.limiter == nil {
		return ctx.Err()
	}
	return a.limiter.Wait(ctx)
}

// hold applies the server's retry-after hint to every caller of the account.
func (a *account) hold(err error) {
	if d := appio.RetryAfter(err); d > 0 && a.limiter != nil {
		a.limiter.Hold(time.Now().Add(d))
	}
}
