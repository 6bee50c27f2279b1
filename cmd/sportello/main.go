// Command sportello is the desktop application. It is the only package that
// imports Fyne's app driver; everything else is in ui and core.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/sportello/sportello/assets"
	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/demo"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui"
)

const (
	appID      = "it.sportello.desktop"
	version    = "0.1.0"
	prefDBPath = "percorso_database"
)

func main() {
	var (
		demoMode  = flag.Bool("demo", false, "modalità dimostrativa: database separato, dati di esempio e sandbox integrata")
		dbPath    = flag.String("db", "", "percorso del database (predefinito: impostazione salvata o cartella dati utente)")
		openID    = flag.String("apri", "", "schermata da aprire all'avvio (es. impostazioni)")
		login     = flag.Bool("login", false, "mostra la finestra di accesso anche in modalità dimostrativa")
		utente    = flag.String("utente", "", "in modalità dimostrativa, accede con questo account dimostrativo (es. admin)")
		quitAfter = flag.Duration("esci-dopo", 0, "chiude l'applicazione dopo la durata indicata (prove automatiche)")
	)
	flag.Parse()

	app.SetMetadata(fyne.AppMetadata{
		ID: appID, Name: "Sportello", Version: version, Build: 1,
		Icon:       fyne.NewStaticResource("icon.png", assets.Icon),
		Migrations: map[string]bool{"fyneDo": true},
	})
	fa := app.NewWithID(appID)

	ctx := context.Background()
	var (
		c   *core.App
		err error
	)
	opts := ui.Options{OpenScreen: *openID, ForceLogin: *login}
	if *demoMode {
		c, err = demo.Open(ctx, *dbPath)
		if err == nil {
			opts.DBPath = c.DB.Path
			if *utente != "" {
				var o operatori.Operatore
				if o, err = c.Operatori.Login(ctx, *utente, demo.Password); err == nil {
					c.SetOperatore(o)
				}
			}
		}
	} else {
		path := *dbPath
		if path == "" {
			path = fa.Preferences().String(prefDBPath)
		}
		if path == "" {
			path, err = store.DefaultPath()
		}
		if err == nil {
			c, err = core.Open(ctx, core.Options{DBPath: path})
		}
		opts.DBPath = path
		opts.SetDBPath = func(p string) { fa.Preferences().SetString(prefDBPath, p) }
	}
	if err != nil {
		slog.Error("start-up failed", "err", err)
		fmt.Fprintln(os.Stderr, "Sportello non può avviarsi:", err)
		os.Exit(1)
	}
	var closeOnce sync.Once
	closeCore := func() { closeOnce.Do(func() { c.Close() }) }
	defer closeCore()
	// Delivery states of sent notifications follow App IO while the window is open.
	c.OnClose(c.Flussi.AvviaAggiornatore(time.Minute, 500))
	// The PEC reseller registro syncs with its provider in the background.
	if a, ok, err := c.ProviderAdapter(ctx); err != nil {
		slog.Warn("PEC provider configuration unreadable", "err", err)
	} else if ok {
		c.OnClose(c.Registro.AvviaSync(a, time.Minute))
	}
	// PEC receipts are read as they arrive (IMAP IDLE), at least every minute.
	c.OnClose(c.Avvisi.AvviaLettoreRicevute(operatori.Operatore{Username: "sistema"}, time.Minute, nil))

	var watchOnce sync.Once
	opts.OnQuit = func() { watchOnce.Do(func() { go exitIfStuck(closeCore) }) }
	u := ui.New(fa, c, opts)
	u.Start()
	// Fyne quits on SIGTERM/SIGINT by itself; the watch must start too.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		opts.OnQuit()
	}()
	if *quitAfter > 0 {
		go func() {
			time.Sleep(*quitAfter)
			fyne.Do(u.Quit)
		}()
	}
	fa.Run()
}

// exitIfStuck ends the process if Fyne has not finished stopping 10 s after
// the clerk quit: Fyne 2.8 can deadlock at exit (its lifecycle queue waits
// for a main loop that has already stopped), and a window closed on a
// process that never ends is worse than an exit without Fyne's last hooks.
// The database is closed first.
func exitIfStuck(closeCore func()) {
	time.Sleep(10 * time.Second)
	slog.Warn("Fyne did not stop within 10 s of quitting: exiting")
	closeCore()
	os.Exit(0)
}
