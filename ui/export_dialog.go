package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// ExportFormat is the file format of the certifier export.
type ExportFormat string

const (
	// ExportXLSX is the workbook of four sheets (docs/export.md).
	ExportXLSX ExportFormat = "xlsx"
	// ExportCSV is the Résultats sheet as CSV: UTF-8 with BOM, ";".
	ExportCSV ExportFormat = "csv"
)

// ExportFunc writes, as the acting user a, the certifier export of the
// sessions ids to path in format (a draft marked PROVISOIRE when draft lets
// unsigned sessions in), telling progress how many candidates are written
// out of how many. It is called off the UI goroutine; progress too.
type ExportFunc func(ctx context.Context, a exam.Actor, ids []int64, draft bool, format ExportFormat, path string, progress func(done, total int)) error

// exportRun is an ExportFunc bound to the acting user.
type exportRun func(ctx context.Context, ids []int64, draft bool, format ExportFormat, path string, progress func(done, total int)) error

// exportDialog is the export for the certifier: the sessions to send, the
// draft option, the file, the progress.
type exportDialog struct {
	win      fyne.Window
	dialog   *dialog.CustomDialog
	sessions []exam.SessionSummary
	export   exportRun

	draft  *widget.Check
	format *widget.RadioGroup
	// from and to pick the sessions of a period (tickPeriod).
	from, to *widget.Entry
	period   *widget.Button
	checks   []*widget.Check // one per session, in the order of sessions
	notes    []*widget.Label // why a session cannot be chosen, or how it goes
	choose   *widget.Button
	bar      *widget.ProgressBar
	status   *widget.Label

	// choosePath asks where to write; tests replace it.
	choosePath func(onChosen func(path string))
	// do applies f on the UI goroutine; tests replace it.
	do func(f func())

	mu      sync.Mutex // guards cancel and running, also read by the work goroutine's callbacks
	cancel  context.CancelFunc
	running bool
	done    chan struct{} // closed when an export ends (tests wait on it)
}

// showExportDialog shows the export of the given sessions for the
// certifier. Signed certification sessions can be chosen; a mock exam never
// (the reason is shown); a session whose procès-verbal is not signed only
// once "brouillon" is ticked, and the file is then a draft marked
// PROVISOIRE. The file is chosen with a save dialog (.xlsx); export runs off
// the UI goroutine with a progress bar, and closing the dialog cancels it.
func showExportDialog(win fyne.Window, sessions []exam.SessionSummary, export exportRun) {
	newExportDialog(win, sessions, export).dialog.Show()
}

func newExportDialog(win fyne.Window, sessions []exam.SessionSummary, export exportRun) *exportDialog {
	d := &exportDialog{win: win, sessions: sessions, export: export, do: fyne.Do}
	d.choosePath = d.chooseFile
	d.draft = widget.NewCheck(lang.X("export.draft", "Draft: also allow sessions whose minutes are not signed (every sheet marked PROVISOIRE)"),
		func(bool) { d.refresh() })
	xlsxLabel := lang.X("export.format.xlsx", "Excel workbook (.xlsx): results, competences, jury, summary")
	csvLabel := lang.X("export.format.csv", "CSV (.csv, “;” separator, UTF-8): the results only")
	d.format = widget.NewRadioGroup([]string{xlsxLabel, csvLabel}, nil)
	d.format.Required = true
	d.format.SetSelected(xlsxLabel)
	d.from, d.to = widget.NewEntry(), widget.NewEntry()
	d.from.SetPlaceHolder(lang.X("export.period.placeholder", "dd/mm/yyyy"))
	d.to.SetPlaceHolder(lang.X("export.period.placeholder", "dd/mm/yyyy"))
	d.period = widget.NewButton(lang.X("export.period.tick", "Tick the sessions of this period"), d.tickPeriod)
	periodRow := container.NewHBox(widget.NewLabel(lang.X("export.period.from", "From")), narrow(d.from, 130),
		widget.NewLabel(lang.X("export.period.to", "to")), narrow(d.to, 130), d.period)
	list := container.NewVBox()
	for _, s := range sessions {
		check := widget.NewCheck(exportSessionLabel(s), func(bool) { d.refresh() })
		note := widget.NewLabel("")
		note.Importance = widget.LowImportance
		note.Wrapping = fyne.TextWrapWord
		d.checks, d.notes = append(d.checks, check), append(d.notes, note)
		list.Add(container.NewVBox(check, container.NewPadded(note)))
	}
	if len(sessions) == 0 {
		list.Add(widget.NewLabel(lang.X("export.no_session", "No session yet.")))
	}
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(620, 200))
	d.choose = widget.NewButton(lang.X("export.choose", "Choose the file and export…"), d.onChoose)
	d.choose.Importance = widget.HighImportance
	d.bar = widget.NewProgressBar()
	d.bar.Hide()
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel(lang.X("export.intro",
		"Choose the certification sessions whose results go to the certifier. Only sessions whose minutes every jury member signed can be sent; a mock exam never is."))
	intro.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(container.NewVBox(intro, d.draft, periodRow),
		container.NewVBox(d.format, d.choose, d.bar, d.status), nil, nil, scroll)
	d.dialog = dialog.NewCustom(lang.X("export.title", "Export for the certifier"), lang.X("action.close", "Close"), content, win)
	d.dialog.SetOnClosed(func() {
		d.mu.Lock()
		if d.cancel != nil {
			d.cancel()
		}
		d.mu.Unlock()
	})
	d.dialog.Resize(fyne.NewSize(760, 700))
	d.refresh()
	return d
}

// exportSessionLabel is "DEMO-SV-01 — 05/11/2026 – 06/11/2026 — Place (8 candidates)".
func exportSessionLabel(s exam.SessionSummary) string {
	name := s.Reference
	if name == "" {
		name = fmt.Sprintf("session %d", s.ID)
	}
	dates := s.StartDate.String()
	if !s.EndDate.IsZero() && s.EndDate != s.StartDate {
		dates += " – " + s.EndDate.String()
	}
	return lang.X("export.session.label", "{{.Name}} — {{.Dates}} — {{.Place}} ({{.Candidates}} candidates)",
		map[string]any{"Name": name, "Dates": dates, "Place": s.Place, "Candidates": s.Candidates})
}

// refresh enables what may be chosen and says why the rest may not.
func (d *exportDialog) refresh() {
	d.mu.Lock()
	running := d.running
	d.mu.Unlock()
	chosen := 0
	for i, s := range d.sessions {
		check, note := d.checks[i], d.notes[i]
		allowed := true
		switch {
		case s.Kind != exam.KindCertification:
			allowed = false
			note.SetText(lang.X("export.session.mock", "Mock exam (examen blanc): never sent to the certifier."))
		case !s.Signed && !d.draft.Checked:
			allowed = false
			note.SetText(lang.X("export.session.unsigned", "Minutes not signed: only in a draft (tick “Draft”)."))
		case !s.Signed:
			note.SetText(lang.X("export.session.unsigned_draft", "Minutes not signed: exported in a draft marked PROVISOIRE."))
		default:
			note.SetText(lang.X("export.session.signed", "Minutes signed."))
		}
		if !allowed && check.Checked {
			check.SetChecked(false) // calls refresh again; harmless
		}
		if allowed && !running {
			check.Enable()
		} else {
			check.Disable()
		}
		if check.Checked && allowed {
			chosen++
		}
	}
	for _, w := range []fyne.Disableable{d.draft, d.format, d.from, d.to, d.period} {
		if running {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if chosen > 0 && !running {
		d.choose.Enable()
	} else {
		d.choose.Disable()
	}
}

// chosenFormat is the format the radio group says.
func (d *exportDialog) chosenFormat() ExportFormat {
	if d.format.Selected == d.format.Options[1] {
		return ExportCSV
	}
	return ExportXLSX
}

// tickPeriod ticks every session that may be chosen and overlaps the
// period typed (a blank bound leaves that side open), as
// `amis export --from --to` selects them, and says how many it ticked.
func (d *exportDialog) tickPeriod() {
	from, err := exam.ParseDate(d.from.Text)
	if err == nil {
		var to exam.Date
		if to, err = exam.ParseDate(d.to.Text); err == nil {
			err = d.tickBetween(from, to)
		}
	}
	if err != nil {
		d.status.Importance = widget.DangerImportance
		d.status.SetText(ErrorMessage(err))
	}
}

func (d *exportDialog) tickBetween(from, to exam.Date) error {
	if from.IsZero() && to.IsZero() {
		return exam.Errorf(exam.EINVALID, "export.period.empty", "Type the first day, the last day, or both.", nil)
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return exam.Errorf(exam.EINVALID, "export.period.reversed", "The last day is before the first day.", nil)
	}
	ticked, barred := 0, 0
	for i, s := range d.sessions {
		last := s.EndDate
		if last.IsZero() {
			last = s.StartDate
		}
		if s.Kind != exam.KindCertification || (!from.IsZero() && last.Before(from)) || (!to.IsZero() && s.StartDate.After(to)) {
			continue
		}
		if d.checks[i].Disabled() {
			barred++
			continue
		}
		d.checks[i].SetChecked(true)
		ticked++
	}
	d.status.Importance = widget.MediumImportance
	switch {
	case ticked == 0 && barred == 0:
		d.status.SetText(lang.X("export.period.none", "No certification session in this period."))
	case barred > 0:
		d.status.SetText(lang.X("export.period.ticked_barred",
			"{{.Ticked}} session(s) of the period ticked; {{.Barred}} not signed, left out (tick “Draft” to include them).",
			map[string]any{"Ticked": ticked, "Barred": barred}))
	default:
		d.status.SetText(lang.X("export.period.ticked", "{{.Ticked}} session(s) of the period ticked.", map[string]any{"Ticked": ticked}))
	}
	d.status.Refresh()
	return nil
}

// selected returns the IDs of the sessions ticked.
func (d *exportDialog) selected() []int64 {
	var ids []int64
	for i, c := range d.checks {
		if c.Checked && !c.Disabled() {
			ids = append(ids, d.sessions[i].ID)
		}
	}
	return ids
}

func (d *exportDialog) onChoose() {
	if len(d.selected()) == 0 {
		return
	}
	d.choosePath(d.start)
}

// chooseFile asks for the file with the save dialog; the file it creates
// empty is replaced whole by the export.
func (d *exportDialog) chooseFile(onChosen func(path string)) {
	ext := "." + string(d.chosenFormat())
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
		if !strings.EqualFold(filepath.Ext(path), ext) {
			if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
				_ = os.Remove(path)
			}
			path += ext
		}
		onChosen(path)
	}, d.win)
	save.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	name := "export-certificateur-" + time.Now().Format("2006-01-02")
	if d.draft.Checked {
		name += "-PROVISOIRE"
	}
	save.SetFileName(name + ext)
	save.SetTitleText(lang.X("export.save.title", "Save the export"))
	save.SetConfirmText(lang.X("export.save.confirm", "Export"))
	save.SetDismissText(lang.X("action.cancel", "Cancel"))
	save.Resize(fyne.NewSize(900, 600))
	save.Show()
}

// start runs the export to path off the UI goroutine.
func (d *exportDialog) start(path string) {
	ids, draft, format := d.selected(), d.draft.Checked, d.chosenFormat()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	d.mu.Lock()
	d.cancel, d.running, d.done = cancel, true, done
	d.mu.Unlock()
	d.refresh()
	d.bar.SetValue(0)
	d.bar.Show()
	d.status.Importance = widget.MediumImportance
	d.status.SetText(lang.X("export.running", "Exporting…"))

	var pmu sync.Mutex
	var last time.Time
	progress := func(n, total int) {
		pmu.Lock()
		now := time.Now()
		skip := n != total && now.Sub(last) < 100*time.Millisecond
		if !skip {
			last = now
		}
		pmu.Unlock()
		if skip || total <= 0 {
			return // do not flood the UI goroutine
		}
		v := float64(n) / float64(total)
		text := lang.X("export.progress", "{{.Done}} of {{.Total}} candidates written", map[string]any{"Done": n, "Total": total})
		d.do(func() {
			d.bar.SetValue(v)
			d.status.SetText(text)
		})
	}
	go func() {
		err := d.export(ctx, ids, draft, format, path, progress)
		if err != nil {
			// The save dialog created the file empty: leave no empty file.
			if fi, serr := os.Stat(path); serr == nil && fi.Size() == 0 {
				_ = os.Remove(path)
			}
		}
		d.do(func() {
			d.mu.Lock()
			d.running, d.cancel = false, nil
			d.mu.Unlock()
			cancel()
			d.bar.Hide()
			switch {
			case err != nil:
				d.status.SetText(lang.X("export.failed", "The export failed: {{.Message}}", map[string]any{"Message": ErrorMessage(err)}))
				d.status.Importance = widget.DangerImportance
			case draft && d.anyUnsigned(ids):
				d.status.SetText(lang.X("export.done_draft", "Draft written to {{.Path}}: every sheet says PROVISOIRE; do not send it to the certifier.", map[string]any{"Path": path}))
				d.status.Importance = widget.WarningImportance
			default:
				d.status.SetText(lang.X("export.done", "Export written to {{.Path}}.", map[string]any{"Path": path}))
				d.status.Importance = widget.SuccessImportance
			}
			d.status.Refresh()
			d.refresh()
			close(done)
		})
	}()
}

func (d *exportDialog) anyUnsigned(ids []int64) bool {
	for _, s := range d.sessions {
		for _, id := range ids {
			if s.ID == id && !s.Signed {
				return true
			}
		}
	}
	return false
}

// wait returns once the export running, if any, has ended and its outcome
// is on screen (tests).
func (d *exportDialog) wait() {
	d.mu.Lock()
	done := d.done
	d.mu.Unlock()
	if done != nil {
		<-done
	}
}
