package tabelle

import "testing"

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"Rossi":                    "Rossi",
		"=SUM(A1:A9)":              "'=SUM(A1:A9)",
		"=1+1":                     "'=1+1",
		"+39 333 1234567":          "'+39 333 1234567",
		"-2+3+cmd|' /C calc'!A0":   "'-2+3+cmd|' /C calc'!A0",
		"@SUM(1,2)":                "'@SUM(1,2)",
		"\t=1+1":                   "'\t=1+1",
		"\r=1+1":                   "'\r=1+1",
		"-":                        "'-",
		"-12,50":                   "-12,50",
		"-3":                       "-3",
		"+1.234,56":                "+1.234,56",
		"-0.5":                     "-0.5",
		"-1e10":                    "'-1e10",
		"12=3":                     "12=3",
		"Via Roma, 1 - Milano":     "Via Roma, 1 - Milano",
		"'=già protetta":           "'=già protetta",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{
		"1.234,56": 1234.56, "-12,50": -12.5, "1234.56": 1234.56, "€ 3,00": 3, "7": 7, "1.234": 1.234,
	} {
		if got, ok := ParseNumber(in); !ok || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1e5", "NaN", "Inf", "12,50 euro"} {
		if _, ok := ParseNumber(in); ok {
			t.Errorf("ParseNumber(%q) accepted", in)
		}
	}
}
