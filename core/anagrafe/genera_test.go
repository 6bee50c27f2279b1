package anagrafe

import (
	"errors"
	"testing"
	"time"
)

func TestGeneraCodiceFiscale(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		cognome, nome string
		nascita       time.Time
		sesso         byte
		belfiore      string
		want          string
	}{
		{"Rossi", "Mario", date(1980, 1, 1), 'M', "H501", "RSSMRA80A01H501U"},
		{"Moretti", "Matteo", date(1925, 4, 9), 'M', "F205", "MRTMTT25D09F205Z"},
		{"BIANCHI", "laura", date(1985, 12, 10), 'f', " f205 ", "BNCLRA85T50F205A"},
		// name with 4+ consonants: 1st, 3rd, 4th (G N F R N C -> G F R)
		{"Colombo", "Gianfranca", date(1990, 5, 10), 'F', "Z404", "CLMGFR90E50Z404T"},
		// apostrophe ignored, accent removed, N C C L -> N C L
		{"D'Amico", "Niccolò", date(2003, 7, 31), 'M', "L219", "DMCNCL03L31L219Y"},
		// short: consonants, vowels, X; 29 February 2000
		{"Fo", "Al", date(2000, 2, 29), 'F', "F205", "FOXLAX00B69F205I"},
		// umlaut is a vowel, hyphen ignored, J is a consonant
		{"Müller", "Jo-Ann", date(1975, 11, 30), 'F', "A952", "MLLJNN75S70A952S"},
		// blank in the surname ignored; name with vowels after its one consonant
		{"De Luca", "Ugo", date(1968, 9, 15), 'M', "D969", "DLCGUO68P15D969U"},
	}
	for _, tt := range tests {
		got, err := GeneraCodiceFiscale(tt.cognome, tt.nome, tt.nascita, tt.sesso, tt.belfiore)
		if err != nil || got != tt.want {
			t.Errorf("GeneraCodiceFiscale(%q, %q, %s, %c, %q) = %q, %v; want %q",
				tt.cognome, tt.nome, tt.nascita.Format(time.DateOnly), tt.sesso, tt.belfiore, got, err, tt.want)
			continue
		}
		d, err := ParseCodiceFiscale(got, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Errorf("generated %s does not parse: %v", got, err)
			continue
		}
		y, m, dd := tt.nascita.Date()
		if d.DataNascita.Month() != m || d.DataNascita.Day() != dd || d.DataNascita.Year()%100 != y%100 {
			t.Errorf("%s: born %v, want %v", got, d.DataNascita, tt.nascita)
		}
		if d.Sesso != upperASCII(string(tt.sesso))[0] {
			t.Errorf("%s: sesso %c, want %c", got, d.Sesso, tt.sesso)
		}
	}
}

func TestNameCodes(t *testing.T) {
	surnames := map[string]string{
		"Rossi": "RSS", "Bianchi": "BNC", "Neri": "NRE", "Fo": "FOX", "Ai": "AIX",
		"Re": "REX", "De Luca": "DLC", "D'Amico": "DMC", "Gianfranco": "GNF",
	}
	for in, want := range surnames {
		l, _ := nameLetters(in)
		if got := surnameCode(l); got != want {
			t.Errorf("surnameCode(%q) = %q, want %q", in, got, want)
		}
	}
	names := map[string]string{
		"Mario": "MRA", "Gianfranco": "GFR", "Ugo": "GUO", "Al": "LAX", "Anna": "NNA",
		"Alberto": "LRT", "Francesco": "FNC", "Niccolò": "NCL", "Maria Grazia": "MGR", "Eva": "VEA",
	}
	for in, want := range names {
		l, _ := nameLetters(in)
		if got := givenNameCode(l); got != want {
			t.Errorf("givenNameCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGeneraCodiceFiscaleErrors(t *testing.T) {
	ok := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name          string
		cognome, nome string
		nascita       time.Time
		sesso         byte
		belfiore      string
		msg           string
	}{
		{"empty surname", " '- ", "Mario", ok, 'M', "H501", "Codice fiscale: cognome non indicato"},
		{"empty name", "Rossi", "", ok, 'M', "H501", "Codice fiscale: nome non indicato"},
		{"other script", "Иванов", "Mario", ok, 'M', "H501", "Codice fiscale: cognome con lettera 'И' non traslitterabile"},
		{"bad sex", "Rossi", "Mario", ok, 'X', "H501", "Codice fiscale: sesso 'X' non valido: indicare M o F"},
		{"no date", "Rossi", "Mario", time.Time{}, 'M', "H501", "Codice fiscale: data di nascita non indicata"},
		{"malformed code", "Rossi", "Mario", ok, 'M', "H50", "Codice fiscale: codice catastale \"H50\" non valido: attesi una lettera e tre cifre"},
		{"unknown code", "Rossi", "Mario", ok, 'M', "A000", "Codice fiscale: codice catastale A000 sconosciuto"},
		{"unknown state", "Rossi", "Mario", ok, 'M', "Z999", "Codice fiscale: codice catastale Z999 sconosciuto"},
	}
	for _, tt := range tests {
		got, err := GeneraCodiceFiscale(tt.cognome, tt.nome, tt.nascita, tt.sesso, tt.belfiore)
		if err == nil || got != "" {
			t.Errorf("%s: got %q, %v; want an error", tt.name, got, err)
			continue
		}
		if !errors.Is(err, MotivoDati) || err.Error() != tt.msg {
			t.Errorf("%s: error %q, want %q (MotivoDati)", tt.name, err, tt.msg)
		}
	}
}
