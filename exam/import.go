package exam

import (
	"context"
	"fmt"
	"sort"
	"strconv"
)

// ImportRow is one data row of an import file, decoded into a candidate.
type ImportRow struct {
	// Line is the row number in the file as a spreadsheet shows it (the header
	// row is 1, the first data row 2).
	Line      int
	Candidate Candidate
	// Unreadable lists the fields whose cell could not be read (a bad date…);
	// the decoder has already reported them, validation does not repeat them.
	Unreadable map[string]bool
}

// ImportProblem is one reason a file is refused, pointing at a row and a
// column of the file. Line 0 is about the file as a whole (a missing column).
type ImportProblem struct {
	Line    int
	Column  string // the column as the file names it, with its letter: "C (Date de naissance)"
	Key     string
	Message string
	Data    map[string]any
}

// String is the problem in English, for logs and tests.
func (p ImportProblem) String() string {
	switch {
	case p.Line == 0 && p.Column == "":
		return p.Message
	case p.Line == 0:
		return fmt.Sprintf("column %s: %s", p.Column, p.Message)
	case p.Column == "":
		return fmt.Sprintf("row %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("row %d, column %s: %s", p.Line, p.Column, p.Message)
}

// ImportReport says what an import did: either every row was imported, or
// none and Problems says why.
type ImportReport struct {
	File     string
	Rows     int
	Imported int
	Problems []ImportProblem
	// IgnoredColumns lists the file's headers that match no known column.
	IgnoredColumns []string
}

// OK reports whether the file was imported.
func (r *ImportReport) OK() bool { return len(r.Problems) == 0 && r.Imported == r.Rows }

// ImportProgress is told how far an import has gone: done of total rows in a
// phase ("read", "check", "save"). total is 0 when not known yet.
type ImportProgress func(phase string, done, total int)

// ImportCandidates checks decoded rows and, if nothing is wrong, stores them
// all in one transaction. Any problem (a decoding problem passed in, an
// invalid field, a duplicate within the file or with the database) imports
// nothing; the report lists every problem found, sorted by row.
func ImportCandidates(ctx context.Context, a Actor, svc CandidateService, ref *Referentiel, rows []ImportRow, columns map[string]string, decodeProblems []ImportProblem, progress ImportProgress) (*ImportReport, error) {
	if err := a.Require(PermManageCandidates); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rep := &ImportReport{Rows: len(rows), Problems: append([]ImportProblem(nil), decodeProblems...)}
	col := func(field string) string {
		if c, ok := columns[field]; ok {
			return c
		}
		return field
	}
	today := Today()
	firstByKey := map[string]int{}
	firstByNumber := map[string]int{}
	keys := make([]string, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		c := &r.Candidate
		c.Normalize()
		for _, errs := range [][]FieldError{FieldErrors(c.ValidateAt(today)), FieldErrors(c.CheckBlocks(ref))} {
			for _, fe := range errs {
				if r.Unreadable[fe.Field] {
					continue
				}
				rep.Problems = append(rep.Problems, ImportProblem{Line: r.Line, Column: col(fe.Field), Key: fe.Key, Message: fe.Message, Data: fe.Data})
			}
		}
		if len(r.Unreadable) == 0 && c.BirthName != "" && c.FirstNames != "" && !c.BirthDate.IsZero() {
			k := c.DuplicateKey()
			if first, dup := firstByKey[k]; dup {
				rep.Problems = append(rep.Problems, ImportProblem{Line: r.Line, Key: "import.dup_in_file",
					Message: "same person as row {{.First}} (birth name, first names, birth date)", Data: map[string]any{"First": first}})
				rep.Problems[len(rep.Problems)-1].Message = render(rep.Problems[len(rep.Problems)-1].Message, rep.Problems[len(rep.Problems)-1].Data)
			} else {
				firstByKey[k] = r.Line
				keys = append(keys, k)
			}
		}
		if c.Number != "" {
			if first, dup := firstByNumber[c.Number]; dup {
				p := ImportProblem{Line: r.Line, Column: col(FieldNumber), Key: "import.dup_number_in_file",
					Data: map[string]any{"First": first, "Number": c.Number}}
				p.Message = render("candidate number {{.Number}} already used on row {{.First}}", p.Data)
				rep.Problems = append(rep.Problems, p)
			} else {
				firstByNumber[c.Number] = r.Line
			}
		}
		if i%1000 == 0 {
			progress("check", i, len(rows))
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	existing, err := svc.ExistingDuplicates(ctx, a, keys)
	if err != nil {
		return nil, fmt.Errorf("import: look for duplicates: %w", err)
	}
	for _, k := range keys {
		if s, ok := existing[k]; ok {
			p := ImportProblem{Line: firstByKey[k], Key: "import.dup_in_db",
				Data: map[string]any{"Name": s.BirthName + " " + s.FirstNames, "Date": s.BirthDate.String(), "ID": strconv.FormatInt(s.ID, 10)}}
			p.Message = render("already in the database: {{.Name}}, born {{.Date}} (record {{.ID}})", p.Data)
			rep.Problems = append(rep.Problems, p)
		}
	}
	progress("check", len(rows), len(rows))
	if len(rows) == 0 && len(rep.Problems) == 0 {
		rep.Problems = append(rep.Problems, ImportProblem{Key: "import.empty", Message: "the file has no data row"})
	}
	if len(rep.Problems) > 0 {
		sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Line < rep.Problems[j].Line })
		return rep, nil
	}
	cs := make([]*Candidate, len(rows))
	for i := range rows {
		cs[i] = &rows[i].Candidate
	}
	progress("save", 0, len(rows))
	if err := svc.ImportCandidates(ctx, a, cs); err != nil {
		if ErrorCode(err) == ECONFLICT || ErrorCode(err) == EINVALID {
			rep.Problems = append(rep.Problems, ImportProblem{Key: "import.conflict", Message: err.Error(), Data: map[string]any{"Detail": err.Error()}})
			return rep, nil
		}
		return nil, fmt.Errorf("import: save: %w", err)
	}
	progress("save", len(rows), len(rows))
	rep.Imported = len(rows)
	return rep, nil
}
