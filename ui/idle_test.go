package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/amisjury/amis/storage"
)

// TestIdleWatch_LocksAfterTheDelayOnly: the window locks itself after the
// delay the administrator stored without activity; the pointer over the
// background, typing in an entry, a tab change each count as activity; 0
// never locks; once unlocked the delay counts again.
func TestIdleWatch_LocksAfterTheDelayOnly(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	storeAccounts(t, f)
	if err := f.accounts.SetAutoLockMinutes(f.ctx, admin, 3); err != nil {
		t.Fatal(err)
	}
	mw := f.build(f.deps())
	f.waitFor("the login screen", func() bool { return mw.stage == stageLogin })
	login(f, "n.jury", "jury-motdepasse")
	f.waitFor("the screens", func() bool { return mw.candidates != nil && !mw.candidates.searching })
	w := mw.idle
	f.waitFor("the delay", func() bool { return w.delay == 3*time.Minute })
	clock := time.Now()
	w.now = func() time.Time { return clock }
	w.touch()
	w.check()
	advance := func(d time.Duration) {
		clock = clock.Add(d)
		w.check()
	}

	advance(2*time.Minute + 50*time.Second)
	if mw.stage != stageWorking {
		t.Fatal("locked before the delay")
	}
	// The pointer crossing the window's background.
	w.sensorTouch(t)
	advance(2 * time.Minute)
	if mw.stage != stageWorking {
		t.Fatal("locked 2 min after a mouse move")
	}
	// Typing in the search entry, which has the focus: seen at the next check.
	mw.win.Canvas().Focus(mw.candidates.search)
	advance(time.Second)
	test.Type(mw.candidates.search, "dup")
	advance(2*time.Minute + 30*time.Second)
	if mw.stage != stageWorking {
		t.Fatal("locked 2 min 30 s after typing")
	}
	mw.win.Canvas().Unfocus()
	advance(time.Second) // the focus left the entry: activity
	advance(3 * time.Minute)
	if mw.stage != stageLocked {
		t.Fatalf("not locked after 3 min without activity (stage %v)", mw.stage)
	}
	if mw.lock == nil || mw.candidates == nil {
		t.Fatal("the automatic lock is not the lock screen of the same user")
	}

	// Unlocked, the delay counts from the return.
	mw.unlock(mw.account)
	advance(idleCheckEvery)
	advance(2 * time.Minute)
	if mw.stage != stageWorking {
		t.Fatal("locked again too soon after unlocking")
	}

	// 0: never.
	w.delay = 0
	advance(5 * time.Hour)
	if mw.stage != stageWorking {
		t.Fatal("locked with the automatic lock off")
	}
}

// sensorTouch moves the pointer over the activity sensor under the screens.
func (w *idleWatch) sensorTouch(t *testing.T) {
	t.Helper()
	c, ok := w.m.workspace.(*fyne.Container)
	if !ok || len(c.Objects) == 0 {
		t.Fatalf("workspace %T", w.m.workspace)
	}
	s, ok := c.Objects[0].(*activitySensor)
	if !ok {
		t.Fatalf("under the screens: %T, not the activity sensor", c.Objects[0])
	}
	s.MouseMoved(&desktop.MouseEvent{})
}

// TestAccounts_AutoLockDialog: the administrator sets the delay in the
// Comptes tab; a wrong value is refused where it was typed.
func TestAccounts_AutoLockDialog(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	f.openAs(f.deps(), admin)
	s := f.mw.accounts
	f.waitFor("the delay", func() bool { return s.autoLockLabel.Text != "" })
	if s.autoLockLabel.Text != "La fenêtre se verrouille d'elle-même après 10 min sans activité." {
		t.Errorf("default: %q", s.autoLockLabel.Text)
	}
	test.Tap(s.autoLockButton)
	d := s.autoLock
	f.waitFor("the dialog", func() bool { return !d.save.Disabled() })
	if d.minutes.Text != "10" {
		t.Errorf("dialog shows %q", d.minutes.Text)
	}
	d.minutes.SetText("500")
	test.Tap(d.save)
	if d.errLine.Text != "Le délai du verrouillage automatique doit être compris entre 0 et 120 minutes (0 : jamais)" {
		t.Errorf("500: %q", d.errLine.Text)
	}
	d.minutes.SetText("15")
	test.Tap(d.save)
	f.waitFor("the save", func() bool {
		return s.autoLockLabel.Text == "La fenêtre se verrouille d'elle-même après 15 min sans activité."
	})
	if n, err := f.accounts.AutoLockMinutes(f.ctx, admin); err != nil || n != 15 {
		t.Errorf("stored: %d, %v", n, err)
	}
}
