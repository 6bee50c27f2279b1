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

// seedAvvisi imports a school-transport batch of 24 families and
// generates its debt positions on the sandbox's GPD, so that the payments
// dashboard has real notices to show.
func seedAvvisi(ctx context.Context, a *core.App, by operatori.Operatore) error {
	var b strings.Builder
	b.WriteString("Intestazione;CodiceFiscale;Importo;IndirizzoPec;Indirizzo;CAP;Comune;Provincia\n")
	vie := []string{"Via Vittorio Emanuele", "Via Cavour", "Via Milano", "Via Garibaldi", "Via Mazzini", "Via Trieste"}
	for i, c := range cittadini(200)[150:174] {
		fmt.Fprintf(&b, "%s %s;%s;%d,00;%s.%s@example.it;%s %d;20871;Vimercate;MB\n", c.nome, c.cognome, c.cf,
			[]int{180, 220, 260, 320}[i%4], strings.ToLower(c.nome), strings.ToLower(c.cognome), vie[i%len(vie)], 3+i*2)
	}
	l, _, err := a.Avvisi.ImportaLotto(ctx, by, "trasporto-scolastico-2026-27.csv", strings.NewReader(b.String()), avvisi.OpzioniLotto{
		TipoDovuto: "TRASPORTO", Scadenza: time.Now().AddDate(0, 2, 0), Causale: "Trasporto scolastico a.s. 2026/27 - quota annuale",
		Spedizione: avvisi.PEC})
	if err != nil {
		return fmt.Errorf("lotto dimostrativo: %w", err)
	}
	if _, err := a.Avvisi.Genera(ctx, by, a.Impostazioni, l.UUID, nil); err != nil {
		return fmt.Errorf("generazione del lotto dimostrativo: %w", err)
	}
	return nil
}
