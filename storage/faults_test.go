package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

// readOnlyDB makes a closed database of n candidates in a new folder and
// returns its path.
func readOnlyDB(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "amis.db")
	amisDB(t, path, n)
	return path
}

// checkReadOnly checks that db reads and refuses every write with
// ErrReadOnly, leaving the file as it was.
func checkReadOnly(t *testing.T, db *DB, path string, candidates int) {
	t.Helper()
	ctx := context.Background()
	before := fileHash(t, path)
	if !db.ReadOnly() {
		t.Fatal("ReadOnly() = false")
	}
	ref := MustReferentiel(t)
	svc := NewCandidateService(db, ref)
	if n, err := svc.CountCandidates(ctx, admin); err != nil || n != candidates {
		t.Fatalf("CountCandidates = %d, %v; want %d", n, err, candidates)
	}
	rep, err := db.Check(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("Check: %v\n%s", err, rep)
	}
	writes := map[string]error{
		"candidate": svc.CreateCandidate(ctx, admin, valid()),
		"session": NewSessionService(db, ref).CreateSession(ctx, admin, &exam.Session{Kind: exam.KindMock, Scope: exam.ScopeFullTitle,
			StartDate: exam.NewDate(2026, 6, 15), Place: "Lyon", TrainingCentre: "Lyon"}),
		"incident": NewDeliberationService(db, ref).RecordIncident(ctx, jury, &exam.Incident{SessionID: 1, Kind: exam.IncidentOther,
			At: time.Now(), Text: "x"}),
	}
	for name, err := range writes {
		e := wantCode(t, err, exam.EREFUSED, "err.db.read_only")
		if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "the database is read-only") || e.Data["Path"] != path {
			t.Errorf("%s: error %v", name, err)
		}
	}
	if path, err := db.BackupOnExit(ctx); err != nil || path != "" {
		t.Errorf("BackupOnExit on a read-only database = %q, %v", path, err)
	}
	// A read-only database can still be backed up elsewhere.
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if fileHash(t, path) != before {
		t.Fatal("the read-only database was modified")
	}
	if _, err := os.Stat(lockPath(path)); err == nil {
		t.Error("a read-only Open took the instance lock")
	}
}

func TestOpen_ReadOnlyFile(t *testing.T) {
	path := readOnlyDB(t, 5)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatalf("a read-only file must open for reading: %v", err)
	}
	checkReadOnly(t, db, path, 5)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Nothing was created beside it: a -wal and -shm made read-only like the
	// file would stop every write once it is made writable again.
	onlyFiles(t, filepath.Dir(path), "amis.db")
	// Writable again, it opens for writing.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.ReadOnly() {
		t.Fatal("a writable file opened read-only")
	}
	if err := NewCandidateService(db, MustReferentiel(t)).CreateCandidate(context.Background(), admin, valid()); err != nil {
		t.Fatal(err)
	}
}

func TestOpen_ReadOnlyFolder(t *testing.T) {
	path := readOnlyDB(t, 3)
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	db, err := Open(path)
	if err != nil {
		t.Fatalf("a database in a read-only folder must open for reading: %v", err)
	}
	checkReadOnly(t, db, path, 3)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	onlyFiles(t, dir, "amis.db")
}

func TestOpen_ReadOnlyOldSchema(t *testing.T) {
	path := readOnlyDB(t, 0)
	rawExec(t, path, "PRAGMA user_version = 1")
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	wantCode(t, err, exam.EREFUSED, "err.db.read_only_old")
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	path := readOnlyDB(t, 2)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// While a window has it open, a command that only reads can still read
	// it, committed changes included.
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := NewCandidateService(db, MustReferentiel(t)).CreateCandidate(ctx, admin, valid()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ro, "SELECT count(*) FROM candidates"); n != 3 {
		t.Errorf("read-only view has %d candidates, want 3", n)
	}
	err = NewCandidateService(ro, MustReferentiel(t)).DeleteCandidate(ctx, admin, 1)
	wantCode(t, err, exam.EREFUSED, "err.db.read_only")

	_, err = OpenReadOnly(filepath.Join(t.TempDir(), "missing.db"))
	wantCode(t, err, exam.EINTERNAL, "err.db.open")
	text := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(text, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = OpenReadOnly(text)
	wantCode(t, err, exam.EREFUSED, "err.db.not_sqlite")
}

func TestDB_DiskFull(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	if err := svc.ImportCandidates(ctx, admin, genCandidates(20, 0)); err != nil {
		t.Fatal(err)
	}
	f := fixtureOn(t, db, false)
	sess := &exam.Session{Kind: exam.KindMock, Scope: exam.ScopeFullTitle, StartDate: exam.NewDate(2026, 6, 15),
		Place: "Lyon", TrainingCentre: "Lyon", Candidates: []exam.SessionCandidate{{Candidate: exam.Candidate{ID: 1}}},
		Jury: []exam.Member{{Name: "Sophie Bernard", Role: exam.JuryPresident}}}
	if err := f.sessions.CreateSession(ctx, admin, sess); err != nil {
		t.Fatal(err)
	}
	candidates, entries := count(t, db, "SELECT count(*) FROM candidates"), count(t, db, "SELECT count(*) FROM audit_log")

	// The disk is "full": the database may not grow by a single page.
	var pages int
	if err := db.writer.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Coupure de courant dans la salle. ", 100)
	writes := map[string]func() error{
		"import": func() error { return svc.ImportCandidates(ctx, admin, genCandidates(500, 20)) },
		"incident": func() error {
			return f.delib.RecordIncident(ctx, jury, &exam.Incident{SessionID: sess.ID, Kind: exam.IncidentTechnical, At: time.Now(), Text: long[:1900]})
		},
	}
	for name, write := range writes {
		var err error
		for range 100 { // small writes fit in free space until it runs out
			if err = write(); err != nil {
				break
			}
		}
		e := wantCode(t, err, exam.EINTERNAL, "err.db.full")
		if !errors.Is(err, ErrDiskFull) || !strings.Contains(e.Message, "disk is full") {
			t.Errorf("%s: error %v", name, err)
		}
	}
	if got := count(t, db, "SELECT count(*) FROM candidates"); got != candidates {
		t.Errorf("%d candidates after the failed import, want %d", got, candidates)
	}
	// Writes that fitted were kept whole, with their audit entry; the one
	// that failed left nothing.
	incidents := count(t, db, "SELECT count(*) FROM incidents")
	if got := count(t, db, "SELECT count(*) FROM audit_log"); got != entries+incidents {
		t.Errorf("%d audit entries, want %d (+%d incidents)", got, entries, incidents)
	}
	if rep, err := db.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("Check after disk full: %v\n%s", err, rep)
	}
	// Space freed: the same connection writes again.
	if _, err := db.writer.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := svc.ImportCandidates(ctx, admin, genCandidates(500, 20)); err != nil {
		t.Fatal(err)
	}
}

func TestOpen_InUse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "amis.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(lockPath(path)); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file = %q, %v; want our PID", b, err)
	}
	// flock(2) locks belong to an open file: a second Open in the same
	// process conflicts like another process would.
	_, err = Open(path)
	e := wantCode(t, err, exam.EREFUSED, "err.db.in_use")
	want := fmt.Sprintf("the database %s is already open in another AMIS Jury window (pid %d)", path, os.Getpid())
	if !errors.Is(err, ErrInUse) || !strings.Contains(e.Message, want) {
		t.Errorf("error %q lacks %q", e.Message, want)
	}
	if _, err := Restore(ctx, path, path); exam.ErrorCode(err) != exam.EINVALID {
		t.Errorf("restoring a database onto itself: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lockPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after Close: %v", err)
	}
	db, err = Open(path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// lockChildEnv, when set to a database path, makes TestOpen_InUseByAnotherProcess
// the other process: it opens the database, says so and waits to be killed.
const lockChildEnv = "AMIS_TEST_LOCK_CHILD"

func TestOpen_InUseByAnotherProcess(t *testing.T) {
	if path := os.Getenv(lockChildEnv); path != "" {
		db, err := Open(path)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		fmt.Println("open")
		time.Sleep(time.Minute)
		db.Close()
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "amis.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpen_InUseByAnotherProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "open\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	_, err = Open(path)
	e := wantCode(t, err, exam.EREFUSED, "err.db.in_use")
	if e.Data["PID"] != strconv.Itoa(cmd.Process.Pid) {
		t.Errorf("refusal names pid %v, want the child's %d", e.Data["PID"], cmd.Process.Pid)
	}
	_, err = Restore(context.Background(), filepath.Join(t.TempDir(), "x.db"), path)
	wantCode(t, err, exam.EREFUSED, "err.db.in_use")

	// The system releases the lock of a process that dies, even by SIGKILL.
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open after the holder was killed: %v", err)
	}
	defer db.Close()
	if b, err := os.ReadFile(lockPath(path)); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file = %q, %v; want our PID", b, err)
	}
}
