// Package pdfcaratteri prepares, once per process, the fonts every PDF of
// Sportello embeds (payment notices, cover letters): fpdf's UTF-8 fonts
// are parsed, identified and subset again for every document, most of the
// time of a notice. Windows-1252 definitions made once with fpdf's
// MakeFont (they cover Italian, the euro sign and typographic quotes) make
// a document copy an already-compressed font instead. The fonts are the
// Go fonts, embedded in the binary, with the outlines Windows-1252 cannot
// reach left out (sottoinsieme): 40 % of the size of every document.
package pdfcaratteri

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/text/encoding/charmap"
)

// Famiglia is the font family Aggiungi adds, regular ("") and bold ("B").
const Famiglia = "Go"

// Caratteri are the prepared fonts and their text encoder.
type Caratteri struct {
	Regular, Bold [2][]byte // definition (JSON) and compressed font file
	// Traduci turns UTF-8 text into the fonts' code page; safe for
	// concurrent use.
	Traduci func(string) string
}

// Aggiungi adds the fonts to a document.
func (c *Caratteri) Aggiungi(p *fpdf.Fpdf) {
	p.AddFontFromBytes(Famiglia, "", c.Regular[0], c.Regular[1])
	p.AddFontFromBytes(Famiglia, "B", c.Bold[0], c.Bold[1])
}

var (
	once      sync.Once
	condivisi *Caratteri
	errPrep   error
)

// Windows1252 returns the fonts, prepared at the first call.
func Windows1252() (*Caratteri, error) {
	once.Do(func() { condivisi, errPrep = Prepara(true) })
	return condivisi, errPrep
}

// Prepara makes the definitions; without riduci the fonts keep every
// outline (for the test that compares the two, and for the benchmark's
// baseline that prepares them for every document).
func Prepara(riduci bool) (*Caratteri, error) {
	dir, err := os.MkdirTemp("", "sportello-font-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	mapPath := filepath.Join(dir, "cp1252.map")
	if err := os.WriteFile(mapPath, []byte(mappa1252()), 0o600); err != nil {
		return nil, err
	}
	c := &Caratteri{}
	for _, f := range []struct {
		name string
		ttf  []byte
		dst  *[2][]byte
	}{{"goregular", goregular.TTF, &c.Regular}, {"gobold", gobold.TTF, &c.Bold}} {
		sub := f.ttf
		if riduci {
			if sub, err = sottoinsieme(f.ttf, Runes1252()); err != nil {
				return nil, err
			}
		}
		ttf := filepath.Join(dir, f.name+".ttf")
		if err := os.WriteFile(ttf, sub, 0o600); err != nil {
			return nil, err
		}
		if err := fpdf.MakeFont(ttf, mapPath, dir, nil, true); err != nil {
			return nil, err
		}
		if f.dst[0], err = os.ReadFile(filepath.Join(dir, f.name+".json")); err != nil {
			return nil, err
		}
		if f.dst[1], err = os.ReadFile(filepath.Join(dir, f.name+".z")); err != nil {
			return nil, err
		}
	}
	c.Traduci = Traduttore1252()
	return c, nil
}

// Traduttore1252 turns UTF-8 text into the fonts' Windows-1252 bytes
// (characters outside it become "?", a tab a blank; line ends stay for
// MultiCell, other control characters go). Its table is read-only, so one
// translator serves every goroutine; fpdf's own keeps a buffer inside and
// must not be shared.
func Traduttore1252() func(string) string {
	table := make(map[rune]byte, 256)
	for i := 255; i >= 32; i-- {
		if r := charmap.Windows1252.DecodeByte(byte(i)); r != '\uFFFD' {
			table[r] = byte(i)
		}
	}
	return func(s string) string {
		b := make([]byte, 0, len(s))
		for _, r := range s {
			switch c, ok := table[r]; {
			case ok:
				b = append(b, c)
			case r == '\n' || r == '\r':
				b = append(b, byte(r))
			case r == '\t':
				b = append(b, ' ')
			case r < 32:
			default:
				b = append(b, '?')
			}
		}
		return string(b)
	}
}

// Runes1252 are the characters of Windows-1252 (printable ones).
func Runes1252() []rune {
	var out []rune
	for i := 32; i < 256; i++ {
		if r := charmap.Windows1252.DecodeByte(byte(i)); r != '\uFFFD' {
			out = append(out, r)
		}
	}
	return out
}

// mappa1252 is the Windows-1252 code page in fpdf's map format.
func mappa1252() string {
	var b strings.Builder
	for i := range 256 {
		r := charmap.Windows1252.DecodeByte(byte(i))
		name := fmt.Sprintf("uni%04X", r)
		if r == '\uFFFD' || i < 32 {
			name = ".notdef"
		}
		fmt.Fprintf(&b, "!%02X U+%04X %s\n", i, r, name)
	}
	return b.String()
}
