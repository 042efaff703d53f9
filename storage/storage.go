// Package storage keeps AMIS Jury's data in one SQLite file (mattn/go-sqlite3):
// connection settings, embedded migrations, the services that implement the
// interfaces declared by package exam, and the tamper-evident audit log.
//
// A file that is not an AMIS Jury database, or that a newer version made, or
// that is damaged, is refused before anything writes to it. Every write goes
// through DB.write, which records an audit entry in the same transaction.
// docs/storage.md describes the schema and the rules.
package storage

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/amisjury/amis/exam"
)

// applicationID is written in the SQLite header (PRAGMA application_id) by the
// first migration: 0x414D4953, "AMIS" in ASCII.
const applicationID = 0x414D4953

// sqliteHeader starts every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// readers is the size of the read-only connection pool.
const readers = 4

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded schema change; applying it brings the database
// to schema version Version.
type migration struct {
	Version int
	Name    string
	SQL     string
}

var migrations = mustLoadMigrations(migrationFiles)

// mustLoadMigrations reads migrations/NNNN_name.sql in order and panics if
// the numbering is not 1, 2, 3…: that is a build mistake, caught by any test.
func mustLoadMigrations(fsys fs.FS) []migration {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	ms := make([]migration, 0, len(names))
	for i, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			panic(fmt.Sprintf("storage: migration %s: want number %04d", base, i+1))
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{Version: v, Name: base, SQL: string(b)})
	}
	return ms
}

// SchemaVersion returns the schema version this binary creates and knows:
// the number of embedded migrations, stored in PRAGMA user_version.
func SchemaVersion() int { return len(migrations) }

// DB is an open AMIS Jury database: one writer connection, through which
// every change goes in an IMMEDIATE transaction, and a pool of read-only
// connections that WAL mode lets run alongside it.
type DB struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	// now is the clock of audit entries and timestamps; tests replace it.
	now func() time.Time
	// lock is the instance lock held while the database is open for
	// writing (lock_instance.go); nil when read-only.
	lock *instanceLock
	// readOnly says in English why the database is open for reading only;
	// "" when it can be written (faults.go).
	readOnly string

	// BackupKeep is how many automatic backups the backups folder keeps;
	// 0 means DefaultBackupKeep. Set it before use (backup.go).
	BackupKeep int
	// OnBackup, if set before use, is told of each automatic backup: the
	// file written, or why it failed (the change it follows is saved).
	OnBackup func(path string, err error)
	backupMu sync.Mutex
}

// DefaultPath returns where the app keeps its database:
// <user config dir>/amis-jury/amis.db.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("database location: %w", err)
	}
	return filepath.Join(dir, "amis-jury", "amis.db"), nil
}

// Open opens the database at path, creating it (and its directory, mode 0700)
// if missing, and brings its schema up to date.
//
// An existing non-empty file is first inspected read-only and refused, left
// untouched, with an EREFUSED *exam.Error when it is not an SQLite database,
// is another program's database, was made by a newer version of AMIS Jury or
// is damaged. Other failures carry the key err.db.open or err.db.migrate.
//
// The database is open for writing in one place at a time: Open takes an
// instance lock (amis.db.lock beside it) until Close, and refuses with
// ErrInUse (err.db.in_use, EREFUSED) while another window or process holds
// it. A database whose file or folder cannot be written is opened for
// reading only (DB.ReadOnly): every write then returns ErrReadOnly.
func Open(path string) (*DB, error) { return OpenWith(path, Options{}) }

// Options change how OpenWith opens a database.
type Options struct {
	// ReadsOnly is set by a command that will only read (amis export): the
	// file is then not scanned with PRAGMA quick_check before use (0.3 s
	// for 100,000 candidates), unless its schema must be brought up to
	// date first. Reading cannot make damage worse, SQLite reports a damaged
	// page it reads as an error (the command then fails and writes
	// nothing), and amis check scans the whole file. Every other check of
	// Open still runs.
	ReadsOnly bool
}

// OpenWith is Open with options.
func OpenWith(path string, opt Options) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", openError(path, err))
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("open database: %w", openError(abs, err))
	}
	reason := readOnlyReason(abs)
	if err := inspectFileScan(abs, reason != "", !opt.ReadsOnly); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if reason != "" {
		return openReadOnly(abs, reason, true)
	}
	lock, err := acquireInstanceLock(abs)
	var refused *exam.Error
	switch {
	case errors.As(err, &refused):
		return nil, fmt.Errorf("open database: %w", err)
	case err != nil && isReadOnlyError(err) && fileExists(abs):
		return openReadOnly(abs, "the folder cannot be written: "+err.Error(), true)
	case err != nil:
		return nil, fmt.Errorf("open database: %w", openError(abs, err))
	}
	if err := createPrivate(abs); err != nil {
		_ = lock.release()
		return nil, fmt.Errorf("open database: %w", openError(abs, err))
	}
	db := &DB{path: abs, now: time.Now, lock: lock}
	if err := db.open(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// createPrivate creates an empty database file readable by its owner only,
// so that SQLite, which gives its -wal and -shm files the mode of the
// database, does not make personal data world-readable.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

func (db *DB) open() error {
	ctx := context.Background()
	var err error
	// WAL is set once the schema is current, not in the DSN: a migration
	// that fails then rolls back to the file as it was, header included.
	db.writer, err = sql.Open("sqlite3", dsn(db.path, "_fk=on&_busy_timeout=5000&_txlock=immediate&_sync=FULL"))
	if err != nil {
		return openError(db.path, err)
	}
	// One writer: SQLite allows one anyway, and database/sql then queues
	// writers in the process instead of making them fail with SQLITE_BUSY.
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.writer.SetConnMaxLifetime(0)
	db.writer.SetConnMaxIdleTime(0)
	if err := db.writer.PingContext(ctx); err != nil {
		return openError(db.path, err)
	}
	if err := db.migrate(ctx); err != nil {
		return err
	}
	var mode string
	if err := db.writer.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return openError(db.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return openError(db.path, fmt.Errorf("journal mode is %q, not wal", mode))
	}
	// A read opens the WAL on this connection, which then, closing last,
	// checkpoints it and deletes it.
	if _, err := db.writer.ExecContext(ctx, "SELECT count(*) FROM sqlite_master"); err != nil {
		return openError(db.path, err)
	}
	db.reader, err = sql.Open("sqlite3", dsn(db.path, "mode=ro&_fk=on&_busy_timeout=5000"))
	if err != nil {
		return openError(db.path, err)
	}
	db.reader.SetMaxOpenConns(readers)
	db.reader.SetMaxIdleConns(readers)
	if err := db.reader.PingContext(ctx); err != nil {
		return openError(db.path, err)
	}
	return nil
}

// dsn returns an SQLite URI for the absolute path abs with the given query;
// the URI form is what lets "mode=ro" reach SQLite.
func dsn(abs, query string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/… on Windows
	}
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	return "file://" + p + "?" + query
}

// Path returns the absolute path of the database file.
func (db *DB) Path() string { return db.path }

// Close closes the connections, the last one checkpointing the WAL into
// the database file, then releases the instance lock.
func (db *DB) Close() error {
	var errs []error
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	errs = append(errs, db.lock.release())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction together with its PRAGMA user_version.
func (db *DB) migrate(ctx context.Context) error {
	var version int
	if err := db.writer.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return openError(db.path, err)
	}
	for _, m := range migrations[min(version, len(migrations)):] {
		if err := db.apply(ctx, m); err != nil {
			return &exam.Error{Code: exam.EINTERNAL, Key: "err.db.migrate",
				Message: fmt.Sprintf("cannot upgrade the database %s to schema %d: %v", db.path, m.Version, err),
				Data:    map[string]any{"Path": db.path, "Version": m.Version, "Reason": err.Error()}}
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, m migration) (err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("%s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
		return fmt.Errorf("%s: %w", m.Name, err)
	}
	return tx.Commit()
}

// inspect refuses, without writing to it, an existing non-empty file that is
// not an AMIS Jury database this version can use. A missing or empty file
// passes: SQLite will create the database.
func inspect(path string) error { return inspectFile(path, false) }

// inspectFile is inspect; frozen says that no one can write the file
// (openReadOnlyConn).
func inspectFile(path string, frozen bool) error { return inspectFileScan(path, frozen, true) }

// inspectFileScan is inspectFile; scan false leaves out PRAGMA quick_check
// when the schema is current (Options.ReadsOnly).
func inspectFileScan(path string, frozen, scan bool) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return openError(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return openError(path, err)
	}
	if st.IsDir() {
		f.Close()
		return openError(path, errors.New("it is a folder"))
	}
	if st.Size() == 0 {
		f.Close()
		return nil
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return openError(path, err)
	}
	if !bytes.Equal(head, []byte(sqliteHeader)) {
		return refusal("err.db.not_sqlite", "{{.Path}} is not an AMIS Jury database", map[string]any{"Path": path})
	}

	// mode=ro: SQLite opens the file without write access, so nothing here
	// can change it. No journal_mode either: setting it writes the header.
	ctx := context.Background()
	conn, err := openReadOnlyConn(ctx, path, "_busy_timeout=5000", 1, frozen)
	if err != nil {
		return readError(path, err)
	}
	defer conn.Close()
	var appID, version, objects int64
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return readError(path, err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return readError(path, err)
	}
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&objects); err != nil {
		return readError(path, err)
	}
	// A database stamped by another program is refused even when empty: it
	// is that program's file. Without a stamp, only a blank one (no object,
	// no schema version) is ours to take.
	if appID != applicationID && (appID != 0 || objects > 0 || version != 0) {
		return refusal("err.db.foreign", "{{.Path}} is another program's database, not an AMIS Jury database",
			map[string]any{"Path": path, "ApplicationID": fmt.Sprintf("0x%08X", uint32(appID))})
	}
	if version > int64(SchemaVersion()) {
		return refusal("err.db.newer", "{{.Path}} was made by a newer version of AMIS Jury (schema {{.Version}}, this version knows {{.Known}})",
			map[string]any{"Path": path, "Version": version, "Known": SchemaVersion()})
	}
	if appID == applicationID && version == 0 {
		return corrupt(path, "stamped as AMIS Jury but has no schema version")
	}
	if appID == applicationID {
		if missing, err := missingTables(ctx, conn, int(version)); err != nil {
			return readError(path, err)
		} else if missing != "" {
			return corrupt(path, fmt.Sprintf("the table %s of schema %d is missing", missing, version))
		}
	}
	if !scan && version == int64(SchemaVersion()) {
		return nil
	}
	problems, err := pragmaCheck(ctx, conn, "quick_check")
	if err != nil {
		return readError(path, err)
	}
	if len(problems) > 0 {
		return corrupt(path, problems[0])
	}
	return nil
}

// pragmaCheck runs quick_check or integrity_check and returns the problems
// it lists, none when it answers "ok".
func pragmaCheck(ctx context.Context, q queryer, pragma string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// queryer is what *sql.DB, *sql.Conn and *sql.Tx have in common for reads.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func refusal(key, message string, data map[string]any) error {
	return exam.Errorf(exam.EREFUSED, key, message, data)
}

func corrupt(path, reason string) error {
	return refusal("err.db.corrupt", "the database {{.Path}} is damaged ({{.Reason}}); restore a backup",
		map[string]any{"Path": path, "Reason": reason})
}

// readError tells a damaged file (refused) from a file that could not be
// read right now (locked, permissions).
func readError(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
		return corrupt(path, se.Error())
	}
	return openError(path, err)
}

func openError(path string, err error) error {
	return &exam.Error{Code: exam.EINTERNAL, Key: "err.db.open",
		Message: fmt.Sprintf("cannot open the database %s: %v", path, err),
		Data:    map[string]any{"Path": path, "Reason": err.Error()}}
}

// CheckReport is what DB.Check found. Problems is empty when all is well.
type CheckReport struct {
	Path string
	// Integrity lists what PRAGMA integrity_check reported; nil when "ok".
	Integrity []string
	// SchemaVersion is the database's; KnownSchemaVersion this binary's.
	SchemaVersion      int
	KnownSchemaVersion int
	ApplicationID      int64
	JournalMode        string
	Candidates         int
	AuditEntries       int
	// AuditBrokenAt is the ID of the first audit entry whose hash chain
	// does not hold; 0 when the chain is intact.
	AuditBrokenAt int64
	// SignedSessions is the number of signed PVs; MinutesBrokenAt the ID of
	// the first session whose signed PV is inconsistent (check_minutes.go),
	// 0 when all hold.
	SignedSessions  int
	MinutesBrokenAt int64
	// Problems says in English what is wrong, one sentence each.
	Problems []string
}

// OK reports whether the check found no problem.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// String formats the report for the command line, in English.
func (r *CheckReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "database:       %s\n", r.Path)
	fmt.Fprintf(&b, "schema version: %d (this version knows %d)\n", r.SchemaVersion, r.KnownSchemaVersion)
	fmt.Fprintf(&b, "application id: 0x%08X\n", uint32(r.ApplicationID))
	fmt.Fprintf(&b, "journal mode:   %s\n", r.JournalMode)
	fmt.Fprintf(&b, "candidates:     %d\n", r.Candidates)
	fmt.Fprintf(&b, "audit entries:  %d\n", r.AuditEntries)
	fmt.Fprintf(&b, "signed PVs:     %d\n", r.SignedSessions)
	if r.OK() {
		b.WriteString("result:         ok\n")
		return b.String()
	}
	b.WriteString("result:         PROBLEMS\n")
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  - %s\n", p)
	}
	return b.String()
}

// Check verifies the whole database: SQLite's full integrity check, the
// schema version and application id, WAL mode, the audit hash chain, the
// signed PVs (checkMinutes) and the schema itself: a table, index or
// trigger (the lock of signed PVs, the append-only audit log) missing,
// changed or added outside the migrations. A
// problem found goes into the report; the error is for a check that could
// not run.
func (db *DB) Check(ctx context.Context) (*CheckReport, error) {
	r := &CheckReport{Path: db.path, KnownSchemaVersion: SchemaVersion()}
	var err error
	if r.Integrity, err = pragmaCheck(ctx, db.reader, "integrity_check"); err != nil {
		return nil, fmt.Errorf("check database: integrity: %w", err)
	}
	for _, p := range r.Integrity {
		r.Problems = append(r.Problems, "integrity: "+p)
	}
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA user_version", &r.SchemaVersion},
		{"PRAGMA application_id", &r.ApplicationID},
		{"PRAGMA journal_mode", &r.JournalMode},
		{"SELECT count(*) FROM candidates", &r.Candidates},
		{"SELECT count(*) FROM audit_log", &r.AuditEntries},
	} {
		if err := db.reader.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			return nil, fmt.Errorf("check database: %s: %w", q.sql, err)
		}
	}
	if db.ReadOnly() && !strings.EqualFold(r.JournalMode, "wal") {
		r.JournalMode = headerJournalMode(db.path) // immutable: see openReadOnlyConn
	}
	if r.SchemaVersion != r.KnownSchemaVersion {
		r.Problems = append(r.Problems, fmt.Sprintf("schema version %d, expected %d", r.SchemaVersion, r.KnownSchemaVersion))
	}
	if r.ApplicationID != applicationID {
		r.Problems = append(r.Problems, fmt.Sprintf("application id 0x%08X, expected 0x%08X", uint32(r.ApplicationID), applicationID))
	}
	if !strings.EqualFold(r.JournalMode, "wal") {
		r.Problems = append(r.Problems, fmt.Sprintf("journal mode %s, expected wal", r.JournalMode))
	}
	if r.AuditBrokenAt, err = db.VerifyAudit(ctx); err != nil {
		return nil, fmt.Errorf("check database: %w", err)
	}
	if r.AuditBrokenAt != 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("audit log altered: the hash chain breaks at entry %d", r.AuditBrokenAt))
	}
	var problem string
	if r.SignedSessions, r.MinutesBrokenAt, problem, err = checkMinutes(ctx, db.reader); err != nil {
		return nil, fmt.Errorf("check database: %w", err)
	}
	if r.MinutesBrokenAt != 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("signed minutes of session %d: %s", r.MinutesBrokenAt, problem))
	}
	schema, err := schemaProblems(ctx, db.reader, r.SchemaVersion)
	if err != nil {
		return nil, fmt.Errorf("check database: %w", err)
	}
	r.Problems = append(r.Problems, schema...)
	return r, nil
}
