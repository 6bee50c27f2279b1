package ui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/ui/widgets"
)

// lettereScreen is Impostazioni → Lettere di accompagnamento: the
// templates of the cover letter that goes with each pagoPA notice sent by
// PEC or e-mail. The built-in template is listed first until a template
// of its name is saved. The screen is its own widget, so that tests find
// it as the main window's content.
type lettereScreen struct {
	widget.BaseWidget
	Panel          *widgets.SearchPanel
	Form           *widgets.DetailForm
	Nuovo          *widget.Button
	Storico        *widget.Button
	AnteprimaPDF   *widget.Button
	AnteprimaTesto *widget.Button
	// Campi are the merge fields, one button each (in lettere.Campi order):
	// a tap inserts the field at the cursor of the entry last typed in.
	Campi []*widget.Button
	// Controllo tells, while editing, what is wrong with the template.
	Controllo *widget.Label
	Esito     *widget.Label
	// Dialogo is the open text preview, with the merged subject and body.
	Dialogo                          *dialog.CustomDialog
	OggettoAnteprima, TestoAnteprima *widget.Label
	// ChooseFile asks where to save the PDF preview (tests replace it).
	ChooseFile func(suggested string, chosen func(path string))

	current int64 // 0 = new, or the built-in template not yet saved
	// target is where a field goes: the entry last typed or clicked in
	// (its text changed, or its cursor moved, while editing).
	target    *widget.Entry
	cursori   map[*widget.Entry][2]int
	caricando bool // SetValues at work: its changes are not the clerk's
	bg        *widgets.Background
	content   fyne.CanvasObject
}

// CreateRenderer shows the screen's layout.
func (s *lettereScreen) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.content)
}

const (
	colLetteraID = iota
	colLetteraNome
	colLetteraOggetto
	colLetteraAttivo
	colLetteraTipo
)

func lettereView(u *UI) fyne.CanvasObject {
	s := &lettereScreen{bg: widgets.NewBackground(), Esito: esitoLabel(), cursori: map[*widget.Entry][2]int{}}
	s.ChooseFile = func(suggested string, chosen func(string)) {
		widgets.ShowFileSave(u.Win, suggested, []string{".pdf"}, chosen)
	}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{{Key: "testo", Label: lang.L("Nome o oggetto")}},
		Columns: []widgets.Column{{Title: "#", Width: 40}, {Title: lang.L("Nome"), Width: 220}, {Title: lang.L("Oggetto"), Width: 380},
			{Title: lang.L("Attivo"), Width: 60}, {Title: lang.L("Tipo"), Width: 110}},
		Source: listSource(func(ctx context.Context, f widgets.Filter) ([][]string, error) {
			list, err := u.Core.Impostazioni.ModelliLettera(ctx)
			var rows [][]string
			for _, m := range list {
				if contains(m.Nome+" "+m.Oggetto, f["testo"]) {
					tipo := ""
					if m.Predefinito {
						tipo = lang.L("predefinito")
					}
					rows = append(rows, []string{strconv.FormatInt(m.ID, 10), m.Nome, m.Oggetto, siNoLabel(m.Attivo), tipo})
				}
			}
			return rows, err
		}),
	})
	s.Form = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Modello di lettera"),
		Fields: []widgets.Field{
			{Key: "nome", Label: lang.L("Nome"), Required: true},
			{Key: "oggetto", Label: lang.L("Oggetto"), Required: true},
			{Key: "testo", Label: lang.L("Testo"), Kind: widgets.FieldMultiline, Required: true},
			{Key: "firma", Label: lang.L("Firma"), Kind: widgets.FieldMultiline},
			{Key: "attivo", Label: lang.L("Attivo"), Kind: widgets.FieldCheck},
		},
	}}, func(v map[string]string) error { return u.saveModelloLettera(s, v) })
	e := s.Form.Entries
	e["testo"].SetMinRowsVisible(14)
	e["firma"].SetMinRowsVisible(2)
	s.target = e["testo"]
	for _, k := range []string{"oggetto", "testo", "firma"} {
		entry := e[k]
		entry.OnCursorChanged = func() {
			// Refreshes report the cursor too: only a move counts.
			pos := [2]int{entry.CursorRow, entry.CursorColumn}
			if old, ok := s.cursori[entry]; ok && old != pos && s.Form.Editing() && !s.caricando {
				s.target = entry
			}
			s.cursori[entry] = pos
		}
		entry.OnChanged = func(string) {
			if s.Form.Editing() && !s.caricando {
				s.target = entry
				// The error of the last save is stale now: the live
				// check below takes over.
				if s.Form.Errore.Visible() {
					s.Form.Errore.SetText("")
					s.Form.Errore.Hide()
					s.Form.Refresh()
				}
			}
			s.controlla()
		}
	}
	s.Form.OnEditing = func(bool) { s.controlla() }
	s.Panel.OnSelect = func(row []string) { u.showModelloLettera(s, row) }
	s.Panel.OnOpen = s.Panel.OnSelect

	s.Nuovo = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() {
		s.current = 0
		s.carica(map[string]string{"attivo": "true"})
		s.Form.SetLastChange(time.Time{}, "")
		s.Form.Edit()
		s.Storico.Disable()
		setEsito(s.Esito, "", widget.MediumImportance)
	})
	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		u.showStorico(s.Form.Values()["nome"], "modello_lettera", strconv.FormatInt(s.current, 10))
	})
	s.Storico.Disable()
	s.AnteprimaPDF = widget.NewButtonWithIcon(lang.L("Anteprima PDF"), theme.DocumentSaveIcon(), func() { u.anteprimaPDFLettera(s) })
	s.AnteprimaTesto = widget.NewButtonWithIcon(lang.L("Anteprima testo"), theme.VisibilityIcon(), func() { u.anteprimaTestoLettera(s) })

	s.Controllo = widget.NewLabel("")
	s.Controllo.Wrapping = fyne.TextWrapWord
	s.Controllo.Importance = widget.DangerImportance
	s.Controllo.Hide()

	campi := container.New(layout.NewFormLayout())
	for _, c := range lettere.Campi() {
		nome := c.Nome
		b := widget.NewButton("{{"+nome+"}}", func() { s.inserisci(u, nome) })
		b.Alignment = widget.ButtonAlignLeading
		s.Campi = append(s.Campi, b)
		d := widget.NewLabel(c.Descrizione + "\n" + lang.L("es.") + " " + c.Esempio)
		d.Wrapping = fyne.TextWrapWord
		d.Importance = widget.LowImportance
		campi.Add(b)
		campi.Add(d)
	}
	aiuto := widget.NewLabel(lang.L("Un clic su un campo lo inserisce dove si trova il cursore (nell'Oggetto, nel Testo o nella Firma: l'ultimo in cui si è scritto); a campi bloccati lo copia negli appunti. Nel testo i campi si scrivono tra doppie graffe, es. {{.Esempio}}. Una riga del testo i cui campi risultano tutti vuoti non viene stampata: es. il riferimento al protocollo di una lettera non protocollata. Le righe che iniziano con «- » diventano un elenco puntato.",
		map[string]any{"Esempio": "{{Importo}}"}))
	aiuto.Wrapping = fyne.TextWrapWord
	aiuto.Importance = widget.LowImportance
	lato := container.NewBorder(container.NewVBox(widget.NewLabelWithStyle(lang.L("Campi di unione"), fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true}), aiuto), nil, nil, nil, container.NewVScroll(campi))

	bottoni := container.NewHBox(s.Nuovo, s.Storico, s.AnteprimaTesto, s.AnteprimaPDF, layout.NewSpacer())
	dettaglio := container.NewBorder(container.NewVBox(bottoni, s.Esito), s.Controllo, nil, nil, s.Form)
	basso := container.NewHSplit(container.NewPadded(dettaglio), container.NewPadded(lato))
	basso.Offset = 0.66
	split := container.NewVSplit(s.Panel, basso)
	split.Offset = 0.25
	s.content = split
	s.ExtendBaseWidget(s)
	s.Panel.Search()
	return s
}

// carica fills the form; fields then go to the body until the clerk
// types or clicks elsewhere.
func (s *lettereScreen) carica(v map[string]string) {
	s.caricando = true
	s.Form.SetValues(v)
	s.caricando = false
	s.target = s.Form.Entries["testo"]
}

// modello is the template as the form holds it now.
func (s *lettereScreen) modello() impostazioni.ModelloLettera {
	v := s.Form.Values()
	return impostazioni.ModelloLettera{ID: s.current, Attivo: v["attivo"] == "true",
		Modello: lettere.Modello{Nome: v["nome"], Oggetto: v["oggetto"], Testo: v["testo"], Firma: v["firma"]}}
}

// controlla shows, while editing, what lettere.Valida finds wrong as the
// clerk types: the first few problems, without the list of allowed fields
// (it is at the side). Empty fields are left to the check on saving.
func (s *lettereScreen) controlla() {
	var righe []string
	var es lettere.Errori
	if s.Form.Editing() && errors.As(lettere.Valida(s.modello().Modello), &es) {
		for _, e := range es {
			if e.Motivo != "obbligatorio" && len(righe) < 4 {
				righe = append(righe, e.Error())
			}
		}
	}
	msg := strings.Join(righe, "\n")
	s.Controllo.SetText(msg)
	setVisible(s.Controllo, msg != "")
}

// inserisci puts {{nome}} at the cursor of the entry last typed in (it
// replaces a selection, as typing does); with the form locked it copies
// the field to the clipboard instead.
func (s *lettereScreen) inserisci(u *UI, nome string) {
	campo := "{{" + nome + "}}"
	if !s.Form.Editing() || s.target == nil {
		u.Fyne.Clipboard().SetContent(campo)
		setEsito(s.Esito, lang.L("Campo {{.Campo}} copiato negli appunti.", map[string]any{"Campo": campo}), widget.MediumImportance)
		return
	}
	for _, r := range campo {
		s.target.TypedRune(r)
	}
	u.Win.Canvas().Focus(s.target)
}

func (u *UI) showModelloLettera(s *lettereScreen, row []string) {
	list, err := u.Core.Impostazioni.ModelliLettera(u.ctx)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	id, _ := strconv.ParseInt(row[colLetteraID], 10, 64)
	for _, m := range list {
		if m.ID != id || m.Nome != row[colLetteraNome] {
			continue
		}
		if s.Form.Editing() {
			s.Form.Cancel()
		}
		s.current = m.ID
		s.carica(map[string]string{"nome": m.Nome, "oggetto": m.Oggetto, "testo": m.Testo, "firma": m.Firma,
			"attivo": strconv.FormatBool(m.Attivo)})
		s.Form.SetLastChange(m.ModificatoIl, m.ModificatoDa)
		if m.Predefinito {
			setEsito(s.Esito, lang.L("Modello predefinito di Sportello: modificato e salvato con lo stesso nome, prende il posto dell'originale."), widget.LowImportance)
		} else {
			setEsito(s.Esito, "", widget.MediumImportance)
		}
		setEnabled(s.Storico, m.ID != 0)
	}
}

func (u *UI) saveModelloLettera(s *lettereScreen, _ map[string]string) error {
	id, err := u.Core.Impostazioni.SalvaModelloLettera(u.ctx, u.Core.Operatore(), s.modello())
	if err != nil {
		return err
	}
	s.current = id
	s.Form.SetLastChange(time.Now(), u.Core.Operatore().Username)
	s.Storico.Enable()
	setEsito(s.Esito, "", widget.MediumImportance)
	s.Panel.Reload()
	return nil
}

// anteprimaTestoLettera shows the subject and body filled with the
// sample debtor's data.
func (u *UI) anteprimaTestoLettera(s *lettereScreen) {
	d := lettere.DatiEsempio()
	if e, err := u.Core.Impostazioni.Ente(u.ctx); err == nil {
		d.Ente.Nome = e.Denominazione
	}
	oggetto, testo, err := lettere.Componi(s.modello().Modello, d)
	if err != nil {
		setEsito(s.Esito, lang.L("Anteprima non possibile")+":\n"+err.Error(), widget.DangerImportance)
		return
	}
	setEsito(s.Esito, "", widget.MediumImportance)
	s.OggettoAnteprima = widget.NewLabelWithStyle(lang.L("Oggetto")+": "+oggetto, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.OggettoAnteprima.Wrapping = fyne.TextWrapWord
	s.TestoAnteprima = widget.NewLabel(testo)
	s.TestoAnteprima.Wrapping = fyne.TextWrapWord
	nota := widget.NewLabel(lang.L("Dati di esempio: {{.Nome}}, avviso di {{.Importo}}.",
		map[string]any{"Nome": d.Intestazione, "Importo": lettere.FormattaImporto(d.Centesimi)}))
	nota.Importance = widget.LowImportance
	body := container.NewBorder(container.NewVBox(nota, s.OggettoAnteprima), nil, nil, nil, container.NewVScroll(s.TestoAnteprima))
	s.Dialogo = dialog.NewCustom(lang.L("Anteprima della lettera"), lang.L("Chiudi"), body, u.Win)
	s.Dialogo.Resize(fyne.NewSize(720, 560))
	s.Dialogo.Show()
}

// anteprimaPDFLettera prints the template for the sample debtor, as the
// ente would send it, to a file the clerk chooses.
func (u *UI) anteprimaPDFLettera(s *lettereScreen) {
	m := s.modello().Modello
	if _, _, err := lettere.Componi(m, lettere.DatiEsempio()); err != nil {
		setEsito(s.Esito, lang.L("Anteprima non possibile")+":\n"+err.Error(), widget.DangerImportance)
		return
	}
	s.ChooseFile("anteprima-lettera.pdf", func(path string) {
		s.AnteprimaPDF.Disable()
		s.bg.Go(func() func() {
			var buf bytes.Buffer
			err := u.Core.Impostazioni.AnteprimaLettera(u.ctx, m, &buf)
			if err == nil {
				err = os.WriteFile(path, buf.Bytes(), 0o644)
			}
			return func() {
				s.AnteprimaPDF.Enable()
				if err != nil {
					setEsito(s.Esito, lang.L("Anteprima non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
					return
				}
				setEsito(s.Esito, lang.L("Anteprima salvata")+": "+path, widget.SuccessImportance)
			}
		})
	})
}
