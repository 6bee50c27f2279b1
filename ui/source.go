package ui

import (
	"context"
	"strings"

	"github.com/sportello/sportello/ui/widgets"
)

// listSource adapts a short list that core returns whole (operators,
// services) to a SearchPanel. Long lists page in SQL through core instead.
type listSource func(ctx context.Context, f widgets.Filter) ([][]string, error)

func (s listSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	rows, err := s(ctx, f)
	return len(rows), err
}

func (s listSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	rows, err := s(ctx, f)
	if err != nil || offset >= len(rows) {
		return nil, err
	}
	return rows[offset:min(offset+limit, len(rows))], nil
}

// contains is the case-insensitive "contiene" of text filters; an empty
// filter matches everything.
func contains(value, filter string) bool {
	return filter == "" || strings.Contains(strings.ToLower(value), strings.ToLower(strings.TrimSpace(filter)))
}
