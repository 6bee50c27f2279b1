package pagopa

import (
	"fmt"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/sportello/sportello/core/pagopa/internal/datamatrix"
)

// StringaQR is what the notice's QR code holds, read by banks' and
// payment apps' scanners: PAGOPA|002|<notice number>|<creditor's fiscal
// code>|<amount in cents>.
func StringaQR(codiceAvviso, cfEnte string, centesimi int64) string {
	return fmt.Sprintf("PAGOPA|002|%s|%s|%d", codiceAvviso, cfEnte, centesimi)
}

// DatiPoste are the fields of the Poste Italiane DataMatrix, printed only
// when the tipo dovuto has a postal account.
type DatiPoste struct {
	CodiceAvviso string
	ContoPostale string // up to 12 digits
	Centesimi    int64
	CFEnte       string
	CFDebitore   string
	Debitore     string // name
	Oggetto      string
}

// StringaDataMatrix is the content of the Poste DataMatrix: fixed-width
// fields as Poste's specification lays them out.
func StringaDataMatrix(d DatiPoste) string {
	var b strings.Builder
	b.WriteString("codfase=NBPA;")
	b.WriteString("18" + d.CodiceAvviso)
	b.WriteString(fmt.Sprintf("12%012s", d.ContoPostale))
	b.WriteString(fmt.Sprintf("10%010d", d.Centesimi))
	b.WriteString("3896")
	b.WriteString("1P1")
	b.WriteString(fisso(d.CFEnte, 11))
	b.WriteString(fisso(d.CFDebitore, 16))
	b.WriteString(fisso(d.Debitore, 40))
	b.WriteString(fisso(d.Oggetto, 110))
	b.WriteString(strings.Repeat(" ", 12))
	b.WriteString("A")
	return b.String()
}

// fisso pads s with spaces, or cuts it, to n characters; Poste's fields
// are ASCII, so accented letters lose their accent.
func fisso(s string, n int) string {
	s = ascii(s)
	if len(s) > n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

var senzaAccenti = strings.NewReplacer("à", "a", "è", "e", "é", "e", "ì", "i", "ò", "o", "ù", "u",
	"À", "A", "È", "E", "É", "E", "Ì", "I", "Ò", "O", "Ù", "U", "’", "'")

func ascii(s string) string {
	s = senzaAccenti.Replace(s)
	return strings.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return ' '
		}
		return r
	}, s)
}

// codiceQR is the notice's QR symbol (error correction M, as pagoPA asks).
func codiceQR(s string) (barcode.Barcode, error) { return qr.Encode(s, qr.M, qr.Auto) }

// codiceDataMatrix is the Poste symbol.
func codiceDataMatrix(s string) (barcode.Barcode, error) { return datamatrix.Encode(s) }
