package ui

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// The operators' flags on the rows of the reconciliation: «Segnala» and
// «Chiudi segnalazione» in a row's detail, and Storico Segnalazioni, every
// flag event (flag, further note, closing) with who and when.

// ricSegnalaForm asks for what a flag event needs: the label (when
// flagging) and the note.
type ricSegnalaForm struct {
	Dialog   *dialog.CustomDialog
	Classe   *widget.Select // nil when closing
	Nota     *widget.Entry
	Errore   *widget.Label
	Conferma *widget.Button
	Annulla  *widget.Button
}

func (u *UI) ricFormSegnalazione(titolo, conferma string, classi []string, obbligatoria bool, fatto func(f *ricSegnalaForm)) *ricSegnalaForm {
	f := &ricSegnalaForm{Nota: widget.NewMultiLineEntry(), Errore: widget.NewLabel("")}
	f.Nota.Wrapping = fyne.TextWrapWord
	f.Nota.SetMinRowsVisible(4)
	if obbligatoria {
		f.Nota.SetPlaceHolder(lang.L("Cosa non torna, chi è stato sentito, cosa si attende"))
	} else {
		f.Nota.SetPlaceHolder(lang.L("Come è stata risolta (facoltativa)"))
	}
	f.Errore.Importance = widget.DangerImportance
	f.Errore.Wrapping = fyne.TextWrapWord
	f.Errore.Hide()
	form := container.New(layout.NewFormLayout())
	if classi != nil {
		f.Classe = widget.NewSelect(classi, nil)
		f.Classe.SetSelected(classi[0])
		form.Add(widget.NewLabel(lang.L("Classificazione")))
		form.Add(f.Classe)
	}
	nota := lang.L("Nota")
	if obbligatoria {
		nota += " *"
	}
	form.Add(widget.NewLabel(nota))
	form.Add(f.Nota)
	f.Dialog = dialog.NewCustomWithoutButtons(titolo, container.NewVBox(form, f.Errore), u.Win)
	f.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), f.Dialog.Hide)
	f.Conferma = widget.NewButtonWithIcon(conferma, theme.ConfirmIcon(), func() { fatto(f) })
	f.Conferma.Importance = widget.HighImportance
	f.Dialog.SetButtons([]fyne.CanvasObject{f.Annulla, f.Conferma})
	f.Dialog.Resize(fyne.NewSize(560, f.Dialog.MinSize().Height))
	f.Dialog.Show()
	return f
}

// ricSegnala opens the flag form for the row of x: its labels, the
// anomalies first.
func (u *UI) ricSegnala(x *ricDettaglio) {
	var classi []string
	proprie := x.d.Proprie()
	if slices.ContainsFunc(proprie, func(e riconciliazione.Etichetta) bool { return e.Codice == x.Classe }) {
		classi = append(classi, x.Classe)
	}
	for _, positiva := range []bool{false, true} {
		for _, e := range proprie {
			if e.Positiva == positiva && !slices.Contains(classi, e.Codice) {
				classi = append(classi, e.Codice)
			}
		}
	}
	if len(classi) == 0 {
		return
	}
	d := x.d
	x.Form = u.ricFormSegnalazione(lang.L("Segnala"), lang.L("Segnala"), classi, true, func(f *ricSegnalaForm) {
		u.ricRegistra(x, f, lang.L("Segnalazione registrata."), func(ctx context.Context) error {
			return u.Core.Riconciliazione.Segnala(ctx, u.Core.Operatore(), d.ChiaveTipo, d.Chiave, d.IUR, f.Classe.Selected, f.Nota.Text)
		})
	})
}

// ricChiudiSegnalazione opens the form that closes the row's open flag.
func (u *UI) ricChiudiSegnalazione(x *ricDettaglio) {
	d := x.d
	x.Form = u.ricFormSegnalazione(lang.L("Chiudi segnalazione"), lang.L("Chiudi segnalazione"), nil, false, func(f *ricSegnalaForm) {
		u.ricRegistra(x, f, lang.L("Segnalazione chiusa."), func(ctx context.Context) error {
			return u.Core.Riconciliazione.ChiudiSegnalazione(ctx, u.Core.Operatore(), d.ChiaveTipo, d.Chiave, d.IUR, f.Nota.Text)
		})
	})
}

// ricRegistra stores a flag event off the UI goroutine: on error the form
// stays open with the reason; on success the detail is read again, its
// flags shown, and the list behind it refreshed.
func (u *UI) ricRegistra(x *ricDettaglio, f *ricSegnalaForm, esito string, scrivi func(ctx context.Context) error) {
	f.Conferma.Disable()
	x.s.bg.Go(func() func() {
		err := scrivi(u.ctx)
		return func() {
			f.Conferma.Enable()
			if err != nil {
				f.Errore.SetText(widgets.ErrorText(err))
				f.Errore.Show()
				f.Dialog.Resize(fyne.NewSize(560, f.Dialog.MinSize().Height))
				return
			}
			f.Dialog.Hide()
			x.Dialog.Hide()
			x.s.Panel.Reload()
			u.apriRicDettaglio(x.s, x.d.ChiaveTipo, x.d.Chiave, x.d.IUR, func(nuovo *ricDettaglio) {
				nuovo.Tabs.SelectIndex(len(nuovo.Tabs.Items) - 1)
				setEsito(nuovo.Esito, esito, widget.SuccessImportance)
			})
		}
	})
}

// Storico Segnalazioni.

const (
	colSegClasse  = 3
	colSegOggetto = 4
	colSegChiave  = 5
	colSegNota    = 6
	colSegIUR     = 7
)

type ricSegnalazioniSource struct{ u *UI }

func (s ricSegnalazioniSource) filtro(f widgets.Filter) store.FiltroRicSegnalazioni {
	fl := store.FiltroRicSegnalazioni{Classe: f["classe"], Chiave: f["chiave"], Operatore: f["operatore"], Nota: f["nota"]}
	switch f["stato"] {
	case ricStatoSegnalazioneLabel(store.SegnalazioneAperta):
		fl.Stato = store.SegnalazioneAperta
	case ricStatoSegnalazioneLabel(store.SegnalazioneChiusa):
		fl.Stato = store.SegnalazioneChiusa
	}
	fl.Dal, fl.Al = intervallo(f)
	return fl
}

func (s ricSegnalazioniSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaSegnalazioni(ctx, s.filtro(f))
}

func (s ricSegnalazioniSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	ss, err := s.u.Core.Riconciliazione.Segnalazioni(ctx, s.filtro(f), offset, limit)
	rows := make([][]string, len(ss))
	for i, e := range ss {
		rows[i] = []string{dataOraBreve(e.CreataIl), e.CreataDa, ricStatoSegnalazioneLabel(e.Stato), e.Classe,
			ricOggettoLabel(e.ChiaveTipo), e.Chiave, e.Nota, e.IUR}
	}
	return rows, err
}

func ricSegnalazioniView(u *UI) fyne.CanvasObject {
	src := ricSegnalazioniSource{u: u}
	// The note reaches the window's right edge, some 250 pixels at 1366×768
	// (cut with «…»: the detail, on double click, shows it whole); the IUR,
	// which only tells two receipts of one IUV apart, is after it.
	cols := []widgets.Column{
		{Title: lang.L("Data"), Width: 132}, {Title: lang.L("Operatore"), Width: 92}, {Title: lang.L("Stato"), Width: 64},
		{Title: lang.L("Classificazione"), Width: 152}, {Title: lang.L("Oggetto"), Width: 94},
		{Title: lang.L("IUV / IUF / movimento"), Width: 235}, {Title: lang.L("Nota"), Width: 200, Fill: true}, {Title: "IUR", Width: 155},
	}
	nota := lang.L("Ogni segnalazione, nota successiva e chiusura, la più recente per prima. Doppio clic per il dettaglio della riga segnalata.")
	s := newRicVista(u, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "classe", Label: lang.L("Classificazione"), Kind: widgets.FieldSelect, Options: ricCodici(riconciliazione.Classi),
				Placeholder: lang.L("(tutte)")},
			{Key: "stato", Label: lang.L("Stato"), Kind: widgets.FieldSelect, Placeholder: lang.L("(tutti)"),
				Options: []string{ricStatoSegnalazioneLabel(store.SegnalazioneAperta), ricStatoSegnalazioneLabel(store.SegnalazioneChiusa)}},
			{Key: "chiave", Label: lang.L("IUV / IUF / movimento"), Placeholder: lang.L("inizio del codice")},
			{Key: "operatore", Label: lang.L("Operatore"), Placeholder: lang.L("nome utente")},
			{Key: "nota", Label: lang.L("Nota"), Placeholder: lang.L("parte della nota")},
			{Key: "dal", Label: lang.L("Data dal"), Kind: widgets.FieldDate},
			{Key: "al", Label: lang.L("Data al"), Kind: widgets.FieldDate},
		},
		Columns: cols, Source: src,
		Export:     widgets.ExportFile(src, lang.L("Segnalazioni"), cols),
		ExportName: "segnalazioni.xlsx",
	}, nota)
	s.Panel.Selects["classe"].OnChanged = ricSpiegaClasse(s.Nota, nota)
	s.Panel.OnOpen = func(row []string) {
		u.apriRicDettaglio(s, ricOggettoByLabel(row[colSegOggetto]), row[colSegChiave], row[colSegIUR],
			func(x *ricDettaglio) { x.Classe = row[colSegClasse] })
	}
	s.Panel.Search()
	return s
}
