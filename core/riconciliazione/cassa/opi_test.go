package cassa

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// fixtures is the folder of the real sample journals, beside the repo.
func fixtures(t testing.TB, parti ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{"..", "..", "..", "..", "shared", "fixtures", "treasury"}, parti...)...)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fixture assenti (%s): %v", dir, err)
	}
	return dir
}

// leggi reads b with Leggi, collecting the movements.
func leggi(t testing.TB, b []byte) (Giornale, []Movimento, error) {
	t.Helper()
	var movs []Movimento
	g, err := Leggi(bytes.NewReader(b), func(m Movimento) error {
		movs = append(movs, m)
		return nil
	})
	return g, movs, err
}

func errori(t *testing.T, err error) tracciato.Errori {
	t.Helper()
	var e tracciato.Errori
	if !errors.As(err, &e) {
		t.Fatalf("atteso tracciato.Errori, ottenuto %T: %v", err, err)
	}
	return e
}

func giorno0(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOPIFixtureValidi(t *testing.T) {
	dir := fixtures(t)
	for _, c := range []struct {
		versione string
		formato  string
		righe    []int // lines of the two kept movements
	}{
		{"1_4", "OPI 1.4", []int{101, 134}},
		{"1_6_1", "OPI 1.6.1/1.7.1/1.8", []int{106, 142}},
		{"1_7_1", "OPI 1.6.1/1.7.1/1.8", []int{106, 142}},
		{"1_8", "OPI 1.6.1/1.7.1/1.8", []int{106, 142}},
	} {
		t.Run(c.versione, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "OPI_GIORNALE_DI_CASSA_V_"+c.versione+".VALID.xml"))
			if err != nil {
				t.Fatal(err)
			}
			g, movs, err := leggi(t, b)
			if err != nil {
				t.Fatalf("giornale valido rifiutato: %v", err)
			}
			if g.Formato != c.formato || g.RigheLette != 4 || g.Eseguiti != 2 || g.Stornati != 0 || g.TotaleEseguiti != 929207 {
				t.Errorf("giornale = %s, %d righe, %d eseguiti (%d cent), %d stornati", g.Formato, g.RigheLette, g.Eseguiti, g.TotaleEseguiti, g.Stornati)
			}
			if want := map[string]int{"USCITA MANDATO ESEGUITO": 2}; fmt.Sprint(g.Scartate) != fmt.Sprint(want) {
				t.Errorf("scartate = %v, attese %v", g.Scartate, want)
			}
			if g.ABI != "03069" || g.Ente != "ABC1DE" || g.CodiceFiscaleEnte != "06144260707" || g.EnteBT != "1316225" ||
				g.IdentificativoFlusso != "GDC-202209302022202209291010285#001#001" || g.Pagina != 1 || g.PagineTotali != 2 || g.Esercizio != 2022 {
				t.Errorf("testata = %+v", g)
			}
			if want := time.Date(2022, 9, 30, 2, 31, 45, 0, roma); !g.DataOraFlusso.Equal(want) {
				t.Errorf("DataOraFlusso = %v, attesa %v", g.DataOraFlusso, want)
			}
			if c.versione == "1_4" {
				if !g.DataInizio.Equal(giorno0("2022-01-01")) || !g.DataFine.Equal(giorno0("2022-12-31")) {
					t.Errorf("periodo = %v – %v", g.DataInizio, g.DataFine)
				}
			} else if !g.DataRiferimento.Equal(giorno0("2022-09-29")) {
				t.Errorf("DataRiferimento = %v", g.DataRiferimento)
			}
			if len(movs) != 2 {
				t.Fatalf("%d movimenti, attesi 2", len(movs))
			}
			want := []Movimento{{
				Riga: c.righe[0], Operazione: Eseguito, Chiave: "2022/74056", Esercizio: 2022, NumeroBolletta: "74056",
				NumeroDocumento: "64422", Importo: 501587, Cliente: "TEST 3", ContoEvidenza: "0000005", ABI: "03069",
				Causale: "MUTUO 620184257 CUP H94G19030460029 TRXID: 0122492727202545 VIA MILANO 4", BollettaStorno: "0",
				TipoEsecuzione: "CASSA", RiferimentoCliente: "HUPBP1  -0019916",
			}, {
				Riga: c.righe[1], Operazione: Eseguito, Chiave: "2022/74060", Esercizio: 2022, NumeroBolletta: "74060",
				NumeroDocumento: "64426", Importo: 427620, Cliente: "TEST 5", ContoEvidenza: "0000005", ABI: "03069",
				Causale: "MUTUO 636278330 CUP H92H19401690074 TRXID: 0122092627273243 VIA MILANO 4", BollettaStorno: "0",
				TipoEsecuzione: "CASSA", RiferimentoCliente: "HUPBP1  -0019920",
			}}
			if c.versione != "1_4" {
				want[0].NumeroMovimento, want[0].IdentificativoFlusso = "205", "00320220930023144"
				want[1].NumeroMovimento, want[1].IdentificativoFlusso = "209", "00320220930023144"
			}
			for i := range want {
				want[i].DataContabile, want[i].DataValuta = giorno0("2022-09-29"), giorno0("2022-09-29")
				if movs[i] != want[i] {
					t.Errorf("movimento %d =\n%+v\natteso\n%+v", i, movs[i], want[i])
				}
			}
		})
	}
}

// The INVALID samples: what makes each invalid must be what is reported.
// 1.4 and 1.6.1 INVALID are the same file (so are the 1.7.1 and 1.8
// pairs): a 1.4-shaped journal (data_inizio_periodo_riferimento) whose
// only schema violation is stato_* "st" (the pattern is [A-Z]{2}); its
// end of period also precedes its start. The 1.7.1/1.8 INVALID differs
// from the VALID only by <pagina>0</pagina> (minimum 1).
func TestOPIFixtureInvalidi(t *testing.T) {
	dir := fixtures(t)
	stati := []tracciato.ErrRiga{
		{Riga: 142, Elemento: "data_fine_periodo_riferimento", Motivo: "la fine del periodo (04/12/2014) precede l'inizio (07/06/2017)"},
		{Riga: 209, Elemento: "stato_cliente", Motivo: "valore «st» non valido: servono 2 lettere maiuscole (codice ISO del paese)"},
		{Riga: 227, Elemento: "stato_delegato", Motivo: "valore «st» non valido: servono 2 lettere maiuscole (codice ISO del paese)"},
		{Riga: 243, Elemento: "stato_creditore_effettivo", Motivo: "valore «st» non valido: servono 2 lettere maiuscole (codice ISO del paese)"},
	}
	pagina := []tracciato.ErrRiga{{Riga: 15, Elemento: "pagina", Motivo: "valore «0» inferiore al minimo 1"}}
	for _, c := range []struct {
		versione string
		want     []tracciato.ErrRiga
	}{{"1_4", stati}, {"1_6_1", stati}, {"1_7_1", pagina}, {"1_8", pagina}} {
		t.Run(c.versione, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "OPI_GIORNALE_DI_CASSA_V_"+c.versione+".INVALID.xml"))
			if err != nil {
				t.Fatal(err)
			}
			var chiamate int
			_, err = Leggi(bytes.NewReader(b), func(Movimento) error { chiamate++; return nil })
			if got := errori(t, err); !slices.Equal(got, c.want) {
				t.Errorf("errori:\n%v\nattesi:\n%v", got, tracciato.Errori(c.want))
			}
			if c.versione == "1_7_1" && chiamate != 0 {
				t.Errorf("%d movimenti passati alla callback di un giornale rifiutato all'inizio", chiamate)
			}
		})
	}
}

// base is a valid 1.6.1 journal from the writer; the cases edit its text.
func base(t testing.TB, versione string, movs ...Movimento) []byte {
	t.Helper()
	if movs == nil {
		movs = []Movimento{movEsempio("1", 1000, Eseguito), movEsempio("2", 2550, Eseguito)}
	}
	var buf bytes.Buffer
	if err := ScriviOPI(&buf, versione, giornaleEsempio(), slices.Values(movs)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func giornaleEsempio() Giornale {
	return Giornale{ABI: "03069", DataOraFlusso: time.Date(2024, 5, 8, 10, 0, 0, 0, roma), Ente: "ABC1DE",
		DescrizioneEnte: "COMUNE DI PROVA", IstatEnte: "012345678", CodiceFiscaleEnte: "00123456789",
		TramiteEnte: "A2A-12345678", TramiteBT: "A2A-87654321", EnteBT: "77",
		IdentificativoFlusso: "GDC-20240508ABCDEFGHIJ#001#001", Pagina: 1, PagineTotali: 1, Esercizio: 2024,
		DataRiferimento: giorno0("2024-05-07"), DataInizio: giorno0("2024-01-01"), DataFine: giorno0("2024-12-31")}
}

func movEsempio(bolletta string, importo int64, op Operazione) Movimento {
	return Movimento{Operazione: op, NumeroBolletta: bolletta, Importo: importo, DataContabile: giorno0("2024-05-07"),
		DataValuta: giorno0("2024-05-06"), Causale: "/PUR/LGPE-RIVERSAMENTO/URI/2024-05-06PPAYITR1XXX-S0001",
		Cliente: "PAGOPA S.P.A.", ContoEvidenza: "0000001", TipoEsecuzione: "ACCREDITO BANCA D'ITALIA"}
}

// riga is the line of the n-th (from 1) occurrence of s in b.
func riga(b []byte, s string, n int) int {
	off := 0
	for ; n > 0; n-- {
		i := bytes.Index(b[off:], []byte(s))
		if i < 0 {
			panic("manca " + s)
		}
		off += i + len(s)
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// sostituisci replaces the n-th occurrence of old.
func sostituisci(b []byte, old, new string, n int) []byte {
	s := string(b)
	off := 0
	for ; n > 1; n-- {
		off += strings.Index(s[off:], old) + len(old)
	}
	i := off + strings.Index(s[off:], old)
	return []byte(s[:i] + new + s[i+len(old):])
}

func TestOPICasi(t *testing.T) {
	b := base(t, "1.6.1")
	firma := b[bytes.Index(b, []byte("  <!-- firma")):bytes.Index(b, []byte("</flusso_giornale_di_cassa>"))]
	senzaFirma := bytes.Replace(b, firma, nil, 1)
	for _, c := range []struct {
		nome     string
		in       []byte
		elemento string
		riga     int
		motivo   string // substring
	}{
		{"valido", b, "", 0, ""},
		{"firma all'inizio", bytes.Replace(senzaFirma, []byte("<flusso_giornale_di_cassa>\n"), append([]byte("<flusso_giornale_di_cassa>\n"), firma...), 1), "", 0, ""},
		{"firma mancante", senzaFirma, "ds:Signature", riga(senzaFirma, "</flusso_giornale_di_cassa>", 1), "firma mancante"},
		{"firma ripetuta", bytes.Replace(b, []byte("<flusso_giornale_di_cassa>\n"), append([]byte("<flusso_giornale_di_cassa>\n"), firma...), 1),
			"ds:Signature", riga(b, "<ds:Signature", 1) + 2, "firma ripetuta"},
		{"importo con tre decimali", sostituisci(b, "<importo>10.00<", "<importo>10.001<", 1), "importo", riga(b, "<importo>", 1), "più di 2 decimali"},
		{"importo zero", sostituisci(b, "<importo>10.00<", "<importo>0.00<", 1), "importo", riga(b, "<importo>", 1), "importo positivo"},
		{"importo con virgola", sostituisci(b, "<importo>10.00<", "<importo>10,00<", 1), "importo", riga(b, "<importo>", 1), "punto come separatore"},
		{"bolletta mancante", sostituisci(b, "<numero_bolletta_quietanza>1</numero_bolletta_quietanza>", "", 1), "numero_bolletta_quietanza", riga(b, "<movimento_conto_evidenza>", 1), "manca"},
		{"bolletta zero", sostituisci(b, "<numero_bolletta_quietanza>1<", "<numero_bolletta_quietanza>000<", 1), "numero_bolletta_quietanza", riga(b, "<numero_bolletta_quietanza>", 1), "è zero"},
		{"elemento sbagliato", sostituisci(b, "<causale>", "<causa>x</causa><causale>", 2), "causa", riga(b, "<causale>", 2), "è atteso <causale>"},
		{"fuori posto", sostituisci(b, "<assoggettamento_bollo>ESENTE BOLLO</assoggettamento_bollo>", "", 1), "cliente", riga(b, "<cliente>", 1), "è atteso <assoggettamento_bollo>"},
		{"ripetuto", sostituisci(b, "</causale>", "</causale>\n<causale>bis</causale>", 1), "causale", riga(b, "</causale>", 1) + 1, "elemento ripetuto"},
		{"obbligatorio mancante in fondo", causaleVia(b), "causale", riga(b, "</movimento_conto_evidenza>", 1) - 1, "elemento obbligatorio mancante in <movimento_conto_evidenza>"},
		{"testo in un elemento complesso", sostituisci(b, "<cliente>", "<cliente>testo", 1), "cliente", riga(b, "<cliente>", 1), "non ammesso dentro <cliente>"},
		{"attributo", sostituisci(b, "<causale>", `<causale id="1">`, 1), "causale", riga(b, "<causale>", 1), `attributo "id"`},
		{"data inesistente", sostituisci(b, "<data_movimento>2024-05-07<", "<data_movimento>2024-02-30<", 1), "data_movimento", riga(b, "<data_movimento>", 1), "data «2024-02-30» non valida"},
		{"valore fuori elenco", sostituisci(b, "<tipo_movimento>ENTRATA<", "<tipo_movimento>entrata<", 1), "tipo_movimento", riga(b, "<tipo_movimento>", 1), "ammessi ENTRATA, USCITA"},
		{"codice ente 1.6.1", sostituisci(b, "<codice_ente>ABC1DE<", "<codice_ente>abc1de<", 1), "codice_ente", riga(b, "<codice_ente>", 1), "codice IPA"},
		{"pagina oltre il totale", sostituisci(b, "<pagina>1<", "<pagina>3<", 1), "pagina", riga(b, "<pagina>", 1), "oltre le pagine totali"},
		{"pagina mancante 1.6.1", sostituisci(b, "<pagina>1</pagina>", "", 1), "pagina", riga(b, "<data_riferimento_GdC>", 1), "obbligatorio mancante"},
		{"vaglia non più ammesso", sostituisci(b, "ACCREDITO BANCA D&#39;ITALIA", "VAGLIA POSTALE", 1), "tipo_esecuzione", riga(b, "<tipo_esecuzione>", 1), "non ammesso"},
		{"versioni incompatibili", sostituisci(sostituisci(b, "ACCREDITO BANCA D&#39;ITALIA", "SEPA INSTANT CREDIT TRANSFER", 2),
			"ACCREDITO BANCA D&#39;ITALIA", "ACCREDITO TESORERIA PROVINCIALE STATO PER TAB A", 1),
			"tipo_esecuzione", riga(b, "<tipo_esecuzione>", 2), "della versione 1.8 del tracciato, mentre i movimenti precedenti sono della versione 1.6.1"},
		{"troncato", b[:bytes.Index(b, []byte("</cliente>"))], "", 0, "XML non valido"},
		{"testo dopo la radice", append(append([]byte(nil), b...), "<altro/>"...), "altro", riga(b, "</flusso_giornale_di_cassa>", 1) + 1, "dopo la chiusura"},
		{"saldi", sostituisci(b, "</informazioni_conto_evidenza>", "<saldo_precedente_conto_evidenza>100.00</saldo_precedente_conto_evidenza>\n"+
			"<totale_entrate_conto_evidenza>35.50</totale_entrate_conto_evidenza>\n<totale_uscite_conto_evidenza>0</totale_uscite_conto_evidenza>\n"+
			"<saldo_finale_conto_evidenza>135.00</saldo_finale_conto_evidenza>\n</informazioni_conto_evidenza>", 1),
			"saldo_finale_conto_evidenza", riga(b, "</informazioni_conto_evidenza>", 1) + 3, "non quadra: saldo precedente 100,00 + entrate 35,50 − uscite 0,00 = 135,50"},
	} {
		t.Run(c.nome, func(t *testing.T) {
			_, movs, err := leggi(t, c.in)
			if c.motivo == "" {
				if err != nil || len(movs) != 2 {
					t.Fatalf("rifiutato (%d movimenti): %v", len(movs), err)
				}
				return
			}
			e := errori(t, err)
			if len(e) == 0 || e[0].Elemento != c.elemento || c.riga > 0 && e[0].Riga != c.riga || !strings.Contains(e[0].Motivo, c.motivo) {
				t.Errorf("errori:\n%v\natteso: riga %d / elemento %s: …%s…", e, c.riga, c.elemento, c.motivo)
			}
			if len(e) > 1 && c.nome != "troncato" {
				t.Errorf("un solo errore atteso, ottenuti:\n%v", e)
			}
		})
	}
}

func causaleVia(b []byte) []byte {
	i := bytes.Index(b, []byte("<causale>"))
	j := bytes.Index(b, []byte("</causale>")) + len("</causale>\n")
	return append(append([]byte(nil), b[:i]...), b[j:]...)
}

func TestOPIVersioni(t *testing.T) {
	for _, c := range []struct {
		versione, tipo, formato string
	}{
		{"1.4", "VAGLIA TESORO", "OPI 1.4"},
		{"1.6.1", "REGOLARIZZAZIONE ACCREDITO BANCA D'ITALIA", "OPI 1.6.1"},
		{"1.7.1", "ASSEGNO DI TRAENZA PER COMMUTAZIONE EX ART 219 TUEL", "OPI 1.7.1/1.8"},
		{"1.8", "SEPA INSTANT CREDIT TRANSFER", "OPI 1.8"},
		{"1.8", "AVVISO PAGOPA", "OPI 1.6.1/1.7.1/1.8"},
	} {
		m := movEsempio("7", 100, Eseguito)
		m.TipoEsecuzione = c.tipo
		g, movs, err := leggi(t, base(t, c.versione, m))
		if err != nil || g.Formato != c.formato || len(movs) != 1 || movs[0].TipoEsecuzione != c.tipo {
			t.Errorf("%s con %q: %s, %d movimenti, %v; atteso %s", c.versione, c.tipo, g.Formato, len(movs), err, c.formato)
		}
	}
	var buf bytes.Buffer
	m := movEsempio("7", 100, Eseguito)
	m.TipoEsecuzione = "SEPA INSTANT CREDIT TRANSFER"
	if err := ScriviOPI(&buf, "1.7.1", giornaleEsempio(), slices.Values([]Movimento{m})); err == nil || !strings.Contains(err.Error(), "non ammesso dalla versione 1.7.1") {
		t.Errorf("lo scrittore accetta un tipo_esecuzione della 1.8 in un giornale 1.7.1: %v", err)
	}
}

func TestOPIStorno(t *testing.T) {
	b := base(t, "1.8", movEsempio("41", 12345, Eseguito), movEsempio("41", 12345, Stornato))
	// Some banks write the storno as a negative amount: same meaning.
	b = sostituisci(b, "<importo>123.45<", "<importo>-123.45<", 2)
	g, movs, err := leggi(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(movs) != 2 || movs[0].Operazione != Eseguito || movs[1].Operazione != Stornato ||
		movs[0].Chiave != "2024/41" || movs[1].Chiave != movs[0].Chiave || movs[1].Importo != 12345 {
		t.Errorf("movimenti = %+v", movs)
	}
	if g.Eseguiti != 1 || g.Stornati != 1 || g.TotaleEseguiti != 12345 || g.TotaleStornati != 12345 {
		t.Errorf("conteggi = %+v", g)
	}
}

func TestOPIScartati(t *testing.T) {
	b := base(t, "1.6.1")
	b = sostituisci(b, "<tipo_operazione>ESEGUITO<", "<tipo_operazione>REGOLARIZZATO<", 1)
	b = sostituisci(b, "<tipo_movimento>ENTRATA<", "<tipo_movimento>USCITA<", 2)
	b = sostituisci(b, "<tipo_documento>SOSPESO ENTRATA<", "<tipo_documento>MANDATO<", 2)
	g, movs, err := leggi(t, b)
	if err != nil || len(movs) != 0 || g.RigheLette != 2 {
		t.Fatalf("%d movimenti, %d righe: %v", len(movs), g.RigheLette, err)
	}
	want := map[string]int{"ENTRATA SOSPESO ENTRATA REGOLARIZZATO": 1, "USCITA MANDATO ESEGUITO": 1}
	if fmt.Sprint(g.Scartate) != fmt.Sprint(want) {
		t.Errorf("scartate = %v", g.Scartate)
	}
}

func TestOPILatin1(t *testing.T) {
	m := movEsempio("5", 700, Eseguito)
	m.Causale, m.Cliente = "Tassa rifiuti — città", "Niccolò Rossi"
	b := base(t, "1.6.1", m)
	b = bytes.Replace(b, []byte(`encoding="UTF-8"`), []byte(`encoding="ISO-8859-1"`), 1)
	b = bytes.Replace(b, []byte("—"), []byte("-"), 1)
	lat, err := charmap.ISO8859_1.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	_, movs, err := leggi(t, lat)
	if err != nil || len(movs) != 1 || movs[0].Causale != "Tassa rifiuti - città" || movs[0].Cliente != "Niccolò Rossi" {
		t.Errorf("%+v: %v", movs, err)
	}
}

func TestOPIFormato(t *testing.T) {
	for nome, in := range map[string]string{
		"vuoto":        "",
		"altra radice": `<?xml version="1.0"?><FlussoRiversamento xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/"/>`,
		"namespace":    `<flusso_giornale_di_cassa xmlns="urn:altro"/>`,
		"non XML":      "<<<>>>",
	} {
		if _, _, err := leggi(t, []byte(in)); !errors.Is(err, tracciato.ErrFormato) {
			t.Errorf("%s: atteso ErrFormato, ottenuto %v", nome, err)
		}
	}
}

func TestOPICallbackErrore(t *testing.T) {
	stop := errors.New("basta")
	n := 0
	_, err := Leggi(bytes.NewReader(base(t, "1.4")), func(Movimento) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err = %v dopo %d chiamate", err, n)
	}
}

func TestOPIMaxErrori(t *testing.T) {
	movs := make([]Movimento, 150)
	for i := range movs {
		movs[i] = movEsempio(fmt.Sprint(i+1), 100, Eseguito)
	}
	b := bytes.ReplaceAll(base(t, "1.6.1", movs...), []byte("<importo>1.00<"), []byte("<importo>1.001<"))
	e := errori(t, func() error { _, _, err := leggi(t, b); return err }())
	if len(e) != tracciato.MaxErrori {
		t.Errorf("%d errori, attesi %d", len(e), tracciato.MaxErrori)
	}
}
