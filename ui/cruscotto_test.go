package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/store"
)

func TestCruscottoPagamenti(t *testing.T) {
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	ctx := context.Background()
	if err := u.Core.Impostazioni.SalvaEnte(ctx, admin, impostazioni.Ente{Denominazione: "Comune di Vimercate",
		CodiceFiscale: "02066170966", CodiceIPA: "c_m052"}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Core.Impostazioni.SalvaTipoDovuto(ctx, admin, store.TipoDovuto{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico",
		Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := avvisi.ScriviTracciato(&buf); err != nil {
		t.Fatal(err)
	}
	if _, _, err := u.Core.Avvisi.ImportaLotto(ctx, admin, "lista.xlsx", &buf, avvisi.OpzioniLotto{TipoDovuto: "TRASPORTO",
		Scadenza: time.Now().AddDate(0, 2, 0), Causale: "Trasporto scolastico", Spedizione: avvisi.PEC}); err != nil {
		t.Fatal(err)
	}
	u.ShowMain()
	u.Open("cruscotto")
	s := u.cruscotto
	if s == nil {
		t.Fatal("Cruscotto Pagamenti not opened")
	}
	s.Panel.Wait()
	if s.Panel.Total() != 2 {
		t.Fatalf("notices listed: %d", s.Panel.Total())
	}
	s.Panel.Entries["debitore"].SetText("02026620969")
	s.Panel.Search()
	s.Panel.Wait()
	row, ok := s.Panel.Row(0)
	if s.Panel.Total() != 1 || !ok || row[colCruscottoIntestatario] != "Autotrasporti Colombo S.r.l." ||
		row[colCruscottoImporto] != "1.250,00" || row[colCruscottoStato] != "Da generare" || row[colCruscottoTipo] != "TRASPORTO" {
		t.Fatalf("filtered: %d %v", s.Panel.Total(), row)
	}
	s.Panel.OnOpen(row)
	if s.Dettaglio == nil || s.SalvaPDF == nil {
		t.Fatal("no detail")
	}
	out := filepath.Join(t.TempDir(), "avviso.pdf")
	u.salvaPDFAvviso(row[colCruscottoIUV], out)
	u.appIO().bg.Wait()
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("PDF: %v", err)
	}
}
