package riconciliazione

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
)

func dataISO(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// confrontaStatistiche checks the rows against the expected groups, exactly.
func confrontaStatistiche(t *testing.T, nome string, got []Riga, want map[string]Riga) {
	t.Helper()
	byKey := map[string]Riga{}
	for _, r := range got {
		if _, dup := byKey[r.Chiave]; dup {
			t.Errorf("%s: key %q twice", nome, r.Chiave)
		}
		r.Descrizione = ""
		byKey[r.Chiave] = r
	}
	// A group whose measures cancel out (a payment reported and revoked)
	// may or may not be listed.
	for _, m := range []map[string]Riga{byKey, want} {
		for k, w := range m {
			if w == (Riga{Chiave: k}) {
				delete(m, k)
			}
		}
	}
	if !maps.Equal(byKey, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", nome, got, want)
	}
}

// The statistics of a sandbox day equal what its files say: receipts on
// the payment day, flows on the settlement day, credits on the value day;
// per office, chapter and assessment through the debt records (the
// catalogue standing in for an empty field, unknown tipi "(non indicato)",
// payments without debt record "(non attribuito)", a hand association
// winning); the date range selects on each measure's own date.
func TestStatisticheGiornataSandbox(t *testing.T) {
	ctx := context.Background()
	g := nuovaStatGiornata(t)
	s := New(g.db)

	// One paid payment associated by hand to another assessment (the
	// import associated it to its debt record's: the clerk moves it).
	var scelta statRicevuta
	for _, r := range g.ricevute {
		if _, ok := g.accertamento[r.IUV]; ok {
			scelta = r
			break
		}
	}
	if err := g.db.Write(ctx, "test", func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM ric_accertamenti_pagamenti WHERE iuv = ? AND iur = ?`, scelta.IUV, scelta.IUR); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO ric_accertamenti (ufficio, capitolo, anno, codice, descrizione, creato_il, creato_da,
			modificato_il, modificato_da) VALUES ('TRIBUTI', 'CAP-1', 2026, 'ACC-MAN', 'Refezione 2026', 'x', 'test', 'x', 'test')`)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		_, err = tx.ExecContext(ctx, `INSERT INTO ric_accertamenti_pagamenti (accertamento_id, iuv, iur, importo, associato_il, associato_da)
			VALUES (?, ?, ?, ?, 'x', 'test')`, id, scelta.IUV, scelta.IUR, scelta.Importo)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	perData := func(n int) func(iuv, data string) string { return func(_, d string) string { return d[:n] } }
	dovuto := func(m map[string]string) func(iuv, data string) string {
		return func(iuv, _ string) string {
			if k, ok := m[iuv]; ok {
				return k
			}
			return NonAttribuito
		}
	}
	acc := func(iuv, data string) string {
		if iuv == scelta.IUV {
			return "ACC-MAN"
		}
		return dovuto(g.accertamento)(iuv, data)
	}
	tipo := func(iuv, data string) string {
		switch u := dovuto(g.ufficio)(iuv, data); u {
		case NonAttribuito:
			return u
		case NonIndicato:
			return "ALTRO"
		}
		return "MENSA"
	}
	casi := []struct {
		per    Raggruppamento
		chiave func(iuv, data string) string
	}{
		{PerAnno, perData(4)}, {PerMese, perData(7)}, {PerGiorno, perData(10)}, {PerUfficio, dovuto(g.ufficio)},
		{PerTipo, tipo}, {PerCapitolo, dovuto(g.capitolo)}, {PerAccertamento, acc},
	}
	var totale Riga
	for i, c := range casi {
		got, err := s.Statistiche(ctx, c.per, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		confrontaStatistiche(t, string(c.per), got, g.atteso(c.chiave))
		if tot := Totale(got); i == 0 {
			totale = tot
		} else if tot != totale {
			t.Errorf("%s: total %+v, by year %+v", c.per, tot, totale)
		}
	}
	// The two days (payments; settlement and credit), and the anomalies'
	// effect on the totals.
	giorni, _ := s.Statistiche(ctx, PerGiorno, time.Time{}, time.Time{})
	if len(giorni) != 2 || giorni[0].Chiave != giornoPagamenti || giorni[1].Chiave != giornoFlussi {
		t.Fatalf("days: %+v", giorni)
	}
	if totale.NumeroPagati != len(g.ricevute) || totale.ImportoRendicontato <= totale.ImportoIncassato || totale.ImportoIncassato == 0 {
		t.Fatalf("totals: %+v (%d receipts)", totale, len(g.ricevute))
	}
	// Descriptions from the registries.
	uffici, _ := s.Statistiche(ctx, PerUfficio, time.Time{}, time.Time{})
	descr := map[string]string{}
	for _, r := range uffici {
		descr[r.Chiave] = r.Descrizione
	}
	if descr["TRIBUTI"] != "Ufficio Tributi" || uffici[len(uffici)-1].Chiave != NonAttribuito {
		t.Fatalf("offices: %+v", uffici)
	}
	tipi, _ := s.Statistiche(ctx, PerTipo, time.Time{}, time.Time{})
	if tipi[1].Chiave != "MENSA" || tipi[1].Descrizione != "Refezione scolastica" || tipi[1].Etichetta(PerTipo) != "MENSA — Refezione scolastica" {
		t.Fatalf("tipi: %+v", tipi)
	}

	// A range selects on each measure's own date.
	for _, c := range []struct {
		dal, al string
		want    func(r Riga) bool
	}{
		{giornoFlussi, giornoFlussi, func(r Riga) bool {
			return r.NumeroPagati == 0 && r.ImportoPagato == 0 && r.ImportoRendicontato == totale.ImportoRendicontato &&
				r.ImportoIncassato == totale.ImportoIncassato
		}},
		{giornoPagamenti, giornoPagamenti, func(r Riga) bool {
			return r.NumeroPagati == totale.NumeroPagati && r.ImportoRendicontato == 0 && r.ImportoIncassato == 0
		}},
		{"2026-11-22", "", func(r Riga) bool { return r == Riga{Chiave: ChiaveTotale} }},
		{"", "2026-11-19", func(r Riga) bool { return r == Riga{Chiave: ChiaveTotale} }},
	} {
		var dal, al time.Time
		if c.dal != "" {
			dal = dataISO(c.dal)
		}
		if c.al != "" {
			al = dataISO(c.al)
		}
		for _, per := range []Raggruppamento{PerMese, PerUfficio, PerAccertamento} {
			got, err := s.Statistiche(ctx, per, dal, al)
			if err != nil {
				t.Fatal(err)
			}
			if tot := Totale(got); !c.want(tot) {
				t.Errorf("%s..%s per %s: %+v", c.dal, c.al, per, tot)
			}
		}
	}

	// Wrong requests are refused, naming what is wrong.
	if _, err := s.Statistiche(ctx, "settimana", time.Time{}, time.Time{}); err == nil || !strings.Contains(err.Error(), "settimana") {
		t.Fatalf("unknown grouping: %v", err)
	}
	if _, err := s.Statistiche(ctx, PerMese, dataISO("2026-12-01"), dataISO("2026-11-01")); err == nil || !strings.Contains(err.Error(), "«Dal»") {
		t.Fatalf("dal after al: %v", err)
	}
}

// The chart is a PNG of the size asked for, with the three measures'
// colours on it; the Excel export has a row per group and the total.
func TestStatisticheGraficoEdEsportazione(t *testing.T) {
	righe := []Riga{
		{Chiave: "2026-10", NumeroPagati: 3, ImportoPagato: 123456, ImportoRendicontato: 100000, ImportoIncassato: 90000},
		{Chiave: "2026-11", NumeroPagati: 1, ImportoPagato: 5000, ImportoRendicontato: 25050, ImportoIncassato: -1500},
	}
	for _, size := range [][2]int{{640, 360}, {1200, 500}} {
		b, err := GraficoPNG(PerMese, righe, TitoloGrafico(PerMese, "01/10/2026", ""), size[0], size[1])
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds() != image.Rect(0, 0, size[0], size[1]) {
			t.Fatalf("size %v, want %v", img.Bounds(), size)
		}
		for _, c := range coloriMisure {
			if !statContieneColore(img, c) {
				t.Errorf("%v: no bar of colour %v", size, c)
			}
		}
	}
	if _, err := Grafico(PerMese, righe, "x", 100, 100); err == nil {
		t.Fatal("a chart too small was drawn")
	}
	vuoto, err := Grafico(PerUfficio, nil, "Importi per ufficio", 300, 200)
	if err != nil || vuoto.Bounds().Dx() != 300 || statContieneColore(vuoto, coloriMisure[0]) {
		t.Fatalf("empty chart: %v", err)
	}
	if TitoloGrafico(PerGiorno, "01/11/2026", "30/11/2026") != "Importi per giorno dal 01/11/2026 al 30/11/2026" {
		t.Fatal(TitoloGrafico(PerGiorno, "01/11/2026", "30/11/2026"))
	}

	var buf bytes.Buffer
	x := EsportazioneStatistiche{Dal: dataISO("2026-10-01"), Il: time.Date(2026, 12, 2, 10, 15, 0, 0, time.UTC),
		Da: "=HYPERLINK(\"x\") (admin)"}
	if err := EsportaExcel(PerMese, append(righe, Riga{Chiave: "=1+1"}), x, &buf); err != nil {
		t.Fatal(err)
	}
	sh, err := tabelle.Read(bytes.NewReader(buf.Bytes()), tabelle.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for sh.Next() {
		rows = append(rows, slices.Clone(sh.Row()))
	}
	want := [][]string{
		{"Mese", "Descrizione", "Numero pagati", "Importo pagato", "Importo rendicontato", "Importo incassato"},
		{"10/2026", "", "3", "1234.56", "1000", "900"},
		{"11/2026", "", "1", "50", "250.5", "-15"},
		{"'=1+1", "", "0", "0", "0", "0"},
		{"Totale", "", "4", "1284.56", "1250.5", "885"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("export:\n%q\nwant\n%q", rows, want)
	}
	// What the table covers, and who exported it, on a sheet of its own.
	sh.Close()
	sh, err = tabelle.Read(bytes.NewReader(buf.Bytes()), tabelle.ReadOptions{Sheet: "Informazioni"})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	rows = nil
	for sh.Next() {
		rows = append(rows, slices.Clone(sh.Row()))
	}
	want = [][]string{
		{"Voce", "Valore"},
		{"Statistiche", "Statistiche per mese"},
		{"Periodo", "dal 01/10/2026"},
		{"Date delle misure", NotaMisure},
		{"Gruppi", "3"},
		{"Esportato il", "02/12/2026 10:15"},
		{"Esportato da", "'=HYPERLINK(\"x\") (admin)"},
	}
	if sh.Name() != "Informazioni" || fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("%s:\n%q\nwant\n%q", sh.Name(), rows, want)
	}
	for _, c := range []struct {
		dal, al string
		want    string
	}{{"", "", "tutto l'archivio"}, {"2026-12-01", "", "dal 01/12/2026"}, {"", "2026-12-31", "al 31/12/2026"},
		{"2026-12-01", "2026-12-31", "dal 01/12/2026 al 31/12/2026"}} {
		var dal, al time.Time
		if c.dal != "" {
			dal = dataISO(c.dal)
		}
		if c.al != "" {
			al = dataISO(c.al)
		}
		if got := Periodo(dal, al); got != c.want {
			t.Errorf("Periodo(%q, %q) = %q", c.dal, c.al, got)
		}
	}
}

func statContieneColore(img image.Image, c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r0, g0, b0, _ := c.RGBA()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r == r0 && g == g0 && bb == b0 {
				return true
			}
		}
	}
	return false
}

func TestRaggruppamentoDi(t *testing.T) {
	for in, want := range map[string]Raggruppamento{"mese": PerMese, " Tipo dovuto ": PerTipo, "TIPO": PerTipo, "accertamento": PerAccertamento} {
		if got, ok := RaggruppamentoDi(in); !ok || got != want {
			t.Errorf("%q: %q %v", in, got, ok)
		}
	}
	if _, ok := RaggruppamentoDi("settimana"); ok {
		t.Fatal("settimana accepted")
	}
	r := Riga{Chiave: "2026-11-20"}
	if r.Etichetta(PerGiorno) != "20/11/2026" || (Riga{Chiave: "2026-11"}).Etichetta(PerMese) != "11/2026" ||
		(Riga{Chiave: "2026"}).Etichetta(PerAnno) != "2026" {
		t.Fatal("labels")
	}
}

// The legend's three entries are apart: between the swatches of two
// measures there is white, on screen (640×300) and in the PNG (1200×600).
func TestStatisticheGraficoLegenda(t *testing.T) {
	righe := []Riga{{Chiave: "TRASPORTO", NumeroPagati: 16, ImportoPagato: 314600, ImportoRendicontato: 445300, ImportoIncassato: 206000},
		{Chiave: NonAttribuito, NumeroPagati: 1, ImportoPagato: 5300, ImportoRendicontato: 9650, ImportoIncassato: 9650}}
	for _, size := range [][2]int{{640, 300}, {1050, 280}, {1200, 600}} {
		img, err := Grafico(PerTipo, righe, TitoloGrafico(PerTipo, "01/12/2026", ""), size[0], size[1])
		if err != nil {
			t.Fatal(err)
		}
		// The legend is the strip on the right; in it, a column through
		// the three swatches.
		b := img.Bounds()
		striscia := b.Max.X - int(float64(larghezzaLegenda)*graficoDPI/72)
		trovato := false
		for x := striscia; x < b.Max.X && !trovato; x++ {
			var colori []int // the measure of each pixel down the column, -1 for another colour
			for y := b.Min.Y; y < b.Max.Y; y++ {
				colori = append(colori, statMisuraDi(img.At(x, y)))
			}
			primo, ultimo := [3]int{-1, -1, -1}, [3]int{-1, -1, -1}
			for y, m := range colori {
				if m >= 0 {
					if primo[m] < 0 {
						primo[m] = y
					}
					ultimo[m] = y
				}
			}
			if primo[0] < 0 || primo[1] < 0 || primo[2] < 0 {
				continue
			}
			trovato = true
			for m := range 2 {
				if spazio := primo[m+1] - ultimo[m] - 1; spazio < 5 {
					t.Errorf("%v: the swatches of measures %d and %d are %d pixels apart (rows %d..%d, %d..%d)",
						size, m, m+1, spazio, primo[m], ultimo[m], primo[m+1], ultimo[m+1])
				}
			}
		}
		if !trovato {
			t.Errorf("%v: no legend with the three colours", size)
		}
	}
}

// statMisuraDi is the measure whose colour c is, -1 for none.
func statMisuraDi(c interface{ RGBA() (r, g, b, a uint32) }) int {
	r, g, b, _ := c.RGBA()
	for i, m := range coloriMisure {
		r0, g0, b0, _ := m.RGBA()
		if r == r0 && g == g0 && b == b0 {
			return i
		}
	}
	return -1
}
