package fdr

import (
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

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Client reads the published flows of an ente from pagoPA's FdR 3 API for
// organizations ("FDR - Flussi di Rendicontazione (ORGs)" 1.1.x), base URL
// https://api.platform.pagopa.it/fdr-org/service/v1.
//
// Calls answered 429 or 5xx, or lost on the network, are tried again
// (they are all GETs), after the Retry-After the server asks for or a
// growing pause.
type Client struct {
	BaseURL string
	Key     string // Ocp-Apim-Subscription-Key
	HTTP    *http.Client
	// DimensionePagina is the page size asked for; 0 means 1000, the
	// largest the list admits.
	DimensionePagina int
	// Tentativi is how many times a call is made at most; 0 means 4.
	Tentativi int
	// AttesaMassima is the longest wait before trying again: a longer
	// Retry-After ends the attempts. 0 means one minute.
	AttesaMassima time.Duration
}

// Filtro selects the flows of Elenco. Zero times leave the server's
// default for both: the start of the previous calendar month (UTC).
type Filtro struct {
	PubblicatiDopo time.Time // publishedGt: published after this instant
	FlussiDal      time.Time // flowDate: flows dated from this instant
	PSP            string    // pspId; "" for all
}

// Voce is a published flow in the list.
type Voce struct {
	IUF           string
	PSP           string
	Revisione     int64
	Pubblicato    time.Time
	DataOraFlusso time.Time
}

// Elenco is one page of the list of published flows.
type Elenco struct {
	Voci         []Voce
	Pagina       int
	TotalePagine int
	Totale       int64 // count: what the server says it has in all
}

// ErrNonTrovato is a 404: no such ente or flow (revision, PSP).
var ErrNonTrovato = errors.New("flusso di rendicontazione non trovato su pagoPA")

// ErrChiave is a 401 or 403: the subscription key is missing, wrong or
// not enabled for the ente.
var ErrChiave = errors.New("chiave di sottoscrizione FdR non valida o non abilitata")

// ErroreAPI is an answer of the FdR API other than 200.
type ErroreAPI struct {
	Status     int
	Codice     string // appErrorCode, e.g. FDR-0701
	Messaggio  string
	RetryAfter time.Duration
}

func (e *ErroreAPI) Error() string {
	var cosa string
	switch {
	case e.Status == http.StatusNotFound:
		cosa = ErrNonTrovato.Error()
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		cosa = ErrChiave.Error()
	case e.Status == http.StatusTooManyRequests:
		cosa = "troppe richieste a pagoPA FdR"
	case e.Status == http.StatusBadRequest:
		cosa = "richiesta rifiutata da pagoPA FdR"
	case e.Status >= 500:
		cosa = "pagoPA FdR non disponibile"
	default:
		cosa = "risposta inattesa da pagoPA FdR"
	}
	s := fmt.Sprintf("%s (HTTP %d", cosa, e.Status)
	if e.Codice != "" {
		s += " " + e.Codice
	}
	if e.Messaggio != "" {
		s += ": " + e.Messaggio
	}
	s += ")"
	if e.RetryAfter > 0 {
		s += fmt.Sprintf("; riprovare tra %s", e.RetryAfter)
	}
	return s
}

func (e *ErroreAPI) Is(target error) bool {
	switch target {
	case ErrNonTrovato:
		return e.Status == http.StatusNotFound
	case ErrChiave:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	}
	return false
}

// Elenco returns one page (from 1) of the flows published for ente.
func (c *Client) Elenco(ctx context.Context, ente string, filtro Filtro, pagina int) (Elenco, error) {
	q := url.Values{"page": {strconv.Itoa(max(pagina, 1))}, "size": {strconv.Itoa(c.dimensione())}}
	if !filtro.PubblicatiDopo.IsZero() {
		q.Set("publishedGt", filtro.PubblicatiDopo.UTC().Format(time.RFC3339))
	}
	if !filtro.FlussiDal.IsZero() {
		q.Set("flowDate", filtro.FlussiDal.UTC().Format(time.RFC3339))
	}
	if filtro.PSP != "" {
		q.Set("pspId", filtro.PSP)
	}
	var r struct {
		Metadata jsonMetadata `json:"metadata"`
		Count    int64        `json:"count"`
		Data     []struct {
			Fdr       string `json:"fdr"`
			PspID     string `json:"pspId"`
			Revision  int64  `json:"revision"`
			Published string `json:"published"`
			FlowDate  string `json:"flowDate"`
		} `json:"data"`
	}
	if err := c.get(ctx, "/organizations/"+url.PathEscape(ente)+"/fdrs", q, &r); err != nil {
		return Elenco{}, err
	}
	e := Elenco{Pagina: r.Metadata.PageNumber, TotalePagine: r.Metadata.TotPage, Totale: r.Count, Voci: make([]Voce, 0, len(r.Data))}
	var errs tracciato.Errori
	for i, d := range r.Data {
		v := Voce{IUF: d.Fdr, PSP: d.PspID, Revisione: d.Revision}
		elem := func(campo string) string { return fmt.Sprintf("data[%d].%s", i, campo) }
		if m := identificativoFlusso(d.Fdr); m != "" {
			errs.Aggiungi(0, elem("fdr"), m)
		}
		if m := testo(d.PspID, 1, 35); m != "" {
			errs.Aggiungi(0, elem("pspId"), m)
		}
		if d.Revision < 1 {
			errs.Aggiungi(0, elem("revision"), fmt.Sprintf("%d non valida: almeno 1", d.Revision))
		}
		var m string
		if v.Pubblicato, m = istante(d.Published); m != "" {
			errs.Aggiungi(0, elem("published"), m)
		}
		if d.FlowDate != "" {
			if v.DataOraFlusso, m = istante(d.FlowDate); m != "" {
				errs.Aggiungi(0, elem("flowDate"), m)
			}
		}
		e.Voci = append(e.Voci, v)
	}
	if len(errs) > 0 {
		return Elenco{}, fmt.Errorf("elenco dei flussi di %s, pagina %d: %w", ente, pagina, errs)
	}
	return e, nil
}

// ElencoCompleto calls fn for every flow published for ente, page after
// page.
func (c *Client) ElencoCompleto(ctx context.Context, ente string, filtro Filtro, fn func(Voce) error) error {
	for pagina := 1; ; pagina++ {
		e, err := c.Elenco(ctx, ente, filtro, pagina)
		if err != nil {
			return err
		}
		for _, v := range e.Voci {
			if err := fn(v); err != nil {
				return err
			}
		}
		if pagina >= e.TotalePagine || len(e.Voci) == 0 {
			return nil
		}
	}
}

// Flusso returns the header of a published flow (a revision of it, sent
// by psp).
func (c *Client) Flusso(ctx context.Context, ente, iuf string, revisione int64, psp string) (Flusso, error) {
	var r jsonFlusso
	if err := c.get(ctx, c.percorso(ente, iuf, revisione, psp), nil, &r); err != nil {
		return Flusso{}, err
	}
	f, errs := r.flusso()
	if f.Dominio != ente && f.Dominio != "" {
		errs.Aggiungi(0, "receiver.organizationId", fmt.Sprintf("il flusso è dell'ente %s, non di %s", f.Dominio, ente))
	}
	if f.IUF != iuf || f.Revisione != revisione || f.PSP != psp {
		errs.Aggiungi(0, "fdr", fmt.Sprintf("chiesto il flusso %s revisione %d del PSP %s, ricevuto %s revisione %d del PSP %s",
			iuf, revisione, psp, f.IUF, f.Revisione, f.PSP))
	}
	return f, errs.Err()
}

// Pagamenti calls fn for each payment of a published flow, page after
// page, checking each. As Leggi: once a problem is found fn is not called
// any more, and the problems are returned as tracciato.Errori, Riga being
// the payment's index; an error from fn is returned as is.
func (c *Client) Pagamenti(ctx context.Context, ente, iuf string, revisione int64, psp string, fn func(Pagamento) error) error {
	_, err := c.pagamenti(ctx, ente, iuf, revisione, psp, fn)
	return err
}

// conteggio is what pagamenti saw: how many payments and their sum, if
// every amount was valid.
type conteggio struct {
	n, somma    int64
	sommaValida bool
}

func (c *Client) pagamenti(ctx context.Context, ente, iuf string, revisione int64, psp string, fn func(Pagamento) error) (conteggio, error) {
	var errs tracciato.Errori
	k := conteggio{sommaValida: true}
	for pagina := 1; ; pagina++ {
		var r struct {
			Metadata jsonMetadata    `json:"metadata"`
			Data     []jsonPagamento `json:"data"`
		}
		q := url.Values{"page": {strconv.Itoa(pagina)}, "size": {strconv.Itoa(c.dimensione())}}
		if err := c.get(ctx, c.percorso(ente, iuf, revisione, psp)+"/payments", q, &r); err != nil {
			return k, err
		}
		for _, d := range r.Data {
			k.n++
			p, importoValido := d.pagamento(&errs)
			k.somma += p.Importo
			k.sommaValida = k.sommaValida && importoValido
			if len(errs) >= tracciato.MaxErrori {
				return k, errs
			}
			if len(errs) == 0 {
				if err := fn(p); err != nil {
					return k, err
				}
			}
		}
		if pagina >= r.Metadata.TotPage || len(r.Data) == 0 {
			return k, errs.Err()
		}
	}
}

// Scarica reads a published flow, header and payments, with the same
// checks and contract as Leggi: fn is called for each payment, and at the
// end the payments must be as many as totPayments and sum to sumPayments.
func (c *Client) Scarica(ctx context.Context, ente, iuf string, revisione int64, psp string, fn func(Pagamento) error) (Flusso, error) {
	f, err := c.Flusso(ctx, ente, iuf, revisione, psp)
	var errs tracciato.Errori
	if err != nil && !errors.As(err, &errs) {
		return f, err
	}
	intestazioneValida := len(errs) == 0
	k, err := c.pagamenti(ctx, ente, iuf, revisione, psp, func(p Pagamento) error {
		if !intestazioneValida {
			return nil
		}
		return fn(p)
	})
	var perrs tracciato.Errori
	if err != nil && !errors.As(err, &perrs) {
		return f, err
	}
	errs = append(errs, perrs...)
	if intestazioneValida && k.n != f.NumeroTotalePagamenti {
		errs.Aggiungi(0, "totPayments", fmt.Sprintf("dichiara %d pagamenti ma pagoPA ne restituisce %d", f.NumeroTotalePagamenti, k.n))
	}
	if intestazioneValida && k.sommaValida && k.somma != f.ImportoTotale {
		errs.Aggiungi(0, "sumPayments", fmt.Sprintf("dichiara %s ma la somma dei pagamenti è %s", tracciato.Euro(f.ImportoTotale), tracciato.Euro(k.somma)))
	}
	return f, errs.Err()
}

func (c *Client) percorso(ente, iuf string, revisione int64, psp string) string {
	return "/organizations/" + url.PathEscape(ente) + "/fdrs/" + url.PathEscape(iuf) +
		"/revisions/" + strconv.FormatInt(revisione, 10) + "/psps/" + url.PathEscape(psp)
}

func (c *Client) dimensione() int {
	if c.DimensionePagina > 0 {
		return min(c.DimensionePagina, 1000)
	}
	return 1000
}

// erroreRete is a call lost on the way: worth another attempt.
type erroreRete struct{ err error }

func (e erroreRete) Error() string { return "pagoPA FdR non raggiungibile: " + e.err.Error() }
func (e erroreRete) Unwrap() error { return e.err }

// get makes the call, again while the answer is worth waiting for.
func (c *Client) get(ctx context.Context, percorso string, q url.Values, out any) error {
	u := strings.TrimRight(c.BaseURL, "/") + percorso
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	tentativi, massima := c.Tentativi, c.AttesaMassima
	if tentativi <= 0 {
		tentativi = 4
	}
	if massima <= 0 {
		massima = time.Minute
	}
	pausa := 500 * time.Millisecond
	for tentativo := 1; ; tentativo++ {
		err := c.una(ctx, u, out)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		attesa := pausa
		pausa *= 2
		var ea *ErroreAPI
		var er erroreRete
		switch {
		case errors.As(err, &ea) && (ea.Status == http.StatusTooManyRequests || ea.Status >= 500):
			if ea.RetryAfter > 0 {
				attesa = ea.RetryAfter
			}
		case errors.As(err, &er):
		default:
			return err
		}
		if tentativo >= tentativi || attesa > massima {
			return err
		}
		t := time.NewTimer(attesa)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// una makes one call.
func (c *Client) una(ctx context.Context, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", c.Key)
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return erroreRete{err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return erroreDa(resp)
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, 256<<20))
	if err := dec.Decode(out); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) {
			return fmt.Errorf("pagoPA FdR: risposta non leggibile: %w", err)
		}
		return erroreRete{err} // cut short
	}
	return nil
}

// erroreDa reads an error answer: the ErrorResponse of the FdR API, or
// the gateway's {statusCode, message}.
func erroreDa(resp *http.Response) *ErroreAPI {
	e := &ErroreAPI{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	var body struct {
		AppErrorCode string `json:"appErrorCode"`
		Errors       []struct {
			Path    string `json:"path"`
			Message string `json:"message"`
		} `json:"errors"`
		Message string `json:"message"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(data, &body) == nil {
		e.Codice = body.AppErrorCode
		var msgs []string
		for _, m := range body.Errors {
			if m.Path != "" {
				msgs = append(msgs, m.Path+": "+m.Message)
			} else if m.Message != "" {
				msgs = append(msgs, m.Message)
			}
		}
		if len(msgs) == 0 && body.Message != "" {
			msgs = append(msgs, body.Message)
		}
		e.Messaggio = strings.Join(msgs, "; ")
	}
	return e
}

// retryAfter reads Retry-After: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

type jsonMetadata struct {
	PageSize   int `json:"pageSize"`
	PageNumber int `json:"pageNumber"`
	TotPage    int `json:"totPage"`
}

// jsonFlusso is a SingleFlowResponse.
type jsonFlusso struct {
	Status             string `json:"status"`
	Revision           int64  `json:"revision"`
	Published          string `json:"published"`
	Fdr                string `json:"fdr"`
	FdrDate            string `json:"fdrDate"`
	Regulation         string `json:"regulation"`
	RegulationDate     string `json:"regulationDate"`
	BicCodePouringBank string `json:"bicCodePouringBank"`
	Sender             struct {
		Type    string `json:"type"`
		ID      string `json:"id"`
		PspID   string `json:"pspId"`
		PspName string `json:"pspName"`
	} `json:"sender"`
	Receiver struct {
		ID               string `json:"id"`
		OrganizationID   string `json:"organizationId"`
		OrganizationName string `json:"organizationName"`
	} `json:"receiver"`
	TotPayments int64       `json:"totPayments"`
	SumPayments json.Number `json:"sumPayments"`
}

// tipiMittente maps SenderTypeEnum to tipoIdentificativoUnivoco.
var tipiMittente = map[string]string{"LEGAL_PERSON": "G", "ABI_CODE": "A", "BIC_CODE": "B"}

func (r jsonFlusso) flusso() (Flusso, tracciato.Errori) {
	var errs tracciato.Errori
	check := func(elemento, motivo string) {
		if motivo != "" {
			errs.Aggiungi(0, elemento, motivo)
		}
	}
	f := Flusso{
		IUF: r.Fdr, Revisione: r.Revision, IURRegolamento: r.Regulation, BicRiversamento: r.BicCodePouringBank,
		IstitutoMittente:  Istituto{Tipo: tipiMittente[r.Sender.Type], Codice: r.Sender.ID, Denominazione: r.Sender.PspName},
		IstitutoRicevente: Istituto{Tipo: "G", Codice: r.Receiver.ID, Denominazione: r.Receiver.OrganizationName},
		PSP:               r.Sender.PspID, Dominio: r.Receiver.OrganizationID, NumeroTotalePagamenti: r.TotPayments,
	}
	if r.Status != "" && r.Status != "PUBLISHED" {
		check("status", fmt.Sprintf("il flusso è %s, non pubblicato", r.Status))
	}
	check("fdr", identificativoFlusso(r.Fdr))
	check("revision", se(r.Revision >= 1, fmt.Sprintf("%d non valida: almeno 1", r.Revision)))
	var m string
	f.Pubblicato, m = istante(r.Published)
	check("published", m)
	f.DataOraFlusso, m = istante(r.FdrDate)
	check("fdrDate", m)
	check("regulation", testo(r.Regulation, 1, 35))
	f.DataRegolamento, m = data(r.RegulationDate)
	check("regulationDate", m)
	check("bicCodePouringBank", opzionale(r.BicCodePouringBank, 1, 35))
	check("sender.type", se(f.IstitutoMittente.Tipo != "", fmt.Sprintf("%q non ammesso: LEGAL_PERSON, ABI_CODE o BIC_CODE", r.Sender.Type)))
	check("sender.id", testo(r.Sender.ID, 1, 35))
	check("sender.pspId", testo(r.Sender.PspID, 1, 35))
	check("sender.pspName", testo(r.Sender.PspName, 3, 70))
	check("receiver.id", testo(r.Receiver.ID, 1, 35))
	check("receiver.organizationId", testo(r.Receiver.OrganizationID, 1, 35))
	check("receiver.organizationName", testo(r.Receiver.OrganizationName, 1, 140))
	check("totPayments", se(r.TotPayments >= 1, fmt.Sprintf("%d non valido: almeno 1", r.TotPayments)))
	f.ImportoTotale, m = centesimiJSON(r.SumPayments, false)
	check("sumPayments", m)
	return f, errs
}

// jsonPagamento is a Payment.
type jsonPagamento struct {
	Index      int64       `json:"index"`
	IUV        string      `json:"iuv"`
	IUR        string      `json:"iur"`
	IDTransfer int64       `json:"idTransfer"`
	Pay        json.Number `json:"pay"`
	PayStatus  string      `json:"payStatus"`
	PayDate    string      `json:"payDate"`
}

// esitiREST maps payStatus to codiceEsitoSingoloPagamento, as the spec
// says.
var esitiREST = map[string]Esito{
	"EXECUTED": EsitoEseguito, "REVOKED": EsitoRevocato, "STAND_IN": EsitoStandIn,
	"STAND_IN_NO_RPT": EsitoStandInSenzaRPT, "NO_RPT": EsitoSenzaRPT,
}

// pagamento checks d; problems go to errs with Riga the payment's index.
// It reports whether the amount is valid.
func (d jsonPagamento) pagamento(errs *tracciato.Errori) (Pagamento, bool) {
	riga := int(min(max(d.Index, 0), 1<<31))
	check := func(elemento, motivo string) {
		if motivo != "" {
			errs.Aggiungi(riga, elemento, motivo)
		}
	}
	p := Pagamento{IUV: d.IUV, IUR: d.IUR, Indice: int(min(max(d.IDTransfer, 0), 99)), Riga: riga}
	check("index", se(d.Index >= 1, fmt.Sprintf("%d non valido: almeno 1", d.Index)))
	check("iuv", testo(d.IUV, 1, 35))
	check("iur", testo(d.IUR, 1, 35))
	check("idTransfer", se(d.IDTransfer >= 1 && d.IDTransfer <= 5, fmt.Sprintf("%d non valido: intero da 1 a 5", d.IDTransfer)))
	esito, ok := esitiREST[d.PayStatus]
	check("payStatus", se(ok, fmt.Sprintf("%q non ammesso: EXECUTED, REVOKED, STAND_IN, STAND_IN_NO_RPT o NO_RPT", d.PayStatus)))
	p.Esito = esito
	var m string
	p.Importo, m = centesimiJSON(d.Pay, ok && esito == EsitoRevocato)
	if m == "" && p.Importo == 0 {
		m = "importo zero non ammesso: il minimo è 0.01"
	}
	check("pay", m)
	importoValido := m == ""
	var t time.Time
	t, m = istante(d.PayDate)
	check("payDate", m)
	p.DataEsito = civile(t.In(roma))
	return p, importoValido
}

// centesimiJSON reads a JSON amount in euro: a number with at most two
// decimals (trailing zeros beyond them tolerated), up to 999999999.99.
func centesimiJSON(n json.Number, negativo bool) (int64, string) {
	s := n.String()
	if s == "" {
		return 0, "importo mancante"
	}
	if strings.HasPrefix(s, "-") && !negativo {
		return 0, fmt.Sprintf("%s: importo negativo non ammesso (solo per un pagamento REVOKED)", s)
	}
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Sprintf("%s non è un importo", s)
		}
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	if i, f, ok := strings.Cut(s, "."); ok {
		f = strings.TrimRight(f, "0")
		for len(f) < 2 {
			f += "0"
		}
		s = i + "." + f
	} else {
		s += ".00"
	}
	c, m := importo(s, negativo)
	if m != "" {
		return 0, fmt.Sprintf("%s non è un importo in euro con al più due decimali, fino a 999999999.99", n)
	}
	return c, ""
}

// istante reads an Instant (date-time with zone; without one, UTC).
func istante(s string) (time.Time, string) {
	if s == "" {
		return time.Time{}, "mancante"
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, ""
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, ""
	}
	return time.Time{}, fmt.Sprintf("%q non è una data e ora ISO 8601", s)
}
