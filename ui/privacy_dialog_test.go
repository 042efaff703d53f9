package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
)

// privacyOnDB is PrivacyService on a real database as cmd/amis binds it,
// except that "today" is ten years ahead, so that the candidates the test
// creates are old enough to purge.
type privacyOnDB struct {
	svc   *storage.PrivacyService
	cands *storage.CandidateService
	ref   *exam.Referentiel
	plan  *storage.PurgePlan
}

func (p *privacyOnDB) RetentionYears(ctx context.Context, a exam.Actor) (int, error) {
	return p.svc.RetentionYears(ctx, a)
}

func (p *privacyOnDB) PlanPurge(ctx context.Context, a exam.Actor, years int) (PurgeSummary, error) {
	plan, err := p.svc.PurgePlan(ctx, a, years, exam.Today().AddYears(10))
	if err != nil {
		return PurgeSummary{}, err
	}
	p.plan = plan
	return PurgeSummary{Years: plan.Years, Cutoff: plan.Cutoff, Candidates: plan.Candidates,
		NeverInSession: plan.NeverInSession, Sessions: plan.Sessions}, nil
}

func (p *privacyOnDB) Purge(ctx context.Context, a exam.Actor) (PurgeSummary, error) {
	if err := p.svc.SetRetentionYears(ctx, a, p.plan.Years); err != nil {
		return PurgeSummary{}, err
	}
	done, err := p.svc.Purge(ctx, a, p.plan)
	if err != nil {
		return PurgeSummary{}, err
	}
	return PurgeSummary{Candidates: done.Candidates, Archived: done.Archived, Sessions: done.Sessions}, nil
}

func (p *privacyOnDB) FindCandidates(ctx context.Context, a exam.Actor, q string) ([]exam.CandidateSummary, error) {
	return p.cands.FindCandidates(ctx, a, exam.CandidateFilter{Query: q, Limit: 50})
}

func (p *privacyOnDB) ExportAccess(ctx context.Context, a exam.Actor, id int64, path string) error {
	r, err := p.svc.Access(ctx, a, id)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return xlsx.WriteAccess(io.Writer(f), r, p.ref)
}

// newPrivacyFixture is a database of three candidates, MARTIN Élodie among
// them, and the privacy service on it.
func newPrivacyFixture(t *testing.T) (*privacyOnDB, *storage.DB) {
	t.Helper()
	test.NewTempApp(t)
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	cands := storage.NewCandidateService(db, ref)
	var cs []*exam.Candidate
	for i, name := range []string{"MARTIN", "DURAND", "PETIT"} {
		cs = append(cs, &exam.Candidate{Number: "2026-00" + string(rune('1'+i)), BirthName: name, FirstNames: "Élodie",
			Sex: exam.Female, BirthDate: exam.NewDate(1990, 3, 12+i), BirthCity: "Lyon", BirthCountry: "France",
			AccessRoute: exam.RouteContinuing})
	}
	if err := cands.ImportCandidates(context.Background(), admin, cs); err != nil {
		t.Fatal(err)
	}
	return &privacyOnDB{svc: storage.NewPrivacyService(db, ref), cands: cands, ref: ref}, db
}

func TestPurgeDialog(t *testing.T) {
	svc, db := newPrivacyFixture(t)
	w := test.NewTempWindow(t, nil)
	d := showPurgeDialog(w, svc, admin)
	d.wait()
	if d.years.Text != "5" {
		t.Fatalf("retention shown = %q, want the default 5", d.years.Text)
	}
	if !d.purge.Disabled() || !d.confirm.Disabled() {
		t.Error("delete offered before any plan")
	}
	d.years.SetText("")
	test.Type(d.years, "deux")
	if !d.plan.Disabled() {
		t.Error("plan enabled for a period that is not a number")
	}
	d.years.SetText("0")
	test.Tap(d.plan)
	d.wait()
	if !strings.Contains(d.status.Text, "entre 1 et 50 ans") || !d.confirm.Disabled() {
		t.Errorf("period 0: status %q, confirmation enabled %v", d.status.Text, !d.confirm.Disabled())
	}

	d.years.SetText("5")
	test.Tap(d.plan)
	d.wait()
	if !strings.Contains(d.summary.Text, "3 candidats inactifs") || d.confirm.Disabled() || !d.purge.Disabled() {
		t.Fatalf("plan: %q, confirmation disabled %v, delete disabled %v", d.summary.Text, d.confirm.Disabled(), d.purge.Disabled())
	}
	test.Tap(d.purge) // not confirmed: nothing happens
	if n := candidatesIn(t, db); n != 3 {
		t.Fatalf("deleted without confirmation: %d left", n)
	}
	// Changing the period forgets the plan.
	d.years.SetText("6")
	if !d.confirm.Disabled() || d.summary.Text != "" {
		t.Error("the plan of 5 years is still offered for 6")
	}
	test.Tap(d.plan)
	d.wait()
	test.Tap(d.confirm)
	if d.purge.Disabled() {
		t.Fatal("delete disabled once confirmed")
	}
	test.Tap(d.purge)
	d.wait()
	if !strings.Contains(d.status.Text, "3 candidats supprimés") || !d.purge.Disabled() || !d.confirm.Disabled() {
		t.Errorf("after the purge: status %q, delete disabled %v", d.status.Text, d.purge.Disabled())
	}
	if n := candidatesIn(t, db); n != 0 {
		t.Errorf("%d candidates left", n)
	}
	if y, _ := svc.RetentionYears(context.Background(), admin); y != 6 {
		t.Errorf("retention stored = %d, want 6", y)
	}
	if rep, err := db.Check(context.Background()); err != nil || !rep.OK() {
		t.Errorf("check after the purge: %v\n%s", err, rep)
	}
}

func candidatesIn(t *testing.T, db *storage.DB) int {
	t.Helper()
	n, err := storage.NewCandidateService(db, storage.MustReferentiel(t)).CountCandidates(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAccessExportDialog(t *testing.T) {
	svc, _ := newPrivacyFixture(t)
	w := test.NewTempWindow(t, nil)
	d := showAccessExportDialog(w, svc, admin, nil)
	path := filepath.Join(t.TempDir(), "acces.xlsx")
	var suggested string
	d.choosePath = func(name string, onChosen func(string)) { suggested = name; onChosen(path) }
	if !d.export.Disabled() {
		t.Error("export enabled before a candidate is chosen")
	}
	test.Type(d.search, "zzz")
	test.Tap(d.find)
	d.wait()
	if d.status.Text != "Aucun candidat ne correspond." || len(d.choice.Options) != 0 {
		t.Errorf("no match: %q, %q", d.status.Text, d.choice.Options)
	}
	d.search.SetText("")
	test.Type(d.search, "martin")
	test.Tap(d.find)
	d.wait()
	if len(d.choice.Options) != 1 || d.choice.Selected != "MARTIN Élodie — 12/03/1990 — n° 2026-001" || d.export.Disabled() {
		t.Fatalf("one match: %q selected %q, export disabled %v", d.choice.Options, d.choice.Selected, d.export.Disabled())
	}
	test.Tap(d.export)
	d.wait()
	if suggested != "acces-MARTIN-Élodie.xlsx" || !strings.Contains(d.status.Text, path) {
		t.Errorf("file %q, status %q", suggested, d.status.Text)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(xlsx.AccessSheetIdentity, "B5"); v != "MARTIN" {
		t.Errorf("birth name in the workbook = %q", v)
	}

	// Opened on a candidate: ready to export.
	pre := exam.CandidateSummary{ID: 2, BirthName: "DURAND", FirstNames: "Élodie", BirthDate: exam.NewDate(1990, 3, 13)}
	d2 := showAccessExportDialog(w, svc, admin, &pre)
	if d2.export.Disabled() || d2.choice.Selected == "" {
		t.Error("preselected candidate: export disabled")
	}
}
