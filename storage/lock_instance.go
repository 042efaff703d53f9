package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/amisjury/amis/exam"
)

// ErrInUse matches, with errors.Is, the refusal of a database that another
// AMIS Jury window (another process, or another Open in this one) has open
// for writing.
var ErrInUse = &exam.Error{Code: exam.EREFUSED, Key: "err.db.in_use", Message: "the database is already open in another AMIS Jury window"}

// errNoLocking is returned by tryLock when the file system cannot lock
// files at all (some network shares): the database is then opened without
// the instance lock, SQLite's own locking still keeping it consistent.
var errNoLocking = errors.New("the file system does not support locks")

// instanceLock is the lock that makes a read-write Open exclusive: an
// advisory lock held on a file beside the database (amis.db.lock) for as
// long as the database is open; the file holds the holder's PID, for the
// message of a refusal. The operating system releases the lock when the
// process ends, however it ends, so a crash never leaves a stale lock, only
// a file that the next holder takes over. Close deletes the file.
type instanceLock struct {
	f    *os.File
	path string
	// held is false when the file system cannot lock (errNoLocking): the
	// file is then not ours to delete.
	held bool
}

// lockPath is the instance lock file of the database at dbPath.
func lockPath(dbPath string) string { return dbPath + ".lock" }

// acquireInstanceLock takes the instance lock of the database at dbPath,
// refusing with ErrInUse (and the holder's PID) when another holder has it.
// An error that is not an *exam.Error means the lock file could not be
// created or opened (a read-only folder…): the caller decides.
func acquireInstanceLock(dbPath string) (*instanceLock, error) {
	path := lockPath(dbPath)
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		held, err := tryLock(f)
		if errors.Is(err, errNoLocking) {
			return &instanceLock{f: f, path: path}, nil
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !held {
			pid := holderPID(f)
			f.Close()
			return nil, inUse(dbPath, pid)
		}
		// The holder that just released the lock deleted the file after we
		// opened it: this lock is on a file no one else will open. Again.
		if !stillNamed(f, path) && attempt < 10 {
			unlock(f)
			f.Close()
			continue
		}
		// Best effort: the PID only makes the refusal's message clearer.
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		return &instanceLock{f: f, path: path, held: true}, nil
	}
}

// stillNamed reports whether path still names the open file f.
func stillNamed(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// release deletes the lock file, unlocks and closes it. On Unix the file is
// deleted while still locked, so that whoever opened it meanwhile finds, once
// they have the lock, that it is no longer named (stillNamed) and starts
// again on a new file; Windows refuses to delete a file another process has
// open, so there it is deleted after closing, when no one else has it.
func (l *instanceLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	if l.held && runtime.GOOS != "windows" {
		_ = os.Remove(l.path)
	}
	unlock(l.f)
	err := l.f.Close()
	l.f = nil
	if l.held && runtime.GOOS == "windows" {
		_ = os.Remove(l.path)
	}
	return err
}

// holderPID reads the PID the lock's holder wrote; 0 when unknown.
func holderPID(f *os.File) int {
	b := make([]byte, 32)
	n, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

func inUse(path string, pid int) error {
	p := "?"
	if pid > 0 {
		p = strconv.Itoa(pid)
	}
	return exam.Errorf(exam.EREFUSED, ErrInUse.Key,
		"the database {{.Path}} is already open in another AMIS Jury window (pid {{.PID}}); close it first",
		map[string]any{"Path": path, "PID": p})
}
