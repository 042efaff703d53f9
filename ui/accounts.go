package ui

import (
	"context"
	"strconv"
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

// accountsScreen is the administrator's Comptes tab: the local accounts
// (left) and the form of the selected one (right): name, role, disabled;
// a new account gets its login and initial password; Réinitialiser le mot
// de passe… sets a new one. Fields are touched on the UI goroutine only.
type accountsScreen struct {
	win   fyne.Window
	deps  userDeps
	tasks *tasks

	content fyne.CanvasObject

	newButton  *widget.Button
	count      *widget.Label
	list       *widget.List
	listStatus *widget.Label

	title       *widget.Label
	login       *widget.Entry
	name        *widget.Entry
	role        *widget.RadioGroup
	disabled    *widget.Check
	password    *widget.Entry
	confirm     *widget.Entry
	pwRows      []fyne.CanvasObject // the password rows, shown for a new account only
	info        *widget.Label       // created, last login
	resetButton *widget.Button
	errs        map[string]*widget.Label
	status      *widget.Label
	saveButton  *widget.Button
	cancelBtn   *widget.Button

	items   []exam.Account
	current *exam.Account // the stored account in the form; nil for a new one
	listing bool
	listSeq int
	syncing bool
	loading bool
	dirty   bool
	saving  bool

	dialog dialog.Dialog
	reset  *formDialog

	// The automatic lock (idle.go): the button, and the delay shown.
	autoLockButton *widget.Button
	autoLockLabel  *widget.Label
	autoLock       *autoLockDialog
}

func newAccountsScreen(w fyne.Window, d userDeps, t *tasks) *accountsScreen {
	s := &accountsScreen{win: w, deps: d, tasks: t, errs: map[string]*widget.Label{}}
	s.newButton = widget.NewButtonWithIcon(lang.L("accounts.new"), theme.ContentAddIcon(), s.onNew)
	s.newButton.Importance = widget.HighImportance
	s.count = widget.NewLabel("")
	s.listStatus = newStatusLabel()
	s.listStatus.Hide()
	s.list = widget.NewList(func() int { return len(s.items) }, newTwoLineRow, s.updateRow)
	s.list.OnSelected = s.onListSelected
	s.autoLockButton = widget.NewButtonWithIcon(lang.L("autolock.button"), theme.VisibilityOffIcon(), s.onAutoLock)
	s.autoLockLabel = newWrapLabel("")
	s.autoLockLabel.Importance = widget.LowImportance
	s.loadAutoLock()
	left := container.NewBorder(container.NewVBox(container.NewHBox(s.newButton), s.count, s.listStatus),
		container.NewVBox(widget.NewSeparator(), s.autoLockLabel, container.NewHBox(s.autoLockButton)), nil, nil, s.list)

	s.title = newHeading("")
	entry := func(field string, e *widget.Entry) *widget.Entry {
		e.OnChanged = func(string) { s.onEdited(field) }
		return e
	}
	s.login = entry(exam.FieldLogin, widget.NewEntry())
	s.login.SetPlaceHolder(lang.L("first.login.placeholder"))
	s.name = entry(exam.FieldName, widget.NewEntry())
	s.name.SetPlaceHolder(lang.L("first.name.placeholder"))
	roles := make([]string, len(exam.Roles))
	for i, r := range exam.Roles {
		roles[i] = sentence(roleLabel(r))
	}
	s.role = widget.NewRadioGroup(roles, func(string) { s.onEdited(exam.FieldRole) })
	s.role.Required = true
	s.disabled = widget.NewCheck(lang.L("accounts.disabled"), func(bool) { s.onEdited("disabled") })
	s.password = entry(exam.FieldPassword, widget.NewPasswordEntry())
	s.password.SetPlaceHolder(lang.L("first.password.placeholder", map[string]any{"Min": exam.MinPasswordLength}))
	s.confirm = entry(fieldConfirm, widget.NewPasswordEntry())
	s.info = newWrapLabel("")
	s.info.Importance = widget.LowImportance
	s.resetButton = widget.NewButtonWithIcon(lang.L("accounts.reset"), theme.VisibilityOffIcon(), s.onReset)

	form := container.New(layout.NewFormLayout())
	add := func(field, label string, w fyne.CanvasObject) []fyne.CanvasObject {
		l := newErrorLabel()
		s.errs[field] = l
		lab := widget.NewLabel(label)
		cell := container.NewVBox(w, l)
		form.Add(lab)
		form.Add(cell)
		return []fyne.CanvasObject{lab, cell}
	}
	add(exam.FieldLogin, lang.L("login.login")+" *", s.login)
	add(exam.FieldName, lang.L("account.name")+" *", s.name)
	add(exam.FieldRole, lang.L("accounts.role")+" *", container.NewVBox(s.role, newRoleHelp()))
	add("disabled", "", s.disabled)
	s.pwRows = append(s.pwRows, add(exam.FieldPassword, lang.L("accounts.initial_password")+" *", s.password)...)
	s.pwRows = append(s.pwRows, add(fieldConfirm, lang.L("account.password_confirm")+" *", s.confirm)...)

	s.status = newStatusLabel()
	s.saveButton = widget.NewButtonWithIcon(lang.L("candidate.save"), theme.DocumentSaveIcon(), s.onSave)
	s.saveButton.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButtonWithIcon(lang.L("candidate.cancel"), theme.ContentUndoIcon(), s.onCancel)
	top := container.NewVBox(s.title, widget.NewSeparator())
	body := newPageScroll(container.NewPadded(container.NewVBox(form, s.info, container.NewHBox(s.resetButton))))
	bottom := container.NewVBox(widget.NewSeparator(), s.status, container.NewHBox(s.saveButton, s.cancelBtn))
	right := container.NewBorder(top, bottom, nil, nil, body)

	split := container.NewHSplit(left, right)
	split.Offset = 0.35
	s.content = split
	s.fill(nil)
	s.refresh()
	return s
}

// newRoleHelp says what each role may do.
func newRoleHelp() *widget.Label {
	l := newWrapLabel(lang.L("accounts.role.help"))
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// newTwoLineRow is a list line: a bold title, then details.
func newTwoLineRow() fyne.CanvasObject {
	name := widget.NewLabel("")
	name.TextStyle = fyne.TextStyle{Bold: true}
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(0), name, detail)
}

func (s *accountsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(s.items) {
		return
	}
	a := s.items[id]
	box := o.(*fyne.Container)
	name := box.Objects[0].(*widget.Label)
	name.SetText(a.Name)
	parts := []string{a.Login, roleLabel(a.Role)}
	detail := box.Objects[1].(*widget.Label)
	detail.Importance = widget.MediumImportance
	if a.Disabled {
		parts = append(parts, lang.L("accounts.disabled.short"))
		detail.Importance = widget.WarningImportance
	}
	detail.SetText(strings.Join(parts, " · "))
}

// refresh reloads the accounts, keeping the selection.
func (s *accountsScreen) refresh() {
	svc, actor := s.deps.Accounts, s.deps.Actor
	if svc == nil {
		return
	}
	s.listSeq++
	seq := s.listSeq
	s.listing = true
	s.tasks.run(func() func() {
		list, err := svc.Accounts(context.Background(), actor)
		return func() {
			if seq != s.listSeq {
				return
			}
			s.listing = false
			if err != nil {
				setLabel(s.listStatus, ErrorMessage(err), widget.DangerImportance)
				return
			}
			setLabel(s.listStatus, "", widget.MediumImportance)
			s.items = list
			s.count.SetText(plural(len(list), "accounts.count.one", "accounts.count.other", nil))
			if s.current != nil && !s.dirty {
				for i := range list {
					if list[i].ID == s.current.ID {
						a := list[i]
						s.current = &a
						s.showInfo(&a)
					}
				}
			}
			s.list.Refresh()
			s.syncSelection()
		}
	})
}

// syncSelection selects the account of the form in the list.
func (s *accountsScreen) syncSelection() {
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

func (s *accountsScreen) onListSelected(id widget.ListItemID) {
	if s.syncing || id < 0 || id >= len(s.items) {
		return
	}
	a := s.items[id]
	if s.current != nil && s.current.ID == a.ID {
		return
	}
	s.confirmDiscard(func() { s.fill(&a) }, s.syncSelection)
}

// onNew (Ctrl+N on the tab) empties the form for a new account.
func (s *accountsScreen) onNew() {
	s.confirmDiscard(func() {
		s.fill(nil)
		s.syncSelection()
		s.win.Canvas().Focus(s.login)
	}, nil)
}

// confirmDiscard runs then at once when the form has no unsaved edit, or
// after the user agreed to lose them; otherwise keep, if not nil.
func (s *accountsScreen) confirmDiscard(then, keep func()) {
	if d := confirmDiscard(s.win, &s.dirty, lang.L("accounts.discard.message"), then, keep); d != nil {
		s.dialog = d
	}
}

// fill shows a in the form (nil: a new account) and forgets the edits.
func (s *accountsScreen) fill(a *exam.Account) {
	s.loading = true
	defer func() { s.loading = false }()
	s.current = a
	acc := exam.Account{Role: exam.RoleJury}
	if a != nil {
		acc = *a
	}
	if a == nil {
		s.title.SetText(lang.L("accounts.title.new"))
		s.login.Enable()
	} else {
		s.title.SetText(a.Name)
		s.login.Disable() // a login never changes: the audit log names it
	}
	s.login.SetText(acc.Login)
	s.name.SetText(acc.Name)
	s.role.SetSelected("")
	for i, r := range exam.Roles {
		if r == acc.Role {
			s.role.SetSelected(s.role.Options[i])
		}
	}
	s.disabled.SetChecked(acc.Disabled)
	s.password.SetText("")
	s.confirm.SetText("")
	for _, o := range s.pwRows {
		if a == nil {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if a != nil {
		s.resetButton.Show()
		s.disabled.Show()
	} else {
		s.resetButton.Hide()
		s.disabled.Hide()
	}
	s.showInfo(a)
	s.clearErrors()
	setLabel(s.status, "", widget.MediumImportance)
	s.dirty = false
}

// showInfo says when the account was created and last used.
func (s *accountsScreen) showInfo(a *exam.Account) {
	info := ""
	if a != nil {
		if !a.Created.IsZero() {
			info = lang.L("accounts.created", map[string]any{"At": dateTimeText(a.Created)}) + " · "
		}
		if a.LastLogin.IsZero() {
			info += lang.L("accounts.never_logged_in")
		} else {
			info += lang.L("accounts.last_login", map[string]any{"At": dateTimeText(a.LastLogin)})
		}
	}
	s.info.SetText(info)
}

func (s *accountsScreen) onEdited(field string) {
	if s.loading {
		return
	}
	s.dirty = true
	if l := s.errs[field]; l != nil {
		l.Hide()
	}
	if s.status.Importance == widget.SuccessImportance {
		setLabel(s.status, "", widget.MediumImportance)
	}
}

func (s *accountsScreen) clearErrors() {
	for _, l := range s.errs {
		l.SetText("")
		l.Hide()
	}
}

// roleValue is the role chosen, "" when none.
func (s *accountsScreen) roleValue() exam.Role {
	for i, o := range s.role.Options {
		if o == s.role.Selected && o != "" && i < len(exam.Roles) {
			return exam.Roles[i]
		}
	}
	return ""
}

// onCancel forgets the edits.
func (s *accountsScreen) onCancel() {
	s.fill(s.current)
}

// onSave creates or updates the account; "Enregistré" only once the service
// said yes.
func (s *accountsScreen) onSave() {
	if s.saving || s.deps.Accounts == nil {
		return
	}
	s.clearErrors()
	acc := &exam.Account{}
	if s.current != nil {
		*acc = *s.current
	}
	acc.Login, acc.Name, acc.Role, acc.Disabled = s.login.Text, s.name.Text, s.roleValue(), s.disabled.Checked
	isNew := s.current == nil
	pw := s.password.Text
	var fes []exam.FieldError
	fes = append(fes, exam.FieldErrors(acc.Validate())...)
	if isNew {
		fes = append(fes, exam.FieldErrors(exam.CheckPassword(pw))...)
		if pw != s.confirm.Text {
			fes = append(fes, exam.FieldError{Field: fieldConfirm, Key: "account.password_mismatch", Message: "the passwords differ"})
		}
	}
	if len(fes) > 0 {
		s.showErrors(fes)
		return
	}
	s.saving = true
	s.saveButton.Disable()
	setLabel(s.status, lang.L("candidate.saving"), widget.MediumImportance)
	svc, actor := s.deps.Accounts, s.deps.Actor
	s.tasks.run(func() func() {
		ctx := context.Background()
		var err error
		if isNew {
			err = svc.CreateAccount(ctx, actor, acc, pw)
		} else {
			err = svc.UpdateAccount(ctx, actor, acc)
		}
		return func() {
			s.saving = false
			s.saveButton.Enable()
			if err != nil {
				if fes := exam.FieldErrors(err); len(fes) > 0 {
					s.showErrors(fes)
					return
				}
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			saved := *acc
			s.fill(&saved)
			setLabel(s.status, lang.L("candidate.saved"), widget.SuccessImportance)
			s.refresh()
		}
	})
}

// showErrors puts each error under its field, and the others in the status.
func (s *accountsScreen) showErrors(fes []exam.FieldError) {
	var other []string
	n := 0
	for _, fe := range fes {
		if l := s.errs[fe.Field]; l != nil {
			setLabel(l, sentence(FieldMessage(fe)), widget.DangerImportance)
			n++
			continue
		}
		other = append(other, sentence(FieldMessage(fe)))
	}
	status := plural(n+len(other), "candidate.errors.one", "candidate.errors.other", nil)
	if len(other) > 0 {
		status += " " + strings.Join(other, lang.L("list.separator"))
	}
	setLabel(s.status, status, widget.DangerImportance)
}

// onReset sets a new password for the selected account.
func (s *accountsScreen) onReset() {
	a := s.current
	if a == nil || s.deps.Accounts == nil {
		return
	}
	pw := widget.NewPasswordEntry()
	pw.SetPlaceHolder(lang.L("first.password.placeholder", map[string]any{"Min": exam.MinPasswordLength}))
	confirm := widget.NewPasswordEntry()
	form := container.NewVBox(newWrapLabel(lang.L("accounts.reset.intro", map[string]any{"Name": a.Name, "Login": a.Login})),
		container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.L("password.new")), pw,
			widget.NewLabel(lang.L("account.password_confirm")), confirm))
	svc, actor, id, name := s.deps.Accounts, s.deps.Actor, a.ID, a.Name
	fd := newFormDialog(s.win, lang.L("accounts.reset.title"), lang.L("accounts.reset.confirm"), form, func(fd *formDialog) {
		if pw.Text != confirm.Text {
			fd.fail(lang.L("account.password_mismatch"))
			return
		}
		if err := exam.CheckPassword(pw.Text); err != nil {
			fd.fail(sentence(FieldMessage(exam.FieldErrors(err)[0])))
			return
		}
		fd.working(true)
		newPW := pw.Text
		s.tasks.run(func() func() {
			err := svc.SetPassword(context.Background(), actor, id, "", newPW)
			return func() {
				if err != nil {
					fd.fail(ErrorMessage(err))
					return
				}
				fd.done()
				setLabel(s.status, lang.L("accounts.reset.done", map[string]any{"Name": name}), widget.SuccessImportance)
			}
		})
	})
	fd.dialog.Resize(fyne.NewSize(500, 280))
	s.reset = fd
	s.dialog = fd.dialog
	fd.dialog.Show()
	s.win.Canvas().Focus(pw)
}

// autoLockText says after how long the window locks itself.
func autoLockText(minutes int) string {
	if minutes == 0 {
		return lang.L("autolock.never")
	}
	return lang.L("autolock.after", map[string]any{"Minutes": minutes})
}

// loadAutoLock shows the delay of the automatic lock under the list.
func (s *accountsScreen) loadAutoLock() {
	s.readAutoLock(s.autoLockLabel, func(n int) { setLabel(s.autoLockLabel, autoLockText(n), widget.LowImportance) })
}

// readAutoLock reads the delay off the UI goroutine, then applies it, or
// shows the error in errLine.
func (s *accountsScreen) readAutoLock(errLine *widget.Label, apply func(minutes int)) {
	svc, a := s.deps.Accounts, s.deps.Actor
	if svc == nil {
		return
	}
	s.tasks.run(func() func() {
		n, err := svc.AutoLockMinutes(context.Background(), a)
		return func() {
			if err != nil {
				setLabel(errLine, ErrorMessage(err), widget.DangerImportance)
				return
			}
			apply(n)
		}
	})
}

// autoLockDialog asks the delay of the automatic lock.
type autoLockDialog struct {
	dialog  *dialog.CustomDialog
	minutes *widget.Entry
	errLine *widget.Label
	save    *widget.Button
}

// onAutoLock lets the administrator set the delay of the automatic lock
// (0: never); the new delay applies from the next login.
func (s *accountsScreen) onAutoLock() {
	svc, a := s.deps.Accounts, s.deps.Actor
	if svc == nil {
		return
	}
	d := &autoLockDialog{minutes: widget.NewEntry(), errLine: newErrorLabel()}
	s.autoLock = d
	help := newWrapLabel(lang.L("autolock.help", map[string]any{"Max": exam.MaxAutoLockMinutes}))
	d.save = widget.NewButtonWithIcon(lang.L("candidate.save"), theme.DocumentSaveIcon(), nil)
	d.save.Importance = widget.HighImportance
	d.save.Disable()
	row := container.NewHBox(widget.NewLabel(lang.L("autolock.label")), narrow(d.minutes, 90), widget.NewLabel(lang.L("autolock.unit")))
	content := container.NewVBox(help, row, d.errLine, container.NewHBox(d.save))
	d.dialog = dialog.NewCustom(lang.L("autolock.title"), lang.L("action.close"), content, s.win)
	d.dialog.Resize(fyne.NewSize(560, 300))
	s.readAutoLock(d.errLine, func(n int) {
		d.minutes.SetText(strconv.Itoa(n))
		d.save.Enable()
	})
	d.save.OnTapped = func() {
		n, err := strconv.Atoi(strings.TrimSpace(d.minutes.Text))
		if err != nil {
			err = exam.CheckAutoLockMinutes(-1)
		}
		if err == nil {
			err = exam.CheckAutoLockMinutes(n)
		}
		if err != nil {
			setLabel(d.errLine, ErrorMessage(err), widget.DangerImportance)
			return
		}
		d.save.Disable()
		s.tasks.run(func() func() {
			err := svc.SetAutoLockMinutes(context.Background(), a, n)
			return func() {
				d.save.Enable()
				if err != nil {
					setLabel(d.errLine, ErrorMessage(err), widget.DangerImportance)
					return
				}
				setLabel(s.autoLockLabel, autoLockText(n), widget.LowImportance)
				d.dialog.Hide()
			}
		})
	}
	s.dialog = d.dialog
	d.dialog.Show()
}
