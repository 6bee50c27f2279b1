// Package lettere: the cover letters (lettere di accompagnamento) that go
// with mass pagoPA notices sent by PEC or e-mail. A Modello is a template
// of the subject line and of the letter with {{Campo}} merge fields; Componi
// fills it with one debtor's Dati and StampaLettera prints the letter as an
// A4 PDF. No Fyne, no store: the templates are kept by core/impostazioni.
package lettere

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // today's and the protocol's date are Italy's, also where the OS has no zone database
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/sportello/sportello/core/pagopa"
)

// Modello is a cover-letter template. Oggetto (the PEC/e-mail subject and
// the letter's "Oggetto:"), Testo (the body) and Firma (the signature
// lines) may hold merge fields written {{Campo}}: see Campi.
type Modello struct {
	Nome    string
	Oggetto string
	Testo   string
	Firma   string // empty: FirmaPredefinita
}

// FirmaPredefinita signs a letter whose template has no Firma.
const FirmaPredefinita = "Il Responsabile del servizio"

// Limits of a template, in characters.
const (
	MaxNome    = 100
	MaxOggetto = 250
	MaxTesto   = 20000
	MaxFirma   = 500
)

// Dati are one debtor's values for the merge fields.
type Dati struct {
	Ente          Ente   // {{Ente}} is its Nome; the letter's header prints the rest
	Intestazione  string // the debtor's name
	CodiceFiscale string // fiscal code, or partita IVA for a company
	Indirizzo     string
	CAP           string
	Comune        string
	Provincia     string
	IndirizzoPec  string // the PEC or e-mail address the letter goes to
	Spedizione    string // "PEC" or "EMAIL"; empty: PEC when the address's domain says so
	Centesimi     int64
	Scadenza      time.Time // a calendar day, printed as given
	Causale       string
	CodiceAvviso  string // 18 digits
	TipoDovuto    string // the kind's description
	// NumeroProtocollo is the register's label ("2026/0000123"), empty
	// when the letter is not protocolled; DataProtocollo is then ignored.
	NumeroProtocollo string
	DataProtocollo   time.Time
	Oggi             time.Time // zero: now
}

// Campo is one merge field.
type Campo struct {
	Nome        string
	Descrizione string
	Esempio     string // its value for DatiEsempio
	valore      func(d Dati) string
}

// roma is the zone of today's and the protocol's dates.
var roma = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // time/tzdata is embedded: cannot happen
	}
	return l
}()

const formatoData = "02/01/2006"

func data(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(formatoData)
}

// FormattaImporto writes cents the Italian way with the euro sign:
// 123450 → "1.234,50 €".
func FormattaImporto(cents int64) string { return pagopa.FormattaImporto(cents) + " €" }

// oggi is the letter's date: d.Oggi, or now, in Italy.
func (d Dati) oggi() time.Time {
	if d.Oggi.IsZero() {
		return time.Now().In(roma)
	}
	return d.Oggi.In(roma)
}

func (d Dati) dataProtocollo() string {
	if d.NumeroProtocollo == "" || d.DataProtocollo.IsZero() {
		return ""
	}
	return d.DataProtocollo.In(roma).Format(formatoData)
}

// campi is the one table of the merge fields: the validator, the merge,
// the settings screen's list and the sample data all read it.
var campi = []Campo{
	{Nome: "Intestazione", Descrizione: "nome e cognome o ragione sociale del debitore",
		valore: func(d Dati) string { return d.Intestazione }},
	{Nome: "CodiceFiscale", Descrizione: "codice fiscale o partita IVA del debitore",
		valore: func(d Dati) string { return d.CodiceFiscale }},
	{Nome: "Indirizzo", Descrizione: "indirizzo del debitore", valore: func(d Dati) string { return d.Indirizzo }},
	{Nome: "CAP", Descrizione: "CAP del debitore", valore: func(d Dati) string { return d.CAP }},
	{Nome: "Comune", Descrizione: "comune del debitore", valore: func(d Dati) string { return d.Comune }},
	{Nome: "Provincia", Descrizione: "sigla della provincia del debitore", valore: func(d Dati) string { return d.Provincia }},
	{Nome: "Importo", Descrizione: "importo dell'avviso in euro", valore: func(d Dati) string { return FormattaImporto(d.Centesimi) }},
	{Nome: "Scadenza", Descrizione: "data di scadenza (gg/mm/aaaa)", valore: func(d Dati) string { return data(d.Scadenza) }},
	{Nome: "Causale", Descrizione: "causale del pagamento", valore: func(d Dati) string { return d.Causale }},
	{Nome: "CodiceAvviso", Descrizione: "codice avviso (18 cifre a gruppi di quattro)",
		valore: func(d Dati) string { return pagopa.FormattaCodiceAvviso(d.CodiceAvviso) }},
	{Nome: "IUV", Descrizione: "identificativo univoco di versamento (17 cifre)",
		valore: func(d Dati) string { return pagopa.IUV(d.CodiceAvviso) }},
	{Nome: "TipoDovuto", Descrizione: "descrizione del tipo dovuto", valore: func(d Dati) string { return d.TipoDovuto }},
	{Nome: "Ente", Descrizione: "denominazione dell'ente", valore: func(d Dati) string { return d.Ente.Nome }},
	{Nome: "NumeroProtocollo", Descrizione: "numero di protocollo (vuoto se la lettera non è protocollata)",
		valore: func(d Dati) string { return d.NumeroProtocollo }},
	{Nome: "DataProtocollo", Descrizione: "data di protocollo (vuota se la lettera non è protocollata)",
		valore: func(d Dati) string { return d.dataProtocollo() }},
	{Nome: "Oggi", Descrizione: "data della lettera (gg/mm/aaaa)", valore: func(d Dati) string { return data(d.oggi()) }},
}

var campiPerNome = func() map[string]Campo {
	m := make(map[string]Campo, len(campi))
	for _, c := range campi {
		m[c.Nome] = c
	}
	return m
}()

// Campi lists the merge fields in the order the settings screen shows
// them, each with its value for DatiEsempio.
func Campi() []Campo {
	out := append([]Campo(nil), campi...)
	d := DatiEsempio()
	for i := range out {
		out[i].Esempio = out[i].valore(d)
	}
	return out
}

// DatiEsempio are a sample debtor (a family of Vimercate, protocolled
// today) for previews.
func DatiEsempio() Dati {
	oggi := time.Now().In(roma)
	return Dati{
		Ente: Ente{Nome: "Comune di Vimercate", CodiceFiscale: "02026620969", Settore: "Servizi scolastici",
			Indirizzo: "Piazza Unità d'Italia 1, 20871 Vimercate (MB)", PEC: "protocollo.comune.vimercate@pec.regione.lombardia.it"},
		Intestazione: "Giulia Brambilla", CodiceFiscale: "BRMGLI85M41M052S",
		Indirizzo: "Via Vittorio Emanuele 12", CAP: "20871", Comune: "Vimercate", Provincia: "MB",
		IndirizzoPec: "giulia.brambilla@pec.it", Spedizione: "PEC",
		Centesimi: 23450, Scadenza: time.Date(oggi.Year(), oggi.Month()+2, 0, 0, 0, 0, 0, time.UTC),
		Causale:          "Trasporto scolastico a.s. " + annoScolastico(oggi) + " – quota annuale",
		CodiceAvviso:     pagopa.CodiceAvviso(1, 123),
		TipoDovuto:       "Trasporto scolastico",
		NumeroProtocollo: fmt.Sprintf("%d/%07d", oggi.Year(), 123), DataProtocollo: oggi, Oggi: oggi,
	}
}

// annoScolastico is the school year a date falls in: "2026/27".
func annoScolastico(t time.Time) string {
	a := t.Year()
	if t.Month() < time.September {
		a--
	}
	return fmt.Sprintf("%d/%02d", a, (a+1)%100)
}

// NomiCampi are the fields' names, comma-separated.
func NomiCampi() string {
	nomi := make([]string, len(campi))
	for i, c := range campi {
		nomi[i] = c.Nome
	}
	return strings.Join(nomi, ", ")
}

// Errore is one problem of a template: the part (Nome, Oggetto, Testo,
// Firma), where (1-based line and column, in characters; 0 when the
// problem is the whole part) and why.
type Errore struct {
	Parte   string
	Riga    int
	Colonna int
	Motivo  string
	// Campo is the unknown field's name when that is the problem.
	Campo string
}

func (e Errore) Error() string {
	var b strings.Builder
	b.WriteString(e.Parte)
	if e.Riga > 0 {
		fmt.Fprintf(&b, ", riga %d", e.Riga)
	}
	if e.Colonna > 0 {
		fmt.Fprintf(&b, ", colonna %d", e.Colonna)
	}
	b.WriteString(": ")
	b.WriteString(e.Motivo)
	return b.String()
}

// Errori are every problem found in a template, in order. Its message
// lists them one per line; the allowed fields are named once, after the
// last unknown one.
type Errori []Errore

// maxErrori bounds the problems listed; the rest are counted.
const maxErrori = 10

func (es Errori) Error() string {
	ultimoSconosciuto := -1
	for i, e := range es {
		if e.Campo != "" && i < maxErrori {
			ultimoSconosciuto = i
		}
	}
	var righe []string
	for i, e := range es {
		if i == maxErrori {
			righe = append(righe, fmt.Sprintf("… e altri %d problemi", len(es)-maxErrori))
			break
		}
		s := e.Error()
		if i == ultimoSconosciuto {
			s += "; campi ammessi: " + NomiCampi()
		}
		righe = append(righe, s)
	}
	return strings.Join(righe, "\n")
}

// Valida checks a template: name, subject and body present and within
// their limits, the subject on one line, and every {{Campo}} well formed
// and known. The error is Errori, in Italian, naming part, line and column.
func Valida(m Modello) error { return valida(m, true) }

// valida checks the template, its name only with nome (a template copied
// into a batch has none).
func valida(m Modello, nome bool) error {
	var es Errori
	lunghezza := func(parte, s string, max int, obbligatorio bool) bool {
		switch n := utf8.RuneCountInString(s); {
		case obbligatorio && strings.TrimSpace(s) == "":
			es = append(es, Errore{Parte: parte, Motivo: "obbligatorio"})
		case n > max:
			es = append(es, Errore{Parte: parte, Motivo: fmt.Sprintf("troppo lungo: %d caratteri, al massimo %d", n, max)})
		default:
			return true
		}
		return false
	}
	if nome && lunghezza("Nome", m.Nome, MaxNome, true) && strings.ContainsAny(m.Nome, "\r\n") {
		es = append(es, Errore{Parte: "Nome", Motivo: "deve stare su una riga"})
	}
	if lunghezza("Oggetto", m.Oggetto, MaxOggetto, true) {
		if strings.ContainsAny(m.Oggetto, "\r\n") {
			es = append(es, Errore{Parte: "Oggetto", Motivo: "deve stare su una riga (è l'oggetto del messaggio PEC)"})
		}
		_, e := analizza("Oggetto", m.Oggetto)
		es = append(es, e...)
	}
	if lunghezza("Testo", m.Testo, MaxTesto, true) {
		_, e := analizza("Testo", m.Testo)
		es = append(es, e...)
	}
	if lunghezza("Firma", m.Firma, MaxFirma, false) {
		_, e := analizza("Firma", m.Firma)
		es = append(es, e...)
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

// pezzo is a part of a parsed template: literal text, or a field.
type pezzo struct {
	testo string
	campo *Campo
}

// analizza parses s into pieces, reporting every malformed or unknown field.
func analizza(parte, s string) ([]pezzo, Errori) {
	var (
		pezzi []pezzo
		es    Errori
		riga  int
		lit   strings.Builder
	)
	// pos is the 1-based line and column of byte offset i.
	inizioRiga := 0
	pos := func(i int) (int, int) { return riga + 1, utf8.RuneCountInString(s[inizioRiga:i]) + 1 }
	errore := func(i int, motivo, campo string) {
		r, c := pos(i)
		es = append(es, Errore{Parte: parte, Riga: r, Colonna: c, Motivo: motivo, Campo: campo})
	}
	flush := func() {
		if lit.Len() > 0 {
			pezzi = append(pezzi, pezzo{testo: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		switch {
		case s[i] == '\n':
			lit.WriteByte('\n')
			flush()
			riga++
			i++
			inizioRiga = i
		case strings.HasPrefix(s[i:], "{{"):
			fine := strings.Index(s[i+2:], "}}")
			a := strings.Index(s[i+2:], "{{")
			nl := strings.IndexByte(s[i+2:], '\n')
			if fine < 0 || (a >= 0 && a < fine) || (nl >= 0 && nl < fine) {
				errore(i, "«{{» senza «}}» di chiusura", "")
				lit.WriteString("{{")
				i += 2
				continue
			}
			nome := strings.TrimSpace(s[i+2 : i+2+fine])
			c, ok := campiPerNome[nome]
			switch {
			case nome == "":
				errore(i, "campo vuoto «"+s[i:i+4+fine]+"»", "")
			case !ok:
				motivo := "campo sconosciuto {{" + nome + "}}"
				if simile := suggerisci(nome); simile != "" {
					motivo += " (forse {{" + simile + "}}?)"
				}
				errore(i, motivo, nome)
			default:
				flush()
				pezzi = append(pezzi, pezzo{campo: &c})
			}
			i += 4 + fine
		case strings.HasPrefix(s[i:], "}}"):
			errore(i, "«}}» senza «{{» di apertura", "")
			lit.WriteString("}}")
			i += 2
		case s[i] == '{':
			// {Importo}: a field with single braces is a typo, not text.
			if fine := strings.IndexByte(s[i+1:], '}'); fine > 0 {
				if _, ok := campiPerNome[strings.TrimSpace(s[i+1:i+1+fine])]; ok {
					errore(i, "«"+s[i:i+2+fine]+"»: i campi vanno tra doppie graffe, {{"+strings.TrimSpace(s[i+1:i+1+fine])+"}}", "")
				}
			}
			lit.WriteByte('{')
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if !stampabile(r) {
				errore(i, fmt.Sprintf("carattere %s non stampabile nella lettera: sostituirlo", nomeCarattere(r)), "")
			}
			lit.WriteString(s[i : i+n])
			i += n
		}
	}
	flush()
	return pezzi, es
}

// stampabile tells the characters the letter's fonts have (Windows-1252,
// which covers Italian, the euro sign and typographic quotes), tabs and
// line ends.
func stampabile(r rune) bool {
	if r == '\t' || r == '\r' || r == '\n' {
		return true
	}
	_, ok := charmap.Windows1252.EncodeRune(r)
	return ok && r >= ' '
}

func nomeCarattere(r rune) string {
	if unicode.IsPrint(r) {
		return fmt.Sprintf("«%c» (U+%04X)", r, r)
	}
	return fmt.Sprintf("U+%04X", r)
}

// suggerisci names the known field closest to a misspelt one: the same
// but for case, or at most two edits away.
func suggerisci(nome string) string {
	best, bestD := "", 3
	for _, c := range campi {
		if strings.EqualFold(c.Nome, nome) {
			return c.Nome
		}
		if d := distanza(strings.ToLower(c.Nome), strings.ToLower(nome)); d < bestD {
			best, bestD = c.Nome, d
		}
	}
	return best
}

// distanza is the Levenshtein distance between two strings, in runes.
func distanza(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Componi fills the template with d: the subject line and the body. A
// line of the body whose fields all came out empty is left out (the
// protocol reference of a letter not protocolled, say); lines without
// fields always stay. The template is checked as Valida does, but for its
// Nome, which a template copied into a batch does not carry.
func Componi(m Modello, d Dati) (oggetto, testo string, err error) {
	if err := valida(m, false); err != nil {
		return "", "", err
	}
	return strings.Join(strings.Fields(componi(m.Oggetto, d, false)), " "), componi(m.Testo, d, true), nil
}

// componi fills a valid template; with ometti, the lines whose fields
// all came out empty are left out.
func componi(s string, d Dati, ometti bool) string {
	pezzi, _ := analizza("", s)
	var out, riga strings.Builder
	campi, pieni := 0, 0
	chiudi := func() {
		if !ometti || campi == 0 || pieni > 0 {
			out.WriteString(riga.String())
		}
		riga.Reset()
		campi, pieni = 0, 0
	}
	for _, p := range pezzi {
		if p.campo == nil {
			riga.WriteString(p.testo)
			if strings.HasSuffix(p.testo, "\n") {
				chiudi()
			}
			continue
		}
		v := p.campo.valore(d)
		campi++
		if strings.TrimSpace(v) != "" {
			pieni++
		}
		riga.WriteString(v)
	}
	chiudi()
	return strings.TrimRight(out.String(), " \t\n")
}

// Firma is the template's signature filled with d, or FirmaPredefinita.
func (m Modello) firma(d Dati) string {
	if strings.TrimSpace(m.Firma) == "" {
		return FirmaPredefinita
	}
	return componi(m.Firma, d, true)
}

// NomePredefinito names the built-in template.
const NomePredefinito = "Avviso di pagamento pagoPA"

// ModelloPredefinito is the built-in template: the notice's amount, due
// date and code, the protocol reference when there is one, and the ways
// to pay.
func ModelloPredefinito() Modello {
	return Modello{
		Nome:    NomePredefinito,
		Oggetto: "Avviso di pagamento pagoPA – {{TipoDovuto}}",
		Testo: `Gentile {{Intestazione}},
con la presente Le trasmettiamo, in allegato, l'avviso di pagamento pagoPA relativo a: {{Causale}}.
Riferimento: protocollo n. {{NumeroProtocollo}} del {{DataProtocollo}}.

Importo da pagare: {{Importo}}
Scadenza: {{Scadenza}}
Codice avviso: {{CodiceAvviso}}
Codice fiscale / partita IVA: {{CodiceFiscale}}

Può pagare entro la scadenza, senza recarsi presso i nostri uffici, con uno dei canali del circuito pagoPA:
- con l'app IO;
- con l'home banking della Sua banca (cercando «pagoPA» o «CBILL»);
- presso gli sportelli ATM abilitati;
- presso gli uffici postali e con l'app di Poste Italiane;
- presso le tabaccherie, le ricevitorie e gli altri punti vendita aderenti.
Basta indicare il codice avviso oppure inquadrare il codice QR stampato sull'avviso allegato. La ricevuta rilasciata al momento del pagamento ne è la prova: non occorre consegnarla all'ente.

Per informazioni può rivolgersi agli uffici dell'ente: {{Ente}}.

Cordiali saluti.`,
		Firma: FirmaPredefinita,
	}
}
