package riconciliazione

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// flussiSalvati are the stored flows' IUF, data_flusso, iur_regolamento
// and file, by IUF.
func flussiSalvati(t *testing.T, g *giornataTest) map[string][4]string {
	t.Helper()
	rows, err := g.db.Reader().Query(`SELECT iuf, data_flusso, iur_regolamento, file_id FROM ric_fdr ORDER BY iuf`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][4]string{}
	for rows.Next() {
		var r [4]string
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
			t.Fatal(err)
		}
		out[r[0]] = r
	}
	return out
}

// A flow's time is stored the same whether it came from its file (no
// zone: Italian time) or from the FdR API (UTC): the sandbox publishes it
// at 06:00 Italian time the day after the payments.
func TestDataFlussoFileEAPI(t *testing.T) {
	ctx := context.Background()
	daFile := preparaGiornata(t, true)
	daAPI := preparaGiornata(t, false)
	cr := daAPI.sb.FdRCredentials()
	if n, err := daAPI.s.ScaricaFdR(ctx, daAPI.op, ConfigFdR{URL: cr.BaseURL, Chiave: cr.Key}, time.Time{}, nil); err != nil || n != len(daAPI.es.Flussi) {
		t.Fatalf("downloaded %d flows: %v", n, err)
	}
	f, a := flussiSalvati(t, daFile), flussiSalvati(t, daAPI)
	if len(f) != len(daFile.es.Flussi) || len(a) != len(f) {
		t.Fatalf("flows from files %v, from the API %v", f, a)
	}
	want := giornoTest.AddDate(0, 0, 1).Format(time.DateOnly) + "T06:00:00+01:00"
	for iuf, r := range f {
		if r[1] != want || a[iuf][1] != r[1] {
			t.Errorf("%s: data_flusso from the file %q, from the API %q, want %q", iuf, r[1], a[iuf][1], want)
		}
	}
}

// A flow file whose flow is stored already (from the FdR API, or from
// another file) with the same content is recorded and changes nothing,
// saying so; one with a different content (a new revision) replaces it,
// saying what it replaces.
func TestImportaFlussoGiaPresente(t *testing.T) {
	ctx := context.Background()
	g := preparaGiornata(t, false)
	cr := g.sb.FdRCredentials()
	if n, err := g.s.ScaricaFdR(ctx, g.op, ConfigFdR{URL: cr.BaseURL, Chiave: cr.Key}, time.Time{}, nil); err != nil || n != len(g.es.Flussi) {
		t.Fatalf("downloaded %d flows: %v", n, err)
	}
	stato, err := g.s.Stato(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prima := flussiSalvati(t, g)

	// The files of the flows downloaded: nothing new.
	for _, iuf := range g.es.Flussi {
		path := filepath.Join(g.dir, "rendicontazione", iuf+".xml")
		es, err := Importa(ctx, g.db, "m.rossi", path)
		if err != nil || !es.GiaImportato || es.Tipo != TipoFdR || es.Righe == 0 ||
			!strings.Contains(es.Descrizione, "flusso "+iuf+" di ") ||
			!strings.Contains(es.Descrizione, "già presente con lo stesso contenuto: nessuna modifica") ||
			!strings.Contains(es.Descrizione, "da g.ferrari (scaricato da pagoPA)") {
			t.Fatalf("%s after the API: %+v %v", iuf, es, err)
		}
		// Recorded: the same file again is «già importato».
		if es, err := Importa(ctx, g.db, "m.rossi", path); err != nil || !es.GiaImportato || !strings.HasPrefix(es.Descrizione, "già importato il ") {
			t.Fatalf("%s again: %+v %v", iuf, es, err)
		}
	}
	if got := flussiSalvati(t, g); fmt.Sprint(got) != fmt.Sprint(prima) {
		t.Fatalf("flows replaced: before %v, after %v", prima, got)
	}
	if got, _ := g.s.Stato(ctx); fmt.Sprint(got) != fmt.Sprint(stato) {
		t.Fatalf("labels changed: before %v, after %v", stato, got)
	}
	var file int
	if err := g.db.Reader().QueryRow(`SELECT COUNT(*) FROM ric_file WHERE tipo = 'FDR' AND formato != ?`, FormatoFdRAPI).Scan(&file); err != nil ||
		file != len(g.es.Flussi) {
		t.Fatalf("flow files recorded: %d, %v", file, err)
	}

	// A new revision of a flow: another settlement reference.
	iuf := g.es.Flussi[0]
	b, err := os.ReadFile(filepath.Join(g.dir, "rendicontazione", iuf+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	rif := regexp.MustCompile(`<identificativoUnivocoRegolamento>([^<]*)</identificativoUnivocoRegolamento>`)
	rev := rif.ReplaceAllString(string(b), "<identificativoUnivocoRegolamento>${1}-BIS</identificativoUnivocoRegolamento>")
	revisione := filepath.Join(t.TempDir(), iuf+"-rev.xml")
	if err := os.WriteFile(revisione, []byte(rev), 0o600); err != nil {
		t.Fatal(err)
	}
	es, err := Importa(ctx, g.db, "m.rossi", revisione)
	if err != nil || es.GiaImportato || !strings.Contains(es.Descrizione, "flusso "+iuf+" di ") ||
		!strings.Contains(es.Descrizione, "; sostituisce il flusso importato il ") ||
		!strings.Contains(es.Descrizione, "da g.ferrari (scaricato da pagoPA), di contenuto diverso") {
		t.Fatalf("new revision: %+v %v", es, err)
	}
	dopo := flussiSalvati(t, g)[iuf]
	if !strings.HasSuffix(dopo[2], "-BIS") || dopo[3] == prima[iuf][3] {
		t.Fatalf("new revision not stored: %v (before %v)", dopo, prima[iuf])
	}

	// The same revision written differently (another file, same content):
	// nothing new, and the file it came from is named.
	uguale := filepath.Join(t.TempDir(), iuf+"-copia.xml")
	if err := os.WriteFile(uguale, []byte(strings.Replace(rev, "?>", "?>\n<!-- copia -->", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	es, err = Importa(ctx, g.db, "m.rossi", uguale)
	if err != nil || !es.GiaImportato || !strings.Contains(es.Descrizione, "nessuna modifica; era stato importato il ") ||
		!strings.Contains(es.Descrizione, "da m.rossi (file "+filepath.Base(revisione)+")") {
		t.Fatalf("same revision, another file: %+v %v", es, err)
	}
	if got := flussiSalvati(t, g)[iuf]; got != dopo {
		t.Fatalf("replaced by the same content: %v, before %v", got, dopo)
	}
	// The incremental labels are those of a full run.
	incr, _ := g.s.Stato(ctx)
	full, err := Esegui(ctx, g.db, "test")
	if err != nil || fmt.Sprint(full.Classi) != fmt.Sprint(incr) {
		t.Fatalf("incremental %v, full %v (%v)", incr, full.Classi, err)
	}
}
