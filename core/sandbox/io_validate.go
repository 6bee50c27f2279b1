package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ioContent is a message content as IO stores and returns it
// (NewMessageContent: payee always present in payment_data).
type ioContent struct {
	Subject               string          `json:"subject"`
	Markdown              string          `json:"markdown"`
	RequireSecureChannels *bool           `json:"require_secure_channels,omitempty"`
	DueDate               string          `json:"due_date,omitempty"`
	PaymentData           *ioPaymentData  `json:"payment_data,omitempty"`
	PrescriptionData      json.RawMessage `json:"prescription_data,omitempty"`
}

type ioPaymentData struct {
	Amount              int64    `json:"amount"`
	NoticeNumber        string   `json:"notice_number"`
	InvalidAfterDueDate bool     `json:"invalid_after_due_date"`
	Payee               *ioPayee `json:"payee,omitempty"`
}

type ioPayee struct {
	FiscalCode string `json:"fiscal_code"`
}

// newMessage is a validated NewMessage request.
type newMessage struct {
	fiscalCode   string // "" when absent from the body
	ttl          int
	content      ioContent
	featureLevel string
	payeeGiven   bool
	// Fields that need permissions no sandbox service has.
	defaultAddresses, euCovidCert, legalData, thirdPartyData bool
}

const (
	maxBody         = 1 << 20
	defaultTTL      = 3600
	ioTimestampForm = "2006-01-02T15:04:05.000Z"
)

var (
	noticeNumberRE = regexp.MustCompile(`^[0123][0-9]{17}$`)
	timestampRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)
	emailRE        = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// validator collects io-ts style violations.
type validator struct{ errs []string }

func (v *validator) fail(path string, value any, want string) {
	b, err := json.Marshal(value)
	if err != nil || value == nil {
		b = []byte("undefined")
	}
	if len(b) > 60 {
		b = append(b[:57:57], "..."...)
	}
	v.errs = append(v.errs, fmt.Sprintf("value %s at root.%s is not a valid %s", b, path, want))
}

func (v *validator) object(m map[string]any, key, path string, required bool) (map[string]any, bool) {
	raw, present := m[key]
	if !present || raw == nil {
		if required {
			v.fail(path, nil, "object (required)")
		}
		return nil, false
	}
	o, ok := raw.(map[string]any)
	if !ok {
		v.fail(path, raw, "object")
	}
	return o, ok
}

// str checks a string of UTF-16 length min..max (max 0: unbounded), like
// io-ts, whose lengths are JavaScript string lengths.
func (v *validator) str(m map[string]any, key, path string, required bool, min, max int) (string, bool) {
	raw, present := m[key]
	if !present || raw == nil {
		if required {
			v.fail(path, nil, "string (required)")
		}
		return "", false
	}
	s, ok := raw.(string)
	if !ok {
		v.fail(path, raw, "string")
		return "", false
	}
	if n := jsLen(s); n < min || (max > 0 && n > max) {
		if max > 0 {
			v.fail(path, s, fmt.Sprintf("string of length %d..%d (got %d)", min, max, n))
		} else {
			v.fail(path, s, fmt.Sprintf("string of length >= %d", min))
		}
		return "", false
	}
	return s, true
}

func (v *validator) pattern(m map[string]any, key, path string, required bool, re *regexp.Regexp, what string) (string, bool) {
	s, ok := v.str(m, key, path, required, 0, 0)
	if !ok {
		return "", false
	}
	if !re.MatchString(s) {
		v.fail(path, s, what)
		return "", false
	}
	return s, true
}

func (v *validator) boolean(m map[string]any, key, path string) (*bool, bool) {
	raw, present := m[key]
	if !present || raw == nil {
		return nil, false
	}
	b, ok := raw.(bool)
	if !ok {
		v.fail(path, raw, "boolean")
		return nil, false
	}
	return &b, true
}

// integer accepts JSON numbers with an integral value in lo..hi.
func (v *validator) integer(m map[string]any, key, path string, required bool, lo, hi int64) (int64, bool) {
	raw, present := m[key]
	if !present || raw == nil {
		if required {
			v.fail(path, nil, "integer (required)")
		}
		return 0, false
	}
	num, ok := raw.(json.Number)
	if !ok {
		v.fail(path, raw, "integer")
		return 0, false
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(num), 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			v.fail(path, raw, "integer")
			return 0, false
		}
		n = int64(f)
	}
	if n < lo || n > hi {
		v.fail(path, raw, fmt.Sprintf("integer in %d..%d", lo, hi))
		return 0, false
	}
	return n, true
}

func jsLen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// parseTimestamp reads an ISO-8601 date-time; without a zone it is UTC.
// It returns the form IO answers with (JavaScript's toISOString).
func parseTimestamp(s string) (string, bool) {
	if !timestampRE.MatchString(s) {
		return "", false
	}
	layout := "2006-01-02T15:04:05.999999999Z07:00"
	if !strings.HasSuffix(s, "Z") && !strings.ContainsAny(s[19:], "+-") {
		layout = "2006-01-02T15:04:05.999999999"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", false
	}
	return t.UTC().Format(ioTimestampForm), true
}

// decodeJSONObject reads a JSON object body the way Express's JSON parser
// does: only with a JSON content type; anything else is an empty body.
func decodeJSONObject(contentType string, body []byte) (map[string]any, string) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return map[string]any{}, "request body ignored: Content-Type must be application/json"
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, "request body is not valid JSON: " + err.Error()
	}
	if d.More() {
		return nil, "request body has data after the JSON value"
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, "request body must be a JSON object"
	}
	return m, ""
}

// parseNewMessage validates a NewMessage (time_to_live defaulted) and
// returns the violations, empty when valid.
func parseNewMessage(contentType string, body []byte) (newMessage, []string) {
	nm := newMessage{ttl: defaultTTL, featureLevel: FeatureStandard}
	m, why := decodeJSONObject(contentType, body)
	if m == nil {
		return nm, []string{why}
	}
	v := &validator{}
	if why != "" {
		v.errs = append(v.errs, why)
	}
	if cf, ok := v.pattern(m, "fiscal_code", "fiscal_code", false, fiscalCodeRE, "FiscalCode"); ok {
		nm.fiscalCode = cf
	}
	if ttl, ok := v.integer(m, "time_to_live", "time_to_live", false, 3600, 604800); ok {
		nm.ttl = int(ttl)
	}
	if _, present := m["feature_level_type"]; present {
		switch fl, _ := m["feature_level_type"].(string); fl {
		case FeatureStandard, FeatureAdvanced:
			nm.featureLevel = fl
		default:
			v.fail("feature_level_type", m["feature_level_type"], `FeatureLevelType ("STANDARD" | "ADVANCED")`)
		}
	}
	if da, ok := v.object(m, "default_addresses", "default_addresses", false); ok {
		v.pattern(da, "email", "default_addresses.email", false, emailRE, "EmailString")
		nm.defaultAddresses = true
	}
	c, ok := v.object(m, "content", "content", true)
	if !ok {
		return nm, v.errs
	}
	nm.content.Subject, _ = v.str(c, "subject", "content.subject", true, 10, 120)
	nm.content.Markdown, _ = v.str(c, "markdown", "content.markdown", true, 80, 10000)
	nm.content.RequireSecureChannels, _ = v.boolean(c, "require_secure_channels", "content.require_secure_channels")
	if s, ok := v.str(c, "due_date", "content.due_date", false, 0, 0); ok {
		if ts, ok := parseTimestamp(s); ok {
			nm.content.DueDate = ts
		} else {
			v.fail("content.due_date", s, "Timestamp (ISO-8601 date-time, e.g. 2018-10-13T00:00:00.000Z)")
		}
	}
	if pd, ok := v.object(c, "payment_data", "content.payment_data", false); ok {
		p := &ioPaymentData{}
		p.Amount, _ = v.integer(pd, "amount", "content.payment_data.amount", true, 1, 9999999999)
		p.NoticeNumber, _ = v.pattern(pd, "notice_number", "content.payment_data.notice_number", true, noticeNumberRE, "notice number ("+noticeNumberRE.String()+")")
		if b, ok := v.boolean(pd, "invalid_after_due_date", "content.payment_data.invalid_after_due_date"); ok {
			p.InvalidAfterDueDate = *b
		}
		if pe, ok := v.object(pd, "payee", "content.payment_data.payee", false); ok {
			if cf, ok := v.pattern(pe, "fiscal_code", "content.payment_data.payee.fiscal_code", true, organizationFiscalCodeRE, "OrganizationFiscalCode (11 digits)"); ok {
				p.Payee = &ioPayee{FiscalCode: cf}
				nm.payeeGiven = true
			}
		}
		nm.content.PaymentData = p
	}
	if pr, ok := v.object(c, "prescription_data", "content.prescription_data", false); ok {
		v.str(pr, "nre", "content.prescription_data.nre", true, 15, 15)
		v.str(pr, "iup", "content.prescription_data.iup", false, 1, 16)
		v.pattern(pr, "prescriber_fiscal_code", "content.prescription_data.prescriber_fiscal_code", false, fiscalCodeRE, "FiscalCode")
		nm.content.PrescriptionData, _ = json.Marshal(pr)
	}
	if ec, ok := v.object(c, "eu_covid_cert", "content.eu_covid_cert", false); ok {
		v.str(ec, "auth_code", "content.eu_covid_cert.auth_code", true, 0, 0)
		nm.euCovidCert = true
	}
	if ld, ok := v.object(c, "legal_data", "content.legal_data", false); ok {
		v.str(ld, "sender_mail_from", "content.legal_data.sender_mail_from", true, 1, 0)
		v.str(ld, "message_unique_id", "content.legal_data.message_unique_id", true, 1, 0)
		if _, ok := ld["has_attachment"].(bool); !ok {
			v.fail("content.legal_data.has_attachment", ld["has_attachment"], "boolean (required)")
		}
		nm.legalData = true
	}
	if tp, ok := v.object(c, "third_party_data", "content.third_party_data", false); ok {
		v.str(tp, "id", "content.third_party_data.id", true, 1, 0)
		nm.thirdPartyData = true
	}
	return nm, v.errs
}

// parseFiscalCodePayload validates a FiscalCodePayload body.
func parseFiscalCodePayload(contentType string, body []byte) (string, []string) {
	m, why := decodeJSONObject(contentType, body)
	if m == nil {
		return "", []string{why}
	}
	v := &validator{}
	if why != "" {
		v.errs = append(v.errs, why)
	}
	cf, _ := v.pattern(m, "fiscal_code", "fiscal_code", true, fiscalCodeRE, "FiscalCode")
	return cf, v.errs
}
