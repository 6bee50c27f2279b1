package demo

import (
	"context"
	"errors"

	"github.com/sportello/sportello/core"
	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// The demo's IBANs of the catalogue (check digits and CIN valid): the
// treasury account and the account of the cemetery services.
const (
	ibanTesoreria = "IT07L0569634070000010100027"
	ibanCimiteri  = "IT61G0306934070100000046011"
)

// Catalogo is the demo's catalogue of spontaneous payments, what a citizen
// pays at the counter without a notice sent first: fixed amounts where the
// tariff is one, free ones where the clerk states it, each booked to its
// office, chapter and assessment. The codes sort after DEMO.
var Catalogo = []store.TipoDovuto{
	{Codice: "DIRITTI_CIE", Descrizione: "Carta d'identità elettronica - corrispettivo e diritti", Tassonomia: "9/0101101TS/",
		IBAN: ibanTesoreria, Segregazione: 1, Attivo: true, Spontaneo: true, ImportoFisso: 2221,
		Ufficio: "ANAGRAFE", Capitolo: "3010.02", Accertamento: "2026/35"},
	{Codice: "DIRITTI_SEGRETERIA", Descrizione: "Diritti di segreteria e di rogito", Tassonomia: "9/0101103TS/",
		IBAN: ibanTesoreria, Segregazione: 1, Attivo: true, Spontaneo: true,
		Ufficio: "SEGRETERIA", Capitolo: "3010.01", Accertamento: "2026/34"},
	{Codice: "LAMPADE_VOTIVE", Descrizione: "Illuminazione votiva - canone annuo per lampada", Tassonomia: "9/0101113SP/",
		IBAN: ibanCimiteri, Segregazione: 1, ContoPostale: "12045207", IntestatarioConto: "Comune di Vimercate - Servizi cimiteriali",
		Attivo: true, Spontaneo: true, ImportoFisso: 2500, Ufficio: "CIMITERI", Capitolo: "3010.06", Accertamento: "2026/119"},
	{Codice: "LOCULI", Descrizione: "Concessione cimiteriale - loculo trentennale", Tassonomia: "9/0101112SP/",
		IBAN: ibanCimiteri, Segregazione: 1, Attivo: true, Spontaneo: true, ImportoFisso: 185000,
		Ufficio: "CIMITERI", Capitolo: "3010.05", Accertamento: "2026/118"},
	{Codice: "SALE_COMUNALI", Descrizione: "Utilizzo sale e locali comunali", Tassonomia: "9/0101117SP/",
		IBAN: ibanTesoreria, Segregazione: 1, Attivo: true, Spontaneo: true,
		Ufficio: "PATRIMONIO", Capitolo: "3020.03", Accertamento: "2026/77"},
}

// cosapSportello is what makes the demo's COSAP payable at the counter.
var cosapSportello = store.TipoDovuto{Spontaneo: true, Ufficio: "TRIBUTI", Capitolo: "1010.04", Accertamento: "2026/12"}

// SeedCatalogo adds the catalogue to a demo database and makes its COSAP
// (of TipiDovuto) spontaneous. Idempotent: kinds already there are left as
// the clerk keeps them, so it may run at every start.
func SeedCatalogo(ctx context.Context, a *core.App, admin operatori.Operatore) error {
	for _, t := range Catalogo {
		_, err := a.DB.TipoDovutoByCodice(ctx, t.Codice)
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if _, err := a.Impostazioni.SalvaTipoDovuto(ctx, admin, t); err != nil {
			return err
		}
	}
	c, err := a.DB.TipoDovutoByCodice(ctx, "COSAP")
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || c.Spontaneo || c.Ufficio != "" {
		return err
	}
	c.Spontaneo, c.Ufficio, c.Capitolo, c.Accertamento = cosapSportello.Spontaneo, cosapSportello.Ufficio, cosapSportello.Capitolo, cosapSportello.Accertamento
	_, err = a.Impostazioni.SalvaTipoDovuto(ctx, admin, c)
	return err
}
