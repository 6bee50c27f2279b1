package tabelle

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Reading spreadsheets: Read opens an Excel workbook (.xlsx) or a CSV file,
// recognised from the content, and streams the rows of one sheet.

// Why Read refuses a file; the messages are for the operator.
var (
	ErrNotSpreadsheet = errors.New("il file non è un foglio Excel .xlsx né un CSV: salvarlo come .xlsx o .csv (UTF-8)")
	ErrNotUTF8        = errors.New("il file non è in UTF-8 (forse è un CSV salvato con la codifica di Windows): salvarlo come .xlsx o .csv (UTF-8)")
	ErrEncrypted      = errors.New("il file Excel è protetto da password: toglierla e salvarlo di nuovo come .xlsx")
	ErrEmpty          = errors.New("il file è vuoto")
	// ErrTooManyRows stops a reading past ReadOptions.MaxRows; callers
	// word the message with their limit.
	ErrTooManyRows = errors.New("il file ha troppe righe")
)

// ReadOptions tune Read.
type ReadOptions struct {
	// MaxRows is how many non-blank rows (header included) may be read;
	// one more stops the reading, Next returns false and Err ErrTooManyRows.
	// Reading stops there, so a sheet of a million rows costs little.
	// 0: no limit.
	MaxRows int
	// Sheet names the sheet to read when the workbook has one of that
	// name (case ignored); otherwise the first visible sheet is read.
	Sheet string
}

// Sheet streams the non-blank rows of a CSV file or of one worksheet.
// Call Next until it returns false, then check Err; always Close.
type Sheet struct {
	format string
	name   string
	merged []string
	line   int
	row    []string
	kinds  []Kind
	forms  []bool
	count  int
	max    int
	err    error

	csv *csvSource
	x   *xlsxSource
}

// Format is "xlsx" or "csv".
func (s *Sheet) Format() string { return s.format }

// Name is the worksheet read ("" for a CSV file).
func (s *Sheet) Name() string { return s.name }

// Merged lists the merged ranges of the worksheet ("A2:C2"). A workbook
// stores them after the cells: the list is complete once Next has returned
// false.
func (s *Sheet) Merged() []string { return s.merged }

// Line is the current row's number as a spreadsheet shows it (1-based;
// for a CSV file, records and blank lines count one each).
func (s *Sheet) Line() int { return s.line }

// Row is the current row's cells, valid until the next call to Next.
// Trailing empty cells may be missing. Workbook cells come as stored, not
// as displayed: numbers in plain notation rounded to Excel's 15 significant
// digits ("1234.5"), date-formatted numbers as "2006-01-02" or
// "2006-01-02 15:04:05", booleans as "TRUE" or "FALSE".
func (s *Sheet) Row() []string { return s.row }

// Kind is how the current row's cell i was typed in the workbook: Text,
// Number, Date (a date-formatted number without time) or DateTime. Every
// CSV cell is Text.
func (s *Sheet) Kind(i int) Kind {
	if i < len(s.kinds) {
		return s.kinds[i]
	}
	return Text
}

// Formula reports whether the current row's cell i holds a formula (its
// value is the one Excel last computed).
func (s *Sheet) Formula(i int) bool { return i < len(s.forms) && s.forms[i] }

// Err is the error that ended the reading, nil at the end of the data.
func (s *Sheet) Err() error { return s.err }

// Close releases the file.
func (s *Sheet) Close() error {
	if s.x != nil {
		return s.x.close()
	}
	return nil
}

// Next moves to the next row with at least one non-blank cell.
func (s *Sheet) Next() bool {
	if s.err != nil {
		return false
	}
	for {
		var ok bool
		if s.x != nil {
			ok = s.x.next(s)
		} else {
			ok = s.csv.next(s)
		}
		if !ok {
			return false
		}
		if blank(s.row) {
			continue
		}
		s.count++
		if s.max > 0 && s.count > s.max {
			s.err = ErrTooManyRows
			return false
		}
		return true
	}
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
)

// Read recognises the content of r and opens it: an Excel workbook (zip
// signature) or a CSV file in UTF-8, with or without BOM, its delimiter
// (';', ',' or tab) guessed from the first line. Legacy .xls files,
// OpenDocument, HTML tables saved as ".xls" and binary or non-UTF-8
// content are refused with ErrNotSpreadsheet, ErrEncrypted or ErrNotUTF8.
func Read(r io.Reader, opts ReadOptions) (*Sheet, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(len(oleMagic))
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch {
	case len(head) == 0:
		return nil, ErrEmpty
	case bytes.HasPrefix(head, zipMagic):
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		return readXLSX(data, opts)
	case bytes.Equal(head, oleMagic):
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		// An encrypted .xlsx is an OLE container holding these streams.
		if bytes.Contains(data, utf16LE("EncryptedPackage")) {
			return nil, ErrEncrypted
		}
		return nil, ErrNotSpreadsheet
	}
	return openCSV(br, opts)
}

func utf16LE(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// ---- CSV ----

type csvSource struct {
	r        *csv.Reader
	nextLine int // the physical line after the previous record
}

func openCSV(br *bufio.Reader, opts ReadOptions) (*Sheet, error) {
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(3)
	}
	sample, err := br.Peek(br.Size())
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	if err := checkText(sample); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(sample)) == 0 {
		return nil, ErrEmpty
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(sample)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true // like Excel: a quote inside an unquoted field is text
	return &Sheet{format: "csv", max: opts.MaxRows, csv: &csvSource{r: cr, nextLine: 1}}, nil
}

// checkText refuses what is not a text table: binary content, UTF-16,
// markup (HTML tables and XML spreadsheets that pose as .xls), and text in
// an encoding other than UTF-8.
func checkText(sample []byte) error {
	if bytes.HasPrefix(sample, []byte{0xFF, 0xFE}) || bytes.HasPrefix(sample, []byte{0xFE, 0xFF}) {
		return ErrNotUTF8
	}
	control := 0
	for _, c := range sample {
		switch {
		case c == 0:
			return ErrNotSpreadsheet
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f', c == 0x7F:
			control++
		}
	}
	if control > 0 && control*50 > len(sample) {
		return ErrNotSpreadsheet
	}
	if t := bytes.TrimSpace(sample); len(t) > 0 && t[0] == '<' {
		return ErrNotSpreadsheet
	}
	// The sample may end inside a character: only what precedes counts.
	for i := 0; i < utf8.UTFMax && len(sample) > 0 && !utf8.Valid(sample); i++ {
		sample = sample[:len(sample)-1]
	}
	if !utf8.Valid(sample) {
		return ErrNotUTF8
	}
	return nil
}

// sniffComma counts the candidate delimiters outside quotes in the first
// line; a tie goes to ';', what Italian Excel writes.
func sniffComma(sample []byte) rune {
	if i := bytes.IndexByte(sample, '\n'); i >= 0 {
		sample = sample[:i]
	}
	var semi, comma, tab int
	quoted := false
	for _, c := range sample {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ';':
			semi++
		case c == ',':
			comma++
		case c == '\t':
			tab++
		}
	}
	switch {
	case comma > semi && comma >= tab:
		return ','
	case tab > semi && tab > comma:
		return '\t'
	}
	return ';'
}

func (c *csvSource) next(s *Sheet) bool {
	rec, err := c.r.Read()
	if err == io.EOF {
		return false
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = fmt.Errorf("riga %d: CSV non valido: %w", s.line+1+pe.StartLine-c.nextLine, pe.Err)
		}
		s.err = err
		return false
	}
	for _, f := range rec {
		if !utf8.ValidString(f) {
			s.err = ErrNotUTF8
			return false
		}
	}
	// A spreadsheet shows a record spanning lines as one row and a blank
	// line (which encoding/csv skips) as an empty row.
	start, _ := c.r.FieldPos(0)
	last, _ := c.r.FieldPos(len(rec) - 1)
	s.line += 1 + start - c.nextLine
	c.nextLine = last + strings.Count(rec[len(rec)-1], "\n") + 1
	s.row, s.kinds, s.forms = rec, nil, nil
	return true
}

// ---- XLSX ----

// An xlsx workbook is read in one streaming pass over the sheet's XML
// with a scanner of tags, not an XML decoder: the files are machine
// written, and decoding every cell with encoding/xml (as excelize's row
// iterator does) costs several times more than the rest of an import.

type xlsxSource struct {
	rc    io.ReadCloser
	sc    xmlScanner
	sst   []string
	dates []bool // by cell style: shows a date
	d1904 bool
	num   int  // number of the last row read
	inRow bool // between <row> and </row>
	done  bool
	cur   cell // the cell being read; its buffers are reused
}

type workbook struct {
	sheets     []sheetRef
	date1904   bool
	dateStyles []bool // by cell style index
	sst        string // part of the shared strings, "" when none
}

type sheetRef struct {
	name, part string
	hidden     bool
}

// maxSST bounds the text of the shared strings kept in memory.
const maxSST = 1 << 30

func readXLSX(data []byte, opts ReadOptions) (*Sheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, ErrNotSpreadsheet
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	wb, err := readWorkbook(files)
	if err != nil {
		return nil, err
	}
	ref := chooseSheet(wb.sheets, opts.Sheet)
	part, ok := files[strings.ToLower(ref.part)]
	if !ok {
		return nil, fmt.Errorf("file .xlsx danneggiato: manca il foglio %q", ref.name)
	}
	x := &xlsxSource{dates: wb.dateStyles, d1904: wb.date1904}
	if wb.sst != "" {
		if f, ok := files[strings.ToLower(wb.sst)]; ok {
			if x.sst, err = readSST(f); err != nil {
				return nil, err
			}
		}
	}
	if x.rc, err = part.Open(); err != nil {
		return nil, fmt.Errorf("file .xlsx illeggibile: %w", err)
	}
	x.sc.br = bufio.NewReaderSize(x.rc, 64<<10)
	return &Sheet{format: "xlsx", name: ref.name, max: opts.MaxRows, x: x}, nil
}

func chooseSheet(sheets []sheetRef, want string) sheetRef {
	for _, s := range sheets {
		if want != "" && strings.EqualFold(strings.TrimSpace(s.name), want) {
			return s
		}
	}
	for _, s := range sheets {
		if !s.hidden {
			return s
		}
	}
	return sheets[0]
}

func (x *xlsxSource) close() error { return x.rc.Close() }

func corrupt(err error) error { return fmt.Errorf("file .xlsx illeggibile: %w", err) }

// cell is the cell being read.
type cell struct {
	col      int
	typ      string // the t attribute
	date     bool
	formula  bool
	value    []byte // <v> text, raw
	inline   []byte // <is> text, unescaped
	hasValue bool
}

// next reads up to the end of the next row (an empty one included, as
// Line must count it) and leaves its cells in s. At the end of the rows it
// reads on to the merged ranges, after them in the file.
func (x *xlsxSource) next(s *Sheet) bool {
	if x.done {
		return false
	}
	s.row, s.kinds, s.forms = s.row[:0], s.kinds[:0], s.forms[:0]
	c := &x.cur
	var (
		inCell   bool
		want     bool // the text before the next tag is wanted
		inInline bool
		inRPh    bool
	)
	for {
		text, tag, err := x.sc.next(want)
		if err == io.EOF {
			x.done = true
			return false
		}
		if err != nil {
			s.err = corrupt(err)
			return false
		}
		name, attrs, closing, selfClosing := splitTag(tag)
		if want {
			switch {
			case name == "v" && closing:
				c.value = append(c.value[:0], text...)
			case name == "t" && closing && inInline && !inRPh:
				c.inline = append(c.inline, xmlText(text)...)
			}
			want = false
		}
		switch name {
		case "row":
			switch {
			case selfClosing:
				x.startRow(s, attrs)
			case closing:
				x.endCell(s, c, &inCell)
				if !x.inRow { // a stray end tag: its cells make a row of their own
					x.num++
				}
			default:
				x.startRow(s, attrs)
				x.inRow = true
				continue
			}
			x.inRow = false
			s.line = x.num
			return true
		case "c":
			x.endCell(s, c, &inCell)
			if closing {
				continue
			}
			*c = cell{col: len(s.row) + 1, value: c.value[:0], inline: c.inline[:0]}
			if col := columnOf(attr(attrs, "r")); col > 0 {
				c.col = col
			}
			c.typ = string(attr(attrs, "t"))
			if st := atoi(attr(attrs, "s")); st >= 0 && st < len(x.dates) {
				c.date = x.dates[st]
			}
			inCell = true
			if selfClosing {
				x.endCell(s, c, &inCell)
			}
		case "f":
			c.formula = c.formula || inCell && !closing
		case "v":
			if inCell && !closing && !selfClosing {
				want, c.hasValue = true, true
			}
		case "is":
			inInline = inCell && !closing && !selfClosing
			c.hasValue = c.hasValue || inInline
		case "rPh":
			inRPh = !closing && !selfClosing
		case "t":
			want = inInline && !closing && !selfClosing
		case "mergeCell":
			if ref := attr(attrs, "ref"); len(ref) > 0 {
				s.merged = append(s.merged, string(ref))
			}
		}
	}
}

func (x *xlsxSource) startRow(s *Sheet, attrs []byte) {
	if n := atoi(attr(attrs, "r")); n > x.num {
		x.num = n
	} else {
		x.num++
	}
	s.row, s.kinds, s.forms = s.row[:0], s.kinds[:0], s.forms[:0]
}

// endCell stores the value of the cell being read in the row.
func (x *xlsxSource) endCell(s *Sheet, c *cell, inCell *bool) {
	if !*inCell {
		return
	}
	*inCell = false
	if !c.hasValue && !c.formula || c.col > excelize.MaxColumns {
		return
	}
	for len(s.row) < c.col {
		s.row, s.kinds, s.forms = append(s.row, ""), append(s.kinds, Text), append(s.forms, false)
	}
	i := c.col - 1
	s.forms[i] = c.formula
	switch c.typ {
	case "s":
		if n := atoi(bytes.TrimSpace(c.value)); n >= 0 && n < len(x.sst) {
			s.row[i] = x.sst[n]
		}
	case "inlineStr":
		s.row[i] = string(c.inline)
	case "b":
		s.row[i] = "FALSE"
		if string(bytes.TrimSpace(c.value)) == "1" {
			s.row[i] = "TRUE"
		}
	case "", "n":
		s.row[i], s.kinds[i] = x.number(string(bytes.TrimSpace(c.value)), c.date)
	default: // str (formula text), e (error), d (ISO date)
		s.row[i] = xmlText(c.value)
	}
}

// number types a numeric cell: a date when its format shows one.
func (x *xlsxSource) number(v string, date bool) (string, Kind) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return v, Text
	}
	if date && f >= 1 {
		if t, err := excelize.ExcelDateToTime(f, x.d1904); err == nil {
			t = t.Round(time.Second)
			if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
				return t.Format("2006-01-02"), Date
			}
			return t.Format("2006-01-02 15:04:05"), DateTime
		}
	}
	return excelNumber(f), Number
}

// atoi reads a non-negative decimal attribute without allocating; -1 when
// b is empty, not a number or too large.
func atoi(b []byte) int {
	if len(b) == 0 || len(b) > 9 {
		return -1
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// excelNumber writes f in plain notation with the 15 significant digits
// Excel keeps, so 0.1+0.2 stored as 0.30000000000000004 reads "0.3".
func excelNumber(f float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// readSST reads the shared strings: the text of each <si>, rich text runs
// joined, phonetic runs left out.
func readSST(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt(err)
	}
	defer rc.Close()
	sc := xmlScanner{br: bufio.NewReaderSize(rc, 64<<10)}
	var (
		out         []string
		cur         []byte
		total       int
		want, inRPh bool
		inSI        bool
	)
	for {
		text, tag, err := sc.next(want)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, corrupt(err)
		}
		name, _, closing, selfClosing := splitTag(tag)
		if want && name == "t" && closing {
			cur = append(cur, xmlText(text)...)
		}
		want = false
		switch name {
		case "si":
			switch {
			case selfClosing:
				out = append(out, "")
			case closing:
				out = append(out, string(cur))
				total += len(cur)
				if total > maxSST {
					return nil, corrupt(errors.New("testi condivisi troppo grandi"))
				}
			default:
				cur, inSI = cur[:0], true
			}
		case "rPh":
			inRPh = !closing && !selfClosing
		case "t":
			want = inSI && !inRPh && !closing && !selfClosing
		}
	}
}

// xmlScanner reads an XML document tag by tag.
type xmlScanner struct {
	br   *bufio.Reader
	text []byte
	long []byte
}

// next reads the character data up to the next tag, kept only when keep
// is true, and the tag's inside ("c r=\"A1\"", "/row"). Both are valid
// until the next call.
func (x *xmlScanner) next(keep bool) (text, tag []byte, err error) {
	x.text = x.text[:0]
	for {
		chunk, err := x.br.ReadSlice('<')
		if keep {
			x.text = append(x.text, chunk...)
		}
		if err == nil {
			break
		}
		if err != bufio.ErrBufferFull {
			return nil, nil, err
		}
	}
	if keep {
		x.text = x.text[:len(x.text)-1]
	}
	tag, err = x.br.ReadSlice('>')
	if err == bufio.ErrBufferFull {
		x.long = append(x.long[:0], tag...)
		for err == bufio.ErrBufferFull {
			tag, err = x.br.ReadSlice('>')
			x.long = append(x.long, tag...)
		}
		tag = x.long
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return x.text, tag, err
}

// xmlText decodes character data: the five entities, character
// references, Excel's _xHHHH_ escapes (control characters such as
// _x000D_) and XML's line-end normalisation.
func xmlText(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 && !bytes.Contains(b, []byte("_x")) {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '&':
			j := bytes.IndexByte(b[i:], ';')
			if j < 2 {
				out.WriteByte(c)
				continue
			}
			if r, ok := entity(b[i+1 : i+j]); ok {
				out.WriteRune(r)
				i += j
			} else {
				out.WriteByte(c)
			}
		case c == '_' && i+6 < len(b) && b[i+1] == 'x' && b[i+6] == '_':
			if r, ok := hex4(b[i+2 : i+6]); ok {
				out.WriteRune(r)
				i += 6
			} else {
				out.WriteByte(c)
			}
		case c == '\r':
			out.WriteByte('\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		default:
			out.WriteByte(c)
		}
	}
	return out.String()
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if name[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// readWorkbook finds the sheets (in workbook order), the date system and
// which cell styles show dates.
func readWorkbook(files map[string]*zip.File) (workbook, error) {
	var wb workbook
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(files, "_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = r.Target
			}
		}
	}
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			ID    string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readXML(files, wbPath, &doc); err != nil {
		return wb, ErrNotSpreadsheet
	}
	wb.date1904 = doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"
	dir, base := path.Split(wbPath)
	rels, err := readRels(files, dir+"_rels/"+base+".rels", dir)
	if err != nil {
		return wb, ErrNotSpreadsheet
	}
	byID := make(map[string]relationship, len(rels))
	for _, r := range rels {
		byID[r.ID] = r
		switch {
		case strings.HasSuffix(r.Type, "/styles"):
			wb.dateStyles = readDateStyles(files, r.Target)
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			wb.sst = r.Target
		}
	}
	for _, s := range doc.Sheets {
		if r, ok := byID[s.ID]; ok && strings.HasSuffix(r.Type, "/worksheet") {
			wb.sheets = append(wb.sheets, sheetRef{name: s.Name, part: r.Target, hidden: s.State != "" && s.State != "visible"})
		}
	}
	if len(wb.sheets) == 0 {
		return wb, ErrNotSpreadsheet
	}
	return wb, nil
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// readRels reads a relationships part, resolving targets against dir.
func readRels(files map[string]*zip.File, name, dir string) ([]relationship, error) {
	var doc struct {
		Rels []relationship `xml:"Relationship"`
	}
	if err := readXML(files, name, &doc); err != nil {
		return nil, err
	}
	for i, r := range doc.Rels {
		if strings.HasPrefix(r.Target, "/") {
			doc.Rels[i].Target = strings.TrimPrefix(r.Target, "/")
		} else {
			doc.Rels[i].Target = path.Clean(dir + r.Target)
		}
	}
	return doc.Rels, nil
}

func readXML(files map[string]*zip.File, name string, v any) error {
	f, ok := files[strings.ToLower(name)]
	if !ok {
		return fmt.Errorf("manca %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// readDateStyles tells, for each cell style (cellXfs index), whether its
// number format shows a date or time. Unreadable styles mean no dates.
func readDateStyles(files map[string]*zip.File, name string) []bool {
	var doc struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmt int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if readXML(files, name, &doc) != nil {
		return nil
	}
	custom := make(map[int]string, len(doc.NumFmts))
	for _, n := range doc.NumFmts {
		custom[n.ID] = n.Code
	}
	dates := make([]bool, len(doc.Xfs))
	for i, xf := range doc.Xfs {
		if code, ok := custom[xf.NumFmt]; ok {
			dates[i] = dateFormatCode(code)
		} else {
			dates[i] = builtinDate(xf.NumFmt)
		}
	}
	return dates
}

// builtinDate reports the built-in number formats that are dates or times
// (ECMA-376 §18.8.30, plus the East Asian ones Excel maps to dates).
func builtinDate(id int) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// dateFormatCode reports whether a custom format code shows a date or a
// time: a d, m, y, h or s outside quoted text, escapes and [colour] or
// [$-locale] sections.
func dateFormatCode(code string) bool {
	// Only the first section (positive numbers) matters.
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			if c == ']' {
				inBracket = false
			}
		case c == '"':
			inQuote = true
		case c == '[':
			// [h], [mm], [ss]: elapsed time.
			if i+1 < len(code) && strings.ContainsRune("hHmMsS", rune(code[i+1])) {
				return true
			}
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == ';':
			return false
		case strings.ContainsRune("dDmMyYhHsS", rune(c)):
			return true
		}
	}
	return false
}

// tagNames are the elements the readers look at.
var tagNames = [...]string{"c", "v", "row", "f", "is", "t", "si", "rPh", "mergeCell"}

// splitTag splits the inside of a tag ("c r=\"A1\" t=\"s\">") into its
// local name (namespace prefix dropped), its attributes, and whether it is
// a closing or self-closing tag.
func splitTag(tag []byte) (name string, attrs []byte, closing, selfClosing bool) {
	tag = bytes.TrimSuffix(tag, []byte(">"))
	if bytes.HasSuffix(tag, []byte("/")) {
		selfClosing = true
		tag = tag[:len(tag)-1]
	}
	if len(tag) > 0 && tag[0] == '/' {
		closing = true
		tag = tag[1:]
	}
	end := bytes.IndexAny(tag, " \t\r\n")
	if end < 0 {
		end = len(tag)
	}
	n := tag[:end]
	if i := bytes.IndexByte(n, ':'); i >= 0 {
		n = n[i+1:]
	}
	for _, known := range tagNames {
		if string(n) == known {
			return known, tag[end:], closing, selfClosing
		}
	}
	return "", nil, closing, selfClosing
}

// attr finds an attribute's value in the attribute part of a tag.
func attr(attrs []byte, name string) []byte {
	for len(attrs) > 0 {
		attrs = trimBlank(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 || eq+1 >= len(attrs) {
			return nil
		}
		key := bytes.TrimSpace(attrs[:eq])
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		rest := trimBlank(attrs[eq+1:])
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil
		}
		if string(key) == name {
			return rest[1 : 1+end]
		}
		attrs = rest[end+2:]
	}
	return nil
}

func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// columnOf is the 1-based column of a cell reference ("AB12" → 28), 0 when
// ref does not start with letters.
func columnOf(ref []byte) int {
	col := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a') + 1
		default:
			return col
		}
		if col > excelize.MaxColumns {
			return 0
		}
	}
	return col
}
