package riconciliazione

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sportello/sportello/core/riconciliazione/ingenuo"
	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/store"
)

// modello is a migrated, empty database that apri copies: migrating each
// test's own would make the fuzzer ten times slower.
var modello = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "riconciliazione")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "modello.db")
	db, err := store.Open(context.Background(), p)
	if err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(p)
})

// The SQL euro of the engine's notes writes amounts as the clerk reads
// them everywhere else (tracciato.EuroIT): dots for the thousands, comma
// for the cents.
func TestEuroSQL(t *testing.T) {
	db := apri(t)
	for _, c := range []int64{0, 5, -5, 170, 99999, 100000, 121300, -121150, 12345678901} {
		var got string
		if err := db.Reader().QueryRow(`SELECT ` + euro(fmt.Sprint(c))).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := tracciato.EuroIT(c) + " euro"; got != want {
			t.Errorf("%d: %q, want %q", c, got, want)
		}
	}
}

func apri(t testing.TB) *store.DB {
	t.Helper()
	// Not t.TempDir: a fuzz seed's directory has a '#' in its name, which
	// ends the path in the database's URI (store.Open does not escape it).
	dir, err := os.MkdirTemp("", "riconciliazione")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	b, err := modello()
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "r.db"), b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// carico is what one test import stores: a file of each kind present.
type carico struct {
	rt     []store.RicRicevuta
	flussi []flussoTest
	mov    []store.RicMovimento
	storni []string
	dov    []store.RicDovuto
}

type flussoTest struct {
	iuf    string
	righe  []store.RicPagamento
	totale int64 // 0: the sum of the lines
}

var nFile int

func rt(iuv, iur, iud string, importo int64) store.RicRicevuta {
	return store.RicRicevuta{IUV: iuv, IUR: iur, Indice: 1, IUD: iud, Importo: importo, Esito: "OK"}
}

func riga(iuv, iur string, importo int64, esito int) store.RicPagamento {
	return store.RicPagamento{IUV: iuv, IUR: iur, Indice: 1, Importo: importo, Esito: esito}
}

func dov(iud, iuv string, importo int64) store.RicDovuto {
	return store.RicDovuto{IUD: iud, IUV: iuv, Importo: importo, Fonte: "CSV"}
}

func movIUF(chiave, iuf string, importo int64) store.RicMovimento {
	return store.RicMovimento{Chiave: chiave, Esercizio: 2024, Importo: importo, IUF: iuf, Causale: "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf}
}

func movIUV(chiave, iuv string, importo int64, conImporto bool) store.RicMovimento {
	m := store.RicMovimento{Chiave: chiave, Esercizio: 2024, Importo: importo, IUV: iuv, Causale: "/RFB/" + iuv}
	if conImporto {
		m.ImportoIUV, m.ConImportoIUV = importo, true
	}
	return m
}

// importa stores c in one transaction, as the importers do, and returns
// the keys it touched.
func importa(t testing.TB, db *store.DB, c carico) Toccate {
	t.Helper()
	ctx := context.Background()
	var tc Toccate
	file := func(tx *store.Tx, tipo string) (int64, error) {
		nFile++
		return tx.InsertRicFile(ctx, store.RicFile{Tipo: tipo, Nome: fmt.Sprint(tipo, nFile), SHA256: fmt.Sprintf("%064d", nFile)})
	}
	err := db.Write(ctx, "test", func(tx *store.Tx) error {
		if len(c.dov) > 0 {
			id, err := file(tx, "DOVUTI")
			if err == nil {
				err = tx.InsertRicDovuti(ctx, id, c.dov, &tc)
			}
			if err != nil {
				return err
			}
		}
		if len(c.rt) > 0 {
			id, err := file(tx, "RT")
			if err == nil {
				err = tx.InsertRicevute(ctx, id, c.rt, &tc)
			}
			if err != nil {
				return err
			}
		}
		for _, f := range c.flussi {
			tot := f.totale
			if tot == 0 {
				for _, r := range f.righe {
					tot += r.Importo
				}
			}
			id, err := file(tx, "FDR")
			if err == nil {
				err = tx.InsertRicFlusso(ctx, id, store.RicFlusso{IUF: f.iuf, NPagamenti: len(f.righe), ImportoTotale: tot}, &tc)
			}
			if err == nil {
				err = tx.InsertRicPagamenti(ctx, f.iuf, f.righe, &tc)
			}
			if err != nil {
				return err
			}
		}
		if len(c.mov) > 0 {
			id, err := file(tx, "CASSA")
			if err == nil {
				err = tx.InsertRicMovimenti(ctx, id, c.mov, &tc)
			}
			if err != nil {
				return err
			}
		}
		for _, k := range c.storni {
			if err := tx.DeleteRicMovimento(ctx, k, &tc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// fotografia is the whole classification, one "classe tipo chiave/iur"
// per row, sorted.
func fotografia(t testing.TB, db *store.DB) []string {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(), `SELECT classe, chiave_tipo, chiave, iur FROM ric_classi`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c, tipo, k, iur string
		if err := rows.Scan(&c, &tipo, &k, &iur); err != nil {
			t.Fatal(err)
		}
		out = append(out, riga4(c, tipo, k, iur))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func riga4(classe, tipo, chiave, iur string) string { return ingenuo.Riga(classe, tipo, chiave, iur) }

func dettaglio(t *testing.T, db *store.DB, classe, chiave, iur string) string {
	t.Helper()
	var d string
	if err := db.Reader().QueryRowContext(context.Background(), `SELECT dettaglio FROM ric_classi WHERE classe = ? AND chiave = ? AND iur = ?`,
		classe, chiave, iur).Scan(&d); err != nil {
		t.Fatalf("%s %s/%s: %v", classe, chiave, iur, err)
	}
	return d
}

// scenario is one of each situation of the MyPivot model.
func scenario() carico {
	multi := rt("V14", "R14", "D14", 140)
	multi2 := rt("V14", "R14", "D14", 60)
	multi2.Indice = 2
	ko := rt("V7K", "R7K", "D7K", 710)
	ko.Esito = "KO"
	r14a, r14b := riga("V14", "R14", 140, 0), riga("V14", "R14", 60, 0)
	r14b.Indice = 2
	return carico{
		dov: []store.RicDovuto{dov("D1", "V1", 1000), dov("D3", "V3", 300), dov("D4", "V4", 400), dov("D4B", "V4B", 450),
			dov("D4C", "V4C", 460), dov("D5", "V5", 500), dov("D7", "V7", 700), dov("D7K", "V7K", 710), dov("D9", "V9", 900),
			dov("D10", "V10", 100), dov("D11", "V11", 110), dov("D12", "V12", 120), dov("D13", "V13", 130), dov("D14", "V14", 200),
			dov("D15", "V15", 150), dov("D17", "V17", 170)},
		rt: []store.RicRicevuta{rt("V1", "R1", "D1", 1000), rt("V2", "R2", "", 200), rt("V3", "R3", "D3", 300),
			rt("V4", "R4", "D4", 400), rt("V4B", "R4B", "D4B", 450), rt("V4C", "R4C", "D4C", 460), rt("V5", "R5", "D5", 500), ko,
			rt("V9", "R9A", "D9", 900), rt("V9", "R9B", "D9", 900), rt("V10", "R10", "D10", 100), rt("V11", "R11", "D11", 110),
			rt("V12", "R12", "", 120), rt("V13", "R13", "D13X", 130), multi, multi2, rt("V15", "R15", "D15", 150), rt("V17", "R17", "D17", 170)},
		flussi: []flussoTest{
			{iuf: "F1", righe: []store.RicPagamento{riga("V1", "R1", 1000, 0)}},
			{iuf: "F2", righe: []store.RicPagamento{riga("V2", "R2", 200, 0)}},
			{iuf: "F3", righe: []store.RicPagamento{riga("V3", "R3", 300, 0), riga("V8", "R8", 800, 0), riga("V9", "R9A", 900, 0),
				riga("V9", "R9B", 900, 8), riga("V10", "R10", 100, 0), riga("V11", "R11", 110, 0), riga("V12", "R12", 120, 0),
				riga("V13", "R13", 130, 0), r14a, r14b, riga("V15", "R15", 150, 0), riga("V16", "R16", 160, 9)}},
			{iuf: "F4", righe: []store.RicPagamento{riga("V17", "R17", 170, 0)}},
			{iuf: "F5", righe: []store.RicPagamento{riga("V10", "R10", -100, 3), riga("V11", "R11", -110, 3), riga("V11", "R11", 110, 4),
				riga("V15", "R15", 150, 0)}},
		},
		mov: []store.RicMovimento{movIUF("T1", "F1", 1000), movIUF("T2", "F2", 200), movIUF("T4", "F4", 100),
			movIUF("T5A", "F5", 20), movIUF("T5B", "F5", 30), movIUV("T6", "V4", 400, true), movIUV("T7", "V4B", 999, true),
			movIUV("T8", "V4C", 460, false), movIUF("T9", "FX", 10), movIUV("T10", "VX", 10, true), movIUV("T11", "V7K", 710, true),
			{Chiave: "T12", Esercizio: 2024, Importo: 5, Causale: "BONIFICO"}},
	}
}

func atteseScenario() []string {
	var out []string
	pag := func(iuv, iur string, classi ...string) {
		for _, c := range classi {
			out = append(out, riga4(c, "PAGAMENTO", iuv, iur))
		}
	}
	tutto := []string{"IUD_RT_IUF_TES", "RT_IUF_TES", "IUD_RT_IUF", "RT_IUF"}
	pag("V1", "R1", tutto...)
	pag("V2", "R2", "RT_IUF_TES", "RT_IUF", "RT_NO_IUD")
	pag("V3", "R3", "IUD_RT_IUF", "RT_IUF")
	pag("V4", "R4", "RT_TES")
	pag("V4B", "R4B", "RT_NO_IUF") // the causale's amount differs
	pag("V4C", "R4C", "RT_TES")    // no amount in the causale
	pag("V5", "R5", "RT_NO_IUF")
	pag("V7", "", "IUD_NO_RT")
	pag("V7K", "", "IUD_NO_RT") // a KO receipt is no payment
	pag("V8", "R8", "IUV_NO_RT")
	pag("V9", "R9A", "IUD_RT_IUF", "RT_IUF", "DOPPI")
	pag("V9", "R9B", "IUD_RT_IUF", "RT_IUF", "DOPPI")
	pag("V10", "R10", "RT_NO_IUF")               // reported, then revoked
	pag("V11", "R11", tutto...)                  // revoked, then reported again in a credited flow
	pag("V12", "R12", "IUD_RT_IUF", "RT_IUF")    // debt record found on the IUV
	pag("V13", "R13", "RT_IUF", "RT_NO_IUD")     // its IUD is not the debt record's
	pag("V14", "R14", "IUD_RT_IUF", "RT_IUF")    // two transfers, each reported once
	pag("V15", "R15", append(tutto, "DOPPI")...) // reported in two flows
	pag("V16", "R16", "IUV_NO_RT")               // esito 9: paid without RPT
	pag("V17", "R17", "IUD_RT_IUF", "RT_IUF")    // its flow credited for less
	for _, f := range [][2]string{{"F1", "IUF_TES"}, {"F2", "IUF_TES"}, {"F3", "IUF_NO_TES"}, {"F4", "IUF_TES_DIV_IMP"}, {"F5", "IUF_TES"}} {
		out = append(out, riga4(f[1], "FLUSSO", f[0], ""))
	}
	for _, k := range []string{"T1", "T2", "T4", "T5A", "T5B", "T6", "T7", "T8"} {
		out = append(out, riga4("TES_IUF_OR_IUV", "TESORERIA", k, ""))
	}
	for _, k := range []string{"T9", "T10", "T11"} {
		out = append(out, riga4("TES_NO_IUF_OR_IUV", "TESORERIA", k, ""))
	}
	out = append(out, riga4("TES_NO_MATCH", "TESORERIA", "T12", ""))
	slices.Sort(out)
	return out
}

func confronta(t testing.TB, quando string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	var extra, mancanti []string
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			mancanti = append(mancanti, w)
		}
	}
	t.Fatalf("%s: labels differ\nunexpected: %s\nmissing:    %s", quando, strings.Join(extra, ", "), strings.Join(mancanti, ", "))
}

func TestScenarioMyPivot(t *testing.T) {
	db := apri(t)
	ctx := context.Background()
	importa(t, db, scenario())
	r, err := Esegui(ctx, db, "test")
	if err != nil {
		t.Fatal(err)
	}
	want := atteseScenario()
	confronta(t, "Esegui", fotografia(t, db), want)

	// Every label of classi.go is exercised.
	for _, c := range Classi {
		if !slices.ContainsFunc(want, func(s string) bool { return strings.HasPrefix(s, c.Codice+" "+c.Tipo+" ") }) {
			t.Errorf("the scenario has no %s", c.Codice)
		}
	}
	// The counts follow the rows.
	conta := map[string]int{}
	for _, w := range want {
		conta[strings.Fields(w)[0]]++
	}
	if fmt.Sprint(r.Classi) != fmt.Sprint(conta) {
		t.Errorf("Riepilogo.Classi %v, want %v", r.Classi, conta)
	}
	if r.Pagamenti != 20 || r.Flussi != 5 || r.Movimenti != 12 {
		t.Errorf("Riepilogo %+v", r)
	}

	for _, c := range []struct{ classe, chiave, iur, want string }{
		{"IUF_TES_DIV_IMP", "F4", "", "totale del flusso 1,70 euro, accreditato 1,00 euro in 1 movimento"},
		{"TES_NO_IUF_OR_IUV", "T9", "", "flusso FX non importato"},
		{"TES_NO_IUF_OR_IUV", "T11", "", "nessuna ricevuta positiva per lo IUV V7K"},
		{"DOPPI", "V9", "R9A", "ricevute con IUR diversi: 2, rendicontazioni non revocate: 1"},
		{"DOPPI", "V15", "R15", "ricevute con IUR diversi: 1, rendicontazioni non revocate: 2"},
		{"RT_IUF", "V1", "R1", ""},
	} {
		if got := dettaglio(t, db, c.classe, c.chiave, c.iur); got != c.want {
			t.Errorf("%s %s/%s: dettaglio %q, want %q", c.classe, c.chiave, c.iur, got, c.want)
		}
	}

	// Run again: the same result.
	if _, err := Esegui(ctx, db, "test"); err != nil {
		t.Fatal(err)
	}
	confronta(t, "second Esegui", fotografia(t, db), want)

	// The same scenario imported incrementally gives the same labels.
	db2 := apri(t)
	if err := Incrementale(ctx, db2, "test", importa(t, db2, scenario())); err != nil {
		t.Fatal(err)
	}
	confronta(t, "Incrementale", fotografia(t, db2), want)
	s2, err := Stato(ctx, db2)
	if err != nil || fmt.Sprint(s2) != fmt.Sprint(conta) {
		t.Errorf("Stato after Incrementale %v, %v; want %v", s2, err, conta)
	}
}

// A credit reversed by the bank (STORNATO) is deleted: its flow is no
// longer credited and its payments lose their TES labels.
func TestStornato(t *testing.T) {
	db := apri(t)
	ctx := context.Background()
	importa(t, db, scenario())
	if _, err := Esegui(ctx, db, "test"); err != nil {
		t.Fatal(err)
	}
	tc := importa(t, db, carico{storni: []string{"T1", "T6"}})
	if err := Incrementale(ctx, db, "test", tc); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, w := range atteseScenario() {
		switch w {
		case riga4("IUD_RT_IUF_TES", "PAGAMENTO", "V1", "R1"), riga4("RT_IUF_TES", "PAGAMENTO", "V1", "R1"),
			riga4("IUF_TES", "FLUSSO", "F1", ""), riga4("TES_IUF_OR_IUV", "TESORERIA", "T1", ""),
			riga4("RT_TES", "PAGAMENTO", "V4", "R4"), riga4("TES_IUF_OR_IUV", "TESORERIA", "T6", ""):
			continue
		}
		want = append(want, w)
	}
	want = append(want, riga4("IUF_NO_TES", "FLUSSO", "F1", ""), riga4("RT_NO_IUF", "PAGAMENTO", "V4", "R4"))
	slices.Sort(want)
	confronta(t, "after STORNATO", fotografia(t, db), want)
	if _, err := Esegui(ctx, db, "test"); err != nil {
		t.Fatal(err)
	}
	confronta(t, "Esegui after STORNATO", fotografia(t, db), want)
}

// The same file twice is refused before anything is stored.
func TestReimportazioneIdempotente(t *testing.T) {
	db := apri(t)
	ctx := context.Background()
	importa(t, db, scenario())
	if _, err := Esegui(ctx, db, "test"); err != nil {
		t.Fatal(err)
	}
	prima := fotografia(t, db)
	err := db.Write(ctx, "test", func(tx *store.Tx) error {
		_, err := tx.InsertRicFile(ctx, store.RicFile{Tipo: "RT", Nome: "di nuovo", SHA256: fmt.Sprintf("%064d", nFile)})
		return err
	})
	if !errors.Is(err, store.ErrGiaImportato) {
		t.Fatalf("err = %v, want ErrGiaImportato", err)
	}
	confronta(t, "after the refused import", fotografia(t, db), prima)
}

// Imports in random order, each followed by Incrementale, give after
// every step what a full run gives on the same data (a second database
// that Esegui rebuilds each time), and the nested loops agree.
func TestIncrementaleComeCompleta(t *testing.T) {
	semi := 10
	if testing.Short() {
		semi = 3
	}
	for seme := range semi {
		simula(t, rand.New(rand.NewPCG(uint64(seme), 7)), 40)
	}
}

// FuzzIncrementale is TestIncrementaleComeCompleta with the fuzzer
// choosing the imports (four bytes or so a step, twelve steps at most).
func FuzzIncrementale(f *testing.F) {
	for seme := range 4 {
		rng := rand.New(rand.NewPCG(uint64(seme), 9))
		b := make([]byte, 160)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		simula(t, &byteFonte{b: b}, min(len(b)/4, 12))
	})
}

// fonte is where simula takes its choices from.
type fonte interface{ IntN(n int) int }

// byteFonte chooses with the fuzzer's bytes, then 0.
type byteFonte struct{ b []byte }

func (f *byteFonte) IntN(n int) int {
	if len(f.b) == 0 {
		return 0
	}
	x := int(f.b[0])
	f.b = f.b[1:]
	return x % n
}

func simula(t testing.TB, src fonte, passi int) {
	ctx := context.Background()
	inc, full := apri(t), apri(t)
	iuv := func() string { return fmt.Sprint("V", src.IntN(8)) }
	iur := func() string { return []string{"A", "B"}[src.IntN(2)] }
	iuf := func() string { return fmt.Sprint("F", src.IntN(3)) }
	var chiaviMov []string
	for passo := range passi {
		var c carico
		switch src.IntN(5) {
		case 0:
			for range 1 + src.IntN(5) {
				r := rt(iuv(), iur(), "", 100*int64(1+src.IntN(3)))
				r.Indice = 1 + src.IntN(2)
				if src.IntN(2) == 0 {
					r.IUD = fmt.Sprint("D", src.IntN(10))
				}
				if src.IntN(5) == 0 {
					r.Esito = "KO"
				}
				c.rt = append(c.rt, r)
			}
		case 1:
			f := flussoTest{iuf: iuf()}
			for range 1 + src.IntN(5) {
				r := riga(iuv(), iur(), 100*int64(1+src.IntN(3)), []int{0, 0, 3, 4, 8, 9}[src.IntN(6)])
				r.Indice = 1 + src.IntN(2)
				if r.Esito == 3 {
					r.Importo = -r.Importo
				}
				f.righe = append(f.righe, r)
			}
			if src.IntN(3) == 0 {
				f.totale = 1
			}
			c.flussi = append(c.flussi, f)
		case 2:
			for range 1 + src.IntN(3) {
				k := fmt.Sprint("T", src.IntN(8))
				var m store.RicMovimento
				switch src.IntN(5) {
				case 0, 4: // one movement per flow, crediting it most times
					f := iuf()
					m = movIUF("T"+f, f, totaleFlusso(t, full, f)-int64(src.IntN(3)/2)*100)
					k = m.Chiave
				case 1:
					m = movIUV(k, iuv(), 100*int64(1+src.IntN(3)), src.IntN(2) == 0)
				case 2:
					m = store.RicMovimento{Chiave: k, Esercizio: 2024, Importo: 7}
				default:
					m = movIUF(k, "FX", 1)
				}
				c.mov = append(c.mov, m)
				chiaviMov = append(chiaviMov, k)
			}
		case 3:
			if len(chiaviMov) > 0 {
				k := chiaviMov[src.IntN(len(chiaviMov))]
				if contaMov(t, full, k) == 1 {
					c.storni = append(c.storni, k)
				}
			}
		default:
			for range 1 + src.IntN(3) {
				c.dov = append(c.dov, dov(fmt.Sprint("D", src.IntN(10)), iuv(), 100))
			}
		}
		nf := nFile
		tc := importa(t, inc, c)
		nFile = nf // the same file names in both databases
		importa(t, full, c)
		if err := Incrementale(ctx, inc, "test", tc); err != nil {
			t.Fatal(err)
		}
		if _, err := Esegui(ctx, full, "test"); err != nil {
			t.Fatal(err)
		}
		quando := fmt.Sprintf("step %d", passo)
		confronta(t, quando, fotografia(t, inc), fotografia(t, full))
		si, err1 := Stato(ctx, inc)
		sf, err2 := Stato(ctx, full)
		if err1 != nil || err2 != nil || fmt.Sprint(si) != fmt.Sprint(sf) {
			t.Fatalf("%s: Stato %v / %v (%v %v)", quando, si, sf, err1, err2)
		}
	}
	x, err := ingenuo.Carica(ctx, full)
	if err != nil {
		t.Fatal(err)
	}
	confronta(t, "nested loops", fotografia(t, full), x.Classi())
}

// totaleFlusso is a stored flow's total, so that random credits often
// match; 0 when the flow is not stored.
func totaleFlusso(t testing.TB, db *store.DB, iuf string) int64 {
	var tot int64
	err := db.Reader().QueryRowContext(context.Background(), `SELECT COALESCE(MAX(importo_totale), 0) FROM ric_fdr WHERE iuf = ?`, iuf).Scan(&tot)
	if err != nil {
		t.Fatal(err)
	}
	return tot
}

func contaMov(t testing.TB, db *store.DB, chiave string) int {
	var n int
	if err := db.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM ric_tesoreria WHERE chiave = ?`, chiave).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Rows changed by an importer that reports only the row's own key still
// reclassify everything depending on them.
func TestIncrementaleDaChiaviParziali(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		nome     string
		sql      string
		chiavi   Toccate
		via, piu []string
	}{
		{"movement of a flow", `UPDATE ric_tesoreria SET importo = 170 WHERE chiave = 'T4'`,
			Toccate{Tesoreria: map[string]struct{}{"T4": {}}},
			[]string{riga4("IUF_TES_DIV_IMP", "FLUSSO", "F4", "")},
			[]string{riga4("IUF_TES", "FLUSSO", "F4", ""), riga4("IUD_RT_IUF_TES", "PAGAMENTO", "V17", "R17"), riga4("RT_IUF_TES", "PAGAMENTO", "V17", "R17")}},
		{"single-payment movement", `UPDATE ric_tesoreria SET iuv_importo = 1 WHERE chiave = 'T6'`,
			Toccate{Tesoreria: map[string]struct{}{"T6": {}}},
			[]string{riga4("RT_TES", "PAGAMENTO", "V4", "R4")},
			[]string{riga4("RT_NO_IUF", "PAGAMENTO", "V4", "R4")}},
		{"debt record found by a receipt's IUD", `INSERT INTO ric_dovuti (iud, iuv, importo, fonte) VALUES ('D13X', 'VZ', 1, 'SPORTELLO')`,
			Toccate{IUD: map[string]struct{}{"D13X": {}}},
			[]string{riga4("RT_NO_IUD", "PAGAMENTO", "V13", "R13")},
			[]string{riga4("IUD_RT_IUF", "PAGAMENTO", "V13", "R13"), riga4("IUD_NO_RT", "PAGAMENTO", "VZ", "")}},
	} {
		db := apri(t)
		importa(t, db, scenario())
		if _, err := Esegui(ctx, db, "test"); err != nil {
			t.Fatal(err)
		}
		err := db.Write(ctx, "test", func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, c.sql)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := Incrementale(ctx, db, "test", c.chiavi); err != nil {
			t.Fatal(err)
		}
		want := slices.DeleteFunc(atteseScenario(), func(s string) bool { return slices.Contains(c.via, s) })
		want = append(want, c.piu...)
		slices.Sort(want)
		confronta(t, c.nome, fotografia(t, db), want)
		if _, err := Esegui(ctx, db, "test"); err != nil {
			t.Fatal(err)
		}
		confronta(t, c.nome+", then Esegui", fotografia(t, db), want)
	}
}

// A wide import makes the incremental run a full one, with the same result.
func TestIncrementaleOltreSoglia(t *testing.T) {
	db := apri(t)
	ctx := context.Background()
	tc := importa(t, db, scenario())
	for i := range sogliaIncrementale + 1 {
		tc.IUV[fmt.Sprint("X", i)] = struct{}{}
	}
	if err := Incrementale(ctx, db, "test", tc); err != nil {
		t.Fatal(err)
	}
	confronta(t, "over the threshold", fotografia(t, db), atteseScenario())
}

func TestClassi(t *testing.T) {
	seen := map[string]bool{}
	for i, c := range Classi {
		if seen[c.Codice] || c.Descrizione == "" || !strings.HasSuffix(c.Descrizione, ".") {
			t.Errorf("%s: duplicate or without a one-sentence description", c.Codice)
		}
		seen[c.Codice] = true
		if Rango(c.Codice) != i {
			t.Errorf("Rango(%s) = %d, want %d", c.Codice, Rango(c.Codice), i)
		}
		if got, ok := ClasseDi(c.Codice); !ok || got != c {
			t.Errorf("ClasseDi(%s) = %v, %v", c.Codice, got, ok)
		}
		if (c.Tipo == pagamento) != (sorgenti[c.Codice] != "") {
			t.Errorf("%s: a payment label needs a source, only a payment label has one", c.Codice)
		}
	}
	if len(Classi) != 16 {
		t.Errorf("%d labels, want the 14 of MyPivot and 2 positive markers", len(Classi))
	}
	// Most complete first, as the brief ranks them; anomalies after.
	for i, c := range []string{"IUD_RT_IUF_TES", "RT_IUF_TES", "IUD_RT_IUF", "RT_IUF", "RT_TES"} {
		if Rango(c) != i {
			t.Errorf("%s ranks %d, want %d", c, Rango(c), i)
		}
	}
	ultimoPositivo, primoNegativo := -1, len(Classi)
	for i, c := range Classi {
		if c.Positiva {
			ultimoPositivo = i
		} else if i < primoNegativo {
			primoNegativo = i
		}
	}
	if ultimoPositivo > primoNegativo {
		t.Error("a positive label ranks after an anomaly")
	}
	if _, ok := ClasseDi("NIENTE"); ok || Rango("NIENTE") != len(Classi) {
		t.Error("unknown label found")
	}
}
