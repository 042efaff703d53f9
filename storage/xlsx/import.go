package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/amisjury/amis/exam"
)

// ImportFile imports the candidates of an .xlsx or .csv file: it decodes the
// file, then exam.ImportCandidates checks every row and stores them all in
// one transaction, or none. A refused file is a report with problems, not an
// error; the error is for a file that cannot be read at all (wrong format,
// EINVALID; missing, ENOTFOUND), a forbidden actor (EFORBIDDEN), a
// cancelled ctx or a storage failure. progress gets the phases "read",
// "check" and "save".
func ImportFile(ctx context.Context, a exam.Actor, svc exam.CandidateService, ref *exam.Referentiel, path string, progress exam.ImportProgress) (*exam.ImportReport, error) {
	if err := a.Require(exam.PermManageCandidates); err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("import %s: %v: %w", name, err, exam.Errorf(exam.ENOTFOUND, "import.not_found",
			"“{{.Name}}” does not exist (any more)", map[string]any{"Name": name}))
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	defer f.Close()
	d, err := decode(ctx, f, format, ref, progress)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	rep, err := exam.ImportCandidates(ctx, a, svc, ref, d.Rows, d.Columns, d.Problems, progress)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	rep.File = name
	rep.IgnoredColumns = d.Ignored
	return rep, nil
}
