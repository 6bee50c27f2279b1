package ui

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// deep starts the main window as op with the deep link (as --apri does)
// and waits for everything it started.
func (f pecFixture) deep(t *testing.T, op operatori.Operatore, link string) {
	t.Helper()
	for o := f.u.Win.Canvas().Overlays(); o.Top() != nil; {
		o.Remove(o.Top())
	}
	start := time.Now()
	defer func() { t.Logf("%s: %v", link, time.Since(start)) }()
	f.u.Core.SetOperatore(op)
	f.u.opts.OpenScreen = link
	f.u.ShowMain()
	id, _, _ := strings.Cut(link, "/")
	if f.u.main.Current != id {
		t.Fatalf("%s: window %q opened", link, f.u.main.Current)
	}
	if s := f.u.pecCaselle; id == "pec-caselle" && s != nil {
		s.ChooseSave = func(string, func(string)) {}
		s.Documenti.ChooseOpen = func(func(string)) {}
	}
	f.waitDeep()
}

// waitDeep waits for the background work of the deep links (a search,
// then a row chosen, then maybe a dialog that reads more).
func (f pecFixture) waitDeep() {
	for range 3 {
		// Not the panels' Wait: the deep link's work waits for them, and under
		// the test driver whoever waits runs the results.
		if s := f.u.pecCaselle; s != nil {
			s.bg.Wait()
		}
		f.u.appIO().bg.Wait()
	}
}

// overlay tells whether a dialog is shown over the window.
func (f pecFixture) overlay() bool { return f.u.Win.Canvas().Overlays().Top() != nil }

func TestPecDeepTitolari(t *testing.T) {
	f := newPecFixture(t)
	f.deep(t, f.admin, "pec-titolari/dettaglio")
	s := f.u.pecTitolari
	if !s.loaded || s.d.Titolare.ID != f.bianchi || s.indirizzo != 0 || s.attivita != 0 ||
		s.Indirizzo.Entries["via"].Text == "" || s.AttivitaForm.Entries["ragione_sociale"].Text == "" || s.Titolare.Editing() {
		t.Fatalf("dettaglio: loaded %v titolare %d, address %d, company %d", s.loaded, s.d.Titolare.ID, s.indirizzo, s.attivita)
	}
	if row, ok := s.Panel.Selected(); !ok || s.Panel.SelectedIndex() != 0 || row[colTitolareCognome] != "Bianchi" {
		t.Fatalf("row selected: %v", row)
	}
	for link, ok := range map[string]func() bool{
		"pec-titolari/modifica":           func() bool { return f.u.pecTitolari.Titolare.Editing() },
		"pec-titolari/modifica-indirizzo": func() bool { return f.u.pecTitolari.Indirizzo.Editing() },
		"pec-titolari/attivita":           func() bool { s := f.u.pecTitolari; return s.Schede.Selected() == s.tabAtt },
		"pec-titolari/modifica-attivita":  func() bool { return f.u.pecTitolari.AttivitaForm.Editing() },
		"pec-titolari/caselle":            func() bool { s := f.u.pecTitolari; return s.Schede.Selected() == s.tabCas },
		"pec-titolari/storico":            f.overlay,
	} {
		f.deep(t, f.admin, link)
		if !ok() {
			t.Errorf("%s: not shown", link)
		}
	}
	// An assistant: her own titolare only.
	f.deep(t, f.anna, "pec-titolari/modifica")
	if s := f.u.pecTitolari; s.d.Titolare.ID != f.bianchi || !s.Titolare.Editing() {
		t.Fatalf("anna: titolare %d, editing %v", s.d.Titolare.ID, s.Titolare.Editing())
	}
}

func TestPecDeepCaselle(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	r := f.u.Core.Registro
	// A mailbox not active yet whose agent is only requested.
	richiesta, err := r.InserisciCasella(ctx, f.admin, registro.NuovaCasella{Nome: "luca", Dominio: "pec-a.it", AgenteID: f.agente,
		Titolare: store.Titolare{ID: f.rossi}, Indirizzo: store.Indirizzo{Via: "Via Po", Civico: "2", Comune: "Pinerolo", Telefono: "0121 765432"}})
	if err != nil {
		t.Fatal(err)
	}
	// A document on mario2.
	_, list, err := r.CercaCaselle(ctx, f.admin, store.FiltroCaselle{Casella: "mario2"}, 0, 1)
	if err != nil || len(list) != 1 {
		t.Fatal(err)
	}
	if _, err := r.CaricaDocumento(ctx, f.admin, list[0].ID, store.DocContratto, "contratto.pdf", contrattoPDF(t)); err != nil {
		t.Fatal(err)
	}

	f.deep(t, f.admin, "pec-caselle/dettaglio")
	s := f.u.pecCaselle
	if !s.loaded || s.casella.Indirizzo != "mario.rossi@pec-b.it" || s.Campi["casella"].Text != "mario.rossi@pec-b.it" || f.overlay() {
		t.Fatalf("dettaglio: %q", s.casella.Indirizzo)
	}
	if row, ok := s.Panel.Selected(); !ok || row[colCasellaIndirizzo] != "mario.rossi@pec-b.it" {
		t.Fatalf("row selected: %v", row)
	}

	f.deep(t, f.admin, "pec-caselle/agenti")
	s = f.u.pecCaselle
	if s.casella.ID != richiesta || s.Agenti == nil || !s.Agenti.EliminaRichiesta.Visible() || s.Agenti.Elimina.Visible() {
		t.Fatalf("agenti: mailbox %q", s.casella.Indirizzo)
	}
	f.deep(t, f.admin, "pec-caselle/agenti-associazione")
	s = f.u.pecCaselle
	if s.casella.Indirizzo != "mario.rossi@pec-b.it" || s.Agenti == nil || !s.Agenti.Elimina.Visible() || s.Agenti.EliminaRichiesta.Visible() {
		t.Fatalf("agenti-associazione: mailbox %q", s.casella.Indirizzo)
	}
	f.deep(t, f.admin, "pec-caselle/agenti-elimina")
	s = f.u.pecCaselle
	if s.Conferma == nil || !strings.Contains(s.Conferma.Message.Text, "richiesta di assegnazione") {
		t.Fatal("agenti-elimina: no SI/NO")
	}
	if c, _ := r.Casella(ctx, f.admin, richiesta); c.AgenteID != f.agente {
		t.Fatal("agenti-elimina removed the request")
	}

	f.deep(t, f.admin, "pec-caselle/documenti")
	s = f.u.pecCaselle
	if g := s.Documenti.Gestione; g == nil || g.casella.Indirizzo != "mario2@pec-b.it" || len(g.docs) != 1 || g.Vuoto.Visible() {
		t.Fatalf("documenti: %+v", g)
	}

	for link, ok := range map[string]func(s *pecCaselleScreen) bool{
		"pec-caselle/storico":           func(*pecCaselleScreen) bool { return f.overlay() },
		"pec-caselle/carica":            func(s *pecCaselleScreen) bool { return s.Documenti.Carica != nil },
		"pec-caselle/pacchetti":         func(s *pecCaselleScreen) bool { return s.Pacchetti != nil },
		"pec-caselle/pacchetti-rimuovi": func(s *pecCaselleScreen) bool { return s.Pacchetti != nil },
		"pec-caselle/esporta":           func(*pecCaselleScreen) bool { return true },
		"pec-caselle/nuovo":             func(s *pecCaselleScreen) bool { return s.Nuova != nil && s.Nuova.Entries["nome"].Text == "" },
		"pec-caselle/nuovo-titolare": func(s *pecCaselleScreen) bool {
			n := s.Nuova
			return n != nil && n.noto.ID == f.rossi && n.Entries["titolare_cognome"].Text == "Rossi" && n.Entries["nome"].Text == "fatture.rossi" &&
				n.Entries["titolare_cognome"].Disabled() && n.Selects["dominio"].Selected == "pec-b.it"
		},
		"pec-caselle/nuovo-indirizzo": func(s *pecCaselleScreen) bool {
			n := s.Nuova
			return n != nil && n.noto.ID == 0 && n.Entries["provincia"].Text == "MB" && n.CAP.Text == "20871" && n.Scroll.Offset.Y > 0
		},
		"pec-caselle/nuovo-attivita": func(s *pecCaselleScreen) bool {
			n := s.Nuova
			return n != nil && n.Entries["ragione_sociale"].Text != "" && strings.HasPrefix(n.Selects["agente"].Selected, "Vendite Srl")
		},
		"pec-caselle/nuovo-errore": func(s *pecCaselleScreen) bool { return s.Nuova != nil && s.Nuova.Errore.Visible() },
	} {
		f.deep(t, f.admin, link)
		if s := f.u.pecCaselle; !s.loaded || !ok(s) {
			t.Errorf("%s: not shown (mailbox %q)", link, s.casella.Indirizzo)
		}
	}
	if c, _, _ := r.CercaCaselle(ctx, f.admin, store.FiltroCaselle{}, 0, 0); c != 4 {
		t.Fatalf("the deep links saved something: %d mailboxes", c)
	}

	// An assistant: her own mailbox, her domain.
	f.deep(t, f.anna, "pec-caselle/nuovo-titolare")
	s = f.u.pecCaselle
	if s.casella.Indirizzo != "giulia@pec-a.it" || s.Nuova == nil || len(s.Nuova.Selects["dominio"].Options) != 1 ||
		s.Nuova.noto.ID != f.bianchi {
		t.Fatalf("anna: %q", s.casella.Indirizzo)
	}
}

func TestPecDeepDominiAgentiAssistenti(t *testing.T) {
	f := newPecFixture(t)
	if _, err := f.u.Core.Operatori.Crea(context.Background(), f.admin, operatori.Nuovo{Username: "davide", Nome: "Davide Sala",
		Ruolo: operatori.RuoloOperatore, Password: "Sportello-2026", Attivo: true}); err != nil {
		t.Fatal(err)
	}
	f.deep(t, f.admin, "pec-domini/dettaglio")
	if s := f.u.pecDomini; !s.Dettaglio.Visible() || s.Campi["dominio"].Text != "pec-a.it" {
		t.Fatalf("domini: %q", s.Campi["dominio"].Text)
	}

	f.deep(t, f.admin, "pec-agenti/dettaglio")
	if s := f.u.pecAgenti; !s.loaded || s.agente.ID != f.agente || s.Schede.SelectedIndex() != 0 {
		t.Fatalf("agenti: %+v", s.agente)
	}
	f.deep(t, f.admin, "pec-agenti/pacchetti")
	if s := f.u.pecAgenti; !s.loaded || s.Schede.SelectedIndex() != 1 || len(s.pacchetti) != 1 {
		t.Fatalf("agenti/pacchetti: tab %d, %d packages", s.Schede.SelectedIndex(), len(s.pacchetti))
	}
	f.deep(t, f.admin, "pec-agenti/nuovo")
	if s := f.u.pecAgenti; s.Nuova == nil || !f.overlay() {
		t.Fatal("agenti/nuovo: no dialog")
	}
	f.deep(t, f.anna, "pec-agenti/nuovo") // the reseller's only
	if s := f.u.pecAgenti; s.Nuova != nil || f.overlay() {
		t.Fatal("agenti/nuovo opened for an assistant")
	}

	f.deep(t, f.admin, "pec-assistenti/dettaglio")
	if s := f.u.pecAssistenti; s.sel != 0 || s.Utente.Text != "anna" {
		t.Fatalf("assistenti: %d %q", s.sel, s.Utente.Text)
	}
	f.deep(t, f.admin, "pec-assistenti/nuovo-pacchetto")
	if s := f.u.pecAssistenti; s.Tabs.SelectedIndex() != 1 || !s.NuovoPacchetto.Visible() || s.Nome.Text != "Davide" ||
		len(s.CF.Text) != 16 || s.Username.Text != "davide" || len(s.Domini.Selected) != 1 {
		t.Fatalf("assistenti/nuovo-pacchetto: tab %d, %q %q %q", s.Tabs.SelectedIndex(), s.Nome.Text, s.Username.Text, s.CF.Text)
	}
	if l, _ := f.u.Core.Registro.Assistenti(context.Background(), f.admin); len(l) != 1 {
		t.Fatal("the deep link saved an assistant")
	}
	for _, link := range []string{"pec-assistenti/consumo", "pec-assistenti/pacchetti"} {
		f.deep(t, f.admin, link)
		if s := f.u.pecAssistenti; s.sel != 0 || !strings.HasPrefix(s.Consumo.Text, "Consumo: 1 casella") {
			t.Fatalf("%s: %d %q", link, s.sel, s.Consumo.Text)
		}
	}
	f.deep(t, f.anna, "pec-assistenti/storico")
	if s := f.u.pecAssistenti; s.sel != 0 || s.StoricoDialog == nil {
		t.Fatal("anna: no packages' history")
	}
	f.deep(t, f.anna, "pec-assistenti/nuovo")
	if s := f.u.pecAssistenti; s.Tabs.SelectedIndex() != 0 || !s.Tabs.Items[1].Disabled() || !s.Inserisci.Disabled() {
		t.Fatal("anna: the insertion tab is open to her")
	}
}

// TestPecDeepConflitto: the first open conflict, both versions side by
// side, and the SI/NO of keeping the provider's.
func TestPecDeepConflitto(t *testing.T) {
	ctx := context.Background()
	u := newTestUI(t)
	admin := createAdmin(t, u)
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 7, ProviderDelay: 150 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cr := sb.ProviderCredentials()
	r := u.Core.Registro
	if _, err := r.RegistraDominio(ctx, admin, store.Dominio{Dominio: cr.Domains[0], Certificato: true, Stato: "CERTIFIED"}); err != nil {
		t.Fatal(err)
	}
	id, err := r.InserisciCasella(ctx, admin, registro.NuovaCasella{Nome: "mario.rossi", Dominio: cr.Domains[0],
		Titolare:  store.Titolare{Nome: "Mario", Cognome: "Rossi", CodiceFiscale: "DLCGUO68P15D969U", Tipo: registro.TipoPrivato, Email: "mario@example.it"},
		Indirizzo: store.Indirizzo{Via: "Via Roma", Civico: "1", Comune: "Pinerolo", Telefono: "0121 123456"}})
	if err != nil {
		t.Fatal(err)
	}
	// The provider is not saved in the settings: the status bar's goroutine
	// would then write the status bar while the test drives the window.
	a := &provider.Client{BaseURL: cr.BaseURL, Key: cr.Key}
	if _, err := r.Sincronizza(ctx, a); err != nil {
		t.Fatal(err)
	}
	c, _ := r.Casella(ctx, admin, id)
	rem, err := u.Core.DB.Remoto(ctx, "titolare", c.TitolareID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.EditProvider(sandbox.ProviderEdit{Kind: "owner", ID: rem.IDRemoto, Field: "email", Value: "dal.provider@example.it"}); err != nil {
		t.Fatal(err)
	}
	d, _ := r.Titolare(ctx, admin, c.TitolareID)
	d.Titolare.Email = "locale@example.it"
	if _, err := r.SalvaTitolare(ctx, admin, d.Titolare); err != nil {
		t.Fatal(err)
	}
	if es, err := r.Sincronizza(ctx, a); err != nil || es.Conflitti != 1 {
		t.Fatal(es, err)
	}

	f := pecFixture{u: u, admin: admin}
	f.deep(t, admin, "pec-sync/conflitto-gestore")
	s := u.pecSync
	if s.scelto != 0 || !s.Dettaglio.Visible() || !strings.Contains(s.Intestazione.Text, "Rossi Mario") || s.Conferma == nil {
		t.Fatalf("conflitto: %d %q", s.scelto, s.Intestazione.Text)
	}
	if cs, _ := r.Conflitti(ctx, admin); len(cs) != 1 {
		t.Fatal("the deep link resolved the conflict")
	}
}
