package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
)

var qcmReferent = exam.Actor{UserID: 3, Name: "Rémi Référent", Role: exam.RoleReferent}

// screenDeps are the QCM screen's dependencies on the fixture's database,
// as cmd/amis wires them.
func (f *qcmFixture) screenDeps() QCMDeps {
	d := f.deps()
	d.Accommodations = storage.NewAccommodationService(f.db, f.ref)
	d.ImportBank = func(ctx context.Context, a exam.Actor, path string) (*exam.ImportReport, error) {
		return xlsx.ImportQuestionFile(ctx, a, f.svc, f.ref, path)
	}
	d.ExportBank = xlsx.WriteQuestions
	d.ExportResults = func(w io.Writer, rs []exam.AttemptResult, names map[int64]string) error {
		return xlsx.WriteQCMResults(w, rs, names, f.ref)
	}
	return d
}

// openScreen builds the QCM screen as actor and waits for its first load.
func (f *qcmFixture) openScreen(actor exam.Actor) *qcmScreen {
	f.t.Helper()
	w := f.app.NewWindow("QCM")
	s := newQCMScreen(w, f.screenDeps(), func() exam.Actor { return actor }, f.tasks)
	w.SetContent(s.content)
	w.Resize(fyne.NewSize(1280, 800))
	f.t.Cleanup(func() {
		s.close()
		f.tasks.drain()
		w.Close()
	})
	f.waitLoaded(s)
	return s
}

func (f *qcmFixture) waitLoaded(s *qcmScreen) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.tasks.drain()
		if s.loading == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatal("the QCM screen never finished loading")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestQCMScreen_CreateQuestionnaire(t *testing.T) {
	f := newQCMFixture(t)
	s := f.openScreen(admin)
	if got, want := s.bankInfo.Text, "27 questions : CCP1 11 · CCP2 9 · CCP3 7"; got != want {
		t.Errorf("bank: %q, want %q", got, want)
	}
	if len(s.qns) != 1 || s.launchBtn.Disabled() == false {
		t.Fatalf("questionnaires %d, launch enabled %v (an administrator does not run the candidate mode)", len(s.qns), !s.launchBtn.Disabled())
	}

	test.Tap(s.newBtn)
	form := s.form
	if form == nil {
		t.Fatal("no form")
	}
	// Refused: no title, a questionnaire of nothing.
	form.counts[0].SetText("0")
	form.counts[1].SetText("0")
	form.counts[2].SetText("0")
	test.Tap(form.fd.confirm)
	f.tasks.drain()
	if form.fd.closed || !strings.Contains(form.fd.err.Text, "Titre (obligatoire)") {
		t.Fatalf("refusal: closed %v, %q", form.fd.closed, form.fd.err.Text)
	}
	// A fixed list with a code the bank lacks.
	form.mode.SetSelected(form.mode.Options[1])
	test.Type(form.title, "Examen blanc de mars")
	form.kind.SetSelectedIndex(2)
	form.list.SetText("S01, M06 ; nope")
	test.Tap(form.fd.confirm)
	f.tasks.drain()
	if form.fd.closed || form.fd.err.Text != "Questions absentes de la banque : nope" {
		t.Fatalf("unknown code: %q", form.fd.err.Text)
	}
	form.list.SetText("S01, M06, TFCCP2")
	form.minutes.SetText("20")
	test.Tap(form.fd.confirm)
	f.tasks.drain()
	if !form.fd.closed {
		t.Fatalf("not saved: %q", form.fd.err.Text)
	}
	f.waitLoaded(s)
	qns, err := f.svc.Questionnaires(f.ctx, admin)
	if err != nil || len(qns) != 2 {
		t.Fatalf("stored %d questionnaires (%v)", len(qns), err)
	}
	got := qns[0]
	if qns[1].Title == "Examen blanc de mars" {
		got = qns[1]
	}
	if got.Title != "Examen blanc de mars" || got.Kind != exam.QuestionnaireMock || len(got.QuestionIDs) != 3 || got.TimeLimit != 20*time.Minute {
		t.Errorf("stored %+v", got)
	}
	if s.qnID != got.ID || !strings.Contains(s.qnDetail.Text, "Examen blanc · 3 questions fixes · 20 min") {
		t.Errorf("chosen %d, detail %q", s.qnID, s.qnDetail.Text)
	}
	if !strings.Contains(s.status.Text, "créé") {
		t.Errorf("status %q", s.status.Text)
	}
}

func TestQCMScreen_LaunchLeaveResume(t *testing.T) {
	f := newQCMFixture(t)
	acc := storage.NewAccommodationService(f.db, f.ref)
	p := &exam.AccommodationProfile{CandidateID: f.cand.ID,
		Decision: exam.AccommodationDecision{Authority: "MDPH du Rhône", Reference: "D-2026-17", Date: exam.DateOf(qcmT0)},
		Time:     exam.TimeAllowance{ExtraPercent: 50},
		Screen:   exam.ScreenNeeds{TextScale: 200, HighContrast: true}}
	if _, err := acc.SaveProfile(f.ctx, qcmReferent, p); err != nil {
		t.Fatal(err)
	}
	f.svc = storage.NewQCMService(f.db, f.ref, acc) // the stored profile applies
	s := f.openScreen(qcmJury)
	s.qnList.Select(0)
	if len(s.cands) != 1 {
		t.Fatalf("%d candidates listed", len(s.cands))
	}
	s.candList.Select(0)
	f.waitLoaded(s)
	info := s.candInfo.Text
	for _, want := range []string{"LEFÈVRE Élodie", "Temps majoré de 50 %", "Texte à 200 %", "Contraste élevé", "Temps du QCM : 45 min (base 30 min)"} {
		if !strings.Contains(info, want) {
			t.Errorf("candidate info lacks %q:\n%s", want, info)
		}
	}
	if s.launchBtn.Disabled() {
		t.Fatal("Lancer le mode candidat is disabled")
	}
	test.Tap(s.launchBtn)
	f.tasks.drain()
	c := s.candidate
	if c == nil {
		t.Fatalf("no candidate window: %q", s.status.Text)
	}
	f.cm = c
	if c.th.scale != 2 || !c.th.contrast || c.att.Time.Working() != 45*time.Minute {
		t.Errorf("candidate mode: scale %v contrast %v time %v", c.th.scale, c.th.contrast, c.att.Time.Working())
	}
	if !s.launchBtn.Disabled() {
		t.Error("a second candidate window could be opened")
	}
	f.typeText("1")
	c.askQuit()
	test.Type(c.password, qcmPassword)
	c.onLeave()
	f.tasks.drain()
	if s.candidate != nil {
		t.Fatal("the screen still holds the closed candidate window")
	}
	f.waitLoaded(s)
	if len(s.attempts) != 1 || !s.attempts[0].Ended.IsZero() || s.attempts[0].Answered != 1 {
		t.Fatalf("attempts %+v", s.attempts)
	}
	if !strings.Contains(attemptDetail(s.attempts[0]), "en cours : 1 réponses sur 9") {
		t.Errorf("attempt row %q", attemptDetail(s.attempts[0]))
	}
	s.attList.Select(0)
	if s.resumeBtn.Disabled() || !s.resultsBtn.Disabled() {
		t.Fatal("an unfinished attempt: Reprendre enabled, Résultats disabled")
	}
	test.Tap(s.resumeBtn)
	f.tasks.drain()
	if s.candidate == nil || s.candidate.att.ID != c.att.ID {
		t.Fatal("Reprendre did not reopen the same attempt")
	}
	f.cm = s.candidate
	if got := f.cm.att.Answers[0]; len(got) != 1 {
		t.Errorf("answers after resuming: %v", f.cm.att.Answers)
	}
}

func TestQCMScreen_ImportBankReport(t *testing.T) {
	f := newQCMFixture(t)
	s := f.openScreen(admin)
	dir := t.TempDir()
	bad := filepath.Join(dir, "banque.gift")
	good := filepath.Join(dir, "complements.gift")
	if err := os.WriteFile(bad, []byte("$CATEGORY: AMIS/CCP1/C1\n\n::X-01:: Une question sans réponse juste ?\n{\n~Non\n~Pas plus\n}\n\n::X-02:: Bonne question {T}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("$CATEGORY: AMIS/CCP2/C6\n\n::X-03:: Le règlement intérieur s'applique à tous. {T}\n\n::X-04:: Le médiateur sanctionne. {F}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := len(s.bank)
	s.importFile(bad)
	f.waitLoaded(s)
	if s.report == nil {
		t.Fatalf("no report: status %q", s.status.Text)
	}
	if !strings.Contains(s.report.Text, "Ligne 3") || !strings.Contains(s.status.Text, "aucune question n'a été importée") {
		t.Errorf("report:\n%s\nstatus %q", s.report.Text, s.status.Text)
	}
	if n, _ := f.svc.Questions(f.ctx, admin, exam.QuestionFilter{}); len(n) != before {
		t.Errorf("a refused file imported questions: %d, was %d", len(n), before)
	}
	s.importFile(good)
	f.waitLoaded(s)
	if len(s.bank) != before+2 || s.status.Text != "2 questions importées de complements.gift." {
		t.Errorf("bank %d (was %d), status %q", len(s.bank), before, s.status.Text)
	}
	if !strings.HasPrefix(s.bankInfo.Text, "29 questions") {
		t.Errorf("bank info %q", s.bankInfo.Text)
	}
}
