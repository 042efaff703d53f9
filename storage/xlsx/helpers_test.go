package xlsx_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/xlsx"
)

// standard is the template header row for the AMIS référentiel; letters:
// A N° candidat, B Nom de naissance, C Nom d'usage, D Prénoms, E Sexe,
// F Date de naissance, G Commune, H Pays, I E-mail, J Téléphone,
// K Modalité d'accès, L Centre, M Date SST, N CCP1 acquis le, O CCP1 session,
// P CCP2 acquis le, Q CCP2 session, R CCP3 acquis le, S CCP3 session.
var standard = []any{"N° candidat", "Nom de naissance", "Nom d'usage", "Prénoms", "Sexe", "Date de naissance",
	"Commune de naissance", "Pays de naissance", "E-mail", "Téléphone", "Modalité d'accès", "Centre de formation",
	"Date SST", "CCP1 acquis le", "CCP1 session", "CCP2 acquis le", "CCP2 session", "CCP3 acquis le", "CCP3 session"}

func mustRef(tb testing.TB) *exam.Referentiel {
	tb.Helper()
	ref, err := assets.Referentiel()
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// workbook builds an .xlsx file whose first sheet holds rows from row 1; a
// nil row is left empty and nil cells are not written. setup, if any, runs
// before the cells are written (a 1904 date system, a hidden sheet…).
func workbook(tb testing.TB, rows [][]any, setup ...func(f *excelize.File, sheet string)) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for _, s := range setup {
		s(f, sheet)
	}
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				tb.Fatal(err)
			}
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// writeFile writes data into a new file of the test's temporary directory.
func writeFile(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// decodeFile writes data to a real file and decodes it back, as ImportFile does.
func decodeFile(tb testing.TB, name string, data []byte) (*xlsx.Decoded, error) {
	tb.Helper()
	path := writeFile(tb, name, data)
	format, err := xlsx.FormatOf(path)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	return xlsx.DecodeCandidates(f, format, mustRef(tb), nil)
}

func mustDecode(tb testing.TB, name string, data []byte) *xlsx.Decoded {
	tb.Helper()
	d, err := decodeFile(tb, name, data)
	if err != nil {
		tb.Fatalf("decode %s: %v", name, err)
	}
	return d
}

// problems renders problems as "line|column|key|message" for comparison.
func problems(ps []exam.ImportProblem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.Join([]string{strconv.Itoa(p.Line), p.Column, p.Key, p.Message}, "|")
	}
	return out
}

func lines(rows []exam.ImportRow) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Line
	}
	return out
}

// wantCode checks that err is an *exam.Error of the code and key.
func wantCode(tb testing.TB, err error, code, key string) *exam.Error {
	tb.Helper()
	var e *exam.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error = %v (%T), want an *exam.Error %s/%s", err, err, code, key)
	}
	if e.Code != code || e.Key != key {
		tb.Fatalf("error = %s/%s %q, want %s/%s", e.Code, e.Key, e.Message, code, key)
	}
	return e
}

// helene is the candidate of the sample rows, as exam stores her.
func helene() exam.Candidate {
	return exam.Candidate{
		Number: "00042", BirthName: "LEFÈVRE", UsageName: "D'ARC", FirstNames: "Hélène Marie", Sex: exam.Female,
		BirthDate: exam.NewDate(1992, time.July, 14), BirthCity: "Saint-Étienne", BirthCountry: "France",
		Email: "helene.lefevre@example.fr", Phone: "0612345678", AccessRoute: exam.RouteContinuing,
		TrainingCentre: "GRETA Lyon Métropole", SSTDate: exam.NewDate(2024, time.February, 3),
		Acquired: []exam.AcquiredBlock{{BlockCode: "RNCP37722BC01", Date: exam.NewDate(2023, time.June, 20), SessionRef: "Session Lyon juin 2023"}},
	}
}

// csvFile writes rows as a French Excel CSV: semicolons, dates jj/mm/aaaa.
func csvFile(rows [][]any) []byte {
	var b strings.Builder
	for _, row := range rows {
		for i, v := range row {
			if i > 0 {
				b.WriteByte(';')
			}
			switch v := v.(type) {
			case nil:
			case time.Time:
				b.WriteString(v.Format("02/01/2006"))
			case string:
				if strings.ContainsAny(v, ";\"\n") {
					v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
				}
				b.WriteString(v)
			default:
				fmt.Fprint(&b, v)
			}
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// karimRow is a second valid candidate in the standard columns.
func karimRow(number any) []any {
	return []any{number, "Bensaïd", nil, "Karim", "M", day(1988, 2, 29), "Alger", "Algérie", nil, "+33 6 12 34 56 78", "VAE"}
}
