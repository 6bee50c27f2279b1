package impostazioni

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

func tipoTrasporto() store.TipoDovuto {
	return store.TipoDovuto{Codice: " trasporto ", Descrizione: "Trasporto scolastico", Tassonomia: "9/0101108ts/",
		IBAN: "it60 x054 2811 1010 0000 0123 456", Segregazione: 1, Attivo: true}
}

func TestSalvaTipoDovuto(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	id, err := s.SalvaTipoDovuto(ctx, admin, tipoTrasporto())
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.TipiDovuto(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", list, err)
	}
	got := list[0]
	if got.ID != id || got.Codice != "TRASPORTO" || got.IBAN != "IT60X0542811101000000123456" || got.Tassonomia != "9/0101108TS/" ||
		got.ModificatoDa != "admin" || got.ModificatoIl.IsZero() {
		t.Fatalf("stored %+v", got)
	}
	// A change is audited field by field.
	got.ContoPostale = "1234567"
	if _, err := s.SalvaTipoDovuto(ctx, admin, got); err != nil {
		t.Fatal(err)
	}
	hist, err := s.DB.History(ctx, "tipo_dovuto", "1")
	if err != nil || len(hist) == 0 || hist[0].Campo != "conto_postale" || hist[0].Dopo != "1234567" || hist[0].Azione != store.Modifica {
		t.Fatalf("history %+v %v", hist, err)
	}

	if _, err := s.SalvaTipoDovuto(ctx, admin, tipoTrasporto()); err == nil || err.Error() != "Codice: esiste già un tipo dovuto con questo codice" {
		t.Errorf("duplicate code: %v", err)
	}
	op := operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloOperatoreInvio}
	if _, err := s.SalvaTipoDovuto(ctx, op, tipoTrasporto()); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Errorf("operator: %v", err)
	}
}

func TestTipoDovutoValidazione(t *testing.T) {
	s := newService(t, nil)
	for _, c := range []struct {
		mod  func(*store.TipoDovuto)
		want string
	}{
		{func(t *store.TipoDovuto) { t.Codice = "" }, "Codice: "},
		{func(t *store.TipoDovuto) { t.Descrizione = " " }, "Descrizione: "},
		{func(t *store.TipoDovuto) { t.Tassonomia = "0101108TS" }, "Tassonomia: "},
		{func(t *store.TipoDovuto) { t.IBAN = "IT61X0542811101000000123456" }, "IBAN: cifre di controllo errate"},
		{func(t *store.TipoDovuto) { t.Segregazione = 100 }, "Codice segregazione: "},
		{func(t *store.TipoDovuto) { t.ContoPostale = "12-34" }, "Conto corrente postale: "},
	} {
		td := tipoTrasporto()
		c.mod(&td)
		_, err := s.SalvaTipoDovuto(context.Background(), admin, td)
		if err == nil || len(err.Error()) < len(c.want) || err.Error()[:len(c.want)] != c.want {
			t.Errorf("%+v: %v, want %q…", td, err, c.want)
		}
	}
	if list, _ := s.TipiDovuto(context.Background()); len(list) != 0 {
		t.Fatalf("invalid kinds stored: %v", list)
	}
}

func TestSalvaGPD(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	if err := s.SalvaGPD(ctx, admin, "non un url", "0123456789abcdef0123456789abcdef"); err == nil || !strings.HasPrefix(err.Error(), "URL GPD:") {
		t.Fatalf("bad URL: %v", err)
	}
	if err := s.SalvaGPD(ctx, admin, "https://api.platform.pagopa.it/gpd/debt-positions-service/v1/", "0123456789abcdef0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	g, err := s.GPD(ctx)
	if err != nil || !g.Configurato || g.URL != "https://api.platform.pagopa.it/gpd/debt-positions-service/v1" || g.Chiave == "" {
		t.Fatalf("%+v %v", g, err)
	}
	// The key is in the secret store, not in the database or its audit.
	var n int
	if err := s.DB.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE dopo LIKE '%0123456789abcdef%'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("key in the audit trail: %d %v", n, err)
	}
	op := operatori.Operatore{Username: "g.ferrari", Ruolo: operatori.RuoloOperatoreInvio}
	if err := s.SalvaGPD(ctx, op, "https://x.it", ""); !errors.Is(err, operatori.ErrNonAutorizzato) {
		t.Fatalf("operator: %v", err)
	}
}

// A kind of the catalogue of spontaneous payments: its fixed amount and
// accounts are stored and audited; codes and the ufficio › capitolo ›
// accertamento chain are checked.
func TestTipoDovutoCatalogo(t *testing.T) {
	s := newService(t, nil)
	ctx := context.Background()
	td := store.TipoDovuto{Codice: "LOCULI", Descrizione: "Concessione cimiteriale loculo trentennale", Tassonomia: "9/0101112SP/",
		IBAN: "IT60X0542811101000000123456", Segregazione: 1, Attivo: true, ImportoFisso: 185000, Spontaneo: true,
		Ufficio: " SERV-CIMITERIALI ", Capitolo: "3010.05", Accertamento: "2026/118"}
	id, err := s.SalvaTipoDovuto(ctx, admin, td)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.DB.TipoDovutoByID(ctx, id)
	if err != nil || got.ImportoFisso != 185000 || !got.Spontaneo || got.Ufficio != "SERV-CIMITERIALI" || got.Capitolo != "3010.05" ||
		got.Accertamento != "2026/118" {
		t.Fatalf("stored %+v %v", got, err)
	}
	got.ImportoFisso, got.Spontaneo = 0, false
	if _, err := s.SalvaTipoDovuto(ctx, admin, got); err != nil {
		t.Fatal(err)
	}
	hist, err := s.DB.History(ctx, "tipo_dovuto", "1")
	campi := map[string]string{}
	for _, h := range hist {
		if h.Azione == store.Modifica {
			campi[h.Campo] = h.Prima + " › " + h.Dopo
		}
	}
	if err != nil || campi["importo_fisso"] != "185000 › 0" || campi["spontaneo"] != "true › false" || len(campi) != 2 {
		t.Fatalf("history %v %v", campi, err)
	}
	for _, c := range []struct {
		mod  func(*store.TipoDovuto)
		want string
	}{
		{func(t *store.TipoDovuto) { t.Tassonomia = "9/0101112XX/" }, "Tassonomia: "},
		{func(t *store.TipoDovuto) { t.Tassonomia = "1/0101112SP/" }, "Tassonomia: "},
		{func(t *store.TipoDovuto) { t.ImportoFisso = -1 }, "Importo fisso: "},
		{func(t *store.TipoDovuto) { t.Ufficio = "" }, "Ufficio: obbligatorio quando è indicato il capitolo"},
		{func(t *store.TipoDovuto) { t.Capitolo = "" }, "Capitolo: obbligatorio quando è indicato l'accertamento"},
		{func(t *store.TipoDovuto) { t.Accertamento = "2026;DROP" }, "Accertamento: al massimo 64 caratteri"},
	} {
		x := td
		x.Codice = "ALTRO"
		c.mod(&x)
		if _, err := s.SalvaTipoDovuto(ctx, admin, x); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q…", x, err, c.want)
		}
	}
}
