package riconciliazione

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sportello/sportello/store"
)

// Etichetta is a label carried by a row shown in a detail: the payment
// itself, a flow reporting it or a movement crediting it.
type Etichetta struct {
	Classe
	ChiaveTipo, Chiave, IUR string // the row carrying it
	Dettaglio               string // the engine's note (amounts, counts)
}

// Dettaglio is what the reconciliation knows of one row (a payment: IUV
// and IUR, IUR "" for a debt record never paid; a flow; a treasury
// movement): its debt record, the three sides linked to it, every label
// of those rows (most complete first) and the row's flag history.
type Dettaglio struct {
	ChiaveTipo, Chiave, IUR string

	Dovuti []store.RicDovuto
	// Ricevute are the transfers of the payment's IUV, every IUR (more
	// than one IUR: paid twice); for a movement, those of the IUV its
	// causale names.
	Ricevute []store.RicRicevutaRiga
	// Righe are the reporting lines of the payment's IUV; a flow's own
	// lines are paged with RigheFlusso.
	Righe     []store.RicRigaFlusso
	Flussi    []store.RicFlussoRiga
	Movimenti []store.RicMovimentoRiga

	Etichette    []Etichetta
	Segnalazioni []store.RicSegnalazione // oldest first
}

// StatoSegnalazione is the row's flag state: store.SegnalazioneAperta,
// store.SegnalazioneChiusa, or "" if never flagged.
func (d Dettaglio) StatoSegnalazione() string {
	if n := len(d.Segnalazioni); n > 0 {
		return d.Segnalazioni[n-1].Stato
	}
	return ""
}

// Proprie are the labels of the row itself (not of the rows linked to it),
// most complete first.
func (d Dettaglio) Proprie() []Etichetta {
	var out []Etichetta
	for _, e := range d.Etichette {
		if e.ChiaveTipo == d.ChiaveTipo && e.Chiave == d.Chiave && e.IUR == d.IUR {
			out = append(out, e)
		}
	}
	return out
}

// ErrRigaNonTrovata is a detail asked for a row nothing is stored about.
var ErrRigaNonTrovata = errors.New("nessun dato per questa riga: forse è stata cancellata da un'importazione successiva")

// Dettaglio reads the detail of a row: chiaveTipo is ChiavePagamento
// (chiave the IUV, iur its IUR), ChiaveFlusso (the IUF) or ChiaveTesoreria
// (the movement's chiave).
func (s *Service) Dettaglio(ctx context.Context, chiaveTipo, chiave, iur string) (Dettaglio, error) {
	d := Dettaglio{ChiaveTipo: chiaveTipo, Chiave: chiave, IUR: iur}
	var err error
	switch chiaveTipo {
	case ChiavePagamento:
		err = s.dettaglioPagamento(ctx, &d)
	case ChiaveFlusso:
		err = s.dettaglioFlusso(ctx, &d)
	case ChiaveTesoreria:
		err = s.dettaglioMovimento(ctx, &d)
	default:
		return d, fmt.Errorf("tipo di riga %q sconosciuto", chiaveTipo)
	}
	if err != nil {
		return d, err
	}
	if err := s.etichette(ctx, &d); err != nil {
		return d, err
	}
	d.Segnalazioni, err = s.DB.RicSegnalazioniRiga(ctx, chiaveTipo, chiave, iur)
	return d, err
}

func (s *Service) dettaglioPagamento(ctx context.Context, d *Dettaglio) error {
	var err error
	if d.Ricevute, err = s.DB.RicRicevuteIUV(ctx, d.Chiave); err != nil {
		return err
	}
	if d.Righe, err = s.DB.RicRigheIUV(ctx, d.Chiave); err != nil {
		return err
	}
	var iuds []string
	for _, r := range d.Ricevute {
		if r.IUD != "" && !slices.Contains(iuds, r.IUD) {
			iuds = append(iuds, r.IUD)
		}
	}
	if d.Dovuti, err = s.DB.RicDovuti(ctx, iuds, d.Chiave); err != nil {
		return err
	}
	if len(d.Ricevute) == 0 && len(d.Righe) == 0 && len(d.Dovuti) == 0 {
		return ErrRigaNonTrovata
	}
	var iufs []string
	for _, r := range d.Righe {
		if !slices.Contains(iufs, r.IUF) {
			iufs = append(iufs, r.IUF)
		}
	}
	for _, iuf := range iufs {
		f, err := s.DB.RicFlussoIUF(ctx, iuf)
		if err != nil {
			return err
		}
		d.Flussi = append(d.Flussi, f)
		mm, err := s.DB.RicMovimentiIUF(ctx, iuf)
		if err != nil {
			return err
		}
		d.Movimenti = append(d.Movimenti, mm...)
	}
	singoli, err := s.DB.RicMovimentiIUV(ctx, d.Chiave)
	if err != nil {
		return err
	}
	for _, m := range singoli {
		if !slices.ContainsFunc(d.Movimenti, func(x store.RicMovimentoRiga) bool { return x.Chiave == m.Chiave }) {
			d.Movimenti = append(d.Movimenti, m)
		}
	}
	return nil
}

func (s *Service) dettaglioFlusso(ctx context.Context, d *Dettaglio) error {
	f, err := s.DB.RicFlussoIUF(ctx, d.Chiave)
	if errors.Is(err, store.ErrNotFound) {
		return ErrRigaNonTrovata
	}
	if err != nil {
		return err
	}
	d.Flussi = []store.RicFlussoRiga{f}
	d.Movimenti, err = s.DB.RicMovimentiIUF(ctx, d.Chiave)
	return err
}

func (s *Service) dettaglioMovimento(ctx context.Context, d *Dettaglio) error {
	m, err := s.DB.RicMovimentoChiave(ctx, d.Chiave)
	if errors.Is(err, store.ErrNotFound) {
		return ErrRigaNonTrovata
	}
	if err != nil {
		return err
	}
	d.Movimenti = []store.RicMovimentoRiga{m}
	if m.IUF != "" {
		switch f, err := s.DB.RicFlussoIUF(ctx, m.IUF); {
		case err == nil:
			d.Flussi = []store.RicFlussoRiga{f}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if m.IUV != "" {
		if d.Ricevute, err = s.DB.RicRicevuteIUV(ctx, m.IUV); err != nil {
			return err
		}
		if d.Dovuti, err = s.DB.RicDovuti(ctx, nil, m.IUV); err != nil {
			return err
		}
	}
	return nil
}

// etichette reads the labels of the row and of the flows and movements
// shown with it; for a payment, also those of the IUV's other payments
// (another IUR, or the debt record alone).
func (s *Service) etichette(ctx context.Context, d *Dettaglio) error {
	type riga struct{ tipo, chiave, iur string }
	righe := []riga{{d.ChiaveTipo, d.Chiave, d.IUR}}
	aggiungi := func(r riga) {
		if !slices.Contains(righe, r) {
			righe = append(righe, r)
		}
	}
	if d.ChiaveTipo == ChiavePagamento {
		aggiungi(riga{ChiavePagamento, d.Chiave, ""})
		for _, r := range d.Ricevute {
			aggiungi(riga{ChiavePagamento, r.IUV, r.IUR})
		}
		for _, r := range d.Righe {
			aggiungi(riga{ChiavePagamento, r.IUV, r.IUR})
		}
	}
	if d.ChiaveTipo == ChiaveTesoreria {
		for _, r := range d.Ricevute {
			aggiungi(riga{ChiavePagamento, r.IUV, r.IUR})
		}
	}
	for _, f := range d.Flussi {
		aggiungi(riga{ChiaveFlusso, f.IUF, ""})
	}
	for _, m := range d.Movimenti {
		aggiungi(riga{ChiaveTesoreria, m.Chiave, ""})
	}
	for _, r := range righe {
		ee, err := s.DB.RicEtichette(ctx, r.tipo, r.chiave, r.iur)
		if err != nil {
			return err
		}
		for _, e := range ee {
			c, ok := ClasseDi(e.Classe)
			if !ok {
				continue
			}
			d.Etichette = append(d.Etichette, Etichetta{Classe: c, ChiaveTipo: r.tipo, Chiave: r.chiave, IUR: r.iur, Dettaglio: e.Dettaglio})
		}
	}
	// The row's own labels first, then by rank.
	proprio := func(e Etichetta) int {
		if e.ChiaveTipo == d.ChiaveTipo && e.Chiave == d.Chiave && e.IUR == d.IUR {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(d.Etichette, func(a, b Etichetta) int {
		if p := proprio(a) - proprio(b); p != 0 {
			return p
		}
		return Rango(a.Codice) - Rango(b.Codice)
	})
	return nil
}
