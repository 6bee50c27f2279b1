package anagrafe

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The expected codes below were computed by hand (and cross-checked with
// an independent script) from the tables in shared/REFERENCE.md;
// MRTMTT25D09F205Z is the example of the codice fiscale in common
// references (Matteo Moretti, Milano, 9 April 1925).

func TestCarattereControllo(t *testing.T) {
	tests := []struct {
		in   string
		want byte
		ok   bool
	}{
		{"RSSMRA80A01H501", 'U', true},
		{"MRTMTT25D09F205", 'Z', true},
		{"BNCLRA85T50F205", 'A', true},
		{"RSSMRA80A01H50M", 'M', true}, // omocodic: computed as written
		{"RSSMRAULALMHRLM", 'D', true},
		{"RSSMRA80A01H50", 0, false},
		{"RSSMRA80A01H5011", 0, false},
		{"rssmra80a01h501", 0, false},
		{"RSSMRA80A01H5-1", 0, false},
	}
	for _, tt := range tests {
		got, ok := CarattereControllo(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CarattereControllo(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalizzaCodiceFiscale(t *testing.T) {
	tests := map[string]string{
		"  rssmra80a01h501u\t\n": "RSSMRA80A01H501U",
		"\u00a0RSSMRA80A01H501U": "RSSMRA80A01H501U",
		"rss mra":                "RSS MRA",
		"ıſ":                     "ıſ", // not turned into I and S
		"":                       "",
	}
	for in, want := range tests {
		if got := NormalizzaCodiceFiscale(in); got != want {
			t.Errorf("NormalizzaCodiceFiscale(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidaCodiceFiscale(t *testing.T) {
	tests := []struct {
		name   string
		cf     string
		motivo Motivo // "" = valid
		msg    string // full message, or "" to skip the comparison
	}{
		{"valid", "RSSMRA80A01H501U", "", ""},
		{"valid textbook example", "MRTMTT25D09F205Z", "", ""},
		{"lower case and blanks", "  rssmra80a01h501u ", "", ""},
		{"woman, day +40", "BNCLRA85T50F205A", "", ""},
		{"born abroad", "CLMGFR90E50Z404T", "", ""},
		{"omocodic last digit", "RSSMRA80A01H50MM", "", ""},
		{"omocodic day", "RSSMRA80A0MH501M", "", ""},
		{"omocodic everywhere", "RSSMRAULALMHRLMD", "", ""},
		{"suppressed comune", "RSSMRA80A01I879D", "", ""},
		{"former Italian territory", "RSSMRA80A01A170I", "", ""},
		{"29 February, leap year", "RSSMRA80B29H501Q", "", ""},
		{"29 February 00, woman", "RSSMRA00B69H501C", "", ""},

		{"empty", "   ", MotivoVuoto, "Codice fiscale: non indicato"},
		{"too short", "RSSMRA80A01H501", MotivoLunghezza, "Codice fiscale: lunghezza 15, attesi 16 caratteri"},
		{"too long", "RSSMRA80A01H501UU", MotivoLunghezza, "Codice fiscale: lunghezza 17, attesi 16 caratteri"},
		{"accented letter counts once", "RSSMRÀ80A01H501", MotivoLunghezza, "Codice fiscale: lunghezza 15, attesi 16 caratteri"},
		{"non-ASCII letter", "RSSMRÀ80A01H501U", MotivoCarattere, ""},
		{"inner blank", "RSS MRA80A01H501", MotivoCarattere, "Codice fiscale: spazio non ammesso in posizione 4 (' '): sono ammesse solo lettere e cifre"},
		{"symbol", "RSSMRA80A01H501-", MotivoCarattere, ""},
		{"letter where a digit goes", "RSSMRA8KA01H501U", MotivoCarattere, "Codice fiscale: carattere K in posizione 8 non valido: attesa una cifra (o una lettera di omocodia L M N P Q R S T U V)"},
		{"digit where a letter goes", "RSSMR080A01H501U", MotivoCarattere, "Codice fiscale: carattere 0 in posizione 6 non valido: attesa una lettera"},
		{"digit as check character", "RSSMRA80A01H5011", MotivoCarattere, ""},
		{"wrong check", "RSSMRA80A01H501X", MotivoControllo, "Codice fiscale: carattere di controllo errato: atteso U, trovato X"},
		{"omocodic, check of the plain code", "RSSMRA80A01H50MU", MotivoControllo, "Codice fiscale: carattere di controllo errato: atteso M, trovato U"},
		{"bad month", "RSSMRA80F01H501G", MotivoMese, "Codice fiscale: mese di nascita non valido (lettera F; ammesse A B C D E H L M P R S T)"},
		{"day 00", "RSSMRA80A00H501V", MotivoGiorno, ""},
		{"day 32", "RSSMRA80A32H501C", MotivoGiorno, "Codice fiscale: giorno di nascita non valido (32; ammessi 01-31 per gli uomini, 41-71 per le donne)"},
		{"day 40", "RSSMRA80A40H501Z", MotivoGiorno, ""},
		{"day 72", "RSSMRA80A72H501G", MotivoGiorno, ""},
		{"31 April", "RSSMRA80D31H501D", MotivoGiorno, "Codice fiscale: giorno di nascita non valido (31 aprile)"},
		{"31 November", "RSSMRA80S31H501I", MotivoGiorno, "Codice fiscale: giorno di nascita non valido (31 novembre)"},
		{"31 September, woman", "RSSMRA80P71H501D", MotivoGiorno, "Codice fiscale: giorno di nascita non valido (31 settembre)"},
		{"30 February", "RSSMRA80B30H501X", MotivoGiorno, ""},
		{"30 June", "RSSMRA80H30H501O", "", ""},
		{"31 December", "RSSMRA80T31H501K", "", ""},
		{"31 May, woman", "RSSMRA80E71H501J", "", ""},
		{"29 February, not leap", "RSSMRA81B29H501R", MotivoGiorno, "Codice fiscale: giorno di nascita non valido (29 febbraio in un anno non bisestile)"},
		{"29 February, not leap, woman", "RSSMRA81B69H501V", MotivoGiorno, ""},
		{"unknown comune", "RSSMRA80A01A000C", MotivoLuogo, "Codice fiscale: codice del comune di nascita A000 sconosciuto"},
		{"unknown foreign state", "RSSMRA80A01Z999Y", MotivoLuogo, "Codice fiscale: codice dello stato estero di nascita Z999 sconosciuto"},
		{"ceased state not in the data", "RSSMRA80A01Z135P", MotivoLuogo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidaCodiceFiscale(tt.cf)
			if tt.motivo == "" {
				if err != nil {
					t.Fatalf("ValidaCodiceFiscale(%q) = %v, want nil", tt.cf, err)
				}
				return
			}
			if !errors.Is(err, tt.motivo) {
				t.Fatalf("ValidaCodiceFiscale(%q) = %v, want motivo %q", tt.cf, err, tt.motivo)
			}
			var e *Errore
			if !errors.As(err, &e) || e.Campo != "Codice fiscale" || e.Dettaglio == "" {
				t.Fatalf("error %#v is not a complete *Errore", err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message\n got %q\nwant %q", err.Error(), tt.msg)
			}
			if !strings.HasPrefix(err.Error(), e.Campo+": ") || !strings.HasSuffix(err.Error(), e.Dettaglio) {
				t.Errorf("Error() %q does not join Campo and Dettaglio", err.Error())
			}
		})
	}
}

func TestMonthLengths(t *testing.T) {
	// days per month, January to December, in a leap year (80) and not (81)
	leap := [12]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	for m, letter := range monthLetters {
		for _, yy := range []string{"80", "81"} {
			last := leap[m]
			if m == 1 && yy == "81" {
				last = 28
			}
			for _, offset := range []int{0, 40} { // men, women
				ok := withCheck(fmt.Sprintf("RSSMRA%s%c%02dH501", yy, letter, last+offset))
				if err := ValidaCodiceFiscale(ok); err != nil {
					t.Errorf("%s (day %d, month %c): %v", ok, last, letter, err)
				}
				bad := withCheck(fmt.Sprintf("RSSMRA%s%c%02dH501", yy, letter, last+1+offset))
				if err := ValidaCodiceFiscale(bad); !errors.Is(err, MotivoGiorno) {
					t.Errorf("%s (day %d, month %c): %v, want MotivoGiorno", bad, last+1, letter, err)
				}
			}
		}
	}
}

func TestValidaCodiceFiscaleNilInterface(t *testing.T) {
	// A typed nil *Errore inside an error interface would not be == nil.
	if err := ValidaCodiceFiscale("RSSMRA80A01H501U"); err != nil {
		t.Fatalf("got %#v", err)
	}
}

func TestParseCodiceFiscale(t *testing.T) {
	ref := time.Date(2024, 6, 15, 10, 0, 0, 0, time.Local)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		cf    string
		ref   time.Time
		want  DatiCodiceFiscale
		wantC string // CodiceBase
	}{
		{"rssmra80a01h501u", ref, DatiCodiceFiscale{Codice: "RSSMRA80A01H501U", Sesso: 'M', DataNascita: day(1980, 1, 1),
			Belfiore: "H501", LuogoNascita: "Roma", Provincia: "RM"}, "RSSMRA80A01H501U"},
		{"BNCLRA85T50F205A", ref, DatiCodiceFiscale{Codice: "BNCLRA85T50F205A", Sesso: 'F', DataNascita: day(1985, 12, 10),
			Belfiore: "F205", LuogoNascita: "Milano", Provincia: "MI"}, "BNCLRA85T50F205A"},
		{"CLMGFR90E50Z404T", ref, DatiCodiceFiscale{Codice: "CLMGFR90E50Z404T", Sesso: 'F', DataNascita: day(1990, 5, 10),
			Belfiore: "Z404", LuogoNascita: "Stati Uniti d'America", Provincia: "EE", Estero: true}, "CLMGFR90E50Z404T"},
		{"RSSMRAULALMHRLMD", ref, DatiCodiceFiscale{Codice: "RSSMRAULALMHRLMD", Sesso: 'M', DataNascita: day(1980, 1, 1),
			Belfiore: "H501", LuogoNascita: "Roma", Provincia: "RM", Omocodico: true}, "RSSMRA80A01H501U"},
		// century: 2024-06-15 is on or before the reference, 2024-07-01 is not
		{withCheck("RSSMRA24H15H501"), ref, DatiCodiceFiscale{Sesso: 'M', DataNascita: day(2024, 6, 15),
			Belfiore: "H501", LuogoNascita: "Roma", Provincia: "RM"}, ""},
		{withCheck("RSSMRA24L01H501"), ref, DatiCodiceFiscale{Sesso: 'M', DataNascita: day(1924, 7, 1),
			Belfiore: "H501", LuogoNascita: "Roma", Provincia: "RM"}, ""},
		{"RSSMRA00B69H501C", time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), DatiCodiceFiscale{Sesso: 'F', DataNascita: day(2000, 2, 29),
			Belfiore: "H501", LuogoNascita: "Roma", Provincia: "RM"}, ""},
		// a suppressed comune gets the name and province of the day of birth
		{"RSSMRA30A01A426O", ref, DatiCodiceFiscale{Sesso: 'M', DataNascita: day(1930, 1, 1),
			Belfiore: "A426", LuogoNascita: "ARNÒ", Provincia: "TN"}, ""},
		{"RSSMRA40A01A426Q", ref, DatiCodiceFiscale{Sesso: 'M', DataNascita: day(1940, 1, 1),
			Belfiore: "A426", LuogoNascita: "BONDO BREGUZZO", Provincia: "TN"}, ""},
		{"RSSMRA20A01A583O", time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), DatiCodiceFiscale{Sesso: 'M', DataNascita: day(1920, 1, 1),
			Belfiore: "A583", LuogoNascita: "BAIO DORA", Provincia: "TO"}, ""},
		{"RSSMRA28A01A583W", ref, DatiCodiceFiscale{Sesso: 'M', DataNascita: day(1928, 1, 1),
			Belfiore: "A583", LuogoNascita: "BAIO DORA", Provincia: "AO"}, ""},
	}
	for _, tt := range tests {
		got, err := ParseCodiceFiscale(tt.cf, tt.ref)
		if err != nil {
			t.Errorf("ParseCodiceFiscale(%q): %v", tt.cf, err)
			continue
		}
		want := tt.want
		want.Codice = NormalizzaCodiceFiscale(tt.cf)
		want.CodiceBase = tt.wantC
		if tt.wantC == "" {
			want.CodiceBase = want.Codice
		}
		if got != want {
			t.Errorf("ParseCodiceFiscale(%q)\n got %+v\nwant %+v", tt.cf, got, want)
		}
	}
}

func TestParseCodiceFiscaleErrors(t *testing.T) {
	for _, cf := range []string{"", "RSSMRA80A01H501X", "RSSMRA81B29H501R", "RSSMRA80A01Z999Y"} {
		d, err := ParseCodiceFiscale(cf, time.Time{})
		if err == nil || d != (DatiCodiceFiscale{}) {
			t.Errorf("ParseCodiceFiscale(%q) = %+v, %v; want zero value and an error", cf, d, err)
		}
		if err.Error() != ValidaCodiceFiscale(cf).Error() {
			t.Errorf("Parse and Valida disagree on %q: %v / %v", cf, err, ValidaCodiceFiscale(cf))
		}
	}
}

func TestParseCodiceFiscaleDefaultReference(t *testing.T) {
	yy := time.Now().Year() % 100
	cf := withCheck(strings.Replace("RSSMRAYYA01H501", "YY", twoDigits(yy), 1))
	d, err := ParseCodiceFiscale(cf, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// 1 January of the current year is never after today.
	if d.DataNascita.Year() != time.Now().Year() {
		t.Errorf("born %v, want this year", d.DataNascita)
	}
}

// withCheck completes 15 characters with their check character.
func withCheck(first15 string) string {
	c, ok := CarattereControllo(first15)
	if !ok {
		panic("withCheck: " + first15)
	}
	return first15 + string(c)
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
