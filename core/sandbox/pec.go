package sandbox

import (
	"bufio"
	"bytes"
	"container/heap"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// CasellaPEC is a mailbox of the simulated PEC provider.
type CasellaPEC struct {
	Indirizzo string `json:"indirizzo"`
	Password  string `json:"password"`
	// PEC marks a certified mailbox (receipts, envelopes); false is an
	// ordinary e-mail mailbox on the same server, which gets no receipts.
	PEC bool `json:"pec"`
}

// DemoPEC are the default mailboxes: the ente's PEC, an ordinary office
// mailbox of the ente and a citizen's PEC; passwords derive from seed.
func DemoPEC(seed int64) []CasellaPEC {
	mk := func(addr string, pec bool) CasellaPEC {
		return CasellaPEC{Indirizzo: addr, Password: demoKey(seed, "pec", addr), PEC: pec}
	}
	return []CasellaPEC{
		mk("protocollo@pec.comune-demo.it", true),
		mk("ufficio.tributi@comune-demo.it", false),
		mk("mario.rossi@pec.sandbox.it", true),
	}
}

// PECPorts fixes the PEC listeners' ports; 0 picks a free one.
type PECPorts struct {
	SMTPS      int // SMTP submission with implicit TLS (like 465)
	Submission int // SMTP submission with STARTTLS (like 587)
	IMAPS      int // IMAP with implicit TLS (like 993)
}

// PEC is how a client reaches the simulated PEC provider.
type PEC struct {
	Host           string       `json:"host"`
	SMTPPort       int          `json:"smtp_port"`       // implicit TLS
	SubmissionPort int          `json:"submission_port"` // STARTTLS
	IMAPPort       int          `json:"imap_port"`       // implicit TLS
	CAPEM          string       `json:"ca_pem"`          // the CA of both servers' certificates
	Caselle        []CasellaPEC `json:"caselle"`
}

// PECRules describes what the simulated provider does with a message sent
// from a PEC mailbox, per recipient; the sandbox's home page shows it.
const PECRules = `Regole di consegna della PEC simulata, per destinatario di un messaggio da una casella PEC:
  - casella della sandbox: busta "POSTA CERTIFICATA:" nella sua INBOX; se è una casella PEC, ricevuta
    di avvenuta consegna al mittente dopo il ritardo di elaborazione (casella ordinaria: nessuna ricevuta);
  - dominio non PEC (senza "pec." né "legalmail"): destinatario esterno, solo la ricevuta di accettazione;
  - dominio PEC che contiene "inesistente" (es. pec.inesistente.it): avviso di mancata consegna, no-dominio;
  - indirizzo PEC il cui nome inizia con "inesistente" o "errore": avviso di mancata consegna, no-dest;
  - indirizzo PEC il cui nome inizia con "silenzio", e la quota "silenzio=" dei guasti (--faults):
    nessuna ricevuta di consegna, mai (il caso della scadenza dei termini);
  - ogni altro indirizzo PEC: ricevuta di avvenuta consegna (completa, con postacert.eml, salvo
    X-TipoRicevuta: breve o sintetica).
Un messaggio senza Message-ID, con From diverso dalla casella autenticata o con destinatari fuori da
To/Cc (Ccn) riceve un avviso di non accettazione. Le caselle ordinarie inviano senza ricevute.`

// MessaggioPEC is a message in a sandbox mailbox's INBOX.
type MessaggioPEC struct {
	UID         uint32    `json:"uid"`
	Data        time.Time `json:"data"`
	Oggetto     string    `json:"oggetto"`
	Ricevuta    string    `json:"ricevuta,omitempty"`    // X-Ricevuta
	Trasporto   string    `json:"trasporto,omitempty"`   // X-Trasporto
	Riferimento string    `json:"riferimento,omitempty"` // X-Riferimento-Message-ID, without <>
	Raw         []byte    `json:"-"`
}

// PECStats are what the simulated provider received and produced.
type PECStats struct {
	// Inviati are the submissions accepted by SMTP (250), from PEC and
	// ordinary mailboxes, those answered with a non-accettazione included.
	Inviati      int `json:"inviati"`
	NonAccettati int `json:"non_accettati"`
	// DuplicatiMessageID counts submissions of a Message-ID the same
	// mailbox had already submitted.
	DuplicatiMessageID int `json:"duplicati_message_id"`
	// Duplicati counts, per recipient, messages with the same subject and
	// attachments (SHA-256; the text when there are none) as one already
	// sent to that recipient: e-mails a citizen would get twice.
	Duplicati int `json:"duplicati"`
	// Ricevute put in mailboxes, by X-Ricevuta; Buste are the envelopes.
	Ricevute    map[string]int `json:"ricevute"`
	Buste       int            `json:"buste"`
	InAttesa    int            `json:"in_attesa"` // receipts scheduled, not yet delivered
	AuthFallite int            `json:"auth_fallite"`
	// Guasti injected by kind ("451", "554", "drop", "drop:after").
	Guasti map[string]int `json:"guasti"`
}

type pecSystem struct {
	sb      *Sandbox
	log     *slog.Logger
	pki     *pecPKI
	caselle map[string]*casella // by lower-case address
	ordine  []*casella
	faults  *pecFaultInjector
	journal *journal
	boot    int64

	host                          string
	smtpSrv                       *smtp.Server
	imapSrv                       *imapserver.Server
	lnSMTPS, lnSubmission, lnIMAP net.Listener

	// mu guards the submission counters, the schedule and the duplicate
	// indexes. Lock order: mu, then a casella's mu, then smu.
	mu        sync.Mutex
	seq       uint64
	pending   pecQueue
	nextID    uint64
	msgIDs    map[string]int // mailbox + Message-ID → submissions
	contenuti map[string]int // recipient + content fingerprint → submissions

	smu sync.Mutex
	st  PECStats

	wake       chan struct{}
	stop       chan struct{}
	stopped    chan struct{}
	scheduling bool // schedule runs, stopped will close
}

type casella struct {
	CasellaPEC
	mu          sync.Mutex
	user        *imapmemserver.User
	uidValidity uint32
	messaggi    []MessaggioPEC
	sessioni    map[*imapSession]struct{} // logged in over IMAP
}

// pecRecord is one line of the PEC journal.
type pecRecord struct {
	// Op: "casella" (a mailbox's INBOX starts anew, with UIDValidity),
	// "messaggio" (Raw delivered into Casella at T), "pianificato" (Raw
	// due for Casella at T, ID), "eseguito" (ID delivered), "invio" (a
	// submission by Casella: MsgID, Chiavi, Seq, NonAccettato).
	Op           string    `json:"op"`
	Casella      string    `json:"casella,omitempty"`
	UIDValidity  uint32    `json:"uidvalidity,omitempty"`
	ID           uint64    `json:"id,omitempty"`
	T            time.Time `json:"t,omitzero"`
	Raw          []byte    `json:"raw,omitempty"`
	MsgID        string    `json:"msgid,omitempty"`
	Chiavi       []string  `json:"chiavi,omitempty"`
	Seq          uint64    `json:"seq,omitempty"`
	NonAccettato bool      `json:"non_accettato,omitempty"`
}

// pecPending is a receipt waiting for its time.
type pecPending struct {
	id      uint64
	due     time.Time
	casella string
	raw     []byte
}

type pecQueue []*pecPending

func (q pecQueue) Len() int { return len(q) }
func (q pecQueue) Less(i, j int) bool {
	if !q[i].due.Equal(q[j].due) {
		return q[i].due.Before(q[j].due)
	}
	return q[i].id < q[j].id
}
func (q pecQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *pecQueue) Push(x any)   { *q = append(*q, x.(*pecPending)) }
func (q *pecQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func normalizeCaselle(seed int64, in []CasellaPEC) ([]CasellaPEC, error) {
	if in == nil {
		return DemoPEC(seed), nil
	}
	seen := map[string]bool{}
	out := make([]CasellaPEC, len(in))
	for i, c := range in {
		addr := strings.ToLower(strings.TrimSpace(c.Indirizzo))
		if _, _, ok := splitAddress(addr); !ok {
			return nil, fmt.Errorf("sandbox: casella PEC %q: indirizzo non valido", c.Indirizzo)
		}
		if seen[addr] {
			return nil, fmt.Errorf("sandbox: casella PEC %q ripetuta", c.Indirizzo)
		}
		if c.Password == "" {
			return nil, fmt.Errorf("sandbox: casella PEC %q senza password", c.Indirizzo)
		}
		seen[addr] = true
		c.Indirizzo = addr
		out[i] = c
	}
	return out, nil
}

// splitAddress splits a bare address into local part and domain.
func splitAddress(addr string) (local, domain string, ok bool) {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || strings.ContainsAny(addr, " <>\t\r\n") {
		return "", "", false
	}
	return addr[:at], addr[at+1:], true
}

// newPECSystem starts the SMTP and IMAP servers on host.
func newPECSystem(sb *Sandbox, host string) (_ *pecSystem, err error) {
	caselle, err := normalizeCaselle(sb.cfg.Seed, sb.cfg.PEC)
	if err != nil {
		return nil, err
	}
	sb.cfg.PEC = caselle
	p := &pecSystem{
		sb: sb, log: sb.log.With("system", "pec"), caselle: map[string]*casella{}, host: host,
		faults: newPECFaultInjector(sb.cfg.Faults, sb.cfg.Seed),
		wake:   make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{}),
	}
	b, _ := rand.Int(rand.Reader, big.NewInt(90000))
	p.boot = 10000 + b.Int64()
	p.clear()
	if p.pki, err = newPECPKI(sb.cfg.StateDir, []string{host}, sb.now()); err != nil {
		return nil, err
	}
	for _, c := range caselle {
		cs := &casella{CasellaPEC: c, sessioni: map[*imapSession]struct{}{}}
		p.caselle[c.Indirizzo] = cs
		p.ordine = append(p.ordine, cs)
	}
	defer func() {
		if err != nil {
			p.close()
		}
	}()
	if err := p.restore(); err != nil {
		return nil, err
	}
	p.scheduling = true
	go p.schedule()
	if err := p.listen(sb.cfg.PECPorts); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *pecSystem) clear() {
	p.pending = nil
	p.msgIDs, p.contenuti = map[string]int{}, map[string]int{}
	p.smu.Lock()
	p.st = PECStats{Ricevute: map[string]int{}, Guasti: map[string]int{}}
	p.smu.Unlock()
}

// restore replays the journal (with a state directory) and gives every
// mailbox its INBOX.
func (p *pecSystem) restore() error {
	epochs := map[string]uint32{}
	if p.sb.cfg.StateDir != "" {
		j, err := openJournal(p.sb.cfg.StateDir, "pec.jsonl")
		if err != nil {
			return err
		}
		p.journal = j
		pending := map[uint64]*pecPending{}
		err = j.replay(func(line []byte) error {
			var r pecRecord
			if err := json.Unmarshal(line, &r); err != nil {
				return err
			}
			c := p.caselle[r.Casella]
			switch r.Op {
			case "casella":
				if c != nil {
					epochs[r.Casella] = r.UIDValidity
					p.newInbox(c, r.UIDValidity)
				}
			case "messaggio":
				if c != nil {
					if c.user == nil {
						return fmt.Errorf("message for %s before its mailbox", r.Casella)
					}
					p.deliverLocked(c, r.T, r.Raw)
				}
			case "pianificato":
				pending[r.ID] = &pecPending{id: r.ID, due: r.T, casella: r.Casella, raw: r.Raw}
				p.nextID = max(p.nextID, r.ID)
			case "eseguito":
				delete(pending, r.ID)
			case "invio":
				p.seq = max(p.seq, r.Seq)
				p.countSubmission(r.Casella, r.MsgID, r.Chiavi, r.NonAccettato)
			default:
				return fmt.Errorf("unknown op %q", r.Op)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, it := range pending {
			heap.Push(&p.pending, it)
		}
	}
	for _, c := range p.ordine {
		if _, ok := epochs[c.Indirizzo]; !ok {
			if err := p.startInbox(c, 0); err != nil {
				return err
			}
		}
	}
	if p.journal != nil {
		n := 0
		for _, c := range p.ordine {
			n += len(c.messaggi)
		}
		if n > 0 || len(p.pending) > 0 {
			p.log.Info("sandbox state restored", "messages", n, "scheduled", len(p.pending))
		}
	}
	return nil
}

// startInbox gives c an empty INBOX with a UIDVALIDITY above prev, and
// journals it; called with c.mu held (or c not yet shared).
func (p *pecSystem) startInbox(c *casella, prev uint32) error {
	v := max(uint32(p.sb.now().Unix()), prev+1)
	if p.journal != nil {
		if err := p.journal.append(pecRecord{Op: "casella", Casella: c.Indirizzo, UIDValidity: v}); err != nil {
			return err
		}
	}
	p.newInbox(c, v)
	return nil
}

func (p *pecSystem) newInbox(c *casella, uidValidity uint32) {
	u := imapmemserver.NewUser(c.Indirizzo, c.Password)
	u.Create("INBOX", nil)
	c.user, c.uidValidity, c.messaggi = u, uidValidity, nil
}

func (p *pecSystem) listen(ports PECPorts) error {
	ln := func(port int) (net.Listener, error) {
		l, err := net.Listen("tcp", net.JoinHostPort(p.host, strconv.Itoa(port)))
		if err != nil {
			return nil, fmt.Errorf("sandbox: ascolto PEC su %s:%d: %w", p.host, port, err)
		}
		return l, nil
	}
	var err error
	if p.lnSMTPS, err = ln(ports.SMTPS); err != nil {
		return err
	}
	if p.lnSubmission, err = ln(ports.Submission); err != nil {
		return err
	}
	if p.lnIMAP, err = ln(ports.IMAPS); err != nil {
		return err
	}
	errLog := slogPrintf{p.log}

	p.smtpSrv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{p: p, conn: c}, nil
	}))
	p.smtpSrv.Domain = "smtp." + pecDominioGestore
	p.smtpSrv.MaxMessageBytes = pecMaxMessage
	p.smtpSrv.MaxRecipients = 100
	p.smtpSrv.ReadTimeout = 5 * time.Minute
	p.smtpSrv.WriteTimeout = time.Minute
	p.smtpSrv.TLSConfig = p.pki.tls
	p.smtpSrv.ErrorLog = errLog
	go p.smtpSrv.Serve(tlsListener(p.lnSMTPS, p.pki))
	go p.smtpSrv.Serve(p.lnSubmission)

	p.imapSrv = imapserver.New(&imapserver.Options{
		NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{p: p, conn: c}, nil, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger: errLog,
	})
	go p.imapSrv.Serve(tlsListener(p.lnIMAP, p.pki))
	return nil
}

// pecMaxMessage is the largest message accepted, as the providers' 50 MB.
const pecMaxMessage = 50 << 20

func (p *pecSystem) port(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

func (p *pecSystem) credentials() PEC {
	host := p.host
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return PEC{Host: host, SMTPPort: p.port(p.lnSMTPS), SubmissionPort: p.port(p.lnSubmission),
		IMAPPort: p.port(p.lnIMAP), CAPEM: string(p.pki.caPEM), Caselle: append([]CasellaPEC(nil), p.sb.cfg.PEC...)}
}

// mount adds the PEC control endpoints (no auth, no faults).
func (p *pecSystem) mount(mux *http.ServeMux) {
	// POST /__sandbox/pec/faults?next=451,554,drop,drop:after
	mux.HandleFunc("POST /__sandbox/pec/faults", func(w http.ResponseWriter, r *http.Request) {
		var fs []PECFault
		for _, item := range strings.Split(r.URL.Query().Get("next"), ",") {
			if item = strings.TrimSpace(item); item == "" {
				continue
			}
			f, err := ParsePECFault(item)
			if err != nil {
				writeProblem(w, newProblem(http.StatusBadRequest, "Invalid fault", err.Error()))
				return
			}
			fs = append(fs, f)
		}
		p.faults.force(fs...)
		writeJSON(w, http.StatusOK, map[string]any{"queued": fs})
	})
	mux.HandleFunc("GET /__sandbox/pec/caselle/{indirizzo}", func(w http.ResponseWriter, r *http.Request) {
		msgs, err := p.messaggi(r.PathValue("indirizzo"))
		if err != nil {
			writeProblem(w, newProblem(http.StatusNotFound, "Not Found", err.Error()))
			return
		}
		writeJSON(w, http.StatusOK, msgs)
	})
}

func (p *pecSystem) messaggi(addr string) ([]MessaggioPEC, error) {
	c := p.caselle[strings.ToLower(strings.TrimSpace(addr))]
	if c == nil {
		return nil, fmt.Errorf("casella PEC %q sconosciuta", addr)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]MessaggioPEC(nil), c.messaggi...), nil
}

func (p *pecSystem) reset() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.ordine {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	p.clear()
	p.faults.reset()
	var errs []error
	if p.journal != nil {
		errs = append(errs, p.journal.truncate())
	}
	for _, c := range p.ordine {
		errs = append(errs, p.startInbox(c, c.uidValidity))
		// Sessions on the old INBOX are dropped, as a server does when a
		// mailbox is recreated: clients reconnect and see the new UIDVALIDITY.
		for s := range c.sessioni {
			s.conn.NetConn().Close()
		}
	}
	return errors.Join(errs...)
}

func (p *pecSystem) close() error {
	select {
	case <-p.stop:
		return nil
	default:
		close(p.stop)
	}
	if p.scheduling {
		<-p.stopped
	}
	if p.smtpSrv != nil {
		p.smtpSrv.Close()
	}
	if p.imapSrv != nil {
		p.imapSrv.Close()
	}
	for _, l := range []net.Listener{p.lnSMTPS, p.lnSubmission, p.lnIMAP} {
		if l != nil {
			l.Close()
		}
	}
	if p.journal != nil {
		return p.journal.close()
	}
	return nil
}

func (p *pecSystem) stats() PECStats {
	p.mu.Lock()
	inAttesa := len(p.pending)
	p.mu.Unlock()
	p.smu.Lock()
	defer p.smu.Unlock()
	st := p.st
	st.InAttesa = inAttesa
	st.Ricevute, st.Guasti = map[string]int{}, map[string]int{}
	for k, v := range p.st.Ricevute {
		st.Ricevute[k] = v
	}
	for k, v := range p.st.Guasti {
		st.Guasti[k] = v
	}
	return st
}

func (p *pecSystem) count(f func(st *PECStats)) {
	p.smu.Lock()
	f(&p.st)
	p.smu.Unlock()
}

// authenticate finds the mailbox of a login; nil when the address or the
// password is wrong.
func (p *pecSystem) authenticate(user, password string) *casella {
	c := p.caselle[strings.ToLower(strings.TrimSpace(user))]
	if c == nil || subtle.ConstantTimeCompare([]byte(password), []byte(c.Password)) != 1 {
		p.count(func(st *PECStats) { st.AuthFallite++ })
		p.log.Debug("authentication failed", "user", user)
		return nil
	}
	return c
}

// countSubmission updates the duplicate indexes and the counters; p.mu held.
func (p *pecSystem) countSubmission(mittente, msgID string, chiavi []string, nonAccettato bool) {
	dupID := false
	if msgID != "" {
		k := mittente + "\x00" + msgID
		dupID = p.msgIDs[k] > 0
		p.msgIDs[k]++
	}
	dups := 0
	for _, k := range chiavi {
		if p.contenuti[k] > 0 {
			dups++
		}
		p.contenuti[k]++
	}
	p.count(func(st *PECStats) {
		st.Inviati++
		if nonAccettato {
			st.NonAccettati++
		}
		if dupID {
			st.DuplicatiMessageID++
		}
		st.Duplicati += dups
	})
}

// deliver puts raw into c's INBOX at t, journaled first.
func (p *pecSystem) deliver(c *casella, t time.Time, raw []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.journal != nil {
		if err := p.journal.append(pecRecord{Op: "messaggio", Casella: c.Indirizzo, T: t, Raw: raw}); err != nil {
			p.log.Error("journal write failed", "err", err)
		}
	}
	p.deliverLocked(c, t, raw)
}

// deliverLocked appends raw to c's INBOX; c.mu held (or c not yet shared).
func (p *pecSystem) deliverLocked(c *casella, t time.Time, raw []byte) {
	data, err := c.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Time: t})
	if err != nil {
		p.log.Error("delivery failed", "mailbox", c.Indirizzo, "err", err)
		return
	}
	m := summarize(raw)
	m.UID, m.Data, m.Raw = uint32(data.UID), t, raw
	c.messaggi = append(c.messaggi, m)
	p.count(func(st *PECStats) {
		switch {
		case m.Ricevuta != "":
			st.Ricevute[m.Ricevuta]++
		case m.Trasporto != "":
			st.Buste++
		}
	})
}

// summarize reads the headers a listing shows.
func summarize(raw []byte) MessaggioPEC {
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	dec := mime.WordDecoder{}
	subj, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil {
		subj = h.Get("Subject")
	}
	return MessaggioPEC{Oggetto: subj, Ricevuta: h.Get("X-Ricevuta"), Trasporto: h.Get("X-Trasporto"),
		Riferimento: strings.Trim(strings.TrimSpace(h.Get("X-Riferimento-Message-ID")), "<>")}
}

// later delivers raw to c at due: at once when due has come, else through
// the schedule (journaled, so a restart keeps it).
func (p *pecSystem) later(c *casella, due time.Time, raw []byte) {
	if !due.After(p.sb.now()) {
		p.deliver(c, due, raw)
		return
	}
	p.mu.Lock()
	p.nextID++
	it := &pecPending{id: p.nextID, due: due, casella: c.Indirizzo, raw: raw}
	if p.journal != nil {
		if err := p.journal.append(pecRecord{Op: "pianificato", ID: it.id, Casella: it.casella, T: due, Raw: raw}); err != nil {
			p.log.Error("journal write failed", "err", err)
		}
	}
	heap.Push(&p.pending, it)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// schedule delivers the scheduled receipts when due, whoever is connected.
func (p *pecSystem) schedule() {
	defer close(p.stopped)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		p.mu.Lock()
		var due []*pecPending
		now := p.sb.now()
		for len(p.pending) > 0 && !p.pending[0].due.After(now) {
			due = append(due, heap.Pop(&p.pending).(*pecPending))
		}
		wait := time.Hour
		if len(p.pending) > 0 {
			wait = p.pending[0].due.Sub(now)
		}
		p.mu.Unlock()
		for _, it := range due {
			if c := p.caselle[it.casella]; c != nil {
				p.deliver(c, it.due, it.raw)
			}
			if p.journal != nil {
				if err := p.journal.append(pecRecord{Op: "eseguito", ID: it.id}); err != nil {
					p.log.Error("journal write failed", "err", err)
				}
			}
		}
		if len(due) > 0 {
			continue
		}
		timer.Reset(wait)
		select {
		case <-p.stop:
			return
		case <-p.wake:
		case <-timer.C:
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// destino is what becomes of a message for one recipient.
type destino struct {
	certificato  bool     // a PEC address (destinatari tipo="certificato")
	casella      *casella // a sandbox mailbox, which gets the envelope
	errore       string   // no-dest, no-dominio; "" = delivered
	erroreEsteso string
	silenzio     bool // no delivery receipt ever comes
}

// destinoDi applies the delivery rules of PECRules to addr.
func (p *pecSystem) destinoDi(addr, msgID string) destino {
	local, domain, _ := splitAddress(addr)
	if c := p.caselle[addr]; c != nil {
		return destino{certificato: c.PEC, casella: c}
	}
	d := destino{certificato: strings.Contains(domain, "pec.") || strings.Contains(domain, "legalmail")}
	switch {
	case !d.certificato:
	case strings.Contains(domain, "inesistente"):
		d.errore, d.erroreEsteso = pecErroreNoDominio, "5.1.2 - Dominio destinatario inesistente"
	case strings.HasPrefix(local, "inesistente") || strings.HasPrefix(local, "errore"):
		d.errore, d.erroreEsteso = pecErroreNoDest, "5.1.1 - Utente destinatario inesistente"
	case strings.HasPrefix(local, "silenzio"):
		d.silenzio = true
	case p.sb.cfg.Faults.Silenzio > 0:
		d.silenzio = float64(hash64(p.sb.cfg.Seed, "pec/silenzio", msgID, addr)%10000) < p.sb.cfg.Faults.Silenzio*10000
	}
	return d
}

// accept handles a message submitted by from to rcpts: the receipts, the
// envelopes and the scheduled outcomes.
func (p *pecSystem) accept(from *casella, rcpts []string, raw []byte) error {
	now := p.sb.now().UTC().Truncate(time.Second)
	inv := parseInvio(raw)
	for i := range rcpts {
		rcpts[i] = strings.ToLower(rcpts[i])
	}
	var difetti []string
	if from.PEC {
		difetti = inv.difetti(from.Indirizzo, rcpts)
	}
	var chiavi []string
	if len(difetti) == 0 {
		for _, r := range rcpts {
			chiavi = append(chiavi, inv.chiave(r))
		}
	}

	p.mu.Lock()
	p.seq++
	seq := p.seq
	p.countSubmission(from.Indirizzo, inv.msgID, chiavi, len(difetti) > 0)
	if p.journal != nil {
		if err := p.journal.append(pecRecord{Op: "invio", Casella: from.Indirizzo, MsgID: inv.msgID, Chiavi: chiavi,
			Seq: seq, NonAccettato: len(difetti) > 0}); err != nil {
			p.log.Error("journal write failed", "err", err)
		}
	}
	p.mu.Unlock()

	if !from.PEC {
		// Ordinary mail: delivered as is to the sandbox's ordinary mailboxes, nothing else.
		for _, r := range rcpts {
			if c := p.caselle[r]; c != nil && !c.PEC {
				p.deliver(c, now, raw)
			}
		}
		p.log.Debug("ordinary message accepted", "from", from.Indirizzo, "recipients", len(rcpts))
		return nil
	}

	o := &pecOriginale{
		Mittente: from.Indirizzo, Risposte: inv.risposte, Oggetto: inv.oggetto, MsgID: inv.msgID,
		Identificativo: fmt.Sprintf("opec21010.%s.%d.%d.1.%d@%s", now.In(romaPEC).Format("20060102150405"), p.boot, seq, 50+seq%16, pecDominioGestore),
		TipoRicevuta:   inv.tipoRicevuta, To: inv.to, Cc: inv.cc, Raw: raw,
	}
	if o.Risposte == "" {
		o.Risposte = from.Indirizzo
	}
	destini := make([]destino, len(rcpts))
	for i, r := range rcpts {
		destini[i] = p.destinoDi(r, inv.msgID)
		o.Destinatari = append(o.Destinatari, pecDestinatario{Indirizzo: r, Certificato: destini[i].certificato})
	}
	avviso := func(tipo, consegna string, at time.Time, n int) pecAvviso {
		return pecAvviso{tipo: tipo, errore: pecErroreNessuno, consegna: consegna, a: from.Indirizzo, data: at,
			messageID: fmt.Sprintf("%s.%d.%s", tipo, n, o.Identificativo)}
	}
	if len(difetti) > 0 {
		a := avviso(pecNonAccettazione, "", now, 0)
		a.errore, a.erroreEsteso = pecErroreAltro, strings.Join(difetti, "; ")
		return p.send(from, o, a, now)
	}
	if err := p.send(from, o, avviso(pecAccettazione, "", now, 0), now); err != nil {
		return err
	}
	due := now.Add(p.sb.cfg.ProcessingDelay)
	for i, d := range destini {
		r := rcpts[i]
		if d.casella != nil {
			busta := avviso(pecPostaCertificata, "", now, i)
			busta.messageID = o.Identificativo
			if i > 0 {
				busta.messageID = fmt.Sprintf("%d.%s", i, o.Identificativo)
			}
			if err := p.send(d.casella, o, busta, now); err != nil {
				return err
			}
		}
		if !d.certificato || d.silenzio {
			continue
		}
		a := avviso(pecAvvenutaConsegna, r, due, i)
		if d.errore != "" {
			a.tipo, a.errore, a.erroreEsteso = pecErroreConsegna, d.errore, d.erroreEsteso
			a.messageID = fmt.Sprintf("%s.%d.%s", a.tipo, i, o.Identificativo)
		}
		raw, err := p.componi(o, a)
		if err != nil {
			return err
		}
		p.later(from, due, raw)
	}
	p.log.Debug("pec message accepted", "from", from.Indirizzo, "id", o.Identificativo, "msgid", inv.msgID, "recipients", len(rcpts))
	return nil
}

// send composes a and delivers it to c at once.
func (p *pecSystem) send(c *casella, o *pecOriginale, a pecAvviso, now time.Time) error {
	raw, err := p.componi(o, a)
	if err != nil {
		return err
	}
	p.deliver(c, now, raw)
	return nil
}

// contentKey is one recipient's fingerprint of a message for duplicates.
func contentKey(rcpt, oggetto string, hashes []string) string {
	h := sha256.New()
	for _, s := range append([]string{rcpt, oggetto}, hashes...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// slogPrintf adapts slog to the servers' Printf loggers (debug level:
// they report clients' dropped connections).
type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l slogPrintf) Println(v ...any)               { l.log.Debug(fmt.Sprint(v...)) }
