package ui

import (
	"context"
	"errors"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/ui/widgets"
)

// appIOState is what the App IO windows (Gestione Flussi, Archivio
// Notifiche) share beyond one screen: the sends running in this session,
// which go on when the clerk opens another window, and the runner of their
// background work, which tests wait for.
type appIOState struct {
	bg    *widgets.Background
	invii map[uuid.UUID]*invioInCorso
	// offerti are the interrupted flows already offered for resuming in
	// this session: the question is asked once.
	offerti map[uuid.UUID]bool
}

// invioInCorso is one flow being sent by this session. Its fields are
// touched on the UI goroutine only.
type invioInCorso struct {
	flusso uuid.UUID
	cancel context.CancelFunc
	last   jobs.Progress
	// The flow's detail on show, if any, hears progress and the end.
	onProgress func(jobs.Progress)
	onEnd      func(error)
}

func (u *UI) appIO() *appIOState {
	if u.appio == nil {
		u.appio = &appIOState{bg: widgets.NewBackground(), invii: map[uuid.UUID]*invioInCorso{}, offerti: map[uuid.UUID]bool{}}
	}
	return u.appio
}

// avviaInvio sends (or resumes) a flow in the background; prep, if not
// nil, runs first on the same goroutine (a retry that re-queues items).
// The run outlives the screen; a second call while it runs returns it.
func (u *UI) avviaInvio(id uuid.UUID, prep func(ctx context.Context) error) *invioInCorso {
	a := u.appIO()
	if r, ok := a.invii[id]; ok {
		return r
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &invioInCorso{flusso: id, cancel: cancel}
	a.invii[id] = r
	op := u.Core.Operatore()
	a.bg.Go(func() func() {
		var err error
		if prep != nil {
			err = prep(ctx)
		}
		if err == nil {
			err = u.Core.Flussi.Invia(ctx, op, id, func(p jobs.Progress) {
				a.bg.Do(func() {
					r.last = p
					if r.onProgress != nil {
						r.onProgress(p)
					}
				})
			})
		}
		return func() {
			cancel()
			delete(a.invii, id)
			switch {
			case r.onEnd != nil:
				r.onEnd(err)
			case err != nil && !errors.Is(err, jobs.ErrPaused) && !errors.Is(err, jobs.ErrCancelled):
				// Nobody is looking at the flow: say it wherever the clerk is.
				widgets.ShowError(u.Win, errors.New(lang.L("Invio del flusso {{.UUID}} interrotto", map[string]any{"UUID": id.String()})+": "+widgets.ErrorText(err)))
			}
		}
	})
	return r
}

// sottotitolo appends parts to the window's title (Gestione Flussi › Flusso …).
func (u *UI) sottotitolo(parts ...string) {
	if u.main == nil {
		return
	}
	s, ok := u.main.screens[u.main.Current]
	if !ok {
		return
	}
	all := append(append(append([]string{}, s.Path...), s.Title), parts...)
	u.main.Title.SetText(strings.Join(all, " › "))
}

// serviziIO lists every configured App IO service (active or not, for the
// filters) and fills byName.
func (u *UI) serviziIO(byName map[string]int64) []string {
	list, err := u.Core.Impostazioni.ServiziIO(u.ctx)
	if err != nil {
		return nil
	}
	var nomi []string
	for _, sv := range list {
		byName[sv.Nome] = sv.ID
		nomi = append(nomi, sv.Nome)
	}
	return nomi
}

// serviziAttivi are the services a new flow or notification can use.
func (u *UI) serviziAttivi() ([]flussi.Servizio, []string) {
	ss, err := u.Core.Flussi.Servizi(u.ctx)
	if err != nil {
		return nil, nil
	}
	nomi := make([]string, len(ss))
	for i, sv := range ss {
		nomi[i] = sv.Nome
	}
	return ss, nomi
}

func statiFlussoLabels() []string {
	out := make([]string, len(flussi.StatiFlusso))
	for i, s := range flussi.StatiFlusso {
		out[i] = s.Label()
	}
	return out
}

func statiInvioLabels() []string {
	out := make([]string, len(flussi.StatiInvio))
	for i, s := range flussi.StatiInvio {
		out[i] = s.Label()
	}
	return out
}

// consegnaLabel names a delivery state for the clerk, keeping App IO's
// code: "Recapitata (PROCESSED)".
func consegnaLabel(code string) string {
	var l string
	switch code {
	case "":
		return ""
	case flussi.ConsegnaAccettata:
		l = lang.L("Accettata")
	case flussi.ConsegnaRallentata:
		l = lang.L("Rallentata")
	case flussi.ConsegnaRecapitata:
		l = lang.L("Recapitata")
	case flussi.ConsegnaRifiutata:
		l = lang.L("Rifiutata")
	case flussi.ConsegnaFallita:
		l = lang.L("Fallita")
	default:
		return code
	}
	return l + " (" + code + ")"
}

// consegnaBreve is the delivery state in a table: the Italian word only.
func consegnaBreve(code string) string {
	if l, _, ok := strings.Cut(consegnaLabel(code), " ("); ok {
		return l
	}
	return code
}

func statiConsegnaLabels() []string {
	out := make([]string, len(flussi.StatiConsegna))
	for i, s := range flussi.StatiConsegna {
		out[i] = consegnaLabel(s)
	}
	return out
}

// consegnaByLabel is the inverse of consegnaLabel.
func consegnaByLabel(l string) string {
	for _, s := range flussi.StatiConsegna {
		if consegnaLabel(s) == l {
			return s
		}
	}
	return ""
}

// canaleLabel names the state of a notification channel (e-mail, push),
// of the reading and of the payment, keeping App IO's code.
func canaleLabel(code string) string {
	var l string
	switch code {
	case "":
		return ""
	case "SENT":
		l = lang.L("Inviata")
	case "THROTTLED":
		l = lang.L("Rallentata")
	case "EXPIRED":
		l = lang.L("Scaduta")
	case "FAILED":
		l = lang.L("Non riuscita")
	case "READ":
		l = lang.L("Letta")
	case "UNREAD":
		l = lang.L("Non letta")
	case "UNAVAILABLE":
		l = lang.L("Non disponibile")
	case "PAID":
		l = lang.L("Pagata")
	case "NOT_PAID":
		l = lang.L("Non pagata")
	default:
		return code
	}
	return l + " (" + code + ")"
}

// idFiltro is the ID of the name chosen in a filter (a service, a tipo
// dovuto): 0 for any, -1 for a name no longer configured (nothing matches).
func idFiltro(byName map[string]int64, nome string) int64 {
	if nome == "" {
		return 0
	}
	if id, ok := byName[nome]; ok {
		return id
	}
	return -1
}

// intervallo is the "Data da" / "Data a" filter as [dal, al): al is the
// start of the day after the one chosen.
func intervallo(f widgets.Filter) (dal, al time.Time) {
	dal = giorno(f["dal"])
	if a := giorno(f["al"]); !a.IsZero() {
		al = a.AddDate(0, 0, 1)
	}
	return dal, al
}

// giorno reads a filter date (yyyy-mm-dd) as the start of that day in Italy.
func giorno(iso string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", iso, widgets.Zone)
	if err != nil {
		return time.Time{}
	}
	return t
}

func dataIT(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(widgets.Zone).Format("02/01/2006")
}

func oraIT(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(widgets.Zone).Format("15:04")
}

// dataOraBreve is date and time without seconds, for tables.
func dataOraBreve(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(widgets.Zone).Format("02/01/2006 15:04")
}

func dataOraIT(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(widgets.Zone).Format("02/01/2006 15:04:05")
}

func siNoLabel(b bool) string {
	if b {
		return lang.L("sì")
	}
	return lang.L("no")
}

func euro(cents int64) string {
	if cents == 0 {
		return ""
	}
	return flussi.FormatImporto(cents) + " €"
}

func itoa(n int) string { return strconv.Itoa(n) }

// plurale picks the singular text for one, the plural one otherwise.
func plurale(n int, uno, molti string) string {
	if n == 1 {
		return uno
	}
	return molti
}

func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// esitoLabel is a line telling the outcome of the last action.
func esitoLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func setEsito(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
	setVisible(l, text != "")
}

// pulsantiTheme greys disabled buttons out as Fyne does: the Sportello
// theme darkens disabled text so that read-only forms stay legible, which
// makes a disabled action look like an enabled one.
type pulsantiTheme struct{ fyne.Theme }

func (t pulsantiTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameDisabled {
		return theme.DefaultTheme().Color(n, theme.VariantLight)
	}
	return t.Theme.Color(n, v)
}

// pulsanti wraps a row of actions whose disabled buttons must look disabled.
// Refresh it after showing a button that was hidden: Fyne applies the
// override to the parts a widget has when the override is walked, and a
// hidden button's label came later (dark, as if enabled).
func pulsanti(o fyne.CanvasObject) *container.ThemeOverride {
	return container.NewThemeOverride(o, pulsantiTheme{sportelloTheme{}})
}
