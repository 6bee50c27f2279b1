package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// Deep links of the Accertamento windows, for screenshots and support
// (nothing is saved):
//
//	ric-accertamenti/dettaglio   the first assessment's detail
//	ric-accertamenti/associa     the first open one's, with «Associa pagamenti»
//	ric-capitoli/primo           the first office, chapter and assessment selected
//	ric-capitoli/nuovo           the same, then «Nuovo» of an assessment

// accPrimaRiga waits for p's search to be shown, then selects (as a click
// would) its first row for which scelta holds, or the first row, and
// calls poi with it on the UI goroutine (ok false for an empty list). A
// page still to be read is asked for and looked at again, a few seconds
// at most.
func (u *UI) accPrimaRiga(p *widgets.SearchPanel, scelta func(row []string) bool, poi func(row []string, ok bool)) {
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
				for i := range min(p.Total(), 200) {
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
					if scelta == nil || scelta(row) {
						p.SelectRow(i)
						poi(row, true)
						return
					}
				}
				if primo >= 0 {
					row, _ := p.Row(primo)
					p.SelectRow(primo)
					poi(row, true)
					return
				}
				poi(nil, false)
			}
		})
	}
	prova(0)
}

func accGestioneDeep(u *UI, arg string) {
	s, ok := accSchermo[*accGestione](u)
	if !ok {
		return
	}
	associa := strings.Contains(arg, "associa")
	aperto := func(row []string) bool { return row[colAccStato] == accStatoLabel(store.RicAccertamentoAperto) }
	if !associa {
		aperto = nil
	}
	u.accPrimaRiga(s.Panel, aperto, func(row []string, ok bool) {
		if !ok {
			return
		}
		id, err := strconv.ParseInt(row[colAccID], 10, 64)
		if err != nil {
			return
		}
		u.accApriDettaglio(s, id)
		if associa && s.Detail != nil && !s.Detail.Associa.Disabled() {
			u.accApriAssocia(s, s.Detail)
		}
	})
}

func accAnagraficheDeep(u *UI, arg string) {
	s, ok := accSchermo[*accAnagrafiche](u)
	if !ok {
		return
	}
	nuovo := strings.Contains(arg, "nuovo")
	u.accPrimaRiga(s.Uffici, nil, func(_ []string, ok bool) {
		if !ok {
			return
		}
		u.accPrimaRiga(s.Capitoli, nil, func(_ []string, ok bool) {
			if !ok {
				return
			}
			u.accPrimaRiga(s.Accertamenti, nil, func([]string, bool) {
				if nuovo && !s.NuovoAccertamento.Disabled() {
					u.accNuovoAccertamento(s)
				}
			})
		})
	})
}
