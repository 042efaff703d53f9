package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// sessionItem is a session's line in the list.
type sessionItem struct {
	exam.SessionSummary
	Amended bool // signed, then corrected
}

// sessionsScreen lists the sessions (left) and shows the selected one
// (right) in its sub-screens. Fields are touched on the UI goroutine only.
type sessionsScreen struct {
	app   fyne.App
	win   fyne.Window
	deps  userDeps
	tasks *tasks

	content fyne.CanvasObject

	newButton *widget.Button
	count     *widget.Label
	list      *widget.List
	empty     *widget.Label
	status    *widget.Label
	detail    *fyne.Container // holds the placeholder or the session view

	items   []sessionItem
	listing bool // a list query has not answered yet
	listSeq int
	syncing bool // the list selection is being set by code

	// view is the open session (or the new one); nil when none.
	view *sessionView
	// shown reports whether the Sessions tab is the visible one.
	shown bool

	dialog dialog.Dialog
}

func newSessionsScreen(a fyne.App, w fyne.Window, d userDeps, t *tasks) *sessionsScreen {
	s := &sessionsScreen{app: a, win: w, deps: d, tasks: t}
	s.newButton = widget.NewButtonWithIcon(lang.L("sessions.new"), theme.ContentAddIcon(), s.onNew)
	s.newButton.Importance = widget.HighImportance
	if !d.Actor.Can(exam.PermManageSessions) {
		s.newButton.Disable()
		s.newButton.Hide() // sessions are prepared by the administrator
	}
	s.count = widget.NewLabel("")
	s.status = newStatusLabel()
	s.status.Hide()
	s.list = widget.NewList(func() int { return len(s.items) }, newSessionRow, s.updateSessionRow)
	s.list.OnSelected = s.onListSelected
	s.empty = newWrapLabel(lang.L("sessions.empty"))
	s.empty.Alignment = fyne.TextAlignCenter
	s.empty.Hide()

	top := container.NewVBox(s.newButton, s.count, s.status)
	left := container.NewBorder(top, nil, nil, nil, container.NewStack(s.list, container.NewVBox(s.empty)))

	placeholderKey := "sessions.placeholder"
	if !d.Actor.Can(exam.PermManageSessions) {
		placeholderKey = "sessions.placeholder.read"
	}
	placeholder := newWrapLabel(lang.L(placeholderKey))
	placeholder.Alignment = fyne.TextAlignCenter
	s.detail = container.NewStack(container.NewVBox(layout.NewSpacer(), placeholder, layout.NewSpacer()))

	split := container.NewHSplit(left, s.detail)
	split.Offset = 0.26
	s.content = split
	s.refresh()
	return s
}

// newSessionRow is the template of a session line: title, then details.
func newSessionRow() fyne.CanvasObject {
	title := widget.NewLabel("")
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Truncation = fyne.TextTruncateEllipsis
	place := widget.NewLabel("")
	place.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	state := widget.NewLabel("")
	state.TextStyle = fyne.TextStyle{Bold: true}
	return container.New(layout.NewCustomPaddedVBoxLayout(0), title, place, container.NewBorder(nil, nil, nil, state, detail))
}

func (s *sessionsScreen) updateSessionRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(s.items) {
		return
	}
	it := s.items[id]
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(sentence(kindLabel(it.Kind)) + " · " + dateRange(it.StartDate, it.EndDate))
	var where []string
	for _, p := range []string{it.Reference, it.Place} {
		if p != "" {
			where = append(where, p)
		}
	}
	box.Objects[1].(*widget.Label).SetText(strings.Join(where, " · "))
	row := box.Objects[2].(*fyne.Container)
	row.Objects[0].(*widget.Label).SetText(scopeLabel(it.Scope) + " · " +
		plural(it.Candidates, "sessions.candidates.one", "sessions.candidates.other", nil))
	text, imp := sessionState(it.Started, it.Signed, it.Amended)
	state := row.Objects[1].(*widget.Label)
	state.Importance = imp
	state.SetText(text)
}

// refresh reloads the list of sessions, keeping the selection.
func (s *sessionsScreen) refresh() {
	if s.deps.Sessions == nil {
		return
	}
	s.listSeq++
	seq := s.listSeq
	s.listing = true
	svc, delib, actor := s.deps.Sessions, s.deps.Deliberation, s.deps.Actor
	s.tasks.run(func() func() {
		ctx := context.Background()
		sums, err := svc.FindSessions(ctx, actor, exam.SessionFilter{})
		items := make([]sessionItem, len(sums))
		for i, sum := range sums {
			items[i].SessionSummary = sum
			if sum.Signed && delib != nil && err == nil {
				if m, merr := delib.Minutes(ctx, actor, sum.ID); merr == nil {
					items[i].Amended = m.Amended()
				}
			}
		}
		return func() {
			if seq != s.listSeq {
				return
			}
			s.listing = false
			if err != nil {
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			setLabel(s.status, "", widget.MediumImportance)
			s.items = items
			s.count.SetText(plural(len(items), "sessions.count.one", "sessions.count.other", nil))
			if len(items) == 0 {
				s.empty.Show()
			} else {
				s.empty.Hide()
			}
			s.list.Refresh()
			s.syncSelection()
		}
	})
}

// syncSelection selects the open session in the list.
func (s *sessionsScreen) syncSelection() {
	s.syncing = true
	defer func() { s.syncing = false }()
	if s.view != nil && s.view.id != 0 {
		for i := range s.items {
			if s.items[i].ID == s.view.id {
				s.list.Select(i)
				return
			}
		}
	}
	s.list.UnselectAll()
}

// onNew opens an empty session in the editor.
func (s *sessionsScreen) onNew() {
	if s.deps.Sessions == nil || !s.deps.Actor.Can(exam.PermManageSessions) {
		return
	}
	s.confirmDiscard(func() { s.open(0) }, nil)
}

// onListSelected opens the session picked in the list.
func (s *sessionsScreen) onListSelected(id widget.ListItemID) {
	if s.syncing || id < 0 || id >= len(s.items) {
		return
	}
	sid := s.items[id].ID
	if s.view != nil && s.view.id == sid {
		return
	}
	s.confirmDiscard(func() { s.open(sid) }, s.syncSelection)
}

// open replaces the view with the session id (0: a new session).
func (s *sessionsScreen) open(id int64) {
	if s.view != nil {
		s.view.close()
	}
	s.view = newSessionView(s, id)
	s.detail.Objects = []fyne.CanvasObject{s.view.content}
	s.detail.Refresh()
	s.syncSelection()
	s.view.setVisible(s.shown)
}

// setShown is called when the Sessions tab of the window is shown or
// hidden: the countdown ticks only while it can be seen.
func (s *sessionsScreen) setShown(on bool) {
	s.shown = on
	if on {
		s.refresh()
	}
	if s.view != nil {
		s.view.setVisible(on)
	}
}

// close stops what runs in the background (the countdown's ticker).
func (s *sessionsScreen) close() {
	if s.view != nil {
		s.view.close()
	}
}

// dirty reports whether the session editor has edits not saved.
func (s *sessionsScreen) dirty() bool {
	return s.view != nil && s.view.editor != nil && s.view.editor.dirty
}

// confirmDiscard runs then at once when the editor has no unsaved edit, or
// after the user agreed to lose them; otherwise keep, if not nil.
func (s *sessionsScreen) confirmDiscard(then, keep func()) {
	if !s.dirty() {
		then()
		return
	}
	d := dialog.NewConfirm(lang.L("session.discard.title"), lang.L("session.discard.message"), func(ok bool) {
		if ok {
			s.view.editor.dirty = false
			then()
		} else if keep != nil {
			keep()
		}
	}, s.win)
	d.SetConfirmText(lang.L("candidate.discard.confirm"))
	d.SetDismissText(lang.L("candidate.discard.keep"))
	s.dialog = d
	d.Show()
}

// onSave (Ctrl+S on the Sessions tab) saves the editor.
func (s *sessionsScreen) onSave() {
	if s.view != nil && s.view.editor != nil && s.view.tabs.Selected() == s.view.editorTab {
		s.view.editor.onSave()
	}
}
