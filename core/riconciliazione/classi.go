package riconciliazione

// Classe is a label of the reconciliation (MyPivot model). A payment
// carries every label whose condition holds; a flow and a treasury
// movement carry exactly one.
type Classe struct {
	Codice      string
	Tipo        string // what it labels: PAGAMENTO, FLUSSO or TESORERIA
	Positiva    bool   // the match is complete, nothing to do
	Descrizione string // for the detail in the UI
}

// Classi are the labels in display rank: the most complete matches first,
// then the anomalies. IUF_TES and TES_IUF_OR_IUV are the positive markers
// of a fully credited flow and of a matched movement, stored so that the
// UI can list them like the others.
var Classi = []Classe{
	{"IUD_RT_IUF_TES", pagamento, true, "Dovuto dell'ente pagato con ricevuta, rendicontato in un flusso accreditato in tesoreria per l'importo esatto."},
	{"RT_IUF_TES", pagamento, true, "Pagamento con ricevuta, rendicontato in un flusso accreditato in tesoreria per l'importo esatto."},
	{"IUD_RT_IUF", pagamento, true, "Dovuto dell'ente pagato con ricevuta e rendicontato in un flusso."},
	{"RT_IUF", pagamento, true, "Pagamento con ricevuta e rendicontato in un flusso."},
	{"RT_TES", pagamento, true, "Pagamento con ricevuta accreditato in tesoreria da un movimento singolo (/RFS/ o /RFB/ con lo IUV)."},
	{"IUF_TES", flusso, true, "Flusso di rendicontazione accreditato in tesoreria per l'importo totale."},
	{"TES_IUF_OR_IUV", tesoreria, true, "Movimento di tesoreria collegato al flusso o alla ricevuta indicati nella causale."},
	{"RT_NO_IUF", pagamento, false, "Pagamento con ricevuta non ancora rendicontato in alcun flusso né accreditato da un movimento singolo."},
	{"RT_NO_IUD", pagamento, false, "Pagamento con ricevuta che non corrisponde ad alcun dovuto dell'ente."},
	{"IUD_NO_RT", pagamento, false, "Dovuto dell'ente senza alcuna ricevuta di pagamento positiva per il suo IUV."},
	{"IUV_NO_RT", pagamento, false, "Pagamento rendicontato in un flusso senza la ricevuta corrispondente."},
	{"DOPPI", pagamento, false, "IUV pagato più di una volta: più ricevute con IUR diversi o lo stesso pagamento rendicontato più volte."},
	{"IUF_NO_TES", flusso, false, "Flusso di rendicontazione non ancora accreditato in tesoreria."},
	{"IUF_TES_DIV_IMP", flusso, false, "Flusso accreditato in tesoreria per un importo diverso dal suo totale."},
	{"TES_NO_IUF_OR_IUV", tesoreria, false, "Movimento di tesoreria la cui causale indica un flusso o uno IUV non presenti."},
	{"TES_NO_MATCH", tesoreria, false, "Movimento di tesoreria la cui causale non indica alcun flusso né IUV riconoscibile."},
}

const (
	pagamento = "PAGAMENTO"
	flusso    = "FLUSSO"
	tesoreria = "TESORERIA"
)

// ClasseDi finds a label by its code.
func ClasseDi(codice string) (Classe, bool) {
	for _, c := range Classi {
		if c.Codice == codice {
			return c, true
		}
	}
	return Classe{}, false
}

// Rango is a label's display rank (0 first), len(Classi) when unknown.
func Rango(codice string) int {
	for i, c := range Classi {
		if c.Codice == codice {
			return i
		}
	}
	return len(Classi)
}
