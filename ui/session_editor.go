package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
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

// Defaults of a new session.
var (
	defaultDayStart   = exam.NewTimeOfDay(8, 30)
	defaultDayEnd     = exam.NewTimeOfDay(17, 30)
	defaultChangeover = 10 * time.Minute
)

// pickerLimit is how many stored candidates the picker shows at most.
const pickerLimit = 50

// sessionEditor is the Préparation sub-screen: the session's fields, its
// candidates (the CCPs each sits, their employer, the conflicts of interest
// found), its jury (and each member's signing PIN), what is missing before
// the start, and Démarrer la session. Unlike the grids, the session is a
// form saved with Enregistrer: it is only valid as a whole.
type sessionEditor struct {
	v       *sessionView
	content fyne.CanvasObject

	kind        *widget.RadioGroup
	scope       *widget.RadioGroup
	scopeHelp   *widget.Label
	startDate   *widget.Entry
	endDate     *widget.Entry
	place       *widget.Entry
	centre      *widget.Entry
	reference   *widget.Entry
	dayStart    *widget.Entry
	dayEnd      *widget.Entry
	changeover  *widget.Entry
	fieldErrors map[string]*widget.Label

	addCandidate *widget.Button
	candTitle    *widget.Label
	candBox      *fyne.Container
	candRows     []*candidateRow
	addMember    *widget.Button
	juryTitle    *widget.Label
	juryBox      *fyne.Container
	memberRows   []*memberRow

	startInfo   *widget.Label
	startButton *widget.Button

	status       *widget.Label
	saveButton   *widget.Button
	cancelButton *widget.Button
	deleteButton *widget.Button
	scroll       *container.Scroll

	current *exam.Session // as stored; nil for a new session
	locked  bool
	dirty   bool
	saving  bool
	loading bool // the form is being filled by code

	picker  *candidatePicker
	pin     *pinDialog
	choice  *candidateChoice
	dialog  dialog.Dialog
	canEdit bool
}

// candidateRow is one registered candidate in the editor.
type candidateRow struct {
	cand      exam.Candidate
	absent    bool
	allowance exam.TimeAllowance
	jury      string

	name      *widget.Label
	blocks    []*widget.Check // one per block of the référentiel
	codes     []string
	employer  *widget.Entry
	conflicts *widget.Label
	err       *widget.Label
	remove    *widget.Button
	box       *fyne.Container
}

// memberRow is one jury member in the editor.
type memberRow struct {
	id           int64
	name         *widget.Entry
	organisation *widget.Entry
	habilitation *widget.Entry
	role         *widget.RadioGroup
	external     *widget.Check
	trainerOf    []int64
	conflictWith []int64
	trainerBtn   *widget.Button
	conflictBtn  *widget.Button
	pinBtn       *widget.Button
	remove       *widget.Button
	err          *widget.Label
	box          *fyne.Container
}

func newSessionEditor(v *sessionView) *sessionEditor {
	e := &sessionEditor{v: v, fieldErrors: map[string]*widget.Label{}}
	e.canEdit = v.deps.Actor.Can(exam.PermManageSessions)

	kinds := make([]string, len(sessionKinds))
	for i, k := range sessionKinds {
		kinds[i] = kindLabel(k)
	}
	e.kind = widget.NewRadioGroup(kinds, func(string) { e.onEdited(exam.FieldSessionKind) })
	e.kind.Horizontal = true
	e.kind.Required = true
	scopes := make([]string, len(sessionScopes))
	for i, sc := range sessionScopes {
		scopes[i] = scopeLabel(sc)
	}
	e.scope = widget.NewRadioGroup(scopes, func(string) {
		e.updateBlockChecks()
		e.onEdited(exam.FieldSessionScope)
	})
	e.scope.Horizontal = true
	e.scope.Required = true
	e.scopeHelp = newWrapLabel("")
	e.scopeHelp.SizeName = theme.SizeNameCaptionText

	entry := func(field, placeholder string) *widget.Entry {
		w := widget.NewEntry()
		w.SetPlaceHolder(placeholder)
		w.OnChanged = func(string) { e.onEdited(field) }
		return w
	}
	e.startDate = entry(exam.FieldSessionStart, lang.L("date.placeholder"))
	e.endDate = entry(exam.FieldSessionEnd, lang.L("session.end_date.placeholder"))
	e.place = entry(exam.FieldSessionPlace, "")
	e.centre = entry(exam.FieldSessionCentre, "")
	e.reference = entry(exam.FieldSessionReference, lang.L("session.reference.placeholder"))
	e.dayStart = entry(exam.FieldSessionDayHours, lang.L("time.placeholder"))
	e.dayEnd = entry(exam.FieldSessionDayHours, lang.L("time.placeholder"))
	e.changeover = entry(exam.FieldSessionChangeover, "")

	form := container.New(layout.NewFormLayout())
	add := func(field, label string, required bool, w fyne.CanvasObject) {
		if required {
			label += " *"
		}
		errLabel := newErrorLabel()
		if field != "" {
			e.fieldErrors[field] = errLabel
		}
		form.Add(widget.NewLabel(label))
		form.Add(container.NewVBox(w, errLabel))
	}
	add(exam.FieldSessionKind, lang.L("session.field.kind"), true, e.kind)
	add(exam.FieldSessionScope, lang.L("session.field.scope"), true, container.NewVBox(e.scope, e.scopeHelp))
	add(exam.FieldSessionStart, lang.L("session.field.start_date"), true, e.startDate)
	add(exam.FieldSessionEnd, lang.L("session.field.end_date"), false, e.endDate)
	add(exam.FieldSessionPlace, lang.L("session.field.place"), true, e.place)
	add(exam.FieldSessionCentre, lang.L("session.field.training_centre"), true, e.centre)
	add(exam.FieldSessionReference, lang.L("session.field.reference"), false, e.reference)
	hours := container.NewHBox(e.fixedWidth(e.dayStart), widget.NewLabel("–"), e.fixedWidth(e.dayEnd))
	add(exam.FieldSessionDayHours, lang.L("session.field.day_hours"), true, hours)
	changeover := container.NewHBox(e.fixedWidth(e.changeover), widget.NewLabel(lang.L("session.changeover.unit")))
	add(exam.FieldSessionChangeover, lang.L("session.field.changeover"), false, changeover)
	// Errors about the list as a whole.
	e.fieldErrors[exam.FieldSessionCandidates] = newErrorLabel()
	e.fieldErrors[exam.FieldSessionJury] = newErrorLabel()

	e.addCandidate = widget.NewButtonWithIcon(lang.L("session.candidates.add"), theme.ContentAddIcon(), e.onAddCandidate)
	e.candTitle = newHeading("")
	e.candBox = container.NewVBox()
	e.addMember = widget.NewButtonWithIcon(lang.L("session.jury.add"), theme.ContentAddIcon(), e.onAddMember)
	e.juryTitle = newHeading("")
	e.juryBox = container.NewVBox()

	e.startInfo = newWrapLabel("")
	e.startButton = widget.NewButtonWithIcon(lang.L("session.start"), theme.MediaPlayIcon(), e.onStart)
	e.startButton.Importance = widget.HighImportance

	legend := widget.NewLabel(lang.L("candidate.required_legend"))
	legend.SizeName = theme.SizeNameCaptionText

	body := container.NewVBox(
		newHeading(lang.L("session.section.session")), form, legend, widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, e.addCandidate, e.candTitle),
		e.fieldErrors[exam.FieldSessionCandidates], e.candBox, widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, e.addMember, e.juryTitle),
		e.fieldErrors[exam.FieldSessionJury], e.juryBox, widget.NewSeparator(),
		newHeading(lang.L("session.section.start")), e.startInfo, container.NewHBox(e.startButton),
	)
	e.scroll = newPageScroll(container.NewPadded(body))

	e.status = newStatusLabel()
	e.status.Hide() // shown with something to say
	e.saveButton = widget.NewButtonWithIcon(lang.L("session.save"), theme.DocumentSaveIcon(), e.onSave)
	e.saveButton.Importance = widget.HighImportance
	e.cancelButton = widget.NewButtonWithIcon(lang.L("candidate.cancel"), theme.ContentUndoIcon(), e.onCancel)
	e.deleteButton = widget.NewButtonWithIcon(lang.L("session.delete"), theme.DeleteIcon(), e.onDelete)
	e.deleteButton.Importance = widget.DangerImportance
	buttons := container.NewHBox(e.saveButton, e.cancelButton, layout.NewSpacer(), e.deleteButton)
	bottom := container.NewVBox(widget.NewSeparator(), e.status, buttons)
	e.content = container.NewBorder(nil, bottom, nil, nil, e.scroll)
	return e
}

// fixedWidth gives a short entry (a time, minutes) a sensible width.
func (e *sessionEditor) fixedWidth(w fyne.CanvasObject) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(110, w.MinSize().Height), w)
}

// setSession shows the stored session, unless the user is editing it.
func (e *sessionEditor) setSession(s *exam.Session, _ *exam.Minutes) {
	e.current = s
	e.locked = s != nil && s.Locked()
	if !e.dirty {
		e.fill(s)
	}
	e.updateEnabled()
	e.updateStart()
}

func (e *sessionEditor) load() {}

// fill shows s in the form, or the defaults of a new session for nil.
func (e *sessionEditor) fill(s *exam.Session) {
	e.loading = true
	defer func() { e.loading = false }()
	if s == nil {
		s = &exam.Session{
			Kind: exam.KindCertification, Scope: exam.ScopeFullTitle,
			StartDate: exam.DateOf(e.v.now()),
			DayStart:  defaultDayStart, DayEnd: defaultDayEnd, Changeover: defaultChangeover,
		}
	}
	e.kind.SetSelected(kindLabel(s.Kind))
	e.scope.SetSelected(scopeLabel(s.Scope))
	e.startDate.SetText(s.StartDate.String())
	e.endDate.SetText(s.EndDate.String())
	e.place.SetText(s.Place)
	e.centre.SetText(s.TrainingCentre)
	e.reference.SetText(s.Reference)
	e.dayStart.SetText(s.DayStart.String())
	if s.DayEnd == 0 {
		e.dayEnd.SetText("")
	} else {
		e.dayEnd.SetText(s.DayEnd.String())
	}
	e.changeover.SetText(strconv.Itoa(int(s.Changeover / time.Minute)))

	e.candRows = nil
	e.candBox.RemoveAll()
	for i := range s.Candidates {
		e.appendCandidate(s.Candidates[i])
	}
	e.memberRows = nil
	e.juryBox.RemoveAll()
	for _, m := range s.Jury {
		e.appendMember(m)
	}
	e.clearErrors()
	e.dirty = false
	e.updateLive()
}

// appendCandidate adds a row for sc.
func (e *sessionEditor) appendCandidate(sc exam.SessionCandidate) *candidateRow {
	r := &candidateRow{cand: sc.Candidate, absent: sc.Absent, allowance: sc.Allowance, jury: sc.Jury}
	r.name = newBoldLabel(sc.Candidate.DisplayName())
	blocks := container.NewHBox(widget.NewLabel(lang.L("session.candidate.blocks")))
	for _, b := range e.v.ref().Blocks {
		code := b.Code
		c := widget.NewCheck(b.Short, func(bool) { e.onEdited("") })
		c.SetChecked(sc.Sits(code))
		r.blocks = append(r.blocks, c)
		r.codes = append(r.codes, code)
		blocks.Add(c)
	}
	r.employer = widget.NewEntry()
	r.employer.SetPlaceHolder(lang.L("session.candidate.employer.placeholder"))
	r.employer.SetText(sc.Employer)
	r.employer.OnChanged = func(string) { e.onEdited("") }
	r.conflicts = newWrapLabel("")
	r.conflicts.Importance = widget.WarningImportance
	r.conflicts.Hide()
	r.err = newErrorLabel()
	r.remove = widget.NewButtonWithIcon(lang.L("session.remove"), theme.ContentRemoveIcon(), func() { e.onRemoveCandidate(r) })
	details := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("session.candidate.employer")), r.employer)
	r.box = container.NewVBox(
		container.NewBorder(nil, nil, nil, r.remove, r.name),
		blocks, details, r.conflicts, r.err, widget.NewSeparator())
	e.candRows = append(e.candRows, r)
	e.candBox.Add(r.box)
	e.updateBlockChecks()
	return r
}

// appendMember adds a row for m.
func (e *sessionEditor) appendMember(m exam.Member) *memberRow {
	r := &memberRow{id: m.ID, trainerOf: slices.Clone(m.TrainerOf), conflictWith: slices.Clone(m.ConflictWith)}
	entry := func(text, placeholder string) *widget.Entry {
		w := widget.NewEntry()
		w.SetPlaceHolder(placeholder)
		w.SetText(text)
		w.OnChanged = func(string) { e.onEdited("") }
		return w
	}
	r.name = entry(m.Name, lang.L("session.member.name.placeholder"))
	r.organisation = entry(m.Organisation, lang.L("session.member.organisation.placeholder"))
	r.habilitation = entry(m.Habilitation, "")
	roles := make([]string, len(juryRoles))
	for i, x := range juryRoles {
		roles[i] = juryRoleLabel(x)
	}
	r.role = widget.NewRadioGroup(roles, func(string) { e.onEdited("") })
	r.role.Horizontal = true
	r.role.Required = true
	role := m.Role
	if !role.Valid() {
		role = exam.JuryMember
	}
	r.role.SetSelected(juryRoleLabel(role))
	r.external = widget.NewCheck(lang.L("session.member.external"), func(bool) { e.onEdited("") })
	r.external.SetChecked(m.External)
	r.trainerBtn = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { e.onChooseCandidates(r, true) })
	r.conflictBtn = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { e.onChooseCandidates(r, false) })
	r.pinBtn = widget.NewButtonWithIcon(lang.L("session.member.pin"), theme.VisibilityOffIcon(), func() { e.onPIN(r) })
	r.remove = widget.NewButtonWithIcon(lang.L("session.remove"), theme.ContentRemoveIcon(), func() { e.onRemoveMember(r) })
	r.err = newErrorLabel()
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("session.member.name")+" *"), r.name,
		widget.NewLabel(lang.L("session.member.organisation")), r.organisation,
		widget.NewLabel(lang.L("session.member.habilitation")), r.habilitation,
		widget.NewLabel(lang.L("session.member.role")), container.NewHBox(r.role, r.external),
		widget.NewLabel(lang.L("session.member.conflicts")), container.NewHBox(r.trainerBtn, r.conflictBtn),
	)
	r.box = container.NewVBox(form, container.NewHBox(r.pinBtn, layout.NewSpacer(), r.remove), r.err, widget.NewSeparator())
	e.memberRows = append(e.memberRows, r)
	e.juryBox.Add(r.box)
	e.updateMemberButtons(r)
	return r
}

// updateMemberButtons writes how many candidates each conflict list holds.
func (e *sessionEditor) updateMemberButtons(r *memberRow) {
	r.trainerBtn.SetText(plural(len(e.knownIDs(r.trainerOf)), "session.member.trainer_of.one", "session.member.trainer_of.other", nil))
	r.conflictBtn.SetText(plural(len(e.knownIDs(r.conflictWith)), "session.member.conflict_with.one", "session.member.conflict_with.other", nil))
}

// knownIDs keeps the IDs of candidates still in the form.
func (e *sessionEditor) knownIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		for _, r := range e.candRows {
			if r.cand.ID == id {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// startDay is the date typed as the start, zero if unreadable.
func (e *sessionEditor) startDay() exam.Date {
	d, err := exam.ParseDate(e.startDate.Text)
	if err != nil {
		return exam.Date{}
	}
	return d
}

// acquired reports whether the candidate held the block before the
// session's first day (a block acquired since is not "déjà acquis" here).
func acquiredBefore(c *exam.Candidate, code string, day exam.Date) bool {
	for _, a := range c.Acquired {
		if strings.EqualFold(a.BlockCode, code) && (day.IsZero() || a.Date.Before(day)) {
			return true
		}
	}
	return false
}

// updateBlockChecks shows each CCP as sat, déjà acquis (disabled), or — in a
// full-title session — sat by rule (every CCP not acquired).
func (e *sessionEditor) updateBlockChecks() {
	full := e.scopeValue() == exam.ScopeFullTitle
	if full {
		e.scopeHelp.SetText(lang.L("session.scope.full_title.help"))
	} else {
		e.scopeHelp.SetText(lang.L("session.scope.ccp.help"))
	}
	day := e.startDay()
	was := e.loading
	e.loading = true
	defer func() { e.loading = was }()
	for _, r := range e.candRows {
		for i, c := range r.blocks {
			b := e.v.ref().Block(r.codes[i])
			if acquiredBefore(&r.cand, r.codes[i], day) {
				c.Text = lang.L("session.candidate.block_acquired", map[string]any{"Block": b.Short})
				c.SetChecked(false)
				c.Disable()
				continue
			}
			c.Text = b.Short
			if full {
				c.SetChecked(true)
				c.Disable()
			} else if e.canEdit && !e.locked {
				c.Enable()
			}
			c.Refresh()
		}
	}
}

func (e *sessionEditor) kindValue() exam.SessionKind {
	for i, k := range sessionKinds {
		if e.kind.Selected == e.kind.Options[i] {
			return k
		}
	}
	return ""
}

func (e *sessionEditor) scopeValue() exam.Scope {
	for i, sc := range sessionScopes {
		if e.scope.Selected == e.scope.Options[i] {
			return sc
		}
	}
	return ""
}

// collect reads the form into a session; dates, times and minutes that
// cannot be read are returned as field errors.
func (e *sessionEditor) collect() (*exam.Session, []exam.FieldError) {
	s := &exam.Session{}
	if e.current != nil {
		cp := *e.current
		s = &cp
	}
	var errs []exam.FieldError
	parseErr := func(field string, err error) {
		fe := exam.FieldError{Field: field, Key: "err.invalid", Message: err.Error()}
		if xe, ok := err.(*exam.Error); ok {
			fe.Key, fe.Data = xe.Key, xe.Data
		}
		errs = append(errs, fe)
	}
	s.Kind, s.Scope = e.kindValue(), e.scopeValue()
	var err error
	if s.StartDate, err = exam.ParseDate(e.startDate.Text); err != nil {
		parseErr(exam.FieldSessionStart, err)
	}
	if s.EndDate, err = exam.ParseDate(e.endDate.Text); err != nil {
		parseErr(exam.FieldSessionEnd, err)
	}
	s.Place, s.TrainingCentre, s.Reference = e.place.Text, e.centre.Text, e.reference.Text
	if s.DayStart, err = exam.ParseTimeOfDay(e.dayStart.Text); err != nil {
		parseErr(exam.FieldSessionDayHours, err)
	}
	if s.DayEnd, err = exam.ParseTimeOfDay(e.dayEnd.Text); err != nil {
		parseErr(exam.FieldSessionDayHours, err)
	}
	s.Changeover = 0
	if t := strings.TrimSpace(e.changeover.Text); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			errs = append(errs, exam.FieldError{Field: exam.FieldSessionChangeover, Key: "err.session.changeover_minutes",
				Message: "a number of minutes is required", Data: map[string]any{"Value": t}})
		}
		s.Changeover = time.Duration(n) * time.Minute
	}
	s.Candidates = nil
	for _, r := range e.candRows {
		sc := exam.SessionCandidate{Candidate: r.cand, Employer: r.employer.Text, Absent: r.absent, Allowance: r.allowance, Jury: r.jury}
		for i, c := range r.blocks {
			if c.Checked && !acquiredBefore(&r.cand, r.codes[i], s.StartDate) {
				sc.Blocks = append(sc.Blocks, r.codes[i])
			}
		}
		s.Candidates = append(s.Candidates, sc)
	}
	s.Jury = nil
	for _, r := range e.memberRows {
		m := exam.Member{
			ID: r.id, Name: r.name.Text, Organisation: r.organisation.Text, Habilitation: r.habilitation.Text,
			External: r.external.Checked, TrainerOf: e.knownIDs(r.trainerOf), ConflictWith: e.knownIDs(r.conflictWith),
		}
		for i, x := range juryRoles {
			if r.role.Selected == r.role.Options[i] {
				m.Role = x
			}
		}
		s.Jury = append(s.Jury, m)
	}
	return s, errs
}

// onEdited marks the form changed and updates what follows from it.
func (e *sessionEditor) onEdited(field string) {
	if e.loading {
		return
	}
	e.dirty = true
	if l := e.fieldErrors[field]; l != nil && l.Visible() {
		l.Hide()
	}
	if field == exam.FieldSessionStart {
		e.updateBlockChecks()
	}
	if e.status.Importance == widget.SuccessImportance {
		setLabel(e.status, "", widget.MediumImportance)
	}
	e.updateLive()
}

// updateLive recomputes the conflicts next to each candidate, the titles
// and the start check from what the form says now.
func (e *sessionEditor) updateLive() {
	s, _ := e.collect()
	e.candTitle.SetText(lang.L("session.section.candidates", map[string]any{"Count": len(e.candRows)}))
	e.juryTitle.SetText(lang.L("session.section.jury", map[string]any{"Count": len(e.memberRows)}))
	for i, r := range e.candRows {
		var lines []string
		for j := range s.Jury {
			for _, c := range exam.ConflictsBetween(&s.Jury[j], &s.Candidates[i]) {
				lines = append(lines, conflictText(c))
			}
		}
		text := ""
		if len(lines) > 0 {
			key := "session.candidate.conflicts"
			if s.Kind == exam.KindMock {
				key = "session.candidate.conflicts_mock"
			}
			text = lang.L(key, map[string]any{"List": strings.Join(lines, lang.L("list.separator"))})
		}
		setLabel(r.conflicts, text, widget.WarningImportance)
	}
	for _, r := range e.memberRows {
		e.updateMemberButtons(r)
	}
	e.updateStart()
}

// updateStart says what keeps the session from starting, or that it has
// started, and enables Démarrer la session.
func (e *sessionEditor) updateStart() {
	cur := e.current
	switch {
	case cur != nil && cur.Locked():
		setLabel(e.startInfo, lang.L("session.start.signed", map[string]any{"At": dateTimeText(cur.SignedAt)}), widget.SuccessImportance)
		e.startButton.Hide()
		return
	case cur != nil && !cur.StartedAt.IsZero():
		setLabel(e.startInfo, lang.L("session.start.started", map[string]any{"At": dateTimeText(cur.StartedAt)}), widget.SuccessImportance)
		e.startButton.Hide()
		return
	}
	canRun := e.v.deps.Actor.Can(exam.PermRunSessions)
	if canRun {
		e.startButton.Show()
	} else {
		e.startButton.Hide() // the jury starts the session
	}
	s, _ := e.collect()
	e.showMissing(exam.FieldErrors(s.CheckStart()))
	if !canRun {
		e.startInfo.SetText(e.startInfo.Text + "\n" + lang.L("session.start.by_jury"))
	}
	setEnabled(cur != nil && !e.dirty && !e.locked && canRun, e.startButton)
}

// showMissing lists what the start check found missing.
func (e *sessionEditor) showMissing(fes []exam.FieldError) {
	if len(fes) == 0 {
		text := lang.L("session.start.ready")
		if e.current == nil || e.dirty {
			text += " " + lang.L("session.start.save_first")
		}
		setLabel(e.startInfo, text, widget.SuccessImportance)
		return
	}
	lines := []string{lang.L("session.start.missing")}
	for _, fe := range fes {
		lines = append(lines, "• "+sentence(FieldMessage(fe)))
	}
	if e.current == nil || e.dirty {
		lines = append(lines, lang.L("session.start.save_first"))
	}
	setLabel(e.startInfo, strings.Join(lines, "\n"), widget.WarningImportance)
}

// updateEnabled turns the editing controls on or off: off once the PV is
// signed, or for a role that may not manage sessions.
func (e *sessionEditor) updateEnabled() {
	on := e.canEdit && !e.locked
	setEnabled(on, e.kind, e.scope, e.startDate, e.endDate, e.place, e.centre, e.reference,
		e.dayStart, e.dayEnd, e.changeover, e.addCandidate, e.addMember, e.saveButton, e.cancelButton)
	setEnabled(on && e.current != nil && e.current.StartedAt.IsZero(), e.deleteButton)
	for _, r := range e.candRows {
		setEnabled(on, r.employer, r.remove)
		if !on {
			for _, c := range r.blocks {
				c.Disable()
			}
		}
	}
	if on {
		e.updateBlockChecks()
	}
	for _, r := range e.memberRows {
		setEnabled(on, r.name, r.organisation, r.habilitation, r.role, r.external, r.trainerBtn, r.conflictBtn, r.remove)
		setEnabled(!e.locked && r.id != 0 && e.v.deps.Actor.Can(exam.PermGrade) && e.v.deps.Deliberation != nil, r.pinBtn)
	}
	// What the role may never do is not offered at all: a jury member reads
	// the session (and sets their PIN), an administrator prepares it.
	showIf := func(show bool, os ...fyne.CanvasObject) {
		for _, o := range os {
			if show {
				o.Show()
			} else {
				o.Hide()
			}
		}
	}
	showIf(e.canEdit, e.addCandidate, e.addMember, e.saveButton, e.cancelButton, e.deleteButton)
	for _, r := range e.candRows {
		showIf(e.canEdit, r.remove)
	}
	for _, r := range e.memberRows {
		showIf(e.canEdit, r.remove)
		showIf(e.v.deps.Actor.Can(exam.PermGrade), r.pinBtn)
	}
}

func (e *sessionEditor) clearErrors() {
	for _, l := range e.fieldErrors {
		l.Hide()
	}
	for _, r := range e.candRows {
		r.err.Hide()
	}
	for _, r := range e.memberRows {
		r.err.Hide()
	}
}

// showFieldErrors shows each error where it belongs: under its field, in
// the candidate's or member's row, or in the status line.
func (e *sessionEditor) showFieldErrors(fes []exam.FieldError) {
	var p errorPlacement
	for _, fe := range fes {
		msg := sentence(FieldMessage(fe))
		if l := e.fieldErrors[fe.Field]; l != nil {
			p.put(l, msg)
			continue
		}
		if m := sessionFieldRe.FindStringSubmatch(fe.Field); m != nil {
			i, _ := strconv.Atoi(m[2])
			if sub := memberFieldLabel(m[3]); sub != "" && m[1] == "jury" {
				msg = lang.L("err.field.named", map[string]any{"Field": sub, "Message": FieldMessage(fe)})
			}
			switch {
			case m[1] == "candidates" && i < len(e.candRows):
				p.put(e.candRows[i].err, msg)
				continue
			case m[1] == "jury" && i < len(e.memberRows):
				p.put(e.memberRows[i].err, msg)
				continue
			}
		}
		p.elsewhere(lang.L("err.field", map[string]any{"Field": fieldLabel(fe.Field), "Message": FieldMessage(fe)}))
	}
	setLabel(e.status, p.show(), widget.DangerImportance)
	e.scroll.Refresh()
}

// memberFieldLabel names a member's field: "Nom", "N° d'habilitation".
func memberFieldLabel(field string) string {
	switch field {
	case exam.FieldMemberName:
		return lang.L("session.member.name")
	case exam.FieldMemberOrganisation:
		return lang.L("session.member.organisation")
	case exam.FieldMemberHabilitation:
		return lang.L("session.member.habilitation")
	case exam.FieldMemberRole:
		return lang.L("session.member.role")
	}
	return ""
}

// onSave stores the session; "Enregistré" only once the service said yes.
func (e *sessionEditor) onSave() {
	if e.saving || !e.canEdit || e.locked || e.v.deps.Sessions == nil {
		return
	}
	s, parseErrs := e.collect()
	e.clearErrors()
	if len(parseErrs) > 0 {
		e.showFieldErrors(parseErrs)
		return
	}
	e.saving = true
	e.saveButton.Disable()
	setLabel(e.status, lang.L("candidate.saving"), widget.MediumImportance)
	svc, actor, isNew := e.v.deps.Sessions, e.v.deps.Actor, s.ID == 0
	e.v.tasks.run(func() func() {
		ctx := context.Background()
		var err error
		if isNew {
			err = svc.CreateSession(ctx, actor, s)
		} else {
			err = svc.UpdateSession(ctx, actor, s)
		}
		return func() {
			e.saving = false
			e.updateEnabled()
			if err != nil {
				if fes := exam.FieldErrors(err); len(fes) > 0 {
					e.showFieldErrors(fes)
				} else {
					setLabel(e.status, ErrorMessage(err), widget.DangerImportance)
				}
				return
			}
			e.dirty = false
			setLabel(e.status, lang.L("candidate.saved"), widget.SuccessImportance)
			if isNew {
				e.v.created(s.ID)
			} else {
				e.v.changed(e)
			}
		}
	})
}

// onCancel puts back the stored session.
func (e *sessionEditor) onCancel() {
	e.dirty = false
	e.fill(e.current)
	e.updateEnabled()
	setLabel(e.status, lang.L("candidate.cancelled"), widget.MediumImportance)
}

// onDelete removes a session that has not started, after confirmation.
func (e *sessionEditor) onDelete() {
	cur := e.current
	if cur == nil || e.v.deps.Sessions == nil {
		return
	}
	d := dialog.NewConfirm(lang.L("session.delete.title"), lang.L("session.delete.message", map[string]any{"Session": sessionTitle(cur)}), func(ok bool) {
		if !ok {
			return
		}
		svc, actor, id := e.v.deps.Sessions, e.v.deps.Actor, cur.ID
		e.v.tasks.run(func() func() {
			err := svc.DeleteSession(context.Background(), actor, id)
			return func() {
				if err != nil {
					setLabel(e.status, ErrorMessage(err), widget.DangerImportance)
					return
				}
				e.dirty = false
				p := e.v.parent
				p.view.close()
				p.view = nil
				placeholder := newWrapLabel(lang.L("session.deleted", map[string]any{"Session": sessionTitle(cur)}))
				placeholder.Alignment = fyne.TextAlignCenter
				p.detail.Objects = []fyne.CanvasObject{container.NewVBox(layout.NewSpacer(), placeholder, layout.NewSpacer())}
				p.detail.Refresh()
				p.refresh()
			}
		})
	}, e.v.win)
	d.SetConfirmText(lang.L("candidate.delete.confirm"))
	e.dialog = d
	d.Show()
}

// onStart records the start of the session now, after the start check.
func (e *sessionEditor) onStart() {
	cur := e.current
	if cur == nil || e.dirty || e.v.deps.Sessions == nil {
		return
	}
	e.startButton.Disable()
	svc, actor, id, at := e.v.deps.Sessions, e.v.deps.Actor, cur.ID, e.v.now()
	e.v.tasks.run(func() func() {
		err := svc.StartSession(context.Background(), actor, id, at)
		return func() {
			if err != nil {
				if fes := exam.FieldErrors(err); len(fes) > 0 {
					e.showMissing(fes)
				} else {
					setLabel(e.status, ErrorMessage(err), widget.DangerImportance)
				}
				e.updateEnabled()
				e.startButton.Enable()
				return
			}
			setLabel(e.status, lang.L("session.started", map[string]any{"At": clockText(at)}), widget.SuccessImportance)
			e.v.changed(e)
		}
	})
}

// onAddMember adds an empty member row; the first is the president.
func (e *sessionEditor) onAddMember() {
	role := exam.JuryMember
	if len(e.memberRows) == 0 {
		role = exam.JuryPresident
	}
	r := e.appendMember(exam.Member{Role: role})
	e.updateEnabled()
	e.onEdited("")
	e.v.win.Canvas().Focus(r.name)
}

func (e *sessionEditor) onRemoveMember(r *memberRow) {
	i := slices.Index(e.memberRows, r)
	if i < 0 {
		return
	}
	e.memberRows = slices.Delete(e.memberRows, i, i+1)
	e.juryBox.Remove(r.box)
	e.onEdited("")
}

func (e *sessionEditor) onRemoveCandidate(r *candidateRow) {
	i := slices.Index(e.candRows, r)
	if i < 0 {
		return
	}
	e.candRows = slices.Delete(e.candRows, i, i+1)
	e.candBox.Remove(r.box)
	e.onEdited("")
}

// addStoredCandidate reads a stored candidate and registers them.
func (e *sessionEditor) addStoredCandidate(id int64, then func(name string, err error)) {
	for _, r := range e.candRows {
		if r.cand.ID == id {
			then(r.cand.DisplayName(), nil)
			return
		}
	}
	svc, actor, ref := e.v.deps.Candidates, e.v.deps.Actor, e.v.ref()
	e.v.tasks.run(func() func() {
		c, err := svc.Candidate(context.Background(), actor, id)
		return func() {
			if err != nil {
				then("", err)
				return
			}
			for _, r := range e.candRows { // added meanwhile
				if r.cand.ID == id {
					then(c.DisplayName(), nil)
					return
				}
			}
			sc := exam.NewSessionCandidate(ref, *c)
			e.appendCandidate(sc)
			e.updateEnabled()
			e.onEdited("")
			then(c.DisplayName(), nil)
		}
	})
}
