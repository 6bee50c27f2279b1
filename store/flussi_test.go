package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// The subject filter finds substrings through the trigram index and,
// below three characters, with LIKE; both ignore case, and the index
// follows updates and deletes.
func TestNotificheFiltroOggetto(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	oggetti := []string{
		"Avviso TARI 2026 prima rata",
		"Avviso tari 2026 seconda rata",
		"Carta d'identità in scadenza",
		`Verbale n. 42 del "Comando" di Polizia Locale`,
		"Iscrizione 100% mensa_scolastica",
	}
	err := db.Write(ctx, "test", func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO servizi_io (id, nome, service_id, base_url, modificato_il, modificato_da)
			VALUES (1, 'Tributi', 'S1', 'http://127.0.0.1', '', 'test')`); err != nil {
			return err
		}
		rows := make([]Notifica, len(oggetti))
		for i, o := range oggetti {
			rows[i] = Notifica{UUID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), ServizioID: 1,
				CodiceFiscale: "RSSMRA80A01F205X", Oggetto: o, Contenuto: "testo", Impronta: fmt.Sprint(i), StatoInvio: "DA_INVIARE"}
		}
		return tx.InsertNotifiche(ctx, rows)
	})
	if err != nil {
		t.Fatal(err)
	}
	find := func(term string) []string {
		t.Helper()
		ns, err := db.Notifiche(ctx, FiltroNotifiche{Oggetto: term}, 0, 100)
		if err != nil {
			t.Fatalf("%q: %v", term, err)
		}
		n, err := db.CountNotifiche(ctx, FiltroNotifiche{Oggetto: term})
		if err != nil || n != len(ns) {
			t.Fatalf("%q: count %d, page %d, %v", term, n, len(ns), err)
		}
		// With another filter the count goes through the rows.
		if n2, err := db.CountNotifiche(ctx, FiltroNotifiche{Oggetto: term, ServizioID: 1}); err != nil || n2 != n {
			t.Fatalf("%q: count with servizio %d, without %d, %v", term, n2, n, err)
		}
		var out []string
		for _, x := range ns {
			out = append(out, x.Oggetto)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		term string
		want []string
	}{
		{"TARI 2026", oggetti[:2]},
		{"ari 2026 SEC", oggetti[1:2]},
		{"identità", oggetti[2:3]},
		{"IDENTITÀ", oggetti[2:3]},
		{`"Comando"`, oggetti[3:4]},
		{"100%", oggetti[4:5]},
		{"_sc", oggetti[4:5]},
		{"n.", oggetti[3:4]},
		{"%", oggetti[4:5]},
		{"rata terza", nil},
	} {
		if got := find(c.term); !slices.Equal(got, c.want) {
			t.Errorf("oggetto contiene %q: %q, want %q", c.term, got, c.want)
		}
	}

	err = db.Write(ctx, "test", func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notifiche SET oggetto = 'Avviso TARI 2026 terza rata' WHERE oggetto LIKE '%seconda%'`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM notifiche WHERE oggetto LIKE 'Carta%'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := find("seconda"); got != nil {
		t.Errorf("old subject still found: %q", got)
	}
	if got := find("terza rata"); !slices.Equal(got, []string{"Avviso TARI 2026 terza rata"}) {
		t.Errorf("new subject: %q", got)
	}
	if got := find("identità"); got != nil {
		t.Errorf("deleted notification found: %q", got)
	}
}
