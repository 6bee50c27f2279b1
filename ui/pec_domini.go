package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// pecDominiScreen is Registro PEC › Gestione domini: the domains whose
// certification was requested, read-only (changes are the provider's),
// with the detail of the one selected. An assistant sees the domains
// assigned to them, and counts only their own mailboxes.
type pecDominiScreen struct {
	Panel     *widgets.SearchPanel
	Dettaglio *widget.Form
	Nota      *widget.Label
	Campi     map[string]*widget.Label // by key: dominio, stato, certificato, richiesto, certificato_il, caselle
}

const (
	colDominioNome = iota
	colDominioStato
	colDominioCertificato
	colDominioRichiesto
	colDominioCertificatoIl
	colDominioID // not shown
)

// dataDominio shows a provider's date (yyyy-mm-dd, maybe with a time) the Italian way.
func dataDominio(s string) string {
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return dataISOIT(s[:10])
	}
	return s
}

func pecDominiView(u *UI) fyne.CanvasObject {
	s := &pecDominiScreen{Campi: map[string]*widget.Label{}}
	s.Panel = widgets.NewSearchPanel(u.Win, widgets.SearchConfig{
		Fields: []widgets.Field{{Key: "dominio", Label: lang.L("Dominio")}},
		Columns: []widgets.Column{{Title: lang.L("Dominio"), Width: 240}, {Title: lang.L("Stato"), Width: 140},
			{Title: lang.L("Certificato"), Width: 100}, {Title: lang.L("Richiesto il"), Width: 120}, {Title: lang.L("Certificato il"), Width: 120}},
		Source: listSource(func(ctx context.Context, f widgets.Filter) ([][]string, error) {
			list, err := u.Core.Registro.Domini(ctx, u.Core.Operatore())
			var rows [][]string
			for _, d := range list {
				if contains(d.Dominio, f["dominio"]) {
					rows = append(rows, []string{d.Dominio, d.Stato, siNoLabel(d.Certificato), dataDominio(d.RichiestoIl),
						dataDominio(d.CertificatoIl), strconv.FormatInt(d.ID, 10)})
				}
			}
			return rows, err
		}),
	})
	s.Dettaglio = widget.NewForm()
	for _, c := range [][2]string{{"dominio", lang.L("Dominio")}, {"stato", lang.L("Stato")}, {"certificato", lang.L("Certificato")},
		{"richiesto", lang.L("Richiesto il")}, {"certificato_il", lang.L("Certificato il")}, {"caselle", lang.L("Caselle PEC sul dominio")}} {
		s.Campi[c[0]] = widget.NewLabel("")
		s.Dettaglio.Append(c[1], s.Campi[c[0]])
	}
	s.Dettaglio.Hide()
	s.Nota = widget.NewLabel(lang.L("Selezionare un dominio nell'elenco per il dettaglio. I domini sono in sola lettura: la certificazione e i cambi di stato sono del gestore."))
	s.Nota.Wrapping = fyne.TextWrapWord
	s.Nota.Importance = widget.LowImportance
	s.Panel.OnSelect = func(row []string) { u.mostraPecDominio(s, row) }
	s.Panel.OnOpen = s.Panel.OnSelect
	u.pecDomini = s
	s.Panel.Search()
	detail := widget.NewCard(lang.L("Dettaglio dominio"), "", container.NewVBox(s.Nota, s.Dettaglio))
	split := container.NewVSplit(s.Panel, container.NewVScroll(container.NewPadded(detail)))
	split.Offset = 0.55
	return split
}

func (u *UI) mostraPecDominio(s *pecDominiScreen, row []string) {
	nome := row[colDominioNome]
	var stati []string
	n, err := 0, error(nil)
	op := u.Core.Operatore()
	for _, st := range statiCasella {
		var k int
		if k, _, err = u.Core.Registro.CercaCaselle(u.ctx, op, store.FiltroCaselle{Dominio: nome, Stato: st}, 0, 0); err != nil {
			break
		}
		if k > 0 {
			stati = append(stati, statoCasellaLabel(st)+" "+widgets.FormatInt(k))
		}
		n += k
	}
	caselle := widgets.FormatInt(n)
	if len(stati) > 0 {
		caselle += " (" + strings.Join(stati, ", ") + ")"
	}
	if err != nil {
		caselle = widgets.ErrorText(err)
	}
	for k, v := range map[string]string{"dominio": nome, "stato": row[colDominioStato], "certificato": row[colDominioCertificato],
		"richiesto": row[colDominioRichiesto], "certificato_il": row[colDominioCertificatoIl], "caselle": caselle} {
		s.Campi[k].SetText(v)
	}
	s.Nota.Hide()
	s.Dettaglio.Show()
}
