package avvisi

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/core/flussi"
	"github.com/sportello/sportello/core/pagopa"
	"github.com/sportello/sportello/core/pec"
	"github.com/sportello/sportello/store"
)

// Dettaglio is everything known about one notice: the row, its batch and
// kind of payment, its protocol registration, its receipts and its story.
type Dettaglio struct {
	store.AvvisoStampa
	Protocollo *store.Protocollo // nil: not registered
	Ricevute   []Ricevuta
	Storia     []Evento // oldest first
}

// Evento is one step in a notice's story.
type Evento struct {
	Quando time.Time
	Chi    string // operator, or "pagoPA", or the PEC provider
	Cosa   string
}

// Dettaglio reads a notice by IUV or notice number.
func (s *Service) Dettaglio(ctx context.Context, iuv string) (Dettaglio, error) {
	x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
	if errors.Is(err, store.ErrNotFound) {
		return Dettaglio{}, fmt.Errorf("%w: %s", ErrAvvisoNonTrovato, iuv)
	}
	if err != nil {
		return Dettaglio{}, err
	}
	d := Dettaglio{AvvisoStampa: x}
	if p, err := s.DB.ProtocolloByRiferimento(ctx, riferimentoProtocollo(x.Avviso.IUPD)); err == nil {
		d.Protocollo = &p
	} else if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	if d.Ricevute, err = s.DB.RicevuteAvviso(ctx, x.Avviso.ID); err != nil {
		return d, err
	}
	storico, err := s.DB.History(ctx, "avviso", x.Avviso.IUPD)
	if err != nil {
		return d, err
	}
	d.Storia = storia(d, storico)
	return d, nil
}

var nomiRicevute = map[string]string{
	pec.TipoAccettazione:            "Ricevuta di accettazione",
	pec.TipoNonAccettazione:         "Avviso di non accettazione",
	pec.TipoPresaInCarico:           "Ricevuta di presa in carico",
	pec.TipoAvvenutaConsegna:        "Ricevuta di avvenuta consegna",
	pec.TipoErroreConsegna:          "Avviso di mancata consegna",
	pec.TipoPreavvisoErroreConsegna: "Preavviso di mancata consegna",
	pec.TipoRilevazioneVirus:        "Rilevazione virus",
}

// NomeRicevuta is a receipt's kind as the clerk reads it.
func NomeRicevuta(tipo string) string {
	if n, ok := nomiRicevute[tipo]; ok {
		return n
	}
	return tipo
}

// chiRicevuta is who tells a receipt in a notice's story.
const chiRicevuta = "gestore PEC"

func storia(d Dettaglio, storico []store.AuditEntry) []Evento {
	a, l := d.Avviso, d.Lotto
	ev := []Evento{{Quando: l.CreatoIl, Cosa: fmt.Sprintf("Importato dal file %s (lotto %s), codice avviso %s",
		l.FileOrigine, l.UUID[:8], pagopa.FormattaCodiceAvviso(a.CodiceAvviso))}}
	if p := d.Protocollo; p != nil {
		ev = append(ev, Evento{Quando: p.RegistratoIl, Chi: p.Operatore,
			Cosa: fmt.Sprintf("Protocollato in uscita n. %d/%07d: %s", p.Anno, p.Numero, p.Oggetto)})
	}
	if !a.Invio.InviatoIl.IsZero() {
		ev = append(ev, Evento{Quando: a.Invio.InviatoIl, Cosa: fmt.Sprintf("Inviato a %s (Message-ID %s)", a.IndirizzoPec, a.Invio.MessageID)})
	}
	for _, r := range d.Ricevute {
		cosa := NomeRicevuta(r.Tipo)
		if r.Destinatario != "" {
			cosa += " — " + r.Destinatario
		}
		if motivo := strings.TrimSpace(r.ErroreEsteso); motivo != "" {
			cosa += ": " + motivo
		}
		ev = append(ev, Evento{Quando: r.Data, Chi: chiRicevuta, Cosa: cosa})
	}
	for _, e := range storico {
		var cosa string
		switch e.Campo {
		case "stato_gpd":
			cosa = fmt.Sprintf("Stato su pagoPA: %s → %s", e.Prima, e.Dopo)
		case "reinvio":
			cosa = "Reinvio richiesto"
		case "stato_invio":
			continue // told by the receipts
		default:
			cosa = fmt.Sprintf("%s: %s → %s", e.Campo, e.Prima, e.Dopo)
		}
		ev = append(ev, Evento{Quando: e.At, Chi: e.Operatore, Cosa: cosa})
	}
	// Times are stored to the second: within one, the order above (the
	// order things happen in) stands. The send is recorded once the server
	// has answered, which can be a second after the provider stamped its
	// acceptance: no receipt is told before the message it answers.
	inviato := a.Invio.InviatoIl.Truncate(time.Second)
	chiave := func(e Evento) time.Time {
		t := e.Quando.Truncate(time.Second)
		if e.Chi == chiRicevuta && t.Before(inviato) {
			return inviato
		}
		return t
	}
	sort.SliceStable(ev, func(i, j int) bool { return chiave(ev[i]).Before(chiave(ev[j])) })
	return ev
}

// MessaggioIO is the App IO payment message of a notice, for a citizen
// who should also find it in the app: subject, text, amount, due date
// and notice number, ready for flussi.Aggiungi.
func (s *Service) MessaggioIO(ctx context.Context, iuv string) (flussi.Riga, string, error) {
	x, err := s.DB.AvvisoByIUV(ctx, pagopa.NormalizzaCodiceAvviso(iuv))
	if err != nil {
		return flussi.Riga{}, "", err
	}
	a := x.Avviso
	if len(a.CodiceFiscale) != 16 {
		return flussi.Riga{}, "", errors.New("App IO raggiunge solo le persone fisiche: l'avviso è intestato a una partita IVA")
	}
	ente, err := s.DB.Ente(ctx)
	if err != nil {
		return flussi.Riga{}, "", err
	}
	stampa := avvisoDaStampare(ente, x)
	oggetto := "Avviso di pagamento: " + stampa.Oggetto
	if r := []rune(oggetto); len(r) > 120 {
		oggetto = string(r[:119]) + "…"
	}
	testo := fmt.Sprintf("Gentile %s,\n\n%s ha emesso un avviso di pagamento pagoPA per **%s**.\n\n"+
		"- Importo: **%s euro**\n- Scadenza: **%s**\n- Codice avviso: %s\n\n"+
		"Può pagare subito da questo messaggio con il pulsante «Paga», oppure con l'avviso che ha ricevuto "+
		"per posta elettronica, presso banche, uffici postali, tabaccherie e con l'home banking (circuito CBILL).",
		a.Intestazione, ente.Denominazione, stampa.Oggetto, pagopa.FormattaImporto(a.Centesimi),
		stampa.Scadenza.Format("02/01/2006"), pagopa.FormattaCodiceAvviso(a.CodiceAvviso))
	return flussi.Riga{CodiceFiscale: a.CodiceFiscale, Oggetto: oggetto, Contenuto: testo, Scadenza: stampa.Scadenza,
		Importo: a.Centesimi, CodiceAvviso: a.CodiceAvviso}, a.Intestazione, nil
}
