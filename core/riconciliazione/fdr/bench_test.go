package fdr

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

const benchPagamenti = 50_000

func benchFile(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := Scrivi(&buf, flussoDi(benchPagamenti, Variante104), pagamentiDi(benchPagamenti)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func report(b *testing.B, size int) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(size)*float64(b.N)/s/1e6, "MB/s")
	b.ReportMetric(float64(benchPagamenti)*float64(b.N)/s, "righe/s")
}

// BenchmarkLeggi streams the flow through Leggi.
func BenchmarkLeggi(b *testing.B) {
	data := benchFile(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := Leggi(bytes.NewReader(data), func(Pagamento) error { n++; return nil }); err != nil || n != benchPagamenti {
			b.Fatal(n, err)
		}
	}
	report(b, len(data))
}

// BenchmarkLeggiDaScrivi reads while Scrivi writes, through a pipe: the
// whole flow is never in memory.
func BenchmarkLeggiDaScrivi(b *testing.B) {
	f := flussoDi(benchPagamenti, Variante104)
	size := len(benchFile(b))
	b.ReportAllocs()
	for b.Loop() {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(Scrivi(pw, f, pagamentiDi(benchPagamenti))) }()
		if _, err := Leggi(pr, func(Pagamento) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	report(b, size)
}

// flussoIntero is the naive baseline: the whole document in one struct.
type flussoIntero struct {
	XMLName               xml.Name `xml:"http://www.digitpa.gov.it/schemas/2011/Pagamenti/ FlussoRiversamento"`
	IdentificativoFlusso  string   `xml:"identificativoFlusso"`
	NumeroTotalePagamenti int64    `xml:"numeroTotalePagamenti"`
	ImportoTotale         string   `xml:"importoTotalePagamenti"`
	Pagamenti             []struct {
		IUV    string `xml:"identificativoUnivocoVersamento"`
		IUR    string `xml:"identificativoUnivocoRiscossione"`
		Indice int    `xml:"indiceDatiSingoloPagamento"`
		Import string `xml:"singoloImportoPagato"`
		Esito  string `xml:"codiceEsitoSingoloPagamento"`
		Data   string `xml:"dataEsitoSingoloPagamento"`
	} `xml:"datiSingoliPagamenti"`
}

// BenchmarkUnmarshalIntero is the baseline: xml.Unmarshal of the whole
// file, no checks at all.
func BenchmarkUnmarshalIntero(b *testing.B) {
	data := benchFile(b)
	b.ReportAllocs()
	for b.Loop() {
		var f flussoIntero
		if err := xml.Unmarshal(data, &f); err != nil || len(f.Pagamenti) != benchPagamenti {
			b.Fatal(len(f.Pagamenti), err)
		}
	}
	report(b, len(data))
}

func BenchmarkScrivi(b *testing.B) {
	f := flussoDi(benchPagamenti, Variante104)
	var cw contaByte
	b.ReportAllocs()
	for b.Loop() {
		cw = 0
		if err := Scrivi(&cw, f, pagamentiDi(benchPagamenti)); err != nil {
			b.Fatal(err)
		}
	}
	report(b, int(cw))
}

type contaByte int

func (c *contaByte) Write(p []byte) (int, error) { *c += contaByte(len(p)); return len(p), nil }
