package storage

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

// tiersTemps is a complete profile of a candidate, with a justification.
func tiersTemps(candidateID int64) *exam.AccommodationProfile {
	return &exam.AccommodationProfile{
		CandidateID: candidateID,
		Decision: exam.AccommodationDecision{Authority: "DDETS du Rhône", Date: exam.NewDate(2026, 2, 3),
			Reference: "DDETS69-AMEN-2026-0012", ValidFrom: exam.NewDate(2026, 2, 3), ValidTo: exam.NewDate(2027, 2, 2)},
		Justification:    "Dyslexie sévère, bilan orthophonique du 12/01/2026.",
		Time:             exam.TimeAllowance{ExtraPercent: 33},
		Aids:             exam.HumanAids{Reader: true},
		Room:             exam.RoomAids{SeparateRoom: true},
		Screen:           exam.ScreenNeeds{TextScale: 200, HighContrast: true},
		JuryInstructions: "Lire les consignes à voix haute.",
	}
}

func TestAccommodationService_Profile(t *testing.T) {
	f := newSessionFixture(t)
	svc := NewAccommodationService(f.db, f.ref)

	// No profile yet: an empty one, for every reader.
	p, err := svc.Profile(f.ctx, jury, f.a.ID)
	if err != nil || p.CandidateID != f.a.ID || p.Granted() {
		t.Fatalf("empty profile = %+v, %v", p, err)
	}
	_, err = svc.Profile(f.ctx, referent, 999)
	wantCode(t, err, exam.ENOTFOUND, "err.candidate.not_found")

	saved := tiersTemps(f.a.ID)
	n, err := svc.SaveProfile(f.ctx, referent, saved)
	if err != nil || n != 0 {
		t.Fatalf("save = %d, %v", n, err)
	}
	if saved.UpdatedBy != referent.Name || saved.Updated.IsZero() {
		t.Errorf("saved = %+v", saved)
	}
	for _, tt := range []struct {
		actor exam.Actor
		just  string
	}{{referent, saved.Justification}, {jury, ""}, {admin, ""}} {
		got, err := svc.Profile(f.ctx, tt.actor, f.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *saved
		want.Justification = tt.just
		if got.Updated.IsZero() || got.UpdatedBy != referent.Name {
			t.Errorf("%s: updated = %v by %q", tt.actor.Role, got.Updated, got.UpdatedBy)
		}
		got.Updated, want.Updated = time.Time{}, time.Time{}
		if !jsonEqual(got, &want) {
			t.Errorf("%s reads %+v, want %+v", tt.actor.Role, got, want)
		}
		all, err := svc.Profiles(f.ctx, tt.actor, nil)
		if err != nil || len(all) != 1 || all[f.a.ID].Justification != tt.just {
			t.Errorf("%s: Profiles = %+v, %v", tt.actor.Role, all, err)
		}
		some, err := svc.Profiles(f.ctx, tt.actor, []int64{f.b.ID, f.a.ID})
		if err != nil || len(some) != 1 || some[f.a.ID].Justification != tt.just {
			t.Errorf("%s: Profiles(b, a) = %+v, %v", tt.actor.Role, some, err)
		}
		none, err := svc.Profiles(f.ctx, tt.actor, []int64{})
		if err != nil || len(none) != 0 {
			t.Errorf("%s: Profiles(none) = %+v, %v", tt.actor.Role, none, err)
		}
	}

	// Refusals.
	bad := tiersTemps(f.a.ID)
	bad.Decision.Authority = ""
	bad.Time.Overrides = []exam.TrialOverride{{Trial: "XX", Reason: "?"}}
	bad.Decision.ValidTo = exam.NewDate(2026, 2, 30)
	e := wantCode(t, errOf(svc.SaveProfile(f.ctx, referent, bad)), exam.EINVALID, "")
	if got := fieldsOf(e); !slices.Contains(got, "decision.authority err.accommodation.authority") ||
		!slices.Contains(got, "time.overrides[0].trial err.allowance.trial_unknown") ||
		!slices.Contains(got, "decision.valid_to err.date.calendar") {
		t.Errorf("fields = %v", got)
	}
	wantCode(t, errOf(svc.SaveProfile(f.ctx, referent, tiersTemps(999))), exam.ENOTFOUND, "")

	// Deleting: nothing left, justification included.
	if err := svc.DeleteProfile(f.ctx, referent, f.a.ID); err != nil {
		t.Fatal(err)
	}
	if n := count(t, f.db, "SELECT count(*) FROM accommodation_profiles") + count(t, f.db, "SELECT count(*) FROM accommodation_justifications"); n != 0 {
		t.Errorf("%d rows left", n)
	}
	audits := count(t, f.db, "SELECT count(*) FROM audit_log")
	if err := svc.DeleteProfile(f.ctx, referent, f.a.ID); err != nil {
		t.Fatal(err)
	}
	if count(t, f.db, "SELECT count(*) FROM audit_log") != audits {
		t.Error("deleting no profile wrote an audit entry")
	}
}

func errOf(_ int, err error) error { return err }

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// The audit entry of a save names the fields changed; the justification
// may be named, its text never appears.
func TestAccommodationService_Audit(t *testing.T) {
	f := newSessionFixture(t)
	svc := NewAccommodationService(f.db, f.ref)
	p := tiersTemps(f.a.ID)
	p.Justification = "JUSTIF-SECRET-1"
	if _, err := svc.SaveProfile(f.ctx, referent, p); err != nil {
		t.Fatal(err)
	}
	p.Justification = "JUSTIF-SECRET-2"
	if _, err := svc.SaveProfile(f.ctx, referent, p); err != nil {
		t.Fatal(err)
	}
	p.Time.ExtraMinutes = 10
	p.Aids.Scribe = true
	if _, err := svc.SaveProfile(f.ctx, referent, p); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteProfile(f.ctx, referent, f.a.ID); err != nil {
		t.Fatal(err)
	}
	recs, err := f.db.auditRecords(f.ctx, "candidate", f.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var changes [][]string
	var actions []string
	for _, r := range recs {
		if strings.Contains(string(r.Old)+string(r.New), "JUSTIF-SECRET") {
			t.Errorf("audit entry %d (%s) holds the justification", r.ID, r.Action)
		}
		if !strings.HasPrefix(r.Action, "accommodation.") {
			continue
		}
		actions = append(actions, r.Action)
		if r.Actor != referent {
			t.Errorf("entry %d by %+v", r.ID, r.Actor)
		}
		var n struct{ Changed []string }
		if err := json.Unmarshal(r.New, &n); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, n.Changed)
	}
	if !slices.Equal(actions, []string{"accommodation.save", "accommodation.save", "accommodation.save", "accommodation.delete"}) {
		t.Fatalf("actions = %v", actions)
	}
	first := changes[0]
	for _, want := range []string{"decision.authority", "decision.reference", "time.extra_percent", "aids.reader",
		"room.separate_room", "screen.text_scale", "screen.high_contrast", "jury_instructions", "justification"} {
		if !slices.Contains(first, want) {
			t.Errorf("first save: %q not among %v", want, first)
		}
	}
	if !slices.Equal(changes[1], []string{"justification"}) {
		t.Errorf("justification changed: %v", changes[1])
	}
	if !slices.Equal(changes[2], []string{"aids.scribe", "time.extra_minutes"}) {
		t.Errorf("scribe and minutes changed: %v", changes[2])
	}
}

// A profile wins over the allowance a session is given; saving or deleting
// it applies to the candidate's unsigned sessions at once (running
// épreuves included), never to a signed one.
func TestAccommodationService_Apply(t *testing.T) {
	f := newSessionFixture(t)
	svc := NewAccommodationService(f.db, f.ref)
	p := tiersTemps(f.b.ID)
	if _, err := svc.SaveProfile(f.ctx, referent, p); err != nil {
		t.Fatal(err)
	}
	// Session creation: b gets the profile; a, without one, keeps the
	// allowance given.
	draft := f.draft(exam.KindCertification)
	draft.Candidates[1].Allowance = exam.TimeAllowance{ExtraMinutes: 99}
	if err := f.sessions.CreateSession(f.ctx, admin, draft); err != nil {
		t.Fatal(err)
	}
	s := f.reload(t, draft.ID)
	a, b := s.Candidate(f.a.ID), s.Candidate(f.b.ID)
	if a.Accommodations != nil || a.Allowance.ExtraPercent != 33 || len(a.Allowance.Breaks) != 1 {
		t.Errorf("a = %+v", a)
	}
	if b.Accommodations == nil || b.Accommodations.Justification != "" || b.Allowance.ExtraPercent != 33 || b.Allowance.ExtraMinutes != 0 ||
		b.Accommodations.FrenchList() != p.FrenchList() || b.Accommodations.Decision != p.Decision {
		t.Errorf("b = %+v / %+v", b, b.Accommodations)
	}
	if !b.AccommodationsGranted() || !strings.Contains(b.AccommodationList(), "Salle séparée") {
		t.Errorf("b: %q", b.AccommodationList())
	}
	if count(t, f.db, "SELECT count(*) FROM session_candidates WHERE accommodations LIKE '%Dyslexie%'") != 0 {
		t.Error("the justification was copied into the session")
	}

	// Running: b's MSP is running, its ET is paused, its EF has ended.
	if err := f.sessions.StartSession(f.ctx, jury, s.ID, time.Date(2026, 6, 15, 8, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	nine := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	for _, e := range []struct {
		trial string
		kind  exam.TimerEventKind
		at    time.Time
	}{
		{"MSP", exam.TimerStart, nine},
		{"ET", exam.TimerStart, nine},
		{"ET", exam.TimerPause, nine.Add(10 * time.Minute)},
		{"EF", exam.TimerStart, nine.Add(-time.Hour)},
		{"EF", exam.TimerEnd, nine.Add(-30 * time.Minute)},
	} {
		if err := f.evals.RecordTimerEvent(f.ctx, jury, s.ID, f.b.ID, e.trial, exam.TimerEvent{Kind: e.kind, At: e.at}); err != nil {
			t.Fatalf("%s %s: %v", e.trial, e.kind, err)
		}
	}
	msp := f.ref.Trial("MSP")
	timer := exam.NewTimer(b.Allowance.Allot(*msp), f.events(t, s.ID, f.b.ID, "MSP"))
	before := timer.Status(nine.Add(20 * time.Minute))
	if !before.Deadline.Equal(nine.Add(80 * time.Minute)) { // 60 min + 33 % (20 min)
		t.Fatalf("deadline before = %v", before.Deadline)
	}

	// The referent changes the profile at 9:20: 50 % + 5 min.
	f.db.now = func() time.Time { return nine.Add(20 * time.Minute) }
	p.Time = exam.TimeAllowance{ExtraPercent: 50, ExtraMinutes: 5}
	n, err := svc.SaveProfile(f.ctx, referent, p)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d running épreuves changed, want 2 (MSP running, ET paused)", n)
	}
	s = f.reload(t, s.ID)
	b = s.Candidate(f.b.ID)
	if b.Allowance.ExtraPercent != 50 || b.Allowance.ExtraMinutes != 5 || b.Accommodations.Time.ExtraPercent != 50 {
		t.Errorf("b after the change = %+v", b.Allowance)
	}
	events := f.events(t, s.ID, f.b.ID, "MSP")
	last := events[len(events)-1]
	if last.Kind != exam.TimerExtra || last.Extra != 35*time.Minute || last.Reason != TimerReasonProfile || !last.At.Equal(nine.Add(20*time.Minute)) {
		t.Errorf("MSP events = %+v", events)
	}
	// The timer is built from the allowance as it stood at the start: the
	// event carries the new extra time.
	timer.Events = events
	after := timer.Status(nine.Add(21 * time.Minute))
	if !after.Deadline.Equal(nine.Add(95*time.Minute)) || after.Extra != 35*time.Minute {
		t.Errorf("deadline after = %v (extra %v), want 10:35", after.Deadline, after.Extra)
	}
	if ef := f.events(t, s.ID, f.b.ID, "EF"); len(ef) != 2 {
		t.Errorf("the ended EF got an event: %+v", ef)
	}
	// Saving the same profile again changes no timer.
	if n, err := svc.SaveProfile(f.ctx, referent, p); err != nil || n != 0 {
		t.Errorf("same profile again: %d, %v", n, err)
	}

	// Deleting the profile: no accommodation left in the unsigned session.
	if err := svc.DeleteProfile(f.ctx, referent, f.b.ID); err != nil {
		t.Fatal(err)
	}
	b = f.reload(t, s.ID).Candidate(f.b.ID)
	if b.Accommodations != nil || !b.Allowance.IsZero() || b.AccommodationsGranted() {
		t.Errorf("b after delete = %+v", b)
	}
	events = f.events(t, s.ID, f.b.ID, "MSP")
	if last := events[len(events)-1]; last.Kind != exam.TimerExtra || last.Extra != 0 {
		t.Errorf("MSP after delete = %+v", last)
	}
}

func (f *sessionFixture) events(t testing.TB, sessionID, candidateID int64, trial string) []exam.TimerEvent {
	t.Helper()
	es, err := f.evals.TimerEvents(f.ctx, jury, sessionID, candidateID, trial)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// Once the PV is signed, the accommodations applied stay as they were: a
// new profile does not reach the session, and the triggers refuse a change
// that bypasses the service.
func TestAccommodationService_SignedKept(t *testing.T) {
	f := newSessionFixture(t)
	svc := NewAccommodationService(f.db, f.ref)
	if _, err := svc.SaveProfile(f.ctx, referent, tiersTemps(f.a.ID)); err != nil {
		t.Fatal(err)
	}
	s := f.signed(t, exam.KindCertification)
	a := s.Candidate(f.a.ID)
	if a.Accommodations == nil || a.Allowance.ExtraPercent != 33 {
		t.Fatalf("a in the signed session = %+v", a)
	}
	p := tiersTemps(f.a.ID)
	p.Time.ExtraPercent = 50
	p.Aids.LSFInterpreter = true
	if _, err := svc.SaveProfile(f.ctx, referent, p); err != nil {
		t.Fatal(err)
	}
	again := f.reload(t, s.ID).Candidate(f.a.ID)
	if again.Allowance.ExtraPercent != 33 || again.Accommodations.Aids.LSFInterpreter || again.AccommodationList() != a.AccommodationList() {
		t.Errorf("the signed session changed: %+v", again.Accommodations)
	}
	if err := svc.DeleteProfile(f.ctx, referent, f.a.ID); err != nil {
		t.Fatal(err)
	}
	if f.reload(t, s.ID).Candidate(f.a.ID).Accommodations == nil {
		t.Error("deleting the profile reached the signed session")
	}
	conn := f.db.writer
	_, err := conn.Exec("UPDATE session_candidates SET accommodations = NULL WHERE session_id = ?", s.ID)
	wantCode(t, lockedFromTrigger(err), exam.ELOCKED, "err.locked")

	// The certifier export says what applied: a from the session's copy
	// of the profile, b and c had none.
	rec, err := f.export(t, admin, ExportSelection{SessionIDs: []int64{s.ID}})
	if err != nil {
		t.Fatal(err)
	}
	lists := map[int64]string{}
	for _, r := range rec.rows {
		lists[r.Candidate.ID] = r.AccommodationList
		if r.Accommodations != (r.AccommodationList != "") {
			t.Errorf("row of %d: granted %v, list %q", r.Candidate.ID, r.Accommodations, r.AccommodationList)
		}
	}
	want := "Temps majoré de 33 % ; Lecteur ; Salle séparée ; Texte à 200 % ; Contraste élevé"
	if lists[f.a.ID] != want || lists[f.b.ID] != "" || lists[f.c.ID] != "" {
		t.Errorf("export lists = %v, want a: %q", lists, want)
	}
}

// TestPermissions checks, for each role, which service methods are
// allowed and which give EFORBIDDEN, on the same data.
func TestPermissions(t *testing.T) {
	f := newSessionFixture(t)
	accs := NewAccommodationService(f.db, f.ref)
	users := NewAccountService(f.db)
	exports := NewExportService(f.db, f.ref)
	if _, err := accs.SaveProfile(f.ctx, referent, tiersTemps(f.a.ID)); err != nil {
		t.Fatal(err)
	}
	s := f.deliberated(t, exam.KindCertification)
	id, m := s.ID, s.Jury[0].ID
	roles := []exam.Actor{admin, jury, referent}
	type call struct {
		name  string
		allow []exam.Role
		call  func(a exam.Actor) error
	}
	grid := f.grid(f.a.ID, s.Jury[0].ID, "CCP1", "sssss")
	calls := []call{
		{"FindCandidates", roles3(), func(a exam.Actor) error {
			_, err := f.cands.FindCandidates(f.ctx, a, exam.CandidateFilter{})
			return err
		}},
		{"Candidate", roles3(), func(a exam.Actor) error { _, err := f.cands.Candidate(f.ctx, a, f.a.ID); return err }},
		{"UpdateCandidate", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error {
			c, _ := f.cands.Candidate(f.ctx, admin, f.c.ID)
			return f.cands.UpdateCandidate(f.ctx, a, c)
		}},
		{"CreateCandidate", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error {
			return f.cands.CreateCandidate(f.ctx, a, genCandidates(1, 50+len(a.Role))[0])
		}},
		{"FindSessions", roles3(), func(a exam.Actor) error {
			_, err := f.sessions.FindSessions(f.ctx, a, exam.SessionFilter{})
			return err
		}},
		{"Session", roles3(), func(a exam.Actor) error { _, err := f.sessions.Session(f.ctx, a, id); return err }},
		{"CreateSession", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error {
			return f.sessions.CreateSession(f.ctx, a, f.draft(exam.KindMock))
		}},
		{"UpdateSession", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error { return f.sessions.UpdateSession(f.ctx, a, f.reload(t, id)) }},
		{"RecordTimerEvent", []exam.Role{exam.RoleJury}, func(a exam.Actor) error {
			return f.evals.RecordTimerEvent(f.ctx, a, id, f.a.ID, "ET", exam.TimerEvent{Kind: exam.TimerStart, At: time.Now()})
		}},
		{"RecordIncident", []exam.Role{exam.RoleJury}, func(a exam.Actor) error {
			return f.delib.RecordIncident(f.ctx, a, &exam.Incident{SessionID: id, Kind: exam.IncidentOther, At: time.Now(), Text: "Coupure de courant."})
		}},
		{"SaveGrid", []exam.Role{exam.RoleJury}, func(a exam.Actor) error { g := grid; return f.evals.SaveGrid(f.ctx, a, id, &g) }},
		{"Decide", []exam.Role{exam.RoleJury}, func(a exam.Actor) error {
			return f.evals.Decide(f.ctx, a, id, &exam.BlockDecision{CandidateID: f.a.ID, Block: "CCP1", Outcome: exam.OutcomeAcquired})
		}},
		{"ConfirmResult", []exam.Role{exam.RoleJury}, func(a exam.Actor) error {
			return f.delib.ConfirmResult(f.ctx, a, &exam.CandidateResult{SessionID: id, CandidateID: f.a.ID})
		}},
		{"SetMemberSecret", []exam.Role{exam.RoleJury}, func(a exam.Actor) error { return f.delib.SetMemberSecret(f.ctx, a, id, m, pin(0)) }},
		{"Grids", roles3(), func(a exam.Actor) error { _, err := f.evals.Grids(f.ctx, a, id, f.a.ID); return err }},
		{"Minutes", roles3(), func(a exam.Actor) error { _, err := f.delib.Minutes(f.ctx, a, id); return err }},
		{"Export", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error {
			return exports.Export(f.ctx, a, ExportSelection{SessionIDs: []int64{id}, Draft: true}, &exportRecorder{})
		}},
		{"ExportHead", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error {
			_, err := exports.ExportHead(f.ctx, a, ExportSelection{SessionIDs: []int64{id}, Draft: true})
			return err
		}},
		{"Profile", roles3(), func(a exam.Actor) error { _, err := accs.Profile(f.ctx, a, f.a.ID); return err }},
		{"Profiles", roles3(), func(a exam.Actor) error { _, err := accs.Profiles(f.ctx, a, nil); return err }},
		{"SaveProfile", []exam.Role{exam.RoleReferent}, func(a exam.Actor) error {
			_, err := accs.SaveProfile(f.ctx, a, tiersTemps(f.c.ID))
			return err
		}},
		{"DeleteProfile", []exam.Role{exam.RoleReferent}, func(a exam.Actor) error { return accs.DeleteProfile(f.ctx, a, f.c.ID) }},
		{"Accounts", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error { _, err := users.Accounts(f.ctx, a); return err }},
		{"CreateAccount", []exam.Role{exam.RoleAdmin}, func(a exam.Actor) error {
			return users.CreateAccount(f.ctx, a, &exam.Account{Login: "u-" + string(a.Role), Name: "U", Role: exam.RoleJury}, "12345678")
		}},
	}
	for _, c := range calls {
		for _, a := range roles {
			t.Run(c.name+"/"+string(a.Role), func(t *testing.T) {
				err := c.call(a)
				if slices.Contains(c.allow, a.Role) {
					if exam.ErrorCode(err) == exam.EFORBIDDEN {
						t.Errorf("refused: %v", err)
					}
					return
				}
				wantCode(t, err, exam.EFORBIDDEN, "err.forbidden")
			})
		}
	}

	// Signing and amending: the jury only.
	for _, a := range []exam.Actor{admin, referent} {
		wantCode(t, f.delib.Sign(f.ctx, a, id, m, pin(0)), exam.EFORBIDDEN, "err.forbidden")
		wantCode(t, f.delib.AmendResult(f.ctx, a, &exam.CandidateResult{SessionID: id, CandidateID: f.a.ID}, "x"), exam.EFORBIDDEN, "err.forbidden")
		wantCode(t, f.sessions.StartSession(f.ctx, a, id, time.Now()), exam.EFORBIDDEN, "err.forbidden")
		wantCode(t, f.sessions.SetAbsent(f.ctx, a, id, f.a.ID, true), exam.EFORBIDDEN, "err.forbidden")
	}
	// The justification: the referent reads it, nobody else, by any call.
	for _, a := range roles {
		p, err := accs.Profile(f.ctx, a, f.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		all, err := accs.Profiles(f.ctx, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		sess := f.reload(t, id)
		leaked := sess.Candidate(f.a.ID).Accommodations.Justification
		if a.Role == exam.RoleReferent {
			if p.Justification == "" || all[f.a.ID].Justification == "" {
				t.Errorf("the referent cannot read the justification")
			}
		} else if p.Justification != "" || all[f.a.ID].Justification != "" {
			t.Errorf("%s reads the justification", a.Role)
		}
		if leaked != "" {
			t.Errorf("the session shows the justification to %s", a.Role)
		}
	}
}

func roles3() []exam.Role { return exam.Roles }
