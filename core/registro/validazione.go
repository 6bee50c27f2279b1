package registro

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/store"
)

// ErrValidazione names the field and the reason, in Italian.
type ErrValidazione struct{ Campo, Motivo string }

func (e ErrValidazione) Error() string { return e.Campo + ": " + e.Motivo }

func obbligatorio(campo, v string) error {
	if strings.TrimSpace(v) == "" {
		return ErrValidazione{campo, "obbligatorio"}
	}
	return nil
}

// Tipi di titolare.
const (
	TipoPrivato                 = "PRIVATO"
	TipoAzienda                 = "AZIENDA"
	TipoLiberoProfessionista    = "LIBERO_PROFESSIONISTA"
	TipoDittaIndividuale        = "DITTA_INDIVIDUALE"
	TipoNoProfit                = "NO_PROFIT"
	TipoPubblicaAmministrazione = "PUBBLICA_AMMINISTRAZIONE"
)

// TipiTitolare lists the kinds of owner.
var TipiTitolare = []string{TipoPrivato, TipoAzienda, TipoLiberoProfessionista, TipoDittaIndividuale, TipoNoProfit,
	TipoPubblicaAmministrazione}

// telefonoSegnaposto are digit strings typed to get past a required field.
var telefonoSegnaposto = []string{"1234567890", "0123456789", "9876543210", "0987654321", "123456789", "12345678"}

// normalizzaTelefono drops blanks, dots, dashes, slashes and an Italian +39/0039 prefix.
func normalizzaTelefono(v string) string {
	v = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '/' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(v))
	for _, p := range []string{"+39", "0039"} {
		if strings.HasPrefix(v, p) && len(v) > len(p)+5 {
			return v[len(p):]
		}
	}
	return v
}

// validaTelefono checks a plausible Italian phone number: 6 to 11 digits
// (after an optional +39), not all the same digit, not a counting sequence.
// An empty value passes unless required.
func validaTelefono(campo, v string, richiesto bool) (string, error) {
	if strings.TrimSpace(v) == "" {
		if richiesto {
			return "", ErrValidazione{campo, "obbligatorio"}
		}
		return "", nil
	}
	n := normalizzaTelefono(v)
	for _, r := range n {
		if r < '0' || r > '9' {
			return "", ErrValidazione{campo, fmt.Sprintf("carattere %q non ammesso: solo cifre, spazi e prefisso +39", r)}
		}
	}
	if len(n) < 6 || len(n) > 11 {
		return "", ErrValidazione{campo, fmt.Sprintf("%d cifre: un numero italiano ne ha da 6 a 11", len(n))}
	}
	if strings.Count(n, n[:1]) == len(n) || slices.Contains(telefonoSegnaposto, n) {
		return "", ErrValidazione{campo, fmt.Sprintf("%q non è un numero di telefono", v)}
	}
	if n[0] != '0' && n[0] != '3' {
		return "", ErrValidazione{campo, "un numero fisso inizia con 0, un cellulare con 3"}
	}
	return n, nil
}

func validaTitolare(t *store.Titolare) error {
	t.Nome, t.Cognome = strings.TrimSpace(t.Nome), strings.TrimSpace(t.Cognome)
	t.CodiceFiscale = anagrafe.NormalizzaCodiceFiscale(t.CodiceFiscale)
	t.Email = anagrafe.NormalizzaEmail(t.Email)
	if err := obbligatorio("Nome", t.Nome); err != nil {
		return err
	}
	if err := obbligatorio("Cognome", t.Cognome); err != nil {
		return err
	}
	if !slices.Contains(TipiTitolare, t.Tipo) {
		return ErrValidazione{"Tipo", fmt.Sprintf("%q sconosciuto: ammessi %s", t.Tipo, strings.Join(TipiTitolare, ", "))}
	}
	var err error
	if t.Tipo == TipoPrivato {
		err = anagrafe.ValidaCodiceFiscale(t.CodiceFiscale)
	} else {
		err = anagrafe.ValidaCodiceFiscaleOPartitaIVA(t.CodiceFiscale)
	}
	if err != nil {
		return ErrValidazione{"Codice fiscale", anagrafe.Dettaglio(err)}
	}
	if err := obbligatorio("E-mail", t.Email); err != nil {
		return err
	}
	if err := anagrafe.ValidaEmail(t.Email); err != nil {
		return ErrValidazione{"E-mail", anagrafe.Dettaglio(err)}
	}
	if t.Telefono, err = validaTelefono("Telefono", t.Telefono, false); err != nil {
		return err
	}
	if t.Cellulare, err = validaTelefono("Cellulare", t.Cellulare, false); err != nil {
		return err
	}
	return nil
}

// validaIndirizzo checks an address; every field is required except fax
// and cellulare. Provincia comes from the comune, and CAP must be one of
// the comune's (filled in when the comune has only one).
func validaIndirizzo(i *store.Indirizzo) error {
	i.Via, i.Civico, i.Comune = strings.TrimSpace(i.Via), strings.TrimSpace(i.Civico), strings.TrimSpace(i.Comune)
	i.CAP, i.Provincia = strings.TrimSpace(i.CAP), strings.ToUpper(strings.TrimSpace(i.Provincia))
	if err := obbligatorio("Via", i.Via); err != nil {
		return err
	}
	if err := obbligatorio("Civico", i.Civico); err != nil {
		return err
	}
	if err := obbligatorio("Comune", i.Comune); err != nil {
		return err
	}
	c, ok := anagrafe.ComuneByNome(i.Comune)
	if !ok && i.Provincia != "" {
		c, ok = anagrafe.ComuneByNome(i.Comune + " (" + i.Provincia + ")")
	}
	if !ok {
		return ErrValidazione{"Comune", fmt.Sprintf("%q non è un comune italiano attuale (per i nomi ripetuti indicare la provincia)", i.Comune)}
	}
	if i.Provincia != "" && i.Provincia != c.Provincia {
		return ErrValidazione{"Provincia", fmt.Sprintf("%s è in provincia di %s, non %s", c.Nome, c.Provincia, i.Provincia)}
	}
	i.Comune, i.Provincia = c.Nome, c.Provincia
	if i.CAP == "" && len(c.CAP) == 1 {
		i.CAP = c.CAP[0]
	}
	if err := obbligatorio("CAP", i.CAP); err != nil {
		return err
	}
	if utf8.RuneCountInString(i.CAP) != 5 || strings.Trim(i.CAP, "0123456789") != "" {
		return ErrValidazione{"CAP", "5 cifre"}
	}
	// The bundled CAPs come from Wikidata and may be incomplete (Roma has
	// one): a CAP is refused only when not even its first three digits
	// (the postal area) match one of the comune's.
	if len(c.CAP) > 0 && !slices.ContainsFunc(c.CAP, func(x string) bool { return x[:3] == i.CAP[:3] }) {
		return ErrValidazione{"CAP", fmt.Sprintf("%s non è un CAP di %s (%s)", i.CAP, c.Nome, strings.Join(c.CAP, ", "))}
	}
	var err error
	if i.Telefono, err = validaTelefono("Telefono", i.Telefono, true); err != nil {
		return err
	}
	if i.Fax, err = validaTelefono("Fax", i.Fax, false); err != nil {
		return err
	}
	if i.Cellulare, err = validaTelefono("Cellulare", i.Cellulare, false); err != nil {
		return err
	}
	return nil
}

func validaAttivita(a *store.Attivita) error {
	a.RagioneSociale, a.PartitaIVA = strings.TrimSpace(a.RagioneSociale), strings.TrimSpace(a.PartitaIVA)
	if err := obbligatorio("Ragione sociale", a.RagioneSociale); err != nil {
		return err
	}
	if err := anagrafe.ValidaPartitaIVA(a.PartitaIVA); err != nil {
		return ErrValidazione{"Partita IVA", anagrafe.Dettaglio(err)}
	}
	return nil
}

// validaNomeCasella checks the local part of a mailbox address: lower-case
// letters, digits, '.', '-' and '_', 1 to 64 characters, starting and
// ending with a letter or digit, no two dots in a row.
func validaNomeCasella(nome string) error {
	if nome == "" {
		return ErrValidazione{"Nome casella", "obbligatorio"}
	}
	if len(nome) > 64 {
		return ErrValidazione{"Nome casella", fmt.Sprintf("%d caratteri, al massimo 64", len(nome))}
	}
	for _, r := range nome {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return ErrValidazione{"Nome casella", fmt.Sprintf("carattere %q non ammesso (minuscole, cifre, punto, trattino, trattino basso)", r)}
		}
	}
	alnum := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	if !alnum(nome[0]) || !alnum(nome[len(nome)-1]) {
		return ErrValidazione{"Nome casella", "deve iniziare e finire con una lettera o una cifra"}
	}
	if strings.Contains(nome, "..") {
		return ErrValidazione{"Nome casella", "due punti consecutivi"}
	}
	return nil
}

func validaAgente(a *store.Agente) error {
	a.RagioneSociale, a.Nome, a.Cognome = strings.TrimSpace(a.RagioneSociale), strings.TrimSpace(a.Nome), strings.TrimSpace(a.Cognome)
	a.Email = anagrafe.NormalizzaEmail(a.Email)
	for _, f := range [][2]string{{"Ragione sociale", a.RagioneSociale}, {"Nome", a.Nome}, {"Cognome", a.Cognome}, {"E-mail", a.Email}} {
		if err := obbligatorio(f[0], f[1]); err != nil {
			return err
		}
	}
	if err := anagrafe.ValidaEmail(a.Email); err != nil {
		return ErrValidazione{"E-mail", anagrafe.Dettaglio(err)}
	}
	return nil
}

func validaPacchetto(nome string, quantita, durata int) error {
	if err := obbligatorio("Nome pacchetto", nome); err != nil {
		return err
	}
	if quantita <= 0 {
		return ErrValidazione{"Quantità caselle", "deve essere maggiore di zero"}
	}
	if durata < 1 || durata > 10 {
		return ErrValidazione{"Durata del canone", "da 1 a 10 anni"}
	}
	return nil
}

func validaAssistente(a *store.Assistente) error {
	a.Username, a.Nome, a.Cognome = strings.TrimSpace(a.Username), strings.TrimSpace(a.Nome), strings.TrimSpace(a.Cognome)
	a.CodiceFiscale, a.EmailPEC = anagrafe.NormalizzaCodiceFiscale(a.CodiceFiscale), anagrafe.NormalizzaEmail(a.EmailPEC)
	for _, f := range [][2]string{{"Nome utente", a.Username}, {"Nome", a.Nome}, {"Cognome", a.Cognome}, {"PEC per le comunicazioni", a.EmailPEC}} {
		if err := obbligatorio(f[0], f[1]); err != nil {
			return err
		}
	}
	if err := anagrafe.ValidaCodiceFiscale(a.CodiceFiscale); err != nil {
		return ErrValidazione{"Codice fiscale", anagrafe.Dettaglio(err)}
	}
	if err := anagrafe.ValidaPEC(a.EmailPEC); err != nil {
		return ErrValidazione{"PEC per le comunicazioni", anagrafe.Dettaglio(err)}
	}
	return nil
}

func validaPECCasella(pec string) error {
	if err := anagrafe.ValidaPEC(pec); err != nil {
		return ErrValidazione{"Casella", anagrafe.Dettaglio(err)}
	}
	return nil
}
