package datamatrix

import (
	"math/rand/v2"
	"testing"

	upstream "github.com/boombuler/barcode/datamatrix"
)

// Our error correction changes nothing in the symbols: for contents of
// every size class (1 to 10 blocks, up to the 144×144 symbol) every module
// equals upstream's.
func TestSameSymbolsAsUpstream(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ;=|-.,"
	for _, n := range []int{1, 3, 8, 20, 44, 60, 100, 174, 204, 280, 368, 456, 576, 696, 816, 1050, 1300, 1550} {
		for range 3 {
			b := make([]byte, n)
			for i := range b {
				b[i] = chars[r.IntN(len(chars))]
			}
			s := string(b)
			ours, err := Encode(s)
			if err != nil {
				t.Fatalf("%d chars: %v", n, err)
			}
			theirs, err := upstream.Encode(s)
			if err != nil {
				t.Fatal(err)
			}
			if ours.Bounds() != theirs.Bounds() {
				t.Fatalf("%d chars: size %v, upstream %v", n, ours.Bounds(), theirs.Bounds())
			}
			bd := ours.Bounds()
			for y := bd.Min.Y; y < bd.Max.Y; y++ {
				for x := bd.Min.X; x < bd.Max.X; x++ {
					if ours.At(x, y) != theirs.At(x, y) {
						t.Fatalf("%d chars (%s…): module (%d,%d) differs", n, s[:min(n, 10)], x, y)
					}
				}
			}
		}
	}
}
