package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/amisjury/amis/exam"
)

// fuzzSeedDB returns the bytes of a small SQLite file made by stmts.
func fuzzSeedDB(f *testing.F, stmts ...string) []byte {
	path := filepath.Join(f.TempDir(), "seed.db")
	rawExec(f, path, stmts...)
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzOpen writes arbitrary bytes to a file and opens it. Whatever the
// bytes: no panic; a refusal is an *exam.Error (EREFUSED for what is not a
// usable AMIS Jury database) and leaves the file exactly as it was, with
// nothing but SQLite's own empty -wal and -shm beside it; an accepted file
// is a database that Check can examine and that closes cleanly.
func FuzzOpen(f *testing.F) {
	amis := filepath.Join(f.TempDir(), "amis.db")
	db, err := Open(amis)
	if err != nil {
		f.Fatal(err)
	}
	if err := db.Close(); err != nil {
		f.Fatal(err)
	}
	real, err := os.ReadFile(amis)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(real)
	f.Add([]byte(sqliteHeader))
	f.Add(append([]byte(sqliteHeader), make([]byte, 200)...))
	f.Add([]byte("Nom;Prénom\nDUPONT;Marie\n"))
	small := "PRAGMA page_size = 512"
	f.Add(fuzzSeedDB(f, small, "CREATE TABLE notes (body TEXT)"))
	f.Add(fuzzSeedDB(f, small, "PRAGMA application_id = 42", "PRAGMA user_version = 1"))
	f.Add(fuzzSeedDB(f, small, "PRAGMA application_id = 1095584083", "PRAGMA user_version = 1", "CREATE TABLE t (x)"))
	f.Add(fuzzSeedDB(f, small, "PRAGMA application_id = 1095584083", "PRAGMA user_version = 99"))
	f.Add(fuzzSeedDB(f, small, "PRAGMA application_id = 1095584083"))
	f.Add(fuzzSeedDB(f, small, "PRAGMA journal_mode = WAL", "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return // an empty file is a new database, by design
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "amis.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		before := fileHash(t, path)
		db, err := Open(path)
		if err == nil {
			if _, err := db.Check(context.Background()); err != nil {
				t.Errorf("Check of an accepted file: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			return
		}
		if code := exam.ErrorCode(err); code != exam.EREFUSED && code != exam.EINTERNAL {
			t.Fatalf("Open: error %v has code %q", err, code)
		}
		if code := exam.ErrorCode(err); code == exam.EINTERNAL {
			t.Logf("not refused but failed: %v", err)
		}
		if fileHash(t, path) != before {
			t.Fatalf("Open modified the file it refused (%v)", err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case e.Name() == "amis.db", e.Name() == "amis.db-shm":
			case e.Name() == "amis.db-wal" && info.Size() == 0:
			default:
				t.Fatalf("Open left %s (%d bytes) beside the refused file", e.Name(), info.Size())
			}
		}
	})
}

// TestOpen_RefusesUnstampedWithVersion: FuzzOpen's first finding
// (testdata/fuzz/FuzzOpen/e1e1fbf84de77ff1). A database without our stamp
// and without objects but with a schema version was taken as new, no
// migration ran, and every query then failed.
func TestOpen_RefusesUnstampedWithVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "amis.db")
	rawExec(t, path, "PRAGMA user_version = 2")
	before := fileHash(t, path)
	_, err := Open(path)
	wantCode(t, err, exam.EREFUSED, "err.db.foreign")
	if fileHash(t, path) != before {
		t.Fatal("the refused file was modified")
	}
}
