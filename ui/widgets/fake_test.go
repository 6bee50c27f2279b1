package widgets

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// fakeSource has n rows "000000".."n-1" and records what it is asked.
type fakeSource struct {
	n int

	mu       sync.Mutex
	counts   int
	offsets  []int
	filters  []Filter
	countErr error
	pageErr  error
}

func (s *fakeSource) Count(ctx context.Context, f Filter) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts++
	s.filters = append(s.filters, maps.Clone(f))
	if s.countErr != nil {
		return 0, s.countErr
	}
	return s.n, ctx.Err()
}

func (s *fakeSource) Page(ctx context.Context, f Filter, offset, limit int) ([][]string, error) {
	s.mu.Lock()
	s.offsets = append(s.offsets, offset)
	err := s.pageErr
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for i := offset; i < min(offset+limit, s.n); i++ {
		rows = append(rows, fakeRow(i))
	}
	return rows, ctx.Err()
}

func fakeRow(i int) []string {
	return []string{fmt.Sprintf("%06d", i), fmt.Sprintf("Cognome %d", i), fmt.Sprintf("%d,50", i)}
}

// fetched returns the offsets asked since the last call, sorted.
func (s *fakeSource) fetched() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := slices.Clone(s.offsets)
	s.offsets = nil
	slices.Sort(o)
	return o
}

func (s *fakeSource) lastFilter() Filter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.filters) == 0 {
		return nil
	}
	return s.filters[len(s.filters)-1]
}

// newWindow shows content in a test window of a desktop size.
func newWindow(t *testing.T, content fyne.CanvasObject) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(content)
	w.Resize(testSize)
	t.Cleanup(w.Close)
	return w
}

var testSize = fyne.NewSize(1000, 700)
