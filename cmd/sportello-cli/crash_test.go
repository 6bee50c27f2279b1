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
	// The sandbox, slow enough that a send lasts a few seconds.
	ce := newCrashEnv(t, "--rate", "off", "--delay", "0", "--seed", "2026", "--faults", "latency=2ms..6ms")
	cred, must := ce.cred, ce.must
	svc := cred.Services[0]

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
	file := filepath.Join(ce.dir, "flusso.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(must(nil, "--operatore", "admin", "flussi", "importa", "--servizio", svc.Name, file))
	must(nil, "--operatore", "admin", "flussi", "attiva", id)

	kills, finished := 0, false
	for round := 0; !finished && round < 60; round++ {
		cmd, done, errBuf := ce.start("--operatore", "admin", "flussi", "invia", id)
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
	stats := ce.stats()
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

// crashEnv is what the crash tests share: the real CLI binary, a sandbox
// running as another process and a database in a temporary folder, with no
// session bus (the secret store falls back to its file at once).
type crashEnv struct {
	t            *testing.T
	dir, bin, db string
	cred         sandbox.Credentials
}

// newCrashEnv builds the CLI and starts `sportello-cli sandbox` on a free
// loopback port with sandboxArgs.
func newCrashEnv(t *testing.T, sandboxArgs ...string) *crashEnv {
	t.Helper()
	c := &crashEnv{t: t, dir: t.TempDir()}
	c.bin, c.db = filepath.Join(c.dir, "sportello-cli"), filepath.Join(c.dir, "crash.db")
	build := exec.Command("go", "build", "-o", c.bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sb := exec.Command(c.bin, append([]string{"sandbox", "--listen", "127.0.0.1:0"}, sandboxArgs...)...)
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
	if err := json.Unmarshal([]byte(line), &c.cred); err != nil {
		t.Fatal(err)
	}
	return c
}

// command is the CLI on the test's database, with env added to its environment.
func (c *crashEnv) command(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(c.bin, append([]string{"--db", c.db, "--limite-io", "off"}, args...)...)
	cmd.Env = append(append(os.Environ(), "HOME="+c.dir, "XDG_CONFIG_HOME="+c.dir, "XDG_DATA_HOME="+c.dir,
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(c.dir, "no-bus")), env...)
	return cmd
}

// cli runs the CLI to its end: stdout, stderr and exit status.
func (c *crashEnv) cli(env []string, args ...string) (string, string, int) {
	cmd := c.command(env, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// must runs the CLI and stops the test unless it exits 0; it returns stdout.
func (c *crashEnv) must(env []string, args ...string) string {
	c.t.Helper()
	o, e, code := c.cli(env, args...)
	if code != 0 {
		c.t.Fatalf("%v: exit %d\n%s%s", args, code, o, e)
	}
	return o
}

// start runs the CLI in the background: done receives its end, and then
// stderr holds what it wrote there.
func (c *crashEnv) start(args ...string) (cmd *exec.Cmd, done <-chan error, stderr *bytes.Buffer) {
	cmd = c.command(nil, args...)
	stderr = new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	return cmd, ch, stderr
}

// stats reads the sandbox's statistics.
func (c *crashEnv) stats() sandbox.Stats {
	c.t.Helper()
	resp, err := http.Get(c.cred.Endpoints.Stats)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var st sandbox.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		c.t.Fatal(err)
	}
	return st
}
