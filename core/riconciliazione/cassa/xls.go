package cassa

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"

	"github.com/sportello/sportello/core/riconciliazione/tracciato"
	"github.com/sportello/sportello/core/tabelle"
)

// An old Excel file (.xls, BIFF8, Excel 97-2003) is an OLE2 compound file
// whose "Workbook" stream is a sequence of records. mscfb opens the
// container; this file reads the records: the shared strings and the
// sheet list, then the chosen sheet's cells row by row.
//
// Why not a library: github.com/shakinm/xlsReader panicked on 47 of 242
// files with a few random bytes changed and looped forever on one (a
// goroutine stuck for good in a desktop app); it also drops formula cells
// and reads 8-bit strings as UTF-8. github.com/extrame/xls (2017) calls
// log.Fatal, ending the program, on a malformed file and shows formulas as
// the text "FormulaCol". mscfb, already a dependency of excelize, is
// fuzzed upstream; its allocations are bounded by the header checks below.

// maxXLS bounds the file read into memory (an .xls holds at most 65,536
// rows: real journals are a few MB).
const maxXLS = 64 << 20

func leggiXLS(r io.Reader, fn func(Movimento) error) (Giornale, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxXLS+1))
	if err != nil {
		return Giornale{}, err
	}
	if len(data) > maxXLS {
		return Giornale{}, formato("il file .xls supera %d MB: salvarlo come .xlsx o .csv", maxXLS>>20)
	}
	wb, err := apriWorkbook(data)
	if err != nil {
		return Giornale{}, err
	}
	b := &biff{r: bufio.NewReaderSize(wb, 64<<10)}
	nome, err := b.globali("MOVIMENTI")
	if err != nil {
		return Giornale{}, formato("file .xls illeggibile: %v", err)
	}
	return leggiRighe(&righeXLS{b: b}, Giornale{Formato: "XLS", Foglio: nome}, b.date1904, fn)
}

// apriWorkbook finds the Workbook stream of an OLE2 file.
func apriWorkbook(data []byte) (io.Reader, error) {
	if err := controllaCFB(data); err != nil {
		return nil, formato("file .xls illeggibile: %v", err)
	}
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, formato("file .xls illeggibile: %v", err)
	}
	book := false
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		switch e.Name {
		case "Workbook":
			return e, nil
		case "Book":
			book = true
		case "EncryptedPackage":
			return nil, fmt.Errorf("%w: %v", tracciato.ErrFormato, tabelle.ErrEncrypted)
		}
	}
	if book {
		return nil, formato("file Excel 5.0/95 non supportato: salvarlo come .xlsx o come .xls (Excel 97-2003)")
	}
	return nil, formato("il file è un contenitore OLE2 senza cartella di lavoro Excel: non è un .xls")
}

// controllaCFB checks the counts of the compound file header against the
// file size, so that no count can make the reader allocate more than the
// file holds.
func controllaCFB(d []byte) error {
	if len(d) < 512 {
		return errors.New("file troncato")
	}
	le := binary.LittleEndian
	major, shift, mini := le.Uint16(d[0x1A:]), le.Uint16(d[0x1E:]), le.Uint16(d[0x20:])
	if le.Uint16(d[0x1C:]) != 0xFFFE || mini != 6 || !(major == 3 && shift == 9 || major == 4 && shift == 12) {
		return errors.New("intestazione OLE2 non valida")
	}
	settori := uint32(len(d) >> shift)
	for _, off := range []int{0x28, 0x2C, 0x40, 0x48} { // directory, FAT, mini FAT, DIFAT sectors
		if le.Uint32(d[off:]) > settori {
			return errors.New("intestazione OLE2 incoerente con la dimensione del file")
		}
	}
	return nil
}

// Record types (MS-XLS 2.3).
const (
	recEOF        = 0x000A
	recFormula    = 0x0006
	recFilepass   = 0x002F
	recDatemode   = 0x0022
	recContinue   = 0x003C
	recBoundsheet = 0x0085
	recMulRK      = 0x00BD
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recRString    = 0x00D6
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recBOF        = 0x0809
)

type biff struct {
	r        *bufio.Reader
	pos      int64 // stream offset of the next record
	tipo     uint16
	dati     []byte // the current record's data
	buf      [8224]byte
	sst      []string
	date1904 bool
}

// avanti reads the next record.
func (b *biff) avanti() error {
	var h [4]byte
	if _, err := io.ReadFull(b.r, h[:]); err != nil {
		return errors.New("file troncato")
	}
	n := int(binary.LittleEndian.Uint16(h[2:]))
	if n > len(b.buf) {
		return fmt.Errorf("record di %d byte, oltre il massimo di %d", n, len(b.buf))
	}
	b.tipo, b.dati = binary.LittleEndian.Uint16(h[:]), b.buf[:n]
	if _, err := io.ReadFull(b.r, b.dati); err != nil {
		return errors.New("file troncato")
	}
	b.pos += int64(4 + n)
	return nil
}

// prossimo is the type of the next record, without reading it.
func (b *biff) prossimo() (uint16, bool) {
	h, err := b.r.Peek(2)
	if err != nil {
		return 0, false
	}
	return binary.LittleEndian.Uint16(h), true
}

// foglioBIFF is a sheet of the BOUNDSHEET list.
type foglioBIFF struct {
	pos      uint32
	visibile bool
	ok       bool // a worksheet, not a chart or macro sheet
	nome     string
}

// globali reads the workbook globals and moves to the BOF of the sheet
// named want (case and blanks ignored), else the first visible
// worksheet; it returns the sheet's name.
func (b *biff) globali(want string) (string, error) {
	if err := b.avanti(); err != nil {
		return "", err
	}
	if err := b.bof(0x0005); err != nil {
		return "", err
	}
	var fogli []foglioBIFF
	for {
		if err := b.avanti(); err != nil {
			return "", err
		}
		switch b.tipo {
		case recEOF:
			return b.vaiAlFoglio(fogli, want)
		case recFilepass:
			return "", tabelle.ErrEncrypted
		case recDatemode:
			b.date1904 = len(b.dati) >= 2 && b.dati[0] == 1
		case recBoundsheet:
			if len(b.dati) < 8 {
				return "", errors.New("elenco dei fogli danneggiato")
			}
			c := &cursore{b: b, i: 6}
			cch, _ := c.byte()
			nome, err := c.testo(int(cch))
			if err != nil {
				return "", err
			}
			fogli = append(fogli, foglioBIFF{pos: binary.LittleEndian.Uint32(b.dati), visibile: b.dati[4]&3 == 0, ok: b.dati[5] == 0, nome: nome})
		case recSST:
			if err := b.leggiSST(); err != nil {
				return "", err
			}
		}
	}
}

// bof checks a BOF record: BIFF8, of the given substream type.
func (b *biff) bof(tipo uint16) error {
	if b.tipo != recBOF {
		if b.tipo == 0x0009 || b.tipo == 0x0209 || b.tipo == 0x0409 {
			return errors.New("formato Excel 2, 3 o 4 non supportato: salvarlo come .xlsx")
		}
		return errors.New("manca l'inizio della cartella di lavoro")
	}
	if len(b.dati) < 4 {
		return errors.New("record BOF troncato")
	}
	if v := binary.LittleEndian.Uint16(b.dati); v != 0x0600 {
		return errors.New("versione di Excel non supportata (serve Excel 97-2003): salvarlo come .xlsx")
	}
	if dt := binary.LittleEndian.Uint16(b.dati[2:]); dt != tipo {
		return errors.New("struttura della cartella di lavoro non valida")
	}
	return nil
}

func (b *biff) vaiAlFoglio(fogli []foglioBIFF, want string) (string, error) {
	scelto := -1
	for i, f := range fogli {
		if f.ok && normalizza(f.nome) == normalizza(want) {
			scelto = i
			break
		}
	}
	for i, f := range fogli {
		if scelto < 0 && f.ok && f.visibile {
			scelto = i
		}
	}
	if scelto < 0 {
		return "", errors.New("la cartella di lavoro non ha fogli di lavoro")
	}
	for b.pos < int64(fogli[scelto].pos) {
		if err := b.avanti(); err != nil {
			return "", err
		}
	}
	if b.pos != int64(fogli[scelto].pos) {
		return "", errors.New("posizione del foglio non valida")
	}
	if err := b.avanti(); err != nil {
		return "", err
	}
	return fogli[scelto].nome, b.bof(0x0010)
}

// cursore reads a record's data on into the CONTINUE records after it.
type cursore struct {
	b *biff
	i int
}

func (c *cursore) continua() error {
	if t, ok := c.b.prossimo(); !ok || t != recContinue {
		return errors.New("testo troncato")
	}
	c.i = 0
	return c.b.avanti()
}

func (c *cursore) byte() (byte, error) {
	if c.i >= len(c.b.dati) {
		if err := c.continua(); err != nil {
			return 0, err
		}
		if len(c.b.dati) == 0 {
			return 0, errors.New("testo troncato")
		}
	}
	c.i++
	return c.b.dati[c.i-1], nil
}

func (c *cursore) u16() (int, error) {
	lo, err := c.byte()
	hi, err2 := c.byte()
	return int(lo) | int(hi)<<8, errors.Join(err, err2)
}

func (c *cursore) u32() (int, error) {
	lo, err := c.u16()
	hi, err2 := c.u16()
	return lo | hi<<16, errors.Join(err, err2)
}

func (c *cursore) salta(n int) error {
	for ; n > 0; n-- {
		if _, err := c.byte(); err != nil {
			return err
		}
	}
	return nil
}

// testo reads an XLUnicodeString's flags and cch characters: 8-bit
// (Latin-1) or UTF-16, switching when the characters go on in a CONTINUE
// record, which restates the flag.
func (c *cursore) testo(cch int) (string, error) {
	flags, err := c.byte()
	if err != nil {
		return "", err
	}
	s, _, err := c.caratteri(cch, flags)
	return s, err
}

// caratteri reads cch characters given the string's flags; it returns
// them and the flags (fRichSt, fExtSt tell what follows).
func (c *cursore) caratteri(cch int, flags byte) (string, byte, error) {
	wide := flags&1 == 1
	var u []uint16
	for cch > 0 {
		if c.i >= len(c.b.dati) {
			if err := c.continua(); err != nil {
				return "", flags, err
			}
			f, err := c.byte()
			if err != nil {
				return "", flags, err
			}
			wide = f&1 == 1
		}
		if wide {
			if c.i+2 > len(c.b.dati) {
				return "", flags, errors.New("testo troncato")
			}
			u = append(u, binary.LittleEndian.Uint16(c.b.dati[c.i:]))
			c.i += 2
		} else {
			u = append(u, uint16(c.b.dati[c.i]))
			c.i++
		}
		cch--
	}
	return string(utf16.Decode(u)), flags, nil
}

// leggiSST reads the shared strings (MS-XLS 2.4.265).
func (b *biff) leggiSST() error {
	c := &cursore{b: b}
	if err := c.salta(4); err != nil {
		return err
	}
	n, err := c.u32()
	if err != nil {
		return err
	}
	b.sst = make([]string, 0, min(n, 1<<16))
	for range n {
		cch, err := c.u16()
		if err != nil {
			return err
		}
		flags, err := c.byte()
		if err != nil {
			return err
		}
		runs, ext := 0, 0
		if flags&8 != 0 {
			if runs, err = c.u16(); err != nil {
				return err
			}
		}
		if flags&4 != 0 {
			if ext, err = c.u32(); err != nil {
				return err
			}
		}
		s, _, err := c.caratteri(cch, flags)
		if err != nil {
			return err
		}
		if err := c.salta(4*runs + ext); err != nil {
			return err
		}
		b.sst = append(b.sst, s)
	}
	return nil
}

// righeXLS streams the chosen sheet's rows: Excel writes the cells in
// row order, so a row is complete when a cell of a later one comes.
type righeXLS struct {
	b       *biff
	riga    int // 0-based row of the current row
	row     []string
	kinds   []tabelle.Kind
	coda    []cellaXLS // cells read and not yet used
	testa   int
	ultima  int      // row of the last cell queued
	formula struct { // a formula whose text result is in the next STRING record
		ok        bool
		riga, col int
	}
	fine bool
	err  error
}

type cellaXLS struct {
	riga, col int
	v         string
	k         tabelle.Kind
}

func (x *righeXLS) Row() []string { return x.row }
func (x *righeXLS) Line() int     { return x.riga + 1 }
func (x *righeXLS) Err() error    { return x.err }

func (x *righeXLS) Kind(i int) tabelle.Kind {
	if i < len(x.kinds) {
		return x.kinds[i]
	}
	return tabelle.Text
}

// Next moves to the next row with a non-blank cell.
func (x *righeXLS) Next() bool {
	for {
		x.row, x.kinds = x.row[:0], x.kinds[:0]
		c := x.guarda()
		if c == nil {
			return false
		}
		x.riga = c.riga
		for c != nil && c.riga == x.riga {
			for len(x.row) <= c.col {
				x.row, x.kinds = append(x.row, ""), append(x.kinds, tabelle.Text)
			}
			x.row[c.col], x.kinds[c.col] = c.v, c.k
			x.testa++
			c = x.guarda()
		}
		if x.err != nil {
			return false
		}
		for _, v := range x.row {
			if strings.TrimSpace(v) != "" {
				return true
			}
		}
	}
}

// guarda is the next cell, reading records when none is queued; nil at
// the end of the sheet or on an error.
func (x *righeXLS) guarda() *cellaXLS {
	for x.testa >= len(x.coda) {
		x.coda, x.testa = x.coda[:0], 0
		if x.fine || x.err != nil {
			return nil
		}
		x.leggi()
	}
	return &x.coda[x.testa]
}

func (x *righeXLS) accoda(riga, col int, v string, k tabelle.Kind) {
	if riga < x.ultima || col > 255 {
		x.err = fmt.Errorf("file .xls non supportato: cella (riga %d, colonna %d) fuori ordine o fuori dal foglio", riga+1, col+1)
		return
	}
	x.ultima = riga
	x.coda = append(x.coda, cellaXLS{riga, col, v, k})
}

func (x *righeXLS) numero(riga, col int, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		x.accoda(riga, col, "#NUM", tabelle.Text)
		return
	}
	x.accoda(riga, col, numeroXLS(f), tabelle.Number)
}

func (x *righeXLS) danneggiato(err error) {
	x.err = fmt.Errorf("file .xls danneggiato: %v", err)
}

// leggi reads the next record, queueing the cells it holds.
func (x *righeXLS) leggi() {
	b := x.b
	if err := b.avanti(); err != nil {
		x.danneggiato(err)
		return
	}
	d := b.dati
	if b.tipo == recEOF {
		x.fine = true
		return
	}
	if b.tipo == recString && x.formula.ok {
		x.formula.ok = false
		c := &cursore{b: b}
		cch, err := c.u16()
		if err == nil {
			var s string
			if s, err = c.testo(cch); err == nil {
				x.accoda(x.formula.riga, x.formula.col, s, tabelle.Text)
				return
			}
		}
		x.danneggiato(err)
		return
	}
	if len(d) < 6 {
		return
	}
	riga, col := int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:]))
	switch b.tipo {
	case recLabelSST:
		if len(d) < 10 {
			return
		}
		i := int(binary.LittleEndian.Uint32(d[6:]))
		if i >= len(b.sst) {
			x.danneggiato(fmt.Errorf("riga %d: testo condiviso %d inesistente", riga+1, i))
			return
		}
		x.accoda(riga, col, b.sst[i], tabelle.Text)
	case recLabel, recRString:
		c := &cursore{b: b, i: 6}
		cch, err := c.u16()
		if err == nil {
			var s string
			if s, err = c.testo(cch); err == nil {
				x.accoda(riga, col, s, tabelle.Text)
				return
			}
		}
		x.danneggiato(fmt.Errorf("riga %d: %v", riga+1, err))
	case recNumber:
		if len(d) >= 14 {
			x.numero(riga, col, math.Float64frombits(binary.LittleEndian.Uint64(d[6:])))
		}
	case recRK:
		if len(d) >= 10 {
			x.numero(riga, col, rk(binary.LittleEndian.Uint32(d[6:])))
		}
	case recMulRK: // rw, colFirst, (ixfe, rk) × n, colLast
		for k := 0; 4+6*k+6 <= len(d)-2; k++ {
			x.numero(riga, col+k, rk(binary.LittleEndian.Uint32(d[4+6*k+2:])))
		}
	case recFormula:
		if len(d) < 14 {
			return
		}
		if binary.LittleEndian.Uint16(d[12:]) != 0xFFFF {
			x.numero(riga, col, math.Float64frombits(binary.LittleEndian.Uint64(d[6:])))
			return
		}
		switch d[6] {
		case 0: // text, in the STRING record that follows
			x.formula.ok, x.formula.riga, x.formula.col = true, riga, col
		case 1:
			x.accoda(riga, col, boolXLS(d[8]), tabelle.Text)
		case 2:
			x.accoda(riga, col, "#ERRORE", tabelle.Text)
		}
	case recBoolErr:
		if len(d) < 8 {
			return
		}
		if d[7] == 1 {
			x.accoda(riga, col, "#ERRORE", tabelle.Text)
			return
		}
		x.accoda(riga, col, boolXLS(d[6]), tabelle.Text)
	}
}

func boolXLS(b byte) string {
	if b != 0 {
		return "TRUE"
	}
	return "FALSE"
}

// numeroXLS writes a number with the 15 significant digits Excel keeps.
func numeroXLS(f float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// rk decodes an RK number (MS-XLS 2.5.217).
func rk(v uint32) float64 {
	var f float64
	if v&2 != 0 {
		f = float64(int32(v) >> 2)
	} else {
		f = math.Float64frombits(uint64(v&0xFFFFFFFC) << 32)
	}
	if v&1 != 0 {
		f /= 100
	}
	return f
}
