package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

func TestMain(m *testing.M) {
	idleTicking = false                       // the tests call idleWatch.check themselves
	if os.Getenv("AMIS_UI_LANG_CASE") == "" { // TestSetupLanguage's child sets it up itself
		SetupLanguage(LangFrench)
	}
	os.Exit(m.Run())
}

// The actors of the tests, one per role.
var (
	admin    = exam.Actor{Name: "Claire Test", Role: exam.RoleAdmin}
	jury     = exam.Actor{Name: "Nadia Jury", Role: exam.RoleJury}
	referent = exam.Actor{Name: "Rémi Référent", Role: exam.RoleReferent}
)

// accountOf is an account acting as a (not stored: the window is entered
// directly, without a login).
func accountOf(a exam.Actor) *exam.Account {
	return &exam.Account{ID: a.UserID, Login: strings.ToLower(strings.Fields(a.Name)[0]), Name: a.Name, Role: a.Role}
}

// fixture is an app on a real SQLite database in a temporary directory.
type fixture struct {
	t   *testing.T
	ctx context.Context
	app fyne.App
	db  *storage.DB
	ref *exam.Referentiel
	svc *storage.CandidateService
	// accounts and accommodations are the real services on the database.
	accounts       *storage.AccountService
	accommodations *storage.AccommodationService
	mw             *mainWindow
	s              *candidateScreen // the candidate screen of the user, nil for a referent
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background()}
	f.app = test.NewTempApp(t)
	f.db = storage.MustOpen(t)
	f.ref = storage.MustReferentiel(t)
	f.svc = storage.NewCandidateService(f.db, f.ref)
	f.accounts = storage.NewAccountService(f.db)
	f.accommodations = storage.NewAccommodationService(f.db, f.ref)
	return f
}

// deps are the dependencies the lead wires, on the fixture's database.
func (f *fixture) deps() Deps {
	if f.accounts == nil {
		f.accounts = storage.NewAccountService(f.db)
		f.accommodations = storage.NewAccommodationService(f.db, f.ref)
	}
	return Deps{
		Candidates:     f.svc,
		Referentiel:    f.ref,
		Accounts:       f.accounts,
		Accommodations: f.accommodations,
		DBPath:         f.db.Path(),
		Version:        "1.2.3-test",
	}
}

// open builds the main window, enters it as the administrator and waits
// for the first list.
func (f *fixture) open(d Deps) *candidateScreen { return f.openAs(d, admin) }

// openAs builds the main window and enters it as a (no login), then waits
// for the first list of the candidate screen, if the role has one.
func (f *fixture) openAs(d Deps, a exam.Actor) *candidateScreen {
	f.t.Helper()
	f.build(d)
	f.enter(a)
	return f.s
}

// build builds the main window, on its start screen.
func (f *fixture) build(d Deps) *mainWindow {
	f.mw = newMainWindow(f.app, d, newManualTasks())
	mw := f.mw
	f.t.Cleanup(func() {
		mw.tasks.drain() // before the database closes
		mw.win.Close()
	})
	return mw
}

// enter shows the screens of a's role, as after a login.
func (f *fixture) enter(a exam.Actor) {
	f.t.Helper()
	f.mw.enter(accountOf(a))
	f.s = f.mw.candidates
	if f.s != nil {
		f.waitFor("the first list", func() bool { return !f.s.searching })
	}
	f.waitIdle()
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

// canvasTexts is every text of o and of everything inside it, hidden
// objects included: the labels, entries (with their placeholders),
// selects (with their options), checks, buttons, rich texts and raw canvas
// texts, one per line.
func canvasTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, x := range test.LaidOutObjects(o) {
		switch w := x.(type) {
		case *canvas.Text:
			b.WriteString(w.Text)
		case *widget.Label:
			b.WriteString(w.Text)
		case *widget.Entry:
			b.WriteString(w.Text + "\n" + w.PlaceHolder)
		case *widget.Select:
			b.WriteString(w.Selected + "\n" + strings.Join(w.Options, "\n"))
		case *widget.Check:
			b.WriteString(w.Text)
		case *widget.Button:
			b.WriteString(w.Text)
		case *widget.RichText:
			b.WriteString(w.String())
		case *widget.RadioGroup:
			b.WriteString(strings.Join(w.Options, "\n"))
		default:
			continue
		}
		b.WriteByte('\n')
	}
	return b.String()
}
