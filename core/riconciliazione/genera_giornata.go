package riconciliazione

import (
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/cassa"
	"github.com/sportello/sportello/core/riconciliazione/fdr"
	"github.com/sportello/sportello/core/riconciliazione/ricevute"
)

// The files of a generated day belong to this ente.
const (
	enteGenerato     = "00000000001"
	nomeEnteGenerato = "Comune di Prova"
)

// GeneraGiornata writes one day's files into dir, as an ente receives them,
// for benchmarks of the incremental import: the receipts of n new payments
// (MyPivot paid-items CSV), the PSP's reporting flow of the same payments,
// and a treasury journal (OPI 1.8) crediting that flow. Their IUVs begin
// with 95, which Genera never uses. It returns the paths in import order.
func GeneraGiornata(dir string, n int, giorno time.Time) ([]string, error) {
	giorno = time.Date(giorno.Year(), giorno.Month(), giorno.Day(), 0, 0, 0, 0, time.UTC)
	data := giorno.Format("2006-01-02")
	iuv := func(i int) string { return fmt.Sprintf("95%s%09d", giorno.Format("060102"), i) }
	importo := func(i int) int64 { return 2000 + int64(i%97)*125 }
	iur := func(i int) string { return fmt.Sprintf("G%s%08d", giorno.Format("060102"), i) }

	var totale int64
	for i := range n {
		totale += importo(i)
	}
	iuf := data + "BCITITMM-G" + giorno.Format("060102")
	nomi := []string{
		filepath.Join(dir, "pagati-"+data+".csv"),
		filepath.Join(dir, "fdr-"+iuf+".xml"),
		filepath.Join(dir, "giornale-"+data+".xml"),
	}
	err := scriviFile(nomi[0], func(f *os.File) error {
		return ricevute.ScriviPagati(f, func(yield func(ricevute.Pagato) bool) {
			for i := range n {
				cf := fmt.Sprintf("RSSMRA80A01H501%c", 'A'+i%26)
				p := ricevute.Pagato{VersioneOggetto: "6.2.0", Dominio: enteGenerato, Stazione: enteGenerato + "_01",
					IDRicevuta: fmt.Sprintf("RT%s%08d", giorno.Format("060102"), i), DataOraRicevuta: giorno.Add(9*time.Hour + time.Duration(i)*time.Second),
					RifRichiesta: iur(i), Attestante: ricevute.Soggetto{Tipo: "B", Codice: "BCITITMM", Nome: "Intesa Sanpaolo S.p.A."},
					Beneficiario:   ricevute.Soggetto{Tipo: "G", Codice: enteGenerato, Nome: nomeEnteGenerato},
					Pagatore:       ricevute.Soggetto{Tipo: "F", Codice: cf, Nome: fmt.Sprintf("Mario Rossi %d", i)},
					EsitoPagamento: "0", ImportoTotale: importo(i), IUV: iuv(i), CodIUV: iuv(i), IUD: "MENSA-" + iuv(i), CCP: iur(i), Importo: importo(i),
					EsitoSingolo: "ESEGUITO", DataEsito: giorno, IUR: iur(i), Indice: 1, TipoDovuto: "MENSA",
					Causale: fmt.Sprintf("/RFB/%s/%d.%02d/TXT/Refezione scolastica", iuv(i), importo(i)/100, importo(i)%100), DatiSpecifici: "9/0101108TS/"}
				if !yield(p) {
					return
				}
			}
		})
	})
	if err == nil {
		err = scriviFile(nomi[1], func(f *os.File) error {
			fl := fdr.Flusso{Variante: fdr.Variante104, VersioneOggetto: "1.0", IUF: iuf, DataOraFlusso: giorno.Add(8 * time.Hour),
				IURRegolamento: "SCT" + giorno.Format("20060102"), DataRegolamento: giorno,
				IstitutoMittente:      fdr.Istituto{Tipo: "B", Codice: "BCITITMM", Denominazione: "Intesa Sanpaolo S.p.A."},
				IstitutoRicevente:     fdr.Istituto{Tipo: "G", Codice: enteGenerato, Denominazione: nomeEnteGenerato},
				NumeroTotalePagamenti: int64(n), ImportoTotale: totale}
			return fdr.Scrivi(f, fl, func(yield func(fdr.Pagamento) bool) {
				for i := range n {
					if !yield(fdr.Pagamento{IUV: iuv(i), IUR: iur(i), Indice: 1, Importo: importo(i), Esito: fdr.EsitoEseguito, DataEsito: giorno}) {
						return
					}
				}
			})
		})
	}
	if err == nil {
		err = scriviFile(nomi[2], func(f *os.File) error {
			m := cassa.Movimento{Operazione: cassa.Eseguito, NumeroBolletta: giorno.Format("0102") + "1", Importo: totale,
				DataContabile: giorno.AddDate(0, 0, 1), DataValuta: giorno, Causale: "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf,
				Cliente: "PAGOPA S.P.A.", ContoEvidenza: "0000001", TipoEsecuzione: "ACCREDITO BANCA D'ITALIA"}
			return cassa.ScriviOPI(f, "1.8", giornaleGenerato(giorno), func(yield func(cassa.Movimento) bool) { yield(m) })
		})
	}
	return nomi, err
}

// GeneraGiornaleOPI writes an OPI 1.8 journal of about dimensione bytes
// to path, for the benchmark of a large journal: credits of reporting
// flows spread over conti evidenza, every fiftieth movement the STORNATO of
// the credit before it. It
// returns how many movements it wrote.
func GeneraGiornaleOPI(path string, dimensione int64, giorno time.Time) (int, error) {
	n := 0
	err := scriviFile(path, func(f *os.File) error {
		return cassa.ScriviOPI(f, "1.8", giornaleGenerato(giorno), movimentiFinoA(f, dimensione, giorno, &n))
	})
	return n, err
}

func movimentiFinoA(f *os.File, dimensione int64, giorno time.Time, n *int) iter.Seq[cassa.Movimento] {
	credito := func(i int) cassa.Movimento {
		return cassa.Movimento{Operazione: cassa.Eseguito, NumeroBolletta: fmt.Sprint(i), Importo: 100 + int64(i%100_000),
			DataContabile: giorno.AddDate(0, 0, 1), DataValuta: giorno, Cliente: "PAGOPA S.P.A.",
			Causale:       fmt.Sprintf("/PUR/LGPE-RIVERSAMENTO/URI/%sBCITITMM-S%010d", giorno.Format("2006-01-02"), i),
			ContoEvidenza: fmt.Sprintf("%07d", 1+i/5000), TipoEsecuzione: "ACCREDITO BANCA D'ITALIA"}
	}
	return func(yield func(cassa.Movimento) bool) {
		for i := 1; ; i++ {
			if i%100 == 0 { // the writer buffers: the file's size lags a little
				if st, err := f.Stat(); err != nil || st.Size() >= dimensione {
					return
				}
			}
			m := credito(i)
			if i%50 == 0 { // the bank takes back the credit before
				m = credito(i - 1)
				m.Operazione, m.ContoEvidenza = cassa.Stornato, credito(i).ContoEvidenza
			}
			*n = i
			if !yield(m) {
				return
			}
		}
	}
}

func giornaleGenerato(giorno time.Time) cassa.Giornale {
	return cassa.Giornale{ABI: "03069", DataOraFlusso: giorno.AddDate(0, 0, 1).Add(7 * time.Hour), Ente: "ABC1DE",
		DescrizioneEnte: "COMUNE DI PROVA", IstatEnte: "012345678", CodiceFiscaleEnte: enteGenerato,
		TramiteEnte: "A2A-12345678", TramiteBT: "A2A-87654321", EnteBT: "77",
		IdentificativoFlusso: "GDC-" + giorno.Format("20060102") + "ABCDEFGHIJ#001#001", Pagina: 1, PagineTotali: 1,
		Esercizio: giorno.Year(), DataRiferimento: giorno}
}

func scriviFile(path string, scrivi func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := scrivi(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return f.Close()
}
