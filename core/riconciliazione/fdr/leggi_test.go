package fdr

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// esempio is the flow of pagoPA's documentation (SANP, "Rendicontazione e
// Cashflow"), with a second, revoked payment; the line numbers below
// count from its first line.
const esempio = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<FlussoRiversamento xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/">
    <versioneOggetto>1.0</versioneOggetto>
    <identificativoFlusso>2021-11-21ABI00000-AABB648200001295</identificativoFlusso>
    <dataOraFlusso>2021-11-22T00:37:32</dataOraFlusso>
    <identificativoUnivocoRegolamento>Bonifico SEPA-00000-AABB0</identificativoUnivocoRegolamento>
    <dataRegolamento>2021-11-21</dataRegolamento>
    <istitutoMittente>
        <identificativoUnivocoMittente>
            <tipoIdentificativoUnivoco>B</tipoIdentificativoUnivoco>
            <codiceIdentificativoUnivoco>ABI00000</codiceIdentificativoUnivoco>
        </identificativoUnivocoMittente>
        <denominazioneMittente>BANCO DI XXXXXXXX SPA</denominazioneMittente>
    </istitutoMittente>
    <istitutoRicevente>
        <identificativoUnivocoRicevente>
            <tipoIdentificativoUnivoco>G</tipoIdentificativoUnivoco>
            <codiceIdentificativoUnivoco>77777777777</codiceIdentificativoUnivoco>
        </identificativoUnivocoRicevente>
        <denominazioneRicevente>COMUNE DI ESEMPIO</denominazioneRicevente>
    </istitutoRicevente>
    <numeroTotalePagamenti>2</numeroTotalePagamenti>
    <importoTotalePagamenti>1244.56</importoTotalePagamenti>
    <datiSingoliPagamenti>
        <identificativoUnivocoVersamento>12210209926737900</identificativoUnivocoVersamento>
        <identificativoUnivocoRiscossione>2130101502302932577</identificativoUnivocoRiscossione>
        <indiceDatiSingoloPagamento>1</indiceDatiSingoloPagamento>
        <singoloImportoPagato>1234.56</singoloImportoPagato>
        <codiceEsitoSingoloPagamento>0</codiceEsitoSingoloPagamento>
        <dataEsitoSingoloPagamento>2021-11-21</dataEsitoSingoloPagamento>
    </datiSingoliPagamenti>
    <datiSingoliPagamenti>
        <identificativoUnivocoVersamento>RF23567483937849450</identificativoUnivocoVersamento>
        <identificativoUnivocoRiscossione>IUR-2</identificativoUnivocoRiscossione>
        <singoloImportoPagato>10.00</singoloImportoPagato>
        <codiceEsitoSingoloPagamento>3</codiceEsitoSingoloPagamento>
        <dataEsitoSingoloPagamento>2021-11-20</dataEsitoSingoloPagamento>
    </datiSingoliPagamenti>
</FlussoRiversamento>
`

func leggiTutto(t *testing.T, xml string) (Flusso, []Pagamento, error) {
	t.Helper()
	var ps []Pagamento
	f, err := Leggi(strings.NewReader(xml), func(p Pagamento) error {
		ps = append(ps, p)
		return nil
	})
	return f, ps, err
}

func giorno(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLeggiEsempio(t *testing.T) {
	f, ps, err := leggiTutto(t, esempio)
	if err != nil {
		t.Fatal(err)
	}
	want := Flusso{
		Variante: Variante104, VersioneOggetto: "1.0", IUF: "2021-11-21ABI00000-AABB648200001295",
		DataOraFlusso:  time.Date(2021, 11, 22, 0, 37, 32, 0, roma),
		IURRegolamento: "Bonifico SEPA-00000-AABB0", DataRegolamento: giorno("2021-11-21"),
		IstitutoMittente:      Istituto{"B", "ABI00000", "BANCO DI XXXXXXXX SPA"},
		IstitutoRicevente:     Istituto{"G", "77777777777", "COMUNE DI ESEMPIO"},
		NumeroTotalePagamenti: 2, ImportoTotale: 124456,
	}
	if !f.DataOraFlusso.Equal(want.DataOraFlusso) {
		t.Errorf("DataOraFlusso %v, want %v", f.DataOraFlusso, want.DataOraFlusso)
	}
	f.DataOraFlusso = want.DataOraFlusso
	if f != want {
		t.Errorf("Flusso\n got %+v\nwant %+v", f, want)
	}
	wantP := []Pagamento{
		{IUV: "12210209926737900", IUR: "2130101502302932577", Indice: 1, Importo: 123456, Esito: EsitoEseguito, DataEsito: giorno("2021-11-21"), Riga: 24},
		{IUV: "RF23567483937849450", IUR: "IUR-2", Importo: 1000, Esito: EsitoRevocato, DataEsito: giorno("2021-11-20"), Riga: 32},
	}
	if fmt.Sprint(ps) != fmt.Sprint(wantP) {
		t.Errorf("Pagamenti\n got %+v\nwant %+v", ps, wantP)
	}
}

// TestLeggiFixtureAltri: the shared real files of other kinds (a receipt,
// cash journals) are refused as not being reporting flows.
func TestLeggiFixtureAltri(t *testing.T) {
	dir := cartellaFixture(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.xml"))
	if len(files) == 0 {
		t.Skip("nessun file XML in " + dir)
	}
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Leggi(fh, func(Pagamento) error { t.Errorf("%s: pagamento letto", name); return nil })
		fh.Close()
		if !errors.Is(err, tracciato.ErrFormato) || !strings.Contains(err.Error(), "atteso <FlussoRiversamento>") {
			t.Errorf("%s: %v, want ErrFormato naming the root", filepath.Base(name), err)
		}
	}
}

// TestLeggiFixtureFdR reads the shared reporting flows, if any:
// fixtures/fdr/*VALID.xml must load, *INVALID.xml be refused.
func TestLeggiFixtureFdR(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(cartellaFixture(t), "fdr", "*.xml"))
	if len(files) == 0 {
		t.Skip("le fixture condivise non hanno ancora flussi di rendicontazione (fixtures/fdr)")
	}
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		f, err := Leggi(fh, func(Pagamento) error { n++; return nil })
		fh.Close()
		switch invalid := strings.Contains(strings.ToUpper(filepath.Base(name)), "INVALID"); {
		case invalid && err == nil:
			t.Errorf("%s: accepted", name)
		case !invalid && err != nil:
			t.Errorf("%s: %v", name, err)
		case !invalid && n != f.NumeroTotalePagamenti:
			t.Errorf("%s: %d pagamenti, numeroTotalePagamenti %d", name, n, f.NumeroTotalePagamenti)
		}
	}
}

func cartellaFixture(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared", "fixtures")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("fixture condivise assenti: " + dir)
	}
	return dir
}

func TestLeggiVariante(t *testing.T) {
	for _, c := range []struct {
		nome, da, a string
		variante    string
		revisione   int64
		esito       Esito
	}{
		{"1.0.4", "", "", Variante104, 0, EsitoEseguito},
		{"revisione", "<dataOraFlusso>", "<revisioneFlusso>7</revisioneFlusso><dataOraFlusso>", VarianteP4PA, 7, EsitoEseguito},
		{"stand-in", "<codiceEsitoSingoloPagamento>0<", "<codiceEsitoSingoloPagamento>4<", VarianteP4PA, 0, EsitoStandIn},
		{"stand-in senza RPT", "<codiceEsitoSingoloPagamento>0<", "<codiceEsitoSingoloPagamento>8<", VarianteP4PA, 0, EsitoStandInSenzaRPT},
		{"senza RPT", "<codiceEsitoSingoloPagamento>0<", "<codiceEsitoSingoloPagamento>9<", Variante104, 0, EsitoSenzaRPT},
	} {
		f, ps, err := leggiTutto(t, strings.Replace(esempio, c.da, c.a, 1))
		if err != nil {
			t.Errorf("%s: %v", c.nome, err)
			continue
		}
		if f.Variante != c.variante || f.Revisione != c.revisione || ps[0].Esito != c.esito {
			t.Errorf("%s: variante %q revisione %d esito %v", c.nome, f.Variante, f.Revisione, ps[0].Esito)
		}
	}
}

func TestLeggiAccetta(t *testing.T) {
	for _, c := range []struct {
		nome, da, a string
		check       func(Flusso, []Pagamento) bool
	}{
		{"revoca negativa", "<singoloImportoPagato>10.00<", "<singoloImportoPagato>-10.00<", func(f Flusso, ps []Pagamento) bool {
			return ps[1].Importo == -1000
		}},
		{"prefisso pay_i", "", "", nil},
		{"dataOra con fuso e frazione", "2021-11-22T00:37:32", "2021-11-21T23:37:32.250Z", func(f Flusso, _ []Pagamento) bool {
			return f.DataOraFlusso.Equal(time.Date(2021, 11, 21, 23, 37, 32, 250e6, time.UTC))
		}},
		{"data con fuso", "<dataRegolamento>2021-11-21<", "<dataRegolamento>2021-11-21+01:00<", func(f Flusso, _ []Pagamento) bool {
			return f.DataRegolamento.Equal(giorno("2021-11-21"))
		}},
		{"spazi attorno ai valori", "<identificativoUnivocoRiscossione>IUR-2<", "<identificativoUnivocoRiscossione>\n   IUR-2\n  <", func(_ Flusso, ps []Pagamento) bool {
			return ps[1].IUR == "IUR-2"
		}},
		{"ordine diverso", "<versioneOggetto>1.0</versioneOggetto>", "", nil}, // moved below
		{"commenti e CDATA", "<denominazioneRicevente>COMUNE DI ESEMPIO<", "<denominazioneRicevente><!-- x --><![CDATA[COMUNE & ESEMPIO]]><", func(f Flusso, _ []Pagamento) bool {
			return f.IstitutoRicevente.Denominazione == "COMUNE & ESEMPIO"
		}},
		{"versione 1.1 e BIC", "<istitutoRicevente>", "<codiceBicBancaDiRiversamento>UNCRITMMXXX</codiceBicBancaDiRiversamento><istitutoRicevente>", func(f Flusso, _ []Pagamento) bool {
			return f.BicRiversamento == "UNCRITMMXXX"
		}},
		{"BOM", "<?xml", "\ufeff<?xml", nil},
	} {
		x := strings.Replace(esempio, c.da, c.a, 1)
		switch c.nome {
		case "prefisso pay_i":
			x = regexp.MustCompile(`<(/?)([a-zA-Z])`).ReplaceAllString(esempio, "<${1}pay_i:$2")
			x = strings.Replace(x, "xmlns=", "xmlns:pay_i=", 1)
		case "revoca negativa":
			x = strings.Replace(x, ">1244.56<", ">1224.56<", 1)
		case "ordine diverso":
			x = strings.Replace(x, "</FlussoRiversamento>", "<versioneOggetto>1.0</versioneOggetto></FlussoRiversamento>", 1)
		}
		f, ps, err := leggiTutto(t, x)
		if err != nil {
			t.Errorf("%s: %v", c.nome, err)
			continue
		}
		if len(ps) != 2 || c.check != nil && !c.check(f, ps) {
			t.Errorf("%s: %+v %+v", c.nome, f, ps)
		}
	}
}

func TestLeggiCodifica(t *testing.T) {
	x := strings.Replace(esempio, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	x = strings.Replace(x, "COMUNE DI ESEMPIO", "COMUNE DI CANTÙ", 1)
	latin1 := bytes.ReplaceAll([]byte(x), []byte("Ù"), []byte{0xd9})
	f, err := Leggi(bytes.NewReader(latin1), func(Pagamento) error { return nil })
	if err != nil || f.IstitutoRicevente.Denominazione != "COMUNE DI CANTÙ" {
		t.Fatalf("%q %v", f.IstitutoRicevente.Denominazione, err)
	}
	_, err = Leggi(strings.NewReader(strings.Replace(esempio, `encoding="UTF-8"`, `encoding="EBCDIC"`, 1)), nil)
	if !errors.Is(err, tracciato.ErrFormato) || !strings.Contains(err.Error(), `codifica "EBCDIC" non supportata`) {
		t.Fatal(err)
	}
}

// errore is the expected problem: "riga N / elemento X: ...motivo...".
type errore struct {
	riga     int
	elemento string
	motivo   string
}

func TestLeggiErrori(t *testing.T) {
	rep := func(pairs ...string) func(string) string {
		return func(s string) string {
			for i := 0; i < len(pairs); i += 2 {
				if !strings.Contains(s, pairs[i]) {
					panic("not in the sample: " + pairs[i])
				}
				s = strings.Replace(s, pairs[i], pairs[i+1], 1)
			}
			return s
		}
	}
	long := strings.Repeat("X", 36)
	for _, c := range []struct {
		nome   string
		muta   func(string) string
		attesi []errore
	}{
		{"manca identificativoFlusso", rep("<identificativoFlusso>2021-11-21ABI00000-AABB648200001295</identificativoFlusso>", ""),
			[]errore{{2, "identificativoFlusso", "obbligatorio: manca in <FlussoRiversamento>"}}},
		{"manca dataEsito", rep("<dataEsitoSingoloPagamento>2021-11-20</dataEsitoSingoloPagamento>", ""),
			[]errore{{32, "dataEsitoSingoloPagamento", "obbligatorio: manca in <datiSingoliPagamenti>"}}},
		{"manca importo", rep("<singoloImportoPagato>10.00</singoloImportoPagato>", ""),
			[]errore{{32, "singoloImportoPagato", "obbligatorio: manca in <datiSingoliPagamenti>"}}},
		{"manca codice mittente", rep("<codiceIdentificativoUnivoco>ABI00000</codiceIdentificativoUnivoco>", ""),
			[]errore{{9, "codiceIdentificativoUnivoco", "obbligatorio: manca in <identificativoUnivocoMittente>"}}},
		{"manca istitutoRicevente", func(s string) string {
			i, j := strings.Index(s, "<istitutoRicevente>"), strings.Index(s, "</istitutoRicevente>")
			return s[:i] + s[j+len("</istitutoRicevente>"):]
		}, []errore{{2, "istitutoRicevente", "obbligatorio"}}},
		{"versione ripetuta", rep("<versioneOggetto>1.0</versioneOggetto>", "<versioneOggetto>1.0</versioneOggetto><versioneOggetto>1.1</versioneOggetto>"),
			[]errore{{3, "versioneOggetto", "ripetuto: compare già alla riga 3"}}},
		{"IUV ripetuto", rep("<identificativoUnivocoVersamento>RF23567483937849450</identificativoUnivocoVersamento>",
			"<identificativoUnivocoVersamento>RF23567483937849450</identificativoUnivocoVersamento>\n<identificativoUnivocoVersamento>X</identificativoUnivocoVersamento>"),
			[]errore{{34, "identificativoUnivocoVersamento", "ripetuto: compare già alla riga 33"}}},
		{"elemento sconosciuto", rep("<dataRegolamento>", "<note>x</note><dataRegolamento>"),
			[]errore{{7, "note", "elemento non previsto in <FlussoRiversamento>"}}},
		{"elemento di altro namespace", rep("<dataRegolamento>", `<x:dataRegolamento xmlns:x="urn:x">2021-11-21</x:dataRegolamento><dataRegolamento>`),
			[]errore{{7, "dataRegolamento", `namespace "urn:x"`}}},
		{"testo fuori posto", rep("<istitutoMittente>", "<istitutoMittente>ciao"),
			[]errore{{9, "istitutoMittente", "testo non previsto"}}},
		{"elemento dentro un valore", rep("<dataRegolamento>2021-11-21", "<dataRegolamento>2021-11-21<b/>"),
			[]errore{{7, "dataRegolamento", "è ammesso solo testo"}}},
		{"versione", rep(">1.0<", ">2.0<"), []errore{{3, "versioneOggetto", `"2.0" non ammessa`}}},
		{"IUF con barra", rep("2021-11-21ABI00000-AABB648200001295", "2021/11/21"),
			[]errore{{4, "identificativoFlusso", "contiene '/'"}}},
		{"IUF lungo", rep("2021-11-21ABI00000-AABB648200001295", long), []errore{{4, "identificativoFlusso", "36 caratteri"}}},
		{"revisione zero", rep("<dataOraFlusso>", "<revisioneFlusso>0</revisioneFlusso><dataOraFlusso>"),
			[]errore{{5, "revisioneFlusso", "intero da 1 a 2147483647"}}},
		{"dataOra senza secondi", rep("2021-11-22T00:37:32", "2021-11-22T00:37"), []errore{{5, "dataOraFlusso", "non è una data e ora"}}},
		{"dataOra inesistente", rep("2021-11-22T00:37:32", "2021-11-22T25:37:32"), []errore{{5, "dataOraFlusso", "non è una data e ora valida"}}},
		{"data inesistente", rep("<dataRegolamento>2021-11-21", "<dataRegolamento>2021-02-30"), []errore{{7, "dataRegolamento", "non è una data valida"}}},
		{"anno zero", rep("<dataRegolamento>2021-11-21", "<dataRegolamento>0000-11-21"), []errore{{7, "dataRegolamento", "non è una data valida"}}},
		{"anno 10000 in Italia", rep("2021-11-22T00:37:32", "9999-12-31T23:30:00-05:00"), []errore{{5, "dataOraFlusso", "non è una data e ora valida"}}},
		{"data italiana", rep("<dataEsitoSingoloPagamento>2021-11-21", "<dataEsitoSingoloPagamento>21/11/2021"),
			[]errore{{30, "dataEsitoSingoloPagamento", "non è una data AAAA-MM-GG"}}},
		{"regolamento lungo", rep("Bonifico SEPA-00000-AABB0", long), []errore{{6, "identificativoUnivocoRegolamento", "36 caratteri"}}},
		{"tipo mittente", rep("<tipoIdentificativoUnivoco>B<", "<tipoIdentificativoUnivoco>X<"), []errore{{10, "tipoIdentificativoUnivoco", `"X" non ammesso`}}},
		{"tipo ricevente", rep("<tipoIdentificativoUnivoco>G<", "<tipoIdentificativoUnivoco>B<"), []errore{{17, "tipoIdentificativoUnivoco", "solo G"}}},
		{"denominazione mittente corta", rep("BANCO DI XXXXXXXX SPA", "BP"), []errore{{13, "denominazioneMittente", "ne sono ammessi da 3 a 70"}}},
		{"latin-1 non dichiarato", rep("COMUNE DI ESEMPIO", "COMUNE DI CANT\xd9"), []errore{{20, "", "testo non in UTF-8"}}},
		{"denominazione ricevente vuota", rep("COMUNE DI ESEMPIO", "  "), []errore{{20, "denominazioneRicevente", "vuoto"}}},
		{"IUV lungo", rep("12210209926737900", long), []errore{{25, "identificativoUnivocoVersamento", "36 caratteri"}}},
		{"indice 6", rep("<indiceDatiSingoloPagamento>1<", "<indiceDatiSingoloPagamento>6<"), []errore{{27, "indiceDatiSingoloPagamento", "intero da 1 a 5"}}},
		{"esito 7", rep("<codiceEsitoSingoloPagamento>0<", "<codiceEsitoSingoloPagamento>7<"), []errore{{29, "codiceEsitoSingoloPagamento", `"7" non ammesso`}}},
		{"un decimale", rep(">1234.56</singolo", ">1234.5</singolo"), []errore{{28, "singoloImportoPagato", "due decimali"}}},
		{"tre decimali", rep(">1234.56</singolo", ">1234.560</singolo"), []errore{{28, "singoloImportoPagato", "due decimali"}}},
		{"virgola", rep(">1234.56</singolo", ">1234,56</singolo"), []errore{{28, "singoloImportoPagato", "due decimali"}}},
		{"zero", rep(">10.00</singolo", ">0.00</singolo"), []errore{{35, "singoloImportoPagato", "il minimo è 0.01"}}},
		{"troppo grande", rep(">1234.56</singolo", ">1000000000.00</singolo"), []errore{{28, "singoloImportoPagato", "supera l'importo massimo"}}},
		{"negativo non revocato", rep(">1234.56</singolo", ">-1234.56</singolo"), []errore{{28, "singoloImportoPagato", "ammesso solo per un pagamento revocato"}}},
		{"totale negativo", rep(">1244.56<", ">-1244.56<"), []errore{{23, "importoTotalePagamenti", "due decimali"}}},
		{"numero zero", rep("<numeroTotalePagamenti>2<", "<numeroTotalePagamenti>0<"), []errore{{22, "numeroTotalePagamenti", "intero da 1 a 15 cifre"}}},
		{"numero diverso", rep("<numeroTotalePagamenti>2<", "<numeroTotalePagamenti>3<"),
			[]errore{{22, "numeroTotalePagamenti", "dichiara 3 pagamenti ma il flusso ne contiene 2"}}},
		{"somma diversa", rep(">1244.56<", ">1244.57<"),
			[]errore{{23, "importoTotalePagamenti", "dichiara 1244.57 ma la somma dei pagamenti è 1244.56"}}},
		{"somma con revoca negativa", rep(">10.00</singolo", ">-10.00</singolo"),
			[]errore{{23, "importoTotalePagamenti", "dichiara 1244.56 ma la somma dei pagamenti è 1224.56"}}},
		{"troncato", func(s string) string { return s[:strings.Index(s, "<singoloImportoPagato>10.00")] },
			[]errore{{35, "", "il file è troncato"}}},
		{"tag sbagliato", rep("</dataRegolamento>", "</dataregolamento>"), []errore{{7, "", "XML non valido"}}},
		{"contenuto dopo la radice", rep("</FlussoRiversamento>", "</FlussoRiversamento><altro/>"), []errore{{39, "altro", "contenuto dopo la chiusura"}}},
		{"più errori in ordine", rep("<identificativoUnivocoRiscossione>IUR-2<", "<identificativoUnivocoRiscossione><", "2021-11-22T00:37:32", "ieri"),
			[]errore{{5, "dataOraFlusso", "non è una data e ora"}, {34, "identificativoUnivocoRiscossione", "vuoto"}}},
	} {
		t.Run(c.nome, func(t *testing.T) {
			_, err := Leggi(strings.NewReader(c.muta(esempio)), func(Pagamento) error { return nil })
			var errs tracciato.Errori
			if !errors.As(err, &errs) {
				t.Fatalf("%v (%T), want tracciato.Errori", err, err)
			}
			if len(errs) != len(c.attesi) {
				t.Fatalf("%d errors, want %d:\n%v", len(errs), len(c.attesi), err)
			}
			for i, w := range c.attesi {
				g := errs[i]
				if g.Riga != w.riga || g.Elemento != w.elemento || !strings.Contains(g.Motivo, w.motivo) {
					t.Errorf("got  %v\nwant riga %d / elemento %s: …%s…", g, w.riga, w.elemento, w.motivo)
				}
			}
		})
	}
}

func TestLeggiFormatoErrato(t *testing.T) {
	for _, c := range []struct{ nome, in, motivo string }{
		{"vuoto", "", "il file è vuoto"},
		{"solo spazi", "  \n ", "il file è vuoto"},
		{"testo", "IUF;IUV;importo\n", "non è un file XML"},
		{"binario", "PK\x03\x04\x00\x00", "non è un file XML"},
		{"altra radice", `<?xml version="1.0"?><RT xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/"/>`, "l'elemento radice è <RT>"},
		{"senza namespace", `<FlussoRiversamento><versioneOggetto>1.0</versioneOggetto></FlussoRiversamento>`, `namespace ""`},
		{"altro namespace", `<FlussoRiversamento xmlns="urn:altro"/>`, `namespace "urn:altro"`},
		{"busta senza flusso", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>`, "non contiene xmlRendicontazione"},
		{"busta di altra primitiva", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ppt:nodoChiediElencoFlussiRendicontazioneRisposta xmlns:ppt="http://ws.pagamenti.telematici.gov/"/></s:Body></s:Envelope>`,
			"contiene nodoChiediElencoFlussiRendicontazioneRisposta"},
		{"fault del Nodo", busta(`<fault><faultCode>PPT_ID_FLUSSO_SCONOSCIUTO</faultCode><faultString>Identificativo flusso sconosciuto</faultString><id>NodoDeiPagamentiSPC</id></fault>`),
			"l'errore PPT_ID_FLUSSO_SCONOSCIUTO: Identificativo flusso sconosciuto"},
		{"busta con un'altra radice", busta("<xmlRendicontazione>" + base64.StdEncoding.EncodeToString([]byte("<RT/>")) + "</xmlRendicontazione>"),
			"contiene <RT>"},
	} {
		_, err := Leggi(strings.NewReader(c.in), func(Pagamento) error { t.Errorf("%s: pagamento", c.nome); return nil })
		if !errors.Is(err, tracciato.ErrFormato) || !strings.Contains(err.Error(), c.motivo) {
			t.Errorf("%s: %v, want ErrFormato …%s…", c.nome, err, c.motivo)
		}
	}
}

func busta(risposta string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ppt="http://ws.pagamenti.telematici.gov/">
  <soapenv:Body>
    <ppt:nodoChiediFlussoRendicontazioneRisposta>
      ` + risposta + `
    </ppt:nodoChiediFlussoRendicontazioneRisposta>
  </soapenv:Body>
</soapenv:Envelope>`
}

// b64 encodes s in lines of 76 characters, CRLF as a character reference
// and LF, as SOAP stacks write base64Binary.
func b64(s string) string {
	e := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(e) > 76 {
		b.WriteString(e[:76] + "&#13;\n")
		e = e[76:]
	}
	return b.String() + e
}

func TestLeggiBusta(t *testing.T) {
	f, ps, err := leggiTutto(t, busta("<xmlRendicontazione>"+b64(esempio)+"</xmlRendicontazione>"))
	if err != nil {
		t.Fatal(err)
	}
	if f.IUF != "2021-11-21ABI00000-AABB648200001295" || f.ImportoTotale != 124456 || len(ps) != 2 || ps[1].Riga != 32 {
		t.Fatalf("%+v %+v", f, ps)
	}

	// Problems inside name the lines of the decoded flow.
	bad := strings.Replace(esempio, "<numeroTotalePagamenti>2<", "<numeroTotalePagamenti>5<", 1)
	_, _, err = leggiTutto(t, busta("<xmlRendicontazione>"+b64(bad)+"</xmlRendicontazione>"))
	var errs tracciato.Errori
	if !errors.As(err, &errs) || len(errs) != 2 || errs[0].Elemento != "xmlRendicontazione" || errs[1].Riga != 22 {
		t.Fatalf("%v", err)
	}

	for _, c := range []struct{ nome, testo, motivo string }{
		{"non base64", "<xmlRendicontazione>!!!!</xmlRendicontazione>", "non è base64 valido"},
		{"elemento dentro", "<xmlRendicontazione>PD94<b/></xmlRendicontazione>", "è ammesso solo testo base64"},
		{"troncato", "<xmlRendicontazione>" + b64(esempio[:200]) + "</xmlRendicontazione>", "il file è troncato"},
	} {
		_, _, err := leggiTutto(t, busta(c.testo))
		if err == nil || !strings.Contains(err.Error(), c.motivo) {
			t.Errorf("%s: %v, want …%s…", c.nome, err, c.motivo)
		}
	}
}

func TestLeggiFnErrore(t *testing.T) {
	stop := errors.New("disco pieno")
	n := 0
	_, err := Leggi(strings.NewReader(esempio), func(Pagamento) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("%v after %d calls", err, n)
	}
}

// TestLeggiDopoErrore: once a problem is found, no payment reaches fn.
func TestLeggiDopoErrore(t *testing.T) {
	x := strings.Replace(esempio, "<codiceEsitoSingoloPagamento>0<", "<codiceEsitoSingoloPagamento>1<", 1)
	_, err := Leggi(strings.NewReader(x), func(p Pagamento) error { t.Errorf("fn(%+v)", p); return nil })
	if err == nil {
		t.Fatal("accepted")
	}
}

func TestLeggiMaxErrori(t *testing.T) {
	var b strings.Builder
	b.WriteString(esempio[:strings.Index(esempio, "    <datiSingoliPagamenti>")])
	for range tracciato.MaxErrori + 50 {
		b.WriteString("<datiSingoliPagamenti><identificativoUnivocoVersamento>1</identificativoUnivocoVersamento></datiSingoliPagamenti>\n")
	}
	b.WriteString("</FlussoRiversamento>")
	_, err := Leggi(strings.NewReader(b.String()), func(Pagamento) error { return nil })
	var errs tracciato.Errori
	if !errors.As(err, &errs) || len(errs) != tracciato.MaxErrori {
		t.Fatalf("%d errors: %v", len(errs), err)
	}
}

// TestLeggiMemoria: a flow of many payments is read with a heap that does
// not grow with them.
func TestLeggiMemoria(t *testing.T) {
	if testing.Short() {
		t.Skip("lungo")
	}
	mis := func(n int64) uint64 {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(Scrivi(pw, flussoDi(n, Variante104), pagamentiDi(n))) }()
		var picco uint64
		var letti int64
		_, err := Leggi(pr, func(Pagamento) error {
			letti++
			if letti%10000 == 0 {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				picco = max(picco, ms.HeapAlloc)
			}
			return nil
		})
		if err != nil || letti != n {
			t.Fatalf("%d: %v", letti, err)
		}
		return picco
	}
	// Keeping the payments would take over 10 MB more.
	small, big := mis(10_000), mis(100_000)
	if big > small+4<<20 {
		t.Fatalf("heap %d bytes with 10k payments, %d with 100k", small, big)
	}
}
