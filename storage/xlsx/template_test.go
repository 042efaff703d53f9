package xlsx_test

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/xlsx"
)

var update = flag.Bool("update", false, "rewrite assets/modele-import-candidats.xlsx with WriteTemplate")

const shippedTemplate = "../../assets/modele-import-candidats.xlsx"

func headers(cols []xlsx.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Header
	}
	return out
}

func template(tb testing.TB) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := xlsx.WriteTemplate(&b, mustRef(tb)); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func openWorkbook(tb testing.TB, data []byte) *excelize.File {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func TestWriteTemplate(t *testing.T) {
	ref := mustRef(t)
	cols := xlsx.CandidateColumns(ref)
	data := template(t)
	f := openWorkbook(t, data)
	if got, want := f.GetSheetList(), []string{xlsx.TemplateSheet, xlsx.InstructionsSheet}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	rows, err := f.GetRows(xlsx.TemplateSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], headers(cols)) {
		t.Fatalf("candidate sheet rows = %q, want only the headers %q", rows, headers(cols))
	}
	panes, err := f.GetPanes(xlsx.TemplateSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the header row frozen", panes, err)
	}
	style := func(get func() (int, error)) *excelize.Style {
		t.Helper()
		id, err := get()
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for i, c := range cols {
		letter, _ := excelize.ColumnNumberToName(i + 1)
		h := style(func() (int, error) { return f.GetCellStyle(xlsx.TemplateSheet, letter+"1") })
		if h.Font == nil || !h.Font.Bold {
			t.Errorf("header %s is not bold", c.Header)
		}
		col := style(func() (int, error) { return f.GetColStyle(xlsx.TemplateSheet, letter) })
		switch {
		case strings.HasPrefix(c.Field, exam.FieldAcquired+":"), c.Field == exam.FieldBirthDate, c.Field == exam.FieldSSTDate:
			if col.CustomNumFmt == nil || *col.CustomNumFmt != "dd/mm/yyyy" {
				t.Errorf("column %s (%s) is not formatted as a date: %+v", letter, c.Header, col)
			}
		case c.Field == exam.FieldNumber, c.Field == exam.FieldPhone:
			if col.NumFmt != 49 {
				t.Errorf("column %s (%s) is not formatted as text: NumFmt %d", letter, c.Header, col.NumFmt)
			}
		}
		width, err := f.GetColWidth(xlsx.TemplateSheet, letter)
		if err != nil || width < 8 {
			t.Errorf("column %s width = %v, %v", letter, width, err)
		}
	}
	dvs, err := f.GetDataValidations(xlsx.TemplateSheet)
	if err != nil || len(dvs) != 2 {
		t.Fatalf("data validations = %v, %v; want the lists of Sexe and Modalité d'accès", dvs, err)
	}
	for _, dv := range dvs {
		for _, v := range strings.Split(strings.Trim(dv.Formula1, `"`), ",") {
			if _, sex := exam.ParseSex(v); !sex {
				if _, route := exam.ParseAccessRoute(v); !route {
					t.Errorf("drop-down value %q is read neither as a sex nor as an access route", v)
				}
			}
		}
	}

	// The instructions list every column, whether it is required, and help.
	help, err := f.GetRows(xlsx.InstructionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	described := map[string][]string{}
	for _, r := range help {
		if len(r) >= 5 {
			described[r[0]] = r
		}
	}
	for _, c := range cols {
		r, ok := described[c.Header]
		if !ok {
			t.Errorf("instructions do not describe %q", c.Header)
			continue
		}
		if want := map[bool]string{true: "oui", false: "non"}[c.Required]; r[1] != want {
			t.Errorf("instructions say %q required: %q, want %q", c.Header, r[1], want)
		}
	}

	t.Run("the empty template is read without problem", func(t *testing.T) {
		d, err := xlsx.DecodeCandidates(bytes.NewReader(data), xlsx.FormatXLSX, ref, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Problems) > 0 || len(d.Ignored) > 0 || len(d.Rows) > 0 {
			t.Fatalf("problems %q, ignored %q, rows %v", problems(d.Problems), d.Ignored, d.Rows)
		}
		for _, c := range cols {
			if d.Columns[c.Field] == "" {
				t.Errorf("column %q not found in the template", c.Header)
			}
		}
	})

	t.Run("a filled template is imported", func(t *testing.T) {
		f := openWorkbook(t, data)
		// As typed by a user: text where the column is text, dates in cells.
		row := heleneRow()
		row[9] = "0612345678"
		if err := f.SetSheetRow(xlsx.TemplateSheet, "A2", &row); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		d := mustDecode(t, "modele.xlsx", b.Bytes())
		if len(d.Problems) > 0 || len(d.Rows) != 1 || !reflect.DeepEqual(d.Rows[0].Candidate, helene()) {
			t.Fatalf("problems %q, rows %+v", problems(d.Problems), d.Rows)
		}
	})
}

// TestImportTemplate_Shipped keeps the template shipped in assets in step
// with the importer. After a change of columns or instructions, run
//
//	go test ./storage/xlsx -run TestImportTemplate_Shipped -update
func TestImportTemplate_Shipped(t *testing.T) {
	generated := template(t)
	if *update {
		if err := os.WriteFile(shippedTemplate, generated, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", shippedTemplate, len(generated))
		return
	}
	shipped := openWorkbook(t, assets.ImportTemplate)
	rows, err := shipped.GetRows(xlsx.TemplateSheet)
	if err != nil {
		t.Fatalf("shipped template: %v (regenerate it with -update)", err)
	}
	want := headers(xlsx.CandidateColumns(mustRef(t)))
	if len(rows) == 0 || !reflect.DeepEqual(rows[0], want) {
		t.Fatalf("shipped template headers differ from CandidateColumns; run go test ./storage/xlsx -run TestImportTemplate_Shipped -update\n got %q\nwant %q", rows, want)
	}
	gotHelp, err := shipped.GetRows(xlsx.InstructionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	wantHelp, err := openWorkbook(t, generated).GetRows(xlsx.InstructionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotHelp, wantHelp) {
		t.Errorf("shipped instructions differ from WriteTemplate's; run go test ./storage/xlsx -run TestImportTemplate_Shipped -update")
	}
}

// TestDocs keeps docs/import.md describing every column.
func TestDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/import.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range xlsx.CandidateColumns(mustRef(t)) {
		if !strings.Contains(string(doc), "| "+c.Header+" |") {
			t.Errorf("docs/import.md has no table row for %q", c.Header)
		}
	}
}
