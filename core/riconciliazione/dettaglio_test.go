package riconciliazione

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

func codici(ee []Etichetta) []string {
	out := make([]string, len(ee))
	for i, e := range ee {
		out[i] = e.Codice
	}
	return out
}

// primaRiga is the first row of a label.
func (g *giornataTest) primaRiga(t *testing.T, classe string) store.RicRigaClasse {
	t.Helper()
	c, _ := ClasseDi(classe)
	rr, err := g.s.Elenco(context.Background(), FiltroElenco{Positive: c.Positiva, Classe: classe}, 0, 1)
	if err != nil || len(rr) == 0 {
		t.Fatalf("no %s row: %v", classe, err)
	}
	return rr[0]
}

// The detail of each kind of row gathers its sides and every label on
// them, the row's own most complete first.
func TestDettaglio(t *testing.T) {
	g := preparaGiornata(t, true)
	ctx := context.Background()

	r := g.primaRiga(t, "IUD_RT_IUF_TES")
	d, err := g.s.Dettaglio(ctx, ChiavePagamento, r.Chiave, r.IUR)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Dovuti) != 1 || d.Dovuti[0].IUV != r.Chiave || len(d.Ricevute) == 0 || d.Ricevute[0].IUR != r.IUR ||
		len(d.Righe) != 1 || len(d.Flussi) != 1 || d.Flussi[0].IUF != d.Righe[0].IUF || len(d.Movimenti) != 1 ||
		d.Movimenti[0].IUF != d.Flussi[0].IUF {
		t.Fatalf("sides of a reconciled payment: %+v", d)
	}
	if got := codici(d.Proprie()); !slices.Equal(got, []string{"IUD_RT_IUF_TES", "RT_IUF_TES", "IUD_RT_IUF", "RT_IUF"}) {
		t.Fatalf("own labels: %v", got)
	}
	if got := codici(d.Etichette); !slices.Contains(got, "IUF_TES") || !slices.Contains(got, "TES_IUF_OR_IUV") {
		t.Fatalf("labels of the flow and the movement missing: %v", got)
	}
	if d.Etichette[0].Descrizione == "" || d.StatoSegnalazione() != "" {
		t.Fatalf("%+v", d.Etichette[0])
	}

	// Reported twice: both lines.
	r = g.primaRiga(t, "DOPPI")
	d, _ = g.s.Dettaglio(ctx, ChiavePagamento, r.Chiave, r.IUR)
	if len(d.Righe) != 2 || len(d.Flussi) == 0 || !slices.Contains(codici(d.Proprie()), "DOPPI") {
		t.Fatalf("DOPPI: %d lines, %d flows, labels %v", len(d.Righe), len(d.Flussi), codici(d.Proprie()))
	}
	i := slices.IndexFunc(d.Etichette, func(e Etichetta) bool { return e.Codice == "DOPPI" })
	if d.Etichette[i].Dettaglio == "" {
		t.Fatal("DOPPI without the engine's detail")
	}

	// A debt record nobody paid.
	d, err = g.s.Dettaglio(ctx, ChiavePagamento, "01000000000009901", "")
	if err != nil || len(d.Dovuti) != 1 || len(d.Ricevute) != 0 || len(d.Righe) != 0 || codici(d.Etichette)[0] != "IUD_NO_RT" {
		t.Fatalf("IUD_NO_RT: %+v %v", d, err)
	}

	// Credited alone by /RFS/: the movement names the IUV.
	r = g.primaRiga(t, "RT_TES")
	d, _ = g.s.Dettaglio(ctx, ChiavePagamento, r.Chiave, r.IUR)
	if len(d.Movimenti) != 1 || d.Movimenti[0].IUV != r.Chiave || len(d.Flussi) != 0 {
		t.Fatalf("RT_TES: %+v", d.Movimenti)
	}

	// A flow never credited, a credited flow from its movement's side, a
	// movement naming nothing.
	r = g.primaRiga(t, "IUF_NO_TES")
	d, _ = g.s.Dettaglio(ctx, ChiaveFlusso, r.Chiave, "")
	if len(d.Flussi) != 1 || len(d.Movimenti) != 0 || codici(d.Etichette)[0] != "IUF_NO_TES" {
		t.Fatalf("IUF_NO_TES: %+v", d)
	}
	r = g.primaRiga(t, "TES_IUF_OR_IUV")
	d, _ = g.s.Dettaglio(ctx, ChiaveTesoreria, r.Chiave, "")
	if len(d.Movimenti) != 1 || len(d.Flussi)+len(d.Ricevute) == 0 || codici(d.Etichette)[0] != "TES_IUF_OR_IUV" {
		t.Fatalf("TES_IUF_OR_IUV: %+v", d)
	}
	r = g.primaRiga(t, "TES_NO_MATCH")
	d, _ = g.s.Dettaglio(ctx, ChiaveTesoreria, r.Chiave, "")
	if len(d.Movimenti) != 1 || len(d.Flussi) != 0 || len(d.Ricevute) != 0 || !slices.Equal(codici(d.Etichette), []string{"TES_NO_MATCH"}) {
		t.Fatalf("TES_NO_MATCH: %+v", d)
	}

	if _, err := g.s.Dettaglio(ctx, ChiavePagamento, "99999999999999999", "X"); !errors.Is(err, ErrRigaNonTrovata) {
		t.Fatalf("unknown payment: %v", err)
	}
	if _, err := g.s.Dettaglio(ctx, ChiaveFlusso, "NESSUNO", ""); !errors.Is(err, ErrRigaNonTrovata) {
		t.Fatalf("unknown flow: %v", err)
	}
}

// A flag, a further note and the closing are three rows of the history,
// each with who and when; a note is required to flag, and only a label
// the row carries can be flagged.
func TestSegnalazioni(t *testing.T) {
	g := preparaGiornata(t, true)
	ctx := context.Background()
	r := g.primaRiga(t, "RT_NO_IUF")
	var ve operatori.ErrValidazione
	if err := g.s.Segnala(ctx, g.op, ChiavePagamento, r.Chiave, r.IUR, "RT_NO_IUF", "  "); !errors.As(err, &ve) || ve.Campo != "Nota" {
		t.Fatalf("flag without a note: %v", err)
	}
	if err := g.s.Segnala(ctx, g.op, ChiavePagamento, r.Chiave, r.IUR, "IUF_NO_TES", "x"); !errors.As(err, &ve) || ve.Campo != "Classificazione" {
		t.Fatalf("flag of a label the row has not: %v", err)
	}
	if err := g.s.ChiudiSegnalazione(ctx, g.op, ChiavePagamento, r.Chiave, r.IUR, ""); !errors.Is(err, ErrNessunaSegnalazione) {
		t.Fatalf("closing a flag never opened: %v", err)
	}
	if err := g.s.Segnala(ctx, g.op, ChiavePagamento, r.Chiave, r.IUR, "RT_NO_IUF", "Sollecitato il PSP per la rendicontazione"); err != nil {
		t.Fatal(err)
	}
	other := operatori.Operatore{Username: "m.colombo", Ruolo: operatori.RuoloSupervisore}
	if err := g.s.Segnala(ctx, other, ChiavePagamento, r.Chiave, r.IUR, "RT_NO_IUF", "Il PSP conferma l'invio domani"); err != nil {
		t.Fatal(err)
	}
	d, _ := g.s.Dettaglio(ctx, ChiavePagamento, r.Chiave, r.IUR)
	if len(d.Segnalazioni) != 2 || d.StatoSegnalazione() != store.SegnalazioneAperta || d.Segnalazioni[0].CreataDa != "g.ferrari" ||
		d.Segnalazioni[1].CreataDa != "m.colombo" || d.Segnalazioni[0].CreataIl.IsZero() {
		t.Fatalf("history: %+v", d.Segnalazioni)
	}
	if err := g.s.ChiudiSegnalazione(ctx, g.op, ChiavePagamento, r.Chiave, r.IUR, "Rendicontato nel flusso del giorno dopo"); err != nil {
		t.Fatal(err)
	}
	if err := g.s.ChiudiSegnalazione(ctx, g.op, ChiavePagamento, r.Chiave, r.IUR, ""); !errors.Is(err, ErrNessunaSegnalazione) {
		t.Fatalf("closing twice: %v", err)
	}
	d, _ = g.s.Dettaglio(ctx, ChiavePagamento, r.Chiave, r.IUR)
	if len(d.Segnalazioni) != 3 || d.StatoSegnalazione() != store.SegnalazioneChiusa || d.Segnalazioni[2].Classe != "RT_NO_IUF" {
		t.Fatalf("after closing: %+v", d.Segnalazioni)
	}

	for _, c := range []struct {
		f    store.FiltroRicSegnalazioni
		want int
	}{
		{store.FiltroRicSegnalazioni{}, 3},
		{store.FiltroRicSegnalazioni{Stato: store.SegnalazioneChiusa}, 1},
		{store.FiltroRicSegnalazioni{Operatore: "g.ferrari"}, 2},
		{store.FiltroRicSegnalazioni{Classe: "RT_NO_IUF", Chiave: r.Chiave[:10]}, 3},
		{store.FiltroRicSegnalazioni{Classe: "DOPPI"}, 0},
		{store.FiltroRicSegnalazioni{Nota: "psp"}, 2},
		{store.FiltroRicSegnalazioni{Dal: time.Now().Add(-time.Hour), Al: time.Now().Add(time.Hour)}, 3},
		{store.FiltroRicSegnalazioni{Dal: time.Now().Add(time.Hour)}, 0},
	} {
		if n, err := g.s.ContaSegnalazioni(ctx, c.f); err != nil || n != c.want {
			t.Errorf("%+v: %d, want %d (%v)", c.f, n, c.want, err)
		}
	}
	ss, _ := g.s.Segnalazioni(ctx, store.FiltroRicSegnalazioni{}, 0, 10)
	if len(ss) != 3 || ss[0].Stato != store.SegnalazioneChiusa || ss[2].Nota != "Sollecitato il PSP per la rendicontazione" {
		t.Fatalf("newest first: %+v", ss)
	}
	if h, err := g.db.History(ctx, "ric_segnalazioni", "1"); err != nil || len(h) == 0 || h[0].Operatore != "g.ferrari" {
		t.Fatalf("audit: %+v %v", h, err)
	}
}
