package ui

import (
	"bytes"
	"context"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/ui/widgets"
)

// cruscottoScreen is Pagamenti → Cruscotto Pagamenti: every notice
// Sportello generated, searchable, with its detail and its PDF.
type cruscottoScreen struct {
	Panel    *widgets.SearchPanel
	Aggiorna *widget.Button // states from pagoPA (paid, expired, cancelled)
	Esito    *widget.Label
	// Dettaglio is the last detail shown and SalvaPDF its button (tests).
	Dettaglio *dialog.CustomDialog
	SalvaPDF  *widget.Button
}

const (
	colCruscottoAvviso = iota
	colCruscottoIntestatario
	colCruscottoDebitore
	colCruscottoImporto
	colCruscottoScadenza
	colCruscottoTipo
	colCruscottoStato
	colCruscottoStatoPA
	colCruscottoLotto
	colCruscottoIUV // not shown
)

type cruscottoSource struct {
	u    *UI
	tipi map[string]int64
}

func (s cruscottoSource) filtro(f widgets.Filter) avvisi.FiltroAvvisi {
	return avvisi.FiltroAvvisi{TipoDovutoID: idFiltro(s.tipi, f["tipo"]), Stato: statoAvvisoByLabel(f["stato"]),
		StatoGPD: statoPagoPAByLabel(f["pagopa"]), Debitore: f["debitore"], Codice: f["codice"], Intestatario: f["intestatario"],
		LottoUUID: f["lotto"]}
}

func (s cruscottoSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	return s.u.Core.Avvisi.ContaAvvisi(ctx, s.filtro(f))
}

func (s cruscottoSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	rs, err := s.u.Core.Avvisi.Avvisi(ctx, s.filtro(f), offset, limit)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, len(rs))
	for i, r := range rs {
		debitore := r.CodiceFiscale
		if debitore == "" {
			debitore = r.PartitaIVA
		}
		rows[i] = []string{pagopa.FormattaCodiceAvviso(r.CodiceAvviso), r.Intestazione, debitore, pagopa.FormattaImporto(r.Centesimi),
			dataISOIT(r.Scadenza), r.TipoDovuto, statoAvvisoLabel(r.Stato), statoPagoPALabel(r.StatoGPD), r.LottoUUID[:8], r.IUV}
	}
	return rows, nil
}

var (
	statiAvviso = []string{avvisi.StatoDaGenerare, avvisi.StatoGenerato, avvisi.StatoErrore}
	statiPagoPA = []string{pagopa.StatoValida, pagopa.StatoPagata, pagopa.StatoScaduta, pagopa.StatoAnnullata}
)

func statoAvvisoLabel(s string) string {
	switch s {
	case avvisi.StatoDaGenerare:
		return lang.L("Da generare")
	case avvisi.StatoGenerato:
		return lang.L("Generato")
	case avvisi.StatoErrore:
		return lang.L("Errore")
	}
	return s
}

func statoPagoPALabel(s string) string {
	switch s {
	case pagopa.StatoValida:
		return lang.L("Da pagare")
	case pagopa.StatoPagata:
		return lang.L("Pagato")
	case pagopa.StatoScaduta:
		return lang.L("Scaduto")
	case pagopa.StatoAnnullata:
		return lang.L("Annullato")
	}
	return s
}

func statoAvvisoByLabel(l string) string {
	for _, s := range statiAvviso {
		if statoAvvisoLabel(s) == l {
			return s
		}
	}
	return ""
}

func statoPagoPAByLabel(l string) string {
	for _, s := range statiPagoPA {
		if statoPagoPALabel(s) == l {
			return s
		}
	}
	return ""
}

// dataISOIT turns 2027-01-31 into 31/01/2027.
func dataISOIT(iso string) string {
	if p := strings.Split(iso, "-"); len(p) == 3 {
		return p[2] + "/" + p[1] + "/" + p[0]
	}
	return iso
}

func cruscottoView(u *UI) fyne.CanvasObject {
	s := &cruscottoScreen{}
	tipi := map[string]int64{}
	var nomi []string
	if list, err := u.Core.Avvisi.TipiDovuto(u.ctx); err == nil {
		for _, t := range list {
			tipi[t.Codice] = t.ID
			nomi = append(nomi, t.Codice)
		}
	}
	labels := func(ss []string, f func(string) string) []string {
		out := make([]string, len(ss))
		for i, x := range ss {
			out[i] = f(x)
		}
		return out
	}
	src := cruscottoSource{u: u, tipi: tipi}
	cols := []widgets.Column{
		{Title: lang.L("Codice avviso"), Width: 172}, {Title: lang.L("Intestatario"), Width: 170},
		{Title: lang.L("Codice fiscale / P. IVA"), Width: 158}, {Title: lang.L("Importo"), Width: 80, Align: fyne.TextAlignTrailing},
		{Title: lang.L("Scadenza"), Width: 100}, {Title: lang.L("Tipo dovuto"), Width: 100}, {Title: lang.L("Stato"), Width: 90},
		{Title: lang.L("Pagamento"), Width: 85}, {Title: lang.L("Lotto"), Width: 80},
	}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "tipo", Label: lang.L("Tipo dovuto"), Kind: widgets.FieldSelect, Options: nomi},
			{Key: "pagopa", Label: lang.L("Stato pagamento"), Kind: widgets.FieldSelect, Options: labels(statiPagoPA, statoPagoPALabel)},
			{Key: "stato", Label: lang.L("Stato generazione"), Kind: widgets.FieldSelect, Options: labels(statiAvviso, statoAvvisoLabel)},
			{Key: "debitore", Label: lang.L("Codice fiscale / P. IVA")},
			{Key: "codice", Label: lang.L("Codice avviso / IUV")},
			{Key: "intestatario", Label: lang.L("Intestatario")},
			{Key: "lotto", Label: lang.L("Lotto")},
		},
		Columns:    cols,
		Source:     src,
		Export:     widgets.ExportFile(src, lang.L("Avvisi"), append(cols, widgets.Column{Title: "IUV"})),
		ExportName: "avvisi-pagopa.xlsx",
	})
	s.Panel.OnOpen = func(row []string) { u.showAvvisoCruscotto(s, row) }
	hint := widget.NewLabel(lang.L("Doppio clic su un avviso per il dettaglio e il PDF."))
	hint.Importance = widget.LowImportance
	s.Esito = esitoLabel()
	s.Aggiorna = widget.NewButtonWithIcon(lang.L("Aggiorna stati da pagoPA"), theme.ViewRefreshIcon(), func() { u.aggiornaCruscotto(s) })
	u.cruscotto = s
	s.Panel.Search()
	return container.NewBorder(container.NewVBox(container.NewHBox(s.Aggiorna, hint), s.Esito), nil, nil, nil, s.Panel)
}

// showAvvisoCruscotto shows a notice's data and offers its PDF.
func (u *UI) showAvvisoCruscotto(s *cruscottoScreen, row []string) {
	form := widget.NewForm()
	for i, c := range []string{lang.L("Codice avviso"), lang.L("Intestatario"), lang.L("Codice fiscale / P. IVA"), lang.L("Importo"),
		lang.L("Scadenza"), lang.L("Tipo dovuto"), lang.L("Stato"), lang.L("Pagamento"), lang.L("Lotto")} {
		form.Append(c, widget.NewLabel(row[i]))
	}
	iuv := row[colCruscottoIUV]
	s.SalvaPDF = widget.NewButtonWithIcon(lang.L("Salva PDF dell'avviso"), theme.DocumentSaveIcon(), func() {
		widgets.ShowFileSave(u.Win, "avviso-"+iuv+".pdf", []string{".pdf"}, func(path string) { u.salvaPDFAvviso(iuv, path) })
	})
	s.Dettaglio = dialog.NewCustom(lang.L("Avviso di pagamento"), lang.L("Chiudi"), container.NewVBox(form, s.SalvaPDF), u.Win)
	s.Dettaglio.Resize(fyne.NewSize(560, 0))
	s.Dettaglio.Show()
}

// salvaPDFAvviso prints the notice off the UI goroutine and writes it.
func (u *UI) salvaPDFAvviso(iuv, path string) {
	u.appIO().bg.Go(func() func() {
		var buf bytes.Buffer
		err := u.Core.Avvisi.StampaPDF(u.ctx, iuv, &buf)
		if err == nil {
			err = os.WriteFile(path, buf.Bytes(), 0o644)
		}
		return func() {
			if err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			dialog.ShowInformation(lang.L("Avviso di pagamento"), lang.L("PDF salvato")+": "+path, u.Win)
		}
	})
}

// aggiornaCruscotto asks GPD where the published notices stand (paid,
// expired, cancelled) off the UI goroutine, then lists again.
func (u *UI) aggiornaCruscotto(s *cruscottoScreen) {
	s.Aggiorna.Disable()
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		n, err := u.Core.Avvisi.AggiornaStati(u.ctx, op, u.Core.Impostazioni, 5000)
		return func() {
			s.Aggiorna.Enable()
			if err != nil {
				setEsito(s.Esito, lang.L("Aggiornamento non riuscito")+": "+widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			setEsito(s.Esito, plurale(n, lang.L("Stati aggiornati da pagoPA: 1 avviso cambiato."),
				lang.L("Stati aggiornati da pagoPA: {{.N}} avvisi cambiati.", map[string]any{"N": n})), widget.SuccessImportance)
			s.Panel.Reload()
		}
	})
}
