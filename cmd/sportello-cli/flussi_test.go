package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/sandbox"
)

// cliEnv is a temp database with an administrator, a sender and the
// sandbox's STANDARD service (with a maximum amount) configured through
// the CLI, every output kept to look for the key afterwards.
type cliEnv struct {
	t       *testing.T
	sb      *sandbox.Sandbox
	dir, db string
	svc     sandbox.Service
	outputs []string
}

const cliPassword = "Comune-di-Prova-1"

func newCLIEnv(t *testing.T, cfg sandbox.Config) *cliEnv {
	t.Helper()
	// Keep the test keys off the developer's keyring: an unreachable D-Bus
	// makes the secret store fall back to secrets.json next to the database.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	t.Setenv(envOperatore, "")
	t.Setenv(envAPIKey, "")
	sb, err := sandbox.Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	e := &cliEnv{t: t, sb: sb, dir: t.TempDir()}
	e.db = filepath.Join(e.dir, "cli.db")
	for _, c := range sb.Credentials().Services {
		if c.FeatureLevel == sandbox.FeatureStandard && c.MaxAmount > 0 {
			e.svc = c
			break
		}
	}
	if e.svc.Key == "" {
		t.Fatal("no STANDARD service with a maximum amount in the sandbox")
	}
	pw := map[string]string{"SPORTELLO_PASSWORD": cliPassword}
	e.ok(pw, "operatori", "aggiungi", "--username", "admin", "--nome", "Anna Esposito", "--ruolo", "amministratore")
	e.ok(pw, "operatori", "aggiungi", "--username", "g.ferrari", "--nome", "Giulia Ferrari", "--ruolo", "operatore_invio", "--admin-username", "admin")
	e.ok(pw, "operatori", "aggiungi", "--username", "l.ricci", "--nome", "Laura Ricci", "--ruolo", "operatore", "--admin-username", "admin")
	// The only active administrator acts when no operator is named.
	out := e.ok(map[string]string{envAPIKey: e.svc.Key}, "servizi", "aggiungi", "--nome", e.svc.Name, "--service-id", e.svc.ServiceID,
		"--io-url", sb.IOBaseURL(), "--livello", "STANDARD", "--importo-massimo", flussi.FormatImporto(e.svc.MaxAmount))
	if !strings.Contains(out, "creato") {
		t.Fatalf("servizi aggiungi: %q", out)
	}
	t.Setenv(envAPIKey, "")
	return e
}

// cli runs the CLI on the env's database.
func (e *cliEnv) cli(env map[string]string, args ...string) (int, string, string) {
	e.t.Helper()
	code, stdout, stderr := runCLI(e.t, env, append([]string{"--db", e.db}, args...)...)
	e.outputs = append(e.outputs, stdout, stderr)
	return code, stdout, stderr
}

// ok runs the CLI and wants exit 0; it returns stdout.
func (e *cliEnv) ok(env map[string]string, args ...string) string {
	e.t.Helper()
	code, stdout, stderr := e.cli(env, args...)
	if code != 0 {
		e.t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
	}
	return stdout
}

// cliCodici are n valid, distinct fiscal codes of invented citizens.
func cliCodici(t *testing.T, n int) []string {
	t.Helper()
	cognomi := []string{"Rossi", "Bianchi", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "Costa"}
	nomi := []string{"Marco", "Giulia", "Luca", "Francesca", "Paolo", "Chiara", "Andrea", "Sara", "Matteo", "Elena"}
	var out []string
	seen := map[string]bool{}
	for i := 0; len(out) < n; i++ {
		sesso := byte('M')
		if i%2 == 1 {
			sesso = 'F'
		}
		nascita := time.Date(1940+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		cf, err := anagrafe.GeneraCodiceFiscale(cognomi[i%10], nomi[(i/10)%10], nascita, sesso, "F704")
		if err != nil {
			t.Fatal(err)
		}
		if !seen[cf] {
			seen[cf] = true
			out = append(out, cf)
		}
	}
	return out
}

const cliTesto = "Gentile contribuente, è disponibile l'avviso di pagamento della TARI 2026. " +
	"Può pagarlo dall'app IO entro la scadenza indicata, oppure presso gli sportelli abilitati."

// writeCSV writes a flow file with one notification per fiscal code; edit
// may change a row's cells (i is 0-based over the data rows).
func writeCSV(t *testing.T, path string, cfs []string, edit func(i int, cells []string)) {
	t.Helper()
	scadenza := time.Now().AddDate(0, 6, 0).Format("02/01/2006")
	var b strings.Builder
	b.WriteString("codice_fiscale;oggetto;contenuto;scadenza;importo;codice_avviso;paga_dopo_scadenza\n")
	for i, cf := range cfs {
		cells := []string{cf, fmt.Sprintf("Avviso TARI 2026 n. %d", i+1), cliTesto, scadenza, "", "", ""}
		if edit != nil {
			edit(i, cells)
		}
		b.WriteString(strings.Join(cells, ";") + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

type statoOut struct {
	UUID        string         `json:"uuid"`
	Stato       string         `json:"stato"`
	Totale      int            `json:"totale"`
	PerStato    map[string]int `json:"per_stato"`
	PerConsegna map[string]int `json:"per_consegna"`
}

func (e *cliEnv) stato(id string) statoOut {
	e.t.Helper()
	var s statoOut
	out := e.ok(nil, "flussi", "stato", id, "--json")
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		e.t.Fatalf("stato --json: %v\n%s", err, out)
	}
	return s
}

// elencoRighe counts the flows `flussi elenco` lists.
func (e *cliEnv) elencoRighe() int {
	e.t.Helper()
	out := e.ok(nil, "flussi", "elenco")
	return len(strings.Split(strings.TrimSpace(out), "\n")) - 1 // header
}

func TestFlussiImportaInviaEsporta(t *testing.T) {
	e := newCLIEnv(t, sandbox.Config{Seed: 2026})
	cfs := cliCodici(t, 50)

	out := e.ok(nil, "servizi", "elenco")
	if !strings.Contains(out, e.svc.Name) || !strings.Contains(out, e.svc.ServiceID) || !strings.Contains(out, "presente") {
		t.Fatalf("servizi elenco:\n%s", out)
	}
	// Only an administrator changes settings.
	if code, _, stderr := e.cli(map[string]string{envAPIKey: e.svc.Key}, "--operatore", "g.ferrari", "servizi", "aggiungi",
		"--nome", "Altro servizio", "--service-id", "altro01", "--io-url", e.sb.IOBaseURL()); code != 1 || !strings.Contains(stderr, "amministratore") {
		t.Fatalf("a sender changed the settings: %d %q", code, stderr)
	}

	// A broken file: every problem listed, nothing stored.
	bad := filepath.Join(e.dir, "tari-errato.csv")
	writeCSV(t, bad, cfs, func(i int, cells []string) {
		switch i {
		case 1: // row 3 of the file
			cells[0] = cells[0][:15] + string('A'+(cells[0][15]-'A'+1)%26) // wrong check character
		case 3: // row 5
			cells[1] = "TARI"
		}
	})
	code, stdout, stderr := e.cli(nil, "flussi", "importa", "--servizio", e.svc.Name, bad)
	if code != 1 || stdout != "" {
		t.Fatalf("broken file: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "riga 3, colonna codice_fiscale: ") || !strings.Contains(stderr, "riga 5, colonna oggetto: ") {
		t.Fatalf("problems not listed:\n%s", stderr)
	}
	if n := e.elencoRighe(); n != 0 {
		t.Fatalf("the broken file left %d flows", n)
	}

	// A clean file.
	good := filepath.Join(e.dir, "tari.csv")
	writeCSV(t, good, cfs, nil)
	out = e.ok(nil, "flussi", "importa", "--servizio", e.svc.Name, "--note", "TARI 2026 prima rata", good)
	id, err := uuid.Parse(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("importa printed %q, not a UUID", out)
	}
	out = e.ok(nil, "flussi", "elenco", "--stato", "inattivo")
	if !strings.Contains(out, id.String()) || !strings.Contains(out, "TARI 2026 prima rata") {
		t.Fatalf("elenco:\n%s", out)
	}
	if n := e.elencoRighe(); n != 1 {
		t.Fatalf("%d flows listed, want 1", n)
	}
	out = e.ok(nil, "flussi", "elenco", "--stato", "INVIATO")
	if strings.Contains(out, id.String()) {
		t.Fatalf("inactive flow listed as sent:\n%s", out)
	}

	// Who acts: unknown operator, operator without the send role, inactive flow.
	if code, _, stderr = e.cli(nil, "--operatore", "nessuno", "flussi", "attiva", id.String()); code != 2 || !strings.Contains(stderr, "inesistente") {
		t.Fatalf("unknown operator: %d %q", code, stderr)
	}
	if code, _, stderr = e.cli(nil, "flussi", "invia", id.String()); code != 1 || !strings.Contains(stderr, "inattivo") {
		t.Fatalf("inactive flow sent: %d %q", code, stderr)
	}
	e.ok(map[string]string{envOperatore: "l.ricci"}, "flussi", "attiva", id.String())
	if code, _, stderr = e.cli(nil, "--operatore", "l.ricci", "flussi", "invia", id.String()); code != 1 || !strings.Contains(stderr, "non consentita") {
		t.Fatalf("operator without the send role: %d %q", code, stderr)
	}

	code, stdout, stderr = e.cli(map[string]string{envOperatore: "g.ferrari"}, "flussi", "invia", id.String())
	if code != 0 || !strings.Contains(stdout, "Inviato") {
		t.Fatalf("invia: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "inviate ") || !strings.Contains(stderr, "/s") {
		t.Errorf("no progress on stderr: %q", stderr)
	}

	s := e.stato(id.String())
	sum := 0
	for _, n := range s.PerStato {
		sum += n
	}
	st := e.sb.Stats()
	if s.UUID != id.String() || s.Stato != string(flussi.Inviato) || s.Totale != 50 || sum != 50 {
		t.Fatalf("stato: %+v", s)
	}
	for _, k := range []string{"DA_INVIARE", "IN_INVIO", "INVIATA", "NON_RAGGIUNGIBILE", "ERRORE", "ESITO_INCERTO", "ANNULLATA"} {
		if _, ok := s.PerStato[k]; !ok {
			t.Errorf("per_stato lacks %s: %v", k, s.PerStato)
		}
	}
	if s.PerStato["INVIATA"] == 0 || s.PerStato["INVIATA"]+s.PerStato["NON_RAGGIUNGIBILE"] != 50 {
		t.Errorf("per_stato: %v", s.PerStato)
	}
	if st.IO.Messages != s.PerStato["INVIATA"] || st.IO.Duplicates != 0 {
		t.Errorf("sandbox has %d messages (%d duplicates), the flow %d sent", st.IO.Messages, st.IO.Duplicates, s.PerStato["INVIATA"])
	}

	// Sending again or retrying sends nothing more.
	if out = e.ok(nil, "flussi", "invia", id.String()); !strings.Contains(out, "Inviato") {
		t.Errorf("second invia: %q", out)
	}
	if out = e.ok(nil, "flussi", "riprova", id.String()); !strings.Contains(out, "Inviato") {
		t.Errorf("riprova: %q", out)
	}
	if st2 := e.sb.Stats(); st2.IO.Messages != st.IO.Messages {
		t.Errorf("messages %d after invia and riprova, were %d", st2.IO.Messages, st.IO.Messages)
	}

	// Delivery states: the sandbox processes at once.
	out = e.ok(nil, "flussi", "aggiorna", "--ogni", "0s")
	if !strings.Contains(out, fmt.Sprintf(" %d notifiche", s.PerStato["INVIATA"])) {
		t.Errorf("aggiorna: %q, want %d", out, s.PerStato["INVIATA"])
	}
	if s2 := e.stato(id.String()); s2.PerConsegna[flussi.ConsegnaRecapitata] != s.PerStato["INVIATA"] {
		t.Errorf("per_consegna: %v", s2.PerConsegna)
	}
	if out = e.ok(nil, "flussi", "stato", id.String()); !strings.Contains(out, "Inviato") || !strings.Contains(out, "PROCESSED") {
		t.Errorf("stato:\n%s", out)
	}

	// Exports: header + 50 rows.
	xlsx := filepath.Join(e.dir, "esito.xlsx")
	e.ok(nil, "flussi", "esporta", id.String(), "--out", xlsx)
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Notifiche")
	x.Close()
	if err != nil || len(rows) != 51 {
		t.Fatalf("export has %d rows (%v), want 51", len(rows), err)
	}
	csvOut := filepath.Join(e.dir, "esito.csv")
	e.ok(nil, "flussi", "esporta", "--out", csvOut, id.String())
	if b, err := os.ReadFile(csvOut); err != nil || !bytes.Contains(b, []byte(cfs[0])) {
		t.Errorf("csv export: %v", err)
	}
	if code, _, _ = e.cli(nil, "flussi", "esporta", id.String(), "--out", filepath.Join(e.dir, "esito.txt")); code != 2 {
		t.Errorf("export to .txt: exit %d, want 2", code)
	}

	// The template, in both formats.
	for _, name := range []string{"tracciato.xlsx", "tracciato.csv"} {
		p := filepath.Join(e.dir, name)
		e.ok(nil, "flussi", "tracciato", "--out", p)
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}

	// The key: never printed, never in the database.
	for _, o := range e.outputs {
		if strings.Contains(o, e.svc.Key) {
			t.Fatalf("the API key was printed:\n%s", o)
		}
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		b, err := os.ReadFile(e.db + suffix)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(e.svc.Key)) {
			t.Errorf("the API key is in %s", filepath.Base(e.db+suffix))
		}
	}
}

// cancelOn is a stderr that cancels the run when a line contains match.
type cancelOn struct {
	syncBuffer
	match  string
	cancel context.CancelFunc
	once   sync.Once
}

func (c *cancelOn) Write(p []byte) (int, error) {
	n, err := c.syncBuffer.Write(p)
	if bytes.Contains(p, []byte(c.match)) {
		c.once.Do(c.cancel)
	}
	return n, err
}

func TestFlussiInviaInterrottoRiprende(t *testing.T) {
	e := newCLIEnv(t, sandbox.Config{Seed: 2026, Faults: sandbox.Faults{LatencyMin: 5 * time.Millisecond, LatencyMax: 10 * time.Millisecond}})
	good := filepath.Join(e.dir, "tari.csv")
	writeCSV(t, good, cliCodici(t, 40), nil)
	id := strings.TrimSpace(e.ok(nil, "flussi", "importa", "--servizio", e.svc.Name, good))
	e.ok(nil, "flussi", "attiva", id)

	// What SIGINT does: the context of the run is cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelOn{match: "inviate ", cancel: cancel}
	var stdout bytes.Buffer
	code := run(ctx, []string{"--db", e.db, "flussi", "invia", id}, &stdout, stderr)
	if code != 1 || !strings.Contains(stderr.String(), "interrotto") || !strings.Contains(stderr.String(), "flussi invia "+id) {
		t.Fatalf("interrupted invia: exit %d\n%s", code, stderr.String())
	}
	if s := e.stato(id); s.Stato != string(flussi.InInvio) {
		t.Fatalf("after the interruption the flow is %s: %v", s.Stato, s.PerStato)
	}

	// The next run resumes; whatever was in flight is uncertain, never sent twice.
	code, out, errOut := e.cli(nil, "flussi", "invia", id)
	s := e.stato(id)
	if s.PerStato["DA_INVIARE"]+s.PerStato["IN_INVIO"] != 0 {
		t.Fatalf("unfinished after resuming: exit %d %v\n%s%s", code, s.PerStato, out, errOut)
	}
	wantCode := 0
	if s.PerStato["ESITO_INCERTO"] > 0 {
		wantCode = 1
	}
	if code != wantCode {
		t.Fatalf("resumed invia: exit %d, want %d; %v\n%s%s", code, wantCode, s.PerStato, out, errOut)
	}
	st := e.sb.Stats()
	if st.IO.Duplicates != 0 || st.IO.Messages < s.PerStato["INVIATA"] || st.IO.Messages > s.PerStato["INVIATA"]+s.PerStato["ESITO_INCERTO"] {
		t.Errorf("sandbox: %d messages, %d duplicates; flow %v", st.IO.Messages, st.IO.Duplicates, s.PerStato)
	}
}

func TestOperatoreResolution(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	t.Setenv(envOperatore, "")
	db := filepath.Join(t.TempDir(), "op.db")
	pw := map[string]string{"SPORTELLO_PASSWORD": cliPassword}
	key := map[string]string{envAPIKey: "chiave-di-prova-0123456789abcdef"}
	args := []string{"servizi", "aggiungi", "--nome", "Tributi", "--service-id", "tributi01", "--io-url", "http://127.0.0.1:9/api/v1"}

	// No operators at all: nobody to act as.
	if code, _, stderr := runCLI(t, key, append([]string{"--db", db}, args...)...); code != 2 || !strings.Contains(stderr, "--operatore") {
		t.Fatalf("empty database: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, pw, "--db", db, "operatori", "aggiungi", "--username", "admin", "--nome", "Anna Esposito", "--ruolo", "amministratore"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCLI(t, pw, "--db", db, "operatori", "aggiungi", "--username", "admin2", "--nome", "Marco Colombo",
		"--ruolo", "amministratore", "--admin-username", "admin"); code != 0 {
		t.Fatal(stderr)
	}
	// Two administrators: one must be named.
	if code, _, stderr := runCLI(t, key, append([]string{"--db", db}, args...)...); code != 2 || !strings.Contains(stderr, envOperatore) {
		t.Fatalf("two administrators, none named: %d %q", code, stderr)
	}
	if code, stdout, stderr := runCLI(t, key, append([]string{"--db", db, "--operatore", "admin2"}, args...)...); code != 0 || !strings.Contains(stdout, "creato") {
		t.Fatalf("named administrator: %d %q %q", code, stdout, stderr)
	}
	// Updating by name keeps the key when none is given; a bad amount is a usage error.
	t.Setenv(envAPIKey, "")
	if code, stdout, stderr := runCLI(t, map[string]string{envOperatore: "admin"}, "--db", db, "servizi", "aggiungi", "--nome", "Tributi",
		"--livello", "ADVANCED", "--importo-massimo", "1.500,50"); code != 0 || !strings.Contains(stdout, "aggiornato") || !strings.Contains(stdout, "invariata") {
		t.Fatalf("update: %d %q %q", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, nil, "--db", db, "--operatore", "admin", "servizi", "aggiungi", "--nome", "Tributi", "--importo-massimo", "tanti"); code != 2 {
		t.Errorf("bad amount: exit %d", code)
	}
	code, stdout, _ := runCLI(t, nil, "--db", db, "servizi", "elenco")
	if code != 0 || !strings.Contains(stdout, "ADVANCED") || !strings.Contains(stdout, "1.500,50") || !strings.Contains(stdout, "presente") {
		t.Fatalf("elenco after update: %q", stdout)
	}

	// A disabled account cannot act.
	a, err := core.Open(context.Background(), core.Options{DBPath: db})
	if err != nil {
		t.Fatal(err)
	}
	admin := operatori.Operatore{Username: "admin", Ruolo: operatori.RuoloAmministratore, Attivo: true}
	o, err := a.DB.OperatoreByUsername(context.Background(), "admin2")
	if err == nil {
		err = a.Operatori.Modifica(context.Background(), admin, o.ID, operatori.Nuovo{Username: o.Username, Nome: o.Nome,
			Ruolo: operatori.RuoloAmministratore, Attivo: false})
	}
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, nil, "--db", db, "--operatore", "admin2", "flussi", "aggiorna"); code != 2 || !strings.Contains(stderr, "disattivato") {
		t.Fatalf("disabled operator: %d %q", code, stderr)
	}
	// Now admin is the only active administrator again: the default.
	if code, stdout, stderr := runCLI(t, nil, "--db", db, "flussi", "aggiorna"); code != 0 || !strings.Contains(stdout, "0 notifiche") {
		t.Fatalf("aggiorna as the only administrator: %d %q %q", code, stdout, stderr)
	}
}

func TestParseImporto(t *testing.T) {
	for in, want := range map[string]int64{"2000,00": 200000, "2000": 200000, "2.000,50": 200050, "2000.5": 200050,
		"1.500": 150000, "0,99": 99, "€ 12,3": 1230} {
		if got, err := parseImporto(in); err != nil || got != want {
			t.Errorf("parseImporto(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "-5", "1,234", "1,2,3", ",5"} {
		if got, err := parseImporto(in); err == nil {
			t.Errorf("parseImporto(%q) = %d, want an error", in, got)
		}
	}
}
