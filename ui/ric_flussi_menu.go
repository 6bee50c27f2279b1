package ui

import (
	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/core/operatori"
)

// riconciliazioneFlussiScreens are the windows of this part of the menu, in order.
func riconciliazioneFlussiScreens() []Screen {
	path := []string{lang.L("Riconciliazione"), lang.L("Flussi")}
	return []Screen{
		{ID: "ric-importa", Path: path, Title: lang.L("Importa flussi"), Role: operatori.RuoloOperatore, View: ricImportaView, Deep: ricImportaDeep},
		{ID: "ric-esporta", Path: path, Title: lang.L("Esporta"), Role: operatori.RuoloOperatore, View: ricEsportaView},
	}
}

// ricImportaDeep lists, from the command line, the files of a folder in
// Importa flussi («--apri ric-importa//percorso/cartella»), as «Scegli
// cartella…» would, without importing them; «configura» opens the FdR
// API settings. For screenshots and support.
func ricImportaDeep(u *UI, arg string) {
	s := u.ricImportaAperta()
	if s == nil || arg == "" {
		return
	}
	if arg == "configura" {
		premi(s.ConfiguraFdR)
		return
	}
	s.aggiungi(nil, arg)
}
