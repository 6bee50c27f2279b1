package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// gpdBasePath is where the sandbox serves pagoPA's Gestione Posizioni
// Debitorie (external API v1), the counterpart of
// https://api.platform.pagopa.it/gpd/debt-positions-service/v1.
const (
	gpdBasePath   = "/gpd/api/v1"
	gpdBasePathV2 = "/gpd/api/v2" // createMultiplePositions
)

// GPD is how a client reaches the simulated GPD.
type GPD struct {
	BaseURL                string `json:"base_url"`
	Key                    string `json:"key"`
	OrganizationFiscalCode string `json:"organization_fiscal_code"`
}

// gpdSystem keeps the debt positions of the sandbox's ente in memory.
type gpdSystem struct {
	sb  *Sandbox
	key string
	org string

	mu        sync.Mutex
	positions map[string]*gpdPosition // by IUPD
	iuvs      map[string]string       // IUV → IUPD
	journal   *journal                // with a state directory: every position after each change
}

// gpdPosition is a PaymentPositionModel as stored and returned.
type gpdPosition struct {
	IUPD            string      `json:"iupd"`
	Type            string      `json:"type"`
	FiscalCode      string      `json:"fiscalCode"`
	FullName        string      `json:"fullName"`
	StreetName      string      `json:"streetName,omitempty"`
	CivicNumber     string      `json:"civicNumber,omitempty"`
	PostalCode      string      `json:"postalCode,omitempty"`
	City            string      `json:"city,omitempty"`
	Province        string      `json:"province,omitempty"`
	Country         string      `json:"country,omitempty"`
	Email           string      `json:"email,omitempty"`
	Phone           string      `json:"phone,omitempty"`
	SwitchToExpired *bool       `json:"switchToExpired"`
	CompanyName     string      `json:"companyName"`
	OfficeName      string      `json:"officeName,omitempty"`
	Status          string      `json:"status,omitempty"`
	PaymentDate     *time.Time  `json:"paymentDate,omitempty"`
	PaymentOption   []gpdOption `json:"paymentOption"`
}

type gpdOption struct {
	NAV              string        `json:"nav,omitempty"`
	IUV              string        `json:"iuv"`
	Amount           int64         `json:"amount"`
	Description      string        `json:"description"`
	IsPartialPayment *bool         `json:"isPartialPayment"`
	DueDate          *time.Time    `json:"dueDate"`
	Transfer         []gpdTransfer `json:"transfer"`
}

type gpdTransfer struct {
	IDTransfer            string `json:"idTransfer"`
	Amount                int64  `json:"amount"`
	RemittanceInformation string `json:"remittanceInformation"`
	Category              string `json:"category"`
	IBAN                  string `json:"iban,omitempty"`
	PostalIBAN            string `json:"postalIban,omitempty"`
}

func newGPDSystem(sb *Sandbox) (*gpdSystem, error) {
	g := &gpdSystem{sb: sb, key: demoKey(sb.cfg.Seed, "gpd", "primary"), org: sb.cfg.Services[0].OrganizationFiscalCode,
		positions: map[string]*gpdPosition{}, iuvs: map[string]string{}}
	if sb.cfg.StateDir == "" {
		return g, nil
	}
	j, err := openJournal(sb.cfg.StateDir, "gpd-positions.jsonl")
	if err != nil {
		return nil, err
	}
	err = j.replay(func(line []byte) error {
		var p gpdPosition
		if err := json.Unmarshal(line, &p); err != nil {
			return err
		}
		if p.IUPD == "" {
			return errors.New("record without iupd")
		}
		g.store(&p) // the last record of a position wins
		return nil
	})
	if err != nil {
		j.close()
		return nil, err
	}
	g.journal = j
	return g, nil
}

func (g *gpdSystem) store(p *gpdPosition) {
	g.positions[p.IUPD] = p
	for _, o := range p.PaymentOption {
		g.iuvs[o.IUV] = p.IUPD
	}
}

// save records a position after a change; called with mu held.
func (g *gpdSystem) save(p *gpdPosition) error {
	if g.journal == nil {
		return nil
	}
	return g.journal.append(p)
}

func (g *gpdSystem) reset() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.positions, g.iuvs = map[string]*gpdPosition{}, map[string]string{}
	if g.journal != nil {
		return g.journal.truncate()
	}
	return nil
}

func (g *gpdSystem) close() error {
	if g.journal != nil {
		return g.journal.close()
	}
	return nil
}

func (g *gpdSystem) mount(mux *http.ServeMux) {
	base := gpdBasePath + "/organizations/{org}/debtpositions"
	for _, rt := range []struct {
		pattern, name string
		h             func(w http.ResponseWriter, r *http.Request)
	}{
		{"POST " + base, "gpd.createPosition", g.create},
		{"GET " + base + "/{iupd}", "gpd.getOrganizationDebtPositionByIUPD", g.get},
		{"POST " + base + "/{iupd}/publish", "gpd.publishPosition", g.transition("DRAFT", "VALID")},
		{"POST " + base + "/{iupd}/invalidate", "gpd.invalidatePosition", g.transition("VALID", "INVALID")},
	} {
		h := rt.h
		g.sb.route(mux, rt.pattern, endpoint{name: rt.name, auth: g.authenticate,
			handler: func(w http.ResponseWriter, r *http.Request, _ any) {
				if r.PathValue("org") != g.org {
					writeProblem(w, newProblem(http.StatusForbidden, "Forbidden", "The subscription key is not enabled for organization "+r.PathValue("org")))
					return
				}
				h(w, r)
			}})
	}
	// API v2: createMultiplePositions, all or nothing.
	g.sb.route(mux, "POST "+gpdBasePathV2+"/organizations/{org}/debtpositions", endpoint{name: "gpd.createMultiplePositions",
		auth: g.authenticate, handler: func(w http.ResponseWriter, r *http.Request, _ any) {
			if r.PathValue("org") != g.org {
				writeProblem(w, newProblem(http.StatusForbidden, "Forbidden", "The subscription key is not enabled for organization "+r.PathValue("org")))
				return
			}
			g.createMultiple(w, r)
		}})
	// POST /__sandbox/gpd/paid/{iupd}: the citizen paid (no auth), to demo the dashboard.
	mux.HandleFunc("POST /__sandbox/gpd/paid/{iupd}", func(w http.ResponseWriter, r *http.Request) {
		if err := g.Paga(r.PathValue("iupd")); err != nil {
			writeProblem(w, newProblem(http.StatusConflict, "Conflict", err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (g *gpdSystem) authenticate(r *http.Request) (string, any, *problem) {
	key := r.Header.Get(subscriptionKeyHeader)
	if key == "" {
		return "", nil, newProblem(http.StatusUnauthorized, "Unauthorized", "Access denied due to missing subscription key.")
	}
	if key != g.key {
		return "", nil, newProblem(http.StatusUnauthorized, "Unauthorized", "Access denied due to invalid subscription key.")
	}
	return "gpd:" + g.org, nil, nil
}

var (
	gpdIUVPattern  = regexp.MustCompile(`^[0-9]{17}$`)
	gpdIBANPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,35}$`)
)

// validate is the service's check of a PaymentPositionModel: the
// required fields, lengths and patterns of the OpenAPI, and transfer
// amounts adding up to the option's.
func (p *gpdPosition) validate() []string {
	var errs []string
	req := func(v, name string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, name+" must not be blank")
		}
	}
	max := func(v, name string, n int) {
		if utf8.RuneCountInString(v) > n {
			errs = append(errs, fmt.Sprintf("%s size must be between 0 and %d", name, n))
		}
	}
	req(p.IUPD, "iupd")
	req(p.FiscalCode, "fiscalCode")
	req(p.FullName, "fullName")
	req(p.CompanyName, "companyName")
	max(p.CompanyName, "companyName", 140)
	max(p.OfficeName, "officeName", 140)
	if p.Type != "F" && p.Type != "G" {
		errs = append(errs, "type must be one of [F, G]")
	}
	if p.SwitchToExpired == nil {
		errs = append(errs, "switchToExpired must not be null")
	}
	if len(p.PaymentOption) == 0 {
		errs = append(errs, "paymentOption must not be empty")
	}
	for i, o := range p.PaymentOption {
		at := fmt.Sprintf("paymentOption[%d].", i)
		if !gpdIUVPattern.MatchString(o.IUV) {
			errs = append(errs, at+"iuv must be 17 digits")
		}
		if o.Amount <= 0 {
			errs = append(errs, at+"amount must be greater than 0")
		}
		req(o.Description, at+"description")
		max(o.Description, at+"description", 140)
		if o.IsPartialPayment == nil {
			errs = append(errs, at+"isPartialPayment must not be null")
		}
		if o.DueDate == nil {
			errs = append(errs, at+"dueDate must not be null")
		}
		if len(o.Transfer) == 0 || len(o.Transfer) > 5 {
			errs = append(errs, at+"transfer must have from 1 to 5 items")
		}
		var sum int64
		seen := map[string]bool{}
		for j, t := range o.Transfer {
			tat := fmt.Sprintf("%stransfer[%d].", at, j)
			if !strings.Contains("12345", t.IDTransfer) || len(t.IDTransfer) != 1 || seen[t.IDTransfer] {
				errs = append(errs, tat+"idTransfer must be one of 1..5, once each")
			}
			seen[t.IDTransfer] = true
			if t.Amount <= 0 {
				errs = append(errs, tat+"amount must be greater than 0")
			}
			req(t.Category, tat+"category")
			req(t.RemittanceInformation, tat+"remittanceInformation")
			max(t.RemittanceInformation, tat+"remittanceInformation", 140)
			if t.IBAN == "" && t.PostalIBAN == "" || t.IBAN != "" && !gpdIBANPattern.MatchString(t.IBAN) {
				errs = append(errs, tat+"iban must match ^[A-Za-z0-9]{1,35}$")
			}
			sum += t.Amount
		}
		if len(o.Transfer) > 0 && sum != o.Amount {
			errs = append(errs, fmt.Sprintf("%samount %d differs from the sum of the transfers %d", at, o.Amount, sum))
		}
	}
	return errs
}

func (g *gpdSystem) create(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil || len(body) > maxBody {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "request body too large or unreadable"))
		return
	}
	var p gpdPosition
	if err := json.Unmarshal(body, &p); err != nil {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "malformed JSON: "+err.Error()))
		return
	}
	if errs := p.validate(); len(errs) > 0 {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", strings.Join(errs, "; ")))
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, dup := g.positions[p.IUPD]; dup {
		writeProblem(w, newProblem(http.StatusConflict, "Conflict", "Debt Position already exists: iupd "+p.IUPD))
		return
	}
	for _, o := range p.PaymentOption {
		if other, dup := g.iuvs[o.IUV]; dup {
			writeProblem(w, newProblem(http.StatusConflict, "Conflict", fmt.Sprintf("IUV %s already used by iupd %s", o.IUV, other)))
			return
		}
	}
	p.Status = "DRAFT"
	if r.URL.Query().Get("toPublish") == "true" {
		p.Status = "VALID"
	}
	for i := range p.PaymentOption {
		p.PaymentOption[i].NAV = "3" + p.PaymentOption[i].IUV
	}
	if err := g.save(&p); err != nil {
		writeProblem(w, newProblem(http.StatusInternalServerError, "Internal Server Error", err.Error()))
		return
	}
	g.store(&p)
	writeJSON(w, http.StatusCreated, p)
}

// maxPositionsPerRequest bounds a createMultiplePositions body, as the
// real service bounds its requests.
const maxPositionsPerRequest = 100

// createMultiple is v2's createMultiplePositions: every position valid and
// new (IUPD and IUV, also within the request), or none is created.
func (g *gpdSystem) createMultiple(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil || len(body) > maxBody*maxPositionsPerRequest {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "request body too large or unreadable"))
		return
	}
	var req struct {
		PaymentPositions []gpdPosition `json:"paymentPositions"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", "malformed JSON: "+err.Error()))
		return
	}
	ps := req.PaymentPositions
	if len(ps) == 0 || len(ps) > maxPositionsPerRequest {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request",
			fmt.Sprintf("paymentPositions must have from 1 to %d items", maxPositionsPerRequest)))
		return
	}
	var errs []string
	for i := range ps {
		for _, e := range ps[i].validate() {
			errs = append(errs, fmt.Sprintf("paymentPositions[%d].%s", i, e))
		}
	}
	if len(errs) > 0 {
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request", strings.Join(errs, "; ")))
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	iupds, iuvs := map[string]bool{}, map[string]bool{}
	for _, p := range ps {
		if _, dup := g.positions[p.IUPD]; dup || iupds[p.IUPD] {
			writeProblem(w, newProblem(http.StatusConflict, "Conflict", "Debt Position already exists: iupd "+p.IUPD))
			return
		}
		iupds[p.IUPD] = true
		for _, o := range p.PaymentOption {
			if _, dup := g.iuvs[o.IUV]; dup || iuvs[o.IUV] {
				writeProblem(w, newProblem(http.StatusConflict, "Conflict", "IUV "+o.IUV+" already used"))
				return
			}
			iuvs[o.IUV] = true
		}
	}
	status := "DRAFT"
	if r.URL.Query().Get("toPublish") == "true" {
		status = "VALID"
	}
	for i := range ps {
		p := &ps[i]
		p.Status = status
		for j := range p.PaymentOption {
			p.PaymentOption[j].NAV = "3" + p.PaymentOption[j].IUV
		}
		if err := g.save(p); err != nil {
			writeProblem(w, newProblem(http.StatusInternalServerError, "Internal Server Error", err.Error()))
			return
		}
		g.store(p)
	}
	w.WriteHeader(http.StatusCreated)
}

func (g *gpdSystem) get(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	p, ok := g.positions[r.PathValue("iupd")]
	var out gpdPosition
	if ok {
		g.scadi(p)
		out = *p
	}
	g.mu.Unlock()
	if !ok {
		writeProblem(w, newProblem(http.StatusNotFound, "Not Found", "No debt position found with iupd "+r.PathValue("iupd")))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// scadi turns a published position whose every option is past due into
// EXPIRED, when it asked to (switchToExpired), as GPD's scheduled job
// does; g.mu held.
func (g *gpdSystem) scadi(p *gpdPosition) {
	if p.Status != "VALID" || p.SwitchToExpired == nil || !*p.SwitchToExpired {
		return
	}
	now := g.sb.now()
	for _, o := range p.PaymentOption {
		if o.DueDate == nil || !o.DueDate.Before(now) {
			return
		}
	}
	next := *p
	next.Status = "EXPIRED"
	if err := g.save(&next); err != nil {
		g.sb.log.Warn("gpd: expiry not journaled", "iupd", p.IUPD, "err", err)
		return
	}
	*p = next
}

// transition moves a position from one status to another (publish,
// invalidate); any other starting status is a 409, as in GPD.
func (g *gpdSystem) transition(from, to string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		p, ok := g.positions[r.PathValue("iupd")]
		switch {
		case !ok:
			writeProblem(w, newProblem(http.StatusNotFound, "Not Found", "No debt position found with iupd "+r.PathValue("iupd")))
		case p.Status != from:
			writeProblem(w, newProblem(http.StatusConflict, "Conflict", fmt.Sprintf("Debt position is %s, not %s", p.Status, from)))
		default:
			next := *p
			next.Status = to
			if err := g.save(&next); err != nil {
				writeProblem(w, newProblem(http.StatusInternalServerError, "Internal Server Error", err.Error()))
				return
			}
			*p = next
			writeJSON(w, http.StatusOK, p)
		}
	}
}

// Paga marks a valid position as paid, as if the citizen had paid it.
func (g *gpdSystem) Paga(iupd string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.positions[iupd]
	if !ok {
		return fmt.Errorf("no debt position with iupd %s", iupd)
	}
	if p.Status != "VALID" {
		return fmt.Errorf("debt position %s is %s, not VALID", iupd, p.Status)
	}
	now := g.sb.now().UTC()
	next := *p
	next.Status, next.PaymentDate = "PAID", &now
	if err := g.save(&next); err != nil {
		return err
	}
	*p = next
	return nil
}
