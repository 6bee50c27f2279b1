package avvisi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
)

// A spontaneous payment at the counter is a batch of one row: the
// dashboard lists it, the reconciliation takes it as one of the ente's
// debt records, its notice prints and goes out by e-mail like any other.
// Its batch has a state of its own, so that it is never offered for
// resuming as a mass batch left half done.
const (
	FileSportello  = "Sportello: pagamento spontaneo" // the batch's file_origine
	LottoSportello = "SPORTELLO"                      // the batch's state until it is sent
	// GiorniScadenza is when a spontaneous payment falls due unless the
	// clerk says otherwise: days from its creation.
	GiorniScadenza = 30
	// MaxIntestazione is the longest debtor's name the notice prints.
	MaxIntestazione = 70
)

// ErrNessunaCasella: the notice cannot go out by e-mail from this ente.
var ErrNessunaCasella = errors.New("nessuna casella di posta configurata (Impostazioni › Caselle di posta): " +
	"stampare l'avviso e consegnarlo al cittadino")

// RichiestaSpontaneo is what the clerk fills in at the counter.
type RichiestaSpontaneo struct {
	TipoDovuto    string // code, from the catalogue (spontaneous kinds only)
	CodiceFiscale string // a person's codice fiscale, or 11 digits for a company
	Intestazione  string // name and surname, or company name
	Email         string // optional: where «Invia per e-mail» sends the notice
	Indirizzo     string // optional, printed on the notice
	CAP, Comune   string
	Provincia     string
	// Importo as typed ("12,50"); empty for a kind with a fixed amount.
	Importo  string
	Causale  string    // empty: the kind's description
	Scadenza time.Time // zero: GiorniScadenza days from today
}

// CatalogoSpontanei are the kinds of payment offered at the counter:
// active, marked spontaneous, by code.
func (s *Service) CatalogoSpontanei(ctx context.Context) ([]store.TipoDovuto, error) {
	all, err := s.DB.TipiDovuto(ctx)
	out := all[:0]
	for _, t := range all {
		if t.Attivo && t.Spontaneo {
			out = append(out, t)
		}
	}
	return out, err
}

// VerificaSpontaneo checks a request as CreaSpontaneo does, storing
// nothing: every problem, each naming its field.
func (s *Service) VerificaSpontaneo(ctx context.Context, r RichiestaSpontaneo) error {
	_, _, _, err := s.validaSpontaneo(ctx, r)
	return err
}

// CreaSpontaneo creates a spontaneous payment: the request is checked
// whole, then one transaction gives it its notice number (the kind's
// segregation code), IUPD and batch, audited; then the debt position is
// published on GPD. When GPD does not answer or refuses, the notice stays
// stored and is returned with the error: PubblicaSpontaneo tries again
// (GPD keeps one position per IUPD, so nothing is ever created twice).
func (s *Service) CreaSpontaneo(ctx context.Context, by operatori.Operatore, r RichiestaSpontaneo) (store.AvvisoStampa, error) {
	if !by.Ruolo.Almeno(operatori.RuoloOperatore) {
		return store.AvvisoStampa{}, operatori.ErrNonAutorizzato
	}
	td, riga, scadenza, err := s.validaSpontaneo(ctx, r)
	if err != nil {
		return store.AvvisoStampa{}, err
	}
	if err := s.pronto(ctx); err != nil {
		return store.AvvisoStampa{}, err
	}
	lotto := Lotto{UUID: uuid.NewString(), TipoDovutoID: td.ID, Scadenza: scadenza.Format("2006-01-02"), Causale: riga.Causale,
		Spedizione: Email, FileOrigine: FileSportello, Stato: LottoSportello, Centesimi: riga.Centesimi}
	err = s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		base, err := tx.ProssimeBasiIUV(ctx, td.Segregazione, 1)
		if err != nil {
			return err
		}
		riga.CodiceAvviso = pagopa.CodiceAvviso(td.Segregazione, base)
		riga.IUV, riga.IUPD = pagopa.IUV(riga.CodiceAvviso), fmt.Sprintf("SPORTELLO-%s-1", lotto.UUID[:8])
		if _, err := tx.InsertLotto(ctx, lotto, []store.AvvisoLotto{riga}); err != nil {
			return err
		}
		if err := tx.Audit(ctx, "lotto_avvisi", lotto.UUID, store.Crea, []store.FieldChange{
			{Field: "file_origine", After: FileSportello}, {Field: "avvisi", After: "1"}}); err != nil {
			return err
		}
		return tx.Audit(ctx, "avviso", riga.IUPD, store.Crea, []store.FieldChange{
			{Field: "codice_avviso", After: riga.CodiceAvviso}, {Field: "tipo_dovuto", After: td.Codice},
			{Field: "debitore", After: riga.CodiceFiscale + riga.PartitaIVA}, {Field: "intestazione", After: riga.Intestazione},
			{Field: "importo", After: pagopa.FormattaImporto(riga.Centesimi)}, {Field: "causale", After: riga.Causale},
			{Field: "scadenza", After: lotto.Scadenza}})
	})
	if err != nil {
		return store.AvvisoStampa{}, err
	}
	return s.pubblica(ctx, by, riga.IUV)
}

// PubblicaSpontaneo publishes on GPD a spontaneous payment stored but not
// yet payable (GPD did not answer, or refused it before the kind was
// corrected).
func (s *Service) PubblicaSpontaneo(ctx context.Context, by operatori.Operatore, iuv string) (store.AvvisoStampa, error) {
	if !by.Ruolo.Almeno(operatori.RuoloOperatore) {
		return store.AvvisoStampa{}, operatori.ErrNonAutorizzato
	}
	x, err := s.spontaneo(ctx, iuv)
	if err != nil {
		return x, err
	}
	if x.Avviso.Stato == StatoGenerato {
		return x, nil
	}
	if err := s.pronto(ctx); err != nil {
		return x, err
	}
	return s.pubblica(ctx, by, x.Avviso.IUV)
}

// UltimoSpontaneo is the newest payment made at the counter;
// ErrAvvisoNonTrovato when there is none yet.
func (s *Service) UltimoSpontaneo(ctx context.Context) (store.AvvisoStampa, error) {
	iuv, err := s.DB.UltimoAvvisoDi(ctx, FileSportello)
	if errors.Is(err, store.ErrNotFound) {
		return store.AvvisoStampa{}, ErrAvvisoNonTrovato
	}
	if err != nil {
		return store.AvvisoStampa{}, err
	}
	return s.DB.AvvisoByIUV(ctx, iuv)
}

// spontaneo reads a notice made at the counter.
func (s *Service) spontaneo(ctx context.Context, iuv string) (store.AvvisoStampa, error) {
	x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
	if errors.Is(err, store.ErrNotFound) {
		return x, fmt.Errorf("%w: %s", ErrAvvisoNonTrovato, iuv)
	}
	if err == nil && x.Lotto.FileOrigine != FileSportello {
		err = fmt.Errorf("l'avviso %s non è un pagamento spontaneo: è del lotto %s (Cruscotto Pagamenti)",
			pagopa.FormattaCodiceAvviso(x.Avviso.CodiceAvviso), x.Lotto.UUID[:8])
	}
	return x, err
}

// pronto checks what publishing needs besides the request.
func (s *Service) pronto(ctx context.Context) error {
	if s.Imp == nil {
		return errors.New("GPD non configurato: indicare indirizzo e chiave (sportello-cli pagopa configura)")
	}
	cfg, err := s.Imp.GPD(ctx)
	if err != nil {
		return err
	}
	if !cfg.Configurato {
		return errors.New("GPD non configurato: indicare indirizzo e chiave (sportello-cli pagopa configura)")
	}
	if _, err := s.DB.Ente(ctx); err != nil {
		return fmt.Errorf("dati dell'ente (Impostazioni › Ente): %w", err)
	}
	return nil
}

// pubblica creates the position of a stored notice on GPD, as a batch's
// generation does for one row, and records the outcome.
func (s *Service) pubblica(ctx context.Context, by operatori.Operatore, iuv string) (store.AvvisoStampa, error) {
	x, err := s.DB.AvvisoByIUV(ctx, iuv)
	if err != nil {
		return x, err
	}
	cfg, err := s.Imp.GPD(ctx)
	if err != nil {
		return x, err
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return x, err
	}
	scadenza, _ := time.Parse("2006-01-02", x.Lotto.Scadenza)
	g := generatore{s: s, by: by, gpd: &pagopa.GPD{BaseURL: cfg.URL, Key: cfg.Chiave}, ente: ente, td: x.TipoDovuto, lotto: x.Lotto,
		scadenza: scadenza.Add(24*time.Hour - time.Second)}
	stato, statoGPD, errore := g.riga(ctx, x.Avviso)
	if stato != "" {
		err := s.DB.Write(context.WithoutCancel(ctx), by.Username, func(tx *store.Tx) error {
			return tx.SaveStatoAvviso(ctx, x.Avviso.IUPD, stato, statoGPD, errore)
		})
		if err != nil {
			return x, err
		}
	}
	if y, rerr := s.DB.AvvisoByIUV(context.WithoutCancel(ctx), iuv); rerr == nil {
		x = y
	}
	switch stato {
	case StatoGenerato:
		return x, nil
	case StatoErrore:
		return x, fmt.Errorf("pagoPA ha rifiutato la posizione debitoria: %s", errore)
	}
	if ctx.Err() != nil {
		return x, fmt.Errorf("pubblicazione su pagoPA interrotta: l'avviso è salvato ma non ancora pagabile, ripetere la pubblicazione: %w", ctx.Err())
	}
	return x, fmt.Errorf("pagoPA non ha risposto (%s): l'avviso è salvato ma non ancora pagabile, ripetere la pubblicazione", errore)
}

// validaSpontaneo checks a request whole and returns the kind, the row to
// store (identifiers still empty) and the due date.
func (s *Service) validaSpontaneo(ctx context.Context, r RichiestaSpontaneo) (store.TipoDovuto, store.AvvisoLotto, time.Time, error) {
	var errs []error
	add := func(campo, motivo string) {
		errs = append(errs, operatori.ErrValidazione{Campo: campo, Motivo: motivo})
	}
	var td store.TipoDovuto
	codice := strings.ToUpper(strings.TrimSpace(r.TipoDovuto))
	if codice == "" {
		add("Tipo dovuto", "obbligatorio: sceglierlo dal catalogo dei pagamenti spontanei")
	} else {
		var err error
		td, err = s.DB.TipoDovutoByCodice(ctx, codice)
		switch {
		case errors.Is(err, store.ErrNotFound):
			add("Tipo dovuto", fmt.Sprintf("«%s» non esiste (Impostazioni › Tipi dovuto)", codice))
		case err != nil:
			return td, store.AvvisoLotto{}, time.Time{}, err
		case !td.Attivo:
			add("Tipo dovuto", fmt.Sprintf("«%s» non è attivo", td.Codice))
		case !td.Spontaneo:
			add("Tipo dovuto", fmt.Sprintf("«%s» non è nel catalogo dei pagamenti spontanei (Impostazioni › Tipi dovuto, «Pagabile allo sportello»)", td.Codice))
		}
	}
	riga := store.AvvisoLotto{Riga: 1, Intestazione: strings.Join(strings.Fields(r.Intestazione), " "),
		IndirizzoPec: anagrafe.NormalizzaEmail(r.Email), Indirizzo: strings.TrimSpace(r.Indirizzo), CAP: strings.TrimSpace(r.CAP),
		Comune: strings.TrimSpace(r.Comune), Provincia: strings.ToUpper(strings.TrimSpace(r.Provincia)), Stato: StatoDaGenerare}
	cf := normalizzaDebitore(r.CodiceFiscale)
	cfErr := anagrafe.ValidaCodiceFiscaleOPartitaIVA(cf)
	switch {
	case cf == "":
		add("Codice fiscale", "obbligatorio: il codice fiscale o la partita IVA di chi paga")
	case cfErr != nil:
		add("Codice fiscale", anagrafe.Dettaglio(cfErr))
	case len(cf) == 11:
		riga.PartitaIVA = cf
	default:
		riga.CodiceFiscale = cf
	}
	switch n := utf8.RuneCountInString(riga.Intestazione); {
	case n == 0:
		add("Intestatario", "obbligatorio: nome e cognome, o ragione sociale")
	case n > MaxIntestazione:
		add("Intestatario", fmt.Sprintf("al massimo %d caratteri, trovati %d", MaxIntestazione, n))
	}
	if riga.IndirizzoPec != "" {
		if err := anagrafe.ValidaEmail(riga.IndirizzoPec); err != nil {
			add("E-mail", anagrafe.Dettaglio(err))
		}
	}
	if utf8.RuneCountInString(riga.Indirizzo) > MaxIntestazione {
		add("Indirizzo", fmt.Sprintf("al massimo %d caratteri", MaxIntestazione))
	}
	if riga.CAP != "" && (len(riga.CAP) != 5 || strings.Trim(riga.CAP, "0123456789") != "") {
		add("CAP", "il CAP ha 5 cifre")
	}
	if riga.Provincia != "" && (len(riga.Provincia) != 2 || strings.Trim(riga.Provincia, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		add("Provincia", "la sigla di due lettere, es. MB")
	}
	riga.Centesimi = s.importoSpontaneo(td, r.Importo, add)
	riga.Causale = strings.Join(strings.Fields(r.Causale), " ")
	if riga.Causale == "" {
		riga.Causale = td.Descrizione
	}
	if n := utf8.RuneCountInString(riga.Causale); n > 140 {
		add("Causale", fmt.Sprintf("al massimo 140 caratteri (va nella causale del pagamento), trovati %d", n))
	}
	oggi := s.now()
	y, m, d := oggi.Date()
	scadenza := r.Scadenza
	if scadenza.IsZero() {
		scadenza = time.Date(y, m, d, 0, 0, 0, 0, time.Local).AddDate(0, 0, GiorniScadenza)
	} else if scadenza.Before(time.Date(y, m, d, 0, 0, 0, 0, scadenza.Location())) {
		add("Scadenza", "è già passata")
	}
	return td, riga, scadenza, errors.Join(errs...)
}

// importoSpontaneo reads the amount: a kind with a fixed amount takes
// that one only (typed or left empty), a free one needs it typed.
func (s *Service) importoSpontaneo(td store.TipoDovuto, typed string, add func(campo, motivo string)) int64 {
	typed = strings.TrimSpace(typed)
	if td.ImportoFisso > 0 && typed == "" {
		return td.ImportoFisso
	}
	if typed == "" {
		if td.ID != 0 {
			add("Importo", fmt.Sprintf("obbligatorio: per «%s» l'importo si indica ogni volta", td.Descrizione))
		} else {
			add("Importo", "obbligatorio")
		}
		return 0
	}
	c, err := flussi.ParseImporto(typed)
	switch {
	case err != nil:
		add("Importo", err.Error())
	case c <= 0:
		add("Importo", "deve essere maggiore di zero")
	case c > impostazioni.MaxImportoFisso:
		add("Importo", "al massimo 999.999.999,99 euro")
	case td.ImportoFisso > 0 && c != td.ImportoFisso:
		add("Importo", fmt.Sprintf("per «%s» l'importo è fisso: %s euro", td.Descrizione, pagopa.FormattaImporto(td.ImportoFisso)))
	default:
		return c
	}
	return 0
}

// InviaSpontaneo sends a spontaneous payment's notice, with its cover
// letter, to the citizen's e-mail address (email, or the one given at
// creation when empty), from the ente's ordinary mailbox or else its PEC
// one; a notice sent before goes out again with a new Message-ID. With no
// mailbox configured it returns ErrNessunaCasella: the clerk prints it.
func (s *Service) InviaSpontaneo(ctx context.Context, by operatori.Operatore, iuv, email string, progress func(jobs.Progress)) error {
	if !by.Ruolo.Almeno(operatori.RuoloOperatoreInvio) {
		return operatori.ErrNonAutorizzato
	}
	x, err := s.spontaneo(ctx, iuv)
	if err != nil {
		return err
	}
	a := x.Avviso
	if a.Stato != StatoGenerato {
		return errors.New("l'avviso non è ancora pubblicato su pagoPA: pubblicarlo prima di inviarlo")
	}
	email = anagrafe.NormalizzaEmail(email)
	if email == "" {
		email = a.IndirizzoPec
	}
	if email == "" {
		return operatori.ErrValidazione{Campo: "E-mail", Motivo: "indicare l'indirizzo e-mail del cittadino"}
	}
	if err := anagrafe.ValidaEmail(email); err != nil {
		return operatori.ErrValidazione{Campo: "E-mail", Motivo: anagrafe.Dettaglio(err)}
	}
	// Never sent: the first send, from the ordinary mailbox if there is
	// one. Queued or interrupted: Invia resumes it. Sent: a new message.
	primo := a.Invio.Stato == ""
	riprendi := primo || a.Invio.Stato == store.InvioDaInviare || a.Invio.Stato == store.InvioInCorso
	spedizione := x.Lotto.Spedizione
	if primo {
		if spedizione, err = s.spedizioneSportello(ctx); err != nil {
			return err
		}
	}
	if primo || !riprendi { // a send under way keeps its address
		if err := s.recapito(ctx, by, x, spedizione, email); err != nil {
			return err
		}
	}
	if riprendi {
		return s.Invia(ctx, by, x.Lotto.UUID, progress)
	}
	return s.Reinvia(ctx, by, []string{a.IUV}, progress)
}

// recapito records a changed address or kind of sending, audited.
func (s *Service) recapito(ctx context.Context, by operatori.Operatore, x store.AvvisoStampa, spedizione, email string) error {
	a := x.Avviso
	if email == a.IndirizzoPec && spedizione == x.Lotto.Spedizione {
		return nil
	}
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if err := tx.SaveRecapitoAvviso(ctx, x.Lotto.ID, a.IUPD, spedizione, email); err != nil {
			return err
		}
		return tx.Audit(ctx, "avviso", a.IUPD, store.Modifica, store.Diff(
			map[string]string{"indirizzo_pec": a.IndirizzoPec, "spedizione": x.Lotto.Spedizione},
			map[string]string{"indirizzo_pec": email, "spedizione": spedizione}))
	})
}

// spedizioneSportello is how the counter sends: plain e-mail when the
// ordinary mailbox is configured, else PEC.
func (s *Service) spedizioneSportello(ctx context.Context) (string, error) {
	for _, k := range []struct{ casella, spedizione string }{{impostazioni.CasellaEmail, Email}, {impostazioni.CasellaPEC, PEC}} {
		c, err := s.Imp.Casella(ctx, k.casella)
		if err != nil {
			return "", err
		}
		if c.Configurata {
			return k.spedizione, nil
		}
	}
	return "", ErrNessunaCasella
}

// CasellaSportello tells whether a notice made at the counter can be sent
// by e-mail, and from which address.
func (s *Service) CasellaSportello(ctx context.Context) (indirizzo string, err error) {
	sp, err := s.spedizioneSportello(ctx)
	if err != nil {
		return "", err
	}
	tipo := impostazioni.CasellaEmail
	if sp == PEC {
		tipo = impostazioni.CasellaPEC
	}
	c, err := s.Imp.Casella(ctx, tipo)
	return c.Indirizzo, err
}
