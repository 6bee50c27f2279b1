package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/ui/widgets"
)

// ricStatistiche is Riconciliazione › Statistiche › Totali ripartiti: the
// payments' totals per year, month, day, office, tipo dovuto, chapter or
// assessment (core/riconciliazione/statistiche.go defines them), as a
// table with its total and as a chart, exported to Excel and PNG. A
// result has a row per group, a few hundred at most (days over years):
// it is read whole, off the UI goroutine, and the table only draws it.
type ricStatistiche struct {
	widget.BaseWidget
	Per          *widget.Select
	Dal, Al      *widget.Entry
	Elenca       *widget.Button
	Annulla      *widget.Button // stops the computation under way
	Attesa       *widget.ProgressBarInfinite
	Stato        *widget.Label // what the last «Elenca» found, or why it failed
	Tabella      *widget.Table
	Grafico      *statGrafico
	EsportaExcel *widget.Button
	EsportaPNG   *widget.Button
	Esito        *widget.Label // the outcome of the last export
	// ChooseFile asks where to save an export (tests replace it).
	ChooseFile func(suggested string, exts []string, chosen func(path string))

	u       *UI
	bg      *widgets.Background
	nomi    map[riconciliazione.Raggruppamento]string
	colonne []widgets.Column               // of the rows shown
	per     riconciliazione.Raggruppamento // of the rows shown
	dal, al time.Time                      // the range of the rows shown; zero: no bound
	righe   []riconciliazione.Riga
	totale  riconciliazione.Riga
	cancel  context.CancelFunc
	gen     int
	content fyne.CanvasObject
}

func (s *ricStatistiche) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.content)
}

// Size of the chart «Esporta PNG» writes.
const statPNGLarghezza, statPNGAltezza = 1200, 600

// statNomi are the groupings as the select shows them.
func statNomi() map[riconciliazione.Raggruppamento]string {
	return map[riconciliazione.Raggruppamento]string{
		riconciliazione.PerAnno: lang.L("Anno"), riconciliazione.PerMese: lang.L("Mese"), riconciliazione.PerGiorno: lang.L("Giorno"),
		riconciliazione.PerUfficio: lang.L("Ufficio"), riconciliazione.PerTipo: lang.L("Tipo dovuto"),
		riconciliazione.PerCapitolo: lang.L("Capitolo"), riconciliazione.PerAccertamento: lang.L("Accertamento"),
	}
}

// statColonne are the table's columns, the first named after the grouping.
func statColonne(raggruppamento string) []widgets.Column {
	right := fyne.TextAlignTrailing
	return []widgets.Column{{Title: raggruppamento, Width: 380}, {Title: lang.L("Pagati"), Width: 80, Align: right},
		{Title: lang.L("Importo pagato"), Width: 150, Align: right}, {Title: lang.L("Importo rendicontato"), Width: 160, Align: right},
		{Title: lang.L("Importo incassato"), Width: 150, Align: right}}
}

func ricStatisticheView(u *UI) fyne.CanvasObject {
	s := &ricStatistiche{u: u, bg: widgets.NewBackground(), per: riconciliazione.PerMese, Stato: widget.NewLabel(""), Esito: esitoLabel(),
		nomi: statNomi()}
	s.colonne = statColonne(s.nomi[s.per])
	s.ChooseFile = func(suggested string, exts []string, chosen func(string)) {
		widgets.ShowFileSave(u.Win, suggested, exts, chosen)
	}
	var opzioni []string
	for _, r := range riconciliazione.Raggruppamenti {
		opzioni = append(opzioni, s.nomi[r])
	}
	s.Per = widget.NewSelect(opzioni, nil)
	s.Per.SetSelected(s.nomi[riconciliazione.PerMese])
	s.Per.OnChanged = func(string) { s.Cerca() }
	s.Dal, s.Al = statDataEntry(), statDataEntry()
	s.Dal.OnSubmitted = func(string) { s.Cerca() }
	s.Al.OnSubmitted = func(string) { s.Cerca() }
	s.Elenca = widget.NewButtonWithIcon(lang.L("Elenca"), theme.SearchIcon(), s.Cerca)
	s.Elenca.Importance = widget.HighImportance
	s.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	s.Annulla.Hide()
	s.Attesa = widget.NewProgressBarInfinite()
	s.Attesa.Stop()
	s.Attesa.Hide()
	s.Stato.Truncation = fyne.TextTruncateEllipsis

	s.Tabella = widget.NewTableWithHeaders(
		func() (int, int) { return s.numeroRighe(), len(s.colonne) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Alignment = s.colonne[id.Col].Align
			l.TextStyle.Bold = id.Row == len(s.righe)
			l.SetText(s.cella(id))
		})
	s.Tabella.ShowHeaderColumn = false
	s.Tabella.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.Tabella.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Col >= 0 && id.Row < 0 {
			c := s.colonne[id.Col]
			l.Alignment = c.Align
			l.SetText(c.Title)
		}
	}
	for i, c := range s.colonne {
		s.Tabella.SetColumnWidth(i, c.Width)
	}
	s.Grafico = newStatGrafico(s.bg)
	s.EsportaExcel = widget.NewButtonWithIcon(lang.L("Esporta Excel"), theme.DocumentSaveIcon(), s.esportaExcel)
	s.EsportaPNG = widget.NewButtonWithIcon(lang.L("Esporta PNG"), theme.MediaPhotoIcon(), s.esportaPNG)
	s.EsportaExcel.Disable()
	s.EsportaPNG.Disable()

	largo := func(o fyne.CanvasObject, w float32) fyne.CanvasObject {
		return container.New(layout.NewGridWrapLayout(fyne.NewSize(w, o.MinSize().Height)), o)
	}
	filtri := container.NewHBox(widget.NewLabel(lang.L("Raggruppa per")), largo(s.Per, 170),
		widget.NewLabel(lang.L("Dal")), largo(s.Dal, 145), widget.NewLabel(lang.L("Al")), largo(s.Al, 145),
		s.Elenca, s.Annulla, largo(s.Attesa, 120))
	guida := nota(lang.L("Pagato per data esito della ricevuta, rendicontato per data regolamento del flusso, incassato per data valuta della tesoreria: il periodo si applica a ciascuna misura con la sua data."))
	divisa := container.NewVSplit(s.Tabella, s.Grafico)
	divisa.Offset = 0.4
	s.content = container.NewBorder(container.NewVBox(filtri, guida, s.Stato), container.NewVBox(s.Esito,
		container.NewHBox(s.EsportaExcel, s.EsportaPNG)), nil, nil, divisa)
	s.ExtendBaseWidget(s)
	s.Cerca()
	return s
}

func statDataEntry() *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(lang.L("gg/mm/aaaa"))
	e.Validator = func(v string) error {
		if _, ok := widgets.ParseItalianDate(v); strings.TrimSpace(v) != "" && !ok {
			return errors.New(lang.L("data non valida, usare gg/mm/aaaa"))
		}
		return nil
	}
	return e
}

func (s *ricStatistiche) numeroRighe() int {
	if len(s.righe) == 0 {
		return 0
	}
	return len(s.righe) + 1 // the total
}

func (s *ricStatistiche) cella(id widget.TableCellID) string {
	r := s.totale
	if id.Row < len(s.righe) {
		r = s.righe[id.Row]
	}
	switch id.Col {
	case 0:
		if id.Row == len(s.righe) {
			return lang.L("Totale")
		}
		return statEtichetta(s.per, r)
	case 1:
		return widgets.FormatInt(r.NumeroPagati)
	case 2:
		return pagopa.FormattaImporto(r.ImportoPagato)
	case 3:
		return pagopa.FormattaImporto(r.ImportoRendicontato)
	case 4:
		return pagopa.FormattaImporto(r.ImportoIncassato)
	}
	return ""
}

// statEtichetta is a group's key as the table shows it, the keys of core
// without a value of their own worded for the clerk.
func statEtichetta(per riconciliazione.Raggruppamento, r riconciliazione.Riga) string {
	switch r.Chiave {
	case riconciliazione.NonAttribuito:
		return lang.L("(non attribuito: nessun dovuto)")
	case riconciliazione.NonIndicato:
		return lang.L("(non indicato nel dovuto)")
	case riconciliazione.SenzaData:
		return lang.L("(senza data)")
	}
	return r.Etichetta(per)
}

// periodo reads Dal and Al; an unreadable date names its field.
func (s *ricStatistiche) periodo() (dal, al time.Time, err error) {
	for _, f := range []struct {
		nome  string
		dest  *time.Time
		testo string
	}{{lang.L("Dal"), &dal, s.Dal.Text}, {lang.L("Al"), &al, s.Al.Text}} {
		if strings.TrimSpace(f.testo) == "" {
			continue
		}
		t, ok := widgets.ParseItalianDate(f.testo)
		if !ok {
			return dal, al, errors.New(f.nome + ": " + lang.L("data non valida, usare gg/mm/aaaa"))
		}
		*f.dest = t
	}
	return dal, al, nil
}

// Cerca runs «Elenca»: the statistics for the grouping and range chosen,
// computed off the UI goroutine (a new search or «Annulla» stops it).
func (s *ricStatistiche) Cerca() {
	per := riconciliazione.PerMese
	for r, n := range s.nomi {
		if n == s.Per.Selected {
			per = r
		}
	}
	dal, al, err := s.periodo()
	if err != nil {
		s.setStato(err.Error(), widget.DangerImportance)
		return
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.gen++
	gen := s.gen
	ctx, cancel := context.WithCancel(s.u.ctx)
	s.cancel = cancel
	s.setStato(lang.L("Calcolo in corso…"), widget.MediumImportance)
	s.Annulla.Show()
	s.Attesa.Show()
	s.Attesa.Start()
	s.bg.Go(func() func() {
		righe, err := s.u.Core.Riconciliazione.Statistiche(ctx, per, dal, al)
		annullato := err != nil && ctx.Err() != nil
		cancel()
		return func() {
			if gen != s.gen {
				return
			}
			s.Annulla.Hide()
			s.Attesa.Stop()
			s.Attesa.Hide()
			switch {
			case annullato:
				s.setStato(lang.L("Calcolo annullato"), widget.WarningImportance)
				return
			case err != nil:
				s.setStato(lang.L("Calcolo non riuscito")+": "+widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			s.mostra(per, righe, dal, al)
		}
	})
}

func statDataIT(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

func (s *ricStatistiche) mostra(per riconciliazione.Raggruppamento, righe []riconciliazione.Riga, dal, al time.Time) {
	s.per, s.righe, s.totale, s.dal, s.al = per, righe, riconciliazione.Totale(righe), dal, al
	s.colonne = statColonne(s.nomi[per])
	s.Tabella.Refresh()
	s.Tabella.ScrollToTop()
	setEnabled(s.EsportaExcel, len(righe) > 0)
	setEnabled(s.EsportaPNG, len(righe) > 0)
	setEsito(s.Esito, "", widget.MediumImportance)
	if len(righe) == 0 {
		s.setStato(lang.L("Nessun pagamento, flusso o accredito nel periodo"), widget.MediumImportance)
	} else {
		dati := map[string]any{"N": widgets.FormatInt(len(righe)), "Pagati": widgets.FormatInt(s.totale.NumeroPagati),
			"Importo": pagopa.FormattaImporto(s.totale.ImportoPagato), "Rendicontato": pagopa.FormattaImporto(s.totale.ImportoRendicontato),
			"Incassato": pagopa.FormattaImporto(s.totale.ImportoIncassato)}
		s.setStato(plurale(len(righe),
			lang.L("1 gruppo · pagati {{.Pagati}} per {{.Importo}} € · rendicontati {{.Rendicontato}} € · incassati {{.Incassato}} €", dati),
			lang.L("{{.N}} gruppi · pagati {{.Pagati}} per {{.Importo}} € · rendicontati {{.Rendicontato}} € · incassati {{.Incassato}} €", dati)),
			widget.MediumImportance)
	}
	s.Grafico.Imposta(per, righe, s.titolo())
}

// titolo names the chart: "Importi per mese dal 01/01/2026 al 31/12/2026".
func (s *ricStatistiche) titolo() string {
	t := lang.L("Importi per {{.Per}}", map[string]any{"Per": strings.ToLower(s.nomi[s.per])})
	if !s.dal.IsZero() {
		t += " " + lang.L("dal {{.Data}}", map[string]any{"Data": statDataIT(s.dal)})
	}
	if !s.al.IsZero() {
		t += " " + lang.L("al {{.Data}}", map[string]any{"Data": statDataIT(s.al)})
	}
	return t
}

func (s *ricStatistiche) setStato(testo string, imp widget.Importance) {
	s.Stato.Importance = imp
	s.Stato.SetText(testo)
}

// ricStatisticheDeep («--apri ric-statistiche/ufficio») groups by the
// grouping named (its code or name) and lists.
func ricStatisticheDeep(u *UI, arg string) {
	s, ok := statSchermo(u)
	if !ok {
		return
	}
	if r, ok := riconciliazione.RaggruppamentoDi(arg); ok {
		s.Per.SetSelected(s.nomi[r]) // lists again
	}
}

// statSchermo is the statistics window on screen, if it is.
func statSchermo(u *UI) (*ricStatistiche, bool) {
	if u.main == nil || len(u.main.Content.Objects) == 0 {
		return nil, false
	}
	s, ok := u.main.Content.Objects[0].(*ricStatistiche)
	return s, ok
}
