package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAvvisiTracciatoEVerifica(t *testing.T) {
	dir := t.TempDir()
	tracciato := filepath.Join(dir, "TracciatoInvioMassivo.xlsx")
	if code, _, stderr := runCLI(t, nil, "avvisi", "tracciato", "--out", tracciato); code != 0 {
		t.Fatalf("tracciato: exit %d %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, nil, "avvisi", "verifica", tracciato)
	if code != 0 || stdout != "2 righe corrette, importo totale 1.484,50 euro\n" {
		t.Fatalf("verifica of the template: exit %d %q %q", code, stdout, stderr)
	}

	bad := filepath.Join(dir, "lista.csv")
	if err := os.WriteFile(bad, []byte("Intestazione;CodiceFiscale;Importo;IndirizzoPec\nMario Rossi;XXX;0;nope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, nil, "avvisi", "verifica", bad)
	if code != 1 || !strings.Contains(stderr, "riga 2, colonna Importo: deve essere maggiore di zero") ||
		!strings.Contains(stderr, "3 problemi da correggere") {
		t.Fatalf("verifica of a bad list: exit %d\n%s", code, stderr)
	}
	if code, _, _ := runCLI(t, nil, "avvisi", "verifica"); code != 2 {
		t.Fatalf("verifica without a file: exit %d", code)
	}
}
