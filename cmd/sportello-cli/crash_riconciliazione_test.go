package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/riconciliazione/cassa"
	"github.com/sportello/sportello/store"
)

// TestCrashRiconciliazione is the reliability test of the reconciliation
// importer: kill during an import, nothing half-stored. A small day
// (debt records, receipts, flows and journal from a sandbox running as
// another process) is imported through the real CLI; then a big OPI 1.8
// journal, which also credits the day's flows and payments, replaces one
// of its credits and reverses another, is imported six times and killed
// with SIGKILL inside its write transaction each time: while the journal
// is being read and stored (at points spread by the offset of the file
// read, from /proc) and after it has been read (classification and
// commit). After every kill the database is intact and every ric_* table
// and the audit of its entities are row for row what the day left. Then
// the journal is imported to the end, giving exactly what an undisturbed
// import gives on a copy, and again («già importato», nothing changes).
// Last, a full rerun (riconciliazione esegui) killed three times leaves
// the classification as it was.
func TestCrashRiconciliazione(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, imports a big journal and kills it nine times")
	}
	inizio := time.Now()
	ce := newCrashEnv(t, "--rate", "off", "--delay", "0", "--seed", "2028")
	ce.must([]string{"SPORTELLO_PASSWORD=Prova-Crash-2028"}, "operatori", "aggiungi", "--username", "admin",
		"--nome", "Anna Esposito", "--ruolo", "amministratore")

	// 1. The small day.
	giorno := ricGiornata(t, ce)
	if out := ce.must(nil, "riconciliazione", "importa", giorno); strings.Contains(out, "già importato") {
		t.Fatalf("first import of the day:\n%s", out)
	}
	prima := ricFotografa(t, ce.db)
	t.Logf("the day: %s", prima)

	// 2. The big journal, and what importing it undisturbed gives, on a
	// copy of the database: how long its transaction lasts, and how much
	// of it comes after the journal is read.
	grande := filepath.Join(ce.dir, "GDC_GRANDE.xml")
	g := ricGiornaleGrande(t, ce.db, grande, 30_000)
	st, err := os.Stat(grande)
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()
	copia := *ce
	copia.db = filepath.Join(ce.dir, "copia", "crash.db")
	ricCopia(t, ce.db, copia.db)
	cal := copia.ricColpisci([]string{"riconciliazione", "importa", grande}, grande, -1, 0)
	if !cal.finito || cal.err != nil {
		t.Fatalf("import on the copy: %+v", cal)
	}
	dopo := ricFotografa(t, copia.db)
	if d := ricDiff(prima, dopo); len(d) == 0 {
		t.Fatal("the big journal changed nothing")
	}
	t.Logf("the journal: %.1f MB, %d credits; imported in %v from its transaction opening, %v of them after it was read",
		float64(size)/(1<<20), g.eseguiti, cal.durata.Round(time.Millisecond), cal.dopoLettura.Round(time.Millisecond))

	// Kills: three while the journal is read and stored, at 15, 45 and
	// 75% of the file (give or take 10%), three after it has been read
	// (the reversals, the classification, the commit), at 10 to 30, 40 to
	// 60 and 70 to 90% of what the undisturbed import did after reading.
	// Without /proc the offset is not known: all six by time.
	type colpo struct {
		quota float64       // of the file read, -1: by time
		dopo  time.Duration // after the transaction opened or the file was read
	}
	var colpi []colpo
	for i := range 3 {
		colpi = append(colpi, colpo{quota: 0.15 + 0.3*float64(i) + 0.2*(rand.Float64()-0.5)})
	}
	for i := range 3 {
		colpi = append(colpi, colpo{quota: 1, dopo: time.Duration((0.1 + 0.3*float64(i) + 0.2*rand.Float64()) * float64(cal.dopoLettura))})
	}
	if !procLeggibile() {
		t.Logf("no /proc: kills spread by time over the transaction")
		for i := range colpi {
			colpi[i] = colpo{quota: -1, dopo: time.Duration((0.05 + 0.8*(float64(i)+rand.Float64())/float64(len(colpi))) * float64(cal.durata))}
		}
	}
	inTx, importato := 0, false
	for i, c := range colpi {
		r := ce.ricColpisci([]string{"riconciliazione", "importa", grande}, grande, c.quota, c.dopo)
		if r.finito && r.err != nil {
			t.Fatalf("round %d: the import failed: %+v", i, r)
		}
		letto := "offset unknown"
		if r.pos >= 0 {
			letto = fmt.Sprintf("%.0f%% of the journal read", 100*float64(r.pos)/float64(size))
		}
		ora := ricFotografa(t, ce.db)
		switch {
		case len(ricDiff(prima, ora)) == 0:
			if r.ucciso && r.inScrittura {
				inTx++
			}
			t.Logf("round %d: killed %v after the transaction opened, %s, in the transaction: %v; nothing stored",
				i, r.durata.Round(time.Millisecond), letto, r.ucciso && r.inScrittura)
		case len(ricDiff(dopo, ora)) == 0:
			// Not half-stored, but not a kill inside the transaction.
			t.Logf("round %d: the import committed before the kill (%s, ended by itself: %v)", i, letto, r.finito)
			importato = true
		default:
			t.Fatalf("round %d: killed %v after the transaction opened (%s): half-stored, neither the day nor the day and the journal:\n"+
				"against the day:    %v\nagainst the import: %v", i, r.durata, letto, ricDiff(prima, ora), ricDiff(dopo, ora))
		}
		if importato {
			break
		}
	}
	if inTx < 3 {
		t.Fatalf("only %d kills inside the import's transaction: too quick to test anything", inTx)
	}

	// 3. The import to its end, then again.
	if !importato {
		out := ce.must(nil, "riconciliazione", "importa", grande)
		if strings.Contains(out, "già importato") || !strings.Contains(out, "Giornale di cassa") ||
			!strings.Contains(out, fmt.Sprintf(": %d accrediti per ", g.eseguiti)) {
			t.Fatalf("final import:\n%s", out)
		}
	}
	fine := ricFotografa(t, ce.db)
	if d := ricDiff(dopo, fine); len(d) != 0 {
		t.Fatalf("the import after the kills differs from the undisturbed one: %v", d)
	}
	if fine["ric_file"].righe != prima["ric_file"].righe+1 || fine["ric_tesoreria"].righe != prima["ric_tesoreria"].righe+g.nuove {
		t.Fatalf("after the import: %s; the day: %s; the journal adds %d credits", fine, prima, g.nuove)
	}
	g.controlla(t, ce.db)
	if out := ce.must(nil, "riconciliazione", "importa", grande); !strings.Contains(out, "già importato") {
		t.Fatalf("second import:\n%s", out)
	}
	if d := ricDiff(fine, ricFotografa(t, ce.db)); len(d) != 0 {
		t.Fatalf("the second import changed %v", d)
	}

	// 4. A full rerun gives the classification the imports left; killed
	// inside its transaction, it leaves it as it was.
	esegui := []string{"riconciliazione", "esegui"}
	cal = ce.ricColpisci(esegui, "", -1, 0)
	if !cal.finito || cal.err != nil {
		t.Fatalf("esegui: %+v", cal)
	}
	if d := ricDiff(fine, ricFotografa(t, ce.db)); len(d) != 0 {
		t.Fatalf("the full rerun differs from the incremental classification: %v", d)
	}
	rerunTx := 0
	for i := range 3 {
		r := ce.ricColpisci(esegui, "", -1, time.Duration((0.1+0.75*(float64(i)+rand.Float64())/3)*float64(cal.durata)))
		if r.finito && r.err != nil {
			t.Fatalf("esegui, round %d: %+v", i, r)
		}
		if d := ricDiff(fine, ricFotografa(t, ce.db)); len(d) != 0 {
			t.Fatalf("esegui killed %v after its transaction opened: %v", r.durata, d)
		}
		if r.ucciso && r.inScrittura {
			rerunTx++
		}
	}
	if rerunTx == 0 {
		t.Fatalf("no kill inside the rerun's transaction (it lasts %v)", cal.durata)
	}
	t.Logf("%d of %d imports and %d of 3 reruns killed inside their transaction; rerun %v; %v in all",
		inTx, len(colpi), rerunTx, cal.durata.Round(time.Millisecond), time.Since(inizio).Round(time.Millisecond))
}

// ricGiornata makes a small day of reconciliation in dir/giorno: forty
// positions published on the sandbox's GPD, all paid with one anomaly of
// each kind (receipts, flows, journal, written by the sandbox), and the
// debt records of thirty of them and of two nobody paid.
func ricGiornata(t *testing.T, ce *crashEnv) string {
	t.Helper()
	ctx := context.Background()
	gpd := &pagopa.GPD{BaseURL: ce.cred.GPD.BaseURL, Key: ce.cred.GPD.Key}
	var pos []pagopa.Posizione
	var csv strings.Builder
	csv.WriteString("IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;" +
		"civicoPagatore;capPagatore;localitaPagatore;provinciaPagatore;nazionePagatore;mailPagatore;dataEsecuzionePagamento;" +
		"importoDovuto;commissioneCaricoPa;tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;azione\n")
	for i := range 40 {
		iuv := pagopa.IUV(pagopa.CodiceAvviso(1, uint64(500+i)))
		c := int64(2000 + 137*i)
		p := pagopa.Posizione{IUPD: fmt.Sprintf("SPORTELLO-CR-%02d", i), Tipo: "F", CodiceFiscale: "RSSMRA80A01F205X",
			Nome: "Mario Rossi", Ente: "Comune di Vimercate", OpzioniPagamento: []pagopa.Opzione{{IUV: iuv, Centesimi: c,
				Descrizione: "Refezione scolastica", Scadenza: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
				Trasferimenti: []pagopa.Trasferimento{{ID: "1", Centesimi: c, Causale: "Refezione scolastica",
					Tassonomia: "9/0101108TS/", IBAN: "IT60X0542811101000000123456"}}}}}
		pos = append(pos, p)
		if i < 30 {
			fmt.Fprintf(&csv, "%s;%s;F;RSSMRA80A01F205X;Mario Rossi;;;;;;;;;%d.%02d;;MENSA;;Refezione scolastica;;;I\n", p.IUPD, iuv, c/100, c%100)
		}
	}
	csv.WriteString("NONPAGATO-1;01000000000009901;F;RSSMRA80A01F205X;Mario Rossi;;;;;;;;;10.00;;MENSA;;Refezione scolastica;;;I\n")
	csv.WriteString("NONPAGATO-2;01000000000009902;F;RSSMRA80A01F205X;Mario Rossi;;;;;;;;;10.00;;MENSA;;Refezione scolastica;;;I\n")
	if err := gpd.CreaMolte(ctx, ce.cred.GPD.OrganizationFiscalCode, pos, true); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(ce.dir, "giorno")
	q := url.Values{"dir": {dir}, "quota": {"1"}, "giorno": {"2026-11-20"}, "seed": {"7"}, "anomalie": {"demo"}}
	resp, err := http.Post(ce.cred.URL+"/__sandbox/pagopa/paga?"+q.Encode(), "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("simulated payments: %s %s", resp.Status, b)
	}
	if err := os.MkdirAll(filepath.Join(dir, "dovuti"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dovuti", "dovuti.csv"), []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// ricGrande is what the big journal does to the day.
type ricGrande struct {
	eseguiti int      // ESEGUITO movements written
	nuove    int      // rows ric_tesoreria gains
	flussi   []string // the day's flows not credited, credited in full
	iuv      []string // the day's payments not reported, credited one by one
	stornata string   // the day's credit reversed (chiave)
	rettif   string   // the day's credit replaced (chiave)
	causale  string   // its new causale
}

// ricGiornaleGrande writes to path an OPI 1.8 journal of about n credits
// for the day imported in the database at db: first the flows the day's
// journal did not credit, credited in full, the payments no flow
// reported, credited one by one with /RFS/, a new version of one of the
// day's credits and the reversal of another; then credits naming a flow
// nobody published or nothing pagoPA, one in fifty reversed by the next
// movement, in conti evidenza of 5000 movements.
func ricGiornaleGrande(t *testing.T, db, path string, n int) ricGrande {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.Reader()
	var g ricGrande
	var esercizio int
	var giorno []struct{ chiave, bolletta string }
	rows, err := r.QueryContext(ctx, `SELECT esercizio, chiave, bolletta FROM ric_tesoreria ORDER BY chiave LIMIT 2`)
	for err == nil && rows.Next() {
		var c struct{ chiave, bolletta string }
		err = rows.Scan(&esercizio, &c.chiave, &c.bolletta)
		giorno = append(giorno, c)
	}
	if err != nil || len(giorno) < 2 {
		t.Fatalf("the day's credits: %v %v", giorno, err)
	}
	g.stornata, g.rettif = giorno[0].chiave, giorno[1].chiave
	var importi []int64
	rows, err = r.QueryContext(ctx, `SELECT f.iuf, f.importo_totale FROM ric_classi c JOIN ric_fdr f ON f.iuf = c.chiave
		WHERE c.classe = 'IUF_NO_TES' AND c.chiave_tipo = 'FLUSSO' ORDER BY f.iuf`)
	for err == nil && rows.Next() {
		var iuf string
		var imp int64
		err = rows.Scan(&iuf, &imp)
		g.flussi, importi = append(g.flussi, iuf), append(importi, imp)
	}
	var iuvImporti []int64
	if err == nil {
		rows, err = r.QueryContext(ctx, `SELECT r.iuv, SUM(r.importo) FROM ric_classi c JOIN ric_rt r ON r.iuv = c.chiave AND r.iur = c.iur
			WHERE c.classe = 'RT_NO_IUF' AND c.chiave_tipo = 'PAGAMENTO' GROUP BY r.iuv, r.iur ORDER BY r.iuv`)
	}
	for err == nil && rows.Next() {
		var iuv string
		var imp int64
		err = rows.Scan(&iuv, &imp)
		g.iuv, iuvImporti = append(g.iuv, iuv), append(iuvImporti, imp)
	}
	if err != nil || len(g.flussi) == 0 || len(g.iuv) == 0 {
		t.Fatalf("the day has no flow without credit (%v) or no payment not reported (%v): %v", g.flussi, g.iuv, err)
	}

	data := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	mov := func(op cassa.Operazione, bolletta string, importo int64, causale, conto string) cassa.Movimento {
		return cassa.Movimento{Operazione: op, Esercizio: esercizio, NumeroBolletta: bolletta, DataContabile: data,
			DataValuta: data, Importo: importo, Causale: causale, Cliente: "PAGOPA S.P.A.", ContoEvidenza: conto,
			TipoEsecuzione: "CASSA"}
	}
	g.causale = "RETTIFICA ACCREDITO DEL 22/11/2026"
	movimenti := func(yield func(cassa.Movimento) bool) {
		primi := []cassa.Movimento{
			mov(cassa.Eseguito, giorno[1].bolletta, 4321, g.causale, "0000001"),
			mov(cassa.Stornato, giorno[0].bolletta, 100, "STORNO", "0000001"),
		}
		for i, iuf := range g.flussi {
			primi = append(primi, mov(cassa.Eseguito, strconv.Itoa(90_000_001+i), importi[i], "/PUR/LGPE-RIVERSAMENTO/URI/"+iuf, "0000001"))
		}
		for i, iuv := range g.iuv {
			c := iuvImporti[i]
			primi = append(primi, mov(cassa.Eseguito, strconv.Itoa(91_000_001+i), c, fmt.Sprintf("/RFS/%s/%d.%02d", iuv, c/100, c%100), "0000001"))
		}
		for _, m := range primi {
			if m.Operazione == cassa.Eseguito {
				g.eseguiti++
			}
			if !yield(m) {
				return
			}
		}
		g.nuove = len(primi) - 3 // the replacement and the reversal add no row and remove one
		for i := 1; i <= n; i++ {
			conto := fmt.Sprintf("%07d", 2+i/5000)
			if i%50 == 0 { // reverses the credit just before
				if !yield(mov(cassa.Stornato, strconv.Itoa(100_000_000+i-1), int64(100+(i-1)%100000), "STORNO", conto)) {
					return
				}
				g.nuove--
				continue
			}
			causale := fmt.Sprintf("BONIFICO A VOSTRO FAVORE CANONE OCCUPAZIONE SUOLO PUBBLICO PRATICA %d", i)
			if i%3 == 0 {
				causale = fmt.Sprintf("/PUR/LGPE-RIVERSAMENTO/URI/2026-11-22BCITITMM-S%010d", i)
			}
			g.eseguiti++
			g.nuove++
			if !yield(mov(cassa.Eseguito, strconv.Itoa(100_000_000+i), int64(100+i%100000), causale, conto)) {
				return
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	gdc := cassa.Giornale{ABI: "03069", DataOraFlusso: data.Add(10 * time.Hour), Ente: "SBX001", DescrizioneEnte: "COMUNE DI VIMERCATE",
		IstatEnte: "015146000", CodiceFiscaleEnte: "00123456789", TramiteEnte: "A2A-00000001", TramiteBT: "A2A-00000002",
		EnteBT: "0000001", IdentificativoFlusso: "GDC-20261123SBX00120261123#001#001", Pagina: 1, PagineTotali: 1,
		Esercizio: esercizio, DataRiferimento: data}
	err = cassa.ScriviOPI(w, "1.8", gdc, movimenti)
	if err == nil {
		err = w.Flush()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// controlla checks, in the database at db, that the journal's credits of
// the day's flows and payments, its replacement and its reversal are
// stored and classified.
func (g ricGrande) controlla(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.Reader()
	conta := func(q string, args ...any) int {
		var n int
		if err := r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, iuf := range g.flussi {
		if n := conta(`SELECT COUNT(*) FROM ric_classi WHERE classe = 'IUF_TES' AND chiave_tipo = 'FLUSSO' AND chiave = ?`, iuf); n != 1 {
			t.Errorf("flow %s credited by the journal is not IUF_TES", iuf)
		}
	}
	for _, iuv := range g.iuv {
		if n := conta(`SELECT COUNT(*) FROM ric_classi WHERE classe = 'RT_TES' AND chiave_tipo = 'PAGAMENTO' AND chiave = ?`, iuv); n != 1 {
			t.Errorf("payment %s credited by the journal is not RT_TES", iuv)
		}
	}
	if n := conta(`SELECT COUNT(*) FROM ric_tesoreria WHERE chiave = ?`, g.stornata); n != 0 {
		t.Errorf("the day's credit %s reversed by the journal is still there", g.stornata)
	}
	if n := conta(`SELECT COUNT(*) FROM ric_tesoreria WHERE chiave = ? AND causale = ?`, g.rettif, g.causale); n != 1 {
		t.Errorf("the day's credit %s was not replaced by the journal's", g.rettif)
	}
}

// ricTabella is a table of a snapshot: its rows and a digest of them.
type ricTabella struct {
	righe int
	somma string
}

// ricFoto is what reconciliation holds: every ric_* table by all its
// columns but the times (*_il), and the audit of the ric entities.
type ricFoto map[string]ricTabella

func (f ricFoto) String() string {
	var s []string
	for _, k := range slices.Sorted(maps.Keys(f)) {
		s = append(s, fmt.Sprintf("%s %d", k, f[k].righe))
	}
	return strings.Join(s, ", ")
}

// ricDiff lists the tables that differ between a and b.
func ricDiff(a, b ricFoto) []string {
	var out []string
	for k, x := range a {
		if y, ok := b[k]; !ok || x != y {
			out = append(out, fmt.Sprintf("%s (%d rows → %d, content changed: %v)", k, x.righe, y.righe, x.somma != y.somma))
		}
	}
	for k, y := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s (new, %d rows)", k, y.righe))
		}
	}
	slices.Sort(out)
	return out
}

// ricFotografa opens the database at path as the application does
// (recovering what a killed writer left), checks its integrity and its
// foreign keys, and takes the snapshot of reconciliation.
func ricFotografa(t *testing.T, path string) ricFoto {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := db.Reader()
	var esito string
	if err := r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&esito); err != nil || esito != "ok" {
		t.Fatalf("integrity_check: %q %v", esito, err)
	}
	rows, err := r.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tab, parent string
		var rowid, fkid sql.NullInt64
		err := rows.Scan(&tab, &rowid, &parent, &fkid)
		rows.Close()
		t.Fatalf("foreign key violated: %s row %v → %s (%v)", tab, rowid.Int64, parent, err)
	}
	rows.Close()
	var tabelle []string
	rows, err = r.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ric!_%' ESCAPE '!' ORDER BY name`)
	for err == nil && rows.Next() {
		var n string
		err = rows.Scan(&n)
		tabelle = append(tabelle, n)
	}
	if err != nil || len(tabelle) < 8 {
		t.Fatalf("ric tables %v: %v", tabelle, err)
	}
	foto := ricFoto{}
	for _, tab := range tabelle {
		var cols []string
		rows, err := r.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, tab)
		for err == nil && rows.Next() {
			var c string
			err = rows.Scan(&c)
			if !strings.HasSuffix(c, "_il") {
				cols = append(cols, `"`+c+`"`)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		ordine := make([]string, len(cols))
		for i := range cols {
			ordine[i] = strconv.Itoa(i + 1)
		}
		foto[tab] = ricSomma(t, r, `SELECT `+strings.Join(cols, ", ")+` FROM `+tab+` ORDER BY `+strings.Join(ordine, ", "))
	}
	// By content, not by id: an import audits the reversals of a journal
	// in no set order.
	foto["audit (ric)"] = ricSomma(t, r, `SELECT operatore, entita, entita_id, azione, campo, prima, dopo FROM audit
		WHERE entita LIKE 'ric%' ORDER BY 1, 2, 3, 4, 5, 6, 7`)
	return foto
}

func ricSomma(t *testing.T, r *sql.DB, q string) ricTabella {
	t.Helper()
	rows, err := r.Query(q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := sha256.New()
	var out ricTabella
	var b []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		b = b[:0]
		for _, v := range vals {
			switch v := v.(type) {
			case nil:
				b = append(b, 'N')
			case int64:
				b = strconv.AppendInt(append(b, 'I'), v, 10)
			case string:
				b = append(append(b, 'S'), v...)
			case []byte:
				b = append(append(b, 'B'), v...)
			default:
				b = fmt.Appendf(append(b, 'X'), "%v", v)
			}
			b = append(b, 0x1f)
		}
		h.Write(append(b, 0x1e))
		out.righe++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out.somma = hex.EncodeToString(h.Sum(nil))
	return out
}

// ricCopia copies a closed database (and its WAL, if any) to dst.
func ricCopia(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, suf := range []string{"", "-wal"} {
		b, err := os.ReadFile(src + suf)
		if suf != "" && os.IsNotExist(err) {
			continue
		}
		if err == nil {
			err = os.WriteFile(dst+suf, b, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// ricScrittore tells whether another connection holds the write lock of
// the database at path, that is has a write transaction open: BEGIN
// IMMEDIATE from here, not waiting, finds it busy.
func ricScrittore(t *testing.T, path string) bool {
	t.Helper()
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		if s := err.Error(); strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "locked") {
			return true
		}
		t.Fatal(err)
	}
	tx.Rollback()
	return false
}

// procLeggibile tells whether /proc shows the offsets of a process's files.
func procLeggibile() bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d/fdinfo", os.Getpid()))
	return err == nil
}

// ricPosizione is the offset of the descriptor process pid has open on
// file (resolved path), from /proc; false when it has none.
func ricPosizione(pid int, file string) (int64, bool) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	es, err := os.ReadDir(dir)
	if err != nil {
		return 0, false
	}
	for _, e := range es {
		if l, err := os.Readlink(filepath.Join(dir, e.Name())); err != nil || l != file {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, e.Name()))
		if err != nil {
			return 0, false
		}
		for _, riga := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(riga, "pos:"); ok {
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				return n, err == nil
			}
		}
	}
	return 0, false
}

// ricRound is how a run of ricColpisci went.
type ricRound struct {
	finito      bool          // ended by itself before the kill
	err         error         // its end, when it ended by itself
	ucciso      bool          // ended by the SIGKILL
	inScrittura bool          // its write transaction was open right before the kill
	pos         int64         // offset of the file read at the kill, -1 if unknown
	durata      time.Duration // from the transaction opening to the kill, or to the end of the work
	dopoLettura time.Duration // from the file read whole to the kill, or to the end of the work
}

// ricColpisci runs the CLI with args and waits for its write transaction
// to open (for an import, with file open: its second reading, after the
// hash). quota < 0 kills it dopo later; quota in 0..1 when it has read
// that part of file (1: the whole, then dopo later). A zero dopo with
// quota < 0 lets it run, measuring the work from the transaction opening
// to its end: for an import, when it closes file (all Importa does,
// whether in one transaction or not), else the exit.
func (c *crashEnv) ricColpisci(args []string, file string, quota float64, dopo time.Duration) ricRound {
	t := c.t
	t.Helper()
	proc := file != "" && procLeggibile()
	var size int64
	if file != "" {
		var err error
		if file, err = filepath.EvalSymlinks(file); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		size = st.Size()
	}
	cmd, done, stderr := c.start(args...)
	pid := cmd.Process.Pid
	// pos is the offset of file read, -1 when not known; false when the
	// process has it closed.
	pos := func() (int64, bool) {
		if !proc {
			return -1, true
		}
		return ricPosizione(pid, file)
	}
	inTx := func() bool {
		_, aperto := pos()
		return aperto && ricScrittore(t, c.db)
	}
	r := ricRound{pos: -1}
	var aperta, letto time.Time
	misura := func() {
		r.durata = time.Since(aperta)
		if !letto.IsZero() {
			r.dopoLettura = time.Since(letto)
		}
	}
	fine := func(err error) ricRound {
		if r.durata == 0 && !aperta.IsZero() {
			misura()
		}
		r.finito, r.err = true, err
		if err != nil {
			r.err = fmt.Errorf("%w\n%s", err, stderr.String())
		}
		return r
	}
	tick := func() (bool, error) {
		select {
		case err := <-done:
			return true, err
		case <-time.After(3 * time.Millisecond):
			return false, nil
		}
	}
	limite := time.Now().Add(2 * time.Minute)
	for !inTx() {
		if ok, err := tick(); ok {
			return fine(err)
		}
		if time.Now().After(limite) {
			cmd.Process.Signal(syscall.SIGKILL)
			t.Fatalf("%v: no write transaction in two minutes", args)
		}
	}
	aperta = time.Now()
	for {
		p, aperto := pos()
		if letto.IsZero() && aperto && p >= size {
			letto = time.Now()
		}
		var arriva bool
		switch {
		case quota < 0 && dopo == 0: // measuring
			if r.durata == 0 && !aperto {
				misura()
			}
		case quota < 0:
			arriva = time.Since(aperta) >= dopo
		case quota >= 1:
			arriva = !letto.IsZero() && time.Since(letto) >= dopo
		default:
			arriva = float64(p) >= quota*float64(size)
		}
		if arriva {
			break
		}
		if ok, err := tick(); ok {
			return fine(err)
		}
	}
	r.pos, _ = pos()
	r.inScrittura = inTx()
	cmd.Process.Signal(syscall.SIGKILL)
	err := <-done
	misura()
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			r.ucciso = true
			return r
		}
	}
	return fine(err)
}
