package main

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
)

// privacyDB is a database of three candidates; the first two were created
// and last changed in 2015, the third today. It returns their IDs.
func privacyDB(t *testing.T) (string, []int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "amis.db")
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ref := storage.MustReferentiel(t)
	cands := storage.NewCandidateService(db, ref)
	var cs []*exam.Candidate
	for i, name := range []string{"ANCIEN", "VIEUX", "RÉCENT"} {
		cs = append(cs, &exam.Candidate{BirthName: name, FirstNames: "Paul", Sex: exam.Male,
			BirthDate: exam.NewDate(1980, 1, 1+i), BirthCity: "Lyon", BirthCountry: "France", AccessRoute: exam.RouteVAE})
	}
	if err := cands.ImportCandidates(context.Background(), exam.System, cs); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Another program's clock: the records are dated 2015 (candidates carry
	// no lock trigger; the import's audit entry names no one).
	conn, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`UPDATE candidates SET created_at = '2015-03-02T10:00:00Z', updated_at = '2015-03-02T10:00:00Z'
		WHERE id IN (?, ?)`, cs[0].ID, cs[1].ID); err != nil {
		t.Fatal(err)
	}
	return path, []int64{cs[0].ID, cs[1].ID, cs[2].ID}
}

func TestPurgeCommand(t *testing.T) {
	path, _ := privacyDB(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"dry run", []string{"--dry-run"}, "Dry run: nothing was deleted."},
		{"without --yes", nil, "run the command again with --yes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := amis(t, append([]string{"purge", "--db", path, "--years", "5"}, tt.args...)...)
			if err != nil || !strings.Contains(out, "Retention 5 years: 2 candidates inactive since before") || !strings.Contains(out, tt.want) {
				t.Errorf("output %q, %v", out, err)
			}
			if n := candidates(t, path); n != 3 {
				t.Errorf("%d candidates left, want 3", n)
			}
		})
	}
	if _, _, err := amis(t, "purge", "--db", path, "--dry-run", "--yes"); !errors.Is(err, errUsage) {
		t.Errorf("--dry-run --yes: %v", err)
	}
	if _, _, err := amis(t, "purge", "--db", path, "--years", "0"); exam.ErrorCode(err) != exam.EINVALID {
		t.Errorf("--years 0: %v", err)
	}
	if _, _, err := amis(t, "purge", "--db", filepath.Join(t.TempDir(), "absent.db")); exam.ErrorCode(err) != exam.EREFUSED {
		t.Errorf("missing database: %v", err)
	}
	// The stored retention (5 by default) applies without --years.
	out, _, err := amis(t, "purge", "--db", path, "--yes")
	if err != nil || !strings.Contains(out, "Deleted: 2 candidates") || !strings.Contains(out, "0 PVs archived first") {
		t.Fatalf("purge --yes: %q, %v", out, err)
	}
	if n := candidates(t, path); n != 1 { // candidates() also checks the database
		t.Errorf("%d candidates left, want 1", n)
	}
	out, _, err = amis(t, "purge", "--db", path, "--yes")
	if err != nil || !strings.Contains(out, "nothing to delete") {
		t.Errorf("second purge: %q, %v", out, err)
	}
}

func TestAccessCommand(t *testing.T) {
	path, ids := privacyDB(t)
	// The referent records an accommodation profile with its medical
	// justification.
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	referent := exam.Actor{UserID: 3, Name: "Rémi Référent", Role: exam.RoleReferent}
	_, err = storage.NewAccommodationService(db, storage.MustReferentiel(t)).SaveProfile(context.Background(), referent,
		&exam.AccommodationProfile{CandidateID: ids[2], Justification: "Dyslexie sévère, certificat du Dr X",
			Decision: exam.AccommodationDecision{Authority: "MDPH du Rhône", Reference: "MDPH-69-4411", Date: exam.NewDate(2026, 1, 5)},
			Time:     exam.TimeAllowance{ExtraPercent: 33}})
	if cerr := db.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	file := filepath.Join(t.TempDir(), "acces.xlsx")
	out, _, err := amis(t, "access", "--db", path, "--candidate", strconv.FormatInt(ids[2], 10), "-o", file)
	if err != nil || !strings.Contains(out, file) || !strings.Contains(out, "RÉCENT Paul") {
		t.Fatalf("access: %q, %v", out, err)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(xlsx.AccessSheetIdentity, "B5"); v != "RÉCENT" {
		t.Errorf("birth name = %q", v)
	}
	rows, err := f.GetRows(xlsx.AccessSheetAudit)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range rows[3:] {
		actions = append(actions, r[4])
	}
	if actions[0] != "candidate.import" || actions[len(actions)-1] != "privacy.access" || len(actions) < 3 {
		t.Errorf("audit entries = %q, want the import, the profile, the access", actions)
	}
	// The decision and the accommodation are there, the justification nowhere.
	acc, err := f.GetRows(xlsx.AccessSheetAccommodations)
	if err != nil {
		t.Fatal(err)
	}
	if all := join(acc); !strings.Contains(all, "MDPH-69-4411") || !strings.Contains(all, "Temps majoré de 33 %") {
		t.Errorf("Aménagements = %q", acc)
	}
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		if strings.Contains(join(rows), "Dyslexie") {
			t.Errorf("sheet %s holds the medical justification", sheet)
		}
	}
	if _, _, err := amis(t, "access", "--db", path, "--candidate", "999", "-o", file); exam.ErrorCode(err) != exam.ENOTFOUND {
		t.Errorf("unknown candidate: %v", err)
	}
	for _, args := range [][]string{{"--candidate", "1"}, {"-o", file}} {
		if _, _, err := amis(t, append([]string{"access", "--db", path}, args...)...); !errors.Is(err, errUsage) {
			t.Errorf("access %q: %v", args, err)
		}
	}
}

func join(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteString("\n")
	}
	return b.String()
}
