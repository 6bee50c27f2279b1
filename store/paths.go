package store

import (
	"os"
	"path/filepath"
	"runtime"
)

// DataDir is the per-user folder where Sportello keeps its databases:
// $XDG_DATA_HOME/sportello (~/.local/share/sportello) on Linux and BSD,
// %AppData%\Sportello on Windows, ~/Library/Application Support/Sportello on macOS.
func DataDir() (string, error) {
	switch runtime.GOOS {
	case "windows", "darwin", "ios":
		base, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(base, "Sportello"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "sportello"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "sportello"), nil
}

// DefaultPath is the database used when no --db is given.
func DefaultPath() (string, error) {
	d, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "sportello.db"), nil
}

// DemoPath is the separate database of demo mode, so a demo never touches real data.
func DemoPath() (string, error) {
	d, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "demo", "sportello-demo.db"), nil
}
