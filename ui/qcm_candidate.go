package ui

import (
	"context"
	"errors"
	"image/color"
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// The candidate mode: a full-screen window where one candidate sits one QCM
// attempt, opened by a jury member (see docs/qcm.md).
//
//   - One question per page; a review page lists the answered and
//     unanswered questions before "Terminer", which asks to confirm.
//   - Keyboard alone: 1–9 (or A–I, or the unshifted digit keys of a French
//     keyboard) choose, ↑ ↓ move between the choices, Space ticks, Enter goes
//     on, ← or PgUp goes back, Tab reaches every control, Escape asks to
//     leave. The mouse works too.
//   - Every choice is written by QCMService.Answer before the screen shows
//     it as taken; a refused write shows why and nothing is shown as taken.
//     Writes are queued so that they reach the disk in the order made.
//   - The candidate's screen needs (Attempt.Screen) apply through qcmTheme:
//     text size, high contrast, line spacing; the countdown is hidden when
//     asked (the limit "45 min (base 30 min)" stays); reduced choices are
//     already in the drawn items.
//   - A candidate with breaks in their profile may pause: the clock stops
//     (Pause/Resume events). When the time is up the attempt ends; its
//     answers are kept.
//   - Leaving needs a jury password; the clock is paused and the attempt
//     stays resumable (StartAttempt returns it, at the same page).

// qcmMode is what the candidate window shows.
type qcmMode int

const (
	modeQuestion qcmMode = iota // one question
	modeReview                  // the list of questions before finishing
	modeConfirm                 // "Terminer ?"
	modePaused                  // a break: the clock is stopped
	modeEnded                   // the attempt is over
	modePassword                // the jury's password, to leave
)

// candidateMode is the candidate window.
type candidateMode struct {
	win   fyne.Window
	deps  QCMDeps
	actor exam.Actor
	tasks *tasks
	th    *qcmTheme
	// juryTh is th at the normal text size: the jury's password page.
	juryTh *qcmTheme
	att    *exam.Attempt
	name   string // the candidate's name

	root    *container.ThemeOverride
	frame   *fyne.Container // header, page, footer (frameLayout)
	who     *widget.Label   // candidate and questionnaire
	counter *widget.Label   // Question 3 / 20
	clock   *widget.Label   // Temps restant 0:42:10 · temps accordé 45 min (base 30 min)
	status  *widget.Label   // the last error
	hint    *widget.Label   // the keys
	more    *widget.Label   // ▼ the page goes on below
	body    *fyne.Container
	nav     *fyne.Container
	pause   *qcmRow
	quit    *qcmRow
	prev    *qcmRow
	next    *qcmRow

	// The current page's widgets.
	scroll   *container.Scroll
	pager    *pager
	question *widget.Label
	rows     []*qcmRow // choices, or the questions of the review page
	buttons  []*qcmRow // the buttons of a confirm, pause, end or password page
	password *juryPasswordEntry
	pwError  *widget.Label

	mode     qcmMode
	back     qcmMode // the mode to go back to from the password page
	page     int     // the question shown, or len(Items) for the review page
	cursor   int     // the row with the keyboard focus
	intended map[int][]int
	queue    []qcmWrite
	writing  bool
	ending   bool // Finish is queued
	leaving  bool // the jury's password was given: close once the queue is empty
	checking bool // the password is being checked
	// scrolling is false while a new page gives the focus to its first
	// row: the page then shows from its top.
	scrolling bool
	closed    bool

	last     exam.TimerStatus
	stopTick chan struct{}
	onClosed func()
}

// qcmWrite is one write of the candidate mode, run in order off the UI
// goroutine; done gets its error on the UI goroutine.
type qcmWrite struct {
	answer bool // an Answer (dropped from the queue when an earlier one fails)
	work   func(ctx context.Context) error
	done   func(err error)
}

// openCandidateMode opens the full-screen candidate window on a started (or
// resumed) attempt; onClosed runs once the window is closed.
func openCandidateMode(a fyne.App, deps QCMDeps, actor exam.Actor, t *tasks, att *exam.Attempt, name string, onClosed func()) *candidateMode {
	c := &candidateMode{deps: deps, actor: actor, tasks: t, att: att, name: name, onClosed: onClosed, scrolling: true}
	if c.att.Answers == nil {
		c.att.Answers = map[int][]int{}
	}
	c.intended = map[int][]int{}
	for i, ch := range c.att.Answers {
		c.intended[i] = slices.Clone(ch)
	}
	c.th = newQCMTheme(a.Settings().Theme(), att.Screen)
	c.juryTh = newQCMTheme(a.Settings().Theme(), exam.ScreenNeeds{HighContrast: att.Screen.HighContrast})
	c.win = a.NewWindow(lang.L("qcm.candidate.window", map[string]any{"Name": name}))
	c.build()
	c.win.SetCloseIntercept(c.askQuit)
	c.win.SetOnClosed(c.onWindowClosed)
	c.win.SetFullScreen(true)
	c.win.Show()
	c.start()
	return c
}

func (c *candidateMode) now() time.Time { return c.deps.now() }

// build makes the persistent parts of the window: header, footer and the
// slot of the pages, all under the candidate theme.
func (c *candidateMode) build() {
	th := c.th
	c.who = newWrapLabel(lang.L("qcm.candidate.who", map[string]any{"Name": c.name, "Title": c.att.Title}))
	c.who.SizeName = theme.SizeNameCaptionText
	c.counter = newWrapLabel("")
	c.counter.TextStyle = fyne.TextStyle{Bold: true}
	c.counter.SizeName = theme.SizeNameSubHeadingText
	c.clock = newWrapLabel("")
	c.clock.TextStyle = fyne.TextStyle{Bold: true}
	c.status = newErrorLabel()
	c.hint = newWrapLabel("")
	c.hint.SizeName = theme.SizeNameCaptionText
	c.pause = newQCMButton(th, lang.L("qcm.candidate.pause"), false, c, c.onPause)
	c.quit = newQCMButton(th, lang.L("qcm.candidate.quit"), false, c, c.askQuit)
	c.prev = newQCMButton(th, lang.L("qcm.candidate.previous"), false, c, c.onPrev)
	c.next = newQCMButton(th, lang.L("qcm.candidate.next"), true, c, c.onNext)
	if len(c.att.Breaks) == 0 {
		c.pause.Hide()
	}
	buttons := container.NewVBox(container.NewHBox(c.pause, c.quit))
	line := container.NewBorder(nil, nil, nil, buttons, c.counter)
	top := newColumn(0, line, c.clock, widget.NewSeparator())
	c.more = newWrapLabel("")
	c.more.Alignment = fyne.TextAlignCenter
	c.more.TextStyle = fyne.TextStyle{Bold: true}
	c.nav = container.NewBorder(nil, nil, container.NewVBox(c.prev), container.NewVBox(c.next), c.more)
	bottom := newColumn(0, widget.NewSeparator(), c.status, c.hint, c.nav)
	c.body = container.NewStack()
	bg := canvas.NewRectangle(th.Color(theme.ColorNameBackground, fyne.CurrentApp().Settings().ThemeVariant()))
	pad := th.Size(theme.SizeNamePadding)
	c.frame = container.New(&frameLayout{gap: pad}, top, c.body, bottom)
	frame := container.New(layout.NewCustomPaddedLayout(pad, pad, 2*pad, 2*pad), c.frame)
	c.root = container.NewThemeOverride(container.NewStack(bg, frame), th)
	c.win.SetContent(c.root)
	cv := c.win.Canvas()
	cv.SetOnTypedKey(func(ev *fyne.KeyEvent) { c.rowKey(nil, ev) })
	cv.SetOnTypedRune(func(r rune) { c.rowRune(nil, r) })
}

// start shows the page the attempt was left on, or the pause or the end,
// and starts the clock's ticker.
func (c *candidateMode) start() {
	c.page = min(max(c.att.Current, 0), len(c.att.Items))
	st := c.att.Status(c.now())
	c.last = st
	switch {
	case c.att.Finished():
		c.showEnded()
	case st.State == exam.TimerPaused:
		c.showPaused()
	default:
		c.showPage(c.page)
	}
	c.tick()
	c.startTicker()
}

// setPage puts content in the page slot, under the candidate theme.
func (c *candidateMode) setPage(content fyne.CanvasObject) {
	c.body.Objects = []fyne.CanvasObject{container.NewThemeOverride(content, c.pageTheme())}
	c.body.Refresh()
}

// pageTheme is the theme of the page shown: the candidate's, or, on the
// jury's password page, the same colours at the normal text size.
func (c *candidateMode) pageTheme() *qcmTheme {
	if c.mode == modePassword {
		return c.juryTh
	}
	return c.th
}

// setNav shows the navigation buttons of the mode (none when show is
// false: the page has its own buttons).
func (c *candidateMode) setNav(prev, next string, show bool) {
	c.prev.SetText(prev)
	c.next.SetText(next)
	if show && prev != "" {
		c.prev.Show()
	} else {
		c.prev.Hide()
	}
	if show {
		c.next.Show()
	} else {
		c.next.Hide()
	}
}

// showPage shows question i, or the review page for len(Items).
func (c *candidateMode) showPage(i int) {
	if i >= len(c.att.Items) {
		c.showReview()
		return
	}
	c.mode, c.page = modeQuestion, i
	it := &c.att.Items[i]
	q := &it.Question
	c.counter.SetText(lang.L("qcm.candidate.counter", map[string]any{"N": i + 1, "Total": len(c.att.Items)}))
	c.question = newWrapLabel(q.Text)
	if c.th.scale <= 2 { // larger, the text size is large enough
		c.question.SizeName = theme.SizeNameSubHeadingText
	}
	kind := newWrapLabel(lang.X("qcm.candidate.kind."+string(q.Kind), string(q.Kind)))
	kind.TextStyle = fyne.TextStyle{Italic: true}
	objs := []fyne.CanvasObject{c.question}
	if img := questionImage(q, c.th.scale); img != nil {
		objs = append(objs, img)
	}
	objs = append(objs, kind)
	c.rows = c.rows[:0]
	c.buttons = nil
	rk := rowRadio
	if q.Kind == exam.QuestionMultiple {
		rk = rowCheck
	}
	chosen := c.att.Answers[i]
	c.cursor = -1
	for k, ch := range it.Shown() {
		k := k
		r := newQCMRow(c.th, rk, ch.Text, c, func() { c.choose(k) })
		r.badge = choiceBadge(k)
		r.index = k
		r.chosen = slices.Contains(chosen, it.Order[k])
		if r.chosen && c.cursor < 0 {
			c.cursor = k
		}
		c.rows = append(c.rows, r)
		objs = append(objs, r)
	}
	c.cursor = max(c.cursor, 0)
	c.setHint(lang.L("qcm.candidate.hint.question", map[string]any{"Last": choiceBadge(len(c.rows) - 1)}))
	c.setPage(c.pageScroll(objs))
	last := i == len(c.att.Items)-1
	next := lang.L("qcm.candidate.next")
	if last {
		next = lang.L("qcm.candidate.to_review")
	}
	prev := ""
	if i > 0 {
		prev = lang.L("qcm.candidate.previous")
	}
	c.setNav(prev, next, true)
	c.showHeader(true)
	c.focusFirst(c.cursor)
}

// pageScroll is the page of objs: a pager (whole objects only) in a
// scroll container that only scrolls when one object alone is taller than
// the room.
func (c *candidateMode) pageScroll(objs []fyne.CanvasObject) *container.Scroll {
	if !c.hintInFooter() && c.hint.Text != "" && c.mode != modePassword {
		h := newWrapLabel(c.hint.Text)
		h.SizeName = theme.SizeNameCaptionText
		objs = append(objs, h)
	}
	c.scroll = container.NewVScroll(nil)
	c.pager = newPager(objs, c.pageTheme().gap(), c.scroll, c.showMore)
	c.pager.laidOut = c.refocus
	c.scroll.Content = c.pager
	return c.scroll
}

// refocus gives the focus back to the cursor's row when nothing has it and
// the row is shown: a page built before the window had its size could not
// focus a row the pager hid then.
func (c *candidateMode) refocus() {
	if (c.mode != modeQuestion && c.mode != modeReview) || c.cursor >= len(c.rows) || c.closed {
		return
	}
	cv := c.win.Canvas()
	if r := c.rows[c.cursor]; cv.Focused() == nil && r.Visible() {
		c.scrolling = false
		cv.Focus(r)
		c.scrolling = true
	}
}

// hintInFooter says whether the keys are explained in the footer (always
// visible) or at the end of the page (large text: the room goes to the
// question).
func (c *candidateMode) hintInFooter() bool {
	return c.th.scale <= 1.5 || (c.att.Screen.KeyboardOnly && c.th.scale <= 2)
}

// showMore says in the footer whether the page goes on below or above.
func (c *candidateMode) showMore(above, below bool) {
	key := ""
	switch {
	case above && below:
		key = "qcm.candidate.more.both"
	case below:
		key = "qcm.candidate.more.below"
	case above:
		key = "qcm.candidate.more.above"
	}
	text := ""
	if key != "" {
		text = lang.L(key)
	}
	if c.more.Text != text {
		c.more.SetText(text)
	}
}

// choiceBadge is the key of the k-th choice: "1".."9", then "A".."Z".
func choiceBadge(k int) string {
	if k < 9 {
		return string(rune('1' + k))
	}
	return string(rune('A' + k - 9))
}

// questionImage is the question's picture, scaled with the text; nil when
// it has none or it cannot be read.
func questionImage(q *exam.Question, scale float32) fyne.CanvasObject {
	if len(q.Image) == 0 {
		return nil
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("question."+exam.ImageType(q.Image), q.Image))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(320*scale, 200*scale))
	return img
}

// showReview shows the list of the questions, answered or not.
func (c *candidateMode) showReview() {
	c.mode, c.page = modeReview, len(c.att.Items)
	n := len(c.att.Items)
	unanswered := c.att.Unanswered()
	c.counter.SetText(lang.L("qcm.candidate.review.title"))
	head := newWrapLabel(lang.L("qcm.candidate.review.all", map[string]any{"Total": n}))
	if len(unanswered) > 0 {
		head.SetText(plural(len(unanswered), "qcm.candidate.review.unanswered.one", "qcm.candidate.review.unanswered.other",
			map[string]any{"Answered": n - len(unanswered), "Total": n}))
	}
	head.TextStyle = fyne.TextStyle{Bold: true}
	if len(unanswered) > 0 {
		head.Importance = widget.WarningImportance
	}
	objs := []fyne.CanvasObject{head}
	c.rows = c.rows[:0]
	c.buttons = nil
	c.cursor = 0
	if len(unanswered) > 0 {
		c.cursor = unanswered[0]
	}
	for i := range c.att.Items {
		i := i
		key := "qcm.candidate.review.item.unanswered"
		if c.att.Answered(i) {
			key = "qcm.candidate.review.item.answered"
		}
		r := newQCMRow(c.th, rowReview, lang.L(key, map[string]any{"N": i + 1}), c, func() { c.goTo(i) })
		r.chosen = c.att.Answered(i)
		r.index = i
		c.rows = append(c.rows, r)
		objs = append(objs, r)
	}
	c.setHint(lang.L("qcm.candidate.hint.review"))
	c.setPage(c.pageScroll(objs))
	c.setNav(lang.L("qcm.candidate.previous"), lang.L("qcm.candidate.finish"), true)
	c.showHeader(true)
	c.focusFirst(c.cursor)
}

// showConfirm asks before finishing: it cannot be undone.
func (c *candidateMode) showConfirm() {
	c.mode = modeConfirm
	n := len(c.att.Items)
	left := len(c.att.Unanswered())
	title := newWrapLabel(lang.L("qcm.candidate.confirm.title"))
	title.SizeName = theme.SizeNameSubHeadingText
	title.TextStyle = fyne.TextStyle{Bold: true}
	msg := newWrapLabel(lang.L("qcm.candidate.confirm.all", map[string]any{"Total": n}))
	if left > 0 {
		msg.SetText(plural(left, "qcm.candidate.confirm.unanswered.one", "qcm.candidate.confirm.unanswered.other",
			map[string]any{"Answered": n - left, "Total": n}))
	}
	if left > 0 {
		msg.Importance = widget.WarningImportance
	}
	warn := newWrapLabel(lang.L("qcm.candidate.confirm.final"))
	back := newQCMButton(c.th, lang.L("qcm.candidate.confirm.back"), false, c, c.showReview)
	finish := newQCMButton(c.th, lang.L("qcm.candidate.confirm.finish"), true, c, func() { c.finish(exam.AttemptDone) })
	c.rows, c.buttons = c.rows[:0], []*qcmRow{back, finish}
	c.setHint(lang.L("qcm.candidate.hint.confirm"))
	c.setPage(c.pageScroll([]fyne.CanvasObject{title, msg, warn, container.NewHBox(back, finish)}))
	c.setNav("", "", false)
	c.relayout()
	c.focusButton(back)
}

// showPaused shows the break: the clock is stopped until Reprendre.
func (c *candidateMode) showPaused() {
	c.mode = modePaused
	title := newWrapLabel(lang.L("qcm.candidate.paused.title"))
	title.SizeName = theme.SizeNameSubHeadingText
	title.TextStyle = fyne.TextStyle{Bold: true}
	msg := newWrapLabel(lang.L("qcm.candidate.paused.message"))
	resume := newQCMButton(c.th, lang.L("qcm.candidate.resume"), true, c, c.onResume)
	c.rows, c.buttons = c.rows[:0], []*qcmRow{resume}
	c.setHint(lang.L("qcm.candidate.hint.paused"))
	c.setPage(c.pageScroll([]fyne.CanvasObject{title, msg, container.NewHBox(resume)}))
	c.setNav("", "", false)
	c.pause.Hide()
	c.relayout()
	c.focusButton(resume)
}

// showEnded says the attempt is over; only the jury can leave.
func (c *candidateMode) showEnded() {
	c.mode = modeEnded
	c.counter.SetText(lang.L("qcm.candidate.ended.counter"))
	title := newWrapLabel(lang.L("qcm.candidate.ended.title"))
	title.SizeName = theme.SizeNameSubHeadingText
	title.TextStyle = fyne.TextStyle{Bold: true}
	key := "qcm.candidate.ended.done"
	if c.att.EndReason == exam.AttemptTimeUp {
		key = "qcm.candidate.ended.time_up"
	}
	msg := newWrapLabel(lang.L(key))
	call := newWrapLabel(lang.L("qcm.candidate.ended.call"))
	c.rows, c.buttons = c.rows[:0], nil
	c.setHint(lang.L("qcm.candidate.hint.ended"))
	c.setPage(c.pageScroll([]fyne.CanvasObject{title, c.who, msg, call}))
	c.setNav("", "", false)
	c.pause.Hide()
	c.relayout()
	c.win.Canvas().Focus(c.quit)
}

// setHint sets the keys' explanation of the page, shown in the footer or
// at the end of the page (see hintInFooter).
func (c *candidateMode) setHint(text string) {
	c.hint.SetText(text)
	if c.hintInFooter() || c.mode == modePassword {
		c.hint.Show()
	} else {
		c.hint.Hide()
	}
}

// showHeader shows the pause button when the candidate may take a break.
func (c *candidateMode) showHeader(running bool) {
	if running && len(c.att.Breaks) > 0 && !c.att.Finished() {
		c.pause.Show()
	} else {
		c.pause.Hide()
	}
}

// askQuit asks for a jury password before leaving the candidate mode.
func (c *candidateMode) askQuit() {
	if c.mode == modePassword || c.leaving || c.closed {
		return
	}
	c.back = c.mode
	c.mode = modePassword
	title := newWrapLabel(lang.L("qcm.candidate.leave.title"))
	title.SizeName = theme.SizeNameSubHeadingText
	title.TextStyle = fyne.TextStyle{Bold: true}
	msg := newWrapLabel(lang.L("qcm.candidate.leave.message"))
	c.password = newJuryPasswordEntry(c.cancelQuit)
	c.password.SetPlaceHolder(lang.L("qcm.candidate.leave.password"))
	c.password.OnSubmitted = func(string) { c.onLeave() }
	c.pwError = newErrorLabel()
	cancel := newQCMButton(c.juryTh, lang.L("action.cancel"), false, c, c.cancelQuit)
	leave := newQCMButton(c.juryTh, lang.L("qcm.candidate.leave.confirm"), true, c, c.onLeave)
	c.rows, c.buttons = c.rows[:0], []*qcmRow{cancel, leave}
	c.setHint(lang.L("qcm.candidate.hint.leave"))
	// The jury's controls first: at a large text size the rest may be
	// below.
	c.setPage(c.pageScroll([]fyne.CanvasObject{title, c.password, c.pwError, container.NewHBox(cancel, leave), msg, c.who}))
	c.setNav("", "", false)
	c.pause.Hide()
	c.quit.Hide()
	c.relayout()
	c.scrollTo(c.password)
	c.win.Canvas().Focus(c.password)
}

// juryPasswordEntry is the password entry of the jury; Escape goes back to
// the candidate's page.
type juryPasswordEntry struct {
	widget.Entry
	onEscape func()
}

func newJuryPasswordEntry(onEscape func()) *juryPasswordEntry {
	e := &juryPasswordEntry{onEscape: onEscape}
	e.Password = true
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey goes back on Escape.
func (e *juryPasswordEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// cancelQuit goes back to where the candidate was.
func (c *candidateMode) cancelQuit() {
	if c.mode != modePassword || c.checking {
		return
	}
	c.password = nil
	c.quit.Show()
	c.showMode(c.back)
}

// showMode shows the page of mode m again.
func (c *candidateMode) showMode(m qcmMode) {
	switch {
	case c.att.Finished() || m == modeEnded:
		c.showEnded()
	case m == modePaused:
		c.showPaused()
	case m == modeConfirm:
		c.showConfirm()
	default:
		c.showPage(c.page)
	}
}

// onLeave checks the jury's password; a right one closes the window (the
// clock paused first), a wrong one keeps the candidate mode.
func (c *candidateMode) onLeave() {
	if c.mode != modePassword || c.checking || c.password == nil {
		return
	}
	check := c.deps.CheckJuryPassword
	pw := c.password.Text
	if check == nil {
		setLabel(c.pwError, lang.L("qcm.candidate.leave.unavailable"), widget.DangerImportance)
		return
	}
	if pw == "" {
		setLabel(c.pwError, lang.L("qcm.candidate.leave.empty"), widget.DangerImportance)
		return
	}
	c.checking = true
	setLabel(c.pwError, "", widget.DangerImportance)
	actor := c.actor
	c.tasks.run(func() func() {
		err := check(context.Background(), actor, pw)
		return func() {
			c.checking = false
			if c.mode != modePassword || c.password == nil {
				return
			}
			if err != nil {
				c.password.SetText("")
				msg := ErrorMessage(err)
				if exam.ErrorCode(err) == exam.EAUTH {
					msg = lang.L("qcm.candidate.leave.wrong")
				}
				setLabel(c.pwError, msg, widget.DangerImportance)
				if c.pager != nil {
					c.pager.relayout()
				}
				c.win.Canvas().Focus(c.password)
				return
			}
			c.leave()
		}
	})
}

// leave pauses a running clock and closes the window once every write is
// done.
func (c *candidateMode) leave() {
	c.leaving = true
	if !c.att.Finished() && !c.ending && c.att.Status(c.now()).State == exam.TimerRunning {
		c.record(exam.TimerPause, nil)
	}
	c.closeWhenIdle()
}

func (c *candidateMode) closeWhenIdle() {
	if c.leaving && !c.writing && len(c.queue) == 0 && !c.closed {
		c.win.Close()
	}
}

func (c *candidateMode) onWindowClosed() {
	c.closed = true
	c.stopTicker()
	if c.onClosed != nil {
		c.onClosed()
	}
}

// focusRow gives the keyboard focus to row k of the page and scrolls it
// into view.
func (c *candidateMode) focusRow(k int) {
	if len(c.rows) == 0 {
		return
	}
	k = min(max(k, 0), len(c.rows)-1)
	c.cursor = k
	c.scrollTo(c.rows[k]) // a hidden row cannot take the focus
	c.win.Canvas().Focus(c.rows[k])
}

// focusFirst gives the focus to row k of a new page, which starts at its
// top (the question's text first).
func (c *candidateMode) focusFirst(k int) {
	c.relayout()
	if len(c.rows) == 0 {
		return
	}
	k = min(max(k, 0), len(c.rows)-1)
	c.cursor = k
	if k > 0 {
		c.scrollTo(c.rows[k])
	}
	c.scrolling = false
	c.win.Canvas().Focus(c.rows[k])
	c.scrolling = true
}

func (c *candidateMode) focusButton(b *qcmRow) {
	c.scrollTo(b)
	c.win.Canvas().Focus(b)
}

// scrollTo turns the page so that o (or the object of the page holding
// it) is shown whole.
func (c *candidateMode) scrollTo(o fyne.CanvasObject) {
	if c.pager != nil {
		c.pager.reveal(o)
	}
}

// rowFocused follows the focus given by Tab or the mouse.
func (c *candidateMode) rowFocused(r *qcmRow) {
	if r.kind != rowButton && slices.Contains(c.rows, r) {
		moved := r.index != c.cursor
		c.cursor = r.index
		// Not when the window gets the focus back from the system: the
		// page stays where the candidate left it.
		if c.scrolling && moved {
			c.scrollTo(r)
		}
	}
}

// rowKey handles a key typed anywhere in the window (from is the row or
// button with the focus, nil when nothing has it).
func (c *candidateMode) rowKey(from *qcmRow, ev *fyne.KeyEvent) {
	if c.closed {
		return
	}
	onButton := from != nil && from.kind == rowButton
	switch ev.Name {
	case fyne.KeyEscape:
		switch c.mode {
		case modePassword:
			c.cancelQuit()
		case modeConfirm:
			c.showReview()
		default:
			c.askQuit()
		}
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case onButton:
			from.activate()
		case c.mode == modeQuestion:
			c.onNext()
		case c.mode == modeReview && len(c.rows) > 0:
			c.rows[c.cursor].activate()
		}
		return
	case fyne.KeySpace:
		switch {
		case onButton:
			from.activate()
		case (c.mode == modeQuestion || c.mode == modeReview) && len(c.rows) > 0:
			if c.rows[c.cursor].Visible() {
				c.rows[c.cursor].activate()
			} else {
				c.focusRow(c.cursor) // show it first: nothing is ticked unseen
			}
		}
		return
	}
	switch c.mode {
	case modeQuestion, modeReview:
		hidden := len(c.rows) > 0 && !c.rows[c.cursor].Visible()
		switch ev.Name {
		case fyne.KeyUp, fyne.KeyDown:
			switch {
			case hidden:
				c.focusRow(c.cursor) // the first press shows the row with the focus
			case ev.Name == fyne.KeyUp:
				c.focusRow(c.cursor - 1)
			default:
				c.focusRow(c.cursor + 1)
			}
		case fyne.KeyHome:
			c.focusRow(0)
		case fyne.KeyEnd:
			c.focusRow(len(c.rows) - 1)
		case fyne.KeyLeft, fyne.KeyPageUp:
			c.onPrev()
		case fyne.KeyRight, fyne.KeyPageDown:
			if c.mode == modeQuestion {
				c.onNext()
			}
		}
	case modeConfirm, modePaused, modePassword:
		i := slices.Index(c.buttons, from)
		switch ev.Name {
		case fyne.KeyLeft, fyne.KeyUp:
			if i > 0 {
				c.focusButton(c.buttons[i-1])
			}
		case fyne.KeyRight, fyne.KeyDown:
			if i >= 0 && i < len(c.buttons)-1 {
				c.focusButton(c.buttons[i+1])
			} else if i < 0 && len(c.buttons) > 0 {
				c.focusButton(c.buttons[0])
			}
		}
	}
}

// rowRune chooses with the keys 1–9, A–Z or the unshifted digit keys of a
// French (AZERTY) keyboard.
func (c *candidateMode) rowRune(_ *qcmRow, r rune) {
	if c.closed || c.mode != modeQuestion {
		return
	}
	if k := choiceKey(r); k >= 0 && k < len(c.rows) {
		c.cursor = k
		c.focusRow(k)
		c.choose(k)
	}
}

// azerty are the characters of the digit keys 1–9 without Shift on a
// French keyboard.
const azerty = "&é\"'(-è_ç"

// choiceKey is the choice a typed character selects, -1 for none.
func choiceKey(r rune) int {
	switch {
	case r >= '1' && r <= '9':
		return int(r - '1')
	case unicode.IsLetter(r) && unicode.ToUpper(r) >= 'A' && unicode.ToUpper(r) <= 'Z':
		return int(unicode.ToUpper(r) - 'A')
	}
	if i := strings.IndexRune(azerty, r); i >= 0 {
		return len([]rune(azerty[:i]))
	}
	return -1
}

// choose takes (or, for a multiple-answer question, toggles) choice k of the
// page: the answer is queued for the disk and shown once written.
func (c *candidateMode) choose(k int) {
	if c.mode != modeQuestion || c.ending || c.leaving || c.att.Finished() {
		return
	}
	i := c.page
	it := &c.att.Items[i]
	if k < 0 || k >= len(it.Order) {
		return
	}
	choice := it.Order[k]
	cur := slices.Clone(c.intended[i])
	if it.Question.Kind == exam.QuestionMultiple {
		if j := slices.Index(cur, choice); j >= 0 {
			cur = slices.Delete(cur, j, j+1)
		} else {
			cur = append(cur, choice)
		}
	} else {
		if len(cur) == 1 && cur[0] == choice {
			return // already the answer
		}
		cur = []int{choice}
	}
	slices.Sort(cur)
	c.intended[i] = cur
	svc, actor, id, at := c.deps.QCM, c.actor, c.att.ID, c.now()
	chosen := slices.Clone(cur)
	c.enqueue(qcmWrite{answer: true,
		work: func(ctx context.Context) error { return svc.Answer(ctx, actor, id, i, chosen, at) },
		done: func(err error) {
			if err != nil {
				c.intended[i] = slices.Clone(c.att.Answers[i])
				c.dropAnswers()
				c.showError(err)
				if isTimeUp(err) {
					c.timeUp()
				}
				return
			}
			if len(chosen) == 0 {
				delete(c.att.Answers, i)
			} else {
				c.att.Answers[i] = chosen
			}
			c.att.Current = i
			c.setStatus("")
			if c.mode == modeQuestion && c.page == i {
				for k, r := range c.rows {
					r.SetChosen(slices.Contains(chosen, it.Order[k]))
				}
			}
		}})
}

// isTimeUp reports whether err says the attempt's time is up.
func isTimeUp(err error) bool {
	var e *exam.Error
	return errors.As(err, &e) && e.Key == "err.qcm.time_up"
}

func (c *candidateMode) showError(err error) {
	c.setStatus(ErrorMessage(err))
}

// setStatus shows (or, with "", hides) the error line.
func (c *candidateMode) setStatus(msg string) {
	if c.status.Text == msg && c.status.Visible() == (msg != "") {
		return
	}
	setLabel(c.status, msg, widget.DangerImportance)
	c.relayout()
}

// dropAnswers removes the answers still queued: they were computed from an
// answer the disk refused.
func (c *candidateMode) dropAnswers() {
	c.queue = slices.DeleteFunc(c.queue, func(w qcmWrite) bool { return w.answer })
	for i := range c.intended {
		c.intended[i] = slices.Clone(c.att.Answers[i])
	}
}

// goTo shows page p and records it as the current page.
func (c *candidateMode) goTo(p int) {
	if c.att.Finished() || c.ending {
		return
	}
	p = min(max(p, 0), len(c.att.Items))
	c.showPage(p)
	svc, actor, id, at := c.deps.QCM, c.actor, c.att.ID, c.now()
	c.enqueue(qcmWrite{
		work: func(ctx context.Context) error { return svc.SetCurrent(ctx, actor, id, p, at) },
		done: func(err error) {
			if err != nil {
				c.showError(err)
				return
			}
			c.att.Current = p
		}})
}

func (c *candidateMode) onNext() {
	switch c.mode {
	case modeQuestion:
		c.goTo(c.page + 1)
	case modeReview:
		c.showConfirm()
	}
}

func (c *candidateMode) onPrev() {
	switch c.mode {
	case modeQuestion:
		if c.page > 0 {
			c.goTo(c.page - 1)
		}
	case modeReview:
		c.goTo(len(c.att.Items) - 1)
	}
}

// finish ends the attempt for reason.
func (c *candidateMode) finish(reason string) {
	if c.ending || c.att.Finished() {
		return
	}
	c.ending = true
	svc, actor, id, at := c.deps.QCM, c.actor, c.att.ID, c.now()
	var res *exam.AttemptResult
	c.enqueue(qcmWrite{
		work: func(ctx context.Context) error {
			r, err := svc.Finish(ctx, actor, id, reason, at)
			res = r
			return err
		},
		done: func(err error) {
			c.ending = false
			if err != nil {
				c.showError(err)
				return
			}
			c.att.Ended = at
			if res != nil && !res.Ended.IsZero() {
				c.att.Ended = res.Ended
			}
			c.att.EndReason = reason
			c.att.Events = append(c.att.Events, exam.TimerEvent{Kind: exam.TimerEnd, At: c.att.Ended})
			c.setStatus("")
			if c.mode != modePassword {
				c.showEnded()
			} else {
				c.back = modeEnded
			}
			c.tick()
		}})
}

// timeUp ends the attempt when the working time is used up.
func (c *candidateMode) timeUp() {
	if !c.att.Finished() && !c.ending {
		c.finish(exam.AttemptTimeUp)
	}
}

// onPause starts a break: the clock stops.
func (c *candidateMode) onPause() {
	if c.att.Finished() || c.ending || c.mode == modePaused || c.mode == modePassword {
		return
	}
	c.record(exam.TimerPause, func() {
		if c.mode != modePassword && !c.leaving {
			c.back = c.mode
			c.showPaused()
		}
	})
}

// onResume ends the break.
func (c *candidateMode) onResume() {
	if c.mode != modePaused {
		return
	}
	c.record(exam.TimerResume, func() {
		c.showHeader(true)
		c.showPage(c.page)
	})
}

// record writes a pause or a resume of the clock, then runs then.
func (c *candidateMode) record(kind exam.TimerEventKind, then func()) {
	svc, actor, id, at := c.deps.QCM, c.actor, c.att.ID, c.now()
	c.enqueue(qcmWrite{
		work: func(ctx context.Context) error {
			if kind == exam.TimerPause {
				return svc.Pause(ctx, actor, id, at)
			}
			return svc.Resume(ctx, actor, id, at)
		},
		done: func(err error) {
			if err != nil {
				c.showError(err)
				return
			}
			c.att.Events = append(c.att.Events, exam.TimerEvent{Kind: kind, At: at})
			c.tick()
			if then != nil {
				then()
			}
		}})
}

// enqueue adds a write; writes run one at a time, in order.
func (c *candidateMode) enqueue(w qcmWrite) {
	c.queue = append(c.queue, w)
	c.pump()
}

func (c *candidateMode) pump() {
	if c.writing || len(c.queue) == 0 {
		c.closeWhenIdle()
		return
	}
	w := c.queue[0]
	c.queue = c.queue[1:]
	c.writing = true
	c.tasks.run(func() func() {
		err := w.work(context.Background())
		return func() {
			c.writing = false
			w.done(err)
			c.pump()
		}
	})
}

// tick shows the clock and ends the attempt when its time is up.
func (c *candidateMode) tick() {
	if c.closed {
		return
	}
	st := c.att.Status(c.now())
	c.last = st
	limit := allowanceText(st.Allowed(), st.Base)
	var text string
	imp := widget.MediumImportance
	switch {
	case c.att.Finished():
		text = lang.L("qcm.candidate.clock.limit", map[string]any{"Limit": limit})
	case c.att.Screen.HideCountdown:
		text = lang.L("qcm.candidate.clock.limit", map[string]any{"Limit": limit})
		if st.State == exam.TimerPaused {
			text = lang.L("qcm.candidate.clock.paused_hidden", map[string]any{"Limit": limit})
		}
	case st.State == exam.TimerPaused:
		text = lang.L("qcm.candidate.clock.paused", map[string]any{"Remaining": exam.FormatClock(st.Remaining), "Limit": limit})
	default:
		text = lang.L("qcm.candidate.clock.remaining", map[string]any{"Remaining": exam.FormatClock(st.Remaining), "Limit": limit})
		if st.Warning > 0 {
			imp = widget.WarningImportance
		}
	}
	if c.clock.Text != text || c.clock.Importance != imp {
		c.clock.Importance = imp
		c.clock.SetText(text)
		c.relayout()
	}
	if st.TimeUp && !c.att.Finished() {
		c.timeUp()
	}
}

// startTicker redraws the clock every second until the window closes.
func (c *candidateMode) startTicker() {
	if c.stopTick != nil {
		return
	}
	stop := make(chan struct{})
	c.stopTick = stop
	tk := c.tasks
	go func() { // reads nothing of c: it only asks the UI goroutine to tick
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				tk.do(func() {
					if c.stopTick == stop {
						c.tick()
					}
				})
			}
		}
	}()
}

func (c *candidateMode) stopTicker() {
	if c.stopTick != nil {
		close(c.stopTick)
		c.stopTick = nil
	}
}

// gapLayout is a column whose children take the full width, separated by
// gap. A wrapped text knows its height only once it has its width: each
// child is given the width first, then its height.
type gapLayout struct {
	gap float32
}

// newColumn is a column of objs (gapLayout) separated by gap.
func newColumn(gap float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&gapLayout{gap: gap}, objs...)
}

// frameLayout puts a header (objs[0]) at the top and a footer (objs[2]) at
// the bottom, each as high as its wrapped texts need at the full width, and
// gives the rest to the page (objs[1]).
type frameLayout struct{ gap float32 }

func (l *frameLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		s := o.MinSize()
		w = max(w, s.Width)
		h += s.Height
	}
	return fyne.NewSize(w, h+2*l.gap)
}

func (l *frameLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fit := func(o fyne.CanvasObject) float32 {
		if !o.Visible() {
			return 0
		}
		o.Resize(fyne.NewSize(size.Width, o.Size().Height))
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(size.Width, h))
		return h
	}
	top, page, bottom := objs[0], objs[1], objs[2]
	th, bh := fit(top), fit(bottom)
	top.Move(fyne.NewPos(0, 0))
	bottom.Move(fyne.NewPos(0, size.Height-bh))
	page.Move(fyne.NewPos(0, th+l.gap))
	page.Resize(fyne.NewSize(size.Width, max(size.Height-th-bh-2*l.gap, 0)))
}

// relayout lays the header, page and footer out again after a text of the
// header or footer changed (a wrapped text may need another line).
func (c *candidateMode) relayout() {
	if c.frame != nil && c.frame.Size().Width > 0 {
		c.frame.Layout.Layout(c.frame.Objects, c.frame.Size())
	}
}

func (l *gapLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		w = max(w, s.Width)
		h += s.Height
		n++
	}
	if n > 1 {
		h += l.gap * float32(n-1)
	}
	return fyne.NewSize(w, h)
}

func (l *gapLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		// A wrapped text knows its height once it knows its width.
		o.Resize(fyne.NewSize(size.Width, o.Size().Height))
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + l.gap
	}
}

// rowKind is what a qcmRow shows.
type rowKind int

const (
	rowRadio  rowKind = iota // a choice of a single-answer or true/false question
	rowCheck                 // a choice of a multiple-answer question
	rowReview                // a question of the review page: answered or not
	rowButton                // a button of the candidate mode
)

// qcmKeys receives the keys typed while a row has the focus: the candidate
// mode handles every key in one place, whatever has the focus.
type qcmKeys interface {
	rowKey(from *qcmRow, ev *fyne.KeyEvent)
	rowRune(from *qcmRow, r rune)
	rowFocused(r *qcmRow)
}

// qcmRow is one large, focusable row of the candidate mode: a choice (radio
// or check box, its key "1", its text wrapped), a question of the review
// page, or a button. It draws everything itself from the candidate mode's
// theme (qcmTheme): the chosen state (filled mark, coloured background,
// thick outline, bold text) and the focus ring are visible in both themes
// and at every text size; its text wraps and is never cut.
type qcmRow struct {
	widget.BaseWidget
	th      *qcmTheme
	kind    rowKind
	badge   string // "1", "2"… for choices
	text    string
	chosen  bool // a choice taken; a review row: answered
	primary bool // a button: the main action
	index   int  // position among the rows of its page
	onTap   func()
	keys    qcmKeys

	focused bool
	hovered bool
}

func newQCMRow(th *qcmTheme, kind rowKind, text string, keys qcmKeys, onTap func()) *qcmRow {
	r := &qcmRow{th: th, kind: kind, text: text, keys: keys, onTap: onTap}
	r.ExtendBaseWidget(r)
	return r
}

// newQCMButton is a button of the candidate mode.
func newQCMButton(th *qcmTheme, text string, primary bool, keys qcmKeys, onTap func()) *qcmRow {
	r := newQCMRow(th, rowButton, text, keys, onTap)
	r.primary = primary
	return r
}

// SetText changes the text.
func (r *qcmRow) SetText(s string) {
	if r.text != s {
		r.text = s
		r.Refresh()
	}
}

// SetChosen changes the chosen (answered) state.
func (r *qcmRow) SetChosen(on bool) {
	if r.chosen != on {
		r.chosen = on
		r.Refresh()
	}
}

// Tapped runs the row's action and gives it the focus, so that the
// keyboard goes on from where the mouse was.
func (r *qcmRow) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil && c.Focused() != r {
		c.Focus(r)
	}
	r.activate()
}

// activate runs the action.
func (r *qcmRow) activate() {
	if r.onTap != nil && r.Visible() {
		r.onTap()
	}
}

// FocusGained shows the focus ring.
func (r *qcmRow) FocusGained() {
	r.focused = true
	r.Refresh()
	if r.keys != nil {
		r.keys.rowFocused(r)
	}
}

// FocusLost hides the focus ring.
func (r *qcmRow) FocusLost() {
	r.focused = false
	r.Refresh()
}

// TypedRune hands the key to the candidate mode.
func (r *qcmRow) TypedRune(ch rune) {
	if r.keys != nil {
		r.keys.rowRune(r, ch)
	}
}

// TypedKey hands the key to the candidate mode.
func (r *qcmRow) TypedKey(ev *fyne.KeyEvent) {
	if r.keys != nil {
		r.keys.rowKey(r, ev)
	}
}

// MouseIn highlights the row under the pointer.
func (r *qcmRow) MouseIn(*desktop.MouseEvent) {
	r.hovered = true
	r.Refresh()
}

// MouseMoved does nothing.
func (r *qcmRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut removes the highlight.
func (r *qcmRow) MouseOut() {
	r.hovered = false
	r.Refresh()
}

// Cursor is the hand: the whole row is clickable.
func (r *qcmRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (r *qcmRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &qcmRowRenderer{r: r}
	rr.ring = canvas.NewRectangle(color.Transparent)
	rr.bg = canvas.NewRectangle(color.Transparent)
	rr.label = widget.NewRichText(&widget.TextSegment{})
	rr.objs = []fyne.CanvasObject{rr.ring, rr.bg}
	switch r.kind {
	case rowRadio, rowReview:
		o, i := canvas.NewCircle(color.Transparent), canvas.NewCircle(color.Transparent)
		rr.outer, rr.inner = o, i
		rr.objs = append(rr.objs, o, i)
	case rowCheck:
		o, i := canvas.NewRectangle(color.Transparent), canvas.NewRectangle(color.Transparent)
		rr.outer, rr.inner = o, i
		rr.objs = append(rr.objs, o, i)
	}
	if r.kind == rowRadio || r.kind == rowCheck {
		rr.badge = canvas.NewText("", color.Transparent)
		rr.badge.TextStyle = fyne.TextStyle{Bold: true}
		rr.objs = append(rr.objs, rr.badge)
	}
	rr.label.Wrapping = fyne.TextWrapWord
	if r.kind == rowButton {
		rr.caption = canvas.NewText("", color.Transparent)
		rr.caption.TextStyle = fyne.TextStyle{Bold: true}
		rr.caption.Alignment = fyne.TextAlignCenter
		rr.objs = append(rr.objs, rr.caption)
	} else {
		rr.objs = append(rr.objs, rr.label)
	}
	// No Refresh of the objects here: the text's theme (the candidate
	// mode's, with its colour names) is set on them just after.
	rr.update()
	return rr
}

type qcmRowRenderer struct {
	r            *qcmRow
	ring, bg     *canvas.Rectangle
	outer, inner fyne.CanvasObject // the radio or check box; nil for a button
	badge        *canvas.Text
	label        *widget.RichText // the text of a choice or review row, wrapped
	caption      *canvas.Text     // the text of a button, on one line
	objs         []fyne.CanvasObject
}

// metrics of the row for its theme: the ring's width, the inset of the
// background, the padding, the mark's size and the badge's width.
func (rr *qcmRowRenderer) metrics() (ring, inset, pad, mark, badge float32) {
	th := rr.r.th
	ring = th.ring()
	inset = ring + th.scale
	pad = th.Size(theme.SizeNamePadding)
	if rr.outer != nil {
		mark = th.Size(theme.SizeNameInlineIcon)
	}
	if rr.badge != nil {
		badge = fyne.MeasureText("0", th.Size(theme.SizeNameText), rr.badge.TextStyle).Width * float32(max(1, len([]rune(rr.r.badge))))
	}
	return
}

// labelX is where the text starts.
func (rr *qcmRowRenderer) labelX() float32 {
	_, inset, pad, mark, badge := rr.metrics()
	x := inset + pad
	if mark > 0 {
		x += mark + pad
	}
	if badge > 0 {
		x += badge + pad
	}
	return x
}

func (rr *qcmRowRenderer) Layout(size fyne.Size) {
	th := rr.r.th
	ring, inset, pad, mark, badge := rr.metrics()
	rr.ring.Move(fyne.NewPos(ring/2, ring/2))
	rr.ring.Resize(fyne.NewSize(size.Width-ring, size.Height-ring))
	rr.bg.Move(fyne.NewPos(inset, inset))
	rr.bg.Resize(fyne.NewSize(size.Width-2*inset, size.Height-2*inset))

	if rr.caption != nil {
		cs := rr.caption.MinSize()
		rr.caption.Move(fyne.NewPos(inset+pad, (size.Height-cs.Height)/2))
		rr.caption.Resize(fyne.NewSize(max(size.Width-2*(inset+pad), cs.Width), cs.Height))
		return
	}
	x := rr.labelX()
	w := max(size.Width-x-inset-pad/2, 1)
	rr.label.Resize(fyne.NewSize(w, rr.label.Size().Height))
	h := rr.label.MinSize().Height
	y := inset + pad/2
	rr.label.Move(fyne.NewPos(x, y))
	rr.label.Resize(fyne.NewSize(w, h))

	// The mark and the badge sit on the first line of the text.
	textSize := th.Size(theme.SizeNameText)
	line := fyne.MeasureText("M", textSize, fyne.TextStyle{}).Height
	mid := y + th.Size(theme.SizeNameInnerPadding) + line/2
	mx := inset + pad
	if rr.outer != nil {
		rr.outer.Move(fyne.NewPos(mx, mid-mark/2))
		rr.outer.Resize(fyne.NewSquareSize(mark))
		in := mark * 0.5
		rr.inner.Move(fyne.NewPos(mx+(mark-in)/2, mid-in/2))
		rr.inner.Resize(fyne.NewSquareSize(in))
		mx += mark + pad
	}
	if rr.badge != nil {
		bs := rr.badge.MinSize()
		rr.badge.Move(fyne.NewPos(mx, mid-bs.Height/2))
		rr.badge.Resize(fyne.NewSize(max(badge, bs.Width), bs.Height))
	}
}

func (rr *qcmRowRenderer) MinSize() fyne.Size {
	_, inset, pad, mark, _ := rr.metrics()
	if rr.caption != nil {
		cs := rr.caption.MinSize()
		return fyne.NewSize(cs.Width+2*(inset+2*pad), cs.Height+2*(inset+pad))
	}
	ls := rr.label.MinSize()
	x := rr.labelX()
	h := max(ls.Height, mark+2*rr.r.th.Size(theme.SizeNameInnerPadding)) + 2*inset + pad
	return fyne.NewSize(x+ls.Width+inset+pad/2, h)
}

func (rr *qcmRowRenderer) Refresh() {
	rr.update()
	for _, o := range rr.objs {
		o.Refresh()
	}
	rr.Layout(rr.r.Size())
}

// update sets the colours, sizes and texts from the row's state.
func (rr *qcmRowRenderer) update() {
	r, th := rr.r, rr.r.th
	v := fyne.CurrentApp().Settings().ThemeVariant()
	col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	thin := max(1, th.scale)

	rr.ring.FillColor = color.Transparent
	rr.ring.StrokeWidth = th.ring()
	rr.ring.StrokeColor = color.Transparent
	if r.focused {
		rr.ring.StrokeColor = col(colorNameQCMCursor)
	}
	rr.ring.CornerRadius = th.Size(theme.SizeNameInputRadius) + th.ring()
	rr.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)

	textColor := theme.ColorNameForeground
	bold := false
	switch r.kind {
	case rowButton:
		bold = true
		rr.bg.FillColor, rr.bg.StrokeColor, rr.bg.StrokeWidth = col(colorNameQCMButton), col(colorNameQCMRowBorder), thin
		textColor = colorNameQCMButtonText
		if r.primary {
			rr.bg.FillColor, rr.bg.StrokeColor = col(colorNameQCMButtonPrimary), col(colorNameQCMButtonPrimary)
			textColor = colorNameQCMButtonPrimaryText
		} else if r.hovered {
			rr.bg.FillColor = col(theme.ColorNameHover)
		}
	case rowReview:
		rr.bg.FillColor, rr.bg.StrokeColor, rr.bg.StrokeWidth = col(colorNameQCMRow), col(colorNameQCMRowBorder), thin
		if r.hovered {
			rr.bg.FillColor = col(theme.ColorNameHover)
		}
	default:
		if r.chosen {
			rr.bg.FillColor, rr.bg.StrokeColor, rr.bg.StrokeWidth = col(colorNameQCMChosen), col(colorNameQCMMark), th.ring()
			textColor, bold = colorNameQCMChosenText, true
		} else {
			rr.bg.FillColor, rr.bg.StrokeColor, rr.bg.StrokeWidth = col(colorNameQCMRow), col(colorNameQCMRowBorder), thin
			if r.hovered {
				rr.bg.FillColor = col(theme.ColorNameHover)
			}
		}
	}
	if rr.outer != nil {
		markColor := col(theme.ColorNameForeground)
		if r.chosen {
			markColor = col(colorNameQCMMark)
		}
		inner := color.Color(color.Transparent)
		if r.chosen {
			inner = col(colorNameQCMMark)
		}
		switch o := rr.outer.(type) {
		case *canvas.Circle:
			o.FillColor, o.StrokeColor, o.StrokeWidth = color.Transparent, markColor, 2*thin
			rr.inner.(*canvas.Circle).FillColor = inner
		case *canvas.Rectangle:
			o.FillColor, o.StrokeColor, o.StrokeWidth = color.Transparent, markColor, 2*thin
			rr.inner.(*canvas.Rectangle).FillColor = inner
		}
	}
	if rr.badge != nil {
		rr.badge.Text = r.badge
		rr.badge.TextSize = th.Size(theme.SizeNameText)
		rr.badge.Color = col(textColor)
	}
	if rr.caption != nil {
		rr.caption.Text = r.text
		rr.caption.TextSize = th.Size(theme.SizeNameText)
		rr.caption.Color = col(textColor)
	} else {
		rr.label.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: r.text, Style: widget.RichTextStyle{
			ColorName: textColor, SizeName: theme.SizeNameText, TextStyle: fyne.TextStyle{Bold: bold},
		}}}
	}
}

func (rr *qcmRowRenderer) Objects() []fyne.CanvasObject { return rr.objs }
func (rr *qcmRowRenderer) Destroy()                     {}

var (
	_ fyne.Focusable     = (*qcmRow)(nil)
	_ fyne.Tappable      = (*qcmRow)(nil)
	_ desktop.Hoverable  = (*qcmRow)(nil)
	_ desktop.Cursorable = (*qcmRow)(nil)
)

// pager is the page of the candidate mode: a column of objects of which it
// shows only whole ones, from first on, as many as fit; the others are
// hidden, and the footer says "▼ Suite en dessous". The arrows, Tab and the
// mouse wheel turn it one object at a time. Nothing is ever cut at the edge
// of the room, unless one object alone is taller than the room: the scroll
// container around the pager then scrolls that object.
type pager struct {
	widget.BaseWidget
	objs   []fyne.CanvasObject
	gap    float32
	scroll *container.Scroll
	more   func(above, below bool)
	// laidOut runs after each layout.
	laidOut func()

	first, last int
	wheel       float32
	box         *fyne.Container
	fixing      bool
}

func newPager(objs []fyne.CanvasObject, gap float32, scroll *container.Scroll, more func(above, below bool)) *pager {
	p := &pager{objs: objs, gap: gap, scroll: scroll, more: more, last: len(objs) - 1}
	p.box = container.New(&pagerLayout{p: p}, objs...)
	p.ExtendBaseWidget(p)
	return p
}

func (p *pager) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

// MinSize is the room the first object shown needs: more only scrolls
// when that object alone is taller than the page.
func (p *pager) MinSize() fyne.Size {
	var w float32
	for _, o := range p.objs {
		w = max(w, o.MinSize().Width)
	}
	var h float32
	if p.first < len(p.objs) {
		h = p.objs[p.first].MinSize().Height
	}
	return fyne.NewSize(w, h)
}

// Scrolled turns the page with the mouse wheel, one object a notch.
func (p *pager) Scrolled(ev *fyne.ScrollEvent) {
	if s := p.scroll; s != nil && s.Content != nil && s.Content.Size().Height > s.Size().Height+0.5 {
		s.Scrolled(ev) // one object taller than the page: scroll it first
		end := s.Offset.Y+s.Size().Height >= s.Content.Size().Height-0.5
		if (ev.Scrolled.DY < 0 && !end) || (ev.Scrolled.DY > 0 && s.Offset.Y > 0.5) {
			return
		}
	}
	p.wheel += ev.Scrolled.DY
	for p.wheel <= -10 && p.last < len(p.objs)-1 {
		p.wheel += 10
		p.turn(p.first + 1)
	}
	for p.wheel >= 10 && p.first > 0 {
		p.wheel -= 10
		p.turn(p.first - 1)
	}
	if p.first == 0 || p.last == len(p.objs)-1 {
		p.wheel = 0
	}
}

// turn shows the page from object first.
func (p *pager) turn(first int) {
	first = min(max(first, 0), max(len(p.objs)-1, 0))
	if first == p.first {
		return
	}
	p.first = first
	if p.scroll != nil {
		p.scroll.Offset = fyne.Position{}
		p.scroll.Refresh() // the content's height follows objs[first]
	}
	p.relayout()
}

func (p *pager) relayout() {
	if p.box.Size().Width > 0 {
		p.box.Layout.Layout(p.box.Objects, p.box.Size())
	}
}

// reveal turns the page so that o, or the object of the page holding it,
// is shown whole.
func (p *pager) reveal(o fyne.CanvasObject) {
	i := p.indexOf(o)
	if i < 0 || p.box.Size().Width <= 0 {
		return
	}
	if i < p.first {
		p.turn(i)
		return
	}
	for i > p.last && p.first < i {
		p.turn(p.first + 1)
	}
}

// indexOf is the index of the object of the page that is or holds o.
func (p *pager) indexOf(o fyne.CanvasObject) int {
	for i, x := range p.objs {
		if x == o || holds(x, o) {
			return i
		}
	}
	return -1
}

// holds reports whether container c holds o, at any depth.
func holds(c, o fyne.CanvasObject) bool {
	box, ok := c.(*fyne.Container)
	if !ok {
		return false
	}
	for _, x := range box.Objects {
		if x == o || holds(x, o) {
			return true
		}
	}
	return false
}

// pagerLayout places the pager's objects.
type pagerLayout struct{ p *pager }

func (l *pagerLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.p.MinSize() }

func (l *pagerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	p := l.p
	var y float32
	p.last = p.first - 1
	full := false
	for i, o := range objs {
		if i < p.first || full {
			o.Hide()
			continue
		}
		o.Resize(fyne.NewSize(size.Width, o.Size().Height))
		h := o.MinSize().Height
		if i > p.first && y+h > size.Height+0.5 {
			full = true
			o.Hide()
			continue
		}
		o.Show()
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		p.last = i
		y += h + p.gap
	}
	if p.more != nil {
		p.more(p.first > 0, p.last < len(objs)-1)
	}
	if p.laidOut != nil {
		defer p.laidOut()
	}
	// The first object's height is known now that it has its width: the
	// scroll around must follow if it changed (the app's driver does so on
	// its own, the test driver does not).
	if s := p.scroll; s != nil && !p.fixing && p.first < len(objs) && s.Size().Height > 0 {
		h := objs[p.first].Size().Height
		if h > size.Height+0.5 || (size.Height > s.Size().Height+0.5 && h < size.Height-0.5) {
			p.fixing = true
			s.Refresh()
			p.fixing = false
		}
	}
}

var _ fyne.Scrollable = (*pager)(nil)
