package avvisi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/protocollo"
	"github.com/sportello/sportello/store"
)

// Service runs the mass payment batches.
type Service struct {
	DB       *store.DB
	Now      func() time.Time // nil: time.Now
	Imp      *impostazioni.Service
	Registro protocollo.Registro // where notices are registered before sending

	eng        *jobs.Engine
	opt        Opzioni
	spedizioni sync.Map   // batch UUID → PEC or EMAIL
	letture    sync.Mutex // one reader of the PEC mailbox at a time
}

// Opzioni tune sending.
type Opzioni struct {
	Concurrency int // SMTP connections in parallel [4]
	Jobs        jobs.Options
}

// New builds the service with its own job engine for sending.
func New(db *store.DB, imp *impostazioni.Service, reg protocollo.Registro, opt Opzioni) *Service {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	opt.Jobs.Concurrency = opt.Concurrency
	s := &Service{DB: db, Imp: imp, Registro: reg, opt: opt}
	s.eng = jobs.New(db, opt.Jobs)
	s.eng.Record(KindInvio, invioRecorder{s: s})
	return s
}

// Engine is the job engine sending runs on.
func (s *Service) Engine() *jobs.Engine { return s.eng }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Spedizione of a batch's notices.
const (
	PEC   = "PEC"
	Email = "EMAIL"
)

// States of a batch's notice.
const StatoDaGenerare = "DA_GENERARE"

// OpzioniLotto are the wizard's first and third screens: what applies to
// every row unless the row says otherwise.
type OpzioniLotto struct {
	TipoDovuto        string // code
	Scadenza          time.Time
	Causale           string // unless the row has CausaleBollettino
	Protocollazione   bool
	OggettoProtocollo string // unless the row has OggettoProt
	Spedizione        string // PEC or EMAIL
	// Lettera is the cover letter's template; nil: lettere.ModelloPredefinito.
	Lettera *lettere.Modello
}

// Lotto is an imported batch.
type Lotto = store.Lotto

// ImportaLotto reads and checks a list and, when it and the options are
// clean, stores it as a batch in one transaction: every row gets its
// notice number (from the tipo dovuto's segregation code) and its IUPD
// there, so that generating again never makes a second one. A list with
// problems stores nothing and comes back with all of them.
func (s *Service) ImportaLotto(ctx context.Context, by operatori.Operatore, nomeFile string, r io.Reader, o OpzioniLotto) (Lotto, *Lettura, error) {
	if !by.Ruolo.Almeno(operatori.RuoloOperatoreInvio) {
		return Lotto{}, nil, operatori.ErrNonAutorizzato
	}
	l, err := Leggi(r)
	if err != nil {
		return Lotto{}, nil, err
	}
	td, oerrs := s.validaOpzioni(ctx, o, l.Righe)
	l.Errori = append(oerrs, l.Errori...)
	if len(l.Errori) > 0 {
		return Lotto{}, l, &flussi.ErrImport{Errori: l.Errori}
	}
	lotto := Lotto{UUID: uuid.NewString(), TipoDovutoID: td.ID, Scadenza: o.Scadenza.Format("2006-01-02"),
		Causale: strings.TrimSpace(o.Causale), Protocollazione: o.Protocollazione, OggettoProtocollo: strings.TrimSpace(o.OggettoProtocollo),
		Spedizione: o.Spedizione, FileOrigine: nomeFile, Stato: "IMPORTATO"}
	if o.Lettera != nil {
		lotto.LetteraOggetto, lotto.LetteraTesto, lotto.LetteraFirma = o.Lettera.Oggetto, o.Lettera.Testo, o.Lettera.Firma
	}
	err = s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		base, err := tx.ProssimeBasiIUV(ctx, td.Segregazione, len(l.Righe))
		if err != nil {
			return err
		}
		righe := make([]store.AvvisoLotto, len(l.Righe))
		for i, x := range l.Righe {
			avviso := pagopa.CodiceAvviso(td.Segregazione, base+uint64(i))
			righe[i] = store.AvvisoLotto{Riga: x.Numero, Intestazione: x.Intestazione, CodiceFiscale: x.CodiceFiscale,
				PartitaIVA: x.PartitaIVA, Centesimi: x.Centesimi, Causale: x.Causale, OggettoProtocollo: x.OggettoProt,
				IndirizzoPec: x.IndirizzoPec, Indirizzo: x.Indirizzo, CAP: x.CAP, Comune: x.Comune, Provincia: x.Provincia,
				IUV: pagopa.IUV(avviso), CodiceAvviso: avviso, IUPD: fmt.Sprintf("SPORTELLO-%s-%d", lotto.UUID[:8], x.Numero),
				Stato: StatoDaGenerare}
			lotto.Centesimi += x.Centesimi
		}
		id, err := tx.InsertLotto(ctx, lotto, righe)
		if err != nil {
			return err
		}
		lotto.ID, lotto.Totale = id, len(righe)
		return tx.Audit(ctx, "lotto_avvisi", lotto.UUID, store.Crea, []store.FieldChange{
			{Field: "file_origine", After: nomeFile}, {Field: "avvisi", After: fmt.Sprint(len(righe))}})
	})
	return lotto, l, err
}

func (s *Service) validaOpzioni(ctx context.Context, o OpzioniLotto, righe []Riga) (store.TipoDovuto, []flussi.ErroreRiga) {
	var errs []flussi.ErroreRiga
	add := func(campo, motivo string) { errs = append(errs, flussi.ErroreRiga{Colonna: campo, Motivo: motivo}) }
	td, err := s.DB.TipoDovutoByCodice(ctx, strings.ToUpper(strings.TrimSpace(o.TipoDovuto)))
	switch {
	case errors.Is(err, store.ErrNotFound):
		add("Tipo dovuto", fmt.Sprintf("«%s» non esiste (Impostazioni → Tipi dovuto)", o.TipoDovuto))
	case err != nil:
		add("Tipo dovuto", err.Error())
	case !td.Attivo:
		add("Tipo dovuto", fmt.Sprintf("«%s» non è attivo", td.Codice))
	}
	if o.Scadenza.IsZero() {
		add("Scadenza", "obbligatoria")
	} else if y, m, d := s.now().Date(); o.Scadenza.Before(time.Date(y, m, d, 0, 0, 0, 0, o.Scadenza.Location())) {
		add("Scadenza", "è già passata")
	}
	if o.Spedizione != PEC && o.Spedizione != Email {
		add("Tipo spedizione", "PEC o EMAIL")
	}
	causale, oggetto := strings.TrimSpace(o.Causale), strings.TrimSpace(o.OggettoProtocollo)
	if utf8.RuneCountInString(causale) > 140 {
		add("Causale", "al massimo 140 caratteri")
	}
	for _, r := range righe {
		if r.Causale == "" && causale == "" {
			add("Causale", fmt.Sprintf("obbligatoria: la riga %d non ha CausaleBollettino", r.Numero))
			break
		}
	}
	if o.Protocollazione {
		for _, r := range righe {
			if r.OggettoProt == "" && oggetto == "" {
				add("Oggetto del protocollo", fmt.Sprintf("obbligatorio: la riga %d non ha OggettoProt", r.Numero))
				break
			}
		}
	}
	if o.Lettera != nil {
		if err := lettere.Valida(*o.Lettera); err != nil {
			add("Lettera di accompagnamento", err.Error())
		}
	}
	return td, errs
}
