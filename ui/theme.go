package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// sportelloTheme is Fyne's theme in its light variant (office software is
// read for hours on bright screens) with the blue of Italian public
// administration sites as primary colour, and read-only text dark enough
// to read: detail forms are read-only most of the time.
type sportelloTheme struct{}

var (
	paBlue       = color.NRGBA{R: 0x0B, G: 0x5F, B: 0xA5, A: 0xFF}
	readOnlyText = color.NRGBA{R: 0x3A, G: 0x3F, B: 0x45, A: 0xFF}
	// Outcome lines ("Flusso importato: …") are text on white: Fyne's bright
	// green and orange are unreadable there, Bootstrap Italia's are not.
	successGreen = color.NRGBA{R: 0x00, G: 0x87, B: 0x58, A: 0xFF}
	warningOchre = color.NRGBA{R: 0xA6, G: 0x63, B: 0x00, A: 0xFF}
)

func (sportelloTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		if n == theme.ColorNameFocus {
			return color.NRGBA{R: paBlue.R, G: paBlue.G, B: paBlue.B, A: 0x7F}
		}
		return paBlue
	case theme.ColorNameDisabled:
		return readOnlyText
	case theme.ColorNameSuccess:
		return successGreen
	case theme.ColorNameWarning:
		return warningOchre
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (sportelloTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (sportelloTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (sportelloTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }
