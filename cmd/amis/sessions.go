package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/ui"
)

// runSessions lists the sessions, latest first, as a table.
func runSessions(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "sessions", "", "list the sessions: kind, scope, dates, place, candidates, state", stderr)
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "amis sessions: unexpected argument %q\n", rest[0])
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
	sessions := storage.NewSessionService(e.db, e.ref)
	minutes := storage.NewDeliberationService(e.db, e.ref)
	list, err := sessions.FindSessions(ctx, exam.System, exam.SessionFilter{})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, lang.X("cli.sessions.none", "No session in {{.Path}}.", map[string]any{"Path": e.db.Path()}))
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
		lang.X("cli.sessions.id", "ID"), lang.X("cli.sessions.kind", "Kind"), lang.X("cli.sessions.scope", "Scope"),
		lang.X("cli.sessions.dates", "Dates"), lang.X("cli.sessions.place", "Place"),
		lang.X("cli.sessions.candidates", "Candidates"), lang.X("cli.sessions.state", "State"))
	for _, s := range list {
		state, err := sessionState(ctx, minutes, s)
		if err != nil {
			return err
		}
		dates := s.StartDate.String()
		if !s.EndDate.IsZero() && s.EndDate != s.StartDate {
			dates += " – " + s.EndDate.String()
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, kindLabel(s.Kind), scopeLabel(s.Scope), dates, s.Place,
			strconv.Itoa(s.Candidates), state)
	}
	return w.Flush()
}

// sessionState is brouillon, en cours, signé or "signé, modifié" (amended
// after the signature), translated.
func sessionState(ctx context.Context, minutes exam.DeliberationService, s exam.SessionSummary) (string, error) {
	switch {
	case s.Signed:
		m, err := minutes.Minutes(ctx, exam.System, s.ID)
		if err != nil {
			return "", err
		}
		if m.Amended() {
			return lang.X("session.state.amended", "signed, amended"), nil
		}
		return lang.X("session.state.signed", "signed"), nil
	case s.Started:
		return lang.X("session.state.running", "in progress"), nil
	}
	return lang.X("session.state.draft", "draft"), nil
}

func kindLabel(k exam.SessionKind) string {
	switch k {
	case exam.KindCertification:
		return lang.X("session.kind.certification", "certification")
	case exam.KindMock:
		return lang.X("session.kind.mock", "mock exam")
	}
	return string(k)
}

func scopeLabel(s exam.Scope) string {
	switch s {
	case exam.ScopeFullTitle:
		return lang.X("session.scope.full_title", "full title")
	case exam.ScopeCCP:
		return lang.X("session.scope.ccp", "CCP only")
	}
	return string(s)
}
