package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/amisjury/amis/exam"
)

// ErrReadOnly matches, with errors.Is, the refusal of a write to a database
// opened read-only (DB.ReadOnly).
var ErrReadOnly = &exam.Error{Code: exam.EREFUSED, Key: "err.db.read_only", Message: "the database is read-only"}

// ErrDiskFull matches, with errors.Is, a write that failed because the disk
// (or the database's size limit) is full; nothing of it was kept.
var ErrDiskFull = &exam.Error{Code: exam.EINTERNAL, Key: "err.db.full", Message: "the disk is full"}

// ReadOnly reports whether the database was opened for reading only: its
// file or folder cannot be written (Open), or OpenReadOnly opened it. Every
// write then returns an error matching ErrReadOnly, before touching anything.
func (db *DB) ReadOnly() bool { return db.readOnly != "" }

// readOnlyError is what a write returns on a read-only database.
func (db *DB) readOnlyError() error {
	return exam.Errorf(exam.EREFUSED, ErrReadOnly.Key,
		"the database is read-only: {{.Path}} can be read, but nothing can be changed or added",
		map[string]any{"Path": db.path, "Reason": db.readOnly})
}

// diskFull turns SQLite's SQLITE_FULL into an error matching ErrDiskFull;
// other errors pass unchanged. SQLite has rolled the transaction back by
// then: nothing of the write is kept.
func (db *DB) diskFull(err error) error {
	var se sqlite3.Error
	if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrFull {
		return err
	}
	full := exam.Errorf(exam.EINTERNAL, ErrDiskFull.Key,
		"the disk is full: the last change was not saved (the data saved before is intact); free some space on the disk of {{.Path}}, then try again",
		map[string]any{"Path": db.path})
	return fmt.Errorf("%w (%v)", full, se)
}

// readOnlyReason says in English why the existing database file at abs can
// only be read, "" when it can be written or does not exist yet (Open then
// creates it, or fails). A file whose permissions deny writing to everyone
// is read-only even for an administrator, who could write it: it was marked
// so on purpose (on Windows, the read-only attribute).
func readOnlyReason(abs string) string {
	st, err := os.Stat(abs)
	if err != nil || st.IsDir() || st.Size() == 0 {
		return ""
	}
	if st.Mode().Perm()&0o222 == 0 {
		return "the file is read-only"
	}
	f, err := os.OpenFile(abs, os.O_RDWR, 0)
	if err != nil {
		if isReadOnlyError(err) {
			return "the file cannot be written: " + err.Error()
		}
		return ""
	}
	f.Close()
	// Windows sets the read-only attribute on folders it customises, and
	// ignores it there: only the file's attribute counts.
	if runtime.GOOS != "windows" {
		if dst, err := os.Stat(filepath.Dir(abs)); err == nil && dst.Mode().Perm()&0o222 == 0 {
			return "the folder is read-only"
		}
	}
	return ""
}

// fileExists reports whether path is a non-empty file: a database to open,
// not one to create.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Size() > 0
}

// isReadOnlyError reports an error of writing to a file that may not or
// cannot be written: permissions, a read-only file system or medium.
func isReadOnlyError(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// openReadOnlyConn opens a pool of conns SQLite connections that cannot
// write to the database at path, with the extra DSN query given.
//
// Reading a WAL database needs its -shm index beside it, and SQLite creates
// it (and an empty -wal) if missing, with the database file's permissions.
// A frozen file, one that no one can write (read-only permissions, folder or
// medium), is opened immutable instead, so that nothing is created beside it:
// a -shm and -wal made read-only like a 0444 file would stop every write once
// the file is made writable again. A file that is not frozen is opened so
// too when the -shm cannot be created. Either way, not when a -wal file holds
// changes not yet copied into the database, which immutable would not see:
// SQLite reads them through the -shm, or the open fails.
func openReadOnlyConn(ctx context.Context, path, query string, conns int, frozen bool) (*sql.DB, error) {
	if query != "" {
		query = "&" + query
	}
	if frozen && !walHolds(path) {
		return probe(ctx, path, "mode=ro&immutable=1"+query, conns)
	}
	conn, err := probe(ctx, path, "mode=ro"+query, conns)
	var se sqlite3.Error
	if err == nil || !errors.As(err, &se) || (se.Code != sqlite3.ErrCantOpen && se.Code != sqlite3.ErrReadonly) {
		return conn, err
	}
	if walHolds(path) {
		return nil, err
	}
	return probe(ctx, path, "mode=ro&immutable=1"+query, conns)
}

// walHolds reports whether the database at path has a non-empty -wal file
// beside it: changes (perhaps) not yet copied into the database.
func walHolds(path string) bool {
	st, err := os.Stat(path + "-wal")
	return err == nil && st.Size() > 0
}

// headerJournalMode reads from the database header whether the file is in
// WAL mode: PRAGMA journal_mode says "delete" on an immutable connection.
func headerJournalMode(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b := make([]byte, 20)
	if _, err := io.ReadFull(f, b); err != nil {
		return ""
	}
	if b[18] == 2 && b[19] == 2 { // file format read/write versions: 2 is WAL
		return "wal"
	}
	return "delete"
}

// probe opens a connection pool and reads the schema once, which is when
// SQLite opens the file and its WAL index.
func probe(ctx context.Context, path, query string, conns int) (*sql.DB, error) {
	conn, err := sql.Open("sqlite3", dsn(path, query))
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(conns)
	conn.SetMaxIdleConns(conns)
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// OpenReadOnly opens an existing AMIS Jury database for reading only,
// without the instance lock: a command that only reads (amis check, amis
// sessions, amis backup) may then run while an AMIS Jury window has the
// database open, WAL mode giving it a consistent snapshot. It refuses the
// files Open refuses, never creates or migrates anything, and refuses a
// database whose schema is older than this version's (err.db.read_only_old:
// it must be opened once read-write to be upgraded).
func OpenReadOnly(path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", openError(path, err))
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", openError(abs, err))
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("open database: %w", refusal("err.db.not_sqlite", "{{.Path}} is not an AMIS Jury database", map[string]any{"Path": abs}))
	}
	if err := inspect(abs); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return openReadOnly(abs, "opened for reading only", false)
}

// openReadOnly opens the inspected database at abs for reading only; reason
// says why, in English; frozen, that no one can write it (openReadOnlyConn).
func openReadOnly(abs, reason string, frozen bool) (*DB, error) {
	ctx := context.Background()
	db := &DB{path: abs, now: time.Now, readOnly: reason}
	var err error
	if db.reader, err = openReadOnlyConn(ctx, abs, "_fk=on&_busy_timeout=5000", readers, frozen); err != nil {
		return nil, fmt.Errorf("open database: %w", readError(abs, err))
	}
	var version int
	if err := db.reader.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", readError(abs, err))
	}
	if version < SchemaVersion() {
		db.Close()
		return nil, fmt.Errorf("open database: %w", refusal("err.db.read_only_old",
			"the database {{.Path}} is read-only and was made by an older version of AMIS Jury (schema {{.Version}}, this version needs {{.Known}}): make it writable and open it once to upgrade it",
			map[string]any{"Path": abs, "Version": version, "Known": SchemaVersion(), "Reason": reason}))
	}
	return db, nil
}
