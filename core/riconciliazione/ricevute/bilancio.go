package ricevute

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
)

// The bilancio column of the MyPay files is an XML fragment (type ctBilancio
// of PagInf_Dovuti_Pagati 6.2, any namespace):
//
//	<bilancio><capitolo><codCapitolo>..</codCapitolo>[<codUfficio>..</codUfficio>]
//	  <accertamento>[<codAccertamento>..</codAccertamento>]<importo>..</importo></accertamento>...
//	</capitolo>...</bilancio>
//
// It is read into one VoceBilancio per accertamento.

// maxCodiceBilancio bounds the chapter, office and assessment codes.
const maxCodiceBilancio = 64

func leggiBilancio(s string) ([]VoceBilancio, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	x := &xmlBilancio{d: d}
	root, err := x.figlio()
	if err == nil && root == nil {
		err = errors.New("manca l'elemento bilancio")
	}
	if err == nil && root.Name.Local != "bilancio" {
		err = fmt.Errorf("atteso l'elemento bilancio, trovato %s", root.Name.Local)
	}
	var voci []VoceBilancio
	for err == nil {
		var cap *xml.StartElement
		if cap, err = x.figlio(); err != nil || cap == nil {
			break
		}
		if cap.Name.Local != "capitolo" {
			err = fmt.Errorf("elemento %s non previsto in bilancio: atteso capitolo", cap.Name.Local)
			break
		}
		voci, err = x.capitolo(voci)
	}
	if err == nil && len(voci) == 0 {
		err = errors.New("bilancio senza capitoli")
	}
	if err == nil {
		var el *xml.StartElement
		if el, err = x.figlio(); err == nil && el != nil {
			err = fmt.Errorf("elemento %s dopo la fine del bilancio", el.Name.Local)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bilancio non valido: %v", err)
	}
	return voci, nil
}

type xmlBilancio struct{ d *xml.Decoder }

// figlio returns the next child element of the current one, nil at its end
// (or at the end of the document); only blanks may sit between elements.
func (x *xmlBilancio) figlio() (*xml.StartElement, error) {
	for {
		tok, err := x.d.Token()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			return nil, nil
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("testo %q fuori posto", strings.TrimSpace(string(t)))
			}
		}
	}
}

// testo reads the text of the leaf element just opened.
func (x *xmlBilancio) testo(nome string) (string, error) {
	var b strings.Builder
	for {
		tok, err := x.d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			return "", fmt.Errorf("%s non può contenere l'elemento %s", nome, t.Name.Local)
		case xml.EndElement:
			v := strings.TrimSpace(b.String())
			if v == "" {
				return "", fmt.Errorf("%s vuoto", nome)
			}
			if motivo := controllaTesto(v, maxCodiceBilancio); motivo != "" {
				return "", fmt.Errorf("%s %s", nome, motivo)
			}
			return v, nil
		}
	}
}

// capitolo reads codCapitolo, codUfficio?, accertamento+.
func (x *xmlBilancio) capitolo(voci []VoceBilancio) ([]VoceBilancio, error) {
	var cap, uff string
	accertamenti := 0
	for {
		el, err := x.figlio()
		if err != nil {
			return nil, err
		}
		if el == nil {
			break
		}
		switch n := el.Name.Local; {
		case n == "codCapitolo" && cap == "" && uff == "" && accertamenti == 0:
			cap, err = x.testo(n)
		case n == "codUfficio" && cap != "" && uff == "" && accertamenti == 0:
			uff, err = x.testo(n)
		case n == "accertamento" && cap != "":
			var v VoceBilancio
			v, err = x.accertamento()
			v.Capitolo, v.Ufficio = cap, uff
			voci = append(voci, v)
			accertamenti++
		default:
			err = fmt.Errorf("elemento %s fuori posto in capitolo (attesi codCapitolo, codUfficio facoltativo, accertamento)", n)
		}
		if err != nil {
			return nil, err
		}
	}
	if cap == "" || accertamenti == 0 {
		return nil, errors.New("ogni capitolo deve avere codCapitolo e almeno un accertamento")
	}
	return voci, nil
}

// accertamento reads codAccertamento?, importo.
func (x *xmlBilancio) accertamento() (VoceBilancio, error) {
	var v VoceBilancio
	conImporto := false
	for {
		el, err := x.figlio()
		if err != nil {
			return v, err
		}
		if el == nil {
			break
		}
		switch n := el.Name.Local; {
		case n == "codAccertamento" && v.Accertamento == "" && !conImporto:
			v.Accertamento, err = x.testo(n)
		case n == "importo" && !conImporto:
			var s string
			if s, err = x.testo(n); err == nil {
				v.Importo, err = tracciato.Centesimi(s)
				if err == nil && (v.Importo < 0 || v.Importo > 99999999999) {
					err = errors.New("importo fuori intervallo")
				}
				if err != nil {
					err = fmt.Errorf("importo %q non valido", s)
				}
			}
			conImporto = true
		default:
			err = fmt.Errorf("elemento %s fuori posto in accertamento (attesi codAccertamento facoltativo, importo)", n)
		}
		if err != nil {
			return v, err
		}
	}
	if !conImporto {
		return v, errors.New("accertamento senza importo")
	}
	return v, nil
}

// scriviBilancio writes voci, consecutive ones of the same chapter and
// office in one capitolo; "" for none.
func scriviBilancio(voci []VoceBilancio) string {
	if len(voci) == 0 {
		return ""
	}
	var b strings.Builder
	el := func(nome, v string) {
		if v != "" {
			b.WriteString("<" + nome + ">")
			xml.EscapeText(&b, []byte(v))
			b.WriteString("</" + nome + ">")
		}
	}
	b.WriteString("<bilancio>")
	for i, v := range voci {
		if i == 0 || v.Capitolo != voci[i-1].Capitolo || v.Ufficio != voci[i-1].Ufficio {
			if i > 0 {
				b.WriteString("</capitolo>")
			}
			b.WriteString("<capitolo>")
			el("codCapitolo", v.Capitolo)
			el("codUfficio", v.Ufficio)
		}
		b.WriteString("<accertamento>")
		el("codAccertamento", v.Accertamento)
		el("importo", tracciato.Euro(v.Importo))
		b.WriteString("</accertamento>")
	}
	b.WriteString("</capitolo></bilancio>")
	return b.String()
}

// sommaBilancio is the total of voci.
func sommaBilancio(voci []VoceBilancio) int64 {
	var s int64
	for _, v := range voci {
		s += v.Importo
	}
	return s
}
