package pdfcaratteri

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/image/font/sfnt"
)

// sottoinsieme empties, in a TrueType font, the outlines of every glyph
// no rune of keep reaches (directly or as a component of an accented
// letter). Glyph numbers, metrics, names and the character map stay as
// they are, so that fpdf's MakeFont reads the font as before; only the
// glyf table shrinks. The Go fonts cover Greek, Cyrillic and more: what a
// Windows-1252 letter can use is about a third of their outlines, and
// every PDF embeds the font whole.
func sottoinsieme(ttf []byte, keep []rune) ([]byte, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	tabelle, err := leggiTabelle(ttf)
	if err != nil {
		return nil, err
	}
	head, maxp, loca, glyf := tabelle["head"], tabelle["maxp"], tabelle["loca"], tabelle["glyf"]
	if len(head) < 54 || len(maxp) < 6 || glyf == nil || loca == nil {
		return nil, errors.New("font TrueType senza head, maxp, loca o glyf")
	}
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	corto := binary.BigEndian.Uint16(head[50:]) == 0
	offset := func(g int) (int, error) {
		var o int
		if corto {
			if 2*g+2 > len(loca) {
				return 0, errors.New("tabella loca troppo corta")
			}
			o = 2 * int(binary.BigEndian.Uint16(loca[2*g:]))
		} else {
			if 4*g+4 > len(loca) {
				return 0, errors.New("tabella loca troppo corta")
			}
			o = int(binary.BigEndian.Uint32(loca[4*g:]))
		}
		if o > len(glyf) {
			return 0, errors.New("tabella loca oltre la tabella glyf")
		}
		return o, nil
	}
	glifo := func(g int) ([]byte, error) {
		a, err := offset(g)
		if err != nil {
			return nil, err
		}
		b, err := offset(g + 1)
		if err != nil || b < a {
			return nil, fmt.Errorf("glifo %d: tabella loca non valida", g)
		}
		return glyf[a:b], nil
	}

	// The glyphs to keep: .notdef, those of the runes, their components.
	tenuti := map[int]bool{0: true}
	var daVedere []int
	var buf sfnt.Buffer
	for _, r := range keep {
		gi, err := f.GlyphIndex(&buf, r)
		if err == nil && gi != 0 && !tenuti[int(gi)] {
			tenuti[int(gi)] = true
			daVedere = append(daVedere, int(gi))
		}
	}
	for len(daVedere) > 0 {
		g := daVedere[len(daVedere)-1]
		daVedere = daVedere[:len(daVedere)-1]
		if g >= numGlyphs {
			continue
		}
		data, err := glifo(g)
		if err != nil {
			return nil, err
		}
		componenti, err := componentiComposto(data)
		if err != nil {
			return nil, fmt.Errorf("glifo %d: %w", g, err)
		}
		for _, c := range componenti {
			if !tenuti[c] {
				tenuti[c] = true
				daVedere = append(daVedere, c)
			}
		}
	}

	// The new glyf and a long-format loca (offsets 4-aligned).
	var nuovoGlyf []byte
	nuovaLoca := make([]byte, 4*(numGlyphs+1))
	for g := range numGlyphs {
		binary.BigEndian.PutUint32(nuovaLoca[4*g:], uint32(len(nuovoGlyf)))
		if !tenuti[g] {
			continue
		}
		data, err := glifo(g)
		if err != nil {
			return nil, err
		}
		nuovoGlyf = append(nuovoGlyf, data...)
		for len(nuovoGlyf)%4 != 0 {
			nuovoGlyf = append(nuovoGlyf, 0)
		}
	}
	binary.BigEndian.PutUint32(nuovaLoca[4*numGlyphs:], uint32(len(nuovoGlyf)))
	nuovoHead := append([]byte(nil), head...)
	binary.BigEndian.PutUint16(nuovoHead[50:], 1) // indexToLocFormat: long
	tabelle["head"], tabelle["loca"], tabelle["glyf"] = nuovoHead, nuovaLoca, nuovoGlyf
	return scriviFont(ttf[:4], tabelle), nil
}

// componentiComposto lists the glyphs a composite glyph is made of; none
// for a simple glyph.
func componentiComposto(g []byte) ([]int, error) {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil, nil
	}
	const (
		argWords    = 0x0001
		haScala     = 0x0008
		altri       = 0x0020
		scalaXY     = 0x0040
		dueperdue   = 0x0080
		descrizione = 4 // flags and glyph index
	)
	var out []int
	for i := 10; ; {
		if i+descrizione > len(g) {
			return nil, errors.New("glifo composto troncato")
		}
		flags := binary.BigEndian.Uint16(g[i:])
		out = append(out, int(binary.BigEndian.Uint16(g[i+2:])))
		i += descrizione
		if flags&argWords != 0 {
			i += 4
		} else {
			i += 2
		}
		switch {
		case flags&haScala != 0:
			i += 2
		case flags&scalaXY != 0:
			i += 4
		case flags&dueperdue != 0:
			i += 8
		}
		if flags&altri == 0 {
			return out, nil
		}
	}
}

// leggiTabelle reads a TrueType font's tables by tag.
func leggiTabelle(ttf []byte) (map[string][]byte, error) {
	if len(ttf) < 12 {
		return nil, errors.New("font TrueType troncato")
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	if 12+16*n > len(ttf) {
		return nil, errors.New("font TrueType troncato")
	}
	out := make(map[string][]byte, n)
	for i := range n {
		rec := ttf[12+16*i:]
		off, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off+length > len(ttf) || off < 0 {
			return nil, fmt.Errorf("tabella %s oltre la fine del font", rec[:4])
		}
		out[string(rec[:4])] = ttf[off : off+length]
	}
	return out, nil
}

// scriviFont lays the tables out as a TrueType file: directory sorted by
// tag, tables 4-aligned, checksums and head's checkSumAdjustment computed.
func scriviFont(versione []byte, tabelle map[string][]byte) []byte {
	tags := make([]string, 0, len(tabelle))
	for t := range tabelle {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := 16 << entrySelector
	out := make([]byte, 12+16*n)
	copy(out, versione)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-searchRange))
	headAt := -1
	for i, t := range tags {
		data := tabelle[t]
		if t == "head" {
			data = append([]byte(nil), data...)
			binary.BigEndian.PutUint32(data[8:], 0) // checkSumAdjustment, set below
			headAt = len(out)
		}
		rec := out[12+16*i:]
		copy(rec, t)
		binary.BigEndian.PutUint32(rec[4:], checksum(data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
