package main

import (
	"context"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/demo"
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
	return core.Open(ctx, core.Options{DBPath: path})
}
