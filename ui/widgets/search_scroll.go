package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// rowHeight is the height of a row (and of the header), as widget.Table
// computes it.
func (p *SearchPanel) rowHeight() float32 {
	return max(newCell(p).MinSize().Height, p.table.CreateHeader().MinSize().Height)
}

// rowPitch is the distance between the tops of two rows.
func (p *SearchPanel) rowPitch() float32 {
	return p.rowHeight() + p.table.Theme().Size(theme.SizeNamePadding)
}

// viewHeight is the height available to data rows, below the header.
func (p *SearchPanel) viewHeight() float32 {
	return p.table.Size().Height - p.rowHeight()
}

func (p *SearchPanel) rowsPerView() int {
	return max(int(p.viewHeight()/p.rowPitch())-1, 1)
}

// scrollTo brings row into view unless it is fully visible: to the top,
// or to the bottom when moving down.
func (p *SearchPanel) scrollTo(row int, bottom bool) {
	if p.rowVisible(row) {
		return
	}
	pitch := p.rowPitch()
	// Half a pixel into the row keeps float32 rounding from showing the
	// row above.
	y := float32(row)*pitch + 0.5
	if bottom {
		y = max(float32(row+1)*pitch-p.viewHeight()+0.5, 0)
	}
	p.table.ScrollToOffset(fyne.NewPos(p.offset().X, y))
}

func (p *SearchPanel) scrollSideways(dx float32) {
	off := p.offset()
	p.table.ScrollToOffset(fyne.NewPos(max(off.X+dx, 0), off.Y))
}

// offset is the table's current scroll offset, read off a cell on screen:
// its position in the scrolled content minus where it appears.
func (p *SearchPanel) offset() fyne.Position {
	drv := fyne.CurrentApp().Driver()
	origin := drv.AbsolutePositionForObject(p.table).AddXY(0, p.rowHeight())
	for _, c := range p.bound {
		if abs := drv.AbsolutePositionForObject(c); !abs.IsZero() {
			at := abs.Subtract(origin)
			return fyne.NewPos(max(c.Position().X-at.X, 0), max(c.Position().Y-at.Y, 0))
		}
	}
	return fyne.Position{}
}

// rowVisible tells whether row's first cell is on screen, wholly below
// the header and above the bottom edge. A cell recycled by the table is
// not in the canvas tree, and its absolute position is then zero.
func (p *SearchPanel) rowVisible(row int) bool {
	c := p.bound[widget.TableCellID{Row: row, Col: p.firstBoundCol(row)}]
	if c == nil {
		return false
	}
	drv := fyne.CurrentApp().Driver()
	if drv.CanvasForObject(p.table) == nil {
		return false
	}
	cellPos := drv.AbsolutePositionForObject(c)
	if cellPos.IsZero() {
		return false
	}
	tableY := drv.AbsolutePositionForObject(p.table).Y
	top, bottom := tableY+p.rowHeight(), tableY+p.table.Size().Height
	slack := p.rowHeight() / 4 // float32 rounding far down a long table
	return cellPos.Y >= top-slack && cellPos.Y+c.Size().Height <= bottom+slack
}

func (p *SearchPanel) firstBoundCol(row int) int {
	for col := range p.cfg.Columns {
		if _, ok := p.bound[widget.TableCellID{Row: row, Col: col}]; ok {
			return col
		}
	}
	return 0
}
