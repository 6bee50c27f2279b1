package cassa

import (
	"encoding/binary"
	"math"
	"unicode/utf16"
)

// A minimal writer of .xls files (BIFF8 records in an OLE2 container),
// for the tests and the fuzz seeds: the fixtures do not use SST
// continuations, formulas, LABEL or MULRK records, the 1904 date system or
// a second sheet.

type biffW struct{ b []byte }

func (w *biffW) rec(tipo uint16, parti ...[]byte) *biffW {
	n := 0
	for _, p := range parti {
		n += len(p)
	}
	w.b = binary.LittleEndian.AppendUint16(w.b, tipo)
	w.b = binary.LittleEndian.AppendUint16(w.b, uint16(n))
	for _, p := range parti {
		w.b = append(w.b, p...)
	}
	return w
}

func u16(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }

func bofXLS(dt int) []byte { return append(append(u16(0x0600), u16(dt)...), make([]byte, 12)...) }

// caratteriXLS is the flags byte and the characters: 8-bit when they fit.
func caratteriXLS(s string) []byte {
	u := utf16.Encode([]rune(s))
	stretto := true
	for _, c := range u {
		stretto = stretto && c < 256
	}
	if stretto {
		out := []byte{0}
		for _, c := range u {
			out = append(out, byte(c))
		}
		return out
	}
	out := []byte{1}
	for _, c := range u {
		out = binary.LittleEndian.AppendUint16(out, c)
	}
	return out
}

func stringaXLS(s string) []byte { // XLUnicodeString: cch (2 bytes), flags, characters
	return append(u16(len(utf16.Encode([]rune(s)))), caratteriXLS(s)...)
}

func cellaRC(r, c int) []byte { return append(append(u16(r), u16(c)...), u16(0)...) }

func rkIntero(v int, per100 bool) []byte {
	x := uint32(v<<2) | 2
	if per100 {
		x |= 1
	}
	return u32(int(x))
}

type foglioXLS struct {
	nome  string
	celle func(w *biffW)
}

// libroXLS builds a BIFF8 workbook stream: globals (with the shared
// strings sst, split as sstRecords says, and extra records), then sheets.
func libroXLS(globali func(w *biffW), sst [][]byte, fogli ...foglioXLS) []byte {
	g := &biffW{}
	g.rec(recBOF, bofXLS(0x0005))
	if globali != nil {
		globali(g)
	}
	pos := make([]int, len(fogli)) // offsets of the BOUNDSHEET positions, patched below
	for i, f := range fogli {
		pos[i] = len(g.b) + 4
		nome := caratteriXLS(f.nome)
		g.rec(recBoundsheet, u32(0), []byte{0, 0, byte(len([]rune(f.nome)))}, nome)
	}
	for i, p := range sst {
		tipo := uint16(recSST)
		if i > 0 {
			tipo = recContinue
		}
		g.rec(tipo, p)
	}
	g.rec(recEOF)
	for i, f := range fogli {
		binary.LittleEndian.PutUint32(g.b[pos[i]:], uint32(len(g.b)))
		g.rec(recBOF, bofXLS(0x0010))
		if f.celle != nil {
			f.celle(g)
		}
		g.rec(recEOF)
	}
	return g.b
}

// sstXLS is one SST record holding strings.
func sstXLS(stringhe ...string) [][]byte {
	p := append(u32(len(stringhe)), u32(len(stringhe))...)
	for _, s := range stringhe {
		p = append(p, stringaXLS(s)...)
	}
	return [][]byte{p}
}

// cfbXLS wraps a Workbook stream in an OLE2 compound file (version 3,
// 512-byte sectors: FAT in sector 0, directory in 1, the stream from 2).
func cfbXLS(stream []byte) []byte {
	for len(stream) < 4096 || len(stream)%512 != 0 {
		stream = append(stream, 0) // past the last EOF record, never read
	}
	n := len(stream) / 512
	h := make([]byte, 512)
	copy(h, oleMagic)
	le := binary.LittleEndian
	le.PutUint16(h[0x18:], 0x3E)
	le.PutUint16(h[0x1A:], 3)
	le.PutUint16(h[0x1C:], 0xFFFE)
	le.PutUint16(h[0x1E:], 9)
	le.PutUint16(h[0x20:], 6)
	le.PutUint32(h[0x2C:], 1) // FAT sectors
	le.PutUint32(h[0x30:], 1) // first directory sector
	le.PutUint32(h[0x38:], 4096)
	le.PutUint32(h[0x3C:], 0xFFFFFFFE)
	le.PutUint32(h[0x44:], 0xFFFFFFFE)
	for i := 0; i < 109; i++ {
		le.PutUint32(h[0x4C+4*i:], 0xFFFFFFFF)
	}
	le.PutUint32(h[0x4C:], 0) // the FAT is sector 0
	fat := make([]byte, 512)
	for i := range 128 {
		v := uint32(0xFFFFFFFF)
		switch {
		case i == 0:
			v = 0xFFFFFFFD
		case i == 1 || i == n+1:
			v = 0xFFFFFFFE
		case i < n+1:
			v = uint32(i + 1)
		}
		le.PutUint32(fat[4*i:], v)
	}
	dir := make([]byte, 512)
	voce := func(i int, nome string, tipo byte, figlio, start uint32, size int) {
		e := dir[128*i:]
		u := utf16.Encode([]rune(nome))
		for k, c := range u {
			le.PutUint16(e[2*k:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = tipo, 1
		le.PutUint32(e[68:], 0xFFFFFFFF)
		le.PutUint32(e[72:], 0xFFFFFFFF)
		le.PutUint32(e[76:], figlio)
		le.PutUint32(e[116:], start)
		le.PutUint64(e[120:], uint64(size))
	}
	voce(0, "Root Entry", 5, 1, 0xFFFFFFFE, 0)
	voce(1, "Workbook", 2, 0xFFFFFFFF, 2, len(stream))
	for i := 2; i < 4; i++ {
		for _, off := range []int{68, 72, 76} {
			le.PutUint32(dir[128*i+off:], 0xFFFFFFFF)
		}
	}
	out := append(append(append(h, fat...), dir...), stream...)
	return out
}

// Cells of the statement layout, for the built workbooks.
func intestazioneXLS(w *biffW, riga int) {
	for c, n := range nomiColonne {
		w.rec(recLabel, cellaRC(riga, c), stringaXLS(n))
	}
}

func numeroRec(r, c int, f float64) []byte {
	return append(cellaRC(r, c), binary.LittleEndian.AppendUint64(nil, math.Float64bits(f))...)
}
