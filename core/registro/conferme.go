package registro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/pec"
	"github.com/sportello/sportello/store"
)

// Confirmation e-mails (issue 5): when the provider activates a mailbox it
// becomes ATTIVA and a confirmation goes to its owner and to the reseller.
//
// The confirmation is queued (store.ConfermaAttivazione, DA_INVIARE, with
// its Message-ID fixed) in the same transaction that makes the mailbox
// ATTIVA from IN_ATTESA, by the sync (the feed's ACTIVATED) or by Attiva;
// one per mailbox, ever. InviaConferme sends the queue from the ente's
// outgoing mailbox, which is the reseller's address: the owner's e-mail is
// the recipient and the reseller's copy is the sending mailbox itself (see
// destinatariConferma). An owner without e-mail gets nothing and the
// message goes to the reseller's address only.
//
// Each row is committed INVIO before its SMTP call and settled after it; a
// row found INVIO when a run starts (a crash in between) may have been
// accepted and becomes INCERTA: it is never sent again by itself.

// OperatoreConferme records the state changes of the confirmations.
const OperatoreConferme = "conferme"

// MaxTentativiConferma: after this many temporary failures a confirmation is ERRORE.
const MaxTentativiConferma = 5

// ErrPostaNonConfigurata: no outgoing mailbox to send the confirmations from.
var ErrPostaNonConfigurata = errors.New("nessuna casella di posta configurata per le e-mail di conferma: indicarne server e " +
	"password (Impostazioni → Caselle di posta: casella e-mail ordinaria, o la casella PEC)")

// invioConferme lets one run at a time send (a second run would find the
// first one's row INVIO and call it INCERTA).
var invioConferme sync.Mutex

// CasellaConferme is the mailbox the confirmations go out from: the ente's
// ordinary e-mail mailbox if configured, else its PEC mailbox; ok is false
// when neither is configured. It fits Service.Posta.
func CasellaConferme(ctx context.Context, imp *impostazioni.Service) (impostazioni.Casella, bool, error) {
	for _, tipo := range []string{impostazioni.CasellaEmail, impostazioni.CasellaPEC} {
		c, err := imp.Casella(ctx, tipo)
		if err != nil {
			return c, false, err
		}
		if c.Configurata {
			return c, true, nil
		}
	}
	return impostazioni.Casella{}, false, nil
}

// accodaConferma queues the confirmation of c, just made ATTIVA in tx.
func accodaConferma(ctx context.Context, tx *store.Tx, c store.Casella) error {
	t, err := tx.TitolareByID(ctx, store.Ambito{}, c.TitolareID)
	if err != nil {
		return fmt.Errorf("conferma di attivazione di %s: %w", c.Indirizzo, err)
	}
	quando := c.AttivataIl
	if quando.IsZero() {
		quando = tx.Now
	}
	nome := strings.TrimSpace(t.Nome + " " + t.Cognome)
	saluto := "Gentile cliente,"
	if nome != "" {
		saluto = "Gentile " + nome + ","
	}
	testo := saluto + "\n\n" +
		"La casella PEC " + c.Indirizzo + " è attiva dal " + quando.In(zona).Format("02/01/2006") + ".\n" +
		"Da oggi può inviare e ricevere messaggi di posta elettronica certificata con valore legale.\n\n" +
		"Per le credenziali di accesso e per ogni richiesta si rivolga al suo rivenditore.\n\n" +
		"Messaggio generato automaticamente.\n"
	_, err = tx.InserisciConferma(ctx, store.ConfermaAttivazione{
		CasellaID:   c.ID,
		Destinatari: strings.ToLower(strings.TrimSpace(t.Email)),
		Oggetto:     "Attivazione della casella PEC " + c.Indirizzo,
		Testo:       testo,
		MessageID:   pec.NuovoMessageID(c.Indirizzo[strings.LastIndexByte(c.Indirizzo, '@')+1:]),
	})
	return err
}

// attivata reports whether a change of a mailbox is its activation.
func attivata(prima, dopo store.Casella) bool {
	return prima.Stato == store.CasellaInAttesa && dopo.Stato == store.CasellaAttiva
}

// destinatariConferma: the owner's address (from the row, stored when the
// mailbox was activated) and the reseller's, which is the sending mailbox.
// pec.Messaggio has a single To and no Cc, so the message is addressed to
// the owner; the reseller's address is recorded beside it and is the To
// only when the owner has no e-mail.
func destinatariConferma(titolare, rivenditore string) (a string, tutti string) {
	if titolare == "" || titolare == rivenditore {
		return rivenditore, rivenditore
	}
	return titolare, titolare + ", " + rivenditore
}

// InviaConferme sends the pending confirmations from mailbox c with one
// connection; it returns how many were sent and how many failed this run
// (temporary failures included: they stay DA_INVIARE up to
// MaxTentativiConferma attempts). err is a failure of the whole run: c not
// configured, or its server refusing the connection or the login (then
// nothing is marked).
func (s *Service) InviaConferme(ctx context.Context, c impostazioni.Casella) (inviate, errori int, err error) {
	if !c.Configurata || strings.TrimSpace(c.Indirizzo) == "" {
		return 0, 0, ErrPostaNonConfigurata
	}
	invioConferme.Lock()
	defer invioConferme.Unlock()
	if err := s.DB.Write(ctx, OperatoreConferme, func(tx *store.Tx) error {
		_, err := tx.ConfermeDa(ctx, store.ConfermaInvio, store.ConfermaIncerta, "invio interrotto dopo l'avvio: il messaggio "+
			"potrebbe essere stato consegnato; verificare con il titolare prima di inviarlo di nuovo")
		return err
	}); err != nil {
		return 0, 0, err
	}
	coda, err := s.DB.ConfermeInStato(ctx, store.ConfermaDaInviare)
	if err != nil || len(coda) == 0 {
		return 0, 0, err
	}
	m, err := pec.NuovoMittente(configSMTP(c))
	if err != nil {
		return 0, 0, err
	}
	defer m.Close()
	if err := m.Verifica(ctx); err != nil {
		return 0, 0, fmt.Errorf("casella %s: %w", c.Indirizzo, err)
	}
	da := strings.ToLower(strings.TrimSpace(c.Indirizzo))
	for _, r := range coda {
		if ctx.Err() != nil {
			break
		}
		a, tutti := destinatariConferma(r.Destinatari, da)
		r.Destinatari, r.Stato = tutti, store.ConfermaInvio
		preso := false
		if err := s.DB.Write(ctx, OperatoreConferme, func(tx *store.Tx) (err error) {
			preso, err = tx.AggiornaConferma(ctx, store.ConfermaDaInviare, r)
			return err
		}); err != nil {
			return inviate, errori, err
		}
		if !preso {
			continue
		}
		var cc []string
		if a != da { // the reseller, in copy: the sending mailbox is theirs
			cc = []string{da}
		}
		errInvio := m.Invia(ctx, pec.Messaggio{MessageID: r.MessageID, Da: da, A: a, Cc: cc, Oggetto: r.Oggetto, Testo: r.Testo,
			Intestazioni: map[string]string{"Auto-Submitted": "auto-generated"}})
		switch {
		case errInvio == nil:
			r.Stato, r.Errore, r.InviataIl = store.ConfermaInviata, "", s.now()
			inviate++
		case pec.Incerto(errInvio):
			r.Stato, r.Errore = store.ConfermaIncerta, errInvio.Error()
			errori++
		case pec.Temporaneo(errInvio):
			r.Tentativi++
			r.Stato, r.Errore = store.ConfermaDaInviare, errInvio.Error()
			if r.Tentativi >= MaxTentativiConferma {
				r.Stato = store.ConfermaErrore
				r.Errore = fmt.Sprintf("invio non riuscito dopo %d tentativi: %s", r.Tentativi, errInvio.Error())
			}
			errori++
		default:
			r.Stato, r.Errore = store.ConfermaErrore, "invio non riuscito: "+errInvio.Error()
			errori++
		}
		// Settled even when ctx ended meanwhile: the row must not stay INVIO.
		if err := s.DB.Write(context.WithoutCancel(ctx), OperatoreConferme, func(tx *store.Tx) error {
			_, err := tx.AggiornaConferma(ctx, store.ConfermaInvio, r)
			return err
		}); err != nil {
			return inviate, errori, err
		}
	}
	return inviate, errori, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// inviaConfermeGiro sends the confirmations after a sync round, when a
// mailbox is configured; failures stay on the rows (or wait for the next round).
func (s *Service) inviaConfermeGiro(ctx context.Context) {
	if s.Posta == nil {
		return
	}
	c, ok, err := s.Posta(ctx)
	if err != nil {
		slog.Warn("registro: confirmation mailbox unreadable", "err", err)
	}
	if err != nil || !ok {
		return
	}
	// Each message keeps its own error; these say why a whole run failed
	// or how many messages did, for whoever reads the log.
	inviate, errori, err := s.InviaConferme(ctx, c)
	switch {
	case err != nil && !errors.Is(err, ErrPostaNonConfigurata) && ctx.Err() == nil:
		slog.Warn("registro: confirmation e-mails not sent", "err", err)
	case errori > 0:
		slog.Warn("registro: some confirmation e-mails failed", "sent", inviate, "failed", errori)
	case inviate > 0:
		slog.Info("registro: confirmation e-mails sent", "sent", inviate)
	}
}

func configSMTP(c impostazioni.Casella) pec.ConfigSMTP {
	sic := pec.TLSImplicito
	switch c.SMTPSicurezza {
	case impostazioni.SicurezzaSTARTTLS:
		sic = pec.STARTTLS
	case impostazioni.SicurezzaNessuna:
		sic = pec.Nessuna
	}
	return pec.ConfigSMTP{Host: c.SMTPHost, Porta: c.SMTPPorta, Sicurezza: sic, Utente: c.Utente, Password: c.Password,
		CAPEM: []byte(c.CAPEM)}
}
