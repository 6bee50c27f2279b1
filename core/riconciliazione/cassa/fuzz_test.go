package cassa

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// verifica checks what holds for every accepted journal.
func verifica(t *testing.T, g Giornale, movs []Movimento) {
	t.Helper()
	if len(movs) != g.Tenute() || g.RigheLette < g.Tenute() {
		t.Fatalf("%d movimenti, %d tenuti, %d letti", len(movs), g.Tenute(), g.RigheLette)
	}
	var es, st int64
	for _, m := range movs {
		switch {
		case m.Importo <= 0, m.Riga <= 0, m.Chiave == "", m.DataContabile.IsZero(), m.DataValuta.IsZero(), m.Causale == "":
			t.Fatalf("movimento incompleto: %+v", m)
		case m.Operazione == Eseguito:
			es += m.Importo
		case m.Operazione == Stornato:
			st += m.Importo
		default:
			t.Fatalf("operazione %v", m.Operazione)
		}
	}
	if es != g.TotaleEseguiti || st != g.TotaleStornati {
		t.Fatalf("totali %d/%d, giornale %d/%d", es, st, g.TotaleEseguiti, g.TotaleStornati)
	}
}

// semiOPI are small journals from the writer, one per version, and a
// storno. Not the fixtures (the unit tests read them): the fuzzer
// minimises every new input it finds, in time proportional to the size,
// and a 16 KB seed leaves no time to fuzz.
func semiOPI(f *testing.F) {
	for _, v := range []string{"1.4", "1.6.1", "1.7.1", "1.8"} {
		f.Add(base(f, v, movEsempio("1", 100, Eseguito)))
	}
	f.Add(base(f, "1.8", movEsempio("41", 12345, Eseguito), movEsempio("41", 12345, Stornato)))
}

// FuzzLeggiOPI: no input panics; an accepted journal, written again with
// ScriviOPI, reads back as the same movements.
func FuzzLeggiOPI(f *testing.F) {
	semiOPI(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		g, movs, err := leggi(t, data)
		if err != nil || !strings.HasPrefix(g.Formato, "OPI ") {
			return
		}
		verifica(t, g, movs)
		for _, m := range movs {
			if m.Chiave != fmt.Sprintf("%d/%s", g.Esercizio, m.NumeroBolletta) {
				t.Fatalf("chiave %q per la bolletta %s dell'esercizio %d", m.Chiave, m.NumeroBolletta, g.Esercizio)
			}
		}
		var buf bytes.Buffer
		if err := ScriviOPI(&buf, g.Versioni[0], g, slices.Values(movs)); err != nil {
			t.Fatalf("giornale accettato che non si riscrive: %v", err)
		}
		g2, movs2, err := leggi(t, buf.Bytes())
		if err != nil {
			t.Fatalf("giornale riscritto rifiutato: %v\n%s", err, buf.Bytes())
		}
		if g2.Esercizio != g.Esercizio || g2.Ente != g.Ente || g2.ABI != g.ABI || g2.IdentificativoFlusso != g.IdentificativoFlusso ||
			!g2.DataOraFlusso.Equal(g.DataOraFlusso) || len(movs2) != len(movs) {
			t.Fatalf("riscritto: %+v\noriginale: %+v", g2, g)
		}
		for i := range movs {
			a, b := movs[i], movs2[i]
			b.Riga = a.Riga
			if a != b {
				t.Fatalf("movimento %d riscritto:\n%+v\noriginale:\n%+v", i, b, a)
			}
		}
	})
}

// scriviCSV writes kept movements in the statement layout.
func scriviCSV(movs []Movimento) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write(nomiColonne[:])
	for _, m := range movs {
		w.Write([]string{m.ABI, m.CAB, m.ContoEvidenza, "EUR", m.DataContabile.Format(time.DateOnly),
			m.DataValuta.Format(time.DateOnly), fmt.Sprintf("%d.%02d", m.Importo/100, m.Importo%100), "+", m.CodiceCausale,
			m.NumeroAssegno, m.RiferimentoBanca, m.RiferimentoCliente, m.Descrizione, m.Causale})
	}
	w.Flush()
	return buf.Bytes()
}

// FuzzLeggiTabella: CSV and .xls (the zip of an .xlsx is left to
// tabelle's own tests). No input panics; accepted rows written again as
// CSV read back with the same keys.
func FuzzLeggiTabella(f *testing.F) {
	// Not the .xls fixtures: 90 KB each, mostly blank cells, too slow to
	// minimise; the built workbook has the same records and more.
	f.Add(cfbXLS(libroEsempio(false)))
	f.Add([]byte(intestazioneCSV + rigaCSV(nil) + rigaCSV(map[int]string{6: "-5,00", 7: "-"})))
	f.Add([]byte(intestazioneCSV + rigaCSV(map[int]string{4: "2024-07-21", 6: "1234.5", 13: "a;\"b\""})))
	f.Fuzz(func(t *testing.T, data []byte) { tabellaRitorno(t, data) })
}

// FuzzLeggiXLS fuzzes the records of an .xls workbook stream, put in an
// OLE2 container for each run (mutating the container itself rarely gets
// past its header).
func FuzzLeggiXLS(f *testing.F) {
	f.Add(libroEsempio(false))
	f.Add(libroEsempio(true))
	f.Fuzz(func(t *testing.T, stream []byte) {
		if len(stream) > 60000 { // the test container holds up to 126 sectors
			return
		}
		tabellaRitorno(t, cfbXLS(stream))
	})
}

func tabellaRitorno(t *testing.T, data []byte) {
	g, movs, err := leggi(t, data)
	if err != nil || strings.HasPrefix(g.Formato, "OPI") {
		return
	}
	verifica(t, g, movs)
	for _, m := range movs {
		if m.Esercizio != m.DataContabile.Year() || !strings.HasPrefix(m.Chiave, fmt.Sprintf("%d/R", m.Esercizio)) || len(m.Chiave) != len(fmt.Sprint(m.Esercizio))+18 {
			t.Fatalf("chiave %q, esercizio %d", m.Chiave, m.Esercizio)
		}
		for _, s := range []string{m.ABI, m.CAB, m.ContoEvidenza, m.CodiceCausale, m.NumeroAssegno, m.RiferimentoBanca, m.RiferimentoCliente, m.Descrizione, m.Causale} {
			if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' || r == '\ufeff' }) || s != strings.TrimSpace(s) {
				return // CSV cannot carry it unchanged
			}
		}
	}
	if len(movs) == 0 || movs[0].DataContabile.Year() < 1000 {
		return
	}
	_, movs2, err := leggi(t, scriviCSV(movs))
	if err != nil || len(movs2) != len(movs) {
		t.Fatalf("riscritte in CSV: %d movimenti, %v", len(movs2), err)
	}
	for i := range movs {
		if movs2[i].Chiave != movs[i].Chiave || movs2[i].Importo != movs[i].Importo {
			t.Fatalf("riga %d: %+v\nriscritta: %+v", i, movs[i], movs2[i])
		}
	}
}
