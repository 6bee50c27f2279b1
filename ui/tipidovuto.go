package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// tipiDovutoScreen is Impostazioni › Tipi dovuto: the kinds of payment the
// ente bills through pagoPA, with what a debt position needs (taxonomy,
// IBAN, segregation code, postal account), and the catalogue of the
// payments taken at the counter: fixed or free amount, and where the
// revenue is booked (ufficio, capitolo, accertamento).
type tipiDovutoScreen struct {
	Panel   *widgets.SearchPanel
	Form    *widgets.DetailForm
	Nuovo   *widget.Button
	Storico *widget.Button
	current int64 // 0 = new
}

const (
	colTipoID = iota
	colTipoCodice
)

func tipiDovutoView(u *UI) fyne.CanvasObject {
	s := &tipiDovutoScreen{}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{{Key: "testo", Label: lang.L("Codice o descrizione")}},
		Columns: []widgets.Column{{Title: "#", Width: 40}, {Title: lang.L("Codice"), Width: 140}, {Title: lang.L("Descrizione"), Width: 300},
			{Title: lang.L("Tassonomia"), Width: 130}, {Title: lang.L("IBAN"), Width: 250}, {Title: lang.L("Attivo"), Width: 60},
			{Title: lang.L("Sportello"), Width: 80}, {Title: lang.L("Importo fisso"), Width: 110, Align: fyne.TextAlignTrailing},
			{Title: lang.L("Capitolo"), Width: 100}},
		Source: listSource(func(ctx context.Context, f widgets.Filter) ([][]string, error) {
			list, err := u.Core.Impostazioni.TipiDovuto(ctx)
			var rows [][]string
			for _, t := range list {
				if contains(t.Codice+" "+t.Descrizione, f["testo"]) {
					rows = append(rows, []string{strconv.FormatInt(t.ID, 10), t.Codice, t.Descrizione, t.Tassonomia, t.IBAN, siNoLabel(t.Attivo),
						siNoLabel(t.Spontaneo), importoFissoLabel(t), t.Capitolo})
				}
			}
			return rows, err
		}),
	})
	s.Form = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Dettaglio tipo dovuto"),
		Fields: []widgets.Field{
			{Key: "codice", Label: lang.L("Codice"), Required: true},
			{Key: "descrizione", Label: lang.L("Descrizione"), Required: true},
			{Key: "tassonomia", Label: lang.L("Tassonomia pagoPA"), Required: true},
			{Key: "iban", Label: lang.L("IBAN di accredito"), Required: true},
			{Key: "segregazione", Label: lang.L("Codice segregazione"), Required: true},
			{Key: "conto_postale", Label: lang.L("Conto corrente postale")},
			{Key: "intestatario_conto", Label: lang.L("Intestatario del conto")},
			{Key: "attivo", Label: lang.L("Attivo"), Kind: widgets.FieldCheck},
		},
	}, {
		Title: lang.L("Sportello e contabilità"),
		Fields: []widgets.Field{
			{Key: "spontaneo", Label: lang.L("Pagabile allo sportello"), Kind: widgets.FieldCheck},
			{Key: "importo_fisso", Label: lang.L("Importo fisso (€)")},
			{Key: "ufficio", Label: lang.L("Ufficio")},
			{Key: "capitolo", Label: lang.L("Capitolo")},
			{Key: "accertamento", Label: lang.L("Accertamento")},
		},
	}}, func(v map[string]string) error { return u.saveTipoDovuto(s, v) })
	s.Panel.OnSelect = func(row []string) { u.showTipoDovuto(s, row[colTipoID]) }
	s.Panel.OnOpen = s.Panel.OnSelect
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() {
		s.current = 0
		s.Form.SetValues(map[string]string{"attivo": "true"})
		s.Form.SetLastChange(time.Time{}, "")
		s.Form.Edit()
		s.Storico.Disable()
	})
	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		u.showStorico(s.Form.Values()["codice"], "tipo_dovuto", strconv.FormatInt(s.current, 10))
	})
	s.Storico.Disable()
	u.tipiDovuto = s
	s.Panel.Search()
	// Examples in a hint, not as placeholders: in a read-only form those
	// would read as the values of a record.
	hint := widget.NewLabel(lang.L("Tassonomia pagoPA della voce di entrata, es. 9/0101108TS/. Il conto postale aggiunge il bollettino all'avviso. «Pagabile allo sportello»: nel catalogo dei pagamenti spontanei, con l'importo fisso o, se vuoto, libero. Un tipo dovuto non si elimina: togliere «Attivo»."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	detail := container.NewBorder(container.NewHBox(s.Nuovo, s.Storico, layout.NewSpacer()), nil, nil, nil, s.Form)
	// Side by side: the detail (two sections) needs the window's height.
	split := container.NewHSplit(container.NewBorder(nil, hint, nil, nil, s.Panel), container.NewPadded(detail))
	split.Offset = 0.45
	return split
}

func (u *UI) showTipoDovuto(s *tipiDovutoScreen, idText string) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	list, err := u.Core.Impostazioni.TipiDovuto(u.ctx)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	for _, t := range list {
		if t.ID != id {
			continue
		}
		if s.Form.Editing() {
			s.Form.Cancel()
		}
		s.current = id
		s.Form.SetValues(map[string]string{"codice": t.Codice, "descrizione": t.Descrizione, "tassonomia": t.Tassonomia,
			"iban": t.IBAN, "segregazione": strconv.Itoa(t.Segregazione), "conto_postale": t.ContoPostale,
			"intestatario_conto": t.IntestatarioConto, "attivo": strconv.FormatBool(t.Attivo), "spontaneo": strconv.FormatBool(t.Spontaneo),
			"importo_fisso": importoCampo(t.ImportoFisso), "ufficio": t.Ufficio, "capitolo": t.Capitolo, "accertamento": t.Accertamento})
		s.Form.SetLastChange(t.ModificatoIl, t.ModificatoDa)
		s.Storico.Enable()
	}
}

func (u *UI) saveTipoDovuto(s *tipiDovutoScreen, v map[string]string) error {
	seg, err := strconv.Atoi(strings.TrimSpace(v["segregazione"]))
	if err != nil {
		return impostazioni.ErrValidazione{Campo: lang.L("Codice segregazione"), Motivo: lang.L("un numero da 0 a 99")}
	}
	var fisso int64
	if t := strings.TrimSpace(v["importo_fisso"]); t != "" {
		if fisso, err = flussi.ParseImporto(t); err != nil {
			return impostazioni.ErrValidazione{Campo: lang.L("Importo fisso"), Motivo: err.Error()}
		}
	}
	id, err := u.Core.Impostazioni.SalvaTipoDovuto(u.ctx, u.Core.Operatore(), store.TipoDovuto{ID: s.current,
		Codice: v["codice"], Descrizione: v["descrizione"], Tassonomia: v["tassonomia"], IBAN: v["iban"], Segregazione: seg,
		ContoPostale: v["conto_postale"], IntestatarioConto: v["intestatario_conto"], Attivo: v["attivo"] == "true",
		Spontaneo: v["spontaneo"] == "true", ImportoFisso: fisso, Ufficio: v["ufficio"], Capitolo: v["capitolo"], Accertamento: v["accertamento"]})
	if err != nil {
		return err
	}
	s.current = id
	s.Form.SetLastChange(time.Now(), u.Core.Operatore().Username)
	s.Storico.Enable()
	s.Panel.Reload()
	return nil
}

// importoFissoLabel is a kind's amount in the list: fixed, or free for one
// of the counter's catalogue.
func importoFissoLabel(t store.TipoDovuto) string {
	switch {
	case t.ImportoFisso > 0:
		return euro(t.ImportoFisso)
	case t.Spontaneo:
		return lang.L("libero")
	}
	return ""
}

// importoCampo is an amount as a form field holds it: 1.850,00; empty for none.
func importoCampo(cents int64) string {
	if cents == 0 {
		return ""
	}
	return pagopa.FormattaImporto(cents)
}
