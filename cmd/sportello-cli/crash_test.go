package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sportello/sportello/core/sandbox"
)

// TestCrashResumeFlusso is the reliability test of App IO sending: the real
// CLI binary sends a flow to a sandbox running as another process, is killed
// with SIGKILL at random moments at least ten times and restarted, and in the
// end the sandbox has received no message twice, every notification is sent,
// failed with a reason, unreachable or uncertain, and the uncertain ones are
// at most the concurrency times the kills.
func TestCrashResumeFlusso(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it a dozen times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sportello-cli")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	// The sandbox, slow enough that a send lasts a few seconds.
	sb := exec.Command(bin, "sandbox", "--listen", "127.0.0.1:0", "--rate", "off", "--delay", "0", "--seed", "2026",
		"--faults", "latency=2ms..6ms")
	stdout, err := sb.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Process.Kill(); sb.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var cred sandbox.Credentials
	if err := json.Unmarshal([]byte(line), &cred); err != nil {
		t.Fatal(err)
	}
	svc := cred.Services[0]

	db := filepath.Join(dir, "crash.db")
	// No session bus: the secret store falls back to its file at once.
	noKeyring := "DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(dir, "no-bus")
	cli := func(env []string, args ...string) (string, string, int) {
		cmd := exec.Command(bin, append([]string{"--db", db, "--limite-io", "off"}, args...)...)
		cmd.Env = append(append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir, noKeyring), env...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return o.String(), e.String(), code
	}
	must := func(env []string, args ...string) string {
		t.Helper()
		o, e, code := cli(env, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, o, e)
		}
		return o
	}
	must([]string{"SPORTELLO_PASSWORD=Prova-Crash-2026"}, "operatori", "aggiungi", "--username", "admin",
		"--nome", "Anna Esposito", "--ruolo", "amministratore")
	must([]string{"SPORTELLO_API_KEY=" + svc.Key}, "--operatore", "admin", "servizi", "aggiungi", "--nome", svc.Name,
		"--service-id", svc.ServiceID, "--io-url", cred.Endpoints.IO)

	const n = 3000
	var csv strings.Builder
	csv.WriteString("codice_fiscale;oggetto;contenuto\n")
	for i, cf := range citizens(nil, n) {
		fmt.Fprintf(&csv, "%s;Comunicazione n. %d del Comune;%s\n", cf, i+1, benchText)
	}
	file := filepath.Join(dir, "flusso.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(must(nil, "--operatore", "admin", "flussi", "importa", "--servizio", svc.Name, file))
	must(nil, "--operatore", "admin", "flussi", "attiva", id)

	kills, finished := 0, false
	for round := 0; !finished && round < 60; round++ {
		cmd := exec.Command(bin, "--db", db, "--limite-io", "off", "--operatore", "admin", "flussi", "invia", id)
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir, noKeyring)
		var errBuf bytes.Buffer
		cmd.Stderr = &errBuf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if kills < 12 {
			// Kill at a random moment of the send proper (the recipients'
			// check before it is an idempotent job, tested elsewhere).
			sending := false
			for !sending {
				select {
				case err := <-done:
					t.Fatalf("round %d ended by itself before the kill: %v\n%s", round, err, errBuf.String())
				case <-time.After(40 * time.Millisecond):
				}
				sending = strings.Contains(must(nil, "flussi", "stato", id, "--json"), `"stato": "IN_INVIO"`)
			}
			select {
			case err := <-done:
				finished = true
				t.Logf("round %d ended by itself before the kill: %v", round, err)
			case <-time.After(time.Duration(20+rand.IntN(200)) * time.Millisecond):
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				kills++
			}
			continue
		}
		err := <-done
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 1 {
			t.Fatalf("final send: exit %d\n%s", ee.ExitCode(), errBuf.String())
		}
		finished = true
	}
	if kills < 10 {
		t.Fatalf("only %d kills while sending: the send was too quick to test anything", kills)
	}

	var st struct {
		Stato       string         `json:"stato"`
		Totale      int            `json:"totale"`
		PerStato    map[string]int `json:"per_stato"`
		PerConsegna map[string]int `json:"per_consegna"`
	}
	if err := json.Unmarshal([]byte(must(nil, "flussi", "stato", id, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(cred.Endpoints.Stats)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats sandbox.Stats
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatal(err)
	}
	c := st.PerStato
	t.Logf("%d kills while sending; flow %s %v; sandbox %d messages, %d duplicates", kills, st.Stato, c, stats.IO.Messages, stats.IO.Duplicates)
	if stats.IO.Duplicates != 0 {
		t.Errorf("%d messages received twice", stats.IO.Duplicates)
	}
	if c["DA_INVIARE"]+c["IN_INVIO"] != 0 || c["INVIATA"]+c["ERRORE"]+c["NON_RAGGIUNGIBILE"]+c["ESITO_INCERTO"] != n {
		t.Errorf("not every notification ended: %v", c)
	}
	if stats.IO.Messages < c["INVIATA"] || stats.IO.Messages > c["INVIATA"]+c["ESITO_INCERTO"] {
		t.Errorf("sandbox has %d messages for %d sent and %d uncertain", stats.IO.Messages, c["INVIATA"], c["ESITO_INCERTO"])
	}
	const concurrency = 8 // flussi.Options default
	if c["ESITO_INCERTO"] > concurrency*kills {
		t.Errorf("%d uncertain after %d kills: more than %d", c["ESITO_INCERTO"], kills, concurrency*kills)
	}
	if c["NON_RAGGIUNGIBILE"] == 0 || c["INVIATA"] == 0 {
		t.Errorf("the population has no mix: %v", c)
	}
}
