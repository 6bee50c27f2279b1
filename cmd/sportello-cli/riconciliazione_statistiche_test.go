package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Statistics of a day simulated in the demo (far from the days the demo
// seeds): the JSON totals equal the sum of the receipt files the sandbox
// wrote, the days are the payment day and the settlement day (the credits'
// value date too), the range selects, the chart is a PNG of the stated
// size; bad flags are usage errors.
func TestRiconciliazioneStatistiche(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
	giorno := filepath.Join(dir, "giorno")
	code, stdout, stderr := runCLI(t, env, "--demo", "riconciliazione", "simula", "--out", giorno, "--giorno", "2025-06-10",
		"--importa")
	if code != 0 || strings.Contains(stdout, "NON importato") {
		t.Fatalf("simula: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var nRT int
	var pagato int64
	amount := regexp.MustCompile(`<paymentAmount>([0-9.]+)</paymentAmount>`)
	files, _ := filepath.Glob(filepath.Join(giorno, "ricevute", "*.xml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := amount.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s: no amount", f)
		}
		e, _ := strconv.ParseFloat(string(m[1]), 64)
		pagato += int64(e*100 + 0.5)
		nRT++
	}
	if nRT == 0 {
		t.Fatal("no receipts simulated")
	}

	g := globals{demo: true}
	stat := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := ricStatistiche(context.Background(), g, args, &out, &errb)
		return out.String(), err
	}
	out, err := stat("--per", "giorno", "--dal", "2025-06-10", "--al", "2025-06-12", "--json")
	var js statisticheJSON
	if err != nil || json.Unmarshal([]byte(out), &js) != nil {
		t.Fatalf("json: %v %q", err, out)
	}
	if js.Per != "giorno" || js.Dal != "2025-06-10" || js.Totale.NumeroPagati != nRT || js.Totale.ImportoPagato != pagato || len(js.Righe) != 2 ||
		js.Righe[0].Chiave != "2025-06-10" || js.Righe[0].ImportoPagato != pagato || js.Righe[1].Chiave != "2025-06-11" ||
		js.Righe[1].ImportoRendicontato != js.Totale.ImportoRendicontato ||
		js.Totale.ImportoIncassato == 0 || js.Totale.ImportoIncassato != js.Righe[1].ImportoIncassato {
		t.Fatalf("per giorno: %+v (receipts %d, %d cents)", js, nRT, pagato)
	}
	// Only the settlement day: nothing paid, everything reported and credited.
	out, err = stat("--per", "ufficio", "--dal", "2025-06-11", "--al", "2025-06-11", "--json")
	var sett statisticheJSON
	if err != nil || json.Unmarshal([]byte(out), &sett) != nil || sett.Totale.NumeroPagati != 0 ||
		sett.Totale.ImportoRendicontato != js.Totale.ImportoRendicontato || sett.Totale.ImportoIncassato != js.Totale.ImportoIncassato ||
		sett.Dal != "2025-06-11" {
		t.Fatalf("range: %v %q", err, out)
	}

	chart := filepath.Join(dir, "mese.png")
	out, err = stat("--per", "mese", "--png", chart)
	if err != nil || !strings.HasPrefix(out, "Mese ") || !strings.Contains(out, "06/2025") || !strings.Contains(out, "\nTotale ") ||
		!strings.Contains(out, "grafico salvato in "+chart) {
		t.Fatalf("text: %v\n%s", err, out)
	}
	f, err := os.Open(chart)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != statisticheLarghezza || img.Bounds().Dy() != statisticheAltezza {
		t.Fatalf("png: %v", err)
	}

	for _, args := range [][]string{{"--per", "settimana"}, {"--per", "mese", "--dal", "20/11/2026"}, {"--json"}} {
		_, err := stat(args...)
		if ee, ok := err.(exitError); !ok || ee.code != 2 || ee.msg == "" {
			t.Errorf("%v: %v", args, err)
		}
	}
	_, err = stat("--per", "mese", "--dal", "2026-12-01", "--al", "2026-11-01")
	if ee, ok := err.(exitError); !ok || ee.code != 1 || !strings.Contains(ee.msg, "«Dal»") {
		t.Fatalf("dal after al: %v", err)
	}
}
