package ui

import (
	"strconv"
	"strings"
	"time"

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

// accNuovoForm is the form of a new assessment (Accertamento › Crea
// Nuovo, and «Nuovo» of Anagrafiche capitoli): the office among the
// active ones, the chapter among that office's, year, code, description
// and expected amount. Core checks everything and names the field.
type accNuovoForm struct {
	Ufficio     *widgets.LookupField
	Capitolo    *widgets.LookupField
	Anno        *widget.Entry
	Codice      *widget.Entry
	Descrizione *widget.Entry
	Importo     *widget.Entry
	Errore      *widget.Label
	Salva       *widget.Button
	Form        *fyne.Container

	// OnCreato hears the new assessment's ID.
	OnCreato func(id int64)

	u       *UI
	ufficio accSelezione[string]
}

func (u *UI) newAccNuovoForm() *accNuovoForm {
	n := &accNuovoForm{u: u, Anno: widget.NewEntry(), Codice: widget.NewEntry(), Descrizione: widget.NewEntry(),
		Importo: widget.NewEntry(), Errore: esitoLabel()}
	n.Ufficio = widgets.NewLookupField(u.Win, lang.L("Cerca ufficio"), widgets.SearchConfig{
		Fields:  []widgets.Field{{Key: "testo", Label: lang.L("Codice o denominazione")}},
		Columns: accUfficiColonne(),
		Source:  accUfficiSource{u: u, soloAttivi: true},
	}, colAccUfficioCodice, colAccUfficioTesto)
	n.Capitolo = widgets.NewLookupField(u.Win, lang.L("Cerca capitolo"), widgets.SearchConfig{
		Fields:  []widgets.Field{{Key: "testo", Label: lang.L("Codice o descrizione")}},
		Columns: accCapitoliColonne(),
		Source:  accCapitoliSource{u: u, ufficio: &n.ufficio, soloAttivi: true},
	}, colAccCapitoloChiave, colAccCapitoloTesto)
	n.Ufficio.Entry.SetPlaceHolder(lang.L("codice, o la lente per cercarlo"))
	n.Capitolo.Entry.SetPlaceHolder(lang.L("scegliere prima l'ufficio"))
	n.Ufficio.OnChanged = func(value, _ string) { n.ufficioScelto(value) }
	n.Capitolo.OnChanged = func(value, _ string) {
		// A chapter of one year sets the year; one of any year leaves it.
		if _, anno := accLeggiCapitolo(value); anno > 0 {
			n.Anno.SetText(strconv.Itoa(anno))
		}
	}
	n.Capitolo.Disable()
	n.Anno.SetText(strconv.Itoa(time.Now().In(widgets.Zone).Year()))
	n.Anno.SetPlaceHolder(lang.L("vuoto: qualsiasi anno"))
	n.Importo.SetPlaceHolder(lang.L("es. 12.500,00 (facoltativo)"))
	n.Descrizione.SetPlaceHolder(lang.L("es. TARI 2026 — riscossione ordinaria"))
	n.Salva = widget.NewButtonWithIcon(lang.L("Salva"), theme.DocumentSaveIcon(), n.salva)
	n.Salva.Importance = widget.HighImportance
	n.Form = container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Ufficio")+" *"), n.Ufficio,
		widget.NewLabel(lang.L("Capitolo")+" *"), n.Capitolo,
		widget.NewLabel(lang.L("Anno")), n.Anno,
		widget.NewLabel(lang.L("Codice accertamento")+" *"), n.Codice,
		widget.NewLabel(lang.L("Descrizione")+" *"), n.Descrizione,
		widget.NewLabel(lang.L("Importo previsto (euro)")), n.Importo)
	return n
}

// ufficioScelto follows the office: its chapters, and none chosen yet.
func (n *accNuovoForm) ufficioScelto(value string) {
	v := strings.TrimSpace(value)
	if v == "" {
		n.ufficio.set(nil)
		n.Capitolo.Disable()
	} else {
		n.ufficio.set(&v)
		n.Capitolo.Enable()
		n.Capitolo.Entry.SetPlaceHolder(lang.L("codice, o la lente per cercarlo"))
	}
	n.Capitolo.SetValue("", "")
}

// Imposta fills office and chapter (e.g. from the selected chapter).
func (n *accNuovoForm) Imposta(ufficio, testoUfficio string, c *store.RicCapitolo) {
	n.Ufficio.SetValue(ufficio, testoUfficio)
	n.ufficioScelto(ufficio)
	if c != nil {
		n.Capitolo.SetValue(accChiaveCapitolo(c.Codice, c.Anno), accCodiceTesto(c.Codice, c.Descrizione))
		if c.Anno != 0 {
			n.Anno.SetText(strconv.Itoa(c.Anno))
		}
	}
}

// Pulisci empties what names the new assessment, keeping office and
// chapter for the next one.
func (n *accNuovoForm) Pulisci() {
	n.Codice.SetText("")
	n.Descrizione.SetText("")
	n.Importo.SetText("")
	setEsito(n.Errore, "", widget.DangerImportance)
}

func (n *accNuovoForm) salva() {
	a, err := n.leggi()
	var id int64
	if err == nil {
		id, err = n.u.Core.Riconciliazione.CreaAccertamento(n.u.ctx, n.u.Core.Operatore(), a)
	}
	if err != nil {
		setEsito(n.Errore, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	setEsito(n.Errore, "", widget.DangerImportance)
	if n.OnCreato != nil {
		n.OnCreato(id)
	}
}

func (n *accNuovoForm) leggi() (store.RicAccertamento, error) {
	capitolo, _ := accLeggiCapitolo(n.Capitolo.Value())
	a := store.RicAccertamento{Ufficio: strings.TrimSpace(n.Ufficio.Value()), Capitolo: capitolo, Codice: n.Codice.Text,
		Descrizione: n.Descrizione.Text}
	var err error
	if a.Anno, err = riconciliazione.LeggiAnno(lang.L("Anno"), n.Anno.Text); err != nil {
		return a, err
	}
	a.Importo, err = riconciliazione.LeggiImporto(lang.L("Importo previsto"), n.Importo.Text)
	return a, err
}

// accNuovo is Accertamento › Crea Nuovo.
type accNuovo struct {
	widget.BaseWidget
	Form   *accNuovoForm
	Esito  *widget.Label
	Apri   *widget.Button // «Apri in Gestione Accertamenti», after a creation
	ultimo int64
	root   fyne.CanvasObject
}

func (s *accNuovo) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.root) }

func accNuovoView(u *UI) fyne.CanvasObject {
	s := &accNuovo{Form: u.newAccNuovoForm(), Esito: esitoLabel()}
	s.Apri = widget.NewButtonWithIcon(lang.L("Apri in Gestione Accertamenti"), theme.NavigateNextIcon(), func() {
		id := s.ultimo
		u.Open("ric-accertamenti")
		u.accApriInGestione(id)
	})
	s.Apri.Hide()
	s.Form.OnCreato = func(id int64) {
		a, err := u.Core.Riconciliazione.Accertamento(u.ctx, id)
		if err != nil {
			widgets.ShowError(u.Win, err)
			return
		}
		s.ultimo = id
		setEsito(s.Esito, lang.L("Accertamento {{.Codice}} creato: ufficio {{.Ufficio}}, capitolo {{.Capitolo}}, anno {{.Anno}}.",
			map[string]any{"Codice": a.Codice, "Ufficio": a.Ufficio, "Capitolo": a.Capitolo, "Anno": accAnnoLabel(a.Anno)}),
			widget.SuccessImportance)
		s.Apri.Show()
		s.Form.Pulisci()
	}
	pulisci := widget.NewButtonWithIcon(lang.L("Pulisci"), theme.ContentClearIcon(), func() {
		s.Form.Pulisci()
		s.Form.Ufficio.SetValue("", "")
		s.Form.ufficioScelto("")
	})
	nota := accNota(lang.L("Il capitolo si sceglie tra quelli attivi dell'ufficio; un capitolo di un solo anno ne imposta l'anno. Uffici e capitoli si gestiscono in Anagrafiche capitoli."))
	card := widget.NewCard(lang.L("Nuovo accertamento"), "", container.NewVBox(s.Form.Form, s.Form.Errore,
		container.NewHBox(s.Form.Salva, pulisci, layout.NewSpacer()), s.Esito, container.NewHBox(s.Apri, layout.NewSpacer())))
	// The form reads best at a clerk's width, not stretched across the window.
	s.root = container.NewBorder(nil, nil, nil, nil, container.NewVBox(container.New(&accLarghezza{max: 720}, card), nota))
	s.ExtendBaseWidget(s)
	return s
}

// accLarghezza lays its objects out stacked, no wider than max.
type accLarghezza struct{ max float32 }

func (l *accLarghezza) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (l *accLarghezza) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, max(l.max, l.MinSize(objs).Width))
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}
