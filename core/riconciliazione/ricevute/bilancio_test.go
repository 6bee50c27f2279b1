package ricevute

import (
	"reflect"
	"strings"
	"testing"
)

func TestLeggiBilancio(t *testing.T) {
	ok := []struct {
		in   string
		want []VoceBilancio
	}{
		{`<bilancio><capitolo><codCapitolo>CAP1</codCapitolo><codUfficio>UFF1</codUfficio><accertamento><codAccertamento>ACC1</codAccertamento><importo>100.00</importo></accertamento></capitolo></bilancio>`,
			[]VoceBilancio{{"CAP1", "UFF1", "ACC1", 10000}}},
		// As p4pa writes it: declaration and namespace.
		{`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><bilancio xmlns="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/"><capitolo><codCapitolo>CAP1</codCapitolo><accertamento><importo>1.5</importo></accertamento></capitolo></bilancio>`,
			[]VoceBilancio{{"CAP1", "", "", 150}}},
		{"<bilancio>\n  <capitolo><codCapitolo> 1010 </codCapitolo>\n<accertamento><codAccertamento>2024/12</codAccertamento><importo>70.00</importo></accertamento>" +
			"<accertamento><importo>30</importo></accertamento></capitolo>\n<capitolo><codCapitolo>2020</codCapitolo><codUfficio>RAG</codUfficio><accertamento><importo>0.01</importo></accertamento></capitolo></bilancio>",
			[]VoceBilancio{{"1010", "", "2024/12", 7000}, {"1010", "", "", 3000}, {"2020", "RAG", "", 1}}},
	}
	for _, c := range ok {
		got, err := leggiBilancio(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("leggiBilancio(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if back, err := leggiBilancio(scriviBilancio(got)); err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %+v: %q -> %+v %v", got, scriviBilancio(got), back, err)
		}
	}
	ko := map[string]string{
		"capitolo 1":  `testo "capitolo 1" fuori posto`,
		"<bilancio/>": "bilancio senza capitoli",
		"<dovuto/>":   "atteso l'elemento bilancio, trovato dovuto",
		"<bilancio><capitolo><accertamento><importo>1.00</importo></accertamento></capitolo></bilancio>":                                                    "elemento accertamento fuori posto in capitolo",
		"<bilancio><capitolo><codCapitolo>C</codCapitolo></capitolo></bilancio>":                                                                            "ogni capitolo deve avere codCapitolo e almeno un accertamento",
		"<bilancio><capitolo><codCapitolo>C</codCapitolo><accertamento><codAccertamento>A</codAccertamento></accertamento></capitolo></bilancio>":           "accertamento senza importo",
		"<bilancio><capitolo><codCapitolo>C</codCapitolo><accertamento><importo>TOTALE</importo></accertamento></capitolo></bilancio>":                      `importo "TOTALE" non valido`,
		"<bilancio><capitolo><codCapitolo>C</codCapitolo><accertamento><importo>-1.00</importo></accertamento></capitolo></bilancio>":                       `importo "-1.00" non valido`,
		"<bilancio><capitolo><codCapitolo>C</codCapitolo><accertamento><importo>1.00</importo><importo>1.00</importo></accertamento></capitolo></bilancio>": "elemento importo fuori posto",
		"<bilancio><capitolo><codUfficio>U</codUfficio><codCapitolo>C</codCapitolo></capitolo></bilancio>":                                                  "elemento codUfficio fuori posto",
		"<bilancio><capitolo><codCapitolo></codCapitolo></capitolo></bilancio>":                                                                             "codCapitolo vuoto",
		"<bilancio><capitolo><codCapitolo>C<x/></codCapitolo></capitolo></bilancio>":                                                                        "codCapitolo non può contenere l'elemento x",
		"<bilancio>testo<capitolo/></bilancio>": `testo "testo" fuori posto`,
		"<bilancio><capitolo><codCapitolo>C</codCapitolo><accertamento><importo>1</importo></accertamento></capitolo></bilancio><altro/>": "elemento altro dopo la fine del bilancio",
		"<bilancio><capitolo>": "unexpected EOF",
		"<bilancio><capitolo><codCapitolo>" + strings.Repeat("C", 65) + "</codCapitolo>": "lungo 65 caratteri, massimo 64",
	}
	for in, want := range ko {
		_, err := leggiBilancio(in)
		if err == nil || !strings.HasPrefix(err.Error(), "bilancio non valido: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("leggiBilancio(%q) = %v, want %q", in, err, want)
		}
	}
	if scriviBilancio(nil) != "" {
		t.Fatal("empty bilancio written")
	}
	// Special characters are escaped.
	v := []VoceBilancio{{Capitolo: "A&B<1>", Importo: 5}}
	if back, err := leggiBilancio(scriviBilancio(v)); err != nil || !reflect.DeepEqual(back, v) {
		t.Fatalf("%q: %+v %v", scriviBilancio(v), back, err)
	}
}
