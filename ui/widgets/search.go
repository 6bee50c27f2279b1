package widgets

import (
	"context"
	"maps"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/tabelle"
)

// Filter holds the filled-in filter fields, keyed by Field.Key. Blank
// fields (and unchecked boxes) are left out.
type Filter map[string]string

// Source is what a SearchPanel lists. Both methods run off the UI
// goroutine and must honour ctx: a new search cancels the previous one.
type Source interface {
	Count(ctx context.Context, f Filter) (int, error)
	Page(ctx context.Context, f Filter, offset, limit int) ([][]string, error)
}

// Column is one column of the result table. Kind types it in exports.
type Column struct {
	Title string
	Width float32 // 0 = 150
	Align fyne.TextAlign
	Kind  tabelle.Kind
	// Fill widens the column to the table's right edge, never below
	// Width: for a long free text (a note) after short codes. The columns
	// after it, if any, are reached by scrolling sideways. One column at
	// most.
	Fill bool
}

// ExportFunc writes the rows matching f to the file at path. It runs off
// the UI goroutine; ReportFrom(ctx) reports progress to the dialog.
type ExportFunc func(ctx context.Context, f Filter, path string) error

// SearchConfig configures a SearchPanel.
type SearchConfig struct {
	Fields  []Field
	Columns []Column
	Source  Source
	OnOpen  func(row []string)
	// Export, when set, adds "Esporta Excel" at the bottom left.
	Export     ExportFunc
	ExportName string // suggested file name; default "elenco.xlsx"
	PageSize   int    // rows fetched at a time; default 200
	CachePages int    // pages kept in memory; default 8
}

// SearchPanel is the "Elenca" screen: filters on top, a lazily paged
// result table, "Esporta Excel" at the bottom left. Only the count is
// fetched by a search; rows are fetched a page at a time as they scroll
// into view, and only a few pages are kept.
//
// Entries, Selects and Checks hold the filter inputs by Field.Key.
type SearchPanel struct {
	widget.BaseWidget
	inputs
	Elenca, Pulisci *widget.Button
	Esporta         *widget.Button // nil without SearchConfig.Export
	Status          *widget.Label  // "N risultati", "Nessun risultato", errors
	ExportStatus    *widget.Label
	Table           *widget.Table

	// OnOpen is called with a copy of the row double-clicked.
	OnOpen func(row []string)
	// OnSelect is called with a copy of the row selected.
	OnSelect func(row []string)
	// OnResults is told how many rows the table holds whenever a search
	// (or Reload) changes them: 0 when one starts (the selection is
	// cleared), then the count it found (nothing more if it fails).
	// Actions on the results or on the selection follow it.
	OnResults func(total int)
	// ChooseFile asks where to save an export and calls chosen with the
	// path (not at all if the clerk gives up). Tests replace it.
	ChooseFile func(suggested string, chosen func(path string))

	win  fyne.Window
	cfg  SearchConfig
	jobs *pending

	// Search state, touched only on the UI goroutine.
	gen      int
	ctx      context.Context
	cancel   context.CancelFunc
	filter   Filter
	searched bool
	total    int
	pages    pageCache
	loading  map[int]bool
	failed   map[int]bool
	selected int
	bound    map[widget.TableCellID]*Cell
	table    *resultTable
}

// NewSearchPanel builds a panel; win hosts its dialogs.
func NewSearchPanel(win fyne.Window, cfg SearchConfig) *SearchPanel {
	if cfg.PageSize <= 0 {
		cfg.PageSize = 200
	}
	if cfg.CachePages < 2 {
		cfg.CachePages = 8
	}
	if cfg.ExportName == "" {
		cfg.ExportName = "elenco.xlsx"
	}
	p := &SearchPanel{
		inputs:   newInputs(cfg.Fields),
		jobs:     newPending(),
		OnOpen:   cfg.OnOpen,
		win:      win,
		cfg:      cfg,
		pages:    pageCache{max: cfg.CachePages},
		selected: -1,
		bound:    map[widget.TableCellID]*Cell{},
		Status:   widget.NewLabel(""),
	}
	p.ChooseFile = p.chooseFile
	p.Elenca = widget.NewButtonWithIcon(lang.L("Elenca"), theme.SearchIcon(), p.Search)
	p.Elenca.Importance = widget.HighImportance
	p.Pulisci = widget.NewButtonWithIcon(lang.L("Pulisci"), theme.ContentClearIcon(), p.Clear)
	p.Status.Truncation = fyne.TextTruncateEllipsis
	p.ExportStatus = widget.NewLabel("")
	p.ExportStatus.Truncation = fyne.TextTruncateEllipsis
	if cfg.Export != nil {
		p.Esporta = widget.NewButtonWithIcon(lang.L("Esporta Excel"), theme.DocumentSaveIcon(), p.Export)
	}
	for _, in := range p.list {
		if in.entry != nil && in.field.Kind != FieldMultiline {
			in.entry.OnSubmitted = func(string) { p.Search() }
		}
	}
	p.table = p.newTable()
	p.Table = &p.table.Table
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays the panel out.
func (p *SearchPanel) CreateRenderer() fyne.WidgetRenderer {
	top := container.NewVBox()
	if len(p.list) > 0 {
		top.Add(p.filterForm())
	}
	top.Add(container.NewBorder(nil, nil, container.NewHBox(p.Elenca, p.Pulisci), nil, p.Status))
	var bottom fyne.CanvasObject
	if p.Esporta != nil {
		bottom = container.NewBorder(nil, nil, p.Esporta, nil, p.ExportStatus)
	}
	return widget.NewSimpleRenderer(container.NewBorder(top, bottom, nil, nil, p.table))
}

// filterForm puts the filters in one form, or two side by side from three
// on, so that the list keeps the height.
func (p *SearchPanel) filterForm() fyne.CanvasObject {
	form := func(ins []*input) *fyne.Container {
		c := container.New(layout.NewFormLayout())
		for _, in := range ins {
			c.Add(widget.NewLabel(in.field.Label))
			c.Add(in.object())
		}
		return c
	}
	if len(p.list) <= 2 {
		return form(p.list)
	}
	half := (len(p.list) + 1) / 2
	return container.NewGridWithColumns(2, form(p.list[:half]), form(p.list[half:]))
}

// Filter reads the filter fields; an unreadable date is an error naming
// the field.
func (p *SearchPanel) Filter() (Filter, error) {
	f := Filter{}
	for _, in := range p.list {
		if in.empty() {
			continue
		}
		v, err := in.value()
		if err != nil {
			return nil, fieldError(in.field.Label, lang.L("data non valida, usare gg/mm/aaaa"))
		}
		f[in.field.Key] = v
	}
	return f, nil
}

// Search runs "Elenca": it counts the rows matching the filters, off the
// UI goroutine; the table then fetches the rows it shows.
func (p *SearchPanel) Search() {
	f, err := p.Filter()
	if err != nil {
		p.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	p.run(f)
}

// Reload runs the last search again (after a change to the data).
func (p *SearchPanel) Reload() {
	if !p.searched {
		return
	}
	p.run(p.filter)
}

// Clear empties the filter fields ("Pulisci").
func (p *SearchPanel) Clear() {
	for _, in := range p.list {
		in.clear()
	}
	if p.Status.Importance == widget.DangerImportance {
		p.setStatus("", widget.MediumImportance)
	}
}

func (p *SearchPanel) run(f Filter) {
	if p.cancel != nil {
		p.cancel()
	}
	p.gen++
	gen := p.gen
	ctx, cancel := context.WithCancel(context.Background())
	p.ctx, p.cancel, p.filter, p.searched = ctx, cancel, f, true
	p.total, p.selected = 0, -1
	p.pages.reset()
	p.loading, p.failed = map[int]bool{}, map[int]bool{}
	p.Table.ScrollToTop()
	p.Table.Refresh()
	p.setStatus(lang.L("Ricerca in corso…"), widget.MediumImportance)
	p.results()
	p.jobs.add()
	go func() {
		n, err := p.cfg.Source.Count(ctx, f)
		p.jobs.do(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.setStatus(lang.L("Ricerca non riuscita")+": "+ErrorText(err), widget.DangerImportance)
				return
			}
			p.total = n
			p.setStatus(countText(n), widget.MediumImportance)
			p.Table.Refresh()
			// ScrollTo also makes the table's scroller take the new height.
			p.Table.ScrollTo(widget.TableCellID{})
			p.results()
		})
	}()
}

func (p *SearchPanel) results() {
	if p.OnResults != nil {
		p.OnResults(p.total)
	}
}

// LastFilter is the filter of the last search run (the rows shown), which
// the fields may no longer match; false before the first search.
func (p *SearchPanel) LastFilter() (Filter, bool) {
	if !p.searched {
		return nil, false
	}
	return maps.Clone(p.filter), true
}

// Cancel stops the search under way, if any (e.g. when its window closes).
func (p *SearchPanel) Cancel() {
	if p.cancel != nil {
		p.cancel()
	}
}

func (p *SearchPanel) setStatus(s string, imp widget.Importance) {
	p.Status.Importance = imp
	p.Status.SetText(s)
}

// Total is the number of rows the last search found.
func (p *SearchPanel) Total() int { return p.total }

// Wait blocks until every search, page fetch and export started so far
// has finished and is shown. For tests: never call it on the UI goroutine.
func (p *SearchPanel) Wait() { p.jobs.wait() }

func countText(n int) string {
	switch n {
	case 0:
		return lang.L("Nessun risultato")
	case 1:
		return lang.L("1 risultato")
	}
	return lang.L("{{.N}} risultati", map[string]any{"N": FormatInt(n)})
}

// FormatInt writes n the Italian way: 100.000.
func FormatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fieldError(label, reason string) error {
	return fieldErr(label + ": " + reason)
}

type fieldErr string

func (e fieldErr) Error() string { return string(e) }
