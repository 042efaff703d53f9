package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
)

// exportOnDB is the dialog's export on a real database, as cmd/amis binds
// it (without the atomic rename).
func exportOnDB(db *storage.DB, ref *exam.Referentiel) exportRun {
	svc := storage.NewExportService(db, ref)
	return func(ctx context.Context, ids []int64, draft bool, format ExportFormat, path string, progress func(done, total int)) error {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sel := storage.ExportSelection{SessionIDs: ids, Draft: draft}
		if format == ExportCSV {
			return xlsx.WriteExportCSV(ctx, f, svc, admin, sel, progress)
		}
		return xlsx.WriteExport(ctx, f, svc, admin, sel, progress)
	}
}

// TestExportDialog drives the certifier export dialog on the demo's three
// sessions (signed, ready to run, mock exam) of a real database, and reads
// back the files it writes.
func TestExportDialog(t *testing.T) {
	storage.FastSecrets(t)
	test.NewTempApp(t)
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	if _, err := demo.Fill(ctx, exam.System, storage.NewCandidateService(db, ref), ref, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	list, err := storage.NewSessionService(db, ref).FindSessions(ctx, exam.System, exam.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, s := range list {
		idx[s.Reference] = i
	}
	signed, ready, mock := idx[demo.RefSigned], idx[demo.RefReady], idx[demo.RefMock]
	if len(list) != 3 || !list[signed].Signed || list[ready].Signed || list[mock].Kind != exam.KindMock {
		t.Fatalf("demo sessions = %+v", list)
	}
	w := test.NewTempWindow(t, nil)
	d := newExportDialog(w, list, exportOnDB(db, ref))
	dir := t.TempDir()
	var path string
	d.choosePath = func(onChosen func(string)) { onChosen(path) }

	// What may be chosen, and why not.
	if d.checks[signed].Disabled() || !d.checks[ready].Disabled() || !d.checks[mock].Disabled() || !d.choose.Disabled() {
		t.Fatal("at first only the signed session may be ticked, and nothing is ticked yet")
	}
	if !strings.Contains(d.notes[mock].Text, "Examen blanc") || !strings.Contains(d.notes[ready].Text, "Brouillon") {
		t.Errorf("notes: mock %q, unsigned %q", d.notes[mock].Text, d.notes[ready].Text)
	}

	// A period: a reversed one is refused; one from the signed session to
	// today ticks it and leaves the unsigned one out, saying so.
	test.Type(d.from, exam.Today().String())
	test.Type(d.to, list[signed].StartDate.String())
	test.Tap(d.period)
	if d.status.Text != "Le dernier jour est avant le premier." || d.checks[signed].Checked {
		t.Errorf("reversed period: %q, signed ticked %v", d.status.Text, d.checks[signed].Checked)
	}
	d.from.SetText(list[signed].StartDate.String())
	d.to.SetText(exam.Today().String())
	test.Tap(d.period)
	if !d.checks[signed].Checked || d.checks[ready].Checked || d.checks[mock].Checked ||
		d.status.Text != "1 session(s) de la période cochée(s) ; 1 non signée(s), laissée(s) de côté (cochez « Brouillon » pour les inclure)." {
		t.Errorf("period: ticked %v %v %v, %q", d.checks[signed].Checked, d.checks[ready].Checked, d.checks[mock].Checked, d.status.Text)
	}
	d.from.SetText("31/02/2026")
	test.Tap(d.period)
	if !strings.Contains(d.status.Text, "31/02/2026") {
		t.Errorf("bad date: %q", d.status.Text)
	}

	// The workbook of the signed session.
	path = filepath.Join(dir, "export.xlsx")
	test.Tap(d.choose)
	d.wait()
	if d.status.Text != "Export enregistré dans "+path+"." {
		t.Fatalf("status after the export: %q", d.status.Text)
	}
	wb, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows(xlsx.ResultsSheet)
	wb.Close()
	if err != nil || len(rows) != 1+list[signed].Candidates {
		t.Fatalf("Résultats: %d rows, %v; want the header and %d candidates", len(rows), err, list[signed].Candidates)
	}

	// The same as CSV.
	d.format.SetSelected(d.format.Options[1])
	path = filepath.Join(dir, "export.csv")
	test.Tap(d.choose)
	d.wait()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\n")
	if !strings.HasPrefix(string(data), "\uFEFF") || len(lines) != 1+list[signed].Candidates || !strings.Contains(lines[0], ";") {
		t.Errorf("CSV: BOM %v, %d lines, header %q", strings.HasPrefix(string(data), "\uFEFF"), len(lines), lines[0])
	}

	// A draft with the unsigned session: every sheet says PROVISOIRE.
	d.format.SetSelected(d.format.Options[0])
	test.Tap(d.draft)
	if d.checks[ready].Disabled() {
		t.Fatal("the unsigned session cannot be ticked in a draft")
	}
	test.Tap(d.checks[ready])
	path = filepath.Join(dir, "brouillon.xlsx")
	test.Tap(d.choose)
	d.wait()
	if !strings.Contains(d.status.Text, "PROVISOIRE") {
		t.Errorf("draft status: %q", d.status.Text)
	}
	wb, err = excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	for _, name := range wb.GetSheetList() {
		if !strings.HasSuffix(name, xlsx.Provisional) {
			t.Errorf("draft sheet %q is not marked %s", name, xlsx.Provisional)
		}
	}
}
