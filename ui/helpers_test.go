package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

func TestMain(m *testing.M) {
	if os.Getenv("AMIS_UI_LANG_CASE") == "" { // TestSetupLanguage's child sets it up itself
		SetupLanguage(LangFrench)
	}
	os.Exit(m.Run())
}

var admin = exam.Actor{Name: "Claire Test", Role: exam.RoleAdmin}

// fixture is an app on a real SQLite database in a temporary directory.
type fixture struct {
	t   *testing.T
	ctx context.Context
	app fyne.App
	db  *storage.DB
	ref *exam.Referentiel
	svc *storage.CandidateService
	mw  *mainWindow
	s   *candidateScreen
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background()}
	f.app = test.NewTempApp(t)
	f.db = storage.MustOpen(t)
	f.ref = storage.MustReferentiel(t)
	f.svc = storage.NewCandidateService(f.db, f.ref)
	return f
}

// deps are the dependencies the lead wires, on the fixture's database.
func (f *fixture) deps() Deps {
	return Deps{
		Candidates:  f.svc,
		Referentiel: f.ref,
		Actor:       admin,
		DBPath:      f.db.Path(),
		Version:     "1.2.3-test",
	}
}

// open builds the main window and waits for the first list.
func (f *fixture) open(d Deps) *candidateScreen {
	f.t.Helper()
	f.mw = newMainWindow(f.app, d, newManualTasks())
	f.s = f.mw.candidates
	f.t.Cleanup(func() {
		f.mw.tasks.drain() // before the database closes
		f.mw.win.Close()
	})
	f.waitFor("the first list", func() bool { return !f.s.searching })
	return f.s
}

// waitFor polls cond, applying the results of background work in between
// (as the main goroutine would), until it holds or 10 s have passed.
func (f *fixture) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mw.tasks.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitIdle applies every pending result.
func (f *fixture) waitIdle() { f.mw.tasks.drain() }

// shortcut types a window shortcut as the driver does when no widget takes it.
func (f *fixture) shortcut(s fyne.Shortcut) {
	f.mw.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// create stores a candidate through the service.
func (f *fixture) create(c *exam.Candidate) *exam.Candidate {
	f.t.Helper()
	if err := f.svc.CreateCandidate(f.ctx, admin, c); err != nil {
		f.t.Fatalf("create %s: %v", c.DisplayName(), err)
	}
	return c
}

func (f *fixture) count() int {
	f.t.Helper()
	n, err := f.svc.CountCandidates(f.ctx, admin)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// candidate returns a valid candidate.
func candidate(birthName, firstNames, birth string) *exam.Candidate {
	return &exam.Candidate{
		BirthName:      birthName,
		FirstNames:     firstNames,
		Sex:            exam.Female,
		BirthDate:      exam.MustParseDate(birth),
		BirthCity:      "Lyon",
		BirthCountry:   "France",
		AccessRoute:    exam.RouteContinuing,
		TrainingCentre: "AFPA Lyon",
	}
}

// texts returns the texts shown by o and everything laid out inside it.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		switch w := x.(type) {
		case *widget.Label:
			if w.Visible() {
				out = append(out, w.Text)
			}
		case *widget.Button:
			if w.Visible() {
				out = append(out, w.Text)
			}
		}
	}
	return out
}

// overlayText is all the text of the top overlay (an open dialog).
func (f *fixture) overlayText() string {
	top := f.mw.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), "\n")
}

// fillValid types a valid new candidate into the form.
func fillValid(s *candidateScreen) {
	test.Type(s.birthName, "lefèvre")
	test.Type(s.firstNames, "Élodie Anne")
	s.sex.SetSelected(s.sex.Options[0])
	test.Type(s.birthDate, "12/03/1990")
	test.Type(s.birthCity, "Lyon")
	s.route.SetSelectedIndex(0)
}
