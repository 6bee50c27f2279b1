package riconciliazione

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/cassa"
)

// What the clerk reads of an import and of a flow credited short writes
// the amounts the Italian way, «2.531,25», as the rest of the windows do.
func TestImportiPerOperatore(t *testing.T) {
	ctx := context.Background()
	db := apri(t)
	dir := t.TempDir()
	giorno := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	files, err := GeneraGiornata(dir, 50, giorno) // 50 payments, 2.531,25 euro
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"50 pagamenti per 2.531,25 euro", "50 pagamenti, 2.531,25 euro, regolato il 30/11/2026",
		"1 accrediti per 2.531,25 euro"} {
		es, err := Importa(ctx, db, "test", files[i])
		if err != nil || !strings.Contains(es.Descrizione, want) {
			t.Fatalf("%s: %q, want %q (%v)", filepath.Base(files[i]), es.Descrizione, want, err)
		}
	}
	// A second credit of 1,50 euro for the same flow: credited more than
	// its total.
	iuf := "2026-11-30BCITITMM-G261130"
	extra := filepath.Join(dir, "giornale-extra.xml")
	f, err := os.Create(extra)
	if err != nil {
		t.Fatal(err)
	}
	g := giornaleGenerato(giorno)
	g.IdentificativoFlusso = "GDC-20261130ABCDEFGHIJ#002#001"
	m := cassa.Movimento{Operazione: cassa.Eseguito, NumeroBolletta: "99", Importo: 150, DataContabile: giorno, DataValuta: giorno,
		Causale: "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf, Cliente: "PAGOPA S.P.A.", ContoEvidenza: "0000001", TipoEsecuzione: "ACCREDITO BANCA D'ITALIA"}
	err = cassa.ScriviOPI(f, "1.8", g, slices.Values([]cassa.Movimento{m}))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if es, err := Importa(ctx, db, "test", extra); err != nil || !strings.Contains(es.Descrizione, "1 accrediti per 1,50 euro") {
		t.Fatalf("second journal: %+v %v", es, err)
	}
	d, err := New(db).Dettaglio(ctx, ChiaveFlusso, iuf, "")
	if err != nil {
		t.Fatal(err)
	}
	var note []string
	for _, e := range d.Proprie() {
		note = append(note, e.Codice+": "+e.Dettaglio)
	}
	want := "IUF_TES_DIV_IMP: totale del flusso 2.531,25 euro, accreditato 2.532,75 euro in 2 movimenti"
	if !slices.Contains(note, want) {
		t.Fatalf("labels of the flow %q, want %q", note, want)
	}
}
