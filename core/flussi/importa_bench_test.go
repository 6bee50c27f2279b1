package flussi

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/misura"
	"github.com/sportello/sportello/core/pagopa"
)

const benchRows = 100_000

// BenchmarkLeggiXLSX100k reads a workbook of 100,000 notifications (typed
// cells: date due dates, numeric amounts, text notice numbers) written by
// excelize's StreamWriter. "leggi" is Leggi; "naive" the baseline that
// loads the whole sheet with GetRows and then checks the rows the same way.
// Metrics: rows/s; peak-heap-MB, the most Go heap in use during the runs;
// VmHWM-MB, the process's resident high-water mark so far (Linux only,
// cumulative across sub-benchmarks).
func BenchmarkLeggiXLSX100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "flusso.xlsx")
	if err := writeBenchXLSX(path, benchRows); err != nil {
		b.Fatal(err)
	}
	b.Run("leggi", func(b *testing.B) { benchLeggi(b, path, leggiFile) })
	b.Run("naive", func(b *testing.B) { benchLeggi(b, path, naiveLeggi) })
}

func benchLeggi(b *testing.B, path string, read func(path string) (int, error)) {
	peak := samplePeak()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n, err := read(path)
		if err != nil {
			b.Fatal(err)
		}
		if n != benchRows {
			b.Fatalf("%d rows, want %d", n, benchRows)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	if hwm := misura.PiccoRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "VmHWM-MB")
	}
}

func leggiFile(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	l, err := Leggi(path, f, OpzioniImport{Oggi: oggiTest})
	if err != nil {
		return 0, err
	}
	if len(l.Errori) > 0 {
		return 0, fmt.Errorf("%d errors, first %v", len(l.Errori), l.Errori[0])
	}
	return len(l.Righe), nil
}

// naiveLeggi is the straightforward reading: the whole sheet in memory as
// strings, then each row parsed and checked with the same rules.
func naiveLeggi(path string) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, err
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[chiave(h)] = i
	}
	cell := func(row []string, k string) string {
		if i, ok := col[k]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var righe []Riga
	seen := map[string]int{}
	for i, row := range rows[1:] {
		r := Riga{Numero: i + 2, CodiceFiscale: cell(row, ColCodiceFiscale), Oggetto: cell(row, ColOggetto),
			Contenuto: cell(row, ColContenuto), CodiceAvviso: cell(row, ColCodiceAvviso), PagaDopoScadenza: true}
		var errs []ErroreRiga
		if r.Scadenza, err = ParseScadenza(cell(row, ColScadenza)); err != nil {
			errs = append(errs, ErroreRiga{Riga: r.Numero, Motivo: err.Error()})
		}
		if r.Importo, err = ParseImporto(cell(row, ColImporto)); err != nil {
			errs = append(errs, ErroreRiga{Riga: r.Numero, Motivo: err.Error()})
		}
		e, _ := ValidaRiga(r, Servizio{}, oggiTest, cell(row, "nome")+" "+cell(row, "cognome"))
		errs = append(errs, e...)
		k := Impronta(0, r)
		if _, dup := seen[k]; dup {
			errs = append(errs, ErroreRiga{Riga: r.Numero, Motivo: "duplicato"})
		}
		seen[k] = r.Numero
		if len(errs) > 0 {
			return 0, fmt.Errorf("riga %d: %v", r.Numero, errs)
		}
		righe = append(righe, r)
	}
	return len(righe), nil
}

const benchText = "Gentile contribuente,\n\nè disponibile l'avviso di pagamento della **TARI 2026**, prima rata. " +
	"Può pagarlo dall'app IO con pagoPA entro la scadenza, oppure presso banche, uffici postali e tabaccherie."

func writeBenchXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"codice_fiscale", "nome", "cognome", "oggetto", "contenuto", "scadenza", "importo",
		"codice_avviso", "paga_dopo_scadenza"}); err != nil {
		return err
	}
	cognomi, nomi := []string{"Rossi", "Bianchi", "Esposito"}, []string{"Maria", "Giuseppe", "Anna"}
	due := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	for i := range n {
		cognome, nome := cognomi[i/40000%3], nomi[i/40000%3]
		sesso := byte("MF"[i/20000%2])
		cf, err := anagrafe.GeneraCodiceFiscale(cognome, nome, time.Date(1950, 1, 1+i%20000, 0, 0, 0, 0, time.UTC), sesso, "H501")
		if err != nil {
			return err
		}
		row := []any{cf, nome, cognome, "Avviso TARI 2026 n. " + strconv.Itoa(i+1), benchText,
			excelize.Cell{StyleID: date, Value: due}, excelize.Cell{StyleID: money, Value: float64(1000+i%50000) / 100},
			pagopa.CodiceAvviso(1, uint64(i)), "sì"}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// samplePeak samples the Go heap in use until the returned function is
// called, which reports the highest value seen (as core/jobs does).
func samplePeak() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	stop, done := make(chan struct{}), make(chan struct{})
	read := func() {
		metrics.Read(s)
		mu.Lock()
		peak = max(peak, s[0].Value.Uint64())
		mu.Unlock()
	}
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		read()
		return peak
	}
}
