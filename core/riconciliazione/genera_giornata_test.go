package riconciliazione

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/cassa"
)

// A generated day imports cleanly into a generated population and
// reconciles fully: every new payment has its receipt, its flow and the
// flow's credit; the journal reads back with the movements it was written
// with.
func TestGeneraGiornata(t *testing.T) {
	ctx := context.Background()
	db := apri(t)
	if err := Genera(ctx, db, 2000, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := Esegui(ctx, db, "test"); err != nil {
		t.Fatal(err)
	}
	prima, err := Stato(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	giorno := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	files, err := GeneraGiornata(dir, 300, giorno)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{TipoPagati, TipoFdR, TipoCassa} {
		es, err := Importa(ctx, db, "test", files[i])
		if err != nil || es.Tipo != want || es.GiaImportato {
			t.Fatalf("%s: %+v, %v", files[i], es, err)
		}
	}
	dopo, err := Stato(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if d := dopo["RT_IUF_TES"] - prima["RT_IUF_TES"]; d != 300 {
		t.Errorf("RT_IUF_TES grew by %d, want the day's 300 payments", d)
	}
	if d := dopo["RT_NO_IUF"] - prima["RT_NO_IUF"]; d != 0 {
		t.Errorf("RT_NO_IUF grew by %d: the day's receipts should all be reported", d)
	}
	full := apri(t)
	if err := Genera(ctx, full, 2000, 1); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := Importa(ctx, full, "test", f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Esegui(ctx, full, "test"); err != nil {
		t.Fatal(err)
	}
	confronta(t, "day imported, then a full run", fotografia(t, full), fotografia(t, db))

	path := dir + "/grande.xml"
	n, err := GeneraGiornaleOPI(path, 1<<20, giorno)
	if err != nil {
		t.Fatal(err)
	}
	g, err := cassa.LeggiFile(path, func(cassa.Movimento) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if g.RigheLette != n || g.Stornati != n/50 || n < 1000 {
		t.Errorf("journal: %d movements written, read %+v", n, g)
	}
	es, err := Importa(ctx, apri(t), "test", path)
	if err != nil || es.Righe != n-n/50 || es.Stornati != n/50 {
		t.Errorf("journal of %d movements imported: %+v, %v; want every STORNATO to take back a credit", n, es, err)
	}
}
