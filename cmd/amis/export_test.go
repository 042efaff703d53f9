package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
)

// TestExport_WhileTheWindowHoldsTheDatabase: amis export reads a database
// an AMIS Jury window holds (the instance lock), read-only, says so, and
// writes the same workbook; a mock exam is still refused with status 1.
func TestExport_WhileTheWindowHoldsTheDatabase(t *testing.T) {
	storage.FastSecrets(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "amis.db")
	if _, _, err := amis(t, "demo", "--db", db); err != nil {
		t.Fatal(err)
	}
	window, err := storage.Open(db) // the window
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	out := filepath.Join(dir, "resultats.xlsx")
	stdout, stderr, err := amis(t, "export", "--db", db, "--session", "1", "-o", out)
	if err != nil {
		t.Fatalf("export while the window holds the database: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "is open in AMIS Jury: reading it without changing anything") ||
		!strings.Contains(stdout, "8 candidates of DEMO-SV-01 exported for the certifier") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(xlsx.ResultsSheet)
	f.Close()
	if err != nil || len(rows) != 9 || rows[1][0] != "DEMO-SV-01" {
		t.Fatalf("Résultats: %d rows, %v", len(rows), err)
	}
	_, _, err = amis(t, "export", "--db", db, "--session", "3", "-o", filepath.Join(dir, "blanc.xlsx"))
	if err == nil || !strings.Contains(message(err), "mock exam") {
		t.Errorf("mock exam exported: %v", err)
	}
}
