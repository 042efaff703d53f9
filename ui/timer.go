package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// timerScreen is the Chronomètre sub-screen: for one candidate and one
// épreuve, a large countdown recomputed every second from the events stored
// (exam.Timer.Status), so that a restart of the app shows the same time;
// Démarrer, Pause, Reprendre and Terminer record events. The app never
// stops an épreuve: time beyond the allowance is shown, never cut.
type timerScreen struct {
	v       *sessionView
	content fyne.CanvasObject

	candidate *widget.Select
	trial     *widget.Select
	card      *accommodationCard // the candidate's accommodations
	clock     *bigText
	caption   *widget.Label // restant, dépassement…
	allowed   *widget.Label // Temps imparti : 1 h 20 (base 1 h)
	deadline  *widget.Label // Fin prévue : 10:45
	state     *widget.Label
	notice    *widget.Label // the 10 and 5 minute warnings, time up
	startBtn  *widget.Button
	pauseBtn  *widget.Button
	resumeBtn *widget.Button
	endBtn    *widget.Button
	status    *widget.Label

	session *exam.Session
	candIDs []int64  // parallel to candidate.Options
	codes   []string // parallel to trial.Options
	candID  int64
	code    string
	tt      exam.TrialTime
	events  []exam.TimerEvent
	loaded  bool // events of (candID, code) are read
	loadSeq int
	busy    bool // an event is being recorded
	noted   bool // the status line shows a note of showNote
	syncing bool // selects set by code

	// last is the status shown; level its importance (medium, warning,
	// danger), for tests.
	last  exam.TimerStatus
	level widget.Importance

	stopTick chan struct{} // closed to stop the ticker
	tickDone chan struct{} // closed when the ticker goroutine has ended
	dialog   dialog.Dialog
}

func newTimerScreen(v *sessionView) *timerScreen {
	t := &timerScreen{v: v}
	t.candidate = widget.NewSelect(nil, t.onCandidate)
	t.candidate.PlaceHolder = lang.L("timer.candidate.placeholder")
	t.trial = widget.NewSelect(nil, t.onTrial)
	t.trial.PlaceHolder = lang.L("timer.trial.placeholder")
	t.clock = newBigText("–:––:––")
	t.caption = widget.NewLabel("")
	t.caption.Alignment = fyne.TextAlignCenter
	t.caption.SizeName = theme.SizeNameHeadingText
	big := func() *widget.Label {
		l := widget.NewLabel("")
		l.Alignment = fyne.TextAlignCenter
		l.SizeName = theme.SizeNameSubHeadingText
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	t.allowed, t.deadline, t.state = big(), big(), big()
	t.state.TextStyle = fyne.TextStyle{Bold: true}
	t.notice = big()
	t.notice.TextStyle = fyne.TextStyle{Bold: true}
	t.notice.Hide()
	t.startBtn = widget.NewButtonWithIcon(lang.L("timer.start"), theme.MediaPlayIcon(), func() { t.record(exam.TimerStart) })
	t.startBtn.Importance = widget.HighImportance
	t.pauseBtn = widget.NewButtonWithIcon(lang.L("timer.pause"), theme.MediaPauseIcon(), func() { t.record(exam.TimerPause) })
	t.resumeBtn = widget.NewButtonWithIcon(lang.L("timer.resume"), theme.MediaPlayIcon(), func() { t.record(exam.TimerResume) })
	t.resumeBtn.Importance = widget.HighImportance
	t.endBtn = widget.NewButtonWithIcon(lang.L("timer.end"), theme.MediaStopIcon(), t.onEnd)
	t.endBtn.Importance = widget.DangerImportance
	t.status = newStatusLabel()
	t.status.Hide()

	choose := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("timer.candidate")), t.candidate,
		widget.NewLabel(lang.L("timer.trial")), t.trial)
	info := container.NewVBox(t.caption, t.state, t.allowed, t.deadline, t.notice)
	buttons := container.NewCenter(container.NewHBox(t.startBtn, t.pauseBtn, t.resumeBtn, t.endBtn))
	bottom := container.NewVBox(info, buttons, t.status)
	// The card stands beside the countdown: the screen must fit a laptop.
	t.card = newSideCard(320)
	t.content = container.NewBorder(choose, bottom, nil, container.NewVBox(t.card.content), t.clock)
	t.show()
	return t
}

func (t *timerScreen) setSession(s *exam.Session, _ *exam.Minutes) {
	t.session = s
	t.syncing = true
	defer func() { t.syncing = false }()
	prev := t.candID
	t.candIDs, t.candID = fillCandidateSelect(t.candidate, s, t.candID)
	if t.candID != prev {
		t.code = ""
	}
	t.candidate.Refresh()
	t.fillTrials()
	t.show()
}

// fillTrials lists the épreuves the candidate sits, keeping the choice.
func (t *timerScreen) fillTrials() {
	t.codes = nil
	var opts []string
	if sc := t.sessionCandidate(); sc != nil {
		for _, tr := range exam.TrialsFor(t.v.ref(), sc.Blocks) {
			t.codes = append(t.codes, tr.Code)
			opts = append(opts, trialName(t.v.ref(), tr.Code))
		}
	}
	was := t.syncing
	t.syncing = true
	defer func() { t.syncing = was }()
	t.trial.Options = opts
	t.trial.ClearSelected()
	found := false
	for i, c := range t.codes {
		if c == t.code {
			t.trial.SetSelectedIndex(i)
			found = true
		}
	}
	if !found {
		t.code = ""
		if len(t.codes) > 0 {
			t.code = t.codes[0]
			t.trial.SetSelectedIndex(0)
		}
	}
	t.trial.Refresh()
	t.computeTime()
	if sc := t.sessionCandidate(); sc != nil {
		t.card.set(sc.Candidate.DisplayName(), sc.Accommodations)
	} else {
		t.card.set("", nil)
	}
}

func (t *timerScreen) sessionCandidate() *exam.SessionCandidate {
	if t.session == nil {
		return nil
	}
	return t.session.Candidate(t.candID)
}

// computeTime allots the épreuve's time to the candidate.
func (t *timerScreen) computeTime() {
	t.tt = exam.TrialTime{}
	sc := t.sessionCandidate()
	if sc == nil || t.code == "" {
		return
	}
	if tr := t.v.ref().Trial(t.code); tr != nil {
		t.tt = sc.Allowance.Allot(*tr)
	}
}

func (t *timerScreen) onCandidate(string) {
	if t.syncing {
		return
	}
	i := t.candidate.SelectedIndex()
	if i < 0 || i >= len(t.candIDs) {
		return
	}
	t.candID = t.candIDs[i]
	t.fillTrials()
	t.load()
}

func (t *timerScreen) onTrial(string) {
	if t.syncing {
		return
	}
	i := t.trial.SelectedIndex()
	if i < 0 || i >= len(t.codes) {
		return
	}
	t.code = t.codes[i]
	t.computeTime()
	t.load()
}

// load reads the events of the chosen candidate and épreuve.
func (t *timerScreen) load() {
	t.loadSeq++
	seq := t.loadSeq
	t.loaded = false
	t.events = nil
	s := t.session
	if s == nil || t.candID == 0 || t.code == "" || t.v.deps.Evaluations == nil {
		t.show()
		return
	}
	t.show()
	svc, actor, sid, cid, code := t.v.deps.Evaluations, t.v.deps.Actor, s.ID, t.candID, t.code
	t.v.tasks.run(func() func() {
		events, err := svc.TimerEvents(context.Background(), actor, sid, cid, code)
		return func() {
			if seq != t.loadSeq {
				return
			}
			if err != nil {
				setLabel(t.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			t.events, t.loaded = events, true
			t.show()
		}
	})
}

// show recomputes the countdown at the clock's time and updates every
// label and button; the ticker calls it every second.
func (t *timerScreen) show() {
	if t.session == nil || t.code == "" {
		t.clock.Set("–:––:––", theme.ColorNameDisabled)
		t.caption.SetText("")
		t.allowed.SetText(lang.L("timer.none"))
		t.deadline.SetText("")
		t.state.SetText("")
		setLabel(t.notice, "", widget.MediumImportance)
		t.level = widget.MediumImportance
		setEnabled(false, t.startBtn, t.pauseBtn, t.resumeBtn, t.endBtn)
		return
	}
	timer := exam.NewTimer(t.tt, t.events)
	st := timer.Status(t.v.now())
	t.last = st
	t.allowed.SetText(lang.L("timer.allowed", map[string]any{"Time": allowanceText(st.Allowed(), st.Base)}))
	if st.Deadline.IsZero() {
		t.deadline.SetText(lang.L("timer.deadline.none"))
	} else {
		t.deadline.SetText(lang.L("timer.deadline", map[string]any{"At": clockText(st.Deadline)}))
	}
	colour := theme.ColorNameForeground
	level := widget.MediumImportance
	notice := ""
	var clock, caption string
	switch {
	case st.TimeUp:
		clock = "+ " + shortClock(st.Overtime)
		caption = lang.L("timer.overtime")
		colour, level = theme.ColorNameError, widget.DangerImportance
		notice = lang.L("timer.notice.time_up", map[string]any{"Over": shortClock(st.Overtime)})
	default:
		clock = exam.FormatClock(st.Remaining)
		caption = lang.L("timer.remaining")
		switch {
		case st.Warning > 0 && st.Warning <= 5*time.Minute:
			colour, level = theme.ColorNameError, widget.DangerImportance
		case st.Warning > 0:
			colour, level = theme.ColorNameWarning, widget.WarningImportance
		}
		if st.Warning > 0 {
			notice = lang.L("timer.notice.warning", map[string]any{"Minutes": int(st.Warning / time.Minute)})
		}
	}
	switch st.State {
	case exam.TimerNotStarted:
		caption = lang.L("timer.caption.not_started")
		t.state.Importance = widget.MediumImportance
	case exam.TimerRunning:
		t.state.Importance = widget.HighImportance
	case exam.TimerPaused:
		t.state.Importance = widget.WarningImportance
		if notice == "" {
			notice = lang.L("timer.notice.paused")
		}
	case exam.TimerEnded:
		t.state.Importance = widget.SuccessImportance
		notice = lang.L("timer.notice.ended", map[string]any{"At": clockText(st.Ended), "Used": durationText(st.Elapsed)})
		if !st.TimeUp {
			caption = lang.L("timer.caption.unused")
			colour, level = theme.ColorNameForeground, widget.MediumImportance
		}
	}
	t.level = level
	t.clock.Set(clock, colour)
	t.caption.SetText(caption)
	t.state.SetText(timerStateLabel(st.State))
	noticeImp := level
	if st.State == exam.TimerPaused && level == widget.MediumImportance {
		noticeImp = widget.WarningImportance
	}
	setLabel(t.notice, notice, noticeImp)

	sc := t.sessionCandidate()
	can := t.loaded && !t.busy && !t.v.locked() && sc != nil && !sc.Absent &&
		t.v.deps.Actor.Can(exam.PermRunSessions) && !t.session.StartedAt.IsZero()
	setEnabled(can && st.State == exam.TimerNotStarted, t.startBtn)
	setEnabled(can && st.State == exam.TimerRunning, t.pauseBtn)
	setEnabled(can && st.State == exam.TimerPaused, t.resumeBtn)
	setEnabled(can && (st.State == exam.TimerRunning || st.State == exam.TimerPaused), t.endBtn)
	t.showNote()
}

// showNote says in the status line why nothing can be recorded, if so,
// without hiding the result of the last action.
func (t *timerScreen) showNote() {
	note := ""
	switch {
	case t.session.StartedAt.IsZero():
		note = lang.L("timer.not_started_session")
	case t.v.locked():
		note = lang.L("session.locked")
	}
	switch {
	case note != "":
		if t.status.Importance != widget.DangerImportance {
			setLabel(t.status, note, widget.WarningImportance)
			t.noted = true
		}
	case t.noted:
		setLabel(t.status, "", widget.MediumImportance)
		t.noted = false
	}
}

func timerStateLabel(s exam.TimerState) string {
	return lang.X("timer.state."+string(s), string(s))
}

// onEnd asks before ending the épreuve: an end cannot be undone.
func (t *timerScreen) onEnd() {
	sc := t.sessionCandidate()
	if sc == nil {
		return
	}
	d := dialog.NewConfirm(lang.L("timer.end.title"), lang.L("timer.end.message", map[string]any{
		"Name": sc.Candidate.DisplayName(), "Trial": trialName(t.v.ref(), t.code),
	}), func(ok bool) {
		if ok {
			t.record(exam.TimerEnd)
		}
	}, t.v.win)
	d.SetConfirmText(lang.L("timer.end"))
	t.dialog = d
	d.Show()
}

// record stores an event at the clock's time; the countdown then follows
// the events read back.
func (t *timerScreen) record(kind exam.TimerEventKind) {
	s := t.session
	if s == nil || t.busy || t.v.deps.Evaluations == nil {
		return
	}
	t.busy = true
	t.show()
	e := exam.TimerEvent{Kind: kind, At: t.v.now()}
	svc, actor, sid, cid, code := t.v.deps.Evaluations, t.v.deps.Actor, s.ID, t.candID, t.code
	seq := t.loadSeq
	t.v.tasks.run(func() func() {
		ctx := context.Background()
		err := svc.RecordTimerEvent(ctx, actor, sid, cid, code, e)
		var events []exam.TimerEvent
		if err == nil {
			events, err = svc.TimerEvents(ctx, actor, sid, cid, code)
		}
		return func() {
			t.busy = false
			if err != nil {
				setLabel(t.status, ErrorMessage(err), widget.DangerImportance)
				t.show()
				return
			}
			if seq == t.loadSeq {
				t.events, t.loaded = events, true
			}
			setLabel(t.status, lang.L("timer.saved", map[string]any{"Event": lang.L("timer.event." + string(kind)), "At": clockText(e.At)}), widget.SuccessImportance)
			t.show()
		}
	})
}

// startTicker updates the countdown every second until stopTicker.
func (t *timerScreen) startTicker() {
	if t.stopTick != nil {
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	t.stopTick, t.tickDone = stop, done
	tk := t.v.tasks
	go func() { // reads no field of t: it only asks the UI goroutine to redraw
		defer close(done)
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			case <-ticker.C:
				poll := n%pollEvery == 0
				tk.do(func() {
					if t.stopTick == stop {
						if poll {
							t.poll()
						}
						t.show()
					}
				})
			}
		}
	}()
	t.show()
}

// pollEvery is how many ticks pass between two readings of the stored
// events: a change of the candidate's extra time recorded meanwhile (a
// profile changed by the referent, a TimerExtra event) moves the deadline
// on screen within that many seconds.
const pollEvery = 5

// poll reads the events of the shown épreuve again, keeping what is shown
// until they come; a newer load or an event being recorded wins.
func (t *timerScreen) poll() {
	s := t.session
	if s == nil || !t.loaded || t.busy || t.candID == 0 || t.code == "" || t.v.deps.Evaluations == nil {
		return
	}
	seq := t.loadSeq
	svc, actor, sid, cid, code := t.v.deps.Evaluations, t.v.deps.Actor, s.ID, t.candID, t.code
	t.v.tasks.run(func() func() {
		events, err := svc.TimerEvents(context.Background(), actor, sid, cid, code)
		return func() {
			if err != nil || seq != t.loadSeq || t.busy {
				return
			}
			t.events = events
			t.show()
		}
	})
}

// stopTicker ends the ticker goroutine, if running.
func (t *timerScreen) stopTicker() {
	if t.stopTick == nil {
		return
	}
	close(t.stopTick)
	t.stopTick = nil
}

// ticking reports whether the ticker runs.
func (t *timerScreen) ticking() bool { return t.stopTick != nil }
