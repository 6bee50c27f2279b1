package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStatsDuplicates(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 8})
	c := newClient(t, sb)
	tari, scuola := sb.Services()[0], sb.Services()[1]
	codes := sb.Credentials().FiscalCodes
	a, b := codes.Enabled[0], codes.NotOnIO[0]
	pay := withContent("payment_data", payment(15000, "301000000000000042"))
	send := func(key string, body map[string]any) { c.do("POST", "/api/v1/messages", key, body).wantStatus(t, 201) }

	send(tari.Key, newMsg("Avviso TARI 2026", withCF(a), pay))
	send(tari.Key, newMsg("Avviso TARI 2026", withCF(a), pay))                                        // duplicate
	c.do("POST", "/api/v1/messages/"+a, tari.Key, newMsg("Avviso TARI 2026", pay)).wantStatus(t, 201) // duplicate, path form
	send(tari.Key, newMsg("Avviso TARI 2026", withCF(a), withContent("payment_data", payment(15001, "301000000000000042"))))
	send(tari.Key, newMsg("Avviso TARI 2026", withCF(b), pay))                                  // other citizen
	send(scuola.Key, newMsg("Avviso TARI 2026", withCF(a), pay))                                // other service
	send(tari.Key, newMsg("Avviso TARI 2026", withCF(a), pay, withField("time_to_live", 7200))) // TTL is not part of identity: duplicate
	c.do("POST", "/api/v1/messages", tari.Key, newMsg("corto", withCF(a))).wantProblem(t, 400)  // not counted

	var st Stats
	c.do("GET", "/__sandbox/stats", "", nil).decode(t, &st)
	if st.IO.Messages != 7 || st.IO.Duplicates != 3 || st.IO.ByFiscalCode[a] != 6 || st.IO.ByFiscalCode[b] != 1 ||
		st.IO.ByService[tari.Name] != 6 || st.IO.ByService[scuola.Name] != 1 {
		t.Fatalf("stats %+v", st.IO)
	}
	if st.Calls["io.submitMessageforUserWithFiscalCodeInBody"] != 7 || st.Calls["io.submitMessageforUser"] != 1 {
		t.Errorf("calls %v", st.Calls)
	}
	if st.IO.ByStatus[statusRejected] != 1 {
		t.Errorf("by status %v", st.IO.ByStatus)
	}

	c.do("POST", "/__sandbox/reset", "", nil).wantStatus(t, 204)
	st = sb.Stats()
	if st.IO.Messages != 0 || st.IO.Duplicates != 0 || len(st.IO.ByFiscalCode) != 0 || len(st.Calls) != 0 {
		t.Fatalf("after reset: %+v", st)
	}
	send(tari.Key, newMsg("Avviso TARI 2026", withCF(a), pay))
	if st := sb.Stats(); st.IO.Duplicates != 0 {
		t.Errorf("duplicate of a message sent before the reset: %+v", st.IO)
	}
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Seed: 12, StateDir: dir, Logger: quietLogger}
	sb, err := Start(context.Background(), "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, sb)
	svc := svcByLevel(t, sb, FeatureAdvanced)
	cf := sample(t, sb, CitizenEnabled)
	var ids []string
	for _, subj := range []string{"Iscrizione mensa 2026/27", "Iscrizione mensa 2026/27", "Retta trasporto scolastico"} {
		ex := c.do("POST", "/api/v1/messages", svc.Key, newMsg(subj, withCF(cf), withField("feature_level_type", "ADVANCED"),
			withContent("payment_data", payment(4200, "301000000000000777"))))
		ex.wantStatus(t, 201)
		var cr struct{ ID string }
		ex.decode(t, &cr)
		ids = append(ids, cr.ID)
	}
	before := map[string]string{}
	for _, id := range ids {
		before[id] = string(c.do("GET", "/api/v1/messages/"+cf+"/"+id, svc.Key, nil).body)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	// A torn last line, as after a crash mid-write, is dropped.
	f, err := os.OpenFile(filepath.Join(dir, "io-messages.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":"01J0000000000000000000000","serv`)
	f.Close()

	// Restarted with another processing delay: history does not change.
	cfg.ProcessingDelay = DefaultProcessingDelay
	sb2 := startSandbox(t, cfg)
	c2 := newClient(t, sb2)
	for _, id := range ids {
		ex := c2.do("GET", "/api/v1/messages/"+cf+"/"+id, svc.Key, nil)
		ex.wantStatus(t, 200)
		if string(ex.body) != before[id] {
			t.Errorf("after restart:\n%s\nbefore:\n%s", ex.body, before[id])
		}
	}
	if st := sb2.Stats().IO; st.Messages != 3 || st.Duplicates != 1 || st.ByFiscalCode[cf] != 3 {
		t.Errorf("stats after restart %+v", st)
	}
	c2.do("POST", "/api/v1/messages", svc.Key, newMsg("Nuovo messaggio dopo il riavvio", withCF(cf))).wantStatus(t, 201)
	if err := sb2.Reset(); err != nil {
		t.Fatal(err)
	}
	sb2.Close()
	sb3 := startSandbox(t, cfg)
	if n := sb3.Stats().IO.Messages; n != 0 {
		t.Errorf("%d messages survived a reset", n)
	}
	newClient(t, sb3).do("GET", "/api/v1/messages/"+cf+"/"+ids[0], svc.Key, nil).wantProblem(t, 404)
}

func TestStartErrors(t *testing.T) {
	if _, err := Start(context.Background(), "127.0.0.1:notaport", Config{Logger: quietLogger}); err == nil {
		t.Error("bad listen address accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Start(ctx, "127.0.0.1:0", Config{Logger: quietLogger}); err == nil {
		t.Error("cancelled context accepted")
	}
	// Cancelling the context stops the sandbox.
	ctx, cancel = context.WithCancel(context.Background())
	sb, err := Start(ctx, "127.0.0.1:0", Config{Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	c := newClient(t, sb)
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := c.try("GET", "/__sandbox/stats", "", nil); err != nil {
			return
		}
	}
	t.Error("still serving after its context was cancelled")
}

func TestCredentials(t *testing.T) {
	sb := startSandbox(t, Config{Seed: 2026})
	cr := sb.Credentials()
	if cr.Endpoints.IO != sb.URL()+"/api/v1" || cr.Endpoints.KeyHeader != "Ocp-Apim-Subscription-Key" || len(cr.Services) != 4 ||
		len(cr.FiscalCodes.Enabled) == 0 || len(cr.FiscalCodes.NotOnIO) == 0 || len(cr.FiscalCodes.ServiceDisabled) == 0 {
		t.Fatalf("credentials %+v", cr)
	}
	var got Credentials
	newClient(t, sb).do("GET", "/__sandbox/credentials", "", nil).decode(t, &got)
	if got.Services[0].Key != cr.Services[0].Key {
		t.Error("HTTP credentials differ")
	}
}
