package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

const pecIntestazione = "Casella;Dominio;CodiceFiscale;Nome;Cognome;RagioneSociale;PartitaIva;Indirizzo;Civico;CAP;Comune;Provincia;Telefono;Email;Stato;DataAttivazione;Agente\n"

func TestPECImportaEsporta(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "pec.db")
	pw := map[string]string{"SPORTELLO_PASSWORD": "Rivenditore-Prova-1"}
	if code, _, stderr := runCLI(t, pw, "--db", db, "operatori", "aggiungi", "--username", "admin", "--nome", "Anna Esposito",
		"--ruolo", "amministratore"); code != 0 {
		t.Fatal(stderr)
	}
	// The reseller's domains and an agent (the provider's and the panel's side).
	a, err := core.Open(ctx, core.Options{DBPath: db})
	if err != nil {
		t.Fatal(err)
	}
	riv := operatori.Operatore{Username: "admin", Ruolo: operatori.RuoloAmministratore}
	for _, d := range []string{"pec.vimercate-servizi.it", "legalmail-demo.it"} {
		if _, err := a.Registro.RegistraDominio(ctx, riv, store.Dominio{Dominio: d, Certificato: true, Stato: "CERTIFICATO"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Registro.SalvaAgente(ctx, riv, store.Agente{RagioneSociale: "Brianza Digitale S.r.l.", Nome: "Paolo", Cognome: "Mauri",
		Email: "p.mauri@brianzadigitale.it", Attivo: true}, nil); err != nil {
		t.Fatal(err)
	}
	a.Close()

	sporco := filepath.Join(dir, "sporco.csv")
	if err := os.WriteFile(sporco, []byte(pecIntestazione+
		"mario.rossi@pec.vimercate-servizi.it;;RSSMRA80A01H501U;Mario;Rossi;;;Via Cavour;12;20871;Vimercate;MB;039 6081234;mario.rossi@gmail.com;ATTIVA;2025-03-14;Brianza Digitale S.r.l.\n"+
		"anna.bianchi@pec.vimercate-servizi.it;;RSSMRA80A01H501X;Anna;Bianchi;;;Via Milano;3;20871;Vimercate;MB;039 6081234;anna@libero.it;;;\n"+
		"info@nonmio.it;;RSSMRA80A01H501U;Mario;Rossi;;;Via Cavour;12;20900;Vimercate;MB;0000000000;mario.rossi@gmail.com;;;\n"+
		"x@legalmail-demo.it;;RSSMRA80A01H501U;Mario;Rossi;;;Via Cavour;12;20871;Vimercate;MB;039 6081234;mario.rossi@gmail.com;SOSPESA;ieri;\n"+
		"mario.rossi@pec.vimercate-servizi.it;;RSSMRA80A01H501U;Mario;Rossi;;;Via Cavour;12;20871;Vimercate;MB;039 6081234;mario.rossi@gmail.com;;;Agenzia Ignota\n"),
		0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, nil, "--db", db, "pec", "importa", sporco)
	for _, want := range []string{"riga 3, colonna CodiceFiscale:", "riga 4, colonna Telefono: \"0000000000\" non è un numero di telefono",
		"riga 5, colonna DataAttivazione:", "riga 6, colonna Casella: mario.rossi@pec.vimercate-servizi.it ripetuta (già alla riga 2)",
		"non è stato salvato nulla"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("dirty import: missing %q", want)
		}
	}
	if code != 1 || stdout != "" {
		t.Fatalf("dirty import: exit %d %q\n%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "caselle.csv")
	if code, stdout, stderr := runCLI(t, nil, "--db", db, "pec", "esporta", "--out", out); code != 0 || !strings.HasPrefix(stdout, "0 righe esportate") {
		t.Fatalf("a dirty import stored something: %d %q %q", code, stdout, stderr)
	}

	pulito := filepath.Join(dir, "pulito.csv")
	if err := os.WriteFile(pulito, []byte(pecIntestazione+
		"mario.rossi@pec.vimercate-servizi.it;;RSSMRA80A01H501U;Mario;Rossi;;;Via Cavour;12;20871;Vimercate;MB;039 6081234;mario.rossi@gmail.com;ATTIVA;2025-03-14;Brianza Digitale S.r.l.\n"+
		"fatture;legalmail-demo.it;RSSMRA80A01H501U;Mario;Rossi;Autotrasporti Rossi;00488410010;Via Cavour;12;;Vimercate;;039 6081234;mario.rossi@gmail.com;SOSPESA;14/03/2025;p.mauri@brianzadigitale.it\n"+
		"studio.sala@legalmail-demo.it;;SLALRA75C41F704B;Laura;Sala;;;Via Italia;5;20900;Monza;MB;039 2300123;laura.sala@libero.it;;;\n"),
		0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, nil, "--db", db, "pec", "importa", pulito)
	if code != 0 || stdout != "3 caselle importate da pulito.csv\n" {
		t.Fatalf("clean import: exit %d %q\n%s", code, stdout, stderr)
	}
	// Again: the addresses are taken now, nothing more is stored.
	if code, _, stderr = runCLI(t, nil, "--db", db, "pec", "importa", pulito); code != 1 || !strings.Contains(stderr, "è già registrata") {
		t.Fatalf("second import: exit %d\n%s", code, stderr)
	}

	code, stdout, stderr = runCLI(t, nil, "--db", db, "pec", "esporta", "--out", out)
	if code != 0 || stdout != "3 righe esportate in "+out+"\n" {
		t.Fatalf("esporta: %d %q %q", code, stdout, stderr)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "fatture@legalmail-demo.it") || strings.Count(string(b), "\n") != 4 {
		t.Fatalf("export:\n%s", b)
	}
	code, stdout, _ = runCLI(t, nil, "--db", db, "pec", "esporta", "--out", out, "--dominio", "legalmail-demo.it", "--stato", "sospesa")
	if code != 0 || !strings.HasPrefix(stdout, "1 riga esportata") {
		t.Fatalf("filtered export: %d %q", code, stdout)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "fatture@legalmail-demo.it") || strings.Contains(string(b), "studio.sala") {
		t.Fatalf("filtered export:\n%s", b)
	}
	oggi := "2000-01-01"
	if code, stdout, _ = runCLI(t, nil, "--db", db, "pec", "esporta", "--out", out, "--al", oggi); code != 0 || !strings.HasPrefix(stdout, "0 righe") {
		t.Fatalf("--al: %d %q", code, stdout)
	}
	if code, stdout, _ = runCLI(t, nil, "--db", db, "pec", "esporta", "--out", out, "--dal", oggi, "--casella", "rossi"); code != 0 || !strings.HasPrefix(stdout, "1 riga") {
		t.Fatalf("--dal --casella: %d %q", code, stdout)
	}
	for _, bad := range [][]string{{"pec", "esporta"}, {"pec", "esporta", "--out", out, "--stato", "CHIUSA"},
		{"pec", "esporta", "--out", out, "--dal", "14/03/2025"}, {"pec", "importa"}, {"pec"}} {
		if code, _, _ := runCLI(t, nil, append([]string{"--db", db}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func TestPECDemoEsporta(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
	out := filepath.Join(dir, "caselle.csv")
	code, stdout, stderr := runCLI(t, env, "--demo", "pec", "esporta", "--out", out)
	if code != 0 || stdout != "100 righe esportate in "+out+"\n" {
		t.Fatalf("demo export: exit %d %q %s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "\ufeffCasella") && !strings.HasPrefix(string(b), "Casella") ||
		!strings.Contains(string(b), "SOSPESA") || !strings.Contains(string(b), "CESSATA") {
		t.Fatalf("demo export %v:\n%.500s", err, b)
	}
}

// In demo mode the registro syncs with the sandbox provider with no setup:
// the demo's changes go out (the gateway's rate may leave some for the
// next round), and the mailboxes the demo holds as suspended while the
// provider still has them pending come back as conflicts to resolve.
func TestPECDemoSincronizza(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
	var stderr string
	for range 3 {
		var code int
		code, _, stderr = runCLI(t, env, "--demo", "pec", "sincronizza")
		if code != 1 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if strings.Contains(stderr, "in coda 0,") {
			break
		}
		time.Sleep(5 * time.Second) // the sandbox's rate window
	}
	if !strings.Contains(stderr, "in coda 0,") || !strings.Contains(stderr, "conflitti aperti") {
		t.Fatalf("after the rounds: %s", stderr)
	}
}

// pec sospendi, riattiva and cessa change a mailbox's state by its address,
// as the window's buttons do, and refuse what the state does not allow.
func TestPECStatoCasella(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": dir, "XDG_CONFIG_HOME": dir}
	elenco := func(stato string) string {
		t.Helper()
		out := filepath.Join(dir, stato+".csv")
		if code, _, stderr := runCLI(t, env, "--demo", "pec", "esporta", "--stato", stato, "--out", out); code != 0 {
			t.Fatalf("esporta %s: exit %d %s", stato, code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	righe := strings.Split(strings.TrimSpace(elenco("ATTIVA")), "\n")
	if len(righe) < 2 {
		t.Fatalf("no ATTIVA mailbox in the demo:\n%s", righe)
	}
	casella := strings.Split(righe[1], ";")[0]
	for _, c := range []struct {
		sub, stato, esce string
		code             int
	}{
		{"sospendi", "SOSPESA", "casella " + casella + " sospesa", 0},
		{"riattiva", "ATTIVA", "casella " + casella + " riattivata", 0},
		{"cessa", "CESSATA", "casella " + casella + " cessata", 0},
		{"riattiva", "CESSATA", "la casella è CESSATA", 1},
	} {
		code, stdout, stderr := runCLI(t, env, "--demo", "pec", c.sub, strings.ToUpper(casella))
		if code != c.code || !strings.Contains(stdout+stderr, c.esce) {
			t.Fatalf("pec %s: exit %d %q %q, want %d %q", c.sub, code, stdout, stderr, c.code, c.esce)
		}
		if !strings.Contains(elenco(c.stato), casella+";") {
			t.Fatalf("after pec %s %s is not %s", c.sub, casella, c.stato)
		}
	}
	if code, _, stderr := runCLI(t, env, "--demo", "pec", "sospendi", "nessuna@pec.example.it"); code != 1 || !strings.Contains(stderr, "non trovata") {
		t.Fatalf("unknown mailbox: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "--demo", "pec", "cessa"); code != 2 || !strings.Contains(stderr, "CASELLA") {
		t.Fatalf("no mailbox: exit %d %s", code, stderr)
	}
}
