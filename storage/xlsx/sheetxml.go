package xlsx

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"

	"github.com/amisjury/amis/exam"
)

// This file is a small SpreadsheetML (.xlsx) writer for workbooks of large
// plain tables, the certifier export (docs/export.md, "How the workbook is
// written"). excelize's StreamWriter costs about 0.7 µs a cell; this writer
// appends each row's XML to a byte buffer and deflates it at once, about
// ten times as fast, and only knows what the export needs: inline strings,
// shared strings (a vocabulary fixed before the first row), integers and
// dates, four cell styles, a frozen header, an autofilter, column widths, a
// merged banner, landscape printing with the header rows repeated and a
// page header.
//
// Each worksheet part (sheetPart) is deflated as it is written into a spool
// of its own (memory, then a temporary file), so that the big sheets can be
// written by goroutines of their own at the same time; writeBook then puts
// the spools into the zip as they are (zip.Writer.CreateRaw), with the small
// parts (workbook, styles, relationships, properties).
//
// Rows carry their number; cells carry their reference only after an empty
// cell (ECMA-376 makes both optional, Excel, LibreOffice and excelize read a
// cell without one as the next one): repeating "A123456" in every cell
// would make the XML a quarter longer and its deflating twice as slow.

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg  = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// Cell styles (indexes of cellXfs in styles.xml).
const (
	styleHeader = 1 // bold on light blue, bottom border, wrapped
	styleDate   = 2 // dd/mm/yyyy, left aligned
	styleBanner = 3 // the draft banner: bold dark red on yellow
)

// maxCellChars is the most characters (UTF-16 code units) a cell holds in
// Excel; a longer text is cut there, as excelize does.
const maxCellChars = 32767

// xmlFlushSize is how much XML a part buffers before deflating it.
const xmlFlushSize = 64 << 10

// spoolMemory is how much compressed data a spool keeps in memory before it
// moves to a temporary file. Tests lower it.
var spoolMemory = 8 << 20

// sheetSpec is the layout of a worksheet: its header (bold, frozen, with an
// autofilter down to the last row), column widths, the banner above the
// header ("" for none: merged across the columns) and the title printed in
// the page header.
type sheetSpec struct {
	headers []string
	widths  []float64
	banner  string
	title   string
}

// top is the row of the header: 1, or 2 under a banner.
func (s *sheetSpec) top() int {
	if s.banner != "" {
		return 2
	}
	return 1
}

// sheetPart is one worksheet being written: rows are appended as XML to buf,
// deflated into sp every xmlFlushSize bytes. Not safe for concurrent use.
type sheetPart struct {
	name     string
	spec     *sheetSpec
	sst      *sharedStrings // the workbook's, read only
	selected bool           // the workbook opens on it
	row      int            // the last row written
	col      int            // the current column of the current row
	last     int            // the last column written in the current row
	buf      []byte
	fw       *flate.Writer
	sp       *spool
	crc      uint32
	size     int64 // uncompressed
	err      error
	closed   bool
}

// newSheetPart starts a worksheet named name: its views, columns, banner
// and header.
func newSheetPart(name string, spec *sheetSpec, sst *sharedStrings, selected bool) (*sheetPart, error) {
	p := &sheetPart{name: name, spec: spec, sst: sst, selected: selected, sp: &spool{}, buf: make([]byte, 0, xmlFlushSize+8<<10)}
	fw, err := flate.NewWriter(p.sp, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	p.fw = fw
	top := spec.top()
	b := append(p.buf, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="`+nsMain+`" xmlns:r="`+nsRel+`"><sheetViews><sheetView`...)
	if selected {
		b = append(b, ` tabSelected="1"`...)
	}
	first := "A" + strconv.Itoa(top+1)
	b = append(b, ` workbookViewId="0"><pane ySplit="`...)
	b = strconv.AppendInt(b, int64(top), 10)
	b = append(b, `" topLeftCell="`+first+`" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="`+
		first+`" sqref="`+first+`"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`...)
	if len(spec.widths) > 0 {
		b = append(b, `<cols>`...)
		for i, w := range spec.widths {
			b = append(b, `<col min="`...)
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, `" max="`...)
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, `" width="`...)
			b = strconv.AppendFloat(b, w, 'f', -1, 64)
			b = append(b, `" customWidth="1"/>`...)
		}
		b = append(b, `</cols>`...)
	}
	p.buf = append(b, `<sheetData>`...)
	if spec.banner != "" {
		p.startRow(`<row r="1" ht="24" customHeight="1">`)
		p.styledText(spec.banner, styleBanner)
		p.endRow()
	}
	p.startRow(`<row r="` + strconv.Itoa(top) + `" ht="32" customHeight="1">`)
	for _, h := range spec.headers {
		p.styledText(h, styleHeader)
	}
	p.endRow()
	return p, nil
}

// full reports whether the part holds as many rows as a worksheet can.
func (p *sheetPart) full() bool { return p.row >= maxSheetRows }

// startRow starts the next row; open, if not empty, is its start tag.
func (p *sheetPart) startRow(open string) {
	p.row++
	p.col, p.last = 0, 0
	if open != "" {
		p.buf = append(p.buf, open...)
		return
	}
	p.buf = append(p.buf, `<row r="`...)
	p.buf = strconv.AppendInt(p.buf, int64(p.row), 10)
	p.buf = append(p.buf, `">`...)
}

// endRow ends the row, deflating the XML buffered once there is enough.
func (p *sheetPart) endRow() {
	p.buf = append(p.buf, `</row>`...)
	if len(p.buf) >= xmlFlushSize {
		p.flush()
	}
}

// cell starts the next cell's tag: its reference when a cell was skipped,
// its style if any.
func (p *sheetPart) cell(style int) {
	p.col++
	b := append(p.buf, `<c`...)
	if p.col != p.last+1 {
		b = append(b, ` r="`...)
		b = appendColumn(b, p.col)
		b = strconv.AppendInt(b, int64(p.row), 10)
		b = append(b, '"')
	}
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	p.buf = b
	p.last = p.col
}

// skip leaves the next cell empty.
func (p *sheetPart) skip() { p.col++ }

// text writes the next cell as a text (an inline string: never a formula);
// "" leaves it empty.
func (p *sheetPart) text(s string) {
	if s == "" {
		p.col++
		return
	}
	p.styledText(s, 0)
}

func (p *sheetPart) styledText(s string, style int) {
	p.cell(style)
	p.buf = appendInlineTail(p.buf, s)
}

// appendInlineTail appends the rest of a cell holding the inline string s,
// after "<c" and its reference and style.
func appendInlineTail(b []byte, s string) []byte {
	b = append(b, ` t="inlineStr"><is><t`...)
	if needsPreserve(s) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendText(b, s)
	return append(b, `</t></is></c>`...)
}

// appendSharedTail appends the rest of a cell holding the shared string i.
func appendSharedTail(b []byte, i int) []byte {
	b = append(b, ` t="s"><v>`...)
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, `</v></c>`...)
}

// cells appends n cells written beforehand (by appendCells), none empty,
// as the next ones: what repeats from row to row is encoded once.
func (p *sheetPart) cells(xml []byte, n int) {
	if p.col != p.last { // after an empty cell: the first one needs its reference
		p.cell(0)
		p.col--
		xml = xml[len("<c"):]
	}
	p.buf = append(p.buf, xml...)
	p.col += n
	p.last = p.col
}

// appendCells appends the cells of texts (shared when shared[i] ≥ 0) for
// sheetPart.cells; ok is false when a text is empty, which cells cannot
// write.
func appendCells(b []byte, texts []string, shared []int) (_ []byte, ok bool) {
	for i, s := range texts {
		switch {
		case shared[i] >= 0:
			b = appendSharedTail(append(b, `<c`...), shared[i])
		case s == "":
			return b, false
		default:
			b = appendInlineTail(append(b, `<c`...), s)
		}
	}
	return b, true
}

// label writes the next cell as a text of the shared strings when it is
// one of them (a label, a code, a session's name or place), otherwise as
// text; "" leaves it empty.
func (p *sheetPart) label(s string) {
	if i, ok := p.sst.index[s]; ok {
		p.shared(i)
		return
	}
	p.text(s)
}

// shared writes the next cell as the text i of the shared strings.
func (p *sheetPart) shared(i int) {
	p.cell(0)
	p.buf = appendSharedTail(p.buf, i)
}

// int writes the next cell as a number.
func (p *sheetPart) int(n int) {
	p.cell(0)
	p.buf = append(p.buf, `><v>`...)
	p.buf = strconv.AppendInt(p.buf, int64(n), 10)
	p.buf = append(p.buf, `</v></c>`...)
}

// firstSerialDate is the first day Excel and LibreOffice give the same
// serial number: Excel counts a 29 February 1900 that never was, so that
// LibreOffice reads Excel's 1 January 1900 as 31 December 1899; and Excel
// has no date before 1900.
var firstSerialDate = exam.NewDate(1900, 3, 1)

// date writes the next cell as a date shown dd/mm/yyyy; a zero date leaves
// it empty. A date before 1 March 1900, which Excel and LibreOffice would
// not read as the same day, is written as the text jj/mm/aaaa.
func (p *sheetPart) date(d exam.Date) {
	if d.IsZero() {
		p.col++
		return
	}
	if d.Year < firstSerialDate.Year || d.Year == firstSerialDate.Year && d.Month < firstSerialDate.Month {
		p.text(d.String())
		return
	}
	p.cell(styleDate)
	p.buf = append(p.buf, `><v>`...)
	p.buf = strconv.AppendInt(p.buf, int64(excelSerial(d)), 10)
	p.buf = append(p.buf, `</v></c>`...)
}

// flush deflates the XML buffered.
func (p *sheetPart) flush() {
	if p.err == nil && len(p.buf) > 0 {
		p.crc = crc32.Update(p.crc, crc32.IEEETable, p.buf)
		p.size += int64(len(p.buf))
		_, p.err = p.fw.Write(p.buf)
	}
	p.buf = p.buf[:0]
}

// close ends the worksheet: the autofilter from the header to the last
// row, the merged banner, the page setup; the spool then holds the whole
// compressed part.
func (p *sheetPart) close() error {
	if p.closed {
		return p.err
	}
	p.closed = true
	spec, top := p.spec, p.spec.top()
	last := appendColumn(nil, max(len(spec.headers), 1))
	b := append(p.buf, `</sheetData><autoFilter ref="A`...)
	b = strconv.AppendInt(b, int64(top), 10)
	b = append(b, ':')
	b = append(b, last...)
	b = strconv.AppendInt(b, int64(max(p.row, top+1)), 10)
	b = append(b, `"/>`...)
	if spec.banner != "" {
		b = append(b, `<mergeCells count="1"><mergeCell ref="A1:`...)
		b = append(b, last...)
		b = append(b, `1"/></mergeCells>`...)
	}
	b = append(b, `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>`+
		`<pageSetup paperSize="9" orientation="landscape"/><headerFooter><oddHeader>`...)
	b = appendAttr(b, "&L"+strings.ReplaceAll(spec.title, "&", "&&")+"&RPage &P/&N")
	p.buf = append(b, `</oddHeader></headerFooter></worksheet>`...)
	p.flush()
	if p.err == nil {
		p.err = p.fw.Close()
	}
	return p.err
}

// discard drops the part's spool (its temporary file).
func (p *sheetPart) discard() {
	p.closed = true
	_ = p.sp.Close()
}

// filterRange is the part's autofilter as a defined name refers to it.
func (p *sheetPart) filterRange() string {
	top := p.spec.top()
	last := string(appendColumn(nil, max(len(p.spec.headers), 1)))
	return fmt.Sprintf("%s!$A$%d:$%s$%d", quoteSheet(p.name), top, last, max(p.row, top+1))
}

// printTitles is the defined name of the rows repeated on every printed
// page: the header's.
func (p *sheetPart) printTitles() string {
	top := p.spec.top()
	return fmt.Sprintf("%s!$%d:$%d", quoteSheet(p.name), top, top)
}

// quoteSheet quotes a sheet name for a formula or a defined name.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// appendColumn appends the letters of column col (1: A).
func appendColumn(b []byte, col int) []byte {
	var tmp [4]byte
	i := len(tmp)
	for col > 0 {
		col--
		i--
		tmp[i] = byte('A' + col%26)
		col /= 26
	}
	return append(b, tmp[i:]...)
}

// textSafe marks the ASCII bytes appendText copies as they are.
var textSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = true
	}
	t['&'], t['<'], t['>'], t['_'] = false, false, false, false
	t['\t'], t['\n'] = true, true
	return t
}()

// appendText appends s as the XML text of a cell, so that Excel,
// LibreOffice and excelize read back exactly s:
//   - & < > are escaped, a carriage return is written &#xD; (an XML parser
//     reads a literal one as a line feed);
//   - what XML 1.0 cannot hold — a control character other than tab, line
//     feed and carriage return (U+0000 to U+001F), U+FFFE, U+FFFF, a byte
//     that is not UTF-8 (a surrogate encoded on its own included) — becomes
//     U+FFFD, one for each character or byte, as encoding/xml and excelize
//     write it;
//   - "_xHHHH_", which Excel reads as the escape of the character HHHH (and
//     LibreOffice even with fewer digits: "_x1_"), is written
//     "_x005F_xHHHH_" (the underscore escaped), so that it reads back as
//     written;
//   - past 32,767 UTF-16 code units (Excel's limit for a cell) the text is
//     cut, at a character boundary.
//
// Characters outside the Basic Multilingual Plane (emoji) are plain UTF-8.
func appendText(dst []byte, s string) []byte {
	if len(s) > maxCellChars {
		s = truncateUTF16(s, maxCellChars)
	}
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
				start = i + size
			}
			i += size
			continue
		}
		if textSafe[c] {
			i++
			continue
		}
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		case '_':
			if isXEscape(s[i:]) {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "_x005F"...)
				start = i
			}
			i++
			continue
		default:
			esc = "\uFFFD"
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		i++
		start = i
	}
	return append(dst, s[start:]...)
}

// isXEscape reports whether s starts with "_x", one to four hexadecimal
// digits and "_": Excel reads "_xHHHH_" as the character HHHH, and
// LibreOffice also reads shorter forms such as "_x1_".
func isXEscape(s string) bool {
	if len(s) < 4 || s[1] != 'x' {
		return false
	}
	for i := 2; i < len(s) && i <= 6; i++ {
		c := s[i]
		switch {
		case c == '_':
			return i > 2
		case '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return false
}

// truncateUTF16 cuts s after n UTF-16 code units, at a character boundary.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		u := 1
		if r >= 0x10000 {
			u = 2
		}
		if units += u; units > n {
			return s[:i]
		}
	}
	return s
}

// needsPreserve reports whether a text starts or ends with white space,
// which a spreadsheet drops unless told to preserve it.
func needsPreserve(s string) bool {
	return s != "" && (isSpace[s[0]] || isSpace[s[len(s)-1]])
}

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// appendAttr appends s escaped for an attribute value or a text element of
// the workbook's own parts (sheet names, defined names, properties).
func appendAttr(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			dst = append(dst, "&amp;"...)
		case r == '<':
			dst = append(dst, "&lt;"...)
		case r == '>':
			dst = append(dst, "&gt;"...)
		case r == '"':
			dst = append(dst, "&quot;"...)
		case r == '\'':
			dst = append(dst, "&apos;"...)
		case r == '\t' || r == '\n' || r == '\r':
			dst = append(dst, "&#x"...)
			dst = strconv.AppendInt(dst, int64(r), 16)
			dst = append(dst, ';')
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError && size == 1:
			dst = append(dst, "\uFFFD"...)
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}

// sharedStrings is a workbook's table of shared strings: the closed
// vocabulary of its cells (labels, codes, the sessions' names and places),
// each written once and referred to by its number, which makes the big
// sheets shorter, and faster to write and to deflate. Read only once the
// sheets are being written.
type sharedStrings struct {
	list  []string
	index map[string]int
}

// add adds s (not "") if it is not there yet and returns its number.
func (t *sharedStrings) add(s string) int {
	if i, ok := t.index[s]; ok {
		return i
	}
	if t.index == nil {
		t.index = map[string]int{}
	}
	t.index[s] = len(t.list)
	t.list = append(t.list, s)
	return len(t.list) - 1
}

// xml is xl/sharedStrings.xml.
func (t *sharedStrings) xml() []byte {
	b := []byte(xmlHeader + `<sst xmlns="` + nsMain + `" count="` + strconv.Itoa(len(t.list)) + `" uniqueCount="` +
		strconv.Itoa(len(t.list)) + `">`)
	for _, s := range t.list {
		b = append(b, `<si><t`...)
		if needsPreserve(s) {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendText(b, s)
		b = append(b, `</t></si>`...)
	}
	return append(b, `</sst>`...)
}

// spool holds a compressed part: in memory, in chunks, up to spoolMemory
// bytes, then in a temporary file, removed by Close.
type spool struct {
	chunks [][]byte
	f      *os.File
	fw     *bufio.Writer
	n      int64
}

// spoolChunk is the size of a spool's chunks in memory.
const spoolChunk = 256 << 10

func (s *spool) Write(b []byte) (int, error) {
	if s.fw == nil && s.n+int64(len(b)) > int64(spoolMemory) {
		f, err := os.CreateTemp("", "amis-xlsx-*.tmp")
		if err != nil {
			return 0, err
		}
		s.f, s.fw = f, bufio.NewWriterSize(f, spoolChunk)
		for _, c := range s.chunks {
			if _, err := s.fw.Write(c); err != nil {
				return 0, err
			}
		}
		s.chunks = nil
	}
	s.n += int64(len(b))
	if s.fw != nil {
		return s.fw.Write(b)
	}
	for rest := b; len(rest) > 0; {
		if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == spoolChunk {
			s.chunks = append(s.chunks, make([]byte, 0, spoolChunk))
		}
		c := &s.chunks[len(s.chunks)-1]
		k := min(len(rest), spoolChunk-len(*c))
		*c = append(*c, rest[:k]...)
		rest = rest[k:]
	}
	return len(b), nil
}

// copyTo writes what the spool holds to w.
func (s *spool) copyTo(w io.Writer) error {
	if s.fw == nil {
		for _, c := range s.chunks {
			if _, err := w.Write(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.fw.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.f)
	return err
}

// Close removes the temporary file, if any.
func (s *spool) Close() error {
	s.chunks = nil
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := errors.Join(s.f.Close(), os.Remove(name))
	s.f, s.fw = nil, nil
	return err
}

// bookProps are the workbook's document properties.
type bookProps struct {
	title string
	at    time.Time // created and modified; zero: a fixed date
}

// writeBook writes the workbook of closed parts, in order, to w as a zip,
// and removes their spools. The first part should be the selected one.
func writeBook(w io.Writer, props bookProps, sst *sharedStrings, parts []*sheetPart) (err error) {
	defer func() {
		for _, p := range parts {
			err = errors.Join(err, p.sp.Close())
		}
	}()
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	small := func(name string, content []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = f.Write(content)
		return err
	}
	if err := small("[Content_Types].xml", contentTypes(len(parts))); err != nil {
		return err
	}
	if err := small("_rels/.rels", []byte(xmlHeader+`<Relationships xmlns="`+nsPkg+`">`+
		`<Relationship Id="rId1" Type="`+nsRel+`/officeDocument" Target="xl/workbook.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>`+
		`<Relationship Id="rId3" Type="`+nsRel+`/extended-properties" Target="docProps/app.xml"/>`+
		`</Relationships>`)); err != nil {
		return err
	}
	if err := small("docProps/core.xml", coreProps(props)); err != nil {
		return err
	}
	if err := small("docProps/app.xml", []byte(xmlHeader+`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">`+
		`<Application>AMIS Jury</Application></Properties>`)); err != nil {
		return err
	}
	if err := small("xl/workbook.xml", workbookXML(parts)); err != nil {
		return err
	}
	rels := []byte(xmlHeader + `<Relationships xmlns="` + nsPkg + `">`)
	for i := range parts {
		n := strconv.Itoa(i + 1)
		rels = append(rels, `<Relationship Id="rId`+n+`" Type="`+nsRel+`/worksheet" Target="worksheets/sheet`+n+`.xml"/>`...)
	}
	rels = append(rels, `<Relationship Id="rId`+strconv.Itoa(len(parts)+1)+`" Type="`+nsRel+`/styles" Target="styles.xml"/>`+
		`<Relationship Id="rId`+strconv.Itoa(len(parts)+2)+`" Type="`+nsRel+`/sharedStrings" Target="sharedStrings.xml"/></Relationships>`...)
	if err := small("xl/_rels/workbook.xml.rels", rels); err != nil {
		return err
	}
	if err := small("xl/styles.xml", []byte(stylesXML)); err != nil {
		return err
	}
	if err := small("xl/sharedStrings.xml", sst.xml()); err != nil {
		return err
	}
	for i, p := range parts {
		if !p.closed || p.err != nil {
			return fmt.Errorf("sheet %s not complete: %v", p.name, p.err)
		}
		f, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml", Method: zip.Deflate,
			CRC32: p.crc, CompressedSize64: uint64(p.sp.n), UncompressedSize64: uint64(p.size)})
		if err != nil {
			return err
		}
		if err := p.sp.copyTo(f); err != nil {
			return err
		}
	}
	return zw.Close()
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

func contentTypes(sheets int) []byte {
	const ct = "application/vnd.openxmlformats-"
	b := []byte(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="` + ct + `package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + ct + `officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="` + ct + `officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="` + ct + `officedocument.spreadsheetml.sharedStrings+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="` + ct + `package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="` + ct + `officedocument.extended-properties+xml"/>`)
	for i := range sheets {
		b = append(b, `<Override PartName="/xl/worksheets/sheet`+strconv.Itoa(i+1)+`.xml" ContentType="`+ct+
			`officedocument.spreadsheetml.worksheet+xml"/>`...)
	}
	return append(b, `</Types>`...)
}

// coreProps is docProps/core.xml: title, creator, language and dates; a
// zero time gives a fixed date so that the same data gives the same file.
func coreProps(props bookProps) []byte {
	at := props.at
	if at.IsZero() {
		at = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	stamp := at.UTC().Format(time.RFC3339)
	b := []byte(xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>`)
	b = appendAttr(b, props.title)
	return append(b, `</dc:title><dc:creator>AMIS Jury</dc:creator><dc:language>fr-FR</dc:language>`+
		`<dcterms:created xsi:type="dcterms:W3CDTF">`+stamp+`</dcterms:created>`+
		`<dcterms:modified xsi:type="dcterms:W3CDTF">`+stamp+`</dcterms:modified></cp:coreProperties>`...)
}

// workbookXML lists the sheets and, for each, its autofilter and printed
// titles as defined names.
func workbookXML(parts []*sheetPart) []byte {
	b := []byte(xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
		`<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="16000" windowHeight="9000" activeTab="0"/></bookViews><sheets>`)
	for i, p := range parts {
		b = append(b, `<sheet name="`...)
		b = appendAttr(b, p.name)
		n := strconv.Itoa(i + 1)
		b = append(b, `" sheetId="`+n+`" r:id="rId`+n+`"/>`...)
	}
	b = append(b, `</sheets><definedNames>`...)
	for i, p := range parts {
		n := strconv.Itoa(i)
		b = append(b, `<definedName name="_xlnm._FilterDatabase" localSheetId="`+n+`" hidden="1">`...)
		b = appendAttr(b, p.filterRange())
		b = append(b, `</definedName><definedName name="_xlnm.Print_Titles" localSheetId="`+n+`">`...)
		b = appendAttr(b, p.printTitles())
		b = append(b, `</definedName>`...)
	}
	return append(b, `</definedNames><calcPr calcId="191029"/></workbook>`...)
}

// stylesXML holds the cell styles: 0 default, styleHeader, styleDate,
// styleBanner.
const stylesXML = xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
	`<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>` +
	`<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="13"/><color rgb="FF9C0006"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFFFEB9C"/><bgColor indexed="64"/></patternFill></fill></fills>` +
	`<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>` +
	`<border><left/><right/><top/><bottom style="thin"><color rgb="FF808080"/></bottom><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">` +
	`<alignment vertical="center" wrapText="1"/></xf>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment horizontal="left"/></xf>` +
	`<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="center"/></xf>` +
	`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`<dxfs count="0"/><tableStyles count="0"/></styleSheet>`
