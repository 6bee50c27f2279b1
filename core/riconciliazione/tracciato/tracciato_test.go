package tracciato

import "testing"

func TestCentesimi(t *testing.T) {
	ok := map[string]int64{"30.00": 3000, "1234.5": 123450, "-12.30": -1230, "12,3": 1230, "7": 700, "+0.01": 1, " 5.05 ": 505}
	for in, want := range ok {
		if got, err := Centesimi(in); err != nil || got != want {
			t.Errorf("Centesimi(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.234", "abc", "1.", ".5", "1e3", "--1", "12.3.4"} {
		if got, err := Centesimi(in); err == nil {
			t.Errorf("Centesimi(%q) = %d, want an error", in, got)
		}
	}
	for _, c := range []int64{0, 1, -1, 3000, -123456} {
		if back, err := Centesimi(Euro(c)); err != nil || back != c {
			t.Errorf("round trip %d: %q %d %v", c, Euro(c), back, err)
		}
	}
}

func TestErrRiga(t *testing.T) {
	e := Errori{{12, "importoTotalePagamenti", "non è la somma dei pagamenti"}, {0, "", "file vuoto"}}
	want := "riga 12 / elemento importoTotalePagamenti: non è la somma dei pagamenti\nfile vuoto"
	if e.Error() != want {
		t.Fatalf("%q", e.Error())
	}
	var none Errori
	if none.Err() != nil || e.Err() == nil {
		t.Fatal("Err")
	}
}

// The clerk's form groups the thousands with dots and writes the cents
// after a comma; Centesimi reads it back.
func TestEuroIT(t *testing.T) {
	for c, want := range map[int64]string{0: "0,00", 5: "0,05", 100: "1,00", 108000: "1.080,00", 121300: "1.213,00",
		-121150: "-1.211,50", 99999: "999,99", 100000: "1.000,00", 12345678901: "123.456.789,01",
		-9223372036854775808: "-92.233.720.368.547.758,08"} {
		if got := EuroIT(c); got != want {
			t.Errorf("EuroIT(%d) = %q, want %q", c, got, want)
		}
	}
}
