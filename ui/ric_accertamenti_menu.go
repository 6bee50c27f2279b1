package ui

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// riconciliazioneAccertamentoScreens are the windows of this part of the menu, in order.
func riconciliazioneAccertamentoScreens() []Screen {
	path := []string{lang.L("Riconciliazione"), lang.L("Accertamento")}
	return []Screen{
		{ID: "ric-accertamenti", Path: path, Title: lang.L("Gestione Accertamenti"), Role: operatori.RuoloOperatore,
			View: accGestioneView, Deep: accGestioneDeep},
		{ID: "ric-accertamento-nuovo", Path: path, Title: lang.L("Crea Nuovo"), Role: operatori.RuoloOperatore, View: accNuovoView},
		{ID: "ric-capitoli", Path: path, Title: lang.L("Anagrafiche capitoli"), Role: operatori.RuoloOperatore,
			View: accAnagraficheView, Deep: accAnagraficheDeep},
	}
}

// accSchermo is the window of this menu on screen, if it is of type T:
// each window is a widget of its own, found where the shell put it.
func accSchermo[T fyne.CanvasObject](u *UI) (T, bool) {
	var zero T
	if u.main == nil || len(u.main.Content.Objects) == 0 {
		return zero, false
	}
	s, ok := u.main.Content.Objects[0].(T)
	return s, ok
}

// accEuro is an amount the Italian way, "0,00" included.
func accEuro(cents int64) string { return pagopa.FormattaImporto(cents) }

func accStatoLabel(s string) string {
	switch s {
	case store.RicAccertamentoAperto:
		return lang.L("Aperto")
	case store.RicAccertamentoChiuso:
		return lang.L("Chiuso")
	}
	return s
}

func accStatoByLabel(l string) string {
	for _, s := range []string{store.RicAccertamentoAperto, store.RicAccertamentoChiuso} {
		if accStatoLabel(s) == l {
			return s
		}
	}
	return ""
}

func accAttivoLabel(b bool) string {
	if b {
		return lang.L("Attivo")
	}
	return lang.L("Disattivato")
}

// accAnnoLabel is a year as the lists show it.
func accAnnoLabel(anno int) string {
	if anno == 0 {
		return lang.L("qualsiasi")
	}
	return strconv.Itoa(anno)
}

// accBilancio is what a debt record's bilancio names: ufficio / capitolo / accertamento.
func accBilancio(p store.RicPagamentoAcc) string {
	var parti []string
	for _, s := range []string{p.Ufficio, p.Capitolo, p.Accertamento} {
		if s != "" {
			parti = append(parti, s)
		}
	}
	return strings.Join(parti, " / ")
}

// accSelezione is a key chosen on the UI goroutine and read by a Source
// off it.
type accSelezione[T any] struct{ p atomic.Pointer[T] }

func (s *accSelezione[T]) set(v *T) { s.p.Store(v) }
func (s *accSelezione[T]) get() *T  { return s.p.Load() }

// ---- the offices, as a list and as a lookup

const (
	colAccUfficioCodice = iota
	colAccUfficioDenominazione
	colAccUfficioStato
	colAccUfficioTesto // not shown: "codice — denominazione"
)

type accUfficiSource struct {
	u          *UI
	soloAttivi bool
}

func (s accUfficiSource) filtro(f widgets.Filter) store.FiltroRicUffici {
	return store.FiltroRicUffici{Testo: f["testo"], SoloAttivi: s.soloAttivi}
}

func (s accUfficiSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaUffici(ctx, s.filtro(f))
}

func (s accUfficiSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	list, err := s.u.Core.Riconciliazione.Uffici(ctx, s.filtro(f), offset, limit)
	rows := make([][]string, len(list))
	for i, x := range list {
		rows[i] = []string{x.Codice, x.Denominazione, accAttivoLabel(x.Attivo), accCodiceTesto(x.Codice, x.Denominazione)}
	}
	return rows, err
}

func accCodiceTesto(codice, testo string) string {
	if testo == "" {
		return codice
	}
	return codice + " — " + testo
}

func accUfficiColonne() []widgets.Column {
	return []widgets.Column{{Title: lang.L("Codice"), Width: 100}, {Title: lang.L("Denominazione"), Width: 140},
		{Title: lang.L("Stato"), Width: 80}}
}

// ---- the chapters of an office, as a list and as a lookup

const (
	colAccCapitoloCodice = iota
	colAccCapitoloAnno
	colAccCapitoloDescrizione
	colAccCapitoloStato
	colAccCapitoloChiave // not shown: codice, "\x1f", anno
	colAccCapitoloTesto  // not shown: "codice — descrizione"
)

// accChiaveCapitolo packs a chapter's code and year in one lookup value;
// accLeggiCapitolo unpacks it (a code typed by hand has no year: -1).
func accChiaveCapitolo(codice string, anno int) string { return codice + "\x1f" + strconv.Itoa(anno) }

func accLeggiCapitolo(v string) (string, int) {
	codice, anno, ok := strings.Cut(v, "\x1f")
	if !ok {
		return strings.TrimSpace(v), -1
	}
	n, _ := strconv.Atoi(anno)
	return codice, n
}

type accCapitoliSource struct {
	u          *UI
	ufficio    *accSelezione[string]
	soloAttivi bool
}

func (s accCapitoliSource) filtro(f widgets.Filter) (store.FiltroRicCapitoli, bool) {
	u := s.ufficio.get()
	if u == nil {
		return store.FiltroRicCapitoli{}, false
	}
	return store.FiltroRicCapitoli{Ufficio: *u, Testo: f["testo"], SoloAttivi: s.soloAttivi}, true
}

func (s accCapitoliSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	fl, ok := s.filtro(f)
	if !ok {
		return 0, nil
	}
	return s.u.Core.Riconciliazione.ContaCapitoli(ctx, fl)
}

func (s accCapitoliSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	fl, ok := s.filtro(f)
	if !ok {
		return nil, nil
	}
	list, err := s.u.Core.Riconciliazione.Capitoli(ctx, fl, offset, limit)
	rows := make([][]string, len(list))
	for i, c := range list {
		rows[i] = []string{c.Codice, accAnnoLabel(c.Anno), c.Descrizione, accAttivoLabel(c.Attivo), accChiaveCapitolo(c.Codice, c.Anno),
			accCodiceTesto(c.Codice, c.Descrizione)}
	}
	return rows, err
}

func accCapitoliColonne() []widgets.Column {
	return []widgets.Column{{Title: lang.L("Codice"), Width: 80}, {Title: lang.L("Anno"), Width: 65},
		{Title: lang.L("Descrizione"), Width: 140}, {Title: lang.L("Stato"), Width: 85}}
}

// ---- assessments

const (
	colAccUfficio = iota
	colAccCapitolo
	colAccAnno
	colAccCodice
	colAccDescrizione
	colAccPrevisto
	colAccAssociato
	colAccNPagamenti
	colAccStato
	colAccID // not shown
)

type accAccertamentiSource struct {
	u *UI
	// totali, when set, hears the totals of each search (off the UI goroutine).
	totali func(ctx context.Context, t store.RicTotaliAccertamenti, err error)
}

func (s accAccertamentiSource) filtro(f widgets.Filter) (store.FiltroRicAccertamenti, error) {
	anno, err := riconciliazione.LeggiAnno(lang.L("Anno"), f["anno"])
	return store.FiltroRicAccertamenti{Ufficio: f["ufficio"], Capitolo: strings.TrimSpace(f["capitolo"]), Anno: anno,
		Codice: f["codice"], Stato: accStatoByLabel(f["stato"])}, err
}

func (s accAccertamentiSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	fl, err := s.filtro(f)
	var t store.RicTotaliAccertamenti
	if err == nil {
		t, err = s.u.Core.Riconciliazione.TotaliAccertamenti(ctx, fl)
	}
	if s.totali != nil {
		s.totali(ctx, t, err)
	}
	return t.N, err
}

func (s accAccertamentiSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	fl, err := s.filtro(f)
	if err != nil {
		return nil, err
	}
	list, err := s.u.Core.Riconciliazione.Accertamenti(ctx, fl, offset, limit)
	rows := make([][]string, len(list))
	for i, a := range list {
		rows[i] = []string{a.Ufficio, a.Capitolo, accAnnoLabel(a.Anno), a.Codice, a.Descrizione, accEuro(a.Importo),
			accEuro(a.ImportoAssociato), widgets.FormatInt(a.NPagamenti), accStatoLabel(a.Stato), strconv.FormatInt(a.ID, 10)}
	}
	return rows, err
}

func accAccertamentiColonne() []widgets.Column {
	return []widgets.Column{{Title: lang.L("Ufficio"), Width: 115}, {Title: lang.L("Capitolo"), Width: 85},
		{Title: lang.L("Anno"), Width: 60}, {Title: lang.L("Codice"), Width: 90}, {Title: lang.L("Descrizione"), Width: 250},
		{Title: lang.L("Previsto"), Width: 110, Align: fyne.TextAlignTrailing},
		{Title: lang.L("Associato"), Width: 110, Align: fyne.TextAlignTrailing},
		{Title: lang.L("Pagamenti"), Width: 100, Align: fyne.TextAlignTrailing}, {Title: lang.L("Stato"), Width: 70}}
}

// accTotaliTesto is the line under a list of assessments.
func accTotaliTesto(t store.RicTotaliAccertamenti) string {
	return lang.L("Totale: {{.N}} accertamenti · previsto {{.Previsto}} € · associato {{.Associato}} € · {{.Pagamenti}} pagamenti",
		map[string]any{"N": widgets.FormatInt(t.N), "Previsto": accEuro(t.ImportoPrevisto), "Associato": accEuro(t.ImportoAssociato),
			"Pagamenti": widgets.FormatInt(t.NPagamenti)})
}

// accNota is a grey hint line.
func accNota(testo string) *widget.Label {
	l := widget.NewLabel(testo)
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// accBloccaCampi keeps the keys of a DetailForm read-only while it is
// edited (codes that name a record).
func accBloccaCampi(f *widgets.DetailForm, keys ...string) {
	prev := f.OnEditing
	f.OnEditing = func(editing bool) {
		if editing {
			for _, k := range keys {
				if e, ok := f.Entries[k]; ok {
					e.Disable()
				}
			}
		}
		if prev != nil {
			prev(editing)
		}
	}
}
