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

// blockRow is one CCP of the référentiel in the form: acquired or not, when,
// and in which session.
type blockRow struct {
	block   exam.Block
	check   *widget.Check
	date    *widget.Entry
	session *widget.Entry
	err     *widget.Label
}

// sexes are the values of the sex radio group, in order.
var sexes = []exam.Sex{exam.Female, exam.Male}

// makeForm builds the right side: the candidate's fields, the CCPs already
// acquired, the buttons and the summary line.
func (s *candidateScreen) makeForm() fyne.CanvasObject {
	s.fieldErrors = map[string]*widget.Label{}
	s.title = widget.NewLabel("")
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Truncation = fyne.TextTruncateEllipsis

	entry := func(field, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { s.onEdited(field) }
		return e
	}
	datePlaceholder := lang.L("date.placeholder")
	s.number = entry(exam.FieldNumber, "")
	s.birthName = entry(exam.FieldBirthName, "")
	s.usageName = entry(exam.FieldUsageName, lang.L("candidate.usage_name.placeholder"))
	s.firstNames = entry(exam.FieldFirstNames, lang.L("candidate.first_names.placeholder"))
	s.sex = widget.NewRadioGroup([]string{lang.L("sex.F"), lang.L("sex.M")}, func(string) { s.onEdited(exam.FieldSex) })
	s.sex.Horizontal = true
	s.birthDate = entry(exam.FieldBirthDate, datePlaceholder)
	s.birthCity = entry(exam.FieldBirthCity, "")
	s.birthCountry = entry(exam.FieldBirthCountry, "")
	s.email = entry(exam.FieldEmail, lang.L("candidate.email.placeholder"))
	s.phone = entry(exam.FieldPhone, "")
	routes := make([]string, len(exam.AccessRoutes))
	for i, r := range exam.AccessRoutes {
		routes[i] = routeLabel(r)
	}
	s.route = widget.NewSelect(routes, func(string) { s.onEdited(exam.FieldAccessRoute) })
	s.route.PlaceHolder = lang.L("candidate.route.placeholder")
	s.centre = entry(exam.FieldTrainingCentre, "")
	s.sstDate = entry(exam.FieldSSTDate, datePlaceholder)

	fields := container.New(layout.NewFormLayout())
	add := func(field string, required bool, w fyne.CanvasObject) {
		text := lang.L(fieldKey(field))
		if required {
			text += " *"
		}
		errLabel := newErrorLabel()
		s.fieldErrors[field] = errLabel
		fields.Add(widget.NewLabel(text))
		fields.Add(container.NewVBox(w, errLabel))
	}
	add(exam.FieldNumber, false, s.number)
	add(exam.FieldBirthName, true, s.birthName)
	add(exam.FieldUsageName, false, s.usageName)
	add(exam.FieldFirstNames, true, s.firstNames)
	add(exam.FieldSex, true, s.sex)
	add(exam.FieldBirthDate, true, s.birthDate)
	add(exam.FieldBirthCity, true, s.birthCity)
	add(exam.FieldBirthCountry, true, s.birthCountry)
	add(exam.FieldEmail, false, s.email)
	add(exam.FieldPhone, false, s.phone)
	add(exam.FieldAccessRoute, true, s.route)
	add(exam.FieldTrainingCentre, false, s.centre)
	add(exam.FieldSSTDate, false, s.sstDate)

	acquiredTitle := widget.NewLabel(lang.L(fieldKey(exam.FieldAcquired)))
	acquiredTitle.TextStyle = fyne.TextStyle{Bold: true}
	acquiredHelp := widget.NewLabel(lang.L("candidate.acquired.help"))
	acquiredHelp.Wrapping = fyne.TextWrapWord
	acquiredErr := newErrorLabel()
	s.fieldErrors[exam.FieldAcquired] = acquiredErr
	blocks := container.NewVBox(acquiredTitle, acquiredHelp, acquiredErr)
	if s.deps.Referentiel != nil {
		for _, b := range s.deps.Referentiel.Blocks {
			blocks.Add(s.makeBlockRow(b))
		}
	}
	legend := widget.NewLabel(lang.L("candidate.required_legend"))
	legend.SizeName = theme.SizeNameCaptionText

	s.formStatus = widget.NewLabel("")
	s.formStatus.Wrapping = fyne.TextWrapWord
	s.newButton = widget.NewButtonWithIcon(lang.L("candidate.new"), theme.ContentAddIcon(), s.onNew)
	s.saveButton = widget.NewButtonWithIcon(lang.L("candidate.save"), theme.DocumentSaveIcon(), s.onSave)
	s.saveButton.Importance = widget.HighImportance
	s.deleteButton = widget.NewButtonWithIcon(lang.L("candidate.delete"), theme.DeleteIcon(), s.onDelete)
	s.deleteButton.Importance = widget.DangerImportance
	s.cancelButton = widget.NewButtonWithIcon(lang.L("candidate.cancel"), theme.ContentUndoIcon(), s.onCancel)

	s.formScroll = container.NewVScroll(container.NewVBox(fields, widget.NewSeparator(), blocks, legend))
	top := container.NewVBox(s.title, widget.NewSeparator())
	// Tab goes from the fields to Enregistrer first.
	buttons := container.NewHBox(s.saveButton, s.cancelButton, s.newButton, layout.NewSpacer(), s.deleteButton)
	bottom := container.NewVBox(widget.NewSeparator(), s.formStatus, buttons)
	if s.readOnly {
		legend.SetText(lang.L("candidate.read_only"))
		bottom = container.NewVBox(widget.NewSeparator(), s.formStatus)
	}
	return container.New(layout.NewBorderLayout(top, bottom, nil, nil), top, s.formScroll, bottom)
}

// newErrorLabel is an inline error message, hidden until there is one.
func newErrorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func (s *candidateScreen) makeBlockRow(b exam.Block) fyne.CanvasObject {
	r := &blockRow{block: b}
	r.date = widget.NewEntry()
	r.date.SetPlaceHolder(lang.L("date.placeholder"))
	r.date.OnChanged = func(string) { s.onBlockEdited(r) }
	r.session = widget.NewEntry()
	r.session.SetPlaceHolder(lang.L("candidate.block.session.placeholder"))
	r.session.OnChanged = func(string) { s.onBlockEdited(r) }
	r.check = widget.NewCheck(b.Short, func(bool) {
		r.enable()
		s.onBlockEdited(r)
	})
	r.err = newErrorLabel()
	s.blocks = append(s.blocks, r)

	title := widget.NewLabel("— " + b.Title)
	title.Wrapping = fyne.TextWrapWord
	details := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("candidate.block.date")), r.date,
		widget.NewLabel(lang.L("candidate.block.session")), r.session)
	return container.NewVBox(
		container.NewBorder(nil, nil, r.check, nil, title),
		container.NewPadded(details),
		r.err)
}

// enable lets the date and session be typed only for an acquired CCP.
func (r *blockRow) enable() {
	if r.check.Checked {
		r.date.Enable()
		r.session.Enable()
	} else {
		r.date.Disable()
		r.session.Disable()
	}
}

// onEdited marks the form changed and hides the field's error.
func (s *candidateScreen) onEdited(field string) {
	if s.loading {
		return
	}
	s.dirty = true
	if l := s.fieldErrors[field]; l != nil && l.Visible() {
		l.Hide()
		s.formScroll.Refresh()
	}
	if s.formStatus.Importance == widget.SuccessImportance {
		s.setStatus("", widget.MediumImportance)
	}
}

func (s *candidateScreen) onBlockEdited(r *blockRow) {
	if s.loading {
		return
	}
	if r.err.Visible() {
		r.err.Hide()
		s.formScroll.Refresh()
	}
	s.onEdited(exam.FieldAcquired)
}

// fill shows c in the form, or an empty form for a new candidate when c is
// nil, and forgets edits and errors.
func (s *candidateScreen) fill(c *exam.Candidate) {
	s.loading = true
	defer func() { s.loading = false }()
	s.current = c
	if c == nil {
		c = &exam.Candidate{BirthCountry: lang.L("candidate.default_country")}
		s.title.SetText(lang.L("candidate.title.new"))
		if s.readOnly {
			c.BirthCountry = ""
			s.title.SetText(lang.L("candidate.title.choose"))
		}
		s.deleteButton.Disable()
	} else {
		s.title.SetText(c.DisplayName())
		s.deleteButton.Enable()
	}
	s.number.SetText(c.Number)
	s.birthName.SetText(c.BirthName)
	s.usageName.SetText(c.UsageName)
	s.firstNames.SetText(c.FirstNames)
	s.setSex(c.Sex)
	s.birthDate.SetText(c.BirthDate.String())
	s.birthCity.SetText(c.BirthCity)
	s.birthCountry.SetText(c.BirthCountry)
	s.email.SetText(c.Email)
	s.phone.SetText(c.Phone)
	s.route.ClearSelected()
	for i, r := range exam.AccessRoutes {
		if r == c.AccessRoute {
			s.route.SetSelectedIndex(i)
		}
	}
	s.centre.SetText(c.TrainingCentre)
	s.sstDate.SetText(c.SSTDate.String())
	for _, r := range s.blocks {
		var a exam.AcquiredBlock
		found := false
		for _, x := range c.Acquired {
			if strings.EqualFold(x.BlockCode, r.block.Code) || strings.EqualFold(x.BlockCode, r.block.Short) {
				a, found = x, true
				break
			}
		}
		r.check.SetChecked(found)
		r.date.SetText(a.Date.String())
		r.session.SetText(a.SessionRef)
		r.enable()
	}
	s.clearErrors()
	s.setStatus("", widget.MediumImportance)
	s.dirty = false
	if s.readOnly {
		s.disableForm()
	}
}

// disableForm turns every field off: the role may read, not change.
func (s *candidateScreen) disableForm() {
	setEnabled(false, s.number, s.birthName, s.usageName, s.firstNames, s.sex, s.birthDate, s.birthCity,
		s.birthCountry, s.email, s.phone, s.route, s.centre, s.sstDate)
	for _, r := range s.blocks {
		setEnabled(false, r.check, r.date, r.session)
	}
}

func (s *candidateScreen) setSex(x exam.Sex) {
	s.sex.SetSelected("")
	for i, v := range sexes {
		if v == x {
			s.sex.SetSelected(s.sex.Options[i])
		}
	}
}

func (s *candidateScreen) sexValue() exam.Sex {
	for i, o := range s.sex.Options {
		if o == s.sex.Selected && o != "" {
			return sexes[i]
		}
	}
	return ""
}

// collect reads the form into a candidate; dates that cannot be read are
// returned as field errors.
func (s *candidateScreen) collect() (*exam.Candidate, []exam.FieldError) {
	c := &exam.Candidate{}
	if s.current != nil {
		cp := *s.current
		c = &cp
	}
	var errs []exam.FieldError
	date := func(field, text string, block string) exam.Date {
		d, err := exam.ParseDate(text)
		if err != nil {
			fe := exam.FieldError{Field: field, Key: "err.date.format", Message: err.Error()}
			if e, ok := err.(*exam.Error); ok {
				fe.Key, fe.Data = e.Key, map[string]any{}
				for k, v := range e.Data {
					fe.Data[k] = v
				}
			}
			if block != "" {
				if fe.Data == nil {
					fe.Data = map[string]any{}
				}
				fe.Data["Block"] = block
			}
			errs = append(errs, fe)
		}
		return d
	}
	c.Number = s.number.Text
	c.BirthName = s.birthName.Text
	c.UsageName = s.usageName.Text
	c.FirstNames = s.firstNames.Text
	c.Sex = s.sexValue()
	c.BirthDate = date(exam.FieldBirthDate, s.birthDate.Text, "")
	c.BirthCity = s.birthCity.Text
	c.BirthCountry = s.birthCountry.Text
	c.Email = s.email.Text
	c.Phone = s.phone.Text
	c.AccessRoute = ""
	if i := s.route.SelectedIndex(); i >= 0 && i < len(exam.AccessRoutes) {
		c.AccessRoute = exam.AccessRoutes[i]
	}
	c.TrainingCentre = s.centre.Text
	c.SSTDate = date(exam.FieldSSTDate, s.sstDate.Text, "")
	var acquired []exam.AcquiredBlock
	if s.current != nil && s.deps.Referentiel != nil {
		// Keep what the form cannot show (a block of another référentiel version).
		for _, a := range s.current.Acquired {
			if s.deps.Referentiel.Block(a.BlockCode) == nil {
				acquired = append(acquired, a)
			}
		}
	}
	for _, r := range s.blocks {
		if !r.check.Checked {
			continue
		}
		acquired = append(acquired, exam.AcquiredBlock{
			BlockCode:  r.block.Code,
			Date:       date(exam.FieldAcquired, r.date.Text, r.block.Code),
			SessionRef: r.session.Text,
		})
	}
	c.Acquired = acquired
	return c, errs
}

// onSave validates and stores the form off the UI goroutine; "Enregistré"
// is shown only once the service has returned without error.
func (s *candidateScreen) onSave() {
	if s.saving || s.readOnly {
		return
	}
	c, parseErrs := s.collect()
	s.clearErrors()
	if len(parseErrs) > 0 {
		// Nothing is sent; show every problem at once, the unreadable dates
		// first and what validation says about the other fields.
		c.Normalize()
		seen := map[string]bool{}
		for _, fe := range parseErrs {
			seen[errorSpot(fe)] = true
		}
		all := parseErrs
		for _, fe := range exam.FieldErrors(c.Validate()) {
			if !seen[errorSpot(fe)] {
				all = append(all, fe)
			}
		}
		s.showFieldErrors(all)
		return
	}
	s.saving = true
	s.dirty = false // being saved: picking another candidate meanwhile needs no warning
	seq := s.loadSeq
	s.saveButton.Disable()
	s.setStatus(lang.L("candidate.saving"), widget.MediumImportance)
	svc, actor := s.deps.Candidates, s.deps.Actor
	s.tasks.run(func() func() {
		ctx := context.Background()
		var err error
		if c.ID == 0 {
			err = svc.CreateCandidate(ctx, actor, c)
		} else {
			err = svc.UpdateCandidate(ctx, actor, c)
		}
		stored := c
		if err == nil {
			if got, gerr := svc.Candidate(ctx, actor, c.ID); gerr == nil {
				stored = got
			}
		}
		return func() {
			s.saving = false
			s.saveButton.Enable()
			if seq != s.loadSeq { // the user moved on to another candidate
				if err != nil {
					s.setStatus(ErrorMessage(err), widget.DangerImportance)
				}
				s.refresh()
				return
			}
			if err != nil {
				s.dirty = true
				if fes := exam.FieldErrors(err); len(fes) > 0 {
					s.showFieldErrors(fes)
				} else {
					s.setStatus(ErrorMessage(err), widget.DangerImportance)
				}
				return
			}
			s.fill(stored)
			s.setStatus(lang.L("candidate.saved"), widget.SuccessImportance)
			s.refresh()
		}
	})
}

// errorSpot is where a field error shows: its field, and for an acquired
// CCP its block.
func errorSpot(fe exam.FieldError) string {
	if b, ok := fe.Data["Block"].(string); ok && fe.Field == exam.FieldAcquired {
		return fe.Field + "|" + strings.ToUpper(b)
	}
	return fe.Field
}

// errorLabel returns the inline label where fe is shown.
func (s *candidateScreen) errorLabel(fe exam.FieldError) *widget.Label {
	if b, ok := fe.Data["Block"].(string); ok && fe.Field == exam.FieldAcquired {
		for _, r := range s.blocks {
			if strings.EqualFold(b, r.block.Code) || strings.EqualFold(b, r.block.Short) {
				return r.err
			}
		}
	}
	return s.fieldErrors[fe.Field]
}

// showFieldErrors shows each error under its field and a summary line, and
// puts the cursor in the first faulty field.
func (s *candidateScreen) showFieldErrors(fes []exam.FieldError) {
	msgs := map[*widget.Label][]string{}
	var order []*widget.Label
	var other []string
	faulty := map[string]bool{}
	for _, fe := range fes {
		l := s.errorLabel(fe)
		if l == nil {
			other = append(other, lang.L("err.field", map[string]any{"Field": fieldLabel(fe.Field), "Message": FieldMessage(fe)}))
			continue
		}
		if _, ok := msgs[l]; !ok {
			order = append(order, l)
		}
		faulty[fe.Field] = true
		msgs[l] = append(msgs[l], sentence(FieldMessage(fe)))
	}
	for _, l := range order {
		l.SetText(strings.Join(msgs[l], lang.L("list.separator")))
		l.Show()
	}
	s.formScroll.Refresh() // lay the form out again around the shown labels
	status := plural(len(order)+len(other), "candidate.errors.one", "candidate.errors.other", nil)
	if len(other) > 0 {
		status += " " + strings.Join(other, lang.L("list.separator"))
	}
	s.setStatus(status, widget.DangerImportance)
	for _, field := range candidateFields { // the first in form order
		if faulty[field] {
			if w := s.fieldWidget(field); w != nil {
				s.win.Canvas().Focus(w)
			}
			break
		}
	}
}

// fieldWidget is the widget that takes the focus for a field, if any.
func (s *candidateScreen) fieldWidget(field string) fyne.Focusable {
	switch field {
	case exam.FieldNumber:
		return s.number
	case exam.FieldBirthName:
		return s.birthName
	case exam.FieldUsageName:
		return s.usageName
	case exam.FieldFirstNames:
		return s.firstNames
	case exam.FieldBirthDate:
		return s.birthDate
	case exam.FieldBirthCity:
		return s.birthCity
	case exam.FieldBirthCountry:
		return s.birthCountry
	case exam.FieldEmail:
		return s.email
	case exam.FieldPhone:
		return s.phone
	case exam.FieldAccessRoute:
		return s.route
	case exam.FieldTrainingCentre:
		return s.centre
	case exam.FieldSSTDate:
		return s.sstDate
	}
	return nil
}

func (s *candidateScreen) clearErrors() {
	for _, l := range s.fieldErrors {
		l.SetText("")
		l.Hide()
	}
	for _, r := range s.blocks {
		r.err.SetText("")
		r.err.Hide()
	}
	s.formScroll.Refresh()
}

func (s *candidateScreen) setStatus(text string, imp widget.Importance) {
	s.formStatus.Importance = imp
	s.formStatus.SetText(text)
	s.formStatus.Refresh()
}

// onNew (Ctrl+N) empties the form for a new candidate.
func (s *candidateScreen) onNew() {
	if s.readOnly {
		return
	}
	s.confirmDiscard(func() {
		s.loadSeq++ // a candidate still loading must not replace the new form
		s.fill(nil)
		s.syncSelection()
		s.win.Canvas().Focus(s.number)
	}, nil)
}

// onCancel forgets the edits: the stored candidate again, or an empty form.
func (s *candidateScreen) onCancel() {
	s.fill(s.current)
	if s.current != nil {
		s.setStatus(lang.L("candidate.cancelled"), widget.MediumImportance)
	}
}

// onDelete asks for confirmation, naming the candidate, then deletes it.
func (s *candidateScreen) onDelete() {
	c := s.current
	if c == nil || s.readOnly {
		return
	}
	d := dialog.NewConfirm(lang.L("candidate.delete.title"),
		lang.L("candidate.delete.message", map[string]any{"Name": c.DisplayName()}),
		func(ok bool) {
			if ok {
				s.deleteCandidate(c)
			}
		}, s.win)
	d.SetConfirmText(lang.L("candidate.delete.confirm"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.SetDismissText(lang.L("action.cancel"))
	s.dialog = d
	d.Show()
}

func (s *candidateScreen) deleteCandidate(c *exam.Candidate) {
	svc, actor, id := s.deps.Candidates, s.deps.Actor, c.ID
	name := c.DisplayName()
	s.tasks.run(func() func() {
		err := svc.DeleteCandidate(context.Background(), actor, id)
		return func() {
			if err != nil {
				s.setStatus(ErrorMessage(err), widget.DangerImportance)
				return
			}
			if s.current != nil && s.current.ID == id {
				s.fill(nil)
			}
			s.setStatus(lang.L("candidate.deleted", map[string]any{"Name": name}), widget.SuccessImportance)
			s.refresh()
		}
	})
}
