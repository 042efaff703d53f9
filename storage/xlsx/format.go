// Package xlsx reads candidate lists from Excel workbooks (.xlsx) and CSV
// files, and writes the import template workbook.
//
// Decoding only turns cells into exam.ImportRow values and reports what it
// could not read, pointing at the row and column a spreadsheet shows;
// exam.ImportCandidates then checks the rows and stores them all or none.
// Headers are French and matched loosely (case, accents, spaces and
// punctuation ignored, common aliases accepted), see CandidateColumns.
package xlsx

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/amisjury/amis/exam"
)

// Format of an import file.
type Format int

// Formats.
const (
	FormatXLSX Format = iota + 1 // Office Open XML workbook (.xlsx, .xlsm)
	FormatCSV                    // comma- or semicolon-separated text (.csv)
)

// String names the format the way users know it.
func (f Format) String() string {
	switch f {
	case FormatXLSX:
		return "xlsx"
	case FormatCSV:
		return "csv"
	}
	return "unknown"
}

// FormatOf returns the format of a file from its extension. Anything else —
// notably the old Excel format .xls and LibreOffice's .ods — is an EINVALID
// *exam.Error telling the user to save the file as .xlsx or .csv.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".csv":
		return FormatCSV, nil
	}
	return 0, exam.Errorf(exam.EINVALID, "import.format",
		"“{{.Name}}” cannot be imported: save it as an Excel workbook (.xlsx) or as CSV (.csv), then import that file",
		map[string]any{"Name": filepath.Base(name)})
}

// Magic numbers of the containers an import file may turn out to be,
// whatever its extension says.
var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts old .xls workbooks and password-protected .xlsx ones.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniff corrects the format announced by the extension with what the bytes
// are: a workbook renamed .csv is still read as a workbook.
func sniff(data []byte, f Format) (Format, error) {
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return FormatXLSX, nil
	case bytes.HasPrefix(data, oleMagic):
		return 0, errOLE()
	case f == FormatXLSX:
		return 0, errNotXLSX()
	case f == FormatCSV:
		return FormatCSV, nil
	}
	return 0, fmt.Errorf("decode candidates: unknown format %d", int(f))
}

func errNotXLSX() *exam.Error {
	return exam.Errorf(exam.EINVALID, "import.xlsx_invalid",
		"the file is not a readable Excel workbook (.xlsx): open it in Excel or LibreOffice and save it again as .xlsx or .csv", nil)
}
