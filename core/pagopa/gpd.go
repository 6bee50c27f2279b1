package pagopa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// GPD is a client of pagoPA's Gestione Posizioni Debitorie (external API
// v1): the ente's debt positions, one per notice.
type GPD struct {
	BaseURL string // e.g. https://api.platform.pagopa.it/gpd/debt-positions-service/v1
	Key     string // Ocp-Apim-Subscription-Key
	HTTP    *http.Client
}

// Posizione is a debt position (PaymentPositionModel).
type Posizione struct {
	IUPD             string     `json:"iupd"`
	Tipo             string     `json:"type"` // F person, G company
	CodiceFiscale    string     `json:"fiscalCode"`
	Nome             string     `json:"fullName"`
	Via              string     `json:"streetName,omitempty"`
	CAP              string     `json:"postalCode,omitempty"`
	Comune           string     `json:"city,omitempty"`
	Provincia        string     `json:"province,omitempty"`
	Email            string     `json:"email,omitempty"`
	ScadeDaSola      bool       `json:"switchToExpired"`
	Ente             string     `json:"companyName"`
	Ufficio          string     `json:"officeName,omitempty"`
	Stato            string     `json:"status,omitempty"` // DRAFT, VALID, INVALID, EXPIRED, PAID…
	PagataIl         *time.Time `json:"paymentDate,omitempty"`
	OpzioniPagamento []Opzione  `json:"paymentOption"`
}

// Opzione is one way to pay a position (PaymentOptionModel); Sportello
// issues one per position, paid in full.
type Opzione struct {
	CodiceAvviso  string          `json:"nav,omitempty"`
	IUV           string          `json:"iuv"`
	Centesimi     int64           `json:"amount"`
	Descrizione   string          `json:"description"`
	Parziale      bool            `json:"isPartialPayment"`
	Scadenza      time.Time       `json:"dueDate"`
	Trasferimenti []Trasferimento `json:"transfer"`
}

// Trasferimento is where (part of) the money goes (TransferModel).
type Trasferimento struct {
	ID         string `json:"idTransfer"` // "1".."5"
	Centesimi  int64  `json:"amount"`
	Causale    string `json:"remittanceInformation"`
	Tassonomia string `json:"category"`
	IBAN       string `json:"iban,omitempty"`
}

// Stati of a position the dashboard names.
const (
	StatoBozza      = "DRAFT"
	StatoValida     = "VALID"
	StatoAnnullata  = "INVALID"
	StatoScaduta    = "EXPIRED"
	StatoPagata     = "PAID"
	StatoRendiconta = "REPORTED"
)

// ErrPosizioneEsistente is GPD's 409 on create: a position with this IUPD
// (or one of its IUVs) exists already. A rerun reads it back.
var ErrPosizioneEsistente = errors.New("posizione debitoria già presente su GPD")

// ErrPosizioneNonTrovata is GPD's 404.
var ErrPosizioneNonTrovata = errors.New("posizione debitoria non trovata su GPD")

// ErroreGPD is any other answer GPD refused, with its ProblemJson.
type ErroreGPD struct {
	Status    int
	Titolo    string
	Dettaglio string
	// RetryAfter is the server's hint on a 429.
	RetryAfter time.Duration
}

func (e *ErroreGPD) Error() string {
	msg := fmt.Sprintf("GPD: HTTP %d", e.Status)
	if e.Titolo != "" {
		msg += " " + e.Titolo
	}
	if e.Dettaglio != "" {
		msg += ": " + e.Dettaglio
	}
	return msg
}

// Temporanea says whether trying again later may succeed (429, 5xx).
func (e *ErroreGPD) Temporanea() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Crea creates a position; pubblica=true publishes it at once (toPublish),
// so that it can be paid.
func (g *GPD) Crea(ctx context.Context, cfEnte string, p Posizione, pubblica bool) (Posizione, error) {
	var out Posizione
	q := "?toPublish=" + strconv.FormatBool(pubblica)
	err := g.do(ctx, http.MethodPost, g.path(cfEnte)+q, p, &out)
	return out, err
}

// MaxPosizioniPerRichiesta is how many positions CreaMolte sends at once.
const MaxPosizioniPerRichiesta = 100

// CreaMolte creates several positions in one call (API v2,
// createMultiplePositions): all of them, or none — a 409
// (ErrPosizioneEsistente) if any IUPD or IUV is already there.
func (g *GPD) CreaMolte(ctx context.Context, cfEnte string, ps []Posizione, pubblica bool) error {
	if len(ps) == 0 || len(ps) > MaxPosizioniPerRichiesta {
		return fmt.Errorf("GPD: da 1 a %d posizioni per richiesta, non %d", MaxPosizioniPerRichiesta, len(ps))
	}
	base := strings.TrimRight(g.BaseURL, "/")
	if !strings.HasSuffix(base, "/v1") {
		return errors.New("GPD: l'indirizzo configurato non termina con /v1, non si ricava quello della API v2")
	}
	g2 := *g
	g2.BaseURL = strings.TrimSuffix(base, "/v1") + "/v2"
	q := "?toPublish=" + strconv.FormatBool(pubblica)
	return g2.do(ctx, http.MethodPost, g2.path(cfEnte)+q, struct {
		PaymentPositions []Posizione `json:"paymentPositions"`
	}{ps}, nil)
}

// Leggi reads a position by its IUPD.
func (g *GPD) Leggi(ctx context.Context, cfEnte, iupd string) (Posizione, error) {
	var out Posizione
	err := g.do(ctx, http.MethodGet, g.path(cfEnte)+"/"+url.PathEscape(iupd), nil, &out)
	return out, err
}

// Pubblica publishes a draft position.
func (g *GPD) Pubblica(ctx context.Context, cfEnte, iupd string) (Posizione, error) {
	var out Posizione
	err := g.do(ctx, http.MethodPost, g.path(cfEnte)+"/"+url.PathEscape(iupd)+"/publish", nil, &out)
	return out, err
}

// Invalida cancels a published position: its notice can no longer be paid.
func (g *GPD) Invalida(ctx context.Context, cfEnte, iupd string) (Posizione, error) {
	var out Posizione
	err := g.do(ctx, http.MethodPost, g.path(cfEnte)+"/"+url.PathEscape(iupd)+"/invalidate", nil, &out)
	return out, err
}

func (g *GPD) path(cfEnte string) string {
	return strings.TrimRight(g.BaseURL, "/") + "/organizations/" + url.PathEscape(cfEnte) + "/debtpositions"
}

func (g *GPD) do(ctx context.Context, method, u string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", g.Key)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := g.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GPD non raggiungibile: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	switch {
	case resp.StatusCode == http.StatusConflict && method == http.MethodPost && strings.Contains(u, "toPublish="):
		return ErrPosizioneEsistente
	case resp.StatusCode == http.StatusNotFound:
		return ErrPosizioneNonTrovata
	case resp.StatusCode >= 300:
		e := &ErroreGPD{Status: resp.StatusCode}
		var pj struct{ Title, Detail string }
		if json.Unmarshal(data, &pj) == nil {
			e.Titolo, e.Dettaglio = pj.Title, pj.Detail
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("GPD: risposta non leggibile: %w", err)
		}
	}
	return nil
}
