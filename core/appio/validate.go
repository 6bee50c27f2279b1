package appio

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The limits of the IO API (NewMessage, MessageContentBase, PaymentDataBase).
const (
	SubjectMin    = 10
	SubjectMax    = 120
	MarkdownMin   = 80
	MarkdownMax   = 10000
	AmountMin     = 1
	AmountMax     = 9999999999 // cents
	TimeToLiveMin = 3600 * time.Second
	TimeToLiveMax = 604800 * time.Second
)

var (
	// The server's FiscalCode pattern (anchored). Like IO it does not
	// verify the check character: IO's test code AAAAAA00A00A000A passes.
	fiscalCodeRE             = regexp.MustCompile(`^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`)
	noticeNumberRE           = regexp.MustCompile(`^[0123][0-9]{17}$`)
	organizationFiscalCodeRE = regexp.MustCompile(`^[0-9]{11}$`)
)

// ValidationError is one field the API would reject. Error() is the
// Italian message for the operator: "Oggetto: minimo 10 caratteri, trovati 7".
type ValidationError struct {
	Field   string // Italian field name, e.g. "Oggetto"
	Path    string // the field in the API payload, e.g. "content.subject"
	Message string // Italian, without the field name
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// ValidationErrors are all the problems of one input; the client returns
// it, never sending anything, when it is not empty.
type ValidationErrors []*ValidationError

func (v ValidationErrors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.As find each *ValidationError.
func (v ValidationErrors) Unwrap() []error {
	out := make([]error, len(v))
	for i, e := range v {
		out[i] = e
	}
	return out
}

func (v *ValidationErrors) add(field, path, format string, args ...any) {
	*v = append(*v, &ValidationError{Field: field, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v ValidationErrors) err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// JSLength is the length of s as the IO server (JavaScript, io-ts)
// measures it: UTF-16 code units, so a character outside the Basic
// Multilingual Plane (most emoji) counts 2.
func JSLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// ValidateFiscalCode checks a citizen's fiscal code against the pattern
// IO applies. It does not normalise: callers pass the code upper-case and
// trimmed (anagrafe.NormalizzaCodiceFiscale).
func ValidateFiscalCode(cf string) error {
	var v ValidationErrors
	v.fiscalCode(cf, "Codice fiscale", "fiscal_code")
	return v.err()
}

func (v *ValidationErrors) fiscalCode(cf, field, path string) {
	switch n := utf8.RuneCountInString(cf); {
	case strings.TrimSpace(cf) == "":
		v.add(field, path, "mancante")
	case n != 16:
		v.add(field, path, "lunghezza %d, attesi 16 caratteri", n)
	case strings.ToUpper(cf) != cf:
		v.add(field, path, "scrivere le lettere in maiuscolo")
	case !fiscalCodeRE.MatchString(cf):
		v.add(field, path, "formato non valido")
	}
}

// Validate checks m as the IO API would (NewMessage), so that a message
// that passes is not refused with a 400 for its shape. Limits that depend
// on the service (maximum amount, permissions) are checked by IO only.
func (m NewMessage) Validate() error {
	var v ValidationErrors
	v.message(m)
	return v.err()
}

func (v *ValidationErrors) message(m NewMessage) {
	if m.TimeToLive != 0 {
		if ttl := m.TimeToLive.Truncate(time.Second); ttl < TimeToLiveMin || ttl > TimeToLiveMax {
			v.add("Durata di consegna", "time_to_live", "ammessa da 3600 secondi (1 ora) a 604800 (7 giorni), indicati %d",
				int64(ttl/time.Second))
		}
	}
	switch m.FeatureLevelType {
	case "", FeatureStandard, FeatureAdvanced:
	default:
		v.add("Livello del messaggio", "feature_level_type", "valore %q non valido (STANDARD o ADVANCED)", string(m.FeatureLevelType))
	}
	c := m.Content
	v.text(c.Subject, "Oggetto", "content.subject", SubjectMin, SubjectMax)
	v.text(c.Markdown, "Testo", "content.markdown", MarkdownMin, MarkdownMax)
	if c.DueDate != nil {
		switch y := c.DueDate.UTC().Year(); {
		case c.DueDate.IsZero():
			v.add("Scadenza", "content.due_date", "data mancante")
		case y < 0 || y > 9999:
			v.add("Scadenza", "content.due_date", "anno %d non valido", y)
		}
	}
	if p := c.PaymentData; p != nil {
		switch {
		case p.Amount < AmountMin:
			v.add("Importo", "content.payment_data.amount", "minimo 0,01 euro, indicati %s euro", euro(p.Amount))
		case p.Amount > AmountMax:
			v.add("Importo", "content.payment_data.amount", "massimo %s euro, indicati %s euro", euro(AmountMax), euro(p.Amount))
		}
		switch n := utf8.RuneCountInString(p.NoticeNumber); {
		case n == 0:
			v.add("Numero avviso", "content.payment_data.notice_number", "mancante")
		case n != 18:
			v.add("Numero avviso", "content.payment_data.notice_number", "attese 18 cifre, trovati %d caratteri", n)
		case strings.IndexFunc(p.NoticeNumber, func(r rune) bool { return r < '0' || r > '9' }) >= 0:
			v.add("Numero avviso", "content.payment_data.notice_number", "sono ammesse solo cifre")
		case !noticeNumberRE.MatchString(p.NoticeNumber):
			v.add("Numero avviso", "content.payment_data.notice_number", "la prima cifra deve essere 0, 1, 2 o 3, trovata %c", p.NoticeNumber[0])
		}
		if p.Payee != nil && !organizationFiscalCodeRE.MatchString(p.Payee.FiscalCode) {
			v.add("Codice fiscale dell'ente beneficiario", "content.payment_data.payee.fiscal_code", "attese 11 cifre")
		}
	}
}

func (v *ValidationErrors) text(s, field, path string, lo, hi int) {
	if !utf8.ValidString(s) {
		v.add(field, path, "contiene caratteri non validi (testo non in UTF-8)")
		return
	}
	switch n := JSLength(s); {
	case n < lo:
		v.add(field, path, "minimo %d caratteri, trovati %d", lo, n)
	case n > hi:
		v.add(field, path, "massimo %d caratteri, trovati %d", hi, n)
	}
}

// euro writes cents the Italian way: 123456 → "1.234,56".
func euro(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("%s,%02d", b.String(), cents%100)
	if neg {
		s = "-" + s
	}
	return s
}

// validateMessageID refuses what cannot be an IO message id (a ULID):
// a slash or a blank would address another resource.
func validateMessageID(id string) error {
	var v ValidationErrors
	if id == "" {
		v.add("ID messaggio", "id", "mancante")
	} else if strings.IndexFunc(id, func(r rune) bool { return !isIDChar(r) }) >= 0 {
		v.add("ID messaggio", "id", "sono ammessi solo lettere, cifre, - e _")
	}
	return v.err()
}

func isIDChar(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_'
}
