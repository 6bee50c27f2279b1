package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// providerBasePath is where the sandbox serves the simulated PEC
// provider's provisioning API for resellers: owners (titolari), accounts
// (certified mailboxes), domains, documents and a feed of changes. No
// provider publishes a public spec; its shape follows the real
// provisioning APIs (see REFERENCE.md, "Provisioning APIs of PEC
// providers").
const providerBasePath = "/provider/api/v1"

// ProviderKeyHeader carries the reseller's API key ("Bearer <key>").
const ProviderKeyHeader = "Authorization"

// Limits of the simulated provider.
const (
	ProviderMaxDocument = 5 << 20 // bytes of an uploaded PDF
	providerMaxPage     = 1000    // changes per page
	providerDefaultPage = 100
	providerRetryAfter  = 5 // seconds, on a 503 while offline
)

// ProviderDemoDomains are the reseller's certified domains of the sandbox
// provider, present after every start and reset.
var ProviderDemoDomains = []string{"pec.vimercate-servizi.it", "legalmail-demo.it", "pec.studiobrianza.it"}

// ProviderRules is the simulated provider's behaviour, for the help text.
const ProviderRules = `PEC provider (provisioning API): an account is created PENDING and becomes ACTIVE after
ProviderDelay (default ProcessingDelay); a domain is CERTIFYING, then CERTIFIED after the same
delay. Owners and accounts carry a version: a PUT must send the version it is based on (suspend,
reactivate and cancel may); a stale one gets 409 with the current record ("current"). Domains ending in .invalid,
.test, .example or .local, and any with a label "noncertificabile", cannot be certified.
POST /__sandbox/provider/offline?on=true makes every call 503; POST /__sandbox/provider/change
{"kind":"owner|account","id":…,"field":…,"value":…} edits a record as the provider would.`

// Provider is how a client reaches the simulated PEC provider.
type Provider struct {
	BaseURL   string   `json:"base_url"`
	Key       string   `json:"key"`
	KeyHeader string   `json:"key_header"` // value: "Bearer " + Key
	Domains   []string `json:"domains"`    // the reseller's certified demo domains
	Offline   string   `json:"offline"`    // control: POST ?on=true|false
	Change    string   `json:"change"`     // control: POST a ProviderEdit
}

// Owner user types (userType).
var providerUserTypes = []string{"AZIENDA", "PRIVATO", "LIBERO_PROFESSIONISTA", "DITTA_INDIVIDUALE", "NO_PROFIT", "PUBBLICA_AMMINISTRAZIONE"}

// Account types (the mailbox offer) and document kinds.
var (
	providerAccountTypes = []string{"STANDARD", "PLUS", "PRO"}
	providerDocKinds     = []string{"CONTRATTO", "RICHIESTA_CREDENZIALI", "SUBENTRO", "CESSAZIONE", "ALTRO"}
)

// Statuses.
const (
	accPending    = "PENDING"
	accActive     = "ACTIVE"
	accSuspended  = "SUSPENDED"
	accCancelled  = "CANCELLED"
	domCertifying = "CERTIFYING"
	domCertified  = "CERTIFIED"
	domCancelled  = "CANCELLED"
)

type provAddress struct {
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	Province   string `json:"province,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	Country    string `json:"country,omitempty"`
}

// provOwner is an owner (titolare) as stored and returned.
type provOwner struct {
	ID          string       `json:"id"`
	UserType    string       `json:"userType"`
	FirstName   string       `json:"firstName,omitempty"`
	LastName    string       `json:"lastName,omitempty"`
	CompanyName string       `json:"companyName,omitempty"`
	FiscalCode  string       `json:"fiscalCode"`
	VATNumber   string       `json:"vatNumber,omitempty"`
	Email       string       `json:"email"`
	Phone       string       `json:"phone,omitempty"`
	Address     *provAddress `json:"address,omitempty"`
	Version     int64        `json:"version"`
	CreatedAt   time.Time    `json:"createdAt"`
	UpdatedAt   time.Time    `json:"updatedAt"`
}

// provAccount is a certified mailbox.
type provAccount struct {
	ID          string     `json:"id"`
	Address     string     `json:"address"`
	Domain      string     `json:"domain"`
	OwnerID     string     `json:"ownerId"`
	Type        string     `json:"type"`
	Status      string     `json:"status"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	ActivatedAt *time.Time `json:"activatedAt,omitempty"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty"`
}

type provDomain struct {
	Name        string     `json:"name"`
	Status      string     `json:"status"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	CertifiedAt *time.Time `json:"certifiedAt,omitempty"`
}

type provDocument struct {
	ID         string    `json:"id"`
	AccountID  string    `json:"accountId"`
	Kind       string    `json:"kind"`
	FileName   string    `json:"fileName"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedAt time.Time `json:"uploadedAt"`
}

// provChange is one entry of the changes feed and one line of the journal:
// the record after the change. Replaying them rebuilds the state.
type provChange struct {
	Seq      int64         `json:"seq"`
	At       time.Time     `json:"at"`
	Entity   string        `json:"entity"` // owner, account, domain, document
	ID       string        `json:"id"`
	Event    string        `json:"event"`  // CREATED, UPDATED, ACTIVATED, SUSPENDED, CANCELLED, CERTIFIED, UPLOADED
	Source   string        `json:"source"` // client (through the API) or provider (by itself)
	Version  int64         `json:"version,omitempty"`
	Owner    *provOwner    `json:"owner,omitempty"`
	Account  *provAccount  `json:"account,omitempty"`
	Domain   *provDomain   `json:"domain,omitempty"`
	Document *provDocument `json:"document,omitempty"`
}

// providerSystem is the simulated PEC provider.
type providerSystem struct {
	sb  *Sandbox
	key string

	mu         sync.Mutex
	offline    bool
	owners     map[string]*provOwner
	accounts   map[string]*provAccount
	byAddress  map[string]string // address → account ID
	domains    map[string]*provDomain
	documents  map[string]*provDocument
	changes    []*provChange
	seq        int64
	nextID     map[string]int64 // per ID prefix
	pendingAcc []string         // PENDING accounts, oldest first
	pendingDom []string
	journal    *journal
}

func newProviderSystem(sb *Sandbox) (*providerSystem, error) {
	p := &providerSystem{sb: sb, key: demoKey(sb.cfg.Seed, "provider", "reseller")}
	p.clear()
	if sb.cfg.StateDir == "" {
		return p, nil
	}
	j, err := openJournal(sb.cfg.StateDir, "provider.jsonl")
	if err != nil {
		return nil, err
	}
	err = j.replay(func(line []byte) error {
		var c provChange
		if err := json.Unmarshal(line, &c); err != nil {
			return err
		}
		if c.Seq <= p.seq {
			return fmt.Errorf("change %d out of order", c.Seq)
		}
		p.apply(&c)
		return nil
	})
	if err != nil {
		j.close()
		return nil, err
	}
	p.journal = j
	p.rebuildPending()
	return p, nil
}

// clear empties the state and seeds the demo domains; mu held or unshared.
func (p *providerSystem) clear() {
	p.owners, p.accounts, p.byAddress = map[string]*provOwner{}, map[string]*provAccount{}, map[string]string{}
	p.domains, p.documents = map[string]*provDomain{}, map[string]*provDocument{}
	p.changes, p.seq, p.nextID = nil, 0, map[string]int64{}
	p.pendingAcc, p.pendingDom = nil, nil
	p.offline = false
	epoch := time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC)
	for _, d := range ProviderDemoDomains {
		p.domains[d] = &provDomain{Name: d, Status: domCertified, Version: 1, CreatedAt: epoch, UpdatedAt: epoch, CertifiedAt: &epoch}
	}
}

func (p *providerSystem) delay() time.Duration {
	if p.sb.cfg.ProviderDelay > 0 {
		return p.sb.cfg.ProviderDelay
	}
	return p.sb.cfg.ProcessingDelay
}

// apply puts a change's record in place; mu held.
func (p *providerSystem) apply(c *provChange) {
	p.seq = c.Seq
	p.changes = append(p.changes, c)
	switch {
	case c.Owner != nil:
		p.owners[c.Owner.ID] = c.Owner
		p.seeID(c.Owner.ID)
	case c.Account != nil:
		p.accounts[c.Account.ID] = c.Account
		p.byAddress[c.Account.Address] = c.Account.ID
		p.seeID(c.Account.ID)
	case c.Domain != nil:
		p.domains[c.Domain.Name] = c.Domain
	case c.Document != nil:
		p.documents[c.Document.ID] = c.Document
		p.seeID(c.Document.ID)
	}
}

// seeID keeps the ID counters past the IDs replayed.
func (p *providerSystem) seeID(id string) {
	if len(id) < 4 {
		return
	}
	if n, err := strconv.ParseInt(id[3:], 10, 64); err == nil && n > p.nextID[id[:3]] {
		p.nextID[id[:3]] = n
	}
}

func (p *providerSystem) newID(prefix string) string {
	p.nextID[prefix]++
	return fmt.Sprintf("%s%07d", prefix, p.nextID[prefix])
}

func (p *providerSystem) rebuildPending() {
	p.pendingAcc, p.pendingDom = nil, nil
	for id, a := range p.accounts {
		if a.Status == accPending {
			p.pendingAcc = append(p.pendingAcc, id)
		}
	}
	slices.SortFunc(p.pendingAcc, func(a, b string) int { return p.accounts[a].CreatedAt.Compare(p.accounts[b].CreatedAt) })
	for name, d := range p.domains {
		if d.Status == domCertifying {
			p.pendingDom = append(p.pendingDom, name)
		}
	}
	slices.SortFunc(p.pendingDom, func(a, b string) int { return p.domains[a].CreatedAt.Compare(p.domains[b].CreatedAt) })
}

// commit journals a change and applies it; mu held.
func (p *providerSystem) commit(c *provChange) error {
	c.Seq = p.seq + 1
	if c.At.IsZero() {
		c.At = p.sb.now().UTC()
	}
	if p.journal != nil {
		if err := p.journal.append(c); err != nil {
			return fmt.Errorf("sandbox: giornale del provider: %w", err)
		}
	}
	p.apply(c)
	return nil
}

// advance does what the provider does by itself with time: it activates
// the pending accounts and certifies the pending domains whose delay is
// over; mu held. Since the delay is the same for all, the queues are in
// due order.
func (p *providerSystem) advance() {
	now, d := p.sb.now().UTC(), p.delay()
	for len(p.pendingAcc) > 0 {
		a := p.accounts[p.pendingAcc[0]]
		if a == nil || a.Status != accPending {
			p.pendingAcc = p.pendingAcc[1:]
			continue
		}
		due := a.CreatedAt.Add(d)
		if due.After(now) {
			break
		}
		next := *a
		exp := due.AddDate(1, 0, 0)
		next.Status, next.ActivatedAt, next.ExpiresAt = accActive, &due, &exp
		next.Version++
		next.UpdatedAt = due
		if err := p.commit(&provChange{At: due, Entity: "account", ID: a.ID, Event: "ACTIVATED", Source: "provider", Version: next.Version, Account: &next}); err != nil {
			p.sb.log.Warn("provider: activation not journaled", "account", a.ID, "err", err)
			return
		}
		p.pendingAcc = p.pendingAcc[1:]
	}
	for len(p.pendingDom) > 0 {
		dm := p.domains[p.pendingDom[0]]
		if dm == nil || dm.Status != domCertifying {
			p.pendingDom = p.pendingDom[1:]
			continue
		}
		due := dm.CreatedAt.Add(d)
		if due.After(now) {
			break
		}
		next := *dm
		next.Status, next.CertifiedAt, next.UpdatedAt = domCertified, &due, due
		next.Version++
		if err := p.commit(&provChange{At: due, Entity: "domain", ID: dm.Name, Event: "CERTIFIED", Source: "provider", Version: next.Version, Domain: &next}); err != nil {
			p.sb.log.Warn("provider: certification not journaled", "domain", dm.Name, "err", err)
			return
		}
		p.pendingDom = p.pendingDom[1:]
	}
}

func (p *providerSystem) reset() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	if p.journal != nil {
		return p.journal.truncate()
	}
	return nil
}

func (p *providerSystem) close() error {
	if p.journal != nil {
		return p.journal.close()
	}
	return nil
}

func (p *providerSystem) credentials() Provider {
	base := p.sb.base
	return Provider{BaseURL: base + providerBasePath, Key: p.key, KeyHeader: ProviderKeyHeader,
		Domains: append([]string(nil), ProviderDemoDomains...),
		Offline: base + "/__sandbox/provider/offline", Change: base + "/__sandbox/provider/change"}
}

func (p *providerSystem) authenticate(r *http.Request) (string, any, *problem) {
	h := r.Header.Get(ProviderKeyHeader)
	if h == "" {
		return "", nil, newProblem(http.StatusUnauthorized, "Unauthorized", "Missing API key: send Authorization: Bearer <key>.")
	}
	key, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || key != p.key {
		return "", nil, newProblem(http.StatusUnauthorized, "Unauthorized", "Invalid API key.")
	}
	return "provider:reseller", nil, nil
}

func (p *providerSystem) mount(mux *http.ServeMux) {
	sub := http.NewServeMux()
	b := providerBasePath
	for _, rt := range []struct {
		pattern, name string
		h             func(w http.ResponseWriter, r *http.Request)
	}{
		{"POST " + b + "/owners", "provider.createOwner", p.createOwner},
		{"GET " + b + "/owners", "provider.searchOwners", p.searchOwners},
		{"GET " + b + "/owners/{id}", "provider.getOwner", p.getOwner},
		{"PUT " + b + "/owners/{id}", "provider.updateOwner", p.updateOwner},
		{"POST " + b + "/accounts", "provider.createAccount", p.createAccount},
		{"GET " + b + "/accounts", "provider.searchAccounts", p.searchAccounts},
		{"GET " + b + "/accounts/available", "provider.available", p.available},
		{"GET " + b + "/accounts/{id}", "provider.getAccount", p.getAccount},
		{"PUT " + b + "/accounts/{id}", "provider.updateAccount", p.updateAccount},
		{"POST " + b + "/accounts/{id}/suspend", "provider.suspendAccount", p.accountTransition("SUSPENDED", accSuspended, accActive)},
		{"POST " + b + "/accounts/{id}/reactivate", "provider.reactivateAccount", p.accountTransition("ACTIVATED", accActive, accSuspended)},
		{"POST " + b + "/accounts/{id}/cancel", "provider.cancelAccount", p.accountTransition("CANCELLED", accCancelled, accPending, accActive, accSuspended)},
		{"POST " + b + "/accounts/{id}/documents", "provider.uploadDocument", p.uploadDocument},
		{"GET " + b + "/accounts/{id}/documents", "provider.listDocuments", p.listDocuments},
		{"GET " + b + "/domains", "provider.listDomains", p.listDomains},
		{"POST " + b + "/domains", "provider.certifyDomain", p.certifyDomain},
		{"GET " + b + "/domains/{name}", "provider.getDomain", p.getDomain},
		{"GET " + b + "/domains/{name}/certifiable", "provider.verifyDomain", p.verifyDomain},
		{"GET " + b + "/domains/{name}/accounts", "provider.domainAccounts", p.domainAccounts},
		{"GET " + b + "/changes", "provider.changes", p.listChanges},
	} {
		h := rt.h
		p.sb.route(sub, rt.pattern, endpoint{name: rt.name, auth: p.authenticate,
			handler: func(w http.ResponseWriter, r *http.Request, _ any) { h(w, r) }})
	}
	// Offline comes before everything else, as a provider that is down
	// answers from its front door.
	mux.Handle(b+"/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		off := p.offline
		p.mu.Unlock()
		if off {
			p.sb.counts.add(func(c *counters) { c.faults["provider_offline"]++ })
			w.Header().Set("Retry-After", strconv.Itoa(providerRetryAfter))
			writeProblem(w, newProblem(http.StatusServiceUnavailable, "Service Unavailable", "The provisioning service is offline, retry later"))
			return
		}
		sub.ServeHTTP(w, r)
	}))
	mux.HandleFunc("POST /__sandbox/provider/offline", func(w http.ResponseWriter, r *http.Request) {
		on, err := strconv.ParseBool(r.URL.Query().Get("on"))
		if err != nil {
			writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "on must be true or false"))
			return
		}
		p.setOffline(on)
		writeJSON(w, http.StatusOK, map[string]bool{"offline": on})
	})
	mux.HandleFunc("POST /__sandbox/provider/change", func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r)
		if err != nil || len(body) > maxBody {
			writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "request body too large or unreadable"))
			return
		}
		var e ProviderEdit
		if err := json.Unmarshal(body, &e); err != nil {
			writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "malformed JSON: "+err.Error()))
			return
		}
		rec, err := p.edit(e)
		if err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, errProviderNotFound) {
				status = http.StatusNotFound
			}
			writeProblem(w, newProblem(status, http.StatusText(status), err.Error()))
			return
		}
		writeJSON(w, http.StatusOK, rec)
	})
}

func (p *providerSystem) setOffline(on bool) {
	p.mu.Lock()
	p.offline = on
	p.mu.Unlock()
	p.sb.log.Info("sandbox provider", "offline", on)
}

// ProviderEdit is a change the simulated provider makes by itself, to
// produce conflicts with a client's offline edits.
type ProviderEdit struct {
	Kind  string `json:"kind"`  // "owner" or "account"
	ID    string `json:"id"`    // the record's id
	Field string `json:"field"` // owner: email, phone, firstName, lastName, companyName; account: status, type
	Value string `json:"value"` // account status: ACTIVE, SUSPENDED, CANCELLED
}

var errProviderNotFound = errors.New("record not found")

// edit applies a ProviderEdit and returns the new record.
func (p *providerSystem) edit(e ProviderEdit) (any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	now := p.sb.now().UTC()
	switch e.Kind {
	case "owner":
		o := p.owners[e.ID]
		if o == nil {
			return nil, fmt.Errorf("owner %s: %w", e.ID, errProviderNotFound)
		}
		next := *o
		switch e.Field {
		case "email":
			next.Email = e.Value
		case "phone":
			next.Phone = e.Value
		case "firstName":
			next.FirstName = e.Value
		case "lastName":
			next.LastName = e.Value
		case "companyName":
			next.CompanyName = e.Value
		default:
			return nil, fmt.Errorf("owner field %q cannot be edited (email, phone, firstName, lastName, companyName)", e.Field)
		}
		if errs := next.validate(); len(errs) > 0 {
			return nil, errors.New(strings.Join(errs, "; "))
		}
		next.Version++
		next.UpdatedAt = now
		if err := p.commit(&provChange{Entity: "owner", ID: o.ID, Event: "UPDATED", Source: "provider", Version: next.Version, Owner: &next}); err != nil {
			return nil, err
		}
		return &next, nil
	case "account":
		a := p.accounts[e.ID]
		if a == nil {
			return nil, fmt.Errorf("account %s: %w", e.ID, errProviderNotFound)
		}
		next := *a
		event := "UPDATED"
		switch e.Field {
		case "status":
			switch e.Value {
			case accActive:
				event = "ACTIVATED"
				if next.ActivatedAt == nil {
					exp := now.AddDate(1, 0, 0)
					next.ActivatedAt, next.ExpiresAt = &now, &exp
				}
			case accSuspended:
				event = "SUSPENDED"
			case accCancelled:
				event = "CANCELLED"
			default:
				return nil, fmt.Errorf("account status %q: one of ACTIVE, SUSPENDED, CANCELLED", e.Value)
			}
			next.Status = e.Value
		case "type":
			if !slices.Contains(providerAccountTypes, e.Value) {
				return nil, fmt.Errorf("account type %q: one of %s", e.Value, strings.Join(providerAccountTypes, ", "))
			}
			next.Type = e.Value
		default:
			return nil, fmt.Errorf("account field %q cannot be edited (status, type)", e.Field)
		}
		next.Version++
		next.UpdatedAt = now
		if err := p.commit(&provChange{Entity: "account", ID: a.ID, Event: event, Source: "provider", Version: next.Version, Account: &next}); err != nil {
			return nil, err
		}
		return &next, nil
	}
	return nil, fmt.Errorf("kind %q: owner or account", e.Kind)
}

// --- validation

var (
	provCFPerson  = fiscalCodeRE
	provCFEntity  = regexp.MustCompile(`^[0-9]{11}$`)
	provLocalPart = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$`)
	provDomainRE  = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

func provValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// validate checks an owner's fields by its userType.
func (o *provOwner) validate() []string {
	var errs []string
	req := func(v, name string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, name+" must not be blank")
		}
	}
	switch o.UserType {
	case "PRIVATO", "LIBERO_PROFESSIONISTA", "DITTA_INDIVIDUALE":
		req(o.FirstName, "firstName")
		req(o.LastName, "lastName")
		if !provCFPerson.MatchString(o.FiscalCode) {
			errs = append(errs, "fiscalCode must be a person's 16-character fiscal code for userType "+o.UserType)
		}
		if o.UserType == "DITTA_INDIVIDUALE" {
			req(o.CompanyName, "companyName")
		}
	case "AZIENDA", "NO_PROFIT", "PUBBLICA_AMMINISTRAZIONE":
		req(o.CompanyName, "companyName")
		if !provCFEntity.MatchString(o.FiscalCode) && !provCFPerson.MatchString(o.FiscalCode) {
			errs = append(errs, "fiscalCode must be 11 digits or a 16-character fiscal code")
		}
	default:
		errs = append(errs, "userType must be one of ["+strings.Join(providerUserTypes, ", ")+"]")
	}
	if o.VATNumber != "" && !provCFEntity.MatchString(o.VATNumber) {
		errs = append(errs, "vatNumber must be 11 digits")
	}
	if (o.UserType == "AZIENDA" || o.UserType == "LIBERO_PROFESSIONISTA" || o.UserType == "DITTA_INDIVIDUALE") && o.VATNumber == "" {
		errs = append(errs, "vatNumber must not be blank for userType "+o.UserType)
	}
	if !provValidEmail(o.Email) {
		errs = append(errs, "email must be a valid e-mail address")
	}
	return errs
}

// splitAddress checks a mailbox address and returns its domain.
func provSplitAddress(addr string) (string, error) {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || !provLocalPart.MatchString(local) || !provDomainRE.MatchString(domain) {
		return "", fmt.Errorf("address %q is not a valid mailbox address (lowercase letters, digits, '.', '_', '-')", addr)
	}
	return domain, nil
}

// certifiable says whether a domain name can be certified, and why not.
func (p *providerSystem) certifiable(name string) (bool, string) {
	if !provDomainRE.MatchString(name) {
		return false, "not a valid domain name"
	}
	if _, ok := p.domains[name]; ok {
		return false, "domain already registered"
	}
	for _, tld := range []string{".invalid", ".test", ".example", ".local"} {
		if strings.HasSuffix(name, tld) {
			return false, "reserved top-level domain"
		}
	}
	if slices.Contains(strings.Split(name, "."), "noncertificabile") {
		return false, "the domain's DNS does not allow certification"
	}
	return true, ""
}

// --- helpers

// decodeBody reads a JSON body into v, answering 400 itself on failure.
func provDecodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := readBody(r)
	if err != nil || len(body) > maxBody {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "request body too large or unreadable"))
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "malformed JSON: "+err.Error()))
		return false
	}
	return true
}

// writeConflict is a 409 on a stale version, with the current record.
func provWriteConflict(w http.ResponseWriter, entity string, sent, current int64, rec any) {
	pr := newProblem(http.StatusConflict, "Version conflict",
		fmt.Sprintf("the %s was changed: the update is based on version %d, the current version is %d", entity, sent, current))
	pr.Type = "https://sportello.invalid/problems/conflict"
	provWriteProblemWith(w, pr, entity, rec)
}

// writeProblemWith writes a ProblemJson with the record the conflict is
// about as extension members ("entity", "current").
func provWriteProblemWith(w http.ResponseWriter, pr *problem, entity string, current any) {
	q := *pr
	// instance must be an absolute URI naming this occurrence.
	q.Instance = "urn:uuid:" + uuid.NewString()
	b, _ := json.Marshal(struct {
		problem
		Entity  string `json:"entity"`
		Current any    `json:"current"`
	}{q, entity, current})
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(pr.Status)
	w.Write(append(b, '\n'))
}

// provGet answers a GET of one record by key, after the time-driven
// transitions (activations) due by now.
func provGet[T any](p *providerSystem, w http.ResponseWriter, key, kind string, records func() map[string]*T) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	rec := records()[key]
	if rec == nil {
		provNotFound(w, kind, key)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func provNotFound(w http.ResponseWriter, what, id string) {
	writeProblem(w, newProblem(http.StatusNotFound, "Not Found", fmt.Sprintf("No %s found with id %s", what, id)))
}

func provBadRequest(w http.ResponseWriter, errs ...string) {
	writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", strings.Join(errs, "; ")))
}

func (p *providerSystem) failCommit(w http.ResponseWriter, err error) {
	writeProblem(w, newProblem(http.StatusInternalServerError, "Internal Server Error", err.Error()))
}

// --- owners

// ownerInput is the body of create and update; Version only on update.
type ownerInput struct {
	UserType    string       `json:"userType"`
	FirstName   string       `json:"firstName"`
	LastName    string       `json:"lastName"`
	CompanyName string       `json:"companyName"`
	FiscalCode  string       `json:"fiscalCode"`
	VATNumber   string       `json:"vatNumber"`
	Email       string       `json:"email"`
	Phone       string       `json:"phone"`
	Address     *provAddress `json:"address"`
	Version     int64        `json:"version"`
	ID          string       `json:"id"`        // ignored, so that a record read can be sent back
	CreatedAt   *time.Time   `json:"createdAt"` // ignored
	UpdatedAt   *time.Time   `json:"updatedAt"` // ignored
}

func (in *ownerInput) owner() provOwner {
	return provOwner{UserType: in.UserType, FirstName: strings.TrimSpace(in.FirstName), LastName: strings.TrimSpace(in.LastName),
		CompanyName: strings.TrimSpace(in.CompanyName), FiscalCode: strings.ToUpper(strings.TrimSpace(in.FiscalCode)),
		VATNumber: strings.TrimSpace(in.VATNumber), Email: strings.TrimSpace(in.Email), Phone: strings.TrimSpace(in.Phone), Address: in.Address}
}

func (p *providerSystem) createOwner(w http.ResponseWriter, r *http.Request) {
	var in ownerInput
	if !provDecodeBody(w, r, &in) {
		return
	}
	o := in.owner()
	if errs := o.validate(); len(errs) > 0 {
		provBadRequest(w, errs...)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	for _, x := range p.owners {
		if x.FiscalCode == o.FiscalCode && x.UserType == o.UserType {
			writeProblem(w, newProblem(http.StatusConflict, "Conflict", fmt.Sprintf("Owner already exists: fiscalCode %s, userType %s (id %s)", o.FiscalCode, o.UserType, x.ID)))
			return
		}
	}
	now := p.sb.now().UTC()
	o.ID, o.Version, o.CreatedAt, o.UpdatedAt = p.newID("OWN"), 1, now, now
	if err := p.commit(&provChange{Entity: "owner", ID: o.ID, Event: "CREATED", Source: "client", Version: 1, Owner: &o}); err != nil {
		p.failCommit(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

func (p *providerSystem) updateOwner(w http.ResponseWriter, r *http.Request) {
	var in ownerInput
	if !provDecodeBody(w, r, &in) {
		return
	}
	if in.Version <= 0 {
		provBadRequest(w, "version must be the version the update is based on (≥ 1)")
		return
	}
	o := in.owner()
	if errs := o.validate(); len(errs) > 0 {
		provBadRequest(w, errs...)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	cur := p.owners[r.PathValue("id")]
	switch {
	case cur == nil:
		provNotFound(w, "owner", r.PathValue("id"))
		return
	case cur.Version != in.Version:
		provWriteConflict(w, "owner", in.Version, cur.Version, cur)
		return
	case cur.FiscalCode != o.FiscalCode || cur.UserType != o.UserType:
		provBadRequest(w, "fiscalCode and userType cannot change: create a new owner")
		return
	}
	o.ID, o.CreatedAt, o.Version, o.UpdatedAt = cur.ID, cur.CreatedAt, cur.Version+1, p.sb.now().UTC()
	if err := p.commit(&provChange{Entity: "owner", ID: o.ID, Event: "UPDATED", Source: "client", Version: o.Version, Owner: &o}); err != nil {
		p.failCommit(w, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (p *providerSystem) getOwner(w http.ResponseWriter, r *http.Request) {
	provGet(p, w, r.PathValue("id"), "owner", func() map[string]*provOwner { return p.owners })
}

// searchOwners filters by fiscalCode (exact), firstName, lastName,
// companyName, email (case-insensitive prefix) and userType; ordered by id.
func (p *providerSystem) searchOwners(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	prefix := func(v, f string) bool { return f == "" || strings.HasPrefix(strings.ToLower(v), strings.ToLower(f)) }
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	out := []*provOwner{}
	for _, o := range p.owners {
		if (q.Get("fiscalCode") == "" || strings.EqualFold(o.FiscalCode, q.Get("fiscalCode"))) &&
			(q.Get("userType") == "" || o.UserType == q.Get("userType")) &&
			prefix(o.FirstName, q.Get("firstName")) && prefix(o.LastName, q.Get("lastName")) &&
			prefix(o.CompanyName, q.Get("companyName")) && prefix(o.Email, q.Get("email")) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b *provOwner) int { return strings.Compare(a.ID, b.ID) })
	writeJSON(w, http.StatusOK, map[string]any{"owners": out})
}

// --- accounts

func (p *providerSystem) createAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Address string `json:"address"`
		OwnerID string `json:"ownerId"`
		Type    string `json:"type"`
	}
	if !provDecodeBody(w, r, &in) {
		return
	}
	in.Address = strings.ToLower(strings.TrimSpace(in.Address))
	if in.Type == "" {
		in.Type = "STANDARD"
	}
	var errs []string
	domain, err := provSplitAddress(in.Address)
	if err != nil {
		errs = append(errs, err.Error())
	}
	if in.OwnerID == "" {
		errs = append(errs, "ownerId must not be blank")
	}
	if !slices.Contains(providerAccountTypes, in.Type) {
		errs = append(errs, "type must be one of ["+strings.Join(providerAccountTypes, ", ")+"]")
	}
	if len(errs) > 0 {
		provBadRequest(w, errs...)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	if d := p.domains[domain]; d == nil || d.Status != domCertified {
		provBadRequest(w, "domain "+domain+" is not a certified domain of this reseller")
		return
	}
	if p.owners[in.OwnerID] == nil {
		provBadRequest(w, "ownerId "+in.OwnerID+" does not name an owner")
		return
	}
	if id, dup := p.byAddress[in.Address]; dup {
		writeProblem(w, newProblem(http.StatusConflict, "Conflict", fmt.Sprintf("Account already exists: address %s (id %s)", in.Address, id)))
		return
	}
	now := p.sb.now().UTC()
	a := provAccount{ID: p.newID("ACC"), Address: in.Address, Domain: domain, OwnerID: in.OwnerID, Type: in.Type,
		Status: accPending, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := p.commit(&provChange{Entity: "account", ID: a.ID, Event: "CREATED", Source: "client", Version: 1, Account: &a}); err != nil {
		p.failCommit(w, err)
		return
	}
	p.pendingAcc = append(p.pendingAcc, a.ID)
	writeJSON(w, http.StatusCreated, a)
}

func (p *providerSystem) getAccount(w http.ResponseWriter, r *http.Request) {
	provGet(p, w, r.PathValue("id"), "account", func() map[string]*provAccount { return p.accounts })
}

// searchAccounts filters by domain, ownerId, status (exact), address
// (prefix) and createdFrom/createdTo (RFC 3339 or YYYY-MM-DD).
func (p *providerSystem) searchAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var from, to time.Time
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"createdFrom", &from}, {"createdTo", &to}} {
		v := q.Get(f.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, v); err == nil && f.name == "createdTo" {
				t = t.AddDate(0, 0, 1)
			}
		}
		if err != nil {
			provBadRequest(w, f.name+" must be a date (YYYY-MM-DD) or an RFC 3339 time")
			return
		}
		*f.t = t
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	out := p.filterAccounts(func(a *provAccount) bool {
		return (q.Get("domain") == "" || a.Domain == q.Get("domain")) &&
			(q.Get("ownerId") == "" || a.OwnerID == q.Get("ownerId")) &&
			(q.Get("status") == "" || a.Status == q.Get("status")) &&
			strings.HasPrefix(a.Address, strings.ToLower(q.Get("address"))) &&
			(from.IsZero() || !a.CreatedAt.Before(from)) && (to.IsZero() || a.CreatedAt.Before(to))
	})
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

func (p *providerSystem) filterAccounts(keep func(a *provAccount) bool) []*provAccount {
	out := []*provAccount{}
	for _, a := range p.accounts {
		if keep(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *provAccount) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (p *providerSystem) available(w http.ResponseWriter, r *http.Request) {
	addr := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("address")))
	if addr == "" {
		provBadRequest(w, "address must not be blank")
		return
	}
	domain, err := provSplitAddress(addr)
	if err != nil {
		provBadRequest(w, err.Error())
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	res := map[string]any{"address": addr, "available": true}
	if d := p.domains[domain]; d == nil || d.Status != domCertified {
		res["available"], res["reason"] = false, "domain "+domain+" is not a certified domain of this reseller"
	} else if _, taken := p.byAddress[addr]; taken {
		res["available"], res["reason"] = false, "address already in use"
	}
	writeJSON(w, http.StatusOK, res)
}

// updateAccount changes an account's type or owner (changeType, subentro)
// against the version it is based on.
func (p *providerSystem) updateAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Version int64  `json:"version"`
		Type    string `json:"type"`
		OwnerID string `json:"ownerId"`
	}
	if !provDecodeBody(w, r, &in) {
		return
	}
	if in.Version <= 0 {
		provBadRequest(w, "version must be the version the update is based on (≥ 1)")
		return
	}
	if in.Type != "" && !slices.Contains(providerAccountTypes, in.Type) {
		provBadRequest(w, "type must be one of ["+strings.Join(providerAccountTypes, ", ")+"]")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	cur := p.accounts[r.PathValue("id")]
	switch {
	case cur == nil:
		provNotFound(w, "account", r.PathValue("id"))
		return
	case cur.Version != in.Version:
		provWriteConflict(w, "account", in.Version, cur.Version, cur)
		return
	case in.OwnerID != "" && p.owners[in.OwnerID] == nil:
		provBadRequest(w, "ownerId "+in.OwnerID+" does not name an owner")
		return
	case cur.Status == accCancelled:
		writeProblem(w, newProblem(http.StatusConflict, "Conflict", "Account "+cur.ID+" is CANCELLED"))
		return
	}
	next := *cur
	if in.Type != "" {
		next.Type = in.Type
	}
	if in.OwnerID != "" {
		next.OwnerID = in.OwnerID
	}
	next.Version++
	next.UpdatedAt = p.sb.now().UTC()
	if err := p.commit(&provChange{Entity: "account", ID: next.ID, Event: "UPDATED", Source: "client", Version: next.Version, Account: &next}); err != nil {
		p.failCommit(w, err)
		return
	}
	writeJSON(w, http.StatusOK, next)
}

// accountTransition moves an account to status `to` from one of `from`;
// the body may carry {"version": n}: a stale one is a 409 with the
// current record, as is any other starting status.
func (p *providerSystem) accountTransition(event, to string, from ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Version int64 `json:"version"`
		}
		if r.ContentLength != 0 && !provDecodeBody(w, r, &in) {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.advance()
		cur := p.accounts[r.PathValue("id")]
		switch {
		case cur == nil:
			provNotFound(w, "account", r.PathValue("id"))
			return
		case in.Version != 0 && cur.Version != in.Version:
			provWriteConflict(w, "account", in.Version, cur.Version, cur)
			return
		case !slices.Contains(from, cur.Status):
			pr := newProblem(http.StatusConflict, "Conflict", fmt.Sprintf("Account %s is %s, not %s", cur.ID, cur.Status, strings.Join(from, " or ")))
			provWriteProblemWith(w, pr, "account", cur)
			return
		}
		next := *cur
		next.Status, next.UpdatedAt = to, p.sb.now().UTC()
		next.Version++
		if err := p.commit(&provChange{Entity: "account", ID: next.ID, Event: event, Source: "client", Version: next.Version, Account: &next}); err != nil {
			p.failCommit(w, err)
			return
		}
		writeJSON(w, http.StatusOK, next)
	}
}

// --- documents

func (p *providerSystem) uploadDocument(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind, name := q.Get("kind"), strings.TrimSpace(q.Get("fileName"))
	if kind == "" {
		kind = "CONTRATTO"
	}
	var errs []string
	if !slices.Contains(providerDocKinds, kind) {
		errs = append(errs, "kind must be one of ["+strings.Join(providerDocKinds, ", ")+"]")
	}
	if name == "" || len(name) > 200 || strings.ContainsAny(name, "/\\") {
		errs = append(errs, "fileName must be a file name without path, at most 200 characters")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, ProviderMaxDocument+1))
	switch {
	case err != nil:
		errs = append(errs, "request body unreadable")
	case len(body) > ProviderMaxDocument:
		errs = append(errs, fmt.Sprintf("document larger than %d bytes", ProviderMaxDocument))
	case len(body) < 8 || string(body[:5]) != "%PDF-":
		errs = append(errs, "document is not a PDF (it does not start with %PDF-)")
	}
	if len(errs) > 0 {
		provBadRequest(w, errs...)
		return
	}
	sum := sha256.Sum256(body)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	a := p.accounts[r.PathValue("id")]
	if a == nil {
		provNotFound(w, "account", r.PathValue("id"))
		return
	}
	d := provDocument{ID: p.newID("DOC"), AccountID: a.ID, Kind: kind, FileName: name, Size: int64(len(body)),
		SHA256: hex.EncodeToString(sum[:]), UploadedAt: p.sb.now().UTC()}
	if err := p.commit(&provChange{Entity: "document", ID: d.ID, Event: "UPLOADED", Source: "client", Document: &d}); err != nil {
		p.failCommit(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func (p *providerSystem) listDocuments(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.accounts[r.PathValue("id")] == nil {
		provNotFound(w, "account", r.PathValue("id"))
		return
	}
	out := []*provDocument{}
	for _, d := range p.documents {
		if d.AccountID == r.PathValue("id") {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *provDocument) int { return strings.Compare(a.ID, b.ID) })
	writeJSON(w, http.StatusOK, map[string]any{"documents": out})
}

// --- domains

func (p *providerSystem) listDomains(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	out := []*provDomain{}
	for _, d := range p.domains {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *provDomain) int { return strings.Compare(a.Name, b.Name) })
	writeJSON(w, http.StatusOK, map[string]any{"domains": out})
}

func (p *providerSystem) getDomain(w http.ResponseWriter, r *http.Request) {
	provGet(p, w, strings.ToLower(r.PathValue("name")), "domain", func() map[string]*provDomain { return p.domains })
}

func (p *providerSystem) verifyDomain(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(r.PathValue("name"))
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	ok, why := p.certifiable(name)
	res := map[string]any{"domain": name, "certifiable": ok}
	if !ok {
		res["reason"] = why
	}
	writeJSON(w, http.StatusOK, res)
}

func (p *providerSystem) certifyDomain(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if !provDecodeBody(w, r, &in) {
		return
	}
	name := strings.ToLower(strings.TrimSpace(in.Name))
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	if _, dup := p.domains[name]; dup {
		writeProblem(w, newProblem(http.StatusConflict, "Conflict", "Domain already exists: "+name))
		return
	}
	if ok, why := p.certifiable(name); !ok {
		provBadRequest(w, "domain "+jsonString(name)+" cannot be certified: "+why)
		return
	}
	now := p.sb.now().UTC()
	d := provDomain{Name: name, Status: domCertifying, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := p.commit(&provChange{Entity: "domain", ID: name, Event: "CREATED", Source: "client", Version: 1, Domain: &d}); err != nil {
		p.failCommit(w, err)
		return
	}
	p.pendingDom = append(p.pendingDom, name)
	writeJSON(w, http.StatusCreated, d)
}

func (p *providerSystem) domainAccounts(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(r.PathValue("name"))
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	if p.domains[name] == nil {
		provNotFound(w, "domain", name)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": p.filterAccounts(func(a *provAccount) bool { return a.Domain == name })})
}

// --- changes feed

// listChanges returns the changes after the cursor `since` (a sequence
// number; "" or 0 is the beginning), at most `limit`, with the cursor to
// ask next. A cursor past the last change (the provider was reset) is a
// 410: the client must read everything again.
func (p *providerSystem) listChanges(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since int64
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			provBadRequest(w, "since must be a cursor returned by a previous call (a non-negative integer)")
			return
		}
		since = n
	}
	limit := providerDefaultPage
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > providerMaxPage {
			provBadRequest(w, fmt.Sprintf("limit must be from 1 to %d", providerMaxPage))
			return
		}
		limit = n
	}
	source := q.Get("source")
	if source != "" && source != "client" && source != "provider" {
		provBadRequest(w, "source must be client or provider")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance()
	if since > p.seq {
		writeProblem(w, newProblem(http.StatusGone, "Gone", fmt.Sprintf("cursor %d is past the last change %d: the provider's history was reset, read again from the beginning", since, p.seq)))
		return
	}
	// Seqs are dense from 1: change n is at index n-1.
	out := []*provChange{}
	i := int(since)
	for ; i < len(p.changes) && len(out) < limit; i++ {
		if c := p.changes[i]; source == "" || c.Source == source {
			out = append(out, c)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": out, "cursor": strconv.FormatInt(int64(i), 10), "hasMore": i < len(p.changes)})
}

// --- Sandbox API

// ProviderCredentials are the simulated PEC provider's base URL and key.
func (s *Sandbox) ProviderCredentials() Provider { return s.prov.credentials() }

// SetProviderOffline takes the simulated provider down (every call 503)
// or brings it back.
func (s *Sandbox) SetProviderOffline(on bool) { s.prov.setOffline(on) }

// EditProvider changes an owner or an account as the provider would by
// itself, bumping its version: a client's update based on the previous
// version gets a 409. It returns the new record.
func (s *Sandbox) EditProvider(e ProviderEdit) (any, error) { return s.prov.edit(e) }
