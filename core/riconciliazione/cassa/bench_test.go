package cassa

import (
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/ingenuo"
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

func BenchmarkLeggiOPIIngenuo(b *testing.B) {
	misura(b, func(r io.Reader) (int, error) {
		data, err := io.ReadAll(r)
		if err != nil {
			return 0, err
		}
		movimenti, err := ingenuo.GiornaleOPI(data)
		n := 0
		for _, m := range movimenti {
			if m.TipoDocumento == "SOSPESO ENTRATA" {
				n++
			}
		}
		return n, err
	})
}
