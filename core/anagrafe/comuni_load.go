package anagrafe

import (
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"sync"

	"github.com/sportello/sportello/assets"
)

// comuniIndex is the in-memory form of assets/comuni, built once.
type comuniIndex struct {
	comuni     []Comune // current comuni, in file order
	byBelfiore map[string]*Comune
	soppressi  map[string][]periodo // by Belfiore code, oldest first
	stati      map[string]StatoEstero
	names      []nameEntry // sorted by key

	// rows read per file, for tests
	righeComuni, righeSoppressi, righeStati, righeCAP int
}

// periodo is one period of validity of a suppressed comune's record.
type periodo struct {
	Comune
	dal, al string // yyyy-mm-dd, both inclusive ("9999-12-31": open)
}

type nameEntry struct {
	key    string
	comune *Comune
}

var (
	indexOnce sync.Once
	index     *comuniIndex
	indexErr  error
)

// dati returns the index, building it on first use. Should the bundled
// data be unreadable (a build defect, caught by the tests) the index is
// empty and VerificaDatiComuni reports why.
func dati() *comuniIndex {
	indexOnce.Do(func() {
		index, indexErr = loadComuni(assets.Comuni)
		if indexErr != nil {
			index = &comuniIndex{}
		}
	})
	return index
}

// VerificaDatiComuni loads the bundled comuni data if not done yet and
// returns the error that made it unusable, nil when it loaded.
func VerificaDatiComuni() error {
	dati()
	return indexErr
}

var (
	belfioreRe = regexp.MustCompile(`^[A-Z][0-9]{3}$`)
	statoRe    = regexp.MustCompile(`^Z[0-9]{3}$`)
	istatRe    = regexp.MustCompile(`^[0-9]{6}$`)
	siglaRe    = regexp.MustCompile(`^[A-Z]{2}$`)
	dataRe     = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

func loadComuni(fsys fs.FS) (*comuniIndex, error) {
	ix := &comuniIndex{
		byBelfiore: map[string]*Comune{},
		soppressi:  map[string][]periodo{},
		stati:      map[string]StatoEstero{},
	}
	regioni := map[string]string{}
	if err := ix.loadCorrenti(fsys, regioni); err != nil {
		return nil, err
	}
	if err := ix.loadSoppressi(fsys, regioni); err != nil {
		return nil, err
	}
	if err := ix.loadStati(fsys); err != nil {
		return nil, err
	}
	if err := ix.loadCAP(fsys); err != nil {
		return nil, err
	}
	for i := range ix.comuni {
		c := &ix.comuni[i]
		ix.byBelfiore[c.CodiceBelfiore] = c
		ix.names = append(ix.names, nameEntry{searchKey(c.Nome), c})
		if k := searchKey(c.NomeAltraLingua); k != "" && k != searchKey(c.Nome) {
			ix.names = append(ix.names, nameEntry{k, c})
		}
	}
	sort.SliceStable(ix.names, func(i, j int) bool {
		a, b := ix.names[i], ix.names[j]
		if a.key != b.key {
			return a.key < b.key
		}
		return a.comune.Provincia < b.comune.Provincia
	})
	return ix, nil
}

func (ix *comuniIndex) loadCorrenti(fsys fs.FS, regioni map[string]string) error {
	seenISTAT := map[string]bool{}
	seenBelfiore := map[string]bool{}
	return readCSV(fsys, "comuni/comuni.csv", func(r row) error {
		c := Comune{
			Nome:            r.get("denominazione"),
			NomeAltraLingua: r.get("denominazione_altra_lingua"),
			Provincia:       r.get("sigla_provincia"),
			Regione:         r.get("regione"),
			CodiceBelfiore:  r.get("codice_catastale"),
			CodiceISTAT:     r.get("codice_istat"),
		}
		switch {
		case c.Nome == "":
			return fmt.Errorf("denominazione vuota")
		case !belfioreRe.MatchString(c.CodiceBelfiore) || statoRe.MatchString(c.CodiceBelfiore):
			return fmt.Errorf("codice catastale %q non valido", c.CodiceBelfiore)
		case !istatRe.MatchString(c.CodiceISTAT):
			return fmt.Errorf("codice ISTAT %q non valido", c.CodiceISTAT)
		case !siglaRe.MatchString(c.Provincia):
			return fmt.Errorf("sigla provincia %q non valida", c.Provincia)
		case seenISTAT[c.CodiceISTAT] || seenBelfiore[c.CodiceBelfiore]:
			return fmt.Errorf("comune %s/%s ripetuto", c.CodiceISTAT, c.CodiceBelfiore)
		}
		seenISTAT[c.CodiceISTAT], seenBelfiore[c.CodiceBelfiore] = true, true
		regioni[r.get("codice_regione")] = c.Regione
		ix.comuni = append(ix.comuni, c)
		ix.righeComuni++
		return nil
	}, "codice_istat", "denominazione", "denominazione_altra_lingua", "sigla_provincia",
		"codice_regione", "regione", "codice_catastale")
}

func (ix *comuniIndex) loadSoppressi(fsys fs.FS, regioni map[string]string) error {
	correnti := map[string]bool{}
	for _, c := range ix.comuni {
		correnti[c.CodiceBelfiore] = true
	}
	return readCSV(fsys, "comuni/comuni_soppressi.csv", func(r row) error {
		p := periodo{
			Comune: Comune{
				Nome:            r.get("denominazione"),
				NomeAltraLingua: r.get("denominazione_altra_lingua"),
				Provincia:       r.get("sigla_provincia"),
				Regione:         regioni[r.get("codice_regione")], // "EX", "00": none
				CodiceBelfiore:  r.get("codice_catastale"),
				CodiceISTAT:     r.get("codice_istat"),
				Soppresso:       true,
			},
			dal: r.get("data_istituzione"),
			al:  r.get("data_cessazione"),
		}
		switch {
		case p.Nome == "":
			return fmt.Errorf("denominazione vuota")
		case !belfioreRe.MatchString(p.CodiceBelfiore) || statoRe.MatchString(p.CodiceBelfiore):
			return fmt.Errorf("codice catastale %q non valido", p.CodiceBelfiore)
		case correnti[p.CodiceBelfiore]:
			return fmt.Errorf("codice catastale %s anche tra i comuni correnti", p.CodiceBelfiore)
		case !dataRe.MatchString(p.dal) || !dataRe.MatchString(p.al) || p.al < p.dal:
			return fmt.Errorf("periodo %q-%q non valido", p.dal, p.al)
		}
		// An ISTAT-annotated suppression ends the record on that date.
		if d := r.get("istat_data_soppressione"); d != "" {
			if !dataRe.MatchString(d) {
				return fmt.Errorf("data di soppressione %q non valida", d)
			}
			if d < p.al {
				p.al = d
			}
		}
		list := append(ix.soppressi[p.CodiceBelfiore], p)
		sort.SliceStable(list, func(i, j int) bool { return list[i].dal < list[j].dal })
		ix.soppressi[p.CodiceBelfiore] = list
		ix.righeSoppressi++
		return nil
	}, "codice_catastale", "denominazione", "denominazione_altra_lingua", "codice_istat",
		"sigla_provincia", "codice_regione", "data_istituzione", "data_cessazione",
		"istat_data_soppressione")
}

func (ix *comuniIndex) loadStati(fsys fs.FS) error {
	nd := func(s string) string {
		if s == "n.d." {
			return ""
		}
		return s
	}
	return readCSV(fsys, "comuni/stati_esteri.csv", func(r row) error {
		ix.righeStati++
		code := r.get("codice_at")
		if code == "n.d." { // Italia and a few territories have no code
			return nil
		}
		s := StatoEstero{
			CodiceBelfiore: code,
			Nome:           r.get("denominazione"),
			NomeInglese:    r.get("denominazione_en"),
			ISO2:           nd(r.get("codice_iso3166_alpha2")),
			ISO3:           nd(r.get("codice_iso3166_alpha3")),
			Territorio:     r.get("stato_territorio") == "T",
		}
		switch {
		case !statoRe.MatchString(code):
			return fmt.Errorf("codice %q non valido", code)
		case s.Nome == "":
			return fmt.Errorf("denominazione vuota")
		case ix.stati[code].Nome != "":
			return fmt.Errorf("codice %s ripetuto", code)
		}
		ix.stati[code] = s
		return nil
	}, "codice_at", "denominazione", "denominazione_en", "stato_territorio",
		"codice_iso3166_alpha2", "codice_iso3166_alpha3")
}

func (ix *comuniIndex) loadCAP(fsys fs.FS) error {
	byISTAT := map[string]*Comune{}
	for i := range ix.comuni {
		byISTAT[ix.comuni[i].CodiceISTAT] = &ix.comuni[i]
	}
	err := readCSV(fsys, "comuni/cap_wikidata.csv", func(r row) error {
		c := byISTAT[r.get("codice_istat")]
		if c == nil {
			return fmt.Errorf("codice ISTAT %q non tra i comuni", r.get("codice_istat"))
		}
		c.CAP = append(c.CAP, parseCAP(r.get("cap"))...)
		ix.righeCAP++
		return nil
	}, "codice_istat", "cap")
	for i := range ix.comuni {
		ix.comuni[i].CAP = uniqueSorted(ix.comuni[i].CAP)
	}
	return err
}

// row is one CSV record with access by column name.
type row struct {
	cols   map[string]int
	fields []string
}

func (r row) get(col string) string { return r.fields[r.cols[col]] }

// readCSV calls fn for each record of a CSV file after the header, which
// must contain the required columns. Errors name the file and the line.
func readCSV(fsys fs.FS, name string, fn func(row) error, required ...string) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: intestazione: %w", name, err)
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		cols[h] = i
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return fmt.Errorf("%s: manca la colonna %q", name, c)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := fn(row{cols, rec}); err != nil {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("%s, riga %d: %w", name, line, err)
		}
	}
}
