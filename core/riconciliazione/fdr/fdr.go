// Package fdr reads pagoPA's reporting flows (flussi di rendicontazione,
// FdR): the FlussoRiversamento XML a PSP sends for each SEPA transfer to an
// ente (schema 1.0.4 and the stand-in variant p4pa), and the same flows
// from the FdR 3 REST API for organizations. Both give a Flusso (the
// header) and its Pagamenti, one by one, so a flow of any size is read in
// constant memory.
package fdr

import (
	"fmt"
	"time"
	_ "time/tzdata" // Windows may lack the zone database
)

// Namespace is the XML namespace of FlussoRiversamento (both variants).
const Namespace = "http://www.digitpa.gov.it/schemas/2011/Pagamenti/"

// Varianti of the FlussoRiversamento schema. A p4pa file differs from a
// 1.0.4 one only by what it may contain (esito 4 and 8, revisioneFlusso),
// so a file is p4pa when it uses any of it, 1.0.4 otherwise.
const (
	Variante104  = "1.0.4"
	VarianteP4PA = "p4pa"
)

// Esito is codiceEsitoSingoloPagamento.
type Esito int

const (
	EsitoEseguito        Esito = 0 // pagamento eseguito
	EsitoRevocato        Esito = 3 // pagamento revocato
	EsitoStandIn         Esito = 4 // eseguito in stand-in (solo p4pa)
	EsitoStandInSenzaRPT Esito = 8 // eseguito in stand-in in assenza di RPT (solo p4pa)
	EsitoSenzaRPT        Esito = 9 // eseguito in assenza di RPT
)

func (e Esito) String() string {
	switch e {
	case EsitoEseguito:
		return "eseguito"
	case EsitoRevocato:
		return "revocato"
	case EsitoStandIn:
		return "eseguito in stand-in"
	case EsitoStandInSenzaRPT:
		return "eseguito in stand-in senza RPT"
	case EsitoSenzaRPT:
		return "eseguito senza RPT"
	}
	return fmt.Sprintf("esito %d", int(e))
}

// soloP4PA reports whether only the stand-in variant admits e.
func (e Esito) soloP4PA() bool { return e == EsitoStandIn || e == EsitoStandInSenzaRPT }

// Istituto is the sender (the PSP) or the receiver (the ente) of a flow.
type Istituto struct {
	// Tipo is tipoIdentificativoUnivoco: G persona giuridica, A codice
	// ABI, B codice BIC; always G for the receiver.
	Tipo          string
	Codice        string // codiceIdentificativoUnivoco
	Denominazione string // optional in the XML
}

// Flusso is a reporting flow's header.
//
// Dates without a time (DataRegolamento, Pagamento.DataEsito) are civil
// dates at midnight UTC; a date-time written without a zone
// (dataOraFlusso, as the Nodo writes it) is Italian time.
type Flusso struct {
	Variante        string // Variante104 or VarianteP4PA; "" for a flow from the REST API
	VersioneOggetto string // "1.0" or "1.1"; "" for a flow from the REST API
	IUF             string // identificativoFlusso
	DataOraFlusso   time.Time
	// IURRegolamento is identificativoUnivocoRegolamento, the reference of
	// the SEPA transfer that settles the flow (e.g. "Bonifico SEPA-03268-A0EDT").
	IURRegolamento    string
	DataRegolamento   time.Time
	IstitutoMittente  Istituto
	BicRiversamento   string // codiceBicBancaDiRiversamento, optional
	IstitutoRicevente Istituto
	// Revisione is revisioneFlusso (p4pa, optional) or the REST revision;
	// 0 when absent.
	Revisione             int64
	NumeroTotalePagamenti int64
	ImportoTotale         int64 // importoTotalePagamenti, cents

	// From the REST API only.
	PSP        string    // sender.pspId
	Dominio    string    // receiver.organizationId, the ente's identificativoDominio
	Pubblicato time.Time // published
}

// Pagamento is one datiSingoliPagamenti.
type Pagamento struct {
	IUV string // identificativoUnivocoVersamento
	IUR string // identificativoUnivocoRiscossione
	// Indice is indiceDatiSingoloPagamento (REST idTransfer), 1..5; 0 when
	// the XML omits it.
	Indice int
	// Importo is singoloImportoPagato in cents; negative only for a
	// revoked payment whose file writes it so.
	Importo   int64
	Esito     Esito
	DataEsito time.Time
	// Riga is the line of <datiSingoliPagamenti> in the XML file; for a
	// flow from the REST API, the payment's index in the flow.
	Riga int
}

// roma is the zone of the date-times the Nodo writes without one.
var roma = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // time/tzdata is embedded
	}
	return l
}()
