package demo

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/tabelle"
)

var (
	cognomiLista = []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
		"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri",
		"Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile",
		"Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa",
		"Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis",
		"Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri",
		"Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani", "Benedetti", "Barone", "Rossetti", "Caputo",
		"Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore", "De Rosa", "Ferretti", "Bellini", "Basile",
		"Riva", "Donati", "Piras", "Vitali", "Battaglia", "Sartori", "Neri", "Costantini", "Milani", "Pagano", "Ruggiero",
		"Sorrentino", "D'Amico", "Orlando", "Damico", "Negri", "Brambilla", "Fumagalli", "Crippa", "Sironi", "Pirovano"}
	nomiListaM = []string{"Giuseppe", "Luigi", "Alessandro", "Stefano", "Roberto", "Davide", "Matteo", "Simone", "Paolo",
		"Fabio", "Marco", "Andrea", "Francesco", "Lorenzo", "Luca", "Giovanni", "Riccardo", "Tommaso", "Federico", "Antonio",
		"Emanuele", "Pietro", "Nicola", "Gabriele", "Daniele", "Claudio", "Massimo", "Alberto", "Enrico", "Giorgio"}
	nomiListaF = []string{"Maria", "Anna", "Francesca", "Elena", "Chiara", "Sara", "Laura", "Valentina", "Silvia", "Giovanna",
		"Giulia", "Martina", "Alessia", "Federica", "Paola", "Roberta", "Cristina", "Monica", "Barbara", "Alessandra",
		"Elisa", "Giorgia", "Marta", "Ilaria", "Beatrice", "Camilla", "Serena", "Simona", "Daniela", "Claudia"}
	vieLista = []string{"Via Vittorio Emanuele", "Via Cavour", "Via Milano", "Via Garibaldi", "Via Mazzini", "Via Trieste",
		"Via Dante Alighieri", "Via Manin", "Via XXV Aprile", "Via Diaz", "Via Trento", "Via Roma", "Via Rota", "Via Bergamo",
		"Piazza Marconi", "Via Lecco", "Via Cremagnani", "Via Ponti", "Via Terraggio Pace", "Via Velasca"}
	ragioniSociali = []string{"Autotrasporti %s S.r.l.", "Impresa edile %s S.n.c.", "Bar Centrale di %s", "Studio tecnico %s",
		"Ferramenta %s S.a.s.", "Panificio %s", "%s Costruzioni S.p.A.", "Officina meccanica %s"}
)

// ListaAvvisi writes a realistic mass-payment list of n rows (the
// tracciato's columns, as an .xlsx): families of Vimercate with valid
// fiscal codes, a few companies with their partita IVA, amounts of a school
// or municipal service. Most debtors have a PEC address, about one in
// eight an ordinary e-mail (acceptance only); one in a hundred PEC
// addresses is mistyped, so that the sandbox answers "mancata consegna".
// The same seed gives the same list.
func ListaAvvisi(w io.Writer, n int, seed int64) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xa771))
	luoghi := []string{"M052", "F704", "F205", "A794", "E507", "B729"}
	domini := []string{"pec.it", "legalmail.it", "pec.libero.it", "pec.it"}
	righe := make([][]string, 0, n)
	visti := map[string]bool{}
	for len(righe) < n {
		i := len(righe)
		cognome := cognomiLista[rng.IntN(len(cognomiLista))]
		if i%37 == 36 { // a company
			piva := anagrafe.GeneraPartitaIVA(1_000_000+rng.IntN(8_000_000), 1+rng.IntN(100))
			if visti[piva] {
				continue
			}
			visti[piva] = true
			nome := fmt.Sprintf(ragioniSociali[rng.IntN(len(ragioniSociali))], cognome)
			utente := "amministrazione." + strings.ToLower(strings.NewReplacer(" ", "", "'", "").Replace(cognome)) + fmt.Sprint(i)
			righe = append(righe, []string{nome, "", piva, importo(rng, 4), utente + "@" + domini[rng.IntN(len(domini))],
				fmt.Sprintf("%s %d", vieLista[rng.IntN(len(vieLista))], 1+rng.IntN(120)), "20871", "Vimercate", "MB"})
			continue
		}
		sesso, nomi := byte('M'), nomiListaM
		if rng.IntN(2) == 0 {
			sesso, nomi = 'F', nomiListaF
		}
		nome := nomi[rng.IntN(len(nomi))]
		nascita := time.Date(1950+rng.IntN(55), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		cf, err := anagrafe.GeneraCodiceFiscale(cognome, nome, nascita, sesso, luoghi[rng.IntN(len(luoghi))])
		if err != nil || visti[cf] {
			continue
		}
		visti[cf] = true
		utente := strings.ToLower(strings.NewReplacer(" ", "", "'", "").Replace(nome + "." + cognome))
		utente += fmt.Sprint(nascita.Year() % 100)
		indirizzo := utente + "@" + domini[rng.IntN(len(domini))]
		switch r := rng.IntN(100); {
		case r < 12:
			indirizzo = utente + "@" + []string{"gmail.com", "libero.it", "alice.it", "hotmail.it"}[rng.IntN(4)]
		case r == 12:
			indirizzo = "inesistente." + indirizzo
		}
		righe = append(righe, []string{nome + " " + cognome, cf, "", importo(rng, 1), indirizzo,
			fmt.Sprintf("%s %d", vieLista[rng.IntN(len(vieLista))], 1+rng.IntN(120)), "20871", "Vimercate", "MB"})
	}
	cols := tabelle.Titles(avvisi.ColIntestazione, avvisi.ColCodiceFiscale, avvisi.ColPartitaIva, avvisi.ColImporto,
		avvisi.ColIndirizzoPec, avvisi.ColIndirizzo, avvisi.ColCAP, avvisi.ColComune, avvisi.ColProvincia)
	return tabelle.WriteXLSX(w, "Avvisi", cols, tabelle.SliceRows(righe))
}

// importo is a plausible fee in euro, Italian notation: a school fee band,
// times scale for a company's.
func importo(rng *rand.Rand, scala int) string {
	fasce := []int{9000, 12000, 18000, 22000, 26000, 32000}
	c := fasce[rng.IntN(len(fasce))] * scala
	if rng.IntN(4) == 0 {
		c += 50 * (1 + rng.IntN(9))
	}
	return fmt.Sprintf("%d,%02d", c/100, c%100)
}
