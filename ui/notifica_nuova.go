package ui

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/ui/widgets"
)

// nuovaNotifica is the "Nuovo" form of the archive: one notification to
// one citizen, checked here with the rules of App IO, then saved and sent
// at once ("Aggiungi").
type nuovaNotifica struct {
	View          fyne.CanvasObject
	Servizio      *widgets.LookupField // name of an active App IO service
	CodiceFiscale *widget.Entry
	Oggetto       *widget.Entry
	Contenuto     *widget.Entry // markdown
	Scadenza      *widget.Entry // gg/mm/aaaa
	Somma         *widget.Entry // euro, 1.234,56
	CodiceAvviso  *widget.Entry
	PagaDopo      *widget.Check

	ContaOggetto   *widget.Label // "Oggetto: 12/120"
	ContaContenuto *widget.Label // "Contenuto: 95/10000 (min 80)"
	// Errori are the inline messages by field: "servizio" or a flussi.Col* key.
	Errori map[string]*widget.Label
	Errore *widget.Label // problems of the form as a whole

	AnteprimaOggetto *widget.Label
	Anteprima        *widget.RichText

	Aggiungi    *widget.Button
	TornaElenco *widget.Button
	Avvisi      *widgets.ConfirmDialog  // warnings to accept before sending
	Attesa      *widgets.ProgressDialog // the send under way

	servizi []flussi.Servizio
}

const campoServizio = "servizio"

func (u *UI) showNuovaNotifica(s *notificheScreen) {
	f := u.newNuovaNotifica(func() { u.showListaNotifiche(s, false) }, func(n flussi.Notifica, esito string, imp widget.Importance) {
		s.Form = nil
		s.Detail = u.newNotificaDetail(n.UUID, func() { u.showListaNotifiche(s, false) }, func() { u.showListaNotifiche(s, true) })
		setEsito(s.Detail.Esito, esito, imp)
		s.show(s.Detail.View)
	})
	s.Detail, s.Form = nil, f
	s.show(f.View)
	u.sottotitolo(lang.L("Nuova notifica"))
}

// newNuovaNotifica builds the form; torna leaves it, sent shows the
// notification once stored.
func (u *UI) newNuovaNotifica(torna func(), sent func(n flussi.Notifica, esito string, imp widget.Importance)) *nuovaNotifica {
	f := &nuovaNotifica{Errori: map[string]*widget.Label{}}
	var nomi []string
	f.servizi, nomi = u.serviziAttivi()
	f.Servizio = u.lookupServizio(f.servizi)
	if len(nomi) == 1 {
		f.Servizio.SetValue(nomi[0], nomi[0])
	}
	f.CodiceFiscale = widget.NewEntry()
	f.CodiceFiscale.SetPlaceHolder("RSSMRA80A01F205X")
	f.Oggetto = widget.NewEntry()
	f.Contenuto = widget.NewMultiLineEntry()
	f.Contenuto.Wrapping = fyne.TextWrapWord
	f.Contenuto.SetMinRowsVisible(7)
	f.Contenuto.SetPlaceHolder(lang.L("Testo del messaggio in markdown: **grassetto**, elenchi con -, collegamenti [testo](https://…)"))
	f.Scadenza = widget.NewEntry()
	f.Scadenza.SetPlaceHolder(lang.L("gg/mm/aaaa"))
	f.Somma = widget.NewEntry()
	f.Somma.SetPlaceHolder("1.234,56")
	f.CodiceAvviso = widget.NewEntry()
	f.CodiceAvviso.SetPlaceHolder(lang.L("18 cifre"))
	f.PagaDopo = widget.NewCheck(lang.L("pagabile anche dopo la scadenza"), nil)
	f.PagaDopo.SetChecked(true)
	f.ContaOggetto = widget.NewLabel("")
	f.ContaContenuto = widget.NewLabel("")
	f.Errore = esitoLabel()
	f.AnteprimaOggetto = widget.NewLabel("")
	f.AnteprimaOggetto.TextStyle.Bold = true
	f.AnteprimaOggetto.SizeName = theme.SizeNameSubHeadingText
	f.AnteprimaOggetto.Wrapping = fyne.TextWrapWord
	f.Anteprima = widget.NewRichText()
	f.Anteprima.Wrapping = fyne.TextWrapWord
	f.Oggetto.OnChanged = func(s string) {
		f.AnteprimaOggetto.SetText(s)
		contatore(f.ContaOggetto, lang.L("Oggetto: {{.N}}/{{.Max}}", map[string]any{"N": appio.JSLength(s), "Max": appio.SubjectMax}),
			s, appio.SubjectMin, appio.SubjectMax)
	}
	f.Contenuto.OnChanged = func(s string) {
		f.Anteprima.ParseMarkdown(s)
		contatore(f.ContaContenuto, lang.L("Contenuto: {{.N}}/{{.Max}} (min {{.Min}})",
			map[string]any{"N": appio.JSLength(s), "Max": appio.MarkdownMax, "Min": appio.MarkdownMin}), s, appio.MarkdownMin, appio.MarkdownMax)
	}
	f.Oggetto.OnChanged("")
	f.Contenuto.OnChanged("")

	f.Aggiungi = widget.NewButtonWithIcon(lang.L("Aggiungi"), theme.MailSendIcon(), func() { u.aggiungiNotifica(f, sent) })
	f.Aggiungi.Importance = widget.HighImportance
	f.TornaElenco = widget.NewButtonWithIcon(lang.L("Torna Elenco"), theme.NavigateBackIcon(), torna)

	form := container.New(layout.NewFormLayout())
	row := func(key, label string, o fyne.CanvasObject, extra ...fyne.CanvasObject) {
		e := widget.NewLabel("")
		e.Importance = widget.DangerImportance
		e.Wrapping = fyne.TextWrapWord
		e.Hide()
		f.Errori[key] = e
		form.Add(widget.NewLabel(label))
		form.Add(container.NewVBox(append(append([]fyne.CanvasObject{o}, extra...), e)...))
	}
	row(campoServizio, lang.L("Servizio")+" *", f.Servizio)
	row(flussi.ColCodiceFiscale, lang.L("Codice fiscale")+" *", f.CodiceFiscale)
	row(flussi.ColOggetto, lang.L("Oggetto")+" *", f.Oggetto, f.ContaOggetto)
	row(flussi.ColContenuto, lang.L("Contenuto")+" *", f.Contenuto, f.ContaContenuto)
	row(flussi.ColScadenza, lang.L("Scadenza"), f.Scadenza)
	row(flussi.ColImporto, lang.L("Somma (euro)"), f.Somma)
	row(flussi.ColCodiceAvviso, lang.L("Codice avviso"), f.CodiceAvviso)
	row(flussi.ColPagaDopoScadenza, lang.L("Paga dopo la scadenza"), f.PagaDopo)

	hint := widget.NewLabel(lang.L("«Aggiungi» controlla i dati, salva la notifica e la invia subito al cittadino tramite App IO."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	left := container.NewBorder(nil, container.NewVBox(f.Errore, pulsanti(container.NewHBox(f.Aggiungi)), hint), nil, nil,
		container.NewVScroll(form))
	anteprima := widget.NewCard("", lang.L("Anteprima del messaggio"), container.NewBorder(f.AnteprimaOggetto, nil, nil, nil,
		container.NewVScroll(f.Anteprima)))
	split := container.NewHSplit(container.NewPadded(left), anteprima)
	split.Offset = 0.55
	f.View = container.NewBorder(container.NewHBox(f.TornaElenco), nil, nil, nil, split)
	return f
}

// contatore shows a length counter, red when outside min..max.
func contatore(l *widget.Label, text, s string, lo, hi int) {
	n := appio.JSLength(s)
	l.Importance = widget.LowImportance
	if n > hi || n > 0 && n < lo {
		l.Importance = widget.DangerImportance
	}
	l.SetText(text)
}

func (f *nuovaNotifica) pulisciErrori() {
	for _, l := range f.Errori {
		setEsito(l, "", widget.DangerImportance)
	}
	setEsito(f.Errore, "", widget.DangerImportance)
}

// mostraErrori puts each error next to its field; those of no field go
// under the form.
func (f *nuovaNotifica) mostraErrori(errs []flussi.ErroreRiga) {
	var generali []string
	for _, e := range errs {
		l, ok := f.Errori[e.Colonna]
		if !ok {
			generali = append(generali, maiuscola(e.Motivo))
			continue
		}
		text := maiuscola(e.Motivo)
		if l.Visible() && l.Text != "" {
			text = l.Text + "\n" + text
		}
		setEsito(l, text, widget.DangerImportance)
	}
	if len(generali) > 0 {
		setEsito(f.Errore, strings.Join(generali, "\n"), widget.DangerImportance)
	} else {
		setEsito(f.Errore, lang.L("Correggere i campi segnalati."), widget.DangerImportance)
	}
}

func maiuscola(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// riga reads the form; errs are the fields that cannot even be read.
func (f *nuovaNotifica) riga() (flussi.Servizio, flussi.Riga, []flussi.ErroreRiga) {
	var errs []flussi.ErroreRiga
	var sv flussi.Servizio
	for _, s := range f.servizi {
		if strings.EqualFold(s.Nome, strings.TrimSpace(f.Servizio.Value())) {
			sv = s
		}
	}
	if sv.ID == 0 {
		errs = append(errs, flussi.ErroreRiga{Colonna: campoServizio, Motivo: lang.L("scegliere il servizio App IO")})
	}
	r := flussi.Riga{
		CodiceFiscale:    anagrafe.NormalizzaCodiceFiscale(f.CodiceFiscale.Text),
		Oggetto:          strings.TrimSpace(f.Oggetto.Text),
		Contenuto:        strings.TrimSpace(f.Contenuto.Text),
		CodiceAvviso:     pagopa.NormalizzaCodiceAvviso(f.CodiceAvviso.Text),
		PagaDopoScadenza: f.PagaDopo.Checked,
	}
	if s := strings.TrimSpace(f.Scadenza.Text); s != "" {
		t, err := flussi.ParseScadenza(s)
		if err != nil {
			errs = append(errs, flussi.ErroreRiga{Colonna: flussi.ColScadenza, Motivo: err.Error()})
		}
		r.Scadenza = t
	}
	if s := strings.TrimSpace(f.Somma.Text); s != "" {
		c, err := flussi.ParseImporto(s)
		if err != nil {
			errs = append(errs, flussi.ErroreRiga{Colonna: flussi.ColImporto, Motivo: err.Error()})
		}
		r.Importo = c
	}
	return sv, r, errs
}

// aggiungiNotifica checks the form here (errors inline, warnings to
// accept), then saves and sends off the UI goroutine.
func (u *UI) aggiungiNotifica(f *nuovaNotifica, sent func(n flussi.Notifica, esito string, imp widget.Importance)) {
	f.pulisciErrori()
	sv, r, errs := f.riga()
	verrs, avvisi := flussi.ValidaRiga(r, sv, time.Now(), "")
	for _, e := range verrs {
		if !(e.Colonna == flussi.ColScadenza || e.Colonna == flussi.ColImporto) || !haErrore(errs, e.Colonna) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		f.mostraErrori(errs)
		return
	}
	invia := func() {
		dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Aggiungi"), lang.L("Verifica del destinatario e invio della notifica ad App IO…"))
		f.Attesa = dlg
		f.Aggiungi.Disable()
		op := u.Core.Operatore()
		u.appIO().bg.Go(func() func() {
			n, _, err := u.Core.Flussi.Aggiungi(ctx, op, sv, r, "")
			var verr *flussi.ErrValidazione
			switch {
			case errors.As(err, &verr) || err == nil || n.UUID != uuid.Nil:
				dlg.Done()
			default:
				dlg.Fail(err)
			}
			return func() {
				f.Aggiungi.Enable()
				switch {
				case verr != nil:
					f.mostraErrori(verr.Errori)
				case n.UUID == uuid.Nil:
					setEsito(f.Errore, lang.L("Notifica non salvata")+": "+widgets.ErrorText(err), widget.DangerImportance)
				case err != nil:
					sent(n, lang.L("Notifica salvata, ma l'invio si è interrotto")+": "+widgets.ErrorText(err), widget.DangerImportance)
				case n.StatoInvio == flussi.Inviata:
					sent(n, lang.L("Notifica inviata al cittadino tramite App IO."), widget.SuccessImportance)
				default:
					sent(n, lang.L("Notifica salvata ma non inviata")+": "+n.StatoInvio.Label()+" — "+n.Errore, widget.WarningImportance)
				}
			}
		})
	}
	if len(avvisi) == 0 {
		invia()
		return
	}
	righe := make([]string, len(avvisi))
	for i, a := range avvisi {
		righe[i] = "• " + maiuscola(a.Motivo)
	}
	f.Avvisi = widgets.Confirm(u.Win, lang.L("Avvisi"), strings.Join(righe, "\n")+"\n\n"+lang.L("Inviare comunque la notifica?"), invia)
}

func haErrore(errs []flussi.ErroreRiga, col string) bool {
	for _, e := range errs {
		if e.Colonna == col {
			return true
		}
	}
	return false
}

// lookupServizio picks one of the active App IO services: typed by name or
// chosen with the lentina.
func (u *UI) lookupServizio(servizi []flussi.Servizio) *widgets.LookupField {
	src := listSource(func(_ context.Context, fl widgets.Filter) ([][]string, error) {
		var rows [][]string
		for _, sv := range servizi {
			if contains(sv.Nome, fl["nome"]) {
				rows = append(rows, []string{sv.Nome, sv.Livello, euro(sv.ImportoMassimo)})
			}
		}
		return rows, nil
	})
	l := widgets.NewLookupField(u.Win, lang.L("Servizi App IO"), widgets.SearchConfig{
		Fields: []widgets.Field{{Key: "nome", Label: lang.L("Nome")}},
		Columns: []widgets.Column{{Title: lang.L("Nome"), Width: 300}, {Title: lang.L("Livello"), Width: 120},
			{Title: lang.L("Importo massimo"), Width: 140, Align: fyne.TextAlignTrailing}},
		Source: src,
	}, 0, 0)
	l.Entry.SetPlaceHolder(lang.L("nome del servizio, o la lente per sceglierlo"))
	return l
}
