package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

func TestOpen_Migrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "amis.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
	rep, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.SchemaVersion != SchemaVersion() || rep.ApplicationID != 0x414D4953 || rep.JournalMode != "wal" {
		t.Fatalf("fresh database: %+v", rep)
	}
	for _, table := range []string{"candidates", "acquired_blocks", "audit_log"} {
		if n := count(t, db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table); n != 1 {
			t.Errorf("table %s missing", table)
		}
	}
	if err := NewCandidateService(db, MustReferentiel(t)).CreateCandidate(ctx, admin, valid()); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode = %v (%v), want 0700", st.Mode().Perm(), err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v (%v), want 0600", st.Mode().Perm(), err)
	}

	// Reopening runs no migration again and keeps the data.
	for range 2 {
		db, err = Open(path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		rep, err := db.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.SchemaVersion != SchemaVersion() || rep.Candidates != 1 || rep.AuditEntries != 1 {
			t.Fatalf("reopened database: %+v", rep)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpen_EmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "amis.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatalf("an empty file is a new database: %v", err)
	}
	defer db.Close()
	if n := count(t, db, "PRAGMA user_version"); n != SchemaVersion() {
		t.Errorf("user_version = %d, want %d", n, SchemaVersion())
	}
}

func TestSchemaVersion(t *testing.T) {
	if SchemaVersion() < 1 {
		t.Fatalf("SchemaVersion() = %d", SchemaVersion())
	}
	for i, m := range migrations {
		if m.Version != i+1 || !strings.HasSuffix(m.Name, ".sql") || m.SQL == "" {
			t.Errorf("migration %d: %+v", i, m)
		}
	}
}

// amisDB makes a closed AMIS database holding n candidates.
func amisDB(t *testing.T, path string, n int) {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		if err := NewCandidateService(db, MustReferentiel(t)).ImportCandidates(context.Background(), admin, genCandidates(n, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Fatalf("%s left after Close", suffix)
		}
	}
}

func TestOpen_Refuses(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.UintN(256))
		}
		return b
	}
	write := func(t *testing.T, path string, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		key  string
	}{
		{"text file", func(t *testing.T, path string) {
			write(t, path, []byte("Nom;Prénom\nDUPONT;Marie\n"))
		}, "err.db.not_sqlite"},
		{"random bytes", func(t *testing.T, path string) {
			write(t, path, random(8192))
		}, "err.db.not_sqlite"},
		{"shorter than the header", func(t *testing.T, path string) {
			write(t, path, []byte("SQLite"))
		}, "err.db.not_sqlite"},
		{"SQLite header then garbage", func(t *testing.T, path string) {
			write(t, path, append([]byte(sqliteHeader), random(8192)...))
		}, "err.db.corrupt"},
		{"foreign database with a table", func(t *testing.T, path string) {
			rawExec(t, path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO notes (body) VALUES ('x')")
		}, "err.db.foreign"},
		{"foreign application id, no table", func(t *testing.T, path string) {
			rawExec(t, path, "PRAGMA application_id = 42", "PRAGMA user_version = 1")
		}, "err.db.foreign"},
		{"newer schema", func(t *testing.T, path string) {
			amisDB(t, path, 0)
			rawExec(t, path, "PRAGMA user_version = 999")
		}, "err.db.newer"},
		{"pages overwritten in the middle", func(t *testing.T, path string) {
			amisDB(t, path, 3000)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			mid := len(b) / 2 / 4096 * 4096
			copy(b[mid:], random(3*4096))
			write(t, path, b)
		}, "err.db.corrupt"},
		{"truncated", func(t *testing.T, path string) {
			amisDB(t, path, 3000)
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, st.Size()/2+100); err != nil {
				t.Fatal(err)
			}
		}, "err.db.corrupt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "amis.db")
			tt.make(t, path)
			before := fileHash(t, path)
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open accepted the file")
			}
			e := wantCode(t, err, exam.EREFUSED, tt.key)
			if !errors.Is(err, exam.ErrRefused) {
				t.Errorf("errors.Is(err, ErrRefused) = false")
			}
			if e.Data["Path"] != path || e.Message == "" || !strings.Contains(err.Error(), path) {
				t.Errorf("error lacks the path: %v (%+v)", err, e.Data)
			}
			if fileHash(t, path) != before {
				t.Fatal("the refused file was modified")
			}
			// Reading a WAL database, even read-only, needs its -shm index
			// and leaves an empty -wal: SQLite's own files, never data.
			entries, err := os.ReadDir(filepath.Dir(path))
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
					t.Errorf("Open left %s (%d bytes) beside the refused file", e.Name(), info.Size())
				}
			}
			// Refusing again gives the same answer: nothing was repaired or half-migrated.
			if _, err := Open(path); exam.ErrorCode(err) != exam.EREFUSED {
				t.Fatalf("second Open: %v", err)
			}
		})
	}
}

func TestOpen_RefusalMessages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "amis.db")
	amisDB(t, path, 0)
	rawExec(t, path, "PRAGMA user_version = 7")
	_, err := Open(path)
	if want := fmt.Sprintf("(schema 7, this version knows %d)", SchemaVersion()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

func TestOpen_Directory(t *testing.T) {
	_, err := Open(t.TempDir())
	wantCode(t, err, exam.EINTERNAL, "err.db.open")
}

func TestDB_Write(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	t.Run("without audit entry", func(t *testing.T) {
		err := db.write(ctx, admin, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO candidates (birth_name, first_names, sex, birth_date, birth_city,
				birth_country, access_route, dup_key, search, sort_key, created_at, updated_at)
				VALUES ('X', 'Y', 'F', '1990-01-01', 'c', 'c', 'vae', 'k', 's', 's', 'now', 'now')`)
			return err
		})
		if err == nil {
			t.Fatal("a write without an audit entry was committed")
		}
		if n := count(t, db, "SELECT count(*) FROM candidates"); n != 0 {
			t.Fatalf("%d candidates stored", n)
		}
	})
	t.Run("error rolls back the audit entry", func(t *testing.T) {
		err := db.write(ctx, admin, func(tx *Tx) error {
			if err := tx.audit("test", "test", 1, nil, "x"); err != nil {
				return err
			}
			return errors.New("boom")
		})
		if err == nil || err.Error() != "boom" {
			t.Fatalf("err = %v", err)
		}
		if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 0 {
			t.Fatalf("%d audit entries", n)
		}
	})
	t.Run("panic rolls back", func(t *testing.T) {
		func() {
			defer func() { _ = recover() }()
			_ = db.write(ctx, admin, func(tx *Tx) error {
				_ = tx.audit("test", "test", 1, nil, "x")
				panic("boom")
			})
		}()
		// The writer connection is usable again and nothing was kept.
		if err := db.write(ctx, admin, func(tx *Tx) error { return tx.audit("test", "test", 2, nil, nil) }); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 1 {
			t.Fatalf("%d audit entries, want 1", n)
		}
	})
}

func TestDB_VerifyAudit(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	at := time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	db.now = func() time.Time { return at }

	if broken, err := db.VerifyAudit(ctx); err != nil || broken != 0 {
		t.Fatalf("empty log: %d, %v", broken, err)
	}
	c := valid()
	if err := svc.CreateCandidate(ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	c.Email = "elodie.martin@example.org"
	if err := svc.UpdateCandidate(ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	if err := svc.ImportCandidates(ctx, admin, genCandidates(3, 0)); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteCandidate(ctx, admin, c.ID); err != nil {
		t.Fatal(err)
	}
	entries, err := db.auditRecords(ctx, "candidate", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		action   string
		entityID int64
		old, new []string // substrings of the JSON
	}{
		{"candidate.create", c.ID, []string{"null"}, []string{`"birth_name":"LEFÈVRE"`, `"birth_date":"1990-03-12"`, `"block_code":"RNCP37722BC01"`}},
		{"candidate.update", c.ID, []string{`"email":"elodie@example.org"`}, []string{`"email":"elodie.martin@example.org"`}},
		{"candidate.import", 0, []string{"null"}, []string{`"count":3`, `"first_id":2`, `"last_id":4`}},
		{"candidate.delete", c.ID, []string{`"email":"elodie.martin@example.org"`}, []string{"null"}},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d audit entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i, w := range want {
		e := entries[i]
		if e.Action != w.action || e.EntityID != w.entityID || e.Actor != admin || !e.At.Equal(at) || e.At.Location() != time.UTC {
			t.Errorf("entry %d = %+v, want %s on %d by %v at %v", i, e, w.action, w.entityID, admin, at)
		}
		for _, s := range w.old {
			if !strings.Contains(string(e.Old), s) {
				t.Errorf("entry %d old = %s, lacks %s", i, e.Old, s)
			}
		}
		for _, s := range w.new {
			if !strings.Contains(string(e.New), s) {
				t.Errorf("entry %d new = %s, lacks %s", i, e.New, s)
			}
		}
	}
	if broken, err := db.VerifyAudit(ctx); err != nil || broken != 0 {
		t.Fatalf("intact log: broken at %d, %v", broken, err)
	}

	// The triggers refuse ordinary changes to the log.
	if _, err := db.writer.Exec("UPDATE audit_log SET actor_name = 'x' WHERE id = 2"); err == nil {
		t.Fatal("audit_log accepted an UPDATE")
	}
	if _, err := db.writer.Exec("DELETE FROM audit_log WHERE id = 2"); err == nil {
		t.Fatal("audit_log accepted a DELETE")
	}

	tamper := []struct {
		name  string
		sql   string
		broke int64
	}{
		{"old value edited", `UPDATE audit_log SET old_json = replace(old_json, 'elodie@', 'someone@') WHERE id = 2`, 2},
		{"actor edited", `UPDATE audit_log SET actor_name = 'someone else' WHERE id = 3`, 3},
		{"entry removed", `DELETE FROM audit_log WHERE id = 2`, 3},
		{"action and hash replaced", `UPDATE audit_log SET action = 'candidate.read', hash = 'ab' || substr(hash, 3) WHERE id = 1`, 1},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			// A copy of the database for each case: the chain is intact at the start.
			path := filepath.Join(t.TempDir(), "amis.db")
			if _, err := db.writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(db.Path())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			rawExec(t, path, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete", tt.sql)
			copyDB, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer copyDB.Close()
			broken, err := copyDB.VerifyAudit(ctx)
			if err != nil || broken != tt.broke {
				t.Fatalf("VerifyAudit = %d, %v; want %d", broken, err, tt.broke)
			}
			rep, err := copyDB.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.AuditBrokenAt != tt.broke || !strings.Contains(rep.String(), "hash chain breaks at entry") {
				t.Fatalf("Check did not report the tampering:\n%s", rep)
			}
		})
	}
}

func TestDB_Check(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	if err := svc.ImportCandidates(ctx, admin, genCandidates(10, 0)); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Candidates != 10 || rep.AuditEntries != 1 || rep.Integrity != nil || rep.AuditBrokenAt != 0 {
		t.Fatalf("report: %+v", rep)
	}
	out := rep.String()
	for _, s := range []string{db.Path(), "candidates:     10", "application id: 0x414D4953", "result:         ok"} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q:\n%s", s, out)
		}
	}
	if bytes.Contains([]byte(out), []byte("MARTIN")) {
		t.Errorf("the report shows personal data:\n%s", out)
	}
}

func TestDSN(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/home/anne/amis.db", "file:///home/anne/amis.db?mode=ro"},
		{"/tmp/a?b#c%d/amis.db", "file:///tmp/a%3fb%23c%25d/amis.db?mode=ro"},
		{"/home/zoé/Données/amis.db", "file:///home/zoé/Données/amis.db?mode=ro"},
	}
	for _, tt := range tests {
		if got := dsn(tt.path, "mode=ro"); got != tt.want {
			t.Errorf("dsn(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	// A path with URI characters still opens.
	dir := filepath.Join(t.TempDir(), "a?b#c%d é")
	db, err := Open(filepath.Join(dir, "amis.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(filepath.Join(dir, "amis.db")); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/cfg")
	t.Setenv("HOME", "/tmp/home")
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.UserConfigDir()
	if want := filepath.Join(cfg, "amis-jury", "amis.db"); p != want {
		t.Errorf("DefaultPath() = %q, want %q", p, want)
	}
}

func TestOpen_AfterCrash(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	c := valid()
	if err := svc.CreateCandidate(ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	// While db is open the commit is only in the -wal file: copying the
	// database and its WAL, without the -shm index, is what a power cut leaves.
	dir := t.TempDir()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(db.Path() + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if suffix == "-wal" && len(b) == 0 {
			t.Fatal("the WAL is empty: the test does not simulate a crash")
		}
		if err := os.WriteFile(filepath.Join(dir, "amis.db"+suffix), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	crashed, err := Open(filepath.Join(dir, "amis.db"))
	if err != nil {
		t.Fatalf("database left by a crash refused: %v", err)
	}
	defer crashed.Close()
	got, err := NewCandidateService(crashed, MustReferentiel(t)).Candidate(ctx, admin, c.ID)
	if err != nil || got.BirthName != c.BirthName {
		t.Fatalf("committed candidate lost: %+v, %v", got, err)
	}
	if rep, err := crashed.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("Check: %v\n%s", err, rep)
	}
}

// TestOpenWith_ReadsOnly: a command that only reads opens a database
// without scanning it (no quick_check), so it opens a file damaged in the
// middle, which a full check then reports; every other refusal of Open
// stands, and a file whose schema must be migrated is scanned first.
func TestOpenWith_ReadsOnly(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	damage := func(t *testing.T, path string) {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		mid := len(b) / 2 / 4096 * 4096
		for i := mid; i < mid+3*4096; i++ {
			b[i] = byte(rnd.UintN(256))
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ro := Options{ReadsOnly: true}

	path := filepath.Join(t.TempDir(), "amis.db")
	amisDB(t, path, 3000)
	damage(t, path)
	if _, err := Open(path); exam.ErrorCode(err) != exam.EREFUSED {
		t.Fatalf("Open of the damaged file: %v, want a refusal", err)
	}
	before := fileHash(t, path)
	db, err := OpenWith(path, ro)
	if err != nil {
		t.Fatalf("OpenWith(ReadsOnly) of a file damaged in the middle: %v", err)
	}
	// The full check reports the damage, as a list of problems or as
	// SQLite's "malformed" error.
	if report, err := db.Check(context.Background()); err == nil && len(report.Integrity) == 0 {
		t.Error("the full check found nothing in the damaged file")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if fileHash(t, path) != before {
		t.Error("opening for reading changed the file")
	}

	// A file at an older schema is migrated, so scanned first.
	old := filepath.Join(t.TempDir(), "amis.db")
	amisDB(t, old, 3000)
	rawExec(t, old, "DROP INDEX session_candidates_order", fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()-1))
	damage(t, old)
	if _, err := OpenWith(old, ro); exam.ErrorCode(err) != exam.EREFUSED {
		t.Errorf("OpenWith(ReadsOnly) of a damaged file to migrate: %v, want a refusal", err)
	}

	newer := filepath.Join(t.TempDir(), "amis.db")
	amisDB(t, newer, 0)
	rawExec(t, newer, "PRAGMA user_version = 999")
	_, err = OpenWith(newer, ro)
	wantCode(t, err, exam.EREFUSED, "err.db.newer")

	foreign := filepath.Join(t.TempDir(), "amis.db")
	rawExec(t, foreign, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
	_, err = OpenWith(foreign, ro)
	wantCode(t, err, exam.EREFUSED, "err.db.foreign")
}
