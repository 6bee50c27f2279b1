package cassa

import "strings"

// The OPI journal schemas (specs/opi/OPI_GIORNALE_DI_CASSA_V_*.xsd with
// OPI_GLOBAL_V_1_3_1 for 1.4 and OPI_GLOBAL_V_1_6_1 for the later ones),
// written out as the tree the reader validates against. Every element is
// in a sequence and occurs 0 or 1 times up to max, so a sequence is
// checked by walking its slots in order.
//
// There are two families. 1.4 has data_inizio/data_fine_periodo_riferimento
// and free-text header codes; 1.6.1 has data_riferimento_GdC,
// identificativo_flusso, numero_movimento and data_movimento_siope in each
// movement, sospeso instead of numero_sospeso and patterns on the header
// codes. 1.6.1, 1.7.1 and 1.8 differ only in the values of tipo_esecuzione.

// Versioni dello schema, as a bit set.
type versioni uint8

const (
	v14 versioni = 1 << iota
	v161
	v171
	v18

	famiglia14  = v14
	famiglia161 = v161 | v171 | v18
)

var nomiVersioni = []struct {
	v    versioni
	nome string
}{{v14, "1.4"}, {v161, "1.6.1"}, {v171, "1.7.1"}, {v18, "1.8"}}

func (vs versioni) nomi() []string {
	var out []string
	for _, n := range nomiVersioni {
		if vs&n.v != 0 {
			out = append(out, n.nome)
		}
	}
	return out
}

func (vs versioni) String() string { return strings.Join(vs.nomi(), "/") }

// campo names the elements whose value or end the reader acts upon.
type campo uint8

const (
	nessuno campo = iota
	cRadice
	cFirma
	cABI
	cDataOraFlusso
	cEnte
	cDescrizioneEnte
	cIstatEnte
	cCFEnte
	cTramiteEnte
	cTramiteBT
	cEnteBT
	cIdentificativoFlussoBT
	cPagina
	cPagineTotali
	cEsercizio
	cDataInizio
	cDataFine
	cDataRiferimento
	cConto
	cContoEvidenza
	cSaldoPrecedente
	cTotaleEntrate
	cTotaleUscite
	cSaldoFinale
	cSaldoComplessivoPrecedente
	cTotaleComplessivoEntrate
	cTotaleComplessivoUscite
	cSaldoComplessivoFinale
	cMovimento
	cIdentificativoFlusso
	cNumeroMovimento
	cTipoMovimento
	cTipoDocumento
	cTipoOperazione
	cNumeroDocumento
	cImporto
	cBolletta
	cBollettaStorno
	cDataMovimento
	cDataValuta
	cTipoEsecuzione
	cRiferimentoOperazione
	cEndToEnd
	cRiferimentoInterno
	cAnagraficaCliente
	cPartitaIVACliente
	cCFCliente
	cCausale
	numCampi
)

const illimitato = -1

// nodo is an element of the schema: a simple one has a tipo, a complex
// one a sequence of figli, a qualsiasi one any content (left unchecked).
type nodo struct {
	nome      string
	spazio    string // namespace, "" for the OPI elements
	min, max  int
	tipo      tipo
	figli     []*nodo
	qualsiasi bool
	campo     campo
}

func el(nome string, min, max int, t tipo, c campo) *nodo {
	return &nodo{nome: nome, min: min, max: max, tipo: t, campo: c}
}

func gruppo(nome string, min, max int, c campo, figli ...*nodo) *nodo {
	return &nodo{nome: nome, min: min, max: max, figli: figli, campo: c}
}

const nsFirma = "http://www.w3.org/2000/09/xmldsig#"

// The values of tipo_esecuzione, with the versions admitting each.
var tipiEsecuzione = map[string]versioni{
	"CASSA":                                           v14 | v161 | v171 | v18,
	"ACCREDITO BANCA D'ITALIA":                        v14 | v161 | v171 | v18,
	"REGOLARIZZAZIONE":                                v14 | v161 | v171 | v18,
	"PRELIEVO DA CC POSTALE":                          v14 | v161 | v171 | v18,
	"ASSEGNO BANCARIO E POSTALE":                      v14 | v161 | v171 | v18,
	"SEPA CREDIT TRANSFER":                            v14 | v161 | v171 | v18,
	"ASSEGNO CIRCOLARE":                               v14 | v161 | v171 | v18,
	"ACCREDITO CONTO CORRENTE POSTALE":                v14 | v161 | v171 | v18,
	"F24EP":                                           v14 | v161 | v171 | v18,
	"ADDEBITO PREAUTORIZZATO":                         v14 | v161 | v171 | v18,
	"DISPOSIZIONE DOCUMENTO ESTERNO":                  v14 | v161 | v171 | v18,
	"COMPENSAZIONE":                                   v14 | v161 | v171 | v18,
	"BONIFICO ESTERO EURO":                            v14 | v161 | v171 | v18,
	"AVVISO PAGOPA":                                   v14 | v161 | v171 | v18,
	"SOSTITUZIONE":                                    v14 | v161 | v171 | v18,
	"REGOLARIZZAZIONE ACCREDITO BANCA D'ITALIA":       v14 | v161,
	"ACCREDITO TESORERIA PROVINCIALE STATO PER TAB A": v14 | v161,
	"ACCREDITO TESORERIA PROVINCIALE STATO PER TAB B": v14 | v161,
	"REGOLARIZZAZIONE ACCREDITO TESORERIA PROVINCIALE STATO PER TAB A": v14 | v161,
	"REGOLARIZZAZIONE ACCREDITO TESORERIA PROVINCIALE STATO PER TAB B": v14 | v161,
	"VAGLIA POSTALE":                        v14,
	"VAGLIA TESORO":                         v14,
	"ACCREDITO TESORERIA PROVINCIALE STATO": v171 | v18,
	"ASSEGNO DI TRAENZA PER COMMUTAZIONE EX ART 219 TUEL": v171 | v18,
	"SEPA INSTANT CREDIT TRANSFER":                        v18,
}

func tipoEsecuzione(fam versioni) tipo {
	var valori []string
	for v, vs := range tipiEsecuzione {
		if vs&fam != 0 {
			valori = append(valori, v)
		}
	}
	return elenco(valori...)
}

var (
	tImporto         = importo(0, true)
	tImportoPositivo = importo(1, false) // minInclusive 0.01
	tImportoNonNeg   = importo(0, false) // minInclusive 0
	tMin1            = lunghezza(1, 0)
	tMin1Max35       = lunghezza(1, 35)
	tMin1Max16       = lunghezza(1, 16)
	tStato           = modello(`[A-Z]{2}`, "servono 2 lettere maiuscole (codice ISO del paese)", 0)
	tNumMax7         = intero("1", "9999999")
	tNumMax18        = intero("1", "999999999999999999")
	tNumero18        = intero("0", "999999999999999999")
	tNonNeg          = intero("0", "")
)

// The header codes: free text in 1.4, constrained from 1.6.1 on.
var (
	tABI             = modello(`[0-9]{5}`, "servono 5 cifre", 0)
	tEnte161         = modello(`[A-Z0-9]{6}`, "serve il codice IPA di 6 lettere maiuscole o cifre", 0)
	tIstat161        = modello(`[0-9]{9,15}`, "servono da 9 a 15 cifre", 0)
	tCF161           = modello(`[A-Z0-9]{11,16}`, "servono da 11 a 16 lettere maiuscole o cifre", 0)
	tA2A161          = modello(`A2A-[0-9]{8}`, "serve A2A- seguito da 8 cifre", 0)
	tFlussoBT161     = modello(`GDC-[0-9]{8}[A-Za-z0-9]{10,50}#[0-9]{3}#[0-9]{3}`, "serve GDC-AAAAMMGG, da 10 a 50 lettere o cifre, #NNN#NNN (al massimo 70 caratteri)", 70)
	tIdFlusso161     = modello(`[a-zA-Z0-9#_\-.]{1,70}`, "servono da 1 a 70 lettere, cifre o # _ - .", 0)
	tCodiceGestional = modello(`[0-9]{4}|[0-9]{10}`, "servono 4 o 10 cifre", 0)
)

// tipi161 are the types the later family puts on header elements that
// 1.4 leaves free: the reader applies them once it knows the family.
var tipi161 = map[campo]tipo{
	cEnte:                   tEnte161,
	cDescrizioneEnte:        tMin1,
	cIstatEnte:              tIstat161,
	cCFEnte:                 tCF161,
	cTramiteEnte:            tA2A161,
	cTramiteBT:              tA2A161,
	cEnteBT:                 tMin1,
	cIdentificativoFlussoBT: tFlussoBT161,
}

func testata(fam versioni) *nodo {
	t := func(c campo) tipo {
		if fam == famiglia161 && tipi161[c] != nil {
			return tipi161[c]
		}
		return stringa
	}
	return gruppo("testata_messaggio", 1, 1, nessuno,
		el("codice_ABI_BT", 1, 1, tABI, cABI),
		el("data_ora_creazione_flusso", 1, 1, dataOra, cDataOraFlusso),
		el("codice_ente", 1, 1, t(cEnte), cEnte),
		el("descrizione_ente", 1, 1, t(cDescrizioneEnte), cDescrizioneEnte),
		el("codice_istat_ente", 1, 1, t(cIstatEnte), cIstatEnte),
		el("codice_fiscale_ente", 1, 1, t(cCFEnte), cCFEnte),
		el("codice_tramite_ente", 1, 1, t(cTramiteEnte), cTramiteEnte),
		el("codice_tramite_BT", 1, 1, t(cTramiteBT), cTramiteBT),
		el("codice_ente_BT", 1, 1, t(cEnteBT), cEnteBT),
	)
}

func anagrafica(chi string, min1 bool, conPIVA bool, cAnag, cPIVA, cCF campo) *nodo {
	tAnag := stringa
	if min1 {
		tAnag = tMin1
	}
	figli := []*nodo{
		el("anagrafica_"+chi, 1, 1, tAnag, cAnag),
		el("indirizzo_"+chi, 0, 1, stringa, nessuno),
		el("cap_"+chi, 0, 1, tMin1Max16, nessuno),
		el("localita_"+chi, 0, 1, stringa, nessuno),
		el("provincia_"+chi, 0, 1, stringa, nessuno),
		el("stato_"+chi, 0, 1, tStato, nessuno),
	}
	if conPIVA {
		figli = append(figli, el("partita_iva_"+chi, 0, 1, tMin1Max35, cPIVA))
	}
	figli = append(figli, el("codice_fiscale_"+chi, 0, 1, tMin1Max35, cCF))
	return gruppo(chi, 0, 1, nessuno, figli...)
}

func movimento(fam versioni) *nodo {
	var f []*nodo
	add := func(n ...*nodo) { f = append(f, n...) }
	if fam == famiglia161 {
		add(el("identificativo_flusso", 1, 1, tIdFlusso161, cIdentificativoFlusso),
			el("numero_movimento", 1, 1, tNumero18, cNumeroMovimento))
	}
	add(el("tipo_movimento", 1, 1, elenco("ENTRATA", "USCITA"), cTipoMovimento),
		el("tipo_documento", 1, 1, elenco("REVERSALE", "MANDATO", "SOSPESO ENTRATA", "SOSPESO USCITA",
			"ANTICIPAZIONE", "GIROCONTO", "FONDO DI CASSA", "DEFICIT DI CASSA"), cTipoDocumento),
		el("tipo_operazione", 1, 1, elenco("ESEGUITO", "STORNATO", "REGOLARIZZATO", "RIPRISTINATO"), cTipoOperazione),
		el("numero_documento", 1, 1, tNumero18, cNumeroDocumento),
		gruppo("sospeso_da_regolarizzare", 0, 1, nessuno,
			el("data_effettiva_sospeso", 1, 1, data, nessuno),
			el("codice_gestionale_provvisorio", 1, 1, tCodiceGestional, nessuno)),
		el("tipologia_pagamento_funzionario_delegato", 0, 1, stringa, nessuno),
		el("numero_pagamento_funzionario_delegato", 0, 1, stringa, nessuno),
		el("progressivo_documento", 1, 1, tNonNeg, nessuno),
		el("importo", 1, 1, tImporto, cImporto),
		el("importo_ritenute", 0, 1, tImportoPositivo, nessuno),
		el("numero_bolletta_quietanza", 0, 1, tNonNeg, cBolletta),
		el("numero_bolletta_quietanza_storno", 0, 1, tNonNeg, cBollettaStorno),
		el("data_movimento", 1, 1, data, cDataMovimento))
	if fam == famiglia161 {
		add(el("data_movimento_siope", 1, 1, data, nessuno))
	}
	add(el("data_valuta_ente", 0, 1, data, cDataValuta),
		el("tipo_esecuzione", 1, 1, tipoEsecuzione(fam), cTipoEsecuzione),
		el("coordinate", 0, 1, tMin1, nessuno),
		el("codice_riferimento_operazione", 0, 1, tMin1, cRiferimentoOperazione),
		el("end_to_end_id", 0, 1, tMin1Max35, cEndToEnd),
		el("codice_riferimento_interno", 0, 1, lunghezza(1, 60), cRiferimentoInterno),
		el("tipo_contabilita", 0, 1, elenco("FRUTTIFERO", "INFRUTTIFERO"), nessuno),
		el("destinazione", 0, 1, elenco("LIBERA", "VINCOLATA"), nessuno),
		el("assoggettamento_bollo", 1, 1, elenco("ESENTE BOLLO", "ASSOGGETTATO BOLLO A CARICO ENTE",
			"ASSOGGETTATO BOLLO A CARICO CLIENTE"), nessuno),
		el("importo_bollo", 0, 1, tImportoPositivo, nessuno),
		el("assoggettamento_spese", 0, 1, elenco("ESENTE SPESE", "ASSOGGETTAMENTO SPESE A CARICO ENTE",
			"ASSOGGETTAMENTO SPESE A CARICO CLIENTE"), nessuno),
		el("importo_spese", 0, 1, tImportoPositivo, nessuno),
		el("assoggettamento_commissioni", 0, 1, elenco("ASSOGGETTAMENTO COMMISSIONI A CARICO ENTE",
			"ASSOGGETTAMENTO COMMISSIONI A CARICO CLIENTE"), nessuno),
		el("importo_commissioni", 0, 1, tImportoPositivo, nessuno))
	cliente := anagrafica("cliente", true, true, cAnagraficaCliente, cPartitaIVACliente, cCFCliente)
	cliente.min = 1
	add(cliente,
		anagrafica("delegato", false, false, nessuno, nessuno, nessuno),
		anagrafica("creditore_effettivo", true, true, nessuno, nessuno, nessuno),
		el("causale", 1, 1, tMin1, cCausale))
	if fam == famiglia161 {
		add(gruppo("sospeso", 0, 1000, nessuno,
			el("numero_provvisorio", 1, 1, tNumMax18, nessuno),
			el("importo_provvisorio", 1, 1, tImportoPositivo, nessuno)))
	} else {
		add(el("numero_sospeso", 0, 1, tNumMax18, nessuno))
	}
	add(&nodo{nome: "dati_a_disposizione_BT", max: 1, qualsiasi: true})
	return gruppo("movimento_conto_evidenza", 0, illimitato, cMovimento, f...)
}

func radice(fam versioni) *nodo {
	firma := func() *nodo {
		return &nodo{nome: "Signature", spazio: nsFirma, max: 1, qualsiasi: true, campo: cFirma}
	}
	pagina := 0
	if fam == famiglia161 {
		pagina = 1
	}
	f := []*nodo{
		// The schema's choice puts the signature first or last: two
		// optional slots, and the reader wants exactly one of them.
		firma(),
		testata(fam),
		el("identificativo_flusso_BT", 1, 1, stringa, cIdentificativoFlussoBT),
		el("pagina", pagina, 1, tNumMax7, cPagina),
		el("pagine_totali", pagina, 1, tNumMax7, cPagineTotali),
		el("riferimento_ente", 0, 1, stringa, nessuno),
		el("esercizio", 1, 1, intero("1999", "2099"), cEsercizio),
	}
	if fam == famiglia161 {
		f[2].tipo = tFlussoBT161
		f = append(f, el("data_riferimento_GdC", 1, 1, data, cDataRiferimento))
	} else {
		f = append(f, el("data_inizio_periodo_riferimento", 1, 1, data, cDataInizio),
			el("data_fine_periodo_riferimento", 1, 1, data, cDataFine))
	}
	dec := func(nome string, c campo) *nodo { return el(nome, 0, 1, tImporto, c) }
	nonNeg := func(nome string) *nodo { return el(nome, 1, 1, tImportoNonNeg, nessuno) }
	f = append(f,
		gruppo("informazioni_conto_evidenza", 1, illimitato, cConto,
			el("conto_evidenza", 1, 1, lunghezza(1, 25), cContoEvidenza),
			el("descrizione_conto_evidenza", 0, 1, tMin1, nessuno),
			movimento(fam),
			dec("saldo_precedente_conto_evidenza", cSaldoPrecedente),
			dec("totale_entrate_conto_evidenza", cTotaleEntrate),
			dec("totale_uscite_conto_evidenza", cTotaleUscite),
			dec("saldo_finale_conto_evidenza", cSaldoFinale)),
		dec("saldo_complessivo_precedente", cSaldoComplessivoPrecedente),
		dec("totale_complessivo_entrate", cTotaleComplessivoEntrate),
		dec("totale_complessivo_uscite", cTotaleComplessivoUscite),
		dec("saldo_complessivo_finale", cSaldoComplessivoFinale),
		gruppo("totali_esercizio", 0, 1, nessuno,
			nonNeg("fondo_di_cassa"),
			nonNeg("totale_reversali_riscosse"),
			nonNeg("totale_sospesi_entrata"),
			nonNeg("totale_entrate"),
			nonNeg("deficit_di_cassa"),
			nonNeg("totale_mandati_pagati"),
			nonNeg("totale_sospesi_uscita"),
			nonNeg("totale_uscite"),
			el("saldo_esercizio", 1, 1, tImporto, nessuno)),
		gruppo("totali_disponibilita_liquide", 0, 1, nessuno,
			el("saldo_conti_correnti", 1, 1, tImporto, nessuno),
			el("saldo_conti_BI", 0, 1, tImportoNonNeg, nessuno),
			dec("totale_conti", nessuno),
			dec("vincoli_conti_correnti", nessuno),
			dec("vincoli_conti_BI", nessuno),
			dec("totale_vincoli", nessuno),
			dec("svincoli_conti_correnti", nessuno),
			dec("svincoli_conti_BI", nessuno),
			dec("totale_svincoli", nessuno),
			nonNeg("anticipazione_accordata"),
			nonNeg("anticipazione_utilizzata"),
			dec("totale_somme_bloccate_riservate", nessuno),
			el("disponibilita", 1, 1, tImporto, nessuno)),
		firma(),
	)
	return &nodo{nome: "flusso_giornale_di_cassa", min: 1, max: 1, figli: f, campo: cRadice}
}

// The two roots. Their first slots, up to esercizio (prefisso), are the
// same, so the reader can start with the lax 1.4 root and switch to the
// 1.6.1 one, at the same slot, when the element after esercizio tells it
// the family.
var (
	radice14  = radice(famiglia14)
	radice161 = radice(famiglia161)
)

const prefisso = 7 // firma, testata, identificativo_flusso_BT, pagina, pagine_totali, riferimento_ente, esercizio

// elementi maps each element name of a family to its node, for the writer.
func elementi(n *nodo, m map[string]*nodo) map[string]*nodo {
	if m == nil {
		m = map[string]*nodo{}
	}
	m[n.nome] = n
	for _, f := range n.figli {
		elementi(f, m)
	}
	return m
}

var (
	elementi14  = elementi(radice14, nil)
	elementi161 = elementi(radice161, nil)
)
