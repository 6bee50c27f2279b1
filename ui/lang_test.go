package ui

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sportello/sportello/assets"
)

var langCall = regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")?`)

// uiKeys collects the Italian strings passed to lang.L in ui/ (tests excluded).
func uiKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range langCall.FindAllStringSubmatch(string(src), -1) {
			if m[1] == "" {
				t.Errorf("%s: lang.L called with a non-literal: translations cannot be collected", path)
				continue
			}
			k, err := strconv.Unquote(m[1])
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			keys[k] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// fyneKeys are Fyne's own strings, which it.json translates (Fyne ships no Italian).
var fyneKeys = map[string]bool{}

func loadTranslation(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestItalianTranslationIsComplete: go-i18n logs a "Translation failure"
// for every string missing from the chosen language, so it.json lists each
// Italian string as itself. UPDATE_TRANSLATIONS=1 rewrites it.
func TestItalianTranslationIsComplete(t *testing.T) {
	keys := uiKeys(t)
	it := loadTranslation(t, "it.json")
	for k, v := range it {
		if _, ok := v.(map[string]any); ok || !isUIKey(keys, k) {
			fyneKeys[k] = true
		}
	}
	if os.Getenv("UPDATE_TRANSLATIONS") != "" {
		out := map[string]any{}
		for k := range fyneKeys {
			out[k] = it[k]
		}
		for k := range keys {
			out[k] = k
		}
		b, _ := json.MarshalIndent(out, "", "    ")
		if err := os.WriteFile("../assets/translations/it.json", append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for k, path := range keys {
		if v, ok := it[k]; !ok || v != k {
			t.Errorf("it.json lacks %q (used in %s): run UPDATE_TRANSLATIONS=1 go test ./ui -run Italian", k, path)
		}
	}
}

func isUIKey(keys map[string]string, k string) bool { _, ok := keys[k]; return ok }

func TestEnglishTranslationCoversEveryString(t *testing.T) {
	keys := uiKeys(t)
	if len(keys) < 20 {
		t.Fatalf("only %d strings found: the scanner is broken", len(keys))
	}
	b, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]any
	if err := json.Unmarshal(b, &en); err != nil {
		t.Fatalf("en.json: %v", err)
	}
	var missing, stale []string
	for k := range keys {
		if _, ok := en[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range en {
		if _, ok := keys[k]; !ok {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	for _, k := range missing {
		t.Errorf("en.json lacks %q (used in %s)", k, keys[k])
	}
	for _, k := range stale {
		t.Errorf("en.json has %q, no longer used", k)
	}
}
