package widgets

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"
)

func TestBackgroundDeliversResultsInOrder(t *testing.T) {
	newWindow(t, nil)
	b := NewBackground()
	l := widget.NewLabel("")
	var seen []string
	b.Go(func() func() {
		time.Sleep(20 * time.Millisecond)
		b.Do(func() { seen = append(seen, "progress") })
		return func() {
			seen = append(seen, "done")
			l.SetText("fatto")
			// A result may start more work: Wait waits for it too.
			b.Go(func() func() { return func() { seen = append(seen, "again") } })
		}
	})
	if l.Text != "" {
		t.Fatal("result delivered before Wait under the test driver")
	}
	b.Wait()
	if l.Text != "fatto" || len(seen) != 3 || seen[0] != "progress" || seen[1] != "done" || seen[2] != "again" {
		t.Fatalf("label %q, seen %v", l.Text, seen)
	}
	b.Go(func() func() { return nil }) // no result: Wait still returns
	b.Wait()
}
