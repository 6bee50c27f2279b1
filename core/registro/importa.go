package registro

// Migration of a reseller's existing mailbox list from the old panel's
// export ("pec importa"): every row is validated first, then all of them are
// written in one transaction, or nothing is.
//
// The file is the old panel's CSV export (';' or ',' separated, UTF-8, with
// a header row; an .xlsx with the same columns is accepted too). Columns,
// by header name (case and blanks ignored, any order):
//
//	Casella          nome@dominio, or the local part alone with Dominio (required)
//	Dominio          a certified domain of the reseller (required unless in Casella)
//	CodiceFiscale    the owner's fiscal code, or an 11-digit one for a company (required)
//	Nome, Cognome    the owner (for a company: its legal representative) (required)
//	RagioneSociale   the owner's company, optional; with PartitaIva
//	PartitaIva       required when RagioneSociale is given
//	Indirizzo        street of the owner's address (required)
//	Civico           street number (required)
//	CAP              postal code (required unless the comune has only one)
//	Comune           comune (required); Provincia is checked against it
//	Provincia        sigla, optional (needed only for comuni of the same name)
//	Telefono         owner's phone at that address (required; "0000000000" and the like refused)
//	Email            owner's e-mail (required)
//	Stato            IN_ATTESA (default), ATTIVA, SOSPESA or CESSATA
//	DataAttivazione  AAAA-MM-GG, GG/MM/AAAA or AAAA-MM-GG hh:mm:ss; required
//	                 for ATTIVA and SOSPESA, empty for IN_ATTESA
//	Agente           ragione sociale or e-mail of an existing, active agent; optional
//	Tipo             optional: PRIVATO, AZIENDA, DITTA_INDIVIDUALE, LIBERO_PROFESSIONISTA,
//	                 NO_PROFIT, PUBBLICA_AMMINISTRAZIONE; otherwise AZIENDA for an
//	                 11-digit CodiceFiscale, DITTA_INDIVIDUALE for a person with a
//	                 PartitaIva, PRIVATO otherwise
//
// Rows of the same CodiceFiscale share the owner (created by the first
// one, or the one already registered in this account's scope), and the
// same address and company are stored once.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
)

// Columns of the import file.
const (
	ColCasella         = "Casella"
	ColDominio         = "Dominio"
	ColCodiceFiscale   = "CodiceFiscale"
	ColNome            = "Nome"
	ColCognome         = "Cognome"
	ColRagioneSociale  = "RagioneSociale"
	ColPartitaIva      = "PartitaIva"
	ColIndirizzo       = "Indirizzo"
	ColCivico          = "Civico"
	ColCAP             = "CAP"
	ColComune          = "Comune"
	ColProvincia       = "Provincia"
	ColTelefono        = "Telefono"
	ColEmail           = "Email"
	ColStato           = "Stato"
	ColDataAttivazione = "DataAttivazione"
	ColAgente          = "Agente"
	ColTipo            = "Tipo"
)

// ColonneImport are the columns of the import file, in the export's order
// (Tipo, optional, last).
var ColonneImport = []string{ColCasella, ColDominio, ColCodiceFiscale, ColNome, ColCognome, ColRagioneSociale, ColPartitaIva,
	ColIndirizzo, ColCivico, ColCAP, ColComune, ColProvincia, ColTelefono, ColEmail, ColStato, ColDataAttivazione, ColAgente, ColTipo}

// MaxRigheImport bounds one import.
const MaxRigheImport = 200_000

// RigaImport is one mailbox of the old panel's list.
type RigaImport struct {
	Riga            int    // line in the file, for the messages (0: position in the slice, from 1)
	Casella         string // nome@dominio or the local part
	Dominio         string
	Titolare        store.Titolare // Nome, Cognome, CodiceFiscale, Tipo ("" = derived), Email, Telefono
	Indirizzo       store.Indirizzo
	Attivita        store.Attivita // optional: RagioneSociale, PartitaIVA
	Stato           string         // "" = IN_ATTESA
	DataAttivazione time.Time
	Agente          string // ragione sociale or e-mail of an agent; "" none
}

// ErroreRiga is a problem in one row of the file.
type ErroreRiga struct {
	Riga    int
	Colonna string
	Motivo  string
}

func (e ErroreRiga) Error() string {
	if e.Colonna == "" {
		return fmt.Sprintf("riga %d: %s", e.Riga, e.Motivo)
	}
	return fmt.Sprintf("riga %d, colonna %s: %s", e.Riga, e.Colonna, e.Motivo)
}

// ErrImportNonValido: at least one row has problems; nothing was stored.
var ErrImportNonValido = errors.New("il file ha righe da correggere: non è stato salvato nulla")

// colonnaDi maps the validation's field names to the file's columns.
var colonnaDi = map[string]string{
	"Nome casella": ColCasella, "Casella": ColCasella, "Dominio": ColDominio, "Codice fiscale": ColCodiceFiscale,
	"Nome": ColNome, "Cognome": ColCognome, "Tipo": ColTipo, "E-mail": ColEmail, "Telefono": ColTelefono,
	"Cellulare": ColTelefono, "Via": ColIndirizzo, "Civico": ColCivico, "Comune": ColComune, "Provincia": ColProvincia,
	"CAP": ColCAP, "Fax": ColTelefono, "Ragione sociale": ColRagioneSociale, "Partita IVA": ColPartitaIva,
	"Agente": ColAgente, "Stato": ColStato, "Pacchetto": ColCasella,
}

func erroreRiga(riga int, err error) ErroreRiga {
	var v ErrValidazione
	if errors.As(err, &v) {
		col := colonnaDi[v.Campo]
		if col == "" {
			col = v.Campo
		}
		return ErroreRiga{riga, col, v.Motivo}
	}
	return ErroreRiga{Riga: riga, Motivo: err.Error()}
}

// LeggiImport reads the old panel's export (CSV or .xlsx) into rows. The
// problems of shape (unknown state, unreadable date, missing columns) are
// returned as ErroreRiga; the other checks are Importa's. err is for a file
// that cannot be read at all.
func LeggiImport(r io.Reader) ([]RigaImport, []ErroreRiga, error) {
	sh, err := tabelle.Read(r, tabelle.ReadOptions{MaxRows: MaxRigheImport + 1})
	if err != nil {
		return nil, nil, err
	}
	defer sh.Close()
	if !sh.Next() {
		if sh.Err() != nil {
			return nil, nil, sh.Err()
		}
		return nil, nil, tabelle.ErrEmpty
	}
	chiave := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	idx := map[string]int{}
	for i, h := range sh.Row() {
		idx[chiave(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	var errs []ErroreRiga
	for _, c := range []string{ColCasella, ColCodiceFiscale, ColNome, ColCognome, ColIndirizzo, ColCivico, ColComune, ColTelefono, ColEmail} {
		if _, ok := idx[chiave(c)]; !ok {
			errs = append(errs, ErroreRiga{sh.Line(), c, "colonna mancante nell'intestazione"})
		}
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	var righe []RigaImport
	for sh.Next() {
		row := sh.Row()
		get := func(col string) string {
			if i, ok := idx[chiave(col)]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		n := sh.Line()
		ri := RigaImport{Riga: n, Casella: get(ColCasella), Dominio: get(ColDominio), Agente: get(ColAgente),
			Titolare: store.Titolare{Nome: get(ColNome), Cognome: get(ColCognome), CodiceFiscale: get(ColCodiceFiscale),
				Tipo: strings.ToUpper(get(ColTipo)), Email: get(ColEmail), Telefono: get(ColTelefono)},
			Indirizzo: store.Indirizzo{Via: get(ColIndirizzo), Civico: get(ColCivico), CAP: get(ColCAP), Comune: get(ColComune),
				Provincia: get(ColProvincia), Telefono: get(ColTelefono)},
			Attivita: store.Attivita{RagioneSociale: get(ColRagioneSociale), PartitaIVA: get(ColPartitaIva)},
			Stato:    strings.ToUpper(strings.ReplaceAll(get(ColStato), " ", "_"))}
		if d := get(ColDataAttivazione); d != "" {
			t, ok := parseData(d)
			if !ok {
				errs = append(errs, ErroreRiga{n, ColDataAttivazione, fmt.Sprintf("%q non è una data (AAAA-MM-GG o GG/MM/AAAA)", d)})
				continue
			}
			ri.DataAttivazione = t
		}
		righe = append(righe, ri)
	}
	if err := sh.Err(); errors.Is(err, tabelle.ErrTooManyRows) {
		return nil, nil, fmt.Errorf("il file ha più di %d righe: dividerlo", MaxRigheImport)
	} else if err != nil {
		return nil, nil, err
	}
	return righe, errs, nil
}

func parseData(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2006-01-02 15:04:05", "02/01/2006 15:04:05", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.ParseInLocation(layout, s, zona); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var statiCasella = []string{store.CasellaInAttesa, store.CasellaAttiva, store.CasellaSospesa, store.CasellaCessata}

// rigaPronta is a row validated on its own.
type rigaPronta struct {
	RigaImport
	nome, dominio, pec string
	nuovaAttivita      bool
}

// casellaRiga splits the row's address into local part and domain.
func casellaRiga(r RigaImport) (nome, dominio string, err error) {
	c := strings.ToLower(strings.TrimSpace(r.Casella))
	d := strings.ToLower(strings.TrimSpace(r.Dominio))
	if nome, dom, ok := strings.Cut(c, "@"); ok {
		if d != "" && d != dom {
			return "", "", ErrValidazione{"Dominio", fmt.Sprintf("%s non è il dominio della casella %s", d, c)}
		}
		c, d = nome, dom
	}
	return c, d, nil
}

// valida checks a row without the database.
func (s *Service) valida(r RigaImport) (rigaPronta, error) {
	p := rigaPronta{RigaImport: r}
	c, d, err := casellaRiga(r)
	if err != nil {
		return p, err
	}
	if err := validaNomeCasella(c); err != nil {
		return p, err
	}
	if err := obbligatorio("Dominio", d); err != nil {
		return p, err
	}
	p.nome, p.dominio, p.pec = c, d, c+"@"+d
	if err := validaPECCasella(p.pec); err != nil {
		return p, err
	}
	t := &p.Titolare
	t.ID = 0
	if t.Tipo == "" {
		cf := anagrafe.NormalizzaCodiceFiscale(t.CodiceFiscale)
		switch {
		case len(cf) == 11:
			t.Tipo = TipoAzienda
		case strings.TrimSpace(r.Attivita.PartitaIVA) != "":
			t.Tipo = TipoDittaIndividuale
		default:
			t.Tipo = TipoPrivato
		}
	}
	if err := validaTitolare(t); err != nil {
		return p, err
	}
	p.Indirizzo.ID = 0
	if err := validaIndirizzo(&p.Indirizzo); err != nil {
		return p, err
	}
	p.nuovaAttivita = strings.TrimSpace(r.Attivita.RagioneSociale+r.Attivita.PartitaIVA) != ""
	if p.nuovaAttivita {
		p.Attivita.ID = 0
		if err := validaAttivita(&p.Attivita); err != nil {
			return p, err
		}
	}
	if p.Stato == "" {
		p.Stato = store.CasellaInAttesa
	}
	if !slices.Contains(statiCasella, p.Stato) {
		return p, ErrValidazione{"Stato", fmt.Sprintf("%q sconosciuto: ammessi %s", r.Stato, strings.Join(statiCasella, ", "))}
	}
	switch {
	case p.Stato == store.CasellaInAttesa && !p.DataAttivazione.IsZero():
		return p, ErrValidazione{"DataAttivazione", "una casella IN_ATTESA non ha data di attivazione"}
	case (p.Stato == store.CasellaAttiva || p.Stato == store.CasellaSospesa) && p.DataAttivazione.IsZero():
		return p, ErrValidazione{"DataAttivazione", "obbligatoria per una casella " + p.Stato}
	case p.DataAttivazione.After(s.Now()):
		return p, ErrValidazione{"DataAttivazione", "è nel futuro"}
	}
	return p, nil
}

// Importa validates every row (on its own, then against the database and
// the other rows: certified domain of this account, free and not repeated
// address, existing active agent, owner not of another account, the
// assistant's package capacity) and, only if none has problems, stores all
// of them in one transaction with their owners, addresses and companies,
// audit and outbox rows. It returns how many mailboxes were stored; with
// problems, 0, all of them, and ErrImportNonValido.
func (s *Service) Importa(ctx context.Context, op operatori.Operatore, righe []RigaImport) (int, []ErroreRiga, error) {
	return s.importa(ctx, op, righe, true)
}

// errSoloVerifica rolls back a verification.
var errSoloVerifica = errors.New("solo verifica")

// VerificaImport runs Importa's checks on righe and stores nothing: the
// problems of every row (nil if none).
func (s *Service) VerificaImport(ctx context.Context, op operatori.Operatore, righe []RigaImport) ([]ErroreRiga, error) {
	_, errs, err := s.importa(ctx, op, righe, false)
	if errors.Is(err, ErrImportNonValido) {
		err = nil
	}
	return errs, err
}

func (s *Service) importa(ctx context.Context, op operatori.Operatore, righe []RigaImport, salva bool) (int, []ErroreRiga, error) {
	if len(righe) == 0 {
		return 0, nil, ErrValidazione{"File", "nessuna casella da importare"}
	}
	var errs []ErroreRiga
	viste := map[string]int{} // address -> first row
	pronte := make([]rigaPronta, 0, len(righe))
	for i, r := range righe {
		if r.Riga == 0 {
			r.Riga = i + 1
		}
		if c, d, err := casellaRiga(r); err == nil && c != "" {
			pec := c + "@" + d
			if prima, ok := viste[pec]; ok {
				errs = append(errs, erroreRiga(r.Riga, ErrValidazione{"Casella", fmt.Sprintf("%s ripetuta (già alla riga %d)", pec, prima)}))
				continue
			}
			viste[pec] = r.Riga
		}
		p, err := s.valida(r)
		if err != nil {
			errs = append(errs, erroreRiga(r.Riga, err))
			continue
		}
		pronte = append(pronte, p)
	}
	agenti, err := s.DB.Agenti(ctx, store.FiltroAgenti{})
	if err != nil {
		return 0, nil, err
	}
	agenteDi := func(nome string) (int64, error) {
		v := strings.ToLower(strings.TrimSpace(nome))
		var id int64
		for _, a := range agenti {
			if strings.ToLower(a.RagioneSociale) == v || strings.ToLower(a.Email) == v {
				if id != 0 && id != a.ID {
					return 0, ErrValidazione{"Agente", fmt.Sprintf("%q indica più agenti: usare l'e-mail", nome)}
				}
				id = a.ID
			}
		}
		if id == 0 {
			return 0, ErrValidazione{"Agente", fmt.Sprintf("%q non è un agente in anagrafica: inserirlo prima", nome)}
		}
		return id, nil
	}
	n := 0
	err = s.write(ctx, op, func(tx *store.Tx, acc Accesso) error {
		// Pass 1: every row against the database and the other rows.
		domini := map[string]int64{}
		agentiRiga := make([]int64, len(pronte))
		nuove := 0
		for i, p := range pronte {
			fail := func(err error) { errs = append(errs, erroreRiga(p.Riga, err)) }
			if _, ok := domini[p.dominio]; !ok {
				d, err := tx.DominioByNome(ctx, p.dominio)
				switch {
				case errors.Is(err, store.ErrNotFound) || err == nil && !d.Certificato:
					fail(ErrValidazione{"Dominio", fmt.Sprintf("%s non è un dominio certificato del rivenditore", p.dominio)})
					continue
				case err != nil:
					return err
				}
				if a := acc.Assistente; a != nil {
					ok, err := tx.HaDominio(ctx, a.ID, d.ID)
					if err != nil {
						return err
					}
					if !ok {
						fail(ErrValidazione{"Dominio", fmt.Sprintf("%s non è assegnato a questo assistente", p.dominio)})
						continue
					}
				}
				domini[p.dominio] = d.ID
			}
			if esiste, err := tx.CasellaEsiste(ctx, p.pec); err != nil {
				return err
			} else if esiste {
				fail(ErrValidazione{"Casella", p.pec + " è già registrata"})
				continue
			}
			if t, err := tx.TitolareByCF(ctx, p.Titolare.CodiceFiscale); err == nil && !acc.Rivenditore() && t.AssistenteID != acc.Ambito.AssistenteID {
				fail(ErrValidazione{"Codice fiscale", "titolare registrato da un altro account"})
				continue
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if p.Agente != "" {
				id, err := agenteDi(p.Agente)
				if err == nil {
					err = agenteAttivo(ctx, tx, id)
				}
				if err != nil {
					fail(err)
					continue
				}
				agentiRiga[i] = id
			}
			if p.Stato != store.CasellaCessata {
				nuove++
			}
		}
		if a := acc.Assistente; a != nil && a.GestioneAPacchetti && nuove > 0 {
			capacita, err := tx.CapacitaAssistente(ctx, a.ID)
			if err != nil {
				return err
			}
			usate, err := tx.CountCaselleAssistente(ctx, a.ID)
			if err != nil {
				return err
			}
			if usate+nuove > capacita {
				errs = append(errs, ErroreRiga{Motivo: fmt.Sprintf("capacità dei pacchetti dell'assistente superata: %d caselle già usate, %d nel file, %d disponibili in tutto",
					usate, nuove, capacita)})
			}
		}
		if len(errs) > 0 {
			return ErrImportNonValido
		}
		if !salva {
			return errSoloVerifica
		}
		// Pass 2: write.
		titolari := map[string]int64{}
		indirizzi := map[string]int64{}
		attivita := map[string]int64{}
		for i, p := range pronte {
			cf := p.Titolare.CodiceFiscale
			tid, ok := titolari[cf]
			if !ok {
				t, err := tx.TitolareByCF(ctx, cf)
				switch {
				case err == nil:
					tid = t.ID
				case errors.Is(err, store.ErrNotFound):
					if tid, err = tx.SaveTitolare(ctx, acc.Ambito, p.Titolare); err != nil {
						return err
					}
				default:
					return err
				}
				titolari[cf] = tid
			}
			ind := p.Indirizzo
			kInd := fmt.Sprint(tid, "|", strings.ToLower(ind.Via), "|", strings.ToLower(ind.Civico), "|", ind.CAP, "|", ind.Comune)
			iid, ok := indirizzi[kInd]
			if !ok {
				ind.TitolareID = tid
				var err error
				if iid, err = tx.SaveIndirizzo(ctx, acc.Ambito, ind); err != nil {
					return err
				}
				indirizzi[kInd] = iid
			}
			var aid int64
			if p.nuovaAttivita {
				kAtt := fmt.Sprint(tid, "|", p.Attivita.PartitaIVA, "|", strings.ToLower(p.Attivita.RagioneSociale))
				if aid, ok = attivita[kAtt]; !ok {
					at := p.Attivita
					at.TitolareID, at.IndirizzoID = tid, iid
					var err error
					if aid, err = tx.SaveAttivita(ctx, acc.Ambito, at); err != nil {
						return err
					}
					attivita[kAtt] = aid
				}
			}
			c := store.Casella{Indirizzo: p.pec, DominioID: domini[p.dominio], TitolareID: tid, IndirizzoID: iid, AttivitaID: aid,
				AgenteID: agentiRiga[i], AgenteInRichiesta: agentiRiga[i] != 0 && p.Stato == store.CasellaInAttesa, Stato: p.Stato}
			if !p.DataAttivazione.IsZero() {
				c.AttivataIl = p.DataAttivazione.UTC()
			}
			if _, err := tx.InsertCasella(ctx, acc.Ambito, c); err != nil {
				if errors.Is(err, store.ErrDuplicate) {
					errs = append(errs, erroreRiga(p.Riga, ErrValidazione{"Casella", p.pec + " è già registrata"}))
					return ErrImportNonValido
				}
				return err
			}
			n++
		}
		return nil
	})
	if errors.Is(err, errSoloVerifica) {
		return 0, nil, nil
	}
	if err != nil && !errors.Is(err, ErrImportNonValido) {
		return 0, nil, err
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b ErroreRiga) int { return a.Riga - b.Riga })
		return 0, errs, ErrImportNonValido
	}
	if err != nil {
		return 0, nil, err
	}
	return n, nil, nil
}
