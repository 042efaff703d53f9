package xlsx_test

import (
	"bytes"
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

func outRef(tb testing.TB) *exam.Referentiel {
	tb.Helper()
	ref, err := assets.Referentiel()
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

func outCandidate(id int64, number, birth, usage, first string, born exam.Date) exam.Candidate {
	return exam.Candidate{
		ID: id, Number: number, BirthName: birth, UsageName: usage, FirstNames: first,
		Sex: exam.Female, BirthDate: born, BirthCity: "Lyon", BirthCountry: "France",
		AccessRoute: exam.RouteContinuing,
	}
}

// outClock is a time on the computer's clock, as the workbooks write them.
func outClock(day, h, m int) time.Time {
	return time.Date(2026, time.March, day, h, m, 0, 0, time.Local)
}

// outWrite writes data into a file of the test's temporary directory and
// opens it again with excelize.
func outWrite(tb testing.TB, name string, data []byte) *excelize.File {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	if dir := os.Getenv("AMIS_DOC_OUT"); dir != "" { // to look at the files
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			tb.Log(err)
		}
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		tb.Fatalf("the written workbook does not open: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// outCell returns a cell's shown value, its raw value and its number format.
func outCell(tb testing.TB, f *excelize.File, sheet, cell string) (shown, raw, format string) {
	tb.Helper()
	var err error
	if shown, err = f.GetCellValue(sheet, cell); err != nil {
		tb.Fatal(err)
	}
	if raw, err = f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); err != nil {
		tb.Fatal(err)
	}
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		tb.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		format = *st.CustomNumFmt
	}
	return shown, raw, format
}

// outSerial checks that a cell holds a number with the given format and
// returns it as a time (wall clock, UTC).
func outSerial(tb testing.TB, f *excelize.File, sheet, cell, format string) time.Time {
	tb.Helper()
	_, raw, got := outCell(tb, f, sheet, cell)
	if got != format {
		tb.Errorf("%s: number format %q, want %q", cell, got, format)
	}
	if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		tb.Errorf("%s holds text %q, want a number", cell, raw)
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		tb.Fatalf("%s = %q, want a number: %v", cell, raw, err)
	}
	t, err := excelize.ExcelDateToTime(v, false)
	if err != nil {
		tb.Fatal(err)
	}
	return t.Round(time.Second)
}

func convocationSession(tb testing.TB) (*exam.Session, *exam.Referentiel, exam.Schedule) {
	tb.Helper()
	ref := outRef(tb)
	s := &exam.Session{
		ID: 7, Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: "2026-AMIS-014",
		StartDate: exam.NewDate(2026, 3, 2), Place: "Lyon", TrainingCentre: "Centre de formation Les Pentes",
		Referentiel: ref.Code, ReferentielVersion: ref.Version,
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(18, 0), Changeover: 15 * time.Minute,
	}
	helene := exam.NewSessionCandidate(ref, outCandidate(11, "2026-001", "N'DIAYE", "MARTIN", "Hélène-Léa Œ", exam.NewDate(1990, 4, 23)))
	helene.Allowance = exam.TimeAllowance{
		ExtraPercent: 33,
		Overrides:    []exam.TrialOverride{{Trial: "EF", Reason: "Avis médical : fatigabilité"}},
	}
	helene.Jury = "Jury A"
	leroy := outCandidate(13, "2026-003", "LEROY", "", "Anaïs", exam.NewDate(1985, 11, 2))
	leroy.Acquired = []exam.AcquiredBlock{{BlockCode: "RNCP37722BC02", Date: exam.NewDate(2024, 6, 14)}}
	s.Candidates = []exam.SessionCandidate{helene, exam.NewSessionCandidate(ref, leroy)}
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	plans := []exam.CandidatePlan{
		exam.PlanCandidate(ref, &s.Candidates[0], outClock(2, 9, 0)),
		exam.PlanCandidate(ref, &s.Candidates[1], outClock(2, 13, 30)),
	}
	plans[1].Trials[0].At = outClock(3, 8, 30) // the MSP on the second day
	sched, err := exam.BuildSchedule(ref, plans, s.ScheduleOptions())
	if err != nil {
		tb.Fatal(err)
	}
	return s, ref, sched
}

func TestWriteConvocations(t *testing.T) {
	s, ref, sched := convocationSession(t)
	var b bytes.Buffer
	if err := xlsx.WriteConvocations(&b, s, ref, sched); err != nil {
		t.Fatal(err)
	}
	f := outWrite(t, "convocations.xlsx", b.Bytes())
	sh := xlsx.ConvocationSheet
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Candidat", "N° candidat", "Né(e) le", "Épreuve", "Date", "Début", "Fin", "Durée", "Préparation", "Jury"}
	if got := strings.Join(rows[0], "|"); got != strings.Join(want, "|") {
		t.Fatalf("header = %s, want %s", got, strings.Join(want, "|"))
	}
	if len(rows) != 1+len(sched.Slots) {
		t.Fatalf("%d rows, want the header and %d slots", len(rows), len(sched.Slots))
	}
	// Hélène: MSP (20 min preparation + 33 % = 27 min; 1 h + 33 % = 1 h 20),
	// ET, QP, then EF without extra time (override).
	cases := []struct {
		row                  int
		candidate, trial     string
		start, end           time.Time
		duration, prep, jury string
	}{
		{2, "N'DIAYE (MARTIN) Hélène-Léa Œ", "Mise en situation professionnelle", outClock(2, 9, 0), outClock(2, 10, 47), "1 h 20 (base 1 h)", "27 min (base 20 min)", "Jury A"},
		{3, "N'DIAYE (MARTIN) Hélène-Léa Œ", "Entretien technique", outClock(2, 11, 2), outClock(2, 11, 42), "40 min (base 30 min)", "", "Jury A"},
		{5, "N'DIAYE (MARTIN) Hélène-Léa Œ", "Entretien final", outClock(2, 12, 52), outClock(2, 13, 12), "20 min (base 20 min)", "", "Jury A"},
		{6, "LEROY Anaïs", "Mise en situation professionnelle", outClock(3, 8, 30), outClock(3, 9, 50), "1 h (base 1 h)", "20 min (base 20 min)", "Ensemble du jury"},
	}
	for _, c := range cases {
		r := strconv.Itoa(c.row)
		if got := rows[c.row-1]; got[0] != c.candidate || got[3] != c.trial || got[7] != c.duration || get(got, 8) != c.prep || get(got, 9) != c.jury {
			t.Errorf("row %d = %q, want %s, %s, %s, %q, %s", c.row, got, c.candidate, c.trial, c.duration, c.prep, c.jury)
		}
		day := outSerial(t, f, sh, "E"+r, "dd/mm/yyyy")
		start := outSerial(t, f, sh, "F"+r, "hh:mm")
		end := outSerial(t, f, sh, "G"+r, "hh:mm")
		wall := func(t time.Time) string { return t.Format("02/01/2006 15:04") }
		if wall(day) != c.start.Format("02/01/2006")+" 00:00" || wall(start) != wall(c.start) || wall(end) != wall(c.end) {
			t.Errorf("row %d: date %s, start %s, end %s; want %s, %s", c.row, wall(day), wall(start), wall(end), wall(c.start), wall(c.end))
		}
		if shown, _, _ := outCell(t, f, sh, "F"+r); shown != c.start.Format("15:04") {
			t.Errorf("F%s shows %q, want %q", r, shown, c.start.Format("15:04"))
		}
		if shown, _, _ := outCell(t, f, sh, "E"+r); shown != c.start.Format("02/01/2006") {
			t.Errorf("E%s shows %q, want %q", r, shown, c.start.Format("02/01/2006"))
		}
	}
	if born := outSerial(t, f, sh, "C2", "dd/mm/yyyy"); born.Format("02/01/2006") != "23/04/1990" {
		t.Errorf("birth date %s, want 23/04/1990", born.Format("02/01/2006"))
	}
	for _, row := range rows {
		for _, cell := range row {
			if strings.Contains(cell, "médical") || strings.Contains(cell, "%") {
				t.Errorf("the convocation list shows accommodation details: %q", cell)
			}
		}
	}
	// bold frozen header with an autofilter
	panes, err := f.GetPanes(sh)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	id, _ := f.GetCellStyle(sh, "A1")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Error("the header is not bold")
	}
	if r := outFilter(f, sh); !strings.HasPrefix(r, "'"+sh+"'!$A$1:$J$") && !strings.HasPrefix(r, sh+"!$A$1:$J$") {
		t.Errorf("autofilter on %q, want A1:J…", r)
	}
	if w, _ := f.GetColWidth(sh, "A"); w < 20 {
		t.Errorf("column A is %.0f wide", w)
	}
}

// outFilter returns the range of the sheet's autofilter, "" if none.
func outFilter(f *excelize.File, sheet string) string {
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet {
			return dn.RefersTo
		}
	}
	return ""
}

func get(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func TestWriteConvocations_Empty(t *testing.T) {
	s, ref, _ := convocationSession(t)
	var b bytes.Buffer
	if err := xlsx.WriteConvocations(&b, s, ref, exam.Schedule{}); err != nil {
		t.Fatal(err)
	}
	f := outWrite(t, "convocations-vides.xlsx", b.Bytes())
	rows, err := f.GetRows(xlsx.ConvocationSheet)
	if err != nil || len(rows) != 1 {
		t.Errorf("rows = %q, %v; want the header only", rows, err)
	}
}
