// Command amis is AMIS Jury: without a sub-command it opens the desktop
// window; its sub-commands work on the same database from a terminal.
//
//	amis [--db PATH] [--demo]      open the window
//	amis demo    [--db PATH] [--candidates N] [--seed S]
//	amis import  [--db PATH] FILE
//	amis check   [--db PATH]
//	amis sessions [--db PATH]
//	amis export  [--db PATH] --session ID… -o FILE.xlsx
//	amis backup  [--db PATH] -o FILE
//	amis restore [--db PATH] FILE
//	amis purge   [--db PATH] [--years N] [--dry-run] [--yes]
//	amis access  [--db PATH] --candidate ID -o FILE.xlsx
//	amis qcm     [--db PATH] import FILE | export -o FILE.xlsx | results -o FILE.xlsx
//	amis version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	_ "github.com/amisjury/amis/internal/locale" // before Fyne's init: see the package
	"io"
	"os"
	"os/signal"
)

// Set at build time: -ldflags "-X main.version=1.2.3 -X main.commit=abc".
var (
	version = "0.1.0"
	commit  = ""
)

const appID = "fr.amisjury.desktop"

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

// errRefused marks a refusal already explained to the user (exit status 1).
var errRefused = errors.New("refused")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	stopProfile := startProfile()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case errors.Is(err, errRefused):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "amis:", message(err))
		os.Exit(1)
	}
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"demo", "[--candidates N] [--seed S]", "fill the database with demo data", runDemo},
		{"import", "FILE.xlsx|FILE.csv", "import candidates (all or nothing) and print the report", runImport},
		{"check", "", "verify the database (integrity, schema version, audit chain)", runCheck},
		{"sessions", "", "list the sessions (kind, scope, dates, place, candidates, state)", runSessions},
		{"purge", "[--years N] [--dry-run] [--yes]", "delete the candidates kept longer than the retention period (signed PVs archived first)", runPurge},
		{"access", "--candidate ID -o FILE.xlsx", "write everything stored about one candidate (right of access)", runAccess},
		qcmCommand,
		{"backup", "[-o FILE]", "write a checked copy of the database (works while the app is open)", runBackup},
		{"restore", "FILE", "replace the database by a checked backup, keeping the replaced one", runRestore},
		{"export", "--session ID [--from DATE --to DATE] [--draft] [--csv] -o FILE.xlsx", "export signed certification sessions for the certifier", runExport},
		{"bench-data", "[--candidates N] [--seed S]", "create a signed session of N generated candidates (benchmarks)", runBenchData},
		{"version", "", "print the version", runVersion},
	}
}

// globals are the options every command accepts.
type globals struct {
	db   string
	lang string
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.db, "db", g.db, "database file (default: the user's data directory, "+defaultDBHint()+")")
	fs.StringVar(&g.lang, "lang", g.lang, "language of messages: fr or en (default fr)")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g := &globals{}
	fs := flag.NewFlagSet("amis", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	demo := fs.Bool("demo", false, "fill the database with demo data first if it has no candidate")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return runGUI(ctx, g, *demo)
	}
	name := rest[0]
	if name == "help" {
		if len(rest) > 1 {
			return run(ctx, []string{rest[1], "--help"}, stdout, stderr)
		}
		usage(fs)
		return nil
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(ctx, g, rest[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "amis: unknown command %q\n", name)
	usage(fs)
	return errUsage
}

func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}

func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "AMIS Jury %s — certification exams of the titre professionnel AMIS (RNCP37722)\n\n", version)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  amis [--db PATH] [--demo]          open the window")
	for _, c := range commands {
		fmt.Fprintf(w, "  amis %s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nOptions (accepted before or after the command):")
	fs.PrintDefaults()
	fmt.Fprintln(w, "\n`amis COMMAND --help` describes a command.")
}

// subFlags returns a flag set for a sub-command that accepts the global
// options too, so `amis --db x check` and `amis check --db x` both work.
func subFlags(g *globals, name, args, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("amis "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: amis %s [options] %s\n  %s\n\nOptions:\n", name, args, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags placed anywhere among the arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageErr(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
		if len(args) > 0 && args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		if len(args) == 0 {
			return pos, nil
		}
	}
}

func runVersion(_ context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "version", "", "print the version", stderr)
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, versionString())
	return nil
}

func versionString() string {
	s := "AMIS Jury " + version
	if c := buildCommit(); c != "" {
		s += " (" + c + ")"
	}
	return s
}
