package ui

import (
	"context"
	"fmt"
	"regexp"
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

// accommodationsScreen is the referent's Aménagements tab: the candidates
// (left, searchable, each marked when they have a profile and when its
// decision is not valid today) and the accommodation profile of the
// selected one (right): the decision, the medical justification (shown
// here only), time, human aids, room, on-screen needs and the instructions
// for the jury, with the time each épreuve then takes computed as it is
// typed. Fields are touched on the UI goroutine only.
type accommodationsScreen struct {
	app   fyne.App
	win   fyne.Window
	deps  userDeps
	tasks *tasks

	content fyne.CanvasObject

	// List side.
	search       *widget.Entry
	onlyProfiles *widget.Check
	count        *widget.Label
	listStatus   *widget.Label
	list         *widget.List

	all          []exam.CandidateSummary // the search's results
	items        []exam.CandidateSummary // what the list shows
	profiles     map[int64]*exam.AccommodationProfile
	searchSeq    int
	searching    bool
	cancelSearch context.CancelFunc
	syncing      bool

	// Form side.
	placeholder *fyne.Container
	form        fyne.CanvasObject
	title       *widget.Label
	updated     *widget.Label
	scroll      *container.Scroll

	authority     *widget.Entry
	decisionDate  *widget.Entry
	reference     *widget.Entry
	validFrom     *widget.Entry
	validTo       *widget.Entry
	validityNow   *widget.Label
	justification *widget.Entry

	extraPercent *widget.Entry
	extraMinutes *widget.Entry
	startOffset  *widget.Entry
	spreadDays   *widget.Select
	breaksBox    *fyne.Container
	breakRows    []*breakRow
	addBreak     *widget.Button
	overridesBox *fyne.Container
	overrideRows []*overrideRow
	addOverride  *widget.Button
	times        *fyne.Container
	timeTexts    []string // one line per épreuve, for tests

	scribe         *widget.Check
	reader         *widget.Check
	lsf            *widget.Check
	otherAssistant *widget.Entry

	separateRoom *widget.Check
	enlarged     *widget.Check
	furniture    *widget.Check
	ownEquipment *widget.Check
	roomOther    *widget.Entry

	textScale     *widget.Select
	highContrast  *widget.Check
	lineSpacing   *widget.Select
	hideCountdown *widget.Check
	maxChoices    *widget.Select
	keyboardOnly  *widget.Check

	instructions *widget.Entry

	errs         map[string]*widget.Label
	status       *widget.Label
	saveButton   *widget.Button
	cancelButton *widget.Button
	deleteButton *widget.Button

	candID   int64
	candName string
	current  *exam.AccommodationProfile // as stored (or empty); nil before a candidate is chosen
	stored   bool                       // the candidate has a stored profile
	loadSeq  int
	loading  bool // the form is being filled by code
	fetching bool // a profile is being read
	dirty    bool
	saving   bool

	dialog dialog.Dialog
}

// breakRow is one planned break in the form.
type breakRow struct {
	trial  *widget.Select
	at     *widget.Entry
	every  *widget.Entry
	length *widget.Entry
	remove *widget.Button
	err    *widget.Label
	box    *fyne.Container
}

// overrideRow is one per-épreuve override in the form.
type overrideRow struct {
	trial   *widget.Select
	percent *widget.Entry
	minutes *widget.Entry
	reason  *widget.Entry
	remove  *widget.Button
	err     *widget.Label
	box     *fyne.Container
}

// Choices of the select fields; the value 0 is "normal".
var (
	textScales   = []int{100, 125, 150, 175, 200, 250, 300}
	lineSpacings = []int{100, 125, 150, 175, 200, 250}
	choiceCounts = []int{0, 2, 3, 4, 5}
)

// Field identifiers the form adds for what it parses itself.
const fieldValidFrom = "decision.valid_from"

func newAccommodationsScreen(a fyne.App, w fyne.Window, d userDeps, t *tasks) *accommodationsScreen {
	s := &accommodationsScreen{app: a, win: w, deps: d, tasks: t, errs: map[string]*widget.Label{}, profiles: map[int64]*exam.AccommodationProfile{}}
	split := container.NewHSplit(s.makeList(), s.makeForm())
	split.Offset = 0.3
	s.content = split
	s.showForm(false)
	s.refresh()
	return s
}

// makeList builds the left side: search, filter, count and the list.
func (s *accommodationsScreen) makeList() fyne.CanvasObject {
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("candidates.search.placeholder"))
	s.search.OnChanged = func(q string) { s.startSearch(q, searchDelay) }
	s.search.OnSubmitted = func(string) {
		if len(s.items) > 0 {
			s.list.Select(0)
		}
	}
	s.onlyProfiles = widget.NewCheck(lang.L("acc.only_profiles"), func(bool) { s.applyFilter() })
	s.count = widget.NewLabel("")
	s.listStatus = newStatusLabel()
	s.listStatus.Hide()
	s.list = widget.NewList(func() int { return len(s.items) }, newTwoLineRow, s.updateRow)
	s.list.OnSelected = s.onListSelected
	top := container.NewVBox(s.search, s.onlyProfiles, s.count, s.listStatus)
	return container.NewBorder(top, nil, nil, nil, s.list)
}

func (s *accommodationsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(s.items) {
		return
	}
	c := s.items[id]
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(summaryName(c))
	text, imp := s.profileLine(s.profiles[c.ID])
	detail := box.Objects[1].(*widget.Label)
	detail.Importance = imp
	detail.SetText(text)
}

// profileLine is the list's second line: whether the candidate has a
// profile, what it grants, and whether its decision is valid today.
func (s *accommodationsScreen) profileLine(p *exam.AccommodationProfile) (string, widget.Importance) {
	if p == nil {
		return lang.L("acc.row.none"), widget.LowImportance
	}
	n := len(p.Items())
	if n == 0 {
		return lang.L("acc.row.nothing"), widget.LowImportance
	}
	line := plural(n, "acc.row.items.one", "acc.row.items.other", nil)
	today := exam.DateOf(s.deps.now())
	if v := p.ValidityFor(today, today); v != exam.ValidityOK {
		return "⚠ " + line + " · " + validityText(v, p.Decision.ValidFrom, p.Decision.ValidTo), widget.WarningImportance
	}
	if !p.Decision.ValidTo.IsZero() {
		line += " · " + lang.L("acc.row.valid_to", map[string]any{"To": p.Decision.ValidTo.String()})
	}
	return line, widget.SuccessImportance
}

// refresh reloads the list and the profiles at once.
func (s *accommodationsScreen) refresh() { s.startSearch(s.search.Text, 0) }

// startSearch queries the candidates and the stored profiles off the UI
// goroutine after delay; a newer search cancels this one.
func (s *accommodationsScreen) startSearch(q string, delay time.Duration) {
	if s.cancelSearch != nil {
		s.cancelSearch()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelSearch = cancel
	s.searchSeq++
	seq := s.searchSeq
	s.searching = true
	q = strings.TrimSpace(q)
	svc, acc, actor := s.deps.Candidates, s.deps.Accommodations, s.deps.Actor
	s.tasks.run(func() func() {
		if delay > 0 && !sleepCtx(ctx, delay) {
			return nil
		}
		items, err := svc.FindCandidates(ctx, actor, exam.CandidateFilter{Query: q})
		profiles := map[int64]*exam.AccommodationProfile{}
		if err == nil && acc != nil {
			profiles, err = acc.Profiles(ctx, actor, nil)
		}
		if ctx.Err() != nil {
			return nil
		}
		return func() {
			if seq != s.searchSeq {
				return
			}
			s.searching = false
			if err != nil {
				setLabel(s.listStatus, ErrorMessage(err), widget.DangerImportance)
				return
			}
			setLabel(s.listStatus, "", widget.MediumImportance)
			s.all, s.profiles = items, profiles
			s.applyFilter()
		}
	})
}

// applyFilter shows the results, only those with a profile when asked.
func (s *accommodationsScreen) applyFilter() {
	s.items = s.items[:0]
	for _, c := range s.all {
		if !s.onlyProfiles.Checked || s.profiles[c.ID] != nil {
			s.items = append(s.items, c)
		}
	}
	with := 0
	for _, c := range s.all {
		if s.profiles[c.ID] != nil {
			with++
		}
	}
	s.count.SetText(lang.L("acc.count", map[string]any{
		"Candidates": plural(len(s.all), "candidates.count.one", "candidates.count.other", nil),
		"Profiles":   plural(with, "acc.count.profiles.one", "acc.count.profiles.other", nil),
	}))
	s.list.Refresh()
	s.syncSelection()
}

// syncSelection selects the candidate of the form in the list.
func (s *accommodationsScreen) syncSelection() {
	s.syncing = true
	defer func() { s.syncing = false }()
	for i := range s.items {
		if s.items[i].ID == s.candID {
			s.list.Select(i)
			return
		}
	}
	s.list.UnselectAll()
}

func (s *accommodationsScreen) onListSelected(id widget.ListItemID) {
	if s.syncing || id < 0 || id >= len(s.items) {
		return
	}
	c := s.items[id]
	if c.ID == s.candID {
		return
	}
	s.confirmDiscard(func() { s.load(c.ID, summaryName(c)) }, s.syncSelection)
}

// confirmDiscard runs then at once when the form has no unsaved edit, or
// after the user agreed to lose them; otherwise keep, if not nil.
func (s *accommodationsScreen) confirmDiscard(then, keep func()) {
	if d := confirmDiscard(s.win, &s.dirty, lang.L("acc.discard.message"), then, keep); d != nil {
		s.dialog = d
	}
}

// load reads the candidate's profile and shows it.
func (s *accommodationsScreen) load(id int64, name string) {
	if s.deps.Accommodations == nil {
		return
	}
	s.loadSeq++
	seq := s.loadSeq
	s.fetching = true
	svc, actor := s.deps.Accommodations, s.deps.Actor
	s.tasks.run(func() func() {
		p, err := svc.Profile(context.Background(), actor, id)
		return func() {
			if seq != s.loadSeq {
				return
			}
			s.fetching = false
			if err != nil {
				setLabel(s.listStatus, ErrorMessage(err), widget.DangerImportance)
				return
			}
			s.candID, s.candName = id, name
			s.fill(p)
			s.syncSelection()
		}
	})
}

// close cancels a running search.
func (s *accommodationsScreen) close() {
	if s.cancelSearch != nil {
		s.cancelSearch()
	}
}

// makeForm builds the right side: the profile's sections, the buttons and
// the status line.
func (s *accommodationsScreen) makeForm() fyne.CanvasObject {
	// One line each, cut if need be: above the page, a wrapped label
	// measured before its first layout would make the window grow.
	s.title = widget.NewLabel("")
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.updated = widget.NewLabel("")
	s.updated.Truncation = fyne.TextTruncateEllipsis

	entry := func(field string, e *widget.Entry) *widget.Entry {
		e.OnChanged = func(string) { s.onEdited(field) }
		return e
	}
	text := func(field, placeholder string) *widget.Entry {
		e := entry(field, widget.NewEntry())
		e.SetPlaceHolder(placeholder)
		return e
	}
	multi := func(field string, rows int) *widget.Entry {
		e := entry(field, widget.NewMultiLineEntry())
		e.Wrapping = fyne.TextWrapWord
		e.SetMinRowsVisible(rows)
		return e
	}
	timeEntry := func(field string) *widget.Entry {
		e := widget.NewEntry()
		e.OnChanged = func(string) {
			s.onEdited(field)
			s.updateTimes()
		}
		return e
	}
	check := func(label string) *widget.Check { return widget.NewCheck(label, func(bool) { s.onEdited("") }) }
	sel := func(field string, opts []string) *widget.Select {
		return widget.NewSelect(opts, func(string) { s.onEdited(field) })
	}

	// Décision.
	s.authority = text(exam.FieldDecisionAuthority, lang.L("acc.authority.placeholder"))
	s.decisionDate = text(exam.FieldDecisionDate, lang.L("date.placeholder"))
	s.reference = text(exam.FieldDecisionReference, lang.L("acc.reference.placeholder"))
	s.validFrom = text(fieldValidFrom, lang.L("date.placeholder"))
	s.validTo = text(exam.FieldValidity, lang.L("date.placeholder"))
	s.validFrom.OnChanged = func(string) { s.onEdited(exam.FieldValidity); s.updateValidity() }
	s.validTo.OnChanged = func(string) { s.onEdited(exam.FieldValidity); s.updateValidity() }
	s.validityNow = newWrapLabel("")
	s.validityNow.Hide()
	decision := s.formGrid(
		s.row(exam.FieldDecisionAuthority, lang.L("acc.authority"), s.authority),
		s.row(exam.FieldDecisionDate, lang.L("acc.decision_date"), narrow(s.decisionDate, 140)),
		s.row(exam.FieldDecisionReference, lang.L("acc.reference"), s.reference),
		s.row(exam.FieldValidity, lang.L("acc.validity"), container.NewVBox(container.NewHBox(
			widget.NewLabel(lang.L("acc.validity.from")), narrow(s.validFrom, 140),
			widget.NewLabel(lang.L("acc.validity.to")), narrow(s.validTo, 140)), s.validityNow)),
	)
	s.errs[fieldValidFrom] = s.errs[exam.FieldValidity]

	// Justification médicale.
	s.justification = multi(exam.FieldJustification, 3)
	s.justification.SetPlaceHolder(lang.L("acc.justification.placeholder"))
	justNote := newWrapLabel(lang.L("acc.justification.note"))
	justNote.Importance = widget.WarningImportance
	justErr := newErrorLabel()
	s.errs[exam.FieldJustification] = justErr

	// Temps.
	s.extraPercent = timeEntry("time." + exam.FieldExtraPercent)
	s.extraMinutes = timeEntry("time." + exam.FieldExtraMinutes)
	s.startOffset = timeEntry("time." + exam.FieldStartOffset)
	days := []string{lang.L("acc.spread.one")}
	for n := 2; n <= 5; n++ {
		days = append(days, lang.L("acc.spread.other", map[string]any{"Count": n}))
	}
	s.spreadDays = sel(exam.FieldSpreadDays, days)
	s.breaksBox = container.NewVBox()
	s.addBreak = widget.NewButtonWithIcon(lang.L("acc.break.add"), theme.ContentAddIcon(), func() {
		s.appendBreak(exam.Break{})
		s.onEdited("")
		s.updateTimes()
	})
	s.overridesBox = container.NewVBox()
	s.addOverride = widget.NewButtonWithIcon(lang.L("acc.override.add"), theme.ContentAddIcon(), func() {
		s.appendOverride(exam.TrialOverride{})
		s.onEdited("")
		s.updateTimes()
	})
	s.times = container.NewVBox()
	breaksErr := newErrorLabel()
	s.errs["time."+exam.FieldBreaks] = breaksErr
	overridesErr := newErrorLabel()
	s.errs["time."+exam.FieldOverrides] = overridesErr
	timeForm := s.formGrid(
		s.row("time."+exam.FieldExtraPercent, lang.L("acc.extra_percent"), container.NewHBox(narrow(s.extraPercent, 80), widget.NewLabel(lang.L("acc.extra_percent.unit")))),
		s.row("time."+exam.FieldExtraMinutes, lang.L("acc.extra_minutes"), container.NewHBox(narrow(s.extraMinutes, 80), widget.NewLabel(lang.L("acc.minutes.unit")))),
		s.row("time."+exam.FieldStartOffset, lang.L("acc.start_offset"), container.NewHBox(narrow(s.startOffset, 80), widget.NewLabel(lang.L("acc.start_offset.unit")))),
		s.row(exam.FieldSpreadDays, lang.L("acc.spread"), container.NewHBox(narrow(s.spreadDays, 260))),
	)
	timeHelp := newWrapLabel(lang.L("acc.time.help"))
	timeHelp.SizeName = theme.SizeNameCaptionText

	// Aides humaines.
	s.scribe = check(lang.L("acc.aids.scribe"))
	s.reader = check(lang.L("acc.aids.reader"))
	s.lsf = check(lang.L("acc.aids.lsf"))
	s.otherAssistant = text(exam.FieldOtherAssistant, lang.L("acc.other.placeholder"))
	aids := container.NewVBox(container.NewHBox(s.scribe, s.reader, s.lsf),
		s.formGrid(s.row(exam.FieldOtherAssistant, lang.L("acc.aids.other"), s.otherAssistant)))

	// Salle et matériel.
	s.separateRoom = check(lang.L("acc.room.separate"))
	s.enlarged = check(lang.L("acc.room.enlarged"))
	s.furniture = check(lang.L("acc.room.furniture"))
	s.ownEquipment = check(lang.L("acc.room.own_equipment"))
	s.roomOther = text(exam.FieldRoomOther, lang.L("acc.other.placeholder"))
	room := container.NewVBox(container.NewGridWithColumns(2, s.separateRoom, s.enlarged, s.furniture, s.ownEquipment),
		s.formGrid(s.row(exam.FieldRoomOther, lang.L("acc.room.other"), s.roomOther)))

	// Écran.
	scales := make([]string, len(textScales))
	for i, v := range textScales {
		scales[i] = percentOption(v)
	}
	s.textScale = sel(exam.FieldTextScale, scales)
	spacings := make([]string, len(lineSpacings))
	for i, v := range lineSpacings {
		spacings[i] = percentOption(v)
	}
	s.lineSpacing = sel(exam.FieldLineSpacing, spacings)
	choices := make([]string, len(choiceCounts))
	for i, v := range choiceCounts {
		if v == 0 {
			choices[i] = lang.L("acc.screen.choices.all")
		} else {
			choices[i] = lang.L("acc.screen.choices.n", map[string]any{"Count": v})
		}
	}
	s.maxChoices = sel(exam.FieldMaxChoices, choices)
	s.highContrast = check(lang.L("acc.screen.contrast"))
	s.hideCountdown = check(lang.L("acc.screen.hide_countdown"))
	s.keyboardOnly = check(lang.L("acc.screen.keyboard_only"))
	screen := container.NewVBox(
		s.formGrid(
			s.row(exam.FieldTextScale, lang.L("acc.screen.text_scale"), container.NewHBox(s.textScale)),
			s.row(exam.FieldLineSpacing, lang.L("acc.screen.line_spacing"), container.NewHBox(s.lineSpacing)),
			s.row(exam.FieldMaxChoices, lang.L("acc.screen.max_choices"), container.NewHBox(s.maxChoices)),
		),
		container.NewHBox(s.highContrast, s.hideCountdown, s.keyboardOnly))

	// Consignes pour le jury.
	s.instructions = multi(exam.FieldJuryInstructions, 3)
	s.instructions.SetPlaceHolder(lang.L("acc.instructions.placeholder"))
	instrErr := newErrorLabel()
	s.errs[exam.FieldJuryInstructions] = instrErr
	instrHelp := newWrapLabel(lang.L("acc.instructions.help"))
	instrHelp.SizeName = theme.SizeNameCaptionText

	body := container.NewVBox(
		newHeading(lang.L("acc.section.decision")), decision, widget.NewSeparator(),
		newHeading(lang.L("acc.section.justification")), justNote, s.justification, justErr, widget.NewSeparator(),
		newHeading(lang.L("acc.section.time")), timeHelp, timeForm,
		newBoldLabel(lang.L("acc.breaks")), s.breaksBox, breaksErr, container.NewHBox(s.addBreak),
		newBoldLabel(lang.L("acc.overrides")), s.overridesBox, overridesErr, container.NewHBox(s.addOverride),
		newBoldLabel(lang.L("acc.times")), s.times, widget.NewSeparator(),
		newHeading(lang.L("acc.section.aids")), aids, widget.NewSeparator(),
		newHeading(lang.L("acc.section.room")), room, widget.NewSeparator(),
		newHeading(lang.L("acc.section.screen")), screen, widget.NewSeparator(),
		newHeading(lang.L("acc.section.instructions")), instrHelp, s.instructions, instrErr,
	)
	s.scroll = newPageScroll(container.NewPadded(body))

	s.status = newStatusLabel()
	s.saveButton = widget.NewButtonWithIcon(lang.L("candidate.save"), theme.DocumentSaveIcon(), s.onSave)
	s.saveButton.Importance = widget.HighImportance
	s.cancelButton = widget.NewButtonWithIcon(lang.L("candidate.cancel"), theme.ContentUndoIcon(), s.onCancel)
	s.deleteButton = widget.NewButtonWithIcon(lang.L("acc.delete"), theme.DeleteIcon(), s.onDelete)
	s.deleteButton.Importance = widget.DangerImportance
	top := container.NewVBox(s.title, s.updated, widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), s.status,
		container.NewHBox(s.saveButton, s.cancelButton, layout.NewSpacer(), s.deleteButton))
	s.form = container.NewBorder(top, bottom, nil, nil, s.scroll)

	hint := widget.NewLabel(lang.L("acc.placeholder")) // not wrapped: see title
	hint.Alignment = fyne.TextAlignCenter
	hint.Truncation = fyne.TextTruncateEllipsis
	s.placeholder = container.NewVBox(layout.NewSpacer(), hint, layout.NewSpacer())
	return container.NewStack(s.placeholder, s.form)
}

// formRow is a label and its field with the field's error under it.
type formRow struct {
	label fyne.CanvasObject
	cell  fyne.CanvasObject
}

// row makes a form row whose errors (field id) show under the widget.
func (s *accommodationsScreen) row(field, label string, w fyne.CanvasObject) formRow {
	l := s.errs[field]
	if l == nil {
		l = newErrorLabel()
		s.errs[field] = l
	}
	return formRow{widget.NewLabel(label), container.NewVBox(w, l)}
}

// formGrid lays rows out as a two-column form.
func (s *accommodationsScreen) formGrid(rows ...formRow) *fyne.Container {
	f := container.New(layout.NewFormLayout())
	for _, r := range rows {
		f.Add(r.label)
		f.Add(r.cell)
	}
	return f
}

// narrow gives a short entry a fixed width.
func narrow(w fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, w.MinSize().Height), w)
}

// percentOption is "150 %", or "100 % (normal)".
func percentOption(v int) string {
	if v == 100 {
		return lang.L("acc.screen.normal", map[string]any{"Percent": v})
	}
	return lang.L("acc.screen.percent", map[string]any{"Percent": v})
}

// trialOptions are the épreuves of the référentiel, "every épreuve" first
// when all is set.
func (s *accommodationsScreen) trialOptions(all bool) ([]string, []string) {
	var opts, codes []string
	if all {
		opts, codes = append(opts, lang.L("acc.trial.all")), append(codes, "")
	}
	if ref := s.deps.Referentiel; ref != nil {
		for _, t := range ref.Trials {
			opts = append(opts, trialName(ref, t.Code))
			codes = append(codes, t.Code)
		}
	}
	return opts, codes
}

// selectTrial selects code in sel (codes parallel to its options); an
// unknown code is added so that it is neither lost nor silently changed.
func selectTrial(sel *widget.Select, codes *[]string, code string) {
	for i, c := range *codes {
		if c == code {
			sel.SetSelectedIndex(i)
			return
		}
	}
	sel.Options = append(sel.Options, code)
	*codes = append(*codes, code)
	sel.SetSelectedIndex(len(sel.Options) - 1)
}

// appendBreak adds a row for b.
func (s *accommodationsScreen) appendBreak(b exam.Break) *breakRow {
	r := &breakRow{}
	opts, codes := s.trialOptions(true)
	r.trial = widget.NewSelect(opts, nil)
	selectTrial(r.trial, &codes, b.Trial)
	r.trial.OnChanged = func(string) { s.onEdited(""); s.updateTimes() }
	minutesEntry := func(d time.Duration) *widget.Entry {
		e := widget.NewEntry()
		if d != 0 {
			e.SetText(strconv.Itoa(int(d / time.Minute)))
		}
		e.OnChanged = func(string) {
			r.err.Hide()
			s.onEdited("")
			s.updateTimes()
		}
		return e
	}
	r.at, r.every, r.length = minutesEntry(b.At), minutesEntry(b.Every), minutesEntry(b.Length)
	r.every.SetPlaceHolder(lang.L("acc.break.once"))
	r.err = newErrorLabel()
	r.remove = widget.NewButtonWithIcon(lang.L("session.remove"), theme.ContentRemoveIcon(), nil)
	r.remove.OnTapped = func() {
		for i, x := range s.breakRows {
			if x == r {
				s.breakRows = append(s.breakRows[:i], s.breakRows[i+1:]...)
			}
		}
		s.breaksBox.Remove(r.box)
		s.onEdited("")
		s.updateTimes()
	}
	r.box = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("acc.break.trial")), r.remove, r.trial),
		container.NewHBox(
			widget.NewLabel(lang.L("acc.break.at")), narrow(r.at, 70), widget.NewLabel(lang.L("acc.minutes.unit")),
			widget.NewLabel(lang.L("acc.break.every")), narrow(r.every, 90), widget.NewLabel(lang.L("acc.minutes.unit")),
			widget.NewLabel(lang.L("acc.break.length")), narrow(r.length, 70), widget.NewLabel(lang.L("acc.minutes.unit"))),
		r.err)
	s.breakRows = append(s.breakRows, r)
	s.breaksBox.Add(r.box)
	return r
}

// appendOverride adds a row for o.
func (s *accommodationsScreen) appendOverride(o exam.TrialOverride) *overrideRow {
	r := &overrideRow{}
	opts, codes := s.trialOptions(false)
	r.trial = widget.NewSelect(opts, nil)
	r.trial.PlaceHolder = lang.L("timer.trial.placeholder")
	if o.Trial != "" {
		selectTrial(r.trial, &codes, o.Trial)
	}
	r.trial.OnChanged = func(string) { r.err.Hide(); s.onEdited(""); s.updateTimes() }
	num := func(v int) *widget.Entry {
		e := widget.NewEntry()
		if v != 0 {
			e.SetText(strconv.Itoa(v))
		}
		e.OnChanged = func(string) { r.err.Hide(); s.onEdited(""); s.updateTimes() }
		return e
	}
	r.percent, r.minutes = num(o.ExtraPercent), num(o.ExtraMinutes)
	r.reason = widget.NewEntry()
	r.reason.SetPlaceHolder(lang.L("acc.override.reason.placeholder"))
	r.reason.SetText(o.Reason)
	r.reason.OnChanged = func(string) { r.err.Hide(); s.onEdited("") }
	r.err = newErrorLabel()
	r.remove = widget.NewButtonWithIcon(lang.L("session.remove"), theme.ContentRemoveIcon(), nil)
	r.remove.OnTapped = func() {
		for i, x := range s.overrideRows {
			if x == r {
				s.overrideRows = append(s.overrideRows[:i], s.overrideRows[i+1:]...)
			}
		}
		s.overridesBox.Remove(r.box)
		s.onEdited("")
		s.updateTimes()
	}
	r.box = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("acc.break.trial")), r.remove, r.trial),
		container.NewHBox(
			widget.NewLabel(lang.L("acc.override.extra")), narrow(r.percent, 70), widget.NewLabel(lang.L("acc.extra_percent.unit")),
			widget.NewLabel("+"), narrow(r.minutes, 70), widget.NewLabel(lang.L("acc.minutes.unit"))),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("acc.override.reason")), nil, r.reason),
		r.err)
	s.overrideRows = append(s.overrideRows, r)
	s.overridesBox.Add(r.box)
	return r
}

// showForm shows the form, or the hint to choose a candidate.
func (s *accommodationsScreen) showForm(on bool) {
	if on {
		s.placeholder.Hide()
		s.form.Show()
	} else {
		s.form.Hide()
		s.placeholder.Show()
	}
}

// fill shows p in the form and forgets the edits and errors.
func (s *accommodationsScreen) fill(p *exam.AccommodationProfile) {
	s.loading = true
	defer func() { s.loading = false }()
	s.current = p
	s.stored = p != nil && (!p.Updated.IsZero() || s.profiles[p.CandidateID] != nil)
	s.showForm(true)
	s.title.SetText(lang.L("acc.title", map[string]any{"Name": s.candName}))
	if s.stored && !p.Updated.IsZero() {
		s.updated.SetText(lang.L("acc.updated", map[string]any{"At": dateTimeText(p.Updated), "By": p.UpdatedBy}))
	} else {
		s.updated.SetText(lang.L("acc.not_stored"))
	}
	d := p.Decision
	s.authority.SetText(d.Authority)
	s.decisionDate.SetText(d.Date.String())
	s.reference.SetText(d.Reference)
	s.validFrom.SetText(d.ValidFrom.String())
	s.validTo.SetText(d.ValidTo.String())
	s.justification.SetText(p.Justification)
	t := p.Time
	setInt := func(e *widget.Entry, v int) {
		if v == 0 {
			e.SetText("")
		} else {
			e.SetText(strconv.Itoa(v))
		}
	}
	setInt(s.extraPercent, t.ExtraPercent)
	setInt(s.extraMinutes, t.ExtraMinutes)
	setInt(s.startOffset, int(t.StartOffset/time.Minute))
	s.spreadDays.SetSelectedIndex(max(min(p.SpreadDays, 5), 1) - 1)
	s.breakRows = nil
	s.breaksBox.RemoveAll()
	for _, b := range t.Breaks {
		s.appendBreak(b)
	}
	s.overrideRows = nil
	s.overridesBox.RemoveAll()
	for _, o := range t.Overrides {
		s.appendOverride(o)
	}
	s.scribe.SetChecked(p.Aids.Scribe)
	s.reader.SetChecked(p.Aids.Reader)
	s.lsf.SetChecked(p.Aids.LSFInterpreter)
	s.otherAssistant.SetText(p.Aids.OtherAssistant)
	s.separateRoom.SetChecked(p.Room.SeparateRoom)
	s.enlarged.SetChecked(p.Room.EnlargedDocuments)
	s.furniture.SetChecked(p.Room.AdaptedFurniture)
	s.ownEquipment.SetChecked(p.Room.OwnEquipment)
	s.roomOther.SetText(p.Room.Other)
	selectPercent(s.textScale, textScales, p.Screen.TextScale)
	selectPercent(s.lineSpacing, lineSpacings, p.Screen.LineSpacing)
	s.maxChoices.ClearSelected()
	for i, v := range choiceCounts {
		if v == p.Screen.MaxChoices {
			s.maxChoices.SetSelectedIndex(i)
		}
	}
	if s.maxChoices.SelectedIndex() < 0 { // a value the list lacks: kept as is
		s.maxChoices.Options = append(s.maxChoices.Options, lang.L("acc.screen.choices.n", map[string]any{"Count": p.Screen.MaxChoices}))
		s.maxChoices.SetSelectedIndex(len(s.maxChoices.Options) - 1)
	}
	s.highContrast.SetChecked(p.Screen.HighContrast)
	s.hideCountdown.SetChecked(p.Screen.HideCountdown)
	s.keyboardOnly.SetChecked(p.Screen.KeyboardOnly)
	s.instructions.SetText(p.JuryInstructions)
	setEnabled(s.stored, s.deleteButton)
	s.clearErrors()
	setLabel(s.status, "", widget.MediumImportance)
	s.dirty = false
	s.updateTimes()
	s.updateValidity()
	s.scroll.ScrollToTop()
}

// selectPercent selects v (0 is 100 %) in sel, whose options follow values;
// a value the list lacks is added.
func selectPercent(sel *widget.Select, values []int, v int) {
	if v == 0 {
		v = 100
	}
	for i, x := range values {
		if x == v {
			sel.SetSelectedIndex(i)
			return
		}
	}
	sel.Options = append(sel.Options, percentOption(v))
	sel.SetSelectedIndex(len(sel.Options) - 1)
}

// percentValue reads a "150 %" option back (100 is stored as 0, normal).
func percentValue(sel *widget.Select) int {
	f := strings.Fields(sel.Selected)
	if len(f) == 0 {
		return 0
	}
	v, err := strconv.Atoi(f[0])
	if err != nil || v == 100 {
		return 0
	}
	return v
}

// onEdited marks the form changed and hides the field's error.
func (s *accommodationsScreen) onEdited(field string) {
	if s.loading {
		return
	}
	s.dirty = true
	if l := s.errs[field]; l != nil && l.Visible() {
		l.Hide()
	}
	if s.status.Importance == widget.SuccessImportance {
		setLabel(s.status, "", widget.MediumImportance)
	}
}

// collect reads the form into a profile; numbers and dates that cannot be
// read come back as field errors.
func (s *accommodationsScreen) collect() (*exam.AccommodationProfile, []exam.FieldError) {
	p := &exam.AccommodationProfile{CandidateID: s.candID}
	var errs []exam.FieldError
	date := func(field, text string) exam.Date {
		d, err := exam.ParseDate(text)
		if err != nil {
			fe := exam.FieldError{Field: field, Key: "err.date.format", Message: err.Error()}
			if e, ok := err.(*exam.Error); ok {
				fe.Key, fe.Data = e.Key, e.Data
			}
			errs = append(errs, fe)
		}
		return d
	}
	num := func(field, text string) int {
		text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
		if text == "" {
			return 0
		}
		v, err := strconv.Atoi(strings.ReplaceAll(text, "+", ""))
		if err != nil {
			errs = append(errs, exam.FieldError{Field: field, Key: "acc.err.number", Message: "a whole number is expected",
				Data: map[string]any{"Text": text}})
		}
		return v
	}
	p.Decision = exam.AccommodationDecision{
		Authority: s.authority.Text,
		Date:      date(exam.FieldDecisionDate, s.decisionDate.Text),
		Reference: s.reference.Text,
		ValidFrom: date(fieldValidFrom, s.validFrom.Text),
		ValidTo:   date(exam.FieldValidity, s.validTo.Text),
	}
	p.Justification = s.justification.Text
	p.Time.ExtraPercent = num("time."+exam.FieldExtraPercent, s.extraPercent.Text)
	p.Time.ExtraMinutes = num("time."+exam.FieldExtraMinutes, s.extraMinutes.Text)
	p.Time.StartOffset = time.Duration(num("time."+exam.FieldStartOffset, s.startOffset.Text)) * time.Minute
	for i, r := range s.breakRows {
		f := fmt.Sprintf("time.%s[%d].", exam.FieldBreaks, i)
		_, codes := s.trialOptions(true)
		b := exam.Break{
			At:     time.Duration(num(f+"at", r.at.Text)) * time.Minute,
			Every:  time.Duration(num(f+"every", r.every.Text)) * time.Minute,
			Length: time.Duration(num(f+"length", r.length.Text)) * time.Minute,
		}
		if i := r.trial.SelectedIndex(); i >= 0 && i < len(codes) {
			b.Trial = codes[i]
		} else if i >= len(codes) {
			b.Trial = r.trial.Selected // an unknown code kept from the stored profile
		}
		p.Time.Breaks = append(p.Time.Breaks, b)
	}
	for i, r := range s.overrideRows {
		f := fmt.Sprintf("time.%s[%d].", exam.FieldOverrides, i)
		_, codes := s.trialOptions(false)
		o := exam.TrialOverride{
			ExtraPercent: num(f+exam.FieldExtraPercent, r.percent.Text),
			ExtraMinutes: num(f+exam.FieldExtraMinutes, r.minutes.Text),
			Reason:       r.reason.Text,
		}
		if i := r.trial.SelectedIndex(); i >= 0 && i < len(codes) {
			o.Trial = codes[i]
		} else if i >= len(codes) {
			o.Trial = r.trial.Selected
		}
		p.Time.Overrides = append(p.Time.Overrides, o)
	}
	p.SpreadDays = 0
	if i := s.spreadDays.SelectedIndex(); i > 0 {
		p.SpreadDays = i + 1
	}
	p.Aids = exam.HumanAids{Scribe: s.scribe.Checked, Reader: s.reader.Checked, LSFInterpreter: s.lsf.Checked, OtherAssistant: s.otherAssistant.Text}
	p.Room = exam.RoomAids{SeparateRoom: s.separateRoom.Checked, EnlargedDocuments: s.enlarged.Checked,
		AdaptedFurniture: s.furniture.Checked, OwnEquipment: s.ownEquipment.Checked, Other: s.roomOther.Text}
	p.Screen = exam.ScreenNeeds{
		TextScale: percentValue(s.textScale), HighContrast: s.highContrast.Checked,
		LineSpacing: percentValue(s.lineSpacing), HideCountdown: s.hideCountdown.Checked,
		KeyboardOnly: s.keyboardOnly.Checked,
	}
	if i := s.maxChoices.SelectedIndex(); i >= 0 && i < len(choiceCounts) {
		p.Screen.MaxChoices = choiceCounts[i]
	} else if s.current != nil {
		p.Screen.MaxChoices = s.current.Screen.MaxChoices
	}
	p.JuryInstructions = s.instructions.Text
	return p, errs
}

// updateTimes shows the time each épreuve takes with the allowance typed
// so far ("45 min (base 30 min)"); unreadable numbers count as nothing.
func (s *accommodationsScreen) updateTimes() {
	if s.loading && s.current == nil {
		return
	}
	ref := s.deps.Referentiel
	s.times.RemoveAll()
	s.timeTexts = nil
	if ref == nil {
		return
	}
	p, _ := s.collect()
	cols := &columns{}
	for _, t := range ref.Trials {
		tt := p.Time.Allot(t)
		total := trialTimeText(tt)
		var notes []string
		if tt.Prep > 0 {
			notes = append(notes, lang.L("acc.times.prep", map[string]any{"Time": allowanceText(tt.PrepTotal(), tt.Prep)}))
		}
		if tt.Breaks > 0 {
			notes = append(notes, lang.L("day.slot.breaks", map[string]any{"Time": durationText(tt.Breaks)}))
		}
		if tt.Overridden {
			notes = append(notes, lang.L("acc.times.override"))
		}
		name := widget.NewLabel(trialName(ref, t.Code))
		tl := widget.NewLabel(total)
		tl.TextStyle = fyne.TextStyle{Bold: true}
		if tt.HasExtra() {
			tl.Importance = widget.HighImportance
		}
		note := newWrapLabel(strings.Join(notes, lang.L("list.separator")))
		note.Importance = widget.LowImportance
		s.times.Add(cols.row(name, tl, note))
		s.timeTexts = append(s.timeTexts, trialName(ref, t.Code)+" : "+total)
	}
	s.times.Refresh()
}

// updateValidity says whether the decision typed is valid today.
func (s *accommodationsScreen) updateValidity() {
	if s.current == nil {
		return
	}
	p, _ := s.collect()
	today := exam.DateOf(s.deps.now())
	if v := p.ValidityFor(today, today); v != exam.ValidityOK && v != exam.ValidityNone {
		setLabel(s.validityNow, "⚠ "+validityText(v, p.Decision.ValidFrom, p.Decision.ValidTo), widget.WarningImportance)
		return
	}
	setLabel(s.validityNow, "", widget.MediumImportance)
}

func (s *accommodationsScreen) clearErrors() {
	for _, l := range s.errs {
		l.SetText("")
		l.Hide()
	}
	for _, r := range s.breakRows {
		r.err.Hide()
	}
	for _, r := range s.overrideRows {
		r.err.Hide()
	}
}

// rowFieldRe splits "time.breaks[1].length" into list, index and field.
var rowFieldRe = regexp.MustCompile(`^time\.(breaks|overrides)\[(\d+)\]\.(.+)$`)

// showErrors shows each error under its field (a break's or override's in
// its row) and a summary line.
func (s *accommodationsScreen) showErrors(fes []exam.FieldError) {
	var p errorPlacement
	for _, fe := range fes {
		if l := s.errs[fe.Field]; l != nil {
			p.put(l, sentence(FieldMessage(fe)))
			continue
		}
		if m := rowFieldRe.FindStringSubmatch(fe.Field); m != nil {
			i, _ := strconv.Atoi(m[2])
			named := lang.L("err.field.named", map[string]any{"Field": rowFieldLabel(m[3]), "Message": FieldMessage(fe)})
			switch {
			case m[1] == exam.FieldBreaks && i < len(s.breakRows):
				p.put(s.breakRows[i].err, named)
				continue
			case m[1] == exam.FieldOverrides && i < len(s.overrideRows):
				p.put(s.overrideRows[i].err, named)
				continue
			}
		}
		p.elsewhere(lang.L("err.field", map[string]any{"Field": accommodationFieldLabel(fe.Field), "Message": FieldMessage(fe)}))
	}
	setLabel(s.status, p.show(), widget.DangerImportance)
	s.scroll.Refresh()
}

// rowFieldLabel names a field of a break or override row.
func rowFieldLabel(f string) string {
	switch f {
	case "trial":
		return lang.L("acc.break.trial")
	case "at":
		return lang.L("acc.break.at")
	case "every":
		return lang.L("acc.break.every")
	case "length":
		return lang.L("acc.break.length")
	case "reason":
		return lang.L("acc.override.reason")
	case exam.FieldExtraPercent, exam.FieldExtraMinutes:
		return lang.L("acc.override.extra")
	}
	return f
}

// accommodationFieldLabel names a profile field for a summary line.
func accommodationFieldLabel(field string) string {
	switch field {
	case exam.FieldDecisionAuthority:
		return lang.L("acc.authority")
	case exam.FieldDecisionDate:
		return lang.L("acc.decision_date")
	case exam.FieldDecisionReference:
		return lang.L("acc.reference")
	case exam.FieldValidity, fieldValidFrom:
		return lang.L("acc.validity")
	case exam.FieldSpreadDays:
		return lang.L("acc.spread")
	}
	if strings.HasPrefix(field, "time.") {
		return lang.L("acc.section.time")
	}
	return fieldLabel(field)
}

// onCancel forgets the edits.
func (s *accommodationsScreen) onCancel() {
	if s.current != nil {
		s.fill(s.current)
	}
}

// onSave (Enregistrer, Ctrl+S) stores the profile; "Enregistré" only once
// the service said yes, with the number of running épreuves whose time
// changed.
func (s *accommodationsScreen) onSave() {
	if s.saving || s.current == nil || s.deps.Accommodations == nil {
		return
	}
	p, parseErrs := s.collect()
	s.clearErrors()
	if len(parseErrs) > 0 {
		s.showErrors(parseErrs)
		return
	}
	s.saving = true
	s.saveButton.Disable()
	setLabel(s.status, lang.L("candidate.saving"), widget.MediumImportance)
	svc, actor, id, seq := s.deps.Accommodations, s.deps.Actor, s.candID, s.loadSeq
	s.tasks.run(func() func() {
		ctx := context.Background()
		n, err := svc.SaveProfile(ctx, actor, p)
		stored := p
		if err == nil {
			if got, gerr := svc.Profile(ctx, actor, id); gerr == nil {
				stored = got
			}
		}
		return func() {
			s.saving = false
			s.saveButton.Enable()
			if seq != s.loadSeq || id != s.candID {
				s.refresh()
				return
			}
			if err != nil {
				if fes := exam.FieldErrors(err); len(fes) > 0 {
					s.showErrors(fes)
				} else {
					setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				}
				return
			}
			s.profiles[id] = stored
			s.fill(stored)
			msg := lang.L("candidate.saved")
			if n > 0 {
				msg += " " + plural(n, "acc.saved.timers.one", "acc.saved.timers.other", nil)
			}
			setLabel(s.status, msg, widget.SuccessImportance)
			s.refresh()
		}
	})
}

// onDelete removes the candidate's profile, after confirmation.
func (s *accommodationsScreen) onDelete() {
	if s.current == nil || !s.stored || s.deps.Accommodations == nil {
		return
	}
	name, id := s.candName, s.candID
	d := dialog.NewConfirm(lang.L("acc.delete.title"), lang.L("acc.delete.message", map[string]any{"Name": name}), func(ok bool) {
		if !ok {
			return
		}
		svc, actor := s.deps.Accommodations, s.deps.Actor
		s.tasks.run(func() func() {
			ctx := context.Background()
			err := svc.DeleteProfile(ctx, actor, id)
			var p *exam.AccommodationProfile
			if err == nil {
				p, err = svc.Profile(ctx, actor, id)
			}
			return func() {
				if err != nil {
					setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
					return
				}
				if id != s.candID {
					s.refresh()
					return
				}
				delete(s.profiles, id)
				s.fill(p)
				setLabel(s.status, lang.L("acc.deleted"), widget.SuccessImportance)
				s.refresh()
			}
		})
	}, s.win)
	d.SetConfirmText(lang.L("candidate.delete.confirm"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.SetDismissText(lang.L("action.cancel"))
	s.dialog = d
	d.Show()
}
