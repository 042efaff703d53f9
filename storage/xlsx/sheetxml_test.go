package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
)

// edgeTexts are texts a cell must survive, with what a spreadsheet reads
// back (docs/export.md, "Texts"): most come back exactly, what XML cannot
// hold comes back as U+FFFD, what is too long for a cell is cut.
var edgeTexts = []struct{ in, want string }{
	{`<b>Dupont & fils</b> "x" 'y'`, `<b>Dupont & fils</b> "x" 'y'`},
	{"]]> et <![CDATA[", "]]> et <![CDATA["},
	{"=1+1", "=1+1"},
	{"+33 6 12", "+33 6 12"},
	{"-Nord", "-Nord"},
	{"@SUM(A1)", "@SUM(A1)"},
	{"\tTabulé", "\tTabulé"},
	{"\rRetour", "\rRetour"},
	{"ligne 1\r\nligne 2\nligne 3", "ligne 1\r\nligne 2\nligne 3"},
	{" espaces ", " espaces "},
	{"a\x00b\x01c\x08d\x0be\x0cf\x1fg", "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg"},
	{"del\x7f", "del\x7f"},
	{"non-caractères \uFFFE \uFFFF", "non-caractères \uFFFD \uFFFD"},
	{"latin-1 \xe9t\xe9", "latin-1 \uFFFDt\uFFFD"},
	{"surrogate \xed\xa0\x80 seul", "surrogate \uFFFD\uFFFD\uFFFD seul"},
	{"émoji 👩🏽‍⚕️ 😀 𝄞", "émoji 👩🏽‍⚕️ 😀 𝄞"},
	{"_x0041_ _x005F_ _x00e9_ _X0041_ _x004_ _x0041", "_x0041_ _x005F_ _x00e9_ _X0041_ _x004_ _x0041"},
	{"_x_ _x1_ _x12_ _x123_ _x00041_ _xG041_ _x0041 _xd800_ _x0009_", "_x_ _x1_ _x12_ _x123_ _x00041_ _xG041_ _x0041 _xd800_ _x0009_"},
	{"N'Diaye-Lefèvre Zoë Ñúñez Ærø Œuvre ß İ", "N'Diaye-Lefèvre Zoë Ñúñez Ærø Œuvre ß İ"},
	{strings.Repeat("é", 40000), strings.Repeat("é", maxCellChars)},
	{strings.Repeat("a", maxCellChars-1) + "😀", strings.Repeat("a", maxCellChars-1)}, // no half of a surrogate pair
	{strings.Repeat("a", maxCellChars-2) + "😀b", strings.Repeat("a", maxCellChars-2) + "😀"},
}

// TestSheetPart_Texts writes edgeTexts as inline and shared strings, and
// reads the workbook back with excelize, as cell values and as rows.
func TestSheetPart_Texts(t *testing.T) {
	sst := &sharedStrings{}
	spec := &sheetSpec{headers: []string{"Inline", "Shared", "Length"}, widths: []float64{20, 20, 8}, title: "Tests & essais"}
	p, err := newSheetPart("Textes", spec, sst, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range edgeTexts {
		sst.add(tc.in)
	}
	for _, tc := range edgeTexts {
		p.startRow("")
		p.text(tc.in)
		p.label(tc.in)
		p.int(len(tc.in))
		p.endRow()
	}
	data := writeTestBook(t, sst, p)
	if dir := os.Getenv("AMIS_TEST_OUT"); dir != "" { // to open it elsewhere
		_ = os.WriteFile(filepath.Join(dir, "texts.xlsx"), data, 0o600)
	}
	// Spreadsheets drop leading and trailing white space unless told not to.
	for _, part := range []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"} {
		if xml := unzipPart(t, data, part); !strings.Contains(xml, `<t xml:space="preserve"> espaces </t>`) ||
			!strings.Contains(xml, `<t xml:space="preserve">&#xD;Retour</t>`) {
			t.Errorf("%s: white space not preserved", part)
		}
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Textes", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(edgeTexts)+1 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, tc := range edgeTexts {
		for j, typ := range []excelize.CellType{excelize.CellTypeInlineString, excelize.CellTypeSharedString} {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			got, _ := x.GetCellValue("Textes", cell, excelize.Options{RawCellValue: true})
			if got != tc.want || rows[i+1][j] != tc.want {
				t.Errorf("%s: %.60q read back as %.60q (row: %.60q), want %.60q", cell, tc.in, got, rows[i+1][j], tc.want)
			}
			if gt, _ := x.GetCellType("Textes", cell); gt != typ {
				t.Errorf("%s: type %v, want %v", cell, gt, typ)
			}
			if f, _ := x.GetCellFormula("Textes", cell); f != "" {
				t.Errorf("%s: formula %q", cell, f)
			}
		}
		if n := utf16Len(tc.want); n > maxCellChars {
			t.Errorf("%.30q: %d UTF-16 units", tc.want, n)
		}
	}
}

// unzipPart returns a part of a workbook.
func unzipPart(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// writeTestBook closes the parts and writes their workbook; every part of
// it must be well-formed XML.
func writeTestBook(t *testing.T, sst *sharedStrings, parts ...*sheetPart) []byte {
	t.Helper()
	for _, p := range parts {
		if err := p.close(); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := writeBook(&buf, bookProps{title: "Essai <&> — PROVISOIRE"}, sst, parts); err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, buf.Bytes())
	return buf.Bytes()
}

// checkWellFormed parses every part of a workbook with encoding/xml, which
// refuses what XML 1.0 forbids (control characters, malformed UTF-8).
func checkWellFormed(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if zr.File[0].Name != "[Content_Types].xml" {
		t.Errorf("first part %s", zr.File[0].Name)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(rc)
		for {
			if _, err := d.RawToken(); err == io.EOF {
				break
			} else if err != nil {
				t.Errorf("%s: %v", f.Name, err)
				break
			}
		}
		rc.Close()
	}
}

func TestAppendText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Lefèvre", "Lefèvre"},
		{`a<b>&"c'`, `a&lt;b&gt;&amp;"c'`},
		{"a\rb\tc\nd", "a&#xD;b\tc\nd"},
		{"\x00\x1f\x7f", "\uFFFD\uFFFD\x7f"},
		{"_x0041_", "_x005F_x0041_"},
		{"a_x00FF_b_x12", "a_x005F_x00FF_b_x12"},
		{"__x0041__", "__x005F_x0041__"},
		{"_x1_ _x_ _x12345_", "_x005F_x1_ _x_ _x12345_"},
		{"\xff", "\uFFFD"},
	} {
		if got := string(appendText(nil, tc.in)); got != tc.want {
			t.Errorf("appendText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := appendAttr(nil, "L'Hôte & \"fils\" <\x01>\t"); string(got) != "L&apos;Hôte &amp; &quot;fils&quot; &lt;\uFFFD&gt;&#x9;" {
		t.Errorf("appendAttr = %q", got)
	}
	for col, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 702: "ZZ", 703: "AAA", 16384: "XFD"} {
		if got := string(appendColumn(nil, col)); got != want {
			t.Errorf("column %d = %s, want %s", col, got, want)
		}
	}
}

// TestSheetPart_Layout checks what a sheet shows besides its cells: the
// banner merged across the columns, the frozen header, the autofilter,
// the widths, landscape printing with the header repeated and the title in
// the page header, the sheet the workbook opens on, its properties.
func TestSheetPart_Layout(t *testing.T) {
	sst := &sharedStrings{}
	spec := &sheetSpec{headers: []string{"Session", "Date", "Nombre"}, widths: []float64{16, 12.5, 9},
		banner: ProvisionalBanner, title: "PROVISOIRE — Essai & co"}
	first, err := newSheetPart("Feuille d'essai", spec, sst, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		first.startRow("")
		first.text("S1")
		first.date(exam.NewDate(2026, 3, 1+i))
		first.int(i)
		first.endRow()
	}
	second, err := newSheetPart("Deux", &sheetSpec{headers: []string{"A"}, title: "Deux"}, sst, false)
	if err != nil {
		t.Fatal(err)
	}
	data := writeTestBook(t, sst, first, second)
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !slices.Equal(got, []string{"Feuille d'essai", "Deux"}) || x.GetActiveSheetIndex() != 0 {
		t.Fatalf("sheets %q, active %d", got, x.GetActiveSheetIndex())
	}
	const sh = "Feuille d'essai"
	if v, _ := x.GetCellValue(sh, "A1"); v != ProvisionalBanner {
		t.Errorf("A1 = %q", v)
	}
	if mc, err := x.GetMergeCells(sh); err != nil || len(mc) != 1 || mc[0].GetStartAxis() != "A1" || mc[0].GetEndAxis() != "C1" {
		t.Errorf("merged cells %v, %v", mc, err)
	}
	if st, _ := x.GetCellStyle(sh, "A1"); st != styleBanner {
		t.Errorf("banner style %d", st)
	}
	if panes, err := x.GetPanes(sh); err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes %+v, %v", panes, err)
	}
	if v, _ := x.GetCellValue(sh, "B3"); v != "01/03/2026" {
		t.Errorf("B3 shows %q", v)
	}
	if w, _ := x.GetColWidth(sh, "B"); w != 12.5 {
		t.Errorf("width of B %v", w)
	}
	names := map[string]string{}
	for _, dn := range x.GetDefinedName() {
		names[dn.Scope+" "+dn.Name] = dn.RefersTo
	}
	for k, want := range map[string]string{
		sh + " _xlnm._FilterDatabase": "'Feuille d''essai'!$A$2:$C$5",
		sh + " _xlnm.Print_Titles":    "'Feuille d''essai'!$2:$2",
		"Deux _xlnm._FilterDatabase":  "'Deux'!$A$1:$A$2",
		"Deux _xlnm.Print_Titles":     "'Deux'!$1:$1",
	} {
		if names[k] != want {
			t.Errorf("%s = %q, want %q", k, names[k], want)
		}
	}
	if lay, err := x.GetPageLayout(sh); err != nil || lay.Orientation == nil || *lay.Orientation != "landscape" {
		t.Errorf("page layout %+v, %v", lay, err)
	}
	if hf, err := x.GetHeaderFooter(sh); err != nil || hf == nil || hf.OddHeader != "&LPROVISOIRE — Essai && co&RPage &P/&N" {
		t.Errorf("page header %+v, %v", hf, err)
	}
	if props, err := x.GetDocProps(); err != nil || props.Title != "Essai <&> — PROVISOIRE" || props.Creator != "AMIS Jury" ||
		props.Language != "fr-FR" {
		t.Errorf("properties %+v, %v", props, err)
	}
}

// TestSpool keeps a part in memory, then moves it to a temporary file,
// which Close removes.
func TestSpool(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	old := spoolMemory
	spoolMemory = 1000
	defer func() { spoolMemory = old }()
	s := &spool{}
	var want []byte
	for i := range 300 {
		chunk := bytes.Repeat([]byte{byte('a' + i%26)}, i)
		want = append(want, chunk...)
		if _, err := s.Write(chunk); err != nil {
			t.Fatal(err)
		}
		if i == 10 && s.f != nil {
			t.Error("in a file too early")
		}
	}
	if s.f == nil || s.n != int64(len(want)) {
		t.Fatalf("file %v, %d bytes", s.f, s.n)
	}
	var got bytes.Buffer
	if err := s.copyTo(&got); err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("copy: %v, %d bytes, want %d", err, got.Len(), len(want))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("left behind: %q", left)
	}
	// Where no temporary file can be made, the write fails.
	t.Setenv("TMPDIR", filepath.Join(dir, "missing"))
	s = &spool{}
	if _, err := s.Write(make([]byte, 2000)); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("write without a temporary folder: %v", err)
	}
}

// TestSheetPart_Cells writes cells encoded beforehand, also after an empty
// cell, where the first of them needs its reference.
func TestSheetPart_Cells(t *testing.T) {
	sst := &sharedStrings{}
	shared := sst.add("Partagé")
	pre, ok := appendCells(nil, []string{"", "B <&>"}, []int{shared, -1})
	if !ok {
		t.Fatal("appendCells refused non-empty texts")
	}
	if _, ok := appendCells(nil, []string{"x", ""}, []int{-1, -1}); ok {
		t.Error("appendCells took an empty text")
	}
	p, err := newSheetPart("Cellules", &sheetSpec{headers: []string{"A", "B", "C", "D"}, title: "Cellules"}, sst, true)
	if err != nil {
		t.Fatal(err)
	}
	p.startRow("")
	p.cells(pre, 2)
	p.int(3)
	p.startRow("")
	p.text("")
	p.cells(pre, 2)
	p.int(4)
	p.startRow("")
	p.text("a")
	p.skip()
	p.cells(pre, 2)
	data := writeTestBook(t, sst, p)
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Cellules")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"A", "B", "C", "D"}, {"Partagé", "B <&>", "3"}, {"", "Partagé", "B <&>", "4"}, {"a", "", "Partagé", "B <&>"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
}
