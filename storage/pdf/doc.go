// Package pdf writes the printable documents of a session as PDF (A4,
// French): the procès-verbal of a session de validation (WriteMinutes) and
// the feedback sheet of a mock exam for one candidate (WriteFeedback).
//
// The writers are encoders over an io.Writer and take plain domain values:
// they read no database. The documents are official French documents and
// are French only. Text is set in the PDF core font Helvetica with the
// Windows-1252 code page, which holds every letter of French names (é, ç,
// œ, Œ, ÿ…); the few characters it lacks are replaced by a close equivalent
// ("→" becomes "->"), see latin1.
package pdf

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW        = 210.0
	pageH        = 297.0
	marginX      = 15.0
	marginTop    = 25.0 // below the running header
	marginBottom = 20.0 // above the footer
	contentW     = pageW - 2*marginX
)

// pagesAlias stands for the number of pages until the document is written.
// It holds control characters, which latin1 drops from every text, so that
// no user text can be taken for it.
const pagesAlias = "\x01nb\x01"

// cellMargin is the space left and right of the text in a cell.
const cellMargin = 1.2

// The font: a PDF core font, nothing to embed.
const family = "Helvetica"

// Grey levels and the one colour of the documents.
var (
	colourRule   = [3]int{110, 110, 110}
	colourBorder = [3]int{130, 130, 130}
	colourFill   = [3]int{232, 232, 232}
	colourMuted  = [3]int{90, 90, 90}
	colourMark   = [3]int{170, 0, 0} // PROVISOIRE
)

// doc wraps an fpdf document with what the writers share: the code page
// translation, the running header and footer, and layout helpers that never
// let fpdf break a page by itself (automatic page breaks are off: every
// helper checks the room left and breaks the page between rows or lines).
type doc struct {
	f *fpdf.Fpdf
	// headerLeft and headerRight are the running header.
	headerLeft, headerRight string
	// mark, when set, is repeated in the header of every page and as a
	// watermark ("PROVISOIRE — non signé").
	mark string
	// footer is the left part of the footer.
	footer string
	// repeat, when set, is called after the running header of a new page:
	// it redraws the header row of the table being drawn.
	repeat func()
}

// docInfo is what a document says about itself.
type docInfo struct {
	Title, Subject          string
	HeaderLeft, HeaderRight string
	Mark                    string
	Generated               time.Time
}

func newDoc(info docInfo) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &doc{f: f, headerLeft: info.HeaderLeft, headerRight: info.HeaderRight, mark: info.Mark}
	gen := info.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	d.footer = "Document établi par AMIS Jury le " + stamp(gen)
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, marginBottom)
	f.SetCellMargin(cellMargin)
	f.AliasNbPages(pagesAlias)
	f.SetTitle(info.Title, true)
	f.SetSubject(info.Subject, true)
	f.SetCreator("AMIS Jury", true)
	f.SetProducer("AMIS Jury", true)
	f.SetLang("fr-FR")
	f.SetCreationDate(gen)
	f.SetModificationDate(gen)
	f.SetCatalogSort(true)
	f.SetHeaderFunc(d.pageHeader)
	f.SetFooterFunc(d.pageFooter)
	f.AddPage()
	return d
}

// output writes the document, or the first error met while building it.
func (d *doc) output(w io.Writer) error {
	if err := d.f.Error(); err != nil {
		return err
	}
	return d.f.Output(w)
}

func (d *doc) pageHeader() {
	f := d.f
	d.font("", 7.5)
	d.colour(colourMuted)
	f.SetXY(marginX, 10)
	f.CellFormat(contentW*0.6, 4, d.shorten(d.headerLeft, contentW*0.6), "", 0, "L", false, 0, "")
	f.SetXY(marginX+contentW*0.6, 10)
	f.CellFormat(contentW*0.4, 4, d.shorten(d.headerRight, contentW*0.4), "", 0, "R", false, 0, "")
	if d.mark != "" {
		d.font("B", 9)
		d.colour(colourMark)
		f.SetXY(marginX, 14.5)
		f.CellFormat(contentW, 4.5, latin1(d.mark), "", 0, "R", false, 0, "")
	}
	d.colour([3]int{0, 0, 0})
	d.rule(20)
	f.SetXY(marginX, marginTop)
	if d.repeat != nil {
		d.repeat()
	}
}

func (d *doc) pageFooter() {
	f := d.f
	d.rule(pageH - 14)
	d.font("", 7.5)
	d.colour(colourMuted)
	f.SetXY(marginX, pageH-13)
	f.CellFormat(contentW*0.75, 4, latin1(d.footer), "", 0, "L", false, 0, "")
	f.SetXY(marginX+contentW*0.75, pageH-13)
	f.CellFormat(contentW*0.25, 4, fmt.Sprintf("Page %d/%s", f.PageNo(), pagesAlias), "", 0, "R", false, 0, "")
	d.colour([3]int{0, 0, 0})
	if d.mark != "" {
		d.watermark()
	}
}

// watermark writes the mark across the page, faint, over the content so
// that no fill hides it.
func (d *doc) watermark() {
	f := d.f
	word := strings.Fields(d.mark)[0]
	f.SetAlpha(0.10, "Normal")
	d.font("B", 90)
	d.colour(colourMark)
	f.TransformBegin()
	f.TransformRotate(55, pageW/2, pageH/2)
	w := f.GetStringWidth(latin1(word))
	f.Text(pageW/2-w/2, pageH/2+10, latin1(word))
	f.TransformEnd()
	f.SetAlpha(1, "Normal")
	d.colour([3]int{0, 0, 0})
}

// shorten returns text in Windows-1252, cut with "…" to fit in a cell of
// width w with the current font.
func (d *doc) shorten(text string, w float64) string {
	s := latin1(text)
	max := w - 2*cellMargin
	if d.f.GetStringWidth(s) <= max {
		return s
	}
	for len(s) > 0 && d.f.GetStringWidth(s+"\x85") > max {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, " ") + "\x85"
}

func (d *doc) font(style string, size float64) { d.f.SetFont(family, style, size) }

func (d *doc) colour(c [3]int) { d.f.SetTextColor(c[0], c[1], c[2]) }

// rule draws a thin horizontal line across the text width at y.
func (d *doc) rule(y float64) {
	d.f.SetDrawColor(colourRule[0], colourRule[1], colourRule[2])
	d.f.SetLineWidth(0.2)
	d.f.Line(marginX, y, pageW-marginX, y)
}

// y is the current vertical position.
func (d *doc) y() float64 { return d.f.GetY() }

// room is the height left above the footer.
func (d *doc) room() float64 { return pageH - marginBottom - d.y() }

// newPage starts a page; the running header (and the repeated table
// header, if any) is drawn by pageHeader.
func (d *doc) newPage() { d.f.AddPage() }

// ensure starts a new page unless h millimetres are left.
func (d *doc) ensure(h float64) {
	if d.room() < h {
		d.newPage()
	}
}

func (d *doc) space(h float64) {
	if d.room() < h {
		d.newPage()
		return
	}
	d.f.SetY(d.y() + h)
}

// wrap splits text into the lines that fit in a cell of width w with the
// current font, paragraph by paragraph; the lines are in Windows-1252.
func (d *doc) wrap(text string, w float64) []string {
	var out []string
	for _, para := range strings.Split(nbsp.Replace(latin1(text)), "\n") {
		if strings.TrimSpace(para) == "" {
			out = append(out, "")
			continue
		}
		out = append(out, d.split(para, w-2*cellMargin)...)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// split breaks one paragraph into lines no wider than max: after a space,
// or after the hyphen of a compound name (Marie-Françoise) when needed; a
// word wider than the line is cut where it must.
func (d *doc) split(para string, max float64) []string {
	width := func(s string) float64 { return d.f.GetStringWidth(strings.TrimRight(s, " ")) }
	var lines []string
	cur := ""
	for _, tok := range tokens(para) {
		if width(cur+tok) <= max {
			cur += tok
			continue
		}
		if strings.TrimSpace(cur) != "" {
			lines = append(lines, strings.TrimRight(cur, " "))
		}
		for width(tok) > max {
			n := 1
			for n < len(tok) && width(tok[:n+1]) <= max {
				n++
			}
			lines = append(lines, tok[:n])
			tok = tok[n:]
		}
		cur = tok
	}
	if strings.TrimSpace(cur) != "" {
		lines = append(lines, strings.TrimRight(cur, " "))
	}
	return lines
}

// tokens cuts s after each run of spaces and after each hyphen between two
// letters: the places a line may end.
func tokens(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		end := false
		switch {
		case s[i] == ' ':
			end = i+1 == len(s) || s[i+1] != ' '
		case s[i] == '-':
			end = i > start && s[i-1] != ' ' && i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '-'
		}
		if end {
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// nbsp glues French punctuation to its word with a no-break space
// (Windows-1252 0xA0), so that a line never starts with ":" or "»" nor ends
// with "«".
var nbsp = strings.NewReplacer(" :", "\xa0:", " ;", "\xa0;", " !", "\xa0!", " ?", "\xa0?",
	" \xbb", "\xa0\xbb", "\xab ", "\xab\xa0")

// para writes text over the text width, breaking pages between lines.
func (d *doc) para(text string, style string, size, lh float64) {
	d.font(style, size)
	for _, l := range d.wrap(text, contentW) {
		d.ensure(lh)
		d.f.SetX(marginX)
		d.f.CellFormat(contentW, lh, l, "", 1, "L", false, 0, "")
	}
}

// title writes the document title, centred.
func (d *doc) title(text string, size float64) {
	d.font("B", size)
	for _, l := range d.wrap(text, contentW) {
		d.f.SetX(marginX)
		d.f.CellFormat(contentW, size*0.5, l, "", 1, "C", false, 0, "")
	}
}

// heading writes a section heading with a rule under it, on a new page
// when less than keep millimetres would be left under it.
func (d *doc) heading(text string, keep float64) {
	d.space(4)
	d.font("B", 11)
	lines := d.wrap(text, contentW)
	d.ensure(float64(len(lines))*5.5 + 3 + keep)
	for _, l := range lines {
		d.f.SetX(marginX)
		d.f.CellFormat(contentW, 5.5, l, "", 1, "L", false, 0, "")
	}
	d.f.SetY(d.y() + 0.5)
	d.rule(d.y())
	d.f.SetY(d.y() + 2)
}

// box writes text in a framed box across the text width, in the given
// colour, kept on one page.
func (d *doc) box(text string, style string, size float64, c [3]int) {
	const pad, lh = 2.5, 4.6
	d.font(style, size)
	lines := d.wrap(text, contentW-2*pad)
	h := float64(len(lines))*lh + 2*pad
	d.ensure(h)
	x, y := marginX, d.y()
	d.f.SetDrawColor(c[0], c[1], c[2])
	d.f.SetLineWidth(0.5)
	d.f.Rect(x, y, contentW, h, "D")
	d.f.SetLineWidth(0.2)
	d.colour(c)
	for i, l := range lines {
		d.f.SetXY(x+pad, y+pad+float64(i)*lh)
		d.f.CellFormat(contentW-2*pad, lh, l, "", 0, "L", false, 0, "")
	}
	d.colour([3]int{0, 0, 0})
	d.f.SetXY(marginX, y+h)
}

// field is one label and its value in a list of fields.
type field struct{ label, value string }

// fields writes labels and values in two columns, breaking pages between
// fields.
func (d *doc) fields(fs []field, labelW float64) {
	const lh = 4.8
	for _, fl := range fs {
		d.font("", 9.5)
		vals := d.wrap(fl.value, contentW-labelW)
		if len(vals) == 0 {
			vals = []string{latin1("—")}
		}
		d.ensure(float64(len(vals)) * lh)
		y := d.y()
		d.font("B", 9.5)
		d.colour(colourMuted)
		d.f.SetXY(marginX, y)
		d.f.CellFormat(labelW, lh, latin1(fl.label), "", 0, "L", false, 0, "")
		d.colour([3]int{0, 0, 0})
		d.font("", 9.5)
		for i, v := range vals {
			d.f.SetXY(marginX+labelW, y+float64(i)*lh)
			d.f.CellFormat(contentW-labelW, lh, v, "", 0, "L", false, 0, "")
		}
		d.f.SetXY(marginX, y+float64(len(vals))*lh)
	}
}

// column of a table: its title, width (mm), alignment ("L", "C") and font
// style ("", "B").
type column struct {
	title string
	width float64
	align string
	style string
}

// Table metrics.
const (
	tableSize = 8.5
	tableLH   = 3.9
	tablePad  = 1.3
)

// table draws a bordered table whose header row is repeated on every page
// it runs over. A row is never split when it fits on a page: it moves to the
// next page whole; a row taller than a page (a very long text) is split
// between lines.
func (d *doc) table(cols []column, rows [][]string) {
	f := d.f
	header := make([][]string, len(cols))
	d.font("B", tableSize)
	headH := 0.0
	for i, c := range cols {
		header[i] = d.wrap(c.title, c.width)
		headH = math.Max(headH, float64(len(header[i]))*tableLH+2*tablePad)
	}
	drawHeader := func() {
		x, y := marginX, d.y()
		d.font("B", tableSize)
		f.SetFillColor(colourFill[0], colourFill[1], colourFill[2])
		f.SetDrawColor(colourBorder[0], colourBorder[1], colourBorder[2])
		f.SetLineWidth(0.2)
		for i, c := range cols {
			f.Rect(x, y, c.width, headH, "FD")
			for j, l := range header[i] {
				f.SetXY(x, y+tablePad+float64(j)*tableLH)
				f.CellFormat(c.width, tableLH, l, "", 0, c.align, false, 0, "")
			}
			x += c.width
		}
		f.SetXY(marginX, y+headH)
	}
	cells := make([][][]string, len(rows))
	for r, row := range rows {
		cells[r] = make([][]string, len(cols))
		for i, c := range cols {
			d.font(c.style, tableSize)
			if i < len(row) {
				cells[r][i] = d.wrap(row[i], c.width)
			}
		}
	}
	first := 1.0
	if len(cells) > 0 {
		first = float64(rowLines(cells[0]))
	}
	d.ensure(headH + first*tableLH + 2*tablePad)
	drawHeader()
	d.repeat = drawHeader
	defer func() { d.repeat = nil }()
	fresh := pageH - marginBottom - marginTop - headH // room on a new page
	for _, rc := range cells {
		n := rowLines(rc)
		for start := 0; start < n; {
			avail := int((d.room() - 2*tablePad) / tableLH)
			left := n - start
			if avail < left && ((start == 0 && float64(left)*tableLH+2*tablePad <= fresh) || avail < 2) {
				d.newPage()
				continue
			}
			k := min(avail, left)
			d.rowSegment(cols, rc, start, start+k)
			start += k
			if start < n {
				d.newPage()
			}
		}
	}
}

func rowLines(rc [][]string) int {
	n := 1
	for _, c := range rc {
		n = max(n, len(c))
	}
	return n
}

// rowSegment draws lines [from, to) of a row's cells.
func (d *doc) rowSegment(cols []column, rc [][]string, from, to int) {
	f := d.f
	x, y := marginX, d.y()
	h := float64(to-from)*tableLH + 2*tablePad
	f.SetDrawColor(colourBorder[0], colourBorder[1], colourBorder[2])
	f.SetLineWidth(0.2)
	for i, c := range cols {
		f.Rect(x, y, c.width, h, "D")
		d.font(c.style, tableSize)
		for j := from; j < to && j < len(rc[i]); j++ {
			f.SetXY(x, y+tablePad+float64(j-from)*tableLH)
			f.CellFormat(c.width, tableLH, rc[i][j], "", 0, c.align, false, 0, "")
		}
		x += c.width
	}
	f.SetXY(marginX, y+h)
}

// fit scales the widths of cols so that they fill the text width.
func fit(cols []column) []column {
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	for i := range cols {
		cols[i].width = cols[i].width * contentW / total
	}
	return cols
}

// fallback replaces characters Windows-1252 lacks by close equivalents.
var fallback = map[rune]string{
	'→': "->", '←': "<-", '⇒': "=>", '↔': "<->",
	'≥': ">=", '≤': "<=", '≠': "!=", '−': "-",
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2015': "-",
	'\u2009': " ", '\u200a': " ", '\u202f': " ", '\u2007': " ", '\u2002': " ", '\u2003': " ",
	'\u200b': "", '\u200d': "", '\ufeff': "",
	'\u02bc': "'", '\u2032': "'", '\u2033': "\"",
	'✓': "v", '✔': "v", '✗': "x", '✘': "x",
}

// latin1 turns UTF-8 text into the Windows-1252 bytes the core fonts use,
// after composing accents (a name typed on a Mac may arrive decomposed).
// Characters with no equivalent become "?". It is safe for concurrent use,
// unlike fpdf's translators, which share a buffer.
func latin1(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			// control characters are dropped
		case r < 0x80:
			b.WriteByte(byte(r))
		default:
			if alt, ok := fallback[r]; ok {
				b.WriteString(alt)
			} else if c, ok := charmap.Windows1252.EncodeRune(r); ok {
				b.WriteByte(c)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}
