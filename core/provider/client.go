package provider

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

// Client is the HTTP client of the provisioning API; it implements Adapter.
type Client struct {
	BaseURL string // e.g. http://127.0.0.1:8787/provider/api/v1
	Key     string // the reseller's API key, sent as "Authorization: Bearer"
	HTTP    *http.Client
}

var _ Adapter = (*Client)(nil)

// CreaTitolare registers an owner; ErrGiaPresente if one with the same
// fiscal code and user type exists.
func (c *Client) CreaTitolare(ctx context.Context, t Titolare) (Titolare, error) {
	t.ID, t.Versione, t.CreatoIl, t.ModificaIl = "", 0, nil, nil
	var out Titolare
	err := c.do(ctx, http.MethodPost, "/owners", jsonBody(t), &out)
	return out, err
}

// AggiornaTitolare replaces an owner's data, based on t.Versione.
func (c *Client) AggiornaTitolare(ctx context.Context, t Titolare) (Titolare, error) {
	if t.ID == "" || t.Versione <= 0 {
		return Titolare{}, errors.New("provider: per aggiornare un titolare servono id e versione")
	}
	var out Titolare
	err := c.do(ctx, http.MethodPut, "/owners/"+url.PathEscape(t.ID), jsonBody(t), &out)
	return out, err
}

// LeggiTitolare reads an owner.
func (c *Client) LeggiTitolare(ctx context.Context, id string) (Titolare, error) {
	var out Titolare
	err := c.do(ctx, http.MethodGet, "/owners/"+url.PathEscape(id), nil, &out)
	return out, err
}

// CercaTitolari searches owners.
func (c *Client) CercaTitolari(ctx context.Context, f FiltroTitolari) ([]Titolare, error) {
	q := url.Values{}
	set(q, "fiscalCode", f.CodiceFiscale)
	set(q, "firstName", f.Nome)
	set(q, "lastName", f.Cognome)
	set(q, "companyName", f.RagioneSociale)
	set(q, "email", f.Email)
	set(q, "userType", string(f.TipoUtente))
	var out struct {
		Owners []Titolare `json:"owners"`
	}
	err := c.do(ctx, http.MethodGet, "/owners"+query(q), nil, &out)
	return out.Owners, err
}

// CreaCasella requests a mailbox: it starts PENDING (StatoInAttesa) and
// the provider activates it later. ErrGiaPresente if the address is taken.
func (c *Client) CreaCasella(ctx context.Context, n NuovaCasella) (Casella, error) {
	var out Casella
	err := c.do(ctx, http.MethodPost, "/accounts", jsonBody(n), &out)
	return out, err
}

// LeggiCasella reads a mailbox.
func (c *Client) LeggiCasella(ctx context.Context, id string) (Casella, error) {
	var out Casella
	err := c.do(ctx, http.MethodGet, "/accounts/"+url.PathEscape(id), nil, &out)
	return out, err
}

// CercaCaselle searches mailboxes.
func (c *Client) CercaCaselle(ctx context.Context, f FiltroCaselle) ([]Casella, error) {
	q := url.Values{}
	set(q, "domain", f.Dominio)
	set(q, "ownerId", f.IDTitolare)
	set(q, "status", f.Stato)
	set(q, "address", f.Indirizzo)
	if !f.Dal.IsZero() {
		q.Set("createdFrom", f.Dal.UTC().Format(time.RFC3339))
	}
	if !f.Al.IsZero() {
		q.Set("createdTo", f.Al.UTC().Format(time.RFC3339))
	}
	var out struct {
		Accounts []Casella `json:"accounts"`
	}
	err := c.do(ctx, http.MethodGet, "/accounts"+query(q), nil, &out)
	return out.Accounts, err
}

// IndirizzoDisponibile says whether an address is free on one of the
// reseller's certified domains.
func (c *Client) IndirizzoDisponibile(ctx context.Context, indirizzo string) (Disponibilita, error) {
	var out Disponibilita
	err := c.do(ctx, http.MethodGet, "/accounts/available?address="+url.QueryEscape(indirizzo), nil, &out)
	return out, err
}

// AggiornaCasella changes a mailbox's type and/or owner ("" keeps it).
func (c *Client) AggiornaCasella(ctx context.Context, id string, versione int64, tipo, idTitolare string) (Casella, error) {
	if versione <= 0 {
		return Casella{}, errors.New("provider: per aggiornare una casella serve la versione")
	}
	var out Casella
	err := c.do(ctx, http.MethodPut, "/accounts/"+url.PathEscape(id), jsonBody(map[string]any{
		"version": versione, "type": tipo, "ownerId": idTitolare}), &out)
	return out, err
}

// SospendiCasella suspends an active mailbox.
func (c *Client) SospendiCasella(ctx context.Context, id string, versione int64) (Casella, error) {
	return c.transizione(ctx, id, "suspend", versione)
}

// RiattivaCasella reactivates a suspended mailbox.
func (c *Client) RiattivaCasella(ctx context.Context, id string, versione int64) (Casella, error) {
	return c.transizione(ctx, id, "reactivate", versione)
}

// CessaCasella closes a mailbox (pending, active or suspended).
func (c *Client) CessaCasella(ctx context.Context, id string, versione int64) (Casella, error) {
	return c.transizione(ctx, id, "cancel", versione)
}

func (c *Client) transizione(ctx context.Context, id, azione string, versione int64) (Casella, error) {
	var body *richiesta
	if versione > 0 {
		body = jsonBody(map[string]int64{"version": versione})
	}
	var out Casella
	err := c.do(ctx, http.MethodPost, "/accounts/"+url.PathEscape(id)+"/"+azione, body, &out)
	return out, err
}

// Domini lists the reseller's domains.
func (c *Client) Domini(ctx context.Context) ([]Dominio, error) {
	var out struct {
		Domains []Dominio `json:"domains"`
	}
	err := c.do(ctx, http.MethodGet, "/domains", nil, &out)
	return out.Domains, err
}

// LeggiDominio reads a domain.
func (c *Client) LeggiDominio(ctx context.Context, nome string) (Dominio, error) {
	var out Dominio
	err := c.do(ctx, http.MethodGet, "/domains/"+url.PathEscape(nome), nil, &out)
	return out, err
}

// VerificaDominio asks whether a domain can be certified.
func (c *Client) VerificaDominio(ctx context.Context, nome string) (Certificabilita, error) {
	var out Certificabilita
	err := c.do(ctx, http.MethodGet, "/domains/"+url.PathEscape(nome)+"/certifiable", nil, &out)
	return out, err
}

// CertificaDominio requests a domain's certification: it starts
// CERTIFYING and the provider certifies it later.
func (c *Client) CertificaDominio(ctx context.Context, nome string) (Dominio, error) {
	var out Dominio
	err := c.do(ctx, http.MethodPost, "/domains", jsonBody(map[string]string{"name": nome}), &out)
	return out, err
}

// CaselleDelDominio lists a domain's mailboxes.
func (c *Client) CaselleDelDominio(ctx context.Context, nome string) ([]Casella, error) {
	var out struct {
		Accounts []Casella `json:"accounts"`
	}
	err := c.do(ctx, http.MethodGet, "/domains/"+url.PathEscape(nome)+"/accounts", nil, &out)
	return out.Accounts, err
}

// CaricaDocumento uploads a PDF for a mailbox; the provider refuses (400)
// anything that is not a PDF or is larger than MaxDocumento.
func (c *Client) CaricaDocumento(ctx context.Context, idCasella string, tipo TipoDocumento, nomeFile string, pdf []byte) (Documento, error) {
	q := url.Values{}
	set(q, "kind", string(tipo))
	set(q, "fileName", nomeFile)
	var out Documento
	err := c.do(ctx, http.MethodPost, "/accounts/"+url.PathEscape(idCasella)+"/documents"+query(q),
		&richiesta{tipo: "application/pdf", dati: pdf}, &out)
	return out, err
}

// Documenti lists a mailbox's documents.
func (c *Client) Documenti(ctx context.Context, idCasella string) ([]Documento, error) {
	var out struct {
		Documents []Documento `json:"documents"`
	}
	err := c.do(ctx, http.MethodGet, "/accounts/"+url.PathEscape(idCasella)+"/documents", nil, &out)
	return out.Documents, err
}

// Cambiamenti reads a page of the feed after cursore; ErrCursoreScaduto if
// the provider no longer knows it.
func (c *Client) Cambiamenti(ctx context.Context, cursore string, limite int) (PaginaCambiamenti, error) {
	q := url.Values{}
	set(q, "since", cursore)
	if limite > 0 {
		q.Set("limit", strconv.Itoa(limite))
	}
	var out PaginaCambiamenti
	err := c.do(ctx, http.MethodGet, "/changes"+query(q), nil, &out)
	return out, err
}

func set(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func query(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// richiesta is a request body with its content type.
type richiesta struct {
	tipo string
	dati []byte
	err  error
}

func jsonBody(v any) *richiesta {
	b, err := json.Marshal(v)
	return &richiesta{tipo: "application/json", dati: b, err: err}
}

// maxRisposta bounds what the client reads of an answer.
const maxRisposta = 16 << 20

func (c *Client) do(ctx context.Context, method, path string, in *richiesta, out any) error {
	var body io.Reader
	if in != nil {
		if in.err != nil {
			return in.err
		}
		body = bytes.NewReader(in.dati)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Key)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", in.tipo)
	}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the caller gave up: not the provider's fault
		}
		return &ErroreProvider{Causa: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxRisposta))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &ErroreProvider{Causa: fmt.Errorf("lettura della risposta: %w", err)}
	}
	if resp.StatusCode >= 300 {
		return errore(resp, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("provider: risposta non leggibile: %w", err)
		}
	}
	return nil
}

// errore classifies a refused answer from its ProblemJson.
func errore(resp *http.Response, data []byte) error {
	var pj struct {
		Title   string          `json:"title"`
		Detail  string          `json:"detail"`
		Entity  string          `json:"entity"`
		Current json.RawMessage `json:"current"`
	}
	json.Unmarshal(data, &pj)
	if resp.StatusCode == http.StatusConflict && len(pj.Current) > 0 && string(pj.Current) != "null" {
		e := &ErroreConflitto{Dettaglio: pj.Detail, Entita: pj.Entity, Corrente: pj.Current}
		switch pj.Entity {
		case EntitaTitolare:
			e.Titolare = new(Titolare)
			if json.Unmarshal(pj.Current, e.Titolare) != nil {
				e.Titolare = nil
			}
		case EntitaCasella:
			e.Casella = new(Casella)
			if json.Unmarshal(pj.Current, e.Casella) != nil {
				e.Casella = nil
			}
		}
		return e
	}
	e := &ErroreProvider{Status: resp.StatusCode, Titolo: pj.Title, Dettaglio: pj.Detail}
	for _, h := range []string{"Retry-After", "x-rate-limit-retry-after"} {
		if s, err := strconv.Atoi(resp.Header.Get(h)); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
			break
		}
	}
	return e
}
