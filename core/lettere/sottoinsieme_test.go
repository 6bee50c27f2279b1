package lettere

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/internal/pdfcaratteri"
)

// The reduced fonts draw every Windows-1252 character exactly as the
// whole fonts do: a page of all of them, regular and bold, rendered by
// poppler's pdftoppm, is the same pixel for pixel.
func TestSottoinsiemeStessiGlifi(t *testing.T) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	var tutti strings.Builder
	for i, r := range pdfcaratteri.Runes1252() {
		tutti.WriteRune(r)
		if i%40 == 39 {
			tutti.WriteByte('\n')
		}
	}
	l := letteraProva(t)
	l.Oggetto = strings.ReplaceAll(tutti.String(), "\n", " ")
	l.Testo = tutti.String()
	l.Destinatario.Nome = tutti.String()[:60]
	pagina := func(c *pdfcaratteri.Caratteri, err error) image.Image {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := stampa(&buf, l, c, nil); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		in := filepath.Join(dir, "l.pdf")
		os.WriteFile(in, buf.Bytes(), 0o600)
		if out, err := exec.Command(bin, "-r", "150", "-png", "-singlefile", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		f, err := os.Open(filepath.Join(dir, "p.png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	ridotti, err := pdfcaratteri.Prepara(true)
	if err != nil {
		t.Fatal(err)
	}
	interi, err := pdfcaratteri.Prepara(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ridotti.Regular[1]) >= len(interi.Regular[1])*6/10 {
		t.Errorf("reduced font %d bytes, whole %d", len(ridotti.Regular[1]), len(interi.Regular[1]))
	}
	a, b := pagina(ridotti, nil), pagina(interi, nil)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("sizes %v %v", a.Bounds(), b.Bounds())
	}
	diversi, scuri := 0, 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				diversi++
			}
			if r1 < 0x8000 {
				scuri++
			}
		}
	}
	if diversi > 0 || scuri < 10000 {
		t.Fatalf("%d pixels differ (%d dark)", diversi, scuri)
	}
}
