package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestPecNuovoAgente inserts an agent with two domains from «Inserisci
// nuovo agente commerciale», then gives it a package.
func TestPecNuovoAgente(t *testing.T) {
	f := newPecFixture(t)
	ctx := context.Background()
	f.open(t, f.admin, "pec-agenti")
	s := f.u.pecAgenti
	s.Panel.Wait()
	test.Tap(s.Nuovo)
	n := s.Nuova
	if n == nil || len(n.Domini.Options) != 3 {
		t.Fatalf("form: %+v", n)
	}
	test.Type(n.RagioneSociale, "Nuovi Agenti Srl")
	test.Type(n.Nome, "Luca")
	test.Type(n.Cognome, "Blu")
	test.Type(n.Email, "luca@")
	n.Domini.SetSelected([]string{"pec-a.it", "pec-b.it"})
	test.Tap(n.Salva)
	if !n.Errore.Visible() || !strings.Contains(n.Errore.Text, "E-mail") {
		t.Fatalf("bad e-mail: %q", n.Errore.Text)
	}
	n.Email.SetText("luca@agenti.it")
	test.Tap(n.Salva)
	if n.Errore.Visible() || s.agente.RagioneSociale != "Nuovi Agenti Srl" || len(s.domini) != 2 ||
		s.Form.Entries["email"].Text != "luca@agenti.it" {
		t.Fatalf("after insert: %q, agent %+v, domains %+v", n.Errore.Text, s.agente, s.domini)
	}
	s.Panel.Wait()
	if row, ok := s.Panel.Row(0); s.Panel.Total() != 1 || !ok || row[colAgenteRagione] != "Nuovi Agenti Srl" {
		t.Fatalf("list: %d %v", s.Panel.Total(), row)
	}
	dom, err := f.u.Core.Registro.DominiAgente(ctx, f.admin, s.agente.ID)
	if err != nil || len(dom) != 2 {
		t.Fatalf("domains read back: %+v %v", dom, err)
	}

	// Packages: a wrong quantity is refused inline, a good one listed.
	if len(s.pacchetti) != 0 || s.NuovoPacchetto.Disabled() {
		t.Fatalf("packages before: %+v", s.pacchetti)
	}
	test.Type(s.PacchettoNome, "Venti")
	test.Type(s.PacchettoQuant, "venti")
	test.Type(s.PacchettoDurata, "2")
	test.Tap(s.NuovoPacchetto)
	if !strings.Contains(s.ErrorePacchetto.Text, "numero intero") || len(s.pacchetti) != 0 {
		t.Fatalf("bad quantity: %q", s.ErrorePacchetto.Text)
	}
	s.PacchettoQuant.SetText("20")
	test.Tap(s.NuovoPacchetto)
	if s.ErrorePacchetto.Visible() || len(s.pacchetti) != 1 || s.pacchetti[0].Nome != "Venti" || s.pacchetti[0].Quantita != 20 ||
		s.pacchetti[0].DurataAnni != 2 {
		t.Fatalf("package: %q %+v", s.ErrorePacchetto.Text, s.pacchetti)
	}
	list, err := f.u.Core.Registro.PacchettiAgente(ctx, f.admin, s.agente.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("read back: %+v %v", list, err)
	}

	// An assistant sees no insert action.
	f.open(t, f.anna, "pec-agenti")
	if s = f.u.pecAgenti; s.Nuovo.Visible() || s.NuovoPacchetto.Visible() {
		t.Fatal("assistant can insert agents or packages")
	}
}
