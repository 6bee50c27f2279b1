package ui

import (
	"context"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// accAnagrafiche is Accertamento › Anagrafiche capitoli: three related
// lists, the offices, the chapters of the office selected and the
// assessments of the chapter selected, each with its detail (read-only
// until «Abilita campi editabili»), «Nuovo», deactivation (closing, for an
// assessment) and history.
type accAnagrafiche struct {
	widget.BaseWidget
	root fyne.CanvasObject

	Uffici, Capitoli, Accertamenti  *widgets.SearchPanel
	Ufficio, Capitolo, Accertamento *widgets.DetailForm

	NuovoUfficio, NuovoCapitolo, NuovoAccertamento       *widget.Button
	AttivaUfficio, AttivaCapitolo, ChiudiAccertamento    *widget.Button // «Disattiva»/«Riattiva», «Chiudi»/«Riapri»
	StoricoUfficio, StoricoCapitolo, StoricoAccertamento *widget.Button
	CreaMancanti                                         *widget.Button // from the debt records' bilancio
	Esito                                                *widget.Label
	Nuovo                                                *accDialogo // the last «Nuovo» of an office or chapter
	NuovoAcc                                             *accNuovoDialogo
	Conferma                                             *widgets.ConfirmDialog

	ufficio     *store.RicUfficio
	capitolo    *store.RicCapitolo
	acc         *store.RicAccertamento
	ufficioSel  accSelezione[string]
	capitoloSel accSelezione[store.FiltroRicAccertamenti]
}

func (s *accAnagrafiche) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.root)
}

const (
	colAccCapCodice = iota
	colAccCapAnno
	colAccCapDescrizione
	colAccCapStato
	colAccCapID // not shown
)

// accDelCapitoloSource lists the assessments of the chapter selected.
type accDelCapitoloSource struct {
	u     *UI
	fisso *accSelezione[store.FiltroRicAccertamenti]
}

func (s accDelCapitoloSource) Count(ctx context.Context, _ widgets.Filter) (int, error) {
	f := s.fisso.get()
	if f == nil {
		return 0, nil
	}
	t, err := s.u.Core.Riconciliazione.TotaliAccertamenti(ctx, *f)
	return t.N, err
}

func (s accDelCapitoloSource) Page(ctx context.Context, _ widgets.Filter, offset, limit int) ([][]string, error) {
	f := s.fisso.get()
	if f == nil {
		return nil, nil
	}
	list, err := s.u.Core.Riconciliazione.Accertamenti(ctx, *f, offset, limit)
	rows := make([][]string, len(list))
	for i, a := range list {
		rows[i] = []string{a.Codice, accAnnoLabel(a.Anno), a.Descrizione, accStatoLabel(a.Stato), strconv.FormatInt(a.ID, 10)}
	}
	return rows, err
}

func accAnagraficheView(u *UI) fyne.CanvasObject {
	u.appIO()
	s := &accAnagrafiche{Esito: esitoLabel()}
	s.Uffici = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields:  []widgets.Field{{Key: "testo", Label: lang.L("Cerca"), Placeholder: lang.L("codice o denominazione")}},
		Columns: accUfficiColonne(),
		Source:  accUfficiSource{u: u},
	})
	s.Capitoli = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields:  []widgets.Field{{Key: "testo", Label: lang.L("Cerca"), Placeholder: lang.L("codice o descrizione")}},
		Columns: accCapitoliColonne(),
		Source:  accCapitoliSource{u: u, ufficio: &s.ufficioSel},
	})
	s.Accertamenti = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Columns: []widgets.Column{{Title: lang.L("Codice"), Width: 100}, {Title: lang.L("Anno"), Width: 75},
			{Title: lang.L("Descrizione"), Width: 170}, {Title: lang.L("Stato"), Width: 75}},
		Source: accDelCapitoloSource{u: u, fisso: &s.capitoloSel},
	})
	s.Accertamenti.Pulisci.Hide() // no filters to clear
	s.Uffici.OnSelect = func(row []string) { u.accMostraUfficio(s, row[colAccUfficioCodice]) }
	s.Capitoli.OnSelect = func(row []string) {
		cod, anno := accLeggiCapitolo(row[colAccCapitoloChiave])
		u.accMostraCapitolo(s, cod, anno)
	}
	s.Accertamenti.OnSelect = func(row []string) {
		if id, err := strconv.ParseInt(row[colAccCapID], 10, 64); err == nil {
			u.accMostraAccertamento(s, id)
		}
	}

	s.Ufficio = widgets.NewDetailForm([]widgets.Section{{Fields: []widgets.Field{
		{Key: "codice", Label: lang.L("Codice")},
		{Key: "denominazione", Label: lang.L("Denominazione"), Required: true},
	}}}, func(v map[string]string) error {
		if err := u.Core.Riconciliazione.ModificaUfficio(u.ctx, u.Core.Operatore(), s.ufficio.Codice, v["denominazione"]); err != nil {
			return err
		}
		s.Uffici.Reload()
		u.accMostraUfficio(s, s.ufficio.Codice)
		return nil
	})
	s.Capitolo = widgets.NewDetailForm([]widgets.Section{{Fields: []widgets.Field{
		{Key: "codice", Label: lang.L("Codice")},
		{Key: "descrizione", Label: lang.L("Descrizione"), Required: true},
	}}}, func(v map[string]string) error {
		c := s.capitolo
		if err := u.Core.Riconciliazione.ModificaCapitolo(u.ctx, u.Core.Operatore(), c.Ufficio, c.Codice, c.Anno, v["descrizione"]); err != nil {
			return err
		}
		s.Capitoli.Reload()
		u.accMostraCapitolo(s, c.Codice, c.Anno)
		return nil
	})
	s.Accertamento = widgets.NewDetailForm([]widgets.Section{{Fields: []widgets.Field{
		{Key: "codice", Label: lang.L("Codice")},
		{Key: "descrizione", Label: lang.L("Descrizione"), Required: true},
		{Key: "importo", Label: lang.L("Importo previsto")},
		{Key: "associato", Label: lang.L("Importo associato")},
	}}}, func(v map[string]string) error {
		imp, err := riconciliazione.LeggiImporto(lang.L("Importo previsto"), v["importo"])
		if err == nil {
			err = u.Core.Riconciliazione.ModificaAccertamento(u.ctx, u.Core.Operatore(), s.acc.ID, v["descrizione"], imp)
		}
		if err != nil {
			return err
		}
		s.Accertamenti.Reload()
		u.accMostraAccertamento(s, s.acc.ID)
		return nil
	})
	// Three forms side by side: their footers wrap, and the buttons of
	// editing stack, rather than widen their column.
	for _, f := range []*widgets.DetailForm{s.Ufficio, s.Capitolo, s.Accertamento} {
		f.Footer.Wrapping = fyne.TextWrapWord
		f.StackButtons = true
	}
	// Year and state show in the lists (and on the buttons: Disattiva /
	// Riattiva, Chiudi / Riapri); the code stays to name what is edited.
	accBloccaCampi(s.Ufficio, "codice")
	accBloccaCampi(s.Capitolo, "codice")
	accBloccaCampi(s.Accertamento, "codice", "associato")

	s.NuovoUfficio = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() { u.accNuovoUfficio(s) })
	s.NuovoCapitolo = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() { u.accNuovoCapitolo(s) })
	s.NuovoAccertamento = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() { u.accNuovoAccertamento(s) })
	s.AttivaUfficio = widget.NewButtonWithIcon(lang.L("Disattiva"), theme.VisibilityOffIcon(), func() { u.accAttivaUfficio(s) })
	s.AttivaCapitolo = widget.NewButtonWithIcon(lang.L("Disattiva"), theme.VisibilityOffIcon(), func() { u.accAttivaCapitolo(s) })
	s.ChiudiAccertamento = widget.NewButtonWithIcon(lang.L("Chiudi"), theme.CheckButtonCheckedIcon(), func() { u.accChiudiDaAnagrafiche(s) })
	s.StoricoUfficio = widget.NewButtonWithIcon(lang.L("Storico"), theme.HistoryIcon(), func() {
		u.showStorico(lang.L("Ufficio")+" "+s.ufficio.Codice, "ric_ufficio", s.ufficio.Codice)
	})
	s.StoricoCapitolo = widget.NewButtonWithIcon(lang.L("Storico"), theme.HistoryIcon(), func() {
		c := s.capitolo
		u.showStorico(lang.L("Capitolo")+" "+c.Codice, "ric_capitolo", store.RicCapitoloID(c.Ufficio, c.Codice, c.Anno))
	})
	s.StoricoAccertamento = widget.NewButtonWithIcon(lang.L("Storico"), theme.HistoryIcon(), func() {
		u.showStorico(lang.L("Accertamento")+" "+s.acc.Codice, "ric_accertamento", strconv.FormatInt(s.acc.ID, 10))
	})
	s.CreaMancanti = widget.NewButtonWithIcon(lang.L("Crea anagrafiche mancanti dai dovuti"), theme.ViewRefreshIcon(),
		func() { u.accCreaMancanti(s) })

	colonna := func(titolo string, panel *widgets.SearchPanel, form *widgets.DetailForm, bottoni ...fyne.CanvasObject) fyne.CanvasObject {
		t := widget.NewLabelWithStyle(titolo, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		split := container.NewVSplit(panel, form)
		split.Offset = 0.5
		return container.NewBorder(container.NewVBox(t, pulsanti(container.NewHBox(bottoni...))), nil, nil, nil, split)
	}
	c1 := colonna(lang.L("Uffici"), s.Uffici, s.Ufficio, s.NuovoUfficio, s.AttivaUfficio, s.StoricoUfficio)
	c2 := colonna(lang.L("Capitoli dell'ufficio"), s.Capitoli, s.Capitolo, s.NuovoCapitolo, s.AttivaCapitolo, s.StoricoCapitolo)
	c3 := colonna(lang.L("Accertamenti del capitolo"), s.Accertamenti, s.Accertamento, s.NuovoAccertamento, s.ChiudiAccertamento,
		s.StoricoAccertamento)
	// A third of the width each, whatever they hold: splits would give way
	// to a column growing (a form entering edit mode) and move the others.
	tutto := container.NewGridWithColumns(3, c1, c2, c3)
	nota := accNota(lang.L("Quelli nominati dal bilancio dei dovuti si creano da soli all'importazione."))
	top := container.NewVBox(container.NewBorder(nil, nil, s.CreaMancanti, nil, nota), s.Esito)
	s.root = container.NewBorder(top, nil, nil, nil, tutto)
	s.ExtendBaseWidget(s)
	u.accSvuota(s, 0)
	s.Uffici.Search()
	return s
}

// accSvuota empties the detail from level on (0 office, 1 chapter, 2 assessment).
func (u *UI) accSvuota(s *accAnagrafiche, livello int) {
	if livello <= 0 {
		s.ufficio = nil
		s.ufficioSel.set(nil)
		u.accRiempiUfficio(s)
	}
	if livello <= 1 {
		s.capitolo = nil
		s.capitoloSel.set(nil)
		u.accRiempiCapitolo(s)
	}
	s.acc = nil
	u.accRiempiAccertamento(s)
}

func (u *UI) accRiempiUfficio(s *accAnagrafiche) {
	f, x := s.Ufficio, s.ufficio
	if f.Editing() {
		f.Cancel()
	}
	ok := x != nil
	setEnabled(f.Toggle, ok)
	setEnabled(s.AttivaUfficio, ok)
	setEnabled(s.StoricoUfficio, ok)
	setEnabled(s.NuovoCapitolo, ok && x.Attivo)
	if !ok {
		f.SetValues(nil)
		f.SetLastChange(time.Time{}, "")
		return
	}
	f.SetValues(map[string]string{"codice": x.Codice, "denominazione": x.Denominazione})
	f.SetLastChange(x.ModificatoIl, x.ModificatoDa)
	accTestoAttiva(s.AttivaUfficio, x.Attivo)
}

func accTestoAttiva(b *widget.Button, attivo bool) {
	if attivo {
		b.SetText(lang.L("Disattiva"))
		b.SetIcon(theme.VisibilityOffIcon())
	} else {
		b.SetText(lang.L("Riattiva"))
		b.SetIcon(theme.VisibilityIcon())
	}
}

func (u *UI) accRiempiCapitolo(s *accAnagrafiche) {
	f, x := s.Capitolo, s.capitolo
	if f.Editing() {
		f.Cancel()
	}
	ok := x != nil
	setEnabled(f.Toggle, ok)
	setEnabled(s.AttivaCapitolo, ok)
	setEnabled(s.StoricoCapitolo, ok)
	setEnabled(s.NuovoAccertamento, ok && x.Attivo && s.ufficio != nil && s.ufficio.Attivo)
	if !ok {
		f.SetValues(nil)
		f.SetLastChange(time.Time{}, "")
		return
	}
	f.SetValues(map[string]string{"codice": x.Codice, "descrizione": x.Descrizione})
	f.SetLastChange(x.ModificatoIl, x.ModificatoDa)
	accTestoAttiva(s.AttivaCapitolo, x.Attivo)
}

func (u *UI) accRiempiAccertamento(s *accAnagrafiche) {
	f, x := s.Accertamento, s.acc
	if f.Editing() {
		f.Cancel()
	}
	ok := x != nil
	aperto := ok && x.Stato == store.RicAccertamentoAperto
	setEnabled(f.Toggle, aperto)
	setEnabled(s.StoricoAccertamento, ok)
	setEnabled(s.ChiudiAccertamento, aperto || ok && riconciliazione.PuoRiaprire(u.Core.Operatore()))
	if !ok {
		f.SetValues(nil)
		f.SetLastChange(time.Time{}, "")
		return
	}
	f.SetValues(map[string]string{"codice": x.Codice, "descrizione": x.Descrizione,
		"importo": accEuro(x.Importo), "associato": lang.L("{{.Importo}} € ({{.N}} pagamenti)",
			map[string]any{"Importo": accEuro(x.ImportoAssociato), "N": widgets.FormatInt(x.NPagamenti)})})
	f.SetLastChange(x.ModificatoIl, x.ModificatoDa)
	if aperto {
		s.ChiudiAccertamento.SetText(lang.L("Chiudi"))
		s.ChiudiAccertamento.SetIcon(theme.CheckButtonCheckedIcon())
	} else {
		s.ChiudiAccertamento.SetText(lang.L("Riapri"))
		s.ChiudiAccertamento.SetIcon(theme.CheckButtonIcon())
	}
}

// accMostraUfficio reads an office (a quick local read) and shows it with
// its chapters.
func (u *UI) accMostraUfficio(s *accAnagrafiche, codice string) {
	x, err := u.Core.Riconciliazione.Ufficio(u.ctx, codice)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	stesso := s.ufficio != nil && s.ufficio.Codice == codice
	s.ufficio = &x
	u.accRiempiUfficio(s)
	if stesso {
		return
	}
	s.ufficioSel.set(&x.Codice)
	u.accSvuota(s, 1)
	s.Capitoli.Search()
	s.Accertamenti.Search()
}

func (u *UI) accMostraCapitolo(s *accAnagrafiche, codice string, anno int) {
	if s.ufficio == nil {
		return
	}
	x, err := u.Core.Riconciliazione.Capitolo(u.ctx, s.ufficio.Codice, codice, anno)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	stesso := s.capitolo != nil && s.capitolo.Codice == codice && s.capitolo.Anno == anno
	s.capitolo = &x
	u.accRiempiCapitolo(s)
	if stesso {
		return
	}
	// A chapter of one year holds that year's assessments; one of any year, all.
	s.capitoloSel.set(&store.FiltroRicAccertamenti{Ufficio: x.Ufficio, Capitolo: x.Codice, Anno: x.Anno})
	u.accSvuota(s, 2)
	s.Accertamenti.Search()
}

func (u *UI) accMostraAccertamento(s *accAnagrafiche, id int64) {
	x, err := u.Core.Riconciliazione.Accertamento(u.ctx, id)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	s.acc = &x
	u.accRiempiAccertamento(s)
}
