package store

import (
	"context"
	"errors"
	"testing"
)

func TestModelliLettera(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	m := ModelloLettera{Nome: "Solleciti", Oggetto: "Sollecito – {{TipoDovuto}}", Testo: "Gentile {{Intestazione}},\nè dovuto {{Importo}}.",
		Firma: "Il Responsabile del servizio", Attivo: true}
	var id int64
	err := db.Write(ctx, "admin", func(tx *Tx) error {
		var err error
		id, err = tx.SaveModelloLettera(ctx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.ModelloLetteraByNome(ctx, "Solleciti")
	if err != nil || got.ID != id || got.Testo != m.Testo || !got.Attivo || got.CreatoDa != "admin" || got.CreatoIl.IsZero() ||
		got.ModificatoDa != "admin" || got.ModificatoIl.IsZero() {
		t.Fatalf("%+v %v", got, err)
	}

	// An update by another operator keeps who created it and audits the fields.
	got.Attivo, got.Firma = false, "Il Dirigente"
	if err := db.Write(ctx, "m.rossi", func(tx *Tx) error { _, err := tx.SaveModelloLettera(ctx, got); return err }); err != nil {
		t.Fatal(err)
	}
	after, err := db.ModelloLetteraByID(ctx, id)
	if err != nil || after.Attivo || after.Firma != "Il Dirigente" || after.CreatoDa != "admin" || after.ModificatoDa != "m.rossi" {
		t.Fatalf("%+v %v", after, err)
	}
	hist, err := db.History(ctx, "modello_lettera", "1")
	if err != nil || len(hist) != 2+5 || hist[0].Campo != "firma" || hist[0].Dopo != "Il Dirigente" || hist[1].Campo != "attivo" ||
		hist[0].Operatore != "m.rossi" || hist[len(hist)-1].Azione != Crea {
		t.Fatalf("history %+v %v", hist, err)
	}

	// Names are unique.
	dup := m
	err = db.Write(ctx, "admin", func(tx *Tx) error { _, err := tx.SaveModelloLettera(ctx, dup); return err })
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate name: %v", err)
	}
	m.Nome = "Avvisi TARI"
	err = db.Write(ctx, "admin", func(tx *Tx) error { _, err := tx.SaveModelloLettera(ctx, m); return err })
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.ModelliLettera(ctx)
	if err != nil || len(list) != 2 || list[0].Nome != "Avvisi TARI" || list[1].Nome != "Solleciti" {
		t.Fatalf("%+v %v", list, err)
	}
	if _, err := db.ModelloLetteraByNome(ctx, "nessuno"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}
