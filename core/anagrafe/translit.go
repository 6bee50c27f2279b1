package anagrafe

import (
	"strings"
	"unicode"
)

// latinBase maps U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A) to their ASCII base letter: "È" -> 'E', "ł" -> 'l'. '*'
// marks the ligatures expanded by latinMulti, '.' the two signs (× ÷).
const latinBase = "" +
	"AAAAAA*CEEEEIIIIDNOOOOO.OUUUUY**" + // U+00C0
	"aaaaaa*ceeeeiiiidnooooo.ouuuuy*y" + // U+00E0
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGg" + // U+0100
	"GgGgHhHhIiIiIiIiIi**JjKkkLlLlLlL" + // U+0120
	"lLlNnNnNnnNnOoOoOo**RrRrRrSsSsSs" + // U+0140
	"SsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs" //   U+0160

var latinMulti = map[rune]string{
	'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe", 'ß': "ss",
	'Þ': "TH", 'þ': "th", 'Ĳ': "IJ", 'ĳ': "ij",
}

// foldRune returns the ASCII spelling of r: ASCII runes unchanged,
// accented Latin letters without their marks ("è" -> "e"), ligatures
// expanded ("æ" -> "ae"), typographic apostrophes as "'". It returns ""
// for runes it has no spelling for (other scripts, symbols).
func foldRune(r rune) string {
	switch {
	case r < 0x80:
		return string(r)
	case r >= 0xC0 && r < 0x180:
		i := r - 0xC0
		switch latinBase[i] {
		case '*':
			return latinMulti[r]
		case '.':
			return ""
		}
		return latinBase[i : i+1]
	case r == '\u2019' || r == '\u2018' || r == '\u02bc' || r == '\u00b4':
		return "'"
	}
	return ""
}

// upperASCII upper-cases ASCII letters only, leaving every other byte as
// it is (so a second call changes nothing).
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// searchKey is the form names are compared in: accents removed, upper
// case, only letters and digits ("Sant'Agata de' Goti" -> "SANTAGATADEGOTI",
// "Forlì" -> "FORLI"). Letters without an ASCII spelling (other scripts)
// are kept, upper-cased, so such input still matches itself.
func searchKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		f := foldRune(r)
		if f == "" {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToUpper(r))
			}
			continue
		}
		for i := 0; i < len(f); i++ {
			switch c := f[i]; {
			case c >= 'a' && c <= 'z':
				b.WriteByte(c - ('a' - 'A'))
			case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}
