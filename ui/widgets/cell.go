package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Cell is a result table cell: a tap selects its row, a double tap opens it.
type Cell struct {
	widget.BaseWidget
	panel *SearchPanel
	id    widget.TableCellID
	bg    *canvas.Rectangle
	label *widget.Label
}

var (
	_ fyne.Tappable       = (*Cell)(nil)
	_ fyne.DoubleTappable = (*Cell)(nil)
)

func newCell(p *SearchPanel) *Cell {
	c := &Cell{panel: p, bg: canvas.NewRectangle(theme.Color(theme.ColorNameSelection)), label: widget.NewLabel("")}
	c.bg.Hide()
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *Cell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, c.label))
}

// Tapped selects the cell's row.
func (c *Cell) Tapped(*fyne.PointEvent) { c.panel.tap(c.id) }

// DoubleTapped opens the cell's row (OnOpen).
func (c *Cell) DoubleTapped(*fyne.PointEvent) {
	c.panel.tap(c.id)
	c.panel.open(c.id.Row)
}

// Text is what the cell shows ("…" while its page loads).
func (c *Cell) Text() string { return c.label.Text }

// ID is the cell's position in the table.
func (c *Cell) ID() widget.TableCellID { return c.id }
