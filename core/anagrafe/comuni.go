package anagrafe

import (
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Comune is an Italian comune of the bundled data (assets/comuni).
type Comune struct {
	Nome            string   // official Italian name; for a soppresso, upper case as published by ANPR
	NomeAltraLingua string   // name in the second official language ("Bozen"), "" if none
	Provincia       string   // province sigla ("RM"); for a soppresso, the sigla of its last period ("PL", "FU", "ZA" for former Italian territories)
	Regione         string   // region name; "" when unknown (soppressi of regions that no longer exist)
	CodiceBelfiore  string   // codice catastale, e.g. "H501"
	CodiceISTAT     string   // 6 digits, e.g. "058091"
	CAP             []string // postal codes recorded in Wikidata, sorted; may be empty or incomplete
	Soppresso       bool     // no longer an existing comune (from comuni_soppressi.csv)
}

// StatoEstero is a foreign state or territory with its birthplace code.
type StatoEstero struct {
	CodiceBelfiore string // "Z" + 3 digits ("codice AT"), e.g. "Z404"
	Nome           string // Italian name
	NomeInglese    string
	ISO2, ISO3     string // ISO 3166-1 codes, "" when not defined
	Territorio     bool   // a territory rather than a sovereign state
}

func (c Comune) clone() Comune {
	c.CAP = slices.Clone(c.CAP)
	return c
}

// ComuneByBelfiore finds a comune, current or soppresso, by its Belfiore
// code (case and surrounding blanks ignored). For a code used in several
// periods by a suppressed comune it returns the most recent one. Foreign
// Z codes are not comuni: see StatoEsteroByBelfiore.
func ComuneByBelfiore(code string) (Comune, bool) {
	ix := dati()
	code = upperASCII(strings.TrimSpace(code))
	if c, ok := ix.byBelfiore[code]; ok {
		return c.clone(), true
	}
	if p := ix.soppressi[code]; len(p) > 0 {
		return p[len(p)-1].Comune.clone(), true
	}
	return Comune{}, false
}

// comuneAllaData is ComuneByBelfiore choosing, for a suppressed comune,
// the period whose validity includes the date (yyyy-mm-dd), so a birthplace
// gets the name and province it had on the day of birth.
func comuneAllaData(code, date string) (Comune, bool) {
	ix := dati()
	if c, ok := ix.byBelfiore[code]; ok {
		return c.clone(), true
	}
	p := ix.soppressi[code]
	if len(p) == 0 {
		return Comune{}, false
	}
	for _, r := range p {
		if r.dal <= date && date <= r.al {
			return r.Comune.clone(), true
		}
	}
	return p[len(p)-1].Comune.clone(), true
}

// StatoEsteroByBelfiore finds a foreign state or territory by its Z code.
// States that no longer exist (USSR, Yugoslavia, ...) are not in the data.
func StatoEsteroByBelfiore(code string) (StatoEstero, bool) {
	s, ok := dati().stati[upperASCII(strings.TrimSpace(code))]
	return s, ok
}

// CercaComuni returns the current comuni whose name, in Italian or in the
// second official language, starts with prefix, ignoring case, accents,
// blanks and punctuation ("forli" finds Forlì, "santa g" Santa Giuletta,
// "bozen" Bolzano). Results are in alphabetical order of the matched name,
// at most limit of them (limit <= 0: all). An empty prefix finds nothing.
func CercaComuni(prefix string, limit int) []Comune {
	key := searchKey(prefix)
	if key == "" {
		return nil
	}
	names := dati().names
	i := sort.Search(len(names), func(i int) bool { return names[i].key >= key })
	var out []Comune
	seen := map[*Comune]bool{}
	for ; i < len(names) && strings.HasPrefix(names[i].key, key); i++ {
		c := names[i].comune
		if seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c.clone())
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

var siglaSuffix = regexp.MustCompile(`^(.*\S)\s*\(\s*([A-Za-z]{2})\s*\)\s*$`)

// ComuneByNome finds a current comune by its full name (Italian or second
// language), ignoring case, accents and punctuation. A few names belong to
// two comuni (Samone, Livo, Peglio, Castro, San Teodoro): write them with
// the province sigla, "Castro (LE)"; without it such a name is not found.
func ComuneByNome(nome string) (Comune, bool) {
	found := ComuniByNome(nome)
	if len(found) != 1 {
		return Comune{}, false
	}
	return found[0], true
}

// ComuniByNome returns every current comune with that full name (see
// ComuneByNome for the matching rules and the "(XX)" province suffix).
func ComuniByNome(nome string) []Comune {
	sigla := ""
	if m := siglaSuffix.FindStringSubmatch(nome); m != nil {
		nome, sigla = m[1], upperASCII(m[2])
	}
	key := searchKey(nome)
	if key == "" {
		return nil
	}
	names := dati().names
	i := sort.Search(len(names), func(i int) bool { return names[i].key >= key })
	var out []Comune
	seen := map[*Comune]bool{}
	for ; i < len(names) && names[i].key == key; i++ {
		c := names[i].comune
		if seen[c] || (sigla != "" && c.Provincia != sigla) {
			continue
		}
		seen[c] = true
		out = append(out, c.clone())
	}
	return out
}
