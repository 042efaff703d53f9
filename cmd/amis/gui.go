package main

import (
	"context"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
	"github.com/amisjury/amis/ui"
)

// runGUI opens the desktop window on the database.
func runGUI(ctx context.Context, g *globals, withDemo bool) error {
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	pref := g.lang
	if pref == "" {
		pref = ui.NewSettings(a.Preferences()).Language()
	}
	ui.SetupLanguage(pref)

	e, err := openEnv(g)
	if err != nil {
		// The database was refused: say why in a window, change nothing.
		w := a.NewWindow("AMIS Jury")
		msg := widget.NewLabel(message(err))
		msg.Wrapping = fyne.TextWrapWord
		w.SetContent(container.NewPadded(container.NewVBox(
			widget.NewLabelWithStyle(lang.X("gui.open_failed", "The database could not be opened"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			msg,
			widget.NewButton(lang.X("gui.quit", "Quit"), a.Quit),
		)))
		w.Resize(fyne.NewSize(640, 240))
		w.ShowAndRun()
		return errRefused
	}
	defer e.Close()
	// Runs before Close: at most one backup a day, beside the database.
	defer func() { _, _ = e.db.BackupOnExit(context.Background()) }()

	// No user is bound here: the window logs someone in and hands the
	// closures below the actor of whoever is logged in.
	loadDemo := func(ctx context.Context, a exam.Actor) error {
		if _, err := demo.Fill(ctx, a, e.candidates, e.ref, demo.Options{Accounts: e.accounts, Accommodations: e.accommodations}); err != nil {
			return err
		}
		_, err := demo.FillQCM(ctx, a, e.qcmService(), e.candidates, e.ref, demo.QCMOptions{})
		return err
	}
	if withDemo {
		n, err := e.candidates.CountCandidates(ctx, exam.System)
		if err != nil {
			return err
		}
		if n == 0 {
			if err := loadDemo(ctx, exam.System); err != nil {
				return err
			}
		}
	}
	qs := e.qcmService()
	w := ui.NewMainWindow(a, ui.Deps{
		Candidates:     e.candidates,
		Referentiel:    e.ref,
		Accounts:       e.accounts,
		Accommodations: e.accommodations,
		DBPath:         e.db.Path(),
		Version:        strings.TrimPrefix(versionString(), "AMIS Jury "),
		Privacy:        newPrivacyBinding(e),
		Import: func(ctx context.Context, a exam.Actor, path string, progress exam.ImportProgress) (*exam.ImportReport, error) {
			return xlsx.ImportFile(ctx, a, e.candidates, e.ref, path, progress)
		},
		LoadDemo:     loadDemo,
		DemoAccounts: demoAccounts(),
		DemoLoaded:   withDemo,
		TemplateXLSX: assets.ImportTemplate,
		Sessions:     e.sessions,
		Evaluations:  e.evaluations,
		Deliberation: e.deliberation,
		Documents:    actorDocuments{e},
		Export: func(ctx context.Context, a exam.Actor, ids []int64, draft bool, format ui.ExportFormat, path string, progress func(done, total int)) error {
			return exportTo(ctx, storage.NewExportService(e.db, e.ref), a, storage.ExportSelection{SessionIDs: ids, Draft: draft},
				format == ui.ExportCSV, path, progress)
		},
		QCM: ui.QCMDeps{
			QCM: qs, Candidates: e.candidates, Accommodations: e.accommodations, Referentiel: e.ref,
			ImportBank: func(ctx context.Context, a exam.Actor, path string) (*exam.ImportReport, error) {
				return xlsx.ImportQuestionFile(ctx, a, qs, e.ref, path)
			},
			ExportBank: xlsx.WriteQuestions,
			ExportResults: func(w io.Writer, rs []exam.AttemptResult, names map[int64]string) error {
				return xlsx.WriteQCMResults(w, rs, names, e.ref)
			},
		},
	})
	w.ShowAndRun()
	return nil
}

// demoAccounts lists the demo accounts for the login screen, one a line:
// "admin / admin-demo (administrateur)".
func demoAccounts() string {
	parts := make([]string, len(demo.Accounts))
	for i, acc := range demo.Accounts {
		parts[i] = lang.X("gui.demo_account", "{{.Login}} / {{.Password}} ({{.Role}})", map[string]any{
			"Login": acc.Login, "Password": acc.Password, "Role": lang.X("role."+string(acc.Role), string(acc.Role)),
		})
	}
	return lang.X("gui.demo_accounts", "Demo accounts:\n{{.List}}", map[string]any{"List": strings.Join(parts, "\n")})
}
