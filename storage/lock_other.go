//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly || windows)

package storage

import "os"

// tryLock: this platform has no advisory lock the app uses; the database is
// opened without the instance lock, SQLite's own locking still keeping it
// consistent.
func tryLock(*os.File) (bool, error) { return false, errNoLocking }

func unlock(*os.File) {}
