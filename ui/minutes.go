package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
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

// minutesScreen is the Procès-verbal sub-screen of a certification session:
// the results of every candidate, the jury and their signatures (each with
// their own PIN), the incidents, the export as PDF, and after the signature
// the explicit corrections (Rectifier…). For a mock exam it shows instead
// the feedback sheets, one per candidate: a mock exam has no PV.
type minutesScreen struct {
	v       *sessionView
	content fyne.CanvasObject

	state      *widget.Label
	amended    *widget.Label
	signNote   *widget.Label // why nobody can sign yet
	status     *widget.Label
	export     *widget.Button
	amend      *widget.Button
	summary    *fyne.Container
	juryBox    *fyne.Container
	incidents  *fyne.Container
	amendments *fyne.Container
	archives   *fyne.Container // the PVs a purge archived, if any
	pvArea     *fyne.Container
	mockArea   *fyne.Container
	feedbacks  *fyne.Container

	signButtons     map[int64]*widget.Button
	feedbackButtons map[int64][]*widget.Button // PDF, xlsx

	session      *exam.Session
	minutes      *exam.Minutes
	decisions    map[int64][]exam.BlockDecision
	results      map[int64]exam.CandidateResult
	incidentList []exam.Incident
	archived     []exam.ArchivedMinutes
	loaded       bool
	loadSeq      int
	summaryTable *columns
	summaryTexts [][]string // the cells of the summary, for tests
	signDlg      *signDialog
	amendDlg     *amendDialog
}

func newMinutesScreen(v *sessionView) *minutesScreen {
	m := &minutesScreen{v: v, signButtons: map[int64]*widget.Button{}, feedbackButtons: map[int64][]*widget.Button{}}
	m.state = newWrapLabel("")
	m.state.TextStyle = fyne.TextStyle{Bold: true}
	m.state.SizeName = theme.SizeNameSubHeadingText
	m.amended = newWrapLabel("")
	m.amended.Hide()
	m.signNote = newWrapLabel("")
	m.signNote.Hide()
	m.status = newStatusLabel()
	m.status.Hide()
	m.export = widget.NewButtonWithIcon(lang.L("pv.export"), theme.DocumentSaveIcon(), m.onExport)
	m.amend = widget.NewButtonWithIcon(lang.L("pv.amend"), theme.DocumentCreateIcon(), m.onAmend)
	m.summary = container.NewVBox()
	m.juryBox = container.NewVBox()
	m.incidents = container.NewVBox()
	m.amendments = container.NewVBox()
	m.archives = container.NewVBox()
	m.archives.Hide()
	m.pvArea = container.NewVBox(
		container.NewHBox(m.export, m.amend),
		newHeading(lang.L("pv.results")), m.summary, widget.NewSeparator(),
		newHeading(lang.L("pv.jury")), m.signNote, m.juryBox, widget.NewSeparator(),
		newHeading(lang.L("day.incidents")), m.incidents, widget.NewSeparator(),
		newHeading(lang.L("pv.amendments")), m.amendments,
		m.archives,
	)
	m.feedbacks = container.NewVBox()
	m.mockArea = container.NewVBox(newWrapLabel(lang.L("pv.mock.help")), m.feedbacks)
	m.mockArea.Hide()
	top := container.NewVBox(m.state, m.amended, m.status)
	m.content = container.NewBorder(top, nil, nil, nil,
		newPageScroll(container.NewPadded(container.NewVBox(m.pvArea, m.mockArea))))
	return m
}

func (m *minutesScreen) setSession(s *exam.Session, pv *exam.Minutes) {
	m.session, m.minutes = s, pv
	m.updateState()
}

// mock reports whether the session is a mock exam (no PV).
func (m *minutesScreen) mock() bool { return m.session != nil && m.session.Kind == exam.KindMock }

// load reads the decisions, results and incidents.
func (m *minutesScreen) load() {
	s := m.session
	if s == nil || m.v.deps.Evaluations == nil || m.v.deps.Deliberation == nil {
		return
	}
	m.loadSeq++
	seq := m.loadSeq
	ev, delib, actor, sid := m.v.deps.Evaluations, m.v.deps.Deliberation, m.v.deps.Actor, s.ID
	ids := sessionCandidateIDs(s)
	m.v.tasks.run(func() func() {
		ctx := context.Background()
		decisions, results, err := readDecisions(ctx, ev, delib, actor, sid, ids)
		var incidents []exam.Incident
		var pv *exam.Minutes
		if err == nil {
			incidents, err = delib.Incidents(ctx, actor, sid)
		}
		if err == nil {
			pv, err = delib.Minutes(ctx, actor, sid)
		}
		var archived []exam.ArchivedMinutes
		if docs := m.v.deps.Documents; err == nil && docs != nil && s.Kind == exam.KindCertification && s.Locked() {
			archived, err = docs.ArchivedMinutes(ctx, actor, sid)
		}
		return func() {
			if seq != m.loadSeq {
				return
			}
			if err != nil {
				setLabel(m.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			m.decisions, m.incidentList, m.minutes, m.archived = decisions, incidents, pv, archived
			m.results = map[int64]exam.CandidateResult{}
			for _, r := range results {
				m.results[r.CandidateID] = r
			}
			m.loaded = true
			m.render()
			m.renderArchives()
		}
	})
}

// updateState writes the PV's state line and enables the commands.
func (m *minutesScreen) updateState() {
	s, pv := m.session, m.minutes
	if s == nil {
		return
	}
	if m.mock() {
		m.pvArea.Hide()
		m.mockArea.Show()
		setLabel(m.state, lang.L("pv.mock"), widget.MediumImportance)
		setLabel(m.amended, "", widget.MediumImportance)
		for _, bs := range m.feedbackButtons {
			for _, b := range bs {
				setEnabled(m.v.deps.Documents != nil, b)
			}
		}
		return
	}
	m.mockArea.Hide()
	m.pvArea.Show()
	signed := 0
	if pv != nil {
		signed = len(pv.Signatures)
	}
	switch {
	case s.Locked():
		setLabel(m.state, lang.L("pv.signed", map[string]any{"At": dateTimeText(s.SignedAt)}), widget.SuccessImportance)
	case s.StartedAt.IsZero():
		setLabel(m.state, lang.L("pv.not_started"), widget.MediumImportance)
	default:
		setLabel(m.state, lang.L("pv.unsigned", map[string]any{"Signed": signed, "Total": len(s.Jury)}), widget.WarningImportance)
	}
	if pv != nil && pv.Amended() {
		setLabel(m.amended, plural(len(pv.Amendments), "pv.amended.one", "pv.amended.other", nil), widget.WarningImportance)
	} else {
		setLabel(m.amended, "", widget.MediumImportance)
	}
	setEnabled(m.v.deps.Documents != nil, m.export)
	setEnabled(s.Locked() && m.v.deps.Actor.Can(exam.PermAmend) && m.v.deps.Deliberation != nil, m.amend)
	if s.Locked() && m.v.deps.Actor.Can(exam.PermAmend) {
		m.amend.Show()
	} else {
		m.amend.Hide()
	}
	missing := m.missingResults()
	note := ""
	if !s.Locked() && !s.StartedAt.IsZero() && m.loaded && missing > 0 {
		note = plural(missing, "pv.results_missing.one", "pv.results_missing.other", nil)
	}
	setLabel(m.signNote, note, widget.WarningImportance)
	for id, b := range m.signButtons {
		done := pv != nil && pv.SignedBy(id)
		setEnabled(!s.Locked() && !done && !s.StartedAt.IsZero() && missing == 0 && m.v.deps.Actor.Can(exam.PermGrade), b)
		if !m.v.deps.Actor.Can(exam.PermGrade) {
			b.Hide() // signing is the jury's: not offered to other roles
		}
	}
}

// render rebuilds the tables.
func (m *minutesScreen) render() {
	s := m.session
	if s == nil {
		return
	}
	ref := m.v.ref()
	if m.mock() {
		m.feedbacks.RemoveAll()
		m.feedbackButtons = map[int64][]*widget.Button{}
		for i := range s.Candidates {
			sc := &s.Candidates[i]
			id := sc.Candidate.ID
			prop := exam.ProposeResult(ref, s.Kind, s.Scope, sc, m.decisions[id])
			pdf := widget.NewButtonWithIcon(lang.L("pv.feedback.pdf"), theme.DocumentSaveIcon(), func() { m.onFeedback(id, "pdf") })
			xlsx := widget.NewButtonWithIcon(lang.L("pv.feedback.xlsx"), theme.DocumentSaveIcon(), func() { m.onFeedback(id, "xlsx") })
			m.feedbackButtons[id] = []*widget.Button{pdf, xlsx}
			name := newBoldLabel(sc.Candidate.DisplayName())
			result := newWrapLabel(lang.L("delib.proposal", map[string]any{"Result": overallText(ref, prop)}))
			m.feedbacks.Add(container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(pdf, xlsx), name),
				result, widget.NewSeparator()))
		}
		m.updateState()
		return
	}

	// Summary: one line per candidate, each CCP and the result.
	m.summary.RemoveAll()
	m.summaryTable = &columns{}
	m.summaryTexts = nil
	head := []string{lang.L("pv.col.candidate")}
	for _, b := range ref.Blocks {
		head = append(head, b.Short)
	}
	head = append(head, lang.L("pv.col.result"))
	m.addSummaryRow(head, true, widget.MediumImportance)
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		prop := exam.ProposeResult(ref, s.Kind, s.Scope, sc, m.decisions[sc.Candidate.ID])
		cells := []string{sc.Candidate.DisplayName()}
		for _, b := range prop.Blocks {
			if sc.Absent && b.Outcome == exam.OutcomePending {
				cells = append(cells, lang.L("outcome.absent"))
				continue
			}
			cells = append(cells, outcomeLabel(b.Outcome))
		}
		imp := widget.MediumImportance
		if r, ok := m.results[sc.Candidate.ID]; ok {
			cells = append(cells, resultText(r.Result, shortCodes(ref, r.Acquired)))
		} else {
			cells = append(cells, lang.L("pv.result.none"))
			imp = widget.WarningImportance
		}
		m.addSummaryRow(cells, false, imp)
	}

	// Jury and signatures.
	m.juryBox.RemoveAll()
	m.signButtons = map[int64]*widget.Button{}
	for _, mem := range s.Jury {
		id := mem.ID
		parts := []string{lang.L("grading.member.option", map[string]any{"Name": mem.Name, "Role": juryRoleLabel(mem.Role)})}
		if mem.Organisation != "" {
			parts = append(parts, mem.Organisation)
		}
		if mem.Habilitation != "" {
			parts = append(parts, lang.L("pv.habilitation", map[string]any{"Number": mem.Habilitation}))
		}
		who := newWrapLabel(strings.Join(parts, " · "))
		var right fyne.CanvasObject
		if sg := m.signatureOf(id); sg != nil {
			l := widget.NewLabel(lang.L("pv.signed_by", map[string]any{"At": dateTimeText(sg.SignedAt)}))
			l.Importance = widget.SuccessImportance
			right = l
		} else {
			b := widget.NewButtonWithIcon(lang.L("pv.sign"), theme.ConfirmIcon(), func() { m.onSign(id) })
			b.Importance = widget.HighImportance
			m.signButtons[id] = b
			right = b
		}
		m.juryBox.Add(container.NewBorder(nil, nil, nil, right, who))
	}

	// Incidents and corrections.
	m.incidents.RemoveAll()
	for _, inc := range m.incidentList {
		m.incidents.Add(newIncidentLabel(m.v, s, inc, true))
	}
	if len(m.incidentList) == 0 {
		m.incidents.Add(widget.NewLabel(lang.L("day.incidents.none")))
	}
	m.amendments.RemoveAll()
	if m.minutes != nil {
		for _, a := range m.minutes.Amendments {
			l := newWrapLabel(lang.L("pv.amendment", map[string]any{"At": dateTimeText(a.At), "By": a.By, "What": a.What, "Reason": a.Reason}))
			l.Importance = widget.WarningImportance
			m.amendments.Add(l)
		}
	}
	if len(m.amendments.Objects) == 0 {
		m.amendments.Add(widget.NewLabel(lang.L("pv.amendments.none")))
	}
	m.updateState()
}

// missingResults counts the present candidates without a confirmed result:
// the PV cannot be signed before (the service refuses too).
func (m *minutesScreen) missingResults() int {
	n := 0
	for i := range m.session.Candidates {
		sc := &m.session.Candidates[i]
		if _, ok := m.results[sc.Candidate.ID]; !ok && !sc.Absent {
			n++
		}
	}
	return n
}

func (m *minutesScreen) addSummaryRow(cells []string, header bool, imp widget.Importance) {
	var objs []fyne.CanvasObject
	for _, c := range cells {
		l := widget.NewLabel(c)
		if header {
			l.TextStyle = fyne.TextStyle{Bold: true}
		}
		l.Importance = imp
		objs = append(objs, l)
	}
	m.summaryTexts = append(m.summaryTexts, cells)
	m.summary.Add(m.summaryTable.row(objs...))
}

func (m *minutesScreen) signatureOf(id int64) *exam.Signature {
	if m.minutes == nil {
		return nil
	}
	for i := range m.minutes.Signatures {
		if m.minutes.Signatures[i].MemberID == id {
			return &m.minutes.Signatures[i]
		}
	}
	return nil
}

// signDialog asks a member for their PIN.
type signDialog struct {
	form     *formDialog
	pin      *widget.Entry
	memberID int64
}

// onSign lets a member sign the PV with their own PIN; the dialog stays
// open on a wrong PIN.
func (m *minutesScreen) onSign(memberID int64) {
	s := m.session
	if s == nil || m.v.deps.Deliberation == nil {
		return
	}
	mem := s.Member(memberID)
	if mem == nil {
		return
	}
	d := &signDialog{pin: widget.NewPasswordEntry(), memberID: memberID}
	help := newWrapLabel(lang.L("pv.sign.help", map[string]any{"Name": mem.Name}))
	form := container.New(layout.NewFormLayout(), widget.NewLabel(lang.L("pv.sign.pin")), d.pin)
	svc, actor, sid := m.v.deps.Deliberation, m.v.deps.Actor, s.ID
	d.form = newFormDialog(m.v.win, lang.L("pv.sign.title", map[string]any{"Name": mem.Name}), lang.L("pv.sign.confirm"),
		container.NewVBox(help, form), func(fd *formDialog) {
			secret := d.pin.Text
			fd.working(true)
			m.v.tasks.run(func() func() {
				err := svc.Sign(context.Background(), actor, sid, memberID, secret)
				return func() {
					if err != nil {
						d.pin.SetText("")
						fd.fail(ErrorMessage(err))
						return
					}
					fd.done()
					setLabel(m.status, lang.L("pv.sign.done", map[string]any{"Name": mem.Name}), widget.SuccessImportance)
					m.v.changed(nil)
				}
			})
		})
	d.pin.OnSubmitted = func(string) { d.form.confirm.OnTapped() }
	d.form.dialog.Resize(fyne.NewSize(460, 240))
	m.signDlg = d
	d.form.dialog.Show()
	m.v.win.Canvas().Focus(d.pin)
}

// onExport saves the PV as PDF.
func (m *minutesScreen) onExport() {
	s := m.session
	docs := m.v.deps.Documents
	if s == nil || docs == nil {
		return
	}
	id, actor := s.ID, m.v.deps.Actor
	saveDocument(m.v, lang.L("pv.export.title"), documentName(s, "pv", "pdf"), ".pdf", m.status,
		func(ctx context.Context, w io.Writer) error { return docs.Minutes(ctx, actor, id, w) })
}

// onFeedback saves a mock exam's feedback sheet of one candidate.
func (m *minutesScreen) onFeedback(candidateID int64, format string) {
	s := m.session
	docs := m.v.deps.Documents
	if s == nil || docs == nil {
		return
	}
	sc := s.Candidate(candidateID)
	if sc == nil {
		return
	}
	id, actor := s.ID, m.v.deps.Actor
	name := documentName(s, "retour-"+strings.ToLower(strings.ReplaceAll(sc.Candidate.DisplayName(), " ", "-")), format)
	saveDocument(m.v, lang.L("pv.feedback.title", map[string]any{"Name": sc.Candidate.DisplayName()}), name, "."+format, m.status,
		func(ctx context.Context, w io.Writer) error {
			return docs.Feedback(ctx, actor, id, candidateID, format, w)
		})
}

// amendDialog corrects a signed PV: a CCP decision or the notes of the
// entretien final of one candidate, with the reason of the correction.
type amendDialog struct {
	form      *formDialog
	candidate *widget.Select
	target    *widget.Select
	outcome   *widget.RadioGroup
	decReason *widget.Entry
	notes     *widget.Entry
	reason    *widget.Entry
	decRows   []fyne.CanvasObject // label and widget of the decision rows
	notesRows []fyne.CanvasObject
	candIDs   []int64
	targets   []string // block codes; "" for the overall result
}

// onAmend opens the correction dialog.
func (m *minutesScreen) onAmend() {
	s := m.session
	if s == nil || !s.Locked() || m.v.deps.Deliberation == nil {
		return
	}
	a := &amendDialog{}
	var names []string
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		if sc.Absent {
			continue
		}
		names = append(names, sc.Candidate.DisplayName())
		a.candIDs = append(a.candIDs, sc.Candidate.ID)
	}
	a.target = widget.NewSelect(nil, func(string) { a.onTarget(m) })
	a.candidate = widget.NewSelect(names, func(string) { a.onCandidate(m) })
	a.outcome = widget.NewRadioGroup([]string{outcomeLabel(exam.OutcomeAcquired), outcomeLabel(exam.OutcomeNotAcquired)}, nil)
	a.outcome.Horizontal = true
	a.decReason = widget.NewMultiLineEntry()
	a.decReason.Wrapping = fyne.TextWrapWord
	a.decReason.SetPlaceHolder(lang.L("grading.reason.placeholder"))
	a.notes = widget.NewMultiLineEntry()
	a.notes.Wrapping = fyne.TextWrapWord
	a.notes.SetMinRowsVisible(3)
	a.reason = widget.NewMultiLineEntry()
	a.reason.Wrapping = fyne.TextWrapWord
	a.reason.SetMinRowsVisible(2)
	a.reason.SetPlaceHolder(lang.L("pv.amend.reason.placeholder"))
	decLabel, reasonLabel := widget.NewLabel(lang.L("grading.decision")), widget.NewLabel(lang.L("pv.amend.decision_reason"))
	notesLabel, notesHelp := widget.NewLabel(lang.L("delib.notes")), newWrapLabel(lang.L("pv.amend.result_help"))
	helpSpace := widget.NewLabel("")
	a.decRows = []fyne.CanvasObject{decLabel, a.outcome, reasonLabel, a.decReason}
	a.notesRows = []fyne.CanvasObject{notesLabel, a.notes, helpSpace, notesHelp}
	for _, o := range a.notesRows {
		o.Hide()
	}
	a.candidate.PlaceHolder = lang.L("candidate.route.placeholder")
	a.target.PlaceHolder = lang.L("candidate.route.placeholder")
	// One form, so that the labels line up; the rows that do not apply are
	// hidden.
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("timer.candidate")), a.candidate,
		widget.NewLabel(lang.L("pv.amend.target")), a.target,
		decLabel, a.outcome, reasonLabel, a.decReason,
		notesLabel, a.notes, helpSpace, notesHelp,
		widget.NewLabel(lang.L("pv.amend.reason")+" *"), a.reason)
	content := container.NewVBox(newWrapLabel(lang.L("pv.amend.help")), form)
	svc, actor, sid := m.v.deps.Deliberation, m.v.deps.Actor, s.ID
	a.form = newFormDialog(m.v.win, lang.L("pv.amend.title"), lang.L("pv.amend.confirm"), content, func(fd *formDialog) {
		ci, ti := a.candidate.SelectedIndex(), a.target.SelectedIndex()
		if ci < 0 || ti < 0 {
			fd.fail(lang.L("pv.amend.choose"))
			return
		}
		cid, code, why := a.candIDs[ci], a.targets[ti], a.reason.Text
		fd.working(true)
		if code != "" {
			d := &exam.BlockDecision{CandidateID: cid, Block: code, Reason: a.decReason.Text}
			for i, o := range a.outcome.Options {
				if o == a.outcome.Selected {
					d.Outcome = outcomes[i]
				}
			}
			m.v.tasks.run(func() func() {
				err := svc.AmendDecision(context.Background(), actor, sid, d, why)
				return func() { m.amendDone(fd, err) }
			})
			return
		}
		r := &exam.CandidateResult{SessionID: sid, CandidateID: cid, FinalInterviewNotes: a.notes.Text}
		m.v.tasks.run(func() func() {
			err := svc.AmendResult(context.Background(), actor, r, why)
			return func() { m.amendDone(fd, err) }
		})
	})
	a.form.dialog.Resize(fyne.NewSize(640, 560))
	m.amendDlg = a
	a.form.dialog.Show()
}

// onCandidate lists what may be corrected for the chosen candidate.
func (a *amendDialog) onCandidate(m *minutesScreen) {
	i := a.candidate.SelectedIndex()
	if i < 0 {
		return
	}
	sc := m.session.Candidate(a.candIDs[i])
	ref := m.v.ref()
	var opts []string
	a.targets = nil
	for _, b := range ref.Blocks {
		if sc.Sits(b.Code) && !sc.Candidate.HasAcquired(b.Code) {
			opts = append(opts, lang.L("grading.block.title", map[string]any{"Block": b.Short, "Title": b.Title}))
			a.targets = append(a.targets, b.Code)
		}
	}
	opts = append(opts, lang.L("pv.amend.result"))
	a.targets = append(a.targets, "")
	a.target.Options = opts
	a.target.ClearSelected()
	a.target.SetSelectedIndex(0)
	a.target.Refresh()
}

// onTarget fills the current value of the chosen CCP or result.
func (a *amendDialog) onTarget(m *minutesScreen) {
	ci, ti := a.candidate.SelectedIndex(), a.target.SelectedIndex()
	if ci < 0 || ti < 0 || ti >= len(a.targets) {
		return
	}
	cid, code := a.candIDs[ci], a.targets[ti]
	show := func(objs []fyne.CanvasObject, on bool) {
		for _, o := range objs {
			if on {
				o.Show()
			} else {
				o.Hide()
			}
		}
	}
	show(a.decRows, code != "")
	show(a.notesRows, code == "")
	a.form.dialog.Refresh()
	if code == "" {
		a.notes.SetText(m.results[cid].FinalInterviewNotes)
		return
	}
	a.outcome.SetSelected("")
	a.decReason.SetText("")
	for _, d := range m.decisions[cid] {
		if strings.EqualFold(d.Block, code) {
			a.outcome.SetSelected(outcomeLabel(d.Outcome))
			a.decReason.SetText(d.Reason)
		}
	}
}

// amendDone closes the correction dialog, or says why it was refused.
func (m *minutesScreen) amendDone(fd *formDialog, err error) {
	if err != nil {
		msg := ErrorMessage(err)
		if fes := exam.FieldErrors(err); len(fes) > 0 {
			var parts []string
			for _, fe := range fes {
				parts = append(parts, sentence(FieldMessage(fe)))
			}
			msg = strings.Join(parts, lang.L("list.separator"))
		}
		fd.fail(msg)
		return
	}
	fd.done()
	setLabel(m.status, lang.L("pv.amend.done"), widget.SuccessImportance)
	m.v.changed(nil)
}

// renderArchives lists the PVs a purge archived, each with a button that
// saves its PDF as it was archived, after checking its SHA-256.
func (m *minutesScreen) renderArchives() {
	m.archives.RemoveAll()
	if len(m.archived) == 0 {
		m.archives.Hide()
		return
	}
	m.archives.Add(widget.NewSeparator())
	m.archives.Add(newHeading(lang.L("pv.archives")))
	m.archives.Add(newWrapLabel(lang.L("pv.archives.help")))
	for _, a := range m.archived {
		line := newWrapLabel(lang.L("pv.archive.line", map[string]any{
			"At": dateTimeText(a.ArchivedAt), "Candidates": a.Registrations, "Amendments": a.Amendments,
			"Hash": a.SHA256[:12] + "…",
		}))
		save := widget.NewButtonWithIcon(lang.L("pv.archive.save"), theme.DocumentSaveIcon(), func() { m.onSaveArchive(a) })
		m.archives.Add(container.NewBorder(nil, nil, nil, save, line))
	}
	m.archives.Show()
}

// onSaveArchive saves an archived PV's PDF, refusing one that no longer
// matches its SHA-256.
func (m *minutesScreen) onSaveArchive(a exam.ArchivedMinutes) {
	s := m.session
	if s == nil {
		return
	}
	name := documentName(s, "pv-archive-"+a.ArchivedAt.In(time.Local).Format("2006-01-02"), "pdf")
	saveDocument(m.v, lang.L("pv.export.title"), name, ".pdf", m.status, func(_ context.Context, w io.Writer) error {
		return writeArchivedPV(w, a)
	})
}

// writeArchivedPV writes the archived PDF once its SHA-256 is checked.
func writeArchivedPV(w io.Writer, a exam.ArchivedMinutes) error {
	sum := sha256.Sum256(a.PDF)
	if hex.EncodeToString(sum[:]) != a.SHA256 {
		return exam.Errorf(exam.EINTERNAL, "err.pv.archive_hash",
			"the archived PV {{.ID}} no longer matches its SHA-256: the database is damaged (amis check)", map[string]any{"ID": a.ID})
	}
	_, err := w.Write(a.PDF)
	return err
}
