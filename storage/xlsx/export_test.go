package xlsx

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

var (
	expAdmin = exam.Actor{UserID: 1, Name: "admin", Role: exam.RoleAdmin}
	// expJury runs and grades the sessions, which an administrator may not.
	expJury = exam.Actor{UserID: 2, Name: "juror", Role: exam.RoleJury}
)

// expFixture is a database with the demo sessions (DEMO-SV-01 signed,
// DEMO-SV-02 ready, DEMO-EB-01 a mock exam) and a signed session "-Nord"
// whose texts look like formulas: reference "-Nord", place "+33 Lyon;
// salle "B"", centre "@home", candidate numbers "=1+1" and "0042", a
// training centre =HYPERLINK(…), a jury member's organisation =cmd|…, and,
// written straight into the file, a birth city starting with a tab, a
// birth country starting with a carriage return and a usage name of XML
// markup, an emoji and what Excel would read as an escape.
type expFixture struct {
	ctx                  context.Context
	db                   *storage.DB
	ref                  *exam.Referentiel
	svc                  *storage.ExportService
	sessions             *storage.SessionService
	evals                *storage.EvaluationService
	delib                *storage.DeliberationService
	signed, ready, mock  int64 // the demo sessions
	nord                 int64
	hyperlink, ddeOrg    string
	tabCity, crCountry   string
	numberEq, numberZero string
	markup               string // XML markup, an emoji, an Excel escape
}

func newExpFixture(t testing.TB) *expFixture {
	t.Helper()
	storage.FastSecrets(t)
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	f := &expFixture{ctx: context.Background(), db: db, ref: ref, svc: storage.NewExportService(db, ref),
		sessions: storage.NewSessionService(db, ref), evals: storage.NewEvaluationService(db, ref),
		delib:     storage.NewDeliberationService(db, ref),
		hyperlink: `=HYPERLINK("http://example.com/x","clic")`, ddeOrg: `=cmd|' /C calc'!A0`,
		tabCity: "\tTabulé-sur-Mer", crCountry: "\rRoyaume-Uni", numberEq: "=1+1", numberZero: "0042",
		markup: `<b>Ñúñez & "fils"</b> ]]> 😀 _x0041_ `}
	cands := storage.NewCandidateService(db, ref)
	today := exam.NewDate(2026, 3, 16)
	if _, err := demo.Fill(f.ctx, expAdmin, cands, ref, demo.Options{Candidates: demo.DefaultCandidates, Seed: 2026, Today: today}); err != nil {
		t.Fatal(err)
	}
	list, err := f.sessions.FindSessions(f.ctx, expAdmin, exam.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		switch s.Reference {
		case demo.RefSigned:
			f.signed = s.ID
		case demo.RefReady:
			f.ready = s.ID
		case demo.RefMock:
			f.mock = s.ID
		}
	}
	if f.signed == 0 || f.ready == 0 || f.mock == 0 {
		t.Fatalf("demo sessions: %+v", list)
	}

	cs := []*exam.Candidate{
		{Number: f.numberEq, BirthName: "D'Almeida-Lefèvre", UsageName: "N'Diaye", FirstNames: "Zoë Ève-Marie",
			Sex: exam.Female, BirthDate: exam.NewDate(1991, 2, 28), BirthCity: "Saint-Étienne", BirthCountry: "France",
			AccessRoute: exam.RouteProContract, TrainingCentre: f.hyperlink},
		{Number: f.numberZero, BirthName: "Éloi", FirstNames: "Jean-Noël", Sex: exam.Male, BirthDate: exam.NewDate(1900, 1, 1),
			BirthCity: "Lyon", BirthCountry: "France", AccessRoute: exam.RouteVAE},
		{Number: "@SUM(A1)", BirthName: "O'Neill", FirstNames: "Siobhán", Sex: exam.Female, BirthDate: exam.NewDate(1985, 12, 31),
			BirthCity: "Cork", BirthCountry: "Irlande", AccessRoute: exam.RouteApprenticeship, TrainingCentre: "-Nord Formation",
			Acquired: []exam.AcquiredBlock{{BlockCode: "CCP1", Date: exam.NewDate(2024, 6, 1), SessionRef: "+ancienne"}}},
		{BirthName: "Ben Saïd", FirstNames: "Yacine", Sex: exam.Male, BirthDate: exam.NewDate(2000, 7, 14),
			BirthCity: "Tunis", BirthCountry: "Tunisie", AccessRoute: exam.RouteFree},
	}
	if err := cands.ImportCandidates(f.ctx, expAdmin, cs); err != nil {
		t.Fatal(err)
	}
	s := &exam.Session{Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: "-Nord",
		StartDate: exam.NewDate(2026, 2, 2), EndDate: exam.NewDate(2026, 2, 3), Place: `+33 Lyon; salle "B"`,
		TrainingCentre: "@home", DayStart: exam.NewTimeOfDay(8, 30),
		Jury: []exam.Member{
			{Name: "Anne-Sophie L'Hôte", Organisation: f.ddeOrg, Habilitation: "0007", Role: exam.JuryPresident, External: true},
			{Name: "Marc Ñúñez", Organisation: "Mairie de Lyon", Habilitation: "+HAB-12", Role: exam.JuryMember},
		}}
	for i, c := range cs {
		sc := exam.SessionCandidate{Candidate: exam.Candidate{ID: c.ID}}
		if i == 1 {
			sc.Allowance = exam.TimeAllowance{ExtraMinutes: 20}
		}
		s.Candidates = append(s.Candidates, sc)
	}
	if err := f.sessions.CreateSession(f.ctx, expAdmin, s); err != nil {
		t.Fatal(err)
	}
	f.nord = s.ID
	if err := f.sessions.StartSession(f.ctx, expJury, s.ID, time.Date(2026, 2, 2, 8, 30, 0, 0, time.Local)); err != nil {
		t.Fatal(err)
	}
	if err := f.sessions.SetAbsent(f.ctx, expJury, s.ID, cs[3].ID, true); err != nil {
		t.Fatal(err)
	}
	s, err = f.sessions.Session(f.ctx, expAdmin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	fail := map[int64]map[string]int{cs[0].ID: {"CCP3": 11}, cs[2].ID: {"CCP2": 7, "CCP3": 12}}
	for _, sc := range s.Candidates[:3] {
		for _, code := range sc.Blocks {
			b := ref.Block(code)
			for _, m := range s.Jury {
				g := exam.NewGrid(sc.Candidate.ID, m.ID, b)
				for i := range g.Assessments {
					g.Assessments[i].Verdict = exam.Satisfied
					if g.Assessments[i].Competence == fail[sc.Candidate.ID][b.Short] {
						g.Assessments[i].Verdict, g.Assessments[i].Observation = exam.NotSatisfied, "=non démontrée"
					}
				}
				if b.Short == "CCP2" && m.Role == exam.JuryMember {
					g.Assessments[0].Verdict = exam.NotEvaluated
				}
				if err := f.evals.SaveGrid(f.ctx, expJury, s.ID, &g); err != nil {
					t.Fatal(err)
				}
			}
			d := exam.BlockDecision{CandidateID: sc.Candidate.ID, Block: code, Outcome: exam.OutcomeAcquired}
			if fail[sc.Candidate.ID][b.Short] != 0 {
				d.Outcome, d.Reason = exam.OutcomeNotAcquired, "-compétence non démontrée"
			}
			if err := f.evals.Decide(f.ctx, expJury, s.ID, &d); err != nil {
				t.Fatal(err)
			}
		}
		r := exam.CandidateResult{SessionID: s.ID, CandidateID: sc.Candidate.ID}
		if err := f.delib.ConfirmResult(f.ctx, expJury, &r); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range s.Jury {
		if err := f.delib.SetMemberSecret(f.ctx, expJury, s.ID, m.ID, fmt.Sprintf("98%02d", i)); err != nil {
			t.Fatal(err)
		}
		if err := f.delib.Sign(f.ctx, expJury, s.ID, m.ID, fmt.Sprintf("98%02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// Values the services refuse or trim, written by another program.
	conn, err := sql.Open("sqlite3", "file:"+filepath.ToSlash(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec("UPDATE candidates SET birth_city = ?, birth_country = ?, usage_name = ? WHERE number = ?",
		f.tabCity, f.crCountry, f.markup, f.numberZero); err != nil {
		t.Fatal(err)
	}
	return f
}

// expCell is what a cell of the export must hold: a text, a date or a
// number.
type expCell struct {
	text string
	date exam.Date
	num  int
	kind byte // 's' text, 'd' date, 'n' number, 0 empty
}

func txt(s string) expCell {
	if s == "" {
		return expCell{}
	}
	return expCell{text: s, kind: 's'}
}

func dt(d exam.Date) expCell {
	if d.IsZero() {
		return expCell{}
	}
	if d.Before(firstSerialDate) { // the text jj/mm/aaaa, see sheetPart.date
		return txt(d.String())
	}
	return expCell{date: d, kind: 'd'}
}

func num(n int) expCell { return expCell{num: n, kind: 'n'} }

// expected is the export of some sessions as the services show them: the
// rows of each sheet, computed from SessionService, EvaluationService and
// DeliberationService rather than from the export's own query.
type expected struct {
	results, competences, jury [][]expCell
	summary                    [][]expCell
}

func (f *expFixture) expect(t testing.TB, provisional bool, ids ...int64) *expected {
	t.Helper()
	var sessions []*exam.Session
	for _, id := range ids {
		s, err := f.sessions.Session(f.ctx, expAdmin, id)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, s)
	}
	slices.SortFunc(sessions, func(a, b *exam.Session) int {
		if c := strings.Compare(a.StartDate.ISO(), b.StartDate.ISO()); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	out := &expected{}
	type sums struct {
		n       int
		results map[string]int
		blocks  []map[string]int
	}
	newSums := func() *sums {
		s := &sums{results: map[string]int{}}
		for range f.ref.Blocks {
			s.blocks = append(s.blocks, map[string]int{})
		}
		return s
	}
	total := newSums()
	for _, s := range sessions {
		name := s.Reference
		if name == "" {
			name = fmt.Sprintf("session %d", s.ID)
		}
		last := s.EndDate
		if last.IsZero() {
			last = s.StartDate
		}
		m, err := f.delib.Minutes(f.ctx, expAdmin, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var decided exam.Date
		if !m.SignedAt.IsZero() {
			decided = exam.DateOf(m.SignedAt.In(time.Local))
		}
		results, err := f.delib.Results(f.ctx, expAdmin, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		confirmed := map[int64]exam.Result{}
		for _, r := range results {
			confirmed[r.CandidateID] = r.Result
		}
		ss := newSums()
		for _, sc := range s.Candidates {
			c := sc.Candidate
			decisions, err := f.evals.Decisions(f.ctx, expAdmin, s.ID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			grids, err := f.evals.Grids(f.ctx, expAdmin, s.ID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			grids = slices.DeleteFunc(grids, func(g exam.Grid) bool { return !g.Collegial() && !s.CanGrade(g.MemberID, c.ID) })
			row := []expCell{txt(name), dt(s.StartDate), dt(last), txt(s.Place), txt(s.TrainingCentre),
				txt(c.Number), txt(c.BirthName), txt(c.UsageName), txt(c.FirstNames), txt(string(c.Sex)), dt(c.BirthDate),
				txt(c.BirthCity), txt(c.BirthCountry), txt(map[exam.AccessRoute]string{
					exam.RouteContinuing: "Formation continue", exam.RouteApprenticeship: "Apprentissage",
					exam.RouteProContract: "Contrat de professionnalisation", exam.RouteVAE: "VAE",
					exam.RouteFree: "Candidat libre"}[c.AccessRoute]), txt(c.TrainingCentre)}
			ss.n++
			for i, b := range f.ref.Blocks {
				label := "En attente"
				switch {
				case c.HasAcquired(b.Code):
					label = "Déjà acquis"
				case !sc.Sits(b.Code) || sc.Absent:
					label = "Non présenté"
				default:
					for _, d := range decisions {
						if d.Block == b.Code {
							label = map[exam.BlockOutcome]string{exam.OutcomeAcquired: "Acquis", exam.OutcomeNotAcquired: "Non acquis"}[d.Outcome]
						}
					}
				}
				row = append(row, txt(b.Code), txt(label))
				ss.blocks[i][label]++
				total.blocks[i][label]++
				if sc.Absent || label == "Déjà acquis" || label == "Non présenté" {
					continue
				}
				for _, cv := range exam.JuryView(&b, grids) {
					out.competences = append(out.competences, []expCell{txt(name), txt(c.Number), txt(c.BirthName),
						txt(c.FirstNames), txt(b.Code), num(cv.Competence),
						txt(map[exam.Verdict]string{exam.Satisfied: "Satisfaite", exam.NotSatisfied: "Non satisfaite",
							exam.NotEvaluated: "Non évaluée"}[cv.Verdict])})
				}
			}
			res, ok := confirmed[c.ID]
			label := map[exam.Result]string{exam.ResultTitle: "Titre obtenu", exam.ResultPartial: "Certification partielle",
				exam.ResultNotObtained: "Non obtenu", exam.ResultAbsent: "Absent"}[res]
			date := dt(decided)
			switch {
			case !ok && sc.Absent:
				label = "Absent"
			case !ok:
				label, date = "En attente", expCell{}
			}
			ss.results[label]++
			total.results[label]++
			accomm := "Non"
			if sc.AccommodationsGranted() {
				accomm = "Oui"
			}
			out.results = append(out.results, append(row, txt(label), date, txt(accomm), txt(sc.AccommodationList())))
		}
		total.n += ss.n
		for _, mb := range s.Jury {
			var signed exam.Date
			for _, sg := range m.Signatures {
				if sg.MemberID == mb.ID {
					signed = exam.DateOf(sg.SignedAt.In(time.Local))
				}
			}
			role, ext := "Membre", "Non"
			if mb.Role == exam.JuryPresident {
				role = "Président(e)"
			}
			if mb.External {
				ext = "Oui"
			}
			out.jury = append(out.jury, []expCell{txt(name), dt(s.StartDate), txt(mb.Name), txt(role), txt(mb.Organisation),
				txt(mb.Habilitation), txt(ext), dt(signed)})
		}
		scope := "Titre complet"
		if s.Scope == exam.ScopeCCP {
			scope = "CCP"
		}
		row := []expCell{txt(name), txt("Certification"), txt(scope), dt(s.StartDate), dt(last), txt(s.Place),
			txt(s.TrainingCentre), txt(s.Referentiel), txt(s.ReferentielVersion)}
		row = append(row, expCounts(ss.n, ss.results, ss.blocks, provisional)...)
		signed := txt("Non signé")
		if !decided.IsZero() {
			signed = dt(decided)
		}
		amended := "Aucune"
		if len(m.Amendments) > 0 {
			amended = strconv.Itoa(len(m.Amendments))
		}
		out.summary = append(out.summary, append(row, signed, txt(amended)))
	}
	if len(sessions) > 1 {
		row := make([]expCell, 9)
		row[0] = txt("Total")
		out.summary = append(out.summary, append(row, expCounts(total.n, total.results, total.blocks, provisional)...))
	}
	return out
}

func expCounts(n int, results map[string]int, blocks []map[string]int, provisional bool) []expCell {
	out := []expCell{num(n), num(results["Titre obtenu"]), num(results["Certification partielle"]),
		num(results["Non obtenu"]), num(results["Absent"])}
	if provisional {
		out = append(out, num(results["En attente"]))
	}
	for _, b := range blocks {
		out = append(out, num(b["Acquis"]), num(b["Non acquis"]), num(b["Déjà acquis"]), num(b["Non présenté"]))
		if provisional {
			out = append(out, num(b["En attente"]))
		}
	}
	return out
}

// export writes the workbook of sel and opens it.
func (f *expFixture) export(t testing.TB, sel storage.ExportSelection) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	var calls, last, total int
	progress := func(done, n int) { calls, last, total = calls+1, done, n }
	if err := WriteExport(f.ctx, &buf, f.svc, expAdmin, sel, progress); err != nil {
		t.Fatal(err)
	}
	if calls < 2 || last != total || total == 0 {
		t.Errorf("progress: %d calls, last %d of %d", calls, last, total)
	}
	if dir := os.Getenv("AMIS_TEST_OUT"); dir != "" { // to look at it
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("export-%d.xlsx", time.Now().UnixNano())), buf.Bytes(), 0o600)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x, buf.Bytes()
}

// checkSheet compares a sheet cell by cell with want, from the header's
// row down, and checks its layout: bold header, frozen panes, autofilter
// over the rows, column widths, the banner of a draft.
func checkSheet(t *testing.T, x *excelize.File, sheet string, headers []string, want [][]expCell, provisional bool) {
	t.Helper()
	top := 1
	if provisional {
		top = 2
		if v, _ := x.GetCellValue(sheet, "A1"); v != ProvisionalBanner {
			t.Errorf("%s!A1 = %q, want the banner", sheet, v)
		}
	}
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != top+len(want) {
		t.Fatalf("%s: %d rows, want %d", sheet, len(rows), top+len(want))
	}
	if !slices.Equal(rows[top-1], headers) {
		t.Errorf("%s header = %q\nwant %q", sheet, rows[top-1], headers)
	}
	st, _ := x.GetCellStyle(sheet, fmt.Sprintf("A%d", top))
	if style, err := x.GetStyle(st); err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("%s: header not bold", sheet)
	}
	panes, err := x.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != top {
		t.Errorf("%s panes = %+v, %v", sheet, panes, err)
	}
	lastCol, _ := excelize.ColumnNumberToName(len(headers))
	wantFilter := fmt.Sprintf("'%s'!$A$%d:$%s$%d", sheet, top, lastCol, max(top+len(want), top+1))
	found := false
	for _, dn := range x.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet {
			found = dn.RefersTo == wantFilter
			if !found {
				t.Errorf("%s autofilter %s, want %s", sheet, dn.RefersTo, wantFilter)
			}
		}
	}
	if !found {
		t.Errorf("%s: no autofilter", sheet)
	}
	if w, _ := x.GetColWidth(sheet, "A"); w < 10 {
		t.Errorf("%s: column A width %v", sheet, w)
	}
	for i, wr := range want {
		r := top + 1 + i
		got := rows[r-1]
		for j, wc := range wr {
			cell, _ := excelize.CoordinatesToCellName(j+1, r)
			v := ""
			if j < len(got) {
				v = got[j]
			}
			if formula, _ := x.GetCellFormula(sheet, cell); formula != "" {
				t.Errorf("%s!%s is a formula: %q", sheet, cell, formula)
			}
			typ, _ := x.GetCellType(sheet, cell)
			switch wc.kind {
			case 0:
				if v != "" {
					t.Errorf("%s!%s = %q, want empty", sheet, cell, v)
				}
			case 's': // a string, inline or shared: never a formula, a number or a date
				if v != wc.text || typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s!%s = %q (type %v), want text %q", sheet, cell, v, typ, wc.text)
				}
			case 'n':
				if v != strconv.Itoa(wc.num) || typ != excelize.CellTypeUnset {
					t.Errorf("%s!%s = %q (type %v), want number %d", sheet, cell, v, typ, wc.num)
				}
			case 'd':
				serial, err := strconv.ParseFloat(v, 64)
				var d exam.Date
				if err == nil {
					tm, _ := excelize.ExcelDateToTime(serial, false)
					d = exam.DateOf(tm)
				}
				st, _ := x.GetCellStyle(sheet, cell)
				style, _ := x.GetStyle(st)
				format := ""
				if style != nil && style.CustomNumFmt != nil {
					format = *style.CustomNumFmt
				}
				if d != wc.date || typ != excelize.CellTypeUnset || format != "dd/mm/yyyy" {
					t.Errorf("%s!%s = %q (%v, type %v, format %q), want the date %v", sheet, cell, v, d, typ, format, wc.date)
				}
				if shown, _ := x.GetCellValue(sheet, cell); shown != wc.date.String() {
					t.Errorf("%s!%s shows %q, want %s", sheet, cell, shown, wc.date)
				}
			}
		}
		for j := len(wr); j < len(got); j++ {
			if got[j] != "" {
				t.Errorf("%s row %d: extra cell %d = %q", sheet, r, j+1, got[j])
			}
		}
	}
}

func TestWriteExport(t *testing.T) {
	f := newExpFixture(t)
	x, _ := f.export(t, storage.ExportSelection{SessionIDs: []int64{f.nord, f.signed}})
	want := f.expect(t, false, f.nord, f.signed)
	if got := x.GetSheetList(); !slices.Equal(got, []string{ResultsSheet, CompetencesSheet, JurySheet, SummarySheet}) {
		t.Fatalf("sheets = %q", got)
	}
	checkSheet(t, x, ResultsSheet, resultHeaders(f.ref), want.results, false)
	checkSheet(t, x, CompetencesSheet, competenceHeaders, want.competences, false)
	checkSheet(t, x, JurySheet, juryHeaders, want.jury, false)
	checkSheet(t, x, SummarySheet, summaryHeaders(f.ref, false), want.summary, false)
	if x.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d", x.GetActiveSheetIndex())
	}
	props, err := x.GetDocProps()
	if err != nil || strings.Contains(props.Title, Provisional) || props.Creator != "AMIS Jury" {
		t.Errorf("doc props = %+v, %v", props, err)
	}

	// The values that look like formulas are there, exactly, as text.
	for cell, v := range map[string]string{"A2": "-Nord", "D2": `+33 Lyon; salle "B"`, "E2": "@home", "F2": f.numberEq,
		"O2": f.hyperlink, "F3": f.numberZero, "L3": f.tabCity, "M3": f.crCountry, "H3": f.markup, "F4": "@SUM(A1)", "O4": "-Nord Formation",
		"G2": "D'ALMEIDA-LEFÈVRE", "H2": "N'DIAYE", "I2": "Zoë Ève-Marie", "K3": "01/01/1900"} {
		if got, _ := x.GetCellValue(ResultsSheet, cell); got != v {
			t.Errorf("Résultats!%s = %q, want %q", cell, got, v)
		}
	}
	if got, _ := x.GetCellValue(JurySheet, "E2"); got != f.ddeOrg {
		t.Errorf("Jury!E2 = %q", got)
	}
}

func TestWriteExport_Provisional(t *testing.T) {
	f := newExpFixture(t)
	sel := storage.ExportSelection{SessionIDs: []int64{f.ready, f.nord}}
	var buf bytes.Buffer
	err := WriteExport(f.ctx, &buf, f.svc, expAdmin, sel, nil)
	if e := (*exam.Error)(nil); !errors.As(err, &e) || e.Key != "err.export.unsigned" || buf.Len() != 0 {
		t.Fatalf("without Draft: %v, %d bytes written", err, buf.Len())
	}
	sel.Draft = true
	x, _ := f.export(t, sel)
	want := f.expect(t, true, f.ready, f.nord)
	names := []string{ResultsSheet + " PROVISOIRE", CompetencesSheet + " PROVISOIRE", JurySheet + " PROVISOIRE", SummarySheet + " PROVISOIRE"}
	if got := x.GetSheetList(); !slices.Equal(got, names) {
		t.Fatalf("sheets = %q", got)
	}
	checkSheet(t, x, names[0], resultHeaders(f.ref), want.results, true)
	checkSheet(t, x, names[1], competenceHeaders, want.competences, true)
	checkSheet(t, x, names[2], juryHeaders, want.jury, true)
	checkSheet(t, x, names[3], summaryHeaders(f.ref, true), want.summary, true)
	pending := 0
	for _, r := range want.results {
		if r[len(r)-4].text == "En attente" {
			pending++
		}
	}
	if pending == 0 {
		t.Error("the ready session has no pending result")
	}
	props, _ := x.GetDocProps()
	if !strings.HasPrefix(props.Title, Provisional) {
		t.Errorf("title %q", props.Title)
	}
}

func TestWriteExport_Refused(t *testing.T) {
	f := newExpFixture(t)
	for _, tc := range []struct {
		sel storage.ExportSelection
		key string
	}{
		{storage.ExportSelection{SessionIDs: []int64{f.mock}, Draft: true}, "err.export.mock"},
		{storage.ExportSelection{SessionIDs: []int64{f.signed, f.mock}}, "err.export.mock"},
		{storage.ExportSelection{SessionIDs: []int64{f.ready}}, "err.export.unsigned"},
		{storage.ExportSelection{}, "err.export.none"},
	} {
		var buf bytes.Buffer
		err := WriteExport(f.ctx, &buf, f.svc, expAdmin, tc.sel, nil)
		var e *exam.Error
		if !errors.As(err, &e) || e.Code != exam.EINVALID || e.Key != tc.key || buf.Len() != 0 {
			t.Errorf("%+v: %v (%d bytes written), want %s", tc.sel, err, buf.Len(), tc.key)
		}
		buf.Reset()
		err = WriteExportCSV(f.ctx, &buf, f.svc, expAdmin, tc.sel, nil)
		if !errors.As(err, &e) || e.Key != tc.key || buf.Len() != 0 {
			t.Errorf("CSV %+v: %v (%d bytes written)", tc.sel, err, buf.Len())
		}
	}
	// A write error comes back.
	err := WriteExport(f.ctx, failingWriter{}, f.svc, expAdmin, storage.ExportSelection{SessionIDs: []int64{f.signed}}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("writing to a failing writer: %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriteExport_Continued fills sheets past their last row: the rows go
// on in "Résultats (2)"… placed after the sheet they continue.
func TestWriteExport_Continued(t *testing.T) {
	f := newExpFixture(t)
	old := maxSheetRows
	maxSheetRows = 6
	defer func() { maxSheetRows = old }()
	x, _ := f.export(t, storage.ExportSelection{SessionIDs: []int64{f.signed, f.nord}})
	want := f.expect(t, false, f.signed, f.nord)
	sheets := x.GetSheetList()
	var gotResults, gotComps [][]string
	var resParts, compParts int
	for _, sh := range sheets {
		rows, err := x.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) > maxSheetRows {
			t.Errorf("%s: %d rows", sh, len(rows))
		}
		switch {
		case strings.HasPrefix(sh, ResultsSheet):
			resParts++
			gotResults = append(gotResults, rows[1:]...)
		case strings.HasPrefix(sh, CompetencesSheet):
			compParts++
			gotComps = append(gotComps, rows[1:]...)
		}
	}
	if resParts != (len(want.results)+4)/5 || compParts != (len(want.competences)+4)/5 {
		t.Errorf("sheets %q for %d results and %d competences", sheets, len(want.results), len(want.competences))
	}
	var order []string
	for _, m := range []struct {
		base  string
		parts int
	}{{ResultsSheet, resParts}, {CompetencesSheet, compParts}} {
		order = append(order, m.base)
		for i := 2; i <= m.parts; i++ {
			order = append(order, fmt.Sprintf("%s (%d)", m.base, i))
		}
	}
	if order = append(order, JurySheet, SummarySheet); !slices.Equal(sheets, order) {
		t.Errorf("sheet order %q\nwant %q", sheets, order)
	}
	if x.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d", x.GetActiveSheetIndex())
	}
	if len(gotResults) != len(want.results) || len(gotComps) != len(want.competences) {
		t.Fatalf("%d result rows, %d competence rows", len(gotResults), len(gotComps))
	}
	for i, r := range gotComps {
		if r[1] != want.competences[i][1].text || r[5] != strconv.Itoa(want.competences[i][5].num) || r[6] != want.competences[i][6].text {
			t.Errorf("competence row %d = %q", i, r)
		}
	}
}

// TestWriteExport_TemporaryFiles writes every sheet through a temporary
// file, which the export removes, whether it succeeds or fails; without a
// temporary folder the export fails and writes nothing.
func TestWriteExport_TemporaryFiles(t *testing.T) {
	f := newExpFixture(t)
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	old := spoolMemory
	spoolMemory = 64
	defer func() { spoolMemory = old }()
	x, _ := f.export(t, storage.ExportSelection{SessionIDs: []int64{f.nord, f.signed}})
	want := f.expect(t, false, f.nord, f.signed)
	checkSheet(t, x, ResultsSheet, resultHeaders(f.ref), want.results, false)
	checkSheet(t, x, CompetencesSheet, competenceHeaders, want.competences, false)
	checkSheet(t, x, JurySheet, juryHeaders, want.jury, false)
	checkSheet(t, x, SummarySheet, summaryHeaders(f.ref, false), want.summary, false)
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("left behind: %q", left)
	}
	// A write error to the destination: the temporary files go too.
	err := WriteExport(f.ctx, failingWriter{}, f.svc, expAdmin, storage.ExportSelection{SessionIDs: []int64{f.signed}}, nil)
	if err == nil {
		t.Error("no error writing to a failing writer")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("left behind after a failure: %q", left)
	}
	t.Setenv("TMPDIR", filepath.Join(dir, "missing"))
	var buf bytes.Buffer
	err = WriteExport(f.ctx, &buf, f.svc, expAdmin, storage.ExportSelection{SessionIDs: []int64{f.nord, f.signed}}, nil)
	if err == nil || !errors.Is(err, os.ErrNotExist) || buf.Len() != 0 {
		t.Errorf("without a temporary folder: %v, %d bytes written", err, buf.Len())
	}
}

// TestWriteExport_FailsEarly makes the sheet writers fail (no temporary
// folder) on a session of 1,500 candidates: the export stops with the
// error, writes nothing and leaves nothing behind.
func TestWriteExport_FailsEarly(t *testing.T) {
	storage.FastSecrets(t)
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	ctx := context.Background()
	s, err := demo.FillBulkSession(ctx, expAdmin, storage.NewCandidateService(db, ref), db, ref, demo.BulkOptions{Candidates: 1500})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("TMPDIR", filepath.Join(dir, "missing"))
	old := spoolMemory
	spoolMemory = 64
	defer func() { spoolMemory = old }()
	var buf bytes.Buffer
	var last int
	err = WriteExport(ctx, &buf, storage.NewExportService(db, ref), expAdmin, storage.ExportSelection{SessionIDs: []int64{s.ID}},
		func(done, _ int) { last = done })
	if err == nil || !errors.Is(err, os.ErrNotExist) || buf.Len() != 0 {
		t.Errorf("export: %v, %d bytes written", err, buf.Len())
	}
	t.Logf("stopped after %d candidates: %v", last, err)
}

// TestExportEncoder_MissingNumber writes the Compétences rows of a
// candidate without a number (the rows of the others encode the candidate's
// cells once, this one cannot) from rows made in memory.
func TestExportEncoder_MissingNumber(t *testing.T) {
	head, rows := syntheticExport(storage.MustReferentiel(t), 3)
	rows[1].Candidate.Number = ""
	var buf bytes.Buffer
	enc := NewExportEncoder(&buf)
	if err := enc.Begin(head); err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := enc.Row(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	got, err := x.GetRows(CompetencesSheet)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	for _, r := range rows {
		for _, cv := range r.Competences {
			want = append(want, []string{r.Session.Name(), r.Candidate.Number, r.Candidate.BirthName, r.Candidate.FirstNames,
				cv.Block.Code, strconv.Itoa(cv.Competence), verdictLabel(cv.Verdict)})
		}
	}
	if len(got) != len(want)+1 || len(rows[1].Competences) == 0 {
		t.Fatalf("%d rows, want %d", len(got), len(want)+1)
	}
	for i, w := range want {
		if !slices.Equal(got[i+1], w) {
			t.Errorf("row %d = %q, want %q", i+2, got[i+1], w)
		}
	}
}

func TestExcelSerial(t *testing.T) {
	for _, d := range []exam.Date{exam.NewDate(1900, 1, 1), exam.NewDate(1900, 2, 28), exam.NewDate(1900, 3, 1),
		exam.NewDate(1970, 1, 1), exam.NewDate(2026, 6, 15), exam.NewDate(9999, 12, 31)} {
		tm, err := excelize.ExcelDateToTime(excelSerial(d), false)
		if err != nil || exam.DateOf(tm) != d {
			t.Errorf("%v: serial %v reads back as %v (%v)", d, excelSerial(d), tm, err)
		}
	}
	if excelSerial(exam.NewDate(1900, 1, 1)) != 1 || excelSerial(exam.NewDate(1900, 3, 1)) != 61 {
		t.Error("serials of 1900")
	}
}
