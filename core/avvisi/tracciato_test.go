package avvisi

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/flussi"
)

// cf completes a fiscal code with its check character.
func cf(first15 string) string {
	c, _ := anagrafe.CarattereControllo(first15)
	return first15 + string(c)
}

// sbagliato changes the check character.
func sbagliato(cf string) string {
	c := cf[15] + 1
	if c > 'Z' {
		c = 'A'
	}
	return cf[:15] + string(c)
}

func messaggi(errs []flussi.ErroreRiga) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

// The downloadable tracciato is accepted as it is.
func TestTracciatoRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := ScriviTracciato(&buf); err != nil {
		t.Fatal(err)
	}
	l, err := Leggi(&buf)
	if err != nil || len(l.Errori) != 0 || len(l.Righe) != 2 {
		t.Fatalf("tracciato: %v %v", err, messaggi(l.Errori))
	}
	p, c := l.Righe[0], l.Righe[1]
	if p.Intestazione != "Giulia Brambilla" || p.Debitore() != "BRMGLI85M41M052S" || p.Centesimi != 23450 || p.Provincia != "MB" || p.Numero != 2 {
		t.Errorf("person: %+v", p)
	}
	if c.Debitore() != "02026620969" || c.Centesimi != 125000 || c.OggettoProt == "" || c.Causale != "COSAP 2027 passo carraio" {
		t.Errorf("company: %+v", c)
	}
}

func TestLeggiCSV(t *testing.T) {
	csv := "intestazione;codice fiscale;importo;indirizzo_pec;CAP\n" +
		"Marco Rossi;" + strings.ToLower(cf("RSSMRA80A01F205")) + ";12.50;marco.rossi@example.it;20100\n"
	l, err := Leggi(strings.NewReader(csv))
	if err != nil || len(l.Errori) != 0 {
		t.Fatalf("%v %v", err, messaggi(l.Errori))
	}
	if r := l.Righe[0]; r.CodiceFiscale != cf("RSSMRA80A01F205") || r.Centesimi != 1250 || r.CAP != "20100" {
		t.Errorf("row %+v", r)
	}
}

// Every problem is listed with its row and column, and no row is usable.
func TestLeggiErrori(t *testing.T) {
	csv := "Intestazione;CodiceFiscale;PartitaIva;Importo;IndirizzoPec;CAP\n" +
		"Marco Rossi;" + sbagliato(cf("RSSMRA80A01F205")) + ";;12,50;marco.rossi@example.it;\n" + // 2: check character
		";;;0;non-una-mail;2010\n" + // 3: everything
		"Ditta Bianchi;;12345678901;10;ditta@pec.example.it;\n" + // 4: partita IVA check digit
		"Anna Verdi;" + cf("VRDNNA70A41F205") + ";;abc;anna@example.it;\n" + // 5: amount
		"Marco Rossi;" + cf("RSSMRA80A01F205") + ";;12,50;m.rossi@example.it;\n" + // 6: fine
		"Marco Rossi;" + cf("RSSMRA80A01F205") + ";;12,50;m.rossi@example.it;\n" // 7: duplicate of 6
	l, err := Leggi(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(messaggi(l.Errori), "\n")
	for _, want := range []string{
		"riga 2, colonna CodiceFiscale: ",
		"riga 3, colonna Intestazione: obbligatoria",
		"riga 3, colonna CodiceFiscale: indicare il codice fiscale o la partita IVA",
		"riga 3, colonna Importo: deve essere maggiore di zero",
		"riga 3, colonna IndirizzoPec: ",
		"riga 3, colonna CAP: il CAP ha 5 cifre",
		"riga 4, colonna PartitaIva: ",
		"riga 5, colonna Importo: ",
		"riga 7: duplicato della riga 6",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "riga 6,") {
		t.Errorf("a clean row reported:\n%s", got)
	}
	if l.Righe != nil {
		t.Error("rows of a dirty file are usable")
	}
}

func TestLeggiColonne(t *testing.T) {
	for _, c := range []struct{ csv, want string }{
		{"Nome;Importo;IndirizzoPec\nx;1;a@b.it\n", "Intestazione: colonna obbligatoria mancante"},
		{"Intestazione;Importo;IndirizzoPec\nx;1;a@b.it\n", "CodiceFiscale: serve la colonna CodiceFiscale o PartitaIva"},
		{"Intestazione;CodiceFiscale;Importo;IndirizzoPec\n", "nessuna riga di dati"},
	} {
		l, err := Leggi(strings.NewReader(c.csv))
		if err != nil || !strings.Contains(strings.Join(messaggi(l.Errori), "\n"), c.want) {
			t.Errorf("%q: %v %v, want %q", c.csv, err, messaggi(l.Errori), c.want)
		}
	}
}
