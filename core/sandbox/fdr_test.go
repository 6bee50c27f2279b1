package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

const fdrSpecPath = "../../../shared/specs/pagopa/fdr_organization.json"

// fdrSpec is the OpenAPI 3 spec of the FdR API, its $refs rewritten to the
// Swagger 2 form schemaValidator resolves.
type fdrSpec struct {
	paths map[string]any
	sv    *schemaValidator
}

func loadFdrSpec(t *testing.T) *fdrSpec {
	t.Helper()
	b, err := os.ReadFile(fdrSpecPath)
	if os.IsNotExist(err) {
		t.Skipf("spec %s not present", fdrSpecPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.ReplaceAll(string(b), "#/components/schemas/", "#/definitions/"))
	var root struct {
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	return &fdrSpec{paths: root.Paths, sv: &schemaValidator{defs: root.Components.Schemas}}
}

// check validates body against the schema the spec gives for path (as
// written in the spec) and status.
func (s *fdrSpec) check(t *testing.T, specPath string, status int, body []byte) {
	t.Helper()
	if errs := s.errors(t, specPath, status, body); len(errs) > 0 {
		t.Errorf("GET %s %d does not match the spec:\n%s\n%s", specPath, status, strings.Join(errs, "\n"), body)
	}
}

func (s *fdrSpec) errors(t *testing.T, specPath string, status int, body []byte) []string {
	t.Helper()
	op, _ := s.paths[specPath].(map[string]any)["get"].(map[string]any)
	resp, _ := op["responses"].(map[string]any)[fmt.Sprint(status)].(map[string]any)
	schema := resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	if schema == nil {
		t.Fatalf("spec: no %d response for GET %s", status, specPath)
	}
	v, err := decodeJSON(body)
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return s.sv.validate(schema, v, "$")
}

const (
	fdrKey   = "chiave-fdr"
	fdrEnte  = "00123450789"
	fdrPSP   = "60000000001"
	specList = "/organizations/{organizationId}/fdrs"
	specFlow = "/organizations/{organizationId}/fdrs/{fdr}/revisions/{revision}/psps/{pspId}"
	specPays = specFlow + "/payments"
	fdrNome  = "2025-03-0360000000001-0001"
)

func fdrSample(name string, n int) (FdrFlow, []FdrPayment) {
	pays := make([]FdrPayment, n)
	var sum int64
	statuses := []string{"EXECUTED", "REVOKED", "STAND_IN", "STAND_IN_NO_RPT", "NO_RPT"}
	for i := range pays {
		c := int64(1000 + 7*i)
		sum += c
		pays[i] = FdrPayment{Index: int64(i + 1), IUV: fmt.Sprintf("0112345%010d", i), IUR: fmt.Sprintf("IUR%d", i),
			IDTransfer: int64(i%5 + 1), Pay: float64(c) / 100, PayStatus: statuses[i%5],
			PayDate: time.Date(2025, 3, 2, 10, i%60, 0, 0, time.UTC)}
	}
	f := FdrFlow{
		Fdr: name, FdrDate: time.Now().UTC().Add(-time.Hour).Truncate(time.Second),
		Sender:     FdrSender{Type: "ABI_CODE", ID: "03069", PspID: fdrPSP, PspName: "Banca di Prova", PspBrokerID: "70000000001", ChannelID: "70000000001_01"},
		Receiver:   FdrReceiver{ID: fdrEnte, OrganizationID: fdrEnte, OrganizationName: "Comune di Prova"},
		Regulation: "SEPA - Bonifico 123", RegulationDate: "2025-03-03", BicCodePouringBank: "BCITITMMXXX",
		TotPayments: int64(n), SumPayments: float64(sum) / 100,
	}
	return f, pays
}

type fdrCall struct {
	status int
	header http.Header
	body   []byte
}

func fdrGet(t *testing.T, srv *httptest.Server, key, path string) fdrCall {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+FdrBasePath+path, nil)
	if key != "" {
		req.Header.Set(subscriptionKeyHeader, key)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fdrCall{resp.StatusCode, resp.Header, b}
}

func TestFdrContract(t *testing.T) {
	spec := loadFdrSpec(t)
	api := NewFdrAPI(fdrKey)
	srv := httptest.NewServer(api)
	defer srv.Close()
	f, pays := fdrSample(fdrNome, 5)
	if rev, err := api.Pubblica(f, pays); err != nil || rev != 1 {
		t.Fatal(rev, err)
	}
	flow := "/organizations/" + fdrEnte + "/fdrs/" + fdrNome + "/revisions/1/psps/" + fdrPSP

	for _, c := range []struct {
		spec, path string
		status     int
	}{
		{specList, "/organizations/" + fdrEnte + "/fdrs", 200},
		{specList, "/organizations/" + fdrEnte + "/fdrs?page=0", 400},
		{specFlow, flow, 200},
		{specFlow, strings.Replace(flow, "/revisions/1/", "/revisions/2/", 1), 404},
		{specPays, flow + "/payments?size=2&page=2", 200},
		{specPays, flow + "/payments?size=x", 400},
	} {
		got := fdrGet(t, srv, fdrKey, c.path)
		if got.status != c.status {
			t.Errorf("GET %s: %d, want %d: %s", c.path, got.status, c.status, got.body)
			continue
		}
		spec.check(t, c.spec, c.status, got.body)
	}

	// The check has teeth: a payment status outside the enum, a string
	// revision and a missing required field are caught.
	body := string(fdrGet(t, srv, fdrKey, flow+"/payments").body)
	for _, bad := range []string{
		strings.Replace(body, `"EXECUTED"`, `"PAID"`, 1),
		strings.Replace(body, `"index":1,`, `"index":"1",`, 1),
		strings.Replace(body, `"iuv":`, `"IUV":`, 1),
	} {
		if bad == body {
			t.Fatal("mutation did not apply: " + body)
		}
		if len(spec.errors(t, specPays, 200, []byte(bad))) == 0 {
			t.Errorf("accepted by the spec check: %s", bad)
		}
	}

	// Every path of the spec is served, and nothing else.
	for p := range spec.paths {
		path := strings.NewReplacer("{organizationId}", fdrEnte, "{fdr}", fdrNome, "{revision}", "1", "{pspId}", fdrPSP).Replace(p)
		if got := fdrGet(t, srv, fdrKey, path); got.status != 200 {
			t.Errorf("GET %s: %d", path, got.status)
		}
	}
	for _, p := range []string{"/organizations/" + fdrEnte, "/organizations/" + fdrEnte + "/fdrs/" + fdrNome, flow + "/payments/1", "/psps/" + fdrPSP + "/fdrs"} {
		if got := fdrGet(t, srv, fdrKey, p); got.status != 404 {
			t.Errorf("GET %s: %d, want 404", p, got.status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+FdrBasePath+flow, nil)
	req.Header.Set(subscriptionKeyHeader, fdrKey)
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v", resp.StatusCode, err)
	}
}

func TestFdrContenuto(t *testing.T) {
	api := NewFdrAPI(fdrKey)
	srv := httptest.NewServer(api)
	defer srv.Close()
	f, pays := fdrSample(fdrNome, 5)
	api.Pubblica(f, pays)
	flow := "/organizations/" + fdrEnte + "/fdrs/" + fdrNome + "/revisions/1/psps/" + fdrPSP

	var single map[string]any
	json.Unmarshal(fdrGet(t, srv, fdrKey, flow).body, &single)
	if single["status"] != "PUBLISHED" || single["sumPayments"] != 50.7 || single["computedSumPayments"] != 50.7 ||
		single["totPayments"] != 5.0 || single["regulationDate"] != "2025-03-03" || single["sender"].(map[string]any)["type"] != "ABI_CODE" {
		t.Errorf("%v", single)
	}

	// Pages of two: 2 + 2 + 1, then none.
	var indexes []float64
	for page := 1; page <= 4; page++ {
		var r struct {
			Metadata fdrMetadata
			Count    int
			Data     []map[string]any
		}
		json.Unmarshal(fdrGet(t, srv, fdrKey, fmt.Sprintf("%s/payments?page=%d&size=2", flow, page)).body, &r)
		if r.Metadata != (fdrMetadata{PageSize: 2, PageNumber: int64(page), TotPage: 3}) || r.Count != 5 {
			t.Errorf("page %d: %+v count %d", page, r.Metadata, r.Count)
		}
		for _, d := range r.Data {
			indexes = append(indexes, d["index"].(float64))
		}
		if page == 1 && (r.Data[1]["pay"] != 10.07 || r.Data[1]["payStatus"] != "REVOKED" || r.Data[1]["payDate"] != "2025-03-02T10:01:00Z") {
			t.Errorf("%v", r.Data[1])
		}
	}
	if fmt.Sprint(indexes) != "[1 2 3 4 5]" {
		t.Errorf("indexes %v", indexes)
	}
}

func TestFdrElenco(t *testing.T) {
	api := NewFdrAPI(fdrKey)
	now := time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)
	api.now = func() time.Time { return now }
	srv := httptest.NewServer(api)
	defer srv.Close()

	pub := func(name, psp, ente string, fdrDate time.Time) {
		f, pays := fdrSample(name, 1)
		f.Sender.PspID, f.Receiver.OrganizationID, f.FdrDate = psp, ente, fdrDate
		if _, err := api.Pubblica(f, pays); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	pub("VECCHIO", fdrPSP, fdrEnte, time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC)) // before February: hidden by default
	pub("A", fdrPSP, fdrEnte, time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC))
	pub("B", "ALTROPSP", fdrEnte, time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC))
	pub("C", fdrPSP, "99999999999", time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC))
	pub("A", fdrPSP, fdrEnte, time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)) // revision 2

	list := func(q string) string {
		var r struct {
			Metadata fdrMetadata
			Count    int
			Data     []struct {
				Fdr, PspID string
				Revision   int
			}
		}
		got := fdrGet(t, srv, fdrKey, "/organizations/"+fdrEnte+"/fdrs"+q)
		if got.status != 200 {
			t.Fatalf("%s: %d %s", q, got.status, got.body)
		}
		json.Unmarshal(got.body, &r)
		var s []string
		for _, d := range r.Data {
			s = append(s, fmt.Sprintf("%s/%s/%d", d.Fdr, d.PspID, d.Revision))
		}
		return fmt.Sprintf("%d/%d %v", r.Count, r.Metadata.TotPage, s)
	}
	for q, want := range map[string]string{
		"":                                  "2/1 [B/ALTROPSP/1 A/60000000001/2]",
		"?flowDate=2025-01-01T00:00:00Z":    "3/1 [VECCHIO/60000000001/1 B/ALTROPSP/1 A/60000000001/2]",
		"?pspId=ALTROPSP":                   "1/1 [B/ALTROPSP/1]",
		"?publishedGt=2025-03-15T12:02:00Z": "1/1 [A/60000000001/2]",
		"?flowDate=2025-01-01T00:00:00&size=2&page=2":   "3/2 [A/60000000001/2]",
		"?flowDate=2025-01-21T00:00:00.0000000%2B01:00": "2/1 [B/ALTROPSP/1 A/60000000001/2]",
	} {
		if got := list(q); got != want {
			t.Errorf("%q: %s, want %s", q, got, want)
		}
	}
	// An old revision stays readable.
	if got := fdrGet(t, srv, fdrKey, "/organizations/"+fdrEnte+"/fdrs/A/revisions/1/psps/"+fdrPSP); got.status != 200 {
		t.Errorf("revision 1: %d", got.status)
	}
	if got := fdrGet(t, srv, fdrKey, "/organizations/"+fdrEnte+"/fdrs?publishedGt=ieri"); got.status != 400 {
		t.Errorf("publishedGt=ieri: %d", got.status)
	}
}

func TestFdrChiaveELimiti(t *testing.T) {
	api := NewFdrAPI(fdrKey)
	srv := httptest.NewServer(api)
	defer srv.Close()
	path := "/organizations/" + fdrEnte + "/fdrs"
	for _, key := range []string{"", "sbagliata"} {
		got := fdrGet(t, srv, key, path)
		if got.status != 401 || !strings.Contains(string(got.body), "subscription key") {
			t.Errorf("key %q: %d %s", key, got.status, got.body)
		}
	}
	if got := fdrGet(t, srv, "", path+"?subscription-key="+fdrKey); got.status != 200 {
		t.Errorf("key in the query: %d", got.status)
	}

	api.Limita(1, 1500*time.Millisecond)
	api.Rifiuta(1, 503, 0)
	if got := fdrGet(t, srv, "sbagliata", path); got.status != 401 {
		t.Errorf("a wrong key is not rate limited: %d", got.status)
	}
	if got := fdrGet(t, srv, fdrKey, path); got.status != 429 || got.header.Get("Retry-After") != "2" {
		t.Errorf("%d Retry-After %q", got.status, got.header.Get("Retry-After"))
	}
	if got := fdrGet(t, srv, fdrKey, path); got.status != 503 || got.header.Get("Retry-After") != "" {
		t.Errorf("%d Retry-After %q", got.status, got.header.Get("Retry-After"))
	}
	if got := fdrGet(t, srv, fdrKey, path); got.status != 200 {
		t.Errorf("after the forced answers: %d", got.status)
	}
}

func TestFdrPubblicaRifiuta(t *testing.T) {
	api := NewFdrAPI(fdrKey)
	for _, c := range []struct {
		nome string
		muta func(*FdrFlow, []FdrPayment) []FdrPayment
		want string
	}{
		{"nome", func(f *FdrFlow, p []FdrPayment) []FdrPayment { f.Fdr = "a/b"; return p }, "fdr"},
		{"tipo mittente", func(f *FdrFlow, p []FdrPayment) []FdrPayment { f.Sender.Type = "X"; return p }, "sender.type"},
		{"nome psp corto", func(f *FdrFlow, p []FdrPayment) []FdrPayment { f.Sender.PspName = "AB"; return p }, "sender.pspName"},
		{"data", func(f *FdrFlow, p []FdrPayment) []FdrPayment { f.RegulationDate = "03/03/2025"; return p }, "regulationDate"},
		{"numero", func(f *FdrFlow, p []FdrPayment) []FdrPayment { return p[1:] }, "totPayments 3 ma i pagamenti sono 2"},
		{"somma", func(f *FdrFlow, p []FdrPayment) []FdrPayment { f.SumPayments += 0.01; return p }, "la somma dei pagamenti è 30.21"},
		{"tre decimali", func(f *FdrFlow, p []FdrPayment) []FdrPayment { p[0].Pay = 10.001; return p }, "payments[0].pay"},
		{"negativo", func(f *FdrFlow, p []FdrPayment) []FdrPayment { p[1].Pay = -p[1].Pay; return p }, "payments[1].pay"},
		{"indice doppio", func(f *FdrFlow, p []FdrPayment) []FdrPayment { p[2].Index = 1; return p }, "payments[2].index"},
		{"stato", func(f *FdrFlow, p []FdrPayment) []FdrPayment { p[0].PayStatus = "PAID"; return p }, "payStatus"},
		{"idTransfer", func(f *FdrFlow, p []FdrPayment) []FdrPayment { p[0].IDTransfer = 6; return p }, "idTransfer"},
	} {
		f, p := fdrSample(fdrNome, 3)
		p = c.muta(&f, p)
		if _, err := api.Pubblica(f, p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want …%s…", c.nome, err, c.want)
		}
	}
	if len(api.flussi) != 0 {
		t.Errorf("%d flows published", len(api.flussi))
	}
}
