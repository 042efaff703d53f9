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
}

// Keyboard shortcuts, on the main menu (so that they work while an entry has
// the focus) and on the window canvas.
var (
	shortcutNew    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSave   = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
)

// mainWindow is the app's window: menu, candidate screen and status bar.
type mainWindow struct {
	app      fyne.App
	win      fyne.Window
	deps     Deps
	settings *Settings
	tasks    *tasks

	candidates *candidateScreen
	status     *widget.Label
	langItems  map[string]*fyne.MenuItem

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
	m.status = widget.NewLabel(lang.L("status.bar", map[string]any{
		"Path": d.DBPath, "User": d.Actor.Name, "Role": roleLabel(d.Actor.Role),
	}))
	m.status.Truncation = fyne.TextTruncateEllipsis
	m.status.SizeName = theme.SizeNameCaptionText
	bottom := container.NewVBox(widget.NewSeparator(), m.status)
	m.win.SetContent(container.New(layout.NewBorderLayout(nil, bottom, nil, nil), m.candidates.content, bottom))
	m.win.SetMainMenu(m.makeMenu())
	c := m.win.Canvas()
	c.AddShortcut(shortcutNew, func(fyne.Shortcut) { m.candidates.onNew() })
	c.AddShortcut(shortcutSave, func(fyne.Shortcut) { m.candidates.onSave() })
	c.AddShortcut(shortcutSearch, func(fyne.Shortcut) { m.candidates.onFocusSearch() })
	m.win.SetCloseIntercept(m.onQuit)
	m.win.SetMaster()
	m.win.Resize(fyne.NewSize(1200, 800))
	return m
}

func (m *mainWindow) makeMenu() *fyne.MainMenu {
	s := m.candidates
	newItem := fyne.NewMenuItem(lang.L("menu.file.new"), s.onNew)
	newItem.Shortcut = shortcutNew
	saveItem := fyne.NewMenuItem(lang.L("menu.file.save"), s.onSave)
	saveItem.Shortcut = shortcutSave
	importItem := fyne.NewMenuItem(lang.L("menu.file.import"), s.onImport)
	importItem.Disabled = m.deps.Import == nil
	templateItem := fyne.NewMenuItem(lang.L("menu.file.template"), s.onTemplate)
	templateItem.Disabled = len(m.deps.TemplateXLSX) == 0
	quit := fyne.NewMenuItem(lang.L("menu.file.quit"), m.onQuit)
	quit.IsQuit = true
	file := fyne.NewMenu(lang.L("menu.file"), newItem, saveItem, fyne.NewMenuItemSeparator(),
		importItem, templateItem, fyne.NewMenuItemSeparator(), quit)

	searchItem := fyne.NewMenuItem(lang.L("menu.view.search"), s.onFocusSearch)
	searchItem.Shortcut = shortcutSearch
	m.langItems = map[string]*fyne.MenuItem{
		LangFrench:  fyne.NewMenuItem(lang.L("menu.view.language.fr"), func() { m.onLanguage(LangFrench) }),
		LangEnglish: fyne.NewMenuItem(lang.L("menu.view.language.en"), func() { m.onLanguage(LangEnglish) }),
	}
	m.checkLanguage()
	langItem := fyne.NewMenuItem(lang.L("menu.view.language"), nil)
	langItem.ChildMenu = fyne.NewMenu("", m.langItems[LangFrench], m.langItems[LangEnglish])
	view := fyne.NewMenu(lang.L("menu.view"), searchItem, fyne.NewMenuItemSeparator(), langItem)

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

// onQuit closes the app, after confirmation when the form has unsaved edits.
func (m *mainWindow) onQuit() {
	m.candidates.confirmDiscard(m.app.Quit, nil)
}
