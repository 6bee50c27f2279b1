package ui

import (
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione"
)

// riconciliazioneVisualizzazioneScreens are the windows of this part of the menu, in order.
func riconciliazioneVisualizzazioneScreens() []Screen {
	path := []string{lang.L("Riconciliazione"), lang.L("Visualizzazione")}
	return []Screen{
		{ID: "ric-riconciliazione", Path: path, Title: lang.L("Riconciliazione"), Role: operatori.RuoloOperatore, View: ricRiconciliazioneView, Deep: ricVistaDeep},
		{ID: "ric-anomalie", Path: path, Title: lang.L("Anomalie"), Role: operatori.RuoloOperatore, View: ricAnomalieView, Deep: ricVistaDeep},
		{ID: "ric-ricevute", Path: path, Title: lang.L("Ricevute telematiche"), Role: operatori.RuoloOperatore, View: ricRicevuteView, Deep: ricVistaDeep},
		{ID: "ric-rendicontazione", Path: path, Title: lang.L("Rendicontazione pagoPA"), Role: operatori.RuoloOperatore, View: ricRendicontazioneView, Deep: ricVistaDeep},
		{ID: "ric-cassa", Path: path, Title: lang.L("Giornale di Cassa"), Role: operatori.RuoloOperatore, View: ricCassaView, Deep: ricVistaDeep},
		{ID: "ric-segnalazioni", Path: path, Title: lang.L("Storico Segnalazioni"), Role: operatori.RuoloOperatore, View: ricSegnalazioniView, Deep: ricVistaDeep},
	}
}

// ricVistaDeep opens, from the command line, the detail of the first row of
// a Visualizzazione window once listed: «--apri ric-anomalie/dettaglio».
// Parts after "/" can name a label to list first (ric-anomalie/DOPPI), the
// lines of a flow («righe»), the flags («segnalazioni») or the flag form
// («segnala»). For screenshots
// and support: nothing is saved.
func ricVistaDeep(u *UI, arg string) {
	s := u.ricVistaAperta()
	if s == nil {
		return
	}
	var righe, segnala, storico bool
	for _, p := range strings.Split(arg, "/") {
		switch p {
		case "righe":
			righe = true
		case "segnalazioni":
			storico = true
		case "segnala":
			segnala = true
		default:
			if sel, ok := s.Panel.Selects["classe"]; ok {
				if _, ok := riconciliazione.ClasseDi(p); ok && sel.Selected != p {
					sel.SetSelected(p)
					s.Panel.Search()
				}
			}
		}
	}
	u.pecScegli(s.Panel, nil, func(bool) {
		row, ok := s.Panel.Selected()
		if !ok || s.Panel.OnOpen == nil {
			return
		}
		s.poi = func(x *ricDettaglio) {
			if righe && x.Righe != nil {
				x.Tabs.SelectIndex(1)
			}
			if storico {
				x.Tabs.SelectIndex(len(x.Tabs.Items) - 1)
			}
			if segnala {
				premi(x.Segnala)
			}
		}
		s.Panel.OnOpen(row)
	})
}
