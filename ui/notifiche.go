package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/ui/widgets"
)

// notificheScreen is Amministrazione del Sistema → App IO → Archivio
// Notifiche: every notification, of flows and single ones, with the form
// of a new single notification for operators allowed to send.
type notificheScreen struct {
	Stack  *fyne.Container // the view on show: Lista, Detail or Form
	Lista  fyne.CanvasObject
	Panel  *widgets.SearchPanel
	Nuovo  *widget.Button // hidden for operators not allowed to send
	Detail *notificaDetail
	Form   *nuovaNotifica
}

// Columns of the archive; each row carries the notification's UUID after them.
const (
	colArchivioData = iota
	colArchivioServizio
	colArchivioCF
	colArchivioOggetto
	colArchivioInvio
	colArchivioConsegna
	colArchivioImporto
	colArchivioFlusso
	colArchivioUUID // not shown
)

// notificheSource pages notifications through core; base holds the fixed
// part of the filter (a flow's ID in its detail).
type notificheSource struct {
	u       *UI
	base    flussi.FiltroNotifiche
	servizi map[string]int64 // by name; written before the first search only
	row     func(n flussi.Notifica) []string
}

func (s notificheSource) filtro(f widgets.Filter) flussi.FiltroNotifiche {
	fl := s.base
	if v := f["cf"]; v != "" {
		fl.CodiceFiscale = strings.ToUpper(v)
	}
	fl.ServizioID = idFiltro(s.servizi, f["servizio"])
	if v := f["invio"]; v != "" {
		fl.StatoInvio = string(flussi.StatoInvioByLabel(v))
	}
	if v := f["consegna"]; v != "" {
		fl.StatoConsegna = consegnaByLabel(v)
	}
	fl.Dal, fl.Al = intervallo(f)
	if v := f["oggetto"]; v != "" {
		fl.Oggetto = v
	}
	if v := f["uuid"]; v != "" {
		fl.UUID = v
	}
	return fl
}

func (s notificheSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Flussi.ContaNotifiche(ctx, s.filtro(f))
}

func (s notificheSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	ns, err := s.u.Core.Flussi.Notifiche(ctx, s.filtro(f), offset, limit)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, len(ns))
	for i, n := range ns {
		rows[i] = s.row(n)
	}
	return rows, nil
}

// export writes the notifications matching f with EsportaNotifiche; the
// file appears at path only when complete.
func (s notificheSource) export(ctx context.Context, f widgets.Filter, path string) error {
	report := widgets.ReportFrom(ctx)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sportello-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	formato := "xlsx"
	if widgets.IsCSV(path) {
		formato = "csv"
	}
	err = s.u.Core.Flussi.EsportaNotifiche(ctx, s.filtro(f), tmp, formato, func(done, total int) {
		report(done, total, lang.L("Righe esportate: {{.Fatte}} di {{.Totale}}",
			map[string]any{"Fatte": widgets.FormatInt(done), "Totale": widgets.FormatInt(total)}))
	})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func flussoBreve(id uuid.UUID) string {
	if id == uuid.Nil {
		return lang.L("singola")
	}
	return id.String()[:8]
}

func rigaArchivio(n flussi.Notifica) []string {
	return []string{dataOraBreve(n.CreataIl), n.Servizio, n.CodiceFiscale, n.Oggetto, n.StatoInvio.Label(),
		consegnaBreve(n.StatoConsegna), flussi.FormatImporto(n.Importo), flussoBreve(n.FlussoUUID), n.UUID.String()}
}

// notificheFields are the archive's filters; the flow's detail uses the
// first ones.
func notificheFields(servizi []string) []widgets.Field {
	return []widgets.Field{
		{Key: "cf", Label: lang.L("Codice fiscale")},
		{Key: "servizio", Label: lang.L("Servizio"), Kind: widgets.FieldSelect, Options: servizi},
		{Key: "invio", Label: lang.L("Stato invio"), Kind: widgets.FieldSelect, Options: statiInvioLabels()},
		{Key: "consegna", Label: lang.L("Stato consegna"), Kind: widgets.FieldSelect, Options: statiConsegnaLabels()},
		{Key: "oggetto", Label: lang.L("Oggetto")},
		{Key: "dal", Label: lang.L("Data da"), Kind: widgets.FieldDate},
		{Key: "al", Label: lang.L("Data a"), Kind: widgets.FieldDate},
	}
}

func notificheView(u *UI) fyne.CanvasObject {
	u.appIO()
	s := &notificheScreen{}
	servizi := map[string]int64{}
	src := notificheSource{u: u, servizi: servizi, row: rigaArchivio}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: notificheFields(u.serviziIO(servizi)),
		Columns: []widgets.Column{
			{Title: lang.L("Data"), Width: 122}, {Title: lang.L("Servizio"), Width: 130},
			{Title: lang.L("Codice fiscale"), Width: 158}, {Title: lang.L("Oggetto"), Width: 170},
			{Title: lang.L("Stato invio"), Width: 130}, {Title: lang.L("Stato consegna"), Width: 100},
			{Title: lang.L("Importo"), Width: 70, Align: fyne.TextAlignTrailing}, {Title: lang.L("Flusso"), Width: 72},
		},
		Source:     src,
		Export:     src.export,
		ExportName: "notifiche.xlsx",
	})
	s.Panel.OnOpen = func(row []string) {
		id, err := uuid.Parse(row[colArchivioUUID])
		if err == nil {
			u.showNotificaArchivio(s, id)
		}
	}
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Nuovo"), theme.ContentAddIcon(), func() { u.showNuovaNotifica(s) })
	if !u.Core.Operatore().Ruolo.Almeno(operatori.RuoloOperatoreInvio) {
		s.Nuovo.Hide()
	}
	hint := widget.NewLabel(lang.L("Doppio clic su una notifica per aprirne il dettaglio."))
	hint.Importance = widget.LowImportance
	s.Lista = container.NewBorder(container.NewHBox(s.Nuovo, hint), nil, nil, nil, s.Panel)
	s.Stack = container.NewStack(s.Lista)
	u.notifiche = s
	s.Panel.Search()
	return s.Stack
}

func (s *notificheScreen) show(o fyne.CanvasObject) {
	s.Stack.Objects = []fyne.CanvasObject{o}
	s.Stack.Refresh()
}

// showLista goes back to the list, keeping the search ("Torna Elenco") or
// with the filters cleared ("Altra Ricerca").
func (u *UI) showListaNotifiche(s *notificheScreen, altra bool) {
	s.Detail, s.Form = nil, nil
	s.show(s.Lista)
	u.sottotitolo()
	if altra {
		s.Panel.Clear()
		s.Panel.Search()
	} else {
		s.Panel.Reload()
	}
}

func (u *UI) showNotificaArchivio(s *notificheScreen, id uuid.UUID) {
	s.Form = nil
	s.Detail = u.newNotificaDetail(id, func() { u.showListaNotifiche(s, false) }, func() { u.showListaNotifiche(s, true) })
	s.show(s.Detail.View)
}

// notificheDeep opens, from the command line, the form of a new
// notification ("nuova") or the newest one whose subject contains arg.
func notificheDeep(u *UI, arg string) {
	s := u.notifiche
	if arg == "nuova" {
		u.showNuovaNotifica(s)
		return
	}
	u.appIO().bg.Go(func() func() {
		ns, err := u.Core.Flussi.Notifiche(u.ctx, flussi.FiltroNotifiche{Oggetto: arg}, 0, 1)
		if err != nil || len(ns) == 0 {
			return nil
		}
		return func() { u.showNotificaArchivio(s, ns[0].UUID) }
	})
}
