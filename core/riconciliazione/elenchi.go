package riconciliazione

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// The lists and the detail of the Visualizzazione windows (MyPivot):
// Riconciliazione and Anomalie over the labels, the imported receipts,
// flows and treasury credits, and the operators' flags.

// Kinds of key a label is on (ric_classi.chiave_tipo).
const (
	ChiavePagamento = pagamento
	ChiaveFlusso    = flusso
	ChiaveTesoreria = tesoreria
)

// FiltroElenco selects the rows of Riconciliazione (Positive: the
// complete matches) or of Anomalie (the other labels).
type FiltroElenco struct {
	Positive bool
	Classe   string // one label of the window; "" for all of them
	Tipo     string // ChiavePagamento, ChiaveFlusso, ChiaveTesoreria; "" for all
	Chiave   string // prefix of the IUV, IUF or treasury movement
}

// ClassiElenco are the labels of Riconciliazione (positive) or Anomalie,
// in display rank.
func ClassiElenco(positive bool) []Classe {
	var out []Classe
	for _, c := range Classi {
		if c.Positiva == positive {
			out = append(out, c)
		}
	}
	return out
}

// classiFiltro are the labels f lists, in display rank.
func classiFiltro(f FiltroElenco) ([]Classe, error) {
	if f.Classe != "" {
		if c, ok := ClasseDi(f.Classe); !ok || c.Positiva != f.Positive {
			return nil, operatori.ErrValidazione{Campo: "Classificazione", Motivo: fmt.Sprintf("%q non è tra quelle di questo elenco", f.Classe)}
		}
	}
	var out []Classe
	for _, c := range ClassiElenco(f.Positive) {
		if (f.Classe == "" || c.Codice == f.Classe) && (f.Tipo == "" || c.Tipo == f.Tipo) {
			out = append(out, c)
		}
	}
	return out, nil
}

// conteggiElenco counts f's rows per label: the engine's counts without
// a key prefix, a range count of each label's key otherwise.
func (s *Service) conteggiElenco(ctx context.Context, f FiltroElenco, classi []Classe) ([]int, error) {
	out := make([]int, len(classi))
	chiave := strings.TrimSpace(f.Chiave)
	if chiave == "" {
		tutti, err := s.DB.ConteggiRicClassi(ctx)
		if err != nil {
			return nil, err
		}
		for i, c := range classi {
			out[i] = tutti[c.Codice]
		}
		return out, nil
	}
	for i, c := range classi {
		n, err := s.DB.CountRicClassi(ctx, store.FiltroRicClassi{Classe: c.Codice, ChiaveTipo: c.Tipo, Chiave: chiave})
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// ContaElenco counts the rows f lists.
func (s *Service) ContaElenco(ctx context.Context, f FiltroElenco) (int, error) {
	classi, err := classiFiltro(f)
	if err != nil {
		return 0, err
	}
	n, err := s.conteggiElenco(ctx, f, classi)
	if err != nil {
		return 0, err
	}
	tot := 0
	for _, k := range n {
		tot += k
	}
	return tot, nil
}

// Elenco returns a page of the rows f lists: label after label in display
// rank (the most complete matches, or the gravest anomalies, first), each
// label's rows in key order. Every page is one range of ric_classi's key
// per label it spans.
func (s *Service) Elenco(ctx context.Context, f FiltroElenco, offset, limit int) ([]store.RicRigaClasse, error) {
	classi, err := classiFiltro(f)
	if err != nil {
		return nil, err
	}
	conteggi, err := s.conteggiElenco(ctx, f, classi)
	if err != nil {
		return nil, err
	}
	var out []store.RicRigaClasse
	for i, c := range classi {
		if limit <= 0 {
			break
		}
		if offset >= conteggi[i] {
			offset -= conteggi[i]
			continue
		}
		page, err := s.DB.RicClassi(ctx, store.FiltroRicClassi{Classe: c.Codice, ChiaveTipo: c.Tipo, Chiave: strings.TrimSpace(f.Chiave)}, offset, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		limit -= len(page)
		offset = 0
	}
	return out, nil
}

// EtichetteDi are the labels of a comma-separated list (as the lists give
// them), most complete first; unknown codes are left out.
func EtichetteDi(codici string) []Classe {
	var out []Classe
	for _, k := range strings.Split(codici, ",") {
		if c, ok := ClasseDi(strings.TrimSpace(k)); ok {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Classe) int { return Rango(a.Codice) - Rango(b.Codice) })
	return out
}

// verificaPeriodo checks a "dal … al" filter (YYYY-MM-DD).
func verificaPeriodo(dal, al string) error {
	for _, d := range []struct{ campo, v string }{{"Data dal", dal}, {"Data al", al}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return operatori.ErrValidazione{Campo: d.campo, Motivo: "data non valida"}
		}
	}
	if dal != "" && al != "" && al < dal {
		return operatori.ErrValidazione{Campo: "Data al", Motivo: "precede la data dal"}
	}
	return nil
}

// ContaRicevute counts the receipt transfers matching f.
func (s *Service) ContaRicevute(ctx context.Context, f store.FiltroRicRicevute) (int, error) {
	if err := verificaPeriodo(f.Dal, f.Al); err != nil {
		return 0, err
	}
	return s.DB.CountRicRicevute(ctx, f)
}

// Ricevute pages through the receipt transfers matching f (IUV order).
func (s *Service) Ricevute(ctx context.Context, f store.FiltroRicRicevute, offset, limit int) ([]store.RicRicevutaRiga, error) {
	if err := verificaPeriodo(f.Dal, f.Al); err != nil {
		return nil, err
	}
	return s.DB.RicRicevute(ctx, f, offset, limit)
}

// ContaFlussi counts the reporting flows matching f.
func (s *Service) ContaFlussi(ctx context.Context, f store.FiltroRicFlussi) (int, error) {
	if err := verificaPeriodo(f.Dal, f.Al); err != nil {
		return 0, err
	}
	return s.DB.CountRicFlussi(ctx, f)
}

// Flussi pages through the reporting flows matching f, latest settled first.
func (s *Service) Flussi(ctx context.Context, f store.FiltroRicFlussi, offset, limit int) ([]store.RicFlussoRiga, error) {
	if err := verificaPeriodo(f.Dal, f.Al); err != nil {
		return nil, err
	}
	return s.DB.RicFlussi(ctx, f, offset, limit)
}

// ContaMovimenti counts the treasury credits matching f.
func (s *Service) ContaMovimenti(ctx context.Context, f store.FiltroRicMovimenti) (int, error) {
	if err := verificaPeriodo(f.Dal, f.Al); err != nil {
		return 0, err
	}
	return s.DB.CountRicMovimenti(ctx, f)
}

// Movimenti pages through the treasury credits matching f, latest value
// date first.
func (s *Service) Movimenti(ctx context.Context, f store.FiltroRicMovimenti, offset, limit int) ([]store.RicMovimentoRiga, error) {
	if err := verificaPeriodo(f.Dal, f.Al); err != nil {
		return nil, err
	}
	return s.DB.RicMovimenti(ctx, f, offset, limit)
}

// ContaRigheFlusso counts the lines of a flow.
func (s *Service) ContaRigheFlusso(ctx context.Context, iuf string) (int, error) {
	return s.DB.CountRicRigheFlusso(ctx, iuf)
}

// RigheFlusso pages through the lines of a flow in file order.
func (s *Service) RigheFlusso(ctx context.Context, iuf string, offset, limit int) ([]store.RicRigaFlusso, error) {
	return s.DB.RicRigheFlusso(ctx, iuf, offset, limit)
}
