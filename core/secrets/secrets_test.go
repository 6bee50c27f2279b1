package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFileStore(t *testing.T) {
	f := &File{Path: filepath.Join(t.TempDir(), "sub", "secrets.json")}
	if _, err := f.Get("appio/01"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v", err)
	}
	if err := f.Set("appio/01", "k1"); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("appio/02", "k2"); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("appio/01"); v != "k1" {
		t.Fatalf("got %q", v)
	}
	st, err := os.Stat(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	if err := f.Delete("appio/01"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get("appio/01"); !errors.Is(err, ErrNotFound) {
		t.Fatal("deleted secret still there")
	}
	if v, _ := f.Get("appio/02"); v != "k2" {
		t.Fatal("delete removed another secret")
	}
}

func TestFileStoreTightensLoosePermissions(t *testing.T) {
	p := filepath.Join(t.TempDir(), "secrets.json")
	os.WriteFile(p, []byte(`{}`), 0o644)
	f := &File{Path: p}
	if err := f.Set("x", "y"); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
}
