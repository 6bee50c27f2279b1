package ui

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// cercaAvvisoScreen is Pagamenti › Cerca avviso, the front desk's search:
// a citizen brings a notice (or its number) and a document; the clerk
// types both, sees where the notice stands — asked to pagoPA there and
// then — and what the reconciliation says of it, and prints it again.
type cercaAvvisoScreen struct {
	Codice, CF      *widget.Entry
	Cerca, Pulisci  *widget.Button
	Errore          *widget.Label
	Attesa          *widgets.ProgressDialog
	Risultato       *fyne.Container // hidden until a notice is found
	Dati            *widget.Form
	Fase            *widget.Label
	StatoPA         *widget.Label
	Invio           *widget.Label
	Riconciliazione *widget.Label
	Segnalazione    *widget.Label  // the open flags on the payment, hidden without
	Stampa          *widget.Button // opens the PDF in the system's viewer, to print it
	SalvaPDF        *widget.Button

	// ChooseSave and OpenPDF are the desktop's file dialog and PDF viewer
	// (tests replace them).
	ChooseSave func(suggested string, chosen func(path string))
	OpenPDF    func(path string) error

	trovato avvisi.AvvisoSportello
}

func cercaAvvisoView(u *UI) fyne.CanvasObject {
	s := &cercaAvvisoScreen{}
	u.sportello().cerca = s
	s.ChooseSave, s.OpenPDF = u.sceltaPDF()
	s.Codice = widget.NewEntry()
	s.Codice.SetPlaceHolder("3010 0000 0000 0001 44")
	s.CF = widget.NewEntry()
	s.CF.SetPlaceHolder(lang.L("dal documento del cittadino"))
	s.Codice.OnSubmitted = func(string) { u.cercaAvviso(s) }
	s.CF.OnSubmitted = s.Codice.OnSubmitted
	s.Cerca = widget.NewButtonWithIcon(lang.L("Cerca"), theme.SearchIcon(), func() { u.cercaAvviso(s) })
	s.Cerca.Importance = widget.HighImportance
	s.Pulisci = widget.NewButtonWithIcon(lang.L("Pulisci"), theme.ContentClearIcon(), func() {
		s.Codice.SetText("")
		s.CF.SetText("")
		setEsito(s.Errore, "", widget.MediumImportance)
		s.Risultato.Hide()
	})
	s.Errore = esitoLabel()
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Codice avviso o IUV")+" *"), s.Codice,
		widget.NewLabel(lang.L("Codice fiscale / P. IVA")+" *"), container.NewBorder(nil, nil, nil, container.NewHBox(s.Cerca, s.Pulisci), s.CF))
	hint := widget.NewLabel(lang.L("Il codice avviso (18 cifre) è sull'avviso di pagamento; lo IUV (17 cifre) sulla ricevuta. Il codice fiscale o la partita IVA dell'intestatario va letto da un documento: senza, l'avviso non si mostra."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	ricerca := widget.NewCard("", lang.L("Avviso da cercare"), container.NewVBox(form, hint))

	s.Dati = widget.NewForm()
	s.Fase = widget.NewLabel("")
	s.Fase.TextStyle = fyne.TextStyle{Bold: true}
	s.StatoPA, s.Invio, s.Riconciliazione, s.Segnalazione = wordLabel(""), wordLabel(""), wordLabel(""), wordLabel("")
	s.Segnalazione.Importance = widget.WarningImportance
	s.Segnalazione.Hide()
	s.Stampa = widget.NewButtonWithIcon(lang.L("Stampa avviso"), theme.DocumentPrintIcon(), func() {
		u.stampaAvviso(s.trovato.Avviso.IUV, s.trovato.Avviso.CodiceAvviso, s.OpenPDF)
	})
	s.SalvaPDF = widget.NewButtonWithIcon(lang.L("Salva PDF dell'avviso"), theme.DocumentSaveIcon(), func() {
		a := s.trovato.Avviso
		s.ChooseSave("avviso-"+a.CodiceAvviso+".pdf", func(path string) { u.salvaPDFAvviso(a.IUV, path) })
	})
	stato := container.NewVBox(s.Fase, s.StatoPA, s.Invio, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Riconciliazione"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.Riconciliazione,
		s.Segnalazione)
	s.Risultato = container.NewVBox(container.NewHBox(s.Stampa, s.SalvaPDF),
		container.NewGridWithColumns(2, widget.NewCard("", lang.L("Avviso"), s.Dati), widget.NewCard("", lang.L("Stato"), stato)))
	s.Risultato.Hide()
	return container.NewVScroll(container.NewVBox(ricerca, s.Errore, s.Risultato))
}

// sceltaPDF are the desktop's save dialog for a PDF and its viewer.
func (u *UI) sceltaPDF() (func(string, func(string)), func(string) error) {
	return func(suggested string, chosen func(string)) {
			widgets.ShowFileSave(u.Win, suggested, []string{".pdf"}, chosen)
		}, func(path string) error {
			uri, err := url.Parse(storage.NewFileURI(path).String())
			if err != nil {
				return err
			}
			return u.Fyne.OpenURL(uri)
		}
}

// stampaAvviso writes the notice to a temporary file off the UI goroutine
// and opens it in the system's PDF viewer, where the clerk prints it.
func (u *UI) stampaAvviso(iuv, codice string, open func(string) error) {
	u.appIO().bg.Go(func() func() {
		var buf bytes.Buffer
		err := u.Core.Avvisi.StampaPDF(u.ctx, iuv, &buf)
		path := filepath.Join(os.TempDir(), "sportello-avviso-"+codice+".pdf")
		if err == nil {
			err = os.WriteFile(path, buf.Bytes(), 0o600)
		}
		return func() {
			if err == nil {
				err = open(path)
			}
			if err != nil {
				widgets.ShowError(u.Win, err)
			}
		}
	})
}

func (u *UI) cercaAvviso(s *cercaAvvisoScreen) {
	codice, cf := s.Codice.Text, s.CF.Text
	setEsito(s.Errore, "", widget.MediumImportance)
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Cerca avviso"), lang.L("Ricerca dell'avviso e del suo stato su pagoPA…"))
	dlg.SetProgress(0, 0, "")
	s.Attesa = dlg
	op := u.Core.Operatore()
	s.Cerca.Disable()
	u.appIO().bg.Go(func() func() {
		x, err := u.Core.Avvisi.CercaAvviso(ctx, op, codice, cf)
		dlg.Done()
		return func() {
			s.Cerca.Enable()
			if err != nil {
				s.Risultato.Hide()
				setEsito(s.Errore, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			u.mostraAvvisoTrovato(s, x)
		}
	})
}

func (u *UI) mostraAvvisoTrovato(s *cercaAvvisoScreen, x avvisi.AvvisoSportello) {
	s.trovato = x
	a, l := x.Avviso, x.Lotto
	debitore := a.CodiceFiscale + a.PartitaIVA
	causale := a.Causale
	if causale == "" {
		causale = l.Causale
	}
	origine := lang.L("Lotto {{.Lotto}} — {{.File}}", map[string]any{"Lotto": l.UUID[:8], "File": l.FileOrigine})
	if l.FileOrigine == avvisi.FileSportello {
		origine = lang.L("Pagamento spontaneo allo sportello")
	}
	s.Dati.Items = nil
	for _, f := range [][2]string{
		{lang.L("Codice avviso"), pagopa.FormattaCodiceAvviso(a.CodiceAvviso)}, {"IUV", a.IUV},
		{lang.L("Intestatario"), a.Intestazione}, {lang.L("Codice fiscale / P. IVA"), debitore},
		{lang.L("Importo"), pagopa.FormattaImporto(a.Centesimi) + " €"}, {lang.L("Scadenza"), dataISOIT(l.Scadenza)},
		{lang.L("Tipo dovuto"), x.TipoDovuto.Codice + " — " + x.TipoDovuto.Descrizione}, {lang.L("Causale"), causale},
		{lang.L("Origine"), origine},
	} {
		s.Dati.Append(f[0], wordLabel(f[1]))
	}
	s.Dati.Refresh()
	s.Fase.SetText(faseLabel(x.Fase))
	s.Fase.Importance = faseImportance(x.Fase)
	s.Fase.Refresh()
	s.StatoPA.SetText(statoPagoPASportello(x))
	if x.ErroreGPD != "" {
		s.StatoPA.Importance = widget.WarningImportance
	} else {
		s.StatoPA.Importance = widget.MediumImportance
	}
	s.StatoPA.Refresh()
	s.Invio.SetText(invioSportello(a, l))
	s.Riconciliazione.SetText(riconciliazioneSportello(x.Riconciliazione))
	setVisible(s.Segnalazione, len(x.Segnalazioni) > 0)
	s.Segnalazione.SetText(segnalazioniSportello(x.Segnalazioni))
	generato := a.Stato == avvisi.StatoGenerato
	setEnabled(s.Stampa, generato)
	setEnabled(s.SalvaPDF, generato)
	s.Risultato.Show()
}

func faseLabel(f avvisi.Fase) string {
	switch f {
	case avvisi.FaseDaGenerare:
		return lang.L("Non ancora pubblicato su pagoPA")
	case avvisi.FaseErrore:
		return lang.L("Rifiutato da pagoPA")
	case avvisi.FaseGenerato:
		return lang.L("Generato, da pagare")
	case avvisi.FaseInviato:
		return lang.L("Inviato, da pagare")
	case avvisi.FasePagato:
		return lang.L("Pagato")
	case avvisi.FaseScaduto:
		return lang.L("Scaduto")
	case avvisi.FaseAnnullato:
		return lang.L("Annullato")
	}
	return string(f)
}

func faseImportance(f avvisi.Fase) widget.Importance {
	switch f {
	case avvisi.FasePagato:
		return widget.SuccessImportance
	case avvisi.FaseAnnullato, avvisi.FaseErrore:
		return widget.DangerImportance
	case avvisi.FaseScaduto, avvisi.FaseDaGenerare:
		return widget.WarningImportance
	}
	return widget.HighImportance
}

// statoPagoPASportello tells the position's state on pagoPA and whether
// it was read now.
func statoPagoPASportello(x avvisi.AvvisoSportello) string {
	a := x.Avviso
	if a.Stato != avvisi.StatoGenerato {
		if a.Errore != "" {
			return lang.L("pagoPA: {{.Errore}}", map[string]any{"Errore": a.Errore})
		}
		return lang.L("La posizione debitoria non è ancora su pagoPA.")
	}
	t := lang.L("pagoPA: {{.Stato}}", map[string]any{"Stato": statoPagoPALabel(a.StatoGPD)})
	if !x.PagatoIl.IsZero() {
		t = lang.L("pagoPA: {{.Stato}} il {{.Data}}", map[string]any{"Stato": statoPagoPALabel(a.StatoGPD), "Data": dataOra(x.PagatoIl)})
	}
	if x.GPDLetto {
		return t + " " + lang.L("(letto ora)")
	}
	return t + " — " + x.ErroreGPD // the core says why, and that it is the last state recorded
}

func invioSportello(a store.AvvisoLotto, l store.Lotto) string {
	if a.Invio.InviatoIl.IsZero() {
		if a.IndirizzoPec == "" {
			return lang.L("Non inviato: nessun indirizzo e-mail o PEC.")
		}
		return lang.L("Non ancora inviato a {{.Indirizzo}}.", map[string]any{"Indirizzo": a.IndirizzoPec})
	}
	t := lang.L("{{.Spedizione}} a {{.Indirizzo}} il {{.Data}}: {{.Stato}}", map[string]any{"Spedizione": spedizioneLabel(l.Spedizione),
		"Indirizzo": a.IndirizzoPec, "Data": dataOra(a.Invio.InviatoIl), "Stato": statoInvioLabel(a.Invio.Stato)})
	if a.Invio.Errore != "" {
		t += " — " + a.Invio.Errore
	}
	return t
}

// riconciliazioneSportello is the reconciliation's word on the IUV: the
// most complete label explained, its three sides, and the other labels.
func riconciliazioneSportello(q []avvisi.Quadratura) string {
	if len(q) == 0 {
		return lang.L("Nessuna classificazione: ricevute, rendicontazione e giornale di cassa con questo IUV non sono ancora stati importati.")
	}
	r := q[0]
	righe := []string{r.Classe.Codice + " — " + r.Classe.Descrizione}
	if r.DataEsito != "" {
		righe = append(righe, lang.L("Ricevuta: pagato il {{.Data}} da {{.Pagatore}}, {{.Importo}} €",
			map[string]any{"Data": dataRic(r.DataEsito), "Pagatore": r.Pagatore, "Importo": pagopa.FormattaImporto(r.ImportoRT)}))
	}
	if r.IUF != "" {
		righe = append(righe, lang.L("Rendicontazione: flusso {{.IUF}}, regolato il {{.Data}}",
			map[string]any{"IUF": r.IUF, "Data": dataRic(r.DataRegolamento)}))
	}
	switch {
	case r.Movimento != "":
		righe = append(righe, lang.L("Tesoreria: bolletta {{.Bolletta}}, valuta {{.Data}}, {{.Importo}} €",
			map[string]any{"Bolletta": r.Bolletta, "Data": dataRic(r.DataValuta), "Importo": pagopa.FormattaImporto(r.ImportoMovimento)}))
	case r.IUF != "":
		// Why the label stops short of TES, in the clerk's words.
		righe = append(righe, lang.L("Tesoreria: l'accredito del flusso non è ancora nel giornale di cassa importato"))
	}
	if len(q) > 1 {
		altre := make([]string, 0, len(q)-1)
		for _, x := range q[1:] {
			altre = append(altre, x.Classe.Codice)
		}
		righe = append(righe, lang.L("Anche")+": "+strings.Join(altre, ", "))
	}
	return strings.Join(righe, "\n")
}

// segnalazioniSportello tells the open flags on the payment: who opened
// each, when, for which label and why, then the notes added since.
func segnalazioniSportello(ff []riconciliazione.SegnalazioneAperta) string {
	var righe []string
	for _, f := range ff {
		e := f.Apertura
		righe = append(righe, lang.L("Segnalazione aperta del {{.Data}} di {{.Operatore}} ({{.Classe}}): {{.Nota}}",
			map[string]any{"Data": dataIT(e.CreataIl), "Operatore": e.CreataDa, "Classe": e.Classe, "Nota": e.Nota}))
		for _, n := range f.Note {
			righe = append(righe, lang.L("Nota del {{.Data}} di {{.Operatore}}: {{.Nota}}",
				map[string]any{"Data": dataIT(n.CreataIl), "Operatore": n.CreataDa, "Nota": n.Nota}))
		}
	}
	return strings.Join(righe, "\n")
}

// dataRic is a date of the reconciliation's tables (ISO, maybe with a
// time) as the clerk reads it.
func dataRic(s string) string {
	if len(s) >= 10 {
		return dataISOIT(s[:10])
	}
	return s
}

// cercaAvvisoDeep fills the search with a notice of the demo and runs it
// («esempio»): a fully reconciled one if the reconciliation has any, else
// the newest generated. For screenshots and support.
func cercaAvvisoDeep(u *UI, arg string) {
	if arg != "esempio" {
		return
	}
	s := u.sportello().cerca
	u.appIO().bg.Go(func() func() {
		var iuv string
		if _, rows, err := u.Core.Riconciliazione.Righe(u.ctx, store.FiltroRicClassi{ChiaveTipo: "PAGAMENTO", Classe: "IUD_RT_IUF_TES"}, 0, 1); err == nil && len(rows) > 0 {
			iuv = rows[0].Chiave
		} else if rs, err := u.Core.Avvisi.Avvisi(u.ctx, avvisi.FiltroAvvisi{Stato: avvisi.StatoGenerato}, 0, 1); err == nil && len(rs) > 0 {
			iuv = rs[0].IUV
		}
		d, err := u.Core.Avvisi.Dettaglio(u.ctx, iuv)
		if err != nil {
			return nil
		}
		return func() {
			s.Codice.SetText(pagopa.FormattaCodiceAvviso(d.Avviso.CodiceAvviso))
			s.CF.SetText(d.Avviso.CodiceFiscale + d.Avviso.PartitaIVA)
			u.cercaAvviso(s)
		}
	})
}
