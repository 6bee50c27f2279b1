// Package provider is the client of a PEC provider's provisioning API for
// resellers: owners (titolari), certified mailboxes (caselle), domains,
// documents and the feed of the changes the provider made (activations,
// suspensions, edits).
//
// The sync engine reaches a provider through Adapter; Client implements
// it over HTTP for the sandbox provider (core/sandbox, /provider/api/v1),
// whose shape follows the real provisioning APIs. Owners and mailboxes
// carry a version: an update names the version it is based on, and a
// stale one fails with *ErroreConflitto carrying the provider's current
// record, so that the user can see both and choose.
package provider

import (
	"context"
	"time"
)

// Adapter is what the sync engine needs of a provider.
type Adapter interface {
	CreaTitolare(ctx context.Context, t Titolare) (Titolare, error)
	// AggiornaTitolare sends t based on t.Versione; a stale version is an
	// *ErroreConflitto with the current record.
	AggiornaTitolare(ctx context.Context, t Titolare) (Titolare, error)
	LeggiTitolare(ctx context.Context, id string) (Titolare, error)
	CercaTitolari(ctx context.Context, f FiltroTitolari) ([]Titolare, error)

	CreaCasella(ctx context.Context, c NuovaCasella) (Casella, error)
	LeggiCasella(ctx context.Context, id string) (Casella, error)
	CercaCaselle(ctx context.Context, f FiltroCaselle) ([]Casella, error)
	IndirizzoDisponibile(ctx context.Context, indirizzo string) (Disponibilita, error)
	// AggiornaCasella changes type or owner, based on versione.
	AggiornaCasella(ctx context.Context, id string, versione int64, tipo, idTitolare string) (Casella, error)
	// SospendiCasella, RiattivaCasella and CessaCasella change the status;
	// versione 0 skips the version check.
	SospendiCasella(ctx context.Context, id string, versione int64) (Casella, error)
	RiattivaCasella(ctx context.Context, id string, versione int64) (Casella, error)
	CessaCasella(ctx context.Context, id string, versione int64) (Casella, error)

	Domini(ctx context.Context) ([]Dominio, error)
	LeggiDominio(ctx context.Context, nome string) (Dominio, error)
	VerificaDominio(ctx context.Context, nome string) (Certificabilita, error)
	CertificaDominio(ctx context.Context, nome string) (Dominio, error)
	CaselleDelDominio(ctx context.Context, nome string) ([]Casella, error)

	CaricaDocumento(ctx context.Context, idCasella string, tipo TipoDocumento, nomeFile string, pdf []byte) (Documento, error)
	Documenti(ctx context.Context, idCasella string) ([]Documento, error)

	// Cambiamenti returns the changes after cursore ("" = from the
	// beginning), at most limite (0 = the provider's default).
	Cambiamenti(ctx context.Context, cursore string, limite int) (PaginaCambiamenti, error)
}

// TipoUtente is an owner's userType.
type TipoUtente string

const (
	Azienda                 TipoUtente = "AZIENDA"
	Privato                 TipoUtente = "PRIVATO"
	LiberoProfessionista    TipoUtente = "LIBERO_PROFESSIONISTA"
	DittaIndividuale        TipoUtente = "DITTA_INDIVIDUALE"
	NoProfit                TipoUtente = "NO_PROFIT"
	PubblicaAmministrazione TipoUtente = "PUBBLICA_AMMINISTRAZIONE"
)

// TipiUtente are all the user types, in the provider's order.
var TipiUtente = []TipoUtente{Azienda, Privato, LiberoProfessionista, DittaIndividuale, NoProfit, PubblicaAmministrazione}

// Indirizzo is a postal address.
type Indirizzo struct {
	Via       string `json:"street,omitempty"`
	Comune    string `json:"city,omitempty"`
	Provincia string `json:"province,omitempty"`
	CAP       string `json:"postalCode,omitempty"`
	Nazione   string `json:"country,omitempty"`
}

// Titolare is the owner of mailboxes (person or organisation).
type Titolare struct {
	ID             string     `json:"id,omitempty"`
	TipoUtente     TipoUtente `json:"userType"`
	Nome           string     `json:"firstName,omitempty"`
	Cognome        string     `json:"lastName,omitempty"`
	RagioneSociale string     `json:"companyName,omitempty"`
	CodiceFiscale  string     `json:"fiscalCode"`
	PartitaIVA     string     `json:"vatNumber,omitempty"`
	Email          string     `json:"email"`
	Telefono       string     `json:"phone,omitempty"`
	Indirizzo      *Indirizzo `json:"address,omitempty"`
	// Versione is the provider's version of the record: an update must
	// send the one it is based on.
	Versione   int64      `json:"version,omitempty"`
	CreatoIl   *time.Time `json:"createdAt,omitempty"`
	ModificaIl *time.Time `json:"updatedAt,omitempty"`
}

// Stati of a mailbox.
const (
	StatoInAttesa = "PENDING" // in attesa di attivazione
	StatoAttiva   = "ACTIVE"
	StatoSospesa  = "SUSPENDED"
	StatoCessata  = "CANCELLED"
)

// Stati of a domain.
const (
	DominioInCertificazione = "CERTIFYING"
	DominioCertificato      = "CERTIFIED"
	DominioCessato          = "CANCELLED"
)

// NuovaCasella is a request to activate a mailbox.
type NuovaCasella struct {
	Indirizzo  string `json:"address"` // nome@dominio, the domain one of the reseller's
	IDTitolare string `json:"ownerId"`
	Tipo       string `json:"type,omitempty"` // STANDARD (default), PLUS, PRO
}

// Casella is a certified mailbox (account).
type Casella struct {
	ID         string     `json:"id"`
	Indirizzo  string     `json:"address"`
	Dominio    string     `json:"domain"`
	IDTitolare string     `json:"ownerId"`
	Tipo       string     `json:"type"`
	Stato      string     `json:"status"`
	Versione   int64      `json:"version"`
	CreataIl   time.Time  `json:"createdAt"`
	ModificaIl time.Time  `json:"updatedAt"`
	AttivataIl *time.Time `json:"activatedAt,omitempty"`
	ScadeIl    *time.Time `json:"expiresAt,omitempty"`
}

// Disponibilita says whether a mailbox address can be requested.
type Disponibilita struct {
	Indirizzo   string `json:"address"`
	Disponibile bool   `json:"available"`
	Motivo      string `json:"reason,omitempty"`
}

// Dominio is a domain whose certification the reseller requested.
type Dominio struct {
	Nome          string     `json:"name"`
	Stato         string     `json:"status"`
	Versione      int64      `json:"version"`
	CreatoIl      time.Time  `json:"createdAt"`
	ModificaIl    time.Time  `json:"updatedAt"`
	CertificatoIl *time.Time `json:"certifiedAt,omitempty"`
}

// Certificabilita is the answer to "can this domain be certified?".
type Certificabilita struct {
	Dominio       string `json:"domain"`
	Certificabile bool   `json:"certifiable"`
	Motivo        string `json:"reason,omitempty"`
}

// TipoDocumento is the kind of an uploaded document.
type TipoDocumento string

const (
	Contratto            TipoDocumento = "CONTRATTO"
	RichiestaCredenziali TipoDocumento = "RICHIESTA_CREDENZIALI"
	Subentro             TipoDocumento = "SUBENTRO"
	Cessazione           TipoDocumento = "CESSAZIONE"
	AltroDocumento       TipoDocumento = "ALTRO"
)

// MaxDocumento is the largest PDF the provider accepts.
const MaxDocumento = 5 << 20

// Documento is a PDF uploaded for a mailbox.
type Documento struct {
	ID         string        `json:"id"`
	IDCasella  string        `json:"accountId"`
	Tipo       TipoDocumento `json:"kind"`
	NomeFile   string        `json:"fileName"`
	Byte       int64         `json:"size"`
	SHA256     string        `json:"sha256"`
	CaricatoIl time.Time     `json:"uploadedAt"`
}

// Cambiamento is one entry of the provider's feed: the record after the
// change.
type Cambiamento struct {
	Seq      int64     `json:"seq"`
	Il       time.Time `json:"at"`
	Entita   string    `json:"entity"` // owner, account, domain, document
	ID       string    `json:"id"`
	Evento   string    `json:"event"`  // CREATED, UPDATED, ACTIVATED, SUSPENDED, CANCELLED, CERTIFIED, UPLOADED
	Origine  string    `json:"source"` // client (through the API) or provider (by itself)
	Versione int64     `json:"version,omitempty"`

	Titolare  *Titolare  `json:"owner,omitempty"`
	Casella   *Casella   `json:"account,omitempty"`
	Dominio   *Dominio   `json:"domain,omitempty"`
	Documento *Documento `json:"document,omitempty"`
}

// Entities and origins of a Cambiamento.
const (
	EntitaTitolare  = "owner"
	EntitaCasella   = "account"
	EntitaDominio   = "domain"
	EntitaDocumento = "document"

	OrigineClient   = "client"
	OrigineProvider = "provider"
)

// DelProvider says whether the provider made the change by itself (not in
// answer to a client's call).
func (c Cambiamento) DelProvider() bool { return c.Origine == OrigineProvider }

// PaginaCambiamenti is a page of the feed.
type PaginaCambiamenti struct {
	Cambiamenti []Cambiamento `json:"changes"`
	// Cursore is what to pass next; keep it only after the page is applied.
	Cursore string `json:"cursor"`
	Altri   bool   `json:"hasMore"`
}

// FiltroTitolari selects owners; empty fields match all.
type FiltroTitolari struct {
	CodiceFiscale  string
	Nome           string // prefix, case-insensitive
	Cognome        string
	RagioneSociale string
	Email          string
	TipoUtente     TipoUtente
}

// FiltroCaselle selects mailboxes; empty fields match all.
type FiltroCaselle struct {
	Dominio    string
	IDTitolare string
	Stato      string
	Indirizzo  string    // prefix
	Dal, Al    time.Time // creation date range, zero = open
}
