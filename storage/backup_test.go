package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

// onlyFiles fails unless dir holds exactly the files named.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func TestDB_Backup(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	if err := svc.ImportCandidates(ctx, admin, genCandidates(200, 0)); err != nil {
		t.Fatal(err)
	}
	// Writes go on while the backup runs: it copies one snapshot.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := svc.ImportCandidates(ctx, admin, genCandidates(5, 1000+5*i)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	dir := t.TempDir()
	out := filepath.Join(dir, "copie de sauvegarde.db")
	err := db.Backup(ctx, out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	onlyFiles(t, dir, "copie de sauvegarde.db")
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	info, err := VerifyBackup(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	copyDB, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	n := count(t, copyDB, "SELECT count(*) FROM candidates")
	if n < 200 || n%5 != 0 || info.AuditEntries != 1+(n-200)/5 {
		t.Errorf("backup: %d candidates, %d audit entries: not one snapshot", n, info.AuditEntries)
	}
	if rep, err := copyDB.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("backup Check: %v\n%s", err, rep)
	}

	before := fileHash(t, out)
	err = db.Backup(ctx, out)
	wantCode(t, err, exam.EREFUSED, "err.backup.exists")
	if fileHash(t, out) != before {
		t.Error("an existing file was overwritten")
	}
	other := t.TempDir()
	err = db.Backup(ctx, filepath.Join(other, "missing", "x.db"))
	wantCode(t, err, exam.EINTERNAL, "err.backup.failed")
	onlyFiles(t, other)
}

func TestDB_AutoBackups(t *testing.T) {
	ctx := context.Background()
	f := newSessionFixture(t)
	var mu sync.Mutex
	var told []string
	f.db.OnBackup = func(path string, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("automatic backup: %v", err)
		}
		told = append(told, path)
	}
	clock := time.Date(2026, 6, 15, 17, 45, 0, 0, time.Local)
	f.db.now = func() time.Time { return clock }

	// The last signature of a PV writes a backup holding it.
	s := f.signed(t, exam.KindCertification)
	if len(told) != 1 || filepath.Base(told[0]) != "amis-20260615-174500-pv.db" || filepath.Dir(told[0]) != f.db.BackupDir() {
		t.Fatalf("backups after signing: %q", told)
	}
	if filepath.Dir(f.db.BackupDir()) != filepath.Dir(f.db.Path()) {
		t.Errorf("BackupDir() = %s, not beside the database", f.db.BackupDir())
	}
	b, err := OpenReadOnly(told[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, b, "SELECT count(*) FROM sessions WHERE id = ? AND signed_at <> ''", s.ID); n != 1 {
		t.Error("the PV backup does not hold the signed session")
	}
	b.Close()

	// On exit: at most once a day, and only when something changed.
	path, err := f.db.BackupOnExit(ctx)
	if err != nil || path != "" {
		t.Errorf("BackupOnExit right after the PV backup = %q, %v; want nothing (no change)", path, err)
	}
	inc := &exam.Incident{SessionID: f.created(t, exam.KindMock).ID, Kind: exam.IncidentOther, At: clock, Text: "Note."}
	if err := f.delib.RecordIncident(ctx, jury, inc); err != nil {
		t.Fatal(err)
	}
	if path, err = f.db.BackupOnExit(ctx); err != nil || filepath.Base(path) != "amis-20260615-174500-exit.db" {
		t.Fatalf("BackupOnExit after a change = %q, %v", path, err)
	}
	if err := f.delib.RecordIncident(ctx, jury, inc); err != nil {
		t.Fatal(err)
	}
	if path, err = f.db.BackupOnExit(ctx); err != nil || path != "" {
		t.Errorf("second BackupOnExit the same day = %q, %v", path, err)
	}
	clock = clock.Add(24 * time.Hour)
	if path, err = f.db.BackupOnExit(ctx); err != nil || filepath.Base(path) != "amis-20260616-174500-exit.db" {
		t.Errorf("BackupOnExit the next day = %q, %v", path, err)
	}

	// The folder keeps the last BackupKeep; other files are left alone.
	other := filepath.Join(f.db.BackupDir(), "notes.txt")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.db.BackupKeep = 3
	for range 2 { // the same second: a -2 suffix
		if _, err := f.db.autoBackup(ctx, "manual"); err != nil {
			t.Fatal(err)
		}
	}
	onlyFiles(t, f.db.BackupDir(), "amis-20260616-174500-exit.db", "amis-20260616-174500-manual-2.db",
		"amis-20260616-174500-manual.db", "notes.txt")
	list, err := listBackups(f.db.BackupDir())
	if err != nil || len(list) != 3 || list[2].seq != 2 {
		t.Errorf("listBackups = %+v, %v", list, err)
	}
}

// tamper applies SQL to a copy of the database at path, outside the app's
// rules, and returns the copy.
func tamper(t *testing.T, path string, stmts ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "tampered.db")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	rawExec(t, out, stmts...)
	return out
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "amis.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := fixtureOn(t, db, true)
	f.signed(t, exam.KindCertification)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	// Work done after the backup, still in the WAL at the time of the
	// restore, as after a crash: the replaced database keeps it.
	if err := f.cands.ImportCandidates(ctx, admin, genCandidates(7, 100)); err != nil {
		t.Fatal(err)
	}
	_, err = Restore(ctx, backup, path)
	wantCode(t, err, exam.EREFUSED, "err.db.in_use")
	crash := filepath.Join(t.TempDir(), "amis.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(crash+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	rep, err := Restore(ctx, backup, crash)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Path != crash || rep.From != backup || !strings.HasPrefix(filepath.Base(rep.Before), "amis.db.before-restore-") ||
		rep.SchemaVersion != SchemaVersion() || rep.SignedSessions != 1 || rep.AuditEntries == 0 {
		t.Errorf("report = %+v", rep)
	}
	if b, err := os.ReadFile(crash); err != nil || b[18] != 2 || b[19] != 2 {
		t.Errorf("the restored database is not in WAL mode (%v)", err)
	}
	restored, err := Open(crash)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, restored, "SELECT count(*) FROM candidates"); n != 3 {
		t.Errorf("restored database: %d candidates, want the backup's 3", n)
	}
	if r, err := restored.Check(ctx); err != nil || !r.OK() || r.SignedSessions != 1 {
		t.Errorf("restored Check: %v\n%s", err, r)
	}
	restored.Close()
	old, err := Open(rep.Before)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, old, "SELECT count(*) FROM candidates"); n != 10 {
		t.Errorf("replaced database: %d candidates, want 10 (its WAL folded in)", n)
	}
	old.Close()

	// Into a folder with no database yet.
	fresh := filepath.Join(t.TempDir(), "new", "amis.db")
	if rep, err := Restore(ctx, backup, fresh); err != nil || rep.Before != "" {
		t.Fatalf("restore into a new folder: %+v, %v", rep, err)
	}
}

func TestRestore_Refuses(t *testing.T) {
	ctx := context.Background()
	f := newSessionFixture(t)
	s := f.signed(t, exam.KindCertification)
	good := filepath.Join(t.TempDir(), "good.db")
	if err := f.db.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name string
		make func(t *testing.T) string
		key  string
	}{
		{"text file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "notes.db")
			if err := os.WriteFile(p, []byte("Nom;Prénom\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, "err.db.not_sqlite"},
		{"empty SQLite database", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "empty.db")
			rawExec(t, p, "PRAGMA user_version = 0")
			return p
		}, "err.db.not_sqlite"},
		{"another program's database", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "other.db")
			rawExec(t, p, "CREATE TABLE notes (body TEXT)")
			return p
		}, "err.db.foreign"},
		{"newer schema", func(t *testing.T) string {
			return tamper(t, good, "PRAGMA user_version = 999")
		}, "err.db.newer"},
		{"pages overwritten", func(t *testing.T) string {
			b, err := os.ReadFile(good)
			if err != nil {
				t.Fatal(err)
			}
			for i := len(b) / 2; i < len(b)/2+8192 && i < len(b); i++ {
				b[i] = byte(rnd.UintN(256))
			}
			p := filepath.Join(t.TempDir(), "corrupt.db")
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, "err.backup.damaged"},
		{"audit log edited", func(t *testing.T) string {
			return tamper(t, good, "DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor_name = 'x' WHERE id = 2")
		}, "err.backup.audit"},
		{"signature removed", func(t *testing.T) string {
			return tamper(t, good, "DROP TRIGGER signatures_locked_delete", fmt.Sprintf("DELETE FROM signatures WHERE session_id = %d AND member_id = %d", s.ID, s.Jury[1].ID))
		}, "err.backup.minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "amis.db")
			amisDB(t, path, 4)
			src := tt.make(t)
			before, srcBefore := fileHash(t, path), fileHash(t, src)
			_, err := Restore(ctx, src, path)
			if err == nil {
				t.Fatal("Restore accepted the file")
			}
			wantCode(t, err, exam.EREFUSED, tt.key)
			if !strings.Contains(err.Error(), src) {
				t.Errorf("the error does not name the file: %v", err)
			}
			if fileHash(t, path) != before || fileHash(t, src) != srcBefore {
				t.Fatal("a refused restore changed a file")
			}
			onlyFiles(t, dir, "amis.db")
			if _, err := VerifyBackup(ctx, src); exam.ErrorCode(err) != exam.EREFUSED {
				t.Errorf("VerifyBackup: %v", err)
			}
		})
	}
}

func TestDB_CheckMinutes(t *testing.T) {
	ctx := context.Background()
	f := newSessionFixture(t)
	s := f.signed(t, exam.KindCertification)
	if rep, err := f.db.Check(ctx); err != nil || !rep.OK() || rep.SignedSessions != 1 || !strings.Contains(rep.String(), "signed PVs:     1") {
		t.Fatalf("Check: %v\n%s", err, rep)
	}
	if _, err := f.db.writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		stmts []string
		want  string
	}{
		{"signature removed", []string{"DROP TRIGGER signatures_locked_delete",
			fmt.Sprintf("DELETE FROM signatures WHERE member_id = %d", s.Jury[2].ID)}, "2 signature(s) for 3 jury member(s)"},
		{"signature redated", []string{"DROP TRIGGER signatures_locked_update",
			fmt.Sprintf("UPDATE signatures SET signed_at = '2020-01-01T00:00:00Z' WHERE member_id = %d", s.Jury[0].ID)}, "1 signature(s) not in the audit log as signed"},
		{"last signature redated", []string{"DROP TRIGGER signatures_locked_update",
			fmt.Sprintf("UPDATE signatures SET signed_at = '2099-01-01T00:00:00Z' WHERE member_id = %d", s.Jury[2].ID)}, "but the last signature is dated 2099-01-01T00:00:00Z"},
		{"result removed", []string{"DROP TRIGGER results_locked_delete",
			fmt.Sprintf("DELETE FROM results WHERE candidate_id = %d", f.a.ID)}, "1 present candidate(s) without a confirmed result"},
		{"decision removed", []string{"DROP TRIGGER decisions_locked_delete",
			fmt.Sprintf("DELETE FROM decisions WHERE candidate_id = %d AND block = 'RNCP37722BC02'", f.b.ID)}, "1 block(s) sat without a decision"},
		{"signature forged", []string{"DROP TRIGGER signatures_locked_delete", "DROP TRIGGER signatures_locked_insert",
			fmt.Sprintf("DELETE FROM signatures WHERE member_id = %d", s.Jury[2].ID),
			fmt.Sprintf("INSERT INTO signatures SELECT session_id, %d, 'x', signed_at FROM signatures WHERE member_id = %d", s.Jury[2].ID+100, s.Jury[0].ID),
		}, "a signature of someone not on the jury"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tamper(t, f.db.Path(), append([]string{"PRAGMA foreign_keys = OFF"}, tt.stmts...)...)
			db, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rep, err := db.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			prefix := fmt.Sprintf("signed minutes of session %d: ", s.ID)
			if rep.OK() || rep.MinutesBrokenAt != s.ID || !strings.Contains(rep.String(), prefix) || !strings.Contains(rep.String(), tt.want) {
				t.Errorf("Check did not report it:\n%s", rep)
			}
		})
	}
}

func TestBackupName(t *testing.T) {
	for name, ok := range map[string]bool{
		"amis-20260615-174500-pv.db": true, "amis-20260615-174500-exit-3.db": true,
		"amis-20260615-174500-pv.db.partial": false, "amis.db": false, "amis-2026-pv.db": false,
	} {
		if backupName.MatchString(name) != ok {
			t.Errorf("%s: match = %v", name, !ok)
		}
	}
	if !errors.Is(inUse("/x", 1), ErrInUse) {
		t.Error("errors.Is(inUse, ErrInUse) = false")
	}
}
