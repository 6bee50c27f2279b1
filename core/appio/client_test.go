package appio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/sandbox"
)

func TestGetProfile(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	c := newClient(t, sb, sb.Services()[0].Key)
	ctx := context.Background()
	lookups := map[string]func(context.Context, string) (appio.Profile, error){
		"GET": c.GetProfile, "POST": c.GetProfileByPost,
	}
	for name, get := range lookups {
		p, err := get(ctx, sample(t, sb, sandbox.CitizenEnabled))
		if err != nil || !p.SenderAllowed {
			t.Errorf("%s enabled citizen: %+v, %v", name, p, err)
		}
		p, err = get(ctx, sample(t, sb, sandbox.CitizenServiceDisabled))
		if err != nil || p.SenderAllowed {
			t.Errorf("%s service disabled: %+v, %v; want sender_allowed false", name, p, err)
		}
		if p, err := get(ctx, sandbox.IOSandboxFiscalCode); err != nil || !p.SenderAllowed {
			t.Errorf("%s IO test fiscal code: %+v, %v", name, p, err)
		}

		_, err = get(ctx, sample(t, sb, sandbox.CitizenNotOnIO))
		if !errors.Is(err, appio.ErrProfileNotFound) {
			t.Fatalf("%s not on IO: %v, want ErrProfileNotFound", name, err)
		}
		if ae := apiError(t, err); ae.Status != 404 || ae.Problem.Title != "Profile not found" || ae.Problem.Status != 404 ||
			!strings.HasPrefix(ae.Problem.Instance, "urn:uuid:") {
			t.Errorf("%s not on IO: %+v", name, ae)
		}
		wantClass(t, name+" not on IO", err, class{permanent: true})
	}
	st := sb.Stats()
	if st.Calls["io.getProfile"] != 4 || st.Calls["io.getProfileByPOST"] != 4 {
		t.Errorf("calls %v, want 4 of each lookup", st.Calls)
	}
}

// A 404 that is not IO's "Profile not found" (here: a base URL with a
// wrong path) must not make every citizen "not on IO".
func TestProfileNotFoundOnlyFromIO(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	c := newClient(t, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.BaseURL = sb.IOBaseURL() + "/v2" })
	_, err := c.GetProfile(context.Background(), sample(t, sb, sandbox.CitizenEnabled))
	if errors.Is(err, appio.ErrProfileNotFound) {
		t.Fatalf("unknown path taken for profile not found: %v", err)
	}
	if ae := apiError(t, err); ae.Status != 404 {
		t.Fatalf("status %d", ae.Status)
	}
	wantClass(t, "unknown path", err, class{permanent: true})
	if !strings.Contains(err.Error(), "verificare l'indirizzo") {
		t.Errorf("message %q does not point at the address", err)
	}
}

func TestSubmitAndReadBack(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7}) // ProcessingDelay 0: settled at once
	adv := service(t, sb, sandbox.FeatureAdvanced)
	c := newClient(t, sb, adv.Key)
	ctx := context.Background()
	cf := sample(t, sb, sandbox.CitizenEnabled)

	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		rome = time.FixedZone("CEST", 2*3600)
	}
	due := time.Date(2026, 6, 30, 23, 59, 59, 0, rome)
	msg := paymentMessage("Retta mensa scolastica - giugno", 12345, "301000000000012345")
	msg.TimeToLive = 2 * time.Hour
	msg.FeatureLevelType = appio.FeatureAdvanced
	msg.Content.DueDate = &due
	id, err := c.SubmitMessage(ctx, cf, msg)
	if err != nil {
		t.Fatalf("SubmitMessage: %v", err)
	}
	if _, err := ulid.ParseStrict(id); err != nil {
		t.Fatalf("id %q: %v", id, err)
	}

	got, err := c.GetMessage(ctx, cf, id)
	if err != nil {
		t.Fatalf("GetMessage: %v", err)
	}
	if got.ID != id || got.FiscalCode != cf || got.SenderServiceID != adv.ServiceID || got.TimeToLive != 2*time.Hour ||
		got.FeatureLevelType != appio.FeatureAdvanced || got.CreatedAt.IsZero() || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("message %+v", got)
	}
	if got.Status != appio.StatusProcessed || !got.Status.Final() {
		t.Fatalf("status %s with no processing delay, want PROCESSED", got.Status)
	}
	ct := got.Content
	if ct == nil || ct.Subject != msg.Content.Subject || ct.Markdown != testMarkdown || ct.DueDate == nil || !ct.DueDate.Equal(due) {
		t.Fatalf("content %+v", ct)
	}
	// No payee was sent: IO names the service's ente.
	if pd := ct.PaymentData; pd == nil || pd.Amount != 12345 || pd.NoticeNumber != "301000000000012345" ||
		pd.Payee == nil || pd.Payee.FiscalCode != adv.OrganizationFiscalCode {
		t.Fatalf("payment data %+v", ct.PaymentData)
	}
	if got.Notification.Webhook == "" || got.ReadStatus == "" || got.PaymentStatus == "" {
		t.Errorf("ADVANCED message read by its ADVANCED service: %+v", got)
	}

	// A STANDARD message, and a recipient not on IO (sent without checking
	// the profile, against IO's rules): accepted, then REJECTED.
	std := service(t, sb, sandbox.FeatureStandard)
	sc, err := c.WithKey(std.Key)
	if err != nil {
		t.Fatal(err)
	}
	nobody := sample(t, sb, sandbox.CitizenNotOnIO)
	id2, err := sc.SubmitMessage(ctx, nobody, message("Comunicazione ufficio tributi"))
	if err != nil {
		t.Fatal(err)
	}
	got, err = sc.GetMessage(ctx, nobody, id2)
	if err != nil || got.Status != appio.StatusRejected || got.Content != nil || got.ReadStatus != "" || got.PaymentStatus != "" ||
		got.FeatureLevelType != appio.FeatureStandard {
		t.Fatalf("message to a citizen not on IO: %+v, %v", got, err)
	}

	// Another service may not read it; an unknown id is not found.
	_, err = c.GetMessage(ctx, nobody, id2)
	if !errors.Is(err, appio.ErrForbidden) {
		t.Fatalf("other service: %v, want ErrForbidden", err)
	}
	wantClass(t, "read by another service", err, class{permanent: true})
	_, err = c.GetMessage(ctx, cf, ulid.Make().String())
	if !errors.Is(err, appio.ErrMessageNotFound) {
		t.Fatalf("unknown id: %v, want ErrMessageNotFound", err)
	}
	wantClass(t, "unknown id", err, class{permanent: true})

	if st := sb.Stats().IO; st.Messages != 2 || st.Duplicates != 0 {
		t.Errorf("sandbox stats %+v", st)
	}
}

func TestMessageAccepted(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7, ProcessingDelay: time.Hour})
	c := newClient(t, sb, service(t, sb, sandbox.FeatureAdvanced).Key)
	cf := sample(t, sb, sandbox.CitizenEnabled)
	m := paymentMessage("Retta mensa scolastica - luglio", 9900, "001000000000000077")
	m.FeatureLevelType = appio.FeatureAdvanced
	id, err := c.SubmitMessage(context.Background(), cf, m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetMessage(context.Background(), cf, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != appio.StatusAccepted || got.Status.Final() || got.Content != nil || got.Notification != (appio.Notification{}) {
		t.Fatalf("fresh message: %+v", got)
	}
	if got.ReadStatus != appio.ReadUnread && got.ReadStatus != appio.ReadUnavailable || got.PaymentStatus != appio.PaymentNotPaid {
		t.Errorf("fresh ADVANCED message: read %q payment %q", got.ReadStatus, got.PaymentStatus)
	}
}

func TestValidationNothingSent(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	lim := &recLimiter{}
	c := newClient(t, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.Limiter = lim })
	ctx := context.Background()
	cf := sample(t, sb, sandbox.CitizenEnabled)
	x := strings.Repeat
	with := func(f func(*appio.NewMessage)) appio.NewMessage {
		m := message("Avviso di pagamento TARI")
		f(&m)
		return m
	}
	pay := func(amount int64, notice string) func(*appio.NewMessage) {
		return func(m *appio.NewMessage) {
			m.Content.PaymentData = &appio.PaymentData{Amount: amount, NoticeNumber: notice}
		}
	}
	var zero time.Time
	for _, tc := range []struct {
		name, cf string
		msg      appio.NewMessage
		want     string
	}{
		{"subject short", cf, message("Avviso!"), "Oggetto: minimo 10 caratteri, trovati 7"},
		{"subject long", cf, message(x("a", 121)), "Oggetto: massimo 120 caratteri, trovati 121"},
		{"subject emoji counted as UTF-16", cf, message(x("😀", 61)), "Oggetto: massimo 120 caratteri, trovati 122"},
		{"subject not UTF-8", cf, message("Avviso \xff TARI 2026"), "Oggetto: contiene caratteri non validi (testo non in UTF-8)"},
		{"markdown short", cf, with(func(m *appio.NewMessage) { m.Content.Markdown = x("y", 79) }), "Testo: minimo 80 caratteri, trovati 79"},
		{"markdown long", cf, with(func(m *appio.NewMessage) { m.Content.Markdown = x("y", 10001) }), "Testo: massimo 10000 caratteri, trovati 10001"},
		{"notice aux digit", cf, with(pay(100, "412345678901234567")), "Numero avviso: la prima cifra deve essere 0, 1, 2 o 3, trovata 4"},
		{"notice 17 digits", cf, with(pay(100, "30123456789012345")), "Numero avviso: attese 18 cifre, trovati 17 caratteri"},
		{"notice letters", cf, with(pay(100, "30123456789012345A")), "Numero avviso: sono ammesse solo cifre"},
		{"notice missing", cf, with(pay(100, "")), "Numero avviso: mancante"},
		{"amount zero", cf, with(pay(0, "301234567890123456")), "Importo: minimo 0,01 euro, indicati 0,00 euro"},
		{"amount too big", cf, with(pay(10_000_000_000, "301234567890123456")), "Importo: massimo 99.999.999,99 euro, indicati 100.000.000,00 euro"},
		{"payee", cf, with(func(m *appio.NewMessage) {
			m.Content.PaymentData = &appio.PaymentData{Amount: 100, NoticeNumber: "301234567890123456", Payee: &appio.Payee{FiscalCode: "IT01234567890"}}
		}), "Codice fiscale dell'ente beneficiario: attese 11 cifre"},
		{"ttl short", cf, with(func(m *appio.NewMessage) { m.TimeToLive = 30 * time.Minute }),
			"Durata di consegna: ammessa da 3600 secondi (1 ora) a 604800 (7 giorni), indicati 1800"},
		{"ttl long", cf, with(func(m *appio.NewMessage) { m.TimeToLive = 8 * 24 * time.Hour }),
			"Durata di consegna: ammessa da 3600 secondi (1 ora) a 604800 (7 giorni), indicati 691200"},
		{"feature level", cf, with(func(m *appio.NewMessage) { m.FeatureLevelType = "PREMIUM" }),
			`Livello del messaggio: valore "PREMIUM" non valido (STANDARD o ADVANCED)`},
		{"due date zero", cf, with(func(m *appio.NewMessage) { m.Content.DueDate = &zero }), "Scadenza: data mancante"},
		{"fiscal code lower case", strings.ToLower(cf), message("Avviso di pagamento TARI"), "Codice fiscale: scrivere le lettere in maiuscolo"},
		{"fiscal code 15", cf[:15], message("Avviso di pagamento TARI"), "Codice fiscale: lunghezza 15, attesi 16 caratteri"},
		{"fiscal code month", "RSSMRA80Z01H501U", message("Avviso di pagamento TARI"), "Codice fiscale: formato non valido"},
		{"fiscal code missing", "", message("Avviso di pagamento TARI"), "Codice fiscale: mancante"},
		{"several", cf, with(func(m *appio.NewMessage) { m.Content.Subject = "Breve"; m.Content.Markdown = "corto" }),
			"Oggetto: minimo 10 caratteri, trovati 5; Testo: minimo 80 caratteri, trovati 5"},
	} {
		_, err := c.SubmitMessage(ctx, tc.cf, tc.msg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v\n  want %s", tc.name, err, tc.want)
			continue
		}
		var ve *appio.ValidationError
		if !errors.As(err, &ve) || ve.Field == "" || ve.Path == "" || ve.Message == "" {
			t.Errorf("%s: no *ValidationError in %#v", tc.name, err)
		}
		wantClass(t, tc.name, err, class{permanent: true})
		if v := tc.msg.Validate(); tc.cf == cf && (v == nil || v.Error() != tc.want) {
			t.Errorf("%s: Validate() = %v", tc.name, v)
		}
	}
	if _, err := c.GetProfile(ctx, "not-a-code"); err == nil {
		t.Error("GetProfile accepted an invalid fiscal code")
	}
	if _, err := c.GetMessage(ctx, cf, "../../profiles/x"); err == nil || !strings.HasPrefix(err.Error(), "ID messaggio:") {
		t.Errorf("GetMessage with a path as id: %v", err)
	}
	if n := calls(sb); n != 0 {
		t.Fatalf("%d requests reached the sandbox, want none", n)
	}
	if w, _ := lim.counts(); w != 0 {
		t.Errorf("limiter waited %d times for requests never made", w)
	}
}

// What the client lets through, the server accepts: the boundaries of
// every rule, sent for real.
func TestValidationMatchesServer(t *testing.T) {
	svcs := sandbox.DemoServices(7)
	svcs[0].MaxAmount = 0 // no service maximum: the API's own bounds apply
	svcs[0].PayeeAllowed = true
	sb := startSandbox(t, sandbox.Config{Seed: 7, Services: svcs})
	c := newClient(t, sb, svcs[0].Key)
	cf := sample(t, sb, sandbox.CitizenEnabled)
	x := strings.Repeat
	due := time.Date(2026, 12, 31, 23, 59, 59, 500_000_000, time.FixedZone("", -5*3600))
	msgs := map[string]appio.NewMessage{
		"subject 10":                   message(x("s", 10)),
		"subject 120":                  message(x("s", 120)),
		"subject 60 emoji (120 units)": message(x("😀", 60)),
		"subject accented 10":          message("Perché è ok"),
		"markdown 80":                  {Content: appio.Content{Subject: "Oggetto valido", Markdown: x("m", 80)}},
		"markdown 10000":               {Content: appio.Content{Subject: "Oggetto valido", Markdown: x("m", 10000)}},
		"ttl min":                      {TimeToLive: appio.TimeToLiveMin, Content: message("Oggetto valido").Content},
		"ttl max":                      {TimeToLive: appio.TimeToLiveMax, Content: message("Oggetto valido").Content},
		"standard":                     {FeatureLevelType: appio.FeatureStandard, Content: message("Oggetto valido").Content},
		"amount 1":                     paymentMessage("Oggetto valido", appio.AmountMin, "012345678901234567"),
		"amount max":                   paymentMessage("Oggetto valido", appio.AmountMax, "312345678901234567"),
		"secure channels":              {Content: appio.Content{Subject: "Oggetto valido", Markdown: testMarkdown, RequireSecureChannels: true}},
		"due date with offset":         {Content: appio.Content{Subject: "Oggetto valido", Markdown: testMarkdown, DueDate: &due}},
	}
	withPayee := paymentMessage("Oggetto valido", 500, "302000000000000001")
	withPayee.Content.PaymentData.Payee = &appio.Payee{FiscalCode: "01234567890"}
	withPayee.Content.PaymentData.InvalidAfterDueDate = true
	msgs["payee (service allowed)"] = withPayee
	ids := map[string]string{}
	for name, m := range msgs {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", name, err)
			continue
		}
		id, err := c.SubmitMessage(context.Background(), cf, m)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		ids[name] = id
	}
	if n := sb.Stats().IO.Messages; n != len(msgs) {
		t.Fatalf("sandbox accepted %d of %d", n, len(msgs))
	}
	got, err := c.GetMessage(context.Background(), cf, ids["payee (service allowed)"])
	if err != nil {
		t.Fatal(err)
	}
	if pd := got.Content.PaymentData; pd == nil || pd.Payee == nil || pd.Payee.FiscalCode != "01234567890" || !pd.InvalidAfterDueDate {
		t.Errorf("payee as sent: %+v", pd)
	}
	got, err = c.GetMessage(context.Background(), cf, ids["due date with offset"])
	if err != nil || got.Content.DueDate == nil || !got.Content.DueDate.Equal(due) {
		t.Errorf("due date read back: %+v, %v; want %v", got.Content, err, due.UTC())
	}
}

func TestUnauthorized(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	c := newClient(t, sb, strings.Repeat("0", 32))
	ctx := context.Background()
	cf := sample(t, sb, sandbox.CitizenEnabled)
	_, err := c.GetProfile(ctx, cf)
	if !errors.Is(err, appio.ErrUnauthorized) || apiError(t, err).Status != 401 {
		t.Fatalf("GetProfile: %v", err)
	}
	wantClass(t, "getProfile 401", err, class{permanent: true})
	_, err = c.SubmitMessage(ctx, cf, message("Avviso di pagamento TARI"))
	if !errors.Is(err, appio.ErrUnauthorized) {
		t.Fatalf("SubmitMessage: %v", err)
	}
	wantClass(t, "submit 401", err, class{permanent: true})
	if ae := apiError(t, err); !strings.Contains(ae.Problem.Detail, "invalid subscription key") {
		t.Errorf("problem %+v", ae.Problem)
	}
	if st := sb.Stats(); st.Unauthorized != 2 || st.IO.Messages != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestPayeeWithoutPermission(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	svc := sb.Services()[0] // demo services may not name a payee
	c := newClient(t, sb, svc.Key)
	cf := sample(t, sb, sandbox.CitizenEnabled)
	m := paymentMessage("Avviso di pagamento TARI", 10000, "301000000000000042")
	m.Content.PaymentData.Payee = &appio.Payee{FiscalCode: svc.OrganizationFiscalCode}
	_, err := c.SubmitMessage(context.Background(), cf, m)
	if !errors.Is(err, appio.ErrForbidden) {
		t.Fatalf("payee without permission: %v, want ErrForbidden", err)
	}
	if ae := apiError(t, err); ae.Status != 403 || !strings.Contains(ae.Problem.Detail, "payee") {
		t.Errorf("problem %+v", ae.Problem)
	}
	wantClass(t, "403", err, class{permanent: true})

	// Without Payee nothing about the payee is sent, and IO accepts it.
	m.Content.PaymentData.Payee = nil
	if _, err := c.SubmitMessage(context.Background(), cf, m); err != nil {
		t.Fatalf("same message without payee: %v", err)
	}
	if n := sb.Stats().IO.Messages; n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestRateLimited(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7, Rate: sandbox.Rate{N: 3, Per: time.Minute}})
	lim := &recLimiter{}
	c := newClient(t, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.Limiter = lim })
	ctx := context.Background()
	cf := sample(t, sb, sandbox.CitizenEnabled)
	for range 3 {
		if _, err := c.GetProfile(ctx, cf); err != nil {
			t.Fatal(err)
		}
	}
	before := time.Now()
	_, err := c.GetProfile(ctx, cf)
	if !errors.Is(err, appio.ErrRateLimited) || apiError(t, err).Status != 429 {
		t.Fatalf("4th call in the window: %v, want 429", err)
	}
	ra := appio.RetryAfter(err)
	if ra <= 0 || ra > time.Minute || ra%time.Second != 0 {
		t.Fatalf("RetryAfter %v, want whole seconds in (0, 1m]", ra)
	}
	wantClass(t, "getProfile 429", err, class{retryable: true, retryAfter: ra})
	if !strings.Contains(err.Error(), "riprovare tra") {
		t.Errorf("message %q", err)
	}

	// Submissions share the budget; a 429 never delivers.
	_, err = c.SubmitMessage(ctx, cf, message("Avviso di pagamento TARI"))
	wantClass(t, "submit 429", err, class{retryable: true, retryAfter: appio.RetryAfter(err)})
	if appio.RetryAfter(err) <= 0 {
		t.Errorf("submit 429 without RetryAfter: %v", err)
	}
	if n := sb.Stats().IO.Messages; n != 0 {
		t.Errorf("%d messages created by rate-limited calls", n)
	}

	waits, holds := lim.counts()
	if waits != 5 || holds != 2 {
		t.Fatalf("limiter: %d waits, %d holds; want 5 and 2", waits, holds)
	}
	if until := lim.holds[0]; until.Before(before.Add(ra)) || until.After(time.Now().Add(ra)) {
		t.Errorf("Hold(%v), want now+%v", until, ra)
	}
}

func TestInjectedFaults(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	lim := &recLimiter{}
	c := newClient(t, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.Limiter = lim })
	ctx := context.Background()
	cf := sample(t, sb, sandbox.CitizenEnabled)

	retryable := class{retryable: true}
	uncertain := class{retryable: true, maybeDelivered: true}
	for i, tc := range []struct {
		fault   sandbox.Fault
		want    class
		created bool // the sandbox really stored the message
	}{
		{sandbox.Fault{Kind: sandbox.Fault429}, class{retryable: true, retryAfter: time.Second}, false},
		{sandbox.Fault{Kind: sandbox.Fault500}, uncertain, false},
		{sandbox.Fault{Kind: sandbox.Fault502}, uncertain, false},
		{sandbox.Fault{Kind: sandbox.Fault503}, uncertain, false},
		{sandbox.Fault{Kind: sandbox.Fault500, AfterProcessing: true}, uncertain, true},
		{sandbox.Fault{Kind: sandbox.Fault503, AfterProcessing: true}, uncertain, true},
		// A reset after the whole request left cannot be told apart from one
		// after processing: uncertain either way, never resent blindly.
		{sandbox.Fault{Kind: sandbox.FaultReset}, uncertain, false},
		{sandbox.Fault{Kind: sandbox.FaultReset, AfterProcessing: true}, uncertain, true},
	} {
		before := sb.Stats().IO.Messages
		sb.InjectFaults(tc.fault)
		name := "submit " + string(tc.fault.Kind)
		if tc.fault.AfterProcessing {
			name += ":after"
		}
		// Distinct subjects: a resent identical message would be a duplicate.
		_, err := c.SubmitMessage(ctx, cf, message("Avviso di pagamento n. "+string(rune('A'+i))))
		wantClass(t, name, err, tc.want)
		if created := sb.Stats().IO.Messages > before; created != tc.created {
			t.Errorf("%s: message created %v, want %v", name, created, tc.created)
		}
		var te *appio.TransportError
		if tc.fault.Kind == sandbox.FaultReset && (!errors.As(err, &te) || !te.Sent) {
			t.Errorf("%s: %#v, want a *TransportError with Sent", name, err)
		}
		if appio.MaybeDelivered(err) && !strings.Contains(err.Error(), "da verificare") {
			t.Errorf("%s: message %q does not say to check", name, err)
		}
	}

	// Reads change nothing: the same faults are plainly retryable.
	for _, f := range []sandbox.Fault{{Kind: sandbox.Fault500, AfterProcessing: true}, {Kind: sandbox.Fault503}, {Kind: sandbox.FaultReset}} {
		// Go's transport silently repeats a GET that fails on a reused
		// connection; on a fresh one the reset reaches us.
		c.CloseIdleConnections()
		sb.InjectFaults(f)
		_, err := c.GetProfile(ctx, cf)
		wantClass(t, "getProfile "+string(f.Kind), err, retryable)
	}
	sb.InjectFaults(sandbox.Fault{Kind: sandbox.Fault429})
	_, err := c.GetMessage(ctx, cf, ulid.Make().String())
	wantClass(t, "getMessage 429", err, class{retryable: true, retryAfter: time.Second})

	st := sb.Stats()
	if st.Faults["reset"] != 3 || st.Faults["after_processing"] != 4 {
		t.Errorf("sandbox faults %v", st.Faults)
	}
	if waits, holds := lim.counts(); waits != 12 || holds != 2 {
		t.Errorf("limiter: %d waits, %d holds; want 12 (one per request) and 2 (the 429s)", waits, holds)
	}
	// The client is usable after every fault.
	if _, err := c.SubmitMessage(ctx, cf, message("Avviso di pagamento finale")); err != nil {
		t.Fatal(err)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := appio.New(appio.Config{BaseURL: "http://" + addr + "/api/v1", Key: "k", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SubmitMessage(context.Background(), sandbox.IOSandboxFiscalCode, message("Avviso di pagamento TARI"))
	var te *appio.TransportError
	if !errors.As(err, &te) || te.Sent {
		t.Fatalf("%#v, want a *TransportError not sent", err)
	}
	wantClass(t, "connection refused", err, class{retryable: true})
	if strings.Contains(err.Error(), sandbox.IOSandboxFiscalCode) {
		t.Errorf("error carries the fiscal code: %v", err)
	}
}

// No answer within the timeout after the request left: uncertain.
func TestTimeoutAfterSend(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7, Faults: sandbox.Faults{LatencyMin: time.Second, LatencyMax: time.Second}})
	c := newClient(t, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.Timeout = 250 * time.Millisecond })
	cf := sample(t, sb, sandbox.CitizenEnabled)
	_, err := c.SubmitMessage(context.Background(), cf, message("Avviso di pagamento TARI"))
	var te *appio.TransportError
	if !errors.As(err, &te) || !te.Sent {
		t.Fatalf("%#v, want a *TransportError sent", err)
	}
	wantClass(t, "submit timeout", err, class{retryable: true, maybeDelivered: true})
	if !strings.Contains(err.Error(), "tempo limite") {
		t.Errorf("message %q", err)
	}
	_, err = c.GetProfile(context.Background(), cf)
	wantClass(t, "getProfile timeout", err, class{retryable: true})
}

// Cancelling: before the request leaves nothing happened; after, the
// outcome is unknown. Neither is for the client to retry.
func TestCancel(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	lim := &recLimiter{}
	c := newClient(t, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.Limiter = lim })
	cf := sample(t, sb, sandbox.CitizenEnabled)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.SubmitMessage(ctx, cf, message("Avviso di pagamento TARI"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	wantClass(t, "cancelled before", err, class{})

	// The caller's own trace cancels the moment the request is written;
	// a slow server makes sure the answer cannot win the race (when it
	// does, the client returns the id, as it should).
	slow := startSandbox(t, sandbox.Config{Seed: 7, Faults: sandbox.Faults{LatencyMin: 300 * time.Millisecond, LatencyMax: 300 * time.Millisecond}})
	sc := newClient(t, slow, slow.Services()[0].Key)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { cancel() }})
	_, err = sc.SubmitMessage(ctx, cf, message("Avviso di pagamento TARI"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled after writing: %v", err)
	}
	wantClass(t, "cancelled after", err, class{maybeDelivered: true})

	// A limiter that gives up: no request.
	lim.err = context.DeadlineExceeded
	before := calls(sb)
	_, err = c.SubmitMessage(context.Background(), cf, message("Avviso di pagamento TARI"))
	if !errors.Is(err, context.DeadlineExceeded) || calls(sb) != before {
		t.Fatalf("limiter error: %v; calls %d → %d", err, before, calls(sb))
	}
	wantClass(t, "limiter deadline", err, class{retryable: true})
}

func TestLogsMaskFiscalCodesAndKeys(t *testing.T) {
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	key := sb.Services()[0].Key
	c := newClient(t, sb, key, func(cfg *appio.Config) { cfg.Logger = log })
	bad := newClient(t, sb, strings.Repeat("9", 32), func(cfg *appio.Config) { cfg.Logger = log })
	ctx := context.Background()
	codes := sb.Credentials().FiscalCodes
	all := append(append(append([]string{}, codes.Enabled...), codes.NotOnIO...), codes.ServiceDisabled...)
	for _, cf := range all {
		c.GetProfile(ctx, cf)
	}
	id, err := c.SubmitMessage(ctx, codes.Enabled[0], message("Avviso di pagamento TARI"))
	if err != nil {
		t.Fatal(err)
	}
	c.GetMessage(ctx, codes.Enabled[0], id)
	sb.InjectFaults(sandbox.Fault{Kind: sandbox.FaultReset})
	c.SubmitMessage(ctx, codes.Enabled[1], message("Avviso di pagamento TARI"))
	c.SubmitMessage(ctx, strings.ToLower(codes.Enabled[2]), message("Avviso di pagamento TARI"))
	bad.GetProfile(ctx, codes.Enabled[3])

	out := buf.String()
	for _, cf := range all {
		if strings.Contains(strings.ToUpper(out), cf) {
			t.Errorf("log carries fiscal code %s", cf)
		}
	}
	for _, k := range []string{key, strings.Repeat("9", 32)} {
		if strings.Contains(out, k) {
			t.Errorf("log carries a subscription key")
		}
	}
	if !strings.Contains(out, "cf="+codes.Enabled[0][:6]+"**********") {
		t.Errorf("masked fiscal code missing from the log:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != len(all)+5 {
		t.Errorf("%d log records, want one per call (%d)", n, len(all)+5)
	}
}

func TestNewConfig(t *testing.T) {
	for _, cfg := range []appio.Config{
		{BaseURL: "", Key: "k"},
		{BaseURL: "api.io.pagopa.it/api/v1", Key: "k"},
		{BaseURL: "ftp://api.io.pagopa.it/api/v1", Key: "k"},
		{BaseURL: "https://api.io.pagopa.it/api/v1?x=1", Key: "k"},
		{BaseURL: appio.ProductionBaseURL, Key: ""},
		{BaseURL: appio.ProductionBaseURL, Key: "ab cd"},
		{BaseURL: appio.ProductionBaseURL, Key: "k", Timeout: -1},
	} {
		if _, err := appio.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	c, err := appio.New(appio.Config{BaseURL: appio.ProductionBaseURL + "/", Key: " 0123abcd\n"})
	if err != nil || c.BaseURL() != appio.ProductionBaseURL {
		t.Fatalf("New: %v, base %q", err, c.BaseURL())
	}
	if _, err := c.WithKey(""); err == nil {
		t.Error("WithKey accepted an empty key")
	}
}

// Concurrent workers keep reusing their connections: the idle pool is
// sized for the concurrency (Go's default keeps 2 per host and would dial
// for most calls).
func TestConnectionReuse(t *testing.T) {
	const workers, perWorker = 8, 25
	sb := startSandbox(t, sandbox.Config{Seed: 7})
	c := newClient(t, sb, sb.Services()[0].Key, func(cfg *appio.Config) { cfg.Concurrency = workers })
	cf := sample(t, sb, sandbox.CitizenEnabled)
	var fresh, reused atomic.Int64
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if i.Reused {
			reused.Add(1)
		} else {
			fresh.Add(1)
		}
	}})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				// Between calls the job engine commits the outcome: meanwhile
				// the connection waits in the idle pool.
				time.Sleep(time.Millisecond)
				if i%2 == 0 {
					if _, err := c.GetProfile(ctx, cf); err != nil {
						t.Error(err)
					}
				} else if _, err := c.SubmitMessage(ctx, cf, message(fmt.Sprintf("Avviso n. %03d/%03d", w, i))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if f, r := fresh.Load(), reused.Load(); f+r != workers*perWorker || f > 2*workers {
		t.Errorf("%d new connections and %d reused for %d calls by %d workers", f, r, workers*perWorker, workers)
	}
}
