package avvisi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/sportello/sportello/core/impostazioni"
	"github.com/sportello/sportello/core/internal/pdfcaratteri"
	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
)

// ErrAvvisoNonTrovato: no notice of Sportello's batches has that IUV.
var ErrAvvisoNonTrovato = errors.New("avviso non trovato")

// StampaPDF writes the payment notice of a batch's row, by its IUV or
// notice number, as a PDF. It can be printed again at any time: the
// notice is made of the stored data.
func (s *Service) StampaPDF(ctx context.Context, iuv string, w io.Writer) error {
	x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrAvvisoNonTrovato, iuv)
	}
	if err != nil {
		return err
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return fmt.Errorf("dati dell'ente (Impostazioni → Ente): %w", err)
	}
	return pagopa.StampaAvviso(w, avvisoDaStampare(ente, x))
}

func avvisoDaStampare(ente store.Ente, x store.AvvisoStampa) pagopa.Avviso {
	a, l := x.Avviso, x.Lotto
	scadenza, _ := time.Parse("2006-01-02", l.Scadenza)
	oggetto := a.Causale
	if oggetto == "" {
		oggetto = l.Causale
	}
	debitore := pagopa.Debitore{Nome: a.Intestazione, CodiceFiscale: a.CodiceFiscale}
	if debitore.CodiceFiscale == "" {
		debitore.CodiceFiscale = a.PartitaIVA
	}
	if a.Indirizzo != "" {
		debitore.Indirizzo = append(debitore.Indirizzo, a.Indirizzo)
	}
	if luogo := strings.TrimSpace(strings.Join([]string{a.CAP, a.Comune}, " ")); luogo != "" {
		if a.Provincia != "" {
			luogo += " (" + a.Provincia + ")"
		}
		debitore.Indirizzo = append(debitore.Indirizzo, luogo)
	}
	return pagopa.Avviso{
		Ente:     pagopa.Ente{Nome: ente.Denominazione, CodiceFiscale: ente.CodiceFiscale, Settore: ente.Settore, Info: ente.Indirizzo},
		Debitore: debitore, Oggetto: oggetto, Centesimi: a.Centesimi, Scadenza: scadenza, CodiceAvviso: a.CodiceAvviso,
		ContoPostale: x.TipoDovuto.ContoPostale, IntestatarioConto: x.TipoDovuto.IntestatarioConto, Emesso: l.CreatoIl,
	}
}

// PDFCompleto writes what the debtor of a generated notice receives: the
// cover letter (with its protocol number once registered) and the notice,
// in one PDF.
func (s *Service) PDFCompleto(ctx context.Context, iuv string, w io.Writer) error {
	x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrAvvisoNonTrovato, iuv)
	}
	if err != nil {
		return err
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return fmt.Errorf("dati dell'ente (Impostazioni → Ente): %w", err)
	}
	td, err := s.DB.TipoDovutoByID(ctx, x.Lotto.TipoDovutoID)
	if err != nil {
		return err
	}
	var prot protocolloStampato
	if p, err := s.DB.ProtocolloByRiferimento(ctx, riferimentoProtocollo(x.Avviso.IUPD)); err == nil {
		prot = protocolloStampato{Etichetta: fmt.Sprintf("%d/%07d", p.Anno, p.Numero), Data: p.RegistratoIl}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	var c impostazioni.Casella
	if s.Imp != nil {
		if c, err = s.Imp.Casella(ctx, x.Lotto.Spedizione); err != nil {
			return err
		}
	}
	h := &invioHandler{s: s, lotto: x.Lotto, ente: ente, td: td, casella: c, modello: modelloDelLotto(x.Lotto)}
	l, err := lettere.Prepara(h.modello, h.datiLettera(x, prot))
	if err != nil {
		return err
	}
	return stampaInsieme(w, l, avvisoDaStampare(ente, x), false)
}

// stampaInsieme writes the cover letter and the notice as one PDF; a
// preview is marked as such across every page.
func stampaInsieme(w io.Writer, l lettere.Lettera, a pagopa.Avviso, anteprima bool) error {
	return lettere.StampaLetteraCon(w, l, func(p *fpdf.Fpdf, tr func(string) string) error {
		if err := pagopa.DisegnaAvviso(p, tr, a); err != nil {
			return err
		}
		if anteprima {
			filigrana(p, tr("FAC-SIMILE – ANTEPRIMA"))
		}
		return nil
	})
}

// filigrana writes text diagonally, faint, over every page.
func filigrana(p *fpdf.Fpdf, text string) {
	ultima := p.PageNo()
	for n := 1; n <= p.PageCount(); n++ {
		p.SetPage(n)
		p.SetFont(pdfcaratteri.Famiglia, "B", 44)
		p.SetTextColor(200, 30, 30)
		p.SetAlpha(0.18, "Normal")
		p.TransformBegin()
		p.TransformRotate(55, 105, 148.5)
		p.Text(105-p.GetStringWidth(text)/2, 148.5, text)
		p.TransformEnd()
		p.SetAlpha(1, "Normal")
	}
	p.SetPage(ultima)
}
