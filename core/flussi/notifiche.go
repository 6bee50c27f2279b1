package flussi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// FiltroNotifiche selects notifications in the Archivio Notifiche.
type FiltroNotifiche = store.FiltroNotifiche

// ContaNotifiche counts the notifications matching f.
func (s *Service) ContaNotifiche(ctx context.Context, f FiltroNotifiche) (int, error) {
	return s.db.CountNotifiche(ctx, f)
}

// Notifiche pages through the notifications matching f.
func (s *Service) Notifiche(ctx context.Context, f FiltroNotifiche, offset, limit int) ([]Notifica, error) {
	ns, err := s.db.Notifiche(ctx, f, offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Notifica, len(ns))
	for i, n := range ns {
		out[i] = notificaOf(n)
	}
	return out, nil
}

// Notifica reads one notification.
func (s *Service) Notifica(ctx context.Context, id uuid.UUID) (Notifica, error) {
	n, err := s.db.NotificaByUUID(ctx, id.String())
	if errors.Is(err, store.ErrNotFound) {
		return Notifica{}, fmt.Errorf("notifica %s non trovata", id)
	}
	return notificaOf(n), err
}

func notificaOf(n store.Notifica) Notifica {
	id, _ := uuid.Parse(n.UUID)
	fid, _ := uuid.Parse(n.FlussoUUID)
	return Notifica{ID: n.ID, UUID: id, FlussoID: n.FlussoID, FlussoUUID: fid, Riga: n.Riga, ServizioID: n.ServizioID,
		Servizio: n.Servizio, CodiceFiscale: n.CodiceFiscale, Oggetto: n.Oggetto, Contenuto: n.Contenuto, Scadenza: n.Scadenza,
		Importo: n.Importo, CodiceAvviso: n.CodiceAvviso, PagaDopoScadenza: n.PagaDopoScadenza,
		StatoInvio: StatoInvio(n.StatoInvio), IDMessaggio: n.IDMessaggio, Tentativi: n.Tentativi, InviataIl: n.InviataIl,
		Errore: n.Errore, StatoConsegna: n.StatoConsegna, StatoMail: n.StatoMail, StatoWebhook: n.StatoWebhook,
		StatoLettura: n.StatoLettura, StatoPagamento: n.StatoPagamento, VerificataIl: n.VerificataIl,
		CreataIl: n.CreataIl, Modificato: n.ModificatoIl, ModificatoDa: n.ModificatoDa}
}

// AsRiga is the notification's content as a row, e.g. to show or validate it.
func (n Notifica) AsRiga() Riga {
	return Riga{Numero: n.Riga, CodiceFiscale: n.CodiceFiscale, Oggetto: n.Oggetto, Contenuto: n.Contenuto,
		Scadenza: n.Scadenza, Importo: n.Importo, CodiceAvviso: n.CodiceAvviso, PagaDopoScadenza: n.PagaDopoScadenza}
}

// ErrValidazione lists what is wrong with a notification typed in the form.
type ErrValidazione struct {
	Errori []ErroreRiga
}

func (e *ErrValidazione) Error() string {
	if len(e.Errori) == 1 {
		return e.Errori[0].Error()
	}
	return fmt.Sprintf("%s (e altri %d errori)", e.Errori[0].Error(), len(e.Errori)-1)
}

// Aggiungi validates a single notification, saves it and sends it at once
// ("Aggiungi" in the archive): the recipient's profile is checked first,
// and the send is a one-item job, so it is as durable as a flow's. The
// notification is returned in its final transmission state; an error means
// it could not be saved (nothing stored) or the send itself broke off.
func (s *Service) Aggiungi(ctx context.Context, by operatori.Operatore, sv Servizio, r Riga, nominativo string) (Notifica, []Avviso, error) {
	if err := require(by, operatori.RuoloOperatoreInvio); err != nil {
		return Notifica{}, nil, err
	}
	r.Numero = 0
	errs, avvisi := ValidaRiga(r, sv, s.opt.Now(), nominativo)
	if len(errs) > 0 {
		return Notifica{}, avvisi, &ErrValidazione{Errori: errs}
	}
	a, err := s.account(ctx, sv.ID)
	if err != nil {
		return Notifica{}, avvisi, err
	}
	impronta := Impronta(sv.ID, r)
	dup, err := s.db.ImpronteInAttesa(ctx, sv.ID, []string{impronta})
	if err != nil {
		return Notifica{}, avvisi, err
	}
	if dup[impronta] {
		return Notifica{}, avvisi, &ErrValidazione{Errori: []ErroreRiga{{Motivo: "messaggio identico a una notifica del servizio non ancora inviata"}}}
	}
	row := notificaRow(sv.ID, r, impronta)
	ref := "notifica:" + row.UUID

	// The profile first: an unreachable citizen's notification is saved as such, not sent.
	esito, perr := s.profilo(ctx, a, sv.ID, r.CodiceFiscale)
	if perr != nil {
		return Notifica{}, avvisi, fmt.Errorf("verifica del destinatario: %w", perr)
	}
	var job uuid.UUID
	err = s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		if esito != esitoRaggiungibile {
			row.StatoInvio, row.Errore = string(NonRaggiungibile), motivoEsito(esito)
		}
		if err := tx.InsertNotifiche(ctx, []store.Notifica{row}); err != nil {
			return err
		}
		if esito != esitoRaggiungibile {
			return tx.SaveInvii(ctx, []store.InvioNotifica{{UUID: row.UUID, Stato: row.StatoInvio, Errore: row.Errore}})
		}
		var err error
		job, err = s.eng.CreateIn(ctx, tx, KindInvio, ref, []string{row.UUID})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, "notifica", row.UUID, store.Crea, store.Diff(nil, map[string]string{
			"servizio": sv.Nome, "codice_fiscale": r.CodiceFiscale, "oggetto": r.Oggetto}))
	})
	if err != nil {
		return Notifica{}, avvisi, err
	}
	var runErr error
	if job != uuid.Nil {
		runErr = s.eng.Run(ctx, job, invioHandler{s: s, a: a}, nil)
	}
	n, err := s.Notifica(context.WithoutCancel(ctx), uuid.MustParse(row.UUID))
	if err != nil {
		return n, avvisi, err
	}
	return n, avvisi, runErr
}

// profilo answers whether a citizen can receive messages of the service,
// from the cache when fresh, otherwise from IO (and caches the answer).
func (s *Service) profilo(ctx context.Context, a *account, servizioID int64, cf string) (string, error) {
	cache, err := s.db.ProfiliIO(ctx, servizioID, s.opt.Now().Add(-s.opt.ProfileTTL))
	if err != nil {
		return "", err
	}
	if p, ok := cache[cf]; ok {
		return p.Esito, nil
	}
	if err := a.wait(ctx); err != nil {
		return "", err
	}
	esito, err := profiliHandler{a}.Do(ctx, jobs.Item{Key: cf})
	if err != nil {
		a.hold(err)
		return "", err
	}
	return esito, s.db.Write(ctx, "sistema", func(tx *store.Tx) error {
		return tx.SaveProfiloIO(ctx, store.ProfiloIO{ServizioID: servizioID, CodiceFiscale: cf, Esito: esito})
	})
}

// VerificaStato asks IO now where one sent notification stands ("Verifica
// Stato") and records the answer.
func (s *Service) VerificaStato(ctx context.Context, by operatori.Operatore, id uuid.UUID) (Notifica, error) {
	if err := require(by, operatori.RuoloOperatore); err != nil {
		return Notifica{}, err
	}
	n, err := s.db.NotificaByUUID(ctx, id.String())
	if err != nil {
		return Notifica{}, fmt.Errorf("notifica %s: %w", id, err)
	}
	if n.IDMessaggio == "" {
		return notificaOf(n), fmt.Errorf("la notifica non è stata inviata (%s): non c'è uno stato da verificare", StatoInvio(n.StatoInvio).Label())
	}
	a, err := s.account(ctx, n.ServizioID)
	if err != nil {
		return Notifica{}, err
	}
	if err := s.aggiorna(ctx, by.Username, a, n); err != nil {
		return Notifica{}, err
	}
	return s.Notifica(ctx, id)
}

func (s *Service) aggiorna(ctx context.Context, operator string, a *account, n store.Notifica) error {
	if err := a.wait(ctx); err != nil {
		return err
	}
	m, err := a.client.GetMessage(ctx, n.CodiceFiscale, n.IDMessaggio)
	if err != nil {
		a.hold(err)
		return err
	}
	return s.db.Write(ctx, operator, func(tx *store.Tx) error {
		return tx.SaveConsegna(ctx, store.Consegna{UUID: n.UUID, Stato: string(m.Status), StatoMail: string(m.Notification.Email),
			StatoWebhook: string(m.Notification.Webhook), StatoLettura: string(m.ReadStatus), StatoPagamento: string(m.PaymentStatus)})
	})
}

// AggiornaStati asks IO (getMessage, within each account's quota) where the
// sent notifications not yet in a final delivery state stand, those not
// checked for at least every, up to limit of them, and reports how many were
// updated. The background refresher calls it periodically.
func (s *Service) AggiornaStati(ctx context.Context, every time.Duration, limit int) (int, error) {
	ns, err := s.db.DaVerificare(ctx, s.opt.Now().Add(-every), limit)
	if err != nil || len(ns) == 0 {
		return 0, err
	}
	// One account per service, looked up once (settings and keyring), and
	// Concurrency calls at a time: one by one, latency and the write after
	// each call held a 10,000-notification refresh to a third of the quota.
	accounts := map[int64]*account{}
	var errs []error
	for _, n := range ns {
		if _, ok := accounts[n.ServizioID]; ok {
			continue
		}
		a, err := s.account(ctx, n.ServizioID)
		if err != nil {
			errs = append(errs, err)
		}
		accounts[n.ServizioID] = a
	}
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
		next = make(chan store.Notifica)
	)
	for range s.opt.Concurrency {
		wg.Go(func() {
			for n := range next {
				err := s.aggiorna(ctx, "sistema", accounts[n.ServizioID], n)
				mu.Lock()
				switch {
				case err == nil:
					done++
				case !errors.Is(err, appio.ErrMessageNotFound):
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	for _, n := range ns {
		if ctx.Err() != nil {
			break
		}
		if accounts[n.ServizioID] != nil {
			next <- n
		}
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		return done, fmt.Errorf("%d verifiche non riuscite, la prima: %w", len(errs), errs[0])
	}
	return done, ctx.Err()
}

// Raggiungibile answers whether a citizen can receive the service's
// messages on App IO (from the recent answers when fresh); when not, the
// reason in Italian.
func (s *Service) Raggiungibile(ctx context.Context, sv Servizio, cf string) (bool, string, error) {
	a, err := s.account(ctx, sv.ID)
	if err != nil {
		return false, "", err
	}
	esito, err := s.profilo(ctx, a, sv.ID, cf)
	if err != nil {
		return false, "", err
	}
	return esito == esitoRaggiungibile, motivoEsito(esito), nil
}
