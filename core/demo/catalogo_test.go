package demo

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/secrets"
)

// The catalogue passes the settings' own checks (IBAN check digits,
// taxonomy, accounts), makes COSAP spontaneous and, run again, changes
// nothing: not even a kind the clerk has edited since.
func TestSeedCatalogo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := core.Open(ctx, core.Options{DBPath: filepath.Join(dir, "c.db"), Secrets: &secrets.File{Path: filepath.Join(dir, "s.json")}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	admin, err := a.Operatori.CreaAmministratore(ctx, operatori.Nuovo{Username: "admin", Nome: "Anna Esposito", Password: Password})
	if err != nil {
		t.Fatal(err)
	}
	for _, td := range TipiDovuto {
		if _, err := a.Impostazioni.SalvaTipoDovuto(ctx, admin, td); err != nil {
			t.Fatal(err)
		}
	}
	if err := SeedCatalogo(ctx, a, admin); err != nil {
		t.Fatal(err)
	}
	cat, err := a.Avvisi.CatalogoSpontanei(ctx)
	if err != nil || len(cat) != len(Catalogo)+1 {
		t.Fatalf("catalogue: %d kinds, %v", len(cat), err)
	}
	fissi := 0
	for _, td := range cat {
		if td.ImportoFisso > 0 {
			fissi++
		}
		if td.Codice == "COSAP" && (td.Ufficio != "TRIBUTI" || td.ImportoFisso != 0) {
			t.Errorf("COSAP: %+v", td)
		}
	}
	if fissi != 3 {
		t.Errorf("fixed amounts: %d", fissi)
	}
	loculi, _ := a.DB.TipoDovutoByCodice(ctx, "LOCULI")
	loculi.ImportoFisso = 190000
	if _, err := a.Impostazioni.SalvaTipoDovuto(ctx, admin, loculi); err != nil {
		t.Fatal(err)
	}
	if err := SeedCatalogo(ctx, a, admin); err != nil {
		t.Fatal(err)
	}
	if again, _ := a.Avvisi.CatalogoSpontanei(ctx); len(again) != len(cat) {
		t.Fatalf("second run: %d kinds", len(again))
	}
	if l, _ := a.DB.TipoDovutoByCodice(ctx, "LOCULI"); l.ImportoFisso != 190000 {
		t.Fatalf("the clerk's change overwritten: %d", l.ImportoFisso)
	}
}
