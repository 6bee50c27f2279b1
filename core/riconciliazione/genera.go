package riconciliazione

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/sportello/sportello/store"
)

// Genera fills the reconciliation tables with a synthetic population, the
// same for the same n and seed, for benchmarks and demos: about n receipts
// and n reporting lines over n/50 flows, the flows credited in treasury
// (about n/50 movements), with a few per cent of each anomaly. It goes
// through the store's insert methods, as the importers do; the
// classification is left to Esegui.
func Genera(ctx context.Context, db *store.DB, n int, seed uint64) error {
	g := &generatore{n: n, seed: seed}
	return db.WriteMassivo(ctx, "riconciliazione.Genera", func(tx *store.Tx) error { return g.genera(ctx, tx) })
}

// The kind of payment i, from h(i) % 1000.
const (
	gRTNoIUF       = 20  // [0, 20): receipt, not reported
	gRTTes         = 21  // [20, 21): receipt credited by a single-payment movement
	gNoIUD         = 51  // [21, 51): receipt with no debt record
	gDoppiaRT      = 61  // [51, 61): a second receipt with another IUR
	gDoppioIUF     = 66  // [61, 66): reported twice
	gRevocato      = 71  // [66, 71): reported, then revoked
	gRiproposto    = 76  // [71, 76): reported, revoked, reported again
	gSenzaIUD      = 96  // [76, 96): receipt without IUD, debt record found on the IUV
	gKO            = 106 // [96, 106): negative receipt only
	righePerFlusso = 50
)

type generatore struct {
	n    int
	seed uint64
	tx   *store.Tx
	file map[string]int64

	rt  []store.RicRicevuta
	dov []store.RicDovuto
	mov []store.RicMovimento

	righe  []store.RicPagamento // the flow being filled
	attesa []rigaInAttesa       // lines due in a later flow
	emesse int                  // lines emitted so far
	flussi int
	nMov   int
}

type rigaInAttesa struct {
	dopo int // emit once this many lines are out
	r    store.RicPagamento
}

// h is splitmix64 of the seed and x: the generator's only randomness.
func (g *generatore) h(x uint64) uint64 {
	z := g.seed*0x9e3779b97f4a7c15 + x + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// seq is the issue number of payment i: payments come in the order they
// are paid, which shuffles the notices issued together (a block of 16,384)
// but keeps the blocks in order, as an ente's IUVs grow with time.
func (g *generatore) seq(i int) uint64 {
	const bits, mask = 14, 1<<14 - 1
	x := uint64(i) & mask
	x = (x*0x5851f42d4c957f2d + g.seed) & mask // bijections on 14 bits
	x ^= x >> 7
	x = x * 0x14057b7ef767814f & mask
	return uint64(i)>>bits<<bits | x
}

// iuv is a 17-digit IUV, unique for each i.
func (g *generatore) iuv(i int) string { return fmt.Sprintf("%02d%015d", g.seed%90, g.seq(i)) }

func (g *generatore) iud(i int) string { return fmt.Sprintf("IUD%012d", g.seq(i)) }

func (g *generatore) iur(i int) string { return fmt.Sprintf("R%012d", i) }

func (g *generatore) importo(i int) int64 { return 100 + int64(g.h(uint64(i)<<1)%50_000) }

func (g *generatore) data(i int) string {
	d := g.h(uint64(i)<<2) % 365
	return fmt.Sprintf("2024-%02d-%02d", 1+d/31%12, 1+d%28)
}

var tipiDovuto = []string{"TARI", "MENSA", "CIE", "TRASPORTO", "SANZIONI_CDS", "OSAP"}

func (g *generatore) ricevuta(i int, iur, iud, esito string) store.RicRicevuta {
	tipo := tipiDovuto[g.h(uint64(i)<<3)%uint64(len(tipiDovuto))]
	iuv := g.iuv(i)
	return store.RicRicevuta{IUV: iuv, IUR: iur, Indice: 1, IUD: iud, CFEnte: "00000000001", Importo: g.importo(i), Esito: esito,
		DataEsito: g.data(i), CFPagatore: fmt.Sprintf("RSSMRA80A01H501%c", 'A'+i%26), Pagatore: fmt.Sprintf("ROSSI MARIO %d", i),
		PSP: "BCITITMM", TipoDovuto: tipo, Causale: "/RFB/" + iuv + "/" + fmt.Sprint(g.importo(i)) + "/TXT/" + tipo + " 2024"}
}

func (g *generatore) dovuto(i int, iud string) store.RicDovuto {
	tipo := tipiDovuto[g.h(uint64(i)<<3)%uint64(len(tipiDovuto))]
	return store.RicDovuto{IUD: iud, IUV: g.iuv(i), Importo: g.importo(i), TipoDovuto: tipo,
		CF: fmt.Sprintf("RSSMRA80A01H501%c", 'A'+i%26), Anagrafica: fmt.Sprintf("ROSSI MARIO %d", i), Causale: tipo + " 2024",
		Ufficio: "TRIBUTI", Capitolo: fmt.Sprint(1000 + i%7), Accertamento: fmt.Sprint(2024_000 + i%13), Scadenza: "2024-06-30", Fonte: "CSV"}
}

func (g *generatore) riga(i int, iur string, importo int64, esito int) store.RicPagamento {
	return store.RicPagamento{IUV: g.iuv(i), IUR: iur, Indice: 1, Importo: importo, Esito: esito, DataEsito: g.data(i)}
}

func (g *generatore) genera(ctx context.Context, tx *store.Tx) error {
	g.tx, g.file = tx, map[string]int64{}
	for _, tipo := range []string{"RT", "FDR", "CASSA", "DOVUTI"} {
		id, err := tx.InsertRicFile(ctx, store.RicFile{Tipo: tipo, Nome: fmt.Sprintf("genera-%s-%d-%d", tipo, g.n, g.seed),
			SHA256: fmt.Sprintf("%x", sha256.Sum256(fmt.Appendf(nil, "genera %s %d %d", tipo, g.n, g.seed))), Formato: "GENERA"})
		if err != nil {
			return err
		}
		g.file[tipo] = id
	}
	for i := range g.n {
		if err := g.pagamento(ctx, i); err != nil {
			return err
		}
	}
	// Debt records never paid, and payments reported with no receipt.
	extra := max(1, g.n/50)
	for i := g.n; i < g.n+extra; i++ {
		g.dov = append(g.dov, g.dovuto(i, g.iud(i)))
	}
	for i := g.n + extra; i < g.n+2*extra; i++ {
		if err := g.emetti(ctx, g.riga(i, g.iur(i), g.importo(i), 0)); err != nil {
			return err
		}
	}
	rest := g.attesa
	g.attesa = nil
	for _, a := range rest {
		if err := g.emetti(ctx, a.r); err != nil {
			return err
		}
	}
	if err := g.chiudiFlusso(ctx); err != nil {
		return err
	}
	// Movements naming nothing, an unknown flow, an unknown IUV.
	for k := range max(1, g.n/5000) {
		g.movimento(fmt.Sprintf("BONIFICO DA ROSSI MARIO RIF %d", k), "", "", 5000+int64(k), false, 0)
		g.movimento("/PUR/LGPE-RIVERSAMENTO/URI/2023-12-31ABI99999-X"+fmt.Sprint(k), "2023-12-31ABI99999-X"+fmt.Sprint(k), "", 7000, false, 0)
	}
	for k := range max(1, g.n/10000) {
		iuv := fmt.Sprintf("99%015d", k) // g.iuv begins with 00 to 89
		g.movimento("/RFS/"+iuv+"/12.00", "", iuv, 1200, true, 1200)
	}
	return g.scarica(ctx, true)
}

func (g *generatore) pagamento(ctx context.Context, i int) error {
	kind := g.h(uint64(i)) % 1000
	if inizi := []uint64{0, gRTNoIUF, gRTTes, gNoIUD, gDoppiaRT, gDoppioIUF, gRevocato, gRiproposto, gSenzaIUD, gKO}; i < len(inizi) {
		kind = inizi[i] // every kind at least once, however small n
	}
	iur, iud := g.iur(i), g.iud(i)
	imp := g.importo(i)
	switch {
	case kind < gRTNoIUF:
		g.rt = append(g.rt, g.ricevuta(i, iur, iud, "OK"))
		g.dov = append(g.dov, g.dovuto(i, iud))
	case kind < gRTTes:
		g.rt = append(g.rt, g.ricevuta(i, iur, iud, "OK"))
		g.dov = append(g.dov, g.dovuto(i, iud))
		g.movimento(fmt.Sprintf("/RFS/%s/%d.%02d", g.iuv(i), imp/100, imp%100), "", g.iuv(i), imp, true, imp)
	case kind < gNoIUD:
		if kind%2 == 0 {
			iud = ""
		}
		g.rt = append(g.rt, g.ricevuta(i, iur, iud, "OK"))
		return g.emetti(ctx, g.riga(i, iur, imp, 0))
	case kind < gDoppiaRT:
		g.rt = append(g.rt, g.ricevuta(i, iur, iud, "OK"), g.ricevuta(i, iur+"B", iud, "OK"))
		g.dov = append(g.dov, g.dovuto(i, iud))
		return g.emetti(ctx, g.riga(i, iur, imp, 0))
	case kind < gDoppioIUF:
		g.rt = append(g.rt, g.ricevuta(i, iur, iud, "OK"))
		g.dov = append(g.dov, g.dovuto(i, iud))
		g.rinvia(g.riga(i, iur, imp, 0), 120)
		return g.emetti(ctx, g.riga(i, iur, imp, 0))
	case kind < gRiproposto:
		g.rt = append(g.rt, g.ricevuta(i, iur, iud, "OK"))
		g.dov = append(g.dov, g.dovuto(i, iud))
		g.rinvia(g.riga(i, iur, -imp, 3), 80)
		if kind >= gRevocato {
			g.rinvia(g.riga(i, iur, imp, 4), 160)
		}
		return g.emetti(ctx, g.riga(i, iur, imp, 0))
	case kind < gSenzaIUD:
		g.rt = append(g.rt, g.ricevuta(i, iur, "", "OK"))
		g.dov = append(g.dov, g.dovuto(i, iud))
		return g.emetti(ctx, g.riga(i, iur, imp, 0))
	case kind < gKO:
		g.rt = append(g.rt, g.ricevuta(i, "", iud, "KO"))
		g.dov = append(g.dov, g.dovuto(i, iud))
	default:
		g.rt = append(g.rt, g.ricevuta(i, iur, iud, "OK"))
		g.dov = append(g.dov, g.dovuto(i, iud))
		return g.emetti(ctx, g.riga(i, iur, imp, 0))
	}
	return g.scarica(ctx, false)
}

// rinvia keeps a line for a flow some lines later.
func (g *generatore) rinvia(r store.RicPagamento, dopo int) {
	g.attesa = append(g.attesa, rigaInAttesa{g.emesse + dopo, r})
}

// emetti adds a line to the current flow, closing it when full, after the
// lines now due.
func (g *generatore) emetti(ctx context.Context, r store.RicPagamento) error {
	for len(g.attesa) > 0 && g.attesa[0].dopo <= g.emesse {
		g.righe = append(g.righe, g.attesa[0].r)
		g.attesa = g.attesa[1:]
		g.emesse++
	}
	g.righe = append(g.righe, r)
	g.emesse++
	if len(g.righe) >= righePerFlusso {
		if err := g.chiudiFlusso(ctx); err != nil {
			return err
		}
	}
	return g.scarica(ctx, false)
}

func (g *generatore) chiudiFlusso(ctx context.Context) error {
	if len(g.righe) == 0 {
		return nil
	}
	k := g.flussi
	g.flussi++
	var tot int64
	for _, r := range g.righe {
		tot += r.Importo
	}
	data := g.data(k)
	f := store.RicFlusso{IUF: fmt.Sprintf("%sBCITITMM-S%08d", data, k), DataFlusso: data + "T08:00:00", IURRegolamento: fmt.Sprintf("SCT%012d", k),
		DataRegolamento: data, PSP: "BCITITMM", NPagamenti: len(g.righe), ImportoTotale: tot}
	if err := g.tx.InsertRicFlusso(ctx, g.file["FDR"], f, nil); err != nil {
		return err
	}
	if err := g.tx.InsertRicPagamenti(ctx, f.IUF, g.righe, nil); err != nil {
		return err
	}
	g.righe = g.righe[:0]
	causale := "/PUR/LGPE-RIVERSAMENTO/URI/" + f.IUF
	x := g.h(uint64(k)<<4|1) % 100
	if k < 3 {
		x = []uint64{0, 2, 3}[k] // each case at least once
	}
	switch {
	case x < 2: // not credited yet
	case x < 3: // credited with a different amount
		g.movimento(causale, f.IUF, "", tot-100, false, 0)
	case x < 4: // credited in two parts
		g.movimento(causale, f.IUF, "", tot/2, false, 0)
		g.movimento(causale, f.IUF, "", tot-tot/2, false, 0)
	default:
		g.movimento(causale, f.IUF, "", tot, false, 0)
	}
	return nil
}

func (g *generatore) movimento(causale, iuf, iuv string, importo int64, conImporto bool, impIUV int64) {
	g.nMov++
	data := g.data(g.nMov)
	g.mov = append(g.mov, store.RicMovimento{Chiave: fmt.Sprintf("2024/%07d", g.nMov), Esercizio: 2024, Bolletta: fmt.Sprintf("%07d", g.nMov),
		DataContabile: data, DataValuta: data, Importo: importo, Causale: causale, Cliente: "PAGOPA S.P.A.",
		IUF: iuf, IUV: iuv, ImportoIUV: impIUV, ConImportoIUV: conImporto})
}

// scarica stores the buffered rows once a batch is full (or at the end).
func (g *generatore) scarica(ctx context.Context, tutto bool) error {
	const lotto = 1024
	if tutto || len(g.rt) >= lotto {
		if err := g.tx.InsertRicevute(ctx, g.file["RT"], g.rt, nil); err != nil {
			return err
		}
		g.rt = g.rt[:0]
	}
	if tutto || len(g.dov) >= lotto {
		if err := g.tx.InsertRicDovuti(ctx, g.file["DOVUTI"], g.dov, nil); err != nil {
			return err
		}
		g.dov = g.dov[:0]
	}
	if tutto || len(g.mov) >= lotto {
		if err := g.tx.InsertRicMovimenti(ctx, g.file["CASSA"], g.mov, nil); err != nil {
			return err
		}
		g.mov = g.mov[:0]
	}
	return nil
}
