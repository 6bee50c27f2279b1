package riconciliazione

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione/ricevute"
)

// The paid items of the day, written as MyPay's export pagati 1.2 and read
// back by its own reader: one row per OK transfer, the bilancio of the
// debt records that have one, the IUF of the reported ones.
func TestEsportaPagati(t *testing.T) {
	g := preparaGiornata(t, true)
	ctx := context.Background()
	var nOK, conBilancio int
	if err := g.db.Reader().QueryRow(`SELECT COUNT(*), SUM(EXISTS (SELECT 1 FROM ric_dovuti d WHERE d.iuv = r.iuv AND d.capitolo != ''))
		FROM ric_rt r WHERE r.esito = 'OK'`).Scan(&nOK, &conBilancio); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := g.s.EsportaPagati(ctx, giornoTest, giornoTest, &buf)
	if err != nil || n != nOK || n < 30 {
		t.Fatalf("exported %d of %d: %v", n, nOK, err)
	}
	var righe []ricevute.Pagato
	te, err := ricevute.LeggiPagati(bytes.NewReader(buf.Bytes()), func(p ricevute.Pagato) error {
		righe = append(righe, p)
		return nil
	})
	if err != nil || te.Righe != n || te.Versione != "1.2" {
		t.Fatalf("read back: %+v %v", te, err)
	}
	var bil, iuf, senzaIUD int
	for _, p := range righe {
		if len(p.Bilancio) > 0 {
			bil++
			if b := p.Bilancio[0]; b.Capitolo != "3010" || b.Ufficio != "SCUOLA" || b.Accertamento != "2026/15" || b.Importo != p.Importo {
				t.Fatalf("bilancio %+v of %+v", b, p)
			}
		}
		if p.IUF != "" {
			iuf++
		}
		if p.IUD == p.IUV {
			senzaIUD++
		}
		if p.Beneficiario.Nome != "Comune di Vimercate" || p.Dominio != g.cf || p.DataEsito != giornoTest {
			t.Fatalf("row %+v", p)
		}
	}
	if bil != conBilancio || bil == 0 || iuf < n-3 || senzaIUD < 9 {
		t.Fatalf("%d with bilancio (want %d), %d reported, %d without debt record", bil, conBilancio, iuf, senzaIUD)
	}

	buf.Reset()
	if n, err := g.s.EsportaPagati(ctx, giornoTest.AddDate(0, 0, 1), giornoTest.AddDate(0, 0, 9), &buf); err != nil || n != 0 || buf.Len() == 0 {
		t.Fatalf("another week: %d rows, %d bytes, %v", n, buf.Len(), err)
	}
	var ve operatori.ErrValidazione
	if _, err := g.s.EsportaPagati(ctx, giornoTest, giornoTest.AddDate(0, 0, -1), &buf); !errors.As(err, &ve) || ve.Campo != "Data al" {
		t.Fatalf("inverted period: %v", err)
	}
}
