package avvisi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/pec"
	"github.com/sportello/sportello/core/protocollo"
	"github.com/sportello/sportello/store"
)

// KindInvio is the job that sends a batch's notices by PEC or e-mail.
const KindInvio = "avvisi.invio"

// States of a batch while and after sending.
const (
	LottoInInvio         = "IN_INVIO"
	LottoInviato         = "INVIATO"
	LottoInvioIncompleto = "INVIO_INCOMPLETO"
)

// ErrCasellaNonConfigurata: the mailbox the batch goes out from has no server or password.
var ErrCasellaNonConfigurata = errors.New("casella di posta non configurata: indicarne server e password " +
	"(Impostazioni → Caselle di posta, o sportello-cli posta configura)")

// Invia sends every generated notice of a batch, with its cover letter,
// to the row's PEC or e-mail address, from the ente's mailbox of the
// batch's kind; when the batch asks for it, each notice is registered in
// the protocol first and the number printed on the letter. The first call
// queues the notices in a send job (each with a Message-ID fixed before any
// attempt); later calls resume it, and queue the rows generated since.
// Invia returns when the job ends, is paused or cancelled, or ctx is done.
//
// Crash safety: the protocol registration is idempotent (keyed by the
// notice), and a send interrupted after the message was handed to the
// server is never repeated by itself. For PEC the provider's acceptance
// receipt, matched on the Message-ID, tells whether it left; without one
// the notice is INCERTO and waits for the operator (Reinvia).
func (s *Service) Invia(ctx context.Context, by operatori.Operatore, lottoUUID string, progress func(jobs.Progress)) error {
	if !by.Ruolo.Almeno(operatori.RuoloOperatoreInvio) {
		return operatori.ErrNonAutorizzato
	}
	lotto, _, err := s.DB.ConteggiLotto(ctx, lottoUUID)
	if err != nil {
		return fmt.Errorf("lotto %s: %w", lottoUUID, err)
	}
	casella, err := s.Imp.Casella(ctx, lotto.Spedizione)
	if err != nil {
		return err
	}
	if !casella.Configurata {
		return fmt.Errorf("%w (%s)", ErrCasellaNonConfigurata, etichettaSpedizione(lotto.Spedizione))
	}
	if lotto.Spedizione == PEC {
		// Receipts of a send interrupted by a crash settle its uncertain rows.
		if _, err := s.AggiornaRicevute(ctx, by); err != nil {
			return fmt.Errorf("lettura delle ricevute PEC prima dell'invio: %w", err)
		}
	}
	h, err := s.invioHandler(ctx, by, lotto, casella)
	if err != nil {
		return err
	}
	defer h.close()
	// A mailbox that refuses the login would fail every row alike: that is
	// the configuration's error, said once, with nothing queued.
	if err := h.accedi(ctx); err != nil {
		return fmt.Errorf("%s %s: %w", etichettaSpedizione(lotto.Spedizione), casella.Indirizzo, err)
	}
	job, err := s.accodaInvio(ctx, by, lotto, casella.Indirizzo)
	if err != nil {
		return err
	}
	runErr := s.eng.Run(ctx, job, h, progress)
	if errors.Is(runErr, jobs.ErrInUse) {
		return runErr
	}
	if err := s.concludiInvio(context.WithoutCancel(ctx), by, lotto, job); err != nil {
		return errors.Join(runErr, err)
	}
	return runErr
}

func etichettaSpedizione(s string) string {
	if s == PEC {
		return "casella PEC"
	}
	return "casella e-mail"
}

// accodaInvio returns the batch's send job, creating one in the same
// transaction that gives the rows never queued their Message-IDs.
func (s *Service) accodaInvio(ctx context.Context, by operatori.Operatore, lotto store.Lotto, mittente string) (uuid.UUID, error) {
	var job uuid.UUID
	if lotto.JobInvio != "" { // an unfinished send is resumed before rows generated since are queued
		j, err := s.eng.Status(ctx, uuid.MustParse(lotto.JobInvio))
		if err != nil {
			return job, err
		}
		if j.Counts.Pending+j.Counts.InFlight > 0 {
			return j.ID, nil
		}
	}
	dominio := mittente[strings.LastIndexByte(mittente, '@')+1:]
	err := s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		iupds, err := tx.AvvisiDaInviare(ctx, lotto.ID)
		if err != nil {
			return err
		}
		if len(iupds) == 0 {
			if lotto.JobInvio == "" {
				return errors.New("nessun avviso generato da inviare: eseguire prima «Genera avvisi PagoPA»")
			}
			job, err = uuid.Parse(lotto.JobInvio)
			return err
		}
		rows := make([]store.DaAccodare, len(iupds))
		for i, iupd := range iupds {
			rows[i] = store.DaAccodare{IUPD: iupd, MessageID: pec.NuovoMessageID(dominio)}
		}
		if err := tx.AccodaInvii(ctx, rows); err != nil {
			return err
		}
		if job, err = s.eng.CreateIn(ctx, tx, KindInvio, lotto.UUID, iupds); err != nil {
			return err
		}
		if err := tx.SaveJobInvio(ctx, lotto.ID, job.String()); err != nil {
			return err
		}
		return tx.SaveStatoLotto(ctx, lotto.ID, LottoInInvio)
	})
	return job, err
}

// concludiInvio sets the batch's state once its send job is over.
func (s *Service) concludiInvio(ctx context.Context, by operatori.Operatore, lotto store.Lotto, job uuid.UUID) error {
	j, err := s.eng.Status(ctx, job)
	if err != nil {
		return err
	}
	if j.State != jobs.Done && j.State != jobs.Cancelled {
		return nil
	}
	stato := LottoInviato
	if c := j.Counts; c.Failed+c.Uncertain+c.Cancelled > 0 {
		stato = LottoInvioIncompleto
	}
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error { return tx.SaveStatoLotto(ctx, lotto.ID, stato) })
}

// invioHandler sends one notice: protocol (if asked), letter, message.
// Its Recover settles an interrupted send only when a receipt shows it
// left; otherwise the notice is uncertain, so the engine keeps no more
// notices in flight than there are connections (jobs.PartialRecover).
type invioHandler struct {
	jobs.PartialRecover
	s        *Service
	by       operatori.Operatore
	lotto    store.Lotto
	ente     store.Ente
	td       store.TipoDovuto
	casella  impostazioni.Casella
	modello  lettere.Modello
	mittenti chan *pec.Mittente // one reused connection per worker
}

func (s *Service) invioHandler(ctx context.Context, by operatori.Operatore, lotto store.Lotto, c impostazioni.Casella) (*invioHandler, error) {
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return nil, fmt.Errorf("dati dell'ente (Impostazioni → Ente): %w", err)
	}
	td, err := s.DB.TipoDovutoByID(ctx, lotto.TipoDovutoID)
	if err != nil {
		return nil, err
	}
	h := &invioHandler{s: s, by: by, lotto: lotto, ente: ente, td: td, casella: c, modello: modelloDelLotto(lotto),
		mittenti: make(chan *pec.Mittente, s.opt.Concurrency)}
	for range s.opt.Concurrency {
		m, err := pec.NuovoMittente(configSMTP(c))
		if err != nil {
			h.close()
			return nil, err
		}
		h.mittenti <- m
	}
	return h, nil
}

// accedi logs in with one of the connections, which stays open for the send.
func (h *invioHandler) accedi(ctx context.Context) error {
	m := <-h.mittenti
	defer func() { h.mittenti <- m }()
	return m.Verifica(ctx)
}

func (h *invioHandler) close() {
	for len(h.mittenti) > 0 {
		(<-h.mittenti).Close()
	}
}

func modelloDelLotto(l store.Lotto) lettere.Modello {
	if l.LetteraTesto == "" {
		return lettere.ModelloPredefinito()
	}
	return lettere.Modello{Oggetto: l.LetteraOggetto, Testo: l.LetteraTesto, Firma: l.LetteraFirma}
}

func configSMTP(c impostazioni.Casella) pec.ConfigSMTP {
	return pec.ConfigSMTP{Host: c.SMTPHost, Porta: c.SMTPPorta, Sicurezza: sicurezza(c.SMTPSicurezza), Utente: c.Utente,
		Password: c.Password, CAPEM: []byte(c.CAPEM)}
}

func configIMAP(c impostazioni.Casella) pec.ConfigIMAP {
	return pec.ConfigIMAP{Host: c.IMAPHost, Porta: c.IMAPPorta, Sicurezza: sicurezza(c.IMAPSicurezza), Utente: c.Utente,
		Password: c.Password, CAPEM: []byte(c.CAPEM)}
}

func sicurezza(s string) pec.Sicurezza {
	switch s {
	case impostazioni.SicurezzaSTARTTLS:
		return pec.STARTTLS
	case impostazioni.SicurezzaNessuna:
		return pec.Nessuna
	default:
		return pec.TLSImplicito
	}
}

func (*invioHandler) Kind() string { return KindInvio }

func (h *invioHandler) Do(ctx context.Context, it jobs.Item) (string, error) {
	x, err := h.s.DB.AvvisoByIUPD(ctx, it.Key)
	if err != nil {
		return "", err
	}
	a := x.Avviso
	if a.Invio.MessageID == "" {
		return "", jobs.Permanent(errors.New("avviso senza Message-ID: rimetterlo in coda con Reinvia"))
	}
	var avviso bytes.Buffer
	if err := pagopa.StampaAvviso(&avviso, avvisoDaStampare(h.ente, x)); err != nil {
		return "", jobs.Permanent(fmt.Errorf("avviso PDF: %w", err))
	}
	nomeAvviso := "Avviso_pagoPA_" + a.CodiceAvviso + ".pdf"
	var reg protocollo.Registrazione
	if h.lotto.Protocollazione {
		oggetto := a.OggettoProtocollo
		if oggetto == "" {
			oggetto = h.lotto.OggettoProtocollo
		}
		reg, err = h.s.Registro.Registra(ctx, h.by, protocollo.Richiesta{Verso: protocollo.Uscita, Oggetto: oggetto,
			Corrispondente: corrispondente(a), Riferimento: riferimentoProtocollo(a.IUPD),
			Allegati: []protocollo.Allegato{{Nome: nomeAvviso, Dati: avviso.Bytes()}}})
		if err != nil {
			var ev operatori.ErrValidazione
			if errors.As(err, &ev) || errors.Is(err, operatori.ErrNonAutorizzato) {
				return "", jobs.Permanent(fmt.Errorf("protocollazione: %w", err))
			}
			return "", fmt.Errorf("protocollazione: %w", err)
		}
	}
	var prot protocolloStampato
	if reg.Numero != 0 {
		prot = protocolloStampato{Etichetta: reg.Etichetta(), Data: reg.Data}
	}
	l, err := lettere.Prepara(h.modello, h.datiLettera(x, prot))
	if err != nil {
		return "", jobs.Permanent(fmt.Errorf("lettera di accompagnamento: %w", err))
	}
	var lettera bytes.Buffer
	if err := lettere.StampaLettera(&lettera, l); err != nil {
		return "", jobs.Permanent(fmt.Errorf("lettera di accompagnamento PDF: %w", err))
	}
	msg := pec.Messaggio{MessageID: a.Invio.MessageID, Da: h.casella.Indirizzo, A: a.IndirizzoPec, Oggetto: l.Oggetto, Testo: l.Testo,
		Allegati: []pec.Allegato{
			{Nome: "Lettera_" + a.IUV + ".pdf", Tipo: "application/pdf", Dati: lettera.Bytes()},
			{Nome: nomeAvviso, Tipo: "application/pdf", Dati: avviso.Bytes()},
		},
		Intestazioni: map[string]string{"X-Sportello-IUV": a.IUV}}
	m := <-h.mittenti
	err = m.Invia(ctx, msg)
	h.mittenti <- m
	if err != nil {
		return "", esitoSMTP(err)
	}
	return a.Invio.MessageID, nil
}

// esitoSMTP tells the job engine what an SMTP failure means for the row.
func esitoSMTP(err error) error {
	switch {
	case pec.Incerto(err):
		return jobs.Uncertain(err)
	case pec.Temporaneo(err):
		return err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	default:
		return jobs.Permanent(err)
	}
}

// Recover settles a row found in flight after a crash: a PEC row whose
// acceptance (or a later receipt) was read left for sure; otherwise
// nobody can tell, and the operator decides.
func (h *invioHandler) Recover(ctx context.Context, it jobs.Item) (string, error) {
	x, err := h.s.DB.AvvisoByIUPD(ctx, it.Key)
	if err != nil {
		return "", err
	}
	switch x.Avviso.Invio.Stato {
	case store.InvioAccettato, store.InvioConsegnato, store.InvioErroreConsegna, store.InvioPreavvisoErrore:
		return x.Avviso.Invio.MessageID, nil
	case store.InvioNonAccettato:
		return "", jobs.Permanent(errors.New("il gestore PEC non ha accettato il messaggio"))
	}
	if h.lotto.Spedizione == PEC {
		return "", jobs.Uncertain(errors.New("invio interrotto: nessuna ricevuta di accettazione per questo messaggio; " +
			"se non arriva, reinviarlo"))
	}
	return "", jobs.Uncertain(errors.New("invio interrotto durante la trasmissione: esito sconosciuto, verificare prima di reinviare"))
}

func corrispondente(a store.AvvisoLotto) string {
	cf := a.CodiceFiscale
	if cf == "" {
		cf = a.PartitaIVA
	}
	return fmt.Sprintf("%s (%s) <%s>", a.Intestazione, cf, a.IndirizzoPec)
}

// protocolloStampato is the registration as the letter prints it.
type protocolloStampato struct {
	Etichetta string // "2026/0000123"
	Data      time.Time
}

func (h *invioHandler) datiLettera(x store.AvvisoStampa, p protocolloStampato) lettere.Dati {
	a := x.Avviso
	stampa := avvisoDaStampare(h.ente, x)
	d := lettere.Dati{Ente: h.enteLettera(), Intestazione: a.Intestazione, CodiceFiscale: stampa.Debitore.CodiceFiscale,
		Indirizzo: a.Indirizzo, CAP: a.CAP, Comune: a.Comune, Provincia: a.Provincia, IndirizzoPec: a.IndirizzoPec,
		Spedizione: h.lotto.Spedizione, Centesimi: a.Centesimi, Scadenza: stampa.Scadenza, Causale: stampa.Oggetto,
		CodiceAvviso: a.CodiceAvviso, TipoDovuto: h.td.Descrizione, Oggi: h.s.now()}
	d.NumeroProtocollo, d.DataProtocollo = p.Etichetta, p.Data
	return d
}

// invioRecorder keeps each notice's sending state in step with its job item.
type invioRecorder struct{ s *Service }

func (r invioRecorder) Record(ctx context.Context, tx *store.Tx, items []jobs.Item) error {
	ss := make([]store.StatoInvio, len(items))
	for i, it := range items {
		st := store.StatoInvio{IUPD: it.Key, Tentativi: it.Attempts, Errore: it.LastError}
		switch it.State {
		case jobs.ItemPending:
			st.Stato = store.InvioDaInviare
		case jobs.ItemInFlight:
			st.Stato = store.InvioInCorso
		case jobs.ItemDone:
			st.Stato, st.Errore, st.InviatoIl = store.InvioInviato, "", it.UpdatedAt
			if it.Ref != "" && r.emailOrdinaria(ctx, tx, it.Ref) {
				st.Stato = store.InvioConsegnato // plain e-mail: accepted by the server is all there is
			}
		case jobs.ItemFailed:
			st.Stato = store.InvioErrore
		case jobs.ItemUncertain:
			st.Stato = store.InvioIncerto
		case jobs.ItemCancelled:
			st.Stato = store.InvioAnnullato
		}
		ss[i] = st
	}
	return tx.SaveStatiInvio(ctx, ss)
}

// emailOrdinaria reports whether the batch goes out by plain e-mail
// (batches never change their kind of sending, so the answer is kept).
func (r invioRecorder) emailOrdinaria(ctx context.Context, tx *store.Tx, lottoUUID string) bool {
	if v, ok := r.s.spedizioni.Load(lottoUUID); ok {
		return v.(string) == Email
	}
	sped, err := tx.SpedizioneLotto(ctx, lottoUUID)
	if err != nil {
		return false
	}
	r.s.spedizioni.Store(lottoUUID, sped)
	return sped == Email
}

// enteLettera is the ente as the letter's header prints it; its PEC is the
// mailbox notices go out from.
func (h *invioHandler) enteLettera() lettere.Ente {
	e := lettere.Ente{Nome: h.ente.Denominazione, CodiceFiscale: h.ente.CodiceFiscale, Settore: h.ente.Settore, Indirizzo: h.ente.Indirizzo}
	if h.casella.Tipo == impostazioni.CasellaPEC {
		e.PEC = h.casella.Indirizzo
	}
	return e
}

// riferimentoProtocollo keys a notice's registration: registering it again
// (a retry, a crash) returns the first number.
func riferimentoProtocollo(iupd string) string { return "avviso:" + iupd }

// VerificaCasella logs in to the mailbox's servers (SMTP, and IMAP for a
// PEC mailbox) without sending anything: «Verifica connessione».
func (s *Service) VerificaCasella(ctx context.Context, tipo string) error {
	c, err := s.Imp.Casella(ctx, tipo)
	if err != nil {
		return err
	}
	if !c.Configurata {
		return ErrCasellaNonConfigurata
	}
	m, err := pec.NuovoMittente(configSMTP(c))
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Verifica(ctx); err != nil {
		return err
	}
	if tipo != impostazioni.CasellaPEC {
		return nil
	}
	l, err := pec.NuovoLettore(configIMAP(c))
	if err != nil {
		return err
	}
	defer l.Close()
	return l.Verifica(ctx)
}
