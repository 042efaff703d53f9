package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// sessionPart is one sub-screen of a session.
type sessionPart interface {
	// setSession hands the part the session as stored and the state of its
	// PV (nil for a new session); it does no I/O and keeps what the user is
	// typing.
	setSession(s *exam.Session, m *exam.Minutes)
	// load reloads the part's own data from the services.
	load()
}

// sessionView is one session: a title line and its sub-screens in tabs,
// Préparation, Journée, Chronomètre, Évaluation, Délibération, Procès-verbal.
// It holds the session as last read; after a sub-screen writes, changed
// reads it again and the other sub-screens reload when next shown.
type sessionView struct {
	parent *sessionsScreen
	app    fyne.App
	win    fyne.Window
	deps   userDeps
	tasks  *tasks

	id      int64         // 0: a new session, not stored yet
	session *exam.Session // as last read; nil before
	minutes *exam.Minutes

	content fyne.CanvasObject
	title   *widget.Label
	state   *widget.Label
	lock    *widget.Label // "Signé le … — résultats verrouillés", over every sub-screen
	// validity flags, before the start, the candidates whose accommodation
	// decision does not cover the session's dates.
	validity *widget.Label
	header   *fyne.Container
	status   *widget.Label
	tabs     *container.AppTabs

	editor  *sessionEditor
	day     *dayScreen
	timer   *timerScreen
	grading *gradingScreen
	delib   *deliberationScreen
	pv      *minutesScreen

	editorTab, dayTab, timerTab, gradingTab, delibTab, pvTab *container.TabItem

	parts   map[*container.TabItem]sessionPart
	stale   map[sessionPart]bool
	loadSeq int
	loading bool
	visible bool
	closed  bool
}

func newSessionView(parent *sessionsScreen, id int64) *sessionView {
	v := &sessionView{parent: parent, app: parent.app, win: parent.win, deps: parent.deps, tasks: parent.tasks, id: id}
	v.title = widget.NewLabel(lang.L("session.title.new"))
	v.title.TextStyle = fyne.TextStyle{Bold: true}
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.title.Wrapping = fyne.TextWrapWord
	v.state = widget.NewLabel("")
	v.state.TextStyle = fyne.TextStyle{Bold: true}
	v.status = newStatusLabel()
	v.status.Hide()
	v.lock = newWrapLabel("")
	v.lock.TextStyle = fyne.TextStyle{Bold: true}
	v.lock.Hide()
	v.validity = newWrapLabel("")
	v.validity.Hide()

	v.editor = newSessionEditor(v)
	v.day = newDayScreen(v)
	v.timer = newTimerScreen(v)
	v.grading = newGradingScreen(v)
	v.delib = newDeliberationScreen(v)
	v.pv = newMinutesScreen(v)

	v.editorTab = container.NewTabItemWithIcon(lang.L("session.tab.editor"), theme.DocumentCreateIcon(), v.editor.content)
	v.dayTab = container.NewTabItemWithIcon(lang.L("session.tab.day"), theme.ListIcon(), v.day.content)
	v.timerTab = container.NewTabItemWithIcon(lang.L("session.tab.timer"), theme.HistoryIcon(), v.timer.content)
	v.gradingTab = container.NewTabItemWithIcon(lang.L("session.tab.grading"), theme.CheckButtonCheckedIcon(), v.grading.content)
	v.delibTab = container.NewTabItemWithIcon(lang.L("session.tab.deliberation"), theme.AccountIcon(), v.delib.content)
	v.pvTab = container.NewTabItemWithIcon(lang.L("session.tab.minutes"), theme.FileTextIcon(), v.pv.content)
	v.parts = map[*container.TabItem]sessionPart{
		v.editorTab: v.editor, v.dayTab: v.day, v.timerTab: v.timer,
		v.gradingTab: v.grading, v.delibTab: v.delib, v.pvTab: v.pv,
	}
	v.stale = map[sessionPart]bool{}
	// Only the sub-screens the role works with: an administrator prepares
	// the session and reads its day and PV, but neither times, grades nor
	// deliberates.
	items := []*container.TabItem{v.editorTab, v.dayTab}
	if v.deps.Actor.Can(exam.PermRunSessions) {
		items = append(items, v.timerTab)
	}
	if v.deps.Actor.Can(exam.PermGrade) {
		items = append(items, v.gradingTab, v.delibTab)
	}
	items = append(items, v.pvTab)
	v.tabs = container.NewAppTabs(items...)
	v.tabs.OnSelected = v.onTab

	v.header = container.NewVBox(container.NewBorder(nil, nil, nil, v.state, v.title), v.lock, v.validity, v.status)
	v.content = container.NewBorder(v.header, nil, nil, nil, v.tabs)
	if id == 0 {
		for _, t := range v.tabs.Items[1:] {
			v.tabs.DisableItem(t)
		}
		v.editor.setSession(nil, nil)
	} else {
		v.reload()
	}
	return v
}

// locked reports whether the PV is signed: every editing control is off.
func (v *sessionView) locked() bool { return v.session != nil && v.session.Locked() }

// ref is the référentiel in use.
func (v *sessionView) ref() *exam.Referentiel { return v.deps.Referentiel }

// now is the clock.
func (v *sessionView) now() time.Time { return v.deps.now() }

// reload reads the session and its PV state again and hands them to every
// part; the visible part reloads its data, the others when next shown.
func (v *sessionView) reload() {
	if v.id == 0 || v.deps.Sessions == nil {
		return
	}
	v.loadSeq++
	seq := v.loadSeq
	v.loading = true
	svc, delib, actor, id := v.deps.Sessions, v.deps.Deliberation, v.deps.Actor, v.id
	v.tasks.run(func() func() {
		ctx := context.Background()
		s, err := svc.Session(ctx, actor, id)
		var m *exam.Minutes
		if err == nil && delib != nil {
			m, err = delib.Minutes(ctx, actor, id)
		}
		return func() {
			if seq != v.loadSeq || v.closed {
				return
			}
			v.loading = false
			if err != nil {
				setLabel(v.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			setLabel(v.status, "", widget.MediumImportance)
			v.apply(s, m)
		}
	})
}

// apply shows a freshly read session.
func (v *sessionView) apply(s *exam.Session, m *exam.Minutes) {
	v.session, v.minutes = s, m
	v.title.SetText(sessionTitle(s))
	amended := m != nil && m.Amended()
	text, imp := sessionState(!s.StartedAt.IsZero(), s.Locked(), amended)
	v.state.Importance = imp
	v.state.SetText(text)
	lock := ""
	if s.Locked() {
		lock = lang.L("pv.signed", map[string]any{"At": dateTimeText(s.SignedAt)})
		if amended {
			lock += " · " + plural(len(m.Amendments), "pv.amended.one", "pv.amended.other", nil)
		}
	}
	setLabel(v.lock, lock, widget.SuccessImportance)
	flag := ""
	if s.StartedAt.IsZero() {
		flag = accommodationWarnings(s)
	}
	if w := v.header.Size().Width; flag != "" && w > 0 && !v.validity.Visible() {
		// A wrapped label measures its height at its width: a hidden one
		// has none yet, and would ask the window for a line per word.
		v.validity.Resize(fyne.NewSize(w, v.validity.MinSize().Height))
	}
	setLabel(v.validity, flag, widget.WarningImportance)
	if s.Kind == exam.KindMock {
		v.pvTab.Text = lang.L("session.tab.feedback")
	} else {
		v.pvTab.Text = lang.L("session.tab.minutes")
	}
	for _, t := range v.tabs.Items {
		v.tabs.EnableItem(t)
	}
	v.tabs.Refresh()
	for _, p := range v.partList() {
		p.setSession(s, m)
		v.stale[p] = true
	}
	v.loadCurrent()
}

func (v *sessionView) partList() []sessionPart {
	return []sessionPart{v.editor, v.day, v.timer, v.grading, v.delib, v.pv}
}

// loadCurrent reloads the visible part if it is stale.
func (v *sessionView) loadCurrent() {
	p := v.parts[v.tabs.Selected()]
	if p != nil && v.stale[p] {
		v.stale[p] = false
		p.load()
	}
}

// changed is called by a part after a successful write: the session is
// read again (a write may withdraw signatures or lock the session), the
// other parts reload when next shown, and the list shows the new state.
func (v *sessionView) changed(from sessionPart) {
	for _, p := range v.partList() {
		if p != from {
			v.stale[p] = true
		}
	}
	v.reload()
	v.parent.refresh()
}

// created is called by the editor once a new session is stored.
func (v *sessionView) created(id int64) {
	v.id = id
	v.reload()
	v.parent.refresh()
}

// onTab reloads the shown part if needed and runs the countdown only while
// its tab is visible.
func (v *sessionView) onTab(*container.TabItem) {
	v.loadCurrent()
	v.updateTicker()
}

// setVisible is called when the Sessions tab of the window is shown or
// hidden.
func (v *sessionView) setVisible(on bool) {
	v.visible = on
	v.updateTicker()
}

func (v *sessionView) updateTicker() {
	if v.visible && !v.closed && v.tabs.Selected() == v.timerTab {
		v.timer.startTicker()
	} else {
		v.timer.stopTicker()
	}
}

// selectTab shows a sub-screen.
func (v *sessionView) selectTab(t *container.TabItem) { v.tabs.Select(t) }

// close stops the countdown; the view is no longer shown.
func (v *sessionView) close() {
	v.closed = true
	v.timer.stopTicker()
	v.grading.flush()
}
