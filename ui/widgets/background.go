package widgets

// Background runs a screen's slow work (a remote call, a file read, a
// write that may wait for the database) off the UI goroutine and brings
// its result back on it, like the SearchPanel does for its pages. Tests
// Wait for it: under Fyne's test driver results are queued and delivered
// on the waiting goroutine, so a test sees the same one-UI-goroutine order
// as the app.
type Background struct {
	p *pending
}

// NewBackground makes a Background; make it while the app (or the test
// app) is current.
func NewBackground() *Background { return &Background{p: newPending()} }

// Go runs work on a new goroutine; the function work returns, if not nil,
// runs afterwards on the UI goroutine. Call Go from any goroutine.
func (b *Background) Go(work func() func()) {
	b.p.add()
	go func() {
		done := work()
		b.p.do(func() {
			if done != nil {
				done()
			}
		})
	}()
}

// Do runs fn on the UI goroutine; call it from the work of a Go (e.g. to
// show progress), so that Wait also waits for it.
func (b *Background) Do(fn func()) {
	b.p.add()
	b.p.do(fn)
}

// Wait blocks until every work started so far, and whatever it asked to
// run on the UI goroutine, has finished. For tests: never call it on the
// UI goroutine.
func (b *Background) Wait() { b.p.wait() }
