package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/jobs"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// spontaneoScreen is Pagamenti › Pagamento spontaneo: a citizen pays at
// the counter something no notice was sent for (a cemetery concession,
// the rent of a hall, secretarial fees). The clerk picks the kind from the
// catalogue, identifies who pays and, for a free amount, types it; the
// debt position goes to pagoPA and the notice is printed or e-mailed.
// The form and the notice created are two views of the screen: a notice
// is created once, and «Nuovo pagamento» starts the next.
type spontaneoScreen struct {
	Tipo     *widget.Select
	TipoInfo *widget.Label
	// Entries by key: cf, nome, email, indirizzo, cap, comune, provincia,
	// importo, causale, scadenza.
	Entries map[string]*widget.Entry
	CFInfo  *widget.Label
	Crea    *widget.Button
	Pulisci *widget.Button
	Errore  *widget.Label
	Attesa  *widgets.ProgressDialog

	Modulo, Esito *fyne.Container // the two views
	EsitoTitolo   *widget.Label
	EsitoDati     *widget.Form
	EsitoMsg      *widget.Label
	Stampa        *widget.Button
	SalvaPDF      *widget.Button
	Invia         *widget.Button
	Pubblica      *widget.Button // a notice stored while pagoPA did not answer
	Nuovo         *widget.Button
	// InvioDialog asks the e-mail address (EmailInvio) before sending.
	InvioDialog   *dialog.CustomDialog
	EmailInvio    *widget.Entry
	ConfermaInvio *widget.Button

	ChooseSave func(suggested string, chosen func(path string))
	OpenPDF    func(path string) error

	catalogo map[string]store.TipoDovuto // by the Select's label
	tipo     store.TipoDovuto
	creato   store.AvvisoStampa
	casella  string // the mailbox the counter sends from; "" none
}

func spontaneoView(u *UI) fyne.CanvasObject {
	s := &spontaneoScreen{Entries: map[string]*widget.Entry{}, catalogo: map[string]store.TipoDovuto{}}
	u.sportello().spontaneo = s
	s.ChooseSave, s.OpenPDF = u.sceltaPDF()
	cat, err := u.Core.Avvisi.CatalogoSpontanei(u.ctx)
	var nomi []string
	for _, t := range cat {
		l := t.Codice + " — " + t.Descrizione
		s.catalogo[l] = t
		nomi = append(nomi, l)
	}
	s.Tipo = widget.NewSelect(nomi, func(l string) { s.sceltoTipo(l) })
	s.Tipo.PlaceHolder = lang.L("(scegliere dal catalogo)")
	s.TipoInfo = widget.NewLabel("")
	s.TipoInfo.Wrapping = fyne.TextWrapWord
	s.TipoInfo.Importance = widget.LowImportance
	entry := func(key, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		s.Entries[key] = e
		return e
	}
	for _, k := range []string{"nome", "email", "indirizzo", "comune"} {
		entry(k, "")
	}
	causale := widget.NewMultiLineEntry() // up to 140 characters: two lines
	causale.Wrapping = fyne.TextWrapWord
	causale.SetMinRowsVisible(2)
	s.Entries["causale"] = causale
	entry("cf", lang.L("dal documento del cittadino"))
	entry("importo", "0,00")
	entry("cap", "20871")
	entry("provincia", "MB")
	entry("scadenza", lang.L("gg/mm/aaaa"))
	s.CFInfo = widget.NewLabel("")
	s.CFInfo.Hide()
	s.Entries["cf"].OnChanged = func(string) { s.controllaCF() }
	s.Crea = widget.NewButtonWithIcon(lang.L("Crea avviso"), theme.ConfirmIcon(), func() { u.creaSpontaneo(s) })
	s.Crea.Importance = widget.HighImportance
	s.Pulisci = widget.NewButtonWithIcon(lang.L("Pulisci"), theme.ContentClearIcon(), func() { s.pulisci() })
	s.Errore = esitoLabel()

	riga := func(f *fyne.Container, label string, o fyne.CanvasObject) {
		f.Add(widget.NewLabel(label))
		f.Add(o)
	}
	pagamento := container.New(layout.NewFormLayout())
	riga(pagamento, lang.L("Tipo dovuto")+" *", s.Tipo)
	riga(pagamento, "", s.TipoInfo)
	riga(pagamento, lang.L("Importo (€)")+" *", s.Entries["importo"])
	riga(pagamento, lang.L("Causale"), s.Entries["causale"])
	riga(pagamento, lang.L("Scadenza"), s.Entries["scadenza"])
	chi := container.New(layout.NewFormLayout())
	riga(chi, lang.L("Codice fiscale / P. IVA")+" *", s.Entries["cf"])
	riga(chi, "", s.CFInfo)
	riga(chi, lang.L("Intestatario")+" *", s.Entries["nome"])
	riga(chi, lang.L("E-mail"), s.Entries["email"])
	riga(chi, lang.L("Indirizzo"), s.Entries["indirizzo"])
	riga(chi, lang.L("CAP, comune, provincia"), container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(80, s.Entries["cap"].MinSize().Height), s.Entries["cap"]),
		container.NewGridWrap(fyne.NewSize(60, s.Entries["provincia"].MinSize().Height), s.Entries["provincia"]), s.Entries["comune"]))
	hint := widget.NewLabel(lang.L("Il tipo dovuto viene dal catalogo dei pagamenti spontanei (Impostazioni › Tipi dovuto). Con «Crea avviso» la posizione debitoria va su pagoPA: il cittadino può pagare subito, allo sportello con l'avviso stampato o con l'app IO, l'home banking, in banca, in posta o in tabaccheria."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	s.Modulo = container.NewVBox(
		container.NewGridWithColumns(2, widget.NewCard("", lang.L("Pagamento"), pagamento), widget.NewCard("", lang.L("Chi paga"), chi)),
		container.NewHBox(s.Crea, s.Pulisci), s.Errore, hint)
	if err != nil {
		setEsito(s.Errore, widgets.ErrorText(err), widget.DangerImportance)
	} else if len(cat) == 0 {
		s.Crea.Disable()
		setEsito(s.Errore, lang.L("Nessun tipo dovuto è pagabile allo sportello: un amministratore lo indica in Impostazioni › Tipi dovuto («Pagabile allo sportello»)."), widget.WarningImportance)
	}

	s.EsitoTitolo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.EsitoDati = widget.NewForm()
	s.EsitoMsg = esitoLabel()
	s.Stampa = widget.NewButtonWithIcon(lang.L("Stampa avviso"), theme.DocumentPrintIcon(), func() {
		u.stampaAvviso(s.creato.Avviso.IUV, s.creato.Avviso.CodiceAvviso, s.OpenPDF)
	})
	s.SalvaPDF = widget.NewButtonWithIcon(lang.L("Salva PDF dell'avviso"), theme.DocumentSaveIcon(), func() {
		a := s.creato.Avviso
		s.ChooseSave("avviso-"+a.CodiceAvviso+".pdf", func(path string) { u.salvaPDFAvviso(a.IUV, path) })
	})
	s.Invia = widget.NewButtonWithIcon(lang.L("Invia per e-mail"), theme.MailSendIcon(), func() { u.chiediInvioSpontaneo(s) })
	s.Pubblica = widget.NewButtonWithIcon(lang.L("Pubblica su pagoPA"), theme.UploadIcon(), func() { u.pubblicaSpontaneo(s) })
	s.Nuovo = widget.NewButtonWithIcon(lang.L("Nuovo pagamento"), theme.ContentAddIcon(), func() {
		s.pulisci()
		s.Esito.Hide()
		s.Modulo.Show()
	})
	s.Esito = container.NewVBox(widget.NewCard("", lang.L("Avviso creato"), container.NewVBox(s.EsitoTitolo, s.EsitoDati, s.EsitoMsg)),
		container.NewHBox(s.Stampa, s.SalvaPDF, s.Invia, s.Pubblica, layout.NewSpacer(), s.Nuovo))
	s.Esito.Hide()
	s.pulisci()
	u.casellaSportello(s)
	return container.NewVScroll(container.NewVBox(s.Modulo, s.Esito))
}

// casellaSportello finds, off the UI goroutine, the mailbox the counter
// sends from.
func (u *UI) casellaSportello(s *spontaneoScreen) {
	u.appIO().bg.Go(func() func() {
		c, err := u.Core.Avvisi.CasellaSportello(u.ctx)
		return func() {
			if err == nil {
				s.casella = c
			}
		}
	})
}

func (s *spontaneoScreen) pulisci() {
	for k, e := range s.Entries {
		if k != "importo" || !e.Disabled() {
			e.SetText("")
		}
	}
	s.Entries["scadenza"].SetText(time.Now().AddDate(0, 0, avvisi.GiorniScadenza).Format("02/01/2006"))
	if s.tipo.Codice != "" {
		s.Entries["causale"].SetText(s.tipo.Descrizione)
	}
	setEsito(s.Errore, "", widget.MediumImportance)
	if len(s.catalogo) > 0 {
		s.Crea.Enable()
	}
}

// sceltoTipo shows the kind's amount and accounts; a fixed amount fills
// the field and locks it, and the description is the default causale.
func (s *spontaneoScreen) sceltoTipo(label string) {
	prima := s.tipo
	s.tipo = s.catalogo[label]
	t := s.tipo
	importo, causale := s.Entries["importo"], s.Entries["causale"]
	info := lang.L("Importo libero: indicarlo.")
	if t.ImportoFisso > 0 {
		info = lang.L("Importo fisso: {{.Importo}} €.", map[string]any{"Importo": pagopa.FormattaImporto(t.ImportoFisso)})
		importo.SetText(pagopa.FormattaImporto(t.ImportoFisso))
		importo.Disable()
	} else {
		if importo.Disabled() {
			importo.SetText("")
		}
		importo.Enable()
	}
	if t.Capitolo != "" {
		info += " " + lang.L("Ufficio {{.Ufficio}}, capitolo {{.Capitolo}}", map[string]any{"Ufficio": t.Ufficio, "Capitolo": t.Capitolo})
		if t.Accertamento != "" {
			info += ", " + lang.L("accertamento {{.Accertamento}}", map[string]any{"Accertamento": t.Accertamento})
		}
		info += "."
	}
	s.TipoInfo.SetText(info)
	if c := strings.TrimSpace(causale.Text); c == "" || c == prima.Descrizione {
		causale.SetText(t.Descrizione)
	}
}

// controllaCF tells, as soon as a code is complete, whether it is valid.
func (s *spontaneoScreen) controllaCF() {
	cf := strings.ToUpper(strings.Join(strings.Fields(s.Entries["cf"].Text), ""))
	if len(cf) != 11 && len(cf) != 16 {
		s.CFInfo.Hide()
		return
	}
	if err := anagrafe.ValidaCodiceFiscaleOPartitaIVA(cf); err != nil {
		setEsito(s.CFInfo, anagrafe.Dettaglio(err), widget.DangerImportance)
		return
	}
	setEsito(s.CFInfo, lang.L("Codice corretto"), widget.SuccessImportance)
}

// richiesta reads the form; only the date is read here, the rest is
// checked by the core with every problem named.
func (s *spontaneoScreen) richiesta() (avvisi.RichiestaSpontaneo, error) {
	e := func(k string) string { return s.Entries[k].Text }
	r := avvisi.RichiestaSpontaneo{TipoDovuto: s.tipo.Codice, CodiceFiscale: e("cf"), Intestazione: e("nome"), Email: e("email"),
		Indirizzo: e("indirizzo"), CAP: e("cap"), Comune: e("comune"), Provincia: e("provincia"), Importo: e("importo"), Causale: e("causale")}
	if s.Entries["importo"].Disabled() {
		r.Importo = "" // the catalogue's fixed amount
	}
	if d := strings.TrimSpace(e("scadenza")); d != "" {
		t, ok := widgets.ParseItalianDate(d)
		if !ok {
			return r, operatori.ErrValidazione{Campo: lang.L("Scadenza"), Motivo: lang.L("una data gg/mm/aaaa")}
		}
		r.Scadenza = t
	}
	return r, nil
}

func (u *UI) creaSpontaneo(s *spontaneoScreen) {
	r, err := s.richiesta()
	if err != nil {
		setEsito(s.Errore, err.Error(), widget.DangerImportance)
		return
	}
	setEsito(s.Errore, "", widget.MediumImportance)
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Pagamento spontaneo"), lang.L("Creazione della posizione debitoria su pagoPA…"))
	dlg.SetProgress(0, 0, "")
	s.Attesa = dlg
	s.Crea.Disable()
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		x, err := u.Core.Avvisi.CreaSpontaneo(ctx, op, r)
		dlg.Done()
		return func() {
			s.Crea.Enable()
			if x.Avviso.IUV == "" { // refused: nothing stored
				setEsito(s.Errore, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			u.mostraSpontaneo(s, x, err)
		}
	})
}

// mostraSpontaneo shows the notice created (err: why it is not payable yet).
func (u *UI) mostraSpontaneo(s *spontaneoScreen, x store.AvvisoStampa, err error) {
	s.creato = x
	a, l := x.Avviso, x.Lotto
	s.EsitoTitolo.SetText(lang.L("Codice avviso") + " " + pagopa.FormattaCodiceAvviso(a.CodiceAvviso))
	s.EsitoDati.Items = nil
	for _, f := range [][2]string{
		{"IUV", a.IUV}, {lang.L("Intestatario"), a.Intestazione}, {lang.L("Codice fiscale / P. IVA"), a.CodiceFiscale + a.PartitaIVA},
		{lang.L("Tipo dovuto"), x.TipoDovuto.Codice + " — " + x.TipoDovuto.Descrizione}, {lang.L("Causale"), a.Causale},
		{lang.L("Importo"), pagopa.FormattaImporto(a.Centesimi) + " €"}, {lang.L("Scadenza"), dataISOIT(l.Scadenza)},
	} {
		s.EsitoDati.Append(f[0], wordLabel(f[1]))
	}
	s.EsitoDati.Refresh()
	generato := a.Stato == avvisi.StatoGenerato
	switch {
	case err != nil:
		setEsito(s.EsitoMsg, widgets.ErrorText(err), widget.WarningImportance)
	case !a.Invio.InviatoIl.IsZero():
		setEsito(s.EsitoMsg, invioSportello(a, l), widget.SuccessImportance)
	case a.StatoGPD == pagopa.StatoPagata || a.StatoGPD == pagopa.StatoRendiconta:
		setEsito(s.EsitoMsg, lang.L("Risulta già pagato."), widget.SuccessImportance)
	case a.StatoGPD != pagopa.StatoValida:
		setEsito(s.EsitoMsg, lang.L("pagoPA: {{.Stato}}", map[string]any{"Stato": statoPagoPALabel(a.StatoGPD)}), widget.WarningImportance)
	default:
		setEsito(s.EsitoMsg, lang.L("Pagabile ora su pagoPA: stampare l'avviso per il cittadino o inviarlo per e-mail."), widget.SuccessImportance)
	}
	setEnabled(s.Stampa, generato)
	setEnabled(s.SalvaPDF, generato)
	setVisible(s.Pubblica, !generato)
	puoInviare := u.Core.Operatore().Ruolo.Almeno(operatori.RuoloOperatoreInvio)
	setEnabled(s.Invia, generato && s.casella != "" && puoInviare)
	switch {
	case !generato:
	case s.casella == "":
		s.Invia.SetText(lang.L("Invia per e-mail (nessuna casella)"))
	case !puoInviare:
		s.Invia.SetText(lang.L("Invia per e-mail (riservato)"))
	default:
		s.Invia.SetText(lang.L("Invia per e-mail"))
	}
	s.Modulo.Hide()
	s.Esito.Show()
}

func (u *UI) pubblicaSpontaneo(s *spontaneoScreen) {
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Pubblica su pagoPA"), lang.L("Creazione della posizione debitoria su pagoPA…"))
	dlg.SetProgress(0, 0, "")
	s.Attesa = dlg
	op, iuv := u.Core.Operatore(), s.creato.Avviso.IUV
	u.appIO().bg.Go(func() func() {
		x, err := u.Core.Avvisi.PubblicaSpontaneo(ctx, op, iuv)
		dlg.Done()
		return func() {
			if x.Avviso.IUV == "" {
				setEsito(s.EsitoMsg, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			u.mostraSpontaneo(s, x, err)
		}
	})
}

// chiediInvioSpontaneo asks the address (the one given, to confirm or
// correct) and says where the message leaves from.
func (u *UI) chiediInvioSpontaneo(s *spontaneoScreen) {
	s.EmailInvio = widget.NewEntry()
	s.EmailInvio.SetText(s.creato.Avviso.IndirizzoPec)
	s.EmailInvio.SetPlaceHolder("nome.cognome@example.it")
	msg := widget.NewLabel(lang.L("L'avviso parte con la lettera di accompagnamento dalla casella {{.Casella}}.", map[string]any{"Casella": s.casella}))
	msg.Wrapping = fyne.TextWrapWord
	form := container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("E-mail del cittadino")+" *"), s.EmailInvio)
	s.InvioDialog = dialog.NewCustomWithoutButtons(lang.L("Invia per e-mail"), container.NewVBox(msg, form), u.Win)
	annulla := widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), s.InvioDialog.Hide)
	s.ConfermaInvio = widget.NewButtonWithIcon(lang.L("Invia"), theme.MailSendIcon(), func() {
		s.InvioDialog.Hide()
		u.inviaSpontaneo(s, s.EmailInvio.Text)
	})
	s.ConfermaInvio.Importance = widget.HighImportance
	s.EmailInvio.OnSubmitted = func(string) { s.ConfermaInvio.OnTapped() }
	s.InvioDialog.SetButtons([]fyne.CanvasObject{annulla, s.ConfermaInvio})
	s.InvioDialog.Resize(fyne.NewSize(480, s.InvioDialog.MinSize().Height))
	s.InvioDialog.Show()
}

func (u *UI) inviaSpontaneo(s *spontaneoScreen, email string) {
	dlg, ctx := widgets.NewProgressDialog(u.Win, lang.L("Invia per e-mail"), lang.L("Invio dell'avviso…"))
	dlg.SetProgress(0, 0, "")
	s.Attesa = dlg
	op, iuv := u.Core.Operatore(), s.creato.Avviso.IUV
	u.appIO().bg.Go(func() func() {
		err := u.Core.Avvisi.InviaSpontaneo(ctx, op, iuv, email, func(p jobs.Progress) {
			dlg.SetProgress(p.Done+p.Failed+p.Uncertain, p.Total, "")
		})
		d, rerr := u.Core.Avvisi.Dettaglio(u.ctx, iuv)
		dlg.Done()
		return func() {
			if rerr == nil {
				s.creato = d.AvvisoStampa
			}
			if err != nil {
				setEsito(s.EsitoMsg, widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			a := s.creato.Avviso
			imp := widget.SuccessImportance
			if a.Invio.Errore != "" {
				imp = widget.DangerImportance
			}
			setEsito(s.EsitoMsg, invioSportello(a, s.creato.Lotto), imp)
		}
	})
}

// spontaneoDeep opens, from the command line, the form filled in for a
// citizen («esempio»: nothing is created) or filled in wrong and refused
// («errore»), the newest payment made at the counter («esito») or that
// and the question of its e-mail («invio»: nothing is sent). For
// screenshots and support.
func spontaneoDeep(u *UI, arg string) {
	s := u.sportello().spontaneo
	switch arg {
	case "esempio":
		scelto := ""
		for l, t := range s.catalogo {
			if t.ImportoFisso == 0 && (scelto == "" || strings.HasPrefix(l, "DIRITTI_SEGRETERIA")) {
				scelto = l
			}
		}
		if scelto == "" {
			return
		}
		s.Tipo.SetSelected(scelto)
		for k, v := range map[string]string{"cf": "BRMGLI85M41M052S", "nome": "Giulia Brambilla", "email": "giulia.brambilla@example.it",
			"indirizzo": "Via Vittorio Emanuele 12", "cap": "20871", "comune": "Vimercate", "provincia": "MB", "importo": "16,00",
			"causale": "Diritti di segreteria - certificato di destinazione urbanistica"} {
			s.Entries[k].SetText(v)
		}
	case "errore":
		for l, t := range s.catalogo {
			if t.ImportoFisso == 0 {
				s.Tipo.SetSelected(l)
				break
			}
		}
		for k, v := range map[string]string{"cf": "RSSMRA80A01F205Z", "email": "mario.rossi@", "importo": "12,5,0"} {
			s.Entries[k].SetText(v)
		}
		s.Crea.OnTapped()
	case "esito", "invio":
		u.appIO().bg.Go(func() func() {
			x, err := u.Core.Avvisi.UltimoSpontaneo(u.ctx)
			if err != nil {
				return nil
			}
			return func() {
				u.mostraSpontaneo(s, x, nil)
				if arg == "invio" && !s.Invia.Disabled() {
					s.Invia.OnTapped()
				}
			}
		})
	}
}
