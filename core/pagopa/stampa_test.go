package pagopa

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

func avvisoProva() Avviso {
	return Avviso{
		Ente: Ente{Nome: "Comune di Vimercate", CodiceFiscale: "02026620969", Settore: "Servizi scolastici",
			Info: "www.comune.vimercate.mb.it · tel. 039 66591", CBILL: "AB1CD"},
		Debitore: Debitore{Nome: "Giulia Brambilla", CodiceFiscale: "BRMGLI85M41M052S",
			Indirizzo: []string{"Via Vittorio Emanuele 12", "20871 Vimercate (MB)"}},
		Oggetto:      "Trasporto scolastico a.s. 2026/27 - quota annuale",
		Centesimi:    23450,
		Scadenza:     time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
		CodiceAvviso: CodiceAvviso(1, 123),
		ContoPostale: "1234567",
	}
}

func TestStringaQR(t *testing.T) {
	if got := StringaQR("301000000000000144", "02026620969", 23450); got != "PAGOPA|002|301000000000000144|02026620969|23450" {
		t.Fatalf("QR %q", got)
	}
}

func TestStringaDataMatrix(t *testing.T) {
	s := StringaDataMatrix(DatiPoste{CodiceAvviso: "301000000000000144", ContoPostale: "1234567", Centesimi: 23450,
		CFEnte: "02026620969", CFDebitore: "BRMGLI85M41M052S", Debitore: "Giulia Brambilla Società", Oggetto: "Trasporto scolastico"})
	if want := 13 + 20 + 14 + 12 + 4 + 3 + 11 + 16 + 40 + 110 + 12 + 1; len(s) != want {
		t.Fatalf("length %d, want %d", len(s), want)
	}
	for _, part := range []string{"codfase=NBPA;18301000000000000144", "12000001234567", "100000023450", "38961P102026620969BRMGLI85M41M052S",
		"Giulia Brambilla Societa ", "Trasporto scolastico "} {
		if !strings.Contains(s, part) {
			t.Errorf("%q lacks %q", s, part)
		}
	}
	if !strings.HasSuffix(s, strings.Repeat(" ", 12)+"A") {
		t.Errorf("end %q", s[len(s)-14:])
	}
}

// The symbol drawn on the notice decodes, with a scanner's decoder, to
// the string pagoPA expects.
func TestQRDecodes(t *testing.T) {
	want := StringaQR(CodiceAvviso(1, 123), "02026620969", 23450)
	code, err := codiceQR(want)
	if err != nil {
		t.Fatal(err)
	}
	// Render the modules as the PDF does (dark where scuro), 6 px each, with a quiet zone.
	const px, quiet = 6, 4
	n := code.Bounds().Dx()
	img := image.NewGray(image.Rect(0, 0, (n+2*quiet)*px, (n+2*quiet)*px))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := range n {
		for x := range n {
			if scuro(code, code.Bounds().Min.X+x, code.Bounds().Min.Y+y) {
				for dy := range px {
					for dx := range px {
						img.SetGray((x+quiet)*px+dx, (y+quiet)*px+dy, color.Gray{})
					}
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != want {
		t.Fatalf("decoded %q, want %q", res.GetText(), want)
	}
	if ec := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL]; ec != "M" {
		t.Errorf("error correction %v, want M", ec)
	}
}

func TestStampaAvviso(t *testing.T) {
	var buf bytes.Buffer
	if err := StampaAvviso(&buf, avvisoProva()); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatal("not a PDF")
	}
	if n := len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf, -1)); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	if n := bytes.Count(pdf, []byte("/FontFile2")); n != 2 {
		t.Errorf("%d embedded fonts, want 2 (regular and bold)", n)
	}
	if p := os.Getenv("AVVISO_PDF"); p != "" { // for a look: AVVISO_PDF=/tmp/a.pdf go test -run StampaAvviso
		os.WriteFile(p, pdf, 0o644)
	}

	bad := avvisoProva()
	bad.CodiceAvviso = "301000000000000145"
	bad.Centesimi = 0
	err := StampaAvviso(&buf, bad)
	if err == nil || !strings.Contains(err.Error(), "codice avviso: cifre di controllo errate") || !strings.Contains(err.Error(), "importo") {
		t.Fatalf("invalid notice: %v", err)
	}
}

// BenchmarkStampaAvvisi prints 1,000 notices per op, each its own PDF (as
// they are attached to e-mails): "parallelo" on every core, as the
// generation job does, next to "uno-alla-volta".
func BenchmarkStampaAvvisi(b *testing.B) {
	const n = 1000
	avvisi := make([]Avviso, n)
	for i := range avvisi {
		avvisi[i] = avvisoProva()
		avvisi[i].CodiceAvviso = CodiceAvviso(1, uint64(i+1))
		avvisi[i].Centesimi = int64(5000 + i)
	}
	run := func(b *testing.B, workers int) {
		for range b.N {
			next := make(chan Avviso)
			errs := make(chan error, workers)
			for range workers {
				go func() {
					var buf bytes.Buffer
					for a := range next {
						buf.Reset()
						if err := StampaAvviso(&buf, a); err != nil {
							errs <- err
							return
						}
					}
					errs <- nil
				}()
			}
			for _, a := range avvisi {
				next <- a
			}
			close(next)
			for range workers {
				if err := <-errs; err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "avvisi/s")
	}
	b.Run("parallelo", func(b *testing.B) { run(b, runtime.GOMAXPROCS(0)) })
	b.Run("uno-alla-volta", func(b *testing.B) { run(b, 1) })
}

// Notices are printed by several workers at once (the generation job):
// nothing the documents share may hold per-call state.
func TestStampaAvvisiInParallelo(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				a := avvisoProva()
				a.CodiceAvviso = CodiceAvviso(1, uint64(w*100+i+1))
				a.Oggetto = "Quota mensa - indennità di mora inclusa (€) n. " + fmt.Sprint(i)
				if err := StampaAvviso(io.Discard, a); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// A notice dated by Emesso prints to the same bytes every time, so the
// fingerprint registered in the protocol is the one of the file sent.
func TestStampaAvvisoRiproducibile(t *testing.T) {
	stampa := func(a Avviso) []byte {
		var b bytes.Buffer
		if err := StampaAvviso(&b, a); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a := avvisoProva()
	a.Emesso = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	first := stampa(a)
	time.Sleep(1100 * time.Millisecond) // a clock-dated PDF would differ now
	if !bytes.Equal(first, stampa(a)) {
		t.Fatal("the same notice printed twice gives different bytes")
	}
	if !bytes.Contains(first, []byte("D:20261201")) {
		t.Fatal("the PDF does not carry the issue date as its creation date")
	}
}

// The QR code of a printed notice, read back from the PDF rendered by
// poppler as a scanner would see the page, is the pagoPA string.
func TestQRDalPDF(t *testing.T) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	a := avvisoProva()
	a.ContoPostale = "" // the QR alone on the page: the reader looks for one symbol
	var buf bytes.Buffer
	if err := StampaAvviso(&buf, a); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "avviso.pdf")
	if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-r", "200", "-gray", "-png", "-singlefile", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
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
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := StringaQR(a.CodiceAvviso, a.Ente.CodiceFiscale, a.Centesimi); res.GetText() != want {
		t.Fatalf("decoded %q, want %q", res.GetText(), want)
	}
}
