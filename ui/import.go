package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// importFilter keeps the files the importer reads.
var importFilter = storage.NewExtensionFileFilter([]string{".xlsx", ".csv"})

// importReportView is the dialog listing why a file was refused.
type importReportView struct {
	dialog *dialog.CustomDialog
	header *widget.Label
	list   *widget.List
	detail *widget.Label
	copy   *widget.Button
	copied *widget.Label
	lines  []string
	text   string // what Copier puts on the clipboard
}

// onImport asks for a candidate file and imports it.
func (s *candidateScreen) onImport() {
	if s.deps.Import == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.showError(lang.L("import.failed.title"), err)
			return
		}
		if r == nil {
			return // cancelled
		}
		u := r.URI()
		_ = r.Close()
		if u.Scheme() != "file" {
			s.showMessage(lang.L("import.failed.title"), lang.L("import.not_local", map[string]any{"Name": u.Name()}), theme.ErrorIcon())
			return
		}
		s.importFile(u.Path())
	}, s.win)
	d.SetFilter(importFilter)
	d.SetTitleText(lang.L("import.open.title"))
	d.SetConfirmText(lang.L("import.open.confirm"))
	d.SetDismissText(lang.L("action.cancel"))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// importFile runs the import off the UI goroutine behind a progress dialog
// whose Annuler button cancels it (nothing is imported then).
func (s *candidateScreen) importFile(path string) {
	imp, actor := s.deps.Import, s.deps.Actor
	if imp == nil || !actor.Can(exam.PermManageCandidates) {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	phase := widget.NewLabel(lang.L("import.progress.start"))
	bar := widget.NewProgressBar()
	content := container.NewVBox(widget.NewLabel(filepath.Base(path)), phase, bar)
	progressDialog := dialog.NewCustom(lang.L("import.progress.title"), lang.L("action.cancel"), content, s.win)
	progressDialog.SetOnClosed(cancel)
	progressDialog.Resize(fyne.NewSize(460, 200))
	progressDialog.Show()
	s.dialog = progressDialog
	s.importButton.Disable()

	var mu sync.Mutex
	var lastPhase string
	var last time.Time
	progress := func(ph string, done, total int) {
		mu.Lock()
		now := time.Now()
		skip := ph == lastPhase && done != total && now.Sub(last) < 100*time.Millisecond
		if !skip {
			lastPhase, last = ph, now
		}
		mu.Unlock()
		if skip {
			return // do not flood the UI goroutine
		}
		text := progressText(ph, done, total)
		s.tasks.do(func() {
			phase.SetText(text)
			if total > 0 {
				bar.SetValue(float64(done) / float64(total))
			}
		})
	}
	s.tasks.run(func() func() {
		rep, err := imp(ctx, actor, path, progress)
		return func() {
			progressDialog.Hide()
			cancel()
			if s.deps.Import != nil {
				s.importButton.Enable()
			}
			s.onImportDone(path, rep, err)
		}
	})
}

// progressText is "Vérification : 1 000 / 5 000 lignes".
func progressText(phase string, done, total int) string {
	var name string
	switch phase {
	case "read":
		name = lang.L("import.phase.read")
	case "check":
		name = lang.L("import.phase.check")
	case "save":
		name = lang.L("import.phase.save")
	default:
		name = phase
	}
	data := map[string]any{"Phase": name, "Done": formatInt(done), "Total": formatInt(total)}
	if total <= 0 {
		return lang.L("import.progress.rows", data)
	}
	return lang.L("import.progress.rows_of", data)
}

// onImportDone tells what the import did: imported, refused with every
// problem, or failed.
func (s *candidateScreen) onImportDone(path string, rep *exam.ImportReport, err error) {
	switch {
	case errors.Is(err, context.Canceled):
		s.showMessage(lang.L("import.cancelled.title"), lang.L("import.cancelled"), theme.InfoIcon())
	case err != nil:
		s.showError(lang.L("import.failed.title"), err)
	case rep == nil:
		s.showError(lang.L("import.failed.title"), errors.New("import: no report"))
	case !rep.OK():
		s.showImportRefused(path, rep)
	default:
		msg := plural(rep.Imported, "import.done.one", "import.done.other", map[string]any{"File": filepath.Base(path)})
		if len(rep.IgnoredColumns) > 0 {
			msg += "\n" + lang.L("import.ignored_columns", map[string]any{"Columns": strings.Join(rep.IgnoredColumns, ", ")})
		}
		s.showMessage(lang.L("import.done.title"), msg, theme.ConfirmIcon())
		s.refresh()
	}
}

// showImportRefused lists every problem of a refused file in a scrollable
// list, with a button that copies the report to the clipboard.
func (s *candidateScreen) showImportRefused(path string, rep *exam.ImportReport) {
	v := &importReportView{}
	v.lines = make([]string, len(rep.Problems))
	for i, p := range rep.Problems {
		v.lines[i] = ProblemMessage(p)
	}
	v.header = widget.NewLabel(plural(len(rep.Problems), "import.refused.one", "import.refused.other", nil))
	v.header.Importance = widget.DangerImportance
	v.header.TextStyle = fyne.TextStyle{Bold: true}
	v.header.Wrapping = fyne.TextWrapWord
	file := widget.NewLabel(lang.L("import.file", map[string]any{"File": path}))
	file.Truncation = fyne.TextTruncateEllipsis
	var b strings.Builder
	fmt.Fprintln(&b, file.Text)
	fmt.Fprintln(&b, v.header.Text)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintln(&b, lang.L("import.ignored_columns", map[string]any{"Columns": strings.Join(rep.IgnoredColumns, ", ")}))
	}
	for _, l := range v.lines {
		fmt.Fprintln(&b, l)
	}
	v.text = b.String()

	v.list = widget.NewList(func() int { return len(v.lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(v.lines[id]) })
	v.detail = widget.NewLabel(lang.L("import.refused.hint"))
	v.detail.Wrapping = fyne.TextWrapWord
	v.list.OnSelected = func(id widget.ListItemID) { v.detail.SetText(v.lines[id]) }
	v.copied = widget.NewLabel("")
	v.copy = widget.NewButtonWithIcon(lang.L("import.refused.copy"), theme.ContentCopyIcon(), func() {
		s.app.Clipboard().SetContent(v.text)
		v.copied.SetText(lang.L("import.refused.copied"))
	})
	top := container.NewVBox(file, v.header)
	bottom := container.NewVBox(widget.NewSeparator(), v.detail)
	content := container.NewBorder(top, bottom, nil, nil, v.list)

	v.dialog = dialog.NewCustomWithoutButtons(lang.L("import.refused.title"), content, s.win)
	closeButton := widget.NewButton(lang.L("action.close"), v.dialog.Hide)
	closeButton.Importance = widget.HighImportance
	v.dialog.SetButtons([]fyne.CanvasObject{container.NewHBox(v.copy, v.copied), layout.NewSpacer(), closeButton})
	v.dialog.SetIcon(theme.ErrorIcon())
	v.dialog.Resize(fyne.NewSize(860, 560))
	s.report = v
	s.dialog = v.dialog
	v.dialog.Show()
}

// onTemplate saves the import template where the user chooses.
func (s *candidateScreen) onTemplate() {
	data := s.deps.TemplateXLSX
	if len(data) == 0 {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.showError(lang.L("template.failed.title"), err)
			return
		}
		if w == nil {
			return // cancelled
		}
		s.saveTemplate(w, w.URI().Path(), data)
	}, s.win)
	d.SetFileName(lang.L("template.filename"))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	d.SetTitleText(lang.L("template.save.title"))
	d.SetDismissText(lang.L("action.cancel"))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// saveTemplate writes the template off the UI goroutine.
func (s *candidateScreen) saveTemplate(w io.WriteCloser, path string, data []byte) {
	s.tasks.run(func() func() {
		_, err := w.Write(data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return func() {
			if err != nil {
				s.showError(lang.L("template.failed.title"), fmt.Errorf("save template %s: %w", path, err))
				return
			}
			s.showMessage(lang.L("template.saved.title"), lang.L("template.saved", map[string]any{"Path": path}), theme.ConfirmIcon())
		}
	})
}
