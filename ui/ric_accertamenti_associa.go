package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// accAssocia is «Associa pagamenti»: the paid payments no assessment
// counts yet, searched; the selected one (or the one double-clicked) is
// associated at once and leaves the list, so the next can follow; «Associa
// tutti» takes every payment the search finds, after SI.
type accAssocia struct {
	Dialog       *dialog.CustomDialog
	Panel        *widgets.SearchPanel
	Associa      *widget.Button
	AssociaTutti *widget.Button
	Chiudi       *widget.Button
	Esito        *widget.Label
	Conferma     *widgets.ConfirmDialog
	Progresso    *widgets.ProgressDialog
}

const (
	colAccLibIUV = iota
	colAccLibIUR
	colAccLibPagatore
	colAccLibData
	colAccLibImporto
	colAccLibTipo
	colAccLibBilancio
)

type accLiberiSource struct{ u *UI }

func accFiltroLiberi(f widgets.Filter) store.FiltroRicPagamentiLiberi {
	return store.FiltroRicPagamentiLiberi{IUV: f["iuv"], Pagatore: f["pagatore"], DataDal: f["dal"], DataAl: f["al"],
		TipoDovuto: f["tipo"]}
}

func (s accLiberiSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaPagamentiLiberi(ctx, accFiltroLiberi(f))
}

func (s accLiberiSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	list, err := s.u.Core.Riconciliazione.PagamentiLiberi(ctx, accFiltroLiberi(f), offset, limit)
	rows := make([][]string, len(list))
	for i, p := range list {
		pagatore := p.Pagatore
		if pagatore == "" {
			pagatore = p.CFPagatore
		}
		rows[i] = []string{p.IUV, p.IUR, pagatore, dataISOIT(p.DataEsito), accEuro(p.Importo), p.TipoDovuto, accBilancio(p)}
	}
	return rows, err
}

func (u *UI) accApriAssocia(s *accGestione, x *accDettaglio) {
	d := &accAssocia{Esito: esitoLabel()}
	d.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "iuv", Label: "IUV", Placeholder: lang.L("anche solo le prime cifre")},
			{Key: "pagatore", Label: lang.L("Pagatore"), Placeholder: lang.L("nome o codice fiscale")},
			{Key: "tipo", Label: lang.L("Tipo dovuto")},
			{Key: "dal", Label: lang.L("Data esito dal"), Kind: widgets.FieldDate},
			{Key: "al", Label: lang.L("Data esito al"), Kind: widgets.FieldDate},
		},
		Columns: []widgets.Column{{Title: "IUV", Width: 160}, {Title: "IUR", Width: 155}, {Title: lang.L("Pagatore"), Width: 150},
			{Title: lang.L("Data esito"), Width: 100}, {Title: lang.L("Importo"), Width: 85, Align: fyne.TextAlignTrailing},
			{Title: lang.L("Tipo dovuto"), Width: 125}, {Title: lang.L("Bilancio del dovuto"), Width: 145}},
		Source: accLiberiSource{u: u},
	})
	uno := func(row []string) { u.accAssociaUno(s, x, d, row) }
	d.Panel.OnOpen = uno
	d.Associa = widget.NewButtonWithIcon(lang.L("Associa selezionato"), theme.ContentAddIcon(), func() {
		if row, ok := d.Panel.Selected(); ok {
			uno(row)
		}
	})
	d.Associa.Importance = widget.HighImportance
	d.AssociaTutti = widget.NewButtonWithIcon(lang.L("Associa tutti i risultati"), theme.ContentAddIcon(), func() { u.accAssociaTutti(s, x, d) })
	// Nothing to associate until a search finds payments, and nothing
	// selected then: a new search (also the one after an association)
	// clears the selection.
	d.Associa.Disable()
	d.AssociaTutti.Disable()
	d.Panel.OnSelect = func([]string) { d.Associa.Enable() }
	d.Panel.OnResults = func(n int) {
		setEnabled(d.AssociaTutti, n > 0)
		d.Associa.Disable()
	}
	nota := accNota(lang.L("Pagamenti con esito positivo non ancora associati ad alcun accertamento: l'importo associato è quello del pagamento (somma dei suoi trasferimenti). Doppio clic o «Associa selezionato» per uno alla volta."))
	d.Dialog = dialog.NewCustomWithoutButtons(lang.L("Associa pagamenti all'accertamento {{.Codice}}", map[string]any{"Codice": x.a.Codice}),
		container.NewBorder(nota, d.Esito, nil, nil, d.Panel), u.Win)
	d.Chiudi = widget.NewButtonWithIcon(lang.L("Chiudi"), theme.CancelIcon(), d.Dialog.Hide)
	// pulsanti: greyed out when disabled (the theme keeps disabled text dark).
	d.Dialog.SetButtons([]fyne.CanvasObject{d.Chiudi, pulsanti(d.AssociaTutti), pulsanti(d.Associa)})
	d.Dialog.SetOnClosed(func() {
		d.Panel.Cancel()
		if x.Associazione == d {
			x.Associazione = nil
		}
	})
	d.Dialog.Resize(fyne.NewSize(1000, 600))
	x.Associazione = d
	d.Dialog.Show()
	d.Panel.Search()
}

// accAssociaUno associates one payment (a quick local write).
func (u *UI) accAssociaUno(s *accGestione, x *accDettaglio, d *accAssocia, row []string) {
	iuv, iur := row[colAccLibIUV], row[colAccLibIUR]
	imp, err := u.Core.Riconciliazione.AssociaPagamento(u.ctx, u.Core.Operatore(), x.a.ID, iuv, iur)
	if err != nil {
		setEsito(d.Esito, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	setEsito(d.Esito, lang.L("Pagamento IUV {{.IUV}} associato per {{.Importo}} €.", map[string]any{"IUV": iuv, "Importo": accEuro(imp)}),
		widget.SuccessImportance)
	d.Panel.Reload()
	u.accRicarica(s, x)
}

// accAssociaTutti counts what the search shown finds now (the criteria it
// ran with, not fields changed since), asks, then associates it all in
// one transaction, behind a progress dialog.
func (u *UI) accAssociaTutti(s *accGestione, x *accDettaglio, d *accAssocia) {
	f, ok := d.Panel.LastFilter()
	if !ok {
		return
	}
	filtro := accFiltroLiberi(f)
	bg := u.appIO().bg
	op := u.Core.Operatore()
	bg.Go(func() func() {
		n, err := u.Core.Riconciliazione.ContaPagamentiLiberi(u.ctx, filtro)
		return func() {
			if err != nil {
				setEsito(d.Esito, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			if n == 0 {
				setEsito(d.Esito, lang.L("Nessun pagamento da associare con questi criteri."), widget.WarningImportance)
				return
			}
			d.Conferma = widgets.Confirm(u.Win, lang.L("Associa tutti i risultati"), lang.L("Associare all'accertamento {{.Codice}} tutti i {{.N}} pagamenti trovati con i criteri di ricerca?", map[string]any{"Codice": x.a.Codice,
				"N": widgets.FormatInt(n)}), func() {
				p, ctx := widgets.NewProgressDialog(u.Win, lang.L("Associa pagamenti"), lang.L("Associazione in corso…"))
				d.Progresso = p
				bg.Go(func() func() {
					m, tot, err := u.Core.Riconciliazione.AssociaPagamentiFiltro(ctx, op, x.a.ID, filtro)
					return func() {
						p.End(err)
						if err != nil {
							setEsito(d.Esito, widgets.ErrorText(err), widget.DangerImportance)
							return
						}
						setEsito(d.Esito, lang.L("{{.N}} pagamenti associati per {{.Importo}} €.",
							map[string]any{"N": widgets.FormatInt(m), "Importo": accEuro(tot)}), widget.SuccessImportance)
						d.Panel.Reload()
						u.accRicarica(s, x)
					}
				})
			})
		}
	})
}
