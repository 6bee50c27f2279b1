// Package operatori manages the local accounts of Sportello, their roles
// and the login that tells every other service who is working.
package operatori

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/store"
)

// Ruolo is what an operator may do. Each role includes the ones before it.
type Ruolo string

const (
	RuoloOperatore      Ruolo = "operatore"       // consults, prepares
	RuoloOperatoreInvio Ruolo = "operatore_invio" // also sends to citizens
	RuoloSupervisore    Ruolo = "supervisore"     // also exports and oversees
	RuoloAmministratore Ruolo = "amministratore"  // also settings and accounts
)

// Ruoli lists the roles from least to most powerful.
var Ruoli = []Ruolo{RuoloOperatore, RuoloOperatoreInvio, RuoloSupervisore, RuoloAmministratore}

var ruoloLabels = map[Ruolo]string{
	RuoloOperatore:      "Operatore",
	RuoloOperatoreInvio: "Operatore abilitato all'invio",
	RuoloSupervisore:    "Supervisore",
	RuoloAmministratore: "Amministratore",
}

// Label is the role's Italian name as shown to users.
func (r Ruolo) Label() string { return ruoloLabels[r] }

// RuoloByLabel maps an Italian label (or the code) back to a role.
func RuoloByLabel(s string) (Ruolo, bool) {
	for _, r := range Ruoli {
		if s == string(r) || s == r.Label() {
			return r, true
		}
	}
	return "", false
}

func (r Ruolo) rank() int {
	for i, x := range Ruoli {
		if x == r {
			return i
		}
	}
	return -1
}

// Almeno reports whether r grants at least what min grants.
func (r Ruolo) Almeno(min Ruolo) bool { return r.rank() >= min.rank() && r.rank() >= 0 }

// Operatore is the logged-in account.
type Operatore struct {
	ID       int64
	Username string
	Nome     string
	Email    string
	Ruolo    Ruolo
	Attivo   bool
	// AccessoPrecedente is the login before the current one (zero if none).
	AccessoPrecedente time.Time
}

func fromStore(o store.Operatore) Operatore {
	return Operatore{ID: o.ID, Username: o.Username, Nome: o.Nome, Email: o.Email, Ruolo: Ruolo(o.Ruolo), Attivo: o.Attivo,
		AccessoPrecedente: o.UltimoAccesso}
}

// Service manages accounts over the store.
type Service struct {
	DB *store.DB
}

// ErrCredenziali is the single answer to a failed login, whatever the cause,
// so the login window does not reveal which usernames exist.
var ErrCredenziali = errors.New("nome utente o password non corretti")

// ErrDisattivato is returned when the credentials are right but the account is disabled.
var ErrDisattivato = errors.New("l'account è disattivato: rivolgersi all'amministratore")

// ErrValidazione names the field and the reason, in Italian.
type ErrValidazione struct{ Campo, Motivo string }

func (e ErrValidazione) Error() string { return e.Campo + ": " + e.Motivo }

// Nuovo is the data of an account to create or update.
type Nuovo struct {
	Username string
	Nome     string
	Email    string
	Ruolo    Ruolo
	Password string // empty on update = unchanged
	Attivo   bool
}

// MinPasswordLen is the minimum length of a password.
const MinPasswordLen = 10

func (n Nuovo) validate(creating bool) error {
	if len(n.Username) < 3 || len(n.Username) > 40 {
		return ErrValidazione{"Nome utente", "da 3 a 40 caratteri"}
	}
	for _, r := range n.Username {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return ErrValidazione{"Nome utente", fmt.Sprintf("carattere %q non ammesso (solo minuscole, cifre, punto, trattino)", r)}
		}
	}
	if strings.TrimSpace(n.Nome) == "" {
		return ErrValidazione{"Nome e cognome", "obbligatorio"}
	}
	if n.Email != "" {
		if err := anagrafe.ValidaEmail(n.Email); err != nil {
			return ErrValidazione{"E-mail", anagrafe.Dettaglio(err)}
		}
	}
	if n.Ruolo.rank() < 0 {
		return ErrValidazione{"Ruolo", fmt.Sprintf("ruolo %q sconosciuto", n.Ruolo)}
	}
	if creating || n.Password != "" {
		if err := validatePassword(n.Password); err != nil {
			return err
		}
	}
	return nil
}

func validatePassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLen {
		return ErrValidazione{"Password", fmt.Sprintf("minimo %d caratteri, trovati %d", MinPasswordLen, utf8.RuneCountInString(p))}
	}
	var letter, other bool
	for _, r := range p {
		if unicode.IsLetter(r) {
			letter = true
		} else {
			other = true
		}
	}
	if !letter || !other {
		return ErrValidazione{"Password", "deve contenere lettere e almeno una cifra o un simbolo"}
	}
	return nil
}

// PrimoAvvio reports whether no account exists yet (first run: the
// administrator must be created).
func (s *Service) PrimoAvvio(ctx context.Context) (bool, error) {
	n, err := s.DB.CountOperatori(ctx)
	return n == 0, err
}

// CreaAmministratore creates the first administrator. It fails once any account exists.
func (s *Service) CreaAmministratore(ctx context.Context, n Nuovo) (Operatore, error) {
	n.Ruolo, n.Attivo = RuoloAmministratore, true
	if err := n.validate(true); err != nil {
		return Operatore{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return Operatore{}, err
	}
	var id int64
	err = s.DB.Write(ctx, n.Username, func(tx *store.Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM operatori`).Scan(&count); err != nil {
			return err
		}
		if count > 0 {
			return errors.New("l'amministratore esiste già: accedere con le sue credenziali")
		}
		id, err = tx.InsertOperatore(ctx, store.Operatore{Username: n.Username, Nome: n.Nome, Email: n.Email,
			Ruolo: string(n.Ruolo), PasswordHash: hash, Attivo: true})
		return err
	})
	if err != nil {
		return Operatore{}, err
	}
	return Operatore{ID: id, Username: n.Username, Nome: n.Nome, Email: n.Email, Ruolo: n.Ruolo, Attivo: true}, nil
}

// Login checks the credentials and returns the account.
func (s *Service) Login(ctx context.Context, username, password string) (Operatore, error) {
	o, err := s.DB.OperatoreByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, store.ErrNotFound) {
		_, _ = CheckPassword(dummyHash, password) // same cost as a real check
		return Operatore{}, ErrCredenziali
	}
	if err != nil {
		return Operatore{}, err
	}
	ok, err := CheckPassword(o.PasswordHash, password)
	if err != nil {
		return Operatore{}, err
	}
	if !ok {
		return Operatore{}, ErrCredenziali
	}
	if !o.Attivo {
		return Operatore{}, ErrDisattivato
	}
	_ = s.DB.TouchAccesso(ctx, o.ID, time.Now())
	return fromStore(o), nil
}

var dummyHash, _ = HashPassword("sportello-dummy-password")

// Elenco lists every account; only administrators may call it.
func (s *Service) Elenco(ctx context.Context, by Operatore) ([]Operatore, error) {
	if !by.Ruolo.Almeno(RuoloAmministratore) {
		return nil, ErrNonAutorizzato
	}
	list, err := s.DB.Operatori(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Operatore, len(list))
	for i, o := range list {
		out[i] = fromStore(o)
	}
	return out, nil
}

// ErrNonAutorizzato is returned when the operator's role does not allow the action.
var ErrNonAutorizzato = errors.New("operazione riservata a un ruolo superiore")

// Crea adds an account; by must be an administrator.
func (s *Service) Crea(ctx context.Context, by Operatore, n Nuovo) (Operatore, error) {
	if !by.Ruolo.Almeno(RuoloAmministratore) {
		return Operatore{}, ErrNonAutorizzato
	}
	if err := n.validate(true); err != nil {
		return Operatore{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return Operatore{}, err
	}
	var id int64
	err = s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		id, err = tx.InsertOperatore(ctx, store.Operatore{Username: n.Username, Nome: n.Nome, Email: n.Email,
			Ruolo: string(n.Ruolo), PasswordHash: hash, Attivo: n.Attivo})
		return err
	})
	if errors.Is(err, store.ErrDuplicate) {
		return Operatore{}, ErrValidazione{"Nome utente", fmt.Sprintf("%q è già in uso", n.Username)}
	}
	if err != nil {
		return Operatore{}, err
	}
	return Operatore{ID: id, Username: n.Username, Nome: n.Nome, Email: n.Email, Ruolo: n.Ruolo, Attivo: n.Attivo}, nil
}

// Modifica updates an account (password only when n.Password is set). An
// administrator cannot demote or disable the last active administrator.
func (s *Service) Modifica(ctx context.Context, by Operatore, id int64, n Nuovo) error {
	if !by.Ruolo.Almeno(RuoloAmministratore) {
		return ErrNonAutorizzato
	}
	if err := n.validate(false); err != nil {
		return err
	}
	var hash string
	if n.Password != "" {
		var err error
		if hash, err = HashPassword(n.Password); err != nil {
			return err
		}
	}
	err := s.DB.Write(ctx, by.Username, func(tx *store.Tx) error {
		if n.Ruolo != RuoloAmministratore || !n.Attivo {
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM operatori WHERE ruolo = 'amministratore' AND attivo = 1 AND id <> ?`, id).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return ErrValidazione{"Ruolo", "deve restare almeno un amministratore attivo"}
			}
		}
		return tx.UpdateOperatore(ctx, store.Operatore{ID: id, Username: n.Username, Nome: n.Nome, Email: n.Email,
			Ruolo: string(n.Ruolo), PasswordHash: hash, Attivo: n.Attivo})
	})
	if errors.Is(err, store.ErrDuplicate) {
		return ErrValidazione{"Nome utente", fmt.Sprintf("%q è già in uso", n.Username)}
	}
	return err
}

// CambiaPassword lets any operator change their own password.
func (s *Service) CambiaPassword(ctx context.Context, me Operatore, attuale, nuova string) error {
	if _, err := s.Login(ctx, me.Username, attuale); err != nil {
		return ErrValidazione{"Password attuale", "non corretta"}
	}
	if err := validatePassword(nuova); err != nil {
		return err
	}
	hash, err := HashPassword(nuova)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, me.Username, func(tx *store.Tx) error {
		return tx.UpdateOperatore(ctx, store.Operatore{ID: me.ID, Username: me.Username, Nome: me.Nome, Email: me.Email,
			Ruolo: string(me.Ruolo), PasswordHash: hash, Attivo: me.Attivo})
	})
}
