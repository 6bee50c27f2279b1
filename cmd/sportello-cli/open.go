package main

import (
	"context"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/demo"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// openApp opens the database named by the global options: --demo (demo
// database, seeded, with the sandbox running in-process), --db PATH, or the
// per-user default.
func openApp(ctx context.Context, g globals) (*core.App, error) {
	if g.demo {
		return demo.Open(ctx, g.db)
	}
	path := g.db
	if path == "" {
		var err error
		if path, err = store.DefaultPath(); err != nil {
			return nil, err
		}
	}
	lim, err := sandbox.ParseRate(g.limiteIO)
	if err != nil {
		return nil, exitError{code: 2, msg: "--limite-io: " + err.Error()}
	}
	opt := flussi.Options{Calls: lim.N, Per: lim.Per}
	if lim.Off() {
		opt.Calls = -1
	}
	return core.Open(ctx, core.Options{DBPath: path, Flussi: opt})
}
