package cassa

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestScriviOPIAndataRitorno(t *testing.T) {
	a := movEsempio("101", 123456, Eseguito)
	a.CodiceFiscaleCliente, a.EndToEndID, a.RiferimentoBanca, a.RiferimentoCliente = "97735020584", "E2E-1", "CRO123", "INT-9"
	a.NumeroDocumento = "55"
	b := movEsempio("101", 123456, Stornato)
	b.BollettaStorno = "102"
	c := movEsempio("0000207", 1, Eseguito)
	c.ContoEvidenza, c.Causale = "0000009", "<&> \"apici\" e a capo\nseconda riga"
	for _, v := range []string{"1.4", "1.6.1", "1.7.1", "1.8"} {
		t.Run(v, func(t *testing.T) {
			in := []Movimento{a, b, c}
			g, movs, err := leggi(t, base(t, v, in...))
			if err != nil {
				t.Fatal(err)
			}
			formato := "OPI 1.6.1/1.7.1/1.8"
			if v == "1.4" {
				formato = "OPI 1.4"
			}
			e := giornaleEsempio()
			if g.Formato != formato || g.Ente != e.Ente || g.ABI != e.ABI || g.IdentificativoFlusso != e.IdentificativoFlusso ||
				!g.DataOraFlusso.Equal(e.DataOraFlusso) || g.Esercizio != 2024 || g.Eseguiti != 2 || g.Stornati != 1 {
				t.Errorf("giornale = %+v", g)
			}
			if len(movs) != 3 {
				t.Fatalf("%d movimenti", len(movs))
			}
			for i, m := range movs {
				w := in[i]
				w.Riga, w.Esercizio, w.ABI = m.Riga, 2024, "03069"
				w.NumeroBolletta = strings.TrimLeft(w.NumeroBolletta, "0")
				w.Chiave = "2024/" + w.NumeroBolletta
				if w.NumeroDocumento == "" {
					w.NumeroDocumento = w.NumeroBolletta
				}
				if v != "1.4" {
					w.IdentificativoFlusso = "0"
					w.NumeroMovimento = []string{"1", "2", "3"}[i]
				}
				if m != w {
					t.Errorf("movimento %d:\n%+v\natteso\n%+v", i, m, w)
				}
			}
		})
	}
}

func TestScriviOPIErrori(t *testing.T) {
	g := giornaleEsempio()
	buono := movEsempio("1", 100, Eseguito)
	for _, c := range []struct {
		nome, versione string
		g              func(*Giornale)
		m              func(*Movimento)
		motivo         string
	}{
		{"versione", "2.0", nil, nil, "sconosciuta"},
		{"codice ente", "1.8", func(g *Giornale) { g.Ente = "abc" }, nil, "codice_ente"},
		{"data flusso", "1.4", func(g *Giornale) { g.DataOraFlusso = time.Time{} }, nil, "data mancante"},
		{"importo", "1.6.1", nil, func(m *Movimento) { m.Importo = 0 }, "importo positivo"},
		{"bolletta", "1.6.1", nil, func(m *Movimento) { m.NumeroBolletta = "" }, "bolletta"},
		{"causale", "1.6.1", nil, func(m *Movimento) { m.Causale = "" }, "causale"},
		{"esercizio", "1.6.1", nil, func(m *Movimento) { m.Esercizio = 2023 }, "esercizio 2023"},
	} {
		gg, m := g, buono
		if c.g != nil {
			c.g(&gg)
		}
		if c.m != nil {
			c.m(&m)
		}
		err := ScriviOPI(&bytes.Buffer{}, c.versione, gg, slices.Values([]Movimento{m}))
		if err == nil || !strings.Contains(err.Error(), c.motivo) {
			t.Errorf("%s: %v, atteso …%s…", c.nome, err, c.motivo)
		}
	}
}

// The writer's journals are valid for the schema itself, as xmllint (when
// installed) checks against specs/opi; the xmldsig schema, which the OPI
// ones import and the specs lack, is replaced by a lax one.
func TestScriviOPIValidoPerXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint non installato")
	}
	specs := filepath.Join("..", "..", "..", "..", "shared", "specs", "opi")
	xsd, err := filepath.Glob(filepath.Join(specs, "*.xsd"))
	if err != nil || len(xsd) == 0 {
		t.Skip("specs/opi assenti")
	}
	dir := t.TempDir()
	for _, f := range xsd {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dsig := `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/2000/09/xmldsig#" elementFormDefault="qualified">
<xs:element name="Signature"><xs:complexType mixed="true"><xs:sequence><xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence><xs:anyAttribute processContents="skip"/></xs:complexType></xs:element></xs:schema>`
	if err := os.WriteFile(filepath.Join(dir, "xmldsig-core-schema.xsd"), []byte(dsig), 0o644); err != nil {
		t.Fatal(err)
	}
	c := movEsempio("207", 1, Stornato)
	c.ContoEvidenza, c.BollettaStorno, c.CodiceFiscaleCliente = "0000009", "208", "RSSMRA80A01H501U"
	for _, v := range []string{"1.4", "1.6.1", "1.7.1", "1.8"} {
		doc := filepath.Join(dir, "giornale-"+v+".xml")
		if err := os.WriteFile(doc, base(t, v, movEsempio("1", 100, Eseguito), c), 0o644); err != nil {
			t.Fatal(err)
		}
		schema := filepath.Join(dir, "OPI_GIORNALE_DI_CASSA_V_"+strings.ReplaceAll(v, ".", "_")+".xsd")
		if out, err := exec.Command(xmllint, "--noout", "--schema", schema, doc).CombinedOutput(); err != nil {
			t.Errorf("versione %s non valida per lo schema: %v\n%s", v, err, out)
		}
	}
}
