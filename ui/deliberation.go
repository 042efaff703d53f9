package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// deliberationScreen is the Délibération sub-screen: per candidate, the
// outcome of each CCP, the overall result the app proposes
// (exam.ProposeResult), the notes of the entretien final and Confirmer.
type deliberationScreen struct {
	v       *sessionView
	content fyne.CanvasObject

	summary *widget.Label
	status  *widget.Label
	box     *fyne.Container
	rows    map[int64]*resultRow
	order   []int64

	session   *exam.Session
	decisions map[int64][]exam.BlockDecision
	results   map[int64]exam.CandidateResult
	loaded    bool
	loadSeq   int
}

// resultRow is one candidate in the Délibération screen.
type resultRow struct {
	candID    int64
	name      *widget.Label
	blocks    *widget.Label
	proposal  *widget.Label
	notes     *widget.Entry
	confirm   *widget.Button
	confirmed *widget.Label
	err       *widget.Label
	proposed  exam.OverallResult
	dirty     bool // notes typed and not confirmed
	busy      bool
}

func newDeliberationScreen(v *sessionView) *deliberationScreen {
	d := &deliberationScreen{v: v, rows: map[int64]*resultRow{}}
	d.summary = newWrapLabel("")
	d.status = newStatusLabel()
	d.status.Hide()
	d.box = container.NewVBox()
	d.content = container.NewBorder(container.NewVBox(d.summary, d.status), nil, nil, nil,
		newPageScroll(container.NewPadded(d.box)))
	return d
}

func (d *deliberationScreen) setSession(s *exam.Session, _ *exam.Minutes) {
	d.session = s
	d.updateEnabled()
}

// load reads every candidate's decisions and the confirmed results.
func (d *deliberationScreen) load() {
	s := d.session
	if s == nil || d.v.deps.Evaluations == nil || d.v.deps.Deliberation == nil {
		return
	}
	d.loadSeq++
	seq := d.loadSeq
	ev, delib, actor, sid := d.v.deps.Evaluations, d.v.deps.Deliberation, d.v.deps.Actor, s.ID
	ids := sessionCandidateIDs(s)
	d.v.tasks.run(func() func() {
		ctx := context.Background()
		decisions, results, err := readDecisions(ctx, ev, delib, actor, sid, ids)
		return func() {
			if seq != d.loadSeq {
				return
			}
			if err != nil {
				setLabel(d.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			d.decisions = decisions
			d.results = map[int64]exam.CandidateResult{}
			for _, r := range results {
				d.results[r.CandidateID] = r
			}
			d.loaded = true
			d.render()
		}
	})
}

// render shows one row per candidate, keeping notes being typed.
func (d *deliberationScreen) render() {
	s := d.session
	if s == nil {
		return
	}
	old := d.rows
	d.rows = map[int64]*resultRow{}
	d.order = nil
	d.box.RemoveAll()
	confirmed := 0
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		id := sc.Candidate.ID
		r := &resultRow{candID: id}
		r.proposed = exam.ProposeResult(d.v.ref(), s.Kind, s.Scope, sc, d.decisions[id])
		r.name = newHeading(sc.Candidate.DisplayName())
		r.blocks = newWrapLabel(blocksText(r.proposed))
		r.proposal = newWrapLabel(lang.L("delib.proposal", map[string]any{"Result": overallText(d.v.ref(), r.proposed)}))
		r.proposal.TextStyle = fyne.TextStyle{Bold: true}
		if r.proposed.Result == exam.ResultPending {
			r.proposal.Importance = widget.WarningImportance
		}
		r.notes = widget.NewMultiLineEntry()
		r.notes.Wrapping = fyne.TextWrapWord
		r.notes.SetMinRowsVisible(3)
		r.notes.SetPlaceHolder(lang.L("delib.notes.placeholder"))
		res, has := d.results[id]
		if o := old[id]; o != nil && o.dirty {
			r.notes.SetText(o.notes.Text)
			r.dirty = true
		} else if has {
			r.notes.SetText(res.FinalInterviewNotes)
		}
		r.notes.OnChanged = func(string) {
			r.dirty = true
			if r.confirmed.Importance == widget.SuccessImportance {
				setLabel(r.confirmed, lang.L("delib.notes.unsaved"), widget.WarningImportance)
			}
		}
		r.confirm = widget.NewButtonWithIcon(lang.L("delib.confirm"), theme.ConfirmIcon(), func() { d.onConfirm(r) })
		r.confirm.Importance = widget.HighImportance
		r.confirmed = newWrapLabel("")
		r.err = newErrorLabel()
		switch {
		case has && res.Result == r.proposed.Result:
			confirmed++
			setLabel(r.confirmed, lang.L("delib.confirmed", map[string]any{
				"Result": resultText(res.Result, shortCodes(d.v.ref(), res.Acquired)), "At": dateTimeText(res.ConfirmedAt), "By": res.ConfirmedBy,
			}), widget.SuccessImportance)
			if r.dirty {
				setLabel(r.confirmed, lang.L("delib.notes.unsaved"), widget.WarningImportance)
			}
		case has:
			setLabel(r.confirmed, lang.L("delib.outdated"), widget.WarningImportance)
		default:
			setLabel(r.confirmed, lang.L("delib.not_confirmed"), widget.MediumImportance)
		}
		d.rows[id] = r
		d.order = append(d.order, id)
		notes := container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("delib.notes")), r.notes)
		d.box.Add(container.NewVBox(r.name, r.blocks, r.proposal, notes,
			container.NewBorder(nil, nil, r.confirm, nil, r.confirmed), r.err, widget.NewSeparator()))
	}
	d.summary.SetText(lang.L("delib.summary", map[string]any{"Done": confirmed, "Total": len(s.Candidates)}))
	d.updateEnabled()
}

func (d *deliberationScreen) updateEnabled() {
	s := d.session
	can := s != nil && d.loaded && !s.Locked() && !s.StartedAt.IsZero() && d.v.deps.Actor.Can(exam.PermGrade)
	for _, r := range d.rows {
		setEnabled(can && !r.busy, r.notes)
		setEnabled(can && !r.busy && r.proposed.Result != exam.ResultPending, r.confirm)
	}
	switch {
	case s == nil:
	case s.Locked():
		setLabel(d.status, lang.L("session.locked"), widget.MediumImportance)
	case s.StartedAt.IsZero():
		setLabel(d.status, lang.L("timer.not_started_session"), widget.WarningImportance)
	case d.status.Importance != widget.DangerImportance:
		setLabel(d.status, "", widget.MediumImportance)
	}
}

// onConfirm records the proposed result with the notes.
func (d *deliberationScreen) onConfirm(r *resultRow) {
	s := d.session
	if s == nil || r.busy {
		return
	}
	r.busy = true
	r.err.Hide()
	d.updateEnabled()
	res := &exam.CandidateResult{SessionID: s.ID, CandidateID: r.candID, Result: r.proposed.Result, FinalInterviewNotes: r.notes.Text}
	svc, actor := d.v.deps.Deliberation, d.v.deps.Actor
	d.v.tasks.run(func() func() {
		err := svc.ConfirmResult(context.Background(), actor, res)
		return func() {
			r.busy = false
			if err != nil {
				setLabel(r.err, ErrorMessage(err), widget.DangerImportance)
				d.updateEnabled()
				return
			}
			r.dirty = false
			d.results[r.candID] = *res
			setLabel(r.confirmed, lang.L("delib.confirmed", map[string]any{
				"Result": resultText(res.Result, shortCodes(d.v.ref(), res.Acquired)), "At": dateTimeText(res.ConfirmedAt), "By": res.ConfirmedBy,
			}), widget.SuccessImportance)
			d.updateEnabled()
			d.v.changed(d)
		}
	})
}

// sessionCandidateIDs lists the IDs of the session's candidates in order.
func sessionCandidateIDs(s *exam.Session) []int64 {
	ids := make([]int64, len(s.Candidates))
	for i := range s.Candidates {
		ids[i] = s.Candidates[i].Candidate.ID
	}
	return ids
}

// readDecisions reads, off the UI goroutine, the block decisions of each
// candidate ids of session sid and the session's confirmed results: what the
// deliberation and the PV screens show.
func readDecisions(ctx context.Context, ev exam.EvaluationService, delib exam.DeliberationService, actor exam.Actor, sid int64, ids []int64) (map[int64][]exam.BlockDecision, []exam.CandidateResult, error) {
	decisions := make(map[int64][]exam.BlockDecision, len(ids))
	for _, id := range ids {
		d, err := ev.Decisions(ctx, actor, sid, id)
		if err != nil {
			return nil, nil, err
		}
		decisions[id] = d
	}
	results, err := delib.Results(ctx, actor, sid)
	if err != nil {
		return nil, nil, err
	}
	return decisions, results, nil
}
