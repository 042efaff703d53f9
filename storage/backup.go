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
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/amisjury/amis/exam"
)

// DefaultBackupKeep is how many automatic backups the backups folder keeps
// when DB.BackupKeep is 0.
const DefaultBackupKeep = 10

// backupName matches the automatic backups: amis-YYYYMMDD-HHMMSS-reason.db,
// with -N before .db for a second backup within the same second.
var backupName = regexp.MustCompile(`^amis-(\d{8})-(\d{6})-([a-z]+)(?:-(\d+))?\.db$`)

// partialSuffix ends the name of a backup being written; it gets its final
// name, by an atomic rename, only once complete and checked. VACUUM INTO
// writes it through a rollback journal, partialSuffix+"-journal", which a
// crash may leave too.
const partialSuffix = ".partial"

// removePartial deletes an unfinished copy and its journal: a stale journal
// beside the next copy would be taken for a hot one.
func removePartial(tmp string) error {
	var errs []error
	for _, p := range []string{tmp, tmp + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// BackupDir is the folder of automatic backups: backups/ beside the
// database.
func (db *DB) BackupDir() string { return filepath.Join(filepath.Dir(db.path), "backups") }

// Backup writes a consistent copy of the database to path, which must not
// exist: SQLite's VACUUM INTO writes a compact copy of one snapshot (writes
// may go on meanwhile) to path+".partial", which is flushed to the disk,
// opened and checked (our application id, a known schema, quick_check), and
// only then renamed to path. A failure leaves no file at path. It works on
// a read-only database too. EREFUSED err.backup.exists; EINTERNAL
// err.backup.full or err.backup.failed.
func (db *DB) Backup(ctx context.Context, path string) error {
	db.backupMu.Lock()
	defer db.backupMu.Unlock()
	if err := db.backupTo(ctx, path); err != nil {
		return fmt.Errorf("back up the database: %w", err)
	}
	return nil
}

func (db *DB) backupTo(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return backupError(path, err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return exam.Errorf(exam.EREFUSED, "err.backup.exists", "{{.Path}} already exists: choose another file name",
			map[string]any{"Path": abs})
	}
	tmp := abs + partialSuffix
	if err := removePartial(tmp); err != nil {
		return backupError(abs, err)
	}
	// VACUUM INTO accepts an empty file: create it private, as the database.
	if err := createPrivate(tmp); err != nil {
		return backupError(abs, err)
	}
	done := false
	defer func() {
		if !done {
			_ = removePartial(tmp)
		}
	}()
	if _, err := db.reader.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return backupError(abs, err)
	}
	// VACUUM INTO does not flush what it writes.
	if err := syncFile(tmp); err != nil {
		return backupError(abs, err)
	}
	if _, err := verifyFile(ctx, tmp, false); err != nil {
		return backupError(abs, fmt.Errorf("the copy does not pass the check: %w", err))
	}
	if err := os.Rename(tmp, abs); err != nil {
		return backupError(abs, err)
	}
	done = true
	syncDir(filepath.Dir(abs))
	return nil
}

// backupError says why the backup to path failed: a full disk, or another
// reason.
func backupError(path string, err error) error {
	var se sqlite3.Error
	if (errors.As(err, &se) && se.Code == sqlite3.ErrFull) || errors.Is(err, syscall.ENOSPC) {
		return exam.Errorf(exam.EINTERNAL, "err.backup.full", "the disk is full: the backup {{.Path}} could not be written",
			map[string]any{"Path": path, "Reason": err.Error()})
	}
	var e *exam.Error
	if errors.As(err, &e) && e.Code == exam.EREFUSED {
		err = errors.New(e.Message)
	}
	return exam.Errorf(exam.EINTERNAL, "err.backup.failed", "the backup {{.Path}} could not be written: {{.Reason}}",
		map[string]any{"Path": path, "Reason": err.Error()})
}

// BackupToFolder writes a backup asked for by the user into the backups
// folder, as amis-YYYYMMDD-HHMMSS-manual.db, counted among the BackupKeep
// kept there, and returns its path. It works on a read-only database too,
// when the folder can be written.
func (db *DB) BackupToFolder(ctx context.Context) (string, error) {
	db.backupMu.Lock()
	defer db.backupMu.Unlock()
	return db.autoBackupLocked(ctx, "manual")
}

// autoBackup writes an automatic backup, named after the time and reason
// ("pv", "exit", "manual"), into the backups folder and keeps the last
// BackupKeep there. It returns the file written.
func (db *DB) autoBackup(ctx context.Context, reason string) (string, error) {
	if db.ReadOnly() {
		return "", nil
	}
	db.backupMu.Lock()
	defer db.backupMu.Unlock()
	return db.autoBackupLocked(ctx, reason)
}

func (db *DB) autoBackupLocked(ctx context.Context, reason string) (string, error) {
	dir := db.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("back up the database: %w", backupError(dir, err))
	}
	removeStalePartials(dir)
	stamp := db.now().Local().Format("20060102-150405")
	path := filepath.Join(dir, fmt.Sprintf("amis-%s-%s.db", stamp, reason))
	for n := 2; fileOrLinkExists(path); n++ {
		path = filepath.Join(dir, fmt.Sprintf("amis-%s-%s-%d.db", stamp, reason, n))
	}
	if err := db.backupTo(ctx, path); err != nil {
		return "", fmt.Errorf("back up the database: %w", err)
	}
	keep := db.BackupKeep
	if keep <= 0 {
		keep = DefaultBackupKeep
	}
	backups, err := listBackups(dir)
	if err != nil {
		return path, nil // written; pruning waits for the next one
	}
	for len(backups) > keep {
		_ = os.Remove(backups[0].path)
		backups = backups[1:]
	}
	return path, nil
}

// afterSigned runs once the PV of a session is signed by its whole jury:
// the automatic "pv" backup. The signature is saved whatever happens here;
// OnBackup hears of the result.
func (db *DB) afterSigned(ctx context.Context) {
	path, err := db.autoBackup(context.WithoutCancel(ctx), "pv")
	if db.OnBackup != nil {
		db.OnBackup(path, err)
	}
}

// BackupOnExit writes the automatic backup made when the app closes, at most
// once a day: it returns "" without writing when an "exit" backup of today
// exists, when nothing was ever recorded, or when the newest backup already
// holds the same audit log head (nothing changed since). The window calls
// it before Close.
func (db *DB) BackupOnExit(ctx context.Context) (string, error) {
	if db.ReadOnly() {
		return "", nil
	}
	db.backupMu.Lock()
	defer db.backupMu.Unlock()
	dir := db.BackupDir()
	backups, err := listBackups(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("backup on exit: %w", backupError(dir, err))
	}
	today := db.now().Local().Format("20060102")
	for _, b := range backups {
		if b.reason == "exit" && b.day == today {
			return "", nil
		}
	}
	head, err := auditHead(ctx, db.reader)
	if err != nil {
		return "", fmt.Errorf("backup on exit: %w", err)
	}
	if head == "" {
		return "", nil
	}
	if len(backups) > 0 {
		if prev, err := fileAuditHead(ctx, backups[len(backups)-1].path); err == nil && prev == head {
			return "", nil
		}
	}
	return db.autoBackupLocked(ctx, "exit")
}

// backupFile is one automatic backup found in the backups folder.
type backupFile struct {
	path   string
	day    string // YYYYMMDD
	stamp  string // YYYYMMDD-HHMMSS
	reason string
	seq    int
}

// listBackups returns the automatic backups of dir, oldest first; other
// files are not ours and left alone.
func listBackups(dir string) ([]backupFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []backupFile
	for _, e := range entries {
		m := backupName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		seq := 1
		if m[4] != "" {
			seq, _ = strconv.Atoi(m[4])
		}
		out = append(out, backupFile{path: filepath.Join(dir, e.Name()), day: m[1], stamp: m[1] + "-" + m[2], reason: m[3], seq: seq})
	}
	slices.SortFunc(out, func(a, b backupFile) int {
		if a.stamp != b.stamp {
			if a.stamp < b.stamp {
				return -1
			}
			return 1
		}
		return a.seq - b.seq
	})
	return out, nil
}

// removeStalePartials deletes the unfinished backups a crash left in dir
// (more than a minute old: a younger one may be being written by another
// process).
func removeStalePartials(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		base, _, ok := strings.Cut(name, partialSuffix)
		if !ok || !backupName.MatchString(base) || (name != base+partialSuffix && name != base+partialSuffix+"-journal") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
}

// auditHead is the hash of the last audit entry, "" when there is none: two
// databases with the same head hold the same history.
func auditHead(ctx context.Context, q queryer) (string, error) {
	var h string
	err := q.QueryRowContext(ctx, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the audit log head: %w", err)
	}
	return h, nil
}

func fileAuditHead(ctx context.Context, path string) (string, error) {
	conn, err := openReadOnlyConn(ctx, path, "_busy_timeout=5000", 1, true)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	return auditHead(ctx, conn)
}

// BackupInfo describes a database file checked by VerifyBackup.
type BackupInfo struct {
	Path          string
	SchemaVersion int
	AuditEntries  int
	// AuditHead is the hash of the last audit entry.
	AuditHead      string
	SignedSessions int
}

// VerifyBackup checks that the file at path can be restored: an SQLite
// database (header), stamped AMIS Jury (application id), of a schema this
// version knows, that passes SQLite's full integrity_check, whose audit log
// hash chain holds and whose signed PVs are consistent (see DB.Check). It
// only reads the file. EREFUSED: err.db.not_sqlite, err.db.foreign,
// err.db.newer, err.backup.damaged, err.backup.audit, err.backup.minutes.
func VerifyBackup(ctx context.Context, path string) (*BackupInfo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, openError(path, err)
	}
	info, err := verifyFile(ctx, abs, true)
	if err != nil {
		return nil, fmt.Errorf("verify backup: %w", err)
	}
	return info, nil
}

// verifyFile checks the database file at path as VerifyBackup does; without
// full, only what Open checks (quick_check) and our application id.
func verifyFile(ctx context.Context, path string, full bool) (*BackupInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, openError(path, err)
	}
	if st.IsDir() {
		return nil, openError(path, errors.New("it is a folder"))
	}
	notOurs := refusal("err.db.not_sqlite", "{{.Path}} is not an AMIS Jury database", map[string]any{"Path": path})
	if st.Size() == 0 {
		return nil, notOurs
	}
	if err := inspectFile(path, true); err != nil {
		var e *exam.Error
		if errors.As(err, &e) && e.Key == "err.db.corrupt" {
			return nil, damaged(path, fmt.Sprint(e.Data["Reason"]))
		}
		return nil, err
	}
	conn, err := openReadOnlyConn(ctx, path, "_busy_timeout=5000", 1, true)
	if err != nil {
		return nil, readError(path, err)
	}
	defer conn.Close()
	info := &BackupInfo{Path: path}
	var appID int64
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA application_id", &appID},
		{"PRAGMA user_version", &info.SchemaVersion},
		{"SELECT count(*) FROM audit_log", &info.AuditEntries},
	} {
		if err := conn.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			if appID != applicationID {
				return nil, notOurs
			}
			return nil, damaged(path, err.Error())
		}
	}
	if appID != applicationID {
		return nil, notOurs
	}
	if info.AuditHead, err = auditHead(ctx, conn); err != nil {
		return nil, damaged(path, err.Error())
	}
	if !full {
		return info, nil
	}
	problems, err := pragmaCheck(ctx, conn, "integrity_check")
	if err != nil {
		return nil, damaged(path, err.Error())
	}
	if len(problems) > 0 {
		return nil, damaged(path, problems[0])
	}
	// VerifyAudit reads through db.reader only.
	broken, err := (&DB{path: path, reader: conn}).VerifyAudit(ctx)
	if err != nil {
		return nil, damaged(path, err.Error())
	}
	if broken != 0 {
		return nil, exam.Errorf(exam.EREFUSED, "err.backup.audit",
			"the backup {{.Path}} has an altered audit log (the hash chain breaks at entry {{.Entry}}): it was not restored",
			map[string]any{"Path": path, "Entry": broken})
	}
	signed, session, problem, err := checkMinutes(ctx, conn)
	if err != nil {
		return nil, damaged(path, err.Error())
	}
	if session != 0 {
		return nil, exam.Errorf(exam.EREFUSED, "err.backup.minutes",
			"the backup {{.Path}} has inconsistent signed minutes (session {{.Session}}: {{.Reason}}): it was not restored",
			map[string]any{"Path": path, "Session": session, "Reason": problem})
	}
	info.SignedSessions = signed
	return info, nil
}

func damaged(path, reason string) error {
	return refusal("err.backup.damaged", "the backup {{.Path}} is damaged ({{.Reason}}): it was not restored",
		map[string]any{"Path": path, "Reason": reason})
}

// RestoreReport says what Restore did.
type RestoreReport struct {
	// Path is the database restored; From the backup it was restored from.
	Path, From string
	// Before is where the replaced database was kept; "" when there was
	// none.
	Before string
	// The restored database's schema version (Open upgrades an older one),
	// audit entries and signed PVs.
	SchemaVersion, AuditEntries, SignedSessions int
}

// Restore replaces the database at dbPath by the backup at backupPath,
// which it only reads. In order: it takes the instance lock (refusing with
// ErrInUse while AMIS Jury has the database open), verifies the backup as
// VerifyBackup does, copies it with VACUUM INTO beside the database and
// checks the copy, keeps the current database as
// amis.db.before-restore-YYYYMMDD-HHMMSS (its changes still in the WAL
// folded in first), then renames the copy over the database: at every
// moment the database is either the old one or the new one, whole. A
// refused backup leaves the database untouched.
func Restore(ctx context.Context, backupPath, dbPath string) (*RestoreReport, error) {
	rep, err := restore(ctx, backupPath, dbPath)
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", backupPath, err)
	}
	return rep, nil
}

func restore(ctx context.Context, backupPath, dbPath string) (*RestoreReport, error) {
	from, err := filepath.Abs(backupPath)
	if err != nil {
		return nil, openError(backupPath, err)
	}
	target, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, openError(dbPath, err)
	}
	if sameFile(from, target) {
		return nil, exam.Errorf(exam.EINVALID, "err.backup.same", "{{.Path}} is the database itself, not a backup of it",
			map[string]any{"Path": from})
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return nil, openError(target, err)
	}
	lock, err := acquireInstanceLock(target)
	if err != nil {
		var e *exam.Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, openError(target, err)
	}
	defer lock.release()

	info, err := verifyFile(ctx, from, true)
	if err != nil {
		return nil, err
	}
	tmp := target + ".restore" + partialSuffix
	if err := removePartial(tmp); err != nil {
		return nil, openError(tmp, err)
	}
	defer func() { _ = removePartial(tmp) }() // nothing left once renamed
	if err := copyDatabase(ctx, from, tmp); err != nil {
		return nil, err
	}
	// VACUUM INTO writes a rollback-journal database; ours are WAL.
	if err := setWAL(ctx, tmp); err != nil {
		return nil, backupError(tmp, err)
	}
	copied, err := verifyFile(ctx, tmp, false)
	if err == nil && copied.AuditHead != info.AuditHead {
		err = errors.New("the copy differs from the backup")
	}
	if err != nil {
		return nil, backupError(tmp, err)
	}

	rep := &RestoreReport{Path: target, From: from, SchemaVersion: info.SchemaVersion,
		AuditEntries: info.AuditEntries, SignedSessions: info.SignedSessions}
	if fileExists(target) {
		if rep.Before, err = keepBefore(ctx, target); err != nil {
			return nil, err
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, openError(target, err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return nil, openError(target, err)
	}
	syncDir(filepath.Dir(target))
	return rep, nil
}

// copyDatabase writes a compact copy of the database file from (read only)
// to the new file to, flushed to the disk.
func copyDatabase(ctx context.Context, from, to string) error {
	conn, err := openReadOnlyConn(ctx, from, "_busy_timeout=5000", 1, true)
	if err != nil {
		return readError(from, err)
	}
	defer conn.Close()
	if err := createPrivate(to); err != nil {
		return openError(to, err)
	}
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		return backupError(to, err)
	}
	if err := syncFile(to); err != nil {
		return backupError(to, err)
	}
	return nil
}

// setWAL puts the database file at path, which no one else has open, in
// WAL mode.
func setWAL(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite3", dsn(path, "_busy_timeout=5000"))
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, not wal", mode)
	}
	return syncFile(path)
}

// keepBefore keeps the database at target, about to be replaced, as
// target.before-restore-YYYYMMDD-HHMMSS. Changes still in its WAL are first
// folded into it (a checkpoint); if that fails (a damaged database), its
// -wal is kept beside the copy, under the copy's name, where SQLite finds it.
func keepBefore(ctx context.Context, target string) (string, error) {
	if st, err := os.Stat(target + "-wal"); err == nil && st.Size() > 0 {
		if conn, err := sql.Open("sqlite3", dsn(target, "_busy_timeout=5000")); err == nil {
			_, _ = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			conn.Close()
		}
	}
	stamp := time.Now().Format("20060102-150405")
	before := target + ".before-restore-" + stamp
	for n := 2; fileOrLinkExists(before); n++ {
		before = fmt.Sprintf("%s.before-restore-%s-%d", target, stamp, n)
	}
	// A hard link costs nothing and the rename that follows leaves it on the
	// old file; a copy where links are not supported (FAT).
	if err := os.Link(target, before); err != nil {
		if err := copyFile(target, before); err != nil {
			return "", openError(before, err)
		}
	}
	if st, err := os.Stat(target + "-wal"); err == nil && st.Size() > 0 {
		if err := copyFile(target+"-wal", before+"-wal"); err != nil {
			return "", openError(before+"-wal", err)
		}
	}
	return before, nil
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(to)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Sync()
}

// syncFile flushes a file's content to the disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a folder's entries (a rename) to the disk, where the
// system can: Windows cannot open a folder for that, and its renames are
// journaled by NTFS.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func fileOrLinkExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}
