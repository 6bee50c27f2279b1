package anagrafe

import (
	"strings"
	"testing"
)

func TestValidaEmail(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	label63 := strings.Repeat("b", 63)
	// 64 + "@" + 63 + "." + 63 + "." + 58 + ".it" = 254 characters
	long254 := local64 + "@" + label63 + "." + label63 + "." + strings.Repeat("c", 58) + ".it"
	tests := []struct {
		in     string
		motivo Motivo
		msg    string
	}{
		{"mario.rossi@comune.roma.it", "", ""},
		{"protocollo@pec.comune.milano.it", "", ""},
		{"  Mario.Rossi@Example.COM ", "", ""},
		{"a@b.co", "", ""},
		{"o'neil+tag@example.org", "", ""},
		{"x!#$%&'*+-/=?^_`{|}~y@example.org", "", ""},
		{"user@sub-domain.example-1.it", "", ""},
		{"user@123.example.it", "", ""},
		{"user@example.xn--p1ai", "", ""},
		{local64 + "@example.it", "", ""},
		{"u@" + label63 + ".it", "", ""},
		{long254, "", ""},

		{"", MotivoVuoto, "Indirizzo e-mail: non indicato"},
		{"mario.rossi.comune.it", MotivoSintassi, "Indirizzo e-mail: manca il simbolo @"},
		{"a@b@c.it", MotivoSintassi, "Indirizzo e-mail: contiene più di un simbolo @"},
		{"@comune.it", MotivoSintassi, "Indirizzo e-mail: manca la parte prima di @"},
		{"mario@", MotivoSintassi, "Indirizzo e-mail: manca il dominio dopo @"},
		{"mario rossi@comune.it", MotivoSintassi, "Indirizzo e-mail: l'indirizzo contiene spazi"},
		{"mario@comune .it", MotivoSintassi, ""},
		{"mario\t@comune.it", MotivoSintassi, ""},
		{"Mario Rossi <mario@comune.it>", MotivoSintassi, "Indirizzo e-mail: indicare solo l'indirizzo, senza nome, virgolette o parentesi angolari (es. nome@comune.it)"},
		{"<mario@comune.it>", MotivoSintassi, ""},
		{"\"mario rossi\"@comune.it", MotivoSintassi, ""},
		{"mario..rossi@comune.it", MotivoSintassi, "Indirizzo e-mail: la parte prima di @ contiene due punti consecutivi"},
		{".mario@comune.it", MotivoSintassi, "Indirizzo e-mail: la parte prima di @ non può iniziare o finire con un punto"},
		{"mario.@comune.it", MotivoSintassi, ""},
		{"ma(rio)@comune.it", MotivoSintassi, "Indirizzo e-mail: carattere '(' non ammesso prima di @"},
		{"mario,rossi@comune.it", MotivoSintassi, ""},
		{"mario@localhost", MotivoSintassi, "Indirizzo e-mail: il dominio \"localhost\" deve contenere almeno un punto (es. comune.it)"},
		{"mario@comune..it", MotivoSintassi, "Indirizzo e-mail: il dominio contiene due punti consecutivi"},
		{"mario@.comune.it", MotivoSintassi, "Indirizzo e-mail: il dominio non può iniziare o finire con un punto"},
		{"mario@comune.it.", MotivoSintassi, ""},
		{"mario@-comune.it", MotivoSintassi, "Indirizzo e-mail: la parte \"-comune\" del dominio non può iniziare o finire con un trattino"},
		{"mario@comune-.it", MotivoSintassi, ""},
		{"mario@comu_ne.it", MotivoSintassi, "Indirizzo e-mail: carattere '_' non ammesso nel dominio"},
		{"mario@[192.168.0.1]", MotivoSintassi, ""},
		{"mario@comune.i", MotivoSintassi, "Indirizzo e-mail: il dominio di primo livello \"i\" non è valido (attese almeno due lettere, es. .it)"},
		{"mario@comune.123", MotivoSintassi, ""},
		{"mario@comune.i7", MotivoSintassi, ""},
		{"mario@città.it", MotivoSintassi, "Indirizzo e-mail: carattere 'à' non ammesso: sono ammessi solo caratteri ASCII"},
		{"mario@comune.it\x00", MotivoSintassi, "Indirizzo e-mail: l'indirizzo contiene caratteri di controllo"},
		{"mario@comune.it\xff", MotivoSintassi, ""},
		{local64 + "a@example.it", MotivoSintassi, "Indirizzo e-mail: la parte prima di @ supera 64 caratteri (65)"},
		{"u@" + label63 + "b.it", MotivoSintassi, ""},
		{"a" + long254, MotivoSintassi, "Indirizzo e-mail: l'indirizzo supera 254 caratteri (255)"},
	}
	if len(long254) != 254 {
		t.Fatalf("long254 has %d characters", len(long254))
	}
	for _, tt := range tests {
		checkErr(t, "ValidaEmail", tt.in, ValidaEmail(tt.in), tt.motivo, tt.msg)
	}
}

func TestValidaPEC(t *testing.T) {
	if err := ValidaPEC("protocollo@pec.comune.milano.it"); err != nil {
		t.Errorf("valid PEC refused: %v", err)
	}
	// Any syntactically valid address: the provider is not guessed.
	if err := ValidaPEC("ufficio@example.org"); err != nil {
		t.Errorf("valid address refused: %v", err)
	}
	err := ValidaPEC("protocollo@pec")
	checkErr(t, "ValidaPEC", "protocollo@pec", err, MotivoSintassi,
		"Indirizzo PEC: il dominio \"pec\" deve contenere almeno un punto (es. comune.it)")
}

func TestNormalizzaEmail(t *testing.T) {
	tests := map[string]string{
		"  Mario.Rossi@Comune.ROMA.it\n": "Mario.Rossi@comune.roma.it",
		"senza-chiocciola ":              "senza-chiocciola",
		"a@b@C.IT":                       "a@b@c.it",
		"":                               "",
	}
	for in, want := range tests {
		if got := NormalizzaEmail(in); got != want {
			t.Errorf("NormalizzaEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
