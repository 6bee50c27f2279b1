// Package registro is the PEC reseller's panel: owners (titolari) with their
// addresses and companies, certified mailboxes (caselle), domains, agents
// and their packages, assistants and theirs.
//
// Access: an operator linked to an active row of assistenti is an
// Assistente and reads and changes only the records inserted from their own
// account (the store scopes the queries: store.Ambito); any other operator
// is the Rivenditore (postmaster) and sees everything. Every change is
// validated first, then written in one transaction with its audit rows and
// its outbox row for the sync engine.
package registro

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
)

// Service runs the reseller's panel over the store.
type Service struct {
	DB  *store.DB
	Now func() time.Time
	// Posta, optional, is the mailbox the confirmation e-mails go out from
	// after each background sync round (CasellaConferme); ok false: none.
	Posta func(ctx context.Context) (c impostazioni.Casella, ok bool, err error)

	// limitatoFino is when the provider's last 429 allows calling it
	// again (guarded by syncMu).
	limitatoFino time.Time
}

// New returns the service on db with the real clock.
func New(db *store.DB) *Service { return &Service{DB: db, Now: time.Now} }

var (
	// ErrPermesso: the operation is the reseller's only.
	ErrPermesso = errors.New("operazione riservata al rivenditore")
	// ErrNonTrovato: the record does not exist or belongs to another account.
	ErrNonTrovato = errors.New("record non trovato o non accessibile da questo account")
	// ErrAssistenteDisattivato: the operator is a deactivated assistant.
	ErrAssistenteDisattivato = errors.New("l'account assistente è disattivato: rivolgersi al rivenditore")
)

// Accesso is what the acting operator may see.
type Accesso struct {
	Assistente *store.Assistente // nil for the reseller
	Ambito     store.Ambito
}

// Rivenditore reports whether the operator is the reseller.
func (a Accesso) Rivenditore() bool { return a.Assistente == nil }

type assistenteReader interface {
	AssistenteByUsername(ctx context.Context, username string) (store.Assistente, error)
}

func accesso(ctx context.Context, r assistenteReader, op operatori.Operatore) (Accesso, error) {
	if op.Username == "" || !op.Ruolo.Almeno(operatori.RuoloOperatore) {
		return Accesso{}, ErrPermesso
	}
	a, err := r.AssistenteByUsername(ctx, op.Username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Accesso{}, nil
	case err != nil:
		return Accesso{}, err
	case !a.Attivo:
		return Accesso{}, ErrAssistenteDisattivato
	}
	return Accesso{Assistente: &a, Ambito: store.Ambito{AssistenteID: a.ID}}, nil
}

// Accesso tells whether op works as the reseller or as an assistant.
func (s *Service) Accesso(ctx context.Context, op operatori.Operatore) (Accesso, error) {
	return accesso(ctx, s.DB, op)
}

// write runs fn in one transaction with op's access resolved inside it (a
// deactivation committed meanwhile is seen).
func (s *Service) write(ctx context.Context, op operatori.Operatore, fn func(tx *store.Tx, acc Accesso) error) error {
	if op.Username == "" {
		return ErrPermesso
	}
	return s.DB.Write(ctx, op.Username, func(tx *store.Tx) error {
		acc, err := accesso(ctx, tx, op)
		if err != nil {
			return err
		}
		return fn(tx, acc)
	})
}

// rivenditore runs fn only for the reseller.
func (s *Service) rivenditore(ctx context.Context, op operatori.Operatore, fn func(tx *store.Tx) error) error {
	return s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		if !acc.Rivenditore() {
			return ErrPermesso
		}
		return fn(tx)
	})
}

func nonTrovato(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return ErrNonTrovato
	}
	return err
}

// ---- titolari

// CercaTitolari counts the owners matching fl and returns one page of them.
func (s *Service) CercaTitolari(ctx context.Context, op operatori.Operatore, fl store.FiltroTitolari, offset, limit int) (int, []store.Titolare, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return 0, nil, err
	}
	n, err := s.DB.CountTitolari(ctx, acc.Ambito, fl)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.DB.Titolari(ctx, acc.Ambito, fl, offset, limit)
	return n, page, err
}

// DettaglioTitolare is an owner with the three panels of its window.
type DettaglioTitolare struct {
	Titolare  store.Titolare
	Indirizzi []store.Indirizzo
	Attivita  []store.Attivita
	Caselle   []store.Casella
}

// Titolare reads an owner with its addresses, companies and mailboxes.
func (s *Service) Titolare(ctx context.Context, op operatori.Operatore, id int64) (DettaglioTitolare, error) {
	var d DettaglioTitolare
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return d, err
	}
	if d.Titolare, err = s.DB.TitolareByID(ctx, acc.Ambito, id); err != nil {
		return d, nonTrovato(err)
	}
	if d.Indirizzi, err = s.DB.Indirizzi(ctx, acc.Ambito, id); err != nil {
		return d, err
	}
	if d.Attivita, err = s.DB.AttivitaTitolare(ctx, acc.Ambito, id); err != nil {
		return d, err
	}
	d.Caselle, err = s.DB.Caselle(ctx, acc.Ambito, store.FiltroCaselle{TitolareID: id}, 0, 1000)
	return d, err
}

// SalvaTitolare inserts (ID 0) or updates an owner.
func (s *Service) SalvaTitolare(ctx context.Context, op operatori.Operatore, t store.Titolare) (int64, error) {
	if err := validaTitolare(&t); err != nil {
		return 0, err
	}
	var id int64
	err := s.write(ctx, op, func(tx *store.Tx, acc Accesso) (err error) {
		id, err = salvaTitolare(ctx, tx, acc, t)
		return err
	})
	return id, err
}

func salvaTitolare(ctx context.Context, tx *store.Tx, acc Accesso, t store.Titolare) (int64, error) {
	id, err := tx.SaveTitolare(ctx, acc.Ambito, t)
	if errors.Is(err, store.ErrDuplicate) {
		return 0, ErrValidazione{"Codice fiscale", "titolare già registrato"}
	}
	return id, nonTrovato(err)
}

// SalvaIndirizzo inserts (ID 0) or updates an address of an owner.
func (s *Service) SalvaIndirizzo(ctx context.Context, op operatori.Operatore, i store.Indirizzo) (int64, error) {
	if err := validaIndirizzo(&i); err != nil {
		return 0, err
	}
	var id int64
	err := s.write(ctx, op, func(tx *store.Tx, acc Accesso) (err error) {
		if _, err := tx.TitolareByID(ctx, acc.Ambito, i.TitolareID); err != nil && i.ID == 0 {
			return nonTrovato(err)
		}
		id, err = tx.SaveIndirizzo(ctx, acc.Ambito, i)
		return nonTrovato(err)
	})
	return id, err
}

// SalvaAttivita inserts (ID 0) or updates a company of an owner, tied to one of its addresses.
func (s *Service) SalvaAttivita(ctx context.Context, op operatori.Operatore, a store.Attivita) (int64, error) {
	if err := validaAttivita(&a); err != nil {
		return 0, err
	}
	var id int64
	err := s.write(ctx, op, func(tx *store.Tx, acc Accesso) (err error) {
		titolare := a.TitolareID
		if a.ID != 0 {
			prima, err := tx.AttivitaByID(ctx, acc.Ambito, a.ID)
			if err != nil {
				return nonTrovato(err)
			}
			titolare = prima.TitolareID
		} else if _, err := tx.TitolareByID(ctx, acc.Ambito, titolare); err != nil {
			return nonTrovato(err)
		}
		if err := indirizzoDelTitolare(ctx, tx, acc, a.IndirizzoID, titolare); err != nil {
			return err
		}
		id, err = tx.SaveAttivita(ctx, acc.Ambito, a)
		return nonTrovato(err)
	})
	return id, err
}

func indirizzoDelTitolare(ctx context.Context, tx *store.Tx, acc Accesso, indirizzoID, titolareID int64) error {
	ind, err := tx.IndirizzoByID(ctx, acc.Ambito, indirizzoID)
	if errors.Is(err, store.ErrNotFound) || err == nil && ind.TitolareID != titolareID {
		return ErrValidazione{"Indirizzo", "non è un indirizzo del titolare"}
	}
	return err
}

// ---- caselle

// NuovaCasella is the "Inserisci nuovo account certificato" form.
type NuovaCasella struct {
	Nome    string // local part
	Dominio string
	// Titolare: an existing owner (ID, or the fiscal code of one in scope)
	// or a new one (ID 0 and a fiscal code not registered).
	Titolare store.Titolare
	// IndirizzoID picks an existing address of the owner; otherwise Indirizzo is a new one.
	IndirizzoID int64
	Indirizzo   store.Indirizzo
	// AttivitaID picks an existing company; otherwise Attivita, if its
	// ragione sociale is given, is a new one at the address. Optional.
	AttivitaID int64
	Attivita   store.Attivita
	AgenteID   int64 // 0: no agent
}

// Indirizzo returns nome@dominio normalised.
func (n NuovaCasella) indirizzo() (nome, dominio string) {
	return strings.ToLower(strings.TrimSpace(n.Nome)), strings.ToLower(strings.TrimSpace(n.Dominio))
}

// InserisciCasella validates the whole form and stores the owner (if
// new), the address (if new), the company (if new) and the mailbox, IN_ATTESA,
// in one transaction.
func (s *Service) InserisciCasella(ctx context.Context, op operatori.Operatore, n NuovaCasella) (int64, error) {
	nome, dominio := n.indirizzo()
	if err := validaNomeCasella(nome); err != nil {
		return 0, err
	}
	if err := obbligatorio("Dominio", dominio); err != nil {
		return 0, err
	}
	pec := nome + "@" + dominio
	if err := validaPECCasella(pec); err != nil {
		return 0, err
	}
	nuovoTitolare := n.Titolare.ID == 0
	if nuovoTitolare {
		if err := validaTitolare(&n.Titolare); err != nil {
			return 0, err
		}
	}
	if n.IndirizzoID == 0 {
		if err := validaIndirizzo(&n.Indirizzo); err != nil {
			return 0, err
		}
	}
	nuovaAttivita := n.AttivitaID == 0 && strings.TrimSpace(n.Attivita.RagioneSociale+n.Attivita.PartitaIVA) != ""
	if nuovaAttivita {
		if err := validaAttivita(&n.Attivita); err != nil {
			return 0, err
		}
	}
	var id int64
	err := s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		d, err := tx.DominioByNome(ctx, dominio)
		if errors.Is(err, store.ErrNotFound) || err == nil && !d.Certificato {
			return ErrValidazione{"Dominio", fmt.Sprintf("%s non è un dominio certificato del rivenditore", dominio)}
		}
		if err != nil {
			return err
		}
		if a := acc.Assistente; a != nil {
			ok, err := tx.HaDominio(ctx, a.ID, d.ID)
			if err != nil {
				return err
			}
			if !ok {
				return ErrValidazione{"Dominio", fmt.Sprintf("%s non è assegnato a questo assistente", dominio)}
			}
			if a.GestioneAPacchetti {
				capacita, err := tx.CapacitaAssistente(ctx, a.ID)
				if err != nil {
					return err
				}
				usate, err := tx.CountCaselleAssistente(ctx, a.ID)
				if err != nil {
					return err
				}
				if usate >= capacita {
					return ErrValidazione{"Pacchetto", fmt.Sprintf("capacità dei pacchetti esaurita (%d caselle su %d)", usate, capacita)}
				}
			}
		}
		if esiste, err := tx.CasellaEsiste(ctx, pec); err != nil || esiste {
			if err == nil {
				err = ErrValidazione{"Casella", pec + " è già registrata"}
			}
			return err
		}
		// Owner: existing in scope, or new.
		titolareID := n.Titolare.ID
		if nuovoTitolare {
			t, err := tx.TitolareByCF(ctx, n.Titolare.CodiceFiscale)
			switch {
			case err == nil && (acc.Rivenditore() || t.AssistenteID == acc.Ambito.AssistenteID):
				titolareID = t.ID
			case err == nil:
				return ErrValidazione{"Codice fiscale", "titolare registrato da un altro account"}
			case errors.Is(err, store.ErrNotFound):
				if titolareID, err = tx.SaveTitolare(ctx, acc.Ambito, n.Titolare); err != nil {
					return err
				}
			default:
				return err
			}
		} else if _, err := tx.TitolareByID(ctx, acc.Ambito, titolareID); err != nil {
			return nonTrovato(err)
		}
		indirizzoID := n.IndirizzoID
		if indirizzoID != 0 {
			if err := indirizzoDelTitolare(ctx, tx, acc, indirizzoID, titolareID); err != nil {
				return err
			}
		} else {
			n.Indirizzo.ID, n.Indirizzo.TitolareID = 0, titolareID
			if indirizzoID, err = tx.SaveIndirizzo(ctx, acc.Ambito, n.Indirizzo); err != nil {
				return err
			}
		}
		attivitaID := n.AttivitaID
		switch {
		case attivitaID != 0:
			a, err := tx.AttivitaByID(ctx, acc.Ambito, attivitaID)
			if errors.Is(err, store.ErrNotFound) || err == nil && a.TitolareID != titolareID {
				return ErrValidazione{"Attività", "non è un'attività del titolare"}
			}
			if err != nil {
				return err
			}
		case nuovaAttivita:
			n.Attivita.ID, n.Attivita.TitolareID, n.Attivita.IndirizzoID = 0, titolareID, indirizzoID
			if attivitaID, err = tx.SaveAttivita(ctx, acc.Ambito, n.Attivita); err != nil {
				return err
			}
		}
		if n.AgenteID != 0 {
			if err := agenteAttivo(ctx, tx, n.AgenteID); err != nil {
				return err
			}
		}
		id, err = tx.InsertCasella(ctx, acc.Ambito, store.Casella{Indirizzo: pec, DominioID: d.ID, TitolareID: titolareID,
			IndirizzoID: indirizzoID, AttivitaID: attivitaID, AgenteID: n.AgenteID, AgenteInRichiesta: n.AgenteID != 0,
			Stato: store.CasellaInAttesa})
		if errors.Is(err, store.ErrDuplicate) {
			return ErrValidazione{"Casella", pec + " è già registrata"}
		}
		return err
	})
	return id, err
}

func agenteAttivo(ctx context.Context, tx *store.Tx, id int64) error {
	a, err := tx.AgenteByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrValidazione{"Agente", "agente inesistente: inserirlo prima in anagrafica"}
	}
	if err == nil && !a.Attivo {
		return ErrValidazione{"Agente", a.RagioneSociale + " è disattivato"}
	}
	return err
}

// CercaCaselle counts the mailboxes matching fl and returns one page of them.
func (s *Service) CercaCaselle(ctx context.Context, op operatori.Operatore, fl store.FiltroCaselle, offset, limit int) (int, []store.Casella, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return 0, nil, err
	}
	n, err := s.DB.CountCaselle(ctx, acc.Ambito, fl)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.DB.Caselle(ctx, acc.Ambito, fl, offset, limit)
	return n, page, err
}

// Casella reads a mailbox.
func (s *Service) Casella(ctx context.Context, op operatori.Operatore, id int64) (store.Casella, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return store.Casella{}, err
	}
	c, err := s.DB.CasellaByID(ctx, acc.Ambito, id)
	return c, nonTrovato(err)
}

// StoricoCasella is the history of a mailbox ("Visualizzazione storico").
func (s *Service) StoricoCasella(ctx context.Context, op operatori.Operatore, id int64) ([]store.AuditEntry, error) {
	if _, err := s.Casella(ctx, op, id); err != nil {
		return nil, err
	}
	return s.DB.History(ctx, "casella", strconv.FormatInt(id, 10))
}

// modificaCasella reads a mailbox in scope, lets fn change it and saves it.
func (s *Service) modificaCasella(ctx context.Context, op operatori.Operatore, id int64, fn func(tx *store.Tx, c *store.Casella) error) error {
	return s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		before, err := tx.CasellaByID(ctx, acc.Ambito, id)
		if err != nil {
			return nonTrovato(err)
		}
		after := before
		if err := fn(tx, &after); err != nil {
			return err
		}
		return tx.UpdateCasella(ctx, before, after)
	})
}

// SostituisciAgente assigns the mailbox to another agent ("Sostituisci con").
func (s *Service) SostituisciAgente(ctx context.Context, op operatori.Operatore, casellaID, agenteID int64) error {
	if agenteID == 0 {
		return ErrValidazione{"Agente", "obbligatorio"}
	}
	return s.modificaCasella(ctx, op, casellaID, func(tx *store.Tx, c *store.Casella) error {
		if c.PacchettoID != 0 && c.AgenteID != agenteID {
			return ErrValidazione{"Agente", "la casella è in un pacchetto dell'agente attuale: rimuovere prima l'associazione al pacchetto"}
		}
		if err := agenteAttivo(ctx, tx, agenteID); err != nil {
			return err
		}
		c.AgenteID, c.AgenteInRichiesta = agenteID, c.Stato == store.CasellaInAttesa
		return nil
	})
}

// EliminaRichiestaAgente withdraws the request to assign a mailbox not yet
// active to an agent ("Elimina richiesta assegnazione agente").
func (s *Service) EliminaRichiestaAgente(ctx context.Context, op operatori.Operatore, casellaID int64) error {
	return s.modificaCasella(ctx, op, casellaID, func(tx *store.Tx, c *store.Casella) error {
		if c.AgenteID == 0 || !c.AgenteInRichiesta {
			return ErrValidazione{"Agente", "la casella non ha una richiesta di assegnazione ad un agente"}
		}
		c.AgenteID, c.AgenteInRichiesta = 0, false
		return nil
	})
}

// approvaRichiestaAgente turns the agent request of a mailbox that has
// become ATTIVA into its association.
func approvaRichiestaAgente(c *store.Casella) {
	if c.Stato == store.CasellaAttiva {
		c.AgenteInRichiesta = false
	}
}

// EliminaAgente removes the mailbox's agent ("Elimina associazione agente").
func (s *Service) EliminaAgente(ctx context.Context, op operatori.Operatore, casellaID int64) error {
	return s.modificaCasella(ctx, op, casellaID, func(tx *store.Tx, c *store.Casella) error {
		switch {
		case c.AgenteID == 0:
			return ErrValidazione{"Agente", "la casella non è associata ad un agente"}
		case c.AgenteInRichiesta:
			return ErrValidazione{"Agente", "l'agente è solo richiesto: usare «Elimina richiesta assegnazione agente»"}
		case c.PacchettoID != 0:
			return ErrValidazione{"Agente", "la casella è in un pacchetto dell'agente: rimuovere prima l'associazione al pacchetto"}
		}
		c.AgenteID = 0
		return nil
	})
}

// AssociaPacchetto puts an ATTIVA mailbox in a package of its agent, within
// the package's capacity (counted inside the writing transaction, so two
// operators racing for the last slot cannot both win).
func (s *Service) AssociaPacchetto(ctx context.Context, op operatori.Operatore, casellaID, pacchettoID int64) error {
	return s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		c, err := tx.CasellaByID(ctx, acc.Ambito, casellaID)
		if err != nil {
			return nonTrovato(err)
		}
		if c.Stato != store.CasellaAttiva {
			return ErrValidazione{"Casella", "solo una casella ATTIVA può essere associata a un pacchetto (stato " + c.Stato + ")"}
		}
		if c.AgenteID == 0 {
			return ErrValidazione{"Agente", "la casella non ha un agente: associarla prima a un agente"}
		}
		p, err := tx.PacchettoByID(ctx, pacchettoID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrValidazione{"Pacchetto", "pacchetto inesistente: crearlo prima"}
		}
		if err != nil {
			return err
		}
		if p.AgenteID != c.AgenteID {
			return ErrValidazione{"Pacchetto", "il pacchetto non è dell'agente della casella"}
		}
		if c.PacchettoID == p.ID {
			return nil
		}
		usate, err := tx.CountCasellePacchetto(ctx, p.ID)
		if err != nil {
			return err
		}
		if usate >= p.Quantita {
			return ErrValidazione{"Pacchetto", fmt.Sprintf("%s è pieno (%d caselle su %d)", p.Nome, usate, p.Quantita)}
		}
		return tx.AssociaPacchetto(ctx, c.ID, p.ID, c.PacchettoID)
	})
}

// RimuoviPacchetto takes a mailbox out of its package.
func (s *Service) RimuoviPacchetto(ctx context.Context, op operatori.Operatore, casellaID int64) error {
	return s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		c, err := tx.CasellaByID(ctx, acc.Ambito, casellaID)
		if err != nil {
			return nonTrovato(err)
		}
		if c.PacchettoID == 0 {
			return ErrValidazione{"Pacchetto", "la casella non è in un pacchetto"}
		}
		return tx.RimuoviPacchetto(ctx, c.ID, c.PacchettoID)
	})
}

// Attiva records that the provider activated a mailbox (used by the sync):
// IN_ATTESA (or SOSPESA) becomes ATTIVA with the activation time. Already
// ATTIVA: nothing changes. From IN_ATTESA the confirmation e-mail is
// queued in the same transaction (conferme.go).
func (s *Service) Attiva(ctx context.Context, op operatori.Operatore, casellaID int64, quando time.Time) error {
	return s.modificaCasella(ctx, op, casellaID, func(tx *store.Tx, c *store.Casella) error {
		switch c.Stato {
		case store.CasellaAttiva:
			return nil
		case store.CasellaCessata:
			return ErrValidazione{"Stato", "una casella CESSATA non può essere attivata"}
		}
		if quando.IsZero() {
			quando = s.Now()
		}
		prima := *c
		c.Stato, c.AttivataIl = store.CasellaAttiva, quando.UTC()
		approvaRichiestaAgente(c)
		if attivata(prima, *c) {
			return accodaConferma(ctx, tx, *c)
		}
		return nil
	})
}

// EsportaCaselle writes the mailboxes matching fl as CSV ("Esporta Dati"),
// cells neutralised against spreadsheet formulas.
func (s *Service) EsportaCaselle(ctx context.Context, op operatori.Operatore, fl store.FiltroCaselle, w io.Writer) error {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return err
	}
	cols := []tabelle.Column{{Title: "Casella"}, {Title: "Dominio"}, {Title: "Stato"}, {Title: "Titolare"},
		{Title: "Codice fiscale"}, {Title: "Data inserimento", Kind: tabelle.DateTime}, {Title: "Data attivazione", Kind: tabelle.DateTime},
		{Title: "Inserita da"}}
	dt := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(zona).Format("2006-01-02 15:04:05")
	}
	rows := func(yield func([]string, error) bool) {
		for c, err := range s.DB.EachCasella(ctx, acc.Ambito, fl) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield([]string{c.Indirizzo, c.Dominio, c.Stato, c.Titolare, c.CodiceFiscale, dt(c.InseritaIl), dt(c.AttivataIl),
				c.InseritaDa}, nil) {
				return
			}
		}
	}
	return tabelle.WriteCSV(w, cols, tabelle.SeqRows(rows), tabelle.CSVOptions{})
}

var zona = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Rome"); err == nil {
		return l
	}
	return time.UTC
}()

// InfoServizio is the summary of the home window.
func (s *Service) InfoServizio(ctx context.Context, op operatori.Operatore) (store.RiepilogoRegistro, error) {
	acc, err := s.Accesso(ctx, op)
	if err != nil {
		return store.RiepilogoRegistro{}, err
	}
	return s.DB.Riepilogo(ctx, acc.Ambito)
}
