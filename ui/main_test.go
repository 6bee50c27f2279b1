package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/sportello/sportello/assets"
)

// The UI is written in Italian and tests assert on its words: pin the locale
// so that a machine set to English (or to C, as CI is) sees what a clerk sees.
func TestMain(m *testing.M) {
	os.Setenv("LANGUAGE", "it_IT")
	os.Setenv("LC_ALL", "it_IT.UTF-8")
	os.Setenv("LANG", "it_IT.UTF-8")
	// Fyne picks the language when translations are added, which ui's init
	// did before the variables above were set: add them again.
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
