package main

import (
	"context"
	"io"

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

	actor := exam.Actor{Name: lang.X("gui.local_admin", "local administrator"), Role: exam.RoleAdmin}
	loadDemo := func(ctx context.Context) error {
		_, err := demo.Fill(ctx, actor, e.candidates, e.ref, demo.Options{})
		return err
	}
	if withDemo {
		n, err := e.candidates.CountCandidates(ctx, actor)
		if err != nil {
			return err
		}
		if n == 0 {
			if err := loadDemo(ctx); err != nil {
				return err
			}
		}
	}
	w := ui.NewMainWindow(a, ui.Deps{
		Candidates:  e.candidates,
		Referentiel: e.ref,
		Actor:       actor,
		DBPath:      e.db.Path(),
		Version:     versionString(),
		Import: func(ctx context.Context, path string, progress exam.ImportProgress) (*exam.ImportReport, error) {
			return xlsx.ImportFile(ctx, actor, e.candidates, e.ref, path, progress)
		},
		LoadDemo:     loadDemo,
		TemplateXLSX: assets.ImportTemplate,
		Sessions:     e.sessions,
		Evaluations:  e.evaluations,
		Deliberation: e.deliberation,
		Documents:    e.documents(actor),
		Export: func(ctx context.Context, ids []int64, draft bool, path string, progress func(done, total int)) error {
			svc := storage.NewExportService(e.db, e.ref)
			sel := storage.ExportSelection{SessionIDs: ids, Draft: draft}
			return writeAtomically(path, func(w io.Writer) error {
				return xlsx.WriteExport(ctx, w, svc, actor, sel, progress)
			})
		},
	})
	w.ShowAndRun()
	return nil
}
