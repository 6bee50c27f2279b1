package widgets

import (
	"context"
	"errors"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestConfirm(t *testing.T) {
	w := newWindow(t, nil)
	yes := 0
	c := Confirm(w, "Elimina", "Eliminare la pratica 12?", func() { yes++ })
	if c.Si.Text != "SI" || c.No.Text != "NO" || w.Canvas().Overlays().Top() == nil {
		t.Fatalf("buttons %q %q", c.Si.Text, c.No.Text)
	}
	test.Tap(c.No)
	if yes != 0 || w.Canvas().Overlays().Top() != nil {
		t.Fatal("NO confirmed or left the dialog open")
	}
	c = Confirm(w, "Elimina", "Eliminare la pratica 12?", func() { yes++ })
	test.Tap(c.Si)
	if yes != 1 || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("SI: %d calls", yes)
	}
}

func TestShowError(t *testing.T) {
	w := newWindow(t, nil)
	e := ShowError(w, context.Canceled)
	if e.Message.Text != "Operazione annullata" {
		t.Fatalf("message %q", e.Message.Text)
	}
	test.Tap(e.Chiudi)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Chiudi left the dialog open")
	}
	e = ShowError(w, errors.New("Codice fiscale non valido"))
	if e.Message.Text != "Codice fiscale non valido" {
		t.Fatalf("message %q", e.Message.Text)
	}
}

func TestProgressDialogCancel(t *testing.T) {
	w := newWindow(t, nil)
	d, ctx := NewProgressDialog(w, "Invio", "Invio dei messaggi…")
	d.SetProgress(30, 120, "30 di 120")
	if d.Bar.Hidden || d.Bar.Value != 30 || d.Bar.Max != 120 || d.Message.Text != "30 di 120" || d.Infinite.Visible() {
		t.Fatalf("progress: bar %v/%v, %q", d.Bar.Value, d.Bar.Max, d.Message.Text)
	}
	d.SetProgress(0, 0, "")
	if !d.Bar.Hidden || !d.Infinite.Visible() || d.Message.Text != "30 di 120" {
		t.Fatal("unknown total does not show the infinite bar")
	}
	if ctx.Err() != nil {
		t.Fatal("context cancelled early")
	}
	test.Tap(d.Annulla)
	if !errors.Is(ctx.Err(), context.Canceled) || !d.Annulla.Disabled() {
		t.Fatal("Annulla did not cancel the context")
	}
	d.Fail(ctx.Err())
	if err := d.Wait(); !errors.Is(err, context.Canceled) || d.ErrorDialog != nil {
		t.Fatalf("cancelled job: %v, error shown %v", err, d.ErrorDialog != nil)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("dialog still open")
	}
}

func TestRunWithProgress(t *testing.T) {
	w := newWindow(t, nil)
	started := make(chan struct{})
	d := RunWithProgress(w, "Esportazione", func(ctx context.Context, report Report) error {
		report(1, 10, "uno")
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	<-started
	test.Tap(d.Annulla)
	if err := d.Wait(); !errors.Is(err, context.Canceled) || d.ErrorDialog != nil {
		t.Fatalf("cancel: %v", err)
	}

	d = RunWithProgress(w, "Esportazione", func(context.Context, Report) error {
		return errors.New("disco pieno")
	})
	if err := d.Wait(); err == nil || d.ErrorDialog == nil || d.ErrorDialog.Message.Text != "disco pieno" {
		t.Fatalf("failure not shown: %v", err)
	}

	d = RunWithProgress(w, "Esportazione", func(context.Context, Report) error { return nil })
	if err := d.Wait(); err != nil || d.ErrorDialog != nil {
		t.Fatalf("success: %v", err)
	}
}

func TestReportFromContext(t *testing.T) {
	ReportFrom(context.Background())(1, 2, "nessuno") // no reporter: no panic
	var got int
	ReportFrom(WithReport(context.Background(), func(done, _ int, _ string) { got = done }))(7, 9, "")
	if got != 7 {
		t.Fatalf("reported %d", got)
	}
}
