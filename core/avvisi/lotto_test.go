package avvisi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
)

var invio = operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloOperatoreInvio}

func nuovoServizio(t *testing.T) *Service {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Write(context.Background(), "admin", func(tx *store.Tx) error {
		_, err := tx.SaveTipoDovuto(context.Background(), store.TipoDovuto{Codice: "TRASPORTO", Descrizione: "Trasporto scolastico",
			Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Service{DB: db, Now: func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }}
}

func opzioni() OpzioniLotto {
	return OpzioniLotto{TipoDovuto: "trasporto", Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
		Causale: "Trasporto scolastico a.s. 2026/27", Spedizione: PEC}
}

func TestImportaLotto(t *testing.T) {
	s := nuovoServizio(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := ScriviTracciato(&buf); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	l, _, err := s.ImportaLotto(ctx, invio, "lista.xlsx", bytes.NewReader(file), opzioni())
	if err != nil {
		t.Fatal(err)
	}
	if l.Totale != 2 || l.Centesimi != 23450+125000 || l.UUID == "" {
		t.Fatalf("batch %+v", l)
	}
	l2, _, err := s.ImportaLotto(ctx, invio, "lista.xlsx", bytes.NewReader(file), opzioni())
	if err != nil {
		t.Fatal(err)
	}
	var avvisi []store.AvvisoLotto
	for _, x := range []Lotto{l, l2} {
		a, err := s.DB.AvvisiLotto(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		avvisi = append(avvisi, a...)
	}
	// Consecutive notice numbers of segregation code 01, valid, never reused.
	for i, a := range avvisi {
		if want := pagopa.CodiceAvviso(1, uint64(i+1)); a.CodiceAvviso != want || a.IUV != pagopa.IUV(want) || a.Stato != StatoDaGenerare {
			t.Errorf("row %d: %+v, want notice %s", i, a, want)
		}
		if !strings.HasPrefix(a.IUPD, "SPORTELLO-") {
			t.Errorf("IUPD %q", a.IUPD)
		}
	}
	if _, conta, err := s.DB.ConteggiLotto(ctx, l.UUID); err != nil || conta[StatoDaGenerare] != 2 {
		t.Fatalf("counts %v %v", conta, err)
	}
}

func TestImportaLottoRifiutato(t *testing.T) {
	s := nuovoServizio(t)
	ctx := context.Background()
	csv := "Intestazione;CodiceFiscale;Importo;IndirizzoPec;OggettoProt\nMario Rossi;" + cf("RSSMRA80A01F205") + ";10;m.rossi@example.it;\n"
	o := opzioni()
	o.TipoDovuto, o.Scadenza, o.Causale, o.Protocollazione = "MENSA", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), "", true
	_, l, err := s.ImportaLotto(ctx, invio, "lista.csv", strings.NewReader(csv), o)
	var ie *flussi.ErrImport
	if !errors.As(err, &ie) || l == nil {
		t.Fatalf("bad options accepted: %v", err)
	}
	got := strings.Join(messaggi(l.Errori), "\n")
	for _, want := range []string{"Tipo dovuto: «MENSA» non esiste", "Scadenza: è già passata",
		"Causale: obbligatoria: la riga 2 non ha CausaleBollettino", "Oggetto del protocollo: obbligatorio: la riga 2 non ha OggettoProt"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	var n int
	if err := s.DB.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM avvisi_lotti`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d batches stored from a refused list (%v)", n, err)
	}
	if _, _, err := s.ImportaLotto(ctx, operatori.Operatore{Username: "l.ricci", Ruolo: operatori.RuoloOperatore}, "x.csv",
		strings.NewReader(csv), opzioni()); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Errorf("operator without the send role: %v", err)
	}
}

func TestStampaPDF(t *testing.T) {
	s := nuovoServizio(t)
	ctx := context.Background()
	if err := s.DB.Write(ctx, "admin", func(tx *store.Tx) error {
		return tx.SaveEnte(ctx, store.Ente{Denominazione: "Comune di Vimercate", CodiceFiscale: "02026620969", CodiceIPA: "c_m052",
			Settore: "Servizi scolastici"})
	}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ScriviTracciato(&buf); err != nil {
		t.Fatal(err)
	}
	l, _, err := s.ImportaLotto(ctx, invio, "lista.xlsx", &buf, opzioni())
	if err != nil {
		t.Fatal(err)
	}
	righe, _ := s.DB.AvvisiLotto(ctx, l.ID)
	var pdf bytes.Buffer
	// By notice number as printed (groups of four), or by IUV.
	if err := s.StampaPDF(ctx, pagopa.FormattaCodiceAvviso(righe[0].CodiceAvviso), &pdf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || pdf.Len() < 10_000 {
		t.Fatalf("not a notice: %d bytes", pdf.Len())
	}
	if err := s.StampaPDF(ctx, righe[1].IUV, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := s.StampaPDF(ctx, "01000000000099999", io.Discard); !errors.Is(err, ErrAvvisoNonTrovato) {
		t.Fatalf("unknown IUV: %v", err)
	}
}
