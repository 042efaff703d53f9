package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
	"github.com/amisjury/amis/ui"
)

// idList is a repeatable --session flag.
type idList []int64

func (l *idList) String() string {
	var s []string
	for _, id := range *l {
		s = append(s, strconv.FormatInt(id, 10))
	}
	return strings.Join(s, ",")
}

func (l *idList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a session ID (see amis sessions)", part)
		}
		*l = append(*l, id)
	}
	return nil
}

// dateFlag is a --from/--to date, jj/mm/aaaa or aaaa-mm-jj.
type dateFlag struct{ d exam.Date }

func (f *dateFlag) String() string { return f.d.String() }

func (f *dateFlag) Set(v string) error {
	d, err := exam.ParseDate(v)
	if err != nil {
		return errors.New(message(err))
	}
	f.d = d
	return nil
}

// exportMemoryLimit is the soft memory limit of `amis export`, a guard: the
// export streams (its Go heap stays under 30 MB for 100,000 candidates, the
// process peaks at about 80 MB), and the limit makes the collector work
// harder should a sink buffer more one day (runs alternated with 64 MB,
// 128 MB and no limit measured the same times and peaks). GOMEMLIMIT
// overrides it.
const exportMemoryLimit = 128 << 20

// runExport writes the certifier workbook (or CSV) of the chosen sessions.
func runExport(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	const argsHelp = "--session ID [--session ID…] [--from DATE] [--to DATE] [--draft] [--csv] -o FILE.xlsx"
	fs := subFlags(g, "export", argsHelp,
		"export the results of signed certification sessions for the certifier (docs/export.md); exit status 1 on refusal", stderr)
	var ids idList
	var from, to dateFlag
	fs.Var(&ids, "session", "ID of a session to export (repeatable, or comma-separated; see amis sessions)")
	fs.Var(&from, "from", "also export the certification sessions overlapping the period starting on this day (jj/mm/aaaa)")
	fs.Var(&to, "to", "… and ending on this day (jj/mm/aaaa)")
	draft := fs.Bool("draft", false, "allow sessions whose procès-verbal is not signed: the file is then a draft marked PROVISOIRE")
	asCSV := fs.Bool("csv", false, "write the Résultats sheet as CSV (UTF-8 with BOM, ';') instead of a workbook; implied by -o FILE.csv")
	out := fs.String("o", "", "file to write (.xlsx, or .csv)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		fmt.Fprintf(stderr, "amis export: unexpected argument %q\n", rest[0])
		return errUsage
	case *out == "":
		fmt.Fprintln(stderr, "amis export: -o FILE is required")
		fs.Usage()
		return errUsage
	case len(ids) == 0 && from.d.IsZero() && to.d.IsZero():
		fmt.Fprintln(stderr, "amis export: choose the sessions: --session ID (see amis sessions), or --from/--to")
		fs.Usage()
		return errUsage
	case !from.d.IsZero() && !to.d.IsZero() && to.d.Before(from.d):
		fmt.Fprintln(stderr, "amis export: --to is before --from")
		return errUsage
	}
	csvOut := *asCSV || strings.EqualFold(filepath.Ext(*out), ".csv")
	ui.SetupLanguage(g.lang)
	if g.db != "" {
		if _, err := os.Stat(g.db); err != nil {
			return exam.Errorf(exam.EREFUSED, "cli.check.missing", "{{.Path}}: no such database", map[string]any{"Path": g.db})
		}
	}
	e, err := openEnvReading(g, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(exportMemoryLimit))
	}
	sel := storage.ExportSelection{SessionIDs: ids, From: from.d, To: to.d, Draft: *draft}
	svc := storage.NewExportService(e.db, e.ref)
	head, err := svc.ExportHead(ctx, exam.System, sel)
	if err != nil {
		return err
	}
	start := time.Now()
	err = exportTo(ctx, svc, exam.System, sel, csvOut, *out, nil)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range head.Sessions {
		names = append(names, s.Name())
	}
	data := map[string]any{"File": *out, "Sessions": strings.Join(names, ", "), "Candidates": head.Candidates,
		"Elapsed": time.Since(start).Round(time.Millisecond)}
	if head.Provisional {
		fmt.Fprintln(stdout, lang.X("cli.export.draft", "{{.File}}: DRAFT marked PROVISOIRE, not for the certifier — {{.Candidates}} candidates of {{.Sessions}} ({{.Elapsed}}).", data))
	} else {
		fmt.Fprintln(stdout, lang.X("cli.export.done", "{{.File}}: {{.Candidates}} candidates of {{.Sessions}} exported for the certifier ({{.Elapsed}}).", data))
	}
	return nil
}

// exportTo writes the certifier export of sel to path, as CSV or as the
// workbook, through writeAtomically: the command line and the window's
// export dialog both use it.
func exportTo(ctx context.Context, svc *storage.ExportService, a exam.Actor, sel storage.ExportSelection, csv bool, path string,
	progress func(done, total int)) error {
	return writeAtomically(path, func(w io.Writer) error {
		if csv {
			return xlsx.WriteExportCSV(ctx, w, svc, a, sel, progress)
		}
		return xlsx.WriteExport(ctx, w, svc, a, sel, progress)
	})
}

// writeAtomically writes path through a temporary file in the same folder,
// renamed over path once complete: an interrupted or refused export leaves
// no half-written file, and an existing file is replaced whole or not at
// all.
func writeAtomically(path string, write func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// CreateTemp makes the file 0600: personal data, like the database.
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// runBenchData creates a signed certification session of N generated
// candidates, for bench/export.sh.
func runBenchData(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "bench-data", "[--candidates N] [--seed S]",
		"create a signed certification session of N generated candidates (benchmarks; prints its ID)", stderr)
	n := fs.Int("candidates", 100000, "number of candidates")
	seed := fs.Uint64("seed", 7, "random seed; also the first two digits of the candidate numbers (seed mod 100)")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "amis bench-data: unexpected argument %q\n", rest[0])
		return errUsage
	}
	if *n < 1 || *n > 1_000_000 {
		fmt.Fprintln(stderr, "amis bench-data: --candidates must be between 1 and 1000000")
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	e, err := openEnv(g)
	if err != nil {
		return err
	}
	defer e.Close()
	start := time.Now()
	s, err := demo.FillBulkSession(ctx, exam.System, e.candidates, e.db, e.ref, demo.BulkOptions{Candidates: *n, Seed: *seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "amis bench-data: session %s (%d candidates) in %s, %s\n", s.Reference, *n, e.db.Path(), time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(stdout, s.ID)
	return nil
}

var _ flag.Value = (*idList)(nil)
