package xlsx_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
)

var admin = exam.Actor{UserID: 1, Name: "admin", Role: exam.RoleAdmin}

// candidateFile writes rows as an .xlsx or .csv file and returns its path.
func candidateFile(tb testing.TB, format xlsx.Format, rows [][]any) string {
	tb.Helper()
	if format == xlsx.FormatCSV {
		return writeFile(tb, "candidats.csv", csvFile(rows))
	}
	return writeFile(tb, "candidats.xlsx", workbook(tb, rows))
}

func newService(tb testing.TB) *storage.CandidateService {
	tb.Helper()
	return storage.NewCandidateService(storage.MustOpen(tb), storage.MustReferentiel(tb))
}

func count(tb testing.TB, svc exam.CandidateService) int {
	tb.Helper()
	n, err := svc.CountCandidates(context.Background(), admin)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestImportFile(t *testing.T) {
	ctx := context.Background()
	ref := storage.MustReferentiel(t)
	header := append(append([]any(nil), standard...), "Remarques")
	for _, format := range []xlsx.Format{xlsx.FormatXLSX, xlsx.FormatCSV} {
		t.Run(format.String(), func(t *testing.T) {
			t.Run("a good file imports every row", func(t *testing.T) {
				svc := newService(t)
				path := candidateFile(t, format, [][]any{header, heleneRow(), karimRow(777), nil,
					{"778", "Martin", nil, "Léa", "F", "01/02/2000", "Lyon", "France", nil, nil, "Apprentissage"}})
				var phases []string
				rep, err := xlsx.ImportFile(ctx, admin, svc, ref, path, func(phase string, done, total int) {
					if len(phases) == 0 || phases[len(phases)-1] != phase {
						phases = append(phases, phase)
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				if !rep.OK() || rep.Rows != 3 || rep.Imported != 3 {
					t.Fatalf("report = %+v; problems %q", rep, problems(rep.Problems))
				}
				if want := "candidats." + format.String(); rep.File != want {
					t.Errorf("File = %q, want %q", rep.File, want)
				}
				if want := []string{"T (Remarques)"}; !reflect.DeepEqual(rep.IgnoredColumns, want) {
					t.Errorf("IgnoredColumns = %q, want %q", rep.IgnoredColumns, want)
				}
				if want := []string{"read", "check", "save"}; !reflect.DeepEqual(phases, want) {
					t.Errorf("progress phases = %q, want %q", phases, want)
				}
				if n := count(t, svc); n != 3 {
					t.Fatalf("%d candidates stored, want 3", n)
				}
				found, err := svc.FindCandidates(ctx, admin, exam.CandidateFilter{Query: "lefevre helene"})
				if err != nil || len(found) != 1 {
					t.Fatalf("find: %v, %v", found, err)
				}
				got, err := svc.Candidate(ctx, admin, found[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				want := helene()
				want.ID, want.CreatedAt, want.UpdatedAt = got.ID, got.CreatedAt, got.UpdatedAt
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("stored:\n got %+v\nwant %+v", *got, want)
				}
			})

			t.Run("one invalid row imports nothing and every problem is listed", func(t *testing.T) {
				svc := newService(t)
				bad := heleneRow()
				bad[0], bad[1], bad[5], bad[8] = "43", "DUPONT", "31/02/1990", "pas-une-adresse"
				noFirstName := karimRow(44)
				noFirstName[3] = nil
				path := candidateFile(t, format, [][]any{standard, heleneRow(), bad, noFirstName, karimRow(45)})
				rep, err := xlsx.ImportFile(ctx, admin, svc, ref, path, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := []string{
					"3|F (Date de naissance)|err.date.calendar|“31/02/1990” does not exist in the calendar",
					"3|I (E-mail)|err.email|“pas-une-adresse” is not an e-mail address",
					"4|D (Prénoms)|err.required|required",
				}
				if got := problems(rep.Problems); !reflect.DeepEqual(got, want) {
					t.Errorf("problems:\n got %q\nwant %q", got, want)
				}
				if rep.OK() || rep.Imported != 0 || rep.Rows != 4 {
					t.Errorf("report = %+v", rep)
				}
				if n := count(t, svc); n != 0 {
					t.Errorf("%d candidates stored, want none", n)
				}
			})

			t.Run("duplicates in the file and with the database", func(t *testing.T) {
				svc := newService(t)
				stored := helene()
				if err := svc.CreateCandidate(ctx, admin, &stored); err != nil {
					t.Fatal(err)
				}
				other := []any{"777", "Martin", nil, "Léa", "F", "01/02/2000", "Lyon", "France", nil, nil, "Apprentissage"}
				path := candidateFile(t, format, [][]any{standard, heleneRow(), karimRow(777), karimRow(778), other})
				rep, err := xlsx.ImportFile(ctx, admin, svc, ref, path, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := []string{
					fmt.Sprintf("2||import.dup_in_db|already in the database: LEFÈVRE Hélène Marie, born 14/07/1992 (record %d)", stored.ID),
					"4||import.dup_in_file|same person as row 3 (birth name, first names, birth date)",
					"5|A (N° candidat)|import.dup_number_in_file|candidate number 777 already used on row 3",
				}
				if got := problems(rep.Problems); !reflect.DeepEqual(got, want) {
					t.Errorf("problems:\n got %q\nwant %q", got, want)
				}
				if rep.Imported != 0 || count(t, svc) != 1 {
					t.Errorf("imported %d, stored %d; want 0 and 1", rep.Imported, count(t, svc))
				}
			})

			t.Run("the same file twice is refused the second time", func(t *testing.T) {
				svc := newService(t)
				path := candidateFile(t, format, [][]any{standard, heleneRow(), karimRow(777)})
				first, err := xlsx.ImportFile(ctx, admin, svc, ref, path, nil)
				if err != nil || !first.OK() {
					t.Fatalf("first import: %+v, %v", first, err)
				}
				second, err := xlsx.ImportFile(ctx, admin, svc, ref, path, nil)
				if err != nil {
					t.Fatal(err)
				}
				if second.OK() || second.Imported != 0 || len(second.Problems) != 2 {
					t.Fatalf("second import: %+v", second)
				}
				for i, p := range second.Problems {
					if p.Key != "import.dup_in_db" || p.Line != i+2 {
						t.Errorf("problem %d = %v", i, p)
					}
				}
				if n := count(t, svc); n != 2 {
					t.Errorf("%d candidates stored, want 2", n)
				}
			})
		})
	}
}

func TestImportFile_Errors(t *testing.T) {
	ctx := context.Background()
	ref := storage.MustReferentiel(t)
	svc := newService(t)
	good := candidateFile(t, xlsx.FormatXLSX, [][]any{standard, heleneRow()})
	tests := []struct {
		name      string
		actor     exam.Actor
		path      string
		code, key string
	}{
		{"old Excel format", admin, writeFile(t, "candidats.xls", []byte("whatever")), exam.EINVALID, "import.format"},
		{"OpenDocument", admin, writeFile(t, "candidats.ods", []byte("whatever")), exam.EINVALID, "import.format"},
		{"missing file", admin, good + ".absent.csv", exam.ENOTFOUND, "import.not_found"},
		{"broken workbook", admin, writeFile(t, "candidats.xlsx", []byte("PK\x03\x04 broken")), exam.EINVALID, "import.xlsx_invalid"},
		{"juror may not import", exam.Actor{UserID: 2, Name: "juror", Role: exam.RoleJury}, good, exam.EFORBIDDEN, "err.forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := xlsx.ImportFile(ctx, tt.actor, svc, ref, tt.path, nil)
			if err == nil {
				t.Fatalf("no error; report %+v", rep)
			}
			wantCode(t, err, tt.code, tt.key)
		})
	}
	if n := count(t, svc); n != 0 {
		t.Errorf("%d candidates stored, want none", n)
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		path := candidateFile(t, xlsx.FormatCSV, bigRows(1000))
		if _, err := xlsx.ImportFile(ctx, admin, svc, ref, path, nil); err == nil || !strings.Contains(err.Error(), "canceled") {
			t.Fatalf("err = %v, want context canceled", err)
		}
	})
}

// BenchmarkImportFile imports 10,000 rows into a fresh SQLite database: the
// whole import as the user waits for it.
func BenchmarkImportFile(b *testing.B) {
	ref := storage.MustReferentiel(b)
	for _, format := range []xlsx.Format{xlsx.FormatXLSX, xlsx.FormatCSV} {
		b.Run(format.String(), func(b *testing.B) {
			path := candidateFile(b, format, bigRows(10000))
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				svc := newService(b)
				b.StartTimer()
				rep, err := xlsx.ImportFile(context.Background(), admin, svc, ref, path, nil)
				if err != nil || !rep.OK() {
					b.Fatalf("import: %v %+v", err, rep)
				}
			}
		})
	}
}
