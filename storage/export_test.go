package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
)

// exportRecorder is an ExportSink keeping copies of what it receives.
type exportRecorder struct {
	head  *ExportHead
	rows  []ExportRow
	err   error // returned by Row once rows has this many entries
	after int
}

func (r *exportRecorder) Begin(h *ExportHead) error {
	if r.head != nil {
		return errors.New("Begin twice")
	}
	r.head = h
	return nil
}

func (r *exportRecorder) Row(row *ExportRow) error {
	if r.head == nil {
		return errors.New("Row before Begin")
	}
	if r.err != nil && len(r.rows) == r.after {
		return r.err
	}
	c := *row
	c.Blocks = slices.Clone(row.Blocks)
	c.Competences = slices.Clone(row.Competences)
	c.Candidate.Acquired = slices.Clone(row.Candidate.Acquired)
	r.rows = append(r.rows, c)
	return nil
}

func (f *sessionFixture) export(t testing.TB, a exam.Actor, sel ExportSelection) (*exportRecorder, error) {
	t.Helper()
	rec := &exportRecorder{}
	err := NewExportService(f.db, f.ref).Export(f.ctx, a, sel, rec)
	if err != nil && rec.head != nil {
		t.Errorf("the sink saw the head of a refused export: %v", err)
	}
	return rec, err
}

// outcomes is a row's block outcomes as "CCP1=acquired …".
func outcomes(r *ExportRow) string {
	var out []string
	for _, b := range r.Blocks {
		o := string(b.Outcome)
		if b.Outcome == exam.OutcomePending {
			o = "pending"
		}
		out = append(out, b.Short+"="+o)
	}
	return strings.Join(out, " ")
}

// verdicts is a row's competences as "1s 2s … 11n" (s satisfied, n not
// satisfied, - not evaluated).
func verdicts(r *ExportRow) string {
	var out []string
	for _, c := range r.Competences {
		v := "-"
		switch c.Verdict {
		case exam.Satisfied:
			v = "s"
		case exam.NotSatisfied:
			v = "n"
		}
		out = append(out, fmt.Sprintf("%d%s", c.Competence, v))
	}
	return strings.Join(out, " ")
}

func TestExportService_Export_Signed(t *testing.T) {
	f := newSessionFixture(t)
	s := f.signed(t, exam.KindCertification)
	rec, err := f.export(t, admin, ExportSelection{SessionIDs: []int64{s.ID}})
	if err != nil {
		t.Fatal(err)
	}
	h := rec.head
	if h.Provisional || h.Candidates != 3 || len(h.Sessions) != 1 || h.Referentiel != f.ref {
		t.Fatalf("head = %+v", h)
	}
	hs := h.Sessions[0]
	if hs.ID != s.ID || hs.Reference != "2026-LYON-07" || hs.Candidates != 3 || len(hs.Jury) != 3 ||
		len(hs.Minutes.Signatures) != 3 || hs.Minutes.Amended() || !hs.Locked() || len(hs.Session.Candidates) != 0 {
		t.Fatalf("session = %+v", hs)
	}
	if hs.Name() != "2026-LYON-07" || hs.DecisionDate() != exam.DateOf(s.SignedAt.In(time.Local)) || hs.LastDay() != s.StartDate {
		t.Errorf("name %q, decision date %v, last day %v", hs.Name(), hs.DecisionDate(), hs.LastDay())
	}
	if len(rec.rows) != 3 {
		t.Fatalf("%d rows", len(rec.rows))
	}
	want := []struct {
		id             int64
		result         exam.Result
		absent, accomm bool
		outcomes       string
		verdicts       string
	}{
		{f.a.ID, exam.ResultTitle, false, true, "CCP1=acquired CCP2=acquired CCP3=acquired",
			"1s 2s 3s 4s 5s 6s 7s 8s 9s 10s 11s 12s"},
		{f.b.ID, exam.ResultPartial, false, false, "CCP1=acquired CCP2=acquired CCP3=not_acquired",
			"1s 2s 3s 4s 5s 6s 7s 8s 9s 10s 11n 12n"},
		{f.c.ID, exam.ResultAbsent, true, false, "CCP1=not_sat CCP2=already_acquired CCP3=not_sat", ""},
	}
	for i, w := range want {
		r := &rec.rows[i]
		if r.Session != hs || r.Candidate.ID != w.id || r.Result != w.result || r.Absent != w.absent || r.Accommodations != w.accomm {
			t.Errorf("row %d = id %d, result %q, absent %v, accommodations %v", i, r.Candidate.ID, r.Result, r.Absent, r.Accommodations)
		}
		if got := outcomes(r); got != w.outcomes {
			t.Errorf("row %d outcomes = %s, want %s", i, got, w.outcomes)
		}
		if got := verdicts(r); got != w.verdicts {
			t.Errorf("row %d verdicts = %s, want %s", i, got, w.verdicts)
		}
	}
	// Identity as stored; the block acquired in 2024 as of the session; the
	// blocks acquired in this session are not "déjà acquis" here.
	c := rec.rows[2].Candidate
	if c.Number != f.c.Number || c.BirthName != f.c.BirthName || c.FirstNames != f.c.FirstNames || c.Sex != f.c.Sex ||
		c.BirthDate != f.c.BirthDate || c.BirthCity != f.c.BirthCity || c.BirthCountry != f.c.BirthCountry ||
		c.AccessRoute != f.c.AccessRoute || c.TrainingCentre != f.c.TrainingCentre || c.Email != "" {
		t.Errorf("candidate = %+v\nwant %+v", c, f.c)
	}
	if len(c.Acquired) != 1 || c.Acquired[0].BlockCode != "RNCP37722BC02" || c.Acquired[0].Date != exam.NewDate(2024, 6, 1) {
		t.Errorf("acquired = %+v", c.Acquired)
	}
	if got := rec.rows[0].Candidate.Acquired; len(got) != 0 {
		t.Errorf("a acquired before the session: %+v", got)
	}
}

func TestExportService_Export_Refusals(t *testing.T) {
	f := newSessionFixture(t)
	signed := f.signed(t, exam.KindCertification)
	mock := f.created(t, exam.KindMock)
	draft := f.created(t, exam.KindCertification)
	for _, tc := range []struct {
		name      string
		a         exam.Actor
		sel       ExportSelection
		code, key string
	}{
		{"jury", jury, ExportSelection{SessionIDs: []int64{signed.ID}}, exam.EFORBIDDEN, ""},
		{"referent", referent, ExportSelection{SessionIDs: []int64{signed.ID}}, exam.EFORBIDDEN, ""},
		{"nothing", admin, ExportSelection{}, exam.EINVALID, "err.export.none"},
		{"unknown", admin, ExportSelection{SessionIDs: []int64{signed.ID, 999}}, exam.ENOTFOUND, "err.session.not_found"},
		{"mock", admin, ExportSelection{SessionIDs: []int64{mock.ID}}, exam.EINVALID, "err.export.mock"},
		{"mock draft", admin, ExportSelection{SessionIDs: []int64{signed.ID, mock.ID}, Draft: true}, exam.EINVALID, "err.export.mock"},
		{"unsigned", admin, ExportSelection{SessionIDs: []int64{signed.ID, draft.ID}}, exam.EINVALID, "err.export.unsigned"},
		{"unsigned in range", admin, ExportSelection{From: exam.NewDate(2026, 1, 1)}, exam.EINVALID, "err.export.unsigned"},
		{"empty range", admin, ExportSelection{From: exam.NewDate(2027, 1, 1), To: exam.NewDate(2027, 12, 31)}, exam.EINVALID, "err.export.none_in_range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.export(t, tc.a, tc.sel)
			e := wantCode(t, err, tc.code, tc.key)
			if tc.key == "err.export.mock" && e.Data["Sessions"] != mock.Reference {
				t.Errorf("data = %v", e.Data)
			}
		})
	}
}

func TestExportService_Export_Draft(t *testing.T) {
	f := newSessionFixture(t)
	s := f.deliberated(t, exam.KindCertification) // results confirmed, not signed
	rec, err := f.export(t, admin, ExportSelection{SessionIDs: []int64{s.ID}, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.head.Provisional || rec.head.Sessions[0].Locked() || !rec.head.Sessions[0].DecisionDate().IsZero() {
		t.Fatalf("head = %+v", rec.head)
	}
	if got := []exam.Result{rec.rows[0].Result, rec.rows[1].Result, rec.rows[2].Result}; !slices.Equal(got,
		[]exam.Result{exam.ResultTitle, exam.ResultPartial, exam.ResultAbsent}) {
		t.Errorf("results = %v", got)
	}

	// A session just started: nothing decided yet.
	started := f.started(t, exam.KindCertification)
	f.grade(t, started, f.a.ID, "CCP1", "sn-ss")
	rec, err = f.export(t, admin, ExportSelection{SessionIDs: []int64{started.ID}, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	a := &rec.rows[0]
	if a.Result != exam.ResultPending || outcomes(a) != "CCP1=pending CCP2=pending CCP3=pending" {
		t.Errorf("row a = %q, %s", a.Result, outcomes(a))
	}
	if got := verdicts(a); got != "1s 2n 3- 4s 5s 6- 7- 8- 9- 10- 11- 12-" {
		t.Errorf("verdicts = %s", got)
	}

	// Draft lets an unsigned session in; a signed one stays final.
	signed := f.signed(t, exam.KindCertification)
	rec, err = f.export(t, admin, ExportSelection{SessionIDs: []int64{signed.ID}, Draft: true})
	if err != nil || rec.head.Provisional {
		t.Errorf("signed with Draft: provisional %v, %v", rec.head != nil && rec.head.Provisional, err)
	}
}

func TestExportService_Export_Range(t *testing.T) {
	f := newSessionFixture(t)
	first := f.signed(t, exam.KindCertification) // 15/06/2026
	mock := f.draft(exam.KindMock)
	mock.StartDate, mock.Reference = exam.NewDate(2026, 6, 20), "EB-1"
	if err := f.sessions.CreateSession(f.ctx, admin, mock); err != nil {
		t.Fatal(err)
	}
	later := f.draft(exam.KindCertification)
	later.StartDate, later.EndDate, later.Reference = exam.NewDate(2026, 6, 29), exam.NewDate(2026, 7, 1), "S-2"
	if err := f.sessions.CreateSession(f.ctx, admin, later); err != nil {
		t.Fatal(err)
	}
	names := func(rec *exportRecorder) string {
		var out []string
		for _, s := range rec.head.Sessions {
			out = append(out, s.Name())
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		sel  ExportSelection
		want string
	}{
		{ExportSelection{From: exam.NewDate(2026, 6, 1), To: exam.NewDate(2026, 6, 30), Draft: true}, "2026-LYON-07,S-2"},
		{ExportSelection{From: exam.NewDate(2026, 7, 1), Draft: true}, "S-2"},
		{ExportSelection{To: exam.NewDate(2026, 6, 15)}, "2026-LYON-07"},
		{ExportSelection{SessionIDs: []int64{later.ID, first.ID, later.ID}, Draft: true}, "2026-LYON-07,S-2"},
		{ExportSelection{SessionIDs: []int64{later.ID}, To: exam.NewDate(2026, 6, 15), Draft: true}, "2026-LYON-07,S-2"},
	} {
		rec, err := f.export(t, admin, tc.sel)
		if err != nil {
			t.Errorf("%+v: %v", tc.sel, err)
			continue
		}
		if got := names(rec); got != tc.want {
			t.Errorf("%+v: sessions %s, want %s", tc.sel, got, tc.want)
		}
		if len(rec.rows) != rec.head.Candidates {
			t.Errorf("%d rows, head says %d", len(rec.rows), rec.head.Candidates)
		}
	}
	head, err := NewExportService(f.db, f.ref).ExportHead(f.ctx, admin, ExportSelection{SessionIDs: []int64{later.ID}, Draft: true})
	if err != nil || !head.Provisional || head.Candidates != 3 {
		t.Errorf("ExportHead = %+v, %v", head, err)
	}
}

func TestExportService_Export_Amended(t *testing.T) {
	f := newSessionFixture(t)
	s := f.signed(t, exam.KindCertification)
	ccp3 := exam.BlockDecision{CandidateID: f.b.ID, Block: "CCP3", Outcome: exam.OutcomeAcquired, Reason: "Dossier professionnel probant."}
	if err := f.delib.AmendDecision(f.ctx, jury, s.ID, &ccp3, "Erreur de report."); err != nil {
		t.Fatal(err)
	}
	rec, err := f.export(t, admin, ExportSelection{SessionIDs: []int64{s.ID}})
	if err != nil {
		t.Fatal(err)
	}
	b := &rec.rows[1]
	if b.Result != exam.ResultTitle || outcomes(b) != "CCP1=acquired CCP2=acquired CCP3=acquired" || !rec.head.Sessions[0].Minutes.Amended() {
		t.Errorf("amended row = %q %s", b.Result, outcomes(b))
	}
}

func TestExportService_Export_SinkError(t *testing.T) {
	f := newSessionFixture(t)
	s := f.signed(t, exam.KindCertification)
	stop := errors.New("disk full")
	rec := &exportRecorder{err: stop, after: 1}
	err := NewExportService(f.db, f.ref).Export(f.ctx, admin, ExportSelection{SessionIDs: []int64{s.ID}}, rec)
	if !errors.Is(err, stop) || len(rec.rows) != 1 {
		t.Errorf("err = %v after %d rows", err, len(rec.rows))
	}
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	if err := NewExportService(f.db, f.ref).Export(ctx, admin, ExportSelection{SessionIDs: []int64{s.ID}}, &exportRecorder{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

// TestConflictCache checks the export's grading rule against
// exam.Session.CanGrade on every member and candidate of the fixture, with
// employers and centres that match organisations.
func TestConflictCache(t *testing.T) {
	f := newSessionFixture(t)
	s := f.draft(exam.KindCertification)
	for i := range s.Candidates {
		s.Candidates[i].Candidate = *[]*exam.Candidate{f.a, f.b, f.c}[i]
	}
	s.Candidates[2].Candidate.TrainingCentre = "mairie de LYON"
	s.Jury[0].ID, s.Jury[1].ID, s.Jury[2].ID = 11, 12, 13
	s.Jury[2].ConflictWith = []int64{f.c.ID}
	cc := newConflictCache(s)
	for range 2 { // the second time from the cache
		for _, sc := range s.Candidates {
			for _, m := range append(s.Jury, exam.Member{ID: 99}) {
				if got, want := cc.barred(m.ID, &sc), !s.CanGrade(m.ID, sc.Candidate.ID); got != want {
					t.Errorf("member %d, candidate %d: barred %v, want %v", m.ID, sc.Candidate.ID, got, want)
				}
			}
		}
	}
}

func TestParseVerdicts(t *testing.T) {
	for _, as := range [][]exam.Assessment{
		nil,
		{{Competence: 1, Verdict: exam.Satisfied}},
		{{Competence: 10, Verdict: exam.NotSatisfied, Observation: `Il a dit "stop", puis \ et }],{ — «é» ` + "\n\t\u2028"},
			{Competence: 11}, {Competence: 12, Verdict: exam.Satisfied, Observation: "\\"}},
	} {
		data, err := json.Marshal(recordOfAssessments(as))
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := scanVerdicts(string(data))
		if !ok {
			t.Errorf("%s: not read by the fast path", data)
		}
		got, err := parseVerdicts(string(data))
		if err != nil {
			t.Fatal(err)
		}
		want := make([]exam.Assessment, 0)
		for _, a := range as {
			want = append(want, exam.Assessment{Competence: a.Competence, Verdict: a.Verdict})
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(fast, want) {
			t.Errorf("%s:\n got %+v\nfast %+v\nwant %+v", data, got, fast, want)
		}
	}
	// Other shapes go to encoding/json.
	for in, want := range map[string]string{
		`[{"verdict":"satisfied","competence":3}]`:          "3satisfied",
		`[ {"competence": 4, "verdict": "not_satisfied"} ]`: "4not_satisfied",
		`[{"competence":5,"verdict":"satisfied","x":1}]`:    "5satisfied",
	} {
		if _, ok := scanVerdicts(in); ok {
			t.Errorf("%s: fast path", in)
		}
		got, err := parseVerdicts(in)
		if err != nil || len(got) != 1 || fmt.Sprint(got[0].Competence)+string(got[0].Verdict) != want {
			t.Errorf("%s: %+v, %v", in, got, err)
		}
	}
	if _, err := parseVerdicts(`[{"competence":"x"`); err == nil {
		t.Error("broken JSON read")
	}
}

func TestParseCodes(t *testing.T) {
	for in, want := range map[string][]string{
		"":                                  nil,
		"[]":                                nil,
		`["RNCP37722BC01"]`:                 {"RNCP37722BC01"},
		`["RNCP37722BC01","RNCP37722BC03"]`: {"RNCP37722BC01", "RNCP37722BC03"},
		`[ "A", "B" ]`:                      {"A", "B"},
		`["A\"B"]`:                          {`A"B`},
	} {
		got, err := parseCodes(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	if _, err := parseCodes(`["A",`); err == nil {
		t.Error("broken JSON read")
	}
}

// TestWriteSignedSession checks the bulk generator's session against the
// services: signed and locked, every result following from its decisions,
// and the export reading it back.
func TestWriteSignedSession(t *testing.T) {
	db := MustOpen(t)
	ref := MustReferentiel(t)
	ctx := context.Background()
	cands := NewCandidateService(db, ref)
	s, err := demo.FillBulkSession(ctx, admin, cands, db, ref, demo.BulkOptions{Candidates: 300, Seed: 11, Today: exam.NewDate(2026, 3, 16)})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Locked() || s.ID == 0 {
		t.Fatalf("session = %+v", s)
	}
	sessions, delib := NewSessionService(db, ref), NewDeliberationService(db, ref)
	stored, err := sessions.Session(ctx, admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.Locked() || len(stored.Candidates) != 300 {
		t.Fatalf("stored: locked %v, %d candidates", stored.Locked(), len(stored.Candidates))
	}
	// The PV is complete: the check Sign makes passes.
	if _, err := delib.checkResults(ctx, db.reader, stored); err != nil {
		t.Errorf("results do not follow from the decisions: %v", err)
	}
	wantCode(t, sessions.SetAbsent(ctx, jury, s.ID, stored.Candidates[0].Candidate.ID, true), exam.ELOCKED, "")
	rec := &exportRecorder{}
	if err := NewExportService(db, ref).Export(ctx, admin, ExportSelection{SessionIDs: []int64{s.ID}}, rec); err != nil {
		t.Fatal(err)
	}
	results, err := delib.Results(ctx, admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[exam.Result]int{}
	for i, r := range rec.rows {
		sc := &stored.Candidates[i]
		if r.Candidate.ID != sc.Candidate.ID || r.Result != results[i].Result || r.Absent != sc.Absent ||
			r.Accommodations != !sc.Allowance.IsZero() {
			t.Fatalf("row %d = %+v, result %+v", i, r, results[i])
		}
		counts[r.Result]++
		for _, b := range r.Blocks {
			if b.Outcome == exam.OutcomePending {
				t.Errorf("row %d: %s pending in a signed session", i, b.Short)
			}
		}
	}
	if counts[exam.ResultTitle] == 0 || counts[exam.ResultPartial] == 0 || counts[exam.ResultNotObtained]+counts[exam.ResultAbsent] == 0 {
		t.Errorf("results = %v", counts)
	}
}

// BenchmarkExportService_Export reads a signed session of
// AMIS_BENCH_CANDIDATES candidates (default 10,000), as the workbook
// export does, into a sink that keeps nothing.
func BenchmarkExportService_Export(b *testing.B) {
	n := benchCandidates(b)
	db := MustOpen(b)
	ref := MustReferentiel(b)
	ctx := context.Background()
	s, err := demo.FillBulkSession(ctx, admin, NewCandidateService(db, ref), db, ref, demo.BulkOptions{Candidates: n})
	if err != nil {
		b.Fatal(err)
	}
	svc := NewExportService(db, ref)
	b.ResetTimer()
	for b.Loop() {
		if err := svc.Export(ctx, admin, ExportSelection{SessionIDs: []int64{s.ID}}, discard{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
}

type discard struct{}

func (discard) Begin(*ExportHead) error { return nil }
func (discard) Row(*ExportRow) error    { return nil }

func benchCandidates(b *testing.B) int {
	n := 10000
	if v := strings.TrimSpace(os.Getenv("AMIS_BENCH_CANDIDATES")); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil || n < 1 {
			b.Fatalf("AMIS_BENCH_CANDIDATES=%q", v)
		}
	}
	return n
}

func TestUnpack(t *testing.T) {
	pack := func(fields ...string) string {
		var b strings.Builder
		for _, f := range fields {
			fmt.Fprintf(&b, "%d:%s", len(f), f)
		}
		return b.String()
	}
	in := []string{"", "12:34", "Lefèvre", "\x1f\x1e", "=HYPERLINK(\"http://x\")", "a:b:c"}
	got := make([]string, len(in))
	if err := unpack(pack(in...), got); err != nil || !slices.Equal(got, in) {
		t.Errorf("unpack = %q, %v", got, err)
	}
	for _, bad := range []string{pack("a"), pack("a", "b", "c"), "1:a9:b", "x:a1:b", "1:a"} {
		if err := unpack(bad, make([]string, 2)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
