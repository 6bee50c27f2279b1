package cassa

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// The OPI reader is a streaming validator: it walks the decoder's tokens
// against the schema tree (opi_schema.go), keeping one frame per open
// element and the current movement, never the document.

const nsXSI = "http://www.w3.org/2001/XMLSchema-instance"

// maxTesto bounds the text of one element (a causale is a few hundred
// characters; a huge one is a broken or hostile file).
const maxTesto = 1 << 20

type quadro struct {
	n          *nodo
	pos, count int // the slot of n.figli last matched, and how many times
	riga       int
	testo      bool // text inside a complex element already reported
	// rotto: a child was out of place; like xmllint, the reader reports
	// that once and skips the rest of the element.
	rotto bool
}

// saldo is an amount of the journal's totals, with its line.
type saldo struct {
	c    int64
	riga int
	ok   bool
}

// movCorrente is the movement being read, as written.
type movCorrente struct {
	riga, errPrima                               int
	tipoMov, tipoDoc, tipoOp                     string
	numDoc, bolletta, storno, idFlusso, numMov   string
	importo                                      int64
	rigaImporto, rigaBolletta                    int
	dataMov, dataValuta                          string
	tipoEsec, rifOp, e2e, rifInt, anag, piva, cf string
	causale                                      string
}

type lettoreOPI struct {
	dec   *xml.Decoder
	fn    func(Movimento) error
	g     Giornale
	errs  tracciato.Errori
	stop  bool
	fnErr error

	linea int // line where the current token starts
	pila  []quadro
	testo []byte
	fam   versioni // 0 until the element after esercizio tells
	vers  versioni // the versions the journal is still valid for
	firme int
	fine  bool // the root element is closed

	prefisso []valorePrefisso // header values seen before the family
	saldi    [4]saldo         // of the current conto evidenza
	totali   [4]saldo         // complessivi
	rigaPag  int
	rigaFine int
	conto    string
	mov      movCorrente
}

type valorePrefisso struct {
	c      campo
	v      string
	riga   int
	valido bool // under the 1.4 type
}

func leggiOPI(r io.Reader, fn func(Movimento) error) (Giornale, error) {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset
	l := &lettoreOPI{dec: dec, fn: fn}
	for !l.stop {
		l.linea, _ = dec.InputPos() // where the next token starts
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if e := l.sintassi(err); e != nil {
				return l.g, e
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := l.apri(t); err != nil {
				return l.g, err
			}
		case xml.EndElement:
			l.chiudi()
		case xml.CharData:
			l.leggiTesto(t)
		}
	}
	switch {
	case l.fnErr != nil:
		return l.g, l.fnErr
	case len(l.pila) == 0 && !l.fine && len(l.errs) == 0:
		return l.g, formato("il file XML non contiene alcun elemento")
	case !l.fine && len(l.errs) == 0:
		l.errore(l.riga(), "", "il file finisce prima della chiusura di </flusso_giornale_di_cassa>: è troncato")
	}
	// The checks at the end of an element name earlier lines.
	slices.SortStableFunc(l.errs, func(a, b tracciato.ErrRiga) int { return a.Riga - b.Riga })
	return l.g, tronca(l.errs).Err()
}

// charset decodes the single-byte encodings an XML journal may declare.
func charset(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "latin1", "latin-1", "iso_8859-1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	case "iso-8859-15", "latin9":
		return charmap.ISO8859_15.NewDecoder().Reader(in), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("codifica %q non supportata: il giornale OPI è in UTF-8", label)
}

func (l *lettoreOPI) riga() int {
	line, _ := l.dec.InputPos()
	return line
}

func (l *lettoreOPI) errore(riga int, elemento, motivo string) {
	if l.errs.Aggiungi(riga, elemento, motivo) {
		l.stop = true
	}
}

// sintassi handles a decoder error: before the root it means the file is
// no XML journal; after, a broken file.
func (l *lettoreOPI) sintassi(err error) error {
	if len(l.pila) == 0 && !l.fine {
		return formato("il file non è un XML leggibile: %v", err)
	}
	riga := l.riga()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		riga, err = se.Line, errors.New(se.Msg)
	}
	l.errore(riga, "", fmt.Sprintf("XML non valido: %v", err))
	l.stop = true
	return nil
}

func (l *lettoreOPI) apri(t xml.StartElement) error {
	riga := l.linea
	nome := t.Name.Local
	if len(l.pila) == 0 {
		if l.fine {
			l.errore(riga, nome, "elemento dopo la chiusura di </flusso_giornale_di_cassa>")
			l.stop = true
			return nil
		}
		if nome != "flusso_giornale_di_cassa" {
			return formato("il file XML non è un giornale di cassa OPI: l'elemento radice è <%s>, non <flusso_giornale_di_cassa>", nome)
		}
		if t.Name.Space != "" {
			return formato("il file XML non è un giornale di cassa OPI: l'elemento radice è nel namespace %q, il giornale OPI non ne ha", t.Name.Space)
		}
		l.attributi(t, riga, true)
		l.pila = append(l.pila, quadro{n: radice14, riga: riga})
		l.vers = famiglia14 | famiglia161
		return nil
	}
	f := &l.pila[len(l.pila)-1]
	if f.n.tipo != nil {
		l.errore(riga, nome, fmt.Sprintf("elemento non ammesso dentro <%s>, che contiene solo un valore", f.n.nome))
		return l.salta()
	}
	if len(l.pila) == 1 && l.fam == 0 && !nelPrefisso(t.Name) {
		l.decidiFamiglia(nome == "data_inizio_periodo_riferimento", riga)
	}
	if f.rotto {
		return l.salta()
	}
	j, motivo := l.trova(f, t.Name)
	if motivo != "" {
		l.errore(riga, nome, motivo)
		f.rotto = true
		return l.salta()
	}
	n := f.n.figli[j]
	if n.campo != cFirma { // the signature's attributes are xmldsig's
		l.attributi(t, riga, false)
	}
	if n.qualsiasi {
		if n.campo == cFirma {
			l.firme++
			if l.firme > 1 {
				l.errore(riga, "ds:Signature", "firma ripetuta: il giornale ne ha una sola, all'inizio o alla fine")
			}
		}
		return l.salta()
	}
	l.pila = append(l.pila, quadro{n: n, riga: riga})
	l.testo = l.testo[:0]
	l.inizio(n.campo, riga)
	return nil
}

// salta skips the element just opened with all it contains.
func (l *lettoreOPI) salta() error {
	if err := l.dec.Skip(); err != nil {
		return l.sintassi(err)
	}
	return nil
}

func nelPrefisso(n xml.Name) bool {
	for _, p := range radice14.figli[:prefisso] {
		if p.nome == n.Local && p.spazio == n.Space {
			return true
		}
	}
	return false
}

// trova finds the slot of f's sequence that child fills, moving f on.
func (l *lettoreOPI) trova(f *quadro, child xml.Name) (int, string) {
	figli := f.n.figli
	start := f.pos
	if f.count > 0 {
		if c := figli[f.pos]; c.nome == child.Local && c.spazio == child.Space {
			if c.max != illimitato && f.count >= c.max {
				return 0, fmt.Sprintf("elemento ripetuto: in <%s> ne è ammesso al massimo %d", f.n.nome, c.max)
			}
			f.count++
			return f.pos, ""
		}
		start++
	}
	for j := start; j < len(figli); j++ {
		c := figli[j]
		if c.nome == child.Local && c.spazio == child.Space {
			f.pos, f.count = j, 1
			return j, ""
		}
		if c.min > 0 {
			return 0, fmt.Sprintf("elemento non previsto qui: in <%s> è atteso <%s>", f.n.nome, c.nome)
		}
	}
	if child.Space != "" && child.Space != nsFirma {
		return 0, fmt.Sprintf("elemento non previsto in <%s> (namespace %s: gli elementi del giornale OPI non ne hanno)", f.n.nome, child.Space)
	}
	return 0, fmt.Sprintf("elemento non previsto in <%s>, o fuori posto", f.n.nome)
}

func (l *lettoreOPI) attributi(t xml.StartElement, riga int, radice bool) {
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns", a.Name.Space == "" && a.Name.Local == "xmlns", a.Name.Space == nsXSI:
		case radice && a.Name.Space == "" && a.Name.Local == "Id":
		default:
			l.errore(riga, t.Name.Local, fmt.Sprintf("attributo %q non previsto", a.Name.Local))
		}
	}
}

func (l *lettoreOPI) leggiTesto(t xml.CharData) {
	if len(l.pila) == 0 {
		if len(bytes.Trim(t, spazi)) > 0 {
			l.errore(l.linea, "", "testo fuori dall'elemento <flusso_giornale_di_cassa>")
		}
		return
	}
	f := &l.pila[len(l.pila)-1]
	if f.n.tipo != nil {
		if len(l.testo)+len(t) > maxTesto {
			l.errore(f.riga, f.n.nome, "testo troppo lungo")
			l.stop = true
			return
		}
		l.testo = append(l.testo, t...)
		return
	}
	if t := bytes.Trim(t, spazi); !f.testo && len(t) > 0 {
		f.testo = true
		l.errore(l.linea, f.n.nome, fmt.Sprintf("testo %s non ammesso dentro <%s>, che contiene solo elementi", mostra(string(t)), f.n.nome))
	}
}

func (l *lettoreOPI) chiudi() {
	f := l.pila[len(l.pila)-1]
	l.pila = l.pila[:len(l.pila)-1]
	if f.n.tipo != nil {
		v := string(l.testo)
		motivo := f.n.tipo(v)
		if l.fam == 0 {
			l.prefisso = append(l.prefisso, valorePrefisso{f.n.campo, v, f.riga, motivo == ""})
		}
		if motivo != "" {
			l.errore(f.riga, f.n.nome, motivo)
		} else {
			l.valore(f.n.campo, v, f.riga)
		}
		return
	}
	riga := l.riga()
	if f.n.campo == cRadice && l.fam == 0 {
		l.decidiFamiglia(false, riga)
		f.n = radice161
	}
	start := f.pos
	switch {
	case f.rotto:
		start = len(f.n.figli)
	case f.count > 0:
		start++
	}
	for _, c := range f.n.figli[start:] {
		if c.min > 0 {
			l.errore(riga, c.nome, fmt.Sprintf("elemento obbligatorio mancante in <%s>", f.n.nome))
		}
	}
	l.fineElemento(f.n.campo, riga)
}

// decidiFamiglia switches the root to the family the element after
// esercizio shows, and checks the header values read so far against it.
func (l *lettoreOPI) decidiFamiglia(vecchia bool, riga int) {
	l.fam, l.vers = famiglia161, famiglia161
	if vecchia {
		l.fam, l.vers = famiglia14, famiglia14
		return
	}
	if len(l.pila) > 0 {
		l.pila[0].n = radice161
	}
	pagine := map[campo]bool{}
	for _, p := range l.prefisso {
		pagine[p.c] = true
		if t := tipi161[p.c]; t != nil && p.valido {
			if motivo := t(p.v); motivo != "" {
				l.errore(p.riga, elementi161nome(p.c), motivo)
			}
		}
	}
	for _, c := range []campo{cPagina, cPagineTotali} {
		if !pagine[c] {
			l.errore(riga, elementi161nome(c), "elemento obbligatorio mancante in <flusso_giornale_di_cassa> (dalla versione 1.6.1)")
		}
	}
}

func elementi161nome(c campo) string {
	for nome, n := range elementi161 {
		if n.campo == c {
			return nome
		}
	}
	return ""
}

// inizio acts on the start of a complex element.
func (l *lettoreOPI) inizio(c campo, riga int) {
	switch c {
	case cConto:
		l.saldi, l.conto = [4]saldo{}, ""
	case cMovimento:
		l.mov = movCorrente{riga: riga, errPrima: len(l.errs)}
		l.g.RigheLette++
	}
}

// valore stores a valid simple value.
func (l *lettoreOPI) valore(c campo, v string, riga int) {
	g, m := &l.g, &l.mov
	switch c {
	case cABI:
		g.ABI = v
	case cDataOraFlusso:
		g.DataOraFlusso, _ = leggiDataOra(v)
	case cEnte:
		g.Ente = v
	case cDescrizioneEnte:
		g.DescrizioneEnte = v
	case cIstatEnte:
		g.IstatEnte = v
	case cCFEnte:
		g.CodiceFiscaleEnte = v
	case cTramiteEnte:
		g.TramiteEnte = v
	case cTramiteBT:
		g.TramiteBT = v
	case cEnteBT:
		g.EnteBT = v
	case cIdentificativoFlussoBT:
		g.IdentificativoFlusso = v
	case cPagina:
		g.Pagina = atoiCifre(v)
		l.rigaPag = riga
	case cPagineTotali:
		g.PagineTotali = atoiCifre(v)
	case cEsercizio:
		g.Esercizio = atoiCifre(v)
	case cDataInizio:
		g.DataInizio, _ = leggiData(v)
	case cDataFine:
		g.DataFine, _ = leggiData(v)
		l.rigaFine = riga
	case cDataRiferimento:
		g.DataRiferimento, _ = leggiData(v)
	case cContoEvidenza:
		l.conto = v
	case cSaldoPrecedente, cTotaleEntrate, cTotaleUscite, cSaldoFinale:
		cent, _ := leggiImporto(v)
		l.saldi[c-cSaldoPrecedente] = saldo{cent, riga, true}
	case cSaldoComplessivoPrecedente, cTotaleComplessivoEntrate, cTotaleComplessivoUscite, cSaldoComplessivoFinale:
		cent, _ := leggiImporto(v)
		l.totali[c-cSaldoComplessivoPrecedente] = saldo{cent, riga, true}
	case cIdentificativoFlusso:
		m.idFlusso = v
	case cNumeroMovimento:
		m.numMov, _ = leggiIntero(v)
	case cTipoMovimento:
		m.tipoMov = v
	case cTipoDocumento:
		m.tipoDoc = v
	case cTipoOperazione:
		m.tipoOp = v
	case cNumeroDocumento:
		m.numDoc, _ = leggiIntero(v)
	case cImporto:
		m.importo, _ = leggiImporto(v)
		m.rigaImporto = riga
	case cBolletta:
		m.bolletta, _ = leggiIntero(v)
		m.rigaBolletta = riga
	case cBollettaStorno:
		m.storno, _ = leggiIntero(v)
	case cDataMovimento:
		m.dataMov = v
	case cDataValuta:
		m.dataValuta = v
	case cTipoEsecuzione:
		m.tipoEsec = v
		if vs := tipiEsecuzione[v]; l.vers&vs == 0 {
			l.errore(riga, "tipo_esecuzione", fmt.Sprintf("valore %s della versione %s del tracciato, mentre i movimenti precedenti sono della versione %s", mostra(v), vs&l.fam, l.vers))
		} else {
			l.vers &= vs
		}
	case cRiferimentoOperazione:
		m.rifOp = v
	case cEndToEnd:
		m.e2e = v
	case cRiferimentoInterno:
		m.rifInt = v
	case cAnagraficaCliente:
		m.anag = v
	case cPartitaIVACliente:
		m.piva = v
	case cCFCliente:
		m.cf = v
	case cCausale:
		m.causale = v
	}
}

func atoiCifre(v string) int {
	d, _ := leggiIntero(v)
	n, _ := cifre(d)
	return n
}

// fineElemento acts on the end of a complex element.
func (l *lettoreOPI) fineElemento(c campo, riga int) {
	switch c {
	case cMovimento:
		l.finisciMovimento()
	case cConto:
		l.quadra(l.saldi, "saldo_finale_conto_evidenza", "del conto evidenza "+l.conto)
	case cRadice:
		l.fine = true
		l.quadra(l.totali, "saldo_complessivo_finale", "complessivo")
		g := &l.g
		if l.firme == 0 {
			l.errore(riga, "ds:Signature", "firma mancante: il giornale OPI è firmato, all'inizio o alla fine")
		}
		if g.Pagina > 0 && g.PagineTotali > 0 && g.Pagina > g.PagineTotali {
			l.errore(l.rigaPag, "pagina", fmt.Sprintf("pagina %d oltre le pagine totali (%d)", g.Pagina, g.PagineTotali))
		}
		if !g.DataInizio.IsZero() && !g.DataFine.IsZero() && g.DataFine.Before(g.DataInizio) {
			l.errore(l.rigaFine, "data_fine_periodo_riferimento", fmt.Sprintf("la fine del periodo (%s) precede l'inizio (%s)",
				g.DataFine.Format("02/01/2006"), g.DataInizio.Format("02/01/2006")))
		}
		g.Versioni = l.vers.nomi()
		g.Formato = "OPI " + l.vers.String()
	}
}

// quadra checks saldo finale = saldo precedente + entrate − uscite, when
// the journal gives all four.
func (l *lettoreOPI) quadra(s [4]saldo, elemento, di string) {
	if !s[0].ok || !s[1].ok || !s[2].ok || !s[3].ok {
		return
	}
	if atteso := s[0].c + s[1].c - s[2].c; atteso != s[3].c {
		l.errore(s[3].riga, elemento, fmt.Sprintf("il saldo finale %s (%s) non quadra: saldo precedente %s + entrate %s − uscite %s = %s",
			di, euro(s[3].c), euro(s[0].c), euro(s[1].c), euro(s[2].c), euro(atteso)))
	}
}

func (l *lettoreOPI) finisciMovimento() {
	m := &l.mov
	if len(l.errs) > m.errPrima {
		return // already reported, and maybe incomplete
	}
	if m.tipoMov != "ENTRATA" || m.tipoDoc != "SOSPESO ENTRATA" || m.tipoOp != "ESEGUITO" && m.tipoOp != "STORNATO" {
		l.g.scarta(m.tipoMov + " " + m.tipoDoc + " " + m.tipoOp)
		return
	}
	switch m.bolletta {
	case "":
		l.errore(m.riga, "numero_bolletta_quietanza", "manca: per un sospeso di entrata serve, perché identifica il movimento e il suo storno")
	case "0":
		l.errore(m.rigaBolletta, "numero_bolletta_quietanza", "è zero: per un sospeso di entrata serve il numero della bolletta, che identifica il movimento e il suo storno")
	}
	op, imp := Eseguito, m.importo
	if m.tipoOp == "STORNATO" {
		op = Stornato
		if imp < 0 { // some banks write a storno as a negative amount
			imp = -imp
		}
	}
	if imp <= 0 {
		l.errore(m.rigaImporto, "importo", fmt.Sprintf("importo %s: un sospeso di entrata %s deve avere un importo positivo", euro(m.importo), strings.ToLower(m.tipoOp)))
	}
	if len(l.errs) > m.errPrima {
		return
	}
	dc, _ := leggiData(m.dataMov)
	dv := dc
	if m.dataValuta != "" {
		dv, _ = leggiData(m.dataValuta)
	}
	cf := m.cf
	if cf == "" {
		cf = m.piva
	}
	mov := Movimento{
		Riga:                 m.riga,
		Operazione:           op,
		Chiave:               strconv.Itoa(l.g.Esercizio) + "/" + m.bolletta,
		Esercizio:            l.g.Esercizio,
		NumeroBolletta:       m.bolletta,
		NumeroDocumento:      m.numDoc,
		DataContabile:        dc,
		DataValuta:           dv,
		Importo:              imp,
		Causale:              m.causale,
		Cliente:              m.anag,
		CodiceFiscaleCliente: cf,
		ContoEvidenza:        l.conto,
		ABI:                  l.g.ABI,
		NumeroMovimento:      m.numMov,
		IdentificativoFlusso: m.idFlusso,
		BollettaStorno:       m.storno,
		TipoEsecuzione:       m.tipoEsec,
		EndToEndID:           m.e2e,
		RiferimentoBanca:     m.rifOp,
		RiferimentoCliente:   m.rifInt,
	}
	l.g.tieni(mov)
	if len(l.errs) == 0 {
		if err := l.fn(mov); err != nil {
			l.fnErr, l.stop = err, true
		}
	}
}
