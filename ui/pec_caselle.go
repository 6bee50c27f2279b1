package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecCaselleScreen is Registro PEC › Gestione account certificati (pec):
// the certified mailboxes searched by domain, part of the address,
// insertion date and state; the one selected shows its detail below and
// the toolbar acts on it: history, agent, package. «Inserisci nuovo
// account certificato» stores owner, address, company and mailbox in one
// validated call; «Esporta Dati» writes the current search as CSV. An
// assistant sees and changes only their own mailboxes (core scopes them).
type pecCaselleScreen struct {
	Panel     *widgets.SearchPanel
	Campi     map[string]*widget.Label // detail by key: casella, stato, titolare, indirizzo, attivita, agente, pacchetto, inserita_il, inserita_da, attivata_il
	Dettaglio *fyne.Container
	Nota      *widget.Label
	Esito     *widget.Label

	Storico    *widget.Button
	Inserisci  *widget.Button
	GestAgenti *widget.Button
	GestPacch  *widget.Button
	CaricaDoc  *widget.Button // «Carica documentazione PDF» (pec_documenti.go)
	GestDoc    *widget.Button // «Gestione documentazione»
	Esporta    *widget.Button
	// The mailbox's state, shown only where it applies: Sospendi on an
	// ATTIVA one, Riattiva on a SOSPESA one, Cessa on either.
	Sospendi, Riattiva, Cessa *widget.Button

	Nuova     *nuovaCasellaForm
	Agenti    *gestioneAgenteDialog
	Pacchetti *gestionePacchettoDialog
	Conferma  *widgets.ConfirmDialog
	Documenti *pecDocumenti

	// ChooseSave asks where to save the export and calls chosen with the
	// path (not at all if the clerk gives up). Tests replace it.
	ChooseSave func(suggested string, chosen func(path string))

	bg        *widgets.Background
	casella   store.Casella
	loaded    bool
	seleziona int64 // a mailbox to select in the list once the search is shown
}

const (
	colCasellaIndirizzo = iota
	colCasellaDominio
	colCasellaStato
	colCasellaTitolare
	colCasellaCF
	colCasellaInseritaIl
	colCasellaAttivataIl
	colCasellaID // not shown
)

func statoCasellaByLabel(l string) string {
	for _, s := range statiCasella {
		if statoCasellaLabel(s) == l {
			return s
		}
	}
	return ""
}

// caselleSource pages through the mailboxes in SQL, through core.
type caselleSource struct{ u *UI }

func (s caselleSource) filtro(f widgets.Filter) store.FiltroCaselle {
	fl := store.FiltroCaselle{Dominio: f["dominio"], Casella: f["casella"], Stato: statoCasellaByLabel(f["stato"])}
	if t, err := time.ParseInLocation("2006-01-02", f["dal"], widgets.Zone); err == nil {
		fl.Dal = t
	}
	if t, err := time.ParseInLocation("2006-01-02", f["al"], widgets.Zone); err == nil {
		fl.Al = t.AddDate(0, 0, 1) // Al is exclusive: the whole day
	}
	return fl
}

func (s caselleSource) Count(ctx context.Context, f widgets.Filter) (int, error) {
	n, _, err := s.u.Core.Registro.CercaCaselle(ctx, s.u.Core.Operatore(), s.filtro(f), 0, 0)
	return n, err
}

func (s caselleSource) Page(ctx context.Context, f widgets.Filter, offset, limit int) ([][]string, error) {
	_, list, err := s.u.Core.Registro.CercaCaselle(ctx, s.u.Core.Operatore(), s.filtro(f), offset, limit)
	rows := make([][]string, len(list))
	for i, c := range list {
		rows[i] = []string{c.Indirizzo, c.Dominio, statoCasellaLabel(c.Stato), c.Titolare, c.CodiceFiscale, dataOra(c.InseritaIl),
			dataOra(c.AttivataIl), strconv.FormatInt(c.ID, 10)}
	}
	return rows, err
}

func pecCaselleView(u *UI) fyne.CanvasObject {
	s := &pecCaselleScreen{Campi: map[string]*widget.Label{}, bg: widgets.NewBackground()}
	var domini []string
	if list, err := u.Core.Registro.Domini(u.ctx, u.Core.Operatore()); err == nil {
		for _, d := range list {
			domini = append(domini, d.Dominio)
		}
	}
	stati := make([]string, len(statiCasella))
	for i, st := range statiCasella {
		stati[i] = statoCasellaLabel(st)
	}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{
			{Key: "dominio", Label: lang.L("Dominio"), Kind: widgets.FieldSelect, Options: domini, Placeholder: lang.L("(tutti)")},
			{Key: "casella", Label: lang.L("Casella"), Placeholder: lang.L("parte dell'indirizzo")},
			{Key: "dal", Label: lang.L("Data inserimento dal"), Kind: widgets.FieldDate},
			{Key: "al", Label: lang.L("Data inserimento al"), Kind: widgets.FieldDate},
			{Key: "stato", Label: lang.L("Stato"), Kind: widgets.FieldSelect, Options: stati, Placeholder: lang.L("(tutti)")},
		},
		Columns: []widgets.Column{{Title: lang.L("Casella"), Width: 240}, {Title: lang.L("Dominio"), Width: 130},
			{Title: lang.L("Stato"), Width: 170}, {Title: lang.L("Titolare"), Width: 170}, {Title: lang.L("Codice fiscale"), Width: 170},
			{Title: lang.L("Inserita il"), Width: 130}, {Title: lang.L("Attivata il"), Width: 130}},
		Source: caselleSource{u: u},
	})
	s.Panel.OnSelect = func(row []string) { u.apriCasella(s, row[colCasellaID]) }
	s.Panel.OnOpen = s.Panel.OnSelect

	// Two columns, so that the whole detail fits under the list on a
	// 768-pixel screen.
	colonna := func(campi ...[2]string) *fyne.Container {
		form := container.New(layout.NewFormLayout())
		for _, f := range campi {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			s.Campi[f[0]] = l
			form.Add(widget.NewLabelWithStyle(f[1], fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			form.Add(l)
		}
		return form
	}
	s.Dettaglio = container.NewGridWithColumns(2,
		colonna([2]string{"casella", lang.L("Casella")}, [2]string{"stato", lang.L("Stato")}, [2]string{"titolare", lang.L("Titolare")},
			[2]string{"indirizzo", lang.L("Indirizzo")}, [2]string{"attivita", lang.L("Attività")}),
		colonna([2]string{"agente", lang.L("Agente commerciale")}, [2]string{"pacchetto", lang.L("Pacchetto")},
			[2]string{"inserita_il", lang.L("Inserita il")}, [2]string{"inserita_da", lang.L("Inserita da")},
			[2]string{"attivata_il", lang.L("Attivata il")}))
	s.Nota = widget.NewLabel(lang.L("Selezionare una casella nell'elenco: i suoi dati compaiono qui e la barra agisce su di essa."))
	s.Nota.Wrapping = fyne.TextWrapWord
	s.Nota.Importance = widget.LowImportance
	s.Esito = esitoLabel()

	s.Storico = widget.NewButtonWithIcon(lang.L("Visualizzazione storico"), theme.HistoryIcon(), func() {
		if s.loaded {
			u.showStorico(s.casella.Indirizzo, "casella", strconv.FormatInt(s.casella.ID, 10))
		}
	})
	s.Inserisci = widget.NewButtonWithIcon(lang.L("Inserisci nuovo account certificato"), theme.ContentAddIcon(),
		func() { u.apriNuovaCasella(s) })
	s.GestAgenti = widget.NewButtonWithIcon(lang.L("Gestione agenti commerciali"), theme.AccountIcon(),
		func() { u.apriGestioneAgente(s) })
	s.GestPacch = widget.NewButtonWithIcon(lang.L("Gestione pacchetti"), theme.StorageIcon(),
		func() { u.apriGestionePacchetto(s) })
	u.pulsantiDocumenti(s)
	s.Esporta = widget.NewButtonWithIcon(lang.L("Esporta Dati"), theme.DocumentSaveIcon(), func() { u.esportaCaselle(s) })
	u.pulsantiStato(s)
	s.ChooseSave = func(suggested string, chosen func(string)) {
		widgets.ShowFileSave(u.Win, suggested, []string{".csv"}, chosen)
	}
	u.pecCaselle = s
	u.mostraCasella(s)
	s.Panel.Search()

	// Two rows, so that the whole bar fits a 1366-pixel screen.
	toolbar := pulsanti(container.NewVBox(
		container.NewHBox(s.Inserisci, s.Storico, s.GestAgenti, s.GestPacch, layout.NewSpacer()),
		container.NewHBox(s.CaricaDoc, s.GestDoc, s.Esporta, layout.NewSpacer(), s.Sospendi, s.Riattiva, s.Cessa)))
	bottom := container.NewBorder(container.NewVBox(toolbar, s.Esito, s.Nota), nil, nil, nil,
		container.NewVScroll(container.NewPadded(s.Dettaglio)))
	split := container.NewVSplit(s.Panel, bottom)
	split.Offset = 0.55
	return split
}

func (u *UI) apriCasella(s *pecCaselleScreen, idText string) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return
	}
	u.caricaCasella(s, id)
}

// caricaCasella reads the mailbox again, with its owner's address and
// company, its agent and its package (quick local reads).
func (u *UI) caricaCasella(s *pecCaselleScreen, id int64) {
	c, err := u.Core.Registro.Casella(u.ctx, u.Core.Operatore(), id)
	if err != nil {
		widgets.ShowError(u.Win, err)
		return
	}
	s.casella, s.loaded = c, true
	u.mostraCasella(s)
}

// mostraCasella fills the detail and enables the actions that apply.
func (u *UI) mostraCasella(s *pecCaselleScreen) {
	c := s.casella
	setVisible(s.Nota, !s.loaded)
	setVisible(s.Dettaglio, s.loaded)
	setEnabled(s.Storico, s.loaded)
	setEnabled(s.GestAgenti, s.loaded && c.Stato != store.CasellaCessata)
	setEnabled(s.GestPacch, s.loaded && (c.PacchettoID != 0 || c.Stato == store.CasellaAttiva && c.AgenteID != 0))
	setEnabled(s.CaricaDoc, s.loaded)
	setEnabled(s.GestDoc, s.loaded)
	setVisible(s.Sospendi, s.loaded && c.Stato == store.CasellaAttiva)
	setVisible(s.Riattiva, s.loaded && c.Stato == store.CasellaSospesa)
	setVisible(s.Cessa, s.loaded && (c.Stato == store.CasellaAttiva || c.Stato == store.CasellaSospesa))
	if !s.loaded {
		for _, l := range s.Campi {
			l.SetText("")
		}
		return
	}
	op := u.Core.Operatore()
	v := map[string]string{"casella": c.Indirizzo, "stato": statoCasellaLabel(c.Stato),
		"titolare": c.Titolare + " — " + c.CodiceFiscale, "inserita_il": dataOra(c.InseritaIl), "inserita_da": c.InseritaDa,
		"attivata_il": dataOra(c.AttivataIl), "agente": lang.L("nessuno"), "pacchetto": lang.L("nessuno"), "attivita": "—"}
	if d, err := u.Core.Registro.Titolare(u.ctx, op, c.TitolareID); err == nil {
		for _, i := range d.Indirizzi {
			if i.ID == c.IndirizzoID {
				v["indirizzo"] = indirizzoLabel(i)
			}
		}
		for _, a := range d.Attivita {
			if a.ID == c.AttivitaID {
				v["attivita"] = a.RagioneSociale + " — " + lang.L("P. IVA") + " " + a.PartitaIVA
			}
		}
	}
	if c.AgenteID != 0 {
		if list, err := u.Core.Registro.Agenti(u.ctx, op, store.FiltroAgenti{}); err == nil {
			if i := slices.IndexFunc(list, func(a store.Agente) bool { return a.ID == c.AgenteID }); i >= 0 {
				v["agente"] = agenteLabel(list[i])
				if c.AgenteInRichiesta {
					v["agente"] += " — " + lang.L("richiesta di assegnazione, in attesa di attivazione")
				}
			}
		}
		if c.PacchettoID != 0 {
			if list, err := u.Core.Registro.PacchettiAgente(u.ctx, op, c.AgenteID); err == nil {
				if i := slices.IndexFunc(list, func(p store.Pacchetto) bool { return p.ID == c.PacchettoID }); i >= 0 {
					v["pacchetto"] = pacchettoLabel(list[i])
				}
			}
		}
	}
	for k, l := range s.Campi {
		l.SetText(v[k])
	}
}

func agenteLabel(a store.Agente) string {
	l := a.RagioneSociale + " (" + a.Nome + " " + a.Cognome + ")"
	if !a.Attivo {
		l += " — " + lang.L("Disattivato")
	}
	return l
}

func pacchettoLabel(p store.Pacchetto) string {
	return lang.L("{{.Nome}}: {{.Caselle}} su {{.Quantita}}, {{.Durata}}",
		map[string]any{"Nome": p.Nome, "Caselle": nCaselle(p.Usate), "Quantita": p.Quantita, "Durata": nAnni(p.DurataAnni)})
}

// nCaselle is "1 casella", "N caselle".
func nCaselle(n int) string {
	if n == 1 {
		return lang.L("1 casella")
	}
	return lang.L("{{.N}} caselle", map[string]any{"N": widgets.FormatInt(n)})
}

// nAnni is "1 anno", "N anni".
func nAnni(n int) string {
	if n == 1 {
		return lang.L("1 anno")
	}
	return lang.L("{{.N}} anni", map[string]any{"N": n})
}

// pulsantiStato makes Sospendi, Riattiva and Cessa: each asks first, then
// changes the mailbox's state here (the provider has it at the next sync),
// and shows the new state in the detail and in the list.
func (u *UI) pulsantiStato(s *pecCaselleScreen) {
	// testo is a message about the mailbox c.
	type testo func(c string) string
	azione := func(titolo string, domanda, fatto testo, cambia func(context.Context, operatori.Operatore, int64) error) func() {
		return func() {
			c := s.casella
			s.Conferma = widgets.Confirm(u.Win, titolo, domanda(c.Indirizzo), func() {
				if err := cambia(u.ctx, u.Core.Operatore(), c.ID); err != nil {
					u.esitoErrore(s, err)
					return
				}
				u.aggiornaCasella(s, fatto(c.Indirizzo))
				s.seleziona = c.ID
				s.Panel.Reload()
				s.bg.Go(func() func() {
					s.Panel.Wait()
					return func() { selezionaCasella(s) }
				})
			})
		}
	}
	casella := func(c string) map[string]any { return map[string]any{"Casella": c} }
	r := u.Core.Registro
	s.Sospendi = widget.NewButtonWithIcon(lang.L("Sospendi"), theme.MediaPauseIcon(), azione(lang.L("Sospendi casella"),
		func(c string) string {
			return lang.L("Sospendere la casella {{.Casella}}? Finché è sospesa il titolare non può inviare né ricevere messaggi; il gestore la sospende alla prossima sincronizzazione.", casella(c))
		},
		func(c string) string {
			return lang.L("Casella {{.Casella}} sospesa: il gestore la sospende alla prossima sincronizzazione.", casella(c))
		}, r.Sospendi))
	s.Riattiva = widget.NewButtonWithIcon(lang.L("Riattiva"), theme.MediaPlayIcon(), azione(lang.L("Riattiva casella"),
		func(c string) string {
			return lang.L("Riattivare la casella {{.Casella}}? Il gestore la riattiva alla prossima sincronizzazione.", casella(c))
		},
		func(c string) string {
			return lang.L("Casella {{.Casella}} riattivata: il gestore la riattiva alla prossima sincronizzazione.", casella(c))
		}, r.Riattiva))
	s.Cessa = widget.NewButtonWithIcon(lang.L("Cessa"), theme.DeleteIcon(), azione(lang.L("Cessa casella"),
		func(c string) string {
			return lang.L("Cessare definitivamente la casella {{.Casella}}? Una casella cessata non si può più riattivare né modificare.", casella(c))
		},
		func(c string) string {
			return lang.L("Casella {{.Casella}} cessata: il gestore la chiude alla prossima sincronizzazione.", casella(c))
		}, r.Cessa))
	s.Cessa.Importance = widget.DangerImportance
}

// aggiornaCasella reads the mailbox again after a change of its agent or
// package. The list shows neither, so it is not searched again: the row
// stays selected.
func (u *UI) aggiornaCasella(s *pecCaselleScreen, msg string) {
	u.caricaCasella(s, s.casella.ID)
	setEsito(s.Esito, msg, widget.SuccessImportance)
}

func (u *UI) esitoErrore(s *pecCaselleScreen, err error) {
	setEsito(s.Esito, widgets.ErrorText(err), widget.DangerImportance)
}

// ---- Inserisci nuovo account certificato

// nuovaCasellaForm is the «Inserisci nuovo account certificato» dialog:
// mailbox, owner, address, company and agent, saved in one call. Entries
// and Selects hold the inputs by key.
type nuovaCasellaForm struct {
	Dialog   *dialog.CustomDialog
	Entries  map[string]*widget.Entry
	Selects  map[string]*widget.Select
	Comune   *widget.SelectEntry
	CAP      *widget.SelectEntry
	Titolare *widget.Label // whether the fiscal code is of a known owner
	Errore   *widget.Label
	Salva    *widget.Button
	Annulla  *widget.Button
	// Scroll holds the sections (Sezioni by key: casella, titolare,
	// indirizzo, attivita, agente), taller than the dialog.
	Scroll  *container.Scroll
	Sezioni map[string]fyne.CanvasObject

	noto      store.Titolare // the owner found by fiscal code; ID 0 none
	indirizzi []store.Indirizzo
	agenti    []store.Agente
}

const nuovoIndirizzo = "—"

func (u *UI) apriNuovaCasella(s *pecCaselleScreen) {
	op := u.Core.Operatore()
	n := &nuovaCasellaForm{Entries: map[string]*widget.Entry{}, Selects: map[string]*widget.Select{},
		Sezioni: map[string]fyne.CanvasObject{}}
	var domini []string
	if list, err := u.Core.Registro.Domini(u.ctx, op); err == nil {
		for _, d := range list {
			if d.Certificato {
				domini = append(domini, d.Dominio)
			}
		}
	}
	agenti := []string{lang.L("(nessuno)")}
	if list, err := u.Core.Registro.Agenti(u.ctx, op, store.FiltroAgenti{}); err == nil {
		for _, a := range list {
			if a.Attivo {
				n.agenti = append(n.agenti, a)
				agenti = append(agenti, agenteLabel(a))
			}
		}
	}
	tipi := make([]string, len(registro.TipiTitolare))
	for i, t := range registro.TipiTitolare {
		tipi[i] = tipoTitolareLabel(t)
	}
	entry := func(key, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		n.Entries[key] = e
		return e
	}
	sel := func(key string, opts []string) *widget.Select {
		w := widget.NewSelect(opts, nil)
		w.PlaceHolder = lang.L("(scegliere)")
		n.Selects[key] = w
		return w
	}
	type riga struct {
		label string
		obj   fyne.CanvasObject
	}
	sezione := func(key, title string, righe ...riga) fyne.CanvasObject {
		f := container.New(layout.NewFormLayout())
		for _, r := range righe {
			f.Add(widget.NewLabel(r.label))
			f.Add(r.obj)
		}
		c := widget.NewCard("", title, f)
		n.Sezioni[key] = c
		return c
	}

	nome := container.NewBorder(nil, nil, nil, widget.NewLabel("@"), entry("nome", lang.L("nome.cognome")))
	dominio := sel("dominio", domini)
	if len(domini) == 1 {
		dominio.SetSelected(domini[0])
	}
	n.Titolare = widget.NewLabel(lang.L("Se il titolare è già registrato, nome e cognome si compilano da soli."))
	n.Titolare.Wrapping = fyne.TextWrapWord
	n.Titolare.Importance = widget.LowImportance
	cf := entry("codice_fiscale", "")
	cf.OnChanged = func(string) { u.cercaTitolareNoto(n) }
	tipo := sel("tipo", tipi)
	tipo.SetSelected(tipoTitolareLabel(registro.TipoPrivato))
	indEsistente := sel("indirizzo_esistente", []string{nuovoIndirizzo})
	indEsistente.SetSelected(nuovoIndirizzo)
	indEsistente.OnChanged = func(string) { n.abilitaIndirizzo() }
	indEsistente.Disable()
	n.Comune = widget.NewSelectEntry(nil)
	n.Comune.OnChanged = func(string) { n.compilaComune() }
	n.CAP = widget.NewSelectEntry(nil)
	agente := sel("agente", agenti)
	agente.SetSelected(agenti[0])

	n.Errore = widget.NewLabel("")
	n.Errore.Importance = widget.DangerImportance
	n.Errore.Wrapping = fyne.TextWrapWord
	n.Errore.Hide()
	body := container.NewVBox(
		sezione("casella", lang.L("Casella"),
			riga{lang.L("Nome casella") + " *", nome},
			riga{lang.L("Dominio") + " *", dominio}),
		sezione("titolare", lang.L("Titolare"),
			riga{lang.L("Codice fiscale") + " *", cf},
			riga{"", n.Titolare},
			riga{lang.L("Nome") + " *", entry("titolare_nome", "")},
			riga{lang.L("Cognome") + " *", entry("titolare_cognome", "")},
			riga{lang.L("Tipo") + " *", tipo},
			riga{lang.L("E-mail") + " *", entry("titolare_email", "")},
			riga{lang.L("Telefono"), entry("titolare_telefono", "")},
			riga{lang.L("Cellulare"), entry("titolare_cellulare", "")}),
		sezione("indirizzo", lang.L("Indirizzo"),
			riga{lang.L("Indirizzo esistente"), indEsistente},
			riga{lang.L("Via") + " *", entry("via", "")},
			riga{lang.L("Civico") + " *", entry("civico", "")},
			riga{lang.L("Comune") + " *", n.Comune},
			riga{lang.L("Provincia"), entry("provincia", lang.L("dal comune"))},
			riga{lang.L("CAP") + " *", n.CAP},
			riga{lang.L("Telefono") + " *", entry("telefono", "")},
			riga{lang.L("Fax"), entry("fax", "")},
			riga{lang.L("Cellulare"), entry("cellulare", "")}),
		sezione("attivita", lang.L("Attività"),
			riga{lang.L("Ragione sociale"), entry("ragione_sociale", "")},
			riga{lang.L("Partita IVA"), entry("partita_iva", "")}),
		sezione("agente", lang.L("Agente commerciale"),
			riga{lang.L("Assegna ad agente"), agente}),
	)
	n.Scroll = container.NewVScroll(body)
	n.Dialog = dialog.NewCustomWithoutButtons(lang.L("Inserisci nuovo account certificato"),
		container.NewBorder(nil, n.Errore, nil, nil, n.Scroll), u.Win)
	n.Annulla = widget.NewButtonWithIcon(lang.L("Annulla"), theme.CancelIcon(), n.Dialog.Hide)
	n.Salva = widget.NewButtonWithIcon(lang.L("Verifica e salva"), theme.ConfirmIcon(), func() { u.salvaNuovaCasella(s, n) })
	n.Salva.Importance = widget.HighImportance
	n.Dialog.SetButtons([]fyne.CanvasObject{n.Annulla, n.Salva})
	n.Dialog.Resize(fyne.NewSize(640, 640))
	s.Nuova = n
	n.Dialog.Show()
}

// cercaTitolareNoto looks the fiscal code up among the owners in scope:
// a known owner fills its data in and offers its addresses.
func (u *UI) cercaTitolareNoto(n *nuovaCasellaForm) {
	cf := anagrafe.NormalizzaCodiceFiscale(n.Entries["codice_fiscale"].Text)
	var trovato store.Titolare
	if len(cf) == 16 || len(cf) == 11 {
		op := u.Core.Operatore()
		if _, list, err := u.Core.Registro.CercaTitolari(u.ctx, op, store.FiltroTitolari{CodiceFiscale: cf}, 0, 1); err == nil && len(list) == 1 {
			trovato = list[0]
			if d, err := u.Core.Registro.Titolare(u.ctx, op, trovato.ID); err == nil {
				n.indirizzi = d.Indirizzi
			}
		}
	}
	if trovato.ID == n.noto.ID {
		return
	}
	n.noto = trovato
	opts := []string{nuovoIndirizzo}
	campi := []string{"titolare_nome", "titolare_cognome", "titolare_email", "titolare_telefono", "titolare_cellulare"}
	if trovato.ID == 0 {
		n.indirizzi = nil
		for _, k := range campi {
			n.Entries[k].SetText("")
			n.Entries[k].Enable()
		}
		n.Selects["tipo"].Enable()
		n.Titolare.SetText(lang.L("Nuovo titolare: compilare i suoi dati."))
		n.Titolare.Importance = widget.LowImportance
	} else {
		v := []string{trovato.Nome, trovato.Cognome, trovato.Email, trovato.Telefono, trovato.Cellulare}
		for i, k := range campi {
			n.Entries[k].SetText(v[i])
			n.Entries[k].Disable()
		}
		n.Selects["tipo"].SetSelected(tipoTitolareLabel(trovato.Tipo))
		n.Selects["tipo"].Disable()
		for _, i := range n.indirizzi {
			opts = append(opts, indirizzoLabel(i))
		}
		n.Titolare.SetText(lang.L("Titolare già registrato: {{.Nome}}.", map[string]any{"Nome": trovato.Cognome + " " + trovato.Nome}))
		n.Titolare.Importance = widget.SuccessImportance
	}
	n.Titolare.Refresh()
	ind := n.Selects["indirizzo_esistente"]
	ind.SetOptions(opts)
	ind.SetSelected(nuovoIndirizzo)
	setEnabled(ind, len(opts) > 1)
}

// abilitaIndirizzo: a new address is typed, an existing one is chosen.
func (n *nuovaCasellaForm) abilitaIndirizzo() {
	nuovo := n.Selects["indirizzo_esistente"].Selected == nuovoIndirizzo
	for _, k := range []string{"via", "civico", "provincia", "telefono", "fax", "cellulare"} {
		setEnabled(n.Entries[k], nuovo)
	}
	setEnabled(n.Comune, nuovo)
	setEnabled(n.CAP, nuovo)
}

// compilaComune fills provincia and CAP from the bundled comuni, and
// offers the comuni starting with what is typed.
func (n *nuovaCasellaForm) compilaComune() {
	testo := strings.TrimSpace(n.Comune.Text)
	c, ok := anagrafe.ComuneByNome(testo)
	if !ok {
		var opts []string
		for _, c := range anagrafe.CercaComuni(testo, 20) {
			if !c.Soppresso {
				opts = append(opts, c.Nome+" ("+c.Provincia+")")
			}
		}
		n.Comune.SetOptions(opts)
		return
	}
	n.Entries["provincia"].SetText(c.Provincia)
	n.CAP.SetOptions(c.CAP)
	switch {
	case len(c.CAP) == 1:
		n.CAP.SetText(c.CAP[0])
	case !slices.Contains(c.CAP, n.CAP.Text):
		n.CAP.SetText("")
	}
}

// valori is the form as core's NuovaCasella.
func (n *nuovaCasellaForm) valori() registro.NuovaCasella {
	e := func(k string) string { return n.Entries[k].Text }
	nc := registro.NuovaCasella{Nome: e("nome"), Dominio: n.Selects["dominio"].Selected}
	if n.noto.ID != 0 {
		nc.Titolare = n.noto
	} else {
		nc.Titolare = store.Titolare{CodiceFiscale: e("codice_fiscale"), Nome: e("titolare_nome"), Cognome: e("titolare_cognome"),
			Tipo: tipoTitolareByLabel(n.Selects["tipo"].Selected), Email: e("titolare_email"), Telefono: e("titolare_telefono"),
			Cellulare: e("titolare_cellulare")}
	}
	if i := slices.IndexFunc(n.indirizzi, func(i store.Indirizzo) bool {
		return indirizzoLabel(i) == n.Selects["indirizzo_esistente"].Selected
	}); i >= 0 {
		nc.IndirizzoID = n.indirizzi[i].ID
	} else {
		comune, provincia := strings.TrimSpace(n.Comune.Text), e("provincia")
		if c, ok := anagrafe.ComuneByNome(comune); ok {
			comune, provincia = c.Nome, c.Provincia
		}
		nc.Indirizzo = store.Indirizzo{Via: e("via"), Civico: e("civico"), Comune: comune, Provincia: provincia,
			CAP: n.CAP.Text, Telefono: e("telefono"), Fax: e("fax"), Cellulare: e("cellulare")}
	}
	nc.Attivita = store.Attivita{RagioneSociale: e("ragione_sociale"), PartitaIVA: e("partita_iva")}
	if i := slices.IndexFunc(n.agenti, func(a store.Agente) bool { return agenteLabel(a) == n.Selects["agente"].Selected }); i >= 0 {
		nc.AgenteID = n.agenti[i].ID
	}
	return nc
}

func (u *UI) salvaNuovaCasella(s *pecCaselleScreen, n *nuovaCasellaForm) {
	id, err := u.Core.Registro.InserisciCasella(u.ctx, u.Core.Operatore(), n.valori())
	n.Errore.SetText(widgets.ErrorText(err))
	setVisible(n.Errore, err != nil)
	if err != nil {
		return
	}
	n.Dialog.Hide()
	u.caricaCasella(s, id)
	msg := lang.L("Casella {{.Casella}} inserita: in attesa di attivazione.", map[string]any{"Casella": s.casella.Indirizzo})
	setEsito(s.Esito, msg, widget.SuccessImportance)
	// List the new mailbox and select it once the search is shown.
	s.Panel.Clear()
	s.Panel.Entries["casella"].SetText(s.casella.Indirizzo)
	s.Panel.Search()
	s.seleziona = id
	s.bg.Go(func() func() {
		s.Panel.Wait()
		return func() { selezionaCasella(s) }
	})
}

// selezionaCasella selects s.seleziona in the list, if shown.
func selezionaCasella(s *pecCaselleScreen) {
	id := strconv.FormatInt(s.seleziona, 10)
	s.seleziona = 0
	for i := range min(s.Panel.Total(), 200) {
		if row, ok := s.Panel.Row(i); ok && row[colCasellaID] == id {
			s.Panel.SelectRow(i)
			return
		}
	}
}

// ---- Gestione agenti commerciali

// gestioneAgenteDialog replaces or removes the mailbox's agent.
type gestioneAgenteDialog struct {
	Dialog      *dialog.CustomDialog
	Attuale     *widget.Label
	Sostituto   *widget.Select // «Sostituisci con»
	Sostituisci *widget.Button
	Elimina     *widget.Button // «Elimina associazione agente», after SI/NO; shown for an association
	// EliminaRichiesta is «Elimina richiesta assegnazione agente», after
	// SI/NO; shown instead of Elimina while the agent is only requested.
	EliminaRichiesta *widget.Button
	agenti           []store.Agente
}

func (u *UI) apriGestioneAgente(s *pecCaselleScreen) {
	if !s.loaded {
		return
	}
	c := s.casella
	g := &gestioneAgenteDialog{Attuale: widget.NewLabel(s.Campi["agente"].Text)}
	var opts []string
	if list, err := u.Core.Registro.Agenti(u.ctx, u.Core.Operatore(), store.FiltroAgenti{}); err == nil {
		for _, a := range list {
			if a.Attivo && a.ID != c.AgenteID {
				g.agenti = append(g.agenti, a)
				opts = append(opts, agenteLabel(a))
			}
		}
	} else {
		u.esitoErrore(s, err)
	}
	g.Sostituto = widget.NewSelect(opts, func(string) { setEnabled(g.Sostituisci, g.Sostituto.Selected != "") })
	g.Sostituto.PlaceHolder = lang.L("(scegliere)")
	g.Sostituisci = widget.NewButtonWithIcon(lang.L("Sostituisci"), theme.ViewRefreshIcon(), func() {
		i := slices.IndexFunc(g.agenti, func(a store.Agente) bool { return agenteLabel(a) == g.Sostituto.Selected })
		if i < 0 {
			return
		}
		a := g.agenti[i]
		g.Dialog.Hide()
		if err := u.Core.Registro.SostituisciAgente(u.ctx, u.Core.Operatore(), c.ID, a.ID); err != nil {
			u.esitoErrore(s, err)
			return
		}
		u.aggiornaCasella(s, lang.L("Casella {{.Casella}} assegnata all'agente {{.Agente}}.",
			map[string]any{"Casella": c.Indirizzo, "Agente": a.RagioneSociale}))
	})
	g.Sostituisci.Importance = widget.HighImportance
	g.Sostituisci.Disable()
	g.Elimina = widget.NewButtonWithIcon(lang.L("Elimina associazione agente"), theme.DeleteIcon(), func() {
		g.Dialog.Hide()
		s.Conferma = widgets.Confirm(u.Win, lang.L("Elimina associazione agente"),
			lang.L("Eliminare l'associazione della casella {{.Casella}} all'agente?", map[string]any{"Casella": c.Indirizzo}),
			func() {
				if err := u.Core.Registro.EliminaAgente(u.ctx, u.Core.Operatore(), c.ID); err != nil {
					u.esitoErrore(s, err)
					return
				}
				u.aggiornaCasella(s, lang.L("Associazione all'agente eliminata."))
			})
	})
	g.Elimina.Importance = widget.DangerImportance
	g.EliminaRichiesta = widget.NewButtonWithIcon(lang.L("Elimina richiesta assegnazione agente"), theme.DeleteIcon(), func() {
		g.Dialog.Hide()
		s.Conferma = widgets.Confirm(u.Win, lang.L("Elimina richiesta assegnazione agente"),
			lang.L("Eliminare la richiesta di assegnazione della casella {{.Casella}} all'agente?", map[string]any{"Casella": c.Indirizzo}),
			func() {
				if err := u.Core.Registro.EliminaRichiestaAgente(u.ctx, u.Core.Operatore(), c.ID); err != nil {
					u.esitoErrore(s, err)
					return
				}
				u.aggiornaCasella(s, lang.L("Richiesta di assegnazione all'agente eliminata."))
			})
	})
	g.EliminaRichiesta.Importance = widget.DangerImportance
	setVisible(g.Elimina, c.AgenteID != 0 && !c.AgenteInRichiesta)
	setVisible(g.EliminaRichiesta, c.AgenteID != 0 && c.AgenteInRichiesta)
	body := container.NewVBox(
		container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("Casella")), widget.NewLabel(c.Indirizzo),
			widget.NewLabel(lang.L("Agente attuale")), g.Attuale,
			widget.NewLabel(lang.L("Sostituisci con")), pulsanti(container.NewBorder(nil, nil, nil, g.Sostituisci, g.Sostituto))),
		pulsanti(container.NewHBox(g.Elimina, g.EliminaRichiesta, layout.NewSpacer())))
	g.Dialog = dialog.NewCustom(lang.L("Gestione agenti commerciali"), lang.L("Chiudi"), body, u.Win)
	g.Dialog.Resize(fyne.NewSize(560, g.Dialog.MinSize().Height))
	s.Agenti = g
	g.Dialog.Show()
}

// ---- Gestione pacchetti

// gestionePacchettoDialog puts an ATTIVA mailbox in a package of its
// agent, or takes it out.
type gestionePacchettoDialog struct {
	Dialog    *dialog.CustomDialog
	Attuale   *widget.Label
	Pacchetto *widget.Select
	Associa   *widget.Button
	Rimuovi   *widget.Button // «Rimuovi associazione», after SI/NO
	pacchetti []store.Pacchetto
}

func (u *UI) apriGestionePacchetto(s *pecCaselleScreen) {
	if !s.loaded {
		return
	}
	c := s.casella
	g := &gestionePacchettoDialog{Attuale: widget.NewLabel(s.Campi["pacchetto"].Text)}
	var opts []string
	if c.AgenteID != 0 {
		list, err := u.Core.Registro.PacchettiAgente(u.ctx, u.Core.Operatore(), c.AgenteID)
		if err != nil {
			u.esitoErrore(s, err)
		}
		for _, p := range list {
			if p.ID != c.PacchettoID {
				g.pacchetti = append(g.pacchetti, p)
				opts = append(opts, pacchettoLabel(p))
			}
		}
	}
	associabile := c.Stato == store.CasellaAttiva && c.AgenteID != 0
	g.Pacchetto = widget.NewSelect(opts, func(string) { setEnabled(g.Associa, associabile && g.Pacchetto.Selected != "") })
	g.Pacchetto.PlaceHolder = lang.L("(scegliere)")
	setEnabled(g.Pacchetto, associabile)
	g.Associa = widget.NewButtonWithIcon(lang.L("Associa"), theme.ContentAddIcon(), func() {
		i := slices.IndexFunc(g.pacchetti, func(p store.Pacchetto) bool { return pacchettoLabel(p) == g.Pacchetto.Selected })
		if i < 0 {
			return
		}
		p := g.pacchetti[i]
		g.Dialog.Hide()
		if err := u.Core.Registro.AssociaPacchetto(u.ctx, u.Core.Operatore(), c.ID, p.ID); err != nil {
			u.esitoErrore(s, err)
			return
		}
		u.aggiornaCasella(s, lang.L("Casella {{.Casella}} associata al pacchetto {{.Pacchetto}}.",
			map[string]any{"Casella": c.Indirizzo, "Pacchetto": p.Nome}))
	})
	g.Associa.Importance = widget.HighImportance
	g.Associa.Disable()
	g.Rimuovi = widget.NewButtonWithIcon(lang.L("Rimuovi associazione"), theme.DeleteIcon(), func() {
		g.Dialog.Hide()
		s.Conferma = widgets.Confirm(u.Win, lang.L("Rimuovi associazione"),
			lang.L("Togliere la casella {{.Casella}} dal suo pacchetto?", map[string]any{"Casella": c.Indirizzo}),
			func() {
				if err := u.Core.Registro.RimuoviPacchetto(u.ctx, u.Core.Operatore(), c.ID); err != nil {
					u.esitoErrore(s, err)
					return
				}
				u.aggiornaCasella(s, lang.L("Casella tolta dal pacchetto."))
			})
	})
	g.Rimuovi.Importance = widget.DangerImportance
	setEnabled(g.Rimuovi, c.PacchettoID != 0)
	nota := widget.NewLabel(lang.L("Solo una casella ATTIVA con un agente può entrare in un pacchetto di quell'agente."))
	nota.Wrapping = fyne.TextWrapWord
	nota.Importance = widget.LowImportance
	body := container.NewVBox(
		container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("Casella")), widget.NewLabel(c.Indirizzo),
			widget.NewLabel(lang.L("Pacchetto attuale")), g.Attuale,
			widget.NewLabel(lang.L("Associa a")), pulsanti(container.NewBorder(nil, nil, nil, g.Associa, g.Pacchetto))),
		nota, pulsanti(container.NewHBox(g.Rimuovi, layout.NewSpacer())))
	g.Dialog = dialog.NewCustom(lang.L("Gestione pacchetti"), lang.L("Chiudi"), body, u.Win)
	g.Dialog.Resize(fyne.NewSize(560, g.Dialog.MinSize().Height))
	s.Pacchetti = g
	g.Dialog.Show()
}

// ---- Esporta Dati

// esportaCaselle writes the mailboxes of the current search as CSV, off
// the UI goroutine; the file appears at the path only when complete.
func (u *UI) esportaCaselle(s *pecCaselleScreen) {
	f, err := s.Panel.Filter()
	if err != nil {
		u.esitoErrore(s, err)
		return
	}
	fl, op := caselleSource{u: u}.filtro(f), u.Core.Operatore()
	s.ChooseSave("caselle-pec.csv", func(path string) {
		if path == "" {
			return
		}
		if !widgets.IsCSV(path) {
			path += ".csv"
		}
		setEsito(s.Esito, lang.L("Esportazione in corso…"), widget.MediumImportance)
		s.bg.Go(func() func() {
			err := scriviCSVCaselle(u, op, fl, path)
			return func() {
				if err != nil {
					setEsito(s.Esito, lang.L("Esportazione non riuscita")+": "+widgets.ErrorText(err), widget.DangerImportance)
					return
				}
				setEsito(s.Esito, lang.L("File salvato: {{.File}}", map[string]any{"File": path}), widget.SuccessImportance)
			}
		})
	})
}

func scriviCSVCaselle(u *UI, op operatori.Operatore, fl store.FiltroCaselle, path string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".caselle-*.csv")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = u.Core.Registro.EsportaCaselle(context.Background(), op, fl, tmp); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
