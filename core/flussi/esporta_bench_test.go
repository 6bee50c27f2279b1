package flussi_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// BenchmarkEsporta100k exports 100,000 notifications: "stream" is
// EsportaNotifiche (pages from SQLite into excelize's StreamWriter), "naive"
// loads them all and sets the cells one by one in an in-memory workbook.
func BenchmarkEsporta100k(b *testing.B) {
	const n = 100_000
	e := newEnv(b, sandbox.Config{}, flussi.Options{Calls: -1})
	ctx := context.Background()
	rows := make([]store.Notifica, n)
	for i := range rows {
		rows[i] = store.Notifica{UUID: uuid.NewString(), ServizioID: e.sv.ID, CodiceFiscale: "RSSMRA80A01H501U",
			Oggetto: fmt.Sprintf("Avviso TARI 2026 n. %d", i+1), Contenuto: testo, Impronta: fmt.Sprint(i),
			StatoInvio: "INVIATA", IDMessaggio: "01JD8Z4X9Q3W7E5R2T6Y1U0I9O", Importo: 12345, CodiceAvviso: "301000000000000144"}
	}
	if err := e.db.Write(ctx, "bench", func(tx *store.Tx) error { return tx.InsertNotifiche(ctx, rows) }); err != nil {
		b.Fatal(err)
	}
	b.Run("stream", func(b *testing.B) {
		for range b.N {
			if err := e.svc.EsportaNotifiche(ctx, flussi.FiltroNotifiche{}, io.Discard, "xlsx", nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("naive", func(b *testing.B) {
		for range b.N {
			ns, err := e.svc.Notifiche(ctx, flussi.FiltroNotifiche{}, 0, n)
			if err != nil {
				b.Fatal(err)
			}
			x := excelize.NewFile()
			for i, nt := range ns {
				vals := []any{nt.UUID.String(), nt.CodiceFiscale, nt.Oggetto, nt.StatoInvio.Label(), nt.IDMessaggio, nt.Errore}
				for j, v := range vals {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
					x.SetCellValue("Sheet1", cell, v)
				}
			}
			if err := x.Write(io.Discard); err != nil {
				b.Fatal(err)
			}
			x.Close()
		}
	})
}
