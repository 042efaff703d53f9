// Package ui is the desktop interface of AMIS Jury, built with Fyne.
//
// It depends on the domain (package exam) and on the few functions the
// command wires in Deps; it never talks SQL. Every screen is a struct built
// by newXScreen holding its widgets; handlers are named onX; work that can
// take time runs off the UI goroutine through tasks and its result is
// applied with fyne.Do. Every user-facing string goes through lang.L with a
// key present in assets/translations/fr.json and en.json.
package ui

import (
	"context"
	"errors"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// Deps are what the UI needs; cmd/amis wires them. They hold no user: the
// window asks who is there (first start, login) and builds the screens of
// that user's role, each acting as that user (see userDeps).
type Deps struct {
	Candidates  exam.CandidateService
	Referentiel *exam.Referentiel
	// Accounts logs users in and manages the local accounts; nil leaves
	// the window on a message (the app cannot be used without accounts).
	Accounts exam.AccountService
	// Accommodations stores the accommodation profiles; nil leaves the
	// referent's Aménagements screen empty.
	Accommodations exam.AccommodationService
	DBPath         string
	Version        string
	// Import decodes and imports a candidate file (all-or-nothing) as the
	// acting user — storage/xlsx.ImportFile bound to the service.
	Import func(ctx context.Context, a exam.Actor, path string, progress exam.ImportProgress) (*exam.ImportReport, error)
	// LoadDemo fills the database with demo data, including the demo
	// accounts (nil hides the button). It runs as a: exam.System on the
	// first start, when no account exists yet.
	LoadDemo func(ctx context.Context, a exam.Actor) error
	// DemoAccounts describes the demo accounts (logins and passwords); the
	// login screen shows it once the demo data is loaded (DemoLoaded, or
	// the first-start button).
	DemoAccounts string
	// DemoLoaded says that the demo data was loaded at start (amis --demo).
	DemoLoaded bool
	// TemplateXLSX is the import template to save for the user
	// (assets.ImportTemplate); empty disables the command.
	TemplateXLSX []byte

	// Sessions, Evaluations and Deliberation run the jury mode; a nil
	// Sessions leaves the Sessions tab empty.
	Sessions     exam.SessionService
	Evaluations  exam.EvaluationService
	Deliberation exam.DeliberationService
	// Documents renders the session documents; nil disables the buttons.
	Documents Documents
	// Export writes the certifier export (nil hides the menu item).
	Export ExportFunc
	// Privacy runs the retention purge and the right-of-access export
	// (administrators); nil hides the menu items.
	Privacy PrivacyService
	// QCM runs the question bank, questionnaires and the candidate mode;
	// a nil QCM.QCM hides the QCM tab. Its CheckJuryPassword is set by the
	// window (the logged-in jury member's password).
	QCM QCMDeps
	// Now is the clock (nil: time.Now); tests set it.
	Now func() time.Time
}

// now reads the clock of d.
func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// userDeps are the dependencies of the screens built for one logged-in
// user: the app's Deps and the actor every service call is made as. The
// screens are built at login and dropped at logout, so a user never acts
// with the previous user's identity.
type userDeps struct {
	Deps
	Actor exam.Actor
}

// Documents writes the documents of a session; cmd/amis binds it to
// storage/pdf and storage/xlsx. The UI hands it the acting user and the
// file the user chose.
type Documents interface {
	// Minutes writes the procès-verbal of a certification session as PDF.
	Minutes(ctx context.Context, a exam.Actor, sessionID int64, w io.Writer) error
	// Feedback writes the feedback sheet of one candidate of a mock exam,
	// format "pdf" or "xlsx".
	Feedback(ctx context.Context, a exam.Actor, sessionID, candidateID int64, format string, w io.Writer) error
	// Convocations writes the convocation list of a session as .xlsx.
	Convocations(ctx context.Context, a exam.Actor, sessionID int64, w io.Writer) error
	// ArchivedMinutes returns the PVs of a session a purge archived
	// (docs/privacy.md), oldest first; none for most sessions.
	ArchivedMinutes(ctx context.Context, a exam.Actor, sessionID int64) ([]exam.ArchivedMinutes, error)
}

// Keyboard shortcuts, on the main menu (so that they work while an entry has
// the focus) and on the window canvas.
var (
	shortcutNew    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSave   = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	// Ctrl+1, Ctrl+2, Ctrl+3 show the first, second and third tab of the
	// role (Candidats, Sessions, Comptes for an administrator); Ctrl+PgDn
	// and Ctrl+PgUp go through the sub-screens of the open session.
	shortcutCandidates = &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSessions   = &desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutThirdTab   = &desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutNextPart   = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutPrevPart   = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault}
	// Ctrl+L locks the window.
	shortcutLock = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
)

// stage is what the window shows.
type stage int

const (
	stageStarting   stage = iota // asking whether an account exists
	stageFirstStart              // creating the administrator
	stageLogin                   // the login screen
	stageWorking                 // a user's screens
	stageLocked                  // the lock screen over a user's screens
)

// mainWindow is the app's window: who is there (first start, login, lock),
// then the screens of the logged-in user's role, the menu and the status
// bar.
type mainWindow struct {
	app      fyne.App
	win      fyne.Window
	deps     Deps
	settings *Settings
	tasks    *tasks

	stage   stage
	account *exam.Account // the logged-in user; nil before login
	user    userDeps      // Deps acting as account

	// The logged-in user's screens; nil when the role has none, and all
	// nil before login and after logout.
	tabs              *container.AppTabs
	candidatesTab     *container.TabItem
	sessionsTab       *container.TabItem
	accountsTab       *container.TabItem
	accommodationsTab *container.TabItem
	candidates        *candidateScreen
	sessions          *sessionsScreen // nil without Deps.Sessions
	accounts          *accountsScreen
	accommodations    *accommodationsScreen
	qcm               *qcmScreen // nil without Deps.QCM.QCM
	status            *widget.Label
	workspace         fyne.CanvasObject // the tabs and the status bar

	first   *firstStartScreen
	login   *loginScreen
	lock    *lockScreen
	message *widget.Label // the start screen's line (checking, or why not)
	// hidden are the dialogs the lock took off the screen, shown again on
	// unlock.
	hidden []*widget.PopUp
	// loginHint is shown under the login form (the demo accounts).
	loginHint string

	langItems map[string]*fyne.MenuItem
	newItem   *fyne.MenuItem // "Nouveau candidat" or "Nouvelle session", after the tab

	// dialog is the last dialog opened from the menu, for tests.
	dialog dialog.Dialog
	// idle locks the window after a while without activity (idle.go).
	idle *idleWatch
}

// NewMainWindow builds the main window: title "AMIS Jury", the first-start
// or login screen, then the screens of the user's role. Call SetupLanguage
// before.
func NewMainWindow(a fyne.App, d Deps) fyne.Window {
	return newMainWindow(a, d, newTasks()).win
}

func newMainWindow(a fyne.App, d Deps, t *tasks) *mainWindow {
	a.Settings().SetTheme(newTheme())
	m := &mainWindow{
		app:      a,
		win:      a.NewWindow(lang.L("app.title")),
		deps:     d,
		settings: NewSettings(a.Preferences()),
		tasks:    t,
	}
	if d.DemoLoaded {
		m.loginHint = d.DemoAccounts
	}
	m.idle = newIdleWatch(m)
	c := m.win.Canvas()
	if dc, ok := c.(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { m.idle.touch() })
	}
	c.SetOnTypedRune(func(rune) { m.idle.touch() })
	c.AddShortcut(shortcutNew, m.whileWorking(m.onNew))
	c.AddShortcut(shortcutSave, m.whileWorking(m.onSave))
	c.AddShortcut(shortcutSearch, m.whileWorking(m.onSearch))
	c.AddShortcut(shortcutCandidates, m.whileWorking(func() { m.selectTab(0) }))
	c.AddShortcut(shortcutSessions, m.whileWorking(func() { m.selectTab(1) }))
	c.AddShortcut(shortcutThirdTab, m.whileWorking(func() { m.selectTab(2) }))
	c.AddShortcut(shortcutNextPart, m.whileWorking(func() { m.onPart(1) }))
	c.AddShortcut(shortcutPrevPart, m.whileWorking(func() { m.onPart(-1) }))
	c.AddShortcut(shortcutLock, m.whileWorking(m.onLock))
	m.win.SetCloseIntercept(m.onQuit)
	m.win.SetOnClosed(m.closeScreens)
	m.win.SetMaster()
	m.win.Resize(fyne.NewSize(1200, 800))
	m.start()
	return m
}

// whileWorking wraps a shortcut's action: it runs only while a user's
// screens are shown (never over the login or lock screen).
func (m *mainWindow) whileWorking(f func()) func(fyne.Shortcut) {
	return func(fyne.Shortcut) {
		if m.stage == stageWorking {
			f()
		}
	}
}

// start asks whether any account exists: the first start creates the
// administrator, otherwise the login screen comes.
func (m *mainWindow) start() {
	m.stage = stageStarting
	m.message = newWrapLabel(lang.L("login.checking"))
	m.message.Alignment = fyne.TextAlignCenter
	m.win.SetContent(container.NewCenter(m.message))
	m.win.SetMainMenu(m.makeMenu())
	m.updateTitle()
	svc := m.deps.Accounts
	if svc == nil {
		setLabel(m.message, lang.L("login.unavailable"), widget.DangerImportance)
		return
	}
	m.tasks.run(func() func() {
		has, err := svc.HasAccounts(context.Background())
		return func() {
			if m.stage != stageStarting {
				return // someone is already in (tests enter directly)
			}
			switch {
			case err != nil:
				setLabel(m.message, ErrorMessage(err), widget.DangerImportance)
			case has:
				m.showLogin("")
			default:
				m.showFirstStart()
			}
		}
	})
}

// setStage shows content for stage s, with the menu and title of that
// stage.
func (m *mainWindow) setStage(s stage, content fyne.CanvasObject) {
	m.stage = s
	m.win.SetContent(content)
	m.win.SetMainMenu(m.makeMenu())
	m.updateTitle()
}

// updateTitle names the app and, once someone is logged in, the user and
// their role.
func (m *mainWindow) updateTitle() {
	if m.account == nil {
		m.win.SetTitle(lang.L("app.title"))
		return
	}
	m.win.SetTitle(lang.L("app.title.user", map[string]any{"User": m.account.Name, "Role": roleLabel(m.account.Role)}))
}

// enter builds the screens of acc's role and shows them: the tabs its role
// may use, each acting as acc. Only what the role may do is offered (the
// services refuse the rest anyway).
func (m *mainWindow) enter(acc *exam.Account) {
	m.closeScreens()
	m.account = acc
	u := userDeps{Deps: m.deps, Actor: acc.Actor()}
	m.user = u
	var items []*container.TabItem
	switch acc.Role {
	case exam.RoleReferent:
		m.accommodations = newAccommodationsScreen(m.app, m.win, u, m.tasks)
		m.accommodationsTab = container.NewTabItemWithIcon(lang.L("tab.accommodations"), theme.AccountIcon(), m.accommodations.content)
		items = append(items, m.accommodationsTab)
	default: // administrator, jury member
		m.candidates = newCandidateScreen(m.app, m.win, u, m.tasks)
		m.candidatesTab = container.NewTabItemWithIcon(lang.L("tab.candidates"), theme.AccountIcon(), m.candidates.content)
		var sessionsContent fyne.CanvasObject
		if m.deps.Sessions != nil {
			m.sessions = newSessionsScreen(m.app, m.win, u, m.tasks)
			sessionsContent = m.sessions.content
		} else {
			sessionsContent = container.NewCenter(widget.NewLabel(lang.L("sessions.unavailable")))
		}
		m.sessionsTab = container.NewTabItemWithIcon(lang.L("tab.sessions"), theme.CalendarIcon(), sessionsContent)
		items = append(items, m.candidatesTab, m.sessionsTab)
		if m.deps.QCM.QCM != nil {
			qd := m.deps.QCM
			login := acc.Login
			qd.CheckJuryPassword = func(ctx context.Context, _ exam.Actor, pw string) error {
				// The jury member who opened the candidate mode closes it.
				got, err := m.deps.Accounts.Login(ctx, login, pw)
				if err != nil {
					return err
				}
				return got.Actor().Require(exam.PermRunSessions)
			}
			actor := u.Actor
			m.qcm = newQCMScreen(m.win, qd, func() exam.Actor { return actor }, m.tasks)
			items = append(items, container.NewTabItemWithIcon(lang.L("tab.qcm"), theme.ListIcon(), m.qcm.content))
		}
		if u.Actor.Can(exam.PermManageUsers) {
			m.accounts = newAccountsScreen(m.win, u, m.tasks)
			m.accountsTab = container.NewTabItemWithIcon(lang.L("tab.accounts"), theme.SettingsIcon(), m.accounts.content)
			items = append(items, m.accountsTab)
		}
	}
	m.tabs = container.NewAppTabs(items...)
	m.tabs.OnSelected = m.onTab
	m.status = widget.NewLabel(lang.L("status.bar", map[string]any{
		"Path": m.deps.DBPath, "User": acc.Name, "Role": roleLabel(acc.Role),
	}))
	m.status.Truncation = fyne.TextTruncateEllipsis
	m.status.SizeName = theme.SizeNameCaptionText
	bottom := container.NewVBox(widget.NewSeparator(), m.status)
	m.workspace = container.NewStack(newActivitySensor(m.idle.touch),
		container.New(layout.NewBorderLayout(nil, bottom, nil, nil), m.tabs, bottom))
	m.first, m.login, m.lock = nil, nil, nil
	m.setStage(stageWorking, m.workspace)
	m.onTab(m.tabs.Selected())
	m.idle.start(acc.Actor())
}

// closeScreens stops what the user's screens run in the background and
// forgets them (nothing of them is shown again).
func (m *mainWindow) closeScreens() {
	m.idle.stopTicking()
	if m.sessions != nil {
		m.sessions.close()
	}
	if m.accommodations != nil {
		m.accommodations.close()
	}
	if m.qcm != nil {
		m.qcm.close()
		m.qcm = nil
	}
	m.tabs, m.workspace, m.status = nil, nil, nil
	m.candidatesTab, m.sessionsTab, m.accountsTab, m.accommodationsTab = nil, nil, nil, nil
	m.candidates, m.sessions, m.accounts, m.accommodations = nil, nil, nil, nil
	m.newItem = nil
}

// logout drops the user's screens and dialogs and shows the login screen.
func (m *mainWindow) logout() {
	m.dropOverlays()
	m.closeScreens()
	m.account = nil
	m.user = userDeps{}
	m.lock = nil
	m.showLogin("")
}

// dropOverlays closes every dialog of the window, those hidden by the lock
// too: none of them may outlive its user.
func (m *mainWindow) dropOverlays() {
	for _, p := range m.hidden {
		p.Hide()
	}
	m.hidden = nil
	ov := m.win.Canvas().Overlays()
	for _, o := range ov.List() {
		o.Hide()
		ov.Remove(o)
	}
}

// dirty reports whether any of the user's forms has unsaved edits.
func (m *mainWindow) dirty() bool {
	return (m.candidates != nil && m.candidates.dirty) || (m.sessions != nil && m.sessions.dirty()) ||
		(m.accounts != nil && m.accounts.dirty) || (m.accommodations != nil && m.accommodations.dirty)
}

// confirmDiscard runs then when no form of the user has unsaved edits, or
// after each screen's own confirmation.
func (m *mainWindow) confirmDiscard(then func()) {
	steps := []func(next func()){}
	if m.candidates != nil {
		steps = append(steps, func(next func()) { m.candidates.confirmDiscard(next, nil) })
	}
	if m.sessions != nil {
		steps = append(steps, func(next func()) { m.sessions.confirmDiscard(next, nil) })
	}
	if m.accounts != nil {
		steps = append(steps, func(next func()) { m.accounts.confirmDiscard(next, nil) })
	}
	if m.accommodations != nil {
		steps = append(steps, func(next func()) { m.accommodations.confirmDiscard(next, nil) })
	}
	var run func(i int)
	run = func(i int) {
		if i == len(steps) {
			then()
			return
		}
		steps[i](func() { run(i + 1) })
	}
	run(0)
}

func (m *mainWindow) makeMenu() *fyne.MainMenu {
	quit := fyne.NewMenuItem(lang.L("menu.file.quit"), m.onQuit)
	quit.IsQuit = true
	m.langItems = map[string]*fyne.MenuItem{
		LangFrench:  fyne.NewMenuItem(lang.L("menu.view.language.fr"), func() { m.onLanguage(LangFrench) }),
		LangEnglish: fyne.NewMenuItem(lang.L("menu.view.language.en"), func() { m.onLanguage(LangEnglish) }),
	}
	m.checkLanguage()
	langItem := fyne.NewMenuItem(lang.L("menu.view.language"), nil)
	langItem.ChildMenu = fyne.NewMenu("", m.langItems[LangFrench], m.langItems[LangEnglish])
	about := fyne.NewMenuItem(lang.L("menu.help.about"), m.onAbout)
	help := fyne.NewMenu(lang.L("menu.help"), about)
	m.newItem = nil
	if m.stage != stageWorking || m.account == nil {
		// Nobody at work: nothing but quitting, the language and À propos.
		return fyne.NewMainMenu(fyne.NewMenu(lang.L("menu.file"), quit),
			fyne.NewMenu(lang.L("menu.view"), langItem), help)
	}
	actor := m.user.Actor
	var fileItems, viewItems []*fyne.MenuItem
	if m.candidates != nil && actor.Can(exam.PermManageCandidates) {
		newItem := fyne.NewMenuItem(lang.L("menu.file.new"), m.onNew)
		newItem.Shortcut = shortcutNew
		m.newItem = newItem
		fileItems = append(fileItems, newItem)
	}
	if actor.Can(exam.PermManageCandidates) || actor.Can(exam.PermManageAccommodations) {
		saveItem := fyne.NewMenuItem(lang.L("menu.file.save"), m.onSave)
		saveItem.Shortcut = shortcutSave
		fileItems = append(fileItems, saveItem)
	}
	if m.candidates != nil && actor.Can(exam.PermManageCandidates) {
		s := m.candidates
		importItem := fyne.NewMenuItem(lang.L("menu.file.import"), s.onImport)
		importItem.Disabled = m.deps.Import == nil
		templateItem := fyne.NewMenuItem(lang.L("menu.file.template"), s.onTemplate)
		templateItem.Disabled = len(m.deps.TemplateXLSX) == 0
		fileItems = append(fileItems, fyne.NewMenuItemSeparator(), importItem, templateItem)
	}
	if actor.Can(exam.PermExport) {
		exportItem := fyne.NewMenuItem(lang.L("menu.file.export"), m.onExport)
		exportItem.Disabled = m.deps.Export == nil || m.deps.Sessions == nil
		fileItems = append(fileItems, fyne.NewMenuItemSeparator(), exportItem)
		if m.deps.Privacy != nil {
			privacy := m.deps.Privacy
			fileItems = append(fileItems,
				fyne.NewMenuItem(lang.L("menu.privacy.access"), func() {
					showAccessExportDialog(m.win, privacy, m.user.Actor, nil)
				}),
				fyne.NewMenuItem(lang.L("menu.privacy.purge"), func() {
					showPurgeDialog(m.win, privacy, m.user.Actor)
				}))
		}
	}
	if len(fileItems) > 0 {
		fileItems = append(fileItems, fyne.NewMenuItemSeparator())
	}
	fileItems = append(fileItems, quit)

	tabShortcuts := []fyne.Shortcut{shortcutCandidates, shortcutSessions, shortcutThirdTab}
	for i, t := range m.tabs.Items {
		i := i
		item := fyne.NewMenuItem(t.Text, func() { m.selectTab(i) })
		if i < len(tabShortcuts) {
			item.Shortcut = tabShortcuts[i]
		}
		viewItems = append(viewItems, item)
	}
	if m.sessions != nil {
		nextItem := fyne.NewMenuItem(lang.L("menu.view.next_part"), func() { m.onPart(1) })
		nextItem.Shortcut = shortcutNextPart
		prevItem := fyne.NewMenuItem(lang.L("menu.view.prev_part"), func() { m.onPart(-1) })
		prevItem.Shortcut = shortcutPrevPart
		viewItems = append(viewItems, nextItem, prevItem)
	}
	searchItem := fyne.NewMenuItem(lang.L("menu.view.search"), m.onSearch)
	searchItem.Shortcut = shortcutSearch
	viewItems = append(viewItems, fyne.NewMenuItemSeparator(), searchItem, fyne.NewMenuItemSeparator(), langItem)

	who := fyne.NewMenuItem(lang.L("menu.user.who", map[string]any{"User": m.account.Name, "Role": roleLabel(m.account.Role)}), nil)
	who.Disabled = true
	lockItem := fyne.NewMenuItem(lang.L("menu.user.lock"), m.onLock)
	lockItem.Shortcut = shortcutLock
	switchItem := fyne.NewMenuItem(lang.L("menu.user.switch"), m.onSwitchUser)
	passwordItem := fyne.NewMenuItem(lang.L("menu.user.password"), m.onChangePassword)
	user := fyne.NewMenu(lang.L("menu.user"), who, fyne.NewMenuItemSeparator(), lockItem, switchItem, passwordItem)
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("menu.file"), fileItems...), fyne.NewMenu(lang.L("menu.view"), viewItems...), user, help)
}

// checkLanguage ticks the language the app will use at its next start.
func (m *mainWindow) checkLanguage() {
	want := m.settings.Language()
	if want == "" {
		want = currentLanguage()
	}
	for l, item := range m.langItems {
		item.Checked = l == want
	}
}

// onLanguage stores the language for the next start: the UI is built with
// its strings once, so the change cannot apply to open windows.
func (m *mainWindow) onLanguage(l string) {
	m.settings.SetLanguage(l)
	m.checkLanguage()
	if mm := m.win.MainMenu(); mm != nil {
		mm.Refresh()
	}
	name := lang.L("menu.view.language." + l)
	msg := lang.L("language.changed", map[string]any{"Language": name})
	if l == currentLanguage() {
		msg = lang.L("language.current", map[string]any{"Language": name})
	}
	d := dialog.NewInformation(lang.L("language.title"), msg, m.win)
	m.dialog = d
	d.Show()
}

// onExport lists the sessions off the UI goroutine, then opens the export
// dialog on them.
func (m *mainWindow) onExport() {
	if m.deps.Export == nil || m.deps.Sessions == nil || m.stage != stageWorking || !m.user.Actor.Can(exam.PermExport) {
		return
	}
	svc, actor, export := m.deps.Sessions, m.user.Actor, m.deps.Export
	m.tasks.run(func() func() {
		list, err := svc.FindSessions(context.Background(), actor, exam.SessionFilter{})
		return func() {
			if err != nil {
				dialog.ShowError(errors.New(ErrorMessage(err)), m.win)
				return
			}
			showExportDialog(m.win, list, func(ctx context.Context, ids []int64, draft bool, format ExportFormat, path string, progress func(done, total int)) error {
				return export(ctx, actor, ids, draft, format, path, progress)
			})
		}
	})
}

// onAbout shows the version, the database and the référentiel in use.
func (m *mainWindow) onAbout() {
	ref := m.deps.Referentiel
	refText := ""
	if ref != nil {
		refText = lang.L("about.referentiel", map[string]any{
			"Code": ref.Code, "Acronym": ref.Acronym, "Version": ref.Version,
		})
	}
	userText := ""
	if m.account != nil {
		userText = lang.L("about.user", map[string]any{"User": m.account.Name, "Role": roleLabel(m.account.Role)})
	}
	lines := []string{
		lang.L("about.version", map[string]any{"Version": m.deps.Version}),
		lang.L("about.database", map[string]any{"Path": m.deps.DBPath}),
		refText,
		userText,
	}
	box := container.NewVBox()
	for _, l := range lines {
		if l == "" {
			continue
		}
		label := widget.NewLabel(l)
		label.Wrapping = fyne.TextWrapWord
		label.Selectable = true
		box.Add(label)
	}
	d := dialog.NewCustom(lang.L("about.title"), lang.L("action.close"), box, m.win)
	d.Resize(fyne.NewSize(600, 320))
	m.dialog = d
	d.Show()
}

// onQuit closes the app, after confirmation when a form has unsaved edits.
// Over the lock screen, the locked user's edits are lost only after a
// confirmation too.
func (m *mainWindow) onQuit() {
	switch m.stage {
	case stageWorking:
		m.confirmDiscard(m.app.Quit)
	case stageLocked:
		m.confirmLockedDiscard(lang.L("lock.quit.confirm"), m.app.Quit)
	default:
		m.app.Quit()
	}
}

// onTab follows the visible tab: the New menu item names what it creates,
// and the session countdown ticks only while it can be seen.
func (m *mainWindow) onTab(t *container.TabItem) {
	if m.tabs == nil {
		return
	}
	onSessions := t != nil && t == m.sessionsTab
	if m.newItem != nil {
		switch {
		case onSessions:
			m.newItem.Label = lang.L("menu.file.new_session")
		case t != nil && t == m.accountsTab:
			m.newItem.Label = lang.L("menu.file.new_account")
		default:
			m.newItem.Label = lang.L("menu.file.new")
		}
		if mm := m.win.MainMenu(); mm != nil {
			mm.Refresh()
		}
	}
	if m.sessions != nil {
		m.sessions.setShown(onSessions)
	}
}

// selectTab shows the i-th tab of the role, if it has one.
func (m *mainWindow) selectTab(i int) {
	if m.tabs != nil && i >= 0 && i < len(m.tabs.Items) {
		m.tabs.SelectIndex(i)
	}
}

// onNew (Ctrl+N) creates a candidate or a session, after the visible tab.
func (m *mainWindow) onNew() {
	if m.tabs == nil {
		return
	}
	switch m.tabs.Selected() {
	case m.sessionsTab:
		if m.sessions != nil {
			m.sessions.onNew()
		}
	case m.candidatesTab:
		m.candidates.onNew()
	case m.accountsTab:
		m.accounts.onNew()
	}
}

// onSave (Ctrl+S) saves the form of the visible tab.
func (m *mainWindow) onSave() {
	if m.tabs == nil {
		return
	}
	switch m.tabs.Selected() {
	case m.sessionsTab:
		if m.sessions != nil {
			m.sessions.onSave()
		}
	case m.candidatesTab:
		m.candidates.onSave()
	case m.accountsTab:
		m.accounts.onSave()
	case m.accommodationsTab:
		m.accommodations.onSave()
	}
}

// onSearch (Ctrl+F) shows the candidate list of the role and puts the
// cursor in its search.
func (m *mainWindow) onSearch() {
	switch {
	case m.candidates != nil:
		m.tabs.Select(m.candidatesTab)
		m.candidates.onFocusSearch()
	case m.accommodations != nil:
		m.tabs.Select(m.accommodationsTab)
		m.win.Canvas().Focus(m.accommodations.search)
	}
}

// onPart shows the next (+1) or previous (-1) sub-screen of the open
// session.
func (m *mainWindow) onPart(step int) {
	if m.tabs == nil || m.tabs.Selected() != m.sessionsTab || m.sessions == nil || m.sessions.view == nil {
		return
	}
	tabs := m.sessions.view.tabs
	n := len(tabs.Items)
	i := tabs.SelectedIndex()
	for k := 0; k < n; k++ {
		i = (i + step + n) % n
		if !tabs.Items[i].Disabled() {
			tabs.SelectIndex(i)
			return
		}
	}
}
