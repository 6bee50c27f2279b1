package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// journal is an append-only JSON-lines file: one record per line, replayed
// at start. Each append is one write(2), so a killed process loses at most
// the line being written, which replay drops.
type journal struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

func openJournal(dir, name string) (*journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: cartella di stato: %w", err)
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox: apertura del giornale: %w", err)
	}
	return &journal{path: path, f: f}, nil
}

// replay calls fn for every complete line, then truncates a torn last line
// so that later appends start on a line of their own.
func (j *journal) replay(fn func(line []byte) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(j.f, 64<<10)
	var good int64
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a line without newline is torn: dropped below
		}
		if err != nil {
			return fmt.Errorf("sandbox: lettura del giornale %s: %w", j.path, err)
		}
		good += int64(len(line))
		if line = bytes.TrimSpace(line); len(line) == 0 {
			continue
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("sandbox: giornale %s, offset %d: %w", j.path, good-int64(len(line)), err)
		}
	}
	if err := j.f.Truncate(good); err != nil {
		return err
	}
	_, err := j.f.Seek(good, io.SeekStart)
	return err
}

func (j *journal) append(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, err = j.f.Write(append(b, '\n'))
	return err
}

func (j *journal) truncate() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Truncate(0); err != nil {
		return err
	}
	_, err := j.f.Seek(0, io.SeekStart)
	return err
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		j.f.Close()
		return err
	}
	return j.f.Close()
}
