package ui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecTitolariScreen is Registro PEC › Gestione anagrafica utenti: the
// owners (titolari) searched by name, surname and fiscal code; the one
// selected fills its own data and the three panels of its addresses,
// companies and certified mailboxes. Each form is read-only until
// «Abilita campi editabili». An assistant finds only their own owners
// (core scopes the queries).
type pecTitolariScreen struct {
	Panel        *widgets.SearchPanel
	Titolare     *widgets.DetailForm
	Storico      *widget.Button
	Nota         *widget.Label // what to do before a titolare is chosen
	Schede       *container.AppTabs
	Indirizzi    *widget.List
	Indirizzo    *widgets.DetailForm
	Attivita     *widget.List
	AttivitaForm *widgets.DetailForm
	Caselle      *widget.List

	d         registro.DettaglioTitolare
	loaded    bool
	indirizzo int // selected index in d.Indirizzi, -1 none
	attivita  int // selected index in d.Attivita, -1 none
	tabInd    *container.TabItem
	tabAtt    *container.TabItem
	tabCas    *container.TabItem
}

const (
	colTitolareCognome = iota
	colTitolareNome
	colTitolareCF
	colTitolareTipo
	colTitolareEmail
	colTitolareInseritoDa
	colTitolareID // not shown
)

func tipoTitolareLabel(t string) string {
	switch t {
	case registro.TipoPrivato:
		return lang.L("Privato")
	case registro.TipoAzienda:
		return lang.L("Azienda")
	case registro.TipoLiberoProfessionista:
		return lang.L("Libero professionista")
	case registro.TipoDittaIndividuale:
		return lang.L("Ditta individuale")
	case registro.TipoNoProfit:
		return lang.L("No profit")
	case registro.TipoPubblicaAmministrazione:
		return lang.L("Pubblica amministrazione")
	}
	return t
}

func tipoTitolareByLabel(l string) string {
	for _, t := range registro.TipiTitolare {
		if tipoTitolareLabel(t) == l {
			return t
		}
	}
	return l
}

// titolariSource pages through the owners in SQL, through core.
type titolariSource struct{ u *UI }

func (s titolariSource) filtro(f widgets.Filter) store.FiltroTitolari {
	return store.FiltroTitolari{Nome: f["nome"], Cognome: f["cognome"], CodiceFiscale: f["codice_fiscale"]}
}

func (s titolariSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	n, _, err := s.u.Core.Registro.CercaTitolari(ctx, s.u.Core.Operatore(), s.filtro(f), 0, 0)
	return n, err
}

func (s titolariSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	_, list, err := s.u.Core.Registro.CercaTitolari(ctx, s.u.Core.Operatore(), s.filtro(f), offset, limit)
	rows := make([][]string, len(list))
	for i, t := range list {
		rows[i] = []string{t.Cognome, t.Nome, t.CodiceFiscale, tipoTitolareLabel(t.Tipo), t.Email, t.InseritoDa,
			strconv.FormatInt(t.ID, 10)}
	}
	return rows, err
}

func indirizzoLabel(i store.Indirizzo) string {
	return fmt.Sprintf("%s %s, %s %s (%s)", i.Via, i.Civico, i.CAP, i.Comune, i.Provincia)
}

func pecTitolariView(u *UI) fyne.CanvasObject {
	s := &pecTitolariScreen{indirizzo: -1, attivita: -1}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "nome", Label: lang.L("Nome")},
			{Key: "cognome", Label: lang.L("Cognome")},
			{Key: "codice_fiscale", Label: lang.L("Codice fiscale")},
		},
		Columns: []widgets.Column{{Title: lang.L("Cognome"), Width: 160}, {Title: lang.L("Nome"), Width: 140},
			{Title: lang.L("Codice fiscale"), Width: 170}, {Title: lang.L("Tipo"), Width: 150}, {Title: lang.L("E-mail"), Width: 220},
			{Title: lang.L("Inserito da"), Width: 110}},
		Source: titolariSource{u: u},
	})
	s.Panel.OnSelect = func(row []string) { u.apriTitolare(s, row[colTitolareID]) }
	s.Panel.OnOpen = s.Panel.OnSelect

	tipi := make([]string, len(registro.TipiTitolare))
	for i, t := range registro.TipiTitolare {
		tipi[i] = tipoTitolareLabel(t)
	}
	s.Titolare = widgets.NewDetailForm([]widgets.Section{{
		Title: lang.L("Dati del titolare"),
		Fields: []widgets.Field{
			{Key: "nome", Label: lang.L("Nome"), Required: true},
			{Key: "cognome", Label: lang.L("Cognome"), Required: true},
			{Key: "codice_fiscale", Label: lang.L("Codice fiscale"), Required: true},
			{Key: "tipo", Label: lang.L("Tipo"), Kind: widgets.FieldSelect, Options: tipi, Required: true},
			{Key: "email", Label: lang.L("E-mail"), Required: true},
			{Key: "telefono", Label: lang.L("Telefono")},
			{Key: "cellulare", Label: lang.L("Cellulare")},
		},
	}}, func(v map[string]string) error { return u.salvaPecTitolare(s, v) })
	s.Indirizzo = widgets.NewDetailForm([]widgets.Section{{
		Fields: []widgets.Field{
			{Key: "via", Label: lang.L("Via"), Required: true},
			{Key: "civico", Label: lang.L("Civico"), Required: true},
			{Key: "comune", Label: lang.L("Comune"), Required: true},
			{Key: "provincia", Label: lang.L("Provincia")},
			{Key: "cap", Label: lang.L("CAP")},
			{Key: "telefono", Label: lang.L("Telefono"), Required: true},
			{Key: "fax", Label: lang.L("Fax")},
			{Key: "cellulare", Label: lang.L("Cellulare")},
		},
	}}, func(v map[string]string) error { return u.salvaPecIndirizzo(s, v) })
	s.AttivitaForm = widgets.NewDetailForm([]widgets.Section{{
		Fields: []widgets.Field{
			{Key: "ragione_sociale", Label: lang.L("Ragione sociale"), Required: true},
			{Key: "partita_iva", Label: lang.L("Partita IVA"), Required: true},
			{Key: "indirizzo", Label: lang.L("Indirizzo"), Kind: widgets.FieldSelect, Required: true},
		},
	}}, func(v map[string]string) error { return u.salvaPecAttivita(s, v) })
	// One form edited at a time: the others wait.
	forms := []*widgets.DetailForm{s.Titolare, s.Indirizzo, s.AttivitaForm}
	for _, f := range forms {
		f.OnEditing = func(editing bool) {
			for _, g := range forms {
				if g != f {
					attivaModifica(g, !editing && s.formUsabile(g))
				}
			}
		}
	}

	s.Indirizzi = widget.NewList(func() int { return len(s.d.Indirizzi) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("Via Giuseppe Garibaldi 100, 10064 Pinerolo (TO)")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(indirizzoLabel(s.d.Indirizzi[i]))
		})
	s.Indirizzi.OnSelected = func(i widget.ListItemID) { u.mostraPecIndirizzo(s, i) }
	s.Attivita = widget.NewList(func() int { return len(s.d.Attivita) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("Ragione sociale Srl — 00000000000")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := s.d.Attivita[i]
			o.(*widget.Label).SetText(a.RagioneSociale + " — " + a.PartitaIVA)
		})
	s.Attivita.OnSelected = func(i widget.ListItemID) { u.mostraPecAttivita(s, i) }
	s.Caselle = widget.NewList(func() int { return len(s.d.Caselle) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("nome.cognome@dominio.it — In attesa di attivazione — 01/01/2026 10:00")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := s.d.Caselle[i]
			t := c.Indirizzo + " — " + statoCasellaLabel(c.Stato) + " — " + lang.L("inserita il") + " " + dataOra(c.InseritaIl)
			if !c.AttivataIl.IsZero() {
				t += ", " + lang.L("attivata il") + " " + dataOra(c.AttivataIl)
			}
			o.(*widget.Label).SetText(t)
		})

	hintInd := widget.NewLabel(lang.L("Provincia e CAP si ricavano dal comune; fax e cellulare sono facoltativi."))
	hintInd.Importance = widget.LowImportance
	hintInd.Wrapping = fyne.TextWrapWord
	splitInd := container.NewHSplit(s.Indirizzi, container.NewBorder(nil, hintInd, nil, nil, s.Indirizzo))
	splitInd.Offset = 0.45
	splitAtt := container.NewHSplit(s.Attivita, s.AttivitaForm)
	splitAtt.Offset = 0.45
	s.tabInd = container.NewTabItem(lang.L("Indirizzi del titolare"), splitInd)
	s.tabAtt = container.NewTabItem(lang.L("Attività del titolare"), splitAtt)
	s.tabCas = container.NewTabItem(lang.L("Caselle PEC del titolare"), s.Caselle)
	s.Schede = container.NewAppTabs(s.tabInd, s.tabAtt, s.tabCas)

	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		t := s.d.Titolare
		u.showStorico(t.Cognome+" "+t.Nome, "titolare", strconv.FormatInt(t.ID, 10))
	})
	s.Nota = widget.NewLabel(lang.L("Selezionare un titolare nell'elenco: i suoi dati, indirizzi, attività e caselle PEC compaiono qui."))
	s.Nota.Wrapping = fyne.TextWrapWord
	s.Nota.Importance = widget.LowImportance
	u.pecTitolari = s
	u.svuotaTitolare(s)
	s.Panel.Search()

	left := container.NewBorder(container.NewVBox(pulsanti(container.NewHBox(s.Storico, layout.NewSpacer())), s.Nota), nil, nil, nil, s.Titolare)
	bottom := container.NewHSplit(container.NewPadded(left), s.Schede)
	bottom.Offset = 0.42
	split := container.NewVSplit(s.Panel, bottom)
	split.Offset = 0.45
	return split
}

// formUsabile tells whether a form has a record to edit.
func (s *pecTitolariScreen) formUsabile(f *widgets.DetailForm) bool {
	switch f {
	case s.Titolare:
		return s.loaded
	case s.Indirizzo:
		return s.loaded && s.indirizzo >= 0
	case s.AttivitaForm:
		return s.loaded && s.attivita >= 0
	}
	return false
}

// attivaModifica enables a form's «Abilita campi editabili», or hides it:
// the Sportello theme keeps disabled text dark so that read-only forms stay
// legible, and a disabled toggle would look like one that works.
func attivaModifica(f *widgets.DetailForm, on bool) {
	setEnabled(f.Toggle, on)
	setVisible(f.Toggle, on)
}

func (s *pecTitolariScreen) annullaModifiche() {
	for _, f := range []*widgets.DetailForm{s.Titolare, s.Indirizzo, s.AttivitaForm} {
		if f.Editing() {
			f.Cancel()
		}
	}
}

// svuotaTitolare shows no titolare.
func (u *UI) svuotaTitolare(s *pecTitolariScreen) {
	s.annullaModifiche()
	s.d, s.loaded, s.indirizzo, s.attivita = registro.DettaglioTitolare{}, false, -1, -1
	s.Titolare.SetValues(nil)
	s.Titolare.SetLastChange(time.Time{}, "")
	s.Indirizzo.SetValues(nil)
	s.AttivitaForm.SetValues(nil)
	attivaModifica(s.Titolare, false)
	attivaModifica(s.Indirizzo, false)
	attivaModifica(s.AttivitaForm, false)
	s.Storico.Disable()
	s.Nota.Show()
	u.aggiornaSchede(s)
}

// apriTitolare reads the titolare with its panels (a quick local read).
func (u *UI) apriTitolare(s *pecTitolariScreen, idText string) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return
	}
	u.caricaTitolare(s, id)
}

func (u *UI) caricaTitolare(s *pecTitolariScreen, id int64) {
	d, err := u.Core.Registro.Titolare(u.ctx, u.Core.Operatore(), id)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	s.annullaModifiche()
	// Keep the address and company selected when the same titolare is read again.
	indirizzo, attivita := int64(0), int64(0)
	if s.loaded && s.d.Titolare.ID == id {
		if s.indirizzo >= 0 {
			indirizzo = s.d.Indirizzi[s.indirizzo].ID
		}
		if s.attivita >= 0 {
			attivita = s.d.Attivita[s.attivita].ID
		}
	}
	s.d, s.loaded, s.indirizzo, s.attivita = d, true, -1, -1
	t := d.Titolare
	s.Titolare.SetValues(map[string]string{"nome": t.Nome, "cognome": t.Cognome, "codice_fiscale": t.CodiceFiscale,
		"tipo": tipoTitolareLabel(t.Tipo), "email": t.Email, "telefono": t.Telefono, "cellulare": t.Cellulare})
	s.Titolare.SetLastChange(t.ModificatoIl, t.ModificatoDa)
	attivaModifica(s.Titolare, true)
	s.Storico.Enable()
	s.Nota.Hide()
	opts := make([]string, len(d.Indirizzi))
	for i, ind := range d.Indirizzi {
		opts[i] = indirizzoLabel(ind)
	}
	s.AttivitaForm.Selects["indirizzo"].SetOptions(opts)
	s.Indirizzi.UnselectAll()
	s.Attivita.UnselectAll()
	s.Indirizzo.SetValues(nil)
	s.AttivitaForm.SetValues(nil)
	attivaModifica(s.Indirizzo, false)
	attivaModifica(s.AttivitaForm, false)
	u.aggiornaSchede(s)
	for i, ind := range d.Indirizzi {
		if ind.ID == indirizzo {
			s.Indirizzi.Select(i)
		}
	}
	for i, a := range d.Attivita {
		if a.ID == attivita {
			s.Attivita.Select(i)
		}
	}
}

func (u *UI) aggiornaSchede(s *pecTitolariScreen) {
	conta := func(titolo string, n int) string {
		if !s.loaded {
			return titolo
		}
		return fmt.Sprintf("%s (%d)", titolo, n)
	}
	s.tabInd.Text = conta(lang.L("Indirizzi del titolare"), len(s.d.Indirizzi))
	s.tabAtt.Text = conta(lang.L("Attività del titolare"), len(s.d.Attivita))
	s.tabCas.Text = conta(lang.L("Caselle PEC del titolare"), len(s.d.Caselle))
	s.Schede.Refresh()
	s.Indirizzi.Refresh()
	s.Attivita.Refresh()
	s.Caselle.Refresh()
}

func (u *UI) mostraPecIndirizzo(s *pecTitolariScreen, i int) {
	if i < 0 || i >= len(s.d.Indirizzi) {
		return
	}
	if s.Indirizzo.Editing() {
		s.Indirizzo.Cancel()
	}
	s.indirizzo = i
	ind := s.d.Indirizzi[i]
	s.Indirizzo.SetValues(map[string]string{"via": ind.Via, "civico": ind.Civico, "comune": ind.Comune, "provincia": ind.Provincia,
		"cap": ind.CAP, "telefono": ind.Telefono, "fax": ind.Fax, "cellulare": ind.Cellulare})
	attivaModifica(s.Indirizzo, !s.Titolare.Editing() && !s.AttivitaForm.Editing())
}

func (u *UI) mostraPecAttivita(s *pecTitolariScreen, i int) {
	if i < 0 || i >= len(s.d.Attivita) {
		return
	}
	if s.AttivitaForm.Editing() {
		s.AttivitaForm.Cancel()
	}
	s.attivita = i
	a := s.d.Attivita[i]
	v := map[string]string{"ragione_sociale": a.RagioneSociale, "partita_iva": a.PartitaIVA}
	for _, ind := range s.d.Indirizzi {
		if ind.ID == a.IndirizzoID {
			v["indirizzo"] = indirizzoLabel(ind)
		}
	}
	s.AttivitaForm.SetValues(v)
	attivaModifica(s.AttivitaForm, !s.Titolare.Editing() && !s.Indirizzo.Editing())
}

func (u *UI) salvaPecTitolare(s *pecTitolariScreen, v map[string]string) error {
	t := s.d.Titolare
	t.Nome, t.Cognome, t.CodiceFiscale, t.Tipo = v["nome"], v["cognome"], v["codice_fiscale"], tipoTitolareByLabel(v["tipo"])
	t.Email, t.Telefono, t.Cellulare = v["email"], v["telefono"], v["cellulare"]
	if _, err := u.Core.Registro.SalvaTitolare(u.ctx, u.Core.Operatore(), t); err != nil {
		return err
	}
	u.caricaTitolare(s, t.ID)
	s.Panel.Reload()
	return nil
}

func (u *UI) salvaPecIndirizzo(s *pecTitolariScreen, v map[string]string) error {
	if s.indirizzo < 0 {
		return nil
	}
	i := s.d.Indirizzi[s.indirizzo]
	i.Via, i.Civico, i.Comune, i.Provincia, i.CAP = v["via"], v["civico"], v["comune"], v["provincia"], v["cap"]
	i.Telefono, i.Fax, i.Cellulare = v["telefono"], v["fax"], v["cellulare"]
	if _, err := u.Core.Registro.SalvaIndirizzo(u.ctx, u.Core.Operatore(), i); err != nil {
		return err
	}
	u.caricaTitolare(s, s.d.Titolare.ID)
	return nil
}

func (u *UI) salvaPecAttivita(s *pecTitolariScreen, v map[string]string) error {
	if s.attivita < 0 {
		return nil
	}
	a := s.d.Attivita[s.attivita]
	a.RagioneSociale, a.PartitaIVA = v["ragione_sociale"], v["partita_iva"]
	for _, ind := range s.d.Indirizzi {
		if indirizzoLabel(ind) == v["indirizzo"] {
			a.IndirizzoID = ind.ID
			break
		}
	}
	if _, err := u.Core.Registro.SalvaAttivita(u.ctx, u.Core.Operatore(), a); err != nil {
		return err
	}
	u.caricaTitolare(s, s.d.Titolare.ID)
	return nil
}
