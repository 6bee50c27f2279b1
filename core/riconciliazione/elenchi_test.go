package riconciliazione

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// Riconciliazione and Anomalie page label after label in display rank,
// the same rows whatever the page size; a label of the other window is
// refused by name.
func TestElenco(t *testing.T) {
	g := preparaGiornata(t, true)
	ctx := context.Background()
	st, err := g.s.Stato(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, positive := range []bool{true, false} {
		want := 0
		for _, c := range ClassiElenco(positive) {
			want += st[c.Codice]
		}
		f := FiltroElenco{Positive: positive}
		n, err := g.s.ContaElenco(ctx, f)
		if err != nil || n != want || n == 0 {
			t.Fatalf("positive=%v: %d rows, want %d (%v)", positive, n, want, err)
		}
		tutte, err := g.s.Elenco(ctx, f, 0, 1000)
		if err != nil || len(tutte) != n {
			t.Fatalf("one page: %d of %d, %v", len(tutte), n, err)
		}
		var pagine []store.RicRigaClasse
		for off := 0; off < n; off += 7 {
			p, err := g.s.Elenco(ctx, f, off, 7)
			if err != nil {
				t.Fatal(err)
			}
			pagine = append(pagine, p...)
		}
		if len(pagine) != n {
			t.Fatalf("pages of 7: %d rows of %d", len(pagine), n)
		}
		for i := range tutte {
			if tutte[i].Classe != pagine[i].Classe || tutte[i].Chiave != pagine[i].Chiave || tutte[i].IUR != pagine[i].IUR {
				t.Fatalf("row %d: %+v in one page, %+v in pages of 7", i, tutte[i], pagine[i])
			}
			if c, _ := ClasseDi(tutte[i].Classe); c.Positiva != positive {
				t.Fatalf("row %d: label %s in the wrong window", i, c.Codice)
			}
			if i > 0 && Rango(tutte[i].Classe) < Rango(tutte[i-1].Classe) {
				t.Fatalf("row %d: %s after %s", i, tutte[i].Classe, tutte[i-1].Classe)
			}
		}
		if positive && tutte[0].Classe != "IUD_RT_IUF_TES" {
			t.Fatalf("first row: %s", tutte[0].Classe)
		}
	}
	if n, _ := g.s.ContaElenco(ctx, FiltroElenco{Classe: "DOPPI"}); n != 1 {
		t.Fatalf("DOPPI: %d", n)
	}
	if n, _ := g.s.ContaElenco(ctx, FiltroElenco{Tipo: ChiaveTesoreria}); n != 3 {
		t.Fatalf("treasury anomalies: %d", n)
	}
	// A key prefix: the rows of that IUV only, in each label it has.
	primo, _ := g.s.Elenco(ctx, FiltroElenco{Positive: true, Classe: "IUD_RT_IUF_TES"}, 0, 1)
	f := FiltroElenco{Positive: true, Chiave: primo[0].Chiave}
	n, _ := g.s.ContaElenco(ctx, f)
	righe, _ := g.s.Elenco(ctx, f, 0, 100)
	if n != 4 || len(righe) != 4 {
		t.Fatalf("IUV %s: %d rows (%+v), want its four labels", primo[0].Chiave, n, righe)
	}
	for _, r := range righe {
		if r.Chiave != primo[0].Chiave {
			t.Fatalf("prefix %s gave %s", primo[0].Chiave, r.Chiave)
		}
	}
	var ve operatori.ErrValidazione
	if _, err := g.s.ContaElenco(ctx, FiltroElenco{Classe: "IUD_RT_IUF_TES"}); !errors.As(err, &ve) || ve.Campo != "Classificazione" {
		t.Fatalf("a positive label among the anomalies: %v", err)
	}
}

// The lists of the imported sides: counts, filters, labels, a flow's lines.
func TestElenchiLati(t *testing.T) {
	g := preparaGiornata(t, true)
	ctx := context.Background()
	conta := func(q string) int {
		var n int
		if err := g.db.Reader().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	nRT := conta(`SELECT COUNT(*) FROM ric_rt`)
	if n, err := g.s.ContaRicevute(ctx, store.FiltroRicRicevute{}); err != nil || n != nRT || n < 30 {
		t.Fatalf("receipts: %d of %d, %v", n, nRT, err)
	}
	if n, _ := g.s.ContaRicevute(ctx, store.FiltroRicRicevute{Dal: "2026-11-20", Al: "2026-11-20"}); n != nRT {
		t.Fatalf("paid on the day: %d of %d", n, nRT)
	}
	if n, _ := g.s.ContaRicevute(ctx, store.FiltroRicRicevute{Dal: "2026-11-21"}); n != 0 {
		t.Fatalf("paid after the day: %d", n)
	}
	var ve operatori.ErrValidazione
	if _, err := g.s.ContaRicevute(ctx, store.FiltroRicRicevute{Dal: "2026-11-21", Al: "2026-11-20"}); !errors.As(err, &ve) || ve.Campo != "Data al" {
		t.Fatalf("inverted period: %v", err)
	}
	rr, err := g.s.Ricevute(ctx, store.FiltroRicRicevute{}, 0, 5)
	if err != nil || len(rr) != 5 || rr[0].Fonte.File == "" || rr[0].Fonte.ImportatoIl.IsZero() {
		t.Fatalf("first receipts: %+v %v", rr, err)
	}
	if slices.IndexFunc(rr, func(r store.RicRicevutaRiga) bool { return r.Classi != "" }) < 0 {
		t.Fatalf("no labels on the receipts: %+v", rr)
	}
	uno, _ := g.s.Ricevute(ctx, store.FiltroRicRicevute{IUV: rr[0].IUV[:12]}, 0, 50)
	for _, r := range uno {
		if !strings.HasPrefix(r.IUV, rr[0].IUV[:12]) {
			t.Fatalf("IUV prefix %s gave %s", rr[0].IUV[:12], r.IUV)
		}
	}
	rossi, _ := g.s.ContaRicevute(ctx, store.FiltroRicRicevute{Pagatore: "rossi"})
	cf, _ := g.s.ContaRicevute(ctx, store.FiltroRicRicevute{Pagatore: "rssmra80a01f205x"})
	if rossi < 25 || rossi >= nRT || cf != rossi {
		t.Fatalf("payer: %d by name, %d by fiscal code, of %d", rossi, cf, nRT)
	}

	if n, err := g.s.ContaFlussi(ctx, store.FiltroRicFlussi{}); err != nil || n != len(g.es.Flussi) {
		t.Fatalf("flows: %d of %d, %v", n, len(g.es.Flussi), err)
	}
	ff, _ := g.s.Flussi(ctx, store.FiltroRicFlussi{}, 0, 100)
	var senzaTes int
	for _, f := range ff {
		if f.Classi == "" || f.NPagamenti == 0 || f.Fonte.File == "" {
			t.Fatalf("flow %+v", f)
		}
		if f.Classi == "IUF_NO_TES" {
			senzaTes++
		}
	}
	if senzaTes != 1 {
		t.Fatalf("flows without credit: %d", senzaTes)
	}
	if n, _ := g.s.ContaFlussi(ctx, store.FiltroRicFlussi{PSP: "poste"}); n == 0 || n == len(ff) {
		t.Fatalf("flows of Poste: %d of %d", n, len(ff))
	}
	righe, _ := g.s.RigheFlusso(ctx, ff[0].IUF, 0, 1000)
	if n, _ := g.s.ContaRigheFlusso(ctx, ff[0].IUF); n != ff[0].NPagamenti || len(righe) != n || righe[0].N != 1 || righe[n-1].N != n {
		t.Fatalf("lines of %s: %d, header says %d", ff[0].IUF, n, ff[0].NPagamenti)
	}

	nTes := conta(`SELECT COUNT(*) FROM ric_tesoreria`)
	if n, err := g.s.ContaMovimenti(ctx, store.FiltroRicMovimenti{}); err != nil || n != nTes || n < 5 {
		t.Fatalf("movements: %d of %d, %v", n, nTes, err)
	}
	mm, _ := g.s.Movimenti(ctx, store.FiltroRicMovimenti{}, 0, 100)
	if n, _ := g.s.ContaMovimenti(ctx, store.FiltroRicMovimenti{Bolletta: mm[0].Bolletta}); n != 1 {
		t.Fatalf("bolletta %s: %d", mm[0].Bolletta, n)
	}
	conFlusso := 0
	for _, m := range mm {
		if m.IUF != "" {
			conFlusso++
		}
	}
	if n, _ := g.s.ContaMovimenti(ctx, store.FiltroRicMovimenti{Causale: "riversamento"}); n < conFlusso-2 || n == 0 {
		t.Fatalf("causale with RIVERSAMENTO: %d, credits naming a flow %d", n, conFlusso)
	}
}
