package sandbox

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	netmail "net/mail"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // subjects and texts in ISO-8859-x, Windows-125x
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func tlsListener(l net.Listener, p *pecPKI) net.Listener { return tls.NewListener(l, p.tls) }

// smtpSession is one SMTP connection to the submission server.
type smtpSession struct {
	p      *pecSystem
	conn   *smtp.Conn
	utente *casella // after AUTH
	rcpts  []string
}

var (
	errSMTPAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errSMTPTemporary    = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem, please try again later"}
	errSMTPRejected     = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Transaction failed: message rejected"}
	errSMTPDropped      = errors.New("connection dropped by an injected fault")
)

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && !strings.EqualFold(identity, username) {
			return smtp.ErrAuthFailed
		}
		c := s.p.authenticate(username, password)
		if c == nil {
			return smtp.ErrAuthFailed
		}
		s.utente = c
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.utente == nil {
		return errSMTPAuthRequired
	}
	if !strings.EqualFold(from, s.utente.Indirizzo) {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: fmt.Sprintf("Sender address rejected: not owned by user %s", s.utente.Indirizzo)}
	}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.utente == nil {
		return errSMTPAuthRequired
	}
	if _, _, ok := splitAddress(to); !ok {
		return &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	plan := s.p.faults.next()
	if plan.fault != "" {
		s.p.count(func(st *PECStats) { st.Guasti[string(plan.fault)]++ })
		s.p.log.Debug("fault injected", "kind", plan.fault, "user", s.utente.Indirizzo)
	}
	if plan.fault == PECFaultDrop {
		io.CopyN(io.Discard, r, 512)
		s.drop()
		return errSMTPDropped
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if plan.latency > 0 {
		time.Sleep(plan.latency)
	}
	switch plan.fault {
	case PECFault451:
		return errSMTPTemporary
	case PECFault554:
		return errSMTPRejected
	}
	if err := s.p.accept(s.utente, append([]string(nil), s.rcpts...), raw); err != nil {
		s.p.log.Error("message not processed", "user", s.utente.Indirizzo, "err", err)
		return errSMTPTemporary
	}
	if plan.fault == PECFaultDropAfter {
		s.drop()
		return errSMTPDropped
	}
	return nil
}

// drop closes the TCP connection with a reset, as a broken link would.
func (s *smtpSession) drop() {
	conn := s.conn.Conn()
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func (s *smtpSession) Reset()        { s.rcpts = nil }
func (s *smtpSession) Logout() error { return nil }

// invio is what the provider reads of a submitted message.
type invio struct {
	msgID        string // without <>
	oggetto      string
	da           []string
	to, cc       string // raw header values
	destinatari  map[string]bool
	bcc          bool
	risposte     string
	tipoRicevuta string
	allegati     []string // SHA-256 of each attachment, sorted
	testo        string   // SHA-256 of the first text part
	illeggibile  bool
}

func parseInvio(raw []byte) *invio {
	inv := &invio{tipoRicevuta: "completa", destinatari: map[string]bool{}}
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		inv.illeggibile = true
		return inv
	}
	_ = err // unknown charsets and encodings still give a readable entity
	h := mail.Header{Header: e.Header}
	if id, err := h.MessageID(); err == nil {
		inv.msgID = id
	} else if v := strings.TrimSpace(h.Get("Message-Id")); v != "" {
		inv.msgID = strings.Trim(v, "<>")
	}
	inv.oggetto, _ = h.Subject()
	inv.oggetto = strings.Join(strings.Fields(inv.oggetto), " ")
	for _, a := range addressList(h, "From") {
		inv.da = append(inv.da, a)
	}
	inv.to, inv.cc = h.Get("To"), h.Get("Cc")
	for _, k := range []string{"To", "Cc"} {
		for _, a := range addressList(h, k) {
			inv.destinatari[a] = true
		}
	}
	inv.bcc = h.Has("Bcc")
	if rt := addressList(h, "Reply-To"); len(rt) > 0 {
		inv.risposte = rt[0]
	}
	switch t := strings.ToLower(strings.TrimSpace(h.Get("X-TipoRicevuta"))); t {
	case "breve", "sintetica":
		inv.tipoRicevuta = t
	}
	e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) {
			return nil
		}
		ct, _, _ := part.Header.ContentType()
		if strings.HasPrefix(ct, "multipart/") {
			return nil
		}
		disp, params, _ := part.Header.ContentDisposition()
		_, ctParams, _ := part.Header.ContentType()
		name := params["filename"]
		if name == "" {
			name = ctParams["name"]
		}
		if disp != "attachment" && name == "" && inv.testo == "" && (ct == "text/plain" || ct == "text/html" || ct == "") {
			inv.testo = hashReader(part.Body)
			return nil
		}
		if disp == "attachment" || name != "" {
			inv.allegati = append(inv.allegati, hashReader(part.Body))
		}
		return nil
	})
	sort.Strings(inv.allegati)
	return inv
}

func addressList(h mail.Header, key string) []string {
	list, err := h.AddressList(key)
	if err != nil {
		// Lenient fallback for what net/mail reads and go-message does not.
		if l, err2 := netmail.ParseAddressList(h.Get(key)); err2 == nil {
			var out []string
			for _, a := range l {
				out = append(out, strings.ToLower(a.Address))
			}
			return out
		}
		return nil
	}
	var out []string
	for _, a := range list {
		out = append(out, strings.ToLower(a.Address))
	}
	return out
}

func hashReader(r io.Reader) string {
	h := sha256.New()
	io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil))
}

// difetti are the formal errors a PEC provider refuses a message for (avviso
// di non accettazione).
func (inv *invio) difetti(mittente string, rcpts []string) []string {
	var out []string
	switch {
	case inv.illeggibile:
		return []string{"messaggio non conforme allo standard RFC 5322"}
	case inv.msgID == "":
		out = append(out, "intestazione Message-ID mancante")
	}
	if len(inv.da) != 1 || inv.da[0] != mittente {
		out = append(out, fmt.Sprintf("il mittente (From) non corrisponde alla casella %s", mittente))
	}
	if inv.bcc {
		out = append(out, "destinatari in copia nascosta (Bcc) non ammessi")
	}
	for _, r := range rcpts {
		if !inv.destinatari[r] {
			out = append(out, fmt.Sprintf("il destinatario %s non è tra i destinatari (To, Cc) del messaggio", r))
		}
	}
	return out
}

// chiave is the message's fingerprint for one recipient, for the
// duplicate count: subject and attachments, or the text when there are none.
func (inv *invio) chiave(rcpt string) string {
	if len(inv.allegati) > 0 {
		return contentKey(rcpt, inv.oggetto, inv.allegati)
	}
	return contentKey(rcpt, inv.oggetto, []string{"testo:" + inv.testo})
}

// imapSession is one IMAP connection: the in-memory server's session, with
// the mailbox's own UIDVALIDITY and an INBOX only the provider writes to.
type imapSession struct {
	*imapmemserver.UserSession
	p       *pecSystem
	conn    *imapserver.Conn
	casella *casella
}

func (s *imapSession) Login(username, password string) error {
	c := s.p.authenticate(username, password)
	if c == nil {
		return imapserver.ErrAuthFailed
	}
	c.mu.Lock()
	s.UserSession = imapmemserver.NewUserSession(c.user)
	c.sessioni[s] = struct{}{}
	c.mu.Unlock()
	s.casella = c
	return nil
}

func (s *imapSession) Close() error {
	if c := s.casella; c != nil {
		c.mu.Lock()
		delete(c.sessioni, s)
		c.mu.Unlock()
	}
	return s.UserSession.Close()
}

// Idle first sends what was queued before it (the in-memory server only
// wakes up for updates that come during IDLE).
func (s *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if err := s.UserSession.Poll(w, true); err != nil {
		return err
	}
	return s.UserSession.Idle(w, stop)
}

func (s *imapSession) uidValidity() uint32 {
	s.casella.mu.Lock()
	defer s.casella.mu.Unlock()
	return s.casella.uidValidity
}

func (s *imapSession) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := s.UserSession.Select(name, options)
	if err == nil && strings.EqualFold(name, "INBOX") {
		data.UIDValidity = s.uidValidity()
	}
	return data, err
}

func (s *imapSession) Status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	data, err := s.UserSession.Status(name, options)
	if err == nil && strings.EqualFold(name, "INBOX") && data.UIDValidity != 0 {
		data.UIDValidity = s.uidValidity()
	}
	return data, err
}

var errINBOXReadOnly = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot,
	Text: "INBOX receives only the provider's deliveries"}

func (s *imapSession) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	if strings.EqualFold(mailbox, "INBOX") {
		return nil, errINBOXReadOnly
	}
	return s.UserSession.Append(mailbox, r, options)
}

func (s *imapSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	if strings.EqualFold(dest, "INBOX") {
		return nil, errINBOXReadOnly
	}
	return s.UserSession.Copy(numSet, dest)
}

func (s *imapSession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	if strings.EqualFold(dest, "INBOX") {
		return errINBOXReadOnly
	}
	return s.UserSession.Move(w, numSet, dest)
}
