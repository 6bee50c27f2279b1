package fdr

import (
	"bytes"
	"errors"
	"iter"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pagamentoN is the i-th payment (from 1) of the generated flows: every
// esito of the variant, the index sometimes omitted, revoked ones negative
// every seventh time.
func pagamentoN(i int64, variante string) Pagamento {
	esiti := []Esito{EsitoEseguito, EsitoEseguito, EsitoSenzaRPT, EsitoRevocato}
	if variante == VarianteP4PA {
		esiti = append(esiti, EsitoStandIn, EsitoStandInSenzaRPT)
	}
	p := Pagamento{
		IUV:       "RF" + strings.Repeat("0", 5) + itoa(1_000_000_000+i),
		IUR:       "IUR" + itoa(i),
		Indice:    int(i % 6), // 0: omitted
		Importo:   100 + i%99991,
		Esito:     esiti[i%int64(len(esiti))],
		DataEsito: time.Date(2025, 3, 1+int(i%28), 0, 0, 0, 0, time.UTC),
	}
	if p.Esito == EsitoRevocato && i%7 == 0 {
		p.Importo = -p.Importo
	}
	return p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func pagamentiDi(n int64, variante ...string) iter.Seq[Pagamento] {
	v := Variante104
	if len(variante) > 0 {
		v = variante[0]
	}
	return func(yield func(Pagamento) bool) {
		for i := int64(1); i <= n; i++ {
			if !yield(pagamentoN(i, v)) {
				return
			}
		}
	}
}

func flussoDi(n int64, variante string) Flusso {
	var somma int64
	for p := range pagamentiDi(n, variante) {
		somma += p.Importo
	}
	f := Flusso{
		Variante: variante, VersioneOggetto: "1.0", IUF: "2025-03-03BCITITMM-S000" + itoa(n),
		DataOraFlusso:  time.Date(2025, 3, 3, 9, 15, 0, 0, roma),
		IURRegolamento: "Bonifico SEPA-03069-A1B2C", DataRegolamento: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
		IstitutoMittente:      Istituto{"B", "BCITITMM", "Intesa Sanpaolo S.p.A."},
		BicRiversamento:       "BCITITMMXXX",
		IstitutoRicevente:     Istituto{"G", "00123450789", "Comune di Prova & Uniti <CO>"},
		NumeroTotalePagamenti: n, ImportoTotale: somma,
	}
	if variante == VarianteP4PA {
		f.Revisione = 3
	}
	return f
}

func TestScriviLeggi(t *testing.T) {
	for _, v := range []string{Variante104, VarianteP4PA} {
		f := flussoDi(500, v)
		var buf bytes.Buffer
		if err := Scrivi(&buf, f, pagamentiDi(500, v)); err != nil {
			t.Fatal(err)
		}
		next, stop := iter.Pull(pagamentiDi(500, v))
		g, err := Leggi(&buf, func(p Pagamento) error {
			w, _ := next()
			w.Riga = p.Riga
			if p != w {
				t.Fatalf("%s: read %+v, wrote %+v", v, p, w)
			}
			return nil
		})
		stop()
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if !g.DataOraFlusso.Equal(f.DataOraFlusso) {
			t.Errorf("%s: DataOraFlusso %v", v, g.DataOraFlusso)
		}
		g.DataOraFlusso = f.DataOraFlusso
		if g != f {
			t.Errorf("%s:\n got %+v\nwant %+v", v, g, f)
		}
	}
}

func TestScriviRifiuta(t *testing.T) {
	one := func(p Pagamento) iter.Seq[Pagamento] {
		return func(yield func(Pagamento) bool) { yield(p) }
	}
	ok := pagamentoN(1, Variante104)
	base := flussoDi(1, Variante104)
	for _, c := range []struct {
		nome   string
		f      func(*Flusso)
		p      func(*Pagamento)
		motivo string
	}{
		{"variante", func(f *Flusso) { f.Variante = "2.0" }, nil, `variante "2.0" sconosciuta`},
		{"IUF", func(f *Flusso) { f.IUF = "a b" }, nil, "identificativoFlusso non valido"},
		{"tipo mittente", func(f *Flusso) { f.IstitutoMittente.Tipo = "" }, nil, "tipoIdentificativoUnivoco del mittente"},
		{"ricevente", func(f *Flusso) { f.IstitutoRicevente.Tipo = "B" }, nil, "ammesso solo G"},
		{"data", func(f *Flusso) { f.DataRegolamento = time.Time{} }, nil, "dataRegolamento non valido"},
		{"stand-in in 1.0.4", nil, func(p *Pagamento) { p.Esito = EsitoStandIn }, "solo nella variante p4pa"},
		{"negativo eseguito", nil, func(p *Pagamento) { p.Importo = -p.Importo }, "ammesso solo per un pagamento revocato"},
		{"indice", nil, func(p *Pagamento) { p.Indice = 6 }, "fuori da 1..5"},
		{"numero", func(f *Flusso) { f.NumeroTotalePagamenti = 2 }, nil, "numeroTotalePagamenti 2 ma i pagamenti scritti sono 1"},
		{"somma", func(f *Flusso) { f.ImportoTotale++ }, nil, "la somma dei pagamenti scritti è"},
	} {
		f, p := base, ok
		if c.f != nil {
			c.f(&f)
		}
		if c.p != nil {
			c.p(&p)
		}
		err := Scrivi(new(bytes.Buffer), f, one(p))
		if err == nil || !strings.Contains(err.Error(), c.motivo) {
			t.Errorf("%s: %v, want …%s…", c.nome, err, c.motivo)
		}
	}
}

type guasto struct{ n int }

func (g *guasto) Write(p []byte) (int, error) {
	if g.n -= len(p); g.n < 0 {
		return 0, errors.New("disco pieno")
	}
	return len(p), nil
}

func TestScriviErroreScrittura(t *testing.T) {
	chiesti := 0
	seq := func(yield func(Pagamento) bool) {
		for p := range pagamentiDi(100_000) {
			chiesti++
			if !yield(p) {
				return
			}
		}
	}
	err := Scrivi(&guasto{n: 200 << 10}, flussoDi(100_000, Variante104), seq)
	if err == nil || err.Error() != "disco pieno" || chiesti > 5000 {
		t.Fatalf("%v after %d payments", err, chiesti)
	}
}
