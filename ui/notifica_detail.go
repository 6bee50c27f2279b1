package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/ui/widgets"
)

// notificaDetail is "Dettaglio notifica": every field of one notification,
// read-only as in the manual's form, its content rendered, and "Verifica
// Stato" to ask App IO where it stands now.
type notificaDetail struct {
	ID            uuid.UUID
	Notifica      flussi.Notifica
	View          fyne.CanvasObject
	Form          *widgets.DetailForm
	Oggetto       *widget.Label // the subject, as a heading over the content
	Contenuto     *widget.RichText
	VerificaStato *widget.Button
	TornaElenco   *widget.Button
	AltraRicerca  *widget.Button
	Esito         *widget.Label
	Attesa        *widgets.ProgressDialog // the last "Verifica Stato" under way
}

func notificaSections() []widgets.Section {
	return []widgets.Section{
		{Title: lang.L("Notifica"), Fields: []widgets.Field{
			{Key: "uuid", Label: lang.L("UUID")},
			{Key: "flusso", Label: lang.L("Flusso")},
			{Key: "riga", Label: lang.L("Riga")},
			{Key: "servizio", Label: lang.L("Servizio")},
			{Key: "cf", Label: lang.L("Codice fiscale")},
			{Key: "oggetto", Label: lang.L("Oggetto")},
		}},
		{Title: lang.L("Pagamento"), Fields: []widgets.Field{
			{Key: "scadenza", Label: lang.L("Scadenza")},
			{Key: "somma", Label: lang.L("Somma")},
			{Key: "avviso", Label: lang.L("Codice avviso")},
			{Key: "paga", Label: lang.L("Paga dopo la scadenza")},
		}},
		{Title: lang.L("Invio"), Fields: []widgets.Field{
			{Key: "stato_invio", Label: lang.L("Stato invio")},
			{Key: "id_consegna", Label: lang.L("ID consegna App IO")},
			{Key: "tentativi", Label: lang.L("Tentativi invio")},
			{Key: "inviata_il", Label: lang.L("Data e ora invio")},
			{Key: "errore", Label: lang.L("Errore")},
		}},
		{Title: lang.L("Consegna"), Fields: []widgets.Field{
			{Key: "consegna", Label: lang.L("Stato consegna")},
			{Key: "mail", Label: lang.L("Stato e-mail")},
			{Key: "push", Label: lang.L("Stato push")},
			{Key: "lettura", Label: lang.L("Lettura")},
			{Key: "pagamento", Label: lang.L("Pagamento")},
			{Key: "verificata", Label: lang.L("Verificata il")},
		}},
	}
}

// newNotificaDetail builds the detail of notification id and loads it in
// the background; torna goes back to the list keeping the search, altra
// with the filters cleared.
func (u *UI) newNotificaDetail(id uuid.UUID, torna, altra func()) *notificaDetail {
	d := &notificaDetail{ID: id, Esito: esitoLabel()}
	d.Form = widgets.NewDetailForm(notificaSections(), nil)
	d.Form.Toggle.Hide() // a notification is never edited
	d.Oggetto = widget.NewLabel("")
	d.Oggetto.TextStyle.Bold = true
	d.Oggetto.SizeName = theme.SizeNameSubHeadingText
	d.Oggetto.Wrapping = fyne.TextWrapWord
	d.Contenuto = widget.NewRichText()
	d.Contenuto.Wrapping = fyne.TextWrapWord
	d.TornaElenco = widget.NewButtonWithIcon(lang.L("Torna Elenco"), theme.NavigateBackIcon(), torna)
	d.AltraRicerca = widget.NewButtonWithIcon(lang.L("Altra Ricerca"), theme.SearchIcon(), altra)
	d.VerificaStato = widget.NewButtonWithIcon(lang.L("Verifica Stato"), theme.ViewRefreshIcon(), func() { u.verificaStato(d) })
	d.VerificaStato.Importance = widget.HighImportance
	d.VerificaStato.Disable()

	contenuto := widget.NewCard("", lang.L("Contenuto"), container.NewBorder(d.Oggetto, nil, nil, nil,
		container.NewVScroll(d.Contenuto)))
	split := container.NewHSplit(d.Form, contenuto)
	split.Offset = 0.55
	top := container.NewVBox(pulsanti(container.NewHBox(d.TornaElenco, d.AltraRicerca, layout.NewSpacer(), d.VerificaStato)), d.Esito)
	d.View = container.NewBorder(top, nil, nil, nil, split)
	u.sottotitolo(lang.L("Dettaglio notifica"))

	a := u.appIO()
	a.bg.Go(func() func() {
		n, err := u.Core.Flussi.Notifica(u.ctx, id)
		return func() {
			if err != nil {
				setEsito(d.Esito, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			d.mostra(n)
		}
	})
	return d
}

func (d *notificaDetail) mostra(n flussi.Notifica) {
	d.Notifica = n
	riga := ""
	if n.Riga > 0 {
		riga = itoa(n.Riga)
	}
	flusso := lang.L("notifica singola")
	if n.FlussoUUID != uuid.Nil {
		flusso = n.FlussoUUID.String()
	}
	paga := ""
	if n.Importo != 0 {
		paga = siNoLabel(n.PagaDopoScadenza)
	}
	d.Form.SetValues(map[string]string{
		"uuid": n.UUID.String(), "flusso": flusso, "riga": riga, "servizio": n.Servizio, "cf": n.CodiceFiscale,
		"oggetto": n.Oggetto, "scadenza": dataIT(n.Scadenza), "somma": euro(n.Importo), "avviso": n.CodiceAvviso,
		"paga": paga, "stato_invio": n.StatoInvio.Label(), "id_consegna": n.IDMessaggio, "tentativi": itoa(n.Tentativi),
		"inviata_il": dataOraIT(n.InviataIl), "errore": n.Errore, "consegna": consegnaLabel(n.StatoConsegna),
		"mail": canaleLabel(n.StatoMail), "push": canaleLabel(n.StatoWebhook), "lettura": canaleLabel(n.StatoLettura),
		"pagamento": canaleLabel(n.StatoPagamento), "verificata": dataOraIT(n.VerificataIl),
	})
	mod := n.Modificato
	if mod.IsZero() {
		mod = n.CreataIl
	}
	d.Form.SetLastChange(mod, n.ModificatoDa)
	d.Oggetto.SetText(n.Oggetto)
	d.Contenuto.ParseMarkdown(n.Contenuto)
	setEnabled(d.VerificaStato, n.IDMessaggio != "")
}

// verificaStato asks App IO where the notification stands, off the UI
// goroutine, and shows the answer.
func (u *UI) verificaStato(d *notificaDetail) {
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Verifica Stato"), lang.L("Richiesta dello stato ad App IO…"))
	d.Attesa = dlg
	op := u.Core.Operatore()
	d.VerificaStato.Disable()
	u.appIO().bg.Go(func() func() {
		n, err := u.Core.Flussi.VerificaStato(ctx, op, d.ID)
		dlg.End(err)
		return func() {
			if err != nil {
				setEnabled(d.VerificaStato, d.Notifica.IDMessaggio != "")
				setEsito(d.Esito, lang.L("Verifica non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			d.mostra(n)
			setEsito(d.Esito, lang.L("Stato aggiornato: {{.Stato}}", map[string]any{"Stato": consegnaLabel(n.StatoConsegna)}),
				widget.SuccessImportance)
		}
	})
}
