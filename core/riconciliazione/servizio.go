package riconciliazione

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
)

// Service is the reconciliation area of core.App: imports, runs, the
// paged lists of the windows and the exports.
type Service struct {
	DB *store.DB
}

// New returns the service on db.
func New(db *store.DB) *Service { return &Service{DB: db} }

// Importa imports one file as op (see the package function).
func (s *Service) Importa(ctx context.Context, op operatori.Operatore, path string) (Esito, error) {
	return Importa(ctx, s.DB, op.Username, path)
}

// Esegui classifies everything again as op.
func (s *Service) Esegui(ctx context.Context, op operatori.Operatore) (Riepilogo, error) {
	if err := s.DB.Write(ctx, op.Username, func(tx *store.Tx) error {
		_, err := tx.SincronizzaDovutiAvvisi(ctx, nil)
		return err
	}); err != nil {
		return Riepilogo{}, err
	}
	return Esegui(ctx, s.DB, op.Username)
}

// Stato counts the rows per label.
func (s *Service) Stato(ctx context.Context) (map[string]int, error) { return Stato(ctx, s.DB) }

// Righe counts the rows matching f and returns one page of them.
func (s *Service) Righe(ctx context.Context, f store.FiltroRicClassi, offset, limit int) (int, []store.RicRigaClasse, error) {
	if f.Classe != "" {
		if _, ok := ClasseDi(f.Classe); !ok {
			return 0, nil, fmt.Errorf("classificazione %q sconosciuta", f.Classe)
		}
	}
	n, err := s.DB.CountRicClassi(ctx, f)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.DB.RicClassi(ctx, f, offset, limit)
	return n, page, err
}

// ColonneEsportazione are the columns of an export of classified rows.
var ColonneEsportazione = []tabelle.Column{
	{Title: "Classificazione"}, {Title: "Tipo"}, {Title: "IUV / IUF / Movimento"}, {Title: "IUR"},
	{Title: "IUD"}, {Title: "Debitore"}, {Title: "Tipo dovuto"}, {Title: "Importo dovuto", Kind: tabelle.Number},
	{Title: "Importo pagato", Kind: tabelle.Number}, {Title: "Data esito", Kind: tabelle.Date}, {Title: "Pagatore"},
	{Title: "Codice fiscale pagatore"}, {Title: "IUF"}, {Title: "Data regolamento", Kind: tabelle.Date},
	{Title: "Importo flusso", Kind: tabelle.Number}, {Title: "Numero bolletta"}, {Title: "Data valuta", Kind: tabelle.Date},
	{Title: "Importo tesoreria", Kind: tabelle.Number}, {Title: "Causale tesoreria"}, {Title: "Dettaglio"},
}

// RigaEsportazione is a classified row as the export writes it.
func RigaEsportazione(r store.RicRigaClasse) []string {
	imp := func(c int64, presente bool) string {
		if !presente {
			return ""
		}
		return tracciato.Euro(c)
	}
	return []string{r.Classe, strings.ToLower(r.ChiaveTipo), r.Chiave, r.IUR, r.IUD, r.Anagrafica, r.TipoDovuto,
		imp(r.ImportoDovuto, r.IUD != ""), imp(r.ImportoRT, r.DataEsito != "" || r.ImportoRT != 0), r.DataEsito, r.Pagatore,
		r.CFPagatore, r.IUF, r.DataRegolamento, imp(r.ImportoFlusso, r.IUF != ""), r.Bolletta, r.DataValuta,
		imp(r.ImportoMovimento, r.Movimento != ""), r.CausaleMovimento, r.Dettaglio}
}

// righeTutte pages through every row matching f.
func (s *Service) righeTutte(ctx context.Context, f store.FiltroRicClassi) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		const pagina = 5000
		for off := 0; ; off += pagina {
			page, err := s.DB.RicClassi(ctx, f, off, pagina)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page {
				if !yield(RigaEsportazione(r), nil) {
					return
				}
			}
			if len(page) < pagina {
				return
			}
		}
	}
}

// Esporta writes the rows matching f as "xlsx" or "csv" (cells
// neutralised against formulas) and returns how many it wrote.
func (s *Service) Esporta(ctx context.Context, f store.FiltroRicClassi, formato string, w io.Writer) (int, error) {
	n, err := s.DB.CountRicClassi(ctx, f)
	if err != nil {
		return 0, err
	}
	rows := tabelle.SeqRows(s.righeTutte(ctx, f))
	switch formato {
	case "xlsx":
		nome := f.Classe
		if nome == "" {
			nome = "Riconciliazione"
		}
		return n, tabelle.WriteXLSX(w, nome, ColonneEsportazione, rows)
	case "csv":
		return n, tabelle.WriteCSV(w, ColonneEsportazione, rows, tabelle.CSVOptions{})
	}
	return 0, fmt.Errorf("formato %q: usare xlsx o csv", formato)
}
