package storage

import (
	"context"
	"testing"
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
