package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/ui/widgets"
)

// «Scarica da pagoPA» in Importa flussi: the reporting flows published for
// the ente, read from pagoPA's FdR API for organizations and stored as
// imported files; and its settings (administrators).

// aggiornaStatoFdR tells where the FdR API is and enables the download
// when it is configured.
func (s *ricImportaScreen) aggiornaStatoFdR() {
	s.bg.Go(func() func() {
		c, err := s.u.Core.Impostazioni.FdR(s.u.ctx)
		return func() {
			switch {
			case err != nil:
				s.StatoFdR.SetText(widgets.ErrorText(err))
			case !c.Configurato:
				s.StatoFdR.SetText(lang.L("API FdR di pagoPA non configurata: un amministratore indica indirizzo e chiave con «Configura API FdR…»."))
			default:
				s.StatoFdR.SetText(lang.L("API FdR: {{.URL}} (chiave di sottoscrizione presente)", map[string]any{"URL": c.URL}))
			}
			setEnabled(s.Scarica, err == nil && c.Configurato && !s.busy)
		}
	})
}

// scarica downloads the new flows behind a progress dialog; the outcome is
// a row of the list, with the flows pagoPA served wrong as its errors.
func (s *ricImportaScreen) scarica() {
	dal, ok := widgets.ParseItalianDate(s.Dal.Text)
	if !ok {
		setEsito(s.Riepilogo, lang.L("Flussi pubblicati su pagoPA dal")+": "+lang.L("data non valida, usare gg/mm/aaaa"), widget.DangerImportance)
		return
	}
	dal = giorno(dal.Format("2006-01-02"))
	op := s.u.Core.Operatore()
	d, ctx := widgets.NewProgressDialog(s.u.Win, lang.L("Scarica da pagoPA"), lang.L("Lettura dell'elenco dei flussi pubblicati…"))
	s.Progress = d
	s.occupato(true)
	s.bg.Go(func() func() {
		n, err := s.u.Core.ScaricaFdR(ctx, op, dal, func(done, total int) {
			msg := lang.L("Flussi letti: {{.N}} di {{.Di}}", map[string]any{"N": done, "Di": total})
			s.bg.Do(func() { d.SetProgress(done, total, msg) })
		})
		var errs tracciato.Errori
		parziale := err != nil && errors.As(err, &errs)
		return func() {
			if err == nil || parziale {
				d.Done()
			} else {
				d.Fail(err)
			}
			v := ricFileVoce{Nome: lang.L("pagoPA, API FdR"), Tipo: riconciliazione.TipoFdR, Stato: ricImportato}
			switch {
			case errors.Is(err, context.Canceled):
				v.Stato, v.Esito = ricAnnullato, lang.L("scarico annullato dopo {{.N}} flussi nuovi", map[string]any{"N": n})
			case err != nil:
				v.Stato, v.Errori = ricErrore, strings.Split(widgets.ErrorText(err), "\n")
				v.Esito = ricStatoFileLabel(ricErrore) + ": " + v.Errori[0]
				if parziale {
					v.Esito = lang.L("scaricati {{.N}} flussi nuovi; alcuni flussi non sono leggibili (vedere gli errori)", map[string]any{"N": n})
				}
			case n == 0:
				v.Stato, v.Esito = ricGiaImportato, lang.L("nessun flusso nuovo da pagoPA")
			default:
				v.Esito = plurale(n, lang.L("scaricato 1 flusso nuovo da pagoPA"), lang.L("scaricati {{.N}} flussi nuovi da pagoPA", map[string]any{"N": n}))
			}
			s.voci = append(s.voci, v)
			s.Elenco.Refresh()
			s.occupato(false)
			s.Elenco.Select(widget.TableCellID{Row: len(s.voci) - 1, Col: 0})
			s.seleziona(len(s.voci) - 1)
		}
	})
}

// ricConfigFdR is the settings form of the FdR API.
type ricConfigFdR struct {
	Dialog *dialog.CustomDialog
	URL    *widget.Entry
	Chiave *widget.Entry
	Errore *widget.Label
	Salva  *widget.Button
}

// ricConfiguraFdR reads the settings off the UI goroutine, then shows
// them in the form.
func (u *UI) ricConfiguraFdR(s *ricImportaScreen) {
	s.bg.Go(func() func() {
		cfg, err := u.Core.Impostazioni.FdR(u.ctx)
		return func() {
			if err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			u.ricFormFdR(s, cfg)
		}
	})
}

func (u *UI) ricFormFdR(s *ricImportaScreen, cfg impostazioni.FdR) {
	c := &ricConfigFdR{URL: widget.NewEntry(), Chiave: widget.NewPasswordEntry(), Errore: widget.NewLabel("")}
	c.Errore.Importance = widget.DangerImportance
	c.Errore.Wrapping = fyne.TextWrapWord
	c.Errore.Hide()
	c.Chiave.SetPlaceHolder(lang.L("lasciare vuoto per non cambiarla"))
	c.URL.SetPlaceHolder("https://api.platform.pagopa.it" + impostazioni.PercorsoFdR)
	if !cfg.Derivato {
		c.URL.SetText(cfg.URL)
	} else {
		c.URL.SetPlaceHolder(cfg.URL + " " + lang.L("(dall'indirizzo GPD)"))
	}
	nota := wordLabel(lang.L("L'indirizzo vuoto segue quello di GPD (stesso gateway pagoPA). La chiave va nel portachiavi del sistema, mai nel database."))
	nota.Importance = widget.LowImportance
	form := container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("URL API FdR")), c.URL,
		widget.NewLabel(lang.L("Chiave di sottoscrizione")), c.Chiave)
	c.Dialog = dialog.NewCustomWithoutButtons(lang.L("Configura API FdR"), container.NewVBox(form, nota, c.Errore), u.Win)
	c.Salva = widget.NewButtonWithIcon(lang.L("Salva"), theme.DocumentSaveIcon(), func() {
		op := u.Core.Operatore()
		url, chiave := c.URL.Text, c.Chiave.Text
		c.Salva.Disable()
		s.bg.Go(func() func() {
			err := u.Core.Impostazioni.SalvaFdR(u.ctx, op, url, chiave)
			return func() {
				c.Salva.Enable()
				if err != nil {
					c.Errore.SetText(widgets.ErrorText(err))
					c.Errore.Show()
					return
				}
				c.Dialog.Hide()
				s.aggiornaStatoFdR()
			}
		})
	})
	c.Salva.Importance = widget.HighImportance
	c.Dialog.SetButtons([]fyne.CanvasObject{widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), c.Dialog.Hide), c.Salva})
	c.Dialog.Resize(fyne.NewSize(620, c.Dialog.MinSize().Height))
	c.Dialog.Show()
	s.Config = c
}
