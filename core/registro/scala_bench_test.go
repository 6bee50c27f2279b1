package registro

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// Scale of the PEC reseller registro (issue 5, "Measured"): 50,000 owners and
// 100,000 mailboxes on 3 domains, 20 % of them inserted by two assistants.
// The database is built once per run (in the parent benchmark's temp dir)
// and shared by the sub-benchmarks:
//
//	CGO_ENABLED=0 go test -run '^$' -bench Scala -benchtime 1x ./core/registro/
const (
	scalaTitolari = 50_000
	scalaCaselle  = 100_000
	scalaPagina   = 200 // rows of the first page the GUI asks for
	scalaRipeti   = 10  // queries timed per op
)

var (
	scalaDomini = []string{"pec.studiorossi.it", "pec-aziende.it", "postacert.example.it"}
	scalaAnna   = operatori.Operatore{Username: "anna", Ruolo: operatori.RuoloOperatore}
	scalaBruno  = operatori.Operatore{Username: "bruno", Ruolo: operatori.RuoloOperatore}
	scalaInizio = time.Date(2023, 12, 1, 8, 0, 0, 0, time.UTC) // insertions spread over 3 years from here
)

type scalaDati struct {
	s         *Service
	cfRiv     string // a reseller's owner's fiscal code
	cfAnna    string // one of anna's
	annaID    int64
	costruito time.Duration
}

var scalaNomi = []struct {
	nome  string
	sesso byte
}{{"Mario", 'M'}, {"Giuseppe", 'M'}, {"Giovanni", 'M'}, {"Luca", 'M'}, {"Marco", 'M'}, {"Francesco", 'M'}, {"Andrea", 'M'},
	{"Alessandro", 'M'}, {"Paolo", 'M'}, {"Stefano", 'M'}, {"Roberto", 'M'}, {"Antonio", 'M'}, {"Davide", 'M'}, {"Matteo", 'M'},
	{"Lorenzo", 'M'}, {"Simone", 'M'}, {"Riccardo", 'M'}, {"Fabio", 'M'}, {"Claudio", 'M'}, {"Massimo", 'M'},
	{"Maria", 'F'}, {"Anna", 'F'}, {"Giulia", 'F'}, {"Francesca", 'F'}, {"Sara", 'F'}, {"Laura", 'F'}, {"Chiara", 'F'},
	{"Elena", 'F'}, {"Paola", 'F'}, {"Valentina", 'F'}, {"Silvia", 'F'}, {"Federica", 'F'}, {"Martina", 'F'}, {"Alessia", 'F'},
	{"Giorgia", 'F'}, {"Roberta", 'F'}, {"Cristina", 'F'}, {"Elisa", 'F'}, {"Monica", 'F'}, {"Barbara", 'F'}}

var scalaCognomi = []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
	"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana",
	"Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale",
	"Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri",
	"Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina",
	"Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani",
	"Benedetti", "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore", "De Rosa",
	"Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali", "Battaglia", "Sartori", "Neri", "Costantini", "Milani",
	"Pagano", "Ruggiero", "Sorrentino", "D'Amico", "Orlando", "Damico", "Negri", "Zanetti", "Zanella", "Zucca"}

// Comuni (Belfiore codes) of birth and of the addresses.
var scalaComuni = []struct{ belfiore, comune, prov, cap string }{{"F205", "Milano", "MI", "20121"}, {"H501", "Roma", "RM", "00184"},
	{"L219", "Torino", "TO", "10121"}, {"F839", "Napoli", "NA", "80133"}, {"A944", "Bologna", "BO", "40121"},
	{"D612", "Firenze", "FI", "50122"}, {"G702", "Pisa", "PI", "56125"}, {"L736", "Venezia", "VE", "30124"}}

func scalaAddress(s string) string {
	r := strings.NewReplacer(" ", "", "'", "")
	return strings.ToLower(r.Replace(s))
}

// costruisciScala builds the database with prepared statements in one
// transaction (the store has no batch insert; SaveTitolare/InsertCasella
// write audit and outbox rows per record, which a synced registro no longer
// has pending).
func costruisciScala(b *testing.B, dir string) scalaDati {
	b.Helper()
	ctx := context.Background()
	t0 := time.Now()
	db, err := store.Open(ctx, filepath.Join(dir, "scala.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s := New(db)
	for _, d := range scalaDomini {
		if _, err := s.RegistraDominio(ctx, postmaster, store.Dominio{Dominio: d, Certificato: true, Stato: "CERTIFICATO"}); err != nil {
			b.Fatal(err)
		}
	}
	var assistenti []int64
	for i, u := range []string{"anna", "bruno"} {
		if err := db.Write(ctx, "admin", func(tx *store.Tx) error {
			_, err := tx.InsertOperatore(ctx, store.Operatore{Username: u, Nome: u, Ruolo: "operatore", PasswordHash: "x", Attivo: true})
			return err
		}); err != nil {
			b.Fatal(err)
		}
		cf, _ := anagrafe.GeneraCodiceFiscale([]string{"Neri", "Blu"}[i], []string{"Anna", "Bruno"}[i],
			time.Date(1985, 12, 10, 0, 0, 0, 0, time.UTC), []byte{'F', 'M'}[i], "F205")
		id, err := s.InserisciAssistente(ctx, postmaster, NuovoAssistente{
			Assistente: store.Assistente{Username: u, Nome: u, Cognome: "Assistente", CodiceFiscale: cf, EmailPEC: u + "@" + scalaDomini[0]},
			Domini:     scalaDomini})
		if err != nil {
			b.Fatal(err)
		}
		assistenti = append(assistenti, id)
	}
	dati := scalaDati{s: s, annaID: assistenti[0]}
	rng := rand.New(rand.NewPCG(5, 2026))
	tre := 3 * 365 * 24 * time.Hour
	stati := []string{store.CasellaAttiva, store.CasellaAttiva, store.CasellaAttiva, store.CasellaAttiva, store.CasellaAttiva,
		store.CasellaAttiva, store.CasellaAttiva, store.CasellaInAttesa, store.CasellaSospesa, store.CasellaCessata}
	tipi := []string{TipoPrivato, TipoPrivato, TipoPrivato, TipoLiberoProfessionista, TipoDittaIndividuale, TipoAzienda}
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }
	err = db.Write(ctx, "bench", func(tx *store.Tx) error {
		insT, err := tx.PrepareContext(ctx, `INSERT INTO titolari (id, nome, cognome, codice_fiscale, tipo, email, telefono, cellulare,
			assistente_id, inserito_da, inserito_il, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		insI, err := tx.PrepareContext(ctx, `INSERT INTO indirizzi (id, titolare_id, via, civico, cap, comune, provincia, telefono,
			assistente_id, inserito_da, inserito_il, modificato_il, modificato_da) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		insC, err := tx.PrepareContext(ctx, `INSERT INTO caselle (id, indirizzo, dominio_id, titolare_id, indirizzo_id, stato,
			inserita_il, attivata_il, inserita_da, assistente_id, modificato_il, modificato_da)
			VALUES (?, ?, (SELECT id FROM domini WHERE dominio = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		visti := make(map[string]bool, scalaTitolari)
		cid := int64(0)
		for i := 1; i <= scalaTitolari; i++ {
			n := scalaNomi[rng.IntN(len(scalaNomi))]
			cognome := scalaCognomi[rng.IntN(len(scalaCognomi))]
			com := scalaComuni[rng.IntN(len(scalaComuni))]
			var cf string
			for {
				nascita := time.Date(1940+rng.IntN(65), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
				cf, err = anagrafe.GeneraCodiceFiscale(cognome, n.nome, nascita, n.sesso, com.belfiore)
				if err != nil {
					return err
				}
				if !visti[cf] {
					visti[cf] = true
					break
				}
			}
			// Assistants: anna inserts 10 %, bruno 10 %, the reseller the rest.
			var ass any
			da := "postmaster"
			switch i % 10 {
			case 3:
				ass, da = assistenti[0], "anna"
			case 7:
				ass, da = assistenti[1], "bruno"
			}
			if i == scalaTitolari/2 {
				dati.cfRiv = cf
			}
			if ass == assistenti[0] && dati.cfAnna == "" && i > scalaTitolari/3 {
				dati.cfAnna = cf
			}
			quando := scalaInizio.Add(time.Duration(float64(tre) * float64(i) / scalaTitolari))
			ins := stamp(quando)
			mail := scalaAddress(n.nome + "." + cognome)
			if _, err := insT.ExecContext(ctx, i, n.nome, cognome, cf, tipi[rng.IntN(len(tipi))], fmt.Sprintf("%s%d@example.it", mail, i),
				fmt.Sprintf("0%d %06d", 2+rng.IntN(8), rng.IntN(1_000_000)), fmt.Sprintf("3%02d %07d", rng.IntN(100), rng.IntN(10_000_000)),
				ass, da, ins, ins, da); err != nil {
				return err
			}
			if _, err := insI.ExecContext(ctx, i, i, fmt.Sprintf("Via %s", scalaCognomi[rng.IntN(len(scalaCognomi))]), fmt.Sprint(1+rng.IntN(200)),
				com.cap, com.comune, com.prov, fmt.Sprintf("0%d %06d", 2+rng.IntN(8), rng.IntN(1_000_000)), ass, da, ins, ins, da); err != nil {
				return err
			}
			// Two mailboxes per owner, inserted over the following weeks.
			for k := range 2 {
				cid++
				cq := quando.Add(time.Duration(k*rng.IntN(30*24)) * time.Hour)
				if cq.After(scalaInizio.Add(tre)) {
					cq = scalaInizio.Add(tre)
				}
				stato := stati[rng.IntN(len(stati))]
				att := ""
				if stato != store.CasellaInAttesa {
					att = stamp(cq.Add(time.Duration(1+rng.IntN(72)) * time.Hour))
				}
				locale := mail
				if k == 1 {
					locale = fmt.Sprintf("studio.%s", scalaAddress(cognome))
				}
				if _, err := insC.ExecContext(ctx, cid, fmt.Sprintf("%s.%d@%s", locale, cid, scalaDomini[rng.IntN(len(scalaDomini))]),
					scalaDomini[rng.IntN(len(scalaDomini))], i, i, stato, stamp(cq), att, da, ass, stamp(cq), da); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	dati.costruito = time.Since(t0)
	return dati
}

// misura runs q scalaRipeti times per op (after one warm-up) and reports the
// mean and the slowest in ms.
func misura(b *testing.B, q func() (int, int, error)) {
	b.Helper()
	n, righe, err := q()
	if err != nil {
		b.Fatal(err)
	}
	var durate []time.Duration
	b.ResetTimer()
	for range b.N {
		for range scalaRipeti {
			t0 := time.Now()
			if _, _, err := q(); err != nil {
				b.Fatal(err)
			}
			durate = append(durate, time.Since(t0))
		}
	}
	b.StopTimer()
	sort.Slice(durate, func(i, j int) bool { return durate[i] < durate[j] })
	var tot time.Duration
	for _, d := range durate {
		tot += d
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(tot)/float64(len(durate)), "ms/query")
	b.ReportMetric(ms(durate[len(durate)/2]), "ms-mediana")
	b.ReportMetric(ms(durate[len(durate)-1]), "ms-max")
	b.ReportMetric(float64(n), "trovati")
	b.ReportMetric(float64(righe), "righe")
}

// ingenuo is a naive baseline: a COUNT and a first page of the same shape
// (ORDER BY, LIMIT 200) written without regard for the indexes.
func ingenuo(db *store.DB, count, page string, args ...any) func() (int, int, error) {
	return func() (int, int, error) {
		ctx := context.Background()
		var n int
		if err := db.Reader().QueryRowContext(ctx, count, args...).Scan(&n); err != nil {
			return 0, 0, err
		}
		rows, err := db.Reader().QueryContext(ctx, page, append(args, scalaPagina)...)
		if err != nil {
			return 0, 0, err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		righe := 0
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				return 0, 0, err
			}
			righe++
		}
		return n, righe, rows.Err()
	}
}

func BenchmarkScala(b *testing.B) {
	dir := b.TempDir()
	if d := os.Getenv("SCALA_DB_DIR"); d != "" { // keep the database (EXPLAIN QUERY PLAN with sqlite3)
		dir = d
	}
	dati := costruisciScala(b, dir)
	b.Logf("database of %d titolari, %d caselle built in %v", scalaTitolari, scalaCaselle, dati.costruito.Round(time.Millisecond))
	ctx := context.Background()
	s, db := dati.s, dati.s.DB
	titolari := func(op operatori.Operatore, fl store.FiltroTitolari) func() (int, int, error) {
		return func() (int, int, error) {
			n, p, err := s.CercaTitolari(ctx, op, fl, 0, scalaPagina)
			return n, len(p), err
		}
	}
	caselle := func(op operatori.Operatore, fl store.FiltroCaselle) func() (int, int, error) {
		return func() (int, int, error) {
			n, p, err := s.CercaCaselle(ctx, op, fl, 0, scalaPagina)
			return n, len(p), err
		}
	}
	const tCols = `SELECT t.id, t.nome, t.cognome, t.codice_fiscale, t.tipo, t.email FROM titolari t`
	const tOrd = ` ORDER BY t.cognome COLLATE NOCASE, t.nome COLLATE NOCASE, t.id LIMIT ?`
	const cCols = `SELECT c.id, c.indirizzo, d.dominio, t.cognome || ' ' || t.nome, t.codice_fiscale, c.stato, c.inserita_il
		FROM caselle c JOIN domini d ON d.id = c.dominio_id JOIN titolari t ON t.id = c.titolare_id`
	dal, al := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	casi := []struct {
		nome string
		q    func() (int, int, error)
	}{
		{"titolari/cf", titolari(postmaster, store.FiltroTitolari{CodiceFiscale: dati.cfRiv})},
		{"titolari/cf/assistente", titolari(scalaAnna, store.FiltroTitolari{CodiceFiscale: dati.cfAnna})},
		{"titolari/cf/ingenuo", ingenuo(db, `SELECT COUNT(*) FROM titolari t WHERE UPPER(t.codice_fiscale) LIKE ?`,
			tCols+` WHERE UPPER(t.codice_fiscale) LIKE ?`+tOrd, dati.cfRiv)},
		{"titolari/cognome", titolari(postmaster, store.FiltroTitolari{Cognome: "ross"})},
		{"titolari/cognome/assistente", titolari(scalaAnna, store.FiltroTitolari{Cognome: "ross"})},
		{"titolari/cognome-raro", titolari(postmaster, store.FiltroTitolari{Cognome: "zuc"})},
		{"titolari/cognome-raro/assistente", titolari(scalaAnna, store.FiltroTitolari{Cognome: "zuc"})},
		{"titolari/cognome/ingenuo", ingenuo(db, `SELECT COUNT(*) FROM titolari t WHERE LOWER(t.cognome) LIKE ?`,
			tCols+` WHERE LOWER(t.cognome) LIKE ?`+tOrd, "%ross%")},
		{"titolari/nome", titolari(postmaster, store.FiltroTitolari{Nome: "giu"})},
		{"titolari/nome/assistente", titolari(scalaAnna, store.FiltroTitolari{Nome: "giu"})},
		{"titolari/nome/ingenuo", ingenuo(db, `SELECT COUNT(*) FROM titolari t WHERE LOWER(t.nome) LIKE ?`,
			tCols+` WHERE LOWER(t.nome) LIKE ?`+tOrd, "%giu%")},
		{"caselle/dominio", caselle(postmaster, store.FiltroCaselle{Dominio: scalaDomini[1]})},
		{"caselle/dominio/assistente", caselle(scalaAnna, store.FiltroCaselle{Dominio: scalaDomini[1]})},
		{"caselle/dominio/ingenuo", ingenuo(db, `SELECT COUNT(*) FROM caselle c WHERE c.indirizzo LIKE ?`,
			cCols+` WHERE c.indirizzo LIKE ? ORDER BY c.id DESC LIMIT ?`, "%@"+scalaDomini[1])},
		{"caselle/casella", caselle(postmaster, store.FiltroCaselle{Casella: "giulia.ross"})},
		{"caselle/casella/assistente", caselle(scalaAnna, store.FiltroCaselle{Casella: "giulia.ross"})},
		{"caselle/data", caselle(postmaster, store.FiltroCaselle{Dal: dal, Al: al})},
		{"caselle/data/assistente", caselle(scalaAnna, store.FiltroCaselle{Dal: dal, Al: al})},
		{"caselle/data/ingenuo", ingenuo(db, `SELECT COUNT(*) FROM caselle c WHERE substr(c.inserita_il, 1, 10) >= ? AND substr(c.inserita_il, 1, 10) < ?`,
			cCols+` WHERE substr(c.inserita_il, 1, 10) >= ? AND substr(c.inserita_il, 1, 10) < ? ORDER BY c.id DESC LIMIT ?`,
			dal.Format(time.DateOnly), al.Format(time.DateOnly))},
	}
	for _, c := range casi {
		b.Run(c.nome, func(b *testing.B) { misura(b, c.q) })
	}
	for _, c := range []struct {
		nome string
		op   operatori.Operatore
		min  int
	}{{"esporta", postmaster, scalaCaselle}, {"esporta/assistente", scalaAnna, scalaCaselle / 10}} {
		b.Run(c.nome, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				var picco atomic.Uint64
				stop, done := make(chan struct{}), make(chan struct{})
				go func() {
					defer close(done)
					var ms runtime.MemStats
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > picco.Load() {
							picco.Store(ms.HeapInuse)
						}
						select {
						case <-stop:
							return
						case <-time.After(5 * time.Millisecond):
						}
					}
				}()
				cw := &contaRighe{}
				b.StartTimer()
				t0 := time.Now()
				err := s.EsportaCaselle(ctx, c.op, store.FiltroCaselle{}, cw)
				dur := time.Since(t0)
				b.StopTimer()
				close(stop)
				<-done
				if err != nil || cw.righe < c.min {
					b.Fatalf("%d righe, %v", cw.righe, err)
				}
				b.ReportMetric(float64(dur)/float64(time.Millisecond), "ms")
				b.ReportMetric(float64(cw.righe-1), "caselle")
				b.ReportMetric(float64(cw.n)/(1<<20), "MiB-csv")
				b.ReportMetric(float64(picco.Load()-min(picco.Load(), base.HeapInuse))/(1<<20), "MiB-heap-picco")
				b.ReportMetric(float64(base.HeapInuse)/(1<<20), "MiB-heap-base")
			}
		})
	}
}

// contaRighe is io.Discard that counts bytes and lines.
type contaRighe struct{ n, righe int }

func (c *contaRighe) Write(p []byte) (int, error) {
	c.n += len(p)
	c.righe += bytes.Count(p, []byte{'\n'})
	return io.Discard.Write(p)
}
