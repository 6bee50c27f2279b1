package widgets

import (
	"errors"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

var testColumns = []Column{{Title: "Codice", Width: 100}, {Title: "Cognome", Width: 200},
	{Title: "Importo", Width: 100, Align: fyne.TextAlignTrailing}}

var testFields = []Field{
	{Key: "cognome", Label: "Cognome"},
	{Key: "stato", Label: "Stato", Kind: FieldSelect, Options: []string{"Aperta", "Chiusa"}},
	{Key: "dal", Label: "Dal", Kind: FieldDate},
	{Key: "urgenti", Label: "Solo urgenti", Kind: FieldCheck},
}

func newTestPanel(t *testing.T, src Source, cfg SearchConfig) (*SearchPanel, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	cfg.Source = src
	if cfg.Columns == nil {
		cfg.Columns = testColumns
	}
	if cfg.Fields == nil {
		cfg.Fields = testFields
	}
	p := NewSearchPanel(w, cfg)
	w.SetContent(p)
	w.Resize(testSize)
	t.Cleanup(w.Close)
	return p, w
}

func TestSearchPanelFetchesOnlyVisiblePages(t *testing.T) {
	src := &fakeSource{n: 100_000}
	var opened []string
	p, _ := newTestPanel(t, src, SearchConfig{OnOpen: func(row []string) { opened = row }})
	if got := src.fetched(); len(got) != 0 || src.counts != 0 {
		t.Fatalf("source queried before Elenca: %v", got)
	}

	test.Tap(p.Elenca)
	p.Wait()
	if p.Status.Text != "100.000 risultati" || p.Total() != 100_000 {
		t.Fatalf("status %q, total %d", p.Status.Text, p.Total())
	}
	if got := src.fetched(); !slices.Equal(got, []int{0}) {
		t.Fatalf("after Elenca fetched offsets %v, want [0]", got)
	}
	if c := p.CellAt(0, 1); c == nil || c.Text() != "Cognome 0" {
		t.Fatalf("first row not shown: %+v", c)
	}

	// Asking for a far row fetches its page and nothing else.
	p.ShowRow(54_321)
	p.Wait()
	if got := src.fetched(); !slices.Equal(got, []int{54_200}) {
		t.Fatalf("far row fetched offsets %v, want [54200]", got)
	}
	cell := p.CellAt(54_321, 1)
	if cell == nil || cell.Text() != "Cognome 54321" {
		t.Fatalf("far row cell %+v", cell)
	}
	if got := src.fetched(); len(got) != 0 {
		t.Fatalf("showing a loaded row fetched %v", got)
	}

	test.Tap(cell)
	if sel, ok := p.Selected(); !ok || p.SelectedIndex() != 54_321 || sel[0] != "054321" {
		t.Fatalf("tap selected %d %v", p.SelectedIndex(), sel)
	}
	if opened != nil {
		t.Fatal("single tap opened the row")
	}
	test.DoubleTap(p.CellAt(54_322, 2))
	if !slices.Equal(opened, fakeRow(54_322)) {
		t.Fatalf("double tap opened %v", opened)
	}
	if p.SelectedIndex() != 54_322 {
		t.Fatalf("double tap did not select its row: %d", p.SelectedIndex())
	}
}

func TestSearchPanelCachesFewPages(t *testing.T) {
	src := &fakeSource{n: 100_000}
	p, _ := newTestPanel(t, src, SearchConfig{PageSize: 100, CachePages: 3})
	p.Search()
	p.Wait()
	for _, row := range []int{5_050, 10_050, 20_050} {
		p.ShowRow(row)
		p.Wait()
	}
	if got := src.fetched(); !slices.Equal(got, []int{0, 5_000, 10_000, 20_000}) {
		t.Fatalf("fetched %v", got)
	}
	// Page 10.000 is still cached; page 0 was evicted and comes back.
	p.ShowRow(10_050)
	p.Wait()
	if got := src.fetched(); len(got) != 0 {
		t.Fatalf("cached page fetched again: %v", got)
	}
	p.ShowRow(0)
	p.Wait()
	if got := src.fetched(); !slices.Equal(got, []int{0}) {
		t.Fatalf("evicted page: fetched %v", got)
	}
	if _, ok := p.Row(5_000); ok {
		t.Fatal("least recently used page still cached")
	}
	if len(p.pages.pages) > 3 {
		t.Fatalf("%d pages cached, limit 3", len(p.pages.pages))
	}
}

func TestSearchPanelPassesFilters(t *testing.T) {
	src := &fakeSource{n: 3}
	p, _ := newTestPanel(t, src, SearchConfig{})
	test.Type(p.Entries["cognome"], "Rossi")
	p.Selects["stato"].SetSelected("Chiusa")
	test.Type(p.Entries["dal"], "5/1/2026")
	test.Tap(p.Checks["urgenti"])
	// Enter in a filter runs Elenca.
	p.Entries["cognome"].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	p.Wait()
	want := Filter{"cognome": "Rossi", "stato": "Chiusa", "dal": "2026-01-05", "urgenti": "true"}
	if got := src.lastFilter(); !mapsEqual(got, want) {
		t.Fatalf("filter %v, want %v", got, want)
	}
	if p.Status.Text != "3 risultati" {
		t.Fatalf("status %q", p.Status.Text)
	}

	test.Tap(p.Pulisci)
	if p.Entries["cognome"].Text != "" || p.Selects["stato"].Selected != "" || p.Entries["dal"].Text != "" || p.Checks["urgenti"].Checked {
		t.Fatal("Pulisci left filters filled")
	}
	test.Tap(p.Elenca)
	p.Wait()
	if got := src.lastFilter(); len(got) != 0 {
		t.Fatalf("blank filters passed: %v", got)
	}

	counts := src.counts
	test.Type(p.Entries["dal"], "31/02/2026")
	test.Tap(p.Elenca)
	p.Wait()
	if src.counts != counts {
		t.Fatal("searched with an invalid date")
	}
	if p.Status.Text != "Dal: data non valida, usare gg/mm/aaaa" || p.Status.Importance != widget.DangerImportance {
		t.Fatalf("invalid date: %q", p.Status.Text)
	}
}

func TestSearchPanelNoResults(t *testing.T) {
	src := &fakeSource{n: 0}
	p, _ := newTestPanel(t, src, SearchConfig{})
	test.Tap(p.Elenca)
	p.Wait()
	if p.Status.Text != "Nessun risultato" || len(src.fetched()) != 0 {
		t.Fatalf("status %q", p.Status.Text)
	}
	src.n = 1
	test.Tap(p.Elenca)
	p.Wait()
	if p.Status.Text != "1 risultato" {
		t.Fatalf("status %q", p.Status.Text)
	}
}

func TestSearchPanelShowsSourceErrors(t *testing.T) {
	src := &fakeSource{n: 10, countErr: errors.New("archivio non raggiungibile")}
	p, _ := newTestPanel(t, src, SearchConfig{})
	test.Tap(p.Elenca)
	p.Wait()
	if p.Status.Text != "Ricerca non riuscita: archivio non raggiungibile" || p.Status.Importance != widget.DangerImportance {
		t.Fatalf("count error: %q", p.Status.Text)
	}

	src.countErr, src.pageErr = nil, errors.New("tabella bloccata")
	test.Tap(p.Elenca)
	p.Wait()
	if p.Status.Text != "Caricamento delle righe non riuscito: tabella bloccata" {
		t.Fatalf("page error: %q", p.Status.Text)
	}
	if c := p.CellAt(0, 0); c == nil || c.Text() != "…" {
		t.Fatalf("failed page cell: %+v", c)
	}
	// A failed page is not asked again and again while on screen.
	src.fetched()
	p.Table.Refresh()
	p.Wait()
	if got := src.fetched(); len(got) != 0 {
		t.Fatalf("failed page refetched: %v", got)
	}
	// A new search tries again.
	src.pageErr = nil
	p.Reload()
	p.Wait()
	if p.Status.Text != "10 risultati" || p.CellAt(0, 0).Text() != "000000" {
		t.Fatalf("after retry: %q", p.Status.Text)
	}
}

func TestFormatInt(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", 100000: "100.000", 1234567: "1.234.567", -1500: "-1.500"} {
		if got := FormatInt(n); got != want {
			t.Errorf("FormatInt(%d) = %q", n, got)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func TestSearchPanelScrollFetchesNewPages(t *testing.T) {
	src := &fakeSource{n: 100_000}
	p, w := newTestPanel(t, src, SearchConfig{PageSize: 10})
	test.Tap(p.Elenca)
	p.Wait()
	if got := src.fetched(); !slices.Equal(got, []int{0, 10}) {
		t.Fatalf("first screen fetched %v", got)
	}
	// The mouse wheel, 40 rows down: rows 40..53 come into view.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.table).AddXY(50, 100)
	test.Scroll(w.Canvas(), pos, 0, -40*p.rowPitch())
	p.Wait()
	if got := src.fetched(); !slices.Equal(got, []int{40, 50}) {
		t.Fatalf("scrolling fetched %v, want [40 50]", got)
	}
	if !p.rowVisible(45) || p.rowVisible(5) {
		t.Fatal("rows 40..53 not the ones on screen")
	}
}

func TestSearchPanelKeyboard(t *testing.T) {
	src := &fakeSource{n: 100_000}
	var opened []string
	p, _ := newTestPanel(t, src, SearchConfig{OnOpen: func(r []string) { opened = r }})
	p.Search()
	p.Wait()
	src.fetched()
	key := func(k fyne.KeyName) { p.table.TypedKey(&fyne.KeyEvent{Name: k}); p.Wait() }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	if p.SelectedIndex() != 2 {
		t.Fatalf("selected %d after three Down", p.SelectedIndex())
	}
	key(fyne.KeyEnd)
	if p.SelectedIndex() != 99_999 || !p.rowVisible(99_999) {
		t.Fatalf("End: selected %d, visible %v", p.SelectedIndex(), p.rowVisible(99_999))
	}
	if got := src.fetched(); !slices.Equal(got, []int{99_800}) {
		t.Fatalf("End fetched %v", got)
	}
	key(fyne.KeyUp)
	key(fyne.KeyReturn)
	if !slices.Equal(opened, fakeRow(99_998)) {
		t.Fatalf("Enter opened %v", opened)
	}
	key(fyne.KeyHome)
	if p.SelectedIndex() != 0 || !p.rowVisible(0) || p.rowVisible(99_998) {
		t.Fatal("Home did not go back to the first row")
	}
}

func TestSearchPanelShowRowKeepsVisibleRows(t *testing.T) {
	src := &fakeSource{n: 1_000}
	p, _ := newTestPanel(t, src, SearchConfig{})
	p.Search()
	p.Wait()
	p.ShowRow(5) // already on screen: nothing moves
	if !p.rowVisible(0) || !p.rowVisible(5) {
		t.Fatal("ShowRow scrolled a visible row")
	}
	p.SelectRow(500)
	p.Wait()
	if sel, ok := p.Selected(); !ok || sel[0] != "000500" || !p.rowVisible(500) {
		t.Fatalf("SelectRow(500): %v %v", sel, ok)
	}
}

func TestSearchPanelTinyCacheDoesNotThrash(t *testing.T) {
	src := &fakeSource{n: 1_000}
	p, _ := newTestPanel(t, src, SearchConfig{PageSize: 5, CachePages: 2})
	test.Tap(p.Elenca)
	p.Wait() // would never return if the visible pages evicted each other
	if got := src.fetched(); !slices.Equal(got, []int{0, 5, 10}) {
		t.Fatalf("fetched %v", got)
	}
	if c := p.CellAt(12, 0); c == nil || c.Text() != "000012" {
		t.Fatal("row 12 not shown")
	}
}

func TestSearchPanelSidewaysKeysKeepTheRows(t *testing.T) {
	src := &fakeSource{n: 1_000}
	cols := []Column{{Title: "A", Width: 400}, {Title: "B", Width: 400}, {Title: "C", Width: 400}, {Title: "D", Width: 400}}
	p, _ := newTestPanel(t, src, SearchConfig{Columns: cols})
	p.Search()
	p.Wait()
	p.ShowRow(500)
	p.Wait()
	before := p.offset()
	p.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	after := p.offset()
	if after.X != before.X+100 || !p.rowVisible(500) {
		t.Fatalf("Right: offset %v -> %v, row 500 visible %v", before, after, p.rowVisible(500))
	}
	p.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if p.offset().X != before.X || !p.rowVisible(500) {
		t.Fatalf("Left: offset %v", p.offset())
	}
}

// A Fill column reaches the table's right edge as the window grows and
// shrinks, never narrower than its width; the columns after it follow.
func TestSearchPanelFillColumn(t *testing.T) {
	cols := []Column{{Title: "Codice", Width: 100}, {Title: "Nota", Width: 150, Fill: true}, {Title: "Importo", Width: 80}}
	p, w := newTestPanel(t, &fakeSource{n: 3}, SearchConfig{Columns: cols})
	test.Tap(p.Elenca)
	p.Wait()
	gap := theme.Padding()
	for _, larga := range []float32{900, 1200, 400} {
		w.Resize(fyne.NewSize(larga, 400))
		c := p.CellAt(0, 1)
		if c == nil {
			t.Fatalf("%v: the note cell is not on screen", larga)
		}
		want := max(150, p.Table.Size().Width-100-2*gap)
		if got := c.Size().Width; got != want {
			t.Errorf("window %v, table %v: note column %v wide, want %v", larga, p.Table.Size().Width, got, want)
		}
	}
}

// OnResults follows the rows: 0 as a search starts (nothing selected),
// then its count; LastFilter is what the rows shown were searched with,
// whatever the fields say since.
func TestSearchPanelOnResults(t *testing.T) {
	src := &fakeSource{n: 7}
	p, _ := newTestPanel(t, src, SearchConfig{})
	if _, ok := p.LastFilter(); ok {
		t.Fatal("a filter before any search")
	}
	var visti []int
	p.OnResults = func(n int) { visti = append(visti, n) }
	p.Entries["cognome"].SetText("Rossi")
	test.Tap(p.Elenca)
	p.Wait()
	p.SelectRow(2)
	src.n = 0
	p.Reload()
	p.Wait()
	if !slices.Equal(visti, []int{0, 7, 0, 0}) || p.SelectedIndex() != -1 {
		t.Fatalf("told %v, selected %d", visti, p.SelectedIndex())
	}
	p.Entries["cognome"].SetText("Bianchi")
	if f, ok := p.LastFilter(); !ok || f["cognome"] != "Rossi" {
		t.Fatalf("last filter %v", f)
	}
}
