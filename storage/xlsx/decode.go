package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// Decoded is an import file turned into rows, before any check of the
// candidates themselves (see exam.ImportCandidates).
type Decoded struct {
	Rows []exam.ImportRow
	// Columns maps a field id (exam.Field*, AcquiredField…, and
	// exam.FieldAcquired for the first block column) to the column as the
	// file names it, with its letter: "C (Date de naissance)". A required
	// column missing from the file maps to its template header.
	Columns map[string]string
	// Problems are the cells that could not be read and the columns that are
	// missing or present twice; any of them refuses the file.
	Problems []exam.ImportProblem
	// Ignored lists the headers that match no column, with their letter:
	// "P (Remarques)".
	Ignored []string
}

// maxFileSize bounds what is read into memory: far more than any real
// candidate list (10,000 rows take about 0.6 MB as xlsx, 1.6 MB as CSV).
const maxFileSize = 64 << 20

// progressEvery is how many rows are read between two progress calls.
const progressEvery = 500

// maxTitleRows is how many non-empty rows may come before the header row
// (a title, a date…) for it to be found by its headers.
const maxTitleRows = 10

// DecodeCandidates reads the candidate rows of an .xlsx workbook (its first
// visible worksheet) or a CSV file. The header row is the first row naming at
// least two known columns (the first non-empty row otherwise); blank rows are
// skipped. Cells that cannot be read are reported as Problems with the line
// and column a spreadsheet shows, and their field is marked Unreadable on the
// row. The error is an EINVALID *exam.Error when the file itself cannot be
// read (not a workbook, a broken CSV…). progress, if not nil, is called with
// phase "read" every few hundred rows.
func DecodeCandidates(r io.Reader, f Format, ref *exam.Referentiel, progress exam.ImportProgress) (*Decoded, error) {
	return decode(context.Background(), r, f, ref, progress)
}

// source yields the rows of a file.
type source interface {
	// next returns the cells of the next row and its line number as a
	// spreadsheet shows it; io.EOF after the last row. The cells may be
	// reused by the following call.
	next() (cells []string, line int, err error)
	// lines estimates the number of lines of the file, 0 if unknown.
	lines() int
	close() error
}

func decode(ctx context.Context, r io.Reader, f Format, ref *exam.Referentiel, progress exam.ImportProgress) (*Decoded, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read import file: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, errTooLarge()
	}
	if f, err = sniff(data, f); err != nil {
		return nil, err
	}
	var src source
	var d *decoder
	switch f {
	case FormatXLSX:
		s, err := openSheet(data)
		if err != nil {
			return nil, err
		}
		src, d = s, newDecoder(ref, true, s.date1904)
	default:
		s, err := openCSV(data)
		if err != nil {
			return nil, err
		}
		src, d = s, newDecoder(ref, false, false)
	}
	defer src.close()
	if err := d.run(ctx, src, progress); err != nil {
		return nil, err
	}
	return d.out, nil
}

// decoder turns rows of cells into import rows.
type decoder struct {
	cols     []Column
	index    map[string]headerMatch
	xlsx     bool // cells may be numbers: dates as serials, integers as floats
	date1904 bool // the workbook counts dates from 1904
	out      *Decoded

	haveHeader bool
	fields     []binding    // columns found, in template order
	blocks     []blockCells // per block of the référentiel
	missing    []string     // fields of the required columns absent
}

// binding is a column found in the file.
type binding struct {
	at    int // 0-based index of the cell in the row
	col   *Column
	label string // "C (Date de naissance)"
}

// blockCells are the two columns of an acquired block, nil when absent.
type blockCells struct {
	block         *exam.Block
	date, session *binding
}

func newDecoder(ref *exam.Referentiel, xlsx, date1904 bool) *decoder {
	cols := CandidateColumns(ref)
	return &decoder{
		cols:     cols,
		index:    headerIndex(cols),
		xlsx:     xlsx,
		date1904: date1904,
		out:      &Decoded{Columns: map[string]string{}},
	}
}

type pendingRow struct {
	line  int
	cells []string
}

func (d *decoder) run(ctx context.Context, src source, progress exam.ImportProgress) error {
	var pending []pendingRow // rows from the first non-empty one while no header is found
	flushPending := func() {
		d.header(pending[0].cells, pending[0].line)
		for _, p := range pending[1:] {
			d.row(p.cells, p.line)
		}
		pending = nil
	}
	total := src.lines()
	read := 0
	for {
		cells, line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		read++
		if read%progressEvery == 0 {
			progress("read", read, max(total, read))
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch {
		case d.haveHeader:
			d.row(cells, line)
		case blank(cells):
		case d.score(cells) >= 2:
			pending = nil
			d.header(cells, line)
		default:
			pending = append(pending, pendingRow{line, append([]string(nil), cells...)})
			if len(pending) == maxTitleRows {
				flushPending()
			}
		}
	}
	if !d.haveHeader {
		if len(pending) == 0 {
			d.out.Problems = append(d.out.Problems, problem(0, "", exam.Errorf(exam.EINVALID, "import.empty", "the file has no data row", nil)))
			return nil
		}
		flushPending()
	}
	// Header problems come in column order; file-level ones (line 0) first.
	sort.SliceStable(d.out.Problems, func(i, j int) bool { return d.out.Problems[i].Line < d.out.Problems[j].Line })
	progress("read", read, read)
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// score counts the cells that name a known column.
func (d *decoder) score(cells []string) int {
	n := 0
	for _, c := range cells {
		if _, ok := d.index[exam.Fold(c)]; ok && strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// header binds the file's columns. A column's own header wins over an alias
// naming the same column (the alias then goes to Ignored); two equally good
// headers for one column are a problem.
func (d *decoder) header(cells []string, line int) {
	d.haveHeader = true
	type found struct {
		at    int
		label string
		alias bool
	}
	byCol := make([][]found, len(d.cols))
	type ignored struct {
		at    int
		label string
	}
	var ign []ignored
	for i, h := range cells {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		label := columnLabel(i, h)
		m, ok := d.index[exam.Fold(h)]
		if !ok {
			ign = append(ign, ignored{i, label})
			continue
		}
		byCol[m.col] = append(byCol[m.col], found{i, label, m.alias})
	}
	bound := make([]*binding, len(d.cols))
	for ci, fs := range byCol {
		col := &d.cols[ci]
		if len(fs) == 0 {
			if col.Required {
				d.missing = append(d.missing, col.Field)
				d.out.Columns[col.Field] = col.Header
				// No column to point at: the message names it.
				d.out.Problems = append(d.out.Problems, problem(0, "", exam.Errorf(exam.EINVALID, "import.missing_column",
					"required column “{{.Column}}” is missing", map[string]any{"Column": col.Header})))
			}
			continue
		}
		strong := fs[:0:0]
		for _, f := range fs {
			if !f.alias {
				strong = append(strong, f)
			}
		}
		if len(strong) == 0 {
			strong = fs
		} else {
			for _, f := range fs {
				if f.alias {
					ign = append(ign, ignored{f.at, f.label})
				}
			}
		}
		first := strong[0]
		for _, f := range strong[1:] {
			d.out.Problems = append(d.out.Problems, problem(line, f.label, exam.Errorf(exam.EINVALID, "import.duplicate_column",
				"column “{{.Column}}” given twice: already in {{.First}}", map[string]any{"First": first.label, "Column": col.Header})))
		}
		b := &binding{at: first.at, col: col, label: first.label}
		bound[ci] = b
		d.out.Columns[col.Field] = b.label
		if col.kind != kindAcquired && col.kind != kindSession {
			d.fields = append(d.fields, *b)
		}
	}
	sort.Slice(ign, func(i, j int) bool { return ign[i].at < ign[j].at })
	for _, x := range ign {
		d.out.Ignored = append(d.out.Ignored, x.label)
	}
	// Block columns, in référentiel order; exam.FieldAcquired points at the
	// first of them, which is where exam's own checks of acquired blocks land.
	for ci := range d.cols {
		col := &d.cols[ci]
		if col.kind != kindAcquired {
			continue
		}
		bc := blockCells{block: col.block, date: bound[ci]}
		if ci+1 < len(d.cols) && d.cols[ci+1].kind == kindSession {
			bc.session = bound[ci+1]
		}
		for _, b := range []*binding{bc.date, bc.session} {
			if b != nil {
				if _, ok := d.out.Columns[exam.FieldAcquired]; !ok {
					d.out.Columns[exam.FieldAcquired] = b.label
				}
			}
		}
		if bc.date != nil || bc.session != nil {
			d.blocks = append(d.blocks, bc)
		}
	}
}

// cell returns the trimmed text of the bound cell.
func cell(cells []string, b *binding) string {
	if b == nil || b.at >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[b.at])
}

// row decodes one data row; rows whose known columns are all blank are skipped.
func (d *decoder) row(cells []string, line int) {
	empty := true
	for i := range d.fields {
		if cell(cells, &d.fields[i]) != "" {
			empty = false
			break
		}
	}
	for _, bc := range d.blocks {
		if cell(cells, bc.date) != "" || cell(cells, bc.session) != "" {
			empty = false
		}
	}
	if empty {
		return
	}
	d.out.Rows = append(d.out.Rows, exam.ImportRow{Line: line})
	r := &d.out.Rows[len(d.out.Rows)-1]
	c := &r.Candidate
	for i := range d.fields {
		b := &d.fields[i]
		v := cell(cells, b)
		if v == "" {
			continue
		}
		switch b.col.kind {
		case kindNumber:
			if d.xlsx {
				v = integerText(v)
			}
			c.Number = v
		case kindSex:
			if s, ok := exam.ParseSex(v); ok {
				c.Sex = s
			} else {
				d.bad(r, b, exam.Errorf(exam.EINVALID, "import.sex", "“{{.Value}}” is not a sex: F or M expected (Femme, Homme)", map[string]any{"Value": v}))
			}
		case kindDate:
			date, err := d.date(v)
			if err != nil {
				d.bad(r, b, err)
				continue
			}
			switch b.col.Field {
			case exam.FieldBirthDate:
				c.BirthDate = date
			case exam.FieldSSTDate:
				c.SSTDate = date
			}
		case kindEmail:
			c.Email = v
		case kindPhone:
			c.Phone = phoneText(v, d.xlsx)
		case kindRoute:
			if rt, ok := exam.ParseAccessRoute(v); ok {
				c.AccessRoute = rt
			} else {
				d.bad(r, b, exam.Errorf(exam.EINVALID, "import.access_route", "unknown access route “{{.Value}}”: {{.Routes}} expected",
					map[string]any{"Value": v, "Routes": strings.Join(routeLabels, ", ")}))
			}
		default:
			switch b.col.Field {
			case exam.FieldBirthName:
				c.BirthName = v
			case exam.FieldUsageName:
				c.UsageName = v
			case exam.FieldFirstNames:
				c.FirstNames = v
			case exam.FieldBirthCity:
				c.BirthCity = v
			case exam.FieldBirthCountry:
				c.BirthCountry = v
			case exam.FieldTrainingCentre:
				c.TrainingCentre = v
			}
		}
	}
	for _, bc := range d.blocks {
		dv, sv := cell(cells, bc.date), cell(cells, bc.session)
		switch {
		case dv == "" && sv == "":
		case dv == "":
			data := map[string]any{"Block": bc.block.Short, "Value": sv}
			d.bad(r, bc.session, exam.Errorf(exam.EINVALID, "import.session_without_date",
				"session “{{.Value}}” given without the date {{.Block}} was acquired", data))
		default:
			date, err := d.date(dv)
			if err != nil {
				d.bad(r, bc.date, err)
				continue
			}
			c.Acquired = append(c.Acquired, exam.AcquiredBlock{BlockCode: bc.block.Code, Date: date, SessionRef: sv})
		}
	}
	for _, f := range d.missing {
		if r.Unreadable == nil {
			r.Unreadable = map[string]bool{}
		}
		r.Unreadable[f] = true
	}
}

// bad reports an unreadable cell and marks its field so that validation does
// not report it again.
func (d *decoder) bad(r *exam.ImportRow, b *binding, e *exam.Error) {
	d.out.Problems = append(d.out.Problems, problem(r.Line, b.label, e))
	if r.Unreadable == nil {
		r.Unreadable = map[string]bool{}
	}
	field := b.col.Field
	if b.col.kind == kindAcquired || b.col.kind == kindSession {
		field = exam.FieldAcquired
	}
	r.Unreadable[field] = true
}

// Excel serial numbers of the dates a workbook may hold: 1 is 1 January 1900
// (or 2 January 1904), 2958465 is 31 December 9999.
const (
	minSerial = 1
	maxSerial = 2958465
)

// date reads a date cell: an Excel serial number (a real date cell of a
// workbook) or text for exam.ParseDate. A bare year typed into a date cell
// (1990) is refused instead of being read as a day of 1905.
func (d *decoder) date(v string) (exam.Date, *exam.Error) {
	if d.xlsx {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			if !(f >= minSerial && f < maxSerial+1) || (f == math.Trunc(f) && f >= 1900 && f <= 2100) {
				return exam.Date{}, exam.Errorf(exam.EINVALID, "err.date.format", "“{{.Value}}” is not a date (expected dd/mm/yyyy)", map[string]any{"Value": v})
			}
			return serialDate(f, d.date1904), nil
		}
	}
	if len(v) > 10 && isTime(v[11:]) && (v[10] == 'T' || v[10] == ' ') {
		v = v[:10] // an ISO date-time: an ISO date cell, a database export
	}
	if date, ok := fastDate(v); ok {
		return date, nil
	}
	date, err := exam.ParseDate(v)
	if err != nil {
		var e *exam.Error
		if errors.As(err, &e) {
			return exam.Date{}, e
		}
		return exam.Date{}, exam.Errorf(exam.EINVALID, "err.date.format", "“{{.Value}}” is not a date (expected dd/mm/yyyy)", map[string]any{"Value": v})
	}
	return date, nil
}

// fastDate reads the two usual forms, jj/mm/aaaa and aaaa-mm-jj, of a valid
// date without the cost of exam.ParseDate, which prepares its error message
// on every call; anything else, and every error, is left to exam.ParseDate.
func fastDate(v string) (exam.Date, bool) {
	if len(v) != 10 {
		return exam.Date{}, false
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	var y, m, d int
	switch {
	case v[2] == '/' && v[5] == '/':
		d, m, y = num(v[:2]), num(v[3:5]), num(v[6:])
	case v[4] == '-' && v[7] == '-':
		y, m, d = num(v[:4]), num(v[5:7]), num(v[8:])
	default:
		return exam.Date{}, false
	}
	date := exam.NewDate(y, time.Month(m), d)
	return date, y >= 0 && m >= 0 && d >= 0 && date.Valid()
}

// isTime reports whether s looks like the time part of an ISO date-time.
func isTime(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && !strings.ContainsRune(":.,+-Z", r) {
			return false
		}
	}
	return true
}

// integerText writes a number that Excel stored as a float (1.2345E+5,
// 42.0) as the integer it is; other text is returned as is. Integers never
// lose leading zeros here: a numeric cell has none and a text cell is kept.
func integerText(v string) string {
	if !strings.ContainsAny(v, ".eE") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1e15 {
		return v
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// phoneText gives back the leading 0 of a French number typed into a
// numeric cell (612345678 → 0612345678).
func phoneText(v string, xlsx bool) string {
	if xlsx {
		v = integerText(v)
	}
	if len(v) != 9 || v[0] == '0' {
		return v
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return v
		}
	}
	return "0" + v
}

// columnLabel is the column as a spreadsheet shows it: its letter and header.
func columnLabel(i int, header string) string {
	return columnLetter(i) + " (" + header + ")"
}

// columnLetter returns the letters of the 0-based column i: A, Z, AA…
func columnLetter(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// problem points e at a row and a column of the file.
func problem(line int, column string, e *exam.Error) exam.ImportProblem {
	return exam.ImportProblem{Line: line, Column: column, Key: e.Key, Message: e.Message, Data: e.Data}
}

func errTooLarge() *exam.Error {
	return exam.Errorf(exam.EINVALID, "import.too_large", "the file is larger than {{.Max}} MB: it cannot be a candidate list",
		map[string]any{"Max": maxFileSize >> 20})
}
