package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// The demo's PEC reseller panel: a reseller of Vimercate with its certified
// domains (and one still waiting for certification), its own package, three
// agents with packages, two assistants (a.moretti with a package, s.galli
// without), 50 owners of Brianza and Milano and 100 mailboxes in every state.
// Everything goes through core/registro (validation, audit, outbox): the
// suspended and ceased mailboxes come from a migration of the old panel's
// list (Registro.Importa), the others from the insertion form, activated
// as the provider would (Registro.Attiva). Deterministic.

// Domains of the demo reseller.
var DominiPEC = sandbox.ProviderDemoDomains // the same the sandbox provider certifies

// DominioRichiesto is requested but not yet certified.
const DominioRichiesto = "pec.arcore-professionisti.it"

// The demo's caselle by state (20 in attesa, 60 attive, 10 sospese, 10 cessate).
var CaselleDemoPerStato = map[string]int{store.CasellaInAttesa: 20, store.CasellaAttiva: 60, store.CasellaSospesa: 10,
	store.CasellaCessata: 10}

type assistenteDemo struct {
	username, nome, cognome string
	sesso                   byte
	nascita                 time.Time
	domini                  []string
	pacchetto               *store.PacchettoAssistente
}

var assistentiDemo = []assistenteDemo{
	{"a.moretti", "Alessandra", "Moretti", 'F', time.Date(1984, 4, 12, 0, 0, 0, 0, time.UTC),
		[]string{"pec.vimercate-servizi.it", "legalmail-demo.it"},
		&store.PacchettoAssistente{Nome: "Moretti - 40 caselle", Quantita: 40, DurataAnni: 3}},
	{"s.galli", "Stefano", "Galli", 'M', time.Date(1979, 10, 3, 0, 0, 0, 0, time.UTC),
		[]string{"pec.studiobrianza.it", "legalmail-demo.it"}, nil},
}

type agenteDemo struct {
	agente    store.Agente
	domini    []string
	pacchetti []store.Pacchetto
}

var agentiDemo = []agenteDemo{
	{store.Agente{RagioneSociale: "Brianza Digitale S.r.l.", Nome: "Paolo", Cognome: "Mauri", Email: "p.mauri@brianzadigitale.it", Attivo: true},
		[]string{"pec.vimercate-servizi.it", "legalmail-demo.it"},
		[]store.Pacchetto{{Nome: "Professionisti 2026", Quantita: 30, DurataAnni: 1}, {Nome: "Condomini e amministratori", Quantita: 20, DurataAnni: 3}}},
	{store.Agente{RagioneSociale: "Studio Crippa & Associati", Nome: "Elena", Cognome: "Crippa", Email: "elena.crippa@studiocrippa.it", Attivo: true},
		[]string{"pec.studiobrianza.it"},
		[]store.Pacchetto{{Nome: "Studi professionali", Quantita: 25, DurataAnni: 2}}},
	{store.Agente{RagioneSociale: "Redaelli Servizi Informatici di Redaelli Marco", Nome: "Marco", Cognome: "Redaelli",
		Email: "info@redaelliservizi.it", Attivo: true},
		[]string{"legalmail-demo.it", "pec.studiobrianza.it"},
		[]store.Pacchetto{{Nome: "Aziende Brianza", Quantita: 15, DurataAnni: 1}}},
}

type comuneDemo struct{ nome, cap, prefisso string }

var comuniDemo = []comuneDemo{
	{"Vimercate", "20871", "039"}, {"Monza", "20900", "039"}, {"Arcore", "20862", "039"}, {"Agrate Brianza", "20864", "039"},
	{"Concorezzo", "20863", "039"}, {"Usmate Velate", "20865", "039"}, {"Carnate", "20866", "039"}, {"Bernareggio", "20881", "039"},
	{"Seregno", "20831", "0362"}, {"Desio", "20832", "0362"}, {"Lissone", "20851", "039"}, {"Milano", "20125", "02"},
	{"Sesto San Giovanni", "20099", "02"}, {"Cologno Monzese", "20093", "02"}, {"Brugherio", "20861", "039"},
	{"Burago di Molgora", "20875", "039"}, {"Bellusco", "20882", "039"}, {"Villasanta", "20852", "039"},
	{"Carate Brianza", "20841", "0362"}, {"Cernusco sul Naviglio", "20063", "02"},
}

var (
	aziendeDemo = []string{"Fumagalli Arredamenti S.r.l.", "Officine Meccaniche Brambilla S.p.A.", "Tipografia Sironi S.n.c.",
		"Crippa Impianti Elettrici S.r.l.", "Cooperativa Sociale Il Melograno", "Pirovano Logistica S.r.l.",
		"Caseificio Valtolina S.a.s.", "Immobiliare Villa & Figli S.r.l.", "Autoriparazioni Longoni S.n.c.", "Mariani Costruzioni S.p.A."}
	ditteDemo          = []string{"Ferramenta", "Panificio", "Parrucchiera", "Idraulica", "Tabaccheria", "Fiorista"}
	professionistiDemo = []string{"Studio Legale Avv.", "Studio Commercialista Dott.", "Studio Tecnico Geom.", "Studio Dentistico Dott."}
	postaDemo          = []string{"gmail.com", "libero.it", "alice.it", "hotmail.it", "outlook.it"}
)

// titolareDemo is an owner and what the forms need.
type titolareDemo struct {
	t         store.Titolare
	indirizzo store.Indirizzo
	attivita  store.Attivita // empty for a private person
	slug      string         // for the mailbox names
	account   int            // 0 reseller, 1 a.moretti, 2 s.galli
}

// slugDemo keeps the lower-case letters and digits of s.
func slugDemo(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, s)
}

func titolariDemo(n int) []titolareDemo {
	luoghi := []string{"M052", "F704", "F205", "A376", "I625", "E617"}
	visti := map[string]bool{}
	out := make([]titolareDemo, 0, n)
	for i := 0; len(out) < n; i++ {
		k := len(out)
		cognome := cognomiLista[(i*7+3)%len(cognomiLista)]
		sesso, nome := byte('M'), nomiListaM[(i*5)%len(nomiListaM)]
		if i%2 == 1 {
			sesso, nome = 'F', nomiListaF[(i*3)%len(nomiListaF)]
		}
		nascita := time.Date(1950+(i*13)%50, time.Month(1+(i*7)%12), 1+(i*11)%28, 0, 0, 0, 0, time.UTC)
		cf, err := anagrafe.GeneraCodiceFiscale(cognome, nome, nascita, sesso, luoghi[i%len(luoghi)])
		if err != nil || visti[cf] {
			continue
		}
		visti[cf] = true
		c := comuniDemo[k%len(comuniDemo)]
		persona := strings.ToLower(slugDemo(nome) + "." + slugDemo(cognome))
		td := titolareDemo{
			t: store.Titolare{Nome: nome, Cognome: cognome, CodiceFiscale: cf, Tipo: registro.TipoPrivato,
				Email: persona + "@" + postaDemo[k%len(postaDemo)], Cellulare: fmt.Sprintf("3%02d %07d", 20+k%30, 4_512_300+k*7_919)},
			indirizzo: store.Indirizzo{Via: vieLista[(k*3)%len(vieLista)], Civico: fmt.Sprint(1 + (k*17)%120), CAP: c.cap, Comune: c.nome,
				Telefono: fmt.Sprintf("%s %07d", c.prefisso, 6_081_200+k*1_337)},
			slug: persona, account: []int{0, 1, 0, 2, 0}[k%5]}
		piva := anagrafe.GeneraPartitaIVA(2_345_000+k*7_919, 96+k%5)
		switch k % 10 {
		case 0, 5: // a company: the fiscal code is its partita IVA, the person its legal representative
			rs := aziendeDemo[(k/5)%len(aziendeDemo)]
			td.t.Tipo, td.t.CodiceFiscale = registro.TipoAzienda, piva
			td.attivita = store.Attivita{RagioneSociale: rs, PartitaIVA: piva}
			td.slug = slugDemo(strings.Fields(rs)[0] + strings.Fields(rs)[1])
			td.t.Email = "amministrazione@" + td.slug + ".it"
			if visti[piva] {
				continue
			}
			visti[piva] = true
		case 3: // ditta individuale
			td.t.Tipo = registro.TipoDittaIndividuale
			td.attivita = store.Attivita{RagioneSociale: fmt.Sprintf("%s %s di %s %s", ditteDemo[k%len(ditteDemo)], cognome, cognome, nome),
				PartitaIVA: piva}
		case 7: // libero professionista
			td.t.Tipo = registro.TipoLiberoProfessionista
			td.attivita = store.Attivita{RagioneSociale: fmt.Sprintf("%s %s %s", professionistiDemo[k%len(professionistiDemo)], nome, cognome),
				PartitaIVA: piva}
		}
		out = append(out, td)
	}
	return out
}

// casellaDemo is one planned mailbox.
type casellaDemo struct {
	titolare        int
	nome, dominio   string
	stato           string
	agente          int // index in agentiDemo, -1 none
	pacchetto       bool
	dataAttivazione time.Time
}

func seedRegistro(ctx context.Context, a *core.App, admin operatori.Operatore) error {
	r := a.Registro
	ops := []operatori.Operatore{admin}
	for _, as := range assistentiDemo {
		o, err := a.Operatori.Crea(ctx, admin, operatori.Nuovo{Username: as.username, Nome: as.nome + " " + as.cognome,
			Email: as.username + "@vimercate-servizi.example.it", Ruolo: operatori.RuoloOperatore, Password: Password, Attivo: true})
		if err != nil {
			return fmt.Errorf("account %s: %w", as.username, err)
		}
		ops = append(ops, o)
	}
	for i, d := range DominiPEC {
		if _, err := r.RegistraDominio(ctx, admin, store.Dominio{Dominio: d, Certificato: true, Stato: "CERTIFICATO",
			RichiestoIl: fmt.Sprintf("2023-%02d-10", 2+i*3), CertificatoIl: fmt.Sprintf("2023-%02d-24", 2+i*3)}); err != nil {
			return err
		}
	}
	if _, err := r.RegistraDominio(ctx, admin, store.Dominio{Dominio: DominioRichiesto, Stato: "RICHIESTO", RichiestoIl: "2026-01-19"}); err != nil {
		return err
	}
	if _, err := r.SalvaPacchetto(ctx, admin, store.Pacchetto{Nome: "Rivenditore - 500 caselle", Quantita: 500, DurataAnni: 5}); err != nil {
		return err
	}
	agenti := make([]int64, len(agentiDemo))
	pacchetti := make([][]int64, len(agentiDemo))
	for i, ag := range agentiDemo {
		id, err := r.SalvaAgente(ctx, admin, ag.agente, ag.domini)
		if err != nil {
			return fmt.Errorf("agente %s: %w", ag.agente.RagioneSociale, err)
		}
		agenti[i] = id
		for _, p := range ag.pacchetti {
			p.AgenteID = id
			pid, err := r.SalvaPacchetto(ctx, admin, p)
			if err != nil {
				return err
			}
			pacchetti[i] = append(pacchetti[i], pid)
		}
	}
	for _, as := range assistentiDemo {
		cf, err := anagrafe.GeneraCodiceFiscale(as.cognome, as.nome, as.nascita, as.sesso, "M052")
		if err != nil {
			return err
		}
		if _, err := r.InserisciAssistente(ctx, admin, registro.NuovoAssistente{
			Assistente: store.Assistente{Username: as.username, Nome: as.nome, Cognome: as.cognome, CodiceFiscale: cf,
				EmailPEC: as.username + "@" + as.domini[0], GestioneAPacchetti: as.pacchetto != nil},
			Domini: as.domini, Pacchetto: as.pacchetto}); err != nil {
			return fmt.Errorf("assistente %s: %w", as.username, err)
		}
	}

	// The plan: 50 owners with 1 to 3 mailboxes each, 100 in all.
	tit := titolariDemo(50)
	dominiAccount := [][]string{DominiPEC, assistentiDemo[0].domini, assistentiDemo[1].domini}
	var piano []casellaDemo
	usati := map[string]bool{}
	for i, td := range tit {
		for j := range []int{3, 1, 2}[i%3] {
			k := len(piano)
			doms := dominiAccount[td.account]
			c := casellaDemo{titolare: i, dominio: doms[(i+j)%len(doms)], agente: -1}
			c.nome = td.slug
			if td.attivita.RagioneSociale != "" && j > 0 {
				c.nome = []string{"amministrazione", "fatture", "ufficio.tecnico"}[j%3] + "." + td.slug
			}
			for n := 2; usati[c.nome+"@"+c.dominio]; n++ {
				c.nome = fmt.Sprintf("%s%d", td.slug, n)
			}
			usati[c.nome+"@"+c.dominio] = true
			c.stato = []string{store.CasellaInAttesa, store.CasellaInAttesa, store.CasellaAttiva, store.CasellaAttiva,
				store.CasellaAttiva, store.CasellaAttiva, store.CasellaAttiva, store.CasellaAttiva, store.CasellaSospesa,
				store.CasellaCessata}[(k+k/10)%10] // each block of ten is a permutation: exact counts, no pattern by account
			if k%3 != 0 {
				var candidati []int
				for ai, ag := range agentiDemo {
					for _, d := range ag.domini {
						if d == c.dominio {
							candidati = append(candidati, ai)
						}
					}
				}
				if len(candidati) > 0 {
					c.agente = candidati[k%len(candidati)]
				}
			}
			c.pacchetto = c.stato == store.CasellaAttiva && c.agente >= 0 && k%2 == 0
			if c.stato != store.CasellaInAttesa {
				c.dataAttivazione = time.Date(2024+k%2, time.Month(1+k%12), 1+(k*7)%28, 10, 0, 0, 0, zonaDemo)
			}
			piano = append(piano, c)
		}
	}

	// 1. The old panel's list: the suspended and ceased mailboxes, migrated by each account.
	for acc, op := range ops {
		var righe []registro.RigaImport
		for _, c := range piano {
			td := tit[c.titolare]
			if td.account != acc || c.stato != store.CasellaSospesa && c.stato != store.CasellaCessata {
				continue
			}
			ri := registro.RigaImport{Casella: c.nome + "@" + c.dominio, Titolare: td.t, Indirizzo: td.indirizzo,
				Attivita: td.attivita, Stato: c.stato, DataAttivazione: c.dataAttivazione}
			ri.Titolare.Telefono = td.indirizzo.Telefono
			if c.agente >= 0 {
				ri.Agente = agentiDemo[c.agente].agente.RagioneSociale
			}
			righe = append(righe, ri)
		}
		if len(righe) == 0 {
			continue
		}
		if _, errs, err := r.Importa(ctx, op, righe); err != nil {
			if len(errs) > 0 {
				return fmt.Errorf("migrazione caselle di %s: %v", op.Username, errs[0])
			}
			return err
		}
	}

	// 2. The others through the insertion form; the provider activates most.
	type esistente struct{ titolare, indirizzo, attivita int64 }
	noti := map[int]esistente{}
	trova := func(op operatori.Operatore, i int) (esistente, bool, error) {
		if e, ok := noti[i]; ok {
			return e, true, nil
		}
		_, ts, err := r.CercaTitolari(ctx, op, store.FiltroTitolari{CodiceFiscale: tit[i].t.CodiceFiscale}, 0, 1)
		if err != nil || len(ts) == 0 {
			return esistente{}, false, err
		}
		d, err := r.Titolare(ctx, op, ts[0].ID)
		if err != nil || len(d.Indirizzi) == 0 {
			return esistente{}, false, err
		}
		e := esistente{titolare: d.Titolare.ID, indirizzo: d.Indirizzi[0].ID}
		if len(d.Attivita) > 0 {
			e.attivita = d.Attivita[0].ID
		}
		noti[i] = e
		return e, true, nil
	}
	usate := make([][]int, len(agentiDemo))
	for i := range usate {
		usate[i] = make([]int, len(pacchetti[i]))
	}
	for k, c := range piano {
		if c.stato != store.CasellaInAttesa && c.stato != store.CasellaAttiva {
			continue
		}
		td := tit[c.titolare]
		op := ops[td.account]
		n := registro.NuovaCasella{Nome: c.nome, Dominio: c.dominio}
		e, ok, err := trova(op, c.titolare)
		if err != nil {
			return err
		}
		if ok {
			n.Titolare.ID, n.IndirizzoID, n.AttivitaID = e.titolare, e.indirizzo, e.attivita
		} else {
			n.Titolare, n.Indirizzo, n.Attivita = td.t, td.indirizzo, td.attivita
		}
		if c.agente >= 0 {
			n.AgenteID = agenti[c.agente]
		}
		id, err := r.InserisciCasella(ctx, op, n)
		if err != nil {
			return fmt.Errorf("casella %s@%s: %w", c.nome, c.dominio, err)
		}
		if c.stato != store.CasellaAttiva {
			continue
		}
		if err := r.Attiva(ctx, admin, id, time.Time{}); err != nil {
			return err
		}
		if k%3 == 0 { // a third of them, spread over the accounts
			if err := caricaContratto(ctx, r, op, id, c, td); err != nil {
				return err
			}
		}
		if !c.pacchetto {
			continue
		}
		for pi, pid := range pacchetti[c.agente] {
			if usate[c.agente][pi] < agentiDemo[c.agente].pacchetti[pi].Quantita {
				if err := r.AssociaPacchetto(ctx, admin, id, pid); err != nil {
					return err
				}
				usate[c.agente][pi]++
				break
			}
		}
	}
	return nil
}

// caricaContratto attaches to a mailbox its activation contract, signed by
// the owner, as the reseller scans and uploads it.
func caricaContratto(ctx context.Context, r *registro.Service, op operatori.Operatore, id int64, c casellaDemo, td titolareDemo) error {
	indirizzo := c.nome + "@" + c.dominio
	nome := td.t.Nome + " " + td.t.Cognome
	if td.attivita.RagioneSociale != "" {
		nome = td.attivita.RagioneSociale + " — " + nome
	}
	var b bytes.Buffer
	err := lettere.StampaLettera(&b, lettere.Lettera{
		Ente: lettere.Ente{Nome: "Vimercate Servizi S.r.l.", Settore: "Servizio di posta elettronica certificata",
			Indirizzo: "Piazza Marconi 7, 20871 Vimercate (MB)", PEC: "amministrazione@pec.vimercate-servizi.it", Luogo: "Vimercate"},
		Destinatario: lettere.Destinatario{Nome: nome, Indirizzo: td.indirizzo.Via + " " + td.indirizzo.Civico,
			CAP: td.indirizzo.CAP, Comune: td.indirizzo.Comune, Provincia: td.indirizzo.Provincia, PEC: indirizzo},
		Oggetto: "Contratto di attivazione della casella di posta elettronica certificata " + indirizzo,
		Testo: "Il titolare chiede l'attivazione della casella " + indirizzo + " e accetta le condizioni del servizio:\n" +
			"- durata del servizio e rinnovo secondo il pacchetto sottoscritto;\n" +
			"- conservazione dei log dei messaggi per trenta mesi, come previsto dal DPR 68/2005;\n" +
			"- trattamento dei dati personali secondo il Regolamento (UE) 2016/679.\n" +
			"Codice fiscale del titolare: " + td.t.CodiceFiscale + ".",
		Firma: "Per accettazione, il titolare\n" + td.t.Nome + " " + td.t.Cognome + " (firmato digitalmente)",
	})
	if err != nil {
		return err
	}
	_, err = r.CaricaDocumento(ctx, op, id, store.DocContratto, "contratto-"+c.nome+".pdf", b.Bytes())
	return err
}

var zonaDemo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Rome"); err == nil {
		return l
	}
	return time.UTC
}()
