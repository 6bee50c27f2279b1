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

func TestAvvisiImportaEStato(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
	tracciato := filepath.Join(dir, "lista.xlsx")
	if code, _, stderr := runCLI(t, nil, "avvisi", "tracciato", "--out", tracciato); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := runCLI(t, env, "--demo", "avvisi", "importa", tracciato, "--tipo-dovuto", "DEMO",
		"--scadenza", "2099-01-31", "--causale", "Pagamento dimostrativo")
	id := strings.TrimSpace(stdout)
	if code != 0 || len(id) != 36 || !strings.Contains(stderr, "lotto importato: 2 avvisi per 1.484,50 euro") {
		t.Fatalf("importa: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, env, "--demo", "avvisi", "stato", id, "--json")
	if code != 0 || !strings.Contains(stdout, `"per_stato":{"DA_GENERARE":2}`) || !strings.Contains(stdout, `"centesimi":148450`) {
		t.Fatalf("stato: exit %d %s", code, stdout)
	}
	// Debt positions on the demo's GPD (the sandbox), then the state.
	if code, stdout, stderr := runCLI(t, env, "--demo", "avvisi", "genera", id); code != 0 || !strings.Contains(stdout, "pubblicate: 2") {
		t.Fatalf("genera: exit %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ := runCLI(t, env, "--demo", "avvisi", "stato", id, "--json"); code != 0 || !strings.Contains(stdout, `"GENERATO":2`) {
		t.Fatalf("stato after genera: %s", stdout)
	}
	// The notice of the first row, by its number (DEMO's segregation code 01, first base).
	pdf := filepath.Join(dir, "avviso.pdf")
	if code, _, stderr := runCLI(t, env, "--demo", "avvisi", "pdf", "301000000000000144", "--out", pdf); code != 0 {
		t.Fatalf("pdf: exit %d %s", code, stderr)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("pdf file: %v", err)
	}
	if code, _, _ := runCLI(t, env, "--demo", "avvisi", "pdf", "301000000000099999", "--out", pdf); code != 1 {
		t.Fatalf("unknown notice: exit %d", code)
	}
	code, _, stderr = runCLI(t, env, "--demo", "avvisi", "importa", tracciato, "--tipo-dovuto", "MENSA", "--scadenza", "2099-01-31")
	if code != 1 || !strings.Contains(stderr, "Tipo dovuto: «MENSA» non esiste") || !strings.Contains(stderr, "non è stato salvato nulla") {
		t.Fatalf("bad options: exit %d %s", code, stderr)
	}
}
