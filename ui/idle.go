package ui

import (
	"context"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// The automatic lock (docs/accounts.md, "Lock"): a window left without
// activity for the delay the administrator set (exam.AccountService
// AutoLockMinutes, 10 minutes by default, 0: never) locks itself as
// Utilisateur → Verrouiller does. Fyne has no global input hook, so
// activity is what the window can see:
//   - the mouse moving or clicking over the window's background (an
//     activitySensor under the screens; buttons, entries and lists answer
//     their own hover, but a pointer crossing the window crosses background),
//   - keys typed while no widget has the focus (the canvas' handlers),
//   - what changes on screen because of the user, checked every few
//     seconds: the widget with the focus, the text and cursor of a focused
//     entry (typing an observation), the tab shown, the dialogs open.
// An épreuve's countdown running on screen holds the lock off: the jury
// watches the candidate, not the laptop.

// idleCheckEvery is how often the watcher looks for activity and checks the
// delay.
const idleCheckEvery = 5 * time.Second

// idleTicking starts the watcher's ticker. The tests turn it off and call
// check themselves: Fyne's test driver runs fyne.Do on the calling
// goroutine, not on the one that drives the window.
var idleTicking = true

// idleWatch is the automatic lock of a main window. Its fields are used on
// the UI goroutine only.
type idleWatch struct {
	m     *mainWindow
	delay time.Duration // 0: never
	now   func() time.Time
	last  time.Time // the last activity seen
	seen  string    // what the screen showed at the last check
	stop  chan struct{}
}

func newIdleWatch(m *mainWindow) *idleWatch {
	return &idleWatch{m: m, now: time.Now, last: time.Now()}
}

// touch records activity now.
func (w *idleWatch) touch() { w.last = w.now() }

// start reads the delay for the user who just entered, then checks every
// idleCheckEvery; stop ends it.
func (w *idleWatch) start(a exam.Actor) {
	w.stopTicking()
	w.touch()
	w.delay = exam.DefaultAutoLockMinutes * time.Minute
	if svc := w.m.deps.Accounts; svc != nil {
		w.m.tasks.run(func() func() {
			n, err := svc.AutoLockMinutes(context.Background(), a)
			return func() {
				if err == nil {
					w.delay = time.Duration(n) * time.Minute
				}
			}
		})
	}
	if !idleTicking {
		return
	}
	stop := make(chan struct{})
	w.stop = stop
	go func() {
		t := time.NewTicker(idleCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(func() {
					if w.stop == stop {
						w.check()
					}
				})
			}
		}
	}()
}

func (w *idleWatch) stopTicking() {
	if w.stop != nil {
		close(w.stop)
		w.stop = nil
	}
}

// check notes what changed on screen since the last check as activity,
// then locks the window if nothing happened for the delay.
func (w *idleWatch) check() {
	m := w.m
	if m.stage != stageWorking {
		w.touch() // the delay counts from the return to the screens
		return
	}
	if p := w.fingerprint(); p != w.seen {
		w.seen = p
		w.touch()
	}
	if w.delay <= 0 || w.countdownShown() {
		w.touch()
		return
	}
	if w.now().Sub(w.last) >= w.delay {
		m.onLock()
	}
}

// fingerprint sums up what the user changes on screen: the focused
// widget, a focused entry's text and cursor, the tab, the dialogs open.
func (w *idleWatch) fingerprint() string {
	m := w.m
	c := m.win.Canvas()
	p := fmt.Sprintf("%p", c.Focused())
	if e, ok := c.Focused().(*widget.Entry); ok {
		p += fmt.Sprintf(" %d %d:%d", len(e.Text), e.CursorRow, e.CursorColumn)
	}
	if m.tabs != nil {
		p += fmt.Sprintf(" tab %d", m.tabs.SelectedIndex())
	}
	return p + fmt.Sprintf(" overlays %d", len(c.Overlays().List()))
}

// countdownShown reports whether an épreuve's countdown runs on screen.
func (w *idleWatch) countdownShown() bool {
	s := w.m.sessions
	if s == nil || s.view == nil || s.view.timer == nil {
		return false
	}
	t := s.view.timer
	return t.ticking() && t.last.State == exam.TimerRunning
}

// activitySensor lies under the user's screens and tells the watcher of
// the pointer moving or clicking over the window's background.
type activitySensor struct {
	widget.BaseWidget
	on func()
}

func newActivitySensor(on func()) *activitySensor {
	s := &activitySensor{on: on}
	s.ExtendBaseWidget(s)
	return s
}

func (s *activitySensor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

func (s *activitySensor) MouseIn(*desktop.MouseEvent)    { s.on() }
func (s *activitySensor) MouseMoved(*desktop.MouseEvent) { s.on() }
func (s *activitySensor) MouseOut()                      {}
func (s *activitySensor) MouseDown(*desktop.MouseEvent)  { s.on() }
func (s *activitySensor) MouseUp(*desktop.MouseEvent)    {}

var (
	_ desktop.Hoverable = (*activitySensor)(nil)
	_ desktop.Mouseable = (*activitySensor)(nil)
)
