package registro

// The sync engine: pushes the outbox to the provider and pulls the
// provider's feed. The local store is the working copy; the provider is
// reached through provider.Adapter.
//
// Push: PENDING rows, oldest first, in batches. A batch is committed in
// flight (outbox.in_volo_dal) before its first remote call, and its
// outcomes are committed together after its calls, with the provider's ids
// and versions (registro_remoti). A row found in flight at the next round
// may have reached the provider: a create is then looked up (owner by
// fiscal code, mailbox by address) before it is sent again. What is sent
// is the record's current local state, so a queue of edits collapses into
// one call, and a change whose content the provider already has
// (registro_remoti.impronta) costs no call.
//
// Outcomes: SENT; PENDING again with backoff on a temporary error (FAILED
// after maxTentativi); FAILED on a refusal; CONFLICT on a stale version,
// with both records in registro_conflitti; an unreachable provider stops
// the round, its rows untouched (offline attempts are not counted).
//
// Pull: the feed since the saved cursor, one transaction per page with the
// cursor: activations, suspensions and cancellations set the mailbox's
// state; an owner edited by the provider is applied (audited as
// "provider") unless the owner has local changes not yet sent, in which
// case it is a conflict. The outbox rows those local writes queue are
// absorbed (SENT) in the same transaction: they came from the provider.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/store"
)

// Operators recorded in the audit trail by the sync engine.
const (
	OperatoreSync     = "sistema"  // bookkeeping of the outbox
	OperatoreProvider = "provider" // changes made by the provider, applied locally
)

const (
	maxTentativi   = 8
	lottoSync      = 200
	paginaFeed     = 500
	backoffMinimo  = 2 * time.Second
	backoffMassimo = 10 * time.Minute
)

// Esito is the outcome of a sync round.
type Esito struct {
	Inviate   int  // outbox rows accepted by the provider (or needing no call)
	Fallite   int  // rows given up (FAILED)
	Conflitti int  // new conflicts
	Ricevute  int  // changes of the provider's feed applied locally
	Offline   bool // the provider could not be reached: rows stay queued
	// Limitato is the provider's Retry-After on a 429: the round stopped
	// there, and the next one waits this long.
	Limitato time.Duration
	// Occupato: another process (the GUI or the CLI on the same database)
	// is syncing; this round did nothing.
	Occupato bool
}

// leaseSync is how long a round's claim on the database holds without being
// renewed (it is renewed at every batch).
const leaseSync = 2 * time.Minute

// StatoSync is what the status bar shows.
type StatoSync struct {
	Online       bool // at the last round
	Pendenti     int  // changes waiting to be sent
	Fallite      int
	Conflitti    int // open conflicts
	UltimoOK     time.Time
	UltimoErrore string
}

// StatoSync reads the sync state for the status bar.
func (s *Service) StatoSync(ctx context.Context) (StatoSync, error) {
	st, err := s.DB.RegistroSync(ctx)
	if err != nil {
		return StatoSync{}, err
	}
	out := StatoSync{Online: st.Online, UltimoOK: st.UltimoOK, UltimoErrore: st.UltimoErrore}
	if out.Pendenti, err = s.DB.ContaOutbox(ctx, "PENDING"); err != nil {
		return out, err
	}
	if out.Fallite, err = s.DB.ContaOutbox(ctx, "FAILED"); err != nil {
		return out, err
	}
	out.Conflitti, err = s.DB.ContaConflittiAperti(ctx)
	return out, err
}

// StatoSyncDi is StatoSync as op may see it: an assistant counts only the
// pending changes and open conflicts of their own records.
func (s *Service) StatoSyncDi(ctx context.Context, op operatori.Operatore) (StatoSync, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return StatoSync{}, err
	}
	if acc.Rivenditore() {
		return s.StatoSync(ctx)
	}
	st, err := s.DB.RegistroSync(ctx)
	if err != nil {
		return StatoSync{}, err
	}
	out := StatoSync{Online: st.Online, UltimoOK: st.UltimoOK, UltimoErrore: st.UltimoErrore}
	if out.Pendenti, err = s.DB.ContaOutboxAmbito(ctx, acc.Ambito, "PENDING"); err != nil {
		return out, err
	}
	if out.Fallite, err = s.DB.ContaOutboxAmbito(ctx, acc.Ambito, "FAILED"); err != nil {
		return out, err
	}
	out.Conflitti, err = s.DB.ContaConflittiApertiAmbito(ctx, acc.Ambito)
	return out, err
}

// syncMu keeps two rounds of this process from working the outbox at once.
var syncMu sync.Mutex

func (s *Service) adesso() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Sincronizza runs one round: push, then pull.
func (s *Service) Sincronizza(ctx context.Context, a provider.Adapter) (Esito, error) {
	return s.sincronizza(ctx, a, lottoSync)
}

func (s *Service) sincronizza(ctx context.Context, a provider.Adapter, lotto int) (Esito, error) {
	syncMu.Lock()
	defer syncMu.Unlock()
	if d := s.limitatoFino.Sub(s.adesso()); d > 0 {
		return Esito{Limitato: d}, nil
	}
	lease, err := jobs.AcquireLease(ctx, s.DB, "registro.sync", leaseSync)
	if errors.Is(err, jobs.ErrLeaseHeld) {
		return Esito{Occupato: true}, nil
	}
	if err != nil {
		return Esito{}, err
	}
	defer lease.Release(ctx)
	m := &motore{s: s, a: a, lotto: lotto, lease: lease, remoti: map[chiave]store.Remoto{}, sporchi: map[chiave]bool{}}
	err = m.push(ctx)
	if err == nil && !m.esito.Offline && m.esito.Limitato == 0 {
		err = m.pull(ctx)
	}
	if d, ok := limitato(err); ok {
		m.esito.Limitato, err = d, nil
	}
	if m.esito.Limitato > 0 {
		s.limitatoFino = s.adesso().Add(m.esito.Limitato)
	}
	if err != nil && provider.Offline(err) {
		m.esito.Offline, err = true, nil
	}
	msg := ""
	switch {
	case err != nil:
		msg = err.Error()
	case m.esito.Offline:
		msg = "provider non raggiungibile"
	case m.esito.Limitato > 0:
		msg = fmt.Sprintf("il provider chiede di rallentare: nuovo tentativo tra %s", m.esito.Limitato.Round(time.Second))
	}
	if werr := s.DB.Write(context.WithoutCancel(ctx), OperatoreSync, func(tx *store.Tx) error {
		return tx.FineGiro(ctx, !m.esito.Offline, msg)
	}); err == nil {
		err = werr
	}
	return m.esito, err
}

type chiave struct {
	entita string
	id     int64
}

type motore struct {
	s       *Service
	a       provider.Adapter
	lotto   int
	lease   *jobs.Lease
	esito   Esito
	remoti  map[chiave]store.Remoto // read or changed in this round
	sporchi map[chiave]bool         // changed, to commit with the batch
	// conflittiRound are the records that met a conflict in this round
	// (not yet committed): their later rows join it.
	conflittiRound []chiave
}

func (m *motore) remoto(ctx context.Context, k chiave) (store.Remoto, bool, error) {
	if r, ok := m.remoti[k]; ok {
		return r, r.IDRemoto != "", nil
	}
	r, err := m.s.DB.Remoto(ctx, k.entita, k.id)
	if errors.Is(err, store.ErrNotFound) {
		m.remoti[k] = store.Remoto{}
		return store.Remoto{}, false, nil
	}
	if err != nil {
		return r, false, err
	}
	m.remoti[k] = r
	return r, true, nil
}

func (m *motore) salva(r store.Remoto) {
	k := chiave{r.Entita, r.IDLocale}
	m.remoti[k], m.sporchi[k] = r, true
}

// esitoRiga is the outcome of one row, committed with its batch.
type esitoRiga struct {
	store.EsitoOutbox
	conflitto *store.ConflittoRegistro
	bersaglio chiave
}

// ---- push

func (m *motore) push(ctx context.Context) error {
	var dopo int64
	for {
		righe, err := m.s.DB.OutboxDaInviare(ctx, m.s.adesso(), dopo, m.lotto)
		if err != nil || len(righe) == 0 {
			return err
		}
		dopo = righe[len(righe)-1].ID
		ids := make([]int64, len(righe))
		for i, r := range righe {
			ids[i] = r.ID
		}
		if err := m.lease.Renew(ctx); err != nil {
			return err
		}
		if err := m.s.DB.Write(ctx, OperatoreSync, func(tx *store.Tx) error { return tx.OutboxInVolo(ctx, ids) }); err != nil {
			return err
		}
		esiti := make([]esitoRiga, 0, len(righe))
		bloccati := map[chiave]bool{} // targets with a row waiting for a retry: later rows wait too
		fermo := -1
		for i, r := range righe {
			if ctx.Err() != nil {
				fermo = i
				break
			}
			e := m.riga(ctx, r, bloccati)
			esiti = append(esiti, e)
			if m.esito.Offline || m.esito.Limitato > 0 {
				fermo = i + 1
				break
			}
		}
		var nonIniziate []int64
		if fermo >= 0 {
			for _, r := range righe[fermo:] {
				if !r.InVolo {
					nonIniziate = append(nonIniziate, r.ID)
				}
			}
		}
		if err := m.commitLotto(context.WithoutCancel(ctx), esiti, nonIniziate); err != nil {
			return err
		}
		if fermo >= 0 {
			return ctx.Err()
		}
	}
}

func (m *motore) commitLotto(ctx context.Context, esiti []esitoRiga, nonIniziate []int64) error {
	err := m.s.DB.Write(ctx, OperatoreSync, func(tx *store.Tx) error {
		for k := range m.sporchi {
			if err := tx.SalvaRemoto(ctx, m.remoti[k]); err != nil {
				return err
			}
		}
		for _, id := range nonIniziate {
			if err := tx.OutboxNonInviata(ctx, id); err != nil {
				return err
			}
		}
		for _, e := range esiti {
			if e.Stato == "" {
				if err := tx.OutboxNonInviata(ctx, e.ID); err != nil {
					return err
				}
				continue
			}
			if c := e.conflitto; c != nil {
				if c.ID == 0 {
					id, err := tx.InserisciConflitto(ctx, *c)
					if err != nil {
						return err
					}
					c.ID = id
					if err := tx.Audit(ctx, "conflitto_registro", strconv.FormatInt(id, 10), store.Crea, []store.FieldChange{
						{Field: c.Entita, After: strconv.FormatInt(c.IDLocale, 10)}, {Field: "id_remoto", After: c.IDRemoto}}); err != nil {
						return err
					}
				}
				e.Errore = fmt.Sprintf("conflitto n. %d: il provider ha modificato il record", c.ID)
			}
			if err := tx.OutboxEsito(ctx, e.EsitoOutbox); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		clear(m.sporchi)
	}
	return err
}

// conflittoAperto reports whether a record has a committed open conflict.
func (m *motore) conflittoAperto(ctx context.Context, k chiave) (bool, error) {
	return m.s.DB.HaConflittoAperto(ctx, k.entita, k.id)
}

// riga sends one row and returns its outcome (Stato "" = not attempted).
func (m *motore) riga(ctx context.Context, r store.OutboxInvio, bloccati map[chiave]bool) esitoRiga {
	e := esitoRiga{EsitoOutbox: store.EsitoOutbox{ID: r.ID, Tentativi: r.Tentativi}}
	id, _ := strconv.ParseInt(r.EntitaID, 10, 64)
	var k chiave
	switch r.Entita {
	case "titolare":
		k = chiave{"titolare", id}
	case "indirizzo", "attivita":
		t, err := m.s.DB.TitolareDiRiga(ctx, r.Entita, id)
		if err != nil {
			return m.errore(e, r, err)
		}
		k = chiave{"titolare", t}
	case "casella":
		k = chiave{"casella", id}
	case "documento":
		return m.documento(ctx, r, e, bloccati)
	default:
		// Domains, agents, packages, assistants: the reseller's own data, not the provider's.
		e.Stato, e.Errore = "SENT", "dato locale: nessun invio al provider"
		m.esito.Inviate++
		return e
	}
	e.bersaglio = k
	if bloccati[k] {
		return e
	}
	if aperto, err := m.conflittoAperto(ctx, k); err != nil {
		return m.errore(e, r, err)
	} else if aperto || m.inConflitto(k) {
		e.Stato, e.Errore = "CONFLICT", "in attesa della risoluzione del conflitto sul record"
		return e
	}
	var (
		conf *store.ConflittoRegistro
		err  error
	)
	if k.entita == "titolare" {
		_, conf, err = m.titolare(ctx, k.id, r.InVolo)
	} else {
		conf, err = m.casella(ctx, k.id, r.InVolo)
	}
	switch {
	case conf != nil:
		conf.OutboxID = r.ID
		e.Stato, e.conflitto = "CONFLICT", conf
		m.conflittiRound = append(m.conflittiRound, k)
		m.esito.Conflitti++
	case errors.Is(err, errAttesa):
		bloccati[k] = true
	case err != nil:
		e = m.errore(e, r, err)
		if e.Stato == "PENDING" {
			bloccati[k] = true
		}
	default:
		e.Stato = "SENT"
		m.esito.Inviate++
	}
	return e
}

func (m *motore) inConflitto(k chiave) bool {
	for _, c := range m.conflittiRound {
		if c == k {
			return true
		}
	}
	return false
}

// errore classifies a failure of row r.
func (m *motore) errore(e esitoRiga, r store.OutboxInvio, err error) esitoRiga {
	e.Errore = err.Error()
	if d, ok := limitato(err); ok {
		// Not the row's fault either: no attempt counted, the round stops.
		m.esito.Limitato = d
		e.Stato, e.InVolo, e.Prossimo = "PENDING", r.InVolo, m.s.adesso().Add(d)
		return e
	}
	switch {
	case provider.Offline(err):
		// Not the row's fault: untouched, still in flight (it may have arrived).
		m.esito.Offline = true
		e.Stato, e.InVolo = "PENDING", true
	case provider.Temporaneo(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		e.Tentativi++
		if e.Tentativi >= maxTentativi {
			e.Stato = "FAILED"
			m.esito.Fallite++
			return e
		}
		e.Stato, e.InVolo = "PENDING", true
		e.Prossimo = m.s.adesso().Add(backoff(e.Tentativi))
	default:
		e.Tentativi++
		e.Stato = "FAILED"
		m.esito.Fallite++
	}
	return e
}

// limitato reports a 429 and how long the provider asks to wait.
func limitato(err error) (time.Duration, bool) {
	var pe *provider.ErroreProvider
	if !errors.As(err, &pe) || pe.Status != http.StatusTooManyRequests {
		return 0, false
	}
	return max(pe.RetryAfter, backoffMinimo), true
}

func backoff(tentativi int) time.Duration {
	d := backoffMinimo << min(tentativi-1, 20)
	return min(d, backoffMassimo)
}

// impronta is the content of a provider record without its identity,
// version and times.
func impronta(v any) string {
	var b []byte
	switch x := v.(type) {
	case provider.Titolare:
		x.ID, x.Versione, x.CreatoIl, x.ModificaIl = "", 0, nil, nil
		b, _ = json.Marshal(x)
	default:
		b, _ = json.Marshal(x)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:12])
}

// recordTitolare is the provider's owner record of a local owner.
func recordTitolare(d store.DatiTitolare) provider.Titolare {
	t := d.Titolare
	rec := provider.Titolare{TipoUtente: provider.TipoUtente(t.Tipo), Nome: t.Nome, Cognome: t.Cognome,
		CodiceFiscale: t.CodiceFiscale, Email: t.Email, Telefono: t.Telefono}
	if rec.Telefono == "" {
		rec.Telefono = t.Cellulare
	}
	if a := d.Attivita; a != nil {
		rec.RagioneSociale, rec.PartitaIVA = a.RagioneSociale, a.PartitaIVA
	}
	if i := d.Indirizzo; i != nil {
		rec.Indirizzo = &provider.Indirizzo{Via: strings.TrimSpace(i.Via + " " + i.Civico), Comune: i.Comune,
			Provincia: i.Provincia, CAP: i.CAP, Nazione: "IT"}
	}
	return rec
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// titolare makes the provider's owner match the local one: creates it
// (looked up first if a previous call may have created it), or updates it
// based on the known version. It returns the owner's identity.
func (m *motore) titolare(ctx context.Context, id int64, inVolo bool) (store.Remoto, *store.ConflittoRegistro, error) {
	k := chiave{"titolare", id}
	d, err := m.s.DB.DatiTitolare(ctx, id)
	if err != nil {
		return store.Remoto{}, nil, err
	}
	rec := recordTitolare(d)
	imp := impronta(rec)
	rem, ok, err := m.remoto(ctx, k)
	if err != nil {
		return rem, nil, err
	}
	adotta := func() error {
		trovati, err := m.a.CercaTitolari(ctx, provider.FiltroTitolari{CodiceFiscale: rec.CodiceFiscale, TipoUtente: rec.TipoUtente})
		if err != nil {
			return err
		}
		for _, t := range trovati {
			if strings.EqualFold(t.CodiceFiscale, rec.CodiceFiscale) {
				rem, ok = store.Remoto{Entita: "titolare", IDLocale: id, IDRemoto: t.ID, Versione: t.Versione, Impronta: impronta(t)}, true
				m.salva(rem)
				return nil
			}
		}
		return nil
	}
	if !ok && inVolo {
		if err := adotta(); err != nil {
			return rem, nil, err
		}
	}
	if !ok {
		creato, err := m.a.CreaTitolare(ctx, rec)
		if errors.Is(err, provider.ErrGiaPresente) && !errors.Is(err, provider.ErrConflitto) {
			if err := adotta(); err != nil {
				return rem, nil, err
			}
			if !ok {
				return rem, nil, err
			}
		} else if err != nil {
			return rem, nil, err
		} else {
			rem = store.Remoto{Entita: "titolare", IDLocale: id, IDRemoto: creato.ID, Versione: creato.Versione, Impronta: imp}
			m.salva(rem)
			return rem, nil, nil
		}
	}
	if rem.Impronta == imp {
		return rem, nil, nil
	}
	rec.ID, rec.Versione = rem.IDRemoto, rem.Versione
	agg, err := m.a.AggiornaTitolare(ctx, rec)
	var ce *provider.ErroreConflitto
	if errors.As(err, &ce) && ce.Titolare != nil {
		if impronta(*ce.Titolare) == imp { // our own earlier call had arrived
			rem.Versione, rem.Impronta = ce.Titolare.Versione, imp
			m.salva(rem)
			return rem, nil, nil
		}
		return rem, &store.ConflittoRegistro{Entita: "titolare", IDLocale: id, IDRemoto: rem.IDRemoto, Locale: jsonString(rec),
			Remoto: jsonString(ce.Titolare), VersioneRemota: ce.Titolare.Versione}, nil
	}
	if err != nil {
		return rem, nil, err
	}
	rem.Versione, rem.Impronta = agg.Versione, imp
	m.salva(rem)
	return rem, nil, nil
}

var statoRemoto = map[string]string{store.CasellaInAttesa: provider.StatoInAttesa, store.CasellaAttiva: provider.StatoAttiva,
	store.CasellaSospesa: provider.StatoSospesa, store.CasellaCessata: provider.StatoCessata}

var statoLocale = map[string]string{provider.StatoInAttesa: store.CasellaInAttesa, provider.StatoAttiva: store.CasellaAttiva,
	provider.StatoSospesa: store.CasellaSospesa, provider.StatoCessata: store.CasellaCessata}

// casella makes the provider's mailbox match the local one: creates it
// (its owner first if needed; looked up first if a previous call may have
// created it) and applies a local suspension, reactivation or cessation.
func (m *motore) casella(ctx context.Context, id int64, inVolo bool) (*store.ConflittoRegistro, error) {
	k := chiave{"casella", id}
	c, err := m.s.DB.CasellaPerSync(ctx, id)
	if err != nil {
		return nil, err
	}
	rem, ok, err := m.remoto(ctx, k)
	if err != nil {
		return nil, err
	}
	adotta := func() error {
		trovate, err := m.a.CercaCaselle(ctx, provider.FiltroCaselle{Indirizzo: c.Indirizzo})
		if err != nil {
			return err
		}
		for _, x := range trovate {
			if x.Indirizzo == c.Indirizzo {
				rem, ok = store.Remoto{Entita: "casella", IDLocale: id, IDRemoto: x.ID, Versione: x.Versione, Stato: x.Stato}, true
				m.salva(rem)
			}
		}
		return nil
	}
	if !ok && inVolo {
		if err := adotta(); err != nil {
			return nil, err
		}
	}
	if !ok {
		owner, ok, err := m.remoto(ctx, chiave{"titolare", c.TitolareID})
		if err != nil {
			return nil, err
		}
		if !ok {
			var conf *store.ConflittoRegistro
			if owner, conf, err = m.titolare(ctx, c.TitolareID, inVolo); err != nil {
				return nil, err
			} else if conf != nil {
				return nil, errAttesa // the owner's conflict first
			}
		}
		creata, err := m.a.CreaCasella(ctx, provider.NuovaCasella{Indirizzo: c.Indirizzo, IDTitolare: owner.IDRemoto})
		switch {
		case errors.Is(err, provider.ErrGiaPresente) && !errors.Is(err, provider.ErrConflitto):
			if err := adotta(); err != nil {
				return nil, err
			}
			if !ok {
				return nil, err
			}
		case err != nil:
			return nil, err
		default:
			rem = store.Remoto{Entita: "casella", IDLocale: id, IDRemoto: creata.ID, Versione: creata.Versione, Stato: creata.Stato}
			m.salva(rem)
		}
	}
	voluto := statoRemoto[c.Stato]
	if voluto == rem.Stato || voluto == provider.StatoInAttesa || voluto == provider.StatoAttiva && rem.Stato == provider.StatoInAttesa {
		return nil, nil // nothing the reseller can ask (activation is the provider's)
	}
	var fatto provider.Casella
	switch voluto {
	case provider.StatoSospesa:
		fatto, err = m.a.SospendiCasella(ctx, rem.IDRemoto, rem.Versione)
	case provider.StatoAttiva:
		fatto, err = m.a.RiattivaCasella(ctx, rem.IDRemoto, rem.Versione)
	case provider.StatoCessata:
		fatto, err = m.a.CessaCasella(ctx, rem.IDRemoto, rem.Versione)
	}
	var ce *provider.ErroreConflitto
	if errors.As(err, &ce) && ce.Casella != nil {
		if ce.Casella.Stato == voluto {
			rem.Versione, rem.Stato = ce.Casella.Versione, ce.Casella.Stato
			m.salva(rem)
			return nil, nil
		}
		locale := provider.Casella{ID: rem.IDRemoto, Indirizzo: c.Indirizzo, Dominio: c.Dominio, IDTitolare: ce.Casella.IDTitolare,
			Tipo: ce.Casella.Tipo, Stato: voluto, Versione: rem.Versione}
		return &store.ConflittoRegistro{Entita: "casella", IDLocale: id, IDRemoto: rem.IDRemoto, Locale: jsonString(locale),
			Remoto: jsonString(ce.Casella), VersioneRemota: ce.Casella.Versione}, nil
	}
	if err != nil {
		return nil, err
	}
	rem.Versione, rem.Stato = fatto.Versione, fatto.Stato
	m.salva(rem)
	return nil, nil
}

// ---- pull

func (m *motore) pull(ctx context.Context) error {
	st, err := m.s.DB.RegistroSync(ctx)
	if err != nil {
		return err
	}
	cursore, riletto := st.Cursore, false
	for {
		pag, err := m.a.Cambiamenti(ctx, cursore, paginaFeed)
		if errors.Is(err, provider.ErrCursoreScaduto) && !riletto {
			cursore, riletto = "", true // history reset: read again; versions make it idempotent
			continue
		}
		if err != nil {
			return err
		}
		n := 0
		if err := m.s.DB.Write(ctx, OperatoreProvider, func(tx *store.Tx) error {
			n = 0
			primo, err := tx.OutboxUltimoID(ctx)
			if err != nil {
				return err
			}
			for _, c := range pag.Cambiamenti {
				ok, err := m.applica(ctx, tx, c)
				if err != nil {
					return fmt.Errorf("cambiamento %d del provider: %w", c.Seq, err)
				}
				if ok {
					n++
				}
			}
			if err := tx.OutboxAssorbi(ctx, primo, "modifica ricevuta dal provider"); err != nil {
				return err
			}
			return tx.SalvaCursore(ctx, pag.Cursore)
		}); err != nil {
			return err
		}
		m.esito.Ricevute += n
		cursore = pag.Cursore
		if !pag.Altri || len(pag.Cambiamenti) == 0 {
			return nil
		}
	}
}

// applica applies one change of the feed; it reports whether it changed anything.
func (m *motore) applica(ctx context.Context, tx *store.Tx, c provider.Cambiamento) (bool, error) {
	if !c.DelProvider() {
		return false, nil // our own calls, already recorded
	}
	switch {
	case c.Entita == provider.EntitaCasella && c.Casella != nil:
		return m.applicaCasella(ctx, tx, *c.Casella)
	case c.Entita == provider.EntitaTitolare && c.Titolare != nil:
		return m.applicaTitolare(ctx, tx, *c.Titolare)
	}
	return false, nil
}

func (m *motore) applicaCasella(ctx context.Context, tx *store.Tx, x provider.Casella) (bool, error) {
	rem, err := tx.RemotoByID(ctx, "casella", x.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // not one of ours
	}
	if err != nil || x.Versione <= rem.Versione {
		return false, err
	}
	if conf, err := tx.ConflittoAperto(ctx, "casella", rem.IDLocale); err == nil {
		return false, tx.AggiornaRemotoConflitto(ctx, conf.ID, jsonString(x), x.Versione)
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	rem.Versione, rem.Stato = x.Versione, x.Stato
	if err := tx.SalvaRemoto(ctx, rem); err != nil {
		return false, err
	}
	return true, applicaStatoCasella(ctx, tx, rem.IDLocale, x)
}

// applicaStatoCasella sets the local state of a mailbox to the provider's.
func applicaStatoCasella(ctx context.Context, tx *store.Tx, id int64, x provider.Casella) error {
	prima, err := tx.CasellaByID(ctx, store.Ambito{}, id)
	if err != nil {
		return err
	}
	dopo := prima
	if s, ok := statoLocale[x.Stato]; ok {
		dopo.Stato = s
	}
	if x.AttivataIl != nil && dopo.AttivataIl.IsZero() {
		dopo.AttivataIl = x.AttivataIl.UTC()
	}
	approvaRichiestaAgente(&dopo)
	if dopo.Stato == prima.Stato && dopo.AttivataIl.Equal(prima.AttivataIl) && dopo.AgenteInRichiesta == prima.AgenteInRichiesta {
		return nil
	}
	if attivata(prima, dopo) {
		if err := accodaConferma(ctx, tx, dopo); err != nil {
			return err
		}
	}
	return tx.UpdateCasella(ctx, prima, dopo)
}

func (m *motore) applicaTitolare(ctx context.Context, tx *store.Tx, x provider.Titolare) (bool, error) {
	rem, err := tx.RemotoByID(ctx, "titolare", x.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil || x.Versione <= rem.Versione {
		return false, err
	}
	if conf, err := tx.ConflittoAperto(ctx, "titolare", rem.IDLocale); err == nil {
		return false, tx.AggiornaRemotoConflitto(ctx, conf.ID, jsonString(x), x.Versione)
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	pendenti, err := m.pendentiTitolare(ctx, tx, rem.IDLocale)
	if err != nil {
		return false, err
	}
	if pendenti {
		d, err := tx.DatiTitolare(ctx, rem.IDLocale)
		if err != nil {
			return false, err
		}
		locale := recordTitolare(d)
		if impronta(locale) == impronta(x) {
			rem.Versione, rem.Impronta = x.Versione, impronta(locale)
			return true, tx.SalvaRemoto(ctx, rem)
		}
		id, err := tx.InserisciConflitto(ctx, store.ConflittoRegistro{Entita: "titolare", IDLocale: rem.IDLocale, IDRemoto: x.ID,
			Locale: jsonString(locale), Remoto: jsonString(x), VersioneRemota: x.Versione})
		if err != nil {
			return false, err
		}
		m.esito.Conflitti++
		nota := fmt.Sprintf("conflitto n. %d: il provider ha modificato il record", id)
		for _, e := range []string{"titolare", "indirizzo", "attivita"} {
			if err := spostaRighe(ctx, tx, e, rem.IDLocale, "PENDING", "CONFLICT", nota); err != nil {
				return false, err
			}
		}
		return true, tx.Audit(ctx, "conflitto_registro", strconv.FormatInt(id, 10), store.Crea, []store.FieldChange{
			{Field: "titolare", After: strconv.FormatInt(rem.IDLocale, 10)}, {Field: "id_remoto", After: x.ID}})
	}
	return true, applicaTitolareRemoto(ctx, tx, store.Ambito{}, rem, x)
}

// pendentiTitolare reports whether an owner has local changes not yet sent.
func (m *motore) pendentiTitolare(ctx context.Context, tx *store.Tx, id int64) (bool, error) {
	if p, err := tx.OutboxPendenti(ctx, "titolare", id); err != nil || p {
		return p, err
	}
	d, err := tx.DatiTitolare(ctx, id)
	if err != nil {
		return false, err
	}
	if d.Indirizzo != nil {
		if p, err := tx.OutboxPendenti(ctx, "indirizzo", d.Indirizzo.ID); err != nil || p {
			return p, err
		}
	}
	if d.Attivita != nil {
		return tx.OutboxPendenti(ctx, "attivita", d.Attivita.ID)
	}
	return false, nil
}

// spostaRighe moves the outbox rows of an owner (entita titolare) or of its
// first address/company.
func spostaRighe(ctx context.Context, tx *store.Tx, entita string, titolareID int64, da, a, nota string) error {
	id := titolareID
	if entita != "titolare" {
		d, err := tx.DatiTitolare(ctx, titolareID)
		if err != nil {
			return err
		}
		switch {
		case entita == "indirizzo" && d.Indirizzo != nil:
			id = d.Indirizzo.ID
		case entita == "attivita" && d.Attivita != nil:
			id = d.Attivita.ID
		default:
			return nil
		}
	}
	_, err := tx.OutboxSposta(ctx, entita, id, da, a, nota)
	return err
}

// applicaTitolareRemoto writes the provider's owner record on the local
// owner (audited as tx's operator) and records its version.
func applicaTitolareRemoto(ctx context.Context, tx *store.Tx, amb store.Ambito, rem store.Remoto, x provider.Titolare) error {
	t, err := tx.TitolareByID(ctx, amb, rem.IDLocale)
	if err != nil {
		return err
	}
	t.Nome, t.Cognome, t.Email = x.Nome, x.Cognome, x.Email
	if x.Telefono != t.Cellulare || t.Telefono != "" {
		t.Telefono = x.Telefono
	}
	if _, err := tx.SaveTitolare(ctx, amb, t); err != nil {
		return err
	}
	d, err := tx.DatiTitolare(ctx, rem.IDLocale)
	if err != nil {
		return err
	}
	// The company the provider knows is the owner's first one (recordTitolare).
	if a := d.Attivita; a != nil && x.RagioneSociale != "" &&
		(a.RagioneSociale != x.RagioneSociale || x.PartitaIVA != "" && a.PartitaIVA != x.PartitaIVA) {
		agg := *a
		agg.RagioneSociale = x.RagioneSociale
		if x.PartitaIVA != "" {
			agg.PartitaIVA = x.PartitaIVA
		}
		if _, err := tx.SaveAttivita(ctx, amb, agg); err != nil {
			return err
		}
		if d, err = tx.DatiTitolare(ctx, rem.IDLocale); err != nil {
			return err
		}
	}
	rem.Versione, rem.Impronta = x.Versione, impronta(recordTitolare(d))
	return tx.SalvaRemoto(ctx, rem)
}

// ---- conflitti

// Scelta is how a conflict is resolved.
type Scelta string

const (
	TieniLocale Scelta = "LOCALE" // send Sportello's version again, based on the provider's
	TieniRemoto Scelta = "REMOTO" // apply the provider's version locally
)

// CampoConflitto is one field of a conflict, side by side.
type CampoConflitto struct {
	Campo, Locale, Remoto string
	Diverso               bool
}

// Conflitto is an open conflict with its two versions field by field.
type Conflitto struct {
	store.ConflittoRegistro
	Campi []CampoConflitto
}

// Conflitti lists the open conflicts on the records op may see.
func (s *Service) Conflitti(ctx context.Context, op operatori.Operatore) ([]Conflitto, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return nil, err
	}
	cs, err := s.DB.ConflittiRegistro(ctx, true)
	if err != nil {
		return nil, err
	}
	var out []Conflitto
	for _, c := range cs {
		if !acc.Rivenditore() {
			var err error
			if c.Entita == "titolare" {
				_, err = s.DB.TitolareByID(ctx, acc.Ambito, c.IDLocale)
			} else {
				_, err = s.DB.CasellaByID(ctx, acc.Ambito, c.IDLocale)
			}
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return nil, err
			}
		}
		out = append(out, Conflitto{ConflittoRegistro: c, Campi: campiConflitto(c.Locale, c.Remoto)})
	}
	return out, nil
}

func campiConflitto(locale, remoto string) []CampoConflitto {
	l, r := appiattisci(locale), appiattisci(remoto)
	nomi := map[string]bool{}
	for k := range l {
		nomi[k] = true
	}
	for k := range r {
		nomi[k] = true
	}
	var out []CampoConflitto
	for k := range nomi {
		switch k {
		case "id", "version", "createdAt", "updatedAt":
			continue
		}
		out = append(out, CampoConflitto{Campo: k, Locale: l[k], Remoto: r[k], Diverso: l[k] != r[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Campo < out[j].Campo })
	return out
}

func appiattisci(js string) map[string]string {
	var v map[string]any
	_ = json.Unmarshal([]byte(js), &v)
	out := map[string]string{}
	var rec func(prefix string, v map[string]any)
	rec = func(prefix string, v map[string]any) {
		for k, x := range v {
			switch y := x.(type) {
			case map[string]any:
				rec(prefix+k+".", y)
			case nil:
			default:
				out[prefix+k] = fmt.Sprint(y)
			}
		}
	}
	rec("", v)
	return out
}

// errAttesa: the row cannot go before another record's conflict is resolved.
var errAttesa = errors.New("in attesa della risoluzione di un conflitto")

// ErrConflittoChiuso: the conflict was resolved already.
var ErrConflittoChiuso = errors.New("il conflitto è già stato risolto")

// RisolviConflitto resolves a conflict: TieniLocale queues Sportello's
// version again, to be sent based on the provider's version (a further
// change by the provider meanwhile is a new conflict); TieniRemoto applies
// the provider's record locally and drops the local changes. Audited as op.
func (s *Service) RisolviConflitto(ctx context.Context, op operatori.Operatore, id int64, scelta Scelta) error {
	if scelta != TieniLocale && scelta != TieniRemoto {
		return ErrValidazione{"Scelta", "versione locale o del provider"}
	}
	return s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		c, err := tx.ConflittoByID(ctx, id)
		if err != nil {
			return nonTrovato(err)
		}
		if c.Entita == "titolare" {
			_, err = tx.TitolareByID(ctx, acc.Ambito, c.IDLocale)
		} else {
			_, err = tx.CasellaByID(ctx, acc.Ambito, c.IDLocale)
		}
		if err != nil {
			return nonTrovato(err)
		}
		if c.Stato != store.ConflittoAperto {
			return ErrConflittoChiuso
		}
		rem, err := tx.Remoto(ctx, c.Entita, c.IDLocale)
		if err != nil {
			return err
		}
		entita := []string{c.Entita}
		if c.Entita == "titolare" {
			entita = append(entita, "indirizzo", "attivita")
		}
		sposta := func(a, nota string) error {
			for _, e := range entita {
				var err error
				if c.Entita == "titolare" {
					err = spostaRighe(ctx, tx, e, c.IDLocale, "CONFLICT", a, nota)
				} else {
					_, err = tx.OutboxSposta(ctx, e, c.IDLocale, "CONFLICT", a, nota)
				}
				if err != nil {
					return err
				}
			}
			return nil
		}
		stato := store.ConflittoLocale
		if scelta == TieniLocale {
			// Based on the provider's version; the content differs, so it is sent.
			rem.Versione, rem.Impronta = c.VersioneRemota, ""
			if c.Entita == "casella" {
				var x provider.Casella
				if err := json.Unmarshal([]byte(c.Remoto), &x); err != nil {
					return err
				}
				rem.Stato = x.Stato
			}
			if err := tx.SalvaRemoto(ctx, rem); err != nil {
				return err
			}
			if err := sposta("PENDING", fmt.Sprintf("conflitto n. %d: tenuta la versione locale", id)); err != nil {
				return err
			}
			if p, err := tx.OutboxPendenti(ctx, c.Entita, c.IDLocale); err != nil {
				return err
			} else if !p {
				if err := tx.Accoda(ctx, c.Entita, strconv.FormatInt(c.IDLocale, 10), store.Modifica, json.RawMessage(c.Locale)); err != nil {
					return err
				}
			}
		} else {
			stato = store.ConflittoRemoto
			primo, err := tx.OutboxUltimoID(ctx)
			if err != nil {
				return err
			}
			if c.Entita == "titolare" {
				var x provider.Titolare
				if err := json.Unmarshal([]byte(c.Remoto), &x); err != nil {
					return err
				}
				if err := applicaTitolareRemoto(ctx, tx, acc.Ambito, rem, x); err != nil {
					return err
				}
			} else {
				var x provider.Casella
				if err := json.Unmarshal([]byte(c.Remoto), &x); err != nil {
					return err
				}
				rem.Versione, rem.Stato = x.Versione, x.Stato
				if err := tx.SalvaRemoto(ctx, rem); err != nil {
					return err
				}
				if err := applicaStatoCasella(ctx, tx, c.IDLocale, x); err != nil {
					return err
				}
			}
			nota := fmt.Sprintf("conflitto n. %d: tenuta la versione del provider", id)
			if err := tx.OutboxAssorbi(ctx, primo, nota); err != nil {
				return err
			}
			if err := sposta("SENT", nota); err != nil {
				return err
			}
		}
		if err := tx.ChiudiConflitto(ctx, id, stato); err != nil {
			return err
		}
		return tx.Audit(ctx, "conflitto_registro", strconv.FormatInt(id, 10), store.Modifica,
			[]store.FieldChange{{Field: "stato", Before: store.ConflittoAperto, After: stato}})
	})
}

// ---- ciclo in background

type ciclo struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (c *ciclo) Close() error {
	c.cancel()
	<-c.done
	return nil
}

// AvviaSync runs Sincronizza every interval until closed; while the
// provider is offline (or a round fails) the wait doubles up to 10 minutes
// (or 10 intervals, if longer).
func (s *Service) AvviaSync(a provider.Adapter, every time.Duration) io.Closer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &ciclo{cancel: cancel, done: make(chan struct{})}
	limite := max(backoffMassimo, 10*every)
	go func() {
		defer close(c.done)
		attesa := every
		for {
			es, err := s.Sincronizza(ctx, a)
			s.inviaConfermeGiro(ctx)
			if ctx.Err() != nil {
				return
			}
			switch {
			case err != nil || es.Offline:
				if err != nil {
					slog.Warn("registro: sync round failed", "err", err)
				}
				attesa = min(attesa*2, limite)
			case es.Limitato > 0:
				attesa = max(every, es.Limitato)
			default:
				attesa = every
			}
			t := time.NewTimer(attesa)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}()
	return c
}
