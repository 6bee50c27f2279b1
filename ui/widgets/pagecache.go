package widgets

// pageCache keeps the most recently used pages of rows.
type pageCache struct {
	max   int
	tick  uint64
	pages map[int]*cachedPage
}

type cachedPage struct {
	rows [][]string
	used uint64
}

func (c *pageCache) reset() { c.pages = map[int]*cachedPage{} }

func (c *pageCache) get(page int) ([][]string, bool) {
	e, ok := c.pages[page]
	if !ok {
		return nil, false
	}
	c.tick++
	e.used = c.tick
	return e.rows, true
}

func (c *pageCache) put(page int, rows [][]string) {
	if len(c.pages) >= c.max {
		oldest, first := 0, true
		for k, e := range c.pages {
			if first || e.used < c.pages[oldest].used {
				oldest, first = k, false
			}
		}
		delete(c.pages, oldest)
	}
	c.tick++
	c.pages[page] = &cachedPage{rows: rows, used: c.tick}
}
