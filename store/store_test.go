package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
)

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenAppliesMigrationsAndPragmas(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	var v int
	if err := db.r.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() || v < 1 {
		t.Fatalf("schema version %d, binary %d", v, SchemaVersion())
	}
	var mode string
	db.r.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk int
	db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	if fk != 1 {
		t.Errorf("foreign_keys = %d on the writer", fk)
	}
	// The read pool must refuse writes.
	if _, err := db.r.ExecContext(ctx, `INSERT INTO audit (at, operatore, entita, entita_id, azione) VALUES ('x','x','x','x','crea')`); err == nil {
		t.Error("read pool accepted a write")
	}
	// Reopening is a no-op for migrations.
	path := db.Path
	db.Close()
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db2.Close()
}

func TestRefusesNewerSchema(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, 'futura', '2030-01-01T00:00:00Z')`, SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	path := db.Path
	db.Close()
	_, err := Open(ctx, path)
	var tooNew ErrSchemaTooNew
	if !errors.As(err, &tooNew) {
		t.Fatalf("got %v, want ErrSchemaTooNew", err)
	}
	if tooNew.DB != SchemaVersion()+1 || tooNew.Binary != SchemaVersion() {
		t.Errorf("wrong versions in error: %+v", tooNew)
	}
}

func TestWriteAuditsInSameTransaction(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	err := db.Write(ctx, "m.rossi", func(tx *Tx) error {
		return tx.SaveEnte(ctx, Ente{Denominazione: "Comune di Prova", CodiceFiscale: "00000000000"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// A failing transaction leaves neither the change nor its audit.
	boom := errors.New("boom")
	err = db.Write(ctx, "m.rossi", func(tx *Tx) error {
		if err := tx.SaveEnte(ctx, Ente{Denominazione: "Comune Sbagliato", CodiceFiscale: "00000000000"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	e, err := db.Ente(ctx)
	if err != nil || e.Denominazione != "Comune di Prova" || e.ModificatoDa != "m.rossi" {
		t.Fatalf("ente = %+v, %v", e, err)
	}
	h, err := db.History(ctx, "ente", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range h {
		if r.Dopo == "Comune Sbagliato" {
			t.Fatal("audit of a rolled-back change survived")
		}
	}
	if len(h) != 2 { // denominazione + codice_fiscale (empty fields are not changes)
		t.Fatalf("history has %d rows: %+v", len(h), h)
	}
	// An update records only the changed field, before and after.
	if err := db.Write(ctx, "l.bianchi", func(tx *Tx) error {
		return tx.SaveEnte(ctx, Ente{Denominazione: "Comune di Prova", CodiceFiscale: "00000000000", CodiceIPA: "c_x000"})
	}); err != nil {
		t.Fatal(err)
	}
	last, ok, err := db.LastChange(ctx, "ente", "1")
	if err != nil || !ok || last.Operatore != "l.bianchi" || last.Azione != Modifica {
		t.Fatalf("last change %+v %v %v", last, ok, err)
	}
	h, _ = db.History(ctx, "ente", "1")
	if h[0].Campo != "codice_ipa" || h[0].Prima != "" || h[0].Dopo != "c_x000" {
		t.Fatalf("newest history row %+v", h[0])
	}
}

func TestWriteRequiresOperator(t *testing.T) {
	db := openTemp(t)
	err := db.Write(context.Background(), "", func(tx *Tx) error { return nil })
	if !errors.Is(err, ErrNoOperator) {
		t.Fatalf("got %v", err)
	}
}

func TestConcurrentWritersQueue(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.Write(ctx, "op", func(tx *Tx) error {
				_, err := tx.SaveServizioIO(ctx, ServizioIO{Nome: "S" + string(rune('A'+i%26)) + string(rune('a'+i/26)),
					ServiceID: "id" + string(rune('A'+i%26)) + string(rune('a'+i/26)), BaseURL: "http://x", Livello: "STANDARD", Attivo: true})
				return err
			})
		}()
	}
	// Readers run meanwhile and never see SQLITE_BUSY.
	for range 20 {
		if _, err := db.ServiziIO(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, _ := db.ServiziIO(ctx)
	if len(s) != 40 {
		t.Fatalf("%d services", len(s))
	}
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	db.Write(ctx, "op", func(tx *Tx) error {
		_, err := tx.SaveServizioIO(ctx, ServizioIO{Nome: "TARI", ServiceID: "01ABC", BaseURL: "http://x", Livello: "STANDARD", Attivo: true})
		return err
	})
	out := filepath.Join(t.TempDir(), "copia.db")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, out); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	cp, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	s, err := cp.ServizioIOByNome(ctx, "TARI")
	if err != nil || s.ServiceID != "01ABC" {
		t.Fatalf("copy has %+v, %v", s, err)
	}
}

func TestDuplicateUsername(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	ins := func() error {
		return db.Write(ctx, "admin", func(tx *Tx) error {
			_, err := tx.InsertOperatore(ctx, Operatore{Username: "mrossi", Nome: "Mario Rossi", Ruolo: "operatore", PasswordHash: "h", Attivo: true})
			return err
		})
	}
	if err := ins(); err != nil {
		t.Fatal(err)
	}
	if err := ins(); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("got %v, want ErrDuplicate", err)
	}
	h, _ := db.History(ctx, "operatore", "mrossi")
	for _, r := range h {
		if r.Campo == "password_hash" || r.Dopo == "h" {
			t.Fatal("password hash reached the audit trail")
		}
	}
}

func TestDiff(t *testing.T) {
	got := Diff(map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "1", "b": "3", "c": "4"})
	want := []FieldChange{{"b", "2", "3"}, {"c", "", "4"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("Diff = %+v", got)
	}
}
