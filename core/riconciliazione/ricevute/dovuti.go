package ricevute

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/riconciliazione/causale"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Dovuto is one debt record of the ente in the MyPay import layout
// ("tracciato import dovuti" 1.2 and 1.3).
type Dovuto struct {
	IUD            string   // the ente's id of the debt, unique in the file
	IUV            string   // codIuv, when the ente assigns it
	Pagatore       Soggetto // the debtor; Codice upper-cased
	DataScadenza   time.Time
	Importo        int64 // importoDovuto, cents
	Commissione    int64 // commissioneCaricoPa, cents
	ConCommissione bool
	TipoDovuto     string
	TipoVersamento string // ALL or channels separated by |
	Causale        string
	DatiSpecifici  string // datiSpecificiRiscossione: <0|1|2|9>/<codice>
	Bilancio       []VoceBilancio
	GeneraIUV      bool   // flgGeneraIuv, tracciato 1.3 only
	Azione         string // I inserimento, M modifica, A annullamento
}

// Import dovuti: 1.2 is
//
//	IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;
//	indirizzoPagatore;civicoPagatore;capPagatore;localitaPagatore;provinciaPagatore;
//	nazionePagatore;mailPagatore;dataEsecuzionePagamento;importoDovuto;commissioneCaricoPa;
//	tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;azione
//
// and 1.3 adds flgGeneraIuv before azione. MyPay reads the columns by
// position and its own files name two of them differently, hence the
// aliases.
var tracciatoDovuti = &tracciatoCSV[Dovuto]{
	nome:      "import dovuti MyPay 1.2/1.3",
	versione:  "1.2",
	opzionali: map[string]string{"flgGeneraIuv": "1.3"},
	campi: []campo[Dovuto]{
		testo("IUD", lCodice, true, func(d *Dovuto) *string { return &d.IUD }),
		testo("codIuv", lCodice, false, func(d *Dovuto) *string { return &d.IUV }),
		testo("tipoIdentificativoUnivoco", 1, true, func(d *Dovuto) *string { return &d.Pagatore.Tipo }, "F", "G"),
		testo("codiceIdentificativoUnivoco", lCodice, true, func(d *Dovuto) *string { return &d.Pagatore.Codice }),
		testo("anagraficaPagatore", lNome, true, func(d *Dovuto) *string { return &d.Pagatore.Nome }),
		testo("indirizzoPagatore", lNome, false, func(d *Dovuto) *string { return &d.Pagatore.Indirizzo }),
		testo("civicoPagatore", lCivico, false, func(d *Dovuto) *string { return &d.Pagatore.Civico }),
		testo("capPagatore", lCivico, false, func(d *Dovuto) *string { return &d.Pagatore.CAP }),
		testo("localitaPagatore", lLocalita, false, func(d *Dovuto) *string { return &d.Pagatore.Localita }),
		sigla("provinciaPagatore", "provincia", "MI", func(d *Dovuto) *string { return &d.Pagatore.Provincia }),
		sigla("nazionePagatore", "nazione", "IT", func(d *Dovuto) *string { return &d.Pagatore.Nazione }),
		testo("mailPagatore", lEmail, false, func(d *Dovuto) *string { return &d.Pagatore.Email }),
		alias(data("dataEsecuzionePagamento", false, layoutData, func(d *Dovuto) *time.Time { return &d.DataScadenza }),
			"dataScadenzaPagamento"),
		alias(importo("importoDovuto", true, true, func(d *Dovuto) *int64 { return &d.Importo }, nil),
			"importoDovutoPagato"),
		importo("commissioneCaricoPa", false, false,
			func(d *Dovuto) *int64 { return &d.Commissione }, func(d *Dovuto) *bool { return &d.ConCommissione }),
		testo("tipoDovuto", lTipo, true, func(d *Dovuto) *string { return &d.TipoDovuto }),
		testo("tipoVersamento", lTipo, false, func(d *Dovuto) *string { return &d.TipoVersamento }),
		testo("causaleVersamento", lCausale, true, func(d *Dovuto) *string { return &d.Causale }),
		testo("datiSpecificiRiscossione", lSpecifici, false, func(d *Dovuto) *string { return &d.DatiSpecifici }),
		bilancio("bilancio", func(d *Dovuto) *[]VoceBilancio { return &d.Bilancio }),
		booleano("flgGeneraIuv", true, func(d *Dovuto) *bool { return &d.GeneraIUV }),
		testo("azione", 1, true, func(d *Dovuto) *string { return &d.Azione }, "I", "M", "A"),
	},
	verifica: verificaDovuto,
	importo:  func(d *Dovuto) int64 { return d.Importo },
}

func verificaDovuto(d *Dovuto, errore func(colonna, motivo string)) {
	if strings.HasPrefix(d.IUD, "000") {
		errore("IUD", "lo IUD non può iniziare con 000")
	}
	if d.IUV != "" && !causale.IUVValido(d.IUV) {
		errore("codIuv", fmt.Sprintf("IUV %q non valido: attese 15 o 17 cifre, o un riferimento RF (ISO 11649)", d.IUV))
	}
	d.Pagatore.Codice = anagrafe.NormalizzaCodiceFiscale(d.Pagatore.Codice)
	if !(d.Pagatore.Tipo == "F" && d.Pagatore.Codice == "ANONIMO") {
		// A code whose only fault is a birthplace missing from the bundled
		// data (a former state, a new comune) is still a good code.
		if err := anagrafe.ValidaCodiceFiscaleOPartitaIVA(d.Pagatore.Codice); err != nil && !errors.Is(err, anagrafe.MotivoLuogo) {
			errore("codiceIdentificativoUnivoco", "codice fiscale o partita IVA non valido: "+anagrafe.Dettaglio(err))
		}
	}
	if d.Pagatore.Email != "" {
		if err := anagrafe.ValidaEmail(d.Pagatore.Email); err != nil {
			errore("mailPagatore", "indirizzo e-mail non valido: "+anagrafe.Dettaglio(err))
		}
	}
	if s := d.DatiSpecifici; s != "" && (len(s) < 5 || !strings.ContainsRune("0129", rune(s[0])) || s[1] != '/' ||
		strings.ContainsAny(s[2:], " \t")) {
		errore("datiSpecificiRiscossione", fmt.Sprintf("%q non valido: formato <tipo>/<codice>, tipo 0, 1, 2 o 9 (es. 9/0101100IM)", s))
	}
	if d.Bilancio != nil && sommaBilancio(d.Bilancio) != d.Importo {
		errore("bilancio", fmt.Sprintf("la somma degli importi del bilancio (%s) è diversa dall'importo dovuto (%s)",
			tracciato.Euro(sommaBilancio(d.Bilancio)), tracciato.Euro(d.Importo)))
	}
}

// LeggiDovuti reads the ente's debt records in the MyPay import layout,
// tracciato 1.2 or 1.3 (told by the flgGeneraIuv column; Testata.Versione),
// and calls fn for each. Codici fiscali and partite IVA are checked with
// their check characters. Rows are handed over only while the file has
// shown no error; see LeggiPagati. Duplicate IUDs are not detected here
// (that needs the whole file): the caller's unique key on IUD does it.
func LeggiDovuti(r io.Reader, fn func(Dovuto) error) (Testata, error) {
	return tracciatoDovuti.leggi(r, fn)
}

func alias[T any](c campo[T], nomi ...string) campo[T] {
	c.alias = nomi
	return c
}

// sigla is a two-letter code column (province, ISO 3166 country).
func sigla[T any](nome, cosa, esempio string, f func(*T) *string) campo[T] {
	c := testo(nome, 2, false, f)
	leggi := c.leggi
	c.leggi = func(r *T, v string) string {
		if len(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' {
			return fmt.Sprintf("%s %q non valida: attese due lettere maiuscole (es. %s)", cosa, v, esempio)
		}
		return leggi(r, v)
	}
	return c
}

func booleano[T any](nome string, obbl bool, f func(*T) *bool) campo[T] {
	return campo[T]{nome: nome, obbl: obbl, max: 5,
		leggi: func(r *T, v string) string {
			switch strings.ToUpper(v) {
			case "TRUE":
				*f(r) = true
			case "FALSE":
				*f(r) = false
			default:
				return fmt.Sprintf("valore %q non valido: atteso TRUE o FALSE", v)
			}
			return ""
		},
		scrivi: func(r *T) string {
			if *f(r) {
				return "TRUE"
			}
			return "FALSE"
		},
	}
}
