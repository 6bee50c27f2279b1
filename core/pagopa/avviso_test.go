package pagopa

import (
	"strconv"
	"strings"
	"testing"
)

func TestValidaCodiceAvviso(t *testing.T) {
	for _, tc := range []struct {
		in, err string
	}{
		{"301000000000000144", ""},
		{CodiceAvviso(99, 9_999_999_999_999), ""},
		{CodiceAvviso(0, 0), ""},
		{"", "mancante"},
		{"30100000000000014", "deve avere 18 cifre, trovate 17"},
		{"3010000000000001440", "deve avere 18 cifre, trovate 19"},
		{"301000000000000145", "cifre di controllo errate: attese 44, trovate 45"},
		{"3010 0000 0000 0001 44", "sono ammesse solo cifre: trovato « » in posizione 5"},
		{"30100000000000014A", "sono ammesse solo cifre: trovato «A» in posizione 18"},
		{"3010000000000001è4", "sono ammesse solo cifre: trovato «è» in posizione 17"},
		{"001000000000000144", "la prima cifra (aux digit) è 0: i codici avviso con prima cifra 0, 1 o 2 non sono più emessi da pagoPA, è ammessa solo la 3"},
		{"101000000000000144", "la prima cifra (aux digit) è 1: i codici avviso con prima cifra 0, 1 o 2 non sono più emessi da pagoPA, è ammessa solo la 3"},
		{"201000000000000144", "la prima cifra (aux digit) è 2: i codici avviso con prima cifra 0, 1 o 2 non sono più emessi da pagoPA, è ammessa solo la 3"},
		{"701000000000000144", "la prima cifra (aux digit) deve essere 3, trovata 7"},
	} {
		err := ValidaCodiceAvviso(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err {
			t.Errorf("ValidaCodiceAvviso(%q) = %q, want %q", tc.in, got, tc.err)
		}
	}
}

func TestCodiceAvviso(t *testing.T) {
	if got := CodiceAvviso(1, 1); got != "301000000000000144" {
		t.Fatalf("CodiceAvviso(1, 1) = %s, want the REFERENCE example 301000000000000144", got)
	}
	for _, c := range []struct {
		seg  int
		base uint64
	}{{0, 0}, {1, 1}, {12, 1234567890123}, {99, maxBase - 1}, {47, 93}} {
		s := CodiceAvviso(c.seg, c.base)
		if err := ValidaCodiceAvviso(s); err != nil {
			t.Errorf("CodiceAvviso(%d, %d) = %s: %v", c.seg, c.base, s, err)
		}
		if s[1:3] != strconv.Itoa(100 + c.seg)[1:] {
			t.Errorf("CodiceAvviso(%d, %d) = %s: segregation code not in place", c.seg, c.base, s)
		}
	}
	for _, bad := range []func(){
		func() { CodiceAvviso(-1, 0) },
		func() { CodiceAvviso(100, 0) },
		func() { CodiceAvviso(1, maxBase) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("out-of-range argument did not panic")
				}
			}()
			bad()
		}()
	}
}

func TestIUVAndFormat(t *testing.T) {
	if got := IUV("301000000000000144"); got != "01000000000000144" {
		t.Errorf("IUV = %q", got)
	}
	if got := IUV("3010"); got != "" {
		t.Errorf("IUV of a short code = %q, want empty", got)
	}
	for in, want := range map[string]string{
		"301000000000000144": "3010 0000 0000 0001 44",
		"":                   "",
		"3010":               "3010",
		"30100":              "3010 0",
	} {
		if got := FormattaCodiceAvviso(in); got != want {
			t.Errorf("FormattaCodiceAvviso(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizzaCodiceAvviso(t *testing.T) {
	for in, want := range map[string]string{
		"3010 0000 0000 0001 44":           "301000000000000144",
		" 3010.0000.0000.0001.44 ":         "301000000000000144",
		"3010-0000-0000-0001-44":           "301000000000000144",
		"3010\u00a00000\u202f0000 0001 44": "301000000000000144",
		"3010/0000":                        "3010/0000",
	} {
		if got := NormalizzaCodiceAvviso(in); got != want {
			t.Errorf("NormalizzaCodiceAvviso(%q) = %q, want %q", in, got, want)
		}
		if ValidaCodiceAvviso(want) == nil && ValidaCodiceAvviso(NormalizzaCodiceAvviso(FormattaCodiceAvviso(want))) != nil {
			t.Errorf("formatted %q does not normalise back", want)
		}
	}
}

// FuzzValidaCodiceAvviso: no panics; an accepted code is 18 digits starting
// with 3, rebuilds from its parts, formats and normalises back to itself;
// a rejected one has an Italian message.
func FuzzValidaCodiceAvviso(f *testing.F) {
	for _, s := range []string{"301000000000000144", "301000000000000145", "", "3010 0000 0000 0001 44",
		"001000000000000144", "\xff\xfe", "٣٠١٠٠٠٠٠٠٠٠٠٠٠٠١٤٤", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizzaCodiceAvviso(s)
		if NormalizzaCodiceAvviso(n) != n {
			t.Fatalf("NormalizzaCodiceAvviso not idempotent on %q", s)
		}
		_ = FormattaCodiceAvviso(s)
		_ = IUV(s)
		err := ValidaCodiceAvviso(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if len(s) != 18 || s[0] != '3' || strings.Trim(s, "0123456789") != "" {
			t.Fatalf("accepted %q", s)
		}
		seg, _ := strconv.Atoi(s[1:3])
		base, _ := strconv.ParseUint(s[3:16], 10, 64)
		if CodiceAvviso(seg, base) != s {
			t.Fatalf("%q does not rebuild from its parts", s)
		}
		if NormalizzaCodiceAvviso(FormattaCodiceAvviso(s)) != s || IUV(s) != s[1:] {
			t.Fatalf("%q: format/normalise/IUV round trip", s)
		}
	})
}

func TestValidaIBAN(t *testing.T) {
	for _, ok := range []string{"IT60X0542811101000000123456", "DE89370400440532013000", NormalizzaIBAN("it60 x054 2811 1010 0000 0123 456")} {
		if err := ValidaIBAN(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for iban, want := range map[string]string{
		"IT61X0542811101000000123456": "cifre di controllo errate",
		"IT60X054281110100000012345":  "27 caratteri",
		"6060X0542811101000000123456": "codice del paese",
		"IT60X05428111010000001234-6": "carattere non ammesso «-»",
		"IT60":                        "lunghezza 4",
	} {
		if err := ValidaIBAN(iban); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", iban, err, want)
		}
	}
}
