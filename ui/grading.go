package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// observationDelay is the pause in typing after which an observation is
// saved (it is saved at once when the entry loses the focus).
const observationDelay = 800 * time.Millisecond

// gradingScreen is the Évaluation sub-screen: for one candidate and the
// acting jury member, every competence of every CCP sat with Satisfait /
// Non satisfait / Non évalué and an observation, each change saved at once
// (no Save button); the members' disagreements side by side; the app's
// proposal and the jury's decision per CCP.
type gradingScreen struct {
	v       *sessionView
	content fyne.CanvasObject

	candidate  *widget.Select
	member     *widget.Select
	card       *accommodationCard // the candidate's accommodations
	memberNote *widget.Label
	status     *widget.Label
	blocksBox  *fyne.Container
	scroll     *container.Scroll
	blocks     []*blockGrading

	session   *exam.Session
	candIDs   []int64 // parallel to candidate.Options
	memberIDs []int64 // parallel to member.Options; 0 is the collegial grid
	candID    int64
	memberID  int64
	chosen    bool // a member is chosen
	builtFor  int64
	grids     []exam.Grid
	decisions []exam.BlockDecision
	loaded    bool
	loadSeq   int
	syncing   bool
}

// blockGrading is one CCP of the candidate in the Évaluation screen.
type blockGrading struct {
	g        *gradingScreen
	block    *exam.Block
	acquired bool // déjà acquis: not graded
	sat      bool
	rows     []*competenceRow

	saved     *widget.Label // Enregistré, or why not
	proposal  *widget.Label
	decided   *widget.Label
	outcome   *widget.RadioGroup
	reason    *widget.Entry
	reasonErr *widget.Label
	decide    *widget.Button

	saving   bool
	queued   *exam.Grid // the latest grid to save once the current save returns
	obsDirty bool       // an observation was typed and not sent yet
	deb      *debouncer
	deciding bool
	decDirty bool // a decision or reason typed and not recorded yet
}

// competenceRow is one competence of a block: verdict, observation and
// the members' disagreement.
type competenceRow struct {
	comp        exam.Competence
	verdict     *widget.RadioGroup
	observation *blurEntry
	others      *widget.Label
}

func newGradingScreen(v *sessionView) *gradingScreen {
	g := &gradingScreen{v: v}
	g.candidate = widget.NewSelect(nil, g.onCandidate)
	g.candidate.PlaceHolder = lang.L("timer.candidate.placeholder")
	g.member = widget.NewSelect(nil, g.onMember)
	g.member.PlaceHolder = lang.L("grading.member.placeholder")
	g.memberNote = newWrapLabel("")
	g.memberNote.Hide()
	g.status = newStatusLabel()
	g.status.Hide()
	g.blocksBox = container.NewVBox()
	choose := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("timer.candidate")), g.candidate,
		widget.NewLabel(lang.L("grading.member")), g.member)
	g.card = newAccommodationCard(false)
	top := container.NewVBox(choose, g.memberNote, g.status)
	g.scroll = newPageScroll(container.NewPadded(container.NewVBox(g.card.content, g.blocksBox)))
	g.content = container.NewBorder(top, nil, nil, nil, g.scroll)
	return g
}

func (g *gradingScreen) setSession(s *exam.Session, _ *exam.Minutes) {
	g.session = s
	g.syncing = true
	defer func() { g.syncing = false }()
	g.candIDs, g.candID = fillCandidateSelect(g.candidate, s, g.candID)
	g.candidate.Refresh()
	g.updateCard()
	g.fillMembers()
	g.updateEnabled()
}

// updateCard shows the chosen candidate's accommodations.
func (g *gradingScreen) updateCard() {
	if g.session == nil {
		return
	}
	if sc := g.session.Candidate(g.candID); sc != nil {
		g.card.set(sc.Candidate.DisplayName(), sc.Accommodations)
		return
	}
	g.card.set("", nil)
}

// fillMembers lists the jury, each member marked when a conflict of
// interest bars them from grading the candidate, and the collegial grid.
func (g *gradingScreen) fillMembers() {
	s := g.session
	if s == nil {
		return
	}
	was := g.syncing
	g.syncing = true
	defer func() { g.syncing = was }()
	var opts []string
	g.memberIDs = nil
	for _, m := range s.Jury {
		label := lang.L("grading.member.option", map[string]any{"Name": m.Name, "Role": juryRoleLabel(m.Role)})
		if g.candID != 0 && !s.CanGrade(m.ID, g.candID) {
			label = lang.L("grading.member.barred", map[string]any{"Name": m.Name})
		}
		opts = append(opts, label)
		g.memberIDs = append(g.memberIDs, m.ID)
	}
	opts = append(opts, lang.L("grading.member.collegial"))
	g.memberIDs = append(g.memberIDs, 0)
	g.member.Options = opts
	g.member.ClearSelected()
	if g.chosen {
		for i, id := range g.memberIDs {
			if id == g.memberID {
				g.member.SetSelectedIndex(i)
			}
		}
		if g.member.SelectedIndex() < 0 {
			g.chosen = false
		}
	}
	g.member.Refresh()
	g.updateMemberNote()
}

// updateMemberNote says why the chosen member may not grade, if so.
func (g *gradingScreen) updateMemberNote() {
	s := g.session
	if s == nil || !g.chosen || g.memberID == 0 || g.candID == 0 {
		setLabel(g.memberNote, "", widget.MediumImportance)
		return
	}
	m, sc := s.Member(g.memberID), s.Candidate(g.candID)
	if m == nil || sc == nil {
		return
	}
	cs := exam.ConflictsBetween(m, sc)
	if len(cs) == 0 {
		setLabel(g.memberNote, "", widget.MediumImportance)
		return
	}
	var reasons []string
	for _, c := range cs {
		reasons = append(reasons, lang.X(c.Kind.Key(), c.Kind.Label()))
	}
	data := map[string]any{"Name": m.Name, "Candidate": sc.Candidate.DisplayName(), "Reasons": strings.Join(reasons, lang.L("list.separator"))}
	if s.Binding() {
		setLabel(g.memberNote, lang.L("grading.barred", data), widget.DangerImportance)
	} else {
		setLabel(g.memberNote, lang.L("grading.conflict_mock", data), widget.WarningImportance)
	}
}

// canGradeNow reports whether the chosen member may fill a grid now.
func (g *gradingScreen) canGradeNow() bool {
	s := g.session
	if s == nil || !g.loaded || !g.chosen || g.v.locked() || s.StartedAt.IsZero() || !g.v.deps.Actor.Can(exam.PermGrade) {
		return false
	}
	sc := s.Candidate(g.candID)
	if sc == nil || sc.Absent {
		return false
	}
	return g.memberID == 0 || s.CanGrade(g.memberID, g.candID)
}

// canDecideNow reports whether the jury's decisions may be recorded now.
func (g *gradingScreen) canDecideNow() bool {
	s := g.session
	if s == nil || !g.loaded || g.v.locked() || s.StartedAt.IsZero() || !g.v.deps.Actor.Can(exam.PermGrade) {
		return false
	}
	sc := s.Candidate(g.candID)
	return sc != nil && !sc.Absent
}

func (g *gradingScreen) updateEnabled() {
	grade, decide := g.canGradeNow(), g.canDecideNow()
	for _, b := range g.blocks {
		for _, r := range b.rows {
			setEnabled(grade, r.verdict, r.observation)
		}
		if b.outcome != nil {
			setEnabled(decide && !b.deciding, b.outcome, b.reason, b.decide)
		}
	}
	s := g.session
	switch {
	case s == nil:
	case g.v.locked():
		setLabel(g.status, lang.L("session.locked"), widget.MediumImportance)
	case s.StartedAt.IsZero():
		setLabel(g.status, lang.L("timer.not_started_session"), widget.WarningImportance)
	case g.candID != 0 && s.Candidate(g.candID) != nil && s.Candidate(g.candID).Absent:
		setLabel(g.status, lang.L("grading.absent"), widget.WarningImportance)
	case !g.chosen:
		setLabel(g.status, lang.L("grading.choose_member"), widget.WarningImportance)
	default:
		if g.status.Importance != widget.DangerImportance && g.status.Importance != widget.SuccessImportance {
			setLabel(g.status, "", widget.MediumImportance)
		}
	}
}

func (g *gradingScreen) onCandidate(string) {
	if g.syncing {
		return
	}
	i := g.candidate.SelectedIndex()
	if i < 0 || i >= len(g.candIDs) {
		return
	}
	g.flush()
	g.candID = g.candIDs[i]
	setLabel(g.status, "", widget.MediumImportance)
	g.updateCard()
	g.fillMembers()
	g.load()
}

func (g *gradingScreen) onMember(string) {
	if g.syncing {
		return
	}
	i := g.member.SelectedIndex()
	if i < 0 || i >= len(g.memberIDs) {
		return
	}
	g.flush() // observations typed for the previous member go to their grid
	g.memberID, g.chosen = g.memberIDs[i], true
	setLabel(g.status, "", widget.MediumImportance)
	g.updateMemberNote()
	g.fillGrids()
	g.updateEnabled()
}

// flush sends the observations typed and not saved yet.
func (g *gradingScreen) flush() {
	for _, b := range g.blocks {
		if b.obsDirty {
			b.saveGrid()
		}
	}
}

// load reads the candidate's grids and decisions.
func (g *gradingScreen) load() {
	s := g.session
	g.loadSeq++
	seq := g.loadSeq
	if s == nil || g.candID == 0 || g.v.deps.Evaluations == nil {
		g.loaded = false
		g.render()
		return
	}
	svc, actor, sid, cid := g.v.deps.Evaluations, g.v.deps.Actor, s.ID, g.candID
	g.v.tasks.run(func() func() {
		ctx := context.Background()
		grids, err := svc.Grids(ctx, actor, sid, cid)
		var decisions []exam.BlockDecision
		if err == nil {
			decisions, err = svc.Decisions(ctx, actor, sid, cid)
		}
		return func() {
			if seq != g.loadSeq || cid != g.candID {
				return
			}
			if err != nil {
				setLabel(g.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			g.grids, g.decisions, g.loaded = grids, decisions, true
			g.render()
		}
	})
}

// render builds the blocks of the candidate (once per candidate) and fills
// them with the grids and decisions read.
func (g *gradingScreen) render() {
	s := g.session
	if s == nil || g.candID == 0 || !g.loaded {
		g.blocksBox.RemoveAll()
		g.blocks = nil
		g.builtFor = 0
		g.updateEnabled()
		return
	}
	if g.builtFor != g.candID {
		g.build()
	}
	g.fillGrids()
	g.fillDecisions()
	g.updateEnabled()
}

// build creates the widgets of every block of the référentiel for the
// candidate.
func (g *gradingScreen) build() {
	g.blocksBox.RemoveAll()
	g.blocks = nil
	g.builtFor = g.candID
	sc := g.session.Candidate(g.candID)
	ref := g.v.ref()
	for i := range ref.Blocks {
		b := &ref.Blocks[i]
		bg := &blockGrading{g: g, block: b, deb: &debouncer{tasks: g.v.tasks, delay: observationDelay}}
		bg.acquired = sc.Candidate.HasAcquired(b.Code)
		bg.sat = sc.Sits(b.Code)
		g.blocks = append(g.blocks, bg)
		g.blocksBox.Add(bg.makeContent())
	}
	g.blocksBox.Refresh()
}

func (b *blockGrading) makeContent() fyne.CanvasObject {
	title := newHeading(lang.L("grading.block.title", map[string]any{"Block": b.block.Short, "Title": b.block.Title}))
	if b.acquired || !b.sat {
		key := "grading.block.acquired"
		if !b.acquired {
			key = "grading.block.not_sat"
		}
		note := newWrapLabel(lang.L(key))
		note.Importance = widget.LowImportance
		return container.NewVBox(title, note, widget.NewSeparator())
	}
	b.saved = newStatusLabel()
	b.saved.Hide()
	box := container.NewVBox(title, b.saved)
	options := make([]string, len(verdicts))
	for i, v := range verdicts {
		options[i] = verdictLabel(v)
	}
	for _, c := range b.block.Competences {
		r := &competenceRow{comp: c}
		r.verdict = widget.NewRadioGroup(options, func(string) { b.onVerdict() })
		r.verdict.Horizontal = true
		r.verdict.Required = true
		r.verdict.SetSelected(verdictLabel(exam.NotEvaluated))
		r.observation = newBlurEntry(true)
		r.observation.SetPlaceHolder(lang.L("grading.observation.placeholder"))
		r.observation.OnChanged = func(string) { b.onObservation() }
		r.observation.onBlur = func() {
			if b.obsDirty {
				b.saveGrid()
			}
		}
		r.others = newWrapLabel("")
		r.others.Hide()
		name := newBoldLabel(lang.L("grading.competence", map[string]any{"Number": c.Number, "Title": c.Title}))
		b.rows = append(b.rows, r)
		box.Add(container.NewPadded(container.NewVBox(name, r.verdict, r.observation, r.others)))
	}
	b.proposal = newWrapLabel("")
	b.proposal.TextStyle = fyne.TextStyle{Bold: true}
	b.decided = newWrapLabel("")
	edited := func() {
		if !b.g.syncing {
			b.decDirty = true
		}
	}
	b.outcome = widget.NewRadioGroup([]string{outcomeLabel(exam.OutcomeAcquired), outcomeLabel(exam.OutcomeNotAcquired)}, func(string) { edited() })
	b.outcome.Horizontal = true
	b.reason = widget.NewMultiLineEntry()
	b.reason.OnChanged = func(string) { edited() }
	b.reason.Wrapping = fyne.TextWrapWord
	b.reason.SetMinRowsVisible(2)
	b.reason.SetPlaceHolder(lang.L("grading.reason.placeholder"))
	b.reasonErr = newErrorLabel()
	b.decide = widget.NewButtonWithIcon(lang.L("grading.decide"), theme.ConfirmIcon(), b.onDecide)
	b.decide.Importance = widget.HighImportance
	decision := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("grading.decision")), b.outcome,
		widget.NewLabel(lang.L("grading.reason")), container.NewVBox(b.reason, b.reasonErr))
	box.Add(widget.NewSeparator())
	box.Add(b.proposal)
	box.Add(decision)
	box.Add(container.NewBorder(nil, nil, b.decide, nil, b.decided))
	box.Add(widget.NewSeparator())
	return box
}

// usableGrids are the grids that count: in a certification session, not
// those of a member barred from grading the candidate (as Decide does).
func (g *gradingScreen) usableGrids() []exam.Grid {
	var out []exam.Grid
	for _, gr := range g.grids {
		if gr.Collegial() || g.session.CanGrade(gr.MemberID, g.candID) {
			out = append(out, gr)
		}
	}
	return out
}

// gridOf returns the grid of the member for block, or nil.
func (g *gradingScreen) gridOf(memberID int64, block string) *exam.Grid {
	for i := range g.grids {
		if g.grids[i].MemberID == memberID && strings.EqualFold(g.grids[i].Block, block) {
			return &g.grids[i]
		}
	}
	return nil
}

// fillGrids shows the chosen member's verdicts and observations (keeping
// an observation being typed) and everything computed from the grids.
func (g *gradingScreen) fillGrids() {
	was := g.syncing
	g.syncing = true
	defer func() { g.syncing = was }()
	for _, b := range g.blocks {
		if len(b.rows) == 0 {
			continue
		}
		var gr *exam.Grid
		if g.chosen {
			gr = g.gridOf(g.memberID, b.block.Code)
		}
		for _, r := range b.rows {
			v, obs := exam.NotEvaluated, ""
			if gr != nil {
				for _, a := range gr.Assessments {
					if a.Competence == r.comp.Number {
						v, obs = a.Verdict, a.Observation
					}
				}
			}
			r.verdict.SetSelected(verdictLabel(v))
			if !b.obsDirty {
				r.observation.SetText(obs)
			}
		}
	}
	g.updateComputed()
}

// updateComputed shows, per block, the disagreements and the proposal.
func (g *gradingScreen) updateComputed() {
	grids := g.usableGrids()
	type key struct {
		block string
		comp  int
	}
	dis := map[key]exam.Disagreement{}
	for _, d := range exam.Disagreements(grids) {
		dis[key{strings.ToUpper(d.Block), d.Competence}] = d
	}
	for _, b := range g.blocks {
		if len(b.rows) == 0 {
			continue
		}
		for _, r := range b.rows {
			d, ok := dis[key{strings.ToUpper(b.block.Code), r.comp.Number}]
			if !ok {
				setLabel(r.others, "", widget.MediumImportance)
				continue
			}
			var parts []string
			for _, gr := range grids {
				if gr.Collegial() || !strings.EqualFold(gr.Block, b.block.Code) {
					continue
				}
				if v := gr.Verdict(r.comp.Number); v != exam.NotEvaluated {
					parts = append(parts, lang.L("grading.member_verdict", map[string]any{"Name": g.memberName(gr.MemberID), "Verdict": verdictWord(v)}))
				}
			}
			text := lang.L("grading.disagreement", map[string]any{"List": strings.Join(parts, " · ")})
			imp := widget.WarningImportance
			if d.Settled != exam.NotEvaluated {
				text += " " + lang.L("grading.settled", map[string]any{"Verdict": verdictWord(d.Settled)})
				imp = widget.SuccessImportance
			}
			setLabel(r.others, text, imp)
		}
		p := exam.ProposeBlock(b.block, grids, exam.DefaultDecisionRule)
		b.proposal.SetText(proposalText(p))
	}
}

// proposalText is "Proposition : acquis", "Proposition : non acquis
// (compétences non satisfaites : 3)", or no proposal yet.
func proposalText(p exam.Proposal) string {
	nums := func(ns []int) string {
		s := make([]string, len(ns))
		for i, n := range ns {
			s[i] = fmt.Sprint(n)
		}
		return strings.Join(s, ", ")
	}
	switch p.Outcome {
	case exam.OutcomeAcquired:
		return lang.L("grading.proposal.acquired")
	case exam.OutcomeNotAcquired:
		return lang.L("grading.proposal.not_acquired", map[string]any{"List": nums(p.NotSatisfied)})
	}
	if len(p.Disputed) > 0 {
		return lang.L("grading.proposal.disputed", map[string]any{"List": nums(p.NotEvaluated), "Disputed": nums(p.Disputed)})
	}
	return lang.L("grading.proposal.pending", map[string]any{"List": nums(p.NotEvaluated)})
}

func (g *gradingScreen) memberName(id int64) string {
	if m := g.session.Member(id); m != nil {
		return m.Name
	}
	return fmt.Sprint(id)
}

// fillDecisions shows the decision recorded on each block, keeping a
// decision being typed.
func (g *gradingScreen) fillDecisions() {
	was := g.syncing
	g.syncing = true
	defer func() { g.syncing = was }()
	for _, b := range g.blocks {
		if b.outcome == nil {
			continue
		}
		var d *exam.BlockDecision
		for i := range g.decisions {
			if strings.EqualFold(g.decisions[i].Block, b.block.Code) {
				d = &g.decisions[i]
			}
		}
		if d == nil {
			b.decided.Importance = widget.MediumImportance
			b.decided.SetText(lang.L("grading.decided.none"))
			if !b.decDirty {
				b.reasonErr.Hide()
				b.outcome.SetSelected("")
				b.reason.SetText("")
			}
			continue
		}
		if !b.decDirty {
			b.reasonErr.Hide()
			b.outcome.SetSelected(outcomeLabel(d.Outcome))
			b.reason.SetText(d.Reason)
		}
		data := map[string]any{"Outcome": outcomeLabel(d.Outcome), "At": dateTimeText(d.DecidedAt)}
		b.decided.Importance = widget.SuccessImportance
		if d.Departs() {
			b.decided.SetText(lang.L("grading.decided.departs", data))
		} else {
			b.decided.SetText(lang.L("grading.decided", data))
		}
	}
}

func (b *blockGrading) onVerdict() {
	if b.g.syncing {
		return
	}
	b.saveGrid()
}

func (b *blockGrading) onObservation() {
	if b.g.syncing {
		return
	}
	b.obsDirty = true
	b.deb.call(b.saveGrid)
}

// snapshot is the grid the widgets show now, for the chosen member.
func (b *blockGrading) snapshot() exam.Grid {
	g := b.g
	gr := exam.Grid{CandidateID: g.candID, Block: b.block.Code, MemberID: g.memberID}
	for _, r := range b.rows {
		v := exam.NotEvaluated
		for i, o := range r.verdict.Options {
			if o == r.verdict.Selected {
				v = verdicts[i]
			}
		}
		gr.Assessments = append(gr.Assessments, exam.Assessment{Competence: r.comp.Number, Verdict: v, Observation: r.observation.Text})
	}
	return gr
}

// saveGrid sends the grid as the widgets show it; a save asked for while
// another runs goes after it, so that the last one wins.
func (b *blockGrading) saveGrid() {
	g := b.g
	if !g.chosen || g.session == nil || g.v.deps.Evaluations == nil {
		return
	}
	b.deb.cancel()
	b.obsDirty = false
	snap := b.snapshot()
	if b.saving {
		b.queued = &snap
		return
	}
	b.send(snap)
}

func (b *blockGrading) send(gr exam.Grid) {
	g := b.g
	b.saving = true
	setLabel(b.saved, lang.L("candidate.saving"), widget.MediumImportance)
	svc, actor, sid := g.v.deps.Evaluations, g.v.deps.Actor, g.session.ID
	g.v.tasks.run(func() func() {
		ctx := context.Background()
		err := svc.SaveGrid(ctx, actor, sid, &gr)
		var grids []exam.Grid
		if err == nil {
			grids, err = svc.Grids(ctx, actor, sid, gr.CandidateID)
		}
		return func() {
			b.saving = false
			if err != nil {
				b.queued = nil
				setLabel(b.saved, ErrorMessage(err), widget.DangerImportance)
				setLabel(g.status, lang.L("grading.not_saved", map[string]any{"Block": b.block.Short, "Error": ErrorMessage(err)}), widget.DangerImportance)
				return
			}
			if gr.CandidateID == g.candID {
				g.grids = grids
				g.updateComputed()
			}
			if q := b.queued; q != nil {
				b.queued = nil
				b.send(*q)
				return
			}
			setLabel(b.saved, lang.L("grading.saved", map[string]any{"At": clockText(gr.UpdatedAt)}), widget.SuccessImportance)
			// Also in the line above the page, which does not scroll away.
			setLabel(g.status, lang.L("grading.saved.block", map[string]any{"Block": b.block.Short, "At": clockText(gr.UpdatedAt)}), widget.SuccessImportance)
		}
	})
}

// onDecide records the jury's decision on the block; the service's field
// errors (a non acquis without its reason…) show under the reason.
func (b *blockGrading) onDecide() {
	g := b.g
	if g.session == nil || b.deciding || g.v.deps.Evaluations == nil {
		return
	}
	d := &exam.BlockDecision{CandidateID: g.candID, Block: b.block.Code, Reason: b.reason.Text}
	for i, o := range b.outcome.Options {
		if o == b.outcome.Selected {
			d.Outcome = outcomes[i]
		}
	}
	b.reasonErr.Hide()
	b.deciding = true
	g.updateEnabled()
	svc, actor, sid, cid := g.v.deps.Evaluations, g.v.deps.Actor, g.session.ID, g.candID
	g.v.tasks.run(func() func() {
		ctx := context.Background()
		err := svc.Decide(ctx, actor, sid, d)
		var decisions []exam.BlockDecision
		if err == nil {
			decisions, err = svc.Decisions(ctx, actor, sid, cid)
		}
		return func() {
			b.deciding = false
			g.updateEnabled()
			if err != nil {
				fes := exam.FieldErrors(err)
				msg := ErrorMessage(err)
				if len(fes) > 0 {
					var parts []string
					for _, fe := range fes {
						parts = append(parts, sentence(FieldMessage(fe)))
					}
					msg = strings.Join(parts, lang.L("list.separator"))
				}
				setLabel(b.reasonErr, msg, widget.DangerImportance)
				return
			}
			b.decDirty = false
			if cid == g.candID {
				g.decisions = decisions
				g.fillDecisions()
			}
			g.v.changed(g)
		}
	})
}
