package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/riconciliazione/fdr"
	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// ricDettaglio is the detail of a row of the reconciliation, as MyPivot
// shows it: the ente's debt record on top, the three sides of the payment
// side by side (receipt, reporting flow, treasury credit), every label
// those rows carry with its meaning (the row's own, most complete first),
// the flags of the row with «Segnala» and «Chiudi segnalazione»; for a
// flow (or a credit of one), its lines page by page.
type ricDettaglio struct {
	Dialog    *dialog.CustomDialog
	Tabs      *container.AppTabs
	Dovuto    *fyne.Container
	Ricevuta  *fyne.Container
	Flusso    *fyne.Container
	Tesoreria *fyne.Container
	Etichette *fyne.Container // the row's own labels; those of the rows linked to it close each side
	Storico   *widget.List
	StatoFlag *widget.Label
	Segnala   *widget.Button
	Chiudi    *widget.Button // «Chiudi segnalazione»
	Esito     *widget.Label
	Righe     *widgets.SearchPanel // the flow's lines; nil when no flow is the subject
	Form      *ricSegnalaForm      // the last flag form opened (tests)
	// Classe is the label the row was listed for, if any: «Segnala»
	// proposes it.
	Classe string

	d riconciliazione.Dettaglio
	s *ricVista
}

// apriRicDettaglio reads a row's detail off the UI goroutine and shows it;
// poi, if not nil, runs on the detail once shown (then the screen's own
// one-off poi, set by a deep link).
func (u *UI) apriRicDettaglio(s *ricVista, tipo, chiave, iur string, poi func(x *ricDettaglio)) {
	s.bg.Go(func() func() {
		d, err := u.Core.Riconciliazione.Dettaglio(u.ctx, tipo, chiave, iur)
		return func() {
			if err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			x := u.mostraRicDettaglio(s, d)
			if poi != nil {
				poi(x)
			}
			if poi := s.poi; poi != nil {
				s.poi = nil
				poi(x)
			}
		}
	})
}

// ricCampi is a side's card body: the label/value pairs with a value, a
// line each ("IUV  0100…"), compact so that the three sides fit side by
// side.
func ricCampi(campi ...[2]string) *widget.RichText {
	var segs []widget.RichTextSegment
	for _, c := range campi {
		if strings.TrimSpace(c[1]) == "" {
			continue
		}
		segs = append(segs, &widget.TextSegment{Text: c[0] + "  ", Style: widget.RichTextStyleStrong},
			&widget.TextSegment{Text: c[1], Style: widget.RichTextStyleParagraph})
	}
	r := widget.NewRichText(segs...)
	r.Wrapping = fyne.TextWrapWord
	return r
}

// ricColonne lays the pairs out in n columns, for the wide debt record.
func ricColonne(n int, campi ...[2]string) *fyne.Container {
	var pieni [][2]string
	for _, c := range campi {
		if strings.TrimSpace(c[1]) != "" {
			pieni = append(pieni, c)
		}
	}
	g := container.NewGridWithColumns(n)
	per := (len(pieni) + n - 1) / n
	for i := 0; i < len(pieni); i += per {
		g.Add(ricCampi(pieni[i:min(i+per, len(pieni))]...))
	}
	return g
}

// ricVuoto says a side has nothing for this row.
func ricVuoto(testo string) *widget.Label {
	l := wordLabel(testo)
	l.Importance = widget.WarningImportance
	return l
}

// ricSottotitolo heads one item of a side holding several.
func ricSottotitolo(testo string) *widget.Label {
	return widget.NewLabelWithStyle(testo, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: true})
}

func ricEuro(cents int64) string { return ricImporto(cents, true) + " €" }

func (u *UI) mostraRicDettaglio(s *ricVista, d riconciliazione.Dettaglio) *ricDettaglio {
	x := &ricDettaglio{d: d, s: s,
		Dovuto: container.NewVBox(), Ricevuta: container.NewVBox(), Flusso: container.NewVBox(), Tesoreria: container.NewVBox(),
		Etichette: container.NewVBox()}
	x.fillDovuto()
	x.fillRicevute()
	x.fillFlussi()
	x.fillTesoreria()
	x.fillEtichette()

	x.fillEtichetteLati()
	lati := container.NewGridWithColumns(3,
		widget.NewCard("", lang.L("Ricevuta telematica (RT)"), x.Ricevuta),
		widget.NewCard("", lang.L("Rendicontazione pagoPA (FdR)"), x.Flusso),
		widget.NewCard("", lang.L("Tesoreria (giornale di cassa)"), x.Tesoreria))
	main := container.NewVBox(widget.NewCard("", lang.L("Classificazioni"), x.Etichette))
	if d.ChiaveTipo == riconciliazione.ChiavePagamento || len(d.Dovuti) > 0 {
		main.Add(widget.NewCard("", lang.L("Dovuto dell'ente (IUD)"), x.Dovuto))
	}
	main.Add(lati)
	x.Tabs = container.NewAppTabs(container.NewTabItem(lang.L("Riconciliazione"), container.NewVScroll(main)))
	if iuf := x.flussoDelleRighe(); iuf != "" {
		x.Righe = u.ricRigheFlusso(s, iuf)
		n := 0
		for _, f := range d.Flussi {
			n = f.NPagamenti
		}
		righe := container.NewTabItem(lang.L("Pagamenti del flusso ({{.N}})", map[string]any{"N": n}), x.Righe)
		x.Tabs.Append(righe)
		// The lines are listed while their tab is hidden, and widget.Table
		// then scrolls for a viewport of no height: shown, it left the
		// first lines out (or drew one stretched in the middle). The first
		// time the tab shows, the list starts from its first line.
		primaVolta := true
		x.Tabs.OnSelected = func(t *container.TabItem) {
			if t == righe && primaVolta {
				primaVolta = false
				x.Righe.Table.ScrollToTop()
			}
		}
	}
	x.fillSegnalazioni(u)
	x.Tabs.Append(container.NewTabItem(lang.L("Segnalazioni ({{.N}})", map[string]any{"N": len(d.Segnalazioni)}),
		container.NewBorder(x.StatoFlag, nil, nil, nil, x.Storico)))

	x.Esito = esitoLabel()
	x.Segnala = widget.NewButtonWithIcon(lang.L("Segnala"), theme.WarningIcon(), func() { u.ricSegnala(x) })
	x.Chiudi = widget.NewButtonWithIcon(lang.L("Chiudi segnalazione"), theme.ConfirmIcon(), func() { u.ricChiudiSegnalazione(x) })
	setEnabled(x.Segnala, len(d.Proprie()) > 0)
	setEnabled(x.Chiudi, d.StatoSegnalazione() == store.SegnalazioneAperta)
	aperta := widget.NewLabel("")
	if n := len(d.Segnalazioni); n > 0 && d.StatoSegnalazione() == store.SegnalazioneAperta {
		// The flag is opened by the first event after the last closing.
		i := n - 1
		for i > 0 && d.Segnalazioni[i-1].Stato == store.SegnalazioneAperta {
			i--
		}
		e := d.Segnalazioni[i]
		aperta.SetText(lang.L("Segnalata il {{.Data}} da {{.Operatore}} ({{.Classe}})",
			map[string]any{"Data": dataOraBreve(e.CreataIl), "Operatore": e.CreataDa, "Classe": e.Classe}))
		aperta.Importance = widget.WarningImportance
	}
	azioni := container.NewVBox(x.Esito, container.NewBorder(nil, nil, pulsanti(container.NewHBox(x.Segnala, x.Chiudi)), nil, aperta))
	x.Dialog = dialog.NewCustom(ricTitoloDettaglio(d), lang.L("Chiudi"), container.NewBorder(nil, azioni, nil, nil, x.Tabs), u.Win)
	x.Dialog.Show()
	sz := u.Win.Canvas().Size()
	x.Dialog.Resize(fyne.NewSize(min(1200, sz.Width-24), min(700, sz.Height-24)))
	s.Dettaglio = x
	return x
}

func ricTitoloDettaglio(d riconciliazione.Dettaglio) string {
	switch d.ChiaveTipo {
	case riconciliazione.ChiavePagamento:
		if d.IUR == "" {
			return lang.L("Dovuto IUV {{.IUV}}", map[string]any{"IUV": d.Chiave})
		}
		return lang.L("Pagamento IUV {{.IUV}} · IUR {{.IUR}}", map[string]any{"IUV": d.Chiave, "IUR": d.IUR})
	case riconciliazione.ChiaveFlusso:
		return lang.L("Flusso di rendicontazione {{.IUF}}", map[string]any{"IUF": d.Chiave})
	}
	return lang.L("Movimento di tesoreria {{.Chiave}}", map[string]any{"Chiave": d.Chiave})
}

// flussoDelleRighe is the flow whose lines the detail pages: the flow
// itself, or the one a treasury credit names.
func (x *ricDettaglio) flussoDelleRighe() string {
	if x.d.ChiaveTipo != riconciliazione.ChiavePagamento && len(x.d.Flussi) == 1 {
		return x.d.Flussi[0].IUF
	}
	return ""
}

func (x *ricDettaglio) fillDovuto() {
	if len(x.d.Dovuti) == 0 {
		testo := lang.L("Nessun dovuto dell'ente per questo IUV.")
		if x.d.ChiaveTipo != riconciliazione.ChiavePagamento {
			testo = lang.L("I dovuti sono quelli dei singoli pagamenti.")
		}
		l := wordLabel(testo)
		l.Importance = widget.LowImportance
		if x.d.ChiaveTipo == riconciliazione.ChiavePagamento {
			l.Importance = widget.WarningImportance
		}
		x.Dovuto.Add(l)
		return
	}
	for i, d := range x.d.Dovuti {
		if i > 0 {
			x.Dovuto.Add(widget.NewSeparator())
		}
		fonte := lang.L("avviso di Sportello")
		if d.Fonte == "CSV" {
			fonte = lang.L("file dei dovuti importato")
		}
		var bilancio []string
		for _, b := range [][2]string{{lang.L("ufficio"), d.Ufficio}, {lang.L("capitolo"), d.Capitolo}, {lang.L("accertamento"), d.Accertamento}} {
			if b[1] != "" {
				bilancio = append(bilancio, b[0]+" "+b[1])
			}
		}
		debitore := strings.TrimSpace(d.Anagrafica + " " + d.CF)
		x.Dovuto.Add(ricColonne(3,
			[2]string{"IUD", d.IUD}, [2]string{"IUV", d.IUV}, [2]string{lang.L("Importo"), ricEuro(d.Importo)},
			[2]string{lang.L("Debitore"), debitore}, [2]string{lang.L("Tipo dovuto"), d.TipoDovuto},
			[2]string{lang.L("Causale"), d.Causale}, [2]string{lang.L("Scadenza"), dataISOIT(d.Scadenza)},
			[2]string{lang.L("Bilancio"), strings.Join(bilancio, ", ")}, [2]string{lang.L("Fonte"), fonte}))
	}
}

func (x *ricDettaglio) fillRicevute() {
	d := x.d
	if d.ChiaveTipo == riconciliazione.ChiaveFlusso || d.ChiaveTipo == riconciliazione.ChiaveTesoreria && len(d.Flussi) == 1 {
		n := d.Flussi[0].NPagamenti
		l := wordLabel(lang.L("Il flusso rendiconta {{.N}} pagamenti: sono nella scheda «Pagamenti del flusso», doppio clic su uno per il suo dettaglio.",
			map[string]any{"N": n}))
		x.Ricevuta.Add(l)
		return
	}
	if len(d.Ricevute) == 0 {
		testo := lang.L("Nessuna ricevuta di pagamento.")
		if d.ChiaveTipo == riconciliazione.ChiaveTesoreria && d.Movimenti[0].IUV == "" {
			testo = lang.L("La causale non indica uno IUV.")
		}
		x.Ricevuta.Add(ricVuoto(testo))
		return
	}
	// One receipt per IUR, its transfers together.
	var iurs []string
	for _, r := range d.Ricevute {
		if !slices.Contains(iurs, r.IUR) {
			iurs = append(iurs, r.IUR)
		}
	}
	for i, iur := range iurs {
		var tr []store.RicRicevutaRiga
		var totale int64
		for _, r := range d.Ricevute {
			if r.IUR == iur {
				tr = append(tr, r)
				totale += r.Importo
			}
		}
		if i > 0 {
			x.Ricevuta.Add(widget.NewSeparator())
		}
		if len(iurs) > 1 {
			titolo := lang.L("Altra ricevuta dello stesso IUV")
			if iur == d.IUR {
				titolo = lang.L("Questa ricevuta")
			}
			x.Ricevuta.Add(ricSottotitolo(titolo))
		}
		r := tr[0]
		esito := lang.L("positivo")
		if r.Esito != "OK" {
			esito = lang.L("negativo")
		}
		var trasf string
		if len(tr) > 1 {
			parti := make([]string, len(tr))
			for k, t := range tr {
				parti[k] = fmt.Sprintf("%d: %s", t.Indice, ricEuro(t.Importo))
			}
			trasf = strings.Join(parti, "; ")
		}
		x.Ricevuta.Add(ricCampi(
			[2]string{"IUV", r.IUV}, [2]string{"IUR", r.IUR}, [2]string{lang.L("Importo"), ricEuro(totale)},
			[2]string{lang.L("Trasferimenti"), trasf}, [2]string{lang.L("Data pagamento"), dataISOIT(r.DataEsito)},
			[2]string{lang.L("Esito"), esito}, [2]string{lang.L("Pagatore"), strings.TrimSpace(r.Pagatore + " " + r.CFPagatore)},
			[2]string{"PSP", r.PSP}, [2]string{lang.L("Tipo dovuto"), r.TipoDovuto}, [2]string{lang.L("Causale"), r.Causale},
			[2]string{"IUD", r.IUD}, [2]string{lang.L("File"), r.Fonte.File}))
	}
}

func (x *ricDettaglio) fillFlussi() {
	d := x.d
	flussi := map[string]store.RicFlussoRiga{}
	for _, f := range d.Flussi {
		flussi[f.IUF] = f
	}
	if d.ChiaveTipo == riconciliazione.ChiavePagamento {
		if len(d.Righe) == 0 {
			x.Flusso.Add(ricVuoto(lang.L("Non rendicontato in alcun flusso.")))
			return
		}
		for i, r := range d.Righe {
			if i > 0 {
				x.Flusso.Add(widget.NewSeparator())
			}
			if len(d.Righe) > 1 {
				x.Flusso.Add(ricSottotitolo(lang.L("Rendicontazione {{.N}} di {{.Di}}", map[string]any{"N": i + 1, "Di": len(d.Righe)})))
			}
			f := flussi[r.IUF]
			x.Flusso.Add(ricCampi(
				[2]string{"IUF", r.IUF}, [2]string{"PSP", f.PSP}, [2]string{lang.L("Data regolamento"), dataISOIT(f.DataRegolamento)},
				[2]string{lang.L("Importo"), ricEuro(r.Importo)}, [2]string{lang.L("Esito"), fdr.Esito(r.Esito).String()},
				[2]string{lang.L("Data esito"), dataISOIT(r.DataEsito)}, [2]string{"IUR", r.IUR},
				[2]string{lang.L("Riga del flusso"), lang.L("{{.N}} di {{.Di}}", map[string]any{"N": r.N, "Di": f.NPagamenti})},
				[2]string{lang.L("Totale del flusso"), ricEuro(f.ImportoTotale)},
				[2]string{lang.L("Riferimento regolamento"), f.IURRegolamento}, [2]string{lang.L("File"), f.Fonte.File}))
		}
		return
	}
	if len(d.Flussi) == 0 {
		testo := lang.L("La causale non indica un flusso.")
		if m := d.Movimenti[0]; m.IUF != "" {
			testo = lang.L("Il flusso {{.IUF}} indicato dalla causale non è stato importato.", map[string]any{"IUF": m.IUF})
		}
		x.Flusso.Add(ricVuoto(testo))
		return
	}
	f := d.Flussi[0]
	x.Flusso.Add(ricCampi(
		[2]string{"IUF", f.IUF}, [2]string{"PSP", f.PSP}, [2]string{lang.L("Data flusso"), ricData(f.DataFlusso)},
		[2]string{lang.L("Data regolamento"), dataISOIT(f.DataRegolamento)},
		[2]string{lang.L("Riferimento regolamento"), f.IURRegolamento}, [2]string{lang.L("Pagamenti"), strconv.Itoa(f.NPagamenti)},
		[2]string{lang.L("Importo totale"), ricEuro(f.ImportoTotale)}, [2]string{lang.L("File"), f.Fonte.File}))
}

func (x *ricDettaglio) fillTesoreria() {
	d := x.d
	if len(d.Movimenti) == 0 {
		testo := lang.L("Nessun accredito in tesoreria.")
		if d.ChiaveTipo == riconciliazione.ChiavePagamento && len(d.Righe) == 0 {
			testo = lang.L("Nessun accredito in tesoreria: né del flusso né del singolo pagamento.")
		}
		x.Tesoreria.Add(ricVuoto(testo))
		return
	}
	var totale int64
	for i, m := range d.Movimenti {
		if i > 0 {
			x.Tesoreria.Add(widget.NewSeparator())
		}
		totale += m.Importo
		riferimento := ""
		switch {
		case m.IUF != "":
			riferimento = lang.L("flusso") + " " + m.IUF
		case m.IUV != "":
			riferimento = "IUV " + m.IUV
			if m.ConImportoIUV {
				riferimento += " (" + ricEuro(m.ImportoIUV) + ")"
			}
		}
		x.Tesoreria.Add(ricCampi(
			[2]string{lang.L("Bolletta"), m.Bolletta}, [2]string{lang.L("Esercizio"), strconv.Itoa(m.Esercizio)},
			[2]string{lang.L("Data valuta"), dataISOIT(m.DataValuta)}, [2]string{lang.L("Data contabile"), dataISOIT(m.DataContabile)},
			[2]string{lang.L("Importo"), ricEuro(m.Importo)}, [2]string{lang.L("Causale"), m.Causale},
			[2]string{lang.L("Riferimento"), riferimento}, [2]string{lang.L("Cliente"), m.Cliente},
			[2]string{lang.L("Movimento"), m.Chiave}, [2]string{lang.L("File"), m.Fonte.File}))
	}
	if len(d.Movimenti) > 1 {
		x.Tesoreria.Add(widget.NewSeparator())
		x.Tesoreria.Add(ricCampi([2]string{lang.L("Totale accreditato"), ricEuro(totale)}))
	}
}

// ricEtichette writes labels a line each: the code in colour (green a
// match, orange an anomaly), its meaning and the engine's note.
func ricEtichette(ee []riconciliazione.Etichetta) *widget.RichText {
	var segs []widget.RichTextSegment
	for _, e := range ee {
		stile := widget.RichTextStyleStrong
		stile.ColorName = theme.ColorNameSuccess
		if !e.Positiva {
			stile.ColorName = theme.ColorNameWarning
		}
		testo := e.Descrizione
		if e.Dettaglio != "" {
			testo += " (" + e.Dettaglio + ")"
		}
		segs = append(segs, &widget.TextSegment{Text: e.Codice + "  ", Style: stile},
			&widget.TextSegment{Text: testo, Style: widget.RichTextStyleParagraph})
	}
	r := widget.NewRichText(segs...)
	r.Wrapping = fyne.TextWrapWord
	return r
}

// fillEtichette shows the row's own labels, most complete first.
func (x *ricDettaglio) fillEtichette() {
	if proprie := x.d.Proprie(); len(proprie) > 0 {
		x.Etichette.Add(ricEtichette(proprie))
		return
	}
	l := wordLabel(lang.L("Nessuna classificazione: la riga non è ancora stata riconciliata (Riconciliazione › Flussi › Importa flussi)."))
	l.Importance = widget.WarningImportance
	x.Etichette.Add(l)
}

// fillEtichetteLati closes each side with the labels of its rows (the
// flow's, the movement's, another receipt's), naming the row.
func (x *ricDettaglio) fillEtichetteLati() {
	d := x.d
	for _, lato := range []struct {
		tipo string
		c    *fyne.Container
	}{{riconciliazione.ChiavePagamento, x.Ricevuta}, {riconciliazione.ChiaveFlusso, x.Flusso}, {riconciliazione.ChiaveTesoreria, x.Tesoreria}} {
		var ee []riconciliazione.Etichetta
		for _, e := range d.Etichette {
			if e.ChiaveTipo == lato.tipo && (e.Chiave != d.Chiave || e.IUR != d.IUR || e.ChiaveTipo != d.ChiaveTipo) {
				su := e.Chiave
				if e.IUR != "" {
					su += " · IUR " + e.IUR
				}
				e.Descrizione = "(" + su + ") " + e.Descrizione
				ee = append(ee, e)
			}
		}
		if len(ee) > 0 {
			lato.c.Add(widget.NewSeparator())
			lato.c.Add(ricEtichette(ee))
		}
	}
}

func (x *ricDettaglio) fillSegnalazioni(u *UI) {
	ss := x.d.Segnalazioni
	x.StatoFlag = wordLabel("")
	switch x.d.StatoSegnalazione() {
	case store.SegnalazioneAperta:
		x.StatoFlag.SetText(lang.L("Segnalazione aperta: «Chiudi segnalazione» quando l'anomalia è risolta."))
		x.StatoFlag.Importance = widget.WarningImportance
	case store.SegnalazioneChiusa:
		x.StatoFlag.SetText(lang.L("Segnalazione chiusa."))
		x.StatoFlag.Importance = widget.SuccessImportance
	default:
		x.StatoFlag.SetText(lang.L("La riga non è mai stata segnalata."))
		x.StatoFlag.Importance = widget.LowImportance
	}
	x.Storico = widget.NewList(func() int { return len(ss) },
		func() fyne.CanvasObject { return wordLabel("20/11/2026 10:00 a.esposito APERTA RT_NO_IUF: nota") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := ss[len(ss)-1-i] // newest first
			o.(*widget.Label).SetText(fmt.Sprintf("%s  %s  %s  %s: %s", dataOraBreve(e.CreataIl), e.CreataDa,
				ricStatoSegnalazioneLabel(e.Stato), e.Classe, e.Nota))
		})
}

func ricStatoSegnalazioneLabel(s string) string {
	switch s {
	case store.SegnalazioneAperta:
		return lang.L("Aperta")
	case store.SegnalazioneChiusa:
		return lang.L("Chiusa")
	}
	return s
}

// ricRigheSource pages a flow's lines.
type ricRigheSource struct {
	u   *UI
	iuf string
}

func (s ricRigheSource) Count(ctx context.Context, _ widgets.Filter) (int, error) {
	return s.u.Core.Riconciliazione.ContaRigheFlusso(ctx, s.iuf)
}

func (s ricRigheSource) Page(ctx context.Context, _ widgets.Filter, offset, limit int) ([][]string, error) {
	rr, err := s.u.Core.Riconciliazione.RigheFlusso(ctx, s.iuf, offset, limit)
	rows := make([][]string, len(rr))
	for i, r := range rr {
		rows[i] = []string{strconv.Itoa(r.N), r.IUV, r.IUR, strconv.Itoa(r.Indice), ricImporto(r.Importo, true),
			fdr.Esito(r.Esito).String(), ricData(r.DataEsito), siNoLabel(r.ConRicevuta)}
	}
	return rows, err
}

func (u *UI) ricRigheFlusso(s *ricVista, iuf string) *widgets.SearchPanel {
	src := ricRigheSource{u: u, iuf: iuf}
	cols := []widgets.Column{
		{Title: lang.L("Riga"), Width: 60, Align: fyne.TextAlignTrailing, Kind: tabelle.Integer}, {Title: "IUV", Width: 170},
		{Title: "IUR", Width: 160}, {Title: lang.L("Indice"), Width: 60, Kind: tabelle.Integer},
		{Title: lang.L("Importo"), Width: 100, Align: fyne.TextAlignTrailing, Kind: tabelle.Number},
		{Title: lang.L("Esito"), Width: 200}, {Title: lang.L("Data esito"), Width: 95, Kind: tabelle.Date},
		{Title: lang.L("Ricevuta"), Width: 80},
	}
	p := widgets.NewSearchPanel(u.Win, widgets.SearchConfig{Columns: cols, Source: src,
		Export: widgets.ExportFile(src, lang.L("Pagamenti"), cols), ExportName: "flusso-" + iuf + ".xlsx"})
	p.OnOpen = func(row []string) { u.apriRicDettaglio(s, riconciliazione.ChiavePagamento, row[1], row[2], nil) }
	p.Pulisci.Hide() // no filters to clear
	p.Search()
	return p
}
