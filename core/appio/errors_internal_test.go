package appio

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		h    map[string]string
		want time.Duration
	}{
		{map[string]string{"x-rate-limit-retry-after": "3"}, 3 * time.Second},
		{map[string]string{"X-Rate-Limit-Retry-After": " 2.5 "}, 2500 * time.Millisecond},
		{map[string]string{"Retry-After": "7"}, 7 * time.Second},
		{map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{map[string]string{"x-rate-limit-retry-after": "3", "Retry-After": "5"}, 5 * time.Second},
		{map[string]string{"x-rate-limit-retry-after": "9", "Retry-After": "5"}, 9 * time.Second},
		{map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{map[string]string{"x-rate-limit-retry-after": "-1", "Retry-After": "soon"}, 0},
		{map[string]string{"x-rate-limit-retry-after": "NaN"}, 0},
		{nil, 0},
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		if got := parseRetryAfter(h, now); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.h, got, tc.want)
		}
	}
}

func TestNewAPIError(t *testing.T) {
	now := time.Now()
	// The gateway's own 429 body.
	e := newAPIError(opSubmitMessage, &answer{status: 429, header: http.Header{},
		body: []byte(`{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds." }`)}, now)
	if e.RetryAfter != 7*time.Second || e.Problem.Status != 429 || e.Problem.Detail == "" || !errors.Is(e, ErrRateLimited) {
		t.Errorf("APIM 429: %+v", e)
	}
	if e.maybeDelivered() || !e.retryable() {
		t.Errorf("APIM 429 classified retryable=%v maybe=%v", e.retryable(), e.maybeDelivered())
	}
	// 503 with Retry-After: a hint to honour, and a submission in doubt.
	h := http.Header{}
	h.Set("Retry-After", "30")
	e = newAPIError(opSubmitMessage, &answer{status: 503, header: h, body: []byte("<html>Service Unavailable</html>")}, now)
	if e.RetryAfter != 30*time.Second || !e.retryable() || !e.maybeDelivered() || e.Problem.Detail != "<html>Service Unavailable</html>" {
		t.Errorf("503: %+v", e)
	}
	// A 404 from the gateway is not "profile not found".
	e = newAPIError(opGetProfile, &answer{status: 404, header: http.Header{}, body: []byte(`{"statusCode":404,"message":"Resource not found"}`)}, now)
	if errors.Is(e, ErrProfileNotFound) || !e.permanent() {
		t.Errorf("gateway 404: %+v", e)
	}
	// A 3xx is not followed and not retried.
	e = newAPIError(opSubmitMessage, &answer{status: 302, header: http.Header{}}, now)
	if e.retryable() || e.maybeDelivered() || !IsPermanent(e) {
		t.Errorf("302: %+v", e)
	}
	// The server's echo of a fiscal code is masked in Error().
	e = newAPIError(opSubmitMessage, &answer{status: 400, header: http.Header{},
		body: []byte(`{"type":"about:blank","title":"Invalid FiscalCode","status":400,"detail":"value \"RSSMRA80A01H501U\" at root.fiscal_code is not a valid FiscalCode"}`)}, now)
	if s := e.Error(); s != `App IO: richiesta rifiutata come non valida (HTTP 400 Invalid FiscalCode: value "RSSMRA**********" at root.fiscal_code is not a valid FiscalCode)` {
		t.Errorf("Error() = %s", s)
	}
	if e.Problem.Detail == "" || !IsPermanent(e) {
		t.Errorf("400: %+v", e)
	}
}

func TestClassifyPlainErrors(t *testing.T) {
	for _, tc := range []struct {
		err                  error
		retryable, permanent bool
	}{
		{nil, false, false},
		{io.EOF, true, false},
		{fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true, false},
		{syscall.ECONNRESET, true, false},
		{context.DeadlineExceeded, true, false},
		{context.Canceled, false, false},
		{errors.New("something else"), false, false},
		{&TransportError{Op: "submitMessage", Err: x509.UnknownAuthorityError{}, Sent: false, effect: true}, false, true},
		{&TransportError{Op: "getProfile", Err: syscall.ECONNREFUSED}, true, false},
		{&ResponseError{Op: "getProfile", Status: 200, Err: io.ErrUnexpectedEOF}, true, false},
		{&ResponseError{Op: "submitMessage", Status: 201, Err: io.ErrUnexpectedEOF, effect: true}, false, false},
		{ValidationErrors{{Field: "Oggetto", Message: "x"}}, false, true},
		{fmt.Errorf("wrapped: %w", &APIError{Status: 500, effect: true}), true, false},
	} {
		if r, p := IsRetryable(tc.err), IsPermanent(tc.err); r != tc.retryable || p != tc.permanent {
			t.Errorf("%#v: retryable %v permanent %v, want %v %v", tc.err, r, p, tc.retryable, tc.permanent)
		}
	}
	if !MaybeDelivered(&ResponseError{Status: 201, Err: errNoIDForTest, effect: true}) ||
		!MaybeDelivered(fmt.Errorf("job: %w", &APIError{Status: 502, effect: true})) ||
		MaybeDelivered(&APIError{Status: 502}) || MaybeDelivered(io.EOF) || MaybeDelivered(nil) {
		t.Error("MaybeDelivered")
	}
}

var errNoIDForTest = errors.New("no id")

func TestMaskAndRedact(t *testing.T) {
	for in, want := range map[string]string{
		"RSSMRA80A01H501U": "RSSMRA**********",
		"ABC":              "***",
		"":                 "",
		"àèìòùàè":          "àèìòùà*",
	} {
		if got := MaskFiscalCode(in); got != want {
			t.Errorf("MaskFiscalCode(%q) = %q, want %q", in, got, want)
		}
	}
	in := "codes RSSMRA80A01H501U, rssmra80a01h501u and AAAAAA00A00A000A; not FOOBAR12345"
	want := "codes RSSMRA**********, rssmra********** and AAAAAA**********; not FOOBAR12345"
	if got := redactFiscalCodes(in); got != want {
		t.Errorf("redact:\n got %s\nwant %s", got, want)
	}
}

func TestHelpers(t *testing.T) {
	for in, want := range map[int64]string{0: "0,00", 1: "0,01", 123456: "1.234,56", 9999999999: "99.999.999,99", -150: "-1,50", 100000: "1.000,00"} {
		if got := euro(in); got != want {
			t.Errorf("euro(%d) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]int{"": 0, "abc": 3, "perché": 6, "😀": 2, "a😀b": 4, "\xff": 1} {
		if got := JSLength(in); got != want {
			t.Errorf("JSLength(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestWireForm(t *testing.T) {
	due := time.Date(2026, 7, 1, 1, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	b, err := marshal(toWire("AAAAAA00A00A000A", NewMessage{
		Content: Content{Subject: "Avviso <TARI> & co.", Markdown: "m", DueDate: &due,
			PaymentData: &PaymentData{Amount: 100, NoticeNumber: "301000000000000001"}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"fiscal_code":"AAAAAA00A00A000A","content":{"subject":"Avviso <TARI> & co.","markdown":"m",` +
		`"due_date":"2026-06-30T23:30:00.000Z","payment_data":{"amount":100,"notice_number":"301000000000000001","invalid_after_due_date":false}}}`
	if string(b) != want {
		t.Errorf("wire form:\n got %s\nwant %s", b, want)
	}
}
