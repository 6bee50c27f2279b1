package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// The imported sides as they are: Ricevute telematiche, Rendicontazione
// pagoPA, Giornale di Cassa. Each row has its labels and the file it came
// from; a double click opens its detail.

// Ricevute telematiche: one row per transfer of a receipt.

const (
	colRTIUV = iota
	colRTIUR
)

type ricRicevuteSource struct{ u *UI }

func (s ricRicevuteSource) filtro(f widgets.Filter) store.FiltroRicRicevute {
	fl := store.FiltroRicRicevute{IUV: f["iuv"], IUR: f["iur"], Pagatore: f["pagatore"], Dal: f["dal"], Al: f["al"]}
	switch f["esito"] {
	case lang.L("Positivo"):
		fl.Esito = "OK"
	case lang.L("Negativo"):
		fl.Esito = "KO"
	}
	return fl
}

func (s ricRicevuteSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaRicevute(ctx, s.filtro(f))
}

func (s ricRicevuteSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	rr, err := s.u.Core.Riconciliazione.Ricevute(ctx, s.filtro(f), offset, limit)
	rows := make([][]string, len(rr))
	for i, r := range rr {
		esito := lang.L("Positivo")
		if r.Esito != "OK" {
			esito = lang.L("Negativo")
		}
		rows[i] = []string{r.IUV, r.IUR, strconv.Itoa(r.Indice), ricImporto(r.Importo, true), esito, ricData(r.DataEsito),
			r.Pagatore, r.CFPagatore, r.PSP, r.TipoDovuto, r.IUD, ricClassi(r.Classi), r.Fonte.File}
	}
	return rows, err
}

func ricRicevuteView(u *UI) fyne.CanvasObject {
	src := ricRicevuteSource{u: u}
	cols := []widgets.Column{
		{Title: "IUV", Width: 170}, {Title: "IUR", Width: 165}, {Title: lang.L("Indice"), Width: 60, Kind: tabelle.Integer},
		{Title: lang.L("Importo"), Width: 95, Align: fyne.TextAlignTrailing, Kind: tabelle.Number},
		{Title: lang.L("Esito"), Width: 85}, {Title: lang.L("Data esito"), Width: 95, Kind: tabelle.Date},
		{Title: lang.L("Pagatore"), Width: 160}, {Title: lang.L("Codice fiscale"), Width: 165}, {Title: "PSP", Width: 170},
		{Title: lang.L("Tipo dovuto"), Width: 110}, {Title: "IUD", Width: 150}, {Title: lang.L("Classificazioni"), Width: 260},
		{Title: lang.L("File"), Width: 220},
	}
	s := newRicVista(u, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "iuv", Label: "IUV", Placeholder: lang.L("inizio del codice")},
			{Key: "iur", Label: "IUR"},
			{Key: "pagatore", Label: lang.L("Pagatore"), Placeholder: lang.L("codice fiscale o parte del nome")},
			{Key: "esito", Label: lang.L("Esito"), Kind: widgets.FieldSelect, Options: []string{lang.L("Positivo"), lang.L("Negativo")},
				Placeholder: lang.L("(tutti)")},
			{Key: "dal", Label: lang.L("Pagata dal"), Kind: widgets.FieldDate},
			{Key: "al", Label: lang.L("Pagata al"), Kind: widgets.FieldDate},
		},
		Columns: cols, Source: src,
		Export:     widgets.ExportFile(src, lang.L("Ricevute"), cols),
		ExportName: "ricevute-telematiche.xlsx",
	}, lang.L("Le ricevute di pagamento importate, un trasferimento per riga. Doppio clic per il pagamento con i suoi tre lati."))
	s.Panel.OnOpen = func(row []string) {
		u.apriRicDettaglio(s, riconciliazione.ChiavePagamento, row[colRTIUV], row[colRTIUR], nil)
	}
	s.Panel.Search()
	return s
}

// Rendicontazione pagoPA: the reporting flows.

const colFdRIUF = 0

type ricFlussiSource struct{ u *UI }

func (s ricFlussiSource) filtro(f widgets.Filter) store.FiltroRicFlussi {
	return store.FiltroRicFlussi{IUF: f["iuf"], PSP: f["psp"], Dal: f["dal"], Al: f["al"]}
}

func (s ricFlussiSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaFlussi(ctx, s.filtro(f))
}

func (s ricFlussiSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	ff, err := s.u.Core.Riconciliazione.Flussi(ctx, s.filtro(f), offset, limit)
	rows := make([][]string, len(ff))
	for i, x := range ff {
		rows[i] = []string{x.IUF, x.PSP, ricData(x.DataFlusso), ricData(x.DataRegolamento), x.IURRegolamento,
			strconv.Itoa(x.NPagamenti), ricImporto(x.ImportoTotale, true), ricClassi(x.Classi), x.Fonte.File}
	}
	return rows, err
}

func ricRendicontazioneView(u *UI) fyne.CanvasObject {
	src := ricFlussiSource{u: u}
	cols := []widgets.Column{
		{Title: "IUF", Width: 240}, {Title: "PSP", Width: 180}, {Title: lang.L("Data flusso"), Width: 130, Kind: tabelle.DateTime},
		{Title: lang.L("Data regolamento"), Width: 145, Kind: tabelle.Date}, {Title: lang.L("Riferimento regolamento"), Width: 210},
		{Title: lang.L("Pagamenti"), Width: 105, Align: fyne.TextAlignTrailing, Kind: tabelle.Integer},
		{Title: lang.L("Importo totale"), Width: 115, Align: fyne.TextAlignTrailing, Kind: tabelle.Number},
		{Title: lang.L("Classificazione"), Width: 150}, {Title: lang.L("File"), Width: 220},
	}
	s := newRicVista(u, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "iuf", Label: "IUF", Placeholder: lang.L("inizio del codice")},
			{Key: "psp", Label: "PSP", Placeholder: lang.L("parte del nome")},
			{Key: "dal", Label: lang.L("Regolato dal"), Kind: widgets.FieldDate},
			{Key: "al", Label: lang.L("Regolato al"), Kind: widgets.FieldDate},
		},
		Columns: cols, Source: src,
		Export:     widgets.ExportFile(src, lang.L("Rendicontazione"), cols),
		ExportName: "rendicontazione-pagopa.xlsx",
	}, lang.L("I flussi di rendicontazione dei PSP, dal più recente. Doppio clic per la testata, i pagamenti del flusso e il suo accredito in tesoreria."))
	s.Panel.OnOpen = func(row []string) {
		u.apriRicDettaglio(s, riconciliazione.ChiaveFlusso, row[colFdRIUF], "", nil)
	}
	s.Panel.Search()
	return s
}

// Giornale di Cassa: the treasury credits.

const colTesChiave = 0

type ricCassaSource struct{ u *UI }

func (s ricCassaSource) filtro(f widgets.Filter) store.FiltroRicMovimenti {
	return store.FiltroRicMovimenti{Bolletta: f["bolletta"], Causale: f["causale"], Dal: f["dal"], Al: f["al"]}
}

func (s ricCassaSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaMovimenti(ctx, s.filtro(f))
}

func (s ricCassaSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	mm, err := s.u.Core.Riconciliazione.Movimenti(ctx, s.filtro(f), offset, limit)
	rows := make([][]string, len(mm))
	for i, m := range mm {
		rows[i] = []string{m.Chiave, strconv.Itoa(m.Esercizio), m.Bolletta, ricData(m.DataContabile), ricData(m.DataValuta),
			ricImporto(m.Importo, true), m.Causale, m.Cliente, m.IUF, m.IUV, ricClassi(m.Classi), m.Fonte.File}
	}
	return rows, err
}

func ricCassaView(u *UI) fyne.CanvasObject {
	src := ricCassaSource{u: u}
	cols := []widgets.Column{
		{Title: lang.L("Movimento"), Width: 120}, {Title: lang.L("Esercizio"), Width: 90, Kind: tabelle.Integer},
		{Title: lang.L("Bolletta"), Width: 80}, {Title: lang.L("Data contabile"), Width: 130, Kind: tabelle.Date},
		{Title: lang.L("Data valuta"), Width: 110, Kind: tabelle.Date},
		{Title: lang.L("Importo"), Width: 105, Align: fyne.TextAlignTrailing, Kind: tabelle.Number},
		{Title: lang.L("Causale"), Width: 330}, {Title: lang.L("Cliente"), Width: 170}, {Title: "IUF", Width: 220},
		{Title: "IUV", Width: 160}, {Title: lang.L("Classificazione"), Width: 170}, {Title: lang.L("File"), Width: 200},
	}
	s := newRicVista(u, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "bolletta", Label: lang.L("Numero bolletta")},
			{Key: "causale", Label: lang.L("Causale"), Placeholder: lang.L("parte della causale")},
			{Key: "dal", Label: lang.L("Valuta dal"), Kind: widgets.FieldDate},
			{Key: "al", Label: lang.L("Valuta al"), Kind: widgets.FieldDate},
		},
		Columns: cols, Source: src,
		Export:     widgets.ExportFile(src, lang.L("Giornale di cassa"), cols),
		ExportName: "giornale-di-cassa.xlsx",
	}, lang.L("Gli accrediti del tesoriere (entrate e sospesi di entrata), dalla valuta più recente. Doppio clic per il flusso o il pagamento che la causale indica."))
	s.Panel.OnOpen = func(row []string) {
		u.apriRicDettaglio(s, riconciliazione.ChiaveTesoreria, row[colTesChiave], "", nil)
	}
	s.Panel.Search()
	return s
}
