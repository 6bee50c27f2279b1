package riconciliazione

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// maxNota bounds a flag's note.
const maxNota = 2000

// ErrNessunaSegnalazione is closing a flag on a row that has none open.
var ErrNessunaSegnalazione = errors.New("la riga non ha una segnalazione aperta da chiudere")

func verificaNota(nota string, obbligatoria bool) (string, error) {
	nota = strings.TrimSpace(nota)
	switch {
	case obbligatoria && nota == "":
		return "", operatori.ErrValidazione{Campo: "Nota", Motivo: "obbligatoria: spiegare l'anomalia o cosa si è fatto"}
	case utf8.RuneCountInString(nota) > maxNota:
		return "", operatori.ErrValidazione{Campo: "Nota", Motivo: fmt.Sprintf("al massimo %d caratteri", maxNota)}
	}
	return nota, nil
}

// Segnala flags a row of the classification for the label classe, which
// the row must carry, with a note: a new flag, or a further note on one
// already open. Every call is a row of the history, with who and when.
func (s *Service) Segnala(ctx context.Context, op operatori.Operatore, chiaveTipo, chiave, iur, classe, nota string) error {
	nota, err := verificaNota(nota, true)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, op.Username, func(tx *store.Tx) error {
		ok, err := tx.RicHaClasse(ctx, classe, chiaveTipo, chiave, iur)
		if err != nil {
			return err
		}
		if !ok {
			return operatori.ErrValidazione{Campo: "Classificazione", Motivo: fmt.Sprintf("la riga non ha la classificazione %s", classe)}
		}
		_, err = tx.InsertRicSegnalazione(ctx, store.RicSegnalazione{ChiaveTipo: chiaveTipo, Chiave: chiave, IUR: iur,
			Classe: classe, Nota: nota, Stato: store.SegnalazioneAperta})
		return err
	})
}

// ChiudiSegnalazione closes the open flag of a row, with an optional note;
// the closing is a row of the history too.
func (s *Service) ChiudiSegnalazione(ctx context.Context, op operatori.Operatore, chiaveTipo, chiave, iur, nota string) error {
	nota, err := verificaNota(nota, false)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, op.Username, func(tx *store.Tx) error {
		ultima, ok, err := tx.UltimaRicSegnalazione(ctx, chiaveTipo, chiave, iur)
		if err != nil {
			return err
		}
		if !ok || ultima.Stato != store.SegnalazioneAperta {
			return ErrNessunaSegnalazione
		}
		_, err = tx.InsertRicSegnalazione(ctx, store.RicSegnalazione{ChiaveTipo: chiaveTipo, Chiave: chiave, IUR: iur,
			Classe: ultima.Classe, Nota: nota, Stato: store.SegnalazioneChiusa})
		return err
	})
}

// ContaSegnalazioni counts the flag events matching f.
func (s *Service) ContaSegnalazioni(ctx context.Context, f store.FiltroRicSegnalazioni) (int, error) {
	return s.DB.CountRicSegnalazioni(ctx, f)
}

// Segnalazioni pages through the flag events matching f, newest first
// (Storico Segnalazioni).
func (s *Service) Segnalazioni(ctx context.Context, f store.FiltroRicSegnalazioni, offset, limit int) ([]store.RicSegnalazione, error) {
	return s.DB.RicSegnalazioni(ctx, f, offset, limit)
}

// SegnalazioneAperta is a row's open flag: the event that opened it and
// the further notes given while it stayed open, oldest first.
type SegnalazioneAperta struct {
	Apertura store.RicSegnalazione
	Note     []store.RicSegnalazione
}

// SegnalazioniAperte are the flags still open among the events of one or
// more rows (oldest first, as the store gives them), in the order they
// were opened: a flag is opened by the first event after the row's last
// closing.
func SegnalazioniAperte(eventi []store.RicSegnalazione) []SegnalazioneAperta {
	type riga struct{ tipo, chiave, iur string }
	aperte := map[riga]*SegnalazioneAperta{}
	var ordine []*SegnalazioneAperta
	for _, e := range eventi {
		k := riga{e.ChiaveTipo, e.Chiave, e.IUR}
		switch e.Stato {
		case store.SegnalazioneChiusa:
			delete(aperte, k)
		case store.SegnalazioneAperta:
			if a, ok := aperte[k]; ok {
				a.Note = append(a.Note, e)
				continue
			}
			a := &SegnalazioneAperta{Apertura: e}
			aperte[k] = a
			ordine = append(ordine, a)
		}
	}
	var out []SegnalazioneAperta
	for _, a := range ordine {
		k := riga{a.Apertura.ChiaveTipo, a.Apertura.Chiave, a.Apertura.IUR}
		if aperte[k] == a {
			out = append(out, *a)
		}
	}
	return out
}
