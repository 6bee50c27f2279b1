package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/riconciliazione"
	"github.com/sportello/sportello/core/riconciliazione/ricevute"
)

// ricFlussoErrato writes, next to the day's flows, a copy of one whose
// first two amounts are not amounts: refused as a whole, its errors named
// by line and element.
func ricFlussoErrato(t *testing.T, f *ricFixture) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, "rendicontazione", f.es.Flussi[0]+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b = regexp.MustCompile(`<singoloImportoPagato>[^<]*<`).ReplaceAllFunc(b, func(m []byte) []byte {
		if n++; n > 2 {
			return m
		}
		return []byte("<singoloImportoPagato>12,3x<")
	})
	path := filepath.Join(f.dir, "rendicontazione", "zz-flusso-errato.xml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func ricVoce(t *testing.T, s *ricImportaScreen, nome string) ricFileVoce {
	t.Helper()
	for _, v := range s.voci {
		if v.Nome == nome {
			return v
		}
	}
	t.Fatalf("%s not listed", nome)
	return ricFileVoce{}
}

// A folder chosen in the window: each file with its kind, imported one by
// one behind the progress dialog; the bad file is refused with all its
// errors, the others are stored and reconciled; imported again, nothing
// changes.
func TestRicImportaCartella(t *testing.T) {
	f := ricPrepara(t, false)
	u := f.u
	ricFlussoErrato(t, f)
	u.ShowMain()
	u.Open("ric-importa")
	s := u.ricImportaAperta()
	if s == nil || !s.Importa.Disabled() {
		t.Fatal("import window, or Importa enabled with no file")
	}
	s.ChooseFolder = func(chosen func(string)) { chosen(f.dir) }
	test.Tap(s.ScegliCartella)
	s.bg.Wait()
	tipi := map[string]int{}
	for _, v := range s.voci {
		tipi[v.Tipo]++
	}
	if len(s.voci) != len(f.es.Ricevute)+len(f.es.Flussi)+2 || tipi[riconciliazione.TipoRT] != len(f.es.Ricevute) ||
		tipi[riconciliazione.TipoFdR] != len(f.es.Flussi)+1 || tipi[riconciliazione.TipoCassa] != 1 || s.Importa.Disabled() {
		t.Fatalf("listed %d files by kind %v", len(s.voci), tipi)
	}
	test.Tap(s.ScegliCartella) // the same folder again: nothing added twice
	s.bg.Wait()
	if len(s.voci) != len(f.es.Ricevute)+len(f.es.Flussi)+2 {
		t.Fatalf("files listed twice: %d", len(s.voci))
	}

	test.Tap(s.Importa)
	s.bg.Wait()
	if err := s.Progress.Wait(); err != nil {
		t.Fatal(err)
	}
	bad := ricVoce(t, s, "zz-flusso-errato.xml")
	if bad.Stato != ricErrore || len(bad.Errori) < 2 || !strings.HasPrefix(bad.Esito, "NON importato: ") {
		t.Fatalf("bad file: %+v", bad)
	}
	for _, e := range bad.Errori {
		if !strings.HasPrefix(e, "riga ") || !strings.Contains(e, "singoloImportoPagato") {
			t.Fatalf("error without line and element: %q", e)
		}
	}
	// The refused file is selected, its errors shown in full.
	if !strings.Contains(s.Errori.Text, bad.Errori[0]) || !strings.Contains(s.Errori.Text, bad.Errori[1]) {
		t.Fatalf("errors shown: %q", s.Errori.Text)
	}
	for _, v := range s.voci {
		if v.Nome != bad.Nome && (v.Stato != ricImportato || !strings.HasPrefix(v.Esito, "importato: ")) {
			t.Fatalf("good file not imported: %+v", v)
		}
	}
	// A good file selected: its whole outcome, which the column cuts short.
	for i, v := range s.voci {
		if v.Tipo == riconciliazione.TipoFdR && v.Nome != bad.Nome {
			s.Elenco.Select(widget.TableCellID{Row: i, Col: 0})
			if !strings.Contains(s.Errori.Text, v.Esito) || s.Errori.Importance != widget.SuccessImportance {
				t.Fatalf("outcome of %s shown: %q", v.Nome, s.Errori.Text)
			}
			break
		}
	}
	if !strings.Contains(s.Riepilogo.Text, "1 non importati") || !s.Importa.Visible() {
		t.Fatalf("summary: %q", s.Riepilogo.Text)
	}
	st, _ := u.Core.Riconciliazione.Stato(context.Background())
	if st["RT_IUF"] == 0 || st["TES_NO_MATCH"] != 2 {
		t.Fatalf("reconciliation after the import: %v", st)
	}

	// A new window, the same folder: all already imported.
	u.Open("home")
	u.Open("ric-importa")
	s = u.ricImportaAperta()
	s.ChooseFolder = func(chosen func(string)) { chosen(f.dir) }
	test.Tap(s.ScegliCartella)
	s.bg.Wait()
	test.Tap(s.Importa)
	s.bg.Wait()
	s.Progress.Wait()
	for _, v := range s.voci {
		if v.Nome != bad.Nome && (v.Stato != ricGiaImportato || !strings.Contains(v.Esito, "nessuna modifica")) {
			t.Fatalf("imported twice: %+v", v)
		}
	}
}

// «Annulla» stops between files: the file under way is finished, the
// others stay to import.
func TestRicImportaAnnulla(t *testing.T) {
	f := ricPrepara(t, false)
	u := f.u
	u.ShowMain()
	u.Open("ric-importa")
	s := u.ricImportaAperta()
	s.ChooseFolder = func(chosen func(string)) { chosen(filepath.Join(f.dir, "ricevute")) }
	test.Tap(s.ScegliCartella)
	s.bg.Wait()
	primo, ripresa := make(chan struct{}), make(chan struct{})
	var una sync.Once
	s.dopoFile = func(int) {
		una.Do(func() {
			primo <- struct{}{}
			<-ripresa
		})
	}
	test.Tap(s.Importa)
	<-primo
	test.Tap(s.Progress.Annulla)
	close(ripresa)
	s.bg.Wait()
	s.Progress.Wait()
	conta := map[string]int{}
	for _, v := range s.voci {
		conta[v.Stato]++
	}
	if conta[ricImportato] != 1 || conta[ricAnnullato] != len(s.voci)-1 || s.Importa.Disabled() ||
		!strings.Contains(s.Riepilogo.Text, "Importazione interrotta") {
		t.Fatalf("after Annulla: %v, %q", conta, s.Riepilogo.Text)
	}
	// «Importa» goes on with the rest.
	test.Tap(s.Importa)
	s.bg.Wait()
	s.Progress.Wait()
	for _, v := range s.voci {
		if v.Stato != ricImportato {
			t.Fatalf("left behind: %+v", v)
		}
	}
}

// «Scarica da pagoPA»: with the sandbox's FdR API configured through the
// window, the day's flows come from the API and reconcile with the files.
func TestRicScaricaFdR(t *testing.T) {
	f := ricPrepara(t, false)
	u := f.u
	ctx := context.Background()
	for _, p := range append(append([]string{}, f.es.Ricevute...), f.es.Giornale) {
		if _, err := u.Core.Riconciliazione.Importa(ctx, f.admin, p); err != nil {
			t.Fatal(err)
		}
	}
	u.ShowMain()
	u.Open("ric-importa")
	s := u.ricImportaAperta()
	s.bg.Wait()
	if !s.Scarica.Disabled() || !strings.Contains(s.StatoFdR.Text, "non configurata") || !s.ConfiguraFdR.Visible() {
		t.Fatalf("unconfigured: %q", s.StatoFdR.Text)
	}
	cr := f.sb.FdRCredentials()
	test.Tap(s.ConfiguraFdR)
	s.bg.Wait()
	if s.Config == nil || s.Config.URL.Text != "" || s.Config.URL.PlaceHolder != "https://api.platform.pagopa.it/fdr-org/service/v1" {
		t.Fatalf("settings form: %+v", s.Config)
	}
	s.Config.URL.SetText("ftp://no")
	test.Tap(s.Config.Salva)
	s.bg.Wait()
	if !s.Config.Errore.Visible() || !strings.HasPrefix(s.Config.Errore.Text, "URL FdR") {
		t.Fatalf("bad address: %q", s.Config.Errore.Text)
	}
	s.Config.URL.SetText(cr.BaseURL)
	test.Type(s.Config.Chiave, cr.Key)
	test.Tap(s.Config.Salva)
	s.bg.Wait()
	if s.Scarica.Disabled() || !strings.Contains(s.StatoFdR.Text, cr.BaseURL) {
		t.Fatalf("configured: %q", s.StatoFdR.Text)
	}
	s.Dal.SetText(time.Now().AddDate(0, 0, -1).Format("02/01/2006"))
	test.Tap(s.Scarica)
	s.bg.Wait()
	if err := s.Progress.Wait(); err != nil {
		t.Fatal(err)
	}
	v := s.voci[len(s.voci)-1]
	if v.Stato != ricImportato || v.Esito != "scaricati "+itoa(len(f.es.Flussi))+" flussi nuovi da pagoPA" {
		t.Fatalf("download: %+v", v)
	}
	st, _ := u.Core.Riconciliazione.Stato(ctx)
	if st["IUF_NO_TES"] != 1 || st["RT_IUF"] == 0 {
		t.Fatalf("after the download: %v", st)
	}
	test.Tap(s.Scarica)
	s.bg.Wait()
	s.Progress.Wait()
	if v := s.voci[len(s.voci)-1]; v.Stato != ricGiaImportato {
		t.Fatalf("second download: %+v", v)
	}
}

// Esporta: the paid items of a day as MyPivot's export pagati, read back
// by its reader; the rows of a label as CSV.
func TestRicEsporta(t *testing.T) {
	f := ricPrepara(t, true)
	u := f.u
	u.ShowMain()
	u.Open("ric-esporta")
	s := u.ricEsportaAperta()
	out := filepath.Join(t.TempDir(), "pagati.csv")
	s.ChooseSave = func(_ string, _ []string, chosen func(string)) { chosen(out) }
	s.Dal.SetText("20/11/2026")
	s.Al.SetText("31/11/2026")
	test.Tap(s.EsportaPagati)
	if !strings.HasPrefix(s.Esito.Text, "al: ") {
		t.Fatalf("bad date: %q", s.Esito.Text)
	}
	s.Al.SetText("20/11/2026")
	test.Tap(s.EsportaPagati)
	s.bg.Wait()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var righe []ricevute.Pagato
	if _, err := ricevute.LeggiPagati(bytes.NewReader(b), func(p ricevute.Pagato) error { righe = append(righe, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(righe) < 30 || !strings.Contains(s.Esito.Text, "("+itoa(len(righe))+" righe)") || len(righe[0].Bilancio)+len(righe[1].Bilancio) == 0 {
		t.Fatalf("export pagati: %d rows, %q", len(righe), s.Esito.Text)
	}

	csv := filepath.Join(t.TempDir(), "tes.csv")
	s.ChooseSave = func(_ string, _ []string, chosen func(string)) { chosen(csv) }
	test.Tap(s.EsportaClasse)
	if !strings.HasPrefix(s.Esito.Text, "Classificazione: ") {
		t.Fatalf("no label chosen: %q", s.Esito.Text)
	}
	s.Classe.SetSelected("TES_NO_MATCH")
	test.Tap(s.EsportaClasse)
	s.bg.Wait()
	b, _ = os.ReadFile(csv)
	if strings.Count(string(b), "TES_NO_MATCH") != 2 || !strings.Contains(s.Esito.Text, "(2 righe)") {
		t.Fatalf("TES_NO_MATCH rows: %q\n%s", s.Esito.Text, b)
	}
}
