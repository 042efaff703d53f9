package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/ui"
)

// runBackup writes a checked copy of the database: to -o FILE, or into the
// backups folder beside it. It works while an AMIS Jury window has the
// database open.
func runBackup(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "backup", "[-o FILE]",
		"write a checked copy of the database, even while AMIS Jury is open (default: into the backups folder beside it)", stderr)
	out := fs.String("o", "", "file to write; it must not exist (default: backups/amis-YYYYMMDD-HHMMSS-manual.db beside the database)")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "amis backup: unexpected argument %q\n", rest[0])
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	if err := requireDB(g); err != nil {
		return err
	}
	e, err := openEnvReading(g, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	start := time.Now()
	path := *out
	if path == "" {
		path, err = e.db.BackupToFolder(ctx)
	} else {
		err = e.db.Backup(ctx, path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, lang.X("cli.backup.done", "Backup of {{.Path}} written to {{.File}} and checked ({{.Elapsed}}).",
		map[string]any{"Path": e.db.Path(), "File": path, "Elapsed": time.Since(start).Round(time.Millisecond)}))
	return nil
}

// runRestore replaces the database by a backup after checking the backup;
// the replaced database is kept beside it.
func runRestore(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "restore", "FILE",
		"replace the database by a backup once the backup passes every check (integrity, audit chain, signed PVs); the replaced database is kept beside it; AMIS Jury must be closed", stderr)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	path, err := dbPath(g)
	if err != nil {
		return err
	}
	rep, err := storage.Restore(ctx, rest[0], path)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, lang.X("cli.restore.done", "{{.File}} restored into {{.Path}}: {{.Entries}} audit entries, {{.Signed}} signed PVs, all checked.",
		map[string]any{"File": rep.From, "Path": rep.Path, "Entries": rep.AuditEntries, "Signed": rep.SignedSessions}))
	if rep.Before != "" {
		fmt.Fprintln(stdout, lang.X("cli.restore.kept", "The replaced database is kept as {{.Before}}.", map[string]any{"Before": rep.Before}))
	}
	return nil
}

// dbPath is the database the command works on: --db, or the default.
func dbPath(g *globals) (string, error) {
	if g.db != "" {
		return g.db, nil
	}
	path, err := storage.DefaultPath()
	if err != nil {
		return "", fmt.Errorf("find the default database: %w", err)
	}
	return path, nil
}

// requireDB refuses a --db that does not exist, rather than creating an
// empty database to read.
func requireDB(g *globals) error {
	if g.db == "" {
		return nil
	}
	if _, err := os.Stat(g.db); err != nil {
		return exam.Errorf(exam.EREFUSED, "cli.check.missing", "{{.Path}}: no such database", map[string]any{"Path": g.db})
	}
	return nil
}

// openEnvReading opens the database for a command that only reads, as
// openEnv does; when an AMIS Jury window has it open (storage.ErrInUse), it
// opens it read-only instead, without the instance lock, and says so on
// stderr: WAL mode gives a consistent snapshot while the window writes.
// The file is not scanned with quick_check first (storage.Options.ReadsOnly).
// amis export, backup, sessions and the QCM exports use it.
func openEnvReading(g *globals, stderr io.Writer) (*env, error) {
	e, err := openEnvWith(g, storage.Options{ReadsOnly: true})
	if !errors.Is(err, storage.ErrInUse) {
		return e, err
	}
	path, err := dbPath(g)
	if err != nil {
		return nil, err
	}
	ref, err := assets.Referentiel()
	if err != nil {
		return nil, err
	}
	db, err := storage.OpenReadOnly(path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, lang.X("cli.read_only.in_use", "{{.Path}} is open in AMIS Jury: reading it without changing anything.",
		map[string]any{"Path": db.Path()}))
	return newEnv(db, ref), nil
}
