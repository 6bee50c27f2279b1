package ui

import (
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/ui/widgets"
)

// The exports of Totali ripartiti: the rows shown, as Excel or as a chart.

// nomeFile is the name suggested for an export: the grouping and the
// period, «statistiche-per-tipo-dal-2026-12-01.xlsx».
func (s *ricStatistiche) nomeFile(ext string) string {
	n := "statistiche-per-" + string(s.per)
	if !s.dal.IsZero() {
		n += "-dal-" + s.dal.Format(time.DateOnly)
	}
	if !s.al.IsZero() {
		n += "-al-" + s.al.Format(time.DateOnly)
	}
	return n + ext
}

// esportaExcel saves the rows shown, and their total, as .xlsx, with what
// they cover and who exported them on a second sheet.
func (s *ricStatistiche) esportaExcel() {
	per, righe := s.per, s.righe
	op := s.u.Core.Operatore()
	x := riconciliazione.EsportazioneStatistiche{Dal: s.dal, Al: s.al, Da: op.Nome + " (" + op.Username + ")"}
	s.ChooseFile(s.nomeFile(".xlsx"), []string{".xlsx"}, func(path string) {
		x.Il = time.Now().In(widgets.Zone)
		s.salva(path, func(f *os.File) error { return riconciliazione.EsportaExcel(per, righe, x, f) })
	})
}

// esportaPNG saves the chart of the rows shown, 1200×600.
func (s *ricStatistiche) esportaPNG() {
	per, righe, titolo := s.per, s.righe, s.titolo()
	s.ChooseFile(s.nomeFile(".png"), []string{".png"}, func(path string) {
		s.salva(path, func(f *os.File) error {
			b, err := riconciliazione.GraficoPNG(per, righe, titolo, statPNGLarghezza, statPNGAltezza)
			if err == nil {
				_, err = f.Write(b)
			}
			return err
		})
	})
}

// salva writes a file off the UI goroutine; it appears at path only when
// complete.
func (s *ricStatistiche) salva(path string, scrivi func(f *os.File) error) {
	if path == "" {
		return
	}
	s.bg.Go(func() func() {
		err := func() error {
			tmp, err := os.CreateTemp(filepath.Dir(path), ".sportello-statistiche-*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			if err := scrivi(tmp); err != nil {
				tmp.Close()
				return err
			}
			if err := tmp.Close(); err != nil {
				return err
			}
			return os.Rename(tmp.Name(), path)
		}()
		return func() {
			if err != nil {
				setEsito(s.Esito, lang.L("Esportazione non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			setEsito(s.Esito, lang.L("File salvato: {{.File}}", map[string]any{"File": path}), widget.SuccessImportance)
		}
	})
}
