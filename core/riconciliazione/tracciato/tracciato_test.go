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
