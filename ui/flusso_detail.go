package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/ui/widgets"
)

// flussoDetail is the detail of one flow: its data (notes editable), the
// counts of its notifications by state, their analytic list, and the
// actions of its life: Attiva/Disattiva, Invia, Pausa/Riprendi, Annulla
// invio, Riprova falliti, Reinvia incerte.
type flussoDetail struct {
	ID     uuid.UUID
	Flusso flussi.Flusso
	View   fyne.CanvasObject
	Tabs   *container.AppTabs
	Form   *widgets.DetailForm
	// Invio and Consegna are the count labels by transmission and delivery state.
	Invio     map[flussi.StatoInvio]*widget.Label
	Consegna  map[string]*widget.Label
	Notifiche *widgets.SearchPanel

	TornaElenco    *widget.Button
	Aggiorna       *widget.Button
	Attiva         *widget.Button
	Disattiva      *widget.Button
	Invia          *widget.Button
	Riprendi       *widget.Button
	AnnullaInvio   *widget.Button
	RiprovaFalliti *widget.Button
	ReinviaIncerte *widget.Button

	// The send under way in this session: bar, counts and rate, Pausa.
	ProgressoBox  *fyne.Container
	Progresso     *widget.ProgressBar
	ProgressoInfo *widget.Label
	Pausa         *widget.Button

	Esito    *widget.Label
	Conferma *widgets.ConfirmDialog  // the last question asked (tests tap its SI)
	Attesa   *widgets.ProgressDialog // the last check of the recipients

	azioniTema   *container.ThemeOverride
	riprendibile bool      // "In invio" with no run working on it
	ricaricato   time.Time // last reload while sending
	letture      int       // reloads asked: only the last one is shown
	cercato      bool      // the notifications' tab was shown, so searched
	fresco       bool      // Flusso was read after the last send of this session ended
}

// Columns of a flow's notifications; each row carries the UUID after them.
const (
	colFlussoNotRiga = iota
	colFlussoNotCF
	colFlussoNotOggetto
	colFlussoNotInvio
	colFlussoNotConsegna
	colFlussoNotImporto
	colFlussoNotInviataIl
	colFlussoNotUUID // not shown
)

func rigaFlusso(n flussi.Notifica) []string {
	return []string{itoa(n.Riga), n.CodiceFiscale, n.Oggetto, n.StatoInvio.Label(), consegnaBreve(n.StatoConsegna),
		flussi.FormatImporto(n.Importo), dataOraBreve(n.InviataIl), n.UUID.String()}
}

// leggiFlusso reads a flow off the UI goroutine and hands it to done.
func (u *UI) leggiFlusso(id uuid.UUID, done func(f flussi.Flusso, riprendibile bool, err error)) {
	u.appIO().bg.Go(func() func() {
		f, err := u.Core.Flussi.Flusso(u.ctx, id)
		riprendibile := false
		if err == nil && f.Stato == flussi.InInvio {
			if rs, err := u.Core.Flussi.DaRiprendere(u.ctx); err == nil {
				for _, r := range rs {
					riprendibile = riprendibile || r.UUID == id
				}
			}
		}
		return func() { done(f, riprendibile, err) }
	})
}

// showFlusso opens a flow's detail once read.
func (u *UI) showFlusso(s *flussiScreen, id uuid.UUID, esito ...string) {
	u.leggiFlusso(id, func(f flussi.Flusso, riprendibile bool, err error) {
		if err != nil {
			widgets.ShowError(u.Win, err)
			return
		}
		if u.flussi != s {
			return // the clerk went elsewhere meanwhile
		}
		d := u.newFlussoDetail(s, f)
		d.riprendibile = riprendibile
		s.Detail, s.Wizard, s.Notifica = d, nil, nil
		s.show(d.View)
		u.sottotitolo(lang.L("Flusso") + " " + f.UUID.String()[:8])
		d.mostra(u, f)
		d.collega(u)
		if len(esito) > 0 {
			setEsito(d.Esito, esito[0], widget.SuccessImportance)
		}
	})
}

func (u *UI) newFlussoDetail(s *flussiScreen, f flussi.Flusso) *flussoDetail {
	d := &flussoDetail{ID: f.UUID, Flusso: f, Esito: esitoLabel(),
		Invio: map[flussi.StatoInvio]*widget.Label{}, Consegna: map[string]*widget.Label{}}
	editabili := map[string]bool{"note": true, "contesto": true, "chiave": true}
	d.Form = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Dati del flusso"),
		Fields: []widgets.Field{
			{Key: "uuid", Label: lang.L("UUID")},
			{Key: "servizio", Label: lang.L("Servizio")},
			{Key: "data", Label: lang.L("Data")},
			{Key: "ora", Label: lang.L("Ora")},
			{Key: "note", Label: lang.L("Note")},
			{Key: "stato", Label: lang.L("Stato")},
			{Key: "contesto", Label: lang.L("Contesto Applicativo")},
			{Key: "chiave", Label: lang.L("Chiave Applicativo")},
			{Key: "errore", Label: lang.L("Errore")},
			{Key: "totale", Label: lang.L("Totale notifiche")},
			{Key: "file", Label: lang.L("File di origine")},
		},
	}}, func(v map[string]string) error {
		err := u.Core.Flussi.SalvaNote(u.ctx, u.Core.Operatore(), d.ID, flussi.DatiFlusso{Note: v["note"], Contesto: v["contesto"], Chiave: v["chiave"]})
		if err == nil {
			u.ricaricaFlusso(d)
		}
		return err
	})
	d.Form.OnEditing = func(editing bool) {
		for k, e := range d.Form.Entries {
			if !editabili[k] {
				e.Disable()
			}
		}
	}

	for _, st := range flussi.StatiInvio {
		d.Invio[st] = contaLabel()
	}
	for _, c := range flussi.StatiConsegna {
		d.Consegna[c] = contaLabel()
	}
	invio := container.New(layout.NewFormLayout())
	for _, st := range flussi.StatiInvio {
		invio.Add(widget.NewLabel(st.Label()))
		invio.Add(d.Invio[st])
	}
	consegna := container.New(layout.NewFormLayout())
	for _, c := range flussi.StatiConsegna {
		consegna.Add(widget.NewLabel(consegnaLabel(c)))
		consegna.Add(d.Consegna[c])
	}
	conteggi := container.NewVScroll(container.NewVBox(
		widget.NewCard("", lang.L("Notifiche per stato di invio"), invio),
		widget.NewCard("", lang.L("Notifiche inviate per stato di consegna"), consegna)))

	servizi := map[string]int64{}
	u.serviziIO(servizi)
	src := notificheSource{u: u, base: flussi.FiltroNotifiche{FlussoID: f.ID}, servizi: servizi, row: rigaFlusso}
	all := notificheFields(nil)
	pick := func(keys ...string) []widgets.Field {
		var out []widgets.Field
		for _, k := range keys {
			for _, fl := range all {
				if fl.Key == k {
					out = append(out, fl)
				}
			}
		}
		return out
	}
	d.Notifiche = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: pick("cf", "invio", "oggetto", "consegna"),
		Columns: []widgets.Column{
			{Title: lang.L("Riga"), Width: 52, Align: fyne.TextAlignTrailing}, {Title: lang.L("Codice fiscale"), Width: 170},
			{Title: lang.L("Oggetto"), Width: 180}, {Title: lang.L("Stato invio"), Width: 212},
			{Title: lang.L("Stato consegna"), Width: 128}, {Title: lang.L("Importo"), Width: 72, Align: fyne.TextAlignTrailing},
			{Title: lang.L("Data e ora invio"), Width: 130},
		},
		Source:     src,
		Export:     src.export,
		ExportName: "flusso-" + f.UUID.String()[:8] + ".xlsx",
	})
	d.Notifiche.OnOpen = func(row []string) {
		if id, err := uuid.Parse(row[colFlussoNotUUID]); err == nil {
			u.showNotificaFlusso(s, d, id)
		}
	}

	d.TornaElenco = widget.NewButtonWithIcon(lang.L("Torna Elenco"), theme.NavigateBackIcon(), func() { u.showListaFlussi(s) })
	d.Aggiorna = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { u.ricaricaFlusso(d) })
	d.Attiva = widget.NewButtonWithIcon(lang.L("Attiva"), theme.ConfirmIcon(), func() {
		u.azioneFlusso(d, lang.L("Flusso attivato: è pronto per l'invio."), func(ctx context.Context) error {
			return u.Core.Flussi.Attiva(ctx, u.Core.Operatore(), d.ID)
		})
	})
	d.Disattiva = widget.NewButtonWithIcon(lang.L("Disattiva"), theme.CancelIcon(), func() {
		u.azioneFlusso(d, lang.L("Flusso disattivato: è di nuovo in preparazione."), func(ctx context.Context) error {
			return u.Core.Flussi.Disattiva(ctx, u.Core.Operatore(), d.ID)
		})
	})
	d.Invia = widget.NewButtonWithIcon(lang.L("Invia"), theme.MailSendIcon(), func() { u.inviaFlusso(d) })
	d.Invia.Importance = widget.HighImportance
	d.Riprendi = widget.NewButtonWithIcon(lang.L("Riprendi"), theme.MediaPlayIcon(), func() {
		setEsito(d.Esito, "", widget.MediumImportance)
		u.avviaInvio(d.ID, nil)
		d.collega(u)
	})
	d.AnnullaInvio = widget.NewButtonWithIcon(lang.L("Annulla invio"), theme.MediaStopIcon(), func() { u.annullaInvio(d) })
	d.RiprovaFalliti = widget.NewButtonWithIcon(lang.L("Riprova falliti"), theme.MediaReplayIcon(), func() { u.riprovaFalliti(d) })
	d.ReinviaIncerte = widget.NewButtonWithIcon(lang.L("Reinvia incerte"), theme.WarningIcon(), func() { u.reinviaIncerte(d) })
	d.Pausa = widget.NewButtonWithIcon(lang.L("Pausa"), theme.MediaPauseIcon(), func() {
		d.Pausa.Disable()
		u.azioneFlusso(d, lang.L("Sospensione richiesta: l'invio si ferma dopo le chiamate in corso."), func(ctx context.Context) error {
			return u.Core.Flussi.Pausa(ctx, u.Core.Operatore(), d.ID)
		})
	})
	d.Progresso = widget.NewProgressBar()
	d.ProgressoInfo = widget.NewLabel(lang.L("Invio in corso…"))
	d.ProgressoInfo.Truncation = fyne.TextTruncateEllipsis
	d.ProgressoBox = container.NewBorder(nil, nil, nil, container.NewCenter(d.Pausa), container.NewVBox(d.ProgressoInfo, d.Progresso))
	d.ProgressoBox.Hide()

	azioni := container.NewHBox(d.TornaElenco, widget.NewSeparator(), d.Attiva, d.Disattiva, d.Invia, d.Riprendi,
		d.AnnullaInvio, d.RiprovaFalliti, d.ReinviaIncerte, layout.NewSpacer(), d.Aggiorna)
	dati := container.NewHSplit(d.Form, container.NewPadded(conteggi))
	dati.Offset = 0.55
	d.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Dati del flusso"), theme.InfoIcon(), dati),
		container.NewTabItemWithIcon(lang.L("Notifiche del flusso"), theme.MailComposeIcon(), d.Notifiche),
	)
	// The list is searched when first shown: a table searched while hidden
	// would scroll past its first row and column.
	d.Tabs.OnSelected = func(ti *container.TabItem) {
		if ti == d.Tabs.Items[1] && !d.cercato {
			d.cercato = true
			d.Notifiche.Search()
		}
	}
	d.azioniTema = pulsanti(container.NewVBox(azioni, d.ProgressoBox, d.Esito))
	d.View = container.NewBorder(d.azioniTema, nil, nil, nil, d.Tabs)
	return d
}

func contaLabel() *widget.Label {
	l := widget.NewLabel("0")
	l.TextStyle.Bold = true
	return l
}

// mostra fills the detail with f and sets the actions it allows.
func (d *flussoDetail) mostra(u *UI, f flussi.Flusso) {
	d.Flusso = f
	d.fresco = true
	if !d.Form.Editing() {
		d.Form.SetValues(map[string]string{
			"uuid": f.UUID.String(), "servizio": f.Servizio, "data": dataIT(f.CreatoIl), "ora": oraIT(f.CreatoIl),
			"note": f.Note, "stato": f.Stato.Label(), "contesto": f.Contesto, "chiave": f.Chiave, "errore": f.Errore,
			"totale": widgets.FormatInt(f.Totale), "file": f.FileOrigine,
		})
	}
	d.Form.SetLastChange(f.Modificato, f.ModificatoDa)
	for st, l := range d.Invio {
		l.SetText(widgets.FormatInt(f.Conteggi.PerStato[st]))
	}
	for c, l := range d.Consegna {
		l.SetText(widgets.FormatInt(f.Conteggi.PerConsegna[c]))
	}
	d.Tabs.Items[1].Text = lang.L("Notifiche del flusso") + " (" + widgets.FormatInt(f.Totale) + ")"
	d.Tabs.Refresh()
	d.aggiornaAzioni(u)
}

// aggiornaAzioni enables what the flow's state and the operator's role allow.
func (d *flussoDetail) aggiornaAzioni(u *UI) {
	f := d.Flusso
	invio := u.Core.Operatore().Ruolo.Almeno(operatori.RuoloOperatoreInvio)
	_, inCorso := u.appIO().invii[d.ID]
	conta := f.Conteggi.PerStato

	setVisible(d.Attiva, f.Stato != flussi.Attivo)
	setEnabled(d.Attiva, flussi.PuoDiventare(f.Stato, flussi.Attivo) && !inCorso)
	setVisible(d.Disattiva, f.Stato == flussi.Attivo)
	setEnabled(d.Disattiva, flussi.PuoDiventare(f.Stato, flussi.Inattivo) && !inCorso)
	for _, b := range []*widget.Button{d.Invia, d.AnnullaInvio, d.RiprovaFalliti, d.ReinviaIncerte} {
		setVisible(b, invio)
	}
	setEnabled(d.Invia, invio && f.Stato == flussi.Attivo && flussi.PuoDiventare(f.Stato, flussi.InInvio) && !inCorso)
	setVisible(d.Riprendi, invio && !inCorso && f.Stato == flussi.InInvio)
	setEnabled(d.Riprendi, d.riprendibile)
	// A send this session just started may not show "In invio" yet.
	setEnabled(d.AnnullaInvio, invio && (f.Stato == flussi.InInvio || inCorso))
	setEnabled(d.RiprovaFalliti, invio && !inCorso && f.Stato == flussi.InvioIncompleto && conta[flussi.Errore] > 0)
	setEnabled(d.ReinviaIncerte, invio && !inCorso && (f.Stato == flussi.InvioIncompleto || f.Stato == flussi.Inviato) &&
		conta[flussi.EsitoIncerto] > 0)
	setVisible(d.ProgressoBox, inCorso)
	setVisible(d.Pausa, invio)
	setEnabled(d.Pausa, inCorso)
	d.azioniTema.Refresh()
	altrove := lang.L("Il flusso è in invio in un'altra sessione di Sportello.")
	switch {
	case f.Stato == flussi.InInvio && !inCorso && !d.riprendibile && d.fresco:
		setEsito(d.Esito, altrove, widget.MediumImportance)
	case d.Esito.Text == altrove:
		setEsito(d.Esito, "", widget.MediumImportance)
	}
}

// ricaricaFlusso reads the flow again and shows it, with its notifications.
func (u *UI) ricaricaFlusso(d *flussoDetail) {
	d.ricaricato = time.Now()
	d.letture++
	n := d.letture
	u.leggiFlusso(d.ID, func(f flussi.Flusso, riprendibile bool, err error) {
		if n != d.letture {
			return // a newer reading is on its way
		}
		if err != nil {
			setEsito(d.Esito, widgets.ErrorText(err), widget.DangerImportance)
			return
		}
		d.riprendibile = riprendibile
		d.mostra(u, f)
		d.Notifiche.Reload()
	})
}

// azioneFlusso runs a quick change (Attiva, Pausa, …) off the UI goroutine,
// then reloads the flow.
func (u *UI) azioneFlusso(d *flussoDetail, esito string, fn func(ctx context.Context) error) {
	u.appIO().bg.Go(func() func() {
		err := fn(u.ctx)
		return func() {
			if err != nil {
				setEsito(d.Esito, widgets.ErrorText(err), widget.DangerImportance)
				widgets.ShowError(u.Win, err)
			} else {
				setEsito(d.Esito, esito, widget.SuccessImportance)
			}
			u.ricaricaFlusso(d)
		}
	})
}

// collega shows the send this session runs for the flow, if any.
func (d *flussoDetail) collega(u *UI) {
	r, ok := u.appIO().invii[d.ID]
	if !ok {
		d.aggiornaAzioni(u)
		return
	}
	r.onProgress = func(p jobs.Progress) { d.progresso(u, p) }
	r.onEnd = func(err error) { d.fine(u, err) }
	d.Progresso.SetValue(0)
	d.ProgressoInfo.SetText(lang.L("Invio in corso…"))
	if r.last.Total > 0 {
		d.progresso(u, r.last)
	}
	d.aggiornaAzioni(u)
}

func (d *flussoDetail) progresso(u *UI, p jobs.Progress) {
	concluse := p.Done + p.Failed + p.Uncertain + p.Cancelled
	if p.Total > 0 {
		d.Progresso.Max = float64(p.Total)
		d.Progresso.SetValue(float64(min(concluse, p.Total)))
	}
	parts := []string{lang.L("Concluse {{.N}} di {{.Totale}}", map[string]any{"N": widgets.FormatInt(concluse), "Totale": widgets.FormatInt(p.Total)}),
		lang.L("inviate {{.N}}", map[string]any{"N": widgets.FormatInt(p.Done)})}
	if p.Failed > 0 {
		parts = append(parts, lang.L("errori {{.N}}", map[string]any{"N": widgets.FormatInt(p.Failed)}))
	}
	if p.Uncertain > 0 {
		parts = append(parts, lang.L("esito incerto {{.N}}", map[string]any{"N": widgets.FormatInt(p.Uncertain)}))
	}
	if p.Rate > 0 {
		parts = append(parts, lang.L("{{.N}} al secondo", map[string]any{"N": strings.Replace(strconv.FormatFloat(p.Rate, 'f', 1, 64), ".", ",", 1)}))
	}
	if p.Elapsed > 0 {
		e := p.Elapsed.Round(time.Second)
		parts = append(parts, lang.L("tempo {{.T}}", map[string]any{"T": fmt.Sprintf("%d:%02d:%02d", int(e.Hours()), int(e.Minutes())%60, int(e.Seconds())%60)}))
	}
	if p.HeldUntil.After(time.Now()) {
		parts = append(parts, lang.L("App IO chiede di attendere fino alle {{.Ora}}", map[string]any{"Ora": p.HeldUntil.In(widgets.Zone).Format("15:04:05")}))
	}
	d.ProgressoInfo.SetText(strings.Join(parts, " · "))
	// The counts follow the send every few seconds.
	if time.Since(d.ricaricato) > 3*time.Second || d.Flusso.Stato == flussi.Attivo {
		u.ricaricaFlusso(d)
	}
}

// fine tells how the send ended and shows the flow's new state.
func (d *flussoDetail) fine(u *UI, err error) {
	switch {
	case err == nil:
		setEsito(d.Esito, lang.L("Invio concluso."), widget.SuccessImportance)
	case errors.Is(err, jobs.ErrPaused):
		setEsito(d.Esito, lang.L("Invio sospeso: «Riprendi» lo continua da dove si è fermato."), widget.WarningImportance)
	case errors.Is(err, jobs.ErrCancelled):
		setEsito(d.Esito, lang.L("Invio annullato: le notifiche non ancora inviate sono «Annullata»."), widget.WarningImportance)
	default:
		setEsito(d.Esito, lang.L("Invio interrotto")+": "+widgets.ErrorText(err), widget.DangerImportance)
		widgets.ShowError(u.Win, err)
	}
	d.fresco = false // the state shown is the one of before the end
	d.aggiornaAzioni(u)
	u.ricaricaFlusso(d)
}

// inviaFlusso checks the recipients on App IO behind a progress dialog,
// then asks for confirmation with how many will receive the message.
func (u *UI) inviaFlusso(d *flussoDetail) {
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Verifica dei destinatari"),
		lang.L("Verifica su App IO dei destinatari del flusso…"))
	d.Attesa = dlg
	d.Invia.Disable()
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		r, err := u.Core.Flussi.VerificaDestinatari(ctx, op, d.ID, func(p jobs.Progress) {
			fatti := p.Done + p.Failed + p.Uncertain + p.Cancelled
			dlg.SetProgress(fatti, p.Total, lang.L("Destinatari verificati: {{.Fatti}} di {{.Totale}}",
				map[string]any{"Fatti": widgets.FormatInt(fatti), "Totale": widgets.FormatInt(p.Total)}))
		})
		dlg.End(err)
		return func() {
			u.ricaricaFlusso(d)
			if err != nil {
				return // the dialog has shown it
			}
			n, m := widgets.FormatInt(r.Raggiungibili), widgets.FormatInt(r.NonRaggiungibili)
			var msg string
			switch {
			case r.Raggiungibili == 0:
				msg = lang.L("Nessun destinatario è raggiungibile su App IO ({{.M}} non raggiungibili): nessuna notifica sarà inviata e il flusso sarà chiuso. Procedere?", map[string]any{"M": m})
			default:
				msg = lang.L("Inviare {{.N}} notifiche?", map[string]any{"N": n})
				if r.Raggiungibili == 1 {
					msg = lang.L("Inviare 1 notifica?")
				}
				switch r.NonRaggiungibili {
				case 0:
					msg += " " + lang.L("Tutti i destinatari sono raggiungibili su App IO.")
				case 1:
					msg += " " + lang.L("1 destinatario non raggiungibile non riceverà il messaggio.")
				default:
					msg += " " + lang.L("{{.M}} destinatari non raggiungibili non riceveranno il messaggio.", map[string]any{"M": m})
				}
			}
			d.Conferma = widgets.Confirm(u.Win, lang.L("Invia flusso"), msg, func() {
				setEsito(d.Esito, "", widget.MediumImportance)
				u.avviaInvio(d.ID, nil)
				d.collega(u)
			})
		}
	})
}

func (u *UI) annullaInvio(d *flussoDetail) {
	d.Conferma = widgets.Confirm(u.Win, lang.L("Annulla invio"),
		lang.L("Annullare l'invio del flusso? Le notifiche non ancora inviate diventeranno «Annullata» e non saranno più inviate."), func() {
			u.azioneFlusso(d, lang.L("Annullamento richiesto."), func(ctx context.Context) error {
				return u.Core.Flussi.Annulla(ctx, u.Core.Operatore(), d.ID)
			})
		})
}

func (u *UI) riprovaFalliti(d *flussoDetail) {
	n := d.Flusso.Conteggi.PerStato[flussi.Errore]
	d.Conferma = widgets.Confirm(u.Win, lang.L("Riprova falliti"),
		plurale(n, lang.L("Ritentare l'invio della notifica in errore?"),
			lang.L("Ritentare l'invio delle {{.N}} notifiche in errore?", map[string]any{"N": widgets.FormatInt(n)})), func() {
			setEsito(d.Esito, "", widget.MediumImportance)
			op := u.Core.Operatore()
			u.avviaInvio(d.ID, func(ctx context.Context) error {
				n, err := u.Core.Flussi.RiprovaFalliti(ctx, op, d.ID)
				if err == nil && n == 0 {
					err = errors.New(lang.L("nessuna notifica in errore da ritentare"))
				}
				return err
			})
			d.collega(u)
		})
}

// reinviaIncerte sends again, on the operator's explicit decision, the
// notifications whose outcome is unknown: some may have arrived already.
func (u *UI) reinviaIncerte(d *flussoDetail) {
	n := d.Flusso.Conteggi.PerStato[flussi.EsitoIncerto]
	d.Conferma = widgets.Confirm(u.Win, lang.L("Reinvia incerte"),
		plurale(n, lang.L("Reinviare la notifica con esito incerto?"),
			lang.L("Reinviare le {{.N}} notifiche con esito incerto?", map[string]any{"N": widgets.FormatInt(n)}))+"\n\n"+
			lang.L("Attenzione: la richiesta è partita ma la risposta di App IO non è arrivata. Alcune potrebbero essere già state consegnate e il cittadino le riceverebbe due volte."), func() {
			setEsito(d.Esito, "", widget.MediumImportance)
			op := u.Core.Operatore()
			flussoID := d.Flusso.ID
			u.avviaInvio(d.ID, func(ctx context.Context) error {
				filtro := flussi.FiltroNotifiche{FlussoID: flussoID, StatoInvio: string(flussi.EsitoIncerto)}
				var ids []uuid.UUID
				for {
					ns, err := u.Core.Flussi.Notifiche(ctx, filtro, len(ids), 1000)
					if err != nil {
						return err
					}
					for _, n := range ns {
						ids = append(ids, n.UUID)
					}
					if len(ns) < 1000 {
						break
					}
				}
				_, err := u.Core.Flussi.Reinvia(ctx, op, d.ID, ids)
				return err
			})
			d.collega(u)
		})
}

// showNotificaFlusso opens a notification of the flow; "Torna Elenco"
// comes back to the flow with its list as it was.
func (u *UI) showNotificaFlusso(s *flussiScreen, d *flussoDetail, id uuid.UUID) {
	back := func(altra bool) {
		s.Notifica = nil
		s.show(d.View)
		u.sottotitolo(lang.L("Flusso") + " " + d.ID.String()[:8])
		if altra {
			d.Notifiche.Clear()
			d.Notifiche.Search()
		} else {
			d.Notifiche.Reload()
		}
	}
	s.Notifica = u.newNotificaDetail(id, func() { back(false) }, func() { back(true) })
	s.show(s.Notifica.View)
}
