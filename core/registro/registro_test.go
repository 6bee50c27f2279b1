package registro

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

var (
	postmaster = operatori.Operatore{Username: "postmaster", Ruolo: operatori.RuoloSupervisore}
	anna       = operatori.Operatore{Username: "anna", Ruolo: operatori.RuoloOperatore}
	bruno      = operatori.Operatore{Username: "bruno", Ruolo: operatori.RuoloOperatore}
)

// fixture: two certified domains, a reseller package of 10, assistants anna
// (pec-a.it, packages: 1 slot) and bruno (both domains, no packages), an agent with a package of 1.
type fixture struct {
	s               *Service
	agente, pacchet int64
	annaID          int64
}

func nuovo(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &Service{DB: db, Now: func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }}
	for _, u := range []string{"anna", "bruno"} {
		if err := db.Write(ctx, "admin", func(tx *store.Tx) error {
			_, err := tx.InsertOperatore(ctx, store.Operatore{Username: u, Nome: u, Ruolo: "operatore", PasswordHash: "x", Attivo: true})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"pec-a.it", "pec-b.it"} {
		if _, err := s.RegistraDominio(ctx, postmaster, store.Dominio{Dominio: d, Certificato: true, Stato: "CERTIFICATO"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RegistraDominio(ctx, postmaster, store.Dominio{Dominio: "attesa.it", Stato: "RICHIESTO"}); err != nil {
		t.Fatal(err)
	}
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	must(s.SalvaPacchetto(ctx, postmaster, store.Pacchetto{Nome: "Postmaster", Quantita: 10, DurataAnni: 3}))
	f := fixture{s: s}
	f.annaID = must(s.InserisciAssistente(ctx, postmaster, NuovoAssistente{
		Assistente: store.Assistente{Username: "anna", Nome: "Anna", Cognome: "Neri", CodiceFiscale: "BNCLRA85T50F205A",
			EmailPEC: "anna@pec-a.it", GestioneAPacchetti: true},
		Domini: []string{"pec-a.it"}, Pacchetto: &store.PacchettoAssistente{Nome: "Base", Quantita: 1, DurataAnni: 1}}))
	must(s.InserisciAssistente(ctx, postmaster, NuovoAssistente{
		Assistente: store.Assistente{Username: "bruno", Nome: "Bruno", Cognome: "Blu", CodiceFiscale: "BNCLRA85T50F205A",
			EmailPEC: "bruno@pec-a.it"}, Domini: []string{"pec-a.it", "pec-b.it"}}))
	f.agente = must(s.SalvaAgente(ctx, postmaster, store.Agente{RagioneSociale: "Vendite Srl", Nome: "Carlo", Cognome: "Verdi",
		Email: "carlo@vendite.it", Attivo: true}, []string{"pec-a.it"}))
	f.pacchet = must(s.SalvaPacchetto(ctx, postmaster, store.Pacchetto{AgenteID: f.agente, Nome: "Dieci", Quantita: 1, DurataAnni: 1}))
	return f
}

func form(nome, dominio, cf string) NuovaCasella {
	return NuovaCasella{Nome: nome, Dominio: dominio,
		Titolare:  store.Titolare{Nome: "Mario", Cognome: "Rossi", CodiceFiscale: cf, Tipo: TipoPrivato, Email: "mario@example.it"},
		Indirizzo: store.Indirizzo{Via: "Via Roma", Civico: "1", Comune: "Pinerolo", Telefono: "0121 123456"},
		Attivita:  store.Attivita{RagioneSociale: "Rossi Srl", PartitaIVA: "00488410010"}}
}

func campo(t *testing.T, err error, want string) {
	t.Helper()
	var v ErrValidazione
	if !errors.As(err, &v) || v.Campo != want {
		t.Fatalf("got %v, want an error on %q", err, want)
	}
}

func TestInserisciCasella(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	id, err := f.s.InserisciCasella(ctx, postmaster, form("mario.rossi", "PEC-B.it", "DLCGUO68P15D969U"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.s.Casella(ctx, postmaster, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Indirizzo != "mario.rossi@pec-b.it" || c.Stato != store.CasellaInAttesa || c.InseritaDa != "postmaster" || c.AssistenteID != 0 {
		t.Fatalf("%+v", c)
	}
	d, err := f.s.Titolare(ctx, postmaster, c.TitolareID)
	if err != nil {
		t.Fatal(err)
	}
	// Provincia and CAP come from the comuni data; the phone is normalised.
	if i := d.Indirizzi[0]; i.Provincia != "TO" || i.CAP != "10064" || i.Telefono != "0121123456" {
		t.Fatalf("address %+v", i)
	}
	if len(d.Attivita) != 1 || d.Attivita[0].IndirizzoID != d.Indirizzi[0].ID || len(d.Caselle) != 1 {
		t.Fatalf("detail %+v", d)
	}
	// Same address again: taken.
	_, err = f.s.InserisciCasella(ctx, postmaster, form("mario.rossi", "pec-b.it", "DLCGUO68P15D969U"))
	campo(t, err, "Casella")
	// A second mailbox reuses the owner (same fiscal code) and an existing address.
	n := form("mario2", "pec-b.it", "DLCGUO68P15D969U")
	n.IndirizzoID, n.Attivita = d.Indirizzi[0].ID, store.Attivita{}
	id2, err := f.s.InserisciCasella(ctx, postmaster, n)
	if err != nil {
		t.Fatal(err)
	}
	if c2, _ := f.s.Casella(ctx, postmaster, id2); c2.TitolareID != c.TitolareID || c2.IndirizzoID != c.IndirizzoID {
		t.Fatalf("second mailbox %+v", c2)
	}
	// Audited and queued in the outbox in the same transactions.
	h, err := f.s.StoricoCasella(ctx, postmaster, id)
	if err != nil || len(h) == 0 || h[0].Operatore != "postmaster" {
		t.Fatalf("history %v %v", h, err)
	}
	info, err := f.s.InfoServizio(ctx, postmaster)
	if err != nil || info.Caselle[store.CasellaInAttesa] != 2 || info.OutboxPendenti == 0 {
		t.Fatalf("info %+v %v", info, err)
	}
	out, _ := f.s.DB.Outbox(ctx, "PENDING", 1000)
	var caselle int
	for _, o := range out {
		if o.Entita == "casella" && strings.Contains(o.Payload, "mario.rossi@pec-b.it") {
			caselle++
		}
	}
	if caselle != 1 {
		t.Fatalf("outbox rows of the mailbox: %d", caselle)
	}
}

func TestRegole(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		edit  func(n *NuovaCasella)
		campo string
	}{
		{"nome mancante", func(n *NuovaCasella) { n.Nome = "" }, "Nome casella"},
		{"nome non valido", func(n *NuovaCasella) { n.Nome = "mario rossi" }, "Nome casella"},
		{"punto iniziale", func(n *NuovaCasella) { n.Nome = ".mario" }, "Nome casella"},
		{"dominio non del rivenditore", func(n *NuovaCasella) { n.Dominio = "altro.it" }, "Dominio"},
		{"dominio non certificato", func(n *NuovaCasella) { n.Dominio = "attesa.it" }, "Dominio"},
		{"codice fiscale errato", func(n *NuovaCasella) { n.Titolare.CodiceFiscale = "DLCGUO68P15D969A" }, "Codice fiscale"},
		{"cognome mancante", func(n *NuovaCasella) { n.Titolare.Cognome = " " }, "Cognome"},
		{"tipo sconosciuto", func(n *NuovaCasella) { n.Titolare.Tipo = "ALTRO" }, "Tipo"},
		{"email errata", func(n *NuovaCasella) { n.Titolare.Email = "mario@" }, "E-mail"},
		{"partita IVA errata", func(n *NuovaCasella) { n.Attivita.PartitaIVA = "00488410011" }, "Partita IVA"},
		{"ragione sociale mancante", func(n *NuovaCasella) { n.Attivita.RagioneSociale = "" }, "Ragione sociale"},
		{"via mancante", func(n *NuovaCasella) { n.Indirizzo.Via = "" }, "Via"},
		{"comune sconosciuto", func(n *NuovaCasella) { n.Indirizzo.Comune = "Atlantide" }, "Comune"},
		{"provincia sbagliata", func(n *NuovaCasella) { n.Indirizzo.Provincia = "MI" }, "Provincia"},
		{"CAP di un altro comune", func(n *NuovaCasella) { n.Indirizzo.CAP = "20121" }, "CAP"},
		{"telefono mancante", func(n *NuovaCasella) { n.Indirizzo.Telefono = "" }, "Telefono"},
		{"telefono 0000000000", func(n *NuovaCasella) { n.Indirizzo.Telefono = "0000000000" }, "Telefono"},
		{"telefono 1111111111", func(n *NuovaCasella) { n.Indirizzo.Telefono = "1111111111" }, "Telefono"},
		{"telefono 1234567890", func(n *NuovaCasella) { n.Indirizzo.Telefono = "1234567890" }, "Telefono"},
		{"telefono con lettere", func(n *NuovaCasella) { n.Indirizzo.Telefono = "0121-abc" }, "Telefono"},
		{"fax segnaposto", func(n *NuovaCasella) { n.Indirizzo.Fax = "0000000000" }, "Fax"},
		{"agente inesistente", func(n *NuovaCasella) { n.AgenteID = 999 }, "Agente"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := form("mario", "pec-b.it", "DLCGUO68P15D969U")
			c.edit(&n)
			_, err := f.s.InserisciCasella(ctx, postmaster, n)
			campo(t, err, c.campo)
		})
	}
	// Fax and cellulare are optional; with a valid one the form passes.
	n := form("mario", "pec-b.it", "DLCGUO68P15D969U")
	n.Indirizzo.Cellulare = "+39 333 1234567"
	if _, err := f.s.InserisciCasella(ctx, postmaster, n); err != nil {
		t.Fatal(err)
	}
	// Nothing of a refused form was stored.
	if n, _, _ := f.s.CercaTitolari(ctx, postmaster, store.FiltroTitolari{}, 0, 10); n != 1 {
		t.Fatalf("%d owners", n)
	}
}

func TestAssistenteVedeSoloISuoi(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	// bruno inserts on pec-a.it (shared with anna) and pec-b.it; anna on pec-a.it.
	bID, err := f.s.InserisciCasella(ctx, bruno, form("bruno1", "pec-a.it", "DLCGUO68P15D969U"))
	if err != nil {
		t.Fatal(err)
	}
	aID, err := f.s.InserisciCasella(ctx, anna, form("anna1", "pec-a.it", "DMCNCL03L31L219Y"))
	if err != nil {
		t.Fatal(err)
	}
	n, list, err := f.s.CercaCaselle(ctx, anna, store.FiltroCaselle{Dominio: "pec-a.it"}, 0, 10)
	if err != nil || n != 1 || list[0].ID != aID {
		t.Fatalf("anna sees %d %+v %v", n, list, err)
	}
	if n, _, _ := f.s.CercaCaselle(ctx, postmaster, store.FiltroCaselle{}, 0, 10); n != 2 {
		t.Fatalf("the reseller sees %d", n)
	}
	b, _ := f.s.Casella(ctx, postmaster, bID)
	// By ID: not found, for reading and for changing.
	if _, err := f.s.Casella(ctx, anna, bID); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("read: %v", err)
	}
	if _, err := f.s.StoricoCasella(ctx, anna, bID); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("history: %v", err)
	}
	if _, err := f.s.Titolare(ctx, anna, b.TitolareID); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("owner: %v", err)
	}
	if _, err := f.s.SalvaTitolare(ctx, anna, store.Titolare{ID: b.TitolareID, Nome: "X", Cognome: "Y",
		CodiceFiscale: "DLCGUO68P15D969U", Tipo: TipoPrivato, Email: "x@y.it"}); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("save owner: %v", err)
	}
	if _, err := f.s.SalvaIndirizzo(ctx, anna, store.Indirizzo{ID: b.IndirizzoID, TitolareID: b.TitolareID, Via: "Via X",
		Civico: "2", Comune: "Pinerolo", Telefono: "0121123456"}); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("save address: %v", err)
	}
	if err := f.s.SostituisciAgente(ctx, anna, bID, f.agente); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("agent: %v", err)
	}
	if n, _, _ := f.s.CercaTitolari(ctx, anna, store.FiltroTitolari{CodiceFiscale: "DLCGUO68P15D969U"}, 0, 10); n != 0 {
		t.Fatal("anna finds bruno's owner by fiscal code")
	}
	var csv bytes.Buffer
	if err := f.s.EsportaCaselle(ctx, anna, store.FiltroCaselle{}, &csv); err != nil || strings.Contains(csv.String(), "bruno1") ||
		!strings.Contains(csv.String(), "anna1@pec-a.it") {
		t.Fatalf("export %q %v", csv.String(), err)
	}
	// Info Servizio: anna counts her mailbox and her pending changes only
	// (her owner, address, company and mailbox), the reseller all of them.
	ia, err := f.s.InfoServizio(ctx, anna)
	if err != nil {
		t.Fatal(err)
	}
	ip, _ := f.s.InfoServizio(ctx, postmaster)
	if ia.Caselle[store.CasellaInAttesa] != 1 || ia.OutboxPendenti != 4 || ip.OutboxPendenti <= 8 {
		t.Fatalf("Info Servizio: anna %+v, reseller %+v", ia, ip)
	}
	// anna may not insert on a domain not assigned to her, nor beyond her package (1 slot).
	_, err = f.s.InserisciCasella(ctx, anna, form("anna2", "pec-b.it", "DMCNCL03L31L219Y"))
	campo(t, err, "Dominio")
	_, err = f.s.InserisciCasella(ctx, anna, form("anna2", "pec-a.it", "DMCNCL03L31L219Y"))
	campo(t, err, "Pacchetto")
	// Reseller-only operations.
	if _, err := f.s.SalvaAgente(ctx, anna, store.Agente{RagioneSociale: "A", Nome: "B", Cognome: "C", Email: "a@b.it"}, nil); !errors.Is(err, ErrPermesso) {
		t.Fatalf("agent as assistant: %v", err)
	}
	// A deactivated assistant is refused.
	if err := f.s.AttivaAssistente(ctx, postmaster, f.annaID, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.CercaCaselle(ctx, anna, store.FiltroCaselle{}, 0, 10); !errors.Is(err, ErrAssistenteDisattivato) {
		t.Fatalf("deactivated: %v", err)
	}
}

func TestPacchettoAssistenteNonSuperaRivenditore(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	// The reseller has 10; anna already holds 1.
	_, err := f.s.SalvaPacchettoAssistente(ctx, postmaster, store.PacchettoAssistente{AssistenteID: f.annaID, Nome: "Grande", Quantita: 10, DurataAnni: 1})
	campo(t, err, "Quantità caselle")
	_, err = f.s.SalvaPacchettoAssistente(ctx, postmaster, store.PacchettoAssistente{AssistenteID: f.annaID, Nome: "Lungo", Quantita: 1, DurataAnni: 5})
	campo(t, err, "Durata del canone")
	if _, err := f.s.SalvaPacchettoAssistente(ctx, postmaster, store.PacchettoAssistente{AssistenteID: f.annaID, Nome: "Altri", Quantita: 9, DurataAnni: 3}); err != nil {
		t.Fatal(err)
	}
}

func attiva(t *testing.T, f fixture, nome, cf string) int64 {
	t.Helper()
	ctx := context.Background()
	n := form(nome, "pec-a.it", cf)
	n.AgenteID = f.agente
	id, err := f.s.InserisciCasella(ctx, postmaster, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Attiva(ctx, postmaster, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPacchetti(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	n := form("attesa", "pec-a.it", "DLCGUO68P15D969U")
	n.AgenteID = f.agente
	inAttesa, err := f.s.InserisciCasella(ctx, postmaster, n)
	if err != nil {
		t.Fatal(err)
	}
	campo(t, f.s.AssociaPacchetto(ctx, postmaster, inAttesa, f.pacchet), "Casella")
	a := attiva(t, f, "attiva", "DLCGUO68P15D969U")
	campo(t, f.s.AssociaPacchetto(ctx, postmaster, a, 999), "Pacchetto")
	altro, _ := f.s.SalvaAgente(ctx, postmaster, store.Agente{RagioneSociale: "Altro", Nome: "A", Cognome: "B", Email: "a@b.it", Attivo: true}, nil)
	pAltro, _ := f.s.SalvaPacchetto(ctx, postmaster, store.Pacchetto{AgenteID: altro, Nome: "Suo", Quantita: 5, DurataAnni: 1})
	campo(t, f.s.AssociaPacchetto(ctx, postmaster, a, pAltro), "Pacchetto")
	if _, err := f.s.SalvaPacchetto(ctx, postmaster, store.Pacchetto{AgenteID: 999, Nome: "X", Quantita: 1, DurataAnni: 1}); err == nil {
		t.Fatal("package of a missing agent")
	}
	if err := f.s.AssociaPacchetto(ctx, postmaster, a, f.pacchet); err != nil {
		t.Fatal(err)
	}
	c, _ := f.s.Casella(ctx, postmaster, a)
	if c.PacchettoID != f.pacchet || c.Stato != store.CasellaAttiva || c.AttivataIl.IsZero() {
		t.Fatalf("%+v", c)
	}
	campo(t, f.s.EliminaAgente(ctx, postmaster, a), "Agente")
	h, _ := f.s.StoricoCasella(ctx, postmaster, a)
	var visto bool
	for _, e := range h {
		visto = visto || e.Campo == "pacchetto" && e.Dopo == strconv.FormatInt(f.pacchet, 10)
	}
	if !visto {
		t.Fatalf("package association not audited: %+v", h)
	}
	if err := f.s.RimuoviPacchetto(ctx, postmaster, a); err != nil {
		t.Fatal(err)
	}
	if err := f.s.EliminaAgente(ctx, postmaster, a); err != nil {
		t.Fatal(err)
	}
}

// Two operators race for the last slot of a package: exactly one wins.
func TestPacchettoConcorrenza(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	ids := []int64{attiva(t, f, "uno", "DLCGUO68P15D969U"), attiva(t, f, "due", "DLCGUO68P15D969U")}
	for round := 0; round < 5; round++ {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.s.AssociaPacchetto(ctx, postmaster, ids[i], f.pacchet)
			}()
		}
		wg.Wait()
		var ok int
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				campo(t, err, "Pacchetto")
			}
		}
		p, _ := f.s.PacchettiAgente(ctx, postmaster, f.agente)
		if ok != 1 || p[0].Usate != 1 {
			t.Fatalf("round %d: %d winners, %d used", round, ok, p[0].Usate)
		}
		for _, id := range ids {
			f.s.RimuoviPacchetto(ctx, postmaster, id)
		}
	}
}

// An agent chosen before activation is a request: it can be withdrawn, not
// "eliminated" as an association, and activation turns it into one.
func TestRichiestaAgente(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	n := form("richiesta", "pec-a.it", "DLCGUO68P15D969U")
	n.AgenteID = f.agente
	id, err := f.s.InserisciCasella(ctx, postmaster, n)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.s.Casella(ctx, postmaster, id)
	if c.AgenteID != f.agente || !c.AgenteInRichiesta {
		t.Fatalf("inserted with an agent: %+v", c)
	}
	campo(t, f.s.EliminaAgente(ctx, postmaster, id), "Agente")
	if err := f.s.EliminaRichiestaAgente(ctx, postmaster, id); err != nil {
		t.Fatal(err)
	}
	if c, _ = f.s.Casella(ctx, postmaster, id); c.AgenteID != 0 || c.AgenteInRichiesta {
		t.Fatalf("request not withdrawn: %+v", c)
	}
	campo(t, f.s.EliminaRichiestaAgente(ctx, postmaster, id), "Agente")

	// Sostituisci on a pending mailbox makes a new request; activation approves it.
	if err := f.s.SostituisciAgente(ctx, postmaster, id, f.agente); err != nil {
		t.Fatal(err)
	}
	if c, _ = f.s.Casella(ctx, postmaster, id); !c.AgenteInRichiesta {
		t.Fatalf("a pending mailbox's agent must be a request: %+v", c)
	}
	if err := f.s.Attiva(ctx, postmaster, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if c, _ = f.s.Casella(ctx, postmaster, id); c.AgenteID != f.agente || c.AgenteInRichiesta {
		t.Fatalf("activation must approve the request: %+v", c)
	}
	campo(t, f.s.EliminaRichiestaAgente(ctx, postmaster, id), "Agente")
	h, _ := f.s.StoricoCasella(ctx, postmaster, id)
	var ritirata, approvata bool
	for _, e := range h {
		ritirata = ritirata || e.Campo == "agente" && e.Dopo == ""
		approvata = approvata || e.Campo == "richiesta_agente" && e.Prima == "sì" && e.Dopo == "no"
	}
	if !ritirata || !approvata {
		t.Fatalf("history misses the withdrawal or the approval: %+v", h)
	}
	if err := f.s.EliminaAgente(ctx, postmaster, id); err != nil {
		t.Fatal(err)
	}
}

// An assistant sells only on the reseller's certified domains, from the
// start as later: a domain still being certified is refused, naming it,
// and no assistant is left behind.
func TestAssistenteSoloDominiCertificati(t *testing.T) {
	ctx := context.Background()
	f := nuovo(t)
	for _, u := range []string{"carla", "dario"} {
		if err := f.s.DB.Write(ctx, "admin", func(tx *store.Tx) error {
			_, err := tx.InsertOperatore(ctx, store.Operatore{Username: u, Nome: u, Ruolo: "operatore", PasswordHash: "x", Attivo: true})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.s.InserisciAssistente(ctx, postmaster, NuovoAssistente{
		Assistente: store.Assistente{Username: "carla", Nome: "Carla", Cognome: "Gialli", CodiceFiscale: "BNCLRA85T50F205A",
			EmailPEC: "carla@pec-a.it"}, Domini: []string{"pec-a.it", "attesa.it"}})
	var ve ErrValidazione
	if !errors.As(err, &ve) || !strings.Contains(ve.Error(), "attesa.it non è un dominio certificato") {
		t.Fatalf("InserisciAssistente with a domain not certified: %v", err)
	}
	if _, err := f.s.DB.AssistenteByUsername(ctx, "carla"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the refused assistant was stored: %v", err)
	}
	id, err := f.s.InserisciAssistente(ctx, postmaster, NuovoAssistente{
		Assistente: store.Assistente{Username: "dario", Nome: "Dario", Cognome: "Rosa", CodiceFiscale: "BNCLRA85T50F205A",
			EmailPEC: "dario@pec-a.it"}, Domini: []string{"pec-a.it"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.ImpostaDominiAssistente(ctx, postmaster, id, []string{"attesa.it"}); !errors.As(err, &ve) {
		t.Fatalf("ImpostaDominiAssistente with a domain not certified: %v", err)
	}
}
