package fdr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/core/sandbox"
)

const (
	chiave = "chiave-di-prova"
	ente   = "00123450789"
	psp    = "60000000001"
)

// flussoSandbox is a flow of n payments cycling through every payStatus,
// amounts 10.00, 10.07, 10.14...
func flussoSandbox(nome string, n int) (sandbox.FdrFlow, []sandbox.FdrPayment) {
	stati := []string{"EXECUTED", "REVOKED", "STAND_IN", "STAND_IN_NO_RPT", "NO_RPT"}
	pays := make([]sandbox.FdrPayment, n)
	var somma int64
	for i := range pays {
		c := int64(1000 + 7*i)
		somma += c
		pays[i] = sandbox.FdrPayment{Index: int64(i + 1), IUV: fmt.Sprintf("01%015d", i), IUR: fmt.Sprintf("IUR-%d", i),
			IDTransfer: int64(i%5 + 1), Pay: float64(c) / 100, PayStatus: stati[i%5],
			// 23:30 UTC is already the next day in Italy.
			PayDate: time.Date(2025, 3, 1, 23, 30+i%30, 0, 0, time.UTC)}
	}
	return sandbox.FdrFlow{
		Fdr: nome, FdrDate: time.Now().UTC().Add(-time.Hour).Truncate(time.Second),
		Sender:     sandbox.FdrSender{Type: "BIC_CODE", ID: "BCITITMM", PspID: psp, PspName: "Intesa Sanpaolo", PspBrokerID: "70000000001", ChannelID: "70000000001_01"},
		Receiver:   sandbox.FdrReceiver{ID: "80012345678", OrganizationID: ente, OrganizationName: "Comune di Prova"},
		Regulation: "SEPA - Bonifico 0042", RegulationDate: "2025-03-03", BicCodePouringBank: "BCITITMMXXX",
		TotPayments: int64(n), SumPayments: float64(somma) / 100,
	}, pays
}

// server serves api behind a counter of requests and an optional
// rewriting of the answers (a server that lies).
type server struct {
	*httptest.Server
	chiamate atomic.Int64
	riscrivi atomic.Pointer[func(path, body string) string]
}

func avvia(t *testing.T, api *sandbox.FdrAPI) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.chiamate.Add(1)
		f := s.riscrivi.Load()
		if f == nil {
			api.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write([]byte((*f)(r.URL.Path, rec.Body.String())))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) client() *Client {
	return &Client{BaseURL: s.URL + sandbox.FdrBasePath, Key: chiave, HTTP: s.Client(), DimensionePagina: 3}
}

func pubblica(t *testing.T, api *sandbox.FdrAPI, nome string, n int) {
	t.Helper()
	f, p := flussoSandbox(nome, n)
	if _, err := api.Pubblica(f, p); err != nil {
		t.Fatal(err)
	}
}

func TestClientScarica(t *testing.T) {
	api := sandbox.NewFdrAPI(chiave)
	pubblica(t, api, "2025-03-03BCITITMM-0001", 7)
	s := avvia(t, api)
	var ps []Pagamento
	f, err := s.client().Scarica(context.Background(), ente, "2025-03-03BCITITMM-0001", 1, psp, func(p Pagamento) error {
		ps = append(ps, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// One call for the header, three pages of three payments.
	if n := s.chiamate.Load(); n != 4 {
		t.Errorf("%d calls, want 4", n)
	}
	want := Flusso{
		IUF: "2025-03-03BCITITMM-0001", IURRegolamento: "SEPA - Bonifico 0042", DataRegolamento: giorno("2025-03-03"),
		IstitutoMittente:  Istituto{"B", "BCITITMM", "Intesa Sanpaolo"},
		BicRiversamento:   "BCITITMMXXX",
		IstitutoRicevente: Istituto{"G", "80012345678", "Comune di Prova"},
		Revisione:         1, NumeroTotalePagamenti: 7, ImportoTotale: 1000*7 + 7*21,
		PSP: psp, Dominio: ente,
	}
	if f.DataOraFlusso.IsZero() || time.Since(f.Pubblicato) > time.Minute {
		t.Errorf("dates %v %v", f.DataOraFlusso, f.Pubblicato)
	}
	f.DataOraFlusso, f.Pubblicato = time.Time{}, time.Time{}
	if f != want {
		t.Errorf("\n got %+v\nwant %+v", f, want)
	}
	esiti := []Esito{EsitoEseguito, EsitoRevocato, EsitoStandIn, EsitoStandInSenzaRPT, EsitoSenzaRPT}
	if len(ps) != 7 {
		t.Fatalf("%d payments", len(ps))
	}
	for i, p := range ps {
		w := Pagamento{IUV: fmt.Sprintf("01%015d", i), IUR: fmt.Sprintf("IUR-%d", i), Indice: i%5 + 1,
			Importo: int64(1000 + 7*i), Esito: esiti[i%5], DataEsito: giorno("2025-03-02"), Riga: i + 1}
		if p != w {
			t.Errorf("payment %d\n got %+v\nwant %+v", i, p, w)
		}
	}
}

func TestClientElenco(t *testing.T) {
	api := sandbox.NewFdrAPI(chiave)
	for i := range 7 {
		pubblica(t, api, fmt.Sprintf("2025-03-03BCITITMM-%04d", i), 1)
	}
	s := avvia(t, api)
	c := s.client()
	e, err := c.Elenco(context.Background(), ente, Filtro{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if e.Pagina != 3 || e.TotalePagine != 3 || e.Totale != 7 || len(e.Voci) != 1 || e.Voci[0].IUF != "2025-03-03BCITITMM-0006" ||
		e.Voci[0].PSP != psp || e.Voci[0].Revisione != 1 || e.Voci[0].Pubblicato.IsZero() || e.Voci[0].DataOraFlusso.IsZero() {
		t.Errorf("%+v", e)
	}
	var tutti []string
	err = c.ElencoCompleto(context.Background(), ente, Filtro{PSP: psp, FlussiDal: time.Now().AddDate(0, 0, -1)}, func(v Voce) error {
		tutti = append(tutti, v.IUF)
		return nil
	})
	if err != nil || len(tutti) != 7 || tutti[6] != "2025-03-03BCITITMM-0006" {
		t.Fatalf("%v %v", tutti, err)
	}
	// The filters reach the server.
	for _, f := range []Filtro{{PSP: "ALTRO"}, {PubblicatiDopo: time.Now().Add(time.Minute)}, {FlussiDal: time.Now()}} {
		e, err := c.Elenco(context.Background(), ente, f, 1)
		if err != nil || len(e.Voci) != 0 {
			t.Errorf("%+v: %+v %v", f, e, err)
		}
	}
}

func TestClientRiprova(t *testing.T) {
	api := sandbox.NewFdrAPI(chiave)
	pubblica(t, api, "F1", 2)
	s := avvia(t, api)
	c := s.client()
	ctx := context.Background()

	// 429 with Retry-After: 1 s, then the answer.
	api.Limita(1, time.Second)
	start := time.Now()
	if _, err := c.Flusso(ctx, ente, "F1", 1, psp); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second || s.chiamate.Load() != 2 {
		t.Errorf("answered after %v and %d calls", d, s.chiamate.Load())
	}

	// 503 without Retry-After, twice: pauses of 0.5 and 1 s.
	api.Rifiuta(2, http.StatusServiceUnavailable, 0)
	s.chiamate.Store(0)
	start = time.Now()
	if err := c.Pagamenti(ctx, ente, "F1", 1, psp, func(Pagamento) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 1500*time.Millisecond || s.chiamate.Load() != 3 {
		t.Errorf("answered after %v and %d calls", d, s.chiamate.Load())
	}

	// Too many refusals: the last one is returned.
	c.Tentativi = 2
	api.Rifiuta(2, http.StatusBadGateway, 0)
	var ea *ErroreAPI
	if _, err := c.Flusso(ctx, ente, "F1", 1, psp); !errors.As(err, &ea) || ea.Status != 502 || ea.Codice != "FDR-0500" {
		t.Errorf("%v", err)
	}

	// A Retry-After longer than AttesaMassima is not waited for.
	c.AttesaMassima = time.Second
	api.Limita(1, time.Hour)
	s.chiamate.Store(0)
	_, err := c.Flusso(ctx, ente, "F1", 1, psp)
	if !errors.As(err, &ea) || ea.Status != 429 || ea.RetryAfter != time.Hour || s.chiamate.Load() != 1 ||
		!strings.Contains(err.Error(), "troppe richieste") || !strings.Contains(err.Error(), "riprovare tra 1h0m0s") {
		t.Errorf("%v after %d calls", err, s.chiamate.Load())
	}
	api.Reset()

	// The wait ends with the context.
	c.AttesaMassima = 0
	api.Limita(1, 30*time.Second)
	ctx2, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := c.Flusso(ctx2, ente, "F1", 1, psp); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("%v after %v", err, time.Since(start))
	}
}

func TestClientErrori(t *testing.T) {
	api := sandbox.NewFdrAPI(chiave)
	pubblica(t, api, "F1", 2)
	s := avvia(t, api)
	ctx := context.Background()

	c := s.client()
	c.Key = "sbagliata"
	_, err := c.Flusso(ctx, ente, "F1", 1, psp)
	if !errors.Is(err, ErrChiave) || errors.Is(err, ErrNonTrovato) || s.chiamate.Load() != 1 ||
		!strings.Contains(err.Error(), "HTTP 401: Access denied due to invalid subscription key") {
		t.Errorf("%v after %d calls", err, s.chiamate.Load())
	}

	c.Key = chiave
	for _, f := range []func() error{
		func() error { _, err := c.Flusso(ctx, ente, "F2", 1, psp); return err },
		func() error { _, err := c.Flusso(ctx, ente, "F1", 2, psp); return err },
		func() error { return c.Pagamenti(ctx, "99999999999", "F1", 1, psp, nil) },
	} {
		err := f()
		if !errors.Is(err, ErrNonTrovato) || !strings.Contains(err.Error(), "HTTP 404 FDR-0701") {
			t.Errorf("%v", err)
		}
	}

	stop := errors.New("basta")
	if _, err := c.Scarica(ctx, ente, "F1", 1, psp, func(Pagamento) error { return stop }); err != stop {
		t.Errorf("%v", err)
	}
}

// TestClientControlla: what the server sends is checked as a file is.
func TestClientControlla(t *testing.T) {
	api := sandbox.NewFdrAPI(chiave)
	pubblica(t, api, "F1", 4)
	s := avvia(t, api)
	for _, c := range []struct {
		nome    string
		rewrite func(path, body string) string
		attesi  []errore // riga is the payment's index
		fn      int      // payments passed to fn: none at or after a bad one
	}{
		{"somma dichiarata", func(p, b string) string {
			return strings.Replace(b, `"sumPayments":40.42`, `"sumPayments":40.43`, 1)
		}, []errore{{0, "sumPayments", "dichiara 40.43 ma la somma dei pagamenti è 40.42"}}, 4},
		{"numero dichiarato", func(p, b string) string {
			return strings.Replace(b, `"totPayments":4`, `"totPayments":5`, 1)
		}, []errore{{0, "totPayments", "dichiara 5 pagamenti ma pagoPA ne restituisce 4"}}, 4},
		{"stato sconosciuto", func(p, b string) string { return strings.Replace(b, `"STAND_IN"`, `"PAID"`, 1) },
			[]errore{{3, "payStatus", `"PAID" non ammesso`}}, 2},
		{"tre decimali", func(p, b string) string { return strings.Replace(b, `"pay":10.07`, `"pay":10.071`, 1) },
			[]errore{{2, "pay", "al più due decimali"}}, 1},
		{"revoca negativa", func(p, b string) string {
			b = strings.Replace(b, `"pay":10.07`, `"pay":-10.07`, 1)
			return strings.Replace(b, `"sumPayments":40.42`, `"sumPayments":20.28`, 1)
		}, nil, 4},
		{"negativo eseguito", func(p, b string) string { return strings.Replace(b, `"pay":10,`, `"pay":-10,`, 1) },
			[]errore{{1, "pay", "importo negativo non ammesso"}}, 0},
		{"data", func(p, b string) string {
			return strings.Replace(b, `"payDate":"2025-03-01T23:30:00Z"`, `"payDate":"ieri"`, 1)
		},
			[]errore{{1, "payDate", "non è una data e ora"}}, 0},
		{"tipo mittente", func(p, b string) string { return strings.Replace(b, `"BIC_CODE"`, `"IBAN"`, 1) },
			[]errore{{0, "sender.type", `"IBAN" non ammesso`}}, 0},
		{"altro ente", func(p, b string) string {
			return strings.Replace(b, `"organizationId":"`+ente+`"`, `"organizationId":"99999999999"`, 1)
		}, []errore{{0, "receiver.organizationId", "il flusso è dell'ente 99999999999"}}, 0},
		{"stato del flusso", func(p, b string) string { return strings.Replace(b, `"PUBLISHED"`, `"INSERTED"`, 1) },
			[]errore{{0, "status", "non pubblicato"}}, 0},
	} {
		t.Run(c.nome, func(t *testing.T) {
			s.riscrivi.Store(&c.rewrite)
			defer s.riscrivi.Store(nil)
			var chiamate []int
			_, err := s.client().Scarica(context.Background(), ente, "F1", 1, psp, func(p Pagamento) error {
				chiamate = append(chiamate, p.Riga)
				return nil
			})
			if c.attesi == nil {
				if err != nil || len(chiamate) != c.fn {
					t.Fatalf("%v, %v", err, chiamate)
				}
				return
			}
			var errs tracciato.Errori
			if !errors.As(err, &errs) || len(errs) != len(c.attesi) {
				t.Fatalf("%v, want %v", err, c.attesi)
			}
			for i, w := range c.attesi {
				if g := errs[i]; g.Riga != w.riga || g.Elemento != w.elemento || !strings.Contains(g.Motivo, w.motivo) {
					t.Errorf("got  %v\nwant %+v", g, w)
				}
			}
			if len(chiamate) != c.fn {
				t.Errorf("fn called for %v, want %d payments", chiamate, c.fn)
			}
		})
	}
}

func TestClientRete(t *testing.T) {
	api := sandbox.NewFdrAPI(chiave)
	pubblica(t, api, "F1", 1)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 { // the first connection drops with no answer
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + sandbox.FdrBasePath, Key: chiave, HTTP: srv.Client()}
	if _, err := c.Flusso(context.Background(), ente, "F1", 1, psp); err != nil || n.Load() != 2 {
		t.Fatalf("%v after %d calls", err, n.Load())
	}
}

func TestCentesimiJSON(t *testing.T) {
	for in, want := range map[string]int64{"100": 10000, "100.9": 10090, "100.95": 10095, "100.950": 10095, "1e2": 10000, "1.5E1": 1500, "0.01": 1} {
		if got, m := centesimiJSON(json.Number(in), false); m != "" || got != want {
			t.Errorf("%s: %d %s", in, got, m)
		}
	}
	for _, in := range []string{"", "100.951", "-5.00", "1e12", "abc"} {
		if got, m := centesimiJSON(json.Number(in), false); m == "" {
			t.Errorf("%s: %d accepted", in, got)
		}
	}
	if got, m := centesimiJSON("-5.00", true); m != "" || got != -500 {
		t.Errorf("revoked: %d %s", got, m)
	}
}
