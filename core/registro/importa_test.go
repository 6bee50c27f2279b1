package registro

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/store"
)

func riga(casella, cf, stato, data, agente string) RigaImport {
	r := RigaImport{Casella: casella, Stato: stato, Agente: agente,
		Titolare:  store.Titolare{Nome: "Mario", Cognome: "Rossi", CodiceFiscale: cf, Email: "mario@example.it", Telefono: "0121 123456"},
		Indirizzo: store.Indirizzo{Via: "Via Roma", Civico: "1", Comune: "Pinerolo", Telefono: "0121 123456"}}
	if data != "" {
		r.DataAttivazione, _ = parseData(data)
	}
	return r
}

func TestImporta(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	azienda := riga("info@pec-b.it", "00488410010", "CESSATA", "", "")
	azienda.Attivita = store.Attivita{RagioneSociale: "Rossi Srl", PartitaIVA: "00488410010"}
	righe := []RigaImport{
		riga("mario.rossi@pec-a.it", "DLCGUO68P15D969U", "ATTIVA", "2024-05-02", "Vendite Srl"),
		riga("m.rossi", "DLCGUO68P15D969U", "SOSPESA", "03/06/2024", "carlo@vendite.it"),
		azienda,
		riga("nuova@pec-b.it", "RSSMRA80A01H501U", "", "", ""),
	}
	righe[1].Dominio = "pec-b.it"
	n, errs, err := f.s.Importa(ctx, postmaster, righe)
	if err != nil || n != 4 || len(errs) != 0 {
		t.Fatalf("clean import: %d %v %v", n, errs, err)
	}
	conta := func() map[string]int {
		r, err := f.s.InfoServizio(ctx, postmaster)
		if err != nil {
			t.Fatal(err)
		}
		return r.Caselle
	}
	if c := conta(); c["ATTIVA"] != 1 || c["SOSPESA"] != 1 || c["CESSATA"] != 1 || c["IN_ATTESA"] != 1 {
		t.Fatalf("states %v", c)
	}
	tot, ts, _ := f.s.CercaTitolari(ctx, postmaster, store.FiltroTitolari{}, 0, 10)
	if tot != 3 {
		t.Fatalf("%d owners, want 3 (one shared by two rows): %+v", tot, ts)
	}
	_, cs, _ := f.s.CercaCaselle(ctx, postmaster, store.FiltroCaselle{Casella: "mario.rossi@pec-a.it"}, 0, 1)
	if len(cs) != 1 || cs[0].AgenteID != f.agente || cs[0].AttivataIl.IsZero() || cs[0].InseritaDa != "postmaster" {
		t.Fatalf("imported mailbox %+v", cs)
	}
	d, _ := f.s.Titolare(ctx, postmaster, cs[0].TitolareID)
	if len(d.Indirizzi) != 1 || len(d.Caselle) != 2 || d.Indirizzi[0].Provincia != "TO" || d.Indirizzi[0].CAP != "10064" {
		t.Fatalf("shared owner: %+v", d)
	}
	if st, _ := f.s.StoricoCasella(ctx, postmaster, cs[0].ID); len(st) == 0 {
		t.Fatal("import not audited")
	}
	// A mailbox so imported can go on living: ATTIVA into the agent's package.
	if err := f.s.AssociaPacchetto(ctx, postmaster, cs[0].ID, f.pacchet); err != nil {
		t.Fatal(err)
	}

	// Dirty: every row is reported, nothing is stored.
	bad := []RigaImport{
		riga("ok.uno@pec-a.it", "RSSMRA80A01H501U", "", "", ""),
		riga("mario.rossi@pec-a.it", "RSSMRA80A01H501U", "", "", ""),          // taken
		riga("doppia@pec-a.it", "RSSMRA80A01H501X", "", "", ""),               // bad CF
		riga("doppia@pec-a.it", "RSSMRA80A01H501U", "", "", ""),               // repeated
		riga("x@attesa.it", "RSSMRA80A01H501U", "", "", ""),                   // not certified
		riga("y@pec-a.it", "RSSMRA80A01H501U", "ATTIVA", "", ""),              // no date
		riga("z@pec-a.it", "RSSMRA80A01H501U", "CHIUSA", "", ""),              // unknown state
		riga("w@pec-a.it", "RSSMRA80A01H501U", "", "", "Agenzia Inesistente"), // unknown agent
	}
	bad[0].Indirizzo.Comune = "Pinerolandia"
	bad = append(bad, riga("k@pec-a.it", "RSSMRA80A01H501U", "", "", ""))
	bad[len(bad)-1].Indirizzo.Telefono = "0000000000"
	prima := conta()
	n, errs, err = f.s.Importa(ctx, postmaster, bad)
	if !errors.Is(err, ErrImportNonValido) || n != 0 {
		t.Fatalf("dirty import: %d %v", n, err)
	}
	var msg []string
	for _, e := range errs {
		msg = append(msg, e.Error())
	}
	all := strings.Join(msg, "\n")
	for _, want := range []string{"riga 1, colonna Comune:", "riga 2, colonna Casella: mario.rossi@pec-a.it è già registrata",
		"riga 3, colonna CodiceFiscale:", "riga 4, colonna Casella: doppia@pec-a.it ripetuta (già alla riga 3)",
		"riga 5, colonna Dominio:", "riga 6, colonna DataAttivazione: obbligatoria", "riga 7, colonna Stato:",
		"riga 8, colonna Agente:", "riga 9, colonna Telefono:"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	if dopo := conta(); len(dopo) != len(prima) || dopo["IN_ATTESA"] != prima["IN_ATTESA"] {
		t.Fatalf("a dirty import stored something: %v -> %v", prima, dopo)
	}

	// Assistants: their domains and their package capacity (anna: 1 slot).
	_, errs, _ = f.s.Importa(ctx, anna, []RigaImport{riga("a1@pec-a.it", "BNCLRA85T50F205A", "", "", ""),
		riga("a2@pec-a.it", "BNCLRA85T50F205A", "", "", ""), riga("a3@pec-b.it", "BNCLRA85T50F205A", "", "", "")})
	all = ""
	for _, e := range errs {
		all += e.Error() + "\n"
	}
	if !strings.Contains(all, "riga 3, colonna Dominio: pec-b.it non è assegnato") || !strings.Contains(all, "capacità dei pacchetti") {
		t.Fatalf("assistant limits: %s", all)
	}
	n, errs, err = f.s.Importa(ctx, anna, []RigaImport{riga("a1@pec-a.it", "BNCLRA85T50F205A", "", "", ""),
		riga("a0@pec-a.it", "BNCLRA85T50F205A", "CESSATA", "", "")})
	if err != nil || n != 2 {
		t.Fatalf("assistant import: %d %v %v", n, errs, err)
	}
	if tot, _, _ := f.s.CercaCaselle(ctx, anna, store.FiltroCaselle{}, 0, 10); tot != 2 {
		t.Fatalf("assistant sees %d mailboxes, want their 2", tot)
	}
	// The owner of another account cannot be taken over.
	_, errs, _ = f.s.Importa(ctx, bruno, []RigaImport{riga("b1@pec-a.it", "BNCLRA85T50F205A", "", "", "")})
	if len(errs) != 1 || errs[0].Colonna != ColCodiceFiscale {
		t.Fatalf("owner of another account: %v", errs)
	}
}

func TestLeggiImport(t *testing.T) {
	csv := "\ufeffCasella;Dominio;CodiceFiscale;Nome;Cognome;RagioneSociale;PartitaIva;Indirizzo;Civico;CAP;Comune;Provincia;Telefono;Email;Stato;DataAttivazione;Agente\n" +
		"mario.rossi;pec-a.it;DLCGUO68P15D969U;Mario;Rossi;;;Via Roma;1;10064;Pinerolo;TO;0121 123456;mario@example.it;Attiva;02/05/2024;Vendite Srl\n" +
		"\n" +
		"info@pec-b.it;;00488410010;Mario;Rossi;Rossi Srl;00488410010;Via Roma;1;;Pinerolo;;0121 123456;info@rossi.it;in attesa;;\n" +
		"bad@pec-b.it;;00488410010;Mario;Rossi;;;Via Roma;1;;Pinerolo;;0121 123456;info@rossi.it;;ieri;\n"
	righe, errs, err := LeggiImport(strings.NewReader(csv))
	if err != nil || len(righe) != 2 || len(errs) != 1 || errs[0].Riga != 5 || errs[0].Colonna != ColDataAttivazione {
		t.Fatalf("%+v %v %v", righe, errs, err)
	}
	r := righe[0]
	if r.Riga != 2 || r.Stato != "ATTIVA" || r.DataAttivazione.Format("2006-01-02") != "2024-05-02" || r.Agente != "Vendite Srl" ||
		r.Indirizzo.Provincia != "TO" || r.Titolare.Telefono != "0121 123456" {
		t.Fatalf("%+v", r)
	}
	if righe[1].Riga != 4 || righe[1].Stato != "IN_ATTESA" || righe[1].Attivita.PartitaIVA != "00488410010" {
		t.Fatalf("%+v", righe[1])
	}
	_, errs, err = LeggiImport(strings.NewReader("Casella;Dominio\nx;y\n"))
	if err != nil || len(errs) == 0 || !strings.Contains(errs[0].Error(), "colonna mancante") {
		t.Fatalf("missing columns: %v %v", errs, err)
	}
	_ = time.Now
}
