package ui

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// Small widgets and layouts shared by the session screens.

// newWrapLabel is a label that wraps at word boundaries instead of being cut.
func newWrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// newBoldLabel is a bold label, wrapped.
func newBoldLabel(text string) *widget.Label {
	l := newWrapLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// newHeading is a section title.
func newHeading(text string) *widget.Label {
	l := newBoldLabel(text)
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// newStatusLabel is a one-line status (saved, error…), wrapped.
func newStatusLabel() *widget.Label { return newWrapLabel("") }

// setLabel sets a label's text and importance and shows it, or hides it
// when text is empty.
func setLabel(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// setEnabled enables or disables every given widget.
func setEnabled(on bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if w == nil {
			continue
		}
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// blurEntry is an entry that reports when it loses the focus: observations
// are saved then, without a Save button.
type blurEntry struct {
	widget.Entry
	onBlur func()
}

func newBlurEntry(multiLine bool) *blurEntry {
	e := &blurEntry{}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	if multiLine {
		e.SetMinRowsVisible(2)
	}
	return e
}

// FocusLost runs onBlur after the entry's own handling.
func (e *blurEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onBlur != nil {
		e.onBlur()
	}
}

// debouncer runs a function on the UI goroutine once calls have stopped
// for delay: an observation is saved after a short pause in the typing.
type debouncer struct {
	tasks *tasks
	delay time.Duration
	seq   int
	timer *time.Timer
}

// call (re)arms the debouncer with f; only the last f of a burst runs.
func (d *debouncer) call(f func()) {
	d.seq++
	seq := d.seq
	if d.timer != nil {
		d.timer.Stop()
	}
	t := d.tasks
	d.timer = time.AfterFunc(d.delay, func() {
		t.do(func() { // on the UI goroutine
			if d.seq == seq {
				f()
			}
		})
	})
}

// cancel drops the pending call, if any.
func (d *debouncer) cancel() {
	d.seq++
	if d.timer != nil {
		d.timer.Stop()
	}
}

// columns aligns the cells of several rows, each its own container, on
// shared column widths: the widest cell of each column; the last column
// takes the rest of the width. Texts are never cut: a row is as wide as
// its cells need.
type columns struct {
	rows   []*fyne.Container
	widths []float32 // cached; nil until measured
}

// row returns a new row of the table; cells beyond the first row's count
// are laid out as extra columns.
func (c *columns) row(cells ...fyne.CanvasObject) *fyne.Container {
	r := container.New(&columnsRow{c: c}, cells...)
	c.rows = append(c.rows, r)
	c.widths = nil
	return r
}

func (c *columns) measure() []float32 {
	if c.widths != nil {
		return c.widths
	}
	var w []float32
	for _, r := range c.rows {
		for i, o := range r.Objects {
			for len(w) <= i {
				w = append(w, 0)
			}
			if o.Visible() {
				w[i] = max(w[i], o.MinSize().Width)
			}
		}
	}
	c.widths = w
	return w
}

type columnsRow struct{ c *columns }

func (l *columnsRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	ws := l.c.measure()
	pad := theme.Padding()
	var w, h float32
	for i, o := range objs {
		if i > 0 {
			w += pad
		}
		if i < len(ws) {
			w += ws[i]
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}

func (l *columnsRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	ws := l.c.measure()
	pad := theme.Padding()
	var x float32
	for i, o := range objs {
		w := float32(0)
		if i < len(ws) {
			w = ws[i]
		}
		if i == len(objs)-1 {
			w = max(w, size.Width-x)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

// bigText is a canvas.Text that grows with the room it is given, for the
// countdown: readable from the other side of the room.
type bigText struct {
	widget.BaseWidget
	text *canvas.Text
	// colorName is the theme colour of the text.
	colorName fyne.ThemeColorName
	minSize   float32
	maxSize   float32
}

func newBigText(s string) *bigText {
	b := &bigText{colorName: theme.ColorNameForeground, minSize: 64, maxSize: 260}
	b.text = canvas.NewText(s, color.Black)
	b.text.Alignment = fyne.TextAlignCenter
	b.text.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	b.text.TextSize = b.minSize
	b.ExtendBaseWidget(b)
	return b
}

// Set changes the text and its theme colour.
func (b *bigText) Set(s string, c fyne.ThemeColorName) {
	if b.text.Text == s && b.colorName == c {
		return
	}
	b.text.Text = s
	b.colorName = c
	b.Refresh()
}

// Text is the text shown.
func (b *bigText) Text() string { return b.text.Text }

func (b *bigText) CreateRenderer() fyne.WidgetRenderer {
	return &bigTextRenderer{b: b}
}

type bigTextRenderer struct{ b *bigText }

func (r *bigTextRenderer) Layout(size fyne.Size) {
	b := r.b
	n := float32(len([]rune(b.text.Text)))
	if n < 7 {
		n = 7 // the size of "0:00:00", so that the digits do not jump
	}
	ts := min(size.Height*0.8, size.Width/(n*0.62))
	ts = max(min(ts, b.maxSize), b.minSize)
	b.text.TextSize = ts
	h := b.text.MinSize().Height
	b.text.Move(fyne.NewPos(0, (size.Height-h)/2))
	b.text.Resize(fyne.NewSize(size.Width, h))
}

func (r *bigTextRenderer) MinSize() fyne.Size {
	t := canvas.NewText(r.b.text.Text, color.Black)
	t.TextStyle = r.b.text.TextStyle
	t.TextSize = r.b.minSize
	return t.MinSize()
}

func (r *bigTextRenderer) Refresh() {
	r.b.text.Color = theme.Color(r.b.colorName)
	r.Layout(r.b.Size())
	r.b.text.Refresh()
}

func (r *bigTextRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.text} }
func (r *bigTextRenderer) Destroy()                     {}

// formDialog is a dialog with a form and an error line: its confirm button
// runs submit, and the dialog stays open until the action succeeded, so
// that a wrong PIN or a missing reason can be corrected in place.
type formDialog struct {
	dialog  *dialog.CustomDialog
	err     *widget.Label
	confirm *widget.Button
	cancel  *widget.Button
	busy    bool
	closed  bool // the dialog was closed (done or cancelled)
}

// newFormDialog builds the dialog; submit is called on the UI goroutine when
// the user confirms and must end with done(nil) to close it or done(msg) to
// show why not.
func newFormDialog(win fyne.Window, title, confirm string, content fyne.CanvasObject, submit func(fd *formDialog)) *formDialog {
	fd := &formDialog{err: newErrorLabel()}
	fd.confirm = widget.NewButton(confirm, func() {
		if fd.busy {
			return
		}
		setLabel(fd.err, "", widget.DangerImportance)
		submit(fd)
	})
	fd.confirm.Importance = widget.HighImportance
	fd.cancel = widget.NewButton(lang.L("action.cancel"), func() { fd.dialog.Hide() })
	fd.dialog = dialog.NewCustomWithoutButtons(title, container.NewVBox(content, fd.err), win)
	fd.dialog.SetButtons([]fyne.CanvasObject{fd.cancel, fd.confirm})
	fd.dialog.SetOnClosed(func() { fd.closed = true })
	return fd
}

// working marks the dialog busy while the service runs.
func (fd *formDialog) working(on bool) {
	fd.busy = on
	setEnabled(!on, fd.confirm)
}

// fail shows why the action did not happen and keeps the dialog open.
func (fd *formDialog) fail(msg string) {
	fd.working(false)
	setLabel(fd.err, msg, widget.DangerImportance)
}

// done closes the dialog.
func (fd *formDialog) done() {
	fd.working(false)
	fd.dialog.Hide()
}

var _ fyne.Layout = (*columnsRow)(nil)

// sleepCtx waits for d, or less if ctx ends first; it reports whether the
// whole wait happened.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newPageScroll is a vertical scroll container for a long page of fields.
// Fyne hands the mouse wheel to the innermost scrollable object under the
// pointer, and every entry (multi-line or not) scrolls its own text: on a
// page of entries the wheel would stop whenever the pointer crosses one. A
// transparent layer over the whole page, which takes only the wheel (not
// taps, drags or hovering), hands it to the page instead; an entry's text
// still scrolls with the keyboard.
func newPageScroll(content fyne.CanvasObject) *container.Scroll {
	s := container.NewVScroll(nil)
	s.Content = container.NewStack(content, newWheelPass(s))
	return s
}

// wheelPass passes the mouse wheel to a scroll container.
type wheelPass struct {
	widget.BaseWidget
	target *container.Scroll
}

func newWheelPass(target *container.Scroll) *wheelPass {
	w := &wheelPass{target: target}
	w.ExtendBaseWidget(w)
	return w
}

// Scrolled scrolls the page.
func (w *wheelPass) Scrolled(ev *fyne.ScrollEvent) { w.target.Scrolled(ev) }

func (w *wheelPass) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MinSize is nothing: the layer takes the size of the page.
func (w *wheelPass) MinSize() fyne.Size { return fyne.Size{} }

// fillCandidateSelect lists the session's candidates in sel (absent ones
// marked), keeps current selected if it is still registered, else selects
// the first present candidate. It returns the candidate IDs in option order
// and the selected ID (0 when none). The caller refreshes sel.
func fillCandidateSelect(sel *widget.Select, s *exam.Session, current int64) ([]int64, int64) {
	opts := make([]string, 0, len(s.Candidates))
	ids := make([]int64, 0, len(s.Candidates))
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		name := sc.Candidate.DisplayName()
		if sc.Absent {
			name = lang.L("day.candidate_absent", map[string]any{"Name": name})
		}
		opts = append(opts, name)
		ids = append(ids, sc.Candidate.ID)
	}
	sel.Options = opts
	sel.ClearSelected()
	for i, id := range ids {
		if id == current {
			sel.SetSelectedIndex(i)
			return ids, current
		}
	}
	for i := range s.Candidates {
		if !s.Candidates[i].Absent {
			sel.SetSelectedIndex(i)
			return ids, ids[i]
		}
	}
	return ids, 0
}

// confirmDiscard runs then at once when *dirty is false; otherwise it asks
// (message says what would be lost) and runs then after the user agreed to
// lose the edits, clearing *dirty, or keep, if not nil, when they keep them.
// It returns the dialog shown, nil when none was.
func confirmDiscard(win fyne.Window, dirty *bool, message string, then, keep func()) dialog.Dialog {
	if !*dirty {
		then()
		return nil
	}
	d := dialog.NewConfirm(lang.L("candidate.discard.title"), message, func(ok bool) {
		if ok {
			*dirty = false
			then()
		} else if keep != nil {
			keep()
		}
	}, win)
	d.SetConfirmText(lang.L("candidate.discard.confirm"))
	d.SetDismissText(lang.L("candidate.discard.keep"))
	d.Show()
	return d
}
