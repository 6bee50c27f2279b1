// Package assets bundles what the binaries carry with them: the icon, the
// translations and reference data (comuni).
package assets

import (
	"embed"
	_ "embed"
)

//go:embed icon.png
var Icon []byte

// Translations holds it.json (Fyne's own strings in Italian; Sportello's
// strings are written in Italian in the code) and en.json (Sportello in English).
//
//go:embed translations/*.json
var Translations embed.FS
