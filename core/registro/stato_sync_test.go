package registro

import (
	"context"
	"testing"

	"github.com/sportello/sportello/core/operatori"
	"github.com/sportello/sportello/store"
)

// The status bar's counts as each operator may see them: the reseller
// everything, an assistant the pending changes and open conflicts of
// their own records only.
func TestStatoSyncDi(t *testing.T) {
	ctx := context.Background()
	f := nuovo(t)
	_, err := f.s.InserisciCasella(ctx, anna, form("anna1", "pec-a.it", "DMCNCL03L31L219Y"))
	if err != nil {
		t.Fatal(err)
	}
	idBruno, err := f.s.InserisciCasella(ctx, bruno, form("bruno1", "pec-b.it", "DLCGUO68P15D969U"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.InserisciCasella(ctx, postmaster, form("p1", "pec-b.it", "RSSMRA80A01F205X")); err != nil {
		t.Fatal(err)
	}
	conflitto := func(id int64) {
		if err := f.s.DB.Write(ctx, "test", func(tx *store.Tx) error {
			_, err := tx.InserisciConflitto(ctx, store.ConflittoRegistro{Entita: "casella", IDLocale: id, Locale: "{}", Remoto: "{}", Stato: "APERTO"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	conflitto(idBruno)
	conflitto(idBruno)
	tutto, err := f.s.StatoSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	di := func(op operatori.Operatore) StatoSync {
		t.Helper()
		st, err := f.s.StatoSyncDi(ctx, op)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	a, b, p := di(anna), di(bruno), di(postmaster)
	if p != tutto {
		t.Errorf("reseller %+v, whole registro %+v", p, tutto)
	}
	if a.Pendenti == 0 || b.Pendenti == 0 || a.Pendenti+b.Pendenti >= tutto.Pendenti {
		t.Errorf("pending: anna %d, bruno %d, all %d (the reseller's own mailbox counts only in all)", a.Pendenti, b.Pendenti, tutto.Pendenti)
	}
	if a.Conflitti != 0 || b.Conflitti != 2 || tutto.Conflitti != 2 {
		t.Errorf("conflicts: anna %d, bruno %d, all %d; want 0, 2, 2", a.Conflitti, b.Conflitti, tutto.Conflitti)
	}
}
