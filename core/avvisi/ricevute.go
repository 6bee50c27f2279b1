package avvisi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pec"
	"github.com/sportello/sportello/store"
)

// Ricevuta is a PEC receipt as stored.
type Ricevuta = store.RicevutaPEC

// statoDaRicevuta is where each kind of receipt takes a notice ("" : nowhere).
var statoDaRicevuta = map[string]string{
	pec.TipoAccettazione:            store.InvioAccettato,
	pec.TipoNonAccettazione:         store.InvioNonAccettato,
	pec.TipoAvvenutaConsegna:        store.InvioConsegnato,
	pec.TipoErroreConsegna:          store.InvioErroreConsegna,
	pec.TipoPreavvisoErroreConsegna: store.InvioPreavvisoErrore,
	pec.TipoRilevazioneVirus:        store.InvioErroreConsegna,
}

// AggiornaRicevute reads the new messages of the PEC mailbox, stores the
// receipts among them (raw message kept as evidence) and moves each
// notice they are about; it returns how many receipts it stored. Reading
// resumes from the last message read, so calling it again is cheap.
func (s *Service) AggiornaRicevute(ctx context.Context, by operatori.Operatore) (int, error) {
	c, err := s.Imp.Casella(ctx, impostazioni.CasellaPEC)
	if err != nil {
		return 0, err
	}
	if !c.Configurata {
		return 0, fmt.Errorf("%w (casella PEC)", ErrCasellaNonConfigurata)
	}
	l, err := pec.NuovoLettore(configIMAP(c))
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return s.leggiRicevute(ctx, by, l, c.Indirizzo)
}

func (s *Service) leggiRicevute(ctx context.Context, by operatori.Operatore, l *pec.Lettore, casella string) (int, error) {
	s.letture.Lock() // one reader per database at a time: the position in the mailbox is shared
	defer s.letture.Unlock()
	validity, ultimo, err := s.DB.LetturaPEC(ctx, casella)
	if err != nil {
		return 0, err
	}
	salvate := 0
	// Nuovi returns at most a batch (pec.LottoPredefinito) of messages:
	// read on from the last one until none is left.
	for {
		msgs, nuovaValidity, err := l.Nuovi(ctx, ultimo, validity)
		if err != nil {
			return salvate, fmt.Errorf("lettura della casella PEC %s: %w", casella, err)
		}
		if nuovaValidity != validity {
			ultimo = 0
		}
		if len(msgs) == 0 {
			if nuovaValidity != validity {
				err = s.DB.Write(ctx, by.Username, func(tx *store.Tx) error { return tx.SaveLetturaPEC(ctx, casella, nuovaValidity, ultimo) })
			}
			return salvate, err
		}
		n, err := s.salvaRicevute(ctx, by, casella, nuovaValidity, &ultimo, msgs)
		salvate += n
		if err != nil {
			return salvate, err
		}
		validity = nuovaValidity
	}
}

// salvaRicevute stores the receipts among msgs, moves the notices they are
// about and records *ultimo, the last message read, in the same transactions.
func (s *Service) salvaRicevute(ctx context.Context, by operatori.Operatore, casella string, validity uint32, ultimo *uint32,
	msgs []pec.MessaggioIMAP) (int, error) {
	salvate := 0
	for len(msgs) > 0 {
		n := min(len(msgs), 200)
		batch := msgs[:n]
		msgs = msgs[n:]
		err := s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
			for _, m := range batch {
				*ultimo = max(*ultimo, m.UID)
				r, err := pec.LeggiRicevuta(m.Raw)
				if errors.Is(err, pec.ErrNonRicevuta) {
					continue // a citizen's reply or other mail: not ours to file
				}
				if err != nil {
					slog.Warn("unreadable PEC receipt skipped", "mailbox_uid", m.UID, "err", err)
					continue
				}
				sum := sha256.Sum256(m.Raw)
				nuova, err := tx.InsertRicevuta(ctx, store.RicevutaPEC{Casella: casella, UIDValidity: validity, UID: m.UID,
					Tipo: r.Tipo, Riferimento: r.Riferimento, Destinatario: r.Destinatario, Errore: r.Errore,
					ErroreEsteso: r.ErroreEsteso, Oggetto: r.Oggetto, Identificativo: r.Identificativo, Data: r.Data,
					SHA256: hex.EncodeToString(sum[:]), EML: m.Raw})
				if err != nil {
					return err
				}
				if !nuova {
					continue // filed already by another reader of the mailbox (another Sportello)
				}
				salvate++
				if stato := statoDaRicevuta[r.Tipo]; stato != "" {
					motivo := r.ErroreEsteso
					if motivo == "" && r.Errore != "" && r.Errore != "nessuno" {
						motivo = r.Errore
					}
					if _, err := tx.ApplicaRicevuta(ctx, r.Riferimento, stato, motivo, r.Data); err != nil {
						return err
					}
				}
			}
			return tx.SaveLetturaPEC(ctx, casella, validity, *ultimo)
		})
		if err != nil {
			return salvate, err
		}
	}
	return salvate, nil
}

// Ricevute lists the PEC receipts of every send of a notice, oldest first.
func (s *Service) Ricevute(ctx context.Context, iuv string) ([]Ricevuta, error) {
	x, err := s.DB.AvvisoByIUV(ctx, iuv)
	if err != nil {
		return nil, err
	}
	return s.DB.RicevuteAvviso(ctx, x.Avviso.ID)
}

// RicevutaEML is a stored receipt with its raw message, to open or save.
func (s *Service) RicevutaEML(ctx context.Context, id int64) (Ricevuta, error) {
	return s.DB.RicevutaEML(ctx, id)
}

// LettoreRicevute reads the PEC receipts in the background: at once, then
// whenever the server announces new mail (IMAP IDLE) or every intervallo.
// Close stops it.
type LettoreRicevute struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	ultimo error
	letto  time.Time
}

// AvviaLettoreRicevute starts a LettoreRicevute; it does nothing while no
// PEC mailbox is configured, and tries again every intervallo.
func (s *Service) AvviaLettoreRicevute(by operatori.Operatore, intervallo time.Duration, dopo func(n int)) *LettoreRicevute {
	ctx, cancel := context.WithCancel(context.Background())
	lr := &LettoreRicevute{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(lr.done)
		var l *pec.Lettore
		defer func() {
			if l != nil {
				l.Close()
			}
		}()
		for ctx.Err() == nil {
			c, err := s.Imp.Casella(ctx, impostazioni.CasellaPEC)
			if err == nil && c.Configurata {
				if l == nil {
					l, err = pec.NuovoLettore(configIMAP(c))
				}
				var n int
				if err == nil {
					n, err = s.leggiRicevute(ctx, by, l, c.Indirizzo)
				}
				if n > 0 && dopo != nil {
					dopo(n)
				}
				if err == nil {
					_, err = l.Attendi(ctx, intervallo)
				}
			}
			lr.mu.Lock()
			lr.ultimo, lr.letto = err, time.Now()
			lr.mu.Unlock()
			if err != nil || !c.Configurata {
				if l != nil {
					l.Close()
					l = nil
				}
				select {
				case <-ctx.Done():
				case <-time.After(intervallo):
				}
			}
		}
	}()
	return lr
}

// Esito is the last reading's error (nil if it went well) and when it was.
func (lr *LettoreRicevute) Esito() (error, time.Time) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return lr.ultimo, lr.letto
}

// Close stops the reader and waits for it.
func (lr *LettoreRicevute) Close() error {
	lr.cancel()
	<-lr.done
	return nil
}
