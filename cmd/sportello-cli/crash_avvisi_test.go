package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pec"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

// TestCrashAvvisi is the reliability test of pagoPA mass notices: the real
// CLI generates the debt positions of a batch on GPD and sends the notices
// by PEC, protocolling each one, against a sandbox running as another
// process; both steps are killed with SIGKILL at random moments and run
// again. In the end GPD holds exactly one position per row, no citizen got
// the same message twice, the protocol numbers of the year are 1..N with no
// gap nor repeat, and every notice is delivered or, at most concurrency
// per kill, uncertain (never sent again by itself).
func TestCrashAvvisi(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it ten times")
	}
	state := t.TempDir() // the sandbox's journals: every debt position it ever stored
	// Latency on every GPD call and SMTP submission, so that each step lasts a second or two.
	ce := newCrashEnv(t, "--rate", "off", "--delay", "0", "--seed", "2027", "--faults", "latency=5ms..15ms", "--state", state)
	ctx := context.Background()

	// The ente, GPD, a kind of payment and the ente's PEC mailbox. The CLI
	// has no commands for the ente and the kinds of payment: they are
	// written through core, as the GUI's Impostazioni would.
	ce.must([]string{"SPORTELLO_PASSWORD=Prova-Crash-2027"}, "operatori", "aggiungi", "--username", "admin",
		"--nome", "Anna Esposito", "--ruolo", "amministratore")
	admin := operatori.Operatore{Username: "admin", Ruolo: operatori.RuoloAmministratore, Attivo: true}
	a := ce.open()
	err := a.Impostazioni.SalvaEnte(ctx, admin, store.Ente{Denominazione: "Comune di Vimercate", CodiceFiscale: ce.cred.GPD.OrganizationFiscalCode,
		CodiceIPA: "c_m052", Settore: "Servizi scolastici", Indirizzo: "Piazza Unità d'Italia 1, 20871 Vimercate (MB)"})
	if err == nil {
		_, err = a.Impostazioni.SalvaTipoDovuto(ctx, admin, store.TipoDovuto{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico",
			Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true})
	}
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	ce.must([]string{"SPORTELLO_API_KEY=" + ce.cred.GPD.Key}, "--operatore", "admin", "pagopa", "configura", "--gpd-url", ce.cred.GPD.BaseURL)
	const casella = "protocollo@pec.comune-demo.it"
	var password string
	for _, c := range ce.cred.PEC.Caselle {
		if c.Indirizzo == casella {
			password = c.Password
		}
	}
	ca := filepath.Join(ce.dir, "ca.pem")
	if err := os.WriteFile(ca, []byte(ce.cred.PEC.CAPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	hostPort := func(p int) string { return net.JoinHostPort(ce.cred.PEC.Host, strconv.Itoa(p)) }
	ce.must([]string{"SPORTELLO_PASSWORD=" + password}, "--operatore", "admin", "posta", "configura", "--tipo", "pec",
		"--indirizzo", casella, "--smtp", hostPort(ce.cred.PEC.SMTPPort), "--imap", hostPort(ce.cred.PEC.IMAPPort), "--ca", ca)

	// The batch: every address a PEC mailbox that receives (avvenuta consegna).
	const n = 300
	nomi := []string{"Marco", "Giulia", "Luca", "Francesca", "Paolo", "Chiara", "Andrea", "Sara"}
	cognomi := []string{"Rossi", "Bianchi", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti"}
	var csv strings.Builder
	csv.WriteString("Intestazione;CodiceFiscale;Importo;IndirizzoPec;Indirizzo;CAP;Comune;Provincia\n")
	for i, cf := range citizens(nil, n) {
		nome, cognome := nomi[i%len(nomi)], cognomi[i%len(cognomi)]
		fmt.Fprintf(&csv, "%s %s;%s;%d,%02d;%s.%s.%d@pec.it;Via Roma %d;20871;Vimercate;MB\n", nome, cognome, cf, 50+i%90, i%100,
			strings.ToLower(nome), strings.ToLower(cognome), i+1, i+1)
	}
	file := filepath.Join(ce.dir, "lista.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(ce.must(nil, "--operatore", "admin", "avvisi", "importa", file, "--tipo-dovuto", "TRASPORTO",
		"--scadenza", time.Now().AddDate(0, 2, 0).Format("2006-01-02"), "--causale", "Trasporto scolastico 2026/27",
		"--protocollo", "--oggetto", "Avviso di pagamento del trasporto scolastico"))
	stato := func() (s struct {
		Stato         string         `json:"stato"`
		PerStato      map[string]int `json:"per_stato"`
		PerStatoInvio map[string]int `json:"per_stato_invio"`
	}) {
		if err := json.Unmarshal([]byte(ce.must(nil, "avvisi", "stato", id, "--json")), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}

	// Generation sends a hundred positions per call, too quick to kill at
	// random. The answers to the three block calls are lost instead (the
	// positions are created, the client never hears it: what a crash
	// between the call and its record leaves), so the run goes on row by
	// row, reading back what is there; that it is killed four times at
	// random, then run until it exits 0.
	resp, err := http.Post(ce.cred.Endpoints.Faults+"?next=reset:after,reset:after,reset:after", "text/plain", nil)
	if err != nil || resp.StatusCode >= 300 {
		t.Fatalf("faults: %v %v", resp, err)
	}
	resp.Body.Close()
	genera := []string{"--operatore", "admin", "avvisi", "genera", id}
	genKills := ce.killRounds(genera, 4, func(left int) (func() bool, bool) {
		resta := stato().PerStato["DA_GENERARE"]
		if resta < 2 {
			return nil, false
		}
		prima, dopo := ce.stats().Calls["gpd.createPosition"], 1+rand.IntN(resta/(left+1)+1)
		return func() bool { return ce.stats().Calls["gpd.createPosition"]-prima >= int64(dopo) }, true
	})
	ce.must(nil, genera...)
	gen := stato()
	righe, numeri := ce.righe(id)
	posizioni := posizioniGPD(t, state)
	calls := ce.stats().Calls
	t.Logf("generation: %d kills; batch %v; sandbox: %d positions, %d createMultiplePositions and %d createPosition calls",
		genKills, gen.PerStato, len(posizioni), calls["gpd.createMultiplePositions"], calls["gpd.createPosition"])
	if genKills < 3 {
		t.Fatalf("only %d kills while generating: too quick to test anything", genKills)
	}
	if gen.PerStato["GENERATO"] != n {
		t.Fatalf("not every row generated: %v", gen.PerStato)
	}
	if len(posizioni) != n {
		t.Errorf("the sandbox stored %d debt positions for %d rows", len(posizioni), n)
	}
	for _, r := range righe {
		if p, ok := posizioni[r.IUPD]; !ok || len(p) != 1 || p[0] != r.IUV {
			t.Errorf("row %d (%s, IUV %s): positions on GPD %v", r.Riga, r.IUPD, r.IUV, p)
		}
	}
	if len(numeri) != 0 {
		t.Fatalf("protocol numbers taken before sending: %v", numeri)
	}

	// Sending: killed six times, spread over the send by the provider's
	// count of messages, then run until the job ends; then the receipts.
	invia := []string{"--operatore", "admin", "avvisi", "invia", id}
	invKills := ce.killRounds(invia, 6, func(left int) (func() bool, bool) {
		s := stato()
		resta := s.PerStatoInvio["DA_INVIARE"]
		if len(s.PerStatoInvio) == 0 {
			resta = s.PerStato["GENERATO"] // never queued
		}
		if resta < 2 {
			return nil, false
		}
		passo := max(resta/(left+1), 2)
		prima, dopo := ce.stats().PEC.Inviati, passo/2+rand.IntN(passo)
		return func() bool { return ce.stats().PEC.Inviati-prima >= dopo }, true
	})
	// The last run ends the job (exit 1 when some notice is uncertain); a
	// run after it has nothing left to do.
	for range 2 {
		if o, e, code := ce.cli(nil, invia...); code > 1 || !strings.Contains(o+e, "lotto "+id) {
			t.Fatalf("final send: exit %d\n%s%s", code, o, e)
		}
	}
	ce.must(nil, "--operatore", "admin", "avvisi", "ricevute")
	fine := stato()
	righe, numeri = ce.righe(id)
	st := ce.stats().PEC
	c := fine.PerStatoInvio
	consegnati := c[store.InvioAccettato] + c[store.InvioConsegnato]
	incerti := c[store.InvioIncerto]
	t.Logf("sending: %d kills; batch %s %v; %d uncertain; sandbox: %d sent, %d same Message-ID, %d same message to a citizen, receipts %v; protocol numbers %d",
		invKills, fine.Stato, c, incerti, st.Inviati, st.DuplicatiMessageID, st.Duplicati, st.Ricevute, len(numeri))
	if invKills < 5 {
		t.Fatalf("only %d kills while sending: too quick to test anything", invKills)
	}

	// (a) No citizen got a notice twice.
	if st.DuplicatiMessageID != 0 || st.Duplicati != 0 {
		t.Errorf("duplicates on the PEC provider: %d by Message-ID, %d by content", st.DuplicatiMessageID, st.Duplicati)
	}
	// (b) The protocol numbers of the year are 1..N, N at most one per row
	// and at least one per notice that left.
	for i, num := range numeri {
		if num != i+1 {
			t.Errorf("protocol numbers not 1..%d: %v", len(numeri), numeri)
			break
		}
	}
	if len(numeri) > n || len(numeri) < consegnati {
		t.Errorf("%d protocol numbers for %d rows, %d of them sent", len(numeri), n, consegnati)
	}
	// (c) Every notice ended: delivered (all addresses deliver), or
	// uncertain, at most the concurrency per kill.
	if consegnati+incerti != n {
		t.Errorf("not every notice ended: %v", c)
	}
	const concurrency = 4 // avvisi.Opzioni default
	if incerti > concurrency*invKills {
		t.Errorf("%d uncertain after %d kills: more than %d", incerti, invKills, concurrency*invKills)
	}
	if fine.Stato != avvisi.LottoInviato && fine.Stato != avvisi.LottoInvioIncompleto {
		t.Errorf("batch state %s after the send", fine.Stato)
	}
	// (d) The provider got one message per notice that left, and none for
	// an uncertain one: every message it accepted gave a receipt, read, that
	// settled its notice. Each notice that left is protocolled and has one
	// acceptance and one delivery receipt.
	if st.Inviati > n || st.Inviati < n-incerti || st.Inviati != consegnati {
		t.Errorf("the provider accepted %d messages for %d rows, %d of them uncertain, %d delivered", st.Inviati, n, incerti, consegnati)
	}
	a = ce.open()
	defer a.Close()
	// The send job and the notices agree: what the job left uncertain is
	// exactly the notices still INCERTO (none of them had in fact left).
	lotto, _, err := a.DB.ConteggiLotto(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	job, err := a.Avvisi.Engine().Status(ctx, uuid.MustParse(lotto.JobInvio))
	if err != nil {
		t.Fatal(err)
	}
	if j := job.Counts; j.Uncertain != incerti || j.Done != n-incerti {
		t.Errorf("the send job has %+v for %d uncertain notices", j, incerti)
	}
	ripresi := 0 // interrupted sends settled as sent by their acceptance receipt
	for _, r := range righe {
		if r.Invio.Stato == store.InvioIncerto {
			continue
		}
		d, err := a.Avvisi.Dettaglio(ctx, r.IUV)
		if err != nil {
			t.Fatal(err)
		}
		storia, err := a.DB.History(ctx, "avviso", r.IUPD)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range storia {
			if e.Campo == "stato_invio" && e.Prima == store.InvioInCorso {
				ripresi++
			}
		}
		tipi := map[string]int{}
		for _, x := range d.Ricevute {
			tipi[x.Tipo]++
		}
		if d.Protocollo == nil || tipi[pec.TipoAccettazione] != 1 || tipi[pec.TipoAvvenutaConsegna] != 1 || len(d.Ricevute) != 2 {
			t.Errorf("row %d (%s): protocol %v, receipts %v", r.Riga, r.Invio.Stato, d.Protocollo, tipi)
		}
	}
	t.Logf("%d interrupted sends settled as sent by their receipts", ripresi)
}

// open opens the test's database in this process (no CLI may be running).
func (c *crashEnv) open() *core.App {
	c.t.Helper()
	a, err := core.Open(context.Background(), core.Options{DBPath: c.db, Secrets: &secrets.File{Path: filepath.Join(c.dir, "secrets.json")}})
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

// righe reads a batch's rows and the protocol numbers of the year.
func (c *crashEnv) righe(lotto string) ([]store.AvvisoLotto, []int) {
	c.t.Helper()
	a := c.open()
	defer a.Close()
	righe, err := a.Avvisi.RigheLotto(context.Background(), lotto)
	if err != nil {
		c.t.Fatal(err)
	}
	roma, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		c.t.Fatal(err)
	}
	numeri, err := a.DB.NumeriProtocollo(context.Background(), time.Now().In(roma).Year())
	if err != nil {
		c.t.Fatal(err)
	}
	return righe, numeri
}

// posizioniGPD reads the sandbox's GPD journal: for each IUPD, the IUVs of
// the positions stored under it, one per creation (a position's later
// changes repeat its IUPD with the same IUVs and are counted once).
func posizioniGPD(t *testing.T, state string) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(state, "gpd-positions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p struct {
			IUPD          string `json:"iupd"`
			Status        string `json:"status"`
			PaymentOption []struct {
				IUV string `json:"iuv"`
			} `json:"paymentOption"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if p.Status != "VALID" { // created published: any other status is a later change
			continue
		}
		for _, o := range p.PaymentOption {
			out[p.IUPD] = append(out[p.IUPD], o.IUV)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// killRounds runs the CLI with args again and again, and kills it with
// SIGKILL as soon as the condition made by armed holds, kills times. armed
// is told how many kills are left; false means nothing is left worth a
// kill. A run that ends by itself before its kill must exit 0 or 1, and
// stops the rounds. It returns the kills made.
func (c *crashEnv) killRounds(args []string, kills int, armed func(left int) (func() bool, bool)) int {
	t := c.t
	t.Helper()
	done := 0
	for done < kills {
		when, ok := armed(kills - done)
		if !ok {
			break
		}
		cmd, end, stderr := c.start(args...)
		var err error
		killed := false
		for !killed {
			select {
			case err = <-end:
			case <-time.After(10 * time.Millisecond):
				if !when() {
					continue
				}
				time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
				cmd.Process.Signal(syscall.SIGKILL)
				err = <-end
			}
			ee, _ := err.(*exec.ExitError)
			if ee != nil {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
					killed = true
					continue
				}
			}
			if err != nil && (ee == nil || ee.ExitCode() > 1) {
				t.Fatalf("%v ended before its kill: %v\n%s", args, err, stderr.String())
			}
			t.Logf("%v ended by itself before its kill: %v", args, err)
			return done
		}
		done++
	}
	return done
}
