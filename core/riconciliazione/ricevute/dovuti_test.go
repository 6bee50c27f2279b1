package ricevute

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// The MyPay import dovuti headers (see tracciatoDovuti).
const (
	intestazioneDovuti12 = "IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;" +
		"civicoPagatore;capPagatore;localitaPagatore;provinciaPagatore;nazionePagatore;mailPagatore;dataEsecuzionePagamento;" +
		"importoDovuto;commissioneCaricoPa;tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;azione"
	intestazioneDovuti13 = "IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;" +
		"civicoPagatore;capPagatore;localitaPagatore;provinciaPagatore;nazionePagatore;mailPagatore;dataEsecuzionePagamento;" +
		"importoDovuto;commissioneCaricoPa;tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;flgGeneraIuv;azione"
)

const rigaDovuto12 = "TARI-2024-000001;01000000000000144;F;rssmra85t10a562s;Mario Rossi;Via Roma;10;35100;Padova;PD;IT;" +
	"mario.rossi@example.it;2024-05-31;150.00;1.50;TARI;ALL;TARI 2024 acconto;9/0101100IM;" +
	"<bilancio><capitolo><codCapitolo>1010</codCapitolo><accertamento><importo>150.00</importo></accertamento></capitolo></bilancio>;I"

func dovutoAtteso() Dovuto {
	return Dovuto{
		IUD: "TARI-2024-000001", IUV: "01000000000000144",
		Pagatore: Soggetto{Tipo: "F", Codice: "RSSMRA85T10A562S", Nome: "Mario Rossi", Indirizzo: "Via Roma", Civico: "10", CAP: "35100",
			Localita: "Padova", Provincia: "PD", Nazione: "IT", Email: "mario.rossi@example.it"},
		DataScadenza: giorno("2024-05-31"), Importo: 15000, Commissione: 150, ConCommissione: true, TipoDovuto: "TARI",
		TipoVersamento: "ALL", Causale: "TARI 2024 acconto", DatiSpecifici: "9/0101100IM",
		Bilancio: []VoceBilancio{{Capitolo: "1010", Importo: 15000}}, Azione: "I",
	}
}

func leggiDovuti(csv string) ([]Dovuto, Testata, error) {
	var out []Dovuto
	testa, err := LeggiDovuti(strings.NewReader(csv), func(d Dovuto) error { out = append(out, d); return nil })
	return out, testa, err
}

func TestLeggiDovuti(t *testing.T) {
	// 1.2, plus a legal entity, an anonymous debtor and a minimal row.
	csv := intestazioneDovuti12 + "\r\n" + rigaDovuto12 + "\r\n" +
		"IUD2;;G;00743110157;Rossi S.r.l.;;;;;;;;;99.99;;CDS;;Multa;;;M\n" +
		"IUD3;RF45W9;F;ANONIMO;Anonimo;;;;;;;;;0.01;;CDS;;Oblazione;;;A\n"
	got, testa, err := leggiDovuti(csv)
	if err != nil {
		t.Fatal(err)
	}
	want := []Dovuto{dovutoAtteso(),
		{IUD: "IUD2", Pagatore: Soggetto{Tipo: "G", Codice: "00743110157", Nome: "Rossi S.r.l."}, Importo: 9999, TipoDovuto: "CDS", Causale: "Multa", Azione: "M"},
		{IUD: "IUD3", IUV: "RF45W9", Pagatore: Soggetto{Tipo: "F", Codice: "ANONIMO", Nome: "Anonimo"}, Importo: 1, TipoDovuto: "CDS", Causale: "Oblazione", Azione: "A"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if testa.Versione != "1.2" || testa.Righe != 3 || testa.Totale != 15000+9999+1 {
		t.Fatalf("%+v", testa)
	}

	// 1.3 adds flgGeneraIuv; MyPay's own files call two columns otherwise.
	h13 := strings.Replace(strings.Replace(intestazioneDovuti13, "dataEsecuzionePagamento", "dataScadenzaPagamento", 1), "importoDovuto", "importoDovutoPagato", 1)
	riga13 := strings.TrimSuffix(rigaDovuto12, ";I") + ";true;I"
	got, testa, err = leggiDovuti(h13 + "\n" + riga13 + "\n")
	want13 := dovutoAtteso()
	want13.GeneraIUV = true
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], want13) || testa.Versione != "1.3" {
		t.Fatalf("%+v %+v %v", got, testa, err)
	}
}

// cfLuogoIgnoto is a code correct but for a birthplace not in the bundled
// data.
func cfLuogoIgnoto(t *testing.T) string {
	const primi15 = "RSSMRA85T10Z999"
	c, ok := anagrafe.CarattereControllo(primi15)
	cf := primi15 + string(c)
	if err := anagrafe.ValidaCodiceFiscale(cf); !ok || !errors.Is(err, anagrafe.MotivoLuogo) {
		t.Fatalf("%s: %v", cf, err)
	}
	return cf
}

func TestLeggiDovutiCasi(t *testing.T) {
	campi := strings.Split(rigaDovuto12, ";")
	nomi := strings.Split(intestazioneDovuti12, ";")
	riga := func(mod map[string]string) string {
		c := append([]string(nil), campi...)
		for k, v := range mod {
			i := -1
			for j, n := range nomi {
				if n == k {
					i = j
				}
			}
			if i < 0 {
				t.Fatalf("no column %s", k)
			}
			c[i] = v
		}
		return intestazioneDovuti12 + "\n" + strings.Join(c, ";") + "\n"
	}
	casi := []struct {
		nome    string
		csv     string
		errore  string
		formato bool
	}{
		{"valido", riga(nil), "", false},
		{"codice fiscale errato", riga(map[string]string{"codiceIdentificativoUnivoco": "RSSMRA85T10A562T"}),
			"riga 2 / elemento codiceIdentificativoUnivoco: codice fiscale o partita IVA non valido: carattere di controllo errato: atteso S, trovato T", false},
		{"partita IVA errata", riga(map[string]string{"tipoIdentificativoUnivoco": "G", "codiceIdentificativoUnivoco": "00743110158"}),
			"codice fiscale o partita IVA non valido: cifra di controllo errata: attesa 7, trovata 8", false},
		{"codice troppo corto", riga(map[string]string{"codiceIdentificativoUnivoco": "RSSMRA85"}),
			"codice fiscale o partita IVA non valido: lunghezza 8", false},
		{"anonimo persona giuridica", riga(map[string]string{"tipoIdentificativoUnivoco": "G", "codiceIdentificativoUnivoco": "ANONIMO"}),
			"elemento codiceIdentificativoUnivoco: codice fiscale o partita IVA non valido", false},
		{"luogo di nascita non in archivio", riga(map[string]string{"codiceIdentificativoUnivoco": cfLuogoIgnoto(t)}), "", false},
		{"IUD 000", riga(map[string]string{"IUD": "000123"}), "elemento IUD: lo IUD non può iniziare con 000", false},
		{"IUD mancante", riga(map[string]string{"IUD": ""}), "elemento IUD: valore obbligatorio mancante", false},
		{"IUV di 16 cifre", riga(map[string]string{"codIuv": "0100000000000014"}),
			`elemento codIuv: IUV "0100000000000014" non valido: attese 15 o 17 cifre, o un riferimento RF (ISO 11649)`, false},
		{"importo zero", riga(map[string]string{"importoDovuto": "0.00"}),
			"elemento importoDovuto: importo 0.00 non ammesso: deve essere maggiore di zero", false},
		{"importo oltre il massimo", riga(map[string]string{"importoDovuto": "1000000000.00"}),
			"importo 1000000000.00 troppo grande (massimo 999999999.99)", false},
		{"commissione negativa", riga(map[string]string{"commissioneCaricoPa": "-1"}),
			"elemento commissioneCaricoPa: importo -1 non ammesso", false},
		{"email", riga(map[string]string{"mailPagatore": "mario.rossi@"}), "elemento mailPagatore: indirizzo e-mail non valido: ", false},
		{"provincia", riga(map[string]string{"provinciaPagatore": "Padova"}), "elemento provinciaPagatore: lungo 6 caratteri, massimo 2", false},
		{"provincia minuscola", riga(map[string]string{"provinciaPagatore": "pd"}), `provincia "pd" non valida: attese due lettere maiuscole (es. MI)`, false},
		{"dati specifici", riga(map[string]string{"datiSpecificiRiscossione": "5/X"}),
			`elemento datiSpecificiRiscossione: "5/X" non valido: formato <tipo>/<codice>, tipo 0, 1, 2 o 9`, false},
		{"dati specifici con spazi", riga(map[string]string{"datiSpecificiRiscossione": "9/0101 100"}), "elemento datiSpecificiRiscossione", false},
		{"bilancio che non torna", riga(map[string]string{"importoDovuto": "151.00"}),
			"elemento bilancio: la somma degli importi del bilancio (150.00) è diversa dall'importo dovuto (151.00)", false},
		{"azione", riga(map[string]string{"azione": "X"}), `elemento azione: valore "X" non ammesso: valori validi I, M, A`, false},
		{"azione minuscola", riga(map[string]string{"azione": "m"}), "", false},
		{"data scadenza", riga(map[string]string{"dataEsecuzionePagamento": "31/05/2024"}),
			`elemento dataEsecuzionePagamento: data "31/05/2024" non valida: formato atteso 2024-01-15`, false},
		{"anagrafica mancante", riga(map[string]string{"anagraficaPagatore": " "}), "elemento anagraficaPagatore: valore obbligatorio mancante", false},
		{"tipo dovuto troppo lungo", riga(map[string]string{"tipoDovuto": strings.Repeat("T", 65)}), "elemento tipoDovuto: lungo 65 caratteri, massimo 64", false},
		{"1.3 senza flag", intestazioneDovuti13 + "\n" + strings.TrimSuffix(rigaDovuto12, ";I") + ";;I\n",
			"elemento flgGeneraIuv: valore obbligatorio mancante", false},
		{"1.3 flag sbagliato", intestazioneDovuti13 + "\n" + strings.TrimSuffix(rigaDovuto12, ";I") + ";SI;I\n",
			`elemento flgGeneraIuv: valore "SI" non valido: atteso TRUE o FALSE`, false},
		{"1.4 multibeneficiario", strings.Replace(intestazioneDovuti13, ";azione", ";flgMultibeneficiario;azione", 1) + "\n",
			"riga 1 / elemento flgMultibeneficiario: colonna non prevista dal tracciato import dovuti MyPay 1.2/1.3", false},
		{"colonna mancante", strings.Replace(intestazioneDovuti12, "tipoVersamento;", "", 1) + "\n",
			"riga 1 / elemento tipoVersamento: colonna mancante nell'intestazione", false},
		{"pagati al posto dei dovuti", intestazionePagati12 + "\n", "", true},
		{"riga corta", riga(nil) + "IUD9;;F\n", "riga 3: la riga ha 3 campi, l'intestazione 21", false},
		{"vuoto", "", "il file è vuoto", false},
	}
	if len(casi) < 30 {
		t.Fatalf("%d cases", len(casi))
	}
	for _, c := range casi {
		t.Run(c.nome, func(t *testing.T) {
			chiamate := 0
			_, err := LeggiDovuti(strings.NewReader(c.csv), func(Dovuto) error { chiamate++; return nil })
			switch {
			case c.formato:
				if !errors.Is(err, tracciato.ErrFormato) {
					t.Fatalf("err = %v, want ErrFormato", err)
				}
			case c.errore == "":
				if err != nil || chiamate != 1 {
					t.Fatalf("%d rows, err %v", chiamate, err)
				}
			default:
				var errs tracciato.Errori
				if !errors.As(err, &errs) || !strings.Contains(err.Error(), c.errore) {
					t.Fatalf("err =\n%v\nwant a line with\n%s", err, c.errore)
				}
				if chiamate != 0 && !strings.HasPrefix(c.nome, "riga corta") {
					t.Fatalf("%d rows passed on error", chiamate)
				}
			}
		})
	}
}

// scriviDovuti writes dovuti in layout 1.3 with the reader's own columns
// (there is no public writer: the ente sends these files, we only read
// them).
func scriviDovuti(t testing.TB, dovuti []Dovuto) string {
	t.Helper()
	var b bytes.Buffer
	s := nuovoScrittore(&b, tracciatoDovuti)
	for i := range dovuti {
		if err := s.scrivi(&dovuti[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.chiudi(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func FuzzLeggiDovuti(f *testing.F) {
	f.Add(intestazioneDovuti12 + "\r\n" + rigaDovuto12 + "\r\n")
	f.Add(intestazioneDovuti13 + "\n" + strings.TrimSuffix(rigaDovuto12, ";I") + ";FALSE;M\n" +
		"IUD2;;G;00743110157;\"Rossi; S.r.l.\";;;;;;;;;99.99;;CDS;;Multa;;;false;A\n")
	f.Add(scriviDovuti(f, []Dovuto{dovutoAtteso()}))
	f.Fuzz(func(t *testing.T, csv string) {
		letti, testa, err := leggiDovuti(csv)
		if err != nil {
			var errs tracciato.Errori
			if !errors.Is(err, tracciato.ErrFormato) && (!errors.As(err, &errs) || len(errs) == 0 || len(errs) > tracciato.MaxErrori) {
				t.Fatalf("unexpected error %T %v", err, err)
			}
			return
		}
		if len(letti) != testa.Righe {
			t.Fatalf("%d rows passed, testata says %d", len(letti), testa.Righe)
		}
		back, testa2, err := leggiDovuti(scriviDovuti(t, letti))
		if err != nil || testa2.Totale != testa.Totale {
			t.Fatalf("rewritten file: %+v %v", testa2, err)
		}
		if testa.Versione == "1.2" { // 1.2 has no flag: false, as written back
			for i := range back {
				back[i].GeneraIUV = false
			}
		}
		if !reflect.DeepEqual(back, letti) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, letti)
		}
	})
}
