package impostazioni

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

func modelloSolleciti() ModelloLettera {
	return ModelloLettera{Modello: lettere.Modello{Nome: " Solleciti ", Oggetto: " Sollecito – {{TipoDovuto}} ",
		Testo: "Gentile {{Intestazione}},\r\nrisulta ancora dovuto {{Importo}}.\r\n\r\n", Firma: "Il Dirigente\r\n"}, Attivo: true}
}

func TestModelliLetteraPredefinito(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	// An empty table still offers the built-in template.
	list, err := s.ModelliLettera(ctx)
	if err != nil || len(list) != 1 || !list[0].Predefinito || !list[0].Attivo || list[0].ID != 0 ||
		list[0].Modello != lettere.ModelloPredefinito() {
		t.Fatalf("%+v %v", list, err)
	}
	for _, nome := range []string{"", lettere.NomePredefinito} {
		m, err := s.ModelloLettera(ctx, nome)
		if err != nil || m != lettere.ModelloPredefinito() {
			t.Fatalf("%q: %+v %v", nome, m, err)
		}
	}
	if _, err := s.ModelloLettera(ctx, "Solleciti"); !errors.Is(err, ErrModelloNonTrovato) ||
		err.Error() != "modello di lettera non trovato: «Solleciti» (Impostazioni → Lettere di accompagnamento)" {
		t.Fatalf("unknown template: %v", err)
	}

	// Saved under its name, the built-in template is replaced.
	p := list[0]
	p.Firma = "Il Responsabile dell'Ufficio Tributi"
	id, err := s.SalvaModelloLettera(ctx, admin, p)
	if err != nil {
		t.Fatal(err)
	}
	list, _ = s.ModelliLettera(ctx)
	if len(list) != 1 || list[0].Predefinito || list[0].ID != id || list[0].Firma != p.Firma || list[0].ModificatoDa != "admin" {
		t.Fatalf("%+v", list)
	}
	if m, _ := s.ModelloLettera(ctx, ""); m.Firma != p.Firma {
		t.Fatalf("%+v", m)
	}
}

func TestSalvaModelloLettera(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	id, err := s.SalvaModelloLettera(ctx, admin, modelloSolleciti())
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.ModelloLettera(ctx, "Solleciti")
	if err != nil || m.Nome != "Solleciti" || m.Oggetto != "Sollecito – {{TipoDovuto}}" ||
		m.Testo != "Gentile {{Intestazione}},\nrisulta ancora dovuto {{Importo}}." || m.Firma != "Il Dirigente" {
		t.Fatalf("%+v %v", m, err)
	}
	list, _ := s.ModelliLettera(ctx)
	if len(list) != 2 || !list[0].Predefinito || list[1].ID != id {
		t.Fatalf("%+v", list)
	}

	// Switched off: listed, but not usable by name; the change is audited.
	off := list[1]
	off.Attivo = false
	if _, err := s.SalvaModelloLettera(ctx, admin, off); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ModelloLettera(ctx, "Solleciti"); err == nil || !strings.Contains(err.Error(), "non è attivo") {
		t.Fatalf("inactive template: %v", err)
	}
	hist, err := s.DB.History(ctx, "modello_lettera", "1")
	if err != nil || len(hist) == 0 || hist[0].Campo != "attivo" || hist[0].Dopo != "false" || hist[0].Azione != store.Modifica {
		t.Fatalf("history %+v %v", hist, err)
	}

	if _, err := s.SalvaModelloLettera(ctx, admin, modelloSolleciti()); err == nil ||
		err.Error() != "Nome: esiste già un modello di lettera con questo nome" {
		t.Errorf("duplicate name: %v", err)
	}
	op := operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloSupervisore}
	if _, err := s.SalvaModelloLettera(ctx, op, modelloSolleciti()); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Errorf("supervisor: %v", err)
	}
}

func TestModelloLetteraValidazione(t *testing.T) {
	s := newService(t, nil)
	m := modelloSolleciti()
	m.Testo = "Gentile {{Intestazione}},\n\nentro il {{Scadnza}} {{Importo"
	_, err := s.SalvaModelloLettera(context.Background(), admin, m)
	var es lettere.Errori
	if !errors.As(err, &es) || len(es) != 2 ||
		!strings.HasPrefix(err.Error(), "Testo, riga 3, colonna 10: campo sconosciuto {{Scadnza}} (forse {{Scadenza}}?); campi ammessi: Intestazione,") ||
		!strings.Contains(err.Error(), "\nTesto, riga 3, colonna 22: «{{» senza «}}» di chiusura") {
		t.Fatalf("%v", err)
	}
	m = modelloSolleciti()
	m.Nome = ""
	if _, err := s.SalvaModelloLettera(context.Background(), admin, m); err == nil || err.Error() != "Nome: obbligatorio" {
		t.Fatalf("%v", err)
	}
	if list, _ := s.ModelliLettera(context.Background()); len(list) != 1 {
		t.Fatalf("invalid templates stored: %+v", list)
	}
}

func TestAnteprimaLettera(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	var buf bytes.Buffer
	// Before the ente is configured, the sample ente signs the preview.
	if err := s.AnteprimaLettera(ctx, lettere.ModelloPredefinito(), &buf); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("%v", err)
	}
	if err := s.SalvaEnte(ctx, admin, Ente{Denominazione: "Comune di Agrate Brianza", CodiceFiscale: "02066170966"}); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := s.AnteprimaLettera(ctx, lettere.ModelloPredefinito(), &buf); err != nil || !bytes.Contains(buf.Bytes(), []byte("Comune di Agrate Brianza")) {
		t.Fatalf("%v", err)
	}
	m := lettere.ModelloPredefinito()
	m.Oggetto = "{{Oggeto}}"
	if err := s.AnteprimaLettera(ctx, m, &buf); err == nil || !strings.HasPrefix(err.Error(), "Oggetto, riga 1, colonna 1: campo sconosciuto") {
		t.Fatalf("%v", err)
	}
}
