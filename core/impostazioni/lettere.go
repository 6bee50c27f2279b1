package impostazioni

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// ModelloLettera is a template of the cover letter that goes with each
// pagoPA notice, with its record data.
type ModelloLettera struct {
	lettere.Modello
	ID     int64 // 0: not stored
	Attivo bool
	// Predefinito marks the built-in template (lettere.ModelloPredefinito),
	// offered until a template of its name is saved, which then replaces it.
	Predefinito  bool
	ModificatoIl time.Time
	ModificatoDa string
}

// ErrModelloNonTrovato: no template has that name.
var ErrModelloNonTrovato = errors.New("modello di lettera non trovato")

func modelloDaStore(m store.ModelloLettera) ModelloLettera {
	return ModelloLettera{Modello: lettere.Modello{Nome: m.Nome, Oggetto: m.Oggetto, Testo: m.Testo, Firma: m.Firma},
		ID: m.ID, Attivo: m.Attivo, ModificatoIl: m.ModificatoIl, ModificatoDa: m.ModificatoDa}
}

func predefinito() ModelloLettera {
	return ModelloLettera{Modello: lettere.ModelloPredefinito(), Attivo: true, Predefinito: true}
}

// ModelliLettera lists the templates, active or not: the built-in one
// first (unless a stored template has taken its name), then the stored
// ones by name. The list is never empty.
func (s *Service) ModelliLettera(ctx context.Context) ([]ModelloLettera, error) {
	list, err := s.DB.ModelliLettera(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ModelloLettera, 0, len(list)+1)
	out = append(out, predefinito())
	for _, m := range list {
		if m.Nome == lettere.NomePredefinito {
			out[0] = modelloDaStore(m)
			continue
		}
		out = append(out, modelloDaStore(m))
	}
	return out, nil
}

// ModelloLettera returns the active template of that name: a stored one,
// or the built-in one by its name or for an empty name. An unknown or
// switched-off name is an error (ErrModelloNonTrovato).
func (s *Service) ModelloLettera(ctx context.Context, nome string) (lettere.Modello, error) {
	nome = strings.TrimSpace(nome)
	if nome == "" {
		nome = lettere.NomePredefinito
	}
	m, err := s.DB.ModelloLetteraByNome(ctx, nome)
	switch {
	case errors.Is(err, store.ErrNotFound) && nome == lettere.NomePredefinito:
		return lettere.ModelloPredefinito(), nil
	case errors.Is(err, store.ErrNotFound):
		return lettere.Modello{}, fmt.Errorf("%w: «%s» (Impostazioni → Lettere di accompagnamento)", ErrModelloNonTrovato, nome)
	case err != nil:
		return lettere.Modello{}, err
	case !m.Attivo:
		return lettere.Modello{}, fmt.Errorf("il modello di lettera «%s» non è attivo (Impostazioni → Lettere di accompagnamento)", nome)
	}
	return modelloDaStore(m).Modello, nil
}

// SalvaModelloLettera creates (ID 0) or updates a letter template; the
// administrator only. The template is checked with lettere.Valida (every
// field known, braces balanced) and the change audited. Saving under the
// built-in template's name replaces it. Templates are switched off, never
// deleted.
func (s *Service) SalvaModelloLettera(ctx context.Context, by operatori.Operatore, m ModelloLettera) (int64, error) {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return 0, operatori.ErrNonAutorizzato
	}
	m.Nome, m.Oggetto = strings.TrimSpace(m.Nome), strings.TrimSpace(m.Oggetto)
	m.Testo = strings.TrimRight(strings.ReplaceAll(m.Testo, "\r\n", "\n"), " \t\n")
	m.Firma = strings.TrimSpace(strings.ReplaceAll(m.Firma, "\r\n", "\n"))
	if err := lettere.Valida(m.Modello); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		var err error
		id, err = tx.SaveModelloLettera(ctx, store.ModelloLettera{ID: m.ID, Nome: m.Nome, Oggetto: m.Oggetto, Testo: m.Testo,
			Firma: m.Firma, Attivo: m.Attivo})
		return err
	})
	if errors.Is(err, store.ErrDuplicate) {
		return 0, ErrValidazione{Campo: "Nome", Motivo: "esiste già un modello di lettera con questo nome"}
	}
	return id, err
}

// AnteprimaLettera prints m for a sample debtor (lettere.DatiEsempio) as
// the configured ente would send it, to check a template before use.
func (s *Service) AnteprimaLettera(ctx context.Context, m lettere.Modello, w io.Writer) error {
	d := lettere.DatiEsempio()
	e, err := s.Ente(ctx)
	switch {
	case err == nil:
		d.Ente = lettere.Ente{Nome: e.Denominazione, CodiceFiscale: e.CodiceFiscale, Settore: e.Settore, Indirizzo: e.Indirizzo}
	case !errors.Is(err, ErrEnteNonConfigurato):
		return err
	}
	l, err := lettere.Prepara(m, d)
	if err != nil {
		return err
	}
	return lettere.StampaLettera(w, l)
}
