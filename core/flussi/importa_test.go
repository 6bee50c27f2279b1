package flussi

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/tabelle"
)

const headerCSV = "codice_fiscale;oggetto;contenuto;scadenza;importo;codice_avviso;paga_dopo_scadenza\n"

func leggiCSV(t *testing.T, csv string, opt OpzioniImport) *Lettura {
	t.Helper()
	if opt.Oggi.IsZero() {
		opt.Oggi = oggiTest
	}
	l, err := Leggi("flusso.csv", strings.NewReader(csv), opt)
	if err != nil {
		t.Fatalf("Leggi: %v", err)
	}
	return l
}

func leggiXLSX(t *testing.T, data []byte, opt OpzioniImport) *Lettura {
	t.Helper()
	if opt.Oggi.IsZero() {
		opt.Oggi = oggiTest
	}
	l, err := Leggi("flusso.xlsx", bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("Leggi: %v", err)
	}
	return l
}

func xlsxFile(t testing.TB, build func(f *excelize.File, sh string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, f.GetSheetName(0))
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func messages(es []ErroreRiga) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Error()
	}
	return out
}

func wantMessages(t *testing.T, what string, got []ErroreRiga, want ...string) {
	t.Helper()
	if g := messages(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", what, g, want)
	}
}

func TestLeggiCSV(t *testing.T) {
	cf1, cf2 := cfTest(t, "Rossi", "Mario"), cfTest(t, "Verdi", "Anna")
	csv := "\uFEFFCodice Fiscale;OGGETTO;Testo;Data di scadenza;Importo (€);Numero avviso;Paga dopo la scadenza\r\n" +
		strings.ToLower(cf1) + ";Avviso TARI 2026;\"" + testoTest + "\r\nSeconda riga.\";31/03/2027;1.234,56;3010 0000 0000 0001 44;\r\n" +
		"\r\n" +
		";;;;;;\r\n" +
		cf2 + ";Comunicazione del Comune;" + testoTest + ";;;;\r\n"
	l := leggiCSV(t, csv, OpzioniImport{})
	wantMessages(t, "errors", l.Errori)
	wantMessages(t, "warnings", l.Avvisi)
	want := []Riga{
		{Numero: 2, CodiceFiscale: cf1, Oggetto: "Avviso TARI 2026", Contenuto: testoTest + "\nSeconda riga.",
			Scadenza: time.Date(2027, 3, 31, 23, 59, 59, 0, Roma), Importo: 123456, CodiceAvviso: "301000000000000144", PagaDopoScadenza: true},
		{Numero: 5, CodiceFiscale: cf2, Oggetto: "Comunicazione del Comune", Contenuto: strings.TrimSpace(testoTest), PagaDopoScadenza: true},
	}
	if fmt.Sprint(l.Righe) != fmt.Sprint(want) {
		t.Errorf("rows\n got %+v\nwant %+v", l.Righe, want)
	}
	if l.Formato != "csv" || len(l.Colonne) != 7 || l.Colonne[0] != "Codice Fiscale" || len(l.RigheErrate) != 0 || len(l.Valide()) != 2 {
		t.Errorf("lettura %+v", l)
	}
	// A comma-separated file with the other delimiter works the same.
	comma := strings.ReplaceAll(headerCSV, ";", ",") + cf2 + ",Comunicazione del Comune,\"" + testoTest + "\",,,,\n"
	if l := leggiCSV(t, comma, OpzioniImport{}); len(l.Errori) != 0 || len(l.Righe) != 1 {
		t.Errorf("comma-separated: %v", l.Errori)
	}
}

func TestLeggiXLSXTypedCells(t *testing.T) {
	cf := cfTest(t, "Rossi", "Mario")
	data := xlsxFile(t, func(f *excelize.File, sh string) {
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		money, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
		f.SetSheetRow(sh, "A1", &[]any{"CF", "Contenuto", "Scadenza", "Importo", "Codice avviso", "Paga dopo scadenza", "Nome", "Rata", "Emessa il"})
		f.SetSheetRow(sh, "A2", &[]any{cf, testoTest, time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), 1234.5, avvisoTest, false, "Mario", 2,
			time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)})
		f.SetSheetRow(sh, "A3", &[]any{cf, testoTest, 46023, 0.1 + 0.2, avvisoTest, true, "Mario", 3, "04/05/2026"})
		f.SetCellStyle(sh, "C2", "C2", date)
		f.SetCellStyle(sh, "I2", "I2", date)
		f.SetCellStyle(sh, "D2", "D3", money)
	})
	l := leggiXLSX(t, data, OpzioniImport{ModelloOggetto: "TARI: rata {{rata}} di {{importo}} € entro il {{scadenza}} ({{emessa il}})"})
	wantMessages(t, "errors", l.Errori)
	want := []Riga{
		{Numero: 2, CodiceFiscale: cf, Oggetto: "TARI: rata 2 di 1.234,50 € entro il 31/03/2027 (04/05/2026)", Contenuto: strings.TrimSpace(testoTest),
			Scadenza: time.Date(2027, 3, 31, 23, 59, 59, 0, Roma), Importo: 123450, CodiceAvviso: avvisoTest, PagaDopoScadenza: false},
		{Numero: 3, CodiceFiscale: cf, Oggetto: "TARI: rata 3 di 0,30 € entro il 01/01/2026 (04/05/2026)", Contenuto: strings.TrimSpace(testoTest),
			Scadenza: time.Date(2026, 1, 1, 23, 59, 59, 0, Roma), Importo: 30, CodiceAvviso: avvisoTest, PagaDopoScadenza: true},
	}
	if fmt.Sprint(l.Righe) != fmt.Sprint(want) {
		t.Errorf("rows\n got %+v\nwant %+v", l.Righe, want)
	}
	wantMessages(t, "warnings", l.Avvisi, "riga 3, colonna Scadenza: scadenza 01/01/2026 già passata")
}

func TestLeggiRowErrors(t *testing.T) {
	cf := cfTest(t, "Rossi", "Mario")
	riga := func(cf, oggetto, scadenza, importo, avviso, paga string) string {
		return strings.Join([]string{cf, oggetto, testoTest, scadenza, importo, avviso, paga}, ";") + "\n"
	}
	csv := "CF;Oggetto;Contenuto;Scadenza;Somma;Avviso;Paga\n" +
		riga(cf, "Avviso TARI 2026", "31/03/2027", "12,50", avvisoTest, "") + // 2: valid
		riga("RSSMRA80A01H501", "Breve", "31/02/2027", "-3", "301000000000000145", "forse") + // 3
		riga(cf, "Avviso TARI 2026", "", "", "", "no") + // 4
		riga(cf, "Avviso TARI 2026", "31/03/2027", "12,50", avvisoTest, "") + // 5: duplicate of 2
		riga(cf, "Avviso TARI 2026 bis", "31/03/2027", "12,50", "", "") + // 6
		riga(cf, "Avviso TARI 2026 ter", "", "1.234", avvisoTest, "no") // 7
	l := leggiCSV(t, csv, OpzioniImport{})
	wantMessages(t, "errors", l.Errori,
		"riga 3, colonna CF: lunghezza 15, attesi 16 caratteri",
		"riga 3, colonna Oggetto: minimo 10 caratteri, trovati 5",
		"riga 3, colonna Scadenza: «31/02/2027» è una data inesistente",
		"riga 3, colonna Somma: «-3» è negativo: l'importo deve essere positivo",
		"riga 3, colonna Avviso: cifre di controllo errate: attese 44, trovate 45",
		"riga 3, colonna Paga: «forse» non valido: scrivere sì o no",
		"riga 4, colonna Paga: «no» vale solo per le notifiche con importo e codice avviso",
		"riga 5: duplicato della riga 2",
		"riga 6, colonna Avviso: mancante: con l'importo serve anche il codice avviso pagoPA",
		"riga 7, colonna Somma: «1.234» è ambiguo: scrivere 1.234,00 per le migliaia di euro, al massimo 2 decimali per i centesimi",
		"riga 7, colonna Paga: «no» richiede una scadenza: indicarla, oppure lasciare l'avviso pagabile anche dopo",
	)
	if fmt.Sprint(l.RigheErrate) != "[3 4 5 6 7]" || len(l.Righe) != 6 || !l.Errata(5) || l.Errata(2) || len(l.Valide()) != 1 {
		t.Errorf("errate %v, %d rows", l.RigheErrate, len(l.Righe))
	}
}

func TestLeggiDuplicateOnlyAmongValidRows(t *testing.T) {
	// Row 4 repeats row 3, which has an error of its own: a duplicate is
	// reported against the first clean occurrence only.
	cf := cfTest(t, "Rossi", "Mario")
	csv := "codice_fiscale;oggetto;contenuto\n" + cf + ";Breve;" + testoTest + "\n" + cf + ";Breve;" + testoTest + "\n"
	l := leggiCSV(t, csv, OpzioniImport{})
	wantMessages(t, "errors", l.Errori,
		"riga 2, colonna oggetto: minimo 10 caratteri, trovati 5",
		"riga 3, colonna oggetto: minimo 10 caratteri, trovati 5")
}

func TestLeggiCapsErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto\n")
	for range 1500 {
		b.WriteString("X;Avviso TARI 2026;" + testoTest + "\n")
	}
	l := leggiCSV(t, b.String(), OpzioniImport{})
	if len(l.Errori) != 1001 || l.Errori[1000].Error() != "… e altri 500 errori" || len(l.RigheErrate) != 1500 {
		t.Fatalf("%d errors, last %v, %d rows in error", len(l.Errori), l.Errori[len(l.Errori)-1], len(l.RigheErrate))
	}
}

func TestLeggiFileProblems(t *testing.T) {
	cf := cfTest(t, "Rossi", "Mario")
	for _, tc := range []struct {
		name, csv string
		opt       OpzioniImport
		want      []string
	}{
		{"empty", "", OpzioniImport{}, []string{"il file è vuoto"}},
		{"blank lines only", "\r\n \r\n;;;\r\n", OpzioniImport{}, []string{"il file è vuoto"}},
		{"header only", headerCSV + "\n;;;;;;\n", OpzioniImport{}, []string{"nessuna riga di dati"}},
		{"missing columns", "Nome;Indirizzo\nMario;Via Roma 1\n", OpzioniImport{}, []string{"colonne mancanti: codice_fiscale, oggetto, contenuto"}},
		{"payment pair", "cf;oggetto;contenuto;importo\n", OpzioniImport{},
			[]string{"colonne mancanti: codice_avviso (serve con la colonna importo)"}},
		{"duplicate column", "cf;Codice Fiscale;oggetto;contenuto\n", OpzioniImport{},
			[]string{"le colonne «cf» e «Codice Fiscale» indicano entrambe codice_fiscale: lasciarne una"}},
		{"template column missing", "cf;contenuto\n" + cf + ";" + testoTest + "\n", OpzioniImport{ModelloOggetto: "TARI per {{ Nome }} e {{cf}}"},
			[]string{"il modello dell'oggetto usa {{Nome}}, ma il file non ha la colonna «Nome»"}},
		{"template unterminated", "cf;oggetto\n", OpzioniImport{ModelloContenuto: "Gentile {{nome"},
			[]string{"il modello del contenuto ha «{{» senza «}}»"}},
		{"template empty placeholder", "cf;oggetto\n", OpzioniImport{ModelloContenuto: "Gentile {{ }}"},
			[]string{"il modello del contenuto ha un segnaposto vuoto «{{}}»"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := leggiCSV(t, tc.csv, tc.opt)
			wantMessages(t, "errors", l.Errori, tc.want...)
			if len(l.Righe) != 0 {
				t.Errorf("%d rows after a file-level problem", len(l.Righe))
			}
		})
	}
}

func TestLeggiRefusesWhatIsNotASpreadsheet(t *testing.T) {
	for name, in := range map[string][]byte{
		"xls":    {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0},
		"binary": []byte("codice_fiscale\x00\x01\x02\x03"),
		"cp1252": []byte("codice_fiscale;oggetto;contenuto\nRSSMRA80A01H501U;Citt\xe0;x\n"),
		"docx":   zipWith(t, "word/document.xml"),
	} {
		l, err := Leggi("file."+name, bytes.NewReader(in), OpzioniImport{})
		if err == nil || l != nil {
			t.Errorf("%s: accepted (%v)", name, l)
			continue
		}
		if !errors.Is(err, tabelle.ErrNotSpreadsheet) && !errors.Is(err, tabelle.ErrNotUTF8) {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := Leggi("tributi.xls", bytes.NewReader([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}), OpzioniImport{})
	if err == nil || err.Error() != "tributi.xls: il file non è un foglio Excel .xlsx né un CSV: salvarlo come .xlsx o .csv (UTF-8)" {
		t.Errorf("message: %v", err)
	}
}

func zipWith(t *testing.T, names ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	return b.Bytes()
}

// endlessCSV is a CSV file that never ends: it counts the rows it gave.
type endlessCSV struct {
	cf   string
	rows int
	buf  []byte
}

func (e *endlessCSV) Read(p []byte) (int, error) {
	if len(e.buf) == 0 {
		if e.rows == 0 {
			e.buf = []byte(headerCSV)
		} else {
			e.buf = fmt.Appendf(nil, "%s;Avviso TARI 2026 n. %d;%s;;;;\n", e.cf, e.rows, testoTest)
		}
		e.rows++
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}

func TestLeggiStopsPastMaxRighe(t *testing.T) {
	in := &endlessCSV{cf: cfTest(t, "Rossi", "Mario")}
	l, err := Leggi("infinito.csv", in, OpzioniImport{MaxRighe: 1000, Oggi: oggiTest})
	if err != nil {
		t.Fatal(err)
	}
	wantMessages(t, "errors", l.Errori, "il file ha più di 1.000 righe di dati: dividerlo in più flussi")
	if len(l.Righe) != 0 || in.rows > 2000 {
		t.Errorf("%d rows kept, %d rows read from an endless file", len(l.Righe), in.rows)
	}
	// Exactly MaxRighe rows is fine.
	var b strings.Builder
	b.WriteString(headerCSV)
	for i := range 1000 {
		fmt.Fprintf(&b, "%s;Avviso TARI 2026 n. %d;%s;;;;\n", in.cf, i, testoTest)
	}
	if l := leggiCSV(t, b.String(), OpzioniImport{MaxRighe: 1000}); len(l.Errori) != 0 || len(l.Righe) != 1000 {
		t.Errorf("1000 rows: %d rows, errors %v", len(l.Righe), l.Errori)
	}

	// A workbook past the limit is refused before it is loaded.
	data := xlsxFile(t, func(f *excelize.File, sh string) {
		sw, _ := f.NewStreamWriter(sh)
		sw.SetRow("A1", []any{"codice_fiscale", "oggetto", "contenuto"})
		for i := 2; i <= 1002; i++ {
			sw.SetRow(fmt.Sprintf("A%d", i), []any{in.cf, fmt.Sprintf("Avviso TARI 2026 n. %d", i), testoTest})
		}
		sw.Flush()
	})
	wantMessages(t, "xlsx", leggiXLSX(t, data, OpzioniImport{MaxRighe: 1000}).Errori, "il file ha più di 1.000 righe di dati: dividerlo in più flussi")
	if l := leggiXLSX(t, data, OpzioniImport{MaxRighe: 1001}); len(l.Errori) != 0 || len(l.Righe) != 1001 {
		t.Errorf("1001 rows: %d rows, errors %v", len(l.Righe), l.Errori)
	}
}

func TestLeggiXLSXStructure(t *testing.T) {
	cf := cfTest(t, "Rossi", "Mario")
	data := xlsxFile(t, func(f *excelize.File, sh string) {
		f.SetSheetRow(sh, "A1", &[]any{"ignorato"})
		f.NewSheet("Notifiche")
		n := "Notifiche"
		f.SetSheetRow(n, "A1", &[]any{"codice_fiscale", "oggetto", "contenuto", "importo", "codice_avviso", "note"})
		f.SetSheetRow(n, "A2", &[]any{cf, "Avviso TARI 2026", testoTest, 10, avvisoTest})
		f.SetCellFormula(n, "D2", "5*2")
		f.SetCellFormula(n, "F2", "1+1") // an unused column: no matter
		f.SetSheetRow(n, "A3", &[]any{cf, "Avviso TARI 2026 bis", testoTest})
		f.MergeCell(n, "B3", "C3")
		f.SetSheetRow(n, "A5", &[]any{cf, "Avviso TARI 2026 ter", testoTest, nil, 301000000000000144.0})
	})
	l := leggiXLSX(t, data, OpzioniImport{})
	if l.Foglio != "Notifiche" || fmt.Sprint(l.RigheErrate) != "[2 3 5]" {
		t.Errorf("sheet %q, rows in error %v", l.Foglio, l.RigheErrate)
	}
	wantMessages(t, "errors", l.Errori,
		"riga 3: celle unite (B3:C3) non ammesse: separarle",
		"riga 2, colonna importo: la cella contiene una formula: incollare solo i valori",
		"riga 3, colonna contenuto: mancante",
		"riga 5, colonna importo: mancante: con il codice avviso serve anche l'importo (almeno 0,01 €)",
		"riga 5, colonna codice_avviso: la cella è un numero ed Excel ne ha perso le ultime cifre: formattare la colonna come Testo e reinserire i codici",
	)
}

func TestLeggiNominativo(t *testing.T) {
	cf := cfTest(t, "Rossi", "Mario")
	csv := "cf;nome;cognome;oggetto;contenuto\n" +
		cf + ";Mario;Rossi;Avviso TARI per Mario Rossi;" + testoTest + "\n" +
		cf + ";Anna;Verdi;Avviso TARI 2026 — " + cf + ";" + testoTest + "\n"
	l := leggiCSV(t, csv, OpzioniImport{})
	wantMessages(t, "warnings", l.Avvisi,
		"riga 2, colonna oggetto: l'oggetto sembra contenere il nome del destinatario (mario, rossi): i dati personali non vanno nell'oggetto, che compare nelle notifiche del telefono",
		"riga 3, colonna oggetto: l'oggetto sembra contenere un codice fiscale: i dati personali non vanno nell'oggetto, che compare nelle notifiche del telefono")
	wantMessages(t, "errors", l.Errori)
}

func TestLeggiTemplates(t *testing.T) {
	cf := cfTest(t, "Rossi", "Mario")
	csv := "Codice fiscale;Città;Importo;Codice avviso;Scadenza\n" +
		cf + ";Forlì;1234,5;" + avvisoTest + ";31/03/2027\n" +
		cf + ";Roma;;;\n"
	l := leggiCSV(t, csv, OpzioniImport{
		ModelloOggetto:   "Tributi del Comune di {{CITTÀ}}",
		ModelloContenuto: "Importo {{importo}} €, codice avviso {{ Codice Avviso }}, scadenza {{scadenza}}. " + testoTest,
	})
	wantMessages(t, "errors", l.Errori)
	if len(l.Righe) != 2 || l.Righe[0].Oggetto != "Tributi del Comune di Forlì" ||
		!strings.HasPrefix(l.Righe[0].Contenuto, "Importo 1.234,50 €, codice avviso 301000000000000144, scadenza 31/03/2027. Gentile") ||
		!strings.HasPrefix(l.Righe[1].Contenuto, "Importo  €, codice avviso , scadenza . Gentile") {
		t.Errorf("%+v", l.Righe)
	}
	// Lengths are those of the text after templating.
	l = leggiCSV(t, csv, OpzioniImport{
		ModelloOggetto:   "Tributi del Comune di {{città}}: " + strings.Repeat("x", 92),
		ModelloContenuto: "Gentile cittadino di {{città}}",
	})
	wantMessages(t, "errors", l.Errori,
		"riga 2, colonna oggetto (modello): massimo 120 caratteri, trovati 121",
		"riga 2, colonna contenuto (modello): minimo 80 caratteri, trovati 26",
		"riga 3, colonna contenuto (modello): minimo 80 caratteri, trovati 25")
}

func TestTracciatoImportsCleanly(t *testing.T) {
	for _, formato := range []string{"xlsx", "csv"} {
		var b bytes.Buffer
		if err := Tracciato(&b, formato); err != nil {
			t.Fatal(err)
		}
		l, err := Leggi("tracciato."+formato, &b, OpzioniImport{Servizio: Servizio{ImportoMassimo: 100000}})
		if err != nil {
			t.Fatal(err)
		}
		wantMessages(t, formato+" errors", l.Errori)
		wantMessages(t, formato+" warnings", l.Avvisi)
		if len(l.Righe) != 2 || l.Righe[0].Importo != 12345 || l.Righe[0].Scadenza.IsZero() || l.Righe[1].Importo != 0 ||
			strings.Join(l.Colonne, ",") != strings.Join(campi[:], ",") {
			t.Errorf("%s: %+v", formato, l)
		}
		for _, r := range l.Righe {
			if err := r.Messaggio("STANDARD").Validate(); err != nil {
				t.Errorf("%s: %v", formato, err)
			}
		}
	}
	var b bytes.Buffer
	if err := Tracciato(&b, "xlsx"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Istruzioni")
	if got := strings.Join(f.GetSheetList(), ","); got != "notifiche,Istruzioni" || len(rows) < len(campi)+2 {
		t.Errorf("sheets %s, %d rows of instructions", got, len(rows))
	}
	if err := Tracciato(io.Discard, "ods"); err == nil {
		t.Error("unknown format accepted")
	}
}

// FuzzLeggiCSV: no panics on any bytes; a reading that comes back is
// consistent, and a clean one holds only rows IO would accept.
func FuzzLeggiCSV(f *testing.F) {
	cf := cfTest(f, "Rossi", "Mario")
	seeds := []string{
		headerCSV + cf + ";Avviso TARI 2026;" + testoTest + ";31/03/2027;12,50;" + avvisoTest + ";no\n",
		"cf,oggetto,contenuto\n" + cf + ",\"a,b\",\"" + testoTest + "\"\n",
		"cf;oggetto\n\"aperte;x\n", "", "\uFEFF", ";;;\n;;;\n", "\xff\xfe", "a\x00b",
		headerCSV + cf + ";Avviso TARI 2026;" + testoTest + ";46023;1.234;1;forse\n\n\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Leggi("f.csv", bytes.NewReader(data), OpzioniImport{Oggi: oggiTest, MaxRighe: 50})
		if err != nil {
			if l != nil || err.Error() == "" {
				t.Fatalf("error %v with reading %v", err, l)
			}
			return
		}
		if len(l.Errori) > maxSegnalazioni+1 || len(l.Avvisi) > maxSegnalazioni+1 {
			t.Fatalf("%d errors, %d warnings", len(l.Errori), len(l.Avvisi))
		}
		prev := 1
		for _, r := range l.Righe {
			if r.Numero <= prev {
				t.Fatalf("row numbers not ascending after the header: %d after %d", r.Numero, prev)
			}
			prev = r.Numero
			if l.Errata(r.Numero) {
				continue
			}
			if errs, _ := ValidaRiga(r, Servizio{}, oggiTest, ""); len(errs) > 0 {
				t.Fatalf("row %d not marked in error: %v", r.Numero, errs)
			}
			if err := r.Messaggio(string(appio.FeatureStandard)).Validate(); err != nil {
				t.Fatalf("row %d clean but IO would refuse it: %v", r.Numero, err)
			}
			if r.CodiceAvviso != "" && pagopa.ValidaCodiceAvviso(r.CodiceAvviso) != nil {
				t.Fatalf("row %d: notice %q", r.Numero, r.CodiceAvviso)
			}
		}
	})
}
