package pagopa

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

// caratteri are the notice's fonts prepared once per process: fpdf's
// UTF-8 fonts are parsed, identified (by JSON-encoding the parsed font)
// and subset again for every document, two thirds of the time of a
// notice. Windows-1252 definitions made once with fpdf's MakeFont (they
// cover Italian, the euro sign and typographic quotes) make a document
// copy an already-compressed font instead.
type caratteri struct {
	regular, bold [2][]byte // definition (JSON) and compressed font file
	translate     func(string) string
	err           error
}

var (
	caratteriOnce sync.Once
	caratteriPDF  caratteri
)

func font1252() *caratteri {
	caratteriOnce.Do(func() { caratteriPDF = preparaCaratteri() })
	return &caratteriPDF
}

func preparaCaratteri() (c caratteri) {
	dir, err := os.MkdirTemp("", "sportello-font-")
	if err != nil {
		c.err = err
		return
	}
	defer os.RemoveAll(dir)
	mappa := mappa1252()
	mapPath := filepath.Join(dir, "cp1252.map")
	if c.err = os.WriteFile(mapPath, []byte(mappa), 0o600); c.err != nil {
		return
	}
	for _, f := range []struct {
		name string
		ttf  []byte
		dst  *[2][]byte
	}{{"goregular", goregular.TTF, &c.regular}, {"gobold", gobold.TTF, &c.bold}} {
		ttf := filepath.Join(dir, f.name+".ttf")
		if c.err = os.WriteFile(ttf, f.ttf, 0o600); c.err != nil {
			return
		}
		if c.err = fpdf.MakeFont(ttf, mapPath, dir, nil, true); c.err != nil {
			return
		}
		if f.dst[0], c.err = os.ReadFile(filepath.Join(dir, f.name+".json")); c.err != nil {
			return
		}
		if f.dst[1], c.err = os.ReadFile(filepath.Join(dir, f.name+".z")); c.err != nil {
			return
		}
	}
	c.translate = traduttore1252()
	return c
}

// traduttore1252 turns UTF-8 text into the fonts' Windows-1252 bytes
// (characters outside it become "?"). Its table is read-only, so one
// translator serves every goroutine; fpdf's own keeps a buffer inside and
// must not be shared.
func traduttore1252() func(string) string {
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
			case r < 32:
				b = append(b, byte(r))
			default:
				b = append(b, '?')
			}
		}
		return string(b)
	}
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
