package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// ricEsportaScreen is Riconciliazione › Flussi › Esporta: the paid items
// of a period as MyPivot's export pagati (CSV, tracciato 1.2 with
// bilancio), and the rows of one classification to Excel or CSV. Every
// list of Visualizzazione also exports itself («Esporta Excel»).
type ricEsportaScreen struct {
	widget.BaseWidget
	Dal, Al       *widget.Entry
	EsportaPagati *widget.Button
	Classe        *widget.Select
	EsportaClasse *widget.Button
	Esito         *widget.Label
	Progress      *widgets.ProgressDialog // the last one shown

	// ChooseSave asks where to save and calls chosen with the path (not at
	// all if the clerk gives up); tests replace it.
	ChooseSave func(suggested string, exts []string, chosen func(path string))

	u    *UI
	bg   *widgets.Background
	root fyne.CanvasObject
}

func (s *ricEsportaScreen) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.root)
}

// ricEsportaAperta is the export window on screen, nil if another.
func (u *UI) ricEsportaAperta() *ricEsportaScreen {
	if u.main == nil || len(u.main.Content.Objects) == 0 {
		return nil
	}
	s, _ := u.main.Content.Objects[0].(*ricEsportaScreen)
	return s
}

func ricEsportaView(u *UI) fyne.CanvasObject {
	s := &ricEsportaScreen{u: u, bg: widgets.NewBackground(), Dal: widget.NewEntry(), Al: widget.NewEntry(), Esito: esitoLabel()}
	s.ChooseSave = func(suggested string, exts []string, chosen func(string)) {
		widgets.ShowFileSave(u.Win, suggested, exts, chosen)
	}
	s.Dal.SetPlaceHolder(lang.L("gg/mm/aaaa"))
	s.Al.SetPlaceHolder(lang.L("gg/mm/aaaa"))
	s.EsportaPagati = widget.NewButtonWithIcon(lang.L("Esporta pagati (CSV)"), theme.DocumentSaveIcon(), s.esportaPagati)
	s.EsportaPagati.Importance = widget.HighImportance
	s.Classe = widget.NewSelect(ricCodici(riconciliazione.Classi), nil)
	s.Classe.PlaceHolder = lang.L("(scegliere)")
	spiega := wordLabel("")
	spiega.Importance = widget.LowImportance
	s.Classe.OnChanged = func(c string) {
		if k, ok := riconciliazione.ClasseDi(c); ok {
			spiega.SetText(k.Descrizione)
		}
	}
	s.EsportaClasse = widget.NewButtonWithIcon(lang.L("Esporta Excel"), theme.DocumentSaveIcon(), s.esportaClasse)

	campo := func(e *widget.Entry) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(130, e.MinSize().Height), e)
	}
	pagati := container.NewVBox(
		wordLabel(lang.L("Le ricevute positive pagate nel periodo, un trasferimento per riga, nel tracciato «export pagati» 1.2 di MyPay/MyPivot: con il dovuto (IUD), il bilancio (ufficio, capitolo, accertamento) e il flusso che le rendiconta.")),
		container.NewHBox(widget.NewLabel(lang.L("Pagati dal")), campo(s.Dal), widget.NewLabel(lang.L("al")), campo(s.Al),
			s.EsportaPagati, layout.NewSpacer()))
	classe := container.NewVBox(
		wordLabel(lang.L("Le righe di una classificazione con i tre lati: IUV, IUF o movimento con bolletta, importi e date. Il file si salva in Excel, o in CSV se il nome finisce con .csv.")),
		container.NewHBox(widget.NewLabel(lang.L("Classificazione")), container.NewGridWrap(fyne.NewSize(220, s.Classe.MinSize().Height), s.Classe),
			s.EsportaClasse, layout.NewSpacer()),
		spiega)
	nota := wordLabel(lang.L("Ogni elenco di Riconciliazione › Visualizzazione si esporta così come è filtrato con «Esporta Excel», sotto la tabella."))
	nota.Importance = widget.LowImportance
	s.root = container.NewVScroll(container.NewVBox(
		widget.NewCard("", lang.L("Pagati (tracciato MyPivot 1.2 con bilancio)"), pagati),
		widget.NewCard("", lang.L("Righe di una classificazione"), classe),
		s.Esito, nota))
	s.ExtendBaseWidget(s)
	return s
}

// ricScriviFile writes a file made off the UI goroutine: it appears at
// path only when complete.
func ricScriviFile(path string, scrivi func(w io.Writer) (int, error)) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sportello-export-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := scrivi(tmp)
	if err != nil {
		tmp.Close()
		return n, err
	}
	if err := tmp.Close(); err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
}

// ricEsporta asks for the file, then writes it behind a progress dialog.
func (s *ricEsportaScreen) ricEsporta(titolo, nome string, exts []string, scrivi func(ctx context.Context, w io.Writer, path string) (int, error)) {
	s.ChooseSave(nome, exts, func(path string) {
		if path == "" {
			return
		}
		d, ctx := widgets.NewProgressDialog(s.u.Win, titolo, lang.L("Esportazione in corso…"))
		s.Progress = d
		setEsito(s.Esito, "", widget.MediumImportance)
		s.bg.Go(func() func() {
			n, err := ricScriviFile(path, func(w io.Writer) (int, error) { return scrivi(ctx, w, path) })
			return func() {
				d.End(err)
				if err != nil {
					setEsito(s.Esito, lang.L("Esportazione non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
					return
				}
				setEsito(s.Esito, lang.L("File salvato: {{.File}} ({{.N}} righe)", map[string]any{"File": path, "N": widgets.FormatInt(n)}),
					widget.SuccessImportance)
			}
		})
	})
}

func (s *ricEsportaScreen) esportaPagati() {
	var dal, al string
	for _, c := range []struct {
		e     *widget.Entry
		campo string
		dst   *string
	}{{s.Dal, lang.L("Pagati dal"), &dal}, {s.Al, lang.L("al"), &al}} {
		t, ok := widgets.ParseItalianDate(c.e.Text)
		if !ok {
			setEsito(s.Esito, c.campo+": "+lang.L("data non valida, usare gg/mm/aaaa"), widget.DangerImportance)
			return
		}
		*c.dst = t.Format("2006-01-02")
	}
	da, a := giorno(dal), giorno(al)
	nome := "pagati-" + strings.ReplaceAll(dal, "-", "") + "-" + strings.ReplaceAll(al, "-", "") + ".csv"
	s.ricEsporta(lang.L("Esporta pagati"), nome, []string{".csv"}, func(ctx context.Context, w io.Writer, _ string) (int, error) {
		return s.u.Core.Riconciliazione.EsportaPagati(ctx, da, a, w)
	})
}

func (s *ricEsportaScreen) esportaClasse() {
	classe := s.Classe.Selected
	if classe == "" {
		setEsito(s.Esito, lang.L("Classificazione")+": "+lang.L("campo obbligatorio"), widget.DangerImportance)
		return
	}
	s.ricEsporta(lang.L("Esporta Excel"), strings.ToLower(classe)+".xlsx", []string{".xlsx", ".csv"}, func(ctx context.Context, w io.Writer, path string) (int, error) {
		formato := "xlsx"
		if widgets.IsCSV(path) {
			formato = "csv"
		}
		return s.u.Core.Riconciliazione.Esporta(ctx, store.FiltroRicClassi{Classe: classe}, formato, w)
	})
}
