package widgets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/tabelle"
)

// Export runs "Esporta Excel": it asks for a file and writes to it, off
// the UI goroutine, behind a progress dialog. It exports the rows of the
// last search (the ones on screen), or the current filters before any.
func (p *SearchPanel) Export() {
	if p.cfg.Export == nil {
		return
	}
	f := p.filter
	if !p.searched {
		var err error
		if f, err = p.Filter(); err != nil {
			p.setStatus(err.Error(), widget.DangerImportance)
			return
		}
	}
	p.ChooseFile(p.cfg.ExportName, func(path string) {
		if path == "" {
			return
		}
		d, ctx := NewProgressDialog(p.win, lang.L("Esporta Excel"), lang.L("Esportazione in corso…"))
		ctx = WithReport(ctx, d.SetProgress)
		p.ExportStatus.SetText("")
		p.jobs.add()
		go func() {
			err := p.cfg.Export(ctx, f, path)
			if err != nil {
				d.Fail(err)
			} else {
				d.Done()
			}
			p.jobs.do(func() {
				switch {
				case err == nil:
					p.ExportStatus.SetText(lang.L("File salvato: {{.File}}", map[string]any{"File": path}))
				case errors.Is(err, context.Canceled):
					p.ExportStatus.SetText(lang.L("Esportazione annullata"))
				default:
					p.ExportStatus.SetText(lang.L("Esportazione non riuscita"))
				}
			})
		}()
	})
}

func (p *SearchPanel) chooseFile(suggested string, chosen func(string)) {
	ShowFileSave(p.win, suggested, []string{".xlsx", ".csv"}, chosen)
}

// IsCSV tells an export named .csv from an Excel one.
func IsCSV(path string) bool { return strings.EqualFold(filepath.Ext(path), ".csv") }

// ShowFileSave asks where to save a file (suggested name, allowed
// extensions) and calls chosen with the path; not at all if the clerk
// gives up.
func ShowFileSave(win fyne.Window, suggested string, exts []string, chosen func(path string)) *dialog.FileDialog {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			ShowError(win, err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		chosen(path)
	}, win)
	d.SetFileName(suggested)
	d.SetConfirmText(lang.L("Salva"))
	showFileDialog(d, exts)
	return d
}

// ShowFileOpen asks for a file to read among the allowed extensions and
// calls chosen with its path.
func ShowFileOpen(win fyne.Window, exts []string, chosen func(path string)) *dialog.FileDialog {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			ShowError(win, err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		chosen(path)
	}, win)
	d.SetConfirmText(lang.L("Apri"))
	showFileDialog(d, exts)
	return d
}

func showFileDialog(d *dialog.FileDialog, exts []string) {
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.SetDismissText(lang.L("Annulla"))
	// Show before Resize: Fyne's file dialog builds its window in Show, and
	// resizing it earlier dereferences nil (a crash of the real app that
	// the headless tests, which replace the dialog, never saw).
	d.Show()
	d.Resize(fyne.NewSize(800, 560))
}

// ExportFile is the usual ExportFunc: it pages through src (1000 rows at a
// time) and writes an Excel file with cols — or a CSV one when the clerk
// names it .csv —, reporting progress. The file
// appears at path only when complete.
func ExportFile(src Source, sheet string, cols []Column) ExportFunc {
	tcols := make([]tabelle.Column, len(cols))
	for i, c := range cols {
		tcols[i] = tabelle.Column{Title: c.Title, Kind: c.Kind}
	}
	return func(ctx context.Context, f Filter, path string) error {
		report := ReportFrom(ctx)
		total, err := src.Count(ctx, f)
		if err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(path), ".sportello-export-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		rows := &sourceRows{ctx: ctx, src: src, f: f, total: total, report: report}
		if IsCSV(path) {
			err = tabelle.WriteCSV(tmp, tcols, rows, tabelle.CSVOptions{})
		} else {
			err = tabelle.WriteXLSX(tmp, sheet, tcols, rows)
		}
		if err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), path)
	}
}

// sourceRows streams a Source page by page for tabelle.
type sourceRows struct {
	ctx    context.Context
	src    Source
	f      Filter
	total  int
	report Report
	buf    [][]string
	next   int
	err    error
}

const exportPage = 1000

func (r *sourceRows) Next() bool {
	if len(r.buf) > 1 {
		r.buf = r.buf[1:]
		return true
	}
	if r.err != nil || r.next >= r.total {
		return false
	}
	if r.err = r.ctx.Err(); r.err != nil {
		return false
	}
	page, err := r.src.Page(r.ctx, r.f, r.next, exportPage)
	if err != nil || len(page) == 0 {
		r.err = err
		return false
	}
	r.next += len(page)
	r.buf = page
	r.report(r.next, r.total, lang.L("Righe esportate: {{.Fatte}} di {{.Totale}}",
		map[string]any{"Fatte": FormatInt(r.next), "Totale": FormatInt(r.total)}))
	return true
}

func (r *sourceRows) Row() []string { return r.buf[0] }
func (r *sourceRows) Err() error    { return r.err }
