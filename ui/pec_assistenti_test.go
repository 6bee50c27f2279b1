package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// TestPecAssistenti inserts an assistant (a package larger than the
// reseller's is refused inline), suspends their package, deactivates them
// after SI, and shows an assistant that the window is the reseller's.
func TestPecAssistenti(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	r := f.u.Core.Registro
	if _, err := r.SalvaPacchetto(ctx, f.admin, store.Pacchetto{Nome: "Rivenditore", Quantita: 20, DurataAnni: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.u.Core.Operatori.Crea(ctx, f.admin, operatori.Nuovo{Username: "bruno", Nome: "Bruno Gialli",
		Ruolo: operatori.RuoloOperatore, Password: "Sportello-2026", Attivo: true}); err != nil {
		t.Fatal(err)
	}
	f.open(t, f.admin, "pec-assistenti")
	s := f.u.pecAssistenti
	if len(s.assistenti) != 1 || s.Nota.Visible() || s.Inserisci.Disabled() {
		t.Fatalf("first state: %d assistants, nota %q, inserisci disabled %v", len(s.assistenti), s.Nota.Text, s.Inserisci.Disabled())
	}
	if !slices.Contains(s.liberi, "bruno") || slices.Contains(s.liberi, "anna") ||
		slices.Contains(s.liberi, "admin") || !slices.Equal(s.Domini.Options, []string{"pec-a.it", "pec-b.it"}) { // the certified ones
		t.Fatalf("choices: accounts %v, domains %v", s.liberi, s.Domini.Options)
	}

	// The package exceeds the reseller's 20 mailboxes: refused under the form.
	test.Type(s.Nome, "Bruno")
	test.Type(s.Cognome, "Gialli")
	test.Type(s.CF, "DLCGUO68P15D969U")
	s.Username.SetText("bruno")
	test.Type(s.EmailPEC, "bruno@pec-b.it")
	s.Domini.SetSelected([]string{"pec-b.it"})
	if s.NuovoPacchetto.Visible() {
		t.Fatal("package form shown without «Gestione a pacchetti»")
	}
	s.APacchetti.SetSelected("Sì")
	if !s.NuovoPacchetto.Visible() {
		t.Fatal("package form hidden with «Gestione a pacchetti» Sì")
	}
	test.Type(s.NuovoNome, "Base")
	test.Type(s.NuovaQuantita, "50")
	test.Type(s.NuovaDurata, "1")
	test.Tap(s.Inserisci)
	if !s.Errore.Visible() || !strings.Contains(s.Errore.Text, "supera il pacchetto del rivenditore") || len(s.assistenti) != 1 {
		t.Fatalf("excess package: %q, %d assistants", s.Errore.Text, len(s.assistenti))
	}
	s.NuovaQuantita.SetText("5")
	test.Tap(s.Inserisci)
	if s.Errore.Visible() || len(s.assistenti) != 2 || s.sel < 0 || s.assistenti[s.sel].Username != "bruno" ||
		s.Tabs.SelectedIndex() != 0 || s.Utente.Text != "bruno" || !s.Dati.Checks["pacchetti"].Checked {
		t.Fatalf("after insert: errore %q, %d assistants, sel %d, tab %d", s.Errore.Text, len(s.assistenti), s.sel, s.Tabs.SelectedIndex())
	}
	if len(s.pacchetti) != 1 || s.pacchetti[0].Nome != "Base" || s.pacchetti[0].Quantita != 5 || slices.Contains(s.liberi, "bruno") {
		t.Fatalf("packages %+v, accounts %v", s.pacchetti, s.liberi)
	}
	bruno := s.assistenti[s.sel].ID

	// A second package beyond what is left is refused inline too.
	test.Type(s.PacchettoNome, "Extra")
	test.Type(s.PacchettoQuant, "16")
	test.Type(s.PacchettoDurata, "1")
	test.Tap(s.Assegna)
	if !strings.Contains(s.ErrorePacchetto.Text, "disponibili 15 caselle") || len(s.pacchetti) != 1 {
		t.Fatalf("second package: %q %+v", s.ErrorePacchetto.Text, s.pacchetti)
	}

	// Suspend the package, read back.
	if !s.Sospendi.Disabled() {
		t.Fatal("Sospendi enabled with no package selected")
	}
	s.Pacchetti.Select(0)
	test.Tap(s.Sospendi)
	list, err := r.PacchettiAssistente(ctx, f.admin, bruno)
	if err != nil || len(list) != 1 || list[0].Stato != "SOSPESO" {
		t.Fatalf("suspended: %+v %v", list, err)
	}
	if len(s.pacchetti) != 1 || s.pacchetti[0].Stato != "SOSPESO" {
		t.Fatalf("list not refreshed: %+v", s.pacchetti)
	}

	// Deactivate after SI.
	test.Tap(s.Disattiva)
	if s.Conferma == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(s.Conferma.Si)
	all, err := r.Assistenti(ctx, f.admin)
	i := slices.IndexFunc(all, func(a store.Assistente) bool { return a.ID == bruno })
	if err != nil || i < 0 || all[i].Attivo || !strings.Contains(s.Stato.Text, "Disattivato") || s.Attiva.Disabled() {
		t.Fatalf("deactivated: %+v %v, stato %q", all, err, s.Stato.Text)
	}

	// An assistant reads their own data; inserting is the reseller's.
	f.open(t, f.anna, "pec-assistenti")
	s = f.u.pecAssistenti
	if !s.Nota.Visible() || !strings.Contains(s.Nota.Text, "riservata al rivenditore") || !s.Inserisci.Disabled() ||
		!s.Nome.Disabled() || !s.Disattiva.Disabled() || !s.Assegna.Disabled() || len(s.assistenti) != 1 || s.Utente.Text != "anna" ||
		s.Dati.Toggle.Visible() || !s.Dati.Entries["pec"].Disabled() || s.SalvaDomini.Visible() || !s.DominiAssistente.Disabled() {
		t.Fatalf("assistant: nota %q, inserisci disabled %v, %d assistants", s.Nota.Text, s.Inserisci.Disabled(), len(s.assistenti))
	}
	// Even if reached, core refuses and the form says so.
	s.Nome.SetText("Carla")
	s.Cognome.SetText("Rosa")
	s.CF.SetText("DMCNCL03L31L219Y")
	s.Username.SetText("bruno")
	s.EmailPEC.SetText("carla@pec-a.it")
	s.Domini.Selected = []string{"pec-a.it"}
	f.u.inserisciAssistente(s)
	if !strings.Contains(s.Errore.Text, "riservata al rivenditore") {
		t.Fatalf("assistant insert: %q", s.Errore.Text)
	}
}

// TestPecAssistentiModifica edits the selected assistant's PEC (a bad one
// refused inline, a good one read back) and «Gestione a pacchetti», their
// domains, and shows the «Consumo» and the packages' history.
func TestPecAssistentiModifica(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	r := f.u.Core.Registro
	if _, err := r.SalvaPacchetto(ctx, f.admin, store.Pacchetto{Nome: "Rivenditore", Quantita: 20, DurataAnni: 2}); err != nil {
		t.Fatal(err)
	}
	f.open(t, f.admin, "pec-assistenti")
	s := f.u.pecAssistenti
	if s.sel != -1 {
		s.Elenco.Unselect(s.sel)
	}
	s.Elenco.Select(0)
	anna := s.assistenti[s.sel]
	if anna.Username != "anna" || s.Dati.Entries["pec"].Text != "anna@pec-a.it" || s.Dati.Checks["pacchetti"].Checked ||
		s.Dati.Entries["pec"].Disabled() == false || !s.Dati.Toggle.Visible() || s.Dati.Toggle.Disabled() {
		t.Fatalf("selected: %+v, pec %q", anna, s.Dati.Entries["pec"].Text)
	}
	// anna inserted one mailbox (giulia) and has no packages: no limit.
	if !strings.Contains(s.Consumo.Text, "1 casella") || !strings.Contains(s.Consumo.Text, "nessun limite") {
		t.Fatalf("consumo: %q", s.Consumo.Text)
	}
	// Domains: the reseller's certified ones, anna's checked.
	if !slices.Equal(s.DominiAssistente.Options, []string{"pec-a.it", "pec-b.it"}) ||
		!slices.Equal(s.DominiAssistente.Selected, []string{"pec-a.it"}) || s.SalvaDomini.Disabled() {
		t.Fatalf("domains: %v %v", s.DominiAssistente.Options, s.DominiAssistente.Selected)
	}

	// A bad PEC is refused under the form, which stays editable.
	test.Tap(s.Dati.Toggle)
	s.Dati.Entries["pec"].SetText("anna pec-a.it")
	test.Tap(s.Dati.Toggle)
	if !s.Dati.Editing() || !s.Dati.Errore.Visible() || !strings.Contains(s.Dati.Errore.Text, "PEC per le comunicazioni") {
		t.Fatalf("bad PEC: editing %v, %q", s.Dati.Editing(), s.Dati.Errore.Text)
	}
	if a, _ := r.Assistenti(ctx, f.admin); a[0].EmailPEC != "anna@pec-a.it" {
		t.Fatalf("bad PEC stored: %+v", a[0])
	}
	// A good one, with «Gestione a pacchetti», is saved and read back.
	s.Dati.Entries["pec"].SetText("anna.neri@PEC-B.it")
	s.Dati.Checks["pacchetti"].SetChecked(true)
	test.Tap(s.Dati.Toggle)
	if s.Dati.Editing() || s.Dati.Errore.Visible() {
		t.Fatalf("good PEC: editing %v, %q", s.Dati.Editing(), s.Dati.Errore.Text)
	}
	list, err := r.Assistenti(ctx, f.admin)
	if err != nil || list[0].EmailPEC != "anna.neri@pec-b.it" || !list[0].GestioneAPacchetti {
		t.Fatalf("stored: %+v %v", list, err)
	}
	if s.Dati.Entries["pec"].Text != "anna.neri@pec-b.it" || !s.Dati.Checks["pacchetti"].Checked ||
		!strings.Contains(s.Esito.Text, "salvati") {
		t.Fatalf("read back: %q, esito %q", s.Dati.Entries["pec"].Text, s.Esito.Text)
	}
	// With packages on and none assigned yet: 1 of 0; then a package of 5.
	if !strings.Contains(s.Consumo.Text, "1 casella su 0") {
		t.Fatalf("consumo with packages: %q", s.Consumo.Text)
	}
	test.Type(s.PacchettoNome, "Base")
	test.Type(s.PacchettoQuant, "5")
	test.Type(s.PacchettoDurata, "1")
	test.Tap(s.Assegna)
	if !strings.Contains(s.Consumo.Text, "1 casella su 5") {
		t.Fatalf("consumo after package: %q (%q)", s.Consumo.Text, s.ErrorePacchetto.Text)
	}

	// Domains: none is refused; pec-b.it only is saved.
	s.DominiAssistente.SetSelected(nil)
	test.Tap(s.SalvaDomini)
	if !s.ErroreDomini.Visible() || !strings.Contains(s.ErroreDomini.Text, "almeno un dominio") {
		t.Fatalf("no domains: %q", s.ErroreDomini.Text)
	}
	s.DominiAssistente.SetSelected([]string{"pec-b.it"})
	test.Tap(s.SalvaDomini)
	ds, err := r.DominiAssistente(ctx, f.admin, anna.ID)
	if err != nil || len(ds) != 1 || ds[0].Dominio != "pec-b.it" || s.ErroreDomini.Visible() ||
		!slices.Equal(s.DominiAssistente.Selected, []string{"pec-b.it"}) {
		t.Fatalf("domains saved: %+v %v, %q", ds, err, s.ErroreDomini.Text)
	}

	// The packages' history: the package just assigned.
	test.Tap(s.Storico)
	if s.StoricoDialog == nil || len(s.storico) == 0 || s.storico[0].Pacchetto.Nome != "Base" {
		t.Fatalf("storico: %+v", s.storico)
	}
	s.StoricoDialog.Hide()

	// The assistant: read only, nothing to edit.
	f.open(t, f.anna, "pec-assistenti")
	s = f.u.pecAssistenti
	if s.Dati.Toggle.Visible() || s.SalvaDomini.Visible() || !s.DominiAssistente.Disabled() ||
		!strings.Contains(s.Consumo.Text, "1 casella su 5") {
		t.Fatalf("assistant: toggle %v, domains %v, consumo %q", s.Dati.Toggle.Visible(), s.SalvaDomini.Visible(), s.Consumo.Text)
	}
	if err := f.u.modificaAssistente(s, map[string]string{"pec": "x@pec-a.it"}); err == nil ||
		!strings.Contains(err.Error(), "riservata al rivenditore") {
		t.Fatalf("assistant edit: %v", err)
	}
}
