package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
	"github.com/amisjury/amis/ui"
)

// env is what a command works with once the database is open.
type env struct {
	db             *storage.DB
	ref            *exam.Referentiel
	candidates     *storage.CandidateService
	sessions       *storage.SessionService
	evaluations    *storage.EvaluationService
	deliberation   *storage.DeliberationService
	accounts       *storage.AccountService
	accommodations *storage.AccommodationService
}

// documents returns the session documents renderer acting as a.
func (e *env) documents(a exam.Actor) *documents {
	return &documents{sessions: e.sessions, evaluations: e.evaluations, deliberation: e.deliberation, ref: e.ref, actor: a}
}

func (e *env) Close() error { return e.db.Close() }

// openEnv loads the référentiel and opens (creating if needed) the database.
func openEnv(g *globals) (*env, error) { return openEnvWith(g, storage.Options{}) }

// openEnvWith is openEnv with options (storage.Options.ReadsOnly for a
// command that only reads).
func openEnvWith(g *globals, opt storage.Options) (*env, error) {
	ref, err := assets.Referentiel()
	if err != nil {
		return nil, err
	}
	path := g.db
	if path == "" {
		if path, err = storage.DefaultPath(); err != nil {
			return nil, fmt.Errorf("find the default database: %w", err)
		}
	}
	db, err := storage.OpenWith(path, opt)
	if err != nil {
		return nil, err
	}
	return newEnv(db, ref), nil
}

// newEnv builds the services of an open database.
func newEnv(db *storage.DB, ref *exam.Referentiel) *env {
	return &env{
		db:             db,
		ref:            ref,
		candidates:     storage.NewCandidateService(db, ref),
		sessions:       storage.NewSessionService(db, ref),
		evaluations:    storage.NewEvaluationService(db, ref),
		deliberation:   storage.NewDeliberationService(db, ref),
		accounts:       storage.NewAccountService(db),
		accommodations: storage.NewAccommodationService(db, ref),
	}
}

func defaultDBHint() string {
	p, err := storage.DefaultPath()
	if err != nil {
		return "amis-jury/amis.db"
	}
	return p
}

// message is the one sentence shown for an error, translated.
func message(err error) string { return ui.ErrorMessage(err) }

func buildCommit() string {
	if commit != "" {
		return commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}

func runDemo(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "demo", "", "fill the database with demo data (idempotent: what is there already is kept)", stderr)
	n := fs.Int("candidates", demo.DefaultCandidates, "number of candidates to generate")
	seed := fs.Uint64("seed", 2026, "random seed (the same seed gives the same data)")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "amis demo: unexpected argument %q\n", rest[0])
		return errUsage
	}
	if *n < 1 || *n > 1_000_000 {
		fmt.Fprintln(stderr, "amis demo: --candidates must be between 1 and 1000000")
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	e, err := openEnv(g)
	if err != nil {
		return err
	}
	defer e.Close()
	start := time.Now()
	res, err := demo.Fill(ctx, exam.System, e.candidates, e.ref, demo.Options{Candidates: *n, Seed: *seed,
		Accounts: e.accounts, Accommodations: e.accommodations})
	if err != nil {
		return err
	}
	qres, err := demo.FillQCM(ctx, exam.System, e.qcmService(), e.candidates, e.ref, demo.QCMOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, lang.X("cli.demo.done", "Demo data in {{.Path}}: {{.Created}} candidates created, {{.Skipped}} already present; {{.Sessions}} sessions created, {{.SessionsSkipped}} already present ({{.Elapsed}}).",
		map[string]any{"Path": e.db.Path(), "Created": res.Created, "Skipped": res.Skipped, "Sessions": res.Sessions,
			"SessionsSkipped": res.SessionsSkipped, "Elapsed": time.Since(start).Round(time.Millisecond)}))
	var logins []string
	for _, acc := range demo.Accounts {
		logins = append(logins, acc.Login+" / "+acc.Password)
	}
	fmt.Fprintln(stdout, lang.X("cli.demo.accounts", "Demo accounts (login / password): {{.Logins}}; {{.Accounts}} accounts and {{.Profiles}} accommodation profiles created.",
		map[string]any{"Logins": strings.Join(logins, ", "), "Accounts": res.Accounts, "Profiles": res.Profiles}))
	fmt.Fprintln(stdout, lang.X("cli.demo.qcm", "QCM: {{.Imported}} questions imported, {{.Questionnaires}} questionnaires, {{.Attempts}} attempts.",
		map[string]any{"Imported": qres.Imported, "Questionnaires": qres.Questionnaires, "Attempts": qres.Attempts}))
	return nil
}

func runImport(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "import", "FILE.xlsx|FILE.csv", "import candidates: every row or none; prints every problem as row, column, reason (exit status 1 on refusal)", stderr)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	e, err := openEnv(g)
	if err != nil {
		return err
	}
	defer e.Close()
	start := time.Now()
	rep, err := xlsx.ImportFile(ctx, exam.System, e.candidates, e.ref, rest[0], nil)
	if err != nil {
		return err
	}
	data := importData(rep, time.Since(start), e.db.Path())
	return printImportReport(stdout, rep,
		lang.X("cli.import.ok", "{{.File}}: {{.N}} candidates imported into {{.Path}} ({{.Elapsed}}).", data),
		lang.X("cli.import.refused", "{{.File}}: import refused, nothing was imported ({{.N}} problems):", data))
}

// importData is the data of the import messages: File, N (imported, or the
// number of problems of a refused file), Path and Elapsed.
func importData(rep *exam.ImportReport, elapsed time.Duration, path string) map[string]any {
	n := rep.Imported
	if !rep.OK() {
		n = len(rep.Problems)
	}
	return map[string]any{"File": rep.File, "N": n, "Path": path, "Elapsed": elapsed.Round(time.Millisecond)}
}

// printImportReport prints an import's report: the ignored columns, then
// ok, or refused followed by every problem (row, column, reason), in which
// case it returns errRefused.
func printImportReport(stdout io.Writer, rep *exam.ImportReport, ok, refused string) error {
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintln(stdout, lang.X("cli.import.ignored", "Ignored columns: {{.Columns}}", map[string]any{"Columns": fmt.Sprintf("%q", rep.IgnoredColumns)}))
	}
	if rep.OK() {
		fmt.Fprintln(stdout, ok)
		return nil
	}
	fmt.Fprintln(stdout, refused)
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, "  "+ui.ProblemMessage(p))
	}
	return errRefused
}

func runCheck(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "check", "", "verify the database: integrity, schema version, audit chain", stderr)
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "amis check: unexpected argument %q\n", rest[0])
		return errUsage
	}
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
	rep, err := e.db.Check(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.String())
	if !rep.OK() {
		return errRefused
	}
	return nil
}
