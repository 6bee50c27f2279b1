package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
)

// pecFixture: the administrator is the reseller; anna is an assistant on
// pec-a.it. The reseller registered Mario Rossi (pec-b.it, with the agent
// Vendite Srl, then activated), anna registered Giulia Bianchi (pec-a.it).
type pecFixture struct {
	u           *UI
	admin, anna operatori.Operatore
	rossi       int64 // titolare
	bianchi     int64
	agente      int64
}

func newPecFixture(t *testing.T) pecFixture {
	t.Helper()
	ctx := context.Background()
	u := newTestUI(t)
	f := pecFixture{u: u, admin: createAdmin(t, u)}
	var err error
	if f.anna, err = u.Core.Operatori.Crea(ctx, f.admin, operatori.Nuovo{Username: "anna", Nome: "Anna Neri",
		Ruolo: operatori.RuoloOperatore, Password: "Sportello-2026", Attivo: true}); err != nil {
		t.Fatal(err)
	}
	r := u.Core.Registro
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	for _, d := range []string{"pec-a.it", "pec-b.it"} {
		must(r.RegistraDominio(ctx, f.admin, store.Dominio{Dominio: d, Certificato: true, Stato: "CERTIFICATO",
			RichiestoIl: "2026-01-10", CertificatoIl: "2026-01-20"}))
	}
	must(r.RegistraDominio(ctx, f.admin, store.Dominio{Dominio: "attesa.it", Stato: "RICHIESTO", RichiestoIl: "2026-02-01"}))
	must(r.InserisciAssistente(ctx, f.admin, registro.NuovoAssistente{Assistente: store.Assistente{Username: "anna", Nome: "Anna",
		Cognome: "Neri", CodiceFiscale: "BNCLRA85T50F205A", EmailPEC: "anna@pec-a.it"}, Domini: []string{"pec-a.it"}}))
	f.agente = must(r.SalvaAgente(ctx, f.admin, store.Agente{RagioneSociale: "Vendite Srl", Nome: "Carlo", Cognome: "Verdi",
		Email: "carlo@vendite.it", Attivo: true}, []string{"pec-a.it"}))
	must(r.SalvaPacchetto(ctx, f.admin, store.Pacchetto{AgenteID: f.agente, Nome: "Dieci", Quantita: 10, DurataAnni: 1}))
	casella := func(op operatori.Operatore, nome, dominio, cognome, cf string, agente int64) int64 {
		return must(r.InserisciCasella(ctx, op, registro.NuovaCasella{Nome: nome, Dominio: dominio, AgenteID: agente,
			Titolare:  store.Titolare{Nome: "X", Cognome: cognome, CodiceFiscale: cf, Tipo: registro.TipoPrivato, Email: "t@example.it"},
			Indirizzo: store.Indirizzo{Via: "Via Roma", Civico: "1", Comune: "Pinerolo", Telefono: "0121 123456"},
			Attivita:  store.Attivita{RagioneSociale: cognome + " Srl", PartitaIVA: "00488410010"}}))
	}
	id := casella(f.admin, "mario.rossi", "pec-b.it", "Rossi", "DLCGUO68P15D969U", f.agente)
	casella(f.admin, "mario2", "pec-b.it", "Rossi", "DLCGUO68P15D969U", 0)
	if err := r.Attiva(ctx, f.admin, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	c, _ := r.Casella(ctx, f.admin, id)
	f.rossi = c.TitolareID
	c, _ = r.Casella(ctx, f.anna, casella(f.anna, "giulia", "pec-a.it", "Bianchi", "DMCNCL03L31L219Y", 0))
	f.bianchi = c.TitolareID
	return f
}

func (f pecFixture) open(t *testing.T, op operatori.Operatore, id string) {
	t.Helper()
	f.u.Core.SetOperatore(op)
	f.u.ShowMain()
	f.u.Open(id)
	if f.u.main.Current != id {
		t.Fatalf("%s not opened", id)
	}
}

func TestPecInfoServizio(t *testing.T) {
	f := newPecFixture(t)
	f.open(t, f.admin, "pec-info")
	s := f.u.pecInfo
	if !strings.Contains(s.Accesso.Text, "Rivenditore") || s.Stati[store.CasellaAttiva].Text != "1" ||
		s.Stati[store.CasellaInAttesa].Text != "2" || s.Totale.Text != "3" {
		t.Fatalf("reseller: %q attive %q in attesa %q totale %q", s.Accesso.Text, s.Stati[store.CasellaAttiva].Text,
			s.Stati[store.CasellaInAttesa].Text, s.Totale.Text)
	}
	if !strings.Contains(s.Pacchetti.Text, "0 su 10") || !strings.Contains(s.Outbox.Text, "Modifiche da sincronizzare") {
		t.Fatalf("packages %q, outbox %q", s.Pacchetti.Text, s.Outbox.Text)
	}
	// An assistant counts only their own mailboxes.
	f.open(t, f.anna, "pec-info")
	s = f.u.pecInfo
	if !strings.Contains(s.Accesso.Text, "Assistente: Anna Neri") || s.Stati[store.CasellaInAttesa].Text != "1" ||
		s.Stati[store.CasellaAttiva].Text != "0" || s.Totale.Text != "1" {
		t.Fatalf("assistant: %q in attesa %q totale %q", s.Accesso.Text, s.Stati[store.CasellaInAttesa].Text, s.Totale.Text)
	}
	// Refreshed after a change.
	if _, err := f.u.Core.Registro.InserisciCasella(context.Background(), f.anna, registro.NuovaCasella{Nome: "giulia2",
		Dominio: "pec-a.it", Titolare: store.Titolare{ID: f.bianchi}, Indirizzo: store.Indirizzo{Via: "Via Po", Civico: "2",
			Comune: "Pinerolo", Telefono: "0121 765432"}}); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.Aggiorna)
	if s.Totale.Text != "2" {
		t.Fatalf("after Aggiorna: %q", s.Totale.Text)
	}
}

func TestPecTitolari(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	f.open(t, f.admin, "pec-titolari")
	s := f.u.pecTitolari
	s.Panel.Wait()
	if s.Panel.Total() != 2 || !s.Titolare.Toggle.Disabled() {
		t.Fatalf("first list: %d, toggle enabled before a choice: %v", s.Panel.Total(), !s.Titolare.Toggle.Disabled())
	}
	test.Type(s.Panel.Entries["cognome"], "ros")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	row, ok := s.Panel.Row(0)
	if s.Panel.Total() != 1 || !ok || row[colTitolareCognome] != "Rossi" || row[colTitolareCF] != "DLCGUO68P15D969U" {
		t.Fatalf("search by surname: %d %v", s.Panel.Total(), row)
	}
	s.Panel.Clear()
	test.Type(s.Panel.Entries["codice_fiscale"], "dmcncl03l31l219y")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	if row, _ := s.Panel.Row(0); s.Panel.Total() != 1 || row[colTitolareCognome] != "Bianchi" {
		t.Fatalf("search by fiscal code: %d %v", s.Panel.Total(), row)
	}
	s.Panel.Clear()
	test.Type(s.Panel.Entries["cognome"], "Rossi")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	s.Panel.SelectRow(0)
	if len(s.d.Indirizzi) != 2 || len(s.d.Attivita) != 2 || len(s.d.Caselle) != 2 || s.Titolare.Entries["cognome"].Text != "Rossi" ||
		s.tabCas.Text != "Caselle PEC del titolare (2)" || s.Storico.Disabled() {
		t.Fatalf("panels not filled: %+v, tab %q", s.d, s.tabCas.Text)
	}

	// The titolare: a wrong e-mail is refused inline, a good one saved and read back.
	test.Tap(s.Titolare.Toggle)
	if !s.Titolare.Editing() || !s.Indirizzo.Toggle.Disabled() {
		t.Fatal("titolare not editable, or the address editable at the same time")
	}
	s.Titolare.Entries["email"].SetText("mario@")
	test.Tap(s.Titolare.Toggle)
	if !s.Titolare.Editing() || !strings.HasPrefix(s.Titolare.Errore.Text, "E-mail:") {
		t.Fatalf("bad e-mail: editing %v, %q", s.Titolare.Editing(), s.Titolare.Errore.Text)
	}
	s.Titolare.Entries["email"].SetText("Mario.Rossi@Example.it")
	s.Titolare.Selects["tipo"].SetSelected("Libero professionista")
	test.Tap(s.Titolare.Toggle)
	if s.Titolare.Editing() {
		t.Fatalf("not saved: %q", s.Titolare.Errore.Text)
	}
	d, err := f.u.Core.Registro.Titolare(ctx, f.admin, f.rossi)
	if err != nil || d.Titolare.Email != "Mario.Rossi@example.it" || d.Titolare.Tipo != registro.TipoLiberoProfessionista {
		t.Fatalf("read back: %+v %v", d.Titolare, err)
	}
	if s.Titolare.Entries["email"].Text != "Mario.Rossi@example.it" || !s.Titolare.Footer.Visible() {
		t.Fatalf("form after saving: %q", s.Titolare.Entries["email"].Text)
	}

	// The address: a placeholder phone is refused, naming the field.
	s.Indirizzi.Select(0)
	test.Tap(s.Indirizzo.Toggle)
	s.Indirizzo.Entries["telefono"].SetText("0000000000")
	test.Tap(s.Indirizzo.Toggle)
	if !s.Indirizzo.Editing() || !strings.HasPrefix(s.Indirizzo.Errore.Text, "Telefono:") {
		t.Fatalf("placeholder phone: %q", s.Indirizzo.Errore.Text)
	}
	s.Indirizzo.Entries["telefono"].SetText("0121 654321")
	s.Indirizzo.Entries["civico"].SetText("12")
	test.Tap(s.Indirizzo.Toggle)
	if s.Indirizzo.Editing() {
		t.Fatalf("address not saved: %q", s.Indirizzo.Errore.Text)
	}
	d, _ = f.u.Core.Registro.Titolare(ctx, f.admin, f.rossi)
	if i := d.Indirizzi[0]; i.Telefono != "0121654321" || i.Civico != "12" || s.Indirizzo.Entries["civico"].Text != "12" {
		t.Fatalf("address read back: %+v", i)
	}

	// The company.
	s.Attivita.Select(0)
	test.Tap(s.AttivitaForm.Toggle)
	s.AttivitaForm.Entries["partita_iva"].SetText("00488410011")
	test.Tap(s.AttivitaForm.Toggle)
	if !strings.HasPrefix(s.AttivitaForm.Errore.Text, "Partita IVA:") {
		t.Fatalf("bad partita IVA: %q", s.AttivitaForm.Errore.Text)
	}
	s.AttivitaForm.Entries["partita_iva"].SetText("00488410010")
	s.AttivitaForm.Entries["ragione_sociale"].SetText("Rossi & Figli Srl")
	test.Tap(s.AttivitaForm.Toggle)
	d, _ = f.u.Core.Registro.Titolare(ctx, f.admin, f.rossi)
	if s.AttivitaForm.Editing() || d.Attivita[0].RagioneSociale != "Rossi & Figli Srl" {
		t.Fatalf("company not saved: %q %+v", s.AttivitaForm.Errore.Text, d.Attivita)
	}
}

func TestPecTitolariAssistenteVedeSoloISuoi(t *testing.T) {
	f := newPecFixture(t)
	f.open(t, f.anna, "pec-titolari")
	s := f.u.pecTitolari
	s.Panel.Wait()
	row, _ := s.Panel.Row(0)
	if s.Panel.Total() != 1 || row[colTitolareCognome] != "Bianchi" {
		t.Fatalf("anna lists %d: %v", s.Panel.Total(), row)
	}
	test.Type(s.Panel.Entries["codice_fiscale"], "DLCGUO68P15D969U")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	if s.Panel.Total() != 0 {
		t.Fatal("anna finds the reseller's titolare by fiscal code")
	}
	s.Panel.Clear()
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	s.Panel.SelectRow(0)
	if len(s.d.Caselle) != 1 || s.d.Caselle[0].Indirizzo != "giulia@pec-a.it" {
		t.Fatalf("anna's titolare: %+v", s.d.Caselle)
	}
}

func TestPecDomini(t *testing.T) {
	f := newPecFixture(t)
	f.open(t, f.admin, "pec-domini")
	s := f.u.pecDomini
	s.Panel.Wait()
	if s.Panel.Total() != 3 {
		t.Fatalf("reseller sees %d domains", s.Panel.Total())
	}
	test.Type(s.Panel.Entries["dominio"], "pec-b")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	s.Panel.SelectRow(0)
	if s.Campi["dominio"].Text != "pec-b.it" || s.Campi["certificato_il"].Text != "20/01/2026" ||
		!strings.HasPrefix(s.Campi["caselle"].Text, "2 (") || !s.Dettaglio.Visible() {
		t.Fatalf("detail: %q %q %q", s.Campi["dominio"].Text, s.Campi["certificato_il"].Text, s.Campi["caselle"].Text)
	}
	// An assistant sees their domains, and only their own mailboxes on them.
	f.open(t, f.anna, "pec-domini")
	s = f.u.pecDomini
	s.Panel.Wait()
	s.Panel.SelectRow(0)
	if s.Panel.Total() != 1 || s.Campi["dominio"].Text != "pec-a.it" || !strings.HasPrefix(s.Campi["caselle"].Text, "1 (") {
		t.Fatalf("anna: %d domains, %q %q", s.Panel.Total(), s.Campi["dominio"].Text, s.Campi["caselle"].Text)
	}
}

func TestPecAgenti(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	r := f.u.Core.Registro
	if _, err := r.SalvaAgente(ctx, f.admin, store.Agente{RagioneSociale: "Altri Spa", Nome: "Lia", Cognome: "Blu",
		Email: "lia@altri.it", Attivo: true}, nil); err != nil {
		t.Fatal(err)
	}
	f.open(t, f.admin, "pec-agenti")
	s := f.u.pecAgenti
	s.Panel.Wait()
	if s.Panel.Total() != 2 {
		t.Fatalf("%d agents", s.Panel.Total())
	}
	test.Type(s.Panel.Entries["email"], "vendite")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	s.Panel.SelectRow(0)
	if s.Panel.Total() != 1 || s.Form.Entries["ragione_sociale"].Text != "Vendite Srl" || len(s.domini) != 1 || s.Attiva.Disabled() == false {
		t.Fatalf("detail: %d %q %+v", s.Panel.Total(), s.Form.Entries["ragione_sociale"].Text, s.domini)
	}
	test.Tap(s.Disattiva)
	if l, _ := r.Agenti(ctx, f.admin, store.FiltroAgenti{RagioneSociale: "Vendite"}); len(l) != 1 || l[0].Attivo || s.Disattiva.Disabled() == false {
		t.Fatalf("not deactivated: %+v", l)
	}
	test.Tap(s.Attiva)
	s.Dominio.SetSelected("pec-b.it")
	test.Tap(s.Associa)
	if d, _ := r.DominiAgente(ctx, f.admin, f.agente); len(d) != 2 || len(s.domini) != 2 {
		t.Fatalf("domain not associated: %+v", d)
	}
	s.Domini.Select(0) // pec-a.it
	test.Tap(s.Rimuovi)
	test.Tap(s.Conferma.No)
	if d, _ := r.DominiAgente(ctx, f.admin, f.agente); len(d) != 2 {
		t.Fatal("removed on NO")
	}
	s.Domini.Select(0)
	test.Tap(s.Rimuovi)
	test.Tap(s.Conferma.Si)
	if d, _ := r.DominiAgente(ctx, f.admin, f.agente); len(d) != 1 || d[0].Dominio != "pec-b.it" || len(s.domini) != 1 {
		t.Fatalf("after Rimuovi dominio: %+v", d)
	}
	// An assistant reads but may not change.
	f.open(t, f.anna, "pec-agenti")
	if s = f.u.pecAgenti; s.Form.Toggle.Visible() || s.Rimuovi.Visible() || s.Attiva.Visible() {
		t.Fatal("assistant sees the reseller's actions")
	}
}
