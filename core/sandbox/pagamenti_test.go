package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/cassa"
	"github.com/sportello/sportello/core/riconciliazione/causale"
	"github.com/sportello/sportello/core/riconciliazione/fdr"
	"github.com/sportello/sportello/core/riconciliazione/ricevute"
)

// A simulated day read back by Sportello's own parsers: every file valid,
// every anomaly where it was asked for.
func TestSimulaPagamenti(t *testing.T) {
	sb, err := Start(context.Background(), "127.0.0.1:0", Config{Seed: 3, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	f := false
	for i := range 30 {
		iuv := fmt.Sprintf("01%015d", 1000+i)
		p := &gpdPosition{IUPD: fmt.Sprintf("SANDBOX-%03d", i), Type: "F", FiscalCode: "RSSMRA80A01H501U", FullName: "Mario Rossi",
			CompanyName: "Comune", SwitchToExpired: &f, Status: "VALID",
			PaymentOption: []gpdOption{{NAV: "3" + iuv, IUV: iuv, Amount: int64(1000 + 100*i), Description: "Mensa scolastica",
				IsPartialPayment: &f, DueDate: &due, Transfer: []gpdTransfer{{IDTransfer: "1", Amount: int64(1000 + 100*i),
					RemittanceInformation: "Mensa", Category: "9/0101108TS/", IBAN: "IT60X0542811101000000123456"}}}}}
		sb.gpd.store(p)
	}
	dir := t.TempDir()
	giorno := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	es, err := sb.SimulaPagamenti(ConfigPagamenti{Quota: 1, Giorno: giorno, Seed: 1, Anomalie: AnomalieDemo()}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if es.Pagate != 31 || len(es.Ricevute) != 30 || len(es.Flussi) != 3 {
		t.Fatalf("%+v", es)
	}
	for _, path := range es.Ricevute {
		fh, _ := os.Open(path)
		rt, err := ricevute.LeggiRT(fh)
		fh.Close()
		if err != nil || rt.Importo <= 0 || rt.IUV == "" {
			t.Fatalf("%s: %+v %v", path, rt, err)
		}
	}
	rendicontati := 0
	for _, iuf := range es.Flussi {
		fh, _ := os.Open(dir + "/rendicontazione/" + iuf + ".xml")
		fl, err := fdr.Leggi(fh, func(fdr.Pagamento) error { rendicontati++; return nil })
		fh.Close()
		if err != nil || fl.IUF != iuf {
			t.Fatalf("%s: %+v %v", iuf, fl, err)
		}
	}
	// The sandbox's flows are valid for the official schema.
	if xmllint, err := exec.LookPath("xmllint"); err == nil {
		xsd := filepath.Join("..", "..", "..", "shared", "specs", "pagopa", "FlussoRiversamento_1_0_4.xsd")
		if _, err := os.Stat(xsd); err == nil {
			out, err := exec.Command(xmllint, "--noout", "--schema", xsd, dir+"/rendicontazione/"+es.Flussi[0]+".xml").CombinedOutput()
			if err != nil {
				t.Fatalf("schema: %v\n%s", err, out)
			}
		}
	}
	// 30 paid plus one spontaneous, one never reported, one credited alone, one reported twice.
	if rendicontati != 31-2+1 {
		t.Fatalf("reported %d", rendicontati)
	}
	fh, _ := os.Open(es.Giornale)
	defer fh.Close()
	var flussi, singoli, ignoti, estranei int
	g, err := cassa.Leggi(fh, func(m cassa.Movimento) error {
		r := causale.Leggi(m.Causale)
		switch {
		case r.Tipo == causale.Flusso && contains(es.Flussi, r.IUF):
			flussi++
		case r.Tipo == causale.Flusso:
			ignoti++
		case r.Tipo == causale.Pagamento:
			singoli++
		default:
			estranei++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Three flows: one never credited; the mangled causale still names its flow.
	if flussi != 2 || singoli != 1 || ignoti != 1 || estranei != 2 || g.Eseguiti != 6 {
		t.Fatalf("journal: flows %d singles %d unknown %d others %d (%+v)", flussi, singoli, ignoti, estranei, g)
	}
	// The flows are on the FdR API too.
	cr := sb.FdRCredentials()
	c := &fdr.Client{BaseURL: cr.BaseURL, Key: cr.Key}
	var voci []string
	if err := c.ElencoCompleto(context.Background(), cr.OrganizationFiscalCode, fdr.Filtro{}, func(v fdr.Voce) error {
		voci = append(voci, v.IUF)
		fl, err := c.Scarica(context.Background(), cr.OrganizationFiscalCode, v.IUF, v.Revisione, v.PSP, func(fdr.Pagamento) error { return nil })
		if err != nil || fl.ImportoTotale <= 0 {
			return fmt.Errorf("%s: %+v %w", v.IUF, fl, err)
		}
		return nil
	}); err != nil || len(voci) != 3 {
		t.Fatalf("FdR API: %v %v", voci, err)
	}
	// The positions are PAID now.
	for _, p := range sb.gpd.positions {
		if p.Status != "PAID" || p.PaymentDate == nil {
			t.Fatalf("%+v", p)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The dates of a simulated day follow pagoPA's timetable (ConfigPagamenti):
// flows settled and published the next day at 06:00 Italian time, the same
// instant in the file (no zone: Italian time) and on the FdR API; the
// treasury credits them that day, value date the settlement date, and the
// journal of that day is dated that day — winter and summer time alike.
func TestSimulaPagamentiDate(t *testing.T) {
	roma, _ := time.LoadLocation("Europe/Rome")
	for _, c := range []struct {
		giorno, regolamento, file, gdc string
	}{
		{"2026-11-20", "2026-11-21", "2026-11-21T06:00:00", "GDC_20261121.xml"},
		{"2026-06-30", "2026-07-01", "2026-07-01T06:00:00", "GDC_20260701.xml"},
	} {
		t.Run(c.giorno, func(t *testing.T) {
			sb, err := Start(context.Background(), "127.0.0.1:0", Config{Seed: 3, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			due := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
			f := false
			for i := range 9 {
				iuv := fmt.Sprintf("01%015d", 2000+i)
				sb.gpd.store(&gpdPosition{IUPD: fmt.Sprintf("SANDBOX-D-%03d", i), Type: "F", FiscalCode: "RSSMRA80A01H501U",
					FullName: "Mario Rossi", CompanyName: "Comune", SwitchToExpired: &f, Status: "VALID",
					PaymentOption: []gpdOption{{NAV: "3" + iuv, IUV: iuv, Amount: 1500, Description: "Mensa", IsPartialPayment: &f,
						DueDate: &due, Transfer: []gpdTransfer{{IDTransfer: "1", Amount: 1500, RemittanceInformation: "Mensa",
							Category: "9/0101108TS/", IBAN: "IT60X0542811101000000123456"}}}}})
			}
			giorno, _ := time.Parse(time.DateOnly, c.giorno)
			regolamento, _ := time.Parse(time.DateOnly, c.regolamento)
			dir := t.TempDir()
			es, err := sb.SimulaPagamenti(ConfigPagamenti{Quota: 1, Giorno: giorno, Seed: 1}, dir)
			if err != nil || len(es.Flussi) != 3 {
				t.Fatalf("%+v %v", es, err)
			}
			alle6 := time.Date(regolamento.Year(), regolamento.Month(), regolamento.Day(), 6, 0, 0, 0, roma)
			daFile := map[string]time.Time{}
			for _, iuf := range es.Flussi {
				path := filepath.Join(dir, "rendicontazione", iuf+".xml")
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), "<dataOraFlusso>"+c.file+"</dataOraFlusso>") {
					t.Fatalf("%s: dataOraFlusso is not %s Italian time without zone:\n%s", iuf, c.file, b)
				}
				fl, err := fdr.Leggi(strings.NewReader(string(b)), func(fdr.Pagamento) error { return nil })
				if err != nil || !fl.DataOraFlusso.Equal(alle6) || !fl.DataRegolamento.Equal(regolamento) {
					t.Fatalf("%s: flow of %v settled %v, want %v and %s (%v)", iuf, fl.DataOraFlusso, fl.DataRegolamento, alle6, c.regolamento, err)
				}
				daFile[iuf] = fl.DataOraFlusso
			}
			cr := sb.FdRCredentials()
			cl := &fdr.Client{BaseURL: cr.BaseURL, Key: cr.Key}
			n := 0
			dal := fdr.Filtro{FlussiDal: giorno.AddDate(0, -1, 0), PubblicatiDopo: giorno.AddDate(-1, 0, 0)}
			if err := cl.ElencoCompleto(context.Background(), cr.OrganizationFiscalCode, dal, func(v fdr.Voce) error {
				fl, err := cl.Scarica(context.Background(), cr.OrganizationFiscalCode, v.IUF, v.Revisione, v.PSP, func(fdr.Pagamento) error { return nil })
				if err != nil {
					return err
				}
				if !fl.DataOraFlusso.Equal(daFile[v.IUF]) || !fl.DataRegolamento.Equal(regolamento) {
					return fmt.Errorf("%s: on the API %v settled %v, in the file %v", v.IUF, fl.DataOraFlusso, fl.DataRegolamento, daFile[v.IUF])
				}
				n++
				return nil
			}); err != nil || n != len(es.Flussi) {
				t.Errorf("FdR API: %d flows, %v", n, err)
			}

			if filepath.Base(es.Giornale) != c.gdc {
				t.Fatalf("journal %s, want %s", filepath.Base(es.Giornale), c.gdc)
			}
			fh, err := os.Open(es.Giornale)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			var movimenti int
			g, err := cassa.Leggi(fh, func(m cassa.Movimento) error {
				movimenti++
				if !m.DataValuta.Equal(regolamento) || !m.DataContabile.Equal(regolamento) {
					return fmt.Errorf("credit %s: value date %v, accounting date %v, want the settlement date %s",
						m.NumeroBolletta, m.DataValuta, m.DataContabile, c.regolamento)
				}
				return nil
			})
			if err != nil || movimenti == 0 {
				t.Fatalf("journal: %d credits, %v", movimenti, err)
			}
			sera := time.Date(regolamento.Year(), regolamento.Month(), regolamento.Day(), 20, 0, 0, 0, roma)
			if !g.DataRiferimento.Equal(regolamento) || !g.DataOraFlusso.Equal(sera) || g.Esercizio != regolamento.Year() {
				t.Fatalf("journal of %v made %v (year %d), want %s made %v", g.DataRiferimento, g.DataOraFlusso, g.Esercizio, c.regolamento, sera)
			}
		})
	}
}
