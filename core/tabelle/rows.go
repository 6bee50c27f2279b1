package tabelle

import "iter"

// Rows streams the rows of an export, like sql.Rows: call Next until it
// returns false, then check Err.
type Rows interface {
	Next() bool
	Row() []string
	Err() error
}

// SliceRows streams rows already in memory.
func SliceRows(rows [][]string) Rows { return &sliceRows{rows: rows, i: -1} }

type sliceRows struct {
	rows [][]string
	i    int
}

func (s *sliceRows) Next() bool    { s.i++; return s.i < len(s.rows) }
func (s *sliceRows) Row() []string { return s.rows[s.i] }
func (s *sliceRows) Err() error    { return nil }

// SeqRows adapts an iterator; iteration stops at the first error, which
// Err then returns.
func SeqRows(seq iter.Seq2[[]string, error]) Rows {
	next, stop := iter.Pull2(seq)
	return &seqRows{next: next, stop: stop}
}

type seqRows struct {
	next func() ([]string, error, bool)
	stop func()
	row  []string
	err  error
	done bool
}

func (s *seqRows) Next() bool {
	if s.done {
		return false
	}
	row, err, ok := s.next()
	if !ok || err != nil {
		s.err, s.done = err, true
		s.stop()
		return false
	}
	s.row = row
	return true
}

func (s *seqRows) Row() []string { return s.row }
func (s *seqRows) Err() error    { return s.err }

// Close releases the iterator when a writer stops early.
func (s *seqRows) Close() error {
	if !s.done {
		s.done = true
		s.stop()
	}
	return nil
}

// closeRows lets a writer release an iterator it did not drain.
func closeRows(r Rows) {
	if c, ok := r.(interface{ Close() error }); ok {
		_ = c.Close()
	}
}

// peeked replays buffered rows before the rest of the stream.
type peeked struct {
	Rows
	head     [][]string
	cur      []string
	fromHead bool
}

// peek reads up to n rows ahead (to size columns) without losing them.
func peek(r Rows, n int) *peeked {
	p := &peeked{Rows: r}
	for len(p.head) < n && r.Next() {
		p.head = append(p.head, append([]string{}, r.Row()...))
	}
	return p
}

func (p *peeked) Next() bool {
	if len(p.head) > 0 {
		p.cur, p.head, p.fromHead = p.head[0], p.head[1:], true
		return true
	}
	p.cur, p.fromHead = nil, false
	return p.Rows.Next()
}

func (p *peeked) Row() []string {
	if p.fromHead {
		return p.cur
	}
	return p.Rows.Row()
}
