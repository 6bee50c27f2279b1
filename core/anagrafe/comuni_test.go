package anagrafe

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sportello/sportello/assets"
)

// rawRecords reads a bundled CSV file without the package's loader.
func rawRecords(t *testing.T, name string) (header []string, rows [][]string) {
	t.Helper()
	f, err := assets.Comuni.Open("comuni/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return all[0], all[1:]
}

func column(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, header)
	}
	return i
}

func TestComuniLoadEveryRow(t *testing.T) {
	if err := VerificaDatiComuni(); err != nil {
		t.Fatal(err)
	}
	ix := dati()

	h, rows := rawRecords(t, "comuni.csv")
	if len(rows) < 7800 || ix.righeComuni != len(rows) || len(ix.comuni) != len(rows) {
		t.Fatalf("comuni.csv: %d rows, loaded %d", len(rows), len(ix.comuni))
	}
	bel, ist, nome := column(t, h, "codice_catastale"), column(t, h, "codice_istat"), column(t, h, "denominazione")
	for _, r := range rows {
		c, ok := ComuneByBelfiore(r[bel])
		if !ok || c.CodiceISTAT != r[ist] || c.Nome != r[nome] || c.Soppresso || len(c.Provincia) != 2 || c.Regione == "" {
			t.Errorf("ComuneByBelfiore(%s) = %+v, %v; row %v", r[bel], c, ok, r)
		}
	}

	h, rows = rawRecords(t, "comuni_soppressi.csv")
	if ix.righeSoppressi != len(rows) {
		t.Fatalf("comuni_soppressi.csv: %d rows, loaded %d", len(rows), ix.righeSoppressi)
	}
	bel = column(t, h, "codice_catastale")
	codes := map[string]bool{}
	for _, r := range rows {
		codes[r[bel]] = true
		c, ok := ComuneByBelfiore(r[bel])
		if !ok || !c.Soppresso || c.Nome == "" {
			t.Errorf("soppresso %s: %+v, %v", r[bel], c, ok)
		}
	}
	if len(ix.soppressi) != len(codes) || len(codes) < 1900 {
		t.Errorf("%d distinct suppressed codes, index has %d", len(codes), len(ix.soppressi))
	}

	h, rows = rawRecords(t, "stati_esteri.csv")
	if ix.righeStati != len(rows) {
		t.Fatalf("stati_esteri.csv: %d rows, loaded %d", len(rows), ix.righeStati)
	}
	at, den := column(t, h, "codice_at"), column(t, h, "denominazione")
	withCode := 0
	for _, r := range rows {
		if r[at] == "n.d." {
			continue
		}
		withCode++
		s, ok := StatoEsteroByBelfiore(r[at])
		if !ok || s.Nome != r[den] {
			t.Errorf("StatoEsteroByBelfiore(%s) = %+v, %v", r[at], s, ok)
		}
	}
	if len(ix.stati) != withCode || withCode < 200 {
		t.Errorf("%d states with a code, index has %d", withCode, len(ix.stati))
	}

	_, rows = rawRecords(t, "cap_wikidata.csv")
	if ix.righeCAP != len(rows) {
		t.Errorf("cap_wikidata.csv: %d rows, loaded %d", len(rows), ix.righeCAP)
	}
}

func TestComuneByBelfiore(t *testing.T) {
	tests := []struct {
		code                       string
		nome, prov, regione, istat string
		soppresso                  bool
	}{
		{"H501", "Roma", "RM", "Lazio", "058091", false},
		{" f205 ", "Milano", "MI", "Lombardia", "015146", false},
		{"A952", "Bolzano", "BZ", "Trentino-Alto Adige/Südtirol", "021008", false},
		{"I879", "SOVIZZO", "VI", "Veneto", "024103", true}, // suppressed 2024, code replaced
		{"A170", "ALBONA", "PL", "", "", true},              // Istria: region code EX
	}
	for _, tt := range tests {
		c, ok := ComuneByBelfiore(tt.code)
		if !ok || c.Nome != tt.nome || c.Provincia != tt.prov || c.Regione != tt.regione ||
			c.Soppresso != tt.soppresso || (tt.istat != "" && c.CodiceISTAT != tt.istat) {
			t.Errorf("ComuneByBelfiore(%q) = %+v, %v", tt.code, c, ok)
		}
		if want := strings.ToUpper(strings.TrimSpace(tt.code)); c.CodiceBelfiore != want {
			t.Errorf("CodiceBelfiore %q, want %q", c.CodiceBelfiore, want)
		}
	}
	if c, ok := ComuneByBelfiore("A952"); c.NomeAltraLingua != "Bozen" || !ok {
		t.Errorf("Bolzano's German name: %q", c.NomeAltraLingua)
	}
	for _, code := range []string{"", "A000", "Z404", "H5011", "h50"} {
		if c, ok := ComuneByBelfiore(code); ok {
			t.Errorf("ComuneByBelfiore(%q) = %+v, want not found", code, c)
		}
	}
}

func TestStatoEsteroByBelfiore(t *testing.T) {
	s, ok := StatoEsteroByBelfiore(" z404")
	if !ok || s.Nome != "Stati Uniti d'America" || s.ISO2 != "US" || s.ISO3 != "USA" || s.Territorio {
		t.Errorf("Z404 = %+v, %v", s, ok)
	}
	if s, ok := StatoEsteroByBelfiore("Z112"); !ok || s.Nome != "Germania" {
		t.Errorf("Z112 = %+v, %v", s, ok)
	}
	for _, code := range []string{"Z999", "Z135", "H501", "n.d.", ""} {
		if s, ok := StatoEsteroByBelfiore(code); ok {
			t.Errorf("StatoEsteroByBelfiore(%q) = %+v, want not found", code, s)
		}
	}
}

func TestCAP(t *testing.T) {
	roma, _ := ComuneByBelfiore("H501")
	if !slices.Equal(roma.CAP, []string{"00186"}) {
		t.Errorf("Roma CAP %v", roma.CAP)
	}
	torino, _ := ComuneByBelfiore("L219")
	if len(torino.CAP) != 36 || torino.CAP[0] != "10121" || torino.CAP[35] != "10156" {
		t.Errorf("Torino CAP %v, want 10121..10156", torino.CAP)
	}
	firenze, _ := ComuneByBelfiore("D612")
	if len(firenze.CAP) != 26 || firenze.CAP[0] != "50100" || firenze.CAP[25] != "50145" {
		t.Errorf("Firenze CAP %v, want 50100 and 50121..50145", firenze.CAP)
	}
	milano, _ := ComuneByBelfiore("F205")
	ozzano, _ := ComuneByBelfiore("G205") // its only value, "8604", is malformed
	if len(milano.CAP) != 0 || len(ozzano.CAP) != 0 {
		t.Errorf("Milano %v, Ozzano dell'Emilia %v: want none", milano.CAP, ozzano.CAP)
	}
	// The returned slice is a copy.
	roma.CAP[0] = "99999"
	if again, _ := ComuneByBelfiore("H501"); again.CAP[0] != "00186" {
		t.Error("modifying a returned Comune changed the index")
	}
	for _, c := range dati().comuni {
		for _, cap := range c.CAP {
			if len(cap) != 5 || !allDigits(cap) {
				t.Errorf("%s: CAP %q", c.Nome, cap)
			}
		}
	}
}

func TestParseCAP(t *testing.T) {
	tests := map[string][]string{
		"00186":                                   {"00186"},
		"15121–15122":                             {"15121", "15122"},
		"05035–05036":                             {"05035", "05036"},
		"47921–47924":                             {"47921", "47922", "47923", "47924"},
		"74121-74122-74123":                       {"74121", "74122", "74123"},
		"04026 - 04028 (Scauri e Marina)":         {"04026", "04028"},
		"00015, 00016 (Scalo)":                    {"00015", "00016"},
		"80069, 80060, 80066":                     {"80060", "80066", "80069"},
		"18025 (Piaggia); 12078 (Carnino, Upega)": {"12078", "18025"},
		"89819  (precedentemente 88020)":          {"89819"},
		"53037, 53030 ([[Castel San Gimignano]])": {"53030", "53037"},
		"84022–84020":                             {"84020", "84022"},
		"10000–19999":                             {"10000", "19999"}, // too wide to expand
		"8604":                                    nil,
		"":                                        nil,
	}
	for in, want := range tests {
		if got := parseCAP(in); !slices.Equal(got, want) {
			t.Errorf("parseCAP(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCercaComuni(t *testing.T) {
	names := func(cs []Comune) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Nome+" ("+c.Provincia+")")
		}
		return out
	}
	tests := []struct {
		prefix string
		limit  int
		want   []string
	}{
		{"roma", 3, []string{"Roma (RM)", "Romagnano al Monte (SA)", "Romagnano Sesia (NO)"}},
		{"  FORLI", 0, []string{"Forlì (FC)", "Forlì del Sannio (IS)", "Forlimpopoli (FC)"}},
		{"forlì d", 0, []string{"Forlì del Sannio (IS)"}},
		{"bozen", 0, []string{"Bolzano (BZ)"}},
		{"castro", 2, []string{"Castro (BG)", "Castro (LE)"}},
		{"reggio nell'e", 0, []string{"Reggio nell'Emilia (RE)"}},
		{"sant agata de", 0, []string{"Sant'Agata de' Goti (BN)", "Sant'Agata del Bianco (RC)"}},
		{"sant'agata de' g", 0, []string{"Sant'Agata de' Goti (BN)"}},
		{"", 10, nil},
		{"'-", 10, nil},
		{"zzzz", 10, nil},
	}
	for _, tt := range tests {
		if got := names(CercaComuni(tt.prefix, tt.limit)); !slices.Equal(got, tt.want) {
			t.Errorf("CercaComuni(%q, %d) = %v, want %v", tt.prefix, tt.limit, got, tt.want)
		}
	}
	all := CercaComuni("san", 0)
	if len(all) < 300 {
		t.Errorf("CercaComuni(san) found %d", len(all))
	}
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.CodiceBelfiore] {
			t.Errorf("%s listed twice", c.Nome)
		}
		seen[c.CodiceBelfiore] = true
		if c.Soppresso {
			t.Errorf("suppressed %s listed", c.Nome)
		}
		if !strings.HasPrefix(searchKey(c.Nome), "SAN") && !strings.HasPrefix(searchKey(c.NomeAltraLingua), "SAN") {
			t.Errorf("%s does not start with san", c.Nome)
		}
	}
	if got := CercaComuni("san", 7); len(got) != 7 {
		t.Errorf("limit 7: %d results", len(got))
	}
}

func TestComuneByNome(t *testing.T) {
	tests := []struct {
		nome string
		want string // Belfiore, "" = not found
	}{
		{"Roma", "H501"},
		{" MILANO ", "F205"},
		{"forli", "D704"},
		{"Forlì", "D704"},
		{"Bozen", "A952"},
		{"Bolzano/Bozen", ""}, // the combined form is not a name
		{"Reggio nell’Emilia", "H223"},
		{"Castro", ""}, // two comuni
		{"Castro (LE)", "M261"},
		{"castro(bg)", "C337"},
		{"Castro (RM)", ""},
		{"Rom", ""},
		{"Sovizzo", "M436"}, // the new comune, not the suppressed I879
		{"", ""},
	}
	for _, tt := range tests {
		c, ok := ComuneByNome(tt.nome)
		if ok != (tt.want != "") || c.CodiceBelfiore != tt.want {
			t.Errorf("ComuneByNome(%q) = %s %s, %v; want %q", tt.nome, c.CodiceBelfiore, c.Nome, ok, tt.want)
		}
	}
	if got := ComuniByNome("Castro"); len(got) != 2 {
		t.Errorf("ComuniByNome(Castro) = %v", got)
	}
	for _, dup := range []string{"Samone", "Livo", "Peglio", "San Teodoro"} {
		if got := ComuniByNome(dup); len(got) != 2 || got[0].Provincia == got[1].Provincia {
			t.Errorf("ComuniByNome(%s) = %v, want two comuni", dup, got)
		}
	}
}

func TestSearchKey(t *testing.T) {
	tests := map[string]string{
		"Sant'Agata de' Goti":      "SANTAGATADEGOTI",
		"Forlì":                    "FORLI",
		"Castelnuovo di Ceva":      "CASTELNUOVODICEVA",
		"Appiano/Eppan Weinstraße": "APPIANOEPPANWEINSTRASSE",
		"ÆØÅ łódź":                 "AEOALODZ",
		"Москва":                   "МОСКВА",
	}
	for in, want := range tests {
		if got := searchKey(in); got != want {
			t.Errorf("searchKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadComuniRejectsBadData(t *testing.T) {
	good := map[string]string{
		"comuni/comuni.csv": "codice_istat,denominazione,denominazione_altra_lingua,sigla_provincia,codice_regione,regione,codice_catastale\n" +
			"058091,Roma,,RM,12,Lazio,H501\n",
		"comuni/comuni_soppressi.csv": "codice_catastale,denominazione,denominazione_altra_lingua,codice_istat,sigla_provincia,codice_regione,data_istituzione,data_cessazione,istat_data_soppressione\n" +
			"A170,ALBONA,,,PL,EX,1923-01-01,1947-09-15,\n",
		"comuni/stati_esteri.csv": "codice_at,denominazione,denominazione_en,stato_territorio,codice_iso3166_alpha2,codice_iso3166_alpha3\n" +
			"n.d.,Italia,Italy,S,IT,ITA\nZ404,Stati Uniti d'America,USA,S,US,USA\n",
		"comuni/cap_wikidata.csv": "codice_istat,cap\n058091,00186\n",
	}
	fsOf := func(change map[string]string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range good {
			m[k] = &fstest.MapFile{Data: []byte(v)}
		}
		for k, v := range change {
			m[k] = &fstest.MapFile{Data: []byte(v)}
		}
		return m
	}
	ix, err := loadComuni(fsOf(nil))
	if err != nil || len(ix.comuni) != 1 || len(ix.soppressi) != 1 || len(ix.stati) != 1 {
		t.Fatalf("good data: %v", err)
	}
	bad := map[string]map[string]string{
		"missing column":         {"comuni/comuni.csv": "codice_istat,denominazione\n058091,Roma\n"},
		"bad Belfiore":           {"comuni/comuni.csv": strings.Replace(good["comuni/comuni.csv"], "H501", "H5O1", 1)},
		"Z code comune":          {"comuni/comuni.csv": strings.Replace(good["comuni/comuni.csv"], "H501", "Z501", 1)},
		"duplicate":              {"comuni/comuni.csv": good["comuni/comuni.csv"] + "058091,Roma,,RM,12,Lazio,H501\n"},
		"soppresso also current": {"comuni/comuni_soppressi.csv": strings.Replace(good["comuni/comuni_soppressi.csv"], "A170", "H501", 1)},
		"bad period":             {"comuni/comuni_soppressi.csv": strings.Replace(good["comuni/comuni_soppressi.csv"], "1947-09-15", "1900-01-01", 1)},
		"bad state code":         {"comuni/stati_esteri.csv": strings.Replace(good["comuni/stati_esteri.csv"], "Z404", "Y404", 1)},
		"CAP of unknown":         {"comuni/cap_wikidata.csv": "codice_istat,cap\n999999,00100\n"},
		"missing file":           {"comuni/cap_wikidata.csv": ""},
	}
	for name, change := range bad {
		m := fsOf(change)
		if name == "missing file" {
			delete(m, "comuni/cap_wikidata.csv")
		}
		if _, err := loadComuni(m); err == nil {
			t.Errorf("%s: loaded without error", name)
		} else if name != "missing file" && !strings.Contains(err.Error(), ".csv") {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}
