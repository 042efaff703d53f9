package xlsx_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/xlsx"
)

// checkDecoded decodes data and checks what must hold for any input: no
// panic; an error is an EINVALID *exam.Error; rows come in increasing lines
// after the header; every problem says what is wrong; and a file decoded
// without any problem has every required column, found with its letter —
// garbage never passes silently.
func checkDecoded(t *testing.T, ref *exam.Referentiel, data []byte, format xlsx.Format) {
	d, err := xlsx.DecodeCandidates(bytes.NewReader(data), format, ref, nil)
	if err != nil {
		if code := exam.ErrorCode(err); code != exam.EINVALID {
			t.Fatalf("error %v has code %q, want %q", err, code, exam.EINVALID)
		}
		return
	}
	prev := 1
	for _, r := range d.Rows {
		if r.Line <= prev {
			t.Fatalf("row line %d after %d", r.Line, prev)
		}
		prev = r.Line
	}
	for _, p := range d.Problems {
		if p.Key == "" || p.Message == "" || p.Line < 0 || (p.Line > 0 && p.Column == "") {
			t.Fatalf("incomplete problem %+v", p)
		}
	}
	if len(d.Problems) > 0 {
		return
	}
	for _, c := range xlsx.CandidateColumns(ref) {
		if c.Required && !strings.Contains(d.Columns[c.Field], " (") {
			t.Fatalf("no problem, yet required column %q is %q", c.Header, d.Columns[c.Field])
		}
	}
}

// Run with: go test -run '^$' -fuzz FuzzDecodeCandidatesCSV -fuzztime 30s ./storage/xlsx/
func FuzzDecodeCandidatesCSV(f *testing.F) {
	ref := mustRef(f)
	rows := [][]any{standard, heleneRow(), karimRow(777)}
	good := csvFile(rows)
	f.Add(good)
	f.Add([]byte(strings.ReplaceAll(string(good), ";", ",")))
	f.Add(append([]byte("\ufeff"), good...))
	f.Add([]byte("Nom;Prénoms;Sexe;Date de naissance\n\"LE\nGALL\";\"A;B\";X;31/02/1990\n\n;;;\n"))
	f.Add([]byte("Liste, juin\n\nNom,Prénom,Né(e) le\n\"unterminated,F"))
	f.Add([]byte{0xC9, 0x6C, 0xE8, 0x76, 0x65, ';', 'N', 'o', 'm', '\r', '\n'})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecoded(t, ref, data, xlsx.FormatCSV)
	})
}

// Run with: go test -run '^$' -fuzz FuzzDecodeCandidatesXLSX -fuzztime 30s ./storage/xlsx/
func FuzzDecodeCandidatesXLSX(f *testing.F) {
	ref := mustRef(f)
	f.Add(workbook(f, [][]any{standard, heleneRow(), karimRow(777)}))
	f.Add(workbook(f, [][]any{{"Nom", "Prénoms"}, {"MARTIN"}}))
	f.Add(template(f))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecoded(t, ref, data, xlsx.FormatXLSX)
	})
}

// withSheetXML returns the workbook with its first worksheet's XML replaced:
// mutating the XML itself reaches the cell parsing, which mutations of the
// compressed bytes never get past the zip checksums to.
func withSheetXML(tb testing.TB, workbook []byte, sheet []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			tb.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			_, err = w.Write(sheet)
		} else {
			var r io.ReadCloser
			if r, err = f.Open(); err == nil {
				_, err = io.Copy(w, r)
				r.Close()
			}
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func sheetXML(tb testing.TB, workbook []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Run with: go test -run '^$' -fuzz FuzzDecodeCandidatesSheetXML -fuzztime 30s ./storage/xlsx/
func FuzzDecodeCandidatesSheetXML(f *testing.F) {
	ref := mustRef(f)
	base := workbook(f, [][]any{standard, heleneRow(), karimRow(777)})
	f.Add(sheetXML(f, base))
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="3"><c r="B3" t="inlineStr"><is><t>Nom</t></is></c><c r="D3" t="inlineStr"><is><r><t>Pré</t></r><r><t>noms</t></r></is></c>` +
		`<c r="F3" t="inlineStr"><is><t>Date de naissance</t></is></c><c r="E3" t="str"><v>Sexe</v></c></row>` +
		`<row r="7"><c r="B7" t="inlineStr"><is><t>A&amp;B</t></is></c><c r="F7"><v>33799.5</v></c><c r="E7" t="b"><v>1</v></c></row>` +
		`<row r="1048576"><c r="XFD1048576"><v>1E308</v></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, sheet []byte) {
		checkDecoded(t, ref, withSheetXML(t, base, sheet), xlsx.FormatXLSX)
	})
}
