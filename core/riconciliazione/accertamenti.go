package riconciliazione

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// The Accertamento menu of MyPivot: offices, budget chapters and
// assessments (Anagrafiche capitoli), and the paid payments counted in an
// assessment. A payment counts in one assessment at most, for its amount
// when associated; a closed assessment changes no more until a supervisor
// reopens it.

// ErrAccertamentoChiuso refuses a change to a closed assessment.
var ErrAccertamentoChiuso = errors.New("l'accertamento è chiuso: non si può modificare (un supervisore può riaprirlo)")

// RuoloRiapertura is the least role that reopens a closed assessment.
const RuoloRiapertura = operatori.RuoloSupervisore

// Bounds of what the clerk types (the bilancio's codes are up to 64 characters).
const (
	maxCodiceAnagrafica = 64
	maxTestoAnagrafica  = 500
	annoMinimo          = 1900
	annoMassimo         = 2999
)

func accErrCampo(campo, motivo string) error {
	return operatori.ErrValidazione{Campo: campo, Motivo: motivo}
}

// accCodice checks a code: required, one line, not too long.
func accCodice(campo, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", accErrCampo(campo, "obbligatorio")
	case utf8.RuneCountInString(s) > maxCodiceAnagrafica:
		return "", accErrCampo(campo, fmt.Sprintf("al massimo %d caratteri", maxCodiceAnagrafica))
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "", accErrCampo(campo, "non può contenere a capo o tabulazioni")
	}
	return s, nil
}

// accTesto checks a description: required when obbligatorio, not too long.
func accTesto(campo, s string, obbligatorio bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && obbligatorio:
		return "", accErrCampo(campo, "obbligatoria")
	case utf8.RuneCountInString(s) > maxTestoAnagrafica:
		return "", accErrCampo(campo, fmt.Sprintf("al massimo %d caratteri", maxTestoAnagrafica))
	}
	return s, nil
}

func accControllaAnno(campo string, anno int) error {
	if anno != 0 && (anno < annoMinimo || anno > annoMassimo) {
		return accErrCampo(campo, fmt.Sprintf("%d non è un anno valido (da %d a %d, o vuoto per qualsiasi anno)", anno, annoMinimo, annoMassimo))
	}
	return nil
}

// LeggiAnno reads a budget year as typed: empty is 0 (any year).
func LeggiAnno(campo, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, accErrCampo(campo, fmt.Sprintf("«%s» non è un anno: scrivere ad esempio 2026", s))
	}
	return n, accControllaAnno(campo, n)
}

// LeggiImporto reads an amount in euro as typed (1.234,56 or 1234.56):
// empty is 0 (not stated).
func LeggiImporto(campo, s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	c, err := flussi.ParseImporto(s)
	if err != nil {
		return 0, accErrCampo(campo, err.Error())
	}
	return c, nil
}

// AnnoTesto is a year as the windows show it ("" for any year).
func AnnoTesto(anno int) string {
	if anno == 0 {
		return ""
	}
	return strconv.Itoa(anno)
}

func accPerAnno(anno int) string {
	if anno == 0 {
		return "per qualsiasi anno"
	}
	return fmt.Sprintf("nell'anno %d", anno)
}

// ---- offices

// ContaUffici counts the offices matching f.
func (s *Service) ContaUffici(ctx context.Context, f store.FiltroRicUffici) (int, error) {
	return s.DB.CountRicUffici(ctx, f)
}

// Uffici pages through the offices matching f.
func (s *Service) Uffici(ctx context.Context, f store.FiltroRicUffici, offset, limit int) ([]store.RicUfficio, error) {
	return s.DB.RicUffici(ctx, f, offset, limit)
}

// Ufficio reads an office.
func (s *Service) Ufficio(ctx context.Context, cod string) (store.RicUfficio, error) {
	u, err := s.DB.RicUfficio(ctx, cod)
	if errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("ufficio %s non trovato", cod)
	}
	return u, err
}

func (s *Service) scrivi(ctx context.Context, op operatori.Operatore, fn func(tx *store.Tx) error) error {
	return s.DB.Write(ctx, op.Username, fn)
}

// CreaUfficio adds an office, active.
func (s *Service) CreaUfficio(ctx context.Context, op operatori.Operatore, u store.RicUfficio) error {
	var err error
	if u.Codice, err = accCodice("Codice", u.Codice); err != nil {
		return err
	}
	if u.Denominazione, err = accTesto("Denominazione", u.Denominazione, true); err != nil {
		return err
	}
	u.Attivo = true
	err = s.scrivi(ctx, op, func(tx *store.Tx) error { return tx.InsertRicUfficio(ctx, u) })
	if errors.Is(err, store.ErrDuplicate) {
		return accErrCampo("Codice", fmt.Sprintf("l'ufficio %s esiste già", u.Codice))
	}
	return err
}

// ModificaUfficio changes an office's name.
func (s *Service) ModificaUfficio(ctx context.Context, op operatori.Operatore, cod, denominazione string) error {
	den, err := accTesto("Denominazione", denominazione, true)
	if err != nil {
		return err
	}
	return s.scrivi(ctx, op, func(tx *store.Tx) error {
		u, err := tx.RicUfficio(ctx, cod)
		if err != nil {
			return accUfficioIgnoto(cod, err)
		}
		u.Denominazione = den
		return tx.UpdateRicUfficio(ctx, u)
	})
}

// AttivaUfficio activates or deactivates an office: a deactivated one is
// offered no more for new assessments.
func (s *Service) AttivaUfficio(ctx context.Context, op operatori.Operatore, cod string, attivo bool) error {
	return s.scrivi(ctx, op, func(tx *store.Tx) error {
		u, err := tx.RicUfficio(ctx, cod)
		if err != nil {
			return accUfficioIgnoto(cod, err)
		}
		u.Attivo = attivo
		return tx.UpdateRicUfficio(ctx, u)
	})
}

func accUfficioIgnoto(cod string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return accErrCampo("Ufficio", fmt.Sprintf("l'ufficio %s non esiste", cod))
	}
	return err
}

// ---- chapters

// ContaCapitoli counts the chapters matching f.
func (s *Service) ContaCapitoli(ctx context.Context, f store.FiltroRicCapitoli) (int, error) {
	return s.DB.CountRicCapitoli(ctx, f)
}

// Capitoli pages through the chapters matching f.
func (s *Service) Capitoli(ctx context.Context, f store.FiltroRicCapitoli, offset, limit int) ([]store.RicCapitolo, error) {
	return s.DB.RicCapitoli(ctx, f, offset, limit)
}

// Capitolo reads a chapter.
func (s *Service) Capitolo(ctx context.Context, ufficio, cod string, anno int) (store.RicCapitolo, error) {
	c, err := s.DB.RicCapitolo(ctx, ufficio, cod, anno)
	if errors.Is(err, store.ErrNotFound) {
		return c, fmt.Errorf("capitolo %s dell'ufficio %s %s non trovato", cod, ufficio, accPerAnno(anno))
	}
	return c, err
}

// CreaCapitolo adds a chapter, active, to an active office.
func (s *Service) CreaCapitolo(ctx context.Context, op operatori.Operatore, c store.RicCapitolo) error {
	var err error
	if c.Ufficio, err = accCodice("Ufficio", c.Ufficio); err != nil {
		return err
	}
	if c.Codice, err = accCodice("Codice", c.Codice); err != nil {
		return err
	}
	if err := accControllaAnno("Anno", c.Anno); err != nil {
		return err
	}
	if c.Descrizione, err = accTesto("Descrizione", c.Descrizione, true); err != nil {
		return err
	}
	c.Attivo = true
	err = s.scrivi(ctx, op, func(tx *store.Tx) error {
		u, err := tx.RicUfficio(ctx, c.Ufficio)
		if err != nil {
			return accUfficioIgnoto(c.Ufficio, err)
		}
		if !u.Attivo {
			return accErrCampo("Ufficio", fmt.Sprintf("l'ufficio %s è disattivato", u.Codice))
		}
		return tx.InsertRicCapitolo(ctx, c)
	})
	if errors.Is(err, store.ErrDuplicate) {
		return accErrCampo("Codice", fmt.Sprintf("il capitolo %s esiste già per l'ufficio %s %s", c.Codice, c.Ufficio, accPerAnno(c.Anno)))
	}
	return err
}

func (s *Service) cambiaCapitolo(ctx context.Context, op operatori.Operatore, ufficio, cod string, anno int, fn func(c *store.RicCapitolo)) error {
	return s.scrivi(ctx, op, func(tx *store.Tx) error {
		c, err := tx.RicCapitolo(ctx, ufficio, cod, anno)
		if errors.Is(err, store.ErrNotFound) {
			return accErrCampo("Capitolo", fmt.Sprintf("il capitolo %s dell'ufficio %s %s non esiste", cod, ufficio, accPerAnno(anno)))
		}
		if err != nil {
			return err
		}
		fn(&c)
		return tx.UpdateRicCapitolo(ctx, c)
	})
}

// ModificaCapitolo changes a chapter's description.
func (s *Service) ModificaCapitolo(ctx context.Context, op operatori.Operatore, ufficio, cod string, anno int, descrizione string) error {
	d, err := accTesto("Descrizione", descrizione, true)
	if err != nil {
		return err
	}
	return s.cambiaCapitolo(ctx, op, ufficio, cod, anno, func(c *store.RicCapitolo) { c.Descrizione = d })
}

// AttivaCapitolo activates or deactivates a chapter: a deactivated one is
// offered no more for new assessments.
func (s *Service) AttivaCapitolo(ctx context.Context, op operatori.Operatore, ufficio, cod string, anno int, attivo bool) error {
	return s.cambiaCapitolo(ctx, op, ufficio, cod, anno, func(c *store.RicCapitolo) { c.Attivo = attivo })
}

// ---- assessments

// TotaliAccertamenti counts the assessments matching f, with their totals.
func (s *Service) TotaliAccertamenti(ctx context.Context, f store.FiltroRicAccertamenti) (store.RicTotaliAccertamenti, error) {
	return s.DB.TotaliRicAccertamenti(ctx, f)
}

// Accertamenti pages through the assessments matching f, with their totals.
func (s *Service) Accertamenti(ctx context.Context, f store.FiltroRicAccertamenti, offset, limit int) ([]store.RicAccertamento, error) {
	return s.DB.RicAccertamenti(ctx, f, offset, limit)
}

// Accertamento reads an assessment with its totals.
func (s *Service) Accertamento(ctx context.Context, id int64) (store.RicAccertamento, error) {
	return accIgnoto(s.DB.RicAccertamento(ctx, id))
}

func accIgnoto(a store.RicAccertamento, err error) (store.RicAccertamento, error) {
	if errors.Is(err, store.ErrNotFound) {
		return a, errors.New("accertamento non trovato: forse è stato appena rimosso")
	}
	return a, err
}

// CreaAccertamento adds an open assessment to an active chapter of an
// active office: the chapter of its year, or of any year. It refuses one
// whose office, chapter, year and code exist already.
func (s *Service) CreaAccertamento(ctx context.Context, op operatori.Operatore, a store.RicAccertamento) (int64, error) {
	var err error
	if a.Ufficio, err = accCodice("Ufficio", a.Ufficio); err != nil {
		return 0, err
	}
	if a.Capitolo, err = accCodice("Capitolo", a.Capitolo); err != nil {
		return 0, err
	}
	if err := accControllaAnno("Anno", a.Anno); err != nil {
		return 0, err
	}
	if a.Codice, err = accCodice("Codice", a.Codice); err != nil {
		return 0, err
	}
	if a.Descrizione, err = accTesto("Descrizione", a.Descrizione, true); err != nil {
		return 0, err
	}
	if a.Importo < 0 {
		return 0, accErrCampo("Importo previsto", "non può essere negativo")
	}
	a.Stato = store.RicAccertamentoAperto
	var id int64
	err = s.scrivi(ctx, op, func(tx *store.Tx) error {
		u, err := tx.RicUfficio(ctx, a.Ufficio)
		if err != nil {
			return accUfficioIgnoto(a.Ufficio, err)
		}
		if !u.Attivo {
			return accErrCampo("Ufficio", fmt.Sprintf("l'ufficio %s è disattivato", u.Codice))
		}
		c, err := tx.RicCapitoloPer(ctx, a.Ufficio, a.Capitolo, a.Anno)
		if errors.Is(err, store.ErrNotFound) {
			return accErrCampo("Capitolo", fmt.Sprintf("l'ufficio %s non ha il capitolo %s %s", a.Ufficio, a.Capitolo, accPerAnno(a.Anno)))
		}
		if err != nil {
			return err
		}
		if !c.Attivo {
			return accErrCampo("Capitolo", fmt.Sprintf("il capitolo %s è disattivato", c.Codice))
		}
		id, err = tx.InsertRicAccertamento(ctx, a)
		return err
	})
	if errors.Is(err, store.ErrDuplicate) {
		return 0, accErrCampo("Codice", fmt.Sprintf("l'accertamento %s esiste già per l'ufficio %s, capitolo %s, %s",
			a.Codice, a.Ufficio, a.Capitolo, strings.TrimPrefix(accPerAnno(a.Anno), "nell'")))
	}
	return id, err
}

// accAperto reads, inside tx, an assessment that may be changed.
func accAperto(ctx context.Context, tx *store.Tx, id int64) (store.RicAccertamento, error) {
	a, err := accIgnoto(tx.RicAccertamento(ctx, id))
	if err == nil && a.Stato != store.RicAccertamentoAperto {
		err = ErrAccertamentoChiuso
	}
	return a, err
}

// ModificaAccertamento changes an open assessment's description and
// expected amount; office, chapter, year and code stay.
func (s *Service) ModificaAccertamento(ctx context.Context, op operatori.Operatore, id int64, descrizione string, importo int64) error {
	d, err := accTesto("Descrizione", descrizione, true)
	if err != nil {
		return err
	}
	if importo < 0 {
		return accErrCampo("Importo previsto", "non può essere negativo")
	}
	return s.scrivi(ctx, op, func(tx *store.Tx) error {
		a, err := accAperto(ctx, tx, id)
		if err != nil {
			return err
		}
		a.Descrizione, a.Importo = d, importo
		return tx.UpdateRicAccertamento(ctx, a)
	})
}

// ChiudiAccertamento closes an open assessment.
func (s *Service) ChiudiAccertamento(ctx context.Context, op operatori.Operatore, id int64) error {
	return s.scrivi(ctx, op, func(tx *store.Tx) error {
		a, err := accIgnoto(tx.RicAccertamento(ctx, id))
		if err != nil {
			return err
		}
		if a.Stato == store.RicAccertamentoChiuso {
			return errors.New("l'accertamento è già chiuso")
		}
		a.Stato = store.RicAccertamentoChiuso
		return tx.UpdateRicAccertamento(ctx, a)
	})
}

// PuoRiaprire tells whether op may reopen a closed assessment.
func PuoRiaprire(op operatori.Operatore) bool { return op.Ruolo.Almeno(RuoloRiapertura) }

// RiapriAccertamento reopens a closed assessment: supervisors only.
func (s *Service) RiapriAccertamento(ctx context.Context, op operatori.Operatore, id int64) error {
	if !PuoRiaprire(op) {
		return fmt.Errorf("%w: riaprire un accertamento chiuso spetta a un %s", operatori.ErrNonAutorizzato,
			strings.ToLower(RuoloRiapertura.Label()))
	}
	return s.scrivi(ctx, op, func(tx *store.Tx) error {
		a, err := accIgnoto(tx.RicAccertamento(ctx, id))
		if err != nil {
			return err
		}
		if a.Stato == store.RicAccertamentoAperto {
			return errors.New("l'accertamento è già aperto")
		}
		a.Stato = store.RicAccertamentoAperto
		return tx.UpdateRicAccertamento(ctx, a)
	})
}

// ---- payments

// ContaPagamentiLiberi counts the paid payments matching f that no
// assessment counts yet.
func (s *Service) ContaPagamentiLiberi(ctx context.Context, f store.FiltroRicPagamentiLiberi) (int, error) {
	return s.DB.CountRicPagamentiLiberi(ctx, f)
}

// PagamentiLiberi pages through them.
func (s *Service) PagamentiLiberi(ctx context.Context, f store.FiltroRicPagamentiLiberi, offset, limit int) ([]store.RicPagamentoAcc, error) {
	return s.DB.RicPagamentiLiberi(ctx, f, offset, limit)
}

// ContaPagamentiAccertamento counts the payments an assessment counts.
func (s *Service) ContaPagamentiAccertamento(ctx context.Context, id int64) (int, error) {
	return s.DB.CountRicAssociazioni(ctx, id)
}

// PagamentiAccertamento pages through them.
func (s *Service) PagamentiAccertamento(ctx context.Context, id int64, offset, limit int) ([]store.RicPagamentoAcc, error) {
	return s.DB.RicAssociazioni(ctx, id, offset, limit)
}

// AssociaPagamento counts a paid payment (IUV + IUR) in an open assessment
// for its amount, the sum of its receipt's transfers, which it returns. A
// payment another assessment counts is refused, naming that assessment.
func (s *Service) AssociaPagamento(ctx context.Context, op operatori.Operatore, id int64, iuv, iur string) (int64, error) {
	var importo int64
	err := s.scrivi(ctx, op, func(tx *store.Tx) error {
		if _, err := accAperto(ctx, tx, id); err != nil {
			return err
		}
		var err error
		importo, err = tx.AssociaRicPagamento(ctx, id, iuv, iur)
		return err
	})
	return importo, err
}

// AssociaPagamentiFiltro counts in an open assessment every free payment
// matching f, in one transaction, and says how many and for how much.
func (s *Service) AssociaPagamentiFiltro(ctx context.Context, op operatori.Operatore, id int64, f store.FiltroRicPagamentiLiberi) (int, int64, error) {
	var n int
	var tot int64
	err := s.scrivi(ctx, op, func(tx *store.Tx) error {
		if _, err := accAperto(ctx, tx, id); err != nil {
			return err
		}
		var err error
		n, tot, err = tx.AssociaRicPagamentiLiberi(ctx, id, f)
		return err
	})
	return n, tot, err
}

// RimuoviAssociazione takes a payment out of an open assessment.
func (s *Service) RimuoviAssociazione(ctx context.Context, op operatori.Operatore, id int64, iuv, iur string) error {
	return s.scrivi(ctx, op, func(tx *store.Tx) error {
		if _, err := accAperto(ctx, tx, id); err != nil {
			return err
		}
		err := tx.RimuoviRicAssociazione(ctx, id, iuv, iur)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("il pagamento IUV %s (IUR %s) non è associato a questo accertamento", iuv, iur)
		}
		return err
	})
}

// CreaAnagraficheMancanti creates the offices, chapters and assessments the
// debt records name and associates their paid payments, as importing does
// (see store.Tx.CreaAnagraficheMancanti), over all the data.
func (s *Service) CreaAnagraficheMancanti(ctx context.Context, op operatori.Operatore) (store.RicAnagraficheCreate, error) {
	var c store.RicAnagraficheCreate
	err := s.DB.WriteMassivo(ctx, op.Username, func(tx *store.Tx) error {
		var err error
		c, err = tx.CreaAnagraficheDettaglio(ctx)
		return err
	})
	return c, err
}
