package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/ui/widgets"
)

// databaseScreen shows where data lives, makes backups and changes the
// database used at the next start.
type databaseScreen struct {
	Percorso      *widget.Entry
	SalvaPercorso *widget.Button
	Backup        *widget.Button
	Esito         *widget.Label
}

func databaseView(u *UI) fyne.CanvasObject {
	s := &databaseScreen{Percorso: widget.NewEntry(), Esito: widget.NewLabel("")}
	s.Esito.Wrapping = fyne.TextWrapWord
	s.Percorso.SetText(u.opts.DBPath)
	s.SalvaPercorso = widget.NewButtonWithIcon(lang.L("Usa al prossimo avvio"), theme.DocumentSaveIcon(), func() {
		p := strings.TrimSpace(s.Percorso.Text)
		if !filepath.IsAbs(p) || filepath.Ext(p) != ".db" {
			s.Esito.Importance = widget.DangerImportance
			s.Esito.SetText(lang.L("Percorso: indicare un percorso assoluto di un file .db"))
			return
		}
		u.opts.SetDBPath(p)
		s.Esito.Importance = widget.SuccessImportance
		s.Esito.SetText(lang.L("Percorso salvato: Sportello userà questo database dal prossimo avvio."))
	})
	if u.opts.SetDBPath == nil {
		s.Percorso.Disable()
		s.SalvaPercorso.Disable()
	}
	s.Backup = widget.NewButtonWithIcon(lang.L("Copia di sicurezza…"), theme.DownloadIcon(), func() {
		name := fmt.Sprintf("sportello-%s.db", time.Now().Format("2006-01-02-1504"))
		widgets.ShowFileSave(u.Win, name, []string{".db"}, func(out string) { u.backupTo(s, out) })
	})
	u.database = s

	info := widget.NewForm(
		widget.NewFormItem(lang.L("Database in uso"), wrapLabel(u.Core.DB.Path)),
		widget.NewFormItem(lang.L("Versione dello schema"), widget.NewLabel(fmt.Sprint(u.Core.SchemaVersion()))),
		widget.NewFormItem(lang.L("Segreti"), wrapLabel(u.Core.Secrets.Backend())),
	)
	change := widget.NewForm(widget.NewFormItem(lang.L("Percorso"), s.Percorso))
	note := wrapLabel(lang.L("La copia di sicurezza è coerente anche mentre Sportello è in uso. Le chiavi API non sono nel database: restano nel portachiavi."))
	note.Importance = widget.LowImportance
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewCard(lang.L("Database"), "", info),
		widget.NewCard(lang.L("Copia di sicurezza"), "", container.NewVBox(note, container.NewHBox(s.Backup))),
		widget.NewCard(lang.L("Cambia database"), "", container.NewVBox(change, container.NewHBox(layout.NewSpacer(), s.SalvaPercorso))),
		s.Esito,
	)))
}

// backupTo runs the backup off the UI goroutine with a progress dialog.
// The save dialog has already created an empty file; VACUUM INTO needs the
// name free, so it is removed first.
func (u *UI) backupTo(s *databaseScreen, out string) {
	d := widgets.RunWithProgress(u.Win, lang.L("Copia di sicurezza"), func(ctx context.Context, report widgets.Report) error {
		report(0, 0, lang.L("Copia del database in corso…"))
		if err := removeIfEmpty(out); err != nil {
			return err
		}
		return u.Core.Backup(ctx, out)
	})
	go func() {
		if d.Wait() != nil {
			return // RunWithProgress has shown the error
		}
		fyne.Do(func() {
			s.Esito.Importance = widget.SuccessImportance
			s.Esito.SetText(lang.L("Copia di sicurezza scritta in") + " " + out)
		})
	}()
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapBreak
	return l
}
