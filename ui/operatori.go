package ui

import (
	"context"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/ui/widgets"
)

// operatoriScreen is Impostazioni → Operatori, for administrators.
type operatoriScreen struct {
	Panel    *widgets.SearchPanel
	Form     *widgets.DetailForm
	Password *widget.Entry
	Nuovo    *widget.Button
	Storico  *widget.Button
	current  operatori.Operatore // ID 0 = new account
}

func ruoloLabels() []string {
	out := make([]string, len(operatori.Ruoli))
	for i, r := range operatori.Ruoli {
		out[i] = r.Label()
	}
	return out
}

func operatoriView(u *UI) fyne.CanvasObject {
	s := &operatoriScreen{Password: widget.NewPasswordEntry()}
	s.Password.Disable()
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "testo", Label: lang.L("Nome o nome utente")},
			{Key: "ruolo", Label: lang.L("Ruolo"), Kind: widgets.FieldSelect, Options: ruoloLabels()},
		},
		Columns: []widgets.Column{{Title: "#", Width: 40}, {Title: lang.L("Nome utente"), Width: 140}, {Title: lang.L("Nome e cognome"), Width: 200},
			{Title: lang.L("E-mail"), Width: 260}, {Title: lang.L("Ruolo"), Width: 220}, {Title: lang.L("Attivo"), Width: 70}},
		Source: listSource(func(ctx context.Context, f widgets.Filter) ([][]string, error) {
			list, err := u.Core.Operatori.Elenco(ctx, u.Core.Operatore())
			var rows [][]string
			for _, o := range list {
				if !(contains(o.Nome, f["testo"]) || contains(o.Username, f["testo"])) || (f["ruolo"] != "" && o.Ruolo.Label() != f["ruolo"]) {
					continue
				}
				attivo := lang.L("sì")
				if !o.Attivo {
					attivo = lang.L("no")
				}
				rows = append(rows, []string{strconv.FormatInt(o.ID, 10), o.Username, o.Nome, o.Email, o.Ruolo.Label(), attivo})
			}
			return rows, err
		}),
	})
	s.Form = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Dati dell'operatore"),
		Fields: []widgets.Field{
			{Key: "username", Label: lang.L("Nome utente"), Required: true},
			{Key: "nome", Label: lang.L("Nome e cognome"), Required: true},
			{Key: "email", Label: lang.L("E-mail")},
			{Key: "ruolo", Label: lang.L("Ruolo"), Kind: widgets.FieldSelect, Options: ruoloLabels(), Required: true},
			{Key: "attivo", Label: lang.L("Attivo"), Kind: widgets.FieldCheck},
		},
	}}, func(v map[string]string) error { return u.saveOperatore(s, v) })
	s.Form.OnEditing = func(editing bool) {
		if editing {
			s.Password.Enable()
		} else {
			s.Password.SetText("")
			s.Password.Disable()
		}
	}
	s.Panel.OnSelect = func(row []string) { u.showOperatore(s, row[0]) }
	s.Panel.OnOpen = s.Panel.OnSelect
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() {
		s.current = operatori.Operatore{}
		s.Form.SetValues(map[string]string{"ruolo": operatori.RuoloOperatore.Label(), "attivo": "true"})
		s.Form.SetLastChange(time.Time{}, "")
		s.Form.Edit()
		s.Storico.Disable()
	})
	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		u.showStorico(s.current.Nome, "operatore", s.current.Username)
	})
	s.Storico.Disable()
	u.operatori = s
	s.Panel.Search()

	hint := widget.NewLabel(lang.L("Per un nuovo operatore la password è obbligatoria (almeno 10 caratteri, lettere e cifre o simboli); per uno esistente lasciarla vuota per non cambiarla."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	detail := container.NewBorder(
		container.NewHBox(s.Nuovo, s.Storico, layout.NewSpacer()),
		container.NewVBox(widget.NewForm(widget.NewFormItem(lang.L("Password"), s.Password)), hint), nil, nil, s.Form,
	)
	split := container.NewVSplit(s.Panel, container.NewPadded(detail))
	split.Offset = 0.4
	return split
}

func (u *UI) showOperatore(s *operatoriScreen, idText string) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	list, err := u.Core.Operatori.Elenco(u.ctx, u.Core.Operatore())
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	for _, o := range list {
		if o.ID != id {
			continue
		}
		if s.Form.Editing() {
			s.Form.Cancel()
		}
		s.current = o
		s.Form.SetValues(map[string]string{"username": o.Username, "nome": o.Nome, "email": o.Email,
			"ruolo": o.Ruolo.Label(), "attivo": strconv.FormatBool(o.Attivo)})
		if last, ok, err := u.Core.UltimaModifica(u.ctx, "operatore", o.Username); err == nil && ok {
			s.Form.SetLastChange(last.At, last.Operatore)
		} else {
			s.Form.SetLastChange(time.Time{}, "")
		}
		s.Storico.Enable()
	}
}

func (u *UI) saveOperatore(s *operatoriScreen, v map[string]string) error {
	r, _ := operatori.RuoloByLabel(v["ruolo"])
	n := operatori.Nuovo{Username: v["username"], Nome: v["nome"], Email: v["email"], Ruolo: r,
		Password: s.Password.Text, Attivo: v["attivo"] == "true"}
	by := u.Core.Operatore()
	if s.current.ID == 0 {
		o, err := u.Core.Operatori.Crea(u.ctx, by, n)
		if err != nil {
			return err
		}
		s.current = o
	} else {
		if err := u.Core.Operatori.Modifica(u.ctx, by, s.current.ID, n); err != nil {
			return err
		}
		s.current.Username, s.current.Nome = n.Username, n.Nome
	}
	s.Form.SetLastChange(time.Now(), by.Username)
	s.Storico.Enable()
	s.Panel.Reload()
	return nil
}
