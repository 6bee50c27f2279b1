package impostazioni

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// Kinds of outgoing mailbox.
const (
	CasellaPEC   = "PEC"
	CasellaEmail = "EMAIL"
)

// Connection security of a mail server.
const (
	SicurezzaTLS      = "TLS"      // implicit TLS (SMTP 465, IMAP 993)
	SicurezzaSTARTTLS = "STARTTLS" // plain, then upgraded (SMTP 587)
	SicurezzaNessuna  = "NESSUNA"  // only for a server on this computer
)

// Casella is an outgoing mailbox: where notices are sent from and, for a
// PEC mailbox, where its receipts are read.
type Casella struct {
	store.CasellaPosta
	Password    string // from the secret store
	Configurata bool   // an address, a server and a password
}

func secretCasella(tipo string) string { return "posta/" + strings.ToLower(tipo) }

// Casella reads a mailbox's configuration and password; an unconfigured
// one comes back with Configurata false.
func (s *Service) Casella(ctx context.Context, tipo string) (Casella, error) {
	c, err := s.DB.CasellaPosta(ctx, tipo)
	if errors.Is(err, store.ErrNotFound) {
		return Casella{CasellaPosta: store.CasellaPosta{Tipo: tipo}}, nil
	}
	if err != nil {
		return Casella{}, err
	}
	pw, err := s.Secrets.Get(secretCasella(tipo))
	if err != nil {
		pw = ""
	}
	return Casella{CasellaPosta: c, Password: pw, Configurata: pw != "" && c.SMTPHost != ""}, nil
}

// SalvaCasella stores a mailbox's configuration and, when given, a new
// password (to the secret store, never the database); administrator only.
func (s *Service) SalvaCasella(ctx context.Context, by operatori.Operatore, c store.CasellaPosta, password string) error {
	if !by.Ruolo.Almeno(operatori.RuoloAmministratore) {
		return operatori.ErrNonAutorizzato
	}
	if err := validaCasella(&c); err != nil {
		return err
	}
	return s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if err := tx.SaveCasellaPosta(ctx, c); err != nil {
			return err
		}
		if password == "" {
			return nil
		}
		if err := tx.Audit(ctx, "casella_posta", c.Tipo, store.Modifica,
			[]store.FieldChange{{Field: "password", Before: "(riservata)", After: "(sostituita)"}}); err != nil {
			return err
		}
		return s.Secrets.Set(secretCasella(c.Tipo), password)
	})
}

func validaCasella(c *store.CasellaPosta) error {
	c.Indirizzo = strings.ToLower(strings.TrimSpace(c.Indirizzo))
	c.Utente = strings.TrimSpace(c.Utente)
	c.SMTPHost, c.IMAPHost = strings.TrimSpace(c.SMTPHost), strings.TrimSpace(c.IMAPHost)
	if c.Utente == "" {
		c.Utente = c.Indirizzo
	}
	var errs []error
	if c.Tipo != CasellaPEC && c.Tipo != CasellaEmail {
		errs = append(errs, ErrValidazione{Campo: "Tipo casella", Motivo: "PEC o EMAIL"})
	}
	if err := anagrafe.ValidaEmail(c.Indirizzo); err != nil {
		errs = append(errs, ErrValidazione{Campo: "Indirizzo", Motivo: err.Error()})
	}
	if c.SMTPHost == "" || c.SMTPPorta <= 0 || c.SMTPPorta > 65535 {
		errs = append(errs, ErrValidazione{Campo: "Server SMTP", Motivo: "indicare nome e porta (es. smtps.pec.aruba.it:465)"})
	}
	if !sicurezzaValida(c.SMTPSicurezza) {
		errs = append(errs, ErrValidazione{Campo: "Sicurezza SMTP", Motivo: "TLS, STARTTLS o NESSUNA"})
	}
	if c.Tipo == CasellaPEC {
		if c.IMAPHost == "" || c.IMAPPorta <= 0 || c.IMAPPorta > 65535 {
			errs = append(errs, ErrValidazione{Campo: "Server IMAP", Motivo: "per leggere le ricevute PEC indicare nome e porta (es. imaps.pec.aruba.it:993)"})
		}
		if !sicurezzaValida(c.IMAPSicurezza) {
			errs = append(errs, ErrValidazione{Campo: "Sicurezza IMAP", Motivo: "TLS, STARTTLS o NESSUNA"})
		}
	}
	if c.CAPEM != "" {
		if b, _ := pem.Decode([]byte(c.CAPEM)); b == nil {
			errs = append(errs, ErrValidazione{Campo: "Certificato", Motivo: "non è un certificato PEM"})
		} else if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			errs = append(errs, ErrValidazione{Campo: "Certificato", Motivo: "certificato non leggibile: " + err.Error()})
		}
	}
	return errors.Join(errs...)
}

func sicurezzaValida(s string) bool {
	return s == SicurezzaTLS || s == SicurezzaSTARTTLS || s == SicurezzaNessuna
}
