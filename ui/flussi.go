package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/ui/widgets"
)

// flussiScreen is Amministrazione del Sistema → App IO → Gestione Flussi:
// the flows (mass mailings imported from a spreadsheet), their detail with
// the send, and the wizard of a new flow. The views take turns in Stack;
// the list keeps its search while the others are shown.
type flussiScreen struct {
	Stack    *fyne.Container
	Lista    fyne.CanvasObject
	Panel    *widgets.SearchPanel
	Nuovo    *widget.Button // "Nuovo flusso"
	Detail   *flussoDetail  // the flow on show, nil on the list
	Wizard   *nuovoFlusso
	Notifica *notificaDetail // a notification of the flow on show
	// Riprendi is the offer to resume the flows an interrupted session
	// left "In invio", when made.
	Riprendi *widgets.ConfirmDialog
}

const (
	colFlussoUUID = iota
	colFlussoServizio
	colFlussoData
	colFlussoOra
	colFlussoNote
	colFlussoStato
	colFlussoTotale
)

type flussiSource struct {
	u       *UI
	servizi map[string]int64 // written before the first search only
}

func (s flussiSource) filtro(f widgets.Filter) flussi.FiltroFlussi {
	fl := flussi.FiltroFlussi{Note: f["note"], UUID: strings.ToLower(f["uuid"])}
	fl.ServizioID = idFiltro(s.servizi, f["servizio"])
	if v := f["stato"]; v != "" {
		fl.Stato = string(flussi.StatoFlussoByLabel(v))
	}
	fl.Dal, fl.Al = intervallo(f)
	return fl
}

func (s flussiSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Flussi.ContaFlussi(ctx, s.filtro(f))
}

func (s flussiSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	fs, err := s.u.Core.Flussi.Flussi(ctx, s.filtro(f), offset, limit)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, len(fs))
	for i, fl := range fs {
		rows[i] = []string{fl.UUID.String(), fl.Servizio, dataIT(fl.CreatoIl), oraIT(fl.CreatoIl), fl.Note,
			fl.Stato.Label(), widgets.FormatInt(fl.Totale)}
	}
	return rows, nil
}

func flussiView(u *UI) fyne.CanvasObject {
	u.appIO()
	s := &flussiScreen{}
	servizi := map[string]int64{}
	nomi := u.serviziIO(servizi)
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "servizio", Label: lang.L("Servizio"), Kind: widgets.FieldSelect, Options: nomi},
			{Key: "stato", Label: lang.L("Stato"), Kind: widgets.FieldSelect, Options: statiFlussoLabels()},
			{Key: "note", Label: lang.L("Note")},
			{Key: "dal", Label: lang.L("Data da"), Kind: widgets.FieldDate},
			{Key: "al", Label: lang.L("Data a"), Kind: widgets.FieldDate},
			{Key: "uuid", Label: lang.L("UUID"), Placeholder: lang.L("anche solo le prime cifre")},
		},
		Columns: []widgets.Column{
			{Title: lang.L("UUID"), Width: 292}, {Title: lang.L("Servizio"), Width: 160},
			{Title: lang.L("Data"), Width: 100}, {Title: lang.L("Ora"), Width: 58},
			{Title: lang.L("Note"), Width: 150}, {Title: lang.L("Stato"), Width: 105},
			{Title: lang.L("Totale"), Width: 68, Align: fyne.TextAlignTrailing},
		},
		Source: flussiSource{u: u, servizi: servizi},
	})
	s.Panel.OnOpen = func(row []string) {
		if id, err := uuid.Parse(row[colFlussoUUID]); err == nil {
			u.showFlusso(s, id)
		}
	}
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Nuovo flusso"), theme.ContentAddIcon(), func() { u.showNuovoFlusso(s) })
	hint := widget.NewLabel(lang.L("Doppio clic su un flusso per aprirne il dettaglio."))
	hint.Importance = widget.LowImportance
	s.Lista = container.NewBorder(container.NewHBox(s.Nuovo, hint), nil, nil, nil, s.Panel)
	s.Stack = container.NewStack(s.Lista)
	u.flussi = s
	s.Panel.Search()
	u.offriRipresa(s)
	return s.Stack
}

func (s *flussiScreen) show(o fyne.CanvasObject) {
	s.Stack.Objects = []fyne.CanvasObject{o}
	s.Stack.Refresh()
}

// showListaFlussi goes back to the list, keeping its search.
func (u *UI) showListaFlussi(s *flussiScreen) {
	s.Detail, s.Wizard, s.Notifica = nil, nil, nil
	s.show(s.Lista)
	u.sottotitolo()
	s.Panel.Reload()
}

// offriRipresa asks, once per session, whether to resume the flows an
// interrupted session (or a pause) left "In invio".
func (u *UI) offriRipresa(s *flussiScreen) {
	a := u.appIO()
	a.bg.Go(func() func() {
		fs, err := u.Core.Flussi.DaRiprendere(u.ctx)
		return func() {
			if err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			var nuovi []flussi.Flusso
			for _, f := range fs {
				if !a.offerti[f.UUID] && a.invii[f.UUID] == nil {
					nuovi = append(nuovi, f)
					a.offerti[f.UUID] = true
				}
			}
			if len(nuovi) == 0 || u.flussi != s {
				return
			}
			var b strings.Builder
			for _, f := range nuovi {
				note := f.Note
				if note == "" {
					note = f.UUID.String()[:8]
				}
				b.WriteString("• " + note + " (" + f.Servizio + ", " + dataIT(f.CreatoIl) + " " + oraIT(f.CreatoIl) + ")\n")
			}
			msg := lang.L("Questi flussi sono rimasti «In invio»: una sessione si è interrotta oppure l'invio è stato sospeso.") + "\n\n" + b.String()
			if !u.Core.Operatore().Ruolo.Almeno(operatori.RuoloOperatoreInvio) {
				dialog.ShowInformation(lang.L("Invii da riprendere"),
					msg+"\n"+lang.L("Un operatore abilitato all'invio può riprenderli dal dettaglio del flusso."), u.Win)
				return
			}
			s.Riprendi = widgets.Confirm(u.Win, lang.L("Invii da riprendere"), msg+"\n"+lang.L("Riprendere l'invio adesso?"), func() {
				for _, f := range nuovi {
					u.avviaInvio(f.UUID, nil)
				}
				if len(nuovi) == 1 {
					u.showFlusso(s, nuovi[0].UUID)
				} else {
					s.Panel.Reload()
				}
			})
		}
	})
}

// flussiDeep opens, from the command line, the wizard ("nuovo") or the
// newest flow whose notes contain arg ("TARI").
func flussiDeep(u *UI, arg string) {
	s := u.flussi
	if arg == "nuovo" {
		u.showNuovoFlusso(s)
		return
	}
	u.appIO().bg.Go(func() func() {
		fs, err := u.Core.Flussi.Flussi(u.ctx, flussi.FiltroFlussi{Note: arg}, 0, 1)
		if err != nil || len(fs) == 0 {
			return nil
		}
		return func() { u.showFlusso(s, fs[0].UUID) }
	})
}
