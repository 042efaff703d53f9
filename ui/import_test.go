package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/xlsx"
)

func TestCandidateScreen_ImportRefusedListsEveryProblem(t *testing.T) {
	f := newFixture(t)
	problems := []exam.ImportProblem{
		{Line: 0, Column: "F (Commune de naissance)", Key: "err.required", Message: "required"},
		{Line: 5, Column: "C (Date de naissance)", Key: "err.date.calendar", Message: "“31/02/1990” does not exist in the calendar", Data: map[string]any{"Value": "31/02/1990"}},
		{Line: 9, Key: "import.dup_in_file", Message: "same person as row 4", Data: map[string]any{"First": 4}},
	}
	var phases []string
	d := f.deps()
	d.Import = func(ctx context.Context, a exam.Actor, path string, progress exam.ImportProgress) (*exam.ImportReport, error) {
		progress("read", 10, 0)
		progress("check", 10, 10)
		phases = append(phases, path)
		return &exam.ImportReport{File: path, Rows: 10, Problems: problems}, nil
	}
	s := f.open(d)

	s.importFile("/données/candidats.xlsx")
	f.waitFor("the report", func() bool { return s.report != nil })
	r := s.report
	if r.header.Text != "Import refusé : 3 problèmes, rien n'a été importé." {
		t.Errorf("header = %q", r.header.Text)
	}
	if r.list.Length() != 3 {
		t.Fatalf("%d problems listed", r.list.Length())
	}
	want := []string{
		"Colonne F (Commune de naissance) : obligatoire",
		"Ligne 5, colonne C (Date de naissance) : « 31/02/1990 » n'existe pas dans le calendrier",
		"Ligne 9 : même personne qu'à la ligne 4 (nom de naissance, prénoms, date de naissance)",
	}
	for i, w := range want {
		if r.lines[i] != w {
			t.Errorf("problem %d = %q, want %q", i, r.lines[i], w)
		}
	}
	r.list.Select(1)
	if r.detail.Text != want[1] {
		t.Errorf("detail = %q", r.detail.Text)
	}
	test.Tap(r.copy)
	clip := f.app.Clipboard().Content()
	for _, w := range append(want, "Import refusé : 3 problèmes, rien n'a été importé.", "/données/candidats.xlsx") {
		if !strings.Contains(clip, w) {
			t.Errorf("clipboard lacks %q:\n%s", w, clip)
		}
	}
	if len(phases) != 1 || phases[0] != "/données/candidats.xlsx" {
		t.Errorf("Import called with %q", phases)
	}
	if s.importButton.Disabled() {
		t.Error("the import button stays disabled")
	}
}

func TestCandidateScreen_ImportSucceedsAndRefreshes(t *testing.T) {
	f := newFixture(t)
	d := f.deps()
	d.Import = func(ctx context.Context, a exam.Actor, path string, progress exam.ImportProgress) (*exam.ImportReport, error) {
		rows := []exam.ImportRow{
			{Line: 2, Candidate: *candidate("Dupont", "Marie", "01/02/1990")},
			{Line: 3, Candidate: *candidate("Durand", "Paul", "23/11/1979")},
		}
		rep, err := exam.ImportCandidates(ctx, a, f.svc, f.ref, rows, nil, nil, progress)
		if rep != nil {
			rep.File = path
			rep.IgnoredColumns = []string{"Remarques", "Tuteur"}
		}
		return rep, err
	}
	s := f.open(d)
	if !s.empty.Visible() {
		t.Fatal("no empty state")
	}

	s.importFile("/tmp/liste.csv")
	f.waitFor("the refreshed list", func() bool { return s.count.Text == "2 candidats" })
	text := f.overlayText()
	for _, w := range []string{"Import terminé", "2 candidats importés depuis liste.csv.", "Colonnes ignorées (inconnues) : Remarques, Tuteur"} {
		if !strings.Contains(text, w) {
			t.Errorf("dialog lacks %q:\n%s", w, text)
		}
	}
	if s.empty.Visible() || f.count() != 2 {
		t.Errorf("empty state %v, %d stored", s.empty.Visible(), f.count())
	}
}

func TestCandidateScreen_ImportErrorIsTranslated(t *testing.T) {
	f := newFixture(t)
	d := f.deps()
	d.Import = func(ctx context.Context, a exam.Actor, path string, progress exam.ImportProgress) (*exam.ImportReport, error) {
		return nil, exam.Errorf(exam.EREFUSED, "err.refused", "refused", nil)
	}
	s := f.open(d)
	s.importFile("/tmp/x.xlsx")
	f.waitIdle()
	if text := f.overlayText(); !strings.Contains(text, "Import impossible") || !strings.Contains(text, "Refusé.") {
		t.Errorf("dialog = %q", text)
	}
}

func TestCandidateScreen_SaveTemplate(t *testing.T) {
	f := newFixture(t)
	d := f.deps()
	d.TemplateXLSX = []byte("PK\x03\x04 template")
	s := f.open(d)
	if s.templateButton.Disabled() {
		t.Fatal("template button disabled")
	}
	path := filepath.Join(t.TempDir(), "modele.xlsx")
	w, err := fynestorage.Writer(fynestorage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	s.saveTemplate(w, path, d.TemplateXLSX)
	f.waitIdle()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(d.TemplateXLSX) {
		t.Errorf("file = %q, %v", got, err)
	}
	if text := f.overlayText(); !strings.Contains(text, "Modèle d'import enregistré : "+path) {
		t.Errorf("dialog = %q", text)
	}
}

func TestCandidateScreen_NoTemplateDisablesCommand(t *testing.T) {
	f := newFixture(t)
	s := f.open(f.deps())
	if !s.templateButton.Disabled() || !s.importButton.Disabled() {
		t.Error("template or import enabled without their dependency")
	}
}

// TestCandidateScreen_ImportRealFile goes through the importer cmd/amis
// wires (storage/xlsx.ImportFile) with a CSV file as Excel writes it.
func TestCandidateScreen_ImportRealFile(t *testing.T) {
	f := newFixture(t)
	d := f.deps()
	d.Import = func(ctx context.Context, a exam.Actor, path string, progress exam.ImportProgress) (*exam.ImportReport, error) {
		return xlsx.ImportFile(ctx, a, f.svc, f.ref, path, progress)
	}
	s := f.open(d)
	header := "Nom de naissance;Prénoms;Sexe;Date de naissance;Commune de naissance;Pays de naissance;Modalité d'accès;Remarques\n"
	good := "Dupont;Marie;F;01/02/1990;Lyon;France;Formation continue;\n"
	write := func(rows ...string) string {
		path := filepath.Join(t.TempDir(), "candidats.csv")
		if err := os.WriteFile(path, []byte(header+strings.Join(rows, "")), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	s.importFile(write(good, "Durand;Paul;M;31/02/1990;Paris;France;VAE;\n", ";Léa;F;14/07/1985;Nantes;France;VAE;\n"))
	f.waitFor("the report", func() bool { return s.report != nil })
	if s.report.header.Text != "Import refusé : 2 problèmes, rien n'a été importé." {
		t.Errorf("header = %q, problems %q", s.report.header.Text, s.report.lines)
	}
	all := strings.Join(s.report.lines, "\n")
	for _, w := range []string{
		"Ligne 3, colonne D (Date de naissance) : « 31/02/1990 » n'existe pas dans le calendrier",
		"Ligne 4, colonne A (Nom de naissance) : obligatoire",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("report lacks %q:\n%s", w, all)
		}
	}
	if f.count() != 0 {
		t.Fatal("a refused file imported candidates")
	}
	s.report.dialog.Hide()

	s.importFile(write(good, "Durand;Paul;M;28/02/1990;Paris;France;VAE;\n"))
	f.waitFor("the refreshed list", func() bool { return s.count.Text == "2 candidats" })
	if text := f.overlayText(); !strings.Contains(text, "2 candidats importés depuis candidats.csv.") ||
		!strings.Contains(text, "Colonnes ignorées (inconnues) : H (Remarques)") {
		t.Errorf("dialog = %q", text)
	}
}
