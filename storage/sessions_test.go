package storage

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

var referent = exam.Actor{UserID: 3, Name: "referent", Role: exam.RoleReferent}

// sessionFixture is a database with the three session services and three
// stored candidates:
//   - a: trained by member Haddad;
//   - b: employed by Keolis Lyon, member Petit's organisation;
//   - c: CCP2 acquired in 2024, so sits CCP1 and CCP3 only.
//
// Each has exactly two members free of conflict in the fixture's jury.
type sessionFixture struct {
	ctx      context.Context
	db       *DB
	ref      *exam.Referentiel
	cands    *CandidateService
	sessions *SessionService
	evals    *EvaluationService
	delib    *DeliberationService
	a, b, c  *exam.Candidate
}

func newSessionFixture(t testing.TB) *sessionFixture {
	t.Helper()
	FastSecrets(t)
	db := MustOpen(t)
	return fixtureOn(t, db, true)
}

// fixtureOn builds the services on db; with store, it also stores the three
// candidates.
func fixtureOn(t testing.TB, db *DB, store bool) *sessionFixture {
	t.Helper()
	FastSecrets(t)
	ref := MustReferentiel(t)
	f := &sessionFixture{ctx: context.Background(), db: db, ref: ref, cands: NewCandidateService(db, ref),
		sessions: NewSessionService(db, ref), evals: NewEvaluationService(db, ref), delib: NewDeliberationService(db, ref)}
	if !store {
		return f
	}
	cs := genCandidates(3, 0)
	cs[2].Acquired = []exam.AcquiredBlock{{BlockCode: "RNCP37722BC02", Date: exam.NewDate(2024, 6, 1), SessionRef: "S-2024-06"}}
	if err := f.cands.ImportCandidates(f.ctx, admin, cs); err != nil {
		t.Fatal(err)
	}
	f.a, f.b, f.c = cs[0], cs[1], cs[2]
	return f
}

// draft returns an unsaved certification session of the fixture's
// candidates and jury.
func (f *sessionFixture) draft(kind exam.SessionKind) *exam.Session {
	return &exam.Session{
		Kind: kind, Scope: exam.ScopeFullTitle, Reference: "2026-LYON-07",
		StartDate: exam.NewDate(2026, 6, 15), Place: "Lyon, salle 3", TrainingCentre: "Centre de formation de Lyon",
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(18, 0), Changeover: 10 * time.Minute,
		Candidates: []exam.SessionCandidate{
			{Candidate: exam.Candidate{ID: f.a.ID}, Allowance: exam.TimeAllowance{ExtraPercent: 33,
				Breaks: []exam.Break{{At: 30 * time.Minute, Length: 5 * time.Minute}}}},
			{Candidate: exam.Candidate{ID: f.b.ID}, Employer: "Keolis Lyon"},
			{Candidate: exam.Candidate{ID: f.c.ID}},
		},
		Jury: []exam.Member{
			{Name: "Sophie Bernard", Organisation: "Mairie de Lyon", Habilitation: "HAB-2024-001", Role: exam.JuryPresident, External: true},
			{Name: "Karim Haddad", Organisation: "Transdev", Habilitation: "HAB-2023-117", Role: exam.JuryMember, TrainerOf: []int64{f.a.ID}},
			{Name: "Julie Petit", Organisation: "Keolis Lyon", Habilitation: "HAB-2022-042", Role: exam.JuryMember},
		},
	}
}

// created stores a draft session.
func (f *sessionFixture) created(t testing.TB, kind exam.SessionKind) *exam.Session {
	t.Helper()
	s := f.draft(kind)
	if err := f.sessions.CreateSession(f.ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// started stores a draft session and starts it.
func (f *sessionFixture) started(t testing.TB, kind exam.SessionKind) *exam.Session {
	t.Helper()
	s := f.created(t, kind)
	if err := f.sessions.StartSession(f.ctx, jury, s.ID, time.Date(2026, 6, 15, 8, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return f.reload(t, s.ID)
}

func (f *sessionFixture) reload(t testing.TB, id int64) *exam.Session {
	t.Helper()
	s, err := f.sessions.Session(f.ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// grade has every member able to grade the candidate (and only them) fill
// the block's grid with verdicts, one letter per competence: s satisfied,
// n not satisfied, - not evaluated.
func (f *sessionFixture) grade(t testing.TB, s *exam.Session, candidateID int64, short, verdicts string) {
	t.Helper()
	for _, m := range s.Jury {
		if !s.CanGrade(m.ID, candidateID) {
			continue
		}
		g := f.grid(candidateID, m.ID, short, verdicts)
		if err := f.evals.SaveGrid(f.ctx, jury, s.ID, &g); err != nil {
			t.Fatalf("grid of member %d: %v", m.ID, err)
		}
	}
}

func (f *sessionFixture) grid(candidateID, memberID int64, short, verdicts string) exam.Grid {
	b := f.ref.Block(short)
	g := exam.NewGrid(candidateID, memberID, b)
	for i, r := range verdicts {
		switch r {
		case 's':
			g.Assessments[i].Verdict = exam.Satisfied
		case 'n':
			g.Assessments[i].Verdict, g.Assessments[i].Observation = exam.NotSatisfied, "pas démontré"
		}
	}
	return g
}

func (f *sessionFixture) decide(t testing.TB, sessionID, candidateID int64, short string, outcome exam.BlockOutcome, reason string) {
	t.Helper()
	d := exam.BlockDecision{CandidateID: candidateID, Block: short, Outcome: outcome, Reason: reason}
	if err := f.evals.Decide(f.ctx, jury, sessionID, &d); err != nil {
		t.Fatalf("decide %s: %v", short, err)
	}
}

// deliberated starts a certification session and settles every candidate:
// a obtains the title; b acquires CCP1 and CCP2 but not CCP3 (partial); c is
// absent. Every member has the PIN "1234" + their position.
func (f *sessionFixture) deliberated(t testing.TB, kind exam.SessionKind) *exam.Session {
	t.Helper()
	s := f.started(t, kind)
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

func pin(i int) string { return "123" + string(rune('4'+i)) }

// signed is deliberated followed by every member's signature.
func (f *sessionFixture) signed(t testing.TB, kind exam.SessionKind) *exam.Session {
	t.Helper()
	s := f.deliberated(t, kind)
	for i, m := range s.Jury {
		if err := f.delib.Sign(f.ctx, jury, s.ID, m.ID, pin(i)); err != nil {
			t.Fatalf("sign %s: %v", m.Name, err)
		}
	}
	return f.reload(t, s.ID)
}

func fieldsOf(e *exam.Error) []string {
	var out []string
	for _, fe := range e.Fields {
		out = append(out, fe.Field+" "+fe.Key)
	}
	return out
}

func TestSessionService_CreateSession(t *testing.T) {
	f := newSessionFixture(t)
	s := f.draft(exam.KindCertification)
	s.Referentiel, s.ReferentielVersion = "", "" // filled from the référentiel
	s.Candidates[2].Blocks = nil
	if err := f.sessions.CreateSession(f.ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	if s.ID == 0 || s.CreatedAt.IsZero() || s.Jury[0].ID == 0 || s.Jury[2].ID == 0 || s.Jury[0].ID == s.Jury[1].ID {
		t.Fatalf("IDs not set: %+v", s)
	}
	if s.Referentiel != f.ref.Code || s.ReferentielVersion != f.ref.Version {
		t.Errorf("référentiel = %q %q", s.Referentiel, s.ReferentielVersion)
	}
	// Default blocks: every block not already acquired.
	if got, want := s.Candidates[0].Blocks, []string{"RNCP37722BC01", "RNCP37722BC02", "RNCP37722BC03"}; !slices.Equal(got, want) {
		t.Errorf("blocks of a = %v, want %v", got, want)
	}
	if got, want := s.Candidates[2].Blocks, []string{"RNCP37722BC01", "RNCP37722BC03"}; !slices.Equal(got, want) {
		t.Errorf("blocks of c (CCP2 acquired) = %v, want %v", got, want)
	}
	// The candidates are read from the database.
	if s.Candidates[1].Candidate.BirthName != f.b.BirthName || len(s.Candidates[2].Candidate.Acquired) != 1 {
		t.Errorf("candidates not read back: %+v", s.Candidates[1].Candidate)
	}
	got := f.reload(t, s.ID)
	if !reflect.DeepEqual(got, s) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, s)
	}
	if got.Locked() || !got.StartedAt.IsZero() {
		t.Errorf("a new session is neither started nor signed")
	}
	if recs, err := f.db.auditRecords(f.ctx, "session", s.ID); err != nil || len(recs) != 1 || recs[0].Action != "session.create" {
		t.Errorf("audit = %+v, %v", recs, err)
	}

	invalid := []struct {
		name   string
		edit   func(s *exam.Session)
		fields []string
	}{
		{"no place", func(s *exam.Session) { s.Place = " " }, []string{"place err.required"}},
		{"unknown candidate", func(s *exam.Session) { s.Candidates[0].Candidate.ID = 999 },
			[]string{"candidates[0].candidate err.candidate.not_found", "jury[1].trainer_of err.session.conflict_candidate"}},
		{"CCP only without blocks", func(s *exam.Session) { s.Scope = exam.ScopeCCP },
			[]string{"candidates[0].blocks err.session.no_blocks", "candidates[1].blocks err.session.no_blocks", "candidates[2].blocks err.session.no_blocks"}},
		{"block already acquired", func(s *exam.Session) { s.Candidates[2].Blocks = []string{"CCP1", "CCP2", "CCP3"} },
			[]string{"candidates[2].blocks err.session.block_acquired"}},
		{"block missing in a full title", func(s *exam.Session) { s.Candidates[0].Blocks = []string{"CCP1"} },
			[]string{"candidates[0].blocks err.session.block_missing", "candidates[0].blocks err.session.block_missing"}},
		{"two presidents", func(s *exam.Session) { s.Jury[1].Role = exam.JuryPresident }, []string{"jury[1].role err.session.president_many"}},
		{"registered twice", func(s *exam.Session) { s.Candidates[1].Candidate.ID = f.a.ID },
			[]string{"candidates[1].candidate err.session.candidate_duplicate"}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			s := f.draft(exam.KindCertification)
			tt.edit(s)
			e := wantCode(t, f.sessions.CreateSession(f.ctx, admin, s), exam.EINVALID, "")
			if got := fieldsOf(e); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
			if s.ID != 0 {
				t.Errorf("ID set on failure")
			}
		})
	}
	wantCode(t, f.sessions.CreateSession(f.ctx, jury, f.draft(exam.KindMock)), exam.EFORBIDDEN, "err.forbidden")
	if n := count(t, f.db, "SELECT count(*) FROM sessions"); n != 1 {
		t.Errorf("%d sessions stored", n)
	}
	if _, err := f.sessions.Session(f.ctx, referent, s.ID); err != nil {
		t.Errorf("a referent may read sessions: %v", err)
	}
	wantCode(t, func() error { _, err := f.sessions.Session(f.ctx, admin, 999); return err }(), exam.ENOTFOUND, "err.session.not_found")
}

func TestSessionService_FindSessions(t *testing.T) {
	f := newSessionFixture(t)
	mk := func(kind exam.SessionKind, start, end exam.Date) *exam.Session {
		s := f.draft(kind)
		s.StartDate, s.EndDate = start, end
		s.Candidates = s.Candidates[:2]
		s.Jury[1].TrainerOf = nil
		if err := f.sessions.CreateSession(f.ctx, admin, s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	june := mk(exam.KindCertification, exam.NewDate(2026, 6, 15), exam.NewDate(2026, 6, 16))
	may := mk(exam.KindMock, exam.NewDate(2026, 5, 20), exam.Date{})
	july := mk(exam.KindCertification, exam.NewDate(2026, 7, 1), exam.Date{})
	if err := f.sessions.StartSession(f.ctx, jury, july.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter exam.SessionFilter
		want   []int64
	}{
		{"all, latest first", exam.SessionFilter{}, []int64{july.ID, june.ID, may.ID}},
		{"mock exams", exam.SessionFilter{Kind: exam.KindMock}, []int64{may.ID}},
		{"overlapping the 16th of June", exam.SessionFilter{From: exam.NewDate(2026, 6, 16), To: exam.NewDate(2026, 6, 30)}, []int64{june.ID}},
		{"from the 17th", exam.SessionFilter{From: exam.NewDate(2026, 6, 17)}, []int64{july.ID}},
		{"until May", exam.SessionFilter{To: exam.NewDate(2026, 5, 31)}, []int64{may.ID}},
		{"limit", exam.SessionFilter{Limit: 2}, []int64{july.ID, june.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.sessions.FindSessions(f.ctx, referent, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, s := range got {
				ids = append(ids, s.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("IDs = %v, want %v", ids, tt.want)
			}
		})
	}
	got, err := f.sessions.FindSessions(f.ctx, admin, exam.SessionFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := exam.SessionSummary{ID: july.ID, Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: "2026-LYON-07",
		StartDate: exam.NewDate(2026, 7, 1), Place: "Lyon, salle 3", TrainingCentre: "Centre de formation de Lyon", Candidates: 2, Started: true}
	if len(got) != 1 || got[0] != want {
		t.Errorf("summary = %+v\nwant      %+v", got, want)
	}
	wantCode(t, func() error {
		_, err := f.sessions.FindSessions(f.ctx, exam.Actor{Role: "nobody"}, exam.SessionFilter{})
		return err
	}(),
		exam.EFORBIDDEN, "")
}

func TestSessionService_UpdateSession(t *testing.T) {
	f := newSessionFixture(t)
	s := f.created(t, exam.KindCertification)
	if err := f.delib.SetMemberSecret(f.ctx, jury, s.ID, s.Jury[1].ID, "4321"); err != nil {
		t.Fatal(err)
	}
	extra := genCandidates(1, 10)[0]
	if err := f.cands.CreateCandidate(f.ctx, admin, extra); err != nil {
		t.Fatal(err)
	}

	t.Run("fields, candidates and jury", func(t *testing.T) {
		s := f.reload(t, s.ID)
		s.Place = "Villeurbanne, salle 1"
		s.Candidates = append(s.Candidates[1:], exam.SessionCandidate{Candidate: exam.Candidate{ID: extra.ID}, Employer: "SNCF"})
		s.Jury[1].TrainerOf = nil
		s.Jury = append(s.Jury[:2], exam.Member{Name: "Nadia Roux", Organisation: "Ville de Lyon", Habilitation: "HAB-2025-007", Role: exam.JuryMember})
		if err := f.sessions.UpdateSession(f.ctx, admin, s); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, s.ID)
		if !reflect.DeepEqual(got, s) {
			t.Errorf("read back\n%+v\nwant\n%+v", got, s)
		}
		if got.Candidates[0].Candidate.ID != f.b.ID || got.Candidates[2].Candidate.ID != extra.ID || len(got.Candidates[2].Blocks) != 3 {
			t.Errorf("candidates = %+v", got.Candidates)
		}
		if got.Jury[2].ID == 0 || got.Jury[2].ID == s.Jury[1].ID {
			t.Errorf("new member ID = %d", got.Jury[2].ID)
		}
		// The kept member keeps their signing secret.
		if n := count(t, f.db, "SELECT count(*) FROM members WHERE id = ? AND secret_hash <> ''", s.Jury[1].ID); n != 1 {
			t.Errorf("the secret of a kept member was lost")
		}
		if n := count(t, f.db, "SELECT count(*) FROM members WHERE session_id = ?", s.ID); n != 3 {
			t.Errorf("%d members stored, want 3", n)
		}
	})

	if err := f.sessions.StartSession(f.ctx, jury, s.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	s = f.reload(t, s.ID)
	f.grade(t, s, f.b.ID, "CCP1", "sssss")
	refusals := []struct {
		name string
		edit func(s *exam.Session)
		code string
		key  string
	}{
		{"remove a graded candidate", func(s *exam.Session) { s.Candidates = s.Candidates[1:] }, exam.ECONFLICT, "err.session.candidate_in_use"},
		{"remove a member who graded", func(s *exam.Session) { s.Jury = s.Jury[:1] }, exam.ECONFLICT, "err.session.member_in_use"},
		{"a member of another session", func(s *exam.Session) { s.Jury[0].ID = 999 }, exam.ENOTFOUND, "err.session.member_unknown"},
		{"invalid", func(s *exam.Session) { s.Place = "" }, exam.EINVALID, ""},
		{"unknown session", func(s *exam.Session) { s.ID = 999 }, exam.ENOTFOUND, "err.session.not_found"},
	}
	id := s.ID
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			s := f.reload(t, id)
			tt.edit(s)
			wantCode(t, f.sessions.UpdateSession(f.ctx, admin, s), tt.code, tt.key)
			if got := f.reload(t, id); len(got.Candidates) != 3 || len(got.Jury) != 3 || got.Place != "Villeurbanne, salle 1" {
				t.Errorf("the refused update changed the session: %+v", got)
			}
		})
	}
}

func TestSessionService_DeleteSession(t *testing.T) {
	f := newSessionFixture(t)
	draft := f.created(t, exam.KindCertification)
	if err := f.sessions.DeleteSession(f.ctx, admin, draft.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"sessions", "session_candidates", "members", "member_conflicts"} {
		if n := count(t, f.db, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
	if n := count(t, f.db, "SELECT count(*) FROM candidates"); n != 3 {
		t.Errorf("the candidates went with the session")
	}
	wantCode(t, f.sessions.DeleteSession(f.ctx, admin, draft.ID), exam.ENOTFOUND, "err.session.not_found")
	started := f.started(t, exam.KindCertification)
	wantCode(t, f.sessions.DeleteSession(f.ctx, admin, started.ID), exam.ELOCKED, "err.session.started")
	wantCode(t, f.sessions.DeleteSession(f.ctx, jury, started.ID), exam.EFORBIDDEN, "")
	// A registered candidate cannot be deleted from under the session.
	if err := f.cands.DeleteCandidate(f.ctx, admin, f.a.ID); err == nil {
		t.Errorf("a registered candidate was deleted")
	}
}

func TestSessionService_StartSession(t *testing.T) {
	f := newSessionFixture(t)
	at := time.Date(2026, 6, 15, 8, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name   string
		kind   exam.SessionKind
		edit   func(s *exam.Session)
		fields []string
	}{
		{"ready", exam.KindCertification, func(s *exam.Session) {}, nil},
		{"mock exam with one trainer", exam.KindMock, func(s *exam.Session) {
			s.Jury = s.Jury[1:2]
			s.Jury[0].Habilitation = ""
		}, nil},
		{"no candidate", exam.KindCertification, func(s *exam.Session) {
			s.Candidates, s.Jury[1].TrainerOf = nil, nil
		}, []string{"candidates err.session.no_candidates"}},
		{"one member", exam.KindCertification, func(s *exam.Session) { s.Jury = s.Jury[:1] }, []string{
			"jury err.session.jury_size", "candidates[0] err.session.jury_short", "candidates[1] err.session.jury_short", "candidates[2] err.session.jury_short"}},
		{"no president, no habilitation", exam.KindCertification, func(s *exam.Session) {
			s.Jury[0].Role, s.Jury[2].Habilitation = exam.JuryMember, ""
		}, []string{"jury[2].habilitation err.session.habilitation", "jury err.session.president_missing"}},
		{"the president trained a", exam.KindCertification, func(s *exam.Session) {
			s.Jury[0].TrainerOf = []int64{f.a.ID}
		}, []string{"candidates[0] err.session.jury_short"}},
		{"absent candidates need no jury", exam.KindCertification, func(s *exam.Session) {
			s.Jury[0].TrainerOf = []int64{f.a.ID}
			s.Candidates[0].Absent = true
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := f.draft(tt.kind)
			tt.edit(s)
			if err := f.sessions.CreateSession(f.ctx, admin, s); err != nil {
				t.Fatal(err)
			}
			err := f.sessions.StartSession(f.ctx, jury, s.ID, at)
			if tt.fields == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got := f.reload(t, s.ID); !got.StartedAt.Equal(at) {
					t.Errorf("StartedAt = %v, want %v", got.StartedAt, at)
				}
				wantCode(t, f.sessions.StartSession(f.ctx, jury, s.ID, at), exam.ECONFLICT, "err.session.already_started")
				return
			}
			e := wantCode(t, err, exam.EINVALID, "err.session.not_ready")
			if got := fieldsOf(e); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
			if got := f.reload(t, s.ID); !got.StartedAt.IsZero() {
				t.Errorf("started anyway")
			}
		})
	}
	// Who is missing is named.
	s := f.draft(exam.KindCertification)
	s.Jury[0].TrainerOf = []int64{f.a.ID}
	if err := f.sessions.CreateSession(f.ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	e := wantCode(t, f.sessions.StartSession(f.ctx, jury, s.ID, at), exam.EINVALID, "err.session.not_ready")
	if d := e.Fields[0].Data; d["Candidate"] != f.a.DisplayName() || d["Missing"] != 1 {
		t.Errorf("shortage data = %v", d)
	}
	wantCode(t, f.sessions.StartSession(f.ctx, jury, s.ID, time.Time{}), exam.EINVALID, "")
	wantCode(t, f.sessions.StartSession(f.ctx, referent, s.ID, at), exam.EFORBIDDEN, "")
	wantCode(t, f.sessions.StartSession(f.ctx, jury, 999, at), exam.ENOTFOUND, "err.session.not_found")
}

func TestSessionService_SetAbsent(t *testing.T) {
	f := newSessionFixture(t)
	s := f.deliberated(t, exam.KindCertification)
	audits := count(t, f.db, "SELECT count(*) FROM audit_log")
	// No change: nothing written.
	if err := f.sessions.SetAbsent(f.ctx, jury, s.ID, f.c.ID, true); err != nil {
		t.Fatal(err)
	}
	if n := count(t, f.db, "SELECT count(*) FROM audit_log"); n != audits {
		t.Errorf("a no-op was audited")
	}
	if err := f.delib.Sign(f.ctx, jury, s.ID, s.Jury[0].ID, pin(0)); err != nil {
		t.Fatal(err)
	}
	// Marking a present candidate absent withdraws their result and the
	// signatures given.
	if err := f.sessions.SetAbsent(f.ctx, jury, s.ID, f.b.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := f.reload(t, s.ID); !got.Candidate(f.b.ID).Absent {
		t.Errorf("b not absent")
	}
	results, err := f.delib.Results(f.ctx, jury, s.ID)
	if err != nil || len(results) != 1 || results[0].CandidateID != f.a.ID {
		t.Errorf("results = %+v, %v", results, err)
	}
	if m, err := f.delib.Minutes(f.ctx, jury, s.ID); err != nil || len(m.Signatures) != 0 {
		t.Errorf("signatures kept: %+v, %v", m, err)
	}
	wantCode(t, f.sessions.SetAbsent(f.ctx, jury, s.ID, 999, true), exam.ENOTFOUND, "err.session.candidate_unknown")
	wantCode(t, f.sessions.SetAbsent(f.ctx, referent, s.ID, f.a.ID, true), exam.EFORBIDDEN, "")
}
