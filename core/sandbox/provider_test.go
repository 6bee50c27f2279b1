package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// provCall sends a request to the provider API (path relative to its
// base) with the reseller's key; body: nil, []byte (as PDF) or a value.
func provCall(t *testing.T, sb *Sandbox, method, path string, body any) exchange {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/pdf"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, sb.ProviderCredentials().BaseURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Authorization", "Bearer "+sb.ProviderCredentials().Key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return exchange{method: method, path: req.URL.Path, status: resp.StatusCode, header: resp.Header, body: rb}
}

func demoOwner(cf string) map[string]any {
	return map[string]any{"userType": "PRIVATO", "firstName": "Maria", "lastName": "Rossi", "fiscalCode": cf, "email": "maria.rossi@example.it",
		"address": map[string]any{"street": "Via Roma 1", "city": "Bologna", "province": "BO", "postalCode": "40121", "country": "IT"}}
}

func TestProviderAccountLifecycle(t *testing.T) {
	clk := newFakeClock()
	sb := startSandbox(t, Config{Seed: 7, ProcessingDelay: time.Minute, clock: clk.Now})
	cf := sample(t, sb, CitizenEnabled)

	var o provOwner
	provCall(t, sb, "POST", "/owners", demoOwner(cf)).decode(t, &o)
	if o.ID == "" || o.Version != 1 || o.FiscalCode != cf {
		t.Fatalf("owner %+v", o)
	}
	provCall(t, sb, "POST", "/owners", demoOwner(cf)).wantProblem(t, http.StatusConflict)

	addr := "mario.rossi@" + ProviderDemoDomains[0]
	ex := provCall(t, sb, "POST", "/accounts", map[string]any{"address": addr, "ownerId": o.ID})
	ex.wantStatus(t, http.StatusCreated)
	var a provAccount
	ex.decode(t, &a)
	if a.Status != accPending || a.Version != 1 || a.Domain != ProviderDemoDomains[0] || a.Type != "STANDARD" {
		t.Fatalf("account %+v", a)
	}
	// Duplicate address: 409; available says no.
	p := provCall(t, sb, "POST", "/accounts", map[string]any{"address": strings.ToUpper(addr), "ownerId": o.ID}).wantProblem(t, http.StatusConflict)
	if !strings.Contains(p.Detail, "already exists") {
		t.Errorf("detail %q", p.Detail)
	}
	var av struct {
		Available bool
		Reason    string
	}
	provCall(t, sb, "GET", "/accounts/available?address="+addr, nil).decode(t, &av)
	if av.Available || av.Reason == "" {
		t.Errorf("available %+v", av)
	}
	provCall(t, sb, "GET", "/accounts/available?address=altro@"+ProviderDemoDomains[1], nil).decode(t, &av)
	if !av.Available {
		t.Errorf("free address not available: %+v", av)
	}
	provCall(t, sb, "GET", "/accounts/available?address=x@gmail.com", nil).decode(t, &av)
	if av.Available {
		t.Error("foreign domain available")
	}

	// Still pending before the delay, active after it.
	clk.Advance(59 * time.Second)
	provCall(t, sb, "GET", "/accounts/"+a.ID, nil).decode(t, &a)
	if a.Status != accPending {
		t.Fatalf("status %s before the delay", a.Status)
	}
	clk.Advance(time.Second)
	provCall(t, sb, "GET", "/accounts/"+a.ID, nil).decode(t, &a)
	if a.Status != accActive || a.Version != 2 || a.ActivatedAt == nil || a.ExpiresAt == nil {
		t.Fatalf("after the delay %+v", a)
	}

	var page struct {
		Changes []provChange
		Cursor  string
		HasMore bool
	}
	provCall(t, sb, "GET", "/changes?source=provider", nil).decode(t, &page)
	if len(page.Changes) != 1 || page.Changes[0].Event != "ACTIVATED" || page.Changes[0].Account.Status != accActive || page.Changes[0].Source != "provider" {
		t.Fatalf("provider changes %+v", page)
	}
	provCall(t, sb, "GET", "/changes?limit=2", nil).decode(t, &page)
	if len(page.Changes) != 2 || !page.HasMore || page.Changes[0].Event != "CREATED" || page.Changes[0].Entity != "owner" {
		t.Fatalf("first page %+v", page)
	}
	provCall(t, sb, "GET", "/changes?since="+page.Cursor, nil).decode(t, &page)
	if len(page.Changes) != 1 || page.HasMore || page.Cursor != "3" {
		t.Fatalf("second page %+v", page)
	}

	// Search and domain listing.
	var list struct{ Accounts []provAccount }
	provCall(t, sb, "GET", "/accounts?status=ACTIVE&domain="+ProviderDemoDomains[0], nil).decode(t, &list)
	if len(list.Accounts) != 1 {
		t.Fatalf("search %+v", list)
	}
	provCall(t, sb, "GET", "/domains/"+ProviderDemoDomains[0]+"/accounts", nil).decode(t, &list)
	if len(list.Accounts) != 1 {
		t.Fatalf("domain accounts %+v", list)
	}
	var owners struct{ Owners []provOwner }
	provCall(t, sb, "GET", "/owners?lastName=ros", nil).decode(t, &owners)
	if len(owners.Owners) != 1 {
		t.Fatalf("owner search %+v", owners)
	}

	// Suspend needs ACTIVE; a stale version is a 409 with the current record.
	var conflict struct {
		Entity  string
		Current provAccount
	}
	provCall(t, sb, "POST", "/accounts/"+a.ID+"/suspend", map[string]any{"version": 1}).decode(t, &conflict)
	if conflict.Entity != "account" || conflict.Current.Version != 2 {
		t.Fatalf("conflict %+v", conflict)
	}
	provCall(t, sb, "POST", "/accounts/"+a.ID+"/suspend", map[string]any{"version": 2}).decode(t, &a)
	if a.Status != accSuspended || a.Version != 3 {
		t.Fatalf("suspended %+v", a)
	}
	provCall(t, sb, "POST", "/accounts/"+a.ID+"/suspend", nil).wantProblem(t, http.StatusConflict)

	st := sb.Stats()
	if st.Calls["provider.createAccount"] != 2 || st.Calls["provider.changes"] != 3 {
		t.Errorf("stats %v", st.Calls)
	}

	// Cursor past the end after a reset: 410.
	if err := sb.Reset(); err != nil {
		t.Fatal(err)
	}
	provCall(t, sb, "GET", "/changes?since=4", nil).wantProblem(t, http.StatusGone)
	provCall(t, sb, "GET", "/accounts/"+a.ID, nil).wantProblem(t, http.StatusNotFound)

}

func TestProviderValidation(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 7})
	cf := sample(t, sb, CitizenEnabled)
	var o provOwner
	provCall(t, sb, "POST", "/owners", demoOwner(cf)).decode(t, &o)

	for _, c := range []struct {
		name, path string
		body       any
		want       string
	}{
		{"malformed", "/owners", "{", "malformed JSON"},
		{"unknown field", "/owners", `{"userType":"PRIVATO","nickname":"x"}`, "unknown field"},
		{"user type", "/owners", map[string]any{"userType": "ALTRO", "fiscalCode": cf, "email": "a@b.it"}, "userType must be one of"},
		{"person cf", "/owners", map[string]any{"userType": "PRIVATO", "firstName": "A", "lastName": "B", "fiscalCode": "12345678901", "email": "a@b.it"}, "fiscalCode"},
		{"company", "/owners", map[string]any{"userType": "AZIENDA", "fiscalCode": "12345678901", "email": "a@b.it"}, "companyName must not be blank"},
		{"vat", "/owners", map[string]any{"userType": "AZIENDA", "companyName": "X srl", "fiscalCode": "12345678901", "email": "a@b.it"}, "vatNumber must not be blank"},
		{"email", "/owners", map[string]any{"userType": "PRIVATO", "firstName": "A", "lastName": "B", "fiscalCode": cf, "email": "Maria <a@b.it>"}, "email must be"},
		{"address", "/accounts", map[string]any{"address": "Mario Rossi@" + ProviderDemoDomains[0], "ownerId": o.ID}, "not a valid mailbox address"},
		{"domain", "/accounts", map[string]any{"address": "mario@gmail.com", "ownerId": o.ID}, "not a certified domain"},
		{"owner", "/accounts", map[string]any{"address": "mario@" + ProviderDemoDomains[0], "ownerId": "OWN9999999"}, "does not name an owner"},
		{"type", "/accounts", map[string]any{"address": "mario@" + ProviderDemoDomains[0], "ownerId": o.ID, "type": "GOLD"}, "type must be one of"},
		{"no version", "/owners/" + o.ID, demoOwner(cf), "version must be"},
	} {
		method := "POST"
		if strings.HasPrefix(c.name, "no version") {
			method = "PUT"
		}
		p := provCall(t, sb, method, c.path, c.body).wantProblem(t, http.StatusBadRequest)
		if !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: detail %q, want %q", c.name, p.Detail, c.want)
		}
	}
	provCall(t, sb, "GET", "/owners/OWN9999999", nil).wantProblem(t, http.StatusNotFound)

	// Auth.
	req, _ := http.NewRequest("GET", sb.ProviderCredentials().BaseURL+"/domains", nil)
	req.Header.Set("Authorization", "Bearer "+demoKey(7, "gpd", "primary"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong key: %d", resp.StatusCode)
	}
}

func TestProviderDocuments(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 7})
	var o provOwner
	provCall(t, sb, "POST", "/owners", demoOwner(sample(t, sb, CitizenEnabled))).decode(t, &o)
	var a provAccount
	provCall(t, sb, "POST", "/accounts", map[string]any{"address": "doc@" + ProviderDemoDomains[0], "ownerId": o.ID}).decode(t, &a)

	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	ex := provCall(t, sb, "POST", "/accounts/"+a.ID+"/documents?kind=CONTRATTO&fileName=contratto.pdf", pdf)
	ex.wantStatus(t, http.StatusCreated)
	var d provDocument
	ex.decode(t, &d)
	if d.Size != int64(len(pdf)) || len(d.SHA256) != 64 || d.AccountID != a.ID {
		t.Fatalf("document %+v", d)
	}
	for name, c := range map[string]struct {
		query string
		body  []byte
		want  string
	}{
		"png":      {"fileName=x.pdf", []byte("\x89PNG\r\n\x1a\n0000"), "not a PDF"},
		"empty":    {"fileName=x.pdf", []byte{}, "not a PDF"},
		"too big":  {"fileName=x.pdf", append([]byte("%PDF-1.7\n"), make([]byte, ProviderMaxDocument)...), "larger than"},
		"kind":     {"fileName=x.pdf&kind=FOTO", pdf, "kind must be"},
		"filename": {"fileName=../x.pdf", pdf, "fileName"},
	} {
		p := provCall(t, sb, "POST", "/accounts/"+a.ID+"/documents?"+c.query, c.body).wantProblem(t, http.StatusBadRequest)
		if !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: detail %q", name, p.Detail)
		}
	}
	provCall(t, sb, "POST", "/accounts/ACC9999999/documents?fileName=x.pdf", pdf).wantProblem(t, http.StatusNotFound)
	var docs struct{ Documents []provDocument }
	provCall(t, sb, "GET", "/accounts/"+a.ID+"/documents", nil).decode(t, &docs)
	if len(docs.Documents) != 1 {
		t.Fatalf("documents %+v", docs)
	}
}

func TestProviderDomains(t *testing.T) {
	clk := newFakeClock()
	sb := startSandbox(t, Config{Seed: 7, ProviderDelay: time.Hour, clock: clk.Now})
	var list struct{ Domains []provDomain }
	provCall(t, sb, "GET", "/domains", nil).decode(t, &list)
	if len(list.Domains) != len(ProviderDemoDomains) || list.Domains[0].Status != domCertified {
		t.Fatalf("domains %+v", list)
	}
	var v struct {
		Certifiable bool
		Reason      string
	}
	for name, want := range map[string]bool{"comune-nuovo.it": true, ProviderDemoDomains[0]: false, "x.test": false, "noncertificabile.it": false, "no_underscore.it": false} {
		provCall(t, sb, "GET", "/domains/"+name+"/certifiable", nil).decode(t, &v)
		if v.Certifiable != want || !want && v.Reason == "" {
			t.Errorf("%s: %+v", name, v)
		}
	}
	provCall(t, sb, "POST", "/domains", map[string]any{"name": "x.test"}).wantProblem(t, http.StatusBadRequest)
	provCall(t, sb, "POST", "/domains", map[string]any{"name": ProviderDemoDomains[0]}).wantProblem(t, http.StatusConflict)
	var d provDomain
	provCall(t, sb, "POST", "/domains", map[string]any{"name": "comune-nuovo.it"}).decode(t, &d)
	if d.Status != domCertifying {
		t.Fatalf("new domain %+v", d)
	}
	// Not usable for mailboxes until certified.
	var o provOwner
	provCall(t, sb, "POST", "/owners", demoOwner(sample(t, sb, CitizenEnabled))).decode(t, &o)
	provCall(t, sb, "POST", "/accounts", map[string]any{"address": "a@comune-nuovo.it", "ownerId": o.ID}).wantProblem(t, http.StatusBadRequest)
	clk.Advance(time.Hour)
	provCall(t, sb, "GET", "/domains/comune-nuovo.it", nil).decode(t, &d)
	if d.Status != domCertified || d.CertifiedAt == nil {
		t.Fatalf("after the delay %+v", d)
	}
	provCall(t, sb, "POST", "/accounts", map[string]any{"address": "a@comune-nuovo.it", "ownerId": o.ID}).wantStatus(t, http.StatusCreated)
	provCall(t, sb, "GET", "/domains/nessuno.it", nil).wantProblem(t, http.StatusNotFound)
}

func TestProviderOfflineAndEdits(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 7})
	c := newClient(t, sb)
	var o provOwner
	provCall(t, sb, "POST", "/owners", demoOwner(sample(t, sb, CitizenEnabled))).decode(t, &o)

	c.do("POST", "/__sandbox/provider/offline?on=true", "", nil).wantStatus(t, http.StatusOK)
	ex := provCall(t, sb, "GET", "/owners/"+o.ID, nil)
	ex.wantProblem(t, http.StatusServiceUnavailable)
	if ex.header.Get("Retry-After") == "" {
		t.Error("no Retry-After while offline")
	}
	c.do("POST", "/__sandbox/provider/offline?on=maybe", "", nil).wantProblem(t, http.StatusBadRequest)
	sb.SetProviderOffline(false)
	provCall(t, sb, "GET", "/owners/"+o.ID, nil).wantStatus(t, http.StatusOK)
	if sb.Stats().Faults["provider_offline"] != 1 {
		t.Errorf("faults %v", sb.Stats().Faults)
	}

	// The provider changes the e-mail: an update based on version 1 is a 409.
	var edited provOwner
	c.do("POST", "/__sandbox/provider/change", "", ProviderEdit{Kind: "owner", ID: o.ID, Field: "email", Value: "nuova@example.it"}).decode(t, &edited)
	if edited.Version != 2 || edited.Email != "nuova@example.it" {
		t.Fatalf("edited %+v", edited)
	}
	upd := demoOwner(o.FiscalCode)
	upd["version"], upd["phone"] = 1, "051123456"
	ex = provCall(t, sb, "PUT", "/owners/"+o.ID, upd)
	ex.wantProblem(t, http.StatusConflict)
	var conflict struct {
		Entity  string
		Current provOwner
	}
	ex.decode(t, &conflict)
	if conflict.Entity != "owner" || conflict.Current.Email != "nuova@example.it" || conflict.Current.Version != 2 {
		t.Fatalf("conflict %+v", conflict)
	}
	upd["version"] = 2
	provCall(t, sb, "PUT", "/owners/"+o.ID, upd).decode(t, &edited)
	if edited.Version != 3 || edited.Phone != "051123456" {
		t.Fatalf("updated %+v", edited)
	}
	c.do("POST", "/__sandbox/provider/change", "", ProviderEdit{Kind: "owner", ID: "OWN0", Field: "email", Value: "x@y.it"}).wantProblem(t, http.StatusNotFound)
	c.do("POST", "/__sandbox/provider/change", "", ProviderEdit{Kind: "owner", ID: o.ID, Field: "fiscalCode", Value: "x"}).wantProblem(t, http.StatusBadRequest)
	if _, err := sb.EditProvider(ProviderEdit{Kind: "owner", ID: o.ID, Field: "email", Value: "not an address"}); err == nil {
		t.Error("invalid e-mail accepted")
	}
}

func TestProviderPersistence(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Seed: 7, StateDir: dir, ProviderDelay: 50 * time.Millisecond}
	sb := startSandbox(t, cfg)
	var o provOwner
	provCall(t, sb, "POST", "/owners", demoOwner(sample(t, sb, CitizenEnabled))).decode(t, &o)
	var a, a2 provAccount
	provCall(t, sb, "POST", "/accounts", map[string]any{"address": "uno@" + ProviderDemoDomains[0], "ownerId": o.ID}).decode(t, &a)
	provCall(t, sb, "POST", "/accounts", map[string]any{"address": "due@" + ProviderDemoDomains[0], "ownerId": o.ID}).decode(t, &a2)
	time.Sleep(60 * time.Millisecond)
	provCall(t, sb, "GET", "/accounts/"+a.ID, nil).decode(t, &a)
	if a.Status != accActive {
		t.Fatalf("not activated: %+v", a)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}

	sb = startSandbox(t, cfg)
	var got provAccount
	provCall(t, sb, "GET", "/accounts/"+a.ID, nil).decode(t, &got)
	if got.Status != accActive || got.Version != a.Version {
		t.Fatalf("after restart %+v, want %+v", got, a)
	}
	var page struct{ Changes []provChange }
	provCall(t, sb, "GET", "/changes", nil).decode(t, &page)
	if len(page.Changes) != 5 { // owner, 2 accounts, 2 activations
		t.Fatalf("changes after restart: %d", len(page.Changes))
	}
	// IDs continue after the replayed ones.
	var o2 provOwner
	owner := demoOwner(sample(t, sb, CitizenEnabled))
	owner["userType"], owner["vatNumber"], owner["companyName"] = "DITTA_INDIVIDUALE", "12345678901", "Rossi Maria"
	provCall(t, sb, "POST", "/owners", owner).decode(t, &o2)
	if o2.ID == o.ID {
		t.Fatalf("id %s reused", o2.ID)
	}
	if err := sb.Reset(); err != nil {
		t.Fatal(err)
	}
	sb.Close()
	sb = startSandbox(t, cfg)
	provCall(t, sb, "GET", "/owners/"+o.ID, nil).wantProblem(t, http.StatusNotFound)
}

func TestProviderCredentials(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 7})
	var cr Credentials
	newClient(t, sb).do("GET", "/__sandbox/credentials", "", nil).decode(t, &cr)
	if cr.Provider.BaseURL != sb.URL()+"/provider/api/v1" || cr.Provider.Key != demoKey(7, "provider", "reseller") || len(cr.Provider.Domains) != 3 {
		t.Fatalf("provider credentials %+v", cr.Provider)
	}
}
