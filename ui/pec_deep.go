package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// Deep links of the Registro PEC windows («--apri pec-caselle/nuovo»): each
// opens a dialog or a view of its window over a sensible record, chosen
// among those the operator may see and selected as a clerk would (a row of
// the list, then the window's own buttons), once the list has been read.
// Buttons hidden or disabled for the operator are not pressed: an
// assistant gets what an assistant would see. For screenshots and support;
// nothing is ever saved.

// maxRigheDeep bounds the rows a deep link looks through.
const maxRigheDeep = 200

// premi presses b as a click would: only if shown and enabled.
func premi(b *widget.Button) {
	if b != nil && b.Visible() && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

// pecScegli waits for p's search to be shown, then selects (as a click
// would) its first row for which scelta is true, or the first row if none
// is, and calls poi on the UI goroutine telling whether scelta matched. A
// page still to be read (the table not laid out yet at start) is asked
// for and looked at again, for a few seconds at most.
func (u *UI) pecScegli(p *widgets.SearchPanel, scelta func(row []string) bool, poi func(trovata bool)) {
	bg := u.appIO().bg
	var prova func(n int)
	prova = func(n int) {
		bg.Go(func() func() {
			if n > 0 {
				time.Sleep(200 * time.Millisecond)
			}
			p.Wait()
			return func() {
				primo := -1
				for i := range min(p.Total(), maxRigheDeep) {
					row, ok := p.Row(i)
					if !ok {
						if n < 25 {
							p.ShowRow(i)
							prova(n + 1)
							return
						}
						break
					}
					if primo < 0 {
						primo = i
					}
					if scelta != nil && scelta(row) {
						p.SelectRow(i)
						poi(true)
						return
					}
				}
				if primo >= 0 {
					p.SelectRow(primo)
				}
				poi(false)
			}
		})
	}
	prova(0)
}

// ---- Gestione anagrafica utenti

// pecTitolariDeep: dettaglio (the first titolare with addresses, companies
// and mailboxes, its first address and company selected), modifica (its
// data editable), attivita and caselle (that tab), modifica-indirizzo,
// modifica-attivita, storico.
func pecTitolariDeep(u *UI, arg string) {
	s := u.pecTitolari
	if s == nil {
		return
	}
	op := u.Core.Operatore()
	u.appIO().bg.Go(func() func() {
		// The first titolare in the list's order whose three panels are not empty.
		_, list, _ := u.Core.Registro.CercaTitolari(u.ctx, op, store.FiltroTitolari{}, 0, maxRigheDeep)
		scelto := ""
		for _, t := range list {
			d, err := u.Core.Registro.Titolare(u.ctx, op, t.ID)
			if err == nil && len(d.Indirizzi) > 0 && len(d.Attivita) > 0 && len(d.Caselle) > 0 {
				scelto = strconv.FormatInt(t.ID, 10)
				break
			}
		}
		return func() {
			u.pecScegli(s.Panel, func(row []string) bool { return row[colTitolareID] == scelto }, func(bool) {
				if !s.loaded {
					return
				}
				if len(s.d.Indirizzi) > 0 {
					s.Indirizzi.Select(0)
				}
				if len(s.d.Attivita) > 0 {
					s.Attivita.Select(0)
				}
				switch arg {
				case "modifica":
					premi(s.Titolare.Toggle)
				case "modifica-indirizzo":
					premi(s.Indirizzo.Toggle)
				case "attivita":
					s.Schede.Select(s.tabAtt)
				case "modifica-attivita":
					s.Schede.Select(s.tabAtt)
					premi(s.AttivitaForm.Toggle)
				case "caselle":
					s.Schede.Select(s.tabCas)
				case "storico":
					premi(s.Storico)
				}
			})
		}
	})
}

// ---- Gestione account certificati (pec)

// caselleDeep chooses the mailbox a deep link of Gestione account
// certificati works on: the IDs to prefer, best first.
func (u *UI) caselleDeep(ctx context.Context, op operatori.Operatore, arg string) []store.Casella {
	_, list, err := u.Core.Registro.CercaCaselle(ctx, op, store.FiltroCaselle{}, 0, 1000)
	if err != nil {
		return nil
	}
	prima := func(ok func(c store.Casella) bool) []store.Casella {
		var out []store.Casella
		for _, c := range list {
			if ok(c) {
				out = append(out, c)
			}
		}
		return out
	}
	var tiers [][]store.Casella
	switch arg {
	case "agenti", "agenti-elimina":
		// The agent only requested: «Elimina richiesta assegnazione agente».
		tiers = append(tiers, prima(func(c store.Casella) bool { return c.AgenteID != 0 && c.AgenteInRichiesta }))
	case "documenti":
		var con []store.Casella
		for _, c := range list[:min(len(list), maxRigheDeep)] {
			if docs, err := u.Core.Registro.Documenti(ctx, op, c.ID); err == nil && len(docs) > 0 {
				con = append(con, c)
			}
		}
		tiers = append(tiers, con)
	}
	tiers = append(tiers,
		prima(func(c store.Casella) bool {
			return c.Stato == store.CasellaAttiva && c.AgenteID != 0 && !c.AgenteInRichiesta && c.PacchettoID != 0
		}),
		prima(func(c store.Casella) bool {
			return c.Stato == store.CasellaAttiva && c.AgenteID != 0 && !c.AgenteInRichiesta
		}),
		prima(func(c store.Casella) bool { return c.Stato == store.CasellaAttiva }),
		list)
	for _, t := range tiers {
		if len(t) > 0 {
			return t
		}
	}
	return nil
}

// pecCaselleDeep: dettaglio, storico, nuovo (and nuovo-titolare,
// nuovo-indirizzo, nuovo-attivita: the form filled in up to that section,
// scrolled to it; nuovo-errore: saved incomplete), documenti, carica,
// agenti (a mailbox whose agent is requested), agenti-associazione (an
// ATTIVA one with its agent), agenti-elimina (the SI/NO of the removal),
// pacchetti, pacchetti-rimuovi, esporta, cessa (the SI/NO of «Cessa» on an
// ATTIVA one).
func pecCaselleDeep(u *UI, arg string) {
	s := u.pecCaselle
	if s == nil {
		return
	}
	op := u.Core.Operatore()
	s.bg.Go(func() func() {
		candidate := u.caselleDeep(u.ctx, op, arg)
		ids := map[string]bool{}
		for _, c := range candidate {
			ids[strconv.FormatInt(c.ID, 10)] = true
		}
		scelta := func(row []string) bool { return ids[row[colCasellaID]] }
		return func() {
			u.pecScegli(s.Panel, scelta, func(trovata bool) {
				if trovata || len(candidate) == 0 {
					u.azioneCaselleDeep(s, arg)
					return
				}
				// Not among the first rows: look it up by its address.
				s.Panel.Clear()
				s.Panel.Entries["casella"].SetText(candidate[0].Indirizzo)
				s.Panel.Search()
				u.pecScegli(s.Panel, scelta, func(bool) { u.azioneCaselleDeep(s, arg) })
			})
		}
	})
}

func (u *UI) azioneCaselleDeep(s *pecCaselleScreen, arg string) {
	switch arg {
	case "storico":
		premi(s.Storico)
	case "nuovo", "nuovo-titolare", "nuovo-indirizzo", "nuovo-attivita", "nuovo-errore":
		premi(s.Inserisci)
		if s.Nuova != nil && arg != "nuovo" {
			u.compilaNuovaCasellaDeep(s, arg)
		}
	case "documenti":
		premi(s.GestDoc)
	case "carica":
		premi(s.CaricaDoc)
	case "agenti", "agenti-associazione":
		premi(s.GestAgenti)
	case "agenti-elimina":
		premi(s.GestAgenti)
		if g := s.Agenti; g != nil {
			premi(g.EliminaRichiesta)
			premi(g.Elimina)
		}
	case "pacchetti":
		premi(s.GestPacch)
	case "pacchetti-rimuovi":
		premi(s.GestPacch)
		if g := s.Pacchetti; g != nil {
			premi(g.Rimuovi)
		}
	case "esporta":
		premi(s.Esporta)
	case "cessa":
		premi(s.Cessa)
	}
}

// compilaNuovaCasellaDeep fills «Inserisci nuovo account certificato» as a
// clerk would, up to the section named by arg, and scrolls to it:
// nuovo-titolare with the owner of the selected mailbox (already
// registered: name and surname fill in), the others with a new owner
// living in Vimercate.
func (u *UI) compilaNuovaCasellaDeep(s *pecCaselleScreen, arg string) {
	n := s.Nuova
	scrivi := func(k, v string) {
		if e := n.Entries[k]; e != nil && !e.Disabled() {
			e.SetText(v)
		}
	}
	if d := n.Selects["dominio"]; len(d.Options) > 0 {
		d.SetSelected(d.Options[0])
		if s.loaded && slices.Contains(d.Options, s.casella.Dominio) {
			d.SetSelected(s.casella.Dominio)
		}
	}
	if arg == "nuovo-errore" {
		scrivi("nome", "mario rossi")
		premi(n.Salva)
		return
	}
	if arg == "nuovo-titolare" {
		if s.loaded {
			scrivi("codice_fiscale", s.casella.CodiceFiscale) // finds the owner: n.noto
			scrivi("nome", "fatture."+strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' {
					return r
				}
				return -1
			}, strings.ToLower(n.noto.Cognome)))
		}
		n.Scroll.ScrollToTop()
		return
	}
	cf, _ := anagrafe.GeneraCodiceFiscale("Brambilla", "Chiara", time.Date(1988, 5, 14, 0, 0, 0, 0, time.UTC), 'F', "M052")
	scrivi("nome", "chiara.brambilla")
	scrivi("codice_fiscale", cf)
	scrivi("titolare_nome", "Chiara")
	scrivi("titolare_cognome", "Brambilla")
	scrivi("titolare_email", "chiara.brambilla@libero.it")
	scrivi("titolare_cellulare", "347 5812260")
	scrivi("via", "Via Cavour")
	scrivi("civico", "15")
	n.Comune.SetText("Vimercate")
	scrivi("telefono", "039 6081234")
	sezione := "indirizzo"
	if arg == "nuovo-attivita" {
		sezione = "attivita"
		scrivi("ragione_sociale", "Brambilla Consulenze S.r.l.")
		scrivi("partita_iva", anagrafe.GeneraPartitaIVA(2_419_357, 97))
		if a := n.Selects["agente"]; len(a.Options) > 1 {
			a.SetSelected(a.Options[1])
			if i := slices.IndexFunc(n.agenti, func(x store.Agente) bool { return x.ID == s.casella.AgenteID }); i >= 0 {
				a.SetSelected(agenteLabel(n.agenti[i]))
			}
		}
	}
	scorriA(n, sezione)
}

// scorriA scrolls the dialog's sections so that the one named key is at
// the top.
func scorriA(n *nuovaCasellaForm, key string) { scorriFino(n.Scroll, n.Sezioni[key]) }

// scorriFino scrolls sc, whose content is a VBox, so that its child o is at
// the top (the VBox puts each child below the previous one).
func scorriFino(sc *container.Scroll, o fyne.CanvasObject) {
	c, ok := sc.Content.(*fyne.Container)
	if !ok {
		return
	}
	y := float32(0)
	for _, x := range c.Objects {
		if x == o {
			break
		}
		if x.Visible() {
			y += x.MinSize().Height + theme.Padding()
		}
	}
	sc.ScrollToOffset(fyne.NewPos(0, y))
}

// ---- Gestione domini

// pecDominiDeep: dettaglio (the first domain with mailboxes).
func pecDominiDeep(u *UI, arg string) {
	s := u.pecDomini
	if s == nil || arg != "dettaglio" {
		return
	}
	u.pecScegli(s.Panel, func(row []string) bool { return row[colDominioCertificato] == siNoLabel(true) }, func(bool) {})
}

// ---- Gestione agenti commerciali

// pecAgentiDeep: dettaglio (the first agent), nuovo («Inserisci nuovo
// agente commerciale»), pacchetti (the agent's packages tab).
func pecAgentiDeep(u *UI, arg string) {
	s := u.pecAgenti
	if s == nil {
		return
	}
	u.pecScegli(s.Panel, nil, func(bool) {
		switch arg {
		case "nuovo":
			premi(s.Nuovo)
		case "pacchetti":
			s.Schede.SelectIndex(1)
		}
	})
}

// ---- Gestione assistenti

// pecAssistentiDeep: dettaglio (the first assistant), consumo and
// pacchetti (one with packages, the first package selected), storico (its
// packages' history), nuovo (the insertion tab) and nuovo-pacchetto (the
// tab filled in, with a package).
func pecAssistentiDeep(u *UI, arg string) {
	s := u.pecAssistenti
	if s == nil {
		return
	}
	switch arg {
	case "nuovo", "nuovo-pacchetto":
		if s.Tabs.Items[1].Disabled() {
			return // an assistant: the reseller's only
		}
		s.Tabs.SelectIndex(1)
		if arg == "nuovo-pacchetto" {
			compilaNuovoAssistenteDeep(s)
		}
		return
	}
	i := 0
	if arg != "dettaglio" {
		if j := slices.IndexFunc(s.assistenti, func(a store.Assistente) bool { return a.GestioneAPacchetti }); j >= 0 {
			i = j
		}
	}
	if s.sel >= 0 && !s.rivenditore {
		i = s.sel // an assistant: their own, already shown
	}
	if i >= len(s.assistenti) {
		return
	}
	s.Elenco.Select(i)
	switch arg {
	case "pacchetti", "consumo":
		scorriFino(s.Destra, s.PacchettiCard)
		if len(s.pacchetti) > 0 && arg == "pacchetti" {
			s.Pacchetti.Select(0)
		}
	case "storico":
		premi(s.Storico)
	}
}

// compilaNuovoAssistenteDeep fills «Inserisci nuovo assistente» as a clerk
// would, with a package.
func compilaNuovoAssistenteDeep(s *pecAssistentiScreen) {
	cf, _ := anagrafe.GeneraCodiceFiscale("Sala", "Davide", time.Date(1990, 2, 7, 0, 0, 0, 0, time.UTC), 'M', "M052")
	s.Nome.SetText("Davide")
	s.Cognome.SetText("Sala")
	s.CF.SetText(cf)
	if len(s.liberi) > 0 {
		s.Username.SetText(s.liberi[len(s.liberi)-1])
	}
	if len(s.Domini.Options) > 0 {
		s.Domini.SetSelected(s.Domini.Options[:1])
		s.EmailPEC.SetText("d.sala@" + s.Domini.Options[0])
	}
	s.APacchetti.SetSelected(s.APacchetti.Options[0]) // Sì
	s.NuovoNome.SetText("Sala - 20 caselle")
	s.NuovaQuantita.SetText("20")
	s.NuovaDurata.SetText("2")
}

// ---- Sincronizzazione

// pecSyncDeep: conflitto (the first open conflict, both versions side by
// side, waiting for the first round if the provider is configured),
// conflitto-locale and conflitto-gestore (the SI/NO of each choice).
func pecSyncDeep(u *UI, arg string) {
	s := u.pecSync
	if s == nil {
		return
	}
	var prova func(n int)
	prova = func(n int) {
		if u.pecSync != s || u.main == nil || u.main.Current != "pec-sync" {
			return // the clerk went elsewhere
		}
		if len(s.conflitti) == 0 {
			if s.configurato && n < 30 {
				u.appIO().bg.Go(func() func() {
					time.Sleep(time.Second)
					return func() {
						u.refreshPecSync(s)
						prova(n + 1)
					}
				})
			}
			return
		}
		s.Elenco.Select(0)
		switch arg {
		case "conflitto-locale":
			premi(s.TieniLocale)
		case "conflitto-gestore":
			premi(s.TieniRemoto)
		}
	}
	prova(0)
}
