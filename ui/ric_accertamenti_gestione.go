package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// accGestione is Accertamento › Gestione Accertamenti: the assessments
// searched by office, chapter, year, code and state, with their totals;
// double click opens one (accDettaglio). The views take turns in Stack;
// the list keeps its search while the detail is shown.
type accGestione struct {
	widget.BaseWidget
	Stack  *fyne.Container
	Lista  fyne.CanvasObject
	Panel  *widgets.SearchPanel
	Totali *widget.Label // of the last search
	Nuovo  *widget.Button
	Detail *accDettaglio // the assessment on show, nil on the list
}

func (s *accGestione) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.Stack) }

func (s *accGestione) show(o fyne.CanvasObject) {
	s.Stack.Objects = []fyne.CanvasObject{o}
	s.Stack.Refresh()
}

func accGestioneView(u *UI) fyne.CanvasObject {
	bg := u.appIO().bg
	s := &accGestione{Totali: widget.NewLabel("")}
	s.Totali.Importance = widget.LowImportance
	var uffici []string
	if list, err := u.Core.Riconciliazione.Uffici(u.ctx, store.FiltroRicUffici{}, 0, 500); err == nil {
		for _, x := range list {
			uffici = append(uffici, x.Codice)
		}
	}
	src := accAccertamentiSource{u: u, totali: func(ctx context.Context, t store.RicTotaliAccertamenti, err error) {
		bg.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.Totali.SetText("")
				return
			}
			s.Totali.SetText(accTotaliTesto(t))
		})
	}}
	cols := accAccertamentiColonne()
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "ufficio", Label: lang.L("Ufficio"), Kind: widgets.FieldSelect, Options: uffici},
			{Key: "capitolo", Label: lang.L("Capitolo")},
			{Key: "anno", Label: lang.L("Anno")},
			{Key: "codice", Label: lang.L("Codice accertamento"), Placeholder: lang.L("anche solo una parte")},
			{Key: "stato", Label: lang.L("Stato"), Kind: widgets.FieldSelect,
				Options: []string{accStatoLabel(store.RicAccertamentoAperto), accStatoLabel(store.RicAccertamentoChiuso)}},
		},
		Columns:    cols,
		Source:     src,
		Export:     widgets.ExportFile(src, lang.L("Accertamenti"), append(cols, widgets.Column{Title: "ID"})),
		ExportName: "accertamenti.xlsx",
	})
	s.Panel.OnOpen = func(row []string) {
		if id, err := strconv.ParseInt(row[colAccID], 10, 64); err == nil {
			u.accApriDettaglio(s, id)
		}
	}
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Crea Nuovo"), theme.ContentAddIcon(), func() { u.Open("ric-accertamento-nuovo") })
	hint := accNota(lang.L("Doppio clic su un accertamento per modificarlo, associargli pagamenti o chiuderlo."))
	s.Lista = container.NewBorder(container.NewBorder(nil, nil, s.Nuovo, nil, hint), s.Totali, nil, nil, s.Panel)
	s.Stack = container.NewStack(s.Lista)
	s.ExtendBaseWidget(s)
	s.Panel.Search()
	return s
}

// accApriInGestione shows an assessment's detail in Gestione Accertamenti,
// if that window is on screen (after Open).
func (u *UI) accApriInGestione(id int64) {
	if s, ok := accSchermo[*accGestione](u); ok {
		u.accApriDettaglio(s, id)
	}
}

// accDettaglio is an assessment's detail: its data (description and
// expected amount editable while open), its totals, its payments, and
// what can be done with it.
type accDettaglio struct {
	Content      fyne.CanvasObject
	Titolo       *widget.Label // the assessment's code, office, chapter and year
	Form         *widgets.DetailForm
	Stato        *widget.Label
	Riepilogo    *widget.Label
	Pagamenti    *widgets.SearchPanel
	Associa      *widget.Button // «Associa pagamenti»
	Rimuovi      *widget.Button // the selected payment
	Chiudi       *widget.Button // «Chiudi accertamento»
	Riapri       *widget.Button // supervisors, when closed
	Storico      *widget.Button
	TornaElenco  *widget.Button
	Esito        *widget.Label
	Conferma     *widgets.ConfirmDialog
	Associazione *accAssocia // the dialog of «Associa pagamenti», when open

	a  store.RicAccertamento
	id accSelezione[int64]
}

const (
	colAccPagIUV = iota
	colAccPagIUR
	colAccPagPagatore
	colAccPagData
	colAccPagImporto
	colAccPagTipo
	colAccPagAssociatoIl
	colAccPagAssociatoDa
)

type accPagamentiSource struct {
	u  *UI
	id *accSelezione[int64]
}

func (s accPagamentiSource) Count(ctx context.Context, _ widgets.Filter) (int, error) {
	id := s.id.get()
	if id == nil {
		return 0, nil
	}
	return s.u.Core.Riconciliazione.ContaPagamentiAccertamento(ctx, *id)
}

func (s accPagamentiSource) Page(ctx context.Context, _ widgets.Filter, offset, limit int) ([][]string, error) {
	id := s.id.get()
	if id == nil {
		return nil, nil
	}
	list, err := s.u.Core.Riconciliazione.PagamentiAccertamento(ctx, *id, offset, limit)
	rows := make([][]string, len(list))
	for i, p := range list {
		rows[i] = []string{p.IUV, p.IUR, p.Pagatore, dataISOIT(p.DataEsito), accEuro(p.Importo), p.TipoDovuto,
			dataOraBreve(p.AssociatoIl), p.AssociatoDa}
	}
	return rows, err
}

func accPagamentiColonne() []widgets.Column {
	return []widgets.Column{{Title: "IUV", Width: 160}, {Title: "IUR", Width: 160}, {Title: lang.L("Pagatore"), Width: 150},
		{Title: lang.L("Data esito"), Width: 100}, {Title: lang.L("Importo"), Width: 85, Align: fyne.TextAlignTrailing},
		{Title: lang.L("Tipo dovuto"), Width: 125}, {Title: lang.L("Associato il"), Width: 140}, {Title: lang.L("Da"), Width: 70}}
}

// accApriDettaglio reads the assessment (a quick local read) and shows it.
func (u *UI) accApriDettaglio(s *accGestione, id int64) {
	a, err := u.Core.Riconciliazione.Accertamento(u.ctx, id)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	x := &accDettaglio{a: a, Stato: widget.NewLabel(""), Riepilogo: widget.NewLabel(""), Esito: esitoLabel()}
	x.id.set(&a.ID)
	x.Stato.TextStyle.Bold = true
	x.Form = widgets.NewDetailForm([]widgets.Section{{Fields: []widgets.Field{
		{Key: "descrizione", Label: lang.L("Descrizione"), Required: true},
		{Key: "importo", Label: lang.L("Importo previsto (euro)")},
	}}}, func(v map[string]string) error {
		imp, err := riconciliazione.LeggiImporto(lang.L("Importo previsto"), v["importo"])
		if err == nil {
			err = u.Core.Riconciliazione.ModificaAccertamento(u.ctx, u.Core.Operatore(), x.a.ID, v["descrizione"], imp)
		}
		if err != nil {
			return err
		}
		u.accRicarica(s, x)
		return nil
	})
	cols := accPagamentiColonne()
	src := accPagamentiSource{u: u, id: &x.id}
	x.Pagamenti = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{Columns: cols, Source: src,
		Export: widgets.ExportFile(src, lang.L("Pagamenti"), cols), ExportName: "pagamenti-accertamento-" + a.Codice + ".xlsx"})
	x.Pagamenti.Pulisci.Hide() // no filters to clear: «Elenca» reads the list again
	x.Pagamenti.OnSelect = func([]string) { u.accAggiornaAzioni(x) }
	x.Pagamenti.OnResults = func(int) { u.accAggiornaAzioni(x) } // a new list, nothing selected
	x.Associa = widget.NewButtonWithIcon(lang.L("Associa pagamenti"), theme.ContentAddIcon(), func() { u.accApriAssocia(s, x) })
	x.Associa.Importance = widget.HighImportance
	x.Rimuovi = widget.NewButtonWithIcon(lang.L("Rimuovi associazione"), theme.ContentRemoveIcon(), func() { u.accRimuovi(s, x) })
	x.Chiudi = widget.NewButtonWithIcon(lang.L("Chiudi accertamento"), theme.CheckButtonCheckedIcon(), func() {
		x.Conferma = u.accChiudiORiapri(x.a, func() { u.accRicarica(s, x) })
	})
	x.Riapri = widget.NewButtonWithIcon(lang.L("Riapri accertamento"), theme.CheckButtonIcon(), func() {
		x.Conferma = u.accChiudiORiapri(x.a, func() { u.accRicarica(s, x) })
	})
	x.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		u.showStorico(lang.L("Accertamento")+" "+x.a.Codice, "ric_accertamento", strconv.FormatInt(x.a.ID, 10))
	})
	x.TornaElenco = widget.NewButtonWithIcon(lang.L("Torna Elenco"), theme.NavigateBackIcon(), func() {
		s.Detail = nil
		s.show(s.Lista)
		s.Panel.Reload()
	})
	azioni := container.NewHBox(x.TornaElenco, x.Storico, layout.NewSpacer(), x.Chiudi, x.Riapri)
	// What names the assessment heads the detail; what may change is the
	// form; the payments take the width below.
	x.Titolo = widget.NewLabel("")
	x.Titolo.TextStyle.Bold = true
	x.Titolo.SizeName = theme.SizeNameSubHeadingText
	x.Riepilogo.Wrapping = fyne.TextWrapWord
	stato := container.NewVBox(x.Stato, x.Riepilogo)
	sopra := container.NewHSplit(x.Form, container.NewPadded(stato))
	sopra.Offset = 0.55
	titolo := widget.NewLabelWithStyle(lang.L("Pagamenti associati"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	sotto := container.NewBorder(container.NewBorder(nil, nil, titolo, pulsanti(container.NewHBox(x.Associa, x.Rimuovi))), nil, nil, nil,
		x.Pagamenti)
	split := container.NewVSplit(sopra, sotto)
	split.Offset = 0.32
	x.Content = container.NewBorder(container.NewVBox(azioni, x.Titolo, x.Esito), nil, nil, nil, split)
	s.Detail = x
	u.accRiempiDettaglio(x)
	s.show(x.Content)
	x.Pagamenti.Search()
}

// accRicarica reads the assessment again after a change, with its payments.
func (u *UI) accRicarica(s *accGestione, x *accDettaglio) {
	a, err := u.Core.Riconciliazione.Accertamento(u.ctx, x.a.ID)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	x.a = a
	u.accRiempiDettaglio(x)
	x.Pagamenti.Search()
	s.Panel.Reload()
}

func (u *UI) accRiempiDettaglio(x *accDettaglio) {
	a := x.a
	if x.Form.Editing() {
		x.Form.Cancel()
	}
	x.Titolo.SetText(lang.L("Accertamento {{.Codice}} — ufficio {{.Ufficio}}, capitolo {{.Capitolo}}, anno {{.Anno}}",
		map[string]any{"Codice": a.Codice, "Ufficio": a.Ufficio, "Capitolo": a.Capitolo, "Anno": accAnnoLabel(a.Anno)}))
	x.Form.SetValues(map[string]string{"descrizione": a.Descrizione, "importo": accEuro(a.Importo)})
	x.Form.SetLastChange(a.ModificatoIl, a.ModificatoDa)
	x.Stato.SetText(lang.L("Stato: {{.Stato}}", map[string]any{"Stato": accStatoLabel(a.Stato)}))
	if a.Stato == store.RicAccertamentoChiuso {
		x.Stato.Importance = widget.WarningImportance
	} else {
		x.Stato.Importance = widget.SuccessImportance
	}
	x.Stato.Refresh()
	riepilogo := lang.L("Importo previsto {{.Previsto}} € · associato {{.Associato}} € in {{.N}} pagamenti",
		map[string]any{"Previsto": accEuro(a.Importo), "Associato": accEuro(a.ImportoAssociato), "N": widgets.FormatInt(a.NPagamenti)})
	if a.Importo > 0 {
		riepilogo += " · " + lang.L("da riscuotere {{.Resto}} €", map[string]any{"Resto": accEuro(a.Importo - a.ImportoAssociato)})
	}
	x.Riepilogo.SetText(riepilogo)
	u.accAggiornaAzioni(x)
}

// accAggiornaAzioni fits the buttons to the state: a closed assessment
// changes no more; only a supervisor reopens it.
func (u *UI) accAggiornaAzioni(x *accDettaglio) {
	aperto := x.a.Stato == store.RicAccertamentoAperto
	setEnabled(x.Form.Toggle, aperto)
	setEnabled(x.Associa, aperto)
	_, scelto := x.Pagamenti.Selected()
	setEnabled(x.Rimuovi, aperto && scelto)
	setVisible(x.Chiudi, aperto)
	setVisible(x.Riapri, !aperto && riconciliazione.PuoRiaprire(u.Core.Operatore()))
}

// accRimuovi takes the selected payment out of the assessment, after SI.
func (u *UI) accRimuovi(s *accGestione, x *accDettaglio) {
	row, ok := x.Pagamenti.Selected()
	if !ok {
		return
	}
	iuv, iur := row[colAccPagIUV], row[colAccPagIUR]
	x.Conferma = widgets.Confirm(u.Win, lang.L("Rimuovi associazione"), lang.L("Togliere dall'accertamento {{.Codice}} il pagamento IUV {{.IUV}} ({{.Importo}} €)? Tornerà tra i pagamenti da associare.",
		map[string]any{"Codice": x.a.Codice, "IUV": iuv, "Importo": row[colAccPagImporto]}), func() {
		if err := u.Core.Riconciliazione.RimuoviAssociazione(u.ctx, u.Core.Operatore(), x.a.ID, iuv, iur); err != nil {
			widgets.ShowError(u.Win, err)
			return
		}
		u.accRicarica(s, x)
		setEsito(x.Esito, lang.L("Pagamento IUV {{.IUV}} tolto dall'accertamento.", map[string]any{"IUV": iuv}), widget.SuccessImportance)
	})
}
