package sandbox

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/cassa"
)

// ConfigPagamenti is a simulated day of pagoPA payments on the sandbox's
// open debt positions: citizens pay, PSPs send the receipts (paSendRT),
// and the next day settle and report what they collected (FdR), the day
// the treasurer bank credits each flow to the ente (OPI cash journal).
//
// The dates follow pagoPA's timetable, a day D of payments (calendar days:
// the sandbox has no bank holidays):
//   - D: payments and receipts (paymentDateTime in Italian time);
//   - D+1: each PSP orders the SCT of the day's money (dataRegolamento) and
//     publishes its flow, dataOraFlusso at 06:00 Italian time — written
//     in the file without zone, which xs:dateTime and the Nodo read as
//     Italian time, and on the FdR API as the same instant in UTC;
//   - D+1: the treasurer receives the SCT and credits it, data valuta (and
//     data movimento) equal to the settlement date; the cash journal of
//     that day (data_riferimento_GdC D+1, file GDC_<D+1>.xml) is made in
//     the evening, 20:00 Italian time.
//
// So a day paid yesterday (the default) gives flows and a journal dated
// today, none in the future.
type ConfigPagamenti struct {
	// Quota is the share of the VALID positions paid, 0 to 1 (0: 0.7).
	Quota float64
	// Giorno is the day citizens pay (zero: yesterday).
	Giorno   time.Time
	Seed     uint64
	Anomalie AnomaliePagamenti
}

// AnomaliePagamenti is how many of each trouble the day carries, each on
// a different payment, flow or credit, as MyPivot meets them.
type AnomaliePagamenti struct {
	SenzaRicevuta         int // paid and reported, the receipt never arrives (IUV_NO_RT)
	NonRendicontati       int // receipt, never reported in a flow (RT_NO_IUF)
	AccreditoSingolo      int // credited one by one with /RFS/<IUV>/<importo> instead of a flow (RT_TES)
	DoppiaRendicontazione int // the same payment in two flows (DOPPI)
	ImportoDiverso        int // flows credited with a different amount (IUF_TES_DIV_IMP)
	SenzaAccredito        int // flows the treasury never credits (IUF_NO_TES)
	CausaleStorpiata      int // flow credits whose causale the bank mangled (still reconciled)
	RiferimentoIgnoto     int // credits naming a flow nobody published (TES_NO_IUF_OR_IUV)
	MovimentiEstranei     int // credits that are not pagoPA at all (TES_NO_MATCH)
	// Spontanei are payments made on the portal without a notice of the
	// ente's (e.g. a COSAP paid on the fly): receipt and flow, no debt
	// record (RT_NO_IUD).
	Spontanei int
}

// AnomalieDemo puts one of each trouble in the day.
func AnomalieDemo() AnomaliePagamenti {
	return AnomaliePagamenti{1, 1, 1, 1, 1, 1, 2, 1, 2, 1}
}

// EsitoPagamenti says what the day produced.
type EsitoPagamenti struct {
	Pagate   int      `json:"pagate"`
	Importo  int64    `json:"importo"`  // cents paid
	Ricevute []string `json:"ricevute"` // paSendRT files, in dir/ricevute
	Flussi   []string `json:"flussi"`   // IUF of the flows, published on the FdR API and written in dir/rendicontazione
	Giornale string   `json:"giornale"` // the OPI journal, in dir/tesoreria
}

type psp struct{ bic, nome, abi string }

var pspDemo = []psp{
	{"BPPIITRRXXX", "Poste Italiane S.p.A.", "07601"},
	{"UNCRITMMXXX", "UniCredit S.p.A.", "02008"},
	{"BCITITMMXXX", "Intesa Sanpaolo S.p.A.", "03069"},
}

// pagamento is one paid position of the day.
type pagamento struct {
	pos       *gpdPosition
	opt       gpdOption
	psp       psp
	iur       string
	quando    time.Time
	senzaRT   bool
	nonRend   bool
	singolo   bool
	doppio    bool
	flussoIdx int
}

// SimulaPagamenti pays cfg.Quota of the VALID positions and writes, under
// dir, the receipts, the flows (also published on the FdR API) and the
// treasury journal of that day. Positions become PAID as on pagoPA.
func (s *Sandbox) SimulaPagamenti(cfg ConfigPagamenti, dir string) (EsitoPagamenti, error) {
	var out EsitoPagamenti
	if cfg.Quota < 0 || cfg.Quota > 1 {
		return out, fmt.Errorf("quota %.2f: deve essere tra 0 e 1", cfg.Quota)
	}
	if cfg.Quota == 0 {
		cfg.Quota = 0.7
	}
	giorno := cfg.Giorno
	if giorno.IsZero() {
		giorno = s.now().AddDate(0, 0, -1)
	}
	giorno = time.Date(giorno.Year(), giorno.Month(), giorno.Day(), 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(giorno.Unix())))

	g := s.gpd
	g.mu.Lock()
	var aperte []*gpdPosition
	for _, p := range g.positions {
		if p.Status == "VALID" && len(p.PaymentOption) > 0 {
			aperte = append(aperte, p)
		}
	}
	sort.Slice(aperte, func(i, j int) bool { return aperte[i].IUPD < aperte[j].IUPD })
	n := int(float64(len(aperte))*cfg.Quota + 0.5)
	rng.Shuffle(len(aperte), func(i, j int) { aperte[i], aperte[j] = aperte[j], aperte[i] })
	aperte = aperte[:n]
	sort.Slice(aperte, func(i, j int) bool { return aperte[i].IUPD < aperte[j].IUPD })
	pagati := make([]*pagamento, 0, n)
	for i, p := range aperte {
		ora := giorno.Add(8*time.Hour + time.Duration(rng.IntN(12*3600))*time.Second)
		ps := pspDemo[i%len(pspDemo)]
		next := *p
		next.Status, next.PaymentDate = "PAID", &ora
		if err := g.save(&next); err != nil {
			g.mu.Unlock()
			return out, err
		}
		*p = next
		pagati = append(pagati, &pagamento{pos: p, opt: p.PaymentOption[0], psp: ps, quando: ora,
			iur: fmt.Sprintf("%s%s%06d", ps.abi, giorno.Format("060102"), i+1)})
	}
	g.mu.Unlock()
	for k := range cfg.Anomalie.Spontanei {
		iuv := fmt.Sprintf("02%015d", rng.Int64N(1e15))
		c := int64(1500 + 50*rng.IntN(100))
		pos := &gpdPosition{IUPD: "SPONTANEO-" + iuv, FiscalCode: "BNCGNN75C12F205K", FullName: "Giovanni Bianchi"}
		opt := gpdOption{IUV: iuv, NAV: "3" + iuv, Amount: c, Description: "Canone occupazione suolo pubblico",
			Transfer: []gpdTransfer{{IDTransfer: "1", Amount: c, RemittanceInformation: "COSAP temporanea",
				Category: "9/0201133IM/", IBAN: "IT28X0306909606100000063185"}}}
		ps := pspDemo[k%len(pspDemo)]
		pagati = append([]*pagamento{{pos: pos, opt: opt, psp: ps, quando: giorno.Add(10 * time.Hour),
			iur: fmt.Sprintf("%s%s%06d", ps.abi, giorno.Format("060102"), 900000+k)}}, pagati...)
	}
	if len(pagati) == 0 {
		return out, errors.New("nessuna posizione da pagare: generare prima degli avvisi")
	}

	// Anomalies go to distinct payments, taken from the end of the list so
	// the first payments of each PSP stay regular.
	a := cfg.Anomalie
	libero := len(pagati) - 1
	prendi := func(k int, set func(p *pagamento)) {
		for ; k > 0 && libero >= 0; k-- {
			set(pagati[libero])
			libero--
		}
	}
	prendi(a.SenzaRicevuta, func(p *pagamento) { p.senzaRT = true })
	prendi(a.NonRendicontati, func(p *pagamento) { p.nonRend = true })
	prendi(a.AccreditoSingolo, func(p *pagamento) { p.singolo = true })
	prendi(a.DoppiaRendicontazione, func(p *pagamento) { p.doppio = true })

	for _, sub := range []string{"ricevute", "rendicontazione", "tesoreria"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return out, err
		}
	}
	ente := s.cfg.Services[0]
	for _, p := range pagati {
		out.Pagate++
		out.Importo += p.opt.Amount
		if p.senzaRT {
			continue
		}
		f := filepath.Join(dir, "ricevute", fmt.Sprintf("RT_%s_%s.xml", p.opt.IUV, p.iur))
		if err := scriviFile(f, func(w *bufio.Writer) error { return scriviRT(w, g.org, ente.Name, p) }); err != nil {
			return out, err
		}
		out.Ricevute = append(out.Ricevute, f)
	}

	// One flow per PSP, settled and published the next day (see
	// ConfigPagamenti).
	type flusso struct {
		f     fdrXML
		righe []fdrRigaXML
	}
	var flussi []*flusso
	regola := giorno.AddDate(0, 0, 1)
	for i, ps := range pspDemo {
		fl := &flusso{f: fdrXML{
			IUF:           fmt.Sprintf("%s%s-%04d", regola.Format("2006-01-02"), ps.bic, i+1),
			DataOraFlusso: oraItaliana(regola, 6, 0),
			IUR:           fmt.Sprintf("SCT-%s-%s%04d", ps.abi, regola.Format("20060102"), i+1),
			Regolamento:   regola, PSP: ps, Ente: g.org, NomeEnte: ente.Name}}
		for _, p := range pagati {
			if p.psp != ps || p.nonRend || p.singolo {
				continue
			}
			riga := fdrRigaXML{IUV: p.opt.IUV, IUR: p.iur, Importo: p.opt.Amount,
				Data: time.Date(p.quando.Year(), p.quando.Month(), p.quando.Day(), 0, 0, 0, 0, time.UTC)}
			fl.righe = append(fl.righe, riga)
			if p.doppio {
				fl.righe = append(fl.righe, riga) // the PSP reports it twice
			}
		}
		if len(fl.righe) == 0 {
			continue
		}
		for _, r := range fl.righe {
			fl.f.Totale += r.Importo
		}
		flussi = append(flussi, fl)
	}
	for _, fl := range flussi {
		f := filepath.Join(dir, "rendicontazione", fl.f.IUF+".xml")
		if err := scriviFile(f, func(w *bufio.Writer) error { return scriviFdR(w, fl.f, fl.righe) }); err != nil {
			return out, err
		}
		if err := s.pubblicaFdr(fl.f, fl.righe); err != nil {
			return out, err
		}
		out.Flussi = append(out.Flussi, fl.f.IUF)
	}

	// The treasury credits each flow the day it is settled, value date the
	// settlement date (one credit per flow, causale as pagoPA prescribes),
	// and the single transfers, ordered by the PSPs the same day.
	accredito := regola
	var movimenti []cassa.Movimento
	bolletta := 1000 + rng.IntN(8000)
	nuovo := func(importo int64, causale, cliente string) {
		bolletta++
		movimenti = append(movimenti, cassa.Movimento{Operazione: cassa.Eseguito, Esercizio: accredito.Year(),
			NumeroBolletta: fmt.Sprint(bolletta), DataContabile: accredito, DataValuta: accredito, Importo: importo,
			Causale: causale, Cliente: cliente, ContoEvidenza: "0000001", TipoEsecuzione: "CASSA"})
	}
	storpiature := []func(iuf string) string{
		func(iuf string) string { return "/PUR/LGPE- RIVERSAMENTO/URI/" + iuf },
		func(iuf string) string {
			return "RI1 /PUR/LGPE-RIVERSAMENTO/ URI /" + iuf + " DATA " + accredito.Format("02/01/2006")
		},
		func(iuf string) string { return "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf[:10] + " " + iuf[10:] },
	}
	senzaAccr, diverso, storpiate := a.SenzaAccredito, a.ImportoDiverso, a.CausaleStorpiata
	for i := len(flussi) - 1; i >= 0; i-- {
		fl := flussi[i]
		importo, causale := fl.f.Totale, "/PUR/LGPE-RIVERSAMENTO/URI/"+fl.f.IUF
		switch {
		case senzaAccr > 0:
			senzaAccr--
			continue
		case diverso > 0:
			diverso--
			importo -= 150 // the bank kept a fee
		case storpiate > 0:
			storpiate--
			causale = storpiature[storpiate%len(storpiature)](fl.f.IUF)
		}
		nuovo(importo, causale, fl.f.PSP.nome)
	}
	for _, p := range pagati {
		if p.singolo {
			nuovo(p.opt.Amount, fmt.Sprintf("/RFS/%s/%s", p.opt.IUV, euroPunto(p.opt.Amount)), p.pos.FullName)
		}
	}
	for k := 0; k < a.RiferimentoIgnoto; k++ {
		iuf := fmt.Sprintf("%s%s-%04d", giorno.Format("2006-01-02"), pspDemo[0].bic, 9000+k)
		nuovo(int64(5000+rng.IntN(50000)), "/PUR/LGPE-RIVERSAMENTO/URI/"+iuf, pspDemo[0].nome)
	}
	estranei := []string{"BONIFICO A VOSTRO FAVORE AFFITTO SALA CIVICA", "VERSAMENTO CONTANTI DIRITTI DI SEGRETERIA",
		"GIROCONTO DA REGIONE LOMBARDIA CONTRIBUTO", "RIMBORSO SPESE NOTIFICA"}
	for k := 0; k < a.MovimentiEstranei; k++ {
		nuovo(int64(2000+rng.IntN(200000)), estranei[k%len(estranei)], "ROSSI MARIO")
	}
	sort.SliceStable(movimenti, func(i, j int) bool { return movimenti[i].NumeroBolletta < movimenti[j].NumeroBolletta })
	// The journal of the day of the credits, made that evening.
	gdc := cassa.Giornale{ABI: "03069", DataOraFlusso: oraItaliana(accredito, 20, 0), Ente: "SBX001",
		DescrizioneEnte: strings.ToUpper(ente.Name), IstatEnte: "015146000", CodiceFiscaleEnte: g.org, TramiteEnte: "A2A-00000001",
		TramiteBT: "A2A-00000002", EnteBT: "0000001", IdentificativoFlusso: "GDC-" + accredito.Format("20060102") + "SBX001" + accredito.Format("20060102") + "#001#001",
		Pagina: 1, PagineTotali: 1, Esercizio: accredito.Year(), DataRiferimento: accredito}
	out.Giornale = filepath.Join(dir, "tesoreria", "GDC_"+accredito.Format("20060102")+".xml")
	if err := scriviFile(out.Giornale, func(w *bufio.Writer) error {
		return cassa.ScriviOPI(w, "1.8", gdc, slices.Values(movimenti))
	}); err != nil {
		return out, err
	}
	s.log.Info("sandbox payments simulated", "day", giorno.Format(time.DateOnly), "paid", out.Pagate,
		"receipts", len(out.Ricevute), "flows", len(out.Flussi), "credits", len(movimenti))
	return out, nil
}

// fdrXML is a flow as the sandbox writes and publishes it.
type fdrXML struct {
	IUF, IUR       string
	DataOraFlusso  time.Time
	Regolamento    time.Time
	PSP            psp
	Ente, NomeEnte string
	Totale         int64
}

type fdrRigaXML struct {
	IUV, IUR string
	Importo  int64
	Data     time.Time
}

// pubblicaFdr publishes a flow on the sandbox's FdR API.
func (s *Sandbox) pubblicaFdr(f fdrXML, righe []fdrRigaXML) error {
	flow := FdrFlow{Fdr: f.IUF, FdrDate: f.DataOraFlusso.UTC(),
		Sender: FdrSender{Type: "BIC_CODE", ID: f.PSP.bic, PspID: f.PSP.bic, PspName: f.PSP.nome,
			PspBrokerID: f.PSP.bic, ChannelID: f.PSP.bic + "_01"},
		Receiver:   FdrReceiver{ID: f.Ente, OrganizationID: f.Ente, OrganizationName: f.NomeEnte},
		Regulation: f.IUR, RegulationDate: f.Regolamento.Format(time.DateOnly),
		TotPayments: int64(len(righe)), SumPayments: float64(f.Totale) / 100}
	pays := make([]FdrPayment, len(righe))
	for i, r := range righe {
		pays[i] = FdrPayment{Index: int64(i + 1), IUV: r.IUV, IUR: r.IUR, IDTransfer: 1,
			Pay: float64(r.Importo) / 100, PayStatus: "EXECUTED", PayDate: r.Data}
	}
	_, err := s.fdr.Pubblica(flow, pays)
	return err
}

// scriviFdR writes a FlussoRiversamento 1.0.4 file with the sandbox's own
// code (Sportello's reader checks it, the schema test checks both).
func scriviFdR(w *bufio.Writer, f fdrXML, righe []fdrRigaXML) error {
	type id struct {
		Tipo   string `xml:"tipoIdentificativoUnivoco"`
		Codice string `xml:"codiceIdentificativoUnivoco"`
	}
	type riga struct {
		IUV     string `xml:"identificativoUnivocoVersamento"`
		IUR     string `xml:"identificativoUnivocoRiscossione"`
		Indice  int    `xml:"indiceDatiSingoloPagamento"`
		Importo string `xml:"singoloImportoPagato"`
		Esito   string `xml:"codiceEsitoSingoloPagamento"`
		Data    string `xml:"dataEsitoSingoloPagamento"`
	}
	type flusso struct {
		XMLName         xml.Name `xml:"FlussoRiversamento"`
		NS              string   `xml:"xmlns,attr"`
		Versione        string   `xml:"versioneOggetto"`
		IUF             string   `xml:"identificativoFlusso"`
		DataOra         string   `xml:"dataOraFlusso"`
		IUR             string   `xml:"identificativoUnivocoRegolamento"`
		DataRegolamento string   `xml:"dataRegolamento"`
		Mittente        id       `xml:"istitutoMittente>identificativoUnivocoMittente"`
		NomeMittente    string   `xml:"istitutoMittente>denominazioneMittente"`
		Ricevente       id       `xml:"istitutoRicevente>identificativoUnivocoRicevente"`
		NomeRicevente   string   `xml:"istitutoRicevente>denominazioneRicevente"`
		Numero          int      `xml:"numeroTotalePagamenti"`
		Totale          string   `xml:"importoTotalePagamenti"`
		Righe           []riga   `xml:"datiSingoliPagamenti"`
	}
	// dataOraFlusso without zone is Italian time, as the Nodo writes it.
	x := flusso{NS: "http://www.digitpa.gov.it/schemas/2011/Pagamenti/", Versione: "1.0", IUF: f.IUF,
		DataOra: f.DataOraFlusso.In(romaPagamenti).Format("2006-01-02T15:04:05"), IUR: f.IUR, DataRegolamento: f.Regolamento.Format(time.DateOnly),
		Mittente: id{"B", f.PSP.bic}, NomeMittente: f.PSP.nome, Ricevente: id{"G", f.Ente}, NomeRicevente: f.NomeEnte,
		Numero: len(righe), Totale: euroPunto(f.Totale)}
	for _, r := range righe {
		x.Righe = append(x.Righe, riga{r.IUV, r.IUR, 1, euroPunto(r.Importo), "0", r.Data.Format(time.DateOnly)})
	}
	w.WriteString(xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(x); err != nil {
		return err
	}
	_, err := w.WriteString("\n")
	return err
}

func scriviFile(path string, fn func(w *bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := fn(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func euroPunto(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// romaPagamenti is Italy's zone, where pagoPA's times without zone are.
var romaPagamenti = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // time/tzdata is embedded (pec_ricevute.go)
	}
	return l
}()

// oraItaliana is hh:mm Italian time of day g (a date at midnight UTC).
func oraItaliana(g time.Time, hh, mm int) time.Time {
	return time.Date(g.Year(), g.Month(), g.Day(), hh, mm, 0, 0, romaPagamenti)
}

// The sandbox writes its receipts with its own types (paForNode.xsd's
// paSendRTV2Request), not the reader's, so that each side checks the other.
type rtSoggetto struct {
	Tipo     string `xml:"uniqueIdentifier>entityUniqueIdentifierType"`
	Codice   string `xml:"uniqueIdentifier>entityUniqueIdentifierValue"`
	FullName string `xml:"fullName"`
	Email    string `xml:"e-mail,omitempty"`
}

type rtTransfer struct {
	IDTransfer            int    `xml:"idTransfer"`
	TransferAmount        string `xml:"transferAmount"`
	FiscalCodePA          string `xml:"fiscalCodePA"`
	CompanyName           string `xml:"companyName"`
	IBAN                  string `xml:"IBAN"`
	RemittanceInformation string `xml:"remittanceInformation"`
	TransferCategory      string `xml:"transferCategory"`
}

type rtReceipt struct {
	ReceiptID           string       `xml:"receiptId"`
	NoticeNumber        string       `xml:"noticeNumber"`
	FiscalCode          string       `xml:"fiscalCode"`
	Outcome             string       `xml:"outcome"`
	CreditorReferenceID string       `xml:"creditorReferenceId"`
	PaymentAmount       string       `xml:"paymentAmount"`
	Description         string       `xml:"description"`
	CompanyName         string       `xml:"companyName"`
	Debtor              rtSoggetto   `xml:"debtor"`
	Transfers           []rtTransfer `xml:"transferList>transfer"`
	IDPSP               string       `xml:"idPSP"`
	PSPFiscalCode       string       `xml:"pspFiscalCode"`
	PSPCompanyName      string       `xml:"PSPCompanyName"`
	IDChannel           string       `xml:"idChannel"`
	ChannelDescription  string       `xml:"channelDescription"`
	Payer               *rtSoggetto  `xml:"payer,omitempty"`
	PaymentMethod       string       `xml:"paymentMethod"`
	Fee                 string       `xml:"fee"`
	PaymentDateTime     string       `xml:"paymentDateTime"`
	ApplicationDate     string       `xml:"applicationDate"`
	TransferDate        string       `xml:"transferDate"`
	StandIn             bool         `xml:"standIn"`
}

type rtRequest struct {
	XMLName    xml.Name  `xml:"ns2:paSendRTV2Request"`
	NS         string    `xml:"xmlns:ns2,attr"`
	IDPA       string    `xml:"idPA"`
	IDBrokerPA string    `xml:"idBrokerPA"`
	IDStation  string    `xml:"idStation"`
	Receipt    rtReceipt `xml:"receipt"`
}

func scriviRT(w *bufio.Writer, org, ente string, p *pagamento) error {
	tipo := "F"
	if len(p.pos.FiscalCode) == 11 {
		tipo = "G"
	}
	q := p.quando.In(romaPagamenti)
	req := rtRequest{NS: "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd", IDPA: org, IDBrokerPA: org, IDStation: org + "_01",
		Receipt: rtReceipt{ReceiptID: p.iur, NoticeNumber: p.opt.NAV, FiscalCode: org, Outcome: "OK",
			CreditorReferenceID: p.opt.IUV, PaymentAmount: euroPunto(p.opt.Amount), Description: p.opt.Description,
			CompanyName: ente, Debtor: rtSoggetto{Tipo: tipo, Codice: p.pos.FiscalCode, FullName: p.pos.FullName, Email: p.pos.Email},
			IDPSP: p.psp.bic, PSPFiscalCode: p.psp.bic, PSPCompanyName: p.psp.nome, IDChannel: p.psp.bic + "_01",
			ChannelDescription: "app", PaymentMethod: "creditCard", Fee: "1.00",
			PaymentDateTime: q.Format("2006-01-02T15:04:05"), ApplicationDate: q.Format(time.DateOnly),
			TransferDate: q.AddDate(0, 0, 1).Format(time.DateOnly)}}
	for i, t := range p.opt.Transfer {
		iban := t.IBAN
		if iban == "" {
			iban = t.PostalIBAN
		}
		req.Receipt.Transfers = append(req.Receipt.Transfers, rtTransfer{IDTransfer: i + 1, TransferAmount: euroPunto(t.Amount),
			FiscalCodePA: org, CompanyName: ente, IBAN: iban, RemittanceInformation: t.RemittanceInformation, TransferCategory: t.Category})
	}
	if len(req.Receipt.Transfers) == 0 {
		req.Receipt.Transfers = []rtTransfer{{IDTransfer: 1, TransferAmount: euroPunto(p.opt.Amount), FiscalCodePA: org, CompanyName: ente,
			RemittanceInformation: p.opt.Description, TransferCategory: "9/0101100IM/"}}
	}
	w.WriteString(xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(req); err != nil {
		return err
	}
	_, err := w.WriteString("\n")
	return err
}
