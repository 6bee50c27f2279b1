package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// FdrBasePath is where FdrAPI serves pagoPA's FdR 3 API for organizations
// ("FDR - Flussi di Rendicontazione (ORGs)" 1.1.x), the counterpart of
// https://api.platform.pagopa.it/fdr-org/service/v1.
const FdrBasePath = "/fdr-org/service/v1"

// FdrAPI simulates the FdR 3 API for organizations: the reporting flows
// PSPs published (Pubblica), listed and read page by page by the ente,
// behind a subscription key. It is an http.Handler serving the spec's
// paths under FdrBasePath. Its JSON types are written from the spec, not
// shared with the client, so that each side checks the other.
type FdrAPI struct {
	key string
	now func() time.Time

	mu      sync.Mutex
	flussi  []*fdrPublished // every revision, in publication order
	rifiuti []fdrRifiuto    // answers forced on the next calls
}

// FdrFlow is a flow as a PSP creates it (CreateFlowRequest).
type FdrFlow struct {
	Fdr                string      `json:"fdr"`
	FdrDate            time.Time   `json:"fdrDate"`
	Sender             FdrSender   `json:"sender"`
	Receiver           FdrReceiver `json:"receiver"`
	Regulation         string      `json:"regulation"`
	RegulationDate     string      `json:"regulationDate"` // yyyy-mm-dd
	BicCodePouringBank string      `json:"bicCodePouringBank,omitempty"`
	TotPayments        int64       `json:"totPayments"`
	SumPayments        float64     `json:"sumPayments"`
}

// FdrSender is the spec's Sender (without the deprecated password).
type FdrSender struct {
	Type        string `json:"type"` // LEGAL_PERSON, ABI_CODE, BIC_CODE
	ID          string `json:"id"`
	PspID       string `json:"pspId"`
	PspName     string `json:"pspName"`
	PspBrokerID string `json:"pspBrokerId"`
	ChannelID   string `json:"channelId"`
}

// FdrReceiver is the spec's Receiver.
type FdrReceiver struct {
	ID               string `json:"id"`
	OrganizationID   string `json:"organizationId"`
	OrganizationName string `json:"organizationName"`
}

// FdrPayment is the spec's Payment.
type FdrPayment struct {
	Index      int64     `json:"index"`
	IUV        string    `json:"iuv"`
	IUR        string    `json:"iur"`
	IDTransfer int64     `json:"idTransfer"`
	Pay        float64   `json:"pay"`
	PayStatus  string    `json:"payStatus"` // EXECUTED, REVOKED, STAND_IN, STAND_IN_NO_RPT, NO_RPT
	PayDate    time.Time `json:"payDate"`
}

// fdrPublished is one published revision of a flow.
type fdrPublished struct {
	flow      FdrFlow
	payments  []FdrPayment
	revision  int64
	published time.Time
	sumCents  int64
}

type fdrRifiuto struct {
	status     int
	retryAfter time.Duration
}

// NewFdrAPI is an empty FdR API answering to the subscription key key.
func NewFdrAPI(key string) *FdrAPI {
	return &FdrAPI{key: key, now: time.Now}
}

var (
	fdrNamePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,35}$`)
	fdrSenderTypes = []string{"LEGAL_PERSON", "ABI_CODE", "BIC_CODE"}
	fdrPayStatuses = []string{"EXECUTED", "REVOKED", "STAND_IN", "STAND_IN_NO_RPT", "NO_RPT"}
)

// Pubblica publishes a flow with its payments, after the checks the real
// service makes on creation, on adding payments and on publication
// (declared count and sum equal to the payments'). Publishing again a flow
// of the same PSP and ente makes a new revision; it returns the revision.
func (a *FdrAPI) Pubblica(f FdrFlow, payments []FdrPayment) (int64, error) {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	length := func(name, s string, min, max int) {
		if n := utf8.RuneCountInString(s); n < min || n > max {
			bad("%s: %d caratteri, ammessi da %d a %d", name, n, min, max)
		}
	}
	if !fdrNamePattern.MatchString(f.Fdr) {
		bad("fdr %q non rispetta [a-zA-Z0-9\\-_]{1,35}", f.Fdr)
	}
	if f.FdrDate.IsZero() {
		bad("fdrDate mancante")
	}
	if !slices.Contains(fdrSenderTypes, f.Sender.Type) {
		bad("sender.type %q non ammesso", f.Sender.Type)
	}
	length("sender.id", f.Sender.ID, 1, 35)
	length("sender.pspId", f.Sender.PspID, 1, 35)
	length("sender.pspName", f.Sender.PspName, 3, 70)
	length("sender.pspBrokerId", f.Sender.PspBrokerID, 1, 35)
	length("sender.channelId", f.Sender.ChannelID, 1, 35)
	length("receiver.id", f.Receiver.ID, 1, 35)
	length("receiver.organizationId", f.Receiver.OrganizationID, 1, 35)
	length("receiver.organizationName", f.Receiver.OrganizationName, 1, 140)
	length("regulation", f.Regulation, 1, 35)
	if _, err := time.Parse(time.DateOnly, f.RegulationDate); err != nil {
		bad("regulationDate %q non è una data yyyy-mm-dd", f.RegulationDate)
	}
	if f.BicCodePouringBank != "" {
		length("bicCodePouringBank", f.BicCodePouringBank, 1, 35)
	}
	if f.TotPayments < 1 {
		bad("totPayments %d: almeno 1", f.TotPayments)
	}
	sum, ok := fdrCents(f.SumPayments)
	if !ok || sum < 0 {
		bad("sumPayments %v: al più due decimali, non negativo", f.SumPayments)
	}
	var computed int64
	seen := map[int64]bool{}
	for i, p := range payments {
		where := fmt.Sprintf("payments[%d]", i)
		if p.Index < 1 || seen[p.Index] {
			bad("%s.index %d: almeno 1 e unico nel flusso", where, p.Index)
		}
		seen[p.Index] = true
		length(where+".iuv", p.IUV, 1, 35)
		length(where+".iur", p.IUR, 1, 35)
		if p.IDTransfer < 1 || p.IDTransfer > 5 {
			bad("%s.idTransfer %d: da 1 a 5", where, p.IDTransfer)
		}
		c, ok := fdrCents(p.Pay)
		if !ok || c < 1 {
			bad("%s.pay %v: almeno 0.01, al più due decimali", where, p.Pay)
		}
		computed += c
		if !slices.Contains(fdrPayStatuses, p.PayStatus) {
			bad("%s.payStatus %q non ammesso", where, p.PayStatus)
		}
		if p.PayDate.IsZero() {
			bad("%s.payDate mancante", where)
		}
	}
	if int64(len(payments)) != f.TotPayments {
		bad("totPayments %d ma i pagamenti sono %d", f.TotPayments, len(payments))
	}
	if ok && computed != sum {
		bad("sumPayments %v ma la somma dei pagamenti è %d.%02d", f.SumPayments, computed/100, computed%100)
	}
	if len(errs) > 0 {
		return 0, errors.New("sandbox FdR: flusso non pubblicabile: " + strings.Join(errs, "; "))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	rev := int64(1)
	for _, p := range a.flussi {
		if p.flow.Fdr == f.Fdr && p.flow.Sender.PspID == f.Sender.PspID && p.flow.Receiver.OrganizationID == f.Receiver.OrganizationID {
			rev = max(rev, p.revision+1)
		}
	}
	a.flussi = append(a.flussi, &fdrPublished{flow: f, payments: slices.Clone(payments), revision: rev,
		published: a.now().UTC(), sumCents: computed})
	return rev, nil
}

// fdrCents is an amount in euro as cents, if it has at most two decimals.
func fdrCents(v float64) (int64, bool) {
	c := math.Round(v * 100)
	return int64(c), math.Abs(v*100-c) < 1e-6 && math.Abs(c) < 1e15
}

// Limita makes the next n calls with a valid key answer 429 with
// Retry-After (whole seconds, rounded up).
func (a *FdrAPI) Limita(n int, retryAfter time.Duration) {
	a.Rifiuta(n, http.StatusTooManyRequests, retryAfter)
}

// Rifiuta makes the next n calls with a valid key answer status (429 or a
// 5xx), with Retry-After when retryAfter > 0.
func (a *FdrAPI) Rifiuta(n, status int, retryAfter time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for range n {
		a.rifiuti = append(a.rifiuti, fdrRifiuto{status, retryAfter})
	}
}

// Reset forgets every flow and forced answer.
func (a *FdrAPI) Reset() {
	a.mu.Lock()
	a.flussi, a.rifiuti = nil, nil
	a.mu.Unlock()
}

func (a *FdrAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, FdrBasePath+"/")
	if !ok {
		fdrError(w, http.StatusNotFound, "FDR-0404", "", "resource not found")
		return
	}
	key := r.Header.Get(subscriptionKeyHeader)
	if key == "" {
		key = r.URL.Query().Get("subscription-key")
	}
	switch {
	case key == "":
		writeJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401,
			"message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."})
		return
	case key != a.key:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401,
			"message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."})
		return
	}
	a.mu.Lock()
	if len(a.rifiuti) > 0 {
		f := a.rifiuti[0]
		a.rifiuti = a.rifiuti[1:]
		a.mu.Unlock()
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(f.retryAfter)))
		}
		if f.status == http.StatusTooManyRequests {
			writeJSON(w, f.status, map[string]any{"statusCode": 429, "message": "Rate limit is exceeded. Try again later."})
		} else {
			fdrError(w, f.status, "FDR-0500", "", "An unexpected error has occurred. Please contact support.")
		}
		return
	}
	a.mu.Unlock()
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		fdrError(w, http.StatusMethodNotAllowed, "FDR-0405", "", "method not allowed")
		return
	}
	// organizations/{organizationId}/fdrs[/{fdr}/revisions/{revision}/psps/{pspId}[/payments]]
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 3 && parts[0] == "organizations" && parts[2] == "fdrs":
		a.list(w, r, parts[1])
	case (len(parts) == 8 || len(parts) == 9 && parts[8] == "payments") &&
		parts[0] == "organizations" && parts[2] == "fdrs" && parts[4] == "revisions" && parts[6] == "psps":
		rev, err := strconv.ParseInt(parts[5], 10, 64)
		if err != nil || rev < 1 {
			fdrError(w, http.StatusBadRequest, "FDR-0400", "revision", "revision must be an integer greater than or equal to 1")
			return
		}
		p := a.find(parts[1], parts[3], rev, parts[7])
		if p == nil {
			fdrError(w, http.StatusNotFound, "FDR-0701", "", "Reporting Fdr ["+parts[3]+"] not found")
			return
		}
		if len(parts) == 8 {
			writeJSON(w, http.StatusOK, p.single())
		} else {
			a.payments(w, r, p)
		}
	default:
		fdrError(w, http.StatusNotFound, "FDR-0404", "", "resource not found")
	}
}

func (a *FdrAPI) find(org, fdr string, rev int64, psp string) *fdrPublished {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range a.flussi {
		if p.flow.Receiver.OrganizationID == org && p.flow.Fdr == fdr && p.revision == rev && p.flow.Sender.PspID == psp {
			return p
		}
	}
	return nil
}

// fdrPage reads page and size: page from 1, size from 1 to maxSize.
func fdrPage(w http.ResponseWriter, r *http.Request, maxSize int64) (page, size int64, ok bool) {
	page, size = 1, 1000
	for _, q := range []struct {
		name string
		v    *int64
		max  int64
	}{{"page", &page, math.MaxInt32}, {"size", &size, maxSize}} {
		s := r.URL.Query().Get(q.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 || n > q.max {
			fdrError(w, http.StatusBadRequest, "FDR-0400", q.name, fmt.Sprintf("%s must be an integer from 1 to %d", q.name, q.max))
			return 0, 0, false
		}
		*q.v = n
	}
	return page, size, true
}

// fdrInstant reads an Instant query parameter; zero when absent.
func fdrInstant(w http.ResponseWriter, r *http.Request, name string) (time.Time, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	fdrError(w, http.StatusBadRequest, "FDR-0402", name, name+" must be an ISO-8601 date-time (yyyy-MM-dd'T'HH:mm:ss)")
	return time.Time{}, false
}

type fdrMetadata struct {
	PageSize   int64 `json:"pageSize"`
	PageNumber int64 `json:"pageNumber"`
	TotPage    int64 `json:"totPage"`
}

// fdrSlice is the page of n elements from page and size; count is the
// total, as the service returns it (the spec says "in this page").
func fdrSlice(n, page, size int64) (from, to int64, meta fdrMetadata) {
	meta = fdrMetadata{PageSize: size, PageNumber: page, TotPage: (n + size - 1) / size}
	from = min((page-1)*size, n)
	return from, min(from+size, n), meta
}

func (a *FdrAPI) list(w http.ResponseWriter, r *http.Request, org string) {
	page, size, ok := fdrPage(w, r, 1000)
	if !ok {
		return
	}
	flowDate, ok := fdrInstant(w, r, "flowDate")
	if !ok {
		return
	}
	publishedGt, ok := fdrInstant(w, r, "publishedGt")
	if !ok {
		return
	}
	// Both default to the start of the previous calendar month, UTC.
	now := a.now().UTC()
	def := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	if flowDate.IsZero() {
		flowDate = def
	}
	if publishedGt.IsZero() {
		publishedGt = def
	}
	psp := r.URL.Query().Get("pspId")

	type item struct {
		Fdr       string    `json:"fdr"`
		PspID     string    `json:"pspId"`
		Revision  int64     `json:"revision"`
		Published time.Time `json:"published"`
		FlowDate  time.Time `json:"flowDate"`
	}
	a.mu.Lock()
	// Only the latest revision of each flow is listed.
	var items []item
	for i, p := range a.flussi {
		latest := !slices.ContainsFunc(a.flussi[i+1:], func(q *fdrPublished) bool {
			return q.flow.Fdr == p.flow.Fdr && q.flow.Sender.PspID == p.flow.Sender.PspID && q.flow.Receiver.OrganizationID == org
		})
		if latest && p.flow.Receiver.OrganizationID == org && (psp == "" || p.flow.Sender.PspID == psp) &&
			!p.flow.FdrDate.Before(flowDate) && p.published.After(publishedGt) {
			items = append(items, item{p.flow.Fdr, p.flow.Sender.PspID, p.revision, p.published, p.flow.FdrDate})
		}
	}
	a.mu.Unlock()
	from, to, meta := fdrSlice(int64(len(items)), page, size)
	writeJSON(w, http.StatusOK, map[string]any{"metadata": meta, "count": len(items), "data": append([]item{}, items[from:to]...)})
}

func (a *FdrAPI) payments(w http.ResponseWriter, r *http.Request, p *fdrPublished) {
	page, size, ok := fdrPage(w, r, math.MaxInt32)
	if !ok {
		return
	}
	from, to, meta := fdrSlice(int64(len(p.payments)), page, size)
	writeJSON(w, http.StatusOK, map[string]any{"metadata": meta, "count": len(p.payments), "data": p.payments[from:to]})
}

// single is the SingleFlowResponse of p.
func (p *fdrPublished) single() map[string]any {
	f := p.flow
	m := map[string]any{
		"status": "PUBLISHED", "revision": p.revision, "created": p.published, "updated": p.published,
		"fdr": f.Fdr, "fdrDate": f.FdrDate, "regulation": f.Regulation, "regulationDate": f.RegulationDate,
		"sender": f.Sender, "receiver": f.Receiver, "published": p.published,
		"computedTotPayments": len(p.payments), "computedSumPayments": float64(p.sumCents) / 100,
		"totPayments": f.TotPayments, "sumPayments": f.SumPayments,
	}
	if f.BicCodePouringBank != "" {
		m["bicCodePouringBank"] = f.BicCodePouringBank
	}
	return m
}

// fdrError writes the spec's ErrorResponse.
func fdrError(w http.ResponseWriter, status int, code, path, message string) {
	msg := map[string]string{"message": message}
	if path != "" {
		msg["path"] = path
	}
	b, _ := json.Marshal(map[string]any{
		"httpStatusCode": status, "httpStatusDescription": http.StatusText(status),
		"appErrorCode": code, "errors": []map[string]string{msg},
	})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
