package ricevute

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

const righeBench = 20000

func filePagati(b *testing.B) []byte {
	var buf bytes.Buffer
	err := ScriviPagati(&buf, func(yield func(Pagato) bool) {
		for i := range righeBench {
			if !yield(pagatoEsempio(i)) {
				return
			}
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func fileDovuti(b *testing.B) []byte {
	d := make([]Dovuto, righeBench)
	for i := range d {
		d[i] = dovutoAtteso()
		d[i].IUD = strings.Repeat("X", i%7) + d[i].IUD
	}
	return []byte(scriviDovuti(b, d))
}

// report sets the throughput metrics: MB/s (from SetBytes) and rows/s.
func report(b *testing.B, dim, righe int) {
	b.SetBytes(int64(dim))
	b.ReportAllocs()
	b.ReportMetric(float64(b.N)*float64(righe)/b.Elapsed().Seconds(), "righe/s")
}

func BenchmarkLeggiPagati(b *testing.B) {
	file := filePagati(b)
	for b.Loop() {
		n := 0
		if _, err := LeggiPagati(bytes.NewReader(file), func(Pagato) error { n++; return nil }); err != nil || n != righeBench {
			b.Fatal(n, err)
		}
	}
	report(b, len(file), righeBench)
}

// The naive baseline reads the whole file into memory first.
func BenchmarkLeggiPagatiNaiveReadAll(b *testing.B) {
	file := filePagati(b)
	for b.Loop() {
		all, err := io.ReadAll(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(all))
		r.Comma = ';'
		righe, err := r.ReadAll()
		if err != nil || len(righe) != righeBench+1 {
			b.Fatal(len(righe), err)
		}
		pagati := make([]map[string]string, 0, len(righe)-1)
		for _, riga := range righe[1:] {
			m := make(map[string]string, len(riga))
			for i, v := range riga {
				m[righe[0][i]] = strings.TrimSpace(v)
			}
			pagati = append(pagati, m)
		}
	}
	report(b, len(file), righeBench)
}

func BenchmarkScriviPagati(b *testing.B) {
	p := pagatoEsempio(0)
	var dim int
	for b.Loop() {
		w := &contaByte{}
		s := NuovoScrittorePagati(w)
		for range righeBench {
			if err := s.Scrivi(p); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Chiudi(); err != nil {
			b.Fatal(err)
		}
		dim = w.n
	}
	report(b, dim, righeBench)
}

type contaByte struct{ n int }

func (c *contaByte) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

func BenchmarkLeggiDovuti(b *testing.B) {
	file := fileDovuti(b)
	for b.Loop() {
		n := 0
		if _, err := LeggiDovuti(bytes.NewReader(file), func(Dovuto) error { n++; return nil }); err != nil || n != righeBench {
			b.Fatal(n, err)
		}
	}
	report(b, len(file), righeBench)
}

func BenchmarkLeggiDovutiNaiveReadAll(b *testing.B) {
	file := fileDovuti(b)
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(file))
		r.Comma = ';'
		if righe, err := r.ReadAll(); err != nil || len(righe) != righeBench+1 {
			b.Fatal(len(righe), err)
		}
	}
	report(b, len(file), righeBench)
}

func BenchmarkLeggiRT(b *testing.B) {
	doc := []byte(scriviRT(ricevutaEsempio(2)))
	for b.Loop() {
		if _, err := LeggiRT(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(doc), 1)
}

// The naive baseline: xml.Unmarshal of the whole document into a struct,
// with none of the checks.
func BenchmarkLeggiRTNaiveUnmarshal(b *testing.B) {
	type soggetto struct {
		Tipo   string `xml:"uniqueIdentifier>entityUniqueIdentifierType"`
		Codice string `xml:"uniqueIdentifier>entityUniqueIdentifierValue"`
		Nome   string `xml:"fullName"`
	}
	type ricevuta struct {
		IDPA    string `xml:"idPA"`
		Receipt struct {
			ReceiptID     string   `xml:"receiptId"`
			NoticeNumber  string   `xml:"noticeNumber"`
			IUV           string   `xml:"creditorReferenceId"`
			PaymentAmount string   `xml:"paymentAmount"`
			Debtor        soggetto `xml:"debtor"`
			Transfers     []struct {
				ID     int    `xml:"idTransfer"`
				Amount string `xml:"transferAmount"`
				IBAN   string `xml:"IBAN"`
			} `xml:"transferList>transfer"`
			PaymentDateTime string `xml:"paymentDateTime"`
		} `xml:"receipt"`
	}
	doc := []byte(scriviRT(ricevutaEsempio(2)))
	for b.Loop() {
		var r ricevuta
		if err := xml.Unmarshal(doc, &r); err != nil || len(r.Receipt.Transfers) != 2 {
			b.Fatal(err)
		}
	}
	report(b, len(doc), 1)
}
