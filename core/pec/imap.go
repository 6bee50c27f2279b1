package pec

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// ConfigIMAP is how to reach the provider's IMAP server.
type ConfigIMAP struct {
	Host             string
	Porta            int
	Sicurezza        Sicurezza
	Utente, Password string
	CAPEM            []byte // certificates trusted beside the system's
	// Timeout bounds connecting; 0 means 30 seconds.
	Timeout time.Duration
}

// MessaggioIMAP is a message of the INBOX, whole.
type MessaggioIMAP struct {
	UID uint32
	Raw []byte
}

// ErroreIMAP is a failure to read the mailbox.
type ErroreIMAP struct {
	Messaggio  string
	Temporaneo bool // false: wrong credentials or configuration
	err        error
}

func (e *ErroreIMAP) Error() string { return "lettura della casella PEC: " + e.Messaggio }
func (e *ErroreIMAP) Unwrap() error { return e.err }

// LottoPredefinito is how many messages Nuovi returns at most.
const LottoPredefinito = 100

// Lettore reads a mailbox's INBOX over one IMAP connection, dialed when
// first needed and again after it drops. Safe for concurrent use; calls
// run one at a time (Close interrupts a waiting Attendi).
type Lettore struct {
	cfg ConfigIMAP
	tls *tls.Config
	// Lotto is how many messages Nuovi returns at most; 0 means
	// LottoPredefinito.
	Lotto int

	mu       sync.Mutex
	c        *imapclient.Client
	validity uint32
	idle     bool // the server has IDLE
	segnale  chan struct{}
	chiuso   chan struct{}
	once     sync.Once
}

// NuovoLettore checks cfg; nothing is dialed until the first call.
func NuovoLettore(cfg ConfigIMAP) (*Lettore, error) {
	if strings.TrimSpace(cfg.Host) == "" || cfg.Porta <= 0 || cfg.Porta > 65535 {
		return nil, fmt.Errorf("pec: server IMAP %q porta %d non valido", cfg.Host, cfg.Porta)
	}
	if cfg.Sicurezza != TLSImplicito && cfg.Sicurezza != STARTTLS && cfg.Sicurezza != Nessuna {
		return nil, fmt.Errorf("pec: %v non prevista", cfg.Sicurezza)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = timeoutPredefinito
	}
	tc, err := tlsConfig(cfg.Host, cfg.CAPEM)
	if err != nil {
		return nil, err
	}
	return &Lettore{cfg: cfg, tls: tc, segnale: make(chan struct{}, 1), chiuso: make(chan struct{})}, nil
}

// connect logs in and selects INBOX; l.mu held.
func (l *Lettore) connect(ctx context.Context) error {
	select {
	case <-l.chiuso:
		return &ErroreIMAP{Messaggio: "lettore chiuso", err: net.ErrClosed}
	default:
	}
	opts := &imapclient.Options{
		TLSConfig: l.tls,
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					l.segnala()
				}
			},
		},
	}
	d := net.Dialer{Timeout: l.cfg.Timeout}
	addr := net.JoinHostPort(l.cfg.Host, strconv.Itoa(l.cfg.Porta))
	dctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return erroreRete(ctx, "connessione a "+addr, err)
	}
	// Until logged in, the whole exchange is bounded by the timeout.
	conn.SetDeadline(time.Now().Add(l.cfg.Timeout))
	stop := context.AfterFunc(dctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	var c *imapclient.Client
	switch l.cfg.Sicurezza {
	case TLSImplicito:
		t := tls.Client(conn, l.tls)
		if err := t.HandshakeContext(dctx); err != nil {
			conn.Close()
			return &ErroreIMAP{Messaggio: "TLS con " + addr + ": " + err.Error(), err: err}
		}
		c = imapclient.New(t, opts)
	case STARTTLS:
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			conn.Close()
			return &ErroreIMAP{Messaggio: "STARTTLS con " + addr + ": " + err.Error(), err: err}
		}
	default:
		c = imapclient.New(conn, opts)
	}
	if err := c.Login(l.cfg.Utente, l.cfg.Password).Wait(); err != nil {
		c.Close()
		var ie *imap.Error
		if errors.As(err, &ie) {
			return &ErroreIMAP{Messaggio: "accesso rifiutato (" + ie.Text + "): controllare utente e password", err: err}
		}
		return erroreRete(ctx, "accesso", err)
	}
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		c.Close()
		return erroreRete(ctx, "apertura di INBOX", err)
	}
	conn.SetDeadline(time.Time{}) // from now on imapclient keeps its own read deadlines
	l.c, l.validity, l.idle = c, sel.UIDValidity, c.Caps().Has(imap.CapIdle)
	return nil
}

func erroreRete(ctx context.Context, cosa string, err error) *ErroreIMAP {
	if c := ctx.Err(); c != nil {
		err = errors.Join(c, err)
	}
	var ie *imap.Error
	return &ErroreIMAP{Messaggio: cosa + ": " + err.Error(), Temporaneo: !errors.As(err, &ie), err: err}
}

func (l *Lettore) segnala() {
	select {
	case l.segnale <- struct{}{}:
	default:
	}
}

// drop closes the connection; l.mu held.
func (l *Lettore) drop() {
	if l.c != nil {
		l.c.Close()
		l.c = nil
	}
}

// Nuovi returns INBOX's messages with UID above dopoUID, oldest first, at
// most Lotto of them: call again from the last UID until none is left.
// When the mailbox's UIDVALIDITY is not uidValidity (and that is not 0)
// the UIDs were renumbered: all messages count as new. validity is the
// mailbox's, to keep with the last UID.
func (l *Lettore) Nuovi(ctx context.Context, dopoUID, uidValidity uint32) (msgs []MessaggioIMAP, validity uint32, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for tentativo := 0; ; tentativo++ {
		riuso := l.c != nil
		if !riuso {
			if err := l.connect(ctx); err != nil {
				return nil, 0, err
			}
		}
		msgs, err = l.nuovi(ctx, dopoUID, uidValidity)
		if err == nil {
			return msgs, l.validity, nil
		}
		l.drop()
		if !riuso || tentativo > 0 || ctx.Err() != nil {
			return nil, 0, err
		}
	}
}

// Verifica logs in and opens INBOX, reading nothing: «Verifica connessione».
func (l *Lettore) Verifica(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c != nil {
		return nil
	}
	return l.connect(ctx)
}

// nuovi reads on the open connection; l.mu held.
func (l *Lettore) nuovi(ctx context.Context, dopoUID, uidValidity uint32) ([]MessaggioIMAP, error) {
	c := l.c
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	select {
	case <-l.segnale: // what it announced is read now
	default:
	}
	if uidValidity != 0 && uidValidity != l.validity {
		dopoUID = 0
	}
	// UID n:* always matches the last message, even below n: filter.
	set := imap.UIDSet{imap.UIDRange{Start: imap.UID(dopoUID + 1), Stop: 0}}
	list, err := c.Fetch(set, &imap.FetchOptions{UID: true}).Collect()
	if err != nil {
		return nil, erroreRete(ctx, "elenco dei messaggi", err)
	}
	var uids []imap.UID
	for _, m := range list {
		if uint32(m.UID) > dopoUID {
			uids = append(uids, m.UID)
		}
	}
	if len(uids) == 0 {
		return nil, nil
	}
	slices.Sort(uids)
	lotto := l.Lotto
	if lotto <= 0 {
		lotto = LottoPredefinito
	}
	uids = uids[:min(len(uids), lotto)]
	section := &imap.FetchItemBodySection{Peek: true} // the clerk's webmail keeps them unread
	bufs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, erroreRete(ctx, "lettura dei messaggi", err)
	}
	out := make([]MessaggioIMAP, 0, len(bufs))
	for _, b := range bufs {
		out = append(out, MessaggioIMAP{UID: uint32(b.UID), Raw: b.FindBodySection(section)})
	}
	slices.SortFunc(out, func(a, b MessaggioIMAP) int { return int(int64(a.UID) - int64(b.UID)) })
	return out, nil
}

// Attendi waits up to max for new messages: with IDLE when the server has
// it, else it sleeps max and asks. nuovi reports that the mailbox changed
// (call Nuovi); after a dropped connection it reconnects and reports true,
// since messages may have arrived meanwhile.
func (l *Lettore) Attendi(ctx context.Context, max time.Duration) (nuovi bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c == nil {
		if err := l.connect(ctx); err != nil {
			return false, err
		}
	}
	select {
	case <-l.segnale:
		return true, nil
	default:
	}
	timer := time.NewTimer(max)
	defer timer.Stop()
	if !l.idle {
		select {
		case <-timer.C:
		case <-ctx.Done():
			return false, ctx.Err()
		case <-l.chiuso:
			return false, nil
		}
		if err := l.c.Noop().Wait(); err != nil {
			l.drop()
			return l.riconnetti(ctx)
		}
		select {
		case <-l.segnale:
			return true, nil
		default:
			return false, nil
		}
	}
	// Some servers announce in IDLE only what arrives after it starts: ask first.
	if err := l.c.Noop().Wait(); err != nil {
		l.drop()
		return l.riconnetti(ctx)
	}
	select {
	case <-l.segnale:
		return true, nil
	default:
	}
	cmd, err := l.c.Idle()
	if err != nil {
		l.drop()
		return l.riconnetti(ctx)
	}
	caduta := false
	select {
	case <-l.segnale:
		nuovi = true
	case <-timer.C:
	case <-ctx.Done():
		err = ctx.Err()
	case <-l.chiuso:
	case <-l.c.Closed():
		caduta = true
	}
	if caduta {
		l.drop()
		return l.riconnetti(ctx)
	}
	if cerr := cmd.Close(); cerr != nil {
		l.drop()
		if err != nil {
			return false, err
		}
		return l.riconnetti(ctx)
	}
	if err := cmd.Wait(); err != nil {
		l.drop()
		return l.riconnetti(ctx)
	}
	select {
	case <-l.segnale: // arrived while stopping IDLE
		nuovi = true
	default:
	}
	return nuovi, err
}

// riconnetti follows a dropped connection; l.mu held.
func (l *Lettore) riconnetti(ctx context.Context) (bool, error) {
	if err := l.connect(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// Close logs out and closes the connection; a waiting Attendi returns.
func (l *Lettore) Close() error {
	l.once.Do(func() { close(l.chiuso) })
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c == nil {
		return nil
	}
	err := l.c.Logout().Wait()
	l.drop()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("pec: chiusura della connessione IMAP: %w", err)
	}
	return nil
}
