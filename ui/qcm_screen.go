package ui

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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

// QCMDeps are what the QCM screens need; cmd/amis wires them.
type QCMDeps struct {
	// QCM stores the bank, the questionnaires and the attempts.
	QCM exam.QCMService
	// Candidates finds the candidate who sits a questionnaire.
	Candidates exam.CandidateService
	// Accommodations, when set, shows the jury the candidate's
	// accommodations and time before the candidate mode opens (the attempt
	// applies the stored profile anyway).
	Accommodations exam.AccommodationService
	Referentiel    *exam.Referentiel
	// CheckJuryPassword checks the password of the jury member a who opened
	// the candidate mode (EAUTH when wrong); nil makes leaving the
	// candidate mode impossible but by closing the app.
	CheckJuryPassword func(ctx context.Context, a exam.Actor, password string) error
	// ImportBank decodes and imports a question file (.xlsx or GIFT), all
	// or nothing (storage/xlsx.ImportQuestionFile); nil hides the button.
	ImportBank func(ctx context.Context, a exam.Actor, path string) (*exam.ImportReport, error)
	// ExportBank writes questions as .xlsx (storage/xlsx.WriteQuestions);
	// nil hides the button.
	ExportBank func(w io.Writer, qs []exam.Question) error
	// ExportResults writes results as .xlsx, names giving the candidates'
	// names (storage/xlsx.WriteQCMResults with the référentiel); nil hides
	// the button.
	ExportResults func(w io.Writer, results []exam.AttemptResult, names map[int64]string) error
	// Now is the clock (nil: time.Now); tests set it.
	Now func() time.Time
}

func (d QCMDeps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// QCMScreen is the QCM tab of the main window.
type QCMScreen struct{ s *qcmScreen }

// Content is what the tab shows.
func (q *QCMScreen) Content() fyne.CanvasObject { return q.s.content }

// Close closes the candidate window if one is open (logout, quit): the
// attempt stays resumable.
func (q *QCMScreen) Close() { q.s.close() }

// NewQCMScreen builds the QCM tab: questionnaires and the question bank,
// the candidate mode's launcher, the attempts and the results. actor is
// the logged-in user.
func NewQCMScreen(w fyne.Window, deps QCMDeps, actor func() exam.Actor) *QCMScreen {
	return &QCMScreen{newQCMScreen(w, deps, actor, newTasks())}
}

// qcmScreen is the jury's QCM screen, in three tabs: Questionnaires (the
// bank, the questionnaires, the launcher of the candidate mode), Passations
// (the attempts) and Résultats (qcmResults).
type qcmScreen struct {
	win   fyne.Window
	deps  QCMDeps
	actor func() exam.Actor
	tasks *tasks

	content    fyne.CanvasObject
	tabs       *container.AppTabs
	attemptTab *container.TabItem
	resultTab  *container.TabItem

	// Questionnaires.
	bankInfo   *widget.Label
	importBtn  *widget.Button
	exportBtn  *widget.Button
	newBtn     *widget.Button
	deleteBtn  *widget.Button
	qnList     *widget.List
	qns        []exam.Questionnaire
	qnID       int64 // the questionnaire chosen
	bank       []exam.Question
	qnDetail   *widget.Label
	candSearch *widget.Entry
	candList   *widget.List
	cands      []exam.CandidateSummary
	candID     int64
	candName   string
	candInfo   *widget.Label
	launchBtn  *widget.Button
	status     *widget.Label
	searchSeq  int
	infoSeq    int
	profile    *exam.AccommodationProfile // of candID, when read

	// Passations.
	attList    *widget.List
	attempts   []exam.AttemptSummary
	attID      int64
	resumeBtn  *widget.Button
	resultsBtn *widget.Button
	attStatus  *widget.Label

	results *qcmResults

	launching bool
	candidate *candidateMode // the open candidate window
	dialog    dialog.Dialog  // the last dialog, for tests
	form      *questionnaireForm
	report    *widget.Label // the last import report's text, for tests
	loading   int           // loads not answered yet
}

func newQCMScreen(w fyne.Window, deps QCMDeps, actor func() exam.Actor, t *tasks) *qcmScreen {
	s := &qcmScreen{win: w, deps: deps, actor: actor, tasks: t}
	s.results = newQCMResults(s)
	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("qcm.tab.questionnaires"), s.makeQuestionnaires()),
		container.NewTabItem(lang.L("qcm.tab.attempts"), s.makeAttempts()),
		container.NewTabItem(lang.L("qcm.tab.results"), s.results.content),
	)
	s.attemptTab, s.resultTab = s.tabs.Items[1], s.tabs.Items[2]
	s.tabs.OnSelected = func(ti *container.TabItem) {
		switch ti {
		case s.attemptTab:
			s.loadAttempts()
		case s.resultTab:
			s.results.load()
		}
	}
	s.content = s.tabs
	s.load()
	return s
}

// makeQuestionnaires builds the first tab: the bank and the questionnaires
// on the left, the launcher on the right.
func (s *qcmScreen) makeQuestionnaires() fyne.CanvasObject {
	a := s.actor()
	s.bankInfo = newWrapLabel("")
	s.importBtn = widget.NewButtonWithIcon(lang.L("qcm.bank.import"), theme.UploadIcon(), s.onImport)
	s.exportBtn = widget.NewButtonWithIcon(lang.L("qcm.bank.export"), theme.DownloadIcon(), s.onExportBank)
	s.newBtn = widget.NewButtonWithIcon(lang.L("qcm.questionnaire.new"), theme.ContentAddIcon(), s.onNewQuestionnaire)
	s.deleteBtn = widget.NewButtonWithIcon(lang.L("qcm.questionnaire.delete"), theme.DeleteIcon(), s.onDeleteQuestionnaire)
	if s.deps.ImportBank == nil {
		s.importBtn.Hide()
	}
	if s.deps.ExportBank == nil {
		s.exportBtn.Hide()
	}
	manage := a.Can(exam.PermManageSessions)
	setEnabled(manage, s.importBtn, s.newBtn)
	s.deleteBtn.Disable()
	s.qnList = widget.NewList(func() int { return len(s.qns) }, newCandidateRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < 0 || id >= len(s.qns) {
			return
		}
		box := o.(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(s.qns[id].Title)
		box.Objects[1].(*widget.Label).SetText(questionnaireDetail(&s.qns[id]))
	})
	s.qnList.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.qns) {
			s.qnID = s.qns[id].ID
			s.showLaunch()
		}
	}
	bankButtons := container.NewHBox(s.importBtn, s.exportBtn)
	qnButtons := container.NewHBox(s.newBtn, s.deleteBtn)
	left := container.NewBorder(container.NewVBox(newHeading(lang.L("qcm.bank.title")), s.bankInfo, bankButtons,
		widget.NewSeparator(), newHeading(lang.L("qcm.questionnaires.title")), qnButtons), nil, nil, nil, s.qnList)

	s.qnDetail = newWrapLabel(lang.L("qcm.launch.no_questionnaire"))
	s.candSearch = widget.NewEntry()
	s.candSearch.SetPlaceHolder(lang.L("candidates.search.placeholder"))
	s.candSearch.OnChanged = func(q string) { s.findCandidates(q, searchDelay) }
	s.candList = widget.NewList(func() int { return len(s.cands) }, newCandidateRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < 0 || id >= len(s.cands) {
			return
		}
		box := o.(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(summaryName(s.cands[id]))
		box.Objects[1].(*widget.Label).SetText(summaryDetail(s.cands[id]))
	})
	s.candList.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.cands) {
			s.candID, s.candName = s.cands[id].ID, summaryName(s.cands[id])
			s.loadCandidateInfo()
		}
	}
	s.candInfo = newWrapLabel("")
	s.launchBtn = widget.NewButtonWithIcon(lang.L("qcm.launch.start"), theme.MediaPlayIcon(), s.onLaunch)
	s.launchBtn.Importance = widget.HighImportance
	s.launchBtn.Disable()
	s.status = newStatusLabel()
	s.status.Hide()
	note := ""
	if !a.Can(exam.PermRunSessions) {
		note = lang.L("qcm.launch.jury_only")
	}
	noteLabel := newWrapLabel(note)
	if note == "" {
		noteLabel.Hide()
	}
	top := container.NewVBox(newHeading(lang.L("qcm.launch.title")), s.qnDetail, widget.NewLabel(lang.L("qcm.launch.candidate")), s.candSearch)
	bottom := container.NewVBox(s.candInfo, noteLabel, container.NewHBox(s.launchBtn), s.status)
	right := container.NewBorder(top, bottom, nil, nil, s.candList)
	split := container.NewHSplit(left, right)
	split.Offset = 0.45
	return split
}

// makeAttempts builds the Passations tab.
func (s *qcmScreen) makeAttempts() fyne.CanvasObject {
	s.attList = widget.NewList(func() int { return len(s.attempts) }, newCandidateRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < 0 || id >= len(s.attempts) {
			return
		}
		a := s.attempts[id]
		box := o.(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(lang.L("qcm.attempt.row", map[string]any{"Name": a.CandidateName, "Title": a.Title}))
		box.Objects[1].(*widget.Label).SetText(attemptDetail(a))
	})
	s.attList.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.attempts) {
			s.attID = s.attempts[id].ID
			s.showAttemptButtons()
		}
	}
	s.resumeBtn = widget.NewButtonWithIcon(lang.L("qcm.attempt.resume"), theme.MediaPlayIcon(), s.onResumeAttempt)
	s.resultsBtn = widget.NewButtonWithIcon(lang.L("qcm.attempt.results"), theme.InfoIcon(), s.onAttemptResults)
	refresh := widget.NewButtonWithIcon(lang.L("qcm.refresh"), theme.ViewRefreshIcon(), s.loadAttempts)
	s.resumeBtn.Disable()
	s.resultsBtn.Disable()
	s.attStatus = newStatusLabel()
	s.attStatus.Hide()
	bottom := container.NewVBox(s.attStatus, container.NewHBox(s.resumeBtn, s.resultsBtn, layout.NewSpacer(), refresh))
	return container.NewBorder(nil, bottom, nil, nil, s.attList)
}

// questionnaireDetail is "Positionnement · 3 questions par CCP (9) · 30 min".
func questionnaireDetail(q *exam.Questionnaire) string {
	var draw string
	if len(q.QuestionIDs) > 0 {
		draw = plural(len(q.QuestionIDs), "qcm.questionnaire.fixed.one", "qcm.questionnaire.fixed.other", nil)
	} else {
		parts := make([]string, len(q.PerBlock))
		for i, d := range q.PerBlock {
			parts[i] = fmt.Sprintf("%s : %d", d.Block, d.Count)
		}
		draw = lang.L("qcm.questionnaire.per_block", map[string]any{"Blocks": strings.Join(parts, ", "), "Total": q.Size()})
	}
	return strings.Join([]string{questionnaireKindLabel(q.Kind), draw, durationText(q.TimeLimit)}, " · ")
}

// questionnaireKindLabel is "Positionnement", "Évaluation finale", "Examen
// blanc".
func questionnaireKindLabel(k exam.QuestionnaireKind) string {
	return lang.X("qcm.kind."+string(k), string(k))
}

// attemptDetail is "09/03/2026 à 09:00 · en cours : 3 réponses sur 9".
func attemptDetail(a exam.AttemptSummary) string {
	state := lang.L("qcm.attempt.running", map[string]any{"Answered": a.Answered, "Total": a.Total})
	if !a.Ended.IsZero() {
		state = lang.L("qcm.attempt.ended", map[string]any{"At": dateTimeText(a.Ended), "Answered": a.Answered, "Total": a.Total})
	}
	return strings.Join([]string{questionnaireKindLabel(a.Kind), dateTimeText(a.Started), state}, " · ")
}

// load reads the bank and the questionnaires.
func (s *qcmScreen) load() {
	svc, actor := s.deps.QCM, s.actor()
	if svc == nil {
		return
	}
	s.loading++
	s.tasks.run(func() func() {
		ctx := context.Background()
		qns, err := svc.Questionnaires(ctx, actor)
		var bank []exam.Question
		if err == nil {
			bank, err = svc.Questions(ctx, actor, exam.QuestionFilter{})
		}
		return func() {
			s.loading--
			if err != nil {
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			s.qns, s.bank = qns, bank
			s.bankInfo.SetText(s.bankText())
			setEnabled(len(bank) > 0, s.exportBtn)
			s.qnList.UnselectAll()
			s.qnList.Refresh()
			for i, q := range s.qns {
				if q.ID == s.qnID {
					s.qnList.Select(i)
				}
			}
			s.showLaunch()
		}
	})
	s.findCandidates(s.candSearch.Text, 0)
}

// bankText is "64 questions : CCP1 24 · CCP2 20 · CCP3 20".
func (s *qcmScreen) bankText() string {
	if len(s.bank) == 0 {
		return lang.L("qcm.bank.empty")
	}
	count := map[string]int{}
	for _, q := range s.bank {
		count[q.Block]++
	}
	var parts []string
	if ref := s.deps.Referentiel; ref != nil {
		for _, b := range ref.Blocks {
			parts = append(parts, fmt.Sprintf("%s %d", b.Short, count[b.Short]))
		}
	}
	return plural(len(s.bank), "qcm.bank.count.one", "qcm.bank.count.other", map[string]any{"Blocks": strings.Join(parts, " · ")})
}

func (s *qcmScreen) questionnaire() *exam.Questionnaire {
	for i := range s.qns {
		if s.qns[i].ID == s.qnID {
			return &s.qns[i]
		}
	}
	return nil
}

// showLaunch shows the chosen questionnaire and whether the candidate mode
// can start.
func (s *qcmScreen) showLaunch() {
	q := s.questionnaire()
	setEnabled(q != nil && s.actor().Can(exam.PermManageSessions), s.deleteBtn)
	if q == nil {
		s.qnDetail.SetText(lang.L("qcm.launch.no_questionnaire"))
	} else {
		s.qnDetail.SetText(lang.L("qcm.launch.questionnaire", map[string]any{"Title": q.Title, "Detail": questionnaireDetail(q)}))
	}
	s.showCandidateInfo()
}

// findCandidates searches the stored candidates.
func (s *qcmScreen) findCandidates(q string, delay time.Duration) {
	svc, actor := s.deps.Candidates, s.actor()
	if svc == nil {
		return
	}
	s.searchSeq++
	seq := s.searchSeq
	q = strings.TrimSpace(q)
	s.loading++
	s.tasks.run(func() func() {
		sleepCtx(context.Background(), delay)
		items, err := svc.FindCandidates(context.Background(), actor, exam.CandidateFilter{Query: q, Limit: pickerLimit})
		return func() {
			s.loading--
			if seq != s.searchSeq {
				return
			}
			if err != nil {
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			s.cands = items
			s.candList.UnselectAll()
			s.candList.Refresh()
			for i, c := range items {
				if c.ID == s.candID {
					s.candList.Select(i)
				}
			}
		}
	})
}

// loadCandidateInfo reads the chosen candidate's accommodations.
func (s *qcmScreen) loadCandidateInfo() {
	s.infoSeq++
	seq := s.infoSeq
	s.profile = nil
	s.showCandidateInfo()
	acc, actor, id := s.deps.Accommodations, s.actor(), s.candID
	if acc == nil || id == 0 {
		return
	}
	s.loading++
	s.tasks.run(func() func() {
		p, err := acc.Profile(context.Background(), actor, id)
		return func() {
			s.loading--
			if seq != s.infoSeq {
				return
			}
			if err != nil {
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			s.profile = p
			s.showCandidateInfo()
		}
	})
}

// showCandidateInfo says who sits what, with which accommodations and
// time: "45 min (base 30 min)".
func (s *qcmScreen) showCandidateInfo() {
	q := s.questionnaire()
	can := q != nil && s.candID != 0 && s.actor().Can(exam.PermRunSessions) && s.candidate == nil && !s.launching
	setEnabled(can, s.launchBtn)
	if s.candID == 0 {
		s.candInfo.SetText(lang.L("qcm.launch.no_candidate"))
		return
	}
	var lines []string
	lines = append(lines, lang.L("qcm.launch.candidate_name", map[string]any{"Name": s.candName}))
	if p := s.profile; p != nil {
		items := p.Items()
		texts := make([]string, len(items))
		for i, it := range items {
			texts[i] = lang.X("accommodation."+it.Code, it.French, it.Data)
		}
		if len(texts) == 0 {
			lines = append(lines, lang.L("qcm.launch.no_accommodation"))
		} else {
			lines = append(lines, lang.L("qcm.launch.accommodations", map[string]any{"List": strings.Join(texts, " ; ")}))
		}
		if q != nil {
			lines = append(lines, lang.L("qcm.launch.time", map[string]any{"Time": trialTimeText(exam.QCMTime(q.TimeLimit, &p.Time))}))
		}
	} else if q != nil {
		lines = append(lines, lang.L("qcm.launch.time", map[string]any{"Time": durationText(q.TimeLimit)}))
	}
	s.candInfo.SetText(strings.Join(lines, "\n"))
}

// onLaunch starts (or resumes) the candidate's attempt and opens the
// candidate mode.
func (s *qcmScreen) onLaunch() {
	if s.qnID == 0 || s.candID == 0 {
		return
	}
	s.launch(s.qnID, s.candID, s.candName)
}

func (s *qcmScreen) launch(qnID, candID int64, name string) {
	if s.candidate != nil || s.launching || s.deps.QCM == nil {
		return
	}
	s.launching = true
	s.showCandidateInfo()
	setEnabled(false, s.resumeBtn)
	svc, actor, at := s.deps.QCM, s.actor(), s.deps.now()
	s.tasks.run(func() func() {
		att, err := svc.StartAttempt(context.Background(), actor, exam.AttemptRequest{QuestionnaireID: qnID, CandidateID: candID, At: at})
		return func() {
			s.launching = false
			if err != nil {
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				setLabel(s.attStatus, ErrorMessage(err), widget.DangerImportance)
				s.showCandidateInfo()
				s.showAttemptButtons()
				return
			}
			setLabel(s.status, lang.L("qcm.launch.opened", map[string]any{"Name": name}), widget.SuccessImportance)
			s.candidate = openCandidateMode(fyne.CurrentApp(), s.deps, actor, s.tasks, att, name, s.onCandidateClosed)
			s.showCandidateInfo()
			s.showAttemptButtons()
		}
	})
}

// onCandidateClosed follows the end of the candidate mode.
func (s *qcmScreen) onCandidateClosed() {
	s.candidate = nil
	setLabel(s.status, lang.L("qcm.launch.closed"), widget.MediumImportance)
	s.showCandidateInfo()
	s.loadAttempts()
	s.results.load()
}

// close closes the candidate window, if open.
func (s *qcmScreen) close() {
	if c := s.candidate; c != nil && !c.closed {
		c.leaving = true
		if !c.att.Finished() && c.att.Status(c.now()).State == exam.TimerRunning {
			c.record(exam.TimerPause, nil)
		}
		c.closeWhenIdle()
	}
}

// loadAttempts reads the attempts.
func (s *qcmScreen) loadAttempts() {
	svc, actor := s.deps.QCM, s.actor()
	if svc == nil {
		return
	}
	s.loading++
	s.tasks.run(func() func() {
		items, err := svc.Attempts(context.Background(), actor, exam.AttemptFilter{})
		return func() {
			s.loading--
			if err != nil {
				setLabel(s.attStatus, ErrorMessage(err), widget.DangerImportance)
				return
			}
			s.attempts = items
			s.attList.UnselectAll()
			s.attList.Refresh()
			for i, a := range items {
				if a.ID == s.attID {
					s.attList.Select(i)
				}
			}
			s.showAttemptButtons()
		}
	})
}

func (s *qcmScreen) attempt() *exam.AttemptSummary {
	for i := range s.attempts {
		if s.attempts[i].ID == s.attID {
			return &s.attempts[i]
		}
	}
	return nil
}

func (s *qcmScreen) showAttemptButtons() {
	a := s.attempt()
	setEnabled(a != nil && a.Ended.IsZero() && s.candidate == nil && !s.launching && s.actor().Can(exam.PermRunSessions), s.resumeBtn)
	setEnabled(a != nil && !a.Ended.IsZero(), s.resultsBtn)
}

// onResumeAttempt opens the candidate mode on an unfinished attempt.
func (s *qcmScreen) onResumeAttempt() {
	if a := s.attempt(); a != nil && a.Ended.IsZero() {
		s.launch(a.QuestionnaireID, a.CandidateID, a.CandidateName)
	}
}

// onAttemptResults shows the results of the chosen attempt.
func (s *qcmScreen) onAttemptResults() {
	if a := s.attempt(); a != nil {
		s.results.selectID = a.ID
		s.tabs.Select(s.resultTab)
	}
}

// questionnaireForm is the dialog of a new questionnaire.
type questionnaireForm struct {
	fd      *formDialog
	title   *widget.Entry
	kind    *widget.Select
	mode    *widget.RadioGroup
	counts  []*widget.Entry // per block of the référentiel
	blocks  []string
	list    *widget.Entry
	minutes *widget.Entry
}

// onNewQuestionnaire asks for a new questionnaire.
func (s *qcmScreen) onNewQuestionnaire() {
	f := &questionnaireForm{}
	f.title = widget.NewEntry()
	f.title.SetPlaceHolder(lang.L("qcm.form.title.placeholder"))
	kinds := make([]string, len(exam.QuestionnaireKinds))
	for i, k := range exam.QuestionnaireKinds {
		kinds[i] = questionnaireKindLabel(k)
	}
	f.kind = widget.NewSelect(kinds, nil)
	f.kind.SetSelectedIndex(0)
	perBlock, fixed := lang.L("qcm.form.mode.per_block"), lang.L("qcm.form.mode.fixed")
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("qcm.form.title"), f.title),
		widget.NewFormItem(lang.L("qcm.form.kind"), f.kind),
	}
	blockForm := container.New(layout.NewFormLayout())
	if ref := s.deps.Referentiel; ref != nil {
		for _, b := range ref.Blocks {
			e := widget.NewEntry()
			e.SetText("5")
			f.counts = append(f.counts, e)
			f.blocks = append(f.blocks, b.Short)
			blockForm.Add(widget.NewLabel(lang.L("qcm.form.block_count", map[string]any{"Block": b.Short})))
			blockForm.Add(e)
		}
	}
	f.list = widget.NewMultiLineEntry()
	f.list.Wrapping = fyne.TextWrapWord
	f.list.SetPlaceHolder(lang.L("qcm.form.list.placeholder"))
	f.list.SetMinRowsVisible(2)
	listBox := container.NewVBox(newWrapLabel(lang.L("qcm.form.list.help")), f.list)
	listBox.Hide()
	f.mode = widget.NewRadioGroup([]string{perBlock, fixed}, func(v string) {
		if v == fixed {
			blockForm.Hide()
			listBox.Show()
		} else {
			listBox.Hide()
			blockForm.Show()
		}
	})
	f.mode.Required = true
	f.mode.SetSelected(perBlock)
	f.minutes = widget.NewEntry()
	f.minutes.SetText("30")
	items = append(items,
		widget.NewFormItem(lang.L("qcm.form.draw"), f.mode),
		widget.NewFormItem("", container.NewVBox(blockForm, listBox)),
		widget.NewFormItem(lang.L("qcm.form.minutes"), f.minutes))
	content := widget.NewForm(items...)
	f.fd = newFormDialog(s.win, lang.L("qcm.form.heading"), lang.L("qcm.form.create"), content, func(fd *formDialog) { s.submitQuestionnaire(f) })
	f.fd.dialog.Resize(fyne.NewSize(620, 520))
	s.form = f
	s.dialog = f.fd.dialog
	f.fd.dialog.Show()
	s.win.Canvas().Focus(f.title)
}

// submitQuestionnaire stores the form's questionnaire; the dialog stays
// open with the reasons when it is refused.
func (s *qcmScreen) submitQuestionnaire(f *questionnaireForm) {
	q := &exam.Questionnaire{Title: f.title.Text}
	if i := f.kind.SelectedIndex(); i >= 0 {
		q.Kind = exam.QuestionnaireKinds[i]
	}
	var problems []string
	n, err := strconv.Atoi(strings.TrimSpace(f.minutes.Text))
	if err != nil || n <= 0 {
		problems = append(problems, lang.L("qcm.form.minutes.invalid"))
	} else {
		q.TimeLimit = time.Duration(n) * time.Minute
	}
	if f.mode.Selected == lang.L("qcm.form.mode.fixed") {
		ids, unknown := s.parseQuestionList(f.list.Text)
		if len(unknown) > 0 {
			problems = append(problems, lang.L("qcm.form.list.unknown", map[string]any{"Codes": strings.Join(unknown, ", ")}))
		}
		q.QuestionIDs = ids
	} else {
		for i, e := range f.counts {
			txt := strings.TrimSpace(e.Text)
			if txt == "" || txt == "0" {
				continue
			}
			c, err := strconv.Atoi(txt)
			if err != nil {
				problems = append(problems, lang.L("qcm.form.count.invalid", map[string]any{"Block": f.blocks[i]}))
				continue
			}
			q.PerBlock = append(q.PerBlock, exam.BlockDraw{Block: f.blocks[i], Count: c})
		}
	}
	if len(problems) > 0 {
		f.fd.fail(strings.Join(problems, "\n"))
		return
	}
	f.fd.working(true)
	svc, actor := s.deps.QCM, s.actor()
	s.tasks.run(func() func() {
		err := svc.SaveQuestionnaire(context.Background(), actor, q)
		return func() {
			if err != nil {
				f.fd.fail(questionnaireError(err, q))
				return
			}
			f.fd.done()
			s.qnID = q.ID
			setLabel(s.status, lang.L("qcm.questionnaire.created", map[string]any{"Title": q.Title}), widget.SuccessImportance)
			s.load()
		}
	})
}

// parseQuestionList reads "S01, 12, M03": codes of the bank or question
// numbers (IDs); it returns the IDs and what it did not find.
func (s *qcmScreen) parseQuestionList(text string) (ids []int64, unknown []string) {
	byCode := map[string]int64{}
	byID := map[int64]bool{}
	for _, q := range s.bank {
		if q.Code != "" {
			byCode[strings.ToLower(q.Code)] = q.ID
		}
		byID[q.ID] = true
	}
	for _, tok := range regexp.MustCompile(`[\s,;]+`).Split(text, -1) {
		if tok == "" {
			continue
		}
		if id, ok := byCode[strings.ToLower(tok)]; ok {
			ids = append(ids, id)
			continue
		}
		if id, err := strconv.ParseInt(tok, 10, 64); err == nil && byID[id] {
			ids = append(ids, id)
			continue
		}
		unknown = append(unknown, tok)
	}
	return ids, unknown
}

// questionnaireError is the refusal of a questionnaire, field by field.
func questionnaireError(err error, q *exam.Questionnaire) string {
	fields := exam.FieldErrors(err)
	if len(fields) == 0 {
		return ErrorMessage(err)
	}
	re := regexp.MustCompile(`^per_block\[(\d+)\]\.(block|count)$`)
	lines := make([]string, 0, len(fields))
	for _, fe := range fields {
		label := lang.X("qcm.field."+fe.Field, fe.Field)
		if m := re.FindStringSubmatch(fe.Field); m != nil {
			i, _ := strconv.Atoi(m[1])
			block := m[1]
			if i < len(q.PerBlock) {
				block = q.PerBlock[i].Block
			}
			label = lang.L("qcm.field.per_block", map[string]any{"Block": block})
		}
		lines = append(lines, lang.L("err.field", map[string]any{"Field": label, "Message": FieldMessage(fe)}))
	}
	return strings.Join(lines, "\n")
}

// onDeleteQuestionnaire deletes the chosen questionnaire, after asking; the
// service refuses one that has attempts.
func (s *qcmScreen) onDeleteQuestionnaire() {
	q := s.questionnaire()
	if q == nil {
		return
	}
	id, title := q.ID, q.Title
	d := dialog.NewConfirm(lang.L("qcm.questionnaire.delete"), lang.L("qcm.questionnaire.delete.confirm", map[string]any{"Title": title}), func(ok bool) {
		if !ok {
			return
		}
		svc, actor := s.deps.QCM, s.actor()
		s.tasks.run(func() func() {
			err := svc.DeleteQuestionnaire(context.Background(), actor, id)
			return func() {
				if err != nil {
					setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
					return
				}
				s.qnID = 0
				setLabel(s.status, lang.L("qcm.questionnaire.deleted", map[string]any{"Title": title}), widget.SuccessImportance)
				s.load()
			}
		})
	}, s.win)
	s.dialog = d
	d.Show()
}

// questionFileFilter keeps the files the bank import reads.
var questionFileFilter = storage.NewExtensionFileFilter([]string{".xlsx", ".gift", ".txt"})

// onImport asks for a question file and imports it.
func (s *qcmScreen) onImport() {
	if s.deps.ImportBank == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
			return
		}
		if r == nil {
			return
		}
		u := r.URI()
		_ = r.Close()
		s.importFile(u.Path())
	}, s.win)
	d.SetFilter(questionFileFilter)
	d.Resize(fyne.NewSize(900, 600))
	s.dialog = d
	d.Show()
}

// importFile imports a question file off the UI goroutine and shows its
// report: what was imported, or every line refused.
func (s *qcmScreen) importFile(path string) {
	imp, actor := s.deps.ImportBank, s.actor()
	s.importBtn.Disable()
	setLabel(s.status, lang.L("qcm.bank.importing", map[string]any{"File": filepath.Base(path)}), widget.MediumImportance)
	s.tasks.run(func() func() {
		rep, err := imp(context.Background(), actor, path)
		return func() {
			s.importBtn.Enable()
			switch {
			case err != nil:
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
			case rep == nil:
			case !rep.OK():
				s.showReport(path, rep)
				setLabel(s.status, plural(len(rep.Problems), "qcm.bank.refused.one", "qcm.bank.refused.other", nil), widget.DangerImportance)
			default:
				setLabel(s.status, plural(rep.Imported, "qcm.bank.imported.one", "qcm.bank.imported.other",
					map[string]any{"File": filepath.Base(path)}), widget.SuccessImportance)
				s.load()
			}
		}
	})
}

// showReport lists why a file was refused: one line per problem (line,
// reason); nothing was imported.
func (s *qcmScreen) showReport(path string, rep *exam.ImportReport) {
	lines := []string{lang.L("import.file", map[string]any{"File": path}),
		plural(len(rep.Problems), "qcm.bank.refused.one", "qcm.bank.refused.other", nil)}
	for _, p := range rep.Problems {
		lines = append(lines, ProblemMessage(p))
	}
	text := strings.Join(lines, "\n")
	s.report = newWrapLabel(text)
	s.report.Selectable = true
	copyBtn := widget.NewButtonWithIcon(lang.L("import.refused.copy"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(text)
	})
	d := dialog.NewCustom(lang.L("qcm.bank.refused.title"), lang.L("action.close"),
		container.NewBorder(nil, container.NewHBox(copyBtn), nil, nil, container.NewVScroll(s.report)), s.win)
	d.SetIcon(theme.ErrorIcon())
	d.Resize(fyne.NewSize(860, 560))
	s.dialog = d
	d.Show()
}

// onExportBank saves the bank as .xlsx.
func (s *qcmScreen) onExportBank() {
	export, bank := s.deps.ExportBank, slices.Clone(s.bank)
	if export == nil || len(bank) == 0 {
		return
	}
	s.saveFile(lang.L("qcm.bank.filename"), func(w io.Writer) error { return export(w, bank) }, s.status)
}

// saveFile asks where to save and writes there off the UI goroutine.
func (s *qcmScreen) saveFile(name string, write func(io.Writer) error, status *widget.Label) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			setLabel(status, ErrorMessage(err), widget.DangerImportance)
			return
		}
		if w == nil {
			return
		}
		s.writeFile(w, w.URI().Path(), write, status)
	}, s.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	d.Resize(fyne.NewSize(900, 600))
	s.dialog = d
	d.Show()
}

// writeFile writes w off the UI goroutine and says where it went.
func (s *qcmScreen) writeFile(w io.WriteCloser, path string, write func(io.Writer) error, status *widget.Label) {
	s.tasks.run(func() func() {
		err := write(w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return func() {
			if err != nil {
				setLabel(status, ErrorMessage(fmt.Errorf("save %s: %w", path, err)), widget.DangerImportance)
				return
			}
			setLabel(status, lang.L("qcm.saved", map[string]any{"Path": path}), widget.SuccessImportance)
		}
	})
}
