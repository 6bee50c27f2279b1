package ui

import (
	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/core/operatori"
)

// riconciliazioneStatisticheScreens are the windows of this part of the menu, in order.
func riconciliazioneStatisticheScreens() []Screen {
	return []Screen{
		{ID: "ric-statistiche", Path: []string{lang.L("Riconciliazione"), lang.L("Statistiche")}, Title: lang.L("Totali ripartiti"),
			Role: operatori.RuoloOperatore, View: ricStatisticheView, Deep: ricStatisticheDeep},
	}
}
