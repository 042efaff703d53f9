package storage

import (
	"path/filepath"
	"testing"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

// MustOpen opens a new database in a temporary directory of tb and closes it
// when the test ends; tests of this and other packages use it instead of a
// mock, so that they run against real SQLite.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "amis.db"))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close test database: %v", err)
		}
	})
	return db
}

// MustReferentiel returns the référentiel embedded in package assets.
func MustReferentiel(tb testing.TB) *exam.Referentiel {
	tb.Helper()
	ref, err := assets.Referentiel()
	if err != nil {
		tb.Fatalf("load référentiel: %v", err)
	}
	return ref
}
