package flussi

import (
	"context"
	"log/slog"
	"time"
)

// Aggiornatore is the background refresher of delivery states: every
// interval it asks IO (within each account's quota, shared with sending)
// where the sent notifications not yet final stand. Close stops it.
type Aggiornatore struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// AvviaAggiornatore starts the refresher: each round checks up to batch
// notifications not checked for at least every.
func (s *Service) AvviaAggiornatore(every time.Duration, batch int) *Aggiornatore {
	ctx, cancel := context.WithCancel(context.Background())
	a := &Aggiornatore{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			n, err := s.AggiornaStati(ctx, every, batch)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				slog.Warn("delivery status refresh", "updated", n, "err", err)
			case n > 0:
				slog.Info("delivery status refresh", "updated", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return a
}

// Close stops the refresher and waits for its round in progress.
func (a *Aggiornatore) Close() error {
	a.cancel()
	<-a.done
	return nil
}
