package avvisi

import (
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/store"
)

// The send is recorded when the server answers, which may be a second after
// the provider stamped its acceptance (it happened under load): the story
// still tells the send before the receipts that answer it.
func TestStoriaRicevutaPrimaDelRegistroInvio(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var d Dettaglio
	d.Lotto = store.Lotto{UUID: "0123456789abcdef", FileOrigine: "lista.xlsx", CreatoIl: t0}
	d.Avviso = store.AvvisoLotto{CodiceAvviso: "301000000000000101", IndirizzoPec: "giulia.brambilla@pec.it",
		Invio: store.InvioAvviso{MessageID: "<x@comune>", InviatoIl: t0.Add(2*time.Second + 100*time.Millisecond)}}
	d.Protocollo = &store.Protocollo{RegistratoIl: t0.Add(time.Second), Anno: 2026, Numero: 1}
	d.Ricevute = []Ricevuta{
		{Tipo: "accettazione", Data: t0.Add(1*time.Second + 900*time.Millisecond)},
		{Tipo: "avvenuta-consegna", Data: t0.Add(3 * time.Second)},
	}
	var got []string
	for _, e := range storia(d, nil) {
		got = append(got, strings.Fields(e.Cosa)[0])
	}
	if strings.Join(got, " ") != "Importato Protocollato Inviato Ricevuta Ricevuta" {
		t.Fatalf("story: %v", got)
	}
}
