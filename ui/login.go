package ui

import (
	"context"
	"errors"
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

// cardWidth is the width of the login, lock and first-start cards.
const cardWidth = 480

// loginScreen asks for a login and a password; as the lock screen it asks
// the locked user's password only, and offers to change user. A wrong
// password gives one message whatever was wrong; after too many failures
// the button stays off for the wait the service imposes, counted down.
type loginScreen struct {
	m       *mainWindow
	content fyne.CanvasObject
	locked  *exam.Account // the lock screen's user; nil for the login screen

	title    *widget.Label
	login    *widget.Entry
	password *widget.Entry
	submit   *widget.Button
	switcher *widget.Button // lock screen: Changer d'utilisateur
	message  *widget.Label
	hint     *widget.Label

	busy      bool
	waitUntil time.Time // throttled until then
	waitSeq   int
}

// newLoginScreen builds the login screen, or the lock screen of locked.
func newLoginScreen(m *mainWindow, locked *exam.Account) *loginScreen {
	s := &loginScreen{m: m, locked: locked}
	s.title = newHeading(lang.L("login.title"))
	s.login = widget.NewEntry()
	s.login.SetPlaceHolder(lang.L("login.login.placeholder"))
	s.login.OnSubmitted = func(string) { m.win.Canvas().Focus(s.password) }
	s.password = widget.NewPasswordEntry()
	s.password.OnSubmitted = func(string) { s.onSubmit() }
	s.submit = widget.NewButtonWithIcon(lang.L("login.submit"), theme.LoginIcon(), s.onSubmit)
	s.submit.Importance = widget.HighImportance
	s.message = newWrapLabel("")
	s.message.Hide()
	s.hint = newWrapLabel(m.loginHint)
	s.hint.TextStyle = fyne.TextStyle{Italic: true}
	if m.loginHint == "" {
		s.hint.Hide()
	}
	form := container.New(layout.NewFormLayout())
	intro := newWrapLabel(lang.L("login.intro"))
	if locked != nil {
		s.title.SetText(lang.L("lock.title"))
		intro.SetText(lang.L("lock.intro", map[string]any{"User": locked.Name, "Role": roleLabel(locked.Role)}))
		s.submit.SetText(lang.L("lock.submit"))
		s.switcher = widget.NewButtonWithIcon(lang.L("lock.switch"), theme.AccountIcon(), m.onLockedSwitch)
		s.hint.Hide()
	} else {
		form.Add(widget.NewLabel(lang.L("login.login")))
		form.Add(s.login)
	}
	form.Add(widget.NewLabel(lang.L("login.password")))
	form.Add(s.password)
	buttons := container.NewHBox(layout.NewSpacer(), s.submit)
	if s.switcher != nil {
		buttons = container.NewHBox(s.switcher, layout.NewSpacer(), s.submit)
	}
	s.content = newCard(container.NewVBox(s.title, intro, form, s.message, buttons, s.hint))
	return s
}

// focus puts the cursor where the user types first.
func (s *loginScreen) focus() {
	if s.locked != nil || s.login.Text != "" {
		s.m.win.Canvas().Focus(s.password)
		return
	}
	s.m.win.Canvas().Focus(s.login)
}

// onSubmit checks the password with the service (off the UI goroutine).
func (s *loginScreen) onSubmit() {
	if s.busy || s.submit.Disabled() || s.m.deps.Accounts == nil {
		return
	}
	login := strings.TrimSpace(s.login.Text)
	if s.locked != nil {
		login = s.locked.Login
	}
	pw := s.password.Text
	if login == "" || pw == "" {
		setLabel(s.message, lang.L("login.missing"), widget.DangerImportance)
		return
	}
	s.busy = true
	s.submit.Disable()
	setLabel(s.message, lang.L("login.checking_password"), widget.MediumImportance)
	svc := s.m.deps.Accounts
	s.m.tasks.run(func() func() {
		acc, err := svc.Login(context.Background(), login, pw)
		return func() { s.done(acc, err) }
	})
}

// done applies the service's answer.
func (s *loginScreen) done(acc *exam.Account, err error) {
	s.busy = false
	s.submit.Enable()
	otherUser := err == nil && s.locked != nil && acc.ID != s.locked.ID
	if err != nil || otherUser {
		s.password.SetText("")
		s.m.win.Canvas().Focus(s.password)
		switch {
		case otherUser || exam.ErrorCode(err) == exam.EAUTH:
			setLabel(s.message, lang.L("login.failed"), widget.DangerImportance)
		case exam.ErrorCode(err) == exam.ETHROTTLED:
			s.throttle(throttleWait(err))
		default:
			setLabel(s.message, ErrorMessage(err), widget.DangerImportance)
		}
		return
	}
	if s.locked != nil {
		s.m.unlock(acc)
		return
	}
	s.m.enter(acc)
}

// throttleWait is the wait an ETHROTTLED error asks for (at least 1 s).
func throttleWait(err error) time.Duration {
	var wait time.Duration
	var e *exam.Error
	if errors.As(err, &e) {
		wait, _ = e.Data["Wait"].(time.Duration)
	}
	if wait < time.Second {
		wait = time.Second
	}
	return wait
}

// throttle turns the button off for wait and counts it down.
func (s *loginScreen) throttle(wait time.Duration) {
	s.waitUntil = time.Now().Add(wait)
	s.waitSeq++
	s.tick(s.waitSeq)
}

// tick shows the seconds left, re-arming itself every second until the
// wait is over.
func (s *loginScreen) tick(seq int) {
	if seq != s.waitSeq {
		return
	}
	left := time.Until(s.waitUntil)
	if left <= 0 {
		s.submit.Enable()
		setLabel(s.message, lang.L("login.retry_now"), widget.MediumImportance)
		return
	}
	secs := int((left + time.Second - 1) / time.Second)
	s.submit.Disable()
	setLabel(s.message, lang.L("login.throttled", map[string]any{"Seconds": secs}), widget.DangerImportance)
	next := left - time.Duration(secs-1)*time.Second
	t := s.m.tasks
	time.AfterFunc(next, func() { t.do(func() { s.tick(seq) }) })
}

// firstStartScreen creates the administrator on a database without any
// account, or loads the demo data (which brings its own accounts).
type firstStartScreen struct {
	m       *mainWindow
	content fyne.CanvasObject

	login    *widget.Entry
	name     *widget.Entry
	password *widget.Entry
	confirm  *widget.Entry
	errs     map[string]*widget.Label
	create   *widget.Button
	demo     *widget.Button
	status   *widget.Label
	busy     bool
}

// fieldConfirm identifies the password confirmation's errors.
const fieldConfirm = "password_confirm"

func newFirstStartScreen(m *mainWindow) *firstStartScreen {
	s := &firstStartScreen{m: m, errs: map[string]*widget.Label{}}
	s.login = widget.NewEntry()
	s.login.SetPlaceHolder(lang.L("first.login.placeholder"))
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("first.name.placeholder"))
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("first.password.placeholder", map[string]any{"Min": exam.MinPasswordLength}))
	s.confirm = widget.NewPasswordEntry()
	s.confirm.OnSubmitted = func(string) { s.onCreate() }
	form := container.New(layout.NewFormLayout())
	add := func(field, label string, w *widget.Entry) {
		l := newErrorLabel()
		s.errs[field] = l
		w.OnChanged = func(string) { l.Hide() }
		form.Add(widget.NewLabel(label))
		form.Add(container.NewVBox(w, l))
	}
	add(exam.FieldLogin, lang.L("login.login"), s.login)
	add(exam.FieldName, lang.L("account.name"), s.name)
	add(exam.FieldPassword, lang.L("login.password"), s.password)
	add(fieldConfirm, lang.L("account.password_confirm"), s.confirm)
	s.create = widget.NewButtonWithIcon(lang.L("first.create"), theme.ConfirmIcon(), s.onCreate)
	s.create.Importance = widget.HighImportance
	s.status = newStatusLabel()
	s.status.Hide()
	box := container.NewVBox(newHeading(lang.L("first.title")), newWrapLabel(lang.L("first.intro")),
		form, s.status, container.NewHBox(layout.NewSpacer(), s.create))
	if m.deps.LoadDemo != nil {
		s.demo = widget.NewButtonWithIcon(lang.L("candidates.empty.demo"), theme.ContentAddIcon(), s.onDemo)
		box.Add(widget.NewSeparator())
		box.Add(newWrapLabel(lang.L("first.demo")))
		box.Add(container.NewHBox(s.demo))
	}
	s.content = newCard(box)
	return s
}

// onCreate checks the form, creates the administrator and logs them in.
func (s *firstStartScreen) onCreate() {
	if s.busy {
		return
	}
	for _, l := range s.errs {
		l.Hide()
	}
	acc := &exam.Account{Login: s.login.Text, Name: s.name.Text, Role: exam.RoleAdmin}
	pw := s.password.Text
	var fes []exam.FieldError
	fes = append(fes, exam.FieldErrors(acc.Validate())...)
	fes = append(fes, exam.FieldErrors(exam.CheckPassword(pw))...)
	if pw != s.confirm.Text {
		fes = append(fes, exam.FieldError{Field: fieldConfirm, Key: "account.password_mismatch", Message: "the passwords differ"})
	}
	if len(fes) > 0 {
		s.showErrors(fes)
		return
	}
	s.busy = true
	s.create.Disable()
	setLabel(s.status, lang.L("first.creating"), widget.MediumImportance)
	svc := s.m.deps.Accounts
	s.m.tasks.run(func() func() {
		ctx := context.Background()
		err := svc.CreateFirstAdmin(ctx, acc, pw)
		var got *exam.Account
		if err == nil {
			got, err = svc.Login(ctx, acc.Login, pw)
		}
		return func() {
			s.busy = false
			s.create.Enable()
			if err != nil {
				if fes := exam.FieldErrors(err); len(fes) > 0 {
					s.showErrors(fes)
					return
				}
				setLabel(s.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			s.m.enter(got)
		}
	})
}

// showErrors puts each error under its field.
func (s *firstStartScreen) showErrors(fes []exam.FieldError) {
	var other []string
	for _, fe := range fes {
		if l := s.errs[fe.Field]; l != nil {
			setLabel(l, sentence(FieldMessage(fe)), widget.DangerImportance)
			continue
		}
		other = append(other, sentence(FieldMessage(fe)))
	}
	setLabel(s.status, strings.Join(other, lang.L("list.separator")), widget.DangerImportance)
}

// onDemo loads the demo data (and its accounts), then asks to log in.
func (s *firstStartScreen) onDemo() {
	load := s.m.deps.LoadDemo
	if s.busy || load == nil {
		return
	}
	s.busy = true
	setEnabled(false, s.create, s.demo)
	s.demo.SetText(lang.L("candidates.empty.demo_loading"))
	s.m.tasks.run(func() func() {
		err := load(context.Background(), exam.System)
		return func() {
			s.busy = false
			setEnabled(true, s.create, s.demo)
			s.demo.SetText(lang.L("candidates.empty.demo"))
			if err != nil {
				setLabel(s.status, lang.L("candidates.empty.demo_failed")+" "+ErrorMessage(err), widget.DangerImportance)
				return
			}
			s.m.loginHint = s.m.deps.DemoAccounts
			s.m.showLogin("")
		}
	})
}

// newCard centres content on the window at a readable width.
func newCard(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(container.New(&fixedWidth{width: cardWidth}, container.NewPadded(content)))
}

// fixedWidth lays its objects out at one width, as tall as they need.
type fixedWidth struct{ width float32 }

func (l *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		if o.Size().Width != l.width {
			// Wrapped labels measure their height at their width: give it
			// to them before asking (at no width they would be very tall).
			o.Resize(fyne.NewSize(l.width, o.Size().Height))
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, h)
}

func (l *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// showFirstStart shows the creation of the administrator.
func (m *mainWindow) showFirstStart() {
	m.first = newFirstStartScreen(m)
	m.setStage(stageFirstStart, m.first.content)
	m.win.Canvas().Focus(m.first.login)
}

// showLogin shows the login screen, with login typed in if given.
func (m *mainWindow) showLogin(login string) {
	m.login = newLoginScreen(m, nil)
	m.login.login.SetText(login)
	m.setStage(stageLogin, m.login.content)
	m.login.focus()
}

// onLock (Ctrl+L) hides everything behind the lock screen, dialogs
// included; only the same user's password shows it again.
func (m *mainWindow) onLock() {
	if m.stage != stageWorking || m.account == nil {
		return
	}
	ov := m.win.Canvas().Overlays()
	for _, o := range ov.List() {
		if p, ok := o.(*widget.PopUp); ok {
			p.Hide()
			m.hidden = append(m.hidden, p)
			continue
		}
		ov.Remove(o)
	}
	if m.sessions != nil {
		m.sessions.setShown(false) // no countdown behind the lock
	}
	m.lock = &lockScreen{newLoginScreen(m, m.account)}
	m.setStage(stageLocked, m.lock.content)
	m.lock.focus()
}

// lockScreen is the login screen of the locked user.
type lockScreen struct{ *loginScreen }

// unlock shows the user's screens again as they were.
func (m *mainWindow) unlock(acc *exam.Account) {
	m.account.LastLogin = acc.LastLogin
	m.lock = nil
	m.idle.touch()
	m.setStage(stageWorking, m.workspace)
	for _, p := range m.hidden {
		p.Show()
	}
	m.hidden = nil
	m.onTab(m.tabs.Selected())
}

// onSwitchUser (menu) logs out, after the screens' own confirmations of
// unsaved edits.
func (m *mainWindow) onSwitchUser() {
	if m.stage != stageWorking {
		return
	}
	m.confirmDiscard(m.logout)
}

// onLockedSwitch (lock screen) logs the locked user out; their unsaved
// edits, which cannot be shown, are lost only after a confirmation.
func (m *mainWindow) onLockedSwitch() {
	m.confirmLockedDiscard(lang.L("lock.switch.confirm", map[string]any{"User": m.account.Name}), m.logout)
}

// confirmLockedDiscard runs then at once when no form is dirty, otherwise
// after the user agreed to lose the edits.
func (m *mainWindow) confirmLockedDiscard(msg string, then func()) {
	if !m.dirty() {
		then()
		return
	}
	d := dialog.NewConfirm(lang.L("candidate.discard.title"), msg, func(ok bool) {
		if ok {
			then()
		}
	}, m.win)
	d.SetConfirmText(lang.L("candidate.discard.confirm"))
	d.SetDismissText(lang.L("action.cancel"))
	m.dialog = d
	d.Show()
}

// onChangePassword lets the user change their own password, giving the
// current one.
func (m *mainWindow) onChangePassword() {
	if m.stage != stageWorking || m.account == nil || m.deps.Accounts == nil {
		return
	}
	old := widget.NewPasswordEntry()
	pw := widget.NewPasswordEntry()
	confirm := widget.NewPasswordEntry()
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("password.old")), old,
		widget.NewLabel(lang.L("password.new")), pw,
		widget.NewLabel(lang.L("account.password_confirm")), confirm)
	svc, actor, id := m.deps.Accounts, m.user.Actor, m.account.ID
	fd := newFormDialog(m.win, lang.L("password.title"), lang.L("password.change"), form, func(fd *formDialog) {
		if pw.Text != confirm.Text {
			fd.fail(lang.L("account.password_mismatch"))
			return
		}
		if err := exam.CheckPassword(pw.Text); err != nil {
			fd.fail(sentence(FieldMessage(exam.FieldErrors(err)[0])))
			return
		}
		fd.working(true)
		oldPW, newPW := old.Text, pw.Text
		m.tasks.run(func() func() {
			err := svc.SetPassword(context.Background(), actor, id, oldPW, newPW)
			return func() {
				if err != nil {
					fd.fail(ErrorMessage(err))
					return
				}
				fd.done()
				info := dialog.NewInformation(lang.L("password.title"), lang.L("password.changed"), m.win)
				m.dialog = info
				info.Show()
			}
		})
	})
	fd.dialog.Resize(fyne.NewSize(480, 260))
	m.dialog = fd.dialog
	fd.dialog.Show()
	m.win.Canvas().Focus(old)
}
