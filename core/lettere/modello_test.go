package lettere

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/pagopa"
)

func datiProva() Dati {
	return Dati{
		Ente:         Ente{Nome: "Comune di Vimercate", CodiceFiscale: "02026620969", Settore: "Servizi scolastici"},
		Intestazione: "Niccolò Brambilla", CodiceFiscale: "BRMNCL85M01M052X",
		Indirizzo: "Via Vittorio Emanuele 12", CAP: "20871", Comune: "Vimercate", Provincia: "MB",
		IndirizzoPec: "niccolo.brambilla@pec.it",
		Centesimi:    123450, Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
		Causale: "Trasporto scolastico a.s. 2026/27 – quota annuale", CodiceAvviso: pagopa.CodiceAvviso(1, 123),
		TipoDovuto: "Trasporto scolastico", NumeroProtocollo: "2026/0000123",
		DataProtocollo: time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), // 1 December in Italy
		Oggi:           time.Date(2026, 12, 1, 9, 0, 0, 0, roma),
	}
}

func TestComponi(t *testing.T) {
	m := Modello{Nome: "Prova", Oggetto: "Avviso {{ TipoDovuto }} – {{Intestazione}}",
		Testo: "Gentile {{Intestazione}} ({{CodiceFiscale}}),\n" +
			"{{Indirizzo}}, {{CAP}} {{Comune}} ({{Provincia}})\n" +
			"importo {{Importo}} entro il {{Scadenza}}: {{Causale}}.\n" +
			"Codice avviso {{CodiceAvviso}}, IUV {{IUV}}.\n" +
			"Prot. {{NumeroProtocollo}} del {{DataProtocollo}}; {{Ente}}, {{Oggi}}.\n" +
			"Parentesi {graffe} {da sola} resta testo."}
	oggetto, testo, err := Componi(m, datiProva())
	if err != nil {
		t.Fatal(err)
	}
	if oggetto != "Avviso Trasporto scolastico – Niccolò Brambilla" {
		t.Errorf("oggetto %q", oggetto)
	}
	want := "Gentile Niccolò Brambilla (BRMNCL85M01M052X),\n" +
		"Via Vittorio Emanuele 12, 20871 Vimercate (MB)\n" +
		"importo 1.234,50 € entro il 31/01/2027: Trasporto scolastico a.s. 2026/27 – quota annuale.\n" +
		"Codice avviso 3010 0000 0000 0123 73, IUV 01000000000012373.\n" +
		"Prot. 2026/0000123 del 01/12/2026; Comune di Vimercate, 01/12/2026.\n" +
		"Parentesi {graffe} {da sola} resta testo."
	if testo != want {
		t.Errorf("testo\n%s\nwant\n%s", testo, want)
	}
}

// A line whose fields are all empty goes (the protocol reference of a
// letter not protocolled); a line without fields stays, and so does the
// subject line whatever its fields.
func TestComponiOmetteRigheVuote(t *testing.T) {
	d := datiProva()
	d.NumeroProtocollo, d.TipoDovuto = "", ""
	m := Modello{Nome: "P", Oggetto: "Avviso {{TipoDovuto}} n. {{NumeroProtocollo}}",
		Testo: "Gentile {{Intestazione}},\n\nRif. prot. {{NumeroProtocollo}} del {{DataProtocollo}}.\nSaluti."}
	oggetto, testo, err := Componi(m, d)
	if err != nil {
		t.Fatal(err)
	}
	if oggetto != "Avviso n." || testo != "Gentile Niccolò Brambilla,\n\nSaluti." {
		t.Fatalf("%q %q", oggetto, testo)
	}
	// Protocolled: the line is there, the date from the register in Italy's zone.
	d = datiProva()
	if _, testo, _ := Componi(m, d); !strings.Contains(testo, "Rif. prot. 2026/0000123 del 01/12/2026.") {
		t.Fatalf("%q", testo)
	}
}

func TestValida(t *testing.T) {
	buono := ModelloPredefinito()
	if err := Valida(buono); err != nil {
		t.Fatalf("built-in template: %v", err)
	}
	for _, c := range []struct {
		mod  func(*Modello)
		want string
	}{
		{func(m *Modello) { m.Nome = " " }, "Nome: obbligatorio"},
		{func(m *Modello) { m.Testo = "\n \n" }, "Testo: obbligatorio"},
		{func(m *Modello) { m.Oggetto = "" }, "Oggetto: obbligatorio"},
		{func(m *Modello) { m.Oggetto = "Avviso\n{{Ente}}" }, "Oggetto: deve stare su una riga (è l'oggetto del messaggio PEC)"},
		{func(m *Modello) { m.Nome = strings.Repeat("à", MaxNome+1) }, "Nome: troppo lungo: 101 caratteri, al massimo 100"},
		{func(m *Modello) { m.Testo = "Gentile,\nimporto {{Importo}}\nentro il {{Scadnza}}." },
			"Testo, riga 3, colonna 10: campo sconosciuto {{Scadnza}} (forse {{Scadenza}}?); campi ammessi: Intestazione, CodiceFiscale, Indirizzo, CAP, Comune, Provincia, Importo, Scadenza, Causale, CodiceAvviso, IUV, TipoDovuto, Ente, NumeroProtocollo, DataProtocollo, Oggi"},
		{func(m *Modello) { m.Oggetto = "Città: {{importo}}" }, "Oggetto, riga 1, colonna 8: campo sconosciuto {{importo}} (forse {{Importo}}?); campi ammessi: "},
		{func(m *Modello) { m.Testo = "àè {{Importo" }, "Testo, riga 1, colonna 4: «{{» senza «}}» di chiusura"},
		{func(m *Modello) { m.Testo = "{{Importo\n}}" }, "Testo, riga 1, colonna 1: «{{» senza «}}» di chiusura\nTesto, riga 2, colonna 1: «}}» senza «{{» di apertura"},
		{func(m *Modello) { m.Testo = "x {{Ente {{Importo}}" }, "Testo, riga 1, colonna 3: «{{» senza «}}» di chiusura"},
		{func(m *Modello) { m.Testo = "Importo}} {{ }}" }, "Testo, riga 1, colonna 8: «}}» senza «{{» di apertura\nTesto, riga 1, colonna 11: campo vuoto «{{ }}»"},
		{func(m *Modello) { m.Testo = "Gentile {Intestazione}," }, "Testo, riga 1, colonna 9: «{Intestazione}»: i campi vanno tra doppie graffe, {{Intestazione}}"},
		{func(m *Modello) { m.Testo = "Pagato ✓\tbene\nЖ" }, "Testo, riga 1, colonna 8: carattere «✓» (U+2713) non stampabile nella lettera: sostituirlo\nTesto, riga 2, colonna 1: carattere «Ж» (U+0416)"},
		{func(m *Modello) { m.Oggetto = "a\x00" }, "Oggetto, riga 1, colonna 2: carattere U+0000 non stampabile"},
		{func(m *Modello) { m.Firma = "{{Responsabile}}" }, "Firma, riga 1, colonna 1: campo sconosciuto {{Responsabile}}; campi ammessi: "},
	} {
		m := buono
		c.mod(&m)
		err := Valida(m)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("got\n%v\nwant\n%s…", err, c.want)
			continue
		}
		var es Errori
		if !errors.As(err, &es) || len(es) == 0 {
			t.Errorf("%T is not Errori", err)
		}
		if _, _, err := Componi(m, datiProva()); (err == nil) != strings.HasPrefix(c.want, "Nome") {
			t.Errorf("Componi: %v for %+v", err, m)
		}
	}
}

// A template copied into a batch has no name: it composes all the same.
func TestComponiSenzaNome(t *testing.T) {
	m := ModelloPredefinito()
	m.Nome = ""
	if _, _, err := Componi(m, datiProva()); err != nil {
		t.Fatal(err)
	}
	if _, err := Prepara(m, datiProva()); err != nil {
		t.Fatal(err)
	}
}

// Many problems: each on its line, the allowed fields once, the tail counted.
func TestValidaMoltiErrori(t *testing.T) {
	m := ModelloPredefinito()
	m.Testo = strings.Repeat("{{X}} ", 12) + "{{Y}}"
	msg := Valida(m).Error()
	righe := strings.Split(msg, "\n")
	if len(righe) != maxErrori+1 || righe[maxErrori] != "… e altri 3 problemi" {
		t.Fatalf("%s", msg)
	}
	if n := strings.Count(msg, "campi ammessi"); n != 1 || !strings.Contains(righe[maxErrori-1], "campi ammessi") {
		t.Fatalf("allowed fields named %d times:\n%s", n, msg)
	}
}

func TestCampi(t *testing.T) {
	cs := Campi()
	if len(cs) != 16 {
		t.Fatalf("%d fields", len(cs))
	}
	for _, c := range cs {
		if c.Descrizione == "" || c.Esempio == "" {
			t.Errorf("%s: description %q, sample %q", c.Nome, c.Descrizione, c.Esempio)
		}
		// Every field of the table is accepted and filled.
		m := Modello{Nome: "x", Oggetto: "x", Testo: "{{" + c.Nome + "}}"}
		if _, testo, err := Componi(m, DatiEsempio()); err != nil || testo != c.Esempio {
			t.Errorf("%s: %q %v, want %q", c.Nome, testo, err, c.Esempio)
		}
	}
}

func TestModelloPredefinito(t *testing.T) {
	oggetto, testo, err := Componi(ModelloPredefinito(), datiProva())
	if err != nil {
		t.Fatal(err)
	}
	if oggetto != "Avviso di pagamento pagoPA – Trasporto scolastico" {
		t.Errorf("oggetto %q", oggetto)
	}
	for _, s := range []string{"Gentile Niccolò Brambilla,", "1.234,50 €", "31/01/2027", "3010 0000 0000 0123 73",
		"protocollo n. 2026/0000123 del 01/12/2026", "app IO", "home banking", "ATM", "Poste", "tabaccherie"} {
		if !strings.Contains(testo, s) {
			t.Errorf("the built-in letter lacks %q:\n%s", s, testo)
		}
	}
	d := datiProva()
	d.NumeroProtocollo = ""
	if _, testo, _ := Componi(ModelloPredefinito(), d); strings.Contains(testo, "protocollo") {
		t.Errorf("protocol reference without a protocol:\n%s", testo)
	}
}
