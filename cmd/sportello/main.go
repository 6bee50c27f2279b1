// Command sportello is the desktop application. It is the only package that
// imports Fyne's app driver; everything else is in ui and core.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
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
	defer c.Close()
	// Delivery states of sent notifications follow App IO while the window is open.
	c.OnClose(c.Flussi.AvviaAggiornatore(time.Minute, 500))

	u := ui.New(fa, c, opts)
	u.Start()
	if *quitAfter > 0 {
		go func() {
			time.Sleep(*quitAfter)
			fyne.Do(fa.Quit)
		}()
	}
	fa.Run()
}
