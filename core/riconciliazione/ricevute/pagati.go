package ricevute

import (
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Pagato is one row of the MyPay "export pagati" (flusso export, tracciato
// 1.2): one transfer (singolo pagamento) of a receipt, with the debt record
// (IUD) it pays and its budget lines.
type Pagato struct {
	IUF             string // reporting flow, when already known
	NumRigaFlusso   int    // 0 if absent
	IUD             string // the ente's debt record (codIud)
	CodIUV          string // IUV of the debt record (codIuv)
	VersioneOggetto string
	Dominio         string    // CF of the ente (identificativoDominio)
	Stazione        string    // identificativoStazioneRichiedente
	IDRicevuta      string    // identificativoMessaggioRicevuta
	DataOraRicevuta time.Time // dataOraMessaggioRicevuta, wall clock as written
	RifRichiesta    string    // riferimentoMessaggioRichiesta
	DataRichiesta   time.Time // riferimentoDataRichiesta; zero if absent
	Attestante      Soggetto  // the PSP
	Beneficiario    Soggetto  // the ente
	Versante        Soggetto  // who paid, if other than the debtor
	Pagatore        Soggetto  // the debtor
	EsitoPagamento  string    // codiceEsitoPagamento: 0 eseguito, 1 non eseguito, 2 parziale, 3 e 4 decorrenza termini
	ImportoTotale   int64     // importoTotalePagato of the receipt, cents
	IUV             string    // identificativoUnivocoVersamento
	CCP             string    // codiceContestoPagamento
	Importo         int64     // singoloImportoPagato, cents
	EsitoSingolo    string
	DataEsito       time.Time // dataEsitoSingoloPagamento; zero if absent
	IUR             string    // identificativoUnivocoRiscoss
	Causale         string
	DatiSpecifici   string // datiSpecificiRiscossione
	TipoDovuto      string
	TipoFirma       string
	RT              string // the receipt itself, base64
	Indice          int    // indiceDatiSingoloPagamento, 1-5
	Commissione     int64  // numRtDatiPagDatiSingPagCommissioniApplicatePsp, cents
	ConCommissione  bool
	TipoAllegato    string // ES esito originario, BD marca da bollo digitale
	Allegato        string // base64
	Bilancio        []VoceBilancio
}

// Column lengths of the MyPivot loader (LOAD_FLUSSI_EXPORT, tracciato 1.2).
const (
	lCodice    = 35
	lNome      = 70
	lCivico    = 16
	lLocalita  = 35
	lNazione   = 2
	lEmail     = 256
	lCausale   = 1024
	lSpecifici = 140
	lTipo      = 64
)

// soggettoP adds the columns of a party; prefix and suffix spell the MyPay
// names (soggPag... anagraficaPagatore, ...Attestante).
// obbl says which of type, code and name are required ("tcn").
func soggettoP(tipo, codice, nome, suffisso string, unitOper, email bool, tipi []string, obbl string, s func(*Pagato) *Soggetto) []campo[Pagato] {
	c := []campo[Pagato]{
		testo(tipo, 1, strings.Contains(obbl, "t"), func(p *Pagato) *string { return &s(p).Tipo }, tipi...),
		testo(codice, lCodice, strings.Contains(obbl, "c"), func(p *Pagato) *string { return &s(p).Codice }),
		testo(nome, lNome, strings.Contains(obbl, "n"), func(p *Pagato) *string { return &s(p).Nome }),
	}
	if unitOper {
		c = append(c,
			testo("codiceUnitOper"+suffisso, lCodice, false, func(p *Pagato) *string { return &s(p).CodiceUnitOper }),
			testo("denomUnitOper"+suffisso, lNome, false, func(p *Pagato) *string { return &s(p).DenomUnitOper }))
	}
	c = append(c,
		testo("indirizzo"+suffisso, lNome, false, func(p *Pagato) *string { return &s(p).Indirizzo }),
		testo("civico"+suffisso, lCivico, false, func(p *Pagato) *string { return &s(p).Civico }),
		testo("cap"+suffisso, lCivico, false, func(p *Pagato) *string { return &s(p).CAP }),
		testo("localita"+suffisso, lLocalita, false, func(p *Pagato) *string { return &s(p).Localita }),
		testo("provincia"+suffisso, lLocalita, false, func(p *Pagato) *string { return &s(p).Provincia }),
		sigla("nazione"+suffisso, "nazione", "IT", func(p *Pagato) *string { return &s(p).Nazione }))
	if email {
		c = append(c, testo("email"+suffisso, lEmail, false, func(p *Pagato) *string { return &s(p).Email }))
	}
	return c
}

// concat joins column lists.
func concat[T any](gruppi ...[]campo[T]) []campo[T] {
	var out []campo[T]
	for _, g := range gruppi {
		out = append(out, g...)
	}
	return out
}

// Export pagati, tracciato 1.2: the column order of the MyPivot loader
// (MANAGE_FLUSSI_EXPORT Load_Flussi_1_2), the names of the MyPay CSV header
// (as bound by the pagoPA Piattaforma Unitaria receipt ingestion, profile
// V1_2); separator ';'.
var tracciatoPagati = &tracciatoCSV[Pagato]{
	nome:     "export pagati MyPay 1.2",
	versione: "1.2",
	// Tracciato 1.3 adds the primary ente of the transfer; the MyPivot
	// loader also knows two broker columns. They are read past.
	ignote: []string{"cod_fiscale_pa1", "de_nome_pa1", "cod_tassonomico_dovuto_pa1", "idIntermediarioPa", "idStazioneIntermediarioPa"},
	campi: concat(
		[]campo[Pagato]{
			testo("IUF", 50, false, func(p *Pagato) *string { return &p.IUF }),
			intero("numRigaFlusso", false, 1, 999999999, func(p *Pagato) *int { return &p.NumRigaFlusso }),
			testo("codIud", lCodice, true, func(p *Pagato) *string { return &p.IUD }),
			testo("codIuv", lCodice, true, func(p *Pagato) *string { return &p.CodIUV }),
			testo("versioneOggetto", 16, false, func(p *Pagato) *string { return &p.VersioneOggetto }),
			testo("identificativoDominio", lCodice, true, func(p *Pagato) *string { return &p.Dominio }),
			testo("identificativoStazioneRichiedente", lCodice, false, func(p *Pagato) *string { return &p.Stazione }),
			testo("identificativoMessaggioRicevuta", lCodice, true, func(p *Pagato) *string { return &p.IDRicevuta }),
			data("dataOraMessaggioRicevuta", true, layoutDataOra, func(p *Pagato) *time.Time { return &p.DataOraRicevuta }),
			testo("riferimentoMessaggioRichiesta", lCodice, false, func(p *Pagato) *string { return &p.RifRichiesta }),
			data("riferimentoDataRichiesta", false, layoutData, func(p *Pagato) *time.Time { return &p.DataRichiesta }),
		},
		soggettoP("tipoIdentificativoUnivoco", "codiceIdentificativoUnivoco", "denominazioneAttestante", "Attestante",
			true, false, []string{"G", "A", "B"}, "cn", func(p *Pagato) *Soggetto { return &p.Attestante }),
		soggettoP("enteBenefTipoIdentificativoUnivoco", "enteBenefCodiceIdentificativoUnivoco", "denominazioneBeneficiario", "Beneficiario",
			true, false, []string{"G"}, "n", func(p *Pagato) *Soggetto { return &p.Beneficiario }),
		soggettoP("soggVersTipoIdentificativoUnivoco", "soggVersCodiceIdentificativoUnivoco", "anagraficaVersante", "Versante",
			false, true, []string{"F", "G"}, "", func(p *Pagato) *Soggetto { return &p.Versante }),
		soggettoP("soggPagTipoIdentificativoUnivoco", "soggPagCodiceIdentificativoUnivoco", "anagraficaPagatore", "Pagatore",
			false, true, []string{"F", "G"}, "tcn", func(p *Pagato) *Soggetto { return &p.Pagatore }),
		[]campo[Pagato]{
			testo("codiceEsitoPagamento", 1, true, func(p *Pagato) *string { return &p.EsitoPagamento }, "0", "1", "2", "3", "4"),
			importo("importoTotalePagato", true, false, func(p *Pagato) *int64 { return &p.ImportoTotale }, nil),
			testo("identificativoUnivocoVersamento", lCodice, true, func(p *Pagato) *string { return &p.IUV }),
			testo("codiceContestoPagamento", lCodice, false, func(p *Pagato) *string { return &p.CCP }),
			importo("singoloImportoPagato", true, false, func(p *Pagato) *int64 { return &p.Importo }, nil),
			testo("esitoSingoloPagamento", lCodice, false, func(p *Pagato) *string { return &p.EsitoSingolo }),
			data("dataEsitoSingoloPagamento", false, layoutData, func(p *Pagato) *time.Time { return &p.DataEsito }),
			testo("identificativoUnivocoRiscoss", lCodice, false, func(p *Pagato) *string { return &p.IUR }),
			testo("causaleVersamento", lCausale, true, func(p *Pagato) *string { return &p.Causale }),
			testo("datiSpecificiRiscossione", lSpecifici, false, func(p *Pagato) *string { return &p.DatiSpecifici }),
			testo("tipoDovuto", lTipo, false, func(p *Pagato) *string { return &p.TipoDovuto }),
			testo("tipoFirma", 15, false, func(p *Pagato) *string { return &p.TipoFirma }),
			testo("rt", 0, false, func(p *Pagato) *string { return &p.RT }),
			intero("indiceDatiSingoloPagamento", true, 1, 5, func(p *Pagato) *int { return &p.Indice }),
			importo("numRtDatiPagDatiSingPagCommissioniApplicatePsp", false, false,
				func(p *Pagato) *int64 { return &p.Commissione }, func(p *Pagato) *bool { return &p.ConCommissione }),
			testo("codRtDatiPagDatiSingPagAllegatoRicevutaTipo", 2, false, func(p *Pagato) *string { return &p.TipoAllegato }, "ES", "BD"),
			testo("blbRtDatiPagDatiSingPagAllegatoRicevutaTest", 0, false, func(p *Pagato) *string { return &p.Allegato }),
			bilancio("bilancio", func(p *Pagato) *[]VoceBilancio { return &p.Bilancio }),
		}),
	verifica: func(p *Pagato, errore func(colonna, motivo string)) {
		if p.Importo > p.ImportoTotale {
			errore("singoloImportoPagato", fmt.Sprintf("l'importo del singolo pagamento (%s) supera l'importo totale pagato (%s)",
				tracciato.Euro(p.Importo), tracciato.Euro(p.ImportoTotale)))
		}
		if p.Bilancio != nil && sommaBilancio(p.Bilancio) != p.Importo {
			errore("bilancio", fmt.Sprintf("la somma degli importi del bilancio (%s) è diversa dall'importo pagato (%s)",
				tracciato.Euro(sommaBilancio(p.Bilancio)), tracciato.Euro(p.Importo)))
		}
		for _, s := range []struct {
			colonna string
			s       *Soggetto
		}{{"enteBenefCodiceIdentificativoUnivoco", &p.Beneficiario}, {"soggVersCodiceIdentificativoUnivoco", &p.Versante}} {
			if (s.s.Tipo == "") != (s.s.Codice == "") {
				errore(s.colonna, "tipo e codice identificativo vanno indicati insieme")
			}
		}
	},
	importo: func(p *Pagato) int64 { return p.Importo },
}

// LeggiPagati reads a MyPay export pagati CSV (tracciato 1.2; the columns
// 1.3 adds are read past, see Testata.ColonneIgnorate) and calls fn for
// each row. A file with the header alone has no rows and no error. Rows are
// handed over only while the file has shown no error: on error nothing more
// reaches fn, the rest of the file is still checked and the error is
// tracciato.Errori (a file of another kind: tracciato.ErrFormato).
// An error from fn stops the reading and is returned as is.
func LeggiPagati(r io.Reader, fn func(Pagato) error) (Testata, error) {
	return tracciatoPagati.leggi(r, fn)
}

// ScrittorePagati writes a MyPay export pagati CSV, tracciato 1.2, one row
// at a time. A row the reader would refuse is not written: Scrivi returns
// its tracciato.Errori and the writer stays usable.
type ScrittorePagati struct{ s *scrittoreCSV[Pagato] }

// NuovoScrittorePagati writes to w; the header goes out with the first row
// (or with Chiudi).
func NuovoScrittorePagati(w io.Writer) *ScrittorePagati {
	return &ScrittorePagati{nuovoScrittore(w, tracciatoPagati)}
}

// Scrivi writes one row, after the checks of LeggiPagati.
func (s *ScrittorePagati) Scrivi(p Pagato) error { return s.s.scrivi(&p) }

// Chiudi writes what is buffered (the header alone for an empty export).
func (s *ScrittorePagati) Chiudi() error { return s.s.chiudi() }

// ScriviPagati writes all of pagati; it stops at the first row refused.
func ScriviPagati(w io.Writer, pagati iter.Seq[Pagato]) error {
	s := NuovoScrittorePagati(w)
	for p := range pagati {
		if err := s.Scrivi(p); err != nil {
			return err
		}
	}
	return s.Chiudi()
}
