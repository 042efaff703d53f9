package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

func TestFillSessions(t *testing.T) {
	storage.FastSecrets(t)
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	cands := storage.NewCandidateService(db, ref)
	sessions := storage.NewSessionService(db, ref)
	evals := storage.NewEvaluationService(db, ref)
	delib := storage.NewDeliberationService(db, ref)
	today := exam.Today()
	o := demo.Options{Today: today}

	// The candidate service hands Fill the session services.
	res, err := demo.Fill(ctx, exam.System, cands, ref, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sessions != 3 || res.SessionsSkipped != 0 {
		t.Fatalf("first fill = %+v", res)
	}
	sums, err := sessions.FindSessions(ctx, exam.System, exam.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]exam.SessionSummary{}
	for _, s := range sums {
		byRef[s.Reference] = s
	}
	signed, ready, mock := byRef[demo.RefSigned], byRef[demo.RefReady], byRef[demo.RefMock]
	if len(sums) != 3 || !signed.Signed || signed.Candidates != 8 || signed.Kind != exam.KindCertification ||
		ready.Started || ready.Signed || ready.StartDate != today ||
		mock.Kind != exam.KindMock || !mock.Started || mock.Signed {
		t.Fatalf("sessions = %+v", sums)
	}
	if !signed.StartDate.Before(exam.DateOf(today.Time().AddDate(0, 0, -20))) {
		t.Errorf("the signed session is dated %v, want about three weeks ago", signed.StartDate)
	}

	t.Run("signed", func(t *testing.T) {
		s, err := sessions.Session(ctx, exam.System, signed.ID)
		if err != nil {
			t.Fatal(err)
		}
		results, err := delib.Results(ctx, exam.System, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[exam.Result]int{}
		for _, r := range results {
			kinds[r.Result]++
			if r.Result != exam.ResultAbsent && r.FinalInterviewNotes == "" {
				t.Errorf("no notes for %d", r.CandidateID)
			}
		}
		if len(results) != 8 || kinds[exam.ResultTitle] == 0 || kinds[exam.ResultPartial] == 0 ||
			kinds[exam.ResultNotObtained] == 0 || kinds[exam.ResultAbsent] != 1 {
			t.Errorf("results = %v", kinds)
		}
		m, err := delib.Minutes(ctx, exam.System, s.ID)
		if err != nil || len(m.Signatures) != 3 || m.SignedAt.IsZero() || m.Amended() {
			t.Errorf("minutes = %+v, %v", m, err)
		}
		incidents, err := delib.Incidents(ctx, exam.System, s.ID)
		if err != nil || len(incidents) != 1 || incidents[0].Kind != exam.IncidentLate {
			t.Errorf("incidents = %+v, %v", incidents, err)
		}
		disputes, reasons := 0, 0
		for _, sc := range s.Candidates {
			if sc.Absent {
				continue
			}
			events, err := evals.TimerEvents(ctx, exam.System, s.ID, sc.Candidate.ID, "MSP")
			if err != nil || len(events) < 2 {
				t.Errorf("timer of %d: %+v, %v", sc.Candidate.ID, events, err)
			}
			timer := exam.NewTimer(sc.Allowance.Allot(*ref.Trial("MSP")), events)
			if st := timer.Status(time.Now()); st.State != exam.TimerEnded || st.Overtime != 0 {
				t.Errorf("timer of %d: %+v", sc.Candidate.ID, st)
			}
			grids, err := evals.Grids(ctx, exam.System, s.ID, sc.Candidate.ID)
			if err != nil {
				t.Fatal(err)
			}
			disputes += len(exam.Disagreements(grids))
			ds, err := evals.Decisions(ctx, exam.System, s.ID, sc.Candidate.ID)
			if err != nil || len(ds) != len(sc.Blocks) {
				t.Errorf("decisions of %d: %+v, %v", sc.Candidate.ID, ds, err)
			}
			for _, d := range ds {
				if d.Reason != "" {
					reasons++
				}
				if d.Departs() {
					t.Errorf("decision departs from the proposal: %+v", d)
				}
			}
		}
		if disputes != 1 || reasons == 0 {
			t.Errorf("disputes = %d, reasons = %d", disputes, reasons)
		}
		// Certification: the acquired blocks are in the livret.
		for _, r := range results {
			c, err := cands.Candidate(ctx, exam.System, r.CandidateID)
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range r.Acquired {
				if !c.HasAcquired(code) {
					t.Errorf("candidate %d lacks %s in the livret", r.CandidateID, code)
				}
			}
		}
		wantCode(t, delib.SetMemberSecret(ctx, juror, s.ID, s.Jury[0].ID, "0000"), exam.ELOCKED)
	})

	t.Run("ready", func(t *testing.T) {
		s, err := sessions.Session(ctx, exam.System, ready.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckStart(); err != nil {
			t.Errorf("not ready: %v", err)
		}
		if len(s.Candidates) != 8 || len(s.Conflicts()) != 1 {
			t.Errorf("%d candidates, conflicts %+v", len(s.Candidates), s.Conflicts())
		}
		back := 0
		for _, sc := range s.Candidates {
			if len(sc.Candidate.Acquired) > 0 && len(sc.Blocks) < len(ref.Blocks) {
				back++
			}
		}
		if back < 2 {
			t.Errorf("%d candidates back for their missing CCPs", back)
		}
		for _, m := range s.Jury {
			pin, ok := demo.PINs[m.Name]
			if !ok {
				t.Fatalf("no demo PIN for %s", m.Name)
			}
			wantCode(t, delib.Sign(ctx, juror, s.ID, m.ID, "9999"), exam.EFORBIDDEN)
			// The right PIN passes; signing then waits for the session.
			wantCode(t, delib.Sign(ctx, juror, s.ID, m.ID, pin), exam.EINVALID)
		}
	})

	t.Run("mock", func(t *testing.T) {
		s, err := sessions.Session(ctx, exam.System, mock.ID)
		if err != nil {
			t.Fatal(err)
		}
		acquiredNot, decisions := 0, 0
		for _, sc := range s.Candidates {
			grids, err := evals.Grids(ctx, exam.System, s.ID, sc.Candidate.ID)
			if err != nil || len(grids) < 2*len(sc.Blocks) {
				t.Errorf("grids of %d: %d, %v", sc.Candidate.ID, len(grids), err)
			}
			ds, err := evals.Decisions(ctx, exam.System, s.ID, sc.Candidate.ID)
			if err != nil {
				t.Fatal(err)
			}
			decisions += len(ds)
			for _, d := range ds {
				if d.Outcome == exam.OutcomeNotAcquired {
					acquiredNot++
				}
			}
			c, err := cands.Candidate(ctx, exam.System, sc.Candidate.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Acquired) != 0 {
				t.Errorf("a mock exam candidate holds %+v", c.Acquired)
			}
		}
		if len(s.Candidates) != 5 || decisions == 0 || acquiredNot == 0 {
			t.Errorf("%d candidates, %d decisions, %d non acquis", len(s.Candidates), decisions, acquiredNot)
		}
	})

	// Again: nothing new.
	res, err = demo.Fill(ctx, exam.System, cands, ref, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Sessions != 0 || res.SessionsSkipped != 3 {
		t.Errorf("second fill = %+v", res)
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}
}

func TestFillSessions_TooFewCandidates(t *testing.T) {
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	res, err := demo.Fill(ctx, exam.System, storage.NewCandidateService(db, ref), ref, demo.Options{Candidates: 5})
	if err != nil || res.Created != 5 || res.Sessions != 0 {
		t.Fatalf("fill = %+v, %v", res, err)
	}
}

// juror is a jury member: an administrator may not grade or sign.
var juror = exam.Actor{Name: "juror", Role: exam.RoleJury}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := exam.ErrorCode(err); got != code {
		t.Errorf("error code = %q, want %q (%v)", got, code, err)
	}
}

// A candidate of a signed session cannot be deleted, and the blocks that
// session granted cannot be removed from their livret by a plain edit.
func TestFill_SignedSessionProtectsCandidates(t *testing.T) {
	storage.FastSecrets(t)
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	cands := storage.NewCandidateService(db, ref)
	if _, err := demo.Fill(ctx, exam.System, cands, ref, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	sessions := storage.NewSessionService(db, ref)
	delib := storage.NewDeliberationService(db, ref)
	sums, err := sessions.FindSessions(ctx, exam.System, exam.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var signedID int64
	for _, s := range sums {
		if s.Reference == demo.RefSigned {
			signedID = s.ID
		}
	}
	results, err := delib.Results(ctx, exam.System, signedID)
	if err != nil {
		t.Fatal(err)
	}
	var holder int64
	for _, r := range results {
		if len(r.Acquired) > 0 {
			holder = r.CandidateID
			break
		}
	}
	if holder == 0 {
		t.Fatal("the signed demo session granted no block")
	}
	if err := cands.DeleteCandidate(ctx, exam.System, holder); exam.ErrorCode(err) != exam.ECONFLICT {
		t.Fatalf("delete of a registered candidate: %v, want ECONFLICT", err)
	}
	c, err := cands.Candidate(ctx, exam.System, holder)
	if err != nil {
		t.Fatal(err)
	}
	c.Acquired = nil
	if err := cands.UpdateCandidate(ctx, exam.System, c); exam.ErrorCode(err) != exam.ELOCKED {
		t.Fatalf("removing certified blocks: %v, want ELOCKED", err)
	}
	again, err := cands.Candidate(ctx, exam.System, holder)
	if err != nil || len(again.Acquired) == 0 {
		t.Fatalf("the livret lost its blocks: %+v, %v", again.Acquired, err)
	}
	again.Phone = "06 11 22 33 44"
	if err := cands.UpdateCandidate(ctx, exam.System, again); err != nil {
		t.Fatalf("an edit keeping the blocks must pass: %v", err)
	}
}
