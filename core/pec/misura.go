package pec

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"
)

// Misura is the outcome of MisuraInvio.
type Misura struct {
	Messaggi    int
	Connessioni int // SMTP connections opened
	Durata      time.Duration
}

// MessaggiAlSecondo is the throughput measured.
func (m Misura) MessaggiAlSecondo() float64 {
	if m.Durata <= 0 {
		return 0
	}
	return float64(m.Messaggi) / m.Durata.Seconds()
}

func (m Misura) String() string {
	return fmt.Sprintf("%d messaggi in %s su %d connessioni: %.1f messaggi/s",
		m.Messaggi, m.Durata.Round(time.Millisecond), m.Connessioni, m.MessaggiAlSecondo())
}

// MisuraInvio sends n messages from cfg.Utente to a, each with allegato as
// a PDF, over one reused connection (riuso) or one connection per message,
// and measures the throughput. The first failure stops it. The messages
// ask for the short delivery receipt (sintetica), as bulk sends should, so
// the mailbox does not fill up with a copy of every notice.
func MisuraInvio(ctx context.Context, cfg ConfigSMTP, a string, n int, riuso bool, allegato []byte) (Misura, error) {
	dominio := cfg.Utente[strings.LastIndexByte(cfg.Utente, '@')+1:]
	var lotto [4]byte
	rand.Read(lotto[:]) // each run its own notices: the same notice twice is a duplicate
	msg := func(i int) Messaggio {
		return Messaggio{
			MessageID: NuovoMessageID(dominio), Da: cfg.Utente, A: a,
			Oggetto:      fmt.Sprintf("Avviso di pagamento %x/%06d", lotto, i+1),
			Testo:        "Gentile contribuente,\nin allegato l'avviso di pagamento.\n\nUfficio Tributi",
			Allegati:     []Allegato{{Nome: fmt.Sprintf("avviso-%06d.pdf", i+1), Tipo: "application/pdf", Dati: allegato}},
			Intestazioni: map[string]string{"X-TipoRicevuta": "sintetica"},
		}
	}
	var m Misura
	start := time.Now()
	var mt *Mittente
	chiudi := func() error {
		if mt == nil {
			return nil
		}
		m.Connessioni += mt.connessioni
		err := mt.Close()
		mt = nil
		return err
	}
	defer chiudi()
	for i := range n {
		if mt == nil || !riuso {
			if err := chiudi(); err != nil {
				return m, err
			}
			var err error
			if mt, err = NuovoMittente(cfg); err != nil {
				return m, err
			}
		}
		if err := mt.Invia(ctx, msg(i)); err != nil {
			m.Durata = time.Since(start)
			return m, fmt.Errorf("messaggio %d: %w", i+1, err)
		}
		m.Messaggi++
	}
	err := chiudi()
	m.Durata = time.Since(start)
	return m, err
}
