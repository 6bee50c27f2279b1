package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestOperatoriAndBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cli.db")
	pw := map[string]string{"SPORTELLO_PASSWORD": "Comune-di-Prova-1"}

	code, _, stderr := runCLI(t, pw, "--db", db, "operatori", "aggiungi", "--username", "g.ferrari", "--nome", "Giulia Ferrari", "--ruolo", "operatore")
	if code != 1 || !strings.Contains(stderr, "amministratore") {
		t.Fatalf("first account not admin: code %d, %q", code, stderr)
	}
	code, stdout, stderr := runCLI(t, pw, "--db", db, "operatori", "aggiungi", "--username", "admin", "--nome", "Anna Esposito", "--ruolo", "amministratore")
	if code != 0 || !strings.Contains(stdout, "admin creato") {
		t.Fatalf("code %d, out %q, err %q", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, pw, "--db", db, "operatori", "aggiungi", "--username", "g.ferrari", "--nome", "Giulia Ferrari", "--ruolo", "operatore_invio")
	if code != 1 || !strings.Contains(stderr, "--admin-username") {
		t.Fatalf("account created without naming the administrator: %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, pw, "--db", db, "operatori", "aggiungi", "--username", "g.ferrari", "--nome", "Giulia Ferrari", "--ruolo", "operatore_invio", "--admin-username", "admin")
	if code != 0 {
		t.Fatalf("code %d %q", code, stderr)
	}
	code, stdout, _ = runCLI(t, nil, "--db", db, "operatori", "elenco")
	if code != 0 || !strings.Contains(stdout, "g.ferrari") || !strings.Contains(stdout, "Operatore abilitato all'invio") {
		t.Fatalf("elenco: %d %q", code, stdout)
	}
	if strings.Contains(stdout, "argon2") {
		t.Fatal("password hash printed")
	}

	out := filepath.Join(dir, "copia.db")
	code, _, stderr = runCLI(t, nil, "--db", db, "backup", "--out", out)
	if code != 0 {
		t.Fatalf("backup: %d %q", code, stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	code, stdout, _ = runCLI(t, nil, "--db", out, "operatori", "elenco")
	if code != 0 || !strings.Contains(stdout, "g.ferrari") {
		t.Fatalf("backup copy lacks data: %q", stdout)
	}
	if code, _, _ = runCLI(t, nil, "--db", db, "backup", "--out", out); code == 0 {
		t.Fatal("backup overwrote an existing file")
	}
}

func TestUsage(t *testing.T) {
	code, _, stderr := runCLI(t, nil)
	if code != 2 || !strings.Contains(stderr, "uso: sportello-cli") || !strings.Contains(stderr, "backup --out FILE") {
		t.Fatalf("%d %q", code, stderr)
	}
	if code, _, _ = runCLI(t, nil, "nessuno"); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
}
