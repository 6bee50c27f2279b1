package pec

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
	gmsmtp "github.com/wneessen/go-mail/smtp"
)

// Sicurezza is how a connection to the provider is protected.
type Sicurezza int

const (
	TLSImplicito Sicurezza = iota // TLS from the first byte (SMTP 465, IMAP 993)
	STARTTLS                      // plain, then STARTTLS (SMTP 587, IMAP 143)
	Nessuna                       // no TLS: only for tests on loopback
)

func (s Sicurezza) String() string {
	switch s {
	case TLSImplicito:
		return "TLS implicito"
	case STARTTLS:
		return "STARTTLS"
	case Nessuna:
		return "nessuna"
	}
	return "sicurezza " + strconv.Itoa(int(s))
}

// ConfigSMTP is how to reach the provider's submission server.
type ConfigSMTP struct {
	Host             string
	Porta            int
	Sicurezza        Sicurezza
	Utente, Password string
	// CAPEM are certificates trusted beside the system's (the sandbox's CA).
	CAPEM []byte
	// Timeout bounds connecting and each exchange; 0 means 30 seconds.
	Timeout time.Duration
}

const timeoutPredefinito = 30 * time.Second

// tlsConfig trusts the system roots plus caPEM.
func tlsConfig(host string, caPEM []byte) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("pec: certificati CA non leggibili (PEM atteso)")
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// Allegato is a file attached to a message.
type Allegato struct {
	Nome string
	Tipo string // MIME type; "" is application/octet-stream
	Dati []byte
}

// Messaggio is one message to send. MessageID (without <>) is the
// caller's: it stores it before sending and matches the receipts on it.
type Messaggio struct {
	MessageID    string
	Da, A        string
	Cc           []string // in copy, e.g. the sender's own mailbox
	Oggetto      string
	Testo        string
	Allegati     []Allegato
	Intestazioni map[string]string // extra headers, e.g. X-TipoRicevuta
}

var intestazioniRiservate = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Subject": true, "Message-Id": true,
	"Date": true, "Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
}

// NuovoMessageID returns a new, unique Message-ID (RFC 5322, without <>)
// in dominio, e.g. the sender's domain.
func NuovoMessageID(dominio string) string {
	dominio = strings.Trim(strings.TrimSpace(dominio), "<>@")
	if dominio == "" {
		dominio = "sportello.invalid"
	}
	var b [10]byte
	rand.Read(b[:])
	return fmt.Sprintf("sportello.%s.%s@%s", time.Now().UTC().Format("20060102150405"), hex.EncodeToString(b[:]), dominio)
}

func validoMessageID(id string) bool {
	local, domain, ok := strings.Cut(id, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(id, "<> \t\r\n\"()[]\\,;:") && !strings.Contains(domain, "@")
}

// componi checks m and turns it into a go-mail message.
func (m Messaggio) componi() (*mail.Msg, error) {
	if !validoMessageID(m.MessageID) {
		return nil, fmt.Errorf("pec: Message-ID %q non valido (atteso parte-locale@dominio, senza <>)", m.MessageID)
	}
	g := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := g.From(m.Da); err != nil {
		return nil, fmt.Errorf("pec: mittente %q non valido: %w", m.Da, err)
	}
	if err := g.To(m.A); err != nil {
		return nil, fmt.Errorf("pec: destinatario %q non valido: %w", m.A, err)
	}
	if len(m.Cc) > 0 {
		if err := g.Cc(m.Cc...); err != nil {
			return nil, fmt.Errorf("pec: destinatario in copia %v non valido: %w", m.Cc, err)
		}
	}
	g.Subject(m.Oggetto)
	g.SetMessageIDWithValue(m.MessageID)
	g.SetDate()
	g.SetUserAgent("Sportello")
	for k, v := range m.Intestazioni {
		k = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k))
		if k == "" || intestazioniRiservate[k] || strings.ContainsAny(k, ": \t\r\n") {
			return nil, fmt.Errorf("pec: intestazione %q non ammessa", k)
		}
		g.SetGenHeader(mail.Header(k), v)
	}
	g.SetBodyString(mail.TypeTextPlain, m.Testo)
	for _, a := range m.Allegati {
		tipo := a.Tipo
		if tipo == "" {
			tipo = "application/octet-stream"
		}
		if strings.TrimSpace(a.Nome) == "" {
			return nil, errors.New("pec: allegato senza nome")
		}
		g.AttachReadSeeker(a.Nome, bytes.NewReader(a.Dati), mail.WithFileContentType(mail.ContentType(tipo)))
	}
	return g, nil
}

// Fasi of a submission, in ErroreSMTP.Fase.
const (
	FaseConnessione    = "connessione"
	FaseAutenticazione = "autenticazione"
	FaseMittente       = "mittente"     // MAIL FROM
	FaseDestinatari    = "destinatari"  // RCPT TO
	FaseDati           = "dati"         // DATA, before the server's 354
	FaseTrasmissione   = "trasmissione" // after the 354: the message is being handed over
)

// ErroreSMTP is a failed submission.
type ErroreSMTP struct {
	Codice    int    // the server's reply code; 0 when there was no reply (network, timeout)
	Messaggio string // the server's text, or the network error's
	Fase      string
	// Temporaneo: the same message may succeed later (4xx, network);
	// false for 5xx, authentication and configuration errors.
	Temporaneo bool
	// Incerto: the connection failed after the message was handed over
	// (after DATA's 354) and before the server's answer: it may have been
	// accepted. Sending it again may deliver it twice; the receipts tell.
	Incerto bool
	err     error
}

func (e *ErroreSMTP) Unwrap() error { return e.err }

func (e *ErroreSMTP) Error() string {
	risposta := e.Messaggio
	if e.Codice > 0 {
		risposta = strconv.Itoa(e.Codice) + " " + e.Messaggio
	}
	switch {
	case e.Incerto:
		return "esito dell'invio incerto: la connessione si è interrotta dopo la trasmissione del messaggio (" + risposta +
			"); il messaggio potrebbe essere stato accettato, verificare le ricevute prima di inviarlo di nuovo"
	case e.Fase == FaseAutenticazione:
		return "accesso alla casella di posta rifiutato (" + risposta + "): controllare utente e password"
	case e.Codice == 0 && e.Fase == FaseConnessione:
		return "connessione al server di posta non riuscita: " + risposta
	case e.Codice == 0:
		return "la connessione al server di posta si è interrotta prima dell'invio del messaggio (" + risposta + "); il messaggio non è partito"
	case e.Temporaneo:
		return "il server di posta ha rifiutato temporaneamente il messaggio (" + risposta + "); si può riprovare più tardi"
	}
	return "il server di posta ha rifiutato il messaggio (" + risposta + ")"
}

// Temporaneo reports whether err is a failure that may pass: trying the
// same message again later makes sense (check Incerto first).
func Temporaneo(err error) bool {
	var es *ErroreSMTP
	if errors.As(err, &es) {
		return es.Temporaneo
	}
	var ei *ErroreIMAP
	if errors.As(err, &ei) {
		return ei.Temporaneo
	}
	return false
}

// Incerto reports whether err leaves unknown if the message was accepted.
func Incerto(err error) bool {
	var es *ErroreSMTP
	return errors.As(err, &es) && es.Incerto
}

// Mittente sends messages over one SMTP connection, reused across calls:
// dialed at the first message, dialed again after a failure, closed by
// Close. It is safe for concurrent use; messages go one at a time.
type Mittente struct {
	cfg    ConfigSMTP
	client *mail.Client

	mu          sync.Mutex
	conn        *gmsmtp.Client
	raw         net.Conn // under conn, to abort it
	connessioni int      // dialed so far (MisuraInvio)
}

// NuovoMittente checks cfg; nothing is dialed until the first message.
func NuovoMittente(cfg ConfigSMTP) (*Mittente, error) {
	if strings.TrimSpace(cfg.Host) == "" || cfg.Porta <= 0 || cfg.Porta > 65535 {
		return nil, fmt.Errorf("pec: server SMTP %q porta %d non valido", cfg.Host, cfg.Porta)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = timeoutPredefinito
	}
	tc, err := tlsConfig(cfg.Host, cfg.CAPEM)
	if err != nil {
		return nil, err
	}
	m := &Mittente{cfg: cfg}
	opts := []mail.Option{
		mail.WithPort(cfg.Porta), mail.WithTimeout(cfg.Timeout), mail.WithTLSConfig(tc),
		mail.WithDialContextFunc(m.dial), mail.WithHELO("sportello.local"),
	}
	switch cfg.Sicurezza {
	case STARTTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicito, Nessuna:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("pec: %v non prevista", cfg.Sicurezza)
	}
	if cfg.Utente != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(cfg.Utente), mail.WithPassword(cfg.Password))
	}
	if m.client, err = mail.NewClient(cfg.Host, opts...); err != nil {
		return nil, fmt.Errorf("pec: configurazione SMTP: %w", err)
	}
	return m, nil
}

// dial opens the TCP connection (and TLS, when implicit) for go-mail,
// keeping it so that a failed handshake or a cancelled call can close it.
func (m *Mittente) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: m.cfg.Timeout}
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if m.cfg.Sicurezza == TLSImplicito {
		tc, _ := tlsConfig(m.cfg.Host, m.cfg.CAPEM)
		t := tls.Client(c, tc)
		if err := t.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, err
		}
		c = t
	}
	m.raw = c
	return c, nil
}

// connect dials, greets, secures and authenticates; m.mu held.
func (m *Mittente) connect(ctx context.Context) error {
	m.connessioni++
	conn, err := m.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		m.drop()
		return classificaConnessione(ctx, err)
	}
	m.conn = conn
	return nil
}

// drop closes the connection without QUIT; m.mu held.
func (m *Mittente) drop() {
	if m.raw != nil {
		m.raw.Close()
	}
	m.conn, m.raw = nil, nil
}

// Invia sends msg. On failure the error is an *ErroreSMTP (or a check of
// msg's fields): see Temporaneo and Incerto. A connection found dead
// before anything was handed over is replaced once, transparently.
func (m *Mittente) Invia(ctx context.Context, msg Messaggio) error {
	g, err := msg.componi()
	if err != nil {
		return err
	}
	from, err := g.GetSender(false)
	if err != nil {
		return fmt.Errorf("pec: mittente: %w", err)
	}
	rcpts, err := g.GetRecipients()
	if err != nil {
		return fmt.Errorf("pec: destinatari: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for tentativo := 0; ; tentativo++ {
		if err := ctx.Err(); err != nil {
			return &ErroreSMTP{Messaggio: err.Error(), Fase: FaseConnessione, Temporaneo: true, err: err}
		}
		riuso := m.conn != nil
		if !riuso {
			if err := m.connect(ctx); err != nil {
				return err
			}
		}
		es := m.transazione(ctx, g, from, rcpts)
		if es == nil {
			return nil
		}
		if es.Codice == 0 || es.Codice == 421 {
			m.drop()
		}
		if riuso && tentativo == 0 && es.Codice == 0 && !es.Incerto && ctx.Err() == nil {
			continue // the reused connection had died: nothing left, try a new one
		}
		return es
	}
}

// transazione is MAIL, RCPT, DATA on the open connection; m.mu held.
func (m *Mittente) transazione(ctx context.Context, g *mail.Msg, from string, rcpts []string) *ErroreSMTP {
	raw := m.raw
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := m.conn.UpdateDeadline(m.cfg.Timeout); err != nil {
		return classifica(ctx, FaseMittente, err)
	}
	if err := m.conn.Mail(from); err != nil {
		return classifica(ctx, FaseMittente, err)
	}
	for _, r := range rcpts {
		if err := m.conn.Rcpt(r); err != nil {
			es := classifica(ctx, FaseDestinatari, err)
			if es.Codice != 0 {
				m.conn.Reset()
			}
			return es
		}
	}
	w, err := m.conn.Data()
	if err != nil {
		return classifica(ctx, FaseDati, err)
	}
	if _, err := g.WriteTo(w); err != nil {
		w.Close()
		return classifica(ctx, FaseTrasmissione, err)
	}
	if err := w.Close(); err != nil {
		return classifica(ctx, FaseTrasmissione, err)
	}
	return nil
}

// classifica turns an exchange's error into an ErroreSMTP.
func classifica(ctx context.Context, fase string, err error) *ErroreSMTP {
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		return &ErroreSMTP{Codice: tpe.Code, Messaggio: tpe.Msg, Fase: fase, Temporaneo: tpe.Code < 500, err: err}
	}
	if c := ctx.Err(); c != nil {
		err = errors.Join(c, err)
	}
	// No reply: before the DATA's 354 nothing was handed over; after it the
	// server may have taken the message and its answer got lost.
	return &ErroreSMTP{Messaggio: err.Error(), Fase: fase, Temporaneo: true, Incerto: fase == FaseTrasmissione, err: err}
}

// classificaConnessione classifies a failure to dial, secure or log in.
func classificaConnessione(ctx context.Context, err error) *ErroreSMTP {
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		fase := FaseConnessione
		if strings.Contains(err.Error(), "AUTH") || tpe.Code == 535 || tpe.Code == 534 || tpe.Code == 530 {
			fase = FaseAutenticazione
		}
		return &ErroreSMTP{Codice: tpe.Code, Messaggio: tpe.Msg, Fase: fase, Temporaneo: tpe.Code < 500, err: err}
	}
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	var rhe tls.RecordHeaderError
	switch {
	case errors.As(err, &cve), errors.As(err, &uae), errors.As(err, &hne):
		return &ErroreSMTP{Messaggio: "certificato del server non attendibile: " + err.Error(), Fase: FaseConnessione, err: err}
	case errors.As(err, &rhe):
		return &ErroreSMTP{Messaggio: "il server non parla TLS su questa porta (controllare la sicurezza: TLS implicito o STARTTLS)",
			Fase: FaseConnessione, err: err}
	case errors.Is(err, mail.ErrPlainAuthNotSupported), errors.Is(err, mail.ErrNoSupportedAuthDiscovered),
		strings.Contains(err.Error(), "unencrypted connection"), strings.Contains(err.Error(), "STARTTLS"):
		return &ErroreSMTP{Messaggio: err.Error(), Fase: FaseAutenticazione, err: err}
	}
	if c := ctx.Err(); c != nil {
		err = errors.Join(c, err)
	}
	return &ErroreSMTP{Messaggio: err.Error(), Fase: FaseConnessione, Temporaneo: true, err: err}
}

// Verifica connects and logs in without sending anything (or checks the
// open connection with NOOP); the connection stays for the next Invia.
func (m *Mittente) Verifica(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn != nil {
		raw := m.raw
		stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
		defer stop()
		m.conn.UpdateDeadline(m.cfg.Timeout)
		if err := m.conn.Noop(); err == nil {
			return nil
		}
		m.drop()
	}
	return m.connect(ctx)
}

// Close ends the connection politely (QUIT), if there is one.
func (m *Mittente) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn == nil {
		return nil
	}
	m.conn.UpdateDeadline(5 * time.Second)
	err := m.conn.Quit()
	m.drop()
	if err != nil {
		return fmt.Errorf("pec: chiusura della connessione SMTP: %w", err)
	}
	return nil
}
