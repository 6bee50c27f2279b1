package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/provider"
	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecSyncScreen is Registro PEC › Sincronizzazione: where the sync with
// the PEC provider stands (reachable, changes queued or given up, open
// conflicts, last success and error), a round run on demand, and the open
// conflicts the operator may see, each with its two versions side by side
// and the choice of the one to keep.
type pecSyncScreen struct {
	// Status card.
	Collegamento   *widget.Label // Online / Non raggiungibile, at the last round
	Pendenti       *widget.Label
	Fallite        *widget.Label
	NumConflitti   *widget.Label
	UltimoOK       *widget.Label
	UltimoErrore   *widget.Label
	Sincronizza    *widget.Button
	Aggiorna       *widget.Button
	NonConfigurato *widget.Label // why Sincronizza is off
	Esito          *widget.Label // outcome of the last round or resolution
	Errore         *widget.Label // the state could not be read

	// Conflicts.
	Elenco       *widget.List
	Vuoto        *widget.Label // "Nessun conflitto aperto." or why they cannot be read
	Nota         *widget.Label // what to do before a conflict is chosen
	Dettaglio    *fyne.Container
	Intestazione *widget.Label
	Tabella      *fyne.Container
	// Righe are the table's rows (Campo, Versione locale, Versione del
	// gestore): the fields of conflitti[scelto].Campi that differ, then
	// the others.
	Righe       [][3]*widget.Label
	TieniLocale *widget.Button
	TieniRemoto *widget.Button
	Conferma    *widgets.ConfirmDialog

	conflitti   []registro.Conflitto
	scelto      int // index in conflitti, -1 none
	inCorso     bool
	configurato bool
}

// timeoutSync bounds a round started from the window: the button comes
// back even if the provider stops answering.
const timeoutSync = 5 * time.Minute

func pecSyncView(u *UI) fyne.CanvasObject {
	s := &pecSyncScreen{scelto: -1}
	nuova := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	s.Collegamento, s.Pendenti, s.Fallite, s.NumConflitti = nuova(), nuova(), nuova(), nuova()
	s.UltimoOK, s.UltimoErrore = nuova(), nuova()
	s.Collegamento.TextStyle.Bold = true
	// Two columns of three: the conflicts below need the height.
	stato := container.NewGridWithColumns(2,
		widget.NewForm(
			widget.NewFormItem(lang.L("Gestore PEC"), s.Collegamento),
			widget.NewFormItem(lang.L("Modifiche da sincronizzare"), s.Pendenti),
			widget.NewFormItem(lang.L("Modifiche in errore"), s.Fallite)),
		widget.NewForm(
			widget.NewFormItem(lang.L("Conflitti aperti"), s.NumConflitti),
			widget.NewFormItem(lang.L("Ultima sincronizzazione riuscita"), s.UltimoOK),
			widget.NewFormItem(lang.L("Ultimo errore"), s.UltimoErrore)),
	)
	s.Sincronizza = widget.NewButtonWithIcon(lang.L("Sincronizza adesso"), theme.ViewRefreshIcon(), func() { u.sincronizzaPec(s) })
	s.Sincronizza.Importance = widget.HighImportance
	s.Aggiorna = widget.NewButtonWithIcon(lang.L("Aggiorna"), theme.ViewRefreshIcon(), func() { u.refreshPecSync(s) })
	s.NonConfigurato = nuova()
	s.NonConfigurato.SetText(lang.L("Gestore PEC non configurato: sportello-cli pec configura"))
	s.NonConfigurato.Importance = widget.WarningImportance
	s.NonConfigurato.Hide()
	s.Esito = esitoLabel()
	s.Errore = nuova()
	s.Errore.Importance = widget.DangerImportance
	s.Errore.Hide()
	hint := widget.NewLabel(lang.L("Le modifiche si inviano al gestore anche in automatico, in background; «Sincronizza adesso» avvia subito un giro."))
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	card := widget.NewCard(lang.L("Sincronizzazione con il gestore"), "", container.NewVBox(stato,
		pulsanti(container.NewHBox(s.Sincronizza, s.Aggiorna, layout.NewSpacer())), s.NonConfigurato, s.Esito, s.Errore, hint))

	s.Elenco = widget.NewList(func() int { return len(s.conflitti) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("Titolare — Rossi Mario (DLCGUO68P15D969U) — rilevato il 01/01/2026 10:00")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(conflittoLabel(s.conflitti[i]))
		})
	s.Elenco.OnSelected = func(i widget.ListItemID) { u.mostraConflitto(s, i) }
	s.Vuoto = nuova()
	s.Vuoto.Importance = widget.LowImportance
	s.Nota = nuova()
	s.Nota.SetText(lang.L("Selezionare un conflitto nell'elenco: le due versioni del record compaiono qui, campo per campo."))
	s.Nota.Importance = widget.LowImportance

	s.Intestazione = nuova()
	s.Intestazione.TextStyle.Bold = true
	s.Tabella = container.NewVBox()
	s.TieniLocale = widget.NewButtonWithIcon(lang.L("Tieni la versione locale"), theme.UploadIcon(), func() {
		u.chiediRisoluzione(s, registro.TieniLocale)
	})
	s.TieniRemoto = widget.NewButtonWithIcon(lang.L("Tieni quella del gestore"), theme.DownloadIcon(), func() {
		u.chiediRisoluzione(s, registro.TieniRemoto)
	})
	s.Dettaglio = container.NewBorder(s.Intestazione,
		pulsanti(container.NewHBox(s.TieniLocale, s.TieniRemoto, layout.NewSpacer())), nil, nil, container.NewVScroll(s.Tabella))
	s.Dettaglio.Hide()

	split := container.NewHSplit(container.NewStack(s.Elenco, container.NewVBox(s.Vuoto)),
		container.NewPadded(container.NewStack(container.NewVBox(s.Nota), s.Dettaglio)))
	split.Offset = 0.4
	conflitti := widget.NewCard(lang.L("Conflitti aperti"),
		lang.L("Record modificati sia qui sia dal gestore: scegliere quale versione tenere; in evidenza i campi diversi."), split)

	u.pecSync = s
	u.refreshPecSync(s)
	return container.NewBorder(container.NewPadded(card), nil, nil, nil, container.NewPadded(conflitti))
}

// entitaLabel names the kind of record of a conflict.
func entitaLabel(e string) string {
	switch e {
	case "titolare":
		return lang.L("Titolare")
	case "casella":
		return lang.L("Casella PEC")
	}
	return e
}

// campiMap is a conflict's fields by name.
func campiMap(c registro.Conflitto) map[string]registro.CampoConflitto {
	m := make(map[string]registro.CampoConflitto, len(c.Campi))
	for _, f := range c.Campi {
		m[f.Campo] = f
	}
	return m
}

// recordLabel names the local record of a conflict.
func recordLabel(c registro.Conflitto) string {
	m := campiMap(c)
	if c.Entita == "casella" {
		if a := m["address"].Locale; a != "" {
			return a
		}
		return fmt.Sprintf("n. %d", c.IDLocale)
	}
	nome := m["lastName"].Locale + " " + m["firstName"].Locale
	if r := m["companyName"].Locale; nome == " " && r != "" {
		nome = r
	}
	if cf := m["fiscalCode"].Locale; cf != "" {
		nome += " (" + cf + ")"
	}
	if nome == " " {
		return fmt.Sprintf("n. %d", c.IDLocale)
	}
	return nome
}

func conflittoLabel(c registro.Conflitto) string {
	return entitaLabel(c.Entita) + " — " + recordLabel(c) + " — " + lang.L("rilevato il") + " " + dataOra(c.RilevatoIl)
}

// campoLabel names a field of the provider's record as the clerk knows it.
func campoLabel(entita, campo string) string {
	switch campo {
	case "userType":
		return lang.L("Tipo")
	case "firstName":
		return lang.L("Nome")
	case "lastName":
		return lang.L("Cognome")
	case "companyName":
		return lang.L("Ragione sociale")
	case "fiscalCode":
		return lang.L("Codice fiscale")
	case "vatNumber":
		return lang.L("Partita IVA")
	case "email":
		return lang.L("E-mail")
	case "phone":
		return lang.L("Telefono")
	case "address.street":
		return lang.L("Via")
	case "address.city":
		return lang.L("Comune")
	case "address.province":
		return lang.L("Provincia")
	case "address.postalCode":
		return lang.L("CAP")
	case "address.country":
		return lang.L("Nazione")
	case "address":
		if entita == "casella" {
			return lang.L("Indirizzo PEC")
		}
	case "domain":
		return lang.L("Dominio")
	case "ownerId":
		return lang.L("Titolare presso il gestore")
	case "type":
		return lang.L("Tipo di casella")
	case "status":
		return lang.L("Stato")
	case "activatedAt":
		return lang.L("Attivata il")
	case "expiresAt":
		return lang.L("Scade il")
	}
	return campo
}

// statoProvider is the local state of a mailbox state of the provider.
var statoProvider = map[string]string{provider.StatoInAttesa: store.CasellaInAttesa, provider.StatoAttiva: store.CasellaAttiva,
	provider.StatoSospesa: store.CasellaSospesa, provider.StatoCessata: store.CasellaCessata}

// valoreCampo shows a field's value as the clerk reads it.
func valoreCampo(campo, v string) string {
	switch campo {
	case "userType":
		return tipoTitolareLabel(v)
	case "status":
		if st, ok := statoProvider[v]; ok {
			return statoCasellaLabel(st)
		}
	case "activatedAt", "expiresAt":
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return dataOra(t)
		}
	}
	if v == "" {
		return "—"
	}
	return v
}

// refreshPecSync reads the state and the open conflicts again (quick
// local reads), keeping the conflict on show if it is still open.
func (u *UI) refreshPecSync(s *pecSyncScreen) {
	ctx := u.ctx
	_, ok, err := u.Core.ProviderAdapter(ctx)
	s.configurato = ok && err == nil
	setVisible(s.NonConfigurato, !s.configurato)
	setEnabled(s.Sincronizza, s.configurato && !s.inCorso)

	u.refreshConflitti(s)
	st, err := u.Core.Registro.StatoSync(ctx)
	if err == nil {
		err = u.statoSyncAssistente(ctx, &st, len(s.conflitti))
	}
	if err != nil {
		s.Errore.SetText(lang.L("Stato della sincronizzazione non leggibile") + ": " + widgets.ErrorText(err))
		s.Errore.Show()
	} else {
		s.Errore.Hide()
		mostraStatoSync(s, st)
	}
}

// statoSyncAssistente counts, for an assistant, the changes waiting and
// the open conflicts of their own records only, as Info Servizio and the
// list below do (visibili: the conflicts the list shows).
func (u *UI) statoSyncAssistente(ctx context.Context, st *registro.StatoSync, visibili int) error {
	op := u.Core.Operatore()
	acc, err := u.Core.Registro.Accesso(ctx, op)
	if err != nil || acc.Rivenditore() {
		return err
	}
	info, err := u.Core.Registro.InfoServizio(ctx, op)
	if err != nil {
		return err
	}
	st.Pendenti, st.Conflitti = info.OutboxPendenti, visibili
	return nil
}

func mostraStatoSync(s *pecSyncScreen, st registro.StatoSync) {
	switch {
	case st.UltimoOK.IsZero() && st.UltimoErrore == "":
		s.Collegamento.SetText(lang.L("Nessuna sincronizzazione ancora eseguita"))
		s.Collegamento.Importance = widget.MediumImportance
	case st.Online:
		s.Collegamento.SetText(lang.L("Online"))
		s.Collegamento.Importance = widget.SuccessImportance
	default:
		s.Collegamento.SetText(lang.L("Non raggiungibile"))
		s.Collegamento.Importance = widget.DangerImportance
	}
	s.Collegamento.Refresh()
	s.Pendenti.SetText(widgets.FormatInt(st.Pendenti))
	s.Fallite.SetText(widgets.FormatInt(st.Fallite))
	s.Fallite.Importance = widget.MediumImportance
	if st.Fallite > 0 {
		s.Fallite.Importance = widget.DangerImportance
	}
	s.Fallite.Refresh()
	s.NumConflitti.SetText(widgets.FormatInt(st.Conflitti))
	s.NumConflitti.Importance = widget.MediumImportance
	if st.Conflitti > 0 {
		s.NumConflitti.Importance = widget.WarningImportance
	}
	s.NumConflitti.Refresh()
	if st.UltimoOK.IsZero() {
		s.UltimoOK.SetText(lang.L("mai"))
	} else {
		s.UltimoOK.SetText(dataOraIT(st.UltimoOK))
	}
	if st.UltimoErrore == "" {
		s.UltimoErrore.SetText(lang.L("nessuno"))
	} else {
		s.UltimoErrore.SetText(st.UltimoErrore)
	}
}

func (u *UI) refreshConflitti(s *pecSyncScreen) {
	var prima int64
	if s.scelto >= 0 && s.scelto < len(s.conflitti) {
		prima = s.conflitti[s.scelto].ID
	}
	cs, err := u.Core.Registro.Conflitti(u.ctx, u.Core.Operatore())
	s.conflitti, s.scelto = cs, -1
	s.Elenco.UnselectAll()
	s.Elenco.Refresh()
	switch {
	case err != nil:
		s.Vuoto.SetText(lang.L("Conflitti non leggibili") + ": " + widgets.ErrorText(err))
		s.Vuoto.Importance = widget.DangerImportance
		s.Vuoto.Show()
	case len(cs) == 0:
		s.Vuoto.SetText(lang.L("Nessun conflitto aperto."))
		s.Vuoto.Importance = widget.LowImportance
		s.Vuoto.Show()
	default:
		s.Vuoto.Hide()
	}
	s.Vuoto.Refresh()
	u.svuotaConflitto(s)
	for i, c := range cs {
		if c.ID == prima {
			s.Elenco.Select(i)
		}
	}
}

// svuotaConflitto shows no conflict.
func (u *UI) svuotaConflitto(s *pecSyncScreen) {
	s.scelto = -1
	s.Dettaglio.Hide()
	s.Righe = nil
	s.Tabella.Objects = nil
	s.Tabella.Refresh()
	s.TieniLocale.Disable()
	s.TieniRemoto.Disable()
	if len(s.conflitti) > 0 {
		s.Nota.Show()
	} else {
		s.Nota.Hide()
	}
}

// mostraConflitto shows the two versions of a conflict side by side.
func (u *UI) mostraConflitto(s *pecSyncScreen, i int) {
	if i < 0 || i >= len(s.conflitti) {
		return
	}
	c := s.conflitti[i]
	s.scelto = i
	s.Intestazione.SetText(entitaLabel(c.Entita) + " " + recordLabel(c) + " — " + lang.L("conflitto n. {{.N}}, rilevato il {{.Data}}",
		map[string]any{"N": c.ID, "Data": dataOra(c.RilevatoIl)}))
	testata := func(t string) *widget.Label {
		l := widget.NewLabel(t)
		l.TextStyle.Bold = true
		return l
	}
	// One grid per row, so that a value wrapped on two lines makes only its
	// own row taller; the fields that differ first.
	objs := []fyne.CanvasObject{container.NewGridWithColumns(3,
		testata(lang.L("Campo")), testata(lang.L("Versione locale")), testata(lang.L("Versione del gestore")))}
	campi := slices.Clone(c.Campi)
	slices.SortStableFunc(campi, func(a, b registro.CampoConflitto) int {
		switch {
		case a.Diverso == b.Diverso:
			return 0
		case a.Diverso:
			return -1
		}
		return 1
	})
	s.Righe = make([][3]*widget.Label, len(campi))
	for j, f := range campi {
		nome := widget.NewLabel(campoLabel(c.Entita, f.Campo))
		loc := widget.NewLabel(valoreCampo(f.Campo, f.Locale))
		rem := widget.NewLabel(valoreCampo(f.Campo, f.Remoto))
		for _, l := range []*widget.Label{nome, loc, rem} {
			l.Wrapping = fyne.TextWrapBreak
			if f.Diverso {
				l.TextStyle.Bold = true
				l.Importance = widget.DangerImportance
			}
		}
		s.Righe[j] = [3]*widget.Label{nome, loc, rem}
		objs = append(objs, container.NewGridWithColumns(3, nome, loc, rem))
	}
	s.Tabella.Objects = objs
	s.Tabella.Refresh()
	s.Nota.Hide()
	s.Dettaglio.Show()
	setEnabled(s.TieniLocale, !s.inCorso)
	setEnabled(s.TieniRemoto, !s.inCorso)
}

// chiediRisoluzione asks SI/NO, telling what the choice does, then resolves.
func (u *UI) chiediRisoluzione(s *pecSyncScreen, scelta registro.Scelta) {
	if s.scelto < 0 || s.scelto >= len(s.conflitti) {
		return
	}
	c := s.conflitti[s.scelto]
	dati := map[string]any{"Record": entitaLabel(c.Entita) + " " + recordLabel(c)}
	titolo := lang.L("Tieni la versione locale")
	msg := lang.L("{{.Record}}: la versione di Sportello sarà inviata di nuovo al gestore alla prossima sincronizzazione e sostituirà la sua. Le modifiche del gestore saranno perse. Continuare?", dati)
	if scelta == registro.TieniRemoto {
		titolo = lang.L("Tieni quella del gestore")
		msg = lang.L("{{.Record}}: la versione del gestore sarà applicata qui e le modifiche locali non ancora inviate saranno scartate. Continuare?", dati)
	}
	s.Conferma = widgets.Confirm(u.Win, titolo, msg, func() { u.risolviConflitto(s, c.ID, scelta) })
}

func (u *UI) risolviConflitto(s *pecSyncScreen, id int64, scelta registro.Scelta) {
	s.inCorso = true
	s.TieniLocale.Disable()
	s.TieniRemoto.Disable()
	s.Sincronizza.Disable()
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		err := u.Core.Registro.RisolviConflitto(u.ctx, op, id, scelta)
		return func() {
			s.inCorso = false
			switch {
			case errors.Is(err, registro.ErrConflittoChiuso):
				setEsito(s.Esito, lang.L("Il conflitto era già stato risolto."), widget.WarningImportance)
			case err != nil:
				setEsito(s.Esito, lang.L("Risoluzione non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
			case scelta == registro.TieniLocale:
				setEsito(s.Esito, lang.L("Conflitto n. {{.N}} risolto: la versione locale sarà inviata al gestore.", map[string]any{"N": id}),
					widget.SuccessImportance)
			default:
				setEsito(s.Esito, lang.L("Conflitto n. {{.N}} risolto: applicata la versione del gestore.", map[string]any{"N": id}),
					widget.SuccessImportance)
			}
			u.refreshPecSync(s)
		}
	})
}

// sincronizzaPec runs one sync round off the UI goroutine, then shows its
// outcome and reads the state again.
func (u *UI) sincronizzaPec(s *pecSyncScreen) {
	if s.inCorso {
		return
	}
	s.inCorso = true
	s.Sincronizza.Disable()
	s.TieniLocale.Disable()
	s.TieniRemoto.Disable()
	setEsito(s.Esito, lang.L("Sincronizzazione in corso…"), widget.MediumImportance)
	u.appIO().bg.Go(func() func() {
		ctx, cancel := context.WithTimeout(u.ctx, timeoutSync)
		defer cancel()
		a, ok, err := u.Core.ProviderAdapter(ctx)
		var es registro.Esito
		if err == nil && ok {
			es, err = u.Core.Registro.Sincronizza(ctx, a)
		}
		return func() {
			s.inCorso = false
			switch {
			case err != nil:
				setEsito(s.Esito, lang.L("Sincronizzazione non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
			case !ok:
				setEsito(s.Esito, lang.L("Gestore PEC non configurato: sportello-cli pec configura"), widget.WarningImportance)
			case es.Occupato:
				setEsito(s.Esito, lang.L("Un'altra sessione di Sportello sta già sincronizzando questo archivio: riprovare tra poco"),
					widget.WarningImportance)
			case es.Limitato > 0:
				setEsito(s.Esito, lang.L("Il gestore chiede di rallentare: riprovare tra {{.N}} secondi",
					map[string]any{"N": int(es.Limitato.Round(time.Second) / time.Second)}), widget.WarningImportance)
			case es.Offline:
				setEsito(s.Esito, lang.L("Gestore non raggiungibile: le modifiche restano in coda"), widget.WarningImportance)
			default:
				t := lang.L("Inviate {{.Inviate}}, ricevute {{.Ricevute}}, conflitti {{.Conflitti}}", map[string]any{
					"Inviate": es.Inviate, "Ricevute": es.Ricevute, "Conflitti": es.Conflitti})
				imp := widget.SuccessImportance
				if es.Fallite > 0 {
					t += ", " + lang.L("in errore {{.N}}", map[string]any{"N": es.Fallite})
					imp = widget.WarningImportance
				}
				if es.Conflitti > 0 {
					imp = widget.WarningImportance
				}
				setEsito(s.Esito, t, imp)
			}
			u.refreshPecSync(s)
		}
	})
}
