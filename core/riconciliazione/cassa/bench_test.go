package cassa

import (
	"encoding/xml"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks read a generated OPI journal of CASSA_BENCH_MB megabytes
// (100 by default) through an io.Pipe from ScriviOPI, streaming with Leggi
// and, as a naive baseline, decoding the whole document into structs.
// Besides ns/op and B/op they report MB/s, righe/s and the peak of the
// live heap (picco-MB), which shows that Leggi's memory does not grow with
// the file.

func benchMB() int64 {
	if mb, err := strconv.Atoi(os.Getenv("CASSA_BENCH_MB")); err == nil && mb > 0 {
		return int64(mb)
	}
	return 100
}

// movimentiBench yields movements until the writer has written n bytes.
func movimentiBench(scritti *atomic.Int64, n int64) iter.Seq[Movimento] {
	return func(yield func(Movimento) bool) {
		for i := 1; scritti.Load() < n; i++ {
			m := movEsempio(strconv.Itoa(i), int64(100+i%100000), Eseguito)
			m.ContoEvidenza = fmt.Sprintf("%07d", i/5000)
			m.Causale = fmt.Sprintf("/PUR/LGPE-RIVERSAMENTO/URI/2024-05-06PPAYITR1XXX-S%010d", i)
			if i%50 == 0 {
				m.Operazione = Stornato
			}
			if !yield(m) {
				return
			}
		}
	}
}

type contatore struct {
	w io.Writer
	n *atomic.Int64
}

func (c contatore) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// giornaleBench is a pipe carrying a generated journal of about n bytes.
func giornaleBench(b *testing.B, n int64) (io.Reader, *atomic.Int64) {
	pr, pw := io.Pipe()
	var scritti atomic.Int64
	go func() {
		pw.CloseWithError(ScriviOPI(contatore{pw, &scritti}, "1.8", giornaleEsempio(), movimentiBench(&scritti, n)))
	}()
	return pr, &scritti
}

// picco samples the live heap until stop is closed.
func picco(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var max uint64
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			max = maxU(max, ms.HeapAlloc)
			select {
			case <-stop:
				out <- max
				return
			case <-t.C:
			}
		}
	}()
	return out
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

func misura(b *testing.B, leggiTutto func(io.Reader) (int, error)) {
	n := benchMB() << 20
	b.ReportAllocs()
	var byte_, righe int64
	var massimo uint64
	for b.Loop() {
		runtime.GC()
		r, scritti := giornaleBench(b, n)
		stop := make(chan struct{})
		p := picco(stop)
		k, err := leggiTutto(r)
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		massimo = maxU(massimo, <-p)
		byte_ += scritti.Load()
		righe += int64(k)
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(byte_)/(1<<20)/sec, "MB/s")
	b.ReportMetric(float64(righe)/sec, "righe/s")
	b.ReportMetric(float64(massimo)/(1<<20), "picco-MB")
}

func BenchmarkLeggiOPI(b *testing.B) {
	misura(b, func(r io.Reader) (int, error) {
		n := 0
		_, err := Leggi(r, func(Movimento) error { n++; return nil })
		return n, err
	})
}

// opiIngenuo is what xml.Unmarshal of the whole journal needs.
type opiIngenuo struct {
	Esercizio int `xml:"esercizio"`
	Conti     []struct {
		Conto     string `xml:"conto_evidenza"`
		Movimenti []struct {
			TipoMovimento  string `xml:"tipo_movimento"`
			TipoDocumento  string `xml:"tipo_documento"`
			TipoOperazione string `xml:"tipo_operazione"`
			Importo        string `xml:"importo"`
			Bolletta       string `xml:"numero_bolletta_quietanza"`
			DataMovimento  string `xml:"data_movimento"`
			DataValuta     string `xml:"data_valuta_ente"`
			Anagrafica     string `xml:"cliente>anagrafica_cliente"`
			Causale        string `xml:"causale"`
		} `xml:"movimento_conto_evidenza"`
	} `xml:"informazioni_conto_evidenza"`
}

func BenchmarkLeggiOPIIngenuo(b *testing.B) {
	misura(b, func(r io.Reader) (int, error) {
		data, err := io.ReadAll(r)
		if err != nil {
			return 0, err
		}
		var doc opiIngenuo
		if err := xml.Unmarshal(data, &doc); err != nil {
			return 0, err
		}
		n := 0
		for _, c := range doc.Conti {
			for _, m := range c.Movimenti {
				if m.TipoDocumento == "SOSPESO ENTRATA" {
					n++
				}
			}
		}
		return n, nil
	})
}
