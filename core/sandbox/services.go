package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"time"

	"github.com/oklog/ulid/v2"
)

// Feature levels of an App IO service (and of a message).
const (
	FeatureStandard = "STANDARD"
	FeatureAdvanced = "ADVANCED" // "Premium": read and payment status
)

// Service is one App IO service the sandbox knows, with its subscription key.
type Service struct {
	Name      string `json:"name"`
	ServiceID string `json:"service_id"`
	Key       string `json:"key"`
	// SecondaryKey is accepted like Key (APIM subscriptions have two).
	SecondaryKey string `json:"secondary_key,omitempty"`
	// FeatureLevel is STANDARD or ADVANCED (empty: STANDARD). Only ADVANCED
	// services may send ADVANCED messages and see read/payment status.
	FeatureLevel string `json:"feature_level"`
	// MaxAmount is the service's maximum payment amount in cents; 0 = no limit.
	MaxAmount int64 `json:"max_amount"`
	// OrganizationFiscalCode is the ente's 11-digit code; IO uses it as the
	// payee of payment messages that do not name one.
	OrganizationFiscalCode string `json:"organization_fiscal_code"`
	// Account groups services under one rate-limit budget, like a developer
	// account on the real gateway; empty means OrganizationFiscalCode.
	Account string `json:"account,omitempty"`
	// PayeeAllowed mirrors the ApiMessageWriteWithPayee permission: without
	// it, a message whose payment_data names a payee gets 403.
	PayeeAllowed bool `json:"payee_allowed,omitempty"`
	// AuthorizedRecipients, when not empty, puts the service in the limited
	// (pre-production) mode: it may only reach these fiscal codes.
	AuthorizedRecipients []string `json:"authorized_recipients,omitempty"`
}

func (s *Service) advanced() bool { return s.FeatureLevel == FeatureAdvanced }

func (s *Service) account() string {
	if s.Account != "" {
		return s.Account
	}
	return s.OrganizationFiscalCode
}

func (s *Service) limitedTo(cf string) bool {
	if len(s.AuthorizedRecipients) == 0 {
		return false
	}
	for _, r := range s.AuthorizedRecipients {
		if r == cf {
			return false
		}
	}
	return true
}

var organizationFiscalCodeRE = regexp.MustCompile(`^[0-9]{11}$`)

// DemoServices are the default services: realistic municipal services whose
// IDs, keys and ente fiscal code derive from seed.
func DemoServices(seed int64) []Service { return demoServices(seed, demoOrganizationFiscalCode(seed)) }

func demoServices(seed int64, org string) []Service {
	defs := []struct {
		name  string
		level string
		max   int64
	}{
		{"TARI - Tassa rifiuti", FeatureStandard, 2_000_000},
		{"Servizi scolastici", FeatureAdvanced, 150_000},
		{"Anagrafe e stato civile", FeatureStandard, 10_000},
		{"Polizia locale - Sanzioni", FeatureAdvanced, 500_000},
	}
	out := make([]Service, len(defs))
	for i, d := range defs {
		out[i] = Service{
			Name:                   d.name,
			ServiceID:              demoServiceID(seed, i, d.name),
			Key:                    demoKey(seed, "primary", d.name),
			SecondaryKey:           demoKey(seed, "secondary", d.name),
			FeatureLevel:           d.level,
			MaxAmount:              d.max,
			OrganizationFiscalCode: org,
		}
	}
	return out
}

// demoKey is a 32-hex subscription key, the shape APIM issues.
func demoKey(seed int64, kind, name string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "sportello-sandbox/key/%d/%s/%s", seed, kind, name))
	return hex.EncodeToString(sum[:16])
}

// demoServiceID is a ULID, as real service IDs are.
func demoServiceID(seed int64, i int, name string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "sportello-sandbox/service/%d/%s", seed, name))
	t := time.Date(2021, 3, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, 37*i)
	return ulid.MustNew(ulid.Timestamp(t), bytes.NewReader(sum[:])).String()
}

// demoOrganizationFiscalCode is an 11-digit code with a valid check digit,
// starting with 8 like those of enti without a partita IVA.
func demoOrganizationFiscalCode(seed int64) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "sportello-sandbox/org/%d", seed))
	n := binary.BigEndian.Uint64(sum[:8]) % 1_000_000_000
	base := fmt.Sprintf("8%09d", n)
	return base + string(rune('0'+partitaIVACheck(base)))
}

// partitaIVACheck is the check digit of the first 10 digits of an 11-digit
// fiscal code of a legal entity (Luhn variant).
func partitaIVACheck(first10 string) int {
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(first10[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// normalizeServices fills defaults and rejects ambiguous configurations;
// org is the default ente fiscal code ("" = derived from seed).
func normalizeServices(seed int64, org string, in []Service) ([]Service, error) {
	if org == "" {
		org = demoOrganizationFiscalCode(seed)
	} else if !organizationFiscalCodeRE.MatchString(org) {
		return nil, fmt.Errorf("sandbox: codice fiscale dell'ente %q non valido (11 cifre)", org)
	}
	if len(in) == 0 {
		return demoServices(seed, org), nil
	}
	out := make([]Service, len(in))
	keys := map[string]string{}
	ids := map[string]bool{}
	for i, s := range in {
		if s.ServiceID == "" || s.Key == "" {
			return nil, fmt.Errorf("sandbox: servizio %d (%q): service ID e chiave sono obbligatori", i, s.Name)
		}
		if ids[s.ServiceID] {
			return nil, fmt.Errorf("sandbox: service ID %q ripetuto", s.ServiceID)
		}
		ids[s.ServiceID] = true
		for _, k := range []string{s.Key, s.SecondaryKey} {
			if k == "" {
				continue
			}
			if other, dup := keys[k]; dup {
				return nil, fmt.Errorf("sandbox: la stessa chiave è assegnata a %q e %q", other, s.Name)
			}
			keys[k] = s.Name
		}
		switch s.FeatureLevel {
		case "":
			s.FeatureLevel = FeatureStandard
		case FeatureStandard, FeatureAdvanced:
		default:
			return nil, fmt.Errorf("sandbox: servizio %q: livello %q non valido (STANDARD o ADVANCED)", s.Name, s.FeatureLevel)
		}
		if s.MaxAmount < 0 {
			return nil, fmt.Errorf("sandbox: servizio %q: importo massimo negativo", s.Name)
		}
		if s.OrganizationFiscalCode == "" {
			s.OrganizationFiscalCode = org
		} else if !organizationFiscalCodeRE.MatchString(s.OrganizationFiscalCode) {
			return nil, fmt.Errorf("sandbox: servizio %q: codice fiscale dell'ente %q non valido (11 cifre)", s.Name, s.OrganizationFiscalCode)
		}
		s.AuthorizedRecipients = append([]string(nil), s.AuthorizedRecipients...)
		out[i] = s
	}
	return out, nil
}
