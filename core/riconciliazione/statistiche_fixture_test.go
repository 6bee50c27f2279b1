package riconciliazione

import (
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// statGiornata is a sandbox day of payments imported into a temp database,
// with what its files say read independently of the importers (plain XML
// and the causali as text), to check the statistics against.
type statGiornata struct {
	db  *store.DB
	dir string
	// per IUV, the debt record's office, chapter and assessment as the
	// test assigned them ("" for none: the last ten positions and the
	// spontaneous payment)
	ufficio, capitolo, accertamento map[string]string

	ricevute []statRicevuta // one per RT file
	righe    []statRiga     // every line of every flow
	flussi   map[string]statFlusso
	crediti  []statCredito // the journal's movements
}

type statRicevuta struct {
	IUV, IUR, Data string
	Importo        int64
}

type statRiga struct {
	IUF, IUV, IUR string
	Importo       int64
}

type statFlusso struct {
	Regolamento string
	Totale      int64
}

type statCredito struct {
	Causale, Valuta string
	Importo         int64
}

const (
	giornoPagamenti  = "2026-11-20" // receipts
	giornoFlussi     = "2026-11-21" // flows settled, and credited: value date = settlement date
	ufficioCatalogo  = "ISTRUZIONE" // MENSA's office in the catalogue
	capitoloCatalogo = "CAP-MENSA"
)

// nuovaStatGiornata publishes 40 positions on the sandbox GPD, records debt
// records for the first 30 (offices, chapters and assessments by a rule
// the test knows; every fifth one of an unknown tipo and no office, so
// "(non indicato)"; every third one of MENSA leaves the office to the
// catalogue), pays them all with the demo's anomalies and imports the
// day's files.
func nuovaStatGiornata(t testing.TB) *statGiornata {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 5, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cr := sb.GPDCredentials()
	gpd := &pagopa.GPD{BaseURL: cr.BaseURL, Key: cr.Key}
	g := &statGiornata{dir: t.TempDir(), ufficio: map[string]string{}, capitolo: map[string]string{}, accertamento: map[string]string{},
		flussi: map[string]statFlusso{}}
	var pos []pagopa.Posizione
	var dovuti []store.RicDovuto
	for i := range 40 {
		iuv := pagopa.IUV(pagopa.CodiceAvviso(1, uint64(300+i)))
		c := int64(2500 + 211*i)
		pos = append(pos, pagopa.Posizione{IUPD: fmt.Sprintf("SPORTELLO-S-%02d", i), Tipo: "F", CodiceFiscale: "RSSMRA80A01F205X",
			Nome: "Mario Rossi", Ente: "Comune di Vimercate", OpzioniPagamento: []pagopa.Opzione{{IUV: iuv, Centesimi: c,
				Descrizione: "Refezione scolastica", Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
				Trasferimenti: []pagopa.Trasferimento{{ID: "1", Centesimi: c, Causale: "Refezione scolastica",
					Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456"}}}}})
		if i >= 30 {
			continue
		}
		d := store.RicDovuto{IUD: pos[i].IUPD, IUV: iuv, Importo: c, TipoDovuto: "MENSA", Fonte: "SPORTELLO",
			Ufficio: []string{"TRIBUTI", "SERVIZI", ""}[i%3], Capitolo: []string{"CAP-1", ""}[i%2],
			Accertamento: fmt.Sprintf("ACC-%d", i%4)}
		g.ufficio[iuv], g.capitolo[iuv], g.accertamento[iuv] = d.Ufficio, d.Capitolo, d.Accertamento
		if d.Ufficio == "" {
			g.ufficio[iuv] = ufficioCatalogo
		}
		if d.Capitolo == "" {
			g.capitolo[iuv] = capitoloCatalogo
		}
		if i%5 == 4 { // a tipo not in the catalogue: nothing to fall back on
			d.TipoDovuto, d.Ufficio, d.Capitolo = "ALTRO", "", ""
			g.ufficio[iuv], g.capitolo[iuv] = NonIndicato, NonIndicato
		}
		dovuti = append(dovuti, d)
	}
	if err := gpd.CreaMolte(ctx, cr.OrganizationFiscalCode, pos, true); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g.db = db
	if err := db.Write(ctx, "test", func(tx *store.Tx) error {
		for _, q := range []string{
			`INSERT INTO tipi_dovuto (codice, descrizione, tassonomia, iban, segregazione, modificato_il, modificato_da, ufficio, capitolo)
				VALUES ('MENSA', 'Refezione scolastica', '9/0101108TS/', 'IT60X0542811101000000123456', 1, '2026-01-01T00:00:00Z', 'test', '` +
				ufficioCatalogo + `', '` + capitoloCatalogo + `')`,
			`INSERT INTO ric_uffici (codice, denominazione, modificato_il, modificato_da) VALUES ('TRIBUTI', 'Ufficio Tributi', '2026-01-01T00:00:00Z', 'test')`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		var tc Toccate
		if err := tx.InsertRicDovuti(ctx, 0, dovuti, &tc); err != nil {
			return err
		}
		return IncrementaleTx(ctx, tx, tc)
	}); err != nil {
		t.Fatal(err)
	}
	es, err := sb.SimulaPagamenti(sandbox.ConfigPagamenti{Quota: 1, Giorno: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Seed: 2, Anomalie: sandbox.AnomalieDemo()}, g.dir)
	if err != nil {
		t.Fatal(err)
	}
	files := append([]string{}, es.Ricevute...)
	for _, iuf := range es.Flussi {
		files = append(files, filepath.Join(g.dir, "rendicontazione", iuf+".xml"))
	}
	files = append(files, es.Giornale)
	for _, f := range files {
		if _, err := Importa(ctx, db, "test", f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	g.leggiFile(t, es)
	return g
}

// leggiFile reads what the sandbox wrote with plain XML decoding.
func (g *statGiornata) leggiFile(t testing.TB, es sandbox.EsitoPagamenti) {
	t.Helper()
	for _, f := range es.Ricevute {
		var x struct {
			Receipt struct {
				IUV    string `xml:"creditorReferenceId"`
				IUR    string `xml:"receiptId"`
				Amount string `xml:"paymentAmount"`
				When   string `xml:"paymentDateTime"`
			} `xml:"receipt"`
		}
		statLeggiXML(t, f, &x)
		g.ricevute = append(g.ricevute, statRicevuta{IUV: x.Receipt.IUV, IUR: x.Receipt.IUR, Data: x.Receipt.When[:10],
			Importo: statCentesimi(t, x.Receipt.Amount)})
	}
	for _, iuf := range es.Flussi {
		var x struct {
			Regolamento string `xml:"dataRegolamento"`
			Totale      string `xml:"importoTotalePagamenti"`
			Righe       []struct {
				IUV     string `xml:"identificativoUnivocoVersamento"`
				IUR     string `xml:"identificativoUnivocoRiscossione"`
				Importo string `xml:"singoloImportoPagato"`
			} `xml:"datiSingoliPagamenti"`
		}
		statLeggiXML(t, filepath.Join(g.dir, "rendicontazione", iuf+".xml"), &x)
		g.flussi[iuf] = statFlusso{Regolamento: x.Regolamento, Totale: statCentesimi(t, x.Totale)}
		for _, r := range x.Righe {
			g.righe = append(g.righe, statRiga{IUF: iuf, IUV: r.IUV, IUR: r.IUR, Importo: statCentesimi(t, r.Importo)})
		}
	}
	// The OPI journal: each movement's causale, value date and amount.
	b, err := os.ReadFile(es.Giornale)
	if err != nil {
		t.Fatal(err)
	}
	mov := regexp.MustCompile(`(?s)<importo>([^<]*)</importo>.*?<data_valuta_ente>([^<]*)</data_valuta_ente>.*?<causale>([^<]*)</causale>`)
	for _, m := range mov.FindAllStringSubmatch(string(b), -1) {
		g.crediti = append(g.crediti, statCredito{Importo: statCentesimi(t, m[1]), Valuta: m[2][:10], Causale: m[3]})
	}
	if len(g.ricevute) < 30 || len(g.righe) < 30 || len(g.crediti) < 5 {
		t.Fatalf("sandbox day too small: %d receipts, %d lines, %d credits", len(g.ricevute), len(g.righe), len(g.crediti))
	}
}

func statLeggiXML(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func statCentesimi(t testing.TB, s string) int64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if f < 0 {
		return -int64(-f*100 + 0.5)
	}
	return int64(f*100 + 0.5)
}

// atteso is what the day's files say, per group key: the receipts by
// their IUV's debt record, the lines likewise, the credits of the flows
// credited in full (one credit naming the IUF, mangled as it may be, for
// the flow's total) for their lines, the /RFS/ credits for their amount.
func (g *statGiornata) atteso(chiave func(iuv, data string) string) map[string]Riga {
	out := map[string]Riga{}
	add := func(k string, f func(r *Riga)) {
		r := out[k]
		r.Chiave = k
		f(&r)
		out[k] = r
	}
	pagati := map[string]bool{}
	for _, r := range g.ricevute {
		pagati[r.IUV] = true
		add(chiave(r.IUV, r.Data), func(x *Riga) { x.NumeroPagati++; x.ImportoPagato += r.Importo })
	}
	accreditati := map[string]string{} // IUF -> value date
	for iuf, f := range g.flussi {
		var tot int64
		var valuta string
		for _, c := range g.crediti {
			if strings.Contains(strings.ReplaceAll(c.Causale, " ", ""), iuf) {
				tot += c.Importo
				valuta = max(valuta, c.Valuta)
			}
		}
		if tot == f.Totale {
			accreditati[iuf] = valuta
		}
	}
	for _, r := range g.righe {
		add(chiave(r.IUV, g.flussi[r.IUF].Regolamento), func(x *Riga) { x.ImportoRendicontato += r.Importo })
		if v, ok := accreditati[r.IUF]; ok {
			add(chiave(r.IUV, v), func(x *Riga) { x.ImportoIncassato += r.Importo })
		}
	}
	rfs := regexp.MustCompile(`/RFS/(\d+)/`)
	for _, c := range g.crediti {
		if m := rfs.FindStringSubmatch(c.Causale); m != nil && pagati[m[1]] {
			add(chiave(m[1], c.Valuta), func(x *Riga) { x.ImportoIncassato += c.Importo })
		}
	}
	return out
}
