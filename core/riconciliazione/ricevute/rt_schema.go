package ricevute

// The paForNode.xsd schema of paSendRTReq and paSendRTV2Request as data
// for lettoreRT: each leaf checks its value (simple types of paForNode.xsd
// and sac-common-types-1.0.xsd) and stores it in the Ricevuta being read.

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

func complesso(nome string, min, max int, inizio func(*lettoreRT), figli ...*nodo) *nodo {
	return &nodo{nome: nome, min: min, max: max, inizio: inizio, figli: figli}
}

func scelta(alt ...*nodo) *nodo { return &nodo{min: 1, max: 1, alt: alt} }

func foglia(nome string, min int, valore func(*lettoreRT, string) string) *nodo {
	return &nodo{nome: nome, min: min, max: 1, valore: valore}
}

// txt is a string of 1 to max characters.
func txt(nome string, min, max int, set func(*lettoreRT, string)) *nodo {
	return foglia(nome, min, func(l *lettoreRT, v string) string {
		if n := utf8.RuneCountInString(v); n > max {
			return fmt.Sprintf("lungo %d caratteri, massimo %d", n, max)
		}
		set(l, v)
		return ""
	})
}

func enum(nome string, min int, set func(*lettoreRT, string), valori ...string) *nodo {
	return foglia(nome, min, func(l *lettoreRT, v string) string {
		for _, ok := range valori {
			if v == ok {
				set(l, v)
				return ""
			}
		}
		return fmt.Sprintf("valore %q non ammesso: valori validi %s", tronca(v), strings.Join(valori, ", "))
	})
}

// numerico is a string of exactly n digits.
func numerico(nome string, n int, cosa string, set func(*lettoreRT, string)) *nodo {
	return foglia(nome, 1, func(l *lettoreRT, v string) string {
		if len(v) != n || strings.Trim(v, "0123456789") != "" {
			return fmt.Sprintf("%s %q non valido: attese %d cifre", cosa, tronca(v), n)
		}
		set(l, v)
		return ""
	})
}

// imp is stAmount (\d+\.\d{2}, at most 999999999.99) or, with nonZero,
// stAmountNotZero.
func imp(nome string, min int, nonZero bool, set func(*lettoreRT, int64)) *nodo {
	return foglia(nome, min, func(l *lettoreRT, v string) string {
		i := strings.IndexByte(v, '.')
		c, err := tracciato.Centesimi(v)
		switch {
		case i < 1 || len(v)-i != 3 || strings.Trim(v[:i]+v[i+1:], "0123456789") != "" || err != nil:
			return fmt.Sprintf("importo %q non valido: formato atteso 150.00 (punto e due decimali)", tronca(v))
		case c > 99999999999:
			return fmt.Sprintf("importo %s oltre il massimo 999999999.99", v)
		case nonZero && c == 0:
			return "importo zero non ammesso"
		}
		set(l, c)
		return ""
	})
}

// dat is xsd:date or, with ora, xsd:dateTime; an optional zone is honoured.
func dat(nome string, ora bool, set func(*lettoreRT, time.Time)) *nodo {
	return foglia(nome, 0, func(l *lettoreRT, v string) string {
		layout, esempio := "2006-01-02", "2021-10-01"
		if ora {
			layout, esempio = "2006-01-02T15:04:05", "2021-10-01T17:48:22"
		}
		// time.Parse is lenient on one-digit hours: check the shape first.
		forma := len(v) >= len(layout)
		for i := 0; forma && i < len(layout); i++ {
			d := layout[i] >= '0' && layout[i] <= '9'
			forma = d == (v[i] >= '0' && v[i] <= '9') && (d || v[i] == layout[i])
		}
		t, err := time.Parse(layout+"Z07:00", v)
		if err != nil {
			t, err = time.Parse(layout, v)
		}
		if !forma || err != nil {
			return fmt.Sprintf("data %q non valida: formato atteso %s", tronca(v), esempio)
		}
		set(l, t)
		return ""
	})
}

func boolXSD(nome string, set func(*lettoreRT, bool)) *nodo {
	return foglia(nome, 0, func(l *lettoreRT, v string) string {
		switch v {
		case "true", "1":
			set(l, true)
		case "false", "0":
			set(l, false)
		default:
			return fmt.Sprintf("valore %q non valido: atteso true o false", tronca(v))
		}
		return ""
	})
}

// Subject, e-mail and country follow common-types (sac-common-types-1.0).
func soggetto(nome string, min int, inizio func(*lettoreRT), s func(*lettoreRT) *Soggetto) *nodo {
	return complesso(nome, min, 1, inizio,
		complesso("uniqueIdentifier", 1, 1, nil,
			enum("entityUniqueIdentifierType", 1, func(l *lettoreRT, v string) { s(l).Tipo = v }, "F", "G"),
			foglia("entityUniqueIdentifierValue", 1, func(l *lettoreRT, v string) string {
				if n := utf8.RuneCountInString(v); n < 2 || n > 16 {
					return fmt.Sprintf("lungo %d caratteri, ammessi da 2 a 16", n)
				}
				s(l).Codice = v
				return ""
			})),
		txt("fullName", 1, 70, func(l *lettoreRT, v string) { s(l).Nome = v }),
		txt("streetName", 0, 70, func(l *lettoreRT, v string) { s(l).Indirizzo = v }),
		txt("civicNumber", 0, 16, func(l *lettoreRT, v string) { s(l).Civico = v }),
		txt("postalCode", 0, 16, func(l *lettoreRT, v string) { s(l).CAP = v }),
		txt("city", 0, 35, func(l *lettoreRT, v string) { s(l).Localita = v }),
		txt("stateProvinceRegion", 0, 35, func(l *lettoreRT, v string) { s(l).Provincia = v }),
		foglia("country", 0, func(l *lettoreRT, v string) string {
			if len(v) != 2 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
				return fmt.Sprintf("nazione %q non valida: attese due lettere maiuscole (es. IT)", tronca(v))
			}
			s(l).Nazione = v
			return ""
		}),
		foglia("e-mail", 0, func(l *lettoreRT, v string) string {
			if !emailXSD(v) {
				return fmt.Sprintf("indirizzo e-mail %q non valido", tronca(v))
			}
			s(l).Email = v
			return ""
		}))
}

// emailXSD is stEMail: [a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*, at
// most 256 characters.
func emailXSD(v string) bool {
	at := strings.IndexByte(v, '@')
	if len(v) > 256 || at < 1 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		ok := alnum(c) || c == '-' || c == '.' && i > at+1 && i < len(v)-1 && v[i-1] != '.' || i < at && (c == '_' || c == '.' || c == '+')
		if i != at && !ok {
			return false
		}
	}
	return at < len(v)-1 && v[at+1] != '.'
}

func alnum(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' }

func metadata(m func(*lettoreRT) *map[string]string) *nodo {
	return complesso("metadata", 0, 1, func(l *lettoreRT) { l.meta = map[string]string{}; *m(l) = l.meta },
		complesso("mapEntry", 1, 15, func(l *lettoreRT) { l.chiave = "" },
			txt("key", 1, 140, func(l *lettoreRT, v string) { l.chiave = v }),
			foglia("value", 1, func(l *lettoreRT, v string) string {
				if n := utf8.RuneCountInString(v); n > 140 {
					return fmt.Sprintf("lungo %d caratteri, massimo 140", n)
				}
				if _, ok := l.meta[l.chiave]; ok {
					return fmt.Sprintf("chiave %q ripetuta", tronca(l.chiave))
				}
				l.meta[l.chiave] = v
				return ""
			})))
}

func trasf(l *lettoreRT) *Trasferimento { return &l.r.Trasferimenti[len(l.r.Trasferimenti)-1] }

func transfer(v2 bool) *nodo {
	iban := txt("IBAN", 1, 35, func(l *lettoreRT, v string) { trasf(l).IBAN = v })
	figli := []*nodo{
		foglia("idTransfer", 1, func(l *lettoreRT, v string) string {
			if len(v) != 1 || v[0] < '1' || v[0] > '5' {
				return fmt.Sprintf("idTransfer %q non valido: ammessi da 1 a 5", tronca(v))
			}
			n := int(v[0] - '0')
			for _, t := range l.r.Trasferimenti[:len(l.r.Trasferimenti)-1] {
				if t.IDTransfer == n {
					return fmt.Sprintf("idTransfer %d ripetuto", n)
				}
			}
			trasf(l).IDTransfer = n
			return ""
		}),
		imp("transferAmount", 1, true, func(l *lettoreRT, c int64) { trasf(l).Importo = c }),
		numerico("fiscalCodePA", 11, "codice fiscale dell'ente", func(l *lettoreRT, v string) { trasf(l).CFEnte = v }),
	}
	if v2 {
		figli = append(figli,
			txt("companyName", 0, 140, func(l *lettoreRT, v string) { trasf(l).Ente = v }),
			scelta(iban, foglia("MBDAttachment", 1, func(l *lettoreRT, v string) string {
				v = strings.Map(func(r rune) rune {
					if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
						return -1
					}
					return r
				}, v)
				if _, err := base64.StdEncoding.DecodeString(v); err != nil {
					return "MBDAttachment non è base64 valido"
				}
				trasf(l).MarcaDaBollo = v
				return ""
			})))
	} else {
		figli = append(figli, iban)
	}
	figli = append(figli,
		txt("remittanceInformation", 1, 140, func(l *lettoreRT, v string) { trasf(l).Causale = v }),
		txt("transferCategory", 1, 140, func(l *lettoreRT, v string) { trasf(l).Categoria = v }),
		metadata(func(l *lettoreRT) *map[string]string { return &trasf(l).MetaDati }))
	return complesso("transfer", 1, 5, func(l *lettoreRT) { l.r.Trasferimenti = append(l.r.Trasferimenti, Trasferimento{}) }, figli...)
}

func receipt(v2 bool) *nodo {
	r := func(l *lettoreRT) *Ricevuta { return &l.r }
	figli := []*nodo{
		txt("receiptId", 1, 35, func(l *lettoreRT, v string) { r(l).ReceiptID = v }),
		numerico("noticeNumber", 18, "codice avviso", func(l *lettoreRT, v string) { r(l).NoticeNumber = v }),
		numerico("fiscalCode", 11, "codice fiscale dell'ente", func(l *lettoreRT, v string) { r(l).CFEnte = v }),
		enum("outcome", 1, func(l *lettoreRT, v string) { r(l).Outcome = v }, "OK", "KO"),
		txt("creditorReferenceId", 1, 35, func(l *lettoreRT, v string) { r(l).IUV, l.rigaIUV = v, l.riga }),
		imp("paymentAmount", 1, false, func(l *lettoreRT, c int64) { r(l).Importo, l.rigaImporto = c, l.riga }),
		txt("description", 1, 140, func(l *lettoreRT, v string) { r(l).Descrizione = v }),
		txt("companyName", 1, 140, func(l *lettoreRT, v string) { r(l).Ente = v }),
		txt("officeName", 0, 140, func(l *lettoreRT, v string) { r(l).Ufficio = v }),
		soggetto("debtor", 1, nil, func(l *lettoreRT) *Soggetto { return &l.r.Debitore }),
		complesso("transferList", 1, 1, nil, transfer(v2)),
		txt("idPSP", 1, 35, func(l *lettoreRT, v string) { r(l).PSP.ID = v }),
		txt("pspFiscalCode", 0, 70, func(l *lettoreRT, v string) { r(l).PSP.CodiceFiscale = v }),
		txt("pspPartitaIVA", 0, 20, func(l *lettoreRT, v string) { r(l).PSP.PartitaIVA = v }),
		txt("PSPCompanyName", 1, 70, func(l *lettoreRT, v string) { r(l).PSP.Nome = v }),
		txt("idChannel", 1, 35, func(l *lettoreRT, v string) { r(l).Canale = v }),
		txt("channelDescription", 1, 35, func(l *lettoreRT, v string) { r(l).DescrizioneCanale = v }),
		soggetto("payer", 0, func(l *lettoreRT) { l.r.Versante = &Soggetto{} }, func(l *lettoreRT) *Soggetto { return l.r.Versante }),
		txt("paymentMethod", 0, 35, func(l *lettoreRT, v string) { r(l).MetodoPagamento = v }),
	}
	if v2 {
		figli = append(figli, txt("paymentNote", 0, 210, func(l *lettoreRT, v string) { r(l).NotaPagamento = v }))
	}
	figli = append(figli, imp("fee", 0, false, func(l *lettoreRT, c int64) { r(l).Commissione, r(l).ConCommissione = c, true }))
	if v2 {
		figli = append(figli,
			imp("primaryCiIncurredFee", 0, false, func(l *lettoreRT, c int64) { r(l).CommissioneEnte, r(l).ConCommissioneEnte = c, true }),
			txt("idBundle", 0, 70, func(l *lettoreRT, v string) { r(l).IDBundle = v }),
			txt("idCiBundle", 0, 70, func(l *lettoreRT, v string) { r(l).IDCiBundle = v }))
	}
	figli = append(figli,
		dat("paymentDateTime", true, func(l *lettoreRT, t time.Time) { r(l).DataPagamento = t }),
		dat("applicationDate", false, func(l *lettoreRT, t time.Time) { r(l).DataApplicazione = t }),
		dat("transferDate", false, func(l *lettoreRT, t time.Time) { r(l).DataTrasferimento = t }),
		metadata(func(l *lettoreRT) *map[string]string { return &l.r.Metadata }),
		boolXSD("standIn", func(l *lettoreRT, b bool) { r(l).StandIn = b }))
	return complesso("receipt", 1, 1, nil, figli...)
}

func richiesta(nome string, v2 bool) *nodo {
	return complesso(nome, 1, 1, nil,
		txt("idPA", 1, 35, func(l *lettoreRT, v string) { l.r.IDPA = v }),
		txt("idBrokerPA", 1, 35, func(l *lettoreRT, v string) { l.r.IDBrokerPA = v }),
		txt("idStation", 1, 35, func(l *lettoreRT, v string) { l.r.IDStazione = v }),
		receipt(v2))
}

var (
	richiestaV1 = richiesta("paSendRTReq", false)
	richiestaV2 = richiesta("paSendRTV2Request", true)
)
