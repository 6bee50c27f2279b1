package pdfcaratteri

import (
	"testing"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// Glyphs out of reach are emptied, the others kept with the components of
// composite glyphs; the font still parses.
func TestSottoinsieme(t *testing.T) {
	sub, err := sottoinsieme(goregular.TTF, []rune("àA"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := sfnt.Parse(sub)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	contorni := func(r rune) int {
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			t.Fatalf("%q: glyph %d %v", r, gi, err)
		}
		segs, err := f.LoadGlyph(&buf, gi, 1000, nil)
		if err != nil {
			t.Fatalf("%q: %v", r, err)
		}
		return len(segs)
	}
	if contorni('à') == 0 || contorni('A') == 0 {
		t.Error("kept glyphs lost their outlines")
	}
	if contorni('Ж') != 0 || contorni('b') != 0 {
		t.Error("glyphs out of reach kept")
	}
	if len(sub) > len(goregular.TTF)/3 {
		t.Errorf("%d bytes of %d", len(sub), len(goregular.TTF))
	}
	if checksum(sub) != 0xB1B0AFBA {
		t.Errorf("checksum of the whole font %x", checksum(sub))
	}
	if _, err := sottoinsieme([]byte("non un font"), nil); err == nil {
		t.Error("garbage accepted")
	}
}

// The Go fonts have no composite glyphs, but a font that has them keeps
// the components: their list is read past words, scales and matrices.
func TestComponentiComposto(t *testing.T) {
	g := []byte{0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0}                // numberOfContours -1, bbox
	g = append(g, 0x00, 0x21, 0, 7, 0, 1, 0, 2)                    // words, more: glyph 7
	g = append(g, 0x00, 0x28, 0, 9, 1, 2, 0x40, 0)                 // bytes, scale, more: glyph 9
	g = append(g, 0x00, 0x80, 0, 11, 1, 2, 1, 0, 0, 0, 0, 0, 1, 0) // 2×2 matrix, last: glyph 11
	got, err := componentiComposto(g)
	if err != nil || len(got) != 3 || got[0] != 7 || got[1] != 9 || got[2] != 11 {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := componentiComposto(g[:len(g)-12]); err == nil {
		t.Error("truncated composite accepted")
	}
	if got, _ := componentiComposto([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0}); got != nil {
		t.Errorf("simple glyph: %v", got)
	}
}

func TestTraduttore1252(t *testing.T) {
	tr := Traduttore1252()
	if got := tr("Società “Rossi” – 12,50 €\tn°1 · ✓\x00\n"); got != "Societ\xe0 \x93Rossi\x94 \x96 12,50 \x80 n\xb01 \xb7 ?\n" {
		t.Fatalf("%q", got)
	}
}

// The fonts are prepared once and shared: two callers get the same ones.
func TestWindows1252(t *testing.T) {
	a, err := Windows1252()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Windows1252()
	if a != b || len(a.Regular[0]) == 0 || len(a.Bold[1]) == 0 {
		t.Fatalf("fonts: %p %p", a, b)
	}
}
