package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// qcmJury is the jury member who opens the candidate mode.
var qcmJury = exam.Actor{UserID: 2, Name: "Sophie Bernard", Role: exam.RoleJury}

// qcmPassword is the jury's password in the tests.
const qcmPassword = "jury-secret"

// qcmFixture is a real database with a question bank, a candidate, a
// questionnaire of 3 questions per CCP in 30 minutes, the candidate's
// accommodation profile (set by the test before the attempt starts) and a
// fixed clock.
type qcmFixture struct {
	t       *testing.T
	ctx     context.Context
	app     fyne.App
	db      *storage.DB
	ref     *exam.Referentiel
	cands   *storage.CandidateService
	svc     *storage.QCMService
	tasks   *tasks
	profile exam.AccommodationProfile
	now     time.Time
	cand    *exam.Candidate
	qn      *exam.Questionnaire
	cm      *candidateMode
}

var qcmT0 = time.Date(2026, 3, 9, 9, 0, 0, 0, time.Local)

func newQCMFixture(t *testing.T) *qcmFixture {
	t.Helper()
	f := &qcmFixture{t: t, ctx: context.Background(), now: qcmT0, tasks: newManualTasks()}
	f.app = test.NewTempApp(t)
	f.db = storage.MustOpen(t)
	f.ref = storage.MustReferentiel(t)
	f.cands = storage.NewCandidateService(f.db, f.ref)
	f.svc = storage.NewQCMService(f.db, f.ref, storage.ProfileFunc(func(_ context.Context, _ exam.Actor, id int64) (*exam.AccommodationProfile, error) {
		p := f.profile
		p.CandidateID = id
		return &p, nil
	}))
	if _, _, err := f.svc.ImportQuestions(f.ctx, admin, qcmBank(f.ref)); err != nil {
		t.Fatalf("import bank: %v", err)
	}
	f.cand = candidate("Lefèvre", "Élodie", "12/03/1990")
	if err := f.cands.CreateCandidate(f.ctx, admin, f.cand); err != nil {
		t.Fatal(err)
	}
	f.qn = &exam.Questionnaire{Title: "Positionnement d'entrée", Kind: exam.QuestionnairePositioning, TimeLimit: 30 * time.Minute,
		PerBlock: []exam.BlockDraw{{Block: "CCP1", Count: 3}, {Block: "CCP2", Count: 3}, {Block: "CCP3", Count: 3}}}
	if err := f.svc.SaveQuestionnaire(f.ctx, admin, f.qn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if f.cm != nil && !f.cm.closed {
			f.cm.win.Close()
		}
		f.tasks.drain() // before the database closes
	})
	return f
}

// qcmLongText is a question long enough to wrap over several lines at 200 %.
const qcmLongText = "Lors d'une tournée en soirée dans le quartier, vous constatez qu'un groupe de jeunes occupe " +
	"le hall d'un immeuble et que plusieurs habitants n'osent plus entrer chez eux. Quelle est la première " +
	"attitude professionnelle attendue d'un agent de médiation dans cette situation ?"

// qcmBank is a small bank over every competence of ref: per competence a
// single-answer question with four choices (the first one, with a long
// text, in each block) and a multiple-answer question; per block a
// true/false question.
func qcmBank(ref *exam.Referentiel) []exam.Question {
	var out []exam.Question
	for _, b := range ref.Blocks {
		for i, c := range b.Competences {
			text := fmt.Sprintf("Compétence %d : quelle est la bonne pratique ?", c.Number)
			if i == 0 {
				text = qcmLongText
			}
			out = append(out, exam.Question{Code: fmt.Sprintf("S%02d", c.Number), Block: b.Short, Competence: c.Number, Kind: exam.QuestionSingle,
				Text: text, Choices: []exam.Choice{
					{Text: fmt.Sprintf("Bonne réponse %d : aller au contact, se présenter et engager le dialogue calmement", c.Number), Correct: true},
					{Text: fmt.Sprintf("Mauvaise réponse A%d", c.Number)},
					{Text: fmt.Sprintf("Mauvaise réponse B%d", c.Number)},
					{Text: fmt.Sprintf("Mauvaise réponse C%d", c.Number)},
				}})
			out = append(out, exam.Question{Code: fmt.Sprintf("M%02d", c.Number), Block: b.Short, Competence: c.Number, Kind: exam.QuestionMultiple,
				Text: fmt.Sprintf("Compétence %d : cochez les deux bonnes réponses.", c.Number), Choices: []exam.Choice{
					{Text: fmt.Sprintf("Juste un %d", c.Number), Correct: true},
					{Text: fmt.Sprintf("Juste deux %d", c.Number), Correct: true},
					{Text: fmt.Sprintf("Faux un %d", c.Number)},
					{Text: fmt.Sprintf("Faux deux %d", c.Number)},
				}})
		}
		tf := exam.NewTrueFalse(fmt.Sprintf("%s : le médiateur peut intervenir seul dans toute situation.", b.Short), false)
		tf.Code, tf.Block, tf.Competence = "TF"+b.Short, b.Short, b.Competences[0].Number
		out = append(out, tf)
	}
	return out
}

// start starts (or resumes) the candidate's attempt at the fixture's clock.
func (f *qcmFixture) start() *exam.Attempt {
	f.t.Helper()
	att, err := f.svc.StartAttempt(f.ctx, qcmJury, exam.AttemptRequest{QuestionnaireID: f.qn.ID, CandidateID: f.cand.ID, At: f.now, Seed: 42})
	if err != nil {
		f.t.Fatalf("start attempt: %v", err)
	}
	return att
}

func (f *qcmFixture) deps() QCMDeps {
	return QCMDeps{
		QCM: f.svc, Candidates: f.cands, Referentiel: f.ref,
		Now: func() time.Time { return f.now },
		CheckJuryPassword: func(_ context.Context, a exam.Actor, pw string) error {
			if a != qcmJury || pw != qcmPassword {
				return exam.Errorf(exam.EAUTH, "err.auth", "wrong password", nil)
			}
			return nil
		},
	}
}

// open starts the attempt and opens the candidate window on it.
func (f *qcmFixture) open() *candidateMode {
	f.t.Helper()
	att := f.start()
	f.cm = openCandidateMode(f.app, f.deps(), qcmJury, f.tasks, att, f.cand.DisplayName(), nil)
	f.cm.win.Resize(fyne.NewSize(1280, 800))
	f.tasks.drain()
	return f.cm
}

// stored reads the attempt back from the database.
func (f *qcmFixture) stored() *exam.Attempt {
	f.t.Helper()
	att, err := f.svc.Attempt(f.ctx, admin, f.cm.att.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return att
}

// key types a key as the driver does: to the focused object, else to the
// canvas.
func (f *qcmFixture) key(name fyne.KeyName) {
	f.t.Helper()
	ev := &fyne.KeyEvent{Name: name}
	if o := f.cm.win.Canvas().Focused(); o != nil {
		o.TypedKey(ev)
	} else {
		f.cm.win.Canvas().OnTypedKey()(ev)
	}
	f.tasks.drain()
}

// typeText types characters as the driver does.
func (f *qcmFixture) typeText(s string) {
	f.t.Helper()
	for _, r := range s {
		if o := f.cm.win.Canvas().Focused(); o != nil {
			o.TypedRune(r)
		} else {
			f.cm.win.Canvas().OnTypedRune()(r)
		}
		f.tasks.drain()
	}
}

// tab moves the focus as the Tab key does.
func (f *qcmFixture) tab() {
	f.cm.win.Canvas().FocusNext()
	f.tasks.drain()
}

// chosenRows lists the rows of the page shown as chosen.
func chosenRows(c *candidateMode) []int {
	var out []int
	for k, r := range c.rows {
		if r.chosen {
			out = append(out, k)
		}
	}
	return out
}

// shown returns the choices (bank indices) displayed at rows ks of page i.
func shown(att *exam.Attempt, i int, ks ...int) []int {
	var out []int
	for _, k := range ks {
		out = append(out, att.Items[i].Order[k])
	}
	slices.Sort(out)
	return out
}

func TestCandidateMode_KeyboardOnly(t *testing.T) {
	f := newQCMFixture(t)
	f.profile.Screen.KeyboardOnly = true
	c := f.open()
	n := len(c.att.Items)
	if n != 9 || c.mode != modeQuestion || c.page != 0 {
		t.Fatalf("opened on mode %d page %d of %d, want the first of 9 questions", c.mode, c.page, n)
	}
	if got := c.counter.Text; got != "Question 1 / 9" {
		t.Errorf("counter %q", got)
	}
	if _, ok := c.win.Canvas().Focused().(*qcmRow); !ok {
		t.Fatalf("the first choice should have the focus, not %T", c.win.Canvas().Focused())
	}

	// Each page: a digit or arrows and Space choose; Enter goes on.
	for i := 0; i < n; i++ {
		if c.page != i || c.mode != modeQuestion {
			t.Fatalf("page %d mode %d, want question %d", c.page, c.mode, i)
		}
		it := c.att.Items[i]
		switch {
		case i == 4:
			// left unanswered
		case it.Question.Kind == exam.QuestionMultiple:
			f.typeText("1")
			f.key(fyne.KeyDown)
			f.key(fyne.KeyDown)
			f.key(fyne.KeySpace)
			if got := chosenRows(c); !slices.Equal(got, []int{0, 2}) {
				t.Fatalf("question %d (multiple): rows %v chosen, want [0 2]", i+1, got)
			}
			if got := f.stored().Answers[i]; !slices.Equal(got, shown(c.att, i, 0, 2)) {
				t.Fatalf("question %d: stored %v, want %v", i+1, got, shown(c.att, i, 0, 2))
			}
			f.typeText("&") // the 1 key of a French keyboard without Shift: unticks
			if got := chosenRows(c); !slices.Equal(got, []int{2}) {
				t.Fatalf("question %d: after &, rows %v chosen, want [2]", i+1, got)
			}
		default:
			f.typeText("2")
			if got := chosenRows(c); !slices.Equal(got, []int{1}) {
				t.Fatalf("question %d: rows %v chosen after 2, want [1]", i+1, got)
			}
			f.key(fyne.KeyUp)
			f.key(fyne.KeySpace)
			if got := chosenRows(c); !slices.Equal(got, []int{0}) {
				t.Fatalf("question %d: rows %v chosen after ↑ Space, want [0]", i+1, got)
			}
		}
		f.key(fyne.KeyReturn)
	}
	if c.mode != modeReview {
		t.Fatalf("after the last question: mode %d page %d, want the review page", c.mode, c.page)
	}
	if got := f.stored().Current; got != n {
		t.Errorf("stored page %d, want the review page %d", got, n)
	}
	all := allText(c.win.Canvas().Content())
	if !strings.Contains(all, "Réponses : 8 sur 9 questions") {
		t.Errorf("review page says %q", all)
	}
	// The cursor starts on the unanswered question; Enter goes back to it.
	if c.cursor != 4 || c.rows[4].chosen || !c.rows[3].chosen {
		t.Fatalf("review cursor %d, rows answered %v", c.cursor, chosenRows(c))
	}
	if !strings.Contains(c.rows[4].text, "sans réponse") {
		t.Errorf("unanswered row reads %q", c.rows[4].text)
	}
	f.key(fyne.KeyReturn)
	if c.mode != modeQuestion || c.page != 4 {
		t.Fatalf("Enter on the review row: mode %d page %d", c.mode, c.page)
	}
	f.typeText("3")
	f.key(fyne.KeyPageUp)
	if c.page != 3 {
		t.Fatalf("PgUp: page %d, want 3", c.page)
	}
	f.key(fyne.KeyPageDown)
	f.key(fyne.KeyEnd)
	for range 5 {
		f.key(fyne.KeyRight)
	}
	if c.mode != modeReview {
		t.Fatalf("mode %d, want the review page", c.mode)
	}
	// Tab reaches "Terminer…"; Enter asks; → and Enter finish.
	for i := 0; i < 20 && c.win.Canvas().Focused() != c.next; i++ {
		f.tab()
	}
	if c.win.Canvas().Focused() != c.next {
		t.Fatal("Tab never reaches the Terminer button")
	}
	f.key(fyne.KeyReturn)
	if c.mode != modeConfirm {
		t.Fatalf("mode %d, want the confirmation", c.mode)
	}
	f.key(fyne.KeyEscape)
	if c.mode != modeReview {
		t.Fatalf("Escape on the confirmation: mode %d, want the review page", c.mode)
	}
	c.next.activate()
	f.tasks.drain()
	f.key(fyne.KeyRight)
	f.key(fyne.KeyReturn)
	if c.mode != modeEnded {
		t.Fatalf("mode %d, want ended", c.mode)
	}
	att := f.stored()
	if !att.Finished() || att.EndReason != exam.AttemptDone || len(att.Answers) != 9 {
		t.Fatalf("stored attempt: finished %v reason %q answers %d", att.Finished(), att.EndReason, len(att.Answers))
	}
	res := att.Result()
	if res.Total.Right != 0 && res.Total.Total != 9 {
		t.Errorf("result %+v", res.Total)
	}
	// Digits do nothing any more.
	f.typeText("1")
	if got := f.stored().Answers; len(got) != 9 {
		t.Errorf("answers changed after the end: %v", got)
	}
}

func TestCandidateMode_MouseAndRefusedAnswer(t *testing.T) {
	f := newQCMFixture(t)
	c := f.open()
	for len(c.rows) < 4 {
		test.Tap(c.next)
		f.tasks.drain()
	}
	p := c.page
	test.Tap(c.rows[2])
	f.tasks.drain()
	if got := chosenRows(c); !slices.Equal(got, []int{2}) {
		t.Fatalf("tapped row 2: chosen %v", got)
	}
	if c.win.Canvas().Focused() != c.rows[2] {
		t.Error("a tapped row should take the focus")
	}
	test.Tap(c.next)
	f.tasks.drain()
	if c.page != p+1 {
		t.Fatalf("Suivant: page %d", c.page)
	}
	test.Tap(c.prev)
	f.tasks.drain()
	if c.page != p || !c.rows[2].chosen {
		t.Fatalf("Précédent: page %d, chosen %v", c.page, chosenRows(c))
	}

	// The jury stops the attempt behind the window's back: the next choice
	// is refused by the service and never shown as taken.
	if _, err := f.svc.Finish(f.ctx, qcmJury, c.att.ID, exam.AttemptStopped, f.now); err != nil {
		t.Fatal(err)
	}
	f.typeText("1")
	if got := chosenRows(c); !slices.Equal(got, []int{2}) {
		t.Errorf("a refused answer is shown: chosen %v", got)
	}
	if !c.status.Visible() || !strings.Contains(c.status.Text, "terminée") {
		t.Errorf("status %q (visible %v), want the refusal", c.status.Text, c.status.Visible())
	}
	if got := f.stored().Answers[p]; !slices.Equal(got, shown(c.att, p, 2)) {
		t.Errorf("stored %v", got)
	}
}

func TestCandidateMode_LeaveNeedsJuryPasswordAndResumes(t *testing.T) {
	f := newQCMFixture(t)
	f.profile.Time.ExtraPercent = 50 // 45 min (base 30 min)
	c := f.open()
	f.typeText("2")
	f.key(fyne.KeyReturn)
	f.key(fyne.KeyReturn)
	f.typeText("1")
	f.now = f.now.Add(10 * time.Minute)
	c.tick()
	remaining := c.last.Remaining
	if remaining != 35*time.Minute {
		t.Fatalf("remaining %v after 10 min of 45", remaining)
	}
	if !strings.Contains(c.clock.Text, "0:35:00") || !strings.Contains(c.clock.Text, "45 min (base 30 min)") {
		t.Errorf("clock %q", c.clock.Text)
	}

	f.key(fyne.KeyEscape)
	if c.mode != modePassword {
		t.Fatalf("Escape: mode %d, want the password page", c.mode)
	}
	if c.win.Canvas().Focused() != c.password {
		t.Error("the password entry should have the focus")
	}
	test.Type(c.password, "wrong")
	c.password.OnSubmitted(c.password.Text)
	f.tasks.drain()
	if c.closed || c.mode != modePassword || !c.pwError.Visible() {
		t.Fatalf("wrong password: closed %v mode %d error %q", c.closed, c.mode, c.pwError.Text)
	}
	if c.pwError.Text != "Mot de passe incorrect : le mode candidat reste ouvert." {
		t.Errorf("error %q", c.pwError.Text)
	}
	c.buttons[0].activate() // Annuler
	f.tasks.drain()
	if c.mode != modeQuestion || c.page != 2 {
		t.Fatalf("Annuler: mode %d page %d", c.mode, c.page)
	}
	c.askQuit()
	test.Type(c.password, qcmPassword)
	c.buttons[1].activate()
	f.tasks.drain()
	if !c.closed {
		t.Fatal("the right password should close the candidate window")
	}
	att := f.stored()
	if att.Finished() || att.Status(f.now).State != exam.TimerPaused || att.Current != 2 {
		t.Fatalf("after leaving: finished %v state %s current %d", att.Finished(), att.Status(f.now).State, att.Current)
	}

	// An hour later the jury opens it again: same attempt, same page, same
	// answers, same remaining time once resumed.
	f.now = f.now.Add(time.Hour)
	first := c.att.ID
	c = f.open()
	if c.att.ID != first {
		t.Fatalf("a new attempt %d was drawn instead of resuming %d", c.att.ID, first)
	}
	if c.mode != modePaused {
		t.Fatalf("reopened on mode %d, want the pause page", c.mode)
	}
	f.key(fyne.KeyReturn) // Reprendre
	if c.mode != modeQuestion || c.page != 2 {
		t.Fatalf("resumed on mode %d page %d, want question 3", c.mode, c.page)
	}
	if got := chosenRows(c); !slices.Equal(got, []int{0}) {
		t.Errorf("question 3 shows %v chosen, want [0]", got)
	}
	c.tick()
	if c.last.Remaining != remaining {
		t.Errorf("remaining %v after resuming, want %v", c.last.Remaining, remaining)
	}
	f.key(fyne.KeyLeft)
	f.key(fyne.KeyLeft)
	if got := chosenRows(c); !slices.Equal(got, []int{1}) {
		t.Errorf("question 1 shows %v chosen, want [1]", got)
	}
}

func TestCandidateMode_ResumeAfterCrash(t *testing.T) {
	f := newQCMFixture(t)
	c := f.open()
	f.now = f.now.Add(4 * time.Minute)
	f.typeText("2") // the last write: the time after it until the restart is given back
	f.key(fyne.KeyReturn)
	c.tick()
	before := c.last.Remaining
	if before != 26*time.Minute {
		t.Fatalf("remaining %v before the crash", before)
	}
	// The machine goes down: no pause is recorded, the window is gone.
	c.closed = true
	c.stopTicker()
	c.win.Close()

	// Another service on the same file, as after a restart.
	f.tasks.drain()
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := storage.Open(f.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	f.now = f.now.Add(20 * time.Minute)
	f.svc = storage.NewQCMService(db2, f.ref, nil)
	c = f.open()
	if c.mode != modeQuestion || c.page != 1 {
		t.Fatalf("after the crash: mode %d page %d, want question 2", c.mode, c.page)
	}
	if c.last.Remaining != before {
		t.Errorf("remaining %v, want %v (the time the machine was down is given back)", c.last.Remaining, before)
	}
	f.key(fyne.KeyLeft)
	if got := chosenRows(c); !slices.Equal(got, []int{1}) {
		t.Errorf("question 1 shows %v chosen, want [1]", got)
	}
}

func TestCandidateMode_HiddenCountdownAndTimeUp(t *testing.T) {
	f := newQCMFixture(t)
	f.profile.Time.ExtraPercent = 50
	f.profile.Screen.HideCountdown = true
	c := f.open()
	if got := c.clock.Text; got != "Temps accordé : 45 min (base 30 min)" {
		t.Errorf("hidden countdown shows %q", got)
	}
	f.typeText("1")
	f.now = f.now.Add(44*time.Minute + 59*time.Second)
	c.tick()
	if strings.Contains(c.clock.Text, "0:00:01") || strings.Contains(c.clock.Text, "restant") {
		t.Errorf("the countdown shows: %q", c.clock.Text)
	}
	f.now = f.now.Add(time.Second)
	c.tick()
	f.tasks.drain()
	if c.mode != modeEnded {
		t.Fatalf("time up: mode %d", c.mode)
	}
	att := f.stored()
	if att.EndReason != exam.AttemptTimeUp || len(att.Answers) != 1 {
		t.Errorf("stored: reason %q, answers %v", att.EndReason, att.Answers)
	}
	if !strings.Contains(allText(c.win.Canvas().Content()), "Le temps est écoulé") {
		t.Errorf("end page: %q", allText(c.win.Canvas().Content()))
	}
}

func TestCandidateMode_Countdown(t *testing.T) {
	f := newQCMFixture(t)
	c := f.open()
	if got := c.clock.Text; got != "Temps restant : 0:30:00 · temps accordé : 30 min (base 30 min)" {
		t.Errorf("clock %q", got)
	}
	f.now = f.now.Add(21 * time.Minute)
	c.tick()
	if c.clock.Importance != widget.WarningImportance {
		t.Error("9 minutes left should warn")
	}
}

func TestCandidateMode_ReducedChoices(t *testing.T) {
	f := newQCMFixture(t)
	f.profile.Screen.MaxChoices = 2
	c := f.open()
	for i := range c.att.Items {
		q := c.att.Items[i].Question
		if c.page != i {
			t.Fatalf("page %d, want %d", c.page, i)
		}
		want := 2
		if q.Kind == exam.QuestionMultiple {
			want = 3 // both right choices and one wrong one
		}
		if len(c.rows) != want {
			t.Errorf("question %d (%s): %d choices shown, want %d", i+1, q.Kind, len(c.rows), want)
		}
		f.typeText("3") // out of range for two choices: nothing
		f.key(fyne.KeyReturn)
	}
}

func TestCandidateMode_Pause(t *testing.T) {
	f := newQCMFixture(t)
	c := f.open()
	if c.pause.Visible() {
		t.Error("no break in the profile: no Pause button")
	}
	c.win.Close()

	f2 := newQCMFixture(t)
	f2.profile.Time.Breaks = []exam.Break{{At: 15 * time.Minute, Length: 5 * time.Minute}}
	c = f2.open()
	if !c.pause.Visible() {
		t.Fatal("breaks in the profile: the Pause button should show")
	}
	f2.now = f2.now.Add(5 * time.Minute)
	test.Tap(c.pause)
	f2.tasks.drain()
	if c.mode != modePaused || f2.stored().Status(f2.now).State != exam.TimerPaused {
		t.Fatalf("Pause: mode %d", c.mode)
	}
	f2.now = f2.now.Add(7 * time.Minute)
	c.tick()
	if c.last.Remaining != 25*time.Minute {
		t.Errorf("paused: remaining %v, want 25 min", c.last.Remaining)
	}
	f2.typeText("1") // no choice during a break
	if len(f2.stored().Answers) != 0 {
		t.Error("a choice was recorded during the break")
	}
	f2.key(fyne.KeySpace)
	if c.mode != modeQuestion || f2.stored().Status(f2.now).State != exam.TimerRunning {
		t.Fatalf("Reprendre: mode %d", c.mode)
	}
}

// TestCandidateMode_NoClippedText renders the candidate pages at 100 % and
// 200 % text in both themes and checks that every text fits in its room.
func TestCandidateMode_NoClippedText(t *testing.T) {
	for _, tc := range []struct {
		name     string
		scale    int
		contrast bool
		spacing  int
	}{
		{"100", 100, false, 0},
		{"100_contrast", 100, true, 0},
		{"200", 200, false, 150},
		{"200_contrast", 200, true, 0},
		{"300_contrast", 300, true, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newQCMFixture(t)
			f.profile.Time.ExtraPercent = 33
			f.profile.Time.Breaks = []exam.Break{{At: 15 * time.Minute, Length: 5 * time.Minute}}
			f.profile.Screen = exam.ScreenNeeds{TextScale: tc.scale, HighContrast: tc.contrast, LineSpacing: tc.spacing, KeyboardOnly: true}
			c := f.open()
			if got := c.th.Size("text"); got != 14*float32(tc.scale)/100 {
				t.Errorf("text size %v at %d %%", got, tc.scale)
			}
			pages := map[string]func(){
				"question": func() {},
				"long": func() {
					c.goTo(slices.IndexFunc(c.att.Items, func(it exam.AttemptItem) bool { return it.Question.Text == qcmLongText }))
				},
				"review":   func() { c.goTo(len(c.att.Items)) },
				"confirm":  func() { c.goTo(len(c.att.Items)); c.showConfirm() },
				"password": func() { c.askQuit() },
				"pause":    func() { c.cancelQuit(); c.onPause() },
			}
			for _, name := range []string{"question", "long", "review", "confirm", "password", "pause"} {
				pages[name]()
				f.tasks.drain()
				checkNotClipped(t, name, c.win.Canvas())
				if name != "long" {
					continue
				}
				// What does not fit is announced, and the keys bring it.
				p := c.pager
				if below := p.last < len(p.objs)-1; below != strings.Contains(c.more.Text, "▼") {
					t.Errorf("long page: objects %d..%d of %d shown, footer says %q", p.first, p.last, len(p.objs), c.more.Text)
				}
				f.key(fyne.KeyEnd)
				last := c.rows[len(c.rows)-1]
				if !last.Visible() || c.win.Canvas().Focused() != last {
					t.Errorf("End: the last choice is not shown with the focus")
				}
				checkNotClipped(t, "long, at the end", c.win.Canvas())
				f.key(fyne.KeyHome)
				if !c.rows[0].Visible() {
					t.Errorf("Home: the first choice is hidden")
				}
			}
		})
	}
}

// checkNotClipped fails for every visible text whose size is smaller than
// it needs, every label or rich text given less than its minimum size, and
// every text outside the window (or, in a scroll, outside the scrolled
// content).
func checkNotClipped(t *testing.T, page string, cv fyne.Canvas) {
	t.Helper()
	win := cv.Size()
	texts := 0
	var walk func(o fyne.CanvasObject, pos fyne.Position, bounds fyne.Size)
	walk = func(o fyne.CanvasObject, pos fyne.Position, bounds fyne.Size) {
		if o == nil || !o.Visible() {
			return
		}
		p := pos.Add(o.Position())
		size := o.Size()
		fits := func(what string) {
			min := o.MinSize()
			if size.Width+0.5 < min.Width || size.Height+0.5 < min.Height {
				t.Errorf("%s: %s %q is %v, needs %v", page, what, textOf(o), size, min)
			}
			if p.X < -0.5 || p.Y < -0.5 || p.X+size.Width > bounds.Width+0.5 || p.Y+size.Height > bounds.Height+0.5 {
				t.Errorf("%s: %s %q at %v size %v leaves its room %v", page, what, textOf(o), p, size, bounds)
			}
		}
		switch x := o.(type) {
		case *container.Scroll:
			// Within a scroll, texts must be inside the visible part
			// (nothing cut at its edges), except inside an object that
			// alone is taller than it (that one has to scroll).
			c, ok := x.Content.(*pager)
			if !ok {
				t.Errorf("%s: a scroll of %T: pages are pagers", page, x.Content)
				return
			}
			view := x.Size()
			for _, o := range c.objs {
				if !o.Visible() {
					continue
				}
				room := view
				if o.Size().Height > view.Height {
					room = c.Size()
				}
				walk(o, c.Position(), room)
			}
			return
		case *widget.Entry, *juryPasswordEntry:
			fits("entry") // its text scrolls inside it
			return
		case *widget.Label, *widget.RichText:
			fits(fmt.Sprintf("%T", o))
		case *qcmRow:
			fits("row")
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, ch := range x.Objects {
				walk(ch, p, bounds)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(x).Objects() {
				walk(ch, p, bounds)
			}
		default:
			if txt, ok := o.(interface{ MinSize() fyne.Size }); ok && textOf(o) != "" {
				texts++
				min := txt.MinSize()
				if size.Width+0.5 < min.Width || size.Height+0.5 < min.Height {
					t.Errorf("%s: text %q is %v, needs %v", page, textOf(o), size, min)
				}
				if p.X < -0.5 || p.Y < -0.5 || p.X+size.Width > bounds.Width+0.5 || p.Y+size.Height > bounds.Height+0.5 {
					t.Errorf("%s: text %q at %v size %v leaves its room %v", page, textOf(o), p, size, bounds)
				}
			}
		}
	}
	walk(cv.Content(), fyne.Position{}, win)
	if texts == 0 {
		t.Errorf("%s: no text found", page)
	}
}

// textOf is the text of a text object or label, "" for others.
func textOf(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Label:
		return x.Text
	case *widget.RichText:
		return x.String()
	case *widget.Entry:
		return x.Text + "(entry)"
	case *juryPasswordEntry:
		return x.Text + "(password)"
	case *qcmRow:
		return x.text
	case *canvas.Text:
		return x.Text
	}
	return ""
}

// TestCandidateMode_Snapshots compares the candidate pages with the images
// under testdata/qcm (the test driver's software rendering).
func TestCandidateMode_Snapshots(t *testing.T) {
	for _, tc := range []struct {
		name     string
		screen   exam.ScreenNeeds
		extraPct int
	}{
		{"100", exam.ScreenNeeds{}, 0},
		{"200_contrast", exam.ScreenNeeds{TextScale: 200, HighContrast: true, LineSpacing: 150, KeyboardOnly: true}, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newQCMFixture(t)
			f.profile.Screen = tc.screen
			f.profile.Time.ExtraPercent = tc.extraPct
			c := f.open()
			f.typeText("2")
			test.AssertImageMatches(t, "qcm/candidate_question_"+tc.name+".png", c.win.Canvas().Capture())
			c.goTo(len(c.att.Items))
			f.tasks.drain()
			test.AssertImageMatches(t, "qcm/candidate_review_"+tc.name+".png", c.win.Canvas().Capture())
		})
	}
}
