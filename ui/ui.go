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

// Deps are what the UI needs; cmd/amis wires them.
type Deps struct {
	Candidates  exam.CandidateService
	Referentiel *exam.Referentiel
	Actor       exam.Actor
	DBPath      string
	Version     string
	// Import decodes and imports a candidate file (all-or-nothing) —
	// storage/xlsx.ImportFile bound to the service.
	Import func(ctx context.Context, path string, progress exam.ImportProgress) (*exam.ImportReport, error)
	// LoadDemo fills the database with demo data (nil hides the button).
	LoadDemo func(ctx context.Context) error
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

// Documents writes the documents of a session; cmd/amis binds it to
// storage/pdf and storage/xlsx. The UI hands it the file the user chose.
type Documents interface {
	// Minutes writes the procès-verbal of a certification session as PDF.
	Minutes(ctx context.Context, sessionID int64, w io.Writer) error
	// Feedback writes the feedback sheet of one candidate of a mock exam,
	// format "pdf" or "xlsx".
	Feedback(ctx context.Context, sessionID, candidateID int64, format string, w io.Writer) error
	// Convocations writes the convocation list of a session as .xlsx.
	Convocations(ctx context.Context, sessionID int64, w io.Writer) error
}

// Keyboard shortcuts, on the main menu (so that they work while an entry has
// the focus) and on the window canvas.
var (
	shortcutNew    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSave   = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	// Ctrl+1 and Ctrl+2 show the Candidats and Sessions tabs; Ctrl+PgDn and
	// Ctrl+PgUp go through the sub-screens of the open session.
	shortcutCandidates = &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSessions   = &desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutNextPart   = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutPrevPart   = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault}
)

// mainWindow is the app's window: menu, the Candidats and Sessions tabs and
// the status bar.
type mainWindow struct {
	app      fyne.App
	win      fyne.Window
	deps     Deps
	settings *Settings
	tasks    *tasks

	tabs          *container.AppTabs
	candidatesTab *container.TabItem
	sessionsTab   *container.TabItem
	candidates    *candidateScreen
	sessions      *sessionsScreen // nil without Deps.Sessions
	status        *widget.Label
	langItems     map[string]*fyne.MenuItem
	newItem       *fyne.MenuItem // "Nouveau candidat" or "Nouvelle session", after the tab

	// dialog is the last dialog opened from the menu, for tests.
	dialog dialog.Dialog
}

// NewMainWindow builds the main window: title "AMIS Jury", main menu, the
// candidate screen and a status bar. Call SetupLanguage before.
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
	m.candidates = newCandidateScreen(a, m.win, d, t)
	m.candidatesTab = container.NewTabItemWithIcon(lang.L("tab.candidates"), theme.AccountIcon(), m.candidates.content)
	var sessionsContent fyne.CanvasObject
	if d.Sessions != nil {
		m.sessions = newSessionsScreen(a, m.win, d, t)
		sessionsContent = m.sessions.content
	} else {
		sessionsContent = container.NewCenter(widget.NewLabel(lang.L("sessions.unavailable")))
	}
	m.sessionsTab = container.NewTabItemWithIcon(lang.L("tab.sessions"), theme.CalendarIcon(), sessionsContent)
	m.tabs = container.NewAppTabs(m.candidatesTab, m.sessionsTab)
	m.tabs.OnSelected = m.onTab
	m.status = widget.NewLabel(lang.L("status.bar", map[string]any{
		"Path": d.DBPath, "User": d.Actor.Name, "Role": roleLabel(d.Actor.Role),
	}))
	m.status.Truncation = fyne.TextTruncateEllipsis
	m.status.SizeName = theme.SizeNameCaptionText
	bottom := container.NewVBox(widget.NewSeparator(), m.status)
	m.win.SetContent(container.New(layout.NewBorderLayout(nil, bottom, nil, nil), m.tabs, bottom))
	m.win.SetMainMenu(m.makeMenu())
	c := m.win.Canvas()
	c.AddShortcut(shortcutNew, func(fyne.Shortcut) { m.onNew() })
	c.AddShortcut(shortcutSave, func(fyne.Shortcut) { m.onSave() })
	c.AddShortcut(shortcutSearch, func(fyne.Shortcut) { m.onSearch() })
	c.AddShortcut(shortcutCandidates, func(fyne.Shortcut) { m.tabs.Select(m.candidatesTab) })
	c.AddShortcut(shortcutSessions, func(fyne.Shortcut) { m.tabs.Select(m.sessionsTab) })
	c.AddShortcut(shortcutNextPart, func(fyne.Shortcut) { m.onPart(1) })
	c.AddShortcut(shortcutPrevPart, func(fyne.Shortcut) { m.onPart(-1) })
	m.win.SetCloseIntercept(m.onQuit)
	m.win.SetOnClosed(func() {
		if m.sessions != nil {
			m.sessions.close()
		}
	})
	m.win.SetMaster()
	m.win.Resize(fyne.NewSize(1200, 800))
	return m
}

func (m *mainWindow) makeMenu() *fyne.MainMenu {
	s := m.candidates
	newItem := fyne.NewMenuItem(lang.L("menu.file.new"), m.onNew)
	newItem.Shortcut = shortcutNew
	m.newItem = newItem
	saveItem := fyne.NewMenuItem(lang.L("menu.file.save"), m.onSave)
	saveItem.Shortcut = shortcutSave
	importItem := fyne.NewMenuItem(lang.L("menu.file.import"), s.onImport)
	importItem.Disabled = m.deps.Import == nil
	templateItem := fyne.NewMenuItem(lang.L("menu.file.template"), s.onTemplate)
	templateItem.Disabled = len(m.deps.TemplateXLSX) == 0
	exportItem := fyne.NewMenuItem(lang.L("menu.file.export"), m.onExport)
	exportItem.Disabled = m.deps.Export == nil || m.deps.Sessions == nil
	quit := fyne.NewMenuItem(lang.L("menu.file.quit"), m.onQuit)
	quit.IsQuit = true
	file := fyne.NewMenu(lang.L("menu.file"), newItem, saveItem, fyne.NewMenuItemSeparator(),
		importItem, templateItem, fyne.NewMenuItemSeparator(), exportItem, fyne.NewMenuItemSeparator(), quit)

	searchItem := fyne.NewMenuItem(lang.L("menu.view.search"), m.onSearch)
	searchItem.Shortcut = shortcutSearch
	candidatesItem := fyne.NewMenuItem(lang.L("menu.view.candidates"), func() { m.tabs.Select(m.candidatesTab) })
	candidatesItem.Shortcut = shortcutCandidates
	sessionsItem := fyne.NewMenuItem(lang.L("menu.view.sessions"), func() { m.tabs.Select(m.sessionsTab) })
	sessionsItem.Shortcut = shortcutSessions
	nextItem := fyne.NewMenuItem(lang.L("menu.view.next_part"), func() { m.onPart(1) })
	nextItem.Shortcut = shortcutNextPart
	prevItem := fyne.NewMenuItem(lang.L("menu.view.prev_part"), func() { m.onPart(-1) })
	prevItem.Shortcut = shortcutPrevPart
	m.langItems = map[string]*fyne.MenuItem{
		LangFrench:  fyne.NewMenuItem(lang.L("menu.view.language.fr"), func() { m.onLanguage(LangFrench) }),
		LangEnglish: fyne.NewMenuItem(lang.L("menu.view.language.en"), func() { m.onLanguage(LangEnglish) }),
	}
	m.checkLanguage()
	langItem := fyne.NewMenuItem(lang.L("menu.view.language"), nil)
	langItem.ChildMenu = fyne.NewMenu("", m.langItems[LangFrench], m.langItems[LangEnglish])
	view := fyne.NewMenu(lang.L("menu.view"), candidatesItem, sessionsItem, nextItem, prevItem, fyne.NewMenuItemSeparator(),
		searchItem, fyne.NewMenuItemSeparator(), langItem)

	about := fyne.NewMenuItem(lang.L("menu.help.about"), m.onAbout)
	help := fyne.NewMenu(lang.L("menu.help"), about)
	return fyne.NewMainMenu(file, view, help)
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
	if m.deps.Export == nil || m.deps.Sessions == nil {
		return
	}
	svc, actor := m.deps.Sessions, m.deps.Actor
	m.tasks.run(func() func() {
		list, err := svc.FindSessions(context.Background(), actor, exam.SessionFilter{})
		return func() {
			if err != nil {
				dialog.ShowError(errors.New(ErrorMessage(err)), m.win)
				return
			}
			showExportDialog(m.win, list, m.deps.Export)
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
	lines := []string{
		lang.L("about.version", map[string]any{"Version": m.deps.Version}),
		lang.L("about.database", map[string]any{"Path": m.deps.DBPath}),
		refText,
		lang.L("about.user", map[string]any{"User": m.deps.Actor.Name, "Role": roleLabel(m.deps.Actor.Role)}),
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
func (m *mainWindow) onQuit() {
	m.candidates.confirmDiscard(func() {
		if m.sessions != nil {
			m.sessions.confirmDiscard(m.app.Quit, nil)
			return
		}
		m.app.Quit()
	}, nil)
}

// onTab follows the visible tab: the New menu item names what it creates,
// and the session countdown ticks only while it can be seen.
func (m *mainWindow) onTab(t *container.TabItem) {
	onSessions := t == m.sessionsTab
	if m.newItem != nil {
		if onSessions {
			m.newItem.Label = lang.L("menu.file.new_session")
		} else {
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

// onNew (Ctrl+N) creates a candidate or a session, after the visible tab.
func (m *mainWindow) onNew() {
	if m.tabs.Selected() == m.sessionsTab {
		if m.sessions != nil {
			m.sessions.onNew()
		}
		return
	}
	m.candidates.onNew()
}

// onSave (Ctrl+S) saves the form of the visible tab.
func (m *mainWindow) onSave() {
	if m.tabs.Selected() == m.sessionsTab {
		if m.sessions != nil {
			m.sessions.onSave()
		}
		return
	}
	m.candidates.onSave()
}

// onSearch (Ctrl+F) shows the candidates and puts the cursor in the search.
func (m *mainWindow) onSearch() {
	m.tabs.Select(m.candidatesTab)
	m.candidates.onFocusSearch()
}

// onPart shows the next (+1) or previous (-1) sub-screen of the open
// session.
func (m *mainWindow) onPart(step int) {
	if m.tabs.Selected() != m.sessionsTab || m.sessions == nil || m.sessions.view == nil {
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
