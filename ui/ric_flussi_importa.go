package ui

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/ui/widgets"
)

// ricImportaScreen is Riconciliazione › Flussi › Importa flussi: the clerk
// picks files or a folder, sees the kind recognised for each, imports them
// one by one behind a progress dialog (Annulla stops between files), and
// reads each file's whole outcome below the list (the list's column cuts
// long ones short), with every error of a refused file. Below, «Scarica
// da pagoPA» reads the reporting flows from the FdR API.
type ricImportaScreen struct {
	widget.BaseWidget
	ScegliFile     *widget.Button
	ScegliCartella *widget.Button
	Svuota         *widget.Button
	Importa        *widget.Button
	Riepilogo      *widget.Label
	Elenco         *widget.Table
	Errori         *widget.Label // the whole outcome of the file selected, with every error
	Dal            *widget.Entry // «Flussi pubblicati dal»
	Scarica        *widget.Button
	ConfiguraFdR   *widget.Button // administrators only
	StatoFdR       *widget.Label
	Progress       *widgets.ProgressDialog // the last one shown
	Config         *ricConfigFdR           // the last settings form shown

	// ChooseFile and ChooseFolder ask for a file or a folder and call
	// chosen with its path (not at all if the clerk gives up); tests
	// replace them.
	ChooseFile   func(chosen func(path string))
	ChooseFolder func(chosen func(path string))

	voci        []ricFileVoce
	selezionata int
	busy        bool // an import or a download is under way
	u           *UI
	bg          *widgets.Background
	dopoFile    func(k int) // tests: after the k-th file of an import
	root        fyne.CanvasObject
}

// ricFileVoce is a file of the list and what importing it did.
type ricFileVoce struct {
	Path, Nome string
	Tipo       string // riconciliazione.TipoRT...; "" not recognised
	Stato      string
	Esito      string
	Errori     []string
}

// States of a file of the list.
const (
	ricDaImportare  = "da importare"
	ricImportato    = "importato"
	ricGiaImportato = "già importato"
	ricErrore       = "errore"
	ricAnnullato    = "annullato"
)

func ricStatoFileLabel(s string) string {
	switch s {
	case ricDaImportare:
		return lang.L("da importare")
	case ricImportato:
		return lang.L("importato")
	case ricGiaImportato:
		return lang.L("già importato")
	case ricErrore:
		return lang.L("NON importato")
	case ricAnnullato:
		return lang.L("non importato: annullato")
	}
	return s
}

func ricTipoFileLabel(tipo string) string {
	if n, ok := riconciliazione.NomeTipo[tipo]; ok {
		return n
	}
	return lang.L("non riconosciuto")
}

func (s *ricImportaScreen) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.root)
}

// ricImportaAperta is the import window on screen, nil if another.
func (u *UI) ricImportaAperta() *ricImportaScreen {
	if u.main == nil || len(u.main.Content.Objects) == 0 {
		return nil
	}
	s, _ := u.main.Content.Objects[0].(*ricImportaScreen)
	return s
}

func ricImportaView(u *UI) fyne.CanvasObject {
	s := &ricImportaScreen{u: u, bg: widgets.NewBackground(), selezionata: -1, Riepilogo: wordLabel(""), Errori: wordLabel("")}
	s.ChooseFile = func(chosen func(string)) { widgets.ShowFileOpen(u.Win, nil, chosen) }
	s.ChooseFolder = func(chosen func(string)) {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			if l != nil {
				chosen(l.Path())
			}
		}, u.Win)
		d.SetConfirmText(lang.L("Scegli"))
		d.SetDismissText(lang.L("Annulla"))
		d.Show()
		d.Resize(fyne.NewSize(800, 560))
	}
	s.ScegliFile = widget.NewButtonWithIcon(lang.L("Scegli file…"), theme.FileIcon(), func() {
		s.ChooseFile(func(path string) { s.aggiungi([]string{path}, "") })
	})
	s.ScegliCartella = widget.NewButtonWithIcon(lang.L("Scegli cartella…"), theme.FolderOpenIcon(), func() {
		s.ChooseFolder(func(path string) { s.aggiungi(nil, path) })
	})
	s.Svuota = widget.NewButtonWithIcon(lang.L("Svuota elenco"), theme.ContentClearIcon(), s.svuota)
	s.Importa = widget.NewButtonWithIcon(lang.L("Importa"), theme.UploadIcon(), s.importa)
	s.Importa.Importance = widget.HighImportance
	s.Errori.Importance = widget.DangerImportance
	s.Elenco = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.voci), 3 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row >= len(s.voci) {
				return
			}
			v := s.voci[id.Row]
			l.Importance = widget.MediumImportance
			switch id.Col {
			case 0:
				l.SetText(v.Nome)
			case 1:
				l.SetText(ricTipoFileLabel(v.Tipo))
			case 2:
				switch v.Stato {
				case ricErrore:
					l.Importance = widget.DangerImportance
				case ricImportato:
					l.Importance = widget.SuccessImportance
				}
				l.SetText(v.Esito)
			}
		})
	s.Elenco.ShowHeaderColumn = false
	s.Elenco.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.Elenco.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText([]string{lang.L("File"), lang.L("Tipo riconosciuto"), lang.L("Esito")}[id.Col])
		}
	}
	for i, w := range []float32{300, 220, 640} {
		s.Elenco.SetColumnWidth(i, w)
	}
	s.Elenco.OnSelected = func(id widget.TableCellID) { s.seleziona(id.Row) }

	s.Dal = widget.NewEntry()
	s.Dal.SetText(time.Now().In(widgets.Zone).AddDate(0, 0, -7).Format("02/01/2006"))
	s.Scarica = widget.NewButtonWithIcon(lang.L("Scarica da pagoPA"), theme.DownloadIcon(), s.scarica)
	s.ConfiguraFdR = widget.NewButtonWithIcon(lang.L("Configura API FdR…"), theme.SettingsIcon(), func() { u.ricConfiguraFdR(s) })
	setVisible(s.ConfiguraFdR, u.Core.Operatore().Ruolo.Almeno(operatori.RuoloAmministratore))
	s.StatoFdR = wordLabel("")
	s.StatoFdR.Importance = widget.LowImportance
	s.Scarica.Disable()
	s.aggiornaStatoFdR()
	s.aggiornaRiepilogo()

	nota := wordLabel(lang.L("Ricevute telematiche (paSendRT), flussi di rendicontazione (FlussoRiversamento), giornali di cassa (OPI XML, XLS, XLSX, CSV), dovuti e pagati MyPay/MyPivot (CSV): il tipo si riconosce dal contenuto. Un file con errori non salva nulla; lo stesso file importato due volte non cambia nulla."))
	nota.Importance = widget.LowImportance
	barra := pulsanti(container.NewHBox(s.ScegliFile, s.ScegliCartella, s.Svuota, s.Importa, layout.NewSpacer()))
	top := container.NewVBox(nota, barra, s.Riepilogo)
	errori := widget.NewCard("", lang.L("Esito del file selezionato"), container.NewVScroll(s.Errori))
	split := container.NewVSplit(s.Elenco, errori)
	split.Offset = 0.6
	dal := container.NewGridWrap(fyne.NewSize(120, s.Dal.MinSize().Height), s.Dal)
	fdr := container.NewVBox(widget.NewSeparator(),
		pulsanti(container.NewHBox(widget.NewLabel(lang.L("Flussi pubblicati su pagoPA dal")), dal, s.Scarica, s.ConfiguraFdR, layout.NewSpacer())),
		s.StatoFdR)
	s.root = container.NewBorder(top, fdr, nil, nil, split)
	s.ExtendBaseWidget(s)
	return s
}

// aggiungi recognises files (or those of a folder) off the UI goroutine
// and lists the new ones.
func (s *ricImportaScreen) aggiungi(paths []string, cartella string) {
	s.bg.Go(func() func() {
		var err error
		if cartella != "" {
			paths, err = riconciliazione.FileInCartella(s.u.ctx, cartella)
		}
		var nuove []ricFileVoce
		for _, p := range paths {
			if err != nil {
				break
			}
			var tipo string
			tipo, err = riconciliazione.RiconosciFile(p)
			nuove = append(nuove, ricFileVoce{Path: p, Nome: filepath.Base(p), Tipo: tipo, Stato: ricDaImportare,
				Esito: ricStatoFileLabel(ricDaImportare)})
		}
		return func() {
			if err != nil {
				widgets.ShowError(s.u.Win, err)
				return
			}
			for _, v := range nuove {
				if !slices.ContainsFunc(s.voci, func(x ricFileVoce) bool { return x.Path == v.Path }) {
					s.voci = append(s.voci, v)
				}
			}
			if cartella != "" && len(nuove) == 0 {
				setEsito(s.Riepilogo, lang.L("La cartella non contiene file."), widget.WarningImportance)
				return
			}
			s.Elenco.Refresh()
			s.aggiornaRiepilogo()
		}
	})
}

func (s *ricImportaScreen) svuota() {
	s.voci, s.selezionata = nil, -1
	s.Elenco.UnselectAll()
	s.Elenco.Refresh()
	s.Errori.SetText("")
	s.aggiornaRiepilogo()
}

// daImportare are the files not imported yet (new, refused, or left by
// an interrupted import).
func (s *ricImportaScreen) daImportare() []int {
	var out []int
	for i, v := range s.voci {
		if v.Stato == ricDaImportare || v.Stato == ricErrore || v.Stato == ricAnnullato {
			out = append(out, i)
		}
	}
	return out
}

func (s *ricImportaScreen) aggiornaRiepilogo() {
	conta := map[string]int{}
	for _, v := range s.voci {
		conta[v.Stato]++
	}
	da := len(s.daImportare())
	setEnabled(s.Importa, da > 0)
	setEnabled(s.Svuota, len(s.voci) > 0)
	if len(s.voci) == 0 {
		setEsito(s.Riepilogo, lang.L("Scegliere i file o una cartella da importare."), widget.MediumImportance)
		return
	}
	testo := lang.L("{{.N}} file: {{.Importati}} importati, {{.Gia}} già importati, {{.Errori}} non importati, {{.Da}} da importare.",
		map[string]any{"N": len(s.voci), "Importati": conta[ricImportato], "Gia": conta[ricGiaImportato], "Errori": conta[ricErrore],
			"Da": conta[ricDaImportare] + conta[ricAnnullato]})
	imp := widget.MediumImportance
	if conta[ricErrore] > 0 {
		imp = widget.DangerImportance
	}
	setEsito(s.Riepilogo, testo, imp)
}

func (s *ricImportaScreen) seleziona(i int) {
	s.selezionata = i
	if i < 0 || i >= len(s.voci) {
		s.Errori.SetText("")
		return
	}
	// The whole outcome, which the list's column cuts short, then every
	// error of a refused file.
	v := s.voci[i]
	testo := v.Nome + ":\n" + v.Esito
	if len(v.Errori) > 0 {
		testo += "\n\n" + strings.Join(v.Errori, "\n")
	}
	s.Errori.Importance = widget.MediumImportance
	switch v.Stato {
	case ricErrore:
		s.Errori.Importance = widget.DangerImportance
	case ricImportato:
		s.Errori.Importance = widget.SuccessImportance
	}
	s.Errori.SetText(testo)
}

// ricEsitoImport is a file's row after Importa.
func ricEsitoImport(v ricFileVoce, es riconciliazione.Esito, err error) ricFileVoce {
	if es.Tipo != "" {
		v.Tipo = es.Tipo
	}
	var errs tracciato.Errori
	switch {
	case err == nil && es.GiaImportato:
		v.Stato, v.Esito, v.Errori = ricGiaImportato, es.Descrizione, nil
	case err == nil:
		v.Stato, v.Esito, v.Errori = ricImportato, ricStatoFileLabel(ricImportato)+": "+es.Descrizione, nil
	case errors.As(err, &errs):
		v.Stato, v.Errori = ricErrore, make([]string, len(errs))
		for i, e := range errs {
			v.Errori[i] = e.Error()
		}
		v.Esito = ricStatoFileLabel(ricErrore) + ": " + plurale(len(errs), lang.L("1 errore, il primo:"),
			lang.L("{{.N}} errori, il primo:", map[string]any{"N": len(errs)})) + " " + v.Errori[0]
	default:
		msg := strings.TrimPrefix(widgets.ErrorText(err), v.Nome+": ")
		v.Stato, v.Esito, v.Errori = ricErrore, ricStatoFileLabel(ricErrore)+": "+msg, []string{msg}
	}
	return v
}

func (s *ricImportaScreen) occupato(on bool) {
	s.busy = on
	for _, b := range []*widget.Button{s.ScegliFile, s.ScegliCartella, s.Svuota, s.Importa, s.Scarica} {
		setEnabled(b, !on)
	}
	if !on {
		s.aggiornaRiepilogo()
		s.aggiornaStatoFdR()
	}
}

// importa imports the files not imported yet, one by one, off the UI
// goroutine. A file under way is always finished (it is one transaction
// anyway); Annulla stops before the next.
func (s *ricImportaScreen) importa() {
	idx := s.daImportare()
	if len(idx) == 0 {
		return
	}
	paths := make([]string, len(idx))
	for k, i := range idx {
		paths[k] = s.voci[i].Path
	}
	op := s.u.Core.Operatore()
	d, ctx := widgets.NewProgressDialog(s.u.Win, lang.L("Importa flussi"), lang.L("Importazione in corso…"))
	s.Progress = d
	s.occupato(true)
	s.bg.Go(func() func() {
		fatti := 0
		for k, path := range paths {
			if ctx.Err() != nil {
				break
			}
			msg := lang.L("File {{.N}} di {{.Di}}: {{.Nome}}", map[string]any{"N": k + 1, "Di": len(paths), "Nome": filepath.Base(path)})
			s.bg.Do(func() { d.SetProgress(k, len(paths), msg) })
			es, err := s.u.Core.Riconciliazione.Importa(context.WithoutCancel(ctx), op, path)
			i := idx[k]
			s.bg.Do(func() {
				s.voci[i] = ricEsitoImport(s.voci[i], es, err)
				s.Elenco.Refresh()
				s.aggiornaRiepilogo()
				if i == s.selezionata {
					s.seleziona(i)
				}
			})
			fatti++
			if s.dopoFile != nil {
				s.dopoFile(k)
			}
		}
		annullato := fatti < len(paths)
		return func() {
			d.Done()
			for _, i := range idx[fatti:] {
				s.voci[i].Stato, s.voci[i].Esito = ricAnnullato, ricStatoFileLabel(ricAnnullato)
			}
			s.Elenco.Refresh()
			s.occupato(false)
			if annullato {
				setEsito(s.Riepilogo, s.Riepilogo.Text+" "+lang.L("Importazione interrotta: i file rimasti si possono importare con «Importa»."),
					widget.WarningImportance)
			}
			// The first refused file shows its errors.
			for _, i := range idx {
				if s.voci[i].Stato == ricErrore {
					s.Elenco.Select(widget.TableCellID{Row: i, Col: 0})
					s.seleziona(i)
					break
				}
			}
		}
	})
}
