package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

func TestCruscottoPagamenti(t *testing.T) {
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	gpd := sb.GPDCredentials()
	if err := u.Core.Impostazioni.SalvaEnte(ctx, admin, impostazioni.Ente{Denominazione: "Comune di Vimercate",
		CodiceFiscale: gpd.OrganizationFiscalCode, CodiceIPA: "c_m052"}); err != nil {
		t.Fatal(err)
	}
	if err := u.Core.Impostazioni.SalvaGPD(ctx, admin, gpd.BaseURL, gpd.Key); err != nil {
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
	l, _, err := u.Core.Avvisi.ImportaLotto(ctx, admin, "lista.xlsx", &buf, avvisi.OpzioniLotto{TipoDovuto: "TRASPORTO",
		Scadenza: time.Now().AddDate(0, 2, 0), Causale: "Trasporto scolastico", Spedizione: avvisi.PEC})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Core.Avvisi.Genera(ctx, admin, u.Core.Impostazioni, l.UUID, nil); err != nil {
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
	// Due by today: none (they fall due in two months).
	s.Panel.Entries["scadenza_al"].SetText(time.Now().Format("02/01/2006"))
	s.Panel.Search()
	s.Panel.Wait()
	if s.Panel.Total() != 0 {
		t.Fatalf("due by today: %d", s.Panel.Total())
	}
	s.Panel.Entries["scadenza_al"].SetText(time.Now().AddDate(0, 3, 0).Format("02/01/2006"))
	s.Panel.Entries["debitore"].SetText("02026620969")
	s.Panel.Search()
	s.Panel.Wait()
	row, ok := s.Panel.Row(0)
	if s.Panel.Total() != 1 || !ok || row[colCruscottoIntestatario] != "Autotrasporti Colombo S.r.l." ||
		row[colCruscottoImporto] != "1.250,00" || row[colCruscottoStato] != "Generato" || row[colCruscottoStatoPA] != "Da pagare" || row[colCruscottoTipo] != "TRASPORTO" {
		t.Fatalf("filtered: %d %v", s.Panel.Total(), row)
	}
	s.Panel.OnOpen(row)
	u.appIO().bg.Wait()
	if s.Dettaglio == nil || s.SalvaPDF == nil || s.Detail.SalvaPDF.Disabled() || !s.Detail.Reinvia.Disabled() {
		t.Fatal("no detail, or its actions do not fit a generated notice never sent")
	}
	out := filepath.Join(t.TempDir(), "avviso.pdf")
	u.salvaPDFAvviso(row[colCruscottoIUV], out)
	u.appIO().bg.Wait()
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("PDF: %v", err)
	}

	// Esporta Excel writes the search result, IUV included.
	xlsx := filepath.Join(t.TempDir(), "avvisi.xlsx")
	s.Panel.ChooseFile = func(_ string, chosen func(string)) { chosen(xlsx) }
	test.Tap(s.Panel.Esporta)
	s.Panel.Wait()
	if st, err := os.Stat(xlsx); err != nil || st.Size() == 0 || !strings.HasPrefix(s.Panel.ExportStatus.Text, "File salvato") {
		t.Fatalf("export: %v %q", err, s.Panel.ExportStatus.Text)
	}

	// The company pays: «Aggiorna stati da pagoPA» shows it as paid.
	righe, _ := u.Core.DB.AvvisiLotto(ctx, l.ID)
	if err := sb.PagaPosizione(righe[1].IUPD); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.Aggiorna)
	u.appIO().bg.Wait()
	s.Panel.Wait()
	row, _ = s.Panel.Row(0)
	if row[colCruscottoStatoPA] != "Pagato" || s.Esito.Text != "Stati aggiornati da pagoPA: 1 avviso cambiato." {
		t.Fatalf("after the refresh: %v, %q", row, s.Esito.Text)
	}
}
