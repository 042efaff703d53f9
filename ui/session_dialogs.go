package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// candidatePicker is the dialog that registers stored candidates: a search
// over Deps.Candidates (at most pickerLimit results), Enter or a click adds
// one; it stays open to add several.
type candidatePicker struct {
	e       *sessionEditor
	dialog  *dialog.CustomDialog
	search  *widget.Entry
	list    *widget.List
	info    *widget.Label
	items   []exam.CandidateSummary
	seq     int
	cancel  context.CancelFunc
	busy    bool // a search has not answered yet
	syncing bool
}

func (e *sessionEditor) onAddCandidate() {
	if e.v.deps.Candidates == nil {
		return
	}
	p := &candidatePicker{e: e}
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(lang.L("candidates.search.placeholder"))
	p.search.OnChanged = func(q string) { p.find(q, searchDelay) }
	p.search.OnSubmitted = func(string) {
		if len(p.items) > 0 {
			p.add(0)
		}
	}
	p.info = newWrapLabel("")
	p.list = widget.NewList(func() int { return len(p.items) }, newCandidateRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < 0 || id >= len(p.items) {
			return
		}
		box := o.(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(summaryName(p.items[id]))
		box.Objects[1].(*widget.Label).SetText(summaryDetail(p.items[id]))
	})
	p.list.OnSelected = func(id widget.ListItemID) {
		if !p.syncing {
			p.add(id)
		}
	}
	content := container.NewBorder(container.NewVBox(p.search, p.info), nil, nil, nil, p.list)
	p.dialog = dialog.NewCustom(lang.L("session.picker.title"), lang.L("action.close"), content, e.v.win)
	p.dialog.Resize(fyne.NewSize(640, 520))
	e.picker = p
	p.dialog.Show()
	e.v.win.Canvas().Focus(p.search)
	p.find("", 0)
}

// find searches the stored candidates, leaving out those registered.
func (p *candidatePicker) find(q string, delay time.Duration) {
	if p.cancel != nil {
		p.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.seq++
	seq := p.seq
	p.busy = true
	svc, actor := p.e.v.deps.Candidates, p.e.v.deps.Actor
	q = strings.TrimSpace(q)
	p.e.v.tasks.run(func() func() {
		if !sleepCtx(ctx, delay) {
			return nil
		}
		items, err := svc.FindCandidates(ctx, actor, exam.CandidateFilter{Query: q, Limit: pickerLimit})
		if ctx.Err() != nil {
			return nil
		}
		return func() {
			if seq != p.seq {
				return
			}
			p.busy = false
			if err != nil {
				setLabel(p.info, ErrorMessage(err), widget.DangerImportance)
				return
			}
			p.items = slices.DeleteFunc(items, func(c exam.CandidateSummary) bool { return p.e.registered(c.ID) })
			p.syncing = true
			p.list.UnselectAll()
			p.syncing = false
			p.list.Refresh()
			text := lang.L("session.picker.count", map[string]any{"Count": len(p.items)})
			if len(items) == pickerLimit {
				text = lang.L("session.picker.more", map[string]any{"Count": pickerLimit})
			}
			setLabel(p.info, text, widget.MediumImportance)
		}
	})
}

// add registers the i-th result.
func (p *candidatePicker) add(i int) {
	if i < 0 || i >= len(p.items) {
		return
	}
	id := p.items[i].ID
	p.e.addStoredCandidate(id, func(name string, err error) {
		if err != nil {
			setLabel(p.info, ErrorMessage(err), widget.DangerImportance)
			return
		}
		p.items = slices.DeleteFunc(p.items, func(c exam.CandidateSummary) bool { return c.ID == id })
		p.syncing = true
		p.list.UnselectAll()
		p.syncing = false
		p.list.Refresh()
		setLabel(p.info, lang.L("session.picker.added", map[string]any{"Name": name}), widget.SuccessImportance)
	})
}

// registered reports whether the candidate is in the form.
func (e *sessionEditor) registered(id int64) bool {
	for _, r := range e.candRows {
		if r.cand.ID == id {
			return true
		}
	}
	return false
}

// candidateChoice is the dialog choosing the candidates a member trained
// (formateur de) or declared a conflict with.
type candidateChoice struct {
	dialog *dialog.ConfirmDialog
	group  *widget.CheckGroup
	ids    []int64 // parallel to group.Options
}

func (e *sessionEditor) onChooseCandidates(r *memberRow, trainer bool) {
	c := &candidateChoice{}
	var options []string
	seen := map[string]int{}
	for _, row := range e.candRows {
		name := row.cand.DisplayName()
		seen[name]++
		if seen[name] > 1 {
			name += " (" + row.cand.BirthDate.String() + ")"
		}
		options = append(options, name)
		c.ids = append(c.ids, row.cand.ID)
	}
	c.group = widget.NewCheckGroup(options, nil)
	current := r.conflictWith
	name := strings.TrimSpace(r.name.Text)
	title := lang.L("session.member.conflict_with.title")
	help := lang.L("session.member.conflict_with.help", map[string]any{"Name": name})
	if trainer {
		current = r.trainerOf
		title = lang.L("session.member.trainer_of.title")
		help = lang.L("session.member.trainer_of.help", map[string]any{"Name": name})
	}
	var selected []string
	for i, id := range c.ids {
		if slices.Contains(current, id) {
			selected = append(selected, options[i])
		}
	}
	c.group.SetSelected(selected)
	var body fyne.CanvasObject = container.NewVScroll(c.group)
	if len(options) == 0 {
		body = newWrapLabel(lang.L("session.member.no_candidates"))
	}
	content := container.NewBorder(newWrapLabel(help), nil, nil, nil, body)
	c.dialog = dialog.NewCustomConfirm(title, lang.L("action.ok"), lang.L("action.cancel"), content, func(ok bool) {
		if !ok {
			return
		}
		var ids []int64
		for i, o := range c.group.Options {
			if slices.Contains(c.group.Selected, o) {
				ids = append(ids, c.ids[i])
			}
		}
		if trainer {
			r.trainerOf = ids
		} else {
			r.conflictWith = ids
		}
		e.onEdited("")
	}, e.v.win)
	c.dialog.Resize(fyne.NewSize(520, 420))
	e.choice = c
	c.dialog.Show()
}

// pinDialog sets a member's signing PIN: typed twice, hidden.
type pinDialog struct {
	form   *formDialog
	first  *widget.Entry
	second *widget.Entry
}

func (e *sessionEditor) onPIN(r *memberRow) {
	if r.id == 0 || e.v.deps.Deliberation == nil || e.current == nil {
		return
	}
	p := &pinDialog{first: widget.NewPasswordEntry(), second: widget.NewPasswordEntry()}
	name := strings.TrimSpace(r.name.Text)
	help := newWrapLabel(lang.L("session.pin.help", map[string]any{"Name": name, "Min": exam.MinSecretLength}))
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("session.pin.first")), p.first,
		widget.NewLabel(lang.L("session.pin.second")), p.second)
	svc, actor, sid, mid := e.v.deps.Deliberation, e.v.deps.Actor, e.current.ID, r.id
	p.form = newFormDialog(e.v.win, lang.L("session.pin.title", map[string]any{"Name": name}), lang.L("session.pin.confirm"),
		container.NewVBox(help, form), func(fd *formDialog) {
			if p.first.Text != p.second.Text {
				fd.fail(lang.L("session.pin.mismatch"))
				return
			}
			secret := p.first.Text
			fd.working(true)
			e.v.tasks.run(func() func() {
				err := svc.SetMemberSecret(context.Background(), actor, sid, mid, secret)
				return func() {
					if err != nil {
						fd.fail(ErrorMessage(err))
						return
					}
					fd.done()
					setLabel(e.status, lang.L("session.pin.saved", map[string]any{"Name": name}), widget.SuccessImportance)
				}
			})
		})
	p.form.dialog.Resize(fyne.NewSize(480, 300))
	p.first.OnSubmitted = func(string) { e.v.win.Canvas().Focus(p.second) }
	p.second.OnSubmitted = func(string) { p.form.confirm.OnTapped() }
	e.pin = p
	p.form.dialog.Show()
	e.v.win.Canvas().Focus(p.first)
}
