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
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// serviziScreen is Impostazioni → Servizi App IO: the list, the detail of
// the selected service and its API key, which goes to the keyring.
type serviziScreen struct {
	Panel   *widgets.SearchPanel
	Form    *widgets.DetailForm
	Chiave  *widget.Entry
	Nuovo   *widget.Button
	Elimina *widget.Button
	Storico *widget.Button
	current int64 // 0 = new service
}

const (
	colServizioID = iota
	colServizioNome
	colServizioServiceID
	colServizioLivello
	colServizioURL
	colServizioChiave
)

// centsFromEuro reads the optional maximum amount with the same rules as
// the amounts of a flow's file (1.500,00 / 1500.00 / 1500).
func centsFromEuro(s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	c, err := flussi.ParseImporto(s)
	if err != nil {
		return 0, impostazioni.ErrValidazione{Campo: lang.L("Importo massimo (euro)"), Motivo: err.Error()}
	}
	return c, nil
}

func serviziIOView(u *UI) fyne.CanvasObject {
	s := &serviziScreen{Chiave: widget.NewPasswordEntry()}
	s.Chiave.SetPlaceHolder(lang.L("lasciare vuoto per non cambiarla"))
	s.Chiave.Disable()
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{{Key: "nome", Label: lang.L("Nome")}},
		Columns: []widgets.Column{{Title: "#", Width: 40}, {Title: lang.L("Nome"), Width: 240}, {Title: lang.L("ID servizio"), Width: 230},
			{Title: lang.L("Livello"), Width: 100}, {Title: lang.L("URL base"), Width: 280}, {Title: lang.L("Chiave API"), Width: 120}},
		Source: listSource(func(ctx context.Context, f widgets.Filter) ([][]string, error) {
			list, err := u.Core.Impostazioni.ServiziIO(ctx)
			var rows [][]string
			for _, sv := range list {
				if !contains(sv.Nome, f["nome"]) {
					continue
				}
				chiave := lang.L("presente")
				if !sv.ChiavePresente {
					chiave = lang.L("mancante")
				}
				rows = append(rows, []string{strconv.FormatInt(sv.ID, 10), sv.Nome, sv.ServiceID, sv.Livello, sv.BaseURL, chiave})
			}
			return rows, err
		}),
	})
	s.Form = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Dettaglio servizio"),
		Fields: []widgets.Field{
			{Key: "nome", Label: lang.L("Nome"), Required: true},
			{Key: "service_id", Label: lang.L("ID servizio"), Required: true},
			{Key: "base_url", Label: lang.L("URL base"), Required: true},
			{Key: "livello", Label: lang.L("Livello"), Kind: widgets.FieldSelect, Options: []string{"STANDARD", "ADVANCED"}, Required: true},
			{Key: "importo_massimo", Label: lang.L("Importo massimo (euro)")},
			{Key: "attivo", Label: lang.L("Attivo"), Kind: widgets.FieldCheck},
		},
	}}, func(v map[string]string) error { return u.saveServizio(s, v) })
	s.Form.OnEditing = func(editing bool) {
		if editing {
			s.Chiave.Enable()
		} else {
			s.Chiave.SetText("")
			s.Chiave.Disable()
		}
	}
	s.Panel.OnSelect = func(row []string) { u.showServizio(s, row[colServizioID]) }
	s.Panel.OnOpen = s.Panel.OnSelect
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() {
		s.current = 0
		s.Form.SetValues(map[string]string{"base_url": "https://api.io.pagopa.it/api/v1", "livello": "STANDARD", "attivo": "true"})
		s.Form.SetLastChange(time.Time{}, "")
		s.Form.Edit()
		s.Elimina.Disable()
		s.Storico.Disable()
	})
	s.Elimina = widget.NewButtonWithIcon(lang.L("Elimina"), theme.DeleteIcon(), func() {
		if s.current == 0 {
			return
		}
		widgets.Confirm(u.Win, lang.L("Elimina servizio"), lang.L("Eliminare il servizio selezionato e la sua chiave API?"), func() {
			if err := u.Core.Impostazioni.EliminaServizioIO(u.ctx, u.Core.Operatore(), s.current); err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			s.current = 0
			s.Form.SetValues(nil)
			s.Elimina.Disable()
			s.Storico.Disable()
			s.Panel.Reload()
		})
	})
	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		u.showStorico(s.Form.Values()["nome"], "servizio_io", strconv.FormatInt(s.current, 10))
	})
	s.Elimina.Disable()
	s.Storico.Disable()
	u.servizi = s
	s.Panel.Search()

	backend := widget.NewLabel(lang.L("Le chiavi API sono custodite in") + ": " + u.Core.Secrets.Backend())
	backend.Wrapping = fyne.TextWrapWord
	backend.Importance = widget.LowImportance
	key := widget.NewForm(widget.NewFormItem(lang.L("Chiave API"), s.Chiave))
	// The form scrolls by itself: give it the centre so it gets the room.
	detail := container.NewBorder(
		container.NewHBox(s.Nuovo, s.Elimina, s.Storico, layout.NewSpacer()),
		container.NewVBox(key, backend), nil, nil, s.Form,
	)
	split := container.NewVSplit(s.Panel, container.NewPadded(detail))
	split.Offset = 0.4
	return split
}

func (u *UI) showServizio(s *serviziScreen, idText string) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	list, err := u.Core.Impostazioni.ServiziIO(u.ctx)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	for _, sv := range list {
		if sv.ID != id {
			continue
		}
		if s.Form.Editing() {
			s.Form.Cancel()
		}
		s.current = id
		s.Form.SetValues(map[string]string{"nome": sv.Nome, "service_id": sv.ServiceID, "base_url": sv.BaseURL,
			"livello": sv.Livello, "importo_massimo": flussi.FormatImporto(sv.ImportoMassimo), "attivo": strconv.FormatBool(sv.Attivo)})
		s.Form.SetLastChange(sv.ModificatoIl, sv.ModificatoDa)
		s.Elimina.Enable()
		s.Storico.Enable()
	}
}

func (u *UI) saveServizio(s *serviziScreen, v map[string]string) error {
	cents, err := centsFromEuro(v["importo_massimo"])
	if err != nil {
		return err
	}
	id, err := u.Core.Impostazioni.SalvaServizioIO(u.ctx, u.Core.Operatore(), store.ServizioIO{
		ID: s.current, Nome: v["nome"], ServiceID: v["service_id"], BaseURL: v["base_url"], Livello: v["livello"],
		ImportoMassimo: cents, Attivo: v["attivo"] == "true"}, s.Chiave.Text)
	if err != nil {
		return err
	}
	s.current = id
	s.Form.SetLastChange(time.Now(), u.Core.Operatore().Username)
	s.Elimina.Enable()
	s.Storico.Enable()
	s.Panel.Reload()
	return nil
}
