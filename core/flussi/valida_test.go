package flussi

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/pagopa"
)

func cfTest(t testing.TB, cognome, nome string) string {
	t.Helper()
	cf, err := anagrafe.GeneraCodiceFiscale(cognome, nome, time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 'M', "H501")
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

var (
	oggiTest   = time.Date(2026, 6, 15, 10, 0, 0, 0, Roma)
	testoTest  = strings.Repeat("Gentile contribuente, è disponibile l'avviso. ", 3)
	avvisoTest = pagopa.CodiceAvviso(1, 1)
)

func rigaValida(t testing.TB) Riga {
	return Riga{Numero: 7, CodiceFiscale: cfTest(t, "Rossi", "Mario"), Oggetto: "Avviso di pagamento TARI 2026",
		Contenuto: testoTest, Scadenza: time.Date(2026, 9, 30, 23, 59, 59, 0, Roma), Importo: 12345,
		CodiceAvviso: avvisoTest, PagaDopoScadenza: true}
}

func TestValidaRiga(t *testing.T) {
	base := rigaValida(t)
	sv := Servizio{ID: 3, Livello: "STANDARD", ImportoMassimo: 200000}
	type out struct{ errs, avvisi string }
	for _, tc := range []struct {
		name       string
		edit       func(r *Riga)
		nominativo string
		want       out
	}{
		{"valid", func(r *Riga) {}, "", out{}},
		{"lower-case fiscal code", func(r *Riga) { r.CodiceFiscale = " " + strings.ToLower(r.CodiceFiscale) }, "", out{}},
		{"no fiscal code", func(r *Riga) { r.CodiceFiscale = " " }, "", out{errs: "riga 7, colonna codice_fiscale: mancante"}},
		{"bad check char", func(r *Riga) { r.CodiceFiscale = "RSSMRA80A01H501X" }, "",
			out{errs: "riga 7, colonna codice_fiscale: " + anagrafe.Dettaglio(anagrafe.ValidaCodiceFiscale("RSSMRA80A01H501X"))}},
		{"short fiscal code", func(r *Riga) { r.CodiceFiscale = "RSSMRA80A01H501" }, "",
			out{errs: "riga 7, colonna codice_fiscale: " + anagrafe.Dettaglio(anagrafe.ValidaCodiceFiscale("RSSMRA80A01H501"))}},
		{"short subject", func(r *Riga) { r.Oggetto = "Avviso!" }, "", out{errs: "riga 7, colonna oggetto: minimo 10 caratteri, trovati 7"}},
		{"long subject", func(r *Riga) { r.Oggetto = strings.Repeat("x", 130) }, "", out{errs: "riga 7, colonna oggetto: massimo 120 caratteri, trovati 130"}},
		{"emoji count twice", func(r *Riga) { r.Oggetto = strings.Repeat("🎉", 61) }, "", out{errs: "riga 7, colonna oggetto: massimo 120 caratteri, trovati 122"}},
		{"empty subject", func(r *Riga) { r.Oggetto = "  " }, "", out{errs: "riga 7, colonna oggetto: mancante"}},
		{"not UTF-8", func(r *Riga) { r.Oggetto = "Avviso \xff TARI 2026" }, "", out{errs: "riga 7, colonna oggetto: contiene caratteri non validi (testo non in UTF-8)"}},
		{"short markdown", func(r *Riga) { r.Contenuto = strings.Repeat("a", 79) }, "", out{errs: "riga 7, colonna contenuto: minimo 80 caratteri, trovati 79"}},
		{"long markdown", func(r *Riga) { r.Contenuto = strings.Repeat("a", 10001) }, "", out{errs: "riga 7, colonna contenuto: massimo 10000 caratteri, trovati 10001"}},
		{"amount without notice", func(r *Riga) { r.CodiceAvviso = "" }, "",
			out{errs: "riga 7, colonna codice_avviso: mancante: con l'importo serve anche il codice avviso pagoPA"}},
		{"notice without amount", func(r *Riga) { r.Importo = 0 }, "",
			out{errs: "riga 7, colonna importo: mancante: con il codice avviso serve anche l'importo (almeno 0,01 €)"}},
		{"negative amount", func(r *Riga) { r.Importo = -500 }, "", out{errs: "riga 7, colonna importo: minimo 0,01 €, indicati -5,00 €"}},
		{"over IO maximum", func(r *Riga) { r.Importo = appio.AmountMax + 1 }, "",
			out{errs: "riga 7, colonna importo: importo 100.000.000,00 € oltre il massimo ammesso da App IO (99.999.999,99 €)"}},
		{"over service maximum", func(r *Riga) { r.Importo = 250000 }, "",
			out{errs: "riga 7, colonna importo: importo 2.500,00 € oltre il massimo del servizio (2.000,00 €)"}},
		{"at service maximum", func(r *Riga) { r.Importo = 200000 }, "", out{}},
		{"bad check digits", func(r *Riga) { r.CodiceAvviso = "301000000000000145" }, "",
			out{errs: "riga 7, colonna codice_avviso: cifre di controllo errate: attese 44, trovate 45"}},
		{"aux digit 0", func(r *Riga) { r.CodiceAvviso = "001000000000000144" }, "",
			out{errs: "riga 7, colonna codice_avviso: la prima cifra (aux digit) è 0: i codici avviso con prima cifra 0, 1 o 2 non sono più emessi da pagoPA, è ammessa solo la 3"}},
		{"not payable after, with due date", func(r *Riga) { r.PagaDopoScadenza = false }, "", out{}},
		{"not payable after, no due date", func(r *Riga) { r.PagaDopoScadenza, r.Scadenza = false, time.Time{} }, "",
			out{errs: "riga 7, colonna paga_dopo_scadenza: «no» richiede una scadenza: indicarla, oppure lasciare l'avviso pagabile anche dopo"}},
		{"zero value flag without payment", func(r *Riga) { r.Importo, r.CodiceAvviso, r.PagaDopoScadenza = 0, "", false }, "", out{}},
		{"past due date", func(r *Riga) { r.Scadenza = time.Date(2026, 6, 14, 23, 59, 59, 0, Roma) }, "",
			out{avvisi: "riga 7, colonna scadenza: scadenza 14/06/2026 già passata"}},
		{"due today", func(r *Riga) { r.Scadenza = time.Date(2026, 6, 15, 23, 59, 59, 0, Roma) }, "", out{}},
		{"fiscal code in subject", func(r *Riga) { r.Oggetto = "TARI di rssmra80a01h501u" }, "",
			out{avvisi: "riga 7, colonna oggetto: l'oggetto sembra contenere un codice fiscale: i dati personali non vanno nell'oggetto, che compare nelle notifiche del telefono"}},
		{"name in subject", func(r *Riga) { r.Oggetto = "TARI 2026 per NICCOLO D'Angelo" }, "Niccolò D'Angelo",
			out{avvisi: "riga 7, colonna oggetto: l'oggetto sembra contenere il nome del destinatario (niccolo, angelo): i dati personali non vanno nell'oggetto, che compare nelle notifiche del telefono"}},
		{"particles and short words ignored", func(r *Riga) { r.Oggetto = "Pagamento del tributo di Roma" }, "Del Re Di",
			out{}},
		{"part of a word is not the name", func(r *Riga) { r.Oggetto = "Avviso per Marianna" }, "Maria Rossi", out{}},
		{"several errors at once", func(r *Riga) { r.CodiceFiscale, r.Oggetto, r.Importo = "", "breve", -1 }, "",
			out{errs: "riga 7, colonna codice_fiscale: mancante; riga 7, colonna oggetto: minimo 10 caratteri, trovati 5; riga 7, colonna importo: minimo 0,01 €, indicati -0,01 €"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			tc.edit(&r)
			errs, avvisi := ValidaRiga(r, sv, oggiTest, tc.nominativo)
			got := out{joinErr(errs), joinErr(avvisi)}
			if got != tc.want {
				t.Errorf("got\n  errs   %s\n  avvisi %s\nwant\n  errs   %s\n  avvisi %s", got.errs, got.avvisi, tc.want.errs, tc.want.avvisi)
			}
		})
	}
}

func joinErr(es []ErroreRiga) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

func TestValidaRigaBirthplaceUnknownIsAWarning(t *testing.T) {
	// Z999 is no state of the bundled data: IO would accept the code.
	first15 := "RSSMRA80A01Z999"
	c, _ := anagrafe.CarattereControllo(first15)
	r := rigaValida(t)
	r.CodiceFiscale = first15 + string(c)
	errs, avvisi := ValidaRiga(r, Servizio{}, oggiTest, "")
	if len(errs) != 0 || len(avvisi) != 1 || avvisi[0].Colonna != ColCodiceFiscale {
		t.Fatalf("errs %v avvisi %v", errs, avvisi)
	}
}

func TestImpronta(t *testing.T) {
	r := rigaValida(t)
	k := Impronta(1, r)
	if len(k) != 64 || strings.Trim(k, "0123456789abcdef") != "" {
		t.Fatalf("not hex SHA-256: %q", k)
	}
	same := r
	same.Numero, same.Scadenza = 99, time.Time{}
	same.CodiceFiscale = " " + strings.ToLower(r.CodiceFiscale)
	same.CodiceAvviso = pagopa.FormattaCodiceAvviso(r.CodiceAvviso)
	if Impronta(1, same) != k {
		t.Error("row number, due date, case and notice formatting change the key")
	}
	for name, edit := range map[string]func(*Riga){
		"fiscal code": func(r *Riga) { r.CodiceFiscale = cfTest(t, "Bianchi", "Anna") },
		"subject":     func(r *Riga) { r.Oggetto += "." },
		"markdown":    func(r *Riga) { r.Contenuto += "." },
		"amount":      func(r *Riga) { r.Importo++ },
		"notice":      func(r *Riga) { r.CodiceAvviso = pagopa.CodiceAvviso(1, 2) },
		"flag":        func(r *Riga) { r.PagaDopoScadenza = false },
		// Fields that run together must not collide.
		"boundary": func(r *Riga) { r.Oggetto, r.Contenuto = r.Oggetto+r.Contenuto[:1], r.Contenuto[1:] },
	} {
		d := r
		edit(&d)
		if Impronta(1, d) == k {
			t.Errorf("%s does not change the key", name)
		}
	}
	if Impronta(2, r) == k {
		t.Error("service does not change the key")
	}
	free := Riga{CodiceFiscale: r.CodiceFiscale, Oggetto: r.Oggetto, Contenuto: r.Contenuto}
	flag := free
	flag.PagaDopoScadenza = true
	if Impronta(1, free) != Impronta(1, flag) {
		t.Error("the flag tells apart rows without payment")
	}
}

func TestMessaggio(t *testing.T) {
	r := rigaValida(t)
	r.PagaDopoScadenza = false
	m := r.Messaggio("advanced")
	due := time.Date(2026, 9, 30, 21, 59, 59, 0, time.UTC)
	if m.FeatureLevelType != appio.FeatureAdvanced || m.Content.Subject != r.Oggetto || m.Content.Markdown != r.Contenuto ||
		m.Content.DueDate == nil || !m.Content.DueDate.Equal(due) || m.Content.DueDate.Location() != time.UTC ||
		m.Content.PaymentData == nil || *m.Content.PaymentData != (appio.PaymentData{Amount: 12345, NoticeNumber: avvisoTest, InvalidAfterDueDate: true}) {
		t.Fatalf("%+v %+v", m, m.Content.PaymentData)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	r.Importo, r.CodiceAvviso, r.Scadenza = 0, "", time.Time{}
	if m := r.Messaggio(""); m.FeatureLevelType != "" || m.Content.DueDate != nil || m.Content.PaymentData != nil {
		t.Fatalf("%+v", m)
	}
}

// TestValidaRigaImpliesValidMessage: over generated rows, near the limits
// and beyond, every row that passes ValidaRiga makes a message IO accepts.
func TestValidaRigaImpliesValidMessage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cfs := []string{cfTest(t, "Rossi", "Mario"), "RSSMRA80A01H501U", "rssmra80a01h501u", "RSSMRA80A01H501X", "", "AAAAAA00A00A000A"}
	alfabeto := []string{"a", "è", "🎉", " ", "\n", "**", "€"}
	text := func(lo, hi int) string {
		n := lo - 3 + rng.IntN(hi-lo+7)
		var b strings.Builder
		for JS := 0; JS < n; {
			s := alfabeto[rng.IntN(len(alfabeto))]
			b.WriteString(s)
			JS += appio.JSLength(s)
		}
		return b.String()
	}
	passed := 0
	for range 20000 {
		r := Riga{
			Numero:           2,
			CodiceFiscale:    cfs[rng.IntN(len(cfs))],
			Oggetto:          text(appio.SubjectMin, appio.SubjectMax),
			Contenuto:        text(appio.MarkdownMin, appio.MarkdownMin+40),
			PagaDopoScadenza: rng.IntN(2) == 0,
		}
		if rng.IntN(3) > 0 {
			r.Scadenza = time.Date(2000+rng.IntN(8000), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 23, 59, 59, 0, Roma)
		}
		switch rng.IntN(4) {
		case 0:
			r.Importo, r.CodiceAvviso = rng.Int64N(appio.AmountMax+10)-5, pagopa.CodiceAvviso(rng.IntN(100), rng.Uint64N(1e13))
		case 1:
			r.Importo, r.CodiceAvviso = 1+rng.Int64N(1000), fmt.Sprintf("%018d", rng.Uint64N(1e18))
		case 2:
			r.Importo = rng.Int64N(3)
		}
		errs, _ := ValidaRiga(r, Servizio{}, time.Time{}, "")
		if len(errs) > 0 {
			continue
		}
		passed++
		for _, liv := range []string{"", "STANDARD", "ADVANCED"} {
			if err := r.Messaggio(liv).Validate(); err != nil {
				t.Fatalf("ValidaRiga accepts %+v but IO would refuse it: %v", r, err)
			}
		}
	}
	if passed < 2000 {
		t.Fatalf("only %d generated rows passed: the property is barely exercised", passed)
	}
}

func TestParseImporto(t *testing.T) {
	for in, want := range map[string]int64{
		"1.234,56": 123456, "1234,56": 123456, "1234.56": 123456, "1234": 123400, "€ 1.234,56": 123456,
		"1.234,56 €": 123456, "  12,5 ": 1250, "0,01": 1, "0": 0, "007": 700, "1.234.567": 123456700,
		"1 234,56": 123456, "1\u00a0234,56": 123456, "12.5": 1250, "0.125e0": -1, "1234.5": 123450,
		"99.999.999,99": 9999999999, "€12": 1200,
	} {
		got, err := ParseImporto(in)
		if want < 0 {
			if err == nil {
				t.Errorf("ParseImporto(%q) = %d, want an error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("ParseImporto(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"":                 "mancante",
		" € ":              "mancante",
		"-12,50":           "«-12,50» è negativo: l'importo deve essere positivo",
		"−12":              "«−12» è negativo: l'importo deve essere positivo",
		"12,345":           "«12,345» ha più di 2 decimali",
		"1234.567":         "«1234.567» ha più di 2 decimali",
		"0.125":            "«0.125» ha più di 2 decimali",
		"1.234":            "«1.234» è ambiguo: scrivere 1.234,00 per le migliaia di euro, al massimo 2 decimali per i centesimi",
		"abc":              "«abc» non è un importo: scrivere ad esempio 1.234,56",
		"1,234.56":         "«1,234.56» non è un importo: scrivere ad esempio 1.234,56",
		"12,":              "«12,» non è un importo: scrivere ad esempio 1.234,56",
		",50":              "«,50» non è un importo: scrivere ad esempio 1.234,56",
		"1.23.4,00":        "«1.23.4,00» non è un importo: scrivere ad esempio 1.234,56",
		"1,2,3":            "«1,2,3» non è un importo: scrivere ad esempio 1.234,56",
		"+12":              "«+12» non è un importo: scrivere ad esempio 1.234,56",
		"12 5":             "«12 5» non è un importo: scrivere ad esempio 1.234,56",
		"1e3":              "«1e3» non è un importo: scrivere ad esempio 1.234,56",
		"1234567890123456": "«1234567890123456» è troppo grande",
	} {
		got, err := ParseImporto(in)
		if err == nil || err.Error() != msg {
			t.Errorf("ParseImporto(%q) = %d, %v; want error %q", in, got, err, msg)
		}
	}
}

func TestFormattaImporto(t *testing.T) {
	for c, want := range map[int64]string{0: "0,00", 1: "0,01", 123456: "1.234,56", 100000000: "1.000.000,00",
		-500: "-5,00", -9223372036854775808: "-92.233.720.368.547.758,08"} {
		if got := FormattaImporto(c); got != want {
			t.Errorf("FormattaImporto(%d) = %q, want %q", c, got, want)
		}
	}
}

func TestParseScadenza(t *testing.T) {
	fine := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 59, 0, Roma) }
	for in, want := range map[string]time.Time{
		"31/03/2027":                  fine(2027, 3, 31),
		"1/3/2027":                    fine(2027, 3, 1),
		"31-03-2027":                  fine(2027, 3, 31),
		"31.03.2027":                  fine(2027, 3, 31),
		"2027-03-31":                  fine(2027, 3, 31),
		"20270331":                    fine(2027, 3, 31),
		"46023":                       fine(2026, 1, 1),
		"46022":                       fine(2025, 12, 31),
		"45351":                       fine(2024, 2, 29),
		"31/03/2027 12:30":            time.Date(2027, 3, 31, 12, 30, 0, 0, Roma),
		"31/03/2027 12.30.15":         time.Date(2027, 3, 31, 12, 30, 15, 0, Roma),
		"2027-03-31 08:00:00":         time.Date(2027, 3, 31, 8, 0, 0, 0, Roma),
		"2027-03-31T08:00:00Z":        time.Date(2027, 3, 31, 8, 0, 0, 0, time.UTC),
		"2027-03-31T08:00:00.5+02:00": time.Date(2027, 3, 31, 6, 0, 0, 5e8, time.UTC),
		"46023.5":                     time.Date(2026, 1, 1, 12, 0, 0, 0, Roma),
		" 31/10/2027 ":                fine(2027, 10, 31),
	} {
		got, err := ParseScadenza(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseScadenza(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, _ := ParseScadenza("31/03/2027"); got.Location() != Roma || got.Format("15:04:05") != "23:59:59" {
		t.Errorf("a date alone is not the end of the day in Rome: %v", got)
	}
	for in, msg := range map[string]string{
		"":                          "mancante",
		"31/02/2027":                "«31/02/2027» è una data inesistente",
		"29/02/2027":                "«29/02/2027» è una data inesistente",
		"00/01/2027":                "«00/01/2027» è una data inesistente",
		"01/13/2027":                "«01/13/2027» è una data inesistente",
		"01/01/2027 24:00":          "«01/01/2027 24:00» è una data inesistente",
		"31/03/27":                  "«31/03/27» ha l'anno a due cifre: scrivere gg/mm/aaaa",
		"2026":                      "«2026» non è una data: scrivere gg/mm/aaaa",
		"domani":                    "«domani» non è una data: scrivere gg/mm/aaaa",
		"3000000":                   "«3000000» non è una data: scrivere gg/mm/aaaa",
		"2027-03-31T08:00:00+99:99": "«2027-03-31T08:00:00+99:99» ha un fuso orario non valido",
	} {
		got, err := ParseScadenza(in)
		if err == nil || err.Error() != msg {
			t.Errorf("ParseScadenza(%q) = %v, %v; want error %q", in, got, err, msg)
		}
	}
}

func TestParseSiNo(t *testing.T) {
	for _, in := range []string{"sì", "SI", "Si", "s", "yes", "Y", "true", "TRUE", "vero", "VERO", "1", "x", " X "} {
		if v, set, err := ParseSiNo(in); !v || !set || err != nil {
			t.Errorf("ParseSiNo(%q) = %v, %v, %v", in, v, set, err)
		}
	}
	for _, in := range []string{"no", "NO", "n", "false", "FALSE", "falso", "0"} {
		if v, set, err := ParseSiNo(in); v || !set || err != nil {
			t.Errorf("ParseSiNo(%q) = %v, %v, %v", in, v, set, err)
		}
	}
	if v, set, err := ParseSiNo("  "); v || set || err != nil {
		t.Errorf("empty: %v %v %v", v, set, err)
	}
	if _, _, err := ParseSiNo("forse"); err == nil || err.Error() != "«forse» non valido: scrivere sì o no" {
		t.Errorf("forse: %v", err)
	}
}

func TestChiave(t *testing.T) {
	for in, want := range map[string]string{
		"Codice Fiscale": ColCodiceFiscale, "CODICE_FISCALE": ColCodiceFiscale, "codice  fiscale": ColCodiceFiscale,
		"CF": ColCodiceFiscale, "CodiceFiscale": ColCodiceFiscale, " Importo (€) ": ColImporto, "Importo euro": ColImporto,
		"Somma": ColImporto, "Numero avviso": ColCodiceAvviso, "Avviso": ColCodiceAvviso, "Data di scadenza": ColScadenza,
		"Paga dopo la scadenza": ColPagaDopoScadenza, "Città": "citta", "Nome": "nome", "€": "",
	} {
		if got := chiave(in); got != want {
			t.Errorf("chiave(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseImporto: no panics; an accepted amount is not negative and
// formats and re-parses to itself.
func FuzzParseImporto(f *testing.F) {
	for _, s := range []string{"1.234,56", "1234.56", "1234", "€ 1,5", "-1", "1.234", "1 234,56", "", "9999999999999999", "\xff", "1.234.567,8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseImporto(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if c < 0 {
			t.Fatalf("ParseImporto(%q) = %d", s, c)
		}
		back, err := ParseImporto(FormattaImporto(c))
		if err != nil || back != c {
			t.Fatalf("ParseImporto(%q) = %d, formatted %q re-parses to %d, %v", s, c, FormattaImporto(c), back, err)
		}
	})
}

// FuzzParseScadenza: no panics; an accepted date has a 4-digit year and
// re-parses to the same instant from its Italian spelling.
func FuzzParseScadenza(f *testing.F) {
	for _, s := range []string{"31/03/2027", "2027-03-31", "46023", "46023.75", "20270331", "31/02/2027", "1/1/2027 8:05", "2027-03-31T08:00:00+01:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseScadenza(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if y := v.UTC().Year(); y < 1 || y > 9999 {
			t.Fatalf("ParseScadenza(%q) = %v", s, v)
		}
		it := v.In(Roma)
		if it.Year() < 1000 {
			return // the Italian spelling needs 4 digits
		}
		back, err := ParseScadenza(it.Format("02/01/2006 15:04:05"))
		if err != nil || !back.Equal(v.Truncate(time.Second)) {
			t.Fatalf("ParseScadenza(%q) = %v; %s re-parses to %v, %v", s, v, it.Format("02/01/2006 15:04:05"), back, err)
		}
	})
}
