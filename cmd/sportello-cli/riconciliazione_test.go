package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The demo's loop through the CLI: a day of payments simulated on the
// sandbox and imported, every label counted, one exported, the same files
// again change nothing, a broken file is refused by line and element.
func TestRiconciliazioneDemo(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
	giorno := filepath.Join(dir, "giorno")
	code, stdout, stderr := runCLI(t, env, "--demo", "riconciliazione", "simula", "--out", giorno, "--quota", "0.8", "--importa")
	if code != 0 || !strings.Contains(stdout, "Giornale di cassa") || strings.Contains(stdout, "NON importato") {
		t.Fatalf("simula: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, env, "--demo", "riconciliazione", "stato", "--json")
	var stato map[string]int
	if code != 0 || json.Unmarshal([]byte(stdout), &stato) != nil {
		t.Fatalf("stato: exit %d %q %s", code, stdout, stderr)
	}
	for _, c := range []string{"IUD_RT_IUF_TES", "IUD_RT_IUF", "RT_IUF_TES", "RT_IUF", "RT_TES", "RT_NO_IUF", "RT_NO_IUD",
		"IUD_NO_RT", "IUV_NO_RT", "IUF_NO_TES", "IUF_TES_DIV_IMP", "TES_NO_IUF_OR_IUV", "TES_NO_MATCH", "DOPPI"} {
		if stato[c] == 0 {
			t.Errorf("%s not reached: %v", c, stato)
		}
	}
	out := filepath.Join(dir, "doppi.xlsx")
	code, stdout, stderr = runCLI(t, env, "--demo", "riconciliazione", "esporta", "--classificazione", "doppi", "--out", out)
	if want := fmt.Sprintf("%d %s in %s\n", stato["DOPPI"], plural(stato["DOPPI"], "riga esportata", "righe esportate"), out); code != 0 || stdout != want {
		t.Fatalf("esporta: exit %d %q, want %q %s", code, stdout, want, stderr)
	}
	if f, err := excelize.OpenFile(out); err != nil {
		t.Fatal(err)
	} else if rows, _ := f.GetRows("DOPPI"); len(rows) != stato["DOPPI"]+1 || rows[1][0] != "DOPPI" {
		t.Fatalf("xlsx rows %v", rows)
	}
	if code, stdout, _ = runCLI(t, env, "--demo", "riconciliazione", "importa", giorno); code != 0 ||
		strings.Count(stdout, "già importato") != strings.Count(stdout, "\n") {
		t.Fatalf("second import changed something: exit %d\n%s", code, stdout)
	}
	rotto := filepath.Join(dir, "rotto.xml")
	b, err := os.ReadFile(filepath.Join(giorno, "tesoreria", mustOne(t, filepath.Join(giorno, "tesoreria"))))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(rotto, []byte(strings.Replace(string(b), "<importo>", "<importo>x", 1)), 0o600)
	code, stdout, _ = runCLI(t, env, "--demo", "riconciliazione", "importa", rotto)
	if code != 1 || !strings.Contains(stdout, "NON importato") || !strings.Contains(stdout, "/ elemento importo:") {
		t.Fatalf("broken journal: exit %d\n%s", code, stdout)
	}
}

func mustOne(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil || len(es) != 1 {
		t.Fatalf("%s: %v %v", dir, es, err)
	}
	return es[0].Name()
}

// The benchmark at a small size: every step runs, the engine agrees with
// the nested loops (else it fails), the day and the journal are stored.
func TestBenchRiconciliazione(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "bench", "riconciliazione", "--ricevute", "3000", "--ingenuo", "500",
		"--giornata", "50", "--opi-mb", "1")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"500 ricevute + 500 righe (stesse classificazioni)", "cicli annidati",
		"importazione incrementale di una giornata (50 ricevute", "riclassificando tutto", "letto e memorizzato", "xml.Unmarshal"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	if n := strings.Count(stdout, "\n"); n != 8 {
		t.Errorf("%d lines, want a header and 7 rows:\n%s", n, stdout)
	}
}
