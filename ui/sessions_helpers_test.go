package ui

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// sessionFixture is a fixture with the session services, a fixed clock and
// recording documents.
type sessionFixture struct {
	*fixture
	sessions *storage.SessionService
	evals    *storage.EvaluationService
	delib    *storage.DeliberationService
	docs     *fakeDocs
	// now is the clock of the UI; tests move it (on the test goroutine,
	// which plays the UI goroutine).
	now time.Time
	// as is who openSessions enters the window as: a jury member unless a
	// test prepares sessions as the administrator.
	as exam.Actor
}

// day0 is the fixed day of the tests' sessions, 09:00 local time.
var day0 = time.Date(2026, 6, 15, 9, 0, 0, 0, time.Local)

func newSessionFixture(t *testing.T) *sessionFixture {
	t.Helper()
	storage.FastSecrets(t)
	f := newFixture(t)
	return sessionFixtureOn(f)
}

func sessionFixtureOn(f *fixture) *sessionFixture {
	return &sessionFixture{
		fixture:  f,
		sessions: storage.NewSessionService(f.db, f.ref),
		evals:    storage.NewEvaluationService(f.db, f.ref),
		delib:    storage.NewDeliberationService(f.db, f.ref),
		docs:     &fakeDocs{},
		now:      day0,
		as:       jury,
	}
}

func (sf *sessionFixture) deps() Deps {
	d := sf.fixture.deps()
	d.Sessions, d.Evaluations, d.Deliberation = sf.sessions, sf.evals, sf.delib
	d.Documents = sf.docs
	d.Now = func() time.Time { return sf.now }
	return d
}

// openSessions builds the window on the Sessions tab and waits for the
// list.
func (sf *sessionFixture) openSessions() *sessionsScreen {
	sf.t.Helper()
	sf.openAs(sf.deps(), sf.as)
	sf.mw.tabs.Select(sf.mw.sessionsTab)
	s := sf.mw.sessions
	sf.waitFor("the session list", func() bool { return !s.listing })
	return s
}

// openSession opens the window on a stored session and waits for it.
func (sf *sessionFixture) openSession(id int64) *sessionView {
	sf.t.Helper()
	return sf.selectSession(sf.openSessions(), id)
}

// switchTo enters the open window as a (as after a change of user), shows
// the Sessions tab and opens session id.
func (sf *sessionFixture) switchTo(a exam.Actor, id int64) *sessionView {
	sf.t.Helper()
	sf.mw.logout()
	sf.enter(a)
	sf.mw.tabs.Select(sf.mw.sessionsTab)
	s := sf.mw.sessions
	sf.waitFor("the session list", func() bool { return !s.listing })
	return sf.selectSession(s, id)
}

// selectSession opens session id of the list and waits for it.
func (sf *sessionFixture) selectSession(s *sessionsScreen, id int64) *sessionView {
	sf.t.Helper()
	for i, it := range s.items {
		if it.ID == id {
			s.list.Select(i)
		}
	}
	if s.view == nil || s.view.id != id {
		sf.t.Fatalf("session %d not in the list (%d items)", id, len(s.items))
	}
	v := s.view
	sf.waitFor("the session", func() bool { return v.session != nil && !v.loading })
	return v
}

// show selects a sub-screen and waits for its data.
func (sf *sessionFixture) show(v *sessionView, tab *container.TabItem) {
	v.selectTab(tab)
	sf.waitIdle()
}

// session stores a session of the given candidates with two members free
// of conflict (the president Sophie Bernard, PIN 1111; Karim Haddad, PIN
// 2222) plus the extra members, and starts it at day0 when start is set.
func (sf *sessionFixture) session(kind exam.SessionKind, cands []*exam.Candidate, extra []exam.Member, start bool) *exam.Session {
	sf.t.Helper()
	s := &exam.Session{
		Kind: kind, Scope: exam.ScopeFullTitle, Reference: "2026-LYON-07",
		StartDate: exam.DateOf(day0), Place: "Lyon, salle 3", TrainingCentre: "AFPA Lyon",
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(17, 30), Changeover: 10 * time.Minute,
		Jury: append([]exam.Member{
			{Name: "Sophie Bernard", Organisation: "Mairie de Lyon", Habilitation: "HAB-1", Role: exam.JuryPresident, External: true},
			{Name: "Karim Haddad", Organisation: "Transdev", Habilitation: "HAB-2", Role: exam.JuryMember, External: true},
		}, extra...),
	}
	for _, c := range cands {
		s.Candidates = append(s.Candidates, exam.SessionCandidate{Candidate: exam.Candidate{ID: c.ID}})
	}
	if err := sf.sessions.CreateSession(sf.ctx, admin, s); err != nil {
		sf.t.Fatalf("create session: %v", err)
	}
	for i, pin := range []string{"1111", "2222"} {
		if err := sf.delib.SetMemberSecret(sf.ctx, jury, s.ID, s.Jury[i].ID, pin); err != nil {
			sf.t.Fatal(err)
		}
	}
	if start {
		if err := sf.sessions.StartSession(sf.ctx, jury, s.ID, day0); err != nil {
			sf.t.Fatalf("start session: %v", err)
		}
	}
	got, err := sf.sessions.Session(sf.ctx, admin, s.ID)
	if err != nil {
		sf.t.Fatal(err)
	}
	return got
}

// decideAll records a decision on every block the candidate sits.
func (sf *sessionFixture) decideAll(s *exam.Session, candidateID int64, outcome exam.BlockOutcome) {
	sf.t.Helper()
	for _, code := range s.Candidate(candidateID).Blocks {
		d := &exam.BlockDecision{CandidateID: candidateID, Block: code, Outcome: outcome, Reason: "motif écrit"}
		if err := sf.evals.Decide(sf.ctx, jury, s.ID, d); err != nil {
			sf.t.Fatalf("decide %s: %v", code, err)
		}
	}
}

// fakeDocs records the documents asked for.
type fakeDocs struct {
	mu       sync.Mutex
	calls    []string
	archived []exam.ArchivedMinutes // what ArchivedMinutes returns
}

func (d *fakeDocs) record(s string, w io.Writer) error {
	d.mu.Lock()
	d.calls = append(d.calls, s)
	d.mu.Unlock()
	_, err := io.WriteString(w, s)
	return err
}

func (d *fakeDocs) Minutes(_ context.Context, a exam.Actor, id int64, w io.Writer) error {
	return d.record("minutes as "+a.Name, w)
}

func (d *fakeDocs) Feedback(_ context.Context, a exam.Actor, id, cid int64, format string, w io.Writer) error {
	return d.record("feedback "+format+" as "+a.Name, w)
}

func (d *fakeDocs) ArchivedMinutes(_ context.Context, a exam.Actor, id int64) ([]exam.ArchivedMinutes, error) {
	return d.archived, nil
}

func (d *fakeDocs) Convocations(_ context.Context, a exam.Actor, id int64, w io.Writer) error {
	return d.record("convocations as "+a.Name, w)
}

// allText is every visible label and button text laid out under o.
func allText(o fyne.CanvasObject) string { return strings.Join(texts(o), "|") }
