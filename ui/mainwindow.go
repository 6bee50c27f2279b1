package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/registro"
)

// mainWindow is the shell: a navigation tree and a main menu built from the
// same screen table, a title, the screen's content and a status bar.
type mainWindow struct {
	Nav     *widget.Tree
	Title   *widget.Label
	Content *fyne.Container
	Status  *widget.Label
	Current string
	screens map[string]Screen

	// statusBase is the status bar without the PEC provider's part, which
	// a goroutine refreshes every statoPECOgni until stopStato.
	statusBase string
	stopStato  context.CancelFunc
	statoFatto chan struct{} // closed when that goroutine has returned
}

// statoPECOgni is how often the status bar reads the PEC sync state.
const statoPECOgni = 15 * time.Second

const pathSep = "\x1f"

func (u *UI) ShowMain() {
	op := u.Core.Operatore()
	vis := visibleScreens(op.Ruolo)
	m := &mainWindow{screens: map[string]Screen{}, Title: widget.NewLabel(""), Status: widget.NewLabel("")}
	m.Title.TextStyle = fyne.TextStyle{Bold: true}
	m.Title.SizeName = theme.SizeNameSubHeadingText
	m.Content = container.NewStack()

	// Tree: branch IDs are menu paths joined by pathSep, leaves are screen IDs.
	children := map[string][]string{}
	add := func(parent, child string) {
		for _, c := range children[parent] {
			if c == child {
				return
			}
		}
		children[parent] = append(children[parent], child)
	}
	for _, s := range vis {
		m.screens[s.ID] = s
		parent := ""
		for i := range s.Path {
			node := strings.Join(s.Path[:i+1], pathSep)
			add(parent, node)
			parent = node
		}
		add(parent, s.ID)
	}
	m.Nav = widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID { return children[id] },
		func(id widget.TreeNodeID) bool { _, ok := children[id]; return ok || id == "" },
		func(branch bool) fyne.CanvasObject { return widget.NewLabel("Gestione account certificati") },
		func(id widget.TreeNodeID, branch bool, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if s, ok := m.screens[id]; ok {
				l.SetText(s.Title)
				return
			}
			l.SetText(id[strings.LastIndex(id, pathSep)+1:])
			l.TextStyle.Bold = true
		})
	m.Nav.OnSelected = func(id widget.TreeNodeID) {
		if _, ok := m.screens[id]; ok {
			if id != m.Current {
				u.Open(id)
			}
		} else {
			m.Nav.ToggleBranch(id)
		}
	}
	m.Nav.OpenAllBranches()

	u.Win.SetMainMenu(u.buildMenu(vis))
	demo := ""
	if u.Core.Demo {
		demo = "  ·  " + lang.L("MODALITÀ DIMOSTRATIVA")
	}
	ente, err := u.Core.Impostazioni.Ente(u.ctx)
	enteName := ente.Denominazione
	if err != nil {
		enteName = lang.L("ente non configurato")
	}
	m.statusBase = fmt.Sprintf("%s: %s (%s)  ·  %s%s", lang.L("Operatore"), op.Nome, op.Ruolo.Label(), enteName, demo)
	m.Status.SetText(m.statusBase)
	m.Status.Importance = widget.LowImportance
	u.main.fermaStato()
	u.main = m
	u.Win.SetOnClosed(func() {
		m.fermaStato()
		u.quitting()
	})

	header := container.NewBorder(nil, widget.NewSeparator(), nil, nil, m.Title)
	right := container.NewBorder(header, nil, nil, nil, m.Content)
	split := container.NewHSplit(container.NewBorder(nil, nil, nil, widget.NewSeparator(), m.Nav), right)
	split.Offset = 0.22
	u.Win.SetTitle(lang.L("Sportello") + " - " + enteName)
	u.Win.SetContent(container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), m.Status), nil, nil, split))
	u.Win.Resize(fyne.NewSize(1280, 760))
	u.Win.Show()

	start := "home"
	id, arg, _ := strings.Cut(u.opts.OpenScreen, "/")
	s, ok := m.screens[id]
	if ok {
		start = id
	}
	u.Open(start)
	if ok && arg != "" && s.Deep != nil {
		s.Deep(u, arg)
	}
	if u.statoInSottofondo { // last: the window is built before the refresh touches it
		u.avviaStatoPEC(m)
	}
}

// Open shows a screen by ID, if the operator may see it.
func (u *UI) Open(id string) {
	m := u.main
	s, ok := m.screens[id]
	if !ok {
		return
	}
	m.Current = id
	m.Title.SetText(strings.Join(append(append([]string{}, s.Path...), s.Title), " › "))
	m.Content.Objects = []fyne.CanvasObject{s.View(u)}
	m.Content.Refresh()
	m.Nav.Select(id)
}

func (u *UI) buildMenu(vis []Screen) *fyne.MainMenu {
	var menus []*fyne.Menu
	byName := map[string]*fyne.Menu{}
	for _, s := range vis {
		top := s.Path[0]
		menu, ok := byName[top]
		if !ok {
			menu = fyne.NewMenu(top)
			byName[top] = menu
			menus = append(menus, menu)
		}
		items := &menu.Items
		for _, group := range s.Path[1:] {
			var sub *fyne.MenuItem
			for _, it := range *items {
				if it.Label == group && it.ChildMenu != nil {
					sub = it
				}
			}
			if sub == nil {
				sub = fyne.NewMenuItem(group, nil)
				sub.ChildMenu = fyne.NewMenu("")
				*items = append(*items, sub)
			}
			items = &sub.ChildMenu.Items
		}
		id := s.ID
		*items = append(*items, fyne.NewMenuItem(s.Title, func() { u.Open(id) }))
	}
	if m, ok := byName[lang.L("Sportello")]; ok {
		m.Items = append(m.Items, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem(lang.L("Esci dall'account"), func() { u.logout() }))
		esci := fyne.NewMenuItem(lang.L("Esci"), u.Quit)
		esci.IsQuit = true // in place of the Quit Fyne would add
		m.Items = append(m.Items, esci)
	}
	return fyne.NewMainMenu(menus...)
}

// avviaStatoPEC refreshes the PEC provider's part of m's status bar now and
// every statoPECOgni, reading off the UI goroutine, until m.stopStato.
func (u *UI) avviaStatoPEC(m *mainWindow) {
	ctx, cancel := context.WithCancel(u.ctx)
	m.stopStato, m.statoFatto = cancel, make(chan struct{})
	go func() {
		defer close(m.statoFatto)
		t := time.NewTicker(statoPECOgni)
		defer t.Stop()
		for {
			testo := u.statoPEC(ctx)
			if ctx.Err() != nil {
				return
			}
			fyne.Do(func() {
				if ctx.Err() == nil && u.main == m {
					m.setStatoPEC(testo)
				}
			})
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// fermaStato stops m's status refresh and waits, briefly, for its goroutine
// to return, so that it no longer reads u.main once another window takes
// its place (with the test driver fyne.Do runs on that goroutine). A read
// stuck in the keyring is not waited for beyond a second: it finds its
// context cancelled and changes nothing.
func (m *mainWindow) fermaStato() {
	if m == nil || m.stopStato == nil {
		return
	}
	m.stopStato()
	select {
	case <-m.statoFatto:
	case <-time.After(time.Second):
	}
}

// statoPEC is the status bar's part about the PEC provider: "" while no
// provider is configured (or the state cannot be read).
func (u *UI) statoPEC(ctx context.Context) string {
	if _, ok, err := u.Core.ProviderAdapter(ctx); err != nil || !ok {
		return ""
	}
	st, err := u.Core.Registro.StatoSyncDi(ctx, u.Core.Operatore())
	if err != nil {
		return ""
	}
	return testoStatoPEC(st)
}

// testoStatoPEC is "Gestore PEC: online · N modifiche da sincronizzare[ · K conflitti]".
func testoStatoPEC(st registro.StatoSync) string {
	coll := lang.L("online")
	switch {
	case st.UltimoOK.IsZero() && st.UltimoErrore == "":
		coll = lang.L("primo collegamento in corso")
	case !st.Online:
		coll = lang.L("non raggiungibile")
	}
	pendenti := lang.L("{{.N}} modifiche da sincronizzare", map[string]any{"N": st.Pendenti})
	if st.Pendenti == 1 {
		pendenti = lang.L("1 modifica da sincronizzare")
	}
	s := lang.L("Gestore PEC") + ": " + coll + "  ·  " + pendenti
	switch {
	case st.Conflitti == 1:
		s += "  ·  " + lang.L("1 conflitto")
	case st.Conflitti > 1:
		s += "  ·  " + lang.L("{{.N}} conflitti", map[string]any{"N": st.Conflitti})
	}
	return s
}

// setStatoPEC shows the PEC provider's part (or none) after the status bar's base.
func (m *mainWindow) setStatoPEC(testo string) {
	s := m.statusBase
	if testo != "" {
		s += "  ·  " + testo
	}
	if m.Status.Text != s {
		m.Status.SetText(s)
	}
}

func (u *UI) logout() {
	u.main.fermaStato()
	u.Core.SetOperatore(operatori.Operatore{})
	u.main = nil
	u.showLogin()
}
