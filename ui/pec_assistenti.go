package ui

import (
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecAssistentiScreen is Registro PEC › Gestione assistenti: the
// reseller's assistants (active or not) with their data, «Attiva» /
// «Disattiva», their PEC for communications and «Gestione a pacchetti»
// (editable), their domains («Salva domini»), their packages («Gestione
// pacchetti assistente»: consumo, sospendi, riattiva, assegna nuovo
// pacchetto, storico) and «Inserisci nuovo assistente».
// Everything here is the reseller's only: an assistant reads their own
// data and packages, and the window says why nothing else is allowed.
type pecAssistentiScreen struct {
	Tabs  *container.AppTabs
	Nota  *widget.Label // why the window is read-only (assistant, errors)
	Esito *widget.Label

	// «Assistenti»: the list and the selected one's data.
	Elenco            *widget.List
	Utente            *widget.Label
	NomeCognome       *widget.Label
	CodiceFiscale     *widget.Label
	Dati              *widgets.DetailForm // «PEC per le comunicazioni» (pec), «Gestione a pacchetti» (pacchetti)
	Stato             *widget.Label
	Attiva, Disattiva *widget.Button
	Conferma          *widgets.ConfirmDialog

	// The selected one's domains: the reseller's certified ones, checked
	// when assigned.
	DominiAssistente *widget.CheckGroup
	SalvaDomini      *widget.Button
	ErroreDomini     *widget.Label

	// Destra scrolls the selected one's three cards: data, domains and
	// «Gestione pacchetti assistente» (PacchettiCard).
	Destra        *container.Scroll
	PacchettiCard *widget.Card

	// «Gestione pacchetti assistente» of the selected one.
	Consumo            *widget.Label // «N caselle su M»
	Storico            *widget.Button
	StoricoDialog      *dialog.CustomDialog
	Pacchetti          *widget.List
	Sospendi, Riattiva *widget.Button
	PacchettoNome      *widget.Entry
	PacchettoQuant     *widget.Entry
	PacchettoDurata    *widget.Entry
	Assegna            *widget.Button
	ErrorePacchetto    *widget.Label

	// «Inserisci nuovo assistente».
	Nome, Cognome  *widget.Entry
	CF, EmailPEC   *widget.Entry
	Username       *widget.SelectEntry // Sportello accounts not yet linked
	Domini         *widget.CheckGroup
	APacchetti     *widget.RadioGroup // «Gestione a pacchetti» Sì / No
	NuovoNome      *widget.Entry
	NuovaQuantita  *widget.Entry
	NuovaDurata    *widget.Entry
	NuovoPacchetto *widget.Form // shown with «Gestione a pacchetti» Sì
	Inserisci      *widget.Button
	Errore         *widget.Label

	rivenditore bool
	liberi      []string // Username's choices
	assistenti  []store.Assistente
	sel         int // in assistenti, -1 none
	pacchetti   []store.PacchettoAssistente
	pac         int // in pacchetti, -1 none
	consumo     int // the selected one's mailboxes not CESSATA
	storico     []registro.VoceStoricoPacchetto
}

// Keys of pecAssistentiScreen.Dati.
const (
	campoPECAssistente       = "pec"
	campoPacchettiAssistente = "pacchetti"
)

const (
	statoPacchettoAttivo  = "ATTIVO"
	statoPacchettoSospeso = "SOSPESO"
)

func statoPacchettoLabel(s string) string {
	switch s {
	case statoPacchettoAttivo:
		return lang.L("Attivo")
	case statoPacchettoSospeso:
		return lang.L("Sospeso")
	}
	return s
}

func pecAssistentiView(u *UI) fyne.CanvasObject {
	s := &pecAssistentiScreen{sel: -1, pac: -1}
	s.Nota = widget.NewLabel("")
	s.Nota.Wrapping = fyne.TextWrapWord
	s.Nota.Importance = widget.WarningImportance
	s.Nota.Hide()
	s.Esito = esitoLabel()

	s.Elenco = widget.NewList(func() int { return len(s.assistenti) },
		func() fyne.CanvasObject { return widget.NewLabel("Cognome Nome (nome.utente) — Disattivato") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := s.assistenti[i]
			o.(*widget.Label).SetText(a.Cognome + " " + a.Nome + " (" + a.Username + ") — " + attivoLabel(a.Attivo))
		})
	s.Elenco.OnSelected = func(i widget.ListItemID) { u.selezionaAssistente(s, i) }
	s.Utente, s.NomeCognome, s.CodiceFiscale = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.Stato = widget.NewLabel("")
	s.Stato.TextStyle.Bold = true
	s.Dati = widgets.NewDetailForm([]widgets.Section{{Fields: []widgets.Field{
		{Key: campoPECAssistente, Label: lang.L("PEC per le comunicazioni"), Required: true},
		{Key: campoPacchettiAssistente, Label: lang.L("Gestione a pacchetti"), Kind: widgets.FieldCheck},
	}}}, func(v map[string]string) error { return u.modificaAssistente(s, v) })
	s.DominiAssistente = widget.NewCheckGroup(nil, nil)
	s.SalvaDomini = widget.NewButtonWithIcon(lang.L("Salva domini"), theme.DocumentSaveIcon(), func() { u.salvaDominiAssistente(s) })
	s.ErroreDomini = esitoLabel()
	s.Consumo = widget.NewLabel("")
	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() { u.storicoPacchettiAssistente(s) })
	s.Attiva = widget.NewButtonWithIcon(lang.L("Attiva"), theme.ConfirmIcon(), func() { u.attivaAssistente(s, true) })
	s.Disattiva = widget.NewButtonWithIcon(lang.L("Disattiva"), theme.CancelIcon(), func() { u.attivaAssistente(s, false) })

	s.Pacchetti = widget.NewList(func() int { return len(s.pacchetti) },
		func() fyne.CanvasObject {
			return widget.NewLabel("Pacchetto di esempio — 1000 caselle — 10 anni — Sospeso")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := s.pacchetti[i]
			o.(*widget.Label).SetText(lang.L("{{.Nome}} — {{.Caselle}} — {{.Durata}} — {{.Stato}}",
				map[string]any{"Nome": p.Nome, "Caselle": nCaselle(p.Quantita), "Durata": nAnni(p.DurataAnni), "Stato": statoPacchettoLabel(p.Stato)}))
		})
	s.Pacchetti.OnSelected = func(i widget.ListItemID) {
		s.pac = i
		u.mostraPacchettoAssistente(s)
	}
	s.Sospendi = widget.NewButtonWithIcon(lang.L("Sospendi"), theme.MediaPauseIcon(), func() { u.statoPacchettoAssistente(s, statoPacchettoSospeso) })
	s.Riattiva = widget.NewButtonWithIcon(lang.L("Riattiva"), theme.MediaPlayIcon(), func() { u.statoPacchettoAssistente(s, statoPacchettoAttivo) })
	s.PacchettoNome, s.PacchettoQuant, s.PacchettoDurata = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.Assegna = widget.NewButtonWithIcon(lang.L("Assegna nuovo pacchetto"), theme.ContentAddIcon(), func() { u.assegnaPacchettoAssistente(s) })
	s.ErrorePacchetto = esitoLabel()

	s.Nome, s.Cognome, s.CF, s.EmailPEC = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.Username = widget.NewSelectEntry(nil)
	s.Username.PlaceHolder = lang.L("(scegliere)")
	s.Domini = widget.NewCheckGroup(nil, nil)
	s.NuovoNome, s.NuovaQuantita, s.NuovaDurata = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.NuovoPacchetto = widget.NewForm(
		widget.NewFormItem(lang.L("Nome pacchetto"), s.NuovoNome),
		widget.NewFormItem(lang.L("Quantità caselle"), s.NuovaQuantita),
		widget.NewFormItem(lang.L("Durata del canone (anni)"), s.NuovaDurata))
	s.NuovoPacchetto.Hide()
	s.APacchetti = widget.NewRadioGroup([]string{lang.L("Sì"), lang.L("No")}, func(v string) {
		setVisible(s.NuovoPacchetto, v == lang.L("Sì"))
	})
	s.APacchetti.Horizontal = true
	s.APacchetti.Required = true
	s.APacchetti.SetSelected(lang.L("No"))
	s.Inserisci = widget.NewButtonWithIcon(lang.L("Inserisci"), theme.DocumentSaveIcon(), func() { u.inserisciAssistente(s) })
	s.Inserisci.Importance = widget.HighImportance
	s.Errore = esitoLabel()

	u.pecAssistenti = s
	u.caricaAssistenti(s, 0)

	dati := widget.NewForm(
		widget.NewFormItem(lang.L("Nome utente"), s.Utente),
		widget.NewFormItem(lang.L("Nome e cognome"), s.NomeCognome),
		widget.NewFormItem(lang.L("Codice fiscale"), s.CodiceFiscale))
	// The DetailForm scrolls its fields: in a VBox it would get the height
	// of none, so it is given that of its two.
	riga := widget.NewEntry().MinSize().Height + theme.Padding()
	datiCard := widget.NewCard(lang.L("Dati dell'assistente"), "", container.NewVBox(dati,
		container.NewStack(altezzaMinima(s.Dati.MinSize().Height+2*riga), s.Dati),
		pulsanti(container.NewHBox(s.Stato, layout.NewSpacer(), s.Attiva, s.Disattiva))))
	dominiCard := widget.NewCard(lang.L("Domini dell'assistente"), "", container.NewVBox(s.DominiAssistente, s.ErroreDomini,
		pulsanti(container.NewHBox(layout.NewSpacer(), s.SalvaDomini))))
	s.Consumo.Wrapping = fyne.TextWrapWord
	s.PacchettiCard = widget.NewCard(lang.L("Gestione pacchetti assistente"), "", container.NewVBox(
		s.Consumo,
		pulsanti(container.NewHBox(s.Storico, s.Sospendi, s.Riattiva, layout.NewSpacer())),
		container.NewStack(altezzaMinima(3*riga), s.Pacchetti),
		widget.NewForm(
			widget.NewFormItem(lang.L("Nome pacchetto"), s.PacchettoNome),
			widget.NewFormItem(lang.L("Quantità caselle"), s.PacchettoQuant),
			widget.NewFormItem(lang.L("Durata del canone (anni)"), s.PacchettoDurata)),
		s.ErrorePacchetto, pulsanti(container.NewHBox(layout.NewSpacer(), s.Assegna))))
	// One column that scrolls: the three cards are taller than a 768-pixel
	// screen, and side by side they would be wider than the window.
	s.Destra = container.NewVScroll(container.NewVBox(datiCard, dominiCard, s.PacchettiCard))
	elenco := container.NewHSplit(widget.NewCard(lang.L("Assistenti"), "", s.Elenco), s.Destra)
	elenco.Offset = 0.3

	domLabel := widget.NewLabel(lang.L("Domini dell'assistente"))
	domLabel.TextStyle.Bold = true
	inserisci := container.NewVScroll(container.NewVBox(
		widget.NewCard(lang.L("Dati personali"), "", widget.NewForm(
			widget.NewFormItem(lang.L("Nome"), s.Nome),
			widget.NewFormItem(lang.L("Cognome"), s.Cognome),
			widget.NewFormItem(lang.L("Codice fiscale"), s.CF),
			widget.NewFormItem(lang.L("Nome utente"), s.Username),
			widget.NewFormItem(lang.L("PEC per le comunicazioni"), s.EmailPEC))),
		widget.NewCard(lang.L("Domini e pacchetti"), "", container.NewVBox(domLabel, s.Domini,
			widget.NewForm(widget.NewFormItem(lang.L("Gestione a pacchetti"), s.APacchetti)), s.NuovoPacchetto)),
		s.Errore, pulsanti(container.NewHBox(layout.NewSpacer(), s.Inserisci))))

	s.Tabs = container.NewAppTabs(container.NewTabItem(lang.L("Assistenti"), elenco),
		container.NewTabItem(lang.L("Inserisci nuovo assistente"), inserisci))
	if !s.rivenditore {
		s.Tabs.DisableIndex(1) // the reseller's only: the note above says so
	}
	return container.NewBorder(container.NewVBox(s.Nota, s.Esito), nil, nil, nil, s.Tabs)
}

// caricaAssistenti reads the assistants, the reseller's domains and the
// accounts that can still be linked, then selects the assistant id (0:
// the one selected before, if any).
func (u *UI) caricaAssistenti(s *pecAssistentiScreen, id int64) {
	op := u.Core.Operatore()
	if id == 0 && s.sel >= 0 && s.sel < len(s.assistenti) {
		id = s.assistenti[s.sel].ID
	}
	s.rivenditore = false
	acc, err := u.Core.Registro.Accesso(u.ctx, op)
	var list []store.Assistente
	if err == nil {
		list, err = u.Core.Registro.Assistenti(u.ctx, op)
		if err == nil {
			s.rivenditore = true
		} else if acc.Assistente != nil {
			// An assistant: their own data and packages, read only.
			list = []store.Assistente{*acc.Assistente}
			if id == 0 {
				id = acc.Assistente.ID
			}
			err = registro.ErrPermesso
		}
	}
	if err != nil {
		msg := widgets.ErrorText(err)
		if acc.Assistente != nil {
			msg = lang.L("Gestione assistenti: {{.Errore}}. Sono mostrati in sola lettura i dati e i pacchetti del proprio account.",
				map[string]any{"Errore": msg})
		}
		setEsito(s.Nota, msg, widget.WarningImportance)
	} else {
		setEsito(s.Nota, "", widget.WarningImportance)
	}
	s.assistenti = list
	s.sel = slices.IndexFunc(list, func(a store.Assistente) bool { return a.ID == id })
	s.Elenco.UnselectAll()
	s.Elenco.Refresh()
	if s.sel >= 0 {
		s.Elenco.Select(s.sel) // loads the packages
	} else {
		s.pacchetti, s.pac = nil, -1
		u.mostraAssistente(s)
	}
	u.opzioniNuovoAssistente(s)
}

// opzioniNuovoAssistente fills the insert form's choices.
func (u *UI) opzioniNuovoAssistente(s *pecAssistentiScreen) {
	for _, w := range []fyne.Disableable{s.Nome, s.Cognome, s.CF, s.EmailPEC, s.Username, s.Domini, s.APacchetti,
		s.NuovoNome, s.NuovaQuantita, s.NuovaDurata, s.Inserisci} {
		setEnabled(w, s.rivenditore)
	}
	if !s.rivenditore {
		s.liberi = nil
		s.Username.SetOptions(nil)
		s.Domini.Options = nil
		s.Domini.Refresh()
		return
	}
	op := u.Core.Operatore()
	var liberi []string
	if accounts, err := u.Core.Operatori.Elenco(u.ctx, op); err == nil {
		for _, o := range accounts {
			linked := slices.ContainsFunc(s.assistenti, func(a store.Assistente) bool { return a.Username == o.Username })
			if !linked && o.Username != op.Username {
				liberi = append(liberi, o.Username)
			}
		}
	}
	s.liberi = liberi
	s.Username.SetOptions(liberi)
	domini, err := u.Core.Registro.Domini(u.ctx, op)
	if err != nil {
		setEsito(s.Errore, widgets.ErrorText(err), widget.DangerImportance)
	}
	var nomi []string
	for _, d := range domini {
		if d.Certificato { // as in «Domini dell'assistente»: mailboxes go only on certified domains
			nomi = append(nomi, d.Dominio)
		}
	}
	s.Domini.Options = nomi
	s.Domini.Selected = slices.DeleteFunc(s.Domini.Selected, func(d string) bool { return !slices.Contains(nomi, d) })
	s.Domini.Refresh()
}

func (u *UI) selezionaAssistente(s *pecAssistentiScreen, i int) {
	if i < 0 || i >= len(s.assistenti) {
		return
	}
	s.sel, s.pac = i, -1
	list, err := u.Core.Registro.PacchettiAssistente(u.ctx, u.Core.Operatore(), s.assistenti[i].ID)
	if err != nil {
		setEsito(s.ErrorePacchetto, widgets.ErrorText(err), widget.DangerImportance)
	} else {
		setEsito(s.ErrorePacchetto, "", widget.DangerImportance)
	}
	s.pacchetti = list
	s.consumo, err = u.Core.Registro.ConsumoAssistente(u.ctx, u.Core.Operatore(), s.assistenti[i].ID)
	if err != nil {
		setEsito(s.ErrorePacchetto, widgets.ErrorText(err), widget.DangerImportance)
	}
	u.mostraAssistente(s)
}

func (u *UI) mostraAssistente(s *pecAssistentiScreen) {
	s.Pacchetti.UnselectAll()
	s.Pacchetti.Refresh()
	s.pac = -1
	u.mostraPacchettoAssistente(s)
	s.Dati.Cancel()
	attivaModifica(s.Dati, s.rivenditore && s.sel >= 0)
	setEsito(s.ErroreDomini, "", widget.DangerImportance)
	if s.sel < 0 {
		for _, l := range []*widget.Label{s.Utente, s.NomeCognome, s.CodiceFiscale, s.Consumo} {
			l.SetText("")
		}
		s.Dati.SetValues(nil)
		s.Stato.SetText(lang.L("Selezionare un assistente nell'elenco."))
		s.Attiva.Disable()
		s.Disattiva.Disable()
		s.Assegna.Disable()
		s.Storico.Disable()
		s.DominiAssistente.Options, s.DominiAssistente.Selected = nil, nil
		s.DominiAssistente.Refresh()
		s.SalvaDomini.Disable()
		setVisible(s.SalvaDomini, s.rivenditore)
		return
	}
	a := s.assistenti[s.sel]
	s.Utente.SetText(a.Username)
	s.NomeCognome.SetText(a.Nome + " " + a.Cognome)
	s.CodiceFiscale.SetText(a.CodiceFiscale)
	s.Dati.SetValues(map[string]string{campoPECAssistente: a.EmailPEC,
		campoPacchettiAssistente: strconv.FormatBool(a.GestioneAPacchetti)})
	s.Stato.SetText(lang.L("Stato") + ": " + attivoLabel(a.Attivo))
	s.Consumo.SetText(consumoAssistente(a, s.consumo, s.pacchetti))
	s.Storico.Enable()
	u.mostraDominiAssistente(s)
	setEnabled(s.Attiva, s.rivenditore && !a.Attivo)
	setEnabled(s.Disattiva, s.rivenditore && a.Attivo)
	setEnabled(s.Assegna, s.rivenditore)
}

func (u *UI) mostraPacchettoAssistente(s *pecAssistentiScreen) {
	ok := s.rivenditore && s.pac >= 0 && s.pac < len(s.pacchetti)
	setEnabled(s.Sospendi, ok && s.pacchetti[s.pac].Stato == statoPacchettoAttivo)
	setEnabled(s.Riattiva, ok && s.pacchetti[s.pac].Stato == statoPacchettoSospeso)
	for _, e := range []*widget.Entry{s.PacchettoNome, s.PacchettoQuant, s.PacchettoDurata} {
		setEnabled(e, s.rivenditore && s.sel >= 0)
	}
}

func (u *UI) attivaAssistente(s *pecAssistentiScreen, attivo bool) {
	if s.sel < 0 {
		return
	}
	a := s.assistenti[s.sel]
	nome := a.Nome + " " + a.Cognome
	esegui := func() {
		if err := u.Core.Registro.AttivaAssistente(u.ctx, u.Core.Operatore(), a.ID, attivo); err != nil {
			setEsito(s.Esito, widgets.ErrorText(err), widget.DangerImportance)
			return
		}
		u.caricaAssistenti(s, a.ID)
		msg := lang.L("Assistente {{.Nome}} attivato.", map[string]any{"Nome": nome})
		if !attivo {
			msg = lang.L("Assistente {{.Nome}} disattivato: non può più accedere al Registro PEC.", map[string]any{"Nome": nome})
		}
		setEsito(s.Esito, msg, widget.SuccessImportance)
	}
	if attivo {
		esegui()
		return
	}
	s.Conferma = widgets.Confirm(u.Win, lang.L("Disattiva"),
		lang.L("Disattivare l'assistente {{.Nome}}?", map[string]any{"Nome": nome}), esegui)
}

// statoPacchettoAssistente suspends or reactivates the selected package;
// reactivating is checked again against the reseller's packages.
func (u *UI) statoPacchettoAssistente(s *pecAssistentiScreen, stato string) {
	if s.sel < 0 || s.pac < 0 || s.pac >= len(s.pacchetti) {
		return
	}
	p := s.pacchetti[s.pac]
	p.Stato = stato
	if _, err := u.Core.Registro.SalvaPacchettoAssistente(u.ctx, u.Core.Operatore(), p); err != nil {
		setEsito(s.ErrorePacchetto, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	u.selezionaAssistente(s, s.sel)
	msg := lang.L("Pacchetto {{.Nome}} sospeso.", map[string]any{"Nome": p.Nome})
	if stato == statoPacchettoAttivo {
		msg = lang.L("Pacchetto {{.Nome}} riattivato.", map[string]any{"Nome": p.Nome})
	}
	setEsito(s.Esito, msg, widget.SuccessImportance)
}

func (u *UI) assegnaPacchettoAssistente(s *pecAssistentiScreen) {
	if s.sel < 0 {
		return
	}
	quantita, err := numeroIntero(lang.L("Quantità caselle"), s.PacchettoQuant.Text)
	var durata int
	if err == nil {
		durata, err = numeroIntero(lang.L("Durata del canone"), s.PacchettoDurata.Text)
	}
	nome := strings.TrimSpace(s.PacchettoNome.Text)
	if err == nil {
		_, err = u.Core.Registro.SalvaPacchettoAssistente(u.ctx, u.Core.Operatore(), store.PacchettoAssistente{
			AssistenteID: s.assistenti[s.sel].ID, Nome: nome, Quantita: quantita, DurataAnni: durata})
	}
	if err != nil {
		setEsito(s.ErrorePacchetto, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	for _, e := range []*widget.Entry{s.PacchettoNome, s.PacchettoQuant, s.PacchettoDurata} {
		e.SetText("")
	}
	u.selezionaAssistente(s, s.sel)
	setEsito(s.Esito, lang.L("Pacchetto {{.Nome}} assegnato all'assistente.", map[string]any{"Nome": nome}), widget.SuccessImportance)
}

// inserisciAssistente stores the new assistant; core checks the data, the
// domains and that the package fits in the reseller's, and its message
// stays under the form.
func (u *UI) inserisciAssistente(s *pecAssistentiScreen) {
	pacchetti := s.APacchetti.Selected == lang.L("Sì")
	n := registro.NuovoAssistente{Assistente: store.Assistente{Username: s.Username.Text, Nome: s.Nome.Text,
		Cognome: s.Cognome.Text, CodiceFiscale: s.CF.Text, EmailPEC: s.EmailPEC.Text, GestioneAPacchetti: pacchetti},
		Domini: slices.Clone(s.Domini.Selected)}
	var err error
	if pacchetti {
		p := &store.PacchettoAssistente{Nome: s.NuovoNome.Text}
		if p.Quantita, err = numeroIntero(lang.L("Quantità caselle"), s.NuovaQuantita.Text); err == nil {
			p.DurataAnni, err = numeroIntero(lang.L("Durata del canone"), s.NuovaDurata.Text)
		}
		n.Pacchetto = p
	}
	var id int64
	if err == nil {
		id, err = u.Core.Registro.InserisciAssistente(u.ctx, u.Core.Operatore(), n)
	}
	if err != nil {
		setEsito(s.Errore, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	setEsito(s.Errore, "", widget.DangerImportance)
	for _, e := range []*widget.Entry{s.Nome, s.Cognome, s.CF, s.EmailPEC, s.NuovoNome, s.NuovaQuantita, s.NuovaDurata} {
		e.SetText("")
	}
	s.Username.SetText("")
	s.Domini.SetSelected(nil)
	s.APacchetti.SetSelected(lang.L("No"))
	u.caricaAssistenti(s, id)
	s.Tabs.SelectIndex(0)
	setEsito(s.Esito, lang.L("Assistente {{.Nome}} inserito.", map[string]any{"Nome": strings.TrimSpace(n.Assistente.Nome + " " +
		n.Assistente.Cognome)}), widget.SuccessImportance)
}

// altezzaMinima is an empty object h tall, to keep a scrolling neighbour
// in a Stack from shrinking to nothing.
func altezzaMinima(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return r
}

// consumoAssistente is the «Consumo» figure: the mailboxes the assistant
// inserted (not CESSATA) against their ATTIVO packages.
func consumoAssistente(a store.Assistente, usate int, pacchetti []store.PacchettoAssistente) string {
	if !a.GestioneAPacchetti {
		return lang.L("Consumo: {{.Caselle}} (gestione a pacchetti non attiva: nessun limite)", map[string]any{"Caselle": nCaselle(usate)})
	}
	totale := 0
	for _, p := range pacchetti {
		if p.Stato == statoPacchettoAttivo {
			totale += p.Quantita
		}
	}
	return lang.L("Consumo: {{.Caselle}} su {{.Totale}}", map[string]any{"Caselle": nCaselle(usate), "Totale": totale})
}

// modificaAssistente saves «PEC per le comunicazioni» and «Gestione a
// pacchetti» of the selected assistant; core's refusal stays under the
// form, which stays editable.
func (u *UI) modificaAssistente(s *pecAssistentiScreen, v map[string]string) error {
	if s.sel < 0 || s.sel >= len(s.assistenti) {
		return registro.ErrNonTrovato
	}
	a := s.assistenti[s.sel]
	if err := u.Core.Registro.ModificaAssistente(u.ctx, u.Core.Operatore(), a.ID, v[campoPECAssistente],
		v[campoPacchettiAssistente] == "true"); err != nil {
		return err
	}
	u.caricaAssistenti(s, a.ID) // reads back what core stored
	setEsito(s.Esito, lang.L("Dati dell'assistente {{.Nome}} salvati.", map[string]any{"Nome": a.Nome + " " + a.Cognome}),
		widget.SuccessImportance)
	return nil
}

// mostraDominiAssistente shows the selected assistant's domains: for the
// reseller among their certified domains, editable; for an assistant
// their own, read only.
func (u *UI) mostraDominiAssistente(s *pecAssistentiScreen) {
	op := u.Core.Operatore()
	a := s.assistenti[s.sel]
	propri, err := u.Core.Registro.DominiAssistente(u.ctx, op, a.ID)
	var opzioni, selezionati []string
	for _, d := range propri {
		selezionati = append(selezionati, d.Dominio)
	}
	if err == nil && s.rivenditore {
		var tutti []store.Dominio
		if tutti, err = u.Core.Registro.Domini(u.ctx, op); err == nil {
			for _, d := range tutti {
				if d.Certificato || slices.Contains(selezionati, d.Dominio) {
					opzioni = append(opzioni, d.Dominio)
				}
			}
		}
	} else {
		opzioni = slices.Clone(selezionati)
	}
	if err != nil {
		setEsito(s.ErroreDomini, widgets.ErrorText(err), widget.DangerImportance)
	}
	s.DominiAssistente.Options, s.DominiAssistente.Selected = opzioni, selezionati
	s.DominiAssistente.Refresh()
	setEnabled(s.DominiAssistente, s.rivenditore)
	setEnabled(s.SalvaDomini, s.rivenditore)
	setVisible(s.SalvaDomini, s.rivenditore)
}

// salvaDominiAssistente makes the checked domains the selected
// assistant's («Salva domini»).
func (u *UI) salvaDominiAssistente(s *pecAssistentiScreen) {
	if s.sel < 0 || s.sel >= len(s.assistenti) {
		return
	}
	a := s.assistenti[s.sel]
	if err := u.Core.Registro.ImpostaDominiAssistente(u.ctx, u.Core.Operatore(), a.ID,
		slices.Clone(s.DominiAssistente.Selected)); err != nil {
		setEsito(s.ErroreDomini, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	u.mostraDominiAssistente(s)
	setEsito(s.ErroreDomini, "", widget.DangerImportance)
	setEsito(s.Esito, lang.L("Domini dell'assistente {{.Nome}} salvati.", map[string]any{"Nome": a.Nome + " " + a.Cognome}),
		widget.SuccessImportance)
}

// storicoPacchettiAssistente shows the history of the selected
// assistant's packages («Visualizzazione storico»).
func (u *UI) storicoPacchettiAssistente(s *pecAssistentiScreen) {
	if s.sel < 0 || s.sel >= len(s.assistenti) {
		return
	}
	a := s.assistenti[s.sel]
	hist, err := u.Core.Registro.StoricoPacchettiAssistente(u.ctx, u.Core.Operatore(), a.ID)
	if err != nil {
		setEsito(s.ErrorePacchetto, widgets.ErrorText(err), widget.DangerImportance)
		return
	}
	s.storico = hist
	headers := []string{lang.L("Data e ora"), lang.L("Operatore"), lang.L("Pacchetto"), lang.L("Azione"), lang.L("Campo"),
		lang.L("Prima"), lang.L("Dopo")}
	widths := []float32{165, 90, 170, 80, 110, 140, 140} // the date whole, the seven within the dialog
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(hist), len(headers) },
		func() fyne.CanvasObject { l := widget.NewLabel(""); l.Truncation = fyne.TextTruncateEllipsis; return l },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			e := hist[id.Row]
			v := []string{e.At.In(widgets.Zone).Format("02/01/2006 15:04:05"), e.Operatore, e.Pacchetto.Nome,
				string(e.Azione), e.Campo, e.Prima, e.Dopo}
			o.(*widget.Label).SetText(v[id.Col])
		})
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(headers[id.Col])
		} else {
			o.(*widget.Label).SetText("")
		}
	}
	t.ShowHeaderColumn = false
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	var content fyne.CanvasObject = t
	if len(hist) == 0 {
		content = widget.NewLabel(lang.L("Nessuna modifica registrata."))
	}
	s.StoricoDialog = dialog.NewCustom(lang.L("Visualizzazione storico")+" — "+
		lang.L("Pacchetti di {{.Nome}}", map[string]any{"Nome": a.Nome + " " + a.Cognome}), lang.L("Chiudi"),
		container.NewStack(content), u.Win)
	s.StoricoDialog.Resize(fyne.NewSize(960, 480))
	s.StoricoDialog.Show()
}
