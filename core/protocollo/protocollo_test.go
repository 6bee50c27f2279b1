package protocollo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/secrets"
	"github.com/sportello/sportello/store"
)

var (
	admin = operatori.Operatore{Username: "admin", Ruolo: operatori.RuoloAmministratore}
	invio = operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloOperatoreInvio}
)

func nuovoRegistro(t *testing.T, now time.Time) *Locale {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	imp := &impostazioni.Service{DB: db, Secrets: &secrets.File{Path: filepath.Join(t.TempDir(), "s.json")}}
	if err := imp.SalvaEnte(context.Background(), admin, impostazioni.Ente{Denominazione: "Comune di Vimercate",
		CodiceFiscale: "02026620969", CodiceIPA: "c_m052"}); err != nil {
		t.Fatal(err)
	}
	return &Locale{DB: db, Imp: imp, Now: func() time.Time { return now }}
}

func richiesta(i int) Richiesta {
	return Richiesta{Verso: Uscita, Oggetto: "Avviso di pagamento trasporto scolastico 2026/27",
		Corrispondente: fmt.Sprintf("Mario Rossi %d - RSSMRA80A01F205X", i), Riferimento: fmt.Sprintf("B1-R%d", i),
		Allegati: []Allegato{{Nome: "avviso.pdf", Dati: []byte("pdf " + fmt.Sprint(i))}, {Nome: "lettera.pdf", Dati: []byte("lettera")}}}
}

func TestRegistraNumeriSenzaBuchi(t *testing.T) {
	l := nuovoRegistro(t, time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)) // 1 January 2027 in Italy
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if _, err := l.Registra(ctx, invio, richiesta(i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// A failing registration takes no number.
	boom := richiesta(99)
	boom.Allegati = append(boom.Allegati, Allegato{Nome: "avviso.pdf"})
	if _, err := l.Registra(ctx, invio, boom); err == nil || !strings.Contains(err.Error(), "nome mancante o ripetuto") {
		t.Fatalf("repeated attachment: %v", err)
	}
	// A transaction that took a number and then failed (a crash before the
	// commit is the same) leaves the number free.
	errBoom := errors.New("boom")
	err := l.DB.Write(ctx, "test", func(tx *store.Tx) error {
		n, err := tx.ProssimoNumero(ctx, 2027)
		if err != nil {
			return err
		}
		if _, err := tx.InsertProtocollo(ctx, store.Protocollo{Anno: 2027, Numero: n, RegistratoIl: time.Now(), Verso: Uscita,
			Oggetto: "x", Corrispondente: "y", Segnatura: "<x/>"}); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatal(err)
	}
	r, err := l.Registra(ctx, invio, richiesta(50))
	if err != nil || r.Numero != 51 || r.Anno != 2027 || r.Etichetta() != "2027/0000051" {
		t.Fatalf("after 50: %+v %v", r, err)
	}
	nums, err := l.DB.NumeriProtocollo(ctx, 2027)
	if err != nil || len(nums) != 51 {
		t.Fatalf("numbers %v %v", nums, err)
	}
	for i, n := range nums {
		if n != i+1 {
			t.Fatalf("gap or repeat at %d: %v", i, nums)
		}
	}
	// The same reference again: the first registration, no new number.
	again, err := l.Registra(ctx, invio, richiesta(7))
	if err != nil {
		t.Fatal(err)
	}
	if nums, _ := l.DB.NumeriProtocollo(ctx, 2027); len(nums) != 51 || again.Numero < 1 || again.Numero > 50 {
		t.Fatalf("rerun took a new number: %+v, %d numbers", again, len(nums))
	}
}

func TestSegnatura(t *testing.T) {
	l := nuovoRegistro(t, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	r, err := l.Registra(context.Background(), invio, richiesta(1))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("pdf 1"))
	for _, want := range []string{
		"<CodiceAmministrazione>c_m052</CodiceAmministrazione>",
		"<NumeroRegistrazione>0000001</NumeroRegistrazione>",
		"<DataRegistrazione>2026-12-01</DataRegistrazione>",
		"<Denominazione>Comune di Vimercate</Denominazione>",
		"<Denominazione>Mario Rossi 1 - RSSMRA80A01F205X</Denominazione>",
		`<Documento nome="avviso.pdf">`,
		`<Impronta algoritmo="SHA-256" codifica="base64">` + base64.StdEncoding.EncodeToString(sum[:]) + "</Impronta>",
		`<Allegati>`,
	} {
		if !strings.Contains(r.Segnatura, want) {
			t.Errorf("segnatura lacks %s:\n%s", want, r.Segnatura)
		}
	}
	if _, err := l.Registra(context.Background(), operatori.Operatore{Username: "l.ricci", Ruolo: operatori.RuoloOperatore},
		richiesta(2)); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Errorf("operator without the send role: %v", err)
	}
}
