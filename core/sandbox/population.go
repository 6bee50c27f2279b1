package sandbox

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"regexp"

	"github.com/sportello/sportello/core/anagrafe"
)

// fiscalCodeRE is the App IO server's pattern, anchored as the server
// applies it. It does not verify the check character, and neither does IO.
var fiscalCodeRE = regexp.MustCompile(`^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`)

// IOSandboxFiscalCode is the fake fiscal code App IO gives every developer
// to test with; the sandbox always treats it as on IO with services enabled.
const IOSandboxFiscalCode = "AAAAAA00A00A000A"

// CitizenKind is how the simulated App IO population answers for a fiscal code.
type CitizenKind int

const (
	CitizenInvalid         CitizenKind = iota // not matching the server's pattern: 400
	CitizenEnabled                            // on IO, sender allowed (~85%)
	CitizenNotOnIO                            // no IO profile: 404, messages REJECTED (~8%)
	CitizenServiceDisabled                    // on IO, sender_allowed false, messages REJECTED (~7%)
)

func (k CitizenKind) String() string {
	switch k {
	case CitizenEnabled:
		return "enabled"
	case CitizenNotOnIO:
		return "not_on_io"
	case CitizenServiceDisabled:
		return "service_disabled"
	}
	return "invalid"
}

// MarshalText makes kinds readable in JSON.
func (k CitizenKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Citizen says how the sandbox's App IO answers for cf. It depends only on
// the seed and on cf matching the server's pattern, like the real server,
// so codes with a wrong check character still get an answer.
func (s *Sandbox) Citizen(cf string) CitizenKind { return citizenKind(s.cfg.Seed, cf) }

func citizenKind(seed int64, cf string) CitizenKind {
	if !fiscalCodeRE.MatchString(cf) {
		return CitizenInvalid
	}
	if cf == IOSandboxFiscalCode {
		return CitizenEnabled
	}
	switch h := hash64(seed, "citizen", cf) % 10000; {
	case h < 8500:
		return CitizenEnabled
	case h < 9300:
		return CitizenNotOnIO
	default:
		return CitizenServiceDisabled
	}
}

// preferredLanguages is the citizen's language preference, nil when unset.
func preferredLanguages(seed int64, cf string) []string {
	switch h := hash64(seed, "lang", cf) % 100; {
	case h < 80:
		return []string{"it_IT"}
	case h < 88:
		return []string{"it_IT", "en_GB"}
	case h < 93:
		return []string{"de_DE", "it_IT"}
	case h < 95:
		return []string{"en_GB"}
	}
	return nil
}

// hash64 is a stable (cross-process) hash of the seed and parts.
func hash64(seed int64, parts ...string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	// splitmix64 finalizer: FNV alone has weak low bits for short inputs.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// SampleFiscalCodes are fully valid Italian fiscal codes (right check
// character) of each kind, for demos and tests.
type SampleFiscalCodes struct {
	Enabled         []string `json:"enabled"`
	NotOnIO         []string `json:"not_on_io"`
	ServiceDisabled []string `json:"service_disabled"`
}

// Of returns the samples of kind k.
func (c SampleFiscalCodes) Of(k CitizenKind) []string {
	switch k {
	case CitizenEnabled:
		return c.Enabled
	case CitizenNotOnIO:
		return c.NotOnIO
	case CitizenServiceDisabled:
		return c.ServiceDisabled
	}
	return nil
}

var (
	sampleSurnames = []string{"ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI",
		"MARINO", "GRECO", "BRUNO", "GALLO", "CONTI", "DELUCA", "MANCINI", "COSTA", "GIORDANO", "RIZZO",
		"LOMBARDI", "MORETTI", "BARBIERI", "FONTANA", "SANTORO", "MARIANI", "RINALDI", "CARUSO", "FERRARA",
		"GALLI", "MARTINI", "LEONE", "VILLA", "BO"}
	sampleMale   = []string{"MARCO", "LUCA", "GIUSEPPE", "FRANCESCO", "ANDREA", "ALESSANDRO", "MATTEO", "LORENZO", "DAVIDE", "PAOLO", "STEFANO", "UGO"}
	sampleFemale = []string{"GIULIA", "FRANCESCA", "CHIARA", "SARA", "ANNA", "MARTINA", "LAURA", "ELENA", "VALENTINA", "SILVIA", "FEDERICA", "EVA"}
	// Belfiore codes: Roma, Milano, Torino, Napoli, Palermo, Bologna, Firenze, Monza, Vimercate, Venezia, Bari, Catania.
	sampleComuni = []string{"H501", "F205", "L219", "F839", "G273", "A944", "D612", "F704", "M052", "L736", "A662", "C351"}
)

const monthLetters = "ABCDEHLMPRST"

// SampleCodes derives n valid fiscal codes of each kind from seed.
func SampleCodes(seed int64, n int) SampleFiscalCodes {
	var out SampleFiscalCodes
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5a3b1e))
	seen := map[string]bool{}
	for i := 0; i < 100000 && (len(out.Enabled) < n || len(out.NotOnIO) < n || len(out.ServiceDisabled) < n); i++ {
		female := rng.IntN(2) == 0
		names := sampleMale
		if female {
			names = sampleFemale
		}
		cf := buildFiscalCode(sampleSurnames[rng.IntN(len(sampleSurnames))], names[rng.IntN(len(names))],
			1940+rng.IntN(66), rng.IntN(12), 1+rng.IntN(28), female, sampleComuni[rng.IntN(len(sampleComuni))])
		if cf == "" || seen[cf] {
			continue
		}
		seen[cf] = true
		var dst *[]string
		switch citizenKind(seed, cf) {
		case CitizenEnabled:
			dst = &out.Enabled
		case CitizenNotOnIO:
			dst = &out.NotOnIO
		case CitizenServiceDisabled:
			dst = &out.ServiceDisabled
		default:
			continue
		}
		if len(*dst) < n {
			*dst = append(*dst, cf)
		}
	}
	return out
}

// buildFiscalCode writes a codice fiscale by the DM 23/12/1976 rules
// (without omocodia); names must be upper-case A-Z.
func buildFiscalCode(surname, name string, year, month, day int, female bool, comune string) string {
	cons, vow := splitLetters(surname)
	sur := cons + vow + "XXX"
	cons, vow = splitLetters(name)
	var nm string
	if len(cons) >= 4 {
		nm = cons[:1] + cons[2:4]
	} else {
		nm = cons + vow + "XXX"
	}
	if female {
		day += 40
	}
	first15 := sur[:3] + nm[:3] + twoDigits(year%100) + monthLetters[month:month+1] + twoDigits(day) + comune
	c, ok := anagrafe.CarattereControllo(first15)
	if !ok {
		return ""
	}
	return first15 + string(c)
}

func splitLetters(s string) (consonants, vowels string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U':
			vowels += string(c)
		case c >= 'A' && c <= 'Z':
			consonants += string(c)
		}
	}
	return consonants, vowels
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
