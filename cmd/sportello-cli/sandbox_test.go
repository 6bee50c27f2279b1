package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/core/sandbox"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"sandbox", "--listen", "127.0.0.1:0", "--delay", "0", "--rate", "off"}, pw, stderr)
		pw.Close()
		done <- code
	}()

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(pr).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, pr)
	}()
	var line string
	select {
	case line = <-lines:
	case code := <-done:
		t.Fatalf("exited with %d before printing credentials; stderr:\n%s", code, stderr)
	case <-time.After(10 * time.Second):
		t.Fatalf("no credentials line; stderr:\n%s", stderr)
	}
	var cred sandbox.Credentials
	if err := json.Unmarshal([]byte(line), &cred); err != nil {
		t.Fatalf("first line is not JSON: %q: %v", line, err)
	}
	if !strings.HasPrefix(cred.Endpoints.IO, "http://127.0.0.1:") || !strings.HasSuffix(cred.Endpoints.IO, "/api/v1") ||
		len(cred.Services) == 0 || len(cred.FiscalCodes.Enabled) == 0 {
		t.Fatalf("credentials %+v", cred)
	}

	req, _ := http.NewRequest("GET", cred.Endpoints.IO+"/profiles/"+cred.FiscalCodes.Enabled[0], nil)
	req.Header.Set(cred.Endpoints.KeyHeader, cred.Services[0].Key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		SenderAllowed *bool `json:"sender_allowed"`
	}
	json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != 200 || p.SenderAllowed == nil || !*p.SenderAllowed {
		t.Fatalf("profile: %d %+v", resp.StatusCode, p)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop after cancel")
	}
	if strings.Contains(stderr.String(), cred.Services[0].Key) {
		t.Error("a full key was logged")
	}
}

func TestSandboxCommandBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"sandbox", "--rate", "lots"},
		{"sandbox", "--faults", "5xx=3"},
		{"sandbox", "--nope"},
		{"sandbox", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr %s", args, code, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("%v: wrote to stdout: %s", args, out.String())
		}
	}
}
