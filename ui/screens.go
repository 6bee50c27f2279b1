package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/core/operatori"
)

// Screen is one window of the main menu, as in fyne_demo: adding a window
// is one file with its View and one line in screens().
type Screen struct {
	ID    string
	Path  []string // menu path, e.g. {"Impostazioni"}
	Title string
	// Role is the least role that sees the screen.
	Role operatori.Ruolo
	View func(u *UI) fyne.CanvasObject
	// Deep, if set, opens a view inside the screen once shown: the part
	// after "/" in Options.OpenScreen ("flussi/nuovo"). For screenshots
	// and support.
	Deep func(u *UI, arg string)
}

// screens is the menu, in order. Screens of areas that do not work yet are
// not listed: no dead entries.
func screens() []Screen {
	sportello := lang.L("Sportello")
	impostazioni := lang.L("Impostazioni")
	amministrazione, appIO := lang.L("Amministrazione del Sistema"), lang.L("App IO")
	return slices.Concat([]Screen{
		{ID: "home", Path: []string{sportello}, Title: lang.L("Home"), Role: operatori.RuoloOperatore, View: homeView},
		{ID: "account", Path: []string{sportello}, Title: lang.L("Il mio account"), Role: operatori.RuoloOperatore, View: accountView},
		{ID: "flussi", Path: []string{amministrazione, appIO}, Title: lang.L("Gestione Flussi"), Role: operatori.RuoloOperatore, View: flussiView, Deep: flussiDeep},
		{ID: "notifiche", Path: []string{amministrazione, appIO}, Title: lang.L("Archivio Notifiche"), Role: operatori.RuoloOperatore, View: notificheView, Deep: notificheDeep},
		{ID: "cruscotto", Path: []string{lang.L("Pagamenti")}, Title: lang.L("Cruscotto Pagamenti"), Role: operatori.RuoloOperatore, View: cruscottoView, Deep: cruscottoDeep},
		{ID: "pec-info", Path: []string{lang.L("Registro PEC")}, Title: lang.L("Info Servizio"), Role: operatori.RuoloOperatore, View: pecInfoView},
		{ID: "pec-titolari", Path: []string{lang.L("Registro PEC")}, Title: lang.L("Gestione anagrafica utenti"), Role: operatori.RuoloOperatore, View: pecTitolariView, Deep: pecTitolariDeep},
		{ID: "pec-caselle", Path: []string{lang.L("Registro PEC")}, Title: lang.L("Gestione account certificati (pec)"), Role: operatori.RuoloOperatore, View: pecCaselleView, Deep: pecCaselleDeep},
		{ID: "pec-domini", Path: []string{lang.L("Registro PEC")}, Title: lang.L("Gestione domini"), Role: operatori.RuoloOperatore, View: pecDominiView, Deep: pecDominiDeep},
		{ID: "pec-agenti", Path: []string{lang.L("Registro PEC")}, Title: lang.L("Gestione agenti commerciali"), Role: operatori.RuoloOperatore, View: pecAgentiView, Deep: pecAgentiDeep},
		{ID: "pec-assistenti", Path: []string{lang.L("Registro PEC")}, Title: lang.L("Gestione assistenti"), Role: operatori.RuoloOperatore, View: pecAssistentiView, Deep: pecAssistentiDeep},
		{ID: "pec-sync", Path: []string{lang.L("Registro PEC")}, Title: lang.L("Sincronizzazione"), Role: operatori.RuoloOperatore, View: pecSyncView, Deep: pecSyncDeep},
	}, sportelloPagamentiScreens(), riconciliazioneVisualizzazioneScreens(), riconciliazioneFlussiScreens(),
		riconciliazioneAccertamentoScreens(), riconciliazioneStatisticheScreens(), []Screen{
			{ID: "generazione", Path: []string{lang.L("Utility")}, Title: lang.L("Generazione massiva Pagamenti"), Role: operatori.RuoloOperatoreInvio, View: generazioneView},
			{ID: "ente", Path: []string{impostazioni}, Title: lang.L("Ente"), Role: operatori.RuoloOperatore, View: enteView},
			{ID: "servizi-io", Path: []string{impostazioni}, Title: lang.L("Servizi App IO"), Role: operatori.RuoloAmministratore, View: serviziIOView},
			{ID: "caselle", Path: []string{impostazioni}, Title: lang.L("Caselle di posta"), Role: operatori.RuoloAmministratore, View: caselleView},
			{ID: "tipi-dovuto", Path: []string{impostazioni}, Title: lang.L("Tipi dovuto"), Role: operatori.RuoloAmministratore, View: tipiDovutoView},
			{ID: "lettere", Path: []string{impostazioni}, Title: lang.L("Lettere di accompagnamento"), Role: operatori.RuoloAmministratore, View: lettereView},
			{ID: "operatori", Path: []string{impostazioni}, Title: lang.L("Operatori"), Role: operatori.RuoloAmministratore, View: operatoriView},
			{ID: "database", Path: []string{impostazioni}, Title: lang.L("Database"), Role: operatori.RuoloAmministratore, View: databaseView},
		})
}

// visibleScreens are the screens the operator's role allows.
func visibleScreens(r operatori.Ruolo) []Screen {
	var out []Screen
	for _, s := range screens() {
		if r.Almeno(s.Role) {
			out = append(out, s)
		}
	}
	return out
}
