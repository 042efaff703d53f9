package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
	"github.com/amisjury/amis/ui"
)

// runPurge lists, and with --yes deletes, the candidates kept longer than
// the retention period (docs/privacy.md).
func runPurge(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "purge", "[--years N] [--dry-run] [--yes]",
		"delete the candidates inactive for longer than the retention period, with their records (signed PVs are archived first)", stderr)
	years := fs.Int("years", 0, fmt.Sprintf("retention period in years, %d to %d (default: the stored setting, %d unless changed)",
		storage.MinRetentionYears, storage.MaxRetentionYears, storage.DefaultRetentionYears))
	dry := fs.Bool("dry-run", false, "only print what would be deleted")
	yes := fs.Bool("yes", false, "delete, without asking")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "amis purge: unexpected argument %q\n", rest[0])
		return errUsage
	}
	if *dry && *yes {
		fmt.Fprintln(stderr, "amis purge: --dry-run and --yes exclude each other")
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	if err := requireDB(g); err != nil {
		return err
	}
	e, err := openEnv(g)
	if err != nil {
		return err
	}
	defer e.Close()
	svc := newPrivacyService(e)
	a := exam.System
	if !flagSet(fs, "years") {
		if *years, err = svc.RetentionYears(ctx, a); err != nil {
			return err
		}
	}
	plan, err := svc.PurgePlan(ctx, a, *years, exam.Date{})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, purgeText(plan.Years, plan.Cutoff, plan.PurgeCounts, false))
	switch {
	case plan.Candidates == 0:
		return nil
	case *dry:
		fmt.Fprintln(stdout, lang.X("cli.purge.dry_run", "Dry run: nothing was deleted."))
		return nil
	case !*yes:
		fmt.Fprintln(stdout, lang.X("cli.purge.ask", "Nothing was deleted: run the command again with --yes to delete these data (this cannot be undone)."))
		return nil
	}
	done, err := svc.Purge(ctx, a, plan)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, purgeText(plan.Years, plan.Cutoff, *done, true))
	return nil
}

// purgeText says in the user's language what a purge deletes (or deleted).
func purgeText(years int, cutoff exam.Date, c storage.PurgeCounts, done bool) string {
	data := map[string]any{"Years": years, "Cutoff": cutoff.String(), "Candidates": c.Candidates, "Never": c.NeverInSession,
		"Acquired": c.WithAcquiredBlocks, "Registrations": c.Registrations, "Grids": c.Grids, "Decisions": c.Decisions,
		"Results": c.Results, "Incidents": c.Incidents, "Timer": c.TimerEvents, "Blocks": c.AcquiredBlocks,
		"Sessions": c.Sessions, "Emptied": c.Emptied, "Signed": c.SignedSessions, "Archived": c.Archived}
	if c.Candidates == 0 {
		return lang.X("cli.purge.none", "Retention {{.Years}} years: no candidate is inactive since before {{.Cutoff}}; nothing to delete.", data)
	}
	lines := []string{lang.X("cli.purge.plan", "Retention {{.Years}} years: {{.Candidates}} candidates inactive since before {{.Cutoff}} ({{.Never}} never in a session, {{.Acquired}} with acquired CCPs).", data)}
	if done {
		lines[0] = lang.X("cli.purge.done", "Deleted: {{.Candidates}} candidates inactive since before {{.Cutoff}} ({{.Never}} never in a session, {{.Acquired}} with acquired CCPs).", data)
	}
	lines = append(lines,
		"  "+lang.X("cli.purge.rows", "Records: {{.Registrations}} registrations, {{.Grids}} grids, {{.Decisions}} decisions, {{.Results}} results, {{.Incidents}} incidents, {{.Timer}} clock events, {{.Blocks}} acquired blocks.", data),
		"  "+lang.X("cli.purge.sessions", "Sessions: {{.Sessions}} kept as records ({{.Emptied}} left without candidates); {{.Signed}} signed, {{.Archived}} PVs archived first.", data))
	return strings.Join(lines, "\n")
}

// runAccess writes the right-of-access workbook of one candidate.
func runAccess(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "access", "--candidate ID -o FILE.xlsx",
		"write everything stored about one candidate (right of access; not the medical justification)", stderr)
	id := fs.Int64("candidate", 0, "ID of the candidate (the record number shown in the app)")
	out := fs.String("o", "", "workbook to write (.xlsx)")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "amis access: unexpected argument %q\n", rest[0])
		return errUsage
	}
	switch {
	case *id <= 0:
		fmt.Fprintln(stderr, "amis access: --candidate ID is required")
		fs.Usage()
		return errUsage
	case *out == "":
		fmt.Fprintln(stderr, "amis access: -o FILE.xlsx is required")
		fs.Usage()
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	if err := requireDB(g); err != nil {
		return err
	}
	e, err := openEnv(g)
	if err != nil {
		return err
	}
	defer e.Close()
	r, err := newPrivacyService(e).Access(ctx, exam.System, *id)
	if err != nil {
		return err
	}
	if err := writeAtomically(*out, func(w io.Writer) error { return xlsx.WriteAccess(w, r, e.ref) }); err != nil {
		return err
	}
	fmt.Fprintln(stdout, lang.X("cli.access.done", "{{.File}}: the data of {{.Name}} ({{.Sessions}} sessions, {{.Entries}} log entries). It holds personal data: give it to the person concerned only.",
		map[string]any{"File": *out, "Name": r.Candidate.BirthName + " " + r.Candidate.FirstNames, "Sessions": len(r.Sessions), "Entries": len(r.Audit)}))
	return nil
}

// newPrivacyService is the privacy service of the environment; the right
// of access reads the accommodation profiles through its service.
func newPrivacyService(e *env) *storage.PrivacyService {
	svc := storage.NewPrivacyService(e.db, e.ref)
	if e.accommodations != nil {
		svc.Accommodations = e.accommodations
	}
	return svc
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// privacyBinding is ui.PrivacyService on the database; it keeps the last
// plan, which Purge carries out.
type privacyBinding struct {
	svc   *storage.PrivacyService
	cands exam.CandidateService
	ref   *exam.Referentiel

	mu   sync.Mutex
	plan *storage.PurgePlan
}

var _ ui.PrivacyService = (*privacyBinding)(nil)

// newPrivacyBinding binds the privacy dialogs to the environment's database.
func newPrivacyBinding(e *env) *privacyBinding {
	return &privacyBinding{svc: newPrivacyService(e), cands: e.candidates, ref: e.ref}
}

func (b *privacyBinding) RetentionYears(ctx context.Context, a exam.Actor) (int, error) {
	return b.svc.RetentionYears(ctx, a)
}

func (b *privacyBinding) PlanPurge(ctx context.Context, a exam.Actor, years int) (ui.PurgeSummary, error) {
	p, err := b.svc.PurgePlan(ctx, a, years, exam.Date{})
	if err != nil {
		return ui.PurgeSummary{}, err
	}
	b.mu.Lock()
	b.plan = p
	b.mu.Unlock()
	return purgeSummary(p.Years, p.Cutoff, p.PurgeCounts), nil
}

func (b *privacyBinding) Purge(ctx context.Context, a exam.Actor) (ui.PurgeSummary, error) {
	b.mu.Lock()
	p := b.plan
	b.plan = nil
	b.mu.Unlock()
	if p == nil {
		return ui.PurgeSummary{}, exam.Errorf(exam.EINVALID, "err.purge.plan", "no purge plan: list what would be deleted first", nil)
	}
	if err := b.svc.SetRetentionYears(ctx, a, p.Years); err != nil {
		return ui.PurgeSummary{}, err
	}
	done, err := b.svc.Purge(ctx, a, p)
	if err != nil {
		return ui.PurgeSummary{}, err
	}
	return purgeSummary(p.Years, p.Cutoff, *done), nil
}

func (b *privacyBinding) FindCandidates(ctx context.Context, a exam.Actor, query string) ([]exam.CandidateSummary, error) {
	return b.cands.FindCandidates(ctx, a, exam.CandidateFilter{Query: query, Limit: 50})
}

func (b *privacyBinding) ExportAccess(ctx context.Context, a exam.Actor, candidateID int64, path string) error {
	r, err := b.svc.Access(ctx, a, candidateID)
	if err != nil {
		return err
	}
	if filepath.Ext(path) == "" {
		path += ".xlsx"
	}
	return writeAtomically(path, func(w io.Writer) error { return xlsx.WriteAccess(w, r, b.ref) })
}

func purgeSummary(years int, cutoff exam.Date, c storage.PurgeCounts) ui.PurgeSummary {
	return ui.PurgeSummary{Years: years, Cutoff: cutoff, Candidates: c.Candidates, NeverInSession: c.NeverInSession,
		WithAcquiredBlocks: c.WithAcquiredBlocks, Sessions: c.Sessions, Emptied: c.Emptied,
		SignedSessions: c.SignedSessions, Archived: c.Archived}
}
