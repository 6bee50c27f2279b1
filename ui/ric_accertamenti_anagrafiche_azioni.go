package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// accDialogo is the «Nuovo» of an office or a chapter: a few entries,
// saved at once; the error stays in the dialog.
type accDialogo struct {
	Dialog         *dialog.CustomDialog
	Entries        map[string]*widget.Entry
	Errore         *widget.Label
	Salva, Annulla *widget.Button
}

// accCampo is one entry of an accDialogo.
type accCampo struct{ key, label, placeholder string }

func (u *UI) accDialogo(titolo, intro string, campi []accCampo, salva func(v map[string]string) error) *accDialogo {
	d := &accDialogo{Entries: map[string]*widget.Entry{}, Errore: esitoLabel()}
	form := container.New(layout.NewFormLayout())
	for _, c := range campi {
		e := widget.NewEntry()
		e.SetPlaceHolder(c.placeholder)
		d.Entries[c.key] = e
		form.Add(widget.NewLabel(c.label))
		form.Add(e)
	}
	top := container.NewVBox()
	if intro != "" {
		top.Add(accNota(intro))
	}
	top.Add(form)
	d.Dialog = dialog.NewCustomWithoutButtons(titolo, container.NewBorder(top, d.Errore, nil, nil), u.Win)
	d.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), d.Dialog.Hide)
	d.Salva = widget.NewButtonWithIcon(lang.L("Salva"), theme.DocumentSaveIcon(), func() {
		v := map[string]string{}
		for k, e := range d.Entries {
			v[k] = e.Text
		}
		if err := salva(v); err != nil {
			setEsito(d.Errore, widgets.ErrorText(err), widget.DangerImportance)
			d.Dialog.Resize(fyne.NewSize(480, d.Dialog.MinSize().Height))
			return
		}
		setEsito(d.Errore, "", widget.DangerImportance)
		d.Dialog.Hide()
	})
	d.Salva.Importance = widget.HighImportance
	d.Dialog.SetButtons([]fyne.CanvasObject{d.Annulla, d.Salva})
	d.Dialog.Resize(fyne.NewSize(480, d.Dialog.MinSize().Height))
	d.Dialog.Show()
	return d
}

func (u *UI) accNuovoUfficio(s *accAnagrafiche) {
	s.Nuovo = u.accDialogo(lang.L("Nuovo ufficio"), "", []accCampo{
		{"codice", lang.L("Codice") + " *", lang.L("es. TRIBUTI")},
		{"denominazione", lang.L("Denominazione") + " *", lang.L("es. Ufficio Tributi")},
	}, func(v map[string]string) error {
		x := store.RicUfficio{Codice: v["codice"], Denominazione: v["denominazione"]}
		if err := u.Core.Riconciliazione.CreaUfficio(u.ctx, u.Core.Operatore(), x); err != nil {
			return err
		}
		cod := strings.TrimSpace(x.Codice)
		s.Uffici.Clear()
		s.Uffici.Entries["testo"].SetText(cod)
		s.Uffici.Search()
		u.accMostraUfficio(s, cod)
		setEsito(s.Esito, lang.L("Ufficio {{.Codice}} creato.", map[string]any{"Codice": cod}), widget.SuccessImportance)
		return nil
	})
}

func (u *UI) accNuovoCapitolo(s *accAnagrafiche) {
	if s.ufficio == nil {
		return
	}
	uff := s.ufficio.Codice
	s.Nuovo = u.accDialogo(lang.L("Nuovo capitolo"), lang.L("Capitolo dell'ufficio {{.Ufficio}}. Anno vuoto: il capitolo vale per qualsiasi anno.",
		map[string]any{"Ufficio": accCodiceTesto(uff, s.ufficio.Denominazione)}), []accCampo{
		{"codice", lang.L("Codice") + " *", lang.L("es. 1010.04")},
		{"anno", lang.L("Anno"), lang.L("es. 2026")},
		{"descrizione", lang.L("Descrizione") + " *", lang.L("es. Proventi TARI")},
	}, func(v map[string]string) error {
		anno, err := riconciliazione.LeggiAnno(lang.L("Anno"), v["anno"])
		if err != nil {
			return err
		}
		c := store.RicCapitolo{Ufficio: uff, Codice: v["codice"], Anno: anno, Descrizione: v["descrizione"]}
		if err := u.Core.Riconciliazione.CreaCapitolo(u.ctx, u.Core.Operatore(), c); err != nil {
			return err
		}
		cod := strings.TrimSpace(c.Codice)
		s.Capitoli.Clear()
		s.Capitoli.Entries["testo"].SetText(cod)
		s.Capitoli.Search()
		u.accMostraCapitolo(s, cod, anno)
		setEsito(s.Esito, lang.L("Capitolo {{.Codice}} creato per l'ufficio {{.Ufficio}}.", map[string]any{"Codice": cod, "Ufficio": uff}),
			widget.SuccessImportance)
		return nil
	})
}

// accNuovoDialogo is «Nuovo» of an assessment: the form of Crea Nuovo,
// with the office and chapter selected.
type accNuovoDialogo struct {
	Dialog  *dialog.CustomDialog
	Form    *accNuovoForm
	Annulla *widget.Button
}

func (u *UI) accNuovoAccertamento(s *accAnagrafiche) {
	if s.ufficio == nil || s.capitolo == nil {
		return
	}
	n := &accNuovoDialogo{Form: u.newAccNuovoForm()}
	n.Form.Imposta(s.ufficio.Codice, accCodiceTesto(s.ufficio.Codice, s.ufficio.Denominazione), s.capitolo)
	n.Dialog = dialog.NewCustomWithoutButtons(lang.L("Nuovo accertamento"), container.NewVBox(n.Form.Form, n.Form.Errore), u.Win)
	n.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), n.Dialog.Hide)
	n.Dialog.SetButtons([]fyne.CanvasObject{n.Annulla, n.Form.Salva})
	n.Form.OnCreato = func(id int64) {
		n.Dialog.Hide()
		s.Accertamenti.Reload()
		u.accMostraAccertamento(s, id)
		if s.acc != nil {
			setEsito(s.Esito, lang.L("Accertamento {{.Codice}} creato.", map[string]any{"Codice": s.acc.Codice}), widget.SuccessImportance)
		}
	}
	n.Dialog.Resize(fyne.NewSize(560, n.Dialog.MinSize().Height))
	s.NuovoAcc = n
	n.Dialog.Show()
}

func (u *UI) accAttivaUfficio(s *accAnagrafiche) {
	x := s.ufficio
	if x == nil {
		return
	}
	fai := func() {
		if err := u.Core.Riconciliazione.AttivaUfficio(u.ctx, u.Core.Operatore(), x.Codice, !x.Attivo); err != nil {
			widgets.ShowError(u.Win, err)
			return
		}
		s.Uffici.Reload()
		u.accMostraUfficio(s, x.Codice)
		u.accRiempiCapitolo(s)
	}
	if !x.Attivo {
		fai()
		return
	}
	s.Conferma = widgets.Confirm(u.Win, lang.L("Disattiva ufficio"), lang.L("Disattivare l'ufficio {{.Codice}}? Non sarà più proposto per i nuovi accertamenti; quelli esistenti restano.", map[string]any{"Codice": x.Codice}), fai)
}

func (u *UI) accAttivaCapitolo(s *accAnagrafiche) {
	x := s.capitolo
	if x == nil {
		return
	}
	fai := func() {
		if err := u.Core.Riconciliazione.AttivaCapitolo(u.ctx, u.Core.Operatore(), x.Ufficio, x.Codice, x.Anno, !x.Attivo); err != nil {
			widgets.ShowError(u.Win, err)
			return
		}
		s.Capitoli.Reload()
		u.accMostraCapitolo(s, x.Codice, x.Anno)
	}
	if !x.Attivo {
		fai()
		return
	}
	s.Conferma = widgets.Confirm(u.Win, lang.L("Disattiva capitolo"), lang.L("Disattivare il capitolo {{.Codice}}? Non sarà più proposto per i nuovi accertamenti; quelli esistenti restano.", map[string]any{"Codice": x.Codice}), fai)
}

// accChiudiDaAnagrafiche closes the selected assessment, or reopens it.
func (u *UI) accChiudiDaAnagrafiche(s *accAnagrafiche) {
	if s.acc == nil {
		return
	}
	s.Conferma = u.accChiudiORiapri(*s.acc, func() {
		s.Accertamenti.Reload()
		u.accMostraAccertamento(s, s.acc.ID)
	})
}

// accChiudiORiapri asks, then closes an open assessment or reopens a
// closed one; poi runs after the change.
func (u *UI) accChiudiORiapri(a store.RicAccertamento, poi func()) *widgets.ConfirmDialog {
	op := u.Core.Operatore()
	if a.Stato == store.RicAccertamentoAperto {
		return widgets.Confirm(u.Win, lang.L("Chiudi accertamento"), lang.L("Chiudere l'accertamento {{.Codice}}? Un accertamento chiuso non si può più modificare né ricevere pagamenti; solo un supervisore può riaprirlo.",
			map[string]any{"Codice": a.Codice}), func() {
			if err := u.Core.Riconciliazione.ChiudiAccertamento(u.ctx, op, a.ID); err != nil {
				widgets.ShowError(u.Win, err)
				return
			}
			poi()
		})
	}
	return widgets.Confirm(u.Win, lang.L("Riapri accertamento"), lang.L("Riaprire l'accertamento {{.Codice}}? Tornerà modificabile.",
		map[string]any{"Codice": a.Codice}), func() {
		if err := u.Core.Riconciliazione.RiapriAccertamento(u.ctx, op, a.ID); err != nil {
			widgets.ShowError(u.Win, err)
			return
		}
		poi()
	})
}

// accCreaMancanti runs over all the debt records what every import does
// for its own (data imported before the rule, or after a fix in the
// anagrafiche), behind a progress dialog.
func (u *UI) accCreaMancanti(s *accAnagrafiche) {
	d, ctx := widgets.NewProgressDialog(u.Win, lang.L("Crea anagrafiche mancanti"),
		lang.L("Lettura del bilancio dei dovuti e associazione dei pagamenti…"))
	op := u.Core.Operatore()
	s.CreaMancanti.Disable()
	u.appIO().bg.Go(func() func() {
		c, err := u.Core.Riconciliazione.CreaAnagraficheMancanti(ctx, op)
		return func() {
			d.End(err)
			s.CreaMancanti.Enable()
			if err != nil {
				return
			}
			testo := lang.L("Nessuna anagrafica mancante, nessun pagamento da associare.")
			if c.Totale() > 0 {
				testo = lang.L("Creati {{.Uffici}} uffici, {{.Capitoli}} capitoli, {{.Accertamenti}} accertamenti; {{.Associati}} pagamenti associati.", map[string]any{"Uffici": c.Uffici, "Capitoli": c.Capitoli,
					"Accertamenti": c.Accertamenti, "Associati": widgets.FormatInt(c.Associati)})
			}
			setEsito(s.Esito, testo, widget.SuccessImportance)
			s.Uffici.Reload()
			s.Capitoli.Reload()
			s.Accertamenti.Reload()
		}
	})
}
