package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
)

// maxUnzipped bounds the uncompressed size of a workbook, so that a zip bomb
// is refused instead of filling memory and disk.
const maxUnzipped = 512 << 20

// sheetSource streams the rows of a workbook's first visible worksheet.
type sheetSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	line     int
	total    int
	date1904 bool
}

// openSheet opens a workbook with raw cell values (dates as serial numbers,
// numbers unformatted) and starts streaming its first visible worksheet.
// excelize parses untrusted bytes: a panic inside it is a broken file.
func openSheet(data []byte) (s *sheetSource, err error) {
	var f *excelize.File
	defer func() {
		if p := recover(); p != nil {
			if f != nil {
				_ = f.Close()
			}
			s, err = nil, fmt.Errorf("open workbook: %v: %w", p, errNotXLSX())
		}
	}()
	f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipped})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		switch {
		case strings.Contains(err.Error(), "unzip size exceeds"): // excelize has no error value for it
			return nil, fmt.Errorf("open workbook: %v: %w", err, errTooLarge())
		case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
			return nil, fmt.Errorf("open workbook: %v: %w", err, errOLE())
		}
		return nil, fmt.Errorf("open workbook: %v: %w", err, errNotXLSX())
	}
	sheet := ""
	for _, name := range f.GetSheetList() {
		if visible, _ := f.GetSheetVisible(name); visible {
			sheet = name
			break
		}
	}
	if sheet == "" {
		_ = f.Close()
		return nil, exam.Errorf(exam.EINVALID, "import.xlsx_no_sheet", "the workbook has no visible worksheet", nil)
	}
	s = &sheetSource{f: f}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		s.date1904 = *props.Date1904
	}
	if dim, err := f.GetSheetDimension(sheet); err == nil && dim != "" {
		last := dim[strings.LastIndexByte(dim, ':')+1:]
		if _, row, err := excelize.CellNameToCoordinates(last); err == nil {
			s.total = row
		}
	}
	if s.rows, err = f.Rows(sheet); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("read worksheet %q: %v: %w", sheet, err, errNotXLSX())
	}
	return s, nil
}

// next returns the next row; rows absent from the file (never typed in) come
// as empty rows, so that the line is the row number Excel shows.
func (s *sheetSource) next() (cells []string, line int, err error) {
	defer func() {
		if p := recover(); p != nil {
			cells, line, err = nil, 0, fmt.Errorf("read worksheet row %d: %v: %w", s.line, p, errNotXLSX())
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, fmt.Errorf("read worksheet after row %d: %v: %w", s.line, err, errNotXLSX())
		}
		return nil, 0, io.EOF
	}
	s.line++
	cells, err = s.rows.Columns()
	if err != nil {
		return nil, 0, fmt.Errorf("read worksheet row %d: %v: %w", s.line, err, errNotXLSX())
	}
	return cells, s.line, nil
}

func (s *sheetSource) lines() int { return s.total }

func (s *sheetSource) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// serialDate converts an Excel serial number to the date it shows; the time
// of day, if any, is dropped.
func serialDate(serial float64, date1904 bool) exam.Date {
	t, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return exam.Date{}
	}
	return exam.DateOf(t)
}

func errOLE() *exam.Error {
	return exam.Errorf(exam.EINVALID, "import.ole",
		"the file is an old Excel workbook (.xls) or is protected by a password: open it in Excel or LibreOffice and save it as .xlsx without a password, or as .csv", nil)
}
