package demo

import (
	"context"
	"net/http"
	"testing"
)

func TestDemoSeedsAndSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Demo || a.Operatore().Username != Operatore {
		t.Fatalf("demo=%v operatore=%+v", a.Demo, a.Operatore())
	}
	e, err := a.Impostazioni.Ente(ctx)
	if err != nil || e.Denominazione != Ente.Denominazione {
		t.Fatalf("ente %+v %v", e, err)
	}
	first, err := a.Impostazioni.ServiziIO(ctx)
	if err != nil || len(first) == 0 {
		t.Fatalf("services %v %v", first, err)
	}
	firstURL := a.SandboxURL
	a.Close()

	// Second start: same accounts, services re-pointed at the new sandbox, keys accepted by it.
	a, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	list, err := a.DB.Operatori(ctx)
	if err != nil || len(list) != 1+len(accounts) {
		t.Fatalf("operators after restart: %d %v", len(list), err)
	}
	servizi, _ := a.Impostazioni.ServiziIO(ctx)
	if len(servizi) != len(first) {
		t.Fatalf("services duplicated or lost: %d vs %d", len(servizi), len(first))
	}
	if a.SandboxURL == firstURL {
		t.Log("sandbox reused the same port; re-pointing not exercised")
	}
	for _, s := range servizi {
		if s.BaseURL != a.SandboxURL+"/api/v1" {
			t.Errorf("%s points at %s, sandbox is %s", s.Nome, s.BaseURL, a.SandboxURL)
		}
		key, err := a.Impostazioni.Chiave(s.ServiceID)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL+"/profiles/RSSMRA80A01H501U", nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			t.Errorf("%s: sandbox refused the stored key (%d)", s.Nome, resp.StatusCode)
		}
	}
}
