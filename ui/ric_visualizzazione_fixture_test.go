package ui

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// ricFixture is a UI over a real database and a sandbox that simulated a
// day of payments: 40 notices paid (the last ten without a debt record of
// the ente), two debt records nobody paid, one of each anomaly. Its files
// are in dir (ricevute/, rendicontazione/, tesoreria/).
type ricFixture struct {
	u     *UI
	admin operatori.Operatore
	sb    *sandbox.Sandbox
	dir   string
	es    sandbox.EsitoPagamenti
}

var ricGiornoTest = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// ricPrepara builds the fixture; with importa the day's files are
// imported through core (the import window has its own test).
func ricPrepara(t *testing.T, importa bool) *ricFixture {
	t.Helper()
	ctx := context.Background()
	u := newTestUI(t)
	admin := createAdmin(t, u)
	u.Core.SetOperatore(admin)
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 5, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cr := sb.GPDCredentials()
	if err := u.Core.Impostazioni.SalvaEnte(ctx, admin, impostazioni.Ente{Denominazione: "Comune di Vimercate",
		CodiceFiscale: cr.OrganizationFiscalCode, CodiceIPA: "c_m052"}); err != nil {
		t.Fatal(err)
	}
	g := &pagopa.GPD{BaseURL: cr.BaseURL, Key: cr.Key}
	var pos []pagopa.Posizione
	var dovuti []store.RicDovuto
	for i := range 40 {
		iuv := pagopa.IUV(pagopa.CodiceAvviso(1, uint64(100+i)))
		c := int64(2000 + 137*i)
		pos = append(pos, pagopa.Posizione{IUPD: fmt.Sprintf("SPORTELLO-T-%02d", i), Tipo: "F", CodiceFiscale: "RSSMRA80A01F205X",
			Nome: "Mario Rossi", Ente: "Comune di Vimercate", OpzioniPagamento: []pagopa.Opzione{{IUV: iuv, Centesimi: c,
				Descrizione: "Refezione scolastica", Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
				Trasferimenti: []pagopa.Trasferimento{{ID: "1", Centesimi: c, Causale: "Refezione scolastica",
					Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456"}}}}})
		if i < 30 {
			dovuti = append(dovuti, store.RicDovuto{IUD: pos[i].IUPD, IUV: iuv, Importo: c, TipoDovuto: "MENSA",
				CF: "RSSMRA80A01F205X", Anagrafica: "Mario Rossi", Causale: "Refezione scolastica", Fonte: "SPORTELLO",
				Ufficio: "SCUOLA", Capitolo: "3010", Accertamento: "2026/15"})
		}
	}
	if err := g.CreaMolte(ctx, cr.OrganizationFiscalCode, pos, true); err != nil {
		t.Fatal(err)
	}
	dovuti = append(dovuti, store.RicDovuto{IUD: "NONPAGATO-1", IUV: "01000000000009901", Importo: 1000, Fonte: "SPORTELLO"},
		store.RicDovuto{IUD: "NONPAGATO-2", IUV: "01000000000009902", Importo: 1000, Fonte: "SPORTELLO"})
	if err := u.Core.DB.Write(ctx, "admin", func(tx *store.Tx) error {
		var tc riconciliazione.Toccate
		if err := tx.InsertRicDovuti(ctx, 0, dovuti, &tc); err != nil {
			return err
		}
		return riconciliazione.IncrementaleTx(ctx, tx, tc)
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	es, err := sb.SimulaPagamenti(sandbox.ConfigPagamenti{Quota: 1, Giorno: ricGiornoTest, Seed: 2, Anomalie: sandbox.AnomalieDemo()}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if importa {
		files, err := riconciliazione.FileInCartella(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if _, err := u.Core.Riconciliazione.Importa(ctx, admin, f); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	}
	return &ricFixture{u: u, admin: admin, sb: sb, dir: dir, es: es}
}

// ricTesti is every text shown in o (labels, paragraphs and card titles),
// a line each.
func ricTesti(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.RichText:
			for _, seg := range x.Segments {
				if t, ok := seg.(*widget.TextSegment); ok {
					b.WriteString(t.Text)
					if !t.Style.Inline {
						b.WriteString("\n")
					}
				}
			}
		case *widget.Card:
			b.WriteString(x.Title + "\n")
			walk(x.Content)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// ricApriRiga double-clicks row i of s's list, as the clerk does, and
// waits for the detail.
func ricApriRiga(t *testing.T, s *ricVista, i int) (*ricDettaglio, []string) {
	t.Helper()
	s.Panel.Wait()
	row, ok := s.Panel.Row(i)
	if !ok {
		t.Fatalf("row %d not loaded (%d rows)", i, s.Panel.Total())
	}
	prima := s.Dettaglio
	cell := s.Panel.CellAt(i, 0)
	if cell == nil {
		t.Fatal("table not on screen")
	}
	cell.DoubleTapped(nil)
	s.bg.Wait()
	if s.Dettaglio == nil || s.Dettaglio == prima {
		t.Fatalf("no detail for %v", row)
	}
	return s.Dettaglio, row
}
