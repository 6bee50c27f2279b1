package flussi

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/sportello/sportello/core/tabelle"
	"github.com/sportello/sportello/store"
)

// Colonne of the notifications export, in order.
var ColonneEsportazione = []tabelle.Column{
	{Title: "UUID", Width: 38}, {Title: "Flusso", Width: 38}, {Title: "Riga", Kind: tabelle.Integer, Width: 7},
	{Title: "Servizio", Width: 28}, {Title: "Codice fiscale", Width: 19}, {Title: "Oggetto", Width: 50},
	{Title: "Scadenza", Kind: tabelle.Date, Width: 12}, {Title: "Importo", Kind: tabelle.Number, Width: 12},
	{Title: "Codice avviso", Width: 22}, {Title: "Paga dopo la scadenza", Width: 10},
	{Title: "Stato invio", Width: 28}, {Title: "ID consegna App IO", Width: 28}, {Title: "Tentativi", Kind: tabelle.Integer, Width: 9},
	{Title: "Data e ora invio", Kind: tabelle.DateTime, Width: 17}, {Title: "Errore", Width: 50},
	{Title: "Stato consegna", Width: 14}, {Title: "Stato e-mail", Width: 12}, {Title: "Stato push", Width: 12},
	{Title: "Lettura", Width: 12}, {Title: "Pagamento", Width: 12}, {Title: "Verificata il", Kind: tabelle.DateTime, Width: 17},
	{Title: "Ultima modifica", Kind: tabelle.DateTime, Width: 17}, {Title: "Effettuata da", Width: 16},
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Roma).Format("02/01/2006")
}

func fmtDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Roma).Format("02/01/2006 15:04")
}

// FormatImporto is FormattaImporto for lists: "" when there is no amount.
func FormatImporto(cents int64) string {
	if cents == 0 {
		return ""
	}
	return FormattaImporto(cents)
}

func siNoLabel(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}

func rigaEsportazione(n store.Notifica) []string {
	importo, paga := "", ""
	if n.Importo != 0 {
		importo = fmt.Sprintf("%d.%02d", n.Importo/100, n.Importo%100)
		paga = siNoLabel(n.PagaDopoScadenza)
	}
	return []string{n.UUID, n.FlussoUUID, strconv.Itoa(n.Riga), n.Servizio, n.CodiceFiscale, n.Oggetto,
		fmtDate(n.Scadenza), importo, n.CodiceAvviso, paga, StatoInvio(n.StatoInvio).Label(), n.IDMessaggio,
		strconv.Itoa(n.Tentativi), fmtDateTime(n.InviataIl), n.Errore, n.StatoConsegna, n.StatoMail, n.StatoWebhook,
		n.StatoLettura, n.StatoPagamento, fmtDateTime(n.VerificataIl), fmtDateTime(n.ModificatoIl), n.ModificatoDa}
}

// EsportaNotifiche writes the notifications matching f as "xlsx" or "csv",
// streaming from the database in constant memory; progress (may be nil)
// hears how many rows were written of how many.
func (s *Service) EsportaNotifiche(ctx context.Context, f FiltroNotifiche, w io.Writer, formato string, progress func(done, total int)) error {
	total, err := s.db.CountNotifiche(ctx, f)
	if err != nil {
		return err
	}
	rows := tabelle.SeqRows(iter.Seq2[[]string, error](func(yield func([]string, error) bool) {
		done := 0
		stop := fmt.Errorf("stop")
		err := s.db.EachNotifica(ctx, f, func(n store.Notifica) error {
			if !yield(rigaEsportazione(n), nil) {
				return stop
			}
			done++
			if progress != nil && done%1000 == 0 {
				progress(done, total)
			}
			return ctx.Err()
		})
		if err != nil && err != stop {
			yield(nil, err)
			return
		}
		if progress != nil {
			progress(done, total)
		}
	}))
	switch formato {
	case "csv":
		return tabelle.WriteCSV(w, ColonneEsportazione, rows, tabelle.CSVOptions{})
	case "xlsx", "":
		return tabelle.WriteXLSX(w, "Notifiche", ColonneEsportazione, rows)
	}
	return fmt.Errorf("formato di esportazione %q non previsto: xlsx o csv", formato)
}
