package flussi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/ratelimit"
	"github.com/sportello/sportello/store"
)

// Esiti of a getProfile, as cached in profili_io.
const (
	esitoRaggiungibile = "RAGGIUNGIBILE"
	esitoNonIscritto   = "NON_ISCRITTO"
	esitoDisattivato   = "SERVIZIO_DISATTIVATO"
)

// Motivi shown for a notification that is not sent.
const (
	motivoNonIscritto = "destinatario non raggiungibile: non iscritto ad App IO"
	motivoDisattivato = "destinatario non raggiungibile: ha disattivato il servizio in App IO"
)

func motivoEsito(esito string) string {
	if esito == esitoDisattivato {
		return motivoDisattivato
	}
	return motivoNonIscritto
}

// Raggiungibilita is what the preflight found for a flow's notifications.
type Raggiungibilita struct {
	Raggiungibili    int // notifications that will be sent
	NonRaggiungibili int // not on IO or service disabled: not sent
}

// VerificaDestinatari asks IO (getProfile, within the account's quota) whether
// each recipient of a flow can receive it, reusing answers younger than the
// TTL, and marks the notifications of those who cannot as not reachable.
// It is a resumable job; progress may be nil.
func (s *Service) VerificaDestinatari(ctx context.Context, by operatori.Operatore, id uuid.UUID, progress func(jobs.Progress)) (Raggiungibilita, error) {
	if err := require(by, operatori.RuoloOperatore); err != nil {
		return Raggiungibilita{}, err
	}
	f, err := s.db.FlussoByUUID(ctx, id.String())
	if err != nil {
		return Raggiungibilita{}, fmt.Errorf("flusso %s: %w", id, err)
	}
	a, err := s.account(ctx, f.ServizioID)
	if err != nil {
		return Raggiungibilita{}, err
	}
	job, err := s.profiliJob(ctx, by, f)
	if err != nil {
		return Raggiungibilita{}, err
	}
	if job != uuid.Nil {
		if err := s.eng.Run(ctx, job, profiliHandler{a}, progress); err != nil {
			return Raggiungibilita{}, err
		}
	}
	perInvio, _, err := s.db.ConteggiNotifiche(ctx, f.ID)
	if err != nil {
		return Raggiungibilita{}, err
	}
	return Raggiungibilita{Raggiungibili: perInvio[string(DaInviare)], NonRaggiungibili: perInvio[string(NonRaggiungibile)]}, nil
}

// profiliJob applies the fresh cached answers and makes a job for the
// recipients left to ask (uuid.Nil when none); an unfinished one is reused.
func (s *Service) profiliJob(ctx context.Context, by operatori.Operatore, f store.Flusso) (uuid.UUID, error) {
	existing, err := s.eng.Find(ctx, KindProfili, f.UUID)
	if err != nil {
		return uuid.Nil, err
	}
	for _, j := range existing {
		if j.State != jobs.Done && j.State != jobs.Cancelled {
			return j.ID, nil
		}
	}
	cfs, err := s.db.Destinatari(ctx, f.ID)
	if err != nil || len(cfs) == 0 {
		return uuid.Nil, err
	}
	cache, err := s.db.ProfiliIO(ctx, f.ServizioID, s.opt.Now().Add(-s.opt.ProfileTTL))
	if err != nil {
		return uuid.Nil, err
	}
	var ask []string
	var job uuid.UUID
	err = s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		for _, cf := range cfs {
			p, ok := cache[cf]
			if !ok {
				ask = append(ask, cf)
				continue
			}
			if err := tx.SegnaRaggiungibilita(ctx, f.ID, cf, p.Esito == esitoRaggiungibile, motivoEsito(p.Esito)); err != nil {
				return err
			}
		}
		if len(ask) == 0 {
			return nil
		}
		var err error
		job, err = s.eng.CreateIn(ctx, tx, KindProfili, f.UUID, ask)
		return err
	})
	return job, err
}

// profiliHandler asks IO for one recipient's profile. getProfile has no
// effect, so an interrupted call is simply asked again.
type profiliHandler struct {
	a *account
}

func (profiliHandler) Kind() string                                       { return KindProfili }
func (h profiliHandler) Limiter() *ratelimit.Limiter                      { return h.a.limiter }
func (profiliHandler) Recover(context.Context, jobs.Item) (string, error) { return "", jobs.ErrNotSent }

func (h profiliHandler) Do(ctx context.Context, it jobs.Item) (string, error) {
	p, err := h.a.client.GetProfile(ctx, it.Key)
	switch {
	case errors.Is(err, appio.ErrProfileNotFound):
		return esitoNonIscritto, nil
	case err != nil:
		return "", outcome(err)
	case !p.SenderAllowed:
		return esitoDisattivato, nil
	}
	return esitoRaggiungibile, nil
}

// outcome turns an App IO error into the job engine's language: refusals
// fail for good, throttling waits as told, failures of calls without effect
// (getProfile, getMessage, or a send that never left) are retried with
// backoff and jitter. A send whose request may have been processed — a 5xx
// can come from the gateway after the backend accepted it, a reset or a
// timeout after the request left — is uncertain: IO has no idempotency key,
// so sending it again could deliver it twice.
func outcome(err error) error {
	switch {
	case appio.IsPermanent(err):
		return jobs.Permanent(err)
	case appio.RetryAfter(err) > 0:
		return jobs.RetryAfter(appio.RetryAfter(err), err)
	case appio.MaybeDelivered(err):
		return jobs.Uncertain(err)
	}
	return err
}

// profiliRecorder caches each answer and marks the flow's notifications.
type profiliRecorder struct{ s *Service }

func (r profiliRecorder) Record(ctx context.Context, tx *store.Tx, items []jobs.Item) error {
	flussi := map[string]store.Flusso{}
	for _, it := range items {
		if it.State != jobs.ItemDone && it.State != jobs.ItemFailed {
			continue
		}
		f, ok := flussi[it.Ref]
		if !ok {
			var err error
			if f, err = tx.FlussoByUUID(ctx, it.Ref); err != nil {
				return err
			}
			flussi[it.Ref] = f
		}
		if it.State == jobs.ItemFailed {
			// IO refused the fiscal code itself: nothing can be sent to it.
			if err := tx.SegnaRaggiungibilita(ctx, f.ID, it.Key, false, "verifica del destinatario non riuscita: "+it.LastError); err != nil {
				return err
			}
			continue
		}
		if err := tx.SaveProfiloIO(ctx, store.ProfiloIO{ServizioID: f.ServizioID, CodiceFiscale: it.Key, Esito: it.Result}); err != nil {
			return err
		}
		if err := tx.SegnaRaggiungibilita(ctx, f.ID, it.Key, it.Result == esitoRaggiungibile, motivoEsito(it.Result)); err != nil {
			return err
		}
	}
	return nil
}

// Invia sends a flow: an active one is checked (VerificaDestinatari) and
// its reachable notifications queued in a send job; a flow being sent
// (interrupted, paused, or retried) resumes its job. Invia returns when the
// job ends, is paused or cancelled (jobs.ErrPaused, jobs.ErrCancelled), or
// ctx is done; the flow's state then follows the job's.
func (s *Service) Invia(ctx context.Context, by operatori.Operatore, id uuid.UUID, progress func(jobs.Progress)) error {
	if err := require(by, operatori.RuoloOperatoreInvio); err != nil {
		return err
	}
	f, err := s.db.FlussoByUUID(ctx, id.String())
	if err != nil {
		return fmt.Errorf("flusso %s: %w", id, err)
	}
	switch StatoFlusso(f.Stato) {
	case Inattivo:
		return errors.New("il flusso è inattivo: attivarlo prima di inviarlo")
	case Inviato, InvioIncompleto:
		if f.JobUUID == "" {
			return &ErrTransizione{Da: StatoFlusso(f.Stato), A: InInvio}
		}
		j, err := s.eng.Status(ctx, uuid.MustParse(f.JobUUID))
		if err != nil {
			return err
		}
		if j.Counts.Pending == 0 && j.Counts.InFlight == 0 {
			return fmt.Errorf("il flusso è già %q: nulla da inviare (usare Riprova falliti per ritentare gli errori)", StatoFlusso(f.Stato).Label())
		}
	case Attivo:
		if _, err := s.VerificaDestinatari(ctx, by, id, progress); err != nil {
			return fmt.Errorf("verifica dei destinatari: %w", err)
		}
		if err := s.accoda(ctx, by, id); err != nil {
			return err
		}
		if f, err = s.db.FlussoByUUID(ctx, id.String()); err != nil {
			return err
		}
	}
	if f.JobUUID == "" { // nobody reachable: nothing to send
		return s.concludi(ctx, by, id)
	}
	a, err := s.account(ctx, f.ServizioID)
	if err != nil {
		return err
	}
	runErr := s.eng.Run(ctx, uuid.MustParse(f.JobUUID), invioHandler{s: s, a: a}, progress)
	if errors.Is(runErr, jobs.ErrInUse) {
		return runErr
	}
	if err := s.concludi(context.WithoutCancel(ctx), by, id); err != nil {
		return errors.Join(runErr, err)
	}
	return runErr
}

// accoda moves an active flow to IN_INVIO with a send job holding its
// reachable notifications, in one transaction.
func (s *Service) accoda(ctx context.Context, by operatori.Operatore, id uuid.UUID) error {
	return s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		f, err := tx.FlussoByUUID(ctx, id.String())
		if err != nil {
			return err
		}
		keys, err := tx.NotificheDaInviare(ctx, f.ID)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			_, err := cambiaStato(ctx, tx, id, InInvio, nil)
			return err
		}
		job, err := s.eng.CreateIn(ctx, tx, KindInvio, f.UUID, keys)
		if err != nil {
			return err
		}
		_, err = cambiaStato(ctx, tx, id, InInvio, func(f *store.Flusso) { f.JobUUID, f.Errore = job.String(), "" })
		return err
	})
}

// concludi sets a flow's state from its send job: still IN_INVIO while work
// is queued; INVIATO when everything reachable was accepted; otherwise
// INVIO_INCOMPLETO with a summary of what went wrong.
func (s *Service) concludi(ctx context.Context, by operatori.Operatore, id uuid.UUID) error {
	f, err := s.db.FlussoByUUID(ctx, id.String())
	if err != nil {
		return err
	}
	stato, errore := InInvio, ""
	if f.JobUUID == "" {
		stato = Inviato
	} else {
		j, err := s.eng.Status(ctx, uuid.MustParse(f.JobUUID))
		if err != nil {
			return err
		}
		c := j.Counts
		if j.State == jobs.Done || j.State == jobs.Cancelled {
			var parts []string
			if c.Failed > 0 {
				parts = append(parts, fmt.Sprintf("%d in errore", c.Failed))
			}
			if c.Uncertain > 0 {
				parts = append(parts, fmt.Sprintf("%d con esito incerto", c.Uncertain))
			}
			if c.Cancelled > 0 {
				parts = append(parts, fmt.Sprintf("%d annullate", c.Cancelled))
			}
			stato = Inviato
			if len(parts) > 0 {
				stato, errore = InvioIncompleto, "notifiche: "+strings.Join(parts, ", ")
			}
		}
	}
	return s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		_, err := cambiaStato(ctx, tx, id, stato, func(f *store.Flusso) { f.Errore = errore })
		return err
	})
}

// invioHandler sends one notification. A send cannot be checked afterwards
// (IO has no lookup by content), so an interrupted one becomes uncertain.
type invioHandler struct {
	jobs.NoRecover
	s *Service
	a *account
}

func (invioHandler) Kind() string                  { return KindInvio }
func (h invioHandler) Limiter() *ratelimit.Limiter { return h.a.limiter }

func (h invioHandler) Do(ctx context.Context, it jobs.Item) (string, error) {
	n, err := h.s.db.NotificaByUUID(ctx, it.Key)
	if err != nil {
		return "", err
	}
	msg := rigaOf(n).Messaggio(h.a.servizio.Livello)
	if err := msg.Validate(); err != nil {
		return "", jobs.Permanent(err)
	}
	id, err := h.a.client.SubmitMessage(ctx, n.CodiceFiscale, msg)
	if err != nil {
		return "", outcome(err)
	}
	return id, nil
}

func rigaOf(n store.Notifica) Riga {
	return Riga{Numero: n.Riga, CodiceFiscale: n.CodiceFiscale, Oggetto: n.Oggetto, Contenuto: n.Contenuto,
		Scadenza: n.Scadenza, Importo: n.Importo, CodiceAvviso: n.CodiceAvviso, PagaDopoScadenza: n.PagaDopoScadenza}
}

// invioRecorder keeps each notification's transmission state in step with its item.
type invioRecorder struct{}

var statoDiItem = map[jobs.ItemState]StatoInvio{
	jobs.ItemPending:   DaInviare,
	jobs.ItemInFlight:  InTrasmissione,
	jobs.ItemDone:      Inviata,
	jobs.ItemFailed:    Errore,
	jobs.ItemUncertain: EsitoIncerto,
	jobs.ItemCancelled: Annullata,
}

func (invioRecorder) Record(ctx context.Context, tx *store.Tx, items []jobs.Item) error {
	us := make([]store.InvioNotifica, len(items))
	for i, it := range items {
		u := store.InvioNotifica{UUID: it.Key, Stato: string(statoDiItem[it.State]), Tentativi: it.Attempts, Errore: it.LastError}
		if it.State == jobs.ItemDone {
			u.IDMessaggio, u.InviataIl, u.Errore = it.Result, it.UpdatedAt, ""
		}
		us[i] = u
	}
	return tx.SaveInvii(ctx, us)
}

// job is the send job of a flow.
func (s *Service) job(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	f, err := s.db.FlussoByUUID(ctx, id.String())
	if err != nil {
		return uuid.Nil, fmt.Errorf("flusso %s: %w", id, err)
	}
	if f.JobUUID == "" {
		return uuid.Nil, errors.New("il flusso non è ancora stato inviato")
	}
	return uuid.Parse(f.JobUUID)
}

// Pausa asks the run sending a flow to stop after the calls in progress;
// Invia resumes it.
func (s *Service) Pausa(ctx context.Context, by operatori.Operatore, id uuid.UUID) error {
	if err := require(by, operatori.RuoloOperatoreInvio); err != nil {
		return err
	}
	job, err := s.job(ctx, id)
	if err != nil {
		return err
	}
	return s.eng.Pause(ctx, by.Username, job)
}

// Annulla stops sending a flow for good: notifications not yet sent become
// ANNULLATA and the flow INVIO_INCOMPLETO.
func (s *Service) Annulla(ctx context.Context, by operatori.Operatore, id uuid.UUID) error {
	if err := require(by, operatori.RuoloOperatoreInvio); err != nil {
		return err
	}
	job, err := s.job(ctx, id)
	if err != nil {
		return err
	}
	if err := s.eng.Cancel(ctx, by.Username, job); err != nil {
		return err
	}
	j, err := s.eng.Status(ctx, job)
	if err != nil || j.Active {
		return err // the run still going concludes the flow
	}
	return s.concludi(ctx, by, id)
}

// RiprovaFalliti puts the flow's failed notifications back in the queue
// and the flow back to IN_INVIO; Invia then sends them. Uncertain ones are
// left alone: see Reinvia.
func (s *Service) RiprovaFalliti(ctx context.Context, by operatori.Operatore, id uuid.UUID) (int, error) {
	return s.requeue(ctx, by, id, nil)
}

// Reinvia puts the given uncertain or failed notifications of a flow back in
// the queue, on the operator's explicit decision (an uncertain one may
// reach the citizen twice).
func (s *Service) Reinvia(ctx context.Context, by operatori.Operatore, id uuid.UUID, notifiche []uuid.UUID) (int, error) {
	keys := make([]string, len(notifiche))
	for i, n := range notifiche {
		keys[i] = n.String()
	}
	if len(keys) == 0 {
		return 0, nil
	}
	return s.requeue(ctx, by, id, keys)
}

func (s *Service) requeue(ctx context.Context, by operatori.Operatore, id uuid.UUID, keys []string) (int, error) {
	if err := require(by, operatori.RuoloOperatoreInvio); err != nil {
		return 0, err
	}
	job, err := s.job(ctx, id)
	if err != nil {
		return 0, err
	}
	var n int
	if keys == nil {
		n, err = s.eng.RetryFailed(ctx, by.Username, job)
	} else {
		n, err = s.eng.Retry(ctx, by.Username, job, keys...)
	}
	if err != nil || n == 0 {
		return n, err
	}
	return n, s.db.Write(ctx, by.Username, func(tx *store.Tx) error {
		_, err := cambiaStato(ctx, tx, id, InInvio, func(f *store.Flusso) { f.Errore = "" })
		return err
	})
}

// DaRiprendere lists the flows left IN_INVIO with no run working on them
// (an interrupted session), for the UI to offer resuming them.
func (s *Service) DaRiprendere(ctx context.Context) ([]Flusso, error) {
	fs, err := s.db.FlussiInStato(ctx, string(InInvio))
	if err != nil {
		return nil, err
	}
	var out []Flusso
	for _, f := range fs {
		if f.JobUUID == "" {
			continue
		}
		j, err := s.eng.Status(ctx, uuid.MustParse(f.JobUUID))
		if err != nil {
			return nil, err
		}
		if !j.Active {
			out = append(out, flussoOf(f))
		}
	}
	return out, nil
}
