package riconciliazione

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/core/riconciliazione/ricevute"
	"github.com/sportello/sportello/store"
)

// EsportaPagati writes the paid items of the receipts paid from dal to al
// (days, inclusive) as the MyPay "export pagati" CSV, tracciato 1.2, with
// the bilancio of their debt record, one row per transfer, and returns how
// many rows it wrote. The fields a receipt does not carry are filled as
// MyPay does: a payment without a debt record has its IUV as IUD, a payer
// without a fiscal code is ANONIMO. A row the tracciato refuses stops the
// export with the reason.
func (s *Service) EsportaPagati(ctx context.Context, dal, al time.Time, w io.Writer) (int, error) {
	if dal.IsZero() || al.IsZero() {
		return 0, operatori.ErrValidazione{Campo: "Periodo", Motivo: "indicare la data dal e la data al"}
	}
	da, a := dal.Format(time.DateOnly), al.Format(time.DateOnly)
	if a < da {
		return 0, operatori.ErrValidazione{Campo: "Data al", Motivo: "precede la data dal"}
	}
	ente, err := s.DB.Ente(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return 0, errors.New("ente non ancora configurato: il tracciato indica l'ente beneficiario (Impostazioni › Ente)")
	}
	if err != nil {
		return 0, err
	}
	out := ricevute.NuovoScrittorePagati(w)
	n := 0
	var dopo store.RicChiaveRT
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		page, err := s.DB.RicPagatiPeriodo(ctx, da, a, dopo, 1000)
		if err != nil {
			return n, err
		}
		for _, r := range page {
			if err := out.Scrivi(pagatoDi(r, ente)); err != nil {
				return n, fmt.Errorf("IUV %s, ricevuta %s, trasferimento %d: %w", r.IUV, r.IUR, r.Indice, err)
			}
			n++
		}
		if len(page) < 1000 {
			break
		}
		last := page[len(page)-1]
		dopo = store.RicChiaveRT{IUV: last.IUV, IUR: last.IUR, Indice: last.Indice}
	}
	return n, out.Chiudi()
}

// pagatoDi is a stored transfer as a row of the export.
func pagatoDi(r store.RicPagato, ente store.Ente) ricevute.Pagato {
	d := r.Dovuto
	quando, _ := time.Parse(time.DateOnly, r.DataEsito)
	primo := func(vv ...string) string {
		for _, v := range vv {
			if v != "" {
				return v
			}
		}
		return ""
	}
	dominio := primo(r.CFEnte, ente.CodiceFiscale)
	cf := primo(r.CFPagatore, d.CF, "ANONIMO")
	tipo := "F"
	if len(cf) == 11 && pagatiCifre(cf) {
		tipo = "G"
	}
	p := ricevute.Pagato{
		IUF: r.IUF, NumRigaFlusso: r.NumRiga,
		IUD: primo(r.IUD, d.IUD, r.IUV), CodIUV: r.IUV,
		Dominio: dominio, IDRicevuta: r.IUR, DataOraRicevuta: quando,
		Attestante:     ricevute.Soggetto{Codice: pagatiTronca(primo(r.PSP, "ND"), 35), Nome: pagatiTronca(primo(r.PSP, "non indicato"), 70)},
		Beneficiario:   ricevute.Soggetto{Tipo: "G", Codice: ente.CodiceFiscale, Nome: pagatiTronca(ente.Denominazione, 70)},
		Pagatore:       ricevute.Soggetto{Tipo: tipo, Codice: cf, Nome: pagatiTronca(primo(r.Pagatore, d.Anagrafica, "ANONIMO"), 70)},
		EsitoPagamento: "0", ImportoTotale: max(r.ImportoTotale, r.Importo), IUV: r.IUV, Importo: r.Importo,
		EsitoSingolo: "ESEGUITO", DataEsito: quando, IUR: r.IUR,
		Causale:    pagatiTronca(primo(r.Causale, d.Causale, "Pagamento IUV "+r.IUV), 1024),
		TipoDovuto: pagatiTronca(primo(r.TipoDovuto, d.TipoDovuto), 64), Indice: r.Indice,
	}
	if d.Capitolo != "" {
		p.Bilancio = []ricevute.VoceBilancio{{Capitolo: d.Capitolo, Ufficio: d.Ufficio, Accertamento: d.Accertamento, Importo: r.Importo}}
	}
	return p
}

func pagatiCifre(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// pagatiTronca cuts s to n characters, the column's length in the tracciato.
func pagatiTronca(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
