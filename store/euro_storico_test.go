package store

import "testing"

func TestEuroStorico(t *testing.T) {
	for c, want := range map[int64]string{0: "0,00", 5: "0,05", 121150: "1.211,50", 123456789: "1.234.567,89", -100050: "-1.000,50"} {
		if got := euroStorico(c); got != want {
			t.Errorf("euroStorico(%d) = %q, want %q", c, got, want)
		}
	}
}
