package ui

import (
	"sync"

	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/core/operatori"
)

// sportelloPagamentiScreens are the windows of this part of the menu, in
// order: the front desk, under Pagamenti next to Cruscotto Pagamenti.
func sportelloPagamentiScreens() []Screen {
	pagamenti := []string{lang.L("Pagamenti")}
	return []Screen{
		{ID: "pagamenti-cerca", Path: pagamenti, Title: lang.L("Cerca avviso"), Role: operatori.RuoloOperatore,
			View: cercaAvvisoView, Deep: cercaAvvisoDeep},
		{ID: "pagamenti-spontaneo", Path: pagamenti, Title: lang.L("Pagamento spontaneo"), Role: operatori.RuoloOperatore,
			View: spontaneoView, Deep: spontaneoDeep},
	}
}

// sportelloSchermi are the front desk's screens of one UI, for their deep
// links and the tests (the UI struct keeps the other screens).
type sportelloSchermi struct {
	cerca     *cercaAvvisoScreen
	spontaneo *spontaneoScreen
}

var schermiSportello sync.Map // *UI → *sportelloSchermi

func (u *UI) sportello() *sportelloSchermi {
	s, _ := schermiSportello.LoadOrStore(u, &sportelloSchermi{})
	return s.(*sportelloSchermi)
}
