package sandbox

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// pecTLS trusts the sandbox's CA only.
func pecTLS(t testing.TB, sb *Sandbox) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(sb.PECCredentials().CAPEM)) {
		t.Fatal("CA PEM not readable")
	}
	return &tls.Config{RootCAs: pool}
}

func casellaDemo(t testing.TB, sb *Sandbox, addr string) CasellaPEC {
	t.Helper()
	for _, c := range sb.PECCredentials().Caselle {
		if c.Indirizzo == addr {
			return c
		}
	}
	t.Fatalf("no mailbox %s", addr)
	return CasellaPEC{}
}

const (
	protocollo = "protocollo@pec.comune-demo.it"
	tributi    = "ufficio.tributi@comune-demo.it"
	rossi      = "mario.rossi@pec.sandbox.it"
)

// smtpDial opens an authenticated SMTP session on the implicit-TLS port.
func smtpDial(t testing.TB, sb *Sandbox, user, password string) (*smtp.Client, error) {
	t.Helper()
	cr := sb.PECCredentials()
	conn, err := tls.Dial("tcp", net.JoinHostPort(cr.Host, strconv.Itoa(cr.SMTPPort)), pecTLS(t, sb))
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, cr.Host)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", user, password, cr.Host)); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// submit sends raw from the mailbox to rcpts over one new connection.
func submit(t testing.TB, sb *Sandbox, from CasellaPEC, rcpts []string, raw []byte) error {
	t.Helper()
	c, err := smtpDial(t, sb, from.Indirizzo, from.Password)
	if err != nil {
		return err
	}
	defer c.Close()
	return transact(c, from.Indirizzo, rcpts, raw)
}

func transact(c *smtp.Client, from string, rcpts []string, raw []byte) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// testMail builds a message as a mail client would.
type testMail struct {
	from, subject, msgID string
	to, cc               []string
	text                 string
	attach               []byte // a PDF, when not nil
	extra                string // more header lines, CRLF-terminated
}

func (m testMail) raw() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", m.from)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(m.to, ", "))
	if len(m.cc) > 0 {
		fmt.Fprintf(&b, "Cc: %s\r\n", strings.Join(m.cc, ", "))
	}
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("UTF-8", m.subject))
	if m.msgID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", m.msgID)
	}
	fmt.Fprintf(&b, "Date: %s\r\nMIME-Version: 1.0\r\n%s", time.Now().Format(time.RFC1123Z), m.extra)
	if m.attach == nil {
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", m.text)
		return b.Bytes()
	}
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n")
	fmt.Fprintf(&b, "Content-Type: text/plain; charset=UTF-8\r\n\r\n%s\r\n--b1\r\n", m.text)
	fmt.Fprintf(&b, "Content-Type: application/pdf; name=\"avviso.pdf\"\r\nContent-Disposition: attachment; filename=\"avviso.pdf\"\r\n")
	enc := base64.StdEncoding.EncodeToString(m.attach)
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	fmt.Fprintf(&b, "%s\r\n--b1--\r\n", enc)
	return b.Bytes()
}

// imapLogin opens an IMAP session on the implicit-TLS port.
func imapLogin(t testing.TB, sb *Sandbox, c CasellaPEC, opts *imapclient.Options) (*imapclient.Client, error) {
	t.Helper()
	cr := sb.PECCredentials()
	if opts == nil {
		opts = &imapclient.Options{}
	}
	opts.TLSConfig = pecTLS(t, sb)
	cl, err := imapclient.DialTLS(net.JoinHostPort(cr.Host, strconv.Itoa(cr.IMAPPort)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Login(c.Indirizzo, c.Password).Wait(); err != nil {
		cl.Close()
		return nil, err
	}
	return cl, nil
}

type fetched struct {
	uid uint32
	raw []byte
}

// inbox reads a mailbox's whole INBOX over IMAP.
func inbox(t testing.TB, sb *Sandbox, c CasellaPEC) (msgs []fetched, uidValidity uint32) {
	t.Helper()
	cl, err := imapLogin(t, sb, c, nil)
	if err != nil {
		t.Fatalf("login %s: %v", c.Indirizzo, err)
	}
	defer cl.Close()
	sel, err := cl.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages == 0 {
		return nil, sel.UIDValidity
	}
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := cl.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bufs {
		msgs = append(msgs, fetched{uid: uint32(b.UID), raw: b.FindBodySection(section)})
	}
	return msgs, sel.UIDValidity
}

// waitMessages waits until the mailbox holds n messages (the bound only
// keeps a broken build from hanging).
func waitMessages(t testing.TB, sb *Sandbox, addr string, n int) []MessaggioPEC {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		msgs, err := sb.MessaggiPEC(addr)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d messages, want %d", addr, len(msgs), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// parsed is a receipt taken apart.
type parsed struct {
	header    mail.Header
	text      string
	daticert  daticert
	xml       []byte
	postacert []byte
	signed    []byte // the signed content
	p7s       []byte
}

func parseReceipt(t testing.TB, raw []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var p parsed
	p.header = msg.Header
	ct, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/signed" || params["protocol"] != "application/pkcs7-signature" || params["micalg"] != "sha-256" {
		t.Fatalf("content type %q %v %v", ct, params, err)
	}
	body, _ := io.ReadAll(msg.Body)
	// The signed part is the bytes between the first delimiter line and
	// the CRLF before the next one (RFC 1847).
	delim := []byte("--" + params["boundary"])
	start := bytes.Index(body, append(append([]byte{}, delim...), '\r', '\n'))
	if start < 0 {
		t.Fatal("no first boundary")
	}
	start += len(delim) + 2
	end := bytes.Index(body[start:], append([]byte("\r\n"), delim...))
	if end < 0 {
		t.Fatal("no second boundary")
	}
	p.signed = body[start : start+end]

	parts := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	inner, err := parts.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	ict, iparams, _ := mime.ParseMediaType(inner.Header.Get("Content-Type"))
	if ict != "multipart/mixed" {
		t.Fatalf("inner %q", ict)
	}
	mixed := multipart.NewReader(inner, iparams["boundary"])
	for i := 0; ; i++ {
		part, err := mixed.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		pct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch {
		case i == 0 && pct == "text/plain":
			p.text = string(b) // multipart decodes quoted-printable
		case part.FileName() == "daticert.xml" && pct == "application/xml":
			if p.xml, err = base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(b), nil))); err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(p.xml, &p.daticert); err != nil {
				t.Fatalf("daticert: %v\n%s", err, p.xml)
			}
		case part.FileName() == "postacert.eml" && pct == "message/rfc822":
			p.postacert = b
		default:
			t.Fatalf("unexpected part %d %q %q", i, pct, part.FileName())
		}
	}
	sig, err := parts.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if sig.Header.Get("Content-Type") != `application/pkcs7-signature; name="smime.p7s"` {
		t.Fatalf("signature part %q", sig.Header.Get("Content-Type"))
	}
	b, _ := io.ReadAll(sig)
	if p.p7s, err = base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(b), nil))); err != nil {
		t.Fatal(err)
	}
	return p
}

// verifyCMS checks the detached signature over content: the message digest
// attribute, the ECDSA signature over the signed attributes and the
// signer's certificate chaining to the sandbox's CA.
func verifyCMS(p7s, content []byte, roots *x509.CertPool) error {
	var ci cmsContentInfo
	if rest, err := asn1.Unmarshal(p7s, &ci); err != nil || len(rest) > 0 {
		return fmt.Errorf("content info: %v", err)
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return errors.New("not signed data")
	}
	var sd cmsSignedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return fmt.Errorf("signed data: %v", err)
	}
	cert, err := x509.ParseCertificate(sd.Certificates.Bytes)
	if err != nil {
		return err
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}); err != nil {
		return err
	}
	if len(sd.SignerInfos) != 1 {
		return errors.New("signer infos")
	}
	si := sd.SignerInfos[0]
	if si.SID.Serial.Cmp(cert.SerialNumber) != 0 {
		return errors.New("signer is not the certificate")
	}
	var attrs []cmsAttribute
	if _, err := asn1.UnmarshalWithParams(si.SignedAttrs.FullBytes, &attrs, "set,tag:0"); err != nil {
		return fmt.Errorf("attributes: %v", err)
	}
	var digest []byte
	for _, a := range attrs {
		if a.Type.Equal(oidMessageDigest) {
			asn1.Unmarshal(a.Values.Bytes, &digest)
		}
	}
	want := sha256.Sum256(content)
	if !bytes.Equal(digest, want[:]) {
		return errors.New("message digest differs from the content's")
	}
	set := append([]byte{}, si.SignedAttrs.FullBytes...)
	set[0] = 0x31 // the signature covers the attributes as a SET
	h := sha256.Sum256(set)
	if !ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), h[:], si.Signature) {
		return errors.New("bad signature")
	}
	return nil
}
