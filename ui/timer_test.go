package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// timerCase is a started session of one candidate with a tiers-temps
// (MSP: 1 h base, 1 h 20 allowed), on a database file of the test.
func timerCase(t *testing.T, sf *sessionFixture) *exam.Session {
	t.Helper()
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	s := sf.session(exam.KindCertification, []*exam.Candidate{a}, nil, false)
	s.Candidates[0].Allowance = exam.TimeAllowance{ExtraPercent: 33}
	if err := sf.sessions.UpdateSession(sf.ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	if err := sf.sessions.StartSession(sf.ctx, jury, s.ID, day0); err != nil {
		t.Fatal(err)
	}
	return s
}

// openTimer opens the session on the Chronomètre tab.
func openTimer(sf *sessionFixture, id int64) *timerScreen {
	sf.t.Helper()
	v := sf.openSession(id)
	sf.show(v, v.timerTab)
	tm := v.timer
	sf.waitFor("the timer events", func() bool { return tm.loaded })
	return tm
}

func TestTimer_CountdownFromEventsSurvivesRestart(t *testing.T) {
	storage.FastSecrets(t)
	path := filepath.Join(t.TempDir(), "amis.db")
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	app := test.NewTempApp(t)
	ref := storage.MustReferentiel(t)
	f := &fixture{t: t, ctx: context.Background(), app: app, db: db, ref: ref, svc: storage.NewCandidateService(db, ref)}
	sf := sessionFixtureOn(f)
	s := timerCase(t, sf)
	tm := openTimer(sf, s.ID)

	at := func(d time.Duration) { sf.now = day0.Add(d); tm.show() }
	tap := func(b *widget.Button) {
		t.Helper()
		if b.Disabled() {
			t.Fatalf("%s is disabled", b.Text)
		}
		test.Tap(b)
		sf.waitFor("the event", func() bool { return !tm.busy })
		if tm.status.Importance == widget.DangerImportance {
			t.Fatalf("%s: %s", b.Text, tm.status.Text)
		}
	}
	if tm.candidate.Selected != "DUPONT Marie" || tm.trial.Selected != "Mise en situation professionnelle (MSP)" {
		t.Fatalf("choice: %q, %q", tm.candidate.Selected, tm.trial.Selected)
	}
	if tm.allowed.Text != "Temps imparti : 1 h 20 (base 1 h)" || tm.clock.Text() != "1:20:00" || tm.state.Text != "Non commencée" ||
		!tm.pauseBtn.Disabled() || tm.startBtn.Disabled() {
		t.Fatalf("before the start: %q %q %q", tm.allowed.Text, tm.clock.Text(), tm.state.Text)
	}

	tap(tm.startBtn) // at 09:00
	if tm.status.Text != "Démarrage enregistré(e) à 09:00." || tm.state.Text != "En cours" {
		t.Errorf("after Démarrer: %q, %q", tm.status.Text, tm.state.Text)
	}
	at(10 * time.Minute)
	if tm.clock.Text() != "1:10:00" || tm.deadline.Text != "Fin prévue : 10:20" || tm.level != widget.MediumImportance {
		t.Errorf("T+10 min: %q, %q, level %v", tm.clock.Text(), tm.deadline.Text, tm.level)
	}
	tap(tm.pauseBtn) // at 09:10
	at(15 * time.Minute)
	if tm.clock.Text() != "1:10:00" || tm.deadline.Text != "Fin prévue : 10:25" || tm.state.Text != "En pause" {
		t.Errorf("paused 5 min: %q, %q, %q", tm.clock.Text(), tm.deadline.Text, tm.state.Text)
	}
	tap(tm.resumeBtn) // at 09:15
	at(20 * time.Minute)
	if tm.clock.Text() != "1:05:00" || tm.deadline.Text != "Fin prévue : 10:25" {
		t.Errorf("T+20 min: %q, %q", tm.clock.Text(), tm.deadline.Text)
	}
	at(75 * time.Minute) // 10:15, 10 min left
	if tm.clock.Text() != "0:10:00" || tm.level != widget.WarningImportance || tm.notice.Text != "Plus que 10 minutes" {
		t.Errorf("10 min left: %q, level %v, %q", tm.clock.Text(), tm.level, tm.notice.Text)
	}
	at(81 * time.Minute) // 4 min left
	if tm.clock.Text() != "0:04:00" || tm.level != widget.DangerImportance || tm.notice.Text != "Plus que 5 minutes" {
		t.Errorf("4 min left: %q, level %v, %q", tm.clock.Text(), tm.level, tm.notice.Text)
	}
	over := 88*time.Minute + 12*time.Second // 3:12 over
	at(over)
	if tm.clock.Text() != "+ 3:12" || tm.caption.Text != "dépassement" || tm.level != widget.DangerImportance ||
		!strings.Contains(tm.notice.Text, "+ 3:12 de dépassement") || tm.state.Text != "En cours" {
		t.Errorf("over time: %q %q level %v %q", tm.clock.Text(), tm.caption.Text, tm.level, tm.notice.Text)
	}

	// The countdown ticks only while its tab is shown.
	v := sf.mw.sessions.view
	if !tm.ticking() {
		t.Error("no ticker on the Chronomètre tab")
	}
	// A running countdown on screen holds the automatic lock off.
	idle := sf.mw.idle
	idle.delay = time.Minute
	clock := time.Now()
	idle.now = func() time.Time { return clock }
	idle.touch()
	clock = clock.Add(time.Hour)
	idle.check()
	if sf.mw.stage != stageWorking {
		t.Fatal("the window locked itself while an épreuve's countdown ran on screen")
	}
	done := tm.tickDone
	v.selectTab(v.dayTab)
	if tm.ticking() {
		t.Error("the ticker runs on another tab")
	}
	for i := 0; i < 2 && sf.mw.stage == stageWorking; i++ { // the first check may see the tab change
		clock = clock.Add(time.Hour)
		idle.check()
	}
	if sf.mw.stage != stageLocked {
		t.Error("no automatic lock once the countdown left the screen")
	}
	sf.mw.unlock(sf.mw.account)
	v.selectTab(v.dayTab)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the ticker goroutine did not end")
	}

	// Another start of the app on the same file shows the same time.
	sf.mw.sessions.close()
	sf.mw.tasks.drain()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	f2 := &fixture{t: t, ctx: context.Background(), app: app, db: db2, ref: ref, svc: storage.NewCandidateService(db2, ref)}
	sf2 := sessionFixtureOn(f2)
	sf2.now = day0.Add(over)
	tm2 := openTimer(sf2, s.ID)
	if tm2.clock.Text() != "+ 3:12" || tm2.deadline.Text != "Fin prévue : 10:25" || tm2.state.Text != "En cours" ||
		tm2.allowed.Text != "Temps imparti : 1 h 20 (base 1 h)" {
		t.Errorf("after restart: %q %q %q", tm2.clock.Text(), tm2.deadline.Text, tm2.state.Text)
	}
	sf2.mw.sessions.view.selectTab(sf2.mw.sessions.view.editorTab)

	// Terminer asks first, then the épreuve is over.
	sf2.mw.sessions.view.selectTab(sf2.mw.sessions.view.timerTab)
	test.Tap(tm2.endBtn)
	tm2.dialog.(interface{ Confirm() }).Confirm()
	sf2.waitFor("the end", func() bool { return !tm2.busy && tm2.state.Text == "Terminée" })
	if !tm2.startBtn.Disabled() || !tm2.pauseBtn.Disabled() || !tm2.resumeBtn.Disabled() || !tm2.endBtn.Disabled() {
		t.Error("buttons enabled after the end")
	}
	if !strings.HasPrefix(tm2.notice.Text, "Épreuve terminée à 10:28") {
		t.Errorf("ended: %q", tm2.notice.Text)
	}
	sf2.mw.sessions.view.selectTab(sf2.mw.sessions.view.editorTab)
}

func TestTimer_RefusedBeforeTheSessionStarts(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	s := sf.session(exam.KindCertification, []*exam.Candidate{a}, nil, false)
	tm := openTimer(sf, s.ID)
	if !tm.startBtn.Disabled() || tm.status.Text != "La session n'a pas commencé : démarrez-la dans Préparation." {
		t.Errorf("start %v, %q", tm.startBtn.Disabled(), tm.status.Text)
	}
	tm.v.selectTab(tm.v.editorTab)
}
