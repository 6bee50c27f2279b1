package riconciliazione

// Statistiche (Riconciliazione › Statistiche): the payments' totals per
// year, month or day, per office, tipo dovuto, budget chapter or
// assessment, as MyPivot shows them.
//
// A payment is an IUV + IUR with an OK receipt. Four measures, each taken
// on its own date (the date range selects on it, and a time grouping
// groups by it):
//
//   - Numero pagati: the payments whose receipt has its outcome date
//     (data_esito) in the range;
//   - Importo pagato: those receipts' amounts (every transfer);
//   - Importo rendicontato: the reporting lines of the flows whose
//     settlement date (ric_fdr.data_regolamento) is in the range: the
//     executed lines (esito 0, 4, 8, 9) for their amount, the revocations
//     (3) for their negative one; a payment reported twice counts twice,
//     and a line with no receipt counts too (it was reported);
//   - Importo incassato: what the treasury credited, by value date
//     (data_valuta): the lines of each flow whose credits add up to its
//     total (the reconciliation's own test: a flow credited for another
//     amount is an anomaly, IUF_TES_DIV_IMP, not revenue to split among
//     its payments), dated by the latest of those credits; and each
//     single-payment credit (/RFS/ or /RFB/ naming the IUV of a paid
//     receipt) for its amount.
//
// A time grouping puts each measure in the year, month or day of its own
// date, so a row of 20/11/2026 holds what was paid, settled and credited
// that day. The other groupings go through the payment's debt record
// (ric_dovuti): the one with the IUD its OK receipt carries, or, for a
// receipt without IUD and for a line with no receipt, the one with its
// IUV (as the reconciliation joins them). Ufficio, capitolo and
// accertamento are the debt record's, or, when it leaves them empty, its
// tipo dovuto's in the catalogue (Sportello's own notices carry them only
// there); a payment associated by hand to an assessment
// (ric_accertamenti_pagamenti) counts in that assessment, the first one if
// several. A payment with no debt record goes in "(non attribuito)", a debt
// record without the field in "(non indicato)". Single credits follow the
// IUV's first OK receipt. Groups partition the payments: the rows add up
// to the totals.

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
)

// Raggruppamento is how the statistics group the payments.
type Raggruppamento string

const (
	PerAnno         Raggruppamento = "anno"
	PerMese         Raggruppamento = "mese"
	PerGiorno       Raggruppamento = "giorno"
	PerUfficio      Raggruppamento = "ufficio"
	PerTipo         Raggruppamento = "tipo"
	PerCapitolo     Raggruppamento = "capitolo"
	PerAccertamento Raggruppamento = "accertamento"
)

// Raggruppamenti are the groupings, in the menu's order.
var Raggruppamenti = []Raggruppamento{PerAnno, PerMese, PerGiorno, PerUfficio, PerTipo, PerCapitolo, PerAccertamento}

var dimensioni = map[Raggruppamento]store.RicDimensione{PerAnno: store.RicPerAnno, PerMese: store.RicPerMese,
	PerGiorno: store.RicPerGiorno, PerUfficio: store.RicPerUfficio, PerTipo: store.RicPerTipo,
	PerCapitolo: store.RicPerCapitolo, PerAccertamento: store.RicPerAccertamento}

var nomiRaggruppamento = map[Raggruppamento]string{PerAnno: "Anno", PerMese: "Mese", PerGiorno: "Giorno",
	PerUfficio: "Ufficio", PerTipo: "Tipo dovuto", PerCapitolo: "Capitolo", PerAccertamento: "Accertamento"}

// Nome is the grouping as the clerk reads it ("Tipo dovuto").
func (r Raggruppamento) Nome() string {
	if n, ok := nomiRaggruppamento[r]; ok {
		return n
	}
	return string(r)
}

// PerData tells the time groupings from those by debt record.
func (r Raggruppamento) PerData() bool { return r == PerAnno || r == PerMese || r == PerGiorno }

// RaggruppamentoDi reads a grouping by its code ("tipo") or its name
// ("Tipo dovuto"), in any case.
func RaggruppamentoDi(s string) (Raggruppamento, bool) {
	s = strings.TrimSpace(s)
	for _, r := range Raggruppamenti {
		if strings.EqualFold(s, string(r)) || strings.EqualFold(s, r.Nome()) {
			return r, true
		}
	}
	return "", false
}

// The keys of the groups that have no value of their own.
const (
	NonAttribuito = "(non attribuito)" // payments with no debt record
	NonIndicato   = "(non indicato)"   // a debt record without that field
	SenzaData     = "(senza data)"     // a record without the measure's date
	ChiaveTotale  = "Totale"
)

// Riga is one group of the statistics. Chiave is the date as YYYY,
// YYYY-MM or YYYY-MM-DD, or the office, tipo dovuto, chapter or assessment
// code, or one of the keys above; Descrizione is the name the registries
// give the code, if any. Amounts are in cents.
type Riga struct {
	Chiave              string `json:"chiave"`
	Descrizione         string `json:"descrizione,omitempty"`
	NumeroPagati        int    `json:"numero_pagati"`
	ImportoPagato       int64  `json:"importo_pagato"`
	ImportoRendicontato int64  `json:"importo_rendicontato"`
	ImportoIncassato    int64  `json:"importo_incassato"`
}

// Statistiche totals the measures per group, over the measures' dates
// from dal to al included (zero: no bound), groups in key order (the
// unattributed last).
func (s *Service) Statistiche(ctx context.Context, per Raggruppamento, dal, al time.Time) ([]Riga, error) {
	dim, ok := dimensioni[per]
	if !ok {
		return nil, fmt.Errorf("raggruppamento %q sconosciuto: usare %s", per, elencoRaggruppamenti())
	}
	if !dal.IsZero() && !al.IsZero() && giornoDi(dal) > giornoDi(al) {
		return nil, fmt.Errorf("«Dal» (%s) è successiva ad «Al» (%s)", dal.Format("02/01/2006"), al.Format("02/01/2006"))
	}
	rs, err := s.DB.RicStatistiche(ctx, dim, giornoDi(dal), giornoDi(al))
	if err != nil {
		return nil, err
	}
	out := make([]Riga, len(rs))
	for i, r := range rs {
		k := r.Chiave
		switch {
		case !r.Attribuito:
			k = NonAttribuito
		case k == "" && per.PerData():
			k = SenzaData
		case k == "":
			k = NonIndicato
		}
		out[i] = Riga{Chiave: k, Descrizione: r.Descrizione, NumeroPagati: r.NPagati, ImportoPagato: r.Pagato,
			ImportoRendicontato: r.Rendicontato, ImportoIncassato: r.Incassato}
	}
	return out, nil
}

func giornoDi(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func elencoRaggruppamenti() string {
	s := make([]string, len(Raggruppamenti))
	for i, r := range Raggruppamenti {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// Totale adds the rows up (Chiave "Totale").
func Totale(righe []Riga) Riga {
	t := Riga{Chiave: ChiaveTotale}
	for _, r := range righe {
		t.NumeroPagati += r.NumeroPagati
		t.ImportoPagato += r.ImportoPagato
		t.ImportoRendicontato += r.ImportoRendicontato
		t.ImportoIncassato += r.ImportoIncassato
	}
	return t
}

// Etichetta is the row's key as the clerk reads it: dates as 11/2026 or
// 20/11/2026, codes with their name.
func (r Riga) Etichetta(per Raggruppamento) string {
	if per.PerData() {
		if p := strings.Split(r.Chiave, "-"); len(p) == 2 || len(p) == 3 {
			for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
				p[i], p[j] = p[j], p[i]
			}
			return strings.Join(p, "/")
		}
		return r.Chiave
	}
	if r.Descrizione != "" {
		return r.Chiave + " — " + r.Descrizione
	}
	return r.Chiave
}

// ColonneStatistiche are the columns of the statistics' table and export.
func ColonneStatistiche(per Raggruppamento) []tabelle.Column {
	k := tabelle.Column{Title: per.Nome()}
	if per == PerGiorno {
		k.Kind = tabelle.Date
	}
	return []tabelle.Column{k, {Title: "Descrizione"}, {Title: "Numero pagati", Kind: tabelle.Integer},
		{Title: "Importo pagato", Kind: tabelle.Number}, {Title: "Importo rendicontato", Kind: tabelle.Number},
		{Title: "Importo incassato", Kind: tabelle.Number}}
}

// EsportazioneStatistiche is what an export of the statistics covers and
// who made it, recorded in the workbook's «Informazioni» sheet.
type EsportazioneStatistiche struct {
	Dal, Al time.Time // the period the rows were computed for; zero: no bound
	Il      time.Time // when the export was made, in the zone to write it in
	Da      string    // who made it: the operator's name and username
}

// NotaMisure says which date each measure is taken on (the period applies
// to each with its own).
const NotaMisure = "Pagato per data esito della ricevuta, rendicontato per data regolamento del flusso, incassato per data " +
	"valuta della tesoreria: il periodo si applica a ciascuna misura con la sua data."

// Periodo is a period as the clerk reads it: «dal 01/12/2026 al
// 31/12/2026», «dal 01/12/2026», «tutto l'archivio».
func Periodo(dal, al time.Time) string {
	var p []string
	if !dal.IsZero() {
		p = append(p, "dal "+dal.Format("02/01/2006"))
	}
	if !al.IsZero() {
		p = append(p, "al "+al.Format("02/01/2006"))
	}
	if len(p) == 0 {
		return "tutto l'archivio"
	}
	return strings.Join(p, " ")
}

// EsportaExcel writes the rows and their total as an .xlsx sheet, the
// table alone (a header row, then a row per group and the total), and a
// second sheet, «Informazioni», with the grouping, the period, which date
// each measure is taken on, and when and by whom the export was made.
// Every text cell is neutralised against formulas.
func EsportaExcel(per Raggruppamento, righe []Riga, x EsportazioneStatistiche, w io.Writer) error {
	rows := make([][]string, 0, len(righe)+1)
	for _, r := range append(righe, Totale(righe)) {
		k := r.Chiave
		if per.PerData() && r.Chiave != ChiaveTotale {
			k = r.Etichetta(per)
		}
		rows = append(rows, []string{k, r.Descrizione, fmt.Sprint(r.NumeroPagati), tracciato.Euro(r.ImportoPagato),
			tracciato.Euro(r.ImportoRendicontato), tracciato.Euro(r.ImportoIncassato)})
	}
	titolo := "Statistiche per " + strings.ToLower(per.Nome())
	info := [][]string{
		{"Statistiche", titolo},
		{"Periodo", Periodo(x.Dal, x.Al)},
		{"Date delle misure", NotaMisure},
		{"Gruppi", fmt.Sprint(len(righe))},
	}
	if !x.Il.IsZero() {
		info = append(info, []string{"Esportato il", x.Il.Format("02/01/2006 15:04")})
	}
	if x.Da != "" {
		info = append(info, []string{"Esportato da", x.Da})
	}
	return tabelle.WriteXLSXSheets(w,
		tabelle.XLSXSheet{Name: titolo, Columns: ColonneStatistiche(per), Rows: tabelle.SliceRows(rows)},
		tabelle.XLSXSheet{Name: "Informazioni", Columns: []tabelle.Column{{Title: "Voce", Width: 20}, {Title: "Valore", Width: 90}},
			Rows: tabelle.SliceRows(info)})
}
