package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/ui/widgets"
)

// nuovoFlusso is the "Nuovo flusso" wizard: the service and the notes, the
// file (Excel or CSV, see "Scarica tracciato"), optional templates of the
// subject and of the text; "Verifica" reads and checks the file and shows
// every problem, or a preview of the messages; "Importa", only for a clean
// file, stores the flow (inactive) and opens it.
type nuovoFlusso struct {
	View             fyne.CanvasObject
	Servizio         *widget.Select
	Note             *widget.Entry
	Contesto         *widget.Entry
	Chiave           *widget.Entry
	File             *widget.Entry // the file's path, typed or chosen with Sfoglia
	Sfoglia          *widget.Button
	ModelloOggetto   *widget.Entry
	ModelloContenuto *widget.Entry
	ScaricaTracciato *widget.Button
	Verifica         *widget.Button
	Importa          *widget.Button
	TornaElenco      *widget.Button

	// The report of the check.
	Esito        *widget.Label
	Segnalazioni *widget.List // errors ("riga N, colonna X: motivo"), then warnings
	Risultato    *fyne.Container

	// The preview of one row's message.
	Riga             *widget.Entry // the file's row number
	Precedente       *widget.Button
	Successiva       *widget.Button
	RigaInfo         *widget.Label
	AnteprimaOggetto *widget.Label
	Anteprima        *widget.RichText

	Attesa *widgets.ProgressDialog // the read or the import under way

	// ChooseOpen and ChooseSave ask for a file; tests replace them.
	ChooseOpen func(chosen func(path string))
	ChooseSave func(suggested string, chosen func(path string))

	Lettura      *flussi.Lettura
	segnalazioni []flussi.ErroreRiga
	nErrori      int
	verificato   string // the inputs Lettura was read with
	indice       int    // the row previewed, in Lettura.Righe
	servizi      []flussi.Servizio
	vista        fyne.CanvasObject // what Risultato shows
	elenco       *fyne.Container   // Segnalazioni with its heading
	anteprima    fyne.CanvasObject
}

func (u *UI) showNuovoFlusso(s *flussiScreen) {
	w := u.newNuovoFlusso(s)
	s.Detail, s.Wizard, s.Notifica = nil, w, nil
	s.show(w.View)
	u.sottotitolo(lang.L("Nuovo flusso"))
}

func (u *UI) newNuovoFlusso(s *flussiScreen) *nuovoFlusso {
	w := &nuovoFlusso{}
	var nomi []string
	w.servizi, nomi = u.serviziAttivi()
	w.Servizio = widget.NewSelect(nomi, func(string) { w.inputChanged() })
	w.Servizio.PlaceHolder = lang.L("(scegliere)")
	if len(nomi) == 1 {
		w.Servizio.SetSelected(nomi[0])
	}
	w.Note = widget.NewEntry()
	w.Note.SetPlaceHolder(lang.L("es. TARI 2026 prima rata"))
	w.Contesto = widget.NewEntry()
	w.Chiave = widget.NewEntry()
	w.File = widget.NewEntry()
	w.File.SetPlaceHolder(lang.L("file .xlsx o .csv"))
	w.File.OnChanged = func(string) { w.inputChanged() }
	w.ModelloOggetto = widget.NewEntry()
	w.ModelloOggetto.SetPlaceHolder(lang.L("es. Avviso TARI {{.Segnaposto}}", map[string]any{"Segnaposto": "{{anno}}"}))
	w.ModelloOggetto.OnChanged = func(string) { w.inputChanged() }
	w.ModelloContenuto = widget.NewMultiLineEntry()
	w.ModelloContenuto.Wrapping = fyne.TextWrapWord
	w.ModelloContenuto.SetMinRowsVisible(4)
	w.ModelloContenuto.SetPlaceHolder(lang.L("es. Gentile {{.Segnaposto}}, è disponibile l'avviso di pagamento…", map[string]any{"Segnaposto": "{{nominativo}}"}))
	w.ModelloContenuto.OnChanged = func(string) { w.inputChanged() }
	w.ChooseOpen = w.chooseOpen(u.Win)
	w.ChooseSave = w.chooseSave(u.Win)
	w.Sfoglia = widget.NewButtonWithIcon(lang.L("Sfoglia…"), theme.FolderOpenIcon(), func() {
		w.ChooseOpen(func(path string) { w.File.SetText(path) })
	})
	w.ScaricaTracciato = widget.NewButtonWithIcon(lang.L("Scarica tracciato"), theme.DownloadIcon(), func() { u.scaricaTracciato(w) })
	w.Verifica = widget.NewButtonWithIcon(lang.L("Verifica"), theme.SearchIcon(), func() { u.verificaFile(w) })
	w.Verifica.Importance = widget.HighImportance
	w.Importa = widget.NewButtonWithIcon(lang.L("Importa"), theme.UploadIcon(), func() { u.importaFlusso(s, w) })
	w.Importa.Importance = widget.SuccessImportance
	w.Importa.Disable()
	w.TornaElenco = widget.NewButtonWithIcon(lang.L("Torna Elenco"), theme.NavigateBackIcon(), func() { u.showListaFlussi(s) })

	w.Esito = widget.NewLabel(lang.L("Scegliere il servizio e il file, poi premere «Verifica»: il file viene controllato riga per riga senza importare nulla."))
	w.Esito.Wrapping = fyne.TextWrapWord
	w.Segnalazioni = widget.NewList(
		func() int { return len(w.segnalazioni) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("riga 100000, colonna codice_fiscale: mancante")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			l, icon := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon)
			e := w.segnalazioni[i]
			if i < w.nErrori {
				icon.SetResource(theme.ErrorIcon())
				l.Importance = widget.DangerImportance
				l.SetText(e.Error())
			} else {
				icon.SetResource(theme.WarningIcon())
				l.Importance = widget.WarningImportance
				l.SetText(lang.L("avviso") + " — " + e.Error())
			}
		})
	w.Segnalazioni.OnSelected = func(i widget.ListItemID) {
		if i < len(w.segnalazioni) && w.segnalazioni[i].Riga > 0 {
			w.mostraRigaNumero(w.segnalazioni[i].Riga)
		}
	}
	w.elenco = container.NewBorder(widget.NewLabelWithStyle(lang.L("Problemi trovati (clic su una riga per vederne l'anteprima)"),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, w.Segnalazioni)

	w.Riga = widget.NewEntry()
	w.Riga.OnSubmitted = func(s string) {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			w.mostraRigaNumero(n)
		}
	}
	w.Precedente = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { w.mostraIndice(w.indice - 1) })
	w.Successiva = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { w.mostraIndice(w.indice + 1) })
	w.RigaInfo = widget.NewLabel("")
	w.RigaInfo.Wrapping = fyne.TextWrapWord
	w.AnteprimaOggetto = widget.NewLabel("")
	w.AnteprimaOggetto.TextStyle.Bold = true
	w.AnteprimaOggetto.SizeName = theme.SizeNameSubHeadingText
	w.AnteprimaOggetto.Wrapping = fyne.TextWrapWord
	w.Anteprima = widget.NewRichText()
	w.Anteprima.Wrapping = fyne.TextWrapWord
	riga := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Anteprima della riga del file")),
		container.NewHBox(w.Precedente, w.Successiva), w.Riga)
	w.anteprima = container.NewBorder(riga, nil, nil, nil,
		container.NewVScroll(container.NewVBox(w.AnteprimaOggetto, w.RigaInfo, widget.NewSeparator(), w.Anteprima)))
	guida := widget.NewLabel(lang.L("Il file (Excel .xlsx o CSV separato da ; o da ,) ha una riga di intestazione con i nomi delle colonne, poi una riga per notifica. Colonne: codice_fiscale, oggetto e contenuto (se non si usano i modelli); facoltative scadenza (gg/mm/aaaa), importo e codice_avviso (insieme), paga_dopo_scadenza (sì/no). Altre colonne, come nominativo o indirizzo, servono ai modelli. «Scarica tracciato» salva un modello già pronto, con le istruzioni."))
	guida.Wrapping = fyne.TextWrapWord
	guida.Importance = widget.LowImportance
	w.Risultato = container.NewStack(container.NewVBox(guida))

	dati := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Servizio")+" *"), w.Servizio,
		widget.NewLabel(lang.L("Note")), w.Note,
		widget.NewLabel(lang.L("Contesto Applicativo")), w.Contesto,
		widget.NewLabel(lang.L("Chiave Applicativo")), w.Chiave,
		widget.NewLabel(lang.L("File")+" *"), container.NewBorder(nil, nil, nil, w.Sfoglia, w.File),
	)
	aiuto := widget.NewLabel(lang.L("Facoltativi: se indicati, oggetto e testo di ogni notifica si compongono da questi modelli; {{.Segnaposto}} è sostituito dal valore della riga in quella colonna. Senza modelli si usano le colonne oggetto e contenuto del file.",
		map[string]any{"Segnaposto": "{{colonna}}"}))
	aiuto.Wrapping = fyne.TextWrapWord
	aiuto.Importance = widget.LowImportance
	modelli := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Oggetto")), w.ModelloOggetto,
		widget.NewLabel(lang.L("Contenuto")), w.ModelloContenuto,
	)
	left := container.NewBorder(nil,
		container.NewVBox(widget.NewSeparator(), pulsanti(container.NewHBox(w.Verifica, w.Importa, layout.NewSpacer(), w.ScaricaTracciato))), nil, nil,
		container.NewVScroll(container.NewVBox(
			widget.NewCard("", lang.L("Dati del flusso"), dati),
			widget.NewCard("", lang.L("Modelli del messaggio"), container.NewVBox(aiuto, modelli)),
		)))
	right := container.NewBorder(w.Esito, nil, nil, nil, w.Risultato)
	split := container.NewHSplit(container.NewPadded(left), container.NewPadded(right))
	split.Offset = 0.5
	w.View = container.NewBorder(container.NewHBox(w.TornaElenco), nil, nil, nil, split)
	return w
}

// chiave is what a reading depends on: a change calls for a new Verifica.
func (w *nuovoFlusso) chiave() string {
	return strings.Join([]string{w.Servizio.Selected, strings.TrimSpace(w.File.Text), w.ModelloOggetto.Text, w.ModelloContenuto.Text}, "\x00")
}

func (w *nuovoFlusso) inputChanged() {
	if w.Importa == nil {
		return
	}
	setEnabled(w.Importa, w.pulito())
}

// pulito reports whether the last reading is clean and still the inputs'.
func (w *nuovoFlusso) pulito() bool {
	return w.Lettura != nil && len(w.Lettura.Errori) == 0 && len(w.Lettura.Righe) > 0 && w.verificato == w.chiave()
}

func (w *nuovoFlusso) servizio() (flussi.Servizio, bool) {
	for _, sv := range w.servizi {
		if sv.Nome == w.Servizio.Selected {
			return sv, true
		}
	}
	return flussi.Servizio{}, false
}

// ctxReader stops a read when the clerk cancels.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// verificaFile reads and checks the file off the UI goroutine.
func (u *UI) verificaFile(w *nuovoFlusso) {
	sv, ok := w.servizio()
	path := strings.TrimSpace(w.File.Text)
	switch {
	case !ok:
		setEsito(w.Esito, lang.L("Scegliere il servizio App IO del flusso."), widget.DangerImportance)
		return
	case path == "":
		setEsito(w.Esito, lang.L("Scegliere il file da importare (Sfoglia…)."), widget.DangerImportance)
		return
	}
	key := w.chiave()
	opt := flussi.OpzioniImport{ModelloOggetto: strings.TrimSpace(w.ModelloOggetto.Text),
		ModelloContenuto: strings.TrimSpace(w.ModelloContenuto.Text), Servizio: sv}
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Verifica"),
		lang.L("Lettura e controllo di {{.File}}…", map[string]any{"File": filepath.Base(path)}))
	w.Attesa = dlg
	w.Importa.Disable()
	u.appIO().bg.Go(func() func() {
		var l *flussi.Lettura
		f, err := os.Open(path)
		if err == nil {
			l, err = flussi.Leggi(path, ctxReader{ctx, f}, opt)
			f.Close()
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		dlg.End(err)
		return func() {
			if err != nil {
				w.Lettura = nil
				setEsito(w.Esito, lang.L("File non leggibile")+": "+widgets.ErrorText(err), widget.DangerImportance)
				w.Risultato.RemoveAll()
				return
			}
			w.verificato = key
			w.mostraLettura(l)
		}
	})
}

// mostraLettura shows the report of a reading: the problems, or the
// summary, and the preview.
func (w *nuovoFlusso) mostraLettura(l *flussi.Lettura) {
	w.Lettura = l
	w.nErrori = len(l.Errori)
	w.segnalazioni = append(append([]flussi.ErroreRiga{}, l.Errori...), l.Avvisi...)
	w.Segnalazioni.UnselectAll()
	w.Segnalazioni.Refresh()
	w.Segnalazioni.ScrollToTop()
	righe := widgets.FormatInt(len(l.Righe))
	switch {
	case len(l.Errori) > 0 && len(l.Righe) == 0:
		setEsito(w.Esito, lang.L("Il file non è importabile: correggerlo e premere di nuovo «Verifica»."), widget.DangerImportance)
	case len(l.Errori) > 0:
		setEsito(w.Esito, lang.L("Righe con errori: {{.N}} di {{.Totale}}. Il file non è importabile: correggerlo e premere di nuovo «Verifica».",
			map[string]any{"N": widgets.FormatInt(len(l.RigheErrate)), "Totale": righe}), widget.DangerImportance)
	case len(l.Avvisi) > 0:
		setEsito(w.Esito, lang.L("{{.N}} righe valide, pronte per l'importazione. Leggere gli avvisi prima di importare.",
			map[string]any{"N": righe}), widget.WarningImportance)
	default:
		setEsito(w.Esito, lang.L("{{.N}} righe valide, pronte per l'importazione.", map[string]any{"N": righe}), widget.SuccessImportance)
	}
	var vista fyne.CanvasObject
	switch {
	case len(w.segnalazioni) > 0 && len(l.Righe) > 0:
		split := container.NewVSplit(w.elenco, w.anteprima)
		split.Offset = 0.4
		vista = split
	case len(w.segnalazioni) > 0:
		vista = w.elenco
	default:
		vista = w.anteprima
	}
	w.vista = vista
	w.Risultato.Objects = []fyne.CanvasObject{vista}
	w.Risultato.Refresh()
	if len(l.Righe) > 0 {
		w.mostraIndice(0)
	}
	setEnabled(w.Importa, w.pulito())
}

// mostraRigaNumero previews the row numbered n in the file.
func (w *nuovoFlusso) mostraRigaNumero(n int) {
	if w.Lettura == nil {
		return
	}
	righe := w.Lettura.Righe
	i := sort.Search(len(righe), func(i int) bool { return righe[i].Numero >= n })
	if i < len(righe) && righe[i].Numero == n {
		w.mostraIndice(i)
		return
	}
	w.Riga.SetText(strconv.Itoa(n))
	w.AnteprimaOggetto.SetText("")
	w.Anteprima.ParseMarkdown("")
	setEsito(w.RigaInfo, lang.L("La riga {{.N}} non è una riga di dati del file.", map[string]any{"N": n}), widget.DangerImportance)
}

// mostraIndice previews the i-th data row.
func (w *nuovoFlusso) mostraIndice(i int) {
	if w.Lettura == nil || len(w.Lettura.Righe) == 0 {
		return
	}
	i = min(max(i, 0), len(w.Lettura.Righe)-1)
	w.indice = i
	r := w.Lettura.Righe[i]
	w.Riga.SetText(strconv.Itoa(r.Numero))
	setEnabled(w.Precedente, i > 0)
	setEnabled(w.Successiva, i < len(w.Lettura.Righe)-1)
	w.AnteprimaOggetto.SetText(r.Oggetto)
	w.Anteprima.ParseMarkdown(r.Contenuto)
	info := []string{lang.L("Codice fiscale") + ": " + r.CodiceFiscale}
	if !r.Scadenza.IsZero() {
		info = append(info, lang.L("Scadenza")+": "+dataIT(r.Scadenza))
	}
	if r.Importo != 0 {
		info = append(info, lang.L("Somma")+": "+euro(r.Importo), lang.L("Codice avviso")+": "+r.CodiceAvviso)
	}
	text := strings.Join(info, " · ")
	imp := widget.MediumImportance
	if w.Lettura.Errata(r.Numero) {
		var motivi []string
		for _, e := range w.segnalazioni[:w.nErrori] {
			if e.Riga == r.Numero {
				motivi = append(motivi, e.Error())
			}
		}
		text += "\n" + lang.L("Questa riga ha errori") + ": " + strings.Join(motivi, "; ")
		imp = widget.DangerImportance
	}
	setEsito(w.RigaInfo, text, imp)
}

// importaFlusso stores the checked rows as a new flow and opens it.
func (u *UI) importaFlusso(s *flussiScreen, w *nuovoFlusso) {
	sv, ok := w.servizio()
	if !ok || !w.pulito() {
		w.Importa.Disable()
		return
	}
	l := w.Lettura
	dati := flussi.DatiFlusso{Note: w.Note.Text, Contesto: w.Contesto.Text, Chiave: w.Chiave.Text,
		FileOrigine: filepath.Base(strings.TrimSpace(w.File.Text))}
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Importa"),
		lang.L("Salvataggio delle {{.N}} notifiche del flusso…", map[string]any{"N": widgets.FormatInt(len(l.Righe))}))
	w.Attesa = dlg
	w.Importa.Disable()
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		f, err := u.Core.Flussi.CreaFlusso(ctx, op, sv, l, dati)
		var ierr *flussi.ErrImport
		if err != nil && !errors.As(err, &ierr) {
			dlg.Fail(err)
		} else {
			dlg.Done()
		}
		return func() {
			switch {
			case ierr != nil:
				w.Lettura = nil
				w.nErrori = len(ierr.Errori)
				w.segnalazioni = ierr.Errori
				w.Segnalazioni.Refresh()
				w.Risultato.Objects = []fyne.CanvasObject{w.elenco}
				w.Risultato.Refresh()
				setEsito(w.Esito, widgets.ErrorText(ierr), widget.DangerImportance)
			case err != nil:
				setEnabled(w.Importa, w.pulito())
				setEsito(w.Esito, lang.L("Importazione non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
			default:
				u.showFlusso(s, f.UUID, lang.L("Flusso importato: {{.N}} notifiche. È «Inattivo»: attivarlo quando è pronto per l'invio.",
					map[string]any{"N": widgets.FormatInt(f.Totale)}))
			}
		}
	})
}

// scaricaTracciato saves the template file where the clerk says.
func (u *UI) scaricaTracciato(w *nuovoFlusso) {
	w.ChooseSave("tracciato-flusso-app-io.xlsx", func(path string) {
		u.appIO().bg.Go(func() func() {
			err := scriviTracciato(path)
			return func() {
				if err != nil {
					setEsito(w.Esito, lang.L("Tracciato non salvato")+": "+widgets.ErrorText(err), widget.DangerImportance)
					return
				}
				setEsito(w.Esito, lang.L("Tracciato salvato in {{.File}}: compilarlo, una riga per notifica, e sceglierlo qui sopra.",
					map[string]any{"File": path}), widget.SuccessImportance)
			}
		})
	})
}

func scriviTracciato(path string) error {
	formato := "xlsx"
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		formato = "csv"
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sportello-tracciato-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = flussi.Tracciato(tmp, formato)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (w *nuovoFlusso) chooseOpen(win fyne.Window) func(chosen func(string)) {
	return func(chosen func(string)) {
		widgets.ShowFileOpen(win, []string{".xlsx", ".csv"}, chosen)
	}
}

func (w *nuovoFlusso) chooseSave(win fyne.Window) func(string, func(string)) {
	return func(suggested string, chosen func(string)) {
		widgets.ShowFileSave(win, suggested, []string{".xlsx", ".csv"}, chosen)
	}
}
