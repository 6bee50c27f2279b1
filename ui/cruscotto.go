package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// cruscottoScreen is Pagamenti → Cruscotto Pagamenti: every notice
// Sportello generated, searchable, with its detail and its PDF.
type cruscottoScreen struct {
	Panel    *widgets.SearchPanel
	Aggiorna *widget.Button // states from pagoPA (paid, expired, cancelled)
	Ricevute *widget.Button // «Aggiorna ricevute»: reads the PEC mailbox now
	Esito    *widget.Label
	// Dettaglio is the last detail shown and SalvaPDF its button (tests).
	Dettaglio *dialog.CustomDialog
	SalvaPDF  *widget.Button
	Detail    *avvisoDetail
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
	colCruscottoInvio
	colCruscottoLotto
	colCruscottoIUV // not shown
)

type cruscottoSource struct {
	u    *UI
	tipi map[string]int64
}

func (s cruscottoSource) filtro(f widgets.Filter) avvisi.FiltroAvvisi {
	return avvisi.FiltroAvvisi{TipoDovutoID: idFiltro(s.tipi, f["tipo"]), Stato: statoAvvisoByLabel(f["stato"]),
		StatoGPD: statoPagoPAByLabel(f["pagopa"]), StatoInvio: statoInvioByLabel(f["invio"]),
		ScadenzaDal: f["scadenza_dal"], ScadenzaAl: f["scadenza_al"], Debitore: f["debitore"], Codice: f["codice"], Intestatario: f["intestatario"],
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
			dataISOIT(r.Scadenza), r.TipoDovuto, statoAvvisoLabel(r.Stato), statoPagoPALabel(r.StatoGPD), statoInvioLabel(r.Invio.Stato), r.LottoUUID[:8], r.IUV}
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

func statoInvioByLabel(l string) string {
	if l == statoInvioLabel("") {
		return "NON_INVIATO"
	}
	for _, s := range statiInvio {
		if statoInvioLabel(s) == l {
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
		{Title: lang.L("Pagamento"), Width: 85}, {Title: lang.L("Invio"), Width: 110}, {Title: lang.L("Lotto"), Width: 80},
	}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "tipo", Label: lang.L("Tipo dovuto"), Kind: widgets.FieldSelect, Options: nomi},
			{Key: "pagopa", Label: lang.L("Stato pagamento"), Kind: widgets.FieldSelect, Options: labels(statiPagoPA, statoPagoPALabel)},
			{Key: "stato", Label: lang.L("Stato generazione"), Kind: widgets.FieldSelect, Options: labels(statiAvviso, statoAvvisoLabel)},
			{Key: "invio", Label: lang.L("Stato invio"), Kind: widgets.FieldSelect, Options: labels(append([]string{""}, statiInvio...), statoInvioLabel)},
			{Key: "debitore", Label: lang.L("Codice fiscale / P. IVA")},
			{Key: "codice", Label: lang.L("Codice avviso / IUV")},
			{Key: "intestatario", Label: lang.L("Intestatario")},
			{Key: "lotto", Label: lang.L("Lotto")},
			{Key: "scadenza_dal", Label: lang.L("Scadenza dal"), Kind: widgets.FieldDate},
			{Key: "scadenza_al", Label: lang.L("Scadenza al"), Kind: widgets.FieldDate},
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
	s.Ricevute = widget.NewButtonWithIcon(lang.L("Aggiorna ricevute"), theme.MailReplyIcon(), func() { u.aggiornaRicevute(s) })
	u.cruscotto = s
	s.Panel.Search()
	return container.NewBorder(container.NewVBox(container.NewHBox(s.Aggiorna, s.Ricevute, hint), s.Esito), nil, nil, nil, s.Panel)
}

// avvisoDetail is a notice's detail: the data, the sending with its PEC
// receipts and protocol, the story; and what can be done with it.
type avvisoDetail struct {
	Dialog        *dialog.CustomDialog
	Dati          *widget.Form
	Invio         *widget.Form
	Ricevute      *widget.List
	ApriRicevuta  *widget.Button // saves the selected receipt's .eml
	Storia        *widget.List
	SalvaPDF      *widget.Button
	LetteraAvviso *widget.Button // letter and notice, as sent
	Reinvia       *widget.Button
	AnnullaAvviso *widget.Button
	InviaIO       *widget.Button
	Esito         *widget.Label
	Conferma      *widgets.ConfirmDialog

	d        avvisi.Dettaglio
	ricevuta int // selected receipt, -1 none
}

// showAvvisoCruscotto reads a notice's detail off the UI goroutine and shows it.
func (u *UI) showAvvisoCruscotto(s *cruscottoScreen, row []string) {
	iuv := row[colCruscottoIUV]
	u.appIO().bg.Go(func() func() {
		d, err := u.Core.Avvisi.Dettaglio(u.ctx, iuv)
		return func() {
			if err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			u.mostraDettaglioAvviso(s, d)
		}
	})
}

func (u *UI) mostraDettaglioAvviso(s *cruscottoScreen, d avvisi.Dettaglio) {
	a, l := d.Avviso, d.Lotto
	x := &avvisoDetail{d: d, ricevuta: -1}
	debitore := a.CodiceFiscale
	if debitore == "" {
		debitore = a.PartitaIVA
	}
	causale := a.Causale
	if causale == "" {
		causale = l.Causale
	}
	stato := statoAvvisoLabel(a.Stato)
	if a.Errore != "" {
		stato += " — " + a.Errore
	}
	x.Dati = widget.NewForm()
	for _, f := range [][2]string{
		{lang.L("Codice avviso"), pagopa.FormattaCodiceAvviso(a.CodiceAvviso)}, {"IUV", a.IUV},
		{lang.L("Intestatario"), a.Intestazione}, {lang.L("Codice fiscale / P. IVA"), debitore},
		{lang.L("Importo"), pagopa.FormattaImporto(a.Centesimi) + " €"}, {lang.L("Scadenza"), dataISOIT(l.Scadenza)},
		{lang.L("Tipo dovuto"), d.TipoDovuto.Codice + " — " + d.TipoDovuto.Descrizione}, {lang.L("Causale"), causale},
		{lang.L("Stato"), stato}, {lang.L("Pagamento"), statoPagoPALabel(a.StatoGPD)},
		{lang.L("Lotto"), l.UUID[:8] + " — " + l.FileOrigine},
	} {
		x.Dati.Append(f[0], wordLabel(f[1]))
	}
	protocollo := lang.L("Non protocollato")
	if p := d.Protocollo; p != nil {
		protocollo = fmt.Sprintf("%d/%07d %s %s", p.Anno, p.Numero, lang.L("del"), p.RegistratoIl.In(widgets.Zone).Format("02/01/2006 15:04"))
	}
	statoInvio := statoInvioLabel(a.Invio.Stato)
	if a.Invio.Errore != "" {
		statoInvio += " — " + a.Invio.Errore
	}
	x.Invio = widget.NewForm()
	for _, f := range [][2]string{
		{lang.L("Spedizione"), spedizioneLabel(l.Spedizione) + ": " + a.IndirizzoPec}, {lang.L("Stato invio"), statoInvio},
		{lang.L("Inviato il"), dataOra(a.Invio.InviatoIl)}, {lang.L("Consegnato il"), dataOra(a.Invio.ConsegnatoIl)},
		{lang.L("Protocollo"), protocollo}, {"Message-ID", a.Invio.MessageID},
	} {
		x.Invio.Append(f[0], wordLabel(f[1]))
	}
	x.Ricevute = widget.NewList(func() int { return len(d.Ricevute) },
		func() fyne.CanvasObject {
			return widget.NewLabel("01/12/2026 10:00 Ricevuta di avvenuta consegna — x@pec.it")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := d.Ricevute[i]
			t := dataOra(r.Data) + "  " + avvisi.NomeRicevuta(r.Tipo)
			if r.Destinatario != "" {
				t += " — " + r.Destinatario
			}
			o.(*widget.Label).SetText(t)
		})
	x.ApriRicevuta = widget.NewButtonWithIcon(lang.L("Salva ricevuta (.eml)"), theme.DocumentSaveIcon(), func() {
		if x.ricevuta < 0 {
			return
		}
		r := d.Ricevute[x.ricevuta]
		widgets.ShowFileSave(u.Win, fmt.Sprintf("ricevuta-%s-%d.eml", r.Tipo, r.ID), []string{".eml"}, func(path string) {
			u.salvaRicevuta(x, r.ID, path)
		})
	})
	x.ApriRicevuta.Disable()
	x.Ricevute.OnSelected = func(i widget.ListItemID) { x.ricevuta = i; x.ApriRicevuta.Enable() }
	x.Storia = widget.NewList(func() int { return len(d.Storia) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("01/12/2026 10:00 operatore: evento")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := d.Storia[i]
			t := dataOra(e.Quando) + "  " + e.Cosa
			if e.Chi != "" {
				t += " (" + e.Chi + ")"
			}
			o.(*widget.Label).SetText(t)
		})
	iuv := a.IUV
	x.Esito = esitoLabel()
	x.SalvaPDF = widget.NewButtonWithIcon(lang.L("Salva PDF dell'avviso"), theme.DocumentSaveIcon(), func() {
		widgets.ShowFileSave(u.Win, "avviso-"+iuv+".pdf", []string{".pdf"}, func(path string) { u.salvaPDFAvviso(iuv, path) })
	})
	x.LetteraAvviso = widget.NewButtonWithIcon(lang.L("Salva lettera e avviso"), theme.DocumentSaveIcon(), func() {
		widgets.ShowFileSave(u.Win, "lettera-avviso-"+iuv+".pdf", []string{".pdf"}, func(path string) {
			u.salvaPDF(path, func(w *bytes.Buffer) error { return u.Core.Avvisi.PDFCompleto(u.ctx, iuv, w) })
		})
	})
	x.Reinvia = widget.NewButtonWithIcon(lang.L("Reinvia"), theme.MailForwardIcon(), func() { u.reinviaAvviso(s, x) })
	x.AnnullaAvviso = widget.NewButtonWithIcon(lang.L("Annulla avviso"), theme.CancelIcon(), func() { u.annullaAvviso(s, x) })
	x.AnnullaAvviso.Importance = widget.DangerImportance
	x.InviaIO = widget.NewButtonWithIcon(lang.L("Invia anche su App IO"), theme.MailSendIcon(), func() { u.inviaAvvisoIO(x) })
	generato := a.Stato == avvisi.StatoGenerato
	setEnabled(x.SalvaPDF, generato)
	setEnabled(x.LetteraAvviso, generato)
	setEnabled(x.Reinvia, generato && a.Invio.Stato != "" && a.Invio.Stato != store.InvioDaInviare && a.Invio.Stato != store.InvioInCorso)
	setEnabled(x.AnnullaAvviso, generato && (a.StatoGPD == pagopa.StatoValida || a.StatoGPD == pagopa.StatoBozza) &&
		u.Core.Operatore().Ruolo.Almeno(operatori.RuoloSupervisore))
	setEnabled(x.InviaIO, generato && a.StatoGPD == pagopa.StatoValida && len(a.CodiceFiscale) == 16 && u.servizioPagamentiIO(a.Centesimi) != nil)

	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Avviso"), container.NewVScroll(x.Dati)),
		container.NewTabItem(lang.L("Invio e ricevute"), container.NewBorder(x.Invio,
			container.NewHBox(x.ApriRicevuta), nil, nil, x.Ricevute)),
		container.NewTabItem(lang.L("Storia"), x.Storia),
	)
	azioni := container.NewVBox(x.Esito, container.NewGridWithColumns(3, x.SalvaPDF, x.LetteraAvviso, x.Reinvia, x.InviaIO, x.AnnullaAvviso))
	x.Dialog = dialog.NewCustom(lang.L("Avviso di pagamento"), lang.L("Chiudi"), container.NewBorder(nil, azioni, nil, nil, tabs), u.Win)
	x.Dialog.Show()
	x.Dialog.Resize(fyne.NewSize(820, 560))
	s.Dettaglio, s.SalvaPDF, s.Detail = x.Dialog, x.SalvaPDF, x
}

func wordLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// dataOra is a time as the clerk reads it; "" for none.
func dataOra(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(widgets.Zone).Format("02/01/2006 15:04")
}

func spedizioneLabel(s string) string {
	if s == avvisi.Email {
		return lang.L("E-mail")
	}
	return "PEC"
}

// salvaPDF writes a PDF made off the UI goroutine.
func (u *UI) salvaPDF(path string, make func(w *bytes.Buffer) error) {
	u.appIO().bg.Go(func() func() {
		var buf bytes.Buffer
		err := make(&buf)
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

// salvaRicevuta writes a stored receipt as it arrived (legal evidence).
func (u *UI) salvaRicevuta(x *avvisoDetail, id int64, path string) {
	u.appIO().bg.Go(func() func() {
		r, err := u.Core.Avvisi.RicevutaEML(u.ctx, id)
		if err == nil {
			err = os.WriteFile(path, r.EML, 0o644)
		}
		return func() {
			if err != nil {
				setEsito(x.Esito, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			setEsito(x.Esito, lang.L("Ricevuta salvata")+": "+path, widget.SuccessImportance)
		}
	})
}

func (u *UI) reinviaAvviso(s *cruscottoScreen, x *avvisoDetail) {
	a := x.d.Avviso
	x.Conferma = widgets.Confirm(u.Win, lang.L("Reinvia"), lang.L("Inviare di nuovo l'avviso a {{.Indirizzo}}? Sarà un nuovo messaggio, con le sue ricevute.",
		map[string]any{"Indirizzo": a.IndirizzoPec}), func() {
		x.Reinvia.Disable()
		setEsito(x.Esito, lang.L("Invio in corso…"), widget.MediumImportance)
		op := u.Core.Operatore()
		u.appIO().bg.Go(func() func() {
			err := u.Core.Avvisi.Reinvia(u.ctx, op, []string{a.IUV}, nil)
			return func() {
				if err != nil {
					x.Reinvia.Enable()
					setEsito(x.Esito, widgets.ErrorText(err), widget.DangerImportance)
					return
				}
				s.Panel.Reload()
				u.riapriDettaglio(s, x, lang.L("Avviso inviato di nuovo: le ricevute aggiorneranno lo stato."))
			}
		})
	})
}

func (u *UI) annullaAvviso(s *cruscottoScreen, x *avvisoDetail) {
	a := x.d.Avviso
	x.Conferma = widgets.Confirm(u.Win, lang.L("Annulla avviso"), lang.L("Annullare l'avviso {{.Codice}}? La posizione debitoria sarà invalidata su pagoPA e l'avviso non sarà più pagabile.",
		map[string]any{"Codice": pagopa.FormattaCodiceAvviso(a.CodiceAvviso)}), func() {
		x.AnnullaAvviso.Disable()
		op := u.Core.Operatore()
		u.appIO().bg.Go(func() func() {
			err := u.Core.Avvisi.Annulla(u.ctx, op, a.IUV)
			return func() {
				if err != nil {
					x.AnnullaAvviso.Enable()
					setEsito(x.Esito, widgets.ErrorText(err), widget.DangerImportance)
					return
				}
				s.Panel.Reload()
				u.riapriDettaglio(s, x, lang.L("Avviso annullato su pagoPA."))
			}
		})
	})
}

// riapriDettaglio shows the notice's detail again, read afresh, with the
// outcome of the action just done.
func (u *UI) riapriDettaglio(s *cruscottoScreen, x *avvisoDetail, esito string) {
	iuv := x.d.Avviso.IUV
	u.appIO().bg.Go(func() func() {
		d, err := u.Core.Avvisi.Dettaglio(u.ctx, iuv)
		return func() {
			if err != nil {
				setEsito(x.Esito, esito, widget.SuccessImportance)
				return
			}
			x.Dialog.Hide()
			u.mostraDettaglioAvviso(s, d)
			setEsito(s.Detail.Esito, esito, widget.SuccessImportance)
		}
	})
}

// servizioPagamentiIO is the App IO service a payment message of that
// amount goes out through: the first active one whose own limit allows
// it; nil if none.
func (u *UI) servizioPagamentiIO(centesimi int64) *flussi.Servizio {
	svs, err := u.Core.Flussi.Servizi(u.ctx)
	if err != nil {
		return nil
	}
	for _, sv := range svs {
		if sv.ImportoMassimo == 0 || sv.ImportoMassimo >= centesimi {
			return &sv
		}
	}
	return nil
}

// inviaAvvisoIO offers the notice on App IO too: the citizen's
// reachability first, then a confirmation, then the message.
func (u *UI) inviaAvvisoIO(x *avvisoDetail) {
	a := x.d.Avviso
	sv := u.servizioPagamentiIO(a.Centesimi)
	if sv == nil {
		return
	}
	x.InviaIO.Disable()
	setEsito(x.Esito, lang.L("Verifica su App IO del destinatario…"), widget.MediumImportance)
	u.appIO().bg.Go(func() func() {
		ok, motivo, err := u.Core.Flussi.Raggiungibile(u.ctx, *sv, a.CodiceFiscale)
		return func() {
			switch {
			case err != nil:
				x.InviaIO.Enable()
				setEsito(x.Esito, widgets.ErrorText(err), widget.DangerImportance)
			case !ok:
				setEsito(x.Esito, lang.L("Il cittadino non è raggiungibile su App IO")+": "+motivo, widget.WarningImportance)
			default:
				setEsito(x.Esito, "", widget.MediumImportance)
				x.Conferma = widgets.Confirm(u.Win, lang.L("Invia anche su App IO"),
					lang.L("{{.Nome}} è raggiungibile su App IO con il servizio «{{.Servizio}}». Inviargli anche il messaggio di pagamento? Potrà pagare dall'app; la PEC o l'e-mail restano come riserva.",
						map[string]any{"Nome": a.Intestazione, "Servizio": sv.Nome}), func() { u.mandaAvvisoIO(x, *sv) })
			}
		}
	})
}

func (u *UI) mandaAvvisoIO(x *avvisoDetail, sv flussi.Servizio) {
	op := u.Core.Operatore()
	iuv := x.d.Avviso.IUV
	u.appIO().bg.Go(func() func() {
		riga, nome, err := u.Core.Avvisi.MessaggioIO(u.ctx, iuv)
		var n flussi.Notifica
		if err == nil {
			n, _, err = u.Core.Flussi.Aggiungi(u.ctx, op, sv, riga, nome)
		}
		return func() {
			if err != nil {
				x.InviaIO.Enable()
				setEsito(x.Esito, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			setEsito(x.Esito, lang.L("Messaggio App IO: {{.Stato}}.", map[string]any{"Stato": n.StatoInvio.Label()}), widget.SuccessImportance)
		}
	})
}

// salvaPDFAvviso prints the notice off the UI goroutine and writes it.
func (u *UI) salvaPDFAvviso(iuv, path string) {
	u.salvaPDF(path, func(w *bytes.Buffer) error { return u.Core.Avvisi.StampaPDF(u.ctx, iuv, w) })
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

// aggiornaRicevute reads the new PEC receipts now (the background reader
// does it by itself too), then lists again.
func (u *UI) aggiornaRicevute(s *cruscottoScreen) {
	s.Ricevute.Disable()
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		n, err := u.Core.Avvisi.AggiornaRicevute(u.ctx, op)
		return func() {
			s.Ricevute.Enable()
			if err != nil {
				setEsito(s.Esito, lang.L("Lettura delle ricevute non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			setEsito(s.Esito, plurale(n, lang.L("Ricevute PEC lette: 1 nuova."),
				lang.L("Ricevute PEC lette: {{.N}} nuove.", map[string]any{"N": n})), widget.SuccessImportance)
			s.Panel.Reload()
		}
	})
}

// cruscottoDeep opens, from the command line, the detail of the most
// recent notice sent ("dettaglio"): for screenshots and support.
func cruscottoDeep(u *UI, arg string) {
	if arg != "dettaglio" {
		return
	}
	s := u.cruscotto
	u.appIO().bg.Go(func() func() {
		rs, err := u.Core.Avvisi.Avvisi(u.ctx, avvisi.FiltroAvvisi{StatoInvio: store.InvioConsegnato}, 0, 1)
		if err != nil || len(rs) == 0 {
			if rs, err = u.Core.Avvisi.Avvisi(u.ctx, avvisi.FiltroAvvisi{}, 0, 1); err != nil || len(rs) == 0 {
				return nil
			}
		}
		iuv := rs[0].IUV
		return func() { u.showAvvisoCruscotto(s, []string{colCruscottoIUV: iuv}) }
	})
}
