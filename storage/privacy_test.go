package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

// clockAt makes db stamp what it writes at t from now on.
func clockAt(db *DB, t time.Time) { db.now = func() time.Time { return t } }

// checkClean fails unless DB.Check finds nothing wrong.
func checkClean(t *testing.T, db *DB) {
	t.Helper()
	rep, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("check:\n%s", rep)
	}
}

// checkFinds fails unless DB.Check reports a problem containing want.
func checkFinds(t *testing.T, db *DB, want string) {
	t.Helper()
	rep, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Fatalf("check does not report %q:\n%s", want, rep)
}

func TestPrivacyService_RetentionYears(t *testing.T) {
	db, _ := newService(t)
	ctx := context.Background()
	p := NewPrivacyService(db, MustReferentiel(t))
	if y, err := p.RetentionYears(ctx, admin); err != nil || y != DefaultRetentionYears {
		t.Fatalf("default retention = %d, %v", y, err)
	}
	if err := p.SetRetentionYears(ctx, admin, 7); err != nil {
		t.Fatal(err)
	}
	if y, err := p.RetentionYears(ctx, admin); err != nil || y != 7 {
		t.Errorf("retention = %d, %v; want 7", y, err)
	}
	audits := count(t, db, "SELECT count(*) FROM audit_log WHERE action = 'settings.update'")
	if err := p.SetRetentionYears(ctx, admin, 7); err != nil || count(t, db, "SELECT count(*) FROM audit_log WHERE action = 'settings.update'") != audits {
		t.Errorf("setting the same value again: %v, or a new audit entry", err)
	}
	for _, years := range []int{0, -1, MaxRetentionYears + 1} {
		wantCode(t, p.SetRetentionYears(ctx, admin, years), exam.EINVALID, "err.purge.years")
		_, err := p.PurgePlan(ctx, admin, years, exam.Date{})
		wantCode(t, err, exam.EINVALID, "err.purge.years")
	}
	wantCode(t, p.SetRetentionYears(ctx, jury, 3), exam.EFORBIDDEN, "")
	_, err := p.RetentionYears(ctx, referent)
	wantCode(t, err, exam.EFORBIDDEN, "")
	if y, _ := p.RetentionYears(ctx, admin); y != 7 {
		t.Errorf("retention after refusals = %d", y)
	}
}

// Times of the purge fixture.
var (
	importedAt = time.Date(2019, 1, 10, 9, 0, 0, 0, time.UTC) // a, b, c and d are created
	signedAt   = time.Date(2026, 7, 1, 16, 0, 0, 0, time.UTC) // the session's writes, its PV signed
)

// purgeFixture is the session fixture whose candidates a, b and c were
// created in 2019, with d, in no session, created then too; its session of
// 15/06/2026 (certification or mock) is then deliberated — a obtains the
// title, b a partial certification, c is absent (CCP2 acquired in 2024) —
// with a timer event and an incident about a, and signed on 01/07/2026.
func purgeFixture(t *testing.T, kind exam.SessionKind) (*sessionFixture, *PrivacyService, *exam.Session, *exam.Candidate) {
	t.Helper()
	db := MustOpen(t)
	clockAt(db, importedAt)
	f := fixtureOn(t, db, true)
	d := genCandidates(1, 10)[0]
	if err := f.cands.CreateCandidate(f.ctx, admin, d); err != nil {
		t.Fatal(err)
	}
	clockAt(db, signedAt)
	s := deliberate(t, f, kind)
	start := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	if err := f.evals.RecordTimerEvent(f.ctx, jury, s.ID, f.a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: start}); err != nil {
		t.Fatal(err)
	}
	if err := f.delib.RecordIncident(f.ctx, jury, &exam.Incident{SessionID: s.ID, CandidateID: f.a.ID, Trial: "MSP",
		Kind: exam.IncidentLate, At: start, Text: "Arrivée à 9 h 05."}); err != nil {
		t.Fatal(err)
	}
	for i, m := range s.Jury {
		if err := f.delib.Sign(f.ctx, jury, s.ID, m.ID, pin(i)); err != nil {
			t.Fatalf("sign %s: %v", m.Name, err)
		}
	}
	return f, NewPrivacyService(db, f.ref), f.reload(t, s.ID), d
}

// deliberate is sessionFixture.deliberated, each step taken by the role
// allowed to: the session created by the administrator, run and graded by
// the jury.
func deliberate(t *testing.T, f *sessionFixture, kind exam.SessionKind) *exam.Session {
	t.Helper()
	s := f.created(t, kind)
	if err := f.sessions.StartSession(f.ctx, jury, s.ID, time.Date(2026, 6, 15, 8, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	s = f.reload(t, s.ID)
	for _, short := range []string{"CCP1", "CCP2", "CCP3"} {
		f.grade(t, s, f.a.ID, short, "sssss"[:len(f.ref.Block(short).Competences)])
		f.decide(t, s.ID, f.a.ID, short, exam.OutcomeAcquired, "")
	}
	f.grade(t, s, f.b.ID, "CCP1", "sssss")
	f.decide(t, s.ID, f.b.ID, "CCP1", exam.OutcomeAcquired, "")
	f.grade(t, s, f.b.ID, "CCP2", "ssss")
	f.decide(t, s.ID, f.b.ID, "CCP2", exam.OutcomeAcquired, "")
	f.grade(t, s, f.b.ID, "CCP3", "snn")
	f.decide(t, s.ID, f.b.ID, "CCP3", exam.OutcomeNotAcquired, "Compétences 11 et 12 non démontrées.")
	if err := f.sessions.SetAbsent(f.ctx, jury, s.ID, f.c.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{f.a.ID, f.b.ID} {
		r := exam.CandidateResult{SessionID: s.ID, CandidateID: id, FinalInterviewNotes: "Entretien final mené."}
		if err := f.delib.ConfirmResult(f.ctx, jury, &r); err != nil {
			t.Fatal(err)
		}
	}
	s = f.reload(t, s.ID)
	for i, m := range s.Jury {
		if err := f.delib.SetMemberSecret(f.ctx, jury, s.ID, m.ID, pin(i)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestPrivacyService_PurgePlan(t *testing.T) {
	f, p, _, d := purgeFixture(t, exam.KindCertification)
	ctx := f.ctx
	// e is created in 2030: too recent for a purge in 2033 with 5 years.
	clockAt(f.db, time.Date(2030, 3, 1, 10, 0, 0, 0, time.UTC))
	e := genCandidates(1, 11)[0]
	if err := f.cands.CreateCandidate(ctx, admin, e); err != nil {
		t.Fatal(err)
	}
	audits := count(t, f.db, "SELECT count(*) FROM audit_log")

	plan, err := p.PurgePlan(ctx, admin, 5, exam.NewDate(2033, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if plan.Cutoff != exam.NewDate(2028, 1, 1) || plan.Years != 5 || plan.Today != exam.NewDate(2033, 1, 1) {
		t.Errorf("plan: years %d, today %v, cutoff %v", plan.Years, plan.Today, plan.Cutoff)
	}
	if want := []int64{f.a.ID, f.b.ID, f.c.ID, d.ID}; !slices.Equal(plan.CandidateIDs, want) {
		t.Errorf("candidates = %v, want %v", plan.CandidateIDs, want)
	}
	grids := count(t, f.db, "SELECT count(*) FROM grids")
	if grids == 0 {
		t.Fatal("no grid in the fixture")
	}
	want := PurgeCounts{Candidates: 4, NeverInSession: 1, WithAcquiredBlocks: 3,
		Registrations: 3, Grids: grids, Decisions: 6, Results: 2, Incidents: 1, TimerEvents: 1,
		AcquiredBlocks: 3 + 2 + 1, Sessions: 1, Emptied: 1, SignedSessions: 1, Archived: 1}
	if plan.PurgeCounts != want {
		t.Errorf("counts = %+v\nwant     %+v", plan.PurgeCounts, want)
	}

	for _, tt := range []struct {
		name  string
		years int
		today exam.Date
		want  []int64
	}{
		// Created in 2019, but in a session until 2026: only d goes.
		{"the session keeps its candidates", 5, exam.NewDate(2025, 6, 1), []int64{d.ID}},
		{"created on the cutoff day", 7, exam.NewDate(2026, 1, 10), []int64{}},
		{"created the day before the cutoff", 7, exam.NewDate(2026, 1, 11), []int64{d.ID}},
		// Its last day is 15/06/2026, but it was signed on 01/07/2026.
		{"signed on the cutoff day", 1, exam.NewDate(2027, 7, 1), []int64{d.ID}},
		{"signed the day before the cutoff", 1, exam.NewDate(2027, 7, 2), []int64{f.a.ID, f.b.ID, f.c.ID, d.ID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := p.PurgePlan(ctx, admin, tt.years, tt.today)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(plan.CandidateIDs, tt.want) || plan.Candidates != len(tt.want) {
				t.Errorf("candidates = %v (%d), want %v", plan.CandidateIDs, plan.Candidates, tt.want)
			}
		})
	}
	// A change of the candidate, or an audit entry about them, is activity;
	// reading their data for the right of access is not.
	if _, err := p.Access(ctx, admin, d.ID); err != nil {
		t.Fatal(err)
	}
	if plan, _ := p.PurgePlan(ctx, admin, 5, exam.NewDate(2033, 1, 1)); !slices.Contains(plan.CandidateIDs, d.ID) {
		t.Error("the right of access kept d from the purge")
	}
	d.Email = "nouvelle@example.org"
	if err := f.cands.UpdateCandidate(ctx, admin, d); err != nil { // in 2030
		t.Fatal(err)
	}
	if plan, _ := p.PurgePlan(ctx, admin, 5, exam.NewDate(2033, 1, 1)); slices.Contains(plan.CandidateIDs, d.ID) {
		t.Error("d changed in 2030 is purged in 2033 with 5 years")
	}
	if n := count(t, f.db, "SELECT count(*) FROM audit_log WHERE action NOT IN ('privacy.access', 'candidate.update')"); n != audits {
		t.Errorf("planning wrote %d audit entries", n-audits)
	}
	_, err = p.PurgePlan(ctx, jury, 5, exam.Date{})
	wantCode(t, err, exam.EFORBIDDEN, "")
}

// names are the strings that identify the candidates cs.
func names(cs ...*exam.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.BirthName, c.Number)
	}
	return out
}

func TestPrivacyService_Purge(t *testing.T) {
	f, p, s, d := purgeFixture(t, exam.KindCertification)
	ctx := f.ctx
	clockAt(f.db, time.Date(2033, 1, 1, 12, 0, 0, 0, time.UTC))

	// The lock holds before and outside the purge: no deletion from the
	// signed session, and no purge flag without the PV archived.
	err := f.db.writeSession(ctx, admin, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM session_candidates WHERE session_id = ?", s.ID)
		return err
	})
	wantCode(t, err, exam.ELOCKED, "")
	err = f.db.writeSession(ctx, admin, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE sessions SET purging = 1 WHERE id = ?", s.ID)
		return err
	})
	if wantCode(t, err, exam.ELOCKED, ""); !strings.Contains(err.Error(), "not archived") {
		t.Errorf("purge flag without archive: %v", err)
	}

	plan, err := p.PurgePlan(ctx, admin, 5, exam.Date{}) // today: 01/01/2033
	if err != nil {
		t.Fatal(err)
	}
	if plan.Today != exam.NewDate(2033, 1, 1) || plan.Candidates != 4 {
		t.Fatalf("plan = %+v", plan)
	}
	_, err = p.Purge(ctx, jury, plan)
	wantCode(t, err, exam.EFORBIDDEN, "")
	_, err = p.Purge(ctx, admin, nil)
	wantCode(t, err, exam.EINVALID, "err.purge.plan")

	// d changes after the plan: kept.
	d.Phone = "06 00 00 00 00"
	if err := f.cands.UpdateCandidate(ctx, admin, d); err != nil {
		t.Fatal(err)
	}
	members, signatures := count(t, f.db, "SELECT count(*) FROM members"), count(t, f.db, "SELECT count(*) FROM signatures")
	audits := count(t, f.db, "SELECT count(*) FROM audit_log")
	done, err := p.Purge(ctx, admin, plan)
	if err != nil {
		t.Fatal(err)
	}
	want := plan.PurgeCounts
	want.Candidates, want.NeverInSession = 3, 0
	if *done != want {
		t.Errorf("purged %+v\nwant   %+v", *done, want)
	}
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"SELECT count(*) FROM candidates", 1},
		{"SELECT count(*) FROM acquired_blocks", 0},
		{"SELECT count(*) FROM session_candidates", 0},
		{"SELECT count(*) FROM grids", 0},
		{"SELECT count(*) FROM decisions", 0},
		{"SELECT count(*) FROM results", 0},
		{"SELECT count(*) FROM timer_events", 0},
		{"SELECT count(*) FROM incidents", 0},
		{"SELECT count(*) FROM member_conflicts", 0},
		{"SELECT count(*) FROM members", members},
		{"SELECT count(*) FROM signatures", signatures},
		{"SELECT count(*) FROM sessions WHERE purging <> 0", 0},
		{"SELECT count(*) FROM audit_log", audits + 1},
		{"SELECT count(*) FROM minutes_archive", 1},
	} {
		if got := count(t, f.db, tt.query); got != tt.want {
			t.Errorf("%s = %d, want %d", tt.query, got, tt.want)
		}
	}
	after := f.reload(t, s.ID)
	if !after.SignedAt.Equal(s.SignedAt) || len(after.Candidates) != 0 || len(after.Jury) != 3 {
		t.Errorf("session after the purge: signed %v, %d candidates, %d members", after.SignedAt, len(after.Candidates), len(after.Jury))
	}
	if _, err := f.cands.Candidate(ctx, admin, f.a.ID); exam.ErrorCode(err) != exam.ENOTFOUND {
		t.Errorf("a after the purge: %v", err)
	}

	// The archived PV: a PDF whose SHA-256 the audit entry records.
	archives, err := p.ArchivedMinutes(ctx, admin, s.ID)
	if err != nil || len(archives) != 1 {
		t.Fatalf("archives = %d, %v", len(archives), err)
	}
	m := archives[0]
	sum := sha256.Sum256(m.PDF)
	if !bytes.HasPrefix(m.PDF, []byte("%PDF-")) || hex.EncodeToString(sum[:]) != m.SHA256 || m.Registrations != 3 || m.Amendments != 0 {
		t.Errorf("archive: %d bytes, sha %s, %d registrations, %d amendments", len(m.PDF), m.SHA256, m.Registrations, m.Amendments)
	}
	var entry string
	if err := f.db.reader.QueryRow("SELECT new_json FROM audit_log WHERE action = 'privacy.purge'").Scan(&entry); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Candidates int     `json:"candidates"`
		Cutoff     string  `json:"cutoff"`
		Signed     []int64 `json:"signed_sessions"`
		Archived   []struct {
			SessionID int64  `json:"session_id"`
			SHA256    string `json:"sha256"`
		} `json:"archived"`
	}
	if err := json.Unmarshal([]byte(entry), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Candidates != 3 || rec.Cutoff != "2028-01-01" || !slices.Equal(rec.Signed, []int64{s.ID}) ||
		len(rec.Archived) != 1 || rec.Archived[0].SHA256 != m.SHA256 || rec.Archived[0].SessionID != s.ID {
		t.Errorf("audit entry: %s", entry)
	}
	for _, n := range names(f.a, f.b, f.c) {
		if strings.Contains(entry, n) {
			t.Errorf("the audit entry of the purge names %q: %s", n, entry)
		}
	}
	checkClean(t, f.db)

	// Again: nothing left to purge, nothing written.
	again, err := p.Purge(ctx, admin, plan)
	if err != nil || again.Candidates != 0 || count(t, f.db, "SELECT count(*) FROM audit_log") != audits+1 {
		t.Errorf("second purge: %+v, %v", again, err)
	}

	// What check sees when the purge's rows are tampered with.
	t.Run("flag left set", func(t *testing.T) {
		rawExec(t, f.db.Path(), fmt.Sprintf("UPDATE sessions SET purging = 1 WHERE id = %d", s.ID))
		checkFinds(t, f.db, "left open by a purge")
		rawExec(t, f.db.Path(), fmt.Sprintf("UPDATE sessions SET purging = 0 WHERE id = %d", s.ID))
		checkClean(t, f.db)
	})
	t.Run("archive altered", func(t *testing.T) {
		rawExec(t, f.db.Path(), "DROP TRIGGER minutes_archive_no_update", "UPDATE minutes_archive SET pdf = x'00'")
		checkFinds(t, f.db, "do not match their SHA-256")
		checkFinds(t, f.db, "schema: trigger minutes_archive_no_update is missing")
	})
	t.Run("archive removed", func(t *testing.T) {
		rawExec(t, f.db.Path(), "DROP TRIGGER minutes_archive_no_delete", "DELETE FROM minutes_archive")
		checkFinds(t, f.db, "candidates purged without the minutes archived")
	})
}

func TestPrivacyService_Purge_PartialAndAmended(t *testing.T) {
	f, p, s, d := purgeFixture(t, exam.KindCertification)
	ctx := f.ctx
	// b's record changes in 2030: a, c and d go in 2033, b stays.
	clockAt(f.db, time.Date(2030, 5, 1, 10, 0, 0, 0, time.UTC))
	b, err := f.cands.Candidate(ctx, admin, f.b.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.Email = "b@example.org"
	if err := f.cands.UpdateCandidate(ctx, admin, b); err != nil {
		t.Fatal(err)
	}
	clockAt(f.db, time.Date(2033, 1, 1, 12, 0, 0, 0, time.UTC))
	plan, err := p.PurgePlan(ctx, admin, 5, exam.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{f.a.ID, f.c.ID, d.ID}; !slices.Equal(plan.CandidateIDs, want) || plan.Emptied != 0 || plan.Archived != 1 {
		t.Fatalf("plan = %+v", plan)
	}
	if _, err := p.Purge(ctx, admin, plan); err != nil {
		t.Fatal(err)
	}
	after := f.reload(t, s.ID)
	if len(after.Candidates) != 1 || after.Candidates[0].Candidate.ID != f.b.ID {
		t.Fatalf("candidates left: %+v", after.Candidates)
	}
	checkClean(t, f.db)

	// The PV stays signed and can still be corrected for b; the correction
	// makes the archive out of date, and the next purge archives it again.
	r := exam.CandidateResult{SessionID: s.ID, CandidateID: f.b.ID, FinalInterviewNotes: "Notes complétées."}
	if err := f.delib.AmendResult(ctx, jury, &r, "Notes incomplètes."); err != nil {
		t.Fatal(err)
	}
	clockAt(f.db, time.Date(2040, 1, 1, 12, 0, 0, 0, time.UTC))
	plan, err = p.PurgePlan(ctx, admin, 5, exam.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plan.CandidateIDs, []int64{f.b.ID}) || plan.Archived != 1 || plan.Emptied != 1 {
		t.Fatalf("second plan = %+v", plan)
	}
	if _, err := p.Purge(ctx, admin, plan); err != nil {
		t.Fatal(err)
	}
	archives, err := p.ArchivedMinutes(ctx, admin, s.ID)
	if err != nil || len(archives) != 2 {
		t.Fatalf("archives = %d, %v", len(archives), err)
	}
	if a := archives[1]; a.Amendments != 1 || a.Registrations != 1 || archives[0].Registrations != 3 {
		t.Errorf("archives: %+v / %+v", archives[0], a)
	}
	if count(t, f.db, "SELECT count(*) FROM candidates") != 0 || count(t, f.db, "SELECT count(*) FROM amendments") != 1 {
		t.Error("after the second purge: candidates left, or the amendment gone")
	}
	checkClean(t, f.db)
}

func TestPrivacyService_Purge_Mock(t *testing.T) {
	f, p, s, _ := purgeFixture(t, exam.KindMock)
	if !f.reload(t, s.ID).Locked() {
		t.Fatal("the mock exam is not signed")
	}
	plan, err := p.PurgePlan(f.ctx, admin, 5, exam.NewDate(2033, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if plan.Candidates != 4 || plan.SignedSessions != 1 || plan.Archived != 0 {
		t.Fatalf("plan = %+v", plan)
	}
	// A mock exam has no PV to archive: its lock opens without one.
	if _, err := p.Purge(f.ctx, admin, plan); err != nil {
		t.Fatal(err)
	}
	if n := count(t, f.db, "SELECT count(*) FROM minutes_archive") + count(t, f.db, "SELECT count(*) FROM candidates"); n != 0 {
		t.Errorf("%d archives or candidates left", n)
	}
	checkClean(t, f.db)
}

// profiles is an exam.AccommodationService holding profiles in memory, with
// their justification, as the referent's storage keeps them.
type profiles map[int64]*exam.AccommodationProfile

func (p profiles) Profile(_ context.Context, _ exam.Actor, id int64) (*exam.AccommodationProfile, error) {
	if pr, ok := p[id]; ok {
		c := *pr
		return &c, nil
	}
	return &exam.AccommodationProfile{CandidateID: id}, nil
}

func (p profiles) Profiles(context.Context, exam.Actor, []int64) (map[int64]*exam.AccommodationProfile, error) {
	return p, nil
}

func (p profiles) SaveProfile(context.Context, exam.Actor, *exam.AccommodationProfile) (int, error) {
	return 0, nil
}

func (p profiles) DeleteProfile(context.Context, exam.Actor, int64) error { return nil }

func TestPrivacyService_Access(t *testing.T) {
	f, p, s, _ := purgeFixture(t, exam.KindCertification)
	ctx := f.ctx
	p.Accommodations = profiles{f.a.ID: {CandidateID: f.a.ID, Justification: "Dyslexie sévère (certificat médical)",
		Decision: exam.AccommodationDecision{Authority: "DREETS Auvergne-Rhône-Alpes", Reference: "AM-2026-118", Date: exam.NewDate(2026, 5, 2)},
		Time:     exam.TimeAllowance{ExtraPercent: 33}, Aids: exam.HumanAids{Reader: true}}}
	clockAt(f.db, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))

	r, err := p.Access(ctx, admin, f.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Candidate.ID != f.a.ID || r.Candidate.BirthName != f.a.BirthName || len(r.Candidate.Acquired) != 3 || r.GeneratedBy != "admin" {
		t.Errorf("candidate = %+v, by %q", r.Candidate, r.GeneratedBy)
	}
	if r.Profile == nil || r.Profile.Justification != "" || r.Profile.Decision.Reference != "AM-2026-118" || !r.Profile.Aids.Reader {
		t.Errorf("profile = %+v", r.Profile)
	}
	if len(r.Sessions) != 1 {
		t.Fatalf("%d sessions", len(r.Sessions))
	}
	as := r.Sessions[0]
	if as.Session.ID != s.ID || len(as.Session.Candidates) != 1 || as.Session.Candidates[0].Candidate.ID != f.a.ID || len(as.Session.Jury) != 3 {
		t.Errorf("session: %d, candidates %+v, %d members", as.Session.ID, as.Session.Candidates, len(as.Session.Jury))
	}
	if len(as.Decisions) != 3 || as.Result == nil || as.Result.Result != exam.ResultTitle || len(as.Incidents) != 1 ||
		len(as.Timer) != 1 || as.Timer[0].Trial != "MSP" || len(as.Grids) == 0 {
		t.Errorf("records: %d decisions, result %+v, %d incidents, timer %+v, %d grids", len(as.Decisions), as.Result, len(as.Incidents), as.Timer, len(as.Grids))
	}
	for _, g := range as.Grids {
		if g.CandidateID != f.a.ID {
			t.Errorf("grid of candidate %d", g.CandidateID)
		}
	}
	actions := map[string]int{}
	for _, e := range r.Audit {
		actions[e.Action]++
	}
	for _, a := range []string{"candidate.import", "session.create", "session.start", "grid.save", "decision.save",
		"timer.record", "incident.record", "result.confirm", "candidate.acquired", "privacy.access"} {
		if a == "session.start" {
			continue // names no candidate
		}
		if actions[a] == 0 {
			t.Errorf("no %s entry in %v", a, actions)
		}
	}
	if actions["session.absent"] != 0 {
		t.Errorf("c's absence is in a's report: %v", actions)
	}
	// Nothing about b or c, nor the medical justification.
	all, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range append(names(f.b, f.c), "Dyslexie") {
		if strings.Contains(string(all), n) {
			t.Errorf("the report of a holds %q", n)
		}
	}
	// The reading is recorded, and the chain holds.
	if n := count(t, f.db, "SELECT count(*) FROM audit_log WHERE action = 'privacy.access' AND entity_id = ?", f.a.ID); n != 1 {
		t.Errorf("%d privacy.access entries", n)
	}
	checkClean(t, f.db)

	_, err = p.Access(ctx, jury, f.a.ID)
	wantCode(t, err, exam.EFORBIDDEN, "")
	_, err = p.Access(ctx, admin, 9999)
	wantCode(t, err, exam.ENOTFOUND, "err.candidate.not_found")
}

func TestOnlyCandidate(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"null", ""},
		{`{"candidate_id":2,"name":"B"}`, `{"candidate_id":2,"name":"B"}`},
		{`{"candidates":[{"candidate_id":1,"name":"A"},{"candidate_id":2,"name":"B"}],"jury":[{"name":"J","trainer_of":[1,2],"conflict_with":[1]}]}`,
			`{"candidates":[{"candidate_id":2,"name":"B"}],"jury":[{"conflict_with":[],"name":"J","trainer_of":[2]}]}`},
		{`{"decision":{"candidate_id":2,"block":"X"},"result":null}`, `{"decision":{"block":"X","candidate_id":2},"result":null}`},
	} {
		got, err := onlyCandidate(tt.in, 2)
		if err != nil || got != tt.want {
			t.Errorf("onlyCandidate(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

// TestPrivacyService_QCM: a QCM taken is activity, and is in the access
// report. The rows are written straight into the tables of schema 5.
func TestPrivacyService_QCM(t *testing.T) {
	db, cands := newService(t)
	ctx := context.Background()
	clockAt(db, importedAt)
	cs := genCandidates(2, 0)
	if err := cands.ImportCandidates(ctx, admin, cs); err != nil {
		t.Fatal(err)
	}
	rawExec(t, db.Path(),
		`INSERT INTO qcm_questionnaires (title, kind, draw, time_limit_min, created_at)
			VALUES ('Positionnement AMIS', 'positioning', '{"question_ids":[]}', 30, '2019-01-10T09:00:00Z')`,
		fmt.Sprintf(`INSERT INTO qcm_attempts (questionnaire_id, candidate_id, kind, title, seed, items, item_count, screen,
			base_ns, extra_ns, started_at, ended_at, end_reason, last_seen, score_right, score_total)
			VALUES (1, %d, 'positioning', 'Positionnement AMIS', 7, '[]', 20, '{}', 0, 0, '2026-09-01T08:00:00Z',
			'2026-09-01T08:30:00Z', 'done', '2026-09-01T08:30:00Z', 14, 20)`, cs[0].ID))
	p := NewPrivacyService(db, MustReferentiel(t))
	plan, err := p.PurgePlan(ctx, admin, 5, exam.NewDate(2030, 1, 1)) // cutoff 2025
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plan.CandidateIDs, []int64{cs[1].ID}) {
		t.Errorf("candidates = %v, want only %d: the other took a QCM in 2026", plan.CandidateIDs, cs[1].ID)
	}
	r, err := p.Access(ctx, admin, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.QCM) != 1 || r.QCM[0].Title != "Positionnement AMIS" || r.QCM[0].Right == nil || *r.QCM[0].Right != 14 ||
		r.QCM[0].Items != 20 || r.QCM[0].EndedAt.IsZero() {
		t.Errorf("QCM = %+v", r.QCM)
	}
	plan, _ = p.PurgePlan(ctx, admin, 5, exam.NewDate(2032, 1, 1))
	if _, err := p.Purge(ctx, admin, plan); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM qcm_attempts"); n != 0 {
		t.Errorf("%d QCM attempts left after the purge", n)
	}
	checkClean(t, db)
}
