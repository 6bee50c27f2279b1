package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// generazioneScreen is Utility → Generazione massiva Pagamenti, the three
// screens of the manual (Dati per l'invio massivo, Dati per la
// protocollazione, Dati per PagoPA) and its three buttons: «Visualizza
// anteprima» checks the list with the options and shows every row and the
// PDF of any of them, storing nothing; «Genera avvisi PagoPA» stores the
// batch and creates its debt positions; «Esegui invio massivo» protocols
// (if asked) and sends each notice with its cover letter.
type generazioneScreen struct {
	View   fyne.CanvasObject
	Passo  int // 0, 1, 2
	Titolo *widget.Label
	pagine []fyne.CanvasObject
	stack  *fyne.Container

	Indietro, Avanti *widget.Button

	// Dati per l'invio massivo
	File             *widget.Entry
	Sfoglia          *widget.Button
	ScaricaTracciato *widget.Button
	Spedizione       *widget.RadioGroup
	Protocollazione  *widget.RadioGroup
	// Dati per la protocollazione
	OggettoProtocollo *widget.Entry
	// Dati per PagoPA
	TipoDovuto *widget.Select
	Scadenza   *widget.Entry // gg/mm/aaaa
	Causale    *widget.Entry
	Lettera    *widget.Select

	VisualizzaAnteprima *widget.Button
	Genera              *widget.Button
	InviaTutti          *widget.Button

	Esito        *widget.Label
	Segnalazioni *widget.List
	Righe        *widget.Table
	ApriPDF      *widget.Button // the selected row's letter and notice
	Risultato    *fyne.Container

	Attesa   *widgets.ProgressDialog
	Conferma *widgets.ConfirmDialog

	// ChooseOpen, ChooseSave and OpenPDF talk to the desktop; tests replace them.
	ChooseOpen func(chosen func(path string))
	ChooseSave func(suggested string, chosen func(path string))
	OpenPDF    func(path string) error

	tipi       []store.TipoDovuto
	modelli    []lettere.Modello
	lettura    *avvisi.Lettura
	errori     []flussi.ErroreRiga
	verificato string // the inputs lettura was read with
	lotto      string // the batch generated from them
	stato      map[int]store.AvvisoLotto
	selezione  int // index in lettura.Righe, -1 none
}

const (
	spedizionePEC   = "PEC"
	spedizioneEmail = "E-mail"
)

func generazioneView(u *UI) fyne.CanvasObject {
	g := &generazioneScreen{selezione: -1, stato: map[int]store.AvvisoLotto{}}
	u.generazione = g
	g.File = widget.NewEntry()
	g.File.SetPlaceHolder(lang.L("file .xlsx o .csv"))
	g.File.OnChanged = func(string) { g.inputChanged() }
	g.ChooseOpen = func(chosen func(string)) {
		widgets.ShowFileOpen(u.Win, []string{".xlsx", ".csv"}, chosen)
	}
	g.ChooseSave = func(suggested string, chosen func(string)) {
		widgets.ShowFileSave(u.Win, suggested, []string{filepath.Ext(suggested)}, chosen)
	}
	g.OpenPDF = func(path string) error {
		uri, err := url.Parse(storage.NewFileURI(path).String())
		if err != nil {
			return err
		}
		return u.Fyne.OpenURL(uri)
	}
	g.Sfoglia = widget.NewButtonWithIcon(lang.L("Sfoglia…"), theme.FolderOpenIcon(), func() {
		g.ChooseOpen(func(path string) { g.File.SetText(path) })
	})
	g.ScaricaTracciato = widget.NewButtonWithIcon(lang.L("Scarica tracciato"), theme.DownloadIcon(), func() {
		g.ChooseSave("TracciatoInvioMassivo.xlsx", func(path string) { u.salvaTracciatoAvvisi(g, path) })
	})
	g.Spedizione = widget.NewRadioGroup([]string{spedizioneEmail, spedizionePEC}, func(string) { g.inputChanged() })
	g.Spedizione.Horizontal = true
	g.Spedizione.SetSelected(spedizionePEC)
	g.Spedizione.Required = true
	g.Protocollazione = widget.NewRadioGroup([]string{lang.L("Sì"), lang.L("No")}, func(string) { g.inputChanged() })
	g.Protocollazione.Horizontal = true
	g.Protocollazione.SetSelected(lang.L("No"))
	g.Protocollazione.Required = true

	g.OggettoProtocollo = widget.NewEntry()
	g.OggettoProtocollo.SetPlaceHolder(lang.L("es. Avviso di pagamento trasporto scolastico 2026/27"))
	g.OggettoProtocollo.OnChanged = func(string) { g.inputChanged() }

	var nomiTipi []string
	if tipi, err := u.Core.Avvisi.TipiDovuto(u.ctx); err == nil {
		for _, t := range tipi {
			if t.Attivo {
				g.tipi = append(g.tipi, t)
				nomiTipi = append(nomiTipi, t.Codice+" — "+t.Descrizione)
			}
		}
	}
	g.TipoDovuto = widget.NewSelect(nomiTipi, func(string) { g.inputChanged() })
	g.TipoDovuto.PlaceHolder = lang.L("(scegliere)")
	if len(nomiTipi) == 1 {
		g.TipoDovuto.SetSelected(nomiTipi[0])
	}
	g.Scadenza = widget.NewEntry()
	g.Scadenza.SetPlaceHolder(lang.L("gg/mm/aaaa"))
	g.Scadenza.OnChanged = func(string) { g.inputChanged() }
	g.Causale = widget.NewEntry()
	g.Causale.SetPlaceHolder(lang.L("es. Trasporto scolastico a.s. 2026/27"))
	g.Causale.OnChanged = func(string) { g.inputChanged() }
	g.modelli = u.modelliLettera()
	nomiModelli := make([]string, len(g.modelli))
	for i, m := range g.modelli {
		nomiModelli[i] = m.Nome
	}
	g.Lettera = widget.NewSelect(nomiModelli, func(string) { g.inputChanged() })
	if len(nomiModelli) > 0 {
		g.Lettera.SetSelected(nomiModelli[0])
	}

	g.VisualizzaAnteprima = widget.NewButtonWithIcon(lang.L("Visualizza anteprima"), theme.VisibilityIcon(), func() { u.anteprimaAvvisi(g) })
	g.VisualizzaAnteprima.Importance = widget.HighImportance
	g.Genera = widget.NewButtonWithIcon(lang.L("Genera avvisi PagoPA"), theme.DocumentCreateIcon(), func() { u.generaAvvisi(g) })
	g.Genera.Importance = widget.SuccessImportance
	g.InviaTutti = widget.NewButtonWithIcon(lang.L("Esegui invio massivo"), theme.MailSendIcon(), func() { u.confermaInvioAvvisi(g) })
	g.InviaTutti.Importance = widget.WarningImportance

	g.Titolo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	g.Indietro = widget.NewButtonWithIcon(lang.L("Indietro"), theme.NavigateBackIcon(), func() { g.vaiA(g.precedente()) })
	g.Avanti = widget.NewButtonWithIcon(lang.L("Avanti"), theme.NavigateNextIcon(), func() { g.vaiA(g.successivo()) })
	g.Avanti.IconPlacement = widget.ButtonIconTrailingText

	// Wrapped, so that this step is no wider than the others: the split
	// below keeps the room the rows' state columns need.
	registro := widget.NewLabel(lang.L("Registro di protocollo dell'ente (in uscita)"))
	registro.Wrapping = fyne.TextWrapWord
	g.pagine = []fyne.CanvasObject{
		container.NewVBox(
			container.New(layout.NewFormLayout(),
				widget.NewLabel(lang.L("File")+" *"), container.NewBorder(nil, nil, nil, g.Sfoglia, g.File),
				widget.NewLabel(lang.L("Tipo spedizione")+" *"), g.Spedizione,
				widget.NewLabel(lang.L("Protocollazione")+" *"), g.Protocollazione),
			nota(lang.L("Il file ha una riga di intestazione, poi una riga per avviso: Intestazione, CodiceFiscale e/o PartitaIva, Importo, IndirizzoPec; facoltative OggettoProt e CausaleBollettino (quando cambiano da riga a riga) e l'indirizzo del debitore (Indirizzo, CAP, Comune, Provincia) stampato sull'avviso.")),
			container.NewHBox(g.ScaricaTracciato)),
		container.NewVBox(
			container.New(layout.NewFormLayout(),
				widget.NewLabel(lang.L("Oggetto")), g.OggettoProtocollo,
				widget.NewLabel(lang.L("Registro")), registro),
			nota(lang.L("L'oggetto vale per tutti gli avvisi, tranne le righe del file che hanno la colonna OggettoProt. Ogni avviso è protocollato al momento dell'invio; numero e data sono stampati sulla lettera di accompagnamento."))),
		container.NewVBox(
			container.New(layout.NewFormLayout(),
				widget.NewLabel(lang.L("Tipologia di pagamento")+" *"), g.TipoDovuto,
				widget.NewLabel(lang.L("Scadenza standard")+" *"), g.Scadenza,
				widget.NewLabel(lang.L("Causale standard")), g.Causale,
				widget.NewLabel(lang.L("Lettera di accompagnamento")), g.Lettera),
			nota(lang.L("La causale vale per le righe senza CausaleBollettino. La tipologia di pagamento (Impostazioni › Tipi dovuto) dà IBAN, tassonomia e codice di segregazione; la lettera di accompagnamento si sceglie tra i modelli di Impostazioni › Lettere di accompagnamento."))),
	}
	g.stack = container.NewStack(g.pagine...)

	g.Esito = esitoLabel()
	g.Segnalazioni = widget.NewList(
		func() int { return len(g.errori) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("riga 100000, colonna CodiceFiscale: mancante")
			l.Truncation = fyne.TextTruncateEllipsis
			l.Importance = widget.DangerImportance
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*fyne.Container).Objects[0].(*widget.Label).SetText(g.errori[i].Error())
		})
	g.Righe = widget.NewTableWithHeaders(
		func() (int, int) { return g.numeroRighe(), len(colonneGenerazione()) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(g.cella(id)) })
	g.Righe.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	g.Righe.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		switch {
		case id.Row < 0 && id.Col >= 0:
			l.SetText(colonneGenerazione()[id.Col].Title)
		case id.Col < 0 && id.Row >= 0:
			l.SetText(fmt.Sprint(g.lettura.Righe[id.Row].Numero))
		default:
			l.SetText("")
		}
	}
	for i, c := range colonneGenerazione() {
		g.Righe.SetColumnWidth(i, c.Width)
	}
	g.Righe.SetColumnWidth(-1, larghezzaNumeroRiga)
	g.Righe.OnSelected = func(id widget.TableCellID) {
		g.selezione = id.Row
		setEnabled(g.ApriPDF, true)
	}
	g.ApriPDF = widget.NewButtonWithIcon(lang.L("Apri PDF della riga"), theme.FileApplicationIcon(), func() { u.apriPDFRiga(g) })
	g.ApriPDF.Disable()
	guida := nota(lang.L("Compilare i tre passi, poi «Visualizza anteprima»: il file è controllato riga per riga con le scelte fatte, senza salvare nulla, e si può aprire il PDF (lettera e avviso) di ogni riga. «Genera avvisi PagoPA» crea le posizioni debitorie; «Esegui invio massivo» protocolla e spedisce."))
	g.Risultato = container.NewStack(container.NewVBox(guida))

	nav := container.NewHBox(g.Indietro, layout.NewSpacer(), g.Avanti)
	left := container.NewBorder(container.NewVBox(g.Titolo, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), nav, widget.NewSeparator(),
			pulsanti(container.NewGridWithColumns(1, g.VisualizzaAnteprima, g.Genera, g.InviaTutti))),
		nil, nil, container.NewVScroll(g.stack))
	right := container.NewBorder(g.Esito, nil, nil, nil, g.Risultato)
	split := container.NewHSplit(container.NewPadded(left), container.NewPadded(right))
	// At 1366×768 the rows show up to «Invio» (colonneGenerazione) and the
	// steps keep their labels whole.
	split.Offset = 0.345
	g.View = split
	g.vaiA(0)
	g.inputChanged()
	u.offriRipresaAvvisi(g)
	return g.View
}

func nota(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

// larghezzaNumeroRiga is the rows' header column: the line numbers of the
// file, up to 50.000.
const larghezzaNumeroRiga = 56

// colonneGenerazione: the states first, so that they show without
// scrolling; wide enough for «Da generare», a notice code and the usual
// sending states («Consegnato»), narrow enough to end within the split's
// right side at 1366×768 (TestGenerazioneColonneStato).
func colonneGenerazione() []widgets.Column {
	return []widgets.Column{
		{Title: lang.L("Intestazione"), Width: 145}, {Title: lang.L("Importo"), Width: 75},
		{Title: lang.L("Codice avviso"), Width: 176}, {Title: lang.L("Generazione"), Width: 105}, {Title: lang.L("Invio"), Width: 100},
		{Title: lang.L("Codice fiscale / P. IVA"), Width: 150}, {Title: lang.L("Indirizzo PEC / e-mail"), Width: 200},
		{Title: lang.L("Causale"), Width: 200},
	}
}

func (g *generazioneScreen) numeroRighe() int {
	if g.lettura == nil {
		return 0
	}
	return len(g.lettura.Righe)
}

func (g *generazioneScreen) cella(id widget.TableCellID) string {
	if g.lettura == nil || id.Row >= len(g.lettura.Righe) {
		return ""
	}
	r := g.lettura.Righe[id.Row]
	st, generato := g.stato[r.Numero]
	switch id.Col {
	case 0:
		return r.Intestazione
	case 1:
		return pagopa.FormattaImporto(r.Centesimi)
	case 2:
		if generato {
			return pagopa.FormattaCodiceAvviso(st.CodiceAvviso)
		}
		return lang.L("(alla generazione)")
	case 3:
		if generato {
			return statoAvvisoLabel(st.Stato)
		}
		return lang.L("Da generare")
	case 4:
		if generato {
			return statoInvioLabel(st.Invio.Stato)
		}
	case 5:
		return r.Debitore()
	case 6:
		return r.IndirizzoPec
	case 7:
		if r.Causale != "" {
			return r.Causale
		}
		return strings.TrimSpace(g.Causale.Text)
	}
	return ""
}

// vaiA shows a step; the protocol step is skipped without protocollazione.
func (g *generazioneScreen) vaiA(passo int) {
	g.Passo = passo
	for i, p := range g.pagine {
		if i == passo {
			p.Show()
		} else {
			p.Hide()
		}
	}
	titoli := []string{lang.L("Dati per l'invio massivo"), lang.L("Dati per la protocollazione"), lang.L("Dati per PagoPA")}
	g.Titolo.SetText(lang.L("Passo {{.N}} di 3", map[string]any{"N": passo + 1}) + " — " + titoli[passo])
	// Hidden, not disabled: the theme keeps disabled text dark for read-only forms.
	setVisible(g.Indietro, passo > 0)
	setVisible(g.Avanti, passo < 2)
}

func (g *generazioneScreen) protocollare() bool { return g.Protocollazione.Selected == lang.L("Sì") }

func (g *generazioneScreen) successivo() int {
	if g.Passo == 0 && !g.protocollare() {
		return 2
	}
	return min(g.Passo+1, 2)
}

func (g *generazioneScreen) precedente() int {
	if g.Passo == 2 && !g.protocollare() {
		return 0
	}
	return max(g.Passo-1, 0)
}

// chiave is what a check depends on: a change calls for a new anteprima.
func (g *generazioneScreen) chiave() string {
	return strings.Join([]string{strings.TrimSpace(g.File.Text), g.Spedizione.Selected, g.Protocollazione.Selected,
		g.OggettoProtocollo.Text, g.TipoDovuto.Selected, g.Scadenza.Text, g.Causale.Text, g.Lettera.Selected}, "\x00")
}

func (g *generazioneScreen) inputChanged() {
	if g.InviaTutti == nil {
		return
	}
	verificato := g.lettura != nil && len(g.errori) == 0 && g.verificato == g.chiave()
	setEnabled(g.Genera, verificato || g.lotto != "")
	setEnabled(g.InviaTutti, g.lotto != "")
}

// opzioni reads the three steps; a field that cannot be read is reported by name.
func (g *generazioneScreen) opzioni() (avvisi.OpzioniLotto, error) {
	o := avvisi.OpzioniLotto{Causale: strings.TrimSpace(g.Causale.Text), Protocollazione: g.protocollare(),
		OggettoProtocollo: strings.TrimSpace(g.OggettoProtocollo.Text), Spedizione: avvisi.PEC}
	if g.Spedizione.Selected == spedizioneEmail {
		o.Spedizione = avvisi.Email
	}
	for i, t := range g.tipi {
		if g.TipoDovuto.SelectedIndex() == i {
			o.TipoDovuto = t.Codice
		}
	}
	if o.TipoDovuto == "" {
		return o, errors.New(lang.L("Tipologia di pagamento: sceglierne una (passo 3)"))
	}
	if s := strings.TrimSpace(g.Scadenza.Text); s != "" {
		t, err := time.ParseInLocation("02/01/2006", s, time.Local)
		if err != nil {
			return o, errors.New(lang.L("Scadenza standard: una data come 31/01/2027 (passo 3)"))
		}
		o.Scadenza = t
	}
	if i := g.Lettera.SelectedIndex(); i >= 0 && i < len(g.modelli) {
		m := g.modelli[i]
		o.Lettera = &m
	}
	return o, nil
}

// anteprimaAvvisi checks the list with the options off the UI goroutine.
func (u *UI) anteprimaAvvisi(g *generazioneScreen) {
	path := strings.TrimSpace(g.File.Text)
	if path == "" {
		setEsito(g.Esito, lang.L("Indicare il file (passo 1)."), widget.DangerImportance)
		return
	}
	o, err := g.opzioni()
	if err != nil {
		setEsito(g.Esito, err.Error(), widget.DangerImportance)
		return
	}
	chiave := g.chiave()
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Visualizza anteprima"), lang.L("Controllo del file riga per riga…"))
	g.Attesa = dlg
	u.appIO().bg.Go(func() func() {
		var l *avvisi.Lettura
		f, err := os.Open(path)
		if err == nil {
			l, err = u.Core.Avvisi.Verifica(ctx, ctxReader{ctx: ctx, r: f}, o)
			f.Close()
		}
		var ie *flussi.ErrImport
		if errors.As(err, &ie) {
			err = nil
		}
		dlg.End(err)
		return func() {
			if err != nil {
				return // the dialog has shown it
			}
			g.lettura, g.verificato, g.lotto, g.selezione = l, chiave, "", -1
			g.stato = map[int]store.AvvisoLotto{}
			g.mostraLettura()
			g.inputChanged()
		}
	})
}

func (g *generazioneScreen) mostraLettura() {
	l := g.lettura
	g.errori = l.Errori
	g.ApriPDF.Disable()
	if len(l.Errori) > 0 {
		setEsito(g.Esito, plurale(len(l.Errori), lang.L("1 problema da correggere: non si può generare nulla finché il file o le scelte non sono a posto."),
			lang.L("{{.N}} problemi da correggere: non si può generare nulla finché il file o le scelte non sono a posto.",
				map[string]any{"N": widgets.FormatInt(len(l.Errori))})), widget.DangerImportance)
		g.Segnalazioni.Refresh()
		g.Risultato.Objects = []fyne.CanvasObject{g.Segnalazioni}
		g.Risultato.Refresh()
		return
	}
	var totale int64
	for _, r := range l.Righe {
		totale += r.Centesimi
	}
	setEsito(g.Esito, lang.L("{{.N}} avvisi per {{.Importo}} euro. Selezionare una riga e «Apri PDF della riga» per vedere lettera e avviso.",
		map[string]any{"N": widgets.FormatInt(len(l.Righe)), "Importo": pagopa.FormattaImporto(totale)}), widget.SuccessImportance)
	g.Righe.Refresh()
	g.Risultato.Objects = []fyne.CanvasObject{container.NewBorder(nil, container.NewHBox(g.ApriPDF), nil, nil, g.Righe)}
	g.Risultato.Refresh()
}

// apriPDFRiga writes the selected row's letter and notice to a temporary
// file and opens it with the system's viewer: the preview before
// generation, the real notice after.
func (u *UI) apriPDFRiga(g *generazioneScreen) {
	if g.lettura == nil || g.selezione < 0 || g.selezione >= len(g.lettura.Righe) {
		return
	}
	r := g.lettura.Righe[g.selezione]
	st, generato := g.stato[r.Numero]
	o, err := g.opzioni()
	if err != nil {
		setEsito(g.Esito, err.Error(), widget.DangerImportance)
		return
	}
	u.appIO().bg.Go(func() func() {
		var buf bytes.Buffer
		var err error
		nome := fmt.Sprintf("anteprima-riga-%d.pdf", r.Numero)
		if generato && st.Stato == avvisi.StatoGenerato {
			nome = "avviso-" + st.IUV + ".pdf"
			err = u.Core.Avvisi.PDFCompleto(u.ctx, st.IUV, &buf)
		} else {
			err = u.Core.Avvisi.AnteprimaPDF(u.ctx, o, r, &buf)
		}
		path := filepath.Join(os.TempDir(), "sportello-"+nome)
		if err == nil {
			err = os.WriteFile(path, buf.Bytes(), 0o600)
		}
		var aprire error
		if err == nil {
			aprire = g.OpenPDF(path)
		}
		return func() {
			switch {
			case err != nil:
				widgets.ShowError(u.Win, err)
			case aprire != nil: // no PDF viewer on this computer: the file can still be saved
				g.Conferma = widgets.Confirm(u.Win, lang.L("Apri PDF della riga"),
					lang.L("Il PDF non si apre con il programma predefinito ({{.Motivo}}). Salvarlo in un file?",
						map[string]any{"Motivo": aprire.Error()}), func() {
						g.ChooseSave(nome, func(dest string) {
							if err := os.WriteFile(dest, buf.Bytes(), 0o644); err != nil {
								widgets.ShowError(u.Win, err)
								return
							}
							setEsito(g.Esito, lang.L("PDF salvato")+": "+dest, widget.SuccessImportance)
						})
					})
			}
		}
	})
}

// generaAvvisi stores the checked list as a batch (once) and creates its
// debt positions on pagoPA, with progress and cancel; run again, it goes
// on with the rows still to generate.
func (u *UI) generaAvvisi(g *generazioneScreen) {
	path, lotto, op := strings.TrimSpace(g.File.Text), g.lotto, u.Core.Operatore()
	var o avvisi.OpzioniLotto
	if lotto == "" {
		var err error
		if o, err = g.opzioni(); err != nil {
			setEsito(g.Esito, err.Error(), widget.DangerImportance)
			return
		}
		if g.verificato != g.chiave() {
			setEsito(g.Esito, lang.L("Il file o le scelte sono cambiati: premere di nuovo «Visualizza anteprima»."), widget.WarningImportance)
			return
		}
	}
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Genera avvisi PagoPA"), lang.L("Creazione delle posizioni debitorie su pagoPA…"))
	g.Attesa = dlg
	u.appIO().bg.Go(func() func() {
		var err error
		if lotto == "" {
			var f *os.File
			if f, err = os.Open(path); err == nil {
				var l avvisi.Lotto
				l, _, err = u.Core.Avvisi.ImportaLotto(ctx, op, filepath.Base(path), f, o)
				f.Close()
				lotto = l.UUID
			}
		}
		if err == nil {
			_, err = u.Core.Avvisi.Genera(ctx, op, u.Core.Impostazioni, lotto, func(p avvisi.Avanzamento) {
				dlg.SetProgress(p.Fatti+p.Errori, p.Totale, lang.L("Posizioni create: {{.Fatti}} di {{.Totale}} (errori {{.Errori}})",
					map[string]any{"Fatti": widgets.FormatInt(p.Fatti), "Totale": widgets.FormatInt(p.Totale), "Errori": widgets.FormatInt(p.Errori)}))
			})
		}
		righe, rerr := u.righeLotto(lotto)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		dlg.End(err)
		return func() {
			if lotto != "" {
				g.lotto = lotto
			}
			if rerr == nil {
				g.mostraLotto(righe)
			}
			g.Righe.Refresh()
			g.inputChanged()
			if err != nil {
				return
			}
			u.esitoGenerazione(g)
		}
	})
}

func (u *UI) esitoGenerazione(g *generazioneScreen) {
	generati, errori := 0, 0
	for _, r := range g.stato {
		switch r.Stato {
		case avvisi.StatoGenerato:
			generati++
		case avvisi.StatoErrore:
			errori++
		}
	}
	daFare := len(g.stato) - generati - errori
	msg := lang.L("Avvisi generati: {{.N}} di {{.Totale}}.", map[string]any{"N": widgets.FormatInt(generati), "Totale": widgets.FormatInt(len(g.stato))})
	imp := widget.SuccessImportance
	if errori > 0 {
		msg += " " + lang.L("Rifiutati da pagoPA: {{.N}} (il motivo è nel Cruscotto Pagamenti).", map[string]any{"N": widgets.FormatInt(errori)})
		imp = widget.WarningImportance
	}
	if daFare > 0 {
		msg += " " + lang.L("Da generare ancora: {{.N}} (premere di nuovo «Genera avvisi PagoPA»).", map[string]any{"N": widgets.FormatInt(daFare)})
		imp = widget.WarningImportance
	}
	setEsito(g.Esito, msg, imp)
}

// mostraLotto shows a stored batch's rows with their states; a batch
// resumed after a restart has no checked list, so its rows stand in.
func (g *generazioneScreen) mostraLotto(righe map[int]store.AvvisoLotto) {
	g.stato = righe
	if g.lettura == nil || len(g.lettura.Righe) != len(righe) {
		l := &avvisi.Lettura{Righe: make([]avvisi.Riga, 0, len(righe))}
		for _, r := range righe {
			l.Righe = append(l.Righe, avvisi.Riga{Numero: r.Riga, Intestazione: r.Intestazione, CodiceFiscale: r.CodiceFiscale,
				PartitaIVA: r.PartitaIVA, Centesimi: r.Centesimi, Causale: r.Causale, OggettoProt: r.OggettoProtocollo,
				IndirizzoPec: r.IndirizzoPec, Indirizzo: r.Indirizzo, CAP: r.CAP, Comune: r.Comune, Provincia: r.Provincia})
		}
		sort.Slice(l.Righe, func(i, j int) bool { return l.Righe[i].Numero < l.Righe[j].Numero })
		g.lettura, g.selezione = l, -1
		g.mostraLettura()
	}
	g.Righe.Refresh()
}

// righeLotto reads a batch's rows by file line.
func (u *UI) righeLotto(lotto string) (map[int]store.AvvisoLotto, error) {
	righe, err := u.Core.Avvisi.RigheLotto(u.ctx, lotto)
	if err != nil {
		return nil, err
	}
	out := make(map[int]store.AvvisoLotto, len(righe))
	for _, r := range righe {
		out[r.Riga] = r
	}
	return out, nil
}

// confermaInvioAvvisi asks before sending: how many, how, from where.
func (u *UI) confermaInvioAvvisi(g *generazioneScreen) {
	if g.lotto == "" {
		return
	}
	n := 0
	for _, r := range g.stato {
		if r.Stato == avvisi.StatoGenerato && r.Invio.Stato == "" {
			n++
		}
	}
	var msg string
	if n == 0 {
		msg = lang.L("Riprendere l'invio del lotto? Gli avvisi già spediti non saranno inviati di nuovo.")
	} else {
		come := lang.L("per PEC")
		if g.Spedizione.Selected == spedizioneEmail {
			come = lang.L("per e-mail")
		}
		msg = plurale(n, lang.L("Inviare 1 avviso {{.Come}}?", map[string]any{"Come": come}),
			lang.L("Inviare {{.N}} avvisi {{.Come}}?", map[string]any{"N": widgets.FormatInt(n), "Come": come}))
		if g.protocollare() {
			msg += " " + lang.L("Ogni avviso sarà prima protocollato in uscita.")
		}
	}
	g.Conferma = widgets.Confirm(u.Win, lang.L("Esegui invio massivo"), msg, func() { u.inviaAvvisi(g, g.lotto) })
}

// inviaAvvisi runs a batch's send with progress and cancel (a cancelled
// send resumes from where it stopped).
func (u *UI) inviaAvvisi(g *generazioneScreen, lotto string) {
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Esegui invio massivo"), lang.L("Protocollazione e invio degli avvisi…"))
	if g != nil {
		g.Attesa = dlg
	}
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		err := u.Core.Avvisi.Invia(ctx, op, lotto, func(p jobs.Progress) {
			fatti := p.Done + p.Failed + p.Uncertain + p.Cancelled
			dlg.SetProgress(fatti, p.Total, lang.L("Avvisi inviati: {{.Fatti}} di {{.Totale}} (errori {{.Errori}}, incerti {{.Incerti}})",
				map[string]any{"Fatti": widgets.FormatInt(p.Done), "Totale": widgets.FormatInt(p.Total),
					"Errori": widgets.FormatInt(p.Failed), "Incerti": widgets.FormatInt(p.Uncertain)}))
		})
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		conta, cerr := u.Core.Avvisi.ConteggiInvio(u.ctx, lotto)
		var righe map[int]store.AvvisoLotto
		if g != nil {
			righe, _ = u.righeLotto(lotto)
		}
		dlg.End(err)
		return func() {
			if g != nil && righe != nil {
				g.mostraLotto(righe)
			}
			if err != nil || cerr != nil || g == nil {
				return
			}
			setEsito(g.Esito, riepilogoInvio(conta), widget.SuccessImportance)
		}
	})
}

// riepilogoInvio is "Consegnati 10, Accettati 2, …" in the order of the states.
func riepilogoInvio(conta map[string]int) string {
	var parts []string
	for _, s := range statiInvio {
		if n := conta[s]; n > 0 {
			parts = append(parts, statoInvioLabel(s)+" "+widgets.FormatInt(n))
		}
	}
	if len(parts) == 0 {
		return lang.L("Nessun avviso inviato.")
	}
	return lang.L("Invio: {{.Stati}}. Le ricevute PEC aggiornano gli stati da sole; il dettaglio è nel Cruscotto Pagamenti.",
		map[string]any{"Stati": strings.Join(parts, ", ")})
}

var statiInvio = []string{store.InvioConsegnato, store.InvioAccettato, store.InvioInviato, store.InvioDaInviare, store.InvioInCorso,
	store.InvioPreavvisoErrore, store.InvioErroreConsegna, store.InvioNonAccettato, store.InvioErrore, store.InvioIncerto, store.InvioAnnullato}

func statoInvioLabel(s string) string {
	switch s {
	case "":
		return lang.L("Non inviato")
	case store.InvioDaInviare:
		return lang.L("Da inviare")
	case store.InvioInCorso:
		return lang.L("In invio")
	case store.InvioInviato:
		return lang.L("Inviato")
	case store.InvioAccettato:
		return lang.L("Accettato")
	case store.InvioConsegnato:
		return lang.L("Consegnato")
	case store.InvioNonAccettato:
		return lang.L("Non accettato")
	case store.InvioErroreConsegna:
		return lang.L("Errore di consegna")
	case store.InvioPreavvisoErrore:
		return lang.L("Mancata consegna (preavviso)")
	case store.InvioErrore:
		return lang.L("Errore di invio")
	case store.InvioIncerto:
		return lang.L("Esito incerto")
	case store.InvioAnnullato:
		return lang.L("Annullato")
	}
	return s
}

// salvaTracciatoAvvisi writes the list template.
func (u *UI) salvaTracciatoAvvisi(g *generazioneScreen, path string) {
	var buf bytes.Buffer
	err := avvisi.ScriviTracciato(&buf)
	if err == nil {
		err = os.WriteFile(path, buf.Bytes(), 0o644)
	}
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	setEsito(g.Esito, lang.L("Tracciato salvato")+": "+path, widget.SuccessImportance)
}

// offriRipresaAvvisi offers to finish the batches an interrupted session
// left half generated or half sent.
func (u *UI) offriRipresaAvvisi(g *generazioneScreen) {
	u.appIO().bg.Go(func() func() {
		lotti, err := u.Core.Avvisi.DaRiprendere(u.ctx)
		if err != nil || len(lotti) == 0 {
			return func() {}
		}
		l := lotti[0]
		return func() {
			var msg string
			switch l.Stato {
			case avvisi.LottoInInvio:
				msg = lang.L("L'invio del lotto «{{.File}}» ({{.N}} avvisi) si è interrotto. Riprenderlo adesso? Gli avvisi già spediti non saranno inviati di nuovo.",
					map[string]any{"File": l.FileOrigine, "N": widgets.FormatInt(l.Totale)})
			case "IMPORTATO":
				msg = lang.L("La generazione del lotto «{{.File}}» ({{.N}} avvisi) si è interrotta. Riprenderla adesso? Nessuna riga avrà un secondo avviso.",
					map[string]any{"File": l.FileOrigine, "N": widgets.FormatInt(l.Totale)})
			default:
				msg = lang.L("Il lotto «{{.File}}» ({{.N}} avvisi) è generato ma non ancora inviato. Aprirlo per l'invio?",
					map[string]any{"File": l.FileOrigine, "N": widgets.FormatInt(l.Totale)})
			}
			g.Conferma = widgets.Confirm(u.Win, lang.L("Lotti da riprendere"), msg, func() {
				g.lotto = l.UUID
				if l.Spedizione == avvisi.Email {
					g.Spedizione.SetSelected(spedizioneEmail)
				}
				if l.Protocollazione {
					g.Protocollazione.SetSelected(lang.L("Sì"))
				}
				g.lotto = l.UUID // the radios' callbacks must not forget it
				if righe, err := u.righeLotto(l.UUID); err == nil {
					g.mostraLotto(righe)
				}
				g.inputChanged()
				switch l.Stato {
				case avvisi.LottoInInvio:
					u.inviaAvvisi(g, l.UUID)
				case "IMPORTATO":
					u.generaAvvisi(g)
				default:
					u.esitoGenerazione(g)
				}
			})
		}
	})
}

// modelliLettera are the active cover-letter templates, the built-in one
// among them unless replaced.
func (u *UI) modelliLettera() []lettere.Modello {
	ms, err := u.Core.Impostazioni.ModelliLettera(u.ctx)
	if err != nil {
		return []lettere.Modello{lettere.ModelloPredefinito()}
	}
	var out []lettere.Modello
	for _, m := range ms {
		if m.Attivo {
			out = append(out, m.Modello)
		}
	}
	return out
}
