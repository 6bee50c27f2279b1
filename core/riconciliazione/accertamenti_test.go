package riconciliazione

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// accFixture is a database filled as a day of work fills it: the ente's
// debt records imported from a MyPay CSV with bilancio, their positions
// paid in the sandbox, and the receipts, flows and journal imported.
type accFixture struct {
	ctx  context.Context
	db   *store.DB
	svc  *Service
	op   operatori.Operatore // an operatore
	sup  operatori.Operatore // a supervisore
	iuv  []string            // IUV of position i
	cent []int64             // amount of position i, cents
}

// The positions' bilancio: 0..3 TRIB/1010/ACC-TARI (due in 2026), 4..6
// TRIB/1010/ACC-TARI-BIS (2026), 7..8 SCUOLA/2020/ACC-MENSA (no due date:
// any year), 9 a chapter without office, 10..11 no bilancio. Position 0
// is paid in two transfers.
const accPosizioni = 12

func accBilancio(i int) (ufficio, capitolo, accertamento, scadenza string) {
	switch {
	case i <= 3:
		return "TRIB", "1010", "ACC-TARI", "2026-12-31"
	case i <= 6:
		return "TRIB", "1010", "ACC-TARI-BIS", "2026-11-30"
	case i <= 8:
		return "SCUOLA", "2020", "ACC-MENSA", ""
	case i == 9:
		return "", "3030", "ACC-ORFANO", "2026-10-31"
	}
	return "", "", "", "2026-10-31"
}

func newAccFixture(t *testing.T) *accFixture {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 11, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cr := sb.GPDCredentials()
	g := &pagopa.GPD{BaseURL: cr.BaseURL, Key: cr.Key}
	f := &accFixture{ctx: ctx, op: operatori.Operatore{Username: "l.ricci", Ruolo: operatori.RuoloOperatore},
		sup: operatori.Operatore{Username: "m.colombo", Ruolo: operatori.RuoloSupervisore}}
	var pos []pagopa.Posizione
	var csv strings.Builder
	csv.WriteString("IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;" +
		"civicoPagatore;capPagatore;localitaPagatore;provinciaPagatore;nazionePagatore;mailPagatore;dataEsecuzionePagamento;" +
		"importoDovuto;commissioneCaricoPa;tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;azione\n")
	for i := range accPosizioni {
		iuv := pagopa.IUV(pagopa.CodiceAvviso(1, uint64(500+i)))
		c := int64(2000 + 250*i)
		f.iuv, f.cent = append(f.iuv, iuv), append(f.cent, c)
		tr := []pagopa.Trasferimento{{ID: "1", Centesimi: c, Causale: "TARI 2026", Tassonomia: "9/0101100IM/",
			IBAN: "IT60X0542811101000000123456"}}
		if i == 0 {
			tr = []pagopa.Trasferimento{{ID: "1", Centesimi: 1200, Causale: "TARI 2026", Tassonomia: "9/0101100IM/",
				IBAN: "IT60X0542811101000000123456"}, {ID: "2", Centesimi: c - 1200, Causale: "TEFA 2026",
				Tassonomia: "9/0101100IM/", IBAN: "IT60X0542811101000000123456"}}
		}
		pos = append(pos, pagopa.Posizione{IUPD: fmt.Sprintf("ACC-T-%02d", i), Tipo: "F", CodiceFiscale: "RSSMRA85T10A562S",
			Nome: "Mario Rossi", Ente: "Comune di Vimercate", OpzioniPagamento: []pagopa.Opzione{{IUV: iuv, Centesimi: c,
				Descrizione: "TARI 2026", Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), Trasferimenti: tr}}})
		uff, cap, acc, scad := accBilancio(i)
		bil := ""
		if cap != "" {
			bil = "<bilancio><capitolo><codCapitolo>" + cap + "</codCapitolo>"
			if uff != "" {
				bil += "<codUfficio>" + uff + "</codUfficio>"
			}
			bil += fmt.Sprintf("<accertamento><codAccertamento>%s</codAccertamento><importo>%d.%02d</importo></accertamento>"+
				"</capitolo></bilancio>", acc, c/100, c%100)
		}
		fmt.Fprintf(&csv, "TARI-2026-%03d;%s;F;RSSMRA85T10A562S;Mario Rossi;Via Roma;10;20871;Vimercate;MB;IT;;%s;%d.%02d;;TARI;ALL;"+
			"TARI 2026;9/0101100IM;%s;I\n", i, iuv, scad, c/100, c%100, bil)
	}
	if err := g.CreaMolte(ctx, cr.OrganizationFiscalCode, pos, true); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "acc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db, f.svc = db, New(db)
	dir := t.TempDir()
	dovuti := filepath.Join(dir, "dovuti.csv")
	if err := os.WriteFile(dovuti, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if es, err := Importa(ctx, db, "test", dovuti); err != nil || es.Tipo != TipoDovuti || es.Righe != accPosizioni {
		t.Fatalf("dovuti: %+v %v", es, err)
	}
	es, err := sb.SimulaPagamenti(sandbox.ConfigPagamenti{Quota: 1, Giorno: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Seed: 3}, dir)
	if err != nil {
		t.Fatal(err)
	}
	files := append([]string{}, es.Ricevute...)
	for _, iuf := range es.Flussi {
		files = append(files, filepath.Join(dir, "rendicontazione", iuf+".xml"))
	}
	for _, p := range append(files, es.Giornale) {
		if _, err := Importa(ctx, db, "test", p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if len(es.Ricevute) != accPosizioni {
		t.Fatalf("%d receipts", len(es.Ricevute))
	}
	return f
}

func (f *accFixture) accertamento(t *testing.T, uff, cap, cod string) store.RicAccertamento {
	t.Helper()
	list, err := f.svc.Accertamenti(f.ctx, store.FiltroRicAccertamenti{Ufficio: uff, Capitolo: cap, Codice: cod}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.Codice == cod {
			return a
		}
	}
	t.Fatalf("no assessment %s/%s/%s in %+v", uff, cap, cod, list)
	return store.RicAccertamento{}
}

func (f *accFixture) somma(idx ...int) int64 {
	var s int64
	for _, i := range idx {
		s += f.cent[i]
	}
	return s
}

func campoDi(err error) string {
	var v operatori.ErrValidazione
	if errors.As(err, &v) {
		return v.Campo
	}
	return ""
}

// The bilancio of the imported debt records makes the missing offices,
// chapters and assessments, and their paid payments are associated for
// the sum of their transfers; running it again writes nothing.
func TestCreaAnagraficheMancanti(t *testing.T) {
	f := newAccFixture(t)
	ctx := f.ctx
	c, err := f.svc.CreaAnagraficheMancanti(ctx, f.op)
	if err != nil {
		t.Fatal(err)
	}
	// Whether Importa made them already or this call did, they are there now.
	uffici, err := f.svc.Uffici(ctx, store.FiltroRicUffici{}, 0, 10)
	if err != nil || len(uffici) != 2 || uffici[0].Codice != "SCUOLA" || uffici[1].Codice != "TRIB" || !uffici[1].Attivo {
		t.Fatalf("offices: %+v %v", uffici, err)
	}
	if c.Totale() > 0 && (uffici[1].ModificatoDa != "l.ricci" || uffici[1].ModificatoIl.IsZero()) {
		t.Fatalf("office not stamped: %+v", uffici[1])
	}
	if _, err := f.svc.Capitolo(ctx, "TRIB", "1010", 2026); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Capitolo(ctx, "SCUOLA", "2020", 0); err != nil {
		t.Fatal(err)
	}
	tot, err := f.svc.TotaliAccertamenti(ctx, store.FiltroRicAccertamenti{})
	if err != nil || tot.N != 3 || tot.NPagamenti != 9 || tot.ImportoAssociato != f.somma(0, 1, 2, 3, 4, 5, 6, 7, 8) || tot.ImportoPrevisto != 0 {
		t.Fatalf("totals: %+v %v", tot, err)
	}
	tari := f.accertamento(t, "TRIB", "1010", "ACC-TARI")
	if tari.Anno != 2026 || tari.Stato != store.RicAccertamentoAperto || tari.NPagamenti != 4 || tari.ImportoAssociato != f.somma(0, 1, 2, 3) {
		t.Fatalf("ACC-TARI: %+v", tari)
	}
	// Position 0 was paid in two transfers: the association holds their sum.
	pp, err := f.svc.PagamentiAccertamento(ctx, tari.ID, 0, 10)
	if err != nil || len(pp) != 4 || pp[0].IUV != f.iuv[0] || pp[0].Importo != f.cent[0] || pp[0].TipoDovuto != "TARI" ||
		pp[0].Pagatore == "" || pp[0].DataEsito != "2026-11-20" || pp[0].Accertamento != "ACC-TARI" {
		t.Fatalf("payments of ACC-TARI: %+v %v", pp, err)
	}
	if mensa := f.accertamento(t, "SCUOLA", "2020", "ACC-MENSA"); mensa.Anno != 0 || mensa.NPagamenti != 2 {
		t.Fatalf("ACC-MENSA: %+v", mensa)
	}
	// The chapter without office and the records without bilancio leave
	// three payments free.
	if n, err := f.svc.ContaPagamentiLiberi(ctx, store.FiltroRicPagamentiLiberi{}); err != nil || n != 3 {
		t.Fatalf("free payments: %d %v", n, err)
	}
	if h, _ := f.db.History(ctx, "ric_accertamento", fmt.Sprint(tari.ID)); len(h) == 0 {
		t.Fatal("creation not audited")
	}
	// Idempotent: again, nothing; and the import's own hook finds nothing new.
	if again, err := f.svc.CreaAnagraficheMancanti(ctx, f.op); err != nil || again.Totale() != 0 {
		t.Fatalf("second run: %+v %v", again, err)
	}
	if err := f.db.Write(ctx, "test", func(tx *store.Tx) error {
		n, err := tx.CreaAnagraficheMancantiToccate(ctx, store.Toccate{IUV: map[string]struct{}{f.iuv[0]: {}, f.iuv[10]: {}}})
		if err == nil && n != 0 {
			err = fmt.Errorf("%d written on the touched keys", n)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// The incremental hook does, for an import's keys, what the full run does.
func TestCreaAnagraficheMancantiToccate(t *testing.T) {
	f := newAccFixture(t)
	ctx := f.ctx
	// Undo whatever the import made, then redo it for two keys only.
	if err := f.db.Write(ctx, "test", func(tx *store.Tx) error {
		for _, q := range []string{`DELETE FROM ric_accertamenti_pagamenti`, `DELETE FROM ric_accertamenti`,
			`DELETE FROM ric_capitoli`, `DELETE FROM ric_uffici`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		n, err := tx.CreaAnagraficheMancantiToccate(ctx, store.Toccate{IUD: map[string]struct{}{"TARI-2026-007": {}},
			IUV: map[string]struct{}{f.iuv[1]: {}}})
		if err == nil && n != 2+2+2+2 { // SCUOLA, TRIB; two chapters; ACC-MENSA, ACC-TARI; two payments
			err = fmt.Errorf("%d written", n)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	tot, err := f.svc.TotaliAccertamenti(ctx, store.FiltroRicAccertamenti{})
	if err != nil || tot.N != 2 || tot.NPagamenti != 2 || tot.ImportoAssociato != f.somma(1, 7) {
		t.Fatalf("%+v %v", tot, err)
	}
}

// Anagrafiche: required fields and duplicates refused with the field named.
func TestAnagraficheRegole(t *testing.T) {
	f := newAccFixture(t)
	ctx, op := f.ctx, f.op
	if _, err := f.svc.CreaAnagraficheMancanti(ctx, op); err != nil {
		t.Fatal(err)
	}
	err := f.svc.CreaUfficio(ctx, op, store.RicUfficio{Codice: "TRIB", Denominazione: "Tributi"})
	if campoDi(err) != "Codice" || !strings.Contains(err.Error(), "l'ufficio TRIB esiste già") {
		t.Fatalf("duplicate office: %v", err)
	}
	if err := f.svc.CreaUfficio(ctx, op, store.RicUfficio{Codice: "CULT"}); campoDi(err) != "Denominazione" {
		t.Fatalf("no name: %v", err)
	}
	if err := f.svc.CreaUfficio(ctx, op, store.RicUfficio{Codice: " CULT ", Denominazione: "Cultura"}); err != nil {
		t.Fatal(err)
	}
	if u, err := f.svc.Ufficio(ctx, "CULT"); err != nil || u.Denominazione != "Cultura" || !u.Attivo || u.ModificatoDa != "l.ricci" {
		t.Fatalf("%+v %v", u, err)
	}
	if err := f.svc.CreaCapitolo(ctx, op, store.RicCapitolo{Ufficio: "NESSUNO", Codice: "9", Descrizione: "x"}); campoDi(err) != "Ufficio" {
		t.Fatalf("unknown office: %v", err)
	}
	if err := f.svc.CreaCapitolo(ctx, op, store.RicCapitolo{Ufficio: "CULT", Codice: "4040", Anno: 26, Descrizione: "x"}); campoDi(err) != "Anno" {
		t.Fatalf("bad year: %v", err)
	}
	if err := f.svc.CreaCapitolo(ctx, op, store.RicCapitolo{Ufficio: "CULT", Codice: "4040", Anno: 2026, Descrizione: "Biblioteca"}); err != nil {
		t.Fatal(err)
	}
	err = f.svc.CreaCapitolo(ctx, op, store.RicCapitolo{Ufficio: "CULT", Codice: "4040", Anno: 2026, Descrizione: "Ancora"})
	if campoDi(err) != "Codice" || !strings.Contains(err.Error(), "nell'anno 2026") {
		t.Fatalf("duplicate chapter: %v", err)
	}
	nuovo := store.RicAccertamento{Ufficio: "CULT", Capitolo: "4040", Anno: 2026, Codice: "ACC-BIB", Descrizione: "Sale studio",
		Importo: 150000}
	id, err := f.svc.CreaAccertamento(ctx, op, nuovo)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.CreaAccertamento(ctx, op, nuovo)
	if campoDi(err) != "Codice" || !strings.Contains(err.Error(), "l'accertamento ACC-BIB esiste già per l'ufficio CULT, capitolo 4040, anno 2026") {
		t.Fatalf("duplicate assessment: %v", err)
	}
	for _, c := range []struct {
		mod   func(a *store.RicAccertamento)
		campo string
	}{
		{func(a *store.RicAccertamento) { a.Capitolo = "1010" }, "Capitolo"}, // TRIB's, not CULT's
		{func(a *store.RicAccertamento) { a.Anno = 2025 }, "Capitolo"},       // chapter of 2026 only
		{func(a *store.RicAccertamento) { a.Codice = "" }, "Codice"},
		{func(a *store.RicAccertamento) { a.Descrizione = " " }, "Descrizione"},
		{func(a *store.RicAccertamento) { a.Importo = -1 }, "Importo previsto"},
		{func(a *store.RicAccertamento) { a.Ufficio = "" }, "Ufficio"},
	} {
		a := nuovo
		a.Codice = "ACC-ALTRO"
		c.mod(&a)
		if _, err := f.svc.CreaAccertamento(ctx, op, a); campoDi(err) != c.campo {
			t.Errorf("%+v: %v, want field %s", a, err, c.campo)
		}
	}
	// Deactivated office and chapter: no new assessments under them.
	if err := f.svc.AttivaCapitolo(ctx, op, "CULT", "4040", 2026, false); err != nil {
		t.Fatal(err)
	}
	a := nuovo
	a.Codice = "ACC-2"
	if _, err := f.svc.CreaAccertamento(ctx, op, a); campoDi(err) != "Capitolo" || !strings.Contains(err.Error(), "disattivato") {
		t.Fatalf("inactive chapter: %v", err)
	}
	if err := f.svc.AttivaUfficio(ctx, op, "CULT", false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreaAccertamento(ctx, op, a); campoDi(err) != "Ufficio" {
		t.Fatalf("inactive office: %v", err)
	}
	if n, _ := f.svc.ContaUffici(ctx, store.FiltroRicUffici{SoloAttivi: true}); n != 2 {
		t.Fatalf("active offices: %d", n)
	}
	if err := f.svc.ModificaUfficio(ctx, op, "CULT", "Cultura e biblioteche"); err != nil {
		t.Fatal(err)
	}
	h, err := f.db.History(ctx, "ric_ufficio", "CULT")
	if err != nil || len(h) < 3 || h[0].Campo != "denominazione" || h[0].Dopo != "Cultura e biblioteche" || h[0].Operatore != "l.ricci" {
		t.Fatalf("office history: %+v %v", h, err)
	}
	if got, _ := f.svc.Accertamento(ctx, id); got.Importo != 150000 || got.CreatoDa != "l.ricci" {
		t.Fatalf("%+v", got)
	}
}

// Associations: one assessment per payment, for its amount; a closed
// assessment changes no more until a supervisor reopens it.
func TestAccertamentoAssociazioniEChiusura(t *testing.T) {
	f := newAccFixture(t)
	ctx, op := f.ctx, f.op
	if _, err := f.svc.CreaAnagraficheMancanti(ctx, op); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.CreaCapitolo(ctx, op, store.RicCapitolo{Ufficio: "TRIB", Codice: "1020", Descrizione: "Recupero evasione"}); err != nil {
		t.Fatal(err)
	}
	id, err := f.svc.CreaAccertamento(ctx, op, store.RicAccertamento{Ufficio: "TRIB", Capitolo: "1020", Anno: 2026,
		Codice: "ACC-REC", Descrizione: "Recupero TARI", Importo: 10000})
	if err != nil {
		t.Fatal(err)
	}
	iur := func(i int) string {
		var r string
		if err := f.db.Reader().QueryRow(`SELECT iur FROM ric_rt WHERE iuv = ?`, f.iuv[i]).Scan(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Already in ACC-TARI: refused, naming it.
	_, err = f.svc.AssociaPagamento(ctx, op, id, f.iuv[0], iur(0))
	var gia store.ErrRicGiaAssociato
	if !errors.As(err, &gia) || gia.Accertamento.Codice != "ACC-TARI" || !strings.Contains(err.Error(), "già associato all'accertamento ACC-TARI") {
		t.Fatalf("already associated: %v", err)
	}
	if _, err := f.svc.AssociaPagamento(ctx, op, id, f.iuv[10], "NONESISTE"); !errors.Is(err, store.ErrRicPagamentoIgnoto) {
		t.Fatalf("unknown payment: %v", err)
	}
	imp, err := f.svc.AssociaPagamento(ctx, op, id, f.iuv[10], iur(10))
	if err != nil || imp != f.cent[10] {
		t.Fatalf("associate: %d %v", imp, err)
	}
	// The rest of the free payments by filter: 9 and 11.
	n, tot, err := f.svc.AssociaPagamentiFiltro(ctx, op, id, store.FiltroRicPagamentiLiberi{TipoDovuto: "TARI"})
	if err != nil || n != 2 || tot != f.somma(9, 11) {
		t.Fatalf("by filter: %d %d %v", n, tot, err)
	}
	a, _ := f.svc.Accertamento(ctx, id)
	if a.NPagamenti != 3 || a.ImportoAssociato != f.somma(9, 10, 11) {
		t.Fatalf("totals: %+v", a)
	}
	if n, _ := f.svc.ContaPagamentiLiberi(ctx, store.FiltroRicPagamentiLiberi{}); n != 0 {
		t.Fatalf("%d free payments left", n)
	}

	// Closed: nothing changes.
	if err := f.svc.ChiudiAccertamento(ctx, op, id); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ChiudiAccertamento(ctx, op, id); err == nil {
		t.Fatal("closed twice")
	}
	if err := f.svc.ModificaAccertamento(ctx, op, id, "Altro", 1); !errors.Is(err, ErrAccertamentoChiuso) {
		t.Fatalf("modify closed: %v", err)
	}
	if err := f.svc.RimuoviAssociazione(ctx, op, id, f.iuv[10], iur(10)); !errors.Is(err, ErrAccertamentoChiuso) {
		t.Fatalf("remove from closed: %v", err)
	}
	if err := f.svc.RiapriAccertamento(ctx, op, id); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Fatalf("operator reopened: %v", err)
	}
	if err := f.svc.RiapriAccertamento(ctx, f.sup, id); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RimuoviAssociazione(ctx, op, id, f.iuv[10], iur(10)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RimuoviAssociazione(ctx, op, id, f.iuv[10], iur(10)); err == nil {
		t.Fatal("removed twice")
	}
	if err := f.svc.ModificaAccertamento(ctx, op, id, "Recupero TARI 2026", 20000); err != nil {
		t.Fatal(err)
	}
	if a, _ = f.svc.Accertamento(ctx, id); a.Importo != 20000 || a.NPagamenti != 2 || a.ModificatoDa != "l.ricci" {
		t.Fatalf("after the changes: %+v", a)
	}
	h, _ := f.db.History(ctx, "ric_accertamento", fmt.Sprint(id))
	var chiusa, riaperta bool
	for _, e := range h {
		chiusa = chiusa || e.Campo == "stato" && e.Dopo == "CHIUSO" && e.Operatore == "l.ricci"
		riaperta = riaperta || e.Campo == "stato" && e.Dopo == "APERTO" && e.Operatore == "m.colombo"
	}
	if !chiusa || !riaperta {
		t.Fatalf("history: %+v", h)
	}

	// The import does not add to a closed assessment: a payment taken out
	// of ACC-TARI stays free while ACC-TARI is closed.
	tari := f.accertamento(t, "TRIB", "1010", "ACC-TARI")
	if err := f.svc.RimuoviAssociazione(ctx, op, tari.ID, f.iuv[2], iur(2)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ChiudiAccertamento(ctx, op, tari.ID); err != nil {
		t.Fatal(err)
	}
	if c, err := f.svc.CreaAnagraficheMancanti(ctx, op); err != nil || c.Totale() != 0 {
		t.Fatalf("closed assessment fed: %+v %v", c, err)
	}
	if err := f.svc.RiapriAccertamento(ctx, f.sup, tari.ID); err != nil {
		t.Fatal(err)
	}
	if c, err := f.svc.CreaAnagraficheMancanti(ctx, op); err != nil || c.Associati != 1 || c.Totale() != 1 {
		t.Fatalf("reopened: %+v %v", c, err)
	}
	if tari = f.accertamento(t, "TRIB", "1010", "ACC-TARI"); tari.ImportoAssociato != f.somma(0, 1, 2, 3) {
		t.Fatalf("ACC-TARI: %+v", tari)
	}
}

func TestLeggiAnnoImporto(t *testing.T) {
	for _, c := range []struct {
		in   string
		anno int
		ok   bool
	}{{"", 0, true}, {" 2026 ", 2026, true}, {"26", 0, false}, {"duemila", 0, false}, {"3000", 0, false}} {
		a, err := LeggiAnno("Anno", c.in)
		if (err == nil) != c.ok || c.ok && a != c.anno || !c.ok && campoDi(err) != "Anno" {
			t.Errorf("%q: %d %v", c.in, a, err)
		}
	}
	for _, c := range []struct {
		in string
		c  int64
		ok bool
	}{{"", 0, true}, {"1.250,50", 125050, true}, {"1250.5", 125050, true}, {"-3", 0, false}, {"dieci", 0, false}} {
		v, err := LeggiImporto("Importo previsto", c.in)
		if (err == nil) != c.ok || c.ok && v != c.c || !c.ok && campoDi(err) != "Importo previsto" {
			t.Errorf("%q: %d %v", c.in, v, err)
		}
	}
}
