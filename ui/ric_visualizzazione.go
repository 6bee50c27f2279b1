package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/ui/widgets"
)

// ricVista is a window of Riconciliazione › Visualizzazione: a search over
// one list and, on a double click, the detail of the row (ricDettaglio).
// It is the screen's content, so tests and deep links find it there.
type ricVista struct {
	widget.BaseWidget
	Panel *widgets.SearchPanel
	Nota  *widget.Label // under the filters: what the list holds, or the chosen label's meaning
	// Dettaglio is the last detail shown (tests).
	Dettaglio *ricDettaglio

	u    *UI
	bg   *widgets.Background
	poi  func(x *ricDettaglio) // runs once on the next detail shown (deep links)
	root fyne.CanvasObject
}

func newRicVista(u *UI, cfg widgets.SearchConfig, nota string) *ricVista {
	s := &ricVista{u: u, bg: widgets.NewBackground(), Nota: widget.NewLabel(nota)}
	s.Nota.Wrapping = fyne.TextWrapWord
	s.Nota.Importance = widget.LowImportance
	s.Panel = widgets.NewSearchPanel(u.Win, cfg)
	s.root = container.NewBorder(s.Nota, nil, nil, nil, s.Panel)
	s.ExtendBaseWidget(s)
	return s
}

func (s *ricVista) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.root) }

// ricVistaAperta is the Visualizzazione window on screen, nil if another.
func (u *UI) ricVistaAperta() *ricVista {
	if u.main == nil || len(u.main.Content.Objects) == 0 {
		return nil
	}
	s, _ := u.main.Content.Objects[0].(*ricVista)
	return s
}

// ricOggetti are the kinds of row a label is on, as the lists name them.
var ricOggetti = []string{riconciliazione.ChiavePagamento, riconciliazione.ChiaveFlusso, riconciliazione.ChiaveTesoreria}

func ricOggettoLabel(tipo string) string {
	switch tipo {
	case riconciliazione.ChiavePagamento:
		return lang.L("Pagamento")
	case riconciliazione.ChiaveFlusso:
		return lang.L("Flusso")
	case riconciliazione.ChiaveTesoreria:
		return lang.L("Movimento")
	}
	return tipo
}

func ricOggettoByLabel(l string) string {
	for _, t := range ricOggetti {
		if ricOggettoLabel(t) == l {
			return t
		}
	}
	return ""
}

// ricImporto is an amount in euro as the lists show it ("1.234,56"); ""
// when the side is missing.
func ricImporto(cents int64, presente bool) string {
	if !presente {
		return ""
	}
	return pagopa.FormattaImporto(cents)
}

// ricData turns 2026-11-20 (or an RFC 3339 instant) into 20/11/2026.
func ricData(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return dataOraBreve(t)
	}
	return dataISOIT(s)
}

// ricClassi are the labels of a row, most complete first, as codes.
func ricClassi(codici string) string {
	var out []string
	for _, c := range riconciliazione.EtichetteDi(codici) {
		out = append(out, c.Codice)
	}
	return strings.Join(out, ", ")
}

// ricCodici are the codes of labels, for a filter's options.
func ricCodici(cc []riconciliazione.Classe) []string {
	out := make([]string, len(cc))
	for i, c := range cc {
		out[i] = c.Codice
	}
	return out
}

// ricSpiegaClasse shows the chosen label's meaning in nota (or base when
// none is chosen).
func ricSpiegaClasse(nota *widget.Label, base string) func(string) {
	return func(codice string) {
		if c, ok := riconciliazione.ClasseDi(codice); ok {
			nota.SetText(c.Codice + ": " + c.Descrizione)
			return
		}
		nota.SetText(base)
	}
}
