package ui

import (
	"context"
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

// searchDelay is how long the search waits for the user to stop typing
// before it queries the database.
const searchDelay = 150 * time.Millisecond

// candidateScreen lists the candidates (left) and edits the selected one
// (right). Fields below are touched on the UI goroutine only; work functions
// get copies of what they need.
type candidateScreen struct {
	app   fyne.App
	win   fyne.Window
	deps  userDeps
	tasks *tasks

	content fyne.CanvasObject

	// List side.
	importButton   *widget.Button
	templateButton *widget.Button
	search         *widget.Entry
	count          *widget.Label
	busy           *widget.Activity // turns while a search runs
	countRow       *fyne.Container
	listArea       *fyne.Container
	list           *widget.List
	noMatch        *widget.Label
	empty          *fyne.Container // shown when the database has no candidate
	demoButton     *widget.Button

	items        []exam.CandidateSummary // what the list shows
	total        int                     // candidates in the database
	searchSeq    int                     // the latest search; older results are dropped
	searching    bool                    // a search has not answered yet
	cancelSearch context.CancelFunc
	selectFirst  bool // Enter in the search: select the first result when it comes
	syncing      bool // the list selection is being set by code, not by the user

	// Form side.
	title        *widget.Label
	number       *widget.Entry
	birthName    *widget.Entry
	usageName    *widget.Entry
	firstNames   *widget.Entry
	sex          *widget.RadioGroup
	birthDate    *widget.Entry
	birthCity    *widget.Entry
	birthCountry *widget.Entry
	email        *widget.Entry
	phone        *widget.Entry
	route        *widget.Select
	centre       *widget.Entry
	sstDate      *widget.Entry
	blocks       []*blockRow
	formScroll   *container.Scroll
	fieldErrors  map[string]*widget.Label // inline error under each field, by exam.Field* id
	formStatus   *widget.Label            // summary line: saved, or what is wrong
	newButton    *widget.Button
	saveButton   *widget.Button
	deleteButton *widget.Button
	cancelButton *widget.Button

	current *exam.Candidate // the stored candidate in the form; nil for a new one
	loadSeq int             // the latest candidate asked for
	loading bool            // the form is being filled by code
	dirty   bool            // the form has edits not saved
	saving  bool
	// readOnly is set for a role that may read the candidates but not
	// change them (a jury member): no import, no form buttons.
	readOnly bool

	// dialog is the last dialog this screen opened, for tests.
	dialog dialog.Dialog
	// report is the last import refusal shown, for tests.
	report *importReportView
}

func newCandidateScreen(a fyne.App, w fyne.Window, d userDeps, t *tasks) *candidateScreen {
	s := &candidateScreen{app: a, win: w, deps: d, tasks: t, readOnly: !d.Actor.Can(exam.PermManageCandidates)}
	split := container.NewHSplit(s.makeList(), s.makeForm())
	split.Offset = 0.4
	s.content = split
	s.fill(nil)
	s.refresh()
	return s
}

// makeList builds the left side: commands, search, count and the list.
func (s *candidateScreen) makeList() fyne.CanvasObject {
	s.importButton = widget.NewButtonWithIcon(lang.L("candidates.import"), theme.FolderOpenIcon(), s.onImport)
	if s.deps.Import == nil {
		s.importButton.Disable()
	}
	s.templateButton = widget.NewButtonWithIcon(lang.L("candidates.template"), theme.DocumentSaveIcon(), s.onTemplate)
	if len(s.deps.TemplateXLSX) == 0 {
		s.templateButton.Disable()
	}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("candidates.search.placeholder"))
	s.search.OnChanged = s.onSearchChanged
	s.search.OnSubmitted = s.onSearchSubmitted
	s.count = widget.NewLabel("")
	s.busy = widget.NewActivity()
	s.busy.Hide()

	s.list = widget.NewList(func() int { return len(s.items) }, newCandidateRow, s.updateCandidateRow)
	s.list.OnSelected = s.onListSelected

	s.noMatch = widget.NewLabel("")
	s.noMatch.Wrapping = fyne.TextWrapWord
	s.noMatch.Alignment = fyne.TextAlignCenter
	s.noMatch.Hide()

	emptyKey := "candidates.empty"
	if s.readOnly {
		emptyKey = "candidates.empty.read_only"
	}
	emptyText := widget.NewLabel(lang.L(emptyKey))
	emptyText.Wrapping = fyne.TextWrapWord
	emptyText.Alignment = fyne.TextAlignCenter
	s.demoButton = widget.NewButtonWithIcon(lang.L("candidates.empty.demo"), theme.ContentAddIcon(), s.onLoadDemo)
	s.demoButton.Importance = widget.HighImportance
	if s.deps.LoadDemo == nil || s.readOnly {
		s.demoButton.Hide()
	}
	emptyImport := widget.NewButtonWithIcon(lang.L("candidates.import"), theme.FolderOpenIcon(), s.onImport)
	if s.deps.Import == nil {
		emptyImport.Disable()
	}
	if s.readOnly {
		emptyImport.Hide()
	}
	s.empty = container.NewVBox(layout.NewSpacer(), emptyText,
		container.NewCenter(container.NewHBox(s.demoButton, emptyImport)), layout.NewSpacer())
	s.empty.Hide()

	s.countRow = container.NewHBox(s.count, s.busy)
	top := container.NewVBox(container.NewHBox(s.importButton, s.templateButton), s.search, s.countRow)
	if s.readOnly {
		top = container.NewVBox(s.search, s.countRow)
	}
	s.listArea = container.NewStack(s.list, container.NewVBox(s.noMatch), s.empty)
	// Objects in focus order: commands and search first, then the list.
	return container.New(layout.NewBorderLayout(top, nil, nil, nil), top, s.listArea)
}

// newCandidateRow is the template of a list line: name, then details.
func newCandidateRow() fyne.CanvasObject {
	name := widget.NewLabel("")
	name.TextStyle = fyne.TextStyle{Bold: true}
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(0), name, detail)
}

func (s *candidateScreen) updateCandidateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(s.items) {
		return
	}
	c := s.items[id]
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(summaryName(c))
	box.Objects[1].(*widget.Label).SetText(summaryDetail(c))
}

// summaryName is "NOM (USAGE) Prénoms".
func summaryName(c exam.CandidateSummary) string {
	n := c.BirthName
	if c.UsageName != "" && c.UsageName != c.BirthName {
		n += " (" + c.UsageName + ")"
	}
	return n + " " + c.FirstNames
}

// summaryDetail is "01/02/1990 · Formation continue · Centre · n° 12".
func summaryDetail(c exam.CandidateSummary) string {
	parts := []string{c.BirthDate.String(), routeLabel(c.AccessRoute), c.TrainingCentre}
	if c.Number != "" {
		parts = append(parts, lang.L("candidates.row.number", map[string]any{"Number": c.Number}))
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// onSearchChanged runs the search once the user pauses typing.
func (s *candidateScreen) onSearchChanged(q string) { s.startSearch(q, searchDelay) }

// refresh reloads the list at once, keeping the query and the selection.
func (s *candidateScreen) refresh() { s.startSearch(s.search.Text, 0) }

// startSearch queries the candidates off the UI goroutine after delay; a
// newer search cancels this one and its results are dropped.
func (s *candidateScreen) startSearch(q string, delay time.Duration) {
	if s.cancelSearch != nil {
		s.cancelSearch()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelSearch = cancel
	s.searchSeq++
	seq := s.searchSeq
	s.setSearching(true)
	q = strings.TrimSpace(q)
	svc, actor := s.deps.Candidates, s.deps.Actor
	s.tasks.run(func() func() {
		if delay > 0 {
			timer := time.NewTimer(delay)
			defer timer.Stop()
			select {
			case <-timer.C:
			case <-ctx.Done():
				return nil
			}
		}
		items, err := svc.FindCandidates(ctx, actor, exam.CandidateFilter{Query: q})
		total := 0
		if err == nil {
			total, err = svc.CountCandidates(ctx, actor)
		}
		if ctx.Err() != nil {
			return nil // superseded
		}
		return func() { s.applyResults(seq, q, items, total, err) }
	})
}

// applyResults shows the results of search seq, unless a newer one started.
func (s *candidateScreen) applyResults(seq int, q string, items []exam.CandidateSummary, total int, err error) {
	if seq != s.searchSeq {
		return
	}
	s.setSearching(false)
	if err != nil {
		s.count.Importance = widget.DangerImportance
		s.count.SetText(ErrorMessage(err))
		return
	}
	s.items, s.total = items, total
	s.count.Importance = widget.MediumImportance
	if q == "" {
		s.count.SetText(plural(total, "candidates.count.one", "candidates.count.other", nil))
	} else {
		s.count.SetText(lang.L("candidates.count.filtered", map[string]any{
			"Shown": formatInt(len(items)), "Total": formatInt(total),
		}))
	}
	if total == 0 {
		s.list.Hide()
		s.empty.Show()
	} else {
		s.empty.Hide()
		s.list.Show()
	}
	if total > 0 && len(items) == 0 {
		s.noMatch.SetText(lang.L("candidates.no_match", map[string]any{"Query": q}))
		s.noMatch.Show()
	} else {
		s.noMatch.Hide()
	}
	s.listArea.Refresh() // lays out what was just shown, and redraws the list
	s.syncSelection()
	if s.selectFirst {
		s.selectFirst = false
		s.selectFirstResult()
	}
}

func (s *candidateScreen) setSearching(on bool) {
	s.searching = on
	if on {
		s.busy.Show()
		s.busy.Start()
	} else {
		s.busy.Stop()
		s.busy.Hide()
	}
	s.countRow.Refresh()
}

// syncSelection makes the list select the candidate in the form, if shown.
func (s *candidateScreen) syncSelection() {
	s.syncing = true
	defer func() { s.syncing = false }()
	if s.current != nil {
		for i := range s.items {
			if s.items[i].ID == s.current.ID {
				s.list.Select(i)
				return
			}
		}
	}
	s.list.UnselectAll()
}

// onSearchSubmitted (Enter) opens the first result, now or when it comes.
func (s *candidateScreen) onSearchSubmitted(string) {
	if s.searching {
		s.selectFirst = true
		return
	}
	s.selectFirstResult()
}

func (s *candidateScreen) selectFirstResult() {
	if len(s.items) == 0 {
		return
	}
	if s.current != nil && s.current.ID == s.items[0].ID {
		s.win.Canvas().Focus(s.number)
		return
	}
	s.list.Select(0)
	s.win.Canvas().Focus(s.number)
}

// onFocusSearch (Ctrl+F) puts the cursor in the search entry.
func (s *candidateScreen) onFocusSearch() {
	s.win.Canvas().Focus(s.search)
}

// onListSelected opens the candidate the user picked in the list.
func (s *candidateScreen) onListSelected(id widget.ListItemID) {
	if s.syncing || id < 0 || id >= len(s.items) {
		return
	}
	candidateID := s.items[id].ID
	if s.current != nil && s.current.ID == candidateID {
		return
	}
	s.confirmDiscard(func() { s.load(candidateID) }, s.syncSelection)
}

// load reads one candidate off the UI goroutine and shows it in the form.
func (s *candidateScreen) load(id int64) {
	s.loadSeq++
	seq := s.loadSeq
	svc, actor := s.deps.Candidates, s.deps.Actor
	s.tasks.run(func() func() {
		c, err := svc.Candidate(context.Background(), actor, id)
		return func() {
			if seq != s.loadSeq {
				return
			}
			if err != nil {
				s.setStatus(ErrorMessage(err), widget.DangerImportance)
				if exam.ErrorCode(err) == exam.ENOTFOUND {
					s.refresh()
				}
				return
			}
			s.fill(c)
		}
	})
}

// confirmDiscard runs then at once when the form has no unsaved edit, or
// after the user agreed to lose them; otherwise it runs keep, if not nil.
func (s *candidateScreen) confirmDiscard(then, keep func()) {
	if d := confirmDiscard(s.win, &s.dirty, lang.L("candidate.discard.message"), then, keep); d != nil {
		s.dialog = d
	}
}

// onLoadDemo fills an empty database with the demo data.
func (s *candidateScreen) onLoadDemo() {
	load, actor := s.deps.LoadDemo, s.deps.Actor
	if load == nil || !actor.Can(exam.PermManageCandidates) {
		return
	}
	s.demoButton.Disable()
	s.demoButton.SetText(lang.L("candidates.empty.demo_loading"))
	s.tasks.run(func() func() {
		err := load(context.Background(), actor)
		return func() {
			s.demoButton.Enable()
			s.demoButton.SetText(lang.L("candidates.empty.demo"))
			if err != nil {
				s.showError(lang.L("candidates.empty.demo_failed"), err)
			}
			s.refresh()
		}
	})
}

// showError opens a dialog with the translated sentence of err.
func (s *candidateScreen) showError(title string, err error) {
	s.showMessage(title, ErrorMessage(err), theme.ErrorIcon())
}

// showMessage opens a dialog with a wrapped text.
func (s *candidateScreen) showMessage(title, text string, icon fyne.Resource) {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	label.Selectable = true
	d := dialog.NewCustom(title, lang.L("action.close"), label, s.win)
	d.SetIcon(icon)
	d.Resize(fyne.NewSize(520, 220))
	s.dialog = d
	d.Show()
}
