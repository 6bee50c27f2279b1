package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/avvisi"
	"github.com/sportello/sportello/core/operatori"
)

// seedAvvisi imports a school-transport batch of 24 families, generates
// its debt positions on the sandbox's GPD and sends it by PEC, each notice
// protocolled, so that the payments dashboard has real notices, protocol
// numbers and receipts to show: most families have a PEC address, some an
// ordinary one (acceptance only), one a mistyped PEC address (not
// delivered).
func seedAvvisi(ctx context.Context, a *core.App, by operatori.Operatore) error {
	var b strings.Builder
	b.WriteString("Intestazione;CodiceFiscale;Importo;IndirizzoPec;Indirizzo;CAP;Comune;Provincia\n")
	vie := []string{"Via Vittorio Emanuele", "Via Cavour", "Via Milano", "Via Garibaldi", "Via Mazzini", "Via Trieste"}
	for i, c := range cittadini(200)[150:174] {
		utente := strings.ToLower(c.nome + "." + c.cognome)
		indirizzo := utente + "@pec.it"
		switch {
		case i%5 == 3:
			indirizzo = utente + "@gmail.com"
		case i == 7:
			indirizzo = "inesistente." + utente + "@pec.it"
		}
		fmt.Fprintf(&b, "%s %s;%s;%d,00;%s;%s %d;20871;Vimercate;MB\n", c.nome, c.cognome, c.cf,
			[]int{180, 220, 260, 320}[i%4], indirizzo, vie[i%len(vie)], 3+i*2)
	}
	l, _, err := a.Avvisi.ImportaLotto(ctx, by, "trasporto-scolastico-2026-27.csv", strings.NewReader(b.String()), avvisi.OpzioniLotto{
		TipoDovuto: "TRASPORTO", Scadenza: time.Now().AddDate(0, 2, 0), Causale: "Trasporto scolastico a.s. 2026/27 - quota annuale",
		Spedizione: avvisi.PEC, Protocollazione: true, OggettoProtocollo: "Avviso di pagamento trasporto scolastico a.s. 2026/27"})
	if err != nil {
		return fmt.Errorf("lotto dimostrativo: %w", err)
	}
	if _, err := a.Avvisi.Genera(ctx, by, a.Impostazioni, l.UUID, nil); err != nil {
		return fmt.Errorf("generazione del lotto dimostrativo: %w", err)
	}
	if err := a.Avvisi.Invia(ctx, by, l.UUID, nil); err != nil {
		return fmt.Errorf("invio del lotto dimostrativo: %w", err)
	}
	return nil
}
