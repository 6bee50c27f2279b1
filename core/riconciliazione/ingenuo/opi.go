package ingenuo

import "encoding/xml"

// MovimentoOPI is what the naive reading keeps of a treasury movement.
type MovimentoOPI struct {
	TipoMovimento  string `xml:"tipo_movimento"`
	TipoDocumento  string `xml:"tipo_documento"`
	TipoOperazione string `xml:"tipo_operazione"`
	Importo        string `xml:"importo"`
	Bolletta       string `xml:"numero_bolletta_quietanza"`
	DataMovimento  string `xml:"data_movimento"`
	DataValuta     string `xml:"data_valuta_ente"`
	Anagrafica     string `xml:"cliente>anagrafica_cliente"`
	Causale        string `xml:"causale"`
}

// GiornaleOPI decodes a whole OPI journal held in memory with xml.Unmarshal,
// checking nothing: the baseline of the streaming reader, whose memory
// grows with the file.
func GiornaleOPI(data []byte) ([]MovimentoOPI, error) {
	var doc struct {
		Esercizio int `xml:"esercizio"`
		Conti     []struct {
			Conto     string         `xml:"conto_evidenza"`
			Movimenti []MovimentoOPI `xml:"movimento_conto_evidenza"`
		} `xml:"informazioni_conto_evidenza"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []MovimentoOPI
	for _, c := range doc.Conti {
		out = append(out, c.Movimenti...)
	}
	return out, nil
}
