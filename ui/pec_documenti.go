package ui

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecDocumenti is Gestione account certificati › «Carica documentazione
// PDF» and «Gestione documentazione»: the signed activation contract and
// the other PDFs of the selected mailbox. The core accepts only real PDFs
// within its size limit and checks each stored content against its
// SHA-256 when read; an assistant reaches only their own mailboxes.
type pecDocumenti struct {
	Carica   *caricaDocumentoDialog
	Gestione *gestioneDocumentiDialog
	Conferma *widgets.ConfirmDialog

	// ChooseOpen, ChooseSave and OpenPDF talk to the desktop; tests replace them.
	ChooseOpen func(chosen func(path string))
	ChooseSave func(suggested string, chosen func(path string))
	OpenPDF    func(path string) error
}

// caricaDocumentoDialog is «Carica documentazione PDF».
type caricaDocumentoDialog struct {
	Dialog  *dialog.CustomDialog
	Tipo    *widget.Select
	File    *widget.Entry
	Sfoglia *widget.Button
	Errore  *widget.Label
	Carica  *widget.Button
	Annulla *widget.Button
}

// gestioneDocumentiDialog is «Gestione documentazione»: the mailbox's
// documents, newest first, to open or save.
type gestioneDocumentiDialog struct {
	Dialog  *dialog.CustomDialog
	Elenco  *widget.Table
	Vuoto   *widget.Label
	Errore  *widget.Label
	Esito   *widget.Label
	Apri    *widget.Button
	Salva   *widget.Button
	Carica  *widget.Button
	Chiudi  *widget.Button
	casella store.Casella
	docs    []store.Documento
	scelto  int // index in docs, -1 none
}

// pulsantiDocumenti makes the two toolbar buttons of the documents and
// the desktop functions they use.
func (u *UI) pulsantiDocumenti(s *pecCaselleScreen) {
	d := &pecDocumenti{}
	d.ChooseOpen = func(chosen func(string)) { widgets.ShowFileOpen(u.Win, []string{".pdf"}, chosen) }
	d.ChooseSave = func(suggested string, chosen func(string)) {
		widgets.ShowFileSave(u.Win, suggested, []string{".pdf"}, chosen)
	}
	d.OpenPDF = func(path string) error {
		uri, err := url.Parse(storage.NewFileURI(path).String())
		if err != nil {
			return err
		}
		return u.Fyne.OpenURL(uri)
	}
	s.Documenti = d
	s.CaricaDoc = widget.NewButtonWithIcon(lang.L("Carica documentazione PDF"), theme.UploadIcon(),
		func() { u.apriCaricaDocumento(s) })
	s.GestDoc = widget.NewButtonWithIcon(lang.L("Gestione documentazione"), theme.DocumentIcon(),
		func() { u.apriGestioneDocumenti(s) })
}

// tipoDocumentoLabel is the label of a kind of document, as in the manual.
func tipoDocumentoLabel(codice string) string {
	switch codice {
	case store.DocContratto:
		return lang.L("Contratto di attivazione firmato")
	case store.DocNuoveCredenziali:
		return lang.L("Richiesta nuove credenziali")
	case store.DocSubentro:
		return lang.L("Subentro")
	case store.DocCessazione:
		return lang.L("Richiesta di cessazione")
	case store.DocAltro:
		return lang.L("Altro")
	}
	return codice
}

// dimensioneFile is a size as the clerk reads it.
func dimensioneFile(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f KB", float64(n)/1024), ".", ",", 1)
	}
	return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
}

// impronta is the start of a SHA-256, enough to tell documents apart.
func impronta(sha string) string {
	if len(sha) > 12 {
		return sha[:12] + "…"
	}
	return sha
}

// erroreDocumento is what the clerk reads for an error on a document.
func erroreDocumento(err error, nome string) string {
	if errors.Is(err, registro.ErrDocumentoAlterato) {
		return lang.L("Il documento «{{.Nome}}» risulta alterato: il contenuto salvato non corrisponde alla sua impronta SHA-256. Non viene aperto né salvato; caricarlo di nuovo.",
			map[string]any{"Nome": nome})
	}
	return widgets.ErrorText(err)
}

// ---- Carica documentazione PDF

func (u *UI) apriCaricaDocumento(s *pecCaselleScreen) {
	if !s.loaded {
		return
	}
	d, c := s.Documenti, s.casella
	k := &caricaDocumentoDialog{}
	tipi := make([]string, len(registro.TipiDocumento))
	for i, t := range registro.TipiDocumento {
		tipi[i] = tipoDocumentoLabel(t.Codice)
	}
	k.Tipo = widget.NewSelect(tipi, nil)
	k.Tipo.SetSelected(tipi[0])
	k.File = widget.NewEntry()
	k.File.SetPlaceHolder(lang.L("file .pdf"))
	k.Sfoglia = widget.NewButtonWithIcon(lang.L("Sfoglia…"), theme.FolderOpenIcon(), func() {
		d.ChooseOpen(func(path string) { k.File.SetText(path) })
	})
	k.Errore = widget.NewLabel("")
	k.Errore.Importance = widget.DangerImportance
	k.Errore.Wrapping = fyne.TextWrapWord
	k.Errore.Hide()
	nota := widget.NewLabel(lang.L("Solo file PDF, al massimo {{.MB}} MB.", map[string]any{"MB": registro.MaxDocumento >> 20}))
	nota.Importance = widget.LowImportance
	body := container.NewVBox(
		container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.L("Casella")), widget.NewLabel(c.Indirizzo),
			widget.NewLabel(lang.L("Tipo")+" *"), k.Tipo,
			widget.NewLabel(lang.L("File PDF")+" *"), container.NewBorder(nil, nil, nil, k.Sfoglia, k.File)),
		nota, k.Errore)
	k.Dialog = dialog.NewCustomWithoutButtons(lang.L("Carica documentazione PDF"), body, u.Win)
	k.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), k.Dialog.Hide)
	k.Carica = widget.NewButtonWithIcon(lang.L("Carica"), theme.UploadIcon(), func() { u.caricaDocumento(s, k) })
	k.Carica.Importance = widget.HighImportance
	k.Dialog.SetButtons([]fyne.CanvasObject{k.Annulla, k.Carica})
	k.Dialog.Resize(fyne.NewSize(600, k.Dialog.MinSize().Height))
	d.Carica = k
	k.Dialog.Show()
}

// caricaDocumento reads the file and stores it, off the UI goroutine; the
// core's refusals (not a PDF, too big…) stay in the dialog.
func (u *UI) caricaDocumento(s *pecCaselleScreen, k *caricaDocumentoDialog) {
	path := strings.TrimSpace(k.File.Text)
	errore := func(msg string) {
		k.Errore.SetText(msg)
		setVisible(k.Errore, msg != "")
	}
	if path == "" {
		errore(lang.L("Scegliere il file PDF da caricare."))
		return
	}
	tipo := ""
	for _, t := range registro.TipiDocumento {
		if tipoDocumentoLabel(t.Codice) == k.Tipo.Selected {
			tipo = t.Codice
		}
	}
	if tipo == "" {
		errore(lang.L("Scegliere il tipo di documento."))
		return
	}
	errore("")
	k.Carica.Disable()
	op, c := u.Core.Operatore(), s.casella
	s.bg.Go(func() func() {
		dati, err := leggiPDF(path)
		if err == nil {
			_, err = u.Core.Registro.CaricaDocumento(u.ctx, op, c.ID, tipo, filepath.Base(path), dati)
		}
		return func() {
			k.Carica.Enable()
			if err != nil {
				errore(widgets.ErrorText(err))
				return
			}
			k.Dialog.Hide()
			msg := lang.L("Documento {{.Nome}} caricato per la casella {{.Casella}}.",
				map[string]any{"Nome": filepath.Base(path), "Casella": c.Indirizzo})
			setEsito(s.Esito, msg, widget.SuccessImportance)
			if g := s.Documenti.Gestione; g != nil && g.casella.ID == c.ID {
				u.elencaDocumenti(s, g)
				setEsito(g.Esito, msg, widget.SuccessImportance)
			}
		}
	})
}

// leggiPDF reads a file up to one byte past the limit: the core refuses
// it as too big without the whole file in memory.
func leggiPDF(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, registro.MaxDocumento+1))
}

// ---- Gestione documentazione

func (u *UI) apriGestioneDocumenti(s *pecCaselleScreen) {
	if !s.loaded {
		return
	}
	d := s.Documenti
	g := &gestioneDocumentiDialog{casella: s.casella, scelto: -1}
	titoli := []string{lang.L("Tipo"), lang.L("Nome"), lang.L("Dimensione"), lang.L("Caricato il"), lang.L("SHA-256")}
	larghezze := []float32{255, 175, 100, 130, 130}
	g.Elenco = widget.NewTable(
		func() (int, int) { return len(g.docs), len(titoli) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < 0 || id.Row >= len(g.docs) {
				return
			}
			x := g.docs[id.Row]
			v := [...]string{tipoDocumentoLabel(x.Tipo), x.Nome, dimensioneFile(x.Dimensione), dataOra(x.CaricatoIl), impronta(x.SHA256)}
			l := o.(*widget.Label)
			l.Truncation = fyne.TextTruncateEllipsis
			l.SetText(v[id.Col])
		})
	g.Elenco.ShowHeaderRow = true
	g.Elenco.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	g.Elenco.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(titoli) {
			o.(*widget.Label).SetText(titoli[id.Col])
		}
	}
	for i, w := range larghezze {
		g.Elenco.SetColumnWidth(i, w)
	}
	g.Elenco.OnSelected = func(id widget.TableCellID) {
		g.scelto = id.Row
		g.abilita()
	}
	g.Vuoto = widget.NewLabel(lang.L("Nessun documento caricato per questa casella."))
	g.Vuoto.Importance = widget.LowImportance
	g.Errore = widget.NewLabel("")
	g.Errore.Importance = widget.DangerImportance
	g.Errore.Wrapping = fyne.TextWrapWord
	g.Errore.Hide()
	g.Esito = esitoLabel()
	g.Apri = widget.NewButtonWithIcon(lang.L("Apri"), theme.FileApplicationIcon(), func() { u.apriDocumento(s, g) })
	g.Salva = widget.NewButtonWithIcon(lang.L("Salva…"), theme.DocumentSaveIcon(), func() { u.salvaDocumento(s, g) })
	g.Carica = widget.NewButtonWithIcon(lang.L("Carica documentazione PDF"), theme.UploadIcon(),
		func() { u.apriCaricaDocumento(s) })
	body := container.NewBorder(
		container.NewVBox(container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("Casella")), widget.NewLabel(g.casella.Indirizzo)),
			g.Vuoto),
		container.NewVBox(g.Errore, g.Esito, pulsanti(container.NewHBox(g.Apri, g.Salva, layout.NewSpacer(), g.Carica))),
		nil, nil, g.Elenco)
	g.Dialog = dialog.NewCustomWithoutButtons(lang.L("Gestione documentazione"), body, u.Win)
	g.Chiudi = widget.NewButton(lang.L("Chiudi"), g.Dialog.Hide)
	g.Dialog.SetButtons([]fyne.CanvasObject{g.Chiudi})
	g.Dialog.SetOnClosed(func() {
		if d.Gestione == g {
			d.Gestione = nil
		}
	})
	d.Gestione = g
	u.elencaDocumenti(s, g)
	g.Dialog.Resize(fyne.NewSize(860, 460))
	g.Dialog.Show()
}

// elencaDocumenti reads the mailbox's documents again (a quick local read).
func (u *UI) elencaDocumenti(s *pecCaselleScreen, g *gestioneDocumentiDialog) {
	docs, err := u.Core.Registro.Documenti(u.ctx, u.Core.Operatore(), g.casella.ID)
	g.docs, g.scelto = docs, -1
	g.Errore.SetText(widgets.ErrorText(err))
	setVisible(g.Errore, err != nil)
	setVisible(g.Vuoto, err == nil && len(docs) == 0)
	g.Elenco.UnselectAll()
	g.Elenco.Refresh()
	g.abilita()
}

func (g *gestioneDocumentiDialog) abilita() {
	ok := g.scelto >= 0 && g.scelto < len(g.docs)
	setEnabled(g.Apri, ok)
	setEnabled(g.Salva, ok)
}

// documento reads the chosen document with its content, off the UI
// goroutine, then calls done on it with the content checked.
func (u *UI) documento(s *pecCaselleScreen, g *gestioneDocumentiDialog, done func(store.Documento, []byte)) {
	if g.scelto < 0 || g.scelto >= len(g.docs) {
		return
	}
	x, op := g.docs[g.scelto], u.Core.Operatore()
	setEsito(g.Esito, "", widget.MediumImportance)
	g.Errore.Hide()
	s.bg.Go(func() func() {
		doc, dati, err := u.Core.Registro.Documento(u.ctx, op, x.ID)
		return func() {
			if err != nil {
				g.Errore.SetText(erroreDocumento(err, x.Nome))
				g.Errore.Show()
				return
			}
			done(doc, dati)
		}
	})
}

// apriDocumento writes the document to a temporary file and opens it with
// the system's viewer; without one, it offers to save it.
func (u *UI) apriDocumento(s *pecCaselleScreen, g *gestioneDocumentiDialog) {
	d := s.Documenti
	u.documento(s, g, func(doc store.Documento, dati []byte) {
		s.bg.Go(func() func() {
			path, err := fileTemporaneo(doc, dati)
			var aprire error
			if err == nil {
				aprire = d.OpenPDF(path)
			}
			return func() {
				switch {
				case err != nil:
					g.Errore.SetText(widgets.ErrorText(err))
					g.Errore.Show()
				case aprire != nil: // no PDF viewer on this computer: the file can still be saved
					d.Conferma = widgets.Confirm(u.Win, lang.L("Apri"),
						lang.L("Il PDF non si apre con il programma predefinito ({{.Motivo}}). Salvarlo in un file?",
							map[string]any{"Motivo": aprire.Error()}), func() { u.scegliDestinazione(s, g, doc, dati) })
				}
			}
		})
	})
}

// fileTemporaneo writes the document to a new temporary file named after it.
func fileTemporaneo(doc store.Documento, dati []byte) (string, error) {
	nome := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, doc.Nome)
	f, err := os.CreateTemp("", fmt.Sprintf("sportello-%d-*-%s", doc.ID, nome))
	if err != nil {
		return "", err
	}
	if _, err = f.Write(dati); err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return "", err
	}
	if err = f.Close(); err != nil {
		_ = os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// salvaDocumento asks where to save the document and writes it there.
func (u *UI) salvaDocumento(s *pecCaselleScreen, g *gestioneDocumentiDialog) {
	u.documento(s, g, func(doc store.Documento, dati []byte) { u.scegliDestinazione(s, g, doc, dati) })
}

func (u *UI) scegliDestinazione(s *pecCaselleScreen, g *gestioneDocumentiDialog, doc store.Documento, dati []byte) {
	s.Documenti.ChooseSave(doc.Nome, func(dest string) {
		if dest == "" {
			return
		}
		if !strings.EqualFold(filepath.Ext(dest), ".pdf") {
			dest += ".pdf"
		}
		s.bg.Go(func() func() {
			err := os.WriteFile(dest, dati, 0o644)
			return func() {
				if err != nil {
					g.Errore.SetText(widgets.ErrorText(err))
					g.Errore.Show()
					return
				}
				g.Errore.Hide()
				setEsito(g.Esito, lang.L("PDF salvato")+": "+dest, widget.SuccessImportance)
			}
		})
	})
}
