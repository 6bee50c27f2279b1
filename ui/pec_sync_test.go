package ui

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sportello/sportello/core/registro"
	"github.com/sportello/sportello/core/sandbox"
	"github.com/sportello/sportello/store"
)

// TestPecSincronizzazione runs the window against a real database and the
// sandbox's PEC provider: not configured, offline, online, then a conflict
// seen side by side and resolved keeping the provider's version.
func TestPecSincronizzazione(t *testing.T) {
	ctx := context.Background()
	u := newTestUI(t)
	admin := createAdmin(t, u)
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Config{Seed: 7, ProviderDelay: 150 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cr := sb.ProviderCredentials()
	r := u.Core.Registro
	if _, err := r.RegistraDominio(ctx, admin, store.Dominio{Dominio: cr.Domains[0], Certificato: true, Stato: "CERTIFIED"}); err != nil {
		t.Fatal(err)
	}
	id, err := r.InserisciCasella(ctx, admin, registro.NuovaCasella{Nome: "mario.rossi", Dominio: cr.Domains[0],
		Titolare:  store.Titolare{Nome: "Mario", Cognome: "Rossi", CodiceFiscale: "DLCGUO68P15D969U", Tipo: registro.TipoPrivato, Email: "mario@example.it"},
		Indirizzo: store.Indirizzo{Via: "Via Roma", Civico: "1", Comune: "Pinerolo", Telefono: "0121 123456"},
		Attivita:  store.Attivita{RagioneSociale: "Rossi Srl", PartitaIVA: "00488410010"}})
	if err != nil {
		t.Fatal(err)
	}

	u.Core.SetOperatore(admin)
	u.ShowMain()
	u.Open("pec-sync")
	s := u.pecSync
	if s == nil || u.main.Current != "pec-sync" {
		t.Fatal("pec-sync not opened")
	}
	bg := u.appIO().bg

	// No provider configured: the round cannot start, and the window says why.
	if !s.Sincronizza.Disabled() || !s.NonConfigurato.Visible() || !strings.Contains(s.NonConfigurato.Text, "sportello-cli pec configura") {
		t.Fatalf("not configured: disabled %v, %q", s.Sincronizza.Disabled(), s.NonConfigurato.Text)
	}
	if s.UltimoOK.Text != "mai" || s.Pendenti.Text == "0" || s.Vuoto.Text != "Nessun conflitto aperto." || !s.Vuoto.Visible() {
		t.Fatalf("first state: ultimo %q pendenti %q vuoto %q", s.UltimoOK.Text, s.Pendenti.Text, s.Vuoto.Text)
	}

	// Configured but offline: the changes stay queued.
	if err := u.Core.Impostazioni.SalvaProvider(ctx, admin, cr.BaseURL, cr.Key); err != nil {
		t.Fatal(err)
	}
	sb.SetProviderOffline(true)
	test.Tap(s.Aggiorna)
	if s.Sincronizza.Disabled() || s.NonConfigurato.Visible() {
		t.Fatal("configured provider: Sincronizza still off")
	}
	test.Tap(s.Sincronizza)
	if !s.Sincronizza.Disabled() {
		t.Fatal("Sincronizza enabled while the round runs")
	}
	bg.Wait()
	if s.Esito.Text != "Gestore non raggiungibile: le modifiche restano in coda" || s.Collegamento.Text != "Non raggiungibile" ||
		s.Pendenti.Text == "0" || s.UltimoOK.Text != "mai" || s.UltimoErrore.Text == "nessuno" || s.Sincronizza.Disabled() {
		t.Fatalf("offline: esito %q, stato %q, pendenti %q, ultimo ok %q, errore %q", s.Esito.Text, s.Collegamento.Text,
			s.Pendenti.Text, s.UltimoOK.Text, s.UltimoErrore.Text)
	}

	// Online: everything sent.
	sb.SetProviderOffline(false)
	test.Tap(s.Sincronizza)
	bg.Wait()
	if !strings.HasPrefix(s.Esito.Text, "Inviate ") || strings.HasPrefix(s.Esito.Text, "Inviate 0,") ||
		s.Collegamento.Text != "Online" || s.Pendenti.Text != "0" || s.UltimoOK.Text == "mai" || s.UltimoErrore.Text != "nessuno" {
		t.Fatalf("online: esito %q, stato %q, pendenti %q, ultimo ok %q, errore %q", s.Esito.Text, s.Collegamento.Text,
			s.Pendenti.Text, s.UltimoOK.Text, s.UltimoErrore.Text)
	}

	// Both sides change the owner's e-mail: a conflict.
	c, err := r.Casella(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	rem, err := u.Core.DB.Remoto(ctx, "titolare", c.TitolareID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.EditProvider(sandbox.ProviderEdit{Kind: "owner", ID: rem.IDRemoto, Field: "email", Value: "dal.provider@example.it"}); err != nil {
		t.Fatal(err)
	}
	d, err := r.Titolare(ctx, admin, c.TitolareID)
	if err != nil {
		t.Fatal(err)
	}
	d.Titolare.Email = "locale@example.it"
	if _, err := r.SalvaTitolare(ctx, admin, d.Titolare); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.Sincronizza)
	bg.Wait()
	if !strings.Contains(s.Esito.Text, "conflitti 1") || s.NumConflitti.Text != "1" || len(s.conflitti) != 1 || s.Vuoto.Visible() {
		t.Fatalf("conflict: esito %q, conflitti %q, list %d", s.Esito.Text, s.NumConflitti.Text, len(s.conflitti))
	}
	if !s.TieniRemoto.Disabled() || s.Dettaglio.Visible() || !s.Nota.Visible() {
		t.Fatal("a choice offered before a conflict is selected")
	}
	s.Elenco.Select(0)
	if !s.Dettaglio.Visible() || s.TieniRemoto.Disabled() || !strings.Contains(s.Intestazione.Text, "Rossi Mario") {
		t.Fatalf("conflict not shown: %q", s.Intestazione.Text)
	}
	var email, cf *[3]*widget.Label
	for i := range s.Righe {
		switch s.Righe[i][0].Text {
		case "E-mail":
			email = &s.Righe[i]
		case "Codice fiscale":
			cf = &s.Righe[i]
		}
	}
	if email == nil || cf == nil {
		t.Fatalf("rows: %d", len(s.Righe))
	}
	if email[1].Text != "locale@example.it" || email[2].Text != "dal.provider@example.it" ||
		!email[1].TextStyle.Bold || email[2].Importance != widget.DangerImportance {
		t.Fatalf("e-mail row: %q | %q, bold %v", email[1].Text, email[2].Text, email[1].TextStyle.Bold)
	}
	if cf[1].Text != "DLCGUO68P15D969U" || cf[1].Text != cf[2].Text || cf[1].TextStyle.Bold || cf[2].Importance == widget.DangerImportance {
		t.Fatalf("equal field marked: %q | %q", cf[1].Text, cf[2].Text)
	}

	// NO leaves it open; SI keeps the provider's version.
	test.Tap(s.TieniRemoto)
	if s.Conferma == nil || !strings.Contains(s.Conferma.Message.Text, "versione del gestore sarà applicata") {
		t.Fatal("no confirmation")
	}
	test.Tap(s.Conferma.No)
	bg.Wait()
	if cs, _ := r.Conflitti(ctx, admin); len(cs) != 1 {
		t.Fatal("resolved on NO")
	}
	test.Tap(s.TieniRemoto)
	test.Tap(s.Conferma.Si)
	bg.Wait()
	d, err = r.Titolare(ctx, admin, c.TitolareID)
	if err != nil || d.Titolare.Email != "dal.provider@example.it" {
		t.Fatalf("local e-mail after resolving: %q %v", d.Titolare.Email, err)
	}
	if !strings.HasPrefix(s.Esito.Text, "Conflitto n. ") || s.NumConflitti.Text != "0" || len(s.conflitti) != 0 ||
		s.Vuoto.Text != "Nessun conflitto aperto." || !s.Vuoto.Visible() || s.Dettaglio.Visible() {
		t.Fatalf("after resolving: esito %q, conflitti %q, vuoto %q", s.Esito.Text, s.NumConflitti.Text, s.Vuoto.Text)
	}
	// The next round sends nothing back.
	test.Tap(s.Sincronizza)
	bg.Wait()
	if !strings.HasPrefix(s.Esito.Text, "Inviate 0, ") || s.Pendenti.Text != "0" || s.NumConflitti.Text != "0" {
		t.Fatalf("after the resolution: esito %q, pendenti %q", s.Esito.Text, s.Pendenti.Text)
	}
}
