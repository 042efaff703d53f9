package storage

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

func TestEvaluationService_RecordTimerEvent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "amis.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := fixtureOn(t, db, true)
	s := f.created(t, exam.KindCertification)
	zone := time.FixedZone("CEST", 2*3600)
	t0 := time.Date(2026, 6, 15, 9, 0, 0, 0, zone)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	wantCode(t, f.evals.RecordTimerEvent(f.ctx, jury, s.ID, f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: t0}),
		exam.EINVALID, "err.session.not_started")
	if err := f.sessions.StartSession(f.ctx, jury, s.ID, t0); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name  string
		cand  int64
		trial string
		e     exam.TimerEvent
		key   string // "" when accepted
	}{
		{"start", f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: at(0)}, ""},
		{"start twice", f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: at(1)}, "err.timer.started"},
		{"resume while running", f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerResume, At: at(1)}, "err.timer.not_paused"},
		{"pause", f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerPause, At: at(30)}, ""},
		{"resume", f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerResume, At: at(40)}, ""},
		{"extra time without reason", f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerExtra, At: at(41), Extra: 30 * time.Minute}, "err.timer.reason"},
		{"extra time", f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerExtra, At: at(41), Extra: 30 * time.Minute, Reason: "incident technique"}, ""},
		{"another épreuve is another clock", f.a.ID, "ET", exam.TimerEvent{Kind: exam.TimerPause, At: at(42)}, "err.timer.not_started"},
		{"no time", f.b.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart}, "err.timer.at"},
		{"unknown épreuve", f.a.ID, "XYZ", exam.TimerEvent{Kind: exam.TimerStart, At: at(0)}, "err.trial_unknown"},
		{"épreuve not sat (QP is CCP2, acquired)", f.c.ID, "QP", exam.TimerEvent{Kind: exam.TimerStart, At: at(0)}, "err.timer.trial_not_sat"},
		{"another candidate", f.b.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: at(5)}, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			err := f.evals.RecordTimerEvent(f.ctx, jury, s.ID, st.cand, st.trial, st.e)
			if st.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, exam.EINVALID, st.key)
		})
	}
	wantCode(t, f.evals.RecordTimerEvent(f.ctx, jury, s.ID, 999, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: t0}),
		exam.ENOTFOUND, "err.session.candidate_unknown")
	wantCode(t, f.evals.RecordTimerEvent(f.ctx, referent, s.ID, f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerEnd, At: t0}),
		exam.EFORBIDDEN, "")

	ref := f.ref
	tt := f.reload(t, s.ID).Candidate(f.a.ID).Allowance.Allot(*ref.Trial("MSP")) // 60 min + 33 % = 80 min
	now := at(50)
	events, err := f.evals.TimerEvents(f.ctx, jury, s.ID, f.a.ID, "MSP")
	if err != nil {
		t.Fatal(err)
	}
	timer := exam.NewTimer(tt, events)
	before := timer.Status(now)
	want := exam.TimerStatus{State: exam.TimerRunning, Base: time.Hour, Extra: 30 * time.Minute, Elapsed: 40 * time.Minute,
		Remaining: 50 * time.Minute, Paused: 10 * time.Minute, Started: at(0), Deadline: at(100)}
	if !before.Started.Equal(want.Started) || !before.Deadline.Equal(want.Deadline) {
		t.Errorf("started %v, deadline %v; want %v, %v", before.Started, before.Deadline, want.Started, want.Deadline)
	}
	before.Started, before.Deadline, want.Started, want.Deadline = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if before != want {
		t.Errorf("status = %+v\nwant     %+v", before, want)
	}
	if len(events) != 4 || events[3].Reason != "incident technique" || !events[1].At.Equal(at(30)) {
		t.Errorf("events = %+v", events)
	}

	// Close the file, open it again: the same events give the same clock.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := f.a
	f = fixtureOn(t, db, false)
	f.a = a
	again, err := f.evals.TimerEvents(f.ctx, referent, s.ID, f.a.ID, "MSP")
	if err != nil {
		t.Fatal(err)
	}
	timer = exam.NewTimer(tt, again)
	after := timer.Status(now)
	after.Started, after.Deadline = time.Time{}, time.Time{}
	if after != before {
		t.Errorf("after reopening: %+v\nbefore: %+v", after, before)
	}
	if n, err := db.VerifyAudit(f.ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}
	if _, err := f.evals.TimerEvents(f.ctx, jury, 999, 1, "MSP"); exam.ErrorCode(err) != exam.ENOTFOUND {
		t.Errorf("unknown session: %v", err)
	}
}

func TestEvaluationService_SaveGrid(t *testing.T) {
	f := newSessionFixture(t)
	s := f.created(t, exam.KindCertification)
	bernard, haddad, petit := s.Jury[0].ID, s.Jury[1].ID, s.Jury[2].ID
	g := f.grid(f.b.ID, bernard, "CCP1", "sssss")
	wantCode(t, f.evals.SaveGrid(f.ctx, jury, s.ID, &g), exam.EINVALID, "err.session.not_started")
	if err := f.sessions.StartSession(f.ctx, jury, s.ID, time.Now()); err != nil {
		t.Fatal(err)
	}

	// Two members disagree on competence 5; the collegial grid settles it.
	for _, g := range []exam.Grid{
		f.grid(f.b.ID, bernard, "CCP1", "ssss-"), // replaced below
		f.grid(f.b.ID, bernard, "CCP1", "sssss"),
		f.grid(f.b.ID, haddad, "RNCP37722BC01", "ssssn"),
		f.grid(f.b.ID, 0, "CCP1", "----s"),
		f.grid(f.b.ID, haddad, "CCP2", "ssss"),
	} {
		if err := f.evals.SaveGrid(f.ctx, jury, s.ID, &g); err != nil {
			t.Fatal(err)
		}
		if g.UpdatedAt.IsZero() || g.Block[:4] != "RNCP" {
			t.Errorf("grid not completed: %+v", g)
		}
	}
	grids, err := f.evals.Grids(f.ctx, referent, s.ID, f.b.ID)
	if err != nil {
		t.Fatal(err)
	}
	label := map[int64]string{0: "jury", bernard: "bernard", haddad: "haddad"}
	var got []string
	for _, g := range grids {
		got = append(got, fmt.Sprintf("%s %s %s", g.Block, label[g.MemberID], g.Verdict(5)))
	}
	want := []string{"RNCP37722BC01 jury satisfied", "RNCP37722BC01 bernard satisfied", "RNCP37722BC01 haddad not_satisfied", "RNCP37722BC02 haddad "}
	if !slices.Equal(got, want) {
		t.Fatalf("grids = %q, want %q", got, want)
	}
	if grids[2].Assessments[4].Observation != "pas démontré" {
		t.Errorf("observation lost: %+v", grids[2].Assessments)
	}
	d := exam.Disagreements(grids)
	if len(d) != 1 || d[0].Competence != 5 || !slices.Equal(d[0].Satisfied, []int64{bernard}) ||
		!slices.Equal(d[0].NotSatisfied, []int64{haddad}) || d[0].Settled != exam.Satisfied {
		t.Errorf("disagreements = %+v", d)
	}
	if p := exam.ProposeBlock(f.ref.Block("CCP1"), grids, exam.DefaultDecisionRule); p.Outcome != exam.OutcomeAcquired {
		t.Errorf("proposal = %+v", p)
	}

	refusals := []struct {
		name string
		g    exam.Grid
		code string
		key  string
	}{
		{"member from the candidate's employer", f.grid(f.b.ID, petit, "CCP1", "sssss"), exam.EFORBIDDEN, "err.grade.conflict"},
		{"trainer of the candidate", f.grid(f.a.ID, haddad, "CCP1", "sssss"), exam.EFORBIDDEN, "err.grade.conflict"},
		{"not in the jury", f.grid(f.a.ID, 999, "CCP1", "sssss"), exam.EINVALID, "err.grade.member_unknown"},
		{"competence of another block", exam.Grid{CandidateID: f.a.ID, Block: "CCP1", MemberID: bernard,
			Assessments: []exam.Assessment{{Competence: 6, Verdict: exam.Satisfied}}}, exam.EINVALID, "err.grade.competence"},
		{"block already acquired", f.grid(f.c.ID, bernard, "CCP2", "ssss"), exam.EINVALID, "err.session.already_acquired"},
		{"unknown verdict", exam.Grid{CandidateID: f.a.ID, Block: "CCP1", MemberID: bernard,
			Assessments: []exam.Assessment{{Competence: 1, Verdict: "bof"}}}, exam.EINVALID, "err.invalid"},
		{"candidate not registered", f.grid(999, bernard, "CCP1", "sssss"), exam.ENOTFOUND, "err.session.candidate_unknown"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, f.evals.SaveGrid(f.ctx, jury, s.ID, &tt.g), tt.code, tt.key)
		})
	}
	if n := count(t, f.db, "SELECT count(*) FROM grids"); n != 4 {
		t.Errorf("%d grids stored, want 4", n)
	}
	g = f.grid(f.a.ID, bernard, "CCP1", "sssss")
	wantCode(t, f.evals.SaveGrid(f.ctx, referent, s.ID, &g), exam.EFORBIDDEN, "err.forbidden")

	// In a mock exam conflicts are shown but bar nobody.
	mock := f.started(t, exam.KindMock)
	g = f.grid(f.a.ID, mock.Jury[1].ID, "CCP1", "sssss")
	if err := f.evals.SaveGrid(f.ctx, jury, mock.ID, &g); err != nil {
		t.Errorf("a trainer grading in a mock exam: %v", err)
	}
}

func TestEvaluationService_Decide(t *testing.T) {
	f := newSessionFixture(t)
	s := f.started(t, exam.KindCertification)
	f.grade(t, s, f.a.ID, "CCP1", "sssss")
	f.grade(t, s, f.a.ID, "CCP3", "snn")
	tests := []struct {
		name     string
		d        exam.BlockDecision
		key      string // "" when accepted
		proposed exam.BlockOutcome
	}{
		{"non acquis without its reason", exam.BlockDecision{CandidateID: f.a.ID, Block: "CCP3", Outcome: exam.OutcomeNotAcquired}, "err.invalid", ""},
		{"non acquis with its reason", exam.BlockDecision{CandidateID: f.a.ID, Block: "CCP3", Outcome: exam.OutcomeNotAcquired,
			Reason: "  Compétence 11 non démontrée. "}, "", exam.OutcomeNotAcquired},
		{"departure without reason", exam.BlockDecision{CandidateID: f.a.ID, Block: "CCP1", Outcome: exam.OutcomeNotAcquired}, "err.invalid", ""},
		{"the caller's proposal is not trusted", exam.BlockDecision{CandidateID: f.a.ID, Block: "CCP3", Outcome: exam.OutcomeAcquired,
			Proposed: exam.OutcomeAcquired}, "err.invalid", ""},
		{"acquis as proposed", exam.BlockDecision{CandidateID: f.a.ID, Block: "CCP1", Outcome: exam.OutcomeAcquired}, "", exam.OutcomeAcquired},
		{"no grid: no proposal", exam.BlockDecision{CandidateID: f.a.ID, Block: "CCP2", Outcome: exam.OutcomeAcquired}, "", exam.OutcomePending},
		{"block not sat", exam.BlockDecision{CandidateID: f.c.ID, Block: "CCP2", Outcome: exam.OutcomeAcquired}, "err.session.already_acquired", ""},
		{"no outcome", exam.BlockDecision{CandidateID: f.b.ID, Block: "CCP1"}, "err.invalid", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			err := f.evals.Decide(f.ctx, jury, s.ID, &d)
			if tt.key != "" {
				wantCode(t, err, exam.EINVALID, tt.key)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Proposed != tt.proposed || d.DecidedAt.IsZero() || d.Block[:4] != "RNCP" {
				t.Errorf("decision = %+v, want proposed %q", d, tt.proposed)
			}
		})
	}
	ds, err := f.evals.Decisions(f.ctx, referent, s.ID, f.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || ds[0].Block != "RNCP37722BC01" || ds[2].Reason != "Compétence 11 non démontrée." || ds[2].Proposed != exam.OutcomeNotAcquired {
		t.Errorf("decisions = %+v", ds)
	}
	if e := wantCode(t, func() error {
		d := tests[0].d
		return f.evals.Decide(f.ctx, jury, s.ID, &d)
	}(), exam.EINVALID, "err.invalid"); !slices.Equal(fieldsOf(e), []string{"reason err.decision.reason"}) {
		t.Errorf("fields = %q", fieldsOf(e))
	}

	// A member found in conflict after grading no longer counts.
	s2 := f.reload(t, s.ID)
	f.grade(t, s2, f.b.ID, "CCP2", "ssss")
	s2.Jury[0].ConflictWith = []int64{f.b.ID} // Bernard declares a conflict: Haddad alone remains
	if err := f.sessions.UpdateSession(f.ctx, admin, s2); err != nil {
		t.Fatal(err)
	}
	g := f.grid(f.b.ID, s2.Jury[1].ID, "CCP2", "sss-")
	if err := f.evals.SaveGrid(f.ctx, jury, s.ID, &g); err != nil {
		t.Fatal(err)
	}
	d := exam.BlockDecision{CandidateID: f.b.ID, Block: "CCP2", Outcome: exam.OutcomeAcquired}
	if err := f.evals.Decide(f.ctx, jury, s.ID, &d); err != nil || d.Proposed != exam.OutcomePending {
		t.Errorf("proposal with Bernard's grid left out = %q (%v), want none", d.Proposed, err)
	}
}
