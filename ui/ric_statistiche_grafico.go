package ui

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/ui/widgets"
)

// statGrafico shows the chart of the statistics, drawn by core for the
// pixels it has: a new size draws it again (off the UI goroutine), so text
// stays sharp instead of being scaled with the bitmap.
type statGrafico struct {
	widget.BaseWidget
	Immagine *canvas.Image

	bg     *widgets.Background
	per    riconciliazione.Raggruppamento
	righe  []riconciliazione.Riga
	titolo string
	pronto bool      // a result to draw
	reso   fyne.Size // the size last drawn for
	gen    int
}

func newStatGrafico(bg *widgets.Background) *statGrafico {
	g := &statGrafico{bg: bg, Immagine: canvas.NewImageFromImage(nil)}
	g.Immagine.FillMode = canvas.ImageFillContain
	g.Immagine.ScaleMode = canvas.ImageScaleSmooth
	g.ExtendBaseWidget(g)
	return g
}

func (g *statGrafico) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(g.Immagine)
}

func (g *statGrafico) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

// Imposta shows the rows of a new result.
func (g *statGrafico) Imposta(per riconciliazione.Raggruppamento, righe []riconciliazione.Riga, titolo string) {
	g.per, g.righe, g.titolo, g.pronto = per, righe, titolo, true
	g.reso = fyne.Size{}
	g.disegna(g.Size())
}

func (g *statGrafico) Resize(s fyne.Size) {
	g.BaseWidget.Resize(s)
	if d := g.reso.Subtract(s); d.Width*d.Width+d.Height*d.Height > 16 {
		g.disegna(s)
	}
}

func (g *statGrafico) disegna(s fyne.Size) {
	if !g.pronto || s.Width < 50 || s.Height < 50 {
		return
	}
	g.reso = s
	scala := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(g); c != nil {
		scala = c.Scale()
	}
	w, h := max(200, int(s.Width*scala)), max(150, int(s.Height*scala))
	g.gen++
	gen, per, righe, titolo := g.gen, g.per, g.righe, g.titolo
	g.bg.Go(func() func() {
		img, err := riconciliazione.Grafico(per, righe, titolo, w, h)
		return func() {
			if gen != g.gen || err != nil { // err: a size Grafico refuses, made impossible above
				return
			}
			g.Immagine.Image = img
			g.Immagine.Refresh()
		}
	})
}

// immagine is the chart on screen (tests).
func (g *statGrafico) immagine() image.Image { return g.Immagine.Image }
