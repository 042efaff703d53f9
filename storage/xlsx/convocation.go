package xlsx

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
)

// ConvocationSheet is the sheet name of the convocation list.
const ConvocationSheet = "Convocations"

// convocationHeaders are the columns of the convocation list.
var convocationHeaders = []string{
	"Candidat", "N° candidat", "Né(e) le", "Épreuve", "Date", "Début", "Fin", "Durée", "Préparation", "Jury",
}

var convocationWidths = []float64{34, 13, 12, 34, 12, 8, 8, 22, 22, 18}

// Number formats of the documents, as Excel stores them (a French Excel
// shows dd/mm/yyyy as jj/mm/aaaa).
const (
	outDateFormat = "dd/mm/yyyy"
	outTimeFormat = "hh:mm"
)

// WriteConvocations writes the convocation list of a session as an .xlsx
// workbook: one row per candidate and épreuve of the schedule, in schedule
// order, with the candidate's name and birth date, the épreuve, its date,
// start (the start of the preparation, when there is one) and end as real
// Excel dates and times, the épreuve's time as "1 h 20 (base 1 h)" and the
// preparation's, and the jury. The header row is bold and frozen and
// carries an autofilter.
//
// The list shows the time a candidate has, never why: no accommodation,
// percentage or reason is written, only the time labels.
func WriteConvocations(w io.Writer, s *exam.Session, ref *exam.Referentiel, sched exam.Schedule) error {
	if s == nil || ref == nil {
		return fmt.Errorf("write convocations: the session and its référentiel are required")
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := writeConvocations(f, s, ref, sched); err != nil {
		return fmt.Errorf("write convocations of session %d: %w", s.ID, err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write convocations of session %d: %w", s.ID, err)
	}
	return nil
}

func writeConvocations(f *excelize.File, s *exam.Session, ref *exam.Referentiel, sched exam.Schedule) error {
	sh := ConvocationSheet
	if err := f.SetSheetName(f.GetSheetName(0), sh); err != nil {
		return err
	}
	title := "Convocations — session " + outSessionName(s)
	if err := outDocProps(f, title, s.UpdatedAt); err != nil {
		return err
	}
	st, err := newOutStyles(f)
	if err != nil {
		return err
	}
	if err := outHeaderRow(f, sh, 1, convocationHeaders, convocationWidths, st.header); err != nil {
		return err
	}
	row := 1
	for _, sl := range sched.Slots {
		row++
		var name, number string
		var born exam.Date
		if sc := s.Candidate(sl.CandidateID); sc != nil {
			name, number, born = sc.Candidate.DisplayName(), sc.Candidate.Number, sc.Candidate.BirthDate
		} else {
			name = sl.Candidate
		}
		trial := sl.Title
		if trial == "" {
			if t := ref.Trial(sl.Trial); t != nil {
				trial = t.Title
			} else {
				trial = sl.Trial
			}
		}
		start := sl.PrepStart
		if start.IsZero() {
			start = sl.Start
		}
		cells := []struct {
			value any
			style int
		}{
			{name, st.text},
			{number, st.text},
			{outDate(born), st.date},
			{trial, st.text},
			{outDate(exam.DateOf(start)), st.date},
			{outClock(start), st.time},
			{outClock(sl.End), st.time},
			{sl.Time.Label(), st.text},
			{sl.Time.PrepLabel(), st.text},
			{juryLabel(sl), st.text},
		}
		for i, c := range cells {
			cell, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			if c.value != nil && c.value != "" {
				if err := f.SetCellValue(sh, cell, c.value); err != nil {
					return err
				}
			}
			if err := f.SetCellStyle(sh, cell, cell, c.style); err != nil {
				return err
			}
		}
	}
	last, err := excelize.CoordinatesToCellName(len(convocationHeaders), max(row, 2))
	if err != nil {
		return err
	}
	if err := f.AutoFilter(sh, "A1:"+last, nil); err != nil {
		return err
	}
	if err := outFreezeHeader(f, sh, 1); err != nil {
		return err
	}
	return outPrintSetup(f, sh, title, "$1:$1")
}

// juryLabel is the panel sitting for a slot.
func juryLabel(sl exam.Slot) string {
	switch {
	case !sl.JuryBusy:
		return "Sans jury"
	case sl.Jury == "":
		return "Ensemble du jury"
	}
	return sl.Jury
}

// outSessionName is the session's reference and first day.
func outSessionName(s *exam.Session) string {
	if s.Reference != "" {
		return s.Reference + " du " + s.StartDate.String()
	}
	return "du " + s.StartDate.String()
}

// outDate is the civil date d as a time Excel stores as a date serial
// (midnight UTC: excelize writes a time's wall clock); nil when unset.
func outDate(d exam.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Time()
}

// outClock is t's wall clock on the computer, as a date and time serial
// (shown hh:mm); nil when unset.
func outClock(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.In(time.Local)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
}

// outStyles are the cell styles of the written workbooks.
type outStyles struct {
	header, text, wrap, bold, date, time, title, note int
}

func newOutStyles(f *excelize.File) (outStyles, error) {
	var st outStyles
	dateFmt, timeFmt := outDateFormat, outTimeFormat
	top := &excelize.Alignment{Vertical: "top"}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&st.text, &excelize.Style{Alignment: top}},
		{&st.wrap, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.date, &excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}},
		{&st.time, &excelize.Style{CustomNumFmt: &timeFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}},
		{&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.note, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "9C0006"},
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	} {
		id, err := f.NewStyle(s.style)
		if err != nil {
			return st, err
		}
		*s.id = id
	}
	return st, nil
}

// outDocProps sets the workbook's properties; a zero time gives a fixed
// date so that the same data always gives the same file.
func outDocProps(f *excelize.File, title string, at time.Time) error {
	if at.IsZero() {
		at = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	stamp := at.UTC().Format(time.RFC3339)
	return f.SetDocProps(&excelize.DocProperties{
		Creator: "AMIS Jury", Title: title, Language: "fr-FR", Created: stamp, Modified: stamp,
	})
}

// outHeaderRow writes a header row and sets the column widths.
func outHeaderRow(f *excelize.File, sheet string, row int, headers []string, widths []float64, style int) error {
	for i, h := range headers {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if i < len(widths) {
			if err := f.SetColWidth(sheet, col, col, widths[i]); err != nil {
				return err
			}
		}
		cell := fmt.Sprintf("%s%d", col, row)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
			return err
		}
	}
	return f.SetRowHeight(sheet, row, 20)
}

// outFreezeHeader freezes the rows down to row.
func outFreezeHeader(f *excelize.File, sheet string, row int) error {
	top := fmt.Sprintf("A%d", row+1)
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: row, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}}})
}

// outPrintSetup prints the sheet landscape, one page wide, with the title
// and page numbers in the header; titleRows (e.g. "$1:$1") are repeated on
// every page.
func outPrintSetup(f *excelize.File, sheet, title, titleRows string) error {
	landscape, one, tall := "landscape", 1, 0
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &tall}); err != nil {
		return err
	}
	// & starts a code in a header: a literal one is doubled.
	h := strings.ReplaceAll(title, "&", "&&")
	if len([]rune(h)) > 200 {
		h = string([]rune(h)[:200])
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + h + "&RPage &P/&N",
	}); err != nil {
		return err
	}
	if titleRows == "" {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!" + titleRows, Scope: sheet,
	})
}
