package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/amisjury/amis/exam"
)

// countIn counts the candidates one transaction sees.
func countIn(t *testing.T, q queryer) int {
	t.Helper()
	var n int
	if err := q.QueryRowContext(context.Background(), "SELECT count(*) FROM candidates").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReadSnapshotRetriesAfterAWrite: a write committed between the
// transactions of readSnapshot makes it take them again, and fn's
// transactions then all see the write; a write during fn is seen by none.
func TestReadSnapshotRetriesAfterAWrite(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	svc := NewCandidateService(db, MustReferentiel(t))
	cs := genCandidates(3, 0)
	if err := svc.CreateCandidate(ctx, admin, cs[0]); err != nil {
		t.Fatal(err)
	}
	between := 0
	snapshotBetween = func() {
		between++
		if between == 1 {
			if err := svc.CreateCandidate(ctx, admin, cs[1]); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(func() { snapshotBetween = nil })
	calls := 0
	err := db.readSnapshot(ctx, 3, func(qs []queryer) error {
		calls++
		for i, q := range qs {
			if n := countIn(t, q); n != 2 {
				t.Errorf("transaction %d sees %d candidates, want 2 (the write between the first attempt's transactions)", i, n)
			}
		}
		if err := svc.CreateCandidate(ctx, admin, cs[2]); err != nil {
			t.Error(err)
		}
		for i, q := range qs {
			if n := countIn(t, q); n != 2 {
				t.Errorf("transaction %d sees %d candidates after a write during fn, want 2", i, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if between != 2 || calls != 1 {
		t.Errorf("%d attempts, fn called %d times; want 2 attempts (the first one spoilt by the write) and 1 call", between, calls)
	}
	if err := db.readSnapshot(ctx, readers+1, func([]queryer) error { return nil }); err == nil {
		t.Error("readSnapshot with more transactions than the pool holds: no error")
	}
}

// TestReadSnapshotFallsBackUnderABusyWriter: when every attempt is spoilt,
// fn still runs, on one transaction given n times, which sees one state.
func TestReadSnapshotFallsBackUnderABusyWriter(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	svc := NewCandidateService(db, MustReferentiel(t))
	cs := genCandidates(snapshotAttempts+1, 0)
	k := 0
	snapshotBetween = func() {
		if err := svc.CreateCandidate(ctx, admin, cs[k]); err != nil {
			t.Error(err)
		}
		k++
	}
	t.Cleanup(func() { snapshotBetween = nil })
	err := db.readSnapshot(ctx, 2, func(qs []queryer) error {
		snapshotBetween = nil
		if qs[0] != qs[1] {
			t.Error("fallback: two different transactions")
		}
		if n := countIn(t, qs[0]); n != snapshotAttempts {
			t.Errorf("fallback sees %d candidates, want %d", n, snapshotAttempts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if k != snapshotAttempts {
		t.Errorf("%d spoilt attempts, want %d", k, snapshotAttempts)
	}
}

// TestExport_WhileTheJuryGrades: draft exports of a session read while
// grids are saved beside them all succeed (the two queries stay in step on
// one snapshot), and each export sees every grid saved before it began.
func TestExport_WhileTheJuryGrades(t *testing.T) {
	f := newSessionFixture(t)
	s := f.started(t, exam.KindCertification)
	cand := s.Candidates[0].Candidate.ID
	member := int64(-1)
	for _, m := range s.Jury {
		if s.CanGrade(m.ID, cand) {
			member = m.ID
			break
		}
	}
	sel := ExportSelection{SessionIDs: []int64{s.ID}, Draft: true}
	stop := make(chan struct{})
	saved := make(chan int, 1000)
	done := make(chan error, 1)
	go func() {
		patterns := []string{"sssss", "nnnnn"}
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			// One member grades, over and over: the jury's view is that
			// member's grid, whole.
			g := f.grid(cand, member, "CCP1", patterns[i%2])
			if err := f.evals.SaveGrid(f.ctx, jury, s.ID, &g); err != nil {
				done <- err
				return
			}
			saved <- i
		}
	}()
	last := -1
	for n := 0; n < 30; n++ {
		for drained := false; !drained; {
			select {
			case i := <-saved:
				last = i
			default:
				drained = true
			}
		}
		rec, err := f.export(t, admin, sel)
		if err != nil {
			close(stop)
			t.Fatalf("export %d beside the grading: %v", n, err)
		}
		if len(rec.rows) != len(s.Candidates) {
			t.Fatalf("export %d: %d rows, want %d", n, len(rec.rows), len(s.Candidates))
		}
		if last >= 0 {
			// The grids saved before the export began: CCP1 evaluated,
			// all satisfied or all not (one pattern per save, never mixed).
			got := verdicts(&rec.rows[0])
			if !strings.HasPrefix(got, "1s 2s 3s 4s 5s") && !strings.HasPrefix(got, "1n 2n 3n 4n 5n") {
				t.Fatalf("export %d: candidate's competences %q, want one whole grid", n, got)
			}
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestExport_OnOneTransactionUnderABusyWriter: when every attempt to take
// two connections on one snapshot is spoilt by a write, the export runs
// its two queries on one transaction and gives the same rows.
func TestExport_OnOneTransactionUnderABusyWriter(t *testing.T) {
	f := newSessionFixture(t)
	s := f.signed(t, exam.KindCertification)
	sel := ExportSelection{SessionIDs: []int64{s.ID}}
	want, err := f.export(t, admin, sel)
	if err != nil {
		t.Fatal(err)
	}
	extra := genCandidates(snapshotAttempts, 100)
	k := 0
	snapshotBetween = func() {
		if k < len(extra) {
			if err := f.cands.CreateCandidate(f.ctx, admin, extra[k]); err != nil {
				t.Error(err)
			}
		}
		k++
	}
	t.Cleanup(func() { snapshotBetween = nil })
	got, err := f.export(t, admin, sel)
	if err != nil {
		t.Fatal(err)
	}
	if k != snapshotAttempts {
		t.Fatalf("%d attempts spoilt, want %d (the fallback not reached)", k, snapshotAttempts)
	}
	if len(got.rows) != len(want.rows) {
		t.Fatalf("%d rows, want %d", len(got.rows), len(want.rows))
	}
	for i := range want.rows {
		if outcomes(&got.rows[i]) != outcomes(&want.rows[i]) || verdicts(&got.rows[i]) != verdicts(&want.rows[i]) ||
			got.rows[i].Candidate.BirthName != want.rows[i].Candidate.BirthName {
			t.Errorf("row %d differs on one transaction", i)
		}
	}
}
