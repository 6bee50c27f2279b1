package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

func (s *pecCaselleScreen) elenca(t *testing.T, setup func()) {
	t.Helper()
	s.Panel.Clear()
	setup()
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
}

func TestPecCaselle(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	r := f.u.Core.Registro
	altri, err := r.SalvaAgente(ctx, f.admin, store.Agente{RagioneSociale: "Altri Spa", Nome: "Lia", Cognome: "Blu",
		Email: "lia@altri.it", Attivo: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.open(t, f.admin, "pec-caselle")
	s := f.u.pecCaselle
	s.Panel.Wait()
	if s.Panel.Total() != 3 || !s.Storico.Disabled() || !s.GestAgenti.Disabled() || !s.GestPacch.Disabled() || s.Inserisci.Disabled() {
		t.Fatalf("first list %d, toolbar before a choice: storico %v agenti %v pacchetti %v", s.Panel.Total(),
			s.Storico.Disabled(), s.GestAgenti.Disabled(), s.GestPacch.Disabled())
	}

	// Search by domain and by part of the address.
	s.elenca(t, func() { s.Panel.Selects["dominio"].SetSelected("pec-b.it") })
	if s.Panel.Total() != 2 {
		t.Fatalf("pec-b.it: %d", s.Panel.Total())
	}
	s.elenca(t, func() { test.Type(s.Panel.Entries["casella"], "GIUL") })
	if row, _ := s.Panel.Row(0); s.Panel.Total() != 1 || row[colCasellaIndirizzo] != "giulia@pec-a.it" {
		t.Fatalf("part of the address: %d %v", s.Panel.Total(), row)
	}
	s.elenca(t, func() { s.Panel.Selects["stato"].SetSelected("Attiva") })
	if s.Panel.Total() != 1 {
		t.Fatalf("ATTIVA: %d", s.Panel.Total())
	}
	oggi := time.Now().In(widgets.Zone).Format("02/01/2006")
	s.elenca(t, func() { test.Type(s.Panel.Entries["dal"], oggi); test.Type(s.Panel.Entries["al"], oggi) })
	if s.Panel.Total() != 3 {
		t.Fatalf("inserted today: %d", s.Panel.Total())
	}

	// The selected mailbox shows its detail.
	s.elenca(t, func() { test.Type(s.Panel.Entries["casella"], "mario.rossi") })
	s.Panel.SelectRow(0)
	c := s.Campi
	if c["casella"].Text != "mario.rossi@pec-b.it" || c["stato"].Text != "Attiva" || !strings.Contains(c["agente"].Text, "Vendite Srl") ||
		!strings.Contains(c["indirizzo"].Text, "Pinerolo (TO)") || !strings.HasPrefix(c["attivita"].Text, "Rossi Srl") ||
		!strings.Contains(c["titolare"].Text, "DLCGUO68P15D969U") || c["attivata_il"].Text == "" || c["inserita_da"].Text != "admin" {
		t.Fatalf("detail: %q %q %q %q %q %q", c["casella"].Text, c["stato"].Text, c["agente"].Text, c["indirizzo"].Text,
			c["attivita"].Text, c["inserita_da"].Text)
	}
	if s.Storico.Disabled() || s.GestAgenti.Disabled() || s.GestPacch.Disabled() {
		t.Fatal("toolbar disabled on an ATTIVA mailbox with an agent")
	}

	// Package: the ATTIVA mailbox joins a package of its agent, then leaves it.
	test.Tap(s.GestPacch)
	p := s.Pacchetti
	if len(p.Pacchetto.Options) != 1 || !p.Rimuovi.Disabled() {
		t.Fatalf("packages offered: %v", p.Pacchetto.Options)
	}
	p.Pacchetto.SetSelected(p.Pacchetto.Options[0])
	test.Tap(p.Associa)
	cas, _ := r.Casella(ctx, f.admin, s.casella.ID)
	if cas.PacchettoID == 0 || !strings.HasPrefix(c["pacchetto"].Text, "Dieci: 1 casella su 10") {
		t.Fatalf("not associated: %+v %q %q", cas, c["pacchetto"].Text, s.Esito.Text)
	}
	test.Tap(s.GestPacch)
	test.Tap(s.Pacchetti.Rimuovi)
	test.Tap(s.Conferma.No)
	if cas, _ = r.Casella(ctx, f.admin, s.casella.ID); cas.PacchettoID == 0 {
		t.Fatal("removed on NO")
	}
	test.Tap(s.GestPacch)
	test.Tap(s.Pacchetti.Rimuovi)
	test.Tap(s.Conferma.Si)
	if cas, _ = r.Casella(ctx, f.admin, s.casella.ID); cas.PacchettoID != 0 || c["pacchetto"].Text != "nessuno" {
		t.Fatalf("not removed: %+v %q", cas, c["pacchetto"].Text)
	}

	// A new account: the known owner fills in by fiscal code; a typo is refused naming the field.
	test.Tap(s.Inserisci)
	n := s.Nuova
	if len(n.Selects["dominio"].Options) != 2 {
		t.Fatalf("certified domains: %v", n.Selects["dominio"].Options)
	}
	test.Type(n.Entries["nome"], "nuova.casella")
	n.Selects["dominio"].SetSelected("pec-a.it")
	test.Type(n.Entries["codice_fiscale"], "DLCGUO68P15D969X")
	if n.Entries["titolare_cognome"].Text != "" {
		t.Fatal("a wrong fiscal code found an owner")
	}
	test.Type(n.Entries["titolare_nome"], "Guido")
	test.Type(n.Entries["titolare_cognome"], "Del Col")
	test.Type(n.Entries["titolare_email"], "guido@example.it")
	test.Type(n.Entries["via"], "Via Garibaldi")
	test.Type(n.Entries["civico"], "5")
	n.Comune.SetText("Pinerolo")
	if n.Entries["provincia"].Text != "TO" || n.CAP.Text != "10064" {
		t.Fatalf("comune not filled in: %q %q", n.Entries["provincia"].Text, n.CAP.Text)
	}
	test.Type(n.Entries["telefono"], "0121 998877")
	n.Selects["agente"].SetSelected("Vendite Srl (Carlo Verdi)")
	test.Tap(n.Salva)
	if !n.Errore.Visible() || !strings.HasPrefix(n.Errore.Text, "Codice fiscale:") {
		t.Fatalf("typo in the fiscal code: %q", n.Errore.Text)
	}
	n.Entries["codice_fiscale"].SetText("dlcguo68p15d969u")
	if n.Entries["titolare_cognome"].Text != "Rossi" || n.Entries["titolare_nome"].Text != "X" ||
		len(n.Selects["indirizzo_esistente"].Options) != 3 {
		t.Fatalf("known owner not filled in: %q %q %v", n.Entries["titolare_nome"].Text, n.Entries["titolare_cognome"].Text,
			n.Selects["indirizzo_esistente"].Options)
	}
	test.Tap(n.Salva)
	if n.Errore.Visible() && n.Errore.Text != "" {
		t.Fatalf("not saved: %q", n.Errore.Text)
	}
	s.bg.Wait()
	cas, _ = r.Casella(ctx, f.admin, s.casella.ID)
	if cas.Indirizzo != "nuova.casella@pec-a.it" || cas.Stato != store.CasellaInAttesa || cas.TitolareID != f.rossi ||
		cas.AgenteID != f.agente || c["stato"].Text != "In attesa di attivazione" {
		t.Fatalf("new account: %+v, shown %q", cas, c["stato"].Text)
	}
	if row, ok := s.Panel.Selected(); !ok || row[colCasellaIndirizzo] != "nuova.casella@pec-a.it" {
		t.Fatalf("new account not selected in the list: %v %v", row, ok)
	}
	if !s.GestPacch.Disabled() {
		t.Fatal("Gestione pacchetti enabled on a mailbox IN ATTESA without package")
	}

	// Agent of a mailbox not yet active: a request. Replace it, then
	// withdraw the request after SI (no association to eliminate).
	test.Tap(s.GestAgenti)
	g := s.Agenti
	g.Sostituto.SetSelected("Altri Spa (Lia Blu)")
	test.Tap(g.Sostituisci)
	if cas, _ = r.Casella(ctx, f.admin, cas.ID); cas.AgenteID != altri || !cas.AgenteInRichiesta ||
		!strings.HasPrefix(c["agente"].Text, "Altri Spa") || !strings.Contains(c["agente"].Text, "richiesta") {
		t.Fatalf("agent not replaced: %+v %q %q", cas, c["agente"].Text, s.Esito.Text)
	}
	test.Tap(s.GestAgenti)
	if s.Agenti.Elimina.Visible() || !s.Agenti.EliminaRichiesta.Visible() {
		t.Fatal("a request must offer «Elimina richiesta assegnazione agente» only")
	}
	test.Tap(s.Agenti.EliminaRichiesta)
	test.Tap(s.Conferma.Si)
	if cas, _ = r.Casella(ctx, f.admin, cas.ID); cas.AgenteID != 0 || c["agente"].Text != "nessuno" {
		t.Fatalf("agent request not withdrawn: %+v %q", cas, c["agente"].Text)
	}
	test.Tap(s.GestAgenti)
	if s.Agenti.Elimina.Visible() || s.Agenti.EliminaRichiesta.Visible() {
		t.Fatal("nothing to eliminate without an agent")
	}
	s.Agenti.Dialog.Hide()

	// Export: the searched rows as CSV.
	s.elenca(t, func() { s.Panel.Selects["dominio"].SetSelected("pec-b.it") })
	path := filepath.Join(t.TempDir(), "caselle.csv")
	s.ChooseSave = func(_ string, chosen func(string)) { chosen(path) }
	test.Tap(s.Esporta)
	s.bg.Wait()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (%q)", err, s.Esito.Text)
	}
	csv := string(b)
	if !strings.Contains(csv, "mario.rossi@pec-b.it") || !strings.Contains(csv, "mario2@pec-b.it") ||
		strings.Contains(csv, "pec-a.it") || strings.Count(strings.TrimSpace(csv), "\n") != 2 {
		t.Fatalf("CSV:\n%s", csv)
	}
}

func TestPecCaselleAssistenteVedeSoloLeSue(t *testing.T) {
	f := newPecFixture(t)
	f.open(t, f.anna, "pec-caselle")
	s := f.u.pecCaselle
	s.Panel.Wait()
	if row, _ := s.Panel.Row(0); s.Panel.Total() != 1 || row[colCasellaIndirizzo] != "giulia@pec-a.it" {
		t.Fatalf("anna lists %d: %v", s.Panel.Total(), row)
	}
	s.elenca(t, func() { test.Type(s.Panel.Entries["casella"], "mario") })
	if s.Panel.Total() != 0 {
		t.Fatal("anna finds the reseller's mailboxes")
	}
	if opts := s.Panel.Selects["dominio"].Options; len(opts) != 1 || opts[0] != "pec-a.it" {
		t.Fatalf("anna's domains: %v", opts)
	}
	// Her new account goes on her domain, with a new owner.
	cf, err := anagrafe.GeneraCodiceFiscale("Verdi", "Paola", time.Date(1990, 5, 12, 0, 0, 0, 0, time.UTC), 'F', "G674")
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(s.Inserisci)
	n := s.Nuova
	test.Type(n.Entries["nome"], "paola")
	test.Type(n.Entries["codice_fiscale"], cf)
	test.Type(n.Entries["titolare_nome"], "Paola")
	test.Type(n.Entries["titolare_cognome"], "Verdi")
	test.Type(n.Entries["titolare_email"], "paola@example.it")
	test.Type(n.Entries["via"], "Via Po")
	test.Type(n.Entries["civico"], "3")
	n.Comune.SetText("Pinerolo")
	test.Type(n.Entries["telefono"], "0000000000")
	test.Tap(n.Salva)
	if !strings.HasPrefix(n.Errore.Text, "Telefono:") {
		t.Fatalf("placeholder phone: %q", n.Errore.Text)
	}
	n.Entries["telefono"].SetText("0121 445566")
	test.Tap(n.Salva)
	s.bg.Wait()
	if s.casella.Indirizzo != "paola@pec-a.it" || s.casella.Stato != store.CasellaInAttesa {
		t.Fatalf("anna's new account: %+v (%q)", s.casella, n.Errore.Text)
	}
	if row, ok := s.Panel.Selected(); !ok || row[colCasellaIndirizzo] != "paola@pec-a.it" {
		t.Fatalf("not selected: %v", row)
	}
}

// Sospendi, Riattiva and Cessa appear where the state allows them, ask
// first, and the new state shows in the detail, the list and the outbox.
func TestPecCaselleStato(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	r := f.u.Core.Registro
	f.open(t, f.admin, "pec-caselle")
	s := f.u.pecCaselle
	s.Panel.Wait()
	visibili := func() string {
		var v []string
		for _, b := range []*widget.Button{s.Sospendi, s.Riattiva, s.Cessa} {
			if b.Visible() {
				v = append(v, b.Text)
			}
		}
		return strings.Join(v, " ")
	}
	if got := visibili(); got != "" {
		t.Fatalf("state buttons with no mailbox chosen: %q", got)
	}
	s.elenca(t, func() { test.Type(s.Panel.Entries["casella"], "mario.rossi") })
	s.Panel.SelectRow(0)
	id := s.casella.ID
	if got := visibili(); got != "Sospendi Cessa" {
		t.Fatalf("ATTIVA: %q", got)
	}
	passo := func(b *widget.Button, si bool, stato, mostrato, pulsanti string) {
		t.Helper()
		test.Tap(b)
		if si {
			test.Tap(s.Conferma.Si)
		} else {
			test.Tap(s.Conferma.No)
		}
		s.bg.Wait()
		c, err := r.Casella(ctx, f.admin, id)
		row, _ := s.Panel.Selected()
		if err != nil || c.Stato != stato || s.Campi["stato"].Text != mostrato || row[colCasellaStato] != mostrato || visibili() != pulsanti {
			t.Fatalf("after %s (SI %v): %v %q, detail %q, list %v, buttons %q, esito %q", b.Text, si, err, c.Stato,
				s.Campi["stato"].Text, row, visibili(), s.Esito.Text)
		}
	}
	passo(s.Sospendi, false, store.CasellaAttiva, "Attiva", "Sospendi Cessa")
	passo(s.Sospendi, true, store.CasellaSospesa, "Sospesa", "Riattiva Cessa")
	if !strings.Contains(s.Esito.Text, "sospesa") {
		t.Fatalf("esito: %q", s.Esito.Text)
	}
	passo(s.Riattiva, true, store.CasellaAttiva, "Attiva", "Sospendi Cessa")
	passo(s.Cessa, true, store.CasellaCessata, "Cessata", "")

	// The changes wait in the outbox for the provider.
	if st, err := r.StatoSync(ctx); err != nil || st.Pendenti == 0 {
		t.Fatalf("pending changes: %+v %v", st, err)
	}
	// A mailbox waiting for activation is the provider's: no state button.
	s.elenca(t, func() { s.Panel.Selects["stato"].SetSelected("In attesa di attivazione") })
	if s.Panel.Total() == 0 {
		t.Fatal("no mailbox in attesa in the fixture")
	}
	s.Panel.SelectRow(0)
	if got := visibili(); got != "" {
		t.Fatalf("IN_ATTESA: %q", got)
	}
}
