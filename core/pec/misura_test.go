package pec

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/sportello/sportello/core/sandbox"
)

// avviso60KB stands in for a payment notice: 60 KB of incompressible
// bytes, like a PDF's compressed streams.
func avviso60KB() []byte {
	b := make([]byte, 60<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return append([]byte("%PDF-1.4\n"), b...)
}

// destinatarioMisura is another provider's PEC address: each message gets
// accettazione and consegna.
const destinatarioMisura = "studio.bianchi@pec.esempio.it"

// BenchmarkInvio compares one reused SMTP connection with one connection
// per message, against the sandbox in this process:
// go test ./core/pec -run '^$' -bench BenchmarkInvio -benchtime 2000x
func BenchmarkInvio(b *testing.B) {
	sb := avviaSandbox(b, sandbox.Config{Seed: 2026})
	cfg := configSMTP(b, sb, protocollo)
	allegato := avviso60KB()
	for _, c := range []struct {
		nome  string
		riuso bool
	}{{"connessione-riusata", true}, {"connessione-per-messaggio", false}} {
		b.Run(c.nome, func(b *testing.B) {
			b.SetBytes(int64(len(allegato)))
			m, err := MisuraInvio(context.Background(), cfg, destinatarioMisura, b.N, c.riuso, allegato)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(m.MessaggiAlSecondo(), "msg/s")
		})
	}
	if st := sb.Stats().PEC; st.Duplicati != 0 || st.DuplicatiMessageID != 0 {
		b.Errorf("duplicates %+v", st)
	}
}

// TestMisuraInvio is the long measurement, run on request:
// PEC_MISURA=10000 go test ./core/pec -run TestMisuraInvio -v -timeout 30m
func TestMisuraInvio(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PEC_MISURA"))
	if n <= 0 {
		n = 20 // a quick check that the helper works
	}
	sb := avviaSandbox(t, sandbox.Config{Seed: 2026})
	cfg := configSMTP(t, sb, protocollo)
	allegato := avviso60KB()
	for _, riuso := range []bool{true, false} {
		m, err := MisuraInvio(context.Background(), cfg, destinatarioMisura, n, riuso, allegato)
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if !riuso {
			want = n
		}
		if m.Messaggi != n || m.Connessioni != want {
			t.Errorf("riuso=%v: %+v", riuso, m)
		}
		t.Logf("riuso=%v: %s", riuso, m)
	}
	st := sb.Stats().PEC
	if st.Inviati != 2*n || st.Duplicati != 0 || st.DuplicatiMessageID != 0 || st.Ricevute["accettazione"] != 2*n {
		t.Errorf("sandbox stats %+v", st)
	}
}
