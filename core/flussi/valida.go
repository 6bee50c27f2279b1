package flussi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // due dates are Rome's days, also where the OS has no zone database (Windows)
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/sportello/sportello/core/anagrafe"
	"github.com/sportello/sportello/core/appio"
	"github.com/sportello/sportello/core/pagopa"
)

// Servizio is what validation needs to know of an App IO service.
type Servizio struct {
	ID             int64
	Nome           string
	Livello        string // STANDARD or ADVANCED
	ImportoMassimo int64  // euro cents; 0: no limit of the service's own
}

// Canonical keys of a notification's fields: the column names of the
// template file, and the Colonna of the errors ValidaRiga returns (callers
// map them to the names their file or form shows).
const (
	ColCodiceFiscale    = "codice_fiscale"
	ColOggetto          = "oggetto"
	ColContenuto        = "contenuto"
	ColScadenza         = "scadenza"
	ColImporto          = "importo"
	ColCodiceAvviso     = "codice_avviso"
	ColPagaDopoScadenza = "paga_dopo_scadenza"
)

// Roma is the time zone of due dates: a due date is a day in Italy.
var Roma = mustLoadLocation("Europe/Rome")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded: cannot happen
	}
	return loc
}

// ValidaRiga checks one notification with the rules of the App IO API
// (lengths counted as IO counts them, payment data), the stricter ones of
// pagoPA (check digits of the notice number) and the service's maximum
// amount. oggi is today (zero: due dates are not compared); nominativo is
// the recipient's name when known ("" otherwise), to spot it in the
// subject.
//
// Errors stop the row; avvisi (a past due date, a subject that seems to
// carry personal data, a birthplace missing from the bundled data) do not.
// Both carry r.Numero and a Col* key.
//
// PagaDopoScadenza false is refused for a payment without due date. For a
// row without payment it is ignored, since it is also the field's zero
// value: importers that read an explicit "no" check that themselves.
func ValidaRiga(r Riga, s Servizio, oggi time.Time, nominativo string) (errs []ErroreRiga, avvisi []Avviso) {
	e := func(col, format string, args ...any) {
		errs = append(errs, ErroreRiga{Riga: r.Numero, Colonna: col, Motivo: fmt.Sprintf(format, args...)})
	}
	w := func(col, format string, args ...any) {
		avvisi = append(avvisi, Avviso{Riga: r.Numero, Colonna: col, Motivo: fmt.Sprintf(format, args...)})
	}

	cf := anagrafe.NormalizzaCodiceFiscale(r.CodiceFiscale)
	switch err := anagrafe.ValidaCodiceFiscale(cf); {
	case cf == "":
		e(ColCodiceFiscale, "mancante")
	case errors.Is(err, anagrafe.MotivoLuogo):
		w(ColCodiceFiscale, "%s: verificare il codice", anagrafe.Dettaglio(err))
	case err != nil:
		e(ColCodiceFiscale, "%s", anagrafe.Dettaglio(err))
	}
	if err := appio.ValidateFiscalCode(cf); err != nil && cf != "" && len(errs) == 0 {
		e(ColCodiceFiscale, "%s", ioMessage(err))
	}

	if m := testo(r.Oggetto, appio.SubjectMin, appio.SubjectMax); m != "" {
		e(ColOggetto, "%s", m)
	}
	if m := testo(r.Contenuto, appio.MarkdownMin, appio.MarkdownMax); m != "" {
		e(ColContenuto, "%s", m)
	}
	for _, m := range datiPersonali(r.Oggetto, nominativo) {
		w(ColOggetto, "%s", m)
	}

	if !r.Scadenza.IsZero() {
		switch y := r.Scadenza.UTC().Year(); {
		case y < 1 || y > 9999:
			e(ColScadenza, "anno %d non valido", y)
		case !oggi.IsZero() && r.Scadenza.Before(oggi):
			w(ColScadenza, "scadenza %s già passata", r.Scadenza.In(Roma).Format("02/01/2006"))
		}
	}

	pagamento := r.Importo != 0 || r.CodiceAvviso != ""
	switch {
	case r.Importo == 0 && r.CodiceAvviso != "":
		e(ColImporto, "mancante: con il codice avviso serve anche l'importo (almeno 0,01 €)")
	case r.Importo != 0 && r.CodiceAvviso == "":
		e(ColCodiceAvviso, "mancante: con l'importo serve anche il codice avviso pagoPA")
	}
	switch {
	case r.Importo == 0:
	case r.Importo < appio.AmountMin:
		e(ColImporto, "minimo 0,01 €, indicati %s €", FormattaImporto(r.Importo))
	case r.Importo > appio.AmountMax:
		e(ColImporto, "importo %s € oltre il massimo ammesso da App IO (%s €)", FormattaImporto(r.Importo), FormattaImporto(appio.AmountMax))
	case s.ImportoMassimo > 0 && r.Importo > s.ImportoMassimo:
		e(ColImporto, "importo %s € oltre il massimo del servizio (%s €)", FormattaImporto(r.Importo), FormattaImporto(s.ImportoMassimo))
	}
	if r.CodiceAvviso != "" {
		if err := pagopa.ValidaCodiceAvviso(r.CodiceAvviso); err != nil {
			e(ColCodiceAvviso, "%s", err)
		}
	}
	if pagamento && !r.PagaDopoScadenza && r.Scadenza.IsZero() {
		e(ColPagaDopoScadenza, "«no» richiede una scadenza: indicarla, oppure lasciare l'avviso pagabile anche dopo")
	}
	return errs, avvisi
}

// ioMessage is the reason of an appio validation error without its field.
func ioMessage(err error) string {
	var v *appio.ValidationError
	if errors.As(err, &v) {
		return v.Message
	}
	return err.Error()
}

// testo checks a subject or markdown as IO does; "" when it passes.
func testo(s string, lo, hi int) string {
	if !utf8.ValidString(s) {
		return "contiene caratteri non validi (testo non in UTF-8)"
	}
	if strings.TrimSpace(s) == "" {
		return "mancante"
	}
	switch n := appio.JSLength(s); {
	case n < lo:
		return fmt.Sprintf("minimo %d caratteri, trovati %d", lo, n)
	case n > hi:
		return fmt.Sprintf("massimo %d caratteri, trovati %d", hi, n)
	}
	return ""
}

// cfLike is the shape of a codice fiscale, omocodia included, in any case.
var cfLike = regexp.MustCompile(`(?i)\b[a-z]{6}[0-9lmnpqrstuv]{2}[abcdehlmprst][0-9lmnpqrstuv]{2}[a-z][0-9lmnpqrstuv]{3}[a-z]\b`)

// run16 reports 16 ASCII letters and digits in a row, which any codice
// fiscale needs: most subjects are cleared without the regular expression.
func run16(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' || s[i] >= '0' && s[i] <= '9' {
			if n++; n >= 16 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}

// particelle are the short words of Italian and foreign names that are
// also common words in a subject ("Del Piero", "Dal Monte", "Van Basten").
var particelle = map[string]bool{
	"del": true, "dei": true, "dal": true, "dai": true, "della": true, "delle": true, "dello": true,
	"degli": true, "dalla": true, "dalle": true, "dallo": true, "dell": true, "dall": true,
	"van": true, "von": true, "der": true, "den": true, "des": true, "los": true, "las": true,
}

// datiPersonali warns when a subject seems to name its recipient: the
// manual of IO services forbids personal data in subjects, which show in
// push notifications and on lock screens.
func datiPersonali(oggetto, nominativo string) []string {
	var out []string
	if run16(oggetto) && cfLike.MatchString(oggetto) {
		out = append(out, "l'oggetto sembra contenere un codice fiscale: i dati personali non vanno nell'oggetto, che compare nelle notifiche del telefono")
	}
	if nominativo == "" {
		return out
	}
	inOggetto := make(map[string]bool)
	for _, p := range parole(oggetto) {
		inOggetto[p] = true
	}
	var trovate []string
	for _, p := range parole(nominativo) {
		if len(p) >= 3 && !particelle[p] && inOggetto[p] && !contains(trovate, p) {
			trovate = append(trovate, p)
		}
	}
	if len(trovate) > 0 {
		out = append(out, fmt.Sprintf("l'oggetto sembra contenere il nome del destinatario (%s): i dati personali non vanno nell'oggetto, che compare nelle notifiche del telefono",
			strings.Join(trovate, ", ")))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parole splits s into lower-case words of letters without accents:
// "D'Angelo Niccolò" → [d angelo niccolo].
func parole(s string) []string {
	return strings.FieldsFunc(piega(s), func(r rune) bool { return r < 'a' || r > 'z' })
}

// latinBase maps U+00C0..U+017F to ASCII base letters; '*' marks letters
// written with two (æ, ß, ...), '.' the signs × and ÷.
const latinBase = "" +
	"AAAAAA*CEEEEIIIIDNOOOOO.OUUUUY**" +
	"aaaaaa*ceeeeiiiidnooooo.ouuuuy*y" +
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGg" +
	"GgGgHhHhIiIiIiIiIi**JjKkkLlLlLlL" +
	"lLlNnNnNnnNnOoOoOo**RrRrRrSsSsSs" +
	"SsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs"

var latinMulti = map[rune]string{'Æ': "ae", 'æ': "ae", 'Œ': "oe", 'œ': "oe", 'ß': "ss", 'Þ': "th", 'þ': "th", 'Ĳ': "ij", 'ĳ': "ij"}

// piega lower-cases s and removes accents from Latin letters ("Forlì" →
// "forli"); other characters are kept as they are, lower-cased.
func piega(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteByte(byte(r) + 'a' - 'A')
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r >= 0xC0 && r < 0x180:
			switch c := latinBase[r-0xC0]; c {
			case '*':
				b.WriteString(latinMulti[r])
			case '.':
				b.WriteRune(r)
			default:
				b.WriteByte(c | 0x20)
			}
		default:
			b.WriteString(strings.ToLower(string(r)))
		}
	}
	return b.String()
}

// Impronta is the "identical message" key of a notification for duplicate
// detection: the hex SHA-256 of the service, the normalised fiscal code, the
// subject, the markdown and the payment data (amount, notice number, payable
// after the due date). The due date is not part of it: two messages that
// differ only there are still the same message twice.
func Impronta(servizioID int64, r Riga) string {
	k := impronta(servizioID, r)
	return hex.EncodeToString(k[:])
}

func impronta(servizioID int64, r Riga) [sha256.Size]byte {
	// Without payment the flag means nothing: do not let it tell rows apart.
	paga := r.PagaDopoScadenza || r.Importo == 0 && r.CodiceAvviso == ""
	fields := [...]string{"impronta/v1", strconv.FormatInt(servizioID, 10), anagrafe.NormalizzaCodiceFiscale(r.CodiceFiscale),
		r.Oggetto, r.Contenuto, strconv.FormatInt(r.Importo, 10), pagopa.NormalizzaCodiceAvviso(r.CodiceAvviso), strconv.FormatBool(paga)}
	n := 0
	for _, f := range fields {
		n += 8 + len(f)
	}
	buf := make([]byte, 0, n)
	for _, f := range fields { // length-prefixed: fields cannot run into each other
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return sha256.Sum256(buf)
}

// Messaggio is the App IO payload of the notification for a service of the
// given feature level ("" leaves IO's default). For a Riga that passes
// ValidaRiga, the result passes appio.NewMessage.Validate.
func (r Riga) Messaggio(livello string) appio.NewMessage {
	m := appio.NewMessage{
		FeatureLevelType: appio.FeatureLevel(strings.ToUpper(strings.TrimSpace(livello))),
		Content:          appio.Content{Subject: r.Oggetto, Markdown: r.Contenuto},
	}
	if !r.Scadenza.IsZero() {
		d := r.Scadenza.UTC()
		m.Content.DueDate = &d
	}
	if r.Importo > 0 {
		m.Content.PaymentData = &appio.PaymentData{
			Amount:              r.Importo,
			NoticeNumber:        r.CodiceAvviso,
			InvalidAfterDueDate: !r.PagaDopoScadenza,
		}
	}
	return m
}

// FormattaImporto writes cents the Italian way: 123456 → "1.234,56".
func FormattaImporto(cents int64) string { return pagopa.FormattaImporto(cents) }

// maxCifreImporto bounds the integer part of an amount, far above any
// amount IO accepts and far below int64 overflow.
const maxCifreImporto = 15

// ParseImporto reads an amount in euro and returns it in cents. It accepts
// the Italian way ("1.234,56", "1234,56", "1 234,56"), the machine way
// ("1234.56") and whole euro ("1234", "1.234.567"), with "€" before or
// after. It refuses negative amounts, more than two decimals, and "1.234"
// (thousands or three decimals?). Messages are Italian, with the value.
func ParseImporto(s string) (int64, error) {
	t := strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "€"))
	t = strings.TrimFunc(t, isBlank)
	if t == "" {
		return 0, errors.New("mancante")
	}
	bad := func(format string, args ...any) (int64, error) {
		return 0, fmt.Errorf("«%s» "+format, append([]any{strings.TrimSpace(s)}, args...)...)
	}
	if t[0] == '-' || strings.HasPrefix(t, "−") {
		return bad("è negativo: l'importo deve essere positivo")
	}
	intPart, dec, hasDec := t, "", false
	grouping := " \u00a0\u202f"
	switch {
	case strings.Count(t, ",") > 1:
		return bad("non è un importo: scrivere ad esempio 1.234,56")
	case strings.Contains(t, ","):
		intPart, dec, _ = strings.Cut(t, ",")
		hasDec, grouping = true, grouping+"."
	case strings.Count(t, ".") == 1:
		i, d, _ := strings.Cut(t, ".")
		if len(d) == 3 && allDigits(d) && len(i) >= 1 && len(i) <= 3 && allDigits(i) && i[0] != '0' {
			return bad("è ambiguo: scrivere %s,00 per le migliaia di euro, al massimo 2 decimali per i centesimi", t)
		}
		intPart, dec, hasDec = i, d, true
	default:
		grouping += "."
	}
	digits, ok := groupedDigits(intPart, grouping)
	if !ok || hasDec && !allDigits(dec) || hasDec && dec == "" {
		return bad("non è un importo: scrivere ad esempio 1.234,56")
	}
	if len(dec) > 2 {
		return bad("ha più di 2 decimali")
	}
	digits = strings.TrimLeft(digits, "0")
	if len(digits) > maxCifreImporto {
		return bad("è troppo grande")
	}
	euro, _ := strconv.ParseInt("0"+digits, 10, 64)
	cents, _ := strconv.ParseInt((dec + "00")[:2], 10, 64)
	return euro*100 + cents, nil
}

func isBlank(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\t' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// groupedDigits reads an integer written with optional thousands
// separators (any one of seps, used consistently: 1-3 digits, then groups of
// 3) and returns its digits.
func groupedDigits(s, seps string) (string, bool) {
	if s == "" {
		return "", false
	}
	i := strings.IndexAny(s, seps)
	if i < 0 {
		return s, allDigits(s)
	}
	sep, _ := utf8.DecodeRuneInString(s[i:])
	groups := strings.Split(s, string(sep))
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for j, g := range groups {
		if !allDigits(g) || j > 0 && len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

var (
	reDataIT  = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$`)
	reDataISO = regexp.MustCompile(`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$`)
	reData8   = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	reSeriale = regexp.MustCompile(`^\d{1,7}(?:[.,]\d+)?$`)
	reAnno2   = regexp.MustCompile(`^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$`)
)

// Excel serials accepted as due dates: 2000-01-01 to 9999-12-31. A smaller
// number is more likely a year or an amount in the wrong column.
const (
	serialeMin = 36526
	serialeMax = 2958465
)

// ParseScadenza reads a due date: dd/mm/yyyy (also with '-' or '.'),
// yyyy-mm-dd, yyyymmdd, or an Excel serial number ("46023" is 1 January
// 2026); each may carry a time (hh:mm[:ss]). A date alone means the end of
// that day in Italy, 23:59:59 Europe/Rome; a time without zone is Italian
// time.
func ParseScadenza(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	bad := func(format string, args ...any) (time.Time, error) {
		return time.Time{}, fmt.Errorf("«%s» "+format, append([]any{t}, args...)...)
	}
	if t == "" {
		return time.Time{}, errors.New("mancante")
	}
	var y, mo, d, h, mi, sec, nsec int
	hasTime := false
	loc := Roma
	switch {
	case fixed(t, "dddd-dd-dd"): // what date cells of a workbook read as
		y, mo, d = atoi(t[:4]), atoi(t[5:7]), atoi(t[8:])
	case fixed(t, "dd/dd/dddd"):
		d, mo, y = atoi(t[:2]), atoi(t[3:5]), atoi(t[6:])
	case reData8.MatchString(t):
		m := reData8.FindStringSubmatch(t)
		y, mo, d = atoi(m[1]), atoi(m[2]), atoi(m[3])
	case reSeriale.MatchString(t):
		f, _ := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
		if f < serialeMin || f >= serialeMax+1 {
			return bad("non è una data: scrivere gg/mm/aaaa")
		}
		v, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return bad("non è una data: scrivere gg/mm/aaaa")
		}
		v = v.Round(time.Second)
		y, mo, d = v.Year(), int(v.Month()), v.Day()
		h, mi, sec = v.Clock()
		hasTime = f != math.Trunc(f)
	case reDataIT.MatchString(t):
		m := reDataIT.FindStringSubmatch(t)
		d, mo, y = atoi(m[1]), atoi(m[2]), atoi(m[3])
		if m[4] != "" {
			hasTime, h, mi, sec = true, atoi(m[4]), atoi(m[5]), atoi(m[6])
		}
	case reDataISO.MatchString(t):
		m := reDataISO.FindStringSubmatch(t)
		y, mo, d = atoi(m[1]), atoi(m[2]), atoi(m[3])
		if m[4] != "" {
			hasTime, h, mi, sec = true, atoi(m[4]), atoi(m[5]), atoi(m[6])
			nsec = atoi((m[7] + "000000000")[:9])
		}
		if m[8] != "" {
			z, err := time.Parse("-0700", strings.Replace(strings.Replace(m[8], "Z", "+0000", 1), ":", "", 1))
			if err != nil {
				return bad("ha un fuso orario non valido")
			}
			_, off := z.Zone()
			loc = time.FixedZone("", off)
		}
	case reAnno2.MatchString(t):
		return bad("ha l'anno a due cifre: scrivere gg/mm/aaaa")
	default:
		return bad("non è una data: scrivere gg/mm/aaaa")
	}
	if y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return bad("è una data inesistente")
	}
	if !hasTime {
		h, mi, sec = 23, 59, 59
	}
	v := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc)
	if v.Day() != d {
		return bad("è una data inesistente")
	}
	return v, nil
}

// fixed matches s against a layout where 'd' is any digit and every
// other byte stands for itself: a fast path before the regular expressions.
func fixed(s, layout string) bool {
	if len(s) != len(layout) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if layout[i] == 'd' && (s[i] < '0' || s[i] > '9') || layout[i] != 'd' && s[i] != layout[i] {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// ParseSiNo reads a yes/no cell: sì, si, s, yes, y, true, vero, 1, x are
// yes; no, n, false, falso, 0 are no (case and accents ignored). An empty
// cell is neither: set is false and the caller applies its default.
func ParseSiNo(s string) (value, set bool, err error) {
	switch strings.TrimSpace(piega(s)) {
	case "":
		return false, false, nil
	case "si", "s", "yes", "y", "true", "vero", "1", "x":
		return true, true, nil
	case "no", "n", "false", "falso", "0":
		return false, true, nil
	}
	return false, false, fmt.Errorf("«%s» non valido: scrivere sì o no", strings.TrimSpace(s))
}
