package lettere

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/sportello/sportello/core/internal/pdfcaratteri"
)

func letteraProva(t testing.TB) Lettera {
	t.Helper()
	d := datiProva()
	d.Ente.Indirizzo = "Piazza Unità d'Italia 1, 20871 Vimercate (MB)"
	d.Ente.PEC = "protocollo.comune.vimercate@pec.regione.lombardia.it"
	l, err := Prepara(ModelloPredefinito(), d)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func stampaBytes(t testing.TB, l Lettera) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := StampaLettera(&buf, l); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatal("not a PDF")
	}
	if p := os.Getenv("LETTERA_PDF"); p != "" { // for a look: LETTERA_PDF=/tmp/l.pdf go test -run StampaLettera
		os.WriteFile(p, pdf, 0o644)
	}
	return pdf
}

func pagine(pdf []byte) int { return len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf, -1)) }

// testoPDF extracts the text with poppler's pdftotext, as a reader would
// copy it; the test is skipped where poppler-utils is not installed.
func testoPDF(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	in := filepath.Join(t.TempDir(), "lettera.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestPrepara(t *testing.T) {
	l := letteraProva(t)
	if l.Destinatario.PEC != "niccolo.brambilla@pec.it" || l.Destinatario.Email != "" || l.Firma != FirmaPredefinita ||
		l.Oggetto != "Avviso di pagamento pagoPA – Trasporto scolastico" || l.Data.Format("02/01/2006") != "01/12/2026" {
		t.Fatalf("%+v", l)
	}
	d := datiProva()
	d.IndirizzoPec, d.Spedizione = "niccolo@example.it", ""
	m := ModelloPredefinito()
	m.Firma = "Il Responsabile dei {{TipoDovuto}}\nDott.ssa Maria Rossi"
	if l, _ := Prepara(m, d); l.Destinatario.Email != "niccolo@example.it" || l.Firma != "Il Responsabile dei Trasporto scolastico\nDott.ssa Maria Rossi" {
		t.Fatalf("%+v", l)
	}
	d.Spedizione = "PEC"
	if l, _ := Prepara(m, d); l.Destinatario.PEC != "niccolo@example.it" {
		t.Fatalf("%+v", l.Destinatario)
	}
	m.Testo = "{{Impoto}}"
	if _, err := Prepara(m, d); err == nil || !strings.Contains(err.Error(), "{{Impoto}} (forse {{Importo}}?)") {
		t.Fatalf("%v", err)
	}
}

func TestStampaLettera(t *testing.T) {
	pdf := stampaBytes(t, letteraProva(t))
	if n := pagine(pdf); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	if n := bytes.Count(pdf, []byte("/FontFile2")); n != 2 {
		t.Errorf("%d embedded fonts, want 2 (regular and bold)", n)
	}
	txt := testoPDF(t, pdf)
	for _, s := range []string{
		"Comune di Vimercate", "Servizi scolastici", "Piazza Unità d'Italia 1", "C.F. 02026620969",
		"PEC protocollo.comune.vimercate@pec.regione.lombardia.it",
		"Prot. n. 2026/0000123 del 01/12/2026",
		"Niccolò Brambilla", "Via Vittorio Emanuele 12", "20871 Vimercate (MB)", "PEC: niccolo.brambilla@pec.it",
		"Vimercate, 01/12/2026",
		"Oggetto: Avviso di pagamento pagoPA – Trasporto scolastico",
		"Gentile Niccolò Brambilla,", "1.234,50 €", "31/01/2027", "3010 0000 0000 0123 73",
		"Può pagare", "«pagoPA»", "• con l'app IO;", "è la prova",
		"Il Responsabile del servizio",
	} {
		if !strings.Contains(txt, s) {
			t.Errorf("the PDF's text lacks %q", s)
		}
	}
	if strings.Contains(txt, "Pagina") {
		t.Error("a one-page letter is numbered")
	}
	if t.Failed() {
		t.Logf("text:\n%s", txt)
	}
}

func TestStampaLetteraSenzaProtocollo(t *testing.T) {
	d := datiProva()
	d.NumeroProtocollo = ""
	d.IndirizzoPec, d.Spedizione = "niccolo@example.it", "EMAIL"
	l, err := Prepara(ModelloPredefinito(), d)
	if err != nil {
		t.Fatal(err)
	}
	txt := testoPDF(t, stampaBytes(t, l))
	if strings.Contains(txt, "Prot.") || strings.Contains(txt, "protocollo") {
		t.Errorf("protocol printed for a letter without one:\n%s", txt)
	}
	if !strings.Contains(txt, "E-mail: niccolo@example.it") {
		t.Errorf("no e-mail address:\n%s", txt)
	}
}

// A long body flows over pages, numbered "Pagina N di M", with the
// signature after the last paragraph.
func TestStampaLetteraPiuPagine(t *testing.T) {
	l := letteraProva(t)
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "Paragrafo %d: la quota è dovuta per l'anno scolastico in corso e comprende il servizio di andata e ritorno.\n", i+1)
		if i%10 == 9 {
			b.WriteString("\n- una voce d'elenco piuttosto lunga, che va a capo su più righe perché descrive per intero le modalità di pagamento\n\n")
		}
	}
	b.WriteString("Ultimo paragrafo.")
	l.Testo = b.String()
	l.Firma = "Il Responsabile del servizio\nDott.ssa Maria Rossi"
	pdf := stampaBytes(t, l)
	n := pagine(pdf)
	if n < 3 {
		t.Fatalf("%d pages for 60 paragraphs", n)
	}
	txt := testoPDF(t, pdf)
	pages := strings.Split(txt, "\f")
	for i := range n {
		if want := fmt.Sprintf("Pagina %d di %d", i+1, n); !strings.Contains(pages[i], want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
	last := pages[n-1]
	if !strings.Contains(last, "Paragrafo 60") || !strings.Contains(last, "Ultimo paragrafo.") ||
		!strings.Contains(last, "Dott.ssa Maria Rossi") || strings.Index(last, "Ultimo paragrafo.") > strings.Index(last, "Il Responsabile") {
		t.Errorf("last page:\n%s", last)
	}
	for i := 1; i <= 60; i++ {
		if !strings.Contains(txt, fmt.Sprintf("Paragrafo %d:", i)) {
			t.Errorf("paragraph %d lost", i)
		}
	}
}

// The signature never splits from its lines: with the body ending at the
// bottom of a page, it moves whole to the next.
func TestStampaLetteraFirmaIntera(t *testing.T) {
	for righe := 20; righe < 45; righe++ {
		l := letteraProva(t)
		l.Testo = strings.Repeat("Riga di testo.\n", righe)
		l.Firma = "Il Responsabile del servizio\nDott.ssa Maria Rossi\n(firmato digitalmente)"
		pdf := stampaBytes(t, l)
		txt := testoPDF(t, pdf)
		pages := strings.Split(txt, "\f")
		for _, p := range pages {
			if strings.Contains(p, "Il Responsabile") != strings.Contains(p, "(firmato digitalmente)") {
				t.Fatalf("%d lines: signature split across pages:\n%s", righe, txt)
			}
		}
	}
}

func TestStampaLetteraValida(t *testing.T) {
	err := StampaLettera(io.Discard, Lettera{Testo: "x"})
	if err == nil || !strings.Contains(err.Error(), "ente: denominazione obbligatoria") ||
		!strings.Contains(err.Error(), "destinatario: nome obbligatorio") || !strings.Contains(err.Error(), "oggetto: obbligatorio") {
		t.Fatalf("%v", err)
	}
}

// Letters are printed by several workers at once: nothing they share may
// hold per-call state.
func TestStampaLettereInParallelo(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				l := letteraProva(t)
				l.Destinatario.Nome = fmt.Sprintf("Società «Verdi» n. %d-%d", w, i)
				if err := StampaLettera(io.Discard, l); err != nil {
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

// BenchmarkStampaLettera prints 1,000 letters per op, each its own PDF:
// with the fonts prepared once (StampaLettera), next to two naive
// baselines: preparing the Windows-1252 fonts again for every letter, and
// fpdf's UTF-8 fonts (parsed and subset for every document). "parallelo"
// uses every core, as a sending job would.
func BenchmarkStampaLettera(b *testing.B) {
	const n = 1000
	lettere := make([]Lettera, n)
	for i := range lettere {
		d := datiProva()
		d.Intestazione = fmt.Sprintf("Niccolò Brambilla %d", i)
		d.Centesimi = int64(5000 + i)
		l, err := Prepara(ModelloPredefinito(), d)
		if err != nil {
			b.Fatal(err)
		}
		lettere[i] = l
	}
	run := func(b *testing.B, workers int, stampa func(io.Writer, Lettera) error) {
		var size int
		for range b.N {
			next := make(chan Lettera)
			errs := make(chan error, workers)
			for range workers {
				go func() {
					var buf bytes.Buffer
					for l := range next {
						buf.Reset()
						if err := stampa(&buf, l); err != nil {
							errs <- err
							return
						}
						size = buf.Len()
					}
					errs <- nil
				}()
			}
			for _, l := range lettere {
				next <- l
			}
			close(next)
			for range workers {
				if err := <-errs; err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lettere/s")
		b.ReportMetric(float64(size)/1024, "KiB/lettera")
	}
	ogniVolta := func(w io.Writer, l Lettera) error {
		c, err := pdfcaratteri.Prepara(true)
		if err != nil {
			return err
		}
		return stampa(w, l, c, nil)
	}
	procs := runtime.GOMAXPROCS(0)
	b.Run("font-una-volta/uno-alla-volta", func(b *testing.B) { run(b, 1, StampaLettera) })
	b.Run("font-una-volta/parallelo", func(b *testing.B) { run(b, procs, StampaLettera) })
	b.Run("font-ogni-volta/uno-alla-volta", func(b *testing.B) { run(b, 1, ogniVolta) })
	b.Run("font-ogni-volta/parallelo", func(b *testing.B) { run(b, procs, ogniVolta) })
	b.Run("utf8-fpdf/uno-alla-volta", func(b *testing.B) { run(b, 1, stampaUTF8) })
}

// stampaUTF8 is the letter with fpdf's own UTF-8 fonts: the baseline a
// first version would write.
func stampaUTF8(w io.Writer, l Lettera) error {
	return stampaCon(w, l, func(p *fpdf.Fpdf) func(string) string {
		p.AddUTF8FontFromBytes(font, "", goregular.TTF)
		p.AddUTF8FontFromBytes(font, "B", gobold.TTF)
		return func(s string) string { return s }
	}, nil)
}
