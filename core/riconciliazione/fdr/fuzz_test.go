package fdr

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// FuzzLeggi: Leggi never panics, refuses with the errors it documents,
// and what it accepts is consistent (count and total) and survives a
// round trip through Scrivi.
func FuzzLeggi(f *testing.F) {
	f.Add([]byte(esempio))
	for _, r := range [][2]string{
		{"<dataOraFlusso>", "<revisioneFlusso>2</revisioneFlusso><dataOraFlusso>"},
		{"<codiceEsitoSingoloPagamento>0<", "<codiceEsitoSingoloPagamento>8<"},
		{"<singoloImportoPagato>10.00<", "<singoloImportoPagato>-10.00<"},
		{"2021-11-22T00:37:32", "2021-11-22T00:37:32.5+02:00"},
		{"<numeroTotalePagamenti>2<", "<numeroTotalePagamenti>3<"},
		{"2021-11-22T00:37:32", "0001-01-01T00:30:00+01:00"},
	} {
		f.Add([]byte(strings.Replace(esempio, r[0], r[1], 1)))
	}
	f.Add([]byte(busta("<xmlRendicontazione>" + b64(esempio) + "</xmlRendicontazione>")))
	var buf bytes.Buffer
	Scrivi(&buf, flussoDi(3, VarianteP4PA), pagamentiDi(3, VarianteP4PA))
	f.Add(buf.Bytes())
	f.Add([]byte(`<FlussoRiversamento xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/"/>`))

	f.Fuzz(func(t *testing.T, data []byte) {
		var ps []Pagamento
		fl, err := Leggi(bytes.NewReader(data), func(p Pagamento) error {
			ps = append(ps, p)
			return nil
		})
		if err != nil {
			var errs tracciato.Errori
			if !errors.As(err, &errs) && !errors.Is(err, tracciato.ErrFormato) {
				t.Fatalf("undocumented error %T: %v", err, err)
			}
			if len(errs) > tracciato.MaxErrori+1 {
				t.Fatalf("%d errors", len(errs))
			}
			return
		}
		var somma int64
		for _, p := range ps {
			somma += p.Importo
		}
		if int64(len(ps)) != fl.NumeroTotalePagamenti || somma != fl.ImportoTotale {
			t.Fatalf("accepted %d payments summing %d, header %d %d", len(ps), somma, fl.NumeroTotalePagamenti, fl.ImportoTotale)
		}
		var out bytes.Buffer
		if err := Scrivi(&out, fl, slices.Values(ps)); err != nil {
			t.Fatalf("Scrivi of an accepted flow: %v\n%+v", err, fl)
		}
		var ps2 []Pagamento
		fl2, err := Leggi(&out, func(p Pagamento) error {
			ps2 = append(ps2, p)
			return nil
		})
		if err != nil {
			t.Fatalf("reading back: %v\n%s", err, out.Bytes())
		}
		if !fl2.DataOraFlusso.Equal(fl.DataOraFlusso) {
			t.Fatalf("dataOraFlusso %v, then %v", fl.DataOraFlusso, fl2.DataOraFlusso)
		}
		fl2.DataOraFlusso = fl.DataOraFlusso
		if fl2 != fl || len(ps2) != len(ps) {
			t.Fatalf("round trip\n%+v\n%+v", fl, fl2)
		}
		for i := range ps {
			ps2[i].Riga = ps[i].Riga
			if ps2[i] != ps[i] {
				t.Fatalf("payment %d: %+v, then %+v", i, ps[i], ps2[i])
			}
		}
	})
}

// FuzzScrivi: whatever Scrivi accepts, Leggi reads back the same.
func FuzzScrivi(f *testing.F) {
	f.Add("2025-03-03BCITITMM-S0001", "Bonifico SEPA-1", "Banca & Co", "RF0123", "IUR 1", int64(1234), uint8(0), uint8(1), int64(1741000000), true)
	f.Add("X", "R", "<B>", " x", "y ", int64(-5), uint8(3), uint8(0), int64(0), false)
	f.Add("Y", "R\n2", "é\x00", "x", "\xff", int64(1e12), uint8(8), uint8(5), int64(-62135596800), true)
	f.Fuzz(func(t *testing.T, iuf, reg, den, iuv, iur string, importo int64, esito, indice uint8, secondi int64, p4pa bool) {
		v := Variante104
		if p4pa {
			v = VarianteP4PA
		}
		fl := flussoDi(1, v)
		fl.IUF, fl.IURRegolamento, fl.IstitutoMittente.Denominazione = iuf, reg, den
		fl.DataOraFlusso = time.Unix(secondi, 0)
		p := pagamentoN(1, v)
		p.IUV, p.IUR, p.Importo, p.Esito, p.Indice = iuv, iur, importo, Esito(esito), int(indice)
		fl.ImportoTotale = importo
		var out bytes.Buffer
		if Scrivi(&out, fl, slices.Values([]Pagamento{p})) != nil {
			return
		}
		var got []Pagamento
		fl2, err := Leggi(&out, func(p Pagamento) error { got = append(got, p); return nil })
		if err != nil {
			t.Fatalf("written, then refused: %v\n%s", err, out.Bytes())
		}
		if !fl2.DataOraFlusso.Equal(fl.DataOraFlusso) {
			t.Fatalf("dataOraFlusso %v, then %v", fl.DataOraFlusso, fl2.DataOraFlusso)
		}
		fl2.DataOraFlusso = fl.DataOraFlusso
		// The variant read is the narrowest: p4pa only when used.
		if v == VarianteP4PA && fl2.Variante == Variante104 {
			fl2.Variante = VarianteP4PA
		}
		got[0].Riga = 0
		if fl2 != fl || got[0] != p {
			t.Fatalf("round trip\n%+v\n%+v\n%+v\n%+v", fl, fl2, p, got[0])
		}
	})
}
