package fdr

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// Scrivi writes f and its payments as a FlussoRiversamento XML, streaming:
// schema 1.0.4, or p4pa when f.Variante says so (then with revisioneFlusso
// when f.Revisione > 0). It refuses what the schema would not admit; the
// declared count and total are checked against the payments at the end,
// when the file is already written: an error then means it is invalid.
func Scrivi(w io.Writer, f Flusso, pagamenti iter.Seq[Pagamento]) error {
	p4pa := false
	switch f.Variante {
	case "", Variante104:
	case VarianteP4PA:
		p4pa = true
	default:
		return fmt.Errorf("fdr: variante %q sconosciuta (ammesse %s e %s)", f.Variante, Variante104, VarianteP4PA)
	}
	versione := f.VersioneOggetto
	if versione == "" {
		versione = "1.0"
	}
	if err := controllaIntestazione(f, versione); err != nil {
		return err
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	e := func(indent, nome, valore string) {
		bw.WriteString(indent)
		bw.WriteByte('<')
		bw.WriteString(nome)
		bw.WriteByte('>')
		escape(bw, valore)
		bw.WriteString("</")
		bw.WriteString(nome)
		bw.WriteString(">\n")
	}
	bw.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FlussoRiversamento xmlns=\"" + Namespace + "\">\n")
	e("  ", "versioneOggetto", versione)
	e("  ", "identificativoFlusso", f.IUF)
	if p4pa && f.Revisione > 0 {
		e("  ", "revisioneFlusso", strconv.FormatInt(f.Revisione, 10))
	}
	e("  ", "dataOraFlusso", f.DataOraFlusso.In(roma).Format("2006-01-02T15:04:05.999999999"))
	e("  ", "identificativoUnivocoRegolamento", f.IURRegolamento)
	e("  ", "dataRegolamento", f.DataRegolamento.Format(time.DateOnly))
	bw.WriteString("  <istitutoMittente>\n    <identificativoUnivocoMittente>\n")
	e("      ", "tipoIdentificativoUnivoco", f.IstitutoMittente.Tipo)
	e("      ", "codiceIdentificativoUnivoco", f.IstitutoMittente.Codice)
	bw.WriteString("    </identificativoUnivocoMittente>\n")
	if f.IstitutoMittente.Denominazione != "" {
		e("    ", "denominazioneMittente", f.IstitutoMittente.Denominazione)
	}
	bw.WriteString("  </istitutoMittente>\n")
	if f.BicRiversamento != "" {
		e("  ", "codiceBicBancaDiRiversamento", f.BicRiversamento)
	}
	bw.WriteString("  <istitutoRicevente>\n    <identificativoUnivocoRicevente>\n")
	e("      ", "tipoIdentificativoUnivoco", "G")
	e("      ", "codiceIdentificativoUnivoco", f.IstitutoRicevente.Codice)
	bw.WriteString("    </identificativoUnivocoRicevente>\n")
	if f.IstitutoRicevente.Denominazione != "" {
		e("    ", "denominazioneRicevente", f.IstitutoRicevente.Denominazione)
	}
	bw.WriteString("  </istitutoRicevente>\n")
	e("  ", "numeroTotalePagamenti", strconv.FormatInt(f.NumeroTotalePagamenti, 10))
	e("  ", "importoTotalePagamenti", tracciato.Euro(f.ImportoTotale))

	var n, somma int64
	for p := range pagamenti {
		n++
		if err := controllaPagamento(p, p4pa); err != nil {
			return fmt.Errorf("fdr: pagamento %d (IUV %s): %w", n, p.IUV, err)
		}
		bw.WriteString("  <datiSingoliPagamenti>\n")
		e("    ", "identificativoUnivocoVersamento", p.IUV)
		e("    ", "identificativoUnivocoRiscossione", p.IUR)
		if p.Indice > 0 {
			e("    ", "indiceDatiSingoloPagamento", strconv.Itoa(p.Indice))
		}
		e("    ", "singoloImportoPagato", tracciato.Euro(p.Importo))
		e("    ", "codiceEsitoSingoloPagamento", strconv.Itoa(int(p.Esito)))
		e("    ", "dataEsitoSingoloPagamento", p.DataEsito.Format(time.DateOnly))
		bw.WriteString("  </datiSingoliPagamenti>\n")
		somma += p.Importo
		if _, err := bw.Write(nil); err != nil { // bufio keeps a failed write's error
			return err
		}
	}
	bw.WriteString("</FlussoRiversamento>\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	if n != f.NumeroTotalePagamenti {
		return fmt.Errorf("fdr: numeroTotalePagamenti %d ma i pagamenti scritti sono %d", f.NumeroTotalePagamenti, n)
	}
	if somma != f.ImportoTotale {
		return fmt.Errorf("fdr: importoTotalePagamenti %s ma la somma dei pagamenti scritti è %s", tracciato.Euro(f.ImportoTotale), tracciato.Euro(somma))
	}
	return nil
}

func controllaIntestazione(f Flusso, versione string) error {
	ricevente := f.IstitutoRicevente.Tipo
	if ricevente == "" {
		ricevente = "G"
	}
	for _, c := range []struct{ nome, motivo string }{
		{"versioneOggetto", se(versione == "1.0" || versione == "1.1", "ammesse 1.0 e 1.1")},
		{"identificativoFlusso", identificativoFlusso(f.IUF)},
		{"identificativoUnivocoRegolamento", valore(f.IURRegolamento, 1, 35)},
		{"tipoIdentificativoUnivoco del mittente", se(f.IstitutoMittente.Tipo != "" && strings.Contains("GAB", f.IstitutoMittente.Tipo) && len(f.IstitutoMittente.Tipo) == 1, "ammessi G, A, B")},
		{"codiceIdentificativoUnivoco del mittente", valore(f.IstitutoMittente.Codice, 1, 35)},
		{"denominazioneMittente", opzionale(f.IstitutoMittente.Denominazione, 3, 70)},
		{"codiceBicBancaDiRiversamento", opzionale(f.BicRiversamento, 1, 35)},
		{"tipoIdentificativoUnivoco del ricevente", se(ricevente == "G", "ammesso solo G")},
		{"codiceIdentificativoUnivoco del ricevente", valore(f.IstitutoRicevente.Codice, 1, 35)},
		{"denominazioneRicevente", opzionale(f.IstitutoRicevente.Denominazione, 1, 140)},
		{"numeroTotalePagamenti", se(f.NumeroTotalePagamenti >= 1, "almeno 1")},
		{"importoTotalePagamenti", se(f.ImportoTotale >= 0 && f.ImportoTotale <= maxImporto, "da 0.00 a 999999999.99")},
		{"dataOraFlusso", se(!f.DataOraFlusso.IsZero() && annoValido(f.DataOraFlusso.In(roma)), "mancante o fuori dagli anni 0001-9999")},
		{"dataRegolamento", se(!f.DataRegolamento.IsZero() && annoValido(f.DataRegolamento), "mancante o fuori dagli anni 0001-9999")},
	} {
		if c.motivo != "" {
			return fmt.Errorf("fdr: %s non valido: %s", c.nome, c.motivo)
		}
	}
	if f.Revisione < 0 || f.Revisione > 2147483647 {
		return fmt.Errorf("fdr: revisioneFlusso %d fuori da 1..2147483647", f.Revisione)
	}
	return nil
}

// se is motivo unless ok.
func se(ok bool, motivo string) string {
	if ok {
		return ""
	}
	return motivo
}

func opzionale(s string, min, max int) string {
	if s == "" {
		return ""
	}
	return valore(s, min, max)
}

// valore checks a text the writer writes: what testo checks, and that it
// reads back the same (no blanks around it, only characters XML admits).
func valore(s string, min, max int) string {
	if m := testo(s, min, max); m != "" {
		return m
	}
	if !utf8.ValidString(s) {
		return fmt.Sprintf("%q non è testo UTF-8 valido", s)
	}
	if strings.Trim(s, spaziXML) != s {
		return fmt.Sprintf("%q ha spazi iniziali o finali", s)
	}
	for _, r := range s {
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return fmt.Sprintf("%q contiene un carattere non ammesso in XML (%U)", s, r)
		}
	}
	return ""
}

func controllaPagamento(p Pagamento, p4pa bool) error {
	switch {
	case valore(p.IUV, 1, 35) != "":
		return fmt.Errorf("IUV: %s", valore(p.IUV, 1, 35))
	case valore(p.IUR, 1, 35) != "":
		return fmt.Errorf("IUR: %s", valore(p.IUR, 1, 35))
	case p.Indice < 0 || p.Indice > 5:
		return fmt.Errorf("indice %d fuori da 1..5", p.Indice)
	case p.Esito != EsitoEseguito && p.Esito != EsitoRevocato && p.Esito != EsitoSenzaRPT && !p.Esito.soloP4PA():
		return fmt.Errorf("esito %d sconosciuto", p.Esito)
	case p.Esito.soloP4PA() && !p4pa:
		return fmt.Errorf("esito %d (%s) ammesso solo nella variante p4pa", p.Esito, p.Esito)
	case p.Importo == 0 || p.Importo > maxImporto || p.Importo < -maxImporto:
		return fmt.Errorf("importo %s fuori da 0.01..999999999.99", tracciato.Euro(p.Importo))
	case p.Importo < 0 && p.Esito != EsitoRevocato:
		return fmt.Errorf("importo negativo %s ammesso solo per un pagamento revocato", tracciato.Euro(p.Importo))
	case p.DataEsito.IsZero() || !annoValido(p.DataEsito):
		return fmt.Errorf("dataEsitoSingoloPagamento mancante o fuori dagli anni 0001-9999")
	}
	return nil
}

// escape writes s as XML character data.
func escape(bw *bufio.Writer, s string) {
	if !strings.ContainsAny(s, "<>&'\"\r\n\t") {
		bw.WriteString(s)
		return
	}
	xml.EscapeText(bw, []byte(s))
}
