package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

func TestCandidateScreen_ListShowsStoredCandidates(t *testing.T) {
	f := newFixture(t)
	f.create(candidate("Martin", "Léa", "14/07/1985"))
	dupont := candidate("Dupont", "Marie Claire", "01/02/1990")
	dupont.UsageName = "Durand"
	dupont.Number = "2024-007"
	f.create(dupont)
	f.create(candidate("Bernard", "Paul", "23/11/1979"))
	s := f.open(f.deps())

	if got, want := s.count.Text, "3 candidats"; got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	if s.list.Length() != 3 || !s.list.Visible() || s.empty.Visible() {
		t.Fatalf("list: %d items, visible %v, empty state %v", s.list.Length(), s.list.Visible(), s.empty.Visible())
	}
	row := newCandidateRow()
	s.updateCandidateRow(1, row) // sorted by birth name: BERNARD, DUPONT, MARTIN
	got := texts(row)
	want := []string{"DUPONT (DURAND) Marie Claire", "01/02/1990 · Formation continue · AFPA Lyon · n° 2024-007"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("row = %q, want %q", got, want)
	}
	if got := f.mw.status.Text; !strings.Contains(got, f.db.Path()) || !strings.Contains(got, "Claire Test (administrateur)") {
		t.Errorf("status bar = %q", got)
	}
}

func TestCandidateScreen_SearchFilters(t *testing.T) {
	f := newFixture(t)
	f.create(candidate("Dupont", "Marie", "01/02/1990"))
	f.create(candidate("Durand", "Paul", "23/11/1979"))
	f.create(candidate("Lefèvre", "Léa", "14/07/1985"))
	s := f.open(f.deps())

	names := func() string {
		var n []string
		for _, c := range s.items {
			n = append(n, c.BirthName)
		}
		return strings.Join(n, ",")
	}
	for _, tc := range []struct {
		query, count, names string
	}{
		{"du", "2 sur 3", "DUPONT,DURAND"},
		{"dur", "1 sur 3", "DURAND"},
		{"lefevre", "1 sur 3", "LEFÈVRE"},            // without accents
		{"14/07/1985", "1 sur 3", "LEFÈVRE"},         // birth date
		{"marie dupont", "1 sur 3", "DUPONT"},        // every word
		{"zzz", "0 sur 3", ""},                       // nothing
		{"", "3 candidats", "DUPONT,DURAND,LEFÈVRE"}, // back to all
	} {
		t.Run(tc.query, func(t *testing.T) {
			s.search.SetText("")
			test.Type(s.search, tc.query) // one search per key, the last wins
			f.waitFor("results of "+tc.query, func() bool { return !s.searching })
			if s.count.Text != tc.count || names() != tc.names {
				t.Errorf("count %q, names %q; want %q, %q", s.count.Text, names(), tc.count, tc.names)
			}
			if noMatch := tc.names == ""; s.noMatch.Visible() != noMatch {
				t.Errorf("no-match message visible = %v", s.noMatch.Visible())
			}
		})
	}
}

func TestCandidateScreen_EnterInSearchOpensFirstResult(t *testing.T) {
	f := newFixture(t)
	f.create(candidate("Dupont", "Marie", "01/02/1990"))
	f.create(candidate("Lefèvre", "Léa", "14/07/1985"))
	s := f.open(f.deps())

	f.shortcut(shortcutSearch)
	if f.mw.win.Canvas().Focused() != s.search {
		t.Fatal("Ctrl+F does not focus the search")
	}
	test.Type(s.search, "lef")
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // before the debounced results
	f.waitFor("the candidate in the form", func() bool { return s.current != nil })
	if s.birthName.Text != "LEFÈVRE" || s.birthDate.Text != "14/07/1985" || s.title.Text != "LEFÈVRE Léa" {
		t.Errorf("form shows %q born %q, title %q", s.birthName.Text, s.birthDate.Text, s.title.Text)
	}
}

func TestCandidateScreen_CreateStoresCandidate(t *testing.T) {
	f := newFixture(t)
	s := f.open(f.deps())

	f.shortcut(shortcutNew)
	if s.birthCountry.Text != "France" || s.title.Text != "Nouveau candidat" || !s.deleteButton.Disabled() {
		t.Fatalf("new form: country %q, title %q", s.birthCountry.Text, s.title.Text)
	}
	fillValid(s)
	test.Type(s.number, "2024-001")
	test.Type(s.email, "elodie.lefevre@exemple.fr")
	s.blocks[0].check.SetChecked(true)
	test.Type(s.blocks[0].date, "15/06/2023")
	test.Type(s.blocks[0].session, "S-2023-06 Lyon")
	f.shortcut(shortcutSave)
	f.waitFor("the save", func() bool { return !s.saving })

	if s.formStatus.Text != "Enregistré." || s.formStatus.Importance != widget.SuccessImportance {
		t.Fatalf("status = %q", s.formStatus.Text)
	}
	found, err := f.svc.FindCandidates(f.ctx, admin, exam.CandidateFilter{})
	if err != nil || len(found) != 1 {
		t.Fatalf("stored: %v, %v", found, err)
	}
	c, err := f.svc.Candidate(f.ctx, admin, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.BirthName != "LEFÈVRE" || c.FirstNames != "Élodie Anne" || c.Sex != exam.Female ||
		c.BirthDate != exam.NewDate(1990, 3, 12) || c.BirthCity != "Lyon" || c.BirthCountry != "France" ||
		c.AccessRoute != exam.RouteContinuing || c.Number != "2024-001" || c.Email != "elodie.lefevre@exemple.fr" {
		t.Errorf("stored %+v", c)
	}
	if len(c.Acquired) != 1 || c.Acquired[0].BlockCode != "RNCP37722BC01" ||
		c.Acquired[0].Date != exam.NewDate(2023, 6, 15) || c.Acquired[0].SessionRef != "S-2023-06 Lyon" {
		t.Errorf("acquired %+v", c.Acquired)
	}
	// The form now edits the stored candidate, selected in the refreshed list.
	if s.current == nil || s.current.ID != c.ID || s.dirty || s.deleteButton.Disabled() {
		t.Errorf("form after save: current %v, dirty %v", s.current, s.dirty)
	}
	if s.count.Text != "1 candidat" || s.list.Length() != 1 {
		t.Errorf("list after save: %q, %d", s.count.Text, s.list.Length())
	}
}

func TestCandidateScreen_BadBirthDateIsInlineAndStoresNothing(t *testing.T) {
	f := newFixture(t)
	s := f.open(f.deps())

	fillValid(s)
	s.birthDate.SetText("31/02/1990")
	s.birthName.SetText("")
	test.Tap(s.saveButton)
	f.waitIdle()

	dateErr := s.fieldErrors[exam.FieldBirthDate]
	if !dateErr.Visible() || dateErr.Text != "« 31/02/1990 » n'existe pas dans le calendrier" {
		t.Errorf("birth date error: visible %v, %q", dateErr.Visible(), dateErr.Text)
	}
	if nameErr := s.fieldErrors[exam.FieldBirthName]; !nameErr.Visible() || nameErr.Text != "Obligatoire" {
		t.Errorf("birth name error: visible %v, %q", nameErr.Visible(), nameErr.Text)
	}
	if s.fieldErrors[exam.FieldFirstNames].Visible() {
		t.Error("an error shows under a correct field")
	}
	if s.formStatus.Text != "2 champs à corriger : voir les messages sous les champs." || s.formStatus.Importance != widget.DangerImportance {
		t.Errorf("status = %q", s.formStatus.Text)
	}
	if f.mw.win.Canvas().Focused() != s.birthName {
		t.Error("the first faulty field does not get the focus")
	}
	if n := f.count(); n != 0 {
		t.Fatalf("%d candidates stored", n)
	}

	// Not a date at all, in an acquired CCP.
	s.birthName.SetText("Lefèvre")
	s.birthDate.SetText("12/03/1990")
	if dateErr.Visible() {
		t.Error("the error stays after the field was edited")
	}
	s.blocks[1].check.SetChecked(true)
	s.blocks[1].date.SetText("juin 2023")
	test.Tap(s.saveButton)
	f.waitIdle()
	if e := s.blocks[1].err; !e.Visible() || e.Text != "« juin 2023 » n'est pas une date (attendu jj/mm/aaaa)" {
		t.Errorf("CCP2 date error: visible %v, %q", e.Visible(), e.Text)
	}
	if n := f.count(); n != 0 {
		t.Fatalf("%d candidates stored", n)
	}

	// A date the service refuses comes back under its field too.
	s.blocks[1].check.SetChecked(false)
	s.birthDate.SetText(fmt.Sprintf("01/01/%d", exam.Today().Year-3))
	test.Tap(s.saveButton)
	f.waitFor("the service's answer", func() bool { return !s.saving })
	if !dateErr.Visible() || dateErr.Text != "Le candidat doit avoir au moins 15 ans" {
		t.Errorf("service error under the birth date: visible %v, %q", dateErr.Visible(), dateErr.Text)
	}
	if n := f.count(); n != 0 {
		t.Fatalf("%d candidates stored", n)
	}

	s.birthDate.SetText("12/03/1990")
	test.Tap(s.saveButton)
	f.waitFor("the save", func() bool { return !s.saving })
	if s.formStatus.Text != "Enregistré." || f.count() != 1 {
		t.Errorf("after correction: %q, %d stored", s.formStatus.Text, f.count())
	}
}

func TestCandidateScreen_EditUpdatesCandidate(t *testing.T) {
	f := newFixture(t)
	c := candidate("Dupont", "Marie", "01/02/1990")
	c.Acquired = []exam.AcquiredBlock{{BlockCode: "RNCP37722BC02", Date: exam.NewDate(2022, 12, 5), SessionRef: "S-22"}}
	f.create(c)
	f.create(candidate("Martin", "Paul", "23/11/1979"))
	s := f.open(f.deps())

	s.list.Select(0)
	f.waitFor("the candidate", func() bool { return s.current != nil })
	if s.birthName.Text != "DUPONT" || s.route.Selected != "Formation continue" || s.sex.Selected != "Féminin (F)" ||
		!s.blocks[1].check.Checked || s.blocks[1].date.Text != "05/12/2022" || s.blocks[0].check.Checked || !s.blocks[0].date.Disabled() {
		t.Fatalf("form: %q %q %q, CCP2 %v %q", s.birthName.Text, s.route.Selected, s.sex.Selected, s.blocks[1].check.Checked, s.blocks[1].date.Text)
	}

	s.usageName.SetText("Durand")
	s.phone.SetText("06 12 34 56 78")
	s.route.SetSelected("VAE (validation des acquis de l'expérience)")
	s.blocks[1].check.SetChecked(false) // no longer acquired
	if !s.dirty {
		t.Fatal("edits do not mark the form changed")
	}

	// Leaving the form asks first; keeping the edits changes nothing.
	s.list.Select(1)
	confirm, ok := s.dialog.(*dialog.ConfirmDialog)
	if !ok || !strings.Contains(f.overlayText(), "modifications non enregistrées") {
		t.Fatalf("no confirmation before losing edits: %q", f.overlayText())
	}
	confirm.Hide()
	f.waitIdle()
	if s.current.BirthName != "DUPONT" || s.usageName.Text != "Durand" || s.list.Length() != 2 {
		t.Fatal("the edits were lost")
	}

	f.shortcut(shortcutSave)
	f.waitFor("the save", func() bool { return !s.saving })
	if s.formStatus.Text != "Enregistré." {
		t.Fatalf("status = %q", s.formStatus.Text)
	}
	got, err := f.svc.Candidate(f.ctx, admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UsageName != "DURAND" || got.Phone != "06 12 34 56 78" || got.AccessRoute != exam.RouteVAE || len(got.Acquired) != 0 ||
		got.BirthName != "DUPONT" || got.BirthDate != c.BirthDate {
		t.Errorf("stored %+v", got)
	}
	if s.title.Text != "DUPONT (DURAND) Marie" {
		t.Errorf("title = %q", s.title.Text)
	}

	// Annuler puts back the stored values.
	s.email.SetText("pas-une-adresse")
	test.Tap(s.cancelButton)
	if s.email.Text != "" || s.dirty {
		t.Errorf("after Annuler: e-mail %q, dirty %v", s.email.Text, s.dirty)
	}
}

func TestCandidateScreen_DeleteAfterConfirmation(t *testing.T) {
	f := newFixture(t)
	c := f.create(candidate("Dupont", "Marie", "01/02/1990"))
	f.create(candidate("Martin", "Paul", "23/11/1979"))
	s := f.open(f.deps())
	s.list.Select(0)
	f.waitFor("the candidate", func() bool { return s.current != nil })

	test.Tap(s.deleteButton)
	confirm, ok := s.dialog.(*dialog.ConfirmDialog)
	if !ok {
		t.Fatalf("no confirmation dialog: %T", s.dialog)
	}
	if text := f.overlayText(); !strings.Contains(text, "Supprimer définitivement la fiche de DUPONT Marie ?") {
		t.Errorf("confirmation does not name the candidate: %q", text)
	}
	confirm.Hide() // Annuler
	f.waitIdle()
	if f.count() != 2 {
		t.Fatal("deleted without confirmation")
	}

	test.Tap(s.deleteButton)
	s.dialog.(*dialog.ConfirmDialog).Confirm()
	f.waitFor("the deletion", func() bool { return s.count.Text == "1 candidat" })
	if _, err := f.svc.Candidate(f.ctx, admin, c.ID); exam.ErrorCode(err) != exam.ENOTFOUND {
		t.Errorf("candidate still stored: %v", err)
	}
	if s.current != nil || s.title.Text != "Nouveau candidat" || s.formStatus.Text != "Fiche de DUPONT Marie supprimée." {
		t.Errorf("form after deletion: %v, %q, %q", s.current, s.title.Text, s.formStatus.Text)
	}
}

func TestCandidateScreen_EmptyStateLoadsDemo(t *testing.T) {
	f := newFixture(t)
	d := f.deps()
	d.LoadDemo = func(ctx context.Context, a exam.Actor) error {
		for _, c := range []*exam.Candidate{candidate("Démo", "Alice", "02/03/1991"), candidate("Démo", "Bruno", "04/05/1992")} {
			if err := f.svc.CreateCandidate(ctx, admin, c); err != nil {
				return err
			}
		}
		return nil
	}
	s := f.open(d)

	if !s.empty.Visible() || s.list.Visible() || !s.demoButton.Visible() || s.count.Text != "0 candidat" {
		t.Fatalf("empty state: shown %v, list %v, demo button %v, count %q", s.empty.Visible(), s.list.Visible(), s.demoButton.Visible(), s.count.Text)
	}
	if text := strings.Join(texts(s.empty), "|"); !strings.Contains(text, "Aucun candidat. Importez une liste ou chargez les données de démonstration.") ||
		!strings.Contains(text, "Charger les données de démonstration") {
		t.Errorf("empty state says %q", text)
	}
	test.Tap(s.demoButton)
	f.waitFor("the demo data", func() bool { return s.count.Text == "2 candidats" })
	if s.empty.Visible() || !s.list.Visible() || s.list.Length() != 2 {
		t.Errorf("after demo: empty %v, list %v (%d)", s.empty.Visible(), s.list.Visible(), s.list.Length())
	}
}

func TestCandidateScreen_NoDemoButtonWithoutLoadDemo(t *testing.T) {
	f := newFixture(t)
	s := f.open(f.deps())
	if !s.empty.Visible() || s.demoButton.Visible() {
		t.Errorf("empty state %v, demo button %v", s.empty.Visible(), s.demoButton.Visible())
	}
}
