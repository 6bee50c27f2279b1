package avvisi

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/lettere"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/store"
)

// Verifica is the wizard's «Visualizza anteprima»: the list read and
// checked with the options, every problem listed, nothing stored.
func (s *Service) Verifica(ctx context.Context, r io.Reader, o OpzioniLotto) (*Lettura, error) {
	l, err := Leggi(r)
	if err != nil {
		return nil, err
	}
	_, oerrs := s.validaOpzioni(ctx, o, l.Righe)
	l.Errori = append(oerrs, l.Errori...)
	if len(l.Errori) > 0 {
		return l, &flussi.ErrImport{Errori: l.Errori}
	}
	return l, nil
}

// AnteprimaPDF writes what a row of a checked list will receive: the cover
// letter and the payment notice, in one PDF. The notice number is not
// assigned yet, so the preview shows a specimen one, and the protocol
// number reads "(assegnato all'invio)"; every page is marked FAC-SIMILE.
func (s *Service) AnteprimaPDF(ctx context.Context, o OpzioniLotto, r Riga, w io.Writer) error {
	td, errs := s.validaOpzioni(ctx, o, []Riga{r})
	if len(errs) > 0 {
		return &flussi.ErrImport{Errori: errs}
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return fmt.Errorf("dati dell'ente (Impostazioni → Ente): %w", err)
	}
	a := store.AvvisoLotto{Riga: r.Numero, Intestazione: r.Intestazione, CodiceFiscale: r.CodiceFiscale, PartitaIVA: r.PartitaIVA,
		Centesimi: r.Centesimi, Causale: r.Causale, OggettoProtocollo: r.OggettoProt, IndirizzoPec: r.IndirizzoPec,
		Indirizzo: r.Indirizzo, CAP: r.CAP, Comune: r.Comune, Provincia: r.Provincia,
		CodiceAvviso: pagopa.CodiceAvviso(td.Segregazione, 0)}
	a.IUV = pagopa.IUV(a.CodiceAvviso)
	lotto := store.Lotto{Scadenza: o.Scadenza.Format("2006-01-02"), Causale: o.Causale, Protocollazione: o.Protocollazione,
		OggettoProtocollo: o.OggettoProtocollo, Spedizione: o.Spedizione, CreatoIl: s.now()}
	if o.Lettera != nil {
		lotto.LetteraOggetto, lotto.LetteraTesto, lotto.LetteraFirma = o.Lettera.Oggetto, o.Lettera.Testo, o.Lettera.Firma
	}
	x := store.AvvisoStampa{Avviso: a, Lotto: lotto, TipoDovuto: td}
	h := &invioHandler{s: s, lotto: lotto, ente: ente, td: td, modello: modelloDelLotto(lotto)}
	l, err := lettere.Prepara(h.modello, h.datiLettera(x, protocolloAnteprima(o, s.now())))
	if err != nil {
		return err
	}
	return stampaInsieme(w, l, avvisoDaStampare(ente, x), true)
}

// protocolloAnteprima stands for the registration a previewed letter will get.
func protocolloAnteprima(o OpzioniLotto, oggi time.Time) protocolloStampato {
	if !o.Protocollazione {
		return protocolloStampato{}
	}
	return protocolloStampato{Etichetta: "(assegnato all'invio)", Data: oggi}
}

// DaRiprendere are the batches left half done, oldest first: generation
// not finished, generated but never sent, or sending under way.
func (s *Service) DaRiprendere(ctx context.Context) ([]Lotto, error) {
	ls, err := s.DB.LottiInStato(ctx, "IMPORTATO", "GENERATO", "GENERATO_CON_ERRORI", LottoInInvio)
	out := ls[:0]
	for _, l := range ls {
		if l.JobInvio == "" || l.Stato == LottoInInvio || l.Stato == "IMPORTATO" {
			out = append(out, l)
		}
	}
	return out, err
}
