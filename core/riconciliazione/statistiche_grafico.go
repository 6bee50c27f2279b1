package riconciliazione

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// graficoDPI is the resolution the chart is drawn at: type sizes are in
// points, so this is what makes a 12-point label 16 pixels tall.
const graficoDPI = 96

// The three measures' colours: blue, orange, green (told apart by the
// colour-blind too).
var coloriMisure = []color.Color{color.RGBA{0x1f, 0x5f, 0xa8, 0xff}, color.RGBA{0xe0, 0x8a, 0x1e, 0xff},
	color.RGBA{0x2e, 0x8b, 0x57, 0xff}}

// Grafico draws the rows as groups of three bars (importo pagato,
// rendicontato, incassato; euro on the Y axis) on a w×h image, with the
// title on top and the legend. With many rows only some keys are
// written under the X axis, evenly spaced.
func Grafico(per Raggruppamento, righe []Riga, titolo string, w, h int) (image.Image, error) {
	if w < 200 || h < 150 {
		return nil, errors.New("grafico: dimensioni minime 200×150 pixel")
	}
	p := plot.New()
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label,
		&p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Font.Variant = "Sans"
	}
	p.Title.Text = titolo
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = per.Nome()
	p.Y.Label.Text = "Euro"
	p.Y.Tick.Marker = plot.TickerFunc(tacchePerEuro)
	p.BackgroundColor = color.White
	n := len(righe)
	if n == 0 {
		p.Title.Text = titolo + " — nessun pagamento"
		p.HideAxes()
		p.X.Label.Text, p.Y.Label.Text = "", ""
		return disegna(p, nil, w, h)
	}
	// One unit of the X axis per row; the three bars take 80% of it.
	area := (float64(w)*72/graficoDPI - float64(larghezzaLegenda)) * 0.85
	larghezza := vg.Points(max(0.6, area/float64(n)*0.8/3))
	misure := []struct {
		nome   string
		valore func(Riga) int64
	}{
		{"Importo pagato", func(r Riga) int64 { return r.ImportoPagato }},
		{"Importo rendicontato", func(r Riga) int64 { return r.ImportoRendicontato }},
		{"Importo incassato", func(r Riga) int64 { return r.ImportoIncassato }},
	}
	legenda := plot.NewLegend()
	legenda.TextStyle.Font.Variant = "Sans"
	legenda.TextStyle.Font.Size = vg.Points(10)
	legenda.Top, legenda.Left = true, true
	legenda.YOffs = -vg.Points(30) // level with the top of the axes, under the title
	// Entries are as tall as their text's capitals: without a gap the
	// swatches touch and the descenders reach the next line.
	legenda.Padding = vg.Points(5)
	minimo := 0.0
	for i, m := range misure {
		v := make(plotter.Values, n)
		for j, r := range righe {
			v[j] = float64(m.valore(r)) / 100
			minimo = math.Min(minimo, v[j])
		}
		b, err := plotter.NewBarChart(v, larghezza)
		if err != nil {
			return nil, err
		}
		b.Color = coloriMisure[i]
		b.LineStyle.Width = 0
		b.Offset = larghezza * vg.Length(i-1)
		p.Add(b)
		legenda.Add(m.nome, b)
	}
	p.Y.Min = minimo
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Max = massimo(righe) * 1.05
	if p.Y.Max <= p.Y.Min {
		p.Y.Max = p.Y.Min + 1
	}
	etichette := make([]string, n)
	for i, r := range righe {
		etichette[i] = accorcia(etichettaGrafico(per, r), 16)
	}
	p.X.Tick.Label.Font.Size = vg.Points(9)
	passo := int(math.Ceil(float64(n) / math.Max(1, float64(w)/62)))
	// Keys wider than the room each has are written slanted.
	posto := vg.Length(area / float64(n) * float64(passo))
	for i := 0; i < n; i += passo {
		if p.X.Tick.Label.Width(etichette[i]) > posto*0.9 {
			p.X.Tick.Label.Rotation = math.Pi / 6
			p.X.Tick.Label.XAlign = text.XRight
			p.X.Tick.Label.YAlign = text.YTop
			break
		}
	}
	p.X.Tick.Marker = plot.TickerFunc(func(_, _ float64) []plot.Tick {
		var t []plot.Tick
		for i := 0; i < n; i += passo {
			t = append(t, plot.Tick{Value: float64(i), Label: etichette[i]})
		}
		return t
	})
	p.X.Padding, p.Y.Padding = 0, 0
	return disegna(p, &legenda, w, h)
}

// larghezzaLegenda is the strip on the right the legend takes, out of the
// bars' way.
const larghezzaLegenda = vg.Length(135)

func disegna(p *plot.Plot, legenda *plot.Legend, w, h int) (image.Image, error) {
	c := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, w, h))), vgimg.UseDPI(graficoDPI))
	dc := draw.New(c)
	destra := vg.Points(10) // a margin where the last bars would touch the edge
	if legenda != nil {
		destra = larghezzaLegenda
		legenda.Draw(draw.Crop(dc, dc.Max.X-dc.Min.X-larghezzaLegenda+vg.Points(12), 0, 0, 0))
	}
	p.Draw(draw.Crop(dc, 0, -destra, 0, -vg.Points(2)))
	return c.Image(), nil
}

// GraficoPNG is Grafico encoded as PNG, for "Esporta PNG" and the CLI.
func GraficoPNG(per Raggruppamento, righe []Riga, titolo string, w, h int) ([]byte, error) {
	img, err := Grafico(per, righe, titolo, w, h)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TitoloGrafico names what the chart shows: "Importi per mese, dal
// 01/01/2026 al 31/12/2026".
func TitoloGrafico(per Raggruppamento, dal, al string) string {
	t := "Importi per " + strings.ToLower(per.Nome())
	if dal != "" {
		t += " dal " + dal
	}
	if al != "" {
		t += " al " + al
	}
	return t
}

func massimo(righe []Riga) float64 {
	m := 0.0
	for _, r := range righe {
		m = math.Max(m, float64(max(r.ImportoPagato, r.ImportoRendicontato, r.ImportoIncassato))/100)
	}
	return m
}

func etichettaGrafico(per Raggruppamento, r Riga) string {
	if per.PerData() {
		return r.Etichetta(per)
	}
	return r.Chiave
}

func accorcia(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// tacchePerEuro are the default ticks of the Y axis written the Italian
// way: 1.250.000, 12,5.
func tacchePerEuro(lo, hi float64) []plot.Tick {
	t := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range t {
		if t[i].Label != "" {
			t[i].Label = euroAsse(t[i].Value)
		}
	}
	return t
}

func euroAsse(v float64) string {
	neg := v < 0
	v = math.Abs(v)
	intero := int64(math.Floor(v))
	dec := v - float64(intero)
	s := strconv.FormatInt(intero, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if dec > 0.0001 {
		d := strings.TrimRight(strconv.FormatFloat(dec, 'f', 2, 64), "0")
		out += "," + strings.TrimPrefix(d, "0.")
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}
