package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/ui/widgets"
)

// Riconciliazione › Visualizzazione › Riconciliazione (the rows with a
// complete match) and › Anomalie (the others): one row per label a
// payment, flow or treasury movement carries, the gravest first, with what
// each side says of it.

const (
	colRicClasse = iota
	colRicOggetto
	colRicChiave
	colRicIUR
)

type ricElencoSource struct {
	u        *UI
	positive bool
}

func (s ricElencoSource) filtro(f widgets.Filter) riconciliazione.FiltroElenco {
	return riconciliazione.FiltroElenco{Positive: s.positive, Classe: f["classe"], Tipo: ricOggettoByLabel(f["oggetto"]), Chiave: f["chiave"]}
}

func (s ricElencoSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaElenco(ctx, s.filtro(f))
}

func (s ricElencoSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	rr, err := s.u.Core.Riconciliazione.Elenco(ctx, s.filtro(f), offset, limit)
	rows := make([][]string, len(rr))
	for i, r := range rr {
		rows[i] = []string{r.Classe, ricOggettoLabel(r.ChiaveTipo), r.Chiave, r.IUR, r.IUD, r.Anagrafica,
			ricImporto(r.ImportoRT, r.DataEsito != "" || r.ImportoRT != 0), ricData(r.DataEsito), r.Pagatore,
			r.IUF, ricData(r.DataRegolamento), ricImporto(r.ImportoFlusso, r.IUF != ""),
			r.Bolletta, ricData(r.DataValuta), ricImporto(r.ImportoMovimento, r.Movimento != ""), r.Dettaglio}
	}
	return rows, err
}

func ricElencoColonne() []widgets.Column {
	return []widgets.Column{
		{Title: lang.L("Classificazione"), Width: 150}, {Title: lang.L("Oggetto"), Width: 95},
		{Title: lang.L("IUV / IUF / movimento"), Width: 240}, {Title: "IUR", Width: 160}, {Title: "IUD", Width: 170},
		{Title: lang.L("Debitore"), Width: 150},
		{Title: lang.L("Importo pagato"), Width: 125, Align: fyne.TextAlignTrailing, Kind: tabelle.Number},
		{Title: lang.L("Data esito"), Width: 95, Kind: tabelle.Date}, {Title: lang.L("Pagatore"), Width: 150},
		{Title: "IUF", Width: 220}, {Title: lang.L("Data regolamento"), Width: 145, Kind: tabelle.Date},
		{Title: lang.L("Importo flusso"), Width: 125, Align: fyne.TextAlignTrailing, Kind: tabelle.Number},
		{Title: lang.L("Bolletta"), Width: 80}, {Title: lang.L("Data valuta"), Width: 110, Kind: tabelle.Date},
		{Title: lang.L("Importo tesoreria"), Width: 140, Align: fyne.TextAlignTrailing, Kind: tabelle.Number},
		{Title: lang.L("Dettaglio"), Width: 260},
	}
}

func ricRiconciliazioneView(u *UI) fyne.CanvasObject {
	return ricElencoView(u, true, lang.L("Le righe riconciliate: pagamenti, flussi e movimenti di tesoreria i cui lati corrispondono. Doppio clic per il dettaglio con i tre lati affiancati."),
		"riconciliazione.xlsx")
}

func ricAnomalieView(u *UI) fyne.CanvasObject {
	return ricElencoView(u, false, lang.L("Le anomalie: ciò che manca o non torna tra dovuti, ricevute, flussi e tesoreria, le più gravi per prime. Doppio clic per il dettaglio e per segnalarle."),
		"anomalie.xlsx")
}

func ricElencoView(u *UI, positive bool, nota, file string) fyne.CanvasObject {
	src := ricElencoSource{u: u, positive: positive}
	cols := ricElencoColonne()
	oggetti := make([]string, len(ricOggetti))
	for i, o := range ricOggetti {
		oggetti[i] = ricOggettoLabel(o)
	}
	s := newRicVista(u, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "classe", Label: lang.L("Classificazione"), Kind: widgets.FieldSelect,
				Options: ricCodici(riconciliazione.ClassiElenco(positive)), Placeholder: lang.L("(tutte)")},
			{Key: "oggetto", Label: lang.L("Oggetto"), Kind: widgets.FieldSelect, Options: oggetti, Placeholder: lang.L("(tutti)")},
			{Key: "chiave", Label: lang.L("IUV / IUF / movimento"), Placeholder: lang.L("inizio del codice")},
		},
		Columns:    cols,
		Source:     src,
		Export:     widgets.ExportFile(src, lang.L("Riconciliazione"), cols),
		ExportName: file,
	}, nota)
	s.Panel.Selects["classe"].OnChanged = ricSpiegaClasse(s.Nota, nota)
	s.Panel.OnOpen = func(row []string) {
		u.apriRicDettaglio(s, ricOggettoByLabel(row[colRicOggetto]), row[colRicChiave], row[colRicIUR],
			func(x *ricDettaglio) { x.Classe = row[colRicClasse] })
	}
	s.Panel.Search()
	return s
}
