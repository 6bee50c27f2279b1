package cassa

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

func TestXLSFixture(t *testing.T) {
	dir := fixtures(t, "xls")
	leggiF := func(nome string) (Giornale, []Movimento, error) {
		b, err := os.ReadFile(filepath.Join(dir, nome))
		if err != nil {
			t.Fatal(err)
		}
		return leggi(t, b)
	}
	// The fixtures repeat the test data: the movements differ by date,
	// amount, ABI/CAB and the IUF in the extended description.
	g, ok1, err := leggiF("IPA_TEST_1_XLS_ALL_RECORDS_OK.xls")
	if err != nil {
		t.Fatal(err)
	}
	if g.Formato != "XLS" || g.Foglio != "R_VENETO-20240508_BIS" || g.RigheLette != 5 || g.Eseguiti != 4 || g.TotaleEseguiti != 5036 || g.Scartate["USCITA"] != 1 {
		t.Errorf("giornale = %+v", g)
	}
	if len(ok1) != 4 {
		t.Fatalf("%d movimenti", len(ok1))
	}
	m := ok1[0]
	if m.Riga != 2 || m.Operazione != Eseguito || m.ABI != "02008" || m.CAB != "02017" || m.ContoEvidenza != "000101059865" ||
		!m.DataContabile.Equal(giorno0("2024-07-21")) || !m.DataValuta.Equal(giorno0("2024-07-21")) || m.Importo != 1234 ||
		m.CodiceCausale != "48BO" || m.RiferimentoBanca != "0920299486000106" || m.Descrizione != "Data Ordine: 21/07/2024; Descr" ||
		m.Cliente != "FIDEURAM INTESA SANPAOLO PRIVATE BANKING SPA" || m.Esercizio != 2024 ||
		!strings.Contains(m.Causale, ":RI3:/PUR/LGPE-RIVERSAMENTO/URI/2024-07-26PPAYITR1XXX-S2024072600 :SEC:") {
		t.Errorf("primo movimento = %+v", m)
	}
	var importi []int64
	chiavi := map[string]bool{}
	for _, m := range ok1 {
		importi = append(importi, m.Importo)
		chiavi[m.Chiave] = true
		if !strings.HasPrefix(m.Chiave, "2024/R") {
			t.Errorf("chiave %q", m.Chiave)
		}
	}
	if !slices.Equal(importi, []int64{1234, 1234, 1234, 1334}) || len(chiavi) != 4 {
		t.Errorf("importi %v, %d chiavi distinte", importi, len(chiavi))
	}

	// The same rows with the columns in another order: the same movements.
	_, ok3, err := leggiF("IPA_TEST_3_XLS_WITH_SWAPPED_HEADERS.xls")
	if err != nil || len(ok3) != 4 {
		t.Fatalf("intestazioni scambiate: %d movimenti, %v", len(ok3), err)
	}
	for i := range ok3 {
		if ok3[i].Chiave != ok1[i].Chiave || ok3[i].Importo != ok1[i].Importo || ok3[i].Causale != ok1[i].Causale {
			t.Errorf("movimento %d differisce: %+v / %+v", i, ok3[i], ok1[i])
		}
	}

	g, _, err = leggiF("IPA_TEST_6_XLS_WITH_ONLY_HEADERS.xls")
	if err != nil || g.RigheLette != 0 || g.Tenute() != 0 {
		t.Errorf("solo intestazioni: %+v, %v (un giornale senza movimenti è valido)", g, err)
	}

	// An incomplete row: the cells it lacks are optional.
	_, ok7, err := leggiF("IPA_TEST_7_XLS_WITH_INCOMPLETE_ROW.xls")
	if err != nil || len(ok7) != 2 || ok7[0].Riga != 2 || ok7[1].Riga != 4 || ok7[1].Descrizione != "" || ok7[1].RiferimentoBanca != "" {
		t.Errorf("riga incompleta: %+v, %v", ok7, err)
	}

	for _, c := range []struct {
		file string
		want []tracciato.ErrRiga
	}{
		{"IPA_TEST_2_XLS_WITH_ERRORS.xls", []tracciato.ErrRiga{
			{Riga: 2, Elemento: "DATA CONTABILE (colonna E)", Motivo: "data contabile mancante"},
			{Riga: 3, Elemento: "IMPORTO (colonna G)", Motivo: "importo «amount» non valido: serve un numero come 1234,56"},
			{Riga: 4, Elemento: "DATA VALUTA (colonna F)", Motivo: "data valuta «data» non valida: serve GG/MM/AAAA"},
			{Riga: 5, Elemento: "DESCRIZIONE ESTESA (colonna N)", Motivo: "descrizione estesa mancante: è la causale dell'accredito, che lo collega al flusso di rendicontazione"},
			{Riga: 7, Elemento: "ABI (colonna A)", Motivo: "codice «2013» non valido: servono 5 cifre (se Excel ha tolto gli zeri iniziali, formattare la colonna come testo)"},
			{Riga: 7, Elemento: "IMPORTO (colonna G)", Motivo: "importo mancante"},
		}},
		{"IPA_TEST_4_XLS_WITH_NO_HEADERS.xls", []tracciato.ErrRiga{{Riga: 1, Motivo: "manca la riga di intestazione: la prima riga deve avere i nomi delle colonne (ABI, CAB, CONTO, DIVISA, DATA CONTABILE, DATA VALUTA, IMPORTO, SEGNO, CAUSALE, NUM. ASSEGNO, RIF. BANCA, RIF. CLIENTE, DESCRIZIONE, DESCRIZIONE ESTESA)"}}},
		{"IPA_TEST_5_XLS_EMPTY.xls", []tracciato.ErrRiga{{Motivo: "il foglio «R_VENETO-20240508_BIS» è vuoto: manca la riga di intestazione con i nomi delle colonne"}}},
		{"IPA_TEST_8_XLS_WITH_MISSING_COLUMN.xls", []tracciato.ErrRiga{{Riga: 1, Motivo: "mancano le colonne ABI, CAB"}}},
	} {
		var n int
		b, _ := os.ReadFile(filepath.Join(dir, c.file))
		_, err := Leggi(bytes.NewReader(b), func(Movimento) error { n++; return nil })
		if got := errori(t, err); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n%v\nattesi:\n%v", c.file, got, tracciato.Errori(c.want))
		}
		if n != 0 {
			t.Errorf("%s: %d movimenti passati alla callback di un file da rifiutare", c.file, n)
		}
	}
}

// libroEsempio is a workbook the fixtures don't cover: the journal on a
// second sheet MOVIMENTI, the shared strings continued in a CONTINUE
// record that switches from 8-bit to UTF-16 characters, MULRK, NUMBER,
// LABEL, a formula with a text result, accented Latin-1 text.
func libroEsempio(date1904 bool) []byte {
	lungo := strings.Repeat("A", 300) + "€uro"
	rec1 := append(append(u32(4), u32(4)...), stringaXLS("02008")...)
	rec1 = append(rec1, stringaXLS("000101059865")...)
	rec1 = append(append(rec1, u16(len([]rune(lungo)))...), 0) // 8-bit, then
	rec1 = append(rec1, strings.Repeat("A", 300)...)
	rec2 := append([]byte{1}, caratteriXLS("€uro")[1:]...) // UTF-16 on in the CONTINUE
	rec2 = append(rec2, stringaXLS("Data Ordine: 21/07/2024; Descrizione Ordinante: MARIO ROSSI   VIA ROMA 1 :RI3:/RFB/01234567890123456/12.34")...)
	base := 0
	if date1904 {
		base = 1462
	}
	return libroXLS(func(w *biffW) {
		if date1904 {
			w.rec(recDatemode, u16(1))
		}
	}, [][]byte{rec1, rec2},
		foglioXLS{"Riepilogo", func(w *biffW) { w.rec(recLabel, cellaRC(0, 0), stringaXLS("niente da vedere")) }},
		foglioXLS{"Movimenti", func(w *biffW) {
			intestazioneXLS(w, 0)
			w.rec(recLabelSST, cellaRC(1, 0), u32(0))
			w.rec(recLabel, cellaRC(1, 1), stringaXLS("02017"))
			w.rec(recLabelSST, cellaRC(1, 2), u32(1))
			w.rec(recLabel, cellaRC(1, 3), stringaXLS("EUR"))
			w.rec(recMulRK, u16(1), u16(4), u16(0), rkIntero(45494-base, false), u16(0), rkIntero(45495-base, false),
				u16(0), rkIntero(1234, true), u16(6))
			w.rec(recLabel, cellaRC(1, 7), stringaXLS("+"))
			w.rec(recLabel, cellaRC(1, 8), stringaXLS("48BO"))
			w.rec(recNumber, numeroRec(1, 9, 123))
			w.rec(recLabelSST, cellaRC(1, 10), u32(2))
			w.rec(recLabel, cellaRC(1, 11), stringaXLS("Città"))
			w.rec(recFormula, cellaRC(1, 12), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 8))
			w.rec(recString, stringaXLS("breve"))
			w.rec(recLabelSST, cellaRC(1, 13), u32(3))
			// A debit on row 3 (row 2 left blank).
			w.rec(recLabel, cellaRC(3, 0), stringaXLS("02008"))
			w.rec(recRK, cellaRC(3, 4), rkIntero(45500-base, false))
			w.rec(recRK, cellaRC(3, 6), rkIntero(500, false))
			w.rec(recLabel, cellaRC(3, 7), stringaXLS("-"))
			w.rec(recLabel, cellaRC(3, 13), stringaXLS("commissioni"))
		}})
}

func TestXLSCostruito(t *testing.T) {
	for _, d1904 := range []bool{false, true} {
		g, movs, err := leggi(t, cfbXLS(libroEsempio(d1904)))
		if err != nil {
			t.Fatal(err)
		}
		if g.Foglio != "Movimenti" || g.RigheLette != 2 || g.Scartate["USCITA"] != 1 || len(movs) != 1 {
			t.Fatalf("giornale %+v, %d movimenti", g, len(movs))
		}
		m := movs[0]
		want := Movimento{Riga: 2, Operazione: Eseguito, Chiave: m.Chiave, Esercizio: 2024, DataContabile: giorno0("2024-07-21"),
			DataValuta: giorno0("2024-07-22"), Importo: 1234, ABI: "02008", CAB: "02017", ContoEvidenza: "000101059865",
			CodiceCausale: "48BO", NumeroAssegno: "123", RiferimentoBanca: strings.Repeat("A", 300) + "€uro",
			RiferimentoCliente: "Città", Descrizione: "breve", Cliente: "MARIO ROSSI",
			Causale: "Data Ordine: 21/07/2024; Descrizione Ordinante: MARIO ROSSI   VIA ROMA 1 :RI3:/RFB/01234567890123456/12.34"}
		if m != want {
			t.Errorf("1904=%v:\n%+v\natteso\n%+v", d1904, m, want)
		}
	}
}

func TestXLSRifiutati(t *testing.T) {
	buono := cfbXLS(libroEsempio(false))
	biff5 := libroEsempio(false)
	copy(biff5[4:], u16(0x0500))
	cifrato := libroXLS(func(w *biffW) { w.rec(recFilepass, make([]byte, 6)) }, nil, foglioXLS{"MOVIMENTI", nil})
	disordine := libroXLS(nil, nil, foglioXLS{"MOVIMENTI", func(w *biffW) {
		intestazioneXLS(w, 1)
		w.rec(recLabel, cellaRC(0, 0), stringaXLS("prima"))
	}})
	fat := append([]byte(nil), buono...)
	copy(fat[0x2C:], u32(0x7FFFFFFF))
	for nome, c := range map[string]struct {
		in     []byte
		motivo string
	}{
		"Excel 5":          {cfbXLS(biff5), "Excel 97-2003"},
		"password":         {cfbXLS(cifrato), "protetto da password"},
		"intestazione CFB": {fat, "intestazione OLE2 incoerente"},
		"troncato":         {buono[:1024], "illeggibile"},
		"fuori ordine":     {cfbXLS(disordine), "fuori ordine"},
	} {
		_, _, err := leggi(t, c.in)
		if err == nil || !strings.Contains(err.Error(), c.motivo) {
			t.Errorf("%s: %v, atteso …%s…", nome, err, c.motivo)
		}
	}
}

const intestazioneCSV = "ABI;CAB;CONTO;DIVISA;DATA CONTABILE;DATA VALUTA;IMPORTO;SEGNO;CAUSALE;NUM. ASSEGNO;RIF. BANCA;RIF. CLIENTE;DESCRIZIONE;DESCRIZIONE ESTESA\n"

// rigaCSV is a valid row, with some cells replaced (by column index).
func rigaCSV(cambia map[int]string) string {
	c := []string{"02008", "02017", "000101059865", "EUR", "21/07/2024", "22/07/2024", "1.234,56", "+", "48BO", "",
		"0920299486000106", "", "breve", "Descrizione Ordinante: ENTE PAGATORE   VIA X /PUR/LGPE-RIVERSAMENTO/URI/2024-07-20ABC-1"}
	for i, v := range cambia {
		c[i] = v
	}
	return strings.Join(c, ";") + "\n"
}

func TestCSV(t *testing.T) {
	for _, c := range []struct {
		nome     string
		in       string
		importo  int64
		scartate int
		elemento string // of the first error
		motivo   string
	}{
		{"valido", intestazioneCSV + rigaCSV(nil), 123456, 0, "", ""},
		{"importo col punto", intestazioneCSV + rigaCSV(map[int]string{6: "1234.5"}), 123450, 0, "", ""},
		{"intestazioni a modo loro", strings.ToLower("abi;Cab;Conto;Divisa;Data  contabile;DATA VALUTA;Importo;Segno;Causale;Num Assegno;Rif. Banca;Rif Cliente;Descrizione;Descrizione Estesa\n") + rigaCSV(nil), 123456, 0, "", ""},
		{"data ISO, senza valuta", intestazioneCSV + rigaCSV(map[int]string{4: "2024-07-21", 5: ""}), 123456, 0, "", ""},
		{"addebito col segno meno", intestazioneCSV + rigaCSV(map[int]string{6: "-5,00", 7: ""}), 0, 1, "", ""},
		{"colonna ripetuta", strings.Replace(intestazioneCSV, "CAUSALE", "IMPORTO", 1) + rigaCSV(nil), 0, 0, "IMPORTO", "colonna ripetuta (colonne G e I)"},
		{"divisa", intestazioneCSV + rigaCSV(map[int]string{3: "USD"}), 0, 0, "DIVISA (colonna D)", "divisa «USD» non ammessa"},
		{"segno", intestazioneCSV + rigaCSV(map[int]string{7: "x"}), 0, 0, "SEGNO (colonna H)", "segno «x» non valido"},
		{"tre decimali", intestazioneCSV + rigaCSV(map[int]string{6: "12,345"}), 0, 0, "IMPORTO (colonna G)", "più di 2 decimali"},
		{"negativo col segno", intestazioneCSV + rigaCSV(map[int]string{6: "-5,00"}), 0, 0, "IMPORTO (colonna G)", "importo negativo"},
		{"zero", intestazioneCSV + rigaCSV(map[int]string{6: "0,00"}), 0, 0, "IMPORTO (colonna G)", "importo zero"},
		{"data impossibile", intestazioneCSV + rigaCSV(map[int]string{4: "31/02/2024"}), 0, 0, "DATA CONTABILE (colonna E)", "data contabile «31/02/2024» non valida"},
		{"riga corta", intestazioneCSV + "02008;02017;000101059865;EUR;21/07/2024;;10,00;+\n", 0, 0, "DESCRIZIONE ESTESA (colonna N)", "descrizione estesa mancante"},
	} {
		t.Run(c.nome, func(t *testing.T) {
			g, movs, err := leggi(t, []byte(c.in))
			if c.motivo != "" {
				e := errori(t, err)
				if e[0].Elemento != c.elemento || !strings.Contains(e[0].Motivo, c.motivo) {
					t.Errorf("errori %v, atteso %s: …%s…", e, c.elemento, c.motivo)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.Formato != "CSV" || g.Scartate["USCITA"] != c.scartate || len(movs)+c.scartate != 1 {
				t.Fatalf("%+v, %d movimenti", g, len(movs))
			}
			if len(movs) == 1 {
				m := movs[0]
				if m.Importo != c.importo || m.Riga != 2 || !m.DataContabile.Equal(giorno0("2024-07-21")) || m.Cliente != "ENTE PAGATORE" {
					t.Errorf("%+v", m)
				}
				if want := giorno0("2024-07-22"); strings.Contains(c.nome, "senza valuta") {
					if !m.DataValuta.Equal(m.DataContabile) {
						t.Errorf("senza data valuta: %v", m.DataValuta)
					}
				} else if !m.DataValuta.Equal(want) {
					t.Errorf("data valuta %v", m.DataValuta)
				}
			}
		})
	}
	if _, _, err := leggi(t, []byte(intestazioneCSV+"\xe0\xe8;\n")); !errors.Is(err, tracciato.ErrFormato) {
		t.Errorf("CSV non UTF-8: %v", err)
	}
}

// An .xlsx with the journal on a sheet MOVIMENTI after another one, typed
// cells (numbers, dates): the same movement, and the same Chiave, as the
// CSV with the same data.
func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Riepilogo"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("MOVIMENTI"); err != nil {
		t.Fatal(err)
	}
	riga := []any{"02008", "02017", "000101059865", "EUR", time.Date(2024, 7, 21, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 7, 22, 0, 0, 0, 0, time.UTC), 1234.56, "+", "48BO", "", "0920299486000106", "", "breve",
		"Descrizione Ordinante: ENTE PAGATORE   VIA X /PUR/LGPE-RIVERSAMENTO/URI/2024-07-20ABC-1"}
	intest := make([]any, len(nomiColonne))
	for i, n := range nomiColonne {
		intest[i] = n
	}
	if err := f.SetSheetRow("MOVIMENTI", "A1", &intest); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("MOVIMENTI", "A2", &riga); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, movs, err := leggi(t, buf.Bytes())
	if err != nil || g.Formato != "XLSX" || g.Foglio != "MOVIMENTI" || len(movs) != 1 {
		t.Fatalf("%+v, %d movimenti: %v", g, len(movs), err)
	}
	_, csv, err := leggi(t, []byte(intestazioneCSV+rigaCSV(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if movs[0] != csv[0] {
		t.Errorf("xlsx:\n%+v\ncsv:\n%+v", movs[0], csv[0])
	}
}

func TestTabellaMaxErrori(t *testing.T) {
	in := intestazioneCSV + strings.Repeat(rigaCSV(map[int]string{3: "USD", 6: "x"}), 80)
	e := errori(t, func() error { _, _, err := leggi(t, []byte(in)); return err }())
	if len(e) != tracciato.MaxErrori || e[0].Riga != 2 || e[len(e)-1].Riga != 51 {
		t.Errorf("%d errori, dalla riga %d alla %d", len(e), e[0].Riga, e[len(e)-1].Riga)
	}
}
