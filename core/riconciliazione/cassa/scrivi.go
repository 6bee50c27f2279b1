package cassa

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// ScriviOPI writes an OPI cash journal of schema versione ("1.4", "1.6.1",
// "1.7.1" or "1.8") with the header of g and the movements as credits
// (ENTRATA, SOSPESO ENTRATA, ESEGUITO or STORNATO), one
// informazioni_conto_evidenza per run of movements of the same conto. It
// is for tests, the sandbox and benchmarks: it streams, checks every
// value it writes against the schema (an invalid one is an error, not an
// invalid file) and signs with a placeholder ds:Signature, which no one
// can verify.
//
// The elements the schema requires and Movimento may lack get a default:
// numero_documento is the bolletta, tipo_esecuzione CASSA, numero_movimento
// the movement's position and identificativo_flusso "0" (1.6.1 and later).
// A journal without movements gets one empty conto evidenza "0000001".
func ScriviOPI(w io.Writer, versione string, g Giornale, movimenti iter.Seq[Movimento]) error {
	var v versioni
	for _, n := range nomiVersioni {
		if n.nome == strings.TrimPrefix(versione, "OPI ") {
			v = n.v
		}
	}
	if v == 0 {
		return fmt.Errorf("versione OPI %q sconosciuta: ammesse 1.4, 1.6.1, 1.7.1, 1.8", versione)
	}
	s := &scrittore{w: bufio.NewWriterSize(w, 64<<10), v: v, elementi: elementi161}
	if v == v14 {
		s.elementi = elementi14
	}
	s.testata(g)
	n, conto := 0, ""
	for m := range movimenti {
		if s.err != nil {
			break
		}
		n++
		if n == 1 || m.ContoEvidenza != conto {
			if n > 1 {
				s.chiudi("informazioni_conto_evidenza")
			}
			conto = m.ContoEvidenza
			s.apri("informazioni_conto_evidenza")
			s.campo("conto_evidenza", conto)
		}
		s.movimento(m, n, g.Esercizio)
		if s.err != nil {
			s.err = fmt.Errorf("movimento %d: %w", n, s.err)
		}
	}
	if n == 0 {
		s.apri("informazioni_conto_evidenza")
		s.campo("conto_evidenza", "0000001")
	}
	s.chiudi("informazioni_conto_evidenza")
	s.scrivi("  <!-- firma segnaposto: il giornale non è firmato davvero -->\n" +
		`  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
		`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>` +
		`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
		`<ds:Reference URI=""><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>` +
		`<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>` +
		"<ds:SignatureValue></ds:SignatureValue></ds:Signature>\n</flusso_giornale_di_cassa>\n")
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

type scrittore struct {
	w        *bufio.Writer
	v        versioni
	elementi map[string]*nodo
	livello  int
	err      error
}

func (s *scrittore) scrivi(t string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(t)
	}
}

const rientri = "                "

func (s *scrittore) rientro() { s.scrivi(rientri[:min(2*s.livello, len(rientri))]) }

func (s *scrittore) apri(nome string) {
	s.rientro()
	s.scrivi("<")
	s.scrivi(nome)
	s.scrivi(">\n")
	s.livello++
}

func (s *scrittore) chiudi(nome string) {
	s.livello--
	s.rientro()
	s.scrivi("</")
	s.scrivi(nome)
	s.scrivi(">\n")
}

// campo writes a simple element, refusing a value its type rejects.
func (s *scrittore) campo(nome, valore string) {
	if s.err != nil {
		return
	}
	if motivo := s.elementi[nome].tipo(valore); motivo != "" {
		s.err = fmt.Errorf("elemento %s: %s", nome, motivo)
		return
	}
	s.rientro()
	s.scrivi("<")
	s.scrivi(nome)
	s.scrivi(">")
	if s.err == nil {
		s.err = xml.EscapeText(s.w, []byte(valore))
	}
	s.scrivi("</")
	s.scrivi(nome)
	s.scrivi(">\n")
}

func (s *scrittore) data(nome string, t time.Time) {
	if t.IsZero() {
		s.fallisci("elemento %s: data mancante", nome)
		return
	}
	s.campo(nome, t.Format(time.DateOnly))
}

func (s *scrittore) fallisci(formato string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(formato, args...)
	}
}

func (s *scrittore) testata(g Giornale) {
	s.scrivi("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flusso_giornale_di_cassa>\n")
	s.livello = 1
	s.apri("testata_messaggio")
	s.campo("codice_ABI_BT", g.ABI)
	if g.DataOraFlusso.IsZero() {
		s.fallisci("elemento data_ora_creazione_flusso: data mancante")
	}
	s.campo("data_ora_creazione_flusso", g.DataOraFlusso.Format("2006-01-02T15:04:05.999999999Z07:00"))
	s.campo("codice_ente", g.Ente)
	s.campo("descrizione_ente", g.DescrizioneEnte)
	s.campo("codice_istat_ente", g.IstatEnte)
	s.campo("codice_fiscale_ente", g.CodiceFiscaleEnte)
	s.campo("codice_tramite_ente", g.TramiteEnte)
	s.campo("codice_tramite_BT", g.TramiteBT)
	s.campo("codice_ente_BT", g.EnteBT)
	s.chiudi("testata_messaggio")
	s.campo("identificativo_flusso_BT", g.IdentificativoFlusso)
	if g.Pagina != 0 || s.v != v14 {
		s.campo("pagina", strconv.Itoa(g.Pagina))
		s.campo("pagine_totali", strconv.Itoa(g.PagineTotali))
	}
	s.campo("esercizio", strconv.Itoa(g.Esercizio))
	if s.v == v14 {
		s.data("data_inizio_periodo_riferimento", g.DataInizio)
		s.data("data_fine_periodo_riferimento", g.DataFine)
	} else {
		s.data("data_riferimento_GdC", g.DataRiferimento)
	}
}

func (s *scrittore) movimento(m Movimento, n, esercizio int) {
	op := map[Operazione]string{Eseguito: "ESEGUITO", Stornato: "STORNATO"}[m.Operazione]
	switch {
	case op == "":
		s.fallisci("operazione %v sconosciuta", m.Operazione)
	case m.Importo <= 0:
		s.fallisci("importo %d: serve un importo positivo", m.Importo)
	case m.Esercizio != 0 && m.Esercizio != esercizio:
		s.fallisci("esercizio %d diverso da quello del giornale (%d)", m.Esercizio, esercizio)
	case m.NumeroBolletta == "" || m.NumeroBolletta == "0":
		s.fallisci("manca il numero della bolletta")
	}
	tipoEsec := m.TipoEsecuzione
	if tipoEsec == "" {
		tipoEsec = "CASSA"
	}
	if tipiEsecuzione[tipoEsec]&s.v == 0 {
		s.fallisci("tipo_esecuzione %s non ammesso dalla versione %s", mostra(tipoEsec), s.v)
	}
	s.apri("movimento_conto_evidenza")
	if s.v != v14 {
		s.campo("identificativo_flusso", oppure(m.IdentificativoFlusso, "0"))
		s.campo("numero_movimento", oppure(m.NumeroMovimento, strconv.Itoa(n)))
	}
	s.campo("tipo_movimento", "ENTRATA")
	s.campo("tipo_documento", "SOSPESO ENTRATA")
	s.campo("tipo_operazione", op)
	s.campo("numero_documento", oppure(m.NumeroDocumento, m.NumeroBolletta))
	s.campo("progressivo_documento", "0")
	s.campo("importo", tracciato.Euro(m.Importo))
	s.campo("numero_bolletta_quietanza", m.NumeroBolletta)
	if m.BollettaStorno != "" {
		s.campo("numero_bolletta_quietanza_storno", m.BollettaStorno)
	}
	s.data("data_movimento", m.DataContabile)
	if s.v != v14 {
		s.data("data_movimento_siope", m.DataContabile)
	}
	if !m.DataValuta.IsZero() {
		s.data("data_valuta_ente", m.DataValuta)
	}
	s.campo("tipo_esecuzione", tipoEsec)
	for _, c := range [][2]string{{"codice_riferimento_operazione", m.RiferimentoBanca},
		{"end_to_end_id", m.EndToEndID}, {"codice_riferimento_interno", m.RiferimentoCliente}} {
		if c[1] != "" {
			s.campo(c[0], c[1])
		}
	}
	s.campo("assoggettamento_bollo", "ESENTE BOLLO")
	s.apri("cliente")
	s.campo("anagrafica_cliente", m.Cliente)
	if m.CodiceFiscaleCliente != "" {
		s.campo("codice_fiscale_cliente", m.CodiceFiscaleCliente)
	}
	s.chiudi("cliente")
	s.campo("causale", m.Causale)
	s.chiudi("movimento_conto_evidenza")
}

func oppure(s, altrimenti string) string {
	if s == "" {
		return altrimenti
	}
	return s
}
