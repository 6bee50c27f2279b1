package widgets

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// resultTable is the result table with keyboard handling of its own:
// widget.Table's ScrollTo sums row heights in float32 and drifts by
// several rows past some ten thousand rows, so selection and scrolling
// are done here, with offsets computed by multiplication.
type resultTable struct {
	widget.Table
	p *SearchPanel
}

func (p *SearchPanel) newTable() *resultTable {
	t := &resultTable{p: p}
	t.Length = func() (int, int) { return p.total, len(p.cfg.Columns) }
	t.CreateCell = func() fyne.CanvasObject { return newCell(p) }
	t.UpdateCell = p.updateCell
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(p.cfg.Columns) {
			l := o.(*widget.Label)
			l.Alignment = p.cfg.Columns[id.Col].Align
			l.SetText(p.cfg.Columns[id.Col].Title)
		}
	}
	t.ExtendBaseWidget(t)
	for i, c := range p.cfg.Columns {
		t.SetColumnWidth(i, columnWidth(c))
	}
	return t
}

func columnWidth(c Column) float32 {
	if c.Width <= 0 {
		return 150
	}
	return c.Width
}

// Resize gives the Fill column, if any, the width up to the table's edge.
func (t *resultTable) Resize(s fyne.Size) {
	t.p.fitColumns(s.Width)
	t.Table.Resize(s)
}

// fitColumns sets the Fill column's width for a table wide pixels wide:
// from where the columns before it end to the table's right edge, less a
// gap for the vertical scroll bar.
func (p *SearchPanel) fitColumns(wide float32) {
	gap := theme.Padding()
	x := float32(0)
	for i, c := range p.cfg.Columns {
		if c.Fill {
			if wide > 0 {
				p.table.SetColumnWidth(i, max(columnWidth(c), wide-x-gap))
			}
			return
		}
		x += columnWidth(c) + gap
	}
}

// Tapped on the gaps between cells only takes the focus.
func (t *resultTable) Tapped(*fyne.PointEvent) { t.p.focusTable() }

// TypedKey moves the selection: arrows, page up/down, home/end; Enter opens.
func (t *resultTable) TypedKey(e *fyne.KeyEvent) {
	p := t.p
	switch e.Name {
	case fyne.KeyDown:
		p.moveSelection(1)
	case fyne.KeyUp:
		p.moveSelection(-1)
	case fyne.KeyPageDown:
		p.moveSelection(p.rowsPerView())
	case fyne.KeyPageUp:
		p.moveSelection(-p.rowsPerView())
	case fyne.KeyHome:
		p.moveSelection(-p.total)
	case fyne.KeyEnd:
		p.moveSelection(p.total)
	case fyne.KeyReturn, fyne.KeyEnter:
		p.open(p.selected)
	case fyne.KeyLeft:
		p.scrollSideways(-100)
	case fyne.KeyRight:
		p.scrollSideways(100)
	}
}

// FocusGained and FocusLost keep widget.Table from drawing its keyboard
// cursor on one cell: the selected row is the cursor here.
func (t *resultTable) FocusGained() {}
func (t *resultTable) FocusLost()   {}

func (p *SearchPanel) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*Cell)
	if old, ok := p.bound[c.id]; ok && old == c {
		delete(p.bound, c.id)
	}
	c.id = id
	p.bound[id] = c
	text := "…"
	if row, ok := p.row(id.Row); ok {
		text = ""
		if id.Col < len(row) {
			text = row[id.Col]
		}
	}
	if id.Col < len(p.cfg.Columns) {
		c.label.Alignment = p.cfg.Columns[id.Col].Align
	}
	c.label.SetText(text)
	if id.Row == p.selected {
		c.bg.FillColor = theme.Color(theme.ColorNameSelection)
		c.bg.Show()
	} else {
		c.bg.Hide()
	}
}

// row returns row i from the cache, asking for its page when missing.
func (p *SearchPanel) row(i int) ([]string, bool) {
	if i < 0 || i >= p.total {
		return nil, false
	}
	page := i / p.cfg.PageSize
	rows, ok := p.pages.get(page)
	if !ok {
		p.fetch(page)
		return nil, false
	}
	if k := i % p.cfg.PageSize; k < len(rows) {
		return rows[k], true
	}
	return nil, true // the source shrank since the count
}

// fetch loads one page off the UI goroutine, unless already under way.
func (p *SearchPanel) fetch(page int) {
	if p.loading[page] || p.failed[page] {
		return
	}
	p.loading[page] = true
	gen, ctx, f := p.gen, p.ctx, p.filter
	p.jobs.add()
	go func() {
		rows, err := p.cfg.Source.Page(ctx, f, page*p.cfg.PageSize, p.cfg.PageSize)
		p.jobs.do(func() {
			if gen != p.gen {
				return
			}
			delete(p.loading, page)
			if err != nil {
				p.failed[page] = true
				p.setStatus(lang.L("Caricamento delle righe non riuscito")+": "+ErrorText(err), widget.DangerImportance)
				return
			}
			// Never fewer pages than the screen shows, or they would evict
			// each other for ever.
			p.pages.max = max(p.cfg.CachePages, p.rowsPerView()/p.cfg.PageSize+3)
			p.pages.put(page, rows)
			p.Table.Refresh()
		})
	}()
}

func (p *SearchPanel) tap(id widget.TableCellID) {
	p.focusTable()
	p.selectRow(id.Row)
}

func (p *SearchPanel) focusTable() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.table); c != nil {
		c.Focus(p.table)
	}
}

func (p *SearchPanel) selectRow(row int) {
	if row == p.selected {
		return
	}
	p.selected = row
	p.Table.Refresh()
	if data, ok := p.Selected(); ok && p.OnSelect != nil {
		p.OnSelect(data)
	}
}

func (p *SearchPanel) moveSelection(delta int) {
	if p.total == 0 {
		return
	}
	row := min(max(p.selected+delta, 0), p.total-1)
	if p.selected < 0 {
		row = 0
	}
	p.selectRow(row)
	p.scrollTo(row, delta > 0)
}

func (p *SearchPanel) open(row int) {
	if data, ok := p.Row(row); ok && data != nil && p.OnOpen != nil {
		p.OnOpen(data)
	}
}

// Row returns a copy of row i if its page is loaded.
func (p *SearchPanel) Row(i int) ([]string, bool) {
	if i < 0 || i >= p.total {
		return nil, false
	}
	rows, ok := p.pages.get(i / p.cfg.PageSize)
	if !ok || i%p.cfg.PageSize >= len(rows) {
		return nil, false
	}
	return slices.Clone(rows[i%p.cfg.PageSize]), true
}

// Selected returns a copy of the selected row.
func (p *SearchPanel) Selected() ([]string, bool) { return p.Row(p.selected) }

// SelectedIndex is the selected row's index, -1 for none.
func (p *SearchPanel) SelectedIndex() int { return p.selected }

// SelectRow selects row i and scrolls to it.
func (p *SearchPanel) SelectRow(i int) {
	if i >= 0 && i < p.total {
		p.selectRow(i)
		p.scrollTo(i, false)
	}
}

// ShowRow scrolls row i into view, to the top unless already visible;
// its page is fetched if missing.
func (p *SearchPanel) ShowRow(i int) {
	if i >= 0 && i < p.total {
		p.scrollTo(i, false)
	}
}

// CellAt scrolls cell (row, col) into view and returns its widget, or nil
// when the table is not on screen. Its text may be "…" until the page
// arrives (see Wait).
func (p *SearchPanel) CellAt(row, col int) *Cell {
	if row < 0 || row >= p.total || col < 0 || col >= len(p.cfg.Columns) {
		return nil
	}
	p.scrollTo(row, false)
	return p.bound[widget.TableCellID{Row: row, Col: col}]
}
