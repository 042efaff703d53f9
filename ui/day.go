package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// dayScreen is the Journée sub-screen: the schedule as a table (candidate,
// épreuve, start–end, time), its warnings in full, each candidate's Absent
// toggle and incidents, and the convocation list.
type dayScreen struct {
	v       *sessionView
	content fyne.CanvasObject

	convocations    *widget.Button
	sessionIncident *widget.Button
	summary         *widget.Label
	status          *widget.Label
	table           *fyne.Container
	incidentsBox    *fyne.Container

	session   *exam.Session
	schedule  exam.Schedule
	incidents []exam.Incident
	rows      map[int64]*dayRow
	loadSeq   int
	loading   bool
	cols      *columns

	incident *incidentDialog
}

// dayRow is what the Journée screen shows per candidate.
type dayRow struct {
	absent   *widget.Check
	incident *widget.Button
	warnings []*widget.Label
}

func newDayScreen(v *sessionView) *dayScreen {
	d := &dayScreen{v: v, rows: map[int64]*dayRow{}}
	d.convocations = widget.NewButtonWithIcon(lang.L("day.convocations"), theme.DocumentSaveIcon(), d.onConvocations)
	if v.deps.Documents == nil {
		d.convocations.Disable()
	}
	d.sessionIncident = widget.NewButtonWithIcon(lang.L("day.incident.session"), theme.WarningIcon(), func() { d.onIncident(0) })
	d.summary = newWrapLabel("")
	d.status = newStatusLabel()
	d.status.Hide()
	d.table = container.NewVBox()
	d.incidentsBox = container.NewVBox()
	top := container.NewVBox(container.NewHBox(d.convocations, d.sessionIncident), d.summary, d.status)
	body := container.NewVBox(d.table, widget.NewSeparator(), newHeading(lang.L("day.incidents")), d.incidentsBox)
	d.content = container.NewBorder(top, nil, nil, nil, newPageScroll(container.NewPadded(body)))
	return d
}

func (d *dayScreen) setSession(s *exam.Session, _ *exam.Minutes) {
	d.session = s
	d.render()
}

// load reads the incidents; the schedule is computed from the session.
func (d *dayScreen) load() {
	s := d.session
	if s == nil || d.v.deps.Deliberation == nil {
		d.render()
		return
	}
	d.loadSeq++
	seq := d.loadSeq
	d.loading = true
	svc, actor, id := d.v.deps.Deliberation, d.v.deps.Actor, s.ID
	d.v.tasks.run(func() func() {
		inc, err := svc.Incidents(context.Background(), actor, id)
		return func() {
			if seq != d.loadSeq {
				return
			}
			d.loading = false
			if err != nil {
				setLabel(d.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			d.incidents = inc
			d.render()
		}
	})
}

// render rebuilds the table from the session, the schedule and the
// incidents.
func (d *dayScreen) render() {
	s := d.session
	d.table.RemoveAll()
	d.incidentsBox.RemoveAll()
	d.rows = map[int64]*dayRow{}
	if s == nil {
		return
	}
	ref := d.v.ref()
	sched, err := s.DaySchedule(ref, time.Local)
	if err != nil {
		setLabel(d.status, ErrorMessage(err), widget.DangerImportance)
	}
	d.schedule = sched
	issuesOf := map[int][]exam.ScheduleIssue{}
	for _, is := range sched.Issues {
		issuesOf[is.Slot] = append(issuesOf[is.Slot], is)
	}
	summary := plural(len(s.Candidates), "sessions.candidates.one", "sessions.candidates.other", nil)
	if n := len(sched.Issues); n > 0 {
		summary += " · " + plural(n, "day.issues.one", "day.issues.other", nil)
	}
	if s.DayEnd > 0 {
		summary += " · " + lang.L("day.hours", map[string]any{"Start": s.DayStart.String(), "End": s.DayEnd.String()})
	}
	d.summary.SetText(summary)

	locked := s.Locked()
	canRun := d.v.deps.Actor.Can(exam.PermRunSessions)
	setEnabled(!locked && canRun && d.v.deps.Deliberation != nil, d.sessionIncident)
	if !canRun { // running the day is the jury's: not offered to other roles
		d.sessionIncident.Hide()
	}
	d.cols = &columns{}
	header := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.TextStyle = fyne.TextStyle{Bold: true}
		return l
	}
	d.table.Add(d.cols.row(header(lang.L("day.col.time")), header(lang.L("day.col.trial")), header(lang.L("day.col.duration"))))
	d.table.Add(widget.NewSeparator())
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		id := sc.Candidate.ID
		row := &dayRow{}
		d.rows[id] = row
		row.absent = widget.NewCheck(lang.L("day.absent"), nil)
		row.absent.SetChecked(sc.Absent)
		row.absent.OnChanged = func(on bool) { d.onAbsent(id, on) }
		row.incident = widget.NewButtonWithIcon(lang.L("day.incident"), theme.WarningIcon(), func() { d.onIncident(id) })
		setEnabled(!locked && canRun, row.absent)
		setEnabled(!locked && canRun && d.v.deps.Deliberation != nil, row.incident)
		if !canRun {
			row.absent.Hide()
			row.incident.Hide()
		}
		name := newBoldLabel(sc.Candidate.DisplayName())
		if sc.Absent {
			name.Importance = widget.LowImportance
			name.SetText(lang.L("day.candidate_absent", map[string]any{"Name": sc.Candidate.DisplayName()}))
		}
		d.table.Add(container.NewBorder(nil, nil, nil, container.NewHBox(row.absent, row.incident), name))
		card := newAccommodationCard(true)
		card.set(sc.Candidate.DisplayName(), sc.Accommodations)
		if card.content.Visible() {
			d.table.Add(card.content)
		}
		for k, sl := range sched.Slots {
			if sl.CandidateID != id {
				continue
			}
			when := lang.L("day.slot.time", map[string]any{"Start": slotClock(sl.Start, sl.PrepStart), "End": slotClock(sl.End, sl.PrepStart)})
			trial := trialName(ref, sl.Trial)
			duration := trialTimeText(sl.Time)
			if sl.Time.Prep > 0 {
				trial += "\n" + lang.L("day.slot.prep", map[string]any{
					"Start": slotClock(sl.PrepStart, sl.PrepStart),
					"Time":  allowanceText(sl.Time.PrepTotal(), sl.Time.Prep),
				})
			}
			if sl.Time.Breaks > 0 {
				duration += "\n" + lang.L("day.slot.breaks", map[string]any{"Time": durationText(sl.Time.Breaks)})
			}
			cells := []fyne.CanvasObject{widget.NewLabel(when), widget.NewLabel(trial), widget.NewLabel(duration)}
			if len(issuesOf[k]) > 0 {
				for _, c := range cells {
					c.(*widget.Label).Importance = widget.WarningImportance
				}
			}
			d.table.Add(d.cols.row(cells...))
			if sl.Time.Overridden && sl.Time.Reason != "" {
				// A reason can be long: on its own line, wrapped, never cut.
				d.table.Add(newWrapLabel(lang.L("day.slot.override", map[string]any{"Reason": sl.Time.Reason})))
			}
			for _, is := range issuesOf[k] {
				w := newWrapLabel("⚠ " + issueText(is))
				w.Importance = widget.DangerImportance
				if is.Kind == exam.IssueLateDay {
					w.Importance = widget.WarningImportance
				}
				row.warnings = append(row.warnings, w)
				d.table.Add(w)
			}
		}
		for _, inc := range d.incidents {
			if inc.CandidateID == id {
				d.table.Add(d.incidentLabel(inc, false))
			}
		}
		d.table.Add(widget.NewSeparator())
	}
	n := 0
	for _, inc := range d.incidents {
		if inc.CandidateID == 0 {
			d.incidentsBox.Add(d.incidentLabel(inc, false))
			n++
		}
	}
	if n == 0 {
		d.incidentsBox.Add(widget.NewLabel(lang.L("day.incidents.none")))
	}
	d.table.Refresh()
}

// slotClock is hh:mm, with the date when the slot is on another day than
// the candidate's first épreuve.
func slotClock(t, ref time.Time) string {
	if exam.DateOf(t) != exam.DateOf(ref) {
		return t.Format("02/01 15:04")
	}
	return t.Format("15:04")
}

// incidentLabel is "10:32 — Retard : arrivé à 9 h 10 (Claire)".
func (d *dayScreen) incidentLabel(inc exam.Incident, withName bool) *widget.Label {
	return newIncidentLabel(d.v, d.session, inc, withName)
}

func newIncidentLabel(v *sessionView, s *exam.Session, inc exam.Incident, withName bool) *widget.Label {
	who := ""
	if withName && s != nil && inc.CandidateID != 0 {
		if sc := s.Candidate(inc.CandidateID); sc != nil {
			who = sc.Candidate.DisplayName()
		}
	}
	trial := ""
	if inc.Trial != "" {
		trial = inc.Trial
	}
	l := newWrapLabel(lang.L("incident.line", map[string]any{
		"At": dateTimeText(inc.At), "Kind": incidentKindLabel(inc.Kind), "Text": inc.Text,
		"By": inc.RecordedBy, "Candidate": who, "Trial": trial,
	}))
	l.Importance = widget.WarningImportance
	return l
}

// onAbsent marks a candidate absent or present; on failure the box goes
// back to what is stored.
func (d *dayScreen) onAbsent(candidateID int64, on bool) {
	s := d.session
	if s == nil || d.v.deps.Sessions == nil {
		return
	}
	row := d.rows[candidateID]
	setEnabled(false, row.absent)
	svc, actor, sid := d.v.deps.Sessions, d.v.deps.Actor, s.ID
	d.v.tasks.run(func() func() {
		err := svc.SetAbsent(context.Background(), actor, sid, candidateID, on)
		return func() {
			if err != nil {
				setLabel(d.status, ErrorMessage(err), widget.DangerImportance)
				d.render() // back to the stored mark
				return
			}
			setLabel(d.status, lang.L("day.absent.saved"), widget.SuccessImportance)
			d.v.changed(d)
		}
	})
}

// incidentDialog records an incident: kind, épreuve, time (now by
// default) and text.
type incidentDialog struct {
	form  *formDialog
	kind  *widget.Select
	trial *widget.Select
	at    *widget.Entry
	text  *widget.Entry
	codes []string // parallel to trial.Options; "" for none
}

// onIncident opens the incident dialog for a candidate (0: the session).
func (d *dayScreen) onIncident(candidateID int64) {
	s := d.session
	if s == nil || d.v.deps.Deliberation == nil {
		return
	}
	inc := &incidentDialog{}
	kinds := make([]string, len(exam.IncidentKinds))
	for i, k := range exam.IncidentKinds {
		kinds[i] = incidentKindLabel(k)
	}
	inc.kind = widget.NewSelect(kinds, nil)
	inc.kind.SetSelectedIndex(0)
	trials := []string{lang.L("incident.trial.none")}
	inc.codes = []string{""}
	ref := d.v.ref()
	title := lang.L("incident.title.session")
	if sc := s.Candidate(candidateID); sc != nil {
		title = lang.L("incident.title.candidate", map[string]any{"Name": sc.Candidate.DisplayName()})
		for _, t := range exam.TrialsFor(ref, sc.Blocks) {
			trials = append(trials, trialName(ref, t.Code))
			inc.codes = append(inc.codes, t.Code)
		}
	} else {
		for _, t := range ref.Trials {
			trials = append(trials, trialName(ref, t.Code))
			inc.codes = append(inc.codes, t.Code)
		}
	}
	inc.trial = widget.NewSelect(trials, nil)
	inc.trial.SetSelectedIndex(0)
	now := d.v.now()
	inc.at = widget.NewEntry()
	inc.at.SetText(now.Format("15:04"))
	inc.at.SetPlaceHolder(lang.L("time.placeholder"))
	inc.text = widget.NewMultiLineEntry()
	inc.text.Wrapping = fyne.TextWrapWord
	inc.text.SetMinRowsVisible(4)
	inc.text.SetPlaceHolder(lang.L("incident.text.placeholder"))
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("incident.kind")), inc.kind,
		widget.NewLabel(lang.L("incident.trial")), inc.trial,
		widget.NewLabel(lang.L("incident.at")), inc.at,
		widget.NewLabel(lang.L("incident.text")+" *"), inc.text)
	svc, actor, sid := d.v.deps.Deliberation, d.v.deps.Actor, s.ID
	inc.form = newFormDialog(d.v.win, title, lang.L("incident.record"), form, func(fd *formDialog) {
		tod, err := exam.ParseTimeOfDay(inc.at.Text)
		if err == nil && strings.TrimSpace(inc.at.Text) == "" {
			err = exam.Errorf(exam.EINVALID, "err.required", "required", nil)
		}
		if err != nil {
			fd.fail(lang.L("err.field", map[string]any{"Field": lang.L("incident.at"), "Message": keyText(err)}))
			return
		}
		i := &exam.Incident{
			SessionID: sid, CandidateID: candidateID, Kind: exam.IncidentKinds[max(inc.kind.SelectedIndex(), 0)],
			Trial: inc.codes[max(inc.trial.SelectedIndex(), 0)], At: tod.On(incidentDay(s, now)), Text: inc.text.Text,
		}
		fd.working(true)
		d.v.tasks.run(func() func() {
			err := svc.RecordIncident(context.Background(), actor, i)
			return func() {
				if err != nil {
					fd.fail(ErrorMessage(err))
					return
				}
				fd.done()
				setLabel(d.status, lang.L("incident.saved"), widget.SuccessImportance)
				d.load()
				d.v.changed(d)
			}
		})
	})
	inc.form.dialog.Resize(fyne.NewSize(560, 420))
	d.incident = inc
	inc.form.dialog.Show()
	d.v.win.Canvas().Focus(inc.text)
}

// incidentDay is the day an incident typed as hh:mm happened: today during
// the session, otherwise (recorded afterwards) the session's first day.
func incidentDay(s *exam.Session, now time.Time) time.Time {
	today, last := exam.DateOf(now), s.StartDate
	if !s.EndDate.IsZero() {
		last = s.EndDate
	}
	if !today.Before(s.StartDate) && !today.After(last) {
		return now
	}
	d := s.StartDate
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, now.Location())
}

// onConvocations saves the convocation list (.xlsx).
func (d *dayScreen) onConvocations() {
	s := d.session
	docs := d.v.deps.Documents
	if s == nil || docs == nil {
		return
	}
	id, actor := s.ID, d.v.deps.Actor
	saveDocument(d.v, lang.L("day.convocations.title"), documentName(s, "convocations", "xlsx"), ".xlsx", d.status,
		func(ctx context.Context, w io.Writer) error { return docs.Convocations(ctx, actor, id, w) })
}

// documentName is "convocations-SV-2026-12.xlsx" or "pv-session-3.pdf".
func documentName(s *exam.Session, what, ext string) string {
	ref := s.Reference
	if ref == "" {
		ref = fmt.Sprintf("session-%d", s.ID)
	}
	r := strings.NewReplacer("/", "-", "\\", "-", ":", "-", " ", "-")
	return what + "-" + r.Replace(ref) + "." + ext
}

// saveDocument asks where to save a document, then writes it off the UI
// goroutine and says where it went (or why not) in status.
func saveDocument(v *sessionView, title, name, ext string, status *widget.Label, write func(ctx context.Context, w io.Writer) error) {
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			setLabel(status, ErrorMessage(err), widget.DangerImportance)
			return
		}
		if w == nil {
			return // cancelled
		}
		writeDocument(v, w, w.URI().Path(), status, write)
	}, v.win)
	fd.SetFileName(name)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	fd.SetTitleText(title)
	fd.SetDismissText(lang.L("action.cancel"))
	fd.Resize(fyne.NewSize(900, 600))
	fd.Show()
}

// writeDocument writes a document to w off the UI goroutine.
func writeDocument(v *sessionView, w io.WriteCloser, path string, status *widget.Label, write func(ctx context.Context, w io.Writer) error) {
	setLabel(status, lang.L("document.writing"), widget.MediumImportance)
	v.tasks.run(func() func() {
		err := write(context.Background(), w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return func() {
			if err != nil {
				setLabel(status, ErrorMessage(fmt.Errorf("write %s: %w", path, err)), widget.DangerImportance)
				return
			}
			setLabel(status, lang.L("document.saved", map[string]any{"Path": path}), widget.SuccessImportance)
		}
	})
}
