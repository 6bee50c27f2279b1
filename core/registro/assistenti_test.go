package registro

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/store"
)

func brunoID(t *testing.T, f fixture) int64 {
	t.Helper()
	list, err := f.s.Assistenti(context.Background(), postmaster)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list, func(a store.Assistente) bool { return a.Username == "bruno" })
	if i < 0 {
		t.Fatal("no bruno")
	}
	return list[i].ID
}

func TestModificaAssistente(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	campo(t, f.s.ModificaAssistente(ctx, postmaster, f.annaID, "  ", true), "PEC per le comunicazioni")
	campo(t, f.s.ModificaAssistente(ctx, postmaster, f.annaID, "anna pec.it", true), "PEC per le comunicazioni")
	if err := f.s.ModificaAssistente(ctx, postmaster, 9999, "x@pec-a.it", true); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("unknown: %v", err)
	}
	// Only the reseller: not even the assistant on themselves.
	for _, op := range []struct {
		name string
		err  error
	}{{"anna", f.s.ModificaAssistente(ctx, anna, f.annaID, "anna2@pec-a.it", false)},
		{"bruno", f.s.ModificaAssistente(ctx, bruno, f.annaID, "anna2@pec-a.it", false)}} {
		if !errors.Is(op.err, ErrPermesso) {
			t.Fatalf("%s: %v", op.name, op.err)
		}
	}
	out0, _ := f.s.DB.Outbox(ctx, "PENDING", 1000)
	if err := f.s.ModificaAssistente(ctx, postmaster, f.annaID, " Anna.Nuova@PEC-A.it ", false); err != nil {
		t.Fatal(err)
	}
	list, _ := f.s.Assistenti(ctx, postmaster)
	i := slices.IndexFunc(list, func(a store.Assistente) bool { return a.ID == f.annaID })
	if a := list[i]; a.EmailPEC != "Anna.Nuova@pec-a.it" || a.GestioneAPacchetti || !a.Attivo {
		t.Fatalf("after: %+v", a)
	}
	h, err := f.s.DB.History(ctx, "assistente", itoa(f.annaID))
	if err != nil || !slices.ContainsFunc(h, func(e store.AuditEntry) bool { return e.Campo == "email_pec" && e.Prima == "anna@pec-a.it" }) ||
		!slices.ContainsFunc(h, func(e store.AuditEntry) bool { return e.Campo == "gestione_a_pacchetti" && e.Dopo == "false" }) {
		t.Fatalf("history %+v %v", h, err)
	}
	out1, _ := f.s.DB.Outbox(ctx, "PENDING", 1000)
	if len(out1) != len(out0)+1 || out1[len(out1)-1].Entita != "assistente" {
		t.Fatalf("outbox %d then %d", len(out0), len(out1))
	}
}

func TestDominiAssistente(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	b := brunoID(t, f)
	nomi := func(ds []store.Dominio) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Dominio)
		}
		return out
	}
	ds, err := f.s.DominiAssistente(ctx, postmaster, b)
	if err != nil || !slices.Equal(nomi(ds), []string{"pec-a.it", "pec-b.it"}) {
		t.Fatalf("bruno's: %v %v", ds, err)
	}
	// The assistant reads their own, not another's.
	if ds, err := f.s.DominiAssistente(ctx, anna, f.annaID); err != nil || len(ds) != 1 {
		t.Fatalf("anna's own: %v %v", ds, err)
	}
	if _, err := f.s.DominiAssistente(ctx, anna, b); !errors.Is(err, ErrPermesso) {
		t.Fatalf("anna on bruno: %v", err)
	}
	// Validation: at least one, the reseller's, certified.
	campo(t, f.s.ImpostaDominiAssistente(ctx, postmaster, b, nil), "Domini")
	campo(t, f.s.ImpostaDominiAssistente(ctx, postmaster, b, []string{"altrui.it"}), "Dominio")
	err = f.s.ImpostaDominiAssistente(ctx, postmaster, b, []string{"pec-a.it", "attesa.it"})
	campo(t, err, "Dominio")
	if !strings.Contains(err.Error(), "certificato") {
		t.Fatalf("uncertified: %v", err)
	}
	if err := f.s.ImpostaDominiAssistente(ctx, anna, f.annaID, []string{"pec-a.it", "pec-b.it"}); !errors.Is(err, ErrPermesso) {
		t.Fatalf("assistant sets domains: %v", err)
	}
	if err := f.s.ImpostaDominiAssistente(ctx, postmaster, 9999, []string{"pec-a.it"}); !errors.Is(err, ErrNonTrovato) {
		t.Fatalf("unknown: %v", err)
	}
	// Nothing changed by the refused calls.
	if ds, _ := f.s.DominiAssistente(ctx, postmaster, b); len(ds) != 2 {
		t.Fatalf("after refusals: %v", ds)
	}
	if err := f.s.ImpostaDominiAssistente(ctx, postmaster, b, []string{"PEC-B.it"}); err != nil {
		t.Fatal(err)
	}
	if ds, _ := f.s.DominiAssistente(ctx, bruno, b); !slices.Equal(nomi(ds), []string{"pec-b.it"}) {
		t.Fatalf("after: %v", ds)
	}
	// bruno now sees (and inserts on) pec-b.it only.
	if _, err := f.s.InserisciCasella(ctx, bruno, form("b1", "pec-a.it", "DLCGUO68P15D969U")); err == nil {
		t.Fatal("inserted on a removed domain")
	}
	h, _ := f.s.DB.History(ctx, "assistente", itoa(b))
	if !slices.ContainsFunc(h, func(e store.AuditEntry) bool { return strings.HasPrefix(e.Campo, "dominio.") && e.Dopo == "false" }) {
		t.Fatalf("history %+v", h)
	}
}

func TestConsumoAssistente(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	b := brunoID(t, f)
	if n, err := f.s.ConsumoAssistente(ctx, postmaster, b); err != nil || n != 0 {
		t.Fatalf("empty: %d %v", n, err)
	}
	id1, err := f.s.InserisciCasella(ctx, bruno, form("b1", "pec-a.it", "DLCGUO68P15D969U"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.InserisciCasella(ctx, bruno, form("b2", "pec-b.it", "DLCGUO68P15D969U")); err != nil {
		t.Fatal(err)
	}
	// Not the reseller's own, nor another assistant's.
	if _, err := f.s.InserisciCasella(ctx, postmaster, form("p1", "pec-b.it", "DLCGUO68P15D969U")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.InserisciCasella(ctx, anna, form("a1", "pec-a.it", "DMCNCL03L31L219Y")); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.ConsumoAssistente(ctx, postmaster, b); err != nil || n != 2 {
		t.Fatalf("two: %d %v", n, err)
	}
	// A CESSATA one no longer counts.
	if err := f.s.Attiva(ctx, postmaster, id1, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Cessa(ctx, postmaster, id1); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.ConsumoAssistente(ctx, bruno, b); err != nil || n != 1 {
		t.Fatalf("after cessata: %d %v", n, err)
	}
	if _, err := f.s.ConsumoAssistente(ctx, anna, b); !errors.Is(err, ErrPermesso) {
		t.Fatalf("anna on bruno: %v", err)
	}
}

func TestStoricoPacchettiAssistente(t *testing.T) {
	f := nuovo(t)
	ctx := context.Background()
	list, _ := f.s.PacchettiAssistente(ctx, postmaster, f.annaID)
	p := list[0]
	p.Stato = "SOSPESO"
	if _, err := f.s.SalvaPacchettoAssistente(ctx, postmaster, p); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SalvaPacchettoAssistente(ctx, postmaster, store.PacchettoAssistente{AssistenteID: f.annaID,
		Nome: "Extra", Quantita: 2, DurataAnni: 1}); err != nil {
		t.Fatal(err)
	}
	h, err := f.s.StoricoPacchettiAssistente(ctx, postmaster, f.annaID)
	if err != nil {
		t.Fatal(err)
	}
	sospeso := slices.ContainsFunc(h, func(v VoceStoricoPacchetto) bool {
		return v.Pacchetto.Nome == "Base" && v.Azione == store.Modifica && v.Campo == "stato" && v.Prima == "ATTIVO" && v.Dopo == "SOSPESO"
	})
	extra := slices.ContainsFunc(h, func(v VoceStoricoPacchetto) bool { return v.Pacchetto.Nome == "Extra" && v.Azione == store.Crea })
	if !sospeso || !extra {
		t.Fatalf("history %+v", h)
	}
	for i := 1; i < len(h); i++ {
		if h[i].At.After(h[i-1].At) {
			t.Fatalf("not newest first: %+v", h)
		}
	}
	// The assistant reads their own; another's is refused.
	if own, err := f.s.StoricoPacchettiAssistente(ctx, anna, f.annaID); err != nil || len(own) != len(h) {
		t.Fatalf("anna's own: %d %v", len(own), err)
	}
	if _, err := f.s.StoricoPacchettiAssistente(ctx, bruno, f.annaID); !errors.Is(err, ErrPermesso) {
		t.Fatalf("bruno on anna: %v", err)
	}
	if h, err := f.s.StoricoPacchettiAssistente(ctx, postmaster, brunoID(t, f)); err != nil || len(h) != 0 {
		t.Fatalf("no packages: %v %v", h, err)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
