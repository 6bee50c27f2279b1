package widgets

import (
	"reflect"
	"sync"

	"fyne.io/fyne/v2"
)

// pending counts background jobs, so that tests can wait for them. A job
// is added on the goroutine that starts it and is done once its result
// has been delivered to the widgets.
//
// Fyne's test driver runs fyne.Do callbacks at once on the calling
// goroutine, so a result could land while the test goroutine is still in
// the middle of a tap. Under that driver results are queued instead and
// delivered by wait on the test's goroutine: tests get the same one-UI-
// goroutine order the app has, and no races.
type pending struct {
	mu     sync.Mutex
	cond   *sync.Cond
	n      int
	queue  []func()
	manual bool
}

func newPending() *pending {
	p := &pending{manual: underTestDriver()}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func underTestDriver() bool {
	a := fyne.CurrentApp()
	if a == nil || a.Driver() == nil {
		return false
	}
	t := reflect.TypeOf(a.Driver())
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == "fyne.io/fyne/v2/test"
}

func (p *pending) add() {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
}

// do delivers a job's result on the UI goroutine and marks the job done.
func (p *pending) do(fn func()) {
	if !p.manual {
		fyne.Do(func() {
			defer p.done()
			fn()
		})
		return
	}
	p.mu.Lock()
	p.queue = append(p.queue, fn)
	p.cond.Broadcast()
	p.mu.Unlock()
}

func (p *pending) done() {
	p.mu.Lock()
	p.n--
	p.cond.Broadcast()
	p.mu.Unlock()
}

// wait returns when no job is left, running queued results (test driver)
// on the calling goroutine; results may start new jobs, waited for too.
func (p *pending) wait() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if len(p.queue) > 0 {
			fn := p.queue[0]
			p.queue = p.queue[1:]
			p.mu.Unlock()
			func() {
				defer p.done()
				fn()
			}()
			p.mu.Lock()
			continue
		}
		if p.n == 0 {
			return
		}
		p.cond.Wait()
	}
}
