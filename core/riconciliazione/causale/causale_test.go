package causale

import (
	"fmt"
	"strings"
	"testing"
)

const (
	iufABI = "2024-01-15ABI03069-S123456789"
	iufBIC = "2024-01-15BBBBBBBB-xxxx"
	iuv17  = "01000000000000144" // segregation 01, base 1, check 44 (REFERENCE.md)
)

func flusso(iuf string) Riferimento { return Riferimento{Tipo: Flusso, IUF: iuf} }
func pagamento(iuv string, cent int64, con bool) Riferimento {
	return Riferimento{Tipo: Pagamento, IUV: iuv, Importo: cent, ConImporto: con}
}

func TestLeggi(t *testing.T) {
	casi := []struct {
		in   string
		want Riferimento
	}{
		// Reporting flows, clean and mangled.
		{"/PUR/LGPE-RIVERSAMENTO/URI/" + iufABI, flusso(iufABI)},
		{"/PUR/LGPE- RIVERSAMENTO/URI/" + iufABI, flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/ URI /" + iufABI, flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO URI " + iufABI, flusso(iufABI)},
		{"/PUR/LGPE RIVERSAMENTO/URI/" + iufABI, flusso(iufABI)},
		{"LGPE-RIVERSAMENTO/URI/" + iufABI, flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/" + iufABI, flusso(iufABI)},
		{"/pur/lgpe-riversamento/uri/2024-01-15abi03069-s123456789", flusso("2024-01-15abi03069-s123456789")},
		{"RI1 /PUR/LGPE-RIVERSAMENTO/URI/" + iufABI, flusso(iufABI)},
		{"RI1/PUR/LGPE-RIVERSAMENTO/URI/" + iufABI, flusso(iufABI)},
		{"ACCREDITO BONIFICO DA PAGOPA SPA /PUR/LGPE-RIVERSAMENTO/URI/" + iufBIC, flusso(iufBIC)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/" + iufABI + " DATA 15/01/2024", flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/" + iufABI + "/TXT/RIVERSAMENTO PAGOPA", flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024 -01-15ABI03069-S123456789", flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024-01- 15ABI03069-S123456789", flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2 0 2 4 - 0 1 - 1 5ABI03069-S123456789", flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024-01-15 ABI03069-S123456789", flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/ 2024-01-15ABI03069-S123456789", flusso(iufABI)},
		{"/PUR/LGPE-RIVERSAMENTO/URI/\t" + iufBIC + "\r\n", flusso(iufBIC)},
		{"BONIFICO / URI /" + iufABI, flusso(iufABI)},
		{"RIVERSAMENTO /PUR/LGPE-RIVERSAMENTO/URI/2024-02-29POSTE3-a1b2", flusso("2024-02-29POSTE3-a1b2")},
		{"   /PUR/LGPE-RIVERSAMENTO/URI/2023-12-31UNCRITMMXXX_0001", flusso("2023-12-31UNCRITMMXXX_0001")},
		{"/PUR/LGPE-RIVERSAMENTO/URI/" + iufABI + " RIF /RFB/" + iuv17 + "/150.00", flusso(iufABI)},
		// A broken first candidate does not hide a good one later on.
		{"/URI/2024-13-01X /PUR/LGPE-RIVERSAMENTO/URI/" + iufABI, flusso(iufABI)},

		// Single payments.
		{"/RFB/" + iuv17 + "/150.00", pagamento(iuv17, 15000, true)},
		{"/RFB/" + iuv17 + "/150,00", pagamento(iuv17, 15000, true)},
		{"/RFB/" + iuv17, pagamento(iuv17, 0, false)},
		{"/RFB/" + iuv17 + "/", pagamento(iuv17, 0, false)},
		{"/RFB/010000000000001/7.5", pagamento("010000000000001", 750, true)},
		{"/RFS/RF45W9/12.50", pagamento("RF45W9", 1250, true)},
		{"/RFS/" + iuv17 + "/99", pagamento(iuv17, 9900, true)},
		{"/rfb/" + iuv17 + "/150.00/TXT/TARI 2024", pagamento(iuv17, 15000, true)},
		{"/RFB/" + iuv17 + "/TXT/TARI ACCONTO", pagamento(iuv17, 0, false)},
		{"BONIFICO /RFB/ " + iuv17 + " / 150.00 ROSSI MARIO", pagamento(iuv17, 15000, true)},
		{"RFB/" + iuv17 + "/20.00", pagamento(iuv17, 2000, true)},
		{"/RFB/" + iuv17 + "/150.001", pagamento(iuv17, 0, false)},
		{"/RFB/" + iuv17 + "/1.500,00", pagamento(iuv17, 0, false)},
		{"/RFB/" + iuv17 + "/150.00EUR", pagamento(iuv17, 0, false)},

		// Nothing to find.
		{"", Riferimento{}},
		{"RIVERSAMENTO QUOTE PAGOPA GENNAIO 2024", Riferimento{}},
		{"RIVERSAMENTO 2024-01-15ABI03069-S123456789", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024-13-15ABI03069-S1", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2023-02-29ABI03069-S1", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/15-01-2024ABI03069-S1", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024-01-15", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024-01-15/TXT/X", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024-01-15-S1", Riferimento{}},
		{"/PUR/LGPE-RIVERSAMENTO/URI/2024-01-15ABI03069-S12345678901234567890", Riferimento{}},
		{"SECURITY /URIX/" + iufABI, Riferimento{}},
		{"/RFS/1234567890123/150.00", Riferimento{}},
		{"/RFB/0100000000000014/150.00", Riferimento{}},
		{"/RFB/" + iuv17 + "X/150.00", Riferimento{}},
		{"/RFB/" + iuv17 + "-1/150.00", Riferimento{}},
		{"/RFS/RF46W9/1.00", Riferimento{}},
		{"PAGAMENTO TARI RFB " + iuv17, Riferimento{}},
		{"XRFB/" + iuv17 + "/1.00", Riferimento{}},
	}
	if len(casi) < 30 {
		t.Fatalf("only %d cases", len(casi))
	}
	for _, c := range casi {
		if got := Leggi(c.in); got != c.want {
			t.Errorf("Leggi(%q)\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
}

func TestIUVValido(t *testing.T) {
	for _, s := range []string{iuv17, "010000000000001", "RF45w9", "rf45W9", "RF18539007547034"} {
		if !IUVValido(s) {
			t.Errorf("IUVValido(%q) = false", s)
		}
	}
	for _, s := range []string{"", "0100000000000014", "01000000000000144X", "RF46W9", "RF45", "RF4X9", "RF45W9" + strings.Repeat("0", 20), "R F45W9"} {
		if IUVValido(s) {
			t.Errorf("IUVValido(%q) = true", s)
		}
	}
}

func TestTipoString(t *testing.T) {
	if Nessuno.String() != "nessuno" || Flusso.String() != "flusso" || Pagamento.String() != "pagamento" {
		t.Fatal(Nessuno, Flusso, Pagamento)
	}
}

// senzaSpazi is the normalised input the fuzz test checks against: the
// scanner only ever skips blanks, so what it returns is a substring of it.
func senzaSpazi(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && spazio(byte(r)) {
			return -1
		}
		return r
	}, s)
}

// iufPlausibile builds an IUF from arbitrary fuzz input: a valid date, then
// characters of the IUF alphabet, starting with a letter or digit.
func iufPlausibile(anno uint16, mese, giorno uint8, resto string) string {
	const alfabeto = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b strings.Builder
	fmt.Fprintf(&b, "%04d-%02d-%02d", 2000+int(anno)%100, 1+int(mese)%12, 1+int(giorno)%28)
	for i := 0; i < len(resto) && b.Len() < maxIUF; i++ {
		c := alfabeto[int(resto[i])%len(alfabeto)]
		if b.Len() == 10 && (c == '-' || c == '_') {
			c = 'P'
		}
		b.WriteByte(c)
	}
	if b.Len() == 10 {
		b.WriteString("X")
	}
	return b.String()
}

func FuzzCausale(f *testing.F) {
	f.Add("/PUR/LGPE-RIVERSAMENTO/URI/"+iufABI, uint16(24), uint8(0), uint8(14), "ABI03069-S1")
	f.Add("/RFB/"+iuv17+"/150,00", uint16(1), uint8(11), uint8(27), "x")
	f.Add("/RFS/RF45W9/12.5 /TXT/", uint16(99), uint8(1), uint8(1), "")
	f.Add("RI1 /pur/lgpe- riversamento/ uri /2024 -01-15abi DATA 15/01/2024", uint16(0), uint8(0), uint8(0), "--__")
	f.Fuzz(func(t *testing.T, s string, anno uint16, mese, giorno uint8, resto string) {
		r := Leggi(s)
		norm := senzaSpazi(s)
		switch r.Tipo {
		case Nessuno:
			if r != (Riferimento{}) {
				t.Fatalf("Nessuno with data: %+v", r)
			}
		case Flusso:
			if r.IUV != "" || r.ConImporto || len(r.IUF) < 11 || len(r.IUF) > maxIUF || !strings.Contains(norm, r.IUF) {
				t.Fatalf("%q: bad flusso %+v", s, r)
			}
		case Pagamento:
			if r.IUF != "" || !IUVValido(r.IUV) || !strings.Contains(norm, r.IUV) || !r.ConImporto && r.Importo != 0 || r.Importo < 0 {
				t.Fatalf("%q: bad pagamento %+v", s, r)
			}
		default:
			t.Fatalf("tipo %d", r.Tipo)
		}

		iuf := iufPlausibile(anno, mese, giorno, resto)
		for _, c := range []string{"/PUR/LGPE-RIVERSAMENTO/URI/" + iuf, "/PUR/LGPE-RIVERSAMENTO/URI/" + iuf + " " + s} {
			if got := Leggi(c); got != flusso(iuf) {
				t.Fatalf("Leggi(%q) = %+v, want IUF %q", c, got, iuf)
			}
		}
	})
}
