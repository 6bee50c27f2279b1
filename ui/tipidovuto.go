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

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// tipiDovutoScreen is Impostazioni → Tipi dovuto: the kinds of payment the
// ente bills through pagoPA, with what a debt position needs (taxonomy,
// IBAN, segregation code, postal account).
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
			{Title: lang.L("Tassonomia"), Width: 130}, {Title: lang.L("IBAN"), Width: 250}, {Title: lang.L("Attivo"), Width: 60}},
		Source: listSource(func(ctx context.Context, f widgets.Filter) ([][]string, error) {
			list, err := u.Core.Impostazioni.TipiDovuto(ctx)
			var rows [][]string
			for _, t := range list {
				if contains(t.Codice+" "+t.Descrizione, f["testo"]) {
					rows = append(rows, []string{strconv.FormatInt(t.ID, 10), t.Codice, t.Descrizione, t.Tassonomia, t.IBAN, siNoLabel(t.Attivo)})
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
	hint := widget.NewLabel(lang.L("Tassonomia: il codice pagoPA della voce di entrata, es. 9/0101108TS/. Il conto corrente postale, se indicato, aggiunge il bollettino postale all'avviso. Un tipo dovuto non si elimina: se non serve più, togliere «Attivo»."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	detail := container.NewBorder(container.NewHBox(s.Nuovo, s.Storico, layout.NewSpacer()), hint, nil, nil, s.Form)
	split := container.NewVSplit(s.Panel, container.NewPadded(detail))
	split.Offset = 0.35
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
			"intestatario_conto": t.IntestatarioConto, "attivo": strconv.FormatBool(t.Attivo)})
		s.Form.SetLastChange(t.ModificatoIl, t.ModificatoDa)
		s.Storico.Enable()
	}
}

func (u *UI) saveTipoDovuto(s *tipiDovutoScreen, v map[string]string) error {
	seg, err := strconv.Atoi(strings.TrimSpace(v["segregazione"]))
	if err != nil {
		return impostazioni.ErrValidazione{Campo: lang.L("Codice segregazione"), Motivo: lang.L("un numero da 0 a 99")}
	}
	id, err := u.Core.Impostazioni.SalvaTipoDovuto(u.ctx, u.Core.Operatore(), store.TipoDovuto{ID: s.current,
		Codice: v["codice"], Descrizione: v["descrizione"], Tassonomia: v["tassonomia"], IBAN: v["iban"], Segregazione: seg,
		ContoPostale: v["conto_postale"], IntestatarioConto: v["intestatario_conto"], Attivo: v["attivo"] == "true"})
	if err != nil {
		return err
	}
	s.current = id
	s.Form.SetLastChange(time.Now(), u.Core.Operatore().Username)
	s.Storico.Enable()
	s.Panel.Reload()
	return nil
}
