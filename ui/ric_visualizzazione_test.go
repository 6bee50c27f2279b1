package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/store"
	"github.com/sportello/sportello/ui/widgets"
)

// Riconciliazione: «Elenca» by label, the detail with the debt record on
// top, the receipt, the flow and the treasury credit side by side, and
// every label with its meaning, the most complete first.
func TestRicRiconciliazione(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	u.ShowMain()
	u.Open("ric-riconciliazione")
	s := u.ricVistaAperta()
	if s == nil || u.main.Title.Text != "Riconciliazione › Visualizzazione › Riconciliazione" {
		t.Fatalf("window: %v %q", s, u.main.Title.Text)
	}
	s.Panel.Wait()
	tutte := s.Panel.Total()
	s.Panel.Selects["classe"].SetSelected("IUD_RT_IUF_TES")
	if !strings.Contains(s.Nota.Text, "tesoreria per l'importo esatto") {
		t.Fatalf("meaning of the label: %q", s.Nota.Text)
	}
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	if n := s.Panel.Total(); n == 0 || n >= tutte {
		t.Fatalf("IUD_RT_IUF_TES: %d of %d", n, tutte)
	}
	x, row := ricApriRiga(t, s, 0)
	if row[colRicClasse] != "IUD_RT_IUF_TES" || row[colRicOggetto] != "Pagamento" {
		t.Fatalf("row %v", row)
	}
	iuv, iur, iud, iuf, bolletta := row[colRicChiave], row[colRicIUR], row[4], row[9], row[12]
	for _, c := range []struct {
		lato, testo string
		want        []string
	}{
		{"dovuto", ricTesti(x.Dovuto), []string{iud, "Refezione scolastica", "capitolo 3010"}},
		{"ricevuta", ricTesti(x.Ricevuta), []string{iuv, iur, "Mario Rossi", "positivo"}},
		{"flusso", ricTesti(x.Flusso), []string{iuf, "Totale del flusso", "eseguito"}},
		{"tesoreria", ricTesti(x.Tesoreria), []string{bolletta, "RIVERSAMENTO"}},
	} {
		for _, w := range c.want {
			if w == "" || !strings.Contains(c.testo, w) {
				t.Errorf("%s side without %q:\n%s", c.lato, w, c.testo)
			}
		}
	}
	c, _ := riconciliazione.ClasseDi("IUD_RT_IUF_TES")
	et := ricTesti(x.Etichette)
	if !strings.HasPrefix(et, "IUD_RT_IUF_TES  "+c.Descrizione+"\nRT_IUF_TES  ") || strings.Count(et, "\n") != 4 {
		t.Fatalf("the payment's labels:\n%s", et)
	}
	if !strings.Contains(ricTesti(x.Flusso), "IUF_TES  ("+iuf+") Flusso di rendicontazione accreditato") ||
		!strings.Contains(ricTesti(x.Tesoreria), "TES_IUF_OR_IUV  (") {
		t.Fatalf("labels of the flow and the movement:\n%s\n%s", ricTesti(x.Flusso), ricTesti(x.Tesoreria))
	}
	if x.Segnala.Disabled() || !x.Chiudi.Disabled() || x.Righe != nil {
		t.Fatal("actions of a payment never flagged")
	}
	x.Dialog.Hide()

	// «Esporta Excel» of the list, as CSV: the rows of the search.
	out := filepath.Join(t.TempDir(), "riconciliati.csv")
	s.Panel.ChooseFile = func(_ string, chosen func(string)) { chosen(out) }
	test.Tap(s.Panel.Esporta)
	s.Panel.Wait()
	b, err := os.ReadFile(out)
	if err != nil || strings.Count(string(b), "IUD_RT_IUF_TES") != s.Panel.Total() || !strings.Contains(string(b), "Classificazione") {
		t.Fatalf("export: %v\n%s", err, b)
	}
}

// Anomalie: the detail of a payment never reported says so; the clerk
// flags it with a note and later closes the flag; Storico Segnalazioni
// shows both events and opens the row again.
func TestRicAnomalieSegnalazioni(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	u.ShowMain()
	u.Open("ric-anomalie")
	s := u.ricVistaAperta()
	s.Panel.Wait()
	s.Panel.Selects["classe"].SetSelected("RT_NO_IUF")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	if s.Panel.Total() != 1 {
		t.Fatalf("RT_NO_IUF: %d", s.Panel.Total())
	}
	x, row := ricApriRiga(t, s, 0)
	if !strings.Contains(ricTesti(x.Flusso), "Non rendicontato") || !strings.Contains(ricTesti(x.Tesoreria), "Nessun accredito") ||
		!strings.Contains(ricTesti(x.Ricevuta), row[colRicChiave]) {
		t.Fatalf("sides of a payment never reported:\n%s\n%s", ricTesti(x.Flusso), ricTesti(x.Tesoreria))
	}
	if et := ricTesti(x.Etichette); !strings.HasPrefix(et, "RT_NO_IUF  ") {
		t.Fatalf("labels:\n%s", et)
	}

	test.Tap(x.Segnala)
	form := x.Form
	if form == nil || form.Classe.Selected != "RT_NO_IUF" {
		t.Fatalf("flag form: %+v", form)
	}
	test.Tap(form.Conferma)
	s.bg.Wait()
	if !form.Errore.Visible() || !strings.HasPrefix(form.Errore.Text, "Nota:") || s.Dettaglio != x {
		t.Fatalf("flag without a note: %q", form.Errore.Text)
	}
	test.Type(form.Nota, "Sollecitato il PSP per la rendicontazione")
	test.Tap(form.Conferma)
	s.bg.Wait()
	x2 := s.Dettaglio
	if x2 == x || len(x2.d.Segnalazioni) != 1 || x2.Esito.Text != "Segnalazione registrata." || x2.Chiudi.Disabled() ||
		!strings.Contains(x2.StatoFlag.Text, "aperta") || x2.Tabs.SelectedIndex() != len(x2.Tabs.Items)-1 {
		t.Fatalf("after flagging: %+v %q", x2.d.Segnalazioni, x2.Esito.Text)
	}
	test.Tap(x2.Chiudi)
	test.Type(x2.Form.Nota, "Rendicontato nel flusso del giorno dopo")
	test.Tap(x2.Form.Conferma)
	s.bg.Wait()
	x3 := s.Dettaglio
	if len(x3.d.Segnalazioni) != 2 || x3.d.StatoSegnalazione() != store.SegnalazioneChiusa || !x3.Chiudi.Disabled() ||
		x3.d.Segnalazioni[1].CreataDa != "admin" {
		t.Fatalf("after closing: %+v", x3.d.Segnalazioni)
	}
	x3.Dialog.Hide()

	u.Open("ric-segnalazioni")
	st := u.ricVistaAperta()
	st.Panel.Wait()
	if st.Panel.Total() != 2 {
		t.Fatalf("history: %d events", st.Panel.Total())
	}
	ev, _ := st.Panel.Row(0)
	if ev[1] != "admin" || ev[2] != "Chiusa" || ev[3] != "RT_NO_IUF" || ev[colSegChiave] != row[colRicChiave] ||
		ev[colSegNota] != "Rendicontato nel flusso del giorno dopo" || ev[colSegIUR] != row[colRicIUR] {
		t.Fatalf("newest event: %v", ev)
	}
	st.Panel.Selects["stato"].SetSelected("Aperta")
	test.Tap(st.Panel.Elenca)
	st.Panel.Wait()
	if st.Panel.Total() != 1 {
		t.Fatalf("open events: %d", st.Panel.Total())
	}
	x4, _ := ricApriRiga(t, st, 0)
	if x4.d.Chiave != row[colRicChiave] || x4.d.IUR != row[colRicIUR] || len(x4.d.Segnalazioni) != 2 {
		t.Fatalf("detail from the history: %+v", x4.d)
	}
}

// The imported sides: receipts searched by payer and day, a flow with its
// lines page by page (a line opens its payment), the treasury journal by
// causale.
func TestRicLati(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	ctx := context.Background()
	u.ShowMain()

	u.Open("ric-ricevute")
	s := u.ricVistaAperta()
	s.Panel.Wait()
	n, _ := u.Core.Riconciliazione.ContaRicevute(ctx, store.FiltroRicRicevute{})
	if s.Panel.Total() != n || n < 30 {
		t.Fatalf("receipts: %d of %d", s.Panel.Total(), n)
	}
	s.Panel.Entries["dal"].SetText("32/11/2026")
	test.Tap(s.Panel.Elenca)
	if !strings.HasPrefix(s.Panel.Status.Text, "Pagata dal:") {
		t.Fatalf("bad date: %q", s.Panel.Status.Text)
	}
	s.Panel.Entries["dal"].SetText("20/11/2026")
	s.Panel.Entries["al"].SetText("20/11/2026")
	s.Panel.Entries["pagatore"].SetText("rossi")
	test.Tap(s.Panel.Elenca)
	s.Panel.Wait()
	if k := s.Panel.Total(); k < 25 || k >= n {
		t.Fatalf("paid by Rossi on the 20th: %d of %d", k, n)
	}
	x, row := ricApriRiga(t, s, 0)
	if x.d.ChiaveTipo != riconciliazione.ChiavePagamento || !strings.Contains(ricTesti(x.Ricevuta), row[colRTIUV]) {
		t.Fatalf("receipt detail: %+v", x.d)
	}
	x.Dialog.Hide()

	u.Open("ric-rendicontazione")
	r := u.ricVistaAperta()
	r.Panel.Wait()
	if r.Panel.Total() != len(f.es.Flussi) {
		t.Fatalf("flows: %d of %d", r.Panel.Total(), len(f.es.Flussi))
	}
	x, row = ricApriRiga(t, r, 0)
	if x.Righe == nil || !strings.Contains(ricTesti(x.Flusso), row[colFdRIUF]) || !strings.Contains(ricTesti(x.Ricevuta), "Pagamenti del flusso") {
		t.Fatalf("flow detail:\n%s", ricTesti(x.Flusso))
	}
	x.Tabs.SelectIndex(1)
	x.Righe.Wait()
	if got := x.Righe.Total(); strings.TrimSpace(row[5]) != itoa(got) || got == 0 {
		t.Fatalf("lines: %d, the flow declares %s", got, row[5])
	}
	riga, ok := x.Righe.Row(0)
	if !ok || riga[0] != "1" {
		t.Fatalf("first line: %v", riga)
	}
	x.Righe.OnOpen(riga)
	r.bg.Wait()
	if p := r.Dettaglio; p == x || p.d.ChiaveTipo != riconciliazione.ChiavePagamento || p.d.Chiave != riga[1] {
		t.Fatalf("line's payment: %+v", p.d)
	}

	u.Open("ric-cassa")
	c := u.ricVistaAperta()
	c.Panel.Wait()
	tutti := c.Panel.Total()
	c.Panel.Entries["causale"].SetText("riversamento")
	test.Tap(c.Panel.Elenca)
	c.Panel.Wait()
	if k := c.Panel.Total(); k == 0 || k >= tutti {
		t.Fatalf("credits of flows: %d of %d", k, tutti)
	}
	x, row = ricApriRiga(t, c, 0)
	if x.d.ChiaveTipo != riconciliazione.ChiaveTesoreria || !strings.Contains(ricTesti(x.Tesoreria), row[2]) {
		t.Fatalf("treasury detail:\n%s", ricTesti(x.Tesoreria))
	}
}

// The deep links of the screenshots open what they say.
func TestRicVistaDeep(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	u.ShowMain()
	u.Open("ric-anomalie")
	s := u.ricVistaAperta()
	ricVistaDeep(u, "DOPPI/segnala")
	u.appIO().bg.Wait()
	s.bg.Wait()
	if s.Dettaglio == nil || s.Dettaglio.d.Proprie()[0].Codice == "" || s.Dettaglio.Form == nil ||
		s.Dettaglio.Form.Classe.Selected != "DOPPI" {
		t.Fatalf("deep link DOPPI/segnala: %+v", s.Dettaglio)
	}
}

// The lines of a flow are listed while their tab is hidden: when the clerk
// opens the tab, the table starts from the first line (it used to leave
// the first lines out until «Elenca» was pressed again).
func TestRicRigheFlussoDallaPrima(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	u.ShowMain()
	u.Open("ric-rendicontazione")
	r := u.ricVistaAperta()
	r.Panel.Wait()
	x, _ := ricApriRiga(t, r, 0)
	x.Righe.Wait()
	x.Tabs.SelectIndex(1)
	x.Righe.Wait()
	righe := map[int]fyne.Position{}
	ricCelleVisibili(x.Righe.Table, fyne.Position{}, righe)
	if x.Righe.Total() < 2 || len(righe) == 0 {
		t.Fatalf("%d lines, rows on screen %v", x.Righe.Total(), righe)
	}
	prima, ok := righe[0]
	if !ok {
		t.Fatalf("the first line is not on screen: %v", righe)
	}
	if seconda, ok := righe[1]; !ok || seconda.Y <= prima.Y {
		t.Fatalf("lines out of order: %v", righe)
	}
}

// ricCelleVisibili collects the visible result cells of o (first column)
// by row, with their position in o's coordinates.
func ricCelleVisibili(o fyne.CanvasObject, off fyne.Position, out map[int]fyne.Position) {
	if !o.Visible() {
		return
	}
	pos := off.Add(o.Position())
	switch w := o.(type) {
	case *widgets.Cell:
		if w.ID().Col == 0 {
			out[w.ID().Row] = pos
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			ricCelleVisibili(c, pos, out)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			ricCelleVisibili(c, pos, out)
		}
	}
}

// Storico Segnalazioni at 1366×768: the note starts within the window,
// after the short columns, and a short one reads whole without scrolling.
func TestRicSegnalazioniNotaVisibile(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	ctx := context.Background()
	_, righe, err := u.Core.Riconciliazione.Righe(ctx, store.FiltroRicClassi{ChiaveTipo: "PAGAMENTO", Classe: "RT_NO_IUF"}, 0, 1)
	if err != nil || len(righe) != 1 {
		t.Fatalf("RT_NO_IUF: %v %v", righe, err)
	}
	r := righe[0]
	const nota = "Chiesta la RT al PSP"
	if err := u.Core.Riconciliazione.Segnala(ctx, u.Core.Operatore(), r.ChiaveTipo, r.Chiave, r.IUR, r.Classe, nota); err != nil {
		t.Fatal(err)
	}
	u.ShowMain()
	u.Win.Resize(fyne.NewSize(1366, 768))
	u.Open("ric-segnalazioni")
	st := u.ricVistaAperta()
	st.Panel.Wait()
	if st.Panel.Total() != 1 {
		t.Fatalf("history: %d events", st.Panel.Total())
	}
	if testi := testiVisibili(st.Panel); !slices.Contains(testi, nota) || !slices.Contains(testi, r.Chiave) {
		t.Fatalf("the note is not on screen (panel %v wide): %q", st.Panel.Size().Width, testi)
	}
}
