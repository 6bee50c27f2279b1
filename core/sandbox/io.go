package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// ioBasePath is the spec's basePath: the sandbox serves App IO at the same
// path as https://api.io.pagopa.it/api/v1.
const ioBasePath = "/api/v1"

const subscriptionKeyHeader = "Ocp-Apim-Subscription-Key"

// ioRoutes are the App IO operations the sandbox serves, as in the spec
// (paths relative to basePath).
var ioRoutes = []struct{ method, path, operationID string }{
	{"POST", "/profiles", "getProfileByPOST"},
	{"GET", "/profiles/{fiscal_code}", "getProfile"},
	{"POST", "/messages", "submitMessageforUserWithFiscalCodeInBody"},
	{"POST", "/messages/{fiscal_code}", "submitMessageforUser"},
	{"GET", "/messages/{fiscal_code}/{id}", "getMessage"},
}

// ioMessage is a message IO accepted.
type ioMessage struct {
	ID           string    `json:"id"`
	ServiceID    string    `json:"service_id"`
	FiscalCode   string    `json:"fiscal_code"`
	CreatedAt    time.Time `json:"created_at"`
	TTL          int       `json:"time_to_live"`
	FeatureLevel string    `json:"feature_level_type"`
	Content      ioContent `json:"content"`
	Fate         ioFate    `json:"fate"`
}

// IOStats are the App IO messages the sandbox accepted (201).
type IOStats struct {
	Messages int `json:"messages"`
	// Duplicates counts the extra copies: messages accepted while an
	// identical one (service, fiscal code, subject, markdown, payment data)
	// had already been accepted. Three identical sends make 2 duplicates.
	Duplicates   int            `json:"duplicates"`
	ByFiscalCode map[string]int `json:"by_fiscal_code"`
	ByService    map[string]int `json:"by_service"`
	// ByStatus is the status each message has now.
	ByStatus map[string]int `json:"by_status"`
}

type ioSystem struct {
	sb      *Sandbox
	byKey   map[string]*Service
	byID    map[string]*Service
	journal *journal

	mu       sync.Mutex
	entropy  io.Reader
	messages map[string]*ioMessage
	order    []*ioMessage
	copies   map[string]int // fingerprint → messages accepted
	dups     int
	byCF     map[string]int
	bySvc    map[string]int
}

func newIOSystem(sb *Sandbox) (*ioSystem, error) {
	x := &ioSystem{sb: sb, byKey: map[string]*Service{}, byID: map[string]*Service{},
		entropy: ulid.Monotonic(rand.Reader, 0)}
	for i := range sb.cfg.Services {
		svc := &sb.cfg.Services[i]
		x.byID[svc.ServiceID] = svc
		x.byKey[svc.Key] = svc
		if svc.SecondaryKey != "" {
			x.byKey[svc.SecondaryKey] = svc
		}
	}
	x.clear()
	if sb.cfg.StateDir == "" {
		return x, nil
	}
	j, err := openJournal(sb.cfg.StateDir, "io-messages.jsonl")
	if err != nil {
		return nil, err
	}
	err = j.replay(func(line []byte) error {
		var m ioMessage
		if err := json.Unmarshal(line, &m); err != nil {
			return err
		}
		if m.ID == "" {
			return errors.New("record without id")
		}
		x.add(&m)
		return nil
	})
	if err != nil {
		j.close()
		return nil, err
	}
	x.journal = j
	if len(x.order) > 0 {
		sb.log.Info("sandbox state restored", "system", "io", "messages", len(x.order))
	}
	return x, nil
}

func (x *ioSystem) clear() {
	x.messages = map[string]*ioMessage{}
	x.order = nil
	x.copies = map[string]int{}
	x.dups = 0
	x.byCF = map[string]int{}
	x.bySvc = map[string]int{}
}

// add indexes m; x.mu held (or not yet shared).
func (x *ioSystem) add(m *ioMessage) {
	fp := m.fingerprint()
	if x.copies[fp] > 0 {
		x.dups++
	}
	x.copies[fp]++
	x.messages[m.ID] = m
	x.order = append(x.order, m)
	x.byCF[m.FiscalCode]++
	x.bySvc[m.ServiceID]++
}

func (m *ioMessage) fingerprint() string {
	h := sha256.New()
	pd, _ := json.Marshal(m.Content.PaymentData)
	for _, p := range []string{m.ServiceID, m.FiscalCode, m.Content.Subject, m.Content.Markdown, string(pd)} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (x *ioSystem) reset() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.clear()
	if x.journal != nil {
		return x.journal.truncate()
	}
	return nil
}

func (x *ioSystem) close() error {
	if x.journal != nil {
		return x.journal.close()
	}
	return nil
}

func (x *ioSystem) stats() IOStats {
	now := x.sb.now()
	x.mu.Lock()
	defer x.mu.Unlock()
	st := IOStats{Messages: len(x.order), Duplicates: x.dups, ByFiscalCode: make(map[string]int, len(x.byCF)),
		ByService: map[string]int{}, ByStatus: map[string]int{}}
	for k, v := range x.byCF {
		st.ByFiscalCode[k] = v
	}
	for id, v := range x.bySvc {
		name := id
		if svc := x.byID[id]; svc != nil {
			name = svc.Name
		}
		st.ByService[name] += v
	}
	for _, m := range x.order {
		st.ByStatus[m.Fate.status(now)]++
	}
	return st
}

func (x *ioSystem) mount(mux *http.ServeMux) {
	handlers := map[string]func(w http.ResponseWriter, r *http.Request, svc *Service){
		"getProfileByPOST": x.getProfileByPOST,
		"getProfile":       x.getProfile,
		"submitMessageforUserWithFiscalCodeInBody": x.submitMessage,
		"submitMessageforUser":                     x.submitMessage,
		"getMessage":                               x.getMessage,
	}
	for _, rt := range ioRoutes {
		h := handlers[rt.operationID]
		x.sb.route(mux, rt.method+" "+ioBasePath+rt.path, endpoint{
			name: "io." + rt.operationID,
			auth: x.authenticate,
			handler: func(w http.ResponseWriter, r *http.Request, p any) {
				h(w, r, p.(*Service))
			},
		})
	}
	x.sb.route(mux, ioBasePath+"/", endpoint{name: "io.unknown", handler: func(w http.ResponseWriter, r *http.Request, _ any) {
		writeProblem(w, newProblem(http.StatusNotFound, "Resource not found", r.Method+" "+r.URL.Path+" is not an operation of the IO API"))
	}})
}

// authenticate is the API gateway's subscription-key check: 401 both for a
// missing and for an unknown key. APIM also reads the key from the
// subscription-key query parameter.
func (x *ioSystem) authenticate(r *http.Request) (string, any, *problem) {
	key := r.Header.Get(subscriptionKeyHeader)
	if key == "" {
		key = r.URL.Query().Get("subscription-key")
	}
	if key == "" {
		return "", nil, newProblem(http.StatusUnauthorized, "Unauthorized",
			"Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.")
	}
	svc := x.byKey[key]
	if svc == nil {
		x.sb.log.Debug("unknown subscription key", "key", maskKey(key))
		return "", nil, newProblem(http.StatusUnauthorized, "Unauthorized",
			"Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.")
	}
	return svc.account(), svc, nil
}

func readBody(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, maxBody+1))
}

func (x *ioSystem) getProfile(w http.ResponseWriter, r *http.Request, svc *Service) {
	x.profile(w, svc, r.PathValue("fiscal_code"))
}

func (x *ioSystem) getProfileByPOST(w http.ResponseWriter, r *http.Request, svc *Service) {
	body, err := readBody(r)
	if err != nil || len(body) > maxBody {
		writeProblem(w, newProblem(http.StatusBadRequest, "Invalid FiscalCodePayload", "request body unreadable or too large"))
		return
	}
	cf, errs := parseFiscalCodePayload(r.Header.Get("Content-Type"), body)
	if len(errs) > 0 {
		writeProblem(w, newProblem(http.StatusBadRequest, "Invalid FiscalCodePayload", strings.Join(errs, "; ")))
		return
	}
	x.profile(w, svc, cf)
}

type limitedProfile struct {
	SenderAllowed      bool     `json:"sender_allowed"`
	PreferredLanguages []string `json:"preferred_languages,omitempty"`
}

func (x *ioSystem) profile(w http.ResponseWriter, svc *Service, cf string) {
	kind := x.sb.Citizen(cf)
	switch {
	case kind == CitizenInvalid:
		writeProblem(w, problemInvalidFiscalCode(cf))
	// A limited service must not learn who is on IO: 404 for everyone else.
	case kind == CitizenNotOnIO || svc.limitedTo(cf):
		writeProblem(w, newProblem(http.StatusNotFound, "Profile not found", "The profile you requested was not found in the system."))
	default:
		writeJSON(w, http.StatusOK, limitedProfile{
			SenderAllowed:      kind == CitizenEnabled,
			PreferredLanguages: preferredLanguages(x.sb.cfg.Seed, cf),
		})
	}
}

func (x *ioSystem) submitMessage(w http.ResponseWriter, r *http.Request, svc *Service) {
	pathCF, inPath := r.PathValue("fiscal_code"), strings.HasSuffix(r.Pattern, "{fiscal_code}")
	if inPath && x.sb.Citizen(pathCF) == CitizenInvalid {
		writeProblem(w, problemInvalidFiscalCode(pathCF))
		return
	}
	body, err := readBody(r)
	if err != nil || len(body) > maxBody {
		writeProblem(w, newProblem(http.StatusBadRequest, "Invalid NewMessage", "request body unreadable or too large"))
		return
	}
	nm, errs := parseNewMessage(r.Header.Get("Content-Type"), body)
	if len(errs) > 0 {
		writeProblem(w, newProblem(http.StatusBadRequest, "Invalid NewMessage", strings.Join(errs, "; ")))
		return
	}
	// Permission checks, in the order of the IO middlewares.
	switch {
	case nm.euCovidCert:
		writeProblem(w, problemForbidden("You do not have enough permissions to send an EUCovidCert message"))
		return
	case nm.payeeGiven && !svc.PayeeAllowed:
		writeProblem(w, problemForbidden("You do not have enough permissions to send a payment message with payee"))
		return
	case nm.legalData:
		writeProblem(w, problemForbidden("You do not have enough permissions to send a legal message"))
		return
	case nm.featureLevel == FeatureAdvanced && !svc.advanced():
		writeProblem(w, problemForbidden("You do not have enough permissions to send a Premium message"))
		return
	case nm.thirdPartyData:
		writeProblem(w, problemForbidden("You do not have enough permissions to send a third party message"))
		return
	}
	cf := nm.fiscalCode
	switch {
	case inPath && cf != "":
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad parameters",
			"The fiscalcode parameter must be specified in the path or in the payload but not in both"))
		return
	case !inPath && cf == "":
		writeProblem(w, newProblem(http.StatusBadRequest, "Bad parameters",
			"The fiscalcode parameter must be specified in the path or in the payload"))
		return
	case inPath:
		cf = pathCF
	}
	if svc.limitedTo(cf) {
		writeProblem(w, newProblem(http.StatusForbidden, "Recipient forbidden", "You are not allowed to issue requests for the recipient."))
		return
	}
	if nm.defaultAddresses {
		writeProblem(w, newProblem(http.StatusForbidden, "Call forbidden",
			"You are not allowed to send messages by providing default addresses."))
		return
	}
	if pd := nm.content.PaymentData; pd != nil && svc.MaxAmount > 0 && pd.Amount > svc.MaxAmount {
		writeProblem(w, newProblem(http.StatusBadRequest, "Error while sending payment metadata",
			fmt.Sprintf("The requested amount (%d cents) exceeds the maximum allowed for this service (%d cents): amount over the service maximum",
				pd.Amount, svc.MaxAmount)))
		return
	}
	if pd := nm.content.PaymentData; pd != nil && pd.Payee == nil {
		pd.Payee = &ioPayee{FiscalCode: svc.OrganizationFiscalCode}
	}
	m, err := x.create(svc, cf, nm)
	if err != nil {
		x.sb.log.Error("message not stored", "err", err)
		writeProblem(w, newProblem(http.StatusInternalServerError, "Internal server error", "The message cannot be delivered."))
		return
	}
	x.sb.log.Debug("message accepted", "id", m.ID, "service", svc.Name, "final", m.Fate.Final)
	w.Header().Set("Location", ioBasePath+"/messages/"+cf+"/"+m.ID)
	writeJSON(w, http.StatusCreated, map[string]string{"id": m.ID})
}

func (x *ioSystem) create(svc *Service, cf string, nm newMessage) (*ioMessage, error) {
	now := x.sb.now().UTC()
	x.mu.Lock()
	defer x.mu.Unlock()
	id, err := ulid.New(ulid.Timestamp(now), x.entropy)
	if err != nil {
		return nil, err
	}
	m := &ioMessage{
		ID:           id.String(),
		ServiceID:    svc.ServiceID,
		FiscalCode:   cf,
		CreatedAt:    now.Truncate(time.Millisecond),
		TTL:          nm.ttl,
		FeatureLevel: nm.featureLevel,
		Content:      nm.content,
	}
	m.Fate = decideFate(x.sb.cfg.Seed, x.sb.cfg.ProcessingDelay, m, x.copies[m.fingerprint()])
	if x.journal != nil {
		if err := x.journal.append(m); err != nil {
			return nil, err
		}
	}
	x.add(m)
	return m, nil
}

func (x *ioSystem) getMessage(w http.ResponseWriter, r *http.Request, svc *Service) {
	cf, id := r.PathValue("fiscal_code"), r.PathValue("id")
	if x.sb.Citizen(cf) == CitizenInvalid {
		writeProblem(w, problemInvalidFiscalCode(cf))
		return
	}
	now := x.sb.now()
	x.mu.Lock()
	m := x.messages[id]
	x.mu.Unlock()
	if m == nil || m.FiscalCode != cf {
		writeProblem(w, newProblem(http.StatusNotFound, "Message not found", "The message that you requested was not found in the system."))
		return
	}
	if m.ServiceID != svc.ServiceID {
		writeProblem(w, problemForbidden("You do not have enough permission to complete the operation you requested"))
		return
	}
	writeJSON(w, http.StatusOK, m.view(now, svc.advanced()))
}

type ioMessageView struct {
	Message       ioMessageBody   `json:"message"`
	Notification  *ioNotification `json:"notification,omitempty"`
	Status        string          `json:"status"`
	ReadStatus    string          `json:"read_status,omitempty"`
	PaymentStatus string          `json:"payment_status,omitempty"`
}

type ioMessageBody struct {
	ID               string     `json:"id"`
	FiscalCode       string     `json:"fiscal_code"`
	TimeToLive       int        `json:"time_to_live"`
	CreatedAt        string     `json:"created_at"`
	Content          *ioContent `json:"content,omitempty"`
	SenderServiceID  string     `json:"sender_service_id"`
	FeatureLevelType string     `json:"feature_level_type"`
}

type ioNotification struct {
	Email   string `json:"email,omitempty"`
	Webhook string `json:"webhook,omitempty"`
}

// view is the ExternalMessageResponseWithContent of m at now. As on IO,
// the content and the notifications exist only once the message is in
// the inbox (PROCESSED), and read/payment status only for ADVANCED
// messages read by an ADVANCED service.
func (m *ioMessage) view(now time.Time, advancedReader bool) ioMessageView {
	status := m.Fate.status(now)
	v := ioMessageView{
		Message: ioMessageBody{ID: m.ID, FiscalCode: m.FiscalCode, TimeToLive: m.TTL,
			CreatedAt: m.CreatedAt.UTC().Format(ioTimestampForm), SenderServiceID: m.ServiceID, FeatureLevelType: m.FeatureLevel},
		Status: status,
	}
	if status == statusProcessed {
		c := m.Content
		v.Message.Content = &c
		if n := m.Fate.notification(now); n != (ioNotification{}) {
			v.Notification = &n
		}
	}
	if advancedReader && m.FeatureLevel == FeatureAdvanced {
		v.ReadStatus = m.Fate.readStatus(now, status)
		if m.Content.PaymentData != nil {
			v.PaymentStatus = m.Fate.paymentStatus(now, status)
		}
	}
	return v
}
