package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// PrivacyService is what the privacy dialogs need (docs/privacy.md);
// cmd/amis binds it to storage.PrivacyService. Every method acts as a, who
// needs exam.PermExport; they are called off the UI goroutine.
type PrivacyService interface {
	// RetentionYears is the stored retention period.
	RetentionYears(ctx context.Context, a exam.Actor) (int, error)
	// PlanPurge lists what a purge with that retention would delete today;
	// nothing changes.
	PlanPurge(ctx context.Context, a exam.Actor, years int) (PurgeSummary, error)
	// Purge deletes what the last PlanPurge listed (still to be purged),
	// stores its retention period and returns what was deleted.
	Purge(ctx context.Context, a exam.Actor) (PurgeSummary, error)
	// FindCandidates searches the candidates as the candidate list does.
	FindCandidates(ctx context.Context, a exam.Actor, query string) ([]exam.CandidateSummary, error)
	// ExportAccess writes everything stored about the candidate to path
	// (.xlsx, right of access).
	ExportAccess(ctx context.Context, a exam.Actor, candidateID int64, path string) error
}

// PurgeSummary is what a purge deletes, or deleted.
type PurgeSummary struct {
	Years  int
	Cutoff exam.Date // data whose last activity is before this day goes
	// Candidates go with their records; NeverInSession of them were in no
	// session, WithAcquiredBlocks hold acquired CCPs.
	Candidates, NeverInSession, WithAcquiredBlocks int
	// Sessions they were in (kept), Emptied of them left without any
	// candidate, SignedSessions signed, Archived PVs archived first.
	Sessions, Emptied, SignedSessions, Archived int
}

// purgeDialog asks for the retention period, shows what a purge would
// delete, asks for confirmation and runs it.
type purgeDialog struct {
	win    fyne.Window
	dialog *dialog.CustomDialog
	svc    PrivacyService
	actor  exam.Actor

	years   *widget.Entry
	plan    *widget.Button
	summary *widget.Label
	confirm *widget.Check
	purge   *widget.Button
	bar     *widget.ProgressBarInfinite
	status  *widget.Label

	// do applies f on the UI goroutine; tests replace it.
	do func(f func())

	mu      sync.Mutex
	planned bool          // a plan is shown and not purged yet
	running bool          // a plan or a purge is running
	done    chan struct{} // closed when the running work ends (tests wait on it)
}

// showPurgeDialog shows the purge of old data: the retention period (read
// from the database), what a purge with it would delete (counts, no names),
// a confirmation, then the purge with its progress, acting as a. For the
// administrator's menu (exam.PermExport).
func showPurgeDialog(win fyne.Window, svc PrivacyService, a exam.Actor) *purgeDialog {
	d := newPurgeDialog(win, svc, a)
	d.dialog.Show()
	d.loadYears()
	return d
}

func newPurgeDialog(win fyne.Window, svc PrivacyService, a exam.Actor) *purgeDialog {
	d := &purgeDialog{win: win, svc: svc, actor: a, do: fyne.Do}
	intro := widget.NewLabel(lang.X("purge.intro",
		"Candidates whose last activity (record created or changed, session, CCP acquired) is older than the retention period are deleted with everything recorded about them. Sessions stay as records; a signed procès-verbal is archived first, whole. This cannot be undone."))
	intro.Wrapping = fyne.TextWrapWord
	d.years = widget.NewEntry()
	d.years.SetPlaceHolder(strconv.Itoa(5))
	d.years.OnChanged = func(string) { d.onYearsChanged() }
	d.plan = widget.NewButton(lang.X("purge.show", "Show what would be deleted"), d.onPlan)
	d.summary = widget.NewLabel("")
	d.summary.Wrapping = fyne.TextWrapWord
	d.confirm = widget.NewCheck(lang.X("purge.confirm", "I confirm the permanent deletion of these data"), func(bool) { d.refresh() })
	d.purge = widget.NewButton(lang.X("purge.run", "Delete"), d.onPurge)
	d.purge.Importance = widget.DangerImportance
	d.bar = widget.NewProgressBarInfinite()
	d.bar.Stop()
	d.bar.Hide()
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	years := container.NewBorder(nil, nil, widget.NewLabel(lang.X("purge.years", "Retention period (years)")), d.plan, d.years)
	// The plan and the result change length: they scroll in the space left,
	// rather than push the buttons out of the dialog.
	// The confirmation and the button are always there (disabled until a
	// plan): the dialog keeps its layout.
	results := container.NewVScroll(container.NewVBox(d.summary, d.bar, d.status))
	content := container.NewBorder(container.NewVBox(intro, years), container.NewVBox(d.confirm, d.purge), nil, nil, results)
	d.dialog = dialog.NewCustom(lang.X("purge.title", "Delete old data"), lang.X("action.close", "Close"), content, win)
	d.dialog.Resize(fyne.NewSize(680, 520))
	d.refresh()
	return d
}

// loadYears fills the period with the stored one.
func (d *purgeDialog) loadYears() {
	d.begin()
	go func() {
		years, err := d.svc.RetentionYears(context.Background(), d.actor)
		d.do(func() {
			if err != nil {
				d.fail(err)
			} else {
				d.years.SetText(strconv.Itoa(years))
			}
			d.end()
		})
	}()
}

// begin marks work as running; end as finished (on the UI goroutine).
func (d *purgeDialog) begin() {
	d.mu.Lock()
	d.running, d.done = true, make(chan struct{})
	d.mu.Unlock()
	d.bar.Show()
	d.bar.Start()
	d.refresh()
}

func (d *purgeDialog) end() {
	d.mu.Lock()
	d.running = false
	done := d.done
	d.mu.Unlock()
	d.bar.Stop()
	d.bar.Hide()
	d.refresh()
	close(done)
}

// wait blocks until the running work, if any, has ended (tests).
func (d *purgeDialog) wait() {
	d.mu.Lock()
	done := d.done
	d.mu.Unlock()
	if done != nil {
		<-done
	}
}

// yearsValue parses the period; ok false when it is not a whole number.
func (d *purgeDialog) yearsValue() (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(d.years.Text))
	return n, err == nil
}

// onYearsChanged forgets a plan made for another period.
func (d *purgeDialog) onYearsChanged() {
	d.mu.Lock()
	d.planned = false
	d.mu.Unlock()
	d.summary.SetText("")
	d.confirm.SetChecked(false)
	d.refresh()
}

func (d *purgeDialog) refresh() {
	d.mu.Lock()
	running, planned := d.running, d.planned
	d.mu.Unlock()
	_, ok := d.yearsValue()
	if running {
		d.years.Disable()
	} else {
		d.years.Enable()
	}
	if planned && !running {
		d.confirm.Enable()
	} else {
		d.confirm.Disable()
	}
	if ok && !running {
		d.plan.Enable()
	} else {
		d.plan.Disable()
	}
	if planned && d.confirm.Checked && !running {
		d.purge.Enable()
	} else {
		d.purge.Disable()
	}
}

func (d *purgeDialog) fail(err error) {
	d.status.Importance = widget.DangerImportance
	d.status.SetText(ErrorMessage(err))
}

func (d *purgeDialog) onPlan() {
	years, ok := d.yearsValue()
	if !ok {
		return
	}
	d.status.SetText("")
	d.begin()
	go func() {
		p, err := d.svc.PlanPurge(context.Background(), d.actor, years)
		d.do(func() {
			if err != nil {
				d.fail(err)
			} else {
				d.mu.Lock()
				d.planned = p.Candidates > 0
				d.mu.Unlock()
				d.confirm.SetChecked(false)
				d.summary.SetText(purgePlanText(p))
			}
			d.end()
		})
	}()
}

func (d *purgeDialog) onPurge() {
	d.mu.Lock()
	ok := d.planned && !d.running
	d.mu.Unlock()
	if !ok || !d.confirm.Checked {
		return
	}
	d.status.Importance = widget.MediumImportance
	d.status.SetText(lang.X("purge.running", "Archiving the signed PVs and deleting…"))
	d.begin()
	go func() {
		p, err := d.svc.Purge(context.Background(), d.actor)
		d.do(func() {
			d.mu.Lock()
			d.planned = false
			d.mu.Unlock()
			d.confirm.SetChecked(false)
			if err != nil {
				d.fail(err)
			} else {
				d.summary.SetText("")
				d.status.Importance = widget.SuccessImportance
				d.status.SetText(lang.X("purge.done", "{{.Candidates}} candidates deleted; {{.Archived}} signed PVs archived; {{.Sessions}} sessions kept as records.",
					map[string]any{"Candidates": p.Candidates, "Archived": p.Archived, "Sessions": p.Sessions}))
			}
			d.end()
		})
	}()
}

// purgePlanText says what a plan deletes, in sentences.
func purgePlanText(p PurgeSummary) string {
	data := map[string]any{"Years": p.Years, "Cutoff": p.Cutoff.String(), "Candidates": p.Candidates,
		"Never": p.NeverInSession, "Acquired": p.WithAcquiredBlocks, "Sessions": p.Sessions, "Emptied": p.Emptied,
		"Signed": p.SignedSessions, "Archived": p.Archived}
	if p.Candidates == 0 {
		return lang.X("purge.plan.none", "Nothing to delete: no candidate is inactive since before {{.Cutoff}} ({{.Years}} years).", data)
	}
	lines := []string{
		lang.X("purge.plan.candidates", "{{.Candidates}} candidates inactive since before {{.Cutoff}} ({{.Years}} years) will be deleted, {{.Never}} of them never in a session.", data),
	}
	if p.Sessions > 0 {
		lines = append(lines, lang.X("purge.plan.sessions", "{{.Sessions}} sessions lose candidates, {{.Emptied}} of them all; they stay as records. {{.Signed}} are signed: {{.Archived}} PVs will be archived first.", data))
	}
	if p.WithAcquiredBlocks > 0 {
		lines = append(lines, lang.X("purge.plan.acquired", "{{.Acquired}} of them hold acquired CCPs: their record of acquired blocks goes too (the certifier keeps its own).", data))
	}
	return strings.Join(lines, "\n")
}

// accessDialog exports everything stored about one candidate (right of
// access): a search, the candidate, the file.
type accessDialog struct {
	win    fyne.Window
	dialog *dialog.CustomDialog
	svc    PrivacyService
	actor  exam.Actor

	search  *widget.Entry
	find    *widget.Button
	choice  *widget.Select
	export  *widget.Button
	bar     *widget.ProgressBarInfinite
	status  *widget.Label
	found   []exam.CandidateSummary
	current int64 // the candidate chosen, 0 when none

	// choosePath asks where to write; tests replace it.
	choosePath func(name string, onChosen func(path string))
	// do applies f on the UI goroutine; tests replace it.
	do func(f func())

	mu      sync.Mutex
	running bool
	done    chan struct{}
}

// showAccessExportDialog shows the right-of-access export: the user finds
// the candidate (or gets the one given, preselected when not nil), chooses
// the .xlsx file, and the workbook of everything stored about them is
// written off the UI goroutine. The medical justification of their
// accommodations is never in it. Acting as a; for the administrator's menu
// (exam.PermExport).
func showAccessExportDialog(win fyne.Window, svc PrivacyService, a exam.Actor, preselected *exam.CandidateSummary) *accessDialog {
	d := newAccessDialog(win, svc, a, preselected)
	d.dialog.Show()
	return d
}

func newAccessDialog(win fyne.Window, svc PrivacyService, a exam.Actor, preselected *exam.CandidateSummary) *accessDialog {
	d := &accessDialog{win: win, svc: svc, actor: a, do: fyne.Do}
	d.choosePath = d.chooseFile
	intro := widget.NewLabel(lang.X("access.intro",
		"Right of access: a workbook of everything recorded about one candidate — identity, sessions, evaluations, decisions, accommodations, and the log of operations. The medical justification is not in it: the accessibility referent holds it and gives it on request."))
	intro.Wrapping = fyne.TextWrapWord
	d.search = widget.NewEntry()
	d.search.SetPlaceHolder(lang.X("access.search", "Name, birth date or candidate number"))
	d.search.OnSubmitted = func(string) { d.onFind() }
	d.find = widget.NewButton(lang.X("access.find", "Search"), d.onFind)
	d.choice = widget.NewSelect(nil, func(string) { d.onChoose() })
	d.choice.PlaceHolder = lang.X("access.choose", "(choose the candidate)")
	d.export = widget.NewButton(lang.X("access.export", "Choose the file and export…"), d.onExport)
	d.export.Importance = widget.HighImportance
	d.bar = widget.NewProgressBarInfinite()
	d.bar.Stop()
	d.bar.Hide()
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	if preselected != nil {
		d.found = []exam.CandidateSummary{*preselected}
		d.choice.Options = []string{candidateChoiceLabel(*preselected)}
		d.choice.SetSelectedIndex(0)
	}
	content := container.NewVBox(intro, container.NewBorder(nil, nil, nil, d.find, d.search), d.choice, d.export, d.bar, d.status)
	d.dialog = dialog.NewCustom(lang.X("access.title", "Right of access: export a candidate's data"), lang.X("action.close", "Close"), content, win)
	d.dialog.Resize(fyne.NewSize(640, 420))
	d.refresh()
	return d
}

// candidateChoiceLabel is "MARTIN Élodie — née le 12/03/1990 — n° 2024-001".
func candidateChoiceLabel(c exam.CandidateSummary) string {
	s := fmt.Sprintf("%s %s — %s", c.BirthName, c.FirstNames, c.BirthDate.String())
	if c.Number != "" {
		s += " — n° " + c.Number
	}
	return s
}

func (d *accessDialog) refresh() {
	d.mu.Lock()
	running := d.running
	d.mu.Unlock()
	if running {
		d.find.Disable()
		d.choice.Disable()
		d.export.Disable()
		return
	}
	d.find.Enable()
	d.choice.Enable()
	if d.current != 0 {
		d.export.Enable()
	} else {
		d.export.Disable()
	}
}

func (d *accessDialog) begin() {
	d.mu.Lock()
	d.running, d.done = true, make(chan struct{})
	d.mu.Unlock()
	d.bar.Show()
	d.bar.Start()
	d.refresh()
}

func (d *accessDialog) end() {
	d.mu.Lock()
	d.running = false
	done := d.done
	d.mu.Unlock()
	d.bar.Stop()
	d.bar.Hide()
	d.refresh()
	close(done)
}

func (d *accessDialog) wait() {
	d.mu.Lock()
	done := d.done
	d.mu.Unlock()
	if done != nil {
		<-done
	}
}

func (d *accessDialog) onFind() {
	q := strings.TrimSpace(d.search.Text)
	if q == "" {
		return
	}
	d.status.SetText("")
	d.begin()
	go func() {
		found, err := d.svc.FindCandidates(context.Background(), d.actor, q)
		d.do(func() {
			if err != nil {
				d.status.Importance = widget.DangerImportance
				d.status.SetText(ErrorMessage(err))
			} else {
				d.found = found
				opts := make([]string, len(found))
				for i, c := range found {
					opts[i] = candidateChoiceLabel(c)
				}
				d.choice.Options = opts
				d.choice.ClearSelected()
				d.current = 0
				d.status.Importance = widget.MediumImportance
				switch len(found) {
				case 0:
					d.status.SetText(lang.X("access.none", "No candidate matches."))
				case 1:
					d.choice.SetSelectedIndex(0)
				}
			}
			d.end()
		})
	}()
}

// onChoose follows the selected candidate.
func (d *accessDialog) onChoose() {
	d.current = 0
	if i := d.choice.SelectedIndex(); i >= 0 && i < len(d.found) {
		d.current = d.found[i].ID
	}
	d.refresh()
}

func (d *accessDialog) onExport() {
	i := d.choice.SelectedIndex()
	if d.current == 0 || i < 0 || i >= len(d.found) {
		return
	}
	c := d.found[i]
	name := "acces-" + fileSafe(c.BirthName+"-"+c.FirstNames) + ".xlsx"
	d.choosePath(name, func(path string) { d.start(c, path) })
}

// fileSafe keeps letters, digits and dashes of s, for a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\'':
			return '-'
		case strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ':
			return -1
		}
		return r
	}, s)
}

func (d *accessDialog) chooseFile(name string, onChosen func(path string)) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			d.status.SetText(ErrorMessage(err))
			return
		}
		if w == nil {
			return // cancelled
		}
		u := w.URI()
		_ = w.Close()
		if u.Scheme() != "file" {
			d.status.SetText(lang.X("export.not_local", "{{.Name}} is not a file of this computer: choose another place.", map[string]any{"Name": u.Name()}))
			return
		}
		path := u.Path()
		if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
			if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
				_ = os.Remove(path)
			}
			path += ".xlsx"
		}
		onChosen(path)
	}, d.win)
	save.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	save.SetFileName(name)
	save.SetTitleText(lang.X("access.save.title", "Save the candidate's data"))
	save.SetConfirmText(lang.X("export.save.confirm", "Export"))
	save.SetDismissText(lang.X("action.cancel", "Cancel"))
	save.Resize(fyne.NewSize(900, 600))
	save.Show()
}

// start writes the workbook of c to path off the UI goroutine.
func (d *accessDialog) start(c exam.CandidateSummary, path string) {
	d.status.Importance = widget.MediumImportance
	d.status.SetText(lang.X("access.running", "Writing…"))
	d.begin()
	go func() {
		err := d.svc.ExportAccess(context.Background(), d.actor, c.ID, path)
		if err != nil {
			// The save dialog created the file empty: leave no empty file.
			if fi, serr := os.Stat(path); serr == nil && fi.Size() == 0 {
				_ = os.Remove(path)
			}
		}
		d.do(func() {
			if err != nil {
				d.status.Importance = widget.DangerImportance
				d.status.SetText(lang.X("access.failed", "The export failed: {{.Message}}", map[string]any{"Message": ErrorMessage(err)}))
			} else {
				d.status.Importance = widget.SuccessImportance
				d.status.SetText(lang.X("access.done", "The data of {{.Name}} are written to {{.Path}}. Give the file to the person concerned only; it holds personal data.",
					map[string]any{"Name": c.BirthName + " " + c.FirstNames, "Path": path}))
			}
			d.status.Refresh()
			d.end()
		})
	}()
}
