package avvisi

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
)

// The front desk (Sportello al cittadino): a clerk finds a notice by its
// number and the debtor's fiscal code, sees where it stands — generated,
// sent, paid (GPD asked there and then), and what the reconciliation says
// of its IUV — and prints it again; or creates a spontaneous payment at
// the counter (sportello_spontaneo.go).

// Fase is where a notice stands, as the clerk tells the citizen.
type Fase string

// Phases of a notice, from the first to the last.
const (
	FaseDaGenerare Fase = "DA_GENERARE" // stored, not yet on pagoPA
	FaseErrore     Fase = "ERRORE"      // pagoPA refused the position
	FaseGenerato   Fase = "GENERATO"    // payable, never sent to the citizen
	FaseInviato    Fase = "INVIATO"     // payable, sent by PEC or e-mail
	FasePagato     Fase = "PAGATO"
	FaseScaduto    Fase = "SCADUTO"
	FaseAnnullato  Fase = "ANNULLATO"
)

// Descrizione is the phase in the clerk's words.
func (f Fase) Descrizione() string {
	switch f {
	case FaseDaGenerare:
		return "Non ancora pubblicato su pagoPA"
	case FaseErrore:
		return "Rifiutato da pagoPA"
	case FaseGenerato:
		return "Generato, da pagare"
	case FaseInviato:
		return "Inviato, da pagare"
	case FasePagato:
		return "Pagato"
	case FaseScaduto:
		return "Scaduto"
	case FaseAnnullato:
		return "Annullato"
	}
	return string(f)
}

// Errors of a search at the counter, behind ErrRicerca.
var (
	// ErrAltroIntestatario: the notice exists but is not the citizen's.
	ErrAltroIntestatario = errors.New("l'avviso è intestato a un altro debitore")
)

// ErrRicerca is a search refused: the field to correct, why, and (for
// errors.Is) ErrAvvisoNonTrovato or ErrAltroIntestatario when the input
// was well formed.
type ErrRicerca struct {
	Campo, Motivo string
	Causa         error
}

func (e *ErrRicerca) Error() string { return e.Campo + ": " + e.Motivo }

func (e *ErrRicerca) Unwrap() error { return e.Causa }

// Quadratura is one label the reconciliation gives the notice's IUV, with
// the three sides it found (receipt, reporting flow, treasury).
type Quadratura struct {
	Classe riconciliazione.Classe
	store.RicRigaClasse
}

// AvvisoSportello is a notice as the front desk shows it.
type AvvisoSportello struct {
	Dettaglio
	Fase Fase
	// GPDLetto tells whether pagoPA's GPD answered the search; when it did
	// not, Avviso.StatoGPD is the last state recorded and ErroreGPD says why.
	GPDLetto  bool
	ErroreGPD string
	PagatoIl  time.Time // from GPD, for a paid notice
	// Riconciliazione are the labels of the IUV, the most complete first;
	// none before the reconciliation has seen it.
	Riconciliazione []Quadratura
	// Segnalazioni are the flags an operator opened on the IUV's payment
	// (Riconciliazione › Anomalie, «Segnala») and has not closed yet.
	Segnalazioni []riconciliazione.SegnalazioneAperta
}

// timeoutGPD bounds the state read at the counter: a citizen is waiting,
// and the last state recorded is shown when pagoPA is slow.
const timeoutGPD = 15 * time.Second

// CercaAvviso finds a notice by its number (18 digits) or IUV (17) and the
// fiscal code or partita IVA of its debtor: both are required, as the
// clerk must identify the citizen. The state of a published notice is
// read from GPD now and recorded if it changed (by the operator, audited).
func (s *Service) CercaAvviso(ctx context.Context, by operatori.Operatore, codice, debitore string) (AvvisoSportello, error) {
	if !by.Ruolo.Almeno(operatori.RuoloOperatore) {
		return AvvisoSportello{}, operatori.ErrNonAutorizzato
	}
	codice, debitore = pagopa.NormalizzaCodiceAvviso(codice), normalizzaDebitore(debitore)
	var errs []error
	if err := validaCodiceRicerca(codice); err != nil {
		errs = append(errs, err)
	}
	if err := validaDebitore(debitore); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return AvvisoSportello{}, errors.Join(errs...)
	}
	x, err := s.DB.AvvisoByIUV(ctx, codice)
	if errors.Is(err, store.ErrNotFound) {
		return AvvisoSportello{}, &ErrRicerca{Campo: "Codice avviso", Causa: ErrAvvisoNonTrovato,
			Motivo: fmt.Sprintf("nessun avviso con il numero %s: controllare le cifre sull'avviso del cittadino", pagopa.FormattaCodiceAvviso(codice))}
	}
	if err != nil {
		return AvvisoSportello{}, err
	}
	if a := x.Avviso; debitore != a.CodiceFiscale && debitore != a.PartitaIVA {
		return AvvisoSportello{}, &ErrRicerca{Campo: "Codice fiscale", Causa: ErrAltroIntestatario,
			Motivo: fmt.Sprintf("l'avviso %s non è intestato a %s: controllare il documento del cittadino",
				pagopa.FormattaCodiceAvviso(a.CodiceAvviso), debitore)}
	}
	var out AvvisoSportello
	if x.Avviso.Stato == StatoGenerato {
		out.GPDLetto, out.PagatoIl, out.ErroreGPD = s.leggiStatoGPD(ctx, by, x.Avviso)
	}
	if out.Dettaglio, err = s.Dettaglio(ctx, x.Avviso.IUV); err != nil {
		return out, err
	}
	if out.Riconciliazione, err = s.quadrature(ctx, x.Avviso.IUV); err != nil {
		return out, err
	}
	eventi, err := s.DB.RicSegnalazioniChiave(ctx, riconciliazione.ChiavePagamento, x.Avviso.IUV)
	if err != nil {
		return out, err
	}
	out.Segnalazioni = riconciliazione.SegnalazioniAperte(eventi)
	out.Fase = faseDi(out.Avviso, out.Riconciliazione)
	return out, nil
}

// normalizzaDebitore reads a fiscal code or partita IVA as typed.
func normalizzaDebitore(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func validaCodiceRicerca(codice string) error {
	campo := "Codice avviso"
	if codice == "" {
		return &ErrRicerca{Campo: campo, Motivo: "obbligatorio: il codice avviso (18 cifre) o lo IUV (17 cifre)"}
	}
	if strings.Trim(codice, "0123456789") == "" && len(codice) != 17 && len(codice) != pagopa.LunghezzaCodiceAvviso {
		return &ErrRicerca{Campo: campo, Motivo: fmt.Sprintf("ha %d cifre: il codice avviso ne ha 18, lo IUV 17", len(codice))}
	}
	if len(codice) == 17 {
		codice = "3" + codice // an IUV has the notice's check digits
	}
	if err := pagopa.ValidaCodiceAvviso(codice); err != nil {
		return &ErrRicerca{Campo: campo, Motivo: err.Error()}
	}
	return nil
}

func validaDebitore(cf string) error {
	if cf == "" {
		return &ErrRicerca{Campo: "Codice fiscale", Motivo: "obbligatorio: il codice fiscale o la partita IVA dell'intestatario, da un documento del cittadino"}
	}
	if err := anagrafe.ValidaCodiceFiscaleOPartitaIVA(cf); err != nil {
		return &ErrRicerca{Campo: "Codice fiscale", Motivo: anagrafe.Dettaglio(err)}
	}
	return nil
}

// leggiStatoGPD asks GPD where a published notice stands, as «Aggiorna
// stati da pagoPA» does for all of them, and records a change.
func (s *Service) leggiStatoGPD(ctx context.Context, by operatori.Operatore, a store.AvvisoLotto) (letto bool, pagatoIl time.Time, motivo string) {
	if s.Imp == nil {
		return false, time.Time{}, "GPD non configurato: si mostra l'ultimo stato registrato"
	}
	cfg, err := s.Imp.GPD(ctx)
	if err != nil {
		return false, time.Time{}, err.Error()
	}
	if !cfg.Configurato {
		return false, time.Time{}, "GPD non configurato: si mostra l'ultimo stato registrato"
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return false, time.Time{}, err.Error()
	}
	rctx, cancel := context.WithTimeout(ctx, timeoutGPD)
	defer cancel()
	p, err := (&pagopa.GPD{BaseURL: cfg.URL, Key: cfg.Chiave}).Leggi(rctx, ente.CodiceFiscale, a.IUPD)
	if err != nil {
		return false, time.Time{}, "pagoPA non ha risposto (" + err.Error() + "): si mostra l'ultimo stato registrato"
	}
	if p.PagataIl != nil {
		pagatoIl = *p.PagataIl
	}
	if p.Stato != a.StatoGPD && p.Stato != "" {
		err = s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
			if err := tx.SaveStatoGPD(ctx, a.IUPD, p.Stato); err != nil {
				return err
			}
			return tx.Audit(ctx, "avviso", a.IUPD, store.Modifica, []store.FieldChange{{Field: "stato_gpd", Before: a.StatoGPD, After: p.Stato}})
		})
		if err != nil {
			return true, pagatoIl, "stato letto da pagoPA ma non registrato: " + err.Error()
		}
	}
	return true, pagatoIl, ""
}

// quadrature are the reconciliation's labels of a payment's IUV, the most
// complete first.
func (s *Service) quadrature(ctx context.Context, iuv string) ([]Quadratura, error) {
	rows, err := s.DB.RicClassi(ctx, store.FiltroRicClassi{ChiaveTipo: "PAGAMENTO", Chiave: iuv}, 0, 50)
	if err != nil {
		return nil, err
	}
	var out []Quadratura
	for _, r := range rows {
		if r.Chiave != iuv {
			continue
		}
		c, ok := riconciliazione.ClasseDi(r.Classe)
		if !ok {
			c = riconciliazione.Classe{Codice: r.Classe}
		}
		out = append(out, Quadratura{Classe: c, RicRigaClasse: r})
	}
	sort.SliceStable(out, func(i, j int) bool {
		return riconciliazione.Rango(out[i].Classe.Codice) < riconciliazione.Rango(out[j].Classe.Codice)
	})
	return out, nil
}

// faseDi tells the phase from the row, its GPD state and the
// reconciliation: a receipt or a reporting line is a payment even before
// GPD's state was read.
func faseDi(a store.AvvisoLotto, q []Quadratura) Fase {
	switch a.StatoGPD {
	case pagopa.StatoPagata, pagopa.StatoRendiconta:
		return FasePagato
	}
	for _, x := range q {
		if x.Classe.Codice != "IUD_NO_RT" {
			return FasePagato
		}
	}
	switch {
	case a.StatoGPD == pagopa.StatoAnnullata:
		return FaseAnnullato
	case a.StatoGPD == pagopa.StatoScaduta:
		return FaseScaduto
	case a.Stato == StatoDaGenerare:
		return FaseDaGenerare
	case a.Stato == StatoErrore:
		return FaseErrore
	case !a.Invio.InviatoIl.IsZero():
		return FaseInviato
	}
	return FaseGenerato
}
