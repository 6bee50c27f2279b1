package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// A change, its audit rows and its outbox row commit or roll back together,
// and a scoped read of another account's row is ErrNotFound.
func TestRegistroOutboxEAmbito(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	errStop := errors.New("stop")
	err = db.Write(ctx, "op", func(tx *Tx) error {
		if _, err := tx.SaveTitolare(ctx, Ambito{}, Titolare{Nome: "A", Cognome: "B", CodiceFiscale: "X1", Tipo: "PRIVATO"}); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatal(err)
	}
	if o, _ := db.Outbox(ctx, "PENDING", 10); len(o) != 0 {
		t.Fatalf("outbox after rollback: %+v", o)
	}
	var id int64
	err = db.Write(ctx, "op", func(tx *Tx) error {
		aid, err := tx.SaveAssistente(ctx, Assistente{Username: "anna", Nome: "A", Cognome: "N", Attivo: true})
		if err != nil {
			return err
		}
		id, err = tx.SaveTitolare(ctx, Ambito{AssistenteID: aid}, Titolare{Nome: "A", Cognome: "B", CodiceFiscale: "X1", Tipo: "PRIVATO"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := db.Outbox(ctx, "PENDING", 10); len(o) != 2 || o[1].Entita != "titolare" || o[1].Operazione != "crea" {
		t.Fatalf("outbox %+v", o)
	}
	if h, _ := db.History(ctx, "titolare", idString(id)); len(h) == 0 {
		t.Fatal("not audited")
	}
	if _, err := db.TitolareByID(ctx, Ambito{AssistenteID: 99}, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other assistant: %v", err)
	}
	if _, err := db.TitolareByID(ctx, Ambito{}, id); err != nil {
		t.Fatal(err)
	}
}
