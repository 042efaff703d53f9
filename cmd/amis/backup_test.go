package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// amis runs the command line as a user would, in English.
func amis(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"--lang", "en"}, args...), &out, &errOut)
	return out.String(), errOut.String(), err
}

func hashOf(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func candidates(t *testing.T, path string) int {
	t.Helper()
	db, err := storage.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.Check(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("check %s: %v\n%s", path, err, rep)
	}
	return rep.Candidates
}

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	storage.FastSecrets(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "amis.db")
	if _, _, err := amis(t, "demo", "--db", db, "--candidates", "30"); err != nil {
		t.Fatal(err)
	}
	// The demo signs a PV: the automatic backup is there.
	pv, _ := filepath.Glob(filepath.Join(dir, "backups", "amis-*-pv.db"))
	if len(pv) != 1 {
		t.Errorf("PV backups after the demo: %q", pv)
	}

	saved := filepath.Join(t.TempDir(), "sauvegarde.db")
	out, _, err := amis(t, "backup", "--db", db, "-o", saved)
	if err != nil || !strings.Contains(out, saved) {
		t.Fatalf("backup: %q, %v", out, err)
	}
	if _, err := storage.VerifyBackup(ctx, saved); err != nil {
		t.Fatal(err)
	}
	// Refused: the file exists; the database does not.
	_, _, err = amis(t, "backup", "--db", db, "-o", saved)
	if exam.ErrorCode(err) != exam.EREFUSED || !strings.Contains(message(err), saved) {
		t.Errorf("backup over an existing file: %v", err)
	}
	if _, _, err := amis(t, "backup", "--db", filepath.Join(dir, "missing.db")); exam.ErrorCode(err) != exam.EREFUSED {
		t.Errorf("backup of a missing database: %v", err)
	}
	// Into the backups folder, while the app has the database open.
	open, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := amis(t, "backup", "--db", db)
	if err != nil || !strings.Contains(out, filepath.Join(dir, "backups", "amis-")) || !strings.Contains(out, "-manual.db") ||
		!strings.Contains(errOut, db) {
		t.Fatalf("backup while open: %q, %q, %v", out, errOut, err)
	}
	// Restoring is refused while it is open.
	_, _, err = amis(t, "restore", "--db", db, saved)
	if !strings.Contains(message(err), "already open") {
		t.Errorf("restore while open: %v", err)
	}
	if err := open.Close(); err != nil {
		t.Fatal(err)
	}

	// More work, then back to the backup.
	n := candidates(t, db)
	if _, _, err := amis(t, "demo", "--db", db, "--candidates", "45"); err != nil {
		t.Fatal(err)
	}
	if candidates(t, db) != 45 {
		t.Fatal("the second demo added nothing")
	}
	out, _, err = amis(t, "restore", "--db", db, saved)
	if err != nil || !strings.Contains(out, "before-restore") {
		t.Fatalf("restore: %q, %v", out, err)
	}
	if got := candidates(t, db); got != n {
		t.Errorf("restored database: %d candidates, want the backup's %d", got, n)
	}
	kept, _ := filepath.Glob(db + ".before-restore-*")
	if len(kept) != 1 || candidates(t, kept[0]) != 45 {
		t.Errorf("replaced database kept as %q", kept)
	}
	if out, _, err := amis(t, "check", "--db", db); err != nil || !strings.Contains(out, "signed PVs:     1") {
		t.Errorf("check after restore: %q, %v", out, err)
	}

	// A damaged backup is refused and the database left as it is.
	bad := filepath.Join(t.TempDir(), "abîmée.db")
	b, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 3; i < len(b)/3+4096; i++ {
		b[i] ^= 0x5A
	}
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	before := hashOf(t, db)
	_, _, err = amis(t, "restore", "--db", db, bad)
	if exam.ErrorCode(err) != exam.EREFUSED || !strings.Contains(message(err), bad) {
		t.Errorf("restore of a damaged backup: %v", err)
	}
	if hashOf(t, db) != before {
		t.Error("a refused restore changed the database")
	}
	if _, _, err := amis(t, "restore", "--db", db); err == nil {
		t.Error("restore without a file accepted")
	}
}
