// Package secrets keeps API keys and passwords out of the database: in the
// OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)
// or, where none is reachable (headless Linux, CI), in a 0600 file under
// the user's config folder. Callers see one Store either way.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// ErrNotFound is returned when no secret is stored under a name.
var ErrNotFound = errors.New("segreto non presente")

// Store reads and writes named secrets.
type Store interface {
	Get(name string) (string, error)
	Set(name, value string) error
	Delete(name string) error
	// Backend says, in Italian, where secrets are kept, for the settings window.
	Backend() string
}

const service = "Sportello"

// Keyring stores secrets in the OS keyring.
type Keyring struct{ Service string }

func (k Keyring) Get(name string) (string, error) {
	v, err := keyring.Get(k.Service, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotFound
	}
	return v, err
}
func (k Keyring) Set(name, value string) error { return keyring.Set(k.Service, name, value) }
func (k Keyring) Delete(name string) error {
	err := keyring.Delete(k.Service, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}
func (k Keyring) Backend() string { return "portachiavi del sistema operativo" }

// File stores secrets as JSON in a file readable only by its owner.
type File struct {
	Path string
	mu   sync.Mutex
}

func (f *File) load() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("file dei segreti %s illeggibile: %w", f.Path, err)
	}
	return m, nil
}

func (f *File) save(m map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // WriteFile keeps the mode of an existing file
		return err
	}
	return os.Rename(tmp, f.Path)
}

func (f *File) Get(name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	v, ok := m[name]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (f *File) Set(name, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	m[name] = value
	return f.save(m)
}

func (f *File) Delete(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	delete(m, name)
	return f.save(m)
}

func (f *File) Backend() string {
	return "file protetto " + f.Path + " (portachiavi del sistema non disponibile)"
}

// Open returns the OS keyring when it answers, otherwise the fallback file
// secrets.json in dir.
func Open(dir string) Store {
	k := Keyring{Service: service}
	if keyringWorks(k) {
		return k
	}
	return &File{Path: filepath.Join(dir, "secrets.json")}
}

func keyringWorks(k Keyring) bool {
	const probe = "sportello-probe"
	done := make(chan bool, 1)
	go func() { // an unreachable D-Bus can hang; do not block start-up on it
		if err := k.Set(probe, "ok"); err != nil {
			done <- false
			return
		}
		v, err := k.Get(probe)
		_ = k.Delete(probe)
		done <- err == nil && v == "ok"
	}()
	select {
	case ok := <-done:
		return ok
	case <-time.After(3 * time.Second):
		return false
	}
}
