// Package ui is Sportello's Fyne interface: the main window with its menu
// of screens, the login, and one file per screen. It talks only to core.
package ui

import (
	"context"
	"log/slog"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/assets"
	"github.com/sportello/sportello/core"
)

// Options tune how the UI starts.
type Options struct {
	// OpenScreen is the ID of a screen to show right after login (used by
	// `make screenshots` and handy for support), optionally followed by
	// "/" and a view inside it: "flussi/primo", "notifiche/nuova".
	OpenScreen string
	// ForceLogin shows the login window even in demo mode.
	ForceLogin bool
	// DBPath is the database in use, shown in the settings; SetDBPath stores
	// a new path for the next start (nil when it cannot be changed, as in demo mode).
	DBPath    string
	SetDBPath func(string)
	// OnQuit, if set, runs when the clerk closes the main window or
	// chooses Esci, before the application stops.
	OnQuit func()
}

// UI is the running interface.
type UI struct {
	Core *core.App
	Fyne fyne.App
	Win  fyne.Window
	opts Options
	ctx  context.Context

	main *mainWindow
	// statoInSottofondo: the main window's status bar refreshes itself
	// from a goroutine. Tests turn it off: the test driver runs fyne.Do on
	// the calling goroutine, so the refresh would race with the test.
	statoInSottofondo bool
	loginForm         *loginForm
	primoAvvio        *primoAvvioForm
	account           *accountForm
	database          *databaseScreen
	ente              *enteScreen
	servizi           *serviziScreen
	operatori         *operatoriScreen
	flussi            *flussiScreen
	notifiche         *notificheScreen
	appio             *appIOState
	tipiDovuto        *tipiDovutoScreen
	cruscotto         *cruscottoScreen
	generazione       *generazioneScreen
	caselle           *caselleScreen
	pecInfo           *pecInfoScreen
	pecTitolari       *pecTitolariScreen
	pecDomini         *pecDominiScreen
	pecAgenti         *pecAgentiScreen
	pecSync           *pecSyncScreen
	pecAssistenti     *pecAssistentiScreen
	pecCaselle        *pecCaselleScreen
}

func init() {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		slog.Error("loading translations", "err", err)
	}
}

// New prepares the UI over an open core App; call Start to show it.
func New(fa fyne.App, c *core.App, opts Options) *UI {
	fa.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	fa.Settings().SetTheme(sportelloTheme{})
	u := &UI{Core: c, Fyne: fa, opts: opts, ctx: context.Background(), statoInSottofondo: true}
	u.Win = fa.NewWindow("Sportello")
	u.Win.SetIcon(fa.Icon())
	u.Win.SetMaster()
	u.Win.SetOnClosed(u.quitting)
	return u
}

func (u *UI) quitting() {
	if u.opts.OnQuit != nil {
		u.opts.OnQuit()
	}
}

// Quit stops the application, as the menu's Esci.
func (u *UI) Quit() {
	u.quitting()
	u.Fyne.Quit()
}

// Start shows the first-run window, the login or (demo) the main window.
func (u *UI) Start() {
	if u.Core.Demo && !u.opts.ForceLogin && u.Core.Operatore().Username != "" {
		u.ShowMain()
		return
	}
	primo, err := u.Core.Operatori.PrimoAvvio(u.ctx)
	if err != nil {
		u.showFatal(err)
		return
	}
	if primo {
		u.showPrimoAvvio()
		return
	}
	u.showLogin()
}

func removeIfEmpty(path string) error {
	st, err := os.Stat(path)
	if err != nil || st.Size() > 0 {
		return nil
	}
	return os.Remove(path)
}
