package ricevute

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// fixture returns the path of a shared sample file, skipping the test when
// the shared folder is not there.
func fixture(t testing.TB, parti ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "..", "shared", "fixtures"}, parti...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("fixture assente: %v", err)
	}
	return p
}

func leggiFile(t *testing.T, p string) (Ricevuta, error) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return LeggiRT(f)
}

func giorno(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil {
		t, _ = time.Parse("2006-01-02", s)
	}
	return t
}

func TestLeggiRTFixtureValida(t *testing.T) {
	r, err := leggiFile(t, fixture(t, "receipt", "RECEIPT_VALID.xml"))
	if err != nil {
		t.Fatal(err)
	}
	persona := Soggetto{Tipo: "F", Codice: "JHNDOE00A01F205N", Nome: "John Doe", Indirizzo: "street", Civico: "12",
		CAP: "89020", Localita: "city", Provincia: "MI", Nazione: "IT", Email: "john.doe@test.it"}
	want := Ricevuta{
		Versione: 2, IDPA: "77777777777", IDBrokerPA: "77777777777", IDStazione: "77777777777_01",
		ReceiptID: "c110729d258c4ab1b765fe902aae41d6", NoticeNumber: "311111111112222222", CFEnte: "77777777777",
		Outcome: "OK", IUV: "11111111112222222", Importo: 3000, Descrizione: "test", Ente: "company EC1", Ufficio: "office EC",
		Debitore: persona, Versante: &persona,
		PSP:    PSP{ID: "88888888888", CodiceFiscale: "88888888888", PartitaIVA: "88888888888", Nome: "PSP name"},
		Canale: "88888888888_01", DescrizioneCanale: "app", MetodoPagamento: "creditCard",
		Commissione: 200, ConCommissione: true, CommissioneEnte: 50, ConCommissioneEnte: true, IDBundle: "1", IDCiBundle: "2",
		DataPagamento: giorno("2021-10-01T17:48:22"), DataApplicazione: giorno("2021-10-01"), DataTrasferimento: giorno("2021-10-02"),
		Trasferimenti: []Trasferimento{
			{IDTransfer: 1, Importo: 2000, CFEnte: "77777777777", Ente: "company EC1", IBAN: "IT0000000000000000000000000",
				Causale: "remittanceInformation1", Categoria: "0101100IM", MetaDati: map[string]string{"keytest": "1"}},
			{IDTransfer: 2, Importo: 1000, CFEnte: "77777777778", Ente: "company EC2", IBAN: "IT0000000000000000000000001",
				Causale: "remittanceInformation2", Categoria: "0201102IM"},
		},
		Metadata: map[string]string{"keytest3": "21"},
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
}

// The INVALID sample is the VALID one with <idPA> renamed <INVALID>: an
// element the schema does not know, and idPA missing.
func TestLeggiRTFixtureInvalida(t *testing.T) {
	_, err := leggiFile(t, fixture(t, "receipt", "RECEIPT_INVALID.xml"))
	var errs tracciato.Errori
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want tracciato.Errori", err)
	}
	want := "riga 2 / elemento INVALID: elemento non previsto in paSendRTV2Request (atteso idPA)\n" +
		"riga 3 / elemento idPA: elemento obbligatorio mancante (prima di idBrokerPA)"
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
}

// ricevutaEsempio is a complete receipt of either version.
func ricevutaEsempio(versione int) Ricevuta {
	r := Ricevuta{
		Versione: versione, IDPA: "80012345678", IDBrokerPA: "80012345678", IDStazione: "80012345678_01",
		ReceiptID: "4f1e0c7a9b2d4e6f8a0b1c2d3e4f5a6b", NoticeNumber: "301000000000000144", CFEnte: "80012345678",
		Outcome: "OK", IUV: "01000000000000144", Importo: 15000, Descrizione: "TARI 2024 rata 1", Ente: "Comune di Prova",
		Debitore: Soggetto{Tipo: "F", Codice: "RSSMRA85T10A562S", Nome: "Mario Rossi & figli <srl>", Nazione: "IT"},
		PSP:      PSP{ID: "ABI03069", Nome: "Banca di Prova"}, Canale: "ABI03069_01", DescrizioneCanale: "home banking",
		DataPagamento: giorno("2024-01-15T10:30:00"),
		Trasferimenti: []Trasferimento{
			{IDTransfer: 1, Importo: 10000, CFEnte: "80012345678", IBAN: "IT60X0542811101000000123456", Causale: "/RFB/01000000000000144/150.00", Categoria: "9/0101100IM/"},
			{IDTransfer: 2, Importo: 5000, CFEnte: "80098765432", IBAN: "IT60X0542811101000000654321", Causale: "quota provincia", Categoria: "9/0201102IM/",
				MetaDati: map[string]string{"capitolo": "1234", "anno": "2024"}},
		},
	}
	if versione == 2 {
		r.Trasferimenti[1].Ente = "Provincia di Prova"
		r.NotaPagamento = "nota"
		r.CommissioneEnte, r.ConCommissioneEnte = 0, true
	}
	return r
}

// scriviRT writes r as its paSendRT request, every field in schema order.
func scriviRT(r Ricevuta) string {
	var b strings.Builder
	el := func(nome, v string) {
		if v != "" {
			b.WriteString("<" + nome + ">")
			xml.EscapeText(&b, []byte(v))
			b.WriteString("</" + nome + ">")
		}
	}
	imp := func(nome string, c int64, con bool) {
		if con {
			el(nome, tracciato.Euro(c))
		}
	}
	data := func(nome string, t time.Time, layout string) {
		if !t.IsZero() {
			el(nome, t.Format(layout))
		}
	}
	meta := func(m map[string]string) {
		if len(m) == 0 {
			return
		}
		b.WriteString("<metadata>")
		for k, v := range m {
			b.WriteString("<mapEntry>")
			el("key", k)
			el("value", v)
			b.WriteString("</mapEntry>")
		}
		b.WriteString("</metadata>")
	}
	sogg := func(nome string, s Soggetto) {
		b.WriteString("<" + nome + "><uniqueIdentifier>")
		el("entityUniqueIdentifierType", s.Tipo)
		el("entityUniqueIdentifierValue", s.Codice)
		b.WriteString("</uniqueIdentifier>")
		el("fullName", s.Nome)
		el("streetName", s.Indirizzo)
		el("civicNumber", s.Civico)
		el("postalCode", s.CAP)
		el("city", s.Localita)
		el("stateProvinceRegion", s.Provincia)
		el("country", s.Nazione)
		el("e-mail", s.Email)
		b.WriteString("</" + nome + ">")
	}
	radice := "paSendRTReq"
	if r.Versione == 2 {
		radice = "paSendRTV2Request"
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<pafn:` + radice + ` xmlns:pafn="` + nsPaForNode + `">` + "\n")
	el("idPA", r.IDPA)
	el("idBrokerPA", r.IDBrokerPA)
	el("idStation", r.IDStazione)
	b.WriteString("<receipt>\n")
	el("receiptId", r.ReceiptID)
	el("noticeNumber", r.NoticeNumber)
	el("fiscalCode", r.CFEnte)
	el("outcome", r.Outcome)
	el("creditorReferenceId", r.IUV)
	imp("paymentAmount", r.Importo, true)
	el("description", r.Descrizione)
	el("companyName", r.Ente)
	el("officeName", r.Ufficio)
	sogg("debtor", r.Debitore)
	b.WriteString("<transferList>\n")
	for _, t := range r.Trasferimenti {
		b.WriteString("<transfer>")
		el("idTransfer", fmt.Sprint(t.IDTransfer))
		imp("transferAmount", t.Importo, true)
		el("fiscalCodePA", t.CFEnte)
		el("companyName", t.Ente)
		el("IBAN", t.IBAN)
		el("MBDAttachment", t.MarcaDaBollo)
		el("remittanceInformation", t.Causale)
		el("transferCategory", t.Categoria)
		meta(t.MetaDati)
		b.WriteString("</transfer>\n")
	}
	b.WriteString("</transferList>\n")
	el("idPSP", r.PSP.ID)
	el("pspFiscalCode", r.PSP.CodiceFiscale)
	el("pspPartitaIVA", r.PSP.PartitaIVA)
	el("PSPCompanyName", r.PSP.Nome)
	el("idChannel", r.Canale)
	el("channelDescription", r.DescrizioneCanale)
	if r.Versante != nil {
		sogg("payer", *r.Versante)
	}
	el("paymentMethod", r.MetodoPagamento)
	el("paymentNote", r.NotaPagamento)
	imp("fee", r.Commissione, r.ConCommissione)
	imp("primaryCiIncurredFee", r.CommissioneEnte, r.ConCommissioneEnte)
	el("idBundle", r.IDBundle)
	el("idCiBundle", r.IDCiBundle)
	data("paymentDateTime", r.DataPagamento, "2006-01-02T15:04:05.999999999Z07:00")
	data("applicationDate", r.DataApplicazione, "2006-01-02Z07:00")
	data("transferDate", r.DataTrasferimento, "2006-01-02Z07:00")
	meta(r.Metadata)
	if r.StandIn {
		el("standIn", "true")
	}
	b.WriteString("</receipt>\n</pafn:" + radice + ">\n")
	return b.String()
}

// uguali compares receipts, times by instant.
func uguali(a, b Ricevuta) bool {
	for _, r := range []*Ricevuta{&a, &b} {
		r.DataPagamento, r.DataApplicazione, r.DataTrasferimento = r.DataPagamento.UTC(), r.DataApplicazione.UTC(), r.DataTrasferimento.UTC()
	}
	return reflect.DeepEqual(a, b)
}

func TestLeggiRTRoundTrip(t *testing.T) {
	for _, v := range []int{1, 2} {
		want := ricevutaEsempio(v)
		got, err := LeggiRT(strings.NewReader(scriviRT(want)))
		if err != nil {
			t.Fatalf("v%d: %v\n%s", v, err, scriviRT(want))
		}
		if !uguali(got, want) {
			t.Fatalf("v%d:\n got %+v\nwant %+v", v, got, want)
		}
	}
}

func TestLeggiRTBustaSOAP(t *testing.T) {
	corpo := strings.TrimPrefix(scriviRT(ricevutaEsempio(2)), `<?xml version="1.0" encoding="UTF-8"?>`)
	for _, ns := range []string{nsSOAP11, nsSOAP12} {
		doc := `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="` + ns + `"><soapenv:Header><x:a xmlns:x="urn:x"><x:b/></x:a></soapenv:Header>` +
			"\n<soapenv:Body>" + corpo + "</soapenv:Body></soapenv:Envelope>\n"
		r, err := LeggiRT(strings.NewReader(doc))
		if err != nil || r.IUV != "01000000000000144" || r.Versione != 2 {
			t.Fatalf("%s: %+v %v", ns, r, err)
		}
	}
	_, err := LeggiRT(strings.NewReader(`<s:Envelope xmlns:s="` + nsSOAP11 + `"><s:Body/></s:Envelope>`))
	if !errors.Is(err, tracciato.ErrFormato) {
		t.Fatalf("empty body: %v", err)
	}
	_, err = LeggiRT(strings.NewReader(`<s:Envelope xmlns:s="` + nsSOAP11 + `"><s:Body>` + corpo + `<extra/></s:Body></s:Envelope>`))
	if err == nil || !strings.Contains(err.Error(), "elemento extra: elemento non previsto dopo la ricevuta in Body") {
		t.Fatalf("extra element: %v", err)
	}
}

func TestLeggiRTCasi(t *testing.T) {
	v1 := scriviRT(ricevutaEsempio(1))
	v2 := scriviRT(ricevutaEsempio(2))
	sost := func(doc, da, a string) string {
		if !strings.Contains(doc, da) {
			t.Fatalf("%q not in sample", da)
		}
		return strings.Replace(doc, da, a, 1)
	}
	transfer3 := "<transfer><idTransfer>3</idTransfer><transferAmount>1.00</transferAmount><fiscalCodePA>80012345678</fiscalCodePA>" +
		"<IBAN>IT60X0542811101000000123456</IBAN><remittanceInformation>x</remittanceInformation><transferCategory>y</transferCategory></transfer>"
	casi := []struct {
		nome, doc string
		errore    string // "" valid; else a line of the error
		formato   bool   // tracciato.ErrFormato
	}{
		{"v1 valida", v1, "", false},
		{"v2 valida", v2, "", false},
		{"importo diverso dai trasferimenti", sost(v1, "<paymentAmount>150.00", "<paymentAmount>151.00"),
			"riga 4 / elemento receipt/paymentAmount: l'importo pagato (151.00) è diverso dalla somma dei trasferimenti (150.00)", false},
		{"importo con virgola", sost(v1, "<paymentAmount>150.00", "<paymentAmount>150,00"),
			`elemento receipt/paymentAmount: importo "150,00" non valido: formato atteso 150.00 (punto e due decimali)`, false},
		{"importo con un decimale", sost(v1, "<paymentAmount>150.00", "<paymentAmount>150.0"),
			`elemento receipt/paymentAmount: importo "150.0" non valido`, false},
		{"trasferimento a zero", sost(v1, "<transferAmount>50.00", "<transferAmount>0.00"),
			"elemento receipt/transferList/transfer[2]/transferAmount: importo zero non ammesso", false},
		{"idTransfer ripetuto", sost(v1, "<idTransfer>2<", "<idTransfer>1<"),
			"elemento receipt/transferList/transfer[2]/idTransfer: idTransfer 1 ripetuto", false},
		{"idTransfer 6", sost(v1, "<idTransfer>2<", "<idTransfer>6<"),
			`idTransfer "6" non valido: ammessi da 1 a 5`, false},
		{"sei trasferimenti", sost(v1, "</transferList>", strings.Repeat(transfer3, 4)+"</transferList>"),
			"elemento receipt/transferList/transfer: elemento ripetuto: ammesso al più 5 volte", false},
		{"codice avviso corto", sost(v1, "<noticeNumber>301000000000000144", "<noticeNumber>30100000000000014"),
			`elemento receipt/noticeNumber: codice avviso "30100000000000014" non valido: attese 18 cifre`, false},
		{"IUV diverso dall'avviso", sost(v1, "<creditorReferenceId>01000000000000144", "<creditorReferenceId>01000000000000145"),
			"elemento receipt/creditorReferenceId: lo IUV 01000000000000145 non corrisponde al codice avviso 301000000000000144 (atteso 01000000000000144)", false},
		{"aux digit 5", sost(v1, "<noticeNumber>3", "<noticeNumber>5"),
			"codice avviso 501000000000000144 non valido: la prima cifra (aux digit) deve essere 0, 1, 2 o 3", false},
		{"receiptId mancante", sost(v1, "<receiptId>4f1e0c7a9b2d4e6f8a0b1c2d3e4f5a6b</receiptId>", ""),
			"elemento receipt/receiptId: elemento obbligatorio mancante (prima di noticeNumber)", false},
		{"fuori ordine", sost(sost(v1, "<description>TARI 2024 rata 1</description>", ""), "<creditorReferenceId>", "<description>TARI 2024 rata 1</description><creditorReferenceId>"),
			"elemento receipt/creditorReferenceId: elemento fuori posto o ripetuto in receipt (atteso companyName)", false},
		{"elemento sconosciuto", sost(v1, "<idPSP>", "<codiceSegreto>1</codiceSegreto><idPSP>"),
			"elemento receipt/codiceSegreto: elemento non previsto in receipt (atteso idPSP)", false},
		{"esito sconosciuto", sost(v1, "<outcome>OK", "<outcome>FORSE"),
			`elemento receipt/outcome: valore "FORSE" non ammesso: valori validi OK, KO`, false},
		{"esito KO", sost(v1, "<outcome>OK", "<outcome>KO"), "", false},
		{"nazione estesa", sost(v1, "<country>IT", "<country>Italia"),
			`elemento receipt/debtor/country: nazione "Italia" non valida`, false},
		{"email", sost(v1, "<country>IT</country>", "<country>IT</country><e-mail>mario@@rossi.it</e-mail>"),
			`elemento receipt/debtor/e-mail: indirizzo e-mail "mario@@rossi.it" non valido`, false},
		{"codice fiscale corto", sost(v1, "<entityUniqueIdentifierValue>RSSMRA85T10A562S", "<entityUniqueIdentifierValue>R"),
			"elemento receipt/debtor/uniqueIdentifier/entityUniqueIdentifierValue: lungo 1 caratteri, ammessi da 2 a 16", false},
		{"metadati ripetuti", sost(v1, "<metadata><mapEntry>", "<metadata><mapEntry><key>anno</key><value>1</value></mapEntry><mapEntry>"),
			`chiave "anno" ripetuta`, false},
		{"data a una cifra", sost(v1, "<paymentDateTime>2024-01-15T10:30:00Z", "<paymentDateTime>2024-01-15T1:30:00"),
			`data "2024-01-15T1:30:00" non valida: formato atteso 2021-10-01T17:48:22`, false},
		{"data con fuso e millisecondi", sost(v1, "<paymentDateTime>2024-01-15T10:30:00Z", "<paymentDateTime>2024-01-15T10:30:00.250+01:00"), "", false},
		{"data senza fuso", sost(v1, "<paymentDateTime>2024-01-15T10:30:00Z", "<paymentDateTime>2024-01-15T10:30:00"), "", false},
		{"data con testo in coda", sost(v1, "<paymentDateTime>2024-01-15T10:30:00Z", "<paymentDateTime>2024-01-15T10:30:00 ora"),
			`data "2024-01-15T10:30:00 ora" non valida`, false},
		{"valore vuoto", sost(v1, "<description>TARI 2024 rata 1</description>", "<description> </description>"),
			"elemento receipt/description: valore vuoto", false},
		{"testo troppo lungo", sost(v1, "<description>TARI 2024 rata 1", "<description>"+strings.Repeat("x", 141)),
			"elemento receipt/description: lungo 141 caratteri, massimo 140", false},
		{"testo in un elemento complesso", sost(v1, "<transferList>", "<transferList>ciao"),
			`elemento receipt/transferList: testo "ciao" non previsto`, false},
		{"foglia con figli", sost(v1, "<description>TARI 2024 rata 1", "<description>TARI<b>2024</b>"),
			"elemento receipt/description: l'elemento non può contenere altri elementi (trovato b)", false},
		{"v1 con companyName nel trasferimento", sost(v1, "<fiscalCodePA>80098765432</fiscalCodePA>", "<fiscalCodePA>80098765432</fiscalCodePA><companyName>P</companyName>"),
			"elemento receipt/transferList/transfer[2]/companyName: elemento non previsto in transfer (atteso IBAN)", false},
		{"v2 marca da bollo", sost(v2, "<IBAN>IT60X0542811101000000654321</IBAN>", "<MBDAttachment>PHRlc3Q+\n c3RhbXA8L3Rlc3Q+</MBDAttachment>"), "", false},
		{"v2 marca da bollo non base64", sost(v2, "<IBAN>IT60X0542811101000000654321</IBAN>", "<MBDAttachment>***</MBDAttachment>"),
			"MBDAttachment non è base64 valido", false},
		{"v2 IBAN e marca da bollo", sost(v2, "<IBAN>IT60X0542811101000000654321</IBAN>", "<IBAN>IT60X0542811101000000654321</IBAN><MBDAttachment>AAAA</MBDAttachment>"),
			"elemento receipt/transferList/transfer[2]/MBDAttachment: elemento ripetuto: ammesso una sola volta", false},
		{"v2 senza IBAN né marca", sost(v2, "<IBAN>IT60X0542811101000000654321</IBAN>", ""),
			"elemento receipt/transferList/transfer[2]/IBAN o MBDAttachment: elemento obbligatorio mancante (prima di remittanceInformation)", false},
		{"namespace estraneo nei figli", sost(v1, "<idPSP>", `<idPSP xmlns="urn:altro">`),
			`elemento receipt/idPSP: namespace "urn:altro" non previsto`, false},
		{"XML troncato", v1[:len(v1)/2], "XML", false},
		{"due ricevute", v1 + strings.TrimPrefix(v1, `<?xml version="1.0" encoding="UTF-8"?>`),
			"elemento paSendRTReq: elemento dopo la fine del documento: un file contiene una sola ricevuta", false},
		{"CSV", "IUD;codIuv\n1;2\n", "", true},
		{"vuoto", "", "", true},
		{"flusso di rendicontazione", `<FlussoRiversamento xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/"/>`, "", true},
		{"namespace sbagliato", strings.ReplaceAll(v1, nsPaForNode, "urn:altro"), "", true},
		{"busta non SOAP", `<Envelope xmlns="urn:x"><Body/></Envelope>`, "", true},
	}
	if len(casi) < 30 {
		t.Fatalf("%d cases", len(casi))
	}
	for _, c := range casi {
		t.Run(c.nome, func(t *testing.T) {
			r, err := LeggiRT(strings.NewReader(c.doc))
			switch {
			case c.formato:
				if !errors.Is(err, tracciato.ErrFormato) {
					t.Fatalf("err = %v, want ErrFormato", err)
				}
			case c.errore == "":
				if err != nil {
					t.Fatal(err)
				}
				if r.Importo == 0 || len(r.Trasferimenti) == 0 {
					t.Fatalf("empty receipt %+v", r)
				}
			default:
				var errs tracciato.Errori
				if !errors.As(err, &errs) || !strings.Contains(err.Error(), c.errore) {
					t.Fatalf("err =\n%v\nwant a line with\n%s", err, c.errore)
				}
				if !reflect.DeepEqual(r, Ricevuta{}) {
					t.Fatalf("a refused receipt came back filled: %+v", r)
				}
			}
		})
	}
}

func TestLeggiRTMassimoErrori(t *testing.T) {
	doc := strings.Replace(scriviRT(ricevutaEsempio(1)), "<idPA>", strings.Repeat("<x/>\n", 3*tracciato.MaxErrori)+"<idPA>", 1)
	_, err := LeggiRT(strings.NewReader(doc))
	var errs tracciato.Errori
	if !errors.As(err, &errs) || len(errs) != tracciato.MaxErrori || errs[0].Riga != 3 || errs[99].Riga != 102 {
		t.Fatalf("%d errors, first %v", len(errs), errs[0])
	}
}

func FuzzLeggiRT(f *testing.F) {
	for _, v := range []int{1, 2} {
		f.Add([]byte(scriviRT(ricevutaEsempio(v))))
	}
	for _, n := range []string{"RECEIPT_VALID.xml", "RECEIPT_INVALID.xml"} {
		p := filepath.Join("..", "..", "..", "..", "shared", "fixtures", "receipt", n)
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := LeggiRT(bytes.NewReader(doc))
		if err != nil {
			var errs tracciato.Errori
			if !errors.Is(err, tracciato.ErrFormato) && (!errors.As(err, &errs) || len(errs) == 0 || len(errs) > tracciato.MaxErrori) {
				t.Fatalf("unexpected error %T %v", err, err)
			}
			return
		}
		var somma int64
		for _, tr := range r.Trasferimenti {
			somma += tr.Importo
		}
		if somma != r.Importo || len(r.Trasferimenti) < 1 || len(r.Trasferimenti) > 5 || r.ReceiptID == "" ||
			r.IUV == "" || r.Versione < 1 || r.Versione > 2 {
			t.Fatalf("accepted an inconsistent receipt %+v", r)
		}
		back, err := LeggiRT(strings.NewReader(scriviRT(r)))
		if err != nil {
			t.Fatalf("rewritten receipt refused: %v\n%s", err, scriviRT(r))
		}
		if !uguali(back, r) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, r)
		}
	})
}
