package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/demo"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
)

// The front desk from the command line, on the demo (its sandbox's GPD
// and mailboxes) with the catalogue of spontaneous payments: a request
// with a wrong amount or fiscal code is refused naming the field; a good
// one creates a payable position and writes its notice; the search finds
// it only with the right fiscal code, and e-mails it.
func TestPagamentiSportello(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
	for k, v := range env {
		t.Setenv(k, v)
	}
	ctx := context.Background()
	a, err := demo.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := a.Operatori.Login(ctx, "admin", demo.Password)
	if err == nil {
		err = demo.SeedCatalogo(ctx, a, admin)
	}
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	cf := sandbox.SampleCodes(2026, 2).Enabled

	code, stdout, _ := runCLI(t, env, "--demo", "pagamenti", "catalogo")
	if code != 0 || !strings.Contains(stdout, "LOCULI") || !strings.Contains(stdout, "1.850,00 euro") || !strings.Contains(stdout, "libero") {
		t.Fatalf("catalogo: exit %d\n%s", code, stdout)
	}
	pdf := filepath.Join(dir, "avviso.pdf")
	code, _, stderr := runCLI(t, env, "--demo", "pagamenti", "spontaneo", "--tipo", "LOCULI", "--cf", cf[0], "--nome", "Mario Rossi",
		"--importo", "100", "--out", pdf)
	if code != 1 || !strings.Contains(stderr, "Importo: per «Concessione cimiteriale - loculo trentennale» l'importo è fisso: 1.850,00 euro") ||
		!strings.Contains(stderr, "non creato") {
		t.Fatalf("wrong fixed amount: exit %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, env, "--demo", "pagamenti", "spontaneo", "--tipo", "DIRITTI_SEGRETERIA", "--cf", "RSSMRA80A01F205Z",
		"--nome", "Mario Rossi", "--importo", "12,50", "--out", pdf)
	if code != 1 || !strings.Contains(stderr, "Codice fiscale: ") {
		t.Fatalf("wrong fiscal code: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(pdf); err == nil {
		t.Fatal("a PDF was written for a refused request")
	}
	if code, _, _ := runCLI(t, env, "--demo", "pagamenti", "spontaneo", "--tipo", "LOCULI", "--cf", cf[0], "--nome", "X"); code != 2 {
		t.Fatalf("without --out: exit %d", code)
	}

	code, stdout, stderr = runCLI(t, env, "--demo", "pagamenti", "spontaneo", "--tipo", "DIRITTI_SEGRETERIA", "--cf", cf[0],
		"--nome", "Mario Rossi", "--importo", "12,50", "--causale", "Diritti di segreteria - certificato di destinazione urbanistica",
		"--email", "mario.rossi@example.it", "--out", pdf, "--invia")
	codice, _, _ := strings.Cut(stdout, "\n")
	if code != 0 || len(codice) != 18 || !strings.Contains(stdout, "invio consegnato a mario.rossi@example.it") {
		t.Fatalf("spontaneo: exit %d %q %s", code, stdout, stderr)
	}
	if err := pagopa.ValidaCodiceAvviso(codice); err != nil {
		t.Fatalf("notice number %q: %v", codice, err)
	}
	if txt := testoPDFCLI(t, pdf); !strings.Contains(txt, pagopa.FormattaCodiceAvviso(codice)) || !strings.Contains(txt, "12,50") {
		t.Fatalf("notice PDF:\n%s", txt)
	}

	code, _, stderr = runCLI(t, env, "--demo", "pagamenti", "cerca", "--avviso", codice, "--cf", cf[1])
	if code != 1 || !strings.Contains(stderr, "Codice fiscale: l'avviso "+pagopa.FormattaCodiceAvviso(codice)+" non è intestato a "+cf[1]) {
		t.Fatalf("someone else's code: exit %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, env, "--demo", "pagamenti", "cerca", "--avviso", codice[:17]+"x", "--cf", cf[0])
	if code != 1 || !strings.Contains(stderr, "Codice avviso: ") {
		t.Fatalf("mistyped notice number: exit %d %s", code, stderr)
	}
	ristampa := filepath.Join(dir, "ristampa.pdf")
	code, stdout, stderr = runCLI(t, env, "--demo", "pagamenti", "cerca", "--avviso", pagopa.IUV(codice), "--cf", cf[0], "--json", "--out", ristampa)
	var e esitoCerca
	if code != 0 || json.Unmarshal([]byte(stdout), &e) != nil || e.CodiceAvviso != codice || e.Centesimi != 1250 || e.Fase != "INVIATO" ||
		e.StatoGPD != "VALID" || !e.LettoDaPagoPA || e.TipoDovuto != "DIRITTI_SEGRETERIA" {
		t.Fatalf("cerca: exit %d %s %s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(ristampa); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("reprint: %v", err)
	}
	code, stdout, _ = runCLI(t, env, "--demo", "pagamenti", "cerca", "--avviso", codice, "--cf", cf[0])
	if code != 0 || !strings.Contains(stdout, "Inviato, da pagare (pagoPA: VALID)") {
		t.Fatalf("cerca: exit %d\n%s", code, stdout)
	}
}

// testoPDFCLI is a PDF file's text as pdftotext reads it.
func testoPDFCLI(t *testing.T, path string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
