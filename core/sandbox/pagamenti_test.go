package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
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
