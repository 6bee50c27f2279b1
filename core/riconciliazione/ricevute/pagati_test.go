package ricevute

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// intestazionePagati12 is the header of the MyPay export pagati, tracciato
// 1.2 (see tracciatoPagati for the sources).
const intestazionePagati12 = "IUF;numRigaFlusso;codIud;codIuv;versioneOggetto;identificativoDominio;identificativoStazioneRichiedente;" +
	"identificativoMessaggioRicevuta;dataOraMessaggioRicevuta;riferimentoMessaggioRichiesta;riferimentoDataRichiesta;" +
	"tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;denominazioneAttestante;codiceUnitOperAttestante;denomUnitOperAttestante;" +
	"indirizzoAttestante;civicoAttestante;capAttestante;localitaAttestante;provinciaAttestante;nazioneAttestante;" +
	"enteBenefTipoIdentificativoUnivoco;enteBenefCodiceIdentificativoUnivoco;denominazioneBeneficiario;codiceUnitOperBeneficiario;" +
	"denomUnitOperBeneficiario;indirizzoBeneficiario;civicoBeneficiario;capBeneficiario;localitaBeneficiario;provinciaBeneficiario;" +
	"nazioneBeneficiario;soggVersTipoIdentificativoUnivoco;soggVersCodiceIdentificativoUnivoco;anagraficaVersante;indirizzoVersante;" +
	"civicoVersante;capVersante;localitaVersante;provinciaVersante;nazioneVersante;emailVersante;soggPagTipoIdentificativoUnivoco;" +
	"soggPagCodiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;civicoPagatore;capPagatore;localitaPagatore;" +
	"provinciaPagatore;nazionePagatore;emailPagatore;codiceEsitoPagamento;importoTotalePagato;identificativoUnivocoVersamento;" +
	"codiceContestoPagamento;singoloImportoPagato;esitoSingoloPagamento;dataEsitoSingoloPagamento;identificativoUnivocoRiscoss;" +
	"causaleVersamento;datiSpecificiRiscossione;tipoDovuto;tipoFirma;rt;indiceDatiSingoloPagamento;" +
	"numRtDatiPagDatiSingPagCommissioniApplicatePsp;codRtDatiPagDatiSingPagAllegatoRicevutaTipo;" +
	"blbRtDatiPagDatiSingPagAllegatoRicevutaTest;bilancio"

func pagatoEsempio(i int) Pagato {
	return Pagato{
		IUF: "2024-01-16ABI03069-S000000001", NumRigaFlusso: i + 1, IUD: "TARI-2024-" + string(rune('A'+i%26)), CodIUV: "01000000000000144",
		VersioneOggetto: "6.2.0", Dominio: "80012345678", Stazione: "80012345678_01", IDRicevuta: "4f1e0c7a9b2d4e6f",
		DataOraRicevuta: giorno("2024-01-15T10:30:00"), RifRichiesta: "RIF1", DataRichiesta: giorno("2024-01-15"),
		Attestante:     Soggetto{Tipo: "B", Codice: "BPPIITRRXXX", Nome: "Poste Italiane", CodiceUnitOper: "U1", DenomUnitOper: "Ufficio 1", Nazione: "IT"},
		Beneficiario:   Soggetto{Tipo: "G", Codice: "80012345678", Nome: "Comune di Prova", Indirizzo: "Piazza Municipio", Civico: "1", CAP: "35100", Localita: "Prova", Provincia: "PD", Nazione: "IT"},
		Versante:       Soggetto{Tipo: "F", Codice: "VRDLGU80A01H501Q", Nome: "Luigi Verdi", Email: "luigi@example.it"},
		Pagatore:       Soggetto{Tipo: "F", Codice: "RSSMRA85T10A562S", Nome: "Mario Rossi; \"il Grande\"", Indirizzo: "Via Roma", Civico: "10/A", CAP: "35100", Localita: "Prova", Provincia: "PD", Nazione: "IT", Email: "mario.rossi@example.it"},
		EsitoPagamento: "0", ImportoTotale: 15000, IUV: "01000000000000144", CCP: "n/a", Importo: 10000, EsitoSingolo: "ESEGUITO",
		DataEsito: giorno("2024-01-15"), IUR: "4f1e0c7a9b2d4e6f8a0b1c2d3e4f5a6b", Causale: "/RFB/01000000000000144/150.00/TXT/TARI 2024 acconto",
		DatiSpecifici: "9/0101100IM/", TipoDovuto: "TARI", TipoFirma: "0", RT: "PFJUPjwvUlQ+", Indice: 1, Commissione: 150, ConCommissione: true,
		TipoAllegato: "ES", Allegato: "QUxMRUdBVE8=",
		Bilancio: []VoceBilancio{{"1010", "TRIB", "2024/1", 7000}, {"1010", "TRIB", "", 2000}, {"2020", "", "", 1000}},
	}
}

func scrivi(t testing.TB, pagati ...Pagato) string {
	t.Helper()
	var b bytes.Buffer
	if err := ScriviPagati(&b, slices.Values(pagati)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func leggiTutti(csv string) ([]Pagato, Testata, error) {
	var out []Pagato
	testa, err := LeggiPagati(strings.NewReader(csv), func(p Pagato) error { out = append(out, p); return nil })
	return out, testa, err
}

func TestPagatiRoundTrip(t *testing.T) {
	minimo := Pagato{IUD: "1", CodIUV: "01000000000000144", Dominio: "80012345678", IDRicevuta: "R", DataOraRicevuta: giorno("2024-02-29T23:59:59"),
		Attestante: Soggetto{Codice: "ABI03069", Nome: "Banca"}, Beneficiario: Soggetto{Nome: "Comune"},
		Pagatore: Soggetto{Tipo: "G", Codice: "ANONIMO", Nome: "Anonimo"}, EsitoPagamento: "0", ImportoTotale: 0, IUV: "01000000000000144",
		Importo: 0, Causale: "x", Indice: 5}
	want := []Pagato{pagatoEsempio(0), pagatoEsempio(1), minimo}
	csv := scrivi(t, want...)
	if riga, _, _ := strings.Cut(csv, "\r\n"); riga != intestazionePagati12 {
		t.Fatalf("header\n%s\nwant\n%s", riga, intestazionePagati12)
	}
	if n := strings.Count(intestazionePagati12, ";") + 1; n != 71 {
		t.Fatalf("%d columns", n)
	}
	got, testa, err := leggiTutti(csv)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if testa.Versione != "1.2" || testa.Righe != 3 || testa.Totale != 20000 || testa.ColonneIgnorate != nil {
		t.Fatalf("testata %+v", testa)
	}
}

func TestScrittorePagati(t *testing.T) {
	var b bytes.Buffer
	s := NuovoScrittorePagati(&b)
	cattivo := pagatoEsempio(0)
	cattivo.IUD = ""
	cattivo.Bilancio[0].Importo++
	err := s.Scrivi(cattivo)
	want := "riga 2 / elemento codIud: valore obbligatorio mancante"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if err := s.Scrivi(pagatoEsempio(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Chiudi(); err != nil {
		t.Fatal(err)
	}
	if got, _, err := leggiTutti(b.String()); err != nil || len(got) != 1 || got[0].IUD != pagatoEsempio(1).IUD {
		t.Fatalf("%+v %v", got, err)
	}

	// An empty export is the header alone, and reads back as no rows.
	b.Reset()
	if err := ScriviPagati(&b, slices.Values([]Pagato(nil))); err != nil || b.String() != intestazionePagati12+"\r\n" {
		t.Fatalf("%q %v", b.String(), err)
	}
	if got, testa, err := leggiTutti(b.String()); err != nil || got != nil || testa.Righe != 0 {
		t.Fatalf("%+v %+v %v", got, testa, err)
	}
}

// modifica rewrites the cells of the one data row of csv, by column name.
func modifica(t *testing.T, csv string, valori map[string]string) string {
	t.Helper()
	righe := strings.Split(strings.TrimSuffix(csv, "\r\n"), "\r\n")
	nomi := strings.Split(righe[0], ";")
	celle := strings.Split(righe[1], ";")
	if len(celle) != len(nomi) {
		t.Fatalf("sample row has separators inside fields")
	}
	for k, v := range valori {
		i := slices.Index(nomi, k)
		if i < 0 {
			t.Fatalf("no column %s", k)
		}
		celle[i] = v
	}
	return righe[0] + "\r\n" + strings.Join(celle, ";") + "\r\n"
}

func TestLeggiPagatiCasi(t *testing.T) {
	p := pagatoEsempio(0)
	p.Pagatore.Nome = "Mario Rossi"
	base := scrivi(t, p)
	testa, corpo, _ := strings.Cut(strings.TrimSuffix(base, "\r\n"), "\r\n")
	casi := []struct {
		nome    string
		csv     string
		errore  string // "" valid
		formato bool
	}{
		{"valido", base, "", false},
		{"importo con virgola", modifica(t, base, map[string]string{"singoloImportoPagato": "100,00"}), "", false},
		{"importo senza decimali", modifica(t, base, map[string]string{"singoloImportoPagato": "100"}), "", false},
		{"spazi attorno ai valori", modifica(t, base, map[string]string{"codIud": "  TARI-2024-A "}), "", false},
		{"virgolette non chiuse in testo", modifica(t, base, map[string]string{"causaleVersamento": `TARI "2024" acconto`}), "", false},
		{"IUD mancante", modifica(t, base, map[string]string{"codIud": ""}),
			"riga 2 / elemento codIud: valore obbligatorio mancante", false},
		{"data ora senza secondi", modifica(t, base, map[string]string{"dataOraMessaggioRicevuta": "2024-01-15T10:30"}),
			`riga 2 / elemento dataOraMessaggioRicevuta: data "2024-01-15T10:30" non valida: formato atteso 2024-01-15T10:30:00`, false},
		{"data italiana", modifica(t, base, map[string]string{"dataEsitoSingoloPagamento": "15/01/2024"}),
			`elemento dataEsitoSingoloPagamento: data "15/01/2024" non valida: formato atteso 2024-01-15`, false},
		{"data dell'anno 1", modifica(t, base, map[string]string{"dataOraMessaggioRicevuta": "0001-01-01T00:00:00"}),
			`elemento dataOraMessaggioRicevuta: data "0001-01-01T00:00:00" fuori intervallo (anni 1900-2999)`, false},
		{"data impossibile", modifica(t, base, map[string]string{"dataEsitoSingoloPagamento": "2023-02-29"}),
			`data "2023-02-29" non valida`, false},
		{"importo non numerico", modifica(t, base, map[string]string{"importoTotalePagato": "150 euro"}),
			`elemento importoTotalePagato: importo "150 euro" non valido: atteso un numero con al più due decimali, come 150.00`, false},
		{"importo negativo", modifica(t, base, map[string]string{"singoloImportoPagato": "-1.00"}),
			"elemento singoloImportoPagato: importo -1.00 non ammesso: deve essere maggiore di zero", false},
		{"importo a tre decimali", modifica(t, base, map[string]string{"singoloImportoPagato": "1.000"}),
			`importo "1.000" non valido`, false},
		{"singolo oltre il totale", modifica(t, base, map[string]string{"singoloImportoPagato": "150.01"}),
			"elemento singoloImportoPagato: l'importo del singolo pagamento (150.01) supera l'importo totale pagato (150.00)", false},
		{"indice 6", modifica(t, base, map[string]string{"indiceDatiSingoloPagamento": "6"}),
			`elemento indiceDatiSingoloPagamento: valore "6" non valido: atteso un numero intero da 1 a 5`, false},
		{"indice con segno", modifica(t, base, map[string]string{"indiceDatiSingoloPagamento": "+1"}),
			`valore "+1" non valido`, false},
		{"tipo soggetto", modifica(t, base, map[string]string{"soggPagTipoIdentificativoUnivoco": "X"}),
			`elemento soggPagTipoIdentificativoUnivoco: valore "X" non ammesso: valori validi F, G`, false},
		{"tipo soggetto minuscolo", modifica(t, base, map[string]string{"soggPagTipoIdentificativoUnivoco": "f"}), "", false},
		{"esito", modifica(t, base, map[string]string{"codiceEsitoPagamento": "9"}),
			`elemento codiceEsitoPagamento: valore "9" non ammesso`, false},
		{"nazione", modifica(t, base, map[string]string{"nazionePagatore": "ITA"}),
			"elemento nazionePagatore: lungo 3 caratteri, massimo 2", false},
		{"nazione minuscola", modifica(t, base, map[string]string{"nazionePagatore": "it"}),
			`elemento nazionePagatore: nazione "it" non valida: attese due lettere maiuscole (es. IT)`, false},
		{"versante senza tipo", modifica(t, base, map[string]string{"soggVersTipoIdentificativoUnivoco": ""}),
			"elemento soggVersCodiceIdentificativoUnivoco: tipo e codice identificativo vanno indicati insieme", false},
		{"IUD troppo lungo", modifica(t, base, map[string]string{"codIud": strings.Repeat("X", 36)}),
			"elemento codIud: lungo 36 caratteri, massimo 35", false},
		{"carattere di controllo", modifica(t, base, map[string]string{"causaleVersamento": "TARI\x01"}),
			"elemento causaleVersamento: carattere di controllo U+0001 non ammesso", false},
		{"non UTF-8", modifica(t, base, map[string]string{"anagraficaPagatore": "Nicol\xf2"}),
			"elemento anagraficaPagatore: testo non in UTF-8: salvare il file con codifica UTF-8", false},
		{"bilancio malformato", modifica(t, base, map[string]string{"bilancio": "<bilancio><capitolo>"}),
			"elemento bilancio: bilancio non valido: XML syntax error", false},
		{"bilancio che non torna", modifica(t, base, map[string]string{"bilancio": scriviBilancio([]VoceBilancio{{Capitolo: "1", Importo: 9999}})}),
			"elemento bilancio: la somma degli importi del bilancio (99.99) è diversa dall'importo pagato (100.00)", false},
		{"allegato di tipo sconosciuto", modifica(t, base, map[string]string{"codRtDatiPagDatiSingPagAllegatoRicevutaTipo": "XX"}),
			`valore "XX" non ammesso: valori validi ES, BD`, false},
		{"campi in meno", base + "1;2;3\r\n", "riga 3: la riga ha 3 campi, l'intestazione 71", false},
		{"intestazione minuscola con BOM", "\ufeff" + strings.ToLower(base[:len(intestazionePagati12)]) + base[len(intestazionePagati12):], "", false},
		{"colonna mancante", strings.Replace(base, "tipoFirma;", "", 1), "riga 1 / elemento tipoFirma: colonna mancante nell'intestazione", false},
		{"colonna ripetuta", strings.Replace(base, "tipoFirma;", "rt;", 1), "riga 1 / elemento rt: colonna ripetuta nell'intestazione", false},
		{"colonna sconosciuta", strings.Replace(base, "tipoFirma;", "firma;", 1), "riga 1 / elemento firma: colonna non prevista dal tracciato export pagati MyPay 1.2", false},
		{"punto e virgola in coda", strings.ReplaceAll(base, "\r\n", ";\r\n"), "", false},
		{"valore in coda senza intestazione", testa + ";\r\n" + corpo + ";x\r\n",
			"riga 2 / elemento colonna 72: valore in una colonna senza intestazione", false},
		{"altro CSV", "data;importo;descrizione\r\n2024-01-01;1;x\r\n", "", true},
		{"dovuti al posto dei pagati", intestazioneDovuti12 + "\r\n", "", true},
		{"vuoto", "", "il file è vuoto", false},
		{"virgolette non chiuse a fine file", base + `"` + "\r\n", "riga 3: la riga ha 1 campi, l'intestazione 71", false},
	}
	if len(casi) < 30 {
		t.Fatalf("%d cases", len(casi))
	}
	for _, c := range casi {
		t.Run(c.nome, func(t *testing.T) {
			chiamate := 0
			_, err := LeggiPagati(strings.NewReader(c.csv), func(Pagato) error { chiamate++; return nil })
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
			}
		})
	}
}

func TestLeggiPagatiVersione13(t *testing.T) {
	csv := scrivi(t, pagatoEsempio(0))
	righe := strings.SplitN(csv, "\r\n", 2)
	csv = righe[0] + ";cod_fiscale_pa1;de_nome_pa1;cod_tassonomico_dovuto_pa1\r\n" + strings.TrimSuffix(righe[1], "\r\n") + ";80012345678;Comune;9/0101100IM/\r\n"
	got, testa, err := leggiTutti(csv)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], pagatoEsempio(0)) {
		t.Fatalf("%+v %v", got, err)
	}
	if !reflect.DeepEqual(testa.ColonneIgnorate, []string{"cod_fiscale_pa1", "de_nome_pa1", "cod_tassonomico_dovuto_pa1"}) {
		t.Fatalf("%+v", testa)
	}
}

// After the first bad row nothing more reaches the callback, but the whole
// file is still checked.
func TestLeggiPagatiNonConsegnaDopoErrore(t *testing.T) {
	buono := pagatoEsempio(0)
	cattivo := pagatoEsempio(1)
	csv := scrivi(t, buono, cattivo, buono)
	csv = strings.Replace(csv, cattivo.IUD+";", ";", 1)
	csv += strings.Replace(strings.SplitN(csv, "\r\n", 3)[1], "2024-01-15T10:30:00", "ieri", 1) + "\r\n"
	chiamate := 0
	testa, err := LeggiPagati(strings.NewReader(csv), func(Pagato) error { chiamate++; return nil })
	want := "riga 3 / elemento codIud: valore obbligatorio mancante\n" +
		`riga 5 / elemento dataOraMessaggioRicevuta: data "ieri" non valida: formato atteso 2024-01-15T10:30:00`
	if err == nil || err.Error() != want || chiamate != 1 || testa.Righe != 4 {
		t.Fatalf("%d rows passed, %+v, err\n%v", chiamate, testa, err)
	}
}

func TestLeggiPagatiErroreCallback(t *testing.T) {
	stop := errors.New("disco pieno")
	csv := scrivi(t, pagatoEsempio(0), pagatoEsempio(1))
	chiamate := 0
	_, err := LeggiPagati(strings.NewReader(csv), func(Pagato) error { chiamate++; return stop })
	if err != stop || chiamate != 1 {
		t.Fatalf("%v after %d", err, chiamate)
	}
}

func TestLeggiPagatiMassimoErrori(t *testing.T) {
	p := pagatoEsempio(0)
	p.Pagatore.Nome = "Mario Rossi"
	riga := strings.SplitN(modifica(t, scrivi(t, p), map[string]string{"codIud": ""}), "\r\n", 2)
	csv := riga[0] + "\r\n" + strings.Repeat(riga[1], 3*tracciato.MaxErrori)
	_, err := LeggiPagati(strings.NewReader(csv), func(Pagato) error { return nil })
	var errs tracciato.Errori
	if !errors.As(err, &errs) || len(errs) != tracciato.MaxErrori {
		t.Fatalf("%d errors", len(errs))
	}
}

// The reader streams: a file far larger than what is kept in memory goes
// through a pipe, row by row.
func TestLeggiPagatiStreaming(t *testing.T) {
	const n = 3000
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(ScriviPagati(pw, func(yield func(Pagato) bool) {
			for i := range n {
				if !yield(pagatoEsempio(i)) {
					return
				}
			}
		}))
	}()
	righe := 0
	testa, err := LeggiPagati(pr, func(p Pagato) error {
		if p.NumRigaFlusso != righe+1 {
			t.Fatalf("row %d out of order", p.NumRigaFlusso)
		}
		righe++
		return nil
	})
	if err != nil || righe != n || testa.Totale != n*10000 {
		t.Fatalf("%d rows, %+v, %v", righe, testa, err)
	}
}

func FuzzLeggiPagati(f *testing.F) {
	p := pagatoEsempio(0)
	p.Pagatore.Nome = "Mario Rossi"
	f.Add(scrivi(f, pagatoEsempio(0), pagatoEsempio(1)))
	f.Add(scrivi(f, p))
	f.Add(strings.ToLower(intestazionePagati12) + "\n")
	f.Add("IUF;codIud\n1;2\n")
	f.Fuzz(func(t *testing.T, csv string) {
		var letti []Pagato
		testa, err := LeggiPagati(strings.NewReader(csv), func(p Pagato) error { letti = append(letti, p); return nil })
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
		var b bytes.Buffer
		if err := ScriviPagati(&b, slices.Values(letti)); err != nil {
			t.Fatalf("accepted rows refused by the writer: %v", err)
		}
		back, testa2, err := leggiTutti(b.String())
		if err != nil || testa2.Totale != testa.Totale || testa2.Righe != testa.Righe {
			t.Fatalf("rewritten file: %+v %v", testa2, err)
		}
		if !reflect.DeepEqual(back, letti) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, letti)
		}
	})
}
