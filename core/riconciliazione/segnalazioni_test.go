package riconciliazione

import (
	"fmt"
	"testing"

	"github.com/sportello/sportello/store"
)

// The open flags among a key's events: one per row still open, opened by
// the first event after the row's last closing, with the notes since.
func TestSegnalazioniAperte(t *testing.T) {
	id := int64(0)
	ev := func(iur, stato, nota string) store.RicSegnalazione {
		id++
		return store.RicSegnalazione{ID: id, ChiaveTipo: ChiavePagamento, Chiave: "01000000000003275", IUR: iur,
			Classe: "IUV_NO_RT", Stato: stato, Nota: nota}
	}
	a, c := store.SegnalazioneAperta, store.SegnalazioneChiusa
	eventi := []store.RicSegnalazione{
		ev("", a, "prima"), ev("R1", a, "ricevuta 1"), ev("", a, "sollecito"), ev("", c, "risolta"),
		ev("R2", a, "ricevuta 2"), ev("", a, "di nuovo"), ev("R2", c, ""), ev("", a, "ancora"),
	}
	got := SegnalazioniAperte(eventi)
	var s []string
	for _, x := range got {
		r := fmt.Sprintf("%s:%s", x.Apertura.IUR, x.Apertura.Nota)
		for _, n := range x.Note {
			r += "+" + n.Nota
		}
		s = append(s, r)
	}
	if fmt.Sprint(s) != "[R1:ricevuta 1 :di nuovo+ancora]" {
		t.Fatalf("open flags: %q", s)
	}
	if SegnalazioniAperte(eventi[:4]) == nil || len(SegnalazioniAperte(eventi[3:4])) != 0 || SegnalazioniAperte(nil) != nil {
		t.Fatal("edge cases")
	}
}
