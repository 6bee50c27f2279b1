package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
)

func TestProfiles(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 7})
	c := newClient(t, sb)
	key := sb.Services()[0].Key
	for _, tc := range []struct {
		kind    CitizenKind
		status  int
		allowed bool
	}{
		{CitizenEnabled, 200, true},
		{CitizenServiceDisabled, 200, false},
		{CitizenNotOnIO, 404, false},
	} {
		cf := sample(t, sb, tc.kind)
		for _, ex := range []exchange{
			c.do("GET", "/api/v1/profiles/"+cf, key, nil),
			c.do("POST", "/api/v1/profiles", key, map[string]string{"fiscal_code": cf}),
		} {
			if tc.status == 404 {
				if p := ex.wantProblem(t, 404); p.Title != "Profile not found" {
					t.Errorf("404 title %q", p.Title)
				}
				continue
			}
			ex.wantStatus(t, 200)
			if ct := ex.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			var p limitedProfile
			ex.decode(t, &p)
			if p.SenderAllowed != tc.allowed {
				t.Errorf("%s %s: sender_allowed %v, want %v", ex.method, cf, p.SenderAllowed, tc.allowed)
			}
		}
	}
	// The IO sandbox fiscal code is always reachable.
	c.do("GET", "/api/v1/profiles/"+IOSandboxFiscalCode, key, nil).wantStatus(t, 200)

	// Validation: the anchored pattern, on both operations.
	for _, bad := range []string{"rssmra80a01h501u", "RSSMRA80A01H501", "RSSMRA80A01H501UX", "RSSMRA80Z01H501U", "12345678901"} {
		c.do("GET", "/api/v1/profiles/"+bad, key, nil).wantProblem(t, 400)
		c.do("POST", "/api/v1/profiles", key, map[string]string{"fiscal_code": bad}).wantProblem(t, 400)
	}
	c.do("POST", "/api/v1/profiles", key, `{}`).wantProblem(t, 400)
	c.do("POST", "/api/v1/profiles", key, `{"fiscal_code": 12}`).wantProblem(t, 400)
	c.do("POST", "/api/v1/profiles", key, `not json`).wantProblem(t, 400)
	c.do("POST", "/api/v1/profiles", key, `["RSSMRA80A01H501U"]`).wantProblem(t, 400)

	// Unknown operations answer like the gateway, with a ProblemJson 404.
	c.do("DELETE", "/api/v1/profiles/"+sample(t, sb, CitizenEnabled), key, nil).wantProblem(t, 404)
	c.do("GET", "/api/v1/services", key, nil).wantProblem(t, 404)
}

func TestProfileNonJSONContentType(t *testing.T) {
	sb := startSandbox(t, Config{})
	req, _ := http.NewRequest("POST", sb.IOBaseURL()+"/profiles", strings.NewReader("fiscal_code="+sample(t, sb, CitizenEnabled)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(subscriptionKeyHeader, sb.Services()[0].Key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("form-encoded body: status %d, want 400", resp.StatusCode)
	}
}

func TestSubmitAndGetMessage(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 3})
	c := newClient(t, sb)
	svc := svcByLevel(t, sb, FeatureStandard)
	cf := sample(t, sb, CitizenEnabled)

	due := "2026-05-31T22:00:00Z"
	body := newMsg("Avviso TARI 2026 - prima rata", withCF(cf), withContent("due_date", due),
		withContent("payment_data", payment(12345, "301000000000012345")), withField("time_to_live", 7200))
	ex := c.do("POST", "/api/v1/messages", svc.Key, body)
	ex.wantStatus(t, 201)
	var created struct{ ID string }
	ex.decode(t, &created)
	if _, err := ulid.ParseStrict(created.ID); err != nil {
		t.Fatalf("id %q is not a ULID: %v", created.ID, err)
	}
	loc := ex.header.Get("Location")
	if loc != "/api/v1/messages/"+cf+"/"+created.ID {
		t.Fatalf("Location %q", loc)
	}
	if ex.header.Get("x-rate-limit-remaining") != "" {
		t.Errorf("rate headers with the limit off: %v", ex.header)
	}

	// Location resolves against the sandbox root like against the real host.
	got := c.do("GET", loc, svc.Key, nil)
	got.wantStatus(t, 200)
	var v ioMessageView
	got.decode(t, &v)
	if v.Message.ID != created.ID || v.Message.FiscalCode != cf || v.Message.SenderServiceID != svc.ServiceID ||
		v.Message.TimeToLive != 7200 || v.Message.FeatureLevelType != FeatureStandard {
		t.Fatalf("message %+v", v.Message)
	}
	if v.Status != statusProcessed && v.Status != statusFailed {
		t.Fatalf("status %s with no processing delay", v.Status)
	}
	if v.Status == statusProcessed {
		ct := v.Message.Content
		if ct == nil || ct.Subject != "Avviso TARI 2026 - prima rata" || ct.DueDate != "2026-05-31T22:00:00.000Z" ||
			ct.PaymentData == nil || ct.PaymentData.Amount != 12345 || ct.PaymentData.Payee == nil ||
			ct.PaymentData.Payee.FiscalCode != svc.OrganizationFiscalCode {
			t.Fatalf("content %+v", ct)
		}
	}
	if v.ReadStatus != "" || v.PaymentStatus != "" {
		t.Fatalf("advanced fields for a STANDARD service: %+v", v)
	}

	// Fiscal code in the path.
	ex = c.do("POST", "/api/v1/messages/"+cf, svc.Key, newMsg("Comunicazione ufficio tributi"))
	ex.wantStatus(t, 201)
	ex.decode(t, &created)
	c.do("GET", "/api/v1/messages/"+cf+"/"+created.ID, svc.Key, nil).wantStatus(t, 200)

	// Reading: wrong recipient or unknown id → 404; another service → 403.
	other := sample(t, sb, CitizenServiceDisabled)
	c.do("GET", "/api/v1/messages/"+other+"/"+created.ID, svc.Key, nil).wantProblem(t, 404)
	c.do("GET", "/api/v1/messages/"+cf+"/"+ulid.Make().String(), svc.Key, nil).wantProblem(t, 404)
	c.do("GET", "/api/v1/messages/bad/"+created.ID, svc.Key, nil).wantProblem(t, 400)
	thief := svcByLevel(t, sb, FeatureAdvanced)
	c.do("GET", "/api/v1/messages/"+cf+"/"+created.ID, thief.Key, nil).wantProblem(t, 403)
}

func TestSubmitValidation(t *testing.T) {
	svcs := DemoServices(11)
	svcs[0].MaxAmount = 50_000
	svcs[0].PayeeAllowed = true
	limited := Service{Name: "Servizio in collaudo", ServiceID: "01HZZZZZZZZZZZZZZZZZZZZZZZ", Key: strings.Repeat("ab", 16),
		AuthorizedRecipients: []string{IOSandboxFiscalCode}}
	svcs = append(svcs, limited)
	sb := startSandbox(t, Config{Seed: 11, Services: svcs})
	c := newClient(t, sb)
	std := sb.Services()[0] // STANDARD, max 500 €, payee allowed
	noPayee := sb.Services()[2]
	cf := sample(t, sb, CitizenEnabled)
	long := func(n int) string { return strings.Repeat("x", n) }
	emoji := func(n int) string { return strings.Repeat("😀", n) }

	ok := []struct {
		name string
		body map[string]any
	}{
		{"subject 10", newMsg(long(10), withCF(cf))},
		{"subject 120", newMsg(long(120), withCF(cf))},
		{"subject 60 emoji = 120 UTF-16 units", newMsg(emoji(60), withCF(cf))},
		{"markdown 80", newMsg(long(10), withCF(cf), withContent("markdown", long(80)))},
		{"markdown 10000", newMsg(long(10), withCF(cf), withContent("markdown", long(10000)))},
		{"ttl bounds", newMsg(long(11), withCF(cf), withField("time_to_live", 604800))},
		{"due_date with offset", newMsg(long(12), withCF(cf), withContent("due_date", "2026-06-30T23:59:59.5+02:00"))},
		{"amount 1", newMsg(long(13), withCF(cf), withContent("payment_data", payment(1, "012345678901234567")))},
		{"amount at max", newMsg(long(14), withCF(cf), withContent("payment_data", payment(50000, "312345678901234567")))},
		{"payee", newMsg(long(15), withCF(cf), withContent("payment_data", map[string]any{
			"amount": 100, "notice_number": "302000000000000001", "payee": map[string]any{"fiscal_code": "01234567890"}}))},
		{"feature level STANDARD", newMsg(long(16), withCF(cf), withField("feature_level_type", "STANDARD"))},
		{"prescription data", newMsg(long(17), withCF(cf), withContent("prescription_data", map[string]any{"nre": "123456789012345"}))},
	}
	for _, tc := range ok {
		if ex := c.do("POST", "/api/v1/messages", std.Key, tc.body); ex.status != 201 {
			t.Errorf("%s: status %d, body %s", tc.name, ex.status, ex.body)
		}
	}

	bad400 := []struct {
		name string
		body any
	}{
		{"subject 9", newMsg(long(9), withCF(cf))},
		{"subject 121", newMsg(long(121), withCF(cf))},
		{"subject 61 emoji", newMsg(emoji(61), withCF(cf))},
		{"subject missing", map[string]any{"fiscal_code": cf, "content": map[string]any{"markdown": testMarkdown}}},
		{"subject not string", newMsg(long(10), withCF(cf), withContent("subject", 1234567890123))},
		{"markdown 79", newMsg(long(10), withCF(cf), withContent("markdown", long(79)))},
		{"markdown 10001", newMsg(long(10), withCF(cf), withContent("markdown", long(10001)))},
		{"content missing", map[string]any{"fiscal_code": cf}},
		{"content not object", map[string]any{"fiscal_code": cf, "content": "testo"}},
		{"due_date date only", newMsg(long(10), withCF(cf), withContent("due_date", "2026-05-31"))},
		{"due_date Italian", newMsg(long(10), withCF(cf), withContent("due_date", "31/05/2026"))},
		{"due_date impossible", newMsg(long(10), withCF(cf), withContent("due_date", "2026-02-30T00:00:00Z"))},
		{"amount 0", newMsg(long(10), withCF(cf), withContent("payment_data", payment(0, "012345678901234567")))},
		{"amount too big", newMsg(long(10), withCF(cf), withContent("payment_data", payment(int64(10_000_000_000), "012345678901234567")))},
		{"amount fractional", newMsg(long(10), withCF(cf), withContent("payment_data", payment(12.5, "012345678901234567")))},
		{"amount string", newMsg(long(10), withCF(cf), withContent("payment_data", payment("100", "012345678901234567")))},
		{"amount missing", newMsg(long(10), withCF(cf), withContent("payment_data", map[string]any{"notice_number": "012345678901234567"}))},
		{"notice 17 digits", newMsg(long(10), withCF(cf), withContent("payment_data", payment(100, "01234567890123456")))},
		{"notice aux digit 4", newMsg(long(10), withCF(cf), withContent("payment_data", payment(100, "412345678901234567")))},
		{"notice letters", newMsg(long(10), withCF(cf), withContent("payment_data", payment(100, "01234567890123456A")))},
		{"payee 10 digits", newMsg(long(10), withCF(cf), withContent("payment_data", map[string]any{
			"amount": 100, "notice_number": "012345678901234567", "payee": map[string]any{"fiscal_code": "0123456789"}}))},
		{"payee letters", newMsg(long(10), withCF(cf), withContent("payment_data", map[string]any{
			"amount": 100, "notice_number": "012345678901234567", "payee": map[string]any{"fiscal_code": "IT01234567890"}}))},
		{"fiscal code lower case", newMsg(long(10), withCF(strings.ToLower(cf)))},
		{"fiscal code neither", newMsg(long(10))},
		{"ttl 3599", newMsg(long(10), withCF(cf), withField("time_to_live", 3599))},
		{"ttl 604801", newMsg(long(10), withCF(cf), withField("time_to_live", 604801))},
		{"feature level", newMsg(long(10), withCF(cf), withField("feature_level_type", "PREMIUM"))},
		{"amount over service maximum", newMsg(long(10), withCF(cf), withContent("payment_data", payment(50001, "012345678901234567")))},
		{"invalid JSON", `{"content": `},
		{"JSON array", `[]`},
	}
	for _, tc := range bad400 {
		ex := c.do("POST", "/api/v1/messages", std.Key, tc.body)
		if ex.status != 400 {
			t.Errorf("%s: status %d, want 400; body %s", tc.name, ex.status, ex.body)
			continue
		}
		p := ex.wantProblem(t, 400)
		if tc.name == "amount over service maximum" && !strings.Contains(p.Detail, "amount over the service maximum") {
			t.Errorf("over maximum: detail %q", p.Detail)
		}
	}
	// Fiscal code in both places, or malformed in the path.
	c.do("POST", "/api/v1/messages/"+cf, std.Key, newMsg(long(10), withCF(cf))).wantProblem(t, 400)
	c.do("POST", "/api/v1/messages/"+cf[:15], std.Key, newMsg(long(10))).wantProblem(t, 400)

	forbidden := []struct {
		name string
		key  string
		body any
	}{
		{"ADVANCED from a STANDARD service", std.Key, newMsg(long(10), withCF(cf), withField("feature_level_type", "ADVANCED"))},
		{"payee without permission", noPayee.Key, newMsg(long(10), withCF(cf), withContent("payment_data", map[string]any{
			"amount": 100, "notice_number": "012345678901234567", "payee": map[string]any{"fiscal_code": "01234567890"}}))},
		{"default addresses", std.Key, newMsg(long(10), withCF(cf), withField("default_addresses", map[string]any{"email": "a@b.it"}))},
		{"EU covid cert", std.Key, newMsg(long(10), withCF(cf), withContent("eu_covid_cert", map[string]any{"auth_code": "x"}))},
		{"limited service, other recipient", limited.Key, newMsg(long(10), withCF(cf))},
	}
	for _, tc := range forbidden {
		if ex := c.do("POST", "/api/v1/messages", tc.key, tc.body); ex.status != 403 {
			t.Errorf("%s: status %d, want 403; body %s", tc.name, ex.status, ex.body)
		} else {
			ex.wantProblem(t, 403)
		}
	}
	// The limited service reaches its authorized recipient, and sees no one else.
	c.do("POST", "/api/v1/messages", limited.Key, newMsg(long(10), withCF(IOSandboxFiscalCode))).wantStatus(t, 201)
	c.do("GET", "/api/v1/profiles/"+cf, limited.Key, nil).wantProblem(t, 404)

	if n := sb.Stats().IO.Messages; n != len(ok)+1 {
		t.Errorf("accepted %d messages, want %d", n, len(ok)+1)
	}
}

func TestAuth(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 5})
	c := newClient(t, sb)
	cf := sample(t, sb, CitizenEnabled)
	p := c.do("GET", "/api/v1/profiles/"+cf, "", nil).wantProblem(t, 401)
	if !strings.Contains(p.Detail, "missing subscription key") {
		t.Errorf("missing key detail %q", p.Detail)
	}
	p = c.do("GET", "/api/v1/profiles/"+cf, strings.Repeat("0", 32), nil).wantProblem(t, 401)
	if !strings.Contains(p.Detail, "invalid subscription key") {
		t.Errorf("unknown key detail %q", p.Detail)
	}
	c.do("POST", "/api/v1/messages", "", newMsg("Oggetto di prova", withCF(cf))).wantProblem(t, 401)
	// Auth comes before validation, as at the gateway.
	c.do("GET", "/api/v1/profiles/not-a-code", "", nil).wantProblem(t, 401)

	svc := sb.Services()[0]
	c.do("GET", "/api/v1/profiles/"+cf+"?subscription-key="+svc.Key, "", nil).wantStatus(t, 200)
	c.do("GET", "/api/v1/profiles/"+cf, svc.SecondaryKey, nil).wantStatus(t, 200)
	if st := sb.Stats(); st.Unauthorized != 4 || st.Calls["io.getProfile"] != 5 || st.Calls["io.submitMessageforUserWithFiscalCodeInBody"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestLifecycle(t *testing.T) {
	clk := newFakeClock()
	const d = 2 * time.Second
	sb := startSandbox(t, Config{Seed: 21, ProcessingDelay: d, clock: clk.Now})
	c := newClient(t, sb)
	adv := svcByLevel(t, sb, FeatureAdvanced)
	std := svcByLevel(t, sb, FeatureStandard)

	type sent struct {
		id, cf, key string
		kind        CitizenKind
		advanced    bool
	}
	var msgs []sent
	codes := sb.Credentials().FiscalCodes
	send := func(key, cf string, kind CitizenKind, advanced bool, i int) {
		opts := []func(map[string]any){withCF(cf), withContent("payment_data", payment(1000+i, "301000000000000000"[:18-len(itoa(i))]+itoa(i)))}
		if advanced {
			opts = append(opts, withField("feature_level_type", "ADVANCED"))
		}
		ex := c.do("POST", "/api/v1/messages", key, newMsg("Retta mensa scolastica n. "+itoa(i), opts...))
		ex.wantStatus(t, 201)
		var cr struct{ ID string }
		ex.decode(t, &cr)
		msgs = append(msgs, sent{cr.ID, cf, key, kind, advanced})
	}
	for i := range 150 {
		send(adv.Key, codes.Enabled[i%len(codes.Enabled)], CitizenEnabled, true, i)
	}
	send(std.Key, codes.Enabled[0], CitizenEnabled, false, 1000)
	send(adv.Key, codes.NotOnIO[0], CitizenNotOnIO, true, 1001)
	send(adv.Key, codes.ServiceDisabled[0], CitizenServiceDisabled, false, 1002)

	get := func(m sent) ioMessageView {
		ex := c.do("GET", "/api/v1/messages/"+m.cf+"/"+m.id, m.key, nil)
		ex.wantStatus(t, 200)
		var v ioMessageView
		ex.decode(t, &v)
		return v
	}
	// Right after sending: ACCEPTED, no content, no notification.
	for _, m := range msgs {
		v := get(m)
		if v.Status != statusAccepted || v.Message.Content != nil || v.Notification != nil {
			t.Fatalf("fresh message: %+v", v)
		}
		if m.advanced && m.key == adv.Key && (v.ReadStatus == "READ" || v.PaymentStatus != "NOT_PAID") {
			t.Fatalf("fresh advanced message: read %q payment %q", v.ReadStatus, v.PaymentStatus)
		}
		if !m.advanced && (v.ReadStatus != "" || v.PaymentStatus != "") {
			t.Fatalf("standard message with advanced fields: %+v", v)
		}
	}
	seen := map[string]int{}
	everRead, everPaid := map[string]bool{}, map[string]bool{}
	for step := 1; step <= 12; step++ {
		clk.Advance(d)
		for _, m := range msgs {
			v := get(m)
			seen[v.Status]++
			switch {
			case m.kind != CitizenEnabled:
				if v.Status != statusRejected || v.Message.Content != nil || v.Notification != nil {
					t.Fatalf("%s recipient: %+v", m.kind, v)
				}
			case v.Status == statusProcessed:
				if v.Message.Content == nil || v.Notification == nil || v.Notification.Webhook == "" {
					t.Fatalf("processed without content/notification: %+v", v)
				}
				seen["webhook "+v.Notification.Webhook]++
				seen["email "+v.Notification.Email]++
			case v.Status == statusFailed, v.Status == statusThrottled:
				if v.Message.Content != nil {
					t.Fatalf("%s with content", v.Status)
				}
			default:
				t.Fatalf("step %d: status %s for an enabled citizen", step, v.Status)
			}
			if m.advanced && m.key == adv.Key {
				if everRead[m.id] && v.ReadStatus != "READ" || everPaid[m.id] && v.PaymentStatus != "PAID" {
					t.Fatalf("read/payment status went back: %+v", v)
				}
				everRead[m.id] = v.ReadStatus == "READ"
				everPaid[m.id] = v.PaymentStatus == "PAID"
				seen["read "+v.ReadStatus]++
			}
		}
	}
	for _, want := range []string{statusProcessed, statusRejected, "read READ", "read UNREAD", "webhook SENT", "email SENT"} {
		if seen[want] == 0 {
			t.Errorf("never saw %q over the lifecycle: %v", want, seen)
		}
	}
	paid := 0
	for _, p := range everPaid {
		if p {
			paid++
		}
	}
	if paid < 40 || paid > 110 {
		t.Errorf("%d of 150 payment messages paid, want about half", paid)
	}
	if st := sb.Stats().IO.ByStatus; st[statusRejected] != 2 || st[statusAccepted] != 0 {
		t.Errorf("by status %v", st)
	}
}

// Fates depend only on their inputs, and every status appears.
func TestFateDeterministic(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cf := SampleCodes(1, 1).Enabled[0]
	m := &ioMessage{ServiceID: "S", FiscalCode: cf, CreatedAt: base, Content: ioContent{Subject: "x", Markdown: "y"}}
	if a, b := decideFate(1, time.Second, m, 0), decideFate(1, time.Second, m, 0); a != b {
		t.Fatalf("same inputs, different fates: %+v %+v", a, b)
	}
	if a, b := decideFate(1, time.Second, m, 0), decideFate(1, time.Second, m, 1); a == b {
		t.Log("a resent copy fared the same (possible, but rare)")
	}
	seen := map[string]int{}
	for i := range 5000 {
		m.Content.Subject = "oggetto " + itoa(i)
		f := decideFate(1, time.Second, m, 0)
		if f.status(base.Add(999*time.Millisecond)) != statusAccepted {
			t.Fatal("settled before the processing delay")
		}
		seen[f.status(base.Add(1500*time.Millisecond))]++
		seen["email "+f.Email]++
	}
	for _, k := range []string{statusProcessed, statusThrottled, statusFailed, "email SENT", "email EXPIRED", "email FAILED"} {
		if seen[k] == 0 {
			t.Errorf("no %q in 5000 fates: %v", k, seen)
		}
	}
	if f := seen[statusFailed]; f < 20 || f > 90 {
		t.Errorf("%d FAILED of 5000, want about 1%%", f)
	}
}

func BenchmarkSubmitMessage(b *testing.B) {
	sb := startSandbox(b, Config{Seed: 1})
	c := newClient(b, sb)
	c.discard = true
	key, cf := sb.Services()[0].Key, sample(b, sb, CitizenEnabled)
	body := mustMarshal(b, newMsg("Avviso di pagamento TARI", withCF(cf), withContent("payment_data", payment(12000, "301000000000000001"))))
	for b.Loop() {
		c.do("POST", "/api/v1/messages", key, body).wantStatus(b, 201)
	}
}

func BenchmarkGetProfile(b *testing.B) {
	sb := startSandbox(b, Config{Seed: 1})
	c := newClient(b, sb)
	c.discard = true
	key, cf := sb.Services()[0].Key, sample(b, sb, CitizenEnabled)
	for b.Loop() {
		c.do("GET", "/api/v1/profiles/"+cf, key, nil).wantStatus(b, 200)
	}
}

func mustMarshal(b testing.TB, v any) []byte {
	out, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return out
}
