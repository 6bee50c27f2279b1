package anagrafe

import (
	"errors"
	"testing"
)

// Check digits below were computed by hand with the algorithm of
// shared/REFERENCE.md (and cross-checked with an independent script).

func TestCheckDigit11(t *testing.T) {
	tests := map[string]byte{
		"0048841001": '0', "0636339100": '1', "8001234567": '6', "1234567120": '5',
		"1234567888": '7', "0000000000": '0', "1234567150": '2',
	}
	for in, want := range tests {
		if got := checkDigit11(in); got != want {
			t.Errorf("checkDigit11(%q) = %c, want %c", in, got, want)
		}
	}
}

func TestValidaPartitaIVA(t *testing.T) {
	tests := []struct {
		in     string
		motivo Motivo
		msg    string
	}{
		{"00488410010", "", ""},
		{"06363391001", "", ""},
		{" 01114601006\n", "", ""},
		{"12345670017", "", ""}, // office 001
		{"12345671007", "", ""}, // office 100
		{"12345671205", "", ""}, // 120
		{"12345671213", "", ""}, // 121
		{"12345678887", "", ""}, // 888
		{"12345679992", "", ""}, // 999

		{"", MotivoVuoto, "Partita IVA: non indicato"},
		{"0048841001", MotivoLunghezza, "Partita IVA: lunghezza 10, attese 11 cifre"},
		{"004884100100", MotivoLunghezza, "Partita IVA: lunghezza 12, attese 11 cifre"},
		{"0048841O010", MotivoCarattere, "Partita IVA: carattere 'O' in posizione 8 non valido: sono ammesse solo cifre"},
		{"00488 10010", MotivoCarattere, ""},
		{"00488410011", MotivoControllo, "Partita IVA: cifra di controllo errata: attesa 0, trovata 1"},
		{"00488410001", MotivoControllo, ""}, // two digits swapped
		{"00000000000", MotivoSoliZeri, "Partita IVA: composto da soli zeri"},
		{"12345670009", MotivoUfficio, "Partita IVA: codice ufficio 000 (cifre 8-10) non valido: ammessi 001-100, 120, 121, 888, 999"},
		{"12345671015", MotivoUfficio, ""}, // 101
		{"12345671197", MotivoUfficio, ""}, // 119
		{"12345671502", MotivoUfficio, ""}, // 150
		{"80012345676", MotivoUfficio, ""}, // a valid entity fiscal code, not a partita IVA
		{"IT00488410010", MotivoPrefissoIT, "Partita IVA: indicare le 11 cifre senza il prefisso IT"},
		{"it00488410010", MotivoPrefissoIT, ""},
	}
	for _, tt := range tests {
		err := ValidaPartitaIVA(tt.in)
		checkErr(t, "ValidaPartitaIVA", tt.in, err, tt.motivo, tt.msg)
	}
}

func TestValidaCodiceFiscaleNumerico(t *testing.T) {
	tests := []struct {
		in     string
		motivo Motivo
		msg    string
	}{
		{"80012345676", "", ""},
		{"00488410010", "", ""},
		{"12345670009", "", ""}, // office codes are not checked here
		{"80012345677", MotivoControllo, "Codice fiscale: cifra di controllo errata: attesa 6, trovata 7"},
		{"8001234567", MotivoLunghezza, "Codice fiscale: lunghezza 10, attese 11 cifre"},
		{"RSSMRA80A01H501U", MotivoLunghezza, ""},
		{"00000000000", MotivoSoliZeri, ""},
		{"  ", MotivoVuoto, ""},
		{"8001234567à", MotivoCarattere, "Codice fiscale: carattere 'à' in posizione 11 non valido: sono ammesse solo cifre"},
	}
	for _, tt := range tests {
		err := ValidaCodiceFiscaleNumerico(tt.in)
		checkErr(t, "ValidaCodiceFiscaleNumerico", tt.in, err, tt.motivo, tt.msg)
	}
}

func TestValidaCodiceFiscaleOPartitaIVA(t *testing.T) {
	tests := []struct {
		in     string
		motivo Motivo
		msg    string
	}{
		{"RSSMRA80A01H501U", "", ""},
		{" rssmra80a01h501u", "", ""},
		{"00488410010", "", ""},
		{"80012345676", "", ""},
		{"", MotivoVuoto, "Codice fiscale: non indicato"},
		{"RSSMRA80A01H501X", MotivoControllo, ""},
		{"80012345677", MotivoControllo, ""},
		{"800123456", MotivoLunghezza, "Codice fiscale: lunghezza 9, attese 11 cifre"},
		{"RSSMRA80A01", MotivoLunghezza, "Codice fiscale: lunghezza 11, attesi 16 caratteri (persona fisica) o 11 cifre (ente, società o partita IVA)"},
		{"1234567890123456", MotivoLunghezza, "Codice fiscale: lunghezza 16, attese 11 cifre"},
	}
	for _, tt := range tests {
		err := ValidaCodiceFiscaleOPartitaIVA(tt.in)
		checkErr(t, "ValidaCodiceFiscaleOPartitaIVA", tt.in, err, tt.motivo, tt.msg)
	}
}

// checkErr asserts err is nil when motivo is "", else an *Errore with that
// motivo and, when msg is set, that message.
func checkErr(t *testing.T, fn, in string, err error, motivo Motivo, msg string) {
	t.Helper()
	if motivo == "" {
		if err != nil {
			t.Errorf("%s(%q) = %v, want nil", fn, in, err)
		}
		return
	}
	var e *Errore
	if !errors.As(err, &e) || !errors.Is(err, motivo) {
		t.Errorf("%s(%q) = %v, want an *Errore with motivo %q", fn, in, err, motivo)
		return
	}
	if msg != "" && err.Error() != msg {
		t.Errorf("%s(%q)\n got %q\nwant %q", fn, in, err.Error(), msg)
	}
}

func TestGeneraPartitaIVA(t *testing.T) {
	seen := map[string]bool{}
	for i := range 500 {
		p := GeneraPartitaIVA(1234000+i*37, i)
		if err := ValidaPartitaIVA(p); err != nil || len(p) != 11 {
			t.Fatalf("%s: %v", p, err)
		}
		seen[p] = true
	}
	if len(seen) != 500 {
		t.Fatalf("only %d distinct numbers", len(seen))
	}
}
