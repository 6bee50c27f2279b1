package widgets

import (
	"context"
	"errors"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Report tells a progress dialog how far a job is; total <= 0 means
// "unknown" (an infinite bar). msg == "" keeps the current message.
type Report func(done, total int, msg string)

// ProgressDialog is a modal dialog for a long job, with an "Annulla"
// button that cancels the job's context. SetProgress, Done and Fail may
// be called from any goroutine.
type ProgressDialog struct {
	Dialog   *dialog.CustomDialog
	Message  *widget.Label
	Bar      *widget.ProgressBar
	Infinite *widget.ProgressBarInfinite
	Annulla  *widget.Button
	// ErrorDialog is the error shown by Fail, if any.
	ErrorDialog *ErrorDialog

	win      fyne.Window
	cancel   context.CancelFunc
	once     sync.Once
	finished chan struct{}
	err      error
}

// NewProgressDialog shows a progress dialog (call it on the UI goroutine)
// and returns the context the job must honour: "Annulla" cancels it.
func NewProgressDialog(win fyne.Window, title, message string) (*ProgressDialog, context.Context) {
	ctx, cancel := context.WithCancel(context.Background())
	d := &ProgressDialog{
		Message:  widget.NewLabel(message),
		Bar:      widget.NewProgressBar(),
		Infinite: widget.NewProgressBarInfinite(),
		win:      win,
		cancel:   cancel,
		finished: make(chan struct{}),
	}
	d.Message.Wrapping = fyne.TextWrapWord
	d.Bar.Hide()
	d.Dialog = dialog.NewCustomWithoutButtons(title, container.NewVBox(d.Message, container.NewStack(d.Bar, d.Infinite)), win)
	d.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), func() {
		d.Annulla.Disable()
		d.Message.SetText(lang.L("Annullamento in corso…"))
		d.cancel()
	})
	d.Dialog.SetButtons([]fyne.CanvasObject{d.Annulla})
	d.Dialog.Resize(fyne.NewSize(440, d.Dialog.MinSize().Height))
	d.Dialog.Show()
	return d, ctx
}

// SetProgress updates the bar and, when msg is not empty, the message.
func (d *ProgressDialog) SetProgress(done, total int, msg string) {
	fyne.Do(func() {
		if d.isFinished() {
			return
		}
		if msg != "" && !d.Annulla.Disabled() {
			d.Message.SetText(msg)
		}
		if total <= 0 {
			d.Bar.Hide()
			d.Infinite.Show()
			d.Infinite.Start()
			return
		}
		d.Infinite.Hide()
		d.Infinite.Stop()
		d.Bar.Max = float64(total)
		d.Bar.SetValue(float64(min(done, total)))
		d.Bar.Show()
	})
}

// Done closes the dialog after a successful job.
func (d *ProgressDialog) Done() { d.finish(nil) }

// Fail closes the dialog and shows err, unless the clerk cancelled.
func (d *ProgressDialog) Fail(err error) { d.finish(err) }

// End is Done when err is nil, Fail otherwise: the last line of a work.
func (d *ProgressDialog) End(err error) { d.finish(err) }

func (d *ProgressDialog) finish(err error) {
	d.once.Do(func() {
		fyne.Do(func() {
			d.cancel()
			d.Infinite.Stop()
			d.Dialog.Hide()
			if err != nil && !errors.Is(err, context.Canceled) {
				d.ErrorDialog = ShowError(d.win, err)
			}
			d.err = err
			close(d.finished)
		})
	})
}

func (d *ProgressDialog) isFinished() bool {
	select {
	case <-d.finished:
		return true
	default:
		return false
	}
}

// Wait blocks until Done or Fail has closed the dialog and returns the
// job's error. For tests and background goroutines, never the UI goroutine.
func (d *ProgressDialog) Wait() error {
	<-d.finished
	return d.err
}

// RunWithProgress runs job off the UI goroutine behind a progress dialog;
// on error the dialog closes and the error is shown. Call it on the UI
// goroutine.
func RunWithProgress(win fyne.Window, title string, job func(ctx context.Context, report Report) error) *ProgressDialog {
	d, ctx := NewProgressDialog(win, title, lang.L("Operazione in corso…"))
	go func() {
		if err := job(ctx, d.SetProgress); err != nil {
			d.Fail(err)
			return
		}
		d.Done()
	}()
	return d
}

type reportKey struct{}

// WithReport attaches a progress reporter to ctx, for functions whose
// signature has no room for one (such as a SearchPanel's Export).
func WithReport(ctx context.Context, r Report) context.Context {
	return context.WithValue(ctx, reportKey{}, r)
}

// ReportFrom returns the reporter attached by WithReport, or one that
// does nothing.
func ReportFrom(ctx context.Context) Report {
	if r, ok := ctx.Value(reportKey{}).(Report); ok && r != nil {
		return r
	}
	return func(int, int, string) {}
}
